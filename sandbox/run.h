#ifndef JAIL_RUN_H
#define JAIL_RUN_H

#include "policy/config.h"
#include "policy/error.h"

/* Run c->argv in a sandbox. Returns the exit status jail should exit with; on jail's own
 * failure (nothing ran, or something asked for was not done) fills e and returns 125
 * (or 126/127 when the command cannot be executed). */
int run_job(struct jail_config *c, struct jail_error *e);

#endif
