/* The pure parts of sandbox/: paths, id maps, subordinate ids, environment, CLI. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "sandbox/cli.h"
#include "sandbox/env.h"
#include "sandbox/idmap.h"
#include "sandbox/passwd.h"
#include "sandbox/paths.h"
#include "tests/unit/tap.h"

static void norm_case(const char *in, const char *want)
{
	struct jail_error e = { 0 };
	_cleanup_free_ char *out = path_normalize(in, "test", &e);
	char name[256];

	snprintf(name, sizeof(name), "normalize '%s'", in ? in : "(null)");
	is_str(out, want, name);
}

static void test_paths(void)
{
	_cleanup_free_ char *src = NULL, *dst = NULL;
	struct jail_error e = { 0 };

	norm_case("/usr//bin/", "/usr/bin");
	norm_case("/a/./b", "/a/b");
	norm_case("/", "/");
	norm_case("///", "/");
	norm_case("/a/../etc", NULL);
	norm_case("relative", NULL);
	norm_case("", NULL);
	norm_case("/a\tb", NULL);
	ok(path_is_under("/usr/bin", "/usr"), "/usr/bin under /usr");
	ok(!path_is_under("/usrx", "/usr"), "/usrx not under /usr");
	ok(path_is_under("/home/u", "/"), "everything under /");
	ok(bind_spec_split("/a:/b", &src, &dst, &e) == 0 && !strcmp(src, "/a") && !strcmp(dst, "/b"),
	   "bind /a:/b");
	free(src);
	free(dst);
	src = dst = NULL;
	ok(bind_spec_split("/a", &src, &dst, &e) == 0 && !strcmp(dst, "/a"), "bind /a -> /a");
	ok(bind_spec_split(":/b", &src, &dst, &e) < 0, "bind with empty source rejected");
	ok(bind_spec_split("/a:", &src, &dst, &e) < 0, "bind with empty destination rejected");
}

static void test_idmap(void)
{
	static const char subuid[] = "# comment\nalice:100000:65536\n1001:200000:65536\nbob:x:5\n";
	struct jail_error e = { 0 };
	struct idmap m;
	uint32_t s, n;
	char buf[256];

	ok(subid_find(subuid, "alice", 1000, &s, &n, "subuid", &e) == 0 && s == 100000 && n == 65536,
	   "subuid by name");
	ok(subid_find(subuid, "carol", 1001, &s, &n, "subuid", &e) == 0 && s == 200000,
	   "subuid by numeric uid");
	ok(subid_find(subuid, "bob", 1002, &s, &n, "subuid", &e) < 0 && strstr(e.msg, "bob") &&
		   strstr(e.hint, "usermod"),
	   "malformed line ignored, missing range is an error with a hint");
	idmap_build(JAIL_MAP_SELF, false, 1000, 0, 0, &m, &e);
	idmap_format(&m, buf, sizeof(buf));
	is_str(buf, "1000 1000 1\n", "self map");
	idmap_build(JAIL_MAP_SELF, true, 1000, 0, 0, &m, &e);
	idmap_format(&m, buf, sizeof(buf));
	is_str(buf, "0 1000 1\n", "self map, root inside");
	idmap_build(JAIL_MAP_SUBUID, true, 1000, 100000, 65536, &m, &e);
	idmap_format(&m, buf, sizeof(buf));
	is_str(buf, "0 1000 1\n1 100000 65535\n", "subuid map, root inside");
	idmap_build(JAIL_MAP_SUBUID, false, 1000, 100000, 65536, &m, &e);
	idmap_format(&m, buf, sizeof(buf));
	is_str(buf, "0 100000 1000\n1000 1000 1\n1001 101000 64535\n", "subuid map keeps own id");
	is_int(idmap_inside_of(&m, 1000), 1000, "caller keeps uid 1000 inside");
	is_int(idmap_inside_of(&m, 100000), 0, "first subordinate is root inside");
	idmap_build(JAIL_MAP_SUBUID, true, 1000, 100000, 10, &m, &e);
	idmap_format(&m, buf, sizeof(buf));
	is_str(buf, "0 1000 1\n1 100000 10\n", "short subordinate range");
	ok(idmap_build(JAIL_MAP_SUBUID, true, 1000, 4294967290u, 65536, &m, &e) < 0,
	   "overflowing range rejected");
	/* jail run by host root: uid 0 must never be mapped to itself. */
	idmap_build(JAIL_MAP_SUBUID, true, 0, 200000, 65536, &m, &e);
	idmap_format(&m, buf, sizeof(buf));
	is_str(buf, "0 200000 65536\n", "host root: only the subordinate range");
	is_int(idmap_inside_of(&m, 0), 65534, "host root is not mapped inside");
}

