#!/bin/bash
# tests/xen/run.sh [--bench]: the Xen scenarios, in ONE QEMU TCG boot of
# Xen 4.17 (Debian's xen-hypervisor-4.17-amd64, extracted, not installed)
# with Debian's stock kernel as dom0 and as a PV domU.
#
#   host ── QEMU TCG ── Xen ── dom0 (cached debootstrap rootfs, xl, blkback,
#                               netback, bridge xenbr0 10.99.0.1)
#                          └── domU (busybox initramfs: the project's modules
#                               for the stock kernel, tests/xen/domu.sh)
#
# The domU's disks are raw virtio disks of the QEMU VM ($WORK/disk0.img as
# dom0's /dev/vdb -> xvda, disk1.img as /dev/vdc -> xvdb): the host writes a
# pattern first and checks what the domU wrote after QEMU exits.
# Prints one line per check, like tests/vm/run.sh:
#   PASS xen/<check>    FAIL xen/<check>: <reason>    NOTE xen: <text>
# (dom0's own checks are named dom0_*, the host's host_*), then
# "N passed, N failed". Exit status 1 when anything failed.
#
#   --bench   run tests/xen/bench-domu.sh in the domU instead (scripts/bench);
#             its BENCH lines are in $PV_OUT/xen/xen.log
# Environment:
#   PV_XEN_FRONT=pv|stock  pv (default): modprobe pv_xen, which must bring
#                          up pv_blk/pv_net/pv_clock; stock: the in-tree
#                          xen-blkfront/xen-netfront (harness self-check)
#   PV_XEN_DOMU_KERNEL=stock|debug  the domU's kernel: stock (default), or
#                          the debug kernel's Xen PV variant
#                          (scripts/debug-kernel.sh --xen-pv: lockdep, UBSAN,
#                          KFENCE, kmemleak..., no KASAN; slub_debug=FZP)
#                          with its modules and the project's modules built
#                          for it, kmemleak checked at the end
#                          (kmemleak_clean); dom0 stays stock.
#                          Result lines then read "PASS debug/xen/<check>"
#   PV_XEN_TIMEOUT         QEMU wall-clock limit in seconds (default 600;
#                          1500 with the debug domU)
#   PV_VM_CONSOLE=1        copy the serial console to stderr while it runs
#   PV_BUILD_MODULES       a stand-in for scripts/build-modules.sh
#   BENCH_ROUNDS, BENCH_SECS  with --bench (default 3 rounds, 4 s a job)
# Caches: $PV_CACHE/xen/dom0-KEY.img (tests/xen/mkrootfs.sh), and
# $PV_CACHE/xen/hv-VERSION/xen.elf. Logs and images: $PV_OUT/xen/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"

usage() { sed -n '2,/^set /s/^# \{0,1\}//p' "$0" >&2; exit 2; }
bench=0
while [ $# -gt 0 ]; do
	case $1 in
	--bench) bench=1; shift ;;
	-h|--help) usage ;;
	*) echo "run.sh: unknown argument $1" >&2; usage ;;
	esac
done

FRONT=${PV_XEN_FRONT:-pv}
case $FRONT in pv|stock) ;; *) pv_die "PV_XEN_FRONT must be pv or stock" ;; esac
DOMU_KERNEL=${PV_XEN_DOMU_KERNEL:-stock}
case $DOMU_KERNEL in stock|debug) ;; *) pv_die "PV_XEN_DOMU_KERNEL must be stock or debug" ;; esac
TIMEOUT=${PV_XEN_TIMEOUT:-600}
[ "$DOMU_KERNEL" = debug ] && TIMEOUT=${PV_XEN_TIMEOUT:-1500}
[ $bench = 1 ] && TIMEOUT=${PV_XEN_TIMEOUT:-3000}
RP=		# result prefix: "debug/" with the debug domU
OUT=$PV_OUT/xen
[ "$DOMU_KERNEL" = debug ] && RP=debug/ OUT=$PV_OUT/debug/xen
WORK=$OUT/work
LOG=$OUT/xen.log
DOMU_MEM=512
[ $bench = 1 ] && DOMU_MEM=768	# fio's libraries live in the initramfs
# Crash signatures: scripts/vm-run.sh's, and Xen's own.
CRASH_RE='Kernel panic|Oops[:#]|(^|\] )BUG:|kernel BUG at|(^|\] )WARNING:|general protection fault|KASAN:|UBSAN:|KFENCE:|ODEBUG:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|WARNING: possible|bad unlock balance|held lock freed|lock held when returning|BUG [^ ]+ \((Not tainted|Tainted: [^)]*)\): |Call Trace:|segfault at|blocked for more than|detected stalls|suspected memory leak|Panic on CPU|Xen BUG at|FATAL TRAP|Assertion .* failed'
# With the debug domU, kmemleak's own summary line: kmemleak_check judges
# the report (tests/vm/lib-guest.sh).
CRASH_ALLOW='^$'
[ "$DOMU_KERNEL" = debug ] && CRASH_ALLOW='kmemleak: [0-9]+ new suspected memory leaks'

