// SPDX-License-Identifier: GPL-2.0
/*
 * blkif rings: requests from pv_blk onto the shared rings, responses back.
 *
 * Data pages are shared with the backend in one of two ways:
 *  - non-persistent: the request's own pages are granted for the duration
 *    of the request (no copy; the backend maps and unmaps them each time);
 *  - persistent (feature-persistent): every ring id owns a set of pages
 *    granted once, which the backend keeps mapped; data is copied through
 *    them, which under Xen is cheaper than a map/unmap per request.
 * Indirect-segment pages are always granted once per ring id.
 *
 * Every response is checked (blkif_proto.c) before it is trusted: an id out
 * of range or not outstanding, an echoed operation that differs, or a
 * producer index ahead of the requests made marks the device broken and
 * fails what is in flight.
 */
#include <linux/highmem.h>
#include <linux/interrupt.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include "pv_xen.h"
#include "blkif.h"

static_assert(PAGE_SIZE == XEN_PAGE_SIZE);

/* Pages and grants of one ring id */

/*
 * A page granted to the backend for as long as the ring id lives: data pages
 * in persistent mode, indirect-segment pages always. Writable even for
 * indirect pages, which blkback only reads: with persistent grants it maps
 * every grant read-write, and a read-only grant fails the request.
 */
static int xen_blkif_grant_page(struct xen_blkif_vbd *vbd, struct page **page,
				grant_ref_t *ref)
{
	int gref;

	if (*page)
		return 0;
	/* Zeroed: the backend can read all of it, not only what we write. */
	*page = alloc_page(GFP_ATOMIC | __GFP_ZERO);
	if (!*page)
		return -ENOMEM;
	gref = gnttab_grant_foreign_access(vbd->xendev->otherend_id,
					   xen_page_to_gfn(*page), 0);
	if (gref < 0) {
		__free_page(*page);
		*page = NULL;
		return gref;
	}
	*ref = gref;
	return 0;
}

/*
 * Non-persistent mode: take back the grants of a request. False when the
 * backend still has one mapped although it answered: it is broken, and the
 * page must not be handed back to the block layer as if it were free.
 */
static bool xen_blkif_slot_ungrant(struct xen_blkif_slot *slot)
{
	bool ok = true;

	while (slot->nr_grefs) {
		grant_ref_t ref = slot->grefs[--slot->nr_grefs];

		if (!gnttab_try_end_foreign_access(ref))
			ok = false;	/* the ref stays the backend's: leaked */
	}
	return ok;
}

/*
 * The page and in-page offset of a scatterlist entry. blk_rq_map_sg() keeps
 * offsets below a page; should one not be, x86-64's memory map
 * (SPARSEMEM_VMEMMAP) makes the struct pages of a folio contiguous.
 */
static struct page *xen_blkif_sg_page(struct scatterlist *sg,
				      unsigned int *offset)
{
	*offset = offset_in_page(sg->offset);
	return sg_page(sg) + (sg->offset >> PAGE_SHIFT);
}

/* Persistent mode, reads: copy what the backend wrote to the request. */
static void xen_blkif_copy_out(struct xen_blkif_slot *slot,
			       struct pv_blk_req *req)
{
	struct scatterlist *sg;
	unsigned int i, off;

	for_each_sg(req->sg, sg, req->nr_sg, i) {
		struct page *page = xen_blkif_sg_page(sg, &off);
		void *dst = kmap_local_page(page);

		memcpy(dst + off, page_address(slot->pages[i]) + off,
		       sg->length);
		kunmap_local(dst);
	}
}

/* Building requests */

/*
 * Where segment @i of a request goes: in the request itself (@direct), or
 * in the ring id's indirect pages, 512 to a page.
 */
static struct blkif_request_segment *
xen_blkif_seg_slot(struct xen_blkif_slot *slot,
		   struct blkif_request_segment *direct, unsigned int i)
{
	struct blkif_request_segment *page;

	if (direct)
		return &direct[i];
	page = page_address(slot->ind_pages[i / XEN_BLKIF_SEGS_PER_INDIRECT_PAGE]);
	return &page[i % XEN_BLKIF_SEGS_PER_INDIRECT_PAGE];
}

