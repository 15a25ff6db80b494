/* Named syscall groups, read from syscall-groups.yaml. */
#ifndef JAIL_SECCOMP_GROUPS_H
#define JAIL_SECCOMP_GROUPS_H

#include <stddef.h>

#include "policy/error.h"

struct sc_group {
	char *name;	/* with the '@' */
	char **members; /* syscall names and "@group" references */
};

struct sc_groups {
	struct sc_group *v;
	size_t n;
	char *file;
};

int sc_groups_parse(const char *file, const char *buf, size_t len, struct sc_groups *g,
		    struct jail_error *e);
/* Find syscall-groups.yaml in the profile search path and read it. */
int sc_groups_load(struct sc_groups *g, struct jail_error *e);
void sc_groups_free(struct sc_groups *g);
const struct sc_group *sc_group_find(const struct sc_groups *g, const char *name);
/* All syscalls in group NAME, nested groups expanded. */
int sc_group_expand(const struct sc_groups *g, const char *name, char ***out,
		    struct jail_error *e);

#endif
