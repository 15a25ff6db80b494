/* Directory skeletons: why they exist.
 *
 * In a user namespace the host's root-owned directories show up as owned by "nobody",
 * and no capability inside can override that: the job could not create a file in an
 * overlay of /usr/bin even as root inside. Overlayfs takes a merged directory's owner
 * and mode from the topmost layer that has it, so an extra lower layer holding the same
 * directory tree, empty and owned by the caller, makes every toolchain directory
 * writable by the job (the writes still land in the tmpfs upper layer). Building the
 * tree costs ~0.5 s for /usr, so it is cached in $XDG_CACHE_HOME/jail/skel and rebuilt
 * when a cheap fingerprint of the host directory changes. */
#ifndef JAIL_SKEL_H
#define JAIL_SKEL_H

#include "policy/error.h"

/* skel_begin opens the cache directory and reads what the fingerprints share, once for
 * all the toolchain dirs of a run; skel_end closes it. skel_prepare goes between them. */
void skel_begin(void);
void skel_end(void);

/* Find or build the skeleton of host directory dir. On success *path is the skeleton
 * directory (malloc'd), or NULL when no cache directory can be used (a warning has then
 * been printed: the run goes on, with toolchain dirs read-only for the job). */
int skel_prepare(const char *dir, char **path, struct jail_error *e);

#endif
