// SPDX-License-Identifier: GPL-2.0
/*
 * pv_testfe: a front-end for the devices of pv_testhv. Its aliases name
 * only the "pvtest" hypervisor, so mdev/udev load it from those devices'
 * uevents and from nothing else. Never packaged.
 */
#include <linux/module.h>
#include <pv/pv.h>

static int pv_testfe_probe(struct pv_device *pdev)
{
	dev_info(&pdev->dev, "bound to %s device of hypervisor %s\n",
		 pv_class_name(pdev->class), pdev->hv->name);
	return 0;
}

static void pv_testfe_remove(struct pv_device *pdev)
{
	dev_info(&pdev->dev, "unbound\n");
}

static const struct pv_device_id pv_testfe_ids[] = {
	{ .class = PV_CLASS_BLK,	.hypervisor = "pvtest" },
	{ .class = PV_CLASS_NET,	.hypervisor = "pvtest" },
	{ .class = PV_CLASS_CLOCK,	.hypervisor = "pvtest" },
	{ }
};

static struct pv_driver pv_testfe_driver = {
	.driver.name	= "pv_testfe",
	.id_table	= pv_testfe_ids,
	.probe		= pv_testfe_probe,
	.remove		= pv_testfe_remove,
};
module_pv_driver(pv_testfe_driver);

MODULE_ALIAS("pv:blk:pvtest");
MODULE_ALIAS("pv:net:pvtest");
MODULE_ALIAS("pv:clock:pvtest");
PV_IMPORT_NS();
MODULE_DESCRIPTION("pv-drivers test front-end for pv_testhv devices, for the test suite only");
MODULE_LICENSE("GPL");
