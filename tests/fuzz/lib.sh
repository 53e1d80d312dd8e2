# shellcheck shell=bash
# Shared by tests/fuzz/run.sh and scripts/fuzz. Source it after scripts/lib.sh.

FUZZ_DIR=$PV_TOP/tests/fuzz
FUZZ_OUT=${PV_FUZZ_OUT:-$PV_CACHE/fuzz}		# harness binaries (cached build)
FUZZ_PARSERS=$(make -s --no-print-directory -C "$FUZZ_DIR" list 2>/dev/null)

# fuzz_build [PARSER...]: install the toolchain, build the harnesses; on
# failure print the log's tail and return 1.
fuzz_build() {
	local kv khdr=
	pv_need make clang-14 libclang-rt-14-dev linux-headers-amd64
	# The Xen and SCSI ABI headers come from the stock kernel's headers.
	kv=$(pv_stock_kver 2>/dev/null) && khdr=$(readlink -f "/lib/modules/$kv/source")
	mkdir -p "$FUZZ_OUT" "$PV_OUT/fuzz"
	make -s --no-print-directory -C "$FUZZ_DIR" OUT="$FUZZ_OUT" ${khdr:+KHDR="$khdr"} "$@" \
		>"$PV_OUT/fuzz/build.log" 2>&1 ||
		{ tail -n 20 "$PV_OUT/fuzz/build.log" >&2; return 1; }
}

# fuzz_crash_summary LOG: one line saying what went wrong.
fuzz_crash_summary() {
	local log=$1 s
	s=$(grep -m1 -E '^INVARIANT ' "$log") ||
		s=$(grep -m1 -E 'runtime error:' "$log") ||
		s=$(grep -m1 -E '^==[0-9]+==ERROR: ' "$log" | sed 's/^==[0-9]*==//') ||
		s=$(grep -m1 -E '^(WARNING|BUG): ' "$log") ||
		s=$(grep -m1 -E 'libFuzzer: |^SUMMARY: ' "$log") ||
		s="exited without a libFuzzer verdict"
	s=${s#INVARIANT }
	s=${s//$PV_TOP\//}
	echo "$s"
}

# fuzz_stats LOG: "EXECS COV FT" from a libFuzzer log (-print_final_stats=1).
fuzz_stats() {
	local log=$1 execs cov ft
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	cov=$(grep -oE '^#[0-9]+[[:space:]]+[A-Z]+ +cov: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+$')
	ft=$(grep -oE '^#[0-9]+[[:space:]]+[A-Z]+ +cov: [0-9]+ ft: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+$')
	echo "${execs:-0} ${cov:-0} ${ft:-0}"
}

# fuzz_replay PARSER LOG: run the committed reproducers of PARSER
# (tests/fuzz/crashes/PARSER-*); prints the first that still fails.
fuzz_replay() {
	local p=$1 log=$2 r
	for r in "$FUZZ_DIR"/crashes/"$p"-*; do
		[ -f "$r" ] || continue
		"$FUZZ_OUT/fuzz_$p" "$r" >"$log" 2>&1 || { echo "${r#$PV_TOP/}"; return 1; }
	done
	return 0
}
