// SPDX-License-Identifier: GPL-2.0
/*
 * VMXNET3 as a pv network device.
 *
 * A PCI driver ("pv_vmi_vmxnet3", so it never clashes with the in-tree
 * vmxnet3) for the VMXNET3 function. Each NIC becomes one PV_CLASS_NET
 * device; pv_net puts the net_device and NAPI on top and reaches the rings
 * through struct pv_net_ops.
 *
 * What is implemented: device revision 1 / UPT version 1 (what every
 * VMXNET3 implements, and all QEMU offers), one queue pair (QEMU receives
 * on rx queue 0 only and has no RSS), a tx ring with its completion ring,
 * rx ring 0 (head buffers) and ring 1 (page-sized body buffers for frames
 * larger than a head buffer) with their completion ring, tx checksum
 * offload, TSO, scatter-gather, rx checksum validation, MTU 60..9000,
 * MSI-X (one vector for the queue pair, one for events) or MSI or INTx
 * (one shared vector), per-vector masking, link events, the MAC address,
 * the rx filter (promiscuous, all-multicast, a table of multicast
 * addresses) and a reset after a tx timeout.
 *
 * The device is not trusted: every completion is checked by
 * vmxnet3_proto.c against what was posted before anything it names is
 * touched; a bad one marks the pv device broken and stops the queue.
 *
 * There is no MODULE_DEVICE_TABLE on purpose: the in-tree vmxnet3 driver
 * owns the alias, and pv_vmi is loaded explicitly (on VMware only). A NIC
 * already bound to another driver is left to it.
 */
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <pv/net.h>
#include "pv_vmi.h"
#include "vmxnet3_proto.h"

static bool vmxnet3 = true;
module_param(vmxnet3, bool, 0444);
MODULE_PARM_DESC(vmxnet3, "Drive VMXNET3 NICs no other driver has bound (default: true)");

#define VMX3_DRV_NAME		"pv_vmi_vmxnet3"

#define VMX3_DEF_TX_RING	512
#define VMX3_DEF_RX_RING	256
#define VMX3_RX_BODY_RING_MIN	32	/* ring 1 when frames fit a head buffer */
#define VMX3_RX_HEAD_MAX	3072	/* largest head buffer */
#define VMX3_RX_HEAD_JUMBO	2048	/* head buffer when frames do not fit */

/*
 * Multicast addresses the filter table holds; an interface in more groups
 * receives all multicast frames (rx mode ALL_MULTI) instead.
 */
#define VMX3_MF_TABLE_MAX	64
#define VMX3_MF_TABLE_BYTES	(VMX3_MF_TABLE_MAX * ETH_ALEN)

/*
 * Free descriptors kept for the next skb before the queue stops: its linear
 * part and every fragment, 16K each (half the ring on small rings; a packet
 * that then does not fit gets NETDEV_TX_BUSY until completions free room).
 */
#define VMX3_TX_MAX_DESC	((MAX_SKB_FRAGS + 1) * DIV_ROUND_UP(SZ_64K, VMX3_MAX_TX_BUF))

/* MSI-X vectors: the queue pair's, then the events'. */
#define VMX3_VEC_QUEUE		0
#define VMX3_VEC_EVENT		1

enum vmx3_map {
	VMX3_MAP_NONE,
	VMX3_MAP_SINGLE,
	VMX3_MAP_PAGE,
};

/**
 * struct vmx3_tx_buf - a tx descriptor's buffer
 * @skb: the packet, on its EOP descriptor only
 * @dma: start of the mapping that begins at this descriptor
 * @len: its length
 * @map: how to unmap it; VMX3_MAP_NONE for a descriptor that continues the
 *	mapping of an earlier one
 */
struct vmx3_tx_buf {
	struct sk_buff *skb;
	dma_addr_t dma;
	u32 len;
	enum vmx3_map map;
};

/**
 * struct vmx3_txq - the tx ring and its completion ring
 * @lock: serialises xmit (tx queue lock) against completion reaping (NAPI)
 *	for every field below but the rings' static parameters
 * @ring: descriptors, @size of them
 * @ring_dma: their bus address
 * @comp: completion descriptors, @size of them
 * @comp_dma: their bus address
 * @bufs: per-descriptor buffers
 * @eop_map: set for the EOP descriptor of every packet in flight
 * @size: descriptors in the tx ring and in the completion ring
 * @next_to_use: next descriptor to fill
 * @gen: generation of @next_to_use
 * @next_to_clean: oldest descriptor in flight
 * @in_flight: descriptors posted, not completed
 * @comp_next: next completion descriptor
 * @comp_gen: its expected generation
 * @stopped: pv_net_tx_stop() was called and tx_wake() not yet
 */
struct vmx3_txq {
	spinlock_t lock;
	struct vmx3_tx_desc *ring;
	dma_addr_t ring_dma;
	struct vmx3_tx_comp *comp;
	dma_addr_t comp_dma;
	struct vmx3_tx_buf *bufs;
	unsigned long *eop_map;
	u32 size;
	u32 next_to_use;
	u32 gen;
	u32 next_to_clean;
	u32 in_flight;
	u32 comp_next;
	u32 comp_gen;
	bool stopped;
};

/**
 * struct vmx3_rx_buf - an rx descriptor's buffer
 * @skb: head buffer (ring 0)
 * @page: body buffer (ring 1)
 * @dma: its mapping
 */
struct vmx3_rx_buf {
	struct sk_buff *skb;
	struct page *page;
	dma_addr_t dma;
};

/**
 * struct vmx3_rxq - rx rings 0 and 1 and their completion ring
 *
 * Only touched from NAPI poll and from open/close (NAPI disabled): no lock.
 *
 * @ring: descriptors of each ring
 * @ring_dma: their bus addresses
 * @bufs: their buffers
 * @size: descriptors in each ring
 * @buf_len: buffer length in each ring
 * @next_fill: next descriptor to post in each ring
 * @fill_gen: its generation
 * @next_clean: next descriptor the device must hand back
 * @posted: descriptors posted and not handed back
 * @comp: completion ring, @comp_size descriptors
 * @comp_dma: its bus address
 * @comp_size: its size: both rings' sizes together
 * @comp_next: next completion descriptor
 * @comp_gen: its expected generation
 * @pkt: the packet being assembled (SOP seen, EOP not yet)
 * @frags: buffers in @pkt so far
 * @max_frags: buffers a packet may span
 */
struct vmx3_rxq {
	struct vmx3_rx_desc *ring[2];
	dma_addr_t ring_dma[2];
	struct vmx3_rx_buf *bufs[2];
	u32 size[2];
	u32 buf_len[2];
	u32 next_fill[2];
	u32 fill_gen[2];
	u32 next_clean[2];
	u32 posted[2];
	struct vmx3_rx_comp *comp;
	dma_addr_t comp_dma;
	u32 comp_size;
	u32 comp_next;
	u32 comp_gen;
	struct sk_buff *pkt;
	u32 frags;
	u32 max_frags;
};

/* Driver counters shown by ethtool -S; see vmx3_stat_names. */
struct vmx3_counters {
	u64 tx_linearized;
	u64 tx_csum_fallback;
	u64 tx_dma_errors;
	u64 tx_dropped;
	u64 tx_ring_full;
	u64 rx_alloc_errors;
	u64 rx_device_errors;
	u64 rx_skipped;
	u64 protocol_errors;
	u64 link_events;
};

/**
 * struct vmx3_adapter - one VMXNET3 function
 * @pci: the PCI function
 * @pdev: its pv net device
 * @bar0: pass-through registers (interrupt masks, doorbells)
 * @bar1: device registers
 * @cmd_lock: makes a write to VMX3_REG_CMD and the read of its reply one
 *	operation; any context
 * @shared: the DriverShared area, DMA-coherent
 * @shared_dma: its bus address
 * @tqd: tx queue descriptor, followed by @rqd in one DMA-coherent block
 * @rqd: rx queue descriptor
 * @qdesc_dma: bus address of the queue descriptors (MiscConf.queue_desc_pa)
 * @mf_table: the multicast filter table (RxFilterConf.mf_table_pa),
 *	VMX3_MF_TABLE_MAX addresses, DMA-coherent; written under RTNL
 * @mf_table_dma: its bus address
 * @mac: the MAC address the device uses: @perm_mac until pv_net sets
 *	another (RTNL)
 * @perm_mac: the address the device had at probe, given back at remove
 * @nvecs: interrupt vectors allocated
 * @msix: one MSI-X vector per role (queue pair, events); otherwise one
 *	vector serves both
 * @intx: that vector is a legacy interrupt line
 * @auto_mask: the device masks a vector when it fires
 * @irq_name: names for /proc/interrupts
 * @open: rings allocated, device active, interrupts requested (RTNL)
 * @link_up: last carrier reported
 * @speed: last speed reported (Mb/s)
 * @mtu: MTU the rings are sized for
 * @tx_ring_size: tx descriptors (RTNL)
 * @rx_ring_size: rx ring 0 descriptors (RTNL)
 * @rxcsum: report the device's checksum validation (RTNL)
 * @txq: the tx side of the queue pair
 * @rxq: the rx side
 * @cnt: counters
 */
