# Coexistence with vmw_pvscsi: a PVSCSI adapter the in-tree driver already
# owns is left alone (and pv_vmi says so); handing it over and back by the
# documented driver_override steps works (docs/vmware.md).
#@ kernel: stock
#@ extra: project
#@ modules: vmw_pvscsi sd_mod
#@ mdev: yes
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -device pvscsi,id=s0
#@ qemu: -blockdev driver=null-co,node-name=nul0,size=67108864,read-zeroes=on -device scsi-hd,bus=s0.0,scsi-id=0,drive=nul0
#@ timeout: 150

pci=$(for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor):$(cat $d/device)" = 0x15ad:0x07c0 ] && basename $d; done)
note "PVSCSI at $pci"
check inbox_driver_loads modprobe vmw_pvscsi
mdev_settle
check inbox_owns_it test "$(basename "$(readlink /sys/bus/pci/devices/$pci/driver)")" = vmw_pvscsi
check vmi_loads modprobe pv_vmi
mdev_settle
check says_left_alone dmesg_has "$pci: PVSCSI adapter is driven by vmw_pvscsi: leaving it alone"
check no_pv_disk test ! -e /sys/bus/pv/devices/pvblk0
check inbox_still_owns_it test "$(basename "$(readlink /sys/bus/pci/devices/$pci/driver)")" = vmw_pvscsi

handover() {
	echo "$pci" > /sys/bus/pci/drivers/vmw_pvscsi/unbind &&
	echo pv_vmi_pvscsi > /sys/bus/pci/devices/$pci/driver_override &&
	echo "$pci" > /sys/bus/pci/drivers_probe
}
check hand_over handover
check pv_owns_it test "$(basename "$(readlink /sys/bus/pci/devices/$pci/driver)")" = pv_vmi_pvscsi
check pv_disk_appears wait_for 15 test -b /dev/pvb0
check pv_disk_reads dd if=/dev/pvb0 of=/dev/null bs=1M count=4 iflag=direct

handback() {
	echo "$pci" > /sys/bus/pci/drivers/pv_vmi_pvscsi/unbind &&
	echo > /sys/bus/pci/devices/$pci/driver_override &&
	echo "$pci" > /sys/bus/pci/drivers_probe
}
check hand_back handback
check inbox_owns_it_again test "$(basename "$(readlink /sys/bus/pci/devices/$pci/driver)")" = vmw_pvscsi
check pv_disk_gone test ! -e /sys/bus/pv/devices/pvblk0
check_dmesg_clean kernel_log_clean
