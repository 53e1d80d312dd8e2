#!/bin/bash
# tests/vm/run.sh [--kernel stock|kunit|debug] [--label NAME] [SCENARIO...]
#
# Runs each scenario (default: tests/vm/scenarios/*.sh, sorted) in its own
# QEMU TCG VM and prints one line per check:
#   PASS <scenario>/<check>
#   FAIL <scenario>/<check>: <reason>
#   FAIL <scenario>: timeout after Ns | crash: <line> | no DONE marker | setup: ...
#   NOTE <scenario>: <text>
# then, for each failing scenario, "log: <path>", and as the very last line
# "N passed, N failed". Exit status 1 when anything failed.
#
# A SCENARIO is a path or a name in tests/vm/scenarios (with or without .sh).
# --kernel overrides the "#@ kernel:" line of every scenario.
# --label NAME prefixes every result line's scenario ("PASS NAME/<scenario>/
# <check>") and keeps logs in $PV_OUT/NAME/ instead of $PV_OUT/vm/;
# --kernel debug implies --label debug (the debug phase of scripts/test).
#
# The debug kernel (scripts/debug-kernel.sh: KASAN, UBSAN, lockdep, debug
# objects, KFENCE, kmemleak, fault injection) runs every scenario unchanged,
# with these differences: timeouts times $PV_DEBUG_TIMEOUT_SCALE (default 4),
# the guest's wait_for too (pvtest_slow=), RCU's stall timeout 120 s, the
# bzImage booted (PV_VM_PVH=0: its PVH entry cannot run KASAN's code),
# pvtest_kmemleak=1 (tests/vm/init loads tests/debug/pvtest_modmap.ko first
# and runs kmemleak_check after the scenario: check "kmemleak_clean"), and
# kmemleak's own "N new suspected memory leaks" line allowed (that check
# judges the leaks).
#
# Scenario header lines ("#@ key: value"; repeatable keys accumulate):
#   kernel: stock|kunit|debug  stock: Debian's kernel (pv_stock_kver); kunit:
#                         scripts/kunit-kernel.sh's; debug: scripts/debug-kernel.sh's
#                                                                  (default stock)
#   modules: m1 m2        in-tree modules for the initramfs (dependencies follow)
#   tools: ethtool fio    host programs for the initramfs; a name with a
#                         source tests/tools/NAME.c is the project's own tool,
#                         built static into $PV_OUT/tools first
#   extra: project        the project's modules (scripts/build-modules.sh KDIR,
#                         every *.ko under the directory it prints); a path to
#                         a .ko or to a directory of them works too
#   qemu: ARGS            extra QEMU arguments, split like shell words (quotes
#                         and backslashes; no expansion): -smbios "type=1,serial=a b"
#   append: ARGS          extra kernel command line
#   mdev: yes|no          busybox mdev loads modules by MODALIAS (default no)
#   timeout: SECONDS      VM wall-clock limit (default 120)
#   boot: pvh|firmware    how the stock kernel is entered: its PVH entry
#                         (default, half the boot time under TCG) or the
#                         bzImage through QEMU's firmware (PV_VM_PVH=0);
#                         firmware for what PVH cannot do, such as resume
#                         from S3
#   allow: REGEX          console lines matching REGEX are not crash signatures
#   prepare: CMD ARGS     run on the host before the boot (e.g. make disk images)
#   verify: CMD ARGS      run on the host after the VM exits; it prints
#                         "PASS check" / "FAIL check: why" lines, counted as
#                         the scenario's own
#   host: CMD ARGS        a server for the guest, started on the host just
#                         before the boot, killed when the VM ends (at the
#                         latest 10 s after the timeout); it must listen on
#                         127.0.0.1 only (the guest reaches it as 10.0.2.2
#                         through -netdev user); output in @WORK@/host.log
#   In qemu, prepare, host and verify values, @WORK@ stands for a scratch directory
#   of the scenario's own ($PV_OUT/vm/<scenario>.d, emptied before each run)
#   and @TOP@ for the repository; in host values, @TIMEOUT@ for the VM's
#   timeout in seconds (scaled on the debug kernel: a host server's lifetime).
#
# Environment: PV_OUT (logs under $PV_OUT/vm/), PV_BUILD_MODULES (a stand-in
# for scripts/build-modules.sh), PV_VM_CONSOLE=1 (raw console to stderr),
# PV_DEBUG_TIMEOUT_SCALE (see above).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib.sh"

