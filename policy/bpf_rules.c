#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/bpf_rules.h"
#include "policy/cleanup.h"
#include "policy/config.h"

static int parse_num(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static void mask_addr(struct jail_egress_rule *r)
{
	size_t bytes = r->family == 4 ? 4 : 16;

	for (size_t i = 0; i < bytes; i++) {
		unsigned bits = r->prefix > i * 8 ? r->prefix - i * 8 : 0;
		r->addr[i] &= bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
	}
}

/* "ADDR[/PREFIX]" into r. */
static int parse_cidr(const char *s, size_t len, bool v6, struct jail_egress_rule *r)
{
	char addr[64];
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	uint32_t max = v6 ? 128 : 32, prefix = max;

	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, r->addr) != 1)
		return -1;
	if (slash && parse_num(slash + 1, len - alen - 1, max, &prefix) < 0)
		return -1;
	r->family = v6 ? 6 : 4;
	r->prefix = (uint8_t)prefix;
	mask_addr(r);
	return 0;
}

int bpf_egress_parse(const char *s, struct jail_egress_rule *r, struct jail_error *e)
{
	const char *cidr = s, *port = NULL;
	size_t cidr_len;
	uint32_t p = 0;
	bool v6;

	memset(r, 0, sizeof(*r));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || (close[1] && close[1] != ':'))
			goto bad;
		cidr = s + 1;
		cidr_len = (size_t)(close - cidr);
		port = close[1] ? close + 2 : NULL;
		v6 = true;
	} else {
		const char *colon = strchr(s, ':');
		v6 = colon && strchr(colon + 1, ':'); /* two colons: IPv6 without a port */
		port = !v6 && colon ? colon + 1 : NULL;
		cidr_len = port ? (size_t)(colon - s) : strlen(s);
	}
	if (parse_cidr(cidr, cidr_len, v6, r) < 0)
		goto bad;
	if (port && (parse_num(port, strlen(port), 65535, &p) < 0 || p == 0))
		goto bad;
	r->port = (uint16_t)p;
	return 0;
bad:
	return jail_error_set(e, 0, "'%s': expected CIDR[:PORT] (10.0.0.0/8:443, 192.0.2.7, "
				    "[2001:db8::/32]:443, 2001:db8::1), port 1-65535", s);
}

void bpf_egress_format(const struct jail_egress_rule *r, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(r->family == 6 ? AF_INET6 : AF_INET, r->addr, addr, sizeof(addr));
	if (!r->port)
		snprintf(buf, len, "%s/%u", addr, r->prefix);
	else if (r->family == 6)
		snprintf(buf, len, "[%s/%u]:%u", addr, r->prefix, r->port);
	else
		snprintf(buf, len, "%s/%u:%u", addr, r->prefix, r->port);
}

static int parse_devnum(const char *s, size_t len, uint32_t *out)
{
	if (len == 1 && s[0] == '*') {
		*out = JAIL_DEV_ANY;
		return 0;
	}
	return parse_num(s, len, (1u << 20) - 1, out); /* majors and minors fit 20 bits */
}

int bpf_device_parse(const char *s, struct jail_device_rule *r, struct jail_error *e)
{
	const char *num = s + 2, *colon, *sp;

	memset(r, 0, sizeof(*r));
	if (!strchr("abc", s[0]) || s[0] == '\0' || s[1] != ' ')
		goto bad;
	r->type = s[0];
	colon = strchr(num, ':');
	sp = colon ? strchr(colon, ' ') : NULL;
	if (!colon || !sp || parse_devnum(num, (size_t)(colon - num), &r->major) < 0 ||
	    parse_devnum(colon + 1, (size_t)(sp - colon - 1), &r->minor) < 0 || !sp[1])
		goto bad;
	for (const char *a = sp + 1; *a; a++) {
		uint32_t bit = *a == 'r' ? JAIL_DEV_READ : *a == 'w' ? JAIL_DEV_WRITE :
			       *a == 'm' ? JAIL_DEV_MKNOD : 0;
		if (!bit || (r->access & bit))
			goto bad;
		r->access |= bit;
	}
	return 0;
bad:
	return jail_error_set(e, 0, "'%s': expected \"TYPE MAJOR:MINOR ACCESS\" with TYPE c, b or "
				    "a, numbers or *, ACCESS of r, w, m (e.g. \"c 1:3 rw\")", s);
}

void bpf_device_format(const struct jail_device_rule *r, char *buf, size_t len)
{
	char maj[16], min[16];

	snprintf(maj, sizeof(maj), r->major == JAIL_DEV_ANY ? "*" : "%u", r->major);
	snprintf(min, sizeof(min), r->minor == JAIL_DEV_ANY ? "*" : "%u", r->minor);
	snprintf(buf, len, "%c %s:%s %s%s%s", r->type, maj, min,
		 r->access & JAIL_DEV_READ ? "r" : "", r->access & JAIL_DEV_WRITE ? "w" : "",
		 r->access & JAIL_DEV_MKNOD ? "m" : "");
}

int jail_bpf_add_egress(struct jail_bpf *b, const struct jail_egress_rule *r,
			struct jail_error *e)
{
	b->egress_set = true;
	for (size_t i = 0; i < b->n_egress; i++)
		if (!memcmp(&b->egress[i], r, sizeof(*r)))
			return 0;
	if (b->n_egress == JAIL_BPF_RULES_MAX)
		return jail_error_set(e, E2BIG, "more than %d egress rules", JAIL_BPF_RULES_MAX);
	b->egress = xrealloc(b->egress, (b->n_egress + 1) * sizeof(*r));
	b->egress[b->n_egress++] = *r;
	return 0;
}

int jail_bpf_add_device(struct jail_bpf *b, const struct jail_device_rule *r,
			struct jail_error *e)
{
	b->devices_set = true;
	for (size_t i = 0; i < b->n_devices; i++)
		if (!memcmp(&b->devices[i], r, sizeof(*r)))
			return 0;
	if (b->n_devices == JAIL_BPF_RULES_MAX)
		return jail_error_set(e, E2BIG, "more than %d device rules", JAIL_BPF_RULES_MAX);
	b->devices = xrealloc(b->devices, (b->n_devices + 1) * sizeof(*r));
	b->devices[b->n_devices++] = *r;
	return 0;
}

int jail_bpf_merge(struct jail_bpf *into, const struct jail_bpf *from, struct jail_error *e)
{
	if (from->exec_audit_set) {
		into->exec_audit = from->exec_audit;
		into->exec_audit_set = true;
	}
	into->egress_set |= from->egress_set;
	into->devices_set |= from->devices_set;
	for (size_t i = 0; i < from->n_egress; i++)
		if (jail_bpf_add_egress(into, &from->egress[i], e) < 0)
			return -1;
	for (size_t i = 0; i < from->n_devices; i++)
		if (jail_bpf_add_device(into, &from->devices[i], e) < 0)
			return -1;
	return 0;
}

void jail_bpf_free(struct jail_bpf *b)
{
	free(b->egress);
	free(b->devices);
	memset(b, 0, sizeof(*b));
}

bool jail_bpf_needs_cgroup(const struct jail_bpf *b)
{
	return b->egress_set || b->devices_set;
}

bool jail_bpf_wanted(const struct jail_bpf *b)
{
	return b->exec_audit || jail_bpf_needs_cgroup(b);
}
