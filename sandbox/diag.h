#ifndef JAIL_DIAG_H
#define JAIL_DIAG_H

#include <stdbool.h>

#include "policy/error.h"

/* After a user namespace could not be created or used (EPERM, ENOSPC, EINVAL): find out
 * why on this machine and put what to do in e's hint. Each known cause has its own
 * diagnostic: AppArmor's userns restriction (Ubuntu 23.10+), the Debian/Ubuntu sysctl
 * kernel.unprivileged_userns_clone=0, user.max_user_namespaces=0, a container's seccomp
 * filter. */
void diag_userns(struct jail_error *e);
/* Only the causes read from the system (AppArmor's restriction, the userns sysctls):
 * for failures of later steps, which may have other reasons. True if it added a hint. */
bool diag_userns_system(struct jail_error *e);

#endif
