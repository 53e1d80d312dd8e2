# tests/xen/domu.sh: the Xen scenarios, run in one PV domU (Debian's stock
# kernel, busybox initramfs of scripts/mkinitramfs.sh, sourced by
# tests/vm/init after tests/vm/lib-guest.sh). The domU has two disks served
# by dom0's blkback (xvda = the outer VM's /dev/vdb, 64 MiB, which the host
# filled with a pattern and checks afterwards; xvdb = /dev/vdc, 96 MiB, for
# ext4) and a vif
# on dom0's bridge (dom0 is 10.99.0.1 and serves tcpxfer transfers and its
# clock on port 5001, iperf3 on 5201).
#
# pvxen_front=pv (default) loads pv_xen, which must bring up pv_blk, pv_net
# and pv_clock through mdev; pvxen_front=stock drives the same devices with
# the in-tree xen-blkfront/xen-netfront (harness check, benchmark baseline).
# Either way the in-tree front-ends are blacklisted for autoloading: without
# that mdev would load them for every vbd/vif uevent (alias xen:vbd).
#
# dom0 acts on "PVXEN-REQUEST ..." console lines (tests/xen/dom0.sh); we
# check the effect ourselves.

FRONT=pv
for _a in $(cat /proc/cmdline); do
	case $_a in pvxen_front=*) FRONT=${_a#*=} ;; esac
done
DOM0=10.99.0.1
ME=10.99.0.2
CS=/sys/devices/system/clocksource/clocksource0
PATTERN_MIB=1	# host pattern at 0; the domU writes 1 MiB at 16 MiB (O_DIRECT) and 24 MiB (fsync)

# pattern TAG LINES: the host's pattern (tests/xen/run.sh), 4 KiB a write:
# a write per line costs a hypercall-heavy syscall each in a PV guest.
pattern() {
	awk -v tag="$1" -v n="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			s = s sprintf("%-10.10s %020d\n", tag, i)
			if (i % 128 == 127) { printf "%s", s; s = "" }
		}
		printf "%s", s }'
}
sum_of() { "$@" | sha256sum | cut -d' ' -f1; }
region() { dd if="$1" bs=1M skip="$2" count="$3" iflag=direct 2>/dev/null; }
lines() { echo $(($1 * 32768)); }	# 32-byte pattern lines in N MiB
request() { _pvtest_say "PVXEN-REQUEST $*"; }
# section NAME: a timestamp line, for the host's timing notes.
section() { _pvtest_now; _pvtest_say "PVXEN-SECTION $1 $_pvtest_t"; }
loaded() { grep -q "^$1 " /proc/modules; }
netif() { ls /sys/class/net | grep -v '^lo$' | head -n 1; }
has_netif() { [ -n "$(netif)" ]; }
# pv_refs: the project's modules with their reference counts and users.
pv_refs() { awk '$1 ~ /^pv_/ { printf "%s refs=%s users=%s; ", $1, $3, $4 }' /proc/modules; }
ping1() { ping -c 1 -W 2 "$DOM0" >/dev/null; }
# pv_blk numbers disks in the order they connect, which varies: find a
# vbd's disk through its xenbus device.
pv_disk() { # VDEV: /dev/pvbN of xenbus device vbd-VDEV
	local b
	for b in /sys/bus/xen/devices/vbd-$1/pvblk*/block/pvb*; do
		[ -e "$b" ] && { echo "/dev/${b##*/}"; return 0; }
	done
	return 1
}
disks_back() { # both disks are there (again)
	if [ "$FRONT" = pv ]; then
		pv_disk 51712 >/dev/null && pv_disk 51728 >/dev/null
	else
		test -b "$DISK" && test -b "$DISK2"
	fi
}
set_disks() { # in this shell: DISK and DISK2 name the two vbds' disks
	[ "$FRONT" = pv ] || return 0
	DISK=$(pv_disk 51712) DISK2=$(pv_disk 51728)
	test -b "$DISK" && test -b "$DISK2"
}
# log_clean NAME TAG: no crash signature in the kernel log since TAG's mark.
# (User-space faults count too: the TCG fault that made static busybox
# crash at random is gone with Xen's spec-ctrl=eager-fpu, tests/xen/README.md.)
log_clean() {
	local found
	found=$(dmesg_crashes "$2" | head -n 3)
	[ -z "$found" ] && { pass "$1"; return 0; }
	fail "$1" "kernel log: $found"
}

