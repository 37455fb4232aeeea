/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_strpat — libFuzzer target for lua/rt_strpat (string.find/match/gmatch/gsub of the
 * case sandbox; pattern and subject come from a case file, i.e. from the user).
 *
 * Input: byte 0 picks the operation and the gsub replacement, byte 1 is init (signed),
 * byte 2 the subject length; then the subject, then the pattern. The call runs in an
 * rsptest sandbox state with a 50 ms deadline, so an exponential pattern ends with the
 * timeout error instead of hanging the fuzzer. When ours finished before the deadline,
 * the same call runs through stock Lua 5.4 and both results (values or error text) must
 * be identical: a difference aborts, which libFuzzer reports. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lua/rt_lua.h"
#include "util/rt_time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* probe(op, s, p, init, rk) -> one line describing what op returned or raised. */
static const char probe_lua[] =
	"local function ser(ok, ...)\n"
	"  local t = { ok and 'ok' or 'err', tostring(select('#', ...)) }\n"
	"  for i = 1, select('#', ...) do\n"
	"    local v = select(i, ...)\n"
	"    t[#t + 1] = (math.type(v) or type(v)) .. ':' .. tostring(v)\n"
	"  end\n"
	"  return table.concat(t, '|')\n"
	"end\n"
	"local tab = { a = 'A', b = false, [1] = 'P1', x = {} }\n"
	"local function fn(a, ...) if a == 'b' then return nil end\n"
	"  return '<' .. tostring(a) .. tostring(select('#', ...)) .. '>' end\n"
	"function probe(op, s, p, init, rk)\n"
	"  if op == 0 then return ser(pcall(string.find, s, p, init)) end\n"
	"  if op == 1 then return ser(pcall(string.find, s, p, init, true)) end\n"
	"  if op == 2 then return ser(pcall(string.match, s, p, init)) end\n"
	"  if op == 3 then\n"
	"    return ser(pcall(function()\n"
	"      local out, k = {}, 0\n"
	"      for a, b in string.gmatch(s, p, init) do\n"
	"        k = k + 1; out[#out + 1] = ser(true, a, b)\n"
	"        if k > 64 then break end\n"
	"      end\n"
	"      return table.concat(out, ';')\n"
	"    end))\n"
	"  end\n"
	"  local r = rk == 0 and '%0[%1]%%' or rk == 1 and tab or fn\n"
	"  return ser(pcall(string.gsub, s, p, r, init > 0 and init or nil))\n"
	"end\n";

static lua_State *fz_ours, *fz_stock;
static struct rt_lua_ctx fz_ctx;

static lua_State *fz_load(lua_State *L)
{
	if (!L || luaL_loadstring(L, probe_lua) != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK) {
		fprintf(stderr, "fuzz_strpat: cannot set up a Lua state\n");
		abort();
	}
	return L;
}

static void fz_setup(void)
{
	struct rt_err err = { 0 };

	if (fz_ours)
		return;
	fz_ctx.datadir = ".";
	fz_ctx.mem_max = 64u << 20;
	fz_ours = fz_load(rt_lua_new(&fz_ctx, 1, &err));
	fz_stock = luaL_newstate();
	luaL_openlibs(fz_stock);
	fz_load(fz_stock);
}

/* Runs the probe; returns a malloc'd copy of its line. */
static char *fz_run(lua_State *L, int op, const char *s, size_t sl, const char *p, size_t pl,
		    int init, int rk)
{
	const char *r;
	char *copy;
	size_t n;

	lua_getglobal(L, "probe");
	lua_pushinteger(L, op);
	lua_pushlstring(L, s, sl);
	lua_pushlstring(L, p, pl);
	lua_pushinteger(L, init);
	lua_pushinteger(L, rk);
	if (lua_pcall(L, 5, 1, 0) != LUA_OK) {
		/* Only memory exhaustion escapes the probe's own pcall. */
		r = lua_tolstring(L, -1, &n);
		if (!r)
			r = "(no message)", n = 12;
	} else {
		r = lua_tolstring(L, -1, &n);
	}
	copy = malloc(n + 1);
	if (!copy)
		abort();
	memcpy(copy, r, n);
	copy[n] = '\0';
	lua_settop(L, 0);
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s, *p;
	size_t sl, pl;
	int op, rk, init;
	char *a, *b;

	if (size < 3)
		return 0;
	fz_setup();
	op = data[0] % 5;
	rk = (data[0] / 5) % 3;
	init = (int8_t)data[1];
	sl = data[2];
	if (sl > size - 3)
		sl = size - 3;
	s = (const char *)data + 3;
	p = s + sl;
	pl = size - 3 - sl;

	fz_ctx.timeout = 0.05;
	fz_ctx.deadline = rt_time_s() + 0.05;
	b = fz_run(fz_ours, op, s, sl, p, pl, init, rk);
	fz_ctx.deadline = 0;
	lua_gc(fz_ours, LUA_GCCOLLECT);
	/* The deadline hit inside the matcher or (count hook) in the probe's own Lua. */
	if (strstr(b, "timeout: ") || strstr(b, "not enough memory")) {
		free(b);
		return 0; /* stock would run for hours: nothing to compare */
	}
	a = fz_run(fz_stock, op, s, sl, p, pl, init, rk);
	lua_gc(fz_stock, LUA_GCCOLLECT);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "fuzz_strpat: op %d rk %d init %d differs\n  stock: %.500s\n  ours:  %.500s\n",
			op, rk, init, a, b);
		abort();
	}
	free(a);
	free(b);
	return 0;
}
