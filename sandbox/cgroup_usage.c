/* Quotas, the end of a run: kill the job cgroup, read what the job used, remove the
 * cgroup, report. */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "sandbox/cgroup.h"
#include "sandbox/cgroup_internal.h"
#include "sandbox/cgroup_parse.h"

/* How long teardown waits for the kernel to finish killing the job. A process in an
 * uninterruptible sleep (NFS, a stuck FUSE) can take longer; then the directory is
 * left for the next run's stale cleanup rather than hanging jail. */
#define DRAIN_TIMEOUT_MS 5000

static bool populated(int job_fd)
{
	char events[256];
	uint64_t v;

	if (cg_read_at(job_fd, "cgroup.events", events, sizeof(events)) < 0)
		return false;
	return cg_keyed_get(events, "populated", &v) && v != 0;
}

/* Kernels before 5.14 have no cgroup.kill: freeze, so nothing forks while we look,
 * then SIGKILL every pid (a fatal signal gets through the freezer). */
static void kill_each(int job_fd)
{
	char procs[16384];

	cg_write_at(job_fd, "cgroup.freeze", "1");
	for (int round = 0; round < 10 && populated(job_fd); round++) {
		if (cg_read_at(job_fd, "cgroup.procs", procs, sizeof(procs)) <= 0)
			break;
		for (char *p = procs; *p;) {
			long pid = strtol(p, &p, 10);
			if (pid > 0)
				kill((pid_t)pid, SIGKILL);
			p += strspn(p, "\n");
			if (*p && (*p < '0' || *p > '9'))
				break;
		}
	}
	cg_write_at(job_fd, "cgroup.freeze", "0");
}

/* cgroup.events signals every change of "populated" with POLLPRI. */
static void wait_empty(int job_fd)
{
	_cleanup_close_ int events_fd = openat(job_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (populated(job_fd)) {
		struct pollfd pfd = { .fd = events_fd, .events = POLLPRI };
		long waited;

		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (waited >= DRAIN_TIMEOUT_MS)
			return;
		/* The poll is only a wake-up; re-read in any case, at least every 50 ms. */
		if (events_fd < 0 || poll(&pfd, 1, 50) < 0)
			usleep(10000);
	}
}

void cgroup_kill(struct cgroup_job *job)
{
	if (job->job_fd < 0 || !populated(job->job_fd))
		return;
	if (cg_write_at(job->job_fd, "cgroup.kill", "1") < 0)
		kill_each(job->job_fd);
	wait_empty(job->job_fd);
}

static uint64_t read_u64(int dirfd, const char *file)
{
	char buf[64];

	if (cg_read_at(dirfd, file, buf, sizeof(buf)) <= 0)
		return 0;
	return strtoull(buf, NULL, 10);
}

void cgroup_read_usage(struct cgroup_job *job, struct cgroup_usage *u)
{
	char text[8192];
	struct cg_io_totals io;

	memset(u, 0, sizeof(*u));
	if (job->job_fd < 0)
		return;
	/* A file missing on this kernel (memory.peak < 5.19, pids.peak < 6.1) reads 0. */
	if (cg_read_at(job->job_fd, "cpu.stat", text, sizeof(text)) > 0) {
		cg_keyed_get(text, "usage_usec", &u->cpu_usage_usec);
		cg_keyed_get(text, "user_usec", &u->cpu_user_usec);
		cg_keyed_get(text, "system_usec", &u->cpu_system_usec);
		cg_keyed_get(text, "nr_throttled", &u->cpu_nr_throttled);
		cg_keyed_get(text, "throttled_usec", &u->cpu_throttled_usec);
	}
	if (cg_read_at(job->job_fd, "memory.events", text, sizeof(text)) > 0) {
		cg_keyed_get(text, "oom", &u->memory_oom);
		cg_keyed_get(text, "oom_kill", &u->memory_oom_kill);
		/* One per OOM that killed the whole job (memory.oom.group); oom_kill counts
		 * every process it took. Linux 5.17+. */
		cg_keyed_get(text, "oom_group_kill", &u->memory_oom_group_kill);
	}
	if (cg_read_at(job->job_fd, "io.stat", text, sizeof(text)) >= 0) {
		cg_parse_io_stat(text, &io);
		u->io_read_bytes = io.rbytes;
		u->io_write_bytes = io.wbytes;
		u->io_read_ops = io.rios;
		u->io_write_ops = io.wios;
	}
	u->memory_peak = read_u64(job->job_fd, "memory.peak");
	u->pids_peak = read_u64(job->job_fd, "pids.peak");
	u->valid = true;
}

/* Whether the only subdirectory of D is the leaf: then no cgroup but ours uses the
 * controllers D enables. */
static bool only_leaf_below(int base_fd)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd = openat(base_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	bool only = true;

	if (fd < 0 || !(d = fdopendir(fd))) {
		cleanup_close(&fd);
		return false;
	}
	while (only && (de = readdir(d)))
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, CG_LEAF_NAME))
			only = false;
	return only;
}

/* Whether jail is the only process in the leaf. */
static bool alone_in_leaf(int base_fd)
{
	char procs[64], self[24];

	snprintf(self, sizeof(self), "%ld\n", (long)getpid());
	return cg_read_at(base_fd, CG_LEAF_NAME "/cgroup.procs", procs, sizeof(procs)) > 0 &&
	       strcmp(procs, self) == 0;
}

