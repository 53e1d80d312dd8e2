// SPDX-License-Identifier: GPL-2.0
/*
 * pv_testhv: a backend for the VM tests of pv_core itself. It registers the
 * hypervisor "pvtest" and one device of each class, whose ops do nothing
 * useful: the point is registration, sysfs, uevents and module autoload on
 * a real kernel, before any real backend exists. Never packaged.
 *
 * With blk_mib set, the block device is a RAM disk, and blk_stall (writable
 * at run time) makes it a host that stopped answering: requests are taken
 * and never completed until stop(). That is what the front-end's removal
 * contract is tested against; no real device model can be told to do it.
 */
#include <linux/blkdev.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <asm/tsc.h>
#include <pv/blk.h>
#include <pv/clock.h>
#include <pv/net.h>

static bool present;
module_param(present, bool, 0444);
MODULE_PARM_DESC(present, "Pretend the test hypervisor is present (default: false, so loading fails with -ENODEV)");

static unsigned int clock_khz;
module_param(clock_khz, uint, 0444);
MODULE_PARM_DESC(clock_khz, "Give the clock device a real counter of this frequency in kHz, derived from the TSC, at rating 1 (default: 0, the clock has no counter)");

static unsigned int blk_mib;
module_param(blk_mib, uint, 0444);
MODULE_PARM_DESC(blk_mib, "Back the block device with this many MiB of RAM (default: 0, no backing: pv_blk is refused)");

static bool blk_stall;
module_param(blk_stall, bool, 0644);
MODULE_PARM_DESC(blk_stall, "Take block requests and never complete them, as a host that stopped answering; stop() fails them (default: false)");

static bool blk_refuse_flush;
module_param(blk_refuse_flush, bool, 0644);
MODULE_PARM_DESC(blk_refuse_flush, "Answer every flush with BLK_STS_NOTSUPP although the disk offers a write cache, as a host that cannot flush it (default: false)");

static struct pv_device *pv_testhv_devs[PV_CLASS_MAX];
static u64 pv_testhv_blk_features = PV_BLK_F_FLUSH | PV_BLK_F_DISCARD;

/*
 * blk_features: the block device's PV_BLK_F_* bits. Written at run time, it
 * is a host that changed what the disk can do: the new bits are set and the
 * front-end told (pv_device_config_changed()). Writes are serialised by
 * the module's parameter lock.
 */
static int pv_testhv_blk_features_set(const char *val,
				      const struct kernel_param *kp)
{
	struct pv_device *pdev = pv_testhv_devs[PV_CLASS_BLK];
	u64 f;
	int err;

	err = kstrtou64(val, 0, &f);
	if (err)
		return err;
	pv_testhv_blk_features = f;
	if (pdev && device_is_registered(&pdev->dev)) {
		pv_device_set_features(pdev, f);
		pv_device_config_changed(pdev);
	}
	return 0;
}

static int pv_testhv_blk_features_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "0x%llx\n", pv_testhv_blk_features);
}

static const struct kernel_param_ops pv_testhv_blk_features_ops = {
	.set	= pv_testhv_blk_features_set,
	.get	= pv_testhv_blk_features_get,
};
module_param_cb(blk_features, &pv_testhv_blk_features_ops, NULL, 0644);
MODULE_PARM_DESC(blk_features, "The block device's PV_BLK_F_* bits; written at run time, a host that changed them (default: 0xa, flush and discard)");

static int pv_testhv_detect(struct pv_hypervisor *hv)
{
	if (!present) {
		pr_info("no pvtest hypervisor (load with present=1)\n");
		return -ENODEV;
	}
	return 0;
}

static int pv_testhv_get_version(struct pv_hypervisor *hv, char *buf,
				 size_t size)
{
	strscpy(buf, "1.0-test", size);
	return 0;
}

static int pv_testhv_get_product(struct pv_hypervisor *hv, char *buf,
				 size_t size)
{
	strscpy(buf, "pv-drivers test hypervisor", size);
	return 0;
}

static const struct pv_hypervisor_ops pv_testhv_ops = {
	.get_version	= pv_testhv_get_version,
	.get_product	= pv_testhv_get_product,
};

