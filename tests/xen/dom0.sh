#!/bin/bash
# tests/xen/dom0.sh: PID 1 of dom0 in the Xen test VM (after switch_root
# into the cached rootfs; tests/xen/stage1-init puts this and the payload in
# /xen, a tmpfs). Starts the xl toolstack, a bridge with the dom0 servers,
# creates the domU and relays its console to our own (hvc0, so the host sees
# it) with a "domU| " prefix, acting on the "PVXEN-REQUEST ..." lines the
# domU prints (block-detach, block-attach). Its own checks are PVTEST lines
# named dom0_*. Ends with our kernel log and "PVXEN-DOM0-DONE", then powers
# off (QEMU exits).
#
# /xen/domu.env (written by tests/xen/run.sh) sets DOMU_EXTRA (the domU's
# kernel command line), DOMU_MEM, DOMU_TIMEOUT, DOMU_NAME and DOMU_XVDB (0:
# no second disk).
set -uo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/xen-4.17/bin
X=/xen
CONSOLE=/dev/console
BRIDGE_IP=10.99.0.1

say() { printf '%s\n' "$*" >>"$CONSOLE"; }
pass() { say "PVTEST PASS dom0_$1"; }
fail() { local n=$1; shift; say "PVTEST FAIL dom0_$n: $*"; }
note() { say "PVTEST NOTE dom0: $*"; }
t() { say "PVXEN [dom0 $(cut -d' ' -f1 /proc/uptime)s] $*"; }

finish() {
	say "PVXEN-DOM0-DMESG-BEGIN"
	dmesg >>"$CONSOLE" 2>&1
	say "PVXEN-DOM0-DMESG-END"
	say "PVXEN-DOM0-DONE"
	sync
	busybox poweroff -f
	sleep 30
}

# Mounts and /dev links: devtmpfs lacks /dev/fd and friends, without which
# Xen's hotplug scripts (locking.sh) spin forever.
setup_fs() {
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mountpoint -q /dev || mount -t devtmpfs dev /dev
	ln -sf /proc/self/fd /dev/fd
	ln -sf fd/0 /dev/stdin
	ln -sf fd/1 /dev/stdout
	ln -sf fd/2 /dev/stderr
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /run
	mount -t tmpfs tmpfs /tmp
	mkdir -p /run/xen /run/xenstored /var/log/xen/console /var/lib/xen /run/lock
	hostname dom0
}

setup_toolstack() {
	local m
	for m in xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-blkback xen-netback bridge loop; do
		modprobe "$m" || { fail toolstack "modprobe $m failed"; return 1; }
	done
	mount -t xenfs xenfs /proc/xen
	XENSTORED_ROOTDIR=/run/xenstored xenstored --pid-file /run/xenstore.pid
	for _ in $(seq 1 100); do xenstore-read / >/dev/null 2>&1 && break; sleep 0.1; done
	xen-init-dom0 >/tmp/xen-init-dom0.log 2>&1 || { fail toolstack "xen-init-dom0: $(tail -n 2 /tmp/xen-init-dom0.log)"; return 1; }
	xenconsoled --pid-file /run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console
	pass toolstack
}

# The bridge the domU's vif joins, with dom0's address, and the servers the
# domU's network checks talk to.
setup_net() {
	ip link set lo up
	ip link add xenbr0 type bridge &&
		ip addr add "$BRIDGE_IP/24" dev xenbr0 &&
		ip link set xenbr0 up || { fail bridge "cannot set up xenbr0"; return 1; }
	python3 "$X/dom0-serve.py" "$BRIDGE_IP" 5001 "$((DOMU_TIMEOUT + 60))" >/tmp/serve.log 2>&1 &
	iperf3 -s -D -B "$BRIDGE_IP" -p 5201 --logfile /tmp/iperf3.log
	pass bridge
}

write_cfg() {
	local disks="'format=raw, vdev=xvda, access=rw, target=/dev/vdb'"
	[ "${DOMU_XVDB:-1}" = 1 ] && disks+=", 'format=raw, vdev=xvdb, access=rw, target=/dev/vdc'"
	cat >/tmp/domu.cfg <<CFG
name = "$DOMU_NAME"
type = "pv"
kernel = "$X/vmlinuz"
ramdisk = "$X/domU.cpio"
extra = "$DOMU_EXTRA"
memory = $DOMU_MEM
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
disk = [ $disks ]
vif = [ 'bridge=xenbr0, mac=00:16:3e:99:00:02' ]
CFG
}

