#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/pkg/install.sh DEB: the install test and the module signing test of
# the DKMS package, in a real Debian 12 system booted under QEMU (TCG).
# Called by tests/pkg/run.sh; prints "PASS name" / "FAIL name: why" lines
# (names install/... and sign/...), shown guest output indented, and
# "N passed, N failed". See docs/packaging.md, "Install test".
#
#  1. A bookworm image (debootstrap: systemd, udev, the stock kernel and
#     headers, dkms, gcc; the bookworm-backports kernel and headers only
#     downloaded) is built once into $PV_CACHE/pkg-install/base-KEY.img,
#     KEY hashing the package list, the mirrors, the stock kernel the
#     mirror offers and the functions that build it. It is never modified:
#     each run works on a sparse copy in $PV_OUT/pkg-install/run.PID.img.
#  2. chroot: a MOK key + certificate for DKMS (framework.conf.d), then
#     `apt-get install ./DEB`: DKMS builds for the image's kernel and signs
#     with the MOK (checked: signer, sig_key, the PKCS#7 signature).
#  3. boot 1 (stock kernel, VMware disguise, PVSCSI + VMXNET3): modprobe
#     pv_vmi; udev loads pv_blk, pv_net, pv_clock; pv_vmi goes into
#     /etc/modules-load.d. boot 2: everything comes up by itself.
#  4. chroot: the bookworm-backports kernel and headers: DKMS builds (and
#     signs) for it by itself. boot 3: that kernel, pv_vmi from modules-load.d.
#  5. boot 4: stock kernel with module.sig_enforce=1: unsigned and
#     MOK-signed (key not enrolled) modules are refused, Debian's load.
#  2b. pv_core's Module.symvers at the documented path, and pv_null
#     (examples/pv_null) as its own DKMS module pv-null built against it;
#     boot 1 loads it after the VMware stack is unloaded; the backports
#     kernel gets it by DKMS's autoinstall (BUILD_DEPENDS=pv-drivers).
#  6. chroot: `dkms remove` of pv-null, then `apt-get remove
#     pv-drivers-dkms` removes every module and the Module.symvers.
# PV_PKG_KEEP_IMAGE=1 keeps the run's image (2-3 GB) for inspection.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }
indent() { sed 's/^/    /'; }
not() { ! "$@"; }

deb=${1:-}
[ -f "$deb" ] || { fail install/setup "usage: $0 path/to/pv-drivers-dkms_*.deb"; finish; }
deb=$(realpath "$deb")
ver=$(dpkg-deb -f "$deb" Version); ver=${ver%-*}

pv_need debootstrap qemu-system-x86 e2fsprogs openssl binutils xz-utils kmod

IT_DIR=$PV_CACHE/pkg-install
IT_SUITE=bookworm
# What the image gets. DKMS needs the headers, gcc and make; the checks
# need kmod, iproute2, iputils-ping and ethtool; systemd + udev are the
# point: autoloading as a user's system does it.
IT_PKGS="systemd systemd-sysv udev kmod iproute2 iputils-ping ethtool
	linux-image-amd64 linux-headers-amd64 dkms gcc make libc6-dev openssl xz-utils"
IT_BPO_PKGS="linux-image-amd64 linux-headers-amd64"
IT_SIZE=6G
IT_MOK_CN="pv-drivers test MOK"
# What QEMU needs to look like VMware to the stock kernel and to pv_vmi
# (/work/shared/recipes, tests/vm/demo.sh).
IT_VMWARE=(-cpu max,-hypervisor
	-smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
	-uuid 5e2a7c1d-3b4f-4a6e-9c8d-0123456789ab)

out=$PV_OUT/pkg-install
mkdir -p "$IT_DIR" "$out"
work=$(mktemp -d /tmp/pv-install.XXXXXX)
mnt=$work/mnt
# Per run (another run may use the same PV_OUT): the image and the disk.
img=$out/run.$$.img data=$out/data.$$.img
mkdir -p "$mnt"

