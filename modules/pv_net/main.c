// SPDX-License-Identifier: GPL-2.0
/*
 * pv_net: a net_device on a pv network device.
 *
 * The backend owns the rings; this module owns the net_device, one NAPI
 * context per queue pair, the offload flags, the counters the stack sees
 * and ethtool. Each NAPI poll calls the backend's poll op, which reaps tx
 * completions and hands received packets back through pv_net_receive().
 */
#include <linux/ethtool.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/u64_stats_sync.h>
#include <pv/net.h>

/**
 * struct pv_net_queue - one queue pair as the front-end sees it
 * @napi: its NAPI context
 * @pn: the interface
 * @index: queue pair number
 * @rx_syncp: guards the NAPI-side counters (@rx_packets, @rx_bytes,
 *	@tx_wakes) for 32-bit readers; written only from this queue's poll
 * @tx_syncp: guards the xmit-side counters (@tx_packets, @tx_bytes,
 *	@tx_busy, @tx_stops, @tx_dropped); written only under the tx queue's
 *	lock. A u64_stats_sync has one writer at a time: poll and xmit run
 *	concurrently on different CPUs, so each side has its own.
 * @rx_packets: packets handed to the stack (NAPI context)
 * @rx_bytes: their bytes
 * @tx_wakes: the backend woke the queue (from poll)
 * @tx_packets: packets the backend accepted (tx queue lock)
 * @tx_bytes: their bytes
 * @tx_busy: xmit returned NETDEV_TX_BUSY
 * @tx_stops: the backend stopped the queue (from xmit)
 * @tx_dropped: packets dropped because the device is broken
 */
struct pv_net_queue {
	struct napi_struct napi;
	struct pv_net *pn;
	u16 index;
	struct u64_stats_sync rx_syncp;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_wakes;
	struct u64_stats_sync tx_syncp;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t tx_busy;
	u64_stats_t tx_stops;
	u64_stats_t tx_dropped;
} ____cacheline_aligned_in_smp;

/* ethtool -S names of the per-queue counters. */
static const char *const pv_net_queue_stats[] = {
	"rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
	"tx_busy", "tx_stops", "tx_wakes", "tx_dropped",
};

#define PV_NET_QSTATS	ARRAY_SIZE(pv_net_queue_stats)

/**
 * struct pv_net - one interface
 * @netdev: the net_device
 * @pdev: the pv device under it
 * @cfg: the backend's configuration, read at probe
 * @rx_ring_size: rx descriptors per queue to open with (RTNL)
 * @tx_ring_size: tx descriptors per queue (RTNL)
 * @speed: last link speed the backend reported, Mb/s
 * @up: the backend's queues are open and NAPI enabled; written under RTNL,
 *	read locklessly by tx_wake()
 * @rx_mode_work: hands the rx mode to the backend (set_rx_mode), which
 *	may sleep; scheduled by ndo_set_rx_mode, which may not
 * @reset_work: resets the device (reset) after a tx timeout; scheduled by
 *	ndo_tx_timeout
 * @up_at_quiesce: the queues were open when quiesce() closed them, so
 *	resume() opens them again (RTNL)
 * @nr_queues: queue pairs
 * @queues: @nr_queues of them
 */
struct pv_net {
	struct net_device *netdev;
	struct pv_device *pdev;
	struct pv_net_config cfg;
	u16 rx_ring_size;
	u16 tx_ring_size;
	u32 speed;
	bool up;
	struct work_struct rx_mode_work;
	struct work_struct reset_work;
	bool up_at_quiesce;
	u16 nr_queues;
	struct pv_net_queue queues[];
};

/* ---- callbacks from the backend ------------------------------------------ */

static struct pv_net_queue *pv_net_cb_queue(struct pv_device *pdev, u16 queue)
{
	struct pv_net *pn = pdev->frontend_priv;

	if (unlikely(queue >= pn->nr_queues))
		return NULL;
	return &pn->queues[queue];
}

static void pv_net_cb_schedule(struct pv_device *pdev, u16 queue)
{
	struct pv_net_queue *q = pv_net_cb_queue(pdev, queue);

	if (q)
		napi_schedule(&q->napi);
}

static void pv_net_cb_receive(struct pv_device *pdev, u16 queue,
			      struct sk_buff *skb)
{
	struct pv_net_queue *q = pv_net_cb_queue(pdev, queue);
	struct pv_net *pn = pdev->frontend_priv;

