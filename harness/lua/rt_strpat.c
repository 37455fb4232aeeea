/* SPDX-License-Identifier: Apache-2.0 */
/* rt_strpat — Lua 5.4 pattern matching with the case deadline checked while matching;
 * see rt_strpat.h. Semantics follow the Lua 5.4 reference manual §6.4.1 (patterns) and
 * §6.4 (string.find/match/gmatch/gsub/rep); the details the manual leaves open (error
 * texts, the 200-deep "pattern too complex" limit, which items nest) are those of stock
 * Lua 5.4, pinned by the differential test tests/unit/test_strpat.c. */
#define _GNU_SOURCE /* memmem (glibc: two-way, linear time) */
#include "lua/rt_strpat.h"

#include <ctype.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/rt_lua.h"
#include "lua/rt_lua_bounded.h"

#define RT_SP_MAXCAP 32     /* captures per pattern (stock LUA_MAXCAPTURES) */
#define RT_SP_MAXDEPTH 200  /* nested item matches before "pattern too complex" */
#define RT_SP_OPEN (-1)     /* capture length: not closed yet */
#define RT_SP_POS (-2)      /* capture length: position capture "()" */
#define RT_SP_MAXSIZE ((size_t)INT_MAX) /* stock string.rep's "too large" bound */

/* One match attempt over subject [s0, se) with pattern ending at pe. */
struct rt_sp {
	lua_State *L;
	struct rt_lua_ctx *ctx; /* NULL outside an rsptest state: no deadline */
	const char *where;      /* "string.find", … for the timeout message */
	const char *s0, *se, *pe;
	unsigned budget;        /* steps left before the next deadline check */
	int depth;              /* nested matches left */
	int level;              /* captures opened so far */
	struct {
		const char *init;
		ptrdiff_t len;
	} cap[RT_SP_MAXCAP];
};

static void rt_sp_init(struct rt_sp *ms, lua_State *L, const char *where, const char *s,
		       size_t ls, const char *p, size_t lp)
{
	ms->L = L;
	ms->ctx = rt_lua_ctx(L);
	ms->where = where;
	ms->s0 = s;
	ms->se = s + ls;
	ms->pe = p + lp;
	ms->budget = RT_STRPAT_CHECK_EVERY;
	ms->depth = RT_SP_MAXDEPTH;
	ms->level = 0;
}

/* The deadline and signal checks of the count hook (rt_lua_sandbox.c), done from here
 * because the hook cannot fire while this C code runs. */
static void rt_sp_check(struct rt_sp *ms)
{
	ms->budget = RT_STRPAT_CHECK_EVERY;
	rt_lua_check_deadline(ms->L, ms->ctx, ms->where);
}

static inline void rt_sp_tick(struct rt_sp *ms)
{
	if (--ms->budget == 0)
		rt_sp_check(ms);
}

/* %a %c %d %g %l %p %s %u %w %x (upper case: the complement); any other character
 * after % stands for itself. */
static int rt_sp_class(int c, int cl)
{
	int r;

	switch (tolower(cl)) {
	case 'a': r = isalpha(c); break;
	case 'c': r = iscntrl(c); break;
	case 'd': r = isdigit(c); break;
	case 'g': r = isgraph(c); break;
	case 'l': r = islower(c); break;
	case 'p': r = ispunct(c); break;
	case 's': r = isspace(c); break;
	case 'u': r = isupper(c); break;
	case 'w': r = isalnum(c); break;
	case 'x': r = isxdigit(c); break;
	case 'z': r = c == 0; break; /* Lua 5.1's %z, still accepted by 5.4 */
	default: return cl == c;
	}
	if (isupper(cl))
		r = !r;
	return r != 0;
}

/* Is c in the set [p, last] (p at '[', last at the closing ']')? A leading '^'
 * complements; x-y is a range unless the '-' or y would be the closing ']'. */
static int rt_sp_set(int c, const char *p, const char *last)
{
	int in = 1;

	p++;
	if (*p == '^') {
		in = 0;
		p++;
	}
	for (; p < last; p++) {
		if (*p == '%') {
			p++;
			if (rt_sp_class(c, (unsigned char)*p))
				return in;
		} else if (p + 2 < last && p[1] == '-') {
			if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
				return in;
			p += 2;
		} else if ((unsigned char)*p == c) {
			return in;
		}
	}
	return !in;
}

/* End of the single-character class starting at p (., %x, [set] or a character). A
 * set's first character (after ^) is never its end, so "[]]" is the set of ']'. */
