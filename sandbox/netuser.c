#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include "policy/cleanup.h"
#include "sandbox/netuser.h"
#include "sandbox/netuser_addr.h"
#include "sandbox/syscalls.h"

/* Parent half of network: user: checks, the host's routes, pasta's lifetime. */

void netuser_init(struct netuser *n)
{
	memset(n, 0, sizeof(*n));
	n->pidfd = -1;
	n->log_fd = -1;
}

static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;

	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, name);
		if (d[0] == '/' && access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

static int checks(const struct jail_config *c, struct netuser *n, struct jail_error *e)
{
	const char *override = getenv("JAIL_PASTA");
	uint64_t net_caps = (UINT64_C(1) << CAP_NET_ADMIN) | (UINT64_C(1) << CAP_NET_RAW);

	/* The routes and rules below are the allowlist: a job with CAP_NET_ADMIN in its
	 * namespace could delete them, one with CAP_NET_RAW could send past them. */
	if (c->caps_keep & net_caps) {
		jail_error_set(e, 0,
			       "network: user: the profile keeps capability %s, with which "
			       "the job could undo the allowlist",
			       c->caps_keep & (UINT64_C(1) << CAP_NET_ADMIN) ? "net_admin"
									     : "net_raw");
		return jail_error_hint(e, "remove net_admin and net_raw from capabilities.keep");
	}
	/* As root pasta drops to nobody, who may not join a user namespace root created. */
	if (geteuid() == 0) {
		jail_error_set(e, 0, "network: user is for rootless runs, and jail runs as root");
		return jail_error_hint(e, "run jail as an ordinary user, or use network: none");
	}
	n->pasta = override && *override ? xstrdup(override) : find_in_path("pasta");
	if (!n->pasta || access(n->pasta, X_OK) < 0) {
		jail_error_set(e, n->pasta ? errno : ENOENT, "network: user needs pasta%s%s",
			       override && *override ? " at JAIL_PASTA=" : " (not found in PATH)",
			       override && *override ? override : "");
		return jail_error_hint(e, "install it: apt-get install passt (Debian, Ubuntu), "
					  "dnf install passt (Fedora)");
	}
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		jail_error_set(e, errno, "network: user: pasta cannot open /dev/net/tun");
		return jail_error_hint(e, "pasta creates its tap there as you; distributions' udev "
					  "makes it mode 0666 (as root: chmod 0666 /dev/net/tun)");
	}
	return 0;
}

static void block(struct netuser_plan *p, int family, const void *addr, unsigned prefix)
{
	struct jail_cidr r = {.family = family, .prefix = (uint8_t)prefix};

	memcpy(r.addr, addr, family == AF_INET ? 4 : 16);
	for (size_t i = 0; i < p->n_blocked; i++)
		if (netrule_equal(&p->blocked[i], &r))
			return;
	p->blocked = xrealloc(p->blocked, (p->n_blocked + 1) * sizeof(*p->blocked));
	p->blocked[p->n_blocked++] = r;
}

/* One route of the host: a default route says pasta can serve that family; a local one
 * (table local, type local: every address of the host, and AnyIP ranges) is a prefix the
 * job must not reach, since pasta's sockets would land on the host's own services. */
static void host_route(struct nl_object *obj, void *arg)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct netuser_plan *p = arg;
	struct nl_addr *dst = rtnl_route_get_dst(r);
	int family = rtnl_route_get_family(r);

	if (!dst || (family != AF_INET && family != AF_INET6))
		return;
	if (rtnl_route_get_table(r) == RT_TABLE_MAIN && nl_addr_get_prefixlen(dst) == 0 &&
	    rtnl_route_get_type(r) == RTN_UNICAST) {
		if (family == AF_INET)
			p->v4 = true;
		else
			p->v6 = true;
	}
	if (rtnl_route_get_table(r) == RT_TABLE_LOCAL && rtnl_route_get_type(r) == RTN_LOCAL &&
	    nl_addr_get_len(dst) == (family == AF_INET ? 4u : 16u))
		block(p, family, nl_addr_get_binary_addr(dst), nl_addr_get_prefixlen(dst));
}

static int host_routes(struct netuser_plan *p, struct jail_error *e)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	int r;

	if (!sk)
		return jail_error_set(e, ENOMEM, "network: user: libnl socket");
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r == 0)
		r = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &cache);
	if (r < 0) {
		nl_socket_free(sk);
		return jail_error_set(e, 0, "network: user: read the host's routes: %s",
				      nl_geterror(r));
	}
	nl_cache_foreach(cache, host_route, p);
	nl_cache_free(cache);
	nl_socket_free(sk);
	return 0;
}

int netuser_prepare(const struct jail_config *c, struct netuser *n, struct jail_error *e)
{
	struct netuser_plan *p = &n->plan;
	static const uint8_t ll6[16] = {0xfe, 0x80};

	if (checks(c, n, e) < 0 || host_routes(p, e) < 0)
		return -1;
	if (!p->v4 && !p->v6) {
		jail_error_set(e, 0,
			       "network: user: this host has no default route, so pasta has "
			       "nothing to connect the job to");
		return jail_error_hint(e,
				       "check `ip route` and `ip -6 route`, or use network: none");
	}
	/* pasta's gateway: with --no-map-gw it would be a real address on the host's side. */
	block(p, AF_INET, netuser_gw4, 32);
	/* Link-local destinations would leave on the host's interface, scope and all. */
	block(p, AF_INET6, ll6, 10);
	return 0;
}

