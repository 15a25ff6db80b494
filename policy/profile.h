/* Profiles: YAML files that say what a job may do. */
#ifndef JAIL_PROFILE_H
#define JAIL_PROFILE_H

#include "policy/config.h"
#include "policy/error.h"

/* Find the profile NAME (or the file, if it contains a '/'), resolve `extends`, validate
 * it, and apply it onto c: filesystem, identity, network, limits, rlimits, timeout,
 * capabilities, env, and the compiled seccomp program (c->seccomp, from the cache when
 * it is there). Search path: $JAIL_PROFILE_PATH (colon-separated, for tests), then
 * $XDG_CONFIG_HOME/jail/profiles, SYSCONFDIR/jail/profiles, DATADIR/jail/profiles. */
int profile_apply(const char *name, struct jail_config *c, struct jail_error *e);

#endif
