// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pv_xen's blkif checks (modules/pv_xen/blkif_proto.c):
 * what blkback writes is accepted, and every hostile value - a response id
 * out of range or not outstanding, an echoed operation that differs, a
 * producer index ahead of the requests made, unknown statuses, absurd ring
 * orders, queue counts, indirect segment counts and sector sizes - is
 * rejected or bounded. The code is compiled into this module: no Xen needed.
 */
#include <kunit/test.h>
#include "../../modules/pv_xen/blkif_proto.c"

/* blk_status_t is a sparse-restricted type: compare its values as such. */
#define EXPECT_STS(test, got, want) \
	KUNIT_EXPECT_EQ(test, (__force int)(got), (__force int)(want))

#define RING	32

static void ops_free(u8 *ops)
{
	memset(ops, XEN_BLKIF_ID_FREE, RING);
}

static struct blkif_response rsp(u64 id, u8 op, s16 status)
{
	return (struct blkif_response){ .id = id, .operation = op,
					.status = status };
}

/* ---- responses ----------------------------------------------------------- */

static void blkif_rsp_ok(struct kunit *test)
{
	struct blkif_response r = rsp(5, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	struct xen_blkif_rsp out;
	u8 ops[RING];

	ops_free(ops);
	ops[5] = BLKIF_OP_READ;
	KUNIT_ASSERT_EQ(test, xen_blkif_rsp_decode(&r, RING, ops, &out), 0);
	KUNIT_EXPECT_EQ(test, out.id, 5);
	EXPECT_STS(test, out.status, BLK_STS_OK);
	KUNIT_EXPECT_FALSE(test, out.notsupp);
}

static void blkif_rsp_statuses(struct kunit *test)
{
	static const struct { s16 status; blk_status_t sts; bool notsupp; } t[] = {
		{ BLKIF_RSP_OKAY, BLK_STS_OK, false },
		{ BLKIF_RSP_ERROR, BLK_STS_IOERR, false },
		{ BLKIF_RSP_EOPNOTSUPP, BLK_STS_NOTSUPP, true },
		/* Unknown statuses fail the request, nothing more. */
		{ 1, BLK_STS_IOERR, false },
		{ -3, BLK_STS_IOERR, false },
		{ S16_MIN, BLK_STS_IOERR, false },
		{ S16_MAX, BLK_STS_IOERR, false },
	};
	struct xen_blkif_rsp out;
	u8 ops[RING];
	int i;

	ops_free(ops);
	ops[0] = BLKIF_OP_FLUSH_DISKCACHE;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct blkif_response r = rsp(0, BLKIF_OP_FLUSH_DISKCACHE,
					      t[i].status);

		KUNIT_ASSERT_EQ(test, xen_blkif_rsp_decode(&r, RING, ops, &out), 0);
		KUNIT_EXPECT_EQ_MSG(test, (__force int)out.status,
				    (__force int)t[i].sts, "status %d", t[i].status);
		KUNIT_EXPECT_EQ(test, out.notsupp, t[i].notsupp);
	}
}

static void blkif_rsp_rejects_bad_id(struct kunit *test)
{
	static const u64 ids[] = { RING, RING + 1, 255, 0x10000, U32_MAX,
				   (u64)U32_MAX + 3, U64_MAX };
	struct xen_blkif_rsp out = { .id = 7 };
	u8 ops[RING];
	int i;

	/* Every id in use, so only the range check can refuse. */
	memset(ops, BLKIF_OP_WRITE, RING);
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		struct blkif_response r = rsp(ids[i], BLKIF_OP_WRITE, 0);

		KUNIT_EXPECT_EQ_MSG(test, xen_blkif_rsp_decode(&r, RING, ops, &out),
				    -EPROTO, "id %llu", ids[i]);
	}
	KUNIT_EXPECT_EQ(test, out.id, 7);	/* untouched */
}

