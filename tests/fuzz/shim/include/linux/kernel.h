/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/kernel.h>: what it pulls in that the parsers use (limits, min/max,
 * DIV_ROUND_UP, kstrtox, bug, bitops, log2) and nothing else.
 */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/types.h>

#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))

#endif
