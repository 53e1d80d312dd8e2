#!/bin/bash
# mkinitramfs.sh: build an uncompressed newc initramfs for the VM test harness.
#
#   mkinitramfs.sh --kver KV [--moddir DIR] [--modules "m1 m2"] [--extra "a.ko b.ko"]
#                  [--tools "fio ethtool /abs/path"] [--scenario FILE] -o OUT
#
#  --kver KV      kernel release the modules are for (required)
#  --moddir DIR   root holding lib/modules/KV (default /, i.e. the host's stock kernel)
#  --modules      in-tree modules (names or aliases); each is included with its
#                 full dependency closure, softdeps included
#  --extra        out-of-tree .ko files, put under lib/modules/KV/updates/; the
#                 in-tree modules they depend on are pulled in as well
#  --tools        host programs copied with their shared libraries (a name is
#                 looked up in PATH, installed with pv_need if missing)
#  --scenario F   the scenario script, stored as /scenario.sh
#
# Always present: busybox-static with every applet linked, kmod (modprobe,
# insmod, rmmod, lsmod, modinfo, depmod are kmod's, not busybox's),
# tests/vm/init as /init and tests/vm/lib-guest.sh as /lib-guest.sh.
# Prints nothing but errors.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n '2,20s/^# \{0,1\}//p' "$0" >&2; exit 2; }

kver='' moddir=/ modules='' extra='' tools='' scenario='' out=''
while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver=$2; shift 2 ;;
	--moddir) moddir=$2; shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	--extra) extra=$2; shift 2 ;;
	--tools) tools=$2; shift 2 ;;
	--scenario) scenario=$2; shift 2 ;;
	-o) out=$2; shift 2 ;;
	-h|--help) usage ;;
	*) pv_die "mkinitramfs: unknown argument '$1'" ;;
	esac
done
{ [ -n "$kver" ] && [ -n "$out" ]; } || usage
moddir=$(cd "$moddir" && pwd -P)
srcmods=${moddir%/}/lib/modules/$kver
[ -d "$srcmods" ] || pv_die "mkinitramfs: $srcmods does not exist"
[ -z "$scenario" ] || [ -f "$scenario" ] || pv_die "mkinitramfs: no scenario $scenario"

pv_need busybox-static kmod cpio

stage=$(mktemp -d "${TMPDIR:-/tmp}/pv-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
dstmods=$stage/lib/modules/$kver
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,root,mnt} "$dstmods"

# --- busybox, every applet as a symlink at its usual place ---------------
cp /bin/busybox "$stage/bin/busybox"
# (perl, from Debian's essential perl-base: one process instead of 270 ln)
/bin/busybox --list-full | (cd "$stage" && perl -nle 'symlink("/bin/busybox", $_) or die "$_: $!" unless -e || -l')

# --- shared-object aware copy --------------------------------------------
# copy_bin SRC [DST]: copy a program and the libraries ldd lists for it.
copy_bin() {
	local src=$1 dst=${2:-$1} lib
	mkdir -p "$stage$(dirname "$dst")"
	rm -f "$stage$dst"
	cp -L "$src" "$stage$dst"
	ldd "$src" 2>/dev/null | grep -q 'not found' &&
		pv_die "mkinitramfs: $src needs libraries that are missing: $(ldd "$src" | grep 'not found' | tr -s '\t\n' '  ')"
	# ldd fails on static programs: they need nothing.
	{ ldd "$src" 2>/dev/null || true; } | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' |
		while read -r lib; do
			[ -e "$stage$lib" ] && continue
			mkdir -p "$stage$(dirname "$lib")"
			cp -L "$lib" "$stage$lib"
		done
}

# --- kmod, replacing busybox's module applets -----------------------------
copy_bin "$(command -v kmod)" /bin/kmod
for t in modprobe insmod rmmod lsmod modinfo depmod; do
	rm -f "$stage/bin/$t" "$stage/sbin/$t" "$stage/usr/bin/$t" "$stage/usr/sbin/$t"
	ln -s /bin/kmod "$stage/sbin/$t"
done

# --- extra host tools --------------------------------------------------------
declare -A tool_pkg=([fio]=fio [iperf3]=iperf3 [ethtool]=ethtool [ip]=iproute2
	[lspci]=pciutils [setpci]=pciutils [strace]=strace [stress-ng]=stress-ng
	[tcpdump]=tcpdump [sg_inq]=sg3-utils [nvme]=nvme-cli [mkfs.ext4]=e2fsprogs
	[fsck.ext4]=e2fsprogs [sfdisk]=fdisk [blkid]=util-linux [perf]=linux-perf [taskset]=util-linux)
for t in $tools; do
	case $t in
	/*) [ -x "$t" ] || pv_die "mkinitramfs: tool $t not found"
	    copy_bin "$t" "/bin/$(basename "$t")" ;;
	*) p=$(command -v "$t" || true)
	   if [ -z "$p" ]; then
		pv_need "${tool_pkg[$t]:-$t}"
		p=$(command -v "$t") || pv_die "mkinitramfs: tool $t still missing after installing ${tool_pkg[$t]:-$t}"
	   fi
	   copy_bin "$p" ;;
	esac
done

# --- modules -------------------------------------------------------------------
kname() { local n=${1##*/}; n=${n%%.ko*}; echo "${n//-/_}"; }
extra_names=" "
for ko in $extra; do
	[ -f "$ko" ] || pv_die "mkinitramfs: extra module $ko not found"
	extra_names+="$(kname "$ko") "
done
# In-tree modules the extras depend on (hard and soft dependencies).
want=$modules
for ko in $extra; do
	deps=$(modinfo -F depends "$ko" | tr ',' ' ')
	soft=$(modinfo -F softdep "$ko" | sed 's/\(pre\|post\)://g')
	for d in $deps $soft; do
		case "$extra_names" in *" ${d//-/_} "*) ;; *) want+=" $d" ;; esac
	done
done
# Full closure as kmod itself resolves it: "insmod PATH ..." per module,
# softdeps included; "builtin NAME" lines need nothing.
for m in $want; do
	deps=$(modprobe -d "$moddir" -S "$kver" --show-depends "$m" 2>&1) ||
		pv_die "mkinitramfs: module $m: $deps"
	awk '$1 == "insmod" {print $2}' <<<"$deps"
done | sed 's|//*|/|g' | sort -u | while read -r f; do
	rel=${f#"$srcmods"/}
	case $rel in /*) pv_die "mkinitramfs: $f is outside $srcmods" ;; esac
	mkdir -p "$dstmods/$(dirname "$rel")"
	cp "$f" "$dstmods/$rel"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$srcmods/$f" ] && cp "$srcmods/$f" "$dstmods/"
done
if [ -n "$extra" ]; then
	mkdir -p "$dstmods/updates"
	for ko in $extra; do cp "$ko" "$dstmods/updates/"; done
fi
depmod -b "$stage" "$kver" >/dev/null

# --- harness -------------------------------------------------------------------
cp "$PV_TOP/tests/vm/init" "$stage/init"
cp "$PV_TOP/tests/vm/lib-guest.sh" "$stage/lib-guest.sh"
chmod 755 "$stage/init"
if [ -n "$scenario" ]; then
	cp "$scenario" "$stage/scenario.sh"
else
	echo 'note "no scenario in this initramfs"' >"$stage/scenario.sh"
fi
echo "$kver" >"$stage/etc/pvtest-kver"
ln -s /proc/mounts "$stage/etc/mtab"
# The kernel opens /dev/console before running /init.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
