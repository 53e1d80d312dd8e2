// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of VMware backdoor replies. Pure functions: no I/O, no state.
 * Every reply is checked before it is believed; a reply that does not
 * hold together is -EPROTO, an unsupported command -EOPNOTSUPP, a value
 * that is absent -ENODATA, one that cannot be right -ERANGE.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include "proto.h"

#define VMI_UNSUPPORTED		0xffffffffu

/**
 * vmi_parse_version() - check a GETVERSION reply
 * @r: registers after the call
 * @out: protocol version and product type
 *
 * A hypervisor answers with the magic in ebx; anything else means the port
 * is not a VMware backdoor.
 *
 * Return: 0, -EOPNOTSUPP, or -EPROTO.
 */
int vmi_parse_version(const struct vmi_regs *r, struct vmi_version *out)
{
	if (r->eax == VMI_UNSUPPORTED)
		return -EOPNOTSUPP;
	if (r->ebx != VMI_BDOOR_MAGIC)
		return -EPROTO;
	out->version = r->eax;
	out->product = r->ecx;
	return 0;
}

static int vmi_check_tsc_hz(u64 tsc_hz)
{
	if (tsc_hz < VMI_TSC_HZ_MIN || tsc_hz > VMI_TSC_HZ_MAX)
		return -ERANGE;
	return 0;
}

/**
 * vmi_parse_hz() - decode a GETHZ reply
 * @r: registers after the call
 * @tsc_hz: TSC frequency in Hz (edx:eax is not used: ebx:eax)
 * @apic_hz: APIC bus frequency in Hz (0 if not given)
 *
 * ebx == 0xffffffff means the hypervisor does not know the frequency
 * (QEMU under TCG answers so).
 *
 * Return: 0, -ENODATA, or -ERANGE for an impossible frequency.
 */
int vmi_parse_hz(const struct vmi_regs *r, u64 *tsc_hz, u32 *apic_hz)
{
	u64 hz;

	if (r->ebx == VMI_UNSUPPORTED)
		return -ENODATA;
	hz = ((u64)r->ebx << 32) | r->eax;
	if (vmi_check_tsc_hz(hz))
		return -ERANGE;
	*tsc_hz = hz;
	*apic_hz = r->ecx == VMI_UNSUPPORTED ? 0 : r->ecx;
	return 0;
}

/**
 * vmi_parse_cpuid_timing() - decode CPUID leaf 0x40000010
 * @eax: TSC frequency in kHz
 * @ebx: APIC bus frequency in kHz
 * @tsc_hz: TSC frequency in Hz
 * @apic_hz: APIC bus frequency in Hz
 *
 * Return: 0, -ENODATA when the leaf is empty, or -ERANGE.
 */
int vmi_parse_cpuid_timing(u32 eax, u32 ebx, u64 *tsc_hz, u32 *apic_hz)
{
	u64 hz = (u64)eax * 1000;

	if (!eax)
		return -ENODATA;
	if (vmi_check_tsc_hz(hz))
		return -ERANGE;
	*tsc_hz = hz;
	*apic_hz = ebx > U32_MAX / 1000 ? 0 : ebx * 1000;
	return 0;
}

/**
 * vmi_parse_uuid() - decode a GETBIOSUUID reply
 * @r: registers after the call; the 16 bytes are eax, ebx, ecx, edx, each
 *	little-endian, in SMBIOS byte order
 * @uuid: the UUID
 *
 * Return: 0, -EOPNOTSUPP, or -ENODATA for the all-zero UUID (none set).
 */
int vmi_parse_uuid(const struct vmi_regs *r, uuid_t *uuid)
{
	const u32 words[4] = { r->eax, r->ebx, r->ecx, r->edx };
	int i;

	if (r->eax == VMI_UNSUPPORTED && r->ebx == ~VMI_BDOOR_MAGIC)
		return -EOPNOTSUPP;
	if (!(r->eax | r->ebx | r->ecx | r->edx))
		return -ENODATA;
	for (i = 0; i < 16; i++)
		uuid->b[i] = words[i / 4] >> (8 * (i % 4));
	return 0;
}

/**
 * vmi_parse_memsize() - decode a GETMEMSIZE reply
 * @r: registers after the call
 * @mb: memory size as reported: MiB on VMware (QEMU reports bytes)
 *
 * Return: 0, -EOPNOTSUPP, or -ENODATA for zero.
 */
int vmi_parse_memsize(const struct vmi_regs *r, u32 *mb)
{
	if (r->eax == VMI_UNSUPPORTED)
		return -EOPNOTSUPP;
	if (!r->eax)
		return -ENODATA;
	*mb = r->eax;
	return 0;
}

/**
 * vmi_parse_vcpu_info() - decode a GET_VCPU_INFO reply
 * @r: registers after the call
 * @flags: VMI_VCPU_* bits
 *
 * Return: 0, or -EOPNOTSUPP when the reserved bit says the reply is void.
 */
int vmi_parse_vcpu_info(const struct vmi_regs *r, u32 *flags)
{
	if (r->eax & VMI_VCPU_RESERVED)
		return -EOPNOTSUPP;
	*flags = r->eax;
	return 0;
}

/**
 * vmi_product_name() - name of a GETVERSION product type
 * @product: the type
 *
 * Return: a constant string; "unknown" for types not listed.
 */
const char *vmi_product_name(u32 product)
{
	switch (product) {
	case 1:
		return "VMware Express";
	case 2:
		return "VMware ESX";
	case 3:
		return "VMware Server";
	case 4:
		return "VMware Workstation";
	case 5:
		return "VMware ACE";
	default:
		return "unknown";
	}
}
