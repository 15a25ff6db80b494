#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "sandbox/bpf.h"
#include "sandbox/cgroup.h"
#include "sandbox/child.h"
#include "sandbox/diag.h"
#include "sandbox/netuser.h"
#include "sandbox/planbuild.h"
#include "sandbox/report.h"
#include "sandbox/run.h"
#include "sandbox/sync.h"
#include "sandbox/syscalls.h"
#include "sandbox/testhook.h"
#include "sandbox/userns.h"

/* Signals a terminal or a CI runner sends to stop or resize a job: passed on to it. */
static const int forwarded_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
					 SIGWINCH };

#define NS_FLAGS                                                                        \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |     \
	 CLONE_NEWUTS | CLONE_NEWCGROUP)

struct run_state {
	struct jail_config *c;
	struct sandbox_plan plan;
	struct cgroup_job cg;
	struct bpf_job bpf; /* root-only extras (bpf.c) */
	struct netuser net; /* network: user: pasta (netuser.c) */
	struct run_result res;
	struct jail_error child_err; /* first SYNC_ERROR from the sandbox */
	bool have_child_err;
	int child_err_code;
	bool have_exit;
	int job_status;
	pid_t pid;
	int pidfd, sync_fd, sig_fd, timer_fd;
	pid_t janitor_pid; /* 0 when none */
	int janitor_fd;
	double t0;
	long faults; /* --debug-timing: page faults at the last step */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long page_faults(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_minflt + ru.ru_majflt : 0;
}

static void timing(struct run_state *s, const char *step, double *t)
{
	double now = now_s();

	if (s->c->debug_timing) {
		long faults = page_faults();
		fprintf(stderr, "jail: timing: %-10s %8.3f ms %5ld faults\n", step, (now - *t) * 1e3,
			faults - s->faults);
		s->faults = faults;
	}
	*t = now;
	{
		char name[32];
		snprintf(name, sizeof(name), "parent:%s", step);
		test_pause(name);
	}
}

static int signals_block(struct run_state *s, struct jail_error *e)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(&set, forwarded_signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return jail_error_set(e, errno, "sigprocmask");
	s->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sig_fd < 0)
		return jail_error_set(e, errno, "signalfd");
	return 0;
}

static int timer_arm(struct run_state *s, struct jail_error *e)
{
	struct itimerspec its = { 0 };

	if (!s->c->timeout_ms)
		return 0;
	s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	its.it_value.tv_sec = (time_t)(s->c->timeout_ms / 1000);
	its.it_value.tv_nsec = (long)(s->c->timeout_ms % 1000) * 1000000;
	if (s->timer_fd < 0 || timerfd_settime(s->timer_fd, 0, &its, NULL) < 0)
		return jail_error_set(e, errno, "timerfd");
	return 0;
}

static int sandbox_clone(struct run_state *s, struct jail_error *e)
{
	struct jail_clone_args args = { 0 };
	int sv[2];
	long pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return jail_error_set(e, errno, "socketpair");
	args.flags = NS_FLAGS | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&s->pidfd;
	args.exit_signal = SIGCHLD;
	if (s->cg.job_fd >= 0) {
		/* Born in the job cgroup: no window in which the job runs unlimited. */
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)s->cg.job_fd;
	}
	pid = sys_clone3(&args);
	if (pid == 0) {
		close(sv[0]);
		child_main(&s->plan, sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		jail_error_set(e, errno, "create the sandbox's namespaces (clone3)");
		if (errno == ENOSYS)
			return jail_error_hint(e, "jail needs Linux 5.12 or newer");
		diag_userns(e);
		return -1;
	}
	s->pid = (pid_t)pid;
	s->sync_fd = sv[0];
	return 0;
}

static void net_start(struct run_state *s);

