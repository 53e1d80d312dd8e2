/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compatibility with the kernels in the supported window (docs/compat.md).
 *
 * Force-included into every translation unit by the top-level Kbuild. The
 * PV_COMPAT_* flags come from probe.sh, which inspects the target kernel's
 * headers. Driver code is written against the newest kernel API and uses
 * the few helpers below only where an older kernel needs an adapter; no
 * other file tests kernel versions.
 */
#ifndef _PV_COMPAT_H
#define _PV_COMPAT_H

#include <linux/stringify.h>

/*
 * Symbol namespaces: identifiers before 6.13, string literals after.
 * PV_NS names the namespace pv_core exports into; use it with the
 * PV_EXPORT / PV_IMPORT helpers below.
 */
#ifdef PV_COMPAT_NS_IDENTIFIER
#define PV_NS				PV_CORE
#define PV_EXPORT_SYMBOL(sym)		EXPORT_SYMBOL_NS_GPL(sym, PV_CORE)
#define PV_IMPORT_NS()			MODULE_IMPORT_NS(PV_CORE)
#else
#define PV_NS				"PV_CORE"
#define PV_EXPORT_SYMBOL(sym)		EXPORT_SYMBOL_NS_GPL(sym, "PV_CORE")
#define PV_IMPORT_NS()			MODULE_IMPORT_NS("PV_CORE")
#endif

/*
 * bus_type callbacks gained const parameters (uevent: 6.3, match: 6.11).
 * Bus code defines the callbacks with the new prototypes and registers
 * compat_bus_uevent(fn) / compat_bus_match(fn); on older kernels the
 * DEFINE_COMPAT_* macros emit a thunk with the old prototype.
 */
#ifdef PV_COMPAT_BUS_UEVENT_MUTABLE
#define compat_bus_uevent(fn)		fn##_compat
#define DEFINE_COMPAT_BUS_UEVENT(fn)					\
	static int fn##_compat(struct device *dev,			\
			       struct kobj_uevent_env *env)		\
	{								\
		return fn(dev, env);					\
	}
#else
#define compat_bus_uevent(fn)		fn
#define DEFINE_COMPAT_BUS_UEVENT(fn)
#endif

#ifdef PV_COMPAT_BUS_MATCH_MUTABLE
#define compat_bus_match(fn)		fn##_compat
#define DEFINE_COMPAT_BUS_MATCH(fn)					\
	static int fn##_compat(struct device *dev,			\
			       struct device_driver *drv)		\
	{								\
		return fn(dev, drv);					\
	}
#else
#define compat_bus_match(fn)		fn
#define DEFINE_COMPAT_BUS_MATCH(fn)
#endif

/* cpuid() lives in its own header since 6.15. */
#ifdef PV_COMPAT_ASM_CPUID_API
#include <asm/cpuid/api.h>
#endif

/* bus_type::remove returns void since 5.15. */
#ifdef PV_COMPAT_BUS_REMOVE_INT
#define compat_bus_remove(fn)		fn##_compat
#define DEFINE_COMPAT_BUS_REMOVE(fn)					\
	static int fn##_compat(struct device *dev)			\
	{								\
		fn(dev);						\
		return 0;						\
	}
#else
#define compat_bus_remove(fn)		fn
#define DEFINE_COMPAT_BUS_REMOVE(fn)
#endif

/* Bus attribute show/store callbacks take a const bus_type since 6.4. */
#ifdef PV_COMPAT_BUS_ATTR_MUTABLE
typedef struct bus_type compat_bus_attr_bus_t;
#else
typedef const struct bus_type compat_bus_attr_bus_t;
#endif

#endif /* _PV_COMPAT_H */