/* The last jail out of D puts it back as it found it (see cgroup.c): controllers off,
 * jail back in D, the leaf removed. Under the D lock, so that no concurrent jail is
 * between enabling the controllers and making its job cgroup. Any failure just leaves
 * the leaf for the next run. */
static void restore_base(const struct cgroup_job *job)
{
	_cleanup_close_ int base_fd = open(job->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char enabled[512], cmd[64];
	unsigned bits;
	int r;

	if (base_fd < 0)
		return;
	do
		r = flock(base_fd, LOCK_EX);
	while (r < 0 && errno == EINTR);
	if (r < 0 || !only_leaf_below(base_fd) || !alone_in_leaf(base_fd) ||
	    cg_read_at(base_fd, "cgroup.subtree_control", enabled, sizeof(enabled)) < 0)
		return;
	bits = cg_controllers_parse(enabled);
	for (unsigned bit = 1; bit <= CG_PIDS; bit <<= 1) {
		if (!(bits & bit))
			continue;
		snprintf(cmd, sizeof(cmd), "-%s", cg_controller_name(bit));
		if (cg_write_at(base_fd, "cgroup.subtree_control", cmd) < 0)
			return;
	}
	if (cg_write_at(base_fd, "cgroup.procs", "0") < 0)
		return;
	unlinkat(base_fd, CG_LEAF_NAME, AT_REMOVEDIR);
}

void cgroup_teardown(struct cgroup_job *job)
{
	if (job->job_fd >= 0) {
		cgroup_kill(job);
		cleanup_close(&job->job_fd);
		job->job_fd = -1;
	}
	if (job->path) {
		/* The last exiting task may still be on its way out of the css_set. */
		for (int tries = 0; rmdir(job->path) < 0 && errno == EBUSY && tries < 50; tries++)
			usleep(2000);
		free(job->path);
		job->path = NULL;
	}
	if (job->leaf && job->base)
		restore_base(job);
	free(job->leaf);
	job->leaf = NULL;
	free(job->base);
	job->base = NULL;
	free(job->not_enforced);
	job->not_enforced = NULL;
}

static void json_string(FILE *f, const char *s)
{
	char buf[8192];

	cg_json_escape(buf, sizeof(buf), s);
	fprintf(f, "\"%s\"", buf);
}

void cgroup_report_json(FILE *f, const struct cgroup_job *job, const struct cgroup_usage *u)
{
	fputs("\"cgroup\": ", f);
	if (job->job_fd < 0 && !job->path && !job->not_enforced) {
		fputs("null", f);
		return;
	}
	fputs("{\"path\": ", f);
	if (job->path)
		json_string(f, job->path);
	else
		fputs("null", f);
	fputs(", \"not_enforced\": [", f);
	for (const char *p = job->not_enforced; p && *p;) {
		size_t n = strcspn(p, ",");
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) ? n : sizeof(name) - 1),
			 p);
		fputs(p == job->not_enforced ? "" : ", ", f);
		json_string(f, name);
		p += n + (p[n] == ',');
	}
	fputs("], \"usage\": ", f);
	if (!u->valid) {
		fputs("null}", f);
		return;
	}
	fprintf(f,
		"{\"cpu_usage_usec\": %" PRIu64 ", \"cpu_user_usec\": %" PRIu64
		", \"cpu_system_usec\": %" PRIu64 ", \"cpu_nr_throttled\": %" PRIu64
		", \"cpu_throttled_usec\": %" PRIu64 ", \"memory_peak_bytes\": %" PRIu64
		", \"memory_oom\": %" PRIu64 ", \"memory_oom_kill\": %" PRIu64
		", \"memory_oom_group_kill\": %" PRIu64
		", \"io_read_bytes\": %" PRIu64 ", \"io_write_bytes\": %" PRIu64
		", \"io_read_ops\": %" PRIu64 ", \"io_write_ops\": %" PRIu64
		", \"pids_peak\": %" PRIu64 "}}",
		u->cpu_usage_usec, u->cpu_user_usec, u->cpu_system_usec, u->cpu_nr_throttled,
		u->cpu_throttled_usec, u->memory_peak, u->memory_oom, u->memory_oom_kill,
		u->memory_oom_group_kill,
		u->io_read_bytes, u->io_write_bytes, u->io_read_ops, u->io_write_ops,
		u->pids_peak);
}

static double mib(uint64_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

void cgroup_stats_line(FILE *f, const struct cgroup_usage *u)
{
	if (!u->valid) {
		fputs("jail: stats: no job cgroup (no limit asked for)\n", f);
		return;
	}
	fprintf(f,
		"jail: stats: cpu %.3fs (user %.3fs, system %.3fs, throttled %" PRIu64
		"x %.3fs), memory peak %.1f MiB, oom kills %" PRIu64 " (whole job %" PRIu64
		"x), io read %.1f MiB "
		"write %.1f MiB, pids peak %" PRIu64 "\n",
		(double)u->cpu_usage_usec / 1e6, (double)u->cpu_user_usec / 1e6,
		(double)u->cpu_system_usec / 1e6, u->cpu_nr_throttled,
		(double)u->cpu_throttled_usec / 1e6, mib(u->memory_peak), u->memory_oom_kill,
		u->memory_oom_group_kill, mib(u->io_read_bytes), mib(u->io_write_bytes), u->pids_peak);
}
