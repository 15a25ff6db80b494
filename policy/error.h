/* The one error type of jail. A function that fails returns a negative value and
 * fills a struct jail_error; callers may add context in front; only main prints. */
#ifndef JAIL_ERROR_H
#define JAIL_ERROR_H

#include <stddef.h>

struct jail_error {
	int err;	/* errno of the cause, 0 if none */
	int exit_code;	/* 0: the default (125); else a specific exit status */
	char msg[2048];
	char hint[512]; /* what the user can do, may be empty */
};

/* Set the message; errnum is appended as ": strerror" when printed. Returns -1. */
int jail_error_set(struct jail_error *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Put "context: " in front of the existing message. Returns -1. */
int jail_error_prefix(struct jail_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Set the hint ("try: ..."). Returns -1. */
int jail_error_hint(struct jail_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Format "jail: msg: strerror (hint)" into buf. */
void jail_error_format(const struct jail_error *e, char *buf, size_t len);

#endif
