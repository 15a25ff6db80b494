/* network: user. The job's network namespace gets a tap device (jail0) whose other end
 * is pasta, a user-mode TCP/IP stack that jail starts outside the sandbox: what the job
 * sends through the tap, pasta sends from ordinary sockets of the caller. jail configures
 * the tap itself, in the child, with libnl: fixed addresses, and policy routing such that
 * only the allowlist (and the DNS servers on port 53) is routable; everything else hits
 * an unreachable route and fails at connect(). The host's own addresses are unreachable
 * unless named exactly. None of this runs with network: none. */
#ifndef JAIL_NETUSER_H
#define JAIL_NETUSER_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy/config.h"
#include "policy/error.h"

#define NETUSER_IFNAME "jail0"

/* What the parent finds out about the host before clone; the child follows it. */
struct netuser_plan {
	bool v4, v6;		   /* families the host has a default route for (pasta serves) */
	struct jail_cidr *blocked; /* the host's local prefixes, pasta's gateway, fe80::/10 */
	size_t n_blocked;
};

struct netuser {
	struct netuser_plan plan;
	char *pasta; /* the binary */
	pid_t pid;   /* 0 when not running */
	int pidfd;   /* -1 when not running */
	int log_fd;  /* pasta's stderr (a memfd), read when it fails */
};

/* Parent, before anything is created: the checks (pasta installed, /dev/net/tun usable,
 * no net_admin/net_raw kept, not run as root) and the host's routes. */
int netuser_prepare(const struct jail_config *c, struct netuser *n, struct jail_error *e);
/* Parent, when the child asks (its maps are written): start pasta on child_pid's
 * namespaces. It dies with jail (PDEATHSIG) and is killed by netuser_stop. */
int netuser_start(struct netuser *n, pid_t child_pid, struct jail_error *e);
/* Parent: pasta's pidfd became readable. Reaps it; fills e with why. */
void netuser_exited(struct netuser *n, struct jail_error *e);
/* Parent: kill (by pidfd) and reap pasta, if it runs; free everything. */
void netuser_stop(struct netuser *n);
void netuser_init(struct netuser *n);

/* Child, in the new user and network namespaces, before capabilities are dropped: wait
 * for pasta's tap, then addresses, routes and rules. */
int netuser_setup_child(const struct jail_config *c, const struct netuser_plan *p,
			struct jail_error *e);

#endif
