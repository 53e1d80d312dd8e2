// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pv_vmi's VMXNET3 completion parsing
 * (modules/pv_vmi/vmxnet3_proto.c): what a well-behaved device writes is
 * accepted and decoded, and every hostile value (ring index out of range
 * or out of order, another queue's id, a length beyond the posted buffer,
 * stale or replayed generations, SOP/EOP out of sequence, too many
 * buffers, unknown completion types) is rejected. The parser is compiled
 * into this module, so no VMware is needed.
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
/* The code under test, compiled into this module. */
#include "../../modules/pv_vmi/vmxnet3_proto.c"
#include "../../modules/pv_vmi/vmxnet3_tso.c"

#define RING	64

/* ---- helpers ------------------------------------------------------------- */

static struct vmx3_tx_comp tcd(u32 idx, u32 gen, u32 type)
{
	return (struct vmx3_tx_comp) {
		.w0 = cpu_to_le32(idx),
		.w3 = cpu_to_le32((gen ? VMX3_CD_GEN : 0) |
				  type << VMX3_CD_TYPE_SHIFT),
	};
}

/*
 * An rx completion: @flags are w0 bits (SOP, EOP, CNC), @w2flags w2 bits
 * (ERR, TS), @w3flags w3 bits (TCP, TUC, V4, ...).
 */
static struct vmx3_rx_comp rcd(u32 idx, u32 rqid, u32 len, u32 flags,
			       u32 w2flags, u32 w3flags)
{
	return (struct vmx3_rx_comp) {
		.w0 = cpu_to_le32(idx | rqid << VMX3_RCD_RQID_SHIFT | flags),
		.w2 = cpu_to_le32(len | w2flags),
		.w3 = cpu_to_le32(VMX3_CD_GEN |
				  VMX3_CDTYPE_RXCOMP << VMX3_CD_TYPE_SHIFT |
				  w3flags),
	};
}

/* Queue 0 of 1: ring 0 of 1518-byte heads, ring 1 of pages, nothing pending. */
static struct vmx3_rxq_view rx_view(void)
{
	return (struct vmx3_rxq_view) {
		.qid = 0,
		.nr_queues = 1,
		.size = { RING, RING },
		.next = { 0, 0 },
		.posted = { RING - 1, RING - 1 },
		.buf_len = { 1518, 4096 },
		.max_frags = 3,
	};
}

#define CSUM_V4_TCP	(VMX3_RCD_TCP | VMX3_RCD_TUC | VMX3_RCD_V4 | VMX3_RCD_IPC)

/* ---- generation bit ------------------------------------------------------ */

static void vmx3_gen_selects_owner(struct kunit *test)
{
	struct vmx3_tx_comp c = tcd(0, 1, 0);

	KUNIT_EXPECT_TRUE(test, vmx3_comp_ready(c.w3, 1));
	KUNIT_EXPECT_FALSE(test, vmx3_comp_ready(c.w3, 0));
	c = tcd(0, 0, 0);
	KUNIT_EXPECT_TRUE(test, vmx3_comp_ready(c.w3, 0));
	KUNIT_EXPECT_FALSE(test, vmx3_comp_ready(c.w3, 1));
	/* Other bits never make a slot look ready. */
	c.w3 = cpu_to_le32(U32_MAX & ~VMX3_CD_GEN);
	KUNIT_EXPECT_FALSE(test, vmx3_comp_ready(c.w3, 1));
}

/* ---- tx completions ------------------------------------------------------ */

static void vmx3_tx_accepts_eop_in_flight(struct kunit *test)
{
	DECLARE_BITMAP(eop, RING) = { };
	struct vmx3_txq_view v = { .size = RING, .next_to_clean = 10,
				   .in_flight = 5, .eop_map = eop };
	struct vmx3_tx_comp c = tcd(12, 1, VMX3_CDTYPE_TXCOMP);
	u32 n = 0;

	__set_bit(12, eop);
	__set_bit(14, eop);
	KUNIT_ASSERT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 3u);
	/* One completion may cover several packets. */
	c = tcd(14, 1, VMX3_CDTYPE_TXCOMP);
	KUNIT_ASSERT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 5u);
}

