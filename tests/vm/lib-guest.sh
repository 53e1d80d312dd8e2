# shellcheck shell=sh
# lib-guest.sh: helpers for VM scenario scripts (busybox ash), sourced by /init
# before the scenario. Every result is one line on the console:
#   PVTEST PASS <check>
#   PVTEST FAIL <check>: <reason>
#   PVTEST NOTE <text>
# and /init ends with "PVTEST DONE". Check names are single words (spaces and
# colons become "_"); reasons are flattened to one line.
#
#   pass NAME                  record a passed check
#   fail NAME REASON...        record a failed check
#   note TEXT...               informational line
#   check NAME CMD...          pass if CMD exits 0, else fail with the exit
#                              status and the last lines of CMD's output
#   check_fails NAME CMD...    pass if CMD exits non-zero
#   wait_for SECONDS CMD...    run CMD every 0.1 s until it succeeds (status 0)
#                              or SECONDS elapse (status 1; SECONDS times
#                              $PVTEST_SLOW, from pvtest_slow=, on a slow
#                              kernel); not a check itself:
#                              use "check NAME wait_for 5 test -b /dev/sda"
#   dmesg_mark [TAG]           put a marker into the kernel log
#   dmesg_since_mark [TAG]     print the kernel log after the latest marker
#                              (all of it if there is no such marker)
#   dmesg_has REGEX            status 0 if the kernel log has a line matching
#                              REGEX (grep -E; a plain string works too)
#   dmesg_crashes [TAG]        print crash signatures (Oops, BUG:, WARNING:, ...)
#                              logged since the marker; status 0 if there are any
#   check_dmesg_clean NAME [TAG]  fail if dmesg_crashes finds something
#   kmemleak_check [NAME]      (debug kernel) scan for leaks; fail NAME (default
#                              kmemleak_clean) if an unreferenced object was
#                              allocated by one of the project's modules; /init
#                              runs it after every scenario with pvtest_kmemleak=1
#   mdev_settle                wait until mdev has handled every queued uevent
#                              (and the modules these loaded) - with #@ mdev: yes
#   MDEV_LOG                   /dev/mdev.log: each modprobe mdev ran, its output
#                              and exit status
# CMD may be a shell function of the scenario; for pipelines use a function.
#
# modprobe, insmod, rmmod, lsmod, modinfo and depmod are kmod's. Debian's
# busybox-static ash runs its own applet of a name before it searches PATH
# (FEATURE_SH_STANDALONE), so they are shell functions calling /sbin/NAME
# here; a new shell ("sh -c '...'") does not have them and gets busybox's
# versions: write /sbin/modprobe there, or use a function instead.

for _pvtest_t in modprobe insmod rmmod lsmod modinfo depmod; do
	eval "$_pvtest_t() { /sbin/$_pvtest_t \"\$@\"; }"
done
unset _pvtest_t

PVTEST_RESULTS=/run/pvtest.results
PVTEST_OUT=/run/pvtest.out
MDEV_LOG=/dev/mdev.log
PVTEST_CONSOLE=/dev/console
[ -w "$PVTEST_CONSOLE" ] || PVTEST_CONSOLE=/proc/self/fd/1

# One write() per line, to the console even when the caller redirects stdout.
_pvtest_say() { printf '%s\n' "$*" >>"$PVTEST_CONSOLE"; }
_pvtest_name() { # no fork for the usual names
	case $1 in
	*[!A-Za-z0-9_.,+=@%/-]* | "") printf '%s' "${1:-unnamed}" | tr -s ' \t\r\n:' '_____' ;;
	*) printf '%s' "$1" ;;
	esac
}
_pvtest_flat() { printf '%s' "$*" | tr '\r\n\t' '   ' | tr -s ' ' | cut -c1-400; }

pass() {
	echo P >>"$PVTEST_RESULTS"
	_pvtest_say "PVTEST PASS $(_pvtest_name "$1")"
	return 0
}

