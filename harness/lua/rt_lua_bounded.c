/* SPDX-License-Identifier: Apache-2.0 */
/* rt_lua_bounded — deadline checks from C and the chunked table.move; see
 * rt_lua_bounded.h. */
#include "lua/rt_lua_bounded.h"

#include <lauxlib.h>

#include "lua/rt_lua.h"
#include "util/rt_time.h"

void rt_lua_check_deadline(lua_State *L, const struct rt_lua_ctx *ctx, const char *where)
{
	if (!ctx)
		return;
	if (ctx->interrupted && *ctx->interrupted)
		luaL_error(L, "interrupted by signal (inside %s)", where);
	if (ctx->deadline > 0 && rt_time_s() > ctx->deadline)
		rt_lua_error(L,
			     "timeout: case deadline exceeded inside %s (the case ran longer than "
			     "its %.1f s limit)",
			     where, ctx->timeout);
}

/* Stock table.move on [c, ce] (upvalue 1); stack: a1 f e t [a2]. */
static void rt_move_chunk(lua_State *L, int tt, lua_Integer c, lua_Integer ce, lua_Integer to)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushinteger(L, c);
	lua_pushinteger(L, ce);
	lua_pushinteger(L, to);
	lua_pushvalue(L, tt);
	lua_call(L, 5, 0);
}

/* table.move(a1, f, e, t [, a2]) -> a2 (manual §6.6). Short moves go to the stock
 * function as they are; long ones are checked here with stock's messages, then moved in
 * chunks: front to back, or back to front when the destination overlaps the source
 * further on (as stock decides), so every element is read before it is overwritten. */
static int rt_bounded_move(lua_State *L)
{
	lua_Integer f = luaL_checkinteger(L, 2);
	lua_Integer e = luaL_checkinteger(L, 3);
	lua_Integer t = luaL_checkinteger(L, 4);
	int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
	const struct rt_lua_ctx *ctx;
	lua_Integer n, c, ce;

	/* Unsigned: e - f can exceed LUA_MAXINTEGER (stock rejects that below). */
	if (e < f || (lua_Unsigned)e - (lua_Unsigned)f < RT_BOUNDED_MOVE_CHUNK) {
		lua_pushvalue(L, lua_upvalueindex(1));
		lua_insert(L, 1);
		lua_call(L, lua_gettop(L) - 1, 1);
		return 1;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, tt, LUA_TTABLE);
	luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
	n = e - f + 1;
	luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
	lua_settop(L, 5);
	ctx = rt_lua_ctx(L);
	if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
		for (c = f;; c = ce + 1) {
			ce = e - c >= RT_BOUNDED_MOVE_CHUNK - 1 ? c + RT_BOUNDED_MOVE_CHUNK - 1 : e;
			rt_move_chunk(L, tt, c, ce, t + (c - f));
			rt_lua_check_deadline(L, ctx, "table.move");
			if (ce == e)
				break;
		}
	} else {
		for (ce = e;; ce = c - 1) {
			c = ce - f >= RT_BOUNDED_MOVE_CHUNK - 1 ? ce - RT_BOUNDED_MOVE_CHUNK + 1 : f;
			rt_move_chunk(L, tt, c, ce, t + (c - f));
			rt_lua_check_deadline(L, ctx, "table.move");
			if (c == f)
				break;
		}
	}
	lua_pushvalue(L, tt);
	return 1;
}

/* table.sort(list [, comp]) (manual §6.6): stock's, after the deadline check, and with
 * the default order only up to RT_BOUNDED_SORT_MAX elements (see rt_lua_bounded.h). */
static int rt_bounded_sort(lua_State *L)
{
	lua_Integer n;

	luaL_checktype(L, 1, LUA_TTABLE);
	n = luaL_len(L, 1);
	rt_lua_check_deadline(L, rt_lua_ctx(L), "table.sort");
	if (lua_isnoneornil(L, 2) && n > RT_BOUNDED_SORT_MAX)
		return luaL_error(L,
				  "table.sort of %I elements with the default order is above the "
				  "sandbox's %d (a C sort the case deadline cannot stop): pass a "
				  "comparator function",
				  n, RT_BOUNDED_SORT_MAX);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 0);
	return 0;
}

void rt_lua_bounded_install(lua_State *L)
{
	lua_getglobal(L, "table");
	lua_getfield(L, -1, "move");
	lua_pushcclosure(L, rt_bounded_move, 1);
	lua_setfield(L, -2, "move");
	lua_getfield(L, -1, "sort");
	lua_pushcclosure(L, rt_bounded_sort, 1);
	lua_setfield(L, -2, "sort");
	lua_pop(L, 1);
}