struct vmx3_adapter {
	struct pci_dev *pci;
	struct pv_device *pdev;
	void __iomem *bar0;
	void __iomem *bar1;
	spinlock_t cmd_lock;
	struct vmx3_driver_shared *shared;
	dma_addr_t shared_dma;
	struct vmx3_tx_queue_desc *tqd;
	struct vmx3_rx_queue_desc *rqd;
	dma_addr_t qdesc_dma;
	u8 *mf_table;
	dma_addr_t mf_table_dma;
	u8 mac[ETH_ALEN];
	u8 perm_mac[ETH_ALEN];
	int nvecs;
	bool msix;
	bool intx;
	bool auto_mask;
	char irq_name[2][IFNAMSIZ + 16];
	bool open;
	bool link_up;
	u32 speed;
	u32 mtu;
	u16 tx_ring_size;
	u16 rx_ring_size;
	bool rxcsum;
	struct vmx3_txq txq;
	struct vmx3_rxq rxq;
	struct vmx3_counters cnt;
};

/* ---- registers and commands ---------------------------------------------- */

static u32 vmx3_cmd(struct vmx3_adapter *a, u32 cmd)
{
	unsigned long flags;
	u32 ret;

	spin_lock_irqsave(&a->cmd_lock, flags);
	writel(cmd, a->bar1 + VMX3_REG_CMD);
	ret = readl(a->bar1 + VMX3_REG_CMD);
	spin_unlock_irqrestore(&a->cmd_lock, flags);
	return ret;
}

/* The device takes the address from MACL and MACH, as MACH is written. */
static void vmx3_write_mac(struct vmx3_adapter *a, const u8 *mac)
{
	writel(mac[0] | mac[1] << 8 | mac[2] << 16 | mac[3] << 24,
	       a->bar1 + VMX3_REG_MACL);
	writel(mac[4] | mac[5] << 8, a->bar1 + VMX3_REG_MACH);
}

static void vmx3_mask_vec(struct vmx3_adapter *a, unsigned int vec)
{
	writel(1, a->bar0 + VMX3_REG_IMR(vec));
}

static void vmx3_unmask_vec(struct vmx3_adapter *a, unsigned int vec)
{
	writel(0, a->bar0 + VMX3_REG_IMR(vec));
}

static void vmx3_broken(struct vmx3_adapter *a, const char *why)
{
	a->cnt.protocol_errors++;
	pv_device_mark_broken(a->pdev, why);
}

/* GET_LINK, and tell pv_net when open. Any context. */
static void vmx3_update_link(struct vmx3_adapter *a, bool report)
{
	bool up;
	u32 speed;

	vmx3_parse_link(vmx3_cmd(a, VMX3_CMD_GET_LINK), &up, &speed);
	a->link_up = up;
	a->speed = speed;
	if (report)
		pv_net_link_changed(a->pdev, up, speed);
}

/* Acknowledge and act on the events in DriverShared.ecr. Any context. */
static void vmx3_handle_events(struct vmx3_adapter *a)
{
	u32 ecr = le32_to_cpu(READ_ONCE(a->shared->ecr));

	if (!ecr)
		return;
	writel(ecr, a->bar1 + VMX3_REG_ECR);

	if (ecr & VMX3_ECR_LINK) {
		a->cnt.link_events++;
		vmx3_update_link(a, a->open);
	}
	if (ecr & (VMX3_ECR_TQERR | VMX3_ECR_RQERR)) {
		vmx3_cmd(a, VMX3_CMD_GET_QUEUE_STATUS);
		dev_err(&a->pci->dev, "queue error: tx stopped %u error %#x, rx stopped %u error %#x\n",
			a->tqd->status.stopped, le32_to_cpu(a->tqd->status.error),
			a->rqd->status.stopped, le32_to_cpu(a->rqd->status.error));
		pv_device_mark_broken(a->pdev, "the device stopped a queue");
	}
}

/* ---- interrupts ---------------------------------------------------------- */

static irqreturn_t vmx3_intr_queue(int irq, void *data)
{
	struct vmx3_adapter *a = data;

	if (!a->auto_mask)
		vmx3_mask_vec(a, VMX3_VEC_QUEUE);
	pv_net_schedule(a->pdev, 0);
	return IRQ_HANDLED;
}

static irqreturn_t vmx3_intr_event(int irq, void *data)
{
	struct vmx3_adapter *a = data;

	vmx3_handle_events(a);
	vmx3_unmask_vec(a, VMX3_VEC_EVENT);
	return IRQ_HANDLED;
}

/* MSI or INTx: vector 0 serves the queue pair and the events. */
static irqreturn_t vmx3_intr_shared(int irq, void *data)
{
	struct vmx3_adapter *a = data;

	/* Reading ICR also deasserts the line. */
	if (a->intx && !readl(a->bar1 + VMX3_REG_ICR))
		return IRQ_NONE;
	if (a->intx || !a->auto_mask)
		vmx3_mask_vec(a, 0);
	vmx3_handle_events(a);
	pv_net_schedule(a->pdev, 0);
	return IRQ_HANDLED;
}

/*
 * Choose among the interrupt types the device allows (GET_CONF_INTR):
 * MSI-X with a vector for the queue pair and one for events, else a single
 * vector (MSI-X, MSI or INTx) for both.
 */
static int vmx3_alloc_vectors(struct vmx3_adapter *a)
{
	u32 conf = vmx3_cmd(a, VMX3_CMD_GET_CONF_INTR);
	unsigned int flags = PCI_IRQ_ALL_TYPES;
	int n;

	a->auto_mask = ((conf >> 2) & 0x3) == VMX3_IMM_AUTO;
	switch (conf & 0x3) {
	case VMX3_IT_INTX:
		flags &= ~PCI_IRQ_MSI;
		fallthrough;
	case VMX3_IT_MSI:
		flags &= ~PCI_IRQ_MSIX;
		break;
	}
	if (flags & PCI_IRQ_MSIX) {
		n = pci_alloc_irq_vectors(a->pci, 2, 2, PCI_IRQ_MSIX);
		if (n == 2) {
			a->msix = true;
			a->nvecs = n;
			return 0;
		}
	}
	n = pci_alloc_irq_vectors(a->pci, 1, 1, flags);
	if (n < 0)
		return n;
	a->nvecs = n;
	a->intx = !a->pci->msi_enabled && !a->pci->msix_enabled;
	return 0;
}

static const char *vmx3_irq_mode(const struct vmx3_adapter *a)
{
	if (a->msix)
		return "MSI-X";
	if (a->pci->msix_enabled)
		return "MSI-X, one vector";
	return a->intx ? "INTx" : "MSI";
}

static int vmx3_request_irqs(struct vmx3_adapter *a)
{
	const char *name = dev_name(&a->pdev->dev);
	int err;

	if (!a->msix) {
		snprintf(a->irq_name[0], sizeof(a->irq_name[0]), "%s", name);
		return request_irq(pci_irq_vector(a->pci, 0), vmx3_intr_shared,
				   a->intx ? IRQF_SHARED : 0, a->irq_name[0], a);
	}
	snprintf(a->irq_name[0], sizeof(a->irq_name[0]), "%s-txrx-0", name);
	snprintf(a->irq_name[1], sizeof(a->irq_name[1]), "%s-event", name);
	err = request_irq(pci_irq_vector(a->pci, VMX3_VEC_QUEUE),
			  vmx3_intr_queue, 0, a->irq_name[0], a);
	if (err)
		return err;
	err = request_irq(pci_irq_vector(a->pci, VMX3_VEC_EVENT),
			  vmx3_intr_event, 0, a->irq_name[1], a);
	if (err)
		free_irq(pci_irq_vector(a->pci, VMX3_VEC_QUEUE), a);
	return err;
}

static void vmx3_free_irqs(struct vmx3_adapter *a)
{
	int i;

	for (i = 0; i < a->nvecs; i++)
		free_irq(pci_irq_vector(a->pci, i), a);
}

/* ---- tx ------------------------------------------------------------------ */

static u32 vmx3_tx_free(const struct vmx3_txq *tq)
{
	/* One descriptor stays unused. */
	return tq->size - 1 - tq->in_flight;
}

/* Free descriptors below which the queue stops, and above which it wakes. */
static u32 vmx3_tx_thresh(const struct vmx3_txq *tq)
{
	return min_t(u32, VMX3_TX_MAX_DESC, tq->size / 2);
}

