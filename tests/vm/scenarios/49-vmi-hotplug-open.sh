# A disk the host removes while the guest still holds it open keeps its
# name and dev_t until the last opener lets go: a disk added meanwhile must
# get another one (before, it got the same pvb1 and dev_t as the open,
# dead disk). Once closed, the name is free again. Then the same for a
# sysfs unbind and bind of pv_blk while the disk is open.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -device pvscsi,id=s0
#@ qemu: -blockdev driver=null-co,node-name=nul0,size=67108864,read-zeroes=on -device scsi-hd,bus=s0.0,scsi-id=0,drive=nul0
#@ qemu: -blockdev driver=null-co,node-name=nul1,size=33554432,read-zeroes=on -device scsi-hd,bus=s0.0,scsi-id=1,drive=nul1,id=hd1
#@ qemu: -blockdev driver=null-co,node-name=nul2,size=16777216,read-zeroes=on
#@ qemu: -blockdev driver=null-co,node-name=nul3,size=8388608,read-zeroes=on
#@ qemu: -monitor unix:@WORK@/mon.sock,server=on,wait=off
#@ host: python3 @TOP@/tests/vm/host/monitor.py @WORK@ 'hotplug: unplug open disk::device_del hd1' 'hotplug: plug another::device_add scsi-hd,bus=s0.0,scsi-id=2,drive=nul2,id=hd2' 'hotplug: plug a third::device_add scsi-hd,bus=s0.0,scsi-id=3,drive=nul3,id=hd3'
#@ timeout: 180

# by_size SECTORS: the pvb disk of that size (the disks differ in size).
by_size() {
	local b
	for b in /sys/block/pvb*; do
		[ "$(cat "$b/size" 2>/dev/null)" = "$1" ] && { echo "${b##*/}"; return 0; }
	done
	return 1
}

check vmi_loads modprobe pv_vmi
mdev_settle
check two_disks wait_for 15 test -b /dev/pvb1
check disk1_is_32m test "$(cat /sys/block/pvb1/size)" -eq 65536
old_devt=$(cat /sys/block/pvb1/dev)
# Hold it open, as a mounted file system would.
exec 3</dev/pvb1
check held_open_reads dd bs=4096 count=1 of=/dev/null <&3

note "hotplug: unplug open disk"
check pv_device_removed wait_for 60 test ! -e /sys/bus/pv/devices/pvblk1
check disk_gone_from_sysfs wait_for 10 test ! -e /sys/block/pvb1
# A removed disk has no capacity: reads end at once (or fail), never hang.
check io_on_removed_disk_gives_nothing sh -c 'n=$(dd bs=4096 count=1 skip=8 iflag=direct 2>/dev/null <&3 | wc -c); test "$n" -eq 0'

note "hotplug: plug another"
check new_disk_appears wait_for 60 by_size 32768
mdev_settle
new=$(by_size 32768)
note "new disk: $new ($(cat /sys/block/$new/dev 2>/dev/null)); the open one was pvb1 ($old_devt)"
check new_disk_not_pvb1 test "$new" != pvb1
check new_devt_differs test "$(cat /sys/block/$new/dev)" != "$old_devt"
check new_disk_reads dd if=/dev/$new of=/dev/null bs=1M count=4 iflag=direct

# Closing the dead disk frees its name for the next one.
exec 3<&-
note "hotplug: plug a third"
check third_disk_appears wait_for 60 by_size 16384
mdev_settle
check third_disk_reuses_pvb1 test "$(by_size 16384)" = pvb1
check third_disk_reads dd if=/dev/pvb1 of=/dev/null bs=1M count=4 iflag=direct
check disk0_untouched dd if=/dev/pvb0 of=/dev/null bs=1M count=4 iflag=direct

# The same through sysfs: pv_blk unbound from a device whose disk is open,
# then bound again. The pv device stays, so a name derived from it came
# back as pvb0 with the dead disk's dev_t (before pv_blk had its own index).
exec 4</dev/pvb0
old_devt=$(cat /sys/block/pvb0/dev)
check unbind_with_disk_open sh -c 'echo pvblk0 >/sys/bus/pv/drivers/pv_blk/unbind'
check unbound_disk_gone wait_for 10 test ! -e /sys/block/pvb0
check rebind_with_old_disk_open sh -c 'echo pvblk0 >/sys/bus/pv/drivers/pv_blk/bind'
check rebound_disk_appears wait_for 30 by_size 131072
mdev_settle
rebound=$(by_size 131072)
note "rebound disk: $rebound ($(cat /sys/block/$rebound/dev 2>/dev/null)); the open one was pvb0 ($old_devt)"
check rebound_disk_not_pvb0 test "$rebound" != pvb0
check rebound_devt_differs test "$(cat /sys/block/$rebound/dev)" != "$old_devt"
check rebound_disk_reads dd if=/dev/$rebound of=/dev/null bs=1M count=4 iflag=direct
check old_disk_gives_nothing sh -c 'n=$(dd bs=4096 count=1 iflag=direct 2>/dev/null <&4 | wc -c); test "$n" -eq 0'
exec 4<&-
check_dmesg_clean kernel_log_clean
