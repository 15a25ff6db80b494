#include "autoconfig.h"

#include <getopt.h>
#include <string.h>

#include "policy/cleanup.h"
#include "policy/units.h"
#include "sandbox/cli.h"
#include "sandbox/paths.h"

enum {
	OPT_MAP = 0x100, OPT_ROOT, OPT_BIND, OPT_RO_BIND, OPT_TMPFS, OPT_KEEP_UPPER, OPT_SETENV,
	OPT_KEEP_ENV, OPT_RLIMIT, OPT_TIMEOUT, OPT_REPORT, OPT_SCRATCH, OPT_MEMORY,
	OPT_MEMORY_HIGH, OPT_SWAP, OPT_CPUS, OPT_CPU_WEIGHT, OPT_PIDS, OPT_IO_READ, OPT_IO_WRITE,
	OPT_IO_WEIGHT, OPT_BEST_EFFORT, OPT_STATS, OPT_DEBUG_TIMING, OPT_RO_WORKDIR,
	OPT_HOSTNAME,
	OPT_EXEC_AUDIT,
	OPT_NET, OPT_NET_ALLOW, OPT_DNS,
};

static const struct option run_options[] = {
	{ "profile", required_argument, NULL, 'p' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "help", no_argument, NULL, 'h' },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "root", no_argument, NULL, OPT_ROOT },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "ro-bind", required_argument, NULL, OPT_RO_BIND },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ "ro-workdir", no_argument, NULL, OPT_RO_WORKDIR },
	{ "keep-upper", required_argument, NULL, OPT_KEEP_UPPER },
	{ "scratch-size", required_argument, NULL, OPT_SCRATCH },
	{ "setenv", required_argument, NULL, OPT_SETENV },
	{ "keep-env", required_argument, NULL, OPT_KEEP_ENV },
	{ "rlimit", required_argument, NULL, OPT_RLIMIT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "memory-high", required_argument, NULL, OPT_MEMORY_HIGH },
	{ "swap", required_argument, NULL, OPT_SWAP },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "cpu-weight", required_argument, NULL, OPT_CPU_WEIGHT },
	{ "pids", required_argument, NULL, OPT_PIDS },
	{ "io-read-bps", required_argument, NULL, OPT_IO_READ },
	{ "io-write-bps", required_argument, NULL, OPT_IO_WRITE },
	{ "io-weight", required_argument, NULL, OPT_IO_WEIGHT },
	{ "best-effort", no_argument, NULL, OPT_BEST_EFFORT },
	{ "debug-timing", no_argument, NULL, OPT_DEBUG_TIMING },
	{ "exec-audit", no_argument, NULL, OPT_EXEC_AUDIT },
	{ "net", required_argument, NULL, OPT_NET },
	{ "net-allow", required_argument, NULL, OPT_NET_ALLOW },
	{ "dns", required_argument, NULL, OPT_DNS },
	{ NULL, 0, NULL, 0 },
};

/* '+': stop at the first non-option, so the job's own options are left alone;
 * ':': report a missing argument distinctly. */
static const char run_optstring[] = "+:p:w:h";

