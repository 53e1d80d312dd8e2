// SPDX-License-Identifier: GPL-2.0
/*
 * odirect: one O_DIRECT write from a buffer at a chosen offset in its page,
 * read back (O_DIRECT, page-aligned) and compared.
 *
 *   odirect DEV BUF_OFFSET LEN AT
 *
 * The buffer starts BUF_OFFSET bytes into a page, so LEN bytes from it cross
 * a page boundary whenever BUF_OFFSET + LEN > 4096: the block layer then
 * hands the driver two segments of unequal length. Prints one line:
 *   ok                 written and read back the same
 *   write: ENAME       the write failed with that errno (EINVAL: the kernel
 *                      refused the buffer's alignment; EIO: the device did)
 *   mismatch           written, but read back different
 * Exit status 0, 1 (write failed), 2 (mismatch or setup error).
 * Build: gcc -static -O2 -o odirect odirect.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EIO: return "EIO";
	case ENOSPC: return "ENOSPC";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return strerror(e);
	}
}

int main(int argc, char **argv)
{
	size_t off, len, i;
	char *wbuf, *rbuf;
	off_t at;
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: odirect DEV BUF_OFFSET LEN AT\n");
		return 2;
	}
	off = strtoul(argv[2], NULL, 0);
	len = strtoul(argv[3], NULL, 0);
	at = strtoll(argv[4], NULL, 0);
	if (posix_memalign((void **)&wbuf, 4096, off + len + 4096) ||
	    posix_memalign((void **)&rbuf, 4096, len + 4096)) {
		printf("setup: no memory\n");
		return 2;
	}
	for (i = 0; i < len; i++)
		wbuf[off + i] = (char)(i * 7 + (i >> 9) + 1);
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0) {
		printf("open: %s\n", errno_name(errno));
		return 2;
	}
	if (pwrite(fd, wbuf + off, len, at) != (ssize_t)len) {
		printf("write: %s\n", errno_name(errno));
		return 1;
	}
	if (pread(fd, rbuf, len, at) != (ssize_t)len) {
		printf("read: %s\n", errno_name(errno));
		return 2;
	}
	if (memcmp(rbuf, wbuf + off, len)) {
		printf("mismatch\n");
		return 2;
	}
	printf("ok\n");
	return 0;
}
