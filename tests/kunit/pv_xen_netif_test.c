// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pv_xen's netif parsing (modules/pv_xen/netif_proto.c):
 * what netback writes is accepted and decoded, and every hostile value is
 * rejected: tx ids out of the ring or not in flight, unknown statuses,
 * NULL responses nobody asked for, rx responses naming another slot,
 * offsets and lengths beyond the page, flags out of place, extras of kinds
 * never negotiated, packets that never end or are too short, producer
 * indexes running ahead of the requests, absurd xenstore numbers and bad
 * MAC strings. The parsers are compiled into this module, so no Xen is
 * needed; the driver marks the device broken on each -EPROTO seen here.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
/* The code under test, compiled into this module. */
#include "../../modules/pv_xen/xs_proto.c"
#include "../../modules/pv_xen/netif_proto.c"

#define RING	256

/* ---- helpers ------------------------------------------------------------- */

static struct xen_netif_tx_response txr(u16 id, s16 status)
{
	return (struct xen_netif_tx_response){ .id = id, .status = status };
}

static struct xen_netif_rx_response rxr(u16 id, u16 offset, u16 flags,
					s16 status)
{
	return (struct xen_netif_rx_response){
		.id = id, .offset = offset, .flags = flags, .status = status,
	};
}

/* An extra-info slot, as netback writes it over an rx response. */
static struct xen_netif_rx_response rx_extra(u8 type, u8 flags, u16 gso_size,
					     u8 gso_type)
{
	struct xen_netif_extra_info ex = {
		.type = type,
		.flags = flags,
		.u.gso = { .size = gso_size, .type = gso_type },
	};
	struct xen_netif_rx_response r;

	memcpy(&r, &ex, sizeof(r));
	return r;
}

static struct xen_netif_rx_view rx_view(void)
{
	return (struct xen_netif_rx_view){
		.ring_size = RING,
		.gso_types = BIT(XEN_NETIF_GSO_TYPE_TCPV4) |
			     BIT(XEN_NETIF_GSO_TYPE_TCPV6),
		.max_data = 17,
	};
}

/* ---- producer index ------------------------------------------------------ */

static void netif_rsp_prod_bounded_by_requests(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xen_netif_rsp_prod_ok(10, 10, 20));
	KUNIT_EXPECT_TRUE(test, xen_netif_rsp_prod_ok(20, 10, 20));
	KUNIT_EXPECT_FALSE(test, xen_netif_rsp_prod_ok(21, 10, 20));
	/* Behind what was consumed: a huge distance, not a small one. */
	KUNIT_EXPECT_FALSE(test, xen_netif_rsp_prod_ok(9, 10, 20));
	/* Free-running indexes wrap. */
	KUNIT_EXPECT_TRUE(test, xen_netif_rsp_prod_ok(2, 0xfffffff0u, 5));
	KUNIT_EXPECT_FALSE(test, xen_netif_rsp_prod_ok(6, 0xfffffff0u, 5));
	KUNIT_EXPECT_FALSE(test, xen_netif_rsp_prod_ok(0x80000000u, 0, 256));
}

/* ---- tx responses -------------------------------------------------------- */

static void netif_tx_accepts_ids_in_flight(struct kunit *test)
{
	DECLARE_BITMAP(in_use, RING) = { };
	struct xen_netif_tx_view v = { .ring_size = RING, .in_use = in_use };
	struct xen_netif_tx_response r = txr(7, XEN_NETIF_RSP_OKAY);
	struct xen_netif_tx_done d;

	__set_bit(7, in_use);
	__set_bit(RING - 1, in_use);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), 0);
	KUNIT_EXPECT_EQ(test, d.id, 7);
	KUNIT_EXPECT_FALSE(test, d.null);
	KUNIT_EXPECT_FALSE(test, d.failed);
	r = txr(RING - 1, XEN_NETIF_RSP_OKAY);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), 0);
	KUNIT_EXPECT_EQ(test, d.id, RING - 1);
}

