// SPDX-License-Identifier: GPL-2.0
/*
 * pv_xen: the Xen backend. Registers Xen with pv_core when the running
 * kernel booted as a Xen guest, and offers the guest's paravirtual devices
 * (xenbus vbd and vif, the Xen time info) as pv devices. Grant tables,
 * event channels and xenstore are the running kernel's: pv_xen uses its
 * exported services and re-implements none of them.
 */
#include <linux/err.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/interface/version.h>
#include <asm/xen/hypercall.h>
#include "pv_xen.h"
#include "xs_proto.h"

static const char *xen_domain_kind(void)
{
	if (xen_pv_domain())
		return "PV";
	if (xen_pvh_domain())
		return "PVH";
	return "HVM";
}

static int xen_detect(struct pv_hypervisor *hv)
{
	if (!xen_domain()) {
		pr_info("not running on Xen (the kernel did not boot as a Xen guest)\n");
		return -ENODEV;
	}
	if (xen_initial_domain()) {
		pr_info("this is dom0, which has no front-end devices to drive\n");
		return -ENODEV;
	}
	return 0;
}

static int xen_get_version(struct pv_hypervisor *hv, char *buf, size_t size)
{
	struct xen_extraversion extra = {};
	int v = HYPERVISOR_xen_version(XENVER_version, NULL);

	if (v < 0)
		return v;
	if (HYPERVISOR_xen_version(XENVER_extraversion, &extra) < 0)
		extra.extraversion[0] = '\0';
	extra.extraversion[sizeof(extra.extraversion) - 1] = '\0';
	snprintf(buf, size, "%d.%d%s", v >> 16, v & 0xffff,
		 extra.extraversion);
	return 0;
}

static int xen_get_product(struct pv_hypervisor *hv, char *buf, size_t size)
{
	snprintf(buf, size, "Xen %s domU", xen_domain_kind());
	return 0;
}

static int xen_get_uuid(struct pv_hypervisor *hv, uuid_t *uuid)
{
	char *vm;
	int err;

	/* "vm" in the domain's own xenstore directory: "/vm/<uuid>". */
	vm = xenbus_read(XBT_NIL, "vm", "", NULL);
	if (IS_ERR(vm))
		return -ENODATA;
	err = xen_parse_vm_uuid(vm, uuid->b);
	kfree(vm);
	return err ? -ENODATA : 0;
}

static int xen_get_tsc_khz(struct pv_hypervisor *hv, u32 *khz)
{
	*khz = xen_clock_tsc_khz();
	return *khz ? 0 : -ENODATA;
}

static const struct pv_hypervisor_ops xen_hypervisor_ops = {
	.get_version	= xen_get_version,
	.get_product	= xen_get_product,
	.get_uuid	= xen_get_uuid,
	.get_tsc_khz	= xen_get_tsc_khz,
};

struct pv_hypervisor xen_hypervisor = {
	.name	= "xen",
	.detect	= xen_detect,
	.ops	= &xen_hypervisor_ops,
};

static int __init xen_backend_init(void)
{
	char version[32];
	int err;

	err = pv_hypervisor_register(&xen_hypervisor);
	if (err)
		return err;
	if (xen_get_version(&xen_hypervisor, version, sizeof(version)))
		strscpy(version, "?", sizeof(version));
	pr_info("Xen %s, %s guest\n", version, xen_domain_kind());

	err = xen_clock_register();
	if (err)
		goto out_unregister_hv;
	err = xen_blkif_register();
	if (err)
		goto out_unregister_clock;
	err = xen_netif_register();
	if (err)
		goto out_unregister_blkif;
	return 0;

out_unregister_blkif:
	xen_blkif_unregister();
out_unregister_clock:
	xen_clock_unregister();
out_unregister_hv:
	pv_hypervisor_unregister(&xen_hypervisor);
	return err;
}

static void __exit xen_backend_exit(void)
{
	xen_netif_unregister();
	xen_blkif_unregister();
	xen_clock_unregister();
	pv_hypervisor_unregister(&xen_hypervisor);
}

module_init(xen_backend_init);
module_exit(xen_backend_exit);

PV_IMPORT_NS();
MODULE_AUTHOR("pv-drivers developers");
MODULE_DESCRIPTION("Xen backend for pv_core (blkif, netif, Xen time)");
MODULE_LICENSE("GPL");
MODULE_VERSION(PV_DRIVERS_VERSION);
