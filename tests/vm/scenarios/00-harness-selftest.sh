# Harness self-test on Debian's stock kernel, without the project's modules:
# the guest runs the expected kernel with our command line, the check helpers
# pass and fail as documented, kmod's modprobe loads in-tree modules with their
# dependencies, a host tool runs with its libraries, QEMU arguments containing
# spaces arrive intact, mdev loads modules by MODALIAS (coldplug and hotplug)
# and creates device nodes, and the kernel log is free of crash signatures.
#@ kernel: stock
#@ modules: dummy loop virtio_pci virtio_rng
#@ tools: ethtool
#@ mdev: yes
#@ qemu: -device virtio-rng-pci
#@ qemu: -smbios "type=1,manufacturer=pv drivers,serial=VMware-56 4d 00 11"
#@ append: pvtest_selftest=on
#@ timeout: 90

# --- the VM is the one we asked for
check kernel_is_stock test "$(uname -r)" = "$(cat /etc/pvtest-kver)"
check cmdline_has_append grep -qw pvtest_selftest=on /proc/cmdline
check cmdline_panics_on_warn grep -qw panic_on_warn=1 /proc/cmdline
check two_cpus test "$(grep -c ^processor /proc/cpuinfo)" = 2
check qemu_arg_with_spaces test "$(cat /sys/class/dmi/id/product_serial)" = "VMware-56 4d 00 11"
check qemu_arg_with_comma_value test "$(cat /sys/class/dmi/id/sys_vendor)" = "pv drivers"
check debugfs_mounted grep -q ' /sys/kernel/debug debugfs ' /proc/mounts
check dev_fd_works sh -c 'echo ok | cat /dev/stdin | grep -qx ok'

# --- the helpers themselves
check check_passes_on_true true
check_fails check_fails_passes_on_false false
check wait_for_succeeds wait_for 2 true
check_fails wait_for_times_out wait_for 1 false
dmesg_mark selftest
echo "<6>pvtest: after the mark" >/dev/kmsg
since_mark_has() { dmesg_since_mark selftest | grep -q "$1"; }
check dmesg_since_mark_sees_new since_mark_has 'pvtest: after the mark'
check_fails dmesg_since_mark_skips_old since_mark_has 'Linux version'

check dmesg_has_finds dmesg_has 'pvtest: after the mark'

# --- kmod, in-tree modules, tools
kmod_is_modprobe() { modprobe -V | grep -q '^kmod version'; }
check modprobe_is_kmod kmod_is_modprobe
check modprobe_dummy modprobe dummy
check dummy_in_proc_modules grep -q '^dummy ' /proc/modules
check dummy0_created wait_for 5 test -e /sys/class/net/dummy0
ethtool_sees_dummy() { ethtool -i dummy0 | grep -qx 'driver: dummy'; }
check tool_ethtool_runs ethtool_sees_dummy
check rmmod_dummy rmmod dummy
check dummy_gone sh -c '! grep -q "^dummy " /proc/modules'
check_fails modprobe_unknown_fails modprobe no_such_module_pvtest

# --- mdev: coldplug of virtio-rng-pci loads virtio_pci, whose virtio device
# then loads virtio_rng (hotplug); both found by alias, logged in MDEV_LOG
check mdev_running pidof mdev
check mdev_loaded_virtio_pci grep -q '^virtio_pci ' /proc/modules
check mdev_loaded_virtio_rng grep -q '^virtio_rng ' /proc/modules
check virtio_rng_bound wait_for 5 test -e /sys/bus/virtio/drivers/virtio_rng/virtio0
check mdev_log_pci_alias grep -q '^modprobe -b pci:v00001AF4d00001005' "$MDEV_LOG"
check mdev_log_virtio_alias grep -q '^modprobe -b virtio:d00000004v' "$MDEV_LOG"
note "mdev ran: $(tr '\n' ' ' <"$MDEV_LOG")"
# a node removed by hand comes back when mdev handles a replayed "add"
check modprobe_loop modprobe loop
check loop7_from_devtmpfs wait_for 5 test -b /dev/loop7
rm -f /dev/loop7
echo add >/sys/class/block/loop7/uevent
check mdev_created_node wait_for 5 test -b /dev/loop7

check_dmesg_clean kernel_log_clean none