static void vmx3_tx_unmap(struct vmx3_adapter *a, struct vmx3_tx_buf *b)
{
	if (b->map == VMX3_MAP_SINGLE)
		dma_unmap_single(&a->pci->dev, b->dma, b->len, DMA_TO_DEVICE);
	else if (b->map == VMX3_MAP_PAGE)
		dma_unmap_page(&a->pci->dev, b->dma, b->len, DMA_TO_DEVICE);
	b->map = VMX3_MAP_NONE;
}

/* Descriptors needed for @skb: 16K at most each. */
static u32 vmx3_tx_count(const struct sk_buff *skb)
{
	u32 n = DIV_ROUND_UP(skb_headlen(skb), VMX3_MAX_TX_BUF);
	int i;

	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++)
		n += DIV_ROUND_UP(skb_frag_size(&skb_shinfo(skb)->frags[i]),
				  VMX3_MAX_TX_BUF);
	return n;
}

/**
 * struct vmx3_tx_meta - what the SOP descriptor says about a packet
 * @om: offload mode
 * @hlen: header length (TSO) or checksum start (CSUM)
 * @msscof: MSS (TSO) or checksum start + offset (CSUM)
 */
struct vmx3_tx_meta {
	u32 om;
	u32 hlen;
	u32 msscof;
};

/* Offload metadata; falls back to software where the device cannot help. */
static int vmx3_tx_prepare(struct vmx3_adapter *a, struct sk_buff *skb,
			   struct vmx3_tx_meta *m)
{
	m->om = VMX3_OM_NONE;
	m->hlen = 0;
	m->msscof = 0;

	if (skb_is_gso(skb)) {
		if (!(skb_shinfo(skb)->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)))
			return -EOPNOTSUPP;
		m->hlen = skb_transport_offset(skb) + tcp_hdrlen(skb);
		/* The device finds the headers in the first buffer. */
		if (m->hlen > FIELD_MAX(VMX3_TXD_HLEN) ||
		    !pskb_may_pull(skb, m->hlen))
			return -EINVAL;
		/* TCP keeps clones of what it sends: write our own copy. */
		if (skb_cow_head(skb, 0))
			return -ENOMEM;
		vmx3_tso_prepare_headers(skb);
		m->om = VMX3_OM_TSO;
		m->msscof = skb_shinfo(skb)->gso_size;
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		u32 start = skb_checksum_start_offset(skb);
		u32 cof = start + skb->csum_offset;

		if (cof + sizeof(__sum16) > VMX3_MAX_CSUM_OFFSET ||
		    !pskb_may_pull(skb, cof + sizeof(__sum16))) {
			a->cnt.tx_csum_fallback++;
			return skb_checksum_help(skb);
		}
		m->om = VMX3_OM_CSUM;
		m->hlen = start;
		m->msscof = cof;
	}

	if (!skb_is_gso(skb) && vmx3_tx_count(skb) > VMX3_MAX_TXD_PER_PKT) {
		a->cnt.tx_linearized++;
		if (__skb_linearize(skb))
			return -ENOMEM;
	}
	return 0;
}

/* Fill descriptors for [dma, dma + len); the first gets @map. */
static void vmx3_tx_fill(struct vmx3_txq *tq, dma_addr_t dma, u32 len,
			 enum vmx3_map map, u32 sop_w2, u32 sop)
{
	while (len) {
		u32 chunk = min_t(u32, len, VMX3_MAX_TX_BUF);
		u32 i = tq->next_to_use;
		struct vmx3_tx_desc *d = &tq->ring[i];
		struct vmx3_tx_buf *b = &tq->bufs[i];
		u32 w2 = FIELD_PREP(VMX3_TXD_LEN, chunk & VMX3_TXD_LEN);

		/* The SOP descriptor is handed over last (vmx3_tx_post()). */
		if (i == sop)
			w2 |= sop_w2 | (tq->gen ? 0 : VMX3_TXD_GEN);
		else
			w2 |= tq->gen ? VMX3_TXD_GEN : 0;
		b->skb = NULL;
		b->dma = dma;
		b->len = len;
		b->map = map;
		map = VMX3_MAP_NONE;
		d->addr = cpu_to_le64(dma);
		d->w3 = 0;
		d->w2 = cpu_to_le32(w2);

		dma += chunk;
		len -= chunk;
		tq->in_flight++;
		if (++tq->next_to_use == tq->size) {
			tq->next_to_use = 0;
			tq->gen ^= 1;
		}
	}
}

/* Undo vmx3_tx_fill() back to @sop after a mapping error. */
static void vmx3_tx_unwind(struct vmx3_adapter *a, u32 sop, u32 sop_gen)
{
	struct vmx3_txq *tq = &a->txq;

	while (tq->next_to_use != sop) {
		tq->next_to_use = tq->next_to_use ? tq->next_to_use - 1 : tq->size - 1;
		tq->in_flight--;
		vmx3_tx_unmap(a, &tq->bufs[tq->next_to_use]);
	}
	tq->gen = sop_gen;
}

static void vmx3_tx_kick(struct vmx3_adapter *a)
{
	a->tqd->tx_num_deferred = 0;
	writel(a->txq.next_to_use, a->bar0 + VMX3_REG_TXPROD(0));
}

static netdev_tx_t vmx3_xmit(struct pv_device *pdev, u16 queue,
			     struct sk_buff *skb, bool more)
{
	struct vmx3_adapter *a = pdev->backend_priv;
	struct vmx3_txq *tq = &a->txq;
	struct skb_shared_info *si;
	struct vmx3_tx_meta m;
	u32 sop, sop_gen, eop, need, w3, deferred;
	dma_addr_t dma;
	int i;

	if (queue != 0 || pv_device_is_broken(pdev) ||
	    vmx3_tx_prepare(a, skb, &m))
		goto drop;
	need = vmx3_tx_count(skb);
	if (need > tq->size - 1)
		goto drop;

	spin_lock(&tq->lock);
	if (vmx3_tx_free(tq) < need) {
		a->cnt.tx_ring_full++;
		tq->stopped = true;
		pv_net_tx_stop(pdev, queue);
		vmx3_tx_kick(a);
		spin_unlock(&tq->lock);
		return NETDEV_TX_BUSY;
	}

	sop = tq->next_to_use;
	sop_gen = tq->gen;
	si = skb_shinfo(skb);
	if (skb_headlen(skb)) {
		dma = dma_map_single(&a->pci->dev, skb->data, skb_headlen(skb),
				     DMA_TO_DEVICE);
		if (dma_mapping_error(&a->pci->dev, dma))
			goto dma_error;
		vmx3_tx_fill(tq, dma, skb_headlen(skb), VMX3_MAP_SINGLE,
			     FIELD_PREP(GENMASK(31, VMX3_TXD_MSSCOF_SHIFT), m.msscof),
			     sop);
	}
	for (i = 0; i < si->nr_frags; i++) {
		const skb_frag_t *f = &si->frags[i];

		dma = skb_frag_dma_map(&a->pci->dev, f, 0, skb_frag_size(f),
				       DMA_TO_DEVICE);
		if (dma_mapping_error(&a->pci->dev, dma))
			goto dma_error;
		vmx3_tx_fill(tq, dma, skb_frag_size(f), VMX3_MAP_PAGE,
			     FIELD_PREP(GENMASK(31, VMX3_TXD_MSSCOF_SHIFT), m.msscof),
			     sop);
	}

	eop = tq->next_to_use ? tq->next_to_use - 1 : tq->size - 1;
	tq->bufs[eop].skb = skb;
	__set_bit(eop, tq->eop_map);
	w3 = FIELD_PREP(VMX3_TXD_HLEN, m.hlen) | m.om << VMX3_TXD_OM_SHIFT;
	if (eop == sop) {
		tq->ring[sop].w3 = cpu_to_le32(w3 | VMX3_TXD_EOP | VMX3_TXD_CQ);
	} else {
		tq->ring[sop].w3 = cpu_to_le32(w3);
		tq->ring[eop].w3 = cpu_to_le32(VMX3_TXD_EOP | VMX3_TXD_CQ);
	}
	skb_tx_timestamp(skb);

	/* Everything else is in place: hand the SOP descriptor over. */
	dma_wmb();
	tq->ring[sop].w2 ^= cpu_to_le32(VMX3_TXD_GEN);

