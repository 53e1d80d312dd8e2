# A host that changes what a disk can do. pv_testhv's RAM disk (blk_mib)
# with blk_features written at run time is a host that changed its mind:
# pv_blk must apply the new write cache, FUA and discard to the live
# queue, not only the size and read-only flag.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
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
check final_unload unload
check_dmesg_clean kernel_log_clean
