#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <linux/capability.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "sandbox/userns.h"

static char *newuidmap_path, *newgidmap_path;

static char *find_helper(const char *name)
{
	static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin",
					    "/usr/local/bin" };
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *p = xasprintf("%s/%s", dirs[i], name);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

/* Overrides for the fault tests (tests/security/faults.sh): a missing helper or an empty
 * range file, without root. Harmless in a program that is not setuid: the helper runs
 * with the caller's rights, and newuidmap checks /etc/subuid itself, so another file
 * can only make jail ask for less than the caller has. Run by host root, jail writes
 * the maps itself and the file decides the range: only root's own environment can
 * name it (tests/root and tests/vm/bpf.sh use it for a range of their own). */
static char *helper_path(const char *env, const char *name)
{
	const char *over = getenv(env);

	if (over && *over)
		return access(over, X_OK) == 0 ? xstrdup(over) : NULL;
	return find_helper(name);
}

static const char *subid_file(const char *env, const char *dflt)
{
	const char *over = getenv(env);

	return over && *over ? over : dflt;
}

static char *read_small_file(const char *path, struct jail_error *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = 4096;
	char *buf;
	ssize_t n;

	if (fd < 0) {
		jail_error_set(e, errno, "read %s", path);
		return NULL;
	}
	buf = xmalloc(cap + 1);
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap && cap < (1 << 24))
			buf = xrealloc(buf, (cap *= 2) + 1);
	}
	buf[len] = '\0';
	return buf;
}

static int subid_range(const char *file, const char *user, uint32_t id, uint32_t *start,
		       uint32_t *count, struct jail_error *e)
{
	_cleanup_free_ char *text = read_small_file(file, e);

	if (!text)
		return jail_error_hint(e, "--map subuid needs a range for you in %s", file);
	if (subid_find(text, user, id, start, count, file, e) < 0) {
		if (id == 0)
			jail_error_hint(e, "jail runs root's jobs in a subordinate range of root: "
					   "usermod --add-subuids 1000000-1065535 --add-subgids "
					   "1000000-1065535 root");
		return -1;
	}
	return 0;
}

/* uid 0 of the initial user namespace. Inside another user namespace (unshare
 * --map-root-user, a container) uid 0 is an ordinary user of the host: it has no
 * subordinate range of root's to hand out and cannot attach BPF programs. */
