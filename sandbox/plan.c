#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "policy/profile_model.h"
#include "policy/units.h"
#include "sandbox/env.h"
#include "sandbox/passwd.h"
#include "sandbox/paths.h"
#include "sandbox/plan.h"
#include "sandbox/planbuild.h"
#include "sandbox/skel.h"
#include "sandbox/userns.h"

extern char **environ;

void plan_free(struct sandbox_plan *p)
{
	for (size_t i = 0; i < p->n_layers; i++) {
		free(p->layers[i].dir);
		free(p->layers[i].link);
		free(p->layers[i].skel);
	}
	free(p->layers);
	free(p->home);
	free(p->user);
	strv_free(p->envp);
	free(p->exec_path);
	memset(p, 0, sizeof(*p));
}

/* The default work dir is the current one. Exposing the whole home directory (or /)
 * read-write because the user happened to stand there is the classic way a sandbox
 * gets emptied by a script: refuse unless -w says so explicitly. */
static int workdir_resolve(struct jail_config *c, const char *home, struct jail_error *e)
{
	char buf[4096];
	char *real;
	struct stat st;

	if (!c->workdir) {
		if (!getcwd(buf, sizeof(buf)))
			return jail_error_set(e, errno, "getcwd");
		c->workdir = xstrdup(buf);
	}
	real = realpath(c->workdir, NULL);
	if (!real || stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		jail_error_set(e, real ? ENOTDIR : errno, "work directory %s", c->workdir);
		free(real);
		return -1;
	}
	free(c->workdir);
	c->workdir = real;
	if (!c->workdir_explicit &&
	    (strcmp(real, "/") == 0 || (home && path_is_under(home, real)))) {
		jail_error_set(e, 0, "the current directory %s would give the job read-write "
				     "access to %s", real,
			       strcmp(real, "/") == 0 ? "the whole filesystem" : "your home directory");
		return jail_error_hint(e, "run jail from a project directory, or name one with "
					  "-w DIR");
	}
	return 0;
}

static int sources_check(const struct jail_config *c, struct jail_error *e)
{
	struct stat st;

	for (size_t i = 0; i < c->n_mounts; i++) {
		if (c->mounts[i].kind == JAIL_MOUNT_TMPFS)
			continue;
		const char *opt = c->mounts[i].kind == JAIL_MOUNT_BIND ? "--bind" : "--ro-bind";

		if (lstat(c->mounts[i].src, &st) < 0)
			return jail_error_set(e, errno, "%s source %s", opt, c->mounts[i].src);
		/* A symlink can be swapped between this check and the open in the child
		 * (the work dir of an earlier job is a good place to plant one): bind only
		 * what the user named, never what a link points to at some later moment. */
		if (S_ISLNK(st.st_mode)) {
			jail_error_set(e, ELOOP, "%s source %s is a symbolic link", opt,
				       c->mounts[i].src);
			return jail_error_hint(e, "name its target instead (readlink -f %s)",
					       c->mounts[i].src);
		}
	}
	if (c->keep_upper) {
		if (mkdir(c->keep_upper, 0755) < 0 && errno != EEXIST)
			return jail_error_set(e, errno, "--keep-upper %s", c->keep_upper);
		if (stat(c->keep_upper, &st) < 0 || !S_ISDIR(st.st_mode))
			return jail_error_set(e, ENOTDIR, "--keep-upper %s", c->keep_upper);
	}
	return 0;
}

/* path made absolute and free of symbolic links as far as it exists; the rest, which
 * does not exist yet (and so holds no link), is appended with "." and ".." folded. */
static char *resolve_existing(const char *path)
{
	char cwd[4096], *out, *save = NULL;
	_cleanup_free_ char *head = path[0] == '/' || !getcwd(cwd, sizeof(cwd))
					    ? xstrdup(path)
					    : xasprintf("%s/%s", cwd, path);
	_cleanup_free_ char *rest = xstrdup("");
	struct stat st;

	if (head[0] != '/')
		return xstrdup(head);
	/* One stat per level to find what exists, then one realpath (a readlink per
	 * component) for it; rest collects the missing components in order. */
	while (strcmp(head, "/") != 0 && stat(head, &st) < 0) {
		char *slash = strrchr(head, '/'), *more = xasprintf("%s/%s", slash + 1, rest);

		free(rest);
		rest = more;
		slash[slash == head] = '\0'; /* "/a/b" -> "/a", "/a" -> "/" */
	}
	if (!(out = realpath(head, NULL)))
		out = xstrdup(head);
	for (char *c = strtok_r(rest, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		char *next;
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			char *slash = strrchr(out, '/');
			slash[slash == out] = '\0';
			continue;
		}
		next = xasprintf("%s/%s", strcmp(out, "/") ? out : "", c);
		free(out);
		out = next;
	}
	return out;
}

