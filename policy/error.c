#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/error.h"

int jail_error_set(struct jail_error *e, int errnum, const char *fmt, ...)
{
	va_list ap;

	e->err = errnum;
	e->exit_code = 0;
	e->hint[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int jail_error_prefix(struct jail_error *e, const char *fmt, ...)
{
	char prefix[sizeof(e->msg)];
	char old[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* Truncation is acceptable: the message is for a human. */
	if (snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix, old) >= (int)sizeof(e->msg))
		e->msg[sizeof(e->msg) - 1] = '\0';
	return -1;
}

int jail_error_hint(struct jail_error *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
	va_end(ap);
	return -1;
}

void jail_error_format(const struct jail_error *e, char *buf, size_t len)
{
	int n;

	if (e->err)
		n = snprintf(buf, len, "jail: %s: %s", e->msg, strerror(e->err));
	else
		n = snprintf(buf, len, "jail: %s", e->msg);
	if (e->hint[0] && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "\n  (%s)", e->hint);
}
