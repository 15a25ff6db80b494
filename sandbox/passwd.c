#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "sandbox/passwd.h"

/* jail is linked as a static PIE (README "Performance"): glibc's getpwuid would then
 * dlopen the NSS modules, which bring the shared libc along, and two libcs in one
 * process crash (libnss_systemd does, here). So: /etc/passwd read directly (the "files"
 * source, first in every stock nsswitch.conf), and for a uid that is not there the NSS
 * lookup runs in a program of glibc's own, getent, as a child process. */

extern char **environ;

/* name:password:uid:gid:gecos:home:shell */
static int parse_line(char *line, uid_t uid, char **name, char **home)
{
	char *field[7], *end, *p = line;
	unsigned long v;

	line[strcspn(line, "\n")] = '\0';
	for (int i = 0; i < 7; i++) {
		field[i] = p;
		p = strchr(p, ':');
		if (!p && i < 6)
			return 0;
		if (p)
			*p++ = '\0';
	}
	if (!field[0][0] || !field[2][0])
		return 0;
	errno = 0;
	v = strtoul(field[2], &end, 10);
	if (errno || *end || field[2][0] == '-' || v != (unsigned long)uid)
		return 0;
	*name = xstrdup(field[0]);
	*home = xstrdup(field[5]);
	return 1;
}

int passwd_scan(FILE *f, uid_t uid, char **name, char **home)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, f) > 0)
		if (line[0] != '#' && line[0] != '+' && line[0] != '-' &&
		    parse_line(line, uid, name, home))
			return 1;
	return 0;
}

static int from_getent(uid_t uid, char **name, char **home)
{
	static const char *const paths[] = { "/usr/bin/getent", "/bin/getent" };
	posix_spawn_file_actions_t fa;
	char arg[32], *argv[] = { "getent", "passwd", arg, NULL };
	int pipefd[2], status, found = 0, spawned = -1;
	pid_t pid = -1;
	FILE *f;

	snprintf(arg, sizeof(arg), "%u", (unsigned)uid);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return 0;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return 0;
	}
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	for (size_t i = 0; i < ARRAY_SIZE(paths) && spawned != 0; i++)
		spawned = posix_spawn(&pid, paths[i], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	f = spawned == 0 ? fdopen(pipefd[0], "r") : NULL;
	if (f) {
		found = passwd_scan(f, uid, name, home);
		fclose(f);
	} else {
		close(pipefd[0]);
	}
	while (spawned == 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return found;
}

int passwd_lookup(uid_t uid, char **name, char **home)
{
	FILE *f = fopen("/etc/passwd", "re");
	int found = 0;

	if (f) {
		found = passwd_scan(f, uid, name, home);
		fclose(f);
	}
	return found ? 1 : from_getent(uid, name, home);
}
