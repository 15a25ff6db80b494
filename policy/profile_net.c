#include "autoconfig.h"

#include <stdarg.h>
#include <string.h>
#include <sys/capability.h>

#include "policy/profile_model.h"
#include "policy/yaml_tree.h"

/* The network: section of one profile layer:
 *   network: none | user | {mode: none|user, allow: [CIDR[:PORT], ...], dns: [IP, ...]}
 * In the mapping form mode defaults to user. allow and dns are lists: they merge across
 * extends as unions (profile_merge.c), so a child can add destinations, never take away
 * what its parent allows; a child of a parent without a list that gives one restricts. */

static int parse_mode(const char *file, const struct ynode *v, const char *key,
		      enum jail_net_mode *mode, struct jail_error *e)
{
	if (v->kind != YNODE_SCALAR || ynode_is_null(v))
		return profile_err_at(file, v, key, e, "expected none or user, found %s",
				      ynode_found(v));
	if (strcmp(v->value, "none") == 0)
		*mode = JAIL_NET_NONE;
	else if (strcmp(v->value, "user") == 0)
		*mode = JAIL_NET_USER;
	else
		return profile_err_at(file, v, key, e,
				      "expected none (loopback only) or user (pasta, "
				      "see jail-profile(5)), found '%s'",
				      v->value);
	return 0;
}

/* allow: or dns: one list of scalars, each parsed at its own position. */
static int parse_list(const char *file, const struct ynode *v, const char *key, bool dns,
		      struct jail_net *net, struct jail_error *e)
{
	if (v->kind != YNODE_SEQ)
		return profile_err_at(file, v, key, e, "expected a list of %s, found %s",
				      dns ? "IP addresses" : "CIDR[:PORT]", ynode_found(v));
	if (!dns)
		net->allow_set = true;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *item = v->kids[i];
		struct jail_cidr r;
		size_t before = dns ? net->n_dns : net->n_allow;

		if (item->kind != YNODE_SCALAR || ynode_is_null(item))
			return profile_err_at(file, item, key, e, "expected %s, found %s",
					      dns ? "an IP address" : "CIDR[:PORT]",
					      ynode_found(item));
		if ((dns ? netrule_parse_ip(item->value, &r, e)
			 : netrule_parse_cidr(item->value, &r, e)) < 0) {
			char msg[sizeof(e->msg)];

			memcpy(msg, e->msg, sizeof(msg));
			return profile_err_at(file, item, key, e, "%s", msg);
		}
		if (dns)
			jail_net_add_dns(net, &r);
		else
			jail_net_add_allow(net, &r);
		if ((dns ? net->n_dns : net->n_allow) == before)
			return profile_err_at(file, item, key, e, "'%s' is listed twice",
					      item->value);
	}
	return 0;
}

static int parse_mapping(const char *file, struct profile *p, const char *section,
			 const struct ynode *v, struct jail_error *e)
{
	const struct ynode *mode = NULL, *lists = NULL;

	p->net_mode = JAIL_NET_USER;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->kids[i], *val = v->kids[i + 1];
		char key[64];

		snprintf(key, sizeof(key), "%s.%s", section, k->value);
		if (strcmp(k->value, "mode") == 0) {
			if (parse_mode(file, val, key, &p->net_mode, e) < 0)
				return -1;
			mode = val;
		} else if (strcmp(k->value, "allow") == 0 || strcmp(k->value, "dns") == 0) {
			if (parse_list(file, val, key, k->value[0] == 'd', &p->net, e) < 0)
				return -1;
			lists = lists ? lists : k;
		} else {
			return profile_err_at(file, k, key, e,
					      "unknown key: expected one of mode, allow, "
					      "dns");
		}
	}
	if (mode && lists && p->net_mode == JAIL_NET_NONE)
		return profile_err_at(file, lists, section, e,
				      "allow and dns need mode user (with mode "
				      "none there is no route out at all)");
	return 0;
}

int profile_net_parse(const char *file, struct profile *p, const char *section,
		      const struct ynode *v, struct jail_error *e)
{
	p->has |= PF_NET;
	if (v->kind == YNODE_MAP)
		return parse_mapping(file, p, section, v, e);
	if (v->kind != YNODE_SCALAR || ynode_is_null(v))
		return profile_err_at(file, v, section, e,
				      "expected none, user or a mapping {mode:, "
				      "allow:, dns:}, found %s",
				      ynode_found(v));
	return parse_mode(file, v, section, &p->net_mode, e);
}

static void show_list(FILE *out, const char *key, const struct jail_cidr *v, size_t n)
{
	char text[64];

	fprintf(out, "  %s:%s\n", key, n ? "" : " []");
	for (size_t i = 0; i < n; i++) {
		netrule_format(&v[i], text, sizeof(text));
		fprintf(out, "    - \"%s\"\n", text);
	}
}

void profile_net_show(FILE *out, const struct profile *p)
{
	/* Mode none over a parent's lists: the lists do nothing, and none reads back. */
	if (p->net_mode == JAIL_NET_NONE) {
		fprintf(out, "network: none\n");
		return;
	}
	if (!p->net.allow_set && !p->net.n_dns) {
		fprintf(out, "network: user\n");
		return;
	}
	fprintf(out, "network:\n  mode: user\n");
	if (p->net.allow_set)
		show_list(out, "allow", p->net.allow, p->net.n_allow);
	if (p->net.n_dns)
		show_list(out, "dns", p->net.dns, p->net.n_dns);
}

/* With network: user the job must not hold CAP_NET_ADMIN (it could rewrite the routes
 * and rules that are the allowlist) nor CAP_NET_RAW (raw frames past them). */
int profile_net_check(const struct profile *p, struct jail_error *e)
{
	uint64_t net_caps = (UINT64_C(1) << CAP_NET_ADMIN) | (UINT64_C(1) << CAP_NET_RAW);

	if (p->net_mode == JAIL_NET_USER && (p->caps_keep & net_caps))
		return jail_error_set(
		    e, 0,
		    "%s: capabilities.keep: %s cannot be kept with "
		    "network: user (the job could rewrite the routes that enforce "
		    "the allowlist)",
		    p->file,
		    p->caps_keep & (UINT64_C(1) << CAP_NET_ADMIN) ? "net_admin" : "net_raw");
	return 0;
}
