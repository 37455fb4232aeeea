/* SPDX-License-Identifier: Apache-2.0 */
/* l_case — Lua binding rt.case: what a step of a running test case can reach.
 *
 * The SUT card, the SUT description and ${NAME} variables, the evidence log, FAIL
 * verdicts, and seeded randomness. Values live in the per-case struct rt_lua_ctx and in
 * the registry (fields "rt.sut" and "rt.vars", set by the runner). */
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "lua/l_card.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"
#include "util/rt_hex.h"
#include "util/rt_time.h"

/* case.id() -> the running case's id ("" outside a case). */
static int l_case_id(lua_State *L)
{
	lua_pushstring(L, rt_lua_ctx(L)->case_id ? rt_lua_ctx(L)->case_id : "");
	return 1;
}

/* case.card() -> the SUT card (rt.card); an error naming why when there is none. */
static int l_case_card(lua_State *L)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);

	if (!ctx->card)
		return luaL_error(L, "the SUT card is not available: %s",
				  ctx->card_error ? ctx->card_error
						  : "the SUT description has no card section");
	luaL_requiref(L, "rt.card", luaopen_rt_card, 0);
	lua_pop(L, 1);
	rt_lua_push_borrowed_card(L, ctx->card);
	return 1;
}

/* case.sut() -> the SUT description as a table (read it, do not change it). */
static int l_case_sut(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "rt.sut");
	return 1;
}

/* case.vars() -> the table of ${NAME} variables (steps may add to it). */
static int l_case_vars(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "rt.vars");
	return 1;
}

/* case.option(name) -> value: the effective value of a named protocol option (the
 * SUT description's `options:`, else the default; `rsptest options` lists them). An
 * unknown name is an error, so a typo cannot silently pick the default. */
static int l_case_option(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);

	lua_getfield(L, LUA_REGISTRYINDEX, "rt.options");
	if (!lua_istable(L, -1))
		return luaL_error(L, "options are only known inside a test case");
	lua_getfield(L, -1, name);
	if (lua_isnil(L, -1))
		return luaL_error(L, "unknown option '%s' (rsptest options lists them)", name);
	return 1;
}

/* case.defer(fn) — runs fn after the case, whatever its verdict (last registered, first
 * run), like a test framework's finalizer: fixtures use it to delete what they created.
 * A failing cleanup turns a PASS into an ERROR. Lua: [fn] -> []. */
static int l_case_defer(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_getfield(L, LUA_REGISTRYINDEX, "rt.deferred");
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, "rt.deferred");
	}
	lua_pushvalue(L, 1);
	lua_seti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
	return 0;
}

/* case.time_ms() -> wall-clock milliseconds since 1970 (recorded in the evidence):
 * for values that must grow across cases and runs, such as SCP80 counters. */
static int l_case_time_ms(lua_State *L)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);
	struct timespec ts;
	lua_Integer ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (lua_Integer)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (ctx->trace)
		rt_trace_line(ctx->trace, "time_ms %lld", (long long)ms);
	lua_pushinteger(L, ms);
	return 1;
}

/* case.store(key [, value]) -> value|nil: reads (and with a second argument sets, nil
 * deletes) a byte string that lives for the whole run, across cases: the memory of the
 * roles the harness plays (an SM-SR's SCP80 counters). Keys are text. */
static int l_case_store(lua_State *L)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);
	const char *key = luaL_checkstring(L, 1);
	const uint8_t *v;
	size_t n;

	if (!ctx->store)
		return luaL_error(L, "case.store is only available in a run");
	if (lua_gettop(L) >= 2) {
		const char *val = lua_isnil(L, 2) ? NULL : luaL_checklstring(L, 2, &n);

		if (rt_kv_set(ctx->store, key, (const uint8_t *)val, val ? n : 0))
			return luaL_error(L, "case.store: full or value too long (%d bytes max)",
					  RT_KV_MAX_VALUE);
	}
	v = rt_kv_get(ctx->store, key, &n);
	if (!v)
		lua_pushnil(L);
	else
		lua_pushlstring(L, (const char *)v, n);
	return 1;
}

/* case.log(text) — a line in the evidence log. */
static int l_case_log(lua_State *L)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);
	const char *s = luaL_checkstring(L, 1);

	if (ctx->trace)
		rt_trace_line(ctx->trace, "%s", s);
	return 0;
}

/* case.evidence(label, bytes) — bytes in hex in the evidence log. */
static int l_case_evidence(lua_State *L)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);
	const char *label = luaL_checkstring(L, 1);
	size_t n;
	const char *b = luaL_checklstring(L, 2, &n);

	if (ctx->trace)
		rt_trace_bytes(ctx->trace, label, (const uint8_t *)b, n, NULL);
	return 0;
}

/* case.random(n) -> n bytes from the case PRNG (seeded by --seed and the case id, so a
 * run can be replayed). Not for keys outside tests. */
static int l_case_random(lua_State *L)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);
	lua_Integer n = luaL_checkinteger(L, 1);
	luaL_Buffer b;
	lua_Integer i;

	luaL_argcheck(L, n >= 0 && n <= 65536, 1, "between 0 and 65536 bytes");
	luaL_buffinit(L, &b);
	for (i = 0; i < n; i += 8) {
		uint64_t r = rt_lua_random(ctx);
		int k;

		for (k = 0; k < 8 && i + k < n; k++)
			luaL_addchar(&b, (char)(r >> (8 * k)));
	}
	luaL_pushresult(&b);
	return 1;
}

/* case.seed() -> the run seed. */
static int l_case_seed(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)rt_lua_ctx(L)->seed);
	return 1;
}

/* case.clock() -> monotonic seconds (for durations inside a case). */
static int l_case_clock(lua_State *L)
{
	lua_pushnumber(L, rt_time_s());
	return 1;
}

/* case.show_secrets() -> true when the user asked for keys in traces (--show-secrets). */
static int l_case_show_secrets(lua_State *L)
{
	lua_pushboolean(L, rt_lua_ctx(L)->show_secrets);
	return 1;
}

static const luaL_Reg l_case_funcs[] = {
	{ "id", l_case_id },	   { "card", l_case_card },
	{ "sut", l_case_sut },	   { "vars", l_case_vars },
	{ "option", l_case_option },
	{ "defer", l_case_defer },	   { "time_ms", l_case_time_ms },
	{ "store", l_case_store },
	{ "fail", rt_lua_fail_cfunc },   { "log", l_case_log },
	{ "evidence", l_case_evidence }, { "random", l_case_random },
	{ "seed", l_case_seed },   { "clock", l_case_clock },
	{ "show_secrets", l_case_show_secrets }, { NULL, NULL },
};

int luaopen_rt_case(lua_State *L)
{
	luaL_newlib(L, l_case_funcs);
	return 1;
}
