# pv_vmi's VMXNET3 with MSI and MSI-X off (pci=nomsi): one shared INTx
# line for the queue pair and the events, claimed through ICR. Checked TCP
# transfers both ways at MTUs below and at 1500 (QEMU's user network sends
# 1514-byte frames whatever the guest's MTU).
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ tools: ip tcpxfer
#@ append: pci=nomsi
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -netdev user,id=n0 -device vmxnet3,netdev=n0,mac=00:50:56:12:34:57
#@ host: python3 @TOP@/tests/vm/host/tcp-echo.py 47020 200
#@ timeout: 200

IP=/usr/sbin/ip
HOST=10.0.2.2
PORT=47020
carrier_is() { test "$(cat "/sys/class/net/$IF/carrier" 2>/dev/null)" = "$1"; }
has_if() { test -e /sys/bus/pv/devices/pvnet0/net; }
set_mtu() { $IP link set "$IF" mtu "$1" && wait_for 10 carrier_is 1; }

check vmi_loads modprobe pv_vmi clock=0
mdev_settle
check interface_appears wait_for 10 has_if
IF=$(ls /sys/bus/pv/devices/pvnet0/net)
check intx_mode dmesg_has 'pv_vmi_vmxnet3 .*: pvnet0: VMXNET3 revision 1, UPT 1, MAC 00:50:56:12:34:57, INTx, link up'
check link_up sh -c "$IP addr add 10.0.2.15/24 dev $IF && $IP link set $IF up"
check carrier wait_for 10 carrier_is 1
for mtu in 1500 1400 1280; do
	check "mtu_$mtu" set_mtu $mtu
	check "get_mtu_$mtu" tcpxfer get $HOST $PORT 8000000 $mtu
	check "put_mtu_$mtu" tcpxfer put $HOST $PORT 8000000 $mtu
done
note "$(grep pvnet /proc/interrupts)"
check rmmod_while_up rmmod pv_net
check vmi_unloads rmmod pv_vmi
check_dmesg_clean kernel_log_clean
