// SPDX-License-Identifier: GPL-2.0
/*
 * netif receive: the front-end keeps the rx ring full of pages granted to
 * the backend, which copies each packet into one or more of them
 * (request-rx-copy) and answers slot by slot. Every slot is checked
 * (netif_proto.c) before its page is touched; a packet's first bytes are
 * copied into the skb head, the rest is attached as page fragments.
 *
 * Only NAPI poll and open/close/teardown (NAPI off) come here: no lock.
 */
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <xen/events.h>
#include <xen/xenbus.h>
#include "netif.h"

#define XEN_VIF_RX_MASK		(XEN_VIF_RX_RING_SIZE - 1)

/* Post one page at req_prod_pvt; its id is its slot in the ring. */
static int xen_vif_rx_post(struct xen_vif_queue *q, gfp_t gfp)
{
	RING_IDX i = q->rx.req_prod_pvt;
	struct xen_vif_rx_buf *b = &q->rx_bufs[i & XEN_VIF_RX_MASK];
	struct xen_netif_rx_request *req;
	struct page *page;
	int ref;

	/*
	 * Zeroed: the page is granted writable, so the backend can read it
	 * too, and whatever the allocator left in it is not for the host.
	 */
	page = alloc_page(gfp | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	/* Never fails: the head holds one reference per ring slot. */
	ref = gnttab_claim_grant_reference(&q->rx_gref_head);
	if (WARN_ON_ONCE(ref < 0)) {
		__free_page(page);
		return ref;
	}
	gnttab_page_grant_foreign_access_ref_one(ref, q->vif->xdev->otherend_id,
						 page, 0);
	b->page = page;
	b->gref = ref;
	req = RING_GET_REQUEST(&q->rx, i);
	req->id = i & XEN_VIF_RX_MASK;
	req->gref = ref;
	q->rx.req_prod_pvt = i + 1;
	return 0;
}

/**
 * xen_vif_rx_refill() - fill the rx ring up with fresh pages
 * @q: the queue
 * @gfp: allocation flags
 *
 * NAPI poll, or process context before the queue is used.
 *
 * Return: buffers the backend now holds; 0 means no packet and so no
 * event can come.
 */
unsigned int xen_vif_rx_refill(struct xen_vif_queue *q, gfp_t gfp)
{
	int notify;

	while (q->rx.req_prod_pvt - q->rx.rsp_cons < XEN_VIF_RX_RING_SIZE) {
		if (xen_vif_rx_post(q, gfp)) {
			q->stats.rx_alloc_errors++;
			break;
		}
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
	if (notify)
		notify_remote_via_irq(q->rx_irq);
	return q->rx.req_prod_pvt - q->rx.rsp_cons;
}

/*
 * Take back the page of answered slot @idx. Copying backends never map
 * it, so the grant ends at once; one still in use means the backend
 * answered a slot it did not finish with: leave it for the teardown.
 */
static struct page *xen_vif_rx_take(struct xen_vif_queue *q, RING_IDX idx)
{
	struct xen_vif_rx_buf *b = &q->rx_bufs[idx & XEN_VIF_RX_MASK];
	struct page *page = b->page;

	if (!page || !gnttab_end_foreign_access_ref(b->gref))
		return NULL;
	gnttab_release_grant_reference(&q->rx_gref_head, b->gref);
	b->page = NULL;
	b->gref = INVALID_GRANT_REF;
	return page;
}

/* Add @len bytes at @off in @page to the packet being assembled; takes @page. */
static void xen_vif_rx_add(struct xen_vif_queue *q, struct page *page,
			   unsigned int off, unsigned int len)
{
	struct sk_buff *skb = q->rx_skb;

	if (q->rx_drop)
		goto out_put;
	if (!skb) {
		unsigned int copy = min_t(unsigned int, len, XEN_VIF_RX_COPY);

		skb = __netdev_alloc_skb_ip_align(NULL, XEN_VIF_RX_COPY,
						  GFP_ATOMIC);
		if (!skb) {
			q->stats.rx_alloc_errors++;
			q->rx_drop = true;
			goto out_put;
		}
		q->rx_skb = skb;
		skb_put_data(skb, page_address(page) + off, copy);
		off += copy;
		len -= copy;
		if (!len)
			goto out_put;
	}
	/* At most max_data data slots, so within MAX_SKB_FRAGS. */
	skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, off, len,
			PAGE_SIZE);
	return;

out_put:
	put_page(page);
}

/*
 * Checksum and GSO state from the first slot's flags and the GSO extra.
 * A packet whose checksum is blank (a local guest's or dom0's partial
 * checksum) goes on CHECKSUM_PARTIAL, with csum_start/offset found from its
 * headers, as netfront does; a GSO packet is always one.
 */
static int xen_vif_rx_offloads(struct xen_vif_queue *q, struct sk_buff *skb,
			       const struct xen_netif_rx_state *st)
{
	bool partial = st->csum_blank, recalc = false;
	int err;

	if (st->gso_size) {
		skb_shinfo(skb)->gso_size = st->gso_size;
		skb_shinfo(skb)->gso_type = SKB_GSO_DODGY |
			(st->gso_type == XEN_NETIF_GSO_TYPE_TCPV6 ?
			 SKB_GSO_TCPV6 : SKB_GSO_TCPV4);
		skb_shinfo(skb)->gso_segs = 0;
		q->stats.rx_gso++;
		if (!partial) {
			/* A buggy backend left csum_blank off: compute the pseudo-header. */
			q->stats.rx_csum_fixups++;
			partial = true;
			recalc = true;
		}
	}
	if (!partial) {
		if (st->data_validated && READ_ONCE(q->vif->rxcsum))
			skb->ip_summed = CHECKSUM_UNNECESSARY;
		return 0;
	}
	/* skb_checksum_setup() wants skb->data at the network header. */
	skb_reset_mac_header(skb);
	skb->protocol = eth_hdr(skb)->h_proto;
	__skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	skb->ip_summed = CHECKSUM_PARTIAL;
	err = skb_checksum_setup(skb, recalc);
	__skb_push(skb, ETH_HLEN);
	return err;
}

/* The packet is complete: hand it up or drop it. */
static void xen_vif_rx_finish(struct xen_vif_queue *q)
{
	struct xen_netif_rx_state *st = &q->rx_state;
	struct sk_buff *skb = q->rx_skb;
	bool drop = q->rx_drop || st->error || st->oversize || !skb;

	q->rx_skb = NULL;
	if (st->error)
		q->stats.rx_backend_errors++;
	if (st->oversize)
		q->stats.rx_oversize++;
	/* The front-end needs the Ethernet header in the head. */
	if (!drop && (!pskb_may_pull(skb, ETH_HLEN) ||
		      xen_vif_rx_offloads(q, skb, st)))
		drop = true;
	if (drop) {
		q->stats.rx_dropped++;
		dev_kfree_skb_any(skb);
	} else {
		pv_net_receive(q->vif->pdev, q->id, skb);
	}
	xen_netif_rx_reset(st);
	q->rx_drop = false;
}

/**
 * xen_vif_rx_abort_packet() - close(): drop the packet being assembled
 * @q: the queue, NAPI off
 *
 * Its remaining slots are still to come: the parser keeps its place and
 * drops them.
 */
void xen_vif_rx_abort_packet(struct xen_vif_queue *q)
{
	if (!q->rx_state.started && !q->rx_skb)
		return;
	dev_kfree_skb_any(q->rx_skb);
	q->rx_skb = NULL;
	q->rx_drop = true;
}

/**
 * xen_vif_rx_poll() - receive up to @budget packets
 * @q: the queue
 * @budget: NAPI budget
 *
 * NAPI. A response that breaks the protocol marks the device broken and
 * stops the queue where it is.
 *
 * Return: packets completed (delivered or dropped), or @budget to be
 * polled again (more responses, or no buffer could be posted).
 */
int xen_vif_rx_poll(struct xen_vif_queue *q, int budget)
{
	struct xen_netif_rx_view v = {
		.ring_size = XEN_VIF_RX_RING_SIZE,
		.gso_types = BIT(XEN_NETIF_GSO_TYPE_TCPV4) |
			     BIT(XEN_NETIF_GSO_TYPE_TCPV6),
		.max_data = MAX_SKB_FRAGS,
	};
	struct xen_netif_rx_response rsp;
	struct xen_netif_rx_slot slot;
	RING_IDX prod, cons;
	int done = 0, more;

	prod = READ_ONCE(q->rx.sring->rsp_prod);
	virt_rmb();
	if (!xen_netif_rsp_prod_ok(prod, q->rx.rsp_cons, q->rx.req_prod_pvt)) {
		dev_err_ratelimited(&q->vif->xdev->dev,
				    "queue %u: rx responses up to %u, but only %u buffers posted (%u answered)\n",
				    q->id, prod, q->rx.req_prod_pvt, q->rx.rsp_cons);
		xen_vif_broken(q, "rx producer beyond the posted buffers");
		return 0;
	}
	for (cons = q->rx.rsp_cons; cons != prod && done < budget; cons++) {
		struct page *page;

		RING_COPY_RESPONSE(&q->rx, cons, &rsp);
		if (xen_netif_parse_rx_slot(&q->rx_state, &rsp, cons, &v, &slot)) {
			dev_err_ratelimited(&q->vif->xdev->dev,
					    "queue %u: bad rx response %u: id %u offset %u flags %#x status %d (slot %u of the packet)\n",
					    q->id, cons, rsp.id, rsp.offset,
					    rsp.flags, rsp.status,
					    q->rx_state.nr_slots);
			xen_vif_broken(q, "bad rx response");
			break;
		}
		page = xen_vif_rx_take(q, cons);
		if (!page) {
			dev_err_ratelimited(&q->vif->xdev->dev,
					    "queue %u: rx slot %u answered but its grant is still in use\n",
					    q->id, cons);
			xen_vif_broken(q, "rx grant still in use");
			break;
		}
		if (slot.use)
			xen_vif_rx_add(q, page, slot.offset, slot.len);
		else
			put_page(page);
		if (q->rx_state.done) {
			xen_vif_rx_finish(q);
			done++;
		}
	}
	q->rx.rsp_cons = cons;
	if (pv_device_is_broken(q->vif->pdev))
		return done;

	/* Without buffers no packet, and so no event, would come: keep polling. */
	if (!xen_vif_rx_refill(q, GFP_ATOMIC))
		return budget;
	if (done < budget) {
		RING_FINAL_CHECK_FOR_RESPONSES(&q->rx, more);
		if (more)
			return budget;
	}
	return done;
}

/**
 * xen_vif_rx_release_all() - the connection ends: give every rx page up
 * @q: the queue, its interrupts unbound
 *
 * A page the backend may still write is freed by the grant table only once
 * it let go (gnttab_end_foreign_access()). Process context.
 *
 * Return: the grants the backend still held.
 */
unsigned int xen_vif_rx_release_all(struct xen_vif_queue *q)
{
	unsigned int i, n = 0;

	for (i = 0; i < XEN_VIF_RX_RING_SIZE; i++) {
		struct xen_vif_rx_buf *b = &q->rx_bufs[i];

		if (!b->page)
			continue;
		if (gnttab_try_end_foreign_access(b->gref)) {
			put_page(b->page);
		} else {
			/* Ended, and the page freed, once the backend lets go. */
			gnttab_end_foreign_access(b->gref, b->page);
			n++;
		}
		b->page = NULL;
		b->gref = INVALID_GRANT_REF;
	}
	dev_kfree_skb_any(q->rx_skb);
	q->rx_skb = NULL;
	xen_netif_rx_reset(&q->rx_state);
	q->rx_drop = false;
	gnttab_free_grant_references(q->rx_gref_head);
	return n;
}
