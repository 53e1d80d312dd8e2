// SPDX-License-Identifier: GPL-2.0
/*
 * PVSCSI and SCSI: pure functions, no I/O and no state. What the device
 * returns is checked here before the driver believes it.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <scsi/scsi_proto.h>
#include "pvscsi_proto.h"

/**
 * pvscsi_check_ring_index() - is a producer index the device wrote sane?
 * @prod: the device's producer index
 * @cons: our consumer index
 * @entries: ring size
 *
 * Indexes run freely; the device can be at most a ring ahead of us.
 *
 * Return: the number of new entries, or -EPROTO.
 */
int pvscsi_check_ring_index(u32 prod, u32 cons, u32 entries)
{
	u32 pending = prod - cons;

	if (pending > entries)
		return -EPROTO;
	return pending;
}

/**
 * pvscsi_check_completion() - validate a completion descriptor
 * @desc: the descriptor as read from the ring
 * @nr_slots: commands we can have in flight; contexts are slot + 1
 * @expected_max_len: bytes the command could transfer at most
 *
 * Return: the slot the completion is for, or -EPROTO for a context that
 * names no slot or a length beyond what was posted. Whether that slot is
 * in flight is the caller's to check.
 */
int pvscsi_check_completion(const struct pvscsi_cmp_desc *desc, u32 nr_slots,
			    u64 expected_max_len)
{
	if (desc->context == 0 || desc->context > nr_slots)
		return -EPROTO;
	if (desc->data_len > expected_max_len)
		return -EPROTO;
	return desc->context - 1;
}

static blk_status_t pvscsi_sense_status(const u8 *sense, u32 len,
					enum pvscsi_verdict *verdict)
{
	u8 key, asc, ascq;

	*verdict = PVSCSI_DONE;
	if (len < 14 || (sense[0] & 0x7f) < 0x70 || (sense[0] & 0x7f) > 0x73)
		return BLK_STS_IOERR;
	if ((sense[0] & 0x7f) >= 0x72) {	/* descriptor format */
		key = sense[1] & 0xf;
		asc = sense[2];
		ascq = sense[3];
	} else {
		key = sense[2] & 0xf;
		asc = sense[12];
		ascq = sense[13];
	}

	switch (key) {
	case NO_SENSE:
	case RECOVERED_ERROR:
		return BLK_STS_OK;
	case UNIT_ATTENTION:
		/* 2A/09: capacity data has changed */
		*verdict = (asc == 0x2a && ascq == 0x09) ? PVSCSI_RETRY_RESIZED :
							   PVSCSI_RETRY;
		return BLK_STS_IOERR;
	case NOT_READY:
		if (asc == 0x04)	/* becoming ready */
			*verdict = PVSCSI_RETRY;
		return BLK_STS_IOERR;
	case MEDIUM_ERROR:
		return BLK_STS_MEDIUM;
	case ILLEGAL_REQUEST:
		if (asc == 0x20 || asc == 0x24)	/* invalid opcode or field */
			return BLK_STS_NOTSUPP;
		return BLK_STS_TARGET;
	case DATA_PROTECT:
		return BLK_STS_PROTECTION;
	case ABORTED_COMMAND:
		*verdict = PVSCSI_RETRY;
		return BLK_STS_IOERR;
	default:
		return BLK_STS_IOERR;
	}
}

/**
 * pvscsi_decode_status() - turn a completion's statuses into a block status
 * @host_status: adapter status (BTSTAT_*)
 * @scsi_status: SCSI status byte
 * @sense: sense data the device wrote
 * @sense_len: its length, as the device claims (clamped to SCSI_SENSE_LEN)
 * @status: the block layer status
 *
 * A short transfer (DATA_UNDERRUN, DATARUN) is a success here, as for any
 * SCSI host; the caller decides whether the length it got is enough.
 *
 * Return: PVSCSI_RETRY for a transient condition worth one more try,
 * PVSCSI_RETRY_RESIZED when that condition is a capacity change, otherwise
 * PVSCSI_DONE.
 */
