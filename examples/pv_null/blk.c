// SPDX-License-Identifier: GPL-2.0
/*
 * pv_null's disk: RAM behind the pv block class, with the knobs of the
 * kernel's null_blk (size, queues, how and when requests complete, errors
 * on purpose).
 *
 * The data is copied in queue_rq(), as a host would serve a request; only
 * the completion is deferred, in softirq or timer mode, through a list per
 * queue that stop() drains.
 */
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <pv/blk.h>
#include "pv_null.h"

#define PVNULL_BLK_MAX_QUEUES	64
#define PVNULL_BLK_QUEUE_DEPTH	64

static unsigned int pvnull_size_mib = 64;
module_param_named(size_mib, pvnull_size_mib, uint, 0444);
MODULE_PARM_DESC(size_mib, "Disk size in MiB, allocated from RAM at load (default: 64)");

static unsigned int pvnull_queues = 1;
module_param_named(queues, pvnull_queues, uint, 0444);
MODULE_PARM_DESC(queues, "Hardware queues of the disk, 1-64 (default: 1)");

static char *pvnull_completion = "softirq";
module_param_named(completion, pvnull_completion, charp, 0444);
MODULE_PARM_DESC(completion, "How requests complete: none (inside queue_rq), softirq (from a tasklet) or timer (latency_ns later, from an hrtimer) (default: softirq)");

static unsigned long pvnull_latency_ns = 10000;
module_param_named(latency_ns, pvnull_latency_ns, ulong, 0444);
MODULE_PARM_DESC(latency_ns, "Completion latency in ns in timer mode (default: 10000)");

/* Writable at run time, so a test can switch errors on after a clean start. */
static unsigned int pvnull_error_every;
module_param_named(error_every, pvnull_error_every, uint, 0644);
MODULE_PARM_DESC(error_every, "Fail every Nth request with an I/O error, without doing it (default: 0, never)");

enum pvnull_blk_mode {
	PVNULL_BLK_NONE,
	PVNULL_BLK_SOFTIRQ,
	PVNULL_BLK_TIMER,
};

static const char * const pvnull_blk_mode_names[] = {
	[PVNULL_BLK_NONE]	= "none",
	[PVNULL_BLK_SOFTIRQ]	= "softirq",
	[PVNULL_BLK_TIMER]	= "timer",
};

/**
 * struct pvnull_cmd - a served request waiting for its completion
 * @node: in pvnull_queue::done
 * @req: the request it lives in (as pv_blk_req::priv)
 * @status: what the request completes with
 * @due: when it completes, in timer mode
 */
struct pvnull_cmd {
	struct list_head node;
	struct pv_blk_req *req;
	blk_status_t status;
	ktime_t due;
};

/**
 * struct pvnull_queue - one hardware queue
 * @lock: protects @done; taken from queue_rq, the tasklet, the hrtimer
 *	(hard interrupt) and stop, so always with interrupts off
 * @done: served requests not yet completed, oldest (and so, with one fixed
 *	latency, first due) first
 * @tasklet: completes @done in softirq mode
 * @timer: completes what is due in @done in timer mode
 */
struct pvnull_queue {
	spinlock_t lock;
	struct list_head done;
	struct tasklet_struct tasklet;
	struct hrtimer timer;
} ____cacheline_aligned_in_smp;

/**
 * struct pvnull_blk - the disk
 * @pdev: its pv device
 * @data: the disk's contents, @capacity sectors
 * @capacity: size in 512-byte sectors
 * @mode: how requests complete
 * @nr_requests: requests seen while error_every was set, to pick the Nth
 * @queues: pvnull_queues of them
 */
static struct pvnull_blk {
	struct pv_device *pdev;
	u8 *data;
	u64 capacity;
	enum pvnull_blk_mode mode;
	atomic_t nr_requests;
	struct pvnull_queue *queues;
} pvnull_blk;

/* Report each request of @list, already served, to the front-end. */
static void pvnull_blk_complete_list(struct list_head *list)
{
	struct pvnull_cmd *cmd, *next;

	list_for_each_entry_safe(cmd, next, list, node) {
		list_del(&cmd->node);
		/* After this the request (and @cmd in it) is the front-end's. */
		pv_blk_complete(pvnull_blk.pdev, cmd->req, cmd->status);
	}
}

static void pvnull_blk_tasklet(struct tasklet_struct *t)
{
	struct pvnull_queue *q = from_tasklet(q, t, tasklet);
	LIST_HEAD(due);

	spin_lock_irq(&q->lock);
	list_splice_init(&q->done, &due);
	spin_unlock_irq(&q->lock);
	pvnull_blk_complete_list(&due);
}

