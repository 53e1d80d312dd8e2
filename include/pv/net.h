/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pv network class: what a backend provides so that pv_net can put a
 * netdev with NAPI on top of it.
 *
 * The model fits paired tx/rx rings with one interrupt per pair (VMXNET3,
 * Xen netif, virtio-net): pv_net owns the net_device and one NAPI context
 * per queue pair. The backend's interrupt handler masks the queue's
 * interrupt and calls pv_net_schedule(); pv_net's NAPI poll calls the
 * backend's poll op, which reaps tx completions and hands received skbs up
 * through pv_net_receive(); when the budget was not used up pv_net calls
 * irq_enable().
 */
#ifndef _PV_NET_H
#define _PV_NET_H

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <pv/pv.h>

/* pv_device::features bits of a network device. */
#define PV_NET_F_TX_CSUM	BIT_ULL(0)	/* checksums partial tx packets, any start/offset */
#define PV_NET_F_RX_CSUM	BIT_ULL(1)	/* validates rx checksums */
#define PV_NET_F_TSO		BIT_ULL(2)	/* segments TCPv4 */
#define PV_NET_F_TSO6		BIT_ULL(3)	/* segments TCPv6 */
#define PV_NET_F_LRO		BIT_ULL(4)	/* aggregates rx */
#define PV_NET_F_SG		BIT_ULL(5)	/* tx scatter-gather */
#define PV_NET_F_MQ		BIT_ULL(6)	/* more than one queue pair */
#define PV_NET_F_MTU		BIT_ULL(7)	/* MTU can be changed */

/* pv_net_ops::set_rx_mode() flags (pv ABI 3.2). */
#define PV_NET_RX_PROMISC	BIT(0)	/* every frame, whatever its address */
#define PV_NET_RX_ALLMULTI	BIT(1)	/* every multicast frame */

/*
 * PV_NET_F_TX_CSUM is NETIF_F_HW_CSUM: the backend takes CHECKSUM_PARTIAL
 * packets with any csum_start/csum_offset and falls back to
 * skb_checksum_help() for those its host cannot do. TSO/TSO6 are only used
 * together with SG and TX_CSUM.
 */

/**
 * struct pv_net_config - a network device's parameters
 * @mac: permanent MAC address
 * @mtu: MTU to start with; 0 means ETH_DATA_LEN
 * @min_mtu: smallest MTU; 0 means ETH_MIN_MTU
 * @max_mtu: largest MTU; 0 means ETH_DATA_LEN
 * @nr_queues: queue pairs, >= 1
 * @rx_ring_size: rx descriptors per queue
 * @tx_ring_size: tx descriptors per queue
 * @max_rx_ring_size: largest rx ring set_ringparam() accepts; 0: fixed
 * @max_tx_ring_size: likewise for tx
 * @speed: link speed in Mb/s, SPEED_UNKNOWN when the host does not say
 * @link_up: carrier at open
 * @tso_max_size: largest GSO packet the device takes, bytes (Xen netif
 *	carries lengths in 16 bits); 0 means no limit beyond the stack's
 *
 * Filled by pv_net_ops::get_config(); the front-end zeroes it first. A
 * later minor adds members only in the reserved space, with 0 meaning what
 * the older release did.
 */
struct pv_net_config {
	u8 mac[ETH_ALEN];
	u32 mtu;
	u32 min_mtu;
	u32 max_mtu;
	u16 nr_queues;
	u16 rx_ring_size;
	u16 tx_ring_size;
	u16 max_rx_ring_size;
	u16 max_tx_ring_size;
	u32 speed;
	bool link_up;
	u32 tso_max_size;
	PV_ABI_RESERVE(1)
	PV_ABI_RESERVE(2)
	PV_ABI_RESERVE(3)
	PV_ABI_RESERVE(4)
};

