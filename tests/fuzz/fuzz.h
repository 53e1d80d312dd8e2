/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the harnesses: a reader that turns the fuzz input into
 * typed arguments (little-endian; missing bytes read as zero, so every
 * input decodes), exact-size heap copies (so ASan sees a parser that reads
 * one byte beyond what the host supplied), and CHECK(), which reports a
 * broken invariant on one line ("INVARIANT ...", parsed by run.sh) and
 * aborts.
 */
#ifndef _PV_FUZZ_H
#define _PV_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline void fz_bytes(struct fz *f, void *dst, size_t len)
{
	size_t k = len < f->n ? len : f->n;

	memcpy(dst, f->p, k);
	memset((uint8_t *)dst + k, 0, len - k);
	f->p += k;
	f->n -= k;
}

#define FZ_INT(bits)							\
static inline uint##bits##_t fz_u##bits(struct fz *f)			\
{									\
	uint##bits##_t v;						\
	fz_bytes(f, &v, sizeof(v));					\
	return v;							\
}
FZ_INT(8)
FZ_INT(16)
FZ_INT(32)
FZ_INT(64)
#undef FZ_INT

static inline int fz_bool(struct fz *f)
{
	return fz_u8(f) & 1;
}

/* A heap copy of the next @len bytes (fewer if the input ends: *len is set). */
static inline uint8_t *fz_buf(struct fz *f, size_t *len)
{
	uint8_t *b;

	if (*len > f->n)
		*len = f->n;
	b = malloc(*len ? *len : 1);
	fz_bytes(f, b, *len);
	return b;
}

/*
 * A NUL-terminated heap string of the next bytes up to a NUL (or the end of
 * the input), in an allocation of exactly strlen + 1 bytes.
 */
static inline char *fz_str(struct fz *f)
{
	const uint8_t *nul = memchr(f->p, 0, f->n);
	size_t len = nul ? (size_t)(nul - f->p) : f->n;
	char *s = malloc(len + 1);

	memcpy(s, f->p, len);
	s[len] = 0;
	f->p += len + (nul ? 1 : 0);
	f->n -= len + (nul ? 1 : 0);
	return s;
}

#define CHECK(cond, fmt, ...) do {						\
		if (!(cond)) {							\
			fprintf(stderr, "INVARIANT %s:%d: %s: " fmt "\n",	\
				__FILE__, __LINE__, #cond, ##__VA_ARGS__);	\
			abort();						\
		}								\
	} while (0)

/*
 * CHECK_KNOWN(): a CHECK() of an invariant the parser is known to break,
 * with a committed reproducer tests/fuzz/crashes/<parser>-<id>. It aborts
 * like CHECK() unless PV_FUZZ_KNOWN (space-separated ids) names it: only
 * scripts/fuzz sets that, so that the long run explores the rest of the
 * parser instead of rediscovering the same bug; tests/fuzz/run.sh never
 * does, so the short run fails until the module is fixed.
 */
static inline int fz_known(const char *id)
{
	const char *k = getenv("PV_FUZZ_KNOWN"), *p;
	size_t n = strlen(id);

	for (p = k; p && (p = strstr(p, id)); p += n)
		if ((p == k || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
			return 1;
	return 0;
}
#define CHECK_KNOWN(id, cond, fmt, ...) do {					\
		if (!(cond) && !fz_known(id)) {					\
			fprintf(stderr, "INVARIANT %s:%d: %s: [" id "] " fmt "\n",	\
				__FILE__, __LINE__, #cond, ##__VA_ARGS__);	\
			abort();						\
		}								\
	} while (0)

/* Output sentinels: a parser that promises "written only on success". */
#define POISON		0xa5
#define POISONED(p)	fz_poisoned(p, sizeof(*(p)))
static inline int fz_poisoned(const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != POISON)
			return 0;
	return 1;
}
#define POISON_OUT(p)	memset(p, POISON, sizeof(*(p)))

/*
 * The decimal language of kstrtoull(s, 10) as the parsers use it:
 * [+]digits[\n]. 1: a decimal number (*v set); 0: not one. *ovf: its
 * digits (the leading run of them, if junk follows) overflow 64 bits.
 * Written apart from shim/lib.c on purpose: the model checks it.
 */
static inline int model_dec(const char *s, unsigned long long *v, int *ovf)
{
	unsigned long long x = 0;
	const char *p = s;

	*ovf = 0;
	if (*p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (~0ULL - (*p - '0')) / 10)
			*ovf = 1;
		x = x * 10 + (*p - '0');
	}
	if (*p == '\n')
		p++;
	if (*p)
		return 0;
	*v = x;
	return 1;
}

#endif
