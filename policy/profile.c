#include "autoconfig.h"

#include "policy/profile.h"

/* Placeholder until the YAML loader lands: the built-in defaults are the profile. */
int profile_apply(const char *name, struct jail_config *c, struct jail_error *e)
{
	(void)name;
	(void)c;
	(void)e;
	return 0;
}
