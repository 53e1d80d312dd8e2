/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <xen/page.h>: the Xen page constants only. The real header is the x86
 * p2m machinery (asm/xen/page.h, linux/mm.h) that no parser uses.
 */
#ifndef _SHIM_XEN_PAGE_H
#define _SHIM_XEN_PAGE_H

#define XEN_PAGE_SHIFT		12
#define XEN_PAGE_SIZE		(1UL << XEN_PAGE_SHIFT)
#define XEN_PAGE_MASK		(~(XEN_PAGE_SIZE - 1))

#endif
