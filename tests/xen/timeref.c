// SPDX-License-Identifier: GPL-2.0
/*
 * timeref: does our CLOCK_MONOTONIC run at the rate of another machine's?
 *
 *   timeref HOST PORT SECS [MAX_PPM]
 *
 * HOST:PORT answers "TIME\n" with "TIME <its CLOCK_MONOTONIC in ns>\n"
 * (tests/xen/dom0-serve.py in dom0). Two samples SECS apart; each takes our
 * clock just before and after the query and uses the midpoint, so its error
 * is at most half the round trip (the best of 5 queries is kept). Prints one
 * line; exits 0 when our elapsed time is within MAX_PPM (default 5000, i.e.
 * 0.5%) of the reference's plus the sampling error, 1 when not, 2 when the
 * reference could not be read. Build: gcc -static -O2.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One query: remote time, our midpoint, half the round trip. */
static int query(struct sockaddr_in *sa, int64_t *remote, int64_t *local, int64_t *err)
{
	char buf[64];
	int64_t a, b;
	ssize_t n, got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)sa, sizeof(*sa)) < 0)
		goto fail;
	a = now_ns();
	if (write(fd, "TIME\n", 5) != 5)
		goto fail;
	while (got < (ssize_t)sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += n;
		if (memchr(buf, '\n', got))
			break;
	}
	b = now_ns();
	buf[got] = '\0';
	if (sscanf(buf, "TIME %lld", (long long *)remote) != 1)
		goto fail;
	close(fd);
	*local = a + (b - a) / 2;
	*err = (b - a) / 2 + 1;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

static int sample(struct sockaddr_in *sa, int64_t *remote, int64_t *local, int64_t *err)
{
	int64_t r, l, e;
	int i, ok = 0;

	for (i = 0; i < 5; i++) {
		if (query(sa, &r, &l, &e))
			continue;
		if (!ok || e < *err) {
			*remote = r;
			*local = l;
			*err = e;
		}
		ok = 1;
	}
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int64_t r0, l0, e0, r1, l1, e1, dr, dl;
	double ppm, tol_ppm, max_ppm;

	if (argc < 4) {
		fprintf(stderr, "usage: timeref HOST PORT SECS [MAX_PPM]\n");
		return 2;
	}
	max_ppm = argc > 4 ? atof(argv[4]) : 5000;
	sa.sin_port = htons(atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "timeref: bad address %s\n", argv[1]);
		return 2;
	}
	if (sample(&sa, &r0, &l0, &e0)) {
		printf("timeref: no time from %s:%s\n", argv[1], argv[2]);
		return 2;
	}
	sleep(atoi(argv[3]));
	if (sample(&sa, &r1, &l1, &e1)) {
		printf("timeref: no time from %s:%s\n", argv[1], argv[2]);
		return 2;
	}
	dr = r1 - r0;
	dl = l1 - l0;
	if (dr <= 0) {
		printf("timeref: the reference went backwards (%lld ns)\n", (long long)dr);
		return 1;
	}
	ppm = ((double)dl / dr - 1) * 1e6;
	tol_ppm = (double)(e0 + e1) / dr * 1e6;
	printf("rate: reference %.3f ms, ours %.3f ms (sampling error +-%.3f ms): %+.0f ppm, limit %.0f ppm\n",
	       dr / 1e6, dl / 1e6, (e0 + e1) / 1e6, ppm, max_ppm + tol_ppm);
	return (ppm < 0 ? -ppm : ppm) <= max_ppm + tol_ppm ? 0 : 1;
}
