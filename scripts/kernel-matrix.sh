#!/bin/bash
# kernel-matrix.sh [-l] [TARGET...]: run `make check` (W=1 + sparse, test
# modules included) against the Debian kernel headers of several releases,
# each inside a debootstrap chroot of the release whose kbuild tools match.
#
#   TARGET   6.1     bookworm, linux-headers-amd64 (+ bookworm-security)
#            6.12    bookworm-backports headers in a bookworm chroot
#            5.10    bullseye
#            trixie  trixie (6.12 as a stable release)
#            sid     unstable
#            all     every target above
#            Default: 6.1 6.12
#   -l       list the targets and their cached chroots, then exit
#
# Prints one line per target, "matrix T (KVER): make check clean" or
# "matrix T (KVER): FAILED" followed by the warnings, and exits non-zero if
# any target failed. Logs in $PV_OUT/matrix: T.log (versions, probe.sh
# flags, the whole make check), T.w1.log and T.sparse.log (its two passes),
# chroot-NAME.log (debootstrap, apt).
#
# Chroots are cached as $PV_CACHE/chroot/NAME-KEY, KEY hashing the suites,
# the mirror, the package list and this script's chroot-building functions;
# NAME-KEY/etc/pv-matrix.stamp marks one complete. They are refreshed
# (apt-get update, then install if the mirror's headers are newer) when the
# stamp is older than PV_REFRESH_HOURS (24); PV_REFRESH=1 forces a refresh,
# PV_REFRESH=0 never refreshes. The apt mirror is the host's (read from
# /etc/apt/sources.list{,.d}); PV_MIRROR and PV_SECURITY_MIRROR override it.
# PV_APT_IGNORE_EXPIRED=1 accepts Release files past their Valid-Until (a
# mirror frozen at a snapshot date; signatures are still checked).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

MX_DIR=$PV_CACHE/chroot
MX_LOGS=$PV_OUT/matrix
# Tools every chroot gets; the headers metapackage comes on top of these.
MX_TOOLS="make gcc sparse libc6-dev rsync"
MX_HEADERS=linux-headers-amd64
MX_SRC=/src/pv-drivers
MX_DEFAULT="6.1 6.12"
MX_ALL="6.1 6.12 5.10 trixie sid"
# A mirror that is a frozen snapshot serves Release files past their
# Valid-Until (sid, the -security suites); apt refuses them unless told to.
MX_APT_UPDATE_OPTS=
[ "${PV_APT_IGNORE_EXPIRED:-0}" = 0 ] ||
	MX_APT_UPDATE_OPTS="-o Acquire::Check-Valid-Until=false"

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

# mx_target T: set the chroot name, its debootstrap suite, every apt suite
# it uses (main archive / security archive) and the release the headers
# come from (-t, empty for the default).
mx_target() {
	case $1 in
	6.1)	name=bookworm suite=bookworm rel=''
		main_suites="bookworm bookworm-updates" sec_suites=bookworm-security ;;
	6.12)	name=bookworm-bpo suite=bookworm rel=bookworm-backports
		main_suites="bookworm bookworm-updates bookworm-backports"
		sec_suites=bookworm-security ;;
	5.10)	name=bullseye suite=bullseye rel=''
		main_suites="bullseye bullseye-updates" sec_suites=bullseye-security ;;
	trixie)	name=trixie suite=trixie rel=''
		main_suites="trixie trixie-updates" sec_suites=trixie-security ;;
	sid)	name=sid suite=sid rel='' main_suites=sid sec_suites='' ;;
	*)	return 1 ;;
	esac
}

# mx_host_mirrors: set MIRROR and SECURITY_MIRROR from the host's apt
# sources: the URIs that serve the host's own release and its -security
# suite (deb822 *.sources and one-line *.list alike).
mx_host_mirrors() {
	local codename pairs
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	pairs=$({
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk 'BEGIN { RS = "" }
			{
				types = uris = suites = ""; enabled = "yes"
				n = split($0, l, "\n")
				for (i = 1; i <= n; i++) {
					if (l[i] ~ /^[ \t]*#/) continue
					if (match(l[i], /^[A-Za-z-]+:/)) {
						k = tolower(substr(l[i], 1, RLENGTH - 1))
						v = substr(l[i], RLENGTH + 1)
						if (k == "types") types = v
						else if (k == "uris") uris = v
						else if (k == "suites") suites = v
						else if (k == "enabled") enabled = v
					}
				}
				if (types !~ /(^|[ \t])deb([ \t]|$)/ || enabled ~ /no/) next
				nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
				for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++)
					if (u[a] != "" && s[b] != "") print u[a], s[b]
			}' "$f"
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			sed -E 's/#.*//; s/\[[^]]*\]//' "$f" | awk '$1 == "deb" { print $2, $3 }'
		done
	})
	MIRROR=${PV_MIRROR:-$(awk -v s="$codename" '$2 == s { print $1; exit }' <<<"$pairs")}
	SECURITY_MIRROR=${PV_SECURITY_MIRROR:-$(awk -v s="$codename-security" \
		'$2 == s { print $1; exit }' <<<"$pairs")}
	MIRROR=${MIRROR%/} SECURITY_MIRROR=${SECURITY_MIRROR%/}
	[ -n "$MIRROR" ] || pv_die "no apt source for '$codename' on this host (set PV_MIRROR)"
}

