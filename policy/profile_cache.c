#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <yaml.h>

#include "policy/bpf_interp.h"
#include "policy/cleanup.h"
#include "policy/profile_cache.h"
#include "policy/seccomp_cache.h"

#define ENTRY_MAGIC "JAILPRC1"
#define ENTRY_MAX (4u << 20) /* profiles are at most 1 MiB each; a chain of them */

/* The walk below must name every pointer in these structs. A field added to one of
 * them changes its size (a pointer cannot hide in padding) and stops the build here:
 * add the field to walk(), then update the size. Plain values need nothing: they travel
 * in the struct's bytes. Sizes are for LP64 (x86_64, aarch64...). */
#if __SIZEOF_POINTER__ == 8 && __SIZEOF_LONG__ == 8
_Static_assert(sizeof(struct profile) == 464, "struct profile changed: update walk()");
_Static_assert(sizeof(struct profile_mount) == 24, "profile_mount changed: update walk()");
_Static_assert(sizeof(struct profile_io) == 24, "profile_io changed: update walk()");
_Static_assert(sizeof(struct sc_rule) == 184, "sc_rule changed: update walk()");
_Static_assert(sizeof(struct sc_cond) == 24, "sc_cond changed: update walk()");
_Static_assert(sizeof(struct profile_removal) == 24, "profile_removal changed: update walk()");
_Static_assert(sizeof(struct jail_setenv) == 16, "jail_setenv changed: update walk()");
_Static_assert(sizeof(struct jail_rlimit) == 24, "jail_rlimit changed: update walk()");
_Static_assert(sizeof(struct jail_net) == 40, "jail_net changed: update walk()");
_Static_assert(sizeof(struct jail_cidr) == 24, "jail_cidr changed: update walk()");
_Static_assert(sizeof(struct jail_bpf) == 48, "jail_bpf changed: update walk()");
_Static_assert(sizeof(struct jail_egress_rule) == 20, "jail_egress_rule changed");
_Static_assert(sizeof(struct jail_device_rule) == 16, "jail_device_rule changed");
#endif

/* ---- one walk for writing, reading and clearing ---- */

enum ser_mode { SER_WRITE, SER_READ, SER_CLEAR };

struct ser {
	enum ser_mode mode;
	bool bad;	/* read: input ran short or was malformed; the walk still completes */
	char *out;	/* write */
	size_t len, cap;
	const char *arr; /* write: the array last written, and where its bytes went */
	size_t arr_bytes, arr_at;
	const char *in; /* read */
	size_t pos, end;
};

static void raw(struct ser *s, void *p, size_t n)
{
	if (n == 0)
		return; /* p may be NULL then (an empty array), which memcpy does not take */
	if (s->mode == SER_WRITE) {
		if (s->cap - s->len < n) {
			s->cap = (s->cap + n) * 2;
			s->out = xrealloc(s->out, s->cap);
		}
		memcpy(s->out + s->len, p, n);
		s->len += n;
	} else if (s->mode == SER_READ && !s->bad && s->end - s->pos >= n) {
		memcpy(p, s->in + s->pos, n);
		s->pos += n;
	} else {
		if (s->mode == SER_READ)
			s->bad = true;
		memset(p, 0, n);
	}
}

/* Write: a pointer inside the array just written goes out as 0, like those of the
 * profile itself, so that no address reaches the disk and equal profiles give equal
 * bytes. */
static void clear_in_array(struct ser *s, const void *field)
{
	const char *f = field;

	if (s->mode == SER_WRITE && s->arr && f >= s->arr && f < s->arr + s->arr_bytes)
		memset(s->out + s->arr_at + (size_t)(f - s->arr), 0, sizeof(void *));
}

static uint64_t count(struct ser *s, uint64_t n)
{
	raw(s, &n, sizeof(n));
	return n;
}

/* A string: its length with the NUL, 0 for NULL. */
static void str(struct ser *s, char **p)
{
	uint64_t n;

	clear_in_array(s, p);
	n = count(s, s->mode == SER_WRITE && *p ? strlen(*p) + 1 : 0);
	if (s->mode == SER_WRITE) {
		raw(s, *p, n);
		return;
	}
	*p = NULL;
	if (s->mode == SER_CLEAR || s->bad || n == 0)
		return;
	if (n > s->end - s->pos || memchr(s->in + s->pos, '\0', n) != s->in + s->pos + n - 1) {
		s->bad = true;
		return;
	}
	*p = xmalloc(n);
	raw(s, *p, n);
}