static void handle_msg(struct run_state *s, const struct sync_msg *m)
{
	char *sep;

	switch (m->type) {
	case SYNC_ERROR:
		if (s->have_child_err)
			return; /* reported once: the first cause, not its consequences */
		s->have_child_err = true;
		s->child_err_code = m->code ? m->code : 125;
		sep = strchr(m->text, '\x1f');
		if (sep)
			*sep = '\0';
		jail_error_set(&s->child_err, m->err, "%s", m->text);
		if (sep)
			jail_error_hint(&s->child_err, "%s", sep + 1);
		else if (m->err == EPERM || m->err == EACCES)
			diag_userns_system(&s->child_err);
		s->child_err.exit_code = s->child_err_code;
		break;
	case SYNC_EXIT:
		s->have_exit = true;
		s->job_status = m->code;
		if (s->c->debug_timing)
			fprintf(stderr, "jail: timing: exit message at %.3f ms\n", (now_s() - s->t0) * 1e3);
		break;
	case SYNC_TIMING:
		if (s->c->debug_timing) {
			char step[32];
			long long us;
			long faults;
			if (sscanf(m->text, "%31s %lld %ld", step, &us, &faults) == 3)
				fprintf(stderr, "jail: timing:   %-8s %8.3f ms %5ld faults (in the sandbox)\n",
					step, (double)us / 1e3, faults);
		}
		break;
	case SYNC_WARNING:
		fprintf(stderr, "jail: warning: %s\n", m->text);
		break;
	case SYNC_NET_START:
		net_start(s);
		break;
	}
}

static void drain_sync(struct run_state *s)
{
	struct sync_msg m;

	while (s->sync_fd >= 0) {
		ssize_t n = recv(s->sync_fd, &m, sizeof(m), MSG_DONTWAIT);
		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				close(s->sync_fd);
				s->sync_fd = -1;
			}
			return;
		}
		m.text[sizeof(m.text) - 1] = '\0';
		if ((size_t)n < sizeof(m))
			((char *)&m)[n] = '\0';
		handle_msg(s, &m);
	}
}

static void kill_sandbox(struct run_state *s)
{
	/* The init is pid 1 of the namespace: when it dies the kernel kills the rest. */
	if (s->pidfd >= 0)
		sys_pidfd_send_signal(s->pidfd, SIGKILL);
	if (s->cg.job_fd >= 0)
		cgroup_kill(&s->cg);
}

/* network: user went wrong on jail's side: the job must not run (or go on) without the
 * network it was promised, nor with one that is not what was asked. */
static void net_fail(struct run_state *s, const struct jail_error *e)
{
	if (!s->have_child_err) {
		s->child_err = *e;
		s->child_err.exit_code = s->child_err_code = 125;
		s->have_child_err = true;
	}
	kill_sandbox(s);
}

static void net_start(struct run_state *s)
{
	struct jail_error e = { 0 };
	double t = now_s();

	/* Asked for once, by the child before it runs anything of the job's. */
	if (!s->plan.net || s->net.pid || s->net.log_fd >= 0)
		return;
	if (netuser_start(&s->net, s->pid, &e) < 0)
		net_fail(s, &e);
	timing(s, "pasta", &t);
}

static void forward_signals(struct run_state *s)
{
	struct signalfd_siginfo si;

	while (read(s->sig_fd, &si, sizeof(si)) == sizeof(si))
		sys_pidfd_send_signal(s->pidfd, (int)si.ssi_signo);
}

/* Once init has sent the job's status, the job and everything it started are dead and
 * reaped (init_main's kill_rest). What remains is init's own exit, in which the kernel
 * tears down the namespaces (the mount tree with its overlays, the network namespace):
 * about a millisecond that a caller running thousands of jobs need not wait for. jail
 * waits only when it needs init's rusage (--report, --stats) or must empty a cgroup. */
static bool need_init_reaped(const struct run_state *s)
{
	return s->c->report_path || s->c->stats || s->cg.job_fd >= 0;
}

/* Until the sandbox's init exits (or has reported the job's status, see above): pass
 * signals on, take messages, enforce the timeout. */
static void event_loop(struct run_state *s)
{
	for (;;) {
		struct pollfd fds[6] = {
			{ .fd = s->pidfd, .events = POLLIN },
			{ .fd = s->sync_fd, .events = POLLIN },
			{ .fd = s->sig_fd, .events = POLLIN },
			{ .fd = s->timer_fd, .events = POLLIN },
			{ .fd = bpf_job_poll_fd(&s->bpf), .events = POLLIN }, /* exec audit */
			{ .fd = s->net.pidfd, .events = POLLIN }, /* pasta exited */
		};

		if (poll(fds, ARRAY_SIZE(fds), -1) < 0) {
			if (errno == EINTR)
				continue;
			kill_sandbox(s);
			return;
		}
		if (fds[4].revents)
			bpf_job_consume(&s->bpf);
		if (fds[1].revents)
			drain_sync(s);
		if (fds[5].revents) {
			struct jail_error e = { 0 };
			/* After the sandbox's own messages, which name the first cause. Once the
			 * job has ended, pasta may go when its namespace does. */
			netuser_exited(&s->net, &e);
			if (!s->have_exit)
				net_fail(s, &e);
		}
		if (s->have_exit && !need_init_reaped(s))
			return;
		if (fds[2].revents)
			forward_signals(s);
		if (fds[3].revents && !s->res.timed_out) {
			s->res.timed_out = true;
			kill_sandbox(s);
		}
		if (fds[0].revents)
			return;
	}
}

