#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/pkg/run.sh: build the packages with scripts/package and check them.
# Prints "PASS name" / "FAIL name: why" per check, then "N passed, N failed";
# exits non-zero if anything failed. PV_PKG_NO_DKMS=1 skips the DKMS build
# against the installed headers (~15 s). Last, tests/pkg/install.sh installs
# the .deb into a Debian 12 image and boots it in QEMU (install test and
# module signing test, ~8 min warm, ~10 min cold); PV_PKG_NO_INSTALL=1 skips
# it (and says so).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

pkg=$PV_OUT/pkg
tmp=$(mktemp -d /tmp/pv-pkgtest.XXXXXX)
cleanup_dkms=
cleanup() {
	[ -n "$cleanup_dkms" ] && eval "$cleanup_dkms"
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- build -----------------------------------------------------------------
t0=$(date +%s)
if "$top/scripts/package" >"$tmp/package.log" 2>&1; then
	pass "package ($(($(date +%s) - t0)) s)"
else
	fail package "scripts/package failed: $(tail -5 "$tmp/package.log" | tr '\n' ' ')"
	echo "$passed passed, $failed failed"; exit 1
fi
ver=$(cat "$pkg/version")
deb=$(ls "$pkg"/pv-drivers-dkms_*_all.deb 2>/dev/null | head -n1)
rpm_dkms=$(ls "$pkg"/pv-drivers-dkms-*.noarch.rpm 2>/dev/null | head -n1)
srpm_kmod=$(ls "$pkg"/pv-drivers-kmod-*.src.rpm 2>/dev/null | head -n1)
check deb-builds "no pv-drivers-dkms_*_all.deb in $pkg" test -f "$deb"
check rpm-dkms-builds "no pv-drivers-dkms-*.noarch.rpm in $pkg" test -f "$rpm_dkms"
check rpm-kmod-srpm-builds "no pv-drivers-kmod-*.src.rpm in $pkg" test -f "$srpm_kmod"
check tarball "no pv-drivers-$ver.tar.gz" test -f "$pkg/pv-drivers-$ver.tar.gz"

# --- lintian -----------------------------------------------------------------
lintian --pedantic -I "$pkg"/pv-drivers_*.changes >"$tmp/lintian" 2>&1
grep -v '^running with root privileges' "$tmp/lintian" | sed 's/^/  lintian: /'
grep -Eq '^[EWINPX]: ' "$tmp/lintian" || echo "  lintian: no tags (--pedantic -I; the override for initial-upload-closes-no-bugs is in debian/)"
if grep -Eq '^[EW]: ' "$tmp/lintian"; then
	fail lintian "$(grep -Ec '^[EW]: ' "$tmp/lintian") errors/warnings (listed above)"
else
	pass lintian
fi

# --- deb contents ------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/deb.list"
s=/usr/src/pv-drivers-$ver
missing=
for f in dkms.conf VERSION Kbuild Makefile scripts/version.sh scripts/dkms-post-build.sh modules/compat/probe.sh \
	 modules/compat/compat.h include/pv/pv.h \
	 modules/pv_core/Kbuild modules/pv_vmi/Kbuild modules/pv_clock/Kbuild \
	 modules/pv_blk/Kbuild modules/pv_net/Kbuild; do
	grep -qx "$s/$f" "$tmp/deb.list" || missing="$missing $f"
done
check deb-sources "missing under $s/:$missing" test -z "$missing"
bad=$(grep -E '/tests?/|pv_test|kunit|\.(o|ko|cmd|mod)$|modules\.order|Module\.symvers' "$tmp/deb.list" | tr '\n' ' ')
check deb-no-tests-or-objects "unwanted files: $bad" test -z "$bad"
s_re=$(printf '%s' "$s" | sed 's/[.+]/\\&/g')
other=$(grep -vE "^/$|^/usr/$|^/usr/src/$|^$s_re/|^/usr/share/$|^/usr/share/doc/$|^/usr/share/doc/pv-drivers-dkms/|^/usr/share/lintian/" "$tmp/deb.list" | tr '\n' ' ')
check deb-nothing-else "files outside /usr/src and the docs: $other" test -z "$other"
check deb-docs "README/copyright/docs missing from /usr/share/doc/pv-drivers-dkms (dh_compress gzips those over 4 KiB)" \
	bash -c "grep -qE '^/usr/share/doc/pv-drivers-dkms/README\.md(\.gz)?\$' '$tmp/deb.list' &&
		 grep -qx /usr/share/doc/pv-drivers-dkms/copyright '$tmp/deb.list' &&
		 grep -qE '^/usr/share/doc/pv-drivers-dkms/compat\.md(\.gz)?\$' '$tmp/deb.list' &&
		 grep -qE '^/usr/share/doc/pv-drivers-dkms/xen\.md(\.gz)?\$' '$tmp/deb.list'"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst >"$tmp/postinst" 2>/dev/null
check deb-postinst-dkms "postinst does not run the DKMS common.postinst for pv-drivers $ver" \
	bash -c "grep -q 'DKMS_NAME=pv-drivers\$' '$tmp/postinst' && grep -q 'DKMS_VERSION=$ver\$' '$tmp/postinst' && grep -q common.postinst '$tmp/postinst'"

# --- rpm ---------------------------------------------------------------------
rpm -qlp "$rpm_dkms" >"$tmp/rpm.list" 2>/dev/null
missing=
for f in dkms.conf VERSION Kbuild Makefile scripts/version.sh scripts/dkms-post-build.sh modules/compat/probe.sh \
	 modules/pv_core/Kbuild modules/pv_blk/Kbuild modules/pv_net/Kbuild; do
	grep -qx "$s/$f" "$tmp/rpm.list" || missing="$missing $f"
done
check rpm-files "missing under $s/:$missing" test -z "$missing"
bad=$(grep -E '/tests?/|pv_test|kunit|\.(o|ko|cmd|mod)$' "$tmp/rpm.list" | tr '\n' ' ')
check rpm-no-tests-or-objects "unwanted files: $bad" test -z "$bad"
rpm -qp --scripts "$rpm_dkms" >"$tmp/rpm.scripts" 2>/dev/null
missing=
for re in "dkms add -m pv-drivers -v $ver" "dkms build -m pv-drivers -v $ver" \
	  "dkms install -m pv-drivers -v $ver" \
	  "dkms remove -m pv-drivers -v $ver --all --rpm_safe_upgrade"; do
	grep -qF -- "$re" "$tmp/rpm.scripts" || missing="$missing [$re]"
done
check rpm-scriptlets "missing:$missing" test -z "$missing"
check rpm-noarch-requires-dkms "not noarch or no Requires: dkms" \
	bash -c "[ \"\$(rpm -qp --qf '%{ARCH}' '$rpm_dkms')\" = noarch ] && rpm -qp --requires '$rpm_dkms' | grep -qx dkms"
rpm2cpio "$srpm_kmod" | (cd "$tmp" && cpio -id --quiet '*.spec')
check rpm-conflicts "dkms rpm must conflict with pv-drivers-kmod-common and the kmod spec's common package with pv-drivers-dkms" \
	bash -c "rpm -qp --conflicts '$rpm_dkms' | grep -qx pv-drivers-kmod-common &&
		 grep -Eq '^Conflicts:[[:space:]]+pv-drivers-dkms' '$tmp/pv-drivers-kmod.spec'"

# --- one version everywhere ----------------------------------------------------
mkdir -p "$tmp/deb"
dpkg-deb -x "$deb" "$tmp/deb"
v_conf=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$tmp/deb$s/dkms.conf")
v_file=$(cat "$tmp/deb$s/VERSION")
v_make=$(bash -c 'kernelver=6.1.0 kernel_source_dir=/nonexistent; . "$1" >/dev/null 2>&1; echo "${MAKE[0]}"' _ "$tmp/deb$s/dkms.conf" |
	sed -n 's/.*PV_VERSION=\([^ ]*\).*/\1/p')
v_deb=$(dpkg-deb -f "$deb" Version); v_deb=${v_deb%-*}
v_rpm=$(rpm -qp --qf '%{VERSION}' "$rpm_dkms" 2>/dev/null)
v_srpm=$(rpm -qp --qf '%{VERSION}' "$srpm_kmod" 2>/dev/null)
v_spec=$(sed -n 's/^Version:[[:space:]]*//p' "$tmp/pv-drivers-kmod.spec")
# scripts/version.sh, made dpkg/rpm-safe the way scripts/package documents
# it: "-dirty" dropped (the packaged sources come from HEAD), '-' -> '+'/'.'.
raw=$("$top/scripts/version.sh")
base=$(cat "$top/VERSION")
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1 && ! git -C "$top" describe --tags >/dev/null 2>&1; then
	case $raw in
	"$base"*) check version-sh-tagless "" true ;;
	*) fail version-sh-tagless "scripts/version.sh prints '$raw' (a bare hash: its case [0-9]* takes a digit-led hash for a tag) instead of '$base+g$raw'; scripts/package works around it"
	   raw="$base+g$raw" ;;
	esac
