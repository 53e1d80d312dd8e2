// SPDX-License-Identifier: GPL-2.0
/*
 * The Xen netif front-end: one vif's queues (rings, grants, event
 * channels, interrupts) and the pv_net_ops that pv_net drives them with.
 * The xenbus side (negotiation, connection, state machine) is
 * netif_xenbus.c, transmit netif_tx.c, receive netif_rx.c.
 *
 * The rings live as long as the connection, not as long as the interface
 * is up: Xen gives no way to take a posted rx buffer back from a live
 * backend. open() and close() start and stop the interrupts' path to
 * NAPI; close() frees the packets in flight (keeping, while the backend
 * holds them, their pages).
 *
 * Interrupts use late EOI: the handler leaves the event channel masked
 * and NAPI's irq_enable() unmasks it, which is the pv_net model, and a
 * backend that floods events gets them throttled as spurious.
 */
#include <linux/err.h>
#include <linux/ethtool.h>
#include <linux/interrupt.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/xenbus.h>
#include "netif.h"

/* One grant per page: pv_xen's netif needs the kernel's pages to be Xen's. */
static_assert(PAGE_SIZE == XEN_PAGE_SIZE);
static_assert(XEN_PAGE_SIZE == XEN_NETIF_PAGE_SIZE);
/* Ids are ring indexes masked with the size: __RD32() made it a power of 2. */
static_assert((XEN_VIF_TX_RING_SIZE & (XEN_VIF_TX_RING_SIZE - 1)) == 0 &&
	      (XEN_VIF_RX_RING_SIZE & (XEN_VIF_RX_RING_SIZE - 1)) == 0);


/**
 * xen_vif_broken() - the backend broke the protocol on @q
 * @q: the queue
 * @why: for the log, once
 *
 * The device stops: xmit drops, poll returns at once, interrupts stay
 * masked. Any context.
 */
void xen_vif_broken(struct xen_vif_queue *q, const char *why)
{
	q->stats.protocol_errors++;
	pv_device_mark_broken(q->vif->pdev, why);
}

/* ---- link ---------------------------------------------------------------- */

/**
 * xen_vif_set_link() - the backend's Connected state changed
 * @vif: the vif
 * @up: the backend is Connected
 *
 * The carrier is the backend's Connected state: pv_net hears of it while
 * the device is open. Any context.
 */
void xen_vif_set_link(struct xen_vif *vif, bool up)
{
	unsigned long flags;

	spin_lock_irqsave(&vif->link_lock, flags);
	if (vif->backend_up != up) {
		vif->backend_up = up;
		vif->link_events++;
		if (vif->open)
			pv_net_link_changed(vif->pdev, up, SPEED_UNKNOWN);
	}
	spin_unlock_irqrestore(&vif->link_lock, flags);
}

/* ---- interrupts ---------------------------------------------------------- */

/*
 * The event channel stays masked until the late EOI: from irq_enable()
 * once NAPI is done, or at once when there is nothing to do (then as
 * spurious, which throttles a backend that sends events for nothing).
 */
static irqreturn_t xen_vif_handle(struct xen_vif_queue *q, int irq,
				  unsigned int eoi_bit, bool work)
{
	if (!READ_ONCE(q->active) || !work) {
		q->stats.spurious_irqs++;
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
		return IRQ_HANDLED;
	}
	set_bit(eoi_bit, &q->eoi_pending);
	pv_net_schedule(q->vif->pdev, q->id);
	return IRQ_HANDLED;
}

static irqreturn_t xen_vif_tx_interrupt(int irq, void *data)
{
	struct xen_vif_queue *q = data;

	return xen_vif_handle(q, irq, XEN_VIF_EOI_TX,
			      RING_HAS_UNCONSUMED_RESPONSES(&q->tx));
}

static irqreturn_t xen_vif_rx_interrupt(int irq, void *data)
{
	struct xen_vif_queue *q = data;

	return xen_vif_handle(q, irq, XEN_VIF_EOI_RX,
			      RING_HAS_UNCONSUMED_RESPONSES(&q->rx));
}

static irqreturn_t xen_vif_interrupt(int irq, void *data)
{
	struct xen_vif_queue *q = data;

	return xen_vif_handle(q, irq, XEN_VIF_EOI_TX,
			      RING_HAS_UNCONSUMED_RESPONSES(&q->tx) ||
			      RING_HAS_UNCONSUMED_RESPONSES(&q->rx));
}

