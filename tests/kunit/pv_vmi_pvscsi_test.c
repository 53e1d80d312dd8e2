// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pv_vmi's PVSCSI/SCSI parsing (modules/pv_vmi/pvscsi_proto.c):
 * completion descriptors, ring indexes, statuses and sense data, and the
 * discovery replies, with the hostile values a broken host could return.
 */
#include <kunit/test.h>
#include <scsi/scsi_proto.h>
/* The code under test, compiled into this module. */
#include "../../modules/pv_vmi/pvscsi_proto.c"

/* blk_status_t is a sparse-restricted type: compare its values as such. */
#define EXPECT_STS(test, got, want) \
	KUNIT_EXPECT_EQ(test, (__force int)(got), (__force int)(want))

static void pvscsi_completion_accepts_known_context(struct kunit *test)
{
	struct pvscsi_cmp_desc c = { .context = 1, .data_len = 4096 };

	KUNIT_EXPECT_EQ(test, pvscsi_check_completion(&c, 256, 4096), 0);
	c.context = 256;
	KUNIT_EXPECT_EQ(test, pvscsi_check_completion(&c, 256, 4096), 255);
}

static void pvscsi_completion_rejects_bad_context(struct kunit *test)
{
	struct pvscsi_cmp_desc c = { .context = 0 };

	KUNIT_EXPECT_EQ(test, pvscsi_check_completion(&c, 256, 0), -EPROTO);
	c.context = 257;
	KUNIT_EXPECT_EQ(test, pvscsi_check_completion(&c, 256, 0), -EPROTO);
	c.context = U64_MAX;
	KUNIT_EXPECT_EQ(test, pvscsi_check_completion(&c, 256, 0), -EPROTO);
	c.context = 1ULL << 32 | 1;	/* the low word alone would be valid */
	KUNIT_EXPECT_EQ(test, pvscsi_check_completion(&c, 256, 0), -EPROTO);
}

static void pvscsi_completion_rejects_overlong_transfer(struct kunit *test)
{
	struct pvscsi_cmp_desc c = { .context = 3, .data_len = 4097 };

	KUNIT_EXPECT_EQ(test, pvscsi_check_completion(&c, 256, 4096), -EPROTO);
	c.data_len = U64_MAX;
	KUNIT_EXPECT_EQ(test, pvscsi_check_completion(&c, 256, 4096), -EPROTO);
}

static void pvscsi_ring_index_bounds(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pvscsi_check_ring_index(5, 5, 256), 0);
	KUNIT_EXPECT_EQ(test, pvscsi_check_ring_index(261, 5, 256), 256);
	KUNIT_EXPECT_EQ(test, pvscsi_check_ring_index(262, 5, 256), -EPROTO);
	/* Free-running indexes wrap. */
	KUNIT_EXPECT_EQ(test, pvscsi_check_ring_index(2, U32_MAX - 1, 256), 4);
	/* A producer behind the consumer is a lie, not a wrap. */
	KUNIT_EXPECT_EQ(test, pvscsi_check_ring_index(4, 5, 256), -EPROTO);
}

static void pvscsi_status_good_and_underrun(struct kunit *test)
{
	blk_status_t st = BLK_STS_IOERR;

	KUNIT_EXPECT_EQ(test, pvscsi_decode_status(0, SAM_STAT_GOOD, NULL, 0, &st),
			PVSCSI_DONE);
	EXPECT_STS(test, st, BLK_STS_OK);
	st = BLK_STS_IOERR;
	pvscsi_decode_status(PVSCSI_BTSTAT_DATARUN, SAM_STAT_GOOD, NULL, 0, &st);
	EXPECT_STS(test, st, BLK_STS_OK);
}

static void pvscsi_status_host_errors(struct kunit *test)
{
	blk_status_t st;

	pvscsi_decode_status(PVSCSI_BTSTAT_SELTIMEO, 0, NULL, 0, &st);
	EXPECT_STS(test, st, BLK_STS_TRANSPORT);
	pvscsi_decode_status(PVSCSI_BTSTAT_ABORTQUEUE, 0, NULL, 0, &st);
	EXPECT_STS(test, st, BLK_STS_IOERR);
	pvscsi_decode_status(0xffff, 0, NULL, 0, &st);
	EXPECT_STS(test, st, BLK_STS_IOERR);
	pvscsi_decode_status(0, 0xff, NULL, 0, &st);
	EXPECT_STS(test, st, BLK_STS_IOERR);
}

