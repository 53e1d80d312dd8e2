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
#                              or SECONDS elapse (status 1); not a check itself:
#                              use "check NAME wait_for 5 test -b /dev/sda"
#   dmesg_mark [TAG]           put a marker into the kernel log
#   dmesg_since_mark [TAG]     print the kernel log after the latest marker
#                              (all of it if there is no such marker)
#   dmesg_has REGEX            status 0 if the kernel log has a line matching
#                              REGEX (grep -E; a plain string works too)
#   dmesg_crashes [TAG]        print crash signatures (Oops, BUG:, WARNING:, ...)
#                              logged since the marker; status 0 if there are any
#   check_dmesg_clean NAME [TAG]  fail if dmesg_crashes finds something
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
	end=$((_pvtest_t + ${1:?wait_for SECONDS CMD...} * 100))
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
PVTEST_CRASH_RE='Kernel panic|Oops[:#]|(^|\] )BUG:|kernel BUG at|(^|\] )WARNING:|general protection fault|KASAN:|UBSAN:|KFENCE:|Call Trace:|segfault at|blocked for more than|detected stalls|suspected memory leak'
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
