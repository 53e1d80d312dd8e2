# pv_xen outside Xen (a plain QEMU guest): modprobe fails with -ENODEV and
# one log line, and nothing changes. The Xen scenarios proper need Xen under
# QEMU and run in the xen phase (tests/xen/run.sh).
#@ kernel: stock
#@ extra: project
#@ timeout: 120

# Without the module every check below would pass for the wrong reason.
check pv_xen_built modinfo -n pv_xen || exit 0
check no_xen_here sh -c '! grep -qi xen /sys/hypervisor/type 2>/dev/null'
modprobe pv_core
dmesg_mark
check_fails xen_refuses modprobe pv_xen
note "log: $(dmesg_since_mark | tr '\n' '|')"
check exactly_one_log_line test "$(dmesg_since_mark | grep -c .)" -eq 1
check says_not_xen dmesg_has '^\[[ 0-9.]*\] pv_xen: not running on Xen'
check errno_is_enodev sh -c '/sbin/insmod "$(/sbin/modinfo -n pv_xen)" 2>&1 | grep -q "No such device"'
check not_loaded sh -c '! grep -q "^pv_xen " /proc/modules'
check no_hypervisor test "$(cat /sys/bus/pv/hypervisor/name)" = none
check no_devices test -z "$(ls /sys/bus/pv/devices)"
check clocksource_untouched sh -c '! grep -q pv- /sys/devices/system/clocksource/clocksource0/available_clocksource'
check core_unloads rmmod pv_core