	deferred = le32_to_cpu(a->tqd->tx_num_deferred) + 1;
	a->tqd->tx_num_deferred = cpu_to_le32(deferred);
	if (vmx3_tx_free(tq) < vmx3_tx_thresh(tq)) {
		tq->stopped = true;
		pv_net_tx_stop(pdev, queue);
		more = false;
	}
	if (!more || deferred >= le32_to_cpu(a->tqd->tx_threshold))
		vmx3_tx_kick(a);
	spin_unlock(&tq->lock);
	return NETDEV_TX_OK;

dma_error:
	vmx3_tx_unwind(a, sop, sop_gen);
	a->cnt.tx_dma_errors++;
	spin_unlock(&tq->lock);
drop:
	a->cnt.tx_dropped++;
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* Release @n descriptors from next_to_clean. Called with tq->lock held. */
static void vmx3_tx_release(struct vmx3_adapter *a, u32 n, int budget)
{
	struct vmx3_txq *tq = &a->txq;

	while (n--) {
		struct vmx3_tx_buf *b = &tq->bufs[tq->next_to_clean];

		vmx3_tx_unmap(a, b);
		if (__test_and_clear_bit(tq->next_to_clean, tq->eop_map)) {
			napi_consume_skb(b->skb, budget);
			b->skb = NULL;
		}
		tq->in_flight--;
		if (++tq->next_to_clean == tq->size)
			tq->next_to_clean = 0;
	}
}

/* Reap tx completions; at most one ring's worth. Softirq. */
static int vmx3_tx_reap(struct vmx3_adapter *a, int budget)
{
	struct vmx3_txq *tq = &a->txq;
	struct vmx3_txq_view v;
	u32 limit = tq->size, n;
	int err = 0;

	spin_lock(&tq->lock);
	while (limit--) {
		struct vmx3_tx_comp *cd = &tq->comp[tq->comp_next];

		if (!vmx3_comp_ready(READ_ONCE(cd->w3), tq->comp_gen))
			break;
		dma_rmb();
		v.size = tq->size;
		v.next_to_clean = tq->next_to_clean;
		v.in_flight = tq->in_flight;
		v.eop_map = tq->eop_map;
		err = vmx3_parse_tx_comp(cd, &v, &n);
		if (err) {
			dev_err_ratelimited(&a->pci->dev,
					    "bad tx completion %u: %08x %08x (ring %u, clean %u, in flight %u)\n",
					    tq->comp_next, le32_to_cpu(cd->w0),
					    le32_to_cpu(cd->w3), tq->size,
					    tq->next_to_clean, tq->in_flight);
			vmx3_broken(a, "bad tx completion");
			break;
		}
		vmx3_tx_release(a, n, budget);
		if (++tq->comp_next == tq->size) {
			tq->comp_next = 0;
			tq->comp_gen ^= 1;
		}
	}
	if (!err && tq->stopped && vmx3_tx_free(tq) >= vmx3_tx_thresh(tq)) {
		tq->stopped = false;
		pv_net_tx_wake(a->pdev, 0);
	}
	spin_unlock(&tq->lock);
	return err;
}

/* ---- rx ------------------------------------------------------------------ */

/* Post one buffer in ring @r at next_fill. Softirq or process context. */
static int vmx3_rx_post(struct vmx3_adapter *a, u32 r, gfp_t gfp)
{
	struct vmx3_rxq *rq = &a->rxq;
	u32 i = rq->next_fill[r];
	struct vmx3_rx_buf *b = &rq->bufs[r][i];
	struct vmx3_rx_desc *d = &rq->ring[r][i];
	u32 w2;

	if (r == 0) {
		b->skb = __netdev_alloc_skb_ip_align(NULL, rq->buf_len[0], gfp);
		if (!b->skb)
			return -ENOMEM;
		b->dma = dma_map_single(&a->pci->dev, b->skb->data,
					rq->buf_len[0], DMA_FROM_DEVICE);
		if (dma_mapping_error(&a->pci->dev, b->dma)) {
			dev_kfree_skb_any(b->skb);
			b->skb = NULL;
			return -ENOMEM;
		}
		w2 = FIELD_PREP(VMX3_RXD_LEN, rq->buf_len[0]);
	} else {
		b->page = alloc_page(gfp);
		if (!b->page)
			return -ENOMEM;
		b->dma = dma_map_page(&a->pci->dev, b->page, 0, PAGE_SIZE,
				      DMA_FROM_DEVICE);
		if (dma_mapping_error(&a->pci->dev, b->dma)) {
			__free_page(b->page);
			b->page = NULL;
			return -ENOMEM;
		}
		w2 = FIELD_PREP(VMX3_RXD_LEN, rq->buf_len[1]) | VMX3_RXD_BTYPE_BODY;
	}
	d->addr = cpu_to_le64(b->dma);
	d->w3 = 0;
	/* The generation bit hands the descriptor over: last. */
	dma_wmb();
	d->w2 = cpu_to_le32(w2 | (rq->fill_gen[r] ? VMX3_RXD_GEN : 0));

	rq->posted[r]++;
	if (++rq->next_fill[r] == rq->size[r]) {
		rq->next_fill[r] = 0;
		rq->fill_gen[r] ^= 1;
	}
	return 0;
}

/* Top both rings up to size - 1 buffers; false if ring 0 ended up empty. */
static bool vmx3_rx_refill(struct vmx3_adapter *a, gfp_t gfp)
{
	struct vmx3_rxq *rq = &a->rxq;
	u32 r;

	for (r = 0; r < 2; r++) {
		u32 before = rq->next_fill[r];

		while (rq->posted[r] < rq->size[r] - 1) {
			if (vmx3_rx_post(a, r, gfp)) {
				a->cnt.rx_alloc_errors++;
				break;
			}
		}
		if (rq->next_fill[r] != before && a->rqd->update_rx_prod)
			writel(rq->next_fill[r], a->bar0 +
			       (r ? VMX3_REG_RXPROD2(0) : VMX3_REG_RXPROD(0)));
	}
	return rq->posted[0] > 0;
}

static void vmx3_rx_drop_pkt(struct vmx3_rxq *rq)
{
	dev_kfree_skb_any(rq->pkt);
	rq->pkt = NULL;
	rq->frags = 0;
}

/*
 * The device passed over @c->skipped posted buffers before the one @c
 * names: they hold nothing. Release them; the refill posts new ones.
 */
static void vmx3_rx_skip(struct vmx3_adapter *a, const struct vmx3_rx_cd *c)
{
	struct vmx3_rxq *rq = &a->rxq;
	u32 i, r = c->ring;

	for (i = 0; i < c->skipped; i++) {
		struct vmx3_rx_buf *b = &rq->bufs[r][rq->next_clean[r]];

		if (r == 0) {
			dma_unmap_single(&a->pci->dev, b->dma, rq->buf_len[0],
					 DMA_FROM_DEVICE);
			dev_kfree_skb_any(b->skb);
			b->skb = NULL;
		} else {
			dma_unmap_page(&a->pci->dev, b->dma, PAGE_SIZE,
				       DMA_FROM_DEVICE);
			put_page(b->page);
			b->page = NULL;
		}
		rq->posted[r]--;
		if (++rq->next_clean[r] == rq->size[r])
			rq->next_clean[r] = 0;
		a->cnt.rx_skipped++;
	}
}

/* Take the buffer a validated completion names into the packet. */
static void vmx3_rx_take(struct vmx3_adapter *a, const struct vmx3_rx_cd *c)
{
	struct vmx3_rxq *rq = &a->rxq;
	struct vmx3_rx_buf *b = &rq->bufs[c->ring][c->idx];

	if (c->ring == 0) {
		dma_unmap_single(&a->pci->dev, b->dma, rq->buf_len[0],
				 DMA_FROM_DEVICE);
		rq->pkt = b->skb;
		rq->frags = 1;
		skb_put(rq->pkt, c->len);
		b->skb = NULL;
	} else {
		dma_unmap_page(&a->pci->dev, b->dma, PAGE_SIZE, DMA_FROM_DEVICE);
		if (c->len)
			skb_add_rx_frag(rq->pkt, skb_shinfo(rq->pkt)->nr_frags,
					b->page, 0, c->len, PAGE_SIZE);
		else
			put_page(b->page);
		rq->frags++;
		b->page = NULL;
	}
	rq->posted[c->ring]--;
	if (++rq->next_clean[c->ring] == rq->size[c->ring])
		rq->next_clean[c->ring] = 0;
}

/* Receive up to @budget packets. Softirq (NAPI). */
static int vmx3_rx(struct vmx3_adapter *a, int budget)
{
	struct vmx3_rxq *rq = &a->rxq;
	u32 limit = rq->comp_size;
	struct vmx3_rxq_view v = {
		.qid = 0,
		.nr_queues = 1,
		.max_frags = rq->max_frags,
	};
	struct vmx3_rx_cd c;
	int done = 0;

	while (done < budget && limit--) {
		struct vmx3_rx_comp *cd = &rq->comp[rq->comp_next];
		struct sk_buff *skb;

		if (!vmx3_comp_ready(READ_ONCE(cd->w3), rq->comp_gen))
			break;
		dma_rmb();
		memcpy(v.size, rq->size, sizeof(v.size));
		memcpy(v.next, rq->next_clean, sizeof(v.next));
		memcpy(v.posted, rq->posted, sizeof(v.posted));
		memcpy(v.buf_len, rq->buf_len, sizeof(v.buf_len));
		/* A ring with nothing posted cannot hand anything back. */
		if (!rq->posted[0])
			v.size[0] = 0;
		if (!rq->posted[1])
			v.size[1] = 0;
		v.in_packet = rq->pkt;
		v.frags = rq->frags;
		if (vmx3_parse_rx_comp(cd, &v, &c)) {
			dev_err_ratelimited(&a->pci->dev,
					    "bad rx completion %u: %08x %08x %08x (next %u/%u, posted %u/%u, frags %u)\n",
					    rq->comp_next, le32_to_cpu(cd->w0),
					    le32_to_cpu(cd->w2), le32_to_cpu(cd->w3),
					    rq->next_clean[0], rq->next_clean[1],
					    rq->posted[0], rq->posted[1], rq->frags);
			vmx3_broken(a, "bad rx completion");
			return done;
		}
		if (++rq->comp_next == rq->comp_size) {
			rq->comp_next = 0;
			rq->comp_gen ^= 1;
		}

		if (c.skipped)
			vmx3_rx_skip(a, &c);
		vmx3_rx_take(a, &c);
		if (!c.eop)
			continue;
		if (c.err) {
			a->cnt.rx_device_errors++;
			vmx3_rx_drop_pkt(rq);
			continue;
		}
		skb = rq->pkt;
		rq->pkt = NULL;
		rq->frags = 0;
		if (c.csum_ok && a->rxcsum)
			skb->ip_summed = CHECKSUM_UNNECESSARY;
		else
			skb_checksum_none_assert(skb);
		if (c.vlan_stripped)
			__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), c.tci);
		pv_net_receive(a->pdev, 0, skb);
		done++;
	}
	/* Without buffers no interrupt would come: keep polling. */
	if (!vmx3_rx_refill(a, GFP_ATOMIC))
		return budget;
	return done;
}

