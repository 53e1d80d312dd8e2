# A host that changes what a disk can do, and one that refuses a flush.
# pv_testhv's RAM disk (blk_mib) with blk_features written at run time is a
# host that changed its mind: pv_blk must apply the new write cache, FUA
# and discard to the live queue, not only the size and read-only flag.
# blk_refuse_flush=1 answers flushes with BLK_STS_NOTSUPP, as a Xen
# backend answers BLKIF_RSP_EOPNOTSUPP: pv_blk turns the cache off and
# completes the flush, as xen-blkfront does, instead of failing every
# fsync (jbd2 aborts its journal on the first failed flush, and ext4
# goes read-only).
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ modules: ext4 crc32c_generic
#@ tools: mkfs.ext4
#@ timeout: 180

P=/sys/module/pv_testhv/parameters
Q=/sys/block/pvb0/queue
F_FLUSH=2 F_FUA=4 F_DISCARD=8
features() { echo "$1" >$P/blk_features; }
# queue_is FILE VALUE: wait until the queue's FILE reads VALUE.
queue_is() { wait_for 10 sh -c "test \"\$(cat $Q/$1)\" = \"$2\""; }
fresh() {
	modprobe pv_blk && modprobe pv_testhv present=1 blk_mib=16 "$@" &&
		wait_for 15 test -b /dev/pvb0 && mdev_settle &&
		{ ! grep -q '^pv_testfe ' /proc/modules || rmmod pv_testfe; }
}
unload() { rmmod pv_blk && rmmod pv_testhv; }
discard_on() { test "$(cat $Q/discard_max_bytes)" -gt 0; }
# file_synced TAG: a file written and fsync'd on the mounted ext4 (a
# journal commit: a write with a preflush, then the fsync's own flush).
file_synced() {
	local i=1
	while [ $i -le 500 ]; do echo "$1 $i"; i=$((i + 1)); done >/tmp/lines
	dd if=/tmp/lines of=/mnt/t/$1 bs=4k conv=fsync 2>&1
}
fs_writable() { touch /mnt/t/probe && rm /mnt/t/probe; }

check fresh_disk fresh
check starts_write_back queue_is write_cache "write back"
check starts_with_discard discard_on

# The host drops its write cache and discard: the live queue follows.
dmesg_mark change
check host_drops_cache_and_discard features 0
check cache_now_write_through queue_is write_cache "write through"
check discard_now_off queue_is discard_max_bytes 0
check discard_refused_now sh -c '! blkdiscard -o 0 -l 65536 /dev/pvb0 2>/dev/null'
# ... and offers them again, FUA too.
check host_offers_all features $((F_FLUSH | F_FUA | F_DISCARD))
check cache_back queue_is write_cache "write back"
check fua_on queue_is fua 1
check discard_back wait_for 10 discard_on
check discard_works blkdiscard -o 0 -l 65536 /dev/pvb0
check_dmesg_clean change_log_clean change
check unload_after_change unload

# A host that offers a cache and refuses to flush it, under ext4.
check fresh_refusing fresh blk_refuse_flush=1
check mkfs mkfs.ext4 -q -F /dev/pvb0
mkdir -p /mnt/t
check mount mount -t ext4 /dev/pvb0 /mnt/t
dmesg_mark refuse
check fsync_succeeds file_synced first
check log_says_cache_off dmesg_has 'pvb0: host refused a cache flush: write cache off'
check cache_turned_off queue_is write_cache "write through"
check sync_succeeds sync
check fsync_still_succeeds file_synced second
check fs_still_writable fs_writable
check journal_not_aborted sh -c '! dmesg | grep -qE "Detected aborted journal|Remounting filesystem read-only"'
check umount umount /mnt/t
check remount mount -t ext4 /dev/pvb0 /mnt/t
check file_kept grep -qx "second 500" /mnt/t/second
check umount_again umount /mnt/t
# The refusal outlives a later feature change from the host.
check host_offers_flush_again features $((F_FLUSH | F_DISCARD))
sleep 1
check cache_stays_off queue_is write_cache "write through"
check_dmesg_clean refuse_log_clean refuse
check final_unload unload
check_dmesg_clean kernel_log_clean
