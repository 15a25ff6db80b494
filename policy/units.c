#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "policy/units.h"

static int bad_value(struct jail_error *e, const char *s, const char *expected)
{
	return jail_error_set(e, 0, "invalid value '%s': expected %s", s, expected);
}

int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct jail_error *e)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)s[0]))
		return bad_value(e, s ? s : "", "a non-negative integer");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return bad_value(e, s, "a non-negative integer");
	if (v < min || v > max)
		return jail_error_set(e, 0, "value %s out of range: expected %llu..%llu", s,
				      (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int parse_digits(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Parses a non-negative decimal with an optional fraction, as a long double so that
 * "1.5G" is exact; returns the rest of the string in *rest. */
static int parse_decimal(const char *s, long double *out, const char **rest)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	*out = strtold(s, &end);
	if (errno || end == s || !isfinite(*out))
		return -1;
	*rest = end;
	return 0;
}

int parse_size(const char *s, uint64_t *out, int allow_max, struct jail_error *e)
{
	static const char expected[] = "a size like 512K, 64M, 2G (binary units) or bytes";
	const char *rest;
	long double v, mult = 1;

	if (!s || !*s)
		return bad_value(e, "", expected);
	if (allow_max && (strcasecmp(s, "max") == 0 || strcasecmp(s, "unlimited") == 0 ||
			  strcasecmp(s, "infinity") == 0)) {
		*out = UINT64_MAX;
		return 0;
	}
	if (parse_decimal(s, &v, &rest) < 0)
		return bad_value(e, s, expected);
	switch (toupper((unsigned char)*rest)) {
	case 'K': mult = 1024.0L; rest++; break;
	case 'M': mult = 1024.0L * 1024; rest++; break;
	case 'G': mult = 1024.0L * 1024 * 1024; rest++; break;
	case 'T': mult = 1024.0L * 1024 * 1024 * 1024; rest++; break;
	case 'P': mult = 1024.0L * 1024 * 1024 * 1024 * 1024; rest++; break;
	default: break;
	}
	if (mult > 1 && (strcasecmp(rest, "iB") == 0 || strcasecmp(rest, "B") == 0))
		rest += strlen(rest);
	else if (mult == 1 && strcasecmp(rest, "B") == 0)
		rest++;
	if (*rest)
		return bad_value(e, s, expected);
	v *= mult;
	if (v >= 18446744073709551615.0L)
		return jail_error_set(e, 0, "size '%s' is too large: expected less than 16E", s);
	if (mult == 1 && v != floorl(v))
		return bad_value(e, s, "a whole number of bytes");
	*out = (uint64_t)v;
	return 0;
}

int parse_duration_ms(const char *s, uint64_t *out, struct jail_error *e)
{
	static const char expected[] = "a duration like 30s, 1500ms, 5m, 2h, 1d or 1m30s";
	static const struct {
		const char *suffix;
		long double ms;
	} units[] = {
		{ "ms", 1 },	     { "s", 1000 },	  { "sec", 1000 },  { "m", 60000 },
		{ "min", 60000 },    { "h", 3600000 },	  { "d", 86400000 },
	};
	long double total = 0;
	const char *p = s;

	if (!s || !*s)
		return bad_value(e, "", expected);
	while (*p) {
		long double v, ms = -1;
		const char *rest;
		size_t len = 0;

		if (parse_decimal(p, &v, &rest) < 0)
			return bad_value(e, s, expected);
		while (isalpha((unsigned char)rest[len]))
			len++;
		if (len == 0) {
			/* A bare number is seconds, but only on its own. */
			if (p != s || *rest)
				return bad_value(e, s, expected);
			ms = 1000;
		}
		for (size_t i = 0; ms < 0 && i < ARRAY_SIZE(units); i++)
			if (strlen(units[i].suffix) == len && strncmp(rest, units[i].suffix, len) == 0)
				ms = units[i].ms;
		if (ms < 0)
			return bad_value(e, s, expected);
		total += v * ms;
		p = rest + len;
	}
	/* The bound applies to the value as rounded: 999999999999999.5ms would otherwise
	 * become 1e15 ms, which this function refuses when it reads it back (make fuzz). */
	if (total + 0.5L >= 1e15L)
		return jail_error_set(e, 0, "duration '%s' is too large", s);
	*out = (uint64_t)(total + 0.5L);
	return 0;
}

int parse_cpus(const char *s, uint64_t *out, struct jail_error *e)
{
	static const char expected[] = "a number of CPUs like 2, 0.5 or 1.25 (at least 0.01)";
	const char *rest;
	long double v;

	if (!s || parse_decimal(s, &v, &rest) < 0 || *rest)
		return bad_value(e, s ? s : "", expected);
	if (v < 0.01L || v > 100000)
		return bad_value(e, s, expected);
	*out = (uint64_t)(v * 1000 + 0.5L);
	return 0;
}

static const struct {
	const char *name;
	int resource;
	int is_bytes;
} rlimits[] = {
	{ "as", RLIMIT_AS, 1 },		  { "core", RLIMIT_CORE, 1 },
	{ "cpu", RLIMIT_CPU, 0 },	  { "data", RLIMIT_DATA, 1 },
	{ "fsize", RLIMIT_FSIZE, 1 },	  { "locks", RLIMIT_LOCKS, 0 },
	{ "memlock", RLIMIT_MEMLOCK, 1 }, { "msgqueue", RLIMIT_MSGQUEUE, 1 },
	{ "nice", RLIMIT_NICE, 0 },	  { "nofile", RLIMIT_NOFILE, 0 },
	{ "nproc", RLIMIT_NPROC, 0 },	  { "rss", RLIMIT_RSS, 1 },
	{ "rtprio", RLIMIT_RTPRIO, 0 },	  { "rttime", RLIMIT_RTTIME, 0 },
	{ "sigpending", RLIMIT_SIGPENDING, 0 }, { "stack", RLIMIT_STACK, 1 },
};

int rlimit_from_name(const char *name, int *resource, struct jail_error *e)
{
	const char *n = name;

	if (strncasecmp(n, "RLIMIT_", 7) == 0)
		n += 7;
	for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++) {
		if (strcasecmp(n, rlimits[i].name) == 0) {
			*resource = rlimits[i].resource;
			return 0;
		}
	}
	return jail_error_set(e, 0,
			      "unknown rlimit '%s': expected one of as, core, cpu, data, fsize, "
			      "locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, "
			      "sigpending, stack",
			      name);
}

const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].name;
	return "?";
}

