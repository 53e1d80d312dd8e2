#!/bin/bash
# tests/fuzz/run.sh [--seconds N] [PARSER...]
#
# The short fuzz run: builds the libFuzzer harnesses (tests/fuzz/Makefile,
# into $PV_CACHE/fuzz), replays the committed reproducers in
# tests/fuzz/crashes/ (a parser whose reproducer still fails is a FAIL,
# and is fuzzed past that known bug for anything else), then runs each harness for N seconds (default 20,
# -max_total_time) on a copy of its seed corpus tests/fuzz/corpus/PARSER.
# Prints one line per harness:
#   PASS fuzz/<parser>: N execs, cov C, ft F
#   FAIL fuzz/<parser>: <crash summary> (reproducer: path)
# then "N passed, N failed"; exit status 1 when anything failed. Logs,
# corpora and reproducers of the run are in $PV_OUT/fuzz/<parser>/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"
. "$here/lib.sh"

usage() { sed -n '2,/^set /s/^# \{0,1\}//p' "$0" >&2; exit 2; }
secs=20
parsers=()
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) secs=$2; shift 2 ;;
	-h|--help) usage ;;
	-*) echo "run.sh: unknown option $1" >&2; usage ;;
	*) parsers+=("$1"); shift ;;
	esac
done
[ ${#parsers[@]} -gt 0 ] || read -r -a parsers <<<"$FUZZ_PARSERS"
[ ${#parsers[@]} -gt 0 ] || { echo "run.sh: no parsers (make -C $FUZZ_DIR list failed)" >&2; exit 2; }
for p in "${parsers[@]}"; do
	[[ " $FUZZ_PARSERS " == *" $p "* ]] || { echo "run.sh: unknown parser '$p' ($FUZZ_PARSERS)" >&2; exit 2; }
done

passed=0
failed=0

# The build cache is shared by every checkout on the machine (CI builds a
# fresh one beside the developer's): objects left by a checkout that has
# since gone must not break this one's build. Cheap: one small parser, in a
# cache of its own.
moved_checkout_builds() {
	local tmp kv khdr="" rc
	tmp=$(mktemp -d) || return 1
	mkdir -p "$tmp/gone/tests" && cp -a "$PV_TOP/modules" "$tmp/gone/" &&
		cp -a "$FUZZ_DIR" "$tmp/gone/tests/" || { rm -rf "$tmp"; return 1; }
	kv=$(pv_stock_kver 2>/dev/null) && khdr=$(readlink -f "/lib/modules/$kv/source")
	make -s -C "$tmp/gone/tests/fuzz" OUT="$tmp/out" ${khdr:+KHDR="$khdr"} time_proto \
		>"$PV_OUT/fuzz/moved.log" 2>&1 && rm -rf "$tmp/gone" &&
		make -s -C "$FUZZ_DIR" OUT="$tmp/out" ${khdr:+KHDR="$khdr"} time_proto \
			>>"$PV_OUT/fuzz/moved.log" 2>&1
	rc=$?
	rm -rf "$tmp"
	return $rc
}
if fuzz_build "${parsers[@]}"; then
	if moved_checkout_builds; then
		echo "PASS fuzz/build-after-checkout-moved"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz/build-after-checkout-moved: objects of a removed checkout broke the build (log: $PV_OUT/fuzz/moved.log)"
		failed=$((failed + 1))
	fi
else
	for p in "${parsers[@]}"; do
		echo "FAIL fuzz/$p: build failed (log: $PV_OUT/fuzz/build.log)"
	done
	echo "0 passed, ${#parsers[@]} failed"
	exit 1
fi

# fuzz_run PARSER WORK: the timed run; sets execs cov ft repro rc
fuzz_run() {
	"$FUZZ_OUT/fuzz_$1" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$2/" "$2/corpus" >"$2/log" 2>&1
	rc=$?
	read -r execs cov ft < <(fuzz_stats "$2/log")
	repro=$(ls -1 "$2"/crash-* "$2"/leak-* "$2"/timeout-* "$2"/oom-* 2>/dev/null | head -n1)
}

for p in "${parsers[@]}"; do
	work=$PV_OUT/fuzz/$p
	rm -rf "$work"
	mkdir -p "$work/corpus"
	cp "$FUZZ_DIR/corpus/$p"/* "$work/corpus/" 2>/dev/null
	pv_log "fuzz/$p: ${secs}s"
	if r=$(fuzz_replay "$p" "$work/replay.log"); then
		fuzz_run "$p" "$work"
		if [ "$rc" -eq 0 ] && [ -z "$repro" ]; then
			echo "PASS fuzz/$p: $execs execs, cov $cov, ft $ft"
			passed=$((passed + 1))
			continue
		fi
		echo "FAIL fuzz/$p: $(fuzz_crash_summary "$work/log") (reproducer: ${repro:-none}; log: $work/log)"
	else
		# A committed reproducer still fails: the parser is not fixed. Fuzz
		# the rest of it anyway, past that known bug (CHECK_KNOWN), and say
		# whether anything else turned up.
		PV_FUZZ_KNOWN=$(cd "$FUZZ_DIR/crashes" && ls -1 "$p"-* | sed "s/^$p-//" | tr '\n' ' ') \
			fuzz_run "$p" "$work"
		if [ "$rc" -eq 0 ] && [ -z "$repro" ]; then
			rest="past it: $execs execs, cov $cov, ft $ft, no other crash"
		else
			rest="past it, another: $(fuzz_crash_summary "$work/log") (reproducer: ${repro:-none})"
		fi
		echo "FAIL fuzz/$p: $(fuzz_crash_summary "$work/replay.log") (reproducer: $r); $rest"
	fi
	failed=$((failed + 1))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
