/* SPDX-License-Identifier: Apache-2.0 */
/* rt_lua_args — option-table and list helpers for bindings; see rt_lua_args.h. */
#include "lua/rt_lua_args.h"

#include <lauxlib.h>

#include "lua/rt_lua.h"

lua_Integer rt_lua_opt_int(lua_State *L, int idx, const char *name, lua_Integer dflt,
			   lua_Integer min, lua_Integer max)
{
	lua_Integer v = dflt;
	int isint;

	if (lua_isnoneornil(L, idx))
		return dflt;
	luaL_checktype(L, idx, LUA_TTABLE);
	if (lua_getfield(L, idx, name) != LUA_TNIL) {
		v = lua_tointegerx(L, -1, &isint);
		if (!isint || v < min || v > max)
			rt_lua_error(L, "field '%s' must be an integer %lld..%lld", name,
				     (long long)min, (long long)max);
	}
	lua_pop(L, 1);
	return v;
}

int rt_lua_opt_bool(lua_State *L, int idx, const char *name, int dflt)
{
	int v = dflt;

	if (lua_isnoneornil(L, idx))
		return dflt;
	luaL_checktype(L, idx, LUA_TTABLE);
	if (lua_getfield(L, idx, name) != LUA_TNIL)
		v = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

void rt_lua_push_parts(lua_State *L, const uint8_t *base, const size_t *lens, size_t n)
{
	size_t i, off = 0;

	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_pushlstring(L, (const char *)base + off, lens[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
		off += lens[i];
	}
}