fail() {
	local n="$1"
	shift
	echo F >>"$PVTEST_RESULTS"
	_pvtest_say "PVTEST FAIL $(_pvtest_name "$n"): $(_pvtest_flat "${*:-failed}")"
	return 0
}

note() { _pvtest_say "PVTEST NOTE $(_pvtest_flat "$*")"; }

# _pvtest_tail: the last lines of the captured output, joined with " | ".
_pvtest_tail() { tail -n 4 "$PVTEST_OUT" 2>/dev/null | tr '\r\n' ' |' | sed 's/|$//; s/|/ | /g'; }

check() {
	local n="$1" rc
	shift
	"$@" >"$PVTEST_OUT" 2>&1 </dev/null
	rc=$?
	if [ $rc -eq 0 ]; then
		pass "$n"
		return 0
	fi
	fail "$n" "'$*' exited $rc: $(_pvtest_tail)"
	return 1
}

check_fails() {
	local n="$1" rc
	shift
	"$@" >"$PVTEST_OUT" 2>&1 </dev/null
	rc=$?
	if [ $rc -ne 0 ]; then
		pass "$n"
		return 0
	fi
	fail "$n" "'$*' succeeded but should have failed: $(_pvtest_tail)"
	return 1
}

# _pvtest_now: uptime in centiseconds into _pvtest_t, without a fork ("1"
# prefix: a fraction like "08" is not octal); _pvtest_cs prints it.
_pvtest_now() { local u; read -r u _ </proc/uptime; _pvtest_t=$((${u%.*} * 100 + 1${u#*.} - 100)); }
_pvtest_cs() { _pvtest_now; echo "$_pvtest_t"; }

wait_for() {
	local end
	_pvtest_now
	end=$((_pvtest_t + ${1:?wait_for SECONDS CMD...} * ${PVTEST_SLOW:-1} * 100))
	shift
	while :; do
		"$@" && return 0
		_pvtest_now
		[ "$_pvtest_t" -ge "$end" ] && return 1
		sleep 0.1
	done
}

dmesg_mark() { echo "<6>pvtest-mark: ${1:-default}" >/dev/kmsg; }

dmesg_since_mark() {
	dmesg | awk -v m="pvtest-mark: ${1:-default}" '
		index($0, m) && substr($0, index($0, m) + length(m)) == "" { n = 0; delete l; next }
		{ l[n++] = $0 }
		END { for (i = 0; i < n; i++) print l[i] }'
}

dmesg_has() { dmesg | grep -qE -- "$1"; }

# Same signatures as the host side (scripts/vm-run.sh).
PVTEST_CRASH_RE='Kernel panic|Oops[:#]|(^|\] )BUG:|kernel BUG at|(^|\] )WARNING:|general protection fault|KASAN:|UBSAN:|KFENCE:|ODEBUG:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|WARNING: possible|bad unlock balance|held lock freed|lock held when returning|BUG [^ ]+ \((Not tainted|Tainted: [^)]*)\): |Call Trace:|segfault at|blocked for more than|detected stalls|suspected memory leak'
dmesg_crashes() { dmesg_since_mark "$@" | grep -E "$PVTEST_CRASH_RE"; }

check_dmesg_clean() {
	local n="$1" found
	shift
	found=$(dmesg_crashes "$@" | head -n 3)
	if [ -z "$found" ]; then
		pass "$n"
		return 0
	fi
	fail "$n" "kernel log: $found"
	return 1
}

# --- kmemleak (the debug kernel) ---------------------------------------------
# The leaks worth finding show up once a module is gone: its data no longer
# points at what it allocated. By then kallsyms has forgotten the module, and
# a backtrace frame in it is a bare address; tests/debug/pvtest_modmap.ko
# (loaded first by /init with pvtest_kmemleak=1) records where every module
# was loaded (/sys/kernel/debug/pvtest_modmap: "pvtest-modmap: NAME core BASE
# SIZE init BASE SIZE" lines), and a frame
# inside a pv_* module's range, or naming a loaded pv_* module, makes the
# object the project's. The whole report goes to the console between
# PVTEST-KMEMLEAK-BEGIN and -END (the host does not scan it for crash
# signatures); other unreferenced objects (the kernel's own, the harness's)
# are counted in a NOTE only.
_pvtest_kmemleak_awk='
function hx(s,   i, v) {
	v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
function range(nm, base, size) {
	if (size + 0 == 0 || length(base) != 16) return
	rn[nr] = nm; rh[nr] = substr(base, 1, 8); rl[nr] = hx(substr(base, 9)); re[nr] = rl[nr] + size; nr++
}
function flush() {
	if (obj == "") return
	total++
	if (ours) {
		nours++
		if (first == "") first = obj "; " comm "; backtrace: " (ofr > 1 ? fr[ofr - 1] " | " : "") fr[ofr] rest
	}
	obj = ""
}
BEGIN { nr = 0; total = 0; nours = 0 }
FNR == NR {
	for (i = 1; i <= NF; i++) if ($i == "pvtest-modmap:") break
	if (i < NF && $(i + 1) ~ /^pv_/) { range($(i + 1), $(i + 3), $(i + 4)); range($(i + 1) "(init)", $(i + 6), $(i + 7)) }
	next
}
/^unreferenced object / { flush(); obj = $0; sub(/:$/, "", obj); comm = ""; ours = 0; nfr = 0; ofr = 0; rest = ""; next }
/^  comm / { comm = $0; sub(/^ +/, "", comm); sub(/ \(age [^)]*\)$/, "", comm); next }
/^    \[</ {
	f = $0; sub(/^ *\[<[0-9a-fx]+>\] /, "", f)
	hit = (f ~ /\[pv_[a-z0-9_]+\]$/)
	if (!hit && f ~ /^0x[0-9a-f]+$/ && length(f) == 18) {
		h = substr(f, 3, 8); l = hx(substr(f, 11))
		for (k = 0; k < nr; k++)
			if (h == rh[k] && l >= rl[k] && l < re[k]) { f = f " (" rn[k] "+0x" sprintf("%x", l - rl[k]) ")"; hit = 1; break }
	}
	fr[++nfr] = f
	if (hit && !ours) { ours = 1; ofr = nfr }
	else if (ours && nfr <= ofr + 3) rest = rest " | " f
	next
}
END { flush(); printf "%d %d %s\n", total, nours, first }'

kmemleak_check() {
	local n="${1:-kmemleak_clean}" f=/sys/kernel/debug/kmemleak total ours first res
	if [ ! -e "$f" ]; then
		fail "$n" "no $f: kmemleak is off or debugfs is not mounted"
		return 1
	fi
	# kmemleak reports objects older than 5 s only. A scan takes ~10-30 s
	# on this kernel: one, and if it blames the project a second, 1 s
	# later (the file then lists what both found unreferenced: a pointer
	# only in flight during the first scan does not make a leak).
	sleep 5
	cat /sys/kernel/debug/pvtest_modmap >/run/modmap.txt 2>/dev/null
	for _pvtest_t in 1 2; do
		if ! echo scan 2>/dev/null >"$f"; then
			fail "$n" "echo scan >$f failed: $(dmesg | grep -i kmemleak | tail -n 2)"
			return 1
		fi
		cat "$f" >/run/kmemleak.txt 2>&1
		res=$(awk "$_pvtest_kmemleak_awk" /run/modmap.txt /run/kmemleak.txt)
		total=${res%% *}
		res=${res#* }
		ours=${res%% *}
		first=${res#* }
		[ "${ours:-0}" -gt 0 ] || break
		sleep 1
	done
	if [ "${total:-0}" -gt 0 ]; then
		_pvtest_say "PVTEST-KMEMLEAK-BEGIN"
		head -n 600 /run/kmemleak.txt >>"$PVTEST_CONSOLE"
		_pvtest_say "PVTEST-KMEMLEAK-END"
	fi
	if [ "${ours:-0}" -gt 0 ]; then
		fail "$n" "$ours of $total unreferenced objects allocated by the project's modules; first: $first"
		return 1
	fi
	pass "$n"
	[ "${total:-0}" -gt 0 ] &&
		note "kmemleak: $total unreferenced object(s), none from the project's modules (report in the log)"
	return 0
}

# --- mdev --------------------------------------------------------------------
# Debian's stock kernel has no CONFIG_UEVENT_HELPER (no /proc/sys/kernel/hotplug),
# so mdev runs as a netlink daemon ("mdev -d"); coldplug is done by replaying
# "add" for every device that has a modalias and no driver yet.
mdev_start() {
	: >"$MDEV_LOG"
	: >/run/mdev.settle
	cat >/etc/mdev.conf <<'EOF'
# synthetic uevent sent by mdev_settle: the daemon has reached it
$SYNTH_ARG_PVSETTLE=.* 0:0 0666 @echo "$SYNTH_ARG_PVSETTLE" >>/run/mdev.settle
# load the module for a device's alias, and log what was run
$MODALIAS=.* 0:0 0660 @echo "modprobe -b $MODALIAS" >>/dev/mdev.log; /sbin/modprobe -bv "$MODALIAS" >>/dev/mdev.log 2>&1; echo "  exit $?" >>/dev/mdev.log
EOF
	[ -w /proc/sys/kernel/hotplug ] && : >/proc/sys/kernel/hotplug
	# -d forks only once its netlink socket is open: no uevent is missed.
	mdev -d || { MDEV_ERR="mdev -d failed"; return 1; }
	mdev_coldplug
	mdev_settle || { MDEV_ERR="mdev did not settle"; return 1; }
}

# Replay "add" for devices on a bus that have no driver and whose modalias
# matches an alias of a module in the initramfs (matching them here saves a
# modprobe per device). Only shell builtins in the loop: a fork costs ~10 ms
# under TCG, ~140 ms with the KASAN kernel, and "find /sys" seconds.
mdev_coldplug() {
	local d a
	for d in /sys/bus/*/devices/*; do
		[ -e "$d/driver" ] && continue
		[ -r "$d/modalias" ] || continue
		read -r a <"$d/modalias" 2>/dev/null && echo "$d $a"
	done | awk -v aliases="/lib/modules/$(uname -r)/modules.alias" '
		BEGIN {
			while ((getline l < aliases) > 0) {
				split(l, w, " ")
				if (w[1] != "alias") continue
				p = w[2]
				gsub(/[.+(){}|^$\\]/, "\\\\&", p)
				gsub(/\*/, ".*", p)
				gsub(/\?/, ".", p)
				re[n++] = "^" p "$"
			}
		}
		{ for (i = 0; i < n; i++) if ($2 ~ re[i]) { print $1; break } }' |
	while read -r d; do
		echo add >"$d/uevent"
	done 2>/dev/null
}

# _pvtest_count FILE [LINE]: sets _pvtest_n to the number of lines of FILE
# (equal to LINE, if given), with builtins only.
_pvtest_count() {
	local l
	_pvtest_n=0
	while IFS= read -r l; do
		[ $# -lt 2 ] || [ "$l" = "$2" ] && _pvtest_n=$((_pvtest_n + 1))
	done <"$1"
}
_pvtest_settled() { _pvtest_count /run/mdev.settle "$1"; [ "$_pvtest_n" -gt 0 ]; }

mdev_settle() {
	local round=0 before tok
	while [ $round -lt 20 ]; do
		round=$((round + 1))
		_pvtest_count "$MDEV_LOG"
		before=$_pvtest_n
		# The kernel takes only letters and digits in a synthetic uevent's values.
		tok=t$(_pvtest_cs)r${RANDOM}n$round
		echo "add 00000000-0000-4000-8000-000000000000 PVSETTLE=$tok" \
			>/sys/devices/virtual/mem/null/uevent || return 1
		wait_for 20 _pvtest_settled "$tok" || return 1
		# Stop when a round loaded nothing new (a loaded module may add
		# devices whose own uevents came after the marker).
		_pvtest_count "$MDEV_LOG"
		[ "$_pvtest_n" = "$before" ] && return 0
	done
	return 1
}
