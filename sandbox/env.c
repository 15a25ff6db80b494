#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox/env.h"

/* Names that carry no secrets and that builds and terminals need. Everything else the
 * caller has (tokens, SSH_AUTH_SOCK, DBUS_SESSION_BUS_ADDRESS, ...) stays outside. */
static const char *const allowed_env[] = { "PATH", "TERM", "LANG", "LC_*", "TZ", NULL };

static bool name_matches(const char *pattern, const char *name, size_t name_len)
{
	size_t plen = strlen(pattern);

	if (plen > 0 && pattern[plen - 1] == '*')
		return name_len >= plen - 1 && strncmp(pattern, name, plen - 1) == 0;
	return plen == name_len && strncmp(pattern, name, name_len) == 0;
}

static bool env_allowed(const struct jail_config *c, const char *name, size_t len)
{
	for (size_t i = 0; allowed_env[i]; i++)
		if (name_matches(allowed_env[i], name, len))
			return true;
	for (size_t i = 0; c->keep_env && c->keep_env[i]; i++)
		if (name_matches(c->keep_env[i], name, len))
			return true;
	return false;
}

/* Replace or append NAME=VALUE in env (which has room). */
static void env_put(char **env, size_t *n, const char *name, const char *value)
{
	size_t len = strlen(name);
	char *entry = xasprintf("%s=%s", name, value);

	for (size_t i = 0; i < *n; i++) {
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=') {
			free(env[i]);
			env[i] = entry;
			return;
		}
	}
	env[(*n)++] = entry;
	env[*n] = NULL;
}

char **env_build(const struct jail_config *c, char *const *host_env, const char *home,
		 const char *user)
{
	size_t cap = strv_length(host_env) + c->n_set_env + 8, n = 0;
	char **env = xcalloc(cap, sizeof(char *));

	for (size_t i = 0; host_env && host_env[i]; i++) {
		const char *eq = strchr(host_env[i], '=');

		if (eq && eq != host_env[i] &&
		    env_allowed(c, host_env[i], (size_t)(eq - host_env[i])) &&
		    !env_get(env, host_env[i]))
			env[n++] = xstrdup(host_env[i]);
	}
	if (!env_get(env, "PATH"))
		env_put(env, &n, "PATH", JAIL_DEFAULT_PATH);
	env_put(env, &n, "HOME", home);
	env_put(env, &n, "USER", user);
	env_put(env, &n, "LOGNAME", user);
	for (size_t i = 0; i < c->n_set_env; i++)
		env_put(env, &n, c->set_env[i].name, c->set_env[i].value);
	return env;
}

const char *env_get(char *const *env, const char *name)
{
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}
