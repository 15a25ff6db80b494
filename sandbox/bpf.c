/* Root-only extras (parent side): what was asked for, whether it can be had, and what
 * the report says about it. The libbpf work is in bpf_load.c, built only with the
 * extras (configure: libbpf, clang with the bpf target, bpftool, kernel BTF).
 *
 * Why root only: attaching cgroup programs and tracing programs needs CAP_BPF plus
 * CAP_NET_ADMIN/CAP_PERFMON in the initial user namespace, which an unprivileged jail
 * never has. The job itself still runs without any capability on the host, in a
 * subordinate id range (userns.c). */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "sandbox/bpf.h"
#include "sandbox/userns.h"
#ifdef HAVE_BPF_EXTRAS
#include "sandbox/bpf_load.h"
#endif

static const char *const feat_names[] = { "egress", "devices", "exec_audit" };

static unsigned requested(const struct jail_bpf *want)
{
	return (want->egress_set ? BPF_FEAT_EGRESS : 0) |
	       (want->devices_set ? BPF_FEAT_DEVICES : 0) | (want->exec_audit ? BPF_FEAT_EXEC : 0);
}

static void feat_list(unsigned bits, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(feat_names) && used < len; i++)
		if (bits & (1u << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
						 feat_names[i]);
}

/* Why the extras cannot run at all, or NULL. */
static const char *unavailable(struct jail_error *e)
{
#ifndef HAVE_BPF_EXTRAS
	jail_error_set(e, ENOTSUP, "jail was built without libbpf");
	jail_error_hint(e, "rebuild with libbpf-dev, clang, bpftool and a kernel with BTF "
			   "(./configure --with-libbpf=yes says what is missing)");
	return "built without libbpf";
#else
	if (userns_host_root())
		return NULL;
	jail_error_set(e, EPERM, "needs root: attaching BPF programs needs CAP_BPF and "
				 "CAP_NET_ADMIN/CAP_PERFMON on the host, which only root has");
	jail_error_hint(e, "run jail as root (the job still runs in root's subordinate id "
			   "range), drop them from the profile, or --best-effort to run "
			   "without them");
	return "needs root";
#endif
}

/* A feature cannot be had: fail closed, or under --best-effort warn and record it. */
static int give_up(const struct jail_config *c, struct bpf_job *b, unsigned feats,
		   struct jail_error *e)
{
	char names[64], buf[sizeof(e->msg) + sizeof(e->hint) + 64];

	feat_list(feats, names, sizeof(names));
	jail_error_prefix(e, "bpf %s", names);
	if (!c->best_effort)
		return -1;
	jail_error_format(e, buf, sizeof(buf));
	fprintf(stderr, "%s\njail: warning: --best-effort: running without bpf %s\n", buf, names);
	b->not_enforced |= feats;
	memset(e, 0, sizeof(*e));
	return 0;
}

int bpf_job_cgroup(const struct jail_config *c, struct cgroup_job *cg, struct jail_error *e)
{
	struct jail_error ignored = { 0 };

	if (!jail_bpf_needs_cgroup(&c->bpf) || cg->job_fd >= 0 || unavailable(&ignored))
		return 0;
	if (cgroup_setup_bare(c, cg, e) < 0) {
		if (c->best_effort)
			return 0; /* bpf_job_prepare gives the programs up with the reason */
		return jail_error_prefix(e, "bpf egress/devices");
	}
	return 0;
}

#ifdef HAVE_BPF_EXTRAS
static void exec_record(void *ctx, uint64_t boot_ns, int pid, const char *path,
			const char *argv0)
{
	struct bpf_job *b = ctx;
	struct bpf_exec_record *r;

	if (b->n_exec == BPF_EXEC_MAX) {
		b->exec_dropped++;
		return;
	}
	if (!b->exec)
		b->exec = xcalloc(BPF_EXEC_MAX, sizeof(*b->exec));
	r = &b->exec[b->n_exec++];
	r->time = b->boot_to_epoch + (double)boot_ns / 1e9;
	r->pid = pid;
	r->path = xstrdup(path);
	r->argv0 = xstrdup(argv0);
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load_cgroup_progs(const struct jail_config *c, struct bpf_job *b,
			     const struct cgroup_job *cg, struct jail_error *e)
{
	unsigned feats = b->requested & (BPF_FEAT_EGRESS | BPF_FEAT_DEVICES);

	if (!feats)
		return 0;
	if (cg->job_fd < 0) {
		/* Only under --best-effort: bpf_job_cgroup failed otherwise. */
		jail_error_set(e, ENOENT, "no job cgroup v2 to attach to");
		jail_error_hint(e, "jail needs a unified cgroup v2 hierarchy; on a hybrid host "
				   "the cgroup2 mount belongs to the init system");
		return give_up(c, b, feats, e);
	}
	if ((feats & BPF_FEAT_EGRESS) && bpf_load_egress(b->loaded, &c->bpf, cg->job_fd, e) < 0) {
		if (give_up(c, b, BPF_FEAT_EGRESS, e) < 0)
			return -1;
	} else if (feats & BPF_FEAT_EGRESS) {
		b->enforced |= BPF_FEAT_EGRESS;
	}
	if ((feats & BPF_FEAT_DEVICES) &&
	    bpf_load_devices(b->loaded, &c->bpf, cg->job_fd, e) < 0) {
		if (give_up(c, b, BPF_FEAT_DEVICES, e) < 0)
			return -1;
	} else if (feats & BPF_FEAT_DEVICES) {
		b->enforced |= BPF_FEAT_DEVICES;
	}
	return 0;
}
#endif

int bpf_job_prepare(const struct jail_config *c, struct bpf_job *b, const struct cgroup_job *cg,
		    struct jail_error *e)
{
	b->requested = requested(&c->bpf);
	if (!b->requested)
		return 0;
	if (unavailable(e))
		return give_up(c, b, b->requested, e);
#ifdef HAVE_BPF_EXTRAS
	b->loaded = bpf_load_new();
	b->boot_to_epoch = clock_s(CLOCK_REALTIME) - clock_s(CLOCK_BOOTTIME);
	if (load_cgroup_progs(c, b, cg, e) < 0)
		return -1;
	if (!(b->requested & BPF_FEAT_EXEC))
		return 0;
	if (bpf_load_exec(b->loaded, exec_record, b, e) < 0)
		return give_up(c, b, BPF_FEAT_EXEC, e);
	b->enforced |= BPF_FEAT_EXEC;
#endif
	return 0;
}

#ifdef HAVE_BPF_EXTRAS
/* The depth of our own pid namespace + 1: NSpid lists one id per level. */
static int job_pidns_level(unsigned *level)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
	char line[512];

	while (f && fgets(line, sizeof(line), f)) {
		unsigned n = 0;

		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		for (char *p = strtok(line + 6, " \t\n"); p; p = strtok(NULL, " \t\n"))
			n++;
		*level = n;
		return n ? 0 : -1;
	}
	return -1;
}
#endif

