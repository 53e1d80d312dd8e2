/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <net/gso.h> appeared in 6.5; before, skb_gso_segment() and friends were
 * declared in <linux/netdevice.h>. Kbuild puts this directory on the
 * include path for kernels without it (PV_COMPAT_NO_NET_GSO_H).
 */
#ifndef _PV_COMPAT_NET_GSO_H
#define _PV_COMPAT_NET_GSO_H
#include <linux/netdevice.h>
#endif
