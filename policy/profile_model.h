/* The in-memory form of a profile, shared by the reader (profile_parse.c), the
 * inheritance resolver (profile_resolve.c), the seccomp compiler (seccomp.c) and the
 * printers (profile_show.c). One struct serves both as one file's layer and as the
 * resolved result: a layer records which scalars it sets (has) and what it removes
 * from its parent (the *_remove lists); a resolved profile has no removals left. */
#ifndef JAIL_PROFILE_MODEL_H
#define JAIL_PROFILE_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "policy/config.h"
#include "policy/error.h"

/* Scalars a layer sets. */
enum {
	PF_SCRATCH = 1u << 0,
	PF_WORKDIR = 1u << 1,
	PF_MAP = 1u << 2,
	PF_ROOT = 1u << 3,
	PF_NET = 1u << 4,
	PF_MEMORY = 1u << 5,
	PF_MEMORY_HIGH = 1u << 6,
	PF_SWAP = 1u << 7,
	PF_CPUS = 1u << 8,
	PF_CPU_WEIGHT = 1u << 9,
	PF_PIDS = 1u << 10,
	PF_IO_WEIGHT = 1u << 11,
	PF_TIMEOUT = 1u << 12,
	PF_AMBIENT = 1u << 13,
	PF_DEFAULT_ACTION = 1u << 14,
	PF_DENY_ACTION = 1u << 15,
	PF_DESCRIPTION = 1u << 16,
	PF_TOOLCHAIN = 1u << 17, /* some layer names the toolchain (else the built-in list) */
};

#define SC_MAX_ARGS 6

struct sc_cond {
	unsigned arg;	/* 0..5 */
	int op;		/* enum scmp_compare */
	uint64_t mask;	/* for masked-eq */
	uint64_t value;
};

/* One entry of seccomp.allow or seccomp.deny, after parsing. */
struct sc_rule {
	char *name;	 /* syscall name, or "@group" (only without conditions) */
	bool deny;	 /* from deny: (else allow:) */
	uint32_t action; /* SCMP_ACT_*; SCMP_ACT_ALLOW for allow entries */
	bool action_set; /* deny entry named its own action (else deny-action applies) */
	struct sc_cond conds[SC_MAX_ARGS];
	unsigned n_conds;
	char *where;	 /* "file:line:col" of the entry, for messages and explain */
};

struct profile_mount {
	enum jail_mount_kind kind;
	char *src, *dst;
};

struct profile_io {
	char *device;
	uint64_t read_bps, write_bps;
};

/* Where one KEY-remove entry was written, so that a removal of something that is not
 * inherited can be reported at its file:line:column. */
struct profile_removal {
	char *key;   /* "seccomp.allow-remove" */
	char *value; /* the entry as written ("@ipc", "chown") */
	char *where; /* "file:line:col" */
};

struct profile {
	char *name;
	char *description;
	char *extends;
	char *extends_where; /* "file:line:col" of the extends value */
	char *file;	/* where this layer (or the leaf of a resolved chain) came from */
	char **chain;	/* resolved: files from the root ancestor to the leaf */
	uint32_t has;	/* PF_* */

	/* filesystem */
	char **toolchain, **toolchain_remove;
	uint64_t scratch;
	bool workdir_writable;
	struct profile_mount *mounts;
	size_t n_mounts;
	char **mounts_remove; /* by dst */

	/* identity, network */
	enum jail_map_mode map_mode;
	bool root_inside;
	enum jail_net_mode net_mode;
	struct jail_net net; /* allow and dns lists (policy/profile_net.c) */

	/* limits (JAIL_UNSET where config.h says so) */
	uint64_t memory_max, memory_high, swap_max, cpu_millis, cpu_weight, pids_max, io_weight;
	uint64_t timeout_ms;
	struct profile_io *io;
	size_t n_io;
	char **io_remove;
	struct jail_rlimit *rlimits;
	size_t n_rlimits;
	char **rlimits_remove;