static int vmx3_poll(struct pv_device *pdev, u16 queue, int budget)
{
	struct vmx3_adapter *a = pdev->backend_priv;

	if (queue != 0 || pv_device_is_broken(pdev))
		return 0;
	if (vmx3_tx_reap(a, budget))
		return 0;
	return vmx3_rx(a, budget);
}

static void vmx3_irq_enable(struct pv_device *pdev, u16 queue)
{
	struct vmx3_adapter *a = pdev->backend_priv;

	if (queue == 0 && !pv_device_is_broken(pdev))
		vmx3_unmask_vec(a, 0);
}

/* ---- rings --------------------------------------------------------------- */

static void *vmx3_ring_alloc(struct vmx3_adapter *a, size_t size,
			     dma_addr_t *dma)
{
	return dma_alloc_coherent(&a->pci->dev, ALIGN(size, VMX3_RING_ALIGN),
				  dma, GFP_KERNEL);
}

static void vmx3_ring_free(struct vmx3_adapter *a, size_t size, void *p,
			   dma_addr_t dma)
{
	if (p)
		dma_free_coherent(&a->pci->dev, ALIGN(size, VMX3_RING_ALIGN), p,
				  dma);
}

static void vmx3_txq_free(struct vmx3_adapter *a)
{
	struct vmx3_txq *tq = &a->txq;
	u32 i;

	if (tq->bufs) {
		for (i = 0; i < tq->size; i++) {
			vmx3_tx_unmap(a, &tq->bufs[i]);
			dev_kfree_skb_any(tq->bufs[i].skb);
		}
	}
	kfree(tq->bufs);
	bitmap_free(tq->eop_map);
	vmx3_ring_free(a, tq->size * sizeof(*tq->ring), tq->ring, tq->ring_dma);
	vmx3_ring_free(a, tq->size * sizeof(*tq->comp), tq->comp, tq->comp_dma);
	memset(tq, 0, sizeof(*tq));
}

static int vmx3_txq_alloc(struct vmx3_adapter *a)
{
	struct vmx3_txq *tq = &a->txq;

	memset(tq, 0, sizeof(*tq));
	spin_lock_init(&tq->lock);
	tq->size = a->tx_ring_size;
	tq->gen = 1;
	tq->comp_gen = 1;
	tq->ring = vmx3_ring_alloc(a, tq->size * sizeof(*tq->ring), &tq->ring_dma);
	tq->comp = vmx3_ring_alloc(a, tq->size * sizeof(*tq->comp), &tq->comp_dma);
	tq->bufs = kcalloc(tq->size, sizeof(*tq->bufs), GFP_KERNEL);
	tq->eop_map = bitmap_zalloc(tq->size, GFP_KERNEL);
	if (!tq->ring || !tq->comp || !tq->bufs || !tq->eop_map) {
		vmx3_txq_free(a);
		return -ENOMEM;
	}
	return 0;
}

static void vmx3_rxq_free(struct vmx3_adapter *a)
{
	struct vmx3_rxq *rq = &a->rxq;
	u32 r, i;

	for (r = 0; r < 2; r++) {
		for (i = 0; rq->bufs[r] && i < rq->size[r]; i++) {
			struct vmx3_rx_buf *b = &rq->bufs[r][i];

			if (b->skb) {
				dma_unmap_single(&a->pci->dev, b->dma,
						 rq->buf_len[0], DMA_FROM_DEVICE);
				dev_kfree_skb_any(b->skb);
			}
			if (b->page) {
				dma_unmap_page(&a->pci->dev, b->dma, PAGE_SIZE,
					       DMA_FROM_DEVICE);
				__free_page(b->page);
			}
		}
		kfree(rq->bufs[r]);
		vmx3_ring_free(a, rq->size[r] * sizeof(*rq->ring[r]),
			       rq->ring[r], rq->ring_dma[r]);
	}
	vmx3_ring_free(a, rq->comp_size * sizeof(*rq->comp), rq->comp,
		       rq->comp_dma);
	dev_kfree_skb_any(rq->pkt);
	memset(rq, 0, sizeof(*rq));
}

/*
 * Size the rx buffers: a frame of max(@mtu, ETH_DATA_LEN) fits one head
 * buffer when it fits VMX3_RX_HEAD_MAX; anything longer, up to the largest
 * frame the device can send, goes on in pages of ring 1. Frames longer than
 * the MTU are received too (the host does not know the guest's MTU: QEMU's
 * user network sends 1514-byte frames to a guest with a smaller MTU).
 */
static int vmx3_rxq_alloc(struct vmx3_adapter *a, u32 mtu)
{
	struct vmx3_rxq *rq = &a->rxq;
	u32 frame = max_t(u32, mtu, ETH_DATA_LEN) + ETH_HLEN + VLAN_HLEN;
	u32 max_frame = VMX3_MAX_MTU + ETH_HLEN + VLAN_HLEN;
	u32 r;

	memset(rq, 0, sizeof(*rq));
	rq->size[0] = a->rx_ring_size;
	rq->buf_len[0] = frame <= VMX3_RX_HEAD_MAX ? frame : VMX3_RX_HEAD_JUMBO;
	rq->buf_len[1] = PAGE_SIZE;
	rq->max_frags = 1 + DIV_ROUND_UP(max_frame - rq->buf_len[0], PAGE_SIZE);
	/* Ring 1 is busy only when the MTU needs it. */
	rq->size[1] = frame <= VMX3_RX_HEAD_MAX ? VMX3_RX_BODY_RING_MIN :
						  a->rx_ring_size;
	rq->comp_size = rq->size[0] + rq->size[1];
	rq->comp_gen = 1;

	for (r = 0; r < 2; r++) {
		rq->fill_gen[r] = 1;
		rq->ring[r] = vmx3_ring_alloc(a, rq->size[r] * sizeof(*rq->ring[r]),
					      &rq->ring_dma[r]);
		rq->bufs[r] = kcalloc(rq->size[r], sizeof(*rq->bufs[r]),
				      GFP_KERNEL);
		if (!rq->ring[r] || !rq->bufs[r])
			goto fail;
	}
	rq->comp = vmx3_ring_alloc(a, rq->comp_size * sizeof(*rq->comp),
				   &rq->comp_dma);
	if (!rq->comp)
		goto fail;
	if (!vmx3_rx_refill(a, GFP_KERNEL) || rq->posted[1] == 0)
		goto fail;
	return 0;

fail:
	vmx3_rxq_free(a);
	return -ENOMEM;
}

/* ---- the shared area ----------------------------------------------------- */

