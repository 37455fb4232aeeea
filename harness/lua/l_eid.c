/* SPDX-License-Identifier: Apache-2.0 */
/* l_eid — the rt.eid Lua module: EID digits, BCD packing and SGP.29 check digits.
 *
 * Thin binding over codec/rt_eid. EIDs cross as 16-byte Lua strings (BCD) or as
 * 32-character digit strings. validate() reports an invalid EID as a value (false,
 * reason) because test steps check SUT data with it; the other functions raise. */
#include <lauxlib.h>
#include <lua.h>

#include "codec/rt_eid.h"
#include "lua/rt_lua_modules.h"

/* rt.eid.validate(bytes) -> true | false, reason  [-1, +(1|2), e]
 * 16 BCD bytes, decimal nibbles, prefix 89, number mod 97 == 1. */
static int l_eid_validate(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_err err = { 0 };

	if (rt_eid_validate((const uint8_t *)s, n, &err)) {
		lua_pushboolean(L, 0);
		lua_pushstring(L, err.msg);
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* rt.eid.digits(bytes) -> "89..." (32 digits)  [-1, +1, e]
 * Raises on a length other than 16 or a nibble above 9; check digits not verified. */
static int l_eid_digits(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	char out[RT_EID_DIGITS + 1];
	struct rt_err err = { 0 };

	if (n != RT_EID_LEN)
		return luaL_error(L, "rt.eid.digits: EID of %d bytes, need %d", (int)n, RT_EID_LEN);
	if (rt_eid_to_digits((const uint8_t *)s, out, &err))
		return luaL_error(L, "rt.eid.digits: %s", err.msg);
	lua_pushlstring(L, out, RT_EID_DIGITS);
	return 1;
}

/* Digit-string argument without embedded NULs. */
static const char *l_eid_checkdigits(lua_State *L, int arg, const char *fn)
{
	size_t n;
	const char *s = luaL_checklstring(L, arg, &n);

	if (n > RT_EID_DIGITS)
		luaL_error(L, "%s: %d characters, at most %d digits", fn, (int)n, RT_EID_DIGITS);
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			luaL_error(L, "%s: NUL at position %d", fn, (int)i + 1);
	return s;
}

/* rt.eid.from_digits(str) -> bytes (16)  [-1, +1, e]
 * 32 decimal digits to BCD; check digits not verified (use validate). */
static int l_eid_from_digits(lua_State *L)
{
	const char *s = l_eid_checkdigits(L, 1, "rt.eid.from_digits");
	uint8_t out[RT_EID_LEN];
	struct rt_err err = { 0 };

	if (rt_eid_from_digits(s, out, &err))
		return luaL_error(L, "rt.eid.from_digits: %s", err.msg);
	lua_pushlstring(L, (const char *)out, RT_EID_LEN);
	return 1;
}

/* rt.eid.complete(first30) -> 32-digit string  [-1, +1, e]
 * Appends the SGP.29 check digits to 30 digits starting 89 (a 32-digit input has its
 * last two digits replaced). */
static int l_eid_complete(lua_State *L)
{
	const char *s = l_eid_checkdigits(L, 1, "rt.eid.complete");
	char out[RT_EID_DIGITS + 1];
	struct rt_err err = { 0 };

	if (rt_eid_complete(s, out, &err))
		return luaL_error(L, "rt.eid.complete: %s", err.msg);
	lua_pushlstring(L, out, RT_EID_DIGITS);
	return 1;
}

static const luaL_Reg l_eid_funcs[] = {
	{ "validate", l_eid_validate },
	{ "digits", l_eid_digits },
	{ "from_digits", l_eid_from_digits },
	{ "complete", l_eid_complete },
	{ NULL, NULL },
};

/* require "rt.eid" -> module table  [-0, +1, m] */
int luaopen_rt_eid(lua_State *L)
{
	luaL_newlib(L, l_eid_funcs);
	return 1;
}
