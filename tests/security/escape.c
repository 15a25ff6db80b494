/* escape: a hostile job. Run inside the sandbox, it tries to get out, one concrete
 * attempt at a time, and prints one line per attempt:
 *
 *   CONTAINED CLASS NAME DETAIL   the attempt failed (DETAIL says how: errno, signal)
 *   ESCAPED   CLASS NAME DETAIL   it worked: the job reached what it must not
 *   N/A       CLASS NAME DETAIL   not meaningful here (DETAIL says why)
 *   CHECK     CLASS NAME DETAIL   only the host can tell (a process or file left
 *                                 behind): tests/security/escape.sh judges it afterwards
 *
 * CLASS is caller, hostdata, services, kernel or persistence (issue 6). The attempts
 * come from what went wrong elsewhere: leaked fds and cwd (runc CVE-2024-21626),
 * TIOCSTI (bubblewrap CVE-2017-5226, the 64-bit request variant), /proc/PID/exe
 * (runc CVE-2019-5736), open_by_handle_at (the "shocker" exploit), x32/i386 entry points
 * that slip past a seccomp filter written for one architecture, nested user namespaces
 * and mount API calls that turn a read-only mount writable.
 *
 * Modes:
 *   escape attack [--host-pid N] [--tcp PORT] [--udp PORT] [--abstract NAME]
 *                 [--canary PATH --token T] [--agent PATH] [--bus PATH] [--secret V]
 *                 [--mark M] [--handle HEX] [--fd N]...
 *   escape serve DIR     host side: TCP and UDP on 127.0.0.1, an abstract unix socket,
 *                        unix sockets DIR/agent.sock and DIR/bus; writes DIR/serve.env
 *                        and logs every connection to DIR/hits
 *   escape handle PATH   host side: print PATH's file handle for open_by_handle_at
 *   escape linger MARK   what a daemon left behind runs: sleeps, ignoring signals
 *   escape fdfill        (faults.sh) open files until EMFILE
 *   escape memfill       (faults.sh) allocate until ENOMEM
 *
 * Nothing here is destructive: writes go only to files named after MARK, sysctls are
 * opened for writing and closed unwritten, TIOCSTI gets a NULL buffer (EFAULT proves the
 * push would have been accepted, and nothing is pushed). */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/mount.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#define X32_BIT 0x40000000L

extern char **environ;

/* What the runner told us about the host. */
static struct {
	pid_t host_pid;
	int tcp_port, udp_port;
	const char *abstract, *canary, *token, *agent, *bus, *secret, *mark, *handle;
	int fds[16];
	int n_fds;
} host;

static int n_escaped, n_contained, n_na;

static void line(const char *verdict, const char *cls, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void line(const char *verdict, const char *cls, const char *name, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	/* One attempt per line, whatever the detail contains. */
	for (char *p = detail; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	printf("%s %s %s %s\n", verdict, cls, name, detail);
	fflush(stdout);
	if (strcmp(verdict, "ESCAPED") == 0)
		n_escaped++;
	else if (strcmp(verdict, "CONTAINED") == 0)
		n_contained++;
	else if (strcmp(verdict, "N/A") == 0)
		n_na++;
}

static const char *ename(int err)
{
	static char buf[16];
	const char *n = strerrorname_np(err);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

/* ok: the attempt succeeded, which is an escape. */
static void verdict(bool ok, const char *cls, const char *name, int err, const char *what)
{
	if (ok)
		line("ESCAPED", cls, name, "%s", what);
	else
		line("CONTAINED", cls, name, "%s: %s", what, ename(err));
}

/* --- helpers ---------------------------------------------------------------------- */

/* The top of the tree a directory fd belongs to, by walking "..". A directory inside
 * the sandbox tops out at the sandbox's root; one from the host (a leaked fd, a cwd
 * that was never changed) tops out at the host's root, which is not our "/". */
static bool outside_root(int dirfd)
{
	struct stat root, cur, up;
	int fd = dup(dirfd), nfd;

	if (fd < 0 || stat("/", &root) < 0)
		return false;
	for (int i = 0; i < 4096; i++) {
		if (fstat(fd, &cur) < 0)
			break;
		nfd = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (nfd < 0)
			break;
		if (fstat(nfd, &up) < 0 || (up.st_dev == cur.st_dev && up.st_ino == cur.st_ino)) {
			close(nfd);
			break;
		}
		close(fd);
		fd = nfd;
	}
	fstat(fd, &cur);
	close(fd);
	return cur.st_dev != root.st_dev || cur.st_ino != root.st_ino;
}

/* The canary file the runner put in the host home holds host.token. */
static bool canary_at(int dirfd, const char *path)
{
	char buf[256];
	ssize_t n;
	int fd;

	if (!host.token || !path)
		return false;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, host.token) != NULL;
}

/* "../../...": enough to climb from anywhere to the top, then the canary's path. */
static const char *canary_climb(void)
{
	static char buf[PATH_MAX];
	size_t len = 0;

	if (!host.canary)
		return NULL;
	for (int i = 0; i < 64; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "../");
	snprintf(buf + len, sizeof(buf) - len, "%s", host.canary + 1);
	return buf;
}

/* Reach the canary or the host's root from a directory fd. */
static bool fd_reaches_host(int fd, char *why, size_t len)
{
	if (canary_at(fd, canary_climb())) {
		snprintf(why, len, "read the host canary through it");
		return true;
	}
	if (outside_root(fd)) {
		snprintf(why, len, "its '..' chain leads outside the sandbox root");
		return true;
	}
	return false;
}

static bool read_contains(const char *path, const char *needle)
{
	char buf[65536];
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !needle)
		return fd >= 0 ? (close(fd), false) : false;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	for (size_t i = 0; i < len; i++)
		if (!buf[i])
			buf[i] = '\n';
	buf[len] = '\0';
	return strstr(buf, needle) != NULL;
}

struct result {
	long ret;
	int err;
};

/* Run fn in a child: a seccomp kill (SIGSYS), a fault or a hang must not end the
 * whole program. Returns the child's result, or ret = -1000 - signal if it died. */
static struct result in_child(long (*fn)(void))
{
	struct result r = { -1, 0 };
	int pfd[2], status;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return (struct result){ -1, errno };
	pid = fork();
	if (pid == 0) {
		struct result c;

		close(pfd[0]);
		alarm(5);
		errno = 0;
		c.ret = fn();
		c.err = errno;
		if (write(pfd[1], &c, sizeof(c)) < 0)
			_exit(2);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return (struct result){ -1, errno };
	}
	if (read(pfd[0], &r, sizeof(r)) != sizeof(r))
		r = (struct result){ -1000, 0 };
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		r = (struct result){ -1000 - WTERMSIG(status), 0 };
	return r;
}

static long k_setns_host_net(void);

/* A syscall attempt: killed, EPERM/EACCES/ENOSYS/EIO = contained; success or any other
 * error (EINVAL, EFAULT, EBADF: the kernel got as far as looking at the arguments)
 * means the code behind it is reachable. */
static void kernel_try(const char *name, long (*fn)(void))
{
	struct result r = in_child(fn);

	if (r.ret == -1000 - SIGSEGV && strncmp(name, "i386", 4) == 0)
		/* A seccomp arch check kills with SIGSYS; a GP fault on int 0x80 means the
		 * kernel has no ia32 entry at all (ia32_emulation=0). */
		line("N/A", "kernel", name, "int 0x80 faults: this kernel has no ia32 emulation");
	else if (r.ret <= -1000)
		line("CONTAINED", "kernel", name, "killed by signal %s",
		     sigabbrev_np((int)(-1000 - r.ret)) ? sigabbrev_np((int)(-1000 - r.ret)) : "?");
	else if (r.ret >= 0)
		line("ESCAPED", "kernel", name, "succeeded (returned %ld)", r.ret);
	else if (r.err == EPERM || r.err == EACCES || r.err == ENOSYS || r.err == EIO ||
		 r.err == EOPNOTSUPP || r.err == EAFNOSUPPORT || r.err == EROFS ||
		 (r.err == ENOENT && fn == k_setns_host_net))
		line("CONTAINED", "kernel", name, "%s", ename(r.err));
	else
		line("ESCAPED", "kernel", name, "reachable: the kernel answered %s", ename(r.err));
}

/* --- caller: fds, terminal, host processes, cwd --------------------------------- */

static int inherited[1024];
static int n_inherited;

static void scan_inherited(void)
{
	/* Before we open anything: every fd above 2 came from outside. */
	for (int fd = 3; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			inherited[n_inherited++] = fd;
}

static void caller_fds(void)
{
	char link[64], target[PATH_MAX], why[128];

	for (int i = 0; i < n_inherited; i++) {
		int fd = inherited[i];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		char name[32];
		snprintf(name, sizeof(name), "inherited-fd-%d", fd);
		if (fd_reaches_host(fd, why, sizeof(why)))
			line("ESCAPED", "caller", name, "open fd -> %s; %s", target, why);
		else
			line("ESCAPED", "caller", name, "open fd from the caller -> %s", target);
	}
	if (n_inherited == 0)
		line("CONTAINED", "caller", "inherited-fds", "no fd above 2 is open");
	for (int i = 0; i < host.n_fds; i++) {
		char name[32];
		int fd = host.fds[i];

		snprintf(name, sizeof(name), "caller-fd-%d", fd);
		errno = 0;
		verdict(fcntl(fd, F_GETFD) >= 0, "caller", name, errno,
			"fd the caller left open above 2");
		/* Reopen through /proc: works even for an fd closed-on-exec in a parent that
		 * still holds it, if /proc shows the parent. */
		snprintf(name, sizeof(name), "proc-ppid-fd-%d", fd);
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)getppid(), fd);
		int rfd = open(link, O_PATH | O_CLOEXEC);
		verdict(rfd >= 0, "caller", name, errno, link);
		if (rfd >= 0)
			close(rfd);
	}
}