total_pass=0 total_fail=0
emit() { # emit PASS|FAIL|NOTE TEXT: one result line, counted
	case $1 in
	PASS) total_pass=$((total_pass + 1)); echo "PASS ${RP}xen/$2" ;;
	FAIL) total_fail=$((total_fail + 1)); echo "FAIL ${RP}xen/$2" ;;
	NOTE) echo "NOTE ${RP}xen: $2" ;;
	esac
}
setup_fail() {
	echo "FAIL ${RP}xen: setup: $*"
	echo "0 passed, 1 failed"
	exit 1
}
pattern() { awk -v tag="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%-10.10s %020d\n", tag, i }'; }

# --- inputs -------------------------------------------------------------------
# project_modules: the project's modules (not the test-only ones) for the
# domU's kernel, one path a line.
project_modules() {
	local bm=${PV_BUILD_MODULES:-$PV_TOP/scripts/build-modules.sh} d
	d=$("$bm" "$DOMU_KDIR" 2>"$OUT/build-modules.err" | tail -n 1) &&
		[ -d "$d/modules" ] || return 1
	find "$d/modules" -name '*.ko' | sort
}

project_tool() { # NAME: tests/tools/NAME.c or tests/xen/NAME.c, static
	local src=$PV_TOP/tests/tools/$1.c bin=$PV_OUT/tools/$1
	[ -f "$src" ] || src=$here/$1.c
	mkdir -p "$PV_OUT/tools"
	[ "$bin" -nt "$src" ] && return 0
	gcc -static -O2 -Wall -Wextra -Werror -o "$bin" "$src"
}

# xen_elf VERSION: the hypervisor of xen-hypervisor-4.17-amd64 VERSION as an
# ELF QEMU's -kernel loads (multiboot 1), extracted once into the cache. The
# version is the one of the dom0 image's toolstack: they must agree.
xen_elf() {
	local v=$1 dir=$PV_CACHE/xen/hv-$1 tmp gz
	if [ ! -s "$dir/xen.elf" ]; then
		mkdir -p "$dir"
		tmp=$(mktemp -d "$dir/tmp.XXXXXX")
		(cd "$tmp" && apt-get download -q "xen-hypervisor-4.17-amd64=$v" >"$tmp/apt.log" 2>&1) ||
			{ rm -rf "$tmp"; return 1; }
		dpkg-deb -x "$tmp"/xen-hypervisor-4.17-amd64_*.deb "$tmp/x" &&
			gz=$(ls "$tmp"/x/boot/xen-4.17*-amd64.gz | head -n 1) &&
			zcat "$gz" >"$tmp/xen.elf" && mv "$tmp/xen.elf" "$dir/xen.elf"
		rm -rf "$tmp"
	fi
	[ -s "$dir/xen.elf" ] && echo "$dir/xen.elf"
}

image_pkg_version() { # IMG PKG: a package's version in the image's dpkg status
	debugfs -R 'cat /var/lib/dpkg/status' "$1" 2>/dev/null |
		awk -v p="$2" '$0 == "Package: " p { f = 1 } f && /^Version:/ { print $2; exit }'
}

# make_disks: the domU's backing devices. disk0 (64 MiB) starts with the
# host's pattern; disk1 (96 MiB) gets the domU's ext4.
make_disks() {
	local size=64M
	[ $bench = 1 ] && size=512M	# fio works on the first 256 MiB
	# Sizes differ so the domU can tell which disk is which.
	truncate -s "$size" "$WORK/disk0.img" && truncate -s 96M "$WORK/disk1.img" &&
		pattern host-0 32768 | dd of="$WORK/disk0.img" conv=notrunc status=none
}

