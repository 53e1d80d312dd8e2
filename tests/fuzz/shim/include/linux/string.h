/* SPDX-License-Identifier: GPL-2.0 */
/* <linux/string.h>: the C library's, which ASan intercepts. */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H
#include <string.h>
#endif
