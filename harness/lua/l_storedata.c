/* SPDX-License-Identifier: Apache-2.0 */
/* l_storedata — the rt.storedata Lua module: GP STORE DATA block splitting and checks.
 *
 * Thin binding over codec/rt_storedata (a module of its own rather than part of
 * rt.apdu, whose binding belongs to the APDU codec). */
#include <lauxlib.h>
#include <lua.h>

#include "codec/rt_storedata.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_args.h"
#include "lua/rt_lua_modules.h"

#define L_SD_OUT_MAX (RT_STOREDATA_BLOCKS_MAX * (5 + RT_STOREDATA_BLOCK_MAX + 1))

/* rt.storedata.split(payload [, opts]) -> {apdu, ...}  [-(1|2), +1, e]
 * opts: { p1 = 0x09 (P1 bits; b8 is set on the last block only), block_size = 255,
 *         cla = 0x80, le = false (append Le 00) }. */
static int l_sd_split(lua_State *L)
{
	size_t n, cnt;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_storedata_opts o;
	struct rt_err err = { 0 };
	struct rt_buf b;
	size_t *lens;
	int rc;

	lua_settop(L, 2); /* the length array goes above the arguments */
	lens = lua_newuserdatauv(L, sizeof(size_t) * RT_STOREDATA_BLOCKS_MAX, 0);

	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	o.cla = (uint8_t)rt_lua_opt_int(L, 2, "cla", 0x80, 0, 0xFF);
	o.p1 = (uint8_t)rt_lua_opt_int(L, 2, "p1", 0x09, 0, 0xFF);
	o.block_size = (size_t)rt_lua_opt_int(L, 2, "block_size", RT_STOREDATA_BLOCK_MAX, 0, 0xFFFF);
	o.le = 0;
	if (!lua_isnoneornil(L, 2)) {
		lua_getfield(L, 2, "le");
		o.le = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	rt_buf_init(&b, L_SD_OUT_MAX);
	rc = rt_storedata_split((const uint8_t *)s, n, &o, &b, lens, RT_STOREDATA_BLOCKS_MAX, &cnt,
				&err);
	if (!rc)
		rt_lua_push_parts(L, b.data, lens, cnt);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.storedata.split: %s", err.msg);
	return 1;
}

/* rt.storedata.join({apdu, ...}) -> payload, {cla, p1, blocks, max_block}  [-1, +2, e]
 * Checks the sequence (INS E2, P2 = block number, P1 b8 only on the last block, same
 * CLA and P1 bits) and returns the joined data. */
static int l_sd_join(lua_State *L)
{
	const uint8_t *apdus[RT_STOREDATA_BLOCKS_MAX];
	size_t lens[RT_STOREDATA_BLOCKS_MAX];
	struct rt_storedata_info info;
	struct rt_err err = { 0 };
	lua_Integer k, cnt;
	struct rt_buf b;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	cnt = (lua_Integer)luaL_len(L, 1);
	if (cnt < 1 || cnt > RT_STOREDATA_BLOCKS_MAX)
		return rt_lua_error(L, "rt.storedata.join: %lld commands (1..256)", (long long)cnt);
	for (k = 1; k <= cnt; k++) {
		if (lua_geti(L, 1, k) != LUA_TSTRING)
			return rt_lua_error(L, "rt.storedata.join: command %lld is not a byte string",
					    (long long)k);
		apdus[k - 1] = (const uint8_t *)lua_tolstring(L, -1, &lens[k - 1]);
		lua_pop(L, 1);
	}
	rt_buf_init(&b, L_SD_OUT_MAX);
	rc = rt_storedata_check(apdus, lens, (size_t)cnt, &b, &info, &err);
	if (!rc)
		lua_pushlstring(L, b.data ? (const char *)b.data : "", b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.storedata.join: %s", err.msg);
	lua_createtable(L, 0, 4);
	lua_pushinteger(L, info.cla);
	lua_setfield(L, -2, "cla");
	lua_pushinteger(L, info.p1);
	lua_setfield(L, -2, "p1");
	lua_pushinteger(L, (lua_Integer)info.blocks);
	lua_setfield(L, -2, "blocks");
	lua_pushinteger(L, (lua_Integer)info.max_block);
	lua_setfield(L, -2, "max_block");
	return 2;
}

static const luaL_Reg l_sd_funcs[] = {
	{ "split", l_sd_split },
	{ "join", l_sd_join },
	{ NULL, NULL },
};

/* require "rt.storedata" -> module table  [-0, +1, m]
 * Also: P1_LAST = 0x80, P1_DGI = 0x08, P1_BERTLV = 0x10, P1_RESPONSE = 0x01. */
int luaopen_rt_storedata(lua_State *L)
{
	luaL_newlib(L, l_sd_funcs);
	lua_pushinteger(L, RT_STOREDATA_P1_LAST);
	lua_setfield(L, -2, "P1_LAST");
	lua_pushinteger(L, RT_STOREDATA_P1_DGI);
	lua_setfield(L, -2, "P1_DGI");
	lua_pushinteger(L, RT_STOREDATA_P1_BERTLV);
	lua_setfield(L, -2, "P1_BERTLV");
	lua_pushinteger(L, RT_STOREDATA_P1_RESPONSE);
	lua_setfield(L, -2, "P1_RESPONSE");
	return 1;
}
