/* The logic behind `jail profile list|show|check|explain|compile`; sandbox/profile_cmd.c
 * only parses the command line. Each returns 0 or -1 with e filled. */
#ifndef JAIL_PROFILE_SHOW_H
#define JAIL_PROFILE_SHOW_H

#include <stdio.h>

#include "policy/error.h"

int profile_list(FILE *out, struct jail_error *e);
int profile_show(FILE *out, const char *name, struct jail_error *e);
struct profile;
/* A resolved profile as `show` prints it (a profile that reads back the same). */
void profile_print(FILE *out, const struct profile *p);
int profile_check(FILE *out, const char *file, struct jail_error *e);
/* args: values for the arguments the rules test, in order ("TIOCSTI"), or argN=VALUE. */
int profile_explain(FILE *out, const char *name, const char *syscall, char **args, int n_args,
		    struct jail_error *e);
/* Write the raw sock_filter array to path ("-" = stdout). */
int profile_compile_to(const char *name, const char *path, struct jail_error *e);

#endif