int bpf_job_started(struct bpf_job *b, pid_t pid, struct jail_error *e)
{
#ifdef HAVE_BPF_EXTRAS
	char path[64];
	struct stat st;
	unsigned level;

	if (!(b->enforced & BPF_FEAT_EXEC))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	if (stat(path, &st) < 0)
		return jail_error_set(e, errno, "exec audit: stat %s", path);
	if (job_pidns_level(&level) < 0)
		return jail_error_set(e, EIO, "exec audit: no NSpid in /proc/self/status");
	bpf_load_exec_target(b->loaded, level, (unsigned)st.st_ino);
#endif
	return 0;
}

int bpf_job_poll_fd(const struct bpf_job *b)
{
#ifdef HAVE_BPF_EXTRAS
	if (b->loaded)
		return bpf_load_exec_fd(b->loaded);
#endif
	return -1;
}

void bpf_job_consume(struct bpf_job *b)
{
#ifdef HAVE_BPF_EXTRAS
	if (b->loaded)
		bpf_load_exec_consume(b->loaded);
#endif
}

void bpf_job_finish(struct bpf_job *b)
{
#ifdef HAVE_BPF_EXTRAS
	uint64_t dropped = 0;

	if (!b->loaded)
		return;
	bpf_load_exec_consume(b->loaded);
	bpf_load_counters(b->loaded, &b->egress_denied, &b->devices_denied, &dropped);
	b->exec_dropped += dropped; /* the ring buffer's own overflow */
#endif
}

void bpf_job_close(struct bpf_job *b)
{
#ifdef HAVE_BPF_EXTRAS
	bpf_load_free(b->loaded);
#endif
	b->loaded = NULL;
	for (size_t i = 0; i < b->n_exec; i++) {
		free(b->exec[i].path);
		free(b->exec[i].argv0);
	}
	free(b->exec);
	b->exec = NULL;
	b->n_exec = 0;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p); /* bytes, not UTF-8: kept unambiguous */
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void json_feats(FILE *f, const char *name, unsigned bits)
{
	fprintf(f, "\"%s\": [", name);
	for (unsigned i = 0, n = 0; i < ARRAY_SIZE(feat_names); i++)
		if (bits & (1u << i))
			fprintf(f, "%s\"%s\"", n++ ? ", " : "", feat_names[i]);
	fputc(']', f);
}

void bpf_report_json(FILE *f, const struct jail_config *c, const struct bpf_job *b)
{
	fputs("\"bpf\": {", f);
	json_feats(f, "requested", b->requested);
	fputs(", ", f);
	json_feats(f, "enforced", b->enforced);
	fputs(", ", f);
	json_feats(f, "not_enforced", b->not_enforced);
	fprintf(f, ",\n    \"egress_rules\": %zu, \"egress_denied\": %llu, \"device_rules\": %zu, "
		   "\"devices_denied\": %llu,\n    \"exec_time\": \"seconds since the epoch, UTC\", "
		   "\"exec_dropped\": %llu, \"exec\": ",
		c->bpf.n_egress, (unsigned long long)b->egress_denied, c->bpf.n_devices,
		(unsigned long long)b->devices_denied, (unsigned long long)b->exec_dropped);
	if (!(b->enforced & BPF_FEAT_EXEC)) {
		fputs("null}", f);
		return;
	}
	fputc('[', f);
	for (size_t i = 0; i < b->n_exec; i++) {
		const struct bpf_exec_record *r = &b->exec[i];
		fprintf(f, "%s\n      {\"time\": %.6f, \"pid\": %d, \"path\": ", i ? "," : "",
			r->time, r->pid);
		json_string(f, r->path);
		fputs(", \"argv0\": ", f);
		json_string(f, r->argv0);
		fputc('}', f);
	}
	fputs("]}", f);
}
