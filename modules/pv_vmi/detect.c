// SPDX-License-Identifier: GPL-2.0
/*
 * Is this a VMware guest? The same two signs the kernel's own
 * arch/x86/kernel/cpu/vmware.c trusts, checked before any port I/O:
 *  1. the CPUID hypervisor bit and the "VMwareVMware" signature at leaf
 *     0x40000000;
 *  2. without the hypervisor bit (VMware can hide it; QEMU cannot show the
 *     signature): "VMware" in the DMI product serial, confirmed by the
 *     backdoor answering GETVERSION with its magic.
 */
#include <linux/dmi.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include "pv_vmi.h"

struct vmi_state vmi;

static bool vmi_cpuid_signature(u32 *max_leaf)
{
	u32 eax, sig[3];

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;
	cpuid(VMI_CPUID_SIGNATURE_LEAF, &eax, &sig[0], &sig[1], &sig[2]);
	if (memcmp(sig, "VMwareVMware", 12))
		return false;
	*max_leaf = eax;
	return true;
}

static bool vmi_dmi_serial(void)
{
	const char *serial = dmi_get_system_info(DMI_PRODUCT_SERIAL);

	return serial && strstr(serial, "VMware");
}

/**
 * vmi_detect() - pv_hypervisor::detect for VMware
 * @hv: vmi_hypervisor
 *
 * Return: 0 on VMware, else -ENODEV after one log line saying why.
 */
int vmi_detect(struct pv_hypervisor *hv)
{
	struct vmi_regs r = { .ebx = ~VMI_BDOOR_MAGIC };
	int err;

	if (vmi_cpuid_signature(&vmi.max_leaf)) {
		vmi.how = "CPUID signature";
	} else if (!boot_cpu_has(X86_FEATURE_HYPERVISOR) && vmi_dmi_serial()) {
		vmi.how = "DMI serial";
	} else {
		pr_info("not a VMware guest (no VMwareVMware CPUID signature, no VMware DMI serial)\n");
		return -ENODEV;
	}

	vmi_bdoor_call(VMI_CMD_GETVERSION, &r);
	err = vmi_parse_version(&r, &vmi.version);
	if (err) {
		pr_info("not a VMware guest (%s matches, but the backdoor does not answer: eax=%#x ebx=%#x)\n",
			vmi.how, r.eax, r.ebx);
		return -ENODEV;
	}
	return 0;
}

/**
 * vmi_query() - read the hypervisor's UUID and TSC frequency
 *
 * Called once after detection, before anything reads struct vmi_state.
 */
void vmi_query(void)
{
	struct vmi_regs r = { .ebx = ~VMI_BDOOR_MAGIC };
	u32 eax, ebx, ecx, edx, apic_hz;

	vmi_bdoor_call(VMI_CMD_GETBIOSUUID, &r);
	vmi.have_uuid = !vmi_parse_uuid(&r, &vmi.uuid);

	/* CPUID 0x40000010 is cheaper and preferred where it exists. */
	if (vmi.max_leaf >= VMI_CPUID_TIMING_LEAF) {
		cpuid(VMI_CPUID_TIMING_LEAF, &eax, &ebx, &ecx, &edx);
		if (!vmi_parse_cpuid_timing(eax, ebx, &vmi.tsc_hz, &apic_hz)) {
			vmi.tsc_hz_source = "CPUID 0x40000010";
			return;
		}
	}
	r = (struct vmi_regs){ .ebx = ~VMI_BDOOR_MAGIC };
	vmi_bdoor_call(VMI_CMD_GETHZ, &r);
	if (!vmi_parse_hz(&r, &vmi.tsc_hz, &apic_hz))
		vmi.tsc_hz_source = "GETHZ";
	else
		vmi.tsc_hz = 0;
}
