// SPDX-License-Identifier: GPL-2.0
/*
 * PVSCSI (PCI 15ad:07c0) as pv block devices, without the SCSI midlayer:
 * pv_blk requests become READ/WRITE(16), SYNCHRONIZE CACHE and UNMAP
 * commands on the adapter's request ring. Each logical unit that is a
 * disk becomes one pv device; all of an adapter's disks share its rings.
 *
 * Request ids: a request occupies a slot from queue_rq() until its
 * completion is consumed; the ring context is slot + 1. The ring is full
 * when as many requests are posted as completions could be pending.
 */
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <pv/blk.h>
#include "pv_vmi.h"
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
#define PVSCSI_MAX_LUNS			8

static bool pvscsi = true;
module_param(pvscsi, bool, 0444);
MODULE_PARM_DESC(pvscsi, "Drive PVSCSI adapters that no other driver has bound (default: true)");

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

/**
 * struct pvscsi_slot - a command in flight
 * @disk: the disk of a block request; NULL for an internal command
 * @req: the block request, or NULL
 * @done: completion of an internal command
 * @host_status: internal command result
 * @scsi_status: internal command result
 * @data_len: bytes transferred, internal command result
 * @posted_len: bytes the request can transfer at most
 * @retries: times the command was issued again
 * @nents: mapped scatterlist entries
 * @dir: DMA direction of the data
 * @aborted: an abort was sent for it
 */
