// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel library functions the parsers call, for the user-space fuzz
 * build. Written here to the kernel's documented behaviour (include/linux/
 * kstrtox.h, lib/uuid.c's kernel-doc), which is what the parsers rely on:
 *
 * kstrtoull(): an optional '+', then digits of @base (10 is all the
 *	parsers use; 0, 8 and 16 with their prefixes are accepted too), then
 *	at most one '\n', then the end. No digits or anything else: -EINVAL;
 *	a value above ULLONG_MAX: -ERANGE, also when junk follows the digits.
 * uuid_parse(): exactly 8-4-4-4-12 hex digits (any case) joined by '-'
 *	at the start of the string, bytes in the order written; else
 *	-EINVAL.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/uuid.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v = 0;
	bool overflow = false;
	const char *start;
	int d;

	if (*s == '+')
		s++;
	if (base == 0)
		base = s[0] != '0' ? 10 :
		       ((s[1] | 0x20) == 'x' && digit_value(s[2]) >= 0) ? 16 : 8;
	if (base == 16 && s[0] == '0' && (s[1] | 0x20) == 'x')
		s += 2;
	for (start = s; (d = digit_value(*s)) >= 0 && (unsigned int)d < base; s++) {
		if (v > (ULLONG_MAX - d) / base)
			overflow = true;
		v = v * base + d;
	}
	if (s == start)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (err)
		return err;
	if (v > UINT_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

bool uuid_is_valid(const char *uuid)
{
	unsigned int i;

	for (i = 0; i < UUID_STRING_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? uuid[i] != '-' : digit_value(uuid[i]) < 0)
			return false;
	}
	return true;
}

int uuid_parse(const char *uuid, uuid_t *u)
{
	unsigned int i, n = 0;

	if (!uuid_is_valid(uuid))
		return -EINVAL;
	for (i = 0; i < UUID_STRING_LEN; i += 2) {
		if (uuid[i] == '-')
			i++;
		u->b[n++] = digit_value(uuid[i]) << 4 | digit_value(uuid[i + 1]);
	}
	return 0;
}
