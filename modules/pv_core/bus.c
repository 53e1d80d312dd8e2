// SPDX-License-Identifier: GPL-2.0
/*
 * The pv bus: matches devices registered by backends with front-end
 * drivers, and pins the backend module while one of its devices is bound.
 */
#include <linux/module.h>
#include <linux/string.h>
#include "internal.h"

static const char *const pv_class_names[PV_CLASS_MAX] = {
	[PV_CLASS_BLK]		= "blk",
	[PV_CLASS_NET]		= "net",
	[PV_CLASS_CLOCK]	= "clock",
};

/**
 * pv_class_name() - the name of a device class, as in modaliases and sysfs
 * @class: enum pv_class value
 *
 * Return: "blk", "net", "clock", or "unknown". Any context.
 */
const char *pv_class_name(u32 class)
{
	if (class == 0 || class >= PV_CLASS_MAX)
		return "unknown";
	return pv_class_names[class];
}
PV_EXPORT_SYMBOL(pv_class_name);

static bool pv_id_matches(const struct pv_device_id *id,
			  const struct pv_device *pdev)
{
	if (id->class != pdev->class)
		return false;
	return !id->hypervisor || !id->hypervisor[0] ||
	       !strcmp(id->hypervisor, pdev->hv->name);
}

static int pv_bus_match(struct device *dev, const struct device_driver *drv)
{
	const struct pv_device *pdev = to_pv_device(dev);
	const struct pv_device_id *id;

	for (id = to_pv_driver(drv)->id_table; id->class; id++)
		if (pv_id_matches(id, pdev))
			return 1;
	return 0;
}
DEFINE_COMPAT_BUS_MATCH(pv_bus_match)

static int pv_bus_uevent(const struct device *dev, struct kobj_uevent_env *env)
{
	const struct pv_device *pdev = to_pv_device(dev);
	const char *cls = pv_class_name(pdev->class);
	int err;

	err = add_uevent_var(env, "MODALIAS=pv:%s:%s", cls, pdev->hv->name);
	if (err)
		return err;
	err = add_uevent_var(env, "PV_CLASS=%s", cls);
	if (err)
		return err;
	return add_uevent_var(env, "PV_HYPERVISOR=%s", pdev->hv->name);
}
DEFINE_COMPAT_BUS_UEVENT(pv_bus_uevent)

static int pv_bus_probe(struct device *dev)
{
	struct pv_device *pdev = to_pv_device(dev);
	struct pv_driver *drv = to_pv_driver(dev->driver);
	struct module *backend = pdev->hv->owner;
	int err;

	if (pv_device_is_broken(pdev))
		return -EIO;
	/* Its backend stopped it; it binds once pv_device_resume() ran. */
	if (test_bit(PV_DEVICE_QUIESCED, &pdev->state_flags))
		return -EAGAIN;
	/* The backend's ops must outlive the binding. */
	if (!try_module_get(backend))
		return -ENODEV;

	/* Probe reads the configuration afresh: older changes are in it. */
	spin_lock_irq(&pdev->config_lock);
	pdev->config_pending = false;
	spin_unlock_irq(&pdev->config_lock);

	err = drv->probe(pdev);
	if (err) {
		module_put(backend);
		return err;
	}

	/*
	 * A change that arrived while probe() ran may have come after probe
	 * read the configuration: replay it, as virtio does.
	 */
	spin_lock_irq(&pdev->config_lock);
	pdev->config_enabled = true;
	if (pdev->config_pending) {
		pdev->config_pending = false;
		if (drv->config_changed)
			drv->config_changed(pdev);
	}
	spin_unlock_irq(&pdev->config_lock);
	return 0;
}

static void pv_bus_remove(struct device *dev)
{
	struct pv_device *pdev = to_pv_device(dev);
	struct pv_driver *drv = to_pv_driver(dev->driver);

	spin_lock_irq(&pdev->config_lock);
	pdev->config_enabled = false;
	spin_unlock_irq(&pdev->config_lock);

	if (drv->remove)
		drv->remove(pdev);
	pdev->frontend_priv = NULL;
	module_put(pdev->hv->owner);
}
DEFINE_COMPAT_BUS_REMOVE(pv_bus_remove)

struct bus_type pv_bus_type = {
	.name		= "pv",
	.match		= compat_bus_match(pv_bus_match),
	.uevent		= compat_bus_uevent(pv_bus_uevent),
	.probe		= pv_bus_probe,
	.remove		= compat_bus_remove(pv_bus_remove),
	.bus_groups	= pv_bus_groups,
	.dev_groups	= pv_dev_groups,
};
PV_EXPORT_SYMBOL(pv_bus_type);

/**
 * __pv_driver_register() - see pv_driver_register()
 * @drv: the front-end
 * @owner: its module (NULL for built-in code)
 * @mod_name: its module's name (NULL for built-in code)
 * @abi_version: PV_ABI_VERSION it was built against
 *
 * Return: 0, -ENOEXEC for a module of another major or a newer minor,
 * -EINVAL for a driver without a name, id table or probe, or what
 * driver_register() returned.
 */
int __pv_driver_register(struct pv_driver *drv, struct module *owner,
			 const char *mod_name, u32 abi_version)
{
	const char *who = mod_name ?: drv->driver.name ?: "built-in";
	int err;

	err = pv_abi_check(who, "front-end", abi_version);
	if (err)
		return err;
	if (!drv->driver.name || !drv->id_table || !drv->probe) {
		pr_err("%s: malformed driver registration\n", who);
		return -EINVAL;
	}

	drv->abi_version = abi_version;
	drv->driver.bus = &pv_bus_type;
	drv->driver.owner = owner;
	drv->driver.mod_name = mod_name;
	return driver_register(&drv->driver);
}
PV_EXPORT_SYMBOL(__pv_driver_register);

/**
 * pv_driver_unregister() - unbind a front-end from every device and remove it
 * @drv: a driver registered with pv_driver_register()
 *
 * Process context.
 */
void pv_driver_unregister(struct pv_driver *drv)
{
	driver_unregister(&drv->driver);
}
PV_EXPORT_SYMBOL(pv_driver_unregister);