/*
 * Describe @req's data as segments, in @direct or (when NULL) in the ring
 * id's indirect pages, granting or copying the data as the mode says. On
 * error every grant made here is taken back.
 */
static int xen_blkif_map_data(struct xen_blkif_ring *ring,
			      struct xen_blkif_slot *slot,
			      struct pv_blk_req *req,
			      struct blkif_request_segment *direct)
{
	struct xen_blkif_vbd *vbd = ring->vbd;
	bool write = req->op == PV_BLK_OP_WRITE;
	struct scatterlist *sg;
	unsigned int i, off;
	int err;

	for_each_sg(req->sg, sg, req->nr_sg, i) {
		struct page *page = xen_blkif_sg_page(sg, &off);
		struct blkif_request_segment seg = { };

		err = xen_blkif_segment(off, sg->length, &seg);
		if (err)
			goto out_ungrant;
		if (vbd->persistent) {
			err = xen_blkif_grant_page(vbd, &slot->pages[i],
						   &slot->pgrefs[i]);
			if (err)
				goto out_ungrant;
			if (write) {
				void *src = kmap_local_page(page);

				memcpy(page_address(slot->pages[i]) + off,
				       src + off, sg->length);
				kunmap_local(src);
			}
			seg.gref = slot->pgrefs[i];
		} else {
			/* The backend only reads the pages of a write. */
			int ref = gnttab_grant_foreign_access(
				vbd->xendev->otherend_id,
				xen_page_to_gfn(page), write);

			if (ref < 0) {
				err = ref;
				goto out_ungrant;
			}
			slot->grefs[slot->nr_grefs++] = ref;
			seg.gref = ref;
		}
		*xen_blkif_seg_slot(slot, direct, i) = seg;
	}
	return 0;

out_ungrant:
	xen_blkif_slot_ungrant(slot);	/* never mapped: cannot fail */
	return err;
}

/* A read or write: direct up to 11 segments, indirect beyond. */
static int xen_blkif_build_rw(struct xen_blkif_ring *ring,
			      struct xen_blkif_slot *slot,
			      struct pv_blk_req *req, struct blkif_request *breq,
			      u8 *op)
{
	struct xen_blkif_vbd *vbd = ring->vbd;
	u8 rw = req->op == PV_BLK_OP_WRITE ? BLKIF_OP_WRITE : BLKIF_OP_READ;
	unsigned int i, nr_ind;
	int err;

	if (!req->nr_sg || req->nr_sg > vbd->max_segs)
		return -EIO;
	*op = rw;

	if (req->nr_sg <= BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		breq->operation = rw;
		breq->u.rw.nr_segments = req->nr_sg;
		breq->u.rw.handle = vbd->handle;
		breq->u.rw.id = req->tag;
		breq->u.rw.sector_number = req->sector;
		return xen_blkif_map_data(ring, slot, req, breq->u.rw.seg);
	}

	/* Indirect: the segments go into this id's indirect pages. */
	nr_ind = xen_blkif_indirect_pages(req->nr_sg);
	for (i = 0; i < nr_ind; i++) {
		err = xen_blkif_grant_page(vbd, &slot->ind_pages[i],
					   &slot->ind_grefs[i]);
		if (err)
			return err;
		breq->u.indirect.indirect_grefs[i] = slot->ind_grefs[i];
	}
	breq->operation = BLKIF_OP_INDIRECT;
	breq->u.indirect.indirect_op = rw;
	breq->u.indirect.nr_segments = req->nr_sg;
	breq->u.indirect.handle = vbd->handle;
	breq->u.indirect.id = req->tag;
	breq->u.indirect.sector_number = req->sector;
	return xen_blkif_map_data(ring, slot, req, NULL);
}

static int xen_blkif_build(struct xen_blkif_ring *ring,
			   struct xen_blkif_slot *slot, struct pv_blk_req *req,
			   struct blkif_request *breq, u8 *op)
{
	struct xen_blkif_vbd *vbd = ring->vbd;