# --- bring-up -------------------------------------------------------------
bringup_pv() {
	# What mdev autoloads by: the front-ends' aliases for pv:<class>:*.
	check aliases_for_frontends sh -c 'a=/lib/modules/$(uname -r)/modules.alias; grep -q "^alias pv:blk:\* pv_blk$" $a && grep -q "^alias pv:net:\* pv_net$" $a && grep -q "^alias pv:clock:\* pv_clock$" $a'
	check pv_xen_loads modprobe pv_xen || return 1
	mdev_settle
	local m
	for m in pv_blk pv_net pv_clock; do
		wait_for 20 loaded $m
		check "${m}_autoloaded" loaded $m
	done
	wait_for 20 test -b /dev/pvb1
	wait_for 10 has_netif
	check pv_xen_logs dmesg_has '^\[[ 0-9.]*\] pv_xen: '
	check hypervisor_is_xen test "$(cat /sys/bus/pv/hypervisor/name)" = xen
	check backend_is_pv_xen test "$(cat /sys/bus/pv/hypervisor/backend)" = pv_xen
	note "pv devices: $(ls /sys/bus/pv/devices | tr '\n' ' ')"
	note "mdev ran: $(grep '^modprobe' "$MDEV_LOG" | tr '\n' ';')"
	note "after bring-up: $(pv_refs)"
	wrong_hypervisor
	CLOCK=pv-xen
	wait_for 20 disks_back
	set_disks
	note "disks: vbd-51712 is $DISK, vbd-51728 is $DISK2"
}

# The other backend, on a Xen guest with pv_xen active: VMware is simply
# absent, so -ENODEV and pv_vmi's own line, not "busy".
wrong_hypervisor() {
	dmesg_mark wrong_hv
	check_fails vmi_refused_on_xen modprobe pv_vmi
	note "modprobe pv_vmi on Xen: $(dmesg_since_mark wrong_hv | tr '\n' '|')"
	check vmi_says_not_vmware since_mark_has wrong_hv '^\[[ 0-9.]*\] pv_vmi: not a VMware guest'
	check vmi_one_line_on_xen test "$(dmesg_since_mark wrong_hv | grep -c .)" -eq 1
	check vmi_enodev_on_xen sh -c '/sbin/insmod "$(/sbin/modinfo -n pv_vmi)" 2>&1 | grep -q "No such device"'
	check vmi_not_loaded_on_xen sh -c '! grep -q "^pv_vmi " /proc/modules'
	check xen_still_active test "$(cat /sys/bus/pv/hypervisor/name)" = xen
}

bringup_stock() {
	check blkfront_loads modprobe xen-blkfront
	check netfront_loads modprobe xen-netfront
	wait_for 20 test -b /dev/xvdb
	wait_for 10 has_netif
	DISK=/dev/xvda DISK2=/dev/xvdb CLOCK=xen
}

