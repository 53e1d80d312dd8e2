# pv_net's rx mode on VMXNET3 (pv ABI 3.2: set_rx_mode), on Debian's stock
# kernel disguised as VMware. QEMU's vmxnet3 filters what it receives by
# the rx mode the driver gives it, so what the guest counts is what the
# device let through. The NIC's netdev is a UDP socket; the host
# (tests/vm/host/rxmode-inject.py) sends, per round, a few frames to one
# address and then an ARP request from a fresh sender: once the guest has
# a neighbour entry for that sender, the interface's rx_packets (less one)
# is the number of those frames delivered. Rounds to the own address,
# broadcast, a foreign unicast address and two multicast groups with
# promiscuous mode off and on (ip link, and tcpdump), a multicast group
# joined and left (ip maddr), all-multicast, the mode kept across a
# reopen, and a MAC address change.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ tools: ip ethtool tcpdump
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -netdev socket,id=n0,udp=127.0.0.1:47055,localaddr=127.0.0.1:47056 -device vmxnet3,netdev=n0,mac=00:50:56:12:34:57
#@ host: python3 @TOP@/tests/vm/host/rxmode-inject.py @WORK@ 47056 47055 @TIMEOUT@
#@ timeout: 400

MAC=00:50:56:12:34:57
NEWMAC=02:50:56:ab:cd:01
FOREIGN=02:00:00:aa:bb:cc
BCAST=ff:ff:ff:ff:ff:ff
MC1=01:00:5e:01:02:03
MC2=01:00:5e:09:09:09
GIP=10.77.0.2
IP=/usr/sbin/ip
ETHTOOL=/usr/sbin/ethtool
TCPDUMP=/usr/bin/tcpdump
N=5

ifname() { ls /sys/bus/pv/devices/pvnet0/net 2>/dev/null; }
has_if() { test -n "$(ifname)"; }
pv_net_loaded() { grep -q '^pv_net ' /proc/modules; }
carrier_is() { test "$(cat "/sys/class/net/$IF/carrier" 2>/dev/null)" = "$1"; }
rx_packets() { cat "/sys/class/net/$IF/statistics/rx_packets"; }
arp_seen() { $IP neigh show to "$1" dev "$IF" | grep -q lladdr; }
has_flag() { $IP link show dev "$IF" | grep -q "[<,]$1[,>]"; }

# delivered DST COUNT WANT: one round of COUNT frames to DST; succeeds when
# WANT of them reached the interface. Prints (and notes) the count.
delivered() {
	local r sip before after got
	r=$(($(cat /tmp/round 2>/dev/null || echo 0) + 1))
	echo $r >/tmp/round
	sip=10.77.$((r / 250 + 1)).$((r % 250 + 1))
	before=$(rx_packets)
	note "INJECT $r $1 $2 $sip $GIP"
	if ! wait_for 10 arp_seen "$sip"; then
		echo "round $r: the ARP request from $sip never arrived"
		return 1
	fi
	after=$(rx_packets)
	got=$((after - before - 1))
	note "round $r: $got of $2 frames to $1 delivered (want $3)"
	echo "round $r: $got of $2 frames to $1 delivered (want $3)"
	test "$got" -eq "$3"
}

check vmi_loads modprobe pv_vmi clock=0
mdev_settle
check pv_net_autoloaded wait_for 10 pv_net_loaded
check interface_appears wait_for 10 has_if
IF=$(ifname)
check mac_is_device_mac test "$(cat "/sys/class/net/$IF/address")" = $MAC
check up sh -c "$IP addr add $GIP/16 dev $IF && $IP link set $IF up"
check carrier wait_for 10 carrier_is 1

# --- default: own address, broadcast; nothing foreign ---------------------
check own_delivered delivered $MAC $N $N
check broadcast_delivered delivered $BCAST $N $N
check foreign_filtered delivered $FOREIGN $N 0
# Before pv ABI 3.2 the device took every multicast frame.
check mcast_unjoined_filtered delivered $MC1 $N 0

