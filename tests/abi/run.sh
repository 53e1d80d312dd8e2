#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/abi/run.sh: the pv ABI check (docs/pv-abi.md, abi/README.md), and
# proof that it catches what the policy forbids.
#
#   1. abi-check: pv_core built from this tree against the stock kernel's
#      headers matches abi/pv-<PV_ABI_MAJOR>.<PV_ABI_MINOR>.xml, and is
#      compatible with every representation of the same major.
#   2. For each change below, a scratch copy of the tree with that change
#      applied is built and checked; the check must give the verdict the
#      policy gives: incompatible changes need a new major, compatible ones
#      a minor bump and a new representation.
#   3. docs/pv-abi.md is what scripts/abi-doc.py makes of docs/src/pv-abi.md
#      and the headers' kernel-doc: a header whose kernel-doc changed without
#      `make abi-doc`, or a member without its description, fails.
#   4. MODVERSIONS: pv_core's export CRCs (Module.symvers) stay the same
#      for the compatible changes (PV_ABI_EXTEND, PV_ABI_USE), so a module
#      built for M.0 still loads next to pv_core M.n, and change for an
#      incompatible one.
#
# Prints "PASS name" / "FAIL name: why" per check, then "N passed, N
# failed"; exits non-zero if anything failed. Needs abigail-tools (abidw),
# installed if missing. About 3 minutes: one pv_core build per case.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/lib.sh"

pv_need_host
pv_need abigail-tools
kver=$(pv_stock_kver)
kdir=/lib/modules/$kver/build

passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