	if (unlikely(!q)) {
		dev_kfree_skb_any(skb);
		return;
	}
	skb->protocol = eth_type_trans(skb, pn->netdev);
	skb_record_rx_queue(skb, queue);
	u64_stats_update_begin(&q->rx_syncp);
	u64_stats_inc(&q->rx_packets);
	u64_stats_add(&q->rx_bytes, skb->len + ETH_HLEN);
	u64_stats_update_end(&q->rx_syncp);
	napi_gro_receive(&q->napi, skb);
}

static void pv_net_cb_tx_stop(struct pv_device *pdev, u16 queue)
{
	struct pv_net_queue *q = pv_net_cb_queue(pdev, queue);
	struct pv_net *pn = pdev->frontend_priv;

	if (!q)
		return;
	netif_stop_subqueue(pn->netdev, queue);
	u64_stats_update_begin(&q->tx_syncp);
	u64_stats_inc(&q->tx_stops);
	u64_stats_update_end(&q->tx_syncp);
}

static void pv_net_cb_tx_wake(struct pv_device *pdev, u16 queue)
{
	struct pv_net_queue *q = pv_net_cb_queue(pdev, queue);
	struct pv_net *pn = pdev->frontend_priv;

	/*
	 * Called from poll: the tx lock of the queue is not held. While the
	 * interface goes down a last poll must not restart a queue whose
	 * rings are about to be freed.
	 */
	if (!q || !READ_ONCE(pn->up))
		return;
	netif_wake_subqueue(pn->netdev, queue);
	u64_stats_update_begin(&q->rx_syncp);
	u64_stats_inc(&q->tx_wakes);
	u64_stats_update_end(&q->rx_syncp);
}

static void pv_net_cb_link_changed(struct pv_device *pdev, bool up, u32 speed)
{
	struct pv_net *pn = pdev->frontend_priv;

	WRITE_ONCE(pn->speed, speed);
	if (up == netif_carrier_ok(pn->netdev))
		return;
	if (up) {
		netif_carrier_on(pn->netdev);
		if (speed != SPEED_UNKNOWN)
			netdev_info(pn->netdev, "link up, %u Mb/s\n", speed);
		else
			netdev_info(pn->netdev, "link up\n");
	} else {
		netif_carrier_off(pn->netdev);
		netdev_info(pn->netdev, "link down\n");
	}
}

static const struct pv_net_callbacks pv_net_callbacks = {
	.schedule	= pv_net_cb_schedule,
	.receive	= pv_net_cb_receive,
	.tx_stop	= pv_net_cb_tx_stop,
	.tx_wake	= pv_net_cb_tx_wake,
	.link_changed	= pv_net_cb_link_changed,
};

/* ---- NAPI and net_device_ops --------------------------------------------- */

static int pv_net_napi_poll(struct napi_struct *napi, int budget)
{
	struct pv_net_queue *q = container_of(napi, struct pv_net_queue, napi);
	struct pv_device *pdev = q->pn->pdev;
	int done;

	done = pv_net_poll(pdev, q->index, budget);
	if (done < budget && napi_complete_done(napi, done))
		pv_net_irq_enable(pdev, q->index);
	return min(done, budget);
}

/*
 * Have pv_net_rx_mode_work() pass the interface's rx mode to the device.
 * Any context. A backend built before pv ABI 3.2 has no set_rx_mode: its
 * device filters as it always did, and promiscuous or multicast changes do
 * not reach it.
 */
static void pv_net_queue_rx_mode(struct pv_net *pn)
{
	if (pv_net_can_set_rx_mode(pn->pdev))
		schedule_work(&pn->rx_mode_work);
}

/* Start the backend's queues and NAPI. RTNL held. */
static int pv_net_up(struct pv_net *pn)
{
	int err, i;

	/* Before the backend's open: its interrupts may come at once. */
	for (i = 0; i < pn->nr_queues; i++)
		napi_enable(&pn->queues[i].napi);
	err = pv_net_open(pn->pdev, &pv_net_callbacks, pn->nr_queues,
			  pn->netdev->mtu);
	if (err) {
		for (i = 0; i < pn->nr_queues; i++)
			napi_disable(&pn->queues[i].napi);
		return err;
	}
	WRITE_ONCE(pn->up, true);
	netif_tx_start_all_queues(pn->netdev);
	/* The device starts from its own filter: give it the interface's. */
	pv_net_queue_rx_mode(pn);
	return 0;
}