# --- promiscuous (the device gets the mode a moment later: wait_for) ------
check promisc_on $IP link set "$IF" promisc on
check promisc_flag has_flag PROMISC
check promisc_delivers_foreign wait_for 10 delivered $FOREIGN $N $N
check promisc_delivers_mcast delivered $MC1 $N $N
check promisc_still_own delivered $MAC $N $N
check promisc_off $IP link set "$IF" promisc off
check promisc_off_filters_foreign wait_for 10 delivered $FOREIGN $N 0
check promisc_off_filters_mcast delivered $MC1 $N 0

# --- tcpdump: promiscuous through the packet socket -----------------------
# It looks its user up (-Z) in /etc/passwd, which the initramfs lacks.
check passwd_for_tcpdump sh -c 'mkdir -p /etc && echo root:x:0:0:root:/:/bin/sh >>/etc/passwd && echo root:x:0: >>/etc/group'
$TCPDUMP -i "$IF" -n -Z root --immediate-mode -U -w /tmp/cap.pcap >/tmp/tcpdump.log 2>&1 &
tcpdump_pid=$!
check tcpdump_listening wait_for 10 grep -q 'listening on' /tmp/tcpdump.log
# A packet socket's promiscuity is not IFF_PROMISC in ip link's flags.
check tcpdump_promisc sh -c "$IP -d link show dev $IF | grep -q 'promiscuity 1'"
check tcpdump_delivers_foreign wait_for 10 delivered $FOREIGN $N $N
check tcpdump_captured_foreign wait_for 10 sh -c "test \"\$($TCPDUMP -Z root -n -r /tmp/cap.pcap ether dst $FOREIGN 2>/dev/null | wc -l)\" -ge $N"
kill -INT $tcpdump_pid
wait $tcpdump_pid
note "tcpdump: $(tail -n 3 /tmp/tcpdump.log | tr '\n' ' ')"
check tcpdump_gone_filters_foreign wait_for 10 delivered $FOREIGN $N 0

# --- multicast list ------------------------------------------------------
check maddr_add $IP maddr add $MC1 dev "$IF"
check mcast_joined_delivered wait_for 10 delivered $MC1 $N $N
check mcast_other_filtered delivered $MC2 $N 0
check foreign_still_filtered delivered $FOREIGN $N 0
check allmulti_on $IP link set "$IF" allmulticast on
check allmulti_delivers_other wait_for 10 delivered $MC2 $N $N
check allmulti_not_promisc delivered $FOREIGN $N 0
check allmulti_off $IP link set "$IF" allmulticast off
check allmulti_off_filters_other wait_for 10 delivered $MC2 $N 0
check mcast_still_joined delivered $MC1 $N $N
check maddr_del $IP maddr del $MC1 dev "$IF"
check mcast_left_filtered wait_for 10 delivered $MC1 $N 0

# --- the mode outlives a reopen (pv_net passes it again after open) -------
check promisc_on_again $IP link set "$IF" promisc on
check promisc_again_delivers wait_for 10 delivered $FOREIGN $N $N
# VMXNET3 has no set_mtu: pv_net closes and reopens the queues.
check mtu_reopen $IP link set "$IF" mtu 1400
check promisc_after_mtu_reopen wait_for 10 delivered $FOREIGN $N $N
check down_up sh -c "$IP link set $IF down && $IP link set $IF up"
check carrier_after_up wait_for 10 carrier_is 1
check promisc_after_down_up wait_for 10 delivered $FOREIGN $N $N
check promisc_off_again $IP link set "$IF" promisc off
check filters_after_reopen wait_for 10 delivered $FOREIGN $N 0

# --- MAC address change: the unicast filter follows ------------------------
check mac_set $IP link set dev "$IF" address $NEWMAC
check mac_is_new test "$(cat "/sys/class/net/$IF/address")" = $NEWMAC
check new_mac_delivered delivered $NEWMAC $N $N
check old_mac_filtered delivered $MAC $N 0
check mac_back $IP link set dev "$IF" address $MAC
check old_mac_delivered_again delivered $MAC $N $N

note "ip -s link: $($IP -s link show dev "$IF" | tr '\n' ' ')"
note "device counters: $($ETHTOOL -S "$IF" | grep -E 'dev_rx_(ucast|mcast|bcast)_pkts' | tr -s ' \n' '  ')"
check unloads sh -c 'rmmod pv_net && rmmod pv_vmi'
check_dmesg_clean kernel_log_clean
