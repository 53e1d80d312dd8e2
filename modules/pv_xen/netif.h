/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pv_xen's netif front-end: what netif_xenbus.c (xenbus, connection),
 * netif.c (queues, pv_net_ops), netif_tx.c and netif_rx.c share.
 */
#ifndef _PV_XEN_NETIF_H
#define _PV_XEN_NETIF_H

#include <linux/bitmap.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/interface/io/netif.h>
#include <pv/net.h>
#include "netif_proto.h"

/* One page per ring: the sizes netback expects without multi-page rings. */
#define XEN_VIF_TX_RING_SIZE	__CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE)
#define XEN_VIF_RX_RING_SIZE	__CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE)

#define XEN_VIF_MAX_QUEUES	16

/*
 * Data slots netback takes in one tx packet (XEN_NETBK_LEGACY_SLOTS_MAX:
 * more are dropped, 20 and more disable the interface).
 */
#define XEN_VIF_TX_MAX_SLOTS	XEN_NETIF_NR_SLOTS_MIN

/* Free ring slots below which the queue stops: a packet and its GSO extra. */
#define XEN_VIF_TX_STOP		(XEN_VIF_TX_MAX_SLOTS + 1)

/* Bytes of a received packet copied into the skb's head; the rest stays in its pages. */
#define XEN_VIF_RX_COPY		256

/**
 * struct xen_vif_tx_buf - a tx data slot in flight, by id
 * @skb: the packet; each slot of a packet holds a reference. NULL once
 *	close() let the packet go while the backend still held the grant.
 * @page: the page granted
 * @gref: its grant
 */
struct xen_vif_tx_buf {
	struct sk_buff *skb;
	struct page *page;
	grant_ref_t gref;
};

/**
 * struct xen_vif_rx_buf - an rx buffer posted to the backend, by id
 * @page: the page, granted writable; NULL when the slot holds none
 * @gref: its grant
 */
struct xen_vif_rx_buf {
	struct page *page;
	grant_ref_t gref;
};

/* Counters shown by ethtool -S (summed over queues); see netif.c. */
struct xen_vif_stats {
	u64 tx_linearized;
	u64 tx_copied;
	u64 tx_csum_fallback;
	u64 tx_sw_gso;
	u64 tx_dropped;
	u64 tx_ring_full;
	u64 tx_backend_errors;
	u64 rx_backend_errors;
	u64 rx_oversize;
	u64 rx_dropped;
	u64 rx_alloc_errors;
	u64 rx_gso;
	u64 rx_csum_fixups;
	u64 protocol_errors;
	u64 spurious_irqs;
};

/* Bits in xen_vif_queue::eoi_pending: interrupts waiting for their late EOI. */
enum {
	XEN_VIF_EOI_TX,		/* the tx channel, or the only one */
	XEN_VIF_EOI_RX,		/* the rx channel when split */
};

struct xen_vif;

/**
 * struct xen_vif_queue - one queue pair: a tx ring and an rx ring
 * @vif: the interface
 * @id: queue number
 * @active: interrupts go to pv_net's NAPI (between open() and close());
 *	read in the interrupt handlers, which close() synchronises with
 * @eoi_pending: XEN_VIF_EOI_* bits; the handler sets them, irq_enable()
 *	and close() issue the late EOI
 * @tx_evtchn: tx event channel (the only one without split channels)
 * @rx_evtchn: rx event channel (== @tx_evtchn without split channels)
 * @tx_irq: its interrupt
 * @rx_irq: its interrupt (== @tx_irq without split channels)
 * @irq_name: names for /proc/interrupts
 * @tx_lock: serialises xmit (netdev tx queue lock held) against tx
 *	completion reaping (NAPI, close) for the tx fields below
 * @tx: the tx front ring
 * @tx_ring_ref: grant of the tx ring page
 * @tx_gref_head: grant references reserved for tx slots
 * @tx_bufs: data slots in flight, by id
 * @tx_free_ids: stack of unused ids
 * @tx_nr_free: ids on it
 * @tx_in_use: ids in flight
 * @tx_nulls_pending: extra-info slots awaiting their NULL response
 * @tx_stopped: pv_net_tx_stop() was called and tx_wake() not yet
 * @rx: the rx front ring; the rx fields are only touched by NAPI poll and
 *	by open/close/teardown (NAPI off), so they need no lock
 * @rx_ring_ref: grant of the rx ring page
 * @rx_gref_head: grant references reserved for rx buffers
 * @rx_bufs: posted buffers, by id (ring index modulo the ring size)
 * @rx_state: the packet being parsed
 * @rx_skb: the packet being assembled
 * @rx_drop: the packet being parsed is dropped (no memory, or close()
 *	came in the middle of it)
 * @stats: counters, read without locks; xmit, NAPI and the interrupt
 *	handlers write their own (spurious_irqs may miss a count when the tx
 *	and rx handlers race on two CPUs)
 */
