/* SPDX-License-Identifier: Apache-2.0 */
/* rt_yaml — YAML → rt_ynode tree with positions; see rt_yaml.h.
 *
 * Built on libyaml's event parser (not its document API) so that each node keeps the
 * position of its first character and aliases can be refused as they appear. */
#include "engine/rt_yaml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/rt_buf.h"

struct rt_yparse {
	yaml_parser_t parser;
	const char *file;
	struct rt_err *err;
};

static char *rt_strdup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

struct rt_ynode *rt_ynode_new(enum rt_ynode_kind kind, const struct rt_ynode *at)
{
	struct rt_ynode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = kind;
	if (at) {
		n->file = at->file;
		n->line = at->line;
		n->col = at->col;
	}
	return n;
}

void rt_ynode_free(struct rt_ynode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++) {
		rt_ynode_free(n->items[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->key_lines);
	free(n->key_cols);
	free(n->str);
	free(n);
}

static int rt_ynode_grow(struct rt_ynode *m)
{
	size_t cap = m->n + 1;
	void *p;

	p = realloc(m->items, cap * sizeof(*m->items));
	if (!p)
		return RT_ENOMEM;
	m->items = p;
	if (m->kind != RT_Y_MAP)
		return 0;
	p = realloc(m->keys, cap * sizeof(*m->keys));
	if (!p)
		return RT_ENOMEM;
	m->keys = p;
	p = realloc(m->key_lines, cap * sizeof(*m->key_lines));
	if (!p)
		return RT_ENOMEM;
	m->key_lines = p;
	p = realloc(m->key_cols, cap * sizeof(*m->key_cols));
	if (!p)
		return RT_ENOMEM;
	m->key_cols = p;
	return 0;
}

int rt_ynode_map_add(struct rt_ynode *m, const char *key, struct rt_ynode *v)
{
	char *k;

	if (m->kind != RT_Y_MAP || rt_ynode_grow(m))
		return RT_ENOMEM;
	k = strdup(key);
	if (!k)
		return RT_ENOMEM;
	m->keys[m->n] = k;
	m->key_lines[m->n] = v ? v->line : m->line;
	m->key_cols[m->n] = v ? v->col : m->col;
	m->items[m->n++] = v;
	return 0;
}

int rt_ynode_seq_add(struct rt_ynode *s, struct rt_ynode *v)
{
	if (s->kind != RT_Y_SEQ || rt_ynode_grow(s))
		return RT_ENOMEM;
	s->items[s->n++] = v;
	return 0;
}

struct rt_ynode *rt_ynode_get(const struct rt_ynode *m, const char *key)
{
	size_t i;

	if (!m || m->kind != RT_Y_MAP)
		return NULL;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0)
			return m->items[i];
	return NULL;
}

struct rt_ynode *rt_ynode_clone(const struct rt_ynode *n)
{
	struct rt_ynode *c;
	size_t i;

	if (!n)
		return NULL;
	c = rt_ynode_new(n->kind, n);
	if (!c)
		return NULL;
	c->quoted = n->quoted;
	if (n->str && !(c->str = strdup(n->str)))
		goto fail;
	for (i = 0; i < n->n; i++) {
		struct rt_ynode *v = rt_ynode_clone(n->items[i]);

		if (n->items[i] && !v)
			goto fail;
		if (n->kind == RT_Y_MAP) {
			if (rt_ynode_map_add(c, n->keys[i], v)) {
				rt_ynode_free(v);
				goto fail;
			}
			c->key_lines[i] = n->key_lines[i];
			c->key_cols[i] = n->key_cols[i];
		} else if (rt_ynode_seq_add(c, v)) {
			rt_ynode_free(v);
			goto fail;
		}
	}
	return c;
fail:
	rt_ynode_free(c);
	return NULL;
}

const char *rt_ynode_kind_name(enum rt_ynode_kind kind)
{
	static const char *const names[] = { "a scalar", "a list", "a mapping" };

	return names[kind];
}

static int rt_yparse_next(struct rt_yparse *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&p->parser, ev)) {
		return rt_err_set(p->err, RT_ECONFIG, "%s:%zu:%zu: YAML syntax error: %s%s%s", p->file,
				  p->parser.problem_mark.line + 1, p->parser.problem_mark.column + 1,
				  p->parser.problem ? p->parser.problem : "unknown",
				  p->parser.context ? " " : "",
				  p->parser.context ? p->parser.context : "");
	}
	return 0;
}

