#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/testhook.h"

/* Read once at startup: the job's environment is replaced before its pause point. */
static const char *pause_at;

__attribute__((constructor)) static void test_pause_init(void)
{
	pause_at = getenv("JAIL_TEST_PAUSE_AT");
}

void test_pause(const char *step)
{
	const char *at = pause_at;
	char msg[128];
	int n;

	if (!at || strcmp(at, step) != 0)
		return;
	n = snprintf(msg, sizeof(msg), "jail: test: paused at %s\n", step);
	if (write(2, msg, (size_t)n) < 0) {
		/* nothing to do: the test times out instead */
	}
	for (;;)
		sleep(1000);
}
