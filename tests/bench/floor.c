/* The kernel's floor under `jail run -p cc`: the same system calls jail makes to start a
 * job (clone3 into the same seven namespaces, its own uid/gid map, the scratch tmpfs,
 * one overlay per toolchain directory, /proc, the cpu sysfs bind, the /dev tmpfs with
 * its six device binds and devpts, the /tmp, /var/tmp, /dev/shm, home and work-dir
 * binds, pivot_root and the detach of the old root, the read-only remounts, loopback up,
 * the hostname, a pid-1 init that starts the job with clone(CLONE_VM | CLONE_VFORK) on a
 * stack of its own, as jail does, and in the job setsid, close_range,
 * dropping every capability, no_new_privs and the same seccomp program), and nothing
 * else: no profile, no plan, no checks, no messages. scripts/bench runs it as the
 * "floor" configuration, so the table shows how much of jail's time is jail's own.
 *
 *   floor SECCOMP.bpf WORKDIR CMD [ARG...]
 *
 * SECCOMP.bpf is what `jail profile compile cc -o FILE` writes. Errors exit 125. Not a
 * sandbox: it skips every check jail makes (symlinked sources, limits, leaks).
 *
 * FLOOR_TIMING=1 prints the time of each step on stderr in the format and with the step
 * names of `jail run --debug-timing`, so that scripts/bench can set the two side by side
 * (the unit prices of the kernel's operations are tests/bench/prices.c).
 *
 * FLOOR_SKIP=part,part... leaves parts out, to see what each costs (the result is then
 * not even the floor's isolation): overlay (bind the host dirs instead), dev, binds,
 * detach (keep the old root attached), seccomp, init (the job runs as pid 1). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(x)                                                       \
	do {                                                           \
		if ((x) < 0) {                                         \
			fprintf(stderr, "floor: %s: %m\n", #x);        \
			_exit(125);                                    \
		}                                                      \
	} while (0)

static const char *const toolchain[] = { "usr", "etc", "opt" };
static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };

static bool skip(const char *part)
{
	const char *list = getenv("FLOOR_SKIP");
	size_t n = strlen(part);

	for (const char *p = list; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0))
		if (strncmp(p, part, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static bool timing_on;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One --debug-timing line: STEP took the time since *T; *T moves on. IN_SANDBOX marks
 * the steps jail's child reports. */
static void timing(const char *step, double *t, bool in_sandbox)
{
	double now;

	if (!timing_on)
		return;
	now = now_ms();
	if (in_sandbox)
		fprintf(stderr, "floor: timing:   %-8s %8.3f ms (in the sandbox)\n", step, now - *t);
	else
		fprintf(stderr, "floor: timing: %-10s %8.3f ms\n", step, now - *t);
	*t = now;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	CHECK(fd);
	CHECK(write(fd, text, strlen(text)));
	close(fd);
}

