/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pv block class: what a backend provides so that pv_blk can put a
 * blk-mq disk on top of it.
 *
 * The model fits a request ring with tags (PVSCSI, Xen blkif, virtio-blk):
 * pv_blk owns blk-mq and hands the backend one struct pv_blk_req per
 * request, already split to the limits in struct pv_blk_config and mapped
 * to a scatterlist; the backend puts it on its ring (DMA-mapping or
 * granting the pages as its transport needs) and completes it from its
 * interrupt handler through pv_blk_complete().
 */
#ifndef _PV_BLK_H
#define _PV_BLK_H

#include <linux/blk_types.h>
#include <linux/scatterlist.h>
#include <pv/pv.h>

/* pv_device::features bits of a block device. */
#define PV_BLK_F_RO		BIT_ULL(0)	/* writes are refused */
#define PV_BLK_F_FLUSH		BIT_ULL(1)	/* volatile write cache; honours PV_BLK_OP_FLUSH */
#define PV_BLK_F_FUA		BIT_ULL(2)	/* honours PV_BLK_REQ_FUA on writes */
#define PV_BLK_F_DISCARD	BIT_ULL(3)	/* honours PV_BLK_OP_DISCARD */
#define PV_BLK_F_WRITE_ZEROES	BIT_ULL(4)	/* honours PV_BLK_OP_WRITE_ZEROES */
#define PV_BLK_F_ROTATIONAL	BIT_ULL(5)	/* seeks are expensive */

/**
 * enum pv_blk_op - what a request does
 * @PV_BLK_OP_READ: read @nr_sectors into the scatterlist
 * @PV_BLK_OP_WRITE: write the scatterlist
 * @PV_BLK_OP_FLUSH: make completed writes durable; no data, no sector
 * @PV_BLK_OP_DISCARD: the range's contents may be dropped; no data
 * @PV_BLK_OP_WRITE_ZEROES: the range reads back as zeroes; no data
 */
enum pv_blk_op {
	PV_BLK_OP_READ,
	PV_BLK_OP_WRITE,
	PV_BLK_OP_FLUSH,
	PV_BLK_OP_DISCARD,
	PV_BLK_OP_WRITE_ZEROES,
};

/* pv_blk_req::flags */
#define PV_BLK_REQ_FUA		BIT(0)	/* write through to stable media */

/**
 * struct pv_blk_req - one request, as the front-end hands it to a backend
 * @op: enum pv_blk_op
 * @flags: PV_BLK_REQ_* bits
 * @queue: hardware queue index, < pv_blk_config::nr_queues
 * @tag: unique among the outstanding requests of @queue and
 *	< pv_blk_config::queue_depth; backends may use it as their ring id.
 * @sector: first 512-byte sector
 * @nr_sectors: length in 512-byte sectors
 * @sg: data, @nr_sg entries (0 for FLUSH, DISCARD, WRITE_ZEROES); entries
 *	respect max_segments and max_segment_size of the config.
 * @nr_sg: entries in @sg
 * @priv: pv_blk_config::req_priv_size bytes for the backend, valid from
 *	queue_rq() until the request is completed.
 *
 * The front-end zeroes the reserved space of every request, so a member a
 * later minor puts there reads as 0 from an older front-end.
 */
struct pv_blk_req {
	u8 op;
	u8 flags;
	u16 queue;
	u32 tag;
	sector_t sector;
	u32 nr_sectors;
	struct scatterlist *sg;
	unsigned int nr_sg;
	void *priv;
	PV_ABI_RESERVE(1)
	PV_ABI_RESERVE(2)
};

/**
 * struct pv_blk_config - a block device's geometry and limits
 * @capacity: size in 512-byte sectors
 * @logical_block_size: bytes, a power of two >= 512
 * @physical_block_size: bytes, >= @logical_block_size
 * @max_hw_sectors: largest request, in 512-byte sectors
 * @max_segments: most scatterlist entries in one request
 * @max_segment_size: largest scatterlist entry, bytes
 * @seg_boundary_mask: an entry never crosses a (mask + 1) boundary; 0: none
 * @dma_alignment: data buffers are aligned to (alignment + 1) bytes
 * @max_discard_sectors: 0 when discard is not supported
 * @discard_granularity: bytes
 * @max_write_zeroes_sectors: 0 when write-zeroes is not supported
 * @nr_queues: hardware queues the backend serves concurrently, >= 1
 * @queue_depth: outstanding requests per queue, >= 1
 * @req_priv_size: bytes of pv_blk_req::priv the backend needs per request
 *
 * Filled by pv_blk_ops::get_config(); the front-end zeroes it first, so a
 * backend leaves what it does not know at 0 and the front-end applies the
 * block layer's defaults. A later minor adds members only in the reserved
 * space, with 0 meaning what the older release did.
 */
struct pv_blk_config {
	u64 capacity;
	u32 logical_block_size;
	u32 physical_block_size;
	u32 max_hw_sectors;
	u32 max_segments;
	u32 max_segment_size;
	unsigned long seg_boundary_mask;
	u32 dma_alignment;
	u32 max_discard_sectors;
	u32 discard_granularity;
	u32 max_write_zeroes_sectors;
	u16 nr_queues;
	u16 queue_depth;
	u32 req_priv_size;
	PV_ABI_RESERVE(1)
	PV_ABI_RESERVE(2)
	PV_ABI_RESERVE(3)
	PV_ABI_RESERVE(4)
};

