#ifndef JAIL_INIT_H
#define JAIL_INIT_H

#include <sys/types.h>

#include "sandbox/mount.h"
#include "sandbox/plan.h"

/* Pid 1 of the sandbox, after the job is forked: forwards signals to the job's process
 * group, reaps everything, and when the job exits kills what is left, copies the upper
 * layers for --keep-upper, sends the job's wait status to the parent and exits. */
__attribute__((noreturn)) void init_main(const struct sandbox_plan *p, pid_t job, int sync_fd,
					 struct mount_state *st);

#endif