static struct pv_hypervisor pv_testhv = {
	.name	= "pvtest",
	.detect	= pv_testhv_detect,
	.ops	= &pv_testhv_ops,
};

/*
 * The RAM disk (blk_mib). Requests taken while blk_stall is set wait on
 * pv_testhv_blk_stalled, linked through their pv_blk_req::priv, until
 * stop() fails them.
 */
struct pv_testhv_blk_held {
	struct list_head node;
	struct pv_blk_req *req;
};

static u8 *pv_testhv_blk_data;
static DEFINE_SPINLOCK(pv_testhv_blk_lock);	/* the list below */
static LIST_HEAD(pv_testhv_blk_stalled);

/* Without blk_mib, any front-end that asks for a config is told there is none. */
static int pv_testhv_blk_get_config(struct pv_device *pdev,
				    struct pv_blk_config *cfg)
{
	if (!pv_testhv_blk_data)
		return -ENODEV;
	cfg->capacity = (u64)blk_mib << (20 - SECTOR_SHIFT);
	cfg->max_segments = 32;
	cfg->max_hw_sectors = 256;
	cfg->nr_queues = 1;
	cfg->queue_depth = 32;
	cfg->max_discard_sectors = cfg->capacity;
	cfg->req_priv_size = sizeof(struct pv_testhv_blk_held);
	return 0;
}

static int pv_testhv_blk_start(struct pv_device *pdev)
{
	return pv_testhv_blk_data ? 0 : -ENODEV;
}

static void pv_testhv_blk_stop(struct pv_device *pdev)
{
	struct pv_testhv_blk_held *held, *next;
	unsigned int n = 0;
	LIST_HEAD(failed);

	spin_lock_irq(&pv_testhv_blk_lock);
	list_splice_init(&pv_testhv_blk_stalled, &failed);
	spin_unlock_irq(&pv_testhv_blk_lock);
	list_for_each_entry_safe(held, next, &failed, node) {
		list_del(&held->node);
		pv_blk_complete(pdev, held->req, BLK_STS_IOERR);
		n++;
	}
	if (n)
		pr_info("stop: failed %u stalled request%s\n", n, n > 1 ? "s" : "");
}

static int pv_testhv_blk_queue_rq(struct pv_device *pdev,
				  struct pv_blk_req *req, bool last)
{
	u64 bytes = (u64)req->nr_sectors << SECTOR_SHIFT;
	u8 *at = pv_testhv_blk_data + ((u64)req->sector << SECTOR_SHIFT);
	struct pv_testhv_blk_held *held = req->priv;
	unsigned long flags;

	/* A flush has no sector (blk-mq leaves it at -1). */
	if (req->op != PV_BLK_OP_FLUSH &&
	    req->sector + req->nr_sectors > (u64)blk_mib << (20 - SECTOR_SHIFT))
		return -EIO;
	if (READ_ONCE(blk_stall)) {
		held->req = req;
		spin_lock_irqsave(&pv_testhv_blk_lock, flags);
		list_add_tail(&held->node, &pv_testhv_blk_stalled);
		spin_unlock_irqrestore(&pv_testhv_blk_lock, flags);
		return 0;
	}
	switch (req->op) {
	case PV_BLK_OP_READ:
		if (sg_copy_from_buffer(req->sg, req->nr_sg, at, bytes) != bytes)
			return -EIO;
		break;
	case PV_BLK_OP_WRITE:
		if (sg_copy_to_buffer(req->sg, req->nr_sg, at, bytes) != bytes)
			return -EIO;
		break;
	case PV_BLK_OP_FLUSH:
		if (READ_ONCE(blk_refuse_flush)) {
			pv_blk_complete(pdev, req, BLK_STS_NOTSUPP);
			return 0;
		}
		break;
	case PV_BLK_OP_DISCARD:
		memset(at, 0, bytes);
		break;
	default:
		return -EOPNOTSUPP;
	}
	pv_blk_complete(pdev, req, BLK_STS_OK);
	return 0;
}

