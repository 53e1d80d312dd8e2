/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pv_xen's blkif front-end: shared between blkif.c (xenbus device, state
 * machine, negotiation, pv block device) and blkif_ring.c (rings, grants,
 * requests, responses).
 */
#ifndef _PV_XEN_BLKIF_H
#define _PV_XEN_BLKIF_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <pv/blk.h>
#include "blkif_proto.h"

struct xen_blkif_vbd;

/**
 * struct xen_blkif_slot - one ring id: the request outstanding under it
 * @req: the front-end's request, NULL when the id is free
 * @nr_grefs: entries of @grefs granted for this request (non-persistent)
 * @grefs: data grants of the request (non-persistent mode)
 * @pages: persistent mode: this id's data pages, granted once at connect
 * @pgrefs: their grant references
 * @ind_pages: this id's indirect-segment pages, granted once at connect
 * @ind_grefs: their grant references
 *
 * An id is the front-end's tag (tags are < the ring size), so a slot needs
 * no allocator: queue_rq() finds it free by construction.
 */
struct xen_blkif_slot {
	struct pv_blk_req *req;
	unsigned int nr_grefs;
	grant_ref_t *grefs;
	struct page **pages;
	grant_ref_t *pgrefs;
	struct page **ind_pages;
	grant_ref_t *ind_grefs;
};

/**
 * struct xen_blkif_ring - one shared ring and its event channel
 * @vbd: the device
 * @index: queue number
 * @lock: protects @front, @slots, @inflight_op and @gref_head against the
 *	interrupt handler; taken with interrupts off
 * @front: our view of the shared ring
 * @sring: the shared ring pages
 * @ring_refs: their grants
 * @evtchn: the event channel
 * @irq: its Linux irq, 0 when unbound
 * @slots: per ring id
 * @inflight_op: per ring id, the operation the backend must echo, or
 *	XEN_BLKIF_ID_FREE (what xen_blkif_rsp_decode() checks against)
 * @gref_head: free grant references for data pages (non-persistent mode)
 * @name: the irq's name
 */
struct xen_blkif_ring {
	struct xen_blkif_vbd *vbd;
	unsigned int index;
	spinlock_t lock;
	struct blkif_front_ring front;
	struct blkif_sring *sring;
	grant_ref_t ring_refs[1 << XEN_BLKIF_MAX_RING_ORDER];
	evtchn_port_t evtchn;
	int irq;
	struct xen_blkif_slot *slots;
	u8 *inflight_op;
	grant_ref_t gref_head;
	char name[32];
};

/**
 * struct xen_blkif_vbd - one virtual block device (a xenbus "vbd")
 * @xendev: the xenbus device
 * @pdev: the pv block device, once connected
 * @lock: serialises state changes (backend watch, remove, resize); not
 *	taken by the block ops, which run inside pv_device_add() and
 *	pv_device_unregister() called with it held
 * @handle: the virtual-device number, echoed in requests
 * @connected: the rings are up and the backend said Connected; read
 *	locklessly by queue_rq()
 * @ring_order: ring size as a page order
 * @ring_size: requests per ring
 * @nr_rings: rings (hardware queues)
 * @rings: @nr_rings rings
 * @persistent: data goes through pages granted once (feature-persistent)
 * @max_segs: segments per request (11, or the indirect count)
 * @indirect_segs: segments per indirect request, 0 without indirect
 * @sectors: capacity in 512-byte sectors; changes (WRITE_ONCE) on resize
 *	while get_config() reads it without the lock
 * @sector_size: logical block size
 * @physical_sector_size: physical block size
 * @info: VDISK_* bits
 * @flush_op: BLKIF_OP_FLUSH_DISKCACHE or BLKIF_OP_WRITE_BARRIER, or 0
 * @discard: feature-discard
 * @discard_secure: discard-secure
 * @discard_granularity: bytes
 * @discard_alignment: bytes
 */
struct xen_blkif_vbd {
	struct xenbus_device *xendev;
	struct pv_device *pdev;
	struct mutex lock;
	unsigned int handle;
	bool connected;
	unsigned int ring_order;
	unsigned int ring_size;
	unsigned int nr_rings;
	struct xen_blkif_ring *rings;
	bool persistent;
	unsigned int max_segs;
	unsigned int indirect_segs;
	u64 sectors;
	unsigned int sector_size;
	unsigned int physical_sector_size;
	unsigned int info;
	u8 flush_op;
	bool discard;
	bool discard_secure;
	unsigned int discard_granularity;
	unsigned int discard_alignment;
};

/* blkif_ring.c */
int xen_blkif_rings_alloc(struct xen_blkif_vbd *vbd);
int xen_blkif_rings_publish(struct xen_blkif_vbd *vbd,
			    struct xenbus_transaction xbt);
int xen_blkif_slots_alloc(struct xen_blkif_vbd *vbd);
void xen_blkif_rings_free(struct xen_blkif_vbd *vbd);
void xen_blkif_fail_inflight(struct xen_blkif_vbd *vbd);
void xen_blkif_break(struct xen_blkif_vbd *vbd, const char *why);
extern const struct pv_blk_ops xen_blkif_blk_ops;

#endif /* _PV_XEN_BLKIF_H */