# make_initramfs: the domU's (inside dom0's payload) and dom0's. dom0's is a
# scripts/mkinitramfs.sh tree (busybox, kmod, virtio/ext4 and the Xen backend
# modules) with a second cpio appended that replaces /init by
# tests/xen/stage1-init and adds /payload.
make_initramfs() {
	local scen=$1 kos tools p=$WORK/p
	kos=$(project_modules) || { echo "building the project's modules: $(tail -n 3 "$OUT/build-modules.err")"; return 1; }
	if [ "$FRONT" = pv ] && ! grep -q '/pv_xen\.ko$' <<<"$kos"; then
		echo "pv_xen.ko was not built (PV_XEN_FRONT=stock runs the harness with the in-tree front-ends)"
		return 1
	fi
	project_tool tcpxfer && project_tool clockcheck && project_tool timeref && project_tool odirect || { echo "building tests/tools failed"; return 1; }
	# fio and iperf3 only for the benchmark: fio drags in ~80 MB of
	# libraries (ceph, icu), which the domU would hold in RAM.
	tools="mkfs.ext4 $PV_OUT/tools/tcpxfer $PV_OUT/tools/clockcheck $PV_OUT/tools/timeref $PV_OUT/tools/odirect"
	[ $bench = 1 ] && tools+=" fio iperf3"
	mkdir -p "$p/payload"
	local dmods="xen-blkfront xen-netfront ext4 crc32c_generic"
	[ "$DOMU_KERNEL" = debug ] && dmods+=" pvtest_modmap"
	"$PV_TOP/scripts/mkinitramfs.sh" --kver "$DOMU_KV" --moddir "$DOMU_MODDIR" --modules "$dmods" \
		--extra "$(echo $kos)" --tools "$tools" --scenario "$scen" -o "$p/payload/domU.cpio" ||
		{ echo "mkinitramfs (domU) failed"; return 1; }
	"$PV_TOP/scripts/mkinitramfs.sh" --kver "$KV" --modules "virtio_pci virtio_blk crc32c_generic ext4
		xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-blkback xen-netback bridge loop" \
		-o "$WORK/dom0.cpio" || { echo "mkinitramfs (dom0) failed"; return 1; }
	cp "$here/stage1-init" "$p/init"
	cp "$here/dom0.sh" "$here/dom0-serve.py" "$PV_TOP/tests/vm/host/tcp-echo.py" "$p/payload/"
	cp "$DOMU_BZ" "$p/payload/vmlinuz"
	local dtmo=$((TIMEOUT - 90)) append=''
	[ $bench = 1 ] && append="bench_rounds=${BENCH_ROUNDS:-3} bench_secs=${BENCH_SECS:-4}"
	# The debug domU has no KASAN (tests/debug/xen-pv.config): SLUB's red
	# zones, poisoning and checks stand in, besides KFENCE.
	[ "$DOMU_KERNEL" = debug ] && append+=" pvtest_kmemleak=1 slub_debug=FZP"
	cat >"$p/payload/domu.env" <<EOF
DOMU_NAME=pvtest
DOMU_MEM=$DOMU_MEM
DOMU_XVDB=$((1 - bench))
DOMU_TIMEOUT=$dtmo
DOMU_EXTRA="console=hvc0 panic=3 panic_on_warn=1 oops=panic loglevel=4 printk.devkmsg=on panic_print=32 pvtest_timeout=$((dtmo - 10)) pvtest_name=xen pvxen_front=$FRONT $append"
EOF
	chmod 755 "$p/init" "$p/payload/dom0.sh"
	(cd "$p" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >>"$WORK/dom0.cpio"
}

# --- the boot -----------------------------------------------------------------
boot() {
	local xen=$1 img=$2 qpid tpid='' rc
	# smap=0: under TCG dom0 dies at once otherwise (#PF in
	# create_bounce_frame). spec-ctrl=eager-fpu: TCG's "max" CPU says AMD,
	# so Xen switches PV vCPUs' FPU state lazily, trusting #NM on the
	# first FPU instruction while CR0.TS is set; QEMU 7.2's XSAVE/XRSTOR
	# never raise #NM, so a guest task switch saved or loaded another
	# vCPU's XMM/YMM registers: processes in dom0 and the domU crashed at
	# random or computed wrong results (tests/xen/README.md, "The TCG
	# fault"). Eager switching never leaves TS set.
	timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max,-svm -m 2048 -smp 2 \
		-nographic -nodefaults -no-reboot -serial stdio -monitor none \
		-kernel "$xen" \
		-append "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all noreboot smap=0 spec-ctrl=eager-fpu" \
		-initrd "/boot/vmlinuz-$KV console=hvc0 loglevel=5,$WORK/dom0.cpio" \
		-drive "file=$img,if=virtio,format=raw,snapshot=on" \
		-drive "file=$WORK/disk0.img,if=virtio,format=raw,cache=unsafe" \
		-drive "file=$WORK/disk1.img,if=virtio,format=raw,cache=unsafe" \
		</dev/null >"$LOG" 2>&1 &
	qpid=$!
	trap 'kill -TERM $qpid 2>/dev/null' EXIT
	if [ "${PV_VM_CONSOLE:-0}" = 1 ]; then
		tail -n +1 -F --pid=$qpid "$LOG" >&2 2>/dev/null &
		tpid=$!
	fi
	# dom0 powers off at the end (QEMU exits); do not wait for a Xen that
	# panicked (noreboot) or a power-off that does not come.
	while kill -0 $qpid 2>/dev/null; do
		if grep -aqE 'PVXEN-DOM0-DONE|Panic on CPU|crashed: .noreboot' "$LOG"; then
			for _ in $(seq 1 10); do kill -0 $qpid 2>/dev/null || break; sleep 1; done
			kill -TERM $qpid 2>/dev/null
			break
		fi
		sleep 1
	done
	wait $qpid
	rc=$?
	trap - EXIT
	[ -n "$tpid" ] && wait "$tpid" 2>/dev/null
	return $rc
}

# --- results --------------------------------------------------------------------
parse_results() {
	local clean=$1 line
	while IFS= read -r line; do
		case $line in
		"PVTEST PASS "*) emit PASS "${line#PVTEST PASS }" ;;
		"PVTEST FAIL "*) emit FAIL "${line#PVTEST FAIL }" ;;
		"PVTEST NOTE "*) emit NOTE "${line#PVTEST NOTE }" ;;
		esac
	done < <(grep -aoE 'PVTEST (PASS|FAIL|NOTE) .*$' "$clean")
}

