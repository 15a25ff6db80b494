#ifndef JAIL_USERNS_H
#define JAIL_USERNS_H

#include <sys/types.h>

#include "policy/error.h"
#include "sandbox/plan.h"

/* Before clone (subuid mode): find newuidmap/newgidmap and the caller's ranges in
 * /etc/subuid and /etc/subgid, and fill p->uid_map/gid_map. In self mode only the maps. */
int userns_prepare(struct sandbox_plan *p, uid_t uid, gid_t gid, const char *user,
		   struct jail_error *e);
/* Parent side, after clone: write the child's maps (directly, setgroups denied, or
 * through newuidmap/newgidmap). */
int userns_write_maps(pid_t child, const struct sandbox_plan *p, struct jail_error *e);

#endif
