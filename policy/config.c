#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/config.h"

static const char *const default_toolchain_dirs[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", NULL,
};

/* Out of memory in a sandbox launcher is not recoverable in any useful way, and a
 * half-built config must never be run: stop at once. */
static void oom(void)
{
	static const char msg[] = "jail: out of memory\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	_exit(125);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return p;
}

size_t strv_length(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

char **strv_copy(char *const *v)
{
	size_t n = strv_length(v);
	char **r = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

bool strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

void strv_add(char ***v, const char *s)
{
	size_t n = strv_length(*v);

	if (strv_contains(*v, s))
		return;
	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}

void strv_remove(char **v, const char *s)
{
	size_t out = 0;

	for (size_t i = 0; v && v[i]; i++) {
		if (strcmp(v[i], s) == 0)
			free(v[i]);
		else
			v[out++] = v[i];
	}
	if (v)
		v[out] = NULL;
}

void config_init_defaults(struct jail_config *c)
{
	memset(c, 0, sizeof(*c));
	c->map_mode = JAIL_MAP_SELF;
	c->toolchain_dirs = strv_copy((char *const *)default_toolchain_dirs);
	c->workdir_writable = true;
	c->net_mode = JAIL_NET_NONE;
	c->hostname = xstrdup("jail");
	c->keep_env = xcalloc(1, sizeof(char *));
	c->limits.memory_max = JAIL_UNSET;
	c->limits.memory_high = JAIL_UNSET;
	c->limits.swap_max = JAIL_UNSET;
	c->limits.cpu_millis = JAIL_UNSET;
	c->limits.cpu_weight = JAIL_UNSET;
	c->limits.pids_max = JAIL_UNSET;
	c->limits.io_weight = JAIL_UNSET;
}

void config_free(struct jail_config *c)
{
	jail_bpf_free(&c->bpf);
	jail_net_free(&c->net);
	strv_free(c->argv);
	free(c->profile_name);
	strv_free(c->toolchain_dirs);
	free(c->workdir);
	for (size_t i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].src);
		free(c->mounts[i].dst);
	}
	free(c->mounts);
	free(c->keep_upper);
	strv_free(c->keep_env);
	for (size_t i = 0; i < c->n_set_env; i++) {
		free(c->set_env[i].name);
		free(c->set_env[i].value);
	}
	free(c->set_env);
	free(c->rlimits);
	free(c->hostname);
	free(c->seccomp.insns);
	for (size_t i = 0; i < c->limits.n_io; i++)
		free(c->limits.io[i].device);
	free(c->limits.io);
	free(c->report_path);
	memset(c, 0, sizeof(*c));
}

void config_add_mount(struct jail_config *c, enum jail_mount_kind kind, const char *src,
		      const char *dst)
{
	c->mounts = xrealloc(c->mounts, (c->n_mounts + 1) * sizeof(*c->mounts));
	c->mounts[c->n_mounts].kind = kind;
	c->mounts[c->n_mounts].src = src ? xstrdup(src) : NULL;
	c->mounts[c->n_mounts].dst = xstrdup(dst);
	c->n_mounts++;
}

void config_set_env(struct jail_config *c, const char *name, const char *value)
{
	for (size_t i = 0; i < c->n_set_env; i++) {
		if (strcmp(c->set_env[i].name, name) == 0) {
			free(c->set_env[i].value);
			c->set_env[i].value = xstrdup(value);
			return;
		}
	}
	c->set_env = xrealloc(c->set_env, (c->n_set_env + 1) * sizeof(*c->set_env));
	c->set_env[c->n_set_env].name = xstrdup(name);
	c->set_env[c->n_set_env].value = xstrdup(value);
	c->n_set_env++;
}

void config_set_rlimit(struct jail_config *c, int resource, const struct rlimit *value)
{
	for (size_t i = 0; i < c->n_rlimits; i++) {
		if (c->rlimits[i].resource == resource) {
			c->rlimits[i].value = *value;
			return;
		}
	}
	c->rlimits = xrealloc(c->rlimits, (c->n_rlimits + 1) * sizeof(*c->rlimits));
	c->rlimits[c->n_rlimits].resource = resource;
	c->rlimits[c->n_rlimits].value = *value;
	c->n_rlimits++;
}

void config_add_io_limit(struct jail_config *c, const char *device, uint64_t read_bps,
			 uint64_t write_bps)
{
	struct jail_limits *l = &c->limits;

	for (size_t i = 0; i < l->n_io; i++) {
		if (strcmp(l->io[i].device, device) == 0) {
			if (read_bps != JAIL_UNSET)
				l->io[i].read_bps = read_bps;
			if (write_bps != JAIL_UNSET)
				l->io[i].write_bps = write_bps;
			return;
		}
	}
	l->io = xrealloc(l->io, (l->n_io + 1) * sizeof(*l->io));
	l->io[l->n_io].device = xstrdup(device);
	l->io[l->n_io].read_bps = read_bps;
	l->io[l->n_io].write_bps = write_bps;
	l->n_io++;
}
