// SPDX-License-Identifier: GPL-2.0
/*
 * tcpxfer: guest side of a checked TCP transfer against tests/vm/host/tcp-echo.py.
 *
 *   tcpxfer get HOST PORT BYTES [SEED]   the server sends BYTES of the pattern
 *   tcpxfer put HOST PORT BYTES [SEED]   we send BYTES of the pattern
 *
 * The pattern: a 65521-byte block (a prime, so no packet or page size
 * divides it) of an LCG seeded with SEED, repeated. Both ends compute the
 * CRC-32 (zlib's) of what went over the wire and compare it with each
 * other's; the receiver also checks every byte against the pattern.
 *
 * Protocol, one connection per transfer:
 *   "GET BYTES SEED\n"  ->  BYTES of data, then "CRC xxxxxxxx\n"
 *   "PUT BYTES SEED\n" + BYTES of data  ->  "CRC xxxxxxxx OK|BAD\n"
 *
 * Prints one result line; exits 0 when both CRCs and the data match, 1 when
 * they do not, 2 when the transfer failed. Build: gcc -static -O2.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PERIOD	65521u

static uint8_t pattern[PERIOD];
static uint32_t crc_table[256];

static void make_pattern(uint32_t seed)
{
	uint32_t x = seed;
	unsigned int i;

	for (i = 0; i < PERIOD; i++) {
		x = x * 1664525u + 1013904223u;
		pattern[i] = x >> 24;
	}
}

static void crc_init(void)
{
	uint32_t c, n, k;

	for (n = 0; n < 256; n++) {
		c = n;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dial(const char *host, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "tcpxfer: bad address %s\n", host);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "tcpxfer: connect %s:%d: %s\n", host, port,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* One line from @fd, without buffering past it. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t i = 0;

	while (i + 1 < size) {
		ssize_t n = read(fd, buf + i, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (buf[i] == '\n')
			break;
		i++;
	}
	buf[i] = 0;
	return 0;
}

static int do_get(int fd, unsigned long long bytes, uint32_t seed)
{
	static uint8_t buf[65536];
	unsigned long long got = 0, bad_at = ~0ull;
	uint32_t crc = 0, peer;
	char line[128];
	double t0 = now(), dt;

	snprintf(line, sizeof(line), "GET %llu %u\n", bytes, seed);
	if (write_all(fd, line, strlen(line)))
		return 2;
	while (got < bytes) {
		size_t want = bytes - got < sizeof(buf) ? bytes - got : sizeof(buf);
		ssize_t n = read(fd, buf, want);
		ssize_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			printf("get: connection ended after %llu of %llu bytes\n",
			       got, bytes);
			return 2;
		}
		for (i = 0; i < n && bad_at == ~0ull; i++)
			if (buf[i] != pattern[(got + i) % PERIOD])
				bad_at = got + i;
		crc = crc_update(crc, buf, n);
		got += n;
	}
	dt = now() - t0;
	if (read_line(fd, line, sizeof(line)) || sscanf(line, "CRC %x", &peer) != 1) {
		printf("get: no CRC from the server\n");
		return 2;
	}
	printf("get %llu bytes in %.2fs (%.1f Mbit/s): crc %08x, server %08x, data %s\n",
	       bytes, dt, bytes * 8 / dt / 1e6, crc, peer,
	       bad_at == ~0ull ? "matches the pattern" : "differs");
	if (bad_at != ~0ull)
		printf("get: first bad byte at %llu\n", bad_at);
	return crc == peer && bad_at == ~0ull ? 0 : 1;
}

static int do_put(int fd, unsigned long long bytes, uint32_t seed)
{
	unsigned long long sent = 0;
	uint32_t crc = 0, peer;
	char line[128], verdict[8] = "";
	double t0 = now(), dt;

	snprintf(line, sizeof(line), "PUT %llu %u\n", bytes, seed);
	if (write_all(fd, line, strlen(line)))
		return 2;
	while (sent < bytes) {
		size_t off = sent % PERIOD;
		size_t n = PERIOD - off;

		if (n > bytes - sent)
			n = bytes - sent;
		if (write_all(fd, pattern + off, n)) {
			printf("put: write failed after %llu bytes: %s\n", sent,
			       strerror(errno));
			return 2;
		}
		crc = crc_update(crc, pattern + off, n);
		sent += n;
	}
	if (read_line(fd, line, sizeof(line)) ||
	    sscanf(line, "CRC %x %7s", &peer, verdict) != 2) {
		printf("put: no CRC from the server\n");
		return 2;
	}
	dt = now() - t0;
	printf("put %llu bytes in %.2fs (%.1f Mbit/s): crc %08x, server %08x, server says %s\n",
	       bytes, dt, bytes * 8 / dt / 1e6, crc, peer, verdict);
	return crc == peer && !strcmp(verdict, "OK") ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned long long bytes;
	uint32_t seed;
	int fd, ret;

	if (argc < 5 || (strcmp(argv[1], "get") && strcmp(argv[1], "put"))) {
		fprintf(stderr, "usage: tcpxfer get|put HOST PORT BYTES [SEED]\n");
		return 2;
	}
	bytes = strtoull(argv[4], NULL, 0);
	seed = argc > 5 ? strtoul(argv[5], NULL, 0) : 1;
	make_pattern(seed);
	crc_init();
	fd = dial(argv[2], atoi(argv[3]));
	if (fd < 0)
		return 2;
	ret = !strcmp(argv[1], "get") ? do_get(fd, bytes, seed) :
					do_put(fd, bytes, seed);
	close(fd);
	return ret;
}