/* Stop them; the backend frees every buffer. RTNL held. */
static void pv_net_down(struct pv_net *pn)
{
	int i;

	if (!pn->up)
		return;
	WRITE_ONCE(pn->up, false);
	/*
	 * NAPI first: a poll still running on another CPU could otherwise
	 * wake a queue netif_tx_disable() had just stopped, and xmit would run
	 * into rings pv_net_close() frees. With every poll finished (and
	 * tx_wake ignoring wakes once @up is false), stopping tx is final.
	 */
	for (i = 0; i < pn->nr_queues; i++)
		napi_disable(&pn->queues[i].napi);
	netif_tx_disable(pn->netdev);
	pv_net_close(pn->pdev);
	netif_carrier_off(pn->netdev);
}

static int pv_net_ndo_open(struct net_device *netdev)
{
	struct pv_net *pn = netdev_priv(netdev);
	int err;

	if (pv_device_is_broken(pn->pdev))
		return -EIO;
	err = pv_net_up(pn);
	if (err)
		netdev_err(netdev, "cannot open the device: %d\n", err);
	return err;
}

static int pv_net_ndo_stop(struct net_device *netdev)
{
	pv_net_down(netdev_priv(netdev));
	return 0;
}

static netdev_tx_t pv_net_start_xmit(struct sk_buff *skb,
				     struct net_device *netdev)
{
	struct pv_net *pn = netdev_priv(netdev);
	u16 queue = skb_get_queue_mapping(skb);
	struct pv_net_queue *q = &pn->queues[queue];
	unsigned int len = skb->len;
	netdev_tx_t ret;

	if (unlikely(pv_device_is_broken(pn->pdev))) {
		dev_kfree_skb_any(skb);
		u64_stats_update_begin(&q->tx_syncp);
		u64_stats_inc(&q->tx_dropped);
		u64_stats_update_end(&q->tx_syncp);
		return NETDEV_TX_OK;
	}
	ret = pv_net_xmit(pn->pdev, queue, skb, netdev_xmit_more());
	u64_stats_update_begin(&q->tx_syncp);
	if (ret == NETDEV_TX_OK) {
		u64_stats_inc(&q->tx_packets);
		u64_stats_add(&q->tx_bytes, len);
	} else {
		u64_stats_inc(&q->tx_busy);
	}
	u64_stats_update_end(&q->tx_syncp);
	return ret;
}

/*
 * A backend without set_mtu gets its queues restarted with the new MTU, as
 * the rx buffers are sized for it.
 */
static int pv_net_change_mtu(struct net_device *netdev, int mtu)
{
	struct pv_net *pn = netdev_priv(netdev);
	int old = netdev->mtu, err;

	if (!netif_running(netdev)) {
		WRITE_ONCE(netdev->mtu, mtu);
		return 0;
	}
	err = pv_net_set_mtu(pn->pdev, mtu);
	if (err != -EOPNOTSUPP) {
		if (!err)
			WRITE_ONCE(netdev->mtu, mtu);
		return err;
	}

	pv_net_down(pn);
	WRITE_ONCE(netdev->mtu, mtu);
	err = pv_net_up(pn);
	if (!err)
		return 0;
	netdev_err(netdev, "cannot reopen with MTU %d: %d; back to %d\n", mtu,
		   err, old);
	WRITE_ONCE(netdev->mtu, old);
	if (pv_net_up(pn))
		dev_close(netdev);
	return err;
}

static int pv_net_ndo_set_features(struct net_device *netdev,
			       netdev_features_t features)
{
	struct pv_net *pn = netdev_priv(netdev);

	return pv_net_set_features(pn->pdev, features);
}

/*
 * A backend built before pv ABI 3.1 has no set_mac_address: the address
 * stays the device's (-EOPNOTSUPP), as it did then.
 */
