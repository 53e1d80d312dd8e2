# A backend's devices autoload their front-end through mdev and MODALIAS;
# sysfs shows the hypervisor and devices; the backend is pinned while bound.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ timeout: 150

# Every front-end whose alias matches a pvtest device gets loaded: the test
# one and the generic ones (pv_blk, pv_net, pv_clock), which decline.
frontends_loaded() {
	awk '$1 ~ /^pv_(testfe|blk|net|clock)$/ { print $1 }' /proc/modules
}

check backend_loads modprobe pv_testhv present=1
mdev_settle
check core_autoloaded grep -q '^pv_core ' /proc/modules
wait_for 10 grep -q '^pv_testfe ' /proc/modules
check frontend_autoloaded grep -q '^pv_testfe ' /proc/modules
note "mdev ran: $(cat /dev/mdev.log 2>/dev/null | tr '\n' ';')"
note "$(dmesg | grep -E 'pv_(core|testhv|testfe)' | tr '\n' '|')"

check hypervisor_name test "$(cat /sys/bus/pv/hypervisor/name)" = pvtest
check hypervisor_backend test "$(cat /sys/bus/pv/hypervisor/backend)" = pv_testhv
check hypervisor_version test "$(cat /sys/bus/pv/hypervisor/version)" = 1.0-test
check hypervisor_product test "$(cat /sys/bus/pv/hypervisor/product)" = "pv-drivers test hypervisor"
for d in pvblk0 pvnet0 pvclock0; do
	check "${d}_exists" test -e /sys/bus/pv/devices/$d
	wait_for 10 test -e /sys/bus/pv/devices/$d/driver
	check "${d}_bound" test "$(basename "$(readlink /sys/bus/pv/devices/$d/driver)")" = pv_testfe
	check "${d}_state_live" test "$(cat /sys/bus/pv/devices/$d/state)" = live
	check "${d}_hypervisor" test "$(cat /sys/bus/pv/devices/$d/hypervisor)" = pvtest
done
check blk_class test "$(cat /sys/bus/pv/devices/pvblk0/class)" = blk
check blk_modalias test "$(cat /sys/bus/pv/devices/pvblk0/modalias)" = pv:blk:pvtest
check blk_features test "$(cat /sys/bus/pv/devices/pvblk0/features)" = "flush discard"
check clock_features test "$(cat /sys/bus/pv/devices/pvclock0/features)" = calibrated
check uevent_modalias grep -qx MODALIAS=pv:net:pvtest /sys/bus/pv/devices/pvnet0/uevent
check uevent_class grep -qx PV_CLASS=net /sys/bus/pv/devices/pvnet0/uevent
check frontend_logged dmesg_has 'pv_testfe pvblk0: bound to blk device of hypervisor pvtest'
# pv_clock serves pv:clock:* and is loaded too; the test clock has no
# backing, so it declines the device without a word.
wait_for 5 grep -q '^pv_clock ' /proc/modules
check generic_frontend_autoloaded grep -q '^pv_clock ' /proc/modules
check generic_frontend_declined_quietly sh -c '! dmesg | grep -q "pv_clock pvclock0"'
# So does pv_net (pv:net:*) for the test network device.
wait_for 5 grep -q '^pv_net ' /proc/modules
check net_frontend_autoloaded grep -q '^pv_net ' /proc/modules
check net_frontend_declined_quietly sh -c '! dmesg | grep -q "pv_net pvnet0"'

check_fails backend_pinned_while_bound rmmod pv_testhv
check backend_still_there grep -q '^pv_testhv ' /proc/modules
check unbind_via_sysfs sh -c 'echo pvnet0 > /sys/bus/pv/drivers/pv_testfe/unbind'
check unbound test ! -e /sys/bus/pv/devices/pvnet0/driver
check rebind_via_sysfs sh -c 'echo pvnet0 > /sys/bus/pv/drivers/pv_testfe/bind'
check frontend_unloads rmmod $(frontends_loaded)
check devices_unbound test -z "$(ls /sys/bus/pv/devices/*/driver 2>/dev/null)"
check backend_unloads rmmod pv_testhv
check devices_gone test -z "$(ls /sys/bus/pv/devices)"
check state_empty_again test "$(cat /sys/bus/pv/hypervisor/name)" = none
check core_unloads rmmod pv_core

# Again, to show unload left nothing behind.
check backend_reloads modprobe pv_testhv present=1
mdev_settle
wait_for 10 test -e /sys/bus/pv/devices/pvblk0/driver
check frontend_autoloaded_again test -e /sys/bus/pv/devices/pvblk0/driver
check names_reused test -e /sys/bus/pv/devices/pvclock0
check final_unload_frontends rmmod $(frontends_loaded)
check final_unload sh -c '/sbin/rmmod pv_testhv && /sbin/rmmod pv_core'
