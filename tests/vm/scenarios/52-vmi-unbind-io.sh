# Unbinding the PVSCSI adapter while four O_DIRECT writers run, on 2 vCPUs:
# the in-tree vmw_pvscsi and pv_vmi take turns on the same adapter (three
# rounds each, interleaved). Every unbind must finish in seconds (pv_vmi
# used to take 61-63 s: it masked interrupts before removing its disks, so
# del_gendisk() waited for completions that could not come, until two
# request timeouts broke the adapter and failed the writes), pv_vmi's
# median within 1.5x (+1 s of TCG slack) of vmw_pvscsi's, and every block a
# writer saw complete must be in the image (checked by the host).
#@ kernel: stock
#@ extra: project
#@ modules: vmw_pvscsi sd_mod
#@ mdev: yes
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -device pvscsi,id=s0
# A host that takes its time (100 IOPS for the drive): a write is in flight
# whenever the adapter is unbound.
#@ qemu: -drive if=none,id=d0,file=@WORK@/disk0.img,format=raw,cache=writeback,throttling.iops-total=100 -device scsi-hd,bus=s0.0,scsi-id=0,drive=d0
#@ prepare: truncate -s 256M @WORK@/disk0.img
#@ verify: @TOP@/tests/vm/host/unbind-verify.sh @WORK@
#@ timeout: 420

WRITERS=4
REGION_MIB=2		# per writer and round
pattern() { awk -v tag="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%-10.10s %020d\n", tag, i }'; }
pci=$(for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor):$(cat $d/device)" = 0x15ad:0x07c0 ] && basename $d; done)
drv_of() { basename "$(readlink /sys/bus/pci/devices/$pci/driver 2>/dev/null)" 2>/dev/null; }

bind_to() { # DRIVER
	[ -e /sys/bus/pci/devices/$pci/driver ] && echo "$pci" >/sys/bus/pci/devices/$pci/driver/unbind
	echo "$1" >/sys/bus/pci/devices/$pci/driver_override &&
		echo "$pci" >/sys/bus/pci/drivers_probe && test "$(drv_of)" = "$1"
}
disk_of() { # DRIVER: sysfs directory of the adapter's disk under it
	case $1 in
	vmw_pvscsi) ls -d /sys/bus/pci/devices/$pci/host*/target*/*/block/sd* 2>/dev/null | head -n 1 ;;
	*) ls -d /sys/bus/pci/devices/$pci/pvblk*/block/pvb* 2>/dev/null | head -n 1 ;;
	esac
}
has_disk() { d=$(disk_of "$1") && [ -f "$d/dev" ]; }
# node_of SYSDIR NAME: a device node of our own in devtmpfs (/run is
# nodev; mdev's nodes come and go
# asynchronously with the remove and add events of the rounds).
node_of() {
	rm -f "/dev/pvtest-$2"
	mknod "/dev/pvtest-$2" b $(tr ':' ' ' <"$1/dev") && echo "/dev/pvtest-$2"
}

check inbox_loads modprobe vmw_pvscsi
check vmi_loads modprobe pv_vmi
mdev_settle
note "PVSCSI at $pci, driven by $(drv_of)"

# round R DRIVER: bind, start the writers, unbind under them; prints the
# unbind time in centiseconds.
times_vmw_pvscsi='' times_pv_vmi_pvscsi=''
round() {
	local r=$1 drv=$2 dev i t0 t1 pids=''
	check "round${r}_bind_$drv" bind_to "$drv" || return
	mdev_settle
	check "round${r}_disk_$drv" wait_for 20 has_disk "$drv" || return
	dev=$(node_of "$(disk_of "$drv")" disk$r) || { fail "round${r}_node_$drv" "no device node"; return; }
	note "round $r: $drv drives $(basename "$(disk_of "$drv")")"
	for i in $(seq 0 $((WRITERS - 1))); do
		# The writer's own 64 KiB block, repeated over its region (doubled
		# up in tmpfs), written by one dd with O_DIRECT: always a write in
		# flight, and dd counts the blocks that completed.
		pattern "r${r}w${i}" 2048 >/run/src$i
		n=1
		while [ $n -lt $((REGION_MIB * 16)) ]; do
			cat /run/src$i /run/src$i >/run/tmp$i && mv /run/tmp$i /run/src$i
			n=$((n * 2))
		done
		# Pass after pass over the region until the device goes away.
		rm -f /run/w$i.passes
		(p=0
		 while dd if=/run/src$i of="$dev" bs=64k seek=$(( (r * WRITERS + i) * REGION_MIB * 16 )) \
			oflag=direct conv=notrunc 2>/run/w$i.err; do
			p=$((p + 1))
			echo $p >/run/w$i.passes
		 done) &
		pids="$pids $!"
	done
	sleep 2
	_pvtest_now; t0=$_pvtest_t
	echo "$pci" >/sys/bus/pci/devices/$pci/driver/unbind
	_pvtest_now; t1=$_pvtest_t
	wait $pids
	rm -f /run/src*
	check "round${r}_unbound_$drv" test -z "$(drv_of)"
	check "round${r}_unbind_within_10s_$drv" test $((t1 - t0)) -lt 1000
	note "round $r: $drv unbind under $WRITERS O_DIRECT writers took $((t1 - t0))0 ms"
	eval "times_$drv=\"\$times_$drv $((t1 - t0))\""
	for i in $(seq 0 $((WRITERS - 1))); do
		# A whole pass, or what the interrupted first pass completed.
		if [ -s /run/w$i.passes ]; then
			k=$((REGION_MIB * 16))
		else
			k=$(sed -n 's/^\([0-9]*\)+[0-9]* records out.*/\1/p' /run/w$i.err | tail -n 1)
		fi
		[ "$i" = 0 ] && note "writer 0: $(cat /run/w0.passes 2>/dev/null) whole passes, then: $(tr '\n' '|' </run/w0.err)"
		note "written round=$r writer=$i offset_mib=$(( (r * WRITERS + i) * REGION_MIB )) blocks=${k:-0}"
	done
}

for r in 0 1 2; do
	round $((2 * r)) vmw_pvscsi
	round $((2 * r + 1)) pv_vmi_pvscsi
done

median() { echo "$@" | tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mi=$(median $times_vmw_pvscsi)
mp=$(median $times_pv_vmi_pvscsi)
note "unbind medians: vmw_pvscsi ${mi}0 ms (${times_vmw_pvscsi# }), pv_vmi ${mp}0 ms (${times_pv_vmi_pvscsi# })"
check pv_unbind_median_within_1_5x_inbox test "$((mp * 10))" -le "$((mi * 15 + 1000))"
check_dmesg_clean kernel_log_clean
