/* SPDX-License-Identifier: GPL-2.0 */
/* pv_xen internals. */
#ifndef _PV_XEN_H
#define _PV_XEN_H

#include <pv/pv.h>

struct xenbus_device;

extern struct pv_hypervisor xen_hypervisor;

int xen_clock_register(void);
void xen_clock_unregister(void);
u32 xen_clock_tsc_khz(void);

int xen_blkif_register(void);
void xen_blkif_unregister(void);

int xen_netif_register(void);
void xen_netif_unregister(void);

/* xs.c: xenstore reads that validate what the backend wrote. */
int xen_xs_read_uint(struct xenbus_device *dev, const char *dir,
		     const char *node, unsigned int def, unsigned int min,
		     unsigned int max, unsigned int *val);
int xen_xs_read_u64(struct xenbus_device *dev, const char *dir,
		    const char *node, u64 max, u64 *val);
bool xen_xs_read_feature(struct xenbus_device *dev, const char *dir,
			 const char *node);

#endif /* _PV_XEN_H */
