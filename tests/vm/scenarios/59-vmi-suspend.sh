# Suspend to RAM (ACPI S3) and back with pv_vmi's PVSCSI disk and VMXNET3
# NIC on Debian's stock kernel: data written before the suspend reads back
# after it, new writes read back, TCP transfers both ways before and after,
# the kernel log stays clean, and everything unloads. The host wakes the
# guest over QMP (system_wakeup) once QEMU reports it suspended; QEMU
# resets every device on the way back, so the drivers must set their
# rings up again.
# S3 needs the firmware boot (#@ boot: firmware): booted through the
# kernel's PVH entry (run.sh's default for the stock kernel), QEMU's
# wakeup resets the guest instead of resuming it (qemu -d cpu_reset shows
# the reset; the VM then exits under -no-reboot), so a PVH boot fails the
# scenario's booted_through_firmware check rather than skip the suspends.
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ tools: ip tcpxfer
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -global PIIX4_PM.disable_s3=0
#@ qemu: -qmp unix:@WORK@/qmp.sock,server=on,wait=off
#@ qemu: -device pvscsi,id=s0
#@ qemu: -drive if=none,id=d0,file=@WORK@/disk0.img,format=raw,cache=writeback -device scsi-hd,bus=s0.0,scsi-id=0,drive=d0
#@ qemu: -netdev user,id=n0 -device vmxnet3,netdev=n0,mac=00:50:56:12:34:59
#@ prepare: truncate -s 64M @WORK@/disk0.img
#@ host: python3 @TOP@/tests/vm/host/s3-wake.py @WORK@/qmp.sock @TIMEOUT@ python3 @TOP@/tests/vm/host/tcp-echo.py 47059 @TIMEOUT@
#@ boot: firmware
#@ timeout: 300

PORT=47059
HOST=10.0.2.2
IP=/usr/sbin/ip
XFER_BYTES=8388608
# Bounded I/O: a device whose rings are gone hangs a request until the
# block layer's timeout, and pv_blk's retries after it, would end it.
T=60

pattern() { awk -v tag="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%-10.10s %020d\n", tag, i }'; }
sum_of() { "$@" | sha256sum | cut -d' ' -f1; }
region() { timeout $T dd if=/dev/pvb0 bs=1M skip="$1" count="$2" iflag=direct 2>/dev/null; }
wr() { pattern "$1" 131072 | timeout $T dd of=/dev/pvb0 bs=1M seek="$2" oflag=direct iflag=fullblock 2>/dev/null; }
reads_back() { test "$(sum_of region "$2" 4)" = "$(sum_of pattern "$1" 131072)"; }
ifname() { ls /sys/bus/pv/devices/pvnet0/net 2>/dev/null; }
has_if() { test -n "$(ifname)"; }
carrier_is() { test "$(cat "/sys/class/net/$IF/carrier" 2>/dev/null)" = "$1"; }
get() { timeout $T tcpxfer get "$HOST" "$PORT" "$1" "$2"; }
put() { timeout $T tcpxfer put "$HOST" "$PORT" "$1" "$2"; }
suspend() { [ $s3 = 0 ] || echo mem >/sys/power/state; }

check vmi_loads modprobe pv_vmi clock=0
mdev_settle
check disk_appears wait_for 10 test -b /dev/pvb0
check interface_appears wait_for 10 has_if
IF=$(ifname)
check link_up sh -c "$IP addr add 10.0.2.15/24 dev $IF && $IP link set $IF up"
check carrier wait_for 10 carrier_is 1
# 0x90: the PVH entry (Xen's loader id); QEMU's own bzImage loader is 0xb0.
s3=1
if [ "$(cat /proc/sys/kernel/bootloader_type)" = 144 ]; then
	s3=0
	note "booted through the PVH entry, from which S3 does not resume: suspend NOT tested"
fi
check booted_through_firmware test "$s3" = 1
check s3_offered grep -qw mem /sys/power/state
note "mem_sleep: $(cat /sys/power/mem_sleep 2>&1)"
check s3_deep sh -c 'echo deep > /sys/power/mem_sleep'

# --- before ---------------------------------------------------------------
check write_before wr before 0
check reads_back_before reads_back before 0
check tcp_get_before get $XFER_BYTES 1
check tcp_put_before put $XFER_BYTES 2

# --- suspend to RAM; the host wakes us ------------------------------------
dmesg_mark
check suspend_resume suspend
note "after resume: $(dmesg_since_mark | grep -E 'PM:|pv_vmi|pv_blk|pv_net|pvblk|pvnet|ACPI' | sed 's/^\[[ 0-9.]*\] //' | tail -n 20 | tr '\n' '|')"
s3_entered() { [ $s3 = 0 ] || dmesg_since_mark | grep -q 'ACPI: PM: Low-level resume complete'; }
check s3_entered s3_entered

# --- after ----------------------------------------------------------------
check before_reads_back_after reads_back before 0
check write_after wr after 8
check reads_back_after reads_back after 8
check carrier_after wait_for 20 carrier_is 1
check tcp_get_after get $XFER_BYTES 3
check tcp_put_after put $XFER_BYTES 4

# --- and once more, with writes in flight --------------------------------
wr during 16 &
wpid=$!
check suspend_under_io suspend
check io_across_suspend wait $wpid
check during_reads_back reads_back during 16
check tcp_get_second get $XFER_BYTES 5

check_dmesg_clean kernel_log_clean
check pv_net_unloads rmmod pv_net
check pv_blk_unloads rmmod pv_blk
check vmi_unloads rmmod pv_vmi