# do_request WORDS...: what a "PVXEN-REQUEST" line of the domU asks for.
# Each request reports a dom0_* check; the domU checks the effect itself.
do_request() {
	local out rc
	case $1 in
	block-detach)
		out=$(timeout 60 xl block-detach "$DOMU_NAME" "$2" 2>&1); rc=$?
		[ $rc = 0 ] && pass "block_detach_$2" || fail "block_detach_$2" "xl block-detach exited $rc: $(echo "$out" | tail -n 3 | tr '\n' ' ')" ;;
	block-attach)
		out=$(timeout 60 xl block-attach "$DOMU_NAME" "format=raw, vdev=$2, access=rw, target=$3" 2>&1); rc=$?
		[ $rc = 0 ] && pass "block_attach_$2" || fail "block_attach_$2" "xl block-attach exited $rc: $(echo "$out" | tail -n 3 | tr '\n' ' ')" ;;
	block-list)
		note "xl block-list: $(xl block-list "$DOMU_NAME" 2>&1 | tr -s ' \n' ' ')" ;;
	file-disk)	# VDEV MIB: a loop device on a file in dom0's tmpfs, attached
		truncate -s "$3M" "/run/pvxen-$2.img" &&
			losetup -f --show "/run/pvxen-$2.img" >"/run/pvxen-$2.loop" &&
			out=$(timeout 60 xl block-attach "$DOMU_NAME" "format=raw, vdev=$2, access=rw, target=$(cat "/run/pvxen-$2.loop")" 2>&1); rc=$?
		[ $rc = 0 ] && pass "file_disk_$2" || fail "file_disk_$2" "loop/xl block-attach failed ($rc): $(echo "$out" | tail -n 3 | tr '\n' ' ')" ;;
	file-disk4k)	# VDEV MIB: the same with 4096-byte logical sectors, the loop
		# device doing direct I/O on its file, as a 4K-sector disk would
		# (on the root file system: tmpfs has no O_DIRECT)
		out=$(truncate -s "$3M" "/var/tmp/pvxen-$2.img" 2>&1 &&
			losetup -f --show -b 4096 --direct-io=on "/var/tmp/pvxen-$2.img" 2>&1 >"/run/pvxen-$2.loop" &&
			timeout 60 xl block-attach "$DOMU_NAME" "format=raw, vdev=$2, access=rw, target=$(cat "/run/pvxen-$2.loop")" 2>&1); rc=$?
		[ $rc = 0 ] && pass "file_disk4k_$2" || fail "file_disk4k_$2" "loop/xl block-attach failed ($rc): $(echo "$out" | tail -n 3 | tr '\n' ' ')" ;;
	file-grow)	# VDEV MIB: grow the file; blkback sees it at its next request
		truncate -s "$3M" "/run/pvxen-$2.img" &&
			losetup -c "$(cat "/run/pvxen-$2.loop")"; rc=$?
		[ $rc = 0 ] && pass "file_grow_$2" || fail "file_grow_$2" "truncate/losetup -c exited $rc" ;;
	*)
		fail request "unknown request '$*'" ;;
	esac
	say "PVXEN-REQUEST-DONE $*"
}

# relay: copy the domU's console log to ours until its init says DONE, the
# domain is gone, or the deadline passes; act on requests on the way.
relay() {
	local log=/var/log/xen/console/guest-$DOMU_NAME.log line fifo=/tmp/relay.fifo
	local deadline=$(( $(cut -d. -f1 /proc/uptime) + DOMU_TIMEOUT )) done=0 gone=0
	mkfifo "$fifo"
	for _ in $(seq 1 50); do [ -e "$log" ] && break; sleep 0.1; done
	tail -n +1 -F "$log" 2>/dev/null >"$fifo" &
	local tpid=$!
	exec 7<"$fifo"
	while :; do
		if IFS= read -r -t 2 line <&7; then
			line=${line%$'\r'}
			say "domU| $line"
			case $line in
			"PVXEN-REQUEST-DONE "*) ;;
			"PVXEN-REQUEST "*) do_request ${line#PVXEN-REQUEST } ;;
			"PVTEST DONE") done=1 ;;
			esac
			continue
		fi
		# Nothing new for 2 s: has the domain ended?
		if ! xl list "$DOMU_NAME" >/dev/null 2>&1; then
			gone=$((gone + 1))
			[ $gone -ge 2 ] && break
		fi
		[ "$(cut -d. -f1 /proc/uptime)" -ge "$deadline" ] && break
	done
	kill "$tpid" 2>/dev/null
	exec 7<&-
	if [ $done = 1 ]; then
		pass domu_finished
	elif [ $gone -ge 2 ]; then
		fail domu_finished "the domU died before PVTEST DONE (panic, crash or reset)"
	else
		fail domu_finished "the domU did not finish in ${DOMU_TIMEOUT}s"
		xl list >>"$CONSOLE" 2>&1
	fi
}

main() {
	setup_fs
	exec </dev/null >>"$CONSOLE" 2>&1
	# shellcheck disable=SC1091
	. "$X/domu.env"
	t "stage 2"
	setup_toolstack || finish
	setup_net || finish
	t "toolstack up: $(xl info 2>/dev/null | awk '/^xen_version/ { print $3 }')"
	write_cfg
	# One retry: under TCG on a loaded machine libxl's fixed device
	# timeouts (10 s for a backend to initialise) are sometimes too short.
	local try
	for try in 1 2; do
		if xl -v create /tmp/domu.cfg >/tmp/xl-create.log 2>&1; then
			pass domu_created
			break
		fi
		say "PVXEN xl create failed (try $try):"
		cat /tmp/xl-create.log
		tail -n 30 /var/log/xen/xen-hotplug.log 2>/dev/null
		xl destroy "$DOMU_NAME" >/dev/null 2>&1
		rm -f "/var/log/xen/console/guest-$DOMU_NAME.log"
		if [ $try = 2 ]; then
			fail domu_created "xl create: $(grep -m 3 -iE 'error|fail' /tmp/xl-create.log | tr '\n' ' ')"
			finish
		fi
	done
	t "domU created"
	relay
	t "domU finished"
	# Backing devices untouched by dom0 from here on: the host reads them.
	xl destroy "$DOMU_NAME" >/dev/null 2>&1
	sync
	finish
}

main