# it_umount DIR: unmount everything under DIR, deepest first (the loop
# device of `mount -o loop` goes with it).
it_umount() {
	local root m
	root=$(realpath -m "$1")
	awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}
cleanup() {
	rm -f "$mnt/usr/sbin/policy-rc.d" 2>/dev/null
	# Also a base image being built ($work/base) when we were stopped.
	it_umount "$work"
	rm -f "$IT_DIR"/base-*.img.tmp.$$
	if [ -n "${PV_PKG_KEEP_IMAGE:-}" ]; then echo "  kept: $img $data"
	else rm -f "$img" "$data"; fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# it_mirrors: MIRROR and SECURITY_MIRROR, the host's apt sources for
# bookworm and bookworm-security (PV_MIRROR / PV_SECURITY_MIRROR override).
it_mirrors() {
	local t
	t=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null | sort -u)
	MIRROR=${PV_MIRROR:-$(awk -v s=$IT_SUITE '$2 == s { print $1; exit }' <<<"$t")}
	SECURITY_MIRROR=${PV_SECURITY_MIRROR:-$(awk -v s=$IT_SUITE-security '$2 == s { print $1; exit }' <<<"$t")}
	MIRROR=${MIRROR%/} SECURITY_MIRROR=${SECURITY_MIRROR%/}
	[ -n "$MIRROR" ] || pv_die "no apt source for $IT_SUITE on this host (set PV_MIRROR)"
}

# --- the base image: these functions are hashed into its cache key --------

# it_in ROOT CMD...: run CMD in the chroot with a clean environment.
it_in() {
	local root=$1; shift
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}

# it_mount IMG ROOT: the image with /proc, /sys, /dev bind-mounted (apt,
# DKMS and update-initramfs need them); no services start in the chroot.
it_mount() {
	mount -o loop "$1" "$2" || return 1
	mount -t proc proc "$2/proc" && mount --rbind /sys "$2/sys" &&
	mount --make-rslave "$2/sys" && mount --rbind /dev "$2/dev" &&
	mount --make-rslave "$2/dev" || return 1
	cp -L /etc/resolv.conf "$2/etc/resolv.conf" 2>/dev/null
	printf '#!/bin/sh\nexit 101\n' >"$2/usr/sbin/policy-rc.d"
	chmod 755 "$2/usr/sbin/policy-rc.d"
}

# it_configure ROOT: what the image's own configuration says, before any
# package is installed (so the initramfs gets the modprobe.d file).
it_configure() {
	local root=$1 s
	{
		for s in $IT_SUITE $IT_SUITE-updates; do echo "deb $MIRROR $s main"; done
		[ -n "$SECURITY_MIRROR" ] && echo "deb $SECURITY_MIRROR $IT_SUITE-security main"
	} >"$root/etc/apt/sources.list"
	# bookworm-backports only in the image's own apt configuration.
	echo "deb $MIRROR $IT_SUITE-backports main" >"$root/etc/apt/sources.list.d/backports.list"
	printf '%s\n' 'APT::Install-Recommends "false";' 'APT::Install-Suggests "false";' \
		'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/90pv-install"
	echo pv-install >"$root/etc/hostname"
	echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' >"$root/etc/fstab"
	# The administrator's part of docs/vmware.md: the in-tree drivers would
	# take the PVSCSI and VMXNET3 devices, and pv_vmi leaves those alone.
	mkdir -p "$root/etc/modprobe.d"
	printf '%s\n' 'blacklist vmw_pvscsi' 'blacklist vmxnet3' >"$root/etc/modprobe.d/pv-install-test.conf"
}