enum pvscsi_verdict pvscsi_decode_status(u16 host_status, u16 scsi_status,
					 const u8 *sense, u32 sense_len,
					 blk_status_t *status)
{
	enum pvscsi_verdict verdict = PVSCSI_DONE;

	switch (host_status) {
	case PVSCSI_BTSTAT_SUCCESS:
	case PVSCSI_BTSTAT_LINKED_DONE:
	case PVSCSI_BTSTAT_LINKED_DONE_FLAG:
	case PVSCSI_BTSTAT_DATA_UNDERRUN:
	case PVSCSI_BTSTAT_DATARUN:
		break;
	case PVSCSI_BTSTAT_SELTIMEO:
		*status = BLK_STS_TRANSPORT;	/* no such target (any more) */
		return PVSCSI_DONE;
	default:
		*status = BLK_STS_IOERR;
		return PVSCSI_DONE;
	}

	switch (scsi_status) {
	case SAM_STAT_GOOD:
	case SAM_STAT_CONDITION_MET:
		*status = BLK_STS_OK;
		break;
	case SAM_STAT_CHECK_CONDITION:
		*status = pvscsi_sense_status(sense, min_t(u32, sense_len,
							   SCSI_SENSE_LEN),
					      &verdict);
		break;
	case SAM_STAT_BUSY:
	case SAM_STAT_TASK_SET_FULL:
		*status = BLK_STS_RESOURCE;
		verdict = PVSCSI_RETRY;
		break;
	case SAM_STAT_RESERVATION_CONFLICT:
		*status = BLK_STS_RESV_CONFLICT;
		break;
	default:
		*status = BLK_STS_IOERR;
		break;
	}
	return verdict;
}

/**
 * pvscsi_blk_transfer_whole() - did a READ or WRITE move all its data?
 * @host_status: the completion's adapter status (BTSTAT_*)
 * @data_len: the completion's transferred length
 * @posted_len: bytes the request asked for
 *
 * A block request is all or nothing: a short READ would hand the page
 * cache stale data as if it were the disk's. DATARUN (QEMU's way of saying
 * short, with no length) and DATA_UNDERRUN are short by definition; a
 * success with a length below what was asked is short too. A length of 0
 * on success means "not reported" (QEMU never fills it in).
 *
 * Return: true when the transfer is whole.
 */
bool pvscsi_blk_transfer_whole(u16 host_status, u64 data_len, u64 posted_len)
{
	if (host_status == PVSCSI_BTSTAT_DATARUN ||
	    host_status == PVSCSI_BTSTAT_DATA_UNDERRUN)
		return false;
	return data_len == 0 || data_len >= posted_len;
}

/**
 * pvscsi_req_desc_init() - the fixed part of a request descriptor
 * @d: the descriptor, in the ring
 * @context: slot + 1
 * @cdb: the command
 * @cdb_len: its length, at most 16
 * @target: SCSI target id
 * @lun: single-level LUN
 *
 * Clears @d and fills in what every command carries, as a SIMPLE queue
 * tag like Linux's SCSI midlayer sends: an untagged command (tag 0) lets
 * a real host serialise everything behind it. Data and sense are the
 * caller's to fill.
 */
void pvscsi_req_desc_init(struct pvscsi_req_desc *d, u64 context,
			  const u8 *cdb, u8 cdb_len, u8 target, u8 lun)
{
	memset(d, 0, sizeof(*d));
	d->context = context;
	memcpy(d->cdb, cdb, min_t(u8, cdb_len, sizeof(d->cdb)));
	d->cdb_len = min_t(u8, cdb_len, sizeof(d->cdb));
	d->lun[1] = lun;
	d->target = target;
	d->tag = PVSCSI_SIMPLE_QUEUE_TAG;
}

/* CDB builders: each fills @cdb (16 bytes) and returns the CDB length. */

u8 pvscsi_cdb_rw16(u8 *cdb, bool write, bool fua, u64 lba, u32 blocks)
{
	memset(cdb, 0, 16);
	cdb[0] = write ? WRITE_16 : READ_16;
	if (fua)
		cdb[1] = 0x08;
	put_unaligned_be64(lba, &cdb[2]);
	put_unaligned_be32(blocks, &cdb[10]);
	return 16;
}

u8 pvscsi_cdb_inquiry(u8 *cdb, u8 len)
{
	memset(cdb, 0, 16);
	cdb[0] = INQUIRY;
	cdb[4] = len;
	return 6;
}

