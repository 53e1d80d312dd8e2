# shellcheck shell=bash
# Common helpers for pv-drivers scripts. Source it; do not run it.
#
# Conventions every script follows:
#  - PV_TOP is the repository root; PV_CACHE (default /var/cache/pv-drivers)
#    holds everything expensive (kernel builds, root filesystems, downloads),
#    keyed by what went into it, and never lives inside the repository.
#  - PV_OUT (default $PV_CACHE/out) holds per-run artefacts (logs, initramfs).
#  - Tools the machine may lack are installed with pv_need (apt-get), never
#    skipped.

PV_TOP=${PV_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PV_CACHE=${PV_CACHE:-/var/cache/pv-drivers}
PV_OUT=${PV_OUT:-$PV_CACHE/out}
mkdir -p "$PV_CACHE" "$PV_OUT"

pv_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
pv_die() { pv_log "error: $*"; exit 1; }

# pv_need PKG... : install the Debian packages that are not installed yet.
pv_need() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	pv_log "installing: ${missing[*]}"
	if [ -z "${PV_APT_UPDATED:-}" ]; then
		apt-get update -q >/dev/null || pv_die "apt-get update failed"
		export PV_APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >"$PV_OUT/apt.log" 2>&1 ||
		{ tail -20 "$PV_OUT/apt.log" >&2; pv_die "apt-get install ${missing[*]} failed"; }
}

# Host packages every build and test needs.
PV_HOST_PKGS="make gcc libc6-dev kmod sparse cpio busybox-static qemu-system-x86
	linux-image-amd64 linux-headers-amd64 python3 xz-utils bc flex bison
	libelf-dev libssl-dev e2fsprogs rsync"

pv_need_host() { pv_need $PV_HOST_PKGS; }

# pv_stock_kver: the ABI name of Debian's current stock kernel
# (whatever linux-image-amd64 depends on today), e.g. 6.1.0-NN-amd64.
pv_stock_kver() {
	local v
	v=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		grep -o 'linux-image-[0-9][^ ,]*' | head -n1)
	v=${v#linux-image-}
	v=${v%-unsigned}
	[ -n "$v" ] || pv_die "linux-image-amd64 is not installed"
	[ -f "/boot/vmlinuz-$v" ] || pv_die "/boot/vmlinuz-$v missing"
	[ -d "/lib/modules/$v/build" ] || pv_die "headers for $v missing"
	echo "$v"
}

# pv_hash FILE... : short content hash, used as a cache key.
pv_hash() { cat "$@" | sha256sum | cut -c1-16; }
