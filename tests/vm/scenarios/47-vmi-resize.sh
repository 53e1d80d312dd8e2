# Capacity change: the host grows a PVSCSI disk (QEMU monitor block_resize);
# the unit reports it with UNIT ATTENTION 2A/09 on the next command, pv_vmi
# reads the capacity again and pv_blk resizes the disk.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -device pvscsi,id=s0
#@ qemu: -drive if=none,id=d0,file=@WORK@/disk0.img,format=raw -device scsi-hd,bus=s0.0,scsi-id=0,drive=d0
#@ qemu: -monitor unix:@WORK@/mon.sock,server=on,wait=off
#@ prepare: truncate -s 64M @WORK@/disk0.img
#@ host: python3 @TOP@/tests/vm/host/monitor.py @WORK@ 'resize: grow now::block_resize d0 96M'
#@ timeout: 120

check vmi_loads modprobe pv_vmi
mdev_settle
check disk_present wait_for 15 test -b /dev/pvb0
check size_64m test "$(cat /sys/block/pvb0/size)" -eq 131072
dmesg_mark
note "resize: grow now"
# Any command after the resize sees the UNIT ATTENTION.
reread() { dd if=/dev/pvb0 of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null && test "$(cat /sys/block/pvb0/size)" -eq 196608; }
check size_96m wait_for 30 reread
check read_past_old_end dd if=/dev/pvb0 of=/dev/null bs=1M skip=80 count=8 iflag=direct
check resize_logged dmesg_has 'pvb0: capacity 131072 -> 196608 sectors'
note "$(dmesg_since_mark | sed 's/^\[[ 0-9.]*\] //' | tr '\n' '|')"
check_dmesg_clean kernel_log_clean
