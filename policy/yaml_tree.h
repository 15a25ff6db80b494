/* A small, strict YAML tree built from libyaml events. Profiles need only scalars,
 * sequences and mappings; everything else YAML can say (aliases, anchors, tags, more
 * than one document, duplicate keys) is refused with file:line:column, so a profile
 * means exactly what it reads as. */
#ifndef JAIL_YAML_TREE_H
#define JAIL_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/error.h"

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

struct ynode {
	enum ynode_kind kind;
	int line, col;	     /* 1-based position of the node's first character */
	char *value;	     /* scalar text, NUL-terminated */
	bool plain;	     /* scalar was unquoted: only then do ~ and null mean null */
	struct ynode **kids; /* sequence items; mapping: key at 2i, value at 2i+1 */
	size_t n;	     /* number of entries in kids */
	size_t cap;	     /* room in kids */
};

/* Parse buf (len bytes) from file into a tree. An empty document is an error. */
int ytree_parse(const char *file, const char *buf, size_t len, struct ynode **root,
		struct jail_error *e);
void ytree_free(struct ynode *n);
const char *ynode_kind_name(enum ynode_kind kind);
/* True for an unquoted ~, null, Null, NULL or empty plain scalar. */
bool ynode_is_null(const struct ynode *n);

#endif
