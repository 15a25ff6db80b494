#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "sandbox/mount.h"
#include "sandbox/userns.h"
#include "sandbox/paths.h"
#include "sandbox/syscalls.h"

/* Everything is mounted through /proc/self/fd/N names of O_PATH fds. Sources are opened
 * before the first mount (the new root covers /tmp, which may hold a bind source), and
 * targets are opened inside the new root with RESOLVE_IN_ROOT, so a symlink in a lower
 * layer (say /usr/lib/foo -> /home/x) can never send a mount outside the sandbox. */
#define FDPATH_LEN 32
#define fdpath(buf, fd) (snprintf((buf), FDPATH_LEN, "/proc/self/fd/%d", (fd)), (buf))

/* Where the new root is assembled: any directory that exists on every system. The
 * mount is private to our namespace; the host never sees it. */
static const char new_root_base[] = "/tmp";

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

struct sources {
	int *lower;	/* per layer, -1 for symlinks or missing dirs */
	int *skel;	/* per layer, -1 when none */
	int *mount_src; /* per config mount, -1 for tmpfs */
	int workdir;
	int dev[ARRAY_SIZE(dev_nodes)];
	int sys_cpu;
};

static int open_host(const char *path, int flags, const char *what, struct jail_error *e)
{
	int fd = open(path, O_PATH | O_CLOEXEC | flags);

	if (fd < 0) {
		jail_error_set(e, errno, "%s %s", what, path);
		if (errno == ENOENT)
			jail_error_hint(e, "check that %s exists on the host", path);
	}
	return fd;
}

static void sources_close(struct sources *s, const struct sandbox_plan *p)
{
	for (size_t i = 0; i < p->n_layers; i++) {
		cleanup_close(&s->lower[i]);
		cleanup_close(&s->skel[i]);
	}
	for (size_t i = 0; i < p->config->n_mounts; i++)
		cleanup_close(&s->mount_src[i]);
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++)
		cleanup_close(&s->dev[i]);
	cleanup_close(&s->workdir);
	cleanup_close(&s->sys_cpu);
	free(s->lower);
	free(s->skel);
	free(s->mount_src);
}

static int sources_open(const struct sandbox_plan *p, struct sources *s, struct jail_error *e)
{
	const struct jail_config *c = p->config;
	char path[64];

	s->lower = xcalloc(p->n_layers, sizeof(int));
	s->skel = xcalloc(p->n_layers, sizeof(int));
	s->mount_src = xcalloc(c->n_mounts, sizeof(int));
	for (size_t i = 0; i < p->n_layers; i++) {
		s->lower[i] = s->skel[i] = -1;
		if (p->layers[i].link)
			continue;
		s->lower[i] = open_host(p->layers[i].dir, O_DIRECTORY | O_NOFOLLOW,
					"toolchain directory", e);
		if (s->lower[i] < 0)
			return -1;
		if (p->layers[i].skel &&
		    (s->skel[i] = open_host(p->layers[i].skel, O_DIRECTORY, "skeleton", e)) < 0)
			return -1;
	}
	for (size_t i = 0; i < c->n_mounts; i++) {
		s->mount_src[i] = -1;
		struct stat st;

		if (c->mounts[i].kind == JAIL_MOUNT_TMPFS)
			continue;
		/* The parent refused symlinks; one that appeared since is a swap (O_PATH with
		 * O_NOFOLLOW opens the link itself, so look at what we got). */
		s->mount_src[i] = open_host(c->mounts[i].src, O_NOFOLLOW, "bind source", e);
		if (s->mount_src[i] < 0)
			return -1;
		if (fstat(s->mount_src[i], &st) < 0 || S_ISLNK(st.st_mode))
			return jail_error_set(e, ELOOP, "bind source %s was replaced by a symbolic "
						    "link", c->mounts[i].src);
	}
	/* realpath'd by the parent: a symlink here was swapped in since. */
	if ((s->workdir = open_host(c->workdir, O_DIRECTORY | O_NOFOLLOW, "work directory", e)) <
	    0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]);
		s->dev[i] = open(path, O_PATH | O_CLOEXEC);
		if (s->dev[i] < 0 && errno != ENOENT && errno != ENXIO)
			return jail_error_set(e, errno, "open %s", path);
	}
	/* Builds size their parallelism from it (nproc, sysconf); the rest of /sys stays out. */
	s->sys_cpu = open("/sys/devices/system/cpu", O_PATH | O_CLOEXEC | O_DIRECTORY);
	return 0;
}

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