# it_build_base IMG: debootstrap + packages into a fresh ext4 image.
it_build_base() {
	local img=$1 root=$2 u
	truncate -s $IT_SIZE "$img" && mkfs.ext4 -q -F -L pvroot "$img" &&
	mount -o loop "$img" "$root" &&
	mkdir -p "$PV_CACHE/debootstrap/$IT_SUITE" &&
	debootstrap --variant=minbase --cache-dir="$PV_CACHE/debootstrap/$IT_SUITE" \
		$IT_SUITE "$root" "$MIRROR" &&
	umount "$root" && it_mount "$img" "$root" &&
	it_configure "$root" &&
	it_in "$root" apt-get update -q &&
	it_in "$root" apt-get install -y -q $IT_PKGS &&
	# Downloaded only: the test installs them, DKMS must react to that.
	it_in "$root" apt-get install -y -q --download-only -t $IT_SUITE-backports $IT_BPO_PKGS || return 1
	# A quiet, quick boot: no timers, no getty on the test's console.
	for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer \
		 serial-getty@ttyS0.service getty@tty1.service; do
		ln -sf /dev/null "$root/etc/systemd/system/$u"
	done
	rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
	it_in "$root" dpkg-query -W -f='${Package} ${Version}\n' >"$root/etc/pv-install.packages"
}

# --- end of the hashed part -------------------------------------------------

it_key() {
	{
		echo "$IT_SUITE|$IT_PKGS|$IT_BPO_PKGS|$IT_SIZE|$MIRROR|$SECURITY_MIRROR"
		# A new stock kernel on the mirror means a new image.
		apt-cache policy linux-image-amd64 2>/dev/null | awk '/Candidate:/ { print $2 }'
		declare -f it_in it_mount it_configure it_build_base
	} | sha256sum | cut -c1-16
}

# it_base: print the cached base image, building it if needed (under a
# lock: other test runs may want it at the same time).
it_base() {
	local key base lockfd tmpimg t0 d
	key=$(it_key)
	base=$IT_DIR/base-$key.img
	exec {lockfd}>>"$IT_DIR/base-$key.lock"
	flock "$lockfd"
	if [ ! -f "$base" ]; then
		t0=$(date +%s)
		pv_log "building $base (log: $out/base.log)"
		tmpimg=$base.tmp.$$
		d=$work/base
		mkdir -p "$d"
		if it_build_base "$tmpimg" "$d" >"$out/base.log" 2>&1; then
			it_umount "$d"
			mv "$tmpimg" "$base"
			echo "  base image built in $(($(date +%s) - t0)) s: $base" >&2
		else
			it_umount "$d"
			rm -f "$tmpimg"
			tail -n 15 "$out/base.log" >&2
			flock -u "$lockfd"
			return 1
		fi
		# Images of older keys: gone, unless someone holds their lock.
		for d in "$IT_DIR"/base-*.img; do
			[ "$d" = "$base" ] && continue
			exec 9>>"${d%.img}.lock"
			flock -n 9 && rm -f "$d" "${d%.img}.lock"
			exec 9>&-
		done
	fi
	flock -u "$lockfd"
	echo "$base"
}

# --- helpers for the run ------------------------------------------------------

in_img() { it_in "$mnt" "$@"; }
img_mount() { it_mount "$img" "$mnt"; }
img_umount() { rm -f "$mnt/usr/sbin/policy-rc.d" "$mnt/etc/resolv.conf"; it_umount "$mnt"; }

# img_kernels: the kernels installed in the image (ABI names).
img_kernels() { ls -1 "$mnt/lib/modules" | sort -V; }
# img_stock_kver: the ABI name linux-image-amd64 depends on, in the image.
img_stock_kver() {
	in_img dpkg-query -W -f='${Depends}' linux-image-amd64 |
		grep -o 'linux-image-[0-9][^ ,]*' | head -n1 | sed 's/^linux-image-//; s/-unsigned$//'
}
# ko KVER MOD: the module DKMS installed for KVER (maybe compressed).
ko() { ls "$mnt/lib/modules/$1/updates/dkms/$2.ko"* 2>/dev/null | head -n1; }
all_kos() { # all_kos KVER: every module is there
	local m
	for m in pv_core pv_vmi pv_clock pv_blk pv_net; do [ -n "$(ko "$1" $m)" ] || return 1; done
}
# plain_ko FILE OUT: the module uncompressed.
plain_ko() {
	case $1 in
	*.xz) xz -dc "$1" >"$2" ;;
	*.zst) zstd -dcq "$1" >"$2" ;;
	*.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}