# crash_scan: the first crash signature on the console (Xen, dom0 or the
# relayed domU), result lines and watchdog dumps (hangs) excepted. A
# user-space fault is a crash like any other.
crash_scan() {
	awk '/PVTEST-(WATCHDOG|KMEMLEAK)-BEGIN/ { w = 1 } /PVTEST-(WATCHDOG|KMEMLEAK)-END/ { w = 0; next } !w' "$1" |
		grep -avE 'PVTEST (PASS|FAIL|NOTE|DONE)' | grep -aE "$CRASH_RE" |
		grep -avE "$CRASH_ALLOW" |
		# The domU's first in kernel time (a panic replays its log, and the
		# live console misses lines below loglevel 1), else the first one.
		awk '{ t = 1e18; if (match($0, /^domU\| \[ *[0-9]+\.[0-9]+\]/)) t = substr($0, 8, RLENGTH - 8) + 0 }
			NR == 1 { first = $0 } t < best { best = t; line = $0 }
			BEGIN { best = 1e18 } END { print (line != "" ? line : first) }' | cut -c1-300
}

# verify: what the domU wrote is in the backing devices.
verify() {
	local want got sum tmp
	want=$(pattern direct 32768 | sha256sum | cut -d' ' -f1)
	got=$(dd if="$WORK/disk0.img" bs=1M skip=16 count=1 status=none | sha256sum | cut -d' ' -f1)
	[ "$want" = "$got" ] && emit PASS host_sees_odirect_write || emit FAIL "host_sees_odirect_write: disk0.img at 16 MiB is not the domU's O_DIRECT pattern"
	want=$(pattern fsync 32768 | sha256sum | cut -d' ' -f1)
	got=$(dd if="$WORK/disk0.img" bs=1M skip=24 count=1 status=none | sha256sum | cut -d' ' -f1)
	[ "$want" = "$got" ] && emit PASS host_sees_fsync_write || emit FAIL "host_sees_fsync_write: disk0.img at 24 MiB is not the domU's fsync'd pattern"
	if e2fsck -fn "$WORK/disk1.img" >"$WORK/e2fsck.log" 2>&1; then
		emit PASS host_fs_clean
	else
		emit FAIL "host_fs_clean: e2fsck -fn disk1.img: $(tail -n 2 "$WORK/e2fsck.log" | tr '\n' ' ')"
	fi
	sum=$(grep -aoE 'PVXEN-FILESUM /a [0-9a-f]{64}' "$1" | tail -n 1 | awk '{ print $3 }')
	tmp=$WORK/a.dump
	rm -f "$tmp"
	debugfs -R "dump /a $tmp" "$WORK/disk1.img" >/dev/null 2>&1
	got=$([ -f "$tmp" ] && sha256sum <"$tmp" | cut -d' ' -f1)
	if [ -n "$sum" ] && [ "$sum" = "$got" ]; then
		emit PASS host_sees_fs_file
	else
		emit FAIL "host_sees_fs_file: /a in disk1.img has sha256 ${got:-none}, the domU wrote ${sum:-nothing}"
	fi
}

