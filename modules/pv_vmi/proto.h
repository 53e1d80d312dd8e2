/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMware backdoor protocol: command numbers and the parsing of replies.
 *
 * The parsers are pure functions of the register values the hypervisor
 * returned, so KUnit can feed them hostile replies (tests/kunit/).
 */
#ifndef _PV_VMI_PROTO_H
#define _PV_VMI_PROTO_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/uuid.h>

#define VMI_BDOOR_MAGIC			0x564D5868u	/* "VMXh" */
#define VMI_BDOOR_PORT			0x5658

#define VMI_CMD_GETVERSION		10
#define VMI_CMD_GETBIOSUUID		19
#define VMI_CMD_GETMEMSIZE		20
#define VMI_CMD_GETHZ			45
#define VMI_CMD_GET_VCPU_INFO		68

#define VMI_CPUID_SIGNATURE_LEAF	0x40000000
#define VMI_CPUID_TIMING_LEAF		0x40000010

/* GET_VCPU_INFO reply bits (eax). */
#define VMI_VCPU_LEGACY_X2APIC		BIT(3)
#define VMI_VCPU_RESERVED		BIT(31)

/* A TSC outside this range is not a TSC: reject the reply. */
#define VMI_TSC_HZ_MIN			(1ULL * 1000 * 1000)		/* 1 MHz */
#define VMI_TSC_HZ_MAX			(100ULL * 1000 * 1000 * 1000)	/* 100 GHz */

/**
 * struct vmi_regs - registers in and out of a backdoor call
 * @eax: magic in, main result out (0xffffffff: unsupported command)
 * @ebx: argument in, second result out
 * @ecx: command in, third result out
 * @edx: port in, fourth result out
 * @esi: extra result
 * @edi: extra result
 */
struct vmi_regs {
	u32 eax, ebx, ecx, edx, esi, edi;
};

/**
 * struct vmi_version - what GETVERSION says
 * @version: the backdoor protocol version
 * @product: VMX type: 2 ESX, 4 Workstation, ...
 */
struct vmi_version {
	u32 version;
	u32 product;
};

int vmi_parse_version(const struct vmi_regs *r, struct vmi_version *out);
int vmi_parse_hz(const struct vmi_regs *r, u64 *tsc_hz, u32 *apic_hz);
int vmi_parse_cpuid_timing(u32 eax, u32 ebx, u64 *tsc_hz, u32 *apic_hz);
int vmi_parse_uuid(const struct vmi_regs *r, uuid_t *uuid);
int vmi_parse_memsize(const struct vmi_regs *r, u32 *mb);
int vmi_parse_vcpu_info(const struct vmi_regs *r, u32 *flags);
const char *vmi_product_name(u32 product);

#endif /* _PV_VMI_PROTO_H */
