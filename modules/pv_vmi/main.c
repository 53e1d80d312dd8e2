// SPDX-License-Identifier: GPL-2.0
/*
 * pv_vmi: the VMware backend. Detects VMware, registers it with pv_core and
 * offers its paravirtual devices as pv devices.
 */
#include <linux/init.h>
#include <linux/module.h>
#include "pv_vmi.h"

static int vmi_get_version(struct pv_hypervisor *hv, char *buf, size_t size)
{
	snprintf(buf, size, "%u", vmi.version.version);
	return 0;
}

static int vmi_get_product(struct pv_hypervisor *hv, char *buf, size_t size)
{
	strscpy(buf, vmi_product_name(vmi.version.product), size);
	return 0;
}

static int vmi_get_uuid(struct pv_hypervisor *hv, uuid_t *uuid)
{
	if (!vmi.have_uuid)
		return -ENODATA;
	uuid_copy(uuid, &vmi.uuid);
	return 0;
}

static int vmi_get_tsc_khz(struct pv_hypervisor *hv, u32 *khz)
{
	if (!vmi.tsc_hz)
		return -ENODATA;
	*khz = div_u64(vmi.tsc_hz, 1000);
	return 0;
}

static const struct pv_hypervisor_ops vmi_hypervisor_ops = {
	.get_version	= vmi_get_version,
	.get_product	= vmi_get_product,
	.get_uuid	= vmi_get_uuid,
	.get_tsc_khz	= vmi_get_tsc_khz,
};

struct pv_hypervisor vmi_hypervisor = {
	.name	= "vmware",
	.detect	= vmi_detect,
	.ops	= &vmi_hypervisor_ops,
};

static int __init vmi_init(void)
{
	int err;

	err = pv_hypervisor_register(&vmi_hypervisor);
	if (err)
		return err;
	vmi_query();
	if (vmi.have_uuid)
		pr_info("%s (backdoor version %u), found by %s, uuid %pUb\n",
			vmi_product_name(vmi.version.product),
			vmi.version.version, vmi.how, &vmi.uuid);
	else
		pr_info("%s (backdoor version %u), found by %s\n",
			vmi_product_name(vmi.version.product),
			vmi.version.version, vmi.how);

	err = vmi_clock_register();
	if (err)
		goto out_unregister_hv;
	err = vmi_pvscsi_register();
	if (err)
		goto out_unregister_clock;
	err = vmi_vmxnet3_register();
	if (err)
		goto out_unregister_pvscsi;
	return 0;

out_unregister_pvscsi:
	vmi_pvscsi_unregister();
out_unregister_clock:
	vmi_clock_unregister();
out_unregister_hv:
	pv_hypervisor_unregister(&vmi_hypervisor);
	return err;
}

static void __exit vmi_exit(void)
{
	vmi_vmxnet3_unregister();
	vmi_pvscsi_unregister();
	vmi_clock_unregister();
	pv_hypervisor_unregister(&vmi_hypervisor);
}

module_init(vmi_init);
module_exit(vmi_exit);

PV_IMPORT_NS();
MODULE_AUTHOR("pv-drivers developers");
MODULE_DESCRIPTION("VMware backend for pv_core");
MODULE_LICENSE("GPL");
MODULE_VERSION(PV_DRIVERS_VERSION);
