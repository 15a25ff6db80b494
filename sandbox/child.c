#include "autoconfig.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "policy/units.h"
#include "sandbox/caps.h"
#include "sandbox/child.h"
#include "sandbox/init.h"
#include "sandbox/diag.h"
#include "sandbox/mount.h"
#include "sandbox/net.h"
#include "sandbox/netuser.h"
#include "sandbox/syscalls.h"
#include "sandbox/sync.h"
#include "sandbox/testhook.h"
#include "sandbox/userns.h"

extern char **environ;

static void timing(const struct sandbox_plan *p, int fd, const char *step, struct sync_mark *t)
{
	char name[64];

	snprintf(name, sizeof(name), "child:%s", step);
	test_pause(name);
	sync_send_timing(fd, p->config->debug_timing, step, t);
}

__attribute__((noreturn)) static void fail(int fd, struct jail_error *e, int code)
{
	sync_send_error(fd, e, code);
	_exit(code);
}

static int wait_for_maps(int fd, struct jail_error *e)
{
	struct sync_msg m;
	int r = sync_recv(fd, &m);

	if (r == 0) /* jail is gone: nothing to report to, nothing to run */
		_exit(125);
	if (r < 0 || m.type != SYNC_MAPS_DONE)
		return jail_error_set(e, r < 0 ? errno : EPROTO, "wait for the uid/gid maps");
	return 0;
}

static int rlimits_apply(const struct jail_config *c, struct jail_error *e)
{
	for (size_t i = 0; i < c->n_rlimits; i++)
		if (setrlimit(c->rlimits[i].resource, &c->rlimits[i].value) < 0)
			return jail_error_set(e, errno, "setrlimit %s", rlimit_name(c->rlimits[i].resource));
	return 0;
}

static int seccomp_apply(const struct jail_seccomp_program *prog, struct jail_error *e)
{
	struct sock_fprog fprog;

	if (!prog->insns)
		return 0;
	fprog.len = (unsigned short)prog->len;
	fprog.filter = prog->insns;
	/* TSYNC is pointless in a single-threaded child; SPEC_ALLOW is not set, so the
	 * kernel's speculative-store-bypass mitigation stays on for the job. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		return jail_error_set(e, errno, "load the seccomp filter (%zu instructions)",
				      prog->len);
	return 0;
}

static int fds_close(int keep_fd, struct jail_error *e)
{
	/* Everything the caller left open above 2 stays outside (a leaked fd to a host
	 * directory is a way out of any mount namespace). keep_fd is close-on-exec. */
	if (keep_fd > 3 && sys_close_range(3, (unsigned int)keep_fd - 1, 0) < 0)
		return jail_error_set(e, errno, "close_range");
	if (sys_close_range((unsigned int)keep_fd + 1, ~0U, 0) < 0)
		return jail_error_set(e, errno, "close_range");
	return 0;
}

/* The job, forked by init. In order: rlimits -> setsid -> close fds -> caps ->
 * no_new_privs -> seccomp -> exec. */
