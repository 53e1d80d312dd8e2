# pv_vmi without the VMware disguise: -ENODEV, one line, nothing changes,
# and the backdoor port is never touched.
#@ kernel: stock
#@ extra: project
#@ timeout: 120

modprobe pv_core
dmesg_mark
check_fails vmi_refuses modprobe pv_vmi
note "log: $(dmesg_since_mark | tr '\n' '|')"
check exactly_one_log_line test "$(dmesg_since_mark | grep -c .)" -eq 1
check says_not_vmware dmesg_has 'pv_vmi: not a VMware guest \(no VMwareVMware CPUID signature, no VMware DMI serial\)'
check errno_is_enodev sh -c '/sbin/insmod "$(/sbin/modinfo -n pv_vmi)" 2>&1 | grep -q "No such device"'
check not_loaded sh -c '! grep -q "^pv_vmi " /proc/modules'
check no_hypervisor test "$(cat /sys/bus/pv/hypervisor/name)" = none
check no_devices test -z "$(ls /sys/bus/pv/devices)"
check clocksource_untouched sh -c '! grep -q pv- /sys/devices/system/clocksource/clocksource0/available_clocksource'
