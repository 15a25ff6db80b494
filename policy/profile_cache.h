/* Resolved profiles, cached with their compiled seccomp program, in $XDG_CACHE_HOME/jail
 * (README "Performance"): a hit skips reading YAML, merging the extends chain and
 * building the seccomp key, about 0.8 ms of a 11 ms start.
 *
 * An entry holds everything the resolution read: each profile file looked up (where
 * the search found it, or that it did not), each file read (its bytes, device and
 * inode), and the identity of the code that resolved it (the jail binary and any
 * shared object it loaded, the kernel, libseccomp, libyaml). A hit re-does the lookups
 * and reads and compares them byte for byte; anything different is a miss and the
 * profile is resolved from the files. The profile itself is stored field by field
 * (profile_cache.c walks every pointer of struct profile; a build-time size check
 * fails when the struct changes until the walk is updated). */
#ifndef JAIL_PROFILE_CACHE_H
#define JAIL_PROFILE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy/config.h"
#include "policy/profile_model.h"

enum profile_cache_result {
	PROFILE_CACHE_OFF,  /* JAIL_PROFILE_CACHE=0, or no usable cache directory */
	PROFILE_CACHE_HIT,
	PROFILE_CACHE_MISS, /* resolved from the files (and stored) */
};

/* 1: *p and *prog come from a valid entry for NAME; 0: miss or off (p, prog untouched). */
int profile_cache_load(const char *name, struct profile *p, struct jail_seccomp_program *prog);
/* Record what the resolution reads, from begin to store (or abandon on failure). */
void profile_cache_begin(void);
void profile_cache_abandon(void);
/* Store the entry for NAME with the inputs recorded since begin; best effort. */
void profile_cache_store(const char *name, const struct profile *p,
			 const struct jail_seccomp_program *prog);
enum profile_cache_result profile_cache_last(void);

/* Hooks for profile_find_file and profile_read_file (profile_resolve.c): no-ops unless
 * recording. path NULL: not found; buf NULL: not readable. */
void profile_cache_note_find(const char *file, const char *path);
void profile_cache_note_read(const char *path, const char *buf, size_t len, dev_t dev,
			     ino_t ino);

/* The profile as bytes and back (exposed for the round-trip test). deserialize: 0 on
 * success; -1 on malformed input, with *p then safe to profile_free. */
char *profile_serialize(const struct profile *p, size_t *len);
int profile_deserialize(const char *buf, size_t len, struct profile *p);

#endif
