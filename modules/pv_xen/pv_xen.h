/* SPDX-License-Identifier: GPL-2.0 */
/* pv_xen internals. */
#ifndef _PV_XEN_H
#define _PV_XEN_H

#include <pv/pv.h>
#include <xen/xenbus.h>

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

/**
 * xen_register_frontend() - register a xenbus front-end that does not pin pv_xen
 * @drv: the driver
 *
 * xenbus_register_frontend() makes the module the driver's owner, and since
 * 5.5 xenbus holds a reference on the owner for every bound device, so
 * `rmmod pv_xen` would fail until each device was unbound by hand. The
 * reference guards against xenbus calling into unloaded code; pv_xen's exit
 * unregisters its drivers, which removes every device (remove() closes the
 * connection, xenbus drops the device's watch and waits for a running
 * callback) before the module text goes away. So pv_xen registers without
 * an owner, and unloads like a PCI driver does: its devices go with it.
 *
 * Process context. Return: 0 or a negative errno.
 */
static inline int xen_register_frontend(struct xenbus_driver *drv)
{
	return __xenbus_register_frontend(drv, NULL, KBUILD_MODNAME);
}

#endif /* _PV_XEN_H */
