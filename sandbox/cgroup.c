/* Quotas through a delegated cgroup v2 subtree, parent side.
 *
 * Layout, inside the cgroup D that jail starts in (delegated: owned by the user, as
 * systemd does for user@UID.service or a Delegate=yes scope):
 *
 *   D/                          subtree_control gets +memory +cpu +pids +io as needed
 *   D/jail.leaf/                jail itself (and any other process that was in D)
 *   D/jail-<pid>-<rand>.job/    one per run, limits written before the job exists
 *
 * The no-internal-process rule forbids processes in a cgroup that enables controllers
 * for its children, hence the leaf. The leaf is shared by every jail started from D; a
 * jail started from inside jail.leaf uses its parent. The last jail out, when it is
 * alone in the leaf and the leaf is D's only child, puts D back as it found it: turns
 * the controllers off, moves itself back into D and removes the leaf (a process cannot
 * remove the cgroup it is in, and D may hold processes again only without controllers).
 * When others were moved into the leaf too (a shell that shared D with jail), it stays.
 *
 * Concurrent jails in one D: the steps that create or remove shared things (the leaf,
 * subtree_control, the stale sweep, the job's mkdir) run under an exclusive flock on D.
 * Each jail holds a flock on its job directory for its whole life: a job directory that
 * can be locked belongs to a jail that died (SIGKILL), whatever pid namespace it ran in,
 * and is removed by the next run (its processes died with the pid namespace).
 *
 * When no limit is asked for, nothing here touches cgroupfs: finding out whether a
 * delegated cgroup exists costs several file reads and a mkdir, about as much as the
 * rest of jail's start, and usage alone is available from rusage. */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "sandbox/cgroup.h"
#include "sandbox/cgroup_internal.h"
#include "sandbox/cgroup_parse.h"

#define HINT_DELEGATE                                                                       \
	"try: systemd-run --user --scope -p Delegate=yes jail run ..., or --best-effort to run " \
	"without the limits"
#define HINT_DELEGATE_IO                                                                    \
	"systemd delegates io to users only when asked: systemctl edit user@.service, add "     \
	"[Service] Delegate=cpu cpuset io memory pids, log in again; or --best-effort"

/* Setup state: where the hierarchy is, where jail may create cgroups, what is needed. */
struct cg_setup {
	const struct jail_config *c;
	struct cgroup_job *job;
	char *mount; /* cgroup2 mount point */
	char *base;  /* the delegated cgroup D (absolute path) */
	int base_fd;
	unsigned needed; /* controllers the asked limits need and that are still enforced */
};

static void setup_free(struct cg_setup *s)
{
	free(s->mount);
	free(s->base);
	cleanup_close(&s->base_fd);
}

ssize_t cg_read_at(int dirfd, const char *name, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

int cg_write_at(int dirfd, const char *name, const char *value)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	return (size_t)n == len ? 0 : (errno = EIO, -1);
}

/* flock, restarted after a signal. */
static int flock_retry(int fd, int op)
{
	int r;

	do
		r = flock(fd, op);
	while (r < 0 && errno == EINTR);
	return r;
}

static char *read_proc_file(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t cap = 0, used = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - used < 4096) {
			cap = cap ? cap * 2 : 16384;
			text = xrealloc(text, cap);
		}
		n = fread(text + used, 1, cap - used - 1, f);
		used += n;
	} while (n > 0);
	text[used] = '\0';
	return text;
}

/* The controllers each asked limit needs. */
static unsigned limits_needed(const struct jail_limits *l)
{
	unsigned bits = 0;

	if (l->memory_max != JAIL_UNSET || l->memory_high != JAIL_UNSET ||
	    (l->allow_swap && l->swap_max != JAIL_UNSET))
		bits |= CG_MEMORY;
	if (l->cpu_millis != JAIL_UNSET || l->cpu_weight != JAIL_UNSET)
		bits |= CG_CPU;
	if (l->pids_max != JAIL_UNSET)
		bits |= CG_PIDS;
	if (l->io_weight != JAIL_UNSET || l->n_io > 0)
		bits |= CG_IO;
	return bits;
}

