/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/errno.h>: the UAPI one the C library uses (uapi/linux/errno.h ->
 * asm-generic/errno.h) is the kernel's own list. The kernel-internal codes
 * (ENOTSUPP, ...) are not used by the parsers and are left out.
 */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H
#include_next <linux/errno.h>
#endif
