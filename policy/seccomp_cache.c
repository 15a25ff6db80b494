#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/bpf_interp.h"
#include "policy/cleanup.h"
#include "policy/seccomp_cache.h"

#define CACHE_MAGIC "JAILBPF1"

struct cache_header {
	char magic[8];
	uint32_t policy_len; /* bytes of canonical text that follow the header */
	uint32_t insn_count; /* struct sock_filter that follow the text */
	uint64_t checksum;   /* jail_hash64 over text and program */
};

static enum seccomp_cache_result last_result = SECCOMP_CACHE_OFF;
static const char *last_why = "not used yet";

enum seccomp_cache_result seccomp_cache_last(const char **why)
{
	if (why)
		*why = last_why;
	return last_result;
}

/* FNV-1a, 64 bits. Integrity against torn or corrupt files, not an adversary: the
 * directory is checked to be writable by its owner only, and a hit also compares the
 * stored canonical text byte for byte. */
uint64_t jail_hash64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Everything that changes the program: the plan, the libseccomp that compiles it,
 * the architecture it is for. */
static char *cache_text_of(const char *body)
{
	const struct scmp_version *v = seccomp_version();

	return xasprintf("jail seccomp cache v1\nlibseccomp %u.%u.%u\nnative %08x\n%s",
			 v->major, v->minor, v->micro, seccomp_arch_native(), body);
}

static char *cache_text(const struct sc_plan *plan)
{
	_cleanup_free_ char *canon = sc_plan_canonical(plan);

	return cache_text_of(canon);
}

static char *entry_name(const char *text)
{
	return xasprintf("%016llx.bpf", (unsigned long long)jail_hash64(text, strlen(text), 0));
}

static int safe_dir(int fd, const char **why)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
		return *why = "cache path is not a directory", -1;
	if (st.st_uid != geteuid())
		return *why = "cache directory is not owned by this user", -1;
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return *why = "cache directory is writable by group or others", -1;
	return 0;
}

int jail_cache_dir_open(const char **why)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *base = NULL, *dir = NULL;
	_cleanup_close_ int fd = -1;

	if (xdg && xdg[0] == '/')
		base = xstrdup(xdg);
	else if (home && home[0] == '/')
		base = xasprintf("%s/.cache", home);
	else
		return *why = "no XDG_CACHE_HOME or HOME", -1;
	dir = xasprintf("%s/jail", base);
	if (mkdir(base, 0700) < 0 && errno != EEXIST)
		return *why = "cannot create the cache base directory", -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return *why = "cannot create the cache directory", -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return *why = "cannot open the cache directory", -1;
	if (safe_dir(fd, why) < 0)
		return -1;
	return steal_fd(fd);
}

static int read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* 1: valid entry loaded into out; 0: no entry; -1: an entry that must be rebuilt. */
static int load_entry(int dirfd, const char *name, const char *text,
		      struct jail_seccomp_program *out)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_free_ char *body = NULL;
	size_t text_len = strlen(text), prog_bytes;
	struct cache_header h;
	struct jail_error ignored;
	struct stat st;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) || read_all(fd, &h, sizeof(h)) < 0)
		return -1;
	prog_bytes = (size_t)h.insn_count * sizeof(struct sock_filter);
	if (memcmp(h.magic, CACHE_MAGIC, 8) != 0 || h.policy_len != text_len ||
	    h.insn_count == 0 || h.insn_count > 4096 ||
	    (uint64_t)st.st_size != sizeof(h) + text_len + prog_bytes)
		return -1;
	body = xmalloc(text_len + prog_bytes);
	if (read_all(fd, body, text_len + prog_bytes) < 0 ||
	    jail_hash64(body, text_len + prog_bytes, 0) != h.checksum ||
	    memcmp(body, text, text_len) != 0)
		return -1;
	out->len = h.insn_count;
	out->insns = xmalloc(prog_bytes);
	memcpy(out->insns, body + text_len, prog_bytes);
	/* Even a matching entry is checked like untrusted input before it is used. */
	if (bpf_validate(out->insns, out->len, &ignored) < 0) {
		free(out->insns);
		out->insns = NULL;
		return -1;
	}
	return 1;
}

