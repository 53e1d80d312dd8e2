/* SPDX-License-Identifier: GPL-2.0 */
/* <linux/unaligned.h> (<asm/unaligned.h> before 6.12): byte-wise accessors. */
#ifndef _SHIM_LINUX_UNALIGNED_H
#define _SHIM_LINUX_UNALIGNED_H

#include <string.h>
#include <asm/byteorder.h>
#include <linux/types.h>

#define __SHIM_UNALIGNED(bits)							\
static inline u##bits get_unaligned_be##bits(const void *p)			\
{ u##bits v; memcpy(&v, p, sizeof(v)); return be##bits##_to_cpu(v); }		\
static inline u##bits get_unaligned_le##bits(const void *p)			\
{ u##bits v; memcpy(&v, p, sizeof(v)); return le##bits##_to_cpu(v); }		\
static inline void put_unaligned_be##bits(u##bits val, void *p)		\
{ __be##bits v = cpu_to_be##bits(val); memcpy(p, &v, sizeof(v)); }		\
static inline void put_unaligned_le##bits(u##bits val, void *p)		\
{ __le##bits v = cpu_to_le##bits(val); memcpy(p, &v, sizeof(v)); }
__SHIM_UNALIGNED(16)
__SHIM_UNALIGNED(32)
__SHIM_UNALIGNED(64)
#undef __SHIM_UNALIGNED

#endif
