// SPDX-License-Identifier: GPL-2.0
/*
 * pv_blk: a blk-mq disk on each pv block device.
 *
 * Requests are mapped to a scatterlist and handed to the backend as struct
 * pv_blk_req, which lives in the blk-mq pdu together with the scatterlist
 * and the backend's per-request area; the backend completes them through
 * pv_blk_complete(). Disks are named pvb<n>, with up to 15 partitions
 * each; n is pv_blk's own index, held until the last opener of the disk
 * lets go (free_disk), not the pv device's: a device unbound and bound
 * again while its old disk is still open gets a new name and dev_t.
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <pv/blk.h>

#define PV_BLK_MINORS		16
#define PV_BLK_DEFAULT_DEPTH	64

static unsigned int queue_depth;
module_param(queue_depth, uint, 0444);
MODULE_PARM_DESC(queue_depth, "Requests per hardware queue; 0 uses the backend's depth (default: 0)");

static unsigned int timeout_secs = 30;
module_param(timeout_secs, uint, 0444);
MODULE_PARM_DESC(timeout_secs, "Request timeout in seconds (default: 30)");

static int pv_blk_major;
/* Disk indices (name pvb<n>, minors n * PV_BLK_MINORS ...): own locking. */
static DEFINE_IDA(pv_blk_index_ida);


/**
 * struct pv_blk_disk - one disk
 * @pdev: the pv device
 * @disk: the gendisk
 * @index: its number in pv_blk_index_ida, free again in free_disk()
 * @tag_set: its blk-mq tag set
 * @max_segments: scatterlist entries per request (sized into the pdu)
 * @req_priv_size: bytes of the backend's area after them
 * @config_work: re-reads the configuration after config_changed()
 * @removing: remove() has begun: a request that times out now means the
 *	host stopped answering, and ends the wait (pv_blk_mq_timeout())
 * @stop_lock: serialises stopping the backend between blk-mq's timeout
 *	work and remove()
 * @stopped: pv_blk_stop() has been called; under @stop_lock
 * @flush_refused: the host answered a flush with BLK_STS_NOTSUPP: the
 *	write cache (and FUA) stay off whatever its features say; set once,
 *	from any context
 */
struct pv_blk_disk {
	struct pv_device *pdev;
	struct gendisk *disk;
	int index;
	struct blk_mq_tag_set tag_set;
	unsigned int max_segments;
	unsigned int req_priv_size;
	struct work_struct config_work;
	bool removing;
	struct mutex stop_lock;
	bool stopped;
	bool flush_refused;
};

/*
 * The blk-mq pdu: the request as the backend sees it, the status it
 * completed with, then max_segments scatterlist entries and the backend's
 * area (pv_blk_config::req_priv_size bytes).
 */
struct pv_blk_cmd {
	struct pv_blk_req req;
	blk_status_t status;
	struct scatterlist sg[];
};

static inline struct pv_blk_cmd *pv_blk_cmd_of(struct pv_blk_req *req)
{
	return container_of(req, struct pv_blk_cmd, req);
}

/*
 * The last reference to the disk is gone (the last opener closed it after
 * remove). Only now may its name and dev_t be handed to another disk: until
 * then an open of the old dev_t would find the dead disk's block device.
 */
static void pv_blk_free_disk(struct gendisk *disk)
{
	struct pv_blk_disk *pbd = disk->private_data;

	ida_free(&pv_blk_index_ida, pbd->index);
	kfree(pbd);
}

static const struct block_device_operations pv_blk_fops = {
	.owner = THIS_MODULE,
	.free_disk = pv_blk_free_disk,
};

static blk_status_t pv_blk_setup_req(struct pv_blk_disk *pbd,
				     struct request *rq, struct pv_blk_cmd *cmd)
{
	struct pv_blk_req *req = &cmd->req;

