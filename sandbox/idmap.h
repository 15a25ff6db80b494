/* Pure part of the user namespace setup: subordinate id lookup and map lines. */
#ifndef JAIL_IDMAP_H
#define JAIL_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/config.h"
#include "policy/error.h"

struct idmap_range {
	uint32_t inside;
	uint32_t outside;
	uint32_t count;
};

#define IDMAP_MAX_RANGES 4

struct idmap {
	struct idmap_range r[IDMAP_MAX_RANGES];
	size_t n;
};

/* Find the first range for user (by name or numeric id) in the text of /etc/subuid or
 * /etc/subgid ("name:start:count" lines). Returns 0, or -1 with e set when none. */
int subid_find(const char *text, const char *user, uint32_t id, uint32_t *start, uint32_t *count,
	       const char *file, struct jail_error *e);

/* The map for one kind of id (uid or gid).
 *   self, root:      0 -> host_id
 *   self, not root:  host_id -> host_id
 *   subuid, host_id 0 (jail run by host root): 0..count-1 -> sub_start.. only
 *   subuid, root:    0 -> host_id, 1..count -> sub_start..
 *   subuid, not root: host_id -> host_id, 0..host_id-1 and host_id+1.. -> the range
 *                     (the caller keeps their own id inside; the rest are subordinates)
 * The inside range is capped at 65536 ids. */
int idmap_build(enum jail_map_mode mode, bool root_inside, uint32_t host_id, uint32_t sub_start,
		uint32_t sub_count, struct idmap *m, struct jail_error *e);

/* "inside outside count\n" lines for /proc/PID/uid_map. */
void idmap_format(const struct idmap *m, char *buf, size_t len);
/* The inside id that the process which created the namespace has. */
uint32_t idmap_inside_of(const struct idmap *m, uint32_t host_id);

#endif
