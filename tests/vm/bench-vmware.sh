# Benchmark guest for scripts/bench: the in-tree VMware drivers and pv_vmi
# on the same devices in one VM, alternating, several rounds. Prints
# "BENCH <round> <driver> <device> <job> <iops> <kib_per_s>" lines and
# "BENCH <round> <clocksource> clock - <ns_per_read> -" and
# "BENCH <round> <driver> net tx|rx <mbit_per_s> -" (iperf3 against a server
# the host runs on 127.0.0.1).
#@ kernel: stock
#@ extra: project
#@ modules: vmw_pvscsi sd_mod vmxnet3
#@ tools: fio clockcheck iperf3
#@ qemu: -netdev user,id=n0 -device vmxnet3,netdev=n0
#@ host: iperf3 -s -B 127.0.0.1 -p 5201
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -device pvscsi,id=s0
#@ qemu: -drive if=none,id=d0,file=@WORK@/bench.img,format=raw,cache=writeback -device scsi-hd,bus=s0.0,scsi-id=0,drive=d0
#@ qemu: -blockdev driver=null-co,node-name=nul0,size=1073741824,read-zeroes=on -device scsi-hd,bus=s0.0,scsi-id=1,drive=nul0
#@ prepare: truncate -s 1G @WORK@/bench.img && dd if=/dev/urandom of=@WORK@/bench.img bs=1M count=256 conv=notrunc status=none
#@ timeout: 1800

rounds=${BENCH_ROUNDS:-3}
secs=${BENCH_SECS:-4}
cs=/sys/devices/system/clocksource/clocksource0

say() { echo "BENCH $*" >"$PVTEST_CONSOLE"; }

# job NAME RW BS DEPTH ENGINE
jobs="randread_qd1:randread:4k:1:psync randread_qd32:randread:4k:32:libaio
randwrite_qd1:randwrite:4k:1:psync randwrite_qd32:randwrite:4k:32:libaio
seqread_1m:read:1M:8:libaio seqwrite_1m:write:1M:8:libaio"

bench_dev() { # ROUND DRIVER KIND DEV
	local j name rw bs qd eng out
	for j in $jobs; do
		IFS=: read -r name rw bs qd eng <<EOF2
$j
EOF2
		out=$(fio --name=b --filename="$4" --direct=1 --rw="$rw" --bs="$bs" \
			--iodepth="$qd" --ioengine="$eng" --size=256M --runtime="$secs" \
			--time_based --thread --output-format=terse --terse-version=3 2>/dev/null)
		case $rw in
		*read) echo "$out" | awk -F';' -v p="$1 $2 $3 $name" '{print p, $8, $7}' ;;
		*) echo "$out" | awk -F';' -v p="$1 $2 $3 $name" '{print p, $49, $48}' ;;
		esac | while read -r l; do say "$l"; done
	done
}

# bench_net ROUND DRIVER: guest->host (tx) and host->guest (rx) throughput.
bench_net() {
	local ifc mb
	ifc=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
	[ -n "$ifc" ] || return
	ip addr add 10.0.2.15/24 dev "$ifc" && ip link set "$ifc" up
	wait_for 10 sh -c "ping -c 1 -W 1 10.0.2.2 >/dev/null"
	mb=$(iperf3 -c 10.0.2.2 -p 5201 -t "$secs" -f m 2>/dev/null | awk '/sender/ { print $7 }')
	say "$1 $2 net tx ${mb:-0} -"
	mb=$(iperf3 -c 10.0.2.2 -p 5201 -t "$secs" -f m -R 2>/dev/null | awk '/receiver/ { print $7 }')
	say "$1 $2 net rx ${mb:-0} -"
	ip addr flush dev "$ifc"
	ip link set "$ifc" down
}

for r in $(seq 1 "$rounds"); do
	# In-tree: vmw_pvscsi + sd.
	modprobe vmw_pvscsi && modprobe sd_mod
	wait_for 20 test -b /dev/sdb
	bench_dev "$r" vmw_pvscsi disk /dev/sda
	bench_dev "$r" vmw_pvscsi null /dev/sdb
	rmmod sd_mod vmw_pvscsi
	modprobe vmxnet3
	wait_for 10 sh -c 'ls /sys/class/net | grep -qv "^lo$"'
	bench_net "$r" vmxnet3
	rmmod vmxnet3
	# pv_vmi + pv_blk + pv_net.
	modprobe pv_vmi && modprobe pv_blk && modprobe pv_clock && modprobe pv_net
	wait_for 20 test -b /dev/pvb1
	bench_dev "$r" pv_blk disk /dev/pvb0
	bench_dev "$r" pv_blk null /dev/pvb1
	wait_for 10 sh -c 'ls /sys/class/net | grep -qv "^lo$"'
	bench_net "$r" pv_net
	for c in tsc pv-vmware; do
		echo "$c" >$cs/current_clocksource
		say "$r $c clock - $(clockcheck mono 2000000 | sed 's/.*), \([0-9.]*\) ns\/read/\1/') -"
	done
	echo tsc >$cs/current_clocksource
	modprobe -r pv_blk pv_clock pv_net pv_vmi
done
check bench_completed true