static int write_all(int fd, const void *buf, size_t len)
{
	return (size_t)write(fd, buf, len) == len ? 0 : -1;
}

/* tmp + rename: a reader sees the old entry, no entry, or the whole new one. */
static void store_entry(int dirfd, const char *name, const char *text,
			const struct jail_seccomp_program *prog)
{
	size_t text_len = strlen(text), prog_bytes = prog->len * sizeof(*prog->insns);
	_cleanup_free_ char *body = xmalloc(text_len + prog_bytes);
	_cleanup_free_ char *tmp = xasprintf(".tmp.%d.%s", (int)getpid(), name);
	struct cache_header h = { .policy_len = (uint32_t)text_len,
				  .insn_count = (uint32_t)prog->len };
	_cleanup_close_ int fd = -1;

	memcpy(h.magic, CACHE_MAGIC, 8);
	memcpy(body, text, text_len);
	memcpy(body + text_len, prog->insns, prog_bytes);
	h.checksum = jail_hash64(body, text_len + prog_bytes, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write_all(fd, &h, sizeof(h)) < 0 || write_all(fd, body, text_len + prog_bytes) < 0 ||
	    renameat(dirfd, tmp, dirfd, name) < 0)
		unlinkat(dirfd, tmp, 0);
}

int seccomp_cache_compile(const struct sc_plan *plan, struct jail_seccomp_program *out,
			  struct jail_error *e)
{
	const char *env = getenv("JAIL_SECCOMP_CACHE");
	_cleanup_free_ char *text = NULL, *name = NULL;
	_cleanup_close_ int dirfd = -1;
	int r;

	last_result = SECCOMP_CACHE_OFF;
	if (env && strcmp(env, "0") == 0) {
		last_why = "JAIL_SECCOMP_CACHE=0";
		return sc_plan_compile(plan, out, e);
	}
	dirfd = jail_cache_dir_open(&last_why);
	if (dirfd < 0)
		return sc_plan_compile(plan, out, e);
	text = cache_text(plan);
	name = entry_name(text);
	r = load_entry(dirfd, name, text, out);
	if (r == 1) {
		last_result = SECCOMP_CACHE_HIT;
		last_why = "hit";
		return 0;
	}
	if (sc_plan_compile(plan, out, e) < 0)
		return -1;
	if (r < 0)
		unlinkat(dirfd, name, 0);
	store_entry(dirfd, name, text, out);
	last_result = r < 0 ? SECCOMP_CACHE_REBUILT : SECCOMP_CACHE_MISS;
	last_why = r < 0 ? "bad entry rebuilt" : "miss, stored";
	return 0;
}

int seccomp_cache_get(const char *key, struct jail_seccomp_program *out)
{
	const char *env = getenv("JAIL_SECCOMP_CACHE");
	_cleanup_free_ char *text = NULL, *name = NULL;
	_cleanup_close_ int dirfd = -1;
	const char *why;

	if (env && strcmp(env, "0") == 0)
		return 0;
	if ((dirfd = jail_cache_dir_open(&why)) < 0)
		return 0;
	text = cache_text_of(key);
	name = entry_name(text);
	if (load_entry(dirfd, name, text, out) != 1)
		return 0;
	last_result = SECCOMP_CACHE_HIT;
	last_why = "hit (by inputs)";
	return 1;
}

void seccomp_cache_put(const char *key, const struct jail_seccomp_program *prog)
{
	const char *env = getenv("JAIL_SECCOMP_CACHE");
	_cleanup_free_ char *text = NULL, *name = NULL;
	_cleanup_close_ int dirfd = -1;
	const char *why;

	if ((env && strcmp(env, "0") == 0) || (dirfd = jail_cache_dir_open(&why)) < 0)
		return;
	text = cache_text_of(key);
	name = entry_name(text);
	store_entry(dirfd, name, text, prog);
}
