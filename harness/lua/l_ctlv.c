/* SPDX-License-Identifier: Apache-2.0 */
/* l_ctlv — the rt.ctlv Lua module: COMPREHENSION-TLV (TS 101 220 §7.1.1).
 *
 * Thin binding over codec/rt_ctlv. Tags are integers holding the tag bytes with the CR
 * bit as coded (0x8B, 0x0B, 0x7F8001); bytes are Lua strings. */
#include <lauxlib.h>
#include <lua.h>

#include "codec/rt_ctlv.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_args.h"
#include "lua/rt_lua_modules.h"

static uint32_t l_ctlv_checktag(lua_State *L, int arg)
{
	lua_Integer t = luaL_checkinteger(L, arg);
	struct rt_err err = { 0 };
	size_t n;

	if (t <= 0 || t > 0xFFFFFF || rt_ctlv_tag_size((uint32_t)t, &n, &err))
		luaL_argerror(L, arg, err.msg[0] ? err.msg : "tag must be 1..0xFFFFFF");
	return (uint32_t)t;
}

/* rt.ctlv.parse(bytes) -> {{tag, tag_nocr, cr, value, offset, size}...}  [-1, +1, e] */
static int l_ctlv_parse(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_ctlv_iter it;
	struct rt_err err = { 0 };
	lua_Integer k = 0;

	rt_ctlv_iter_init(&it, (const uint8_t *)s, n);
	lua_newtable(L);
	while (!rt_ctlv_iter_done(&it)) {
		struct rt_ctlv t;

		if (rt_ctlv_next(&it, &t, &err))
			return rt_lua_error(L, "rt.ctlv.parse: %s", err.msg);
		lua_createtable(L, 0, 6);
		lua_pushinteger(L, t.tag);
		lua_setfield(L, -2, "tag");
		lua_pushinteger(L, t.tag_nocr);
		lua_setfield(L, -2, "tag_nocr");
		lua_pushboolean(L, t.cr);
		lua_setfield(L, -2, "cr");
		lua_pushlstring(L, (const char *)t.value, t.len);
		lua_setfield(L, -2, "value");
		lua_pushinteger(L, (lua_Integer)t.offset);
		lua_setfield(L, -2, "offset");
		lua_pushinteger(L, (lua_Integer)t.total_len);
		lua_setfield(L, -2, "size");
		lua_rawseti(L, -2, ++k);
	}
	return 1;
}

/* rt.ctlv.find(bytes, tag [, {any_cr = bool}]) -> value | nil  [-(2|3), +1, e]
 * any_cr matches the tag with or without its CR bit. */
static int l_ctlv_find(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	uint32_t tag = l_ctlv_checktag(L, 2);
	unsigned flags = rt_lua_opt_bool(L, 3, "any_cr", 0) ? RT_CTLV_F_ANY_CR : 0;
	struct rt_err err = { 0 };
	struct rt_ctlv t;
	int rc = rt_ctlv_find((const uint8_t *)s, n, tag, flags, &t, &err);

	if (rc == RT_ENOENT) {
		lua_pushnil(L);
		return 1;
	}
	if (rc)
		return rt_lua_error(L, "rt.ctlv.find: %s", err.msg);
	lua_pushlstring(L, (const char *)t.value, t.len);
	return 1;
}

/* rt.ctlv.encode(tag, value [, {cr = bool}]) -> bytes  [-(2|3), +1, e]
 * cr = true sets the CR bit; the length is 1 byte up to 7F, 81 xx up to 255. */
static int l_ctlv_encode(lua_State *L)
{
	uint32_t tag = l_ctlv_checktag(L, 1);
	size_t n;
	const char *v = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };
	struct rt_buf b;
	int rc;

	if (rt_lua_opt_bool(L, 3, "cr", 0))
		tag = rt_ctlv_tag_cr(tag);
	rt_buf_init(&b, RT_CTLV_HDR_MAX + RT_CTLV_VALUE_MAX);
	rc = rt_ctlv_put(&b, tag, (const uint8_t *)v, n, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.ctlv.encode: %s", err.msg);
	return 1;
}

static const luaL_Reg l_ctlv_funcs[] = {
	{ "parse", l_ctlv_parse },
	{ "find", l_ctlv_find },
	{ "encode", l_ctlv_encode },
	{ NULL, NULL },
};

/* require "rt.ctlv" -> module table  [-0, +1, m] */
int luaopen_rt_ctlv(lua_State *L)
{
	luaL_newlib(L, l_ctlv_funcs);
	return 1;
}
