#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/cleanup.h"
#include "policy/profile_cache.h"
#include "policy/profile_model.h"
#include "policy/units.h"

/* Finding profiles and folding an `extends` chain into one profile. Lists merge,
 * scalars override, and a child removes an inherited entry with KEY-remove; a removal
 * of something that is not there is an error, as it is almost always a typo. */

#define MAX_CHAIN 16

void profile_init(struct profile *p)
{
	memset(p, 0, sizeof(*p));
	p->workdir_writable = true;
	p->memory_max = p->memory_high = p->swap_max = JAIL_UNSET;
	p->cpu_millis = p->cpu_weight = p->pids_max = p->io_weight = JAIL_UNSET;
	p->default_action = SCMP_ACT_ERRNO(EPERM);
	p->deny_action = SCMP_ACT_ERRNO(EPERM);
}

void profile_free(struct profile *p)
{
	char **lists[] = { p->chain, p->toolchain, p->toolchain_remove, p->mounts_remove,
			   p->io_remove, p->rlimits_remove, p->arches, p->arches_remove,
			   p->allow_remove, p->deny_remove, p->env_keep, p->env_keep_remove,
			   p->env_set_remove };

	free(p->name);
	free(p->description);
	free(p->extends);
	free(p->extends_where);
	free(p->file);
	for (size_t i = 0; i < p->n_removals; i++) {
		free(p->removals[i].key);
		free(p->removals[i].value);
		free(p->removals[i].where);
	}
	free(p->removals);
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		strv_free(lists[i]);
	for (size_t i = 0; i < p->n_mounts; i++) {
		free(p->mounts[i].src);
		free(p->mounts[i].dst);
	}
	free(p->mounts);
	for (size_t i = 0; i < p->n_io; i++)
		free(p->io[i].device);
	free(p->io);
	free(p->rlimits);
	for (size_t i = 0; i < p->n_rules; i++) {
		free(p->rules[i].name);
		free(p->rules[i].where);
	}
	free(p->rules);
	for (size_t i = 0; i < p->n_env_set; i++) {
		free(p->env_set[i].name);
		free(p->env_set[i].value);
	}
	free(p->env_set);
	jail_bpf_free(&p->bpf);
	jail_net_free(&p->net);
	memset(p, 0, sizeof(*p));
}

char **profile_search_dirs(void)
{
	char **dirs = xcalloc(1, sizeof(char *));
	const char *env = getenv("JAIL_PROFILE_PATH");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (env && *env) {
		_cleanup_free_ char *copy = xstrdup(env);
		char *save = NULL;
		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
			strv_add(&dirs, d);
	}
	if (xdg && xdg[0] == '/') {
		_cleanup_free_ char *d = xasprintf("%s/jail/profiles", xdg);
		strv_add(&dirs, d);
	} else if (home && home[0] == '/') {
		_cleanup_free_ char *d = xasprintf("%s/.config/jail/profiles", home);
		strv_add(&dirs, d);
	}
	strv_add(&dirs, SYSCONFDIR "/jail/profiles");
	strv_add(&dirs, DATADIR "/jail/profiles");
	return dirs;
}

int profile_find_file(const char *file, char **path, struct jail_error *e)
{
	char **dirs = profile_search_dirs();
	_cleanup_free_ char *tried = xstrdup("");

	for (size_t i = 0; dirs[i]; i++) {
		char *p = xasprintf("%s/%s", dirs[i], file);
		char *t;

		if (access(p, F_OK) == 0) {
			*path = p;
			strv_free(dirs);
			profile_cache_note_find(file, p);
			return 0;
		}
		/* Fail closed: a directory we cannot search may hold the profile the user
		 * meant (a stricter override of a shipped one); falling through to the next
		 * directory would silently run with another policy. */
		if (errno != ENOENT && errno != ENOTDIR) {
			jail_error_set(e, errno, "cannot look for %s in %s", file, dirs[i]);
			free(p);
			strv_free(dirs);
			profile_cache_note_find(file, NULL);
			return jail_error_hint(e, "fix the directory's permissions, or remove it "
						  "from JAIL_PROFILE_PATH / XDG_CONFIG_HOME");
		}
		t = xasprintf("%s%s%s", tried, i ? ", " : "", dirs[i]);
		free(tried);
		tried = t;
		free(p);
	}
	strv_free(dirs);
	profile_cache_note_find(file, NULL);
	jail_error_set(e, ENOENT, "%s not found (searched %s)", file, tried);
	return jail_error_hint(e, "try: jail profile list");
}