# section_times: how long each part of the domU scenario took (its uptime).
section_times() {
	local t
	t=$(grep -aoE 'PVXEN-SECTION [a-z]+ [0-9]+' "$1" | awk '
		{ if (n) printf "%s %.1fs, ", name, ($3 - t) / 100; name = $2; t = $3; n++ }
		END { if (n) printf "(domU uptime at %s: %.1fs)", name, t / 100 }')
	[ -n "$t" ] && emit NOTE "domU sections: $t"
}

main() {
	local t0 t1 img hv xen crash rc clean scen=$here/domu.sh
	[ $bench = 1 ] && scen=$here/bench-domu.sh
	t0=$(date +%s)
	pv_need qemu-system-x86 busybox-static kmod cpio debootstrap e2fsprogs gcc libc6-dev
	KV=$(pv_stock_kver) || setup_fail "no stock kernel"
	# The domU's kernel, its modules' root and KDIR: the stock kernel's, or
	# the debug kernel's (modules installed by scripts/debug-kernel.sh).
	DOMU_KV=$KV DOMU_BZ=/boot/vmlinuz-$KV DOMU_MODDIR=/ DOMU_KDIR=/lib/modules/$KV/build
	if [ "$DOMU_KERNEL" = debug ]; then
		DOMU_KDIR=$("$PV_TOP/scripts/debug-kernel.sh" --xen-pv --modroot "$OUT/debug-modroot" 2>"$OUT/debug-kernel.err" | tail -n 1)
		[ -f "$DOMU_KDIR/arch/x86/boot/bzImage" ] ||
			setup_fail "scripts/debug-kernel.sh failed: $(tail -n 3 "$OUT/debug-kernel.err" | tr '\n' ' ')"
		DOMU_KV=$(cat "$DOMU_KDIR/include/config/kernel.release")
		DOMU_BZ=$DOMU_KDIR/arch/x86/boot/bzImage DOMU_MODDIR=$OUT/debug-modroot
	fi
	rm -rf "$WORK"
	mkdir -p "$WORK"
	img=$("$here/mkrootfs.sh" | tail -n 1)
	[ -f "$img" ] || setup_fail "tests/xen/mkrootfs.sh failed"
	hv=$(image_pkg_version "$img" xen-utils-4.17)
	[ -n "$hv" ] || setup_fail "no xen-utils-4.17 in $img"
	xen=$(xen_elf "$hv") || setup_fail "cannot get xen-hypervisor-4.17-amd64=$hv"
	local err
	err=$(make_initramfs "$scen" 2>&1) || setup_fail "$(tail -n 3 <<<"$err" | tr '\n' ' ')"
	make_disks || setup_fail "cannot make the disk images"
	t1=$(date +%s)
	boot "$xen" "$img"
	rc=$?
	clean=$WORK/console.txt
	tr -d '\r' <"$LOG" >"$clean"
	[ $bench = 1 ] && { grep -aoE 'BENCH .*$' "$clean"; }
	parse_results "$clean"
	crash=$(crash_scan "$clean")
	if [ -n "$crash" ]; then
		emit FAIL "crash: $crash"
	elif [ $rc = 124 ] || [ $rc = 137 ]; then
		emit FAIL "timeout after ${TIMEOUT}s (last line: $(grep -a . "$clean" | tail -n 1 | cut -c1-200))"
	elif ! grep -aq 'PVXEN-DOM0-DONE' "$clean"; then
		emit FAIL "no end: dom0 never finished (qemu exit $rc; last line: $(grep -a . "$clean" | tail -n 1 | cut -c1-200))"
	fi
	[ $bench = 1 ] || verify "$clean"
	section_times "$clean"
	emit NOTE "front-ends $FRONT, dom0 kernel $KV, domU kernel $DOMU_KV, Xen $hv; setup $((t1 - t0))s, QEMU $(($(date +%s) - t1))s; log $LOG"
	[ "$total_fail" -gt 0 ] && echo "log: $LOG"
	echo "$total_pass passed, $total_fail failed"
	[ "$total_fail" -eq 0 ]
}

mkdir -p "$OUT"
# On one line: bash reads a script as it runs it, and this file may be
# edited while a run is under way.
main; exit $?
