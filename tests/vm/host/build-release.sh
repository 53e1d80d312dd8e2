#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-release.sh VERSION IMAGE: build release VERSION's modules from git
# for Debian's stock kernel, and write them to IMAGE, a tar archive the
# guest reads as a raw disk (tar -xf /dev/vda), with two more members:
# release.abi (VERSION's pv ABI, "M.n") and tree.abi (this tree's).
#
# The release commit is the one that set the VERSION file to VERSION (the
# convention of docs/pv-abi.md: a release is the commit that bumps
# VERSION), found by content rather than by tag or hash, so that the
# lookup survives a history that was rebased or fetched without tags.
# Built modules are cached in $PV_CACHE/release/, keyed by commit and
# kernel.
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/lib.sh"

version=${1:?usage: build-release.sh VERSION IMAGE}
image=${2:?usage: build-release.sh VERSION IMAGE}

abi_of() { # abi_of PV_H: "M.n" of a pv.h
	local major minor
	major=$(sed -n 's/^#define[[:space:]]*PV_ABI_MAJOR[[:space:]]*\([0-9]*\).*/\1/p' "$1")
	minor=$(sed -n 's/^#define[[:space:]]*PV_ABI_MINOR[[:space:]]*\([0-9]*\).*/\1/p' "$1")
	[ -n "$major" ] && [ -n "$minor" ] || pv_die "$1 has no PV_ABI_MAJOR/MINOR"
	echo "$major.$minor"
}

git -C "$top" rev-parse --git-dir >/dev/null 2>&1 ||
	pv_die "$top is not a git checkout: the release is built from its history"
# Oldest first: the first commit whose VERSION reads $version.
commit=
for c in $(git -C "$top" log --reverse --format=%H -- VERSION); do
	if [ "$(git -C "$top" show "$c:VERSION" 2>/dev/null)" = "$version" ]; then
		commit=$c
		break
	fi
done
[ -n "$commit" ] || pv_die "no commit in $top's history sets VERSION to $version"

kver=$(pv_stock_kver)
key=$version-${commit:0:12}-$kver
cache=$PV_CACHE/release/$key
mkdir -p "$PV_CACHE/release"
exec 9>"$cache.lock"
flock 9
if [ ! -f "$cache/done" ]; then
	rm -rf "$cache"
	mkdir -p "$cache/src" "$cache/ko"
	git -C "$top" archive "$commit" | tar -x -C "$cache/src"
	pv_log "building release $version ($commit) for $kver"
	make -C "$cache/src" KDIR="/lib/modules/$kver/build" \
		PV_VERSION="$version" modules >"$cache/build.log" 2>&1 ||
		{ tail -20 "$cache/build.log" >&2; pv_die "release $version does not build for $kver"; }
	find "$cache/src/modules" -name '*.ko' -exec cp {} "$cache/ko/" \;
	abi_of "$cache/src/include/pv/pv.h" >"$cache/ko/release.abi"
	echo "$commit" >"$cache/ko/release.commit"
	touch "$cache/done"
fi

abi_of "$top/include/pv/pv.h" >"$cache/tree.abi"
tar -C "$cache/ko" -cf "$image" .
tar -C "$cache" -rf "$image" tree.abi
echo "release $version: commit $commit, pv ABI $(cat "$cache/ko/release.abi"); tree pv ABI $(cat "$cache/tree.abi")"