static void netif_tx_error_statuses_fail_the_packet(struct kunit *test)
{
	DECLARE_BITMAP(in_use, RING) = { };
	struct xen_netif_tx_view v = { .ring_size = RING, .in_use = in_use };
	struct xen_netif_tx_response r = txr(3, XEN_NETIF_RSP_ERROR);
	struct xen_netif_tx_done d;

	__set_bit(3, in_use);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), 0);
	KUNIT_EXPECT_TRUE(test, d.failed);
	r = txr(3, XEN_NETIF_RSP_DROPPED);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), 0);
	KUNIT_EXPECT_TRUE(test, d.failed);
}

static void netif_tx_rejects_ids_out_of_ring(struct kunit *test)
{
	unsigned long in_use[BITS_TO_LONGS(65536)];
	struct xen_netif_tx_view v = { .ring_size = RING, .in_use = in_use };
	struct xen_netif_tx_done d = { .id = 99 };
	struct xen_netif_tx_response r;

	/* Even with the bits set beyond the ring. */
	bitmap_fill(in_use, 65536);
	r = txr(RING, XEN_NETIF_RSP_OKAY);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), -EPROTO);
	r = txr(0xffff, XEN_NETIF_RSP_OKAY);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), -EPROTO);
	r = txr(0xffff, XEN_NETIF_RSP_ERROR);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), -EPROTO);
	KUNIT_EXPECT_EQ(test, d.id, 99);
}

static void netif_tx_rejects_ids_not_in_flight(struct kunit *test)
{
	DECLARE_BITMAP(in_use, RING) = { };
	struct xen_netif_tx_view v = { .ring_size = RING, .in_use = in_use };
	struct xen_netif_tx_response r = txr(5, XEN_NETIF_RSP_OKAY);
	struct xen_netif_tx_done d;

	/* Nothing in flight at all. */
	KUNIT_EXPECT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), -EPROTO);
	/* A neighbour is; a replay of an id already completed is not. */
	__set_bit(4, in_use);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), -EPROTO);
	r = txr(4, XEN_NETIF_RSP_OKAY);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), 0);
}

static void netif_tx_rejects_unknown_statuses(struct kunit *test)
{
	static const s16 bad[] = { -3, -32768, 2, 3, 255, 32767 };
	DECLARE_BITMAP(in_use, RING) = { };
	struct xen_netif_tx_view v = { .ring_size = RING, .in_use = in_use,
				       .nulls_pending = 5 };
	struct xen_netif_tx_response r;
	struct xen_netif_tx_done d;
	unsigned int i;

	__set_bit(1, in_use);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r = txr(1, bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, xen_netif_parse_tx_rsp(&r, &v, &d),
				    -EPROTO, "status %d", bad[i]);
	}
}

static void netif_tx_null_only_for_extra_slots(struct kunit *test)
{
	DECLARE_BITMAP(in_use, RING) = { };
	struct xen_netif_tx_view v = { .ring_size = RING, .in_use = in_use };
	struct xen_netif_tx_response r = txr(0xffff, XEN_NETIF_RSP_NULL);
	struct xen_netif_tx_done d;

	KUNIT_EXPECT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), -EPROTO);
	v.nulls_pending = 1;
	/* Its id is not looked at: the slot held extra info, not an id. */
	KUNIT_ASSERT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), 0);
	KUNIT_EXPECT_TRUE(test, d.null);
}

static void netif_tx_rejects_bad_view(struct kunit *test)
{
	DECLARE_BITMAP(in_use, RING) = { };
	struct xen_netif_tx_view v = { .ring_size = 0, .in_use = in_use };
	struct xen_netif_tx_response r = txr(0, XEN_NETIF_RSP_OKAY);
	struct xen_netif_tx_done d;

	bitmap_fill(in_use, RING);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), -EPROTO);
	v.ring_size = 100;
	KUNIT_EXPECT_EQ(test, xen_netif_parse_tx_rsp(&r, &v, &d), -EPROTO);
}

/* ---- rx responses -------------------------------------------------------- */