	switch (req->op) {
	case PV_BLK_OP_READ:
	case PV_BLK_OP_WRITE:
		return xen_blkif_build_rw(ring, slot, req, breq, op);
	case PV_BLK_OP_FLUSH:
		if (!vbd->flush_op)
			return -EOPNOTSUPP;
		*op = breq->operation = vbd->flush_op;
		breq->u.rw.nr_segments = 0;
		breq->u.rw.handle = vbd->handle;
		breq->u.rw.id = req->tag;
		breq->u.rw.sector_number = 0;
		return 0;
	case PV_BLK_OP_DISCARD:
		if (!vbd->discard)
			return -EOPNOTSUPP;
		*op = breq->operation = BLKIF_OP_DISCARD;
		breq->u.discard.flag = 0;
		breq->u.discard.id = req->tag;
		breq->u.discard.sector_number = req->sector;
		breq->u.discard.nr_sectors = req->nr_sectors;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* Must hold ring->lock. */
static void xen_blkif_push(struct xen_blkif_ring *ring)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&ring->front, notify);
	if (notify)
		notify_remote_via_irq(ring->irq);
}

static int xen_blkif_queue_rq(struct pv_device *pdev, struct pv_blk_req *req,
			      bool last)
{
	struct xen_blkif_vbd *vbd = pdev->backend_priv;
	struct xen_blkif_ring *ring;
	struct xen_blkif_slot *slot;
	struct blkif_request breq = {};
	unsigned long flags;
	u8 op;
	int err;

	if (req->queue >= vbd->nr_rings || req->tag >= vbd->ring_size)
		return -EIO;
	ring = &vbd->rings[req->queue];
	slot = &ring->slots[req->tag];

	spin_lock_irqsave(&ring->lock, flags);
	if (!READ_ONCE(vbd->connected) || pv_device_is_broken(pdev)) {
		err = -EIO;
		goto out_unlock;
	}
	if (RING_FULL(&ring->front) || slot->req) {
		err = -EBUSY;
		goto out_unlock;
	}
	err = xen_blkif_build(ring, slot, req, &breq, &op);
	if (err) {
		if (err == -ENOMEM || err == -ENOSPC)
			err = -EBUSY;	/* grants or pages run out: retry */
		goto out_unlock;
	}
	slot->req = req;
	*(unsigned long *)req->priv = 0;	/* timeouts seen */
	ring->inflight_op[req->tag] = op;
	*RING_GET_REQUEST(&ring->front, ring->front.req_prod_pvt) = breq;
	ring->front.req_prod_pvt++;
	if (last)
		xen_blkif_push(ring);
out_unlock:
	spin_unlock_irqrestore(&ring->lock, flags);
	return err;
}

static void xen_blkif_commit(struct pv_device *pdev, u16 queue)
{
	struct xen_blkif_vbd *vbd = pdev->backend_priv;
	struct xen_blkif_ring *ring;
	unsigned long flags;

	if (queue >= vbd->nr_rings)
		return;
	ring = &vbd->rings[queue];
	spin_lock_irqsave(&ring->lock, flags);
	if (READ_ONCE(vbd->connected))
		xen_blkif_push(ring);
	spin_unlock_irqrestore(&ring->lock, flags);
}

/* Responses */

/*
 * Release what @slot holds for its finished request. Must hold ring->lock.
 * Returns false when the backend kept a grant it should have dropped.
 */
static bool xen_blkif_slot_finish(struct xen_blkif_ring *ring,
				  struct xen_blkif_slot *slot,
				  blk_status_t status)
{
	struct pv_blk_req *req = slot->req;
	bool ok = true;

	if (ring->vbd->persistent) {
		if (req->op == PV_BLK_OP_READ && status == BLK_STS_OK)
			xen_blkif_copy_out(slot, req);
	} else {
		ok = xen_blkif_slot_ungrant(slot);
	}
	ring->inflight_op[req->tag] = XEN_BLKIF_ID_FREE;
	slot->req = NULL;
	return ok;
}

/**
 * xen_blkif_break() - the backend misbehaved: stop using the device
 * @vbd: the device
 * @why: what it did, for the log
 *
 * New requests fail at once; those in flight are failed here. Any context
 * that may take the rings' locks (not with one held).
 */
