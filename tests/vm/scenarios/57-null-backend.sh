# pv_null, the reference backend of examples/pv_null, built outside the
# tree the way a vendor builds a backend (its own Makefile and Kbuild,
# KBUILD_EXTRA_SYMBOLS=this tree's pv_core Module.symvers; by
# tests/vm/host/build-null.sh) and loaded next to this tree's pv_core,
# pv_blk and pv_net on Debian's stock kernel, no hypervisor at all:
# refused without enable=1 (one line), then the RAM disk (size, data in
# every completion mode, errors every N requests as EIO) and the loopback
# NIC (what goes out comes back, counted and as a ping), then rmmod.
#@ kernel: stock
#@ extra: project
#@ modules: virtio_pci virtio_blk
#@ tools: ip
#@ qemu: -drive file=@WORK@/pv_null.tar,format=raw,if=virtio,readonly=on
#@ prepare: @TOP@/tests/vm/host/build-null.sh @WORK@/pv_null.tar
#@ timeout: 300

NULLKO=/null/pv_null.ko
IP=/usr/sbin/ip
MIB=32
refusal='pv_null: not loading: pv_null is a test/reference backend with no hypervisor behind it \(load it with enable=1\)'

hv_name() { cat /sys/bus/pv/hypervisor/name; }
disk() { ls -d /sys/bus/pv/devices/pvblk*/block/* 2>/dev/null | head -n 1 | sed 's|.*/||'; }
has_disk() { d=$(disk) && [ -n "$d" ] && test -b "/dev/$d"; }
ifname() { ls /sys/bus/pv/devices/pvnet*/net 2>/dev/null | head -n 1; }
has_if() { test -n "$(ifname)"; }
stat_of() { cat "/sys/class/net/$IF/statistics/$1"; }
# roundtrip DEV TAG: 4 MiB written with O_DIRECT at 1 MiB in read back the same.
roundtrip() {
	dd if=/dev/urandom of=/tmp/pattern.$2 bs=1M count=4 2>/dev/null &&
		dd if=/tmp/pattern.$2 of="$1" bs=1M seek=1 oflag=direct 2>/dev/null &&
		test "$(dd if="$1" bs=1M skip=1 count=4 iflag=direct 2>/dev/null | sha256sum)" = \
			"$(sha256sum </tmp/pattern.$2)"
}
# reads DEV N: N single-request 4 KiB O_DIRECT reads; prints how many failed
# with EIO, and fails if any failed otherwise.
reads() {
	local i=0 eio=0 out
	while [ $i -lt "$2" ]; do
		if ! out=$(dd if="$1" of=/dev/null bs=4096 count=1 skip=$i iflag=direct 2>&1); then
			case $out in
			*"Input/output error"*) eio=$((eio + 1)) ;;
			*) echo "read $i: $out"; return 1 ;;
			esac
		fi
		i=$((i + 1))
	done
	echo "$eio"
}
# errors_every N READS: with error_every=N, exactly READS/N of READS reads fail with EIO.
errors_every() {
	local n
	echo "$1" >/sys/module/pv_null/parameters/error_every || return 1
	n=$(reads "/dev/$(disk)" "$2")
	local rc=$?
	echo 0 >/sys/module/pv_null/parameters/error_every
	[ $rc -eq 0 ] || { echo "$n"; return 1; }
	echo "$n of $2 reads failed with EIO"
	[ "$n" -eq $(($2 / $1)) ]
}
no_errors() { test "$(reads "/dev/$(disk)" 20)" -eq 0; }
# reload PARAMS...: pv_null out and in again. A bound front-end pins its
# backend (docs/pv-abi.md), so the front-ends go first.
reload() {
	rmmod pv_net && rmmod pv_blk && rmmod pv_null && test "$(hv_name)" = none &&
		insmod $NULLKO enable=1 size_mib=$MIB "$@" &&
		modprobe pv_blk && modprobe pv_net &&
		wait_for 10 has_disk && wait_for 10 has_if
}
mode_is() { test "$(cat /sys/module/pv_null/parameters/completion)" = "$1"; }

# --- pv_null from the host --------------------------------------------------
check image_disk sh -c 'modprobe virtio_pci; modprobe virtio_blk; for i in 1 2 3 4 5 6 7 8 9 10; do test -b /dev/vda && exit 0; sleep 1; done; exit 1'
mkdir -p /null
check image_unpacked tar -xf /dev/vda -C /null
note "$(tr '\n' '|' </null/build.txt)"
check not_in_project test ! -e "/lib/modules/$(uname -r)/extra/pv_null.ko" -a -z "$(find /lib/modules -name 'pv_null.ko*')"
check imports_pv_core test "$(modinfo -F import_ns $NULLKO)" = PV_CORE
check depends_on_pv_core test "$(modinfo -F depends $NULLKO)" = pv_core
check core_loads modprobe pv_core

# --- no enable=1: refused, one line ---------------------------------------
dmesg_mark refuse
check_fails refused_without_enable insmod $NULLKO
check refusal_line dmesg_has "$refusal"
check refusal_one_line test "$(dmesg_since_mark refuse | grep -c pv_null)" -eq 1
check no_hypervisor_after_refusal test "$(hv_name)" = none
check not_loaded_after_refusal test ! -e /sys/module/pv_null

