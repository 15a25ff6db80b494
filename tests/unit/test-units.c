/* policy/units.c: sizes, durations, cpus, rlimits. */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>

#include "policy/units.h"
#include "tests/unit/tap.h"

static void size_case(const char *s, int allow_max, int want_ok, uint64_t want)
{
	struct jail_error e = { 0 };
	uint64_t v = 0;
	int r = parse_size(s, &v, allow_max, &e);

	if (want_ok)
		ok(r == 0 && v == want, "size '%s' = %llu (got %llu, %s)", s,
		   (unsigned long long)want, (unsigned long long)v, r ? e.msg : "ok");
	else
		ok(r < 0 && strstr(e.msg, "expected") != NULL, "size '%s' rejected: %s", s, e.msg);
}

static void duration_case(const char *s, int want_ok, uint64_t want_ms)
{
	struct jail_error e = { 0 };
	uint64_t v = 0;
	int r = parse_duration_ms(s, &v, &e);

	if (want_ok)
		ok(r == 0 && v == want_ms, "duration '%s' = %llu ms (got %llu)", s,
		   (unsigned long long)want_ms, (unsigned long long)v);
	else
		ok(r < 0, "duration '%s' rejected: %s", s, e.msg);
}

static void digits_case(const char *s, size_t len, uint32_t max, int want_ok, uint32_t want)
{
	uint32_t v = 0;
	int r = parse_digits(s, len, max, &v);

	if (want_ok)
		ok(r == 0 && v == want, "digits '%.*s' (max %u) = %u", (int)len, s, max, want);
	else
		ok(r < 0, "digits '%.*s' (max %u) rejected", (int)len, s, max);
}

int main(void)
{
	struct jail_error e = { 0 };
	struct rlimit rl;
	uint64_t v;
	int res;

	/* parse_digits: the one decimal reader of id ranges, prefixes, ports, devices. */
	digits_case("65535", 5, 65535, 1, 65535);
	digits_case("65536", 5, 65535, 0, 0);
	digits_case("4294967295", 10, UINT32_MAX, 1, UINT32_MAX);
	digits_case("4294967296", 10, UINT32_MAX, 0, 0);
	digits_case("99999999999", 11, UINT32_MAX, 0, 0);
	digits_case("12:34", 2, 100, 1, 12); /* only len bytes are read */
	digits_case("", 0, 100, 0, 0);
	digits_case("+1", 2, 100, 0, 0);
	digits_case("-1", 2, 100, 0, 0);
	digits_case(" 1", 2, 100, 0, 0);
	digits_case("1a", 2, 100, 0, 0);
	size_case("512", 0, 1, 512);
	size_case("64k", 0, 1, 65536);
	size_case("50M", 0, 1, 50ULL << 20);
	size_case("2G", 0, 1, 2ULL << 30);
	size_case("1.5G", 0, 1, 3ULL << 29);
	size_case("10MiB", 0, 1, 10ULL << 20);
	size_case("1T", 0, 1, 1ULL << 40);
	size_case("max", 1, 1, UINT64_MAX);
	size_case("max", 0, 0, 0);
	size_case("", 0, 0, 0);
	size_case("-1", 0, 0, 0);
	size_case("12X", 0, 0, 0);
	size_case("1.5", 0, 0, 0);
	size_case("99999999999999999999999", 0, 0, 0);
	size_case("M", 0, 0, 0);
	duration_case("30s", 1, 30000);
	duration_case("1500ms", 1, 1500);
	duration_case("5m", 1, 300000);
	duration_case("2h", 1, 7200000);
	duration_case("1m30s", 1, 90000);
	duration_case("10", 1, 10000);
	duration_case("0.5s", 1, 500);
	duration_case("", 0, 0);
	duration_case("5x", 0, 0);
	duration_case("s", 0, 0);
	duration_case("10 s", 0, 0);
	duration_case("1m30", 0, 0);
	/* The largest accepted value reads back; one that rounds up to 1e15 ms is refused. */
	duration_case("999999999999999ms", 1, 999999999999999ULL);
	duration_case("999999999999999.4ms", 1, 999999999999999ULL);
	duration_case("999999999999999.5ms", 0, 0);
	duration_case("1000000000000000ms", 0, 0);
	ok(parse_cpus("0.5", &v, &e) == 0 && v == 500, "cpus 0.5 = 500 millis");
	ok(parse_cpus("2", &v, &e) == 0 && v == 2000, "cpus 2 = 2000 millis");
	ok(parse_cpus("0", &v, &e) < 0, "cpus 0 rejected");
	ok(parse_cpus("abc", &v, &e) < 0, "cpus abc rejected");
	ok(parse_uint("42", 1, 100, &v, &e) == 0 && v == 42, "uint 42");
	ok(parse_uint("101", 1, 100, &v, &e) < 0 && strstr(e.msg, "out of range"), "uint range");
	ok(parse_uint("4x", 1, 100, &v, &e) < 0, "uint garbage");
	ok(parse_rlimit_option("nofile=1024", &res, &rl, &e) == 0 && res == RLIMIT_NOFILE &&
		   rl.rlim_cur == 1024 && rl.rlim_max == 1024,
	   "rlimit nofile=1024");
	ok(parse_rlimit_option("NPROC=100:200", &res, &rl, &e) == 0 && res == RLIMIT_NPROC &&
		   rl.rlim_cur == 100 && rl.rlim_max == 200,
	   "rlimit NPROC=100:200");
	ok(parse_rlimit_option("as=2G", &res, &rl, &e) == 0 && rl.rlim_cur == 2ULL << 30,
	   "rlimit as=2G takes a size");
	ok(parse_rlimit_option("core=unlimited", &res, &rl, &e) == 0 && rl.rlim_cur == RLIM_INFINITY,
	   "rlimit core=unlimited");
	ok(parse_rlimit_option("nofile=200:100", &res, &rl, &e) < 0 && strstr(e.msg, "soft"),
	   "rlimit soft above hard rejected");
	ok(parse_rlimit_option("bogus=1", &res, &rl, &e) < 0 && strstr(e.msg, "unknown rlimit"),
	   "unknown rlimit rejected");
	ok(parse_rlimit_option("nofile", &res, &rl, &e) < 0 && strstr(e.msg, "NAME=VALUE"),
	   "rlimit without = rejected");
	ok(parse_rlimit_option("nofile=", &res, &rl, &e) < 0, "rlimit empty value rejected");
	return done();
}
