/* SPDX-License-Identifier: GPL-2.0 */
/* <linux/build_bug.h>: the real thing, a compile-time error. */
#ifndef _SHIM_LINUX_BUILD_BUG_H
#define _SHIM_LINUX_BUILD_BUG_H

#include <assert.h>	/* static_assert(expr, msg) */

#define BUILD_BUG_ON_MSG(cond, msg)	_Static_assert(!(cond), msg)
#define BUILD_BUG_ON(cond)		BUILD_BUG_ON_MSG(cond, "BUILD_BUG_ON(" #cond ")")
#define BUILD_BUG_ON_ZERO(e)		((int)(sizeof(struct { int : (-!!(e)); })))

/* The kernel's static_assert() makes the message optional. */
#undef static_assert
#define static_assert(expr, ...)	__static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...)	_Static_assert(expr, msg)

#endif
