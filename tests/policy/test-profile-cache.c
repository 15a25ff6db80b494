/* tests/policy: the cache of resolved profiles (policy/profile_cache.c). Every shipped
 * profile and one that sets every field survive the trip to bytes and back unchanged;
 * a second resolution is a hit that gives the same profile and program; any change to
 * what the resolution read (a profile's bytes, a file that now shadows it in the search
 * path, the groups file) is a miss; a corrupt or foreign entry is never used. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "policy/profile.h"
#include "policy/profile_cache.h"
#include "policy/profile_model.h"
#include "policy/profile_show.h"
#include "tests/unit/tap.h"

static char tmp[] = "/tmp/jail-profile-cache-test.XXXXXX";

static char *printed(const struct profile *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return xstrdup("(open_memstream failed)");
	profile_print(f, p);
	fclose(f);
	return text;
}

/* Resolved, to bytes, back, to bytes again: same bytes, same printed profile. */
static void round_trip(const char *name)
{
	struct jail_error e = { 0 };
	struct profile p, q;
	char *a = NULL, *b = NULL, *pa = NULL, *pb = NULL;
	size_t la = 0, lb = 0;

	if (profile_resolve(name, &p, &e) < 0) {
		ok(0, "%s resolves: %s", name, e.msg);
		profile_free(&p);
		return;
	}
	a = profile_serialize(&p, &la);
	ok(profile_deserialize(a, la, &q) == 0, "%s: serialized and read back", name);
	b = profile_serialize(&q, &lb);
	ok(la == lb && memcmp(a, b, la) == 0, "%s: the same bytes after the round trip (%zu)",
	   name, la);
	pa = printed(&p);
	pb = printed(&q);
	is_str(pb, pa, "... and it prints the same");
	/* Malformed: every truncation is refused and leaves a profile that frees cleanly. */
	{
		bool all_refused = true;
		for (size_t cut = 0; cut < la; cut += 1 + la / 97) {
			struct profile r;
			if (profile_deserialize(a, cut, &r) == 0)
				all_refused = false;
			profile_free(&r);
		}
		ok(all_refused, "%s: every truncated form is refused", name);
	}
	free(a);
	free(b);
	free(pa);
	free(pb);
	profile_free(&p);
	profile_free(&q);
}

static const char *result_name(enum profile_cache_result r)
{
	return r == PROFILE_CACHE_HIT ? "hit" : r == PROFILE_CACHE_MISS ? "miss" : "off";
}

/* profile_apply as jail run does it; the printed profile and the program. */
static const char *apply(const char *name, char **text, struct jail_seccomp_program *prog)
{
	struct jail_config c;
	struct jail_error e = { 0 };

	config_init_defaults(&c);
	*text = NULL;
	if (profile_apply(name, &c, &e) < 0) {
		printf("#   %s\n", e.msg);
		config_free(&c);
		return "error";
	}
	*prog = c.seccomp;
	c.seccomp.insns = NULL;
	*text = xasprintf("toolchain %zu mounts %zu caps %llx memory %llu env %zu timeout %llu",
			  strv_length(c.toolchain_dirs), c.n_mounts,
			  (unsigned long long)c.caps_keep, (unsigned long long)c.limits.memory_max,
			  c.n_set_env, (unsigned long long)c.timeout_ms);
	config_free(&c);
	return result_name(profile_cache_last());
}

static bool same_prog(const struct jail_seccomp_program *a, const struct jail_seccomp_program *b)
{
	return a->len == b->len && memcmp(a->insns, b->insns, a->len * sizeof(*a->insns)) == 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		printf("# cannot write %s\n", path);
}

static char *entry_path(void)
{
	char *cmd = xasprintf("ls %s/cache/jail/*.profile 2>/dev/null", tmp), line[4096] = "";
	FILE *f = popen(cmd, "r");

	free(cmd);
	if (!f || !fgets(line, sizeof(line), f)) {
		if (f)
			pclose(f);
		return NULL;
	}
	pclose(f);
	line[strcspn(line, "\n")] = '\0';
	return xstrdup(line);
}

static void cleanup(void)
{
	char *cmd = xasprintf("chmod -R u+rwx '%s'; rm -rf '%s'", tmp, tmp);

	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	free(cmd);
}

