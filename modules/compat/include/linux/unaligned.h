/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/unaligned.h> appeared in 6.12; before, the helpers lived in
 * <asm/unaligned.h>. Kbuild puts this directory on the include path only
 * for kernels without it (PV_COMPAT_NO_LINUX_UNALIGNED).
 */
#ifndef _PV_COMPAT_LINUX_UNALIGNED_H
#define _PV_COMPAT_LINUX_UNALIGNED_H
#include <asm/unaligned.h>
#endif