static enum hrtimer_restart pvnull_blk_timer(struct hrtimer *timer)
{
	struct pvnull_queue *q = container_of(timer, struct pvnull_queue, timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	struct pvnull_cmd *cmd, *next;
	ktime_t now = ktime_get();
	unsigned long flags;
	LIST_HEAD(due);

	spin_lock_irqsave(&q->lock, flags);
	list_for_each_entry_safe(cmd, next, &q->done, node) {
		if (ktime_after(cmd->due, now)) {
			/*
			 * The rest is due later. Deciding under the lock is
			 * what keeps queue_rq from starting the timer too:
			 * it does so only when it finds @done empty.
			 */
			hrtimer_set_expires(timer, cmd->due);
			ret = HRTIMER_RESTART;
			break;
		}
		list_move_tail(&cmd->node, &due);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	pvnull_blk_complete_list(&due);
	return ret;
}

/* Do what @req asks on the RAM; the status it completes with. */
static blk_status_t pvnull_blk_serve(const struct pv_blk_req *req)
{
	u64 bytes = (u64)req->nr_sectors << SECTOR_SHIFT;
	u8 *at;

	/* Never trust a range, even from our own front-end. */
	if (req->sector > pvnull_blk.capacity ||
	    req->nr_sectors > pvnull_blk.capacity - req->sector)
		return BLK_STS_IOERR;
	at = pvnull_blk.data + ((u64)req->sector << SECTOR_SHIFT);

	switch (req->op) {
	case PV_BLK_OP_READ:
		/* "from buffer": from the RAM into the request's pages */
		if (sg_copy_from_buffer(req->sg, req->nr_sg, at, bytes) != bytes)
			return BLK_STS_IOERR;
		return BLK_STS_OK;
	case PV_BLK_OP_WRITE:
		if (sg_copy_to_buffer(req->sg, req->nr_sg, at, bytes) != bytes)
			return BLK_STS_IOERR;
		return BLK_STS_OK;
	case PV_BLK_OP_DISCARD:
	case PV_BLK_OP_WRITE_ZEROES:
		memset(at, 0, bytes);
		return BLK_STS_OK;
	default:
		/* FLUSH is never sent: the features offer no volatile cache. */
		return BLK_STS_NOTSUPP;
	}
}

/* Is this the Nth request since error_every was last seen set? */
static bool pvnull_blk_inject_error(void)
{
	unsigned int every = READ_ONCE(pvnull_error_every);

	/* The counter wraps after 2^32 requests, shifting the phase once. */
	return every && (unsigned int)atomic_inc_return(&pvnull_blk.nr_requests) % every == 0;
}

static int pvnull_blk_queue_rq(struct pv_device *pdev, struct pv_blk_req *req,
			       bool last)
{
	struct pvnull_cmd *cmd = req->priv;
	struct pvnull_queue *q;
	unsigned long flags;
	bool was_empty;

	if (req->queue >= pvnull_queues)
		return -EIO;	/* fails now, without a completion */
	q = &pvnull_blk.queues[req->queue];
	cmd->req = req;
	cmd->status = pvnull_blk_inject_error() ? BLK_STS_IOERR :
						  pvnull_blk_serve(req);

	if (pvnull_blk.mode == PVNULL_BLK_NONE) {
		pv_blk_complete(pdev, req, cmd->status);
		return 0;
	}

	cmd->due = ktime_add_ns(ktime_get(), pvnull_latency_ns);
	spin_lock_irqsave(&q->lock, flags);
	was_empty = list_empty(&q->done);
	list_add_tail(&cmd->node, &q->done);
	/* An armed timer already fires for an earlier request. */
	if (pvnull_blk.mode == PVNULL_BLK_TIMER && was_empty)
		hrtimer_start(&q->timer, cmd->due, HRTIMER_MODE_ABS);
	spin_unlock_irqrestore(&q->lock, flags);
	if (pvnull_blk.mode == PVNULL_BLK_SOFTIRQ)
		tasklet_schedule(&q->tasklet);
	return 0;
}

static int pvnull_blk_get_config(struct pv_device *pdev,
				 struct pv_blk_config *cfg)
{
	/* What is left at 0 gets the block layer's defaults. */
	cfg->capacity = pvnull_blk.capacity;
	cfg->max_segments = 128;
	cfg->max_discard_sectors = UINT_MAX >> SECTOR_SHIFT;
	cfg->max_write_zeroes_sectors = UINT_MAX >> SECTOR_SHIFT;
	cfg->nr_queues = pvnull_queues;
	cfg->queue_depth = PVNULL_BLK_QUEUE_DEPTH;
	cfg->req_priv_size = sizeof(struct pvnull_cmd);
	return 0;
}

/* Nothing to set up: the queues are ready from pvnull_blk_add() on. */
static int pvnull_blk_start(struct pv_device *pdev)
{
	return 0;
}

/*
 * The front-end submits nothing more; what was served but not yet
 * reported is reported now, and no timer or tasklet runs afterwards.
 */
static void pvnull_blk_stop(struct pv_device *pdev)
{
	unsigned int i;
	LIST_HEAD(left);

	for (i = 0; i < pvnull_queues; i++) {
		struct pvnull_queue *q = &pvnull_blk.queues[i];

		hrtimer_cancel(&q->timer);	/* waits for a running callback */
		tasklet_kill(&q->tasklet);	/* runs or waits for a scheduled one */
		spin_lock_irq(&q->lock);
		list_splice_tail_init(&q->done, &left);
		spin_unlock_irq(&q->lock);
	}
	pvnull_blk_complete_list(&left);
}

static const struct pv_blk_ops pvnull_blk_ops = {
	.get_config	= pvnull_blk_get_config,
	.start		= pvnull_blk_start,
	.stop		= pvnull_blk_stop,
	.queue_rq	= pvnull_blk_queue_rq,
};

/**
 * pvnull_blk_add() - check the parameters, allocate the disk, add it
 *
 * Process context. Returns 0 or a negative errno, and leaves nothing
 * behind on error.
 */
int pvnull_blk_add(void)
{
	struct pv_device *pdev;
	unsigned int i;
	int mode, err;

	mode = match_string(pvnull_blk_mode_names,
			    ARRAY_SIZE(pvnull_blk_mode_names), pvnull_completion);
	if (mode < 0) {
		pr_err("completion=%s: none, softirq or timer\n", pvnull_completion);
		return -EINVAL;
	}
	if (!pvnull_size_mib || !pvnull_queues ||
	    pvnull_queues > PVNULL_BLK_MAX_QUEUES) {
		pr_err("size_mib=%u queues=%u: need size_mib >= 1 and 1 <= queues <= %u\n",
		       pvnull_size_mib, pvnull_queues, PVNULL_BLK_MAX_QUEUES);
		return -EINVAL;
	}
	pvnull_blk.mode = mode;
	pvnull_blk.capacity = (u64)pvnull_size_mib << (20 - SECTOR_SHIFT);

	pvnull_blk.data = vzalloc((size_t)pvnull_size_mib << 20);
	if (!pvnull_blk.data)
		return -ENOMEM;
	pvnull_blk.queues = kcalloc(pvnull_queues, sizeof(*pvnull_blk.queues),
				    GFP_KERNEL);
	if (!pvnull_blk.queues) {
		err = -ENOMEM;
		goto out_free_data;
	}
	for (i = 0; i < pvnull_queues; i++) {
		struct pvnull_queue *q = &pvnull_blk.queues[i];

		spin_lock_init(&q->lock);
		INIT_LIST_HEAD(&q->done);
		tasklet_setup(&q->tasklet, pvnull_blk_tasklet);
		/* hrtimer_setup() replaces these two lines from 6.13 on. */
		hrtimer_init(&q->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
		q->timer.function = pvnull_blk_timer;
	}

	pdev = pv_device_alloc(&pvnull_hypervisor, PV_CLASS_BLK, NULL);
	if (IS_ERR(pdev)) {
		err = PTR_ERR(pdev);
		goto out_free_queues;
	}
	pv_device_set_ops(pdev, &pvnull_blk_ops);
	pdev->features = PV_BLK_F_DISCARD | PV_BLK_F_WRITE_ZEROES;
	/* Before pv_device_add(): a loaded front-end probes inside it. */
	pvnull_blk.pdev = pdev;
	err = pv_device_add(pdev);
	if (err)
		goto out_put_device;
	pr_info("disk: %u MiB, %u queue%s, completion %s%s\n",
		pvnull_size_mib, pvnull_queues, pvnull_queues > 1 ? "s" : "",
		pvnull_blk_mode_names[mode], mode == PVNULL_BLK_TIMER ? " after latency_ns" : "");
	return 0;

out_put_device:
	pvnull_blk.pdev = NULL;
	pv_device_put(pdev);
out_free_queues:
	kfree(pvnull_blk.queues);
out_free_data:
	vfree(pvnull_blk.data);
	return err;
}

/* Returns once the front-end has let go of the disk (its stop() ran). */
void pvnull_blk_remove(void)
{
	pv_device_unregister(pvnull_blk.pdev);
	kfree(pvnull_blk.queues);
	vfree(pvnull_blk.data);
}