static void vmx3_fill_shared(struct vmx3_adapter *a)
{
	struct vmx3_driver_shared *s = a->shared;
	struct vmx3_misc_conf *misc = &s->dev_read.misc;
	struct vmx3_intr_conf *ic = &s->dev_read.intr_conf;
	struct vmx3_tx_queue_desc *tqd = a->tqd;
	struct vmx3_rx_queue_desc *rqd = a->rqd;
	struct vmx3_txq *tq = &a->txq;
	struct vmx3_rxq *rq = &a->rxq;
	u32 i;

	memset(s, 0, sizeof(*s));
	s->magic = cpu_to_le32(VMX3_REV1_MAGIC);
	s->size = cpu_to_le32(sizeof(*s));

	misc->driver_info.version = cpu_to_le32(1);
	misc->driver_info.gos = cpu_to_le32(VMX3_GOS_BITS_64 |
					    VMX3_GOS_TYPE_LINUX << 2);
	misc->driver_info.vmxnet3_rev_spt = cpu_to_le32(BIT(VMX3_REVISION - 1));
	misc->driver_info.upt_ver_spt = cpu_to_le32(BIT(VMX3_UPT_VERSION - 1));
	misc->upt_features = cpu_to_le64(a->rxcsum ? VMX3_UPT_F_RXCSUM : 0);
	misc->queue_desc_pa = cpu_to_le64(a->qdesc_dma);
	misc->queue_desc_len = cpu_to_le32(sizeof(*tqd) + sizeof(*rqd));
	misc->mtu = cpu_to_le32(a->mtu);
	misc->max_num_rx_sg = cpu_to_le16(rq->max_frags);
	misc->num_tx_queues = 1;
	misc->num_rx_queues = 1;

	ic->auto_mask = a->auto_mask;
	ic->num_intrs = a->nvecs;
	ic->event_intr_idx = a->msix ? VMX3_VEC_EVENT : 0;
	for (i = 0; i < a->nvecs; i++)
		ic->mod_levels[i] = VMX3_IML_ADAPTIVE;
	ic->intr_ctrl = cpu_to_le32(VMX3_IC_DISABLE_ALL);

	/*
	 * Until pv_net passes the interface's rx mode (set_rx_mode, after
	 * every open): our address, broadcast and all multicast, any VLAN
	 * (pv_net does not offload VLAN filtering).
	 */
	s->dev_read.rx_filter_conf.rx_mode =
		cpu_to_le32(VMX3_RXM_UCAST | VMX3_RXM_BCAST | VMX3_RXM_ALL_MULTI);
	memset(s->dev_read.rx_filter_conf.vf_table, 0xff,
	       sizeof(s->dev_read.rx_filter_conf.vf_table));

	memset(tqd, 0, sizeof(*tqd));
	tqd->tx_ring_pa = cpu_to_le64(tq->ring_dma);
	tqd->comp_ring_pa = cpu_to_le64(tq->comp_dma);
	tqd->tx_ring_size = cpu_to_le32(tq->size);
	tqd->comp_ring_size = cpu_to_le32(tq->size);
	tqd->intr_idx = VMX3_VEC_QUEUE;

	memset(rqd, 0, sizeof(*rqd));
	for (i = 0; i < 2; i++) {
		rqd->rx_ring_pa[i] = cpu_to_le64(rq->ring_dma[i]);
		rqd->rx_ring_size[i] = cpu_to_le32(rq->size[i]);
	}
	rqd->comp_ring_pa = cpu_to_le64(rq->comp_dma);
	rqd->comp_ring_size = cpu_to_le32(rq->comp_size);
	rqd->intr_idx = VMX3_VEC_QUEUE;
}

/* ---- pv_net_ops ---------------------------------------------------------- */

static int vmx3_get_config(struct pv_device *pdev, struct pv_net_config *cfg)
{
	struct vmx3_adapter *a = pdev->backend_priv;

	ether_addr_copy(cfg->mac, a->mac);
	cfg->mtu = ETH_DATA_LEN;
	cfg->min_mtu = VMX3_MIN_MTU;
	cfg->max_mtu = VMX3_MAX_MTU;
	cfg->nr_queues = 1;
	cfg->rx_ring_size = a->rx_ring_size;
	cfg->tx_ring_size = a->tx_ring_size;
	cfg->max_rx_ring_size = VMX3_RING_MAX;
	cfg->max_tx_ring_size = VMX3_RING_MAX;
	vmx3_update_link(a, false);
	cfg->speed = a->speed;
	cfg->link_up = a->link_up;
	return 0;
}

static int vmx3_open(struct pv_device *pdev, u16 nr_queues, u32 mtu)
{
	struct vmx3_adapter *a = pdev->backend_priv;
	u32 ret;
	int err, i;

	if (nr_queues != 1 || mtu < VMX3_MIN_MTU || mtu > VMX3_MAX_MTU)
		return -EINVAL;
	if (pv_device_is_broken(pdev))
		return -EIO;
	a->mtu = mtu;
	err = vmx3_txq_alloc(a);
	if (err)
		return err;
	err = vmx3_rxq_alloc(a, mtu);
	if (err)
		goto out_free_txq;

	vmx3_fill_shared(a);
	/* Whatever a reset did to it, the device starts with our address. */
	vmx3_write_mac(a, a->mac);
	writel(lower_32_bits(a->shared_dma), a->bar1 + VMX3_REG_DSAL);
	writel(upper_32_bits(a->shared_dma), a->bar1 + VMX3_REG_DSAH);
	ret = vmx3_cmd(a, VMX3_CMD_ACTIVATE_DEV);
	if (ret) {
		dev_err(&a->pci->dev, "device refused activation: %#x\n", ret);
		err = -EIO;
		goto out_reset;
	}
	writel(a->rxq.next_fill[0], a->bar0 + VMX3_REG_RXPROD(0));
	writel(a->rxq.next_fill[1], a->bar0 + VMX3_REG_RXPROD2(0));

	err = vmx3_request_irqs(a);
	if (err)
		goto out_reset;
	a->open = true;
	a->shared->dev_read.intr_conf.intr_ctrl = 0;
	for (i = 0; i < a->nvecs; i++)
		vmx3_unmask_vec(a, i);
	vmx3_update_link(a, true);
	return 0;

out_reset:
	vmx3_cmd(a, VMX3_CMD_RESET_DEV);
	vmx3_rxq_free(a);
out_free_txq:
	vmx3_txq_free(a);
	return err;
}

static void vmx3_close(struct pv_device *pdev)
{
	struct vmx3_adapter *a = pdev->backend_priv;
	int i;

	a->shared->dev_read.intr_conf.intr_ctrl = cpu_to_le32(VMX3_IC_DISABLE_ALL);
	for (i = 0; i < a->nvecs; i++)
		vmx3_mask_vec(a, i);
	vmx3_cmd(a, VMX3_CMD_QUIESCE_DEV);
	vmx3_cmd(a, VMX3_CMD_RESET_DEV);
	vmx3_free_irqs(a);
	a->open = false;
	vmx3_rxq_free(a);
	vmx3_txq_free(a);
}

static int vmx3_set_features(struct pv_device *pdev, netdev_features_t features)
{
	struct vmx3_adapter *a = pdev->backend_priv;
	bool rxcsum = features & NETIF_F_RXCSUM;

	if (rxcsum == a->rxcsum)
		return 0;
	a->rxcsum = rxcsum;
	if (a->open) {
		a->shared->dev_read.misc.upt_features =
			cpu_to_le64(rxcsum ? VMX3_UPT_F_RXCSUM : 0);
		vmx3_cmd(a, VMX3_CMD_UPDATE_FEATURE);
	}
	return 0;
}

static int vmx3_set_ring_size(struct pv_device *pdev, u16 rx, u16 tx)
{
	struct vmx3_adapter *a = pdev->backend_priv;

	if (a->open)
		return -EBUSY;
	if (!vmx3_ring_size_valid(rx) || !vmx3_ring_size_valid(tx))
		return -EINVAL;
	a->rx_ring_size = rx;
	a->tx_ring_size = tx;
	return 0;
}

static const char vmx3_stat_names[][ETH_GSTRING_LEN] = {
	"vmxnet3_tx_linearized",
	"vmxnet3_tx_csum_fallback",
	"vmxnet3_tx_dma_errors",
	"vmxnet3_tx_dropped",
	"vmxnet3_tx_ring_full",
	"vmxnet3_rx_alloc_errors",
	"vmxnet3_rx_device_errors",
	"vmxnet3_rx_skipped",
	"vmxnet3_protocol_errors",
	"vmxnet3_link_events",
	/* Device counters (GET_STATS), while the interface is up. */
	"dev_tx_tso_pkts",
	"dev_tx_tso_bytes",
	"dev_tx_ucast_pkts",
	"dev_tx_ucast_bytes",
	"dev_tx_mcast_pkts",
	"dev_tx_mcast_bytes",
	"dev_tx_bcast_pkts",
	"dev_tx_bcast_bytes",
	"dev_tx_errors",
	"dev_tx_discards",
	"dev_rx_lro_pkts",
	"dev_rx_lro_bytes",
	"dev_rx_ucast_pkts",
	"dev_rx_ucast_bytes",
	"dev_rx_mcast_pkts",
	"dev_rx_mcast_bytes",
	"dev_rx_bcast_pkts",
	"dev_rx_bcast_bytes",
	"dev_rx_out_of_buf",
	"dev_rx_errors",
};