bool userns_host_root(void)
{
	static int cached = -1;
	char map[128] = "";
	FILE *f;

	if (cached >= 0)
		return cached;
	cached = 0;
	if (geteuid() != 0 && getuid() != 0)
		return false;
	f = fopen("/proc/self/uid_map", "re");
	if (f && fgets(map, sizeof(map), f)) {
		unsigned long inside = 1, outside = 1, count = 0;
		cached = sscanf(map, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
			 outside == 0 && count == 4294967295UL;
	}
	if (f)
		fclose(f);
	return cached;
}

static bool host_root(void)
{
	return userns_host_root();
}

int userns_root_mode(struct jail_config *c, struct jail_error *e)
{
	if (!host_root())
		return 0;
	/* In self mode the job's ids are the caller's: for root that is host uid 0 and
	 * gid 0, the owners of nearly every file the job can see through the toolchain
	 * overlays, binds and the work dir. An explicit --map self is refused; a profile's
	 * map: self (default.yaml has it) means "no helper needed", which root has not. */
	if (c->map_mode == JAIL_MAP_SELF && c->map_explicit) {
		jail_error_set(e, EPERM, "--map self as root would run the job as host root "
					 "(uid 0 inside is uid 0 outside)");
		return jail_error_hint(e, "run jail as root without --map: it then uses root's "
					  "range in /etc/subuid and /etc/subgid (a profile's map: "
					  "self is ignored as root)");
	}
	c->map_mode = JAIL_MAP_SUBUID;
	return 0;
}

int userns_prepare(struct sandbox_plan *p, uid_t uid, gid_t gid, const char *user,
		   struct jail_error *e)
{
	const struct jail_config *c = p->config;
	uint32_t us = 0, uc = 0, gs = 0, gc = 0;

	if (c->map_mode == JAIL_MAP_SUBUID && host_root()) {
		/* Root writes the maps itself: no helper, and the caller's own id (0) is
		 * never mapped (idmap_build). Inside, the job is 0 with --root, else
		 * JOB_UID_NOT_ROOT, both from the range (userns_enter_child). */
		uid = gid = 0;
		if (subid_range(subid_file("JAIL_SUBUID_FILE", "/etc/subuid"), user, 0, &us, &uc,
				e) < 0 ||
		    subid_range(subid_file("JAIL_SUBGID_FILE", "/etc/subgid"), user, 0, &gs, &gc,
				e) < 0)
			return -1;
		if (uc <= JOB_UID_NOT_ROOT || gc <= JOB_UID_NOT_ROOT)
			return jail_error_set(e, ERANGE, "root's subordinate ranges need more than "
							 "%u ids", JOB_UID_NOT_ROOT);
	} else if (c->map_mode == JAIL_MAP_SUBUID) {
		if (!newuidmap_path)
			newuidmap_path = helper_path("JAIL_NEWUIDMAP", "newuidmap");
		if (!newgidmap_path)
			newgidmap_path = helper_path("JAIL_NEWGIDMAP", "newgidmap");
		if (!newuidmap_path || !newgidmap_path) {
			jail_error_set(e, ENOENT, "--map subuid needs newuidmap and newgidmap");
			return jail_error_hint(e, "install them (Debian: apt-get install uidmap) or "
						  "use --map self");
		}
		if (subid_range(subid_file("JAIL_SUBUID_FILE", "/etc/subuid"), user, uid, &us, &uc,
				e) < 0 ||
		    subid_range(subid_file("JAIL_SUBGID_FILE", "/etc/subgid"), user, gid, &gs, &gc,
				e) < 0)
			return -1;
	}
	if (idmap_build(c->map_mode, c->root_inside, uid, us, uc, &p->uid_map, e) < 0 ||
	    idmap_build(c->map_mode, c->root_inside, gid, gs, gc, &p->gid_map, e) < 0)
		return -1;
	p->uid = idmap_inside_of(&p->uid_map, uid);
	p->gid = idmap_inside_of(&p->gid_map, gid);
	if (c->map_mode == JAIL_MAP_SUBUID && host_root()) {
		p->switch_ids = true;
		p->uid = p->gid = c->root_inside ? 0 : JOB_UID_NOT_ROOT;
	}
	return 0;
}

static int write_proc(pid_t pid, const char *file, const char *text, struct jail_error *e)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		return jail_error_set(e, errno, "write %s", path);
	return 0;
}

static int run_helper(const char *helper, pid_t pid, const struct idmap *m, struct jail_error *e)
{
	char nums[1 + 3 * IDMAP_MAX_RANGES][16];
	char *argv[2 + 3 * IDMAP_MAX_RANGES + 1];
	size_t n = 0, k = 0;
	pid_t hp;
	int status, err;

	argv[n++] = (char *)helper;
	snprintf(nums[k], sizeof(nums[k]), "%d", (int)pid);
	argv[n++] = nums[k++];
	for (size_t i = 0; i < m->n; i++) {
		uint32_t v[3] = { m->r[i].inside, m->r[i].outside, m->r[i].count };
		for (size_t j = 0; j < 3; j++) {
			snprintf(nums[k], sizeof(nums[k]), "%" PRIu32, v[j]);
			argv[n++] = nums[k++];
		}
	}
	argv[n] = NULL;
	/* posix_spawn uses CLONE_VM|CLONE_VFORK: no copy of our address space. */
	err = posix_spawn(&hp, helper, NULL, NULL, argv, (char *[]){ NULL });
	if (err)
		return jail_error_set(e, err, "run %s", helper);
	while (waitpid(hp, &status, 0) < 0)
		if (errno != EINTR)
			return jail_error_set(e, errno, "wait for %s", helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		jail_error_set(e, 0, "%s failed (its message is above)", helper);
		return jail_error_hint(e, "check your ranges in /etc/subuid and /etc/subgid, "
					  "or use --map self");
	}
	return 0;
}

