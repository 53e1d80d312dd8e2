// SPDX-License-Identifier: GPL-2.0
/*
 * PVSCSI logical units as pv block devices, without the SCSI midlayer:
 * pv_blk requests become READ/WRITE(16), SYNCHRONIZE CACHE and UNMAP on the
 * adapter's rings. Discovery, hot-plug messages and capacity changes.
 */
#include <linux/blkdev.h>
#include <linux/dma-mapping.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include "pv_vmi.h"
#include "pvscsi.h"

/* Block ops */

static int pvscsi_blk_get_config(struct pv_device *pdev,
				 struct pv_blk_config *cfg)
{
	struct pvscsi_disk *disk = pdev->backend_priv;
	struct pvscsi_disk_info snapshot, *info = &snapshot;
	unsigned long flags;
	u64 gran;

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
	if (info->unmap) {
		/* One UNMAP descriptor per request, within the unit's limit. */
		cfg->max_discard_sectors = min_t(u64, U32_MAX >> 9 << 9,
						 (u64)info->max_unmap_blocks *
						 info->block_size >> 9);
		/*
		 * The unit's granularity, within what one request may discard
		 * and never below a physical block, as sd takes it.
		 */
		gran = (u64)max(info->unmap_granularity, 1U) * info->block_size;
		gran = min_t(u64, gran, (u64)cfg->max_discard_sectors << 9);
		gran = max_t(u64, gran, (u64)info->block_size << info->phys_exp);
		cfg->discard_granularity = min_t(u64, gran, SZ_1G);
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
	u8 cdb[16], cdb_len, buf[PVSCSI_REPLY_MAX];
	u32 xfer;
	int err;

	cdb_len = pvscsi_cdb_inquiry(cdb, 96);
	err = pvscsi_exec(a, target, lun, cdb, cdb_len, buf, 96, &xfer);
	if (err)
		return err;
	err = pvscsi_parse_inquiry(buf, xfer);
	if (err)
		return err;

	memset(info, 0, sizeof(*info));
	cdb_len = pvscsi_cdb_read_capacity16(cdb, 32);
	err = pvscsi_exec(a, target, lun, cdb, cdb_len, buf, 32, &xfer);
	if (!err)
		err = pvscsi_parse_read_capacity16(buf, xfer, info);
	if (err) {
		dev_warn(&a->pci->dev, "target %u lun %u: no usable capacity (%d)\n",
			 target, lun, err);
		return -ENODEV;
	}

	/*
	 * Discard only where the unit says UNMAP works and within what it
	 * takes (LBP and block limits VPD pages), as sd decides; a thin
	 * unit whose pages cannot be read gets no discard.
	 */
	if (info->lbpme) {
		cdb_len = pvscsi_cdb_inquiry_vpd(cdb, PVSCSI_VPD_LBP, PVSCSI_VPD_LBP_LEN);
		if (pvscsi_exec(a, target, lun, cdb, cdb_len, buf, PVSCSI_VPD_LBP_LEN, &xfer) ||
		    pvscsi_parse_vpd_lbp(buf, xfer, info))
			info->unmap = false;
		if (info->unmap) {
			cdb_len = pvscsi_cdb_inquiry_vpd(cdb, PVSCSI_VPD_BLOCK_LIMITS,
							 PVSCSI_VPD_BLOCK_LIMITS_LEN);
			if (pvscsi_exec(a, target, lun, cdb, cdb_len, buf,
					PVSCSI_VPD_BLOCK_LIMITS_LEN, &xfer) ||
			    pvscsi_parse_vpd_block_limits(buf, xfer, info))
				info->unmap = false;
		}
		if (!info->unmap)
			dev_info(&a->pci->dev, "target %u lun %u: thin, but UNMAP is not offered: no discard\n",
				 target, lun);
	}

	/* Without a caching page: no write cache, so no flushes needed. */
	cdb_len = pvscsi_cdb_mode_sense_caching(cdb, 64);
	if (!pvscsi_exec(a, target, lun, cdb, cdb_len, buf, 64, &xfer))
		pvscsi_parse_mode_caching(buf, xfer, info);
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
	u8 cdb[16], cdb_len, buf[PVSCSI_REPLY_MAX];
	char why[64];
	u32 xfer, old_bs;
	int err;

	spin_lock_irqsave(&a->lock, flags);
	info = disk->info;
	spin_unlock_irqrestore(&a->lock, flags);
	old_bs = info.block_size;
	cdb_len = pvscsi_cdb_read_capacity16(cdb, 32);
	err = pvscsi_exec(a, disk->target, disk->lun, cdb, cdb_len, buf, 32, &xfer);
	if (!err)
		err = pvscsi_parse_read_capacity16(buf, xfer, &info);
	if (err) {
		dev_warn(&a->pci->dev, "target %u lun %u: capacity changed, but cannot read it: %d\n",
			 disk->target, disk->lun, err);
		return;
	}
	/*
	 * Requests in flight address the disk in the old block size, and
	 * blk-mq cannot change it under them: a unit that changes it is a
	 * different disk. Stop using it rather than write to wrong LBAs.
	 */
	if (info.block_size != old_bs) {
		snprintf(why, sizeof(why), "logical block size changed from %u to %u bytes",
			 old_bs, info.block_size);
		pv_device_mark_broken(disk->pdev, why);
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
	if (info.unmap)
		features |= PV_BLK_F_DISCARD;
	pdev->features = features;
	pv_device_set_ops(pdev, &pvscsi_blk_ops);
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

void pvscsi_remove_disk(struct pvscsi_disk *disk)
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

/* Every reply read into a PVSCSI_REPLY_MAX buffer fits it. */
static_assert(8 + 8 * PVSCSI_MAX_LUNS <= PVSCSI_REPLY_MAX);
static_assert(PVSCSI_VPD_BLOCK_LIMITS_LEN <= PVSCSI_REPLY_MAX);

void pvscsi_scan_target(struct pvscsi_adapter *a, u8 target)
{
	u8 cdb[16], cdb_len, luns[PVSCSI_MAX_LUNS], buf[PVSCSI_REPLY_MAX];
	u32 xfer;
	int i, n;

	cdb_len = pvscsi_cdb_report_luns(cdb, 8 + 8 * PVSCSI_MAX_LUNS);
	if (pvscsi_exec(a, target, 0, cdb, cdb_len, buf, 8 + 8 * PVSCSI_MAX_LUNS, &xfer))
		return;		/* no such target */
	n = pvscsi_parse_report_luns(buf, xfer, luns, PVSCSI_MAX_LUNS);
	if (n < 0) {
		dev_warn(&a->pci->dev, "target %u: malformed REPORT LUNS reply\n",
			 target);
		return;
	}
	for (i = 0; i < n; i++)
		pvscsi_add_disk(a, target, luns[i]);
}

/* Hot-plug: the device reports added and removed logical units. */
void pvscsi_msg_work(struct work_struct *work)
{
	struct pvscsi_adapter *a = container_of(work, struct pvscsi_adapter,
						msg_work);
	struct pvscsi_rings_state *s = a->rings_state;
	struct pvscsi_disk *disk, *tmp;
	struct pvscsi_msg_desc msg;
	unsigned long flags;
	int pending;

	mutex_lock(&a->disks_lock);
	/* The adapter is going away: its remove takes every disk. */
	while (!READ_ONCE(a->removing)) {
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

