/* tests/policy: each shipped profile, compiled to the real seccomp program, run in the
 * classic-BPF interpreter (policy/bpf_interp.c) for the native architecture.
 *
 * Three kinds of check:
 *   1. a table (syscall, args) -> expected action per profile, written by hand from
 *      what the profiles promise (the deny list, and ordinary syscalls that
 *      must keep working);
 *   2. every syscall number of the native architecture, and for the syscalls with
 *      argument conditions a set of edge values, against the policy's own plan
 *      evaluated by a second, independent reading of the documented semantics
 *      (deny first, then allow, then the default action);
 *   3. other architectures and x32 are killed.
 * The program is compiled with the cache off, so this tests the compiler, not a file. */
#include "autoconfig.h"

#include <linux/audit.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>

#include "policy/bpf_interp.h"
#include "policy/cleanup.h"
#include "policy/profile_model.h"
#include "policy/seccomp.h"
#include "tests/unit/tap.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

static void skip(const char *reason, const char *what)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_n, what, reason);
}

enum { P_DEFAULT, P_CC, P_SCRIPT, P_BUILD, N_PROFILES };
static const char *const profile_names[N_PROFILES] = {"default", "cc", "script", "build"};

struct compiled {
	struct profile p;
	struct sc_plan *plan;
	struct jail_seccomp_program prog;
	bool ok;
};

static struct compiled profiles[N_PROFILES];

/* Expected actions, as sc_action_format prints them. */
#define ALLOW "allow"
#define EPERM_ "errno EPERM"
#define ENOSYS_ "errno ENOSYS"

#define ARGS(...)                                                                                  \
	{                                                                                          \
		__VA_ARGS__                                                                        \
	}

struct table_row {
	const char *syscall;
	uint64_t args[6];
	const char *want[N_PROFILES]; /* default, cc, script, build */
	const char *why;
};

#define ALL(a)                                                                                     \
	{                                                                                          \
		a, a, a, a                                                                         \
	}

/* Linux UAPI values, written out so the table does not depend on which headers a libc
 * happens to ship. */
#define X_CLONE_VM 0x00000100ULL
#define X_CLONE_FS 0x00000200ULL
#define X_CLONE_FILES 0x00000400ULL
#define X_CLONE_SIGHAND 0x00000800ULL
#define X_CLONE_THREAD 0x00010000ULL
#define X_CLONE_NEWNS 0x00020000ULL
#define X_CLONE_SYSVSEM 0x00040000ULL
#define X_CLONE_SETTLS 0x00080000ULL
#define X_CLONE_PARENT_SETTID 0x00100000ULL
#define X_CLONE_CHILD_CLEARTID 0x00200000ULL
#define X_CLONE_NEWCGROUP 0x02000000ULL
#define X_CLONE_NEWUTS 0x04000000ULL
#define X_CLONE_NEWIPC 0x08000000ULL
#define X_CLONE_NEWUSER 0x10000000ULL
#define X_CLONE_NEWPID 0x20000000ULL
#define X_CLONE_NEWNET 0x40000000ULL
#define X_CLONE_NEWTIME 0x00000080ULL
#define X_SIGCHLD 17ULL
#define X_THREAD_FLAGS                                                                             \
	(X_CLONE_VM | X_CLONE_FS | X_CLONE_FILES | X_CLONE_SIGHAND | X_CLONE_THREAD |              \
	 X_CLONE_SYSVSEM | X_CLONE_SETTLS | X_CLONE_PARENT_SETTID | X_CLONE_CHILD_CLEARTID)
#define X_TCGETS 0x5401ULL
#define X_TIOCSTI 0x5412ULL
#define X_FIONREAD 0x541bULL
#define X_TIOCLINUX 0x541cULL
#define X_TIOCGWINSZ 0x5413ULL
#define X_AF_UNIX 1ULL
#define X_AF_INET 2ULL
#define X_AF_INET6 10ULL
#define X_AF_NETLINK 16ULL
#define X_AF_PACKET 17ULL
#define X_AF_ALG 38ULL
#define X_PER_LINUX 0x0000ULL
#define X_PER_LINUX32 0x0008ULL
#define X_UNAME26 0x0020000ULL
#define X_ADDR_NO_RANDOMIZE 0x0040000ULL
#define X_READ_IMPLIES_EXEC 0x0400000ULL

