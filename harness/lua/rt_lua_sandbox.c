/* SPDX-License-Identifier: Apache-2.0 */
/* rt_lua_sandbox — state creation, limits, require, strict globals, protected calls;
 * see rt_lua.h. */
#include "lua/rt_lua.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "lua/rt_lua_bounded.h"
#include "lua/rt_lua_modules.h"
#include "lua/rt_strpat.h"
#include "util/rt_time.h"

static const char rt_lua_ctx_key = 'c';    /* registry key: the struct rt_lua_ctx */
static const char rt_lua_loaded_key = 'l'; /* registry key: modules already required */
static const char rt_lua_fail_mt = 'f';    /* registry key: metatable of FAIL errors */

/* How often (in VM instructions) the hook checks limits, deadline and signals. */
#define RT_LUA_HOOK_EVERY 1000

struct rt_lua_ctx *rt_lua_ctx(lua_State *L)
{
	struct rt_lua_ctx *ctx;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &rt_lua_ctx_key);
	ctx = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return ctx;
}

/* Allocator with a cap: allocation past mem_max fails, which Lua reports as "not
 * enough memory" — an ERROR verdict, not a crash of the harness. */
static void *rt_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct rt_lua_ctx *ctx = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		free(ptr);
		ctx->mem_used -= old;
		return NULL;
	}
	if (ctx->mem_max && nsize > old && nsize - old > ctx->mem_max - ctx->mem_used)
		return NULL;
	p = realloc(ptr, nsize);
	if (p)
		ctx->mem_used = ctx->mem_used - old + nsize;
	return p;
}

static void rt_lua_hook(lua_State *L, lua_Debug *ar)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);

	(void)ar;
	ctx->instr_count += RT_LUA_HOOK_EVERY;
	if (ctx->interrupted && *ctx->interrupted)
		luaL_error(L, "interrupted by signal");
	if (ctx->deadline > 0 && rt_time_s() > ctx->deadline)
		rt_lua_error(L, "timeout: the case ran longer than its %.1f s limit", ctx->timeout);
	if (ctx->instr_max && ctx->instr_count > ctx->instr_max)
		rt_lua_error(L, "instruction limit exceeded (%llu VM instructions)",
			     (unsigned long long)ctx->instr_max);
}

/* A module name maps to lua/<a>/<b>.lua: only [a-z0-9_] parts, so no path escapes. */
static int rt_lua_name_ok(const char *name)
{
	const char *p;
	int part = 0;

	for (p = name; *p; p++) {
		if (*p == '.') {
			if (!part)
				return 0;
			part = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      (*p >= 'A' && *p <= 'Z')))
			return 0;
		part++;
	}
	return part > 0;
}

/* require(name) -> module. Lua stack: [name] -> [module]. */
static int rt_lua_require(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);
	const struct rt_lua_module *m;
	char path[4096];
	size_t i;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &rt_lua_loaded_key);
	lua_getfield(L, -1, name);
	if (!lua_isnil(L, -1))
		return 1;
	lua_pop(L, 1);
	for (m = rt_lua_modules; m->name; m++) {
		if (strcmp(m->name, name) == 0) {
			lua_pushcfunction(L, m->open);
			lua_pushstring(L, name);
			lua_call(L, 1, 1);
			goto store;
		}
	}
	if (strncmp(name, "rt.", 3) == 0)
		return luaL_error(L, "module '%s' is not a built-in rt module", name);
	if (!rt_lua_name_ok(name))
		return luaL_error(L, "module name '%s' is not allowed (letters, digits, _ and .)",
				  name);
	snprintf(path, sizeof(path), "%s/lua/", ctx->datadir);
	for (i = strlen(path); *name && i < sizeof(path) - 5; name++)
		path[i++] = *name == '.' ? '/' : *name;
	memcpy(path + i, ".lua", 5);
	name = lua_tostring(L, 1);
	/* Text chunks only: precompiled bytecode can crash the VM. */
	if (luaL_loadfilex(L, path, "t") != LUA_OK)
		return luaL_error(L, "cannot load module '%s': %s", name, lua_tostring(L, -1));
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
store:
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, lua_tostring(L, 1));
	return 1;
}

static int rt_lua_strict_index(lua_State *L)
{
	return luaL_error(L, "undefined global '%s' (declare it with local)",
			  luaL_optstring(L, 2, "?"));
}

static int rt_lua_strict_newindex(lua_State *L)
{
	return luaL_error(L, "assignment to undeclared global '%s' (use local)",
			  luaL_optstring(L, 2, "?"));
}

