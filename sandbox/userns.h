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
/* Is jail uid 0 of the initial user namespace (real root, not root of a user
 * namespace)? */
bool userns_host_root(void);
/* Run as host root (euid 0): a job must never run as host uid 0. Refuse an explicit
 * --map self (or map: self), otherwise switch to the subordinate range of root. */
int userns_root_mode(struct jail_config *c, struct jail_error *e);
/* Child, once the host paths are open (mount.c): when created by host root, become
 * uid/gid 0 of the namespace and drop the supplementary groups. */
int userns_enter_child(const struct sandbox_plan *p, struct jail_error *e);
/* The child's end of the sync socket, to see whether jail died meanwhile. */
void userns_child_sync_fd(int fd);
/* Job, before caps: the final ids (JOB_UID_NOT_ROOT without --root). */
int userns_job_ids(const struct sandbox_plan *p, struct jail_error *e);
/* Does the parent write the maps (and send SYNC_MAPS_DONE)? */
bool userns_parent_writes_maps(const struct sandbox_plan *p);

#endif
