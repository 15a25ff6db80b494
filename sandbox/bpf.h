/* Root-only extras with libbpf (parent side): egress allowlist and device policy on the
 * job cgroup, exec audit by pid namespace. The programs are in sandbox/bpf/, loaded by
 * sandbox/bpf_load.c when jail was built with them (HAVE_BPF_EXTRAS). Every program is
 * attached through a bpf link that only jail holds: when jail exits, even by SIGKILL,
 * the kernel detaches it. */
#ifndef JAIL_BPF_H
#define JAIL_BPF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "policy/config.h"
#include "policy/error.h"
#include "sandbox/cgroup.h"

#define BPF_EXEC_MAX 10000 /* exec records kept for the report; the rest are counted */

enum {
	BPF_FEAT_EGRESS = 1u << 0,
	BPF_FEAT_DEVICES = 1u << 1,
	BPF_FEAT_EXEC = 1u << 2,
};

struct bpf_exec_record {
	double time; /* seconds since the epoch (UTC) */
	int pid;     /* in the job's pid namespace */
	char *path;
	char *argv0;
};

struct bpf_loaded;

struct bpf_job {
	unsigned requested, enforced, not_enforced; /* BPF_FEAT_* */
	struct bpf_loaded *loaded;
	double boot_to_epoch; /* CLOCK_REALTIME - CLOCK_BOOTTIME, seconds */
	uint64_t egress_denied, devices_denied;
	struct bpf_exec_record *exec;
	size_t n_exec;
	uint64_t exec_dropped;
};

/* Before the cgroup janitor starts: when egress or devices are asked for (and can be:
 * root, built) and the limits made no job cgroup, make one for the programs. */
int bpf_job_cgroup(const struct jail_config *c, struct cgroup_job *cg, struct jail_error *e);
/* Before clone: check the requirements (root, built with libbpf), load the programs and
 * attach them. Fails closed; c->best_effort makes a missing feature a warning and a
 * not_enforced entry. */
int bpf_job_prepare(const struct jail_config *c, struct bpf_job *b, const struct cgroup_job *cg,
		    struct jail_error *e);
/* After clone, before the maps are written (the job cannot exec before): point the exec
 * audit at the sandbox's pid namespace. */
int bpf_job_started(struct bpf_job *b, pid_t pid, struct jail_error *e);
/* An fd to poll for exec records (-1 when none) and what to call when it is readable. */
int bpf_job_poll_fd(const struct bpf_job *b);
void bpf_job_consume(struct bpf_job *b);
/* After the job: drain the records, read the counters. */
void bpf_job_finish(struct bpf_job *b);
/* Detach and free everything; safe to call more than once. */
void bpf_job_close(struct bpf_job *b);
/* The "bpf" member of the report (no leading comma). */
void bpf_report_json(FILE *f, const struct jail_config *c, const struct bpf_job *b);

#endif