/**
 * struct pv_net_callbacks - how a backend reaches the front-end
 * @schedule: queue pair @queue has work; the backend has masked its
 *	interrupt. Any context, including hard interrupt.
 * @receive: hand a received packet up, from within poll() only. The
 *	backend has set the skb's length, checksum state and GSO fields; the
 *	front-end sets the protocol and feeds GRO.
 * @tx_stop: the tx ring of @queue is full; stop feeding it. From xmit().
 * @tx_wake: the tx ring of @queue has room again. From poll().
 * @link_changed: the carrier changed; any context.
 *
 * A later minor appends callbacks; a backend calls those only when
 * pv_net_has_cb() says the front-end has them.
 */
struct pv_net_callbacks {
	void (*schedule)(struct pv_device *pdev, u16 queue);
	void (*receive)(struct pv_device *pdev, u16 queue, struct sk_buff *skb);
	void (*tx_stop)(struct pv_device *pdev, u16 queue);
	void (*tx_wake)(struct pv_device *pdev, u16 queue);
	void (*link_changed)(struct pv_device *pdev, bool up, u32 speed);
};

/**
 * struct pv_net_ops - network class ops, implemented by a backend
 * @get_config: fill @cfg. Required. Process context, may sleep.
 * @open: allocate and post the rings of @nr_queues queue pairs with the
 *	given MTU, enable interrupts; callbacks may start at once, and the
 *	backend reports the carrier through link_changed() before it
 *	returns. The rx buffers take at least ETH_DATA_LEN-sized frames
 *	whatever the MTU. Required. Process context with RTNL held, may
 *	sleep.
 * @close: disable interrupts, free the rings and every skb in them; no
 *	callbacks after return. The front-end has disabled NAPI and the tx
 *	queues before. Required. Process context with RTNL held.
 * @xmit: put @skb on tx queue @queue. Required. Softirq context with the
 *	tx queue's lock held. @more is true when another packet follows at
 *	once (the backend may delay the doorbell). Returns NETDEV_TX_OK (the
 *	skb is the backend's, even if it dropped it) or NETDEV_TX_BUSY.
 * @poll: reap tx completions and receive at most @budget packets on queue
 *	pair @queue. Required. Softirq (NAPI) context. Returns packets
 *	received.
 * @irq_enable: unmask the interrupt of queue pair @queue. Required. Softirq
 *	context.
 * @set_mtu: change the MTU while open. Optional: without it the front-end
 *	closes and reopens the queues with the new MTU. Process context,
 *	RTNL held.
 * @set_features: apply offload settings (NETIF_F_* bits): once right after
 *	the front-end registered the interface, with the features it starts
 *	with, then on every change (ethtool -K). Optional. Process context,
 *	RTNL held.
 * @set_ring_size: set the ring sizes for the next open(); called while
 *	closed (the front-end closes and reopens a running interface around
 *	it). Returns -EINVAL for sizes the device cannot take. Optional.
 *	Process context, RTNL held.
 * @get_stats_count: number of backend-specific ethtool -S counters.
 *	Optional. Process context.
 * @get_stats_strings: their names, ETH_GSTRING_LEN bytes each. Optional.
 * @get_stats: their values. Optional. Process context.
 * @set_mac_address: make @mac (valid unicast, ETH_ALEN bytes) the address
 *	the device sends from and receives for, open or closed. Optional
 *	(since pv ABI 3.1): without it the address cannot change. Process
 *	context, RTNL held.
 * @set_rx_mode: make the device deliver, besides frames to its own address
 *	and broadcasts, every frame (@flags has PV_NET_RX_PROMISC), every
 *	multicast frame (PV_NET_RX_ALLMULTI), or the multicast frames to the
 *	@mc_count addresses at @mc_list (ETH_ALEN bytes each; the list is the
 *	front-end's, valid during the call only). A backend whose device has
 *	room for fewer addresses delivers all multicast frames instead.
 *	The mode lasts until close(): open() and reset() start from the
 *	device's own filter (what it did before pv ABI 3.2), and the
 *	front-end calls set_rx_mode() again after each; a call while closed
 *	may be ignored. Optional (since pv ABI 3.2): without it the device
 *	always filters its own way (no promiscuous mode). Process context,
 *	RTNL held, may sleep: pv_net calls it from a work item that
 *	ndo_set_rx_mode (atomic, under the address list lock) schedules, so
 *	the device follows a change shortly after the stack made it, with the
 *	state current when the work runs.
 * @reset: recover a device whose tx queue stopped making progress (the tx
 *	watchdog fired): discard every packet in flight and every rx buffer,
 *	reset the device, and set the rings up again as open() does, with the
 *	same queue pairs and MTU; report the carrier through link_changed()
 *	again. Returns 0, or a negative errno with the device left closed as
 *	after close() (pv_net then takes the interface down). Optional (since
 *	pv ABI 3.2): without it pv_net has no tx watchdog (no ndo_tx_timeout).
 *	Process context, RTNL held, may sleep: pv_net calls it from a work
 *	item that ndo_tx_timeout (softirq, tx locks held) schedules, only
 *	while open, with NAPI disabled and the tx queues stopped; callbacks
 *	may start again before it returns.
 *
 * A later minor appends ops; the wrappers treat an op beyond the backend's
 * table (pv_device::ops_size) as absent.
 */
