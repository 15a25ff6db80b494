/* struct jail_config: everything one run needs, as plain data.
 *
 * Flow: config_init_defaults() -> profile_apply() (policy/profile.c, from YAML) ->
 * cli_apply() (sandbox/cli.c, command-line options) -> sandbox/run.c consumes it.
 * Later steps override scalars and append to lists. Nothing in here touches the
 * system; policy/ never includes a sandbox/ header. */
#ifndef JAIL_CONFIG_H
#define JAIL_CONFIG_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "policy/bpf_rules.h"
#include "policy/netrule.h"

#define JAIL_UNSET UINT64_MAX /* "no limit asked for" in the uint64 limit fields */

/* What `--root` keeps: the capabilities that make uid 0 inside a user namespace able to
 * own and chown files as a package build expects (chown, dac_override, dac_read_search,
 * fowner, fsetid, kill, setgid, setuid, setfcap). They act only on ids mapped into the
 * namespace; nothing here reaches the host. */
#define JAIL_ROOT_CAPS                                                                   \
	((1ULL << 0) | (1ULL << 1) | (1ULL << 2) | (1ULL << 3) | (1ULL << 4) | (1ULL << 5) | \
	 (1ULL << 6) | (1ULL << 7) | (1ULL << 31))

enum jail_map_mode {
	JAIL_MAP_SELF,	 /* caller's uid/gid only, written directly */
	JAIL_MAP_SUBUID, /* caller + /etc/subuid range, through newuidmap/newgidmap */
};

enum jail_net_mode {
	JAIL_NET_NONE, /* own network namespace, loopback only */
	JAIL_NET_USER, /* plus a tap to pasta (user-mode stack), routed by the allowlist */
};

enum jail_mount_kind {
	JAIL_MOUNT_BIND,    /* read-write bind of a host path */
	JAIL_MOUNT_RO_BIND, /* read-only (recursively) bind of a host path */
	JAIL_MOUNT_TMPFS,   /* empty tmpfs at dst */
};

struct jail_mount {
	enum jail_mount_kind kind;
	char *src; /* host path (absolute), NULL for tmpfs */
	char *dst; /* path inside the sandbox (absolute, normalized) */
};

struct jail_rlimit {
	int resource; /* RLIMIT_* */
	struct rlimit value;
};

struct jail_io_limit {
	char *device; /* "MAJ:MIN" or a path whose backing device is used */
	uint64_t read_bps;  /* JAIL_UNSET if not limited */
	uint64_t write_bps; /* JAIL_UNSET if not limited */
};

struct jail_setenv {
	char *name;
	char *value;
};

/* cgroup v2 limits; the cgroup issue enforces them. JAIL_UNSET = not asked for. */
struct jail_limits {
	uint64_t memory_max;  /* bytes */
	uint64_t memory_high; /* bytes */
	uint64_t swap_max;    /* bytes; JAIL_UNSET means 0 unless allow_swap */
	bool allow_swap;
	uint64_t cpu_millis; /* 1000 = one full CPU (cpu.max quota/period) */
	uint64_t cpu_weight; /* 1..10000 */
	uint64_t pids_max;
	uint64_t io_weight; /* 1..10000 */
	struct jail_io_limit *io;
	size_t n_io;
};

/* A compiled seccomp program, ready for seccomp(SECCOMP_SET_MODE_FILTER). */
struct jail_seccomp_program {
	struct sock_filter *insns; /* NULL: no filter */
	size_t len;
};

struct jail_config {
	/* what to run */
	char **argv; /* NULL-terminated, owned */
	char *profile_name;

	/* identity */
	enum jail_map_mode map_mode;
	bool map_explicit; /* --map was given (a profile's map: is a default) */
	bool root_inside;

	/* filesystem */
	char **toolchain_dirs; /* NULL-terminated; host dirs overlaid read-only+tmpfs upper */
	uint64_t scratch_size; /* bytes for the writable layer; 0 = kernel default */
	char *workdir;         /* absolute host path; bound at the same path, the cwd */
	bool workdir_explicit; /* -w given (default cwd gets a safety check) */
	bool workdir_writable;
	struct jail_mount *mounts;
	size_t n_mounts;
	char *keep_upper; /* host dir to copy the job's changes into, or NULL */

	/* network */
	enum jail_net_mode net_mode;
	struct jail_net net; /* network: user: allowlist and DNS (policy/netrule.h) */

	/* process */
	char **keep_env; /* NULL-terminated names; "LC_*" style trailing * allowed */
	struct jail_setenv *set_env;
	size_t n_set_env;
	struct jail_rlimit *rlimits;
	size_t n_rlimits;
	uint64_t timeout_ms; /* 0 = none */
	char *hostname;

	/* privileges */
	uint64_t caps_keep; /* bit n = capability n kept (bounding/permitted/effective) */
	bool caps_ambient;  /* also raise them as ambient (for a non-root job) */
	struct jail_seccomp_program seccomp;

	/* quotas */
	struct jail_limits limits;
	bool best_effort; /* a limit that cannot be enforced is a warning, not an error */

	/* root-only BPF extras (policy/bpf_rules.h, sandbox/bpf.c) */
	struct jail_bpf bpf;

	/* output */
	char *report_path;
	bool stats;
	bool debug_timing;
};

void config_init_defaults(struct jail_config *c);
void config_free(struct jail_config *c);

/* List helpers (they abort on ENOMEM, as every allocation in jail does). */
void config_add_mount(struct jail_config *c, enum jail_mount_kind kind, const char *src,
		      const char *dst);
void config_set_env(struct jail_config *c, const char *name, const char *value);
void config_set_rlimit(struct jail_config *c, int resource, const struct rlimit *value);
void config_add_io_limit(struct jail_config *c, const char *device, uint64_t read_bps,
			 uint64_t write_bps);

/* NULL-terminated string vectors. */
size_t strv_length(char *const *v);
void strv_free(char **v);
char **strv_copy(char *const *v);
/* Append a copy of s unless it is already there. */
void strv_add(char ***v, const char *s);
/* Remove every element equal to s. */
void strv_remove(char **v, const char *s);
bool strv_contains(char *const *v, const char *s);

/* Abort-on-ENOMEM allocation helpers. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
