#include "autoconfig.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policy/bpf_interp.h"
#include "policy/cleanup.h"
#include "policy/seccomp.h"
#include "policy/seccomp_groups.h"

/* ---- the plan: one entry per syscall, contradictions refused ---- */

void sc_plan_free(struct sc_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->entries[i].name);
		free(plan->entries[i].allow_group);
		free(plan->entries[i].deny_group);
		free(plan->entries[i].conds);
	}
	free(plan->entries);
	free(plan->groups_file);
	free(plan);
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sc_entry *)a)->name, ((const struct sc_entry *)b)->name);
}

const struct sc_entry *sc_plan_lookup(const struct sc_plan *plan, const char *name)
{
	struct sc_entry key = { .name = (char *)name };

	if (!plan->n)
		return NULL;
	return bsearch(&key, plan->entries, plan->n, sizeof(key), entry_cmp);
}

/* Entries are collected unsorted (linear lookup) and sorted once at the end. */
static struct sc_entry *get_entry(struct sc_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n; i++)
		if (strcmp(plan->entries[i].name, name) == 0)
			return &plan->entries[i];
	plan->entries = xrealloc(plan->entries, (plan->n + 1) * sizeof(*plan->entries));
	memset(&plan->entries[plan->n], 0, sizeof(*plan->entries));
	plan->entries[plan->n].name = xstrdup(name);
	return &plan->entries[plan->n++];
}

static int contradiction(const struct sc_rule *a, const struct sc_rule *b, const char *name,
			 const char *why, struct jail_error *e)
{
	jail_error_set(e, 0, "%s: seccomp: %s: %s (the other rule is at %s)", b->where, name, why,
		       a->where);
	return jail_error_hint(e, "take one out with seccomp.allow-remove or seccomp.deny-remove");
}

static int add_unconditional(struct sc_entry *en, const struct sc_rule *r, const char *group,
			     struct jail_error *e)
{
	const struct sc_rule **slot = r->deny ? &en->deny : &en->allow;
	char **slot_group = r->deny ? &en->deny_group : &en->allow_group;

	if (r->deny && en->deny && en->deny->action != r->action)
		return contradiction(en->deny, r, en->name, "denied twice with different actions",
				     e);
	/* Both named outright: the author said two opposite things. Through a group,
	 * the explicit deny is the exception the author carved out. */
	if (!group && !r->deny && en->deny && !en->deny_group)
		return contradiction(en->deny, r, en->name, "both allowed and denied", e);
	if (!group && r->deny && en->allow && !en->allow_group)
		return contradiction(en->allow, r, en->name, "both allowed and denied", e);
	if (*slot && !*slot_group)
		return 0; /* keep the named rule as the reason */
	free(*slot_group);
	*slot = r;
	*slot_group = group ? xstrdup(group) : NULL;
	return 0;
}

static int add_rule(struct sc_plan *plan, const struct sc_groups *groups, const struct sc_rule *r,
		    struct jail_error *e)
{
	char **names = NULL;
	int ret = 0;

	if (r->n_conds) {
		struct sc_entry *en = get_entry(plan, r->name);
		en->conds = xrealloc(en->conds, (en->n_conds + 1) * sizeof(*en->conds));
		en->conds[en->n_conds++] = r;
		return 0;
	}
	if (r->name[0] != '@')
		return add_unconditional(get_entry(plan, r->name), r, NULL, e);
	if (sc_group_expand(groups, r->name, &names, e) < 0) {
		strv_free(names);
		return jail_error_prefix(e, "%s: seccomp.%s", r->where, r->deny ? "deny" : "allow");
	}
	for (size_t i = 0; names[i] && ret == 0; i++)
		ret = add_unconditional(get_entry(plan, names[i]), r, r->name, e);
	strv_free(names);
	return ret;
}

/* Conditional rules only make sense next to what they refine. */
static int check_conds(const struct sc_entry *en, struct jail_error *e)
{
	for (size_t i = 0; i < en->n_conds; i++) {
		const struct sc_rule *r = en->conds[i], *first = en->conds[0];

		if (r->deny && en->deny)
			return contradiction(en->deny, r, en->name, "a conditional deny has no "
					     "effect: the syscall is denied outright", e);
		if (!r->deny && en->allow)
			return contradiction(en->allow, r, en->name, "a conditional allow has no "
					     "effect: the syscall is allowed outright", e);
		if (!r->deny && en->deny)
			return contradiction(en->deny, r, en->name, "a conditional allow can never "
					     "apply: the syscall is denied outright", e);
		if (r->deny != first->deny)
			return contradiction(first, r, en->name, "mixing conditional allow and "
					     "deny rules is ambiguous: use one kind", e);
		if (r->deny && r->action != first->action)
			return contradiction(first, r, en->name, "conditional denies with different "
					     "actions", e);
	}
	return 0;
}

