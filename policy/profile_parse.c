#include "autoconfig.h"

#include <seccomp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "policy/cleanup.h"
#include "policy/profile_model.h"
#include "policy/units.h"
#include "policy/yaml_tree.h"

/* Reads one profile file into a struct profile layer. Every key is looked up in a
 * table; anything not in a table is an error, so a typo ("memroy:") cannot turn a
 * limit off without anyone noticing. */

struct pctx {
	const char *file;
	struct profile *p;
	struct jail_error *e;
};

enum fkind {
	F_SIZE,	    /* parse_size, no "max" */
	F_LIMIT,    /* parse_size, "max" means not limited */
	F_CPUS,
	F_WEIGHT,   /* 1..10000 */
	F_COUNT,    /* 1..2^32 */
	F_DURATION,
	F_BOOL,
	F_STRV,	    /* list of names */
	F_PATHV,    /* list of absolute paths */
	F_CUSTOM,
};

struct field {
	const char *key;
	enum fkind kind;
	size_t off;   /* into struct profile */
	uint32_t has; /* PF_* bit set when present */
	int (*fn)(struct pctx *c, const char *key, struct ynode *v);
};

/* file:line:column: key: message, for the sections parsed in their own files
 * (profile_net.c, profile_bpf.c). */
int profile_err_at(const char *file, const struct ynode *n, const char *key, struct jail_error *e,
		   const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return jail_error_set(e, 0, "%s:%d:%d: %s: %s", file, n->line, n->col, key, msg);
}

const char *ynode_found(const struct ynode *n)
{
	return ynode_is_null(n) ? "nothing" : ynode_kind_name(n->kind);
}

static int err_at(struct pctx *c, const struct ynode *n, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int err_at(struct pctx *c, const struct ynode *n, const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return jail_error_set(c->e, 0, "%s:%d:%d: %s: %s", c->file, n->line, n->col, key, msg);
}

static int want(struct pctx *c, const struct ynode *n, enum ynode_kind kind, const char *key,
		const char *expected)
{
	if (n->kind == kind && !(kind == YNODE_SCALAR && ynode_is_null(n)))
		return 0;
	return err_at(c, n, key, "expected %s, found %s", expected,
		      ynode_is_null(n) ? "nothing" : ynode_kind_name(n->kind));
}

/* Re-throw a units.h error at the node's position. */
static int value_err(struct pctx *c, const struct ynode *n, const char *key)
{
	char msg[sizeof(c->e->msg)];

	memcpy(msg, c->e->msg, sizeof(msg));
	return err_at(c, n, key, "%s", msg);
}

static int parse_bool(struct pctx *c, struct ynode *v, const char *key, bool *out)
{
	if (want(c, v, YNODE_SCALAR, key, "true or false") < 0)
		return -1;
	if (strcmp(v->value, "true") == 0)
		*out = true;
	else if (strcmp(v->value, "false") == 0)
		*out = false;
	else
		return err_at(c, v, key, "expected true or false, found '%s'", v->value);
	return 0;
}

/* Absolute, without "." or ".." components: a profile names host paths exactly. */
static int check_path(struct pctx *c, struct ynode *v, const char *key)
{
	const char *s = v->value;

	if (s[0] != '/')
		return err_at(c, v, key, "expected an absolute path, found '%s'", s);
	for (const char *p = s; *p; p++) {
		if (p[0] != '/')
			continue;
		if ((p[1] == '.' && (p[2] == '/' || !p[2])) ||
		    (p[1] == '.' && p[2] == '.' && (p[3] == '/' || !p[3])))
			return err_at(c, v, key, "'%s': '.' and '..' are not allowed in paths", s);
	}
	return 0;
}

static void note_removal(struct pctx *c, const char *key, const struct ynode *item)
{
	struct profile *p = c->p;
	struct profile_removal *r;
	size_t len = strlen(key);

	if (len < 7 || strcmp(key + len - 7, "-remove") != 0)
		return;
	p->removals = xrealloc(p->removals, (p->n_removals + 1) * sizeof(*p->removals));
	r = &p->removals[p->n_removals++];
	r->key = xstrdup(key);
	r->value = xstrdup(item->value);
	r->where = xasprintf("%s:%d:%d", c->file, item->line, item->col);
}

static int parse_strv(struct pctx *c, struct ynode *v, const char *key, char ***out, bool paths)
{
	if (want(c, v, YNODE_SEQ, key, "a list") < 0)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		struct ynode *item = v->kids[i];

		if (want(c, item, YNODE_SCALAR, key, paths ? "a path" : "a name") < 0)
			return -1;
		if (paths && check_path(c, item, key) < 0)
			return -1;
		if (strv_contains(*out, item->value))
			return err_at(c, item, key, "'%s' is listed twice", item->value);
		strv_add(out, item->value);
		note_removal(c, key, item);
	}
	return 0;
}

