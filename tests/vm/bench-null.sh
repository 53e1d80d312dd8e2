# Benchmark guest for "scripts/bench null": the cost of the pv interface
# itself. pv_blk over pv_null (examples/pv_null, built out of tree against
# this tree's pv_core by tests/vm/host/build-null.sh, as in scenario 57)
# against the kernel's own null_blk, both memory-backed RAM disks with the
# same size, hardware queues, queue depth and completion mode, both present
# at once in one VM, fio alternating between them within each round.
# scripts/bench sets rounds=, secs= and the "-smp" line below. Prints
# "BENCH <round> <driver> <mode> <job> <iops> <kib_per_s>" lines, and with
# profile=1 "PROF <driver> <function> <hits>" / "PROF <driver> total <calls> <ios>"
# lines of a function trace (ftrace) over a fixed number of I/Os.
#@ kernel: stock
#@ extra: project
#@ modules: virtio_pci virtio_blk null_blk
#@ tools: fio
#@ qemu: -smp 1
#@ qemu: -drive file=@WORK@/pv_null.tar,format=raw,if=virtio,readonly=on
#@ prepare: @TOP@/tests/vm/host/build-null.sh @WORK@/pv_null.tar
#@ timeout: 2400

rounds=5
secs=4
profile=0
modes="none softirq"
MIB=256
NULLKO=/null/pv_null.ko
# configfs names the disk after its directory: /dev/nullb_pv.
CFG=/sys/kernel/config/nullb/nullb_pv

say() { echo "BENCH $*" >"$PVTEST_CONSOLE"; }
prof() { echo "PROF $*" >"$PVTEST_CONSOLE"; }

NCPU=$(nproc)
note "vCPUs: $NCPU"
check image_disk sh -c 'modprobe virtio_pci; modprobe virtio_blk; for i in 1 2 3 4 5 6 7 8 9 10; do test -b /dev/vda && exit 0; sleep 1; done; exit 1'
mkdir -p /null
check image_unpacked tar -xf /dev/vda -C /null
check core_loads modprobe pv_core
check null_blk_loads modprobe null_blk nr_devices=0
mount -t configfs none /sys/kernel/config 2>/dev/null

pvdisk() { ls -d /sys/bus/pv/devices/pvblk*/block/* 2>/dev/null | head -n 1 | sed 's|.*/||'; }
has_pvdisk() { d=$(pvdisk) && [ -n "$d" ] && test -b "/dev/$d"; }

# setup MODE(none|softirq): null_blk (configfs: size in MiB, which the gb=
# module parameter cannot say) and pv_null + pv_blk with the same settings.
setup() {
	local irq
	case $1 in none) irq=0 ;; softirq) irq=1 ;; esac
	mkdir $CFG &&
		echo 2 >$CFG/queue_mode && echo $MIB >$CFG/size && echo 1 >$CFG/memory_backed &&
		echo 512 >$CFG/blocksize && echo $irq >$CFG/irqmode &&
		echo "$NCPU" >$CFG/submit_queues && echo 64 >$CFG/hw_queue_depth &&
		echo 1 >$CFG/power || return 1
	insmod $NULLKO enable=1 size_mib=$MIB queues="$NCPU" completion="$1" &&
		modprobe pv_blk && wait_for 10 has_pvdisk || return 1
	NB=/dev/${CFG##*/}
	PV=/dev/$(pvdisk)
	test -b $NB || NB=/dev/$(ls /sys/block | grep "^nullb" | head -n 1)
	test -b $NB || return 1
	# Same I/O scheduler on both: none.
	echo none >/sys/block/${NB#/dev/}/queue/scheduler
	echo none >/sys/block/${PV#/dev/}/queue/scheduler
	local d
	for d in $NB $PV; do
		d=/sys/block/${d#/dev/}
		note "mode $1: ${d##*/}: $(cat $d/size) sectors, $(ls $d/mq | wc -l) hw queues, nr_requests $(cat $d/queue/nr_requests), scheduler $(cat $d/queue/scheduler)"
	done
	# Fill both so reads hit data, not holes (null_blk allocates on write).
	dd if=/dev/zero of=$NB bs=1M count=$MIB oflag=direct 2>/dev/null
	dd if=/dev/zero of=$PV bs=1M count=$MIB oflag=direct 2>/dev/null
	true
}
teardown() {
	rmmod pv_blk; rmmod pv_null
	echo 0 >$CFG/power; rmdir $CFG
}

jobs="randread_qd1:randread:1 randread_qd32:randread:32 randwrite_qd1:randwrite:1 randwrite_qd32:randwrite:32"
# fio_job DEV RW QD [EXTRA...]: terse v3 output of one 4k job.
fio_job() {
	local dev=$1 rw=$2 qd=$3; shift 3
	fio --name=b --filename="$dev" --direct=1 --rw="$rw" --bs=4k --iodepth="$qd" \
		--ioengine=libaio --size=${MIB}M --thread --output-format=terse \
		--terse-version=3 "$@" 2>/dev/null
}
iops_of() { # RW: IOPS then KiB/s from terse v3 on stdin
	case $1 in
	*read) awk -F';' '{print $8, $7}' ;;
	*) awk -F';' '{print $49, $48}' ;;
	esac
}

# profile DRIVER DEV: ftrace's function tracer (Debian's kernel has no
# function profiler) over 200 4k reads at QD1 by one fio; prints the calls
# per function, most first, and the total (fio's own start and exit are in
# it, the same for both drivers: compare the two, not the absolute).
profile() {
	local T=/sys/kernel/tracing n=200
	[ -e $T/current_tracer ] || mount -t tracefs nodev $T 2>/dev/null
	[ -e $T/current_tracer ] || { prof "$1 unavailable - -"; return; }
	echo 0 >$T/tracing_on
	echo nop >$T/current_tracer
	echo 32768 >$T/buffer_size_kb
	echo >$T/trace
	echo function >$T/current_tracer
	echo 1 >$T/tracing_on
	fio_job "$2" randread 1 --number_ios=$n --runtime=600 >/dev/null
	echo 0 >$T/tracing_on
	prof "$1 overrun $(grep -h overrun $T/per_cpu/cpu*/stats | awk '{s += $2} END {print s}') -"
	awk -v d="$1" -v n=$n '
		/^#/ { next }
		{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { f = $(i + 1); h[f]++; t++; break } }
		END { for (f in h) print "PROF", d, f, h[f]; print "PROF", d, "total", t, n }' $T/trace |
		sort -k4,4nr | head -n 150 >/tmp/prof
	echo nop >$T/current_tracer
	echo 1408 >$T/buffer_size_kb
	while read -r l; do echo "$l" >"$PVTEST_CONSOLE"; done </tmp/prof
}

for mode in $modes; do
	check "setup_$mode" setup $mode
	for r in $(seq 1 "$rounds"); do
		line="round $r/$rounds mode $mode:"
		for j in $jobs; do
			IFS=: read -r name rw qd <<EOF2
$j
EOF2
			# Interleaved: null_blk then pv on each job of each round.
			for drv in null_blk pv_blk; do
				[ $drv = null_blk ] && dev=$NB || dev=$PV
				set -- $(fio_job "$dev" "$rw" "$qd" --runtime="$secs" --time_based | iops_of "$rw")
				say "$r $drv $mode $name ${1:-0} ${2:-0}"
				line="$line $name $drv=${1:-0}"
			done
		done
		note "$line"
	done
	if [ "$profile" = 1 ]; then
		profile null_blk-$mode "$NB"
		profile pv_blk-$mode "$PV"
	fi
	teardown
done
check bench_completed true