void xen_blkif_break(struct xen_blkif_vbd *vbd, const char *why)
{
	if (vbd->pdev)
		pv_device_mark_broken(vbd->pdev, why);
	else
		dev_err(&vbd->xendev->dev, "backend broken: %s\n", why);
	xen_blkif_fail_inflight(vbd);
}

/**
 * xen_blkif_fail_inflight() - complete every outstanding request with an error
 * @vbd: the device
 *
 * For a backend that is gone or broken: it will not answer them. Grants the
 * backend still holds stay granted (leaked) rather than reused. Any context
 * that may take the rings' locks.
 */
void xen_blkif_fail_inflight(struct xen_blkif_vbd *vbd)
{
	unsigned int r, id;

	for (r = 0; r < vbd->nr_rings; r++) {
		struct xen_blkif_ring *ring = &vbd->rings[r];

		if (!ring->slots)
			continue;
		for (id = 0; id < vbd->ring_size; id++) {
			struct xen_blkif_slot *slot = &ring->slots[id];
			struct pv_blk_req *req;
			unsigned long flags;

			spin_lock_irqsave(&ring->lock, flags);
			req = slot->req;
			if (req)
				xen_blkif_slot_finish(ring, slot, BLK_STS_IOERR);
			spin_unlock_irqrestore(&ring->lock, flags);
			if (req && vbd->pdev)
				pv_blk_complete(vbd->pdev, req, BLK_STS_IOERR);
		}
	}
}

static irqreturn_t xen_blkif_interrupt(int irq, void *data)
{
	struct xen_blkif_ring *ring = data;
	struct xen_blkif_vbd *vbd = ring->vbd;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;
	const char *broken = NULL;
	unsigned long flags;
	RING_IDX rp, i;
	int more;

	spin_lock_irqsave(&ring->lock, flags);
	if (!vbd->pdev || pv_device_is_broken(vbd->pdev))
		goto out_unlock;
again:
	rp = READ_ONCE(ring->front.sring->rsp_prod);
	virt_rmb();	/* responses up to rp are written */
	if (xen_blkif_rsp_window(rp, ring->front.rsp_cons,
				 ring->front.req_prod_pvt) < 0) {
		broken = "response producer index ahead of the requests made";
		goto out_unlock;
	}
	for (i = ring->front.rsp_cons; i != rp; i++) {
		struct blkif_response rsp;
		struct xen_blkif_rsp r;
		struct xen_blkif_slot *slot;
		struct pv_blk_req *req;

		RING_COPY_RESPONSE(&ring->front, i, &rsp);
		eoi = 0;
		if (xen_blkif_rsp_decode(&rsp, vbd->ring_size,
					 ring->inflight_op, &r)) {
			dev_err(&vbd->xendev->dev,
				"ring %u: bad response id %llu op %u status %d\n",
				ring->index, rsp.id, rsp.operation, rsp.status);
			broken = "bad blkif response";
			goto out_unlock;
		}
		slot = &ring->slots[r.id];
		req = slot->req;
		if (r.notsupp)
			dev_warn_ratelimited(&vbd->xendev->dev,
					     "backend does not support operation %u\n",
					     rsp.operation);
		ring->front.rsp_cons = i + 1;
		if (!xen_blkif_slot_finish(ring, slot, r.status)) {
			broken = "backend kept a grant of a completed request";
			r.status = BLK_STS_IOERR;
		}
		/* Complete without the lock: the front-end may queue more. */
		spin_unlock_irqrestore(&ring->lock, flags);
		pv_blk_complete(vbd->pdev, req, r.status);
		spin_lock_irqsave(&ring->lock, flags);
		if (broken)
			goto out_unlock;
	}
	RING_FINAL_CHECK_FOR_RESPONSES(&ring->front, more);
	if (more)
		goto again;
out_unlock:
	spin_unlock_irqrestore(&ring->lock, flags);
	if (broken)
		xen_blkif_break(vbd, broken);
	xen_irq_lateeoi(irq, eoi);
	return IRQ_HANDLED;
}

/* Block ops */

static int xen_blkif_get_config(struct pv_device *pdev,
				struct pv_blk_config *cfg)
{
	struct xen_blkif_vbd *vbd = pdev->backend_priv;