static void test_env(void)
{
	char *host[] = { "PATH=/bin", "SECRET_TOKEN=x", "LC_ALL=C", "TZ=UTC", "SSH_AUTH_SOCK=/s",
			 "KEEPME=1", "KEEP_A=2", NULL };
	struct jail_config c;
	char **env;

	config_init_defaults(&c);
	strv_add(&c.keep_env, "KEEPME");
	strv_add(&c.keep_env, "KEEP_*");
	config_set_env(&c, "FOO", "bar");
	config_set_env(&c, "PATH", "/opt/bin");
	env = env_build(&c, host, "/home/u", "u");
	is_str(env_get(env, "SECRET_TOKEN"), NULL, "secret variable dropped");
	is_str(env_get(env, "SSH_AUTH_SOCK"), NULL, "SSH agent socket dropped");
	is_str(env_get(env, "LC_ALL"), "C", "LC_* kept");
	is_str(env_get(env, "TZ"), "UTC", "TZ kept");
	is_str(env_get(env, "KEEPME"), "1", "--keep-env NAME");
	is_str(env_get(env, "KEEP_A"), "2", "--keep-env PREFIX*");
	is_str(env_get(env, "FOO"), "bar", "--setenv");
	is_str(env_get(env, "PATH"), "/opt/bin", "--setenv overrides a kept variable");
	is_str(env_get(env, "HOME"), "/home/u", "HOME set");
	strv_free(env);
	env = env_build(&c, (char *[]){ NULL }, "/root", "root");
	is_str(env_get(env, "PATH"), "/opt/bin", "PATH from --setenv without a host PATH");
	strv_free(env);
	config_free(&c);
}

static int cli(struct jail_config *c, struct jail_error *e, char **argv)
{
	int argc = (int)strv_length(argv);

	config_free(c);
	config_init_defaults(c);
	memset(e, 0, sizeof(*e));
	return cli_apply(argc, argv, c, e);
}