static int parse_field(struct pctx *c, const struct field *f, const char *key, struct ynode *v)
{
	void *dst = (char *)c->p + f->off;
	uint64_t *u = dst;
	int r = 0;

	if (f->kind == F_CUSTOM)
		return f->fn(c, key, v);
	if (f->kind == F_STRV || f->kind == F_PATHV) {
		c->p->has |= f->has;
		return parse_strv(c, v, key, dst, f->kind == F_PATHV);
	}
	if (f->kind == F_BOOL)
		r = parse_bool(c, v, key, dst);
	else if (want(c, v, YNODE_SCALAR, key, "a value") < 0)
		return -1;
	else if (f->kind == F_SIZE)
		r = parse_size(v->value, u, 0, c->e) < 0 ? value_err(c, v, key) : 0;
	else if (f->kind == F_LIMIT)
		r = parse_size(v->value, u, 1, c->e) < 0 ? value_err(c, v, key) : 0;
	else if (f->kind == F_CPUS)
		r = parse_cpus(v->value, u, c->e) < 0 ? value_err(c, v, key) : 0;
	else if (f->kind == F_WEIGHT)
		r = parse_uint(v->value, 1, 10000, u, c->e) < 0 ? value_err(c, v, key) : 0;
	else if (f->kind == F_COUNT)
		r = parse_uint(v->value, 1, UINT32_MAX, u, c->e) < 0 ? value_err(c, v, key) : 0;
	else if (f->kind == F_DURATION)
		r = parse_duration_ms(v->value, u, c->e) < 0 ? value_err(c, v, key) : 0;
	if (r == 0)
		c->p->has |= f->has;
	return r;
}

static int walk_map(struct pctx *c, struct ynode *map, const char *section,
		    const struct field *fields, size_t n_fields)
{
	if (want(c, map, YNODE_MAP, section[0] ? section : "profile", "a mapping") < 0)
		return -1;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		struct ynode *k = map->kids[i], *v = map->kids[i + 1];
		_cleanup_free_ char *key = section[0] ? xasprintf("%s.%s", section, k->value)
						      : xstrdup(k->value);
		const struct field *f = NULL;

		for (size_t j = 0; j < n_fields && !f; j++)
			if (strcmp(fields[j].key, k->value) == 0)
				f = &fields[j];
		if (!f) {
			_cleanup_free_ char *known = xstrdup("");
			for (size_t j = 0; j < n_fields; j++) {
				char *next = xasprintf("%s%s%s", known, j ? ", " : "", fields[j].key);
				free(known);
				known = next;
			}
			return err_at(c, k, key, "unknown key: expected one of %s", known);
		}
		if (parse_field(c, f, key, v) < 0)
			return -1;
	}
	return 0;
}

#define P(member) offsetof(struct profile, member)

/* ---- filesystem ---- */

static int parse_workdir(struct pctx *c, const char *key, struct ynode *v)
{
	if (want(c, v, YNODE_SCALAR, key, "writable or read-only") < 0)
		return -1;
	if (strcmp(v->value, "writable") == 0)
		c->p->workdir_writable = true;
	else if (strcmp(v->value, "read-only") == 0)
		c->p->workdir_writable = false;
	else
		return err_at(c, v, key, "expected writable or read-only, found '%s'", v->value);
	c->p->has |= PF_WORKDIR;
	return 0;
}

