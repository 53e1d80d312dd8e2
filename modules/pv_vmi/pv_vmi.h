/* SPDX-License-Identifier: GPL-2.0 */
/* pv_vmi internals. */
#ifndef _PV_VMI_H
#define _PV_VMI_H

#include <pv/pv.h>
#include "proto.h"

/**
 * struct vmi_state - what pv_vmi learnt about its hypervisor at load
 * @how: which sign identified VMware ("CPUID signature", "DMI serial")
 * @version: GETVERSION reply
 * @have_uuid: @uuid is valid
 * @uuid: GETBIOSUUID reply
 * @tsc_hz: hypervisor-reported TSC frequency, 0 if none
 * @tsc_hz_source: where @tsc_hz came from ("CPUID 0x40000010", "GETHZ")
 * @max_leaf: highest hypervisor CPUID leaf, 0 without the signature
 *
 * Written once during module init, read-only afterwards: no locking.
 */
struct vmi_state {
	const char *how;
	struct vmi_version version;
	bool have_uuid;
	uuid_t uuid;
	u64 tsc_hz;
	const char *tsc_hz_source;
	u32 max_leaf;
};

extern struct vmi_state vmi;
extern struct pv_hypervisor vmi_hypervisor;

void vmi_bdoor_call(u32 cmd, struct vmi_regs *r);
int vmi_detect(struct pv_hypervisor *hv);
void vmi_query(void);

int vmi_clock_register(void);
void vmi_clock_unregister(void);

int vmi_pvscsi_register(void);
void vmi_pvscsi_unregister(void);

int vmi_vmxnet3_register(void);
void vmi_vmxnet3_unregister(void);

#endif /* _PV_VMI_H */