/* Builds the node that starts with *ev (already parsed); consumes through its end. */
static int rt_yparse_node(struct rt_yparse *p, yaml_event_t *ev, int depth, struct rt_ynode **out)
{
	struct rt_ynode *n = NULL;
	yaml_event_t sub;
	int rc = 0;

	*out = NULL;
	if (depth > RT_YAML_MAX_DEPTH)
		return rt_err_set(p->err, RT_ECONFIG, "%s:%zu:%zu: nesting deeper than %d levels",
				  p->file, ev->start_mark.line + 1, ev->start_mark.column + 1,
				  RT_YAML_MAX_DEPTH);
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		/* Aliases allow exponential expansion and make errors hard to place. */
		return rt_err_set(p->err, RT_ECONFIG,
				  "%s:%zu:%zu: YAML aliases (*name) are not supported in rsptest files",
				  p->file, ev->start_mark.line + 1, ev->start_mark.column + 1);
	case YAML_SCALAR_EVENT:
		n = rt_ynode_new(RT_Y_SCALAR, NULL);
		if (!n)
			return RT_ENOMEM;
		n->str = rt_strdup_n((const char *)ev->data.scalar.value, ev->data.scalar.length);
		if (!n->str) {
			rt_ynode_free(n);
			return RT_ENOMEM;
		}
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		n = rt_ynode_new(ev->type == YAML_SEQUENCE_START_EVENT ? RT_Y_SEQ : RT_Y_MAP, NULL);
		if (!n)
			return RT_ENOMEM;
		break;
	default:
		return rt_err_set(p->err, RT_ECONFIG, "%s:%zu:%zu: unexpected YAML event", p->file,
				  ev->start_mark.line + 1, ev->start_mark.column + 1);
	}
	n->file = p->file;
	n->line = (unsigned)ev->start_mark.line + 1;
	n->col = (unsigned)ev->start_mark.column + 1;
	if (n->kind == RT_Y_SCALAR)
		goto done;

	for (;;) {
		struct rt_ynode *key = NULL, *val = NULL;

		rc = rt_yparse_next(p, &sub);
		if (rc)
			goto fail;
		if (sub.type == YAML_SEQUENCE_END_EVENT || sub.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&sub);
			break;
		}
		rc = rt_yparse_node(p, &sub, depth + 1, n->kind == RT_Y_MAP ? &key : &val);
		yaml_event_delete(&sub);
		if (rc)
			goto fail;
		if (n->kind == RT_Y_SEQ) {
			rc = rt_ynode_seq_add(n, val);
			if (rc) {
				rt_ynode_free(val);
				goto fail;
			}
			continue;
		}
		if (key->kind != RT_Y_SCALAR) {
			rc = rt_err_set(p->err, RT_ECONFIG, "%s:%u:%u: mapping keys must be plain text",
					p->file, key->line, key->col);
			rt_ynode_free(key);
			goto fail;
		}
		if (rt_ynode_get(n, key->str)) {
			rc = rt_err_set(p->err, RT_ECONFIG, "%s:%u:%u: duplicate key '%s'", p->file,
					key->line, key->col, key->str);
			rt_ynode_free(key);
			goto fail;
		}
		rc = rt_yparse_next(p, &sub);
		if (!rc) {
			rc = rt_yparse_node(p, &sub, depth + 1, &val);
			yaml_event_delete(&sub);
		}
		if (!rc)
			rc = rt_ynode_map_add(n, key->str, val);
		if (!rc) {
			n->key_lines[n->n - 1] = key->line;
			n->key_cols[n->n - 1] = key->col;
		} else {
			rt_ynode_free(val);
		}
		rt_ynode_free(key);
		if (rc)
			goto fail;
	}
done:
	*out = n;
	return 0;
fail:
	rt_ynode_free(n);
	return rc;
}

int rt_ydoc_load_mem(const char *name, const char *text, size_t len, struct rt_ydoc *doc,
		     struct rt_err *err)
{
	struct rt_yparse p;
	yaml_event_t ev;
	int rc = 0;