static void netif_rx_accepts_single_slot(struct kunit *test)
{
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st = { };
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r;

	r = rxr(10, 64, XEN_NETRXF_data_validated, 1514);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 10, &v, &s), 0);
	KUNIT_EXPECT_TRUE(test, st.done);
	KUNIT_EXPECT_TRUE(test, s.data);
	KUNIT_EXPECT_TRUE(test, s.use);
	KUNIT_EXPECT_EQ(test, s.offset, 64);
	KUNIT_EXPECT_EQ(test, s.len, 1514);
	KUNIT_EXPECT_TRUE(test, st.data_validated);
	KUNIT_EXPECT_FALSE(test, st.csum_blank);
	KUNIT_EXPECT_EQ(test, st.len, 1514u);
	/* A full page, and the id of a slot after the ring wrapped. */
	xen_netif_rx_reset(&st);
	r = rxr(RING - 1, 0, XEN_NETRXF_csum_blank, 4096);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0xffffffffu, &v, &s), 0);
	KUNIT_EXPECT_TRUE(test, st.csum_blank);
	/* A finished packet takes no more slots until reset. */
	r = rxr(0, 0, 0, 60);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), -EPROTO);
}

/*
 * A slot that fails the packet leaves @out alone, as documented: a
 * complete packet shorter than an Ethernet header used to be written out
 * (or, completed by an extra slot, zeroed) before -EPROTO. Found by
 * tests/fuzz (crashes/netif_proto-rx-short-packet-writes-out*).
 */
static void netif_rx_short_packet_leaves_out_alone(struct kunit *test)
{
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st = { };
	struct xen_netif_rx_slot s, poison;
	struct xen_netif_rx_response r;

	memset(&poison, 0xa5, sizeof(poison));
	s = poison;
	r = rxr(5, 0, 0, ETH_HLEN - 4);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 5, &v, &s), -EPROTO);
	KUNIT_EXPECT_EQ(test, memcmp(&s, &poison, sizeof(s)), 0);

	/* The same, completed by its GSO extra-info slot. */
	xen_netif_rx_reset(&st);
	r = rxr(6, 0, XEN_NETRXF_extra_info, ETH_HLEN - 4);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 6, &v, &s), 0);
	s = poison;
	r = rx_extra(XEN_NETIF_EXTRA_TYPE_GSO, 0, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 7, &v, &s), -EPROTO);
	KUNIT_EXPECT_EQ(test, memcmp(&s, &poison, sizeof(s)), 0);
}

static void netif_rx_accepts_multi_slot_gso(struct kunit *test)
{
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st = { };
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r;

	r = rxr(20, 0, XEN_NETRXF_csum_blank | XEN_NETRXF_data_validated |
		XEN_NETRXF_extra_info | XEN_NETRXF_more_data, 4096);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 20, &v, &s), 0);
	KUNIT_EXPECT_FALSE(test, st.done);
	r = rx_extra(XEN_NETIF_EXTRA_TYPE_GSO, 0, 1448, XEN_NETIF_GSO_TYPE_TCPV4);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 21, &v, &s), 0);
	KUNIT_EXPECT_FALSE(test, s.data);
	KUNIT_EXPECT_FALSE(test, s.use);
	KUNIT_EXPECT_FALSE(test, st.done);
	KUNIT_EXPECT_EQ(test, st.gso_size, 1448);
	KUNIT_EXPECT_EQ(test, st.gso_type, XEN_NETIF_GSO_TYPE_TCPV4);
	r = rxr(22, 0, XEN_NETRXF_more_data, 4096);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 22, &v, &s), 0);
	r = rxr(23, 0, 0, 1000);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 23, &v, &s), 0);
	KUNIT_EXPECT_TRUE(test, st.done);
	KUNIT_EXPECT_EQ(test, st.nr_slots, 4u);
	KUNIT_EXPECT_EQ(test, st.nr_data, 3u);
	KUNIT_EXPECT_EQ(test, st.len, 9192u);
	KUNIT_EXPECT_FALSE(test, st.error);
}

static void netif_rx_rejects_other_slots_ids(struct kunit *test)
{
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st = { };
	struct xen_netif_rx_slot s = { .offset = 77 };
	struct xen_netif_rx_response r;

	r = rxr(11, 0, 0, 60);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 10, &v, &s), -EPROTO);
	r = rxr(RING + 10, 0, 0, 60);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 10, &v, &s), -EPROTO);
	r = rxr(0xffff, 0, 0, 60);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 10, &v, &s), -EPROTO);
	/* In the middle of a packet too. */
	r = rxr(10, 0, XEN_NETRXF_more_data, 100);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 10, &v, &s), 0);
	r = rxr(10, 0, 0, 100);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 11, &v, &s), -EPROTO);
}