/* The cgroup files the asked limits of one controller go to, for messages and for the
 * report's not_enforced list. */
static void limit_files(const struct jail_limits *l, unsigned bit, char *buf, size_t len)
{
	const char *files[6];
	size_t n = 0, used = 0;

	if (bit == CG_MEMORY) {
		if (l->memory_max != JAIL_UNSET)
			files[n++] = "memory.max";
		if (l->memory_high != JAIL_UNSET)
			files[n++] = "memory.high";
		if (l->allow_swap && l->swap_max != JAIL_UNSET)
			files[n++] = "memory.swap.max";
	} else if (bit == CG_CPU) {
		if (l->cpu_millis != JAIL_UNSET)
			files[n++] = "cpu.max";
		if (l->cpu_weight != JAIL_UNSET)
			files[n++] = "cpu.weight";
	} else if (bit == CG_PIDS) {
		files[n++] = "pids.max";
	} else if (bit == CG_IO) {
		if (l->n_io > 0)
			files[n++] = "io.max";
		if (l->io_weight != JAIL_UNSET)
			files[n++] = "io.weight";
	}
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "", files[i]);
}

static void not_enforced_add(struct cgroup_job *job, const char *what)
{
	char *old = job->not_enforced;

	job->not_enforced = old ? xasprintf("%s,%s", old, what) : xstrdup(what);
	free(old);
}

/* A limit cannot be enforced. Fail closed, or under --best-effort say so on stderr,
 * record it for the report and go on without it. `files` names the limits; the
 * message in e says why. */
static int give_up(struct cg_setup *s, const char *files, struct jail_error *e)
{
	char buf[sizeof(e->msg) + sizeof(e->hint) + 64];

	if (!s->c->best_effort)
		return -1;
	jail_error_format(e, buf, sizeof(buf));
	fprintf(stderr, "%s\njail: warning: --best-effort: running without %s\n", buf, files);
	not_enforced_add(s->job, files);
	memset(e, 0, sizeof(*e));
	return 0;
}

/* Give up every limit of the controllers in bits. */
static int give_up_controllers(struct cg_setup *s, unsigned bits, struct jail_error *e)
{
	char files[256] = "", one[96];

	for (unsigned bit = 1; bit <= CG_PIDS; bit <<= 1) {
		if (!(bits & bit))
			continue;
		limit_files(&s->c->limits, bit, one, sizeof(one));
		if (files[0])
			strncat(files, ",", sizeof(files) - strlen(files) - 1);
		strncat(files, one, sizeof(files) - strlen(files) - 1);
	}
	s->needed &= ~bits;
	return give_up(s, files, e);
}


/* Why the hierarchy has none of the controllers we need: a hybrid host keeps them in
 * cgroup v1, which jail does not drive. */
static int explain_missing(struct cg_setup *s, const char *proc_cgroup, unsigned missing,
			   struct jail_error *e)
{
	_cleanup_free_ char *v1 = cg_v1_controllers(proc_cgroup);
	const char *plural = missing & (missing - 1) ? "s" : "";
	char names[64];

	cg_controllers_format(missing, names, sizeof(names));
	if (*v1) {
		jail_error_set(e, 0, "cannot enforce the %s limits: the cgroup v2 hierarchy at %s "
				     "does not offer the %s controller%s (this host mounts cgroups "
				     "hybrid; these controllers are in cgroup v1: %s)",
			       names, s->mount, names, plural, v1);
		jail_error_hint(e, "jail needs a unified cgroup v2 hierarchy (boot with "
				   "systemd.unified_cgroup_hierarchy=1), or --best-effort");
	} else {
		jail_error_set(e, 0, "cannot enforce the %s limits: %s does not offer the %s "
				     "controller%s (not delegated by its parent)",
			       names, s->base, names, plural);
		jail_error_hint(e, "%s", missing & CG_IO ? HINT_DELEGATE_IO : HINT_DELEGATE);
	}
	return give_up_controllers(s, missing, e);
}

