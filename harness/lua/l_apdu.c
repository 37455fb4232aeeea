/* SPDX-License-Identifier: Apache-2.0 */
/* l_apdu — the rt.apdu Lua module: C-APDU build/parse, R-APDU split, status words.
 *
 * Thin binding over codec/rt_apdu (ISO 7816-4 5.1 rules live there). APDUs cross as
 * Lua strings of bytes; status words as integers (0x9000). Encoding uses a Lua buffer,
 * not malloc, so a raised error cannot leak. */
#include <lauxlib.h>
#include <lua.h>

#include "codec/rt_apdu.h"
#include "lua/rt_lua_modules.h"

/* Integer field name of the table at idx, 0..max; required unless dflt >= 0. */
static lua_Integer l_apdu_intfield(lua_State *L, int idx, const char *name, lua_Integer max,
				   lua_Integer dflt)
{
	lua_Integer v;
	int isint;

	if (lua_getfield(L, idx, name) == LUA_TNIL) {
		lua_pop(L, 1);
		if (dflt < 0)
			luaL_error(L, "rt.apdu.build: field '%s' missing", name);
		return dflt;
	}
	v = lua_tointegerx(L, -1, &isint);
	lua_pop(L, 1);
	if (!isint || v < 0 || v > max)
		luaL_error(L, "rt.apdu.build: field '%s' must be an integer 0..%d", name, (int)max);
	return v;
}

/* rt.apdu.build{cla=, ins=, p1=, p2=, data=bytes|nil, le=int|nil, extended=bool}
 *   -> bytes  [-1, +1, e]
 * Case 1-4 from data/le; short form unless data > 255 bytes, le > 256 or extended=true.
 * le is Ne: 1..256 short (256 -> 00), 1..65536 extended (65536 -> 0000). */
static int l_apdu_build(lua_State *L)
{
	struct rt_err err = { 0 };
	lua_Integer cla, ins, p1, p2, le;
	const char *data = NULL;
	size_t lc = 0, outlen = 0, cap;
	unsigned flags = 0;
	luaL_Buffer b;
	uint8_t *out;

	luaL_checktype(L, 1, LUA_TTABLE);
	cla = l_apdu_intfield(L, 1, "cla", 255, -1);
	ins = l_apdu_intfield(L, 1, "ins", 255, -1);
	p1 = l_apdu_intfield(L, 1, "p1", 255, -1);
	p2 = l_apdu_intfield(L, 1, "p2", 255, -1);
	le = l_apdu_intfield(L, 1, "le", 65536, 0);
	if (lua_getfield(L, 1, "data") != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "rt.apdu.build: field 'data' must be a byte string");
		data = lua_tolstring(L, -1, &lc); /* stays on the stack, so stays alive */
	}
	if (lua_getfield(L, 1, "le") != LUA_TNIL && le == 0)
		return luaL_error(L, "rt.apdu.build: le 0 is not a length (Le=00 is le=256)");
	lua_pop(L, 1);
	if (lua_getfield(L, 1, "extended") != LUA_TNIL && lua_toboolean(L, -1))
		flags |= RT_CAPDU_F_EXTENDED;
	lua_pop(L, 1);
	/* Upper bound: header, extended Lc, data, extended Le (lc is checked below). */
	cap = 4 + 3 + (lc < RT_CAPDU_MAX ? lc : 0) + 3;
	out = (uint8_t *)luaL_buffinitsize(L, &b, cap);
	if (rt_capdu_build_ex((uint8_t)cla, (uint8_t)ins, (uint8_t)p1, (uint8_t)p2,
			      (const uint8_t *)data, lc, le > 0, (size_t)le, flags, out, cap,
			      &outlen, &err))
		return luaL_error(L, "rt.apdu.build: %s", err.msg);
	luaL_pushresultsize(&b, outlen);
	return 1;
}