struct xen_vif_queue {
	struct xen_vif *vif;
	u16 id;
	bool active;
	unsigned long eoi_pending;
	evtchn_port_t tx_evtchn;
	evtchn_port_t rx_evtchn;
	int tx_irq;
	int rx_irq;
	char irq_name[2][32];

	spinlock_t tx_lock;
	struct xen_netif_tx_front_ring tx;
	grant_ref_t tx_ring_ref;
	grant_ref_t tx_gref_head;
	struct xen_vif_tx_buf tx_bufs[XEN_VIF_TX_RING_SIZE];
	u16 tx_free_ids[XEN_VIF_TX_RING_SIZE];
	u32 tx_nr_free;
	DECLARE_BITMAP(tx_in_use, XEN_VIF_TX_RING_SIZE);
	u32 tx_nulls_pending;
	bool tx_stopped;

	struct xen_netif_rx_front_ring rx;
	grant_ref_t rx_ring_ref;
	grant_ref_t rx_gref_head;
	struct xen_vif_rx_buf rx_bufs[XEN_VIF_RX_RING_SIZE];
	struct xen_netif_rx_state rx_state;
	struct sk_buff *rx_skb;
	bool rx_drop;

	struct xen_vif_stats stats;
};

/**
 * struct xen_vif - one vif: a xenbus device and, while connected, its pv
 *	network device
 * @xdev: the xenbus device
 * @pdev: the pv device, between connect and disconnect
 * @mac: the address from the vif's "mac" node
 * @neg: what the connection negotiated
 * @nr_queues: queue pairs, between connect and disconnect
 * @queues: @nr_queues of them
 * @link_lock: protects @open and @backend_up and orders the link reports
 *	made under it; any context
 * @open: pv_net opened the device
 * @backend_up: the backend is Connected (the carrier)
 * @rxcsum: report the backend's checksum validation (NETIF_F_RXCSUM)
 * @link_events: carrier changes
 *
 * Connect, disconnect, probe and remove run from xenbus (the xenwatch
 * thread, or remove after xenbus stopped the watch), never concurrently.
 */
struct xen_vif {
	struct xenbus_device *xdev;
	struct pv_device *pdev;
	u8 mac[ETH_ALEN];
	struct xen_netif_negotiated neg;
	unsigned int nr_queues;
	struct xen_vif_queue *queues;
	spinlock_t link_lock;
	bool open;
	bool backend_up;
	bool rxcsum;
	u64 link_events;
};

/* netif.c */
extern const struct pv_net_ops xen_vif_net_ops;
void xen_vif_broken(struct xen_vif_queue *q, const char *why);
void xen_vif_set_link(struct xen_vif *vif, bool up);
int xen_vif_queue_setup(struct xen_vif *vif, struct xen_vif_queue *q);
unsigned int xen_vif_queue_teardown(struct xen_vif_queue *q);

/* netif_tx.c */
void xen_vif_tx_init(struct xen_vif_queue *q);
netdev_tx_t xen_vif_xmit(struct pv_device *pdev, u16 queue,
			 struct sk_buff *skb, bool more);
int xen_vif_tx_reap(struct xen_vif_queue *q, int budget, bool wake);
void xen_vif_tx_drain(struct xen_vif_queue *q, bool wait);
unsigned int xen_vif_tx_release_all(struct xen_vif_queue *q);

/* netif_rx.c */
unsigned int xen_vif_rx_refill(struct xen_vif_queue *q, gfp_t gfp);
int xen_vif_rx_poll(struct xen_vif_queue *q, int budget);
void xen_vif_rx_abort_packet(struct xen_vif_queue *q);
unsigned int xen_vif_rx_release_all(struct xen_vif_queue *q);

#endif /* _PV_XEN_NETIF_H */