	req->flags = 0;
	/* Space a later minor may use reads as "not provided" (pv/blk.h). */
	req->pv_reserved1 = 0;
	req->pv_reserved2 = 0;
	req->sector = blk_rq_pos(rq);
	req->nr_sectors = blk_rq_sectors(rq);
	req->nr_sg = 0;
	req->sg = cmd->sg;

	switch (req_op(rq)) {
	case REQ_OP_READ:
		req->op = PV_BLK_OP_READ;
		break;
	case REQ_OP_WRITE:
		req->op = PV_BLK_OP_WRITE;
		if (rq->cmd_flags & REQ_FUA)
			req->flags |= PV_BLK_REQ_FUA;
		break;
	case REQ_OP_FLUSH:
		req->op = PV_BLK_OP_FLUSH;
		return BLK_STS_OK;
	case REQ_OP_DISCARD:
		req->op = PV_BLK_OP_DISCARD;
		return BLK_STS_OK;
	case REQ_OP_WRITE_ZEROES:
		req->op = PV_BLK_OP_WRITE_ZEROES;
		return BLK_STS_OK;
	default:
		return BLK_STS_NOTSUPP;
	}

	sg_init_table(cmd->sg, pbd->max_segments);
	req->nr_sg = blk_rq_map_sg(rq, cmd->sg);
	return BLK_STS_OK;
}

static blk_status_t pv_blk_mq_queue_rq(struct blk_mq_hw_ctx *hctx,
				       const struct blk_mq_queue_data *bd)
{
	struct pv_blk_disk *pbd = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	struct pv_blk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	blk_status_t sts;
	int err;

	if (pv_device_is_broken(pbd->pdev))
		return BLK_STS_IOERR;

	sts = pv_blk_setup_req(pbd, rq, cmd);
	if (sts)
		return sts;
	cmd->req.queue = hctx->queue_num;
	cmd->req.tag = rq->tag;
	cmd->req.priv = pbd->req_priv_size ?
			(void *)(cmd->sg + pbd->max_segments) : NULL;
	cmd->status = BLK_STS_OK;

	blk_mq_start_request(rq);
	err = pv_blk_queue_rq(pbd->pdev, &cmd->req, bd->last);
	switch (err) {
	case 0:
		return BLK_STS_OK;
	case -EBUSY:
		/* The ring may be shared with other disks: retry on a timer. */
		return BLK_STS_RESOURCE;
	default:
		return BLK_STS_IOERR;
	}
}

static void pv_blk_mq_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct pv_blk_disk *pbd = hctx->queue->queuedata;

	/* queue_rq() failed its requests itself; a stopped backend gets no call. */
	if (!pv_device_is_broken(pbd->pdev))
		pv_blk_commit(pbd->pdev, hctx->queue_num);
}

static void pv_blk_mq_complete(struct request *rq)
{
	struct pv_blk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	blk_mq_end_request(rq, cmd->status);
}

/*
 * Fail every outstanding request without the host: no new dispatch (the
 * queue is quiesced, and a broken device fails queue_rq() once it runs
 * again), then the backend's stop(), which completes what it still holds
 * with an error and makes sure the host can no longer touch their pages
 * (reset, grants revoked). The disk stays; remove() finishes the rest.
 */
static void pv_blk_stop_dead_host(struct pv_blk_disk *pbd, const char *why)
{
	struct request_queue *q = pbd->disk->queue;

	lockdep_assert_held(&pbd->stop_lock);
	if (pbd->stopped)
		return;
	pv_device_mark_broken(pbd->pdev, why);
	blk_mq_quiesce_queue(q);
	pv_blk_stop(pbd->pdev);
	pbd->stopped = true;
	blk_mq_unquiesce_queue(q);
}

/*
 * A bound device waits for a slow host as long as it takes unless the
 * backend can abort (pv_blk_ops::timeout): until the host answers, the
 * request's pages are the host's. Once remove() has begun, a request that
 * times out instead means the host stopped answering: removal must not
 * hang on it (del_gendisk() waits for every request), so the backend is
 * stopped, which fails it and everything else outstanding.
 */
