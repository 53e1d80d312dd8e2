# The pv ABI across releases (docs/pv-abi.md) on Debian's stock kernel
# disguised as VMware: release 0.2.0's binaries (pv ABI 3.0, built from
# git by tests/vm/host/build-release.sh) load into this tree's pv_core
# (a later 3.x) and drive the disk, the NIC and the clock; this tree's
# pv_net meets the old pv_vmi at the ops both know; this tree's modules
# are refused by the old pv_core with one line naming both versions.
#@ kernel: stock
#@ extra: project
#@ modules: virtio_pci virtio_blk
#@ tools: ip
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -device pvscsi,id=s0
#@ qemu: -drive if=none,id=d0,file=@WORK@/disk0.img,format=raw,cache=writeback -device scsi-hd,bus=s0.0,scsi-id=0,drive=d0
#@ qemu: -netdev user,id=n0 -device vmxnet3,netdev=n0,mac=00:50:56:12:34:56
#@ qemu: -drive file=@WORK@/release.tar,format=raw,if=virtio,readonly=on
#@ prepare: sh -c "truncate -s 64M @WORK@/disk0.img && @TOP@/tests/vm/host/build-release.sh 0.2.0 @WORK@/release.tar"
#@ timeout: 300

OLD=/old
IP=/usr/sbin/ip
HOST=10.0.2.2
cs=/sys/devices/system/clocksource/clocksource0

minor_of() { echo "${1#*.}"; }
major_of() { echo "${1%%.*}"; }
ifname() { ls /sys/bus/pv/devices/pvnet0/net 2>/dev/null; }
has_if() { test -n "$(ifname)"; }
ping_host() { ping -c 2 -W 3 "$HOST"; }
up_with_address() {
	$IP addr add 10.0.2.15/24 dev "$1" && $IP link set "$1" up &&
		wait_for 10 sh -c "test \"\$(cat /sys/class/net/$1/carrier 2>/dev/null)\" = 1"
}
# disk_roundtrip DEV TAG: 4 MiB written with O_DIRECT read back the same.
disk_roundtrip() {
	dd if=/dev/urandom of=/tmp/pattern.$2 bs=1M count=4 2>/dev/null &&
		dd if=/tmp/pattern.$2 of="$1" bs=1M oflag=direct 2>/dev/null &&
		test "$(dd if="$1" bs=1M count=4 iflag=direct 2>/dev/null | sha256sum)" = \
			"$(sha256sum </tmp/pattern.$2)"
}
old_insmod() { /sbin/insmod "$OLD/$1.ko" ${2:+"$2"}; }
# log_lacks MARK REGEX: no kernel line since MARK matches REGEX.
log_lacks() { ! dmesg_since_mark "$1" | grep -qE -- "$2"; }

# --- the old release, from the virtio disk --------------------------------
check release_disk sh -c 'modprobe virtio_pci; modprobe virtio_blk; for i in 1 2 3 4 5 6 7 8 9 10; do test -b /dev/vda && exit 0; sleep 1; done; exit 1'
mkdir -p $OLD
check release_unpacked tar -xf /dev/vda -C $OLD
old_abi=$(cat $OLD/release.abi 2>/dev/null)
new_abi=$(cat $OLD/tree.abi 2>/dev/null)
note "release 0.2.0 (commit $(cat $OLD/release.commit 2>/dev/null)): pv ABI $old_abi; this tree: pv ABI $new_abi"
check release_is_0_2_0 sh -c "/sbin/modinfo -F version $OLD/pv_vmi.ko | grep -qx 0.2.0"
check same_major test "$(major_of "$old_abi")" = "$(major_of "$new_abi")"
# Until a minor is released after 0.2.0 this scenario has nothing to show.
check tree_is_a_later_minor test "$(minor_of "$new_abi")" -gt "$(minor_of "$old_abi")"

