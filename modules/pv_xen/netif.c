// SPDX-License-Identifier: GPL-2.0
/* Placeholder: the netif front-end is being written. */
#include "pv_xen.h"

int xen_netif_register(void)
{
	return 0;
}

void xen_netif_unregister(void)
{
}
