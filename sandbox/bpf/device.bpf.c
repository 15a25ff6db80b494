/* Device policy for the job's cgroup: an access (open for read/write, mknod) to a
 * device node is allowed only if a rule names its type, major:minor and the access;
 * anything else fails with EPERM. Overlayfs whiteouts (c 0:0) never reach this: the
 * kernel exempts them. UAPI context only (struct bpf_cgroup_dev_ctx): no kernel BTF. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "rules.h"

const volatile struct jail_bpf_device rules[JAIL_BPF_MAX_RULES];
const volatile unsigned int n_rules;

unsigned long long denied;

SEC("cgroup/dev")
int jail_device(struct bpf_cgroup_dev_ctx *ctx)
{
	unsigned int type = ctx->access_type & 0xffff, access = ctx->access_type >> 16;
	unsigned int i;

	for (i = 0; i < JAIL_BPF_MAX_RULES; i++) {
		const volatile struct jail_bpf_device *r = &rules[i];

		if (i >= n_rules)
			break;
		if (r->type && r->type != type)
			continue;
		if (r->major != JAIL_BPF_ANY && r->major != ctx->major)
			continue;
		if (r->minor != JAIL_BPF_ANY && r->minor != ctx->minor)
			continue;
		if ((access & r->access) == access)
			return 1;
	}
	__sync_fetch_and_add(&denied, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
