// SPDX-License-Identifier: GPL-2.0
/*
 * netif transmit: packets go to the backend as grants of their pages,
 * read-only, one tx slot per Xen page piece, and come back as responses
 * naming the slot ids. Every response is checked (netif_proto.c) before
 * the slot it names is touched, and a grant is taken back only once the
 * backend no longer holds it.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/gso.h>
#include <net/ip.h>
#include <xen/events.h>
#include <xen/xenbus.h>
#include "netif.h"

/* How long close() waits for the backend to answer what is in flight. */
#define XEN_VIF_TX_DRAIN_MS	500

/**
 * xen_vif_tx_init() - an empty tx side: every id free
 * @q: the queue, its tx ring initialised
 */
void xen_vif_tx_init(struct xen_vif_queue *q)
{
	u32 i;

	spin_lock_init(&q->tx_lock);
	bitmap_zero(q->tx_in_use, XEN_VIF_TX_RING_SIZE);
	for (i = 0; i < XEN_VIF_TX_RING_SIZE; i++) {
		q->tx_free_ids[i] = XEN_VIF_TX_RING_SIZE - 1 - i;
		q->tx_bufs[i].gref = INVALID_GRANT_REF;
	}
	q->tx_nr_free = XEN_VIF_TX_RING_SIZE;
	q->tx_nulls_pending = 0;
	q->tx_stopped = false;
}

/*
 * Netback completes partial checksums of TCP and UDP over IPv4 (and IPv6
 * when it said so), finding the headers itself from the frame's type: a
 * VLAN tag or any other protocol needs the checksum done here.
 */
static bool xen_vif_csum_ok(const struct xen_vif *vif, const struct sk_buff *skb)
{
	unsigned int nh = skb_network_offset(skb);
	u8 proto;

	switch (skb->protocol) {
	case htons(ETH_P_IP):
		if (nh + sizeof(struct iphdr) > skb_headlen(skb))
			return false;
		proto = ip_hdr(skb)->protocol;
		break;
	case htons(ETH_P_IPV6):
		if (!vif->neg.tx_csum6 ||
		    nh + sizeof(struct ipv6hdr) > skb_headlen(skb))
			return false;
		proto = ipv6_hdr(skb)->nexthdr;
		break;
	default:
		return false;
	}
	if (skb_checksum_start_offset(skb) != skb_transport_offset(skb))
		return false;
	switch (proto) {
	case IPPROTO_TCP:
		return skb->csum_offset == offsetof(struct tcphdr, check);
	case IPPROTO_UDP:
		return skb->csum_offset == offsetof(struct udphdr, check);
	}
	return false;
}

/* Can the backend segment @skb? */
static bool xen_vif_gso_ok(const struct xen_vif *vif, const struct sk_buff *skb)
{
	unsigned int type = skb_shinfo(skb)->gso_type;

	if (!skb_shinfo(skb)->gso_size || !xen_vif_csum_ok(vif, skb))
		return false;
	if (type & SKB_GSO_TCPV4)
		return vif->neg.tso && skb->protocol == htons(ETH_P_IP);
	if (type & SKB_GSO_TCPV6)
		return vif->neg.tso6 && skb->protocol == htons(ETH_P_IPV6);
	return false;
}

/* Tx slots @skb takes: its linear part and fragments cut at Xen pages. */
static unsigned int xen_vif_tx_count(const struct sk_buff *skb)
{
	unsigned int n = 0;
	int i;

	if (skb_headlen(skb))
		n = xen_netif_tx_slots(offset_in_page(skb->data), skb_headlen(skb));
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		n += xen_netif_tx_slots(skb_frag_off(f), skb_frag_size(f));
	}
	return n;
}

/* Netback drops a packet whose first slot holds less than an Ethernet header. */
static bool xen_vif_tx_first_short(const struct sk_buff *skb)
{
	unsigned int first;

	if (skb_headlen(skb)) {
		first = min_t(unsigned int, skb_headlen(skb),
			      XEN_PAGE_SIZE - offset_in_page(skb->data));
	} else {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[0];

		first = min_t(unsigned int, skb_frag_size(f),
			      XEN_PAGE_SIZE - skb_frag_off(f) % XEN_PAGE_SIZE);
	}
	return first < ETH_HLEN;
}