static int pv_net_ndo_set_mac_address(struct net_device *netdev, void *p)
{
	struct pv_net *pn = netdev_priv(netdev);
	struct sockaddr *sa = p;
	int err;

	if (!pv_net_can_set_mac_address(pn->pdev))
		return -EOPNOTSUPP;
	err = eth_prepare_mac_addr_change(netdev, p);
	if (err)
		return err;
	err = pv_net_set_mac_address(pn->pdev, sa->sa_data);
	if (err) {
		netdev_err(netdev, "the device refused MAC address %pM: %d\n",
			   sa->sa_data, err);
		return err;
	}
	eth_commit_mac_addr_change(netdev, p);
	return 0;
}

/*
 * The device's receive filter follows the interface's flags and multicast
 * list (pv ABI 3.2). ndo_set_rx_mode runs in atomic context under the
 * address list lock and set_rx_mode may sleep, so the work hands over the
 * state current when it runs: changes in between fold into one call.
 */
static void pv_net_rx_mode_work(struct work_struct *work)
{
	struct pv_net *pn = container_of(work, struct pv_net, rx_mode_work);
	struct net_device *netdev = pn->netdev;
	struct netdev_hw_addr *ha;
	unsigned int flags = 0, n = 0, i = 0;
	u8 *list = NULL;
	int err;

	rtnl_lock();
	/* Unregistering: the device keeps whatever it had. */
	if (netdev->reg_state != NETREG_REGISTERED)
		goto out;
	if (netdev->flags & IFF_PROMISC)
		flags |= PV_NET_RX_PROMISC;
	if (netdev->flags & IFF_ALLMULTI)
		flags |= PV_NET_RX_ALLMULTI;
	netif_addr_lock_bh(netdev);
	n = netdev_mc_count(netdev);
	if (n)
		list = kmalloc_array(n, ETH_ALEN, GFP_ATOMIC);
	if (list)
		netdev_for_each_mc_addr(ha, netdev)
			memcpy(list + ETH_ALEN * i++, ha->addr, ETH_ALEN);
	netif_addr_unlock_bh(netdev);
	if (n && !list) {
		/* More frames than asked for rather than fewer. */
		flags |= PV_NET_RX_ALLMULTI;
		n = 0;
	}
	err = pv_net_set_rx_mode(pn->pdev, flags, list, n);
	if (err)
		netdev_err(netdev, "the device refused rx mode %#x with %u multicast addresses: %d\n",
			   flags, n, err);
	kfree(list);
out:
	rtnl_unlock();
}

/* ndo_set_rx_mode: atomic, under the address list lock. */
static void pv_net_ndo_set_rx_mode(struct net_device *netdev)
{
	pv_net_queue_rx_mode(netdev_priv(netdev));
}

/*
 * After a tx timeout (pv ABI 3.2): the backend's reset with NAPI and tx
 * stopped, then a poll of every queue, which answers any schedule() the
 * backend made while NAPI was disabled and unmasks the interrupts.
 */
static void pv_net_reset_work(struct work_struct *work)
{
	struct pv_net *pn = container_of(work, struct pv_net, reset_work);
	struct net_device *netdev = pn->netdev;
	int err, i;

	rtnl_lock();
	if (!pn->up || pv_device_is_broken(pn->pdev))
		goto out;
	netdev_warn(netdev, "tx timeout: resetting the device\n");
	WRITE_ONCE(pn->up, false);
	for (i = 0; i < pn->nr_queues; i++)
		napi_disable(&pn->queues[i].napi);
	netif_tx_disable(netdev);
	err = pv_net_reset(pn->pdev);
	if (err) {
		/* The backend closed the device; pv_net_down() has nothing to do. */
		netdev_err(netdev, "cannot reset the device: %d; taking the interface down\n",
			   err);
		netif_carrier_off(netdev);
		dev_close(netdev);
		goto out;
	}
	for (i = 0; i < pn->nr_queues; i++)
		napi_enable(&pn->queues[i].napi);
	WRITE_ONCE(pn->up, true);
	local_bh_disable();
	for (i = 0; i < pn->nr_queues; i++)
		napi_schedule(&pn->queues[i].napi);
	local_bh_enable();
	netif_tx_wake_all_queues(netdev);
	pv_net_queue_rx_mode(pn);
out:
	rtnl_unlock();
}

/* Softirq, tx locks held: the reset sleeps. Only with the reset op. */
static void pv_net_ndo_tx_timeout(struct net_device *netdev,
				  unsigned int queue)
{
	struct pv_net *pn = netdev_priv(netdev);

	schedule_work(&pn->reset_work);
}

