/* SPDX-License-Identifier: Apache-2.0 */
/* rt_select — -k expression parser and matcher; see rt_select.h.
 *
 * Grammar:  or := and ('or' and)* ; and := not ('and' not)* ;
 *           not := 'not' not | '(' or ')' | WORD */
#include "engine/rt_select.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RT_SELECT_MAX_NODES 256

enum rt_sel_op { RT_SEL_WORD, RT_SEL_NOT, RT_SEL_AND, RT_SEL_OR };

struct rt_sel_node {
	enum rt_sel_op op;
	int a, b;       /* child node indices */
	char word[128];
};

struct rt_select {
	struct rt_sel_node nodes[RT_SELECT_MAX_NODES];
	int n, root;
};

struct rt_sel_parser {
	const char *s;
	size_t pos;
	char tok[128];
	size_t tokpos;
	struct rt_select *sel;
	struct rt_err *err;
};

static void rt_sel_next(struct rt_sel_parser *p)
{
	size_t n = 0;

	while (isspace((unsigned char)p->s[p->pos]))
		p->pos++;
	p->tokpos = p->pos;
	if (p->s[p->pos] == '(' || p->s[p->pos] == ')') {
		p->tok[0] = p->s[p->pos++];
		p->tok[1] = '\0';
		return;
	}
	while (p->s[p->pos] && !isspace((unsigned char)p->s[p->pos]) && p->s[p->pos] != '(' &&
	       p->s[p->pos] != ')') {
		if (n < sizeof(p->tok) - 1)
			p->tok[n++] = p->s[p->pos];
		p->pos++;
	}
	p->tok[n] = '\0';
}

static int rt_sel_node(struct rt_sel_parser *p, enum rt_sel_op op, int a, int b)
{
	struct rt_sel_node *nd;

	if (p->sel->n >= RT_SELECT_MAX_NODES) {
		rt_err_set(p->err, RT_EINVAL, "-k expression too long");
		return -1;
	}
	nd = &p->sel->nodes[p->sel->n];
	nd->op = op;
	nd->a = a;
	nd->b = b;
	nd->word[0] = '\0';
	return p->sel->n++;
}

static int rt_sel_or(struct rt_sel_parser *p);

static int rt_sel_not(struct rt_sel_parser *p)
{
	int a;

	if (strcmp(p->tok, "not") == 0) {
		rt_sel_next(p);
		a = rt_sel_not(p);
		return a < 0 ? -1 : rt_sel_node(p, RT_SEL_NOT, a, -1);
	}
	if (strcmp(p->tok, "(") == 0) {
		rt_sel_next(p);
		a = rt_sel_or(p);
		if (a < 0)
			return -1;
		if (strcmp(p->tok, ")") != 0) {
			rt_err_set(p->err, RT_EINVAL, "-k: expected ')' at offset %zu", p->tokpos);
			return -1;
		}
		rt_sel_next(p);
		return a;
	}
	if (!p->tok[0] || strcmp(p->tok, ")") == 0 || strcmp(p->tok, "and") == 0 ||
	    strcmp(p->tok, "or") == 0) {
		rt_err_set(p->err, RT_EINVAL, "-k: expected a word at offset %zu", p->tokpos);
		return -1;
	}
	a = rt_sel_node(p, RT_SEL_WORD, -1, -1);
	if (a < 0)
		return -1;
	memcpy(p->sel->nodes[a].word, p->tok, sizeof(p->tok));
	rt_sel_next(p);
	return a;
}

static int rt_sel_and(struct rt_sel_parser *p)
{
	int a = rt_sel_not(p), b;

	while (a >= 0 && strcmp(p->tok, "and") == 0) {
		rt_sel_next(p);
		b = rt_sel_not(p);
		a = b < 0 ? -1 : rt_sel_node(p, RT_SEL_AND, a, b);
	}
	return a;
}

static int rt_sel_or(struct rt_sel_parser *p)
{
	int a = rt_sel_and(p), b;

	while (a >= 0 && strcmp(p->tok, "or") == 0) {
		rt_sel_next(p);
		b = rt_sel_and(p);
		a = b < 0 ? -1 : rt_sel_node(p, RT_SEL_OR, a, b);
	}
	return a;
}

int rt_select_compile(const char *expr, struct rt_select **out, struct rt_err *err)
{
	struct rt_sel_parser p;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.s = expr;
	p.err = err;
	p.sel = calloc(1, sizeof(*p.sel));
	if (!p.sel)
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	rt_sel_next(&p);
	p.sel->root = rt_sel_or(&p);
	if (p.sel->root >= 0 && p.tok[0]) {
		rt_err_set(err, RT_EINVAL, "-k: unexpected '%s' at offset %zu", p.tok, p.tokpos);
		p.sel->root = -1;
	}
	if (p.sel->root < 0) {
		free(p.sel);
		return RT_EINVAL;
	}
	*out = p.sel;
	return 0;
}

/* Case-insensitive substring test (strcasestr is a GNU extension). */
static int rt_sel_has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return n == 0;
}

static int rt_sel_word(const char *w, const struct rt_case *c)
{
	const char *base = strrchr(c->file, '/');
	size_t i;

	if (rt_sel_has(c->id, w) || rt_sel_has(c->suite, w) || rt_sel_has(base ? base + 1 : c->file, w))
		return 1;
	for (i = 0; i < c->keywords.n; i++)
		if (rt_sel_has(c->keywords.v[i], w))
			return 1;
	return 0;
}

static int rt_sel_eval(const struct rt_select *sel, int i, const struct rt_case *c)
{
	const struct rt_sel_node *nd = &sel->nodes[i];

	switch (nd->op) {
	case RT_SEL_WORD:
		return rt_sel_word(nd->word, c);
	case RT_SEL_NOT:
		return !rt_sel_eval(sel, nd->a, c);
	case RT_SEL_AND:
		return rt_sel_eval(sel, nd->a, c) && rt_sel_eval(sel, nd->b, c);
	case RT_SEL_OR:
		return rt_sel_eval(sel, nd->a, c) || rt_sel_eval(sel, nd->b, c);
	}
	return 0;
}

int rt_select_match(const struct rt_select *sel, const struct rt_case *c)
{
	return !sel || rt_sel_eval(sel, sel->root, c);
}

void rt_select_free(struct rt_select *sel)
{
	free(sel);
}