static enum blk_eh_timer_return pv_blk_mq_timeout(struct request *rq)
{
	struct pv_blk_disk *pbd = rq->q->queuedata;
	struct pv_blk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	enum blk_eh_timer_return ret = BLK_EH_DONE;

	mutex_lock(&pbd->stop_lock);
	if (pbd->stopped)
		goto out;	/* stop() completed it, or is about to */
	dev_warn_ratelimited(&pbd->pdev->dev, "%s: request at sector %llu timed out\n",
			     pbd->disk->disk_name,
			     (unsigned long long)cmd->req.sector);
	if (pv_blk_timeout(pbd->pdev, &cmd->req) == PV_BLK_TIMEOUT_DONE)
		goto out;
	if (READ_ONCE(pbd->removing))
		pv_blk_stop_dead_host(pbd, "a request timed out during removal");
	else
		ret = BLK_EH_RESET_TIMER;
out:
	mutex_unlock(&pbd->stop_lock);
	return ret;
}

static const struct blk_mq_ops pv_blk_mq_ops = {
	.queue_rq	= pv_blk_mq_queue_rq,
	.commit_rqs	= pv_blk_mq_commit_rqs,
	.complete	= pv_blk_mq_complete,
	.timeout	= pv_blk_mq_timeout,
};

/*
 * A host that offered a write cache and then refuses to flush it has none
 * it can flush: as xen-blkfront does, turn the cache off rather than fail
 * this flush and every later one (jbd2 aborts the journal on the first).
 */
static blk_status_t pv_blk_flush_refused(struct pv_blk_disk *pbd)
{
	if (!xchg(&pbd->flush_refused, true)) {
		dev_warn(&pbd->pdev->dev, "%s: host refused a cache flush: write cache off\n",
			 pbd->disk->disk_name);
		schedule_work(&pbd->config_work);
	}
	return BLK_STS_OK;
}

/* pv_blk_callbacks::complete: any context. */
static void pv_blk_done(struct pv_device *pdev, struct pv_blk_req *req,
			blk_status_t status)
{
	struct pv_blk_cmd *cmd = pv_blk_cmd_of(req);
	struct request *rq = blk_mq_rq_from_pdu(cmd);

	if (unlikely(status == BLK_STS_NOTSUPP) && req->op == PV_BLK_OP_FLUSH)
		status = pv_blk_flush_refused(pdev->frontend_priv);
	cmd->status = status;
	if (likely(!blk_should_fake_timeout(rq->q)))
		blk_mq_complete_request(rq);
}

static const struct pv_blk_callbacks pv_blk_callbacks = {
	.complete = pv_blk_done,
};

static void pv_blk_limits(const struct pv_blk_config *cfg, u64 features,
			  struct queue_limits *lim,
			  struct compat_blk_features *feat)
{
	memset(lim, 0, sizeof(*lim));
	lim->logical_block_size = cfg->logical_block_size ?: SECTOR_SIZE;
	lim->physical_block_size = max(cfg->physical_block_size,
				       lim->logical_block_size);
	lim->max_hw_sectors = cfg->max_hw_sectors ?: BLK_SAFE_MAX_SECTORS;
	lim->max_segments = cfg->max_segments;
	lim->max_segment_size = cfg->max_segment_size ?: BLK_MAX_SEGMENT_SIZE;
	lim->seg_boundary_mask = cfg->seg_boundary_mask;
	lim->dma_alignment = cfg->dma_alignment ?: SECTOR_SIZE - 1;
	if (features & PV_BLK_F_DISCARD) {
		lim->max_hw_discard_sectors = cfg->max_discard_sectors;
		lim->discard_granularity = cfg->discard_granularity ?:
					   lim->logical_block_size;
	}
	if (features & PV_BLK_F_WRITE_ZEROES)
		lim->max_write_zeroes_sectors = cfg->max_write_zeroes_sectors;