static void pv_net_get_stats64(struct net_device *netdev,
			       struct rtnl_link_stats64 *s)
{
	struct pv_net *pn = netdev_priv(netdev);
	int i;

	for (i = 0; i < pn->nr_queues; i++) {
		struct pv_net_queue *q = &pn->queues[i];
		u64 rxp, rxb, txp, txb, txd;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&q->rx_syncp);
			rxp = u64_stats_read(&q->rx_packets);
			rxb = u64_stats_read(&q->rx_bytes);
		} while (u64_stats_fetch_retry(&q->rx_syncp, start));
		do {
			start = u64_stats_fetch_begin(&q->tx_syncp);
			txp = u64_stats_read(&q->tx_packets);
			txb = u64_stats_read(&q->tx_bytes);
			txd = u64_stats_read(&q->tx_dropped);
		} while (u64_stats_fetch_retry(&q->tx_syncp, start));
		s->rx_packets += rxp;
		s->rx_bytes += rxb;
		s->tx_packets += txp;
		s->tx_bytes += txb;
		s->tx_dropped += txd;
	}
}

#define PV_NET_NETDEV_OPS						\
	.ndo_open		= pv_net_ndo_open,			\
	.ndo_stop		= pv_net_ndo_stop,			\
	.ndo_start_xmit		= pv_net_start_xmit,			\
	.ndo_change_mtu		= pv_net_change_mtu,			\
	.ndo_set_features	= pv_net_ndo_set_features,		\
	.ndo_set_mac_address	= pv_net_ndo_set_mac_address,		\
	.ndo_set_rx_mode	= pv_net_ndo_set_rx_mode,		\
	.ndo_get_stats64	= pv_net_get_stats64,			\
	.ndo_validate_addr	= eth_validate_addr

/*
 * Two tables: ndo_tx_timeout arms the stack's tx watchdog, which a device
 * without the reset op (built before pv ABI 3.2) never had.
 */
static const struct net_device_ops pv_net_netdev_ops = {
	PV_NET_NETDEV_OPS,
};

static const struct net_device_ops pv_net_netdev_ops_reset = {
	PV_NET_NETDEV_OPS,
	.ndo_tx_timeout		= pv_net_ndo_tx_timeout,
};

/* ---- ethtool ------------------------------------------------------------- */

static void pv_net_get_drvinfo(struct net_device *netdev,
			       struct ethtool_drvinfo *info)
{
	struct pv_net *pn = netdev_priv(netdev);
	struct device *parent = pn->pdev->dev.parent;

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, PV_DRIVERS_VERSION, sizeof(info->version));
	strscpy(info->fw_version, pn->pdev->hv->name, sizeof(info->fw_version));
	strscpy(info->bus_info, parent ? dev_name(parent) : dev_name(&pn->pdev->dev),
		sizeof(info->bus_info));
}

static int pv_net_get_link_ksettings(struct net_device *netdev,
				     struct ethtool_link_ksettings *cmd)
{
	struct pv_net *pn = netdev_priv(netdev);

