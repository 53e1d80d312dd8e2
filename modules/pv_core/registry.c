// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor registry: at most one backend is active at a time.
 */
#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/string.h>
#include "internal.h"

DEFINE_MUTEX(pv_registry_lock);
struct pv_hypervisor *pv_active_hv;

static bool pv_name_valid(const char *name)
{
	size_t len;
	const char *c;

	if (!name)
		return false;
	len = strnlen(name, PV_NAME_LEN);
	if (len == 0 || len == PV_NAME_LEN || !strcmp(name, "none"))
		return false;
	for (c = name; *c; c++)
		if (!islower(*c) && !isdigit(*c) && *c != '_')
			return false;
	return true;
}

/**
 * __pv_hypervisor_register() - see pv_hypervisor_register()
 * @hv: the backend's hypervisor
 * @owner: the backend module
 * @abi_version: PV_ABI_VERSION the backend was built against
 * @ops_size: sizeof(struct pv_hypervisor_ops) where the backend was built
 *
 * Return: 0; -ENOEXEC for a module of another major or a newer minor;
 * -EINVAL for a malformed @hv;
 * -EEXIST when @hv's name is already registered; what @hv->detect returned
 * (-ENODEV when the hypervisor is absent); -EBUSY when it is present but
 * another hypervisor is registered.
 */
int __pv_hypervisor_register(struct pv_hypervisor *hv, struct module *owner,
			     u32 abi_version, u32 ops_size)
{
	const char *modname = owner ? module_name(owner) : "built-in";
	int err;

	err = pv_abi_check(modname, "backend", abi_version);
	if (err)
		return err;
	if (!pv_name_valid(hv->name) || !hv->detect ||
	    (hv->ops && !pv_abi_hv_ops_valid(ops_size))) {
		pr_err("%s: malformed hypervisor registration\n", modname);
		return -EINVAL;
	}

	mutex_lock(&pv_registry_lock);
	if (pv_active_hv && !strcmp(pv_active_hv->name, hv->name)) {
		pr_err("%s: hypervisor %s is already registered\n",
		       modname, hv->name);
		err = -EEXIST;
		goto out_unlock;
	}

	/*
	 * Ask the backend first: on a machine that is not its hypervisor the
	 * answer is -ENODEV and the backend's own line, whichever backend is
	 * active. Only a backend whose hypervisor is present but cannot be
	 * served next to the active one is told -EBUSY.
	 */
	hv->owner = owner;
	hv->abi_version = abi_version;
	hv->ops_size = ops_size;
	err = hv->detect(hv);
	if (err)
		goto out_unlock;
	if (pv_active_hv) {
		pr_err("%s: cannot register %s: %s is active\n",
		       modname, hv->name, pv_active_hv->name);
		err = -EBUSY;
		goto out_unlock;
	}

	pv_active_hv = hv;
	pr_info("hypervisor %s registered by %s\n", hv->name, modname);
out_unlock:
	mutex_unlock(&pv_registry_lock);
	return err;
}
PV_EXPORT_SYMBOL(__pv_hypervisor_register);

/**
 * pv_hypervisor_unregister() - withdraw the active hypervisor
 * @hv: the hypervisor passed to pv_hypervisor_register()
 *
 * Unregisters any device of @hv the backend left behind (with a warning),
 * then clears the registry. Process context.
 */
void pv_hypervisor_unregister(struct pv_hypervisor *hv)
{
	pv_device_remove_all(hv);

	mutex_lock(&pv_registry_lock);
	if (pv_active_hv != hv) {
		mutex_unlock(&pv_registry_lock);
		pr_err("%s: unregistering a hypervisor that is not registered\n",
		       hv->name);
		return;
	}
	pv_active_hv = NULL;
	mutex_unlock(&pv_registry_lock);
	pr_info("hypervisor %s unregistered\n", hv->name);
}
PV_EXPORT_SYMBOL(pv_hypervisor_unregister);