/* What later runs trust must stay out of the job's reach: jail's cache (a skeleton
 * becomes a lower layer of /usr; a cached filter or profile is used as is) and the
 * profile search path. A work dir, --bind or --keep-upper that contains one of them,
 * or lies inside one, is refused. */
static int own_dirs_check(const struct jail_config *c, struct jail_error *e)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *cache = xdg && xdg[0] == '/' ? xasprintf("%s/jail", xdg)
				   : home && home[0] == '/' ? xasprintf("%s/.cache/jail", home)
							     : NULL;
	char **own = profile_search_dirs(), **real = xcalloc(c->n_mounts + 3, sizeof(char *));
	const char **exposed = xcalloc(c->n_mounts + 3, sizeof(char *));
	const char **what = xcalloc(c->n_mounts + 3, sizeof(char *));
	size_t n_search = strv_length(own), n = 0;
	int r = 0;

	if (cache)
		strv_add(&own, cache);
	if (c->workdir_writable) {
		what[n] = "the work dir";
		exposed[n++] = c->workdir;
	}
	for (size_t j = 0; j < c->n_mounts; j++)
		if (c->mounts[j].kind == JAIL_MOUNT_BIND) {
			what[n] = "--bind";
			exposed[n++] = c->mounts[j].src;
		}
	if (c->keep_upper) {
		what[n] = "--keep-upper";
		exposed[n++] = c->keep_upper;
	}
	for (size_t j = 0; j < n; j++)
		real[j] = resolve_existing(exposed[j]);
	for (size_t i = 0; own[i] && n && r == 0; i++) {
		_cleanup_free_ char *o = resolve_existing(own[i]);
		bool is_cache = i >= n_search;

		for (size_t j = 0; j < n && r == 0; j++) {
			if (!path_is_under(o, real[j]) && !path_is_under(real[j], o))
				continue;
			jail_error_set(e, 0, "%s %s would give the job write access to %s, %s",
				       what[j], exposed[j], own[i],
				       is_cache ? "jail's cache of compiled filters, resolved profiles "
						  "and directory skeletons: a job could plant them "
						  "for later runs"
						: "a directory of the profile search path: a job could "
						  "change the policy of later runs");
			r = jail_error_hint(e, is_cache ? "use a directory that does not contain it, "
							  "or set XDG_CACHE_HOME elsewhere"
							: "use a directory that does not contain it, "
							  "or set XDG_CONFIG_HOME / JAIL_PROFILE_PATH "
							  "elsewhere");
		}
	}
	strv_free(own);
	strv_free(real);
	free(exposed);
	free(what);
	return r;
}

/* A hard limit can be lowered but not raised without CAP_SYS_RESOURCE in the initial
 * user namespace, which no user namespace gives (not even to a job whose jail was
 * started by root). A profile value above the caller's hard limit (build.yaml asks for
 * nofile 65536; many hosts give 4096-20000) would fail in the job's setrlimit, after
 * the namespaces exist, as a bare EPERM. Check it here, before anything is created:
 * fail closed, or under --best-effort lower it to the hard limit and say so. */
static int rlimits_check(struct jail_config *c, struct jail_error *e)
{
	for (size_t i = 0; i < c->n_rlimits; i++) {
		struct rlimit *want = &c->rlimits[i].value, have;
		const char *name = rlimit_name(c->rlimits[i].resource);

		if (getrlimit(c->rlimits[i].resource, &have) < 0)
			return jail_error_set(e, errno, "getrlimit %s", name);
		if (have.rlim_max == RLIM_INFINITY ||
		    (want->rlim_max != RLIM_INFINITY && want->rlim_max <= have.rlim_max))
			continue;
		if (!c->best_effort) {
			jail_error_set(e, EPERM,
				       "cannot raise the hard limit %s to %llu: the caller's hard limit "
				       "is %llu and only root on the host can raise it",
				       name, (unsigned long long)want->rlim_max,
				       (unsigned long long)have.rlim_max);
			return jail_error_hint(e, "raise it before running jail (limits.conf, "
						  "systemd LimitNOFILE=, prlimit as root), ask for less "
						  "(--rlimit %s=%llu), or --best-effort",
					       name, (unsigned long long)have.rlim_max);
		}
		fprintf(stderr, "jail: warning: --best-effort: rlimit %s is the caller's hard "
				"limit %llu, not %llu\n",
			name, (unsigned long long)have.rlim_max, (unsigned long long)want->rlim_max);
		want->rlim_max = have.rlim_max;
		if (want->rlim_cur == RLIM_INFINITY || want->rlim_cur > want->rlim_max)
			want->rlim_cur = want->rlim_max;
	}
	return 0;
}

