/* network: user as plain data: the egress allowlist (CIDR[:PORT] entries) and the DNS
 * servers, from the profile's network: section and --net-allow/--dns. Parsing and
 * formatting are pure (unit-tested through the profile tests); sandbox/netuser.c turns
 * them into routes and policy rules inside the job's network namespace. */
#ifndef JAIL_NETRULE_H
#define JAIL_NETRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/error.h"

/* "192.0.2.0/24:443", "192.0.2.7" (= /32), "2001:db8::/32", "[2001:db8::1]:443". */
struct jail_cidr {
	int family;	  /* AF_INET or AF_INET6 */
	uint8_t prefix;	  /* 0..32 or 0..128 */
	uint16_t port;	  /* 0 = every port and protocol; else tcp and udp to this port */
	uint8_t addr[16]; /* network order, no bits set past the prefix */
};

struct jail_net {
	bool allow_set; /* an allow list was given (even empty): only it is routable */
	struct jail_cidr *allow;
	size_t n_allow;
	struct jail_cidr *dns; /* whole addresses, port 0 */
	size_t n_dns;
};

/* CIDR[:PORT]. Host bits past the prefix are an error (a typo, not a wish). */
int netrule_parse_cidr(const char *s, struct jail_cidr *r, struct jail_error *e);
/* A single IPv4 or IPv6 address (a DNS server). */
int netrule_parse_ip(const char *s, struct jail_cidr *r, struct jail_error *e);
/* The canonical text, which netrule_parse_cidr reads back: "192.0.2.0/24:443",
 * "[2001:db8::/32]:443"; a whole address without its /32 or /128. */
void netrule_format(const struct jail_cidr *r, char *buf, size_t len);
bool netrule_equal(const struct jail_cidr *a, const struct jail_cidr *b);

/* Append unless already there. */
void jail_net_add_allow(struct jail_net *n, const struct jail_cidr *r);
void jail_net_add_dns(struct jail_net *n, const struct jail_cidr *r);
/* Fold `from` onto `into`: both lists are unions, allow_set sticks once set. */
void jail_net_merge(struct jail_net *into, const struct jail_net *from);
void jail_net_free(struct jail_net *n);
/* The job's /etc/resolv.conf: exactly the given servers (malloc'd). */
char *jail_net_resolv_conf(const struct jail_net *n);

#endif