static const struct pv_blk_ops pv_testhv_blk_ops = {
	.get_config	= pv_testhv_blk_get_config,
	.start		= pv_testhv_blk_start,
	.stop		= pv_testhv_blk_stop,
	.queue_rq	= pv_testhv_blk_queue_rq,
};

static int pv_testhv_net_get_config(struct pv_device *pdev,
				    struct pv_net_config *cfg)
{
	return -ENODEV;
}

static const struct pv_net_ops pv_testhv_net_ops = {
	.get_config	= pv_testhv_net_get_config,
};

/*
 * With clock_khz set, the clock device counts at clock_khz: the TSC scaled
 * by clock_khz / tsc_khz. The frequency is what the test chooses (a host
 * TSC faster than 4.29 GHz, say) while the counter really runs at it, so a
 * front-end that registers the wrong frequency shows as a clock running at
 * the wrong rate. Rating 1: it is only ever current when selected by hand.
 */
static int pv_testhv_clock_get_config(struct pv_device *pdev,
				      struct pv_clock_config *cfg)
{
	if (!clock_khz || !tsc_khz)
		return -ENODEV;
	cfg->freq_hz = (u64)clock_khz * 1000;
	cfg->mask_bits = 64;
	cfg->rating = 1;
	return 0;
}

static u64 notrace pv_testhv_clock_read(struct pv_device *pdev)
{
	return mul_u64_u32_div(rdtsc_ordered(), clock_khz, tsc_khz);
}

static const struct pv_clock_ops pv_testhv_clock_ops = {
	.get_config	= pv_testhv_clock_get_config,
	.read		= pv_testhv_clock_read,
};

static int __pv_testhv_add(u32 class, const void *ops, u32 ops_size,
			   u64 features)
{
	struct pv_device *pdev;
	int err;

	pdev = pv_device_alloc(&pv_testhv, class, NULL);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	__pv_device_set_ops(pdev, class, ops, ops_size);
	pdev->features = features;
	err = pv_device_add(pdev);
	if (err) {
		pv_device_put(pdev);
		return err;
	}
	pv_testhv_devs[class] = pdev;
	return 0;
}

#define pv_testhv_add(class, table, features) \
	__pv_testhv_add(class, table, sizeof(*(table)), features)

static void pv_testhv_remove_devices(void)
{
	int class;

	for (class = PV_CLASS_MAX - 1; class > 0; class--) {
		if (pv_testhv_devs[class])
			pv_device_unregister(pv_testhv_devs[class]);
		pv_testhv_devs[class] = NULL;
	}
}

static int __init pv_testhv_init(void)
{
	int err;

	if (blk_mib) {
		pv_testhv_blk_data = vzalloc((size_t)blk_mib << 20);
		if (!pv_testhv_blk_data)
			return -ENOMEM;
	}
	err = pv_hypervisor_register(&pv_testhv);
	if (err)
		goto out_free_data;

	err = pv_testhv_add(PV_CLASS_BLK, &pv_testhv_blk_ops,
			    pv_testhv_blk_features);
	if (err)
		goto out_remove;
	err = pv_testhv_add(PV_CLASS_NET, &pv_testhv_net_ops, PV_NET_F_TX_CSUM);
	if (err)
		goto out_remove;
	err = pv_testhv_add(PV_CLASS_CLOCK, &pv_testhv_clock_ops,
			    clock_khz ? PV_CLOCK_F_HV_FREQ : PV_CLOCK_F_CALIBRATED);
	if (err)
		goto out_remove;
	return 0;

out_remove:
	pv_testhv_remove_devices();
	pv_hypervisor_unregister(&pv_testhv);
out_free_data:
	vfree(pv_testhv_blk_data);
	return err;
}

static void __exit pv_testhv_exit(void)
{
	pv_testhv_remove_devices();
	pv_hypervisor_unregister(&pv_testhv);
	vfree(pv_testhv_blk_data);
}

module_init(pv_testhv_init);
module_exit(pv_testhv_exit);

PV_IMPORT_NS();
MODULE_DESCRIPTION("pv-drivers test backend (hypervisor \"pvtest\"), for the test suite only");
MODULE_LICENSE("GPL");
