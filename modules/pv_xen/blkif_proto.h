/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The blkif protocol (include/xen/interface/io/blkif.h) as pv_xen speaks
 * it: what is decided from the backend's xenstore nodes and checked in its
 * responses. The backend is another domain and untrusted, so these pure
 * functions validate everything it wrote; KUnit drives them with hostile
 * values (tests/kunit/pv_xen_blkif_test.c).
 */
#ifndef _PV_XEN_BLKIF_PROTO_H
#define _PV_XEN_BLKIF_PROTO_H

#include <linux/blk_types.h>
#include <linux/types.h>
#include <xen/page.h>
#include <xen/interface/grant_table.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/ring.h>

/* Segments one indirect page holds, and one indirect request at most. */
#define XEN_BLKIF_SEGS_PER_INDIRECT_PAGE \
	(XEN_PAGE_SIZE / sizeof(struct blkif_request_segment))
#define XEN_BLKIF_MAX_INDIRECT_SEGS \
	(BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST * XEN_BLKIF_SEGS_PER_INDIRECT_PAGE)

/* The largest ring pv_xen uses: 2^XEN_BLKIF_MAX_RING_ORDER pages. */
#define XEN_BLKIF_MAX_RING_ORDER	4

/* inflight_op[] value of a ring id with no request outstanding. */
#define XEN_BLKIF_ID_FREE	0xff

/**
 * struct xen_blkif_rsp - a validated response
 * @id: the ring id it completes (< ring size, outstanding)
 * @status: the block layer status for it
 * @notsupp: the backend answered BLKIF_RSP_EOPNOTSUPP
 */
struct xen_blkif_rsp {
	u16 id;
	blk_status_t status;
	bool notsupp;
};

int xen_blkif_rsp_window(RING_IDX rsp_prod, RING_IDX rsp_cons,
			 RING_IDX req_prod_pvt);
int xen_blkif_rsp_decode(const struct blkif_response *rsp,
			 unsigned int ring_size, const u8 *inflight_op,
			 struct xen_blkif_rsp *out);
int xen_blkif_segment(unsigned int offset, unsigned int len,
		      struct blkif_request_segment *seg);
unsigned int xen_blkif_ring_order(unsigned int backend_max,
				  unsigned int wanted);
unsigned int xen_blkif_nr_rings(unsigned int backend_max, unsigned int wanted);
unsigned int xen_blkif_indirect_segs(unsigned int backend_max,
				     unsigned int wanted);
bool xen_blkif_sector_size_ok(unsigned int size);
unsigned int xen_blkif_indirect_pages(unsigned int nr_segs);

#endif /* _PV_XEN_BLKIF_PROTO_H */