	ethtool_link_ksettings_zero_link_mode(cmd, supported);
	ethtool_link_ksettings_zero_link_mode(cmd, advertising);
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	if (netif_carrier_ok(netdev)) {
		cmd->base.speed = READ_ONCE(pn->speed);
		cmd->base.duplex = DUPLEX_FULL;
	} else {
		cmd->base.speed = SPEED_UNKNOWN;
		cmd->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

static void pv_net_get_ringparam(struct net_device *netdev,
				 struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	struct pv_net *pn = netdev_priv(netdev);

	ring->rx_max_pending = pn->cfg.max_rx_ring_size ?: pn->rx_ring_size;
	ring->tx_max_pending = pn->cfg.max_tx_ring_size ?: pn->tx_ring_size;
	ring->rx_pending = pn->rx_ring_size;
	ring->tx_pending = pn->tx_ring_size;
}

static int pv_net_set_ringparam(struct net_device *netdev,
				struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	struct pv_net *pn = netdev_priv(netdev);
	bool running = netif_running(netdev);
	int err, err2;

	if (ring->rx_mini_pending || ring->rx_jumbo_pending)
		return -EINVAL;
	if (!pn->cfg.max_rx_ring_size && !pn->cfg.max_tx_ring_size)
		return -EOPNOTSUPP;
	if (!ring->rx_pending || !ring->tx_pending ||
	    ring->rx_pending > (pn->cfg.max_rx_ring_size ?: pn->rx_ring_size) ||
	    ring->tx_pending > (pn->cfg.max_tx_ring_size ?: pn->tx_ring_size))
		return -EINVAL;
	if (ring->rx_pending == pn->rx_ring_size &&
	    ring->tx_pending == pn->tx_ring_size)
		return 0;

	if (running)
		pv_net_down(pn);
	err = pv_net_set_ring_size(pn->pdev, ring->rx_pending, ring->tx_pending);
	if (err) {
		NL_SET_ERR_MSG(extack, "ring sizes refused by the backend");
	} else {
		pn->rx_ring_size = ring->rx_pending;
		pn->tx_ring_size = ring->tx_pending;
	}
	if (running) {
		err2 = pv_net_up(pn);
		if (err2) {
			netdev_err(netdev, "cannot reopen after a ring resize: %d\n",
				   err2);
			dev_close(netdev);
			err = err ?: err2;
		}
	}
	return err;
}

static int pv_net_get_sset_count(struct net_device *netdev, int sset)
{
	struct pv_net *pn = netdev_priv(netdev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return pn->nr_queues * PV_NET_QSTATS + pv_net_get_stats_count(pn->pdev);
}

static void pv_net_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	struct pv_net *pn = netdev_priv(netdev);
	unsigned int i, j;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < pn->nr_queues; i++)
		for (j = 0; j < PV_NET_QSTATS; j++)
			ethtool_sprintf(&data, "queue_%u_%s", i,
					pv_net_queue_stats[j]);
	pv_net_get_stats_strings(pn->pdev, data);
}

static void pv_net_get_ethtool_stats(struct net_device *netdev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct pv_net *pn = netdev_priv(netdev);
	int i;

	for (i = 0; i < pn->nr_queues; i++) {
		struct pv_net_queue *q = &pn->queues[i];
		u64 v[PV_NET_QSTATS];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&q->rx_syncp);
			v[0] = u64_stats_read(&q->rx_packets);
			v[1] = u64_stats_read(&q->rx_bytes);
			v[6] = u64_stats_read(&q->tx_wakes);
		} while (u64_stats_fetch_retry(&q->rx_syncp, start));
		do {
			start = u64_stats_fetch_begin(&q->tx_syncp);
			v[2] = u64_stats_read(&q->tx_packets);
			v[3] = u64_stats_read(&q->tx_bytes);
			v[4] = u64_stats_read(&q->tx_busy);
			v[5] = u64_stats_read(&q->tx_stops);
			v[7] = u64_stats_read(&q->tx_dropped);
		} while (u64_stats_fetch_retry(&q->tx_syncp, start));
		memcpy(data, v, sizeof(v));
		data += PV_NET_QSTATS;
	}
	pv_net_get_stats(pn->pdev, data);
}

static void pv_net_get_channels(struct net_device *netdev,
				struct ethtool_channels *ch)
{
	struct pv_net *pn = netdev_priv(netdev);

	ch->max_combined = pn->nr_queues;
	ch->combined_count = pn->nr_queues;
}

static const struct ethtool_ops pv_net_ethtool_ops = {
	.get_drvinfo		= pv_net_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= pv_net_get_link_ksettings,
	.get_ringparam		= pv_net_get_ringparam,
	.set_ringparam		= pv_net_set_ringparam,
	.get_sset_count		= pv_net_get_sset_count,
	.get_strings		= pv_net_get_strings,
	.get_ethtool_stats	= pv_net_get_ethtool_stats,
	.get_channels		= pv_net_get_channels,
};

/* ---- probe/remove -------------------------------------------------------- */

/* What the device's feature bits let the stack offload. */
static netdev_features_t pv_net_hw_features(u64 f)
{
	netdev_features_t nf = 0;

	if (f & PV_NET_F_SG)
		nf |= NETIF_F_SG;
	if (f & PV_NET_F_TX_CSUM)
		nf |= NETIF_F_HW_CSUM;
	if (f & PV_NET_F_RX_CSUM)
		nf |= NETIF_F_RXCSUM;
	/* Segmentation needs scatter-gather and checksums. */
	if ((f & PV_NET_F_SG) && (f & PV_NET_F_TX_CSUM)) {
		if (f & PV_NET_F_TSO)
			nf |= NETIF_F_TSO;
		if (f & PV_NET_F_TSO6)
			nf |= NETIF_F_TSO6;
	}
	if (f & PV_NET_F_LRO)
		nf |= NETIF_F_LRO;
	return nf;
}