static int layers_plan_dirs(struct sandbox_plan *p, char *const *dirs, size_t n,
			    struct jail_error *e)
{
	for (size_t i = 0; i < n; i++) {
		struct toolchain_layer *l = &p->layers[p->n_layers];
		char target[4096];
		struct stat st;
		ssize_t len;

		if (lstat(dirs[i], &st) < 0) {
			if (errno == ENOENT)
				continue; /* "where they exist" */
			return jail_error_set(e, errno, "toolchain directory %s", dirs[i]);
		}
		if (S_ISLNK(st.st_mode)) {
			if ((len = readlink(dirs[i], target, sizeof(target) - 1)) < 0)
				return jail_error_set(e, errno, "readlink %s", dirs[i]);
			target[len] = '\0';
			l->link = xstrdup(target);
		} else if (!S_ISDIR(st.st_mode)) {
			return jail_error_set(e, ENOTDIR, "toolchain directory %s", dirs[i]);
		} else if (skel_prepare(dirs[i], &l->skel, e) < 0) {
			return -1;
		}
		l->dir = xstrdup(dirs[i]);
		p->n_layers++;
	}
	return 0;
}

static int layers_plan(struct sandbox_plan *p, struct jail_error *e)
{
	char *const *dirs = p->config->toolchain_dirs;
	size_t n = strv_length(dirs);
	int r;

	p->layers = xcalloc(n ? n : 1, sizeof(*p->layers));
	if (!n)
		return 0;
	skel_begin();
	r = layers_plan_dirs(p, dirs, n, e);
	skel_end();
	return r;
}

int plan_build(struct jail_config *c, struct sandbox_plan *p, struct jail_error *e)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	const char *env_home = getenv("HOME"), *env_user = getenv("USER");
	_cleanup_free_ char *user = NULL, *pw_home = NULL;
	const char *host_home;

	if (userns_root_mode(c, e) < 0)
		return -1;
	/* The passwd lookup costs file reading (or a getent process): in self mode trust
	 * the caller's own $HOME and $USER when both are set; they only name the caller's
	 * home path inside and refuse it as a work dir. subuid mode looks the ranges up by
	 * the real name. */
	if (c->map_mode == JAIL_MAP_SUBUID || !env_home || env_home[0] != '/' || !env_user ||
	    !env_user[0]) {
		if (passwd_lookup(uid, &user, &pw_home) == 1) {
			host_home = pw_home;
		} else {
			host_home = env_home;
			user = xstrdup("jail");
		}
	} else {
		host_home = env_home;
		user = xstrdup(env_user);
	}

	memset(p, 0, sizeof(*p));
	p->config = c;
	if (workdir_resolve(c, host_home, e) < 0 || own_dirs_check(c, e) < 0 ||
	    sources_check(c, e) < 0 || rlimits_check(c, e) < 0 || layers_plan(p, e) < 0)
		return -1;
	if (userns_prepare(p, uid, gid, user, e) < 0)
		return -1;
	if (p->switch_ids && p->uid != 0) {
		/* host root's job without --root: not "root" with root's home */
		free(user);
		user = xstrdup("build");
		host_home = NULL;
	}
	p->user = xstrdup(p->uid == 0 ? "root" : user);
	if (p->uid == 0)
		p->home = xstrdup("/root");
	else if (host_home && host_home[0] == '/' && strcmp(host_home, "/") != 0)
		p->home = path_normalize(host_home, "$HOME", e);
	else
		p->home = xasprintf("/home/%s", user);
	if (!p->home)
		return -1;
	p->envp = env_build(c, environ, p->home, p->user);
	return 0;
}
