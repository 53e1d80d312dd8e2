# The README's demo: Debian's stock kernel in QEMU, disguised as VMware
# (DMI serial + the backdoor QEMU emulates); `modprobe pv_vmi` and what it
# brings up. Run by scripts/demo.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ tools: clockcheck
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -uuid 5e2a7c1d-3b4f-4a6e-9c8d-0123456789ab
#@ append: hpet_mmap=1
#@ timeout: 180

# show CMD...: print the command and its output on the console.
show() {
	echo "# $*" >"$PVTEST_CONSOLE"
	"$@" >"$PVTEST_CONSOLE" 2>&1
}
banner() { echo "DEMO-$1" >"$PVTEST_CONSOLE"; }

cs=/sys/devices/system/clocksource/clocksource0
wait_for 10 grep -qw tsc $cs/available_clocksource

banner BEGIN
show uname -r
show cat /sys/class/dmi/id/product_serial
dmesg_mark
show modprobe pv_vmi
mdev_settle
show lsmod
show sh -c 'dmesg | grep -E "pv_(core|vmi|clock)|pvclock" | sed "s/^\[[ 0-9.]*\] //"'
show sh -c 'cd /sys/bus/pv/hypervisor && grep . name backend product version uuid; echo "tsc_khz: $(cat tsc_khz)"'
show ls -l /sys/bus/pv/devices/
show sh -c 'cd /sys/bus/pv/devices/pvclock0 && grep . class hypervisor modalias features state'
show cat $cs/available_clocksource $cs/current_clocksource
show clockcheck mono 1000000
show clockcheck rate 2
show clockcheck vdso 100000
banner END

check modprobe_pv_vmi grep -q '^pv_vmi ' /proc/modules
check pv_clock_autoloaded grep -q '^pv_clock ' /proc/modules
check clocksource_pv_vmware test "$(cat $cs/current_clocksource)" = pv-vmware
check_dmesg_clean kernel_log_clean