static int mount_kind(struct pctx *c, struct ynode *v, const char *key, enum jail_mount_kind *k)
{
	if (want(c, v, YNODE_SCALAR, key, "bind, ro-bind or tmpfs") < 0)
		return -1;
	if (strcmp(v->value, "bind") == 0)
		*k = JAIL_MOUNT_BIND;
	else if (strcmp(v->value, "ro-bind") == 0)
		*k = JAIL_MOUNT_RO_BIND;
	else if (strcmp(v->value, "tmpfs") == 0)
		*k = JAIL_MOUNT_TMPFS;
	else
		return err_at(c, v, key, "expected bind, ro-bind or tmpfs, found '%s'", v->value);
	return 0;
}

static int parse_mount(struct pctx *c, const char *key, struct ynode *m)
{
	struct ynode *type = NULL, *src = NULL, *dst = NULL;
	struct profile_mount pm = { 0 };

	if (want(c, m, YNODE_MAP, key, "a mapping {type: bind|ro-bind|tmpfs, src:, dst:}") < 0)
		return -1;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const char *k = m->kids[i]->value;
		struct ynode *v = m->kids[i + 1];

		if (strcmp(k, "type") == 0)
			type = v;
		else if (strcmp(k, "src") == 0)
			src = v;
		else if (strcmp(k, "dst") == 0)
			dst = v;
		else
			return err_at(c, m->kids[i], key, "unknown key '%s': expected type, src, dst",
				      k);
		if ((v == src || v == dst) &&
		    (want(c, v, YNODE_SCALAR, key, "a path") < 0 || check_path(c, v, key) < 0))
			return -1;
	}
	if (!type)
		return err_at(c, m, key, "missing 'type' (bind, ro-bind or tmpfs)");
	if (mount_kind(c, type, key, &pm.kind) < 0)
		return -1;
	if (pm.kind == JAIL_MOUNT_TMPFS && src)
		return err_at(c, src, key, "a tmpfs has no 'src'");
	if (pm.kind != JAIL_MOUNT_TMPFS && !src)
		return err_at(c, m, key, "a bind needs 'src' (the host path)");
	if (!dst && !src)
		return err_at(c, m, key, "missing 'dst' (the path inside the sandbox)");
	for (size_t i = 0; i < c->p->n_mounts; i++)
		if (strcmp(c->p->mounts[i].dst, (dst ? dst : src)->value) == 0)
			return err_at(c, m, key, "two mounts on '%s'", (dst ? dst : src)->value);
	pm.src = src ? xstrdup(src->value) : NULL;
	pm.dst = xstrdup((dst ? dst : src)->value);
	c->p->mounts = xrealloc(c->p->mounts, (c->p->n_mounts + 1) * sizeof(pm));
	c->p->mounts[c->p->n_mounts++] = pm;
	return 0;
}

static int parse_mounts(struct pctx *c, const char *key, struct ynode *v)
{
	if (want(c, v, YNODE_SEQ, key, "a list of mounts") < 0)
		return -1;
	for (size_t i = 0; i < v->n; i++)
		if (parse_mount(c, key, v->kids[i]) < 0)
			return -1;
	return 0;
}

static const struct field filesystem_fields[] = {
	{ "toolchain", F_PATHV, P(toolchain), PF_TOOLCHAIN, NULL },
	{ "toolchain-remove", F_PATHV, P(toolchain_remove), 0, NULL },
	{ "scratch", F_SIZE, P(scratch), PF_SCRATCH, NULL },
	{ "workdir", F_CUSTOM, 0, 0, parse_workdir },
	{ "mounts", F_CUSTOM, 0, 0, parse_mounts },
	{ "mounts-remove", F_PATHV, P(mounts_remove), 0, NULL },
};

/* ---- identity, network ---- */

static int parse_map(struct pctx *c, const char *key, struct ynode *v)
{
	if (want(c, v, YNODE_SCALAR, key, "self or subuid") < 0)
		return -1;
	if (strcmp(v->value, "self") == 0)
		c->p->map_mode = JAIL_MAP_SELF;
	else if (strcmp(v->value, "subuid") == 0)
		c->p->map_mode = JAIL_MAP_SUBUID;
	else
		return err_at(c, v, key, "expected self or subuid, found '%s'", v->value);
	c->p->has |= PF_MAP;
	return 0;
}

