/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pv_vmi's PVSCSI driver, shared between its files:
 *  pvscsi.c       the PCI function: rings set up, interrupts, probe/remove
 *  pvscsi_ring.c  the ring protocol: posting, completions, internal commands
 *  pvscsi_disk.c  logical units as pv block devices: discovery, hot-plug,
 *                 capacity changes, the block ops
 * Protocol structures and the pure parsers are in pvscsi_proto.h.
 */
#ifndef _PV_VMI_PVSCSI_H
#define _PV_VMI_PVSCSI_H

#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/workqueue.h>
#include <pv/blk.h>
#include "pvscsi_proto.h"

#define PVSCSI_VENDOR_ID		0x15ad
#define PVSCSI_DEVICE_ID		0x07c0

#define PVSCSI_REQ_RING_PAGES		8	/* 256 requests */
#define PVSCSI_CMP_RING_PAGES		2	/* 256 completions */
#define PVSCSI_MSG_RING_PAGES		1	/* 32 messages */
#define PVSCSI_REQ_PER_PAGE		(PAGE_SIZE / sizeof(struct pvscsi_req_desc))
#define PVSCSI_CMP_PER_PAGE		(PAGE_SIZE / sizeof(struct pvscsi_cmp_desc))
#define PVSCSI_MSG_PER_PAGE		(PAGE_SIZE / sizeof(struct pvscsi_msg_desc))

/* Per slot DMA area: a scatter-gather list, the sense buffer, UNMAP data. */
#define PVSCSI_SLOT_DMA_SIZE		2048
#define PVSCSI_MAX_SG			112
#define PVSCSI_SENSE_OFF		(PVSCSI_MAX_SG * sizeof(struct pvscsi_sg_elem))
#define PVSCSI_UNMAP_OFF		(PVSCSI_SENSE_OFF + SCSI_SENSE_LEN)

#define PVSCSI_MAX_RETRIES		3
#define PVSCSI_INTERNAL_TIMEOUT		(10 * HZ)
#define PVSCSI_INTERNAL_BUF		4096
/* Largest reply a discovery command reads (INQUIRY, 96 bytes). */
#define PVSCSI_REPLY_MAX		96
#define PVSCSI_MAX_LUNS			8

struct pvscsi_adapter;

/**
 * struct pvscsi_disk - a logical unit driven as a pv block device
 * @adapter: its adapter
 * @pdev: the pv device
 * @target: SCSI target id
 * @lun: LUN
 * @info: what the unit reported at discovery, updated by @resize_work;
 *	read and written under the adapter's lock (get_config() runs under
 *	disks_lock when a disk is added)
 * @node: in pvscsi_adapter::disks
 * @resize_work: reads the capacity again after the unit reported a change
 * @removing: set under the adapter's lock before the disk goes away, so no
 *	new @resize_work is scheduled
 */
struct pvscsi_disk {
	struct pvscsi_adapter *adapter;
	struct pv_device *pdev;
	u8 target;
	u8 lun;
	struct pvscsi_disk_info info;
	struct list_head node;
	struct work_struct resize_work;
	bool removing;
};

/* pvscsi_result::host_status of a command failed by pvscsi_break(). */
#define PVSCSI_RESULT_BROKEN		0xffff

/**
 * struct pvscsi_result - what an internal command's waiter gets
 * @done: completed once the fields below are filled
 * @host_status: adapter status, or PVSCSI_RESULT_BROKEN
 * @scsi_status: SCSI status
 * @data_len: bytes the device says it transferred
 * @sense: sense data, copied out of the slot's DMA area
 * @sense_len: valid bytes in @sense, as the device claims (clamped)
 *
 * Filled under the adapter's lock by the interrupt handler before the slot
 * is released, so the waiter never reads a slot another command now owns.
 */
struct pvscsi_result {
	struct completion done;
	u16 host_status;
	u16 scsi_status;
	u32 data_len;
	u8 sense[SCSI_SENSE_LEN];
	u32 sense_len;
};

/**
 * struct pvscsi_slot - a command in flight
 * @disk: the disk of a block request; NULL for an internal command
 * @req: the block request, or NULL
 * @result: where an internal command's outcome goes
 * @posted_len: bytes the request can transfer at most
 * @retries: times the command was issued again
 * @nents: mapped scatterlist entries
 * @dir: DMA direction of the data
 * @aborted: an abort was sent for it
 */
struct pvscsi_slot {
	struct pvscsi_disk *disk;
	struct pv_blk_req *req;
	struct pvscsi_result *result;
	u64 posted_len;
	u8 retries;
	int nents;
	enum dma_data_direction dir;
	bool aborted;
};