static void netif_rx_rejects_data_beyond_the_page(struct kunit *test)
{
	static const struct { u16 offset; s16 len; } bad[] = {
		{ 0, 4097 }, { 4000, 97 }, { 4095, 2 }, { 4096, 0 },
		{ 4096, 60 }, { 0xffff, 60 }, { 0, 32767 }, { 2048, 2049 },
	};
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st;
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		xen_netif_rx_reset(&st);
		r = rxr(5, bad[i].offset, 0, bad[i].len);
		KUNIT_EXPECT_EQ_MSG(test, xen_netif_parse_rx_slot(&st, &r, 5, &v, &s),
				    -EPROTO, "offset %u len %d", bad[i].offset,
				    bad[i].len);
	}
	/* Right up to the end of the page is fine. */
	xen_netif_rx_reset(&st);
	r = rxr(5, 4000, 0, 96);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 5, &v, &s), 0);
}

static void netif_rx_error_statuses_drop_the_packet(struct kunit *test)
{
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st = { };
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r;

	r = rxr(1, 0, XEN_NETRXF_more_data, XEN_NETIF_RSP_ERROR);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 1, &v, &s), 0);
	KUNIT_EXPECT_FALSE(test, s.use);
	KUNIT_EXPECT_TRUE(test, st.error);
	/* The chain is followed to its end so its slots are recycled. */
	r = rxr(2, 0, 0, 1000);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 2, &v, &s), 0);
	KUNIT_EXPECT_TRUE(test, st.done);
	KUNIT_EXPECT_FALSE(test, s.use);
	xen_netif_rx_reset(&st);
	r = rxr(3, 0, 0, XEN_NETIF_RSP_DROPPED);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 3, &v, &s), 0);
	KUNIT_EXPECT_TRUE(test, st.done);
	KUNIT_EXPECT_TRUE(test, st.error);
}

static void netif_rx_rejects_unknown_statuses(struct kunit *test)
{
	static const s16 bad[] = { -3, -100, -32768 };
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st;
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		xen_netif_rx_reset(&st);
		r = rxr(0, 0, 0, bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s),
				    -EPROTO, "status %d", bad[i]);
	}
}

static void netif_rx_rejects_flags_out_of_place(struct kunit *test)
{
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st = { };
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r;

	/* gso_prefix was never negotiated; unknown bits are not in the protocol. */
	r = rxr(0, 0, XEN_NETRXF_gso_prefix, 60);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), -EPROTO);
	r = rxr(0, 0, BIT(5), 60);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), -EPROTO);
	r = rxr(0, 0, 0xffff, 60);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), -EPROTO);
	/* Past the first slot only more_data may be set. */
	r = rxr(0, 0, XEN_NETRXF_more_data, 100);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), 0);
	r = rxr(1, 0, XEN_NETRXF_extra_info, 100);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 1, &v, &s), -EPROTO);
	r = rxr(1, 0, XEN_NETRXF_csum_blank, 100);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 1, &v, &s), -EPROTO);
}