	memset(doc, 0, sizeof(*doc));
	doc->file = strdup(name);
	if (!doc->file)
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	memset(&p, 0, sizeof(p));
	p.file = doc->file;
	p.err = err;
	if (!yaml_parser_initialize(&p.parser)) {
		rt_ydoc_free(doc);
		return rt_err_set(err, RT_ENOMEM, "cannot initialise the YAML parser");
	}
	yaml_parser_set_input_string(&p.parser, (const unsigned char *)text, len);
	/* STREAM-START, DOCUMENT-START, root node, DOCUMENT-END; a second document is ignored. */
	for (;;) {
		rc = rt_yparse_next(&p, &ev);
		if (rc)
			goto out;
		if (ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		rc = rt_yparse_node(&p, &ev, 0, &doc->root);
		yaml_event_delete(&ev);
		if (rc)
			goto out;
	}
out:
	yaml_parser_delete(&p.parser);
	if (rc) {
		/* A failed load leaves nothing to free: callers return on error without
		 * rt_ydoc_free (the message in err is a copy, not a pointer into doc). */
		rt_ydoc_free(doc);
		if (rc == RT_ENOMEM && err && !err->msg[0])
			rt_err_set(err, RT_ENOMEM, "%s: out of memory", name);
		return rc == RT_ENOMEM ? rc : RT_ECONFIG;
	}
	return 0;
}

int rt_ydoc_load_file(const char *path, struct rt_ydoc *doc, struct rt_err *err)
{
	FILE *f;
	struct rt_buf b;
	char chunk[8192];
	size_t n;
	int rc = 0;

	memset(doc, 0, sizeof(*doc));
	f = fopen(path, "rb");
	if (!f)
		return rt_err_set(err, RT_ECONFIG, "%s: cannot open: %s", path, strerror(errno));
	rt_buf_init(&b, RT_YAML_MAX_FILE);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (rt_buf_append(&b, chunk, n)) {
			rc = rt_err_set(err, RT_ECONFIG, "%s: larger than %u bytes", path,
					RT_YAML_MAX_FILE);
			goto out;
		}
	}
	if (ferror(f)) {
		rc = rt_err_set(err, RT_ECONFIG, "%s: read error", path);
		goto out;
	}
	rc = rt_ydoc_load_mem(path, b.data ? (const char *)b.data : "", b.len, doc, err);
out:
	fclose(f);
	rt_buf_free(&b);
	return rc;
}

void rt_ydoc_free(struct rt_ydoc *doc)
{
	rt_ynode_free(doc->root);
	free(doc->file);
	doc->root = NULL;
	doc->file = NULL;
}

/* Block-style YAML writer for `rsptest show`: scalars are quoted when a plain scalar
 * would be read back differently. */
static int rt_yaml_needs_quotes(const struct rt_ynode *n)
{
	const char *s = n->str;

	if (!*s || n->quoted)
		return 1;
	if (strpbrk(s, ":#{}[],&*!|>'\"%@`\n") || s[0] == '-' || s[0] == ' ' ||
	    s[strlen(s) - 1] == ' ')
		return 1;
	return 0;
}

static void rt_yaml_scalar(const struct rt_ynode *n, FILE *f)
{
	const char *s;

	if (!rt_yaml_needs_quotes(n)) {
		fputs(n->str, f);
		return;
	}
	fputc('"', f);
	for (s = n->str; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
	fputc('"', f);
}

static void rt_yaml_dump_at(const struct rt_ynode *n, int indent, FILE *f, int inline_first)
{
	size_t i;

	if (!n) {
		fputs("null\n", f);
		return;
	}
	if (n->kind == RT_Y_SCALAR) {
		rt_yaml_scalar(n, f);
		fputc('\n', f);
		return;
	}
	if (n->n == 0) {
		fputs(n->kind == RT_Y_MAP ? "{}\n" : "[]\n", f);
		return;
	}
	if (!inline_first)
		fputc('\n', f);
	for (i = 0; i < n->n; i++) {
		const struct rt_ynode *v = n->items[i];
		int pad = (i == 0 && inline_first) ? 0 : indent;

		fprintf(f, "%*s", pad, "");
		if (n->kind == RT_Y_SEQ) {
			fputs("- ", f);
			rt_yaml_dump_at(v, indent + 2, f, 1);
			continue;
		}
		fprintf(f, "%s:", n->keys[i]);
		if (!v || v->kind == RT_Y_SCALAR || v->n == 0) {
			fputc(' ', f);
			rt_yaml_dump_at(v, indent + 2, f, 1);
		} else {
			rt_yaml_dump_at(v, indent + 2, f, 0);
		}
	}
}

void rt_ynode_dump(const struct rt_ynode *n, int indent, void *file)
{
	rt_yaml_dump_at(n, indent, file, 1);
}
