/* Quotas through a delegated cgroup v2 subtree (parent side only: the child is cloned
 * straight into the job cgroup with clone3(CLONE_INTO_CGROUP)). */
#ifndef JAIL_CGROUP_H
#define JAIL_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "policy/config.h"
#include "policy/error.h"

struct cgroup_job {
	int job_fd;   /* O_DIRECTORY fd of the job cgroup, -1 when no cgroup is used; holds
		       * a flock for as long as this jail lives (see remove_stale_jobs) */
	char *base;   /* the delegated cgroup the job was made in, NULL when none */
	char *path;   /* absolute path of the job cgroup, NULL when none */
	char *leaf;   /* the leaf jail moved itself into, NULL when none */
	char *not_enforced; /* comma-separated limits skipped under --best-effort, or NULL */
};

struct cgroup_usage {
	bool valid;
	uint64_t cpu_usage_usec, cpu_user_usec, cpu_system_usec;
	uint64_t cpu_nr_throttled, cpu_throttled_usec;
	uint64_t memory_peak;
	uint64_t memory_oom, memory_oom_kill, memory_oom_group_kill;
	uint64_t io_read_bytes, io_write_bytes, io_read_ops, io_write_ops;
	uint64_t pids_peak;
};

/* Before clone: find the delegated cgroup, create the job cgroup and write every limit
 * in c->limits. When no limit is asked for and no delegated cgroup is at hand, returns 0
 * with job->job_fd == -1 (the run goes on without a cgroup). A limit that cannot be
 * enforced is an error (exit 125) unless c->best_effort. */
int cgroup_setup_parent(const struct jail_config *c, struct cgroup_job *job,
			struct jail_error *e);
/* A job cgroup without limits, for the BPF programs (sandbox/bpf.c), when
 * cgroup_setup_parent made none. Only in a unified cgroup v2 hierarchy: refused on a
 * hybrid host, whose cgroup2 mount is the init system's. */
int cgroup_setup_bare(const struct jail_config *c, struct cgroup_job *job, struct jail_error *e);
/* Kill every process in the job cgroup (cgroup.kill) and wait until it is empty. */
void cgroup_kill(struct cgroup_job *job);
/* After the job: read cpu.stat, memory.peak, memory.events, io.stat, pids.peak. */
void cgroup_read_usage(struct cgroup_job *job, struct cgroup_usage *u);
/* Remove the job cgroup (and the leaf when empty); safe to call more than once. */
void cgroup_teardown(struct cgroup_job *job);
/* Write the "cgroup" member of the report JSON (no leading comma), e.g.
 * "cgroup": {"path": ..., "usage": {...}, "not_enforced": [...]} */
void cgroup_report_json(FILE *f, const struct cgroup_job *job, const struct cgroup_usage *u);
/* One-line summary for --stats. */
void cgroup_stats_line(FILE *f, const struct cgroup_usage *u);

#endif
