/* tests/policy: inheritance. Lists merge, scalars override, KEY-remove takes an
 * inherited entry out, and a removal of something not inherited is an error at its
 * file:line:column. Profiles are written into a temporary directory that is put in
 * front of the shipped profiles in JAIL_PROFILE_PATH. */
#include "autoconfig.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "policy/profile_model.h"
#include "policy/seccomp.h"
#include "tests/unit/tap.h"

static char dir[] = "/tmp/jail-merge-test.XXXXXX";

static void put(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		printf("Bail out! cannot write %s: %s\n", path, strerror(errno));
		exit(99);
	}
	free(path);
}

/* Resolve NAME; on failure the message is returned in err (else err is empty). */
static int resolve(const char *name, struct profile *p, char *err, size_t len)
{
	struct jail_error e = {0};
	int r = profile_resolve(name, p, &e);

	snprintf(err, len, "%s", r < 0 ? e.msg : "");
	return r;
}

static bool has_rule(const struct profile *p, const char *name, bool deny)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].deny == deny && strcmp(p->rules[i].name, name) == 0)
			return true;
	return false;
}

static const struct sc_rule *find_rule(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (strcmp(p->rules[i].name, name) == 0)
			return &p->rules[i];
	return NULL;
}

static const char *env_value(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_env_set; i++)
		if (strcmp(p->env_set[i].name, name) == 0)
			return p->env_set[i].value;
	return NULL;
}

static void write_chain(void)
{
	put("base.yaml", "name: base\n"
			 "description: the parent\n"
			 "filesystem:\n"
			 "  toolchain: [/usr, /bin]\n"
			 "  scratch: 1G\n"
			 "  mounts:\n"
			 "    - {type: tmpfs, dst: /scratch}\n"
			 "    - {type: ro-bind, src: /etc, dst: /host-etc}\n"
			 "limits:\n"
			 "  memory: 1G\n"
			 "  pids: 100\n"
			 "  timeout: 1h\n"
			 "  rlimits: {nofile: 1024, core: 0}\n"
			 "capabilities:\n"
			 "  keep: [chown, fowner]\n"
			 "env:\n"
			 "  keep: [PATH, TERM]\n"
			 "  set: {A: one, B: two}\n"
			 "seccomp:\n"
			 "  default-action: errno EPERM\n"
			 "  allow: ['@default', '@ipc']\n"
			 "  deny: [ptrace]\n");
	put("child.yaml", "name: child\n"
			  "extends: ./base.yaml\n"
			  "filesystem:\n"
			  "  toolchain: [/opt]\n"
			  "  toolchain-remove: [/bin]\n"
			  "  mounts-remove: [/host-etc]\n"
			  "limits:\n"
			  "  memory: 2G\n"
			  "  rlimits: {nofile: 4096}\n"
			  "  rlimits-remove: [core]\n"
			  "capabilities:\n"
			  "  keep: [kill]\n"
			  "  keep-remove: [fowner]\n"
			  "env:\n"
			  "  keep: [LANG]\n"
			  "  keep-remove: [TERM]\n"
			  "  set: {B: changed, C: three}\n"
			  "  set-remove: [A]\n"
			  "seccomp:\n"
			  "  deny-action: kill\n"
			  "  allow-remove: ['@ipc']\n"
			  "  deny: [bpf]\n");
	put("grandchild.yaml", "name: grandchild\n"
			       "extends: ./child.yaml\n"
			       "limits:\n"
			       "  timeout: 5m\n"
			       "seccomp:\n"
			       "  deny: [userfaultfd]\n");
}

