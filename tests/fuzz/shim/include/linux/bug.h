/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/bug.h>. WARN_ON() returns its condition, as in the kernel; when it
 * fires the fuzz build aborts, since the project's tests treat a WARNING as
 * a failure (as panic_on_warn does). BUG_ON() aborts.
 */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include <stdio.h>
#include <stdlib.h>
#include <linux/build_bug.h>

#define WARN_ON(cond) ({							\
		int __ret_warn_on = !!(cond);					\
		if (unlikely(__ret_warn_on)) {					\
			fprintf(stderr, "WARNING: %s:%d: WARN_ON(%s)\n",	\
				__FILE__, __LINE__, #cond);			\
			abort();						\
		}								\
		unlikely(__ret_warn_on); })
#define WARN_ON_ONCE(cond)	WARN_ON(cond)
#define BUG_ON(cond) do {							\
		if (unlikely(cond)) {						\
			fprintf(stderr, "BUG: %s:%d: BUG_ON(%s)\n",		\
				__FILE__, __LINE__, #cond);			\
			abort();						\
		}								\
	} while (0)
#define BUG()			BUG_ON(1)

#endif
