#!/bin/bash
# vm-run.sh: boot one test VM under QEMU TCG and report its PVTEST results.
#
#   vm-run.sh --kernel BZIMAGE --initrd CPIO [--append "cmdline extras"]
#             [--timeout SECONDS] [--log FILE] [--name NAME] [--allow REGEX]...
#             [--] [QEMU ARGS...]
#
#  --timeout  wall-clock limit, default 120 s; QEMU is killed when it expires
#  --log      full serial console log (default $PV_OUT/vm/NAME.log)
#  --name     scenario name used in the synthetic failure line (default:
#             the initrd's file name without extension)
#  --allow    extended regex of console lines that are expected and must not
#             count as crash signatures (repeatable)
#  Arguments after the options (or after --) go to QEMU unchanged (devices).
#  PV_VM_CONSOLE=1 copies the raw console to stderr while the VM runs.
#  A bzImage whose vmlinux has a PVH entry point (Debian's has) is booted as
#  that ELF (extracted once into $PV_CACHE/vmlinux), skipping the decompression
#  that takes half the boot time under TCG; PV_VM_PVH=0 boots the bzImage.
#
# Prints every PVTEST line of the guest, then at most one synthetic
#   PVTEST FAIL NAME: timeout after Ns | crash: <first line> | no DONE marker
# and "PVTEST NOTE NAME: vm wall time Ns".
# Exit: 0 DONE seen, no crash and no failed check; 1 DONE seen and no crash
# but some check failed; 2 timeout, crash or no DONE marker; 3 usage error.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n '2,25s/^# \{0,1\}//p' "$0" >&2; exit 3; }

