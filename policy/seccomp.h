/* From a resolved profile to a seccomp program. Two steps, so that `jail profile
 * explain` and the cache can look at the first without paying for the second:
 *   sc_plan_build():   expand groups, one entry per syscall, refuse contradictions;
 *   sc_plan_compile(): libseccomp -> one classic BPF program.
 *
 * Semantics, in the order a syscall meets them:
 *   1. deny entries (unconditional, or with argument conditions) decide first, with
 *      their action: an explicit deny is final;
 *   2. then the allowlist: allowed by name or group, or allowed when one of its
 *      conditional allow entries matches;
 *   3. anything else gets the default action.
 * Non-native architectures (and x32 on x86_64) are killed unless listed. */
#ifndef JAIL_SECCOMP_H
#define JAIL_SECCOMP_H

#include <stdint.h>

#include "policy/config.h"
#include "policy/error.h"
#include "policy/profile_model.h"

struct sc_entry {
	char *name;
	const struct sc_rule *allow; /* unconditional allow, by name or through a group */
	char *allow_group;	     /* "@group" it came through, NULL if named */
	const struct sc_rule *deny;  /* unconditional deny */
	char *deny_group;
	const struct sc_rule **conds; /* conditional rules, all allow or all deny */
	size_t n_conds;
};

struct sc_plan {
	struct sc_entry *entries; /* sorted by name */
	size_t n;
	uint32_t default_action;
	uint32_t arches[16]; /* SCMP_ARCH_*, the native one first */
	size_t n_arches;
	char *groups_file;
};

int sc_plan_build(const struct profile *p, struct sc_plan **out, struct jail_error *e);
void sc_plan_free(struct sc_plan *plan);
const struct sc_entry *sc_plan_lookup(const struct sc_plan *plan, const char *name);
/* A text that determines the program completely (the cache key's input). */
char *sc_plan_canonical(const struct sc_plan *plan);
int sc_plan_compile(const struct sc_plan *plan, struct jail_seccomp_program *out,
		    struct jail_error *e);
/* Does the conditional rule match these arguments? */
bool sc_rule_matches(const struct sc_rule *r, const uint64_t args[6]);

#endif