static void pvscsi_sense_keys(struct kunit *test)
{
	u8 sense[SCSI_SENSE_LEN] = { 0x70, 0, MEDIUM_ERROR, [7] = 10, [12] = 0x11 };
	blk_status_t st;

	KUNIT_EXPECT_EQ(test, pvscsi_decode_status(0, SAM_STAT_CHECK_CONDITION,
						   sense, 18, &st), PVSCSI_DONE);
	EXPECT_STS(test, st, BLK_STS_MEDIUM);

	sense[2] = UNIT_ATTENTION;
	KUNIT_EXPECT_EQ(test, pvscsi_decode_status(0, SAM_STAT_CHECK_CONDITION,
						   sense, 18, &st), PVSCSI_RETRY);

	/* Capacity data has changed: retry, and read the capacity again. */
	sense[12] = 0x2a;
	sense[13] = 0x09;
	KUNIT_EXPECT_EQ(test, pvscsi_decode_status(0, SAM_STAT_CHECK_CONDITION,
						   sense, 18, &st), PVSCSI_RETRY_RESIZED);
	sense[13] = 0;

	sense[2] = ILLEGAL_REQUEST;
	sense[12] = 0x20;
	pvscsi_decode_status(0, SAM_STAT_CHECK_CONDITION, sense, 18, &st);
	EXPECT_STS(test, st, BLK_STS_NOTSUPP);

	sense[2] = DATA_PROTECT;
	pvscsi_decode_status(0, SAM_STAT_CHECK_CONDITION, sense, 18, &st);
	EXPECT_STS(test, st, BLK_STS_PROTECTION);

	/* Descriptor format: key in byte 1. */
	memset(sense, 0, sizeof(sense));
	sense[0] = 0x72;
	sense[1] = RECOVERED_ERROR;
	pvscsi_decode_status(0, SAM_STAT_CHECK_CONDITION, sense, 18, &st);
	EXPECT_STS(test, st, BLK_STS_OK);
}

static void pvscsi_sense_hostile(struct kunit *test)
{
	u8 sense[SCSI_SENSE_LEN] = { 0x70, 0, MEDIUM_ERROR };
	blk_status_t st;

	/* Too short to hold a sense key: an error, not a read past the end. */
	pvscsi_decode_status(0, SAM_STAT_CHECK_CONDITION, sense, 3, &st);
	EXPECT_STS(test, st, BLK_STS_IOERR);
	/* Unknown response code. */
	sense[0] = 0x05;
	pvscsi_decode_status(0, SAM_STAT_CHECK_CONDITION, sense, 18, &st);
	EXPECT_STS(test, st, BLK_STS_IOERR);
	/* An absurd length is clamped to the buffer. */
	sense[0] = 0x70;
	pvscsi_decode_status(0, SAM_STAT_CHECK_CONDITION, sense, U32_MAX, &st);
	EXPECT_STS(test, st, BLK_STS_MEDIUM);
}

static void pvscsi_cdbs(struct kunit *test)
{
	u8 cdb[16];

	KUNIT_EXPECT_EQ(test, pvscsi_cdb_rw16(cdb, true, true, 0x0102030405060708ULL, 8), 16);
	KUNIT_EXPECT_EQ(test, cdb[0], (u8)WRITE_16);
	KUNIT_EXPECT_EQ(test, cdb[1], 0x08);
	KUNIT_EXPECT_EQ(test, cdb[2], 0x01);
	KUNIT_EXPECT_EQ(test, cdb[9], 0x08);
	KUNIT_EXPECT_EQ(test, cdb[13], 8);
	pvscsi_cdb_rw16(cdb, false, false, 0, 1);
	KUNIT_EXPECT_EQ(test, cdb[0], (u8)READ_16);
	KUNIT_EXPECT_EQ(test, cdb[1], 0);
	KUNIT_EXPECT_EQ(test, pvscsi_cdb_sync_cache(cdb), 10);
	KUNIT_EXPECT_EQ(test, cdb[0], (u8)SYNCHRONIZE_CACHE);
}

