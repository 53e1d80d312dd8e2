// SPDX-License-Identifier: GPL-2.0
/*
 * modules/pv_xen/xs_proto.c: xenstore values written by the backend.
 *
 * Input: byte 0 picks the function; for the numbers, the bounds (u64 or
 * u32, min and max), then the value: the rest of the input up to a NUL,
 * as a heap string of exactly its length + 1 (a 0xff selector byte passes
 * NULL instead). Each result is compared with an independent model of
 * the documented language: [+]decimal (and the one trailing newline that
 * kstrtoull() allows), "hh:hh:hh:hh:hh:hh" naming a unicast non-zero
 * address, "/vm/" + a 36-character UUID. Outputs are written only on
 * success.
 */
#include "fuzz.h"
#include <linux/errno.h>
#include <linux/kernel.h>
#include "xs_proto.h"

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n hex pairs at s, into out; the separators are checked by the caller */
static int pairs(const char *s, u8 *out)
{
	int hi = hex(s[0]), lo = hi < 0 ? -1 : hex(s[1]);

	if (hi < 0 || lo < 0)
		return 0;
	*out = hi << 4 | lo;
	return 1;
}

static void numbers(struct fz *f, int is64)
{
	unsigned long long lo, hi, v, m;
	u64 out64;
	unsigned int out32;
	char *s;
	int rc, ok, ovf = 0;

	if (is64) {
		lo = fz_u64(f), hi = fz_u64(f);
	} else {
		lo = fz_u32(f), hi = fz_u32(f);
	}
	if (fz_bool(f))
		lo %= 100, hi %= 100000;
	s = fz_u8(f) == 0xff ? NULL : fz_str(f);
	POISON_OUT(&out64);
	POISON_OUT(&out32);
	rc = is64 ? xen_parse_u64(s, lo, hi, &out64) : xen_parse_uint(s, lo, hi, &out32);
	CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE, "rc %d", rc);
	ok = s && model_dec(s, &m, &ovf);
	if (!ok) {
		/* junk after digits that overflow is both: either error will do */
		CHECK(rc == -EINVAL || (ovf && rc == -ERANGE), "\"%s\" is not a number: rc %d", s ? s : "(null)",
		      rc);
	} else if (ovf || m < lo || m > hi) {
		CHECK(rc == -ERANGE, "\"%s\" in [%llu, %llu]: rc %d", s, lo, hi, rc);
	} else {
		CHECK(rc == 0, "\"%s\" in [%llu, %llu]: rc %d", s, lo, hi, rc);
	}
	if (rc == 0) {
		v = is64 ? out64 : out32;
		CHECK(v == m && v >= lo && v <= hi, "\"%s\": %llu", s, v);
	} else {
		CHECK(POISONED(&out64) && POISONED(&out32), "\"%s\": output written on error %d", s ? s : "", rc);
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	int rc, i, ok;
	char *s;

	switch (fz_u8(&f) % 4) {
	case 0:
		numbers(&f, 1);
		break;
	case 1:
		numbers(&f, 0);
		break;
	case 2: {
		u8 mac[6], want[6];

		s = fz_u8(&f) == 0xff ? NULL : fz_str(&f);
		POISON_OUT(&mac);
		rc = xen_parse_mac(s, mac);
		ok = s && strlen(s) == 17;
		for (i = 0; ok && i < 6; i++)
			ok = pairs(s + 3 * i, &want[i]) && (i == 5 || s[3 * i + 2] == ':');
		ok = ok && !(want[0] & 1) && (want[0] | want[1] | want[2] | want[3] | want[4] | want[5]);
		CHECK(rc == (ok ? 0 : -EINVAL), "\"%s\": rc %d", s ? s : "(null)", rc);
		if (rc == 0)
			CHECK(!memcmp(mac, want, 6), "\"%s\": wrong address", s);
		else
			CHECK(POISONED(&mac), "output written on error");
		free(s);
		break;
	}
	case 3: {
		u8 uuid[16], want[16];
		static const int at[16] = { 0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34 };

		s = fz_u8(&f) == 0xff ? NULL : fz_str(&f);
		POISON_OUT(&uuid);
		rc = xen_parse_vm_uuid(s, uuid);
		ok = s && strlen(s) == 40 && !strncmp(s, "/vm/", 4);
		for (i = 0; ok && i < 16; i++)
			ok = pairs(s + 4 + at[i], &want[i]);
		ok = ok && s[4 + 8] == '-' && s[4 + 13] == '-' && s[4 + 18] == '-' && s[4 + 23] == '-';
		CHECK(rc == (ok ? 0 : -EINVAL), "\"%s\": rc %d", s ? s : "(null)", rc);
		if (rc == 0)
			CHECK(!memcmp(uuid, want, 16), "\"%s\": wrong UUID", s);
		else
			CHECK(POISONED(&uuid), "output written on error");
		free(s);
		break;
	}
	}
	return 0;
}