/* Every fd of every process we can see, reopened through /proc (the "/proc/self/fd"
 * trick: an O_PATH reopen of a host directory is a way out of the mount namespace). */
static void caller_proc_fds(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	int seen = 0, reached = 0, denied = 0;
	char first[PATH_MAX + 64] = "", why[128];

	if (!proc) {
		line("CONTAINED", "caller", "proc-pid-fd-reopen", "no /proc: %s", ename(errno));
		return;
	}
	while ((p = readdir(proc))) {
		char dpath[300];
		DIR *fds;
		struct dirent *f;

		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(dpath, sizeof(dpath), "/proc/%s/fd", p->d_name);
		fds = opendir(dpath);
		if (!fds) {
			denied++;
			continue;
		}
		while ((f = readdir(fds))) {
			char path[600];
			int fd;

			if (f->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dpath, f->d_name);
			fd = open(path, O_PATH | O_CLOEXEC);
			if (fd < 0)
				continue;
			seen++;
			struct stat st;
			if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
			    fd_reaches_host(fd, why, sizeof(why))) {
				if (!reached++)
					snprintf(first, sizeof(first), "%s: %s", path, why);
			}
			close(fd);
		}
		closedir(fds);
	}
	closedir(proc);
	if (reached)
		line("ESCAPED", "caller", "proc-pid-fd-reopen", "%d fds lead out, e.g. %s", reached,
		     first);
	else
		line("CONTAINED", "caller", "proc-pid-fd-reopen",
		     "%d fds reopened, none leads outside the root (%d processes' fds denied)",
		     seen, denied);
}

static void tty_push(const char *name, int fd, unsigned long req, const char *what)
{
	/* NULL buffer: the kernel checks permission first and faults on the copy after,
	 * so EFAULT means the push would have gone through, and nothing is pushed. */
	long r = syscall(SYS_ioctl, fd, req, NULL);

	if (r == 0 || errno == EFAULT)
		line("ESCAPED", "caller", name, "%s on %s accepted (%s)", what,
		     isatty(fd) ? ttyname(fd) : "fd", r == 0 ? "ok" : "EFAULT after the checks");
	else
		line("CONTAINED", "caller", name, "%s: %s", what, ename(errno));
}

static void caller_tty(void)
{
	int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	char name[48];

	verdict(tty >= 0, "caller", "open-dev-tty", errno, "open /dev/tty (a controlling terminal)");
	for (int fd = 0; fd <= 2; fd++) {
		snprintf(name, sizeof(name), "tiocsti-fd%d", fd);
		tty_push(name, fd, TIOCSTI, "TIOCSTI");
		snprintf(name, sizeof(name), "tiocsti-highbit-fd%d", fd);
		tty_push(name, fd, 0x100000000UL | TIOCSTI, "TIOCSTI|1<<32");
		snprintf(name, sizeof(name), "tioclinux-fd%d", fd);
		tty_push(name, fd, TIOCLINUX, "TIOCLINUX");
	}
	if (tty >= 0) {
		tty_push("tiocsti-dev-tty", tty, TIOCSTI, "TIOCSTI");
		tty_push("tiocsti-highbit-dev-tty", tty, 0x100000000UL | TIOCSTI, "TIOCSTI|1<<32");
		tty_push("tioclinux-dev-tty", tty, TIOCLINUX, "TIOCLINUX");
		close(tty);
	} else {
		line("CONTAINED", "caller", "tiocsti-dev-tty", "no /dev/tty to push into");
	}
	/* The caller's terminal, if one of our fds is on it, stays reachable without a
	 * controlling terminal only if we share its session. */
	pid_t sid = -1;
	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd) && ioctl(fd, TIOCGSID, &sid) == 0)
			break;
	verdict(sid >= 0 && sid == getsid(0), "caller", "tty-same-session", ESRCH,
		"a terminal on fd 0-2 whose session is ours");
}

static long try_pidfd_open(void)
{
	return syscall(SYS_pidfd_open, host.host_pid, 0);
}

static long try_ptrace_seize(void)
{
	/* A child of ours: it exits right after, which detaches. */
	return ptrace(PTRACE_SEIZE, host.host_pid, NULL, NULL);
}