static const struct field identity_fields[] = {
	{ "map", F_CUSTOM, 0, 0, parse_map },
	{ "root", F_BOOL, P(root_inside), PF_ROOT, NULL },
};

static int parse_network(struct pctx *c, const char *key, struct ynode *v)
{
	return profile_net_parse(c->file, c->p, key, v, c->e);
}

/* ---- limits ---- */

static int parse_io_item(struct pctx *c, const char *key, struct ynode *m)
{
	struct profile_io io = { NULL, JAIL_UNSET, JAIL_UNSET };
	struct ynode *dev = NULL;

	if (want(c, m, YNODE_MAP, key, "a mapping {device:, read:, write:}") < 0)
		return -1;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const char *k = m->kids[i]->value;
		struct ynode *v = m->kids[i + 1];
		uint64_t *dst = strcmp(k, "read") == 0 ? &io.read_bps :
				strcmp(k, "write") == 0 ? &io.write_bps : NULL;

		if (strcmp(k, "device") == 0) {
			if (want(c, v, YNODE_SCALAR, key, "MAJ:MIN or a path") < 0)
				return -1;
			dev = v;
		} else if (!dst) {
			return err_at(c, m->kids[i], key,
				      "unknown key '%s': expected device, read, write", k);
		} else if (want(c, v, YNODE_SCALAR, key, "bytes per second") < 0) {
			return -1;
		} else if (parse_size(v->value, dst, 1, c->e) < 0) {
			return value_err(c, v, key);
		}
	}
	if (!dev)
		return err_at(c, m, key, "missing 'device'");
	if (io.read_bps == JAIL_UNSET && io.write_bps == JAIL_UNSET)
		return err_at(c, m, key, "give 'read' or 'write' (bytes per second)");
	io.device = xstrdup(dev->value);
	c->p->io = xrealloc(c->p->io, (c->p->n_io + 1) * sizeof(io));
	c->p->io[c->p->n_io++] = io;
	return 0;
}

static int parse_io(struct pctx *c, const char *key, struct ynode *v)
{
	if (want(c, v, YNODE_SEQ, key, "a list of {device:, read:, write:}") < 0)
		return -1;
	for (size_t i = 0; i < v->n; i++)
		if (parse_io_item(c, key, v->kids[i]) < 0)
			return -1;
	return 0;
}

static int parse_rlimits(struct pctx *c, const char *key, struct ynode *v)
{
	if (want(c, v, YNODE_MAP, key, "a mapping NAME: VALUE") < 0)
		return -1;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		struct ynode *k = v->kids[i], *val = v->kids[i + 1];
		struct jail_rlimit rl;

		if (rlimit_from_name(k->value, &rl.resource, c->e) < 0)
			return value_err(c, k, key);
		if (want(c, val, YNODE_SCALAR, key, "N, SOFT:HARD or unlimited") < 0)
			return -1;
		if (parse_rlimit_value(rl.resource, val->value, &rl.value, c->e) < 0)
			return value_err(c, val, key);
		for (size_t j = 0; j < c->p->n_rlimits; j++)
			if (c->p->rlimits[j].resource == rl.resource)
				return err_at(c, k, key, "'%s' is given twice", k->value);
		c->p->rlimits = xrealloc(c->p->rlimits, (c->p->n_rlimits + 1) * sizeof(rl));
		c->p->rlimits[c->p->n_rlimits++] = rl;
	}
	return 0;
}

static int parse_swap(struct pctx *c, const char *key, struct ynode *v)
{
	if (want(c, v, YNODE_SCALAR, key, "a size or max") < 0)
		return -1;
	if (parse_size(v->value, &c->p->swap_max, 1, c->e) < 0)
		return value_err(c, v, key);
	c->p->has |= PF_SWAP;
	return 0;
}

