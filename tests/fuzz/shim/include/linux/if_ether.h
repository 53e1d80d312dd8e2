/* SPDX-License-Identifier: GPL-2.0 */
/* <linux/if_ether.h>: lengths (uapi/linux/if_ether.h). */
#ifndef _SHIM_LINUX_IF_ETHER_H
#define _SHIM_LINUX_IF_ETHER_H

#define ETH_ALEN	6
#define ETH_HLEN	14
#define ETH_ZLEN	60
#define ETH_DATA_LEN	1500
#define ETH_FRAME_LEN	1514

#endif