static void xen_vif_eoi(struct xen_vif_queue *q)
{
	if (test_and_clear_bit(XEN_VIF_EOI_TX, &q->eoi_pending))
		xen_irq_lateeoi(q->tx_irq, 0);
	if (test_and_clear_bit(XEN_VIF_EOI_RX, &q->eoi_pending))
		xen_irq_lateeoi(q->rx_irq, 0);
}

/* Allocate the queue's event channel(s) and bind them. */
static int xen_vif_queue_bind(struct xen_vif *vif, struct xen_vif_queue *q)
{
	struct xenbus_device *xdev = vif->xdev;
	int err;

	err = xenbus_alloc_evtchn(xdev, &q->tx_evtchn);
	if (err)
		return err;
	if (!vif->neg.split_evtchn) {
		snprintf(q->irq_name[0], sizeof(q->irq_name[0]), "%s-q%u",
			 dev_name(&xdev->dev), q->id);
		err = bind_evtchn_to_irqhandler_lateeoi(q->tx_evtchn,
							xen_vif_interrupt, 0,
							q->irq_name[0], q);
		if (err < 0)
			goto out_free_tx;
		q->tx_irq = q->rx_irq = err;
		q->rx_evtchn = q->tx_evtchn;
		return 0;
	}

	err = xenbus_alloc_evtchn(xdev, &q->rx_evtchn);
	if (err)
		goto out_free_tx;
	snprintf(q->irq_name[0], sizeof(q->irq_name[0]), "%s-q%u-tx",
		 dev_name(&xdev->dev), q->id);
	snprintf(q->irq_name[1], sizeof(q->irq_name[1]), "%s-q%u-rx",
		 dev_name(&xdev->dev), q->id);
	err = bind_evtchn_to_irqhandler_lateeoi(q->tx_evtchn,
						xen_vif_tx_interrupt, 0,
						q->irq_name[0], q);
	if (err < 0)
		goto out_free_rx;
	q->tx_irq = err;
	err = bind_evtchn_to_irqhandler_lateeoi(q->rx_evtchn,
						xen_vif_rx_interrupt, 0,
						q->irq_name[1], q);
	if (err < 0)
		goto out_unbind_tx;
	q->rx_irq = err;
	return 0;

out_unbind_tx:
	/* Closes the tx channel too. */
	unbind_from_irqhandler(q->tx_irq, q);
	xenbus_free_evtchn(xdev, q->rx_evtchn);
	return err;
out_free_rx:
	xenbus_free_evtchn(xdev, q->rx_evtchn);
out_free_tx:
	xenbus_free_evtchn(xdev, q->tx_evtchn);
	return err;
}

/* Unbinding closes the event channels as well. */
static void xen_vif_queue_unbind(struct xen_vif_queue *q)
{
	unbind_from_irqhandler(q->tx_irq, q);
	if (q->rx_irq != q->tx_irq)
		unbind_from_irqhandler(q->rx_irq, q);
}

/* ---- queues -------------------------------------------------------------- */

/**
 * xen_vif_queue_setup() - rings, grants, event channels and rx buffers
 * @vif: the vif, negotiated
 * @q: the queue, zeroed but for @q->vif and @q->id
 *
 * Process context.
 *
 * Return: 0 or a negative errno, with nothing left behind.
 */
int xen_vif_queue_setup(struct xen_vif *vif, struct xen_vif_queue *q)
{
	struct xenbus_device *xdev = vif->xdev;
	struct xen_netif_tx_sring *txs;
	struct xen_netif_rx_sring *rxs;
	unsigned int i;
	int err;

	for (i = 0; i < XEN_VIF_RX_RING_SIZE; i++)
		q->rx_bufs[i].gref = INVALID_GRANT_REF;
	err = gnttab_alloc_grant_references(XEN_VIF_TX_RING_SIZE,
					    &q->tx_gref_head);
	if (err)
		return err;
	err = gnttab_alloc_grant_references(XEN_VIF_RX_RING_SIZE,
					    &q->rx_gref_head);
	if (err)
		goto out_free_tx_grefs;
	err = xenbus_setup_ring(xdev, GFP_KERNEL, (void **)&txs, 1,
				&q->tx_ring_ref);
	if (err)
		goto out_free_rx_grefs;
	XEN_FRONT_RING_INIT(&q->tx, txs, XEN_PAGE_SIZE);
	err = xenbus_setup_ring(xdev, GFP_KERNEL, (void **)&rxs, 1,
				&q->rx_ring_ref);
	if (err)
		goto out_free_tx_ring;
	XEN_FRONT_RING_INIT(&q->rx, rxs, XEN_PAGE_SIZE);
	xen_vif_tx_init(q);
	xen_netif_rx_reset(&q->rx_state);
	err = xen_vif_queue_bind(vif, q);
	if (err)
		goto out_free_rx_ring;
	if (!xen_vif_rx_refill(q, GFP_KERNEL)) {
		err = -ENOMEM;
		goto out_unbind;
	}
	return 0;

out_unbind:
	xen_vif_queue_unbind(q);
out_free_rx_ring:
	xenbus_teardown_ring((void **)&q->rx.sring, 1, &q->rx_ring_ref);
out_free_tx_ring:
	xenbus_teardown_ring((void **)&q->tx.sring, 1, &q->tx_ring_ref);
out_free_rx_grefs:
	gnttab_free_grant_references(q->rx_gref_head);
out_free_tx_grefs:
	gnttab_free_grant_references(q->tx_gref_head);
	return err;
}