# dkms status; readelf's complaints about compressed modules left out.
dkms_status() { in_img dkms status -m pv-drivers 2>&1 | grep -v '^readelf: Warning'; }

# sig_verify KO CERT: the module's appended PKCS#7 signature verifies
# against CERT (DER) over the rest of the file.
sig_verify() {
	local f=$1 size len d=$work/sig
	mkdir -p "$d"
	[ "$(tail -c 28 "$f")" = "~Module signature appended~" ] || return 1
	size=$(stat -c %s "$f")
	# struct module_signature: 8 bytes of fields, then sig_len (be32).
	len=$(tail -c 40 "$f" | head -c 12 | od -An -tu1 -j 8 | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
	head -c $((size - 40 - len)) "$f" >"$d/content"
	tail -c $((len + 40)) "$f" | head -c "$len" >"$d/sig.p7"
	openssl x509 -inform DER -in "$2" -out "$d/cert.pem" &&
	openssl cms -verify -binary -inform DER -in "$d/sig.p7" -content "$d/content" \
		-certfile "$d/cert.pem" -nointern -noverify -out /dev/null 2>"$d/err"
}

data_sig=PVDATA-$$-$RANDOM
# boot NAME KVER PHASE [APPEND]: boot the image's KVER with the VMware
# disguise, PVSCSI (one disk) and VMXNET3; the guest runs
# tests/pkg/guest-check.sh for PHASE. Its results become NAME/... lines.
boot() {
	local name=$1 kv=$2 phase=$3 extra=${4:-} line t0 log=$out/$1.log
	t0=$(date +%s)
	while IFS= read -r line; do
		case $line in
		"PVTEST PASS "*) pass "$name/${line#PVTEST PASS "$phase"/}" ;;
		"PVTEST FAIL $name: "*) fail "$name" "${line#"PVTEST FAIL $name: "} (log: $log)" ;;
		"PVTEST FAIL "*) line=${line#PVTEST FAIL "$phase"/}; fail "$name/${line%%: *}" "${line#*: } (log: $log)" ;;
		"PVTEST NOTE "*) echo "  $name: ${line#PVTEST NOTE *: }" ;;
		esac
	done < <("$top/scripts/vm-run.sh" --kernel "$work/vmlinuz-$kv" --initrd "$work/initrd.img-$kv" \
		--append "root=/dev/vda rw systemd.show_status=error pvphase=$phase pvkver=$kv pvdata=$data_sig $extra" \
		--timeout "${PV_PKG_BOOT_TIMEOUT:-420}" --log "$log" --name "$name" \
		-- -m 1536 "${IT_VMWARE[@]}" \
		-drive if=virtio,file="$img",format=raw \
		-device pvscsi,id=s0 -drive if=none,id=d0,file="$data",format=raw \
		-device scsi-hd,bus=s0.0,scsi-id=0,drive=d0 \
		-netdev user,id=n0 -device vmxnet3,netdev=n0)
	# What the guest showed, for the log.
	tr -d '\r' <"$log" | awk '/^PVSHOW-BEGIN/ { on = 1; print "  " $0; next } /^PVSHOW-END/ { on = 0; next }
		on { print "    " $0 }' | sed 's/PVSHOW-BEGIN/#/'
	echo "  $name: $(($(date +%s) - t0)) s"
}

# kernel_out KVER: the image's kernel and initrd, for QEMU's -kernel/-initrd.
kernel_out() { cp "$mnt/boot/vmlinuz-$1" "$mnt/boot/initrd.img-$1" "$work/"; }

