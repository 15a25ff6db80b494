#include "autoconfig.h"

#include <string.h>
#include <yaml.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "policy/yaml_tree.h"

/* Deep nesting has no use in a profile; the limit keeps the recursive walkers (free,
 * the profile reader) within a small, known stack, whatever the input. */
#define YTREE_MAX_DEPTH 32
/* A profile is a few kilobytes; a megabyte is already absurd. */
#define YTREE_MAX_BYTES (1024 * 1024)

struct ybuilder {
	const char *file;
	struct ynode *stack[YTREE_MAX_DEPTH];
	size_t depth;
	struct ynode *root;
	int documents;
};

const char *ynode_kind_name(enum ynode_kind kind)
{
	switch (kind) {
	case YNODE_SCALAR: return "a scalar";
	case YNODE_SEQ: return "a list";
	case YNODE_MAP: return "a mapping";
	}
	return "?";
}

bool ynode_is_null(const struct ynode *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (n->kind != YNODE_SCALAR || !n->plain)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(nulls); i++)
		if (strcmp(n->value, nulls[i]) == 0)
			return true;
	return false;
}

void ytree_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ytree_free(n->kids[i]);
	free(n->kids);
	free(n); /* a scalar's value lives in the same allocation */
}

static int at(struct jail_error *e, const char *file, yaml_mark_t m, const char *what)
{
	return jail_error_set(e, 0, "%s:%zu:%zu: %s", file, m.line + 1, m.column + 1, what);
}

/* A scalar's text is stored right behind its node: one allocation per node. */
static struct ynode *node_new(enum ynode_kind kind, yaml_mark_t m, const char *value, size_t len)
{
	struct ynode *n = xcalloc(1, sizeof(*n) + (value ? len + 1 : 0));

	n->kind = kind;
	n->line = (int)m.line + 1;
	n->col = (int)m.column + 1;
	if (value) {
		n->value = (char *)(n + 1);
		memcpy(n->value, value, len);
	}
	return n;
}

/* A mapping key must be a scalar and appear once: YAML says a duplicate is an error,
 * but libyaml lets it through, and "last one wins" would hide a typo'd override. */
static int check_key(struct ybuilder *b, struct ynode *map, struct ynode *key,
		     struct jail_error *e)
{
	if (key->kind != YNODE_SCALAR)
		return jail_error_set(e, 0, "%s:%d:%d: a mapping key must be a plain name, not %s",
				      b->file, key->line, key->col, ynode_kind_name(key->kind));
	for (size_t i = 0; i < map->n; i += 2) {
		struct ynode *k = map->kids[i];
		if (strcmp(k->value, key->value) == 0)
			return jail_error_set(e, 0, "%s:%d:%d: duplicate key '%s' (first at line %d)",
					      b->file, key->line, key->col, key->value, k->line);
	}
	return 0;
}

static int add_node(struct ybuilder *b, struct ynode *n, struct jail_error *e)
{
	struct ynode *parent;

	if (b->depth == 0) {
		if (b->root) {
			ytree_free(n);
			return jail_error_set(e, 0, "%s: more than one top-level node", b->file);
		}
		b->root = n;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->kind == YNODE_MAP && parent->n % 2 == 0 && check_key(b, parent, n, e) < 0) {
		ytree_free(n);
		return -1;
	}
	if (parent->n == parent->cap) {
		parent->cap = parent->cap ? 2 * parent->cap : 4;
		parent->kids = xrealloc(parent->kids, parent->cap * sizeof(*parent->kids));
	}
	parent->kids[parent->n++] = n;
	return 0;
}

static int push(struct ybuilder *b, enum ynode_kind kind, yaml_event_t *ev, struct jail_error *e)
{
	struct ynode *n;

	if (b->depth == YTREE_MAX_DEPTH)
		return at(e, b->file, ev->start_mark, "nested too deeply");
	n = node_new(kind, ev->start_mark, NULL, 0);
	if (add_node(b, n, e) < 0)
		return -1;
	b->stack[b->depth++] = n;
	return 0;
}

