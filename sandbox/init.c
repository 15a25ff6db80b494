#include "autoconfig.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "sandbox/init.h"
#include "sandbox/keepupper.h"
#include "sandbox/sync.h"
#include "sandbox/testhook.h"

/* Reap every child that has exited; returns true once the job itself has. */
static bool reap(pid_t job, int *job_status)
{
	bool job_done = false;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == job) {
			*job_status = status;
			job_done = true;
		}
	}
	return job_done;
}

static void forward(pid_t job, int sig)
{
	/* The job is a session and group leader (setsid): ^C must reach make's children
	 * too, as it would without the sandbox. */
	if (kill(-job, sig) < 0)
		kill(job, sig);
}

/* When the job is gone, nothing else in the sandbox may outlive it: kill(-1) from
 * pid 1 reaches every process in the namespace but init, then reap them all.
 * kill(-1) walks every process on the host, not only ours (a lock and ~50 ns per task
 * on a farm running thousands), so it is skipped when init has no child left: every
 * process in the namespace descends from init, orphans are reparented to it, so with
 * no child (not even a zombie) there is no one else to kill. */
static void kill_rest(void)
{
	pid_t pid;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0 || (pid < 0 && errno == EINTR))
		;
	if (pid < 0 && errno == ECHILD)
		return;
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

void init_main(const struct sandbox_plan *p, pid_t job, int sync_fd, struct mount_state *st)
{
	struct sync_mark t;
	int job_status = 0;
	sigset_t all;

	sync_mark_now(&t);
	/* Not dumpable and named jail-init since before the job started (child.c). */
	test_pause("init:start");
	sigfillset(&all);
	for (;;) {
		siginfo_t info;
		int sig = sigwaitinfo(&all, &info);

		if (sig < 0)
			continue;
		if (sig == SIGCHLD) {
			if (reap(job, &job_status))
				break;
			continue;
		}
		forward(job, sig);
	}
	sync_send_timing(sync_fd, p->config->debug_timing, "job", &t);
	test_pause("init:wait");
	kill_rest();
	sync_send_timing(sync_fd, p->config->debug_timing, "reap", &t);
	test_pause("init:reaped");
	if (st->keep_upper_fd >= 0) {
		struct jail_error e = { 0 };
		/* Asked for and not done: the parent exits 125 even if the job succeeded. */
		if (keep_upper_copy(p, st->scratch_fd, st->keep_upper_fd, &e) < 0)
			sync_send_error(sync_fd, &e, 125);
	}
	test_pause("init:exit");
	sync_send(sync_fd, SYNC_EXIT, 0, job_status, NULL);
	_exit(0);
}
