/* probe: run inside the sandbox by the integration tests; reports what it can reach
 * as key=value lines, one section per argument:
 *
 *   probe [SECTION [ARGS...]]...
 *
 *   id        uid gid euid egid groups
 *   caps      cap.inh cap.prm cap.eff cap.bnd cap.amb (hex, from /proc/self/status),
 *             nonewprivs, seccomp
 *   ns        ns.NAME=inode for each entry of /proc/self/ns
 *   hostname  hostname
 *   mounts    mounts.count, then mount.MOUNTPOINT=FSTYPE OPTIONS per line of mountinfo
 *             (stacked mounts print several lines; the last one is the visible one)
 *   paths P.. path.P=absent|dir|file|symlink|chr|blk|fifo|sock|ERRNO name (lstat)
 *   list D..  list.D=sorted,names (without . and ..), or ERRNO name
 *   write P.. write.P=ok|ERRNO name: create P (O_CREAT|O_TRUNC) and write one byte
 *   net       net.count, net.NAME=up|down
 *   fds       fds=0,1,2 and fd.N=readlink target
 *   env       env.NAME=VALUE for every variable
 *   tty       tty.isatty0..2, tty.devtty=ok|ERRNO name, tty.sid, tty.pgrp, tty.tiocsti
 *   pid       pid1.environ (can pid 1's environment be opened), pid, ppid, pid1.comm
 *   rlimits   rlimit.NAME=SOFT:HARD (unlimited as "inf")
 *   cwd       cwd
 *   cgroup    cgroup.line=LINE for each line of /proc/self/cgroup, cgroup.unified=PATH of
 *             its 0:: line, cgroup.lines
 *   all       every section without arguments
 *
 * Paths given to paths/list/write run until the next argument that is not a path
 * (does not start with '/' or '.'). Exit status 0, or 2 for a bad argument. */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

static const char *err_name(int err)
{
	static char buf[32];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static void section_id(void)
{
	gid_t groups[256];
	int n = getgroups(256, groups);

	printf("uid=%u\ngid=%u\neuid=%u\negid=%u\ngroups=", (unsigned)getuid(),
	       (unsigned)getgid(), (unsigned)geteuid(), (unsigned)getegid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", (unsigned)groups[i]);
	putchar('\n');
}

/* Prints key=value for the /proc/self/status field named field. */
static void status_field(const char *field, const char *key)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[512];
	size_t len = strlen(field);

	if (!f) {
		printf("%s=%s\n", key, err_name(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, len) == 0 && line[len] == ':') {
			char *v = line + len + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			printf("%s=%s\n", key, v);
			fclose(f);
			return;
		}
	}
	printf("%s=missing\n", key);
	fclose(f);
}

static void section_caps(void)
{
	status_field("CapInh", "cap.inh");
	status_field("CapPrm", "cap.prm");
	status_field("CapEff", "cap.eff");
	status_field("CapBnd", "cap.bnd");
	status_field("CapAmb", "cap.amb");
	status_field("NoNewPrivs", "nonewprivs");
	status_field("Seccomp", "seccomp");
}

static void section_ns(void)
{
	static const char *const names[] = { "user", "mnt", "pid", "net", "ipc", "uts",
					     "cgroup", "time" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[64], target[128];
		ssize_t n;
		char *lb;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0) {
			printf("ns.%s=%s\n", names[i], err_name(errno));
			continue;
		}
		target[n] = '\0';
		lb = strchr(target, '[');
		printf("ns.%s=%.*s\n", names[i], lb ? (int)strcspn(lb + 1, "]") : (int)n,
		       lb ? lb + 1 : target);
	}
}

static void section_hostname(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		printf("hostname=%s\n", err_name(errno));
	else
		printf("hostname=%s\n", u.nodename);
}

/* mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER */
static void section_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int count = 0;

	if (!f) {
		printf("mounts.count=%s\n", err_name(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *field[6], *save = NULL, *p = line, *dash, *fstype;
		int i;

		for (i = 0; i < 6 && (field[i] = strtok_r(p, " \n", &save)); i++)
			p = NULL;
		if (i < 6)
			continue;
		dash = strstr(save ? save : "", "- ");
		fstype = dash ? strtok_r(dash + 2, " \n", &save) : NULL;
		printf("mount.%s=%s %s\n", field[4], fstype ? fstype : "?", field[5]);
		count++;
	}
	fclose(f);
	printf("mounts.count=%d\n", count);
}

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "dir";
	if (S_ISREG(m))
		return "file";
	if (S_ISLNK(m))
		return "symlink";
	if (S_ISCHR(m))
		return "chr";
	if (S_ISBLK(m))
		return "blk";
	if (S_ISFIFO(m))
		return "fifo";
	return "sock";
}

static void one_path(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		printf("path.%s=%s\n", path, file_kind(st.st_mode));
	else if (errno == ENOENT)
		printf("path.%s=absent\n", path);
	else
		printf("path.%s=%s\n", path, err_name(errno));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void one_list(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (!d) {
		printf("list.%s=%s\n", dir, err_name(errno));
		return;
	}
	while ((de = readdir(d))) {
		char **grown;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown)
			exit(3);
		names = grown;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	printf("list.%s=", dir);
	for (size_t i = 0; i < n; i++) {
		printf("%s%s", i ? "," : "", names[i]);
		free(names[i]);
	}
	putchar('\n');
	free(names);
}

static void one_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, "x", 1) != 1) {
		printf("write.%s=%s\n", path, err_name(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	printf("write.%s=%s\n", path, close(fd) == 0 ? "ok" : err_name(errno));
}

static void section_net(void)
{
	struct if_nameindex *ifs = if_nameindex();
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int count = 0;

	if (!ifs) {
		printf("net.count=%s\n", err_name(errno));
		return;
	}
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		struct ifreq req;

		memset(&req, 0, sizeof(req));
		snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", i->if_name);
		if (sock < 0 || ioctl(sock, SIOCGIFFLAGS, &req) < 0)
			printf("net.%s=%s\n", i->if_name, err_name(errno));
		else
			printf("net.%s=%s\n", i->if_name, (req.ifr_flags & IFF_UP) ? "up" : "down");
		count++;
	}
	printf("net.count=%d\n", count);
	if_freenameindex(ifs);
	if (sock >= 0)
		close(sock);
}

static void section_fds(void)
{
	/* Read the list first: the directory's own fd must not be reported. */
	DIR *d = opendir("/proc/self/fd");
	int fds[1024], n = 0, self;
	struct dirent *de;

	if (!d) {
		printf("fds=%s\n", err_name(errno));
		return;
	}
	self = dirfd(d);
	while ((de = readdir(d)) && n < 1024) {
		char *end;
		long v = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || v == self)
			continue;
		fds[n++] = (int)v;
	}
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	printf("fds=");
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", fds[i]);
	putchar('\n');
	for (int i = 0; i < n; i++) {
		char path[64], target[PATH_MAX];
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			printf("fd.%d=%s\n", fds[i], err_name(errno));
		else
			printf("fd.%d=%.*s\n", fds[i], (int)len, target);
	}
}

static void section_env(void)
{
	for (char **e = environ; *e; e++)
		printf("env.%s\n", *e);
}

static void section_tty(void)
{
	int fd;

	for (int i = 0; i < 3; i++)
		printf("tty.isatty%d=%d\n", i, isatty(i));
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		printf("tty.devtty=%s\n", err_name(errno));
	} else {
		printf("tty.devtty=ok\n");
		close(fd);
	}
	printf("tty.sid=%d\ntty.pgrp=%d\n", (int)getsid(0), (int)getpgrp());
	if (!isatty(0)) {
		printf("tty.tiocsti=notty\n");
	} else {
		/* A space: harmless if it does get through. */
		char c = ' ';
		if (ioctl(0, TIOCSTI, &c) < 0)
			printf("tty.tiocsti=%s\n", err_name(errno));
		else
			printf("tty.tiocsti=ok\n");
	}
}