static void blkif_rsp_rejects_not_outstanding(struct kunit *test)
{
	struct blkif_response r = rsp(3, BLKIF_OP_READ, 0);
	struct xen_blkif_rsp out;
	u8 ops[RING];

	ops_free(ops);
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_decode(&r, RING, ops, &out), -EPROTO);
	/* A replay after completion is the same thing. */
	ops[3] = BLKIF_OP_READ;
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_decode(&r, RING, ops, &out), 0);
	ops[3] = XEN_BLKIF_ID_FREE;
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_decode(&r, RING, ops, &out), -EPROTO);
}

static void blkif_rsp_rejects_wrong_op(struct kunit *test)
{
	static const u8 bad[] = { BLKIF_OP_WRITE, BLKIF_OP_WRITE_BARRIER,
				  BLKIF_OP_FLUSH_DISKCACHE, BLKIF_OP_DISCARD,
				  BLKIF_OP_INDIRECT, 4, 7, 0xfe,
				  XEN_BLKIF_ID_FREE };
	struct xen_blkif_rsp out;
	u8 ops[RING];
	int i;

	ops_free(ops);
	ops[9] = BLKIF_OP_READ;	/* an indirect read echoes READ */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct blkif_response r = rsp(9, bad[i], 0);

		KUNIT_EXPECT_EQ_MSG(test, xen_blkif_rsp_decode(&r, RING, ops, &out),
				    -EPROTO, "op %u", bad[i]);
	}
}

static void blkif_rsp_window(struct kunit *test)
{
	/* Three requests made, two answered. */
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_window(12, 10, 13), 2);
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_window(10, 10, 13), 0);
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_window(13, 10, 13), 3);
	/* Ahead of the requests, or behind the consumer. */
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_window(14, 10, 13), -EPROTO);
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_window(9, 10, 13), -EPROTO);
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_window(10 + 0x80000000u, 10, 13), -EPROTO);
	/* Indexes wrap at 2^32. */
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_window(1, U32_MAX - 1, 3), 3);
	KUNIT_EXPECT_EQ(test, xen_blkif_rsp_window(4, U32_MAX - 1, 3), -EPROTO);
}

/* ---- segments ------------------------------------------------------------ */

static void blkif_segments(struct kunit *test)
{
	struct blkif_request_segment seg = { .gref = 42 };

	KUNIT_ASSERT_EQ(test, xen_blkif_segment(0, 4096, &seg), 0);
	KUNIT_EXPECT_EQ(test, seg.first_sect, 0);
	KUNIT_EXPECT_EQ(test, seg.last_sect, 7);
	KUNIT_EXPECT_EQ(test, seg.gref, 42u);
	KUNIT_ASSERT_EQ(test, xen_blkif_segment(1024, 512, &seg), 0);
	KUNIT_EXPECT_EQ(test, seg.first_sect, 2);
	KUNIT_EXPECT_EQ(test, seg.last_sect, 2);
	KUNIT_ASSERT_EQ(test, xen_blkif_segment(3584, 512, &seg), 0);
	KUNIT_EXPECT_EQ(test, seg.last_sect, 7);

	KUNIT_EXPECT_EQ(test, xen_blkif_segment(0, 0, &seg), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_blkif_segment(512, 4096, &seg), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_blkif_segment(4096, 512, &seg), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_blkif_segment(100, 512, &seg), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_blkif_segment(0, 1000, &seg), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_blkif_segment(512, UINT_MAX - 255, &seg), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_blkif_segment(UINT_MAX & ~511u, 512, &seg), -EINVAL);
}

/* ---- negotiation --------------------------------------------------------- */

