/* SPDX-License-Identifier: Apache-2.0 */
/* rt_yaml — a small YAML document tree with source positions, on top of libyaml.
 *
 * Test cases and SUT descriptions are loaded into rt_ynode trees so that every
 * validation error can name file:line:column, folder defaults can be merged into a
 * case, and step arguments can be handed to Lua. Only this file and its users in
 * engine/ touch libyaml. Anchors/aliases are refused (a test case has no need for them
 * and they allow "billion laughs" blow-ups); documents are capped in size and depth. */
#ifndef RT_YAML_H
#define RT_YAML_H

#include <stddef.h>

#include "util/rt_err.h"

#define RT_YAML_MAX_FILE (4u << 20) /* bytes */
#define RT_YAML_MAX_DEPTH 64

enum rt_ynode_kind {
	RT_Y_SCALAR,
	RT_Y_SEQ,
	RT_Y_MAP,
};

struct rt_ynode {
	enum rt_ynode_kind kind;
	char *str;   /* RT_Y_SCALAR: the text (NUL-terminated, owned) */
	int quoted;  /* scalar written quoted or as a block: always a string, never a number */
	size_t n;    /* number of items (SEQ) or pairs (MAP) */
	char **keys; /* MAP: key texts, owned */
	struct rt_ynode **items; /* SEQ items or MAP values, owned */
	unsigned *key_lines, *key_cols; /* MAP: position of each key */
	const char *file; /* borrowed from the loader's interned path (rt_yaml_doc) */
	unsigned line, col; /* 1-based */
};

/* A loaded document: its root and the file name every node points to. */
struct rt_ydoc {
	struct rt_ynode *root; /* NULL for an empty document */
	char *file;
};

/* Loads the first document of a YAML file. On error, err->msg is "file:line:col: why"
 * and RT_ECONFIG is returned. Free with rt_ydoc_free. */
int rt_ydoc_load_file(const char *path, struct rt_ydoc *doc, struct rt_err *err);

/* Same from a memory buffer; name is used in messages. */
int rt_ydoc_load_mem(const char *name, const char *text, size_t len, struct rt_ydoc *doc,
		     struct rt_err *err);

void rt_ydoc_free(struct rt_ydoc *doc);

/* Deep copy of a node (positions and file pointer kept). NULL on allocation failure. */
struct rt_ynode *rt_ynode_clone(const struct rt_ynode *n);

/* New empty node of the given kind at the position of `at` (may be NULL). */
struct rt_ynode *rt_ynode_new(enum rt_ynode_kind kind, const struct rt_ynode *at);

/* Frees a node tree. */
void rt_ynode_free(struct rt_ynode *n);

/* MAP lookup; NULL when absent or when m is not a map. */
struct rt_ynode *rt_ynode_get(const struct rt_ynode *m, const char *key);

/* Appends a pair to a map / an item to a sequence (takes ownership of v). */
int rt_ynode_map_add(struct rt_ynode *m, const char *key, struct rt_ynode *v);
int rt_ynode_seq_add(struct rt_ynode *s, struct rt_ynode *v);

/* Human name of a node kind for messages: "a string", "a list", "a mapping". */
const char *rt_ynode_kind_name(enum rt_ynode_kind kind);

/* Writes a node as YAML (block style) to out at the given indent; used by `show`. */
void rt_ynode_dump(const struct rt_ynode *n, int indent, void *file);

#endif
