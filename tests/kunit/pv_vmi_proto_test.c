// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pv_vmi's backdoor reply parsing (modules/pv_vmi/proto.c),
 * including replies a hostile or broken hypervisor could give. The parser is
 * compiled into this module, so no VMware is needed.
 */
#include <kunit/test.h>
/* The code under test, compiled into this module. */
#include "../../modules/pv_vmi/proto.c"

#define MAGIC	VMI_BDOOR_MAGIC
#define NONE	0xffffffffu

static void vmi_version_accepts_magic(struct kunit *test)
{
	struct vmi_regs r = { .eax = 6, .ebx = MAGIC, .ecx = 2 };
	struct vmi_version v;

	KUNIT_ASSERT_EQ(test, vmi_parse_version(&r, &v), 0);
	KUNIT_EXPECT_EQ(test, v.version, 6u);
	KUNIT_EXPECT_EQ(test, v.product, 2u);
	KUNIT_EXPECT_STREQ(test, vmi_product_name(v.product), "VMware ESX");
}

static void vmi_version_rejects_wrong_magic(struct kunit *test)
{
	struct vmi_regs r = { .eax = 6, .ebx = ~MAGIC, .ecx = 2 };
	struct vmi_version v = { .version = 42 };

	KUNIT_EXPECT_EQ(test, vmi_parse_version(&r, &v), -EPROTO);
	r.ebx = 0;
	KUNIT_EXPECT_EQ(test, vmi_parse_version(&r, &v), -EPROTO);
	/* Untouched on failure. */
	KUNIT_EXPECT_EQ(test, v.version, 42u);
}

static void vmi_version_unsupported(struct kunit *test)
{
	struct vmi_regs r = { .eax = NONE, .ebx = MAGIC };
	struct vmi_version v;

	KUNIT_EXPECT_EQ(test, vmi_parse_version(&r, &v), -EOPNOTSUPP);
}

static void vmi_product_names_unknown(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, vmi_product_name(4), "VMware Workstation");
	KUNIT_EXPECT_STREQ(test, vmi_product_name(0), "unknown");
	KUNIT_EXPECT_STREQ(test, vmi_product_name(6), "unknown");
	KUNIT_EXPECT_STREQ(test, vmi_product_name(NONE), "unknown");
}

static void vmi_hz_decodes_64bit(struct kunit *test)
{
	/* 2,399,987,000 Hz fits in eax; 5 GHz needs ebx. */
	struct vmi_regs r = { .eax = 2399987000u, .ebx = 0, .ecx = 66000000 };
	u64 hz;
	u32 apic;

	KUNIT_ASSERT_EQ(test, vmi_parse_hz(&r, &hz, &apic), 0);
	KUNIT_EXPECT_EQ(test, hz, 2399987000ull);
	KUNIT_EXPECT_EQ(test, apic, 66000000u);

	r.eax = lower_32_bits(5000000000ull);
	r.ebx = upper_32_bits(5000000000ull);
	KUNIT_ASSERT_EQ(test, vmi_parse_hz(&r, &hz, &apic), 0);
	KUNIT_EXPECT_EQ(test, hz, 5000000000ull);
}

static void vmi_hz_unsupported_under_tcg(struct kunit *test)
{
	/* What QEMU answers under TCG. */
	struct vmi_regs r = { .eax = NONE, .ebx = NONE, .ecx = NONE };
	u64 hz = 7;
	u32 apic;

	KUNIT_EXPECT_EQ(test, vmi_parse_hz(&r, &hz, &apic), -ENODATA);
	KUNIT_EXPECT_EQ(test, hz, 7ull);
}

static void vmi_hz_rejects_absurd(struct kunit *test)
{
	struct vmi_regs zero = { .eax = 0, .ebx = 0 };
	struct vmi_regs slow = { .eax = 999999, .ebx = 0 };
	struct vmi_regs huge = { .eax = 0, .ebx = 0x7fffffff };
	u64 hz = 7;
	u32 apic;

	KUNIT_EXPECT_EQ(test, vmi_parse_hz(&zero, &hz, &apic), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmi_parse_hz(&slow, &hz, &apic), -ERANGE);
	KUNIT_EXPECT_EQ(test, vmi_parse_hz(&huge, &hz, &apic), -ERANGE);
	KUNIT_EXPECT_EQ(test, hz, 7ull);
}

