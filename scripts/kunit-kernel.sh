#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/kunit-kernel.sh [--config FRAGMENT]: build (once) and print the path
# of a kernel made from Debian's linux-source-6.1 and a config fragment: by
# default the KUnit kernel (tests/kunit/kunit.config); scripts/debug-kernel.sh
# passes tests/debug/debug.config for the debug kernel of the VM scenarios.
#
#   dir=$(scripts/kunit-kernel.sh | tail -n1)
#   make KDIR="$dir" tests                       # our modules, against it
#   qemu-system-x86_64 -kernel "$dir/arch/x86/boot/bzImage" ...
#
# The build directory is $PV_CACHE/kunit/build-<key>, where <key> hashes what
# goes into it: the linux-source-6.1 package version, the compiler, the config
# fragment (--config, else $PV_KUNIT_CONFIG, else tests/kunit/kunit.config)
# and this script. The same inputs a second time only print the path. The
# directory is a full O= build: usable as KDIR for out-of-tree modules
# (Module.symvers, scripts) and for "make modules_install INSTALL_MOD_PATH=".
#
# Locks: the unpacked source ($PV_CACHE/kunit/src-VERSION) is shared by all
# builds and unpacked under $PV_CACHE/kunit/.lock; each build directory has
# its own lock (build-<key>.lock), so two fragments build at the same time and
# a second build of the same key waits for the first, then reuses it.
# Pruning takes .lock only if it is free, and prunes builds of its own
# fragment only.
#
# The config is allnoconfig plus the fragment (merge_config.sh -n); the build
# fails when any option the fragment names did not end up with the value the
# fragment gives it in the final .config.
#
# stdout carries only the build directory (the last line); progress goes to
# stderr, the build's own output to $PV_CACHE/kunit/build-<key>.log, whose tail
# is printed when something fails.
#
# Environment:
#   PV_KUNIT_CONFIG  config fragment (default tests/kunit/kunit.config);
#                    --config FRAGMENT overrides it
#   PV_KUNIT_KEEP    build directories of this fragment to keep, this one
#                    included (default 3)
#   PV_KUNIT_JOBS    make -j (default: nproc)
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

frag=${PV_KUNIT_CONFIG:-$PV_TOP/tests/kunit/kunit.config}
while [ $# -gt 0 ]; do
	case $1 in
	--config) frag=${2:?--config FRAGMENT}; shift 2 ;;
	*) pv_die "usage: $0 [--config FRAGMENT]" ;;
	esac
done

SRC_PKG=linux-source-6.1
SRC_TAR=/usr/src/linux-source-6.1.tar.xz
FRAG=$(realpath "$frag")
SELF=$(realpath "${BASH_SOURCE[0]}")
JOBS=${PV_KUNIT_JOBS:-$(nproc)}
KEEP=${PV_KUNIT_KEEP:-3}
KROOT=$PV_CACHE/kunit
STAMP_NAME=.pv-kunit-built

[ -f "$FRAG" ] || pv_die "config fragment $FRAG not found"

pv_need "$SRC_PKG" gcc make bc flex bison libelf-dev libssl-dev xz-utils cpio kmod
[ -f "$SRC_TAR" ] || pv_die "$SRC_TAR missing although $SRC_PKG is installed"

SRC_VER=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
CC_VER=$(gcc --version | head -n1)
KEY=$(pv_hash <(printf '%s\n%s\n' "$SRC_VER" "$CC_VER") "$FRAG" "$SELF")
B=$KROOT/build-$KEY
LOG=$KROOT/build-$KEY.log
SRC_DIR=$KROOT/src-$SRC_VER
SRC=$SRC_DIR/linux-source-6.1

# Fast path: the stamp is written last, after a successful build, so seeing
# it without the lock is safe.
if [ -f "$B/$STAMP_NAME" ]; then
	touch "$B/$STAMP_NAME"		# "recently used", for pruning
	echo "$B"
	exit 0
fi

mkdir -p "$KROOT"
# lock FD FILE: an exclusive lock on FILE through FD, waiting if need be.
lock() {
	eval "exec $1>\"\$2\""
	if ! flock -n "$1"; then
		pv_log "another kunit-kernel.sh holds $2; waiting"
		flock -w "${PV_KUNIT_LOCK_WAIT:-7200}" "$1" || pv_die "timed out waiting for $2"
	fi
}
lock 8 "$B.lock"
if [ -f "$B/$STAMP_NAME" ]; then	# built while we waited
	echo "$B"
	exit 0
fi

: >"$LOG"
fail() {
	pv_log "error: $*; last lines of $LOG:"
	tail -n 40 "$LOG" >&2
	exit 1
}
# run CMD...: run with all output in $LOG.
run() {
	printf '\n$ %s\n' "$*" >>"$LOG"
	"$@" >>"$LOG" 2>&1
}

# -- Source: unpacked once per package version, never built in (O= only).
# .unpacked is written last: seeing it without .lock is safe.
[ -f "$SRC_DIR/.unpacked" ] || lock 9 "$KROOT/.lock"
if [ ! -f "$SRC_DIR/.unpacked" ]; then
	pv_log "unpacking $SRC_TAR ($SRC_PKG $SRC_VER)"
	rm -rf "$SRC_DIR" "$SRC_DIR.tmp"
	mkdir -p "$SRC_DIR.tmp"
	run tar -xJf "$SRC_TAR" -C "$SRC_DIR.tmp" || fail "unpacking $SRC_TAR failed"
	[ -f "$SRC_DIR.tmp/linux-source-6.1/Makefile" ] || fail "unexpected layout in $SRC_TAR"
	mv "$SRC_DIR.tmp" "$SRC_DIR"
	echo "$SRC_VER" >"$SRC_DIR/.unpacked"