static void vmx3_tx_wraps(struct kunit *test)
{
	DECLARE_BITMAP(eop, RING) = { };
	struct vmx3_txq_view v = { .size = RING, .next_to_clean = RING - 2,
				   .in_flight = 4, .eop_map = eop };
	struct vmx3_tx_comp c = tcd(1, 0, VMX3_CDTYPE_TXCOMP);
	u32 n = 0;

	__set_bit(1, eop);
	KUNIT_ASSERT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 4u);
}

static void vmx3_tx_rejects_index_out_of_ring(struct kunit *test)
{
	unsigned long eop[BITS_TO_LONGS(4096)] = { };
	struct vmx3_txq_view v = { .size = RING, .next_to_clean = 0,
				   .in_flight = RING - 1, .eop_map = eop };
	struct vmx3_tx_comp c = tcd(RING, 1, VMX3_CDTYPE_TXCOMP);
	u32 n = 77;

	/* Even with the bit set beyond the ring. */
	__set_bit(RING, eop);
	KUNIT_EXPECT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), -EPROTO);
	c = tcd(4095, 1, VMX3_CDTYPE_TXCOMP);
	KUNIT_EXPECT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), -EPROTO);
	KUNIT_EXPECT_EQ(test, n, 77u);
}

static void vmx3_tx_rejects_not_in_flight(struct kunit *test)
{
	DECLARE_BITMAP(eop, RING) = { };
	struct vmx3_txq_view v = { .size = RING, .next_to_clean = 10,
				   .in_flight = 2, .eop_map = eop };
	struct vmx3_tx_comp c = tcd(12, 1, VMX3_CDTYPE_TXCOMP);
	u32 n;

	/* Index 12 is the third descriptor from 10: only two are in flight. */
	__set_bit(12, eop);
	KUNIT_EXPECT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), -EPROTO);
	/* Behind next_to_clean: an already completed (replayed) index. */
	c = tcd(9, 1, VMX3_CDTYPE_TXCOMP);
	__set_bit(9, eop);
	KUNIT_EXPECT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), -EPROTO);
	/* Nothing in flight at all. */
	v.in_flight = 0;
	c = tcd(10, 1, VMX3_CDTYPE_TXCOMP);
	__set_bit(10, eop);
	KUNIT_EXPECT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), -EPROTO);
}

static void vmx3_tx_rejects_non_eop(struct kunit *test)
{
	DECLARE_BITMAP(eop, RING) = { };
	struct vmx3_txq_view v = { .size = RING, .next_to_clean = 0,
				   .in_flight = 4, .eop_map = eop };
	struct vmx3_tx_comp c = tcd(1, 1, VMX3_CDTYPE_TXCOMP);
	u32 n;

	/* A packet of descriptors 0..3: 1 is inside it. */
	__set_bit(3, eop);
	KUNIT_EXPECT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), -EPROTO);
}

static void vmx3_tx_rejects_other_types(struct kunit *test)
{
	DECLARE_BITMAP(eop, RING) = { };
	struct vmx3_txq_view v = { .size = RING, .next_to_clean = 0,
				   .in_flight = 1, .eop_map = eop };
	struct vmx3_tx_comp c = tcd(0, 1, VMX3_CDTYPE_RXCOMP);
	u32 n;

	__set_bit(0, eop);
	KUNIT_EXPECT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), -EPROTO);
	c = tcd(0, 1, 0x7f);
	KUNIT_EXPECT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), -EPROTO);
}

static void vmx3_tx_rejects_bad_view(struct kunit *test)
{
	DECLARE_BITMAP(eop, RING) = { };
	struct vmx3_txq_view v = { .size = 0, .eop_map = eop };
	struct vmx3_tx_comp c = tcd(0, 1, VMX3_CDTYPE_TXCOMP);
	u32 n;

	/* A ring of size 0 must not divide by zero. */
	KUNIT_EXPECT_EQ(test, vmx3_parse_tx_comp(&c, &v, &n), -EPROTO);
}

