/* Pure: the job's environment, built from an allowlist. */
#ifndef JAIL_ENV_H
#define JAIL_ENV_H

#include "policy/config.h"

#define JAIL_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"

/* From host_env keep PATH, TERM, LANG, LC_*, TZ and the names in c->keep_env (a trailing
 * '*' matches a prefix); then set HOME, USER, LOGNAME; then c->set_env. PATH gets a
 * default when the caller has none. Returns a malloc'd NULL-terminated vector. */
char **env_build(const struct jail_config *c, char *const *host_env, const char *home,
		 const char *user);
/* Value of name in a NULL-terminated env vector, or NULL. */
const char *env_get(char *const *env, const char *name);

#endif