static long try_vm_readv(void)
{
	char b;
	struct iovec local = { &b, 1 }, remote = { (void *)0x1000, 1 };

	return process_vm_readv(host.host_pid, &local, 1, &remote, 1, 0);
}

static void caller_host_pid(void)
{
	char path[64];
	struct stat st;
	struct result r;

	if (host.host_pid <= 0) {
		line("N/A", "caller", "signal-host-pid", "the runner gave no host pid");
		return;
	}
	errno = 0;
	verdict(kill(host.host_pid, 0) == 0, "caller", "signal-host-pid", errno,
		"kill(host pid, 0)");
	verdict(kill(host.host_pid, SIGCONT) == 0, "caller", "sigcont-host-pid", errno,
		"kill(host pid, SIGCONT)");
	snprintf(path, sizeof(path), "/proc/%d", (int)host.host_pid);
	verdict(stat(path, &st) == 0, "caller", "proc-host-pid", errno, path);
	r = in_child(try_ptrace_seize);
	if (r.ret <= -1000)
		line("CONTAINED", "caller", "ptrace-host-pid", "killed by signal %ld", -1000 - r.ret);
	else
		verdict(r.ret == 0, "caller", "ptrace-host-pid", r.err, "PTRACE_SEIZE host pid");
	r = in_child(try_pidfd_open);
	verdict(r.ret >= 0, "caller", "pidfd-host-pid", r.err, "pidfd_open(host pid)");
	r = in_child(try_vm_readv);
	/* EFAULT: the permission check passed, only our made-up address was wrong. */
	verdict(r.ret >= 0 || r.err == EFAULT, "caller", "vm-readv-host-pid", r.err,
		"process_vm_readv(host pid)");
}

static void caller_cwd(void)
{
	char buf[PATH_MAX];
	int fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *cwd = getcwd(buf, sizeof(buf));

	verdict(!cwd || buf[0] != '/', "caller", "cwd-unreachable", errno,
		"getcwd names a path under our root");
	verdict(fd >= 0 && outside_root(fd), "caller", "cwd-dotdot-walk", 0,
		"'..' from the cwd stays under our root");
	if (fd >= 0)
		close(fd);
	/* chdir up past where a chroot-style root would stop us. */
	int saved = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	bool got = host.canary && canary_at(AT_FDCWD, host.canary + 1);
	verdict(got, "caller", "cwd-climb-canary", ENOENT, "chdir .. x64, then the canary path");
	if (saved >= 0) {
		fchdir(saved);
		close(saved);
	}
	if (host.canary) {
		char path[PATH_MAX + 32];
		snprintf(path, sizeof(path), "/proc/self/cwd/%s", canary_climb());
		verdict(canary_at(AT_FDCWD, path), "caller", "proc-self-cwd-climb", ENOENT,
			"the canary through /proc/self/cwd/../..");
	}
}

/* --- hostdata --------------------------------------------------------------------- */

static void hostdata_home(void)
{
	char path[PATH_MAX];

	if (!host.canary) {
		line("N/A", "hostdata", "home-canary", "the runner gave no canary");
		return;
	}
	errno = 0;
	verdict(canary_at(AT_FDCWD, host.canary), "hostdata", "home-canary", errno ? errno : ENOENT,
		"read the canary in the host home");
	snprintf(path, sizeof(path), "/proc/self/root%s", host.canary);
	verdict(canary_at(AT_FDCWD, path), "hostdata", "proc-self-root-canary", ENOENT, path);
	snprintf(path, sizeof(path), "/proc/1/root%s", host.canary);
	verdict(canary_at(AT_FDCWD, path), "hostdata", "proc-1-root-canary", ENOENT, path);

	/* Any process's root: runc-style, the runtime's own helper may sit outside. */
	DIR *proc = opendir("/proc");
	struct dirent *p;
	int hits = 0, tried = 0;
	while (proc && (p = readdir(proc))) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/root%s", p->d_name, host.canary);
		tried++;
		hits += canary_at(AT_FDCWD, path);
	}
	if (proc)
		closedir(proc);
	if (hits)
		line("ESCAPED", "hostdata", "proc-any-root-canary", "%d of %d processes' roots show the host home", hits, tried);
	else
		line("CONTAINED", "hostdata", "proc-any-root-canary", "none of %d processes' roots shows it", tried);

	/* The home directory itself: listing it shows the canary's directory. */
	char home[PATH_MAX], *slash;
	snprintf(home, sizeof(home), "%s", host.canary);
	if ((slash = strrchr(home, '/')))
		*slash = '\0';
	const char *dirname_ = strrchr(home, '/') ? strrchr(home, '/') + 1 : home;
	char homedir[PATH_MAX];
	snprintf(homedir, sizeof(homedir), "%.*s", (int)(dirname_ - home), home);
	DIR *d = opendir(homedir);
	bool listed = false;
	struct dirent *ent;
	while (d && (ent = readdir(d)))
		if (strcmp(ent->d_name, dirname_) == 0)
			listed = true;
	if (d)
		closedir(d);
	verdict(listed, "hostdata", "home-listing", ENOENT, "list the host home, find the canary dir");

	if (host.handle) {
		/* Shocker: a handle for a host file, opened against any fd on the same fs. */
		unsigned char raw[128];
		size_t n = 0;
		int type = 0;
		if (sscanf(host.handle, "%d:", &type) == 1) {
			const char *hex = strchr(host.handle, ':') + 1;
			while (n < sizeof(raw) && sscanf(hex + 2 * n, "%2hhx", &raw[n]) == 1)
				n++;
		}
		struct file_handle *fh = calloc(1, sizeof(*fh) + n);
		fh->handle_bytes = (unsigned)n;
		fh->handle_type = type;
		memcpy(fh->f_handle, raw, n);
		int mfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		int fd = (int)syscall(SYS_open_by_handle_at, mfd, fh, O_RDONLY);
		int err = errno;
		bool got = false;
		if (fd >= 0) {
			char buf[256];
			ssize_t r = read(fd, buf, sizeof(buf) - 1);
			buf[r > 0 ? r : 0] = '\0';
			got = host.token && strstr(buf, host.token);
			close(fd);
		}
		verdict(fd >= 0 || got, "hostdata", "open-by-handle-canary", err,
			"open_by_handle_at with the canary's handle");
		free(fh);
		if (mfd >= 0)
			close(mfd);
	}
}

static bool connect_unix(const char *path, bool abstract, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	if (abstract) {
		snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "%s", path);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path));
	} else {
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		len = sizeof(sa);
	}
	ok = connect(fd, (struct sockaddr *)&sa, len) == 0;
	int err = errno;
	close(fd);
	errno = err;
	return ok;
}

static bool env_has(const char *needle)
{
	for (char **e = environ; needle && *e; e++)
		if (strstr(*e, needle))
			return true;
	return false;
}

