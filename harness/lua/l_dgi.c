/* SPDX-License-Identifier: Apache-2.0 */
/* l_dgi — the rt.dgi Lua module: DGI TLVs (GP STORE DATA data grouping).
 *
 * Thin binding over codec/rt_dgi. Tags are integers 0..0xFFFF, bytes are Lua strings;
 * decoding errors are raised with the codec's message (DGI and offset). */
#include <lauxlib.h>
#include <lua.h>

#include "codec/rt_dgi.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"

static unsigned l_dgi_flags(lua_State *L, int idx)
{
	unsigned f = 0;

	if (lua_isnoneornil(L, idx))
		return 0;
	luaL_checktype(L, idx, LUA_TTABLE);
	if (lua_getfield(L, idx, "nonminimal") != LUA_TNIL && lua_toboolean(L, -1))
		f |= RT_DGI_F_NONMINIMAL;
	lua_pop(L, 1);
	return f;
}

static uint16_t l_dgi_checktag(lua_State *L, int arg)
{
	lua_Integer t = luaL_checkinteger(L, arg);

	luaL_argcheck(L, t >= 0 && t <= 0xFFFF, arg, "DGI must be 0..0xFFFF");
	return (uint16_t)t;
}

/* rt.dgi.parse(bytes [, {nonminimal = bool}]) -> {{tag, value, offset, size}...}
 * [-(1|2), +1, e] */
static int l_dgi_parse(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_dgi_iter it;
	struct rt_err err = { 0 };
	lua_Integer k = 0;

	rt_dgi_iter_init(&it, (const uint8_t *)s, n, l_dgi_flags(L, 2));
	lua_newtable(L);
	while (!rt_dgi_iter_done(&it)) {
		struct rt_dgi d;

		if (rt_dgi_next(&it, &d, &err))
			return rt_lua_error(L, "rt.dgi.parse: %s", err.msg);
		lua_createtable(L, 0, 4);
		lua_pushinteger(L, d.tag);
		lua_setfield(L, -2, "tag");
		lua_pushlstring(L, (const char *)d.value, d.len);
		lua_setfield(L, -2, "value");
		lua_pushinteger(L, (lua_Integer)d.offset);
		lua_setfield(L, -2, "offset");
		lua_pushinteger(L, (lua_Integer)d.total_len);
		lua_setfield(L, -2, "size");
		lua_rawseti(L, -2, ++k);
	}
	return 1;
}

/* rt.dgi.find(bytes, tag [, opts]) -> value | nil  [-(2|3), +1, e] */
static int l_dgi_find(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	uint16_t tag = l_dgi_checktag(L, 2);
	struct rt_err err = { 0 };
	struct rt_dgi d;
	int rc = rt_dgi_find((const uint8_t *)s, n, tag, l_dgi_flags(L, 3), &d, &err);

	if (rc == RT_ENOENT) {
		lua_pushnil(L);
		return 1;
	}
	if (rc)
		return rt_lua_error(L, "rt.dgi.find: %s", err.msg);
	lua_pushlstring(L, (const char *)d.value, d.len);
	return 1;
}

/* rt.dgi.encode(tag, value) -> bytes  [-2, +1, e]
 * tag(2) + length (1 byte up to FE, else FF + 2 bytes) + value. */
static int l_dgi_encode(lua_State *L)
{
	uint16_t tag = l_dgi_checktag(L, 1);
	size_t n;
	const char *v = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };
	struct rt_buf b;
	int rc;

	rt_buf_init(&b, RT_DGI_HDR_MAX + RT_DGI_VALUE_MAX);
	rc = rt_dgi_put(&b, tag, (const uint8_t *)v, n, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.dgi.encode: %s", err.msg);
	return 1;
}

static const luaL_Reg l_dgi_funcs[] = {
	{ "parse", l_dgi_parse },
	{ "find", l_dgi_find },
	{ "encode", l_dgi_encode },
	{ NULL, NULL },
};

/* require "rt.dgi" -> module table  [-0, +1, m] */
int luaopen_rt_dgi(lua_State *L)
{
	luaL_newlib(L, l_dgi_funcs);
	return 1;
}