static void check_lists_and_scalars(void)
{
	struct profile p;
	char err[2048];
	const struct rlimit *nofile = NULL;
	bool core = false;

	ok(resolve(dir, &p, err, sizeof(err)) < 0, "a directory is not a profile: %s", err);
	profile_free(&p);
	{
		char *path = xasprintf("%s/grandchild.yaml", dir);
		int r = resolve(path, &p, err, sizeof(err));
		free(path);
		if (!ok(r == 0, "three-level chain resolves"))
			printf("#   %s\n", err);
	}
	is_str(p.name, "grandchild", "name is the leaf's");
	is_str(p.description, "the parent", "description is inherited when not set");
	is_int(strv_length(p.chain), 3, "chain has three files");
	ok(strv_contains(p.toolchain, "/usr") && strv_contains(p.toolchain, "/opt") &&
	       !strv_contains(p.toolchain, "/bin"),
	   "toolchain: /usr inherited, /opt added, /bin removed");
	is_int(p.scratch, 1ULL << 30, "scratch inherited (scalar not set by the child)");
	is_int(p.memory_max, 2ULL << 30, "memory overridden by the child");
	is_int(p.pids_max, 100, "pids inherited");
	is_int(p.timeout_ms, 5 * 60 * 1000, "timeout overridden by the grandchild");
	is_int(p.n_mounts, 1, "one mount left after mounts-remove");
	is_str(p.n_mounts ? p.mounts[0].dst : NULL, "/scratch", "the tmpfs mount stays");
	for (size_t i = 0; i < p.n_rlimits; i++) {
		if (p.rlimits[i].resource == RLIMIT_NOFILE)
			nofile = &p.rlimits[i].value;
		core |= p.rlimits[i].resource == RLIMIT_CORE;
	}
	ok(nofile && nofile->rlim_cur == 4096, "rlimit nofile overridden by the child");
	ok(!core, "rlimit core removed by rlimits-remove");
	is_int(p.caps_keep, (1ULL << 0) | (1ULL << 5),
	       "caps: chown kept, fowner removed, kill added");
	ok(strv_contains(p.env_keep, "PATH") && strv_contains(p.env_keep, "LANG") &&
	       !strv_contains(p.env_keep, "TERM"),
	   "env.keep: PATH inherited, LANG added, TERM removed");
	ok(env_value(&p, "A") == NULL, "env.set A removed");
	is_str(env_value(&p, "B"), "changed", "env.set B overridden");
	is_str(env_value(&p, "C"), "three", "env.set C added");
	ok(has_rule(&p, "@default", false) && !has_rule(&p, "@ipc", false),
	   "seccomp.allow: @default inherited, @ipc removed");
	ok(find_rule(&p, "ptrace") && find_rule(&p, "ptrace")->action == SCMP_ACT_ERRNO(EPERM),
	   "a parent's plain deny keeps the parent's deny-action (errno EPERM)");
	ok(find_rule(&p, "bpf") && find_rule(&p, "bpf")->action == SCMP_ACT_KILL_PROCESS,
	   "the child's plain deny takes the child's deny-action (kill)");
	ok(find_rule(&p, "userfaultfd") &&
	       find_rule(&p, "userfaultfd")->action == SCMP_ACT_KILL_PROCESS,
	   "the grandchild's plain deny takes the deny-action it inherits (kill)");
	profile_free(&p);
}

/* A child of a shipped profile, found through the search path by name. */
static void check_shipped_parent(void)
{
	struct profile p;
	struct sc_plan *plan = NULL;
	struct jail_error e = {0};
	char err[2048];

	put("nosock.yaml", "name: nosock\nextends: cc\nseccomp:\n  allow-remove: [socket]\n");
	if (!ok(resolve("nosock", &p, err, sizeof(err)) == 0, "a profile extends cc by name"))
		printf("#   %s\n", err);
	ok(strv_length(p.chain) == 3, "chain: default -> cc -> nosock");
	ok(!has_rule(&p, "socket", false), "every conditional allow for socket is removed");
	ok(sc_plan_build(&p, &plan, &e) == 0 && !sc_plan_lookup(plan, "socket"),
	   "the plan has no entry for socket: it gets the default action");
	sc_plan_free(plan);
	profile_free(&p);
}

/* Found by fuzz-profile: a profile without seccomp rules planned with qsort(NULL, 0)
 * and looked up with bsearch(NULL, 0), both undefined. It must compile, and every
 * syscall gets the default action. */
static void check_no_rules(void)
{
	struct jail_seccomp_program prog = {NULL, 0};
	struct sc_plan *plan = NULL;
	struct jail_error e = {0};
	struct profile p;
	char err[2048];

	put("bare.yaml", "name: bare\n");
	ok(resolve("bare", &p, err, sizeof(err)) == 0, "a profile with only a name resolves");
	ok(sc_plan_build(&p, &plan, &e) == 0 && plan->n == 0 && !sc_plan_lookup(plan, "read"),
	   "its plan is empty, and a lookup finds nothing");
	ok(plan && sc_plan_compile(plan, &prog, &e) == 0 && prog.len > 0,
	   "it compiles (%zu instructions)", prog.len);
	free(prog.insns);
	sc_plan_free(plan);
	profile_free(&p);
}

/* network: allow and dns merge as unions across extends; the scalar form in a child
 * keeps the parent's lists; a parent without a list allows everything. */
static void check_network(void)
{
	struct profile p;
	char err[2048], text[64];

	put("net-a.yaml", "name: net-a\nnetwork: {allow: [192.0.2.0/24:443], dns: [192.0.2.53]}\n");
	put("net-b.yaml", "name: net-b\nextends: net-a\nnetwork:\n  allow:\n"
			  "    - \"[2001:db8::/32]:443\"\n    - 192.0.2.0/24:443\n");
	put("net-c.yaml", "name: net-c\nextends: net-b\nnetwork: user\n");
	put("net-d.yaml", "name: net-d\nextends: net-c\nnetwork: none\n");
	put("net-e.yaml", "name: net-e\nnetwork: user\n");
	if (!ok(resolve("net-c", &p, err, sizeof(err)) == 0, "network chain resolves: %s", err))
		return;
	ok(p.net_mode == JAIL_NET_USER && p.net.allow_set && p.net.n_allow == 2 &&
	   p.net.n_dns == 1, "allow lists are a union (the repeat counted once), dns inherited");
	netrule_format(&p.net.allow[1], text, sizeof(text));
	ok(strcmp(text, "[2001:db8::/32]:443") == 0, "the child's IPv6 entry: %s", text);
	profile_free(&p);
	ok(resolve("net-d", &p, err, sizeof(err)) == 0 && p.net_mode == JAIL_NET_NONE,
	   "a child's network: none overrides the mode");
	profile_free(&p);
	ok(resolve("net-e", &p, err, sizeof(err)) == 0 && p.net_mode == JAIL_NET_USER &&
	   !p.net.allow_set, "network: user alone has no allow list (everything but the host)");
	profile_free(&p);
}

