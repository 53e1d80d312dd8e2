// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pv_xen's xenstore value parsing (modules/pv_xen/xs_proto.c)
 * and Xen time arithmetic (modules/pv_xen/time_proto.[ch]): well-formed
 * values are accepted, hostile ones (signs, junk, overflow, out-of-range
 * numbers, malformed or multicast MACs, bad UUIDs, absurd time scales) are
 * refused or computed without undefined behaviour. No Xen needed.
 */
#include <kunit/test.h>
#include "../../modules/pv_xen/xs_proto.c"
#include "../../modules/pv_xen/time_proto.c"

/* ---- numbers ------------------------------------------------------------- */

static void xs_uint_accepts(struct kunit *test)
{
	unsigned int v = 0;

	KUNIT_ASSERT_EQ(test, xen_parse_uint("0", 0, 10, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0u);
	KUNIT_ASSERT_EQ(test, xen_parse_uint("4", 0, 4, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 4u);
	KUNIT_ASSERT_EQ(test, xen_parse_uint("4294967295", 0, UINT_MAX, &v), 0);
	KUNIT_EXPECT_EQ(test, v, UINT_MAX);
	/* kstrto*() take one trailing newline. */
	KUNIT_ASSERT_EQ(test, xen_parse_uint("12\n", 0, 100, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 12u);
}

static void xs_uint_rejects(struct kunit *test)
{
	static const char * const junk[] = { "", "-1", "1x", "x1", " 1", "1 ",
					     "0x10", "1.5", "1\n\n", "--1" };
	unsigned int v = 77;
	int i;

	for (i = 0; i < ARRAY_SIZE(junk); i++)
		KUNIT_EXPECT_EQ_MSG(test, xen_parse_uint(junk[i], 0, UINT_MAX, &v),
				    -EINVAL, "\"%s\"", junk[i]);
	KUNIT_EXPECT_EQ(test, xen_parse_uint(NULL, 0, 1, &v), -EINVAL);
	/* Out of bounds, or beyond the type. */
	KUNIT_EXPECT_EQ(test, xen_parse_uint("5", 0, 4, &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, xen_parse_uint("0", 1, 4, &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, xen_parse_uint("4294967296", 0, UINT_MAX, &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, xen_parse_uint("99999999999999999999999", 0, UINT_MAX, &v),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, v, 77u);	/* untouched on error */
}

static void xs_u64(struct kunit *test)
{
	u64 v = 0;

	KUNIT_ASSERT_EQ(test, xen_parse_u64("18446744073709551615", 0, U64_MAX, &v), 0);
	KUNIT_EXPECT_EQ(test, v, U64_MAX);
	KUNIT_EXPECT_EQ(test, xen_parse_u64("18446744073709551616", 0, U64_MAX, &v),
			-ERANGE);
	/* "sectors" is bounded so that a byte count cannot overflow. */
	KUNIT_EXPECT_EQ(test, xen_parse_u64("36028797018963968", 0,
					    U64_MAX >> 9, &v), -ERANGE);
	KUNIT_ASSERT_EQ(test, xen_parse_u64("36028797018963967", 0,
					    U64_MAX >> 9, &v), 0);
}

/* ---- MAC addresses ------------------------------------------------------- */

static void xs_mac(struct kunit *test)
{
	static const char * const bad[] = {
		"", "00:16:3e:00:00", "00:16:3e:00:00:01:02", "00-16-3e-00-00-01",
		"00:16:3e:0:00:01", "0g:16:3e:00:00:01", "00:16:3e:00:00:01 ",
		"001:6:3e:00:00:01", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01",
		"00:00:00:00:00:00",
	};
	u8 mac[6] = { 9, 9, 9, 9, 9, 9 };
	static const u8 want[6] = { 0x00, 0x16, 0x3e, 0xab, 0xCD, 0xef };
	int i;

	KUNIT_ASSERT_EQ(test, xen_parse_mac("00:16:3e:ab:CD:ef", mac), 0);
	KUNIT_EXPECT_EQ(test, memcmp(mac, want, 6), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u8 m[6] = { 1, 2, 3, 4, 5, 6 };

		KUNIT_EXPECT_EQ_MSG(test, xen_parse_mac(bad[i], m), -EINVAL,
				    "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, m[0], 1);	/* untouched */
	}
	KUNIT_EXPECT_EQ(test, xen_parse_mac(NULL, mac), -EINVAL);
}

/* ---- vm UUID -------------------------------------------------------------- */

static void xs_vm_uuid(struct kunit *test)
{
	u8 u[16] = {};

	KUNIT_ASSERT_EQ(test, xen_parse_vm_uuid("/vm/00112233-4455-6677-8899-aabbccddeeff", u), 0);
	KUNIT_EXPECT_EQ(test, u[0], 0x00);
	KUNIT_EXPECT_EQ(test, u[1], 0x11);
	KUNIT_EXPECT_EQ(test, u[15], 0xff);
	KUNIT_EXPECT_EQ(test, xen_parse_vm_uuid("00112233-4455-6677-8899-aabbccddeeff", u), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_parse_vm_uuid("/vm/00112233-4455-6677-8899-aabbccddeef", u), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_parse_vm_uuid("/vm/00112233-4455-6677-8899-aabbccddeeff0", u), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_parse_vm_uuid("/vm/0011223344556677-8899-aabb-ccddeeff", u), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_parse_vm_uuid("/vm/", u), -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_parse_vm_uuid(NULL, u), -EINVAL);
}

/* ---- Xen time ------------------------------------------------------------- */

/* A 2 GHz TSC: 0.5 ns a tick = mul 2^31, shift 0. */
static struct xen_time_snapshot snap_2ghz(void)
{
	return (struct xen_time_snapshot){ .tsc_timestamp = 1000,
					   .system_time = 5000000000ULL,
					   .mul = 1U << 31, .shift = 0 };
}

static void time_ns(struct kunit *test)
{
	struct xen_time_snapshot s = snap_2ghz();

	KUNIT_EXPECT_EQ(test, xen_time_ns(&s, 1000), 5000000000ULL);
	KUNIT_EXPECT_EQ(test, xen_time_ns(&s, 3000), 5000001000ULL);
	/* A TSC a little behind the stamp counts as no time elapsed. */
	KUNIT_EXPECT_EQ(test, xen_time_ns(&s, 999), 5000000000ULL);
	KUNIT_EXPECT_EQ(test, xen_time_ns(&s, 0), 5000000000ULL);
	/* Shifts: a 4 GHz TSC described as shift -1, 1 GHz as shift +1. */
	s.shift = -1;
	KUNIT_EXPECT_EQ(test, xen_time_ns(&s, 5000), 5000001000ULL);
	s.shift = 1;
	KUNIT_EXPECT_EQ(test, xen_time_ns(&s, 2000), 5000001000ULL);
	/* Large deltas do not overflow the 64x32 multiply. */
	s.shift = 0;
	KUNIT_EXPECT_EQ(test, xen_time_ns(&s, 1000 + (1ULL << 40)),
			5000000000ULL + (1ULL << 39));
}

static void time_hostile_scale(struct kunit *test)
{
	struct xen_time_snapshot s = snap_2ghz();
	static const s8 shifts[] = { 32, 63, 64, 127, -32, -64, -128 };
	int i;

	/* Shifts C cannot do are "no elapsed time", not undefined behaviour. */
	for (i = 0; i < ARRAY_SIZE(shifts); i++) {
		s.shift = shifts[i];
		KUNIT_EXPECT_EQ_MSG(test, xen_time_ns(&s, 1ULL << 50),
				    5000000000ULL, "shift %d", shifts[i]);
	}
	s.shift = 0;
	s.mul = 0;
	KUNIT_EXPECT_EQ(test, xen_time_ns(&s, 1ULL << 50), 5000000000ULL);
}

static void time_tsc_khz(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xen_time_tsc_khz(1U << 31, 0), 2000000u);
	KUNIT_EXPECT_EQ(test, xen_time_tsc_khz(1U << 31, -1), 4000000u);
	KUNIT_EXPECT_EQ(test, xen_time_tsc_khz(1U << 31, 1), 1000000u);
	/* Xen's usual description of a 2.5 GHz TSC: mul 0xcccccccc, shift 0. */
	KUNIT_EXPECT_EQ(test, xen_time_tsc_khz(0xcccccccc, 0), 1250000u);
	KUNIT_EXPECT_EQ(test, xen_time_tsc_khz(0xcccccccc, -1), 2500000u);
	/* Nothing usable. */
	KUNIT_EXPECT_EQ(test, xen_time_tsc_khz(0, 0), 0u);
	KUNIT_EXPECT_EQ(test, xen_time_tsc_khz(1U << 31, 32), 0u);
	KUNIT_EXPECT_EQ(test, xen_time_tsc_khz(1U << 31, -32), 0u);
	KUNIT_EXPECT_EQ(test, xen_time_tsc_khz(1, 0), 0u);	/* > 4 THz */
	KUNIT_EXPECT_EQ(test, xen_time_tsc_khz(1U << 31, -31), 0u);
}

static struct kunit_case xs_cases[] = {
	KUNIT_CASE(xs_uint_accepts),
	KUNIT_CASE(xs_uint_rejects),
	KUNIT_CASE(xs_u64),
	KUNIT_CASE(xs_mac),
	KUNIT_CASE(xs_vm_uuid),
	KUNIT_CASE(time_ns),
	KUNIT_CASE(time_hostile_scale),
	KUNIT_CASE(time_tsc_khz),
	{}
};

static struct kunit_suite xs_suite = {
	.name = "pv_xen_xs_time",
	.test_cases = xs_cases,
};

kunit_test_suites(&xs_suite);

MODULE_DESCRIPTION("KUnit tests for pv_xen's xenstore value parsing and Xen time arithmetic");
MODULE_LICENSE("GPL");
