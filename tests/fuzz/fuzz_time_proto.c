// SPDX-License-Identifier: GPL-2.0
/*
 * modules/pv_xen/time_proto.c and the inline readers of time_proto.h: Xen
 * vCPU time info (tsc_to_system_mul, tsc_shift, tsc_timestamp,
 * system_time, all written by the hypervisor).
 *
 * Input: byte 0 picks the function; then mul (u32), shift (s8), the
 * snapshot's timestamp and system time, and two TSC values (u64). Results
 * are compared with the header's formula evaluated in 128 bits:
 *	ns  = system_time + ((tsc - tsc_timestamp) << shift) * mul / 2^32
 *	kHz = (10^6 << 32) / mul >> shift
 * wherever the formula's value fits in 64 bits; and a snapshot's time must
 * not go backwards as the TSC advances. (Where delta << shift itself
 * overflows, the result wraps exactly like the kernel's
 * pvclock_scale_delta(); that is outside what Xen ever writes.)
 */
#include "fuzz.h"
#include <linux/kernel.h>
#include "time_proto.h"

typedef unsigned __int128 u128;

/* ((delta << shift) * mul) >> 32 in 128 bits; 0 if delta << shift overflows 64 */
static int model_scale(u64 delta, u32 mul, s8 shift, u128 *ns)
{
	u128 d = delta;

	if (shift < -XEN_TIME_MAX_SHIFT || shift > XEN_TIME_MAX_SHIFT) {
		*ns = 0;
		return 1;
	}
	if (shift < 0)
		d >>= -shift;
	else
		d <<= shift;
	if (d >> 64)
		return 0;
	*ns = (d * mul) >> 32;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	u32 mul = fz_u32(&f);
	s8 shift = fz_u8(&f);
	u8 op = fz_u8(&f) % 3;
	struct xen_time_snapshot s;
	u64 t1, t2, r1, r2;
	u128 m;

	if (fz_bool(&f))	/* what Xen writes: a few bits either way */
		shift = (s8)(shift % 8);
	switch (op) {
	case 0: {
		u32 khz = xen_time_tsc_khz(mul, shift);
		u128 want;

		if (!mul || shift < -XEN_TIME_MAX_SHIFT || shift > XEN_TIME_MAX_SHIFT) {
			CHECK(khz == 0, "mul %u shift %d: %u kHz", mul, shift, khz);
			break;
		}
		want = ((u128)1000000 << 32) / mul;
		want = shift < 0 ? want << -shift : want >> shift;
		CHECK(khz == (want > U32_MAX ? 0 : (u32)want), "mul %u shift %d: %u kHz, want %llu", mul, shift,
		      khz, (unsigned long long)want);
		break;
	}
	case 1:
		t1 = fz_u64(&f), t2 = fz_u64(&f);
		if (fz_bool(&f))
			t1 %= 1ULL << 40, t2 %= 1ULL << 40;	/* deltas between updates */
		r1 = xen_time_scale(t1, mul, shift);
		if (model_scale(t1, mul, shift, &m)) {
			CHECK(m <= U64_MAX && r1 == (u64)m, "delta %llu mul %u shift %d: %llu", (unsigned long long)t1,
			      mul, shift, (unsigned long long)r1);
			r2 = xen_time_scale(t2, mul, shift);
			if (t1 <= t2 && model_scale(t2, mul, shift, &m))
				CHECK(r1 <= r2, "time went back: %llu ticks %llu ns, %llu ticks %llu ns",
				      (unsigned long long)t1, (unsigned long long)r1, (unsigned long long)t2,
				      (unsigned long long)r2);
		}
		break;
	case 2:
		s.mul = mul;
		s.shift = shift;
		s.tsc_timestamp = fz_u64(&f);
		s.system_time = fz_u64(&f);
		s.flags = fz_u8(&f);
		t1 = fz_u64(&f), t2 = fz_u64(&f);
		if (fz_bool(&f)) {	/* TSC reads shortly before or after the update */
			t1 = s.tsc_timestamp + (s64)(s32)t1;
			t2 = t1 + (u32)t2;
			s.system_time %= 1ULL << 62;
		}
		r1 = xen_time_ns(&s, t1);
		if (t1 <= s.tsc_timestamp)
			CHECK(r1 == s.system_time, "tsc %llu before the timestamp %llu: %llu ns, not %llu",
			      (unsigned long long)t1, (unsigned long long)s.tsc_timestamp, (unsigned long long)r1,
			      (unsigned long long)s.system_time);
		else if (model_scale(t1 - s.tsc_timestamp, mul, shift, &m) && m + s.system_time <= U64_MAX)
			CHECK(r1 == (u64)(m + s.system_time), "tsc %llu: %llu ns", (unsigned long long)t1,
			      (unsigned long long)r1);
		else
			break;
		/* monotonic while nothing overflows */
		if (t2 >= t1 && (t2 <= s.tsc_timestamp ||
				 (model_scale(t2 - s.tsc_timestamp, mul, shift, &m) && m + s.system_time <= U64_MAX))) {
			r2 = xen_time_ns(&s, t2);
			CHECK(r1 <= r2, "time went back: tsc %llu -> %llu ns, tsc %llu -> %llu ns",
			      (unsigned long long)t1, (unsigned long long)r1, (unsigned long long)t2,
			      (unsigned long long)r2);
		}
		break;
	}
	return 0;
}
