# SPDX-License-Identifier: GPL-2.0
#
# tests/pkg/lib.sh: sourced by the packaging tests. The project's helpers
# (scripts/lib.sh) and one result line per check, counted.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/scripts/lib.sh"

passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
check() { # check NAME WHY-IF-FALSE COMMAND...
	local name=$1 why=$2; shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}
