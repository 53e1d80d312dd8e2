#!/bin/bash
# Host side of the disk scenarios.
#   disk.sh prepare WORK: make WORK/disk0.img and WORK/disk1.img (64 MiB each)
#                         with a known pattern at the start of each
#   disk.sh verify WORK:  after the VM: is what the guest wrote in the
#                         images, and did the device see cache flushes?
# The pattern generator is the same awk program the guest runs (busybox awk),
# so both sides can compute and compare checksums.
set -uo pipefail

# pattern TAG LINES: LINES lines of 32 bytes each.
pattern() { awk -v tag="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%-10.10s %020d\n", tag, i }'; }

region_sum() { # IMG OFFSET_MIB LEN_MIB
	dd if="$1" bs=1M skip="$2" count="$3" status=none | sha256sum | cut -d' ' -f1
}

check() { # NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then echo "PASS $1"; else echo "FAIL $1: expected $2, image has $3"; fi
}

work=${2:?usage: disk.sh prepare|verify WORK}
case $1 in
prepare)
	for d in 0 1; do
		truncate -s 64M "$work/disk$d.img"
	done
	truncate -s 8M "$work/disk2.img"	# attached read-only
	pattern host-0 262144 | dd of="$work/disk0.img" conv=notrunc status=none
	pattern host-1 32768 | dd of="$work/disk1.img" conv=notrunc status=none
	;;
verify)
	check host_sees_odirect_write "$(pattern direct 131072 | sha256sum | cut -d' ' -f1)" \
		"$(region_sum "$work/disk0.img" 16 4)"
	check host_sees_fsync_write "$(pattern fsync 131072 | sha256sum | cut -d' ' -f1)" \
		"$(region_sum "$work/disk0.img" 24 4)"
	# SYNCHRONIZE CACHE(10) is opcode 0x35 = 53.
	flushes=$(grep -c 'scsi_req_parsed .*command 53 ' "$work/trace.log" 2>/dev/null)
	if [ "${flushes:-0}" -gt 0 ]; then
		echo "PASS device_saw_cache_flushes"
		echo "NOTE $flushes SYNCHRONIZE CACHE commands reached the device"
	else
		echo "FAIL device_saw_cache_flushes: no SYNCHRONIZE CACHE in $work/trace.log"
	fi
	;;
*)
	echo "usage: disk.sh prepare|verify WORK" >&2
	exit 2
	;;
esac