	feat->write_cache = features & PV_BLK_F_FLUSH;
	feat->fua = (features & PV_BLK_F_FLUSH) && (features & PV_BLK_F_FUA);
	feat->rotational = features & PV_BLK_F_ROTATIONAL;
}

/* What the host offers now, less what it has shown it cannot do. */
static u64 pv_blk_features(struct pv_blk_disk *pbd)
{
	u64 f = READ_ONCE(pbd->pdev->features);

	if (READ_ONCE(pbd->flush_refused))
		f &= ~(PV_BLK_F_FLUSH | PV_BLK_F_FUA);
	return f;
}

/*
 * The host changed the disk (config_changed()), or refused a flush: apply
 * its size, read-only flag, cache, FUA, discard and write-zeroes anew.
 * Block sizes and queue shapes are fixed for the life of the disk.
 */
static void pv_blk_config_work(struct work_struct *work)
{
	struct pv_blk_disk *pbd = container_of(work, struct pv_blk_disk,
					       config_work);
	struct compat_blk_features feat;
	struct queue_limits lim;
	struct pv_blk_config cfg;
	u64 f = pv_blk_features(pbd);
	int err;

	if (pv_blk_get_config(pbd->pdev, &cfg))
		return;
	if (get_capacity(pbd->disk) != cfg.capacity) {
		dev_info(&pbd->pdev->dev, "%s: capacity %llu -> %llu sectors\n",
			 pbd->disk->disk_name,
			 (unsigned long long)get_capacity(pbd->disk), cfg.capacity);
		set_capacity_and_notify(pbd->disk, cfg.capacity);
	}
	set_disk_ro(pbd->disk, !!(f & PV_BLK_F_RO));
	pv_blk_limits(&cfg, f, &lim, &feat);
	err = compat_blk_update_limits(pbd->disk->queue, &lim, &feat);
	if (err)
		dev_err(&pbd->pdev->dev, "%s: cannot apply the host's new features: %d\n",
			pbd->disk->disk_name, err);
}

static void pv_blk_config_changed(struct pv_device *pdev)
{
	struct pv_blk_disk *pbd = pdev->frontend_priv;

	schedule_work(&pbd->config_work);
}