static int plan_arches(struct sc_plan *plan, const struct profile *p, struct jail_error *e)
{
	plan->arches[plan->n_arches++] = seccomp_arch_native();
	for (size_t i = 0; p->arches && p->arches[i]; i++) {
		uint32_t a = strcmp(p->arches[i], "native") == 0 ? seccomp_arch_native()
							       : seccomp_arch_resolve_name(p->arches[i]);
		bool dup = false;

		if (!a)
			return jail_error_set(e, 0, "%s: seccomp.architectures: unknown '%s'", p->file,
					      p->arches[i]);
		for (size_t j = 0; j < plan->n_arches; j++)
			dup |= plan->arches[j] == a;
		if (!dup && plan->n_arches < ARRAY_SIZE(plan->arches))
			plan->arches[plan->n_arches++] = a;
	}
	return 0;
}

int sc_plan_build(const struct profile *p, struct sc_plan **out, struct jail_error *e)
{
	struct sc_plan *plan = xcalloc(1, sizeof(*plan));
	struct sc_groups groups;
	int r = sc_groups_load(&groups, e);

	plan->default_action = p->default_action;
	if (r == 0) {
		plan->groups_file = xstrdup(groups.file);
		r = plan_arches(plan, p, e);
	}
	for (size_t i = 0; r == 0 && i < p->n_rules; i++)
		r = add_rule(plan, &groups, &p->rules[i], e);
	for (size_t i = 0; r == 0 && i < plan->n; i++)
		r = check_conds(&plan->entries[i], e);
	sc_groups_free(&groups);
	if (r < 0) {
		sc_plan_free(plan);
		return -1;
	}
	/* A profile with no rules has no entries: qsort(NULL, 0) is still undefined. */
	if (plan->n)
		qsort(plan->entries, plan->n, sizeof(*plan->entries), entry_cmp);
	*out = plan;
	return 0;
}

bool sc_rule_matches(const struct sc_rule *r, const uint64_t args[6])
{
	for (unsigned i = 0; i < r->n_conds; i++) {
		const struct sc_cond *c = &r->conds[i];
		uint64_t a = args[c->arg];
		bool ok = false;

		switch (c->op) {
		case SCMP_CMP_EQ: ok = a == c->value; break;
		case SCMP_CMP_NE: ok = a != c->value; break;
		case SCMP_CMP_LT: ok = a < c->value; break;
		case SCMP_CMP_LE: ok = a <= c->value; break;
		case SCMP_CMP_GT: ok = a > c->value; break;
		case SCMP_CMP_GE: ok = a >= c->value; break;
		case SCMP_CMP_MASKED_EQ: ok = (a & c->mask) == c->value; break;
		}
		if (!ok)
			return false;
	}
	return true;
}

char *sc_plan_canonical(const struct sc_plan *plan)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		abort();
	fprintf(f, "default %08x\n", plan->default_action);
	for (size_t i = 0; i < plan->n_arches; i++)
		fprintf(f, "arch %08x\n", plan->arches[i]);
	for (size_t i = 0; i < plan->n; i++) {
		const struct sc_entry *en = &plan->entries[i];

		fprintf(f, "%s %c%08x", en->name, en->deny ? 'D' : en->allow ? 'A' : '-',
			en->deny ? en->deny->action : 0);
		for (size_t j = 0; j < en->n_conds; j++) {
			const struct sc_rule *r = en->conds[j];

			fprintf(f, " |%c%08x", r->deny ? 'D' : 'A', r->action);
			for (unsigned k = 0; k < r->n_conds; k++)
				fprintf(f, " a%u:%d:%llx:%llx", r->conds[k].arg, r->conds[k].op,
					(unsigned long long)r->conds[k].mask,
					(unsigned long long)r->conds[k].value);
		}
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		abort();
	return s;
}