/**
 * xen_vif_queue_teardown() - undo xen_vif_queue_setup()
 * @q: the queue, no longer used by pv_net
 *
 * Process context.
 *
 * Return: buffers the backend still held; their grants end, and their
 * pages are freed, once it lets go.
 */
unsigned int xen_vif_queue_teardown(struct xen_vif_queue *q)
{
	unsigned int held;

	xen_vif_queue_unbind(q);
	held = xen_vif_tx_release_all(q);
	held += xen_vif_rx_release_all(q);
	xenbus_teardown_ring((void **)&q->rx.sring, 1, &q->rx_ring_ref);
	xenbus_teardown_ring((void **)&q->tx.sring, 1, &q->tx_ring_ref);
	return held;
}

/* ---- pv_net_ops ---------------------------------------------------------- */

static int xen_vif_get_config(struct pv_device *pdev, struct pv_net_config *cfg)
{
	struct xen_vif *vif = pdev->backend_priv;
	unsigned long flags;

	ether_addr_copy(cfg->mac, vif->mac);
	cfg->mtu = ETH_DATA_LEN;
	cfg->min_mtu = ETH_MIN_MTU;
	/* Without scatter-gather the backend takes one page per packet. */
	cfg->max_mtu = vif->neg.sg ? XEN_NETIF_MAX_TX_SIZE - ETH_HLEN :
				     ETH_DATA_LEN;
	cfg->nr_queues = vif->nr_queues;
	cfg->rx_ring_size = XEN_VIF_RX_RING_SIZE;
	cfg->tx_ring_size = XEN_VIF_TX_RING_SIZE;
	cfg->speed = SPEED_UNKNOWN;
	/* The first tx slot carries the packet's length in 16 bits. */
	cfg->tso_max_size = XEN_NETIF_MAX_TX_SIZE;
	spin_lock_irqsave(&vif->link_lock, flags);
	cfg->link_up = vif->backend_up;
	spin_unlock_irqrestore(&vif->link_lock, flags);
	return 0;
}

static int xen_vif_open(struct pv_device *pdev, u16 nr_queues, u32 mtu)
{
	struct xen_vif *vif = pdev->backend_priv;
	unsigned long flags;
	unsigned int i;

	if (nr_queues != vif->nr_queues)
		return -EINVAL;
	if (pv_device_is_broken(pdev))
		return -EIO;
	for (i = 0; i < vif->nr_queues; i++) {
		struct xen_vif_queue *q = &vif->queues[i];

		spin_lock_bh(&q->tx_lock);
		q->tx_stopped = false;
		spin_unlock_bh(&q->tx_lock);
		WRITE_ONCE(q->active, true);
	}
	spin_lock_irqsave(&vif->link_lock, flags);
	vif->open = true;
	pv_net_link_changed(pdev, vif->backend_up, SPEED_UNKNOWN);
	spin_unlock_irqrestore(&vif->link_lock, flags);
	/*
	 * Responses that came while closed had their events acknowledged:
	 * poll once. With BHs off, so that NAPI runs at local_bh_enable().
	 */
	local_bh_disable();
	for (i = 0; i < vif->nr_queues; i++)
		pv_net_schedule(pdev, i);
	local_bh_enable();
	return 0;
}

static void xen_vif_close(struct pv_device *pdev)
{
	struct xen_vif *vif = pdev->backend_priv;
	bool broken = pv_device_is_broken(pdev);
	unsigned long flags;
	bool backend_up;
	unsigned int i;

	spin_lock_irqsave(&vif->link_lock, flags);
	vif->open = false;
	backend_up = vif->backend_up;
	spin_unlock_irqrestore(&vif->link_lock, flags);

	for (i = 0; i < vif->nr_queues; i++) {
		struct xen_vif_queue *q = &vif->queues[i];

		WRITE_ONCE(q->active, false);
		/* No handler calls pv_net_schedule() after this. */
		synchronize_irq(q->tx_irq);
		if (q->rx_irq != q->tx_irq)
			synchronize_irq(q->rx_irq);
		/* A broken device keeps its channels masked. */
		if (!broken)
			xen_vif_eoi(q);
		xen_vif_tx_drain(q, backend_up && !broken);
		xen_vif_rx_abort_packet(q);
	}
}

