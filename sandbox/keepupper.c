#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "sandbox/keepupper.h"
#include "sandbox/paths.h"

#define NOFOLLOW_OPEN (O_NOFOLLOW | O_CLOEXEC)

struct copy_ctx {
	FILE *deleted; /* .jail-deleted, opened on first need */
	int dest_root;
	struct jail_error *e;
};

static int copy_dir(struct copy_ctx *x, int src, int dst, const char *rel);

static int copy_file(int sdir, int ddir, const char *name, const struct stat *st)
{
	_cleanup_close_ int in = openat(sdir, name, O_RDONLY | NOFOLLOW_OPEN);
	_cleanup_close_ int out = -1;
	off_t left = st->st_size;

	if (in < 0)
		return -1;
	unlinkat(ddir, name, 0);
	/* Never the set-id bits: the job would leave a setuid-to-the-caller program on the
	 * host, and anyone who can reach the directory could become the caller with it. */
	out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | NOFOLLOW_OPEN, st->st_mode & 0777);
	if (out < 0)
		return -1;
	while (left > 0) {
		ssize_t n = sendfile(out, in, NULL, (size_t)(left > (1 << 30) ? 1 << 30 : left));
		if (n <= 0)
			return n < 0 ? -1 : 0;
		left -= n;
	}
	return fchmod(out, st->st_mode & 0777);
}

static int copy_symlink(int sdir, int ddir, const char *name)
{
	char target[4096];
	ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);

	if (n < 0)
		return -1;
	target[n] = '\0';
	unlinkat(ddir, name, 0);
	return symlinkat(target, ddir, name);
}

static int copy_whiteout(struct copy_ctx *x, int ddir, const char *name, const char *rel)
{
	unlinkat(ddir, name, 0);
	if (mknodat(ddir, name, S_IFCHR | 0, makedev(0, 0)) == 0)
		return 0;
	if (!x->deleted) {
		int fd = openat(x->dest_root, ".jail-deleted",
				O_WRONLY | O_CREAT | O_APPEND | NOFOLLOW_OPEN, 0644);
		if (fd < 0 || !(x->deleted = fdopen(fd, "a")))
			return -1;
	}
	fprintf(x->deleted, "%s/%s\n", rel, name);
	return 0;
}

static int copy_entry(struct copy_ctx *x, int src, int dst, const char *rel, const char *name)
{
	struct stat st;
	int r;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int s = -1, d = -1;
		_cleanup_free_ char *sub = xasprintf("%s/%s", rel, name);

		if (mkdirat(dst, name, (st.st_mode & 07777) | 0700) < 0 && errno != EEXIST)
			return -1;
		s = openat(src, name, O_RDONLY | O_DIRECTORY | NOFOLLOW_OPEN);
		d = openat(dst, name, O_RDONLY | O_DIRECTORY | NOFOLLOW_OPEN);
		if (s < 0 || d < 0)
			return -1;
		r = copy_dir(x, s, d, sub);
		if (r == 0)
			fchmod(d, st.st_mode & 07777);
		return r;
	}
	if (S_ISREG(st.st_mode))
		return copy_file(src, dst, name, &st);
	if (S_ISLNK(st.st_mode))
		return copy_symlink(src, dst, name);
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))
		return copy_whiteout(x, dst, name, rel);
	return 0; /* sockets, fifos, devices: nothing a build leaves that matters */
}

static int copy_dir(struct copy_ctx *x, int src, int dst, const char *rel)
{
	_cleanup_closedir_ DIR *d = fdopendir_dup(src);
	struct dirent *de;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (copy_entry(x, src, dst, rel, de->d_name) < 0) {
			jail_error_set(x->e, errno, "--keep-upper: copy %s/%s", rel, de->d_name);
			return -1;
		}
	}
	return 0;
}

/* mkdir -p of rel below dest, without following symlinks. */
static int dest_subdir(int dest, const char *rel)
{
	_cleanup_free_ char *buf = xstrdup(rel);
	int fd = fcntl(dest, F_DUPFD_CLOEXEC, 3);

	for (char *tok = strtok(buf, "/"); tok && fd >= 0; tok = strtok(NULL, "/")) {
		int next;
		if (mkdirat(fd, tok, 0755) < 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		next = openat(fd, tok, O_RDONLY | O_DIRECTORY | NOFOLLOW_OPEN);
		close(fd);
		fd = next;
	}
	return fd;
}

int keep_upper_copy(const struct sandbox_plan *p, int scratch_fd, int dest_fd,
		    struct jail_error *e)
{
	struct copy_ctx x = { .dest_root = dest_fd, .e = e };
	char name[32];
	int r = 0;

	for (size_t i = 0; i < p->n_layers && r == 0; i++) {
		_cleanup_close_ int src = -1, dst = -1;

		if (p->layers[i].link)
			continue;
		snprintf(name, sizeof(name), "upper/%zu", i);
		src = openat(scratch_fd, name, O_RDONLY | O_DIRECTORY | NOFOLLOW_OPEN);
		dst = dest_subdir(dest_fd, path_relative(p->layers[i].dir));
		if (src < 0 || dst < 0)
			r = jail_error_set(e, errno, "--keep-upper: prepare %s", p->layers[i].dir);
		else
			r = copy_dir(&x, src, dst, p->layers[i].dir);
	}
	if (x.deleted)
		fclose(x.deleted);
	return r;
}
