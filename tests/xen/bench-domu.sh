# tests/xen/bench-domu.sh: the benchmark's domU side (tests/xen/run.sh
# --bench, for scripts/bench). In one domU, several rounds, each: the
# in-tree xen-blkfront + xen-netfront, then pv_xen + pv_blk + pv_net, on the
# same vbd (dom0's /dev/vdb, the domU's only disk) and vif. Prints
#   BENCH <round> <driver> disk <job> <iops> <kib_per_s>
#   BENCH <round> <driver> net tx|rx <mbit_per_s> -    (iperf3 to/from dom0)
#   BENCH <round> <clocksource> clock - <ns_per_read> -
#
# Switching drivers: stock xen-blkfront never re-attaches to a vbd it was
# unbound from, and a new vbd goes to whichever xenbus driver registered
# first. So the disk is detached from dom0 (xl block-detach) after each
# phase, the phase's modules are unloaded, and the next phase loads its
# modules before dom0 attaches the disk again.

rounds=${BENCH_ROUNDS:-3}
secs=${BENCH_SECS:-4}
DOM0=10.99.0.1
CS=/sys/devices/system/clocksource/clocksource0
for _a in $(cat /proc/cmdline); do
	case $_a in bench_rounds=*) rounds=${_a#*=} ;; bench_secs=*) secs=${_a#*=} ;; esac
done

say() { _pvtest_say "BENCH $*"; }
request() { _pvtest_say "PVXEN-REQUEST $*"; }
netif() { ls /sys/class/net | grep -v '^lo$' | head -n 1; }
has_netif() { [ -n "$(netif)" ]; }
ping1() { ping -c 1 -W 2 "$DOM0" >/dev/null; }

# job NAME:RW:BS:DEPTH:ENGINE, as tests/vm/bench-vmware.sh.
jobs="randread_qd1:randread:4k:1:psync randread_qd32:randread:4k:32:libaio
randwrite_qd1:randwrite:4k:1:psync randwrite_qd32:randwrite:4k:32:libaio
seqread_1m:read:1M:8:libaio seqwrite_1m:write:1M:8:libaio"

bench_dev() { # ROUND DRIVER DEV
	local j name rw bs qd eng out
	for j in $jobs; do
		IFS=: read -r name rw bs qd eng <<EOF2
$j
EOF2
		out=$(fio --name=b --filename="$3" --direct=1 --rw="$rw" --bs="$bs" \
			--iodepth="$qd" --ioengine="$eng" --size=256M --runtime="$secs" \
			--time_based --thread --output-format=terse --terse-version=3 2>/dev/null)
		case $rw in
		*read) echo "$out" | awk -F';' -v p="$1 $2 disk $name" '{print p, $8, $7}' ;;
		*) echo "$out" | awk -F';' -v p="$1 $2 disk $name" '{print p, $49, $48}' ;;
		esac | while read -r l; do say "$l"; done
	done
}

bench_net() { # ROUND DRIVER
	local ifc mb
	wait_for 20 has_netif || return 1
	ifc=$(netif)
	ip addr add 10.99.0.2/24 dev "$ifc" && ip link set "$ifc" up
	wait_for 20 ping1 || return 1
	mb=$(iperf3 -c "$DOM0" -p 5201 -t "$secs" -f m 2>/dev/null | awk '/sender/ { print $7 }')
	say "$1 $2 net tx ${mb:-0} -"
	mb=$(iperf3 -c "$DOM0" -p 5201 -t "$secs" -f m -R 2>/dev/null | awk '/receiver/ { print $7 }')
	say "$1 $2 net rx ${mb:-0} -"
	ip addr flush dev "$ifc"
	ip link set "$ifc" down
}

bench_clock() { # ROUND CLOCKSOURCE
	echo "$2" >$CS/current_clocksource || return 1
	say "$1 $2 clock - $(clockcheck mono 100000 | sed 's/.*), \([0-9.]*\) ns\/read/\1/') -"
}

# attach DEV: ask dom0 for xvda again and wait for DEV.
attach() { request block-attach xvda /dev/vdb; wait_for 90 test -b "$1"; }
detach() { request block-detach xvda; wait_for 90 test ! -b "$1"; }

mkdir -p /etc/modprobe.d
printf 'blacklist xen_blkfront\nblacklist xen_netfront\n' >/etc/modprobe.d/pvxen-test.conf
mdev_start || fail mdev_setup "$MDEV_ERR"
ok=0
for r in $(seq 1 "$rounds"); do
	# In-tree front-ends. The vbd is fresh: present from boot in round 1,
	# attached again afterwards.
	modprobe xen-blkfront && modprobe xen-netfront
	if [ "$r" = 1 ]; then wait_for 30 test -b /dev/xvda; else attach /dev/xvda; fi
	test -b /dev/xvda || { fail "bench_round${r}_blkfront" "no /dev/xvda"; break; }
	bench_dev "$r" xen-blkfront /dev/xvda
	bench_net "$r" xen-netfront
	bench_clock "$r" xen
	detach /dev/xvda || { fail "bench_round${r}_detach" "/dev/xvda stayed"; break; }
	for d in /sys/bus/xen/drivers/vif/vif-*; do
		[ -e "$d" ] && echo "${d##*/}" >/sys/bus/xen/drivers/vif/unbind
	done
	rmmod xen-blkfront xen-netfront ||
		{ fail "bench_round${r}_unload_stock" "$(lsmod | grep front | tr '\n' ' ')"; break; }
	# pv_xen and its front-ends (mdev loads them).
	modprobe pv_xen
	mdev_settle
	attach /dev/pvb0 || { fail "bench_round${r}_pv_blk" "no /dev/pvb0"; break; }
	bench_dev "$r" pv_blk /dev/pvb0
	bench_net "$r" pv_net
	bench_clock "$r" pv-xen
	echo xen >$CS/current_clocksource
	detach /dev/pvb0 || { fail "bench_round${r}_detach_pv" "/dev/pvb0 stayed"; break; }
	rmmod pv_blk pv_net pv_clock pv_xen pv_core ||
		{ fail "bench_round${r}_unload" "$(lsmod | grep pv_ | tr '\n' ' ')"; break; }
	ok=$r
done
check bench_completed test "$ok" = "$rounds"