/**
 * struct pv_blk_callbacks - how a backend reaches the front-end
 * @complete: a request finished with @status (BLK_STS_OK, BLK_STS_IOERR,
 *	BLK_STS_MEDIUM, BLK_STS_NOSPC, BLK_STS_TARGET, ...). Any context,
 *	including hard interrupt; exactly once per request accepted by
 *	queue_rq().
 *
 * A later minor appends callbacks; a backend calls those only when
 * pv_blk_has_cb() says the front-end has them.
 */
struct pv_blk_callbacks {
	void (*complete)(struct pv_device *pdev, struct pv_blk_req *req,
			 blk_status_t status);
};

/**
 * enum pv_blk_timeout_action - what a backend did about a timed-out request
 * @PV_BLK_TIMEOUT_RESET_TIMER: still in flight, wait another period
 * @PV_BLK_TIMEOUT_DONE: the backend completed (aborted) it, or will
 */
enum pv_blk_timeout_action {
	PV_BLK_TIMEOUT_RESET_TIMER,
	PV_BLK_TIMEOUT_DONE,
};

/**
 * struct pv_blk_ops - block class ops, implemented by a backend
 * @get_config: fill @cfg. Required. Process context, may sleep; called at
 *	probe and after config_changed(). Returns 0 or a negative errno.
 * @start: enable the queues; from now on the backend calls @cb->complete.
 *	Required. Process context, may sleep.
 * @stop: quiesce: complete (with an error if need be) every request still
 *	outstanding, then make no more callbacks. Required. Process context,
 *	may sleep; the front-end stops submitting before it calls this. Must
 *	not depend on the host answering (reset the device, revoke access):
 *	the front-end also calls it when the host stopped answering, before
 *	the disk is gone, and afterwards the host must not touch the pages of
 *	the requests it failed.
 * @queue_rq: put @req on queue @req->queue. Required. Atomic context (called
 *	from blk-mq dispatch with preemption possibly disabled); must not
 *	sleep. @last is false when more requests follow at once, so the
 *	backend may defer notifying the host until @commit or a request with
 *	@last set. Returns 0 (accepted: complete() will follow), -EBUSY (no
 *	room; the front-end retries later), or another negative errno (the
 *	request fails at once, complete() is not called).
 * @commit: notify the host of requests queued with @last false. Optional.
 *	Atomic context.
 * @timeout: @req has been outstanding too long. Optional. Process context
 *	(blk-mq timeout work). Without it, or when it returns RESET_TIMER, a
 *	bound device waits for the host as long as it takes; once removal has
 *	begun, the front-end instead marks the device broken and calls @stop.
 *
 * Front-ends call these only through the pv_blk_*() wrappers below, and
 * only while bound to the device. A later minor appends ops; the wrappers
 * treat an op beyond the backend's table (pv_device::ops_size) as absent.
 */
struct pv_blk_ops {
	int (*get_config)(struct pv_device *pdev, struct pv_blk_config *cfg);
	int (*start)(struct pv_device *pdev);
	void (*stop)(struct pv_device *pdev);
	int (*queue_rq)(struct pv_device *pdev, struct pv_blk_req *req,
			bool last);
	void (*commit)(struct pv_device *pdev, u16 queue);
	enum pv_blk_timeout_action (*timeout)(struct pv_device *pdev,
					      struct pv_blk_req *req);
};

#define pv_blk_has_op(pdev, op)						\
	pv_table_has((pdev)->ops.blk, (pdev)->ops_size, struct pv_blk_ops, op)
#define pv_blk_has_cb(pdev, callback)					\
	pv_table_has((pdev)->cb.blk, (pdev)->cb_size,			\
		     struct pv_blk_callbacks, callback)

static inline int pv_blk_get_config(struct pv_device *pdev,
				    struct pv_blk_config *cfg)
{
	might_sleep();
	memset(cfg, 0, sizeof(*cfg));
	return pdev->ops.blk->get_config(pdev, cfg);
}

static inline int pv_blk_start(struct pv_device *pdev,
			       const struct pv_blk_callbacks *cb)
{
	might_sleep();
	pdev->cb.blk = cb;
	pdev->cb_size = sizeof(*cb);
	return pdev->ops.blk->start(pdev);
}

static inline void pv_blk_stop(struct pv_device *pdev)
{
	might_sleep();
	pdev->ops.blk->stop(pdev);
}

static inline int pv_blk_queue_rq(struct pv_device *pdev,
				  struct pv_blk_req *req, bool last)
{
	return pdev->ops.blk->queue_rq(pdev, req, last);
}

static inline void pv_blk_commit(struct pv_device *pdev, u16 queue)
{
	if (pv_blk_has_op(pdev, commit))
		pdev->ops.blk->commit(pdev, queue);
}

static inline enum pv_blk_timeout_action
pv_blk_timeout(struct pv_device *pdev, struct pv_blk_req *req)
{
	if (!pv_blk_has_op(pdev, timeout))
		return PV_BLK_TIMEOUT_RESET_TIMER;
	return pdev->ops.blk->timeout(pdev, req);
}

/**
 * pv_blk_complete() - backend: a request is finished
 * @pdev: the device
 * @req: a request accepted by queue_rq()
 * @status: the result
 *
 * Any context. Only between start() and the return of stop().
 */
static inline void pv_blk_complete(struct pv_device *pdev,
				   struct pv_blk_req *req, blk_status_t status)
{
	pdev->cb.blk->complete(pdev, req, status);
}

#endif /* _PV_BLK_H */
