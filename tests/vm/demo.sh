# The README's demo: Debian's stock kernel in QEMU, disguised as VMware
# (DMI serial + the backdoor QEMU emulates), with a PVSCSI adapter, two
# disks and a VMXNET3 NIC; `modprobe pv_vmi` and what it brings up: disks,
# a NIC and a clock. Run by scripts/demo.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ tools: clockcheck
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -uuid 5e2a7c1d-3b4f-4a6e-9c8d-0123456789ab
#@ qemu: -device pvscsi,id=s0 -netdev user,id=n0 -device vmxnet3,netdev=n0
#@ qemu: -drive if=none,id=d0,file=@WORK@/disk0.img,format=raw -device scsi-hd,bus=s0.0,scsi-id=0,drive=d0
#@ qemu: -drive if=none,id=d1,file=@WORK@/disk1.img,format=raw -device scsi-hd,bus=s0.0,scsi-id=1,drive=d1
#@ prepare: @TOP@/tests/vm/host/disk.sh prepare @WORK@
#@ modules: ext4 crc32c_generic
#@ tools: mkfs.ext4 ethtool
#@ append: hpet_mmap=1
#@ timeout: 180

# show CMD...: print the command and its output on the console.
show() {
	echo "# $*" >"$PVTEST_CONSOLE"
	"$@" >"$PVTEST_CONSOLE" 2>&1
}
banner() { echo "DEMO-$1" >"$PVTEST_CONSOLE"; }

cs=/sys/devices/system/clocksource/clocksource0
wait_for 10 grep -qw tsc $cs/available_clocksource

banner BEGIN
show uname -r
show cat /sys/class/dmi/id/product_serial
dmesg_mark
show modprobe pv_vmi
mdev_settle
show lsmod
wait_for 10 test -b /dev/pvb1
wait_for 10 sh -c 'ls /sys/class/net | grep -qv "^lo$"'
show sh -c 'dmesg | grep -E "pv_(core|vmi|clock|blk|net)|pvclock|pvblk|pvnet" | sed "s/^\[[ 0-9.]*\] //"'
show sh -c 'cd /sys/bus/pv/hypervisor && grep . name backend product version uuid; echo "tsc_khz: $(cat tsc_khz)"'
show ls -l /sys/bus/pv/devices/
show sh -c 'cd /sys/bus/pv/devices/pvclock0 && grep . class hypervisor modalias features state'
show cat /proc/partitions
show sh -c 'cd /sys/bus/pv/devices/pvblk0 && grep . class hypervisor features state; cat /sys/block/pvb0/queue/write_cache'
show sh -c 'dd if=/dev/pvb0 bs=32 count=2 2>/dev/null'
show sh -c 'mkfs.ext4 -q /dev/pvb1 && mkdir -p /mnt && mount -t ext4 /dev/pvb1 /mnt && echo hello > /mnt/f && sync && cat /mnt/f && df -h /mnt && umount /mnt'
ifc=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
show sh -c "ip addr add 10.0.2.15/24 dev $ifc && ip link set $ifc up && sleep 1 && ip link show $ifc && cat /sys/class/net/$ifc/carrier"
show ethtool -i "$ifc"
show sh -c "ping -c 2 10.0.2.2 | tail -2"
show cat $cs/available_clocksource $cs/current_clocksource
show clockcheck mono 1000000
show clockcheck rate 2
show clockcheck vdso 100000
banner END

check modprobe_pv_vmi grep -q '^pv_vmi ' /proc/modules
check pv_clock_autoloaded grep -q '^pv_clock ' /proc/modules
check pv_blk_autoloaded grep -q '^pv_blk ' /proc/modules
check two_disks sh -c 'test -b /dev/pvb0 && test -b /dev/pvb1'
check pv_net_autoloaded grep -q '^pv_net ' /proc/modules
check nic_pings ping -c 1 -W 2 10.0.2.2
check clocksource_pv_vmware test "$(cat $cs/current_clocksource)" = pv-vmware
check_dmesg_clean kernel_log_clean
