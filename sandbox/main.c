/* jail: parse the command line and dispatch. Nothing else lives here. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "policy/config.h"
#include "policy/profile.h"
#include "policy/profile_cache.h"
#include "sandbox/cli.h"
#include "sandbox/profile_cmd.h"
#include "sandbox/run.h"

#define EXIT_JAIL_FAILED 125

static void usage(FILE *f)
{
	fputs("Usage: jail run [OPTIONS] [--] COMMAND [ARGS...]\n"
	      "       jail profile list|show|check|explain|compile ...\n"
	      "       jail --help | --version\n\n"
	      "jail runs a command in a rootless sandbox: its own user, mount, pid, network,\n"
	      "ipc, uts and cgroup namespaces; a read-only overlay of the host's toolchain with\n"
	      "a tmpfs scratch layer on top; seccomp and capability policies from a profile.\n\n"
	      "  jail run --help       options of 'run'\n"
	      "  jail profile --help   inspect and check profiles\n"
	      "  man jail, man jail-profile\n",
	      f);
}

static int print_error(const struct jail_error *e, int fallback)
{
	char buf[4096];

	jail_error_format(e, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
	return e->exit_code ? e->exit_code : fallback;
}

static int cmd_run(int argc, char **argv)
{
	struct jail_config c;
	struct jail_error e = { 0 };
	char *profile = NULL;
	enum cli_action action;
	struct timespec t0, t1;
	int rc;

	if (cli_scan(argc, argv, &profile, &action, &e) < 0) {
		free(profile);
		return print_error(&e, EXIT_JAIL_FAILED);
	}
	if (action == CLI_HELP) {
		free(profile);
		cli_usage(stdout);
		return 0;
	}
	config_init_defaults(&c);
	c.profile_name = profile ? profile : xstrdup("default");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (profile_apply(c.profile_name, &c, &e) < 0 || cli_apply(argc, argv, &c, &e) < 0) {
		config_free(&c);
		return print_error(&e, EXIT_JAIL_FAILED);
	}
	if (c.debug_timing) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		struct rusage ru;
		/* faults since jail started: loading the binary, then the profile */
		enum profile_cache_result cached = profile_cache_last();
		fprintf(stderr, "jail: timing: profile    %8.3f ms %5ld faults (since start; "
				"cache %s)\n",
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
			getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_minflt + ru.ru_majflt : 0,
			cached == PROFILE_CACHE_HIT ? "hit" : cached == PROFILE_CACHE_MISS ? "miss"
											    : "off");
	}
	e.msg[0] = '\0';
	rc = run_job(&c, &e);
	if (e.msg[0])
		rc = print_error(&e, rc);
	/* No config_free: after the sandbox's clone each page freed into would be a
	 * copy-on-write fault, and jail exits now (see state_close in run.c). */
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_JAIL_FAILED;
	}
	if (strcmp(argv[1], "run") == 0) {
		int rc = cmd_run(argc - 1, argv + 1);
		/* Straight out: the libraries' exit handlers (libnl frees its tables, libcap
		 * its state) would only write to pages shared with the sandbox's clone, each
		 * write a page fault, for memory the kernel frees anyway. stdio is flushed. */
		fflush(NULL);
		_exit(rc);
	}
	if (strcmp(argv[1], "profile") == 0)
		return profile_cmd_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("jail %s\n", PACKAGE_VERSION);
		return 0;
	}
	fprintf(stderr, "jail: unknown command '%s' (expected run or profile; see jail --help)\n",
		argv[1]);
	return EXIT_JAIL_FAILED;
}
