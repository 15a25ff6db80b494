#include "autoconfig.h"

#include <ctype.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "sandbox/paths.h"

char *path_normalize(const char *path, const char *what, struct jail_error *e)
{
	size_t len;
	char *out, *o;
	const char *p = path;

	if (!path || !*path) {
		jail_error_set(e, 0, "%s: empty path", what);
		return NULL;
	}
	if (path[0] != '/') {
		jail_error_set(e, 0, "%s: '%s' is not an absolute path", what, path);
		return NULL;
	}
	len = strlen(path);
	if (len >= 4096) {
		jail_error_set(e, ENAMETOOLONG, "%s: path of %zu bytes", what, len);
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		if (iscntrl((unsigned char)path[i])) {
			jail_error_set(e, 0, "%s: path contains a control character", what);
			return NULL;
		}
	}
	o = out = xmalloc(len + 2);
	while (*p) {
		const char *seg;
		size_t seg_len;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		seg_len = (size_t)(p - seg);
		if (seg_len == 0 || (seg_len == 1 && seg[0] == '.'))
			continue;
		if (seg_len == 2 && seg[0] == '.' && seg[1] == '.') {
			free(out);
			jail_error_set(e, 0, "%s: '%s' contains '..'", what, path);
			return NULL;
		}
		*o++ = '/';
		memcpy(o, seg, seg_len);
		o += seg_len;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	return out;
}

bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int bind_spec_split(const char *spec, char **src, char **dst, struct jail_error *e)
{
	const char *colon = strchr(spec, ':');

	if (!*spec || colon == spec)
		return jail_error_set(e, 0, "bind '%s': expected SRC[:DST]", spec);
	if (colon && !colon[1])
		return jail_error_set(e, 0, "bind '%s': empty destination after ':'", spec);
	*src = colon ? strndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
	if (!*src)
		*src = xstrdup("");
	*dst = xstrdup(colon ? colon + 1 : spec);
	return 0;
}

const char *path_relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

DIR *fdopendir_dup(int fd)
{
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	DIR *d = dup < 0 ? NULL : fdopendir(dup);

	if (!d && dup >= 0)
		close(dup);
	return d;
}
