/* cmd_lua — `rsptest lua [FILE [ARGS...]]`: a Lua state with every rt.* module, for
 * scripts and for exploring a card at a prompt (as pySim-shell users do). All standard
 * libraries are open and no sandbox limits apply; `require` finds rt.* and lua/. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli/rt_cmd.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"

static void rt_lua_usage(FILE *f)
{
	const struct rt_lua_module *m;

	fprintf(f, "usage: rsptest lua [FILE [ARGS...]]\n\n"
		   "Runs FILE (or '-' for standard input) with the rt.* modules loaded as the global\n"
		   "table `rt`; ARGS are in `arg`. Without FILE: an interactive prompt; an\n"
		   "expression's values are printed.\n\nmodules:");
	for (m = rt_lua_modules; m->name; m++)
		fprintf(f, " %s", m->name);
	fprintf(f, "\n\nexample: card = rt.card.open_pcsc{reader='Virtual'}\n"
		   "         print(rt.hex.encode(card:atr()))\n");
}

/* Makes the global table `rt` with every built-in module. Runs protected.
 * Lua: [] -> []. */
static int rt_lua_load_all(lua_State *L)
{
	const struct rt_lua_module *m;

	lua_newtable(L);
	for (m = rt_lua_modules; m->name; m++) {
		lua_getglobal(L, "require");
		lua_pushstring(L, m->name);
		lua_call(L, 1, 1);
		lua_setfield(L, -2, m->name + 3);
	}
	lua_setglobal(L, "rt");
	return 0;
}

static int rt_lua_report(enum rt_lua_outcome o, const struct rt_lua_result *res)
{
	if (o == RT_LUA_OK)
		return 0;
	fprintf(stderr, "%s%s\n", o == RT_LUA_FAIL ? "FAIL: " : "", res->detail[0] ? res->detail : res->message);
	return 1;
}

/* print(...) of the values left on the stack after index base. Protected. */
static int rt_lua_print_values(lua_State *L)
{
	int n = lua_gettop(L);

	if (n == 0)
		return 0;
	lua_getglobal(L, "print");
	lua_insert(L, 1);
	lua_call(L, n, 0);
	return 0;
}

static void rt_lua_repl(lua_State *L)
{
	char line[8192];
	struct rt_lua_result res;
	int tty = isatty(0);

	if (tty)
		printf("rsptest lua %s — rt.* modules are loaded; Ctrl-D to leave\n", RT_VERSION);
	for (;;) {
		char ret[8300];
		int base;

		if (tty) {
			fputs("rt> ", stdout);
			fflush(stdout);
		}
		if (!fgets(line, sizeof(line), stdin))
			break;
		base = lua_gettop(L);
		/* An expression first (so `1+1` prints 2), then a statement. */
		snprintf(ret, sizeof(ret), "return %s", line);
		if (luaL_loadbufferx(L, ret, strlen(ret), "=stdin", "t") != LUA_OK) {
			lua_pop(L, 1);
			if (luaL_loadbufferx(L, line, strlen(line), "=stdin", "t") != LUA_OK) {
				fprintf(stderr, "%s\n", lua_tostring(L, -1));
				lua_pop(L, 1);
				continue;
			}
		}
		if (rt_lua_report(rt_lua_pcall(L, 0, LUA_MULTRET, &res), &res) == 0) {
			int nres = lua_gettop(L) - base;

			lua_pushcfunction(L, rt_lua_print_values);
			lua_insert(L, base + 1);
			rt_lua_report(rt_lua_pcall(L, nres, 0, &res), &res);
		}
		lua_settop(L, base);
	}
	if (tty)
		putchar('\n');
}

int rt_cmd_lua(int argc, char **argv)
{
	struct rt_lua_ctx ctx;
	struct rt_lua_result res;
	struct rt_err err = { 0 };
	lua_State *L;
	int i, rc = RT_EXIT_OK;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		rt_lua_usage(stdout);
		return RT_EXIT_OK;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.case_id = "";
	ctx.datadir = rt_cli_datadir();
	rt_lua_seed(&ctx, 0, "");
	L = rt_lua_new(&ctx, 0, &err);
	if (!L) {
		fprintf(stderr, "rsptest lua: %s\n", err.msg);
		return RT_EXIT_USAGE;
	}
	lua_pushcfunction(L, rt_lua_load_all);
	if (rt_lua_report(rt_lua_pcall(L, 0, 0, &res), &res)) {
		rc = RT_EXIT_USAGE;
		goto out;
	}
	if (argc < 2) {
		rt_lua_repl(L);
		goto out;
	}
	/* arg[0] = script, arg[1..] = its arguments, as the lua interpreter does. */
	lua_createtable(L, argc - 2, 1);
	for (i = 1; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_seti(L, -2, i - 1);
	}
	lua_setglobal(L, "arg");
	if (luaL_loadfilex(L, strcmp(argv[1], "-") == 0 ? NULL : argv[1], "t") != LUA_OK) {
		fprintf(stderr, "rsptest lua: %s\n", lua_tostring(L, -1));
		rc = RT_EXIT_USAGE;
		goto out;
	}
	for (i = 2; i < argc; i++)
		lua_pushstring(L, argv[i]);
	if (rt_lua_report(rt_lua_pcall(L, argc - 2, 0, &res), &res))
		rc = RT_EXIT_FAILED;
out:
	rt_lua_close(L);
	return rc;
}