static bool pv_net_ops_complete(const struct pv_net_ops *ops)
{
	return ops->open && ops->close && ops->xmit && ops->poll &&
	       ops->irq_enable;
}

static int pv_net_probe(struct pv_device *pdev)
{
	struct pv_net_config cfg;
	struct net_device *netdev;
	struct pv_net *pn;
	int err, i;

	err = pv_net_get_config(pdev, &cfg);
	if (err) {
		/* -ENODEV: the backend says the device is not for us. */
		if (err != -ENODEV)
			dev_err(&pdev->dev, "cannot read the configuration: %d\n",
				err);
		return err;
	}
	if (!pv_net_ops_complete(pdev->ops.net)) {
		dev_err(&pdev->dev, "backend lacks required network ops\n");
		return -EINVAL;
	}
	if (!cfg.nr_queues || !cfg.rx_ring_size || !cfg.tx_ring_size ||
	    !is_valid_ether_addr(cfg.mac)) {
		dev_err(&pdev->dev, "unusable configuration: %u queues, rings %u/%u, MAC %pM\n",
			cfg.nr_queues, cfg.rx_ring_size, cfg.tx_ring_size,
			cfg.mac);
		return -EINVAL;
	}

	netdev = alloc_etherdev_mqs(struct_size(pn, queues, cfg.nr_queues),
				    cfg.nr_queues, cfg.nr_queues);
	if (!netdev)
		return -ENOMEM;
	SET_NETDEV_DEV(netdev, &pdev->dev);
	pn = netdev_priv(netdev);
	pn->netdev = netdev;
	pn->pdev = pdev;
	pn->cfg = cfg;
	pn->nr_queues = cfg.nr_queues;
	pn->rx_ring_size = cfg.rx_ring_size;
	pn->tx_ring_size = cfg.tx_ring_size;
	pn->speed = cfg.speed;

	netdev->netdev_ops = pv_net_can_reset(pdev) ? &pv_net_netdev_ops_reset :
						     &pv_net_netdev_ops;
	netdev->ethtool_ops = &pv_net_ethtool_ops;
	eth_hw_addr_set(netdev, cfg.mac);
	if (pv_net_can_set_mac_address(pdev))
		netdev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	netdev->min_mtu = cfg.min_mtu ?: ETH_MIN_MTU;
	netdev->max_mtu = cfg.max_mtu ?: ETH_DATA_LEN;
	if (!(pdev->features & PV_NET_F_MTU))
		netdev->max_mtu = netdev->min_mtu = cfg.mtu ?: ETH_DATA_LEN;
	netdev->mtu = clamp_t(u32, cfg.mtu ?: ETH_DATA_LEN, netdev->min_mtu,
			      netdev->max_mtu);
	netdev->hw_features = pv_net_hw_features(pdev->features);
	/* LRO stays off until asked for: it breaks forwarding. */
	netdev->features = (netdev->hw_features & ~NETIF_F_LRO) |
			   NETIF_F_HIGHDMA;
	netdev->vlan_features = netdev->features;
	if (cfg.tso_max_size)
		netif_set_tso_max_size(netdev, cfg.tso_max_size);

	for (i = 0; i < pn->nr_queues; i++) {
		struct pv_net_queue *q = &pn->queues[i];

		q->pn = pn;
		q->index = i;
		u64_stats_init(&q->rx_syncp);
		u64_stats_init(&q->tx_syncp);
		netif_napi_add(netdev, &q->napi, pv_net_napi_poll);
	}
	INIT_WORK(&pn->rx_mode_work, pv_net_rx_mode_work);
	INIT_WORK(&pn->reset_work, pv_net_reset_work);
	netif_carrier_off(netdev);
	pdev->frontend_priv = pn;

	err = register_netdev(netdev);
	if (err) {
		dev_err(&pdev->dev, "cannot register the net device: %d\n", err);
		goto out_free;
	}
	/* The driver is known only now: let the features reach the backend. */
	rtnl_lock();
	err = pv_net_set_features(pdev, netdev->features);
	rtnl_unlock();
	if (err)
		goto out_unregister;

	netdev_info(netdev, "%pM on %s, %u queue pair%s, MTU %u (%u-%u)\n",
		    netdev->dev_addr, dev_name(&pdev->dev), pn->nr_queues,
		    pn->nr_queues == 1 ? "" : "s", netdev->mtu, netdev->min_mtu,
		    netdev->max_mtu);
	return 0;

out_unregister:
	unregister_netdev(netdev);
	cancel_work_sync(&pn->rx_mode_work);
	cancel_work_sync(&pn->reset_work);
out_free:
	for (i = 0; i < pn->nr_queues; i++)
		netif_napi_del(&pn->queues[i].napi);
	pdev->frontend_priv = NULL;
	free_netdev(netdev);
	return err;
}

