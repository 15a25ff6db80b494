/* The kernel's unit prices on this machine: what one of each operation a sandbox start
 * is made of costs here, measured in-process (no hyperfine, no shell), as the median of
 * many repetitions. scripts/bench prints them with the machine facts, beside the step by
 * step times of the floor (tests/bench/floor.c) and of jail, so that a reader can tell
 * which part of a start is the kernel's price and which is jail's own (README
 * "Performance").
 *
 *   prices [--seccomp FILE.bpf] [--reps N]
 *
 * prints one "name<TAB>microseconds<TAB>what" line per price. FILE.bpf is a program as
 * `jail profile compile` writes it; without it the profile filter's price is left out.
 *
 * Mount prices are taken inside a user + mount + pid namespace of our own (the same kind
 * of namespace jail mounts in), each as a mount followed by its unmount: the unmount is
 * what the namespace's teardown pays for it later. Not a test: errors exit 1. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(x)                                                               \
	do {                                                                   \
		if ((x) < 0) {                                                 \
			fprintf(stderr, "prices: %s: %s\n", #x, strerror(errno)); \
			_exit(1);                                              \
		}                                                              \
	} while (0)

#define NS_ALL                                                                          \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |     \
	 CLONE_NEWUTS | CLONE_NEWCGROUP)

extern char **environ;

static int reps = 200;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

static void print_price(const char *name, double us, const char *what)
{
	printf("%s\t%.1f\t%s\n", name, us, what);
	fflush(stdout);
}

static double fault_cost(void)
{
	const size_t pages = 256, page = 4096;
	double us[9];

	for (int r = 0; r < 9; r++) {
		volatile char *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		double t0;

		CHECK(p == MAP_FAILED ? -1 : 0);
		t0 = now_us();
		for (size_t i = 0; i < pages; i++)
			p[i * page] = 1;
		us[r] = (now_us() - t0) / (double)pages;
		munmap((void *)p, pages * page);
	}
	return median(us, 9);
}

/* clone3 with FLAGS, the child exits at once, we reap it. With no flags: the price of a
 * process (this one is small and static: the fork copies few page tables). The pause
 * after each lets the asynchronous part of a teardown (a network namespace is freed by a
 * kernel worker) finish outside the timing; what that part costs shows in the batch run
 * of scripts/bench, not here. */
static double clone_exit_wait(uint64_t flags)
{
	double *v = calloc((size_t)reps, sizeof(double));
	double m;

	CHECK(v ? 0 : -1);
	for (int r = 0; r < reps; r++) {
		struct clone_args ca = { .flags = flags, .exit_signal = SIGCHLD };
		double t0 = now_us();
		long pid = syscall(SYS_clone3, &ca, sizeof(ca));

		CHECK(pid);
		if (pid == 0)
			_exit(0);
		CHECK(waitpid((pid_t)pid, NULL, 0));
		v[r] = now_us() - t0;
		usleep(1000);
	}
	m = median(v, reps);
	free(v);
	return m;
}

static double spawn_wait(char *const argv[])
{
	double *v = calloc((size_t)reps, sizeof(double));
	posix_spawn_file_actions_t fa;
	double m;

	CHECK(v ? 0 : -1);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (int r = 0; r < reps; r++) {
		double t0 = now_us();
		pid_t pid;

		errno = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
		CHECK(errno ? -1 : 0);
		CHECK(waitpid(pid, NULL, 0));
		v[r] = now_us() - t0;
	}
	posix_spawn_file_actions_destroy(&fa);
	m = median(v, reps);
	free(v);
	return m;
}

/* The price of attaching PROG in a fresh child: the seccomp(2) call alone (the kernel
 * checks the program, converts it, JIT-compiles it and precomputes which syscalls it
 * always allows). */
static double seccomp_attach(struct sock_fprog *prog)
{
	double *v = calloc((size_t)reps, sizeof(double));
	double m;

	CHECK(v ? 0 : -1);
	for (int r = 0; r < reps; r++) {
		int pipefd[2];
		pid_t pid;

		CHECK(pipe(pipefd));
		CHECK(pid = fork());
		if (pid == 0) {
			double t0;

			CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
			t0 = now_us();
			CHECK(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog));
			t0 = now_us() - t0;
			CHECK(write(pipefd[1], &t0, sizeof(t0)));
			_exit(0);
		}
		CHECK(read(pipefd[0], &v[r], sizeof(v[r])) == sizeof(v[r]) ? 0 : -1);
		CHECK(waitpid(pid, NULL, 0));
		close(pipefd[0]);
		close(pipefd[1]);
	}
	m = median(v, reps);
	free(v);
	return m;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	CHECK(fd);
	CHECK(write(fd, text, strlen(text)));
	close(fd);
}

struct mount_op {
	const char *name, *what;
	const char *source, *fstype, *data;
	unsigned long flags;
};

/* One mount + unmount of OP on TARGET, REPS times: the median. */
static double mount_price(const struct mount_op *op, const char *target)
{
	double *v = calloc((size_t)reps, sizeof(double));
	double m;

	CHECK(v ? 0 : -1);
	for (int r = 0; r < reps; r++) {
		double t0 = now_us();

		CHECK(mount(op->source, target, op->fstype, op->flags, op->data));
		CHECK(umount2(target, MNT_DETACH));
		v[r] = now_us() - t0;
	}
	m = median(v, reps);
	free(v);
	return m;
}

