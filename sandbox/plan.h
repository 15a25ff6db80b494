/* struct sandbox_plan: what the parent works out before clone and the child follows.
 * Built by run.c from the config; the child gets it by fork semantics (same memory). */
#ifndef JAIL_PLAN_H
#define JAIL_PLAN_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy/config.h"
#include "sandbox/idmap.h"

struct netuser_plan;

struct toolchain_layer {
	char *dir;  /* host dir, e.g. "/usr" */
	char *link; /* symlink target when the host dir is a symlink ("usr/bin"), else NULL */
	char *skel; /* cached directory skeleton (makes dirs writable), or NULL */
};

struct sandbox_plan {
	const struct jail_config *config;
	struct toolchain_layer *layers;
	size_t n_layers;
	char *home;	 /* $HOME inside: an empty tmpfs-backed dir */
	char *user;	 /* $USER inside */
	uid_t uid;	 /* the job's uid/gid inside */
	gid_t gid;
	struct idmap uid_map, gid_map;
	char **envp;	 /* the job's environment */
	char *exec_path; /* NULL: search PATH inside the sandbox */
	bool switch_ids; /* created by host root: the child sets its ids (userns.c) */
	const struct netuser_plan *net; /* network: user (netuser.h), else NULL */
};

/* The job's uid and gid inside when host root runs it without --root. */
#define JOB_UID_NOT_ROOT 1000u

void plan_free(struct sandbox_plan *p);

#endif