struct pvscsi_slot {
	struct pvscsi_disk *disk;
	struct pv_blk_req *req;
	struct completion *done;
	u16 host_status;
	u16 scsi_status;
	u32 data_len;
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

static void pvscsi_write(struct pvscsi_adapter *a, u32 reg, u32 val)
{
	writel(val, a->mmio + reg);
}

static u32 pvscsi_read(struct pvscsi_adapter *a, u32 reg)
{
	return readl(a->mmio + reg);
}

/* An adapter command: the command, then its descriptor word by word. */
static void pvscsi_command(struct pvscsi_adapter *a, u32 cmd, const void *desc,
			   size_t len)
{
	const u32 *words = desc;
	size_t i;

	pvscsi_write(a, PVSCSI_REG_COMMAND, cmd);
	for (i = 0; i < len / sizeof(u32); i++)
		pvscsi_write(a, PVSCSI_REG_COMMAND_DATA, words[i]);
}

static void *pvscsi_slot_dma(struct pvscsi_adapter *a, int slot,
			     dma_addr_t *pa)
{
	*pa = a->slot_dma_pa + slot * PVSCSI_SLOT_DMA_SIZE;
	return a->slot_dma + slot * PVSCSI_SLOT_DMA_SIZE;
}

/* Caller holds a->lock. */
static bool pvscsi_ring_full(struct pvscsi_adapter *a)
{
	struct pvscsi_rings_state *s = a->rings_state;

	return s->req_prod - s->cmp_cons >= a->req_entries;
}

/*
 * Fill the next request descriptor for @slot and publish it. Caller holds
 * a->lock and has checked there is room.
 */
static void pvscsi_post(struct pvscsi_adapter *a, int slot, u8 target, u8 lun,
			const u8 *cdb, u8 cdb_len, dma_addr_t data, u64 len,
			u32 flags)
{
	struct pvscsi_rings_state *s = a->rings_state;
	struct pvscsi_req_desc *d = &a->req_ring[s->req_prod & (a->req_entries - 1)];
	dma_addr_t slot_pa;

	pvscsi_slot_dma(a, slot, &slot_pa);
	memset(d, 0, sizeof(*d));
	d->context = slot + 1;
	d->data_addr = data;
	d->data_len = len;
	d->sense_addr = slot_pa + PVSCSI_SENSE_OFF;
	d->sense_len = SCSI_SENSE_LEN;
	d->flags = flags;
	memcpy(d->cdb, cdb, cdb_len);
	d->cdb_len = cdb_len;
	d->lun[1] = lun;
	d->target = target;
	d->vcpu_hint = raw_smp_processor_id();
	a->slots[slot].posted_len = len;
	/* The descriptor before the index that publishes it. */
	smp_wmb();
	s->req_prod++;
}

static void pvscsi_kick(struct pvscsi_adapter *a, bool rw)
{
	pvscsi_write(a, rw ? PVSCSI_REG_KICK_RW_IO : PVSCSI_REG_KICK_NON_RW_IO, 0);
}

/* Build and post a block request's command. Caller holds a->lock. */
static void pvscsi_post_blk(struct pvscsi_adapter *a, int slot)
{
	struct pvscsi_slot *sl = &a->slots[slot];
	struct pvscsi_disk *disk = sl->disk;
	struct pv_blk_req *req = sl->req;
	u32 shift = ilog2(disk->info.block_size) - SECTOR_SHIFT;
	u64 lba = req->sector >> shift;
	u32 blocks = req->nr_sectors >> shift;
	struct pvscsi_sg_elem *sge;
	struct scatterlist *sg;
	dma_addr_t slot_pa, data = 0;
	u64 len = 0;
	u32 flags;
	u8 cdb[16], cdb_len;
	void *area;
	int i;

	area = pvscsi_slot_dma(a, slot, &slot_pa);
	switch (req->op) {
	case PV_BLK_OP_READ:
	case PV_BLK_OP_WRITE:
		cdb_len = pvscsi_cdb_rw16(cdb, req->op == PV_BLK_OP_WRITE,
					  req->flags & PV_BLK_REQ_FUA, lba, blocks);
		flags = req->op == PV_BLK_OP_WRITE ? PVSCSI_FLAG_CMD_DIR_TODEVICE :
						     PVSCSI_FLAG_CMD_DIR_TOHOST;
		if (sl->nents == 1) {
			data = sg_dma_address(req->sg);
			len = sg_dma_len(req->sg);
		} else {
			sge = area;
			for_each_sg(req->sg, sg, sl->nents, i) {
				sge[i].addr = sg_dma_address(sg);
				sge[i].length = sg_dma_len(sg);
				sge[i].flags = 0;
				len += sg_dma_len(sg);
			}
			data = slot_pa;
			flags |= PVSCSI_FLAG_CMD_WITH_SG_LIST;
		}
		break;
	case PV_BLK_OP_DISCARD:
		pvscsi_unmap_params(area + PVSCSI_UNMAP_OFF, lba, blocks);
		cdb_len = pvscsi_cdb_unmap(cdb, PVSCSI_UNMAP_PARAM_LEN);
		data = slot_pa + PVSCSI_UNMAP_OFF;
		len = PVSCSI_UNMAP_PARAM_LEN;
		flags = PVSCSI_FLAG_CMD_DIR_TODEVICE;
		break;
	default:	/* PV_BLK_OP_FLUSH */
		cdb_len = pvscsi_cdb_sync_cache(cdb);
		flags = PVSCSI_FLAG_CMD_DIR_NONE;
		break;
	}
	pvscsi_post(a, slot, disk->target, disk->lun, cdb, cdb_len, data, len,
		    flags);
}

static int pvscsi_get_slot(struct pvscsi_adapter *a)
{
	int slot;

	if (pvscsi_ring_full(a))
		return -EBUSY;
	slot = find_first_zero_bit(a->slot_map, a->req_entries);
	if (slot >= a->req_entries)
		return -EBUSY;
	__set_bit(slot, a->slot_map);
	memset(&a->slots[slot], 0, sizeof(a->slots[slot]));
	return slot;
}

/* Unmap a block request's data; any context. */
static void pvscsi_unmap_blk(struct pvscsi_adapter *a, struct pvscsi_slot *sl)
{
	if (sl->nents)
		dma_unmap_sg(&a->pci->dev, sl->req->sg, sl->req->nr_sg, sl->dir);
	sl->nents = 0;
}

/*
 * The device misbehaved: stop it and wake internal waiters. Block requests
 * in flight are failed by pvscsi_fail_inflight() once the lock is dropped.
 * Caller holds a->lock.
 */
static void pvscsi_break(struct pvscsi_adapter *a, const char *why)
{
	int slot;

	if (a->broken)
		return;
	a->broken = true;
	dev_err(&a->pci->dev, "device misbehaved, adapter disabled: %s\n", why);
	/* Stop the device before anything it might still DMA to is reused. */
	pvscsi_command(a, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	for_each_set_bit(slot, a->slot_map, a->req_entries) {
		struct pvscsi_slot *sl = &a->slots[slot];

		if (!sl->req && sl->done) {
			sl->host_status = 0xffff;
			complete(sl->done);
			__clear_bit(slot, a->slot_map);
		}
	}
	schedule_work(&a->broken_work);
}

/* Fail every block request in flight on a broken adapter. Lock not held. */
static void pvscsi_fail_inflight(struct pvscsi_adapter *a)
{
	struct pvscsi_disk *disk;
	struct pv_blk_req *req;
	unsigned long flags;
	int slot;

	for (;;) {
		spin_lock_irqsave(&a->lock, flags);
		for_each_set_bit(slot, a->slot_map, a->req_entries)
			if (a->slots[slot].req)
				break;
		if (slot >= a->req_entries) {
			spin_unlock_irqrestore(&a->lock, flags);
			return;
		}
		disk = a->slots[slot].disk;
		req = a->slots[slot].req;
		pvscsi_unmap_blk(a, &a->slots[slot]);
		__clear_bit(slot, a->slot_map);
		spin_unlock_irqrestore(&a->lock, flags);
		pv_blk_complete(disk->pdev, req, BLK_STS_IOERR);
	}
}

static void pvscsi_broken_work(struct work_struct *work)
{
	struct pvscsi_adapter *a = container_of(work, struct pvscsi_adapter,
						broken_work);
	struct pvscsi_disk *disk;

	mutex_lock(&a->disks_lock);
	list_for_each_entry(disk, &a->disks, node)
		pv_device_mark_broken(disk->pdev, "adapter disabled");
	mutex_unlock(&a->disks_lock);
}

struct pvscsi_done {
	struct pvscsi_disk *disk;
	struct pv_blk_req *req;
	blk_status_t status;
};

/*
 * Consume completions. Block requests are completed after the lock is
 * dropped: completing one can dispatch the next, which takes the lock.
 */
static void pvscsi_process_completions(struct pvscsi_adapter *a)
{
	struct pvscsi_rings_state *s = a->rings_state;
	struct pvscsi_done done[16];
	unsigned long flags;
	int n, i;

	do {
		n = 0;
		spin_lock_irqsave(&a->lock, flags);
		while (n < ARRAY_SIZE(done) && !a->broken) {
			struct pvscsi_cmp_desc c;
			struct pvscsi_slot *sl;
			enum pvscsi_verdict verdict;
			blk_status_t status;
			dma_addr_t pa;
			int pending, slot;
			char why[80];

			pending = pvscsi_check_ring_index(READ_ONCE(s->cmp_prod),
							  s->cmp_cons, a->cmp_entries);
			if (pending == 0)
				break;
			if (pending < 0) {
				snprintf(why, sizeof(why), "completion index %u, ours %u",
					 READ_ONCE(s->cmp_prod), s->cmp_cons);
				pvscsi_break(a, why);
				break;
			}
			/* The index before the descriptor it publishes. */
			smp_rmb();
			c = a->cmp_ring[s->cmp_cons & (a->cmp_entries - 1)];
			slot = pvscsi_check_completion(&c, a->req_entries, U64_MAX);
			if (slot < 0 || !test_bit(slot, a->slot_map) ||
			    c.data_len > a->slots[slot].posted_len) {
				snprintf(why, sizeof(why), "completion context %llu, length %llu",
					 c.context, c.data_len);
				pvscsi_break(a, why);
				break;
			}
			s->cmp_cons++;
			sl = &a->slots[slot];

			if (!sl->req) {		/* internal command */
				sl->host_status = c.host_status;
				sl->scsi_status = c.scsi_status;
				sl->data_len = c.data_len;
				if (sl->done)
					complete(sl->done);
				__clear_bit(slot, a->slot_map);
				continue;
			}

			verdict = pvscsi_decode_status(c.host_status, c.scsi_status,
						       pvscsi_slot_dma(a, slot, &pa) + PVSCSI_SENSE_OFF,
						       c.sense_len, &status);
			if (verdict == PVSCSI_RETRY_RESIZED && !sl->disk->removing)
				schedule_work(&sl->disk->resize_work);
			if (verdict != PVSCSI_DONE && sl->retries < PVSCSI_MAX_RETRIES &&
			    !sl->aborted) {
				/* Our completion entry is consumed: there is room. */
				sl->retries++;
				pvscsi_post_blk(a, slot);
				pvscsi_kick(a, true);
				continue;
			}
			/* A block transfer must be whole. */
			if (c.host_status == PVSCSI_BTSTAT_DATARUN &&
			    (sl->req->op == PV_BLK_OP_READ || sl->req->op == PV_BLK_OP_WRITE))
				status = BLK_STS_IOERR;
			pvscsi_unmap_blk(a, sl);
			done[n++] = (struct pvscsi_done){ sl->disk, sl->req, status };
			__clear_bit(slot, a->slot_map);
		}
		spin_unlock_irqrestore(&a->lock, flags);

		for (i = 0; i < n; i++)
			pv_blk_complete(done[i].disk->pdev, done[i].req, done[i].status);
	} while (n == ARRAY_SIZE(done));

	if (READ_ONCE(a->broken))
		pvscsi_fail_inflight(a);
}

static bool pvscsi_msg_pending(struct pvscsi_adapter *a)
{
	return a->msg_ring &&
	       READ_ONCE(a->rings_state->msg_prod) != a->rings_state->msg_cons;
}

static irqreturn_t pvscsi_irq(int irq, void *data)
{
	struct pvscsi_adapter *a = data;
	u32 status;

	if (!a->use_msi) {
		status = pvscsi_read(a, PVSCSI_REG_INTR_STATUS);
		if (!(status & (PVSCSI_INTR_CMPL_MASK | PVSCSI_INTR_MSG_MASK)))
			return IRQ_NONE;
		pvscsi_write(a, PVSCSI_REG_INTR_STATUS, status);
	}
	pvscsi_process_completions(a);
	if (pvscsi_msg_pending(a))
		schedule_work(&a->msg_work);
	return IRQ_HANDLED;
}

/**
 * pvscsi_exec() - run one SCSI command synchronously (discovery)
 * @a: the adapter
 * @target: target id
 * @lun: LUN
 * @cdb: the command
 * @cdb_len: its length
 * @len: bytes to read into a->internal_buf
 * @xfer: out: bytes transferred
 *
 * Retries UNIT ATTENTION and the like. Process context; takes
 * a->internal_lock.
 *
 * Return: 0, -ENODEV when the target does not answer, -EIO for a SCSI
 * error, -ETIMEDOUT, or -EBUSY when the ring stays full.
 */
static int pvscsi_exec(struct pvscsi_adapter *a, u8 target, u8 lun,
		       const u8 *cdb, u8 cdb_len, u32 len, u32 *xfer)
{
	DECLARE_COMPLETION_ONSTACK(done);
	enum pvscsi_verdict verdict;
	unsigned long flags;
	blk_status_t status;
	struct pvscsi_slot *sl;
	int slot, tries, err = -EIO;
	dma_addr_t pa;

	mutex_lock(&a->internal_lock);
	for (tries = 0; tries <= PVSCSI_MAX_RETRIES; tries++) {
		reinit_completion(&done);
		spin_lock_irqsave(&a->lock, flags);
		slot = a->broken ? -EIO : pvscsi_get_slot(a);
		if (slot < 0) {
			spin_unlock_irqrestore(&a->lock, flags);
			err = slot;
			break;
		}
		sl = &a->slots[slot];
		sl->done = &done;
		memset(a->internal_buf, 0, len);
		pvscsi_post(a, slot, target, lun, cdb, cdb_len,
			    len ? a->internal_buf_pa : 0, len,
			    len ? PVSCSI_FLAG_CMD_DIR_TOHOST : PVSCSI_FLAG_CMD_DIR_NONE);
		pvscsi_kick(a, false);
		spin_unlock_irqrestore(&a->lock, flags);

		if (!wait_for_completion_timeout(&done, PVSCSI_INTERNAL_TIMEOUT)) {
			spin_lock_irqsave(&a->lock, flags);
			pvscsi_break(a, "command not completed in time");
			spin_unlock_irqrestore(&a->lock, flags);
			pvscsi_fail_inflight(a);
			err = -ETIMEDOUT;
			break;
		}
		if (sl->host_status == 0xffff) {	/* failed by pvscsi_break() */
			err = -EIO;
			break;
		}
		verdict = pvscsi_decode_status(sl->host_status, sl->scsi_status,
					       pvscsi_slot_dma(a, slot, &pa) + PVSCSI_SENSE_OFF,
					       SCSI_SENSE_LEN, &status);
		if (verdict != PVSCSI_DONE)
			continue;
		if (status == BLK_STS_TRANSPORT)
			err = -ENODEV;
		else
			err = status ? -EIO : 0;
		/*
		 * QEMU never fills in the transferred length; the buffer was
		 * zeroed, so reading all of it is safe.
		 */
		*xfer = sl->data_len ? min_t(u32, sl->data_len, len) : len;
		break;
	}
	mutex_unlock(&a->internal_lock);
	return err;
}

/* Block ops */

static int pvscsi_blk_get_config(struct pv_device *pdev,
				 struct pv_blk_config *cfg)
{
	struct pvscsi_disk *disk = pdev->backend_priv;
	struct pvscsi_disk_info snapshot, *info = &snapshot;
	unsigned long flags;

	spin_lock_irqsave(&disk->adapter->lock, flags);
	snapshot = disk->info;
	spin_unlock_irqrestore(&disk->adapter->lock, flags);
	cfg->capacity = info->nr_blocks << (ilog2(info->block_size) - SECTOR_SHIFT);
	cfg->logical_block_size = info->block_size;
	cfg->physical_block_size = info->block_size << info->phys_exp;
	cfg->max_hw_sectors = 2048;
	cfg->max_segments = PVSCSI_MAX_SG;
	cfg->nr_queues = 1;
	cfg->queue_depth = disk->adapter->req_entries;
	cfg->req_priv_size = 0;
	if (info->lbpme) {
		cfg->max_discard_sectors = min_t(u64, U32_MAX >> 9 << 9,
						 (u64)U32_MAX * info->block_size >> 9);
		cfg->discard_granularity = info->block_size;
	}
	return 0;
}

static int pvscsi_blk_start(struct pv_device *pdev)
{
	return 0;
}

/* The front-end drained the queue; fail what the host still holds. */
static void pvscsi_blk_stop(struct pv_device *pdev)
{
	struct pvscsi_disk *disk = pdev->backend_priv;
	struct pvscsi_adapter *a = disk->adapter;
	unsigned long flags;
	int slot;

	spin_lock_irqsave(&a->lock, flags);
	for_each_set_bit(slot, a->slot_map, a->req_entries)
		if (a->slots[slot].disk == disk)
			dev_warn(&pdev->dev, "request still in flight at stop\n");
	spin_unlock_irqrestore(&a->lock, flags);
}

static int pvscsi_blk_queue_rq(struct pv_device *pdev, struct pv_blk_req *req,
			       bool last)
{
	struct pvscsi_disk *disk = pdev->backend_priv;
	struct pvscsi_adapter *a = disk->adapter;
	enum dma_data_direction dir = DMA_NONE;
	unsigned long flags;
	int nents = 0, slot;

	if (req->op == PV_BLK_OP_WRITE_ZEROES)
		return -EOPNOTSUPP;
	if (req->nr_sg) {
		dir = req->op == PV_BLK_OP_WRITE ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
		nents = dma_map_sg(&a->pci->dev, req->sg, req->nr_sg, dir);
		if (!nents)
			return -EBUSY;
	}

	spin_lock_irqsave(&a->lock, flags);
	slot = a->broken ? -EIO : pvscsi_get_slot(a);
	if (slot < 0) {
		spin_unlock_irqrestore(&a->lock, flags);
		if (nents)
			dma_unmap_sg(&a->pci->dev, req->sg, req->nr_sg, dir);
		return slot;
	}
	a->slots[slot].disk = disk;
	a->slots[slot].req = req;
	a->slots[slot].nents = nents;
	a->slots[slot].dir = dir;
	pvscsi_post_blk(a, slot);
	if (last)
		pvscsi_kick(a, req->op == PV_BLK_OP_READ || req->op == PV_BLK_OP_WRITE);
	spin_unlock_irqrestore(&a->lock, flags);
	return 0;
}

static void pvscsi_blk_commit(struct pv_device *pdev, u16 queue)
{
	struct pvscsi_disk *disk = pdev->backend_priv;

	pvscsi_kick(disk->adapter, true);
}

static enum pv_blk_timeout_action pvscsi_blk_timeout(struct pv_device *pdev,
						     struct pv_blk_req *req)
{
	struct pvscsi_disk *disk = pdev->backend_priv;
	struct pvscsi_adapter *a = disk->adapter;
	struct pvscsi_cmd_abort abort = { .target = disk->target };
	bool give_up = false;
	unsigned long flags;
	int slot;

	spin_lock_irqsave(&a->lock, flags);
	for_each_set_bit(slot, a->slot_map, a->req_entries) {
		if (a->slots[slot].req != req)
			continue;
		if (!a->slots[slot].aborted) {
			/* First time: ask the device to abort it. */
			a->slots[slot].aborted = true;
			abort.context = slot + 1;
			pvscsi_command(a, PVSCSI_CMD_ABORT_CMD, &abort, sizeof(abort));
		} else {
			/* The abort went unanswered too: give up on the device. */
			pvscsi_break(a, "request not completed after an abort");
			give_up = true;
		}
		break;
	}
	spin_unlock_irqrestore(&a->lock, flags);
	if (!give_up)
		return PV_BLK_TIMEOUT_RESET_TIMER;
	pvscsi_fail_inflight(a);	/* completes @req too */
	return PV_BLK_TIMEOUT_DONE;
}

static const struct pv_blk_ops pvscsi_blk_ops = {
	.get_config	= pvscsi_blk_get_config,
	.start		= pvscsi_blk_start,
	.stop		= pvscsi_blk_stop,
	.queue_rq	= pvscsi_blk_queue_rq,
	.commit		= pvscsi_blk_commit,
	.timeout	= pvscsi_blk_timeout,
};

/* Discovery */

/* Ask a logical unit what it is; 0 when it is a disk we can drive. */
static int pvscsi_probe_lun(struct pvscsi_adapter *a, u8 target, u8 lun,
			    struct pvscsi_disk_info *info)
{
	u8 cdb[16], cdb_len;
	u32 xfer;
	int err;

	cdb_len = pvscsi_cdb_inquiry(cdb, 96);
	err = pvscsi_exec(a, target, lun, cdb, cdb_len, 96, &xfer);
	if (err)
		return err;
	err = pvscsi_parse_inquiry(a->internal_buf, xfer);
	if (err)
		return err;

	memset(info, 0, sizeof(*info));
	cdb_len = pvscsi_cdb_read_capacity16(cdb, 32);
	err = pvscsi_exec(a, target, lun, cdb, cdb_len, 32, &xfer);
	if (!err)
		err = pvscsi_parse_read_capacity16(a->internal_buf, xfer, info);
	if (err) {
		dev_warn(&a->pci->dev, "target %u lun %u: no usable capacity (%d)\n",
			 target, lun, err);
		return -ENODEV;
	}

	/* Without a caching page: no write cache, so no flushes needed. */
	cdb_len = pvscsi_cdb_mode_sense_caching(cdb, 64);
	if (!pvscsi_exec(a, target, lun, cdb, cdb_len, 64, &xfer))
		pvscsi_parse_mode_caching(a->internal_buf, xfer, info);
	info->rotational = false;
	return 0;
}

/* The unit reported a capacity change: read it and tell the front-end. */
static void pvscsi_resize_work(struct work_struct *work)
{
	struct pvscsi_disk *disk = container_of(work, struct pvscsi_disk,
						resize_work);
	struct pvscsi_adapter *a = disk->adapter;
	struct pvscsi_disk_info info;
	unsigned long flags;
	u8 cdb[16], cdb_len;
	u32 xfer;
	int err;

	spin_lock_irqsave(&a->lock, flags);
	info = disk->info;
	spin_unlock_irqrestore(&a->lock, flags);
	cdb_len = pvscsi_cdb_read_capacity16(cdb, 32);
	err = pvscsi_exec(a, disk->target, disk->lun, cdb, cdb_len, 32, &xfer);
	if (!err)
		err = pvscsi_parse_read_capacity16(a->internal_buf, xfer, &info);
	if (err) {
		dev_warn(&a->pci->dev, "target %u lun %u: capacity changed, but cannot read it: %d\n",
			 disk->target, disk->lun, err);
		return;
	}
	spin_lock_irqsave(&a->lock, flags);
	disk->info = info;
	spin_unlock_irqrestore(&a->lock, flags);
	dev_info(&a->pci->dev, "target %u lun %u: capacity now %llu blocks\n",
		 disk->target, disk->lun, info.nr_blocks);
	pv_device_config_changed(disk->pdev);
}

static int pvscsi_add_disk(struct pvscsi_adapter *a, u8 target, u8 lun)
{
	struct pvscsi_disk_info info;
	struct pvscsi_disk *disk;
	struct pv_device *pdev;
	u64 features = 0;
	int err;

	lockdep_assert_held(&a->disks_lock);
	list_for_each_entry(disk, &a->disks, node)
		if (disk->target == target && disk->lun == lun)
			return -EEXIST;

	err = pvscsi_probe_lun(a, target, lun, &info);
	if (err)
		return err;

	disk = kzalloc(sizeof(*disk), GFP_KERNEL);
	if (!disk)
		return -ENOMEM;
	disk->adapter = a;
	disk->target = target;
	disk->lun = lun;
	disk->info = info;
	INIT_WORK(&disk->resize_work, pvscsi_resize_work);

	pdev = pv_device_alloc(&vmi_hypervisor, PV_CLASS_BLK, &a->pci->dev);
	if (IS_ERR(pdev)) {
		err = PTR_ERR(pdev);
		goto out_free;
	}
	if (info.write_protect)
		features |= PV_BLK_F_RO;
	if (info.write_cache)
		features |= PV_BLK_F_FLUSH;
	if (info.fua)
		features |= PV_BLK_F_FUA;
	if (info.lbpme)
		features |= PV_BLK_F_DISCARD;
	pdev->features = features;
	pdev->ops.blk = &pvscsi_blk_ops;
	pdev->backend_priv = disk;
	disk->pdev = pdev;
	/* On the list before it is added: a probe may already issue I/O. */
	list_add_tail(&disk->node, &a->disks);
	err = pv_device_add(pdev);
	if (err)
		goto out_put;

	dev_info(&a->pci->dev, "target %u lun %u: %s, %llu blocks of %u bytes\n",
		 target, lun, dev_name(&pdev->dev), info.nr_blocks, info.block_size);
	return 0;

out_put:
	list_del(&disk->node);
	pv_device_put(pdev);
out_free:
	kfree(disk);
	return err;
}

static void pvscsi_remove_disk(struct pvscsi_disk *disk)
{
	lockdep_assert_held(&disk->adapter->disks_lock);
	dev_info(&disk->adapter->pci->dev, "target %u lun %u: %s removed\n",
		 disk->target, disk->lun, dev_name(&disk->pdev->dev));
	spin_lock_irq(&disk->adapter->lock);
	disk->removing = true;
	spin_unlock_irq(&disk->adapter->lock);
	/* The work uses the pv device: finish it before the device goes. */
	cancel_work_sync(&disk->resize_work);
	pv_device_unregister(disk->pdev);
	list_del(&disk->node);
	kfree(disk);
}

static void pvscsi_scan_target(struct pvscsi_adapter *a, u8 target)
{
	u8 cdb[16], cdb_len, luns[PVSCSI_MAX_LUNS];
	u32 xfer;
	int i, n;

	cdb_len = pvscsi_cdb_report_luns(cdb, 8 + 8 * PVSCSI_MAX_LUNS);
	if (pvscsi_exec(a, target, 0, cdb, cdb_len, 8 + 8 * PVSCSI_MAX_LUNS, &xfer))
		return;		/* no such target */
	n = pvscsi_parse_report_luns(a->internal_buf, xfer, luns, PVSCSI_MAX_LUNS);
	if (n < 0) {
		dev_warn(&a->pci->dev, "target %u: malformed REPORT LUNS reply\n",
			 target);
		return;
	}
	for (i = 0; i < n; i++)
		pvscsi_add_disk(a, target, luns[i]);
}

/* Hot-plug: the device reports added and removed logical units. */
static void pvscsi_msg_work(struct work_struct *work)
{
	struct pvscsi_adapter *a = container_of(work, struct pvscsi_adapter,
						msg_work);
	struct pvscsi_rings_state *s = a->rings_state;
	struct pvscsi_disk *disk, *tmp;
	struct pvscsi_msg_desc msg;
	unsigned long flags;
	int pending;

	mutex_lock(&a->disks_lock);
	for (;;) {
		pending = pvscsi_check_ring_index(READ_ONCE(s->msg_prod), s->msg_cons,
						  a->msg_entries);
		if (pending <= 0) {
			if (pending < 0) {
				spin_lock_irqsave(&a->lock, flags);
				pvscsi_break(a, "message ring index out of range");
				spin_unlock_irqrestore(&a->lock, flags);
				pvscsi_fail_inflight(a);
			}
			break;
		}
		smp_rmb();
		msg = a->msg_ring[s->msg_cons & (a->msg_entries - 1)];
		s->msg_cons++;

		if (msg.bus != 0 || msg.target >= PVSCSI_MAX_TARGETS || msg.lun[1] >= 0x80) {
			dev_warn_ratelimited(&a->pci->dev, "ignoring message for bus %u target %u\n",
					     msg.bus, msg.target);
			continue;
		}
		switch (msg.type) {
		case PVSCSI_MSG_DEV_ADDED:
			pvscsi_add_disk(a, msg.target, msg.lun[1]);
			break;
		case PVSCSI_MSG_DEV_REMOVED:
			list_for_each_entry_safe(disk, tmp, &a->disks, node)
				if (disk->target == msg.target && disk->lun == msg.lun[1])
					pvscsi_remove_disk(disk);
			break;
		default:
			dev_warn_ratelimited(&a->pci->dev, "ignoring message type %u\n",
					     msg.type);
		}
	}
	mutex_unlock(&a->disks_lock);
}

/* Rings and the PCI function */

static void *pvscsi_alloc_ring(struct pvscsi_adapter *a, u32 pages,
			       dma_addr_t *pa)
{
	return dma_alloc_coherent(&a->pci->dev, pages * PAGE_SIZE, pa, GFP_KERNEL);
}

static int pvscsi_setup_rings(struct pvscsi_adapter *a)
{
	struct pvscsi_cmd_setup_rings *cmd;
	struct pvscsi_cmd_setup_msg_ring msg = { .pages = PVSCSI_MSG_RING_PAGES };
	u32 i;

	a->rings_state = pvscsi_alloc_ring(a, 1, &a->rings_state_pa);
	a->req_ring = pvscsi_alloc_ring(a, PVSCSI_REQ_RING_PAGES, &a->req_ring_pa);
	a->cmp_ring = pvscsi_alloc_ring(a, PVSCSI_CMP_RING_PAGES, &a->cmp_ring_pa);
	if (!a->rings_state || !a->req_ring || !a->cmp_ring)
		return -ENOMEM;
	a->req_entries = PVSCSI_REQ_RING_PAGES * PVSCSI_REQ_PER_PAGE;
	a->cmp_entries = PVSCSI_CMP_RING_PAGES * PVSCSI_CMP_PER_PAGE;

	cmd = kzalloc(sizeof(*cmd), GFP_KERNEL);
	if (!cmd)
		return -ENOMEM;
	cmd->req_ring_pages = PVSCSI_REQ_RING_PAGES;
	cmd->cmp_ring_pages = PVSCSI_CMP_RING_PAGES;
	cmd->rings_state_ppn = a->rings_state_pa >> PAGE_SHIFT;
	for (i = 0; i < PVSCSI_REQ_RING_PAGES; i++)
		cmd->req_ring_ppns[i] = (a->req_ring_pa >> PAGE_SHIFT) + i;
	for (i = 0; i < PVSCSI_CMP_RING_PAGES; i++)
		cmd->cmp_ring_ppns[i] = (a->cmp_ring_pa >> PAGE_SHIFT) + i;
	pvscsi_command(a, PVSCSI_CMD_SETUP_RINGS, cmd, sizeof(*cmd));
	kfree(cmd);

	/* The message ring is optional: the device says whether it has one. */
	pvscsi_write(a, PVSCSI_REG_COMMAND, PVSCSI_CMD_SETUP_MSG_RING);
	if (pvscsi_read(a, PVSCSI_REG_COMMAND_STATUS) == 0xffffffff)
		return 0;
	a->msg_ring = pvscsi_alloc_ring(a, PVSCSI_MSG_RING_PAGES, &a->msg_ring_pa);
	if (!a->msg_ring)
		return -ENOMEM;
	a->msg_entries = PVSCSI_MSG_RING_PAGES * PVSCSI_MSG_PER_PAGE;
	msg.ring_ppns[0] = a->msg_ring_pa >> PAGE_SHIFT;
	pvscsi_command(a, PVSCSI_CMD_SETUP_MSG_RING, &msg, sizeof(msg));
	return 0;
}

static void pvscsi_free_rings(struct pvscsi_adapter *a)
{
	struct device *dev = &a->pci->dev;

	if (a->msg_ring)
		dma_free_coherent(dev, PVSCSI_MSG_RING_PAGES * PAGE_SIZE, a->msg_ring,
				  a->msg_ring_pa);
	if (a->cmp_ring)
		dma_free_coherent(dev, PVSCSI_CMP_RING_PAGES * PAGE_SIZE, a->cmp_ring,
				  a->cmp_ring_pa);
	if (a->req_ring)
		dma_free_coherent(dev, PVSCSI_REQ_RING_PAGES * PAGE_SIZE, a->req_ring,
				  a->req_ring_pa);
	if (a->rings_state)
		dma_free_coherent(dev, PAGE_SIZE, a->rings_state, a->rings_state_pa);
}

static int pvscsi_alloc_slots(struct pvscsi_adapter *a)
{
	a->slots = kcalloc(a->req_entries, sizeof(*a->slots), GFP_KERNEL);
	a->slot_map = bitmap_zalloc(a->req_entries, GFP_KERNEL);
	a->slot_dma = dma_alloc_coherent(&a->pci->dev,
					 a->req_entries * PVSCSI_SLOT_DMA_SIZE,
					 &a->slot_dma_pa, GFP_KERNEL);
	a->internal_buf = dma_alloc_coherent(&a->pci->dev, PVSCSI_INTERNAL_BUF,
					     &a->internal_buf_pa, GFP_KERNEL);
	if (!a->slots || !a->slot_map || !a->slot_dma || !a->internal_buf)
		return -ENOMEM;
	return 0;
}

static void pvscsi_free_slots(struct pvscsi_adapter *a)
{
	if (a->internal_buf)
		dma_free_coherent(&a->pci->dev, PVSCSI_INTERNAL_BUF, a->internal_buf,
				  a->internal_buf_pa);
	if (a->slot_dma)
		dma_free_coherent(&a->pci->dev, a->req_entries * PVSCSI_SLOT_DMA_SIZE,
				  a->slot_dma, a->slot_dma_pa);
	bitmap_free(a->slot_map);
	kfree(a->slots);
}

static int pvscsi_pci_probe(struct pci_dev *pci, const struct pci_device_id *id)
{
	struct pvscsi_adapter *a;
	u8 target;
	int err;

	if (!pvscsi)
		return -ENODEV;

	err = pcim_enable_device(pci);
	if (err)
		return err;
	if (pci_resource_len(pci, 0) < PVSCSI_MMIO_SIZE ||
	    !(pci_resource_flags(pci, 0) & IORESOURCE_MEM)) {
		dev_err(&pci->dev, "BAR 0 is not the PVSCSI register window\n");
		return -ENODEV;
	}
	err = dma_set_mask_and_coherent(&pci->dev, DMA_BIT_MASK(64));
	if (err)
		return err;
	err = pcim_iomap_regions(pci, BIT(0), "pv_vmi_pvscsi");
	if (err)
		return err;
	pci_set_master(pci);

	a = devm_kzalloc(&pci->dev, sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->pci = pci;
	a->mmio = pcim_iomap_table(pci)[0];
	spin_lock_init(&a->lock);
	mutex_init(&a->internal_lock);
	mutex_init(&a->disks_lock);
	INIT_LIST_HEAD(&a->disks);
	INIT_WORK(&a->msg_work, pvscsi_msg_work);
	INIT_WORK(&a->broken_work, pvscsi_broken_work);
	pci_set_drvdata(pci, a);

	pvscsi_command(a, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	pvscsi_write(a, PVSCSI_REG_INTR_MASK, 0);

	err = pvscsi_setup_rings(a);
	if (err)
		goto out_free_rings;
	err = pvscsi_alloc_slots(a);
	if (err)
		goto out_free_slots;

	err = pci_alloc_irq_vectors(pci, 1, 1, PCI_IRQ_ALL_TYPES);
	if (err < 0)
		goto out_free_slots;
	a->use_msi = pci->msix_enabled || pci->msi_enabled;
	err = request_irq(pci_irq_vector(pci, 0), pvscsi_irq,
			  a->use_msi ? 0 : IRQF_SHARED, "pv_vmi_pvscsi", a);
	if (err)
		goto out_free_vectors;
	pvscsi_write(a, PVSCSI_REG_INTR_MASK,
		     PVSCSI_INTR_CMPL_MASK | (a->msg_ring ? PVSCSI_INTR_MSG_MASK : 0));

	dev_info(&pci->dev, "PVSCSI adapter: %u-entry rings, %s interrupt%s\n",
		 a->req_entries, pci->msix_enabled ? "MSI-X" :
		 pci->msi_enabled ? "MSI" : "INTx",
		 a->msg_ring ? ", hot-plug messages" : "");

	mutex_lock(&a->disks_lock);
	for (target = 0; target < PVSCSI_MAX_TARGETS && !a->broken; target++)
		pvscsi_scan_target(a, target);
	mutex_unlock(&a->disks_lock);
	return 0;

out_free_vectors:
	pci_free_irq_vectors(pci);
out_free_slots:
	pvscsi_free_slots(a);
out_free_rings:
	pvscsi_command(a, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	pvscsi_free_rings(a);
	return err;
}

static void pvscsi_pci_remove(struct pci_dev *pci)
{
	struct pvscsi_adapter *a = pci_get_drvdata(pci);
	struct pvscsi_disk *disk, *tmp;

	/* No hot-plug work may start once the disks are gone. */
	pvscsi_write(a, PVSCSI_REG_INTR_MASK, 0);
	cancel_work_sync(&a->msg_work);
	mutex_lock(&a->disks_lock);
	list_for_each_entry_safe(disk, tmp, &a->disks, node)
		pvscsi_remove_disk(disk);
	mutex_unlock(&a->disks_lock);
	cancel_work_sync(&a->broken_work);

	pvscsi_command(a, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	free_irq(pci_irq_vector(pci, 0), a);
	pci_free_irq_vectors(pci);
	pvscsi_free_slots(a);
	pvscsi_free_rings(a);
}

static const struct pci_device_id pvscsi_pci_ids[] = {
	{ PCI_DEVICE(PVSCSI_VENDOR_ID, PVSCSI_DEVICE_ID) },
	{ }
};

static struct pci_driver pvscsi_pci_driver = {
	.name		= "pv_vmi_pvscsi",
	.id_table	= pvscsi_pci_ids,
	.probe		= pvscsi_pci_probe,
	.remove		= pvscsi_pci_remove,
};

/**
 * vmi_pvscsi_register() - drive PVSCSI adapters no other driver has bound
 *
 * Says which adapters are left to another driver (vmw_pvscsi). Process
 * context.
 *
 * Return: 0 or a negative errno.
 */
int vmi_pvscsi_register(void)
{
	struct pci_dev *pci = NULL;

	while ((pci = pci_get_device(PVSCSI_VENDOR_ID, PVSCSI_DEVICE_ID, pci)))
		if (pci->driver)
			dev_info(&pci->dev, "PVSCSI adapter is driven by %s: leaving it alone (docs/vmware.md says how to hand it over)\n",
				 pci->driver->name);
	return pci_register_driver(&pvscsi_pci_driver);
}

void vmi_pvscsi_unregister(void)
{
	pci_unregister_driver(&pvscsi_pci_driver);
}