usage() { sed -n '2,/^set /s/^# \{0,1\}//p' "$0" >&2; exit 2; }

force_kernel=
label=
scenarios=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) force_kernel=$2; shift 2 ;;
	--label) label=$2; shift 2 ;;
	-h|--help) usage ;;
	-*) echo "run.sh: unknown option $1" >&2; usage ;;
	*) scenarios+=("$1"); shift ;;
	esac
done
case $force_kernel in ""|stock|kunit|debug) ;; *) echo "run.sh: --kernel stock|kunit|debug" >&2; exit 2 ;; esac
[ "$force_kernel" = debug ] && [ -z "$label" ] && label=debug
if [ -n "$label" ] && [[ ! $label =~ ^[A-Za-z0-9_.-]+$ ]]; then
	echo "run.sh: bad --label '$label'" >&2; exit 2
fi
lp=${label:+$label/}	# prefix of every result line's scenario name
debug_scale=${PV_DEBUG_TIMEOUT_SCALE:-4}
[[ $debug_scale =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: bad PV_DEBUG_TIMEOUT_SCALE '$debug_scale'" >&2; exit 2; }

sdir=$PV_TOP/tests/vm/scenarios
if [ ${#scenarios[@]} -eq 0 ]; then
	while IFS= read -r f; do scenarios+=("$f"); done < <(LC_ALL=C ls -1 "$sdir"/*.sh 2>/dev/null)
	[ ${#scenarios[@]} -gt 0 ] || { echo "run.sh: no scenarios in $sdir" >&2; exit 2; }
fi

pv_need qemu-system-x86 busybox-static kmod cpio
outdir=$PV_OUT/${label:-vm}
mkdir -p "$outdir"

# --- kernels, resolved once per run -----------------------------------------
declare -A K_BZ K_KV K_MODDIR K_KDIR K_ERR EXTRA_DIR EXTRA_ERR
kernel_setup() { # kernel_setup stock|kunit|debug: fills K_*[$1] or K_ERR[$1]
	local k=$1 kv dir root
	[ -n "${K_BZ[$k]:-}${K_ERR[$k]:-}" ] && return 0
	case $k in
	stock)
		pv_need linux-image-amd64 linux-headers-amd64
		kv=$(pv_stock_kver) || { K_ERR[$k]="no stock kernel"; return 0; }
		K_BZ[$k]=/boot/vmlinuz-$kv K_KV[$k]=$kv K_MODDIR[$k]=/ K_KDIR[$k]=/lib/modules/$kv/build
		;;
	kunit)
		[ -x "$PV_TOP/scripts/kunit-kernel.sh" ] || { K_ERR[$k]="scripts/kunit-kernel.sh missing"; return 0; }
		dir=$("$PV_TOP/scripts/kunit-kernel.sh" | tail -n 1)
		[ -n "$dir" ] && [ -f "$dir/arch/x86/boot/bzImage" ] ||
			{ K_ERR[$k]="scripts/kunit-kernel.sh failed (no bzImage)"; return 0; }
		kv=$(cat "$dir/include/config/kernel.release")
		# Its modules, installed once per build into a root for mkinitramfs.
		root=$outdir/kunit-modroot
		if [ ! -f "$root/.stamp" ] || [ "$(cat "$root/.stamp")" != "$dir $(stat -c %Y "$dir/arch/x86/boot/bzImage")" ]; then
			rm -rf "$root"
			mkdir -p "$root/lib/modules/$kv"
			if grep -q '^CONFIG_MODULES=y' "$dir/.config" && [ -s "$dir/modules.order" ]; then
				make -s -C "$dir" INSTALL_MOD_PATH="$root" DEPMOD=true modules_install \
					>"$outdir/kunit-modules_install.log" 2>&1 ||
					{ K_ERR[$k]="modules_install of $dir failed (see $outdir/kunit-modules_install.log)"; return 0; }
			else
				for f in modules.order modules.builtin modules.builtin.modinfo; do
					[ -f "$dir/$f" ] && cp "$dir/$f" "$root/lib/modules/$kv/"
				done
				touch "$root/lib/modules/$kv/modules.order" "$root/lib/modules/$kv/modules.builtin"
			fi
			echo "$dir $(stat -c %Y "$dir/arch/x86/boot/bzImage")" >"$root/.stamp"
		fi
		K_BZ[$k]=$dir/arch/x86/boot/bzImage K_KV[$k]=$kv K_MODDIR[$k]=$root K_KDIR[$k]=$dir
		;;
	debug)
		# Its modules (and tests/debug/pvtest_modmap.ko) installed into a
		# root for mkinitramfs by the script itself, once per build.
		root=$outdir/debug-modroot
		dir=$("$PV_TOP/scripts/debug-kernel.sh" --modroot "$root" 2>"$outdir/debug-kernel.err" | tail -n 1)
		[ -n "$dir" ] && [ -f "$dir/arch/x86/boot/bzImage" ] ||
			{ K_ERR[$k]="scripts/debug-kernel.sh failed: $(tail -n 3 "$outdir/debug-kernel.err" | tr '\n' ' ')"; return 0; }
		kv=$(cat "$dir/include/config/kernel.release")
		K_BZ[$k]=$dir/arch/x86/boot/bzImage K_KV[$k]=$kv K_MODDIR[$k]=$root K_KDIR[$k]=$dir
		;;
	*) K_ERR[$k]="unknown kernel '$k' (stock, kunit or debug)" ;;
	esac
}

# project_modules KERNEL: builds the project's modules for KERNEL once per
# run and sets EXTRA_DIR[KERNEL] to the directory build-modules.sh printed.
project_modules() {
	local k=$1 bm=${PV_BUILD_MODULES:-$PV_TOP/scripts/build-modules.sh} d
	[ -n "${EXTRA_DIR[$k]:-}" ] && return 0
	[ -n "${EXTRA_ERR[$k]:-}" ] && { echo "${EXTRA_ERR[$k]}"; return 1; }
	if [ ! -x "$bm" ]; then
		EXTRA_ERR[$k]="$bm missing"
	elif ! "$bm" "${K_KDIR[$k]}" >"$outdir/build-modules.out" 2>"$outdir/build-modules.err"; then
		EXTRA_ERR[$k]=$(tail -n 5 "$outdir/build-modules.err")
	else
		d=$(tail -n 1 "$outdir/build-modules.out")
		[ -d "$d" ] && EXTRA_DIR[$k]=$d && return 0
		EXTRA_ERR[$k]="$bm printed no directory"
	fi
	echo "${EXTRA_ERR[$k]}"
	return 1
}

# shell_words STRING: split like the shell (quotes, backslashes), NUL-separated.
shell_words() { xargs -r printf '%s\0' <<<"$1"; }

total_pass=0 total_fail=0 failed_logs=()

# project_tool NAME: build tests/tools/NAME.c into $PV_OUT/tools/NAME (static).
project_tool() {
	local src=$PV_TOP/tests/tools/$1.c bin=$PV_OUT/tools/$1
	mkdir -p "$PV_OUT/tools"
	[ "$bin" -nt "$src" ] && return 0
	gcc -static -O2 -Wall -Wextra -Werror -o "$bin" "$src" >"$outdir/tool-$1.err" 2>&1
}

run_scenario() {
	local file=$1 name key val kernel modules='' tools='' extra='' append='' mdev=no tmo=120
	local qemu=() allow=() words=() kos=() e f t0 t1 line prepare='' verify='' pvh=${PV_VM_PVH:-1}
	name=$(basename "$file" .sh)
	local log=$outdir/$name.log cpio=$outdir/$name.cpio
	local npass=0 nfail=0
	local host='' hpid=''
	setup_fail() {
		echo "FAIL $lp$name: setup: $*"
		total_fail=$((total_fail + 1))
		failed_logs+=("$lp$name: $log")
		echo "setup failed: $*" >"$log"
	}

	# header
	kernel=stock
	while IFS= read -r line; do
		[[ $line =~ ^#@[[:space:]]*([a-z]+):[[:space:]]*(.*)$ ]] || continue
		key=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]%"${BASH_REMATCH[2]##*[![:space:]]}"}
		case $key in
		kernel) kernel=$val ;;
		modules) modules+=" $val" ;;
		tools) tools+=" $val" ;;
		extra) extra+=" $val" ;;
		append) append+=" $val" ;;
		mdev) mdev=$val ;;
		timeout) tmo=$val ;;
		boot)
			case $val in pvh) ;; firmware) pvh=0 ;;
			*) setup_fail "bad boot '$val' (pvh|firmware)"; return ;; esac ;;
		allow) allow+=(--allow "$val") ;;
		prepare) prepare=$val ;;
		verify) verify=$val ;;
		host) host=$val ;;
		qemu)
			shell_words "$val" >/dev/null 2>&1 || { setup_fail "bad quoting in '#@ qemu: $val'"; return; }
			mapfile -d '' words < <(shell_words "$val")
			qemu+=("${words[@]}") ;;
		*) setup_fail "unknown header key '#@ $key:'"; return ;;
		esac
	done <"$file"
	[ -n "$force_kernel" ] && kernel=$force_kernel
	[[ $tmo =~ ^[0-9]+$ ]] || { setup_fail "bad timeout '$tmo'"; return; }
	if [ "$kernel" = debug ]; then
		tmo=$((tmo * debug_scale))
		modules+=" pvtest_modmap"
		# pvtest_slow: the guest's wait_for waits that many times longer.
		# The RCU stall timeout (21 s) is shorter than what one module
		# load takes on this kernel under TCG on a loaded host.
		append+=" pvtest_kmemleak=1 pvtest_slow=$debug_scale rcupdate.rcu_cpu_stall_timeout=120"
		allow+=(--allow 'kmemleak: [0-9]+ new suspected memory leaks')
		# Its PVH entry runs KASAN-instrumented C (xen_prepare_pvh) before
		# KASAN's early shadow exists: the guest resets at once. Boot the
		# bzImage (decompression in the guest: a few seconds more).
		pvh=0
	fi
	case $mdev in yes|1|true) append+=" pvtest_mdev=1" ;; no|0|false|"") ;;
	*) setup_fail "bad mdev '$mdev' (yes|no)"; return ;; esac

	local work=$outdir/$name.d
	rm -rf "$work"
	mkdir -p "$work"
	qemu=("${qemu[@]//@WORK@/$work}")
	qemu=("${qemu[@]//@TOP@/$PV_TOP}")
	prepare=${prepare//@WORK@/$work}
	prepare=${prepare//@TOP@/$PV_TOP}
	verify=${verify//@WORK@/$work}
	verify=${verify//@TOP@/$PV_TOP}
	host=${host//@WORK@/$work}
	host=${host//@TOP@/$PV_TOP}
	host=${host//@TIMEOUT@/$tmo}

	t0=$(date +%s%N)
	kernel_setup "$kernel"
	[ -z "${K_ERR[$kernel]:-}" ] || { setup_fail "kernel $kernel: ${K_ERR[$kernel]}"; return; }

	local tool resolved=''
	for tool in $tools; do
		if [ -f "$PV_TOP/tests/tools/$tool.c" ]; then
			project_tool "$tool" || { setup_fail "building tests/tools/$tool.c failed"; return; }
			resolved+=" $PV_OUT/tools/$tool"
		else
			resolved+=" $tool"
		fi
	done
	tools=$resolved

	for e in $extra; do
		case $e in
		project)
			project_modules "$kernel" >"$outdir/$name.extra.err" ||
				{ setup_fail "building the project's modules: $(tail -n 3 "$outdir/$name.extra.err" | tr '\n' ' ')"; return; }
			while IFS= read -r f; do kos+=("$f"); done < <(find "${EXTRA_DIR[$kernel]}" -name '*.ko' | sort) ;;
		*.ko) [ -f "$e" ] || { setup_fail "no module $e"; return; }
			kos+=("$e") ;;
		*) [ -d "$e" ] || { setup_fail "extra '$e' is neither 'project', a .ko nor a directory"; return; }
			while IFS= read -r f; do kos+=("$f"); done < <(find "$e" -name '*.ko' | sort) ;;
		esac
	done

	if ! "$PV_TOP/scripts/mkinitramfs.sh" --kver "${K_KV[$kernel]}" --moddir "${K_MODDIR[$kernel]}" \
		--modules "$modules" --extra "${kos[*]:-}" --tools "$tools" --scenario "$file" \
		-o "$cpio" 2>"$outdir/$name.mkinitramfs.err"; then
		setup_fail "mkinitramfs: $(tail -n 3 "$outdir/$name.mkinitramfs.err" | tr '\n' ' ')"
		return
	fi
	if [ -n "$prepare" ] && ! bash -c "$prepare" >"$work/prepare.log" 2>&1; then
		setup_fail "prepare '$prepare': $(tail -n 3 "$work/prepare.log" | tr '\n' ' ')"
		return
	fi
	t1=$(date +%s%N)
	rm -f "$outdir/$name.mkinitramfs.err" "$outdir/$name.extra.err"

	if [ -n "$host" ]; then
		timeout -k 2 $((tmo + 10)) bash -c "$host" >"$work/host.log" 2>&1 &
		hpid=$!
	fi
	while IFS= read -r line; do
		case $line in
		"PVTEST PASS "*)
			echo "PASS $lp$name/${line#PVTEST PASS }"; npass=$((npass + 1)) ;;
		"PVTEST FAIL $name: "*)
			echo "FAIL $lp$name: ${line#"PVTEST FAIL $name: "}"; nfail=$((nfail + 1)) ;;
		"PVTEST FAIL "*)
			echo "FAIL $lp$name/${line#PVTEST FAIL }"; nfail=$((nfail + 1)) ;;
		"PVTEST NOTE $name: vm wall time "*)
			echo "NOTE $lp$name: initramfs $(( (t1 - t0) / 1000000 ))ms, ${line#"PVTEST NOTE $name: "}" ;;
		"PVTEST NOTE "*)
			echo "NOTE $lp$name: ${line#PVTEST NOTE }" ;;
		esac
	done < <(PV_VM_PVH=$pvh "$PV_TOP/scripts/vm-run.sh" --kernel "${K_BZ[$kernel]}" --initrd "$cpio" \
		--append "pvtest_name=$name${append}" --timeout "$tmo" --log "$log" --name "$name" \
		"${allow[@]}" -- "${qemu[@]}")
	if [ -n "$hpid" ]; then
		kill "$hpid" 2>/dev/null
		wait "$hpid" 2>/dev/null
	fi
	[ $((npass + nfail)) -gt 0 ] || { echo "FAIL $lp$name: no results from vm-run.sh"; nfail=1; }
	if [ -n "$verify" ]; then
		local vlog=$work/verify.log vrc
		bash -c "$verify" >"$vlog" 2>&1
		vrc=$?
		while IFS= read -r line; do
			case $line in
			"PASS "*) echo "PASS $lp$name/${line#PASS }"; npass=$((npass + 1)) ;;
			"FAIL "*) echo "FAIL $lp$name/${line#FAIL }"; nfail=$((nfail + 1)) ;;
			esac
		done <"$vlog"
		if [ $vrc -ne 0 ] && ! grep -q '^FAIL ' "$vlog"; then
			echo "FAIL $lp$name: verify '$verify' exited $vrc: $(tail -n 2 "$vlog" | tr '\n' ' ')"
			nfail=$((nfail + 1))
		fi
	fi
	total_pass=$((total_pass + npass))
	total_fail=$((total_fail + nfail))
	[ "$nfail" -gt 0 ] && failed_logs+=("$lp$name: $log")
	return 0
}

for s in "${scenarios[@]}"; do
	f=$s
	[ -f "$f" ] || f=$sdir/${s%.sh}.sh
	if [ ! -f "$f" ]; then
		echo "FAIL $lp${s%.sh}: setup: no such scenario"
		total_fail=$((total_fail + 1))
		continue
	fi
	run_scenario "$f"
done

for l in "${failed_logs[@]}"; do echo "log: $l"; done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
