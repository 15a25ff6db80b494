/* alloc MIB: allocate MIB mebibytes and touch every page, so the memory is really
 * charged to the cgroup (an untouched malloc costs nothing). Prints how far it got
 * every 16 MiB, so an OOM kill shows where it happened. Exit 0 when all of it fit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MIB (1024UL * 1024UL)

int main(int argc, char **argv)
{
	unsigned long want = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
	char *mem;

	if (argc != 2 || want == 0) {
		fprintf(stderr, "usage: alloc MIB\n");
		return 2;
	}
	/* mmap rather than malloc: no allocator arena games, one mapping to touch. */
	mem = mmap(NULL, want * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("alloc: mmap");
		return 1;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	for (unsigned long i = 0; i < want; i++) {
		/* Non-zero bytes: a page of zeros could be deduplicated or left unbacked. */
		memset(mem + i * MIB, (int)(i & 0x7f) | 1, MIB);
		if ((i + 1) % 16 == 0)
			printf("alloc: %lu MiB\n", i + 1);
	}
	printf("alloc: all %lu MiB touched\n", want);
	return 0;
}