static int rlimit_is_bytes(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].is_bytes;
	return 0;
}

static int parse_one_rlim(int resource, const char *s, rlim_t *out, struct jail_error *e)
{
	uint64_t v;

	if (strcasecmp(s, "unlimited") == 0 || strcasecmp(s, "infinity") == 0 ||
	    strcasecmp(s, "max") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (rlimit_is_bytes(resource)) {
		if (parse_size(s, &v, 0, e) < 0)
			return -1;
	} else if (parse_uint(s, 0, UINT64_MAX - 1, &v, e) < 0) {
		return -1;
	}
	*out = (rlim_t)v;
	return 0;
}

int parse_rlimit_value(int resource, const char *s, struct rlimit *out, struct jail_error *e)
{
	_cleanup_free_ char *copy = xstrdup(s);
	char *colon;

	if (!*copy)
		return jail_error_set(e, 0, "empty rlimit value: expected N, SOFT:HARD or unlimited");
	colon = strchr(copy, ':');
	if (colon)
		*colon = '\0';
	if (parse_one_rlim(resource, copy, &out->rlim_cur, e) < 0)
		return -1;
	if (!colon) {
		out->rlim_max = out->rlim_cur;
		return 0;
	}
	if (parse_one_rlim(resource, colon + 1, &out->rlim_max, e) < 0)
		return -1;
	if (out->rlim_cur > out->rlim_max)
		return jail_error_set(e, 0, "rlimit '%s': the soft limit is above the hard limit", s);
	return 0;
}

int parse_rlimit_option(const char *s, int *resource, struct rlimit *out, struct jail_error *e)
{
	_cleanup_free_ char *copy = xstrdup(s);
	char *eq = strchr(copy, '=');

	if (!eq || eq == copy)
		return jail_error_set(e, 0, "invalid rlimit '%s': expected NAME=VALUE, e.g. nofile=1024",
				      s);
	*eq = '\0';
	if (rlimit_from_name(copy, resource, e) < 0)
		return -1;
	if (parse_rlimit_value(*resource, eq + 1, out, e) < 0)
		return jail_error_prefix(e, "rlimit %s", copy);
	return 0;
}