static void xen_vif_tx_push(struct xen_vif_queue *q)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
	if (notify)
		notify_remote_via_irq(q->tx_irq);
}

static void xen_vif_tx_stop(struct xen_vif_queue *q)
{
	if (q->tx_stopped)
		return;
	q->tx_stopped = true;
	pv_net_tx_stop(q->vif->pdev, q->id);
}

/*
 * Grant [@off, @off + @len) of @page (within one Xen page) and fill the
 * next request with it; the slot holds a reference on @skb. tx_lock held;
 * the caller checked that an id and a ring slot are free.
 */
static struct xen_netif_tx_request *
xen_vif_tx_slot(struct xen_vif_queue *q, struct sk_buff *skb, struct page *page,
		unsigned int off, unsigned int len, bool first)
{
	struct xen_netif_tx_request *req;
	struct xen_vif_tx_buf *b;
	u16 id;

	lockdep_assert_held(&q->tx_lock);
	id = q->tx_free_ids[--q->tx_nr_free];
	b = &q->tx_bufs[id];
	/* Never fails: the head holds one reference per id. */
	b->gref = gnttab_claim_grant_reference(&q->tx_gref_head);
	gnttab_page_grant_foreign_access_ref_one(b->gref,
						 q->vif->xdev->otherend_id,
						 page, 1);
	b->skb = first ? skb : skb_get(skb);
	b->page = page;
	__set_bit(id, q->tx_in_use);

	req = RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt++);
	req->id = id;
	req->gref = b->gref;
	req->offset = off;
	req->size = len;
	req->flags = 0;
	return req;
}

/* Where xen_vif_tx_fill() stands in a packet. */
struct xen_vif_tx_pos {
	struct xen_netif_tx_request *first;
	struct xen_netif_tx_request *prev;
};

/*
 * Add a request for one piece of @skb; the first request of a GSO packet is
 * followed by its extra-info slot. tx_lock held.
 */
static void xen_vif_tx_piece(struct xen_vif_queue *q, struct sk_buff *skb,
			     struct page *page, unsigned int off,
			     unsigned int len, struct xen_vif_tx_pos *pos)
{
	struct xen_netif_tx_request *req;
	struct xen_netif_extra_info *gso;

	req = xen_vif_tx_slot(q, skb, page, off, len, !pos->first);
	if (pos->prev)
		pos->prev->flags |= XEN_NETTXF_more_data;
	pos->prev = req;
	if (pos->first)
		return;
	pos->first = req;
	if (!skb_is_gso(skb))
		return;
	gso = (struct xen_netif_extra_info *)
		RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt++);
	gso->type = XEN_NETIF_EXTRA_TYPE_GSO;
	gso->flags = 0;
	gso->u.gso.size = skb_shinfo(skb)->gso_size;
	gso->u.gso.type = skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6 ?
			  XEN_NETIF_GSO_TYPE_TCPV6 : XEN_NETIF_GSO_TYPE_TCPV4;
	gso->u.gso.pad = 0;
	gso->u.gso.features = 0;
	req->flags |= XEN_NETTXF_extra_info;
	q->tx_nulls_pending++;
}

/*
 * Put @skb on the ring: the first request carries the checksum flags and
 * the whole packet's length, a GSO extra-info slot follows it, then one
 * request per remaining piece, each but the last with more_data.
 */
