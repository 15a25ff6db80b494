#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "sandbox/diag.h"

/* First number in a /proc/sys file, or -1. */
static long sysctl_read(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[32];
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

bool diag_userns_system(struct jail_error *e)
{
	if (sysctl_read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1) {
		jail_error_hint(e, "AppArmor restricts unprivileged user namespaces here "
				   "(kernel.apparmor_restrict_unprivileged_userns=1): install the "
				   "AppArmor profile for jail (README, AppArmor section), or as "
				   "root: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
	} else if (sysctl_read("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
		jail_error_hint(e, "unprivileged user namespaces are disabled "
				   "(kernel.unprivileged_userns_clone=0); as root: sysctl -w "
				   "kernel.unprivileged_userns_clone=1");
	} else if (sysctl_read("/proc/sys/user/max_user_namespaces") == 0) {
		jail_error_hint(e, "user namespaces are disabled (user.max_user_namespaces=0); as "
				   "root: sysctl -w user.max_user_namespaces=15000");
	} else {
		return false;
	}
	return true;
}

void diag_userns(struct jail_error *e)
{
	if (diag_userns_system(e))
		return;
	if (e->err == ENOSPC || e->err == EUSERS) {
		jail_error_hint(e, "the limit on user namespaces is reached "
				   "(user.max_user_namespaces, or nesting deeper than 32)");
	} else if (e->err == EPERM) {
		jail_error_hint(e, "user namespaces are refused here; inside a container (Docker, "
				   "Kubernetes) the runtime's seccomp profile or missing privileges "
				   "usually cause this: run jail on the host or allow unshare/clone "
				   "of user namespaces in the container");
	}
}
