/* SPDX-License-Identifier: GPL-2.0 */
/* <linux/uuid.h>: uuid_t; uuid_parse() is in shim/lib.c (ported from lib/uuid.c). */
#ifndef _SHIM_LINUX_UUID_H
#define _SHIM_LINUX_UUID_H

#include <linux/types.h>

#define UUID_SIZE	16
#define UUID_STRING_LEN	36

typedef struct {
	__u8 b[UUID_SIZE];
} uuid_t;

bool uuid_is_valid(const char *uuid);
int uuid_parse(const char *uuid, uuid_t *u);

#endif
