#include "autoconfig.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include "policy/cleanup.h"
#include "sandbox/netuser.h"
#include "sandbox/netuser_addr.h"

/* Child half of network: user, in the job's user and network namespaces with all
 * capabilities there (the job's are dropped later, net_admin and net_raw always). The
 * routing that makes the allowlist:
 *   main table:    unreachable default (v4, v6): whatever no rule sends elsewhere fails
 *                  at once with ENETUNREACH/EHOSTUNREACH
 *   table EXACT:   default via pasta
 *   table GENERAL: default via pasta, unreachable for each blocked prefix (the host's
 *                  own addresses, pasta's gateway, fe80::/10)
 *   rules:         per allow entry "to CIDR [ipproto tcp|udp dport PORT] lookup T", with
 *                  T = EXACT when the CIDR is one of the blocked prefixes exactly, else
 *                  GENERAL; per DNS server two EXACT rules for port 53; no allow list
 *                  at all: one rule per family to GENERAL. EXACT rules come first.
 * A GENERAL lookup that hits an unreachable route ends the rule walk with that error. */

#define TAP_WAIT_MS 10000
#define PRIO_EXACT 1000
#define PRIO_GENERAL 10000
#define MAX_RULES 8000

struct nlctx {
	struct nl_sock *sk;
	int ifindex;
	unsigned prio_exact, prio_general;
	struct jail_error *e;
};

