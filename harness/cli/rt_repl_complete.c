/* SPDX-License-Identifier: Apache-2.0 */
/* rt_repl_complete — Tab completion at the prompt: names of globals, fields of tables
 * and methods of objects (through the metatable's __index table); see rt_repl.h. Only
 * raw access, so completing never runs a metamethod. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli/rt_repl.h"
#include "lua/rt_lua.h"

static const char *const rt_repl_keywords[] = {
	"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
	"in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
	NULL,
};

struct rt_repl_cq {
	const char *word;
	size_t len;
	struct rt_repl_matches *m;
};

static void rt_repl_add(struct rt_repl_matches *m, const char *k, size_t klen, const char *pre,
			size_t plen)
{
	size_t i;

	if (klen < plen || memcmp(k, pre, plen) != 0 || m->n >= RT_REPL_MATCH_MAX)
		return;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->v[i], k) == 0)
			return; /* a field also found through __index */
	m->v[m->n] = strdup(k);
	if (m->v[m->n])
		m->n++;
}

/* The string keys of the table at idx that start with pre. */
static void rt_repl_add_keys(lua_State *L, int idx, struct rt_repl_matches *m, const char *pre,
			     size_t plen)
{
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING) {
			size_t klen;
			const char *k = lua_tolstring(L, -1, &klen);

			rt_repl_add(m, k, klen, pre, plen);
		}
	}
}

/* Pushes the metatable's __index of the value at idx when it is a table, else nil. */
static void rt_repl_push_index(lua_State *L, int idx)
{
	if (!lua_getmetatable(L, idx)) {
		lua_pushnil(L);
		return;
	}
	lua_pushstring(L, "__index");
	lua_rawget(L, -2);
	lua_remove(L, -2);
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_pushnil(L);
	}
}

/* Pushes t[k] for the table at -1 (raw, falling back to a __index table); replaces t. */
static void rt_repl_field(lua_State *L, const char *k, size_t klen)
{
	int t = lua_gettop(L);

	if (lua_istable(L, t)) {
		lua_pushlstring(L, k, klen);
		lua_rawget(L, t);
		if (!lua_isnil(L, -1)) {
			lua_remove(L, t);
			return;
		}
		lua_pop(L, 1);
	}
	rt_repl_push_index(L, t);
	if (lua_istable(L, -1)) {
		lua_pushlstring(L, k, klen);
		lua_rawget(L, -2);
		lua_remove(L, -2);
	}
	lua_remove(L, t);
}

/* Lua: [cq] -> []. */
static int rt_repl_complete_p(lua_State *L)
{
	struct rt_repl_cq *q = lua_touserdata(L, 1);
	struct rt_repl_matches *m = q->m;
	const char *w = q->word, *p, *sep = NULL, *part;
	size_t plen;
	int obj;

	for (p = w; p < w + q->len; p++)
		if (*p == '.' || *p == ':')
			sep = p;
	part = sep ? sep + 1 : w;
	plen = (size_t)(w + q->len - part);
	m->prefix_len = plen;
	lua_pushglobaltable(L);
	if (sep) {
		const char *s = w, *e;

		/* Walk the dotted path before the last separator. */
		while (s < sep) {
			for (e = s; e < sep && *e != '.' && *e != ':'; e++)
				;
			rt_repl_field(L, s, (size_t)(e - s));
			s = e + 1;
		}
	}
	obj = lua_gettop(L);
	if (lua_istable(L, obj))
		rt_repl_add_keys(L, obj, m, part, plen);
	rt_repl_push_index(L, obj); /* methods, and modules that inherit fields */
	if (lua_istable(L, -1))
		rt_repl_add_keys(L, lua_gettop(L), m, part, plen);
	lua_pop(L, 1);
	if (!sep) {
		const char *const *k;

		for (k = rt_repl_keywords; *k; k++)
			rt_repl_add(m, *k, strlen(*k), part, plen);
	}
	if (m->n == 1) {
		int t;

		lua_pushvalue(L, obj);
		rt_repl_field(L, m->v[0], strlen(m->v[0]));
		t = lua_type(L, -1);
		m->suffix = t == LUA_TTABLE ? '.' : t == LUA_TFUNCTION ? '(' : 0;
	}
	return 0;
}

static int rt_repl_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rt_repl_complete(lua_State *L, const char *word, size_t len, struct rt_repl_matches *m)
{
	struct rt_repl_cq q = { word, len, m };
	struct rt_lua_result res;
	int top = lua_gettop(L);

	memset(m, 0, sizeof(*m));
	lua_pushcfunction(L, rt_repl_complete_p);
	lua_pushlightuserdata(L, &q);
	if (rt_lua_pcall(L, 1, 0, &res) != RT_LUA_OK) {
		lua_settop(L, top);
		rt_repl_matches_free(m);
		return -1;
	}
	lua_settop(L, top);
	qsort(m->v, m->n, sizeof(m->v[0]), rt_repl_strcmp);
	return 0;
}

void rt_repl_matches_free(struct rt_repl_matches *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	m->n = 0;
}