static const char *rt_sp_class_end(struct rt_sp *ms, const char *p)
{
	char c = *p++;

	if (c == '%') {
		if (p >= ms->pe)
			luaL_error(ms->L, "malformed pattern (ends with '%%')");
		return p + 1;
	}
	if (c != '[')
		return p;
	if (p < ms->pe && *p == '^')
		p++;
	for (;;) {
		if (p >= ms->pe)
			luaL_error(ms->L, "malformed pattern (missing ']')");
		c = *p++;
		if (c == '%' && p < ms->pe)
			p++;
		if (p < ms->pe && *p == ']')
			return p + 1;
	}
}

/* Does the class [p, ep) match the subject character at s? */
static int rt_sp_single(const struct rt_sp *ms, const char *s, const char *p, const char *ep)
{
	int c;

	if (s >= ms->se)
		return 0;
	c = (unsigned char)*s;
	switch (*p) {
	case '.': return 1;
	case '%': return rt_sp_class(c, (unsigned char)p[1]);
	case '[': return rt_sp_set(c, p, ep - 1);
	default: return (unsigned char)*p == c;
	}
}

static const char *rt_sp_match(struct rt_sp *ms, const char *s, const char *p);

/* %bxy at s: x, then characters up to the y that balances it. */
static const char *rt_sp_balance(struct rt_sp *ms, const char *s, const char *p)
{
	int open, close, n = 1;

	if (p + 1 >= ms->pe)
		luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
	open = (unsigned char)p[0];
	close = (unsigned char)p[1];
	if (s >= ms->se || (unsigned char)*s != open)
		return NULL;
	while (++s < ms->se) {
		rt_sp_tick(ms);
		if ((unsigned char)*s == close) {
			if (--n == 0)
				return s + 1;
		} else if ((unsigned char)*s == open) {
			n++;
		}
	}
	return NULL;
}

/* %1-%9 at s: the text of an earlier, closed capture. A position capture has no text
 * and never matches (as in stock Lua). */
static const char *rt_sp_backref(struct rt_sp *ms, const char *s, int digit)
{
	int l = digit - '1';
	size_t len;

	if (l < 0 || l >= ms->level || ms->cap[l].len == RT_SP_OPEN)
		luaL_error(ms->L, "invalid capture index %%%d", l + 1);
	len = (size_t)ms->cap[l].len;
	if ((size_t)(ms->se - s) >= len && memcmp(ms->cap[l].init, s, len) == 0)
		return s + len;
	return NULL;
}

/* x* and x+ (after the first x): longest run first, then give back one at a time. */
static const char *rt_sp_greedy(struct rt_sp *ms, const char *s, const char *p, const char *ep)
{
	ptrdiff_t i = 0;
	const char *r;

	while (rt_sp_single(ms, s + i, p, ep)) {
		i++;
		rt_sp_tick(ms);
	}
	for (; i >= 0; i--) {
		r = rt_sp_match(ms, s + i, ep + 1);
		if (r)
			return r;
	}
	return NULL;
}

/* x-: shortest run first, one more x at a time. */
static const char *rt_sp_lazy(struct rt_sp *ms, const char *s, const char *p, const char *ep)
{
	const char *r;

	for (;;) {
		r = rt_sp_match(ms, s, ep + 1);
		if (r)
			return r;
		if (!rt_sp_single(ms, s, p, ep))
			return NULL;
		s++;
	}
}

static const char *rt_sp_open(struct rt_sp *ms, const char *s, const char *p, ptrdiff_t what)
{
	const char *r;

	if (ms->level >= RT_SP_MAXCAP)
		luaL_error(ms->L, "too many captures");
	ms->cap[ms->level].init = s;
	ms->cap[ms->level].len = what;
	ms->level++;
	r = rt_sp_match(ms, s, p);
	if (!r)
		ms->level--;
	return r;
}

static const char *rt_sp_close(struct rt_sp *ms, const char *s, const char *p)
{
	const char *r;
	int l;

	for (l = ms->level - 1; l >= 0; l--)
		if (ms->cap[l].len == RT_SP_OPEN)
			break;
	if (l < 0)
		luaL_error(ms->L, "invalid pattern capture");
	ms->cap[l].len = s - ms->cap[l].init;
	r = rt_sp_match(ms, s, p);
	if (!r)
		ms->cap[l].len = RT_SP_OPEN;
	return r;
}

