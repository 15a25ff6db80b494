/* Minimal TAP for the unit tests: ok(cond, fmt...), then done() prints the plan. */
#ifndef JAIL_TAP_H
#define JAIL_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

#define is_str(got, want, name)                                                            \
	do {                                                                               \
		const char *g_ = (got), *w_ = (want);                                      \
		if (!ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, "%s", name))            \
			printf("#   got: '%s'\n#   expected: '%s'\n", g_ ? g_ : "(null)",  \
			       w_ ? w_ : "(null)");                                        \
	} while (0)

#define is_int(got, want, name)                                                            \
	do {                                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);                   \
		if (!ok(g_ == w_, "%s", name))                                             \
			printf("#   got: %lld\n#   expected: %lld\n", g_, w_);             \
	} while (0)

static int done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
