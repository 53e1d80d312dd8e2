/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing of xenstore values. The backend domain writes them, so they are
 * untrusted: every function here takes a string and bounds and either
 * returns a value inside the bounds or an error; nothing else. Pure
 * functions, driven by KUnit (tests/kunit/pv_xen_xs_test.c).
 */
#ifndef _PV_XEN_XS_PROTO_H
#define _PV_XEN_XS_PROTO_H

#include <linux/types.h>

int xen_parse_u64(const char *s, u64 min, u64 max, u64 *val);
int xen_parse_uint(const char *s, unsigned int min, unsigned int max,
		   unsigned int *val);
int xen_parse_mac(const char *s, u8 mac[6]);
int xen_parse_vm_uuid(const char *s, u8 uuid[16]);

#endif /* _PV_XEN_XS_PROTO_H */
