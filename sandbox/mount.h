/* The sandbox's filesystem: built in the child, in its new mount namespace. */
#ifndef JAIL_MOUNT_H
#define JAIL_MOUNT_H

#include "policy/error.h"
#include "sandbox/plan.h"

struct mount_state {
	int scratch_fd;	   /* O_PATH fd of the scratch tmpfs root (uppers live in upper/N) */
	int keep_upper_fd; /* O_DIRECTORY fd of --keep-upper on the host, or -1 */
};

/* Child side. Namespaces at this point: user (mapped), mount, pid, net, ipc, uts,
 * cgroup. Builds the new root (tmpfs + overlays + binds + /proc + /dev), pivots into it,
 * detaches the old root and leaves the cwd at the work dir. */
int mount_setup_child(const struct sandbox_plan *p, struct mount_state *st,
		      struct jail_error *e);

#endif
