#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/cleanup.h"
#include "policy/profile.h"
#include "policy/profile_cache.h"
#include "policy/profile_model.h"
#include "policy/seccomp.h"
#include "policy/seccomp_cache.h"

/* The one entry point the runtime uses: name -> resolved profile -> jail_config. */

/* Everything the program is made from, as text: the profile's seccomp section as
 * resolved (before groups are expanded), the groups file's bytes, and the identity of
 * the jail binary doing the compiling (a rebuilt jail may compile differently). NULL
 * when an input cannot be read: the slow path then reports the error. */
static char *inputs_key(const struct profile *p)
{
	_cleanup_free_ char *groups_path = NULL, *groups = NULL;
	struct jail_error ignored = { 0 };
	size_t groups_len, len = 0;
	char *text = NULL;
	struct stat self;
	FILE *f;

	if (stat("/proc/self/exe", &self) < 0 ||
	    profile_find_file("syscall-groups.yaml", &groups_path, &ignored) < 0 ||
	    profile_read_file(groups_path, &groups, &groups_len, &ignored) < 0 ||
	    !(f = open_memstream(&text, &len)))
		return NULL;
	fprintf(f, "inputs v1\njail %s %llu:%llu %lld.%09ld %lld\ndefault %08x\n", PACKAGE_VERSION,
		(unsigned long long)self.st_dev, (unsigned long long)self.st_ino,
		(long long)self.st_mtim.tv_sec, self.st_mtim.tv_nsec, (long long)self.st_size,
		p->default_action);
	for (size_t i = 0; p->arches && p->arches[i]; i++)
		fprintf(f, "arch %s\n", p->arches[i]);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct sc_rule *r = &p->rules[i];
		fprintf(f, "rule %s %d %08x %d %s", r->name, r->deny, r->action, r->action_set,
			r->where ? r->where : "");
		for (unsigned j = 0; j < r->n_conds; j++)
			fprintf(f, " [%u %d %llx %llx]", r->conds[j].arg, (int)r->conds[j].op,
				(unsigned long long)r->conds[j].mask,
				(unsigned long long)r->conds[j].value);
		fputc('\n', f);
	}
	fprintf(f, "groups %s %zu\n", groups_path, groups_len);
	fwrite(groups, 1, groups_len, f);
	if (fclose(f) != 0 || strlen(text) != len) {
		free(text); /* a NUL byte in the groups file: no fast path */
		return NULL;
	}
	return text;
}

int profile_compile(const struct profile *p, struct jail_seccomp_program *prog,
		    struct jail_error *e)
{
	_cleanup_free_ char *key = inputs_key(p);
	struct sc_plan *plan = NULL;
	int r;

	/* A hit here skips parsing the groups file and building the plan (about 1.5 ms of
	 * the 2 ms a profile took; README "Performance"). */
	if (key && seccomp_cache_get(key, prog) == 1)
		return 0;
	/* Plan errors already start with the file:line:column of the rule. */
	if (sc_plan_build(p, &plan, e) < 0)
		return -1;
	r = seccomp_cache_compile(plan, prog, e);
	sc_plan_free(plan);
	if (r == 0 && key)
		seccomp_cache_put(key, prog);
	return r;
}

static void apply_limits(const struct profile *p, struct jail_config *c)
{
	static const struct {
		uint32_t bit;
		size_t from, to;
	} fields[] = {
		{ PF_MEMORY, offsetof(struct profile, memory_max),
		  offsetof(struct jail_limits, memory_max) },
		{ PF_MEMORY_HIGH, offsetof(struct profile, memory_high),
		  offsetof(struct jail_limits, memory_high) },
		{ PF_CPUS, offsetof(struct profile, cpu_millis),
		  offsetof(struct jail_limits, cpu_millis) },
		{ PF_CPU_WEIGHT, offsetof(struct profile, cpu_weight),
		  offsetof(struct jail_limits, cpu_weight) },
		{ PF_PIDS, offsetof(struct profile, pids_max),
		  offsetof(struct jail_limits, pids_max) },
		{ PF_IO_WEIGHT, offsetof(struct profile, io_weight),
		  offsetof(struct jail_limits, io_weight) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (p->has & fields[i].bit)
			memcpy((char *)&c->limits + fields[i].to, (const char *)p + fields[i].from,
			       sizeof(uint64_t));
	if (p->has & PF_SWAP) {
		/* "max" reads as UINT64_MAX == JAIL_UNSET: swap allowed, not capped. */
		c->limits.swap_max = p->swap_max;
		c->limits.allow_swap = p->swap_max != 0;
	}
	for (size_t i = 0; i < p->n_io; i++)
		config_add_io_limit(c, p->io[i].device, p->io[i].read_bps, p->io[i].write_bps);
	for (size_t i = 0; i < p->n_rlimits; i++)
		config_set_rlimit(c, p->rlimits[i].resource, &p->rlimits[i].value);
	if (p->has & PF_TIMEOUT)
		c->timeout_ms = p->timeout_ms;
}

static void apply_profile(const struct profile *p, struct jail_config *c)
{
	if (p->has & PF_TOOLCHAIN) {
		strv_free(c->toolchain_dirs);
		c->toolchain_dirs = p->toolchain ? strv_copy(p->toolchain)
						 : xcalloc(1, sizeof(char *));
	}
	if (p->has & PF_SCRATCH)
		c->scratch_size = p->scratch;
	if (p->has & PF_WORKDIR)
		c->workdir_writable = p->workdir_writable;
	for (size_t i = 0; i < p->n_mounts; i++)
		config_add_mount(c, p->mounts[i].kind, p->mounts[i].src, p->mounts[i].dst);
	if (p->has & PF_MAP)
		c->map_mode = p->map_mode;
	if (p->has & PF_ROOT)
		c->root_inside = p->root_inside;
	if (p->has & PF_NET)
		c->net_mode = p->net_mode;
	jail_net_merge(&c->net, &p->net);
	apply_limits(p, c);
	c->caps_keep = p->caps_keep;
	c->caps_ambient = p->caps_ambient;
	for (size_t i = 0; p->env_keep && p->env_keep[i]; i++)
		strv_add(&c->keep_env, p->env_keep[i]);
	for (size_t i = 0; i < p->n_env_set; i++)
		config_set_env(c, p->env_set[i].name, p->env_set[i].value);
	/* Cannot fail: both sides hold at most JAIL_BPF_RULES_MAX distinct rules. */
	jail_bpf_merge(&c->bpf, &p->bpf, &(struct jail_error){ 0 });
}

int profile_apply(const char *name, struct jail_config *c, struct jail_error *e)
{
	struct jail_seccomp_program prog = { NULL, 0 };
	struct profile p;

	if (profile_cache_load(name, &p, &prog) != 1) {
		profile_cache_begin();
		if (profile_resolve(name, &p, e) < 0 || profile_compile(&p, &prog, e) < 0) {
			profile_cache_abandon();
			free(prog.insns);
			profile_free(&p);
			return -1;
		}
		profile_cache_store(name, &p, &prog);
	}
	/* Nothing is written into c before everything has been checked. */
	apply_profile(&p, c);
	free(c->seccomp.insns);
	c->seccomp = prog;
	profile_free(&p);
	return 0;
}
