# pv_vmi's PVSCSI disks through pv_blk on Debian's stock kernel: two disks
# and a read-only one,
# data written by the host read back by the guest, data written by the
# guest (O_DIRECT, buffered + fsync) found by the host afterwards, cache
# flushes reaching the device, a filesystem, unload and reload.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ modules: ext4 crc32c_generic
#@ tools: mkfs.ext4 sfdisk
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -device pvscsi,id=s0
#@ qemu: -drive if=none,id=d0,file=@WORK@/disk0.img,format=raw,cache=writeback -device scsi-hd,bus=s0.0,scsi-id=0,drive=d0
#@ qemu: -drive if=none,id=d1,file=@WORK@/disk1.img,format=raw,cache=writeback -device scsi-hd,bus=s0.0,scsi-id=1,drive=d1
#@ qemu: -drive if=none,id=d2,file=@WORK@/disk2.img,format=raw,readonly=on -device scsi-hd,bus=s0.0,scsi-id=2,drive=d2
#@ qemu: -trace enable=scsi_req_parsed,file=@WORK@/trace.log
#@ prepare: @TOP@/tests/vm/host/disk.sh prepare @WORK@
#@ verify: @TOP@/tests/vm/host/disk.sh verify @WORK@
#@ timeout: 240

pattern() { awk -v tag="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%-10.10s %020d\n", tag, i }'; }
sum_of() { "$@" | sha256sum | cut -d' ' -f1; }
region() { dd if="$1" bs=1M skip="$2" count="$3" iflag=direct 2>/dev/null; }

check vmi_loads modprobe pv_vmi
mdev_settle
wait_for 10 test -b /dev/pvb2
note "$(dmesg | grep -E 'pv_vmi|pv_blk|pvblk' | sed 's/^\[[ 0-9.]*\] //' | tr '\n' '|')"
check pv_blk_autoloaded grep -q '^pv_blk ' /proc/modules
check three_disks sh -c 'test -b /dev/pvb0 && test -b /dev/pvb1 && test -b /dev/pvb2'
check ro_disk_feature sh -c 'grep -qw ro /sys/bus/pv/devices/pvblk2/features'
check ro_disk_is_ro test "$(cat /sys/block/pvb2/ro)" = 1
check_fails ro_disk_refuses_writes dd if=/dev/zero of=/dev/pvb2 bs=4k count=1 oflag=direct
check disk0_size test "$(cat /sys/block/pvb0/size)" -eq 131072
check disk0_write_back test "$(cat /sys/block/pvb0/queue/write_cache)" = "write back"
check disk0_features_flush sh -c 'grep -qw flush /sys/bus/pv/devices/pvblk0/features'
check disk0_parent_is_pvscsi sh -c 'basename "$(readlink -f /sys/bus/pv/devices/pvblk0/..)" | grep -q "^0000:"'

check host_pattern_reads_back test "$(sum_of region /dev/pvb0 0 8)" = "$(sum_of pattern host-0 262144)"
check host_pattern_disk1 test "$(sum_of region /dev/pvb1 0 1)" = "$(sum_of pattern host-1 32768)"

dw() { pattern direct 131072 | dd of=/dev/pvb0 bs=1M seek=16 oflag=direct iflag=fullblock 2>/dev/null; }
fw() { pattern fsync 131072 | dd of=/dev/pvb0 bs=1M seek=24 conv=fsync iflag=fullblock 2>/dev/null; }
check write_odirect dw
check write_buffered_fsync fw
check odirect_reads_back test "$(sum_of region /dev/pvb0 16 4)" = "$(sum_of pattern direct 131072)"
check fsync_reads_back test "$(sum_of region /dev/pvb0 24 4)" = "$(sum_of pattern fsync 131072)"

# Discard reaches the device as UNMAP (QEMU accepts it; the data may stay).
check discard_range blkdiscard -o 33554432 -l 1048576 /dev/pvb0

mkdir -p /mnt/t
partition() { echo ',48M,L' | sfdisk -q /dev/pvb1; }
check partition_table partition
check partition_appears wait_for 10 test -b /dev/pvb1p1
check partition_size test "$(cat /sys/block/pvb1/pvb1p1/size)" -eq 98304
check mkfs_ext4 mkfs.ext4 -q -F /dev/pvb1p1
check mount mount -t ext4 /dev/pvb1p1 /mnt/t
check write_files sh -c 'dd if=/dev/urandom of=/mnt/t/a bs=1M count=3 2>/dev/null && cp /mnt/t/a /mnt/t/b && sync'
sum_a=$(sha256sum /mnt/t/a | cut -d' ' -f1)
check umount umount /mnt/t
check remount mount -t ext4 /dev/pvb1p1 /mnt/t
check files_survive sh -c "test \"\$(sha256sum /mnt/t/a | cut -d' ' -f1)\" = $sum_a && cmp /mnt/t/a /mnt/t/b"
check umount_again umount /mnt/t

check_fails vmi_pinned_while_bound rmmod pv_vmi
check pv_blk_unloads rmmod pv_blk
check disks_gone test ! -e /dev/pvb0
# pv_clock is pinned while it is the current clocksource: switch first.
check clock_to_tsc sh -c 'echo tsc > /sys/devices/system/clocksource/clocksource0/current_clocksource'
check frontends_unload rmmod pv_clock
check vmi_unloads rmmod pv_vmi
check vmi_reloads modprobe pv_vmi
mdev_settle
check disks_back wait_for 10 test -b /dev/pvb1
check partition_back wait_for 10 test -b /dev/pvb1p1
check data_after_reload test "$(sum_of region /dev/pvb0 16 4)" = "$(sum_of pattern direct 131072)"
check_dmesg_clean kernel_log_clean
