/* libFuzzer target: the `jail run` option parser (sandbox/cli.c). The input is split at
 * NUL bytes into arguments after "run"; both passes run, as main does: cli_scan, then
 * cli_apply onto a default config. Seeds: tests/fuzz/seeds/cli. */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config.h"
#include "sandbox/cli.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 2];
	struct jail_error e = {0};
	struct jail_config c;
	enum cli_action action;
	char *profile = NULL;
	int argc = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "run";
	for (char *p = buf; p <= buf + size && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	if (cli_scan(argc, argv, &profile, &action, &e) == 0) {
		config_init_defaults(&c);
		memset(&e, 0, sizeof(e));
		(void)cli_apply(argc, argv, &c, &e);
		config_free(&c);
	}
	free(profile);
	free(buf);
	return 0;
}