#define VMX3_NR_DRV_STATS	(sizeof(struct vmx3_counters) / sizeof(u64))
#define VMX3_NR_TX_STATS	(sizeof(struct vmx3_tx_stats) / sizeof(__le64))
#define VMX3_NR_RX_STATS	(sizeof(struct vmx3_rx_stats) / sizeof(__le64))
static_assert(ARRAY_SIZE(vmx3_stat_names) ==
	      VMX3_NR_DRV_STATS + VMX3_NR_TX_STATS + VMX3_NR_RX_STATS);

static int vmx3_get_stats_count(struct pv_device *pdev)
{
	return ARRAY_SIZE(vmx3_stat_names);
}

static void vmx3_get_stats_strings(struct pv_device *pdev, u8 *data)
{
	memcpy(data, vmx3_stat_names, sizeof(vmx3_stat_names));
}

static void vmx3_get_stats(struct pv_device *pdev, u64 *data)
{
	struct vmx3_adapter *a = pdev->backend_priv;
	const u64 *drv = (const u64 *)&a->cnt;
	const __le64 *txs = (const __le64 *)&a->tqd->stats;
	const __le64 *rxs = (const __le64 *)&a->rqd->stats;
	unsigned int i;

	for (i = 0; i < VMX3_NR_DRV_STATS; i++)
		*data++ = READ_ONCE(drv[i]);
	if (a->open)
		vmx3_cmd(a, VMX3_CMD_GET_STATS);
	for (i = 0; i < VMX3_NR_TX_STATS; i++)
		*data++ = a->open ? le64_to_cpu(READ_ONCE(txs[i])) : 0;
	for (i = 0; i < VMX3_NR_RX_STATS; i++)
		*data++ = a->open ? le64_to_cpu(READ_ONCE(rxs[i])) : 0;
}

/* pv ABI 3.1. pv_net has checked @mac (valid unicast). */
static int vmx3_set_mac_address(struct pv_device *pdev, const u8 *mac)
{
	struct vmx3_adapter *a = pdev->backend_priv;

	ASSERT_RTNL();
	ether_addr_copy(a->mac, mac);
	vmx3_write_mac(a, a->mac);
	return 0;
}

/*
 * pv ABI 3.2. The device filters by RxFilterConf: rx mode bits, and the
 * multicast table it copies on UPDATE_MAC_FILTERS (as it reads the mode
 * on UPDATE_RX_MODE). open() starts from vmx3_fill_shared()'s mode and
 * pv_net calls again after it, so a call while closed has nothing to do.
 */
static int vmx3_set_rx_mode(struct pv_device *pdev, unsigned int flags,
			    const u8 *mc_list, unsigned int mc_count)
{
	struct vmx3_adapter *a = pdev->backend_priv;
	struct vmx3_rx_filter_conf *rf = &a->shared->dev_read.rx_filter_conf;
	u32 mode = VMX3_RXM_UCAST | VMX3_RXM_BCAST;
	unsigned int n = 0;

	ASSERT_RTNL();
	if (!a->open)
		return 0;
	if (flags & PV_NET_RX_PROMISC)
		mode |= VMX3_RXM_PROMISC;
	if ((flags & PV_NET_RX_ALLMULTI) || mc_count > VMX3_MF_TABLE_MAX) {
		mode |= VMX3_RXM_ALL_MULTI;
	} else if (mc_count) {
		mode |= VMX3_RXM_MCAST;
		n = mc_count;
		memcpy(a->mf_table, mc_list, n * ETH_ALEN);
	}
	rf->mf_table_pa = cpu_to_le64(a->mf_table_dma);
	rf->mf_table_len = cpu_to_le16(n * ETH_ALEN);
	vmx3_cmd(a, VMX3_CMD_UPDATE_MAC_FILTERS);
	rf->rx_mode = cpu_to_le32(mode);
	vmx3_cmd(a, VMX3_CMD_UPDATE_RX_MODE);
	return 0;
}

/*
 * pv ABI 3.2: the tx watchdog fired. Reset the way every close and open
 * does (quiesce, reset, free the rings; new rings, activate), after
 * logging what the device says about its tx queue.
 */
static int vmx3_reset(struct pv_device *pdev)
{
	struct vmx3_adapter *a = pdev->backend_priv;

	ASSERT_RTNL();
	vmx3_cmd(a, VMX3_CMD_GET_QUEUE_STATUS);
	dev_warn(&a->pci->dev, "tx timeout with %u descriptors in flight (device: tx stopped %u, error %#x); resetting\n",
		 a->txq.in_flight, a->tqd->status.stopped,
		 le32_to_cpu(a->tqd->status.error));
	vmx3_close(pdev);
	return vmx3_open(pdev, 1, a->mtu);
}

static const struct pv_net_ops vmx3_net_ops = {
	.get_config		= vmx3_get_config,
	.open			= vmx3_open,
	.close			= vmx3_close,
	.xmit			= vmx3_xmit,
	.poll			= vmx3_poll,
	.irq_enable		= vmx3_irq_enable,
	.set_features		= vmx3_set_features,
	.set_ring_size		= vmx3_set_ring_size,
	.get_stats_count	= vmx3_get_stats_count,
	.get_stats_strings	= vmx3_get_stats_strings,
	.get_stats		= vmx3_get_stats,
	.set_mac_address	= vmx3_set_mac_address,
	.set_rx_mode		= vmx3_set_rx_mode,
	.reset			= vmx3_reset,
};

/* ---- PCI ----------------------------------------------------------------- */

/*
 * The registers the driver touches lie in BAR 0 (up to the rx producers)
 * and BAR 1 (up to the event cause): both must be memory BARs that large.
 */
static int vmx3_check_bars(struct pci_dev *pci)
{
	static const struct { int bar; resource_size_t need; } bars[] = {
		{ VMX3_BAR0, VMX3_REG_RXPROD2(0) + sizeof(u32) },
		{ VMX3_BAR1, VMX3_REG_ECR + sizeof(u32) },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bars); i++) {
		unsigned long flags = pci_resource_flags(pci, bars[i].bar);
		resource_size_t len = pci_resource_len(pci, bars[i].bar);

		if (!(flags & IORESOURCE_MEM) || len < bars[i].need) {
			dev_err(&pci->dev, "BAR %d is %s of %pa bytes; need memory of at least %pa\n",
				bars[i].bar, flags & IORESOURCE_MEM ? "memory" : "not memory",
				&len, &bars[i].need);
			return -ENODEV;
		}
	}
	return 0;
}

/*
 * Select revision 1 and UPT version 1, the ones this driver speaks, then
 * reset the device: a driver before us (the in-tree vmxnet3, handing the
 * NIC over) may have left it active at a later revision. Commands are only
 * defined once a revision is selected, so the reset comes after it, and
 * before bus mastering is enabled, so a device left active cannot DMA
 * until it is quiet.
 */
static int vmx3_negotiate(struct vmx3_adapter *a)
{
	u32 rev, upt;

	rev = readl(a->bar1 + VMX3_REG_VRRS);
	upt = readl(a->bar1 + VMX3_REG_UVRS);

	if (!(rev & BIT(VMX3_REVISION - 1)) || !(upt & BIT(VMX3_UPT_VERSION - 1))) {
		dev_err(&a->pci->dev, "device offers revisions %#x, UPT versions %#x; need 1 and 1\n",
			rev, upt);
		return -ENODEV;
	}
	writel(BIT(VMX3_REVISION - 1), a->bar1 + VMX3_REG_VRRS);
	writel(BIT(VMX3_UPT_VERSION - 1), a->bar1 + VMX3_REG_UVRS);
	vmx3_cmd(a, VMX3_CMD_RESET_DEV);
	return 0;
}

static void vmx3_read_mac(struct vmx3_adapter *a)
{
	u32 lo = readl(a->bar1 + VMX3_REG_MACL);
	u32 hi = readl(a->bar1 + VMX3_REG_MACH);
	int i;

	for (i = 0; i < 4; i++)
		a->mac[i] = lo >> (8 * i);
	a->mac[4] = hi;
	a->mac[5] = hi >> 8;
	if (!is_valid_ether_addr(a->mac)) {
		eth_random_addr(a->mac);
		dev_warn(&a->pci->dev, "device has no valid MAC address; using %pM\n",
			 a->mac);
		vmx3_write_mac(a, a->mac);
	}
	ether_addr_copy(a->perm_mac, a->mac);
}