static void hostdata_agent_env(void)
{
	if (host.agent) {
		errno = 0;
		verdict(connect_unix(host.agent, false, SOCK_STREAM), "hostdata", "ssh-agent-socket",
			errno, host.agent);
	} else {
		line("N/A", "hostdata", "ssh-agent-socket", "the runner gave no agent socket");
	}
	verdict(getenv("SSH_AUTH_SOCK") != NULL, "hostdata", "ssh-auth-sock-env", ENOENT,
		"SSH_AUTH_SOCK in the environment");
	/* Real agents live in /tmp/ssh-XXXX/agent.PID. */
	DIR *tmp = opendir("/tmp");
	struct dirent *d;
	int found = 0;
	while (tmp && (d = readdir(tmp))) {
		char dir[300];
		if (strncmp(d->d_name, "ssh-", 4) != 0)
			continue;
		snprintf(dir, sizeof(dir), "/tmp/%s", d->d_name);
		DIR *s = opendir(dir);
		struct dirent *a;
		while (s && (a = readdir(s))) {
			char sock[600];
			snprintf(sock, sizeof(sock), "%s/%s", dir, a->d_name);
			if (a->d_name[0] != '.' && connect_unix(sock, false, SOCK_STREAM))
				found++;
		}
		if (s)
			closedir(s);
	}
	if (tmp)
		closedir(tmp);
	verdict(found > 0, "hostdata", "ssh-agent-scan-tmp", ENOENT, "connect to /tmp/ssh-*/*");
	if (host.secret) {
		verdict(env_has(host.secret), "hostdata", "env-secret", ENOENT,
			"the caller's secret value in our environment");
		verdict(read_contains("/proc/self/environ", host.secret), "hostdata",
			"proc-self-environ-secret", ENOENT, "/proc/self/environ");
		/* Anyone's environment: our parents, the runtime. */
		DIR *proc = opendir("/proc");
		struct dirent *p;
		int hits = 0;
		while (proc && (p = readdir(proc))) {
			char path[300];
			if (p->d_name[0] < '0' || p->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/environ", p->d_name);
			hits += read_contains(path, host.secret);
		}
		if (proc)
			closedir(proc);
		verdict(hits > 0, "hostdata", "proc-any-environ-secret", ENOENT,
			"the secret in some /proc/PID/environ");
	} else {
		line("N/A", "hostdata", "env-secret", "the runner gave no secret");
	}
}

static void open_try(const char *cls, const char *name, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int err = errno;

	verdict(fd >= 0, cls, name, err, path);
	if (fd >= 0)
		close(fd);
}

static int count_entries(const char *path, const char *except)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && (!except || strcmp(e->d_name, except) != 0))
			n++;
	closedir(d);
	return n;
}

static void hostdata_users(void)
{
	const char *me = getenv("USER");
	struct stat st;
	int n;

	open_try("hostdata", "etc-shadow", "/etc/shadow", O_RDONLY);
	if (stat("/etc/ssh/ssh_host_ed25519_key", &st) == 0)
		open_try("hostdata", "ssh-host-key", "/etc/ssh/ssh_host_ed25519_key", O_RDONLY);
	else
		line("CONTAINED", "hostdata", "ssh-host-key", "no host key visible: %s", ename(errno));
	n = count_entries("/root", NULL);
	verdict(n > 0, "hostdata", "root-home-list", n < 0 ? errno : ENOENT, "entries in /root");
	n = count_entries("/home", me);
	verdict(n > 0, "hostdata", "other-homes", n < 0 ? errno : ENOENT,
		"other users' directories in /home");
	n = count_entries("/var/mail", NULL);
	verdict(n > 0, "hostdata", "var-mail", n < 0 ? errno : ENOENT, "mail spool entries");
	open_try("hostdata", "proc-1-environ-host-init", "/proc/1/environ", O_RDONLY);
}

static void hostdata_proc_sys(void)
{
	char port[16];

	/* Sysctls that are not namespaced: opened for writing, closed unwritten. */
	open_try("hostdata", "core-pattern-write", "/proc/sys/kernel/core_pattern", O_WRONLY);
	open_try("hostdata", "sysrq-trigger-write", "/proc/sysrq-trigger", O_WRONLY);
	open_try("hostdata", "drop-caches-write", "/proc/sys/vm/drop_caches", O_WRONLY);
	open_try("hostdata", "modprobe-path-write", "/proc/sys/kernel/modprobe", O_WRONLY);
	open_try("hostdata", "proc-kcore", "/proc/kcore", O_RDONLY);
	open_try("hostdata", "proc-kmsg", "/proc/kmsg", O_RDONLY);
	open_try("hostdata", "sys-power-state-write", "/sys/power/state", O_WRONLY);
	open_try("hostdata", "sys-kernel-uevent-helper", "/sys/kernel/uevent_helper", O_WRONLY);
	open_try("hostdata", "sys-cpu-online-write", "/sys/devices/system/cpu/cpu1/online", O_WRONLY);
	open_try("hostdata", "sys-smt-control-write", "/sys/devices/system/cpu/smt/control", O_WRONLY);
	/* Host sockets, seen through /proc/net: only our own netns must show. */
	if (host.tcp_port) {
		snprintf(port, sizeof(port), ":%04X ", host.tcp_port);
		verdict(read_contains("/proc/net/tcp", port), "hostdata", "proc-net-tcp-listener",
			ENOENT, "the host's listener in /proc/net/tcp");
	}
	if (host.abstract)
		verdict(read_contains("/proc/net/unix", host.abstract), "hostdata",
			"proc-net-unix-abstract", ENOENT, "the host's abstract socket in /proc/net/unix");
	int n = count_entries("/sys/class/net", "lo");
	verdict(n > 0, "hostdata", "sys-class-net", n < 0 ? errno : ENOENT,
		"host network interfaces in /sys/class/net");
	n = count_entries("/sys/block", NULL);
	verdict(n > 0, "hostdata", "sys-block", n < 0 ? errno : ENOENT, "host disks in /sys/block");
	n = count_entries("/sys/fs/cgroup", NULL);
	verdict(n > 0, "hostdata", "sys-fs-cgroup", n < 0 ? errno : ENOENT,
		"the host's cgroup tree");
	/* kptr_restrict: real addresses in kallsyms defeat KASLR. */
	FILE *f = fopen("/proc/kallsyms", "re");
	unsigned long long addr = 0;
	char sym[128];
	bool real = false;
	for (int i = 0; f && i < 64 && fscanf(f, "%llx %*s %127s", &addr, sym) == 2; i++)
		if (addr)
			real = true;
	if (f)
		fclose(f);
	verdict(real, "hostdata", "kallsyms-addresses", ENOENT, "non-zero addresses in /proc/kallsyms");
	if (host.host_pid > 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)host.host_pid);
		open_try("hostdata", "proc-host-pid-cmdline", path, O_RDONLY);
	}
}

