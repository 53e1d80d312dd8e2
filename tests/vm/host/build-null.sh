#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-null.sh IMAGE: build examples/pv_null the way a vendor builds a
# backend outside the tree, and write pv_null.ko to IMAGE, a tar archive
# the guest reads as a raw disk (tar -xf /dev/vda), with build.txt (how it
# was built) next to it.
#
# This tree's modules are built as tests/vm/run.sh builds them for
# "#@ extra: project" (scripts/build-modules.sh, or $PV_BUILD_MODULES), so
# the pv_core in the guest is the one whose Module.symvers pv_null is
# linked against. pv_null itself is built from a copy of examples/pv_null
# outside that tree, with only its own Makefile and Kbuild, and
# PV_TREE=<that build> (KBUILD_EXTRA_SYMBOLS=<build>/Module.symvers,
# -I<build>/include).
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/lib.sh"

image=${1:?usage: build-null.sh IMAGE}
kver=$(pv_stock_kver)
kdir=/lib/modules/$kver/build
bm=${PV_BUILD_MODULES:-$top/scripts/build-modules.sh}

tree=$("$bm" "$kdir" | tail -n 1)
[ -f "$tree/Module.symvers" ] || pv_die "$bm built no Module.symvers in '$tree'"
grep -q '[[:space:]]__pv_hypervisor_register[[:space:]]' "$tree/Module.symvers" ||
	pv_die "$tree/Module.symvers lacks pv_core's exports"

work=$(dirname "$image")/pv_null-build
rm -rf "$work"
mkdir -p "$work/src" "$work/ko"
cp -a "$top/examples/pv_null/." "$work/src/"
make -C "$work/src" KDIR="$kdir" PV_TREE="$tree" >"$work/build.log" 2>&1 ||
	{ tail -20 "$work/build.log" >&2; pv_die "examples/pv_null does not build against $tree"; }
# Diagnostics in a reference backend are defects too.
if grep -iE 'warning:|error:' "$work/build.log" >&2; then
	pv_die "examples/pv_null builds with diagnostics (above)"
fi
cp "$work/src/pv_null.ko" "$work/ko/"
{
	echo "kernel $kver"
	echo "make -C examples/pv_null KDIR=$kdir PV_TREE=$tree"
	grep -o 'KBUILD_EXTRA_SYMBOLS=[^ ]*' "$work/build.log" | head -n 1
	echo "pv_core: $(grep -c PV_CORE "$tree/Module.symvers") exports in its Module.symvers"
} >"$work/ko/build.txt"
tar -C "$work/ko" -cf "$image" .
cat "$work/ko/build.txt"