/* Find the hierarchy and the cgroup D jail may create job cgroups in. */
static int discover(struct cg_setup *s, struct jail_error *e)
{
	_cleanup_free_ char *proc_cgroup = read_proc_file("/proc/self/cgroup");
	_cleanup_free_ char *mountinfo = read_proc_file("/proc/self/mountinfo");
	_cleanup_free_ char *own = NULL;
	char controllers[512];
	unsigned offered;
	char *slash;

	if (!proc_cgroup || !mountinfo)
		return jail_error_set(e, errno, "read /proc/self/cgroup and /proc/self/mountinfo");
	own = cg_parse_proc_cgroup(proc_cgroup, e);
	s->mount = own ? cg_parse_mountinfo(mountinfo, e) : NULL;
	if (!own || !s->mount) {
		jail_error_prefix(e, "cannot enforce limits");
		jail_error_hint(e, "jail needs cgroup v2 (a unified hierarchy), or --best-effort");
		return give_up_controllers(s, s->needed, e);
	}
	s->base = xasprintf("%s%s", s->mount, strcmp(own, "/") ? own : "");
	/* Started from the leaf of an earlier or concurrent jail: D is its parent. */
	slash = strrchr(s->base, '/');
	if (slash && !strcmp(slash + 1, CG_LEAF_NAME))
		*slash = '\0';
	s->base_fd = open(s->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->base_fd < 0) {
		jail_error_set(e, errno, "cannot open the own cgroup %s", s->base);
		return give_up_controllers(s, s->needed, e);
	}
	if (cg_read_at(s->base_fd, "cgroup.controllers", controllers, sizeof(controllers)) < 0) {
		jail_error_set(e, errno, "cannot read %s/cgroup.controllers", s->base);
		return give_up_controllers(s, s->needed, e);
	}
	offered = cg_controllers_parse(controllers);
	if (s->needed & ~offered)
		return explain_missing(s, proc_cgroup, s->needed & ~offered, e);
	return 0;
}

/* D must be writable by us: its directory (job cgroups), cgroup.procs (moving into
 * the leaf) and cgroup.subtree_control (enabling controllers). */
static int check_delegated(struct cg_setup *s, struct jail_error *e)
{
	static const char *const files[] = { ".", "cgroup.procs", "cgroup.subtree_control" };
	char names[64];

	cg_controllers_format(s->needed, names, sizeof(names));
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (faccessat(s->base_fd, files[i], W_OK, AT_EACCESS) == 0)
			continue;
		jail_error_set(e, errno, "cannot enforce the %s limits: cannot create a job cgroup "
					 "in %s: %s%s is not writable by uid %u (not delegated)",
			       names, s->base, i ? "its " : "the directory", i ? files[i] : "",
			       (unsigned)geteuid());
		jail_error_hint(e, HINT_DELEGATE);
		return give_up_controllers(s, s->needed, e);
	}
	return 0;
}

/* Move every process still in D (jail, and whatever started it there) into the
 * leaf, so that D may enable controllers. */