static const struct table_row rows[] = {
    /* --- the deny list --- */
    {"ptrace", ARGS(0), ALL(EPERM_), "reading other processes"},
    {"process_vm_readv", ARGS(1), ALL(EPERM_), ""},
    {"process_vm_writev", ARGS(1), ALL(EPERM_), ""},
    {"keyctl", ARGS(0), ALL(EPERM_), "keyrings are shared beyond the sandbox"},
    {"add_key", ARGS(0), ALL(EPERM_), ""},
    {"request_key", ARGS(0), ALL(EPERM_), ""},
    {"bpf", ARGS(0), ALL(EPERM_), ""},
    {"perf_event_open", ARGS(0), ALL(EPERM_), ""},
    {"userfaultfd", ARGS(0), ALL(EPERM_), ""},
    {"io_uring_setup", ARGS(8), ALL(EPERM_), ""},
    {"io_uring_enter", ARGS(3), ALL(EPERM_), ""},
    {"io_uring_register", ARGS(3), ALL(EPERM_), ""},
    {"open_by_handle_at", ARGS(3), ALL(EPERM_), ""},
    {"name_to_handle_at", ARGS(3), ALL(EPERM_), ""},
    {"kexec_load", ARGS(0), ALL(EPERM_), ""},
    {"kexec_file_load", ARGS(0), ALL(EPERM_), ""},
    {"init_module", ARGS(0), ALL(EPERM_), ""},
    {"finit_module", ARGS(3), ALL(EPERM_), ""},
    {"delete_module", ARGS(0), ALL(EPERM_), ""},
    {"mount", ARGS(0), ALL(EPERM_), ""},
    {"umount2", ARGS(0), ALL(EPERM_), ""},
    {"fsopen", ARGS(0), ALL(EPERM_), "new mount API"},
    {"fsconfig", ARGS(3), ALL(EPERM_), ""},
    {"fsmount", ARGS(3), ALL(EPERM_), ""},
    {"fspick", ARGS(3), ALL(EPERM_), ""},
    {"move_mount", ARGS(3), ALL(EPERM_), ""},
    {"open_tree", ARGS(3), ALL(EPERM_), ""},
    {"mount_setattr", ARGS(3), ALL(EPERM_), ""},
    {"pivot_root", ARGS(0), ALL(EPERM_), ""},
    {"chroot", ARGS(0), ALL(EPERM_), ""},
    {"unshare", ARGS(X_CLONE_NEWUSER), ALL(EPERM_), "no nested user namespace"},
    {"unshare", ARGS(X_CLONE_NEWUSER | X_CLONE_FS), ALL(EPERM_), "flag among others"},
    {"unshare", ARGS(X_CLONE_NEWNS), ALL(EPERM_), ""},
    {"unshare", ARGS(X_CLONE_NEWNET), ALL(EPERM_), ""},
    {"unshare", ARGS(X_CLONE_NEWPID), ALL(EPERM_), ""},
    {"unshare", ARGS(X_CLONE_NEWIPC), ALL(EPERM_), ""},
    {"unshare", ARGS(X_CLONE_NEWUTS), ALL(EPERM_), ""},
    {"unshare", ARGS(X_CLONE_NEWCGROUP), ALL(EPERM_), ""},
    {"unshare", ARGS(X_CLONE_NEWTIME), ALL(EPERM_), ""},
    {"unshare", ARGS(0xffffffffffffffffULL), ALL(EPERM_), "every bit set"},
    {"setns", ARGS(3, X_CLONE_NEWUSER), ALL(EPERM_), ""},
    {"setns", ARGS(3, 0), ALL(EPERM_), "setns of any kind"},
    {"clone", ARGS(X_CLONE_NEWUSER | X_SIGCHLD), ALL(EPERM_), ""},
    {"clone", ARGS(X_CLONE_NEWNS | X_SIGCHLD), ALL(EPERM_), ""},
    {"clone", ARGS(X_CLONE_NEWPID | X_SIGCHLD), ALL(EPERM_), ""},
    {"clone", ARGS(X_CLONE_NEWNET | X_SIGCHLD), ALL(EPERM_), ""},
    {"clone", ARGS(X_CLONE_NEWIPC | X_SIGCHLD), ALL(EPERM_), ""},
    {"clone", ARGS(X_CLONE_NEWUTS | X_SIGCHLD), ALL(EPERM_), ""},
    {"clone", ARGS(X_CLONE_NEWCGROUP | X_SIGCHLD), ALL(EPERM_), ""},
    {"clone", ARGS(X_THREAD_FLAGS | X_CLONE_NEWUSER), ALL(EPERM_), ""},
    {"clone3", ARGS(0, 88), ALL(ENOSYS_), "flags in memory: ENOSYS so libc uses clone"},
    {"ioctl", ARGS(0, X_TIOCSTI), ALL(EPERM_), "typing into a terminal"},
    {"ioctl", ARGS(0, X_TIOCLINUX), ALL(EPERM_), ""},
    {"ioctl", ARGS(0, 0x100000000ULL | X_TIOCSTI), ALL(EPERM_),
     "high bits set: the kernel reads the request as 32 bits"},
    {"ioctl", ARGS(7, 0xffffffff00000000ULL | X_TIOCLINUX), ALL(EPERM_), ""},
    {"personality", ARGS(X_ADDR_NO_RANDOMIZE), ALL(EPERM_), ""},
    {"personality", ARGS(X_READ_IMPLIES_EXEC), ALL(EPERM_), ""},
    {"personality", ARGS(X_PER_LINUX | X_ADDR_NO_RANDOMIZE), ALL(EPERM_), ""},
    {"personality", ARGS(0x100000000ULL), ALL(EPERM_), ""},
    {"acct", ARGS(0), ALL(EPERM_), ""},
    {"swapon", ARGS(0), ALL(EPERM_), ""},
    {"swapoff", ARGS(0), ALL(EPERM_), ""},
    {"reboot", ARGS(0), ALL(EPERM_), ""},
    {"syslog", ARGS(0), ALL(EPERM_), ""},
    {"settimeofday", ARGS(0), ALL(EPERM_), ""},
    {"clock_settime", ARGS(0), ALL(EPERM_), ""},
    {"adjtimex", ARGS(0), ALL(EPERM_), ""},
    {"sethostname", ARGS(0), ALL(EPERM_), ""},
    {"kcmp", ARGS(0), ALL(EPERM_), ""},
    {"pidfd_getfd", ARGS(0), ALL(EPERM_), ""},
    {"fanotify_init", ARGS(0), ALL(EPERM_), ""},
    {"iopl", ARGS(3), ALL(EPERM_), ""},
    {"quotactl", ARGS(0), ALL(EPERM_), ""},
    {"uselib", ARGS(0), ALL(EPERM_), "not in any allow group: default action"},
    {"sysfs", ARGS(0), ALL(EPERM_), "not in any allow group: default action"},
    {"socket", ARGS(X_AF_PACKET, 3), ALL(EPERM_), "raw packets"},
    {"socket", ARGS(X_AF_ALG, 5), ALL(EPERM_), ""},
    {"socket", ARGS(0x100000000ULL | X_AF_UNIX, 1), ALL(EPERM_), "eq compares 64 bits"},

    /* --- ordinary programs keep working --- */
    {"read", ARGS(0), ALL(ALLOW), ""},
    {"write", ARGS(1), ALL(ALLOW), ""},
    {"openat", ARGS(0), ALL(ALLOW), ""},
    {"close", ARGS(3), ALL(ALLOW), ""},
    {"newfstatat", ARGS(0), ALL(ALLOW), ""},
    {"statx", ARGS(0), ALL(ALLOW), ""},
    {"getdents64", ARGS(0), ALL(ALLOW), ""},
    {"mmap", ARGS(0), ALL(ALLOW), ""},
    {"mprotect", ARGS(0), ALL(ALLOW), ""},
    {"munmap", ARGS(0), ALL(ALLOW), ""},
    {"brk", ARGS(0), ALL(ALLOW), ""},
    {"rt_sigaction", ARGS(0), ALL(ALLOW), ""},
    {"rt_sigreturn", ARGS(0), ALL(ALLOW), ""},
    {"execve", ARGS(0), ALL(ALLOW), ""},
    {"wait4", ARGS(0), ALL(ALLOW), ""},
    {"exit_group", ARGS(0), ALL(ALLOW), ""},
    {"clone", ARGS(X_SIGCHLD), ALL(ALLOW), "fork"},
    {"clone", ARGS(X_THREAD_FLAGS), ALL(ALLOW), "pthread_create"},
    {"clone", ARGS(X_CLONE_VM | X_SIGCHLD | 0x4000), ALL(ALLOW), "vfork-style"},
    {"vfork", ARGS(0), ALL(ALLOW), ""},
    {"unshare", ARGS(X_CLONE_FS | X_CLONE_FILES), ALL(ALLOW), "unsharing no namespace"},
    {"ioctl", ARGS(1, X_TCGETS), ALL(ALLOW), "isatty"},
    {"ioctl", ARGS(1, X_TIOCGWINSZ), ALL(ALLOW), ""},
    {"ioctl", ARGS(3, X_FIONREAD), ALL(ALLOW), ""},
    {"ioctl", ARGS(3, X_TIOCSTI + 1), ALL(ALLOW), ""},
    {"pipe2", ARGS(0), ALL(ALLOW), ""},
    {"dup3", ARGS(0), ALL(ALLOW), ""},
    {"fcntl", ARGS(0), ALL(ALLOW), ""},
    {"futex", ARGS(0), ALL(ALLOW), ""},
    {"getrandom", ARGS(0), ALL(ALLOW), ""},
    {"uname", ARGS(0), ALL(ALLOW), ""},
    {"prctl", ARGS(0), ALL(ALLOW), ""},
    {"set_tid_address", ARGS(0), ALL(ALLOW), ""},
    {"set_robust_list", ARGS(0), ALL(ALLOW), ""},
    {"rseq", ARGS(0), ALL(ALLOW), ""},
    {"prlimit64", ARGS(0), ALL(ALLOW), ""},
    {"getcwd", ARGS(0), ALL(ALLOW), ""},
    {"chdir", ARGS(0), ALL(ALLOW), ""},
    {"unlinkat", ARGS(0), ALL(ALLOW), ""},
    {"renameat2", ARGS(0), ALL(ALLOW), ""},
    {"utimensat", ARGS(0), ALL(ALLOW), ""},
    {"fchmodat", ARGS(0), ALL(ALLOW), ""},
    {"clock_gettime", ARGS(0), ALL(ALLOW), ""},
    {"clock_nanosleep", ARGS(0), ALL(ALLOW), ""},
    {"getuid", ARGS(0), ALL(ALLOW), ""},
    {"kill", ARGS(0), ALL(ALLOW), ""},
    {"memfd_create", ARGS(0), ALL(ALLOW), ""},
    {"seccomp", ARGS(0), ALL(ALLOW), "stacking a filter only narrows it"},
    {"personality", ARGS(0xffffffffULL), ALL(ALLOW), "query"},
    {"personality", ARGS(X_PER_LINUX), ALL(ALLOW), ""},
    {"personality", ARGS(X_PER_LINUX32), ALL(ALLOW), "setarch i686"},
    {"personality", ARGS(X_UNAME26), ALL(ALLOW), ""},
    {"socket", ARGS(X_AF_UNIX, 1), ALL(ALLOW), "jobserver, ccache helpers"},
    {"socketpair", ARGS(X_AF_UNIX, 1), ALL(ALLOW), ""},
    {"connect", ARGS(3), ALL(ALLOW), ""},
    {"sendmsg", ARGS(3), ALL(ALLOW), ""},

    /* --- where the profiles differ --- */
    {"socket", ARGS(X_AF_INET, 1), {ALLOW, EPERM_, ALLOW, ALLOW}, "cc: no inet"},
    {"socket", ARGS(X_AF_INET6, 2), {ALLOW, EPERM_, ALLOW, ALLOW}, ""},
    {"socket", ARGS(X_AF_NETLINK, 3), {ALLOW, EPERM_, ALLOW, ALLOW}, ""},
    {"shmget", ARGS(0), {ALLOW, EPERM_, ALLOW, ALLOW}, "cc: no IPC"},
    {"semop", ARGS(0), {ALLOW, EPERM_, ALLOW, ALLOW}, ""},
    {"mq_open", ARGS(0), {ALLOW, EPERM_, ALLOW, ALLOW}, ""},
    {"io_setup", ARGS(0), {ALLOW, EPERM_, ALLOW, ALLOW}, "cc: no native AIO"},
    {"io_submit", ARGS(0), {ALLOW, EPERM_, ALLOW, ALLOW}, ""},
    {"setuid", ARGS(0), ALL(ALLOW), "no caps: only ids it has; make's posix_spawn"},
    {"setresuid", ARGS(0), ALL(ALLOW), ""},
    {"setresgid", ARGS(0), ALL(ALLOW), ""},
    {"setgroups", ARGS(0), {EPERM_, EPERM_, EPERM_, ALLOW}, ""},
};