/* rt.apdu.parse(bytes) -> { cla, ins, p1, p2, case = 1..4, extended = bool,
 *   data = bytes|nil, lc = int, le = int|nil }  [-1, +1, e]
 * Raises "rt.apdu.parse: C-APDU 80E2: short Lc 21 but 7 bytes follow it (...)" when
 * the bytes fit no ISO 7816-4 case. */
static int l_apdu_parse(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_err err = { 0 };
	struct rt_capdu c;

	if (rt_capdu_parse((const uint8_t *)s, n, &c, &err))
		return luaL_error(L, "rt.apdu.parse: %s", err.msg);
	lua_createtable(L, 0, 9);
	lua_pushinteger(L, c.cla);
	lua_setfield(L, -2, "cla");
	lua_pushinteger(L, c.ins);
	lua_setfield(L, -2, "ins");
	lua_pushinteger(L, c.p1);
	lua_setfield(L, -2, "p1");
	lua_pushinteger(L, c.p2);
	lua_setfield(L, -2, "p2");
	lua_pushinteger(L, (lua_Integer)c.apdu_case);
	lua_setfield(L, -2, "case");
	lua_pushboolean(L, c.extended);
	lua_setfield(L, -2, "extended");
	lua_pushinteger(L, (lua_Integer)c.lc);
	lua_setfield(L, -2, "lc");
	if (c.data) {
		lua_pushlstring(L, (const char *)c.data, c.lc);
		lua_setfield(L, -2, "data");
	}
	if (c.has_le) {
		lua_pushinteger(L, (lua_Integer)c.le);
		lua_setfield(L, -2, "le");
	}
	return 1;
}

/* rt.apdu.split(rapdu) -> data, sw  [-1, +2, e]
 * data = all but the last two bytes; sw = SW1 * 256 + SW2. Raises under 2 bytes. */
static int l_apdu_split(lua_State *L)
{
	size_t n, dlen;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_err err = { 0 };
	uint16_t sw;

	if (rt_rapdu_split((const uint8_t *)s, n, &dlen, &sw, &err))
		return luaL_error(L, "rt.apdu.split: %s", err.msg);
	lua_pushlstring(L, s, dlen);
	lua_pushinteger(L, sw);
	return 2;
}

static uint16_t l_apdu_checksw(lua_State *L, int arg)
{
	lua_Integer sw = luaL_checkinteger(L, arg);

	if (sw < 0 || sw > 0xFFFF)
		luaL_argerror(L, arg, "status word must be 0..0xFFFF");
	return (uint16_t)sw;
}

/* rt.apdu.describe(sw) -> string  [-1, +1, e]
 * Meaning from the static SW table ("file or application not found" for 0x6A82). */
static int l_apdu_describe(lua_State *L)
{
	lua_pushstring(L, rt_sw_describe(l_apdu_checksw(L, 1)));
	return 1;
}

/* rt.apdu.sw_matches(sw, pattern) -> bool  [-2, +1, e]
 * pattern: 4 characters, hex digits or X for any digit ("9000", "61XX", "63CX"). */
static int l_apdu_sw_matches(lua_State *L)
{
	uint16_t sw = l_apdu_checksw(L, 1);
	size_t n;
	const char *pat = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };
	int match = 0;

	if (n != 4 || rt_sw_match(sw, pat, &match, &err))
		return luaL_argerror(L, 2, n != 4 ? "SW pattern needs 4 characters (hex or X)"
						  : err.msg);
	lua_pushboolean(L, match);
	return 1;
}

static const luaL_Reg l_apdu_funcs[] = {
	{ "build", l_apdu_build },
	{ "parse", l_apdu_parse },
	{ "split", l_apdu_split },
	{ "describe", l_apdu_describe },
	{ "sw_matches", l_apdu_sw_matches },
	{ NULL, NULL },
};

/* require "rt.apdu" -> module table  [-0, +1, m] */
int luaopen_rt_apdu(lua_State *L)
{
	luaL_newlib(L, l_apdu_funcs);
	return 1;
}
