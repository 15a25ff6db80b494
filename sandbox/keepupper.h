#ifndef JAIL_KEEPUPPER_H
#define JAIL_KEEPUPPER_H

#include "policy/error.h"
#include "sandbox/plan.h"

/* Init side, after every job process is dead: copy each overlay's upper layer (what the
 * job changed in the toolchain dirs) into dest_fd/<dir>. Symlinks are copied as symlinks
 * and never followed; overlay whiteouts (deleted files) become 0:0 character devices
 * when the kernel allows it, else they are listed in dest/.jail-deleted. */
int keep_upper_copy(const struct sandbox_plan *p, int scratch_fd, int dest_fd,
		    struct jail_error *e);

#endif