static void xen_vif_tx_fill(struct xen_vif_queue *q, struct sk_buff *skb)
{
	struct skb_shared_info *si = skb_shinfo(skb);
	struct xen_vif_tx_pos pos = { };
	unsigned int len = skb_headlen(skb);
	void *data = skb->data;
	int i;

	/* The linear part: physically contiguous, cut at Xen pages. */
	while (len) {
		unsigned int chunk = min_t(unsigned int, len,
					   XEN_PAGE_SIZE - offset_in_page(data));

		xen_vif_tx_piece(q, skb, virt_to_page(data),
				 offset_in_page(data), chunk, &pos);
		data += chunk;
		len -= chunk;
	}

	for (i = 0; i < si->nr_frags; i++) {
		const skb_frag_t *f = &si->frags[i];
		unsigned int off = skb_frag_off(f);
		/*
		 * A frag's pages are contiguous in the memory map (7.x
		 * dropped nth_page() for that reason).
		 */
		struct page *page = skb_frag_page(f) + off / PAGE_SIZE;

		off %= PAGE_SIZE;
		len = skb_frag_size(f);
		while (len) {
			unsigned int chunk = min_t(unsigned int, len,
						   XEN_PAGE_SIZE - off);

			xen_vif_tx_piece(q, skb, page, off, chunk, &pos);
			len -= chunk;
			off += chunk;
			if (off == PAGE_SIZE) {
				page++;
				off = 0;
			}
		}
	}

	if (skb->ip_summed == CHECKSUM_PARTIAL)
		pos.first->flags |= XEN_NETTXF_csum_blank |
				    XEN_NETTXF_data_validated;
	else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		pos.first->flags |= XEN_NETTXF_data_validated;
	/* Netback reads the packet's length from the first slot. */
	pos.first->size = skb->len;
}

static netdev_tx_t xen_vif_xmit_one(struct xen_vif_queue *q,
				    struct sk_buff *skb, bool more)
{
	struct xen_vif *vif = q->vif;
	unsigned int slots, need;
	bool copied = false;

	if (skb->len < ETH_HLEN || skb->len > XEN_NETIF_MAX_TX_SIZE)
		goto drop;
	if (skb->ip_summed == CHECKSUM_PARTIAL && !skb_is_gso(skb) &&
	    !xen_vif_csum_ok(vif, skb)) {
		q->stats.tx_csum_fallback++;
		if (skb_checksum_help(skb))
			goto drop;
	}
	slots = xen_vif_tx_count(skb);
	if (slots > XEN_VIF_TX_MAX_SLOTS) {
		q->stats.tx_linearized++;
		if (skb_linearize(skb))
			goto drop;
		slots = xen_vif_tx_count(skb);
	}
	if (xen_vif_tx_first_short(skb)) {
		struct sk_buff *nskb = skb_copy(skb, GFP_ATOMIC);

		q->stats.tx_copied++;
		if (!nskb)
			goto drop;
		dev_consume_skb_any(skb);
		skb = nskb;
		copied = true;
		slots = xen_vif_tx_count(skb);
		if (xen_vif_tx_first_short(skb))
			goto drop;
	}
	if (slots > XEN_VIF_TX_MAX_SLOTS)
		goto drop;
	need = slots + (skb_is_gso(skb) ? 1 : 0);

	spin_lock(&q->tx_lock);
	if (RING_FREE_REQUESTS(&q->tx) < need || q->tx_nr_free < slots) {
		q->stats.tx_ring_full++;
		xen_vif_tx_stop(q);
		xen_vif_tx_push(q);
		spin_unlock(&q->tx_lock);
		/*
		 * The caller's skb is gone, replaced by its copy above: told
		 * BUSY, the stack would requeue the freed skb (and the software
		 * GSO path free it twice). Drop the copy instead.
		 */
		if (copied)
			goto drop;
		return NETDEV_TX_BUSY;
	}
	xen_vif_tx_fill(q, skb);
	skb_tx_timestamp(skb);
	if (RING_FREE_REQUESTS(&q->tx) < XEN_VIF_TX_STOP ||
	    q->tx_nr_free < XEN_VIF_TX_MAX_SLOTS) {
		xen_vif_tx_stop(q);
		more = false;
	}
	if (!more)
		xen_vif_tx_push(q);
	spin_unlock(&q->tx_lock);
	return NETDEV_TX_OK;

drop:
	q->stats.tx_dropped++;
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/*
 * A GSO packet the backend cannot take (a VLAN-tagged one, a kind it did
 * not offer): segment it here, with software checksums. Segments that find
 * the ring full are dropped, as the packet was accepted as a whole.
 */
static netdev_tx_t xen_vif_xmit_sw_gso(struct xen_vif_queue *q,
				       struct sk_buff *skb, bool more)
{
	struct sk_buff *segs, *seg, *next;