	/*
	 * No vbd->lock: pv_blk calls this from its probe, which runs inside
	 * pv_device_add() under that lock. Everything but the size is fixed
	 * before the device is added; the size is one aligned word.
	 */
	cfg->capacity = READ_ONCE(vbd->sectors);
	cfg->logical_block_size = vbd->sector_size;
	cfg->physical_block_size = vbd->physical_sector_size;
	cfg->max_segments = vbd->max_segs;
	cfg->max_segment_size = PAGE_SIZE;
	cfg->seg_boundary_mask = PAGE_SIZE - 1;
	cfg->max_hw_sectors = vbd->max_segs * (PAGE_SIZE >> SECTOR_SHIFT);
	/*
	 * Buffers aligned to the sector size: a segment is a whole number of
	 * the backend's sectors, which is all blkback can pass on (a 4K disk
	 * fails a 3584 + 512 byte split of one 4 KiB block with EIO).
	 */
	cfg->dma_alignment = vbd->sector_size - 1;
	cfg->nr_queues = vbd->nr_rings;
	cfg->queue_depth = vbd->ring_size;
	cfg->req_priv_size = sizeof(unsigned long);
	if (vbd->discard) {
		cfg->max_discard_sectors = min_t(u64, cfg->capacity, UINT_MAX);
		cfg->discard_granularity = vbd->discard_granularity ?:
					   vbd->sector_size;
	}
	return 0;
}

static int xen_blkif_start(struct pv_device *pdev)
{
	return 0;
}

/* The front-end drained its queues: nothing the backend holds survives. */
static void xen_blkif_stop(struct pv_device *pdev)
{
	xen_blkif_fail_inflight(pdev->backend_priv);
}

static enum pv_blk_timeout_action xen_blkif_timeout(struct pv_device *pdev,
						    struct pv_blk_req *req)
{
	struct xen_blkif_vbd *vbd = pdev->backend_priv;
	unsigned long *timeouts = req->priv;

	/*
	 * blkif cannot abort a request. A connected backend may just be slow
	 * (dom0 under load): give it one more period, then give up on it
	 * rather than let the guest wait for ever.
	 */
	if (READ_ONCE(vbd->connected) && !pv_device_is_broken(pdev) &&
	    !(*timeouts)++) {
		dev_warn(&pdev->dev,
			 "request on ring %u outstanding for long; waiting one more period\n",
			 req->queue);
		return PV_BLK_TIMEOUT_RESET_TIMER;
	}
	xen_blkif_break(vbd, "backend does not answer");	/* completes @req */
	return PV_BLK_TIMEOUT_DONE;
}

const struct pv_blk_ops xen_blkif_blk_ops = {
	.get_config	= xen_blkif_get_config,
	.start		= xen_blkif_start,
	.stop		= xen_blkif_stop,
	.queue_rq	= xen_blkif_queue_rq,
	.commit		= xen_blkif_commit,
	.timeout	= xen_blkif_timeout,
};

/* Setting up and tearing down */

/**
 * xen_blkif_rings_alloc() - allocate, grant and bind vbd->nr_rings rings
 * @vbd: the device, with nr_rings and ring_order set
 *
 * Process context. On error what was set up is freed again.
 *
 * Return: 0 or a negative errno.
 */