static void pvscsi_report_luns(struct kunit *test)
{
	u8 buf[40] = { 0, 0, 0, 24 };
	u8 luns[8];

	buf[8 + 1] = 0;		/* LUN 0 */
	buf[16 + 1] = 3;	/* LUN 3 */
	buf[24] = 0x40;		/* flat addressing: skipped */
	KUNIT_EXPECT_EQ(test, pvscsi_parse_report_luns(buf, sizeof(buf), luns, 8), 2);
	KUNIT_EXPECT_EQ(test, luns[1], 3);
	/* A list length that is not whole entries. */
	buf[3] = 23;
	KUNIT_EXPECT_EQ(test, pvscsi_parse_report_luns(buf, sizeof(buf), luns, 8), -EPROTO);
	/* A list longer than what was transferred: only what came is used. */
	buf[3] = 0;
	buf[2] = 0x10;		/* 4096 bytes claimed */
	KUNIT_EXPECT_EQ(test, pvscsi_parse_report_luns(buf, 24, luns, 8), 2);
	KUNIT_EXPECT_EQ(test, pvscsi_parse_report_luns(buf, 7, luns, 8), -EPROTO);
	/* Never more than the caller has room for. */
	KUNIT_EXPECT_EQ(test, pvscsi_parse_report_luns(buf, 24, luns, 1), 1);
}

static void pvscsi_inquiry(struct kunit *test)
{
	u8 buf[36] = { TYPE_DISK };

	KUNIT_EXPECT_EQ(test, pvscsi_parse_inquiry(buf, 36), 0);
	buf[0] = TYPE_ROM;
	KUNIT_EXPECT_EQ(test, pvscsi_parse_inquiry(buf, 36), -ENODEV);
	buf[0] = 0x20 | TYPE_DISK;	/* qualifier: not connected */
	KUNIT_EXPECT_EQ(test, pvscsi_parse_inquiry(buf, 36), -ENODEV);
	KUNIT_EXPECT_EQ(test, pvscsi_parse_inquiry(buf, 4), -EPROTO);
}

static void pvscsi_read_capacity(struct kunit *test)
{
	u8 buf[32] = { 0, 0, 0, 0, 0, 0x01, 0xff, 0xff, 0, 0, 0x10, 0,
		       [13] = 3, [14] = 0x80 };
	struct pvscsi_disk_info info = { };

	KUNIT_ASSERT_EQ(test, pvscsi_parse_read_capacity16(buf, 32, &info), 0);
	KUNIT_EXPECT_EQ(test, info.nr_blocks, 0x20000ULL);
	KUNIT_EXPECT_EQ(test, info.block_size, 4096u);
	KUNIT_EXPECT_EQ(test, info.phys_exp, 3);
	KUNIT_EXPECT_TRUE(test, info.lbpme);

	buf[10] = 0x0c;		/* 3072: not a power of two */
	KUNIT_EXPECT_EQ(test, pvscsi_parse_read_capacity16(buf, 32, &info), -EPROTO);
	buf[10] = 0;
	buf[11] = 0;		/* 0-byte blocks */
	KUNIT_EXPECT_EQ(test, pvscsi_parse_read_capacity16(buf, 32, &info), -EPROTO);
	buf[10] = 0x02;		/* 512 */
	memset(buf, 0xff, 8);	/* capacity that overflows */
	KUNIT_EXPECT_EQ(test, pvscsi_parse_read_capacity16(buf, 32, &info), -EPROTO);
	KUNIT_EXPECT_EQ(test, pvscsi_parse_read_capacity16(buf, 15, &info), -EPROTO);
}

/*
 * sd's range: 512..4096. A 64 KiB logical block was accepted before and
 * oopsed 6.1's partition scan (alloc_page_buffers() returned NULL).
 */