static uint32_t run(const struct compiled *c, int nr, uint32_t arch, const uint64_t args[6])
{
	struct seccomp_data d = {.nr = nr, .arch = arch};

	memcpy(d.args, args, sizeof(d.args));
	return bpf_run(c->prog.insns, c->prog.len, &d);
}

static void check_table(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct table_row *row = &rows[i];
		int nr = seccomp_syscall_resolve_name(row->syscall);

		for (int p = 0; p < N_PROFILES; p++) {
			char got[64], what[256];

			snprintf(what, sizeof(what), "%s: %s(0x%llx, 0x%llx) -> %s%s%s",
				 profile_names[p], row->syscall, (unsigned long long)row->args[0],
				 (unsigned long long)row->args[1], row->want[p],
				 row->why[0] ? "  # " : "", row->why);
			if (nr < 0) {
				skip("not a syscall on this architecture", what);
				continue;
			}
			if (!profiles[p].ok) {
				ok(0, "%s (profile did not compile)", what);
				continue;
			}
			sc_action_format(run(&profiles[p], nr, seccomp_arch_native(), row->args),
					 got, sizeof(got));
			if (!ok(strcmp(got, row->want[p]) == 0, "%s", what))
				printf("#   got: %s\n", got);
		}
	}
}

/* The documented semantics, read independently of policy/profile_explain.c:
 * an unconditional deny wins; then a matching conditional deny; then an allow
 * (unconditional, or a matching conditional allow); else the default action. */
