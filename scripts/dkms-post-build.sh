#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dkms-post-build.sh DIR: DKMS's POST_BUILD for pv-drivers (dkms.conf).
#
# DKMS runs it in its build directory right after a successful build for
# one kernel. DIR is DKMS's own directory of this version and kernel,
# $dkms_tree/pv-drivers/VERSION/KVER/ARCH: DKMS creates it just before
# (log/, module/) and deletes it in `dkms remove` and `dkms unbuild`, and
# `dkms install` points $dkms_tree/pv-drivers/kernel-KVER-ARCH at it.
# pv_core's Module.symvers goes there, so that a backend built outside
# this tree finds the exports (and their CRCs) of exactly the pv_core
# installed for KVER, and removal takes it away with the modules
# (docs/packaging.md, "Building a backend outside the tree").
set -eu
dir=${1:?usage: dkms-post-build.sh DKMS-KERNEL-DIR}
[ -d "$dir" ] || { echo "dkms-post-build.sh: no directory $dir" >&2; exit 1; }
grep -q '[[:space:]]__pv_hypervisor_register[[:space:]]' Module.symvers || {
	echo "dkms-post-build.sh: Module.symvers lacks pv_core's exports" >&2
	exit 1
}
install -m 644 Module.symvers "$dir/Module.symvers"
echo "pv_core's Module.symvers: $dir/Module.symvers"
