/* SPDX-License-Identifier: GPL-2.0 */
/* <linux/ethtool.h>: the link speed constant (uapi/linux/ethtool.h). */
#ifndef _SHIM_LINUX_ETHTOOL_H
#define _SHIM_LINUX_ETHTOOL_H

#define SPEED_UNKNOWN		-1

#endif
