# Discard on PVSCSI disks follows what the unit says in its LBP and block
# limits VPD pages, as sd's does: QEMU's scsi-hd with max_unmap_size=4 MiB
# takes UNMAPs of at most 4 MiB, so discard_max_bytes must say 4 MiB (it
# said 4 GiB - 512, from LBPME alone), the granularity follows the
# unit's, and discards larger than the limit still work (split).
#@ kernel: stock
#@ extra: project
#@ mdev: yes
#@ qemu: -cpu max,-hypervisor -smbios "type=1,serial=VMware-56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
#@ qemu: -device pvscsi,id=s0
#@ qemu: -drive if=none,id=d0,file=@WORK@/disk0.img,format=raw,discard=unmap -device scsi-hd,bus=s0.0,scsi-id=0,drive=d0,max_unmap_size=4194304,discard_granularity=65536
#@ qemu: -drive if=none,id=d1,file=@WORK@/disk1.img,format=raw,discard=unmap -device scsi-hd,bus=s0.0,scsi-id=1,drive=d1
#@ prepare: truncate -s 64M @WORK@/disk0.img && truncate -s 32M @WORK@/disk1.img
#@ timeout: 150

check vmi_loads modprobe pv_vmi
mdev_settle
check two_disks wait_for 15 test -b /dev/pvb1
for d in pvb0 pvb1; do
	note "$d: discard_max_bytes $(cat /sys/block/$d/queue/discard_max_bytes), granularity $(cat /sys/block/$d/queue/discard_granularity), features $(cat /sys/block/$d/device/features 2>/dev/null || cat /sys/bus/pv/devices/pvblk${d#pvb}/features)"
done
check limited_unit_max_4m test "$(cat /sys/block/pvb0/queue/discard_max_bytes)" -eq 4194304
check limited_unit_granularity_64k test "$(cat /sys/block/pvb0/queue/discard_granularity)" -eq 65536
check discard_feature sh -c 'grep -qw discard /sys/bus/pv/devices/pvblk0/features'
# QEMU's default: UNMAPs of up to 1 GiB.
check default_unit_max_1g test "$(cat /sys/block/pvb1/queue/discard_max_bytes)" -eq 1073741824
check discard_16m_split blkdiscard -o 0 -l 16777216 /dev/pvb0
check discard_small blkdiscard -o 33554432 -l 65536 /dev/pvb0
check discard_default_unit blkdiscard -o 0 -l 16777216 /dev/pvb1
check_dmesg_clean kernel_log_clean