kernel='' initrd='' append='' timeout=120 log='' name='' allow=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--allow) allow+=("$2"); shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[ -f "$kernel" ] || { echo "vm-run: no kernel '$kernel'" >&2; usage; }
[ -f "$initrd" ] || { echo "vm-run: no initrd '$initrd'" >&2; usage; }
[[ $timeout =~ ^[0-9]+$ ]] || { echo "vm-run: bad --timeout '$timeout'" >&2; usage; }
if [ -z "$name" ]; then name=${initrd##*/}; name=${name%.*}; fi
[ -n "$log" ] || log=$PV_OUT/vm/$name.log
mkdir -p "$(dirname "$log")"

command -v qemu-system-x86_64 >/dev/null || pv_need qemu-system-x86

# Crash signatures; keep in sync with PVTEST_CRASH_RE in tests/vm/lib-guest.sh.
# Besides oopses and WARNs: the debug kernel's reports (KASAN, UBSAN, KFENCE,
# debug objects, lockdep's and RCU's "WARNING: ..." headers, hung tasks, RCU
# stalls, kmemleak).
crash_re='Kernel panic|Oops[:#]|(^|\] )BUG:|kernel BUG at|(^|\] )WARNING:|general protection fault|KASAN:|UBSAN:|KFENCE:|ODEBUG:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|WARNING: possible|bad unlock balance|held lock freed|lock held when returning|BUG [^ ]+ \((Not tainted|Tainted: [^)]*)\): |Call Trace:|segfault at|blocked for more than|detected stalls|suspected memory leak'

# panic_print=32 replays the whole kernel log on a panic (the guest keeps the
# console at loglevel 1 while it prints results); pvtest_timeout arms the
# guest's watchdog (tests/vm/init).
cmdline="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic loglevel=4 printk.devkmsg=on panic_print=32 pvtest_timeout=$timeout $append"

# pvh_elf BZIMAGE: print the path of the bzImage's vmlinux, extracted once into
# $PV_CACHE/vmlinux, if it has a PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY);
# print nothing otherwise. QEMU boots such an ELF directly: no decompression
# in the guest, which under TCG takes longer than the rest of the boot (xz:
# ~3-5 s of a ~8 s VM).
pvh_elf() {
	local bz=$1 dir=$PV_CACHE/vmlinux key elf setup off len magic dec
	key=$(pv_hash "$bz") || return 0
	elf=$dir/$key.elf
	if [ ! -f "$elf" ]; then
		[ -f "$dir/$key.none" ] && return 0
		mkdir -p "$dir"
		# Setup header: setup_sects at 0x1f1, payload_offset/_length at 0x248.
		[ "$(od -An -tx1 -j 0x202 -N 4 "$bz" | tr -d ' ')" = 48647253 ] || return 0 # "HdrS"
		setup=$(od -An -tu1 -j 0x1f1 -N 1 "$bz" | tr -d ' ')
		[ "$setup" = 0 ] && setup=4
		off=$(od -An -tu4 -j 0x248 -N 4 "$bz" | tr -d ' ')
		len=$(od -An -tu4 -j 0x24c -N 4 "$bz" | tr -d ' ')
		off=$(((setup + 1) * 512 + off))
		magic=$(od -An -tx1 -j "$off" -N 4 "$bz" | tr -d ' ')
		case $magic in
		1f8b*) dec="gzip -dc" ;;
		fd377a58) dec="xz -dc" ;;
		28b52ffd) dec="zstd -dcq" ;;
		5d0000*) dec="xz -dc --format=lzma" ;;
		425a68*) dec="bzip2 -dc" ;;
		02214c18) dec="lz4 -dc" ;;
		*) dec= ;;
		esac
		# Decompressors complain about the size the kernel appends: the
		# result is checked instead of their exit status.
		if [ -n "$dec" ] && command -v "${dec%% *}" >/dev/null; then
			tail -c +$((off + 1)) "$bz" | head -c "$len" | $dec >"$elf.tmp.$$" 2>/dev/null
		fi
		if [ -s "$elf.tmp.$$" ] && readelf -n "$elf.tmp.$$" 2>/dev/null |
			grep -q 'Xen .*(0x00000012)'; then
			mv "$elf.tmp.$$" "$elf"
		else
			rm -f "$elf.tmp.$$"
			touch "$dir/$key.none"
			return 0
		fi
		# Keep the 6 most recently used.
		ls -1t "$dir"/*.elf 2>/dev/null | tail -n +7 | xargs -r rm -f
	fi
	touch "$elf"
	echo "$elf"
}

boot=$kernel
if [ "${PV_VM_PVH:-1}" != 0 ]; then
	elf=$(pvh_elf "$kernel")
	[ -n "$elf" ] && boot=$elf
fi

start=$(date +%s%N)
timeout -k 5 "$timeout" qemu-system-x86_64 \
	-accel tcg -m 1024 -smp 2 \
	-nographic -nodefaults -no-reboot -serial stdio -monitor none \
	-kernel "$boot" -initrd "$initrd" -append "$cmdline" \
	"$@" </dev/null >"$log" 2>&1 &
qpid=$!
# timeout(1) runs in its own process group: kill it (and so QEMU) if we die.
trap 'kill -TERM $qpid 2>/dev/null; sleep 1; kill -KILL $qpid 2>/dev/null' EXIT
trap 'exit 130' INT TERM HUP
tpid=
if [ "${PV_VM_CONSOLE:-0}" = 1 ]; then
	tail -n +1 -F --pid=$qpid "$log" >&2 2>/dev/null &
	tpid=$!
fi
wait $qpid
qrc=$?
trap - EXIT
[ -n "$tpid" ] && wait "$tpid" 2>/dev/null
wall=$(( ($(date +%s%N) - start) / 1000000 ))
wall=$((wall / 1000)).$(printf %03d $((wall % 1000)) | cut -c1-1)

clean=$(tr -d '\r' <"$log")
results=$(grep -aoE 'PVTEST (PASS|FAIL|NOTE|DONE)( .*)?$' <<<"$clean")
[ -n "$results" ] && printf '%s\n' "$results"

# Not scanned: result lines, the guest watchdog's dump (sysrq-w backtraces
# of a hang, which is reported as a timeout) and the kmemleak report that
# kmemleak_check (lib-guest.sh) judged itself.
crash=$(awk '/^PVTEST-(WATCHDOG|KMEMLEAK)-BEGIN/ { w = 1 } /^PVTEST-(WATCHDOG|KMEMLEAK)-END/ { w = 0; next } !w' <<<"$clean" |
	grep -avE '^PVTEST (PASS|FAIL|NOTE|DONE)' | grep -aE "$crash_re")
for re in "${allow[@]}"; do
	crash=$(grep -avE -- "$re" <<<"$crash")
done
# The first one in kernel time: a panic replays the log (panic_print=32), so
# the WARNING or BUG that caused it comes after the panic line in the file.
crash=$(awk '
	{ t = 1e18; if (match($0, /^\[ *[0-9]+\.[0-9]+\]/)) t = substr($0, 2, RLENGTH - 2) + 0 }
	NF && t < best { best = t; line = $0 }
	BEGIN { best = 2e18 }
	END { print line }' <<<"$crash" | sed 's/^ *//' | cut -c1-300)

status=0
grep -qx 'PVTEST FAIL .*' <<<"$results" && status=1
if [ -n "$crash" ]; then
	echo "PVTEST FAIL $name: crash: $crash"
	status=2
elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "PVTEST FAIL $name: timeout after ${timeout}s"
	status=2
elif ! grep -qx 'PVTEST DONE' <<<"$results"; then
	last=$(grep -a . <<<"$clean" | tail -n 1 | cut -c1-200)
	echo "PVTEST FAIL $name: no DONE marker (qemu exit $qrc; last console line: $last)"
	status=2
fi
echo "PVTEST NOTE $name: vm wall time ${wall}s (qemu exit $qrc)"
exit $status
