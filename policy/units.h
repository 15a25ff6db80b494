/* Parsers for the values users write on the command line and in profiles: sizes,
 * durations, CPU counts, rlimits. Pure functions; each returns 0 or -1 with a
 * message saying what was expected. */
#ifndef JAIL_UNITS_H
#define JAIL_UNITS_H

#include <stdint.h>
#include <sys/resource.h>

#include "policy/error.h"

/* "512", "64k", "50M", "2G", "1T", "1.5G" (binary units; case-insensitive; an optional
 * trailing "B" or "iB"). "max"/"unlimited" -> UINT64_MAX when allow_max. */
int parse_size(const char *s, uint64_t *out, int allow_max, struct jail_error *e);
/* "1500ms", "30s", "5m", "2h", "1d", "1m30s"; a bare number is seconds. -> milliseconds. */
int parse_duration_ms(const char *s, uint64_t *out, struct jail_error *e);
/* "2", "0.5", "1.25" CPUs -> thousandths of a CPU (1000 = one CPU). */
int parse_cpus(const char *s, uint64_t *out, struct jail_error *e);
/* A plain unsigned decimal integer in [min, max]. */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct jail_error *e);
/* The len bytes at s as decimal digits only (1 to 10 of them: no sign, space or '+'),
 * at most max. 0, or -1 without a message: callers name the field. */
int parse_digits(const char *s, size_t len, uint32_t max, uint32_t *out);
/* "nofile", "RLIMIT_NOFILE", "NOFILE" -> RLIMIT_NOFILE. */
int rlimit_from_name(const char *name, int *resource, struct jail_error *e);
const char *rlimit_name(int resource);
/* "1024", "1024:4096", "unlimited", "64M" (sizes for byte limits), "soft:hard". */
int parse_rlimit_value(int resource, const char *s, struct rlimit *out, struct jail_error *e);
/* "NAME=VALUE" as one option. */
int parse_rlimit_option(const char *s, int *resource, struct rlimit *out, struct jail_error *e);

#endif
