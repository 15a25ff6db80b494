#ifndef JAIL_PLANBUILD_H
#define JAIL_PLANBUILD_H

#include "policy/config.h"
#include "policy/error.h"
#include "sandbox/plan.h"

/* Parent, before anything is created: resolve the work dir (with its safety check),
 * check bind sources and --keep-upper, plan the toolchain layers (and their cached
 * skeletons), the id maps, $HOME and the environment. */
int plan_build(struct jail_config *c, struct sandbox_plan *p, struct jail_error *e);

#endif
