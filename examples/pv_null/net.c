// SPDX-License-Identifier: GPL-2.0
/*
 * pv_null's NIC: a loopback cable. Every frame transmitted is received
 * back on the same interface, through the same path a real backend uses:
 * xmit puts it "on the wire" and raises the "interrupt" (pv_net_schedule),
 * and the front-end's NAPI poll picks it up as a received frame.
 *
 * One queue pair, no offloads: the stack checksums and segments everything
 * before xmit, so a frame can be handed back as it was sent.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <pv/net.h>
#include "pv_null.h"

/* Frames on the wire before xmit stops the queue. */
#define PVNULL_NET_RING		256

/* pvnull_net::flags */
#define PVNULL_NET_IRQ_ON	0	/* the "interrupt" is unmasked */
#define PVNULL_NET_TX_STOPPED	1	/* xmit stopped the tx queue */

/**
 * struct pvnull_net - the NIC
 * @pdev: its pv device
 * @mac: its permanent address, random and locally administered
 * @wire: frames transmitted and not yet received; has its own lock, as
 *	xmit (tx lock) and poll (NAPI) run concurrently
 * @flags: PVNULL_NET_* bits, atomic
 */
static struct pvnull_net {
	struct pv_device *pdev;
	u8 mac[ETH_ALEN];
	struct sk_buff_head wire;
	unsigned long flags;
} pvnull_net;

/* What a device raises its interrupt for: frames to receive, a queue to wake. */
static bool pvnull_net_has_work(void)
{
	return !skb_queue_empty_lockless(&pvnull_net.wire) ||
	       test_bit(PVNULL_NET_TX_STOPPED, &pvnull_net.flags);
}

/* Raise the "interrupt" unless it is masked: NAPI will poll. */
static void pvnull_net_kick(struct pv_device *pdev)
{
	/* Masking it is what a real interrupt handler does first. */
	if (test_and_clear_bit(PVNULL_NET_IRQ_ON, &pvnull_net.flags))
		pv_net_schedule(pdev, 0);
}

static netdev_tx_t pvnull_net_xmit(struct pv_device *pdev, u16 queue,
				   struct sk_buff *skb, bool more)
{
	skb_queue_tail(&pvnull_net.wire, skb);
	if (skb_queue_len(&pvnull_net.wire) >= PVNULL_NET_RING) {
		set_bit(PVNULL_NET_TX_STOPPED, &pvnull_net.flags);
		pv_net_tx_stop(pdev, 0);
	}
	/* A real device would wait for !@more to ring its doorbell. */
	pvnull_net_kick(pdev);
	return NETDEV_TX_OK;
}

/* A copy of @skb in a buffer of its own, as a device's rx ring would hold. */
static struct sk_buff *pvnull_net_copy(struct sk_buff *skb)
{
	struct sk_buff *rx;

	/* No net_device here: pv_net's receive() sets skb->dev. */
	rx = __netdev_alloc_skb_ip_align(NULL, skb->len, GFP_ATOMIC);
	if (!rx)
		return NULL;
	/* skb_copy_bits() also reads paged data: @skb need not be linear. */
	if (skb_copy_bits(skb, 0, skb_put(rx, skb->len), skb->len)) {
		dev_kfree_skb_any(rx);
		return NULL;
	}
	return rx;
}

static int pvnull_net_poll(struct pv_device *pdev, u16 queue, int budget)
{
	struct sk_buff *skb, *rx;
	int done = 0;

	while (done < budget && (skb = skb_dequeue(&pvnull_net.wire))) {
		rx = pvnull_net_copy(skb);
		/* The transmitted frame is done with: tx "completion". */
		dev_consume_skb_any(skb);
		if (!rx)
			continue;	/* lost, as on a wire; not counted as received */
		pv_net_receive(pdev, 0, rx);
		done++;
	}
	/* Room again: restart a queue xmit stopped. */
	if (skb_queue_len(&pvnull_net.wire) < PVNULL_NET_RING / 2 &&
	    test_and_clear_bit(PVNULL_NET_TX_STOPPED, &pvnull_net.flags))
		pv_net_tx_wake(pdev, 0);
	return done;
}

static void pvnull_net_irq_enable(struct pv_device *pdev, u16 queue)
{
	set_bit(PVNULL_NET_IRQ_ON, &pvnull_net.flags);
	/*
	 * Work that arrived while the interrupt was masked raised nothing:
	 * raise it now, or the frame would wait for the next xmit. The
	 * barrier orders the unmask before the look at the wire, against
	 * xmit's queueing before its look at the mask.
	 */
	smp_mb__after_atomic();
	if (pvnull_net_has_work())
		pvnull_net_kick(pdev);
}

static int pvnull_net_open(struct pv_device *pdev, u16 nr_queues, u32 mtu)
{
	if (nr_queues != 1)
		return -EINVAL;
	clear_bit(PVNULL_NET_TX_STOPPED, &pvnull_net.flags);
	set_bit(PVNULL_NET_IRQ_ON, &pvnull_net.flags);
	/* The cable is always plugged in; it has no speed. */
	pv_net_link_changed(pdev, true, SPEED_UNKNOWN);
	return 0;
}

/* NAPI and tx are stopped: drop what is still on the wire. */
static void pvnull_net_close(struct pv_device *pdev)
{
	clear_bit(PVNULL_NET_IRQ_ON, &pvnull_net.flags);
	skb_queue_purge(&pvnull_net.wire);
	clear_bit(PVNULL_NET_TX_STOPPED, &pvnull_net.flags);
}

static int pvnull_net_get_config(struct pv_device *pdev,
				 struct pv_net_config *cfg)
{
	/* MTU 0: ETH_DATA_LEN, fixed. */
	ether_addr_copy(cfg->mac, pvnull_net.mac);
	cfg->nr_queues = 1;
	cfg->rx_ring_size = PVNULL_NET_RING;
	cfg->tx_ring_size = PVNULL_NET_RING;
	cfg->speed = SPEED_UNKNOWN;
	cfg->link_up = true;
	return 0;
}

static const struct pv_net_ops pvnull_net_ops = {
	.get_config	= pvnull_net_get_config,
	.open		= pvnull_net_open,
	.close		= pvnull_net_close,
	.xmit		= pvnull_net_xmit,
	.poll		= pvnull_net_poll,
	.irq_enable	= pvnull_net_irq_enable,
};

/**
 * pvnull_net_add() - add the NIC
 *
 * Process context. Returns 0 or a negative errno, and leaves nothing
 * behind on error.
 */
int pvnull_net_add(void)
{
	struct pv_device *pdev;
	int err;

	skb_queue_head_init(&pvnull_net.wire);
	eth_random_addr(pvnull_net.mac);

	pdev = pv_device_alloc(&pvnull_hypervisor, PV_CLASS_NET, NULL);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	pv_device_set_ops(pdev, &pvnull_net_ops);
	/* Before pv_device_add(): a loaded front-end probes inside it. */
	pvnull_net.pdev = pdev;
	err = pv_device_add(pdev);
	if (err)
		goto out_put_device;
	return 0;

out_put_device:
	pvnull_net.pdev = NULL;
	pv_device_put(pdev);
	return err;
}

/* Returns once the front-end has let go of the NIC (its close() ran). */
void pvnull_net_remove(void)
{
	pv_device_unregister(pvnull_net.pdev);
}