int xen_blkif_rings_alloc(struct xen_blkif_vbd *vbd)
{
	struct xenbus_device *xendev = vbd->xendev;
	unsigned int nr_pages = 1U << vbd->ring_order, r, id;
	int err;

	vbd->rings = kcalloc(vbd->nr_rings, sizeof(*vbd->rings), GFP_KERNEL);
	if (!vbd->rings)
		return -ENOMEM;
	vbd->ring_size = __CONST_RING_SIZE(blkif, XEN_PAGE_SIZE * nr_pages);

	for (r = 0; r < vbd->nr_rings; r++) {
		struct xen_blkif_ring *ring = &vbd->rings[r];

		ring->vbd = vbd;
		ring->index = r;
		spin_lock_init(&ring->lock);
		ring->inflight_op = kmalloc(vbd->ring_size, GFP_KERNEL);
		if (!ring->inflight_op) {
			err = -ENOMEM;
			goto out_free;
		}
		for (id = 0; id < vbd->ring_size; id++)
			ring->inflight_op[id] = XEN_BLKIF_ID_FREE;

		err = xenbus_setup_ring(xendev, GFP_NOIO, (void **)&ring->sring,
					nr_pages, ring->ring_refs);
		if (err)
			goto out_free;
		XEN_FRONT_RING_INIT(&ring->front, ring->sring,
				    XEN_PAGE_SIZE * nr_pages);

		err = xenbus_alloc_evtchn(xendev, &ring->evtchn);
		if (err)
			goto out_free;
		snprintf(ring->name, sizeof(ring->name), "pv_xen-%s-q%u",
			 dev_name(&xendev->dev), r);
		err = bind_evtchn_to_irqhandler_lateeoi(ring->evtchn,
							xen_blkif_interrupt, 0,
							ring->name, ring);
		if (err < 0) {
			xenbus_free_evtchn(xendev, ring->evtchn);
			ring->evtchn = 0;
			goto out_free;
		}
		ring->irq = err;
	}
	return 0;

out_free:
	xenbus_dev_error(xendev, err, "setting up ring %u", r);
	xen_blkif_rings_free(vbd);
	return err;
}

/* Write one ring's nodes into @dir. */
static int xen_blkif_ring_publish(struct xen_blkif_vbd *vbd,
				  struct xen_blkif_ring *ring,
				  struct xenbus_transaction xbt,
				  const char *dir)
{
	unsigned int i;
	int err;

	if (vbd->ring_order == 0) {
		err = xenbus_printf(xbt, dir, "ring-ref", "%u",
				    ring->ring_refs[0]);
	} else {
		for (i = 0; i < (1U << vbd->ring_order); i++) {
			char node[sizeof("ring-ref") + 10];

			snprintf(node, sizeof(node), "ring-ref%u", i);
			err = xenbus_printf(xbt, dir, node, "%u",
					    ring->ring_refs[i]);
			if (err)
				return err;
		}
	}
	if (err)
		return err;
	return xenbus_printf(xbt, dir, "event-channel", "%u", ring->evtchn);
}

/**
 * xen_blkif_rings_publish() - write the rings' nodes for the backend
 * @vbd: the device
 * @xbt: the transaction they are written in
 *
 * One ring: ring-ref(s) and event-channel in the device's directory. More:
 * multi-queue-num-queues there, and each ring's nodes in queue-<n>/.
 * Process context.
 *
 * Return: 0 or a negative errno (-EAGAIN included: the caller retries).
 */
int xen_blkif_rings_publish(struct xen_blkif_vbd *vbd,
			    struct xenbus_transaction xbt)
{
	const char *nodename = vbd->xendev->nodename;
	unsigned int r;
	int err;

	if (vbd->ring_order) {
		err = xenbus_printf(xbt, nodename, "ring-page-order", "%u",
				    vbd->ring_order);
		if (err)
			return err;
	}
	if (vbd->nr_rings == 1)
		return xen_blkif_ring_publish(vbd, &vbd->rings[0], xbt,
					      nodename);

	err = xenbus_printf(xbt, nodename, "multi-queue-num-queues", "%u",
			    vbd->nr_rings);
	if (err)
		return err;
	for (r = 0; r < vbd->nr_rings; r++) {
		char *dir = kasprintf(GFP_KERNEL, "%s/queue-%u", nodename, r);

		if (!dir)
			return -ENOMEM;
		err = xen_blkif_ring_publish(vbd, &vbd->rings[r], xbt, dir);
		kfree(dir);
		if (err)
			return err;
	}
	return 0;
}

static void xen_blkif_slots_free(struct xen_blkif_vbd *vbd,
				 struct xen_blkif_ring *ring);

/**
 * xen_blkif_slots_alloc() - per-id bookkeeping, once the segment count is known
 * @vbd: the device, connected to its backend (max_segs, indirect_segs set)
 *
 * Pages themselves are allocated and granted on first use. Process context.
 *
 * Return: 0 or -ENOMEM (nothing left allocated).
 */