void rt_lua_strict(lua_State *L)
{
	lua_pushglobaltable(L);
	lua_newtable(L);
	lua_pushcfunction(L, rt_lua_strict_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, rt_lua_strict_newindex);
	lua_setfield(L, -2, "__newindex");
	/* Protected: getmetatable(_G) answers false and setmetatable(_G, ...) raises, so a
	 * case cannot switch strict globals off (the sandbox has no debug library and
	 * rawset only writes, it never disables the __index check). */
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_pop(L, 1);
}

/* Message handler: FAIL tables pass through untouched; anything else becomes
 * "message\ntraceback". */
static int rt_lua_msgh(lua_State *L)
{
	if (lua_istable(L, 1) && lua_getmetatable(L, 1)) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, &rt_lua_fail_mt);
		if (lua_rawequal(L, -1, -2)) {
			lua_pop(L, 2);
			/* Keep where the failure was raised for the report. */
			luaL_traceback(L, L, NULL, 1);
			lua_setfield(L, 1, "traceback");
			lua_settop(L, 1);
			return 1;
		}
		lua_pop(L, 2);
	}
	if (!lua_isstring(L, 1)) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			lua_replace(L, 1);
		else
			lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, lua_tostring(L, -1), 1);
	return 1;
}

enum rt_lua_outcome rt_lua_pcall(lua_State *L, int nargs, int nres, struct rt_lua_result *res)
{
	int base = lua_gettop(L) - nargs;
	int status;
	const char *s;