static int vmx3_probe(struct pci_dev *pci, const struct pci_device_id *id)
{
	struct vmx3_adapter *a;
	struct pv_device *pdev;
	int err;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->pci = pci;
	spin_lock_init(&a->cmd_lock);
	a->tx_ring_size = VMX3_DEF_TX_RING;
	a->rx_ring_size = VMX3_DEF_RX_RING;
	a->rxcsum = true;
	a->speed = SPEED_UNKNOWN;
	pci_set_drvdata(pci, a);

	err = pci_enable_device(pci);
	if (err)
		goto out_free;
	err = vmx3_check_bars(pci);
	if (err)
		goto out_disable;
	err = pci_request_selected_regions(pci, BIT(VMX3_BAR0) | BIT(VMX3_BAR1),
					   VMX3_DRV_NAME);
	if (err)
		goto out_disable;
	err = dma_set_mask_and_coherent(&pci->dev, DMA_BIT_MASK(64));
	if (err)
		goto out_release;
	a->bar0 = pci_iomap(pci, VMX3_BAR0, 0);
	a->bar1 = pci_iomap(pci, VMX3_BAR1, 0);
	if (!a->bar0 || !a->bar1) {
		err = -ENOMEM;
		goto out_unmap;
	}

	err = vmx3_negotiate(a);
	if (err)
		goto out_unmap;
	pci_set_master(pci);
	vmx3_read_mac(a);

	a->shared = dma_alloc_coherent(&pci->dev, sizeof(*a->shared),
				       &a->shared_dma, GFP_KERNEL);
	if (!a->shared) {
		err = -ENOMEM;
		goto out_unmap;
	}
	a->tqd = dma_alloc_coherent(&pci->dev, sizeof(*a->tqd) + sizeof(*a->rqd),
				    &a->qdesc_dma, GFP_KERNEL);
	if (!a->tqd) {
		err = -ENOMEM;
		goto out_free_shared;
	}
	a->rqd = (struct vmx3_rx_queue_desc *)(a->tqd + 1);
	a->mf_table = dma_alloc_coherent(&pci->dev, VMX3_MF_TABLE_BYTES,
					 &a->mf_table_dma, GFP_KERNEL);
	if (!a->mf_table) {
		err = -ENOMEM;
		goto out_free_qdesc;
	}

	err = vmx3_alloc_vectors(a);
	if (err)
		goto out_free_mf_table;

	pdev = pv_device_alloc(&vmi_hypervisor, PV_CLASS_NET, &pci->dev);
	if (IS_ERR(pdev)) {
		err = PTR_ERR(pdev);
		goto out_free_vectors;
	}
	a->pdev = pdev;
	pv_device_set_ops(pdev, &vmx3_net_ops);
	pdev->backend_priv = a;
	pdev->features = PV_NET_F_TX_CSUM | PV_NET_F_RX_CSUM | PV_NET_F_SG |
			 PV_NET_F_TSO | PV_NET_F_TSO6 | PV_NET_F_MTU;
	vmx3_update_link(a, false);
	err = pv_device_add(pdev);
	if (err) {
		pv_device_put(pdev);
		goto out_free_vectors;
	}
	dev_info(&pci->dev, "%s: VMXNET3 revision 1, UPT 1, MAC %pM, %s%s, link %s\n",
		 dev_name(&pdev->dev), a->mac, vmx3_irq_mode(a),
		 a->auto_mask && !a->intx ? " (auto-masked)" : "",
		 a->link_up ? "up" : "down");
	return 0;

out_free_vectors:
	pci_free_irq_vectors(pci);
out_free_mf_table:
	dma_free_coherent(&pci->dev, VMX3_MF_TABLE_BYTES, a->mf_table,
			  a->mf_table_dma);
out_free_qdesc:
	dma_free_coherent(&pci->dev, sizeof(*a->tqd) + sizeof(*a->rqd), a->tqd,
			  a->qdesc_dma);
out_free_shared:
	dma_free_coherent(&pci->dev, sizeof(*a->shared), a->shared,
			  a->shared_dma);
out_unmap:
	if (a->bar1)
		pci_iounmap(pci, a->bar1);
	if (a->bar0)
		pci_iounmap(pci, a->bar0);
	pci_clear_master(pci);
out_release:
	pci_release_selected_regions(pci, BIT(VMX3_BAR0) | BIT(VMX3_BAR1));
out_disable:
	pci_disable_device(pci);
out_free:
	kfree(a);
	return err;
}

static void vmx3_remove(struct pci_dev *pci)
{
	struct vmx3_adapter *a = pci_get_drvdata(pci);

	/* pv_net's remove closes the interface, so the device is reset. */
	pv_device_unregister(a->pdev);
	/* The next driver, ours or the in-tree one, finds the device's own. */
	vmx3_write_mac(a, a->perm_mac);
	writel(0, a->bar1 + VMX3_REG_DSAL);
	writel(0, a->bar1 + VMX3_REG_DSAH);
	pci_free_irq_vectors(pci);
	dma_free_coherent(&pci->dev, VMX3_MF_TABLE_BYTES, a->mf_table,
			  a->mf_table_dma);
	dma_free_coherent(&pci->dev, sizeof(*a->tqd) + sizeof(*a->rqd), a->tqd,
			  a->qdesc_dma);
	dma_free_coherent(&pci->dev, sizeof(*a->shared), a->shared,
			  a->shared_dma);
	pci_iounmap(pci, a->bar1);
	pci_iounmap(pci, a->bar0);
	pci_clear_master(pci);
	pci_release_selected_regions(pci, BIT(VMX3_BAR0) | BIT(VMX3_BAR1));
	pci_disable_device(pci);
	kfree(a);
}

/* ---- power management and shutdown ---------------------------------------- */

/*
 * Suspend, hibernation's freeze and poweroff: pv_net closes the queues
 * (vmx3_close(): quiesce, reset, free the rings), so the device holds
 * nothing. A front-end that cannot be quiesced refuses the suspend.
 */
static int __maybe_unused vmx3_pm_suspend(struct device *dev)
{
	struct vmx3_adapter *a = dev_get_drvdata(dev);

	return pv_device_quiesce(a->pdev);
}

/*
 * The device may have been reset (QEMU resets it on the way back from
 * S3): select the revisions again as probe does, give it our address,
 * and let pv_net open the queues again (vmx3_open() writes the shared
 * area and activates).
 */
static int __maybe_unused vmx3_pm_resume(struct device *dev)
{
	struct vmx3_adapter *a = dev_get_drvdata(dev);
	int err;

	err = vmx3_negotiate(a);
	if (err) {
		vmx3_broken(a, "the device lost its revision on resume");
		return err;
	}
	vmx3_write_mac(a, a->mac);
	return pv_device_resume(a->pdev);
}

/* SIMPLE_DEV_PM_OPS, not its 5.17 successor: pv_vmi builds on 5.10 too. */
static SIMPLE_DEV_PM_OPS(vmx3_pm_ops, vmx3_pm_suspend, vmx3_pm_resume);

/*
 * Power off, reboot and kexec: no DMA into the next kernel's memory. An
 * interface pv_net cannot quiesce has its device masked and reset under
 * it (the rings stay allocated; nothing runs after this).
 */
static void vmx3_shutdown(struct pci_dev *pci)
{
	struct vmx3_adapter *a = pci_get_drvdata(pci);
	int i;

	if (!pv_device_quiesce(a->pdev))
		return;
	a->shared->dev_read.intr_conf.intr_ctrl = cpu_to_le32(VMX3_IC_DISABLE_ALL);
	for (i = 0; i < a->nvecs; i++)
		vmx3_mask_vec(a, i);
	vmx3_cmd(a, VMX3_CMD_QUIESCE_DEV);
	vmx3_cmd(a, VMX3_CMD_RESET_DEV);
}

static const struct pci_device_id vmx3_pci_ids[] = {
	{ PCI_DEVICE(VMX3_PCI_VENDOR, VMX3_PCI_DEVICE) },
	{ }
};

static struct pci_driver vmx3_pci_driver = {
	.name		= VMX3_DRV_NAME,
	.id_table	= vmx3_pci_ids,
	.probe		= vmx3_probe,
	.remove		= vmx3_remove,
	.shutdown	= vmx3_shutdown,
	.driver.pm	= &vmx3_pm_ops,
};

static bool vmx3_registered;

/**
 * vmi_vmxnet3_register() - drive the VMXNET3 NICs no other driver has
 *
 * Logs one line for each NIC another driver (the in-tree vmxnet3) already
 * has: those are left to it. Process context.
 *
 * Return: 0 or a negative errno.
 */
int vmi_vmxnet3_register(void)
{
	struct pci_dev *pci = NULL;
	int err;

	if (!vmxnet3)
		return 0;
	while ((pci = pci_get_device(VMX3_PCI_VENDOR, VMX3_PCI_DEVICE, pci))) {
		device_lock(&pci->dev);
		if (pci->dev.driver)
			pr_info("vmxnet3: %s is bound to %s; left to it\n",
				pci_name(pci), pci->dev.driver->name);
		device_unlock(&pci->dev);
	}
	err = pci_register_driver(&vmx3_pci_driver);
	if (err)
		return err;
	vmx3_registered = true;
	return 0;
}

void vmi_vmxnet3_unregister(void)
{
	if (vmx3_registered)
		pci_unregister_driver(&vmx3_pci_driver);
	vmx3_registered = false;
}