/* The directory rel (relative to the root) opened O_DIRECTORY, created with its missing
 * parents first. Every lookup is confined to root_fd (RESOLVE_IN_ROOT, symlinks
 * included); what is created is one name in a directory fd got that way, with O_EXCL
 * (mkdirat never follows a symlink). rel is modified and restored. */
static int dir_open(int root_fd, char *rel)
{
	char *slash;
	int parent, r;

	if (!*rel)
		return fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	r = sys_openat2(root_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC, IN_ROOT);
	if (r >= 0 || errno != ENOENT)
		return r;
	slash = strrchr(rel, '/');
	if (slash)
		*slash = '\0';
	parent = dir_open(root_fd, slash ? rel : (char[]){ "" });
	if (slash)
		*slash = '/';
	if (parent < 0)
		return -1;
	r = mkdirat(parent, slash ? slash + 1 : rel, 0755);
	close(parent);
	if (r < 0 && errno != EEXIST)
		return -1;
	return sys_openat2(root_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC, IN_ROOT);
}

/* Open path (absolute, inside the new root) as O_PATH, creating what is missing: the
 * parents as directories, the last component as a directory or an empty file (O_EXCL |
 * O_NOFOLLOW: never through a dangling symlink). Every lookup is confined to root_fd,
 * symlinks included. Most targets are in the fresh root tmpfs: one lookup, the
 * creation, one more lookup. */