bringup() {
	# Not loaded by mdev: only what we load ourselves drives the devices.
	mkdir -p /etc/modprobe.d
	printf 'blacklist xen_blkfront\nblacklist xen_netfront\n' >/etc/modprobe.d/pvxen-test.conf
	mdev_start || fail mdev_setup "$MDEV_ERR"
	note "front-ends: $FRONT; xen bus: $(ls /sys/bus/xen/devices | tr '\n' ' ')"
	dmesg_mark bringup
	if [ "$FRONT" = stock ]; then bringup_stock; else bringup_pv; fi
	# The bring-up's kernel log, in the log (one line each, not a check).
	dmesg_since_mark bringup | while IFS= read -r l; do _pvtest_say "PVXEN-BRINGUP-DMESG $l"; done
	note "xenbus drivers: $(for d in /sys/bus/xen/devices/*; do printf '%s=%s ' "${d##*/}" "$(basename "$(readlink "$d/driver")" 2>/dev/null)"; done)"
	if [ "$FRONT" = pv ]; then
		check stock_fronts_not_loaded sh -c '! grep -qE "^xen_(blk|net)front " /proc/modules'
	fi
	check disk_appears test -b "$DISK"
	check disk2_appears test -b "$DISK2"
	check netif_appears has_netif
}

# --- disk -------------------------------------------------------------------
disk_data() {
	test -b "$DISK" || { fail disk_checks "no disk $DISK: skipped"; return; }
	check disk_size test "$(cat /sys/block/${DISK#/dev/}/size)" -eq 131072
	check disk_host_pattern test "$(sum_of region "$DISK" 0 $PATTERN_MIB)" = "$(sum_of pattern host-0 "$(lines $PATTERN_MIB)")"
	dw() { pattern direct "$(lines 1)" | dd of="$DISK" bs=64k seek=256 oflag=direct iflag=fullblock 2>/dev/null; }
	fw() { pattern fsync "$(lines 1)" | dd of="$DISK" bs=64k seek=384 conv=fsync iflag=fullblock 2>/dev/null; }
	SUM_DIRECT=$(sum_of pattern direct "$(lines 1)")
	check disk_write_odirect dw
	check disk_write_fsync fw
	check disk_odirect_reads_back test "$(sum_of region "$DISK" 16 1)" = "$SUM_DIRECT"
	check disk_fsync_reads_back test "$(sum_of region "$DISK" 24 1)" = "$(sum_of pattern fsync "$(lines 1)")"
}

disk_fs() {
	test -b "$DISK2" || { fail fs_checks "no disk $DISK2: skipped"; return; }
	mkdir -p /mnt/t
	check disk2_size test "$(cat /sys/block/${DISK2#/dev/}/size)" -eq 196608
	check fs_mkfs mkfs.ext4 -q -F "$DISK2" || return
	check fs_mount mount -t ext4 "$DISK2" /mnt/t || return
	check fs_write_files sh -c 'dd if=/dev/urandom of=/mnt/t/a bs=1M count=4 2>/dev/null && cp /mnt/t/a /mnt/t/b && mkdir /mnt/t/d && cp /mnt/t/a /mnt/t/d/c && sync'
	local sum
	sum=$(sha256sum /mnt/t/a | cut -d' ' -f1)
	# The host checks the file in the image after the run.
	_pvtest_say "PVXEN-FILESUM /a $sum"
	check fs_umount umount /mnt/t
	check fs_remount mount -t ext4 "$DISK2" /mnt/t
	check fs_files_survive sh -c "for f in a b d/c; do test \"\$(sha256sum /mnt/t/\$f | cut -d' ' -f1)\" = $sum || exit 1; done"
	check fs_umount_again umount /mnt/t
}

# --- network ----------------------------------------------------------------
net() {
	IFC=$(netif)
	[ -n "$IFC" ] || { fail net_checks "no network interface: skipped"; return; }
	note "network interface $IFC: driver $(basename "$(readlink /sys/class/net/$IFC/device/driver)" 2>/dev/null)"
	ip addr add "$ME/24" dev "$IFC" && ip link set "$IFC" up
	check net_ping wait_for 20 ping1 || return
	check net_ping_burst ping -c 20 -i 0.05 -W 2 -s 1400 "$DOM0"
	check net_tcp_put tcpxfer put "$DOM0" 5001 16000000 7
	note "$(cat "$PVTEST_OUT")"
	check net_tcp_get tcpxfer get "$DOM0" 5001 16000000 11
	note "$(cat "$PVTEST_OUT")"
}

# --- clock ------------------------------------------------------------------
clock() {
	check clock_available grep -qw "$CLOCK" "$CS/available_clocksource" || return
	note "clocksources: $(cat "$CS/available_clocksource"), current $(cat "$CS/current_clocksource")"
	if [ "$FRONT" = pv ]; then
		check clock_selectable sh -c "echo $CLOCK >$CS/current_clocksource"
	fi
	check clock_selected test "$(cat "$CS/current_clocksource")" = "$CLOCK"
	# 1e6 reads of the stock xen clocksource (a syscall each) take ~35 s.
	reads=1000000
	[ "$FRONT" = stock ] && reads=100000
	check clock_monotonic clockcheck mono "$reads"
	note "$CLOCK: $(cat "$PVTEST_OUT")"
	if [ -n "${IFC:-}" ]; then
		# dom0's CLOCK_MONOTONIC (tests/xen/dom0-serve.py) as the reference.
		check clock_rate_vs_dom0 timeref "$DOM0" 5001 6 5000
		note "$CLOCK: $(cat "$PVTEST_OUT")"
	else
		fail clock_rate_vs_dom0 "no network to dom0"
	fi
}

# --- disk detach / attach from dom0 ---------------------------------------
hotplug() {
	test -b "$DISK" || { fail hotplug_checks "no disk $DISK: skipped"; return; }
	dmesg_mark hotplug
	request block-detach xvda
	check hotplug_disk_gone wait_for 60 test ! -b "$DISK" || return
	check hotplug_other_disk_alive sh -c "dd if=$DISK2 of=/dev/null bs=1M count=4 iflag=direct 2>/dev/null"
	request block-attach xvda /dev/vdb
	check hotplug_disk_back wait_for 60 disks_back || return
	set_disks
	check hotplug_data_intact test "$(sum_of region "$DISK" 16 1)" = "$SUM_DIRECT"
	request block-list
	note "hotplug: $(dmesg_since_mark hotplug | sed 's/^\[[ 0-9.]*\] //' | tr '\n' '|')"
	log_clean hotplug_kernel_log_clean hotplug
	[ "$FRONT" = pv ] && note "after hotplug: $(pv_refs)"
}

# --- resize: dom0 grows a disk's backing file -------------------------------
# blkback notices a new size when it next serves a request, writes "sectors"
# and announces Connected again; the front-end must follow.
resize() {
	local dev size1
	request file-disk xvdc 16
	if [ "$FRONT" = pv ]; then
		# The disk's sysfs directory comes a moment before its node.
		ready() { dev=$(pv_disk 51744) && test -b "$dev" && test -s /sys/block/${dev#/dev/}/size; }
		check resize_disk_appears wait_for 60 ready || return
		dev=$(pv_disk 51744)
	else
		dev=/dev/xvdc
		check resize_disk_appears wait_for 60 test -s /sys/block/xvdc/size || return
	fi
	size1=$(cat /sys/block/${dev#/dev/}/size)
	check resize_initial_size test "$size1" -eq 32768
	dmesg_mark resize
	request file-grow xvdc 32
	# Read until blkback has looked at the size again.
	grown() {
		dd if=$dev of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null
		test "$(cat /sys/block/${dev#/dev/}/size)" -eq 65536
	}
	check resize_seen wait_for 60 grown
	[ "$FRONT" = pv ] &&
		check resize_logged since_mark_has resize 'vbd-51744: capacity changed from 32768 to 65536 sectors'
	gw() { pattern grown "$(lines 1)" | dd of=$dev bs=64k seek=384 oflag=direct iflag=fullblock 2>/dev/null; }
	check resize_write_beyond_old_end gw
	check resize_reads_back test "$(sum_of region $dev 24 1)" = "$(sum_of pattern grown "$(lines 1)")"
	request block-detach xvdc
	check resize_disk_detached wait_for 60 test ! -b $dev
	log_clean resize_kernel_log_clean resize
}

# --- a disk of 4096-byte sectors ---------------------------------------------
# dom0 serves a loop device with 4K logical sectors (direct I/O on its file).
# A buffer only 512-byte aligned that crosses a page makes two segments of
# 3584 and 512 bytes: the kernel must refuse it (EINVAL, as for any 4K
# disk) rather than send what the backend cannot take (EIO).
sector4k() {
	local dev
	request file-disk4k xvdd 16
	if [ "$FRONT" = pv ]; then
		ready4k() { dev=$(pv_disk 51760) && test -b "$dev" && test -s /sys/block/${dev#/dev/}/size; }
		check s4k_disk_appears wait_for 60 ready4k || return
		dev=$(pv_disk 51760)
	else
		dev=/dev/xvdd
		check s4k_disk_appears wait_for 60 test -s /sys/block/xvdd/size || return
	fi
	dmesg_mark s4k
	local q=/sys/block/${dev#/dev/}/queue
	check s4k_logical_block_4096 test "$(cat $q/logical_block_size)" -eq 4096
	note "4K disk $dev: dma_alignment $(cat $q/dma_alignment 2>/dev/null || echo '?')"
	check s4k_aligned_io odirect "$dev" 0 8192 0
	odirect "$dev" 512 4096 8192 >"$PVTEST_OUT.4k" 2>&1
	note "512-aligned 4 KiB O_DIRECT write across a page: $(cat "$PVTEST_OUT.4k")"
	check s4k_unaligned_refused_not_failed grep -qx 'write: EINVAL' "$PVTEST_OUT.4k"
	check s4k_aligned_io_after odirect "$dev" 0 4096 16384
	no_io_error() { ! dmesg_since_mark s4k | grep -q 'I/O error'; }
	check s4k_no_io_error no_io_error
	request block-detach xvdd
	check s4k_disk_detached wait_for 60 test ! -b "$dev"
	log_clean s4k_kernel_log_clean s4k
}

# --- unload and reload everything --------------------------------------------
reload_pv() {
	ip link set "${IFC:-none}" down 2>/dev/null
	# pv_clock is pinned while its clocksource is current.
	check reload_clock_to_xen sh -c "echo xen >$CS/current_clocksource"
	check reload_frontends_unload rmmod pv_blk pv_net pv_clock
	note "front-ends unloaded: $(pv_refs)"
	# The rest means nothing while the backend stays loaded.
	check reload_backend_unloads rmmod pv_xen || return
	check reload_core_unloads rmmod pv_core
	check reload_nothing_left sh -c '! grep -qE "^pv_" /proc/modules'
	check reload_pv_xen_loads modprobe pv_xen
	mdev_settle
	local m
	for m in pv_blk pv_net pv_clock; do wait_for 20 loaded $m; done
	check reload_frontends_back sh -c 'grep -q "^pv_blk " /proc/modules && grep -q "^pv_net " /proc/modules && grep -q "^pv_clock " /proc/modules'
	check reload_disks_back wait_for 20 disks_back
	check reload_disks_named set_disks
	set_disks
	check reload_data_intact test "$(sum_of region "$DISK" 16 1)" = "$SUM_DIRECT"
	check reload_netif_back wait_for 20 has_netif
	IFC=$(netif)
	ip addr add "$ME/24" dev "$IFC" 2>/dev/null
	ip link set "$IFC" up
	check reload_net_ping wait_for 20 ping1
	check reload_clock_back grep -qw pv-xen "$CS/available_clocksource"
}

# Load again with every non-default path of pv_xen: 4-page rings, two rings
# and two netif queues on the one vCPU, per-request grants (the request's own
# pages, no copy), no indirect requests (1 MiB splits into many 44 KiB ones),
# one shared event channel per netif queue. Check what was negotiated, then
# that data still moves both ways.
since_mark_has() { dmesg_since_mark "$1" | grep -qE -- "$2"; }
reload_tuned() {
	local params="max_queues=2 max_ring_page_order=2 persistent_grants=0 max_indirect_segments=0 netif_max_queues=2 netif_split_evtchn=0"
	ip link set "${IFC:-none}" down 2>/dev/null
	echo xen >"$CS/current_clocksource"
	check tuned_unload_all rmmod pv_blk pv_net pv_clock pv_xen
	dmesg_mark tuned
	check tuned_pv_xen_loads modprobe pv_xen $params
	mdev_settle
	check tuned_disks_back wait_for 20 disks_back
	set_disks
	check tuned_blkif_negotiated since_mark_has tuned 'vbd-51712: connected .* 2 rings of 4 pages \(128 requests\), per-request grants, direct'
	# blk-mq uses at most one hardware queue per CPU (one vCPU here).
	local cpus want
	cpus=$(grep -c '^processor' /proc/cpuinfo)
	want=$((cpus < 2 ? cpus : 2))
	check tuned_hw_queues test "$(ls /sys/block/${DISK#/dev/}/mq | wc -l)" -eq "$want"
	check tuned_data_intact test "$(sum_of region "$DISK" 16 1)" = "$SUM_DIRECT"
	tw() { pattern tuned "$(lines 4)" | dd of="$DISK" bs=1M seek=40 oflag=direct iflag=fullblock 2>/dev/null; }
	check tuned_write_1m_odirect tw
	check tuned_reads_back test "$(sum_of region "$DISK" 40 4)" = "$(sum_of pattern tuned "$(lines 4)")"
	check tuned_netif_back wait_for 20 has_netif
	check tuned_netif_negotiated since_mark_has tuned 'vif-0: .*connected .* 2 queues, shared event channels'
	IFC=$(netif)
	ip addr add "$ME/24" dev "$IFC" 2>/dev/null
	ip link set "$IFC" up
	check tuned_net_ping wait_for 20 ping1
	check tuned_tcp_put tcpxfer put "$DOM0" 5001 4000000 13
}

# In-tree drivers: only netfront can come back after an unbind (blkfront
# stays Closed, a known limitation): reload netfront to exercise the same path.
reload_stock() {
	ip link set "${IFC:-none}" down 2>/dev/null
	check reload_netfront_unbind sh -c 'for d in /sys/bus/xen/drivers/vif/vif-*; do echo ${d##*/} >/sys/bus/xen/drivers/vif/unbind; done'
	check reload_netfront_unloads rmmod xen-netfront
	check reload_netfront_loads modprobe xen-netfront
	check reload_netif_back wait_for 20 has_netif
	IFC=$(netif)
	ip addr add "$ME/24" dev "$IFC" 2>/dev/null
	ip link set "$IFC" up
	check reload_net_ping wait_for 20 ping1
}

SUM_DIRECT=
section bringup; bringup
section disk; disk_data
section fs; disk_fs
section net; net
section clock; clock
section hotplug; hotplug
section resize; resize
section sector4k; sector4k
section reload
if [ "$FRONT" = stock ]; then reload_stock; else reload_pv; section tuned; reload_tuned; fi
section end
log_clean kernel_log_clean scenario-start