int main(void)
{
	static const char *const shipped[] = { "default", "cc", "build", "build-farm", "script" };
	const char *dirs = getenv("JAIL_PROFILE_PATH"), *src = getenv("top_srcdir");
	struct jail_seccomp_program ref = { NULL, 0 }, got = { NULL, 0 };
	char *rich, *text_ref = NULL, *text = NULL, *path, *entry, *mine, *a, *b;

	if (!dirs || !src) {
		printf("Bail out! JAIL_PROFILE_PATH or top_srcdir is not set (run through make "
		       "check)\n");
		return 99;
	}
	if (!mkdtemp(tmp)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 99;
	}
	atexit(cleanup);
	unsetenv("JAIL_SECCOMP_CACHE");
	unsetenv("JAIL_PROFILE_CACHE");

	for (size_t i = 0; i < ARRAY_SIZE(shipped); i++)
		round_trip(shipped[i]);
	rich = xasprintf("%s/tests/policy/cache-rich.yaml", src);
	round_trip(rich);

	/* Through profile_apply, with a profile directory of our own in front. */
	mine = xasprintf("%s/profiles", tmp);
	path = xasprintf("%s/cache", tmp);
	mkdir(mine, 0755);
	setenv("XDG_CACHE_HOME", path, 1);
	free(path);
	a = xasprintf("%s:%s", mine, dirs);
	setenv("JAIL_PROFILE_PATH", a, 1);
	free(a);
	path = xasprintf("%s/mycc.yaml", mine);
	write_file(path, "name: mycc\nextends: cc\nlimits:\n  memory: 1G\n");

	is_str(apply("mycc", &text_ref, &ref), "miss", "first use: resolved from the files");
	entry = entry_path();
	ok(entry != NULL, "an entry is stored: %s", entry ? entry : "(none)");
	is_str(apply("mycc", &text, &got), "hit", "second use: a hit");
	is_str(text, text_ref, "... the same configuration");
	ok(same_prog(&got, &ref), "... the same seccomp program");
	free(text);
	free(got.insns);

	/* The profile changes (same size, same second): a miss, and the new value is used. */
	write_file(path, "name: mycc\nextends: cc\nlimits:\n  memory: 2G\n");
	is_str(apply("mycc", &text, &got), "miss", "a changed profile is a miss");
	ok(text && strstr(text, "memory 2147483648"), "... and its new value is used (%s)",
	   text ? text : "");
	free(text);
	free(got.insns);
	is_str(apply("mycc", &text, &got), "hit", "then a hit again");
	free(text);
	free(got.insns);

	/* A parent it inherits from appears earlier in the search path: a miss. */
	b = xasprintf("%s/cc.yaml", mine);
	write_file(b, "name: cc\nextends: default\nlimits:\n  timeout: 7s\n");
	is_str(apply("mycc", &text, &got), "miss", "a parent now shadowed in the search path: miss");
	ok(text && strstr(text, "timeout 7000"), "... and the shadowing parent is used (%s)",
	   text ? text : "");
	free(text);
	free(got.insns);
	unlink(b);
	free(b);
	is_str(apply("mycc", &text, &got), "miss", "the shadowing file removed: miss");
	free(text);
	free(got.insns);

	/* The groups file shadowed by one of ours with a change: a miss. */
	{
		char *groups_src = xasprintf("%s/profiles/syscall-groups.yaml", src);
		char *groups_dst = xasprintf("%s/syscall-groups.yaml", mine);
		char *cmd = xasprintf("cp '%s' '%s' && echo '# changed' >> '%s'", groups_src,
				      groups_dst, groups_dst);
		ok(system(cmd) == 0, "a changed copy of the groups file in front");
		is_str(apply("mycc", &text, &got), "miss", "... is a miss");
		free(text);
		free(got.insns);
		unlink(groups_dst);
		free(cmd);
		free(groups_src);
		free(groups_dst);
	}
	is_str(apply("mycc", &text, &got), "miss", "the groups file back: miss");
	free(text);
	free(got.insns);
	free(entry);
	entry = entry_path();
	/* What the files say now, without the cache. */
	setenv("JAIL_PROFILE_CACHE", "0", 1);
	free(text_ref);
	free(ref.insns);
	is_str(apply("mycc", &text_ref, &ref), "off", "the reference, resolved without the cache");
	unsetenv("JAIL_PROFILE_CACHE");

	/* Corrupt entries are not used. */
	if (entry) {
		struct stat st;
		int fd = open(entry, O_RDWR);
		unsigned char byte = 0;
		if (fd >= 0 && fstat(fd, &st) == 0 && pread(fd, &byte, 1, st.st_size - 5) == 1) {
			byte ^= 0x10;
			ok(pwrite(fd, &byte, 1, st.st_size - 5) == 1, "flip a bit in the entry");
		}
		if (fd >= 0)
			close(fd);
		is_str(apply("mycc", &text, &got), "miss", "a corrupt entry is a miss");
		ok(text && strcmp(text, text_ref) == 0 && same_prog(&got, &ref),
		   "... and the profile is resolved from the files");
		free(text);
		free(got.insns);
		ok(chmod(entry, 0644) == 0 && chmod(entry, 0666) == 0, "make the entry writable by others");
		is_str(apply("mycc", &text, &got), "miss", "an entry others could write is not used");
		free(text);
		free(got.insns);
	}
	setenv("JAIL_PROFILE_CACHE", "0", 1);
	is_str(apply("mycc", &text, &got), "off", "JAIL_PROFILE_CACHE=0 turns it off");
	free(text);
	free(got.insns);
	unsetenv("JAIL_PROFILE_CACHE");
	setenv("JAIL_SECCOMP_CACHE", "0", 1);
	is_str(apply("mycc", &text, &got), "off", "so does JAIL_SECCOMP_CACHE=0");
	free(text);
	free(got.insns);

	free(entry);
	free(text_ref);
	free(ref.insns);
	free(path);
	free(mine);
	free(rich);
	return done();
}
