/* SPDX-License-Identifier: GPL-2.0 */
/* <linux/log2.h>: is_power_of_2() and ilog2(). */
#ifndef _SHIM_LINUX_LOG2_H
#define _SHIM_LINUX_LOG2_H

#include <linux/types.h>

static inline __attribute__((const)) bool is_power_of_2(unsigned long n)
{
	return (n != 0 && ((n & (n - 1)) == 0));
}

#define ilog2(n)	(63 - __builtin_clzll(n))	/* n != 0 */

#endif