/* In a user + mount + pid namespace (pid 1 of it, so that proc can be mounted), not yet
 * mapped: UID and GID are ours outside. The mount prices, printed from here. */
static void mount_prices(uid_t uid, gid_t gid)
{
	char map[64];
	static const struct mount_op ops[] = {
		{ "mount-tmpfs", "a tmpfs mount and its unmount", "prices", "tmpfs", "mode=0755",
		  MS_NOSUID | MS_NODEV },
		{ "mount-bind", "a bind mount of a directory and its unmount", "/tmp/src", NULL,
		  NULL, MS_BIND | MS_REC },
		{ "mount-overlay", "an overlay (lower /usr, upper on tmpfs) and its unmount",
		  "overlay", "overlay",
		  "lowerdir=/usr,upperdir=/tmp/upper,workdir=/tmp/work,userxattr",
		  MS_NOSUID | MS_NODEV },
		{ "mount-proc", "a proc mount and its unmount", "proc", "proc", NULL,
		  MS_NOSUID | MS_NODEV | MS_NOEXEC },
		{ "mount-devpts", "a devpts instance and its unmount", "devpts", "devpts",
		  "newinstance,ptmxmode=0666,mode=0620", MS_NOSUID | MS_NOEXEC },
	};

	snprintf(map, sizeof(map), "%u %u 1", (unsigned)uid, (unsigned)uid);
	write_file("/proc/self/setgroups", "deny");
	write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "%u %u 1", (unsigned)gid, (unsigned)gid);
	write_file("/proc/self/gid_map", map);
	CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	/* A tmpfs over /tmp (in our mount namespace only) holds the bind source, the
	 * overlay's upper layer and the mount point. */
	CHECK(mount("prices", "/tmp", "tmpfs", 0, "mode=0755"));
	CHECK(mkdir("/tmp/src", 0755));
	CHECK(mkdir("/tmp/upper", 0755));
	CHECK(mkdir("/tmp/work", 0755));
	CHECK(mkdir("/tmp/target", 0755));
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		print_price(ops[i].name, mount_price(&ops[i], "/tmp/target"), ops[i].what);
}

static int load_program(const char *path, struct sock_fprog *prog)
{
	static struct sock_filter insns[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, insns, sizeof(insns));
	close(fd);
	if (n <= 0 || n % (ssize_t)sizeof(insns[0]))
		return -1;
	prog->filter = insns;
	prog->len = (unsigned short)(n / (ssize_t)sizeof(insns[0]));
	return 0;
}

int main(int argc, char **argv)
{
	static struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog one = { 1, allow }, profile = { 0 };
	char self[4096], *self_argv[] = { self, "--noop", NULL };
	char *true_argv[] = { "/bin/true", NULL };
	const char *seccomp_path = NULL;
	struct clone_args ca = { .flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID,
				 .exit_signal = SIGCHLD };
	char what[128];
	ssize_t n;
	long pid;
	uid_t uid;
	gid_t gid;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--noop") == 0)
			return 0;
		if (strcmp(argv[i], "--seccomp") == 0 && i + 1 < argc)
			seccomp_path = argv[++i];
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: prices [--seccomp FILE.bpf] [--reps N]\n");
			return 2;
		}
	}
	if (reps < 1 || (seccomp_path && load_program(seccomp_path, &profile) < 0)) {
		fprintf(stderr, "prices: bad --reps, or %s is not a BPF program\n",
			seccomp_path ? seccomp_path : "");
		return 2;
	}
	CHECK(n = readlink("/proc/self/exe", self, sizeof(self) - 1));
	self[n] = '\0';

	print_price("fault", fault_cost(), "first write to a fresh anonymous page");
	print_price("process", clone_exit_wait(0), "fork + exit + wait of a small static process");
	print_price("spawn-static", spawn_wait(self_argv), "posix_spawn + exit + wait of this static binary");
	print_price("spawn-true", spawn_wait(true_argv), "posix_spawn + exit + wait of /bin/true (dynamic)");
	print_price("clone-7ns", clone_exit_wait(NS_ALL), "clone3 into the seven namespaces + exit + wait");
	print_price("clone-6ns", clone_exit_wait(NS_ALL & ~(uint64_t)CLONE_NEWNET),
		    "the same without the network namespace");
	print_price("seccomp-1", seccomp_attach(&one), "attaching a one-instruction seccomp filter");
	if (profile.len) {
		snprintf(what, sizeof(what), "attaching %s (%u instructions)", seccomp_path,
			 (unsigned)profile.len);
		print_price("seccomp-profile", seccomp_attach(&profile), what);
	}
	uid = getuid();
	gid = getgid();
	CHECK(pid = syscall(SYS_clone3, &ca, sizeof(ca)));
	if (pid == 0) {
		mount_prices(uid, gid);
		_exit(0);
	}
	{
		int status;

		CHECK(waitpid((pid_t)pid, &status, 0));
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
}
