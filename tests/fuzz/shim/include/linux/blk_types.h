/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/blk_types.h>: blk_status_t and its values (as in 6.1, under the
 * 6.5+ name BLK_STS_RESV_CONFLICT that modules/compat/compat.h provides),
 * and the sector constants.
 */
#ifndef _SHIM_LINUX_BLK_TYPES_H
#define _SHIM_LINUX_BLK_TYPES_H

#include <linux/types.h>

#define SECTOR_SHIFT		9
#define SECTOR_SIZE		(1 << SECTOR_SHIFT)

typedef u8 __bitwise blk_status_t;
#define BLK_STS_OK		0
#define BLK_STS_NOTSUPP		((__force blk_status_t)1)
#define BLK_STS_TIMEOUT		((__force blk_status_t)2)
#define BLK_STS_NOSPC		((__force blk_status_t)3)
#define BLK_STS_TRANSPORT	((__force blk_status_t)4)
#define BLK_STS_TARGET		((__force blk_status_t)5)
#define BLK_STS_RESV_CONFLICT	((__force blk_status_t)6)
#define BLK_STS_MEDIUM		((__force blk_status_t)7)
#define BLK_STS_PROTECTION	((__force blk_status_t)8)
#define BLK_STS_RESOURCE	((__force blk_status_t)9)
#define BLK_STS_IOERR		((__force blk_status_t)10)
#define BLK_STS_AGAIN		((__force blk_status_t)12)
#define BLK_STS_DEV_RESOURCE	((__force blk_status_t)13)
#define BLK_STS_OFFLINE		((__force blk_status_t)17)

#endif
