/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pv_null: what the files of the reference backend share. main.c registers
 * the hypervisor, blk.c and net.c each add one pv device to it.
 */
#ifndef _PVNULL_H
#define _PVNULL_H

#include <pv/pv.h>

/* The backend's own version, independent of pv-drivers' (dkms.conf too). */
#define PVNULL_VERSION	"1.0"

extern struct pv_hypervisor pvnull_hypervisor;

int pvnull_blk_add(void);
void pvnull_blk_remove(void);
int pvnull_net_add(void);
void pvnull_net_remove(void);

#endif /* _PVNULL_H */