static uint32_t expect_from_plan(const struct sc_plan *plan, const char *name,
				 const uint64_t args[6])
{
	const struct sc_entry *en = sc_plan_lookup(plan, name);
	bool allowed = false;

	if (!en)
		return plan->default_action;
	if (en->deny)
		return en->deny->action;
	for (size_t i = 0; i < en->n_conds; i++) {
		if (!sc_rule_matches(en->conds[i], args))
			continue;
		if (en->conds[i]->deny)
			return en->conds[i]->action;
		allowed = true;
	}
	return en->allow || allowed ? SCMP_ACT_ALLOW : plan->default_action;
}

/* Values at the edges of every condition the entry has: the value itself, with high
 * bits, one bit off, and the extremes. */
static size_t edge_values(const struct sc_entry *en, uint64_t *out, size_t max)
{
	size_t n = 0;

	out[n++] = 0;
	out[n++] = UINT64_MAX;
	out[n++] = 0xffffffffULL;
	for (size_t i = 0; en && i < en->n_conds; i++) {
		for (unsigned j = 0; j < en->conds[i]->n_conds && n + 5 <= max; j++) {
			uint64_t v = en->conds[i]->conds[j].value;
			out[n++] = v;
			out[n++] = v | 0x100000000ULL;
			out[n++] = v ^ 1;
			out[n++] = v + 1;
			out[n++] = v | X_SIGCHLD;
		}
	}
	return n;
}

