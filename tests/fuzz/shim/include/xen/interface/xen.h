/* SPDX-License-Identifier: MIT */
/*
 * <xen/interface/xen.h>: the few definitions xen/interface/grant_table.h
 * needs (domid_t, xen_pfn_t, guest handles, as asm/xen/interface.h defines
 * them on x86-64). The real header is the whole hypercall ABI, which needs
 * the arch headers; the ring protocol headers themselves (grant_table.h,
 * io/ring.h, io/blkif.h, io/netif.h) are the kernel's own, unchanged: see
 * tests/fuzz/Makefile (ABI_HEADERS).
 */
#ifndef _SHIM_XEN_INTERFACE_XEN_H
#define _SHIM_XEN_INTERFACE_XEN_H

#include <linux/types.h>

typedef uint16_t domid_t;
typedef unsigned long xen_pfn_t;
typedef unsigned long xen_ulong_t;

#define __DEFINE_GUEST_HANDLE(name, type) \
	typedef struct { type *p; } __guest_handle_ ## name
#define DEFINE_GUEST_HANDLE_STRUCT(name) \
	__DEFINE_GUEST_HANDLE(name, struct name)
#define DEFINE_GUEST_HANDLE(name)	__DEFINE_GUEST_HANDLE(name, name)
#define GUEST_HANDLE(name)		__guest_handle_ ## name

DEFINE_GUEST_HANDLE(xen_pfn_t);
DEFINE_GUEST_HANDLE(void);
DEFINE_GUEST_HANDLE(uint64_t);
DEFINE_GUEST_HANDLE(uint32_t);
DEFINE_GUEST_HANDLE(xen_ulong_t);

#endif