static const struct field limits_fields[] = {
	{ "memory", F_LIMIT, P(memory_max), PF_MEMORY, NULL },
	{ "memory-high", F_LIMIT, P(memory_high), PF_MEMORY_HIGH, NULL },
	{ "swap", F_CUSTOM, 0, 0, parse_swap },
	{ "cpus", F_CPUS, P(cpu_millis), PF_CPUS, NULL },
	{ "cpu-weight", F_WEIGHT, P(cpu_weight), PF_CPU_WEIGHT, NULL },
	{ "pids", F_COUNT, P(pids_max), PF_PIDS, NULL },
	{ "io-weight", F_WEIGHT, P(io_weight), PF_IO_WEIGHT, NULL },
	{ "io", F_CUSTOM, 0, 0, parse_io },
	{ "io-remove", F_STRV, P(io_remove), 0, NULL },
	{ "timeout", F_DURATION, P(timeout_ms), PF_TIMEOUT, NULL },
	{ "rlimits", F_CUSTOM, 0, 0, parse_rlimits },
	{ "rlimits-remove", F_STRV, P(rlimits_remove), 0, NULL },
};

/* ---- capabilities ---- */

static int parse_cap_list(struct pctx *c, const char *key, struct ynode *v, uint64_t *bits)
{
	if (want(c, v, YNODE_SEQ, key, "a list of capability names") < 0)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		int cap;

		if (want(c, v->kids[i], YNODE_SCALAR, key, "a capability name") < 0)
			return -1;
		if (cap_parse(v->kids[i]->value, &cap, c->e) < 0)
			return value_err(c, v->kids[i], key);
		*bits |= UINT64_C(1) << cap;
		note_removal(c, key, v->kids[i]);
	}
	return 0;
}

static int parse_caps_keep(struct pctx *c, const char *key, struct ynode *v)
{
	return parse_cap_list(c, key, v, &c->p->caps_keep);
}

static int parse_caps_remove(struct pctx *c, const char *key, struct ynode *v)
{
	return parse_cap_list(c, key, v, &c->p->caps_remove);
}

static const struct field caps_fields[] = {
	{ "keep", F_CUSTOM, 0, 0, parse_caps_keep },
	{ "keep-remove", F_CUSTOM, 0, 0, parse_caps_remove },
	{ "ambient", F_BOOL, P(caps_ambient), PF_AMBIENT, NULL },
};

/* ---- env ---- */

static int parse_env_set(struct pctx *c, const char *key, struct ynode *v)
{
	if (want(c, v, YNODE_MAP, key, "a mapping NAME: VALUE") < 0)
		return -1;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		struct ynode *k = v->kids[i], *val = v->kids[i + 1];
		struct jail_setenv s;

		if (!k->value[0] || strchr(k->value, '='))
			return err_at(c, k, key, "'%s' is not a variable name", k->value);
		if (val->kind != YNODE_SCALAR)
			return err_at(c, val, key, "expected a string value for %s", k->value);
		s.name = xstrdup(k->value);
		s.value = xstrdup(val->value);
		c->p->env_set = xrealloc(c->p->env_set, (c->p->n_env_set + 1) * sizeof(s));
		c->p->env_set[c->p->n_env_set++] = s;
	}
	return 0;
}

static const struct field env_fields[] = {
	{ "keep", F_STRV, P(env_keep), 0, NULL },
	{ "keep-remove", F_STRV, P(env_keep_remove), 0, NULL },
	{ "set", F_CUSTOM, 0, 0, parse_env_set },
	{ "set-remove", F_STRV, P(env_set_remove), 0, NULL },
};

/* ---- seccomp ---- */

static int parse_action(struct pctx *c, struct ynode *v, const char *key, uint32_t *out)
{
	if (want(c, v, YNODE_SCALAR, key, "an action") < 0)
		return -1;
	if (sc_action_parse(v->value, out, c->e) < 0)
		return value_err(c, v, key);
	return 0;
}

/* The default and deny actions say what happens to a syscall that is not allowed;
 * "allow" there would turn the allowlist into nothing. */
static int parse_refusal(struct pctx *c, struct ynode *v, const char *key, uint32_t *out)
{
	if (parse_action(c, v, key, out) < 0)
		return -1;
	if (*out == SCMP_ACT_ALLOW)
		return err_at(c, v, key, "'allow' cannot refuse anything: expected errno NAME, "
			      "kill, kill-thread, trap or log");
	return 0;
}