# === 1. the base image =========================================================
t_all=$(date +%s)
it_mirrors
base=$(it_base) || { fail install/base-image "building the base image failed (log: $out/base.log)"; finish; }
pass "install/base-image ($(basename "$base"))"
t0=$(date +%s)
cp --sparse=always "$base" "$img" || { fail install/copy "cp $base failed"; finish; }
head -c 1M /dev/zero >"$data" && truncate -s 64M "$data" &&
	printf '%s' "$data_sig" | dd of="$data" conv=notrunc status=none
echo "  image copied in $(($(date +%s) - t0)) s"

# === 2. apt-get install the .deb ================================================
img_mount || { fail install/mount "mounting $img failed"; finish; }
k1=$(img_stock_kver)
check install/stock-kernel "no stock kernel in the image ('$k1')" test -n "$k1" -a -d "$mnt/lib/modules/$k1"
echo "  image kernels: $(img_kernels | tr '\n' ' ')(stock: $k1; host: $(uname -r))"
# A Secure Boot user's DKMS setup (docs/packaging.md): a MOK key pair and
# framework.conf.d pointing at it, before the package comes. DKMS signs at
# build time, so every module built from here on carries this signature.
mok=/root/pv-mok
mkdir -p "$mnt$mok" "$mnt/etc/dkms/framework.conf.d"
in_img openssl req -new -x509 -nodes -days 3650 -subj "/CN=$IT_MOK_CN/" -newkey rsa:2048 \
	-keyout $mok/mok.priv -outform DER -out $mok/mok.der >"$out/mok.log" 2>&1
printf '%s\n' "# tests/pkg/install.sh: sign DKMS modules with this MOK" \
	"mok_signing_key=$mok/mok.priv" "mok_certificate=$mok/mok.der" >"$mnt/etc/dkms/framework.conf.d/pv-mok.conf"
check sign/mok-generated "openssl req failed (log: $out/mok.log)" test -s "$mnt$mok/mok.der"

cp "$deb" "$mnt/tmp/"
t0=$(date +%s)
# DKMS's common.postinst builds for `uname -r` only when /lib/modules has
# it; in a chroot that is the host's kernel, which the image lacks, so it
# says so and builds for every kernel in the image (first installation).
in_img apt-get install -y "/tmp/$(basename "$deb")" >"$out/apt-install.log" 2>&1
rc=$?
grep -E "belongs to a chroot's host|Building for|Building initial|Done\.|Error|error" "$out/apt-install.log" | indent
check "install/apt-get-install ($(($(date +%s) - t0)) s)" "apt-get install failed ($rc, log: $out/apt-install.log)" test $rc = 0
check install/dkms-built-for-image-kernel "postinst did not build for $k1 (log: $out/apt-install.log)" \
	grep -q "Building for $k1" "$out/apt-install.log"
dkms_status | sed 's/^/  dkms status: /'
check install/dkms-status-installed "dkms status: $(dkms_status | tr '\n' ' ')" \
	bash -c "dkms_out=\$(chroot '$mnt' dkms status -m pv-drivers 2>/dev/null); grep -q '^pv-drivers/$ver, $k1, x86_64: installed' <<<\"\$dkms_out\""
check install/modules-in-updates-dkms "missing under /lib/modules/$k1/updates/dkms: $(ls "$mnt/lib/modules/$k1/updates/dkms" 2>&1 | tr '\n' ' ')" all_kos "$k1"
vm=$(modinfo -F vermagic "$(ko "$k1" pv_vmi)" 2>/dev/null)
check install/vermagic-image-kernel "pv_vmi vermagic '$vm', want $k1" test "${vm%% *}" = "$k1"
check install/depmod-knows-pv_vmi "modules.dep of $k1 lacks pv_vmi" grep -q 'updates/dkms/pv_vmi.ko' "$mnt/lib/modules/$k1/modules.dep"