	q->stats.tx_sw_gso++;
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		q->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	dev_consume_skb_any(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		if (xen_vif_xmit_one(q, seg, next ? true : more) != NETDEV_TX_OK) {
			q->stats.tx_dropped++;
			dev_kfree_skb_any(seg);
		}
	}
	return NETDEV_TX_OK;
}

/**
 * xen_vif_xmit() - pv_net_ops::xmit
 * @pdev: the pv device
 * @queue: the queue pair
 * @skb: the packet
 * @more: another packet follows at once: the backend is notified later
 *
 * Softirq, with the netdev tx queue's lock held.
 *
 * Return: NETDEV_TX_OK (the packet is on the ring or dropped) or
 * NETDEV_TX_BUSY (the ring is full; the queue was stopped).
 */
netdev_tx_t xen_vif_xmit(struct pv_device *pdev, u16 queue,
			 struct sk_buff *skb, bool more)
{
	struct xen_vif *vif = pdev->backend_priv;
	struct xen_vif_queue *q;

	if (unlikely(queue >= vif->nr_queues)) {
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	q = &vif->queues[queue];
	if (unlikely(pv_device_is_broken(pdev))) {
		q->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	if (skb_is_gso(skb) && !xen_vif_gso_ok(vif, skb))
		return xen_vif_xmit_sw_gso(q, skb, more);
	return xen_vif_xmit_one(q, skb, more);
}

/*
 * The backend answered data slot @id: take the grant back and let the
 * packet (or the page close() kept) go. tx_lock held. A grant the backend
 * still uses after answering is a lie: the slot stays as it is, so the
 * teardown ends it only once the backend lets go.
 */
static int xen_vif_tx_complete(struct xen_vif_queue *q, u16 id, int budget)
{
	struct xen_vif_tx_buf *b = &q->tx_bufs[id];

	lockdep_assert_held(&q->tx_lock);
	if (!gnttab_end_foreign_access_ref(b->gref))
		return -EPROTO;
	gnttab_release_grant_reference(&q->tx_gref_head, b->gref);
	b->gref = INVALID_GRANT_REF;
	if (b->skb)
		napi_consume_skb(b->skb, budget);
	else
		put_page(b->page);
	b->skb = NULL;
	b->page = NULL;
	__clear_bit(id, q->tx_in_use);
	q->tx_free_ids[q->tx_nr_free++] = id;
	return 0;
}

/**
 * xen_vif_tx_reap() - take the backend's tx responses
 * @q: the queue
 * @budget: NAPI budget, 0 outside NAPI (skbs are then freed with
 *	dev_consume_skb_any())
 * @wake: wake a stopped queue once there is room (NAPI only)
 *
 * Softirq (NAPI) or process context with NAPI off.
 *
 * Return: 0, 1 when responses came in meanwhile (poll again), or -EPROTO
 * after a response the front-end cannot have asked for (logged).
 */
int xen_vif_tx_reap(struct xen_vif_queue *q, int budget, bool wake)
{
	struct xen_netif_tx_response rsp;
	struct xen_netif_tx_view v;
	struct xen_netif_tx_done d;
	RING_IDX prod, cons;
	int more = 0, err = 0;

	spin_lock_bh(&q->tx_lock);
	prod = READ_ONCE(q->tx.sring->rsp_prod);
	/* Read the responses only after the producer index. */
	virt_rmb();
	if (!xen_netif_rsp_prod_ok(prod, q->tx.rsp_cons, q->tx.req_prod_pvt)) {
		dev_err_ratelimited(&q->vif->xdev->dev,
				    "queue %u: tx responses up to %u, but only %u requests made (%u answered)\n",
				    q->id, prod, q->tx.req_prod_pvt, q->tx.rsp_cons);
		err = -EPROTO;
		goto out;
	}
	for (cons = q->tx.rsp_cons; cons != prod; cons++) {
		RING_COPY_RESPONSE(&q->tx, cons, &rsp);
		v.ring_size = XEN_VIF_TX_RING_SIZE;
		v.in_use = q->tx_in_use;
		v.nulls_pending = q->tx_nulls_pending;
		err = xen_netif_parse_tx_rsp(&rsp, &v, &d);
		if (err) {
			dev_err_ratelimited(&q->vif->xdev->dev,
					    "queue %u: bad tx response %u: id %u status %d (%u ids in flight)\n",
					    q->id, cons, rsp.id, rsp.status,
					    (u32)XEN_VIF_TX_RING_SIZE - q->tx_nr_free);
			break;
		}
		if (d.null) {
			q->tx_nulls_pending--;
			continue;
		}
		if (d.failed)
			q->stats.tx_backend_errors++;
		err = xen_vif_tx_complete(q, d.id, budget);
		if (err) {
			dev_err_ratelimited(&q->vif->xdev->dev,
					    "queue %u: tx slot %u answered but its grant is still in use\n",
					    q->id, d.id);
			break;
		}
	}
	q->tx.rsp_cons = cons;
	if (err)
		goto out;
	/* Ask for an event at the next response, then look once more. */
	RING_FINAL_CHECK_FOR_RESPONSES(&q->tx, more);
	if (wake && q->tx_stopped && RING_FREE_REQUESTS(&q->tx) >= 2 * XEN_VIF_TX_STOP &&
	    q->tx_nr_free >= 2 * XEN_VIF_TX_MAX_SLOTS) {
		q->tx_stopped = false;
		pv_net_tx_wake(q->vif->pdev, q->id);
	}
out:
	spin_unlock_bh(&q->tx_lock);
	return err ?: more;
}

/**
 * xen_vif_tx_drain() - close(): let the packets in flight go
 * @q: the queue, NAPI and xmit stopped
 * @wait: the backend is connected: give it a moment to answer first
 *
 * What the backend still holds after that stays granted: its page is kept
 * (the skb itself is freed) until the backend answers or the connection
 * ends. Process context.
 */
void xen_vif_tx_drain(struct xen_vif_queue *q, bool wait)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(XEN_VIF_TX_DRAIN_MS);
	unsigned int id;

	spin_lock_bh(&q->tx_lock);
	xen_vif_tx_push(q);
	spin_unlock_bh(&q->tx_lock);
	while (wait && q->tx_nr_free < XEN_VIF_TX_RING_SIZE) {
		if (xen_vif_tx_reap(q, 0, false) < 0) {
			xen_vif_broken(q, "bad tx response");
			break;
		}
		if (time_after(jiffies, timeout))
			break;
		usleep_range(500, 1000);
	}

	spin_lock_bh(&q->tx_lock);
	for_each_set_bit(id, q->tx_in_use, XEN_VIF_TX_RING_SIZE) {
		struct xen_vif_tx_buf *b = &q->tx_bufs[id];

		if (!b->skb)
			continue;
		get_page(b->page);
		dev_kfree_skb_any(b->skb);
		b->skb = NULL;
	}
	spin_unlock_bh(&q->tx_lock);
}

/**
 * xen_vif_tx_release_all() - the connection ends: give every tx grant up
 * @q: the queue, its interrupts unbound
 *
 * A grant the backend still maps is ended, and its page freed, by the
 * grant table once the backend lets go (gnttab_end_foreign_access()).
 * Process context.
 *
 * Return: the grants the backend still held.
 */
unsigned int xen_vif_tx_release_all(struct xen_vif_queue *q)
{
	unsigned int id, n = 0;

	for_each_set_bit(id, q->tx_in_use, XEN_VIF_TX_RING_SIZE) {
		struct xen_vif_tx_buf *b = &q->tx_bufs[id];

		if (b->skb) {
			get_page(b->page);
			dev_kfree_skb_any(b->skb);
		}
		if (gnttab_try_end_foreign_access(b->gref)) {
			put_page(b->page);
		} else {
			/* Ended, and the page freed, once the backend lets go. */
			gnttab_end_foreign_access(b->gref, b->page);
			n++;
		}
		b->skb = NULL;
		b->page = NULL;
		b->gref = INVALID_GRANT_REF;
	}
	bitmap_zero(q->tx_in_use, XEN_VIF_TX_RING_SIZE);
	gnttab_free_grant_references(q->tx_gref_head);
	return n;
}
