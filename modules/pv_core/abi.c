// SPDX-License-Identifier: GPL-2.0
/*
 * The pv ABI check at registration (docs/pv-abi.md): a module built for
 * M.n runs on this pv_core M.m when the majors match and n <= m.
 */
#include <linux/stddef.h>
#include "internal.h"

/*
 * The smallest table of each class a backend of this major may hand over:
 * the tables of release M.0. They never change within a major; a minor
 * appends ops after them.
 */
static const u32 pv_ops_min_size[PV_CLASS_MAX] = {
	[PV_CLASS_BLK]		= offsetofend(struct pv_blk_ops, timeout),
	[PV_CLASS_NET]		= offsetofend(struct pv_net_ops, get_stats),
	[PV_CLASS_CLOCK]	= offsetofend(struct pv_clock_ops, read),
};

#define PV_HV_OPS_MIN_SIZE	offsetofend(struct pv_hypervisor_ops, get_tsc_khz)

/**
 * pv_abi_check() - may a module built for @abi_version run on this pv_core?
 * @who: the module's name, for the log
 * @role: "backend" or "front-end", for the log
 * @abi_version: PV_ABI_VERSION the module was built with
 *
 * Logs one line naming both versions and what to do when it may not.
 * Any context.
 *
 * Return: 0 or -ENOEXEC.
 */
int pv_abi_check(const char *who, const char *role, u32 abi_version)
{
	u32 major = PV_ABI_VERSION_MAJOR(abi_version);
	u32 minor = PV_ABI_VERSION_MINOR(abi_version);

	if (major == PV_ABI_MAJOR && minor <= PV_ABI_MINOR)
		return 0;
	if (major == 0)
		/* Releases before 3.0 passed one integer, compared for equality. */
		pr_err("%s: %s built for pv ABI %u, pv_core has pv ABI %u.%u: rebuild %s against this pv_core\n",
		       who, role, minor, PV_ABI_MAJOR, PV_ABI_MINOR, who);
	else if (major == PV_ABI_MAJOR)
		pr_err("%s: %s built for pv ABI %u.%u, newer than pv_core's %u.%u: upgrade pv_core (pv-drivers) to one with pv ABI %u.%u or later\n",
		       who, role, major, minor, PV_ABI_MAJOR, PV_ABI_MINOR,
		       major, minor);
	else
		pr_err("%s: %s built for pv ABI %u.%u, pv_core has pv ABI %u.%u: another major; rebuild %s against this pv_core\n",
		       who, role, major, minor, PV_ABI_MAJOR, PV_ABI_MINOR, who);
	return -ENOEXEC;
}

/**
 * pv_abi_hv_ops_valid() - is a hypervisor ops table of @size bytes whole?
 * @size: sizeof(struct pv_hypervisor_ops) where the backend was built
 *
 * Return: true when the table has at least the ops of release M.0.
 */
bool pv_abi_hv_ops_valid(u32 size)
{
	return size >= PV_HV_OPS_MIN_SIZE;
}

/**
 * pv_abi_ops_valid() - does a device's ops table fit its class?
 * @pdev: a device whose backend called pv_device_set_ops()
 *
 * Return: true when the table is of the device's class and has at least
 * the ops of release M.0.
 */
bool pv_abi_ops_valid(const struct pv_device *pdev)
{
	if (!pdev->ops.any || pdev->ops_class != pdev->class)
		return false;
	return pdev->ops_size >= pv_ops_min_size[pdev->class];
}
