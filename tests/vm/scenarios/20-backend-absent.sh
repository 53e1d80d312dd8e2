# A backend on a machine without its hypervisor: modprobe fails with
# -ENODEV and one log line, and nothing else changes.
#@ kernel: stock
#@ extra: project
#@ timeout: 120

modprobe pv_core
dmesg_mark
check_fails modprobe_fails modprobe pv_testhv
note "log: $(dmesg_since_mark | tr '\n' '|')"
check exactly_one_log_line test "$(dmesg_since_mark | grep -c .)" -eq 1
check says_why dmesg_has 'pv_testhv: no pvtest hypervisor'
check errno_is_enodev sh -c '/sbin/insmod "$(/sbin/modinfo -n pv_testhv)" 2>&1 | grep -q "No such device"'
check not_loaded sh -c '! grep -q "^pv_testhv " /proc/modules'
check still_no_hypervisor test "$(cat /sys/bus/pv/hypervisor/name)" = none
check still_no_devices test -z "$(ls /sys/bus/pv/devices)"
check core_unloads rmmod pv_core
