#!/bin/bash
# tests/xen/mkrootfs.sh: the dom0 root filesystem of the Xen test harness, an
# ext4 image of a Debian bookworm minbase debootstrap with the Xen toolstack.
# Built once and cached as $PV_CACHE/xen/dom0-KEY.img, KEY hashing the
# package list, the mirror and this script; the harness boots it with QEMU's
# snapshot=on, so the cached image is never written. Kernel modules are not in
# it: the harness copies the stock kernel's into dom0 at boot, so a new
# stock kernel needs no new image. Prints the image's path as the last line.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

SUITE=bookworm
# xen-utils: xl, xenstored, xenconsoled and the hotplug scripts; iperf3 and
# the rest: the servers and tools of the dom0 side of the scenarios.
PKGS="xen-utils-4.17 xen-utils-common xenstore-utils iproute2 bridge-utils kmod
	util-linux busybox-static iperf3 e2fsprogs procps"

# The mirror the host's apt uses (deb822 or one-line sources).
host_mirror() {
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { print $2 }'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" && $2 !~ /^\[/ { print $2 } $1 == "deb" && $2 ~ /^\[/ { print $3 }'
	} | grep -v security | head -n 1
}

MIRROR=${PV_MIRROR:-$(host_mirror)}
[ -n "$MIRROR" ] || pv_die "mkrootfs: no apt mirror found (set PV_MIRROR)"
key=$(printf '%s\n%s\n%s\n' "$SUITE" "$MIRROR" "$(echo $PKGS)" | cat - "$0" | sha256sum | cut -c1-16)
dir=$PV_CACHE/xen
img=$dir/dom0-$key.img
mkdir -p "$dir"
# Concurrent runs wait for one build instead of racing.
exec 8>"$img.lock"
flock 8
if [ -f "$img" ]; then
	echo "$img"
	exit 0
fi

pv_need debootstrap e2fsprogs
tmp=$(mktemp -d "$dir/build.XXXXXX")
# An interrupted debootstrap can leave /proc or /sys mounted in the tree:
# unmount (deepest first) before removing anything.
cleanup() {
	awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r |
		while read -r m; do umount -l "$m"; done
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
log=$dir/dom0-$key.log
pv_log "building the dom0 root filesystem ($SUITE from $MIRROR; log $log)"
mkdir -p "$dir/debs"
if ! debootstrap --variant=minbase --cache-dir="$dir/debs" --exclude=systemd-sysv \
	--include="$(echo $PKGS | tr ' ' ,)" "$SUITE" "$tmp/root" "$MIRROR" >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	pv_die "mkrootfs: debootstrap failed (log: $log)"
fi
# Nothing of the apt cache is needed in the image.
rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*
mkdir -p "$tmp/root/xen"
# Room for the dom0 side's logs and copies; writes go to QEMU's snapshot.
mib=$(( $(du -sm "$tmp/root" | cut -f1) * 5 / 4 + 256 ))
truncate -s "${mib}M" "$tmp/img"
mkfs.ext4 -q -F -L pvdom0 -d "$tmp/root" "$tmp/img" >>"$log" 2>&1 || pv_die "mkrootfs: mkfs.ext4 failed"
mv "$tmp/img" "$img"
pv_log "dom0 root filesystem: $img (${mib} MiB)"
echo "$img"
