/* tests/policy: the on-disk cache of compiled programs. A hit returns the same program
 * as a fresh compile; a corrupt, truncated or foreign entry is rebuilt, never used; a
 * cache directory others can write to is not used at all. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/config.h"
#include "policy/profile_model.h"
#include "policy/seccomp.h"
#include "policy/seccomp_cache.h"
#include "tests/unit/tap.h"

static char cache[] = "/tmp/jail-cache-test.XXXXXX";

static const char *result_name(enum seccomp_cache_result r)
{
	switch (r) {
	case SECCOMP_CACHE_OFF:
		return "off";
	case SECCOMP_CACHE_HIT:
		return "hit";
	case SECCOMP_CACHE_MISS:
		return "miss";
	case SECCOMP_CACHE_REBUILT:
		return "rebuilt";
	}
	return "?";
}

/* Compile through the cache; returns what the cache did, and checks the program is
 * the one a fresh compile gives. */
static const char *through_cache(const struct sc_plan *plan, const struct jail_seccomp_program *ref,
				 bool *same)
{
	struct jail_seccomp_program prog = {NULL, 0};
	struct jail_error e = {0};

	*same = false;
	if (seccomp_cache_compile(plan, &prog, &e) < 0) {
		printf("#   %s\n", e.msg);
		return "error";
	}
	*same = prog.len == ref->len && memcmp(prog.insns, ref->insns, prog.len * 8) == 0;
	free(prog.insns);
	return result_name(seccomp_cache_last(NULL));
}

/* The one entry file in the cache directory. */
static char *entry_path(void)
{
	char *cmd = xasprintf("ls %s/jail/*.bpf 2>/dev/null", cache), line[4096] = "";
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

static void patch_byte(const char *path, off_t at)
{
	int fd = open(path, O_RDWR);
	unsigned char b;

	if (fd < 0 || pread(fd, &b, 1, at) != 1)
		return;
	b ^= 0x40;
	if (pwrite(fd, &b, 1, at) != 1)
		printf("# cannot patch %s\n", path);
	close(fd);
}

static void cleanup(void)
{
	char *cmd = xasprintf("chmod -R u+rwx '%s'; rm -rf '%s'", cache, cache);

	if (system(cmd) != 0)
		printf("# could not remove %s\n", cache);
	free(cmd);
}

int main(void)
{
	struct jail_seccomp_program ref = {NULL, 0};
	struct jail_error e = {0};
	struct sc_plan *plan = NULL;
	struct profile p;
	char *entry, *dir;
	struct stat st;
	bool same;

	if (!getenv("JAIL_PROFILE_PATH")) {
		printf("Bail out! JAIL_PROFILE_PATH is not set (run through make check)\n");
		return 99;
	}
	if (!mkdtemp(cache)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 99;
	}
	atexit(cleanup);
	setenv("XDG_CACHE_HOME", cache, 1);
	unsetenv("JAIL_SECCOMP_CACHE");
	if (profile_resolve("cc", &p, &e) < 0 || sc_plan_build(&p, &plan, &e) < 0 ||
	    sc_plan_compile(plan, &ref, &e) < 0) {
		printf("Bail out! cc does not compile: %s\n", e.msg);
		return 99;
	}

	is_str(through_cache(plan, &ref, &same), "miss", "first compile is a miss");
	ok(same, "... and gives the fresh program");
	dir = xasprintf("%s/jail", cache);
	ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "cache dir is created 0700");
	entry = entry_path();
	ok(entry != NULL, "one entry is stored: %s", entry ? entry : "(none)");
	is_str(through_cache(plan, &ref, &same), "hit", "second compile is a hit");
	ok(same, "... and the cached program is the fresh one");

	if (entry) {
		/* A flipped bit in the program: the checksum catches it. */
		if (stat(entry, &st) == 0)
			patch_byte(entry, st.st_size - 3);
		is_str(through_cache(plan, &ref, &same), "rebuilt", "corrupt program is rebuilt");
		ok(same, "... and the program used is the fresh one");
		is_str(through_cache(plan, &ref, &same), "hit", "the rebuilt entry is then used");
		/* A flipped bit in the stored policy text. */
		patch_byte(entry, 30);
		is_str(through_cache(plan, &ref, &same), "rebuilt",
		       "corrupt policy text is rebuilt");
		ok(truncate(entry, 100) == 0, "truncate the entry");
		is_str(through_cache(plan, &ref, &same), "rebuilt", "truncated entry is rebuilt");
		ok(same, "... and the program used is the fresh one");
		ok(chmod(entry, 0666) == 0, "make the entry writable by others");
		is_str(through_cache(plan, &ref, &same), "rebuilt",
		       "an entry others could have written is not trusted");
		ok(stat(entry, &st) == 0 && (st.st_mode & 0077) == 0, "... and is replaced 0600");
	}
	ok(chmod(dir, 0777) == 0, "make the cache dir writable by others");
	is_str(through_cache(plan, &ref, &same), "off", "a cache dir others can write is not used");
	ok(same, "... and the program is compiled fresh");
	chmod(dir, 0700);
	setenv("JAIL_SECCOMP_CACHE", "0", 1);
	is_str(through_cache(plan, &ref, &same), "off", "JAIL_SECCOMP_CACHE=0 turns it off");

	free(entry);
	free(dir);
	free(ref.insns);
	sc_plan_free(plan);
	profile_free(&p);
	return done();
}