static void section_pid(void)
{
	char comm[64] = "";
	FILE *f;
	int fd;

	/* First: a job that looks at once must already find pid 1 named and not dumpable. */
	fd = open("/proc/1/environ", O_RDONLY | O_CLOEXEC);
	printf("pid1.environ=%s\n", fd >= 0 ? "readable" : err_name(errno));
	if (fd >= 0)
		close(fd);
	printf("pid=%d\nppid=%d\n", (int)getpid(), (int)getppid());
	f = fopen("/proc/1/comm", "re");
	if (f && fgets(comm, sizeof(comm), f))
		comm[strcspn(comm, "\n")] = '\0';
	else
		snprintf(comm, sizeof(comm), "%s", err_name(errno));
	if (f)
		fclose(f);
	printf("pid1.comm=%s\n", comm);
}

static void print_rlim(rlim_t v)
{
	if (v == RLIM_INFINITY)
		printf("inf");
	else
		printf("%llu", (unsigned long long)v);
}

static void section_rlimits(void)
{
	static const struct {
		const char *name;
		int resource;
	} limits[] = {
		{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC }, { "core", RLIMIT_CORE },
		{ "as", RLIMIT_AS },	     { "fsize", RLIMIT_FSIZE }, { "stack", RLIMIT_STACK },
		{ "cpu", RLIMIT_CPU },
	};

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		struct rlimit rl;

		if (getrlimit(limits[i].resource, &rl) < 0) {
			printf("rlimit.%s=%s\n", limits[i].name, err_name(errno));
			continue;
		}
		printf("rlimit.%s=", limits[i].name);
		print_rlim(rl.rlim_cur);
		putchar(':');
		print_rlim(rl.rlim_max);
		putchar('\n');
	}
}

static void section_cwd(void)
{
	char buf[PATH_MAX];

	if (getcwd(buf, sizeof(buf)))
		printf("cwd=%s\n", buf);
	else
		printf("cwd=%s\n", err_name(errno));
}

/* Every line as cgroup.line=, and the cgroup v2 path (the "0::" line) as cgroup.unified. */
static void section_cgroup(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];
	int lines = 0;

	if (!f) {
		printf("cgroup.unified=%s\n", err_name(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		printf("cgroup.line=%s\n", line);
		if (strncmp(line, "0::", 3) == 0)
			printf("cgroup.unified=%s\n", line + 3);
		lines++;
	}
	fclose(f);
	printf("cgroup.lines=%d\n", lines);
}

static const struct {
	const char *name;
	void (*fn)(void);
} sections[] = {
	{ "id", section_id },	  { "caps", section_caps },	{ "ns", section_ns },
	{ "hostname", section_hostname }, { "mounts", section_mounts }, { "net", section_net },
	{ "fds", section_fds },	  { "env", section_env },	{ "tty", section_tty },
	{ "pid", section_pid },	  { "rlimits", section_rlimits }, { "cwd", section_cwd },
	{ "cgroup", section_cgroup },
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static int is_path_arg(const char *s)
{
	return s[0] == '/' || s[0] == '.';
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		void (*each)(const char *) = NULL;
		size_t k;

		if (strcmp(a, "paths") == 0)
			each = one_path;
		else if (strcmp(a, "list") == 0)
			each = one_list;
		else if (strcmp(a, "write") == 0)
			each = one_write;
		if (each) {
			while (i + 1 < argc && is_path_arg(argv[i + 1]))
				each(argv[++i]);
			continue;
		}
		if (strcmp(a, "all") == 0) {
			for (k = 0; k < N_SECTIONS; k++)
				sections[k].fn();
			continue;
		}
		for (k = 0; k < N_SECTIONS; k++) {
			if (strcmp(a, sections[k].name) == 0) {
				sections[k].fn();
				break;
			}
		}
		if (k == N_SECTIONS) {
			fprintf(stderr, "probe: unknown section '%s'\n", a);
			return 2;
		}
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
