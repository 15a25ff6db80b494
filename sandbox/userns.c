#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
 * can only make jail ask for less than the caller has. */
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
	return subid_find(text, user, id, start, count, file, e);
}

int userns_prepare(struct sandbox_plan *p, uid_t uid, gid_t gid, const char *user,
		   struct jail_error *e)
{
	const struct jail_config *c = p->config;
	uint32_t us = 0, uc = 0, gs = 0, gc = 0;

	if (c->map_mode == JAIL_MAP_SUBUID) {
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
