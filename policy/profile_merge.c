#include "autoconfig.h"

#include <stddef.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "policy/cleanup.h"
#include "policy/profile_model.h"
#include "policy/units.h"

/* Merging one layer onto its resolved parent: scalars the layer sets replace the
 * parent's, lists are appended to, and KEY-remove entries take inherited items out
 * first. A removal that matches nothing is an error: it is a typo or a stale profile,
 * and ignoring it would leave in place exactly what the author meant to take out. */

static const struct {
	uint32_t bit;
	size_t off, size;
} scalars[] = {
#define S(bit, member) { bit, offsetof(struct profile, member), sizeof(((struct profile *)0)->member) }
	S(PF_SCRATCH, scratch),		S(PF_WORKDIR, workdir_writable),
	S(PF_MAP, map_mode),		S(PF_ROOT, root_inside),
	S(PF_NET, net_mode),		S(PF_MEMORY, memory_max),
	S(PF_MEMORY_HIGH, memory_high), S(PF_SWAP, swap_max),
	S(PF_CPUS, cpu_millis),		S(PF_CPU_WEIGHT, cpu_weight),
	S(PF_PIDS, pids_max),		S(PF_IO_WEIGHT, io_weight),
	S(PF_TIMEOUT, timeout_ms),	S(PF_AMBIENT, caps_ambient),
	S(PF_DEFAULT_ACTION, default_action), S(PF_DENY_ACTION, deny_action),
#undef S
};

const char *profile_removal_where(const struct profile *l, const char *key, const char *value)
{
	for (size_t i = 0; i < l->n_removals; i++)
		if (strcmp(l->removals[i].key, key) == 0 && strcmp(l->removals[i].value, value) == 0)
			return l->removals[i].where;
	return l->file;
}

static int not_inherited(const struct profile *l, const char *key, const char *what,
			 struct jail_error *e)
{
	jail_error_set(e, 0, "%s: %s: '%s' is not inherited from '%s', nothing to remove",
		       profile_removal_where(l, key, what), key, what,
		       l->extends ? l->extends : "(no parent)");
	return jail_error_hint(e, "see the resolved parent with: jail profile show %s",
			       l->extends ? l->extends : l->name);
}

static int merge_strv(char ***into, char **add, char **rm, const struct profile *l,
		      const char *key, struct jail_error *e)
{
	for (size_t i = 0; rm && rm[i]; i++) {
		if (!strv_contains(*into, rm[i]))
			return not_inherited(l, key, rm[i], e);
		strv_remove(*into, rm[i]);
	}
	for (size_t i = 0; add && add[i]; i++)
		strv_add(into, add[i]);
	return 0;
}

static int merge_mounts(struct profile *p, const struct profile *l, struct jail_error *e)
{
	for (size_t i = 0; l->mounts_remove && l->mounts_remove[i]; i++) {
		size_t out = 0;
		bool found = false;

		for (size_t j = 0; j < p->n_mounts; j++) {
			if (strcmp(p->mounts[j].dst, l->mounts_remove[i]) == 0) {
				free(p->mounts[j].src);
				free(p->mounts[j].dst);
				found = true;
			} else {
				p->mounts[out++] = p->mounts[j];
			}
		}
		p->n_mounts = out;
		if (!found)
			return not_inherited(l, "filesystem.mounts-remove", l->mounts_remove[i], e);
	}
	for (size_t i = 0; i < l->n_mounts; i++) {
		for (size_t j = 0; j < p->n_mounts; j++)
			if (strcmp(p->mounts[j].dst, l->mounts[i].dst) == 0)
				return jail_error_set(e, 0, "%s: filesystem.mounts: '%s' is already "
						      "mounted by a parent; remove it first with "
						      "mounts-remove", l->file, l->mounts[i].dst);
		p->mounts = xrealloc(p->mounts, (p->n_mounts + 1) * sizeof(*p->mounts));
		p->mounts[p->n_mounts].kind = l->mounts[i].kind;
		p->mounts[p->n_mounts].src = l->mounts[i].src ? xstrdup(l->mounts[i].src) : NULL;
		p->mounts[p->n_mounts].dst = xstrdup(l->mounts[i].dst);
		p->n_mounts++;
	}
	return 0;
}

