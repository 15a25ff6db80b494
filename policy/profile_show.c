#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <string.h>
#include <sys/capability.h>

#include "policy/cleanup.h"
#include "policy/profile_model.h"
#include "policy/profile_show.h"
#include "policy/seccomp.h"
#include "policy/seccomp_groups.h"
#include "policy/units.h"

/* ---- show: the resolved profile, as a profile that reads back the same ---- */

static void put_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void put_strv(FILE *out, const char *indent, const char *key, char **v)
{
	if (!v || !v[0])
		return;
	fprintf(out, "%s%s:\n", indent, key);
	for (size_t i = 0; v[i]; i++) {
		fprintf(out, "%s  - ", indent);
		put_str(out, v[i]);
		fputc('\n', out);
	}
}

static void put_limit(FILE *out, const struct profile *p, uint32_t bit, const char *key,
		      uint64_t v)
{
	if (!(p->has & bit))
		return;
	if (v == JAIL_UNSET)
		fprintf(out, "  %s: max\n", key);
	else
		fprintf(out, "  %s: %llu\n", key, (unsigned long long)v);
}

static void show_filesystem(FILE *out, const struct profile *p)
{
	static const char *const kinds[] = { "bind", "ro-bind", "tmpfs" };

	fprintf(out, "filesystem:\n");
	put_strv(out, "  ", "toolchain", p->toolchain);
	if (p->has & PF_SCRATCH)
		fprintf(out, "  scratch: %llu\n", (unsigned long long)p->scratch);
	fprintf(out, "  workdir: %s\n", p->workdir_writable ? "writable" : "read-only");
	if (p->n_mounts)
		fprintf(out, "  mounts:\n");
	for (size_t i = 0; i < p->n_mounts; i++) {
		fprintf(out, "    - type: %s\n", kinds[p->mounts[i].kind]);
		if (p->mounts[i].src) {
			fprintf(out, "      src: ");
			put_str(out, p->mounts[i].src);
			fputc('\n', out);
		}
		fprintf(out, "      dst: ");
		put_str(out, p->mounts[i].dst);
		fputc('\n', out);
	}
	fprintf(out, "identity:\n  map: %s\n  root: %s\n",
		p->map_mode == JAIL_MAP_SUBUID ? "subuid" : "self",
		p->root_inside ? "true" : "false");
	profile_net_show(out, p);
}

static void show_limits(FILE *out, const struct profile *p)
{
	fprintf(out, "limits:\n");
	put_limit(out, p, PF_MEMORY, "memory", p->memory_max);
	put_limit(out, p, PF_MEMORY_HIGH, "memory-high", p->memory_high);
	put_limit(out, p, PF_SWAP, "swap", p->swap_max);
	if (p->has & PF_CPUS)
		fprintf(out, "  cpus: %llu.%03llu\n", (unsigned long long)p->cpu_millis / 1000,
			(unsigned long long)p->cpu_millis % 1000);
	put_limit(out, p, PF_CPU_WEIGHT, "cpu-weight", p->cpu_weight);
	put_limit(out, p, PF_PIDS, "pids", p->pids_max);
	put_limit(out, p, PF_IO_WEIGHT, "io-weight", p->io_weight);
	if (p->n_io)
		fprintf(out, "  io:\n");
	for (size_t i = 0; i < p->n_io; i++) {
		fprintf(out, "    - device: ");
		put_str(out, p->io[i].device);
		fprintf(out, "\n      read: ");
		fprintf(out, p->io[i].read_bps == JAIL_UNSET ? "max" : "%llu",
			(unsigned long long)p->io[i].read_bps);
		fprintf(out, "\n      write: ");
		fprintf(out, p->io[i].write_bps == JAIL_UNSET ? "max" : "%llu",
			(unsigned long long)p->io[i].write_bps);
		fputc('\n', out);
	}
	if (p->has & PF_TIMEOUT)
		fprintf(out, "  timeout: %llums\n", (unsigned long long)p->timeout_ms);
	if (p->n_rlimits)
		fprintf(out, "  rlimits:\n");
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct rlimit *v = &p->rlimits[i].value;
		fprintf(out, "    %s: ", rlimit_name(p->rlimits[i].resource));
		fprintf(out, v->rlim_cur == RLIM_INFINITY ? "unlimited" : "%llu",
			(unsigned long long)v->rlim_cur);
		fprintf(out, v->rlim_max == RLIM_INFINITY ? ":unlimited\n" : ":%llu\n",
			(unsigned long long)v->rlim_max);
	}
}

static void show_caps_env(FILE *out, const struct profile *p)
{
	fprintf(out, "capabilities:\n  keep: [");
	for (int cap = 0, first = 1; cap < 64; cap++) {
		if (!(p->caps_keep & (UINT64_C(1) << cap)))
			continue;
		/* libcap's strings carry a header of its own: cap_free, never free(). */
		char *name = cap_to_name(cap);
		fprintf(out, "%s%s", first ? "" : ", ",
			!name ? "?" : strncmp(name, "cap_", 4) == 0 ? name + 4 : name);
		cap_free(name);
		first = 0;
	}
	fprintf(out, "]\n  ambient: %s\n", p->caps_ambient ? "true" : "false");
	fprintf(out, "env:\n");
	put_strv(out, "  ", "keep", p->env_keep);
	if (p->n_env_set)
		fprintf(out, "  set:\n");
	for (size_t i = 0; i < p->n_env_set; i++) {
		fprintf(out, "    %s: ", p->env_set[i].name);
		put_str(out, p->env_set[i].value);
		fputc('\n', out);
	}
}