static void test_cli(void)
{
	struct jail_config c;
	struct jail_error e = { 0 };
	enum cli_action action;
	char *profile = NULL;

	config_init_defaults(&c);
	ok(cli(&c, &e, (char *[]){ "run", "--map", "subuid", "--root", "-w", "/tmp//w",
				   "--bind", "/a:/b", "--ro-bind", "/c", "--tmpfs", "/t", "--timeout",
				   "2s", "--memory", "50M", "--cpus", "0.5", "--pids", "16", "--", "gcc",
				   "-c", "x.c", NULL }) == 0,
	   "a full command line parses");
	ok(c.map_mode == JAIL_MAP_SUBUID && c.root_inside, "--map subuid --root");
	ok((c.caps_keep & JAIL_ROOT_CAPS) == JAIL_ROOT_CAPS, "--root keeps the file-ownership caps");
	is_str(c.workdir, "/tmp/w", "-w normalized");
	ok(c.n_mounts == 3 && c.mounts[0].kind == JAIL_MOUNT_BIND &&
		   !strcmp(c.mounts[0].dst, "/b") && c.mounts[1].kind == JAIL_MOUNT_RO_BIND &&
		   c.mounts[2].kind == JAIL_MOUNT_TMPFS,
	   "binds and tmpfs in order");
	ok(c.timeout_ms == 2000 && c.limits.memory_max == 50ULL << 20 &&
		   c.limits.cpu_millis == 500 && c.limits.pids_max == 16,
	   "timeout and limits");
	ok(strv_length(c.argv) == 3 && !strcmp(c.argv[0], "gcc"), "command after --");
	ok(cli(&c, &e, (char *[]){ "run", "ls", "-l", NULL }) == 0 && !strcmp(c.argv[1], "-l"),
	   "the job's own options are not parsed");
	ok(cli(&c, &e, (char *[]){ "run", "--bogus", "x", NULL }) < 0 &&
		   strstr(e.msg, "unknown option '--bogus'"),
	   "unknown option named");
	ok(cli(&c, &e, (char *[]){ "run", "--timeout", NULL }) < 0 && strstr(e.msg, "needs a value"),
	   "missing value named");
	ok(cli(&c, &e, (char *[]){ "run", "--memory", "lots", "x", NULL }) < 0 &&
		   strstr(e.msg, "--memory"),
	   "bad size names the option: %s", e.msg);
	ok(cli(&c, &e, (char *[]){ "run", "--map", "all", "x", NULL }) < 0, "bad --map");
	ok(cli(&c, &e, (char *[]){ "run", "--bind", "/a:/", "x", NULL }) < 0, "bind over / refused");
	ok(cli(&c, &e, (char *[]){ "run", "--bind", "/a:/../etc", "x", NULL }) < 0,
	   "bind destination with .. refused");
	ok(cli(&c, &e, (char *[]){ "run", "-w", "rel", "x", NULL }) < 0, "relative -w refused");
	ok(cli(&c, &e, (char *[]){ "run", NULL }) < 0 && strstr(e.msg, "no command"), "no command");
	ok(cli(&c, &e, (char *[]){ "run", "--", "", NULL }) < 0, "empty command");
	ok(cli(&c, &e, (char *[]){ "run", "--setenv", "NOEQUALS", "x", NULL }) < 0, "bad --setenv");
	ok(cli(&c, &e, (char *[]){ "run", "--timeout", "0", "x", NULL }) < 0, "zero timeout");
	ok(cli(&c, &e, (char *[]){ "run", "--io-write-bps", "/dev/sda=1M", "x", NULL }) == 0 &&
		   c.limits.n_io == 1 && c.limits.io[0].write_bps == 1 << 20 &&
		   c.limits.io[0].read_bps == JAIL_UNSET,
	   "--io-write-bps DEV=RATE");
	ok(cli_scan(3, (char *[]){ "run", "-p", "cc", NULL }, &profile, &action, &e) == 0 &&
		   profile && !strcmp(profile, "cc") && action == CLI_RUN,
	   "scan finds the profile");
	ok(cli_scan(2, (char *[]){ "run", "--help", NULL }, &profile, &action, &e) == 0 &&
		   action == CLI_HELP,
	   "scan finds --help");
	free(profile);
	config_free(&c);
}