# --- chroot building: these functions are hashed into the cache key ------

# mx_sources_list: the chroot's /etc/apt/sources.list.
mx_sources_list() {
	local s
	for s in $main_suites; do
		echo "deb $MIRROR $s main"
	done
	for s in $sec_suites; do
		[ -n "$SECURITY_MIRROR" ] && echo "deb $SECURITY_MIRROR $s main"
	done
	return 0
}

# mx_in ROOT CMD...: run CMD in the chroot with a clean environment.
mx_in() {
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}

# mx_apt_install ROOT: install (or upgrade to the mirror's version) the
# tools and the headers; the headers come from $rel when it is set.
mx_apt_install() {
	local root=$1
	mx_in "$root" apt-get install -y -q $MX_TOOLS &&
	mx_in "$root" apt-get install -y -q ${rel:+-t "$rel"} $MX_HEADERS &&
	mx_in "$root" apt-get autoremove -y -q --purge &&
	mx_in "$root" apt-get clean
}

# mx_build_chroot ROOT: debootstrap $suite into ROOT and install the
# packages. The caller holds the chroot's lock and unmounts /proc.
mx_build_chroot() {
	local root=$1
	mkdir -p "$PV_CACHE/debootstrap/$suite" &&
	debootstrap --variant=minbase --cache-dir="$PV_CACHE/debootstrap/$suite" \
		"$suite" "$root" "$MIRROR" &&
	mx_sources_list >"$root/etc/apt/sources.list" &&
	printf '%s\n' 'APT::Install-Recommends "false";' \
		'APT::Install-Suggests "false";' 'Acquire::Languages "none";' \
		>"$root/etc/apt/apt.conf.d/90pv-matrix" &&
	mx_mount "$root" &&
	mx_in "$root" apt-get update -q $MX_APT_UPDATE_OPTS &&
	mx_apt_install "$root"
}

# --- end of the hashed part ---------------------------------------------

# mx_mount ROOT: /proc (kbuild and apt want it) and the host's resolver.
mx_mount() {
	mountpoint -q "$1/proc" || mount -t proc proc "$1/proc"
	[ -f /etc/resolv.conf ] && cp -L /etc/resolv.conf "$1/etc/resolv.conf"
	return 0
}

