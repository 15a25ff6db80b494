#ifndef JAIL_REPORT_H
#define JAIL_REPORT_H

#include <stdbool.h>
#include <sys/resource.h>

#include "policy/config.h"
#include "policy/error.h"
#include "sandbox/bpf.h"
#include "sandbox/cgroup.h"

struct run_result {
	int exit_code;	   /* what jail exits with */
	int job_exit;	   /* the job's exit status, -1 if it was killed or never ran */
	int job_signal;	   /* the signal that killed the job, 0 if none */
	bool timed_out;
	bool ran;	   /* the job's command was started */
	char *error;	   /* jail's own failure, or NULL */
	double wall_s;
	struct rusage ru;  /* the whole tree: init reaps everything, we wait for init */
	struct cgroup_usage usage;
	const struct bpf_job *bpf; /* root-only extras, NULL when the job never started */
};

/* Can the report be written there? Checked before anything runs. */
int report_check(const char *path, struct jail_error *e);
/* Write the JSON report atomically (temp file + rename). */
int report_write(const char *path, const struct jail_config *c, const struct run_result *r,
		 const struct cgroup_job *cg, struct jail_error *e);

#endif