static void hostdata_dev(void)
{
	static const char *const nodes[] = {
		"/dev/mem", "/dev/kmem", "/dev/port", "/dev/kmsg", "/dev/vda", "/dev/sda",
		"/dev/nvme0n1", "/dev/console", "/dev/tty0", "/dev/tty1", "/dev/fuse",
		"/dev/net/tun", "/dev/kvm", "/dev/loop-control", "/dev/loop0", "/dev/uinput",
		"/dev/mapper/control", "/dev/input/event0", "/dev/dri/card0", "/dev/vhost-net",
		"/dev/vsock", "/dev/cpu/0/msr", "/dev/watchdog", "/dev/rtc0", "/dev/hpet",
	};
	char name[64];

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(name, sizeof(name), "dev-%s", nodes[i] + 5);
		for (char *p = name; *p; p++)
			if (*p == '/')
				*p = '-';
		open_try("hostdata", name, nodes[i], O_RDONLY);
	}
	/* A device node of our own: a char device made in the work dir. */
	char path[64];
	snprintf(path, sizeof(path), "./jail-sec-%s-mem", host.mark ? host.mark : "x");
	if (mknod(path, S_IFCHR | 0600, makedev(1, 1)) == 0) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		int err = errno;
		unlink(path);
		verdict(fd >= 0, "hostdata", "mknod-dev-mem", err, "mknod c 1 1, then open");
		if (fd >= 0)
			close(fd);
	} else {
		line("CONTAINED", "hostdata", "mknod-dev-mem", "mknod c 1 1: %s", ename(errno));
	}
}

/* --- services --------------------------------------------------------------------- */

static bool connect_inet(int family, int type, const char *addr, int port, bool wait_reply)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd = socket(family, type | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, addr, &in->sin_addr);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, addr, &in6->sin6_addr);
		len = sizeof(*in6);
	}
	ok = connect(fd, (struct sockaddr *)&ss, len) == 0;
	if (ok && wait_reply) {
		/* UDP: connect only picks a route; an answer proves we reached the host. */
		struct pollfd pfd = { fd, POLLIN, 0 };
		char buf[16];
		ok = send(fd, "ping", 4, 0) == 4 && poll(&pfd, 1, 1000) == 1 &&
		     recv(fd, buf, sizeof(buf), 0) > 0;
		if (!ok && !errno)
			errno = ETIMEDOUT;
	}
	int err = errno;
	close(fd);
	errno = err;
	return ok;
}

static void services(void)
{
	if (host.tcp_port) {
		errno = 0;
		verdict(connect_inet(AF_INET, SOCK_STREAM, "127.0.0.1", host.tcp_port, false),
			"services", "tcp-host-loopback", errno, "connect 127.0.0.1 (host listener)");
		verdict(connect_inet(AF_INET6, SOCK_STREAM, "::ffff:127.0.0.1", host.tcp_port, false),
			"services", "tcp-host-loopback-v4mapped", errno, "connect ::ffff:127.0.0.1");
		verdict(connect_inet(AF_INET, SOCK_STREAM, "127.1.2.3", host.tcp_port, false),
			"services", "tcp-host-loopback-alias", errno, "connect 127.1.2.3");
	} else {
		line("N/A", "services", "tcp-host-loopback", "the runner gave no TCP port");
	}
	if (host.udp_port) {
		errno = 0;
		verdict(connect_inet(AF_INET, SOCK_DGRAM, "127.0.0.1", host.udp_port, true),
			"services", "udp-host-loopback", errno, "UDP echo from the host listener");
	} else {
		line("N/A", "services", "udp-host-loopback", "the runner gave no UDP port");
	}
	if (host.abstract) {
		errno = 0;
		verdict(connect_unix(host.abstract, true, SOCK_STREAM), "services",
			"abstract-unix-host", errno, "connect to the host's abstract socket");
	} else {
		line("N/A", "services", "abstract-unix-host", "the runner gave no abstract name");
	}
	if (host.bus) {
		errno = 0;
		verdict(connect_unix(host.bus, false, SOCK_STREAM), "services", "dbus-session-path",
			errno, host.bus);
	}
	verdict(getenv("DBUS_SESSION_BUS_ADDRESS") != NULL, "services", "dbus-session-env", ENOENT,
		"DBUS_SESSION_BUS_ADDRESS in the environment");
	errno = 0;
	verdict(connect_unix("/run/dbus/system_bus_socket", false, SOCK_STREAM), "services",
		"dbus-system-bus", errno, "/run/dbus/system_bus_socket");
	char path[64];
	snprintf(path, sizeof(path), "/run/user/%d/bus", (int)getuid());
	errno = 0;
	verdict(connect_unix(path, false, SOCK_STREAM), "services", "dbus-user-bus", errno, path);
	errno = 0;
	verdict(connect_unix("/run/systemd/private", false, SOCK_STREAM), "services",
		"systemd-private", errno, "/run/systemd/private");
	errno = 0;
	verdict(connect_unix("/tmp/.X11-unix/X0", true, SOCK_STREAM), "services",
		"x11-abstract", errno, "@/tmp/.X11-unix/X0");
	/* Routes: a UDP connect asks the routing table and sends nothing. */
	errno = 0;
	verdict(connect_inet(AF_INET, SOCK_DGRAM, "192.0.2.1", 9, false), "services",
		"route-ipv4", errno, "a route to 192.0.2.1 (TEST-NET-1)");
	errno = 0;
	verdict(connect_inet(AF_INET6, SOCK_DGRAM, "2001:db8::1", 9, false), "services",
		"route-ipv6", errno, "a route to 2001:db8::1");
	struct if_nameindex *ifs = if_nameindex(), *i;
	int others = 0;
	for (i = ifs; i && i->if_index; i++)
		others += strcmp(i->if_name, "lo") != 0;
	if (ifs)
		if_freenameindex(ifs);
	verdict(others > 0, "services", "netlink-interfaces", ENOENT,
		"interfaces other than lo (rtnetlink)");
	verdict(read_contains("/proc/net/route", "\t0000") && count_entries("/sys/class/net", "lo") > 0,
		"services", "proc-net-route", ENOENT, "routes in /proc/net/route");
}

/* --- kernel surface ---------------------------------------------------------------- */