tmp=$(mktemp -d /tmp/pv-abitest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# scratch NAME: a copy of the tree in $tmp/NAME whose Kbuild builds only
# pv_core (with the project's flags), ready for a change.
scratch() {
	local t=$tmp/$1
	mkdir -p "$t"
	rsync -a --exclude=.git --exclude-from="$top/.gitignore" "$top/" "$t/"
	sed -i '/^obj-m/,$d' "$t/Kbuild"
	echo 'obj-m += modules/pv_core/' >>"$t/Kbuild"
	echo "$t"
}

# build DIR: build pv_core in DIR; the log is DIR/build.log.
build() {
	make -C "$kdir" M="$1" PV_VERSION=0-abitest modules >"$1/build.log" 2>&1
}

# verdict DIR: run the check on DIR's build; output in DIR/check.log.
verdict() {
	python3 "$1/scripts/abi.py" check --object "$1/modules/pv_core/pv_core.o" \
		--headers "$1/include/pv" --abi-dir "$1/abi" >"$1/check.log" 2>&1
}

# crcs DIR: pv_core's exports and their CRCs, sorted.
crcs() { awk '{ print $2, $1 }' "$1/Module.symvers" | sort; }

# edit FILE PYTHON-EXPR: rewrite FILE with s = EXPR(s); fail loudly when
# the change did not apply (the header moved on and the case is stale).
edit() {
	python3 - "$1" "$2" <<'EOF'
import sys
path, expr = sys.argv[1], sys.argv[2]
s = open(path).read()
new = eval(expr, {"s": s})
if new == s:
    sys.exit("edit: %s unchanged by %s" % (path, expr))
open(path, "w").write(new)
EOF
}

# judge NAME EXPECT PATTERN RC LOG: a check that exited RC, its output in
# LOG, against what was expected: EXPECT "pass" or "fail", and PATTERN in
# LOG (the reason given).
judge() {
	local name=$1 expect=$2 pattern=$3 rc=$4 log=$5
	if [ "$expect" = pass ] && [ "$rc" -ne 0 ]; then
		fail "$name" "check failed: $(head -5 "$log" | tr '\n' ' ')"
	elif [ "$expect" = fail ] && [ "$rc" -eq 0 ]; then
		fail "$name" "check passed a change it must refuse: $(tail -3 "$log" | tr '\n' ' ')"
	elif ! grep -qF -- "$pattern" "$log"; then
		fail "$name" "check gave another reason than '$pattern': $(head -5 "$log" | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

# case_expect NAME EXPECT PATTERN FILE EXPR...: apply each (FILE, EXPR) to a
# scratch tree, build, check. EXPECT is "pass" or "fail"; PATTERN must
# appear in the check's output (the reason the policy gives).
case_expect() {
	local name=$1 expect=$2 pattern=$3 t
	shift 3
	t=$(scratch "$name")
	while [ $# -ge 2 ]; do
		edit "$t/$1" "$2" || { fail "$name" "change did not apply"; return; }
		shift 2
	done
	if ! build "$t"; then
		fail "$name" "build failed: $(grep -m3 -E 'error' "$t/build.log" | tr '\n' ' ')"
		return
	fi
	verdict "$t"
	judge "$name" "$expect" "$pattern" $? "$t/check.log"
}

# 1. The tree as it is.
base=$(scratch base)
if ! build "$base"; then
	fail abi-build "pv_core does not build: $(tail -5 "$base/build.log" | tr '\n' ' ')"
	echo "$passed passed, $failed failed"
	exit 1
fi
if verdict "$base"; then
	pass "abi-check (pv ABI $(sed -n 's/.*pv ABI \([0-9.]*\):.*/\1/p' "$base/check.log"))"
else
	fail abi-check "$(tr '\n' ' ' <"$base/check.log")"
fi
# The CRC checks below mean something only if every export has a CRC.
if ! grep -q 'pv_class_name' "$base/Module.symvers" ||
	grep -q '^0x00000000' "$base/Module.symvers"; then
	fail abi-modversions "pv_core's exports lack CRCs in $kdir (CONFIG_MODVERSIONS?)"
fi

major=$(sed -n 's/^#define[[:space:]]*PV_ABI_MAJOR[[:space:]]*\([0-9]*\).*/\1/p' "$top/include/pv/pv.h")
minor=$(sed -n 's/^#define[[:space:]]*PV_ABI_MINOR[[:space:]]*\([0-9]*\).*/\1/p' "$top/include/pv/pv.h")
next_minor="s.replace('#define PV_ABI_MINOR\t\t$minor', '#define PV_ABI_MINOR\t\t$((minor + 1))')"

# 2. Incompatible changes: each needs a new major.
case_expect field-inserted fail "needs a new major" \
	include/pv/blk.h "s.replace('\tu64 capacity;\n', '\tu64 capacity;\n\tu32 pv_inserted;\n', 1)"
case_expect ops-reordered fail "needs a new major" \
	include/pv/net.h "s.replace('\tint (*poll)(struct pv_device *pdev, u16 queue, int budget);\n\tvoid (*irq_enable)(struct pv_device *pdev, u16 queue);\n', '\tvoid (*irq_enable)(struct pv_device *pdev, u16 queue);\n\tint (*poll)(struct pv_device *pdev, u16 queue, int budget);\n', 1)"
case_expect enum-renumbered fail "renumbered" \
	include/pv/blk.h "s.replace('\tPV_BLK_OP_WRITE,\n', '\tPV_BLK_OP_WRITE,\n\tPV_BLK_OP_INSERTED,\n', 1)"
case_expect feature-bit-moved fail "needs a new major" \
	include/pv/blk.h "s.replace('PV_BLK_F_FUA\t\tBIT_ULL(2)', 'PV_BLK_F_FUA\t\tBIT_ULL(9)', 1)"
case_expect fixed-struct-grown fail "structure of fixed size" \
	include/pv/blk.h "s.replace('\tPV_ABI_RESERVE(4)\n', '\tPV_ABI_RESERVE(4)\n\tu32 pv_appended;\n', 1)"
case_expect member-retyped fail "needs a new major" \
	include/pv/clock.h "s.replace('\tu32 rating;', '\tu64 rating;', 1)"
case_expect export-removed fail "function pv_device_set_features removed" \
	modules/pv_core/device.c "s.replace('PV_EXPORT_SYMBOL(pv_device_set_features);', '', 1)"

# Compatible changes: they need a minor bump and a new representation...
blk_op_appended="s.replace('\t\t\t\t\t      struct pv_blk_req *req);\n};', '\t\t\t\t\t      struct pv_blk_req *req);\n\tPV_ABI_EXTEND(int (*pv_appended)(struct pv_device *pdev))\n};', 1)"
reserved_used="s.replace('\tPV_ABI_RESERVE(1)\n\tPV_ABI_RESERVE(2)\n\tPV_ABI_RESERVE(3)', '\tPV_ABI_USE(1, u32 pv_new_limit)\n\tPV_ABI_RESERVE(2)\n\tPV_ABI_RESERVE(3)', 1)"
case_expect op-appended-no-bump fail "bump PV_ABI_MINOR" \
	include/pv/blk.h "$blk_op_appended"
case_expect reserved-used-no-bump fail "bump PV_ABI_MINOR" \
	include/pv/blk.h "$reserved_used"
case_expect op-appended-no-representation fail "no representation of pv ABI $major.$((minor + 1))" \
	include/pv/blk.h "$blk_op_appended" include/pv/pv.h "$next_minor"
case_expect enum-extended-no-bump fail "bump PV_ABI_MINOR" \
	include/pv/blk.h "s.replace('\tPV_BLK_OP_WRITE_ZEROES,\n', '\tPV_BLK_OP_WRITE_ZEROES,\n\tPV_BLK_OP_APPENDED,\n', 1)"

# ...and with both, they pass, checked against every earlier minor.
t=$(scratch minor-release)
if edit "$t/include/pv/blk.h" "$blk_op_appended" &&
	edit "$t/include/pv/blk.h" "$reserved_used" &&
	edit "$t/include/pv/pv.h" "$next_minor" && build "$t" &&
	python3 "$t/scripts/abi.py" update --object "$t/modules/pv_core/pv_core.o" \
		--headers "$t/include/pv" --abi-dir "$t/abi" >"$t/update.log" 2>&1 &&
	verdict "$t"; then
	pass "minor-release (compatible with $major.$minor, check of $major.$((minor + 1)) passes)"
else
	fail minor-release "$(cat "$t/build.log" "$t/update.log" "$t/check.log" 2>/dev/null | tail -8 | tr '\n' ' ')"
fi

# 3. The reference in docs/pv-abi.md is the headers' kernel-doc.
# doc_check NAME EXPECT PATTERN [FILE EXPR]: scripts/abi-doc.py --check on
# a scratch copy, with the change applied.
doc_check() {
	local name=$1 expect=$2 pattern=$3 t
	t=$tmp/doc-$name
	mkdir -p "$t"
	rsync -a --exclude=.git --exclude-from="$top/.gitignore" "$top/" "$t/"
	[ $# -lt 5 ] || edit "$t/$4" "$5" || { fail "$name" "change did not apply"; return; }
	python3 "$t/scripts/abi-doc.py" --check --kernel-doc "$kdir/scripts/kernel-doc" \
		--top "$t" --source "$t/docs/src/pv-abi.md" --out "$t/docs/pv-abi.md" \
		>"$t/doc.log" 2>&1
	judge "$name" "$expect" "$pattern" $? "$t/doc.log"
}
doc_check abi-doc-current pass "matches the headers"
doc_check abi-doc-stale fail "run make abi-doc" \
	include/pv/clock.h "s.replace('counter frequency in Hz', 'counter frequency in hertz', 1)"
doc_check abi-doc-undocumented-member fail "not described in 'pv_clock_config'" \
	include/pv/clock.h "s.replace('\tu32 rating;', '\tu32 rating;\n\tu32 undocumented;', 1)"

# 4. MODVERSIONS CRCs.
for c in op-appended-no-bump reserved-used-no-bump enum-extended-no-bump; do
	if [ -f "$tmp/$c/Module.symvers" ] && diff <(crcs "$base") <(crcs "$tmp/$c") >"$tmp/$c.crc.diff"; then
		pass "crc-stable-$c"
	else
		fail "crc-stable-$c" "export CRCs changed: $(head -6 "$tmp/$c.crc.diff" | tr '\n' ' ')"
	fi
done
if [ -f "$tmp/field-inserted/Module.symvers" ] &&
	! diff -q <(crcs "$base") <(crcs "$tmp/field-inserted") >/dev/null; then
	pass crc-changes-field-inserted
else
	fail crc-changes-field-inserted "an incompatible layout change kept every export CRC"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