/* Matches the pattern from p against the subject from s; returns the end of the match
 * or NULL. Items that may need to backtrack (captures, ?, *, +, -) continue in a nested
 * call, so the nesting depth is bounded by RT_SP_MAXDEPTH; the rest loop here. */
static const char *rt_sp_match(struct rt_sp *ms, const char *s, const char *p)
{
	const char *r = NULL, *ep;
	char q;

	if (ms->depth-- == 0)
		luaL_error(ms->L, "pattern too complex");
	for (;;) {
		rt_sp_tick(ms);
		if (p == ms->pe) {
			r = s;
			goto out;
		}
		switch (*p) {
		case '(':
			if (p + 1 < ms->pe && p[1] == ')')
				r = rt_sp_open(ms, s, p + 2, RT_SP_POS);
			else
				r = rt_sp_open(ms, s, p + 1, RT_SP_OPEN);
			goto out;
		case ')':
			r = rt_sp_close(ms, s, p + 1);
			goto out;
		case '$':
			/* An anchor only as the last character; elsewhere a plain '$'. */
			if (p + 1 == ms->pe) {
				r = s == ms->se ? s : NULL;
				goto out;
			}
			break;
		case '%':
			if (p + 1 >= ms->pe)
				break; /* rt_sp_class_end reports it */
			if (p[1] == 'b') {
				s = rt_sp_balance(ms, s, p + 2);
				if (!s)
					goto out;
				p += 4;
				continue;
			}
			if (p[1] == 'f') {
				int prev, cur;

				p += 2;
				if (p >= ms->pe || *p != '[')
					luaL_error(ms->L, "missing '[' after '%%f' in pattern");
				ep = rt_sp_class_end(ms, p);
				prev = s == ms->s0 ? 0 : (unsigned char)s[-1];
				cur = s < ms->se ? (unsigned char)*s : 0;
				if (rt_sp_set(prev, p, ep - 1) || !rt_sp_set(cur, p, ep - 1))
					goto out;
				p = ep;
				continue;
			}
			if (isdigit((unsigned char)p[1])) {
				s = rt_sp_backref(ms, s, (unsigned char)p[1]);
				if (!s)
					goto out;
				p += 2;
				continue;
			}
			break;
		default:
			break;
		}
		/* A single-character class, maybe with a quantifier. */
		ep = rt_sp_class_end(ms, p);
		q = ep < ms->pe ? *ep : '\0';
		if (!rt_sp_single(ms, s, p, ep)) {
			if (q == '*' || q == '?' || q == '-') {
				p = ep + 1; /* zero repetitions */
				continue;
			}
			goto out;
		}
		switch (q) {
		case '?':
			r = rt_sp_match(ms, s + 1, ep + 1);
			if (r)
				goto out;
			p = ep + 1;
			continue;
		case '+':
			r = rt_sp_greedy(ms, s + 1, p, ep);
			goto out;
		case '*':
			r = rt_sp_greedy(ms, s, p, ep);
			goto out;
		case '-':
			r = rt_sp_lazy(ms, s, p, ep);
			goto out;
		default:
			s++;
			p = ep;
			continue;
		}
	}
out:
	ms->depth++;
	return r;
}

/* Pushes capture i; with no captures, i == 0 is the whole match [s, e). */
static void rt_sp_push_cap(struct rt_sp *ms, int i, const char *s, const char *e)
{
	if (i >= ms->level) {
		if (i != 0)
			luaL_error(ms->L, "invalid capture index %%%d", i + 1);
		lua_pushlstring(ms->L, s, (size_t)(e - s));
		return;
	}
	if (ms->cap[i].len == RT_SP_OPEN)
		luaL_error(ms->L, "unfinished capture");
	if (ms->cap[i].len == RT_SP_POS)
		lua_pushinteger(ms->L, (lua_Integer)(ms->cap[i].init - ms->s0) + 1);
	else
		lua_pushlstring(ms->L, ms->cap[i].init, (size_t)ms->cap[i].len);
}

/* Pushes all captures (or the whole match when there are none and s != NULL). */
static int rt_sp_push_caps(struct rt_sp *ms, const char *s, const char *e)
{
	int i, n = (ms->level == 0 && s) ? 1 : ms->level;

	luaL_checkstack(ms->L, n, "too many captures");
	for (i = 0; i < n; i++)
		rt_sp_push_cap(ms, i, s, e);
	return n;
}

/* A string position from Lua (1-based, negative from the end) to a 1-based index,
 * clipped below at 1 (manual §6.4). */