/**
 * struct pvscsi_adapter - one PVSCSI controller
 * @pci: the PCI function
 * @mmio: BAR 0
 * @lock: protects the rings, @slots, @slot_map and @broken; taken in the
 *	interrupt handler, so irqsave everywhere else
 * @rings_state: shared ring indexes
 * @req_ring: request ring
 * @cmp_ring: completion ring
 * @msg_ring: message ring (hot-plug), NULL when the device has none
 * @req_entries: request ring size
 * @cmp_entries: completion ring size
 * @msg_entries: message ring size
 * @slots: @req_entries slots
 * @slot_map: which slots are in flight
 * @slot_dma: per-slot DMA areas, PVSCSI_SLOT_DMA_SIZE each
 * @broken: the device misbehaved; everything fails from now on
 * @removing: the adapter is being removed: no hot-plug work is scheduled
 *	or acts any more (set under @lock, read locklessly)
 * @use_msi: interrupts are MSI or MSI-X, not shared
 * @internal_lock: serialises internal commands (discovery), which share
 *	@internal_buf
 * @internal_buf: data buffer of internal commands
 * @disks_lock: protects @disks; held across discovery and hot-plug
 * @disks: struct pvscsi_disk list
 * @msg_work: handles hot-plug messages
 * @broken_work: marks the disks broken (needs @disks_lock, a mutex)
 * @rings_state_pa: bus address of @rings_state
 * @req_ring_pa: bus address of @req_ring
 * @cmp_ring_pa: bus address of @cmp_ring
 * @msg_ring_pa: bus address of @msg_ring
 * @slot_dma_pa: bus address of @slot_dma
 * @internal_buf_pa: bus address of @internal_buf
 */
struct pvscsi_adapter {
	struct pci_dev *pci;
	void __iomem *mmio;
	spinlock_t lock;
	struct pvscsi_rings_state *rings_state;
	struct pvscsi_req_desc *req_ring;
	struct pvscsi_cmp_desc *cmp_ring;
	struct pvscsi_msg_desc *msg_ring;
	u32 req_entries;
	u32 cmp_entries;
	u32 msg_entries;
	struct pvscsi_slot *slots;
	unsigned long *slot_map;
	void *slot_dma;
	bool broken;
	bool removing;
	bool use_msi;
	struct mutex internal_lock;
	void *internal_buf;
	struct mutex disks_lock;
	struct list_head disks;
	struct work_struct msg_work;
	struct work_struct broken_work;
	dma_addr_t rings_state_pa, req_ring_pa, cmp_ring_pa, msg_ring_pa;
	dma_addr_t slot_dma_pa, internal_buf_pa;
};

static inline void pvscsi_write(struct pvscsi_adapter *a, u32 reg, u32 val)
{
	writel(val, a->mmio + reg);
}

static inline u32 pvscsi_read(struct pvscsi_adapter *a, u32 reg)
{
	return readl(a->mmio + reg);
}

/* An adapter command: the command, then its descriptor word by word. */
static inline void pvscsi_command(struct pvscsi_adapter *a, u32 cmd, const void *desc,
			   size_t len)
{
	const u32 *words = desc;
	size_t i;

	pvscsi_write(a, PVSCSI_REG_COMMAND, cmd);
	for (i = 0; i < len / sizeof(u32); i++)
		pvscsi_write(a, PVSCSI_REG_COMMAND_DATA, words[i]);
}

static inline void *pvscsi_slot_dma(struct pvscsi_adapter *a, int slot,
			     dma_addr_t *pa)
{
	*pa = a->slot_dma_pa + slot * PVSCSI_SLOT_DMA_SIZE;
	return a->slot_dma + slot * PVSCSI_SLOT_DMA_SIZE;
}

/* pvscsi_ring.c */
void pvscsi_kick(struct pvscsi_adapter *a, bool rw);
int pvscsi_get_slot(struct pvscsi_adapter *a);
void pvscsi_post_blk(struct pvscsi_adapter *a, int slot);
void pvscsi_break(struct pvscsi_adapter *a, const char *why);
void pvscsi_fail_inflight(struct pvscsi_adapter *a);
void pvscsi_broken_work(struct work_struct *work);
irqreturn_t pvscsi_irq(int irq, void *data);
int pvscsi_exec(struct pvscsi_adapter *a, u8 target, u8 lun, const u8 *cdb,
		u8 cdb_len, void *buf, u32 len, u32 *xfer);

/* pvscsi_disk.c */
void pvscsi_scan_target(struct pvscsi_adapter *a, u8 target);
void pvscsi_remove_disk(struct pvscsi_disk *disk);
void pvscsi_msg_work(struct work_struct *work);

#endif /* _PV_VMI_PVSCSI_H */
