#!/bin/bash
# build-modules.sh KDIR: build every module, test-only ones included, against
# the kernel tree or headers in KDIR, in a copy of the source tree kept per
# kernel under $PV_OUT/build (so builds for several kernels never clobber
# each other or the checkout). Prints that directory as the last line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: build-modules.sh KDIR}
[ -f "$kdir/Makefile" ] || pv_die "$kdir is not a kernel build tree"
kdir=$(cd "$kdir" && pwd -P)
# One tree per kernel and checkout: two checkouts never share build products.
key=$(echo "$kdir" | sed 's|^/||; s|[^A-Za-z0-9.]|_|g')-$(echo "$PV_TOP" | sha256sum | cut -c1-8)
dst=$PV_OUT/build/$key
mkdir -p "$dst"
# One build at a time per tree: concurrent runs wait rather than collide.
exec 9>"$dst.lock"
flock 9

rsync -a --delete --exclude=.git --exclude-from="$PV_TOP/.gitignore" \
	"$PV_TOP/" "$dst/"
version=$("$PV_TOP/scripts/version.sh")
if ! make -C "$dst" KDIR="$kdir" PV_VERSION="$version" tests \
	>"$dst/build.log" 2>&1; then
	grep -E 'error|warning' "$dst/build.log" | head -40 >&2 || tail -40 "$dst/build.log" >&2
	pv_die "module build against $kdir failed (log: $dst/build.log)"
fi
# Modules built here earlier that this tree no longer has must not be
# picked up: keep only what modules.order lists (absolute or relative,
# .ko or .o depending on the kernel).
wanted=$(sed -e "s|^$dst/||" -e 's|\.o$|.ko|' "$dst/modules.order")
find "$dst" -name '*.ko' | while read -r ko; do
	grep -qxF "${ko#"$dst"/}" <<<"$wanted" || rm -f "$ko"
done
echo "$dst"