/* Every syscall of the native architecture, and edge values for conditional ones. */
static void check_exhaustive(int p)
{
	const struct compiled *c = &profiles[p];
	uint32_t native = seccomp_arch_native();
	size_t checked = 0, mismatches = 0;

	for (int nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(native, nr);
		const struct sc_entry *en;
		uint64_t edges[128];
		size_t n_edges;

		if (!name)
			continue;
		en = sc_plan_lookup(c->plan, name);
		n_edges = edge_values(en, edges, ARRAY_SIZE(edges));
		for (unsigned arg = 0; arg < 6; arg++) {
			for (size_t k = 0; k < n_edges; k++) {
				uint64_t args[6] = {0};
				uint32_t want, got;

				args[arg] = edges[k];
				want = expect_from_plan(c->plan, name, args);
				got = run(c, nr, native, args);
				checked++;
				if (want != got && mismatches++ < 5)
					printf("#   %s: %s(arg%u=0x%llx): plan says 0x%08x, "
					       "program returns 0x%08x\n",
					       profile_names[p], name, arg,
					       (unsigned long long)edges[k], want, got);
			}
		}
		free(name);
	}
	ok(mismatches == 0 && checked > 300,
	   "%s: compiled program agrees with the plan on %zu "
	   "(syscall, args) cases (%zu differ)",
	   profile_names[p], checked, mismatches);
}