static void show_rule(FILE *out, const struct sc_rule *r)
{
	char action[64];

	sc_action_format(r->action, action, sizeof(action));
	fprintf(out, "    - syscall: ");
	put_str(out, r->name);
	fprintf(out, "  # %s\n", r->where);
	if (r->deny)
		fprintf(out, "      action: %s\n", action);
	if (r->n_conds)
		fprintf(out, "      args:\n");
	for (unsigned i = 0; i < r->n_conds; i++) {
		const struct sc_cond *c = &r->conds[i];
		fprintf(out, "        - {arg: %u, op: %s, ", c->arg, sc_op_name(c->op));
		if (c->op == SCMP_CMP_MASKED_EQ)
			fprintf(out, "mask: 0x%llx, ", (unsigned long long)c->mask);
		fprintf(out, "value: 0x%llx}\n", (unsigned long long)c->value);
	}
}

static void show_seccomp(FILE *out, const struct profile *p)
{
	char action[64];

	sc_action_format(p->default_action, action, sizeof(action));
	fprintf(out, "seccomp:\n  default-action: %s\n", action);
	put_strv(out, "  ", "architectures", p->arches);
	for (int deny = 0; deny < 2; deny++) {
		bool any = false;
		for (size_t i = 0; i < p->n_rules; i++) {
			if (p->rules[i].deny != deny)
				continue;
			if (!any)
				fprintf(out, "  %s:\n", deny ? "deny" : "allow");
			any = true;
			show_rule(out, &p->rules[i]);
		}
	}
}

void profile_print(FILE *out, const struct profile *p)
{
	fprintf(out, "# resolved from:");
	for (size_t i = 0; p->chain && p->chain[i]; i++)
		fprintf(out, "%s %s", i ? " ->" : "", p->chain[i]);
	fprintf(out, "\nname: ");
	put_str(out, p->name);
	if (p->description) {
		fprintf(out, "\ndescription: ");
		put_str(out, p->description);
	}
	fputc('\n', out);
	show_filesystem(out, p);
	show_limits(out, p);
	show_caps_env(out, p);
	show_seccomp(out, p);
	profile_bpf_show(out, p);
}

int profile_show(FILE *out, const char *name, struct jail_error *e)
{
	struct profile p;
	int r = profile_resolve(name, &p, e);

	if (r == 0)
		profile_print(out, &p);
	profile_free(&p);
	return r;
}

/* ---- list, check, compile ---- */

static void list_dir(FILE *out, const char *dir, char ***seen)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		_cleanup_free_ char *name = NULL, *path = NULL;
		struct profile p;
		struct jail_error e;

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0 ||
		    strcmp(de->d_name, "syscall-groups.yaml") == 0)
			continue;
		name = xasprintf("%.*s", (int)(len - 5), de->d_name);
		path = xasprintf("%s/%s", dir, de->d_name);
		if (profile_load_file(path, &p, &e) < 0)
			fprintf(out, "%-10s  %s  (does not load: %s)\n", name, path, e.msg);
		else
			fprintf(out, "%-10s  %s%s  %s\n", name, path,
				strv_contains(*seen, name) ? " (shadowed)" : "",
				p.description ? p.description : "");
		strv_add(seen, name);
		profile_free(&p);
	}
}

int profile_list(FILE *out, struct jail_error *e)
{
	char **dirs = profile_search_dirs();
	char **seen = xcalloc(1, sizeof(char *));

	for (size_t i = 0; dirs[i]; i++)
		list_dir(out, dirs[i], &seen);
	strv_free(dirs);
	strv_free(seen);
	return 0;
}

/* The groups file sits next to the profiles, so `jail profile check *.yaml` meets it:
 * check it as what it is rather than fail on it as a profile. */
static int check_groups(FILE *out, const char *file, struct jail_error *e)
{
	_cleanup_free_ char *buf = NULL;
	struct sc_groups g;
	size_t len;
	int r;

	if (profile_read_file(file, &buf, &len, e) < 0)
		return -1;
	r = sc_groups_parse(file, buf, len, &g, e);
	if (r == 0)
		fprintf(out, "%s: ok (syscall groups, %zu groups)\n", file, g.n);
	sc_groups_free(&g);
	return r;
}

int profile_check(FILE *out, const char *file, struct jail_error *e)
{
	_cleanup_free_ char *path = strchr(file, '/') ? xstrdup(file) : xasprintf("./%s", file);
	const char *base = strrchr(path, '/') + 1;
	struct jail_seccomp_program prog = { NULL, 0 };
	struct profile p;
	int r;

	if (strcmp(base, "syscall-groups.yaml") == 0)
		return check_groups(out, file, e);
	r = profile_resolve(path, &p, e);

	if (r == 0)
		r = profile_compile(&p, &prog, e);
	if (r == 0)
		fprintf(out, "%s: ok (%s, %zu instructions)\n", file, p.name, prog.len);
	free(prog.insns);
	profile_free(&p);
	return r;
}

int profile_compile_to(const char *name, const char *path, struct jail_error *e)
{
	struct jail_seccomp_program prog = { NULL, 0 };
	_cleanup_close_ int fd = -1;
	struct profile p;
	size_t bytes;
	int r = profile_resolve(name, &p, e);

	if (r == 0)
		r = profile_compile(&p, &prog, e);
	profile_free(&p);
	if (r < 0)
		return -1;
	bytes = prog.len * sizeof(*prog.insns);
	fd = strcmp(path, "-") == 0 ? dup(1) : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
						    0644);
	if (fd < 0)
		r = jail_error_set(e, errno, "cannot open %s", path);
	else if ((size_t)write(fd, prog.insns, bytes) != bytes)
		r = jail_error_set(e, errno, "cannot write %s", path);
	free(prog.insns);
	return r;
}