/* A NULL-terminated list: its length plus one, 0 for NULL. */
static void strv(struct ser *s, char ***p)
{
	uint64_t n = count(s, s->mode == SER_WRITE && *p ? strv_length(*p) + 1 : 0);

	if (s->mode == SER_WRITE) {
		for (uint64_t i = 0; i + 1 < n; i++)
			str(s, &(*p)[i]);
		return;
	}
	*p = NULL;
	if (s->mode == SER_CLEAR || s->bad || n == 0)
		return;
	if (n - 1 > (s->end - s->pos) / sizeof(uint64_t)) { /* each item takes 8 bytes or more */
		s->bad = true;
		return;
	}
	*p = xcalloc(n, sizeof(char *));
	for (uint64_t i = 0; i + 1 < n && !s->bad; i++) {
		str(s, &(*p)[i]);
		if (!(*p)[i])
			s->bad = true; /* a NULL inside would cut the list short */
	}
}

/* An array of structs, their bytes as they are; the caller walks their pointers next. */
static void array(struct ser *s, void **p, size_t *n, size_t elem)
{
	uint64_t cnt = count(s, s->mode == SER_WRITE ? *n : 0);

	if (s->mode == SER_WRITE) {
		s->arr = *p;
		s->arr_bytes = cnt * elem;
		s->arr_at = s->len;
		raw(s, *p, cnt * elem);
		return;
	}
	*p = NULL;
	*n = 0;
	if (s->mode == SER_CLEAR || s->bad || cnt == 0)
		return;
	if (cnt > (s->end - s->pos) / elem) {
		s->bad = true;
		return;
	}
	*p = xmalloc(cnt * elem);
	raw(s, *p, cnt * elem);
	*n = cnt;
}

#define ARRAY(s, field, n) array((s), (void **)&(field), &(n), sizeof(*(field)))

/* Every pointer of a profile, in one fixed order. */
static void walk(struct ser *s, struct profile *p)
{
	str(s, &p->name);
	str(s, &p->description);
	str(s, &p->extends);
	str(s, &p->extends_where);
	str(s, &p->file);
	strv(s, &p->chain);
	strv(s, &p->toolchain);
	strv(s, &p->toolchain_remove);
	ARRAY(s, p->mounts, p->n_mounts);
	for (size_t i = 0; i < p->n_mounts; i++) {
		str(s, &p->mounts[i].src);
		str(s, &p->mounts[i].dst);
	}
	strv(s, &p->mounts_remove);
	ARRAY(s, p->net.allow, p->net.n_allow);
	ARRAY(s, p->net.dns, p->net.n_dns);
	ARRAY(s, p->io, p->n_io);
	for (size_t i = 0; i < p->n_io; i++)
		str(s, &p->io[i].device);
	strv(s, &p->io_remove);
	ARRAY(s, p->rlimits, p->n_rlimits);
	strv(s, &p->rlimits_remove);
	strv(s, &p->arches);
	strv(s, &p->arches_remove);
	ARRAY(s, p->rules, p->n_rules);
	for (size_t i = 0; i < p->n_rules; i++) {
		str(s, &p->rules[i].name);
		str(s, &p->rules[i].where);
	}
	strv(s, &p->allow_remove);
	strv(s, &p->deny_remove);
	strv(s, &p->env_keep);
	strv(s, &p->env_keep_remove);
	ARRAY(s, p->env_set, p->n_env_set);
	for (size_t i = 0; i < p->n_env_set; i++) {
		str(s, &p->env_set[i].name);
		str(s, &p->env_set[i].value);
	}
	strv(s, &p->env_set_remove);
	ARRAY(s, p->removals, p->n_removals);
	for (size_t i = 0; i < p->n_removals; i++) {
		str(s, &p->removals[i].key);
		str(s, &p->removals[i].value);
		str(s, &p->removals[i].where);
	}
	ARRAY(s, p->bpf.egress, p->bpf.n_egress);
	ARRAY(s, p->bpf.devices, p->bpf.n_devices);
}

/* The struct's bytes with every pointer cleared (no stale addresses on disk), then
 * what the pointers point to. */
static void put_profile(struct ser *s, const struct profile *p)
{
	struct profile bare;
	struct ser clear = { .mode = SER_CLEAR };

	memcpy(&bare, p, sizeof(bare)); /* padding too: equal profiles, equal bytes */
	walk(&clear, &bare);
	raw(s, &bare, sizeof(bare));
	walk(s, (struct profile *)p);
}

