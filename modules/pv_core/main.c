// SPDX-License-Identifier: GPL-2.0
/*
 * pv_core: registers the pv bus. Backends and front-ends register with it
 * at runtime; see include/pv/pv.h and docs/architecture.md.
 */
#include <linux/init.h>
#include <linux/module.h>
#include "internal.h"

static int __init pv_core_init(void)
{
	int err;

	err = bus_register(&pv_bus_type);
	if (err) {
		pr_err("cannot register the pv bus: %d\n", err);
		return err;
	}
	pr_info("pv bus registered, pv ABI %u.%u, version %s\n",
		PV_ABI_MAJOR, PV_ABI_MINOR, PV_DRIVERS_VERSION);
	return 0;
}

static void __exit pv_core_exit(void)
{
	bus_unregister(&pv_bus_type);
	pv_device_ids_destroy();
}

module_init(pv_core_init);
module_exit(pv_core_exit);

MODULE_AUTHOR("pv-drivers developers");
MODULE_DESCRIPTION("Paravirtual hypervisor-ops interface and pv bus");
MODULE_LICENSE("GPL");
MODULE_VERSION(PV_DRIVERS_VERSION);
