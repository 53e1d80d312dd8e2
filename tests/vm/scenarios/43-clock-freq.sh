# pv_clock registers a counter at the frequency its backend reports, also
# above 4.29 GHz, where clocksource_register_hz()'s u32 would truncate it
# (4.5 GHz became ~205 MHz: time ran 22x fast). pv_testhv's clock device
# counts at clock_khz (the TSC scaled), so registering the wrong frequency
# shows as CLOCK_MONOTONIC running at the wrong rate against the HPET.
# Absurd frequencies are refused with one line.
#@ kernel: stock
#@ extra: project
#@ tools: clockcheck
#@ append: hpet_mmap=1
#@ timeout: 180

cs=/sys/devices/system/clocksource/clocksource0
# Whatever the kernel chose (hpet here: without an invariant TSC, TCG's tsc
# is marked unstable): the clock we go back to.
orig=$(cat $cs/current_clocksource)
note "current clocksource: $orig"
check core_loads modprobe pv_core

for khz in 4500000 5200000 1000000; do
	mhz=$((khz / 1000))
	dmesg_mark "$khz"
	check "${mhz}mhz_backend_loads" modprobe pv_testhv present=1 clock_khz=$khz || continue
	check "${mhz}mhz_pv_clock_loads" modprobe pv_clock
	wait_for 5 grep -qw pv-pvtest $cs/available_clocksource
	check "${mhz}mhz_registered" grep -qw pv-pvtest $cs/available_clocksource
	check "${mhz}mhz_logged" sh -c "dmesg | grep -q 'pv_clock pvclock0: clocksource pv-pvtest: $mhz.000000 MHz (reported by the hypervisor), rating 1$'"
	check "${mhz}mhz_not_chosen_alone" test "$(cat $cs/current_clocksource)" != pv-pvtest
	check "${mhz}mhz_select" sh -c "echo pv-pvtest > $cs/current_clocksource"
	check "${mhz}mhz_current" test "$(cat $cs/current_clocksource)" = pv-pvtest
	check "${mhz}mhz_rate_matches_hpet" clockcheck rate 2
	note "${mhz} MHz: $(cat "$PVTEST_OUT")"
	check "${mhz}mhz_monotonic" clockcheck mono 100000
	check "${mhz}mhz_switch_back" sh -c "echo $orig > $cs/current_clocksource"
	check "${mhz}mhz_back" test "$(cat $cs/current_clocksource)" = "$orig"
	# The binding pins the backend: front-end first.
	check "${mhz}mhz_pv_clock_unloads" rmmod pv_clock
	check "${mhz}mhz_gone" sh -c "! grep -qw pv-pvtest $cs/available_clocksource"
	check "${mhz}mhz_backend_unloads" rmmod pv_testhv
done

# 200 GHz and 500 kHz are no clocks: pv_clock declines the device.
for khz in 200000000 500; do
	dmesg_mark "bad$khz"
	check "refuses_${khz}khz_backend_loads" modprobe pv_testhv present=1 clock_khz=$khz || continue
	check "refuses_${khz}khz_pv_clock_loads" modprobe pv_clock
	check "refuses_${khz}khz" sh -c "! grep -qw pv-pvtest $cs/available_clocksource"
	check "refuses_${khz}khz_says_why" sh -c "dmesg | grep -q 'pv_clock pvclock0: unusable clock: $((khz * 1000)) Hz, 64 bits'"
	check "refuses_${khz}khz_unbound" test ! -e /sys/bus/pv/devices/pvclock0/driver
	check "refuses_${khz}khz_pv_clock_unloads" rmmod pv_clock
	check "refuses_${khz}khz_backend_unloads" rmmod pv_testhv
done
check core_unloads rmmod pv_core
check_dmesg_clean kernel_log_clean