void cli_usage(FILE *f)
{
	fputs("Usage: jail run [OPTIONS] [--] COMMAND [ARGS...]\n"
	      "Run COMMAND in a rootless sandbox.\n\n"
	      "Profile and identity:\n"
	      "  -p, --profile NAME|FILE   policy profile (default: default)\n"
	      "      --map self|subuid     uid/gid map: your ids only, or your /etc/subuid range\n"
	      "      --root                run the job as uid 0 inside, keeping the file-ownership\n"
	      "                            capabilities (chown, fowner, dac_override, setuid...)\n"
	      "Filesystem:\n"
	      "  -w, --workdir DIR         bound read-write at the same path; the job's cwd\n"
	      "                            (default: the current directory)\n"
	      "      --ro-workdir          bind the work dir read-only\n"
	      "      --bind SRC[:DST]      bind a host path read-write\n"
	      "      --ro-bind SRC[:DST]   bind a host path read-only (recursively)\n"
	      "      --tmpfs DST           mount an empty tmpfs at DST\n"
	      "      --scratch-size SIZE   size of the writable layer (overlays, /tmp, $HOME)\n"
	      "      --keep-upper DIR      copy what the job changed outside the work dir to DIR\n"
	      "Process:\n"
	      "      --setenv NAME=VALUE   set a variable (the environment is cleared otherwise)\n"
	      "      --keep-env NAME       keep a variable of the caller (NAME* for a prefix)\n"
	      "      --rlimit NAME=VALUE   e.g. nofile=1024, as=2G, core=0, nproc=512:1024\n"
	      "      --timeout DURATION    kill the whole job after DURATION (exit 124)\n"
	      "      --hostname NAME       hostname inside (default: jail)\n"
	      "Network:\n"
	      "      --net none|user       none: loopback only (default); user: reach out through\n"
	      "                            pasta (package passt), never to this host itself\n"
	      "      --net-allow CIDR[:PORT]  with --net user, only these destinations are\n"
	      "                            routable (repeatable; IPv6 port: [2001:db8::/32]:443)\n"
	      "      --dns IP              nameserver for the job's /etc/resolv.conf, reachable\n"
	      "                            on port 53 (repeatable; none: lookups fail)\n"
	      "Quotas (cgroup v2, delegated):\n"
	      "      --memory SIZE  --memory-high SIZE  --swap SIZE  --cpus N.N  --cpu-weight N\n"
	      "      --pids N  --io-read-bps DEV=RATE  --io-write-bps DEV=RATE  --io-weight N\n"
	      "      --best-effort         a limit that cannot be enforced is a warning\n"
	      "Output:\n"
	      "      --report FILE         write a JSON report of the run\n"
	      "      --stats               print a one-line usage summary on stderr\n"
	      "      --debug-timing        print the time and page faults of each setup step\n"
	      "Build-farm extras (jail run as root, built with libbpf; profile key bpf:):\n"
	      "      --exec-audit          list every program the job executed in the report\n"
	      "  -h, --help                this text\n\n"
	      "Exit status: the job's; 128+N if killed by signal N; 124 timeout;\n"
	      "125 jail failed (nothing ran); 126 not executable; 127 not found.\n",
	      f);
}

static const char *option_name(int opt)
{
	for (size_t i = 0; run_options[i].name; i++)
		if (run_options[i].val == opt)
			return run_options[i].name;
	return "?";
}

static int getopt_error(int opt, char **argv, struct jail_error *e)
{
	const char *arg = argv[optind - 1];

	if (opt == ':')
		return jail_error_set(e, 0, "option '%s' needs a value (see jail run --help)", arg);
	return jail_error_set(e, 0, "unknown option '%s' (see jail run --help)", arg);
}

int cli_scan(int argc, char **argv, char **profile, enum cli_action *action,
	     struct jail_error *e)
{
	int opt;

	*action = CLI_RUN;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, run_optstring, run_options, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			return getopt_error(opt, argv, e);
		if (opt == 'h')
			*action = CLI_HELP;
		if (opt == 'p') {
			if (!*optarg)
				return jail_error_set(e, 0, "--profile: empty name");
			free(*profile);
			*profile = xstrdup(optarg);
		}
	}
	return 0;
}

static int add_bind(struct jail_config *c, enum jail_mount_kind kind, const char *spec,
		    const char *opt, struct jail_error *e)
{
	_cleanup_free_ char *src = NULL, *dst = NULL, *nsrc = NULL, *ndst = NULL;

	if (kind == JAIL_MOUNT_TMPFS) {
		ndst = path_normalize(spec, opt, e);
		if (!ndst)
			return -1;
		/* An empty tmpfs over the sandbox's root hides the toolchain and the work dir:
		 * not a sandbox anyone asked for. */
		if (strcmp(ndst, "/") == 0)
			return jail_error_set(e, 0, "%s '%s': cannot mount over the sandbox's root",
					      opt, spec);
		config_add_mount(c, kind, NULL, ndst);
		return 0;
	}
	if (bind_spec_split(spec, &src, &dst, e) < 0)
		return jail_error_prefix(e, "%s", opt);
	nsrc = path_normalize(src, opt, e);
	if (!nsrc)
		return -1;
	ndst = path_normalize(dst, opt, e);
	if (!ndst)
		return -1;
	if (strcmp(ndst, "/") == 0)
		return jail_error_set(e, 0, "%s '%s': cannot bind over the sandbox's root", opt,
				      spec);
	config_add_mount(c, kind, nsrc, ndst);
	return 0;
}