static int pv_blk_probe(struct pv_device *pdev)
{
	struct compat_blk_features feat;
	struct queue_limits lim;
	struct pv_blk_config cfg;
	struct pv_blk_disk *pbd;
	char features[96];
	u64 f = READ_ONCE(pdev->features);
	int err;

	err = pv_blk_get_config(pdev, &cfg);
	if (err) {
		/* -ENODEV: the backend says the device is not for us. */
		if (err != -ENODEV)
			dev_err(&pdev->dev, "cannot read the disk configuration: %d\n",
				err);
		return err;
	}
	if (!cfg.nr_queues || !cfg.queue_depth || !cfg.max_segments) {
		dev_err(&pdev->dev, "backend gave no queues or segments\n");
		return -EINVAL;
	}

	pbd = kzalloc(sizeof(*pbd), GFP_KERNEL);
	if (!pbd)
		return -ENOMEM;
	pbd->index = ida_alloc_max(&pv_blk_index_ida,
				   (1 << MINORBITS) / PV_BLK_MINORS - 1,
				   GFP_KERNEL);
	if (pbd->index < 0) {
		err = pbd->index;
		goto out_free_pbd;
	}
	pbd->pdev = pdev;
	pbd->max_segments = cfg.max_segments;
	INIT_WORK(&pbd->config_work, pv_blk_config_work);
	mutex_init(&pbd->stop_lock);
	pdev->frontend_priv = pbd;

	pbd->tag_set.ops = &pv_blk_mq_ops;
	pbd->tag_set.nr_hw_queues = cfg.nr_queues;
	pbd->tag_set.queue_depth = min_t(unsigned int,
					 queue_depth ?: cfg.queue_depth,
					 cfg.queue_depth);
	pbd->tag_set.numa_node = NUMA_NO_NODE;
	pbd->req_priv_size = cfg.req_priv_size;
	pbd->tag_set.cmd_size = sizeof(struct pv_blk_cmd) +
				cfg.max_segments * sizeof(struct scatterlist) +
				cfg.req_priv_size;
	pbd->tag_set.flags = BLK_MQ_F_SHOULD_MERGE;
	pbd->tag_set.driver_data = pbd;
	pbd->tag_set.timeout = timeout_secs * HZ;
	err = blk_mq_alloc_tag_set(&pbd->tag_set);
	if (err)
		goto out_free_index;

	pv_blk_limits(&cfg, f, &lim, &feat);
	pbd->disk = compat_blk_mq_alloc_disk(&pbd->tag_set, &lim, &feat, pbd);
	if (IS_ERR(pbd->disk)) {
		err = PTR_ERR(pbd->disk);
		goto out_free_tags;
	}

	err = pv_blk_start(pdev, &pv_blk_callbacks);
	if (err) {
		dev_err(&pdev->dev, "backend cannot start the queues: %d\n", err);
		goto out_put_disk;
	}

	snprintf(pbd->disk->disk_name, DISK_NAME_LEN, "pvb%d", pbd->index);
	pbd->disk->major = pv_blk_major;
	pbd->disk->first_minor = pbd->index * PV_BLK_MINORS;
	pbd->disk->minors = PV_BLK_MINORS;
	pbd->disk->fops = &pv_blk_fops;
	pbd->disk->private_data = pbd;
	set_capacity(pbd->disk, cfg.capacity);
	set_disk_ro(pbd->disk, !!(f & PV_BLK_F_RO));

	err = device_add_disk(&pdev->dev, pbd->disk, NULL);
	if (err)
		goto out_stop;

	pv_features_format(PV_CLASS_BLK, f, features, sizeof(features));
	dev_info(&pdev->dev, "%s: %llu sectors (%llu MiB), %u-byte blocks, %u queue%s of %u, features: %s\n",
		 pbd->disk->disk_name, cfg.capacity, cfg.capacity >> 11,
		 lim.logical_block_size, cfg.nr_queues,
		 cfg.nr_queues > 1 ? "s" : "", pbd->tag_set.queue_depth,
		 features[0] ? features : "none");
	return 0;

out_stop:
	pv_blk_stop(pdev);
out_put_disk:
	put_disk(pbd->disk);
out_free_tags:
	blk_mq_free_tag_set(&pbd->tag_set);
out_free_index:
	ida_free(&pv_blk_index_ida, pbd->index);
out_free_pbd:
	pdev->frontend_priv = NULL;
	kfree(pbd);
	return err;
}

static void pv_blk_remove(struct pv_device *pdev)
{
	struct pv_blk_disk *pbd = pdev->frontend_priv;

	/* pv_core stopped config_changed() calls before remove. */
	cancel_work_sync(&pbd->config_work);
	/*
	 * del_gendisk() writes back and waits for every request. A healthy
	 * host completes them (nothing written is lost); one that stopped
	 * answering is detected by the request timeout (pv_blk_mq_timeout()),
	 * and a broken device is stopped now, its requests failed at once.
	 */
	WRITE_ONCE(pbd->removing, true);
	if (pv_device_is_broken(pdev)) {
		mutex_lock(&pbd->stop_lock);
		pv_blk_stop_dead_host(pbd, "removed while broken");
		mutex_unlock(&pbd->stop_lock);
	}
	del_gendisk(pbd->disk);
	/* No request is left, so blk-mq's timeout work no longer runs. */
	if (!pbd->stopped)
		pv_blk_stop(pdev);
	/* A flush refused during del_gendisk() may have queued it again. */
	cancel_work_sync(&pbd->config_work);
	blk_mq_free_tag_set(&pbd->tag_set);
	/*
	 * An opener may still hold the disk: pbd and the disk's index go in
	 * pv_blk_free_disk() when the last reference does.
	 */
	put_disk(pbd->disk);
}