fi
[ "${PV_PKG_SOURCE:-head}" = head ] && raw=${raw%-dirty}
v_expect=$(printf '%s\n' "$raw" | sed 's/-/+/; s/-/./g')
echo "  versions: version.sh=$("$top/scripts/version.sh") expected=$v_expect dkms.conf=$v_conf PV_VERSION=$v_make VERSION=$v_file deb=$v_deb rpm=$v_rpm kmod-srpm=$v_srpm kmod-spec=$v_spec"
all_same=1
for v in "$v_conf" "$v_make" "$v_file" "$v_deb" "$v_rpm" "$v_srpm" "$v_spec" "$ver"; do
	[ "$v" = "$v_expect" ] || all_same=
done
check version-consistent "not all equal to $v_expect (see versions line)" test -n "$all_same"

# --- dkms.conf: which modules, which kernels ------------------------------------
conf=$tmp/deb$s/dkms.conf
mods() { # mods KVER KSRC -> module names DKMS would expect
	bash -c 'kernelver=$1 kernel_source_dir=$2 dkms_tree=/nonexistent; . "$3"; echo "${BUILT_MODULE_NAME[*]}"' _ "$1" "$2" "$conf"
}
k61=$(ls -d /lib/modules/6.1.*/build 2>/dev/null | head -n1)
k61=${k61%/build}; k61=${k61##*/}
if [ -n "$k61" ]; then
	got=$(cd "$tmp/deb$s" && mods "$k61" "/lib/modules/$k61/build")
	check dkms-conf-modules-6.1 "got '$got' for $k61" test "$got" = "pv_core pv_vmi pv_clock pv_blk pv_net pv_xen"
	# The same headers with the kernel's Xen guest support configured out.
	mkdir -p "$tmp/k61noxen"
	ln -s "$(readlink -f "/lib/modules/$k61/build")"/* "$tmp/k61noxen/"
	grep -v '^CONFIG_XEN' "/lib/modules/$k61/build/.config" >"$tmp/k61noxen/.config"
	got=$(cd "$tmp/deb$s" && mods "$k61" "$tmp/k61noxen")
	check dkms-conf-modules-6.1-without-xen "got '$got'" test "$got" = "pv_core pv_vmi pv_clock pv_blk pv_net"
fi
# A header tree as old as 5.10: no blk_mq_alloc_disk(), no kernel_ethtool_ringparam.
mkdir -p "$tmp/k510/include/linux"
echo '#define blk_mq_init_queue(set) x' >"$tmp/k510/include/linux/blk-mq.h"
echo 'struct ethtool_ringparam {' >"$tmp/k510/include/linux/ethtool.h"
got=$(cd "$tmp/deb$s" && mods 5.10.0-99-amd64 "$tmp/k510")
check dkms-conf-modules-5.10-headers "got '$got'" test "$got" = "pv_core pv_vmi pv_clock"
got=$(cd "$tmp/deb$s" && mods 5.15.0-1-generic /nonexistent)
check dkms-conf-modules-5.15-noheaders "got '$got' (fallback on version numbers)" test "$got" = "pv_core pv_vmi pv_clock pv_blk"
re=$(bash -c '. "$1" >/dev/null 2>&1; echo "$BUILD_EXCLUSIVE_KERNEL"' _ "$conf")
bad=
for k in 5.10.0-30-amd64 5.14.21 5.19.0 6.1.0-56-amd64 6.12.48+deb12-amd64 7.2.0-1-amd64 10.0.1; do
	[[ $k =~ $re ]] || bad="$bad $k(rejected)"
done
for k in 4.18.0-553.el8.x86_64 5.4.0-150-generic 5.9.16 3.10.0; do
	[[ $k =~ $re ]] && bad="$bad $k(accepted)"
done
check dkms-build-exclusive-window "BUILD_EXCLUSIVE_KERNEL='$re':$bad" test -z "$bad"

# --- DKMS build of the packaged source against the installed 6.1 headers --------
if [ -z "${PV_PKG_NO_DKMS:-}" ] && [ -n "$k61" ]; then
	if [ -e "/usr/src/pv-drivers-$ver" ] || dkms status -m pv-drivers -v "$ver" 2>/dev/null | grep -q .; then
		fail dkms-build "pv-drivers $ver is already in /usr/src or the DKMS tree: not touching it"
	else
		mok_existed=; [ -e /var/lib/dkms/mok.key ] && mok_existed=1
		cleanup_dkms="dkms remove -m pv-drivers -v '$ver' --all >/dev/null 2>&1; rm -rf '/usr/src/pv-drivers-$ver'"
		[ -z "$mok_existed" ] && cleanup_dkms="$cleanup_dkms; rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub"
		cp -a "$tmp/deb$s" /usr/src/
		t0=$(date +%s)
		if dkms add -m pv-drivers -v "$ver" >"$tmp/dkms.log" 2>&1 &&
		   dkms build -m pv-drivers -v "$ver" -k "$k61" >>"$tmp/dkms.log" 2>&1; then
			pass "dkms-build $k61 ($(($(date +%s) - t0)) s)"
			grep -q 'bad exit status' "$tmp/dkms.log" &&
				fail dkms-clean "a DKMS step reported a bad exit status: $(grep 'bad exit' "$tmp/dkms.log" | head -1)" ||
				pass dkms-clean
			bad=
			for m in pv_core pv_vmi pv_clock pv_blk pv_net; do
				f=$(ls /var/lib/dkms/pv-drivers/"$ver"/"$k61"/*/module/$m.ko* 2>/dev/null | head -n1)
				if [ -z "$f" ]; then bad="$bad $m(missing)"; continue; fi
				mv=$(modinfo -F version "$f")
				echo "  modinfo: $m $mv"
				[ "$mv" = "$ver" ] || bad="$bad $m($mv)"
			done
			check dkms-modinfo-version "modinfo -F version differs from $ver:$bad" test -z "$bad"
			# POST_BUILD: pv_core's Module.symvers in DKMS's directory
			# of this version and kernel (docs/packaging.md).
			symvers=/var/lib/dkms/pv-drivers/$ver/$k61/$(uname -m)/Module.symvers
			check dkms-symvers-post-build "no pv_core exports in $symvers ($(grep -A3 'post_build' "$tmp/dkms.log" | tr '\n' ' '))" \
				grep -q '[[:space:]]__pv_hypervisor_register[[:space:]].*PV_CORE' "$symvers"
		else
			fail "dkms-build $k61" "$(tail -5 "$tmp/dkms.log" | tr '\n' ' ') ($(ls /var/lib/dkms/pv-drivers/"$ver"/build/make.log 2>/dev/null))"
		fi
		eval "$cleanup_dkms"; cleanup_dkms=
		check dkms-cleanup "pv-drivers $ver left behind" \
			bash -c "! dkms status -m pv-drivers -v '$ver' 2>/dev/null | grep -q . && [ ! -e '/usr/src/pv-drivers-$ver' ]"
		check dkms-symvers-removed "left behind: /var/lib/dkms/pv-drivers/$ver/$k61" \
			test ! -e "/var/lib/dkms/pv-drivers/$ver/$k61"
	fi
fi

# --- install test and module signing test in a booted system -------------------
# install.sh's PASS/FAIL lines count here; its own total does not.
if [ -n "${PV_PKG_NO_INSTALL:-}" ]; then
	echo "  install test NOT RUN (PV_PKG_NO_INSTALL is set)"
else
	install_rc="" ifailed=0
	while IFS= read -r line; do
		case $line in
		"PASS "*) echo "$line"; passed=$((passed + 1)) ;;
		"FAIL "*) echo "$line"; failed=$((failed + 1)); ifailed=$((ifailed + 1)) ;;
		"INSTALL-RC "*) install_rc=${line#INSTALL-RC } ;;
		*" passed, "*" failed") echo "  install.sh: $line" ;;
		*) echo "$line" ;;
		esac
	done < <("$top/tests/pkg/install.sh" "$deb" 2>&1; echo "INSTALL-RC $?")
	[ "$install_rc" = 0 ] || [ "$ifailed" -gt 0 ] ||
		fail install "tests/pkg/install.sh exited $install_rc without reporting a failure"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