/* policy/bpf_rules.c: the egress and device rule syntax of the bpf: profile key. */
static void test_bpf_rules(void)
{
	static const char *const egress_ok[][2] = {
		{ "10.0.0.0/8:443", "10.0.0.0/8:443" },
		{ "192.0.2.7", "192.0.2.7" },
		{ "192.0.2.7/32:22", "192.0.2.7:22" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "[2001:db8::/32]:80", "[2001:db8::/32]:80" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
	};
	/* The syntax of network: allow (policy/netrule.c), host bits included. */
	static const char *const egress_bad[] = { "10.0.0.0/33", "10.0.0.1:0", "10.0.0.1:70000",
						  "host.example:443", "[2001:db8::1", "", "1.2.3",
						  "10.1.2.3/8:443", "[192.0.2.7]:443" };
	static const char *const dev_ok[][2] = {
		{ "c 1:3 rw", "c 1:3 rw" }, { "c 136:* wr", "c 136:* rw" }, { "a *:* m", "a *:* m" },
	};
	static const char *const dev_bad[] = { "c 1 rw", "x 1:3 r", "c 1:3", "c 1:3 rx",
						"c 1:3 rr", "c1:3 r" };
	struct jail_error e = { 0 };
	struct jail_egress_rule er;
	struct jail_device_rule dr;
	struct jail_bpf b = { 0 };
	char buf[96], name[128];

	for (size_t i = 0; i < ARRAY_SIZE(egress_ok); i++) {
		buf[0] = '\0';
		if (bpf_egress_parse(egress_ok[i][0], &er, &e) == 0)
			bpf_egress_format(&er, buf, sizeof(buf));
		snprintf(name, sizeof(name), "egress '%s' parses and reads back", egress_ok[i][0]);
		is_str(buf, egress_ok[i][1], name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(egress_bad); i++)
		ok(bpf_egress_parse(egress_bad[i], &er, &e) < 0 && strstr(e.msg, egress_bad[i]),
		   "egress '%s' refused", egress_bad[i]);
	for (size_t i = 0; i < ARRAY_SIZE(dev_ok); i++) {
		buf[0] = '\0';
		if (bpf_device_parse(dev_ok[i][0], &dr, &e) == 0)
			bpf_device_format(&dr, buf, sizeof(buf));
		snprintf(name, sizeof(name), "device '%s' parses", dev_ok[i][0]);
		is_str(buf, dev_ok[i][1], name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(dev_bad); i++)
		ok(bpf_device_parse(dev_bad[i], &dr, &e) < 0, "device '%s' refused", dev_bad[i]);
	bpf_egress_parse("192.0.2.7", &er, &e);
	jail_bpf_add_egress(&b, &er, &e);
	jail_bpf_add_egress(&b, &er, &e);
	is_int((int)b.n_egress, 1, "a rule given twice is kept once");
	ok(jail_bpf_needs_cgroup(&b) && jail_bpf_wanted(&b), "egress needs a job cgroup");
	jail_bpf_free(&b);
	b.exec_audit = true;
	ok(!jail_bpf_needs_cgroup(&b) && jail_bpf_wanted(&b), "exec audit needs no cgroup");
}

static void passwd_case(const char *text, uid_t uid, const char *want_name,
			const char *want_home, const char *what)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	char *name = NULL, *home = NULL, label[128];
	int found = f ? passwd_scan(f, uid, &name, &home) : -1;

	if (f)
		fclose(f);
	snprintf(label, sizeof(label), "%s: %s", what, want_name ? "found" : "not found");
	is_int(found, want_name ? 1 : 0, label);
	if (want_name) {
		snprintf(label, sizeof(label), "%s: name and home", what);
		is_str(name, want_name, label);
		is_str(home, want_home, label);
	}
	free(name);
	free(home);
}

static void test_passwd(void)
{
	const char *file = "root:x:0:0:root:/root:/bin/bash\n"
			   "# comment:x:1000:1000::/nope:/bin/sh\n"
			   "+nis:x:1000:1000::/nis:/bin/sh\n"
			   "short:x:1000\n"
			   "neg:x:-1000:1000::/neg:/bin/sh\n"
			   "big:x:4294968296:1000::/big:/bin/sh\n"
			   "odd:x:1000x:1000::/odd:/bin/sh\n"
			   "ann:x:1000:1000:Ann,,,:/home/ann:/bin/bash\n"
			   "dup:x:1000:1000::/home/dup:/bin/sh\n"
			   "noshell:x:1001:1001::/home/noshell:\n"
			   "last:x:1002:1002::/home/last:/bin/sh";

	passwd_case(file, 0, "root", "/root", "passwd: root");
	passwd_case(file, 1000, "ann", "/home/ann", "passwd: first valid line wins");
	passwd_case(file, 1001, "noshell", "/home/noshell", "passwd: empty shell");
	passwd_case(file, 1002, "last", "/home/last", "passwd: no final newline");
	passwd_case(file, 4242, NULL, NULL, "passwd: no entry");
	passwd_case("", 0, NULL, NULL, "passwd: empty file");
}

int main(void)
{
	test_paths();
	test_idmap();
	test_env();
	test_cli();
	test_bpf_rules();
	test_passwd();
	return done();
}
