/* SPDX-License-Identifier: GPL-2.0 */
/* pv_core internals shared between its files; not part of the pv ABI. */
#ifndef _PV_CORE_INTERNAL_H
#define _PV_CORE_INTERNAL_H

#include <linux/mutex.h>
#include <pv/pv.h>
/*
 * Every class header, in every file that exports: genksyms then expands
 * the class ops and callback tables into the CRCs of pv_core's exports, so
 * an incompatible change there cannot load silently into an old binary.
 */
#include <pv/blk.h>
#include <pv/clock.h>
#include <pv/net.h>

/*
 * pv_registry_lock serialises (un)registration of hypervisors and guards
 * pv_active_hv. Held across detect() and the sysfs queries, so a reader
 * never sees a hypervisor that is being torn down.
 */
extern struct mutex pv_registry_lock;
extern struct pv_hypervisor *pv_active_hv;

extern const struct attribute_group *pv_bus_groups[];
extern const struct attribute_group *pv_dev_groups[];

void pv_device_remove_all(struct pv_hypervisor *hv);
int pv_abi_check(const char *who, const char *role, u32 abi_version);
bool pv_abi_hv_ops_valid(u32 size);
bool pv_abi_ops_valid(const struct pv_device *pdev);
void pv_device_ids_destroy(void);

#endif /* _PV_CORE_INTERNAL_H */
