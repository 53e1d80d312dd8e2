// SPDX-License-Identifier: GPL-2.0
/*
 * modules/pv_vmi/pvscsi_proto.c: PVSCSI ring indexes and completions, SCSI
 * statuses and sense data, the replies to INQUIRY, REPORT LUNS, READ
 * CAPACITY(16) and MODE SENSE(10), and the CDB builders.
 *
 * Input: byte 0 picks the function; then its arguments, little-endian.
 * Buffers the device filled (sense data, replies) are heap copies of
 * exactly the length the device claims, so a read beyond it is an ASan
 * report; output arrays are exactly as large as the caller says.
 * Driver-side arguments stay within what the driver can pass: ring sizes
 * and slot counts below 2^16 (PVSCSI rings hold at most 4096 entries).
 */
#include "fuzz.h"
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/unaligned.h>
#include <scsi/scsi_proto.h>
#include "pvscsi_proto.h"

static int bs_known(blk_status_t s)
{
	return s == BLK_STS_OK || s == BLK_STS_IOERR || s == BLK_STS_TRANSPORT ||
	       s == BLK_STS_MEDIUM || s == BLK_STS_NOTSUPP || s == BLK_STS_TARGET ||
	       s == BLK_STS_PROTECTION || s == BLK_STS_RESOURCE ||
	       s == BLK_STS_RESV_CONFLICT;
}

static int host_ok(u16 h)
{
	return h == PVSCSI_BTSTAT_SUCCESS || h == PVSCSI_BTSTAT_LINKED_DONE ||
	       h == PVSCSI_BTSTAT_LINKED_DONE_FLAG || h == PVSCSI_BTSTAT_DATA_UNDERRUN ||
	       h == PVSCSI_BTSTAT_DATARUN;
}

static void check_zero(const u8 *cdb, int from)
{
	int i;

	for (i = from; i < 16; i++)
		CHECK(cdb[i] == 0, "cdb[%d] = %#x", i, cdb[i]);
}

