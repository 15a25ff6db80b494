#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/bpf_rules.h"
#include "policy/cleanup.h"
#include "policy/config.h"
#include "policy/netrule.h"
#include "policy/units.h"

/* The same CIDR[:PORT] syntax and messages as network: allow (policy/netrule.c); the
 * programs take the family as 4 or 6. */
int bpf_egress_parse(const char *s, struct jail_egress_rule *r, struct jail_error *e)
{
	struct jail_cidr c;

	memset(r, 0, sizeof(*r));
	if (netrule_parse_cidr(s, &c, e) < 0)
		return -1;
	r->family = c.family == AF_INET ? 4 : 6;
	r->prefix = c.prefix;
	r->port = c.port;
	memcpy(r->addr, c.addr, sizeof(r->addr));
	return 0;
}

void bpf_egress_format(const struct jail_egress_rule *r, char *buf, size_t len)
{
	struct jail_cidr c = { .family = r->family == 4 ? AF_INET : AF_INET6,
			       .prefix = r->prefix,
			       .port = r->port };

	memcpy(c.addr, r->addr, sizeof(c.addr));
	netrule_format(&c, buf, len);
}

static int parse_devnum(const char *s, size_t len, uint32_t *out)
{
	if (len == 1 && s[0] == '*') {
		*out = JAIL_DEV_ANY;
		return 0;
	}
	return parse_digits(s, len, (1u << 20) - 1, out); /* majors and minors fit 20 bits */
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
