/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMXNET3 device ABI, as far as pv_vmi uses it (device revision 1, UPT
 * version 1: what every VMXNET3 implementation, QEMU's included, speaks),
 * and the pure functions that check what the device writes back.
 *
 * Descriptors are declared as little-endian words with explicit masks
 * rather than bitfields: the layout is then the same on any host and the
 * parsers read exactly the bits they validate.
 */
#ifndef _PV_VMI_VMXNET3_PROTO_H
#define _PV_VMI_VMXNET3_PROTO_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/types.h>

#define VMX3_PCI_VENDOR		0x15ad
#define VMX3_PCI_DEVICE		0x07b0

/* BAR 0 (pass-through registers): one 8-byte slot per queue/vector. */
#define VMX3_BAR0		0
#define VMX3_REG_IMR(v)		(0x000 + 8 * (v))	/* interrupt mask */
#define VMX3_REG_TXPROD(q)	(0x600 + 8 * (q))	/* tx producer */
#define VMX3_REG_RXPROD(q)	(0x800 + 8 * (q))	/* rx ring 0 producer */
#define VMX3_REG_RXPROD2(q)	(0xa00 + 8 * (q))	/* rx ring 1 producer */

/* BAR 1 (virtual device registers). */
#define VMX3_BAR1		1
#define VMX3_REG_VRRS		0x00	/* revision report/select */
#define VMX3_REG_UVRS		0x08	/* UPT version report/select */
#define VMX3_REG_DSAL		0x10	/* DriverShared address, low */
#define VMX3_REG_DSAH		0x18	/* DriverShared address, high */
#define VMX3_REG_CMD		0x20
#define VMX3_REG_MACL		0x28
#define VMX3_REG_MACH		0x30
#define VMX3_REG_ICR		0x38	/* interrupt cause (INTx) */
#define VMX3_REG_ECR		0x40	/* event cause: write 1s to ack */

#define VMX3_REVISION		1
#define VMX3_UPT_VERSION	1

/* Commands written to VMX3_REG_CMD. */
#define VMX3_CMD_ACTIVATE_DEV		0xcafe0000
#define VMX3_CMD_QUIESCE_DEV		0xcafe0001
#define VMX3_CMD_RESET_DEV		0xcafe0002
#define VMX3_CMD_UPDATE_RX_MODE		0xcafe0003
#define VMX3_CMD_UPDATE_MAC_FILTERS	0xcafe0004
#define VMX3_CMD_UPDATE_VLAN_FILTERS	0xcafe0005
#define VMX3_CMD_UPDATE_FEATURE		0xcafe0009
#define VMX3_CMD_GET_QUEUE_STATUS	0xf00d0000
#define VMX3_CMD_GET_STATS		0xf00d0001
#define VMX3_CMD_GET_LINK		0xf00d0002
#define VMX3_CMD_GET_CONF_INTR		0xf00d0008

/* GET_LINK: bit 0 up, bits 31:16 speed in Mb/s. */
#define VMX3_LINK_UP		BIT(0)
#define VMX3_LINK_SPEED_SHIFT	16

/* GET_CONF_INTR: bits 1:0 interrupt type, bits 3:2 mask mode. */
#define VMX3_IT_AUTO		0
#define VMX3_IT_INTX		1
#define VMX3_IT_MSI		2
#define VMX3_IT_MSIX		3
#define VMX3_IMM_AUTO		0

/* Event cause bits (DriverShared.ecr and VMX3_REG_ECR). */
#define VMX3_ECR_RQERR		BIT(0)
#define VMX3_ECR_TQERR		BIT(1)
#define VMX3_ECR_LINK		BIT(2)
#define VMX3_ECR_DIC		BIT(3)
#define VMX3_ECR_DEBUG		BIT(4)

/* UPT feature bits (MiscConf.upt_features). */
#define VMX3_UPT_F_RXCSUM	BIT_ULL(0)
#define VMX3_UPT_F_RSS		BIT_ULL(1)
#define VMX3_UPT_F_RXVLAN	BIT_ULL(2)
#define VMX3_UPT_F_LRO		BIT_ULL(3)

/* Rx filter modes. */
#define VMX3_RXM_UCAST		BIT(0)
#define VMX3_RXM_MCAST		BIT(1)
#define VMX3_RXM_BCAST		BIT(2)
#define VMX3_RXM_ALL_MULTI	BIT(3)
#define VMX3_RXM_PROMISC	BIT(4)

#define VMX3_REV1_MAGIC		0xbabefee1
#define VMX3_GOS_BITS_64	2
#define VMX3_GOS_TYPE_LINUX	1

#define VMX3_MAX_TX_QUEUES	8
#define VMX3_MAX_RX_QUEUES	16
#define VMX3_MAX_INTRS		25
#define VMX3_IML_ADAPTIVE	8

#define VMX3_MIN_MTU		60
#define VMX3_MAX_MTU		9000

#define VMX3_RING_ALIGN		512	/* ring base addresses */
#define VMX3_RING_SIZE_ALIGN	32	/* ring sizes are multiples of it */
#define VMX3_RING_MAX		4096	/* tx, tx completion, rx rings */
#define VMX3_RX_COMP_RING_MAX	8192
#define VMX3_QDESC_ALIGN	128

#define VMX3_MAX_TX_BUF		(1 << 14)	/* bytes per tx descriptor; 0 means this */
#define VMX3_MAX_RX_BUF		((1 << 14) - 1)
#define VMX3_MAX_TXD_PER_PKT	16		/* without TSO */
#define VMX3_MAX_CSUM_OFFSET	1024

/* ---- descriptors --------------------------------------------------------- */

/* Tx descriptor: words 2 and 3. */
#define VMX3_TXD_LEN		GENMASK(13, 0)
#define VMX3_TXD_GEN		BIT(14)
#define VMX3_TXD_MSSCOF_SHIFT	18		/* MSS or checksum offset */
#define VMX3_TXD_HLEN		GENMASK(9, 0)
#define VMX3_TXD_OM_SHIFT	10
#define VMX3_TXD_EOP		BIT(12)
#define VMX3_TXD_CQ		BIT(13)
#define VMX3_TXD_TI		BIT(15)
#define VMX3_TXD_TCI_SHIFT	16

#define VMX3_OM_NONE		0
#define VMX3_OM_CSUM		2
#define VMX3_OM_TSO		3

struct vmx3_tx_desc {
	__le64 addr;
	__le32 w2;	/* len, gen, dtype, msscof */
	__le32 w3;	/* hlen, om, eop, cq, ti, tci */
};

/* Tx completion descriptor. */
#define VMX3_TCD_TXIDX		GENMASK(11, 0)	/* w0: index of the EOP tx descriptor */
#define VMX3_CD_TYPE_SHIFT	24		/* w3: completion type */
#define VMX3_CD_TYPE		GENMASK(30, 24)
#define VMX3_CD_GEN		BIT(31)		/* w3: generation */

#define VMX3_CDTYPE_TXCOMP	0
#define VMX3_CDTYPE_RXCOMP	3
#define VMX3_CDTYPE_RXCOMP_LRO	4

struct vmx3_tx_comp {
	__le32 w0;
	__le32 w1;
	__le32 w2;
	__le32 w3;
};

/* Rx descriptor: word 2. */
#define VMX3_RXD_LEN		GENMASK(13, 0)
#define VMX3_RXD_BTYPE_BODY	BIT(14)		/* clear: head buffer */
#define VMX3_RXD_GEN		BIT(31)

struct vmx3_rx_desc {
	__le64 addr;
	__le32 w2;
	__le32 w3;
};

/* Rx completion descriptor. */
#define VMX3_RCD_RXIDX		GENMASK(11, 0)	/* w0 */
#define VMX3_RCD_EOP		BIT(14)
#define VMX3_RCD_SOP		BIT(15)
#define VMX3_RCD_RQID_SHIFT	16
#define VMX3_RCD_RQID		GENMASK(25, 16)
#define VMX3_RCD_CNC		BIT(30)		/* checksum not calculated */
#define VMX3_RCD_LEN		GENMASK(13, 0)	/* w2 */
#define VMX3_RCD_ERR		BIT(14)
#define VMX3_RCD_TS		BIT(15)		/* VLAN tag stripped */
#define VMX3_RCD_TCI_SHIFT	16
#define VMX3_RCD_TUC		BIT(16)		/* w3: TCP/UDP checksum correct */
#define VMX3_RCD_UDP		BIT(17)
#define VMX3_RCD_TCP		BIT(18)
#define VMX3_RCD_IPC		BIT(19)		/* IPv4 header checksum correct */
#define VMX3_RCD_V6		BIT(20)
#define VMX3_RCD_V4		BIT(21)
#define VMX3_RCD_FRG		BIT(22)

struct vmx3_rx_comp {
	__le32 w0;
	__le32 rss_hash;
	__le32 w2;
	__le32 w3;
};

/* ---- the shared area ----------------------------------------------------- */

struct vmx3_driver_info {
	__le32 version;
	__le32 gos;		/* bits 1:0 gos bits, 5:2 type, 21:6 version */
	__le32 vmxnet3_rev_spt;
	__le32 upt_ver_spt;
};

struct vmx3_misc_conf {
	struct vmx3_driver_info driver_info;
	__le64 upt_features;
	__le64 dd_pa;
	__le64 queue_desc_pa;
	__le32 dd_len;
	__le32 queue_desc_len;
	__le32 mtu;
	__le16 max_num_rx_sg;
	u8 num_tx_queues;
	u8 num_rx_queues;
	__le32 reserved[4];
};

struct vmx3_intr_conf {
	u8 auto_mask;
	u8 num_intrs;
	u8 event_intr_idx;
	u8 mod_levels[VMX3_MAX_INTRS];
	__le32 intr_ctrl;	/* bit 0: all interrupts disabled */
	__le32 reserved[2];
};

#define VMX3_IC_DISABLE_ALL	BIT(0)
#define VMX3_VFT_WORDS		(4096 / 32)

struct vmx3_rx_filter_conf {
	__le32 rx_mode;
	__le16 mf_table_len;
	__le16 pad;
	__le64 mf_table_pa;
	__le32 vf_table[VMX3_VFT_WORDS];
};

struct vmx3_var_conf {
	__le32 conf_ver;
	__le32 conf_len;
	__le64 conf_pa;
};

struct vmx3_ds_dev_read {
	struct vmx3_misc_conf misc;
	struct vmx3_intr_conf intr_conf;
	struct vmx3_rx_filter_conf rx_filter_conf;
	struct vmx3_var_conf rss_conf;
	struct vmx3_var_conf pm_conf;
	struct vmx3_var_conf plugin_conf;
};

struct vmx3_driver_shared {
	__le32 magic;
	__le32 size;
	struct vmx3_ds_dev_read dev_read;
	__le32 ecr;
	__le32 reserved;
	__le32 cmd_info[4];
};

struct vmx3_tx_stats {
	__le64 tso_pkts, tso_bytes;
	__le64 ucast_pkts, ucast_bytes;
	__le64 mcast_pkts, mcast_bytes;
	__le64 bcast_pkts, bcast_bytes;
	__le64 errors, discards;
};

struct vmx3_rx_stats {
	__le64 lro_pkts, lro_bytes;
	__le64 ucast_pkts, ucast_bytes;
	__le64 mcast_pkts, mcast_bytes;
	__le64 bcast_pkts, bcast_bytes;
	__le64 out_of_buf, errors;
};

struct vmx3_queue_status {
	u8 stopped;
	u8 pad[3];
	__le32 error;
};

struct vmx3_tx_queue_desc {
	/* ctrl */
	__le32 tx_num_deferred;
	__le32 tx_threshold;
	__le64 ctrl_reserved;
	/* conf */
	__le64 tx_ring_pa;
	__le64 data_ring_pa;
	__le64 comp_ring_pa;
	__le64 dd_pa;
	__le64 conf_reserved;
	__le32 tx_ring_size;
	__le32 data_ring_size;
	__le32 comp_ring_size;
	__le32 dd_len;
	u8 intr_idx;
	u8 pad1;
	__le16 tx_data_desc_size;
	u8 pad2[4];
	struct vmx3_queue_status status;
	struct vmx3_tx_stats stats;
	u8 pad[88];
};

/* The rx queue descriptors follow the tx ones in one allocation. */
static_assert(sizeof(struct vmx3_tx_queue_desc) % VMX3_QDESC_ALIGN == 0);

struct vmx3_rx_queue_desc {
	/* ctrl */
	u8 update_rx_prod;
	u8 ctrl_pad[7];
	__le64 ctrl_reserved;
	/* conf */
	__le64 rx_ring_pa[2];
	__le64 comp_ring_pa;
	__le64 dd_pa;
	__le64 rx_data_ring_pa;
	__le32 rx_ring_size[2];
	__le32 comp_ring_size;
	__le32 dd_len;
	u8 intr_idx;
	u8 pad1;
	__le16 rx_data_desc_size;
	u8 pad2[4];
	struct vmx3_queue_status status;
	struct vmx3_rx_stats stats;
	u8 pad[88];
};

static_assert(sizeof(struct vmx3_tx_desc) == 16);
static_assert(sizeof(struct vmx3_tx_comp) == 16);
static_assert(sizeof(struct vmx3_rx_desc) == 16);
static_assert(sizeof(struct vmx3_rx_comp) == 16);
static_assert(sizeof(struct vmx3_misc_conf) == 72);
static_assert(sizeof(struct vmx3_intr_conf) == 40);
static_assert(sizeof(struct vmx3_tx_queue_desc) == 256);
static_assert(sizeof(struct vmx3_rx_queue_desc) == 256);
static_assert(offsetof(struct vmx3_driver_shared, dev_read) == 8);

/* ---- completion parsing -------------------------------------------------- */

/**
 * struct vmx3_txq_view - what the driver knows about a tx ring
 * @size: descriptors in the ring
 * @next_to_clean: oldest descriptor not yet completed
 * @in_flight: descriptors posted and not completed
 * @eop_map: bitmap of @size bits: set for the EOP descriptor of every
 *	packet in flight
 */
struct vmx3_txq_view {
	u32 size;
	u32 next_to_clean;
	u32 in_flight;
	const unsigned long *eop_map;
};

/**
 * struct vmx3_rxq_view - what the driver knows about an rx queue
 * @qid: the queue's index; its ring 0 reports rqID @qid, ring 1
 *	@qid + @nr_queues
 * @nr_queues: rx queues the device was activated with
 * @size: descriptors in ring 0 and ring 1 (0 when a ring is unused)
 * @next: index of the next descriptor the device must consume in each
 *	ring (it consumes each ring in order, but may skip descriptors)
 * @posted: buffers posted in each ring from @next on
 * @buf_len: length of the buffers posted in each ring
 * @in_packet: a SOP was seen and its EOP not yet
 * @frags: buffers of the packet in progress so far
 * @max_frags: most buffers a packet may span (MiscConf.max_num_rx_sg)
 */
struct vmx3_rxq_view {
	u32 qid;
	u32 nr_queues;
	u32 size[2];
	u32 next[2];
	u32 posted[2];
	u32 buf_len[2];
	bool in_packet;
	u32 frags;
	u32 max_frags;
};

/**
 * struct vmx3_rx_cd - a validated rx completion
 * @ring: 0 (head buffers) or 1 (body buffers)
 * @idx: descriptor index in @ring
 * @skipped: posted descriptors before @idx the device passed over; their
 *	buffers come back unused
 * @len: bytes the device wrote into the buffer
 * @sop: first buffer of a packet
 * @eop: last buffer of a packet
 * @err: the device reports the packet bad (truncated, ...): drop it
 * @csum_ok: the device verified the TCP/UDP checksum (and the IPv4 one)
 * @vlan_stripped: @tci holds a VLAN tag the device removed
 * @tci: that tag
 */
struct vmx3_rx_cd {
	u32 ring;
	u32 idx;
	u32 skipped;
	u32 len;
	bool sop;
	bool eop;
	bool err;
	bool csum_ok;
	bool vlan_stripped;
	u16 tci;
};

bool vmx3_comp_ready(__le32 w3, u32 gen);
int vmx3_parse_tx_comp(const struct vmx3_tx_comp *cd,
		       const struct vmx3_txq_view *v, u32 *ndesc);
int vmx3_parse_rx_comp(const struct vmx3_rx_comp *cd,
		       const struct vmx3_rxq_view *v, struct vmx3_rx_cd *out);
bool vmx3_ring_size_valid(u32 size);

struct sk_buff;
void vmx3_tso_prepare_headers(struct sk_buff *skb);
void vmx3_parse_link(u32 reply, bool *up, u32 *speed);

#endif /* _PV_VMI_VMXNET3_PROTO_H */