static void netif_rx_rejects_bad_extras(struct kunit *test)
{
	static const struct { u8 type, flags; u16 size; u8 gso_type; } bad[] = {
		{ XEN_NETIF_EXTRA_TYPE_NONE, 0, 1448, XEN_NETIF_GSO_TYPE_TCPV4 },
		{ XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0, 0, 0 },
		{ XEN_NETIF_EXTRA_TYPE_HASH, 0, 0, 0 },
		{ XEN_NETIF_EXTRA_TYPE_XDP, 0, 0, 0 },
		{ 200, 0, 1448, XEN_NETIF_GSO_TYPE_TCPV4 },
		{ XEN_NETIF_EXTRA_TYPE_GSO, 0, 0, XEN_NETIF_GSO_TYPE_TCPV4 },
		{ XEN_NETIF_EXTRA_TYPE_GSO, 0, 1448, XEN_NETIF_GSO_TYPE_NONE },
		{ XEN_NETIF_EXTRA_TYPE_GSO, 0, 1448, 3 },
		{ XEN_NETIF_EXTRA_TYPE_GSO, 0, 1448, 255 },
		{ XEN_NETIF_EXTRA_TYPE_GSO, 0x80, 1448, XEN_NETIF_GSO_TYPE_TCPV4 },
	};
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st;
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		xen_netif_rx_reset(&st);
		r = rxr(0, 0, XEN_NETRXF_extra_info | XEN_NETRXF_csum_blank, 1000);
		KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), 0);
		r = rx_extra(bad[i].type, bad[i].flags, bad[i].size, bad[i].gso_type);
		KUNIT_EXPECT_EQ_MSG(test, xen_netif_parse_rx_slot(&st, &r, 1, &v, &s),
				    -EPROTO, "extra %u", i);
	}
	/* TCPv6 GSO when only TCPv4 was advertised. */
	v.gso_types = BIT(XEN_NETIF_GSO_TYPE_TCPV4);
	xen_netif_rx_reset(&st);
	r = rxr(0, 0, XEN_NETRXF_extra_info, 1000);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), 0);
	r = rx_extra(XEN_NETIF_EXTRA_TYPE_GSO, 0, 1448, XEN_NETIF_GSO_TYPE_TCPV6);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 1, &v, &s), -EPROTO);
	/* A second GSO extra. */
	v = rx_view();
	xen_netif_rx_reset(&st);
	r = rxr(0, 0, XEN_NETRXF_extra_info, 1000);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), 0);
	r = rx_extra(XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE, 1448,
		     XEN_NETIF_GSO_TYPE_TCPV4);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 1, &v, &s), 0);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 2, &v, &s), -EPROTO);
}

static void netif_rx_rejects_runt_frames(struct kunit *test)
{
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st = { };
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r;

	r = rxr(0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), -EPROTO);
	xen_netif_rx_reset(&st);
	r = rxr(0, 0, 0, ETH_HLEN - 1);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), -EPROTO);
	/* Short pieces adding up to a header are fine. */
	xen_netif_rx_reset(&st);
	r = rxr(0, 0, XEN_NETRXF_more_data, 8);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), 0);
	r = rxr(1, 0, 0, 6);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 1, &v, &s), 0);
	KUNIT_EXPECT_TRUE(test, st.done);
}

static void netif_rx_oversize_packets_are_dropped(struct kunit *test)
{
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st = { };
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r;
	u32 i;

	for (i = 0; i < v.max_data; i++) {
		r = rxr(i, 0, XEN_NETRXF_more_data, 4096);
		KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, i, &v, &s), 0);
		KUNIT_EXPECT_TRUE(test, s.use);
	}
	r = rxr(i, 0, 0, 100);
	KUNIT_ASSERT_EQ(test, xen_netif_parse_rx_slot(&st, &r, i, &v, &s), 0);
	KUNIT_EXPECT_TRUE(test, st.oversize);
	KUNIT_EXPECT_FALSE(test, s.use);
	KUNIT_EXPECT_TRUE(test, st.done);
}

static void netif_rx_rejects_endless_packets(struct kunit *test)
{
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st = { };
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r;
	int err = 0;
	u32 i;

	/* more_data forever: never more slots than the ring has. */
	for (i = 0; i <= RING && !err; i++) {
		r = rxr(i % RING, 0, XEN_NETRXF_more_data, 4096);
		err = xen_netif_parse_rx_slot(&st, &r, i, &v, &s);
	}
	KUNIT_EXPECT_EQ(test, err, -EPROTO);
	KUNIT_EXPECT_EQ(test, i, RING + 1);
}

static void netif_rx_rejects_bad_view(struct kunit *test)
{
	struct xen_netif_rx_view v = rx_view();
	struct xen_netif_rx_state st = { };
	struct xen_netif_rx_slot s;
	struct xen_netif_rx_response r = rxr(0, 0, 0, 60);

	v.ring_size = 0;
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), -EPROTO);
	v.ring_size = 255;
	KUNIT_EXPECT_EQ(test, xen_netif_parse_rx_slot(&st, &r, 0, &v, &s), -EPROTO);
}

