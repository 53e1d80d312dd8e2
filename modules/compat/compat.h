/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compatibility with the kernels in the supported window (docs/compat.md).
 *
 * Force-included into every translation unit by the top-level Kbuild. The
 * PV_COMPAT_* flags come from probe.sh, which inspects the target kernel's
 * headers. Driver code is written against the newest kernel API and uses
 * the few helpers below only where an older kernel needs an adapter; no
 * other file tests kernel versions.
 */
#ifndef _PV_COMPAT_H
#define _PV_COMPAT_H

#include <linux/stringify.h>

/*
 * Symbol namespaces: identifiers before 6.13, string literals after.
 * PV_NS names the namespace pv_core exports into; use it with the
 * PV_EXPORT / PV_IMPORT helpers below.
 */
#ifdef PV_COMPAT_NS_IDENTIFIER
#define PV_NS				PV_CORE
#define PV_EXPORT_SYMBOL(sym)		EXPORT_SYMBOL_NS_GPL(sym, PV_CORE)
#define PV_IMPORT_NS()			MODULE_IMPORT_NS(PV_CORE)
#else
#define PV_NS				"PV_CORE"
#define PV_EXPORT_SYMBOL(sym)		EXPORT_SYMBOL_NS_GPL(sym, "PV_CORE")
#define PV_IMPORT_NS()			MODULE_IMPORT_NS("PV_CORE")
#endif

/*
 * bus_type callbacks gained const parameters (uevent: 6.3, match: 6.11).
 * Bus code defines the callbacks with the new prototypes and registers
 * compat_bus_uevent(fn) / compat_bus_match(fn); on older kernels the
 * DEFINE_COMPAT_* macros emit a thunk with the old prototype.
 */
#ifdef PV_COMPAT_BUS_UEVENT_MUTABLE
#define compat_bus_uevent(fn)		fn##_compat
#define DEFINE_COMPAT_BUS_UEVENT(fn)					\
	static int fn##_compat(struct device *dev,			\
			       struct kobj_uevent_env *env)		\
	{								\
		return fn(dev, env);					\
	}
#else
#define compat_bus_uevent(fn)		fn
#define DEFINE_COMPAT_BUS_UEVENT(fn)
#endif

#ifdef PV_COMPAT_BUS_MATCH_MUTABLE
#define compat_bus_match(fn)		fn##_compat
#define DEFINE_COMPAT_BUS_MATCH(fn)					\
	static int fn##_compat(struct device *dev,			\
			       struct device_driver *drv)		\
	{								\
		return fn(dev, drv);					\
	}
#else
#define compat_bus_match(fn)		fn
#define DEFINE_COMPAT_BUS_MATCH(fn)
#endif

/* cpuid() lives in its own header since 6.15. */
#ifdef PV_COMPAT_ASM_CPUID_API
#include <asm/cpuid/api.h>
#endif

/* bus_type::remove returns void since 5.15. */
#ifdef PV_COMPAT_BUS_REMOVE_INT
#define compat_bus_remove(fn)		fn##_compat
#define DEFINE_COMPAT_BUS_REMOVE(fn)					\
	static int fn##_compat(struct device *dev)			\
	{								\
		fn(dev);						\
		return 0;						\
	}
#else
#define compat_bus_remove(fn)		fn
#define DEFINE_COMPAT_BUS_REMOVE(fn)
#endif

/*
 * Block queue limits and features (write cache, FUA, rotational). Driver
 * code fills a struct queue_limits and a struct compat_blk_features and
 * calls compat_blk_mq_alloc_disk(); before 6.9 the limits, and before 6.11
 * the features, are applied to the queue with the old setters.
 */
#ifndef PV_COMPAT_NO_BLK_MQ_ALLOC_DISK
#include <linux/blk-mq.h>
#include <linux/blkdev.h>

struct compat_blk_features {
	bool write_cache;
	bool fua;
	bool rotational;
};

/*
 * Two mechanisms, never mixed: before 6.11 the features are queue flags
 * set once the queue exists; from 6.11 they are limits given to
 * blk_mq_alloc_disk(). Each helper takes only what its mechanism can use,
 * so no configuration can hand a queue that does not exist yet to the
 * flag setters (6.9/6.10 take limits but not yet features).
 */
#ifdef PV_COMPAT_BLK_NO_FEATURES
static inline void compat_blk_queue_features(struct request_queue *q,
					     const struct compat_blk_features *f)
{
	blk_queue_write_cache(q, f->write_cache, f->fua);
	if (f->rotational)
		blk_queue_flag_clear(QUEUE_FLAG_NONROT, q);
	else
		blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
}
#else
static inline void compat_blk_lim_features(struct queue_limits *lim,
					   const struct compat_blk_features *f)
{
	if (f->write_cache)
		lim->features |= BLK_FEAT_WRITE_CACHE;
	if (f->fua)
		lim->features |= BLK_FEAT_FUA;
	if (f->rotational)
		lim->features |= BLK_FEAT_ROTATIONAL;
}
#endif

/* Merging is the default since 6.14; older kernels need the flag. */
#ifdef PV_COMPAT_BLK_MQ_MERGE_DEFAULT
#define BLK_MQ_F_SHOULD_MERGE		0
#endif