static void pvscsi_read_capacity_block_sizes(struct kunit *test)
{
	static const u32 good[] = { 512, 1024, 2048, 4096 };
	static const u32 bad[] = { 256, 8192, 16384, 32768, 65536, 1u << 20 };
	u8 buf[32] = { [7] = 0xff };
	struct pvscsi_disk_info info;
	int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		put_unaligned_be32(good[i], &buf[8]);
		KUNIT_EXPECT_EQ_MSG(test, pvscsi_parse_read_capacity16(buf, 32, &info),
				    0, "block size %u", good[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		put_unaligned_be32(bad[i], &buf[8]);
		KUNIT_EXPECT_EQ_MSG(test, pvscsi_parse_read_capacity16(buf, 32, &info),
				    -EPROTO, "block size %u", bad[i]);
	}
}

/* A READ that moved less than it asked for never completes as success. */
static void pvscsi_blk_short_transfer_is_an_error(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, pvscsi_blk_transfer_whole(PVSCSI_BTSTAT_SUCCESS, 4096, 4096));
	/* QEMU reports no length at all. */
	KUNIT_EXPECT_TRUE(test, pvscsi_blk_transfer_whole(PVSCSI_BTSTAT_SUCCESS, 0, 4096));
	KUNIT_EXPECT_TRUE(test, pvscsi_blk_transfer_whole(PVSCSI_BTSTAT_LINKED_DONE, 0, 512));
	KUNIT_EXPECT_FALSE(test, pvscsi_blk_transfer_whole(PVSCSI_BTSTAT_SUCCESS, 512, 4096));
	KUNIT_EXPECT_FALSE(test, pvscsi_blk_transfer_whole(PVSCSI_BTSTAT_SUCCESS, 4095, 4096));
	KUNIT_EXPECT_FALSE(test, pvscsi_blk_transfer_whole(PVSCSI_BTSTAT_DATA_UNDERRUN, 512, 4096));
	KUNIT_EXPECT_FALSE(test, pvscsi_blk_transfer_whole(PVSCSI_BTSTAT_DATA_UNDERRUN, 0, 4096));
	KUNIT_EXPECT_FALSE(test, pvscsi_blk_transfer_whole(PVSCSI_BTSTAT_DATARUN, 4096, 4096));
}

/* Every command goes out tagged SIMPLE, the CDB bounded to 16 bytes. */
static void pvscsi_req_desc_tagged(struct kunit *test)
{
	struct pvscsi_req_desc *d;
	u8 cdb[32];

	d = kunit_kzalloc(test, sizeof(*d) + 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);
	memset(d, 0xa5, sizeof(*d) + 16);
	memset(cdb, 0x5a, sizeof(cdb));
	pvscsi_req_desc_init(d, 7, cdb, 10, 3, 2);
	KUNIT_EXPECT_EQ(test, d->tag, 0x20);
	KUNIT_EXPECT_EQ(test, d->context, 7ULL);
	KUNIT_EXPECT_EQ(test, d->target, 3);
	KUNIT_EXPECT_EQ(test, d->lun[1], 2);
	KUNIT_EXPECT_EQ(test, d->cdb_len, 10);
	KUNIT_EXPECT_EQ(test, d->cdb[9], 0x5a);
	KUNIT_EXPECT_EQ(test, d->cdb[10], 0);
	KUNIT_EXPECT_EQ(test, d->data_len, 0ULL);
	pvscsi_req_desc_init(d, 7, cdb, 32, 3, 2);
	KUNIT_EXPECT_EQ(test, d->cdb_len, 16);
	/* Nothing written past the descriptor. */
	KUNIT_EXPECT_EQ(test, ((u8 *)d)[sizeof(*d)], 0xa5);
}

/*
 * Discard follows the LBP and block limits VPD pages, as sd's does:
 * LBPME alone used to offer 4 GiB UNMAPs to units that take none.
 */