struct pv_net_ops {
	int (*get_config)(struct pv_device *pdev, struct pv_net_config *cfg);
	int (*open)(struct pv_device *pdev, u16 nr_queues, u32 mtu);
	void (*close)(struct pv_device *pdev);
	netdev_tx_t (*xmit)(struct pv_device *pdev, u16 queue,
			    struct sk_buff *skb, bool more);
	int (*poll)(struct pv_device *pdev, u16 queue, int budget);
	void (*irq_enable)(struct pv_device *pdev, u16 queue);
	int (*set_mtu)(struct pv_device *pdev, u32 mtu);
	int (*set_features)(struct pv_device *pdev, netdev_features_t features);
	int (*set_ring_size)(struct pv_device *pdev, u16 rx, u16 tx);
	int (*get_stats_count)(struct pv_device *pdev);
	void (*get_stats_strings)(struct pv_device *pdev, u8 *data);
	void (*get_stats)(struct pv_device *pdev, u64 *data);
	/* pv ABI 3.1 */
	PV_ABI_EXTEND(int (*set_mac_address)(struct pv_device *pdev,
					     const u8 *mac))
	/* pv ABI 3.2 */
	PV_ABI_EXTEND(int (*set_rx_mode)(struct pv_device *pdev,
					 unsigned int flags, const u8 *mc_list,
					 unsigned int mc_count))
	PV_ABI_EXTEND(int (*reset)(struct pv_device *pdev))
};

#define pv_net_has_op(pdev, op)						\
	pv_table_has((pdev)->ops.net, (pdev)->ops_size, struct pv_net_ops, op)
#define pv_net_has_cb(pdev, callback)					\
	pv_table_has((pdev)->cb.net, (pdev)->cb_size,			\
		     struct pv_net_callbacks, callback)

static inline int pv_net_get_config(struct pv_device *pdev,
				    struct pv_net_config *cfg)
{
	might_sleep();
	memset(cfg, 0, sizeof(*cfg));
	return pdev->ops.net->get_config(pdev, cfg);
}

static inline int pv_net_open(struct pv_device *pdev,
			      const struct pv_net_callbacks *cb,
			      u16 nr_queues, u32 mtu)
{
	might_sleep();
	pdev->cb.net = cb;
	pdev->cb_size = sizeof(*cb);
	return pdev->ops.net->open(pdev, nr_queues, mtu);
}

static inline void pv_net_close(struct pv_device *pdev)
{
	might_sleep();
	pdev->ops.net->close(pdev);
}

static inline netdev_tx_t pv_net_xmit(struct pv_device *pdev, u16 queue,
				      struct sk_buff *skb, bool more)
{
	return pdev->ops.net->xmit(pdev, queue, skb, more);
}

