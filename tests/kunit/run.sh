#!/bin/bash
# tests/kunit/run.sh: run the project's KUnit suites.
#
# Builds (or reuses) the KUnit kernel (scripts/kunit-kernel.sh), builds the
# project's modules against it, boots it in QEMU with tests/kunit/vm-scenario.sh
# and parses the KTAP output case by case with tests/kunit/ktap.py.
# Prints PASS/FAIL lines (VM checks and KUnit cases) and exits 1 on any
# failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"

pv_need python3
"$PV_TOP/tests/vm/run.sh" "$here/vm-scenario.sh"
vm_rc=$?

log=$PV_OUT/vm/vm-scenario.log
[ -f "$log" ] || { echo "FAIL kunit: no VM log at $log"; exit 1; }
sed -n '/KTAP-LOG-BEGIN/,/KTAP-LOG-END/p' "$log" | tr -d '\r' >"$PV_OUT/kunit.ktap"
python3 "$here/ktap.py" "$PV_OUT/kunit.ktap"
ktap_rc=$?

[ $vm_rc -eq 0 ] && [ $ktap_rc -eq 0 ]
