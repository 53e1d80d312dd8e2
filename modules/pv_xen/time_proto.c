// SPDX-License-Identifier: GPL-2.0
/* Xen time info arithmetic that is not on the clock read path. */
#include <linux/limits.h>
#include <linux/math64.h>
#include "time_proto.h"

/**
 * xen_time_tsc_khz() - the TSC frequency a time info describes
 * @mul: tsc_to_system_mul
 * @shift: tsc_shift
 *
 * freq = (10^9 << 32) / mul >> shift, as Xen's public header defines it.
 *
 * Return: kHz, or 0 when the values describe no usable frequency (zero
 * factor, absurd shift, or a result that does not fit).
 */
u32 xen_time_tsc_khz(u32 mul, s8 shift)
{
	u64 khz;

	if (!mul || shift < -XEN_TIME_MAX_SHIFT || shift > XEN_TIME_MAX_SHIFT)
		return 0;
	khz = div_u64(1000000ULL << 32, mul);
	if (shift < 0) {
		if (khz > (U32_MAX >> -shift))
			return 0;
		khz <<= -shift;
	} else {
		khz >>= shift;
	}
	return khz > U32_MAX ? 0 : khz;
}
