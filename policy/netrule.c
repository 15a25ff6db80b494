#include "autoconfig.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "policy/netrule.h"
#include "policy/units.h"

static bool host_bits_set(const struct jail_cidr *r)
{
	size_t bytes = r->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < bytes; i++) {
		unsigned keep = r->prefix > i * 8 ? r->prefix - i * 8 : 0;
		uint8_t mask = keep >= 8 ? 0xff : (uint8_t)(0xff << (8 - keep));
		if (r->addr[i] & (uint8_t)~mask)
			return true;
	}
	return false;
}

static int bad(const char *s, const char *why, struct jail_error *e)
{
	return jail_error_set(e, 0, "'%s': %s", s, why);
}

/* "ADDR[/PREFIX]" (len bytes of s), the family from the address itself. */
static int parse_prefix(const char *whole, const char *s, size_t len, struct jail_cidr *r,
			struct jail_error *e)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	char addr[INET6_ADDRSTRLEN + 1];
	uint32_t prefix;

	if (alen == 0 || alen >= sizeof(addr))
		return bad(whole, "expected an IPv4 or IPv6 address or CIDR", e);
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, r->addr) == 1)
		r->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, r->addr) == 1)
		r->family = AF_INET6;
	else
		return bad(whole, "expected an IPv4 or IPv6 address or CIDR", e);
	prefix = r->family == AF_INET ? 32 : 128;
	if (slash && parse_digits(slash + 1, len - alen - 1, prefix, &prefix) < 0)
		return bad(whole,
			   r->family == AF_INET ? "the prefix length must be 0-32"
						: "the prefix length must be 0-128",
			   e);
	r->prefix = (uint8_t)prefix;
	if (host_bits_set(r)) {
		char net[64];
		struct jail_cidr fixed = *r;

		for (size_t i = 0; i < 16; i++) {
			unsigned keep = r->prefix > i * 8 ? r->prefix - i * 8 : 0;
			fixed.addr[i] &= keep >= 8 ? 0xff : (uint8_t)(0xff << (8 - keep));
		}
		fixed.port = 0;
		netrule_format(&fixed, net, sizeof(net));
		return jail_error_set(e, 0, "'%s': host bits set past /%u (did you mean %s?)",
				      whole, r->prefix, net);
	}
	return 0;
}

int netrule_parse_cidr(const char *s, struct jail_cidr *r, struct jail_error *e)
{
	const char *cidr = s, *port = NULL;
	size_t cidr_len = strlen(s);
	uint32_t p;

	memset(r, 0, sizeof(*r));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || (close[1] && close[1] != ':'))
			return bad(s, "expected [IPV6[/PREFIX]]:PORT", e);
		cidr = s + 1;
		cidr_len = (size_t)(close - cidr);
		port = close[1] ? close + 2 : NULL;
		if (!memchr(cidr, ':', cidr_len))
			return bad(s, "brackets are for IPv6; write IPV4[/PREFIX]:PORT", e);
	} else {
		const char *colon = strchr(s, ':');

		/* One colon: IPv4 with a port. More: IPv6, whose port needs brackets. */
		if (colon && !strchr(colon + 1, ':')) {
			port = colon + 1;
			cidr_len = (size_t)(colon - s);
		}
	}
	if (parse_prefix(s, cidr, cidr_len, r, e) < 0)
		return -1;
	if (port && (parse_digits(port, strlen(port), 65535, &p) < 0 || p == 0))
		return bad(s, "the port must be 1-65535", e);
	if (port && r->family == AF_INET6 && s[0] != '[')
		return bad(s, "an IPv6 CIDR with a port is written [CIDR]:PORT", e);
	r->port = port ? (uint16_t)p : 0;
	return 0;
}

int netrule_parse_ip(const char *s, struct jail_cidr *r, struct jail_error *e)
{
	memset(r, 0, sizeof(*r));
	if (inet_pton(AF_INET, s, r->addr) == 1) {
		r->family = AF_INET;
		r->prefix = 32;
	} else if (inet_pton(AF_INET6, s, r->addr) == 1) {
		r->family = AF_INET6;
		r->prefix = 128;
	} else {
		return bad(s, "expected an IPv4 or IPv6 address", e);
	}
	return 0;
}

void netrule_format(const struct jail_cidr *r, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN], cidr[INET6_ADDRSTRLEN + 8];
	bool whole = r->prefix == (r->family == AF_INET ? 32 : 128);

	inet_ntop(r->family, r->addr, addr, sizeof(addr));
	if (whole)
		snprintf(cidr, sizeof(cidr), "%s", addr);
	else
		snprintf(cidr, sizeof(cidr), "%s/%u", addr, r->prefix);
	if (!r->port)
		snprintf(buf, len, "%s", cidr);
	else if (r->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", cidr, r->port);
	else
		snprintf(buf, len, "%s:%u", cidr, r->port);
}

bool netrule_equal(const struct jail_cidr *a, const struct jail_cidr *b)
{
	return a->family == b->family && a->prefix == b->prefix && a->port == b->port &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

static void add(struct jail_cidr **v, size_t *n, const struct jail_cidr *r)
{
	for (size_t i = 0; i < *n; i++)
		if (netrule_equal(&(*v)[i], r))
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = *r;
}

void jail_net_add_allow(struct jail_net *n, const struct jail_cidr *r)
{
	add(&n->allow, &n->n_allow, r);
	n->allow_set = true;
}

void jail_net_add_dns(struct jail_net *n, const struct jail_cidr *r)
{
	add(&n->dns, &n->n_dns, r);
}

void jail_net_merge(struct jail_net *into, const struct jail_net *from)
{
	for (size_t i = 0; i < from->n_allow; i++)
		jail_net_add_allow(into, &from->allow[i]);
	for (size_t i = 0; i < from->n_dns; i++)
		jail_net_add_dns(into, &from->dns[i]);
	into->allow_set |= from->allow_set;
}

void jail_net_free(struct jail_net *n)
{
	free(n->allow);
	free(n->dns);
	memset(n, 0, sizeof(*n));
}

char *jail_net_resolv_conf(const struct jail_net *n)
{
	char *text = xstrdup("# written by jail for network: user: the profile's dns servers "
			     "only\n");

	for (size_t i = 0; i < n->n_dns; i++) {
		char addr[INET6_ADDRSTRLEN], *next;

		inet_ntop(n->dns[i].family, n->dns[i].addr, addr, sizeof(addr));
		next = xasprintf("%snameserver %s\n", text, addr);
		free(text);
		text = next;
	}
	if (!n->n_dns) {
		/* No nameserver line: the C library then asks 127.0.0.1, which is the job's own
		 * loopback, where nothing listens: every lookup fails at once. */
		char *next = xasprintf("%s# (none given: lookups fail)\n", text);
		free(text);
		text = next;
	}
	return text;
}