static void pv_net_remove(struct pv_device *pdev)
{
	struct pv_net *pn = pdev->frontend_priv;
	struct net_device *netdev = pn->netdev;
	int i;

	/*
	 * Closes the interface first if it is up. An address set through
	 * ndo_set_mac_address lasts as long as the interface: the device gets
	 * its own back, as the next front-end to bind reads it as permanent.
	 */
	rtnl_lock();
	if (!ether_addr_equal(netdev->dev_addr, netdev->perm_addr) &&
	    pv_net_set_mac_address(pdev, netdev->perm_addr))
		netdev_warn(netdev, "cannot give the device back its address %pM\n",
			    netdev->perm_addr);
	unregister_netdevice(netdev);
	rtnl_unlock();
	/* They take RTNL: not under it. Once unregistered they do nothing. */
	cancel_work_sync(&pn->rx_mode_work);
	cancel_work_sync(&pn->reset_work);
	for (i = 0; i < pn->nr_queues; i++)
		netif_napi_del(&pn->queues[i].napi);
	pdev->frontend_priv = NULL;
	free_netdev(netdev);
}

/*
 * The backend is about to stop the device (suspend, shutdown): detach the
 * interface (the stack stops transmitting, and it cannot be opened) and
 * close the backend's queues as ifdown would, so the backend holds no
 * packet and no buffer. The interface stays "up" for the stack.
 */
static int pv_net_quiesce(struct pv_device *pdev)
{
	struct pv_net *pn = pdev->frontend_priv;

	rtnl_lock();
	netif_device_detach(pn->netdev);
	pn->up_at_quiesce = pn->up;
	pv_net_down(pn);
	rtnl_unlock();
	/* Closed: a pending reset does nothing, an rx mode waits for resume. */
	cancel_work_sync(&pn->reset_work);
	return 0;
}

/*
 * The backend set the device up again, as after a reset: open the queues
 * if they were open, give the device the interface's address and rx mode
 * again (it forgot both), and attach the interface.
 */
static int pv_net_resume(struct pv_device *pdev)
{
	struct pv_net *pn = pdev->frontend_priv;
	struct net_device *netdev = pn->netdev;
	int err = 0;

	rtnl_lock();
	if (!ether_addr_equal(netdev->dev_addr, netdev->perm_addr) &&
	    pv_net_set_mac_address(pdev, netdev->dev_addr))
		netdev_warn(netdev, "the device lost its address %pM on resume\n",
			    netdev->dev_addr);
	if (pn->up_at_quiesce && netif_running(netdev)) {
		err = pv_net_up(pn);
		if (err)
			netdev_err(netdev, "cannot reopen the device on resume: %d\n",
				   err);
	}
	pn->up_at_quiesce = false;
	netif_device_attach(netdev);
	if (err)
		dev_close(netdev);
	rtnl_unlock();
	return err;
}

static const struct pv_device_id pv_net_ids[] = {
	{ .class = PV_CLASS_NET },
	{ }
};

static struct pv_driver pv_net_driver = {
	.driver.name	= "pv_net",
	.id_table	= pv_net_ids,
	.probe		= pv_net_probe,
	.remove		= pv_net_remove,
	.quiesce	= pv_net_quiesce,
	.resume		= pv_net_resume,
};
module_pv_driver(pv_net_driver);

PV_MODULE_ALIAS_CLASS(net);
PV_IMPORT_NS();
MODULE_AUTHOR("pv-drivers developers");
MODULE_DESCRIPTION("Network interface for paravirtual network devices");
MODULE_LICENSE("GPL");
MODULE_VERSION(PV_DRIVERS_VERSION);