u8 pvscsi_cdb_inquiry_vpd(u8 *cdb, u8 page, u8 len)
{
	memset(cdb, 0, 16);
	cdb[0] = INQUIRY;
	cdb[1] = 0x01;		/* EVPD */
	cdb[2] = page;
	cdb[4] = len;
	return 6;
}

u8 pvscsi_cdb_report_luns(u8 *cdb, u32 len)
{
	memset(cdb, 0, 16);
	cdb[0] = REPORT_LUNS;
	put_unaligned_be32(len, &cdb[6]);
	return 12;
}

u8 pvscsi_cdb_read_capacity16(u8 *cdb, u8 len)
{
	memset(cdb, 0, 16);
	cdb[0] = SERVICE_ACTION_IN_16;
	cdb[1] = SAI_READ_CAPACITY_16;
	put_unaligned_be32(len, &cdb[10]);
	return 16;
}

u8 pvscsi_cdb_mode_sense_caching(u8 *cdb, u16 len)
{
	memset(cdb, 0, 16);
	cdb[0] = MODE_SENSE_10;
	cdb[1] = 0x08;		/* DBD: no block descriptors */
	cdb[2] = 0x08;		/* current values, caching page */
	put_unaligned_be16(len, &cdb[7]);
	return 10;
}

u8 pvscsi_cdb_sync_cache(u8 *cdb)
{
	memset(cdb, 0, 16);
	cdb[0] = SYNCHRONIZE_CACHE;
	return 10;
}

u8 pvscsi_cdb_unmap(u8 *cdb, u16 param_len)
{
	memset(cdb, 0, 16);
	cdb[0] = UNMAP;
	put_unaligned_be16(param_len, &cdb[7]);
	return 10;
}

/**
 * pvscsi_unmap_params() - the UNMAP parameter list for one range
 * @buf: PVSCSI_UNMAP_PARAM_LEN bytes
 * @lba: first block
 * @blocks: number of blocks
 */
void pvscsi_unmap_params(u8 *buf, u64 lba, u32 blocks)
{
	memset(buf, 0, PVSCSI_UNMAP_PARAM_LEN);
	put_unaligned_be16(PVSCSI_UNMAP_PARAM_LEN - 2, &buf[0]);
	put_unaligned_be16(16, &buf[2]);
	put_unaligned_be64(lba, &buf[8]);
	put_unaligned_be32(blocks, &buf[16]);
}

/**
 * pvscsi_parse_report_luns() - LUNs from a REPORT LUNS reply
 * @buf: the reply
 * @len: bytes the device transferred
 * @luns: out: single-level LUN numbers (0-255)
 * @max: room in @luns
 *
 * LUNs in other addressing formats are skipped.
 *
 * Return: number of LUNs stored, or -EPROTO for a malformed reply.
 */
int pvscsi_parse_report_luns(const u8 *buf, u32 len, u8 *luns, int max)
{
	u32 list_len, off;
	int n = 0;

	if (len < 8)
		return -EPROTO;
	list_len = get_unaligned_be32(buf);
	if (list_len % 8)
		return -EPROTO;
	/* The list may be longer than what fit in our buffer: use what came. */
	list_len = min(list_len, len - 8);
	for (off = 8; off + 8 <= 8 + list_len && n < max; off += 8) {
		/* Peripheral device addressing, bus 0: 00 LL 00 00 ... */
		if (buf[off] != 0 || buf[off + 2] || buf[off + 3])
			continue;
		luns[n++] = buf[off + 1];
	}
	return n;
}

/**
 * pvscsi_parse_inquiry() - is this a disk we can drive?
 * @buf: standard INQUIRY data
 * @len: bytes the device transferred
 *
 * Return: 0 for a connected direct-access device, -ENODEV for anything
 * else, -EPROTO for a reply too short to tell.
 */
int pvscsi_parse_inquiry(const u8 *buf, u32 len)
{
	if (len < 5)
		return -EPROTO;
	if ((buf[0] >> 5) != 0)		/* peripheral qualifier: not connected */
		return -ENODEV;
	if ((buf[0] & 0x1f) != TYPE_DISK)
		return -ENODEV;
	return 0;
}

