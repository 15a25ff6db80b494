/* sc-probe: run inside `jail run` by tests/policy/live.sh. Makes each syscall the
 * profiles decide about, in a forked child so that a "kill" action ends only that
 * child, and prints one line per check:
 *
 *   NAME=ok            the call succeeded
 *   NAME=EPERM         it failed with that errno (any errno name)
 *   NAME=killed:SIGSYS the child was killed by that signal
 *
 *   sc-probe [NAME...]   (no NAME: every check)
 *
 * Arguments are chosen so that without a filter most calls fail in some other,
 * recognisable way (EFAULT, EBADF, ENOENT, ENOTTY) or succeed harmlessly: an EPERM
 * seen inside the sandbox then comes from the filter, not from missing privileges. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define X_KEYCTL_GET_KEYRING_ID 0
#define X_KEY_SPEC_SESSION_KEYRING (-3)

static long c_ptrace(void)
{
	return syscall(SYS_ptrace, 0 /* TRACEME */, 0, 0, 0);
}
static long c_process_vm_readv(void)
{
	return syscall(SYS_process_vm_readv, getppid(), NULL, 0, NULL, 0, 0);
}
static long c_keyctl(void)
{
	return syscall(SYS_keyctl, X_KEYCTL_GET_KEYRING_ID, X_KEY_SPEC_SESSION_KEYRING, 0);
}
static long c_add_key(void)
{
	return syscall(SYS_add_key, "jail-no-such-type", "d", "p", 1, X_KEY_SPEC_SESSION_KEYRING);
}
static long c_request_key(void)
{
	return syscall(SYS_request_key, "jail-no-such-type", "d", NULL, 0);
}
static long c_bpf(void)
{
	return syscall(SYS_bpf, 5 /* PROG_LOAD */, NULL, 0);
}
static long c_perf_event_open(void)
{
	return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
}
static long c_userfaultfd(void)
{
	return syscall(SYS_userfaultfd, 0);
}
static long c_io_uring_setup(void)
{
	return syscall(SYS_io_uring_setup, 1, NULL);
}
static long c_open_by_handle_at(void)
{
	return syscall(SYS_open_by_handle_at, -1, NULL, 0);
}
static long c_name_to_handle_at(void)
{
	return syscall(SYS_name_to_handle_at, AT_FDCWD, ".", NULL, NULL, 0);
}
static long c_kexec_load(void)
{
	return syscall(SYS_kexec_load, 0, 0, NULL, 0);
}
static long c_finit_module(void)
{
	return syscall(SYS_finit_module, -1, "", 0);
}
static long c_mount(void)
{
	return syscall(SYS_mount, "none", "/nonexistent", "tmpfs", 0, NULL);
}
static long c_umount2(void)
{
	return syscall(SYS_umount2, "/nonexistent", 0);
}
static long c_fsopen(void)
{
	return syscall(SYS_fsopen, "tmpfs", 0);
}
static long c_open_tree(void)
{
	return syscall(SYS_open_tree, AT_FDCWD, "/nonexistent", 0);
}
static long c_pivot_root(void)
{
	return syscall(SYS_pivot_root, "/nonexistent", "/nonexistent");
}
static long c_chroot(void)
{
	return syscall(SYS_chroot, "/nonexistent");
}
static long c_unshare_user(void)
{
	return syscall(SYS_unshare, CLONE_NEWUSER);
}
static long c_setns(void)
{
	return syscall(SYS_setns, -1, 0);
}
static long c_clone_newuser(void)
{
	long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		_exit(0);
	return r < 0 ? r : 0;
}
static long c_clone3(void)
{
	return syscall(SYS_clone3, NULL, 0);
}
static long tty_ioctl(unsigned long request)
{
	char c = 'x';
	int fd = open("/dev/null", O_RDONLY);
	return syscall(SYS_ioctl, fd, request, &c);
}
static long c_tiocsti(void)
{
	return tty_ioctl(TIOCSTI);
}
static long c_tiocsti_high(void)
{
	return tty_ioctl(0x100000000UL | TIOCSTI);
}
static long c_tioclinux(void)
{
	return tty_ioctl(TIOCLINUX);
}
static long c_personality(void)
{
	return syscall(SYS_personality, ADDR_NO_RANDOMIZE);
}
static long c_acct(void)
{
	return syscall(SYS_acct, NULL);
}
static long c_swapon(void)
{
	return syscall(SYS_swapon, "/nonexistent", 0);
}
static long c_reboot(void)
{
	return syscall(SYS_reboot, 0, 0, 0, NULL);
}
static long c_syslog(void)
{
	return syscall(SYS_syslog, 10 /* SIZE_BUFFER */, NULL, 0);
}
static long c_settimeofday(void)
{
	return syscall(SYS_settimeofday, NULL, NULL);
}