static long k_keyctl(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1);
}
static long k_add_key(void)
{
	return syscall(SYS_add_key, "user", "jail-sec", "x", 1, KEY_SPEC_PROCESS_KEYRING);
}
static long k_request_key(void)
{
	return syscall(SYS_request_key, "user", "jail-sec-none", NULL, 0);
}
static long k_bpf_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a = { 0 };
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uintptr_t) "GPL";
	return syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
}
static long k_bpf_map(void)
{
	union bpf_attr a = { 0 };
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	return syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
}
static long k_perf(void)
{
	struct perf_event_attr a = { 0 };
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}
static long k_userfaultfd(void)
{
	return syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
}
static long k_io_uring(void)
{
	struct io_uring_params p = { 0 };
	return syscall(SYS_io_uring_setup, 4, &p);
}
static long k_open_by_handle(void)
{
	struct {
		struct file_handle fh;
		unsigned char b[8];
	} h = { .fh = { .handle_bytes = 8, .handle_type = 1 } };
	return syscall(SYS_open_by_handle_at, AT_FDCWD, &h, O_RDONLY);
}
static long k_name_to_handle(void)
{
	struct {
		struct file_handle fh;
		unsigned char b[128];
	} h = { .fh = { .handle_bytes = 128 } };
	int mnt;
	return syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &h, &mnt, 0);
}
static long k_kexec_load(void)
{
	return syscall(SYS_kexec_load, 0, 0, NULL, 0);
}
static long k_kexec_file_load(void)
{
	return syscall(SYS_kexec_file_load, -1, -1, 0, "", 0);
}
static long k_init_module(void)
{
	return syscall(SYS_init_module, NULL, 0, "");
}
static long k_finit_module(void)
{
	return syscall(SYS_finit_module, -1, "", 0);
}
static long k_delete_module(void)
{
	return syscall(SYS_delete_module, "jail_sec_none", O_NONBLOCK);
}
static long k_x32_getpid(void)
{
	return syscall(X32_BIT | SYS_getpid);
}
static long k_x32_unshare(void)
{
	return syscall(X32_BIT | SYS_unshare, CLONE_NEWUSER);
}
static long k_x32_keyctl(void)
{
	return syscall(X32_BIT | SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}
#if defined(__x86_64__)
static long int80(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}
static long k_i386_getpid(void)
{
	return int80(20, 0, 0, 0);
}
static long k_i386_unshare(void)
{
	return int80(310, CLONE_NEWUSER, 0, 0);
}
static long k_i386_keyctl(void)
{
	return int80(288, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
}
static long k_i386_mount(void)
{
	return int80(21, 0, (long)(uintptr_t) "/", 0);
}
#endif
static long k_unshare_user(void)
{
	return unshare(CLONE_NEWUSER);
}
static long k_unshare_mnt(void)
{
	return unshare(CLONE_NEWNS);
}
static long k_unshare_net(void)
{
	return unshare(CLONE_NEWNET);
}
static long k_unshare_time(void)
{
	return unshare(CLONE_NEWTIME);
}
static long k_clone_user(void)
{
	long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, NULL, NULL, 0);
	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return r;
}
static long k_clone3_user(void)
{
	struct clone_args a = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	long r = syscall(SYS_clone3, &a, sizeof(a));
	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return r;
}
static long k_setns_user(void)
{
	int fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return syscall(SYS_setns, fd, CLONE_NEWUSER);
}
static long k_mount_tmpfs(void)
{
	return mount("none", "/tmp", "tmpfs", 0, NULL);
}
static long k_remount_root_rw(void)
{
	return mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL);
}
static long k_bind_root(void)
{
	return mount("/", "/tmp", NULL, MS_BIND | MS_REC, NULL);
}
static long k_umount_proc(void)
{
	return umount2("/proc", MNT_DETACH);
}
static long k_umount_devnull(void)
{
	return umount2("/dev/null", MNT_DETACH);
}
static long k_mount_setattr_rw(void)
{
	struct mount_attr a = { .attr_clr = MOUNT_ATTR_RDONLY };
	return syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &a, sizeof(a));
}
static long k_open_tree(void)
{
	return syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE | AT_RECURSIVE);
}
static long k_fsopen(void)
{
	return syscall(SYS_fsopen, "tmpfs", 0);
}
static long k_fspick(void)
{
	long fd = syscall(SYS_fspick, AT_FDCWD, "/", 0);
	if (fd < 0)
		return fd;
	/* Reconfigure the read-only root as read-write. */
	if (syscall(SYS_fsconfig, fd, FSCONFIG_SET_FLAG, "rw", NULL, 0) < 0)
		return -1;
	return syscall(SYS_fsconfig, fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0);
}
static long k_move_mount(void)
{
	return syscall(SYS_move_mount, AT_FDCWD, "/proc", AT_FDCWD, "/tmp", 0);
}
static long k_write_ro_root(void)
{
	int fd = open("/jail-sec-ro-root", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		unlink("/jail-sec-ro-root");
	return fd;
}
static long k_chroot(void)
{
	return chroot(".");
}
static long k_chroot_escape(void)
{
	/* The classic: chroot into a subdir keeping the cwd outside, then climb. */
	mkdir("jail-sec-chroot", 0700);
	if (chroot("jail-sec-chroot") < 0) {
		int err = errno;
		rmdir("jail-sec-chroot");
		errno = err;
		return -1;
	}
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	chroot(".");
	return host.canary && canary_at(AT_FDCWD, host.canary) ? 1 : 0;
}
static long k_pivot_root(void)
{
	return syscall(SYS_pivot_root, ".", ".");
}
static long k_ptrace_traceme(void)
{
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}
static long k_personality(void)
{
	return personality(0x0040000 /* ADDR_NO_RANDOMIZE */);
}
static long k_af_packet(void)
{
	return socket(AF_PACKET, SOCK_RAW, 0);
}
static long k_af_vsock(void)
{
	return socket(AF_VSOCK, SOCK_STREAM, 0);
}
static long k_af_alg(void)
{
	return socket(AF_ALG, SOCK_SEQPACKET, 0);
}
static long k_af_key(void)
{
	return socket(AF_KEY, SOCK_RAW, 2);
}
static long k_raw_inet(void)
{
	return socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
}
static long k_acct(void)
{
	return acct(NULL);
}
static long k_reboot(void)
{
	return syscall(SYS_reboot, 0xfee1dead, 672274793, 0 /* CAD_OFF */, NULL);
}
static long k_syslog(void)
{
	return syscall(SYS_syslog, 10 /* SIZE_BUFFER */, NULL, 0);
}
static long k_settime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return clock_settime(CLOCK_REALTIME, &ts);
}
static long k_iopl(void)
{
	return syscall(SYS_iopl, 3);
}
static long k_swapoff(void)
{
	return syscall(SYS_swapoff, "/jail-sec-none");
}
static long k_fanotify(void)
{
	return syscall(SYS_fanotify_init, 0, O_RDONLY);
}
static long k_sethostname(void)
{
	return sethostname("jail-sec-pwned", 14);
}
static long k_setns_host_net(void)
{
	char path[64];
	int fd;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)host.host_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return syscall(SYS_setns, fd, CLONE_NEWNET);
}

/* Core dumps go to the host's core_pattern, often a pipe to a root helper in the host's
 * namespaces: the profiles set core 0, which the job must not undo. */
static long k_core_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_CORE, &rl) < 0)
		return -1;
	rl.rlim_cur = rl.rlim_max;
	if (rl.rlim_cur == 0) {
		rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
		if (setrlimit(RLIMIT_CORE, &rl) < 0)
			return -1;
	} else if (setrlimit(RLIMIT_CORE, &rl) < 0) {
		return -1;
	}
	return 0;
}