static int apply_setenv(struct jail_config *c, const char *arg, struct jail_error *e)
{
	const char *eq = strchr(arg, '=');
	_cleanup_free_ char *name = NULL;

	if (!eq || eq == arg)
		return jail_error_set(e, 0, "--setenv '%s': expected NAME=VALUE", arg);
	name = strndup(arg, (size_t)(eq - arg));
	if (!name || strchr(name, '*'))
		return jail_error_set(e, 0, "--setenv '%s': invalid name", arg);
	config_set_env(c, name, eq + 1);
	return 0;
}

/* "DEV=RATE" for --io-read-bps/--io-write-bps. */
static int apply_io(struct jail_config *c, const char *arg, bool write, struct jail_error *e)
{
	const char *eq = strrchr(arg, '=');
	_cleanup_free_ char *dev = NULL;
	uint64_t rate;

	if (!eq || eq == arg)
		return jail_error_set(e, 0, "'%s': expected DEVICE=RATE, e.g. /dev/sda=10M", arg);
	dev = strndup(arg, (size_t)(eq - arg));
	if (!dev || parse_size(eq + 1, &rate, 0, e) < 0)
		return jail_error_prefix(e, "%s", write ? "--io-write-bps" : "--io-read-bps");
	config_add_io_limit(c, dev, write ? JAIL_UNSET : rate, write ? rate : JAIL_UNSET);
	return 0;
}

static int apply_limit(struct jail_config *c, int opt, const char *arg, struct jail_error *e)
{
	struct jail_limits *l = &c->limits;

	switch (opt) {
	case OPT_MEMORY:
		return parse_size(arg, &l->memory_max, 1, e);
	case OPT_MEMORY_HIGH:
		return parse_size(arg, &l->memory_high, 1, e);
	case OPT_SWAP:
		l->allow_swap = true;
		return parse_size(arg, &l->swap_max, 1, e);
	case OPT_CPUS:
		return parse_cpus(arg, &l->cpu_millis, e);
	case OPT_CPU_WEIGHT:
		return parse_uint(arg, 1, 10000, &l->cpu_weight, e);
	case OPT_PIDS:
		return parse_uint(arg, 1, 4194304, &l->pids_max, e);
	case OPT_IO_WEIGHT:
		return parse_uint(arg, 1, 10000, &l->io_weight, e);
	case OPT_IO_READ:
	case OPT_IO_WRITE:
		return apply_io(c, arg, opt == OPT_IO_WRITE, e);
	}
	return 1; /* not a limit option */
}

