// SPDX-License-Identifier: GPL-2.0
/*
 * blkif negotiation and response checks. See blkif_proto.h.
 */
#include <linux/blk_types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include "blkif_proto.h"

/**
 * xen_blkif_rsp_window() - how many new responses may be consumed
 * @rsp_prod: the backend's response producer index (read once)
 * @rsp_cons: our consumer index
 * @req_prod_pvt: our request producer index
 *
 * The backend can only answer requests that were made: a producer index
 * further ahead than the requests outstanding is a broken or hostile
 * backend.
 *
 * Return: the number of responses in [rsp_cons, rsp_prod), or -EPROTO.
 */
int xen_blkif_rsp_window(RING_IDX rsp_prod, RING_IDX rsp_cons,
			 RING_IDX req_prod_pvt)
{
	RING_IDX n = rsp_prod - rsp_cons;

	if (n > req_prod_pvt - rsp_cons)
		return -EPROTO;
	return n;
}

/**
 * xen_blkif_rsp_decode() - check one response and map its status
 * @rsp: the response, already copied out of the shared ring
 * @ring_size: ids are < this
 * @inflight_op: per ring id, the operation outstanding under that id (for
 *	an indirect request, its indirect_op, which the backend echoes), or
 *	XEN_BLKIF_ID_FREE
 * @out: the decoded response, written only on success
 *
 * Return: 0, or -EPROTO when the id is out of range or not outstanding or
 * the operation is not the one requested. An unknown status is not a
 * protocol error: the request fails with BLK_STS_IOERR.
 */
int xen_blkif_rsp_decode(const struct blkif_response *rsp,
			 unsigned int ring_size, const u8 *inflight_op,
			 struct xen_blkif_rsp *out)
{
	u64 id = rsp->id;

	if (id >= ring_size || inflight_op[id] == XEN_BLKIF_ID_FREE)
		return -EPROTO;
	if (rsp->operation != inflight_op[id])
		return -EPROTO;

	out->id = id;
	out->notsupp = false;
	switch (rsp->status) {
	case BLKIF_RSP_OKAY:
		out->status = BLK_STS_OK;
		break;
	case BLKIF_RSP_EOPNOTSUPP:
		out->status = BLK_STS_NOTSUPP;
		out->notsupp = true;
		break;
	default:	/* BLKIF_RSP_ERROR and anything unknown */
		out->status = BLK_STS_IOERR;
		break;
	}
	return 0;
}

/**
 * xen_blkif_segment() - describe a piece of one page as a blkif segment
 * @offset: byte offset in the page
 * @len: bytes
 * @seg: first_sect and last_sect are written (gref is the caller's)
 *
 * Return: 0, or -EINVAL when the piece is empty, crosses the page or is
 * not made of whole 512-byte sectors (the front-end's queue limits rule
 * this out; the check keeps a bug from becoming a wrong transfer).
 */
int xen_blkif_segment(unsigned int offset, unsigned int len,
		      struct blkif_request_segment *seg)
{
	if (!len || offset >= XEN_PAGE_SIZE || len > XEN_PAGE_SIZE - offset)
		return -EINVAL;
	if ((offset | len) & (SECTOR_SIZE - 1))
		return -EINVAL;
	seg->first_sect = offset >> SECTOR_SHIFT;
	seg->last_sect = ((offset + len) >> SECTOR_SHIFT) - 1;
	return 0;
}

/**
 * xen_blkif_ring_order() - the ring size to use, as a page order
 * @backend_max: the backend's max-ring-page-order (0 when absent)
 * @wanted: the largest order pv_xen is configured for
 *
 * Return: min(@backend_max, @wanted, XEN_BLKIF_MAX_RING_ORDER).
 */
unsigned int xen_blkif_ring_order(unsigned int backend_max,
				  unsigned int wanted)
{
	return min3(backend_max, wanted, (unsigned int)XEN_BLKIF_MAX_RING_ORDER);
}

/**
 * xen_blkif_nr_rings() - how many rings (hardware queues) to use
 * @backend_max: the backend's multi-queue-max-queues (0 when absent)
 * @wanted: what pv_xen is configured for (at least 1)
 *
 * Return: between 1 and @wanted.
 */
unsigned int xen_blkif_nr_rings(unsigned int backend_max, unsigned int wanted)
{
	return clamp(backend_max, 1U, max(wanted, 1U));
}

/**
 * xen_blkif_indirect_segs() - segments per indirect request
 * @backend_max: the backend's feature-max-indirect-segments (0: none)
 * @wanted: what pv_xen is configured for
 *
 * Indirect requests only pay off beyond BLKIF_MAX_SEGMENTS_PER_REQUEST.
 *
 * Return: 0 (no indirect requests) or a count in
 * (BLKIF_MAX_SEGMENTS_PER_REQUEST, XEN_BLKIF_MAX_INDIRECT_SEGS].
 */
unsigned int xen_blkif_indirect_segs(unsigned int backend_max,
				     unsigned int wanted)
{
	unsigned int segs = min3(backend_max, wanted,
				 (unsigned int)XEN_BLKIF_MAX_INDIRECT_SEGS);

	return segs > BLKIF_MAX_SEGMENTS_PER_REQUEST ? segs : 0;
}

/**
 * xen_blkif_indirect_pages() - indirect pages a request of @nr_segs needs
 * @nr_segs: segments
 *
 * Return: the page count.
 */
unsigned int xen_blkif_indirect_pages(unsigned int nr_segs)
{
	return DIV_ROUND_UP(nr_segs, XEN_BLKIF_SEGS_PER_INDIRECT_PAGE);
}

/**
 * xen_blkif_sector_size_ok() - is a backend's sector size usable?
 * @size: sector-size or physical-sector-size in bytes
 *
 * Return: true for a power of two from 512 bytes to a page.
 */
bool xen_blkif_sector_size_ok(unsigned int size)
{
	return size >= SECTOR_SIZE && size <= XEN_PAGE_SIZE &&
	       is_power_of_2(size);
}
