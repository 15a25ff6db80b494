/* The profile's bpf: section (root-only extras): reading one layer, printing the
 * resolved result. Merging is jail_bpf_merge (policy/bpf_rules.c): lists append,
 * exec_audit overrides.
 *
 *   bpf:
 *     egress: [CIDR[:PORT], ...]
 *     devices: ["c 1:3 rw", ...]
 *     exec_audit: true
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/cleanup.h"
#include "policy/profile_model.h"
#include "policy/yaml_tree.h"

/* Each item of a list of strings, parsed by add_one; errors at the item. */
static int parse_list(const char *file, const char *key, const struct ynode *v, struct jail_bpf *b,
		      bool egress, struct jail_error *e)
{
	if (v->kind != YNODE_SEQ)
		return profile_err_at(file, v, key, e, "expected a list, found %s", ynode_found(v));
	if (egress)
		b->egress_set = true;
	else
		b->devices_set = true;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *item = v->kids[i];
		struct jail_egress_rule er;
		struct jail_device_rule dr;
		int r;

		if (item->kind != YNODE_SCALAR || ynode_is_null(item))
			return profile_err_at(file, item, key, e, "expected a string, found %s",
					      ynode_found(item));
		r = egress ? bpf_egress_parse(item->value, &er, e)
			   : bpf_device_parse(item->value, &dr, e);
		if (r == 0)
			r = egress ? jail_bpf_add_egress(b, &er, e)
				   : jail_bpf_add_device(b, &dr, e);
		if (r < 0) {
			char msg[sizeof(e->msg)];
			memcpy(msg, e->msg, sizeof(msg));
			return profile_err_at(file, item, key, e, "%s", msg);
		}
	}
	return 0;
}

int profile_bpf_parse(const char *file, struct profile *p, const char *section,
		      const struct ynode *v, struct jail_error *e)
{
	if (v->kind != YNODE_MAP)
		return profile_err_at(file, v, section, e, "expected a mapping, found %s",
				      ynode_found(v));
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->kids[i], *val = v->kids[i + 1];
		_cleanup_free_ char *key = xasprintf("%s.%s", section, k->value);

		if (strcmp(k->value, "egress") == 0 || strcmp(k->value, "devices") == 0) {
			if (parse_list(file, key, val, &p->bpf, k->value[0] == 'e', e) < 0)
				return -1;
		} else if (strcmp(k->value, "exec_audit") == 0) {
			if (val->kind != YNODE_SCALAR ||
			    (strcmp(val->value, "true") && strcmp(val->value, "false")))
				return profile_err_at(
				    file, val, key, e, "expected true or false, found %s",
				    val->kind == YNODE_SCALAR ? val->value : ynode_found(val));
			p->bpf.exec_audit = strcmp(val->value, "true") == 0;
			p->bpf.exec_audit_set = true;
		} else {
			return profile_err_at(file, k, key, e,
					      "unknown key: expected one of egress, devices, "
					      "exec_audit");
		}
	}
	return 0;
}

void profile_bpf_show(FILE *out, const struct profile *p)
{
	const struct jail_bpf *b = &p->bpf;
	char buf[96];

	if (!jail_bpf_wanted(b))
		return;
	fprintf(out, "bpf: # root only\n");
	if (b->egress_set) {
		fprintf(out, "  egress: [");
		for (size_t i = 0; i < b->n_egress; i++) {
			bpf_egress_format(&b->egress[i], buf, sizeof(buf));
			fprintf(out, "%s\"%s\"", i ? ", " : "", buf);
		}
		fprintf(out, "]\n");
	}
	if (b->devices_set) {
		fprintf(out, "  devices: [");
		for (size_t i = 0; i < b->n_devices; i++) {
			bpf_device_format(&b->devices[i], buf, sizeof(buf));
			fprintf(out, "%s\"%s\"", i ? ", " : "", buf);
		}
		fprintf(out, "]\n");
	}
	fprintf(out, "  exec_audit: %s\n", b->exec_audit ? "true" : "false");
}
