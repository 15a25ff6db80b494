#include "autoconfig.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policy/bpf_interp.h"
#include "policy/cleanup.h"
#include "policy/seccomp.h"

/* libseccomp cannot say "allow ioctl, except when arg1 is TIOCSTI": an unconditional
 * rule for a syscall swallows any conditional rule added for it. So the program is
 * built from two libseccomp filters, as a denylist stacked on an allowlist would be:
 *   deny filter   default allow, holds every deny entry (with conditions);
 *   allow filter  default = the profile's, holds every allow entry.
 * The deny filter runs first; each of its "allow" returns becomes a jump to the start
 * of the allow filter. Explicit denies therefore win, which is the documented rule. */

static void ctx_release(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(ctx_release)))

static int lib_err(struct jail_error *e, int rc, const char *what, const char *name)
{
	return jail_error_set(e, -rc, "libseccomp: %s%s%s", what, name ? " " : "", name ? name : "");
}

static int new_ctx(const struct sc_plan *plan, uint32_t def, scmp_filter_ctx *out,
		   struct jail_error *e)
{
	scmp_filter_ctx ctx = seccomp_init(def);
	int rc;

	if (!ctx)
		return jail_error_set(e, EINVAL, "libseccomp: cannot create a filter");
	*out = ctx;
	/* A binary search over syscall numbers instead of a linear chain: a 350-entry
	 * allowlist costs ~9 comparisons instead of up to 350 on every syscall. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* The runtime sets no_new_privs itself, earlier, and says so if it fails. */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 1; rc == 0 && i < plan->n_arches; i++)
		rc = seccomp_arch_add(ctx, plan->arches[i]);
	return rc < 0 ? lib_err(e, rc, "cannot set up the filter", NULL) : 0;
}

/* Skip names that exist on none of the filter's architectures (socketcall on
 * x86_64): libseccomp would add a comparison that can never match. */
static int syscall_nr(const struct sc_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n_arches; i++)
		if (seccomp_syscall_resolve_name_arch(plan->arches[i], name) >= 0)
			return seccomp_syscall_resolve_name(name);
	return __NR_SCMP_ERROR;
}

static int add(scmp_filter_ctx ctx, uint32_t action, int nr, const struct sc_rule *r,
	       const char *name, struct jail_error *e)
{
	struct scmp_arg_cmp cmp[SC_MAX_ARGS];
	unsigned n = r ? r->n_conds : 0;
	int rc;

	for (unsigned i = 0; i < n; i++) {
		cmp[i].arg = r->conds[i].arg;
		cmp[i].op = (enum scmp_compare)r->conds[i].op;
		cmp[i].datum_a = r->conds[i].op == SCMP_CMP_MASKED_EQ ? r->conds[i].mask
								       : r->conds[i].value;
		cmp[i].datum_b = r->conds[i].value;
	}
	rc = seccomp_rule_add_array(ctx, action, nr, n, cmp);
	return rc < 0 ? lib_err(e, rc, "cannot add a rule for", name) : 0;
}

static int fill(const struct sc_plan *plan, scmp_filter_ctx deny, scmp_filter_ctx allow,
		size_t *n_deny, struct jail_error *e)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct sc_entry *en = &plan->entries[i];
		int nr = syscall_nr(plan, en->name), r = 0;

		if (nr == __NR_SCMP_ERROR)
			continue;
		if (en->deny) {
			r = add(deny, en->deny->action, nr, NULL, en->name, e);
			(*n_deny)++;
		} else if (en->allow) {
			r = add(allow, SCMP_ACT_ALLOW, nr, NULL, en->name, e);
		}
		for (size_t j = 0; r == 0 && j < en->n_conds; j++) {
			const struct sc_rule *c = en->conds[j];
			r = add(c->deny ? deny : allow, c->action, nr, c, en->name, e);
			*n_deny += c->deny;
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

static int export(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *len,
		  struct jail_error *e)
{
	/* libseccomp 2.5 exports only to an fd; a memfd keeps it off the disk. */
	_cleanup_close_ int fd = memfd_create("jail-seccomp", MFD_CLOEXEC);
	off_t size;
	int rc;

	if (fd < 0)
		return jail_error_set(e, errno, "memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return lib_err(e, rc, "cannot export the program", NULL);
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter))
		return jail_error_set(e, 0, "libseccomp exported %lld bytes", (long long)size);
	*insns = xmalloc((size_t)size);
	if (pread(fd, *insns, (size_t)size, 0) != size) {
		free(*insns);
		return jail_error_set(e, errno, "cannot read back the exported program");
	}
	*len = (size_t)size / sizeof(struct sock_filter);
	return 0;
}

/* Deny program first, its ALLOW returns turned into jumps to the allow program. */
static void splice(struct jail_seccomp_program *out, struct sock_filter *deny, size_t n_deny,
		   struct sock_filter *allow, size_t n_allow)
{
	out->len = n_deny + n_allow;
	out->insns = xmalloc(out->len * sizeof(*out->insns));
	if (n_deny)
		memcpy(out->insns, deny, n_deny * sizeof(*deny));
	memcpy(out->insns + n_deny, allow, n_allow * sizeof(*allow));
	for (size_t pc = 0; pc < n_deny; pc++) {
		struct sock_filter *in = &out->insns[pc];
		if (in->code == (BPF_RET | BPF_K) && in->k == SECCOMP_RET_ALLOW)
			*in = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
							   (uint32_t)(n_deny - pc - 1), 0, 0);
	}
}

int sc_plan_compile(const struct sc_plan *plan, struct jail_seccomp_program *out,
		    struct jail_error *e)
{
	_cleanup_seccomp_ scmp_filter_ctx deny = NULL, allow = NULL;
	_cleanup_free_ struct sock_filter *deny_insns = NULL, *allow_insns = NULL;
	size_t n_deny_rules = 0, deny_len = 0, allow_len = 0;

	if (new_ctx(plan, SCMP_ACT_ALLOW, &deny, e) < 0 ||
	    new_ctx(plan, plan->default_action, &allow, e) < 0)
		return -1;
	if (fill(plan, deny, allow, &n_deny_rules, e) < 0)
		return -1;
	if (export(allow, &allow_insns, &allow_len, e) < 0)
		return -1;
	if (n_deny_rules && export(deny, &deny_insns, &deny_len, e) < 0)
		return -1;
	splice(out, deny_insns, deny_len, allow_insns, allow_len);
	if (bpf_validate(out->insns, out->len, e) < 0) {
		free(out->insns);
		out->insns = NULL;
		return jail_error_prefix(e, "compiled seccomp program");
	}
	return 0;
}
