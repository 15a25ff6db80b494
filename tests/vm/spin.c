/* spin SECONDS: burn CPU for SECONDS of wall-clock time, then print the CPU time this
 * process got, in microseconds ("spin: cpu_usec N wall_usec N"). Under cpu.max the
 * CPU time is a fraction of the wall time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t usec(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int main(int argc, char **argv)
{
	double seconds = argc == 2 ? strtod(argv[1], NULL) : 0;
	uint64_t start, end;
	volatile uint64_t sink = 0;

	if (seconds <= 0) {
		fprintf(stderr, "usage: spin SECONDS\n");
		return 2;
	}
	start = usec(CLOCK_MONOTONIC);
	end = start + (uint64_t)(seconds * 1e6);
	while (usec(CLOCK_MONOTONIC) < end)
		for (int i = 0; i < 10000; i++)
			sink += (uint64_t)i;
	/* Printed so that the loop cannot be optimized away. */
	printf("spin: cpu_usec %llu wall_usec %llu sum %llu\n",
	       (unsigned long long)usec(CLOCK_PROCESS_CPUTIME_ID),
	       (unsigned long long)(usec(CLOCK_MONOTONIC) - start), (unsigned long long)sink);
	return 0;
}
