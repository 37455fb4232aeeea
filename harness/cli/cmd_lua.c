/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_lua — `rsptest lua [--sut FILE|NAME] [-v] [FILE [ARGS...]]`: a Lua state with
 * every rt.* module, for scripts and for exploring a card at a prompt (as pySim-shell
 * users do). All standard libraries are open and no sandbox limits apply; `require`
 * finds rt.* and lua/. With --sut the SUT's card is opened as `rsptest run` opens it and
 * the step library (device, smsr, smdp, es5, expect) is loaded as globals. On a
 * terminal the prompt is rt_repl (editing, history, completion); piped input is read
 * line by line as before, each line a chunk, results printed with print. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli/rt_cmd.h"
#include "cli/rt_repl.h"
#include "engine/rt_run.h"
#include "engine/rt_sut.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"

static void rt_lua_usage(FILE *f)
{
	const struct rt_lua_module *m;

	fprintf(f, "usage: rsptest lua [--sut FILE|NAME] [-v] [FILE [ARGS...]]\n\n"
		   "Runs FILE (or '-' for standard input) with the rt.* modules loaded as the global\n"
		   "table `rt`; ARGS are in `arg`. Without FILE: an interactive prompt (line\n"
		   "editing, history, Tab completion, multi-line chunks, Ctrl-C interrupts); an\n"
		   "expression's values are printed, bytes in hex and status words as 9000.\n\n"
		   "options:\n"
		   "  --sut FILE|NAME  open the SUT's card as `rsptest run` does and load the step\n"
		   "                   library as globals: device.select{aid=...}, smsr, smdp, es5,\n"
		   "                   expect, case (case.card() is the SUT card)\n"
		   "  -v, --verbose    print every exchange with the card as it happens\n"
		   "  -h, --help       this help\n\n"
		   "history: $RSPTEST_LUA_HISTORY, else $XDG_STATE_HOME/rsptest/lua_history\n"
		   "(default ~/.local/state/rsptest/lua_history)\n\nmodules:");
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

/* The step library as globals at a --sut prompt. Runs protected. Lua: [] -> []. */
static int rt_lua_load_steps(lua_State *L)
{
	static const char *const mods[] = { "device", "smsr", "smdp", "es5", "expect", NULL };
	const char *const *m;

	for (m = mods; *m; m++) {
		lua_getglobal(L, "require");
		lua_pushstring(L, *m);
		lua_call(L, 1, 1);
		lua_setglobal(L, *m);
	}
	lua_getglobal(L, "require");
	lua_pushstring(L, "rt.case");
	lua_call(L, 1, 1);
	lua_setglobal(L, "case");
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

/* Piped standard input: one chunk per line, as before the terminal prompt existed. */
static void rt_lua_repl(lua_State *L)
{
	char line[8192];
	struct rt_lua_result res;
	int tty = isatty(0);

	if (tty) {
		rt_repl_run(L);
		return;
	}
	for (;;) {
		char ret[8300];
		int base;

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
}

int rt_cmd_lua(int argc, char **argv)
{
	struct rt_lua_ctx ctx;
	struct rt_lua_result res;
	static const struct option longopts[] = {
		{ "sut", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rt_err err = { 0 };
	struct rt_sut sut;
	struct rt_run run;
	struct rt_trace trace;
	const char *sut_spec = NULL;
	lua_State *L = NULL;
	int i, opt, rc = RT_EXIT_OK, verbose = 0, first;

	memset(&sut, 0, sizeof(sut));
	memset(&run, 0, sizeof(run));
	rt_trace_init(&trace, NULL);
	optind = 1;
	/* '+': options end at FILE, so the script's own arguments are left alone. */
	while ((opt = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			sut_spec = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			rt_lua_usage(stdout);
			return RT_EXIT_OK;
		default:
			rt_lua_usage(stderr);
			return RT_EXIT_USAGE;
		}
	}
	first = optind;
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
	if (sut_spec) {
		if (rt_sut_load(sut_spec, ctx.datadir, &sut, &err)) {
			fprintf(stderr, "rsptest lua: %s\n", err.msg);
			rc = RT_EXIT_USAGE;
			goto out;
		}
		rt_trace_init(&trace, verbose ? stdout : NULL);
		run.opts.datadir = ctx.datadir;
		run.opts.out = stdout;
		run.opts.verbose = verbose;
		run.sut = &sut;
		if (rt_run_session(&run, L, &trace, &err)) {
			fprintf(stderr, "rsptest lua: %s\n", err.msg);
			rc = err.code == RT_EIO ? RT_EXIT_FAILED : RT_EXIT_USAGE;
			goto out;
		}
		lua_pushcfunction(L, rt_lua_load_steps);
		if (rt_lua_report(rt_lua_pcall(L, 0, 0, &res), &res)) {
			rc = RT_EXIT_USAGE;
			goto out;
		}
	}
	if (argc <= first) {
		rt_lua_repl(L);
		goto out;
	}
	/* arg[0] = script, arg[1..] = its arguments, as the lua interpreter does. */
	lua_createtable(L, argc - first - 1, 1);
	for (i = first; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_seti(L, -2, i - first);
	}
	lua_setglobal(L, "arg");
	if (luaL_loadfilex(L, strcmp(argv[first], "-") == 0 ? NULL : argv[first], "t") != LUA_OK) {
		fprintf(stderr, "rsptest lua: %s\n", lua_tostring(L, -1));
		rc = RT_EXIT_USAGE;
		goto out;
	}
	for (i = first + 1; i < argc; i++)
		lua_pushstring(L, argv[i]);
	if (rt_lua_report(rt_lua_pcall(L, argc - first - 1, 0, &res), &res))
		rc = RT_EXIT_FAILED;
out:
	/* The state first: the step library's objects borrow the card. */
	rt_lua_close(L);
	rt_run_free(&run);
	rt_sut_free(&sut);
	rt_trace_free(&trace);
	return rc;
}