static void result_compute(struct run_state *s, int init_status)
{
	struct run_result *r = &s->res;

	r->job_exit = -1;
	if (s->have_child_err) {
		r->exit_code = s->child_err_code;
		r->ran = s->have_exit && s->child_err_code == 125; /* failed after the job */
	} else if (r->timed_out) {
		r->exit_code = 124;
		r->ran = true;
	} else if (s->have_exit && WIFEXITED(s->job_status)) {
		r->exit_code = r->job_exit = WEXITSTATUS(s->job_status);
		r->ran = true;
	} else if (s->have_exit && WIFSIGNALED(s->job_status)) {
		r->job_signal = WTERMSIG(s->job_status);
		r->exit_code = 128 + r->job_signal;
		r->ran = true;
	} else {
		/* Init died without a word: killed from outside (OOM killer, cgroup.kill, a
		 * kill -9 of its pid). The job died with it. */
		int sig = WIFSIGNALED(init_status) ? WTERMSIG(init_status) : 0;
		jail_error_set(&s->child_err, 0, "the sandbox's init died unexpectedly (%s %d)",
			       sig ? "signal" : "exit status",
			       sig ? sig : WEXITSTATUS(init_status));
		s->have_child_err = true;
		r->job_signal = sig;
		r->exit_code = sig ? 128 + sig : 125;
	}
	if (r->timed_out && !s->have_child_err) {
		jail_error_set(&s->child_err, 0, "timeout: the job ran longer than %llu ms and "
						 "was killed", (unsigned long long)s->c->timeout_ms);
		s->child_err.exit_code = 124;
		s->have_child_err = true;
	}
}

/* If jail is SIGKILLed, its job dies with it (PDEATHSIG of the sandbox's init), but
 * nobody would remove the job cgroup. The janitor, forked once that cgroup exists, in its
 * own session and deaf to signals, waits for jail: one byte on the pipe means jail
 * cleans up itself; EOF without it means jail died, and the janitor kills what is left
 * in the cgroup and removes it (and the leaf, if it is the last one there). */
static int janitor_start(struct run_state *s, struct jail_error *e)
{
	int p[2];
	sigset_t all;

	if (s->cg.job_fd < 0)
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return jail_error_set(e, errno, "pipe for the cgroup janitor");
	fflush(NULL);
	s->janitor_pid = fork();
	if (s->janitor_pid < 0) {
		s->janitor_pid = 0;
		close(p[0]);
		close(p[1]);
		return jail_error_set(e, errno, "fork the cgroup janitor");
	}
	if (s->janitor_pid == 0) {
		char byte;
		ssize_t n;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		setsid();
		close(p[1]);
		if (null >= 0)
			for (int fd = 0; fd < 3; fd++)
				dup2(null, fd);
		prctl(PR_SET_NAME, "jail-janitor", 0, 0, 0);
		do
			n = read(p[0], &byte, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1) {
			cgroup_kill(&s->cg);
			cgroup_teardown(&s->cg);
		}
		_exit(0);
	}
	close(p[0]);
	s->janitor_fd = p[1];
	return 0;
}

/* jail cleans up itself: let the janitor go first (it sits in the leaf cgroup, which
 * can only be removed once empty). */
static void janitor_stop(struct run_state *s)
{
	if (!s->janitor_pid)
		return;
	if (write(s->janitor_fd, "", 1) < 0) {
		/* it is gone already: nothing to wait for but the zombie */
	}
	cleanup_close(&s->janitor_fd);
	while (waitpid(s->janitor_pid, NULL, 0) < 0 && errno == EINTR)
		;
	s->janitor_pid = 0;
}

static void state_close(struct run_state *s)
{
	cleanup_close(&s->pidfd);
	cleanup_close(&s->sync_fd);
	cleanup_close(&s->sig_fd);
	cleanup_close(&s->timer_fd);
	bpf_job_close(&s->bpf);
	netuser_stop(&s->net);
	janitor_stop(s);
	cgroup_teardown(&s->cg);
	/* Once the sandbox is cloned, every page jail writes is a copy-on-write fault
	 * (~13 us each on the development machines): the plan's memory goes with the
	 * process, which exits right after. */
	if (!s->pid)
		plan_free(&s->plan);
	free(s->res.error);
}