static int xen_vif_poll(struct pv_device *pdev, u16 queue, int budget)
{
	struct xen_vif *vif = pdev->backend_priv;
	struct xen_vif_queue *q;
	int tx_more, done;

	if (queue >= vif->nr_queues || pv_device_is_broken(pdev))
		return 0;
	q = &vif->queues[queue];
	tx_more = xen_vif_tx_reap(q, budget, true);
	if (tx_more < 0) {
		xen_vif_broken(q, "bad tx response");
		return 0;
	}
	done = xen_vif_rx_poll(q, budget);
	if (tx_more && !pv_device_is_broken(pdev))
		return budget;
	return done;
}

static void xen_vif_irq_enable(struct pv_device *pdev, u16 queue)
{
	struct xen_vif *vif = pdev->backend_priv;

	if (queue < vif->nr_queues && !pv_device_is_broken(pdev))
		xen_vif_eoi(&vif->queues[queue]);
}

/* The rings do not depend on the MTU: nothing to do. */
static int xen_vif_set_mtu(struct pv_device *pdev, u32 mtu)
{
	return 0;
}

static int xen_vif_set_features(struct pv_device *pdev,
				netdev_features_t features)
{
	struct xen_vif *vif = pdev->backend_priv;

	WRITE_ONCE(vif->rxcsum, !!(features & NETIF_F_RXCSUM));
	return 0;
}

static const char xen_vif_stat_names[][ETH_GSTRING_LEN] = {
	"xen_tx_linearized",
	"xen_tx_copied",
	"xen_tx_csum_fallback",
	"xen_tx_sw_gso",
	"xen_tx_dropped",
	"xen_tx_ring_full",
	"xen_tx_backend_errors",
	"xen_rx_backend_errors",
	"xen_rx_oversize",
	"xen_rx_dropped",
	"xen_rx_alloc_errors",
	"xen_rx_gso",
	"xen_rx_csum_fixups",
	"xen_protocol_errors",
	"xen_spurious_irqs",
	"xen_link_events",
};

#define XEN_VIF_NR_QSTATS	(sizeof(struct xen_vif_stats) / sizeof(u64))
static_assert(ARRAY_SIZE(xen_vif_stat_names) == XEN_VIF_NR_QSTATS + 1);

static int xen_vif_get_stats_count(struct pv_device *pdev)
{
	return ARRAY_SIZE(xen_vif_stat_names);
}

static void xen_vif_get_stats_strings(struct pv_device *pdev, u8 *data)
{
	memcpy(data, xen_vif_stat_names, sizeof(xen_vif_stat_names));
}

/* Sums over the queues; each counter has one writer, read unlocked. */
static void xen_vif_get_stats(struct pv_device *pdev, u64 *data)
{
	struct xen_vif *vif = pdev->backend_priv;
	unsigned int i, j;

	memset(data, 0, sizeof(xen_vif_stat_names) / ETH_GSTRING_LEN * sizeof(u64));
	for (i = 0; i < vif->nr_queues; i++) {
		const u64 *s = (const u64 *)&vif->queues[i].stats;

		for (j = 0; j < XEN_VIF_NR_QSTATS; j++)
			data[j] += READ_ONCE(s[j]);
	}
	data[XEN_VIF_NR_QSTATS] = READ_ONCE(vif->link_events);
}

/*
 * No set_mac_address (the toolstack fixes the address), set_rx_mode
 * (netif has no receive filter: netback delivers whatever reaches the
 * vif) or reset (the rings stay granted to netback until a new xenbus
 * handshake, which a stalled netback would not join): docs/xen.md.
 */
const struct pv_net_ops xen_vif_net_ops = {
	.get_config		= xen_vif_get_config,
	.open			= xen_vif_open,
	.close			= xen_vif_close,
	.xmit			= xen_vif_xmit,
	.poll			= xen_vif_poll,
	.irq_enable		= xen_vif_irq_enable,
	.set_mtu		= xen_vif_set_mtu,
	.set_features		= xen_vif_set_features,
	.get_stats_count	= xen_vif_get_stats_count,
	.get_stats_strings	= xen_vif_get_stats_strings,
	.get_stats		= xen_vif_get_stats,
};