int xen_blkif_slots_alloc(struct xen_blkif_vbd *vbd)
{
	unsigned int nr_ind = xen_blkif_indirect_pages(vbd->indirect_segs);
	unsigned int r, id;

	for (r = 0; r < vbd->nr_rings; r++) {
		struct xen_blkif_ring *ring = &vbd->rings[r];

		ring->slots = kcalloc(vbd->ring_size, sizeof(*ring->slots),
				      GFP_KERNEL);
		if (!ring->slots)
			goto out_free;
		for (id = 0; id < vbd->ring_size; id++) {
			struct xen_blkif_slot *slot = &ring->slots[id];

			slot->grefs = kcalloc(vbd->max_segs,
					      sizeof(*slot->grefs), GFP_KERNEL);
			slot->pages = kcalloc(vbd->max_segs,
					      sizeof(*slot->pages), GFP_KERNEL);
			slot->pgrefs = kcalloc(vbd->max_segs,
					       sizeof(*slot->pgrefs), GFP_KERNEL);
			slot->ind_pages = kcalloc(nr_ind ?: 1,
						  sizeof(*slot->ind_pages),
						  GFP_KERNEL);
			slot->ind_grefs = kcalloc(nr_ind ?: 1,
						  sizeof(*slot->ind_grefs),
						  GFP_KERNEL);
			if (!slot->grefs || !slot->pages || !slot->pgrefs ||
			    !slot->ind_pages || !slot->ind_grefs)
				goto out_free;
		}
	}
	return 0;

out_free:
	for (r = 0; r < vbd->nr_rings; r++)
		xen_blkif_slots_free(vbd, &vbd->rings[r]);
	return -ENOMEM;
}

/* Ends the grants of once-granted pages; Xen frees each page when it can. */
static void xen_blkif_slots_free(struct xen_blkif_vbd *vbd,
				 struct xen_blkif_ring *ring)
{
	unsigned int nr_ind = xen_blkif_indirect_pages(vbd->indirect_segs);
	unsigned int id, i;

	if (!ring->slots)
		return;
	for (id = 0; id < vbd->ring_size; id++) {
		struct xen_blkif_slot *slot = &ring->slots[id];

		for (i = 0; slot->pages && i < vbd->max_segs; i++)
			if (slot->pages[i])
				gnttab_end_foreign_access(slot->pgrefs[i],
							  slot->pages[i]);
		for (i = 0; slot->ind_pages && i < nr_ind; i++)
			if (slot->ind_pages[i])
				gnttab_end_foreign_access(slot->ind_grefs[i],
							  slot->ind_pages[i]);
		kfree(slot->grefs);
		kfree(slot->pages);
		kfree(slot->pgrefs);
		kfree(slot->ind_pages);
		kfree(slot->ind_grefs);
	}
	kfree(ring->slots);
	ring->slots = NULL;
}

/**
 * xen_blkif_rings_free() - unbind, ungrant and free every ring
 * @vbd: the device
 *
 * Requests still outstanding must have been completed
 * (xen_blkif_fail_inflight()). Grants the backend still maps are ended
 * lazily by the grant table code, which frees the pages afterwards.
 * Process context.
 */
void xen_blkif_rings_free(struct xen_blkif_vbd *vbd)
{
	unsigned int r;

	if (!vbd->rings)
		return;
	/* First every handler: one ring's handler may fail all rings' I/O. */
	for (r = 0; r < vbd->nr_rings; r++) {
		struct xen_blkif_ring *ring = &vbd->rings[r];

		if (ring->irq > 0)
			unbind_from_irqhandler(ring->irq, ring);
		else if (ring->evtchn)
			xenbus_free_evtchn(vbd->xendev, ring->evtchn);
		ring->irq = 0;
		ring->evtchn = 0;
	}
	xen_blkif_fail_inflight(vbd);
	for (r = 0; r < vbd->nr_rings; r++) {
		struct xen_blkif_ring *ring = &vbd->rings[r];

		xen_blkif_slots_free(vbd, ring);
		if (ring->sring)
			xenbus_teardown_ring((void **)&ring->sring,
					     1U << vbd->ring_order,
					     ring->ring_refs);
		kfree(ring->inflight_op);
	}
	kfree(vbd->rings);
	vbd->rings = NULL;
}
