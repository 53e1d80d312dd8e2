#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/pkg/guest-check.sh: runs inside the install-test image, booted by
# tests/pkg/install.sh, as /usr/local/sbin/pv-install-check from
# pv-install-check.service (systemd, after multi-user.target). The phase
# and the expected kernel come from the kernel command line:
#   pvphase=first       modprobe pv_vmi by hand; front-ends must follow via
#                       udev; then make pv_vmi persistent (modules-load.d)
#   pvphase=reboot      nothing is loaded by hand: systemd-modules-load loads
#                       pv_vmi, udev the rest
#   pvphase=enforce     module.sig_enforce=1: unsigned and untrusted-key
#                       modules are refused, Debian-signed ones load
#   pvkver=KVER         the kernel that must be running
# Results go to the serial console as "PVTEST PASS|FAIL|NOTE name" lines
# (the format scripts/vm-run.sh collects), shown output between
# "PVSHOW-BEGIN" and "PVSHOW-END", then "PVTEST DONE"; then it powers off.
set -u
exec >/dev/ttyS0 2>&1

phase=$(sed -n 's/.*pvphase=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
kver=$(sed -n 's/.*pvkver=\([^ ]*\).*/\1/p' /proc/cmdline)
data_sig=$(sed -n 's/.*pvdata=\([^ ]*\).*/\1/p' /proc/cmdline)

check() { # check NAME COMMAND...
	local name=$1; shift
	if "$@" >/dev/null 2>&1; then echo "PVTEST PASS $phase/$name"
	else echo "PVTEST FAIL $phase/$name: $*"; fi
}
note() { echo "PVTEST NOTE $phase: $*"; }
show() { # show CMD...: a command and its output, for the host's log
	echo "PVSHOW-BEGIN $*"
	"$@" 2>&1 | cut -c1-200
	echo "PVSHOW-END"
}
wait_for() { # wait_for SECONDS COMMAND...: poll until COMMAND succeeds
	local n=$(($1 * 5)); shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2; n=$((n - 1))
	done
	return 1
}
loaded() { grep -q "^$1 " /proc/modules; }
not() { ! "$@"; }
none_loaded() { ! grep -qE '^pv_(core|vmi|blk|net|clock) ' /proc/modules; }
# The first non-lo netdev; its driver as ethtool reports it.
nic() { ls /sys/class/net | grep -vx lo | head -n1; }
nic_driver() { local i; i=$(nic); [ -n "$i" ] && ethtool -i "$i" | sed -n 's/^driver: //p'; }
# A module was inserted by udev (udevd logs it at debug level) or by
# systemd-modules-load (at info level): the journal says who did it.
# systemd-modules-load runs before journald: its lines come in through
# the kernel log, with its identifier but without a unit.
inserted_by() { # inserted_by UNIT MODULE
	{ journalctl -b -o cat -u "$1"; journalctl -b -o cat -t "${1%.service}"; } |
		grep -q "Inserted module '$2'"
}
# The 512-byte signature the host wrote at the start of the PVSCSI disk.
disk_data_ok() { [ "$(head -c "${#data_sig}" /dev/pvb0)" = "$data_sig" ]; }
clock_is_pv() {
	grep -qx 'pv-vmware' /sys/devices/system/clocksource/clocksource0/current_clocksource
}
nic_pings() {
	local i; i=$(nic)
	ip addr add 10.0.2.15/24 dev "$i" 2>/dev/null
	ip link set "$i" up && wait_for 10 ping -c 1 -W 1 10.0.2.2
}
pv_excerpt() {
	dmesg | grep -E 'pv_(core|vmi|blk|net|clock)|pvb[0-9]|pvclock|pv-vmware|clocksource: Switched' | sed 's/^\[[ 0-9.]*\] //'
}

# Both phases that run the drivers check the same things once loaded.
common_checks() {
	wait_for 30 test -b /dev/pvb0
	for m in pv_core pv_vmi pv_blk pv_net pv_clock; do check "loaded_$m" loaded $m; done
	check disk_pvb0 test -b /dev/pvb0
	check disk_pvb0_data disk_data_ok
	check disk_bound_pv_blk test "$(basename "$(readlink /sys/bus/pv/devices/pvblk0/driver)")" = pv_blk
	check nic_driver_pv_net test "$(nic_driver)" = pv_net
	check nic_pings nic_pings
	wait_for 15 clock_is_pv
	check clocksource_pv_vmware clock_is_pv
	check modules_from_dkms sh -c "modinfo -n pv_vmi | grep -q '^/lib/modules/$kver/updates/dkms/pv_vmi.ko'"
	# pv_blk, pv_net and pv_clock are not dependencies of pv_vmi: only a
	# modalias match (udev) can have loaded them.
	check frontends_not_deps sh -c '! modinfo -F depends pv_vmi | grep -qE "pv_(blk|net|clock)"'
	show sh -c "modinfo -F depends pv_vmi; modinfo pv_vmi | grep -E '^(filename|version|signer|sig_key):'"
	show sh -c 'lsmod | grep -E "^(Module|pv_)"'
	show sh -c 'grep . /sys/bus/pv/devices/*/modalias /sys/bus/pv/hypervisor/name'
	show sh -c "ethtool -i $(nic) | head -3; cat /proc/partitions | grep pvb; cat /sys/devices/system/clocksource/clocksource0/current_clocksource"
	show pv_excerpt
}

phase_first() {
	check no_pv_module_at_boot none_loaded
	# The in-tree drivers are blacklisted in the image (docs/vmware.md):
	# otherwise they take the devices and pv_vmi leaves them alone.
	check inbox_drivers_not_loaded sh -c '! grep -qE "^(vmw_pvscsi|vmxnet3) " /proc/modules'
	udevadm control --log-level=debug
	show modprobe -v pv_vmi
	check modprobe_pv_vmi loaded pv_vmi
	udevadm settle -t 30
	common_checks
	for m in pv_blk pv_net pv_clock; do
		check "udev_loaded_$m" inserted_by systemd-udevd.service $m
	done
	show sh -c "journalctl -b -o short-monotonic -u systemd-udevd | grep -E \"Inserted module 'pv_\" | cut -c1-150"
	udevadm control --log-level=info
	show sh -c 'dkms status 2>/dev/null'
	# How a user makes it persistent (README: modprobe pv_vmi).
	echo pv_vmi >/etc/modules-load.d/pv-drivers.conf && sync
	check modules_load_d_written grep -qx pv_vmi /etc/modules-load.d/pv-drivers.conf
	null_checks
}

# pv_null (examples/pv_null), installed by install.sh as its own DKMS
# module pv-null: the VMware stack steps aside (one hypervisor at a time),
# then pv_null refuses without enable=1 and with it gives udev a disk and
# a NIC for pv_blk and pv_net.
null_disk() { ls /sys/bus/pv/devices/pvblk*/block 2>/dev/null | head -n1; }
null_if() { ls /sys/bus/pv/devices/pvnet*/net 2>/dev/null | head -n1; }
null_roundtrip() {
	local d; d=/dev/$(null_disk)
	head -c 4M /dev/urandom >/tmp/null.pattern &&
		dd if=/tmp/null.pattern of="$d" bs=1M oflag=direct 2>/dev/null &&
		[ "$(dd if="$d" bs=1M count=4 iflag=direct 2>/dev/null | sha256sum)" = "$(sha256sum </tmp/null.pattern)" ]
}
# What goes out comes back: pings to a neighbour with our own address.
null_loopback() {
	local i s tx rx; i=$(null_if); s=/sys/class/net/$i/statistics
	ip addr add 10.99.0.1/24 dev "$i" && ip link set "$i" up &&
		ip neigh replace 10.99.0.2 lladdr "$(cat /sys/class/net/$i/address)" dev "$i" nud permanent || return 1
	tx=$(cat $s/tx_packets) rx=$(cat $s/rx_packets)
	ping -c 5 -i 0.3 -W 1 10.99.0.2 >/dev/null 2>&1
	sleep 1
	tx=$(($(cat $s/tx_packets) - tx)) rx=$(($(cat $s/rx_packets) - rx))
	note "pv_null NIC $i: sent $tx, received $rx" >/dev/ttyS0
	[ "$tx" -ge 5 ] && [ "$rx" -eq "$tx" ]
}
null_checks() {
	local cs=/sys/devices/system/clocksource/clocksource0 other
	other=$(tr ' ' '\n' <$cs/available_clocksource | grep -v -e '^pv-vmware$' -e '^$' | head -n1)
	echo "$other" >$cs/current_clocksource
	check null_vmware_stack_unloads sh -c 'rmmod pv_clock && rmmod pv_net && rmmod pv_blk && rmmod pv_vmi'
	dmesg -C
	check null_refused_without_enable not modprobe pv_null
	check null_refusal_line sh -c 'dmesg | grep -q "pv_null: not loading: pv_null is a test/reference backend"'
	show modprobe -v pv_null enable=1 size_mib=16
	check null_loaded loaded pv_null
	check null_from_dkms sh -c "modinfo -n pv_null | grep -q '^/lib/modules/$kver/updates/dkms/pv_null.ko'"
	check null_hypervisor test "$(cat /sys/bus/pv/hypervisor/name)" = null
	udevadm settle -t 30
	wait_for 30 sh -c 'd=$(ls /sys/bus/pv/devices/pvblk*/block 2>/dev/null | head -n1) && test -b /dev/$d'
	wait_for 30 sh -c 'ls /sys/bus/pv/devices/pvnet*/net 2>/dev/null | grep -q .'
	check null_disk_size test "$(cat /sys/block/$(null_disk)/size 2>/dev/null)" = 32768
	check null_disk_roundtrip null_roundtrip
	check null_nic_pv_net test "$(ethtool -i "$(null_if)" 2>/dev/null | sed -n 's/^driver: //p')" = pv_net
	check null_nic_loops_back null_loopback
	show sh -c 'grep . /sys/bus/pv/devices/*/modalias /sys/bus/pv/hypervisor/name; dmesg | grep -E "pv_null|pvb|pv_net"'
	check null_unloads sh -c 'rmmod pv_net && rmmod pv_blk && rmmod pv_null'
}

phase_reboot() {
	check pv_vmi_by_modules_load inserted_by systemd-modules-load.service pv_vmi
	udevadm settle -t 30
	common_checks
	show sh -c "journalctl -b -o short-monotonic -t systemd-modules-load | grep -i pv_vmi"
	show sh -c 'dkms status 2>/dev/null'
}

# An in-tree module signed by Debian's key, to show enforcement lets
# trusted modules through (it must not be loaded already).
trusted_mod=dummy

phase_enforce() {
	local f
	check sig_enforce_on grep -qx Y /sys/module/module/parameters/sig_enforce
	check trusted_not_loaded_yet not loaded $trusted_mod
	show modprobe -v $trusted_mod
	check trusted_module_loads loaded $trusted_mod
	# modules-load.d still lists pv_vmi: systemd-modules-load was refused.
	check dkms_module_refused_at_boot none_loaded
	show sh -c "journalctl -b -o cat -t systemd-modules-load | grep pv_vmi"
	for f in unsigned mok; do
		dmesg -C
		show insmod /root/pv-sigtest/pv_core-$f.ko
		check "insmod_${f}_refused" not loaded pv_core
		check "insmod_${f}_key_rejected" sh -c "insmod /root/pv-sigtest/pv_core-$f.ko 2>&1 | grep -q 'Key was rejected by service'"
		show dmesg
	done
	# The kernel says why: no signature, or a signature by a key it does
	# not have in its trusted keyrings.
	dmesg -C; insmod /root/pv-sigtest/pv_core-unsigned.ko 2>/dev/null
	check unsigned_reason sh -c 'dmesg | grep -q "Loading of unsigned module is rejected"'
	dmesg -C; insmod /root/pv-sigtest/pv_core-mok.ko 2>/dev/null
	check untrusted_key_reason sh -c 'dmesg | grep -q "Loading of module with unavailable key is rejected"'
}

note "kernel $(uname -r), phase $phase, pid 1 $(readlink /proc/1/exe), started at $(cut -d' ' -f1 /proc/uptime) s uptime"
check "kernel_$kver" test "$(uname -r)" = "$kver"
check systemd_is_init sh -c 'readlink /proc/1/exe | grep -q systemd'
check dmi_vmware grep -q '^VMware-' /sys/class/dmi/id/product_serial
case $phase in
first) phase_first ;;
reboot) phase_reboot ;;
enforce) phase_enforce ;;
*) echo "PVTEST FAIL $phase: unknown phase" ;;
esac
# Under sig_enforce systemd-modules-load fails on purpose (pv_vmi refused).
failed_ok='^$'
[ "$phase" = enforce ] && failed_ok='systemd-modules-load'
check no_failed_units sh -c "! systemctl --failed --plain --no-legend | grep -v pv-install-check | grep -vE '$failed_ok' | grep -q ."
show systemctl --failed --plain --no-legend
sync
echo "PVTEST DONE"
# --force: no D-Bus in the image, and nothing is left to stop cleanly
# (file systems are still synced and remounted read-only).
systemctl --force poweroff || poweroff -f