/* ---- tx slots ------------------------------------------------------------ */

static void netif_tx_slots_cut_at_pages(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xen_netif_tx_slots(0, 1), 1u);
	KUNIT_EXPECT_EQ(test, xen_netif_tx_slots(0, 4096), 1u);
	KUNIT_EXPECT_EQ(test, xen_netif_tx_slots(1, 4096), 2u);
	KUNIT_EXPECT_EQ(test, xen_netif_tx_slots(4095, 2), 2u);
	KUNIT_EXPECT_EQ(test, xen_netif_tx_slots(4096 + 10, 100), 1u);
	KUNIT_EXPECT_EQ(test, xen_netif_tx_slots(0, 65536), 16u);
	KUNIT_EXPECT_EQ(test, xen_netif_tx_slots(100, 65535), 17u);
}

/* ---- xenstore values ----------------------------------------------------- */

static void netif_features_are_zero_or_one(struct kunit *test)
{
	static const char *const bad[] = {
		"", "2", "-1", "1x", " 1", "yes", "true",
		"99999999999999999999999", "4294967297",
	};
	bool on = true;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, xen_netif_parse_feature(NULL, &on), 0);
	KUNIT_EXPECT_FALSE(test, on);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_feature("1", &on), 0);
	KUNIT_EXPECT_TRUE(test, on);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_feature("0", &on), 0);
	KUNIT_EXPECT_FALSE(test, on);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		on = true;
		KUNIT_EXPECT_NE_MSG(test, xen_netif_parse_feature(bad[i], &on), 0,
				    "\"%s\"", bad[i]);
		KUNIT_EXPECT_TRUE(test, on);
	}
}

static void netif_max_queues_bounded(struct kunit *test)
{
	static const char *const bad[] = {
		"0", "65536", "4294967295", "4294967296",
		"18446744073709551616", "-4", "8 ", "0x10", "",
	};
	unsigned int n = 0;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, xen_netif_parse_max_queues(NULL, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 1u);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_max_queues("8", &n), 0);
	KUNIT_EXPECT_EQ(test, n, 8u);
	KUNIT_EXPECT_EQ(test, xen_netif_parse_max_queues("65535", &n), 0);
	KUNIT_EXPECT_EQ(test, n, 65535u);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		n = 77;
		KUNIT_EXPECT_NE_MSG(test, xen_netif_parse_max_queues(bad[i], &n),
				    0, "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, n, 77u);
	}
}

static void netif_negotiation(struct kunit *test)
{
	struct xen_netif_backend_features be = {
		.max_queues = 4, .split_evtchn = true, .sg = true,
		.gso_tcpv4 = true, .gso_tcpv6 = true, .ipv6_csum = true,
		.rx_copy = true,
	};
	struct xen_netif_negotiated n;

	xen_netif_negotiate(&be, 2, true, &n);
	KUNIT_EXPECT_EQ(test, n.nr_queues, 2u);
	KUNIT_EXPECT_TRUE(test, n.split_evtchn);
	KUNIT_EXPECT_TRUE(test, n.tx_csum && n.tx_csum6 && n.sg && n.tso && n.tso6);
	xen_netif_negotiate(&be, 16, false, &n);
	KUNIT_EXPECT_EQ(test, n.nr_queues, 4u);
	KUNIT_EXPECT_FALSE(test, n.split_evtchn);
	/* GSO needs scatter-gather... */
	be.sg = false;
	xen_netif_negotiate(&be, 1, true, &n);
	KUNIT_EXPECT_FALSE(test, n.tso || n.tso6 || n.sg);
	KUNIT_EXPECT_TRUE(test, n.tx_csum);
	/* ...and checksum offload, IPv6 GSO the IPv6 one. */
	be.sg = true;
	be.ipv6_csum = false;
	xen_netif_negotiate(&be, 1, true, &n);
	KUNIT_EXPECT_TRUE(test, n.tso);
	KUNIT_EXPECT_FALSE(test, n.tso6 || n.tx_csum6);
	be.no_csum = true;
	xen_netif_negotiate(&be, 1, true, &n);
	KUNIT_EXPECT_FALSE(test, n.tx_csum || n.tso || n.tso6);
	/* Whatever the numbers, at least one queue. */
	be.max_queues = 0;
	xen_netif_negotiate(&be, 0, true, &n);
	KUNIT_EXPECT_EQ(test, n.nr_queues, 1u);
}