# --- enable=1: the disk, timer completions, two queues ----------------------
dmesg_mark load
check loads insmod $NULLKO enable=1 size_mib=$MIB queues=2 completion=timer latency_ns=200000
check hypervisor_null test "$(hv_name)" = null
check pv_blk_loads modprobe pv_blk
check pv_net_loads modprobe pv_net
check disk_appears wait_for 10 has_disk
D=$(disk)
note "disk $D: $(cat /sys/block/$D/size 2>/dev/null) sectors, $(ls /sys/block/$D/mq 2>/dev/null | wc -l) hw queues"
check disk_size test "$(cat /sys/block/$D/size)" -eq $((MIB * 2048))
check disk_two_queues test "$(ls /sys/block/$D/mq | wc -l)" -eq 2
check timer_roundtrip roundtrip /dev/$D timer
check no_errors_by_default no_errors
check error_every_5 errors_every 5 20
check error_every_3 errors_every 3 21
check roundtrip_after_errors roundtrip /dev/$D timer2

# --- the NIC: a loopback cable ----------------------------------------------
check nic_appears wait_for 10 has_if
IF=$(ifname)
MAC=$(cat /sys/class/net/$IF/address)
echo 1 >/proc/sys/net/ipv6/conf/$IF/disable_ipv6 2>/dev/null
check nic_up sh -c "$IP addr add 10.99.0.1/24 dev $IF && $IP link set $IF up"
check nic_carrier wait_for 10 sh -c "test \"\$(cat /sys/class/net/$IF/carrier 2>/dev/null)\" = 1"
# Frames to a neighbour whose address is our own come straight back.
check neigh_is_self $IP neigh replace 10.99.0.2 lladdr "$MAC" dev $IF nud permanent
tx0=$(stat_of tx_packets) rx0=$(stat_of rx_packets) txb0=$(stat_of tx_bytes) rxb0=$(stat_of rx_bytes)
ping -c 10 -i 0.2 -W 1 10.99.0.2 >/dev/null 2>&1
sleep 1
tx=$(($(stat_of tx_packets) - tx0)) rx=$(($(stat_of rx_packets) - rx0))
txb=$(($(stat_of tx_bytes) - txb0)) rxb=$(($(stat_of rx_bytes) - rxb0))
note "loopback: sent $tx packets ($txb bytes), received $rx ($rxb bytes)"
check nic_sent test "$tx" -ge 10
check nic_rx_equals_tx test "$rx" -eq "$tx"
check nic_rx_bytes_equal_tx test "$rxb" -eq "$txb"
# A ping whose request and reply both cross the cable: our own address,
# routed out of the NIC (rule before the local table), taken in from it.
loop_ping() {
	echo 0 >/proc/sys/net/ipv4/conf/all/rp_filter
	echo 0 >/proc/sys/net/ipv4/conf/$IF/rp_filter
	echo 1 >/proc/sys/net/ipv4/conf/$IF/accept_local
	$IP neigh replace 10.99.0.1 lladdr "$MAC" dev $IF nud permanent &&
		$IP route add 10.99.0.1 dev $IF table 100 &&
		$IP rule add pref 100 lookup local &&
		$IP rule del pref 0 lookup local &&
		$IP rule add pref 10 iif lo to 10.99.0.1 lookup 100 || return 1
	local t0 r
	t0=$(stat_of tx_packets)
	ping -c 3 -W 2 10.99.0.1
	r=$?
	echo "tx during the ping: $(($(stat_of tx_packets) - t0))"
	# The local table back where it was, whatever happened.
	$IP rule del pref 10 2>/dev/null
	$IP rule add pref 0 lookup local && $IP rule del pref 100
	[ $r -eq 0 ] && [ $(($(stat_of tx_packets) - t0)) -ge 6 ]
}
check ping_through_loopback loop_ping
check nic_down $IP link set $IF down

# --- the other completion modes ---------------------------------------------
check reload_softirq reload completion=softirq queues=1
check mode_softirq mode_is softirq
D=$(disk)
check softirq_roundtrip roundtrip /dev/$D softirq
check softirq_error_every_4 errors_every 4 16
check reload_none reload completion=none
check mode_none mode_is none
D=$(disk)
check none_roundtrip roundtrip /dev/$D none
check none_error_every_2 errors_every 2 10

# --- everything out ---------------------------------------------------------
check frontends_unload sh -c '/sbin/rmmod pv_net && /sbin/rmmod pv_blk'
check null_unloads rmmod pv_null
check no_hypervisor_after_rmmod test "$(hv_name)" = none
check_fails bad_completion_refused insmod $NULLKO enable=1 completion=bogus
check bad_completion_line dmesg_has 'pv_null: completion=bogus: none, softirq or timer'
check core_unloads rmmod pv_core
check nothing_left test ! -e /sys/module/pv_null -a ! -e /sys/module/pv_core
check_dmesg_clean kernel_log_clean load
