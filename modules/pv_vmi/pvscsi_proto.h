/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PVSCSI device interface (PCI 15ad:07c0) and the SCSI commands pv_vmi
 * issues through it, with pure functions that build CDBs and parse what
 * the device returns, so KUnit can feed them hostile input.
 */
#ifndef _PV_VMI_PVSCSI_PROTO_H
#define _PV_VMI_PVSCSI_PROTO_H

#include <linux/blk_types.h>
#include <linux/types.h>

/* Registers (offsets in BAR 0, 32-bit). */
#define PVSCSI_REG_COMMAND		0x0000
#define PVSCSI_REG_COMMAND_DATA		0x0004
#define PVSCSI_REG_COMMAND_STATUS	0x0008
#define PVSCSI_REG_INTR_STATUS		0x100c
#define PVSCSI_REG_INTR_MASK		0x2010
#define PVSCSI_REG_KICK_NON_RW_IO	0x3014
#define PVSCSI_REG_KICK_RW_IO		0x4018
#define PVSCSI_MMIO_SIZE		(8 * 4096)

/* Adapter commands. */
#define PVSCSI_CMD_ADAPTER_RESET	1
#define PVSCSI_CMD_SETUP_RINGS		3
#define PVSCSI_CMD_ABORT_CMD		6
#define PVSCSI_CMD_SETUP_MSG_RING	8

#define PVSCSI_INTR_CMPL_MASK		0x3
#define PVSCSI_INTR_MSG_MASK		0xc

#define PVSCSI_MAX_RING_PAGES		32
#define PVSCSI_MAX_MSG_RING_PAGES	16
#define PVSCSI_MAX_TARGETS		64

/* Request flags. */
#define PVSCSI_FLAG_CMD_WITH_SG_LIST	BIT(0)
#define PVSCSI_FLAG_CMD_DIR_NONE	BIT(2)
#define PVSCSI_FLAG_CMD_DIR_TOHOST	BIT(3)
#define PVSCSI_FLAG_CMD_DIR_TODEVICE	BIT(4)

/* Host adapter status (BTSTAT_*). */
#define PVSCSI_BTSTAT_SUCCESS		0x00
#define PVSCSI_BTSTAT_LINKED_DONE	0x0a
#define PVSCSI_BTSTAT_LINKED_DONE_FLAG	0x0b
#define PVSCSI_BTSTAT_DATA_UNDERRUN	0x0c
#define PVSCSI_BTSTAT_SELTIMEO		0x11
#define PVSCSI_BTSTAT_DATARUN		0x12
#define PVSCSI_BTSTAT_ABORTQUEUE	0x26

/* Message ring messages. */
#define PVSCSI_MSG_DEV_ADDED		0
#define PVSCSI_MSG_DEV_REMOVED		1

struct pvscsi_cmd_setup_rings {
	u32 req_ring_pages;
	u32 cmp_ring_pages;
	u64 rings_state_ppn;
	u64 req_ring_ppns[PVSCSI_MAX_RING_PAGES];
	u64 cmp_ring_ppns[PVSCSI_MAX_RING_PAGES];
} __packed;

struct pvscsi_cmd_setup_msg_ring {
	u32 pages;
	u32 pad;
	u64 ring_ppns[PVSCSI_MAX_MSG_RING_PAGES];
} __packed;

struct pvscsi_cmd_abort {
	u64 context;
	u32 target;
	u32 pad;
} __packed;

/* Shared ring indexes; free-running, masked with the ring size. */
struct pvscsi_rings_state {
	u32 req_prod;
	u32 req_cons;
	u32 req_entries_log2;
	u32 cmp_prod;
	u32 cmp_cons;
	u32 cmp_entries_log2;
	u32 req_call_threshold;
	u8 pad[100];
	u32 msg_prod;
	u32 msg_cons;
	u32 msg_entries_log2;
} __packed;

/* 128 bytes. context 0 is never used: it is slot + 1. */
struct pvscsi_req_desc {
	u64 context;
	u64 data_addr;
	u64 data_len;
	u64 sense_addr;
	u32 sense_len;
	u32 flags;
	u8 cdb[16];
	u8 cdb_len;
	u8 lun[8];
	u8 tag;
	u8 bus;
	u8 target;
	u16 vcpu_hint;
	u8 unused[58];
} __packed;

struct pvscsi_sg_elem {
	u64 addr;
	u32 length;
	u32 flags;
} __packed;

/* 32 bytes. */
struct pvscsi_cmp_desc {
	u64 context;
	u64 data_len;
	u32 sense_len;
	u16 host_status;
	u16 scsi_status;
	u32 pad[2];
} __packed;

