// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of xenstore values written by the backend domain. See xs_proto.h.
 */
#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uuid.h>
#include "xs_proto.h"

/**
 * xen_parse_u64() - a decimal xenstore number within bounds
 * @s: the value as read; NUL-terminated
 * @min: smallest acceptable value
 * @max: largest acceptable value
 * @val: the result, written only on success
 *
 * Return: 0, -EINVAL when @s is not a decimal number (empty, signs other
 * than a leading '+', junk), or -ERANGE when it overflows or lies outside
 * [@min, @max].
 */
int xen_parse_u64(const char *s, u64 min, u64 max, u64 *val)
{
	unsigned long long v;
	int err;

	if (!s || !*s)
		return -EINVAL;
	err = kstrtoull(s, 10, &v);
	if (err)
		return err;
	if (v < min || v > max)
		return -ERANGE;
	*val = v;
	return 0;
}

/**
 * xen_parse_uint() - xen_parse_u64() for an unsigned int
 * @s: the value as read
 * @min: smallest acceptable value
 * @max: largest acceptable value
 * @val: the result, written only on success
 *
 * Return: as xen_parse_u64().
 */
int xen_parse_uint(const char *s, unsigned int min, unsigned int max,
		   unsigned int *val)
{
	u64 v;
	int err;

	err = xen_parse_u64(s, min, max, &v);
	if (!err)
		*val = v;
	return err;
}

/* One hex digit, or -1. (hex_to_bin() moved header in 7.x; this is all.) */
static int xen_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;	/* lower case */
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/**
 * xen_parse_mac() - a vif's "mac" node: six hex pairs separated by ':'
 * @s: the value as read
 * @mac: the address, written only on success
 *
 * Return: 0, or -EINVAL when @s is malformed or names a multicast or all-zero
 * address (which no interface may use as its own).
 */
int xen_parse_mac(const char *s, u8 mac[6])
{
	u8 out[ETH_ALEN];
	int i;

	if (!s || strlen(s) != 3 * ETH_ALEN - 1)
		return -EINVAL;
	for (i = 0; i < ETH_ALEN; i++) {
		const char *p = s + 3 * i;
		int hi = xen_hex_digit(p[0]), lo = xen_hex_digit(p[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < ETH_ALEN - 1 && p[2] != ':')
			return -EINVAL;
		out[i] = hi << 4 | lo;
	}
	if (!is_valid_ether_addr(out))
		return -EINVAL;
	memcpy(mac, out, ETH_ALEN);
	return 0;
}

/**
 * xen_parse_vm_uuid() - the UUID in a domain's "vm" node ("/vm/<uuid>")
 * @s: the value as read
 * @uuid: the 16 bytes, written only on success
 *
 * Return: 0 or -EINVAL.
 */
int xen_parse_vm_uuid(const char *s, u8 uuid[16])
{
	static const char prefix[] = "/vm/";
	uuid_t u;

	if (!s || strncmp(s, prefix, sizeof(prefix) - 1))
		return -EINVAL;
	s += sizeof(prefix) - 1;
	if (strlen(s) != UUID_STRING_LEN || uuid_parse(s, &u))
		return -EINVAL;
	memcpy(uuid, u.b, 16);
	return 0;
}