static void get_profile(struct ser *s, struct profile *p)
{
	raw(s, p, sizeof(*p));
	walk(s, p);
}

char *profile_serialize(const struct profile *p, size_t *len)
{
	struct ser s = { .mode = SER_WRITE };

	put_profile(&s, p);
	*len = s.len;
	return s.out;
}

int profile_deserialize(const char *buf, size_t len, struct profile *p)
{
	struct ser s = { .mode = SER_READ, .in = buf, .end = len };

	get_profile(&s, p);
	return s.bad || s.pos != s.end ? -1 : 0;
}

/* ---- what a resolution read ---- */

enum { INPUT_FIND = 1, INPUT_READ = 2 };

struct input {
	uint8_t kind;
	char *arg;	/* FIND: the file name looked up; READ: the path read */
	char *path;	/* FIND: where it was found, NULL if not */
	char *data;	/* READ: the bytes, NULL if unreadable */
	uint64_t len, dev, ino;
};

static struct {
	bool on;
	struct input *v;
	size_t n;
} rec;

static enum profile_cache_result last = PROFILE_CACHE_OFF;

enum profile_cache_result profile_cache_last(void)
{
	return last;
}

static struct input *rec_add(uint8_t kind, const char *arg)
{
	struct input *in;

	rec.v = xrealloc(rec.v, (rec.n + 1) * sizeof(*rec.v));
	in = &rec.v[rec.n++];
	memset(in, 0, sizeof(*in));
	in->kind = kind;
	in->arg = xstrdup(arg);
	return in;
}

/* The same lookup or read twice (the groups file is read for the seccomp key, and
 * again to build the program) is recorded once, unless it came out different. */
static bool seen(uint8_t kind, const char *arg, const char *path, const char *data,
		 size_t len)
{
	for (size_t i = 0; i < rec.n; i++) {
		const struct input *in = &rec.v[i];
		if (in->kind != kind || strcmp(in->arg, arg) != 0)
			continue;
		if (kind == INPUT_FIND && (in->path && path ? strcmp(in->path, path) == 0
							    : in->path == path))
			return true;
		if (kind == INPUT_READ && data && in->data && in->len == len &&
		    memcmp(in->data, data, len) == 0)
			return true;
	}
	return false;
}

void profile_cache_note_find(const char *file, const char *path)
{
	if (rec.on && !seen(INPUT_FIND, file, path, NULL, 0))
		rec_add(INPUT_FIND, file)->path = path ? xstrdup(path) : NULL;
}

void profile_cache_note_read(const char *path, const char *buf, size_t len, dev_t dev,
			     ino_t ino)
{
	struct input *in;

	if (!rec.on || seen(INPUT_READ, path, NULL, buf, len))
		return;
	in = rec_add(INPUT_READ, path);
	if (buf) {
		in->data = xmalloc(len + 1);
		memcpy(in->data, buf, len);
		in->data[len] = '\0';
		in->len = len;
		in->dev = dev;
		in->ino = ino;
	}
}

void profile_cache_abandon(void)
{
	for (size_t i = 0; i < rec.n; i++) {
		free(rec.v[i].arg);
		free(rec.v[i].path);
		free(rec.v[i].data);
	}
	free(rec.v);
	memset(&rec, 0, sizeof(rec));
}

static bool cache_off(void)
{
	const char *a = getenv("JAIL_PROFILE_CACHE"), *b = getenv("JAIL_SECCOMP_CACHE");

	return (a && strcmp(a, "0") == 0) || (b && strcmp(b, "0") == 0);
}

void profile_cache_begin(void)
{
	profile_cache_abandon();
	rec.on = !cache_off();
	last = rec.on ? PROFILE_CACHE_MISS : PROFILE_CACHE_OFF;
}

/* ---- checking the recorded inputs again ---- */

/* In place, in the entry being read: a string as str() wrote it (NULL for a NULL or on
 * malformed input, s->bad then), or len bytes. */
static const char *view_str(struct ser *s)
{
	uint64_t n = count(s, 0);
	const char *v = s->in + s->pos;

	if (s->bad || n == 0)
		return NULL;
	if (n > s->end - s->pos || memchr(v, '\0', n) != v + n - 1) {
		s->bad = true;
		return NULL;
	}
	s->pos += n;
	return v;
}

static const char *view_bytes(struct ser *s, uint64_t n)
{
	const char *v = s->in + s->pos;

	if (s->bad || n > s->end - s->pos) {
		s->bad = true;
		return NULL;
	}
	s->pos += n;
	return v;
}

