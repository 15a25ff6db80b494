#ifndef JAIL_CAPS_H
#define JAIL_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/error.h"

/* Job side, just before no_new_privs and seccomp: keep only the capabilities in keep
 * (bit n = capability n) in the bounding, permitted and effective sets; clear the
 * inheritable and ambient sets, or, when ambient is set (a non-root job that must keep
 * capabilities across execve), raise exactly keep as ambient. */
int caps_apply_child(uint64_t keep, bool ambient, struct jail_error *e);

#endif
