// SPDX-License-Identifier: GPL-2.0
/*
 * pv devices: allocated and added by backends, named pv<class><n>.
 */
#include <linux/idr.h>
#include <linux/slab.h>
#include "internal.h"

/* Numbers devices within a class; IDA has its own locking. */
static DEFINE_IDA(pv_ids_blk);
static DEFINE_IDA(pv_ids_net);
static DEFINE_IDA(pv_ids_clock);

static struct ida *const pv_class_ids[PV_CLASS_MAX] = {
	[PV_CLASS_BLK]		= &pv_ids_blk,
	[PV_CLASS_NET]		= &pv_ids_net,
	[PV_CLASS_CLOCK]	= &pv_ids_clock,
};

void pv_device_ids_destroy(void)
{
	int class;

	for (class = PV_CLASS_BLK; class < PV_CLASS_MAX; class++)
		ida_destroy(pv_class_ids[class]);
}

static void pv_device_release(struct device *dev)
{
	struct pv_device *pdev = to_pv_device(dev);

	ida_free(pv_class_ids[pdev->class], pdev->index);
	kfree(pdev);
}

/**
 * pv_device_alloc() - allocate a pv device for the active hypervisor
 * @hv: the calling backend's hypervisor; must be the registered one
 * @class: enum pv_class value
 * @parent: the backend's device (PCI function, xenbus device) or NULL
 *
 * The backend then sets ops, features and backend_priv and calls
 * pv_device_add(); on error, or instead of adding, pv_device_put(). Process
 * context.
 *
 * Return: the device, or an ERR_PTR(): -EINVAL for a bad class or a
 * hypervisor that is not registered, -ENOMEM, -ENOSPC.
 */
struct pv_device *pv_device_alloc(struct pv_hypervisor *hv, u32 class,
				  struct device *parent)
{
	struct pv_device *pdev;
	int index, err;

	if (class == 0 || class >= PV_CLASS_MAX)
		return ERR_PTR(-EINVAL);
	mutex_lock(&pv_registry_lock);
	err = pv_active_hv == hv ? 0 : -EINVAL;
	mutex_unlock(&pv_registry_lock);
	if (err) {
		pr_err("%s: device allocated for a hypervisor that is not registered\n",
		       hv && hv->name ? hv->name : "?");
		return ERR_PTR(err);
	}

	pdev = kzalloc(sizeof(*pdev), GFP_KERNEL);
	if (!pdev)
		return ERR_PTR(-ENOMEM);

	index = ida_alloc(pv_class_ids[class], GFP_KERNEL);
	if (index < 0) {
		kfree(pdev);
		return ERR_PTR(index);
	}

	pdev->hv = hv;
	pdev->class = class;
	pdev->index = index;
	spin_lock_init(&pdev->config_lock);
	device_initialize(&pdev->dev);
	pdev->dev.bus = &pv_bus_type;
	pdev->dev.parent = parent;
	pdev->dev.release = pv_device_release;
	/* From here on the release callback frees everything. */
	err = dev_set_name(&pdev->dev, "pv%s%d", pv_class_name(class), index);
	if (err) {
		put_device(&pdev->dev);
		return ERR_PTR(err);
	}
	return pdev;
}
PV_EXPORT_SYMBOL(pv_device_alloc);

/**
 * pv_device_add() - make a device visible and let front-ends bind to it
 * @pdev: from pv_device_alloc(), with pv_device_set_ops() done
 *
 * A front-end already loaded probes before this returns; otherwise the
 * uevent's MODALIAS lets udev or mdev load one. Process context.
 *
 * Return: 0, -EINVAL when no ops of the device's class were set with
 * pv_device_set_ops(), or what device_add() returned (then call
 * pv_device_put()).
 */
int pv_device_add(struct pv_device *pdev)
{
	if (!pv_abi_ops_valid(pdev)) {
		dev_err(&pdev->dev, "backend added a device without %s ops (pv_device_set_ops())\n",
			pv_class_name(pdev->class));
		return -EINVAL;
	}
	return device_add(&pdev->dev);
}
PV_EXPORT_SYMBOL(pv_device_add);

/**
 * pv_device_unregister() - unbind the front-end, remove and release a device
 * @pdev: an added device
 *
 * When this returns the front-end has finished remove() and makes no more
 * calls into the ops. Process context.
 */
void pv_device_unregister(struct pv_device *pdev)
{
	device_unregister(&pdev->dev);
}
PV_EXPORT_SYMBOL(pv_device_unregister);

/**
 * pv_device_put() - drop a device that was allocated but not added
 * @pdev: from pv_device_alloc()
 */
void pv_device_put(struct pv_device *pdev)
{
	put_device(&pdev->dev);
}
PV_EXPORT_SYMBOL(pv_device_put);

/**
 * pv_device_set_features() - change what a device can do
 * @pdev: the device
 * @features: new PV_<class>_F_* bits
 *
 * Sends a change uevent. The bound front-end learns of it from a following
 * pv_device_config_changed(). Process context.
 */
void pv_device_set_features(struct pv_device *pdev, u64 features)
{
	WRITE_ONCE(pdev->features, features);
	if (device_is_registered(&pdev->dev))
		kobject_uevent(&pdev->dev.kobj, KOBJ_CHANGE);
}
PV_EXPORT_SYMBOL(pv_device_set_features);

/**
 * pv_device_config_changed() - tell the bound front-end the config changed
 * @pdev: the device
 *
 * Calls the driver's config_changed() if one is bound and probed; a change
 * while no driver is ready is remembered and replayed when a probe now under
 * way succeeds. Any context.
 */
void pv_device_config_changed(struct pv_device *pdev)
{
	struct pv_driver *drv;
	unsigned long flags;

	spin_lock_irqsave(&pdev->config_lock, flags);
	if (pdev->config_enabled) {
		drv = to_pv_driver(pdev->dev.driver);
		if (drv->config_changed)
			drv->config_changed(pdev);
	} else {
		pdev->config_pending = true;
	}
	spin_unlock_irqrestore(&pdev->config_lock, flags);
}
PV_EXPORT_SYMBOL(pv_device_config_changed);

/**
 * pv_device_mark_broken() - the host misbehaved: stop using the device
 * @pdev: the device
 * @why: one line for the log, e.g. "completion for unknown tag 4711"
 *
 * Logs once. Front-ends fail new I/O on a broken device; the backend fails
 * what is outstanding. Any context.
 */
void pv_device_mark_broken(struct pv_device *pdev, const char *why)
{
	if (!test_and_set_bit(PV_DEVICE_BROKEN, &pdev->state_flags))
		dev_err(&pdev->dev, "host misbehaved, device disabled: %s\n",
			why);
}
PV_EXPORT_SYMBOL(pv_device_mark_broken);

static int pv_device_match_hv(struct device *dev, const void *hv)
{
	return to_pv_device(dev)->hv == hv;
}

/* Unregister every device of @hv still on the bus. Process context. */
void pv_device_remove_all(struct pv_hypervisor *hv)
{
	struct device *dev;

	while ((dev = bus_find_device(&pv_bus_type, NULL, hv,
				      pv_device_match_hv))) {
		dev_warn(dev, "backend %s left the device registered; removing it\n",
			 hv->name);
		device_unregister(dev);
		put_device(dev);
	}
}