static inline int pv_net_poll(struct pv_device *pdev, u16 queue, int budget)
{
	return pdev->ops.net->poll(pdev, queue, budget);
}

static inline void pv_net_irq_enable(struct pv_device *pdev, u16 queue)
{
	pdev->ops.net->irq_enable(pdev, queue);
}

static inline int pv_net_set_mtu(struct pv_device *pdev, u32 mtu)
{
	might_sleep();
	if (!pv_net_has_op(pdev, set_mtu))
		return -EOPNOTSUPP;
	return pdev->ops.net->set_mtu(pdev, mtu);
}

static inline int pv_net_set_features(struct pv_device *pdev,
				      netdev_features_t features)
{
	might_sleep();
	if (!pv_net_has_op(pdev, set_features))
		return 0;
	return pdev->ops.net->set_features(pdev, features);
}

static inline int pv_net_set_ring_size(struct pv_device *pdev, u16 rx, u16 tx)
{
	might_sleep();
	if (!pv_net_has_op(pdev, set_ring_size))
		return -EOPNOTSUPP;
	return pdev->ops.net->set_ring_size(pdev, rx, tx);
}

static inline bool pv_net_can_set_mac_address(struct pv_device *pdev)
{
	return pv_net_has_op(pdev, set_mac_address);
}

static inline int pv_net_set_mac_address(struct pv_device *pdev,
					 const u8 *mac)
{
	might_sleep();
	if (!pv_net_can_set_mac_address(pdev))
		return -EOPNOTSUPP;
	return pdev->ops.net->set_mac_address(pdev, mac);
}

static inline bool pv_net_can_set_rx_mode(struct pv_device *pdev)
{
	return pv_net_has_op(pdev, set_rx_mode);
}

static inline int pv_net_set_rx_mode(struct pv_device *pdev,
				     unsigned int flags, const u8 *mc_list,
				     unsigned int mc_count)
{
	might_sleep();
	if (!pv_net_can_set_rx_mode(pdev))
		return -EOPNOTSUPP;
	return pdev->ops.net->set_rx_mode(pdev, flags, mc_list, mc_count);
}

static inline bool pv_net_can_reset(struct pv_device *pdev)
{
	return pv_net_has_op(pdev, reset);
}

static inline int pv_net_reset(struct pv_device *pdev)
{
	might_sleep();
	if (!pv_net_can_reset(pdev))
		return -EOPNOTSUPP;
	return pdev->ops.net->reset(pdev);
}

static inline int pv_net_get_stats_count(struct pv_device *pdev)
{
	if (!pv_net_has_op(pdev, get_stats_count))
		return 0;
	return pdev->ops.net->get_stats_count(pdev);
}

static inline void pv_net_get_stats_strings(struct pv_device *pdev, u8 *data)
{
	if (pv_net_has_op(pdev, get_stats_strings))
		pdev->ops.net->get_stats_strings(pdev, data);
}

static inline void pv_net_get_stats(struct pv_device *pdev, u64 *data)
{
	if (pv_net_has_op(pdev, get_stats))
		pdev->ops.net->get_stats(pdev, data);
}

/* Backend side: valid between open() and the return of close(). */
static inline void pv_net_schedule(struct pv_device *pdev, u16 queue)
{
	pdev->cb.net->schedule(pdev, queue);
}

static inline void pv_net_receive(struct pv_device *pdev, u16 queue,
				  struct sk_buff *skb)
{
	pdev->cb.net->receive(pdev, queue, skb);
}

static inline void pv_net_tx_stop(struct pv_device *pdev, u16 queue)
{
	pdev->cb.net->tx_stop(pdev, queue);
}

static inline void pv_net_tx_wake(struct pv_device *pdev, u16 queue)
{
	pdev->cb.net->tx_wake(pdev, queue);
}

static inline void pv_net_link_changed(struct pv_device *pdev, bool up,
				       u32 speed)
{
	pdev->cb.net->link_changed(pdev, up, speed);
}

#endif /* _PV_NET_H */
