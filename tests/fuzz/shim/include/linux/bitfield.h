/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/bitfield.h>: FIELD_GET/FIELD_PREP/FIELD_FIT, with the kernel's
 * compile-time checks that the mask is a constant, non-zero and contiguous.
 */
#ifndef _SHIM_LINUX_BITFIELD_H
#define _SHIM_LINUX_BITFIELD_H

#include <asm/byteorder.h>
#include <linux/build_bug.h>
#include <linux/types.h>

#define __bf_shf(x)	(__builtin_ffsll(x) - 1)

#define __BF_FIELD_CHECK(_mask, _what)						\
	({									\
		_Static_assert(__builtin_constant_p(_mask), _what ": mask is not constant"); \
		_Static_assert((_mask) != 0, _what ": mask is zero");		\
		_Static_assert((((_mask) + (1ULL << __bf_shf(_mask))) &	\
				((_mask) + (1ULL << __bf_shf(_mask)) - 1)) == 0, \
			       _what ": mask is not contiguous");		\
	})

#define FIELD_GET(_mask, _reg)							\
	({									\
		__BF_FIELD_CHECK(_mask, "FIELD_GET");				\
		(typeof(_mask))(((_reg) & (_mask)) >> __bf_shf(_mask));	\
	})

#define FIELD_PREP(_mask, _val)							\
	({									\
		__BF_FIELD_CHECK(_mask, "FIELD_PREP");				\
		((typeof(_mask))(_val) << __bf_shf(_mask)) & (_mask);		\
	})

#define FIELD_FIT(_mask, _val)							\
	({									\
		__BF_FIELD_CHECK(_mask, "FIELD_FIT");				\
		!((((typeof(_mask))(_val)) << __bf_shf(_mask)) & ~(_mask));	\
	})

#endif