bool userns_parent_writes_maps(const struct sandbox_plan *p)
{
	return p->config->map_mode == JAIL_MAP_SUBUID;
}

int userns_write_maps(pid_t child, const struct sandbox_plan *p, struct jail_error *e)
{
	char buf[256];

	if (p->switch_ids) {
		/* Root may write any map itself. setgroups stays allowed: the child drops
		 * root's supplementary groups (gid 0 on the host) with it. */
		idmap_format(&p->uid_map, buf, sizeof(buf));
		if (write_proc(child, "uid_map", buf, e) < 0)
			return -1;
		idmap_format(&p->gid_map, buf, sizeof(buf));
		return write_proc(child, "gid_map", buf, e);
	}
	if (p->config->map_mode == JAIL_MAP_SUBUID)
		return run_helper(newuidmap_path, child, &p->uid_map, e) < 0 ? -1 :
		       run_helper(newgidmap_path, child, &p->gid_map, e);
	/* Without a helper the kernel insists on setgroups being denied before a gid map
	 * is written (CVE-2014-8989: dropping a group could grant access). */
	if (write_proc(child, "setgroups", "deny", e) < 0)
		return -1;
	idmap_format(&p->uid_map, buf, sizeof(buf));
	if (write_proc(child, "uid_map", buf, e) < 0)
		return -1;
	idmap_format(&p->gid_map, buf, sizeof(buf));
	return write_proc(child, "gid_map", buf, e);
}

/* The child was created by host root: until now its ids are host 0, which the maps do
 * not contain (it shows as the overflow id and could create no file). Become inside
 * root, which keeps every capability in the namespace for the mounts; drop root's
 * supplementary groups, which would otherwise still include host gid 0. */
static int child_sync_fd = -1;

void userns_child_sync_fd(int fd)
{
	child_sync_fd = fd;
}

int userns_enter_child(const struct sandbox_plan *p, struct jail_error *e)
{
	struct pollfd parent = { .fd = child_sync_fd, .events = POLLIN };

	if (!p->switch_ids)
		return 0;
	if (setgroups(0, NULL) < 0)
		return jail_error_set(e, errno, "drop the supplementary groups (setgroups)");
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return jail_error_set(e, errno, "become root in the user namespace");
	/* A change of credentials clears the parent-death signal: without it again, a
	 * SIGKILLed jail would leave the sandbox running. jail may have died before the
	 * new one was armed: then its end of the sync socket is closed. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (child_sync_fd >= 0 && poll(&parent, 1, 0) == 1 && (parent.revents & POLLHUP))
		_exit(125);
	return 0;
}

/* In the job, before its capabilities are set: the final ids. Without --root that is
 * JOB_UID_NOT_ROOT; keep the permitted set over the switch so that caps_apply_child can
 * still keep what the profile asks for. */
int userns_job_ids(const struct sandbox_plan *p, struct jail_error *e)
{
	if (!p->switch_ids || p->uid == 0)
		return 0;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setresgid(p->gid, p->gid, p->gid) < 0 ||
	    setresuid(p->uid, p->uid, p->uid) < 0)
		return jail_error_set(e, errno, "become uid %u in the user namespace",
				      (unsigned)p->uid);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* cleared by the switch; init is alive */
	/* The switch away from uid 0 empties the effective set; caps_apply_child needs
	 * CAP_SETPCAP in it to shrink the bounding set. */
	if (syscall(SYS_capget, &hdr, data) < 0)
		return jail_error_set(e, errno, "capget");
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return jail_error_set(e, errno, "capset");
	return 0;
}
