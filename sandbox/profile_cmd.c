#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "policy/error.h"
#include "policy/profile_show.h"
#include "sandbox/profile_cmd.h"

/* `jail profile ...`: argument parsing only; the work is in policy/profile_show.c. */

static const char usage[] =
	"usage: jail profile list\n"
	"       jail profile show NAME\n"
	"       jail profile check FILE...\n"
	"       jail profile explain NAME SYSCALL [VALUE | argN=VALUE]...\n"
	"       jail profile compile NAME -o FILE.bpf\n";

static int fail(struct jail_error *e)
{
	char buf[4096];

	/* `check A B`: keep each file's result in order when stdout and stderr are one. */
	fflush(stdout);
	jail_error_format(e, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
	return e->exit_code ? e->exit_code : 1;
}

static int bad_usage(void)
{
	fputs(usage, stderr);
	return 2;
}

static int cmd_check(int argc, char **argv)
{
	int status = 0;

	if (argc < 3)
		return bad_usage();
	for (int i = 2; i < argc; i++) {
		struct jail_error e = { 0 };
		if (profile_check(stdout, argv[i], &e) < 0)
			status = fail(&e);
	}
	return status;
}

static int cmd_compile(int argc, char **argv, struct jail_error *e)
{
	const char *out = NULL, *name = NULL;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else
			return bad_usage();
	}
	if (!name || !out)
		return bad_usage();
	return profile_compile_to(name, out, e) < 0 ? fail(e) : 0;
}

int profile_cmd_main(int argc, char **argv)
{
	struct jail_error e = { 0 };
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "list") == 0 && argc == 2)
		return profile_list(stdout, &e) < 0 ? fail(&e) : 0;
	if (strcmp(sub, "show") == 0 && argc == 3)
		return profile_show(stdout, argv[2], &e) < 0 ? fail(&e) : 0;
	if (strcmp(sub, "check") == 0)
		return cmd_check(argc, argv);
	if (strcmp(sub, "explain") == 0 && argc >= 4)
		return profile_explain(stdout, argv[2], argv[3], argv + 4, argc - 4, &e) < 0
			       ? fail(&e)
			       : 0;
	if (strcmp(sub, "compile") == 0)
		return cmd_compile(argc, argv, &e);
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	return bad_usage();
}
