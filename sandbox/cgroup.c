#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "sandbox/cgroup.h"

/* Placeholder until quotas land: asking for a limit fails closed. */
static bool limits_asked(const struct jail_limits *l)
{
	return l->memory_max != JAIL_UNSET || l->memory_high != JAIL_UNSET ||
	       l->cpu_millis != JAIL_UNSET || l->cpu_weight != JAIL_UNSET ||
	       l->pids_max != JAIL_UNSET || l->io_weight != JAIL_UNSET || l->n_io > 0;
}

int cgroup_setup_parent(const struct jail_config *c, struct cgroup_job *job,
			struct jail_error *e)
{
	memset(job, 0, sizeof(*job));
	job->job_fd = -1;
	if (limits_asked(&c->limits))
		return jail_error_set(e, ENOTSUP, "cgroup limits are not supported by this build");
	return 0;
}

void cgroup_kill(struct cgroup_job *job)
{
	(void)job;
}

void cgroup_read_usage(struct cgroup_job *job, struct cgroup_usage *u)
{
	(void)job;
	memset(u, 0, sizeof(*u));
}

void cgroup_teardown(struct cgroup_job *job)
{
	(void)job;
}

void cgroup_report_json(FILE *f, const struct cgroup_job *job, const struct cgroup_usage *u)
{
	(void)job;
	(void)u;
	fprintf(f, "\"cgroup\": null");
}

void cgroup_stats_line(FILE *f, const struct cgroup_usage *u)
{
	(void)f;
	(void)u;
}
