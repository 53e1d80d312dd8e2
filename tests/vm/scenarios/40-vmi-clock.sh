# pv_vmi on Debian's stock kernel disguised as VMware (DMI serial + the
# backdoor QEMU emulates): detection, hypervisor info in sysfs, the TSC
# clock device autoloading pv_clock, and the clocksource itself.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ tools: clockcheck
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -uuid 5e2a7c1d-3b4f-4a6e-9c8d-0123456789ab
#@ append: hpet_mmap=1
#@ timeout: 180

cs=/sys/devices/system/clocksource/clocksource0
# tsc replaces tsc-early about 2 s after boot; pv clock must beat both.
wait_for 10 grep -qw tsc $cs/available_clocksource

dmesg_mark
check vmi_loads modprobe pv_vmi
mdev_settle
note "$(dmesg_since_mark | tr '\n' '|')"
check hypervisor_vmware test "$(cat /sys/bus/pv/hypervisor/name)" = vmware
check backend_pv_vmi test "$(cat /sys/bus/pv/hypervisor/backend)" = pv_vmi
check version_6 test "$(cat /sys/bus/pv/hypervisor/version)" = 6
check product_esx test "$(cat /sys/bus/pv/hypervisor/product)" = "VMware ESX"
check uuid_from_backdoor test "$(cat /sys/bus/pv/hypervisor/uuid)" = 5e2a7c1d-3b4f-4a6e-9c8d-0123456789ab
check no_hv_tsc_under_tcg test -z "$(cat /sys/bus/pv/hypervisor/tsc_khz)"
check found_by_dmi dmesg_has 'pv_vmi: VMware ESX \(backdoor version 6\), found by DMI serial'
check says_calibrated dmesg_has "pv_vmi: clock: TSC at .* kHz \(hypervisor reports no frequency: using the kernel's calibration\)"
# The other backend on VMware, with pv_vmi active: Xen is simply absent,
# so -ENODEV and pv_xen's own line, not "busy".
if modinfo -n pv_xen >/dev/null 2>&1; then
	dmesg_mark wrong_hv
	check_fails xen_refused_on_vmware modprobe pv_xen
	note "modprobe pv_xen on VMware: $(dmesg_since_mark wrong_hv | tr '\n' '|')"
	check xen_one_line_on_vmware test "$(dmesg_since_mark wrong_hv | grep -c .)" -eq 1
	check xen_says_not_xen_on_vmware dmesg_has '^\[[ 0-9.]*\] pv_xen: not running on Xen'
	check xen_enodev_on_vmware sh -c '/sbin/insmod "$(/sbin/modinfo -n pv_xen)" 2>&1 | grep -q "No such device"'
	check vmware_still_active test "$(cat /sys/bus/pv/hypervisor/name)" = vmware
else
	fail xen_refused_on_vmware "pv_xen.ko was not built"
fi
check clock_device test "$(cat /sys/bus/pv/devices/pvclock0/class)" = clock
check clock_features test "$(cat /sys/bus/pv/devices/pvclock0/features)" = "tsc calibrated stable"
check pv_clock_autoloaded grep -q '^pv_clock ' /proc/modules
check pv_clock_bound test -e /sys/bus/pv/drivers/pv_clock/pvclock0
check clocksource_available grep -qw pv-vmware $cs/available_clocksource
check clocksource_selected test "$(cat $cs/current_clocksource)" = pv-vmware
check clocksource_logged dmesg_has 'pv_clock pvclock0: clocksource pv-vmware: .* MHz \(calibrated by the kernel\), rating 350, vDSO'
check monotonic_1M_reads clockcheck mono 1000000
check rate_matches_hpet clockcheck rate 2
check vdso_no_syscalls clockcheck vdso 100000
note "$(clockcheck mono 200000)"

# Pinned while current: timekeeping holds pv_clock.
check_fails pinned_while_current rmmod pv_clock
check switch_to_tsc sh -c "echo tsc > $cs/current_clocksource"
check tsc_current test "$(cat $cs/current_clocksource)" = tsc
check pv_clock_unloads rmmod pv_clock
check clocksource_gone sh -c "! grep -qw pv-vmware $cs/available_clocksource"
check vmi_unloads rmmod pv_vmi
check core_unloads rmmod pv_core
check empty_again sh -c '! test -e /sys/bus/pv'

# And back: everything comes up again.
check vmi_reloads modprobe pv_vmi
mdev_settle
check clocksource_back wait_for 5 grep -qw pv-vmware $cs/available_clocksource
# Writing current_clocksource set a user override (tsc), which timekeeping
# keeps; selecting pv-vmware by hand shows it is selectable.
check override_kept test "$(cat $cs/current_clocksource)" = tsc
check select_by_hand sh -c "echo pv-vmware > $cs/current_clocksource"
check selected_again test "$(cat $cs/current_clocksource)" = pv-vmware
check monotonic_after_reload clockcheck mono 100000
check_dmesg_clean kernel_log_clean
