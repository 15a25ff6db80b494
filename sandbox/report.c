#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "policy/units.h"
#include "sandbox/report.h"

static void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void json_strv(FILE *f, char *const *v)
{
	fputc('[', f);
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			fputs(", ", f);
		json_str(f, v[i]);
	}
	fputc(']', f);
}

static void json_u64_or_null(FILE *f, const char *name, uint64_t v)
{
	if (v == JAIL_UNSET)
		fprintf(f, "\"%s\": null", name);
	else
		fprintf(f, "\"%s\": %llu", name, (unsigned long long)v);
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void cidrs_json(FILE *f, const struct jail_cidr *v, size_t n)
{
	char text[64];

	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		netrule_format(&v[i], text, sizeof(text));
		fprintf(f, "%s\"%s\"", i ? ", " : "", text);
	}
	fputc(']', f);
}

/* {"mode": "none"}, or {"mode": "user", "allow": [...] or null (no list: everything but
 * the host itself), "dns": [...]}. */
static void network_json(FILE *f, const struct jail_config *c)
{
	if (c->net_mode != JAIL_NET_USER) {
		fputs("{\"mode\": \"none\"}", f);
		return;
	}
	fputs("{\"mode\": \"user\", \"allow\": ", f);
	if (c->net.allow_set)
		cidrs_json(f, c->net.allow, c->net.n_allow);
	else
		fputs("null", f);
	fputs(", \"dns\": ", f);
	cidrs_json(f, c->net.dns, c->net.n_dns);
	fputc('}', f);
}

static void options_json(FILE *f, const struct jail_config *c)
{
	static const char *const kinds[] = { "bind", "ro-bind", "tmpfs" };

	fputs("  \"options\": {\n    \"profile\": ", f);
	json_str(f, c->profile_name ? c->profile_name : "default");
	fprintf(f, ",\n    \"map\": \"%s\", \"root\": %s,\n    \"workdir\": ",
		c->map_mode == JAIL_MAP_SUBUID ? "subuid" : "self", c->root_inside ? "true" : "false");
	json_str(f, c->workdir);
	fprintf(f, ", \"workdir_writable\": %s,\n    \"toolchain_dirs\": ",
		c->workdir_writable ? "true" : "false");
	json_strv(f, c->toolchain_dirs);
	fputs(",\n    \"mounts\": [", f);
	for (size_t i = 0; i < c->n_mounts; i++) {
		fprintf(f, "%s{\"kind\": \"%s\", \"src\": ", i ? ", " : "", kinds[c->mounts[i].kind]);
		json_str(f, c->mounts[i].src);
		fputs(", \"dst\": ", f);
		json_str(f, c->mounts[i].dst);
		fputc('}', f);
	}
	fputs("],\n    \"keep_upper\": ", f);
	json_str(f, c->keep_upper);
	fprintf(f, ", \"scratch_size\": %llu, \"network\": ", (unsigned long long)c->scratch_size);
	network_json(f, c);
	fputs(", \"hostname\": ", f);
	json_str(f, c->hostname);
	fprintf(f, ",\n    \"timeout_ms\": %llu, \"rlimits\": {", (unsigned long long)c->timeout_ms);
	for (size_t i = 0; i < c->n_rlimits; i++)
		fprintf(f, "%s\"%s\": [%lld, %lld]", i ? ", " : "", rlimit_name(c->rlimits[i].resource),
			c->rlimits[i].value.rlim_cur == RLIM_INFINITY ? -1LL :
			(long long)c->rlimits[i].value.rlim_cur,
			c->rlimits[i].value.rlim_max == RLIM_INFINITY ? -1LL :
			(long long)c->rlimits[i].value.rlim_max);
	fputs("},\n    \"keep_env\": ", f);
	json_strv(f, c->keep_env);
	fputs(", \"set_env\": [", f);
	for (size_t i = 0; i < c->n_set_env; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, c->set_env[i].name);
	}
	fprintf(f, "],\n    \"capabilities_kept\": \"0x%llx\", \"seccomp_instructions\": %zu,\n    ",
		(unsigned long long)c->caps_keep, c->seccomp.len);
	json_u64_or_null(f, "memory_max", c->limits.memory_max);
	fputs(", ", f);
	json_u64_or_null(f, "cpu_millis", c->limits.cpu_millis);
	fputs(", ", f);
	json_u64_or_null(f, "pids_max", c->limits.pids_max);
	fputs("\n  },\n", f);
}

int report_check(const char *path, struct jail_error *e)
{
	_cleanup_free_ char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return jail_error_set(e, EISDIR, "--report %s", path);
	if (access(dir, W_OK | X_OK) < 0)
		return jail_error_set(e, errno, "--report %s: cannot write in %s", path, dir);
	return 0;
}

static void result_json(FILE *f, const struct jail_config *c, const struct run_result *r)
{
	fputs("{\n  \"version\": 1,\n  \"command\": ", f);
	json_strv(f, c->argv);
	fprintf(f, ",\n  \"exit_code\": %d,\n  \"status\": ", r->exit_code);
	if (r->timed_out)
		fputs("\"timeout\"", f);
	else if (r->error)
		fputs("\"jail-error\"", f);
	else if (r->job_signal)
		fputs("\"signaled\"", f);
	else
		fputs("\"exited\"", f);
	fputs(",\n  \"job_exit\": ", f);
	if (r->job_exit >= 0)
		fprintf(f, "%d", r->job_exit);
	else
		fputs("null", f);
	fputs(", \"signal\": ", f);
	if (r->job_signal)
		fprintf(f, "%d", r->job_signal);
	else
		fputs("null", f);
	fprintf(f, ", \"timed_out\": %s, \"ran\": %s,\n  \"error\": ", r->timed_out ? "true" : "false",
		r->ran ? "true" : "false");
	json_str(f, r->error);
	fprintf(f, ",\n  \"time\": {\"wall_s\": %.6f, \"user_s\": %.6f, \"system_s\": %.6f},\n",
		r->wall_s, tv_s(r->ru.ru_utime), tv_s(r->ru.ru_stime));
	fprintf(f, "  \"rusage\": {\"max_rss_kib\": %ld, \"minor_faults\": %ld, \"major_faults\": %ld, "
		   "\"inblock\": %ld, \"oublock\": %ld, \"voluntary_switches\": %ld, "
		   "\"involuntary_switches\": %ld},\n",
		r->ru.ru_maxrss, r->ru.ru_minflt, r->ru.ru_majflt, r->ru.ru_inblock, r->ru.ru_oublock,
		r->ru.ru_nvcsw, r->ru.ru_nivcsw);
}

int report_write(const char *path, const struct jail_config *c, const struct run_result *r,
		 const struct cgroup_job *cg, struct jail_error *e)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int err;

	if (!f) {
		err = errno;
		if (fd >= 0)
			close(fd);
		return jail_error_set(e, err, "write the report %s", tmp);
	}
	result_json(f, c, r);
	options_json(f, c);
	fputs("  ", f);
	cgroup_report_json(f, cg, &r->usage);
	if (r->bpf) {
		fputs(",\n  ", f);
		bpf_report_json(f, c, r->bpf);
	}
	fputs("\n}\n", f);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0) {
		err = errno;
		fclose(f);
		unlink(tmp);
		return jail_error_set(e, err, "write the report %s", tmp);
	}
	fclose(f);
	if (rename(tmp, path) < 0) {
		err = errno;
		unlink(tmp);
		return jail_error_set(e, err, "rename the report to %s", path);
	}
	return 0;
}
