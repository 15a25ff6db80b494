/* libFuzzer target: the profile loader. Each input is read as one profile layer
 * (yaml_tree + profile_parse); one that parses is merged onto an empty parent, checked,
 * planned against the shipped syscall groups and compiled, and the program is run in
 * the BPF interpreter; it must also come back unchanged from the profile cache's bytes
 * (policy/profile_cache.c). The same bytes are also read as a syscall-groups file and
 * as a cache entry's serialized profile, which must be refused or read cleanly.
 * Seeds: the shipped profiles and tests/policy/bad. Run with `make fuzz`. */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/bpf_interp.h"
#include "policy/profile_cache.h"
#include "policy/profile_model.h"
#include "policy/seccomp.h"
#include "policy/seccomp_groups.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A resolved profile survives the profile cache's bytes unchanged. */
static void cache_round_trip(const struct profile *p)
{
	size_t len, len2;
	char *bytes = profile_serialize(p, &len), *again;
	struct profile q;

	if (profile_deserialize(bytes, len, &q) < 0)
		abort();
	again = profile_serialize(&q, &len2);
	if (len2 != len || memcmp(again, bytes, len) != 0)
		abort();
	free(again);
	free(bytes);
	profile_free(&q);
}

static void plan_and_compile(const struct profile *layer)
{
	struct jail_seccomp_program prog = {NULL, 0};
	struct jail_error e = {0};
	struct sc_plan *plan = NULL;
	struct profile p;

	profile_init(&p);
	if (profile_merge_layer(&p, layer, &e) == 0 && profile_check_resolved(&p, &e) == 0)
		cache_round_trip(&p);
	else
		goto out;
	if (sc_plan_build(&p, &plan, &e) == 0 && sc_plan_compile(plan, &prog, &e) == 0) {
		struct seccomp_data d = {.nr = 16 /* ioctl on x86_64 */, .arch = 0};
		char *canon = sc_plan_canonical(plan);

		/* A compiled program must pass the checks the kernel would make. */
		if (bpf_validate(prog.insns, prog.len, &e) < 0)
			abort();
		d.arch = plan->arches[0];
		d.args[1] = 0x5412;
		(void)bpf_run(prog.insns, prog.len, &d);
		free(canon);
		free(prog.insns);
	}
out:
	sc_plan_free(plan);
	profile_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The loader gets a NUL-terminated buffer from profile_read_file. */
	char *buf = malloc(size + 1);
	struct jail_error e = {0};
	struct sc_groups groups;
	struct profile layer;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	profile_init(&layer);
	if (profile_parse("fuzz.yaml", buf, size, &layer, &e) == 0 && !layer.extends)
		plan_and_compile(&layer);
	profile_free(&layer);
	if (sc_groups_parse("fuzz-groups.yaml", buf, size, &groups, &e) == 0) {
		char **members = NULL;
		if (groups.n && sc_group_expand(&groups, groups.v[0].name, &members, &e) < 0) {
			/* an error is fine; a crash is not */
		}
		for (size_t i = 0; members && members[i]; i++)
			free(members[i]);
		free(members);
	}
	sc_groups_free(&groups);
	{
		/* As a cache entry's profile: refused, or read into one that frees cleanly. */
		struct profile q;
		(void)profile_deserialize(buf, size, &q);
		profile_free(&q);
	}
	free(buf);
	return 0;
}