# --- the signature DKMS put on the modules ---------------------------------------
f=$(ko "$k1" pv_core)
signer=$(modinfo -F signer "$f" 2>/dev/null)
sig_key=$(modinfo -F sig_key "$f" 2>/dev/null | tr -d ':' | tr a-f A-F)
serial=$(openssl x509 -inform DER -in "$mnt$mok/mok.der" -noout -serial | sed 's/^serial=//' | tr a-f A-F)
echo "  modinfo $(basename "$f"): signer=$signer sig_key=$(modinfo -F sig_key "$f") sig_hashalgo=$(modinfo -F sig_hashalgo "$f")"
echo "  certificate: $(openssl x509 -inform DER -in "$mnt$mok/mok.der" -noout -subject -serial | tr '\n' ' ')"
check sign/signer-is-mok "signer '$signer', want '$IT_MOK_CN'" test "$signer" = "$IT_MOK_CN"
check sign/sig-key-is-cert-serial "sig_key $sig_key != certificate serial $serial" test -n "$serial" -a "${sig_key#0}" = "${serial#0}"
bad=
for m in pv_core pv_vmi pv_clock pv_blk pv_net; do
	plain_ko "$(ko "$k1" $m)" "$work/$m.ko" && sig_verify "$work/$m.ko" "$mnt$mok/mok.der" || bad="$bad $m"
done
check sign/signature-verifies "openssl cms -verify failed for:$bad ($(head -n1 "$work/sig/err" 2>/dev/null))" test -z "$bad"
# The same verification with another certificate must fail.
openssl req -new -x509 -nodes -days 1 -subj "/CN=$IT_MOK_CN/" -newkey rsa:2048 \
	-keyout "$work/other.priv" -outform DER -out "$work/other.der" >/dev/null 2>&1
check sign/other-cert-does-not-verify "pv_core verified against an unrelated certificate" \
	not sig_verify "$work/pv_core.ko" "$work/other.der"
# For the sig_enforce boot: the MOK-signed pv_core and an unsigned copy
# (objcopy rewrites the ELF without the appended signature, as strip does).
mkdir -p "$mnt/root/pv-sigtest"
cp "$work/pv_core.ko" "$mnt/root/pv-sigtest/pv_core-mok.ko"
objcopy "$work/pv_core.ko" "$mnt/root/pv-sigtest/pv_core-unsigned.ko"
check sign/unsigned-copy-has-no-signature "objcopy kept a signature" \
	bash -c "[ -z \"\$(modinfo -F signer '$mnt/root/pv-sigtest/pv_core-unsigned.ko')\" ] && ! tail -c 28 '$mnt/root/pv-sigtest/pv_core-unsigned.ko' | grep -q 'Module signature'"

# --- a backend built outside the tree: pv_core's Module.symvers, pv-null ---------
# (docs/packaging.md, docs/adding-a-backend.md)
arch=x86_64
symvers=/var/lib/dkms/pv-drivers/kernel-$k1-$arch/Module.symvers
crc_of() { awk -v s="$2" '$2 == s { print $1 }' "$1"; }	# crc_of SYMVERS SYMBOL
modcrc() { modprobe --dump-modversions "$1" 2>/dev/null | awk -v s="$2" '$2 == s { print $1 }'; }
ls -l "$mnt/var/lib/dkms/pv-drivers/" | sed -n 's/.* \(kernel-.*\)/  dkms tree: \1/p'
check install/symvers-installed "no pv_core exports in $symvers" \
	grep -q '[[:space:]]__pv_hypervisor_register[[:space:]].*PV_CORE' "$mnt$symvers"
c_sym=$(crc_of "$mnt$symvers" __pv_hypervisor_register 2>/dev/null) c_vmi=$(modcrc "$work/pv_vmi.ko" __pv_hypervisor_register)
check install/symvers-matches-installed-pv_core "CRC of __pv_hypervisor_register: Module.symvers '$c_sym', pv_vmi was linked against '$c_vmi'" \
	test -n "$c_sym" -a "$c_sym" = "$c_vmi"
