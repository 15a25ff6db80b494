#ifndef JAIL_CHILD_H
#define JAIL_CHILD_H

#include "sandbox/plan.h"

/* The sandbox side, from clone to exec. Never returns: failures go to the parent over
 * sync_fd as SYNC_ERROR, then the child exits. */
__attribute__((noreturn)) void child_main(const struct sandbox_plan *p, int sync_fd);

#endif