static int parse_default_action(struct pctx *c, const char *key, struct ynode *v)
{
	c->p->has |= PF_DEFAULT_ACTION;
	return parse_refusal(c, v, key, &c->p->default_action);
}

static int parse_deny_action(struct pctx *c, const char *key, struct ynode *v)
{
	c->p->has |= PF_DENY_ACTION;
	return parse_refusal(c, v, key, &c->p->deny_action);
}

static int parse_op(struct pctx *c, struct ynode *v, const char *key, int *op)
{
	static const int ops[] = { SCMP_CMP_EQ, SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE,
				   SCMP_CMP_GT, SCMP_CMP_GE, SCMP_CMP_MASKED_EQ };

	if (want(c, v, YNODE_SCALAR, key, "an operator") < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (strcmp(v->value, sc_op_name(ops[i])) == 0) {
			*op = ops[i];
			return 0;
		}
	}
	return err_at(c, v, key, "unknown operator '%s': expected eq, ne, lt, le, gt, ge or "
		      "masked-eq", v->value);
}

static int parse_number(struct pctx *c, struct ynode *v, const char *key, uint64_t *out)
{
	if (want(c, v, YNODE_SCALAR, key, "a number or a constant name") < 0)
		return -1;
	if (sc_value_parse(v->value, out, c->e) < 0)
		return value_err(c, v, key);
	return 0;
}

static int parse_cond(struct pctx *c, struct ynode *m, const char *key, struct sc_cond *cond)
{
	struct ynode *arg = NULL, *op = NULL, *value = NULL, *mask = NULL;
	uint64_t idx;

	if (want(c, m, YNODE_MAP, key, "a mapping {arg: N, op: OP, value: V}") < 0)
		return -1;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const char *k = m->kids[i]->value;
		struct ynode **slot = strcmp(k, "arg") == 0 ? &arg : strcmp(k, "op") == 0 ? &op :
				      strcmp(k, "value") == 0 ? &value :
				      strcmp(k, "mask") == 0 ? &mask : NULL;
		if (!slot)
			return err_at(c, m->kids[i], key,
				      "unknown key '%s': expected arg, op, value, mask", k);
		*slot = m->kids[i + 1];
	}
	if (!arg || !value)
		return err_at(c, m, key, "a condition needs 'arg' (0-5) and 'value'");
	if (want(c, arg, YNODE_SCALAR, key, "an argument index 0-5") < 0)
		return -1;
	if (parse_uint(arg->value, 0, SC_MAX_ARGS - 1, &idx, c->e) < 0)
		return value_err(c, arg, key);
	cond->arg = (unsigned)idx;
	cond->op = SCMP_CMP_EQ;
	if (op && parse_op(c, op, key, &cond->op) < 0)
		return -1;
	if ((cond->op == SCMP_CMP_MASKED_EQ) != (mask != NULL))
		return err_at(c, mask ? mask : m, key, "'mask' goes with op masked-eq, and only "
			      "with it");
	if (mask && parse_number(c, mask, key, &cond->mask) < 0)
		return -1;
	if (parse_number(c, value, key, &cond->value) < 0)
		return -1;
	if (mask && (cond->value & ~cond->mask))
		return err_at(c, value, key, "value 0x%llx has bits outside mask 0x%llx: it can "
			      "never match", (unsigned long long)cond->value,
			      (unsigned long long)cond->mask);
	return 0;
}

static int parse_conds(struct pctx *c, struct ynode *v, const char *key, struct sc_rule *r)
{
	if (want(c, v, YNODE_SEQ, key, "a list of conditions") < 0)
		return -1;
	if (v->n == 0 || v->n > SC_MAX_ARGS)
		return err_at(c, v, key, "expected 1 to %d conditions", SC_MAX_ARGS);
	for (size_t i = 0; i < v->n; i++) {
		if (parse_cond(c, v->kids[i], key, &r->conds[i]) < 0)
			return -1;
		/* libseccomp takes one comparison per argument in a rule. */
		for (size_t j = 0; j < i; j++)
			if (r->conds[j].arg == r->conds[i].arg)
				return err_at(c, v->kids[i], key, "two conditions on arg %u in one "
					      "rule: write two rules instead", r->conds[i].arg);
	}
	r->n_conds = (unsigned)v->n;
	return 0;
}