/* blk_rq_map_sg() lost its request_queue argument in 6.15. */
#ifdef PV_COMPAT_BLK_RQ_MAP_SG_QUEUE
static inline int compat_blk_rq_map_sg(struct request *rq,
				       struct scatterlist *sglist)
{
	return blk_rq_map_sg(rq->q, rq, sglist);
}
#define blk_rq_map_sg(rq, sglist)	compat_blk_rq_map_sg(rq, sglist)
#endif

static inline struct gendisk *
compat_blk_mq_alloc_disk(struct blk_mq_tag_set *set, struct queue_limits *lim,
			 const struct compat_blk_features *f, void *queuedata)
{
#ifdef PV_COMPAT_BLK_LIMITS_SETTERS
	struct gendisk *disk = blk_mq_alloc_disk(set, queuedata);
	struct request_queue *q;

	if (IS_ERR(disk))
		return disk;
	q = disk->queue;
	blk_queue_logical_block_size(q, lim->logical_block_size);
	blk_queue_physical_block_size(q, lim->physical_block_size);
	blk_queue_max_hw_sectors(q, lim->max_hw_sectors);
	blk_queue_max_segments(q, lim->max_segments);
	blk_queue_max_segment_size(q, lim->max_segment_size);
	if (lim->seg_boundary_mask)
		blk_queue_segment_boundary(q, lim->seg_boundary_mask);
	blk_queue_dma_alignment(q, lim->dma_alignment);
	blk_queue_max_discard_sectors(q, lim->max_hw_discard_sectors);
	q->limits.discard_granularity = lim->discard_granularity;
	blk_queue_max_write_zeroes_sectors(q, lim->max_write_zeroes_sectors);
	compat_blk_queue_features(q, f);
	return disk;
#else
	struct gendisk *disk;

#ifndef PV_COMPAT_BLK_NO_FEATURES
	compat_blk_lim_features(lim, f);
#endif
	disk = blk_mq_alloc_disk(set, lim, queuedata);
#ifdef PV_COMPAT_BLK_NO_FEATURES
	/* 6.9 and 6.10: limits at allocation, features on the new queue. */
	if (!IS_ERR(disk))
		compat_blk_queue_features(disk->queue, f);
#endif
	return disk;
#endif
}

/*
 * Change the discard and write-zeroes limits and the features of a live
 * queue, as the host changed them: what @lim says for those, nothing else.
 * Before 6.9 the setters; from 6.9 a limits update (6.9 and 6.10 still set
 * the features as flags); from 6.11 the features are limits too, and the
 * queue is frozen around the commit (6.14 has a helper that does both).
 * Process context.
 */
static inline int compat_blk_update_limits(struct request_queue *q,
					   const struct queue_limits *lim,
					   const struct compat_blk_features *f)
{
#ifdef PV_COMPAT_BLK_LIMITS_SETTERS
	blk_queue_max_discard_sectors(q, lim->max_hw_discard_sectors);
	q->limits.discard_granularity = lim->discard_granularity;
	blk_queue_max_write_zeroes_sectors(q, lim->max_write_zeroes_sectors);
	compat_blk_queue_features(q, f);
	return 0;
#else
	struct queue_limits new = queue_limits_start_update(q);
	int err;

	new.max_hw_discard_sectors = lim->max_hw_discard_sectors;
	new.discard_granularity = lim->discard_granularity;
	new.max_write_zeroes_sectors = lim->max_write_zeroes_sectors;
#ifdef PV_COMPAT_BLK_NO_FEATURES
	err = queue_limits_commit_update(q, &new);
	if (!err)
		compat_blk_queue_features(q, f);
#else
	new.features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA |
			  BLK_FEAT_ROTATIONAL);
	compat_blk_lim_features(&new, f);
#ifdef PV_COMPAT_BLK_NO_COMMIT_FROZEN
	blk_mq_freeze_queue(q);
	err = queue_limits_commit_update(q, &new);
	blk_mq_unfreeze_queue(q);
#else
	err = queue_limits_commit_update_frozen(q, &new);
#endif
#endif
	return err;
#endif
}
#endif /* !PV_COMPAT_NO_BLK_MQ_ALLOC_DISK */

/* BLK_STS_NEXUS was renamed BLK_STS_RESV_CONFLICT in 6.5. */
#include <linux/blk_types.h>
#if !defined(BLK_STS_RESV_CONFLICT) && defined(BLK_STS_NEXUS)
#define BLK_STS_RESV_CONFLICT		BLK_STS_NEXUS
#endif

/* Bus attribute show/store callbacks take a const bus_type since 6.4. */
#ifdef PV_COMPAT_BUS_ATTR_MUTABLE
typedef struct bus_type compat_bus_attr_bus_t;
#else
typedef const struct bus_type compat_bus_attr_bus_t;
#endif

/*
 * xenbus_read_driver_state() took the device as well as the path in 7.x.
 * pv_xen reads the other end's state with compat_xenbus_otherend_state().
 */
#ifdef PV_COMPAT_XENBUS_READ_STATE_PATH
#define compat_xenbus_otherend_state(xdev) \
	xenbus_read_driver_state((xdev)->otherend)
#else
#define compat_xenbus_otherend_state(xdev) \
	xenbus_read_driver_state((xdev), (xdev)->otherend)
#endif

#endif /* _PV_COMPAT_H */
