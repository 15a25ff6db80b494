/* On-disk cache of compiled seccomp programs, in $XDG_CACHE_HOME/jail (default
 * ~/.cache/jail). An entry is named by a hash of the plan's canonical text, the
 * libseccomp version and the architecture, and holds that text, so a hash collision
 * or a stale entry is a miss, never a wrong program. */
#ifndef JAIL_SECCOMP_CACHE_H
#define JAIL_SECCOMP_CACHE_H

#include "policy/config.h"
#include "policy/error.h"
#include "policy/seccomp.h"

enum seccomp_cache_result {
	SECCOMP_CACHE_OFF,	/* JAIL_SECCOMP_CACHE=0, or no usable directory */
	SECCOMP_CACHE_HIT,
	SECCOMP_CACHE_MISS,	/* compiled and stored */
	SECCOMP_CACHE_REBUILT,	/* an entry was there but bad: replaced */
};

/* The program for plan: from the cache if a valid entry is there, else compiled (and
 * stored). The cache never turns a compile error into success or the reverse. */
int seccomp_cache_compile(const struct sc_plan *plan, struct jail_seccomp_program *out,
			  struct jail_error *e);
/* The hot path's way in: a program stored under a text naming its inputs (the profile's
 * seccomp section as written, the groups file's bytes, the jail binary), so that a hit
 * costs neither parsing the groups nor building the plan. get: 1 hit (out filled), 0
 * miss or cache off; an entry is verified exactly as above. put: best effort. */
int seccomp_cache_get(const char *key, struct jail_seccomp_program *out);
void seccomp_cache_put(const char *key, const struct jail_seccomp_program *prog);
/* What the last call did, and why the cache was off if it was (for --debug output). */
enum seccomp_cache_result seccomp_cache_last(const char **why);

uint64_t jail_hash64(const void *data, size_t len, uint64_t seed);
/* $XDG_CACHE_HOME/jail (default ~/.cache/jail), created 0700 if missing, refused unless
 * it is a directory owned by us and writable by no one else: -1 with *why then. */
int jail_cache_dir_open(const char **why);

#endif