nullver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/examples/pv_null/dkms.conf")
mkdir -p "$mnt/usr/src/pv-null-$nullver"
cp -a "$top/examples/pv_null/." "$mnt/usr/src/pv-null-$nullver/"
t0=$(date +%s)
{ in_img dkms add -m pv-null -v "$nullver" && in_img dkms install -m pv-null -v "$nullver" -k "$k1"; } \
	>"$out/dkms-null.log" 2>&1
rc=$?
grep -E 'Building|Signing|Error|error|warning' "$out/dkms-null.log" | head -n 8 | indent
check "install/null-dkms-install ($(($(date +%s) - t0)) s)" "dkms add/install of pv-null failed ($rc, log: $out/dkms-null.log; make.log: $(ls "$mnt"/var/lib/dkms/pv-null/*/build/make.log 2>/dev/null))" test $rc = 0
check install/null-dkms-status "dkms status: $(in_img dkms status -m pv-null 2>&1 | tr '\n' ' ')" \
	bash -c "chroot '$mnt' dkms status -m pv-null 2>/dev/null | grep -q '^pv-null/$nullver, $k1, $arch: installed'"
f=$(ko "$k1" pv_null)
check install/null-module "no pv_null under /lib/modules/$k1/updates/dkms" test -n "$f"
[ -n "$f" ] && plain_ko "$f" "$work/pv_null.ko"
c_null=$(modcrc "$work/pv_null.ko" __pv_hypervisor_register)
check install/null-linked-against-symvers "pv_null imports __pv_hypervisor_register with CRC '$c_null', Module.symvers has '$c_sym'" \
	test -n "$c_null" -a "$c_null" = "$c_sym"
check install/null-signed-by-mok "signer '$(modinfo -F signer "$work/pv_null.ko" 2>/dev/null)'" \
	sig_verify "$work/pv_null.ko" "$mnt$mok/mok.der"

# The guest side: a oneshot service after multi-user.target.
install -m 755 "$top/tests/pkg/guest-check.sh" "$mnt/usr/local/sbin/pv-install-check"
cat >"$mnt/etc/systemd/system/pv-install-check.service" <<'EOF'
[Unit]
Description=pv-drivers install test (tests/pkg/guest-check.sh)
After=multi-user.target
ConditionKernelCommandLine=pvphase

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/pv-install-check
StandardOutput=tty
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
EOF
in_img systemctl enable pv-install-check.service >/dev/null 2>&1
check install/guest-service "pv-install-check.service not enabled" \
	test -L "$mnt/etc/systemd/system/multi-user.target.wants/pv-install-check.service"
kernel_out "$k1"
img_umount

# === 3. two boots of the stock kernel ============================================
boot install-boot1 "$k1" first
boot install-boot2 "$k1" reboot

# === 4. the backports kernel, 5. sig_enforce ======================================================
img_mount || { fail install/mount "mounting $img failed"; finish; }
# The backports kernel: installing it is all it takes (DKMS's kernel hooks).
t0=$(date +%s)
in_img apt-get install -y -t $IT_SUITE-backports $IT_BPO_PKGS >"$out/apt-bpo.log" 2>&1
rc=$?
k2=$(img_kernels | grep -vx "$k1" | tail -n1)
grep -E 'dkms: running auto|Building module|Signing module .*pv_vmi|Error|error' "$out/apt-bpo.log" | indent
check "install/bpo-kernel-installed ($(($(date +%s) - t0)) s)" "apt-get install -t backports failed ($rc) or no new kernel (log: $out/apt-bpo.log)" \
	test $rc = 0 -a -n "$k2"
check install/bpo-kernel-is-6.12 "new kernel '$k2'" bash -c "[[ '$k2' == 6.12.* ]]"
dkms_status | sed 's/^/  dkms status: /'
check install/dkms-status-both-kernels "dkms status: $(dkms_status | tr '\n' ' ')" \
	bash -c "s=\$(chroot '$mnt' dkms status -m pv-drivers 2>/dev/null); grep -q '^pv-drivers/$ver, $k1, x86_64: installed' <<<\"\$s\" && grep -q '^pv-drivers/$ver, $k2, x86_64: installed' <<<\"\$s\""