static int merge_io(struct profile *p, const struct profile *l, struct jail_error *e)
{
	for (size_t i = 0; l->io_remove && l->io_remove[i]; i++) {
		size_t out = 0, before = p->n_io;

		for (size_t j = 0; j < p->n_io; j++) {
			if (strcmp(p->io[j].device, l->io_remove[i]) == 0)
				free(p->io[j].device);
			else
				p->io[out++] = p->io[j];
		}
		p->n_io = out;
		if (out == before)
			return not_inherited(l, "limits.io-remove", l->io_remove[i], e);
	}
	for (size_t i = 0; i < l->n_io; i++) {
		size_t j = 0;

		while (j < p->n_io && strcmp(p->io[j].device, l->io[i].device) != 0)
			j++;
		if (j == p->n_io) {
			p->io = xrealloc(p->io, (p->n_io + 1) * sizeof(*p->io));
			p->io[p->n_io++].device = xstrdup(l->io[i].device);
		}
		p->io[j].read_bps = l->io[i].read_bps;
		p->io[j].write_bps = l->io[i].write_bps;
	}
	return 0;
}

static int merge_rlimits(struct profile *p, const struct profile *l, struct jail_error *e)
{
	for (size_t i = 0; l->rlimits_remove && l->rlimits_remove[i]; i++) {
		size_t out = 0, before = p->n_rlimits;
		int res;

		if (rlimit_from_name(l->rlimits_remove[i], &res, e) < 0)
			return jail_error_prefix(e, "%s: limits.rlimits-remove",
						 profile_removal_where(l, "limits.rlimits-remove",
								       l->rlimits_remove[i]));
		for (size_t j = 0; j < p->n_rlimits; j++)
			if (p->rlimits[j].resource != res)
				p->rlimits[out++] = p->rlimits[j];
		p->n_rlimits = out;
		if (out == before)
			return not_inherited(l, "limits.rlimits-remove", l->rlimits_remove[i], e);
	}
	for (size_t i = 0; i < l->n_rlimits; i++) {
		size_t j = 0;

		while (j < p->n_rlimits && p->rlimits[j].resource != l->rlimits[i].resource)
			j++;
		if (j == p->n_rlimits)
			p->rlimits = xrealloc(p->rlimits, (++p->n_rlimits) * sizeof(*p->rlimits));
		p->rlimits[j] = l->rlimits[i];
	}
	return 0;
}

static int remove_rules(struct profile *p, const struct profile *l, char **names, bool deny,
			struct jail_error *e)
{
	for (size_t i = 0; names && names[i]; i++) {
		size_t out = 0, before = p->n_rules;

		for (size_t j = 0; j < p->n_rules; j++) {
			struct sc_rule *r = &p->rules[j];
			if (r->deny == deny && strcmp(r->name, names[i]) == 0) {
				free(r->name);
				free(r->where);
			} else {
				p->rules[out++] = *r;
			}
		}
		p->n_rules = out;
		if (out == before)
			return not_inherited(l, deny ? "seccomp.deny-remove" : "seccomp.allow-remove",
					     names[i], e);
	}
	return 0;
}

static int merge_seccomp(struct profile *p, const struct profile *l, struct jail_error *e)
{
	if (merge_strv(&p->arches, l->arches, l->arches_remove, l, "seccomp.architectures-remove",
		       e) < 0)
		return -1;
	if (remove_rules(p, l, l->allow_remove, false, e) < 0 ||
	    remove_rules(p, l, l->deny_remove, true, e) < 0)
		return -1;
	p->rules = xrealloc(p->rules, (p->n_rules + l->n_rules) * sizeof(*p->rules));
	for (size_t i = 0; i < l->n_rules; i++) {
		struct sc_rule *r = &p->rules[p->n_rules++];
		*r = l->rules[i];
		r->name = xstrdup(l->rules[i].name);
		r->where = xstrdup(l->rules[i].where);
		/* A plain deny entry takes the deny-action in effect where it was written:
		 * the layer's own, or the one it inherits (already folded into p). */
		if (r->deny && !r->action_set)
			r->action = p->deny_action;
	}
	return 0;
}