# --- old binaries, new core -----------------------------------------------
check new_core_loads modprobe pv_core
check new_core_abi test "$(cat /sys/bus/pv/abi_version)" = "$new_abi"
dmesg_mark old_on_new
check old_pv_blk_loads old_insmod pv_blk
check old_pv_net_loads old_insmod pv_net
check old_pv_clock_loads old_insmod pv_clock
check old_pv_vmi_loads old_insmod pv_vmi
check no_symbol_version_clash log_lacks old_on_new 'disagrees about version|Unknown symbol|Invalid'
check no_abi_refusal log_lacks old_on_new 'built for pv ABI'
check old_backend_active test "$(cat /sys/bus/pv/hypervisor/backend)" = pv_vmi
check old_disk_appears wait_for 10 test -b /dev/pvb0
check old_disk_size test "$(cat /sys/block/pvb0/size)" -eq 131072
check old_disk_io disk_roundtrip /dev/pvb0 old
check old_nic_appears wait_for 10 has_if
IF=$(ifname)
check old_nic_up up_with_address "$IF"
check old_nic_ping ping_host
check old_clocksource_registered grep -qw pv-vmware $cs/available_clocksource
check old_clocksource_selectable sh -c "echo pv-vmware > $cs/current_clocksource && test \"\$(cat $cs/current_clocksource)\" = pv-vmware"
check old_clock_advances sh -c 'a=$(cut -d" " -f1 /proc/uptime); sleep 1; b=$(cut -d" " -f1 /proc/uptime); [ "${b%.*}" -gt "${a%.*}" ]'
note "$(dmesg_since_mark old_on_new | grep -E 'pv_|pvb|pvnet|pvclock' | sed 's/^\[[ 0-9.]*\] //' | tr '\n' '|')"

# --- a new front-end on an old backend: they meet at what both know --------
# The old pv_vmi's ops table ends before set_mac_address (pv ABI 3.1).
check old_pv_net_unloads rmmod pv_net
check new_pv_net_loads modprobe pv_net
check new_nic_appears wait_for 10 has_if
IF=$(ifname)
check new_nic_up up_with_address "$IF"
check new_nic_ping ping_host
check_fails mac_change_absent_op $IP link set dev "$IF" address 02:50:56:ab:cd:ef
check mac_unchanged test "$(cat "/sys/class/net/$IF/address")" = 00:50:56:12:34:56
check mac_not_supported sh -c "$IP link set dev $IF address 02:50:56:ab:cd:ef 2>&1 | grep -q 'not supported'"

# --- everything out -------------------------------------------------------
check tsc_again sh -c "echo tsc > $cs/current_clocksource"
check all_unload sh -c 'rmmod pv_net && rmmod pv_blk && rmmod pv_clock && rmmod pv_vmi && rmmod pv_core'

# --- new binaries, old core: refused, one line each -----------------------
check old_core_loads old_insmod pv_core
check old_core_abi test "$(cat /sys/bus/pv/abi_version)" = "$old_abi"
dmesg_mark new_on_old
check_fails new_pv_vmi_refused modprobe pv_vmi
check new_backend_refusal_line dmesg_has "pv_core: pv_vmi: backend built for pv ABI $new_abi, newer than pv_core's $old_abi: upgrade pv_core \(pv-drivers\) to one with pv ABI $new_abi or later"
check new_backend_one_line test "$(dmesg_since_mark new_on_old | grep -c 'pv_vmi')" -eq 1
check no_hypervisor_left test "$(cat /sys/bus/pv/hypervisor/name)" = none
check_fails new_pv_blk_refused modprobe pv_blk
check new_frontend_refusal_line dmesg_has "pv_core: pv_blk: front-end built for pv ABI $new_abi, newer than pv_core's $old_abi"
check no_pv_blk_driver test ! -e /sys/bus/pv/drivers/pv_blk
# The old core with its own release still works after the refusals.
check old_pv_vmi_on_old_core old_insmod pv_vmi clock=0
check old_pair_pv_blk old_insmod pv_blk
check old_pair_disk_appears wait_for 10 test -b /dev/pvb0
check old_pair_disk_io disk_roundtrip /dev/pvb0 oldpair
check old_pair_unloads sh -c 'rmmod pv_blk && rmmod pv_vmi && rmmod pv_core'
check_dmesg_clean kernel_log_clean
