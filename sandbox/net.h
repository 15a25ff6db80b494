#ifndef JAIL_NET_H
#define JAIL_NET_H

#include "policy/config.h"
#include "policy/error.h"

/* Child side, in the new network namespace: bring up lo (nothing else exists). */
int net_setup_child(const struct jail_config *c, struct jail_error *e);

#endif
