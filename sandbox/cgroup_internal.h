/* Shared between the two halves of the quota layer (cgroup.c sets up, cgroup_usage.c
 * reads back and tears down). Not for other modules. */
#ifndef JAIL_CGROUP_INTERNAL_H
#define JAIL_CGROUP_INTERNAL_H

#include <sys/types.h>

/* Read a small kernel file below dirfd into buf (NUL-terminated). -1 with errno. */
ssize_t cg_read_at(int dirfd, const char *name, char *buf, size_t len);
/* Write value with one write(): cgroup files take a whole value per write. 0 or -1
 * with errno. */
int cg_write_at(int dirfd, const char *name, const char *value);

#endif
