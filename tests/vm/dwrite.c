/* dwrite PATH MIB: write MIB mebibytes to PATH (a block device or a file) with O_DIRECT,
 * 256 KiB at a time, so every byte goes to the device under io.max (buffered writes
 * would be charged at writeback, after we measured). Prints the elapsed time
 * ("dwrite: bytes N seconds S"). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long mib = argc == 3 ? strtoul(argv[2], NULL, 10) : 0;
	unsigned long long done = 0, total;
	double start;
	void *buf;
	int fd;

	if (mib == 0) {
		fprintf(stderr, "usage: dwrite PATH MIB\n");
		return 2;
	}
	total = (unsigned long long)mib * 1024 * 1024;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_DIRECT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "dwrite: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* O_DIRECT wants the buffer aligned to the logical block size; 4096 covers all. */
	if (posix_memalign(&buf, 4096, CHUNK) != 0)
		return 1;
	memset(buf, 0x5a, CHUNK);
	start = now();
	while (done < total) {
		ssize_t n = pwrite(fd, buf, CHUNK, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "dwrite: write %s at %llu: %s\n", argv[1], done,
				n < 0 ? strerror(errno) : "short write");
			return 1;
		}
		done += (unsigned long long)n;
	}
	if (fsync(fd) < 0 && errno != EINVAL) {
		fprintf(stderr, "dwrite: fsync %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("dwrite: bytes %llu seconds %.3f\n", done, now() - start);
	free(buf);
	close(fd);
	return 0;
}