static int move_into_leaf(struct cg_setup *s, bool everyone, struct jail_error *e)
{
	_cleanup_close_ int leaf_fd = -1;
	char procs[8192];
	char *p, *end;

	if (mkdirat(s->base_fd, CG_LEAF_NAME, 0755) < 0 && errno != EEXIST)
		return jail_error_set(e, errno, "cannot create %s/%s", s->base, CG_LEAF_NAME);
	leaf_fd = openat(s->base_fd, CG_LEAF_NAME, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (leaf_fd < 0 || cg_write_at(leaf_fd, "cgroup.procs", "0") < 0)
		return jail_error_set(e, errno, "cannot move jail into %s/%s", s->base,
				      CG_LEAF_NAME);
	if (!s->job->leaf) {
		s->job->leaf = xasprintf("%s/%s", s->base, CG_LEAF_NAME);
		s->job->base = xstrdup(s->base);
	}
	if (!everyone || cg_read_at(s->base_fd, "cgroup.procs", procs, sizeof(procs)) < 0)
		return 0;
	for (p = procs; *p; p = end) {
		char pid[24];
		size_t n = strcspn(p, "\n");

		end = p + n + (p[n] == '\n');
		if (n == 0 || n >= sizeof(pid))
			continue;
		memcpy(pid, p, n);
		pid[n] = '\0';
		/* ESRCH: it exited meanwhile. Others are reported by the retry's EBUSY. */
		cg_write_at(leaf_fd, "cgroup.procs", pid);
	}
	return 0;
}

static int enable_controllers(struct cg_setup *s, struct jail_error *e)
{
	char enabled[512], cmd[64];
	unsigned missing;

	if (cg_read_at(s->base_fd, "cgroup.subtree_control", enabled, sizeof(enabled)) < 0)
		return jail_error_set(e, errno, "cannot read %s/cgroup.subtree_control", s->base);
	missing = s->needed & ~cg_controllers_parse(enabled);
	for (unsigned bit = 1; bit <= CG_PIDS; bit <<= 1) {
		if (!(missing & bit))
			continue;
		snprintf(cmd, sizeof(cmd), "+%s", cg_controller_name(bit));
		/* EBUSY: a process is still in D (one that started meanwhile, or one
		 * moved back); move them all and try again, a few times. */
		for (int tries = 0; cg_write_at(s->base_fd, "cgroup.subtree_control", cmd) < 0;
		     tries++) {
			if (errno != EBUSY || tries == 3) {
				jail_error_set(e, errno, "cannot enable the %s controller in %s",
					       cg_controller_name(bit), s->base);
				if (errno == EBUSY)
					jail_error_hint(e, "processes keep appearing in %s; start "
							   "jail as the only process of a "
							   "delegated cgroup", s->base);
				else
					jail_error_hint(e, HINT_DELEGATE);
				return give_up_controllers(s, bit, e);
			}
			if (move_into_leaf(s, true, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* Job cgroups of jails that died without tearing down (SIGKILL): their processes died
 * with the pid namespace, the directories stay. A live jail holds the flock of its job
 * directory from before the D lock is released until it exits, so under the D lock a
 * job directory that can be locked is stale. (The pid in the name is no test: it may be
 * reused, or belong to another pid namespace.) */
static void remove_stale_jobs(struct cg_setup *s)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd = openat(s->base_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;

	if (fd < 0 || !(d = fdopendir(fd))) {
		cleanup_close(&fd);
		return;
	}
	while ((de = readdir(d))) {
		_cleanup_close_ int job_fd = -1;

		if (cg_job_name_pid(de->d_name) <= 0)
			continue;
		job_fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (job_fd < 0 || flock_retry(job_fd, LOCK_EX | LOCK_NB) < 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno == EBUSY)
			/* Still populated (a process stuck in D state when its jail died):
			 * finish what the dead jail could not; the next run removes it. */
			cg_write_at(job_fd, "cgroup.kill", "1");
	}
}

static int create_job(struct cg_setup *s, struct jail_error *e)
{
	char name[64];

	for (int tries = 0;; tries++) {
		uint64_t rnd;

		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
			rnd = ((uint64_t)time(NULL) << 20) ^ (uint64_t)clock() ^ (uint64_t)tries;
		cg_job_name(name, sizeof(name), (long)getpid(), rnd);
		if (mkdirat(s->base_fd, name, 0755) == 0)
			break;
		if (errno != EEXIST || tries == 8)
			return jail_error_set(e, errno, "cannot create the job cgroup %s/%s",
					      s->base, name);
	}
	s->job->path = xasprintf("%s/%s", s->base, name);
	s->job->job_fd = openat(s->base_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* Nobody else can hold it: we made it under the D lock. */
	if (s->job->job_fd >= 0 && flock_retry(s->job->job_fd, LOCK_EX | LOCK_NB) < 0)
		cleanup_close(&s->job->job_fd);
	if (s->job->job_fd < 0) {
		jail_error_set(e, errno, "cannot open the job cgroup %s", s->job->path);
		unlinkat(s->base_fd, name, AT_REMOVEDIR);
		free(s->job->path);
		s->job->path = NULL;
		return -1;
	}
	return 0;
}

/* io.max wants the whole disk: a partition or a file on it is mapped to its disk. */
static int resolve_block_device(const char *spec, unsigned *maj, unsigned *min,
				struct jail_error *e)
{
	char sys[128], devnum[32];
	struct stat st;
	dev_t dev;

	if (cg_parse_devnum(spec, maj, min))
		return 0;
	if (stat(spec, &st) < 0)
		return jail_error_set(e, errno, "io limit: cannot find the device of %s", spec);
	dev = S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/partition", major(dev), minor(dev));
	if (access(sys, F_OK) == 0) {
		snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/../dev", major(dev), minor(dev));
		if (cg_read_at(AT_FDCWD, sys, devnum, sizeof(devnum)) > 0) {
			devnum[strcspn(devnum, "\n")] = '\0';
			if (cg_parse_devnum(devnum, maj, min))
				return 0;
		}
	}
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	if (access(sys, F_OK) < 0)
		return jail_error_set(e, 0, "io limit: %s is on device %u:%u, which is not a block "
					    "device (tmpfs, overlay, network or FUSE file system)",
				      spec, major(dev), minor(dev));
	*maj = major(dev);
	*min = minor(dev);
	return 0;
}

/* Write one limit file of the job cgroup; a failure is the limit not enforced. */
static int write_limit(struct cg_setup *s, const char *file, const char *value,
		       struct jail_error *e)
{
	int err;

	if (cg_write_at(s->job->job_fd, file, value) == 0)
		return 0;
	err = errno;
	if (err == ENOENT) {
		jail_error_set(e, 0, "cannot enforce %s: this kernel has no %s/%s", file,
			       s->job->path, file);
		if (!strcmp(file, "io.weight"))
			jail_error_hint(e, "io.weight needs a kernel with blk-iocost or the BFQ "
					   "I/O scheduler (CONFIG_BLK_CGROUP_IOCOST, "
					   "CONFIG_BFQ_GROUP_IOSCHED); or --best-effort");
		else
			jail_error_hint(e, "or --best-effort to run without it");
	} else {
		jail_error_set(e, err, "cannot write \"%s\" to %s/%s", value, s->job->path, file);
	}
	if (err == EACCES || err == EPERM)
		jail_error_hint(e, HINT_DELEGATE);
	return give_up(s, file, e);
}

static int write_memory_limits(struct cg_setup *s, const struct jail_limits *l,
			       struct jail_error *e)
{
	char v[32];

	if (l->memory_max != JAIL_UNSET) {
		snprintf(v, sizeof(v), "%" PRIu64, l->memory_max);
		if (write_limit(s, "memory.max", v, e) < 0)
			return -1;
	}
	if (l->memory_high != JAIL_UNSET) {
		snprintf(v, sizeof(v), "%" PRIu64, l->memory_high);
		if (write_limit(s, "memory.high", v, e) < 0)
			return -1;
	}
	if (l->allow_swap) {
		if (l->swap_max == JAIL_UNSET)
			snprintf(v, sizeof(v), "max");
		else
			snprintf(v, sizeof(v), "%" PRIu64, l->swap_max);
		if (write_limit(s, "memory.swap.max", v, e) < 0)
			return -1;
	} else if (cg_write_at(s->job->job_fd, "memory.swap.max", "0") < 0 && errno != ENOENT) {
		/* Without it the job could page out past memory.max. ENOENT is a kernel
		 * without swap accounting: nothing to close there. */
		jail_error_set(e, errno, "cannot write 0 to %s/memory.swap.max", s->job->path);
		if (give_up(s, "memory.swap.max", e) < 0)
			return -1;
	}
	/* One OOM kill takes the whole job: a build with half its processes gone would
	 * only fail later and stranger. Kernels before 4.19 lack it; the limit holds. */
	cg_write_at(s->job->job_fd, "memory.oom.group", "1");
	return 0;
}

static int write_cpu_pids_limits(struct cg_setup *s, const struct jail_limits *l,
				 struct jail_error *e)
{
	char v[64];

	if ((s->needed & CG_CPU) && l->cpu_millis != JAIL_UNSET) {
		if (cg_cpu_max_line(v, sizeof(v), l->cpu_millis) < 0)
			return jail_error_set(e, EINVAL, "--cpus: %" PRIu64 " thousandths of a CPU "
							 "is below the kernel's minimum of 0.01",
					      l->cpu_millis);
		if (write_limit(s, "cpu.max", v, e) < 0)
			return -1;
	}
	if ((s->needed & CG_CPU) && l->cpu_weight != JAIL_UNSET) {
		snprintf(v, sizeof(v), "%" PRIu64, l->cpu_weight);
		if (write_limit(s, "cpu.weight", v, e) < 0)
			return -1;
	}
	if ((s->needed & CG_PIDS) && l->pids_max != JAIL_UNSET) {
		snprintf(v, sizeof(v), "%" PRIu64, l->pids_max);
		if (write_limit(s, "pids.max", v, e) < 0)
			return -1;
	}
	return 0;
}

static int write_io_limits(struct cg_setup *s, const struct jail_limits *l,
			   struct jail_error *e)
{
	char v[128];

	for (size_t i = 0; i < l->n_io; i++) {
		const struct jail_io_limit *io = &l->io[i];
		unsigned maj, min;

		/* A device that cannot be named is a usage error, not a missing feature. */
		if (resolve_block_device(io->device, &maj, &min, e) < 0)
			return -1;
		if (cg_io_max_line(v, sizeof(v), maj, min, io->read_bps, io->write_bps) < 0)
			return jail_error_set(e, EINVAL, "io limit for %s", io->device);
		if (write_limit(s, "io.max", v, e) < 0)
			return -1;
	}
	if (l->io_weight != JAIL_UNSET) {
		snprintf(v, sizeof(v), "default %" PRIu64, l->io_weight);
		if (write_limit(s, "io.weight", v, e) < 0)
			return -1;
	}
	return 0;
}

static int write_limits(struct cg_setup *s, struct jail_error *e)
{
	const struct jail_limits *l = &s->c->limits;

	if ((s->needed & CG_MEMORY) && write_memory_limits(s, l, e) < 0)
		return -1;
	if (write_cpu_pids_limits(s, l, e) < 0)
		return -1;
	if ((s->needed & CG_IO) && write_io_limits(s, l, e) < 0)
		return -1;
	return 0;
}

/* Undo a half-made setup: the job cgroup holds no process yet. */
static void setup_undo(struct cgroup_job *job)
{
	cleanup_close(&job->job_fd);
	if (job->path)
		rmdir(job->path);
	free(job->path);
	job->path = NULL;
}

/* Where job cgroups may be made without limits (for the BPF programs): a unified cgroup
 * v2 hierarchy only. On a hybrid host the cgroup2 mount (systemd's
 * /sys/fs/cgroup/unified) is the init system's, and root could create anything there:
 * jail leaves it alone. */
static int discover_bare(struct cg_setup *s, struct jail_error *e)
{
	_cleanup_free_ char *proc_cgroup = read_proc_file("/proc/self/cgroup");
	_cleanup_free_ char *mountinfo = read_proc_file("/proc/self/mountinfo");
	_cleanup_free_ char *own = NULL, *v1 = NULL;
	char *slash;

	if (!proc_cgroup || !mountinfo)
		return jail_error_set(e, errno, "read /proc/self/cgroup and /proc/self/mountinfo");
	own = cg_parse_proc_cgroup(proc_cgroup, e);
	s->mount = own ? cg_parse_mountinfo(mountinfo, e) : NULL;
	if (!own || !s->mount)
		return jail_error_prefix(e, "no job cgroup");
	v1 = cg_v1_controllers(proc_cgroup);
	if (*v1) {
		jail_error_set(e, 0, "no job cgroup: this host mounts cgroups hybrid (cgroup v1: "
				     "%s); jail makes job cgroups only in a unified cgroup v2 "
				     "hierarchy and leaves %s to the init system", v1, s->mount);
		return jail_error_hint(e, "run on a host with a unified hierarchy (boot with "
					  "systemd.unified_cgroup_hierarchy=1)");
	}
	s->base = xasprintf("%s%s", s->mount, strcmp(own, "/") ? own : "");
	slash = strrchr(s->base, '/');
	if (slash && !strcmp(slash + 1, CG_LEAF_NAME))
		*slash = '\0';
	s->base_fd = open(s->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->base_fd < 0)
		return jail_error_set(e, errno, "no job cgroup: cannot open %s", s->base);
	return 0;
}

int cgroup_setup_bare(const struct jail_config *c, struct cgroup_job *job, struct jail_error *e)
{
	struct cg_setup s = { .c = c, .job = job, .base_fd = -1 };
	int r = -1;

	/* No controller is enabled, so the job cgroup may sit next to jail: no leaf. */
	if (discover_bare(&s, e) < 0)
		goto out;
	if (flock_retry(s.base_fd, LOCK_EX) < 0) {
		jail_error_set(e, errno, "cannot lock %s", s.base);
		goto out;
	}
	remove_stale_jobs(&s);
	r = create_job(&s, e);
out:
	setup_free(&s);
	return r;
}

int cgroup_setup_parent(const struct jail_config *c, struct cgroup_job *job,
			struct jail_error *e)
{
	struct cg_setup s = { .c = c, .job = job, .base_fd = -1 };

	memset(job, 0, sizeof(*job));
	job->job_fd = -1;
	s.needed = limits_needed(&c->limits);
	if (!s.needed)
		return 0; /* no cgroupfs access at all: see the top of this file */

	/* Each step may drop controllers under --best-effort (s.needed shrinks). */
	if (discover(&s, e) < 0)
		goto fail;
	if (s.needed && check_delegated(&s, e) < 0)
		goto fail;
	/* Held until setup_free(), through the few limit writes, and released before the
	 * clone: concurrent jails queue here for a few milliseconds at most. */
	if (s.needed && flock_retry(s.base_fd, LOCK_EX) < 0) {
		jail_error_set(e, errno, "cannot lock %s", s.base);
		goto fail;
	}
	/* The root cgroup may hold processes and enable controllers at once. */
	if (s.needed && strcmp(s.base, s.mount) && move_into_leaf(&s, false, e) < 0 &&
	    give_up_controllers(&s, s.needed, e) < 0)
		goto fail;
	if (s.needed && enable_controllers(&s, e) < 0)
		goto fail;
	if (s.needed) {
		remove_stale_jobs(&s);
		if (create_job(&s, e) < 0 && give_up_controllers(&s, s.needed, e) < 0)
			goto fail;
		if (s.job->job_fd >= 0 && write_limits(&s, e) < 0)
			goto fail;
	}
	setup_free(&s);
	return 0;
fail:
	if (!e->hint[0] && (e->err == EACCES || e->err == EPERM))
		jail_error_hint(e, HINT_DELEGATE);
	setup_undo(job);
	setup_free(&s);
	return -1;
}
