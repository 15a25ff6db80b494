#include "autoconfig.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cleanup.h"
#include "policy/units.h"
#include "sandbox/idmap.h"

#define IDMAP_INSIDE_MAX 65536u

int subid_find(const char *text, const char *user, uint32_t id, uint32_t *start, uint32_t *count,
	       const char *file, struct jail_error *e)
{
	char idstr[16];
	const char *line = text;

	snprintf(idstr, sizeof(idstr), "%" PRIu32, id);
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *c1 = memchr(line, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;

		if (c1 && c2 && line[0] != '#') {
			size_t name_len = (size_t)(c1 - line);
			bool match = (user && strlen(user) == name_len &&
				      strncmp(line, user, name_len) == 0) ||
				     (strlen(idstr) == name_len && strncmp(line, idstr, name_len) == 0);
			uint32_t s, n;

			if (match && parse_digits(c1 + 1, (size_t)(c2 - c1 - 1), UINT32_MAX, &s) == 0 &&
			    parse_digits(c2 + 1, len - (size_t)(c2 + 1 - line), UINT32_MAX, &n) == 0 && n > 0) {
				*start = s;
				*count = n;
				return 0;
			}
		}
		line = end ? end + 1 : NULL;
	}
	jail_error_set(e, 0, "no subordinate range for user %s (uid/gid %" PRIu32 ") in %s",
		       user ? user : idstr, id, file);
	return jail_error_hint(e, "as root: usermod --add-subuids 100000-165535 "
				  "--add-subgids 100000-165535 %s; or use --map self",
			       user ? user : idstr);
}

static void add_range(struct idmap *m, uint32_t inside, uint32_t outside, uint32_t count)
{
	if (count == 0)
		return;
	m->r[m->n].inside = inside;
	m->r[m->n].outside = outside;
	m->r[m->n].count = count;
	m->n++;
}

int idmap_build(enum jail_map_mode mode, bool root_inside, uint32_t host_id, uint32_t sub_start,
		uint32_t sub_count, struct idmap *m, struct jail_error *e)
{
	uint32_t n;

	memset(m, 0, sizeof(*m));
	if (mode == JAIL_MAP_SELF) {
		add_range(m, root_inside ? 0 : host_id, host_id, 1);
		return 0;
	}
	n = sub_count < IDMAP_INSIDE_MAX - 1 ? sub_count : IDMAP_INSIDE_MAX - 1;
	if (n == 0)
		return jail_error_set(e, 0, "the subordinate range is empty");
	if ((uint64_t)sub_start + n > UINT32_MAX)
		return jail_error_set(e, 0, "the subordinate range %" PRIu32 "+%" PRIu32
					    " overflows", sub_start, n);
	if (host_id == 0) {
		/* The caller is host root (a build-farm agent): its own id must never be
		 * mapped, or the job's uid 0 would own every root-owned file it can see.
		 * The whole inside range comes from the subordinate range. */
		n = sub_count < IDMAP_INSIDE_MAX ? sub_count : IDMAP_INSIDE_MAX;
		add_range(m, 0, sub_start, n);
		return 0;
	}
	if (root_inside || host_id > n) {
		/* 0 is the caller; 1..n are the subordinates. Also used when the caller's own
		 * id would not fit inside the range (keep-id needs host_id <= n). */
		add_range(m, 0, host_id, 1);
		add_range(m, 1, sub_start, n);
		return 0;
	}
	/* Keep the caller's id: inside ids below it and above it come from the range, so
	 * files the caller owns look like theirs and other ids still exist for chown. */
	add_range(m, 0, sub_start, host_id);
	add_range(m, host_id, host_id, 1);
	add_range(m, host_id + 1, sub_start + host_id, n - host_id);
	return 0;
}

void idmap_format(const struct idmap *m, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
				 m->r[i].inside, m->r[i].outside, m->r[i].count);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

uint32_t idmap_inside_of(const struct idmap *m, uint32_t host_id)
{
	for (size_t i = 0; i < m->n; i++)
		if (host_id >= m->r[i].outside && host_id - m->r[i].outside < m->r[i].count)
			return m->r[i].inside + (host_id - m->r[i].outside);
	return 65534;
}