static void kernel_surface(void)
{
	static const struct {
		const char *name;
		long (*fn)(void);
	} tries[] = {
		{ "keyctl-session", k_keyctl },
		{ "add-key", k_add_key },
		{ "request-key", k_request_key },
		{ "bpf-prog-load", k_bpf_prog },
		{ "bpf-map-create", k_bpf_map },
		{ "perf-event-open", k_perf },
		{ "userfaultfd", k_userfaultfd },
		{ "io-uring-setup", k_io_uring },
		{ "open-by-handle-at", k_open_by_handle },
		{ "name-to-handle-at", k_name_to_handle },
		{ "kexec-load", k_kexec_load },
		{ "kexec-file-load", k_kexec_file_load },
		{ "init-module", k_init_module },
		{ "finit-module", k_finit_module },
		{ "delete-module", k_delete_module },
		{ "x32-getpid", k_x32_getpid },
		{ "x32-unshare-user", k_x32_unshare },
		{ "x32-keyctl", k_x32_keyctl },
#if defined(__x86_64__)
		{ "i386-int80-getpid", k_i386_getpid },
		{ "i386-int80-unshare-user", k_i386_unshare },
		{ "i386-int80-keyctl", k_i386_keyctl },
		{ "i386-int80-mount", k_i386_mount },
#endif
		{ "unshare-user", k_unshare_user },
		{ "unshare-mnt", k_unshare_mnt },
		{ "unshare-net", k_unshare_net },
		{ "unshare-time", k_unshare_time },
		{ "clone-newuser", k_clone_user },
		{ "clone3-newuser", k_clone3_user },
		{ "setns-own-userns", k_setns_user },
		{ "mount-tmpfs", k_mount_tmpfs },
		{ "remount-root-rw", k_remount_root_rw },
		{ "bind-mount-root", k_bind_root },
		{ "umount-proc", k_umount_proc },
		{ "umount-dev-null", k_umount_devnull },
		{ "mount-setattr-rw", k_mount_setattr_rw },
		{ "open-tree-clone", k_open_tree },
		{ "fsopen-tmpfs", k_fsopen },
		{ "fspick-reconfigure-rw", k_fspick },
		{ "move-mount-proc", k_move_mount },
		{ "write-ro-root", k_write_ro_root },
		{ "chroot", k_chroot },
		{ "chroot-escape", k_chroot_escape },
		{ "pivot-root", k_pivot_root },
		{ "ptrace-traceme", k_ptrace_traceme },
		{ "personality-no-aslr", k_personality },
		{ "socket-af-packet", k_af_packet },
		{ "socket-af-vsock", k_af_vsock },
		{ "socket-af-alg", k_af_alg },
		{ "socket-af-key", k_af_key },
		{ "socket-raw-icmp", k_raw_inet },
		{ "acct", k_acct },
		{ "reboot", k_reboot },
		{ "syslog", k_syslog },
		{ "clock-settime", k_settime },
		{ "iopl", k_iopl },
		{ "swapoff", k_swapoff },
		{ "fanotify-init", k_fanotify },
		{ "sethostname", k_sethostname },
		{ "rlimit-core-raise", k_core_raise },
	};

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		kernel_try(tries[i].name, tries[i].fn);
	if (host.host_pid > 0)
		kernel_try("setns-host-netns", k_setns_host_net);
#if !defined(__x86_64__)
	line("N/A", "kernel", "i386-int80", "not an x86_64 build");
#endif
}

/* --- persistence ------------------------------------------------------------------ */

static void exe_write(const char *name, const char *path)
{
	/* Opened for writing and closed: runc's CVE-2019-5736 wrote the runtime's binary
	 * through /proc/PID/exe. ETXTBSY is not enough on its own (the attack waits with an
	 * O_PATH fd until the binary stops running), so any success counts. */
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int err = errno;
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	target[n > 0 ? n : 0] = '\0';
	if (fd >= 0) {
		close(fd);
		line("ESCAPED", "persistence", name, "%s (-> %s) opened for writing", path, target);
	} else {
		line("CONTAINED", "persistence", name, "%s (-> %s): %s", path, target, ename(err));
	}
}

static void persistence_exe(void)
{
	char path[64];
	DIR *proc;
	struct dirent *p;
	int writable = 0, opath = 0;

	exe_write("proc-self-exe-write", "/proc/self/exe");
	exe_write("proc-1-exe-write", "/proc/1/exe");
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)getppid());
	exe_write("proc-ppid-exe-write", path);
	proc = opendir("/proc");
	while (proc && (p = readdir(proc))) {
		char exe[300];
		int fd;
		if (p->d_name[0] < '0' || p->d_name[0] > '9' || atoi(p->d_name) == getpid())
			continue;
		snprintf(exe, sizeof(exe), "/proc/%s/exe", p->d_name);
		fd = open(exe, O_PATH | O_CLOEXEC);
		if (fd < 0)
			continue;
		opath++;
		/* Reopen the O_PATH fd for writing through /proc/self/fd: the runc route. */
		char re[64];
		snprintf(re, sizeof(re), "/proc/self/fd/%d", fd);
		int wfd = open(re, O_WRONLY | O_CLOEXEC);
		if (wfd >= 0) {
			writable++;
			close(wfd);
		}
		close(fd);
	}
	if (proc)
		closedir(proc);
	verdict(writable > 0, "persistence", "proc-any-exe-reopen-write", EACCES,
		"reopen some /proc/PID/exe O_PATH fd for writing");
	(void)opath;
}

static void persistence_files(void)
{
	static const char *const dirs[] = { "/tmp", "/var/tmp", "/dev/shm" };
	char path[PATH_MAX];
	const char *m = host.mark ? host.mark : "nomark";

	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/jail-sec-%s-file%zu", dirs[i], m, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd);
			line("CHECK", "persistence", dirs[i] + 1, "created %s; escaped if the host sees it",
			     path);
		} else {
			line("CONTAINED", "persistence", dirs[i] + 1, "%s: %s", path, ename(errno));
		}
	}
	snprintf(path, sizeof(path), "/proc/1/root/tmp/jail-sec-%s-proc1root", m);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		line("CHECK", "persistence", "proc-1-root-tmp", "created %s", path);
	} else {
		line("CONTAINED", "persistence", "proc-1-root-tmp", "%s: %s", path, ename(errno));
	}
	/* Through each inherited directory fd. */
	for (int i = 0; i < n_inherited; i++) {
		char name[32];
		snprintf(name, sizeof(name), "jail-sec-%s-viafd", m);
		fd = openat(inherited[i], name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd);
			line("ESCAPED", "persistence", "file-via-inherited-fd", "created %s in fd %d",
			     name, inherited[i]);
		}
	}
}

static void daemonize(const char *how)
{
	pid_t pid = fork();

	if (pid != 0) {
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return;
	}
	/* Child: away from jail's session and process group, reparented to init... */
	setsid();
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (fork() != 0)
		_exit(0);
	/* ...and out of jail's hands if it only signals what it started. */
	char mark[256];
	snprintf(mark, sizeof(mark), "%s-%s", host.mark ? host.mark : "nomark", how);
	for (int fd = 0; fd <= 2; fd++) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0 && null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
	execl("/proc/self/exe", "escape", "linger", mark, how, (char *)NULL);
	_exit(127);
}

static void persistence_daemons(void)
{
	static const char *const kinds[] = { "doublefork-setsid", "sigignore", "subreaper" };

	for (size_t i = 0; i < 3; i++) {
		daemonize(kinds[i]);
		line("CHECK", "persistence", kinds[i],
		     "left 'escape linger %s-%s' running; escaped if the host still sees it",
		     host.mark ? host.mark : "nomark", kinds[i]);
	}
}