static void blkif_ring_order(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xen_blkif_ring_order(0, 4), 0u);
	KUNIT_EXPECT_EQ(test, xen_blkif_ring_order(4, 0), 0u);
	KUNIT_EXPECT_EQ(test, xen_blkif_ring_order(4, 2), 2u);
	KUNIT_EXPECT_EQ(test, xen_blkif_ring_order(1, 2), 1u);
	/* An absurd backend maximum is bounded by ours and the protocol's. */
	KUNIT_EXPECT_EQ(test, xen_blkif_ring_order(UINT_MAX, 3), 3u);
	KUNIT_EXPECT_EQ(test, xen_blkif_ring_order(UINT_MAX, UINT_MAX),
			(unsigned int)XEN_BLKIF_MAX_RING_ORDER);
	KUNIT_EXPECT_EQ(test, __CONST_RING_SIZE(blkif, XEN_PAGE_SIZE), 32);
}

static void blkif_nr_rings(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xen_blkif_nr_rings(0, 4), 1u);	/* no multi-queue */
	KUNIT_EXPECT_EQ(test, xen_blkif_nr_rings(1, 4), 1u);
	KUNIT_EXPECT_EQ(test, xen_blkif_nr_rings(2, 4), 2u);
	KUNIT_EXPECT_EQ(test, xen_blkif_nr_rings(8, 4), 4u);
	KUNIT_EXPECT_EQ(test, xen_blkif_nr_rings(UINT_MAX, 2), 2u);
	KUNIT_EXPECT_EQ(test, xen_blkif_nr_rings(UINT_MAX, 0), 1u);
}

static void blkif_indirect(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_segs(0, 32), 0u);
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_segs(256, 32), 32u);
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_segs(16, 32), 16u);
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_segs(256, 0), 0u);
	/* Not worth it at or below the direct limit. */
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_segs(11, 32), 0u);
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_segs(12, 32), 12u);
	/* Absurd counts are bounded by what eight indirect pages hold. */
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_segs(UINT_MAX, UINT_MAX),
			(unsigned int)XEN_BLKIF_MAX_INDIRECT_SEGS);
	KUNIT_EXPECT_EQ(test, XEN_BLKIF_MAX_INDIRECT_SEGS, 4096);
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_pages(32), 1u);
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_pages(512), 1u);
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_pages(513), 2u);
	KUNIT_EXPECT_EQ(test, xen_blkif_indirect_pages(4096), 8u);
}

static void blkif_sector_sizes(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xen_blkif_sector_size_ok(512));
	KUNIT_EXPECT_TRUE(test, xen_blkif_sector_size_ok(1024));
	KUNIT_EXPECT_TRUE(test, xen_blkif_sector_size_ok(4096));
	KUNIT_EXPECT_FALSE(test, xen_blkif_sector_size_ok(0));
	KUNIT_EXPECT_FALSE(test, xen_blkif_sector_size_ok(256));
	KUNIT_EXPECT_FALSE(test, xen_blkif_sector_size_ok(520));
	KUNIT_EXPECT_FALSE(test, xen_blkif_sector_size_ok(8192));
	KUNIT_EXPECT_FALSE(test, xen_blkif_sector_size_ok(UINT_MAX));
	KUNIT_EXPECT_FALSE(test, xen_blkif_sector_size_ok(0x80000000u));
}

static struct kunit_case blkif_cases[] = {
	KUNIT_CASE(blkif_rsp_ok),
	KUNIT_CASE(blkif_rsp_statuses),
	KUNIT_CASE(blkif_rsp_rejects_bad_id),
	KUNIT_CASE(blkif_rsp_rejects_not_outstanding),
	KUNIT_CASE(blkif_rsp_rejects_wrong_op),
	KUNIT_CASE(blkif_rsp_window),
	KUNIT_CASE(blkif_segments),
	KUNIT_CASE(blkif_ring_order),
	KUNIT_CASE(blkif_nr_rings),
	KUNIT_CASE(blkif_indirect),
	KUNIT_CASE(blkif_sector_sizes),
	{}
};

static struct kunit_suite blkif_suite = {
	.name = "pv_xen_blkif",
	.test_cases = blkif_cases,
};

kunit_test_suites(&blkif_suite);

MODULE_DESCRIPTION("KUnit tests for pv_xen's blkif response and negotiation checks");
MODULE_LICENSE("GPL");