static int scalar(struct ybuilder *b, yaml_event_t *ev, struct jail_error *e)
{
	struct ynode *n;

	/* NUL inside a scalar would silently cut a path or a name short. */
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
		return at(e, b->file, ev->start_mark, "NUL character in a value");
	n = node_new(YNODE_SCALAR, ev->start_mark, (const char *)ev->data.scalar.value,
		     ev->data.scalar.length);
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return add_node(b, n, e);
}

/* Refuse what the tree cannot represent faithfully rather than drop it. */
static int refuse_decorations(struct ybuilder *b, yaml_event_t *ev, struct jail_error *e)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return at(e, b->file, ev->start_mark, "aliases (*name) are not supported in profiles");
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor)
		return at(e, b->file, ev->start_mark, "anchors (&name) are not supported in profiles");
	if (tag)
		return at(e, b->file, ev->start_mark, "tags (!tag) are not supported in profiles");
	return 0;
}

/* Returns 1 at the end of the stream, 0 to go on, -1 on error. */
static int handle_event(struct ybuilder *b, yaml_event_t *ev, struct jail_error *e)
{
	if (refuse_decorations(b, ev, e) < 0)
		return -1;
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1)
			return at(e, b->file, ev->start_mark,
				  "a profile is one YAML document; found a second '---'");
		return 0;
	case YAML_SCALAR_EVENT:
		return scalar(b, ev, e);
	case YAML_SEQUENCE_START_EVENT:
		return push(b, YNODE_SEQ, ev, e);
	case YAML_MAPPING_START_EVENT:
		return push(b, YNODE_MAP, ev, e);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->depth--;
		return 0;
	default:
		return 0;
	}
}

/* libyaml's reader errors (bad encoding, control characters) carry a byte offset
 * instead of a mark: turn it into line and column so the message points at the byte. */
static yaml_mark_t offset_mark(const char *buf, size_t len, size_t offset)
{
	yaml_mark_t m = { 0, 0, 0 };

	for (size_t i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			m.column++; /* count characters, not UTF-8 continuation bytes */
		}
	}
	m.index = offset;
	return m;
}

static int parser_error(struct ybuilder *b, yaml_parser_t *p, const char *buf, size_t len,
			struct jail_error *e)
{
	const char *problem = p->problem ? p->problem : "malformed YAML";
	yaml_mark_t mark = p->problem_mark;

	if (p->error == YAML_READER_ERROR) {
		mark = offset_mark(buf, len, p->problem_offset);
		return jail_error_set(e, 0, "%s:%zu:%zu: %s (byte 0x%02x): not a YAML text file",
				      b->file, mark.line + 1, mark.column + 1, problem,
				      (unsigned)p->problem_value & 0xff);
	}
	if (p->context)
		return jail_error_set(e, 0, "%s:%zu:%zu: %s %s", b->file, mark.line + 1,
				      mark.column + 1, problem, p->context);
	return at(e, b->file, mark, problem);
}

int ytree_parse(const char *file, const char *buf, size_t len, struct ynode **root,
		struct jail_error *e)
{
	struct ybuilder b = { .file = file };
	yaml_parser_t parser;
	int r = 0;

	if (len > YTREE_MAX_BYTES)
		return jail_error_set(e, 0, "%s: too large (%zu bytes, at most %d)", file, len,
				      YTREE_MAX_BYTES);
	if (!yaml_parser_initialize(&parser))
		return jail_error_set(e, ENOMEM, "%s: cannot initialize the YAML parser", file);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (r == 0) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev)) {
			r = parser_error(&b, &parser, buf, len, e);
			break;
		}
		r = handle_event(&b, &ev, e);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (r < 0) {
		/* Containers still open are owned by the tree under b.root. */
		ytree_free(b.root);
		return -1;
	}
	if (!b.root || ynode_is_null(b.root)) {
		ytree_free(b.root);
		return jail_error_set(e, 0, "%s:1:1: empty profile: expected a mapping with "
				      "'name:' and the sections of a profile", file);
	}
	*root = b.root;
	return 0;
}