static size_t rt_sp_posrel(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos;
	if (pos == 0)
		return 1;
	if (pos < -(lua_Integer)len)
		return 1;
	return len + (size_t)pos + 1;
}

/* string.find treats a pattern without any of these as plain text. */
static int rt_sp_plain(const char *p, size_t lp)
{
	size_t i;

	for (i = 0; i < lp; i++)
		if (strchr("^$*+?.([%-", p[i]) && p[i] != '\0')
			return 0;
	return 1;
}

static int rt_sp_find_aux(lua_State *L, int find)
{
	size_t ls, lp, init;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *s1, *e;
	struct rt_sp ms;
	int anchor;

	init = rt_sp_posrel(luaL_optinteger(L, 3, 1), ls) - 1;
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	if (find && (lua_toboolean(L, 4) || rt_sp_plain(p, lp))) {
		/* glibc memmem is linear (two-way), so plain find needs no step count. */
		const char *f = memmem(s + init, ls - init, p, lp);

		if (!f) {
			luaL_pushfail(L);
			return 1;
		}
		lua_pushinteger(L, (lua_Integer)(f - s) + 1);
		lua_pushinteger(L, (lua_Integer)(f - s + lp));
		return 2;
	}
	anchor = lp > 0 && *p == '^';
	if (anchor) {
		p++;
		lp--;
	}
	rt_sp_init(&ms, L, find ? "string.find" : "string.match", s, ls, p, lp);
	s1 = s + init;
	do {
		ms.level = 0;
		ms.depth = RT_SP_MAXDEPTH;
		e = rt_sp_match(&ms, s1, p);
		if (e) {
			if (!find)
				return rt_sp_push_caps(&ms, s1, e);
			lua_pushinteger(L, (lua_Integer)(s1 - s) + 1);
			lua_pushinteger(L, (lua_Integer)(e - s));
			return rt_sp_push_caps(&ms, NULL, NULL) + 2;
		}
	} while (s1++ < ms.se && !anchor);
	luaL_pushfail(L);
	return 1;
}

int rt_strpat_find(lua_State *L)
{
	return rt_sp_find_aux(L, 1);
}

int rt_strpat_match(lua_State *L)
{
	return rt_sp_find_aux(L, 0);
}

/* gmatch iterator state (a userdata upvalue; subject and pattern are upvalues 1, 2). */
struct rt_sp_gm {
	size_t src;       /* where the next search starts */
	size_t last;      /* end of the previous match, SIZE_MAX before the first */
};

static int rt_sp_gmatch_next(lua_State *L)
{
	size_t ls, lp;
	const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
	const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
	struct rt_sp_gm *gm = lua_touserdata(L, lua_upvalueindex(3));
	struct rt_sp ms;
	const char *src, *e;

	rt_sp_init(&ms, L, "string.gmatch", s, ls, p, lp);
	for (src = s + gm->src; src <= ms.se; src++) {
		ms.level = 0;
		ms.depth = RT_SP_MAXDEPTH;
		e = rt_sp_match(&ms, src, p);
		/* An empty match right where the previous one ended is skipped (5.4). */
		if (e && (size_t)(e - s) != gm->last) {
			gm->src = gm->last = (size_t)(e - s);
			return rt_sp_push_caps(&ms, src, e);
		}
	}
	return 0;
}

int rt_strpat_gmatch(lua_State *L)
{
	size_t ls, init;
	struct rt_sp_gm *gm;

	luaL_checklstring(L, 1, &ls);
	luaL_checkstring(L, 2);
	init = rt_sp_posrel(luaL_optinteger(L, 3, 1), ls) - 1;
	if (init > ls)
		init = ls + 1; /* past the end: no match at all, not even an empty one */
	lua_settop(L, 2);
	gm = lua_newuserdatauv(L, sizeof(*gm), 0);
	gm->src = init;
	gm->last = SIZE_MAX;
	lua_pushcclosure(L, rt_sp_gmatch_next, 3);
	return 1;
}