check install/modules-for-bpo-kernel "missing under /lib/modules/$k2/updates/dkms" all_kos "$k2"
vm=$(modinfo -F vermagic "$(ko "$k2" pv_vmi)" 2>/dev/null)
check install/vermagic-bpo-kernel "pv_vmi vermagic '$vm', want $k2" test "${vm%% *}" = "$k2"
check sign/bpo-modules-signed-by-mok "signer '$(modinfo -F signer "$(ko "$k2" pv_vmi)")'" \
	test "$(modinfo -F signer "$(ko "$k2" pv_vmi)")" = "$IT_MOK_CN"
echo "  modules: $(cd "$mnt/lib/modules" && ls -d */updates/dkms/pv_*.ko* | tr '\n' ' ')"
# DKMS's autoinstall built pv-drivers first (BUILD_DEPENDS), then pv-null
# against the Module.symvers pv-drivers' POST_BUILD left for the new kernel.
check install/null-bpo-kernel "dkms status: $(in_img dkms status -m pv-null 2>&1 | tr '\n' ' ')" \
	bash -c "chroot '$mnt' dkms status -m pv-null 2>/dev/null | grep -q '^pv-null/$nullver, $k2, $arch: installed' && [ -n '$(ko "$k2" pv_null)' ]"
check install/symvers-bpo-kernel "no /var/lib/dkms/pv-drivers/kernel-$k2-$arch/Module.symvers" \
	test -s "$mnt/var/lib/dkms/pv-drivers/kernel-$k2-$arch/Module.symvers"
kernel_out "$k2"
img_umount

boot install-boot-bpo "$k2" reboot
# The stock kernel enforcing signatures; pv_vmi (MOK-signed) is still in
# modules-load.d.
boot sign-enforce "$k1" enforce module.sig_enforce=1

# === 6. apt-get remove ================================================================
img_mount || { fail install/mount "mounting $img failed"; finish; }
# The dependent module first, as its vendor's package would be removed.
in_img dkms remove -m pv-null -v "$nullver" --all >"$out/dkms-null-remove.log" 2>&1
rc=$?
rm -rf "$mnt/usr/src/pv-null-$nullver"
left=$(cd "$mnt/lib/modules" && ls -d */updates/dkms/pv_null.ko* 2>/dev/null | tr '\n' ' ')
check install/null-removed "dkms remove exited $rc; left: $left $(ls -d "$mnt/var/lib/dkms/pv-null" 2>/dev/null)" \
	test $rc = 0 -a -z "$left" -a ! -e "$mnt/var/lib/dkms/pv-null"
in_img apt-get remove -y pv-drivers-dkms >"$out/apt-remove.log" 2>&1
rc=$?
grep -E 'Removing|Deleting|removed' "$out/apt-remove.log" | head -n 8 | indent
check install/apt-get-remove "apt-get remove failed ($rc, log: $out/apt-remove.log)" test $rc = 0
left=$(cd "$mnt/lib/modules" && ls -d */updates/dkms/pv_*.ko* 2>/dev/null | tr '\n' ' ')
check install/remove-modules-gone "left behind: $left" test -z "$left"
s=$(dkms_status)
echo "  dkms status after remove: '${s}'"
check install/remove-dkms-status-empty "dkms status: $s" test -z "$s"
check install/remove-sources-gone "/usr/src/pv-drivers-$ver or /var/lib/dkms/pv-drivers left" \
	test ! -e "$mnt/usr/src/pv-drivers-$ver" -a ! -e "$mnt/var/lib/dkms/pv-drivers/$ver"
left=$(ls "$mnt"/var/lib/dkms/pv-drivers/kernel-*/Module.symvers "$mnt"/var/lib/dkms/pv-drivers/*/*/*/Module.symvers 2>/dev/null | tr '\n' ' ')
check install/remove-symvers-gone "left behind: $left" test -z "$left"
img_umount

echo "  install test: $(($(date +%s) - t_all)) s"
finish