static void cdbs(struct fz *f)
{
	u8 *cdb = malloc(16);
	u8 op = fz_u8(f) % 8, len;
	u64 lba = fz_u64(f);
	u32 n32 = fz_u32(f);
	u16 n16 = n32;
	bool w = fz_bool(f), fua = fz_bool(f);

	memset(cdb, POISON, 16);
	switch (op) {
	case 0:
		len = pvscsi_cdb_rw16(cdb, w, fua, lba, n32);
		CHECK(len == 16 && cdb[0] == (w ? WRITE_16 : READ_16) && cdb[1] == (fua ? 0x08 : 0), "rw16");
		CHECK(get_unaligned_be64(&cdb[2]) == lba && get_unaligned_be32(&cdb[10]) == n32, "rw16 lba/blocks");
		check_zero(cdb, 14);
		break;
	case 1:
		len = pvscsi_cdb_inquiry(cdb, (u8)n32);
		CHECK(len == 6 && cdb[0] == INQUIRY && cdb[4] == (u8)n32, "inquiry");
		CHECK(!cdb[1] && !cdb[2] && !cdb[3] && !cdb[5], "inquiry");
		check_zero(cdb, 6);
		break;
	case 2:
		len = pvscsi_cdb_report_luns(cdb, n32);
		CHECK(len == 12 && cdb[0] == REPORT_LUNS && get_unaligned_be32(&cdb[6]) == n32, "report luns");
		check_zero(cdb, 10);
		break;
	case 3:
		len = pvscsi_cdb_read_capacity16(cdb, (u8)n32);
		CHECK(len == 16 && cdb[0] == SERVICE_ACTION_IN_16 && cdb[1] == SAI_READ_CAPACITY_16, "rc16");
		CHECK(get_unaligned_be32(&cdb[10]) == (u8)n32, "rc16 len");
		check_zero(cdb, 14);
		break;
	case 4:
		len = pvscsi_cdb_mode_sense_caching(cdb, n16);
		CHECK(len == 10 && cdb[0] == MODE_SENSE_10 && cdb[2] == 0x08 && get_unaligned_be16(&cdb[7]) == n16, "mode sense");
		check_zero(cdb, 10);
		break;
	case 5:
		len = pvscsi_cdb_sync_cache(cdb);
		CHECK(len == 10 && cdb[0] == SYNCHRONIZE_CACHE, "sync cache");
		check_zero(cdb, 1);
		break;
	case 6:
		len = pvscsi_cdb_unmap(cdb, n16);
		CHECK(len == 10 && cdb[0] == UNMAP && get_unaligned_be16(&cdb[7]) == n16, "unmap");
		check_zero(cdb, 10);
		break;
	case 7: {
		u8 *p = malloc(PVSCSI_UNMAP_PARAM_LEN);

		pvscsi_unmap_params(p, lba, n32);
		CHECK(get_unaligned_be16(&p[0]) == PVSCSI_UNMAP_PARAM_LEN - 2, "data length");
		CHECK(get_unaligned_be16(&p[2]) == 16, "descriptor length");
		CHECK(get_unaligned_be64(&p[8]) == lba && get_unaligned_be32(&p[16]) == n32, "range");
		free(p);
		break;
	}
	}
	free(cdb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	size_t len;
	u8 *buf;
	int rc;

	switch (fz_u8(&f) % 10) {
	case 0: {
		u32 prod = fz_u32(&f), cons = fz_u32(&f), entries = fz_u16(&f);

		rc = pvscsi_check_ring_index(prod, cons, entries);
		CHECK(rc == -EPROTO || (rc >= 0 && (u32)rc <= entries), "rc %d entries %u", rc, entries);
		CHECK((rc == -EPROTO) == (prod - cons > entries), "rc %d prod %u cons %u entries %u", rc, prod, cons, entries);
		if (rc >= 0)
			CHECK((u32)rc == prod - cons, "rc %d prod %u cons %u", rc, prod, cons);
		break;
	}
	case 1: {
		struct pvscsi_cmp_desc d;
		u32 nr_slots = fz_u16(&f);
		u64 max_len = fz_u64(&f);

		fz_bytes(&f, &d, sizeof(d));
		rc = pvscsi_check_completion(&d, nr_slots, max_len);
		CHECK(rc == -EPROTO || (rc >= 0 && (u32)rc < nr_slots), "rc %d nr_slots %u", rc, nr_slots);
		if (rc >= 0) {
			CHECK((u64)rc + 1 == d.context, "slot %d context %llu", rc, (unsigned long long)d.context);
			CHECK(d.data_len <= max_len, "data_len %llu > %llu", (unsigned long long)d.data_len,
			      (unsigned long long)max_len);
		} else {
			CHECK(!d.context || d.context > nr_slots || d.data_len > max_len, "valid completion rejected");
		}
		break;
	}
	case 2: {
		u16 host = fz_u8(&f), scsi = fz_u8(&f);
		u32 sense_len = fz_u32(&f);
		enum pvscsi_verdict v;
		blk_status_t st = 0xee;

		if (fz_bool(&f))	/* mostly the statuses that exist */
			host = fz_u16(&f), scsi = fz_u16(&f);
		if (!(sense_len & 0x80000000u))
			sense_len %= 128;
		len = sense_len < SCSI_SENSE_LEN ? sense_len : SCSI_SENSE_LEN;
		buf = fz_buf(&f, &len);	/* what the device wrote, and no more */
		if (len < (sense_len < SCSI_SENSE_LEN ? sense_len : SCSI_SENSE_LEN))
			sense_len = len;
		v = pvscsi_decode_status(host, scsi, buf, sense_len, &st);
		CHECK(v == PVSCSI_DONE || v == PVSCSI_RETRY || v == PVSCSI_RETRY_RESIZED, "verdict %d", v);
		CHECK(st != 0xee && bs_known(st), "status %u", st);
		CHECK(st != BLK_STS_OK || v == PVSCSI_DONE, "retry of a success");
		if (!host_ok(host))
			CHECK(v == PVSCSI_DONE && st != BLK_STS_OK, "host %#x: verdict %d status %u", host, v, st);
		if (host == PVSCSI_BTSTAT_SELTIMEO)
			CHECK(st == BLK_STS_TRANSPORT, "selection timeout: %u", st);
		if (host_ok(host)) {
			if (scsi == SAM_STAT_GOOD || scsi == SAM_STAT_CONDITION_MET)
				CHECK(st == BLK_STS_OK && v == PVSCSI_DONE, "good: %u %d", st, v);
			if (scsi == SAM_STAT_BUSY || scsi == SAM_STAT_TASK_SET_FULL)
				CHECK(st == BLK_STS_RESOURCE && v == PVSCSI_RETRY, "busy: %u %d", st, v);
			if (scsi == SAM_STAT_CHECK_CONDITION && sense_len < 14)
				CHECK(st == BLK_STS_IOERR && v == PVSCSI_DONE, "short sense: %u %d", st, v);
		}
		if (v == PVSCSI_RETRY_RESIZED)
			CHECK(host_ok(host) && scsi == SAM_STAT_CHECK_CONDITION, "resize without sense");
		free(buf);
		break;
	}
	case 3:
		cdbs(&f);
		break;
	case 4: {
		int max = fz_u16(&f) % 300, i, n = 0;
		u8 *luns = malloc(max ? max : 1);
		u32 list_len, off;

		len = f.n;
		buf = fz_buf(&f, &len);
		memset(luns, POISON, max ? max : 1);
		rc = pvscsi_parse_report_luns(buf, len, luns, max);
		if (len < 8 || get_unaligned_be32(buf) % 8) {
			CHECK(rc == -EPROTO, "rc %d for a malformed reply", rc);
		} else {
			CHECK(rc >= 0 && rc <= max, "rc %d max %d", rc, max);
			list_len = get_unaligned_be32(buf);
			if (list_len > len - 8)
				list_len = len - 8;
			/* the LUNs stored are the peripheral ones of the list, in order */
			for (off = 8; off + 8 <= 8 + list_len && n < max; off += 8) {
				if (buf[off] || buf[off + 2] || buf[off + 3])
					continue;
				CHECK(n < rc && luns[n] == buf[off + 1], "lun %d", n);
				n++;
			}
			CHECK(n == rc, "rc %d, %d LUNs in the reply", rc, n);
			for (i = rc; i < max; i++)
				CHECK(luns[i] == POISON, "luns[%d] written beyond the count %d", i, rc);
		}
		free(luns);
		free(buf);
		break;
	}
	case 5:
		len = f.n;
		buf = fz_buf(&f, &len);
		rc = pvscsi_parse_inquiry(buf, len);
		CHECK(rc == 0 || rc == -ENODEV || rc == -EPROTO, "rc %d", rc);
		CHECK((rc == -EPROTO) == (len < 5), "rc %d len %zu", rc, len);
		if (rc == 0)
			CHECK(buf[0] == TYPE_DISK, "byte 0 %#x accepted", buf[0]);
		free(buf);
		break;
	case 6: {
		struct pvscsi_disk_info info;

		len = f.n;
		buf = fz_buf(&f, &len);
		POISON_OUT(&info);
		rc = pvscsi_parse_read_capacity16(buf, len, &info);
		CHECK(rc == 0 || rc == -EPROTO, "rc %d", rc);
		if (rc == 0) {
			CHECK(len >= 16, "len %zu", len);
			CHECK(info.block_size >= 512 && info.block_size <= PVSCSI_MAX_BLOCK_SIZE &&
			      is_power_of_2(info.block_size), "block size %u", info.block_size);
			CHECK(info.nr_blocks >= 1 && info.nr_blocks - 1 == get_unaligned_be64(buf), "nr_blocks");
			/* the capacity in bytes, and so in sectors, fits in 64 bits */
			CHECK((unsigned __int128)info.nr_blocks * info.block_size <= U64_MAX, "capacity overflows");
			CHECK(info.phys_exp <= 6, "phys_exp %u", info.phys_exp);
			CHECK(info.lbpme == !!(buf[14] & 0x80), "lbpme");
		}
		free(buf);
		break;
	}
	case 7: {
		struct pvscsi_disk_info info;
		u32 page;

		len = f.n;
		buf = fz_buf(&f, &len);
		POISON_OUT(&info);
		rc = pvscsi_parse_mode_caching(buf, len, &info);
		CHECK(rc == 0 || rc == -EPROTO, "rc %d", rc);
		if (rc == 0) {
			page = 8 + get_unaligned_be16(&buf[6]);
			CHECK(page + 3 <= len && (buf[page] & 0x3f) == 0x08, "no caching page at %u (len %zu)", page, len);
			CHECK(info.write_cache == !!(buf[page + 2] & 0x04), "WCE");
			CHECK(info.fua == !!(buf[3] & 0x10) && info.write_protect == !!(buf[3] & 0x80), "DPOFUA/WP");
		}
		free(buf);
		break;
	}
	case 8: {
		struct pvscsi_disk_info info;

		len = f.n;
		buf = fz_buf(&f, &len);
		POISON_OUT(&info);
		rc = pvscsi_parse_vpd_lbp(buf, len, &info);
		CHECK(rc == 0 || rc == -EPROTO, "rc %d", rc);
		if (rc == 0) {
			CHECK(len >= 6 && buf[1] == PVSCSI_VPD_LBP && get_unaligned_be16(&buf[2]) >= 2,
			      "not an LBP page (len %zu)", len);
			CHECK(info.unmap == !!(buf[5] & 0x80), "LBPU");
		}
		free(buf);
		break;
	}
	case 9: {
		struct pvscsi_disk_info info;
		bool unmap = fz_bool(&f);

		len = f.n;
		buf = fz_buf(&f, &len);
		POISON_OUT(&info);
		info.unmap = unmap;
		rc = pvscsi_parse_vpd_block_limits(buf, len, &info);
		CHECK(rc == 0 || rc == -EPROTO, "rc %d", rc);
		if (rc == 0) {
			CHECK(len >= 32 && buf[1] == PVSCSI_VPD_BLOCK_LIMITS &&
			      get_unaligned_be16(&buf[2]) >= 28, "not a block limits page (len %zu)", len);
			CHECK(info.max_unmap_blocks == get_unaligned_be32(&buf[20]) &&
			      info.unmap_granularity == get_unaligned_be32(&buf[28]), "limits");
			/* Never turned on; off when UNMAP takes nothing. */
			CHECK(info.unmap == (unmap && get_unaligned_be32(&buf[20]) &&
					     get_unaligned_be32(&buf[24])), "unmap %d", info.unmap);
		}
		free(buf);
		break;
	}
	}
	return 0;
}