static void pvscsi_vpd_lbp_and_limits(struct kunit *test)
{
	u8 lbp[8] = { TYPE_DISK, 0xb2, 0, 4, 0, 0x80 };
	u8 bl[64] = { TYPE_DISK, 0xb0, 0, 0x3c };
	struct pvscsi_disk_info info = { };
	u8 cdb[16];

	KUNIT_EXPECT_EQ(test, pvscsi_cdb_inquiry_vpd(cdb, 0xb0, 64), 6);
	KUNIT_EXPECT_EQ(test, cdb[1], 1);
	KUNIT_EXPECT_EQ(test, cdb[2], 0xb0);
	KUNIT_EXPECT_EQ(test, cdb[4], 64);

	KUNIT_ASSERT_EQ(test, pvscsi_parse_vpd_lbp(lbp, 8, &info), 0);
	KUNIT_EXPECT_TRUE(test, info.unmap);
	lbp[5] = 0x40;		/* LBPWS only: no UNMAP */
	KUNIT_ASSERT_EQ(test, pvscsi_parse_vpd_lbp(lbp, 8, &info), 0);
	KUNIT_EXPECT_FALSE(test, info.unmap);
	/* Another page, a short reply, a page length that does not hold it. */
	lbp[1] = 0xb0;
	KUNIT_EXPECT_EQ(test, pvscsi_parse_vpd_lbp(lbp, 8, &info), -EPROTO);
	lbp[1] = 0xb2;
	KUNIT_EXPECT_EQ(test, pvscsi_parse_vpd_lbp(lbp, 5, &info), -EPROTO);
	lbp[3] = 1;
	KUNIT_EXPECT_EQ(test, pvscsi_parse_vpd_lbp(lbp, 8, &info), -EPROTO);

	info.unmap = true;
	put_unaligned_be32(8192, &bl[20]);	/* max unmap LBA count */
	put_unaligned_be32(1, &bl[24]);		/* descriptors */
	put_unaligned_be32(8, &bl[28]);		/* granularity */
	KUNIT_ASSERT_EQ(test, pvscsi_parse_vpd_block_limits(bl, 64, &info), 0);
	KUNIT_EXPECT_TRUE(test, info.unmap);
	KUNIT_EXPECT_EQ(test, info.max_unmap_blocks, 8192u);
	KUNIT_EXPECT_EQ(test, info.unmap_granularity, 8u);
	/* No descriptor, or no block: UNMAP is not there after all. */
	put_unaligned_be32(0, &bl[24]);
	KUNIT_ASSERT_EQ(test, pvscsi_parse_vpd_block_limits(bl, 64, &info), 0);
	KUNIT_EXPECT_FALSE(test, info.unmap);
	info.unmap = true;
	put_unaligned_be32(1, &bl[24]);
	put_unaligned_be32(0, &bl[20]);
	KUNIT_ASSERT_EQ(test, pvscsi_parse_vpd_block_limits(bl, 64, &info), 0);
	KUNIT_EXPECT_FALSE(test, info.unmap);
	KUNIT_EXPECT_EQ(test, pvscsi_parse_vpd_block_limits(bl, 31, &info), -EPROTO);
	bl[3] = 16;		/* page too short for the UNMAP fields */
	KUNIT_EXPECT_EQ(test, pvscsi_parse_vpd_block_limits(bl, 64, &info), -EPROTO);
}

static void pvscsi_mode_caching(struct kunit *test)
{
	u8 buf[28] = { 0, 26, 0, 0x10, 0, 0, 0, 0, 0x08, 0x12, 0x04 };
	struct pvscsi_disk_info info = { };

	KUNIT_ASSERT_EQ(test, pvscsi_parse_mode_caching(buf, 28, &info), 0);
	KUNIT_EXPECT_TRUE(test, info.write_cache);
	KUNIT_EXPECT_TRUE(test, info.fua);
	KUNIT_EXPECT_FALSE(test, info.write_protect);
	/* A block-descriptor length pointing past the reply. */
	buf[6] = 0xff;
	KUNIT_EXPECT_EQ(test, pvscsi_parse_mode_caching(buf, 28, &info), -EPROTO);
	buf[6] = 0;
	buf[8] = 0x0a;		/* another page */
	KUNIT_EXPECT_EQ(test, pvscsi_parse_mode_caching(buf, 28, &info), -EPROTO);
}

static struct kunit_case pvscsi_cases[] = {
	KUNIT_CASE(pvscsi_completion_accepts_known_context),
	KUNIT_CASE(pvscsi_completion_rejects_bad_context),
	KUNIT_CASE(pvscsi_completion_rejects_overlong_transfer),
	KUNIT_CASE(pvscsi_ring_index_bounds),
	KUNIT_CASE(pvscsi_status_good_and_underrun),
	KUNIT_CASE(pvscsi_status_host_errors),
	KUNIT_CASE(pvscsi_sense_keys),
	KUNIT_CASE(pvscsi_sense_hostile),
	KUNIT_CASE(pvscsi_cdbs),
	KUNIT_CASE(pvscsi_report_luns),
	KUNIT_CASE(pvscsi_inquiry),
	KUNIT_CASE(pvscsi_read_capacity),
	KUNIT_CASE(pvscsi_read_capacity_block_sizes),
	KUNIT_CASE(pvscsi_blk_short_transfer_is_an_error),
	KUNIT_CASE(pvscsi_req_desc_tagged),
	KUNIT_CASE(pvscsi_vpd_lbp_and_limits),
	KUNIT_CASE(pvscsi_mode_caching),
	{}
};

static struct kunit_suite pvscsi_suite = {
	.name = "pv_vmi_pvscsi",
	.test_cases = pvscsi_cases,
};

kunit_test_suites(&pvscsi_suite);

MODULE_DESCRIPTION("KUnit tests for pv_vmi's PVSCSI and SCSI parsing");
MODULE_LICENSE("GPL");