/* Everything between clone and the end of the job; the child exists on entry. */
static int supervise(struct run_state *s, struct jail_error *e)
{
	double t = now_s();
	int status = 0;

	/* The exec audit is pointed at the job before the maps: the child waits for them. */
	if (bpf_job_started(&s->bpf, s->pid, e) < 0 ||
	    (userns_parent_writes_maps(&s->plan) &&
	     (userns_write_maps(s->pid, &s->plan, e) < 0 ||
	      sync_send(s->sync_fd, SYNC_MAPS_DONE, 0, 0, NULL) < 0))) {
		if (!e->msg[0])
			jail_error_set(e, errno, "tell the sandbox its maps are written");
		if (e->err == EPERM)
			diag_userns(e);
		kill_sandbox(s);
		while (wait4(s->pid, &status, 0, NULL) < 0 && errno == EINTR)
			;
		return -1;
	}
	timing(s, "maps", &t);
	event_loop(s);
	test_pause("parent:reap");
	if (s->have_exit && !need_init_reaped(s)) {
		/* init is exiting by itself; when jail exits it is reaped by whoever adopts
		 * it, and its PDEATHSIG is moot. */
	} else {
		while (wait4(s->pid, &status, 0, &s->res.ru) < 0 && errno == EINTR)
			;
		drain_sync(s);
	}
	s->res.wall_s = now_s() - s->t0;
	timing(s, "job", &t);
	result_compute(s, status);
	return 0;
}

static int finish(struct run_state *s, struct jail_error *e)
{
	struct jail_config *c = s->c;

	test_pause("parent:finish");
	if (s->cg.job_fd >= 0) {
		cgroup_kill(&s->cg);
		cgroup_read_usage(&s->cg, &s->res.usage);
	}
	bpf_job_finish(&s->bpf);
	s->res.bpf = &s->bpf;
	if (s->have_child_err) {
		char buf[4096];
		*e = s->child_err;
		jail_error_format(e, buf, sizeof(buf));
		s->res.error = xstrdup(buf + strlen("jail: "));
	}
	if (c->stats)
		cgroup_stats_line(stderr, &s->res.usage);
	if (c->report_path) {
		struct jail_error re = { 0 };
		if (report_write(c->report_path, c, &s->res, &s->cg, &re) < 0 && !s->have_child_err) {
			*e = re;
			return 125;
		}
	}
	if (s->have_child_err && !e->exit_code)
		e->exit_code = s->res.exit_code;
	return s->res.exit_code;
}

int run_job(struct jail_config *c, struct jail_error *e)
{
	struct run_state s = { .c = c, .pidfd = -1, .sync_fd = -1, .sig_fd = -1, .timer_fd = -1,
			       .janitor_fd = -1, .net = { .pidfd = -1, .log_fd = -1 } };
	double t = now_s();
	int rc = 125;

	s.t0 = t;
	if (c->debug_timing)
		s.faults = page_faults();
	s.cg.job_fd = -1;
	if (plan_build(c, &s.plan, e) < 0)
		goto out;
	if (c->report_path && report_check(c->report_path, e) < 0)
		goto out;
	timing(&s, "plan", &t);
	if (c->net_mode == JAIL_NET_USER) {
		if (netuser_prepare(c, &s.net, e) < 0)
			goto out;
		s.plan.net = &s.net.plan;
		timing(&s, "net", &t);
	}
	/* The janitor is forked before the BPF programs are loaded: it must not hold their
	 * links, which detach when jail's own fds close. */
	if (cgroup_setup_parent(c, &s.cg, e) < 0 || bpf_job_cgroup(c, &s.cg, e) < 0 ||
	    janitor_start(&s, e) < 0 || bpf_job_prepare(c, &s.bpf, &s.cg, e) < 0)
		goto out;
	timing(&s, "cgroup", &t);
	if (signals_block(&s, e) < 0 || timer_arm(&s, e) < 0)
		goto out;
	fflush(NULL); /* the child must not inherit buffered output and print it twice */
	if (sandbox_clone(&s, e) < 0)
		goto out;
	timing(&s, "clone", &t);
	if (supervise(&s, e) < 0)
		goto out;
	rc = finish(&s, e);
out:
	state_close(&s);
	return rc;
}