static void vmi_cpuid_timing(struct kunit *test)
{
	u64 hz;
	u32 apic;

	KUNIT_ASSERT_EQ(test, vmi_parse_cpuid_timing(2399987, 66000, &hz, &apic), 0);
	KUNIT_EXPECT_EQ(test, hz, 2399987000ull);
	KUNIT_EXPECT_EQ(test, apic, 66000000u);
	KUNIT_EXPECT_EQ(test, vmi_parse_cpuid_timing(0, 0, &hz, &apic), -ENODATA);
	KUNIT_EXPECT_EQ(test, vmi_parse_cpuid_timing(500, 0, &hz, &apic), -ERANGE);
	/* 4.29 THz in kHz: impossible. */
	KUNIT_EXPECT_EQ(test, vmi_parse_cpuid_timing(NONE, 0, &hz, &apic), -ERANGE);
	/* An APIC frequency that overflows in Hz is dropped, not wrapped. */
	KUNIT_ASSERT_EQ(test, vmi_parse_cpuid_timing(2000000, NONE, &hz, &apic), 0);
	KUNIT_EXPECT_EQ(test, apic, 0u);
}

static void vmi_uuid_byte_order(struct kunit *test)
{
	/* 5e2a7c1d-3b4f-4a6e-9c8d-0123456789ab, as QEMU returns it. */
	struct vmi_regs r = { .eax = 0x1d7c2a5e, .ebx = 0x6e4a4f3b,
			      .ecx = 0x23018d9c, .edx = 0xab896745 };
	uuid_t u, want;

	KUNIT_ASSERT_EQ(test, uuid_parse("5e2a7c1d-3b4f-4a6e-9c8d-0123456789ab", &want), 0);
	KUNIT_ASSERT_EQ(test, vmi_parse_uuid(&r, &u), 0);
	KUNIT_EXPECT_TRUE(test, uuid_equal(&u, &want));
}

static void vmi_uuid_absent_or_unsupported(struct kunit *test)
{
	struct vmi_regs zero = { 0 };
	struct vmi_regs unsupported = { .eax = NONE, .ebx = ~MAGIC };
	uuid_t u;

	KUNIT_EXPECT_EQ(test, vmi_parse_uuid(&zero, &u), -ENODATA);
	KUNIT_EXPECT_EQ(test, vmi_parse_uuid(&unsupported, &u), -EOPNOTSUPP);
}

static void vmi_memsize(struct kunit *test)
{
	struct vmi_regs r = { .eax = 1024, .ebx = 0x1177 };
	u32 mb;

	KUNIT_ASSERT_EQ(test, vmi_parse_memsize(&r, &mb), 0);
	KUNIT_EXPECT_EQ(test, mb, 1024u);
	r.eax = NONE;
	KUNIT_EXPECT_EQ(test, vmi_parse_memsize(&r, &mb), -EOPNOTSUPP);
	r.eax = 0;
	KUNIT_EXPECT_EQ(test, vmi_parse_memsize(&r, &mb), -ENODATA);
}

static void vmi_vcpu_info(struct kunit *test)
{
	struct vmi_regs r = { .eax = VMI_VCPU_LEGACY_X2APIC };
	u32 flags;

	KUNIT_ASSERT_EQ(test, vmi_parse_vcpu_info(&r, &flags), 0);
	KUNIT_EXPECT_TRUE(test, flags & VMI_VCPU_LEGACY_X2APIC);
	r.eax = VMI_VCPU_RESERVED | VMI_VCPU_LEGACY_X2APIC;
	KUNIT_EXPECT_EQ(test, vmi_parse_vcpu_info(&r, &flags), -EOPNOTSUPP);
	r.eax = NONE;
	KUNIT_EXPECT_EQ(test, vmi_parse_vcpu_info(&r, &flags), -EOPNOTSUPP);
}

static struct kunit_case vmi_proto_cases[] = {
	KUNIT_CASE(vmi_version_accepts_magic),
	KUNIT_CASE(vmi_version_rejects_wrong_magic),
	KUNIT_CASE(vmi_version_unsupported),
	KUNIT_CASE(vmi_product_names_unknown),
	KUNIT_CASE(vmi_hz_decodes_64bit),
	KUNIT_CASE(vmi_hz_unsupported_under_tcg),
	KUNIT_CASE(vmi_hz_rejects_absurd),
	KUNIT_CASE(vmi_cpuid_timing),
	KUNIT_CASE(vmi_uuid_byte_order),
	KUNIT_CASE(vmi_uuid_absent_or_unsupported),
	KUNIT_CASE(vmi_memsize),
	KUNIT_CASE(vmi_vcpu_info),
	{}
};

static struct kunit_suite vmi_proto_suite = {
	.name = "pv_vmi_proto",
	.test_cases = vmi_proto_cases,
};

kunit_test_suites(&vmi_proto_suite);

MODULE_DESCRIPTION("KUnit tests for pv_vmi's backdoor reply parsing");
MODULE_LICENSE("GPL");
