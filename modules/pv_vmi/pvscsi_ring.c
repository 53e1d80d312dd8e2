// SPDX-License-Identifier: GPL-2.0
/*
 * PVSCSI ring protocol: a command holds a slot from submission until its
 * completion is consumed; the ring context is slot + 1. The ring is full
 * when as many commands are posted as completions could be pending. What
 * the device writes back is checked before it is believed; a device that
 * misbehaves is reset and everything in flight fails.
 */
#include <linux/blkdev.h>
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include "pv_vmi.h"
#include "pvscsi.h"

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
	pvscsi_req_desc_init(d, slot + 1, cdb, cdb_len, target, lun);
	d->data_addr = data;
	d->data_len = len;
	d->sense_addr = slot_pa + PVSCSI_SENSE_OFF;
	d->sense_len = SCSI_SENSE_LEN;
	d->flags = flags;
	d->vcpu_hint = raw_smp_processor_id();
	a->slots[slot].posted_len = len;
	/* The descriptor before the index that publishes it. */
	smp_wmb();
	s->req_prod++;
}

void pvscsi_kick(struct pvscsi_adapter *a, bool rw)
{
	pvscsi_write(a, rw ? PVSCSI_REG_KICK_RW_IO : PVSCSI_REG_KICK_NON_RW_IO, 0);
}

/* Build and post a block request's command. Caller holds a->lock. */
void pvscsi_post_blk(struct pvscsi_adapter *a, int slot)
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

int pvscsi_get_slot(struct pvscsi_adapter *a)
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
void pvscsi_break(struct pvscsi_adapter *a, const char *why)
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

		if (!sl->req && sl->result) {
			sl->result->host_status = PVSCSI_RESULT_BROKEN;
			complete(&sl->result->done);
			__clear_bit(slot, a->slot_map);
		}
	}
	schedule_work(&a->broken_work);
}

/* Fail every block request in flight on a broken adapter. Lock not held. */
void pvscsi_fail_inflight(struct pvscsi_adapter *a)
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

void pvscsi_broken_work(struct work_struct *work)
{
	struct pvscsi_adapter *a = container_of(work, struct pvscsi_adapter,
						broken_work);
	struct pvscsi_disk *disk;

	mutex_lock(&a->disks_lock);
	list_for_each_entry(disk, &a->disks, node)
		pv_device_mark_broken(disk->pdev, "adapter disabled");
	mutex_unlock(&a->disks_lock);
}

/* Hand an internal command's outcome to its waiter. Caller holds a->lock. */
static void pvscsi_copy_result(struct pvscsi_adapter *a, int slot,
			       const struct pvscsi_cmp_desc *c,
			       struct pvscsi_result *res)
{
	dma_addr_t pa;

	lockdep_assert_held(&a->lock);
	res->host_status = c->host_status;
	res->scsi_status = c->scsi_status;
	res->data_len = c->data_len;
	res->sense_len = min_t(u32, c->sense_len, SCSI_SENSE_LEN);
	memcpy(res->sense, pvscsi_slot_dma(a, slot, &pa) + PVSCSI_SENSE_OFF,
	       SCSI_SENSE_LEN);
	complete(&res->done);
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
				/*
				 * Everything the waiter reads is copied out
				 * now: once the bit is clear another command
				 * can take (and clear) the slot and its sense.
				 */
				if (sl->result)
					pvscsi_copy_result(a, slot, &c, sl->result);
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
			if ((sl->req->op == PV_BLK_OP_READ || sl->req->op == PV_BLK_OP_WRITE) &&
			    !status && !pvscsi_blk_transfer_whole(c.host_status, c.data_len,
								  sl->posted_len))
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

irqreturn_t pvscsi_irq(int irq, void *data)
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
	if (pvscsi_msg_pending(a) && !READ_ONCE(a->removing))
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
 * @buf: where the data read goes, @len bytes; copied out of the shared
 *	a->internal_buf while a->internal_lock is held, so another internal
 *	command cannot overwrite it before the caller parses it
 * @len: bytes to read (at most PVSCSI_INTERNAL_BUF)
 * @xfer: out: bytes transferred
 *
 * Retries UNIT ATTENTION and the like. Process context; takes
 * a->internal_lock.
 *
 * Return: 0, -ENODEV when the target does not answer, -EIO for a SCSI
 * error, -ETIMEDOUT, or -EBUSY when the ring stays full.
 */
int pvscsi_exec(struct pvscsi_adapter *a, u8 target, u8 lun,
		       const u8 *cdb, u8 cdb_len, void *buf, u32 len, u32 *xfer)
{
	struct pvscsi_result res;
	enum pvscsi_verdict verdict;
	unsigned long flags;
	blk_status_t status;
	int slot, tries, err = -EIO;
	bool timed_out;

	if (WARN_ON_ONCE(len > PVSCSI_INTERNAL_BUF))
		return -EINVAL;
	init_completion(&res.done);
	mutex_lock(&a->internal_lock);
	for (tries = 0; tries <= PVSCSI_MAX_RETRIES; tries++) {
		reinit_completion(&res.done);
		spin_lock_irqsave(&a->lock, flags);
		slot = a->broken ? -EIO : pvscsi_get_slot(a);
		if (slot < 0) {
			spin_unlock_irqrestore(&a->lock, flags);
			err = slot;
			break;
		}
		a->slots[slot].result = &res;
		memset(a->internal_buf, 0, len);
		pvscsi_post(a, slot, target, lun, cdb, cdb_len,
			    len ? a->internal_buf_pa : 0, len,
			    len ? PVSCSI_FLAG_CMD_DIR_TOHOST : PVSCSI_FLAG_CMD_DIR_NONE);
		pvscsi_kick(a, false);
		spin_unlock_irqrestore(&a->lock, flags);

		if (!wait_for_completion_timeout(&res.done, PVSCSI_INTERNAL_TIMEOUT)) {
			/*
			 * The completion may have come after the timeout but
			 * before we took the lock: then the slot is released
			 * and the result is ours, and the adapter is healthy.
			 */
			spin_lock_irqsave(&a->lock, flags);
			timed_out = !completion_done(&res.done);
			if (timed_out)
				pvscsi_break(a, "command not completed in time");
			spin_unlock_irqrestore(&a->lock, flags);
			if (timed_out) {
				pvscsi_fail_inflight(a);
				err = -ETIMEDOUT;
				break;
			}
		}
		if (res.host_status == PVSCSI_RESULT_BROKEN) {
			err = -EIO;
			break;
		}
		verdict = pvscsi_decode_status(res.host_status, res.scsi_status,
					       res.sense, res.sense_len, &status);
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
		*xfer = res.data_len ? min_t(u32, res.data_len, len) : len;
		memcpy(buf, a->internal_buf, len);
		break;
	}
	mutex_unlock(&a->internal_lock);
	return err;
}