static void bind_at(int root, const char *src, const char *dst, bool file)
{
	char to[64];
	int fd;

	if (file)
		CHECK(fd = openat(root, dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
	else if (mkdirat(root, dst, 0755) < 0 && errno != EEXIST)
		CHECK(-1);
	if (file)
		close(fd);
	CHECK(fd = openat(root, dst, O_PATH | O_CLOEXEC));
	snprintf(to, sizeof(to), "/proc/self/fd/%d", fd);
	CHECK(mount(src, to, NULL, MS_BIND | MS_REC, NULL));
	close(fd);
}

static void loopback_up(void)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = { .nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_NEWLINK,
			  .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 1 },
		  .ifi = { .ifi_index = 1, .ifi_flags = IFF_UP, .ifi_change = IFF_UP } };
	char buf[256];
	int fd;

	CHECK(fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
	CHECK(send(fd, &req, sizeof(req), 0));
	CHECK(recv(fd, buf, sizeof(buf), 0));
	close(fd);
}

static void build_root(char *workdir)
{
	char opts[512], path[64];
	int scratch, root, fd, work;

	/* /tmp is about to be covered: hold the work dir first, as jail does. */
	CHECK(work = open(workdir, O_PATH | O_DIRECTORY | O_CLOEXEC));

	CHECK(mount("floor-scratch", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"));
	CHECK(scratch = open("/tmp", O_DIRECTORY | O_CLOEXEC));
	CHECK(mkdirat(scratch, "upper", 0755));
	CHECK(mkdirat(scratch, "work", 0755));
	CHECK(mkdirat(scratch, "tmp", 01777));
	CHECK(mkdirat(scratch, "home", 0700));
	CHECK(mount("floor-root", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"));
	CHECK(root = open("/tmp", O_DIRECTORY | O_CLOEXEC));
	for (size_t i = 0; i < sizeof(toolchain) / sizeof(toolchain[0]); i++) {
		snprintf(path, sizeof(path), "upper/%zu", i);
		CHECK(mkdirat(scratch, path, 0755));
		snprintf(path, sizeof(path), "work/%zu", i);
		CHECK(mkdirat(scratch, path, 0755));
		CHECK(mkdirat(root, toolchain[i], 0755));
		CHECK(fd = openat(root, toolchain[i], O_PATH | O_CLOEXEC));
		snprintf(opts, sizeof(opts),
			 "lowerdir=/%s,upperdir=/proc/self/fd/%d/upper/%zu,"
			 "workdir=/proc/self/fd/%d/work/%zu,userxattr",
			 toolchain[i], scratch, i, scratch, i);
		if (skip("overlay"))
			*strchr(opts, ',') = '\0';
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (skip("overlay"))
			CHECK(mount(opts + strlen("lowerdir="), path, NULL, MS_BIND | MS_REC, NULL));
		else
			CHECK(mount("overlay", path, "overlay", MS_NOSUID | MS_NODEV, opts));
		close(fd);
	}
	for (const char *const *l = (const char *const[]){ "bin", "sbin", "lib", "lib64", NULL }; *l;
	     l++) {
		snprintf(path, sizeof(path), "usr/%s", *l);
		CHECK(symlinkat(path, root, *l));
	}
	CHECK(mkdirat(root, "proc", 0755));
	CHECK(fd = openat(root, "proc", O_PATH | O_CLOEXEC));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHECK(mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL));
	close(fd);
	CHECK(mkdirat(root, "sys", 0755));
	CHECK(mkdirat(root, "sys/devices", 0755));
	CHECK(mkdirat(root, "sys/devices/system", 0755));
	bind_at(root, "/sys/devices/system/cpu", "sys/devices/system/cpu", false);
	CHECK(mkdirat(root, "dev", 0755));
	if (skip("dev"))
		goto binds;
	CHECK(fd = openat(root, "dev", O_PATH | O_CLOEXEC));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHECK(mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k"));
	close(fd);
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		char src[32], dst[32];

		snprintf(src, sizeof(src), "/dev/%s", devices[i]);
		snprintf(dst, sizeof(dst), "dev/%s", devices[i]);
		bind_at(root, src, dst, true);
	}
	CHECK(symlinkat("pts/ptmx", root, "dev/ptmx"));
	CHECK(symlinkat("/proc/self/fd", root, "dev/fd"));
	CHECK(mkdirat(root, "dev/pts", 0755));
	CHECK(fd = openat(root, "dev/pts", O_PATH | O_CLOEXEC));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHECK(mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
		    "newinstance,ptmxmode=0666,mode=0620"));
	close(fd);
binds:
	if (skip("binds"))
		goto work;
	snprintf(path, sizeof(path), "/proc/self/fd/%d/tmp", scratch);
	bind_at(root, path, "tmp", false);
	CHECK(mkdirat(root, "var", 0755));
	bind_at(root, path, "var/tmp", false);
	if (!skip("dev"))
		bind_at(root, path, "dev/shm", false);
	snprintf(path, sizeof(path), "/proc/self/fd/%d/home", scratch);
	CHECK(mkdirat(root, "home", 0755));
	bind_at(root, path, "home/user", false);
work:
	snprintf(path, sizeof(path), "/proc/self/fd/%d", work);
	for (char *p = strchr(workdir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdirat(root, workdir + 1, 0755) < 0 && errno != EEXIST)
			CHECK(-1);
		*p = '/';
	}
	bind_at(root, path, workdir + 1, false);
	close(work);
	CHECK(fchdir(root));
	CHECK(syscall(SYS_pivot_root, ".", "."));
	if (!skip("detach"))
		CHECK(umount2(".", MNT_DETACH));
	CHECK(chdir("/"));
	CHECK(mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL));
	if (!skip("dev"))
		CHECK(mount(NULL, "/dev", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID, NULL));
	CHECK(chdir(workdir));
	close(scratch);
	close(root);
}

static void job(struct sock_fprog *prog, char **argv)
{
	struct __user_cap_header_struct { uint32_t version; int pid; } hdr = { 0x20080522, 0 };
	struct { uint32_t eff, perm, inh; } data[2] = { { 0 } };
	double t = now_ms();

	CHECK(prctl(PR_SET_PDEATHSIG, SIGKILL));
	CHECK(setsid());
	CHECK(syscall(SYS_close_range, 3, ~0U, 0));
	for (int cap = 0; cap <= 40; cap++)
		CHECK(prctl(PR_CAPBSET_DROP, cap));
	CHECK(syscall(SYS_capset, &hdr, data));
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	if (!skip("seccomp"))
		CHECK(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog));
	timing("job-setup", &t, true);
	execvp(argv[0], argv);
	_exit(errno == ENOENT ? 127 : 126);
}

struct job_args {
	struct sock_fprog *prog;
	char **argv;
};

static int job_entry(void *arg)
{
	struct job_args *a = arg;

	job(a->prog, a->argv);
	return 125;
}

static pid_t job_spawn(struct sock_fprog *prog, char **argv)
{
	const size_t size = 256 * 1024;
	struct job_args a = { prog, argv };
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	if (stack == MAP_FAILED || mprotect(stack, 4096, PROT_NONE) < 0)
		return -1;
	/* Left mapped, as jail does (an munmap costs a TLB flush). */
	return (pid_t)clone(job_entry, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
}

int main(int argc, char **argv)
{
	static struct sock_filter insns[4096];
	struct sock_fprog prog = { 0 };
	struct clone_args ca = { .flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
					   CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP,
				 .exit_signal = SIGCHLD };
	char map[64], gmap[64], *workdir;
	int pipefd[2], fd, status;
	ssize_t n;
	pid_t pid;

	double t = now_ms(), t0 = t;

	if (argc < 4) {
		fprintf(stderr, "usage: floor SECCOMP.bpf WORKDIR CMD [ARG...]\n");
		return 125;
	}
	timing_on = getenv("FLOOR_TIMING") != NULL;
	CHECK(fd = open(argv[1], O_RDONLY | O_CLOEXEC));
	CHECK(n = read(fd, insns, sizeof(insns)));
	prog.filter = insns;
	prog.len = (unsigned short)(n / (ssize_t)sizeof(insns[0]));
	workdir = argv[2];
	CHECK(pipe2(pipefd, O_CLOEXEC));
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)getuid(), (unsigned)getuid());
	snprintf(gmap, sizeof(gmap), "%u %u 1", (unsigned)getgid(), (unsigned)getgid());
	timing("plan", &t, false);
	CHECK(pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca)));
	if (pid == 0) {
		t = now_ms(); /* the child's steps start with it, as jail's do */
		CHECK(prctl(PR_SET_PDEATHSIG, SIGKILL));
		write_file("/proc/self/setgroups", "deny");
		write_file("/proc/self/uid_map", map);
		write_file("/proc/self/gid_map", gmap);
		timing("maps", &t, true);
		build_root(workdir);
		timing("mounts", &t, true);
		loopback_up();
		timing("loopback", &t, true);
		CHECK(sethostname("floor", 5));
		timing("hostname", &t, true);
		if (skip("init"))
			job(&prog, argv + 3);
		CHECK(pid = job_spawn(&prog, argv + 3));
		timing("fork", &t, true);
		while (waitpid(pid, &status, 0) < 0)
			CHECK(errno == EINTR ? 0 : -1);
		timing("job", &t, true);
		CHECK(write(pipefd[1], &status, sizeof(status)));
		_exit(0);
	}
	timing("clone", &t, false);
	close(pipefd[1]);
	if (skip("init")) {
		while (waitpid(pid, &status, 0) < 0)
			CHECK(errno == EINTR ? 0 : -1);
	} else if (read(pipefd[0], &status, sizeof(status)) != sizeof(status)) {
		return 125;
	}
	if (timing_on)
		fprintf(stderr, "floor: timing: exit message at %.3f ms\n", now_ms() - t0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