/* 128 bytes. */
struct pvscsi_msg_desc {
	u32 type;
	u32 bus;
	u32 target;
	u8 lun[8];
	u32 pad[27];
} __packed;

/* SCSI */
#define SCSI_SENSE_LEN			96
/* SAM queue tag message: a SIMPLE (unordered) tagged command. */
#define PVSCSI_SIMPLE_QUEUE_TAG		0x20
/* Largest logical block pv_blk takes: sd's limit, the page size. */
#define PVSCSI_MAX_BLOCK_SIZE		4096

/**
 * struct pvscsi_disk_info - what INQUIRY, READ CAPACITY(16) and MODE SENSE
 * say about a logical unit
 * @nr_blocks: logical blocks
 * @block_size: bytes per logical block
 * @phys_exp: log2(logical blocks per physical block)
 * @lbpme: thin provisioned (READ CAPACITY(16) LBPME)
 * @unmap: UNMAP is supported (LBP VPD page: LBPU) within the block limits
 *	VPD page's non-zero limits below; only then is discard offered
 * @max_unmap_blocks: most blocks one UNMAP may name (U32_MAX: no limit)
 * @unmap_granularity: optimal unmap granularity in blocks (0: not given)
 * @write_cache: volatile write cache enabled (WCE)
 * @fua: DPOFUA: FUA is honoured
 * @write_protect: WP
 * @rotational: not known to be solid state
 */
struct pvscsi_disk_info {
	u64 nr_blocks;
	u32 block_size;
	u8 phys_exp;
	bool lbpme;
	bool unmap;
	u32 max_unmap_blocks;
	u32 unmap_granularity;
	bool write_cache;
	bool fua;
	bool write_protect;
	bool rotational;
};

/**
 * enum pvscsi_verdict - what to do with a completed command
 * @PVSCSI_DONE: complete it with the given status
 * @PVSCSI_RETRY: transient (UNIT ATTENTION, ...): issue it again
 * @PVSCSI_RETRY_RESIZED: like @PVSCSI_RETRY, and the unit says its capacity
 *	changed: read it again
 */
enum pvscsi_verdict {
	PVSCSI_DONE,
	PVSCSI_RETRY,
	PVSCSI_RETRY_RESIZED,
};

int pvscsi_check_completion(const struct pvscsi_cmp_desc *desc, u32 nr_slots,
			    u64 expected_max_len);
int pvscsi_check_ring_index(u32 prod, u32 cons, u32 entries);
enum pvscsi_verdict pvscsi_decode_status(u16 host_status, u16 scsi_status,
					 const u8 *sense, u32 sense_len,
					 blk_status_t *status);

bool pvscsi_blk_transfer_whole(u16 host_status, u64 data_len, u64 posted_len);
void pvscsi_req_desc_init(struct pvscsi_req_desc *d, u64 context,
			  const u8 *cdb, u8 cdb_len, u8 target, u8 lun);

u8 pvscsi_cdb_rw16(u8 *cdb, bool write, bool fua, u64 lba, u32 blocks);
u8 pvscsi_cdb_inquiry(u8 *cdb, u8 len);
u8 pvscsi_cdb_inquiry_vpd(u8 *cdb, u8 page, u8 len);
u8 pvscsi_cdb_report_luns(u8 *cdb, u32 len);
u8 pvscsi_cdb_read_capacity16(u8 *cdb, u8 len);
u8 pvscsi_cdb_mode_sense_caching(u8 *cdb, u16 len);
u8 pvscsi_cdb_sync_cache(u8 *cdb);
u8 pvscsi_cdb_unmap(u8 *cdb, u16 param_len);
void pvscsi_unmap_params(u8 *buf, u64 lba, u32 blocks);

int pvscsi_parse_report_luns(const u8 *buf, u32 len, u8 *luns, int max);
int pvscsi_parse_inquiry(const u8 *buf, u32 len);
int pvscsi_parse_read_capacity16(const u8 *buf, u32 len,
				 struct pvscsi_disk_info *info);
int pvscsi_parse_mode_caching(const u8 *buf, u32 len,
			      struct pvscsi_disk_info *info);
int pvscsi_parse_vpd_lbp(const u8 *buf, u32 len, struct pvscsi_disk_info *info);
int pvscsi_parse_vpd_block_limits(const u8 *buf, u32 len,
				  struct pvscsi_disk_info *info);

/* Vital product data pages pv_vmi reads. */
#define PVSCSI_VPD_BLOCK_LIMITS		0xb0
#define PVSCSI_VPD_LBP			0xb2
#define PVSCSI_VPD_BLOCK_LIMITS_LEN	64
#define PVSCSI_VPD_LBP_LEN		8

#define PVSCSI_UNMAP_PARAM_LEN		24

#endif /* _PV_VMI_PVSCSI_PROTO_H */