struct bad_case {
	const char *file, *text;
	const char *expect; /* substring of the error, with file:line:column */
};

static void check_errors(void)
{
	static const struct bad_case cases[] = {
	    {"rm-toolchain.yaml",
	     "name: x\nextends: ./base.yaml\nfilesystem:\n  toolchain-remove: [/nope]\n",
	     "rm-toolchain.yaml:4:22: filesystem.toolchain-remove: '/nope' is not inherited"},
	    {"rm-allow.yaml",
	     "name: x\nextends: ./base.yaml\nseccomp:\n  allow-remove:\n"
	     "    - '@aio'\n",
	     "rm-allow.yaml:5:7: seccomp.allow-remove: '@aio' is not inherited"},
	    {"rm-deny.yaml", "name: x\nextends: ./base.yaml\nseccomp:\n  deny-remove: [bpf]\n",
	     "rm-deny.yaml:4:17: seccomp.deny-remove: 'bpf' is not inherited"},
	    {"rm-cap.yaml",
	     "name: x\nextends: ./base.yaml\ncapabilities:\n"
	     "  keep-remove: [CAP_KILL]\n",
	     "rm-cap.yaml:4:17: capabilities.keep-remove: 'CAP_KILL' is not inherited"},
	    {"rm-env.yaml", "name: x\nextends: ./base.yaml\nenv:\n  set-remove: [Z]\n",
	     "rm-env.yaml:4:16: env.set-remove: 'Z' is not inherited"},
	    {"rm-rlimit.yaml",
	     "name: x\nextends: ./base.yaml\nlimits:\n"
	     "  rlimits-remove: [stack]\n",
	     "rm-rlimit.yaml:4:20: limits.rlimits-remove: 'stack' is not inherited"},
	    {"rm-mount.yaml",
	     "name: x\nextends: ./base.yaml\nfilesystem:\n"
	     "  mounts-remove: [/nowhere]\n",
	     "rm-mount.yaml:4:19: filesystem.mounts-remove: '/nowhere' is not inherited"},
	    {"remount.yaml",
	     "name: x\nextends: ./base.yaml\nfilesystem:\n"
	     "  mounts: [{type: tmpfs, dst: /scratch}]\n",
	     "'/scratch' is already mounted by a parent"},
	    {"loop1.yaml", "name: loop1\nextends: ./loop2.yaml\n",
	     "loop2.yaml:2:10: extends: cycle: '../"},
	    {"loop2.yaml",
	     "name: loop2\nextends: ../"
	     "jail-merge-test.XXXXXX/loop1.yaml\n",
	     NULL},
	    {"missing-parent.yaml", "name: x\nextends: no-such-profile\n",
	     "missing-parent.yaml:2:10: extends: profile 'no-such-profile': "
	     "no-such-profile.yaml not found"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		/* loop2 names loop1 through "..", a different spelling of the same file. */
		char *text = xstrdup(cases[i].text), *at = strstr(text, "jail-merge-test.XXXXXX");
		if (at)
			memcpy(at, strrchr(dir, '/') + 1, strlen("jail-merge-test.XXXXXX"));
		put(cases[i].file, text);
		free(text);
	}
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *path = xasprintf("%s/%s", dir, cases[i].file), err[2048];
		struct profile p;
		int r;

		if (!cases[i].expect) {
			free(path);
			continue;
		}
		r = resolve(path, &p, err, sizeof(err));
		if (!ok(r < 0 && strstr(err, cases[i].expect), "%s is refused: %s", cases[i].file,
			cases[i].expect))
			printf("#   got: %s\n", r < 0 ? err : "(resolved)");
		profile_free(&p);
		free(path);
	}
}

static void cleanup(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(cmd);
}

int main(void)
{
	const char *shipped = getenv("JAIL_PROFILE_PATH");
	char *path;

	if (!shipped) {
		printf("Bail out! JAIL_PROFILE_PATH is not set (run through make check)\n");
		return 99;
	}
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 99;
	}
	atexit(cleanup);
	path = xasprintf("%s:%s", dir, shipped);
	setenv("JAIL_PROFILE_PATH", path, 1);
	setenv("JAIL_SECCOMP_CACHE", "0", 1);
	free(path);
	write_chain();
	check_lists_and_scalars();
	check_shipped_parent();
	check_no_rules();
	check_network();
	check_errors();
	return done();
}
