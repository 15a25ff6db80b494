/* libFuzzer target: the value parsers of policy/units.h and the seccomp value and
 * action parsers. Besides not crashing, a value that parses must print back to
 * something that parses to the same value (sizes in bytes, durations in ms, CPUs). */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/profile_model.h"
#include "policy/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* TEXT must parse, and to WANT. */
static void round_trip(int (*parse)(const char *, uint64_t *, struct jail_error *),
		       const char *text, uint64_t want)
{
	struct jail_error e = {0};
	uint64_t again = 0;

	if (parse(text, &again, &e) < 0 || again != want)
		abort();
}

static int size_no_max(const char *s, uint64_t *v, struct jail_error *e)
{
	return parse_size(s, v, 0, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct jail_error e = {0};
	struct rlimit rl;
	char text[64];
	uint64_t v;
	uint32_t action;
	int res;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (parse_size(s, &v, 0, &e) == 0) {
		snprintf(text, sizeof(text), "%" PRIu64, v);
		round_trip(size_no_max, text, v);
	}
	(void)parse_size(s, &v, 1, &e);
	if (parse_duration_ms(s, &v, &e) == 0) {
		snprintf(text, sizeof(text), "%" PRIu64 "ms", v);
		round_trip(parse_duration_ms, text, v);
	}
	if (parse_cpus(s, &v, &e) == 0) {
		snprintf(text, sizeof(text), "%" PRIu64 ".%03" PRIu64, v / 1000, v % 1000);
		round_trip(parse_cpus, text, v);
	}
	(void)parse_uint(s, 1, 10000, &v, &e);
	(void)parse_rlimit_option(s, &res, &rl, &e);
	if (rlimit_from_name(s, &res, &e) == 0)
		(void)parse_rlimit_value(res, "1024:4096", &rl, &e);
	(void)sc_value_parse(s, &v, &e);
	if (sc_action_parse(s, &action, &e) == 0) {
		uint32_t again;
		sc_action_format(action, text, sizeof(text));
		if (sc_action_parse(text, &again, &e) < 0 || again != action)
			abort();
	}
	free(s);
	return 0;
}
