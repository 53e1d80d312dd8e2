// SPDX-License-Identifier: GPL-2.0
#include "pv_xen.h"

int xen_blkif_register(void)
{
	return 0;
}

void xen_blkif_unregister(void)
{
}
