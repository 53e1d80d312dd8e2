# PVSCSI hot-plug through the message ring: the host removes a disk and adds
# it back through the QEMU monitor while the guest runs (tests/vm/host/monitor.py,
# driven by the NOTE markers below).
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -device pvscsi,id=s0
#@ qemu: -blockdev driver=null-co,node-name=nul0,size=67108864,read-zeroes=on -device scsi-hd,bus=s0.0,scsi-id=0,drive=nul0
#@ qemu: -blockdev driver=null-co,node-name=nul1,size=33554432,read-zeroes=on -device scsi-hd,bus=s0.0,scsi-id=1,drive=nul1,id=hd1
#@ qemu: -monitor unix:@WORK@/mon.sock,server=on,wait=off
#@ host: python3 @TOP@/tests/vm/host/monitor.py @WORK@ 'hotplug: unplug now::device_del hd1' 'hotplug: plug now::device_add scsi-hd,bus=s0.0,scsi-id=1,drive=nul1,id=hd1'
#@ timeout: 180

check vmi_loads modprobe pv_vmi
mdev_settle
check two_disks wait_for 15 test -b /dev/pvb1
check disk1_size test "$(cat /sys/block/pvb1/size)" -eq 65536
dmesg_mark
note "hotplug: unplug now"
check disk_removed wait_for 60 test ! -e /sys/bus/pv/devices/pvblk1
check node_gone wait_for 10 test ! -b /dev/pvb1
check disk0_untouched dd if=/dev/pvb0 of=/dev/null bs=1M count=4 iflag=direct
check removal_logged dmesg_has 'target 1 lun 0: pvblk1 removed'
note "hotplug: plug now"
check disk_added wait_for 60 test -e /sys/bus/pv/devices/pvblk1
mdev_settle
check node_back wait_for 10 test -b /dev/pvb1
check new_disk_reads dd if=/dev/pvb1 of=/dev/null bs=1M count=4 iflag=direct
check addition_logged dmesg_has 'target 1 lun 0: pvblk1, 65536 blocks'
note "$(dmesg_since_mark | sed 's/^\[[ 0-9.]*\] //' | tr '\n' '|')"
check_dmesg_clean kernel_log_clean