/**
 * pvscsi_parse_read_capacity16() - size and block size of a disk
 * @buf: READ CAPACITY(16) reply
 * @len: bytes the device transferred
 * @info: nr_blocks, block_size, phys_exp and lbpme are filled
 *
 * Return: 0, or -EPROTO for a short reply, a block size that is not a
 * power of two in 512..4096 (what sd accepts: the page cache cannot hold a
 * larger logical block, and 6.1 oopses scanning partitions on one), or a
 * capacity that does not fit.
 */
int pvscsi_parse_read_capacity16(const u8 *buf, u32 len,
				 struct pvscsi_disk_info *info)
{
	u64 last_lba;
	u32 bs;

	if (len < 16)
		return -EPROTO;
	last_lba = get_unaligned_be64(&buf[0]);
	bs = get_unaligned_be32(&buf[8]);
	if (bs < 512 || bs > PVSCSI_MAX_BLOCK_SIZE || !is_power_of_2(bs))
		return -EPROTO;
	if (last_lba == U64_MAX || last_lba + 1 > (U64_MAX >> 9) / bs)
		return -EPROTO;
	info->nr_blocks = last_lba + 1;
	info->block_size = bs;
	info->phys_exp = min_t(u8, buf[13] & 0xf, 6);
	info->lbpme = buf[14] & 0x80;
	return 0;
}

/**
 * pvscsi_parse_mode_caching() - write cache, FUA and write protection
 * @buf: MODE SENSE(10) reply for the caching page, without block descriptors
 * @len: bytes the device transferred
 * @info: write_cache, fua and write_protect are filled
 *
 * Return: 0, or -EPROTO when the reply does not hold the page.
 */
int pvscsi_parse_mode_caching(const u8 *buf, u32 len,
			      struct pvscsi_disk_info *info)
{
	u32 bd_len, page;

	if (len < 8)
		return -EPROTO;
	info->write_protect = buf[3] & 0x80;
	info->fua = buf[3] & 0x10;
	bd_len = get_unaligned_be16(&buf[6]);
	page = 8 + bd_len;
	if (page + 3 > len || (buf[page] & 0x3f) != 0x08)
		return -EPROTO;
	info->write_cache = buf[page + 2] & 0x04;
	return 0;
}

/* A VPD page's header: the page we asked for, with @need bytes after it. */
static bool pvscsi_vpd_page_ok(const u8 *buf, u32 len, u8 page, u32 need)
{
	return len >= 4 + need && buf[1] == page &&
	       get_unaligned_be16(&buf[2]) >= need;
}

/**
 * pvscsi_parse_vpd_lbp() - the logical block provisioning VPD page (B2h)
 * @buf: the reply to INQUIRY EVPD page B2h
 * @len: bytes the device transferred
 * @info: unmap is set from LBPU
 *
 * Only UNMAP is used for discards: WRITE SAME with UNMAP alone (LBPWS
 * without LBPU) gets no discard, as pv_vmi does not issue WRITE SAME.
 *
 * Return: 0, or -EPROTO when the reply is not that page.
 */
int pvscsi_parse_vpd_lbp(const u8 *buf, u32 len, struct pvscsi_disk_info *info)
{
	if (!pvscsi_vpd_page_ok(buf, len, PVSCSI_VPD_LBP, 2))
		return -EPROTO;
	info->unmap = buf[5] & 0x80;	/* LBPU */
	return 0;
}

/**
 * pvscsi_parse_vpd_block_limits() - UNMAP limits from the block limits page
 * @buf: the reply to INQUIRY EVPD page B0h
 * @len: bytes the device transferred
 * @info: max_unmap_blocks and unmap_granularity are filled; unmap is
 *	cleared when the page says UNMAP takes no block or no descriptor
 *
 * Return: 0, or -EPROTO when the reply is not that page or too short to
 * hold the UNMAP fields.
 */
int pvscsi_parse_vpd_block_limits(const u8 *buf, u32 len,
				  struct pvscsi_disk_info *info)
{
	u32 max_lbas, max_descs;

	if (!pvscsi_vpd_page_ok(buf, len, PVSCSI_VPD_BLOCK_LIMITS, 28))
		return -EPROTO;
	max_lbas = get_unaligned_be32(&buf[20]);
	max_descs = get_unaligned_be32(&buf[24]);
	if (!max_lbas || !max_descs)
		info->unmap = false;
	info->max_unmap_blocks = max_lbas;
	info->unmap_granularity = get_unaligned_be32(&buf[28]);
	return 0;
}
