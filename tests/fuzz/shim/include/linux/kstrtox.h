/* SPDX-License-Identifier: GPL-2.0 */
/* <linux/kstrtox.h>: kstrtoull() and friends, in shim/lib.c (ported from lib/kstrtox.c). */
#ifndef _SHIM_LINUX_KSTRTOX_H
#define _SHIM_LINUX_KSTRTOX_H

int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);

#endif