/* ---- rx completions ------------------------------------------------------ */

static void vmx3_rx_accepts_single_buffer(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_comp c = rcd(0, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0,
				    CSUM_V4_TCP);
	struct vmx3_rx_cd out;

	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_EQ(test, out.ring, 0u);
	KUNIT_EXPECT_EQ(test, out.idx, 0u);
	KUNIT_EXPECT_EQ(test, out.len, 60u);
	KUNIT_EXPECT_TRUE(test, out.sop);
	KUNIT_EXPECT_TRUE(test, out.eop);
	KUNIT_EXPECT_FALSE(test, out.err);
	KUNIT_EXPECT_TRUE(test, out.csum_ok);
}

static void vmx3_rx_accepts_qemu_completion(struct kunit *test)
{
	/* Exactly what QEMU 7.2 wrote for a 64-byte ARP reply: type 0, CNC. */
	struct vmx3_rx_comp c = {
		.w0 = cpu_to_le32(0x4000c000),
		.w2 = cpu_to_le32(0x00000040),
		.w3 = cpu_to_le32(0x80000000),
	};
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;

	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_EQ(test, out.len, 64u);
	KUNIT_EXPECT_FALSE(test, out.csum_ok);
}

static void vmx3_rx_checksum_flags(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;
	struct vmx3_rx_comp c;

	/* Not calculated: no claim, whatever else is set. */
	c = rcd(0, 0, 100, VMX3_RCD_SOP | VMX3_RCD_EOP | VMX3_RCD_CNC, 0,
		CSUM_V4_TCP);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_FALSE(test, out.csum_ok);
	/* IPv4 without a good IP header checksum. */
	c = rcd(0, 0, 100, VMX3_RCD_SOP | VMX3_RCD_EOP, 0,
		VMX3_RCD_TCP | VMX3_RCD_TUC | VMX3_RCD_V4);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_FALSE(test, out.csum_ok);
	/* A fragment: the L4 checksum cannot have been checked. */
	c = rcd(0, 0, 100, VMX3_RCD_SOP | VMX3_RCD_EOP, 0,
		CSUM_V4_TCP | VMX3_RCD_FRG);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_FALSE(test, out.csum_ok);
	/* IPv6 UDP. */
	c = rcd(0, 0, 100, VMX3_RCD_SOP | VMX3_RCD_EOP, 0,
		VMX3_RCD_UDP | VMX3_RCD_TUC | VMX3_RCD_V6);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_TRUE(test, out.csum_ok);
}