/* gsub with a string replacement: %0 the match, %1-%9 captures, %% a '%'. */
static void rt_sp_add_s(struct rt_sp *ms, luaL_Buffer *b, const char *s, const char *e)
{
	size_t l;
	const char *r = lua_tolstring(ms->L, 3, &l);
	const char *end = r + l, *q;

	while (r < end) {
		q = memchr(r, '%', (size_t)(end - r));
		if (!q) {
			luaL_addlstring(b, r, (size_t)(end - r));
			return;
		}
		luaL_addlstring(b, r, (size_t)(q - r));
		q++;
		if (q < end && *q == '%') {
			luaL_addchar(b, '%');
		} else if (q < end && *q == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (q < end && isdigit((unsigned char)*q)) {
			rt_sp_push_cap(ms, *q - '1', s, e);
			luaL_addvalue(b); /* a position capture is an integer: tostring'd */
		} else {
			luaL_error(ms->L, "invalid use of '%c' in replacement string", '%');
		}
		r = q + 1;
	}
}

/* Appends the replacement of match [s, e); a false/nil table or function result keeps
 * the original text. */
static void rt_sp_add_value(struct rt_sp *ms, luaL_Buffer *b, const char *s, const char *e,
			    int tr)
{
	lua_State *L = ms->L;

	if (tr == LUA_TFUNCTION) {
		int n;

		lua_pushvalue(L, 3);
		n = rt_sp_push_caps(ms, s, e);
		lua_call(L, n, 1);
	} else if (tr == LUA_TTABLE) {
		rt_sp_push_cap(ms, 0, s, e);
		lua_gettable(L, 3);
	} else {
		rt_sp_add_s(ms, b, s, e);
		return;
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return;
	}
	if (!lua_isstring(L, -1))
		luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
}

int rt_strpat_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *src = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *last = NULL, *e;
	int tr = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1), n = 0;
	int anchor = lp > 0 && *p == '^';
	struct rt_sp ms;
	luaL_Buffer b;

	luaL_argexpected(L,
			 tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION ||
				 tr == LUA_TTABLE,
			 3, "string/function/table");
	if (anchor) {
		p++;
		lp--;
	}
	luaL_buffinit(L, &b);
	rt_sp_init(&ms, L, "string.gsub", src, ls, p, lp);
	while (n < max) {
		ms.level = 0;
		ms.depth = RT_SP_MAXDEPTH;
		e = rt_sp_match(&ms, src, p);
		if (e && e != last) {
			n++;
			rt_sp_add_value(&ms, &b, src, e, tr);
			src = last = e;
		} else if (src < ms.se) {
			luaL_addchar(&b, *src++);
		} else {
			break;
		}
		if (anchor)
			break;
	}
	luaL_addlstring(&b, src, (size_t)(ms.se - src));
	luaL_pushresult(&b);
	lua_pushinteger(L, n);
	return 2;
}

int rt_strpat_rep(lua_State *L)
{
	size_t l, lsep, total, done;
	const char *s = luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	const char *sep = luaL_optlstring(L, 3, "", &lsep);
	luaL_Buffer b;
	char *out;

	if (n <= 0 || (l == 0 && lsep == 0)) {
		lua_pushliteral(L, "");
		return 1;
	}
	if (l + lsep < l || l + lsep > RT_SP_MAXSIZE / (size_t)n)
		return luaL_error(L, "resulting string too large");
	total = (size_t)n * l + (size_t)(n - 1) * lsep;
	if (total > RT_STRPAT_REP_MAX)
		return rt_lua_error(L, "string.rep: a %zu-byte result is over the sandbox's %u MiB cap",
				    total, RT_STRPAT_REP_MAX >> 20);
	out = luaL_buffinitsize(L, &b, total);
	/* One piece (with its separator), then doubling copies. */
	memcpy(out, s, l);
	done = l;
	if (n > 1) {
		memcpy(out + done, sep, lsep);
		memcpy(out + done + lsep, s, l);
		done += lsep + l;
	}
	while (done < total) {
		size_t chunk = done + lsep <= total - done ? done + lsep : total - done;

		/* out[0..done) is k pieces joined; append sep + the same again. */
		if (chunk >= lsep) {
			memcpy(out + done, sep, lsep);
			memcpy(out + done + lsep, out, chunk - lsep);
		} else {
			memcpy(out + done, sep, chunk);
		}
		done += chunk;
	}
	luaL_pushresultsize(&b, total);
	return 1;
}

static const luaL_Reg rt_strpat_funcs[] = {
	{ "find", rt_strpat_find },   { "match", rt_strpat_match }, { "gmatch", rt_strpat_gmatch },
	{ "gsub", rt_strpat_gsub },   { "rep", rt_strpat_rep },     { NULL, NULL },
};

void rt_strpat_install(lua_State *L)
{
	lua_getglobal(L, "string");
	luaL_setfuncs(L, rt_strpat_funcs, 0);
	lua_pop(L, 1);
}
