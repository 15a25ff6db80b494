#include "autoconfig.h"

#include <seccomp.h>
#include <string.h>

#include "policy/cleanup.h"
#include "policy/profile_model.h"
#include "policy/seccomp_groups.h"
#include "policy/yaml_tree.h"

/* Syscall groups (@file-system, @process, ...) are data, in syscall-groups.yaml next
 * to the profiles, so that a reader of a profile can look up what a group holds and a
 * site can ship its own. A group may include other groups. */

#define GROUP_MAX_DEPTH 8

void sc_groups_free(struct sc_groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].name);
		strv_free(g->v[i].members);
	}
	free(g->v);
	free(g->file);
	memset(g, 0, sizeof(*g));
}

static int group_err(const char *file, const struct ynode *n, struct jail_error *e,
		     const char *what, const char *value)
{
	return jail_error_set(e, 0, "%s:%d:%d: %s '%s'", file, n->line, n->col, what, value);
}

static int parse_group(const char *file, struct ynode *k, struct ynode *v, struct sc_group *g,
		       struct jail_error *e)
{
	g->name = xasprintf("@%s", k->value);
	g->members = xcalloc(1, sizeof(char *));
	if (v->kind != YNODE_SEQ)
		return group_err(file, v, e, "expected a list of syscalls for group", k->value);
	for (size_t i = 0; i < v->n; i++) {
		struct ynode *m = v->kids[i];

		if (m->kind != YNODE_SCALAR || ynode_is_null(m))
			return group_err(file, m, e, "expected a syscall name in group", k->value);
		if (m->value[0] != '@' && seccomp_syscall_resolve_name(m->value) == __NR_SCMP_ERROR)
			return group_err(file, m, e, "unknown syscall", m->value);
		if (strv_contains(g->members, m->value))
			return group_err(file, m, e, "listed twice:", m->value);
		strv_add(&g->members, m->value);
	}
	return 0;
}

int sc_groups_parse(const char *file, const char *buf, size_t len, struct sc_groups *g,
		    struct jail_error *e)
{
	struct ynode *root = NULL;
	int r = 0;

	memset(g, 0, sizeof(*g));
	g->file = xstrdup(file);
	if (ytree_parse(file, buf, len, &root, e) < 0)
		return -1;
	if (root->kind != YNODE_MAP) {
		r = group_err(file, root, e, "expected a mapping GROUP: [syscalls], found",
			      ynode_kind_name(root->kind));
		goto out;
	}
	g->v = xcalloc(root->n / 2 + 1, sizeof(*g->v));
	for (size_t i = 0; i + 1 < root->n && r == 0; i += 2) {
		r = parse_group(file, root->kids[i], root->kids[i + 1], &g->v[g->n], e);
		g->n++;
	}
	/* Every reference must name a group defined in this file. */
	for (size_t i = 0; i < g->n && r == 0; i++)
		for (size_t j = 0; g->v[i].members[j] && r == 0; j++)
			if (g->v[i].members[j][0] == '@' && !sc_group_find(g, g->v[i].members[j]))
				r = jail_error_set(e, 0, "%s: group %s includes unknown group %s",
						   file, g->v[i].name, g->v[i].members[j]);
out:
	ytree_free(root);
	return r;
}

const struct sc_group *sc_group_find(const struct sc_groups *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->v[i].name, name) == 0)
			return &g->v[i];
	return NULL;
}

static int expand(const struct sc_groups *g, const struct sc_group *grp, int depth, char ***out,
		  struct jail_error *e)
{
	if (depth > GROUP_MAX_DEPTH)
		return jail_error_set(e, 0, "%s: group %s: groups nest more than %d deep (a cycle?)",
				      g->file, grp->name, GROUP_MAX_DEPTH);
	for (size_t i = 0; grp->members[i]; i++) {
		const char *m = grp->members[i];

		if (m[0] != '@')
			strv_add(out, m);
		else if (expand(g, sc_group_find(g, m), depth + 1, out, e) < 0)
			return -1;
	}
	return 0;
}

int sc_group_expand(const struct sc_groups *g, const char *name, char ***out,
		    struct jail_error *e)
{
	const struct sc_group *grp = sc_group_find(g, name);

	*out = xcalloc(1, sizeof(char *));
	if (!grp)
		return jail_error_set(e, 0, "unknown syscall group '%s' (groups are defined in %s)",
				      name, g->file);
	return expand(g, grp, 0, out, e);
}

int sc_groups_load(struct sc_groups *g, struct jail_error *e)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	size_t len;

	memset(g, 0, sizeof(*g));
	if (profile_find_file("syscall-groups.yaml", &path, e) < 0)
		return -1;
	if (profile_read_file(path, &buf, &len, e) < 0)
		return -1;
	return sc_groups_parse(path, buf, len, g, e);
}
