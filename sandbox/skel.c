#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "sandbox/paths.h"
#include "sandbox/skel.h"

#define SKEL_MAX_DEPTH 64

/* What every toolchain dir of one run shares, found once by skel_begin: the cache
 * directory (fd -1, the reason in cache_why, when it cannot be used) and the package
 * database's stat (st_ino 0 when there is none). */
static int cache_fd = -1;
static char *cache_path;
static struct jail_error cache_why;
static struct stat dpkg_status;

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t hash_stat(uint64_t h, const struct stat *st)
{
	h = fnv1a(h, &st->st_dev, sizeof(st->st_dev));
	h = fnv1a(h, &st->st_ino, sizeof(st->st_ino));
	return fnv1a(h, &st->st_mtim, sizeof(st->st_mtim));
}

/* Changes when a directory is added to or removed from dir itself, or when the
 * package database changes (where nearly every directory deeper down comes from).
 * Checking each subdirectory too would cost a stat per entry on every run; a directory
 * made by hand deeper down shows up owned by nobody inside until the next package
 * change or `rm -rf ~/.cache/jail/skel` (README, "Limits"). */
static int fingerprint(const char *dir, uint64_t *out)
{
	uint64_t h = fnv1a(0xcbf29ce484222325ULL, dir, strlen(dir));
	struct stat st;

	if (stat(dir, &st) < 0)
		return -1;
	h = hash_stat(h, &st);
	if (dpkg_status.st_ino)
		h = hash_stat(h, &dpkg_status);
	*out = h;
	return 0;
}

static int build_tree(int src, int dst, dev_t dev, int depth)
{
	_cleanup_closedir_ DIR *d = fdopendir_dup(src);
	struct dirent *de;

	if (!d)
		return 0; /* unreadable: the directory exists, its children stay unknown */
	while ((de = readdir(d))) {
		_cleanup_close_ int s = -1, t = -1;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (fstatat(src, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (mkdirat(dst, de->d_name, (st.st_mode & 07777) | 0700) < 0)
			return -1;
		if (st.st_dev != dev || depth >= SKEL_MAX_DEPTH)
			continue; /* another filesystem is mounted here: its own business */
		s = openat(src, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		t = openat(dst, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (t < 0)
			return -1;
		if (s >= 0 && build_tree(s, t, dev, depth + 1) < 0)
			return -1;
	}
	return 0;
}

static void remove_tree(int parent, const char *name)
{
	_cleanup_close_ int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (fd >= 0 && (d = fdopendir(fd))) {
		fd = -1; /* owned by d now */
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				remove_tree(dirfd(d), de->d_name);
	}
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* $XDG_CACHE_HOME/jail/skel, created 0700; refused unless it is ours and only ours to
 * write (a skeleton planted by someone else would decide what the job can write). */
static int cache_dir_open(char **skel_dir, struct jail_error *e)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *base = NULL;
	static const char *const parts[] = { "jail", "skel" };
	int fd;
	struct stat st;

	if (xdg && xdg[0] == '/')
		base = xstrdup(xdg);
	else if (home && home[0] == '/')
		base = xasprintf("%s/.cache", home);
	else
		return jail_error_set(e, 0, "neither $XDG_CACHE_HOME nor $HOME is set");
	if (mkdir(base, 0700) < 0 && errno != EEXIST)
		return jail_error_set(e, errno, "create %s", base);
	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; fd >= 0 && i < ARRAY_SIZE(parts); i++) {
		int next;
		if (mkdirat(fd, parts[i], 0700) < 0 && errno != EEXIST)
			break;
		next = openat(fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		if (fd >= 0 && fstat(fd, &st) == 0 && (st.st_uid != geteuid() || (st.st_mode & 022))) {
			close(fd);
			return jail_error_set(e, 0, "%s/%s is not owned by uid %u or is writable by "
					      "others", base, parts[i], (unsigned)geteuid());
		}
	}
	if (fd < 0)
		return jail_error_set(e, errno, "open the cache directory %s/jail/skel", base);
	*skel_dir = xasprintf("%s/jail/skel", base);
	return fd;
}

static void remove_stale(int cache, const char *prefix, const char *keep)
{
	_cleanup_closedir_ DIR *d = NULL;
	int dupfd = fcntl(cache, F_DUPFD_CLOEXEC, 3);
	size_t plen = strlen(prefix);
	struct dirent *de;

	if (dupfd < 0 || !(d = fdopendir(dupfd)))
		return;
	while ((de = readdir(d))) {
		long pid;
		if (strncmp(de->d_name, ".build-", 7) == 0) {
			/* A build cut short (jail was killed): remove it once its pid is gone. */
			pid = strtol(de->d_name + 7, NULL, 10);
			if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
				remove_tree(cache, de->d_name);
		} else if (strncmp(de->d_name, prefix, plen) == 0 && strcmp(de->d_name, keep)) {
			remove_tree(cache, de->d_name);
		}
	}
}

static int skel_build(int cache, const char *dir, const char *name, struct jail_error *e)
{
	_cleanup_close_ int src = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dst = -1;
	char tmp[64];
	struct stat st;

	snprintf(tmp, sizeof(tmp), ".build-%ld", (long)getpid());
	remove_tree(cache, tmp);
	if (src < 0 || fstat(src, &st) < 0)
		return jail_error_set(e, errno, "read %s", dir);
	if (mkdirat(cache, tmp, 0755) < 0 ||
	    (dst = openat(cache, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    build_tree(src, dst, st.st_dev, 0) < 0) {
		jail_error_set(e, errno, "build the directory skeleton of %s", dir);
		remove_tree(cache, tmp);
		return -1;
	}
	/* Atomic: a concurrent jail either sees the whole skeleton or none. If another one
	 * won the race, theirs is as good as ours. */
	if (renameat(cache, tmp, cache, name) < 0) {
		int err = errno;
		remove_tree(cache, tmp);
		if (err != EEXIST && err != ENOTEMPTY)
			return jail_error_set(e, err, "store the skeleton of %s", dir);
	}
	return 0;
}

int skel_prepare(const char *dir, char **path, struct jail_error *e)
{
	char name[300], prefix[256];
	uint64_t fp;
	struct stat st;
	size_t n = 0;

	*path = NULL;
	for (const char *p = dir + 1; *p && n < sizeof(prefix) - 2; p++)
		prefix[n++] = *p == '/' ? '_' : *p;
	prefix[n++] = '-';
	prefix[n] = '\0';
	if (fingerprint(dir, &fp) < 0)
		return jail_error_set(e, errno, "read %s", dir);
	snprintf(name, sizeof(name), "%s%016" PRIx64, prefix, fp);
	if (cache_fd < 0) {
		fprintf(stderr, "jail: warning: %s; the job cannot create files in %s "
				"(set XDG_CACHE_HOME to a directory of yours)\n", cache_why.msg, dir);
		return 0;
	}
	if (fstatat(cache_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (skel_build(cache_fd, dir, name, e) < 0)
			return -1;
		remove_stale(cache_fd, prefix, name);
	}
	*path = xasprintf("%s/%s", cache_path, name);
	return 0;
}

void skel_begin(void)
{
	cache_fd = cache_dir_open(&cache_path, &cache_why);
	if (stat("/var/lib/dpkg/status", &dpkg_status) < 0)
		dpkg_status.st_ino = 0;
}

void skel_end(void)
{
	if (cache_fd >= 0)
		close(cache_fd);
	cache_fd = -1;
	free(cache_path);
	cache_path = NULL;
}
