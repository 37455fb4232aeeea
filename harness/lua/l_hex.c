/* SPDX-License-Identifier: Apache-2.0 */
/* l_hex — the rt.hex Lua module: hex for display and for byte strings people write.
 *
 * Bytes cross the C/Lua boundary as Lua strings everywhere; this module is the one
 * place where they turn into hex text and back (design.md 4). Thin wrapper over
 * util/rt_hex; no state. */
#include <lauxlib.h>
#include <lua.h>

#include "lua/rt_lua_modules.h"
#include "util/rt_hex.h"

/* rt.hex.encode(bytes) -> hexstr  [-1, +1, e]
 * Upper-case hex of a byte string, no separators. */
static int l_hex_encode(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	luaL_Buffer b;
	char *p;

	if (n > ((size_t)-1 - 1) / 2)
		return luaL_argerror(L, 1, "string too long to hex-encode");
	p = luaL_buffinitsize(L, &b, 2 * n + 1);
	/* The size is exact, so rt_hex_encode cannot fail. */
	(void)rt_hex_encode((const uint8_t *)s, n, p, 2 * n + 1);
	luaL_pushresultsize(&b, 2 * n);
	return 1;
}

/* rt.hex.decode(hexstr) -> bytes  [-1, +1, e]
 * Accepts upper/lower case and ignores spaces, tabs, newlines and ':'. Raises
 * "rt.hex.decode: not a hex digit 'g' at offset 3" on a bad digit or an odd count. */
static int l_hex_decode(lua_State *L)
{
	size_t n, outlen = 0;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_err err = { 0 };
	luaL_Buffer b;
	uint8_t *p;

	p = (uint8_t *)luaL_buffinitsize(L, &b, n / 2 + 1);
	if (rt_hex_decode(s, n, p, n / 2 + 1, &outlen, &err))
		return luaL_error(L, "rt.hex.decode: %s", err.msg);
	luaL_pushresultsize(&b, outlen);
	return 1;
}

static const luaL_Reg l_hex_funcs[] = {
	{ "encode", l_hex_encode },
	{ "decode", l_hex_decode },
	{ NULL, NULL },
};

/* require "rt.hex" -> module table  [-0, +1, m] */
int luaopen_rt_hex(lua_State *L)
{
	luaL_newlib(L, l_hex_funcs);
	return 1;
}