static int read_file(const char *path, char **buf, size_t *len, struct stat *st,
		     struct jail_error *e)
{
	/* O_NONBLOCK: a FIFO named as a profile must not hang jail in open(); the S_ISREG
	 * check below refuses it. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	_cleanup_free_ char *data = NULL;
	size_t got = 0;

	if (fd < 0)
		return jail_error_set(e, errno, "cannot open profile %s", path);
	if (fstat(fd, st) < 0)
		return jail_error_set(e, errno, "cannot stat profile %s", path);
	if (!S_ISREG(st->st_mode))
		return jail_error_set(e, 0, "profile %s is not a regular file", path);
	if (st->st_size > 1024 * 1024)
		return jail_error_set(e, 0, "%s: too large (%lld bytes; a profile is at most 1 MiB)",
				      path, (long long)st->st_size);
	data = xmalloc((size_t)st->st_size + 1);
	while (got < (size_t)st->st_size) {
		ssize_t n = read(fd, data + got, (size_t)st->st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return jail_error_set(e, errno, "cannot read profile %s", path);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	data[got] = '\0';
	*len = got;
	*buf = steal_ptr(data);
	return 0;
}

/* Every profile and groups file jail reads goes through here, so that the profile
 * cache can record (and later compare) exactly what a resolution depended on. */
int profile_read_file(const char *path, char **buf, size_t *len, struct jail_error *e)
{
	struct stat st = { 0 };
	int r = read_file(path, buf, len, &st, e);

	profile_cache_note_read(path, r < 0 ? NULL : *buf, r < 0 ? 0 : *len, st.st_dev,
				st.st_ino);
	return r;
}

int profile_load_file(const char *path, struct profile *p, struct jail_error *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	profile_init(p);
	if (profile_read_file(path, &buf, &len, e) < 0)
		return -1;
	return profile_parse(path, buf, len, p, e);
}

/* A name is looked up in the search path; a parent named with a '/' is relative to
 * the directory of the file that names it. */
static int locate(const char *name, const char *from, char **path, struct jail_error *e)
{
	_cleanup_free_ char *file = NULL;

	if (strchr(name, '/')) {
		const char *slash = from ? strrchr(from, '/') : NULL;
		if (name[0] == '/' || !slash)
			*path = xstrdup(name);
		else
			*path = xasprintf("%.*s/%s", (int)(slash - from), from, name);
		return 0;
	}
	if (!name[0] || name[0] == '.')
		return jail_error_set(e, 0, "invalid profile name '%s'", name);
	file = xasprintf("%s.yaml", name);
	if (profile_find_file(file, path, e) < 0)
		return jail_error_prefix(e, "profile '%s'", name);
	return 0;
}

/* The same file reached twice is a cycle, however its path was spelled ("cc",
 * "./cc.yaml", "../profiles/cc.yaml"): compare device and inode. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return strcmp(a, b) == 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int load_chain(const char *name, struct profile *layers, size_t *n, struct jail_error *e)
{
	char *paths[MAX_CHAIN] = { NULL };
	const char *want = name, *from = NULL, *from_where = NULL;
	int r = 0;

	for (*n = 0; want && r == 0; (*n)++) {
		if (*n == MAX_CHAIN) {
			r = jail_error_set(e, 0, "%s: extends: chain longer than %d profiles",
					   from_where, MAX_CHAIN);
			break;
		}
		if (locate(want, from, &paths[*n], e) < 0) {
			if (from)
				jail_error_prefix(e, "%s: extends", from_where);
			r = -1;
			break;
		}
		for (size_t i = 0; i < *n && r == 0; i++)
			if (same_file(paths[i], paths[*n]))
				r = jail_error_set(e, 0, "%s: extends: cycle: '%s' leads back to %s",
						   from_where, want, paths[i]);
		if (r == 0)
			r = profile_load_file(paths[*n], &layers[*n], e);
		from = paths[*n];
		from_where = layers[*n].extends_where;
		want = r == 0 ? layers[*n].extends : NULL;
	}
	for (size_t i = 0; i < MAX_CHAIN; i++)
		free(paths[i]);
	return r;
}

int profile_resolve(const char *name, struct profile *out, struct jail_error *e)
{
	struct profile layers[MAX_CHAIN];
	size_t n = 0;
	int r;

	memset(layers, 0, sizeof(layers));
	profile_init(out);
	r = load_chain(name, layers, &n, e);
	/* Oldest ancestor first, so each child's overrides and removals apply last. */
	for (size_t i = n; r == 0 && i-- > 0;)
		r = profile_merge_layer(out, &layers[i], e);
	if (r == 0)
		r = profile_check_resolved(out, e);
	for (size_t i = 0; i < MAX_CHAIN; i++)
		profile_free(&layers[i]);
	return r;
}