/* Is path still exactly the file that was read: same device, inode and bytes? Read in
 * pieces on the stack and compared as they come (no copy on the heap). */
static bool same_read(const char *path, bool was_read, uint64_t dev, uint64_t ino,
		      const char *data, uint64_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char buf[4096];
	uint64_t got = 0;
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return !was_read;
	if (!was_read || (uint64_t)st.st_dev != dev || (uint64_t)st.st_ino != ino ||
	    (uint64_t)st.st_size != len)
		return false;
	/* Until EOF: a file that grew since the fstat is a different file. */
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if ((uint64_t)n > len - got || memcmp(buf, data + got, (size_t)n) != 0)
			return false;
		got += (uint64_t)n;
	}
	return n == 0 && got == len;
}

static bool same_find(const char *file, const char *was_found)
{
	_cleanup_free_ char *path = NULL;
	struct jail_error ignored = { 0 };

	if (profile_find_file(file, &path, &ignored) < 0)
		return !was_found;
	return was_found && strcmp(path, was_found) == 0;
}

static void put_inputs(struct ser *s)
{
	count(s, rec.n);
	for (size_t i = 0; i < rec.n; i++) {
		struct input *in = &rec.v[i];
		uint64_t was_read = in->data != NULL;

		raw(s, &in->kind, sizeof(in->kind));
		str(s, &in->arg);
		if (in->kind == INPUT_FIND) {
			str(s, &in->path);
			continue;
		}
		raw(s, &was_read, sizeof(was_read));
		raw(s, &in->dev, sizeof(in->dev));
		raw(s, &in->ino, sizeof(in->ino));
		raw(s, &in->len, sizeof(in->len));
		raw(s, in->data, was_read ? in->len : 0);
	}
}

/* Every recorded input, looked up or read again and compared; false at the first
 * difference or on malformed input. */
static bool inputs_match(struct ser *s)
{
	uint64_t n = count(s, 0);

	for (uint64_t i = 0; i < n && !s->bad; i++) {
		uint64_t was_read = 0, dev = 0, ino = 0, len = 0;
		uint8_t kind = 0;
		const char *arg, *path, *data;

		raw(s, &kind, sizeof(kind));
		arg = view_str(s);
		if (!arg || (kind != INPUT_FIND && kind != INPUT_READ))
			return false;
		if (kind == INPUT_FIND) {
			path = view_str(s);
			if (s->bad || !same_find(arg, path))
				return false;
			continue;
		}
		raw(s, &was_read, sizeof(was_read));
		raw(s, &dev, sizeof(dev));
		raw(s, &ino, sizeof(ino));
		raw(s, &len, sizeof(len));
		data = view_bytes(s, was_read ? len : 0);
		if (s->bad || !same_read(arg, was_read, dev, ino, data, len))
			return false;
	}
	return !s->bad;
}

static void walk_program(struct ser *s, struct jail_seccomp_program *prog)
{
	ARRAY(s, prog->insns, prog->len);
}

/* ---- the entry ---- */