/* How long quiesce() waits for the host to answer what it holds. */
#define PV_BLK_QUIESCE_TIMEOUT_MS	30000

static bool pv_blk_count_started(struct request *rq, void *data)
{
	unsigned int *n = data;

	if (blk_mq_request_started(rq) && !blk_mq_request_completed(rq))
		(*n)++;
	return true;
}

static unsigned int pv_blk_in_flight(struct pv_blk_disk *pbd)
{
	unsigned int n = 0;

	blk_mq_tagset_busy_iter(&pbd->tag_set, pv_blk_count_started, &n);
	return n;
}

/*
 * The backend is about to stop the device (suspend, shutdown): dispatch
 * nothing more and wait until the host has answered every request it
 * holds. New requests queue up in blk-mq (their timer starts only at
 * dispatch) until resume(). A host that holds a request for
 * PV_BLK_QUIESCE_TIMEOUT_MS fails the quiesce, and the disk runs on.
 */
static int pv_blk_quiesce(struct pv_device *pdev)
{
	struct pv_blk_disk *pbd = pdev->frontend_priv;
	struct request_queue *q = pbd->disk->queue;
	unsigned int waited = 0, n;

	blk_mq_quiesce_queue(q);
	while ((n = pv_blk_in_flight(pbd))) {
		if (waited >= PV_BLK_QUIESCE_TIMEOUT_MS) {
			dev_warn(&pdev->dev, "%s: %u requests still with the host after %u s: not quiescing\n",
				 pbd->disk->disk_name, n, waited / 1000);
			blk_mq_unquiesce_queue(q);
			return -EBUSY;
		}
		msleep(10);
		waited += 10;
	}
	return 0;
}

/* The backend set the device up again: dispatch what queued meanwhile. */
static int pv_blk_resume(struct pv_device *pdev)
{
	struct pv_blk_disk *pbd = pdev->frontend_priv;

	blk_mq_unquiesce_queue(pbd->disk->queue);
	return 0;
}

static const struct pv_device_id pv_blk_ids[] = {
	{ .class = PV_CLASS_BLK },
	{ }
};

static struct pv_driver pv_blk_driver = {
	.driver.name	= "pv_blk",
	.id_table	= pv_blk_ids,
	.probe		= pv_blk_probe,
	.remove		= pv_blk_remove,
	.config_changed	= pv_blk_config_changed,
	.quiesce	= pv_blk_quiesce,
	.resume		= pv_blk_resume,
};

static int __init pv_blk_init(void)
{
	int err;

	if (!timeout_secs) {
		pr_err("timeout_secs must be at least 1\n");
		return -EINVAL;
	}
	pv_blk_major = register_blkdev(0, "pvb");
	if (pv_blk_major < 0)
		return pv_blk_major;
	err = pv_driver_register(&pv_blk_driver);
	if (err)
		goto out_unregister_blkdev;
	return 0;

out_unregister_blkdev:
	unregister_blkdev(pv_blk_major, "pvb");
	return err;
}

static void __exit pv_blk_exit(void)
{
	pv_driver_unregister(&pv_blk_driver);
	unregister_blkdev(pv_blk_major, "pvb");
}

module_init(pv_blk_init);
module_exit(pv_blk_exit);

PV_MODULE_ALIAS_CLASS(blk);
PV_IMPORT_NS();
MODULE_AUTHOR("pv-drivers developers");
MODULE_DESCRIPTION("Block devices (blk-mq) for paravirtual block devices");
MODULE_LICENSE("GPL");
MODULE_VERSION(PV_DRIVERS_VERSION);
