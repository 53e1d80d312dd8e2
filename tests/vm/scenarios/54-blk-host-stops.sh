# A host that stops answering must not hang removal. pv_testhv's RAM disk
# with blk_stall=1 takes requests and never completes them (no device model
# can be told to do that). pv_blk used to wait in del_gendisk() forever: an
# unbind of the disk or removal of the device stayed in D state. Now, once removal
# has begun, a request that times out (timeout_secs) stops the backend,
# which fails what it holds: the writer gets EIO, the device is marked
# broken, and the unbind returns. A healthy host's unbind marks nothing.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ timeout: 240

TIMEOUT=3		# pv_blk timeout_secs
stall() { echo "$1" >/sys/module/pv_testhv/parameters/blk_stall; }
now_cs() { local u; read -r u _ </proc/uptime; echo $((${u%.*} * 100 + 1${u#*.} - 100)); }
secs() { echo "$(($1 / 100)).$(printf %02d $(($1 % 100)))"; }
# fresh: pv_blk, then the backend with its RAM disk: pv_blk binds pvblk0 as
# it is added. mdev loads pv_testfe for the other test devices; it pins the
# backend, so it goes again.
fresh() {
	modprobe pv_blk timeout_secs=$TIMEOUT && modprobe pv_testhv present=1 blk_mib=16 &&
		wait_for 15 test -b /dev/pvb0 && mdev_settle &&
		{ ! grep -q '^pv_testfe ' /proc/modules || rmmod pv_testfe; } &&
		test "$(basename "$(readlink /sys/bus/pv/devices/pvblk0/driver)")" = pv_blk
}
unload() { rmmod pv_blk && rmmod pv_testhv; }
held_at_least() { local r w; read -r r w </sys/block/pvb0/inflight && test $((r + w)) -ge "$1"; }

check fresh_disk fresh
check disk_is_16m test "$(cat /sys/block/pvb0/size)" -eq 32768
check healthy_write sh -c 'seq 1 20000 | dd of=/dev/pvb0 bs=64k conv=sync oflag=direct 2>/dev/null'
check healthy_reads_back sh -c 'dd if=/dev/pvb0 bs=64k count=2 iflag=direct 2>/dev/null | tr -d "\0" | head -n 3 | tr "\n" " " | grep -q "^1 2 3 "'

# Unbind while a request is held by a host that no longer answers.
dmesg_mark stall-unbind
stall 1
dd if=/dev/zero of=/dev/pvb0 bs=4k count=1 seek=100 oflag=direct 2>/tmp/dd1.err &
dd1=$!
check request_held wait_for 10 held_at_least 1
t0=$(now_cs)
check unbind_returns sh -c 'echo pvblk0 >/sys/bus/pv/drivers/pv_blk/unbind'
t1=$(now_cs)
note "unbind with a stalled request took $(secs $((t1 - t0))) s (timeout_secs=$TIMEOUT)"
# Bounded by the request timeout, not by the host: within a few periods.
check unbind_bounded_by_timeout test $((t1 - t0)) -lt $((TIMEOUT * 100 * 4))
check disk_gone wait_for 10 test ! -e /sys/block/pvb0
wait "$dd1"
check writer_gets_eio test $? -ne 0
check writer_says_io_error grep -q 'Input/output error' /tmp/dd1.err
check device_marked_broken test "$(cat /sys/bus/pv/devices/pvblk0/state)" = broken
check log_says_why dmesg_has 'pvblk0: host misbehaved, device disabled: a request timed out during removal'
check backend_failed_it dmesg_has 'pv_testhv: stop: failed 1 stalled request$'
check_dmesg_clean unbind_log_clean stall-unbind
check unload_after_unbind unload

# Again with four writers in flight. (rmmod pv_blk cannot be the way in:
# an open disk pins pv_blk, and a bound front-end pins the backend.)
check fresh_disk_again fresh
dmesg_mark stall-unbind4
stall 1
pids=''
for i in 1 2 3 4; do
	dd if=/dev/zero of=/dev/pvb0 bs=4k count=1 seek=$((i * 50)) oflag=direct 2>/dev/null &
	pids="$pids $!"
done
check requests_held wait_for 10 held_at_least 4
t0=$(now_cs)
check unbind4_returns sh -c 'echo pvblk0 >/sys/bus/pv/drivers/pv_blk/unbind'
t1=$(now_cs)
note "unbind with 4 stalled requests took $(secs $((t1 - t0))) s"
check unbind4_bounded_by_timeout test $((t1 - t0)) -lt $((TIMEOUT * 100 * 4))
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
check all_writers_fail test "$failed" -eq 4
check backend_failed_all dmesg_has 'pv_testhv: stop: failed 4 stalled requests'
check_dmesg_clean unbind4_log_clean stall-unbind4
check unload_after_unbind4 unload

# A healthy host: an unbind under a writer marks nothing broken.
check fresh_healthy fresh
dd if=/dev/zero of=/dev/pvb0 bs=64k count=64 oflag=direct 2>/dev/null &
dd3=$!
check healthy_unbind sh -c 'echo pvblk0 >/sys/bus/pv/drivers/pv_blk/unbind'
wait "$dd3"
note "writer during a healthy unbind: exit $?"
check healthy_device_live test "$(cat /sys/bus/pv/devices/pvblk0/state)" = live
check final_unload unload
check_dmesg_clean kernel_log_clean
