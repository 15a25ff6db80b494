#include "autoconfig.h"

#include <seccomp.h>
#include <string.h>

#include "policy/bpf_interp.h"
#include "policy/cleanup.h"
#include "policy/profile_model.h"
#include "policy/profile_show.h"
#include "policy/seccomp.h"

/* `jail profile explain NAME SYSCALL [ARGS]`: which entry decides and why, from the
 * policy's own rules, then the same question put to the compiled program through the
 * BPF interpreter. If the two ever disagree that is a bug in jail, and it says so. */

struct explain_args {
	uint64_t v[SC_MAX_ARGS];
	bool set[SC_MAX_ARGS];
};

/* Bare values fill, in order, the argument positions the syscall's conditional rules
 * test: `explain default ioctl TIOCSTI` means ioctl's arg1. argN=VALUE is explicit. */
static int parse_args(const struct sc_entry *en, char **args, int n, struct explain_args *a,
		      struct jail_error *e)
{
	bool tested[SC_MAX_ARGS] = { false };
	unsigned next = 0;

	for (size_t i = 0; en && i < en->n_conds; i++)
		for (unsigned j = 0; j < en->conds[i]->n_conds; j++)
			tested[en->conds[i]->conds[j].arg] = true;
	for (int i = 0; i < n; i++) {
		const char *val = args[i];
		unsigned idx;

		if (strncmp(val, "arg", 3) == 0 && val[3] >= '0' && val[3] <= '5' && val[4] == '=') {
			idx = (unsigned)(val[3] - '0');
			val += 5;
		} else {
			while (next < SC_MAX_ARGS && (!tested[next] || a->set[next]))
				next++;
			if (next == SC_MAX_ARGS)
				return jail_error_set(e, 0, "argument '%s': no rule tests another "
						      "argument (use argN=VALUE)", val);
			idx = next;
		}
		if (sc_value_parse(val, &a->v[idx], e) < 0)
			return -1;
		a->set[idx] = true;
	}
	return 0;
}

static const char *via(const char *group)
{
	return group ? group : "by name";
}

/* Returns the action the policy says, and prints the reason. */
static uint32_t decide(FILE *out, const struct profile *p, const struct sc_entry *en,
		       const struct explain_args *a)
{
	const struct sc_rule *hit = NULL;

	if (en && en->deny) {
		fprintf(out, "  decided by: deny entry '%s' (%s) at %s\n", en->deny->name,
			via(en->deny_group), en->deny->where);
		return en->deny->action;
	}
	for (size_t i = 0; en && i < en->n_conds && !hit; i++)
		if (sc_rule_matches(en->conds[i], a->v))
			hit = en->conds[i];
	if (hit && hit->deny) {
		fprintf(out, "  decided by: conditional deny at %s (its conditions match)\n",
			hit->where);
		return hit->action;
	}
	if (en && en->allow) {
		fprintf(out, "  decided by: allow entry '%s' (%s) at %s%s\n", en->allow->name,
			via(en->allow_group), en->allow->where,
			en->n_conds ? "; no conditional deny matches" : "");
		return SCMP_ACT_ALLOW;
	}
	if (hit) {
		fprintf(out, "  decided by: conditional allow at %s (its conditions match)\n",
			hit->where);
		return SCMP_ACT_ALLOW;
	}
	fprintf(out, "  decided by: seccomp.default-action of %s: %s\n", p->file,
		en && en->n_conds ? "no conditional allow matches" : "not in the allowlist");
	return p->default_action;
}

static void list_rules(FILE *out, const struct sc_entry *en)
{
	char action[64];

	for (size_t i = 0; en && i < en->n_conds; i++) {
		const struct sc_rule *r = en->conds[i];

		sc_action_format(r->action, action, sizeof(action));
		fprintf(out, "  rule at %s: %s if", r->where, action);
		for (unsigned j = 0; j < r->n_conds; j++) {
			const struct sc_cond *c = &r->conds[j];
			fprintf(out, "%s arg%u", j ? " and" : "", c->arg);
			if (c->op == SCMP_CMP_MASKED_EQ)
				fprintf(out, " & 0x%llx ==", (unsigned long long)c->mask);
			else
				fprintf(out, " %s", sc_op_name(c->op));
			fprintf(out, " 0x%llx", (unsigned long long)c->value);
		}
		fputc('\n', out);
	}
}

static int check_program(FILE *out, const struct profile *p, int nr, const struct explain_args *a,
			 uint32_t expected, struct jail_error *e)
{
	struct jail_seccomp_program prog = { NULL, 0 };
	struct seccomp_data d = { .nr = nr, .arch = seccomp_arch_native() };
	char want[64], got[64];
	uint32_t ret;

	if (profile_compile(p, &prog, e) < 0)
		return -1;
	memcpy(d.args, a->v, sizeof(d.args));
	ret = bpf_run(prog.insns, prog.len, &d);
	free(prog.insns);
	sc_action_format(expected, want, sizeof(want));
	sc_action_format(ret, got, sizeof(got));
	if (ret != expected)
		return jail_error_set(e, 0, "BUG: the policy says %s but the compiled program "
				      "returns %s", want, got);
	fprintf(out, "  compiled program agrees: %s\n", got);
	return 0;
}

int profile_explain(FILE *out, const char *name, const char *syscall, char **args, int n_args,
		    struct jail_error *e)
{
	struct explain_args a = { { 0 }, { false } };
	struct sc_plan *plan = NULL;
	const struct sc_entry *en;
	struct profile p;
	char action[64];
	uint32_t act;
	int nr = seccomp_syscall_resolve_name(syscall), r = -1;

	if (nr == __NR_SCMP_ERROR)
		return jail_error_set(e, 0, "unknown syscall '%s'", syscall);
	if (profile_resolve(name, &p, e) < 0 || sc_plan_build(&p, &plan, e) < 0)
		goto out;
	en = sc_plan_lookup(plan, syscall);
	if (parse_args(en, args, n_args, &a, e) < 0)
		goto out;
	/* Arguments not given are 0 for the compiled check; "*" says no rule asked. */
	fprintf(out, "%s(", syscall);
	for (int i = 0; i < SC_MAX_ARGS; i++) {
		if (a.set[i])
			fprintf(out, "%s0x%llx", i ? ", " : "", (unsigned long long)a.v[i]);
		else
			fprintf(out, "%s*", i ? ", " : "");
	}
	fprintf(out, ") in profile %s\n", p.name);
	list_rules(out, en);
	act = decide(out, &p, en, &a);
	sc_action_format(act, action, sizeof(action));
	fprintf(out, "  result: %s\n", action);
	if (nr < 0) {
		fprintf(out, "  (%s does not exist on this architecture)\n", syscall);
		r = 0;
	} else {
		r = check_program(out, &p, nr, &a, act, e);
	}
out:
	sc_plan_free(plan);
	profile_free(&p);
	return r;
}