	res->outcome = RT_LUA_OK;
	res->message[0] = res->detail[0] = '\0';
	lua_pushcfunction(L, rt_lua_msgh);
	lua_insert(L, base);
	status = lua_pcall(L, nargs, nres, base);
	lua_remove(L, base);
	if (status == LUA_OK)
		return RT_LUA_OK;
	if (lua_istable(L, -1)) {
		lua_getfield(L, -1, "message");
		snprintf(res->message, sizeof(res->message), "%s",
			 lua_isstring(L, -1) ? lua_tostring(L, -1) : "(no message)");
		lua_pop(L, 1);
		lua_getfield(L, -1, "traceback");
		snprintf(res->detail, sizeof(res->detail), "%s",
			 lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
		lua_pop(L, 2);
		res->outcome = RT_LUA_FAIL;
		return res->outcome;
	}
	s = lua_tostring(L, -1);
	if (status == LUA_ERRMEM)
		s = "Lua memory limit exceeded";
	if (!s)
		s = "(unknown Lua error)";
	snprintf(res->detail, sizeof(res->detail), "%s", s);
	/* The message is the first line; the traceback stays in detail. */
	snprintf(res->message, sizeof(res->message), "%.*s", (int)strcspn(s, "\n"), s);
	lua_pop(L, 1);
	res->outcome = RT_LUA_ERROR;
	return res->outcome;
}

int rt_lua_error(lua_State *L, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	luaL_where(L, 1);
	lua_pushstring(L, msg);
	lua_concat(L, 2);
	return lua_error(L);
}

int rt_lua_fail(lua_State *L, const char *fmt, ...)
{
	va_list ap;

	lua_newtable(L);
	va_start(ap, fmt);
	lua_pushvfstring(L, fmt, ap);
	va_end(ap);
	lua_setfield(L, -2, "message");
	lua_rawgetp(L, LUA_REGISTRYINDEX, &rt_lua_fail_mt);
	lua_setmetatable(L, -2);
	return lua_error(L);
}

/* rt_fail(msg [, level]) — raises a FAIL verdict. Lua: [msg] -> (no return). */
int rt_lua_fail_cfunc(lua_State *L)
{
	const char *msg = luaL_checkstring(L, 1);
	int level = (int)luaL_optinteger(L, 2, 1);

	luaL_where(L, level);
	lua_pushstring(L, msg);
	lua_concat(L, 2);
	return rt_lua_fail(L, "%s", lua_tostring(L, -1));
}

uint64_t rt_lua_random(struct rt_lua_ctx *ctx)
{
	/* splitmix64: small, well-distributed, reproducible from the seed. */
	uint64_t z = (ctx->rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void rt_lua_seed(struct rt_lua_ctx *ctx, uint64_t seed, const char *case_id)
{
	uint64_t h = 0xCBF29CE484222325ull;
	const char *p;

	for (p = case_id; p && *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001B3ull;
	ctx->seed = seed;
	ctx->rng_state = seed ^ h;
}

/* load(chunk [, name [, mode [, env]]]) restricted to text chunks: precompiled
 * bytecode is not verified by Lua and can crash the VM. Lua: same as load. */
static int rt_lua_load_text(lua_State *L)
{
	size_t len;
	const char *chunk = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, chunk);
	int has_env = !lua_isnone(L, 4);

	if (luaL_loadbufferx(L, chunk, len, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	if (has_env) {
		lua_pushvalue(L, 4);
		if (!lua_setupvalue(L, -2, 1))
			lua_pop(L, 1);
	}
	return 1;
}

/* print(...) inside a case goes to the case's evidence log (and to the console with
 * -v), so output a script writes is kept with the case. Lua: [...] -> []. */
static int rt_lua_print_trace(lua_State *L)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);
	luaL_Buffer b;
	int i, n = lua_gettop(L);

	luaL_buffinit(L, &b);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	if (ctx->trace)
		rt_trace_line(ctx->trace, "print: %s", lua_tostring(L, -1));
	return 0;
}

static const luaL_Reg rt_lua_safe_libs[] = {
	{ LUA_GNAME, luaopen_base },	   { LUA_STRLIBNAME, luaopen_string },
	{ LUA_TABLIBNAME, luaopen_table }, { LUA_MATHLIBNAME, luaopen_math },
	{ LUA_UTF8LIBNAME, luaopen_utf8 }, { NULL, NULL },
};

/* Base-library functions that reach the file system or load code outside require. */
static const char *const rt_lua_unsafe_globals[] = {
	"dofile", "loadfile", "collectgarbage", NULL,
};

/* State set-up runs outside lua_pcall; the only error it can meet is running out of
 * memory. Say so plainly instead of Lua's default "PANIC" line. */
static int rt_lua_panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);

	fprintf(stderr, "rsptest: fatal Lua error outside a protected call: %s\n",
		msg ? msg : "(no message)");
	return 0; /* Lua then aborts */
}

lua_State *rt_lua_new(struct rt_lua_ctx *ctx, int sandbox, struct rt_err *err)
{
	lua_State *L;
	const luaL_Reg *lib;
	const char *const *g;

	ctx->mem_used = 0;
	ctx->instr_count = 0;
	ctx->sandboxed = sandbox != 0;
	if (!sandbox)
		ctx->mem_max = 0;
	L = lua_newstate(rt_lua_alloc, ctx);
	if (!L) {
		rt_err_set(err, RT_ENOMEM, "cannot create a Lua state");
		return NULL;
	}
	lua_atpanic(L, rt_lua_panic);
	lua_pushlightuserdata(L, ctx);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &rt_lua_ctx_key);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &rt_lua_loaded_key);
	lua_newtable(L);
	lua_pushstring(L, "rt.fail");
	lua_setfield(L, -2, "__name");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &rt_lua_fail_mt);

	if (sandbox) {
		for (lib = rt_lua_safe_libs; lib->func; lib++) {
			luaL_requiref(L, lib->name, lib->func, 1);
			lua_pop(L, 1);
		}
		for (g = rt_lua_unsafe_globals; *g; g++) {
			lua_pushnil(L);
			lua_setglobal(L, *g);
		}
		/* load() stays (steps use it for `lua:` chunks) but only for text. */
		lua_pushcfunction(L, rt_lua_load_text);
		lua_setglobal(L, "load");
		lua_sethook(L, rt_lua_hook, LUA_MASKCOUNT, RT_LUA_HOOK_EVERY);
		/* The hook cannot stop a C function: pattern matching that backtracks for
		 * hours, string.rep("", 1e12), table.move over 1e12 slots. Those check the
		 * deadline themselves or are bounded. */
		rt_strpat_install(L);
		rt_lua_bounded_install(L);
		lua_pushcfunction(L, rt_lua_print_trace);
		lua_setglobal(L, "print");
	} else {
		luaL_openlibs(L);
	}
	lua_pushcfunction(L, rt_lua_require);
	lua_setglobal(L, "require");
	lua_pushcfunction(L, rt_lua_fail_cfunc);
	lua_setglobal(L, "rt_fail");
	/* math.random is reproducible from the run seed. */
	lua_getglobal(L, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, (lua_Integer)rt_lua_random(ctx));
	lua_call(L, 1, 0);
	lua_pop(L, 1);
	return L;
}

void rt_lua_close(lua_State *L)
{
	if (L)
		lua_close(L);
}
