#include "autoconfig.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "sandbox/cgroup_parse.h"

static const char *const controller_names[] = { "cpu", "io", "memory", "pids" };

const char *cg_controller_name(unsigned bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(controller_names); i++)
		if (bit == 1u << i)
			return controller_names[i];
	return "?";
}

unsigned cg_controllers_parse(const char *list)
{
	unsigned bits = 0;

	while (*list) {
		size_t n;

		list += strspn(list, " \t\n");
		n = strcspn(list, " \t\n");
		for (size_t i = 0; i < ARRAY_SIZE(controller_names); i++)
			if (n == strlen(controller_names[i]) && !strncmp(list, controller_names[i], n))
				bits |= 1u << i;
		list += n;
	}
	return bits;
}

void cg_controllers_format(unsigned bits, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(controller_names); i++) {
		if (!(bits & (1u << i)))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
				 controller_names[i]);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

/* Each line is "hierarchy-id:controllers:path"; cgroup v2 is "0::path". */
char *cg_parse_proc_cgroup(const char *text, struct jail_error *e)
{
	const char *line = text;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);

		if (n >= 4 && !strncmp(line, "0::/", 4)) {
			char *path = xmalloc(n - 2);
			memcpy(path, line + 3, n - 3);
			path[n - 3] = '\0';
			return path;
		}
		line = eol ? eol + 1 : NULL;
	}
	jail_error_set(e, 0, "this process is in no cgroup v2 hierarchy (/proc/self/cgroup has "
			     "no \"0::\" line: cgroup v1 only)");
	return NULL;
}

char *cg_v1_controllers(const char *text)
{
	size_t cap = strlen(text) + 1, used = 0;
	char *out = xmalloc(cap);
	const char *line = text;

	out[0] = '\0';
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		const char *c1 = strchr(line, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (c2 && (!eol || c2 < eol) && c2 > c1 + 1 && strncmp(c1 + 1, "name=", 5)) {
			size_t n = (size_t)(c2 - c1 - 1);
			if (used)
				out[used++] = ' ';
			memcpy(out + used, c1 + 1, n);
			used += n;
			out[used] = '\0';
		}
		line = eol ? eol + 1 : NULL;
	}
	return out;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape_octal(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Field i (0-based, space-separated) of a line: start and length. */
static bool field(const char *line, size_t linelen, int i, const char **start, size_t *len)
{
	const char *p = line, *end = line + linelen;

	for (int k = 0; p < end; k++) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *fe = sp ? sp : end;
		if (k == i) {
			*start = p;
			*len = (size_t)(fe - p);
			return true;
		}
		if (!sp)
			break;
		p = sp + 1;
	}
	return false;
}

/* "36 25 0:30 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate": the fields
 * before " - " vary in number (optional tags), so the type is found after the dash. */
char *cg_parse_mountinfo(const char *text, struct jail_error *e)
{
	const char *line = text;
	char *fallback = NULL;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		const char *dash = NULL, *root, *mnt;
		size_t rootlen, mntlen;

		for (const char *p = line; p + 3 <= line + n; p++)
			if (!strncmp(p, " - ", 3)) {
				dash = p;
				break;
			}
		if (dash && (size_t)(line + n - dash) >= 10 && !strncmp(dash + 3, "cgroup2 ", 8) &&
		    field(line, n, 3, &root, &rootlen) && field(line, n, 4, &mnt, &mntlen)) {
			char *path = unescape_octal(mnt, mntlen);
			/* A bind of a subtree does not show the whole hierarchy. */
			if (rootlen == 1 && root[0] == '/') {
				free(fallback);
				return path;
			}
			if (!fallback)
				fallback = path;
			else
				free(path);
		}
		line = eol ? eol + 1 : NULL;
	}
	if (!fallback)
		jail_error_set(e, 0, "no cgroup2 file system is mounted (/proc/self/mountinfo)");
	return fallback;
}

bool cg_keyed_get(const char *text, const char *key, uint64_t *value)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(line + klen + 1, &end, 10);
			if (errno || end == line + klen + 1)
				return false;
			*value = v;
			return true;
		}
		line = eol ? eol + 1 : NULL;
	}
	return false;
}

void cg_parse_io_stat(const char *text, struct cg_io_totals *t)
{
	static const char *const keys[] = { "rbytes=", "wbytes=", "rios=", "wios=" };
	uint64_t *dst[] = { &t->rbytes, &t->wbytes, &t->rios, &t->wios };
	const char *p = text;

	memset(t, 0, sizeof(*t));
	while (*p) {
		size_t n = strcspn(p, " \n");
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			size_t kl = strlen(keys[i]);
			if (n > kl && !strncmp(p, keys[i], kl))
				*dst[i] += strtoull(p + kl, NULL, 10);
		}
		p += n;
		p += strspn(p, " \n");
	}
}

bool cg_parse_devnum(const char *s, unsigned *maj, unsigned *min)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno || *end != ':' || end[1] < '0' || end[1] > '9')
		return false;
	b = strtoul(end + 1, &end, 10);
	if (errno || *end || a > 0xfff || b > 0xfffff)
		return false;
	*maj = (unsigned)a;
	*min = (unsigned)b;
	return true;
}

int cg_io_max_line(char *buf, size_t len, unsigned maj, unsigned min, uint64_t rbps,
		   uint64_t wbps)
{
	int n = snprintf(buf, len, "%u:%u", maj, min);

	if (n < 0 || (size_t)n >= len)
		return -1;
	if (rbps != JAIL_UNSET)
		n += snprintf(buf + n, len - (size_t)n, " rbps=%" PRIu64, rbps);
	if ((size_t)n < len && wbps != JAIL_UNSET)
		n += snprintf(buf + n, len - (size_t)n, " wbps=%" PRIu64, wbps);
	return (size_t)n < len ? n : -1;
}

#define CPU_PERIOD_USEC 100000

int cg_cpu_max_line(char *buf, size_t len, uint64_t cpu_millis)
{
	/* millis/1000 of a CPU is millis * period/1000 microseconds of quota per period. */
	uint64_t quota = cpu_millis * (CPU_PERIOD_USEC / 1000);
	int n;

	if (cpu_millis == 0 || cpu_millis > UINT64_MAX / 1000 || quota < 1000)
		return -1;
	n = snprintf(buf, len, "%" PRIu64 " %d", quota, CPU_PERIOD_USEC);
	return n >= 0 && (size_t)n < len ? n : -1;
}

void cg_job_name(char *buf, size_t len, long pid, uint64_t random)
{
	snprintf(buf, len, "jail-%ld-%016" PRIx64 ".job", pid, random);
}

long cg_job_name_pid(const char *name)
{
	char *end;
	long pid;
	size_t n = strlen(name);

	if (strncmp(name, "jail-", 5) || n < 5 + 2 + 16 + 4 || strcmp(name + n - 4, ".job"))
		return -1;
	errno = 0;
	pid = strtol(name + 5, &end, 10);
	if (errno || end == name + 5 || pid <= 0 || *end != '-')
		return -1;
	if (strspn(end + 1, "0123456789abcdef") != 16 || end + 17 != name + n - 4)
		return -1;
	return pid;
}

void cg_json_escape(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < len; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)ch;
		} else if (ch < 0x20) {
			o += (size_t)snprintf(buf + o, len - o, "\\u%04x", ch);
		} else {
			buf[o++] = (char)ch;
		}
	}
	buf[o] = '\0';
}