static int target_open(int root_fd, const char *path, bool dir, struct jail_error *e)
{
	_cleanup_free_ char *rel = NULL;
	_cleanup_close_ int parent = -1;
	char *slash;
	int fd, r;

	fd = sys_openat2(root_fd, path_relative(path), O_PATH | O_CLOEXEC, IN_ROOT);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : jail_error_set(e, errno, "mount point %s", path);
	rel = xstrdup(path_relative(path));
	slash = strrchr(rel, '/');
	if (slash)
		*slash = '\0';
	parent = slash ? dir_open(root_fd, rel) : fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (slash)
		*slash = '/';
	if (parent < 0)
		return jail_error_set(e, errno, "mount point %s", path);
	if (dir) {
		r = mkdirat(parent, slash ? slash + 1 : rel, 0755);
	} else {
		r = openat(parent, slash ? slash + 1 : rel,
			   O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (r >= 0)
			r = close(r);
	}
	if (r < 0 && errno != EEXIST)
		return jail_error_set(e, errno, "mount point %s", path);
	fd = sys_openat2(root_fd, rel, O_PATH | O_CLOEXEC, IN_ROOT);
	if (fd < 0)
		return jail_error_set(e, errno, "mount point %s", path);
	return fd;
}

static int mount_fd(const char *src, int target_fd, const char *fstype, unsigned long flags,
		    const char *data, const char *what, struct jail_error *e)
{
	char tp[FDPATH_LEN];

	if (mount(src, fdpath(tp, target_fd), fstype, flags, data) < 0)
		return jail_error_set(e, errno, "mount %s", what);
	return 0;
}

/* A bind of a source fd onto dst inside the root; recursive, optionally read-only. */
static int bind_into(int root_fd, int src_fd, const char *dst, bool ro, struct jail_error *e)
{
	_cleanup_close_ int target = -1;
	char sp[FDPATH_LEN];
	struct stat st;

	if (fstat(src_fd, &st) < 0)
		return jail_error_set(e, errno, "stat bind source for %s", dst);
	target = target_open(root_fd, dst, S_ISDIR(st.st_mode), e);
	if (target < 0)
		return -1;
	if (mount_fd(fdpath(sp, src_fd), target, NULL, MS_BIND | MS_REC, NULL, dst, e) < 0)
		return -1;
	if (!ro)
		return 0;
	/* Re-open: the fd above names the mount point, not the new mount on top of it. */
	cleanup_close(&target);
	target = sys_openat2(root_fd, path_relative(dst), O_PATH | O_CLOEXEC, IN_ROOT);
	if (target < 0)
		return jail_error_set(e, errno, "reopen %s", dst);
	/* mount_setattr changes only the read-only bit, on every submount at once: a
	 * remount would have to repeat each locked flag of each host mount. */
	if (sys_mount_setattr(target, "", AT_EMPTY_PATH | AT_RECURSIVE, MOUNT_ATTR_RDONLY, 0) < 0)
		return jail_error_set(e, errno, "make %s read-only (mount_setattr, Linux 5.12+)",
				      dst);
	return 0;
}

static int tmpfs_at(int root_fd, const char *dst, const char *opts, struct jail_error *e)
{
	_cleanup_close_ int target = target_open(root_fd, dst, true, e);

	if (target < 0)
		return -1;
	return mount_fd("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, opts, dst, e);
}

/* The scratch tmpfs holds everything writable: the overlay upper and work dirs, /tmp,
 * /var/tmp, /dev/shm and $HOME, so one size limit (--scratch-size) bounds them all. It
 * is mounted first at the base and then covered by the root tmpfs: from then on only
 * scratch_fd reaches it, and after pivot_root it is attached nowhere the job can see. */
static const char *const scratch_dirs[] = { "upper", "work", "tmp", "vartmp", "shm", "home" };

static int scratch_setup(const struct sandbox_plan *p, int *scratch_fd, struct jail_error *e)
{
	char opts[64] = "mode=0755";
	_cleanup_close_ int dir = -1;

	if (p->config->scratch_size)
		snprintf(opts, sizeof(opts), "mode=0755,size=%llu",
			 (unsigned long long)p->config->scratch_size);
	if (mount("jail-scratch", new_root_base, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return jail_error_set(e, errno, "mount the scratch tmpfs on %s", new_root_base);
	dir = open(new_root_base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return jail_error_set(e, errno, "open the scratch tmpfs");
	for (size_t i = 0; i < ARRAY_SIZE(scratch_dirs); i++) {
		mode_t mode = i >= 2 && i <= 4 ? 01777 : 0755;
		if (mkdirat(dir, scratch_dirs[i], mode) < 0 || fchmodat(dir, scratch_dirs[i], mode, 0))
			return jail_error_set(e, errno, "create %s in the scratch tmpfs",
					      scratch_dirs[i]);
	}
	*scratch_fd = steal_fd(dir);
	return 0;
}

/* "/proc/self/fd/N/sub" for the overlay options, which take path strings. */
static char *scratch_path(int scratch_fd, const char *sub, size_t i)
{
	return xasprintf("/proc/self/fd/%d/%s/%zu", scratch_fd, sub, i);
}

static int layer_setup(int root_fd, int scratch_fd, const struct toolchain_layer *l, size_t i,
		       int lower_fd, int skel_fd, struct jail_error *e)
{
	_cleanup_free_ char *upper = scratch_path(scratch_fd, "upper", i);
	_cleanup_free_ char *work = scratch_path(scratch_fd, "work", i);
	_cleanup_free_ char *opts = NULL;
	_cleanup_close_ int target = -1;

	if (l->link) {
		/* /bin -> usr/bin on merged-/usr systems: keep it a symlink. */
		_cleanup_free_ char *rel = xstrdup(path_relative(l->dir));
		char *slash = strrchr(rel, '/');
		_cleanup_close_ int parent = -1;

		if (slash) {
			*slash = '\0';
			if ((parent = target_open(root_fd, rel, true, e)) < 0)
				return -1;
		}
		if (symlinkat(l->link, slash ? parent : root_fd, slash ? slash + 1 : rel) < 0 &&
		    errno != EEXIST)
			return jail_error_set(e, errno, "symlink %s -> %s", l->dir, l->link);
		return 0;
	}
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0)
		return jail_error_set(e, errno, "create the upper layer for %s", l->dir);
	if (skel_fd >= 0)
		opts = xasprintf("lowerdir=/proc/self/fd/%d:/proc/self/fd/%d,upperdir=%s,workdir=%s,userxattr",
				 skel_fd, lower_fd, upper, work);
	else
		opts = xasprintf("lowerdir=/proc/self/fd/%d,upperdir=%s,workdir=%s,userxattr", lower_fd,
				 upper, work);
	if ((target = target_open(root_fd, l->dir, true, e)) < 0)
		return -1;
	if (mount_fd("overlay", target, "overlay", MS_NOSUID | MS_NODEV, opts, l->dir, e) < 0) {
		if (e->err == ENODEV)
			jail_error_hint(e, "this kernel has no overlayfs: modprobe overlay, or "
					   "load the module at boot");
		else if (e->err == EPERM || e->err == EINVAL)
			jail_error_hint(e, "overlayfs in a user namespace needs Linux 5.11 or newer "
					   "and a lower layer that is not itself an overlay mount");
		return jail_error_prefix(e, "overlay");
	}
	return 0;
}

static int dev_setup(int root_fd, const struct sources *s, struct jail_error *e)
{
	_cleanup_close_ int dev = -1, pts = -1;
	static const char *const links[][2] = {
		{ "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	};
	char path[64];

	if (tmpfs_at(root_fd, "/dev", "mode=0755,size=64k,nr_inodes=64", e) < 0)
		return -1;
	/* Device nodes cannot be made in a user namespace: bind the host's harmless ones. */
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]);
		if (s->dev[i] >= 0 && bind_into(root_fd, s->dev[i], path, false, e) < 0)
			return -1;
	}
	dev = sys_openat2(root_fd, "dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC, IN_ROOT);
	if (dev < 0)
		return jail_error_set(e, errno, "open /dev");
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][1], dev, links[i][0]) < 0)
			return jail_error_set(e, errno, "symlink /dev/%s", links[i][0]);
	/* A private devpts instance: the job's ptys are not the host's. */
	if ((pts = target_open(root_fd, "/dev/pts", true, e)) < 0)
		return -1;
	if (mount_fd("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620", "/dev/pts", e) < 0)
		return -1;
	return 0;
}

static int proc_sys_setup(int root_fd, const struct sources *s, struct jail_error *e)
{
	_cleanup_close_ int proc = target_open(root_fd, "/proc", true, e);

	if (proc < 0)
		return -1;
	if (mount_fd("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, "/proc", e) < 0)
		return jail_error_hint(e, "a fresh /proc needs a fully visible /proc on the host "
					  "(inside a container, /proc is often partly masked)");
	if (s->sys_cpu >= 0 && bind_into(root_fd, s->sys_cpu, "/sys/devices/system/cpu", true, e))
		return -1;
	return 0;
}

static int scratch_bind(int root_fd, int scratch_fd, const char *sub, const char *dst,
			struct jail_error *e)
{
	_cleanup_close_ int src = openat(scratch_fd, sub, O_PATH | O_CLOEXEC | O_DIRECTORY);

	if (src < 0)
		return jail_error_set(e, errno, "open scratch/%s", sub);
	return bind_into(root_fd, src, dst, false, e);
}

static int writable_setup(const struct sandbox_plan *p, int root_fd, int scratch_fd,
			  struct jail_error *e)
{
	_cleanup_close_ int home = -1;

	if (scratch_bind(root_fd, scratch_fd, "tmp", "/tmp", e) < 0 ||
	    scratch_bind(root_fd, scratch_fd, "vartmp", "/var/tmp", e) < 0 ||
	    scratch_bind(root_fd, scratch_fd, "shm", "/dev/shm", e) < 0)
		return -1;
	/* $HOME: an empty directory owned by the job, never the caller's home. */
	home = openat(scratch_fd, "home", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (home < 0 || fchmod(home, 0700) < 0)
		return jail_error_set(e, errno, "prepare $HOME");
	/* Made by the child as uid 0 of the namespace; host root's job without --root
	 * runs as another id of the range (userns_job_ids). */
	if (p->switch_ids && p->uid != 0 && fchown(home, p->uid, p->gid) < 0)
		return jail_error_set(e, errno, "give $HOME to uid %u", (unsigned)p->uid);
	return bind_into(root_fd, home, p->home, false, e);
}

static int user_mounts_setup(const struct sandbox_plan *p, int root_fd, const struct sources *s,
			     struct jail_error *e)
{
	const struct jail_config *c = p->config;

	if (bind_into(root_fd, s->workdir, c->workdir, !c->workdir_writable, e) < 0)
		return jail_error_prefix(e, "work directory");
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct jail_mount *m = &c->mounts[i];
		int r;

		if (m->kind == JAIL_MOUNT_TMPFS)
			r = tmpfs_at(root_fd, m->dst, "mode=0755", e);
		else
			r = bind_into(root_fd, s->mount_src[i], m->dst, m->kind == JAIL_MOUNT_RO_BIND,
				      e);
		if (r < 0)
			return jail_error_prefix(e, "%s %s",
						 m->kind == JAIL_MOUNT_TMPFS ? "--tmpfs" : "--bind",
						 m->dst);
	}
	return 0;
}

/* network: user: /etc/resolv.conf lists exactly the profile's DNS servers (none: no
 * nameserver line, and the C library's fallback, 127.0.0.1, is the job's own loopback).
 * The file is made in the scratch tmpfs and bound read-only; a symlink there (to
 * systemd-resolved's stub file, say) is replaced first, as its target is not in here. */
static int resolv_setup(const struct sandbox_plan *p, int root_fd, int scratch_fd,
			struct jail_error *e)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int etc = -1, file = -1;
	struct stat st;

	if (!p->net)
		return 0;
	text = jail_net_resolv_conf(&p->config->net);
	file = openat(scratch_fd, "resolv.conf", O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
	if (file < 0 || write(file, text, strlen(text)) != (ssize_t)strlen(text))
		return jail_error_set(e, errno, "write the job's resolv.conf");
	if ((etc = target_open(root_fd, "/etc", true, e)) < 0)
		return -1;
	if (fstatat(etc, "resolv.conf", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
	    unlinkat(etc, "resolv.conf", 0) < 0)
		return jail_error_set(e, errno, "replace the symlink /etc/resolv.conf");
	return bind_into(root_fd, file, "/etc/resolv.conf", true, e);
}

/* pivot_root(".", ".") stacks the old root on top of the new one at "/"; detaching it
 * then leaves only the new root. No directory for the old root is needed, so nothing of
 * it can stay reachable by name. */
static int pivot(int root_fd, struct jail_error *e)
{
	if (fchdir(root_fd) < 0)
		return jail_error_set(e, errno, "chdir to the new root");
	if (sys_pivot_root(".", ".") < 0)
		return jail_error_set(e, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return jail_error_set(e, errno, "detach the old root");
	if (chdir("/") < 0)
		return jail_error_set(e, errno, "chdir /");
	/* The skeleton of mount points is done: the job writes only where it was given
	 * a writable mount. */
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
		  NULL) < 0)
		return jail_error_set(e, errno, "remount / read-only");
	if (sys_mount_setattr(AT_FDCWD, "/dev", 0, MOUNT_ATTR_RDONLY, 0) < 0)
		return jail_error_set(e, errno, "remount /dev read-only");
	return 0;
}

static int keep_upper_open(const struct jail_config *c, struct mount_state *st,
			   struct jail_error *e)
{
	st->keep_upper_fd = -1;
	if (!c->keep_upper)
		return 0;
	/* Opened before the pivot: the copy at the end goes through this fd only. */
	st->keep_upper_fd = open(c->keep_upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (st->keep_upper_fd < 0)
		return jail_error_set(e, errno, "--keep-upper %s", c->keep_upper);
	return 0;
}

int mount_setup_child(const struct sandbox_plan *p, struct mount_state *st,
		      struct jail_error *e)
{
	struct sources src = { .workdir = -1, .sys_cpu = -1 };
	_cleanup_close_ int root_fd = -1;
	int r = -1;

	st->scratch_fd = -1;
	for (size_t i = 0; i < ARRAY_SIZE(src.dev); i++)
		src.dev[i] = -1;
	/* Host paths are opened with the ids the child was born with. Created by host
	 * root, it then takes ids of its range (userns.c): before, the mounts' own files
	 * could not be created (unmapped ids); after, host root's 0700 directories (the
	 * skeleton cache in /root/.cache) could not be opened. */
	if (keep_upper_open(p->config, st, e) < 0 || sources_open(p, &src, e) < 0 ||
	    userns_enter_child(p, e) < 0)
		goto out;
	if (scratch_setup(p, &st->scratch_fd, e) < 0)
		goto out;
	if (mount("jail-root", new_root_base, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0) {
		jail_error_set(e, errno, "mount the root tmpfs on %s", new_root_base);
		goto out;
	}
	root_fd = open(new_root_base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		jail_error_set(e, errno, "open the new root");
		goto out;
	}
	for (size_t i = 0; i < p->n_layers; i++)
		if (layer_setup(root_fd, st->scratch_fd, &p->layers[i], i, src.lower[i],
				src.skel[i], e) < 0)
			goto out;
	if (proc_sys_setup(root_fd, &src, e) < 0 || dev_setup(root_fd, &src, e) < 0 ||
	    writable_setup(p, root_fd, st->scratch_fd, e) < 0 ||
	    resolv_setup(p, root_fd, st->scratch_fd, e) < 0 ||
	    user_mounts_setup(p, root_fd, &src, e) < 0 || pivot(root_fd, e) < 0)
		goto out;
	if (chdir(p->config->workdir) < 0) {
		jail_error_set(e, errno, "chdir to the work directory %s", p->config->workdir);
		goto out;
	}
	r = 0;
out:
	sources_close(&src, p);
	return r;
}