__attribute__((noreturn)) static void job_exec(const struct sandbox_plan *p, int fd)
{
	const struct jail_config *c = p->config;
	struct jail_error e = { 0 };
	struct sync_mark t0;
	sigset_t none;

	sync_mark_now(&t0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	test_pause("job:rlimits");
	if (rlimits_apply(c, &e) < 0)
		fail(fd, &e, 125);
	/* A new session has no controlling terminal: TIOCSTI cannot push keystrokes into
	 * the caller's shell (CVE-2016-7545 and its kind). */
	if (setsid() < 0) {
		jail_error_set(&e, errno, "setsid");
		fail(fd, &e, 125);
	}
	test_pause("job:setsid");
	if (fds_close(fd, &e) < 0 || userns_job_ids(p, &e) < 0 ||
	    caps_apply_child(c->caps_keep, c->caps_ambient, &e) < 0)
		fail(fd, &e, 125);
	test_pause("job:caps");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		jail_error_set(&e, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
		fail(fd, &e, 125);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	environ = p->envp; /* shared with init until exec: job_spawn puts init's back */
	test_pause("job:exec");
	/* Last: from here on only the syscalls the profile allows work. */
	if (seccomp_apply(&c->seccomp, &e) < 0)
		fail(fd, &e, 125);
	/* (--debug-timing: rlimits, session, fds, caps, no_new_privs, seccomp) */
	sync_send_timing(fd, c->debug_timing, "job-setup", &t0);
	execvp(c->argv[0], c->argv);
	jail_error_set(&e, errno, "cannot execute '%s'", c->argv[0]);
	if (errno == ENOENT && !strchr(c->argv[0], '/'))
		jail_error_hint(&e, "not found in PATH inside the sandbox (%s)",
				getenv("PATH") ? getenv("PATH") : "");
	else if (errno == ENOENT)
		jail_error_hint(&e, "the path does not exist inside the sandbox; host paths are "
				    "visible only under the work dir, toolchain dirs and binds");
	fail(fd, &e, errno == ENOENT ? 127 : 126);
}

struct job_args {
	const struct sandbox_plan *p;
	int fd;
};

static int job_entry(void *arg)
{
	const struct job_args *a = arg;

	job_exec(a->p, a->fd);
}

/* The job is started the way posix_spawn starts a program: CLONE_VM | CLONE_VFORK on a
 * stack of its own. Until it execs it shares init's memory and init sleeps, so no page
 * table is copied for it and none torn down at its exec (a fork and the exec of its copy
 * cost ~1 ms on the development machines, where a page fault is ~13 us; README
 * "Performance"). What the job changes before exec is its own: credentials, bounding
 * set, no_new_privs, seccomp and PDEATHSIG are per task; rlimits, the session, the fd
 * table and the signal mask are copied for a new process (no CLONE_THREAD, CLONE_FILES
 * or CLONE_SIGHAND). In the shared memory it writes only its stack, `environ` (put
 * back below), an error it reports before _exit, and libcap's allocations. Init has no
 * signal handlers (it takes every signal with sigwaitinfo), so none can run on the
 * job's stack. Returns the job's pid once it has exec'd or failed, -1 if not started. */
static pid_t job_spawn(const struct sandbox_plan *p, int fd)
{
	const size_t size = 256 * 1024;
	struct job_args a = { p, fd };
	char **env = environ;
	int saved_errno;
	pid_t pid;
	char *stack;

	stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
		     -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	/* A guard page at the bottom: an overflow faults instead of writing init's memory. */
	if (mprotect(stack, 4096, PROT_NONE) < 0) {
		munmap(stack, size);
		return -1;
	}
	pid = clone(job_entry, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
	saved_errno = errno;
	environ = env;
	/* The stack stays mapped until init exits: 256 KiB of address space, a few pages of
	 * memory, where an munmap would cost a TLB flush (~0.2 ms here). */
	errno = saved_errno;
	return pid;
}

void child_main(const struct sandbox_plan *p, int fd)
{
	const struct jail_config *c = p->config;
	struct jail_error e = { 0 };
	struct mount_state st;
	struct sync_mark t;
	sigset_t all;
	pid_t job;

	sync_mark_now(&t);
	/* Namespaces: user (not mapped yet), mount, pid (we are its pid 1), net, ipc, uts,
	 * cgroup. If jail dies from here on, so do we, and with us the whole namespace. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Init takes every signal with sigwaitinfo: blocked signals are queued, even the
	 * ones whose default is to be ignored (SIGCHLD) or that the kernel drops for a
	 * namespace's pid 1 when they are not handled. The job unblocks them before exec. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGCHLD, SIG_DFL);
	/* Init holds nothing of the caller's either: only what it opens from here on. */
	test_pause("child:start");
	if (fds_close(fd, &e) < 0)
		fail(fd, &e, 125);
	userns_child_sync_fd(fd);
	if (userns_parent_writes_maps(p) ? wait_for_maps(fd, &e) < 0
					 : userns_write_maps(0, p, &e) < 0) {
		if (e.err == EPERM)
			diag_userns(&e);
		fail(fd, &e, 125);
	}
	timing(p, fd, "maps", &t);
	/* network: user: pasta can join our namespaces now; it starts while we mount. */
	if (p->net && sync_send(fd, SYNC_NET_START, 0, 0, NULL) < 0) {
		jail_error_set(&e, errno, "ask jail to start pasta");
		fail(fd, &e, 125);
	}
	/* Mapped: all capabilities inside our user namespace, none outside it. */
	if (mount_setup_child(p, &st, &e) < 0)
		fail(fd, &e, 125);
	timing(p, fd, "mounts", &t);
	if (net_setup_child(c, &e) < 0)
		fail(fd, &e, 125);
	timing(p, fd, "loopback", &t);
	if (p->net && netuser_setup_child(c, p->net, &e) < 0)
		fail(fd, &e, 125);
	if (p->net)
		timing(p, fd, "network", &t);
	if (sethostname(c->hostname, strlen(c->hostname)) < 0) {
		jail_error_set(&e, errno, "sethostname %s", c->hostname);
		fail(fd, &e, 125);
	}
	timing(p, fd, "hostname", &t);
	/* Before the job exists: init sleeps until the job has exec'd, and from then on
	 * the job runs at once. It must find pid 1 not dumpable (it cannot read our memory
	 * through /proc or ptrace us) and named. The job's own mm after exec is its own. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_NAME, "jail-init", 0, 0, 0);
	job = job_spawn(p, fd);
	if (job < 0) {
		jail_error_set(&e, errno, "start the job (clone)");
		if (e.err == EAGAIN)
			jail_error_hint(&e, "a process limit was reached: RLIMIT_NPROC (--rlimit "
					    "nproc=...) or the pids quota (--pids)");
		fail(fd, &e, 125);
	}
	/* (--debug-timing: the job's start up to its exec, job-setup included) */
	timing(p, fd, "fork", &t);
	init_main(p, job, fd, &st);
}