/* A syscall name must be known to libseccomp; a group name is checked once all
 * groups are loaded. */
static int check_syscall_name(struct pctx *c, struct ynode *v, const char *key, bool group_ok)
{
	if (want(c, v, YNODE_SCALAR, key, "a syscall name") < 0)
		return -1;
	if (v->value[0] == '@') {
		if (group_ok)
			return 0;
		return err_at(c, v, key, "'%s': a group cannot take conditions; name the "
			      "syscalls", v->value);
	}
	if (seccomp_syscall_resolve_name(v->value) == __NR_SCMP_ERROR)
		return err_at(c, v, key, "unknown syscall '%s'", v->value);
	return 0;
}

static void add_rule(struct pctx *c, const struct sc_rule *r, const char *name,
		     const struct ynode *at)
{
	struct profile *p = c->p;
	struct sc_rule *n;

	p->rules = xrealloc(p->rules, (p->n_rules + 1) * sizeof(*p->rules));
	n = &p->rules[p->n_rules++];
	*n = *r;
	n->name = xstrdup(name);
	n->where = xasprintf("%s:%d:%d", c->file, at->line, at->col);
}

/* An entry is a name ("read", "@file-system") or a mapping
 * {syscall: NAME or [NAMES], args: [...], action: ACTION (deny only)}. */
static int parse_rule(struct pctx *c, struct ynode *v, const char *key, bool deny)
{
	struct sc_rule r = { .deny = deny, .action = SCMP_ACT_ALLOW };
	struct ynode *names = NULL;

	if (v->kind == YNODE_SCALAR) {
		if (check_syscall_name(c, v, key, true) < 0)
			return -1;
		add_rule(c, &r, v->value, v);
		return 0;
	}
	if (want(c, v, YNODE_MAP, key, "a syscall name or {syscall:, args:, action:}") < 0)
		return -1;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const char *k = v->kids[i]->value;
		struct ynode *val = v->kids[i + 1];

		if (strcmp(k, "syscall") == 0) {
			names = val;
		} else if (strcmp(k, "args") == 0) {
			if (parse_conds(c, val, key, &r) < 0)
				return -1;
		} else if (strcmp(k, "action") == 0 && deny) {
			if (parse_refusal(c, val, key, &r.action) < 0)
				return -1;
			r.action_set = true;
		} else {
			return err_at(c, v->kids[i], key, "unknown key '%s': expected syscall, "
				      "args%s", k, deny ? ", action" : "");
		}
	}
	if (!names)
		return err_at(c, v, key, "missing 'syscall'");
	if (names->kind == YNODE_SEQ && names->n == 0)
		return err_at(c, names, key, "empty list of syscalls");
	for (size_t i = 0; i < (names->kind == YNODE_SEQ ? names->n : 1); i++) {
		struct ynode *n = names->kind == YNODE_SEQ ? names->kids[i] : names;

		if (check_syscall_name(c, n, key, r.n_conds == 0) < 0)
			return -1;
		add_rule(c, &r, n->value, n);
	}
	return 0;
}

static int parse_rules(struct pctx *c, const char *key, struct ynode *v, bool deny)
{
	if (want(c, v, YNODE_SEQ, key, "a list of syscalls") < 0)
		return -1;
	for (size_t i = 0; i < v->n; i++)
		if (parse_rule(c, v->kids[i], key, deny) < 0)
			return -1;
	return 0;
}

static int parse_allow(struct pctx *c, const char *key, struct ynode *v)
{
	return parse_rules(c, key, v, false);
}

static int parse_deny(struct pctx *c, const char *key, struct ynode *v)
{
	return parse_rules(c, key, v, true);
}

static int parse_arches(struct pctx *c, const char *key, struct ynode *v)
{
	if (parse_strv(c, v, key, &c->p->arches, false) < 0)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		const char *a = v->kids[i]->value;

		if (strcmp(a, "native") != 0 && seccomp_arch_resolve_name(a) == 0)
			return err_at(c, v->kids[i], key, "unknown architecture '%s': expected "
				      "native, x86, x32, x86_64, aarch64, arm, ...", a);
	}
	return 0;
}

