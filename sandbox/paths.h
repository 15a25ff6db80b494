/* Pure path handling: no system calls. */
#ifndef JAIL_PATHS_H
#define JAIL_PATHS_H

#include <dirent.h>
#include <stdbool.h>

#include "policy/error.h"

/* Normalize an absolute path: collapse "//" and "/./", drop a trailing '/'. ".." is
 * refused (a sandbox path that climbs is a mistake or an attack), as are relative
 * paths, empty strings and NUL-free-but-control-character names. Returns a malloc'd
 * string or NULL with e set; what names the option for the message. */
char *path_normalize(const char *path, const char *what, struct jail_error *e);
/* true if path equals dir or lies below it (both normalized). */
bool path_is_under(const char *path, const char *dir);
/* Split "SRC[:DST]" at the first ':'; DST defaults to SRC. Both malloc'd. */
int bind_spec_split(const char *spec, char **src, char **dst, struct jail_error *e);
/* "/a/b/c" -> "a/b/c" (pointer into path). */
const char *path_relative(const char *path);
/* A directory stream on a duplicate of fd (fd itself stays open and the caller's). */
DIR *fdopendir_dup(int fd);

#endif