static int add_object(struct dl_phdr_info *info, size_t size, void *data)
{
	FILE *f = data;
	struct stat st;

	(void)size;
	if (info->dlpi_name && info->dlpi_name[0] == '/' && stat(info->dlpi_name, &st) == 0)
		fprintf(f, "object %s %llu:%llu %lld.%09ld %lld\n", info->dlpi_name,
			(unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
			(long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (long long)st.st_size);
	return 0;
}

/* The code that resolves and compiles: jail itself, any shared object it loaded (none
 * in the static build), the kernel (libcap and libseccomp ask it what it supports), and
 * the search path (part of the entry's name, so that two paths do not evict each other). */
static char *identity(const char *name)
{
	const struct scmp_version *v = seccomp_version();
	char **dirs = profile_search_dirs();
	char *text = NULL;
	size_t len = 0;
	struct utsname u;
	struct stat self;
	FILE *f;

	if (stat("/proc/self/exe", &self) < 0 || uname(&u) < 0 ||
	    !(f = open_memstream(&text, &len))) {
		strv_free(dirs);
		return NULL;
	}
	fprintf(f, "jail profile cache v1\njail %s %llu:%llu %lld.%09ld %lld\n", PACKAGE_VERSION,
		(unsigned long long)self.st_dev, (unsigned long long)self.st_ino,
		(long long)self.st_mtim.tv_sec, self.st_mtim.tv_nsec, (long long)self.st_size);
	dl_iterate_phdr(add_object, f);
	fprintf(f, "kernel %s %s %s\nlibseccomp %u.%u.%u native %08x\nlibyaml %s\nprofile %s\n",
		u.release, u.version, u.machine, v->major, v->minor, v->micro,
		seccomp_arch_native(), yaml_get_version_string(), name);
	for (size_t i = 0; dirs[i]; i++)
		fprintf(f, "dir %s\n", dirs[i]);
	strv_free(dirs);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

struct entry_header {
	char magic[8];
	uint64_t len;	   /* bytes that follow */
	uint64_t checksum; /* jail_hash64 of them: torn or corrupt files */
};

void profile_cache_store(const char *name, const struct profile *p,
			 const struct jail_seccomp_program *prog)
{
	_cleanup_free_ char *id = NULL, *file = NULL, *tmp = NULL;
	struct ser s = { .mode = SER_WRITE };
	struct entry_header h;
	struct jail_seccomp_program copy = *prog;
	_cleanup_close_ int dir = -1, fd = -1;
	const char *why;

	if (!rec.on || !(id = identity(name)) || (dir = jail_cache_dir_open(&why)) < 0)
		goto out;
	str(&s, &id);
	put_inputs(&s);
	walk_program(&s, &copy);
	put_profile(&s, p);
	if (s.len > ENTRY_MAX)
		goto out;
	memcpy(h.magic, ENTRY_MAGIC, sizeof(h.magic));
	h.len = s.len;
	h.checksum = jail_hash64(s.out, s.len, 0);
	file = xasprintf("%016llx.profile", (unsigned long long)jail_hash64(id, strlen(id), 0));
	tmp = xasprintf(".tmp.%d.%s", (int)getpid(), file);
	/* tmp + rename: a reader sees the old entry, none, or the whole new one. */
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0 && (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
			write(fd, s.out, s.len) != (ssize_t)s.len || renameat(dir, tmp, dir, file) < 0))
		unlinkat(dir, tmp, 0);
out:
	free(s.out);
	profile_cache_abandon();
}

/* The entry mapped from the page cache (a read into the heap would touch as many fresh
 * pages as the entry is long); NULL unless it is ours, whole and intact. */
static const char *entry_map(int dir, const char *file, size_t *len)
{
	_cleanup_close_ int fd = openat(dir, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct entry_header h;
	struct stat st;
	char *map;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) || st.st_size < (off_t)sizeof(h) ||
	    (uint64_t)st.st_size - sizeof(h) > ENTRY_MAX)
		return NULL;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return NULL;
	memcpy(&h, map, sizeof(h));
	if (memcmp(h.magic, ENTRY_MAGIC, 8) != 0 || h.len != (uint64_t)st.st_size - sizeof(h) ||
	    jail_hash64(map + sizeof(h), h.len, 0) != h.checksum) {
		munmap(map, (size_t)st.st_size);
		return NULL;
	}
	*len = (size_t)st.st_size;
	return map;
}

int profile_cache_load(const char *name, struct profile *p, struct jail_seccomp_program *prog)
{
	_cleanup_free_ char *id = NULL, *file = NULL;
	struct jail_seccomp_program got = { NULL, 0 };
	struct jail_error ignored = { 0 };
	_cleanup_close_ int dir = -1;
	struct ser s = { .mode = SER_READ };
	const char *map, *why, *stored_id;
	struct profile q;
	bool ok;

	last = PROFILE_CACHE_OFF;
	if (cache_off() || !(id = identity(name)) || (dir = jail_cache_dir_open(&why)) < 0)
		return 0;
	last = PROFILE_CACHE_MISS;
	file = xasprintf("%016llx.profile", (unsigned long long)jail_hash64(id, strlen(id), 0));
	if (!(map = entry_map(dir, file, &s.end)))
		return 0;
	s.in = map;
	s.pos = sizeof(struct entry_header);
	stored_id = view_str(&s);
	ok = stored_id && strcmp(stored_id, id) == 0 && inputs_match(&s);
	if (ok) {
		walk_program(&s, &got);
		get_profile(&s, &q);
		/* Checked like untrusted input even when everything matched. */
		ok = !s.bad && s.pos == s.end &&
		     (!got.len || bpf_validate(got.insns, got.len, &ignored) == 0);
		if (!ok) {
			free(got.insns);
			profile_free(&q);
		}
	}
	munmap((void *)map, s.end);
	if (!ok)
		return 0;
	*p = q;
	*prog = got;
	last = PROFILE_CACHE_HIT;
	return 1;
}
