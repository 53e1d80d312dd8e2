#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# probe.sh SRCTREE [OBJTREE]: print -D flags describing the target kernel.
#
# Every probe asks the headers what they declare, never which version they
# are, so backports are handled the same as upstream. Each flag is consumed
# by modules/compat/compat.h and nowhere else.
src=$1
inc=$src/include

has() { # has FILE EXTENDED-REGEX
	grep -Eqs -- "$2" "$inc/$1"
}

# 5.15 made bus_type::remove return void.
has linux/device/bus.h 'void \(\*remove\)\(struct device \*dev\)' ||
	echo -DPV_COMPAT_BUS_REMOVE_INT
# 6.3 made bus_type::uevent take a const device.
has linux/device/bus.h 'int \(\*uevent\)\(const struct device \*' ||
	echo -DPV_COMPAT_BUS_UEVENT_MUTABLE
# 6.11 made bus_type::match take a const driver.
has linux/device/bus.h 'int \(\*match\)\(struct device \*dev, const struct device_driver \*' ||
	echo -DPV_COMPAT_BUS_MATCH_MUTABLE
# 6.4 made bus attribute callbacks take a const bus_type.
has linux/device/bus.h 'ssize_t \(\*show\)\(const struct bus_type \*' ||
	echo -DPV_COMPAT_BUS_ATTR_MUTABLE
# 6.12 moved the unaligned access helpers to <linux/unaligned.h>.
[ -f "$inc/linux/unaligned.h" ] ||
	echo -DPV_COMPAT_NO_LINUX_UNALIGNED
# 5.17 added struct kernel_ethtool_ringparam to the ringparam ethtool ops;
# pv_net is not built without it (nor without ethtool_sprintf(), 5.13, or
# the weightless netif_napi_add(), 6.1).
has linux/ethtool.h 'struct kernel_ethtool_ringparam \{' ||
	echo -DPV_COMPAT_NO_KERNEL_ETHTOOL_RINGPARAM
# 6.14 made request merging the default and dropped BLK_MQ_F_SHOULD_MERGE.
has linux/blk-mq.h 'BLK_MQ_F_SHOULD_MERGE' ||
	echo -DPV_COMPAT_BLK_MQ_MERGE_DEFAULT
# 6.15 dropped the request_queue argument of blk_rq_map_sg().
has linux/blk-mq.h 'blk_rq_map_sg\(struct request_queue \*q' &&
	echo -DPV_COMPAT_BLK_RQ_MAP_SG_QUEUE
# 5.14 added blk_mq_alloc_disk(); pv_blk is not built without it.
has linux/blk-mq.h 'define blk_mq_alloc_disk\(' ||
	echo -DPV_COMPAT_NO_BLK_MQ_ALLOC_DISK
# 6.9 passes queue limits to blk_mq_alloc_disk(); 6.11 moved the cache and
# rotational flags into them. Before, both are set on the queue afterwards.
has linux/blk-mq.h 'define blk_mq_alloc_disk\(set, lim, queuedata\)' ||
	echo -DPV_COMPAT_BLK_LIMITS_SETTERS
has linux/blkdev.h 'define BLK_FEAT_WRITE_CACHE' ||
	echo -DPV_COMPAT_BLK_NO_FEATURES
# 6.14 added queue_limits_commit_update_frozen() (and changed what
# blk_mq_freeze_queue() returns); 6.11-6.13 freeze around the commit.
has linux/blkdev.h 'queue_limits_commit_update_frozen\(' ||
	echo -DPV_COMPAT_BLK_NO_COMMIT_FROZEN
# asm/cpuid/api.h holds cpuid() since 6.15; asm/processor.h stopped
# including it in 7.2.
[ -f "$src/arch/x86/include/asm/cpuid/api.h" ] &&
	echo -DPV_COMPAT_ASM_CPUID_API
# 6.13 made symbol namespaces string literals; before, they were
# identifiers (MODULE_INFO(import_ns, #ns) in 5.x, __stringify(ns) later).
has linux/module.h 'MODULE_INFO\(import_ns, ns\)' ||
	echo -DPV_COMPAT_NS_IDENTIFIER
# pv_xen is built only for the 6.1+ xenbus API: xenbus_setup_ring() (5.18)
# and a void xenbus_driver::remove (6.1).
{ has xen/xenbus.h 'int xenbus_setup_ring\(' &&
  has xen/xenbus.h 'void \(\*remove\)\(struct xenbus_device \*dev\)'; } ||
	echo -DPV_COMPAT_NO_XENBUS_SETUP_RING
# 6.5 moved skb_gso_segment() to <net/gso.h>; before, <linux/netdevice.h>.
[ -f "$inc/net/gso.h" ] ||
	echo -DPV_COMPAT_NO_NET_GSO_H
# 7.x passes the device to xenbus_read_driver_state() as well as the path.
has xen/xenbus.h 'xenbus_read_driver_state\(const char \*path\)' &&
	echo -DPV_COMPAT_XENBUS_READ_STATE_PATH
exit 0
