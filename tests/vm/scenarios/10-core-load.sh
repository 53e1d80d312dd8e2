# pv_core alone on Debian's stock kernel: loads, shows the empty state,
# unloads and loads again.
#@ kernel: stock
#@ extra: project
#@ timeout: 120

check core_loads modprobe pv_core
check bus_registered test -d /sys/bus/pv/devices -a -d /sys/bus/pv/drivers
abi=$(cat /sys/bus/pv/abi_version)
check abi_version_major_minor sh -c "echo '$abi' | grep -qE '^[0-9]+\.[0-9]+\$'"
check abi_version_not_legacy test "${abi%%.*}" -ge 3
check empty_hypervisor_name test "$(cat /sys/bus/pv/hypervisor/name)" = none
check empty_backend test -z "$(cat /sys/bus/pv/hypervisor/backend)"
check empty_version test -z "$(cat /sys/bus/pv/hypervisor/version)"
check no_devices test -z "$(ls /sys/bus/pv/devices)"
check no_drivers test -z "$(ls /sys/bus/pv/drivers)"
check log_line dmesg_has "pv_core: pv bus registered, pv ABI $abi, version "
check modinfo_description sh -c '/sbin/modinfo pv_core | grep -q "^description:.*hypervisor-ops"'
check unloads rmmod pv_core
check bus_gone test ! -e /sys/bus/pv
check reloads modprobe pv_core
check bus_back test -d /sys/bus/pv/devices
check unloads_again rmmod pv_core
check tainted_only_out_of_tree sh -c 'test $(( $(cat /proc/sys/kernel/tainted) & ~(4096|8192) )) -eq 0'