static void set_str(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

static int apply_process(struct jail_config *c, int opt, const char *arg, struct jail_error *e)
{
	struct rlimit rl;
	int resource;

	switch (opt) {
	case OPT_SETENV:
		return apply_setenv(c, arg, e);
	case OPT_KEEP_ENV:
		if (!*arg || strchr(arg, '='))
			return jail_error_set(e, 0, "--keep-env '%s': expected a variable name", arg);
		strv_add(&c->keep_env, arg);
		return 0;
	case OPT_RLIMIT:
		if (parse_rlimit_option(arg, &resource, &rl, e) < 0)
			return -1;
		config_set_rlimit(c, resource, &rl);
		return 0;
	case OPT_TIMEOUT:
		if (parse_duration_ms(arg, &c->timeout_ms, e) < 0)
			return jail_error_prefix(e, "--timeout");
		if (c->timeout_ms == 0)
			return jail_error_set(e, 0, "--timeout: must be more than 0");
		return 0;
	case OPT_HOSTNAME:
		if (!*arg || strlen(arg) > 64)
			return jail_error_set(e, 0, "--hostname: expected 1 to 64 characters");
		set_str(&c->hostname, arg);
		return 0;
	}
	return 1;
}

static int apply_identity_fs(struct jail_config *c, int opt, const char *arg,
			     struct jail_error *e)
{
	_cleanup_free_ char *path = NULL;

	switch (opt) {
	case OPT_MAP:
		if (strcmp(arg, "self") == 0)
			c->map_mode = JAIL_MAP_SELF;
		else if (strcmp(arg, "subuid") == 0)
			c->map_mode = JAIL_MAP_SUBUID;
		else
			return jail_error_set(e, 0, "--map '%s': expected self or subuid", arg);
		c->map_explicit = true;
		return 0;
	case OPT_ROOT:
		c->root_inside = true;
		c->caps_keep |= JAIL_ROOT_CAPS;
		return 0;
	case 'w':
		if (!(path = path_normalize(arg, "--workdir", e)))
			return -1;
		set_str(&c->workdir, path);
		c->workdir_explicit = true;
		return 0;
	case OPT_RO_WORKDIR:
		c->workdir_writable = false;
		return 0;
	case OPT_BIND:
		return add_bind(c, JAIL_MOUNT_BIND, arg, "--bind", e);
	case OPT_RO_BIND:
		return add_bind(c, JAIL_MOUNT_RO_BIND, arg, "--ro-bind", e);
	case OPT_TMPFS:
		return add_bind(c, JAIL_MOUNT_TMPFS, arg, "--tmpfs", e);
	case OPT_KEEP_UPPER:
		if (!(path = path_normalize(arg, "--keep-upper", e)))
			return -1;
		set_str(&c->keep_upper, path);
		return 0;
	case OPT_SCRATCH:
		return parse_size(arg, &c->scratch_size, 0, e);
	}
	return 1;
}

static int apply_net(struct jail_config *c, int opt, const char *arg, struct jail_error *e)
{
	struct jail_cidr r;

	switch (opt) {
	case OPT_NET:
		if (strcmp(arg, "none") == 0)
			c->net_mode = JAIL_NET_NONE;
		else if (strcmp(arg, "user") == 0)
			c->net_mode = JAIL_NET_USER;
		else
			return jail_error_set(e, 0, "--net '%s': expected none or user", arg);
		return 0;
	case OPT_NET_ALLOW:
		if (netrule_parse_cidr(arg, &r, e) < 0)
			return jail_error_prefix(e, "--net-allow");
		jail_net_add_allow(&c->net, &r);
		return 0;
	case OPT_DNS:
		if (netrule_parse_ip(arg, &r, e) < 0)
			return jail_error_prefix(e, "--dns");
		jail_net_add_dns(&c->net, &r);
		return 0;
	}
	return 1;
}

static int apply_output(struct jail_config *c, int opt, const char *arg, struct jail_error *e)
{
	switch (opt) {
	case OPT_REPORT:
		if (!*arg)
			return jail_error_set(e, 0, "--report: empty file name");
		set_str(&c->report_path, arg);
		return 0;
	case OPT_STATS:
		c->stats = true;
		return 0;
	case OPT_DEBUG_TIMING:
		c->debug_timing = true;
		return 0;
	case OPT_BEST_EFFORT:
		c->best_effort = true;
		return 0;
	case OPT_EXEC_AUDIT:
		c->bpf.exec_audit = c->bpf.exec_audit_set = true;
		return 0;
	case 'p':
	case 'h':
		return 0; /* taken in cli_scan */
	}
	return 1;
}

int cli_apply(int argc, char **argv, struct jail_config *c, struct jail_error *e)
{
	bool net_lists = false;
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, run_optstring, run_options, NULL)) != -1) {
		int r;

		if (opt == '?' || opt == ':')
			return getopt_error(opt, argv, e);
		r = apply_identity_fs(c, opt, optarg, e);
		if (r == 1)
			r = apply_process(c, opt, optarg, e);
		if (r == 1)
			r = apply_limit(c, opt, optarg, e);
		if (r == 1)
			r = apply_net(c, opt, optarg, e);
		net_lists |= opt == OPT_NET_ALLOW || opt == OPT_DNS;
		if (r == 1)
			r = apply_output(c, opt, optarg, e);
		if (r < 0) {
			/* Name the option when the parser did not. */
			if (strncmp(e->msg, "--", 2) != 0)
				jail_error_prefix(e, "--%s", option_name(opt));
			return -1;
		}
	}
	/* Fail closed: an allowlist given for a run that has no network is a mistake. */
	if (net_lists && c->net_mode != JAIL_NET_USER)
		return jail_error_set(e, 0, "--net-allow and --dns need --net user (or a profile "
				      "with network: user)");
	if (optind >= argc)
		return jail_error_set(e, 0, "no command given (usage: jail run [OPTIONS] -- COMMAND)");
	if (!*argv[optind])
		return jail_error_set(e, 0, "the command is an empty string");
	strv_free(c->argv);
	c->argv = strv_copy(argv + optind);
	return 0;
}