/* Ordinary work that must keep running. */
static long c_fork(void)
{
	int status;
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : (errno = EIO, -1);
}
static void *thread_main(void *arg)
{
	return arg;
}
static long c_thread(void)
{
	pthread_t t;
	void *ret = NULL;
	int err = pthread_create(&t, NULL, thread_main, &err);
	if (err)
		return errno = err, -1;
	pthread_join(t, &ret);
	return ret == &err ? 0 : (errno = EIO, -1);
}
static long c_exec(void)
{
	int status;
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : (errno = ENOEXEC, -1);
}
static long c_socket_unix(void)
{
	return socket(AF_UNIX, SOCK_STREAM, 0);
}
static long c_socket_inet(void)
{
	return socket(AF_INET, SOCK_STREAM, 0);
}
static long c_socket_packet(void)
{
	return socket(AF_PACKET, SOCK_RAW, 0);
}
static long c_shm(void)
{
	int id = shmget(IPC_PRIVATE, 4096, 0600);
	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);
	return id;
}
static long c_unshare_fs(void)
{
	return syscall(SYS_unshare, CLONE_FS | CLONE_FILES);
}
static long c_personality_query(void)
{
	return syscall(SYS_personality, 0xffffffffUL);
}
static long c_tcgets(void)
{
	long r = tty_ioctl(TCGETS);
	/* /dev/null is no terminal: ENOTTY is the kernel's answer, so the call got through. */
	return r < 0 && errno == ENOTTY ? 0 : r;
}
static long c_mmap(void)
{
	void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? -1 : munmap(p, 1 << 20);
}
static long c_getrandom(void)
{
	char b[16];
	return syscall(SYS_getrandom, b, sizeof(b), 0) == sizeof(b) ? 0 : -1;
}
static long c_file(void)
{
	char path[] = "/tmp/sc-probe.XXXXXX";
	int fd = mkstemp(path);
	long r = fd < 0 ? -1 : write(fd, "x", 1) == 1 ? 0 : -1;
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	return r;
}

static const struct {
	const char *name;
	long (*fn)(void);
} checks[] = {
#define C(n)                                                                                       \
	{                                                                                          \
#n, c_##n                                                                          \
	}
    C(ptrace),
    C(process_vm_readv),
    C(keyctl),
    C(add_key),
    C(request_key),
    C(bpf),
    C(perf_event_open),
    C(userfaultfd),
    C(io_uring_setup),
    C(open_by_handle_at),
    C(name_to_handle_at),
    C(kexec_load),
    C(finit_module),
    C(mount),
    C(umount2),
    C(fsopen),
    C(open_tree),
    C(pivot_root),
    C(chroot),
    C(unshare_user),
    C(setns),
    C(clone_newuser),
    C(clone3),
    C(tiocsti),
    C(tiocsti_high),
    C(tioclinux),
    C(personality),
    C(acct),
    C(swapon),
    C(reboot),
    C(syslog),
    C(settimeofday),
    C(fork),
    C(thread),
    C(exec),
    C(socket_unix),
    C(socket_inet),
    C(socket_packet),
    C(shm),
    C(unshare_fs),
    C(personality_query),
    C(tcgets),
    C(mmap),
    C(getrandom),
    C(file),
#undef C
};

static void run_check(size_t i)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("%s=fork-failed:%s\n", checks[i].name, strerrorname_np(errno));
		return;
	}
	if (pid == 0) {
		errno = 0;
		long r = checks[i].fn();
		_exit(r < 0 ? (errno ? errno : 255) : 0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		printf("%s=wait-failed\n", checks[i].name);
	} else if (WIFSIGNALED(status)) {
		printf("%s=killed:%s\n", checks[i].name,
		       sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
	} else if (WEXITSTATUS(status) == 0) {
		printf("%s=ok\n", checks[i].name);
	} else {
		const char *name = strerrorname_np(WEXITSTATUS(status));
		printf("%s=%s\n", checks[i].name, name ? name : "E?");
	}
}

int main(int argc, char **argv)
{
	int status = 0;

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		bool wanted = argc == 1;
		for (int a = 1; a < argc && !wanted; a++)
			wanted = strcmp(argv[a], checks[i].name) == 0;
		if (wanted)
			run_check(i);
	}
	for (int a = 1; a < argc; a++) {
		bool known = false;
		for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
			known |= strcmp(argv[a], checks[i].name) == 0;
		if (!known) {
			fprintf(stderr, "sc-probe: unknown check '%s'\n", argv[a]);
			status = 2;
		}
	}
	return status;
}
