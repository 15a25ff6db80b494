#ifndef JAIL_USERNS_H
#define JAIL_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy/error.h"
#include "sandbox/plan.h"

/* Before clone (subuid mode): find newuidmap/newgidmap and the caller's ranges in
 * /etc/subuid and /etc/subgid, and fill p->uid_map/gid_map. In self mode only the maps. */
int userns_prepare(struct sandbox_plan *p, uid_t uid, gid_t gid, const char *user,
		   struct jail_error *e);
/* After clone: write the child's maps. In subuid mode the parent does it, through
 * newuidmap/newgidmap (child = the child's pid). In self mode the child writes its own
 * (child = 0): the kernel allows a process to map its own ids, setgroups denied, and
 * the parent need not be woken for it. */
int userns_write_maps(pid_t child, const struct sandbox_plan *p, struct jail_error *e);
/* Does the parent write the maps (and send SYNC_MAPS_DONE)? */
bool userns_parent_writes_maps(const struct sandbox_plan *p);

#endif