static const struct field seccomp_fields[] = {
	{ "default-action", F_CUSTOM, 0, 0, parse_default_action },
	{ "deny-action", F_CUSTOM, 0, 0, parse_deny_action },
	{ "architectures", F_CUSTOM, 0, 0, parse_arches },
	{ "architectures-remove", F_STRV, P(arches_remove), 0, NULL },
	{ "allow", F_CUSTOM, 0, 0, parse_allow },
	{ "allow-remove", F_STRV, P(allow_remove), 0, NULL },
	{ "deny", F_CUSTOM, 0, 0, parse_deny },
	{ "deny-remove", F_STRV, P(deny_remove), 0, NULL },
};

/* ---- top level ---- */

#define SECTION(fn, table)                                                     \
	static int fn(struct pctx *c, const char *key, struct ynode *v)       \
	{                                                                      \
		return walk_map(c, v, key, table, ARRAY_SIZE(table));          \
	}
SECTION(parse_filesystem, filesystem_fields)
SECTION(parse_identity, identity_fields)
SECTION(parse_limits, limits_fields)
SECTION(parse_caps, caps_fields)
SECTION(parse_seccomp, seccomp_fields)
SECTION(parse_env, env_fields)

static int parse_string(struct pctx *c, struct ynode *v, const char *key, char **out)
{
	if (want(c, v, YNODE_SCALAR, key, "a string") < 0)
		return -1;
	free(*out);
	*out = xstrdup(v->value);
	return 0;
}

static int parse_name(struct pctx *c, const char *key, struct ynode *v)
{
	if (parse_string(c, v, key, &c->p->name) < 0)
		return -1;
	if (strchr(v->value, '/') || v->value[0] == '.' || strlen(v->value) > 64)
		return err_at(c, v, key, "'%s': expected a short name without '/'", v->value);
	return 0;
}

static int parse_description(struct pctx *c, const char *key, struct ynode *v)
{
	c->p->has |= PF_DESCRIPTION;
	return parse_string(c, v, key, &c->p->description);
}

static int parse_extends(struct pctx *c, const char *key, struct ynode *v)
{
	if (parse_string(c, v, key, &c->p->extends) < 0)
		return -1;
	free(c->p->extends_where);
	c->p->extends_where = xasprintf("%s:%d:%d", c->file, v->line, v->col);
	return 0;
}

static int parse_bpf(struct pctx *c, const char *key, struct ynode *v)
{
	return profile_bpf_parse(c->file, c->p, key, v, c->e);
}

static const struct field top_fields[] = {
	{ "name", F_CUSTOM, 0, 0, parse_name },
	{ "description", F_CUSTOM, 0, 0, parse_description },
	{ "extends", F_CUSTOM, 0, 0, parse_extends },
	{ "filesystem", F_CUSTOM, 0, 0, parse_filesystem },
	{ "identity", F_CUSTOM, 0, 0, parse_identity },
	{ "network", F_CUSTOM, 0, 0, parse_network },
	{ "limits", F_CUSTOM, 0, 0, parse_limits },
	{ "capabilities", F_CUSTOM, 0, 0, parse_caps },
	{ "seccomp", F_CUSTOM, 0, 0, parse_seccomp },
	{ "env", F_CUSTOM, 0, 0, parse_env },
	{ "bpf", F_CUSTOM, 0, 0, parse_bpf },
};

int profile_parse(const char *file, const char *buf, size_t len, struct profile *p,
		  struct jail_error *e)
{
	struct pctx c = { file, p, e };
	struct ynode *root = NULL;
	int r;

	if (ytree_parse(file, buf, len, &root, e) < 0)
		return -1;
	free(p->file);
	p->file = xstrdup(file);
	r = walk_map(&c, root, "", top_fields, ARRAY_SIZE(top_fields));
	if (r == 0 && !p->name)
		r = jail_error_set(e, 0, "%s:%d:%d: name: missing: every profile says its name",
				   file, root->line, root->col);
	ytree_free(root);
	return r;
}