fi
exec 9>&-

# -- Config: allnoconfig + fragment, then check every requested value.
start=$(date +%s)
pv_log "configuring $B (log: $LOG)"
mkdir -p "$B"
# merge_config.sh makes its temporary files in the current directory.
(cd "$SRC" && run scripts/kconfig/merge_config.sh -n -O "$B" "$FRAG") ||
	fail "merge_config.sh failed"

missing=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF -- "$line" "$B/.config" ||
			missing+=("$line (final: $(grep -E "^(# )?${line%%=*}[= ]" "$B/.config" || echo absent))")
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if grep -qE "^$sym=" "$B/.config"; then
			missing+=("$line (final: $(grep -E "^$sym=" "$B/.config"))")
		fi
		;;
	esac
done <"$FRAG"
if [ ${#missing[@]} -ne 0 ]; then
	pv_log "error: options from $FRAG that did not stick:"
	printf '  %s\n' "${missing[@]}" >&2
	grep -A2 'not in final' "$LOG" >&2 || true
	exit 1
fi

# -- Build.
pv_log "building bzImage and modules with -j$JOBS (takes a while)"
run make -C "$SRC" O="$B" -j"$JOBS" bzImage modules || fail "kernel build failed"
for f in arch/x86/boot/bzImage Module.symvers scripts/mod/modpost scripts/basic/fixdep; do
	[ -e "$B/$f" ] || fail "$B/$f missing after the build"
done
# What the project's modules link against, where the fragment enables it.
has() { grep -qx "CONFIG_$1=y" "$B/.config"; }
if has KUNIT; then
	grep -qw kunit_do_failed_assertion "$B/Module.symvers" ||
		fail "Module.symvers does not export KUnit"
fi
if has XEN_XENBUS_FRONTEND; then
	grep -qw __xenbus_register_frontend "$B/Module.symvers" ||
		fail "Module.symvers does not export the xenbus frontend"
fi

# -- Check it works as KDIR: an out-of-tree module (a KUnit one if the
# kernel has KUnit) must build.
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
if has KUNIT; then
	cat >"$t/pv_kdir_check.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <kunit/test.h>
#include <linux/module.h>
static void pv_kdir_check_case(struct kunit *test) { KUNIT_EXPECT_EQ(test, 1, 1); }
static struct kunit_case pv_kdir_check_cases[] = { KUNIT_CASE(pv_kdir_check_case), {} };
static struct kunit_suite pv_kdir_check_suite = { .name = "pv_kdir_check", .test_cases = pv_kdir_check_cases };
kunit_test_suite(pv_kdir_check_suite);
MODULE_LICENSE("GPL");
EOF
else
	cat >"$t/pv_kdir_check.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
static int __init pv_kdir_check_init(void) { return 0; }
module_init(pv_kdir_check_init);
MODULE_LICENSE("GPL");
EOF
fi
echo 'obj-m := pv_kdir_check.o' >"$t/Kbuild"
run make -C "$B" M="$t" modules || fail "an out-of-tree module does not build against $B"
[ -f "$t/pv_kdir_check.ko" ] || fail "out-of-tree check module missing"

{
	echo "key=$KEY"
	echo "source=$SRC_PKG $SRC_VER"
	echo "cc=$CC_VER"
	echo "fragment=$FRAG"
	echo "release=$(cat "$B/include/config/kernel.release")"
	echo "built=$(date -u +%FT%TZ) in $(($(date +%s) - start))s"
} >"$B/$STAMP_NAME"
pv_log "built $(cat "$B/include/config/kernel.release") in $(($(date +%s) - start))s"

# -- Prune: keep the $KEEP most recently used builds of this fragment, and
# the unpacked sources that some build still points at. Only when .lock is
# free (whoever holds it is unpacking, or pruning itself: skipping is
# harmless), and only builds whose own lock is free.
exec 9>"$KROOT/.lock"
if ! flock -n 9; then
	echo "$B"
	exit 0
fi
ls -1dt "$KROOT"/build-*/"$STAMP_NAME" 2>/dev/null |
	while IFS= read -r s; do
		if grep -qxF "fragment=$FRAG" "$s"; then echo "$s"; fi
	done | tail -n +$((KEEP + 1)) |
	while IFS= read -r s; do
		old=$(dirname "$s")
		[ "$old" = "$B" ] && continue
		( flock -n 7 || exit 0
		  pv_log "pruning old build $old"
		  rm -rf "$old" "$old.log" ) 7>"$old.lock"
		[ -d "$old" ] || rm -f "$old.lock"
	done
for d in "$KROOT"/src-*; do
	[ -d "$d" ] && [ "$d" != "$SRC_DIR" ] || continue
	v=${d#"$KROOT"/src-}
	grep -qxF "source=$SRC_PKG $v" "$KROOT"/build-*/"$STAMP_NAME" 2>/dev/null && continue
	pv_log "pruning unused source $d"
	rm -rf "$d"
done

echo "$B"