static int merge_env(struct profile *p, const struct profile *l, struct jail_error *e)
{
	if (merge_strv(&p->env_keep, l->env_keep, l->env_keep_remove, l, "env.keep-remove", e) < 0)
		return -1;
	for (size_t i = 0; l->env_set_remove && l->env_set_remove[i]; i++) {
		size_t out = 0, before = p->n_env_set;

		for (size_t j = 0; j < p->n_env_set; j++) {
			if (strcmp(p->env_set[j].name, l->env_set_remove[i]) == 0) {
				free(p->env_set[j].name);
				free(p->env_set[j].value);
			} else {
				p->env_set[out++] = p->env_set[j];
			}
		}
		p->n_env_set = out;
		if (out == before)
			return not_inherited(l, "env.set-remove", l->env_set_remove[i], e);
	}
	for (size_t i = 0; i < l->n_env_set; i++) {
		size_t j = 0;

		while (j < p->n_env_set && strcmp(p->env_set[j].name, l->env_set[i].name) != 0)
			j++;
		if (j == p->n_env_set) {
			p->env_set = xrealloc(p->env_set, (++p->n_env_set) * sizeof(*p->env_set));
			p->env_set[j].name = xstrdup(l->env_set[i].name);
		} else {
			free(p->env_set[j].value);
		}
		p->env_set[j].value = xstrdup(l->env_set[i].value);
	}
	return 0;
}

static int merge_caps(struct profile *p, const struct profile *l, struct jail_error *e)
{
	uint64_t missing = l->caps_remove & ~p->caps_keep;

	if (missing) {
		int cap = __builtin_ctzll(missing);
		const char *written = NULL;

		/* Report the entry as the author wrote it ("chown" or "CAP_CHOWN"). */
		for (size_t i = 0; i < l->n_removals && !written; i++) {
			int v;
			struct jail_error ignored;
			if (strcmp(l->removals[i].key, "capabilities.keep-remove") == 0 &&
			    cap_parse(l->removals[i].value, &v, &ignored) == 0 && v == cap)
				written = l->removals[i].value;
		}
		return not_inherited(l, "capabilities.keep-remove", written ? written : "?", e);
	}
	p->caps_keep = (p->caps_keep & ~l->caps_remove) | l->caps_keep;
	return 0;
}

int profile_merge_layer(struct profile *p, const struct profile *l, struct jail_error *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(scalars); i++)
		if (l->has & scalars[i].bit)
			memcpy((char *)p + scalars[i].off, (const char *)l + scalars[i].off,
			       scalars[i].size);
	p->has |= l->has;
	free(p->name);
	p->name = xstrdup(l->name);
	if (l->description) {
		free(p->description);
		p->description = xstrdup(l->description);
	}
	free(p->file);
	p->file = xstrdup(l->file);
	strv_add(&p->chain, l->file);
	if (merge_strv(&p->toolchain, l->toolchain, l->toolchain_remove, l,
		       "filesystem.toolchain-remove", e) < 0)
		return -1;
	if (merge_mounts(p, l, e) < 0 || merge_io(p, l, e) < 0 || merge_rlimits(p, l, e) < 0)
		return -1;
	if (merge_caps(p, l, e) < 0 || merge_seccomp(p, l, e) < 0 || merge_env(p, l, e) < 0)
		return -1;
	if (jail_bpf_merge(&p->bpf, &l->bpf, e) < 0)
		return jail_error_prefix(e, "%s: bpf", l->file);
	jail_net_merge(&p->net, &l->net);
	return 0;
}

int profile_check_resolved(const struct profile *p, struct jail_error *e)
{
	if (p->caps_ambient && p->root_inside)
		return jail_error_set(e, 0, "%s: capabilities.ambient: only matters for a job that "
				      "is not root inside, but identity.root is true", p->file);
	if (p->caps_ambient && !p->caps_keep)
		return jail_error_set(e, 0, "%s: capabilities.ambient is true but no capability is "
				      "kept", p->file);
	if (p->memory_high != JAIL_UNSET && p->memory_max != JAIL_UNSET &&
	    p->memory_high > p->memory_max)
		return jail_error_set(e, 0, "%s: limits.memory-high is above limits.memory", p->file);
	return profile_net_check(p, e);
}
