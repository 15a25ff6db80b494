/* `jail run` command line. Pure: no system calls, so it is unit-tested directly. */
#ifndef JAIL_CLI_H
#define JAIL_CLI_H

#include <stdio.h>

#include "policy/config.h"
#include "policy/error.h"

enum cli_action {
	CLI_RUN,
	CLI_HELP, /* --help was given: print cli_usage and exit 0 */
};

/* Pass 1: find -p/--profile (and --help) without applying anything, so the profile can
 * be loaded before the options that override it. argv[0] is "run". */
int cli_scan(int argc, char **argv, char **profile, enum cli_action *action,
	     struct jail_error *e);
/* Pass 2: apply every option onto c and take the command (after "--" or the first
 * non-option) into c->argv. */
int cli_apply(int argc, char **argv, struct jail_config *c, struct jail_error *e);
void cli_usage(FILE *f);

#endif
