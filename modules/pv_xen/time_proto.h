/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen system time from a vCPU's time info (struct pvclock_vcpu_time_info,
 * the layout Xen's public vcpu_time_info shares with KVM):
 *
 *	ns = system_time + ((tsc - tsc_timestamp) << tsc_shift) * mul / 2^32
 *
 * (a negative tsc_shift shifts right). Pure functions, driven by KUnit.
 */
#ifndef _PV_XEN_TIME_PROTO_H
#define _PV_XEN_TIME_PROTO_H

#include <linux/math64.h>
#include <linux/types.h>

/**
 * struct xen_time_snapshot - one consistent read of a vCPU's time info
 * @tsc_timestamp: TSC when Xen last wrote the info
 * @system_time: nanoseconds since boot at @tsc_timestamp
 * @mul: tsc_to_system_mul, a 32.32 fixed-point factor
 * @shift: tsc_shift
 * @flags: PVCLOCK_* flags
 */
struct xen_time_snapshot {
	u64 tsc_timestamp;
	u64 system_time;
	u32 mul;
	s8 shift;
	u8 flags;
};

/*
 * Xen keeps tsc_shift within a few bits of zero; a shift of 64 or more
 * would be undefined behaviour in C, so anything beyond this is treated as
 * "no time info" rather than computed.
 */
#define XEN_TIME_MAX_SHIFT	31

/**
 * xen_time_scale() - TSC ticks to nanoseconds
 * @delta: ticks
 * @mul: tsc_to_system_mul
 * @shift: tsc_shift
 *
 * Return: nanoseconds, 0 for a shift beyond XEN_TIME_MAX_SHIFT.
 */
static __always_inline u64 xen_time_scale(u64 delta, u32 mul, s8 shift)
{
	if (shift < -XEN_TIME_MAX_SHIFT || shift > XEN_TIME_MAX_SHIFT)
		return 0;
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return mul_u64_u32_shr(delta, mul, 32);
}

/**
 * xen_time_ns() - system time at TSC value @tsc
 * @s: the snapshot
 * @tsc: a TSC value read after the snapshot's version was checked
 *
 * A @tsc below the snapshot's timestamp (Xen updated the info just after
 * the TSC was read on another path) counts as no time elapsed rather than
 * as a huge unsigned delta.
 *
 * Return: nanoseconds since the domain booted.
 */
static __always_inline u64 xen_time_ns(const struct xen_time_snapshot *s,
				       u64 tsc)
{
	u64 delta = tsc > s->tsc_timestamp ? tsc - s->tsc_timestamp : 0;

	return s->system_time + xen_time_scale(delta, s->mul, s->shift);
}

u32 xen_time_tsc_khz(u32 mul, s8 shift);

#endif /* _PV_XEN_TIME_PROTO_H */