	/* capabilities */
	uint64_t caps_keep, caps_remove;
	bool caps_ambient;

	/* seccomp */
	uint32_t default_action, deny_action;
	char **arches, **arches_remove;
	struct sc_rule *rules;
	size_t n_rules;
	char **allow_remove, **deny_remove;

	/* env */
	char **env_keep, **env_keep_remove;
	struct jail_setenv *env_set;
	size_t n_env_set;
	char **env_set_remove;

	struct profile_removal *removals;
	size_t n_removals;

	/* root-only BPF extras (policy/profile_bpf.c) */
	struct jail_bpf bpf;
};

void profile_init(struct profile *p);
void profile_free(struct profile *p);

/* Read one file's layer from a YAML buffer (profile_parse.c). Strict: every error
 * names file:line:column and the key. */
int profile_parse(const char *file, const char *buf, size_t len, struct profile *p,
		  struct jail_error *e);

struct ynode;

/* "file:line:column: key: message" at node n (always returns -1), and what a node is,
 * for messages ("nothing" for a null). */
int profile_err_at(const char *file, const struct ynode *n, const char *key, struct jail_error *e,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
const char *ynode_found(const struct ynode *n);

/* The bpf: section of one layer (policy/profile_bpf.c); printed by profile_bpf_show. */
int profile_bpf_parse(const char *file, struct profile *p, const char *section,
		      const struct ynode *v, struct jail_error *e);
void profile_bpf_show(FILE *out, const struct profile *p);
/* The network: section of one layer, its printing, and the check that with network: user
 * no capability that could undo the routing is kept (policy/profile_net.c). */
int profile_net_parse(const char *file, struct profile *p, const char *section,
		      const struct ynode *v, struct jail_error *e);
void profile_net_show(FILE *out, const struct profile *p);
int profile_net_check(const struct profile *p, struct jail_error *e);

/* Parse an action: "allow", "errno EPERM", "errno 38", "kill", "kill-thread", "log",
 * "trap". */
int sc_action_parse(const char *s, uint32_t *action, struct jail_error *e);
/* Format an action as sc_action_parse reads it. */
void sc_action_format(uint32_t action, char *buf, size_t len);
/* A number or a known constant (TIOCSTI, CLONE_NEWUSER, AF_INET...), or several
 * joined with '|'. */
int sc_value_parse(const char *s, uint64_t *out, struct jail_error *e);
const char *sc_op_name(int op);

/* Resolve NAME (or a path, if it contains '/') with its `extends` chain into one
 * profile (profile_resolve.c). */
int profile_resolve(const char *name, struct profile *out, struct jail_error *e);
/* Where layer l wrote VALUE under KEY (a KEY-remove list); the file name if unknown. */
const char *profile_removal_where(const struct profile *l, const char *key, const char *value);
/* Fold one layer onto the profile resolved so far (profile_merge.c). */
int profile_merge_layer(struct profile *into, const struct profile *layer, struct jail_error *e);
/* Checks that need the whole resolved profile: contradictions between sections. */
int profile_check_resolved(const struct profile *p, struct jail_error *e);
/* Read and parse one file as a layer, without resolving its parents. */
int profile_load_file(const char *path, struct profile *p, struct jail_error *e);
/* Read a whole (small, regular) file; *buf is NUL-terminated. */
int profile_read_file(const char *path, char **buf, size_t *len, struct jail_error *e);
/* The directories searched, in order (NULL-terminated, caller frees). */
char **profile_search_dirs(void);
/* Find a file named NAME in the search path (e.g. "cc.yaml"). */
int profile_find_file(const char *file, char **path, struct jail_error *e);

/* Build the seccomp program of a resolved profile (from the cache when possible). */
int profile_compile(const struct profile *p, struct jail_seccomp_program *prog,
		    struct jail_error *e);

/* capability name <-> number, via libcap ("chown", "CAP_CHOWN", "cap_chown"). */
int cap_parse(const char *s, int *cap, struct jail_error *e);

#endif