/* Keep pasta's messages for the error report; it has nowhere else to log to. */
static int log_open(struct jail_error *e)
{
	int fd = memfd_create("jail-pasta-log", MFD_CLOEXEC);

	if (fd < 0)
		return jail_error_set(e, errno, "network: user: memfd for pasta's messages");
	return fd;
}

/* Foreground (the pid is pasta's), quiet, no port forwarding either way, the gateway
 * not mapped to the host's loopback, no DHCP/RA (jail configures the tap itself). */
static const char *const pasta_fixed[] = {
	"-f", "-q", "--no-map-gw", "-t", "none", "-u", "none", "-T", "none", "-U", "none",
	"--no-dhcp", "--no-dhcpv6", "--no-ra", "-I", NETUSER_IFNAME,
};
static const char *const pasta_v4[] = { "-a", NETUSER_ADDR4, "-n", "16", "-g", NETUSER_GW4 };
static const char *const pasta_v6[] = { "-a", NETUSER_ADDR6, "-g", NETUSER_GW6 };
static const char *const pasta_only4[] = { "-4" }, *const pasta_only6[] = { "-6" };

static void append(char **argv, size_t *i, const char *const *args, size_t n)
{
	for (size_t j = 0; j < n; j++)
		argv[(*i)++] = (char *)args[j];
}

/* argv has room for every list above plus 6. */
static void build_argv(const struct netuser *n, pid_t child, char **argv, char *netns,
		       char *userns, size_t len)
{
	size_t i = 0;

	snprintf(netns, len, "/proc/%d/ns/net", (int)child);
	snprintf(userns, len, "/proc/%d/ns/user", (int)child);
	argv[i++] = n->pasta;
	append(argv, &i, pasta_fixed, ARRAY_SIZE(pasta_fixed));
	if (n->plan.v4)
		append(argv, &i, pasta_v4, ARRAY_SIZE(pasta_v4));
	else
		append(argv, &i, pasta_only6, 1);
	if (n->plan.v6)
		append(argv, &i, pasta_v6, ARRAY_SIZE(pasta_v6));
	else
		append(argv, &i, pasta_only4, 1);
	argv[i++] = (char *)"--netns";
	argv[i++] = netns;
	argv[i++] = (char *)"--userns";
	argv[i++] = userns;
	argv[i] = NULL;
}

/* In the forked child, before exec: die with jail, no inherited signal mask or fds. */
__attribute__((noreturn)) static void exec_pasta(pid_t parent, int log_fd, char **argv)
{
	sigset_t none;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent) /* jail died before the prctl */
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(log_fd, 2) < 0)
		_exit(127);
	sys_close_range(3, ~0U, 0);
	execv(argv[0], argv);
	dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int netuser_start(struct netuser *n, pid_t child_pid, struct jail_error *e)
{
	struct jail_clone_args args = {0};
	char netns[64], userns[64];
	char *argv[ARRAY_SIZE(pasta_fixed) + ARRAY_SIZE(pasta_v4) + ARRAY_SIZE(pasta_v6) + 6];
	pid_t parent = getpid();
	long pid;

	if ((n->log_fd = log_open(e)) < 0)
		return -1;
	build_argv(n, child_pid, argv, netns, userns, sizeof(netns));
	args.flags = CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&n->pidfd;
	args.exit_signal = SIGCHLD;
	fflush(NULL);
	pid = sys_clone3(&args);
	if (pid == 0)
		exec_pasta(parent, n->log_fd, argv);
	if (pid < 0) {
		n->pidfd = -1;
		return jail_error_set(e, errno, "network: user: start pasta");
	}
	n->pid = (pid_t)pid;
	return 0;
}

/* pasta's messages, without the complaints about a missing syslog, on one line. */
static void log_read(int fd, char *buf, size_t len)
{
	char raw[2048], *line, *save = NULL;
	ssize_t got = pread(fd, raw, sizeof(raw) - 1, 0);
	size_t out = 0;

	buf[0] = '\0';
	if (got <= 0)
		return;
	raw[got] = '\0';
	for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "to syslog") || !*line)
			continue;
		out += (size_t)snprintf(buf + out, len - out, "%s%s", out ? "; " : "", line);
		if (out >= len)
			break;
	}
}

void netuser_exited(struct netuser *n, struct jail_error *e)
{
	char msg[1024];
	int status = 0;

	while (waitpid(n->pid, &status, 0) < 0 && errno == EINTR)
		;
	n->pid = 0;
	cleanup_close(&n->pidfd);
	log_read(n->log_fd, msg, sizeof(msg));
	if (WIFSIGNALED(status))
		jail_error_set(e, 0, "network: user: pasta was killed by signal %d%s%s",
			       WTERMSIG(status), msg[0] ? ": " : "", msg);
	else
		jail_error_set(e, 0, "network: user: pasta exited with status %d%s%s",
			       WEXITSTATUS(status), msg[0] ? ": " : "", msg);
	jail_error_hint(e,
			"the job's network is gone; run `%s --help` to check that pasta "
			"works here",
			n->pasta ? n->pasta : "pasta");
}

void netuser_stop(struct netuser *n)
{
	if (n->pid) {
		sys_pidfd_send_signal(n->pidfd, SIGKILL);
		while (waitpid(n->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	cleanup_close(&n->pidfd);
	cleanup_close(&n->log_fd);
	free(n->pasta);
	free(n->plan.blocked);
	netuser_init(n);
}