static void netif_mac_strings(struct kunit *test)
{
	static const char *const bad[] = {
		"", "00:16:3e:4e:e7", "00:16:3e:4e:e7:01:02", "00-16-3e-4e-e7-01",
		"00:16:3e:4e:e7:0", "0:16:3e:4e:e7:01 ", "zz:16:3e:4e:e7:01",
		"00:16:3e:4e:e7:0g", "01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff",
		"00:00:00:00:00:00", "00:16:3e:4e:e7:01\n",
	};
	static const u8 want[ETH_ALEN] = { 0x00, 0x16, 0x3e, 0x4e, 0xe7, 0x01 };
	u8 mac[ETH_ALEN] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
	unsigned int i;

	KUNIT_ASSERT_EQ(test, xen_parse_mac("00:16:3e:4e:e7:01", mac), 0);
	KUNIT_EXPECT_EQ(test, memcmp(mac, want, ETH_ALEN), 0);
	KUNIT_ASSERT_EQ(test, xen_parse_mac("00:16:3E:4E:E7:01", mac), 0);
	KUNIT_EXPECT_EQ(test, memcmp(mac, want, ETH_ALEN), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(mac, 0xaa, sizeof(mac));
		KUNIT_EXPECT_EQ_MSG(test, xen_parse_mac(bad[i], mac), -EINVAL,
				    "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, mac[0], 0xaa);
	}
	KUNIT_EXPECT_EQ(test, xen_parse_mac(NULL, mac), -EINVAL);
}

static struct kunit_case netif_cases[] = {
	KUNIT_CASE(netif_rsp_prod_bounded_by_requests),
	KUNIT_CASE(netif_rx_short_packet_leaves_out_alone),
	KUNIT_CASE(netif_tx_accepts_ids_in_flight),
	KUNIT_CASE(netif_tx_error_statuses_fail_the_packet),
	KUNIT_CASE(netif_tx_rejects_ids_out_of_ring),
	KUNIT_CASE(netif_tx_rejects_ids_not_in_flight),
	KUNIT_CASE(netif_tx_rejects_unknown_statuses),
	KUNIT_CASE(netif_tx_null_only_for_extra_slots),
	KUNIT_CASE(netif_tx_rejects_bad_view),
	KUNIT_CASE(netif_rx_accepts_single_slot),
	KUNIT_CASE(netif_rx_accepts_multi_slot_gso),
	KUNIT_CASE(netif_rx_rejects_other_slots_ids),
	KUNIT_CASE(netif_rx_rejects_data_beyond_the_page),
	KUNIT_CASE(netif_rx_error_statuses_drop_the_packet),
	KUNIT_CASE(netif_rx_rejects_unknown_statuses),
	KUNIT_CASE(netif_rx_rejects_flags_out_of_place),
	KUNIT_CASE(netif_rx_rejects_bad_extras),
	KUNIT_CASE(netif_rx_rejects_runt_frames),
	KUNIT_CASE(netif_rx_oversize_packets_are_dropped),
	KUNIT_CASE(netif_rx_rejects_endless_packets),
	KUNIT_CASE(netif_rx_rejects_bad_view),
	KUNIT_CASE(netif_tx_slots_cut_at_pages),
	KUNIT_CASE(netif_features_are_zero_or_one),
	KUNIT_CASE(netif_max_queues_bounded),
	KUNIT_CASE(netif_negotiation),
	KUNIT_CASE(netif_mac_strings),
	{}
};

static struct kunit_suite netif_suite = {
	.name = "pv_xen_netif",
	.test_cases = netif_cases,
};

kunit_test_suites(&netif_suite);

MODULE_DESCRIPTION("KUnit tests for pv_xen's netif response and xenstore parsing");
MODULE_LICENSE("GPL");