static void arch_case(int p, int nr, uint32_t arch, const char *want, const char *what)
{
	uint64_t args[6] = {0};
	char got[64];

	sc_action_format(run(&profiles[p], nr, arch, args), got, sizeof(got));
	if (!ok(strcmp(got, want) == 0, "%s: %s -> %s", profile_names[p], what, want))
		printf("#   got: %s\n", got);
}

static void check_arches(int p)
{
	if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
		skip("x86_64-specific (i386 and x32 on an x86_64 host)", "non-native arches");
		return;
	}
	/* read is 3 on i386: a call the native filter allows. */
	arch_case(p, 3, AUDIT_ARCH_I386, "kill", "i386 read()");
	arch_case(p, 0, AUDIT_ARCH_AARCH64, "kill", "aarch64 syscall 0");
	arch_case(p, __X32_SYSCALL_BIT | 0, AUDIT_ARCH_X86_64, "kill", "x32 read() (0x40000000)");
	arch_case(p, __X32_SYSCALL_BIT | 39, AUDIT_ARCH_X86_64, "kill", "x32 getpid()");
	arch_case(p, 0, AUDIT_ARCH_X86_64, "allow", "native read() (not a blanket kill)");
}

static void compile_profile(int p)
{
	struct compiled *c = &profiles[p];
	struct jail_error e = {0};

	c->ok = profile_resolve(profile_names[p], &c->p, &e) == 0 &&
		sc_plan_build(&c->p, &c->plan, &e) == 0 &&
		sc_plan_compile(c->plan, &c->prog, &e) == 0;
	if (!ok(c->ok, "%s: resolves and compiles (%zu instructions)", profile_names[p],
		c->prog.len))
		printf("#   %s\n", e.msg);
	else
		ok(bpf_validate(c->prog.insns, c->prog.len, &e) == 0 && c->prog.len < 4096,
		   "%s: program passes the kernel's structural checks", profile_names[p]);
}

int main(void)
{
	if (!getenv("JAIL_PROFILE_PATH")) {
		printf("Bail out! JAIL_PROFILE_PATH is not set (run through make check)\n");
		return 99;
	}
	for (int p = 0; p < N_PROFILES; p++)
		compile_profile(p);
	check_table();
	for (int p = 0; p < N_PROFILES; p++) {
		if (!profiles[p].ok)
			continue;
		check_exhaustive(p);
		check_arches(p);
	}
	for (int p = 0; p < N_PROFILES; p++) {
		sc_plan_free(profiles[p].plan);
		free(profiles[p].prog.insns);
		profile_free(&profiles[p].p);
	}
	return done();
}
