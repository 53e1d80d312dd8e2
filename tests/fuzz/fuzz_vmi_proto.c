// SPDX-License-Identifier: GPL-2.0
/*
 * modules/pv_vmi/proto.c: VMware backdoor replies.
 *
 * Input: byte 0 picks the function; then the reply registers (eax, ebx,
 * ecx, edx, esi, edi, little-endian u32s) or the CPUID leaf / product
 * values. Each accepted reply must say what the kernel-doc promises, and
 * nothing is believed from a rejected one: the outputs stay untouched.
 */
#include "fuzz.h"
#include <linux/bits.h>
#include <linux/errno.h>
#include "proto.h"

static void regs(struct fz *f, struct vmi_regs *r)
{
	r->eax = fz_u32(f);
	r->ebx = fz_u32(f);
	r->ecx = fz_u32(f);
	r->edx = fz_u32(f);
	r->esi = fz_u32(f);
	r->edi = fz_u32(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct vmi_regs r;
	int rc, i;

	switch (fz_u8(&f) % 7) {
	case 0: {
		struct vmi_version v;

		regs(&f, &r);
		POISON_OUT(&v);
		rc = vmi_parse_version(&r, &v);
		CHECK(rc == 0 || rc == -EOPNOTSUPP || rc == -EPROTO, "rc %d", rc);
		CHECK((rc == -EOPNOTSUPP) == (r.eax == 0xffffffffu), "rc %d eax %#x", rc, r.eax);
		if (rc == 0) {
			CHECK(r.ebx == VMI_BDOOR_MAGIC, "ebx %#x", r.ebx);
			CHECK(v.version == r.eax && v.product == r.ecx, "version %u product %u", v.version, v.product);
		} else {
			CHECK(POISONED(&v), "output written on error %d", rc);
		}
		break;
	}
	case 1: {
		u64 tsc;
		u32 apic;

		regs(&f, &r);
		POISON_OUT(&tsc);
		POISON_OUT(&apic);
		rc = vmi_parse_hz(&r, &tsc, &apic);
		CHECK(rc == 0 || rc == -ENODATA || rc == -ERANGE, "rc %d", rc);
		CHECK((rc == -ENODATA) == (r.ebx == 0xffffffffu), "rc %d ebx %#x", rc, r.ebx);
		if (rc == 0) {
			CHECK(tsc >= VMI_TSC_HZ_MIN && tsc <= VMI_TSC_HZ_MAX, "tsc %llu", (unsigned long long)tsc);
			CHECK(tsc == ((u64)r.ebx << 32 | r.eax), "tsc %llu", (unsigned long long)tsc);
			CHECK(apic == (r.ecx == 0xffffffffu ? 0 : r.ecx), "apic %u ecx %#x", apic, r.ecx);
		} else {
			CHECK(POISONED(&tsc) && POISONED(&apic), "output written on error %d", rc);
		}
		break;
	}
	case 2: {
		u32 eax = fz_u32(&f), ebx = fz_u32(&f);
		u64 tsc;
		u32 apic;

		POISON_OUT(&tsc);
		POISON_OUT(&apic);
		rc = vmi_parse_cpuid_timing(eax, ebx, &tsc, &apic);
		CHECK(rc == 0 || rc == -ENODATA || rc == -ERANGE, "rc %d", rc);
		CHECK((rc == -ENODATA) == !eax, "rc %d eax %u", rc, eax);
		if (rc == 0) {
			CHECK(tsc >= VMI_TSC_HZ_MIN && tsc <= VMI_TSC_HZ_MAX, "tsc %llu", (unsigned long long)tsc);
			CHECK(tsc == (u64)eax * 1000, "tsc %llu eax %u", (unsigned long long)tsc, eax);
			/* kHz to Hz, never truncated: exact, or 0 when it does not fit */
			CHECK(apic == 0 || (u64)apic == (u64)ebx * 1000, "apic %u ebx %u", apic, ebx);
			CHECK(apic != 0 || !ebx || (u64)ebx * 1000 > 0xffffffffu, "apic 0 for ebx %u", ebx);
		} else {
			CHECK(POISONED(&tsc) && POISONED(&apic), "output written on error %d", rc);
		}
		break;
	}
	case 3: {
		uuid_t u;
		u32 w[4];

		regs(&f, &r);
		w[0] = r.eax, w[1] = r.ebx, w[2] = r.ecx, w[3] = r.edx;
		POISON_OUT(&u);
		rc = vmi_parse_uuid(&r, &u);
		CHECK(rc == 0 || rc == -EOPNOTSUPP || rc == -ENODATA, "rc %d", rc);
		if (rc == 0) {
			for (i = 0; i < 16; i++)
				CHECK(u.b[i] == (u8)(w[i / 4] >> (8 * (i % 4))), "byte %d", i);
			CHECK(r.eax | r.ebx | r.ecx | r.edx, "all-zero UUID accepted");
		} else {
			CHECK(POISONED(&u), "output written on error %d", rc);
			if (rc == -ENODATA)
				CHECK(!(r.eax | r.ebx | r.ecx | r.edx), "-ENODATA for a UUID");
		}
		break;
	}
	case 4: {
		u32 mb;

		regs(&f, &r);
		POISON_OUT(&mb);
		rc = vmi_parse_memsize(&r, &mb);
		CHECK(rc == 0 || rc == -EOPNOTSUPP || rc == -ENODATA, "rc %d", rc);
		if (rc == 0)
			CHECK(mb == r.eax && mb && mb != 0xffffffffu, "mb %u", mb);
		else
			CHECK(POISONED(&mb), "output written on error %d", rc);
		break;
	}
	case 5: {
		u32 flags;

		regs(&f, &r);
		POISON_OUT(&flags);
		rc = vmi_parse_vcpu_info(&r, &flags);
		CHECK(rc == 0 || rc == -EOPNOTSUPP, "rc %d", rc);
		CHECK((rc == 0) == !(r.eax & VMI_VCPU_RESERVED), "rc %d eax %#x", rc, r.eax);
		if (rc == 0)
			CHECK(flags == r.eax && !(flags & VMI_VCPU_RESERVED), "flags %#x", flags);
		else
			CHECK(POISONED(&flags), "output written on error %d", rc);
		break;
	}
	case 6: {
		u32 product = fz_u32(&f);
		const char *name = vmi_product_name(product);

		CHECK(name != NULL, "product %u", product);
		CHECK(strnlen(name, 64) < 64, "product %u: name not terminated", product);
		CHECK((strcmp(name, "unknown") == 0) == (product < 1 || product > 5), "product %u: %s", product, name);
		break;
	}
	}
	return 0;
}