static void vmx3_rx_accepts_multi_buffer(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;
	struct vmx3_rx_comp c;

	v.next[0] = 5;
	v.next[1] = RING - 1;
	c = rcd(5, 0, 1518, VMX3_RCD_SOP, 0, 0);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_TRUE(test, out.sop);
	KUNIT_EXPECT_FALSE(test, out.eop);

	v.in_packet = true;
	v.frags = 1;
	/* The body continues in ring 1: rqID = qid + nr_queues. */
	c = rcd(RING - 1, 1, 4096, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_EQ(test, out.ring, 1u);
	KUNIT_EXPECT_EQ(test, out.idx, (u32)RING - 1);

	v.frags = 2;
	v.next[1] = 0;
	c = rcd(0, 1, 100, VMX3_RCD_EOP, 0, 0);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_TRUE(test, out.eop);
}

static void vmx3_rx_rejects_index_out_of_range(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out = { .len = 1234 };
	struct vmx3_rx_comp c;

	v.next[0] = RING;	/* even if the driver's own state were bogus */
	c = rcd(RING, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	c = rcd(4095, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	/* Nothing posted in ring 0: the driver passes size 0. */
	v = rx_view();
	v.size[0] = 0;
	c = rcd(0, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	/* Untouched on failure. */
	KUNIT_EXPECT_EQ(test, out.len, 1234u);
}

static void vmx3_rx_rejects_out_of_order(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;
	struct vmx3_rx_comp c;

	v.next[0] = 7;
	v.posted[0] = 4;	/* 7, 8, 9, 10 */
	/* Replaying a buffer already handed back, or one never posted. */
	c = rcd(6, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	c = rcd(11, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	c = rcd(7, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_EQ(test, out.skipped, 0u);
	/* Nothing posted at all. */
	v.posted[0] = 0;
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
}

/*
 * The device may pass over posted rx descriptors; the in-tree driver
 * tolerates it. It used to mark the NIC broken for good.
 */
static void vmx3_rx_accepts_forward_skip(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;
	struct vmx3_rx_comp c;

	v.next[0] = 7;
	v.posted[0] = 4;
	c = rcd(9, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_EQ(test, out.idx, 9u);
	KUNIT_EXPECT_EQ(test, out.skipped, 2u);
	c = rcd(10, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_EQ(test, out.skipped, 3u);
	/* Across the end of the ring. */
	v.next[0] = RING - 2;
	c = rcd(1, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_EQ(test, out.skipped, 3u);
	c = rcd(2, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	/* Body buffers too. */
	v = rx_view();
	v.in_packet = true;
	v.frags = 1;
	v.next[1] = 3;
	v.posted[1] = 8;
	c = rcd(5, 1, 100, VMX3_RCD_EOP, 0, 0);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_EQ(test, out.ring, 1u);
	KUNIT_EXPECT_EQ(test, out.skipped, 2u);
}

static void vmx3_rx_rejects_bad_queue_id(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;
	struct vmx3_rx_comp c;
	u32 rqid;

	for (rqid = 2; rqid < 1024; rqid = rqid * 2 + 1) {
		c = rcd(0, rqid, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
		KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	}
	/* Queue 1 of 2 owns rqIDs 1 and 3, not 0 or 2. */
	v.qid = 1;
	v.nr_queues = 2;
	c = rcd(0, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	c = rcd(0, 2, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	c = rcd(0, 1, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	/* A queue id beyond the queues the driver has. */
	v.qid = 2;
	c = rcd(0, 2, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
}

static void vmx3_rx_rejects_length_beyond_buffer(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;
	struct vmx3_rx_comp c;

	c = rcd(0, 0, 1519, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	c = rcd(0, 0, VMX3_RCD_LEN, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	/* A body buffer is a page. */
	v.in_packet = true;
	v.frags = 1;
	c = rcd(0, 1, 4097, VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	c = rcd(0, 1, 4096, VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
}

static void vmx3_rx_rejects_sop_eop_games(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;
	struct vmx3_rx_comp c;

	/* A continuation with no packet started. */
	c = rcd(0, 1, 100, VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	c = rcd(0, 0, 100, VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	/* A new SOP while a packet is in progress. */
	v.in_packet = true;
	v.frags = 1;
	c = rcd(0, 0, 100, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	/* A SOP from the body ring. */
	v = rx_view();
	c = rcd(0, 1, 100, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	/* A continuation in the head ring. */
	v.in_packet = true;
	v.frags = 1;
	c = rcd(0, 0, 100, VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	/* An empty first buffer that is not an error. */
	v = rx_view();
	c = rcd(0, 0, 0, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	c = rcd(0, 0, 0, VMX3_RCD_SOP | VMX3_RCD_EOP, VMX3_RCD_ERR, 0);
	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_TRUE(test, out.err);
}

static void vmx3_rx_rejects_too_many_buffers(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;
	struct vmx3_rx_comp c = rcd(0, 1, 100, 0, 0, 0);

	v.in_packet = true;
	v.frags = v.max_frags - 1;
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	v.frags = v.max_frags;
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	/* A device told "one buffer per packet" must not chain at all. */
	v = rx_view();
	v.max_frags = 1;
	v.in_packet = true;
	v.frags = 1;
	KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
}

static void vmx3_rx_rejects_other_types(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;
	struct vmx3_rx_comp c = rcd(0, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP, 0, 0);
	u32 type;

	for (type = 1; type < 0x80; type++) {
		if (type == VMX3_CDTYPE_RXCOMP)
			continue;
		c.w3 = cpu_to_le32(VMX3_CD_GEN | type << VMX3_CD_TYPE_SHIFT);
		KUNIT_EXPECT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), -EPROTO);
	}
}

static void vmx3_rx_vlan_tag(struct kunit *test)
{
	struct vmx3_rxq_view v = rx_view();
	struct vmx3_rx_cd out;
	struct vmx3_rx_comp c = rcd(0, 0, 60, VMX3_RCD_SOP | VMX3_RCD_EOP,
				    VMX3_RCD_TS | 0x123 << VMX3_RCD_TCI_SHIFT, 0);

	KUNIT_ASSERT_EQ(test, vmx3_parse_rx_comp(&c, &v, &out), 0);
	KUNIT_EXPECT_TRUE(test, out.vlan_stripped);
	KUNIT_EXPECT_EQ(test, out.tci, 0x123);
}

/* ---- other replies ------------------------------------------------------- */

static void vmx3_link_reply(struct kunit *test)
{
	bool up;
	u32 speed;

	vmx3_parse_link(1000 << 16 | 1, &up, &speed);	/* QEMU */
	KUNIT_EXPECT_TRUE(test, up);
	KUNIT_EXPECT_EQ(test, speed, 1000u);
	vmx3_parse_link(0, &up, &speed);
	KUNIT_EXPECT_FALSE(test, up);
	KUNIT_EXPECT_EQ(test, speed, (u32)SPEED_UNKNOWN);
	vmx3_parse_link(0xffffffff, &up, &speed);
	KUNIT_EXPECT_TRUE(test, up);
	KUNIT_EXPECT_EQ(test, speed, 0xffffu);
}

static void vmx3_ring_sizes(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmx3_ring_size_valid(32));
	KUNIT_EXPECT_TRUE(test, vmx3_ring_size_valid(4096));
	KUNIT_EXPECT_FALSE(test, vmx3_ring_size_valid(0));
	KUNIT_EXPECT_FALSE(test, vmx3_ring_size_valid(100));
	KUNIT_EXPECT_FALSE(test, vmx3_ring_size_valid(4096 + 32));
}

/* ---- TSO headers --------------------------------------------------------- */

/* A 64 KiB TCP super-packet as the stack hands it to a TSO driver. */
static struct sk_buff *tso_skb(struct kunit *test, bool v6)
{
	unsigned int nh = v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	unsigned int len = ETH_HLEN + nh + sizeof(struct tcphdr);
	unsigned int payload = 65000;
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);
	struct tcphdr *th;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, skb);
	skb_put(skb, len);
	memset(skb->data, 0, len);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, ETH_HLEN + nh);
	th = tcp_hdr(skb);
	th->doff = sizeof(*th) / 4;
	skb_shinfo(skb)->gso_size = 1448;
	if (v6) {
		struct ipv6hdr *ip6 = ipv6_hdr(skb);

		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV6;
		ip6->version = 6;
		ip6->nexthdr = IPPROTO_TCP;
		ip6->payload_len = htons(sizeof(*th) + payload);
		ip6->saddr.s6_addr[15] = 1;
		ip6->daddr.s6_addr[15] = 2;
		ip6->saddr.s6_addr[0] = ip6->daddr.s6_addr[0] = 0xfd;
		/* The stack's seed: the pseudo-header sum with the length. */
		th->check = ~csum_ipv6_magic(&ip6->saddr, &ip6->daddr,
					     sizeof(*th) + payload, IPPROTO_TCP, 0);
	} else {
		struct iphdr *iph = ip_hdr(skb);

		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
		iph->version = 4;
		iph->ihl = 5;
		iph->protocol = IPPROTO_TCP;
		iph->tot_len = htons(nh + sizeof(*th) + payload);
		iph->saddr = htonl(0x0a00020f);
		iph->daddr = htonl(0x0a000202);
		iph->check = ip_fast_csum((u8 *)iph, iph->ihl);
		th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr,
					       sizeof(*th) + payload, IPPROTO_TCP, 0);
	}
	return skb;
}

/*
 * The device adds each segment's length: it must get the pseudo-header
 * sum without one (and IPv4 check 0), as the in-tree vmxnet3 gives it.
 * Before, the stack's seed went out unchanged.
 */
static void vmx3_tso_seeds_pseudo_header_without_length(struct kunit *test)
{
	struct sk_buff *skb = tso_skb(test, false);
	struct iphdr *iph = ip_hdr(skb);

	vmx3_tso_prepare_headers(skb);
	KUNIT_EXPECT_EQ(test, iph->check, 0);
	KUNIT_EXPECT_EQ(test, tcp_hdr(skb)->check,
			(__sum16)~csum_tcpudp_magic(htonl(0x0a00020f), htonl(0x0a000202),
						    0, IPPROTO_TCP, 0));
	/* Nothing else in the headers moved. */
	KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), 20 + 20 + 65000);
	kfree_skb(skb);

	skb = tso_skb(test, true);
	vmx3_tso_prepare_headers(skb);
	KUNIT_EXPECT_EQ(test, tcp_hdr(skb)->check,
			(__sum16)~csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
						  &ipv6_hdr(skb)->daddr, 0,
						  IPPROTO_TCP, 0));
	KUNIT_EXPECT_EQ(test, ntohs(ipv6_hdr(skb)->payload_len), 20 + 65000);
	kfree_skb(skb);
}

static struct kunit_case vmx3_cases[] = {
	KUNIT_CASE(vmx3_gen_selects_owner),
	KUNIT_CASE(vmx3_tx_accepts_eop_in_flight),
	KUNIT_CASE(vmx3_tx_wraps),
	KUNIT_CASE(vmx3_tx_rejects_index_out_of_ring),
	KUNIT_CASE(vmx3_tx_rejects_not_in_flight),
	KUNIT_CASE(vmx3_tx_rejects_non_eop),
	KUNIT_CASE(vmx3_tx_rejects_other_types),
	KUNIT_CASE(vmx3_tx_rejects_bad_view),
	KUNIT_CASE(vmx3_rx_accepts_single_buffer),
	KUNIT_CASE(vmx3_rx_accepts_qemu_completion),
	KUNIT_CASE(vmx3_rx_checksum_flags),
	KUNIT_CASE(vmx3_rx_accepts_multi_buffer),
	KUNIT_CASE(vmx3_rx_rejects_index_out_of_range),
	KUNIT_CASE(vmx3_rx_rejects_out_of_order),
	KUNIT_CASE(vmx3_rx_accepts_forward_skip),
	KUNIT_CASE(vmx3_tso_seeds_pseudo_header_without_length),
	KUNIT_CASE(vmx3_rx_rejects_bad_queue_id),
	KUNIT_CASE(vmx3_rx_rejects_length_beyond_buffer),
	KUNIT_CASE(vmx3_rx_rejects_sop_eop_games),
	KUNIT_CASE(vmx3_rx_rejects_too_many_buffers),
	KUNIT_CASE(vmx3_rx_rejects_other_types),
	KUNIT_CASE(vmx3_rx_vlan_tag),
	KUNIT_CASE(vmx3_link_reply),
	KUNIT_CASE(vmx3_ring_sizes),
	{}
};

static struct kunit_suite vmx3_suite = {
	.name = "pv_vmi_vmxnet3",
	.test_cases = vmx3_cases,
};

kunit_test_suites(&vmx3_suite);

MODULE_DESCRIPTION("KUnit tests for pv_vmi's VMXNET3 completion parsing");
MODULE_LICENSE("GPL");
