/* forkbomb SECONDS: every process forks as fast as it can, children included. The first
 * process stops after SECONDS, prints how many forks it saw succeed and fail and with
 * which errno ("forkbomb: forks N failed M errno EAGAIN"), and exits 0; the children
 * are left for jail's teardown to kill. Without pids.max this takes the machine. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc == 2 ? strtod(argv[1], NULL) : 0, end;
	unsigned long forks = 0, failed = 0;
	int first_errno = 0;

	if (seconds <= 0) {
		fprintf(stderr, "usage: forkbomb SECONDS\n");
		return 2;
	}
	end = now() + seconds;
	while (now() < end) {
		pid_t pid = fork();

		if (pid == 0) {
			/* A child: bomb on, forever; a failed fork just tries again. */
			for (;;)
				if (fork() < 0)
					usleep(1000);
		}
		if (pid < 0) {
			if (!first_errno)
				first_errno = errno;
			failed++;
			usleep(1000);
			continue;
		}
		forks++;
	}
	printf("forkbomb: forks %lu failed %lu errno %s\n", forks, failed,
	       first_errno == EAGAIN ? "EAGAIN" : first_errno ? strerror(first_errno) : "none");
	fflush(stdout);
	return 0;
}