# mx_umount ROOT: unmount everything under ROOT (also what a killed
# debootstrap left behind), deepest first.
mx_umount() {
	local root m
	root=$(realpath -m "$1")
	awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' \
		/proc/self/mountinfo | sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}

# mx_key: the chroot's cache key.
mx_key() {
	{
		echo "$suite|$rel|$MX_TOOLS|$MX_HEADERS"
		mx_sources_list
		declare -f mx_sources_list mx_in mx_apt_install mx_build_chroot
	} | sha256sum | cut -c1-16
}

# mx_prune NAME KEEP: remove NAME's chroots with other keys (left by older
# versions of this script) unless they are in use.
mx_prune() {
	local d fd
	for d in "$MX_DIR/$1"-*; do
		[ -d "$d" ] && [ "$d" != "$2" ] || continue
		[[ ${d#"$MX_DIR/$1"-} =~ ^[0-9a-f]{16}$ ]] || continue
		exec {fd}>>"$d.lock"
		if flock -n "$fd" && ! awk -v r="$d/" 'index($5 "/", r) == 1 { f = 1 }
		    END { exit !f }' /proc/self/mountinfo; then
			pv_log "removing stale chroot $d"
			rm -rf --one-file-system "$d" "$d.lock"
		fi
		exec {fd}>&-
	done
}

# mx_refresh ROOT: apt-get update, and install when the mirror's headers
# metapackage is newer than the chroot's (or the tools changed).
mx_refresh() {
	local root=$1 have want
	mx_in "$root" apt-get update -q $MX_APT_UPDATE_OPTS || return 1
	have=$(mx_in "$root" dpkg-query -W -f='${Version}' $MX_HEADERS)
	want=$(mx_in "$root" apt-cache ${rel:+-t "$rel"} policy $MX_HEADERS |
		awk '/Candidate:/ { print $2 }')
	if [ -n "$want" ] && dpkg --compare-versions "$want" gt "$have"; then
		echo "refresh: $MX_HEADERS $have -> $want"
		mx_apt_install "$root" || return 1
	else
		echo "refresh: $MX_HEADERS $have is current"
		# Security updates of the tools come along, cheaply.
		mx_in "$root" apt-get install -y -q $MX_TOOLS || return 1
	fi
}

# mx_warnings LOGDIR: the distinct warning and error lines of a check (the
# assembler's are "Error:" and name a temporary file) and make's lines
# naming the objects that failed.
mx_warnings() {
	cat "$1/.check-w1.log" "$1/.check-sparse.log" 2>/dev/null |
		grep -E 'warning:|[Ee]rror:|\*\*\* \[[^]]*\.o\]' |
		sed -E "s|$MX_SRC/||g; s|/tmp/cc[^ ]*\.s:|<asm>:|" |
		awk '!seen[$0]++' || true
}

# mx_run T: everything for one target, in a subshell of its own (traps and
# the lock are scoped to it). Prints the result line; fails if T failed.
mx_run() {
	local t=$1 name suite rel main_suites sec_suites key root log clog
	local lockfd t0 t1 t2 kver='' src status=0 ver warn missing
	mx_target "$t" || pv_die "unknown target '$t' (try -l)"
	key=$(mx_key)
	root=$MX_DIR/$name-$key
	log=$MX_LOGS/$t.log clog=$MX_LOGS/chroot-$name.log
	mkdir -p "$MX_DIR" "$MX_LOGS"

	exec {lockfd}>>"$root.lock"
	if ! flock -n "$lockfd"; then
		pv_log "$t: waiting for $root.lock"
		flock "$lockfd"
	fi
	# shellcheck disable=SC2064 # $root is expanded now: it is local.
	trap "mx_umount $(printf %q "$root")" EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	: >"$log"

	t0=$(date +%s)
	if [ ! -f "$root/etc/pv-matrix.stamp" ]; then
		pv_log "$t: building chroot $root (log: $clog)"
		mx_umount "$root"
		rm -rf --one-file-system "$root"
		if ! mx_build_chroot "$root" >"$clog" 2>&1; then
			mx_umount "$root"
			mx_prune "$name" "$root"
			echo "FAIL build/$t (?): make check FAILED"
			echo "  chroot $name: build failed, see $clog"
			{ grep -E '^(E|W): ' "$clog" || tail -n5 "$clog"; } | sed 's/^/  /'
			return 1
		fi
		mx_in "$root" dpkg-query -W >"$root/etc/pv-matrix.stamp"
		t1=$(date +%s)
		pv_log "$t: chroot $name built in $((t1 - t0))s (cold)"
		echo "chroot $name: built in $((t1 - t0))s" >>"$log"
		mx_prune "$name" "$root"
	elif [ "${PV_REFRESH:-}" = 1 ] || { [ "${PV_REFRESH:-}" != 0 ] &&
		[ -n "$(find "$root/etc/pv-matrix.stamp" \
			-mmin +$((${PV_REFRESH_HOURS:-24} * 60)))" ]; }; then
		mx_mount "$root"
		if mx_refresh "$root" >>"$clog" 2>&1; then
			mx_in "$root" dpkg-query -W >"$root/etc/pv-matrix.stamp"
			grep '^refresh:' "$clog" | tail -n1 >>"$log" || true
		else
			pv_log "$t: refresh failed (see $clog); using the cached headers"
			echo "refresh failed, cached headers used" >>"$log"
		fi
		t1=$(date +%s)
		pv_log "$t: chroot $name refreshed in $((t1 - t0))s"
	else
		t1=$t0
	fi

	mx_mount "$root"
	kver=$(mx_in "$root" dpkg-query -W -f='${Depends}' $MX_HEADERS |
		grep -o 'linux-headers-[0-9][^ ,]*' | head -n1) || true
	kver=${kver#linux-headers-}
	# Paths under /lib/modules are absolute symlinks: resolve them inside.
	if [ -z "$kver" ] || ! mx_in "$root" test -f "/lib/modules/$kver/build/Makefile"; then
		echo "FAIL build/$t (${kver:-?}): make check FAILED"
		echo "  no /lib/modules/${kver:-?}/build in $root"
		return 1
	fi
	# The headers' common directory (what kbuild's $(srctree) is).
	src=$(mx_in "$root" readlink -e "/lib/modules/$kver/source") ||
		src=$(mx_in "$root" sed -n 's|^include \(/.*\)/Makefile$|\1|p' \
			"/lib/modules/$kver/build/Makefile" | head -n1) || true
	src=${src:-/lib/modules/$kver/build}

	mkdir -p "$root$MX_SRC"
	rsync -a --delete --exclude=.git --exclude-from="$PV_TOP/.gitignore" \
		"$PV_TOP/" "$root$MX_SRC/"
	ver=$("$PV_TOP/scripts/version.sh")
	{
		echo "target $t: $suite${rel:+ -t $rel}, kernel $kver, srctree $src"
		mx_in "$root" dpkg-query -W $MX_HEADERS "linux-headers-$kver" gcc sparse make |
			sed 's/^/  /'
		echo "probe.sh $src:"
		mx_in "$root" sh "$MX_SRC/modules/compat/probe.sh" "$src" | sed 's/^/  /'
		echo "---- make check"
	} >>"$log" 2>&1
	# No -j: the check recipe runs $(KMAKE), which make does not see as a
	# recursive make, so the sub-makes would warn "jobserver unavailable".
	# PV_ABI_CHECK=0: the pv ABI is checked once, by scripts/test's abi
	# phase against the stock kernel; the chroots carry no libabigail.
	mx_in "$root" make -C "$MX_SRC" KDIR="/lib/modules/$kver/build" \
		PV_VERSION="$ver" PV_ABI_CHECK=0 check >>"$log" 2>&1 || status=$?
	t2=$(date +%s)
	echo "---- make check: exit $status, $((t2 - t1))s" >>"$log"
	cp "$root$MX_SRC/.check-w1.log" "$MX_LOGS/$t.w1.log" 2>/dev/null || true
	cp "$root$MX_SRC/.check-sparse.log" "$MX_LOGS/$t.sparse.log" 2>/dev/null || true

	warn=$(mx_warnings "$root$MX_SRC")
	# `make check` pipes each build into tee, so a build that stops
	# without a warning: or error: line would read as clean: also
	# require every module kbuild listed in modules.order to exist.
	missing=$(mx_missing "$root$MX_SRC")
	pv_log "$t: make check $([ -z "$warn$missing" ] && echo clean || echo FAILED)" \
		"in $((t2 - t1))s (total $((t2 - t0))s)"
	if [ -z "$warn$missing" ] && [ "$status" -eq 0 ]; then
		echo "PASS build/$t ($kver): make check clean"
		return 0
	fi
	echo "FAIL build/$t ($kver): make check FAILED"
	[ "$status" -eq 0 ] || warn+=$'\n'"make check exited $status"
	printf '%s\n' "$warn" "$missing" | sed '/^$/d; s/^/  /'
	return 1
}

# mx_missing DIR: modules listed in DIR/modules.order that were not built.
mx_missing() {
	local m
	[ -s "$1/modules.order" ] || { echo "no modules.order: nothing built"; return; }
	while read -r m; do
		case $m in /*) m=${m#"$MX_SRC"/} ;; esac
		m=${m%.o} m=${m%.ko}
		[ -f "$1/$m.ko" ] || echo "not built: $m.ko"
	done <"$1/modules.order"
}

mx_list() {
	local t name suite rel main_suites sec_suites root
	for t in $MX_ALL; do
		mx_target "$t"
		root=$MX_DIR/$name-$(mx_key)
		printf '%-7s %-9s%-22s %s\n' "$t" "$suite" "${rel:+ -t $rel}" \
			"$([ -f "$root/etc/pv-matrix.stamp" ] && echo "$root" || echo "(not built)")"
	done
}

targets=()
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	-l) list=1 ;;
	all) read -ra targets <<<"$MX_ALL" ;;
	-*) echo "unknown option '$1' (-h for help)" >&2; exit 2 ;;
	*) mx_target "$1" || { echo "unknown target '$1' (-h for help)" >&2; exit 2; }
	   targets+=("$1") ;;
	esac
	shift
done
[ ${#targets[@]} -gt 0 ] || read -ra targets <<<"$MX_DEFAULT"

[ "$(id -u)" = 0 ] || pv_die "needs root (debootstrap, chroot, mount)"
mx_host_mirrors
if [ -n "${list:-}" ]; then
	mx_list
	exit 0
fi
pv_need debootstrap rsync
pv_log "mirror $MIRROR${SECURITY_MIRROR:+, security $SECURITY_MIRROR}; targets: ${targets[*]}"

# Each target runs in a subshell of its own process group (set -m), so an
# interrupt stops the whole target (make, apt, debootstrap inside the
# chroot) and its EXIT trap unmounts /proc before this script exits.
mx_stop() {
	pv_log "interrupted"
	if [ -n "${child:-}" ]; then
		kill -TERM -- "-$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	exit "$1"
}
trap 'mx_stop 130' INT
trap 'mx_stop 143' TERM
set -m
failed=0
for t in "${targets[@]}"; do
	(set -e; mx_run "$t") </dev/null &
	child=$!
	rc=0
	wait "$child" || rc=$?
	child=
	[ $rc -eq 0 ] || failed=1
done
exit $failed
