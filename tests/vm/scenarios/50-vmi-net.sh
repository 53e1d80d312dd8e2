# pv_vmi drives VMXNET3 on Debian's stock kernel disguised as VMware: it
# leaves a NIC the in-tree vmxnet3 has to it, takes it over once released,
# and pv_net autoloads on it. Then: MAC, carrier, ping, checked TCP
# transfers both ways against a server on the host, ethtool -i/-S/-g/-G/-k/-K,
# MTU changes, down/up, a MAC address change, link events from the QEMU monitor, unload while up
# and reload.
#@ kernel: stock
#@ extra: project
#@ modules: vmxnet3
#@ mdev: yes
#@ tools: ethtool ip tcpxfer
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -netdev user,id=n0 -device vmxnet3,netdev=n0,mac=00:50:56:12:34:56
#@ qemu: -monitor unix:@WORK@/monitor.sock,server=on,wait=off
#@ host: python3 @TOP@/tests/vm/host/tcp-echo.py 47019 400 @WORK@/monitor.sock
#@ timeout: 400

MAC=00:50:56:12:34:56
PORT=47019
HOST=10.0.2.2
IP=/usr/sbin/ip
ETHTOOL=/usr/sbin/ethtool
XFER_BYTES=16777216

bdf=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x15ad ] && [ "$(cat "$d/device")" = 0x07b0 ] && bdf=${d##*/}
done
check nic_present test -n "$bdf"

driver_of() { basename "$(readlink "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null)"; }
# The interface pv_net made for pvnet0.
ifname() { ls /sys/bus/pv/devices/pvnet0/net 2>/dev/null; }
has_if() { test -n "$(ifname)"; }
carrier_is() { test "$(cat "/sys/class/net/$IF/carrier" 2>/dev/null)" = "$1"; }
# ethtool_has OPTION REGEX: a line of "ethtool OPTION $IF" matches REGEX.
ethtool_has() { $ETHTOOL ${1:+"$1"} "$IF" | grep -qE -- "$2"; }
ethtool_stat() { $ETHTOOL -S "$IF" | awk -v k="$1:" '$1 == k { print $2 }'; }
stat_positive() { test "$(ethtool_stat "$1")" -gt 0; }
pv_net_loaded() { grep -q '^pv_net ' /proc/modules; }
ping_host() { ping -c "${1:-3}" -W 3 ${2:+-s "$2"} "$HOST"; }
get() { tcpxfer get "$HOST" "$PORT" "$1" "$2"; }
put() { tcpxfer put "$HOST" "$PORT" "$1" "$2"; }
up_with_address() {
	$IP addr add 10.0.2.15/24 dev "$IF" && $IP link set "$IF" up &&
		wait_for 10 carrier_is 1
}

# --- coexistence: a NIC the in-tree driver has is left to it --------------
mdev_settle
check intree_bound_first test "$(driver_of)" = vmxnet3
dmesg_mark
# clock=0: pv_clock would pin pv_vmi while its clocksource is current.
check vmi_loads modprobe pv_vmi clock=0
mdev_settle
check left_to_vmxnet3 dmesg_has "pv_vmi: vmxnet3: $bdf is bound to vmxnet3; left to it"
check still_vmxnet3 test "$(driver_of)" = vmxnet3
check no_pv_net_device test ! -e /sys/bus/pv/devices/pvnet0

# Released by the in-tree driver, the NIC can be bound to pv_vmi's.
check intree_unloads rmmod vmxnet3
check bind_to_pv_vmi sh -c "echo $bdf > /sys/bus/pci/drivers/pv_vmi_vmxnet3/bind"
mdev_settle
check pv_vmi_bound test "$(driver_of)" = pv_vmi_vmxnet3
check pv_net_autoloaded_on_bind wait_for 10 pv_net_loaded

# --- unload and reload: modprobe pv_vmi brings pv_net --------------------
check pv_net_unloads rmmod pv_net
check vmi_unloads rmmod pv_vmi
dmesg_mark
check vmi_reloads modprobe pv_vmi clock=0
mdev_settle
check pv_net_autoloaded wait_for 10 pv_net_loaded
check interface_appears wait_for 10 has_if
IF=$(ifname)
note "$(dmesg_since_mark | grep -E 'pv_vmi|pv_net|pvnet' | tr '\n' '|')"
check probe_logged dmesg_has "pv_vmi_vmxnet3 $bdf: pvnet0: VMXNET3 revision 1, UPT 1, MAC $MAC"
check pv_device_class test "$(cat /sys/bus/pv/devices/pvnet0/class)" = net
check pv_device_features test "$(cat /sys/bus/pv/devices/pvnet0/features)" = "tx_csum rx_csum tso tso6 sg mtu"
check pv_device_parent test "$(basename "$(dirname "$(readlink -f /sys/bus/pv/devices/pvnet0)")")" = "$bdf"
check mac_from_qemu test "$(cat "/sys/class/net/$IF/address")" = "$MAC"
check carrier_down_before_up test "$(cat "/sys/class/net/$IF/operstate")" = down

# --- traffic --------------------------------------------------------------
check link_up up_with_address
check link_logged dmesg_has "pv_net pvnet0 $IF: link up, 1000 Mb/s"
check ping_host ping_host 3
check tcp_host_to_guest get $XFER_BYTES 1
note "$(get $XFER_BYTES 2)"
check tcp_guest_to_host put $XFER_BYTES 3
note "$(put $XFER_BYTES 4)"

# --- ethtool --------------------------------------------------------------
check ethtool_driver ethtool_has -i '^driver: pv_net$'
check ethtool_version ethtool_has -i '^version: .+'
check ethtool_bus_info ethtool_has -i "^bus-info: $bdf\$"
check ethtool_fw_hypervisor ethtool_has -i '^firmware-version: vmware$'
note "$($ETHTOOL -i "$IF" | tr '\n' ';')"
check ethtool_speed ethtool_has "" 'Speed: 1000Mb/s'
check ethtool_link ethtool_has "" 'Link detected: yes'
check stats_rx_packets stat_positive queue_0_rx_packets
check stats_tx_bytes stat_positive queue_0_tx_bytes
check stats_device_rx stat_positive dev_rx_ucast_pkts
check stats_device_tso stat_positive dev_tx_tso_pkts
check stats_no_protocol_errors test "$(ethtool_stat vmxnet3_protocol_errors)" = 0
note "$($ETHTOOL -S "$IF" | grep -v ': 0$' | tr -s ' \n' ' ;')"
check ring_max ethtool_has -g '^RX:[[:space:]]+4096'
check ring_rx_default sh -c "$ETHTOOL -g $IF | sed -n '/Current/,\$p' | grep -qE '^RX:[[:space:]]+256'"
check ring_resize $ETHTOOL -G "$IF" rx 512 tx 1024
check ring_resized sh -c "$ETHTOOL -g $IF | sed -n '/Current/,\$p' | grep -qE '^TX:[[:space:]]+1024'"
check ring_bad_size_refused sh -c "! $ETHTOOL -G $IF rx 100"
check carrier_after_resize wait_for 10 carrier_is 1
check ping_after_resize ping_host 2
check offload_tx_csum ethtool_has -k '^tx-checksumming: on'
check offload_rx_csum ethtool_has -k '^rx-checksumming: on'
check offload_sg ethtool_has -k '^scatter-gather: on'
check offload_tso ethtool_has -k '^tcp-segmentation-offload: on'
check offload_no_lro ethtool_has -k '^large-receive-offload: off \[fixed\]'
check rx_csum_off $ETHTOOL -K "$IF" rx off
check rx_csum_is_off ethtool_has -k '^rx-checksumming: off'
check get_without_rx_csum get 2000000 5
check rx_csum_on $ETHTOOL -K "$IF" rx on
check tso_off $ETHTOOL -K "$IF" tso off
check put_without_tso put 4000000 6
check tso_on $ETHTOOL -K "$IF" tso on

# --- MTU ------------------------------------------------------------------
check mtu_1400 $IP link set "$IF" mtu 1400
check mtu_is_1400 test "$(cat "/sys/class/net/$IF/mtu")" = 1400
check carrier_mtu_1400 wait_for 10 carrier_is 1
check ping_mtu_1400 ping_host 2 1372
check get_mtu_1400 get 4000000 7
check mtu_9000 $IP link set "$IF" mtu 9000
check carrier_mtu_9000 wait_for 10 carrier_is 1
check ping_mtu_9000 ping_host 2
check get_mtu_9000 get 4000000 8
check_fails mtu_too_big $IP link set "$IF" mtu 9001
check_fails mtu_too_small $IP link set "$IF" mtu 59
check mtu_back_1500 $IP link set "$IF" mtu 1500
check carrier_mtu_1500 wait_for 10 carrier_is 1
check ping_mtu_1500 ping_host 2

# --- down/up --------------------------------------------------------------
check link_set_down $IP link set "$IF" down
check carrier_gone carrier_is ""
check link_set_up $IP link set "$IF" up
check carrier_back wait_for 10 carrier_is 1
check ping_after_up ping_host 2
check put_after_up put 4000000 9

# --- MAC address (pv ABI 3.1: set_mac_address) ---------------------------
# arp_notify announces the new address, so QEMU's user network sends to
# it; the device filters unicast frames by its own address (rx mode
# UCAST), so replies arrive only if pv_vmi told the device.
NEWMAC=02:50:56:ab:cd:ef
check arp_notify sh -c "echo 1 > /proc/sys/net/ipv4/conf/$IF/arp_notify"
check mac_set $IP link set dev "$IF" address $NEWMAC
check mac_is_new test "$(cat "/sys/class/net/$IF/address")" = $NEWMAC
check mac_permanent_kept ethtool_has -P "Permanent address: $MAC"
check ping_new_mac ping_host 2
check get_new_mac get 4000000 11
check_fails mac_multicast_refused $IP link set dev "$IF" address 03:00:00:00:00:01
check mac_unchanged_by_refusal test "$(cat "/sys/class/net/$IF/address")" = $NEWMAC

# --- link events from the host (QEMU monitor set_link) -------------------
link_cycle() { echo "LINKCYCLE n0 3" | nc "$HOST" "$PORT" | grep -q OK; }
dmesg_mark link
check link_cycle_requested link_cycle
check carrier_lost wait_for 10 carrier_is 0
check carrier_regained wait_for 15 carrier_is 1
check link_down_logged dmesg_has "pv_net pvnet0 $IF: link down"
check link_events_counted stat_positive vmxnet3_link_events
check ping_after_link_cycle ping_host 2

# --- unload while up, reload ---------------------------------------------
check rmmod_while_up rmmod pv_net
check interface_gone sh -c "! test -e /sys/class/net/$IF"
check pv_device_stays test -e /sys/bus/pv/devices/pvnet0
check pv_net_reloads modprobe pv_net
check interface_back wait_for 10 has_if
IF=$(ifname)
# pv_net gave the device its own address back when it let go.
check mac_permanent_after_reload test "$(cat "/sys/class/net/$IF/address")" = "$MAC"
check up_again up_with_address
check get_after_reload get 4000000 10
check pv_net_unloads_again rmmod pv_net
check vmi_unloads_finally rmmod pv_vmi
check nic_released test -z "$(driver_of)"
check_dmesg_clean kernel_log_clean
