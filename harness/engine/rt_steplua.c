/* SPDX-License-Identifier: Apache-2.0 */
/* rt_steplua — YAML node → Lua value with ${NAME} substitution; see rt_steplua.h. */
#include "engine/rt_steplua.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/rt_lua.h"

static int rt_is_int(const char *s)
{
	const char *p = s;

	if (*p == '-' || *p == '+')
		p++;
	if (!*p || strlen(p) > 18)
		return 0;
	/* "0001" stays a string: it is almost always a code or an identifier. */
	if (p[0] == '0' && p[1])
		return 0;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/* Pushes the value of variable path [name, name+len) from vars. */
static void rt_var_push(lua_State *L, const struct rt_ynode *n, int vars_idx, const char *name,
			size_t len)
{
	size_t start = 0, i;
	int depth = 0;

	if (len == 0)
		rt_lua_error(L, "%s:%u:%u: empty variable name ${}", n->file, n->line, n->col);
	lua_pushvalue(L, vars_idx);
	for (i = 0; i <= len; i++) {
		char part[128];
		size_t plen;

		if (i < len && name[i] != '.')
			continue;
		plen = i - start;
		if (plen == 0 || plen >= sizeof(part))
			rt_lua_error(L, "%s:%u:%u: bad variable name ${%.*s}", n->file, n->line, n->col,
				   (int)len, name);
		memcpy(part, name + start, plen);
		part[plen] = '\0';
		if (!lua_istable(L, -1))
			rt_lua_error(L, "%s:%u:%u: ${%.*s}: '%.*s' is not a table", n->file, n->line,
				   n->col, (int)len, name, (int)(start ? start - 1 : 0), name);
		if (part[0] >= '0' && part[0] <= '9')
			lua_geti(L, -1, strtol(part, NULL, 10));
		else
			lua_getfield(L, -1, part);
		lua_remove(L, -2);
		if (lua_isnil(L, -1))
			rt_lua_error(L, "%s:%u:%u: undefined variable ${%.*s}%s", n->file, n->line, n->col,
				   (int)len, name,
				   depth == 0 ? " (variables come from the SUT's vars:, fixtures and "
						"earlier steps' save:)"
					      : "");
		depth++;
		start = i + 1;
	}
}

static void rt_push_text(lua_State *L, const struct rt_ynode *n, int vars_idx)
{
	const char *s = n->str, *open, *close;
	luaL_Buffer b;

	if (!vars_idx || !strstr(s, "${")) {
		lua_pushstring(L, s);
		return;
	}
	/* A lone ${X} keeps the value's type. */
	if (s[0] == '$' && s[1] == '{' && (close = strchr(s, '}')) && close[1] == '\0' &&
	    !memchr(s + 2, '{', (size_t)(close - s - 2))) {
		rt_var_push(L, n, vars_idx, s + 2, (size_t)(close - s - 2));
		return;
	}
	luaL_buffinit(L, &b);
	while ((open = strstr(s, "${")) != NULL) {
		if (open > s && open[-1] == '$') {
			/* "$${" is an escaped literal "${". */
			luaL_addlstring(&b, s, (size_t)(open - s - 1));
			luaL_addstring(&b, "${");
			s = open + 2;
			continue;
		}
		close = strchr(open, '}');
		if (!close)
			rt_lua_error(L, "%s:%u:%u: unterminated ${ in '%s'", n->file, n->line, n->col,
				   n->str);
		luaL_addlstring(&b, s, (size_t)(open - s));
		rt_var_push(L, n, vars_idx, open + 2, (size_t)(close - open - 2));
		if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER &&
		    lua_type(L, -1) != LUA_TBOOLEAN)
			rt_lua_error(L, "%s:%u:%u: ${%.*s} is a %s and cannot be put inside text",
				   n->file, n->line, n->col, (int)(close - open - 2), open + 2,
				   luaL_typename(L, -1));
		luaL_tolstring(L, -1, NULL);
		lua_remove(L, -2);
		luaL_addvalue(&b);
		s = close + 1;
	}
	luaL_addstring(&b, s);
	luaL_pushresult(&b);
}

void rt_steplua_push(lua_State *L, const struct rt_ynode *n, int vars_idx)
{
	size_t i;

	luaL_checkstack(L, 8, "YAML nesting");
	if (!n) {
		lua_pushnil(L);
		return;
	}
	switch (n->kind) {
	case RT_Y_SCALAR:
		if (!n->quoted) {
			if (strcmp(n->str, "true") == 0 || strcmp(n->str, "false") == 0) {
				lua_pushboolean(L, n->str[0] == 't');
				return;
			}
			if (strcmp(n->str, "null") == 0 || strcmp(n->str, "~") == 0) {
				lua_pushnil(L);
				return;
			}
			if (rt_is_int(n->str)) {
				lua_pushinteger(L, (lua_Integer)strtoll(n->str, NULL, 10));
				return;
			}
		}
		rt_push_text(L, n, vars_idx);
		return;
	case RT_Y_SEQ:
		lua_createtable(L, (int)n->n, 0);
		for (i = 0; i < n->n; i++) {
			rt_steplua_push(L, n->items[i], vars_idx);
			lua_seti(L, -2, (lua_Integer)i + 1);
		}
		return;
	case RT_Y_MAP:
		lua_createtable(L, 0, (int)n->n);
		for (i = 0; i < n->n; i++) {
			rt_steplua_push(L, n->items[i], vars_idx);
			lua_setfield(L, -2, n->keys[i]);
		}
		return;
	}
}