static int linger(const char *how)
{
	/* Ignore what a polite teardown sends; only SIGKILL or the pid namespace's end
	 * stops us. Give up after 30 s so that a failed run does not pile up. */
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_IGN);
	if (how && strcmp(how, "subreaper") == 0)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	setpgid(0, 0);
	for (int i = 0; i < 30; i++)
		sleep(1);
	return 0;
}

/* --- host side -------------------------------------------------------------------- */

static int listen_unix(const char *path, bool abstract)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (abstract) {
		snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "%s", path);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path));
	} else {
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 16) < 0) {
		perror(path);
		exit(1);
	}
	return fd;
}

static int listen_inet(int type, int *port)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	socklen_t len = sizeof(in);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&in, sizeof(in)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0) ||
	    getsockname(fd, (struct sockaddr *)&in, &len) < 0) {
		perror("listen 127.0.0.1");
		exit(1);
	}
	*port = ntohs(in.sin_port);
	return fd;
}

static int serve(const char *dir)
{
	char path[PATH_MAX], abstract[64], tmp[PATH_MAX];
	struct pollfd pfd[5];
	int tcp_port, udp_port;
	FILE *f;

	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	snprintf(abstract, sizeof(abstract), "jail-sec-%d", (int)getpid());
	pfd[0].fd = listen_inet(SOCK_STREAM, &tcp_port);
	pfd[1].fd = listen_inet(SOCK_DGRAM, &udp_port);
	pfd[2].fd = listen_unix(abstract, true);
	snprintf(path, sizeof(path), "%s/agent.sock", dir);
	pfd[3].fd = listen_unix(path, false);
	snprintf(path, sizeof(path), "%s/bus", dir);
	pfd[4].fd = listen_unix(path, false);
	for (int i = 0; i < 5; i++)
		pfd[i].events = POLLIN;
	snprintf(tmp, sizeof(tmp), "%s/serve.env.tmp", dir);
	snprintf(path, sizeof(path), "%s/serve.env", dir);
	f = fopen(tmp, "w");
	if (!f)
		return 1;
	fprintf(f, "tcp=%d\nudp=%d\nabstract=%s\n", tcp_port, udp_port, abstract);
	fclose(f);
	rename(tmp, path);
	snprintf(path, sizeof(path), "%s/hits", dir);
	for (;;) {
		static const char *const what[] = { "tcp", "udp", "abstract", "agent", "bus" };
		if (poll(pfd, 5, -1) < 0)
			continue;
		for (int i = 0; i < 5; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (i == 1) {
				struct sockaddr_storage from;
				socklen_t fl = sizeof(from);
				char buf[64];
				ssize_t n = recvfrom(pfd[1].fd, buf, sizeof(buf), 0,
						     (struct sockaddr *)&from, &fl);
				if (n > 0)
					sendto(pfd[1].fd, "pong", 4, 0, (struct sockaddr *)&from, fl);
			} else {
				int c = accept4(pfd[i].fd, NULL, NULL, SOCK_CLOEXEC);
				if (c >= 0)
					close(c);
			}
			f = fopen(path, "a");
			if (f) {
				fprintf(f, "%s\n", what[i]);
				fclose(f);
			}
		}
	}
}

static int print_handle(const char *path)
{
	struct {
		struct file_handle fh;
		unsigned char b[MAX_HANDLE_SZ];
	} h = { .fh = { .handle_bytes = MAX_HANDLE_SZ } };
	int mnt;

	if (syscall(SYS_name_to_handle_at, AT_FDCWD, path, &h, &mnt, 0) < 0) {
		perror("name_to_handle_at");
		return 1;
	}
	const unsigned char *bytes = (const unsigned char *)&h + sizeof(h.fh);
	printf("%d:", h.fh.handle_type);
	for (unsigned i = 0; i < h.fh.handle_bytes; i++)
		printf("%02x", bytes[i]);
	printf("\n");
	return 0;
}

/* For faults.sh: open /dev/null until the rlimit stops us; allocate and touch memory
 * until RLIMIT_AS does. Print the errno that ended it. */
static int fill_fds(void)
{
	int n = 0;

	while (open("/dev/null", O_RDONLY) >= 0)
		n++;
	printf("fdfill: %s after %d opens\n", ename(errno), n);
	return errno == EMFILE ? 0 : 1;
}

static int fill_memory(void)
{
	size_t total = 0;
	char *p;

	while ((p = malloc(1 << 20))) {
		memset(p, 1, 1 << 20);
		total += 1 << 20;
		if (total > ((size_t)16 << 30))
			break;
	}
	printf("memfill: %s after %zu MiB\n", p ? "no limit" : ename(ENOMEM), total >> 20);
	return p ? 1 : 0;
}

/* --- main ------------------------------------------------------------------------- */

static int parse_args(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "escape: %s needs a value\n", o);
			return -1;
		}
		i++;
		if (!strcmp(o, "--host-pid"))
			host.host_pid = atoi(v);
		else if (!strcmp(o, "--tcp"))
			host.tcp_port = atoi(v);
		else if (!strcmp(o, "--udp"))
			host.udp_port = atoi(v);
		else if (!strcmp(o, "--abstract"))
			host.abstract = v;
		else if (!strcmp(o, "--canary"))
			host.canary = v;
		else if (!strcmp(o, "--token"))
			host.token = v;
		else if (!strcmp(o, "--agent"))
			host.agent = v;
		else if (!strcmp(o, "--bus"))
			host.bus = v;
		else if (!strcmp(o, "--secret"))
			host.secret = v;
		else if (!strcmp(o, "--mark"))
			host.mark = v;
		else if (!strcmp(o, "--handle"))
			host.handle = v;
		else if (!strcmp(o, "--fd") && host.n_fds < 16)
			host.fds[host.n_fds++] = atoi(v);
		else {
			fprintf(stderr, "escape: unknown option %s\n", o);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "serve"))
		return serve(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "handle"))
		return print_handle(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "linger"))
		return linger(argc >= 4 ? argv[3] : NULL);
	if (argc >= 2 && !strcmp(argv[1], "fdfill"))
		return fill_fds();
	if (argc >= 2 && !strcmp(argv[1], "memfill"))
		return fill_memory();
	if (argc < 2 || strcmp(argv[1], "attack") != 0) {
		fprintf(stderr, "usage: escape attack [OPTIONS] | serve DIR | handle PATH\n");
		return 2;
	}
	scan_inherited();
	if (parse_args(argc - 2, argv + 2) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	caller_fds();
	caller_proc_fds();
	caller_tty();
	caller_host_pid();
	caller_cwd();
	hostdata_home();
	hostdata_agent_env();
	hostdata_users();
	hostdata_proc_sys();
	hostdata_dev();
	services();
	kernel_surface();
	persistence_exe();
	persistence_files();
	persistence_daemons();
	printf("# escape: %d escaped, %d contained, %d n/a\n", n_escaped, n_contained, n_na);
	return 0;
}
