// SPDX-License-Identifier: GPL-2.0
/*
 * clockcheck: guest-side checks of the current clocksource.
 *
 *   clockcheck mono N      N CLOCK_MONOTONIC reads never go backwards
 *   clockcheck rate SECS   CLOCK_MONOTONIC advances at the rate of the HPET
 *                          main counter (an independent, emulated reference;
 *                          needs /dev/hpet and hpet_mmap=1) within 0.5%
 *   clockcheck vdso N      N clock_gettime() calls make no system call: a
 *                          seccomp filter traps the clock_gettime syscall
 *
 * Prints one result line; exits 0 when the check holds, 1 when it does not,
 * 2 when it could not be made. Build: gcc -static -O2 -o clockcheck clockcheck.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int check_mono(long n)
{
	int64_t first, prev, t, worst = 0;
	long i, backwards = 0;

	first = prev = now_ns();
	for (i = 0; i < n; i++) {
		t = now_ns();
		if (t < prev) {
			backwards++;
			if (prev - t > worst)
				worst = prev - t;
		}
		prev = t;
	}
	printf("mono: %ld reads, %ld backwards (worst %lld ns), %.1f ns/read\n",
	       n, backwards, (long long)worst, (double)(prev - first) / n);
	return backwards ? 1 : 0;
}

/* HPET registers: capabilities (period in fs in the upper half), counter. */
#define HPET_CAP	0x000
#define HPET_COUNTER	0x0f0

static int check_rate(double secs)
{
	volatile uint64_t *hpet;
	uint64_t period_fs, c0, c1;
	int64_t t0, t1;
	double ref_ns, ratio;
	int fd;

	fd = open("/dev/hpet", O_RDONLY);
	if (fd < 0) {
		perror("rate: open /dev/hpet");
		return 2;
	}
	hpet = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (hpet == MAP_FAILED) {
		perror("rate: mmap /dev/hpet (boot with hpet_mmap=1)");
		return 2;
	}
	period_fs = hpet[HPET_CAP / 8] >> 32;
	if (!period_fs || period_fs > 100000000) {
		printf("rate: bad HPET period %llu fs\n", (unsigned long long)period_fs);
		return 2;
	}
	c0 = hpet[HPET_COUNTER / 8];
	t0 = now_ns();
	usleep((useconds_t)(secs * 1e6));
	c1 = hpet[HPET_COUNTER / 8];
	t1 = now_ns();
	ref_ns = (double)(c1 - c0) * period_fs / 1e6;
	ratio = (double)(t1 - t0) / ref_ns;
	printf("rate: CLOCK_MONOTONIC %.3f ms vs HPET %.3f ms: ratio %.5f\n",
	       (t1 - t0) / 1e6, ref_ns / 1e6, ratio);
	return (ratio > 0.995 && ratio < 1.005) ? 0 : 1;
}

static volatile sig_atomic_t trapped;

static void on_sigsys(int sig)
{
	(void)sig;
	trapped++;
}

static int check_vdso(long n)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clock_gettime, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = filter };
	struct timespec ts;
	long i;

	signal(SIGSYS, on_sigsys);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("vdso: seccomp");
		return 2;
	}
	/* Prove the trap works: a direct system call must be caught. */
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	if (trapped != 1) {
		printf("vdso: seccomp trap does not fire (%d)\n", (int)trapped);
		return 2;
	}
	trapped = 0;
	for (i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("vdso: %ld clock_gettime() calls, %d entered the kernel\n", n,
	       (int)trapped);
	return trapped ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "mono"))
		return check_mono(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "rate"))
		return check_rate(atof(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "vdso"))
		return check_vdso(atol(argv[2]));
	fprintf(stderr, "usage: clockcheck mono N | rate SECONDS | vdso N\n");
	return 2;
}