static int nl_fail(struct nlctx *n, int r, const char *what)
{
	return jail_error_set(n->e, 0, "network: user: %s: %s", what, nl_geterror(r));
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* pasta creates the tap some milliseconds after jail starts it. Subscribed to link
 * events before looking, so one that appears in between wakes us. */
static int tap_wait(struct jail_error *e)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct timespec t0;
	char drain[8192];
	int ifindex;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return jail_error_set(e, errno, "network: user: subscribe to link events");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!(ifindex = (int)if_nametoindex(NETUSER_IFNAME))) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		long left = TAP_WAIT_MS - ms_since(&t0);

		if (left <= 0) {
			jail_error_set(e, ETIMEDOUT,
				       "network: user: pasta did not create %s in "
				       "the job's namespace within %d s",
				       NETUSER_IFNAME, TAP_WAIT_MS / 1000);
			return jail_error_hint(e,
					       "run jail with the same arguments under strace -f "
					       "to see what pasta does, or use network: none");
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return jail_error_set(e, errno, "network: user: wait for %s",
					      NETUSER_IFNAME);
		while (recv(fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
			;
	}
	return ifindex;
}

/* MTU as pasta's (65520: fewer, larger frames), no IPv6 link-local address (so no
 * fe80::/64 route on the link), then up. Two requests: the kernel makes the link-local
 * address when the link goes up, before it reads the address-generation mode. */
static int link_setup(struct nlctx *n)
{
	struct rtnl_link *old = rtnl_link_alloc(), *mode = rtnl_link_alloc(),
			 *up = rtnl_link_alloc();
	int r = -NLE_NOMEM;

	if (old && mode && up) {
		rtnl_link_set_ifindex(old, n->ifindex);
		rtnl_link_set_mtu(mode, 65520);
		rtnl_link_inet6_set_addr_gen_mode(mode, IN6_ADDR_GEN_MODE_NONE);
		r = rtnl_link_change(n->sk, old, mode, 0);
		if (r == -NLE_AF_NOSUPPORT || r == -NLE_OPNOTSUPP) { /* a kernel without IPv6 */
			rtnl_link_put(mode);
			mode = rtnl_link_alloc();
			rtnl_link_set_mtu(mode, 65520);
			r = mode ? rtnl_link_change(n->sk, old, mode, 0) : -NLE_NOMEM;
		}
		rtnl_link_set_flags(up, IFF_UP);
		if (r == 0)
			r = rtnl_link_change(n->sk, old, up, 0);
	}
	rtnl_link_put(old);
	rtnl_link_put(mode);
	rtnl_link_put(up);
	return r < 0 ? nl_fail(n, r, "configure " NETUSER_IFNAME) : 0;
}

static struct nl_addr *mkaddr(int family, const uint8_t *bytes, unsigned prefix)
{
	struct nl_addr *a = nl_addr_build(family, bytes, family == AF_INET ? 4 : 16);

	if (a)
		nl_addr_set_prefixlen(a, (int)prefix);
	return a;
}

static int addr_add(struct nlctx *n, int family, const uint8_t *bytes)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = mkaddr(family, bytes, family == AF_INET ? 32 : 128);
	int r = -NLE_NOMEM;

	if (a && local) {
		rtnl_addr_set_ifindex(a, n->ifindex);
		rtnl_addr_set_local(a, local);
		/* A host address: no prefix route on the link, so nothing is on-link. */
		rtnl_addr_set_flags(a, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
		r = rtnl_addr_add(n->sk, a, 0);
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
	return r < 0 ? nl_fail(n, r, "add the tap's address") : 0;
}

/* type RTN_UNICAST through gw (onlink: the gateway is on no prefix), or RTN_UNREACHABLE. */
static int route_add(struct nlctx *n, int family, unsigned table, const struct jail_cidr *dst,
		     const uint8_t *gw)
{
	static const uint8_t any[16];
	struct rtnl_route *rt = rtnl_route_alloc();
	struct nl_addr *d = mkaddr(family, dst ? dst->addr : any, dst ? dst->prefix : 0);
	struct nl_addr *g = gw ? mkaddr(family, gw, family == AF_INET ? 32 : 128) : NULL;
	struct rtnl_nexthop *nh = gw ? rtnl_route_nh_alloc() : NULL;
	int r = -NLE_NOMEM;

	if (rt && d && (!gw || (g && nh))) {
		rtnl_route_set_family(rt, (uint8_t)family);
		rtnl_route_set_table(rt, table);
		rtnl_route_set_protocol(rt, RTPROT_STATIC);
		rtnl_route_set_scope(rt, RT_SCOPE_UNIVERSE);
		rtnl_route_set_type(rt, gw ? RTN_UNICAST : RTN_UNREACHABLE);
		rtnl_route_set_dst(rt, d);
		if (nh) {
			rtnl_route_nh_set_ifindex(nh, n->ifindex);
			rtnl_route_nh_set_gateway(nh, g);
			if (family == AF_INET)
				rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
			rtnl_route_add_nexthop(rt, nh);
			nh = NULL; /* the route owns it now */
		}
		r = rtnl_route_add(n->sk, rt, NLM_F_CREATE | NLM_F_EXCL);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(g);
	nl_addr_put(d);
	rtnl_route_put(rt);
	return r;
}

static int rule_add(struct nlctx *n, const struct jail_cidr *to, int proto, uint16_t port,
		    unsigned table)
{
	struct rtnl_rule *rule = rtnl_rule_alloc();
	struct nl_addr *d = to && to->prefix ? mkaddr(to->family, to->addr, to->prefix) : NULL;
	unsigned *prio = table == NETUSER_TABLE_EXACT ? &n->prio_exact : &n->prio_general;
	int r = -NLE_NOMEM;

	if (*prio >= (table == NETUSER_TABLE_EXACT ? PRIO_GENERAL : PRIO_GENERAL + MAX_RULES))
		return jail_error_set(n->e, E2BIG, "network: user: more than %d rules", MAX_RULES);
	if (rule && (d || !to || !to->prefix)) {
		rtnl_rule_set_family(rule, to ? to->family : AF_INET);
		rtnl_rule_set_prio(rule, (*prio)++);
		rtnl_rule_set_action(rule, FR_ACT_TO_TBL);
		rtnl_rule_set_table(rule, table);
		if (d)
			rtnl_rule_set_dst(rule, d);
		if (port) {
			rtnl_rule_set_ipproto(rule, (uint8_t)proto);
			rtnl_rule_set_dport(rule, port);
		}
		r = rtnl_rule_add(n->sk, rule, NLM_F_CREATE | NLM_F_EXCL);
	}
	nl_addr_put(d);
	rtnl_rule_put(rule);
	return r < 0 ? nl_fail(n, r, "add a routing rule") : 0;
}

/* One destination: all protocols, or TCP and UDP to one port. */
static int dest_add(struct nlctx *n, const struct jail_cidr *to, uint16_t port, unsigned table)
{
	if (!port)
		return rule_add(n, to, 0, 0, table);
	if (rule_add(n, to, IPPROTO_TCP, port, table) < 0)
		return -1;
	return rule_add(n, to, IPPROTO_UDP, port, table);
}

static bool is_blocked(const struct netuser_plan *p, const struct jail_cidr *c)
{
	struct jail_cidr whole = *c;

	whole.port = 0;
	for (size_t i = 0; i < p->n_blocked; i++)
		if (netrule_equal(&p->blocked[i], &whole))
			return true;
	return false;
}

static bool family_on(const struct netuser_plan *p, int family)
{
	return family == AF_INET ? p->v4 : p->v6;
}

static int routes_setup(struct nlctx *n, const struct netuser_plan *p)
{
	static const int families[] = {AF_INET, AF_INET6};
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		int f = families[i];
		const uint8_t *gw = f == AF_INET ? netuser_gw4 : netuser_gw6;

		/* Without IPv6 in the kernel there is nothing to make unreachable. */
		r = route_add(n, f, RT_TABLE_MAIN, NULL, NULL);
		if (r < 0 && !(f == AF_INET6 && !p->v6 && r == -NLE_AF_NOSUPPORT))
			return nl_fail(n, r, "add the unreachable default route");
		if (!family_on(p, f))
			continue;
		if (addr_add(n, f, f == AF_INET ? netuser_addr4 : netuser_addr6) < 0)
			return -1;
		if ((r = route_add(n, f, NETUSER_TABLE_GENERAL, NULL, gw)) < 0 ||
		    (r = route_add(n, f, NETUSER_TABLE_EXACT, NULL, gw)) < 0)
			return nl_fail(n, r, "add the default route through pasta");
	}
	for (size_t i = 0; i < p->n_blocked; i++) {
		if (!family_on(p, p->blocked[i].family))
			continue;
		r = route_add(n, p->blocked[i].family, NETUSER_TABLE_GENERAL, &p->blocked[i], NULL);
		if (r < 0 && r != -NLE_EXIST)
			return nl_fail(n, r, "add an unreachable route for the host's addresses");
	}
	return 0;
}

static int rules_setup(struct nlctx *n, const struct netuser_plan *p, const struct jail_net *net)
{
	for (size_t i = 0; i < net->n_dns; i++)
		if (family_on(p, net->dns[i].family) &&
		    dest_add(n, &net->dns[i], 53, NETUSER_TABLE_EXACT) < 0)
			return -1;
	if (!net->allow_set) {
		struct jail_cidr all4 = {.family = AF_INET}, all6 = {.family = AF_INET6};

		if ((p->v4 && rule_add(n, &all4, 0, 0, NETUSER_TABLE_GENERAL) < 0) ||
		    (p->v6 && rule_add(n, &all6, 0, 0, NETUSER_TABLE_GENERAL) < 0))
			return -1;
		return 0;
	}
	for (size_t i = 0; i < net->n_allow; i++) {
		const struct jail_cidr *a = &net->allow[i];

		if (family_on(p, a->family) &&
		    dest_add(n, a, a->port,
			     is_blocked(p, a) ? NETUSER_TABLE_EXACT : NETUSER_TABLE_GENERAL) < 0)
			return -1;
	}
	return 0;
}

int netuser_setup_child(const struct jail_config *c, const struct netuser_plan *p,
			struct jail_error *e)
{
	struct nlctx n = {.prio_exact = PRIO_EXACT, .prio_general = PRIO_GENERAL, .e = e};
	int r;

	if ((n.ifindex = tap_wait(e)) < 0)
		return -1;
	n.sk = nl_socket_alloc();
	if (!n.sk)
		return jail_error_set(e, ENOMEM, "network: user: libnl socket");
	r = nl_connect(n.sk, NETLINK_ROUTE);
	if (r < 0)
		r = nl_fail(&n, r, "rtnetlink socket");
	else if (link_setup(&n) < 0 || routes_setup(&n, p) < 0 || rules_setup(&n, p, &c->net) < 0)
		r = -1;
	nl_socket_free(n.sk);
	return r;
}
