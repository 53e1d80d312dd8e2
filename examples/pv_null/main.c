// SPDX-License-Identifier: GPL-2.0
/*
 * pv_null: the reference backend, for hypervisor vendors to copy and for
 * the test suite to drive pv_blk and pv_net without any hypervisor.
 *
 * It registers the hypervisor "null" with pv_core and adds a RAM-backed
 * disk (blk.c) and a loopback NIC (net.c): the "host" side of each device
 * is this module itself. It has no clock device on purpose: a pv clock is
 * a counter whose frequency the hypervisor vouches for, and there is no
 * hypervisor here to vouch for anything; all pv_null could offer is the
 * kernel's own clock under another name, which would test nothing.
 *
 * It is built outside the pv-drivers tree, against pv_core's installed
 * headers and Module.symvers (docs/adding-a-backend.md).
 */
#include <linux/init.h>
#include <linux/module.h>
#include "pv_null.h"

static bool pvnull_enable;
module_param_named(enable, pvnull_enable, bool, 0444);
MODULE_PARM_DESC(enable, "Load although no hypervisor is there: pv_null is a test and reference backend (default: false, loading fails with -ENODEV)");

/*
 * A real backend decides from safe signs (CPUID, DMI) that its hypervisor
 * is there. There is nothing to find for pv_null, so it says so honestly
 * unless it is asked for explicitly.
 */
static int pvnull_detect(struct pv_hypervisor *hv)
{
	if (!pvnull_enable) {
		pr_info("not loading: pv_null is a test/reference backend with no hypervisor behind it (load it with enable=1)\n");
		return -ENODEV;
	}
	return 0;
}

static int pvnull_get_version(struct pv_hypervisor *hv, char *buf,
			      size_t size)
{
	strscpy(buf, PVNULL_VERSION, size);
	return 0;
}

static int pvnull_get_product(struct pv_hypervisor *hv, char *buf,
			      size_t size)
{
	strscpy(buf, "pv_null reference backend", size);
	return 0;
}

/* No get_uuid (there is no VM identity) and no get_tsc_khz (no clock). */
static const struct pv_hypervisor_ops pvnull_hypervisor_ops = {
	.get_version	= pvnull_get_version,
	.get_product	= pvnull_get_product,
};

struct pv_hypervisor pvnull_hypervisor = {
	.name	= "null",
	.detect	= pvnull_detect,
	.ops	= &pvnull_hypervisor_ops,
};

static int __init pvnull_init(void)
{
	int err;

	/* Checks the pv ABI version, then calls pvnull_detect(). */
	err = pv_hypervisor_register(&pvnull_hypervisor);
	if (err)
		return err;
	err = pvnull_blk_add();
	if (err)
		goto out_unregister_hv;
	err = pvnull_net_add();
	if (err)
		goto out_remove_blk;
	pr_info("hypervisor \"null\": a RAM disk and a loopback NIC\n");
	return 0;

out_remove_blk:
	pvnull_blk_remove();
out_unregister_hv:
	pv_hypervisor_unregister(&pvnull_hypervisor);
	return err;
}

static void __exit pvnull_exit(void)
{
	pvnull_net_remove();
	pvnull_blk_remove();
	pv_hypervisor_unregister(&pvnull_hypervisor);
}

module_init(pvnull_init);
module_exit(pvnull_exit);

/*
 * pv_core exports into the namespace PV_CORE. MODULE_IMPORT_NS() takes an
 * identifier before 6.13 and a string after; both expand to this line.
 */
MODULE_INFO(import_ns, "PV_CORE");
MODULE_DESCRIPTION("pv-drivers reference backend (hypervisor \"null\"): a RAM disk and a loopback NIC");
MODULE_VERSION(PVNULL_VERSION);
MODULE_LICENSE("GPL");
