/* SPDX-License-Identifier: Apache-2.0 */
/* rt_run — the case runner; see rt_run.h. */
#include "engine/rt_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>
#include <openssl/crypto.h>

#include "engine/rt_options.h"
#include "engine/rt_runpar.h"
#include "engine/rt_steplua.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"
#include "util/rt_fs.h"
#include "util/rt_time.h"
#include "util/rt_trace.h"

static const char *const rt_verdict_names[] = { "PASS", "FAIL", "ERROR", "SKIP" };

const char *rt_verdict_name(enum rt_verdict v)
{
	return rt_verdict_names[v];
}

/* Where a case is while it runs, so a failure can say which step broke. */
struct rt_case_exec {
	struct rt_run *run;
	const struct rt_case *c;
	struct rt_trace *trace;
	const struct rt_ynode *step; /* current step (NULL before the steps) */
	size_t step_no;
	char phase[256]; /* "fixture card_reset", "step 2 (device.select at x.yaml:12)" */
};

int rt_run_applies(const struct rt_case *c, const struct rt_sut *sut, char *why, size_t whysz)
{
	size_t i, used = 0;

	if (c->skip_reason) {
		snprintf(why, whysz, "skipped by the case: %s", c->skip_reason);
		return 0;
	}
	if (strcmp(c->sut_role, sut->role) != 0) {
		snprintf(why, whysz, "the case judges an %s; the SUT is an %s", c->sut_role,
			 sut->role);
		return 0;
	}
	why[0] = '\0';
	for (i = 0; i < c->requires.n; i++) {
		if (rt_sut_has_feature(sut, c->requires.v[i]))
			continue;
		if (!used)
			used += (size_t)snprintf(why, whysz, "the SUT does not declare:");
		if (used < whysz)
			used += (size_t)snprintf(why + used, whysz - used, " %s", c->requires.v[i]);
	}
	return used == 0;
}

/* The registry gets "rt.sut" (the SUT description) and "rt.vars" (variables). Runs
 * protected. Lua: [exec] -> []. */
static int rt_case_setup(lua_State *L, struct rt_case_exec *ex)
{
	const struct rt_sut *sut = ex->run->sut;
	const struct rt_ynode *vars = rt_ynode_get(sut->root, "vars");
	size_t i;

	rt_steplua_push(L, sut->root, 0);
	lua_setfield(L, LUA_REGISTRYINDEX, "rt.sut");
	/* Every named option with its effective value (SUT's choice or the default). */
	lua_newtable(L);
	for (i = 0; rt_option_defs[i].name; i++) {
		lua_pushstring(L, rt_option_value(rt_ynode_get(sut->root, "options"),
						  rt_option_defs[i].name));
		lua_setfield(L, -2, rt_option_defs[i].name);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, "rt.options");
	lua_newtable(L);
	for (i = 0; vars && i < vars->n; i++) {
		rt_steplua_push(L, vars->items[i], 0);
		lua_setfield(L, -2, vars->keys[i]);
	}
	lua_pushstring(L, ex->c->id);
	lua_setfield(L, -2, "CASE_ID");
	lua_pushstring(L, sut->name);
	lua_setfield(L, -2, "SUT_NAME");
	lua_pushinteger(L, (lua_Integer)ex->run->opts.seed);
	lua_setfield(L, -2, "SEED");
	lua_setfield(L, LUA_REGISTRYINDEX, "rt.vars");
	/* The step library may add its constants (AIDs, TARs) as variables. */
	lua_getglobal(L, "require");
	lua_pushstring(L, "harness");
	lua_call(L, 1, 1);
	lua_getfield(L, -1, "prepare_case");
	if (lua_isfunction(L, -1)) {
		lua_getfield(L, LUA_REGISTRYINDEX, "rt.vars");
		lua_getfield(L, LUA_REGISTRYINDEX, "rt.sut");
		lua_call(L, 2, 0);
	} else {
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return 0;
}

static void rt_step_describe(struct rt_case_exec *ex, const char *action)
{
	const struct rt_ynode *st = ex->step;
	const char *base = strrchr(st->file, '/');
	const struct rt_ynode *name = rt_ynode_get(st, "name");

	if (name)
		snprintf(ex->phase, sizeof(ex->phase), "step %zu \"%.60s\" (%s at %s:%u)",
			 ex->step_no, name->str, action, base ? base + 1 : st->file, st->line);
	else
		snprintf(ex->phase, sizeof(ex->phase), "step %zu (%s at %s:%u)", ex->step_no,
			 action, base ? base + 1 : st->file, st->line);
}

/* Runs one step. Lua stack: [] -> []. vars at vars_idx. */
static void rt_case_step(lua_State *L, struct rt_case_exec *ex, int vars_idx)
{
	const struct rt_ynode *st = ex->step;
	const char *action = NULL;
	const struct rt_ynode *args = NULL, *exp, *save;
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (strcmp(st->keys[i], "expect") && strcmp(st->keys[i], "save") &&
		    strcmp(st->keys[i], "name")) {
			action = st->keys[i];
			args = st->items[i];
		}
	}
	rt_step_describe(ex, action);
	rt_trace_line(ex->trace, "--- %s", ex->phase);
	if (strcmp(action, "lua") == 0) {
		/* Inline chunk: globals plus `vars` and `case`; its return value is the
		 * step's result. Text only (rt_lua_sandbox replaced load). */
		char chunkname[256];

		snprintf(chunkname, sizeof(chunkname), "@%s:%u", st->file, args->line);
		if (luaL_loadbufferx(L, args->str, strlen(args->str), chunkname, "t") != LUA_OK)
			lua_error(L);
		lua_newtable(L); /* env */
		lua_pushvalue(L, vars_idx);
		lua_setfield(L, -2, "vars");
		lua_getglobal(L, "require");
		lua_pushstring(L, "rt.case");
		lua_call(L, 1, 1);
		lua_setfield(L, -2, "case");
		/* Reads fall through to the (strict) globals; new names must be local. */
		lua_newtable(L);
		lua_pushglobaltable(L);
		lua_setfield(L, -2, "__index");
		lua_pushglobaltable(L);
		lua_setfield(L, -2, "__newindex");
		lua_setmetatable(L, -2);
		lua_setupvalue(L, -2, 1);
		lua_call(L, 0, 1);
	} else {
		const char *dot = strchr(action, '.');

		lua_getglobal(L, "require");
		lua_pushlstring(L, action, (size_t)(dot - action));
		lua_call(L, 1, 1);
		if (!lua_istable(L, -1))
			rt_lua_error(L, "step library module '%.*s' did not return a table",
				   (int)(dot - action), action);
		lua_getfield(L, -1, dot + 1);
		if (!lua_isfunction(L, -1))
			rt_lua_error(L, "unknown step '%s': lua/%.*s.lua has no function '%s'", action,
				   (int)(dot - action), action, dot + 1);
		lua_remove(L, -2);
		if (args && !(args->kind == RT_Y_SCALAR && args->str[0] == '\0' && !args->quoted))
			rt_steplua_push(L, args, vars_idx);
		else
			lua_newtable(L);
		if (!lua_istable(L, -1))
			rt_lua_error(L, "%s:%u:%u: '%s' takes a mapping of arguments", st->file, st->line,
				   st->col, action);
		lua_call(L, 1, 1);
	}
	/* result on top */
	exp = rt_ynode_get(st, "expect");
	if (exp) {
		lua_getglobal(L, "require");
		lua_pushstring(L, "expect");
		lua_call(L, 1, 1);
		lua_getfield(L, -1, "check");
		lua_remove(L, -2);
		lua_pushvalue(L, -2);
		rt_steplua_push(L, exp, vars_idx);
		lua_call(L, 2, 0);
	}
	save = rt_ynode_get(st, "save");
	if (save)
		lua_setfield(L, vars_idx, save->str);
	else
		lua_pop(L, 1);
}

/* Runs the functions registered with rt.case.defer, last first; each under its own
 * protected call so one failing cleanup does not skip the others. Returns the first
 * failure in res (outcome RT_LUA_OK when all ran). */
static void rt_case_cleanup(lua_State *L, struct rt_case_exec *ex, struct rt_lua_result *res)
{
	struct rt_lua_result one;
	lua_Integer i, n;

	res->outcome = RT_LUA_OK;
	lua_getfield(L, LUA_REGISTRYINDEX, "rt.deferred");
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		return;
	}
	n = (lua_Integer)lua_rawlen(L, -1);
	for (i = n; i >= 1; i--) {
		rt_trace_line(ex->trace, "--- cleanup %lld", (long long)(n - i + 1));
		lua_rawgeti(L, -1, i);
		if (rt_lua_pcall(L, 0, 0, &one) != RT_LUA_OK && res->outcome == RT_LUA_OK)
			*res = one;
	}
	lua_pop(L, 1);
}

/* The body of a case, run under one protected call. Lua: [exec] -> []. */
static int rt_case_body(lua_State *L)
{
	struct rt_case_exec *ex = lua_touserdata(L, 1);
	const struct rt_case *c = ex->c;
	int vars_idx;
	size_t i;

	rt_case_setup(L, ex);
	lua_getfield(L, LUA_REGISTRYINDEX, "rt.vars");
	vars_idx = lua_gettop(L);
	rt_lua_strict(L);
	for (i = 0; i < c->fixtures.n; i++) {
		snprintf(ex->phase, sizeof(ex->phase), "fixture %s", c->fixtures.v[i]);
		rt_trace_line(ex->trace, "--- %s", ex->phase);
		/* "name" is lua/fixtures.lua's function name; "area.name" is function name of
		 * lua/fixtures_area.lua, so each role's preconditions live with it. */
		{
			const char *f = c->fixtures.v[i], *dot = strchr(f, '.');
			char mod[128];

			if (dot)
				snprintf(mod, sizeof(mod), "fixtures_%.*s", (int)(dot - f), f);
			else
				snprintf(mod, sizeof(mod), "fixtures");
			lua_getglobal(L, "require");
			lua_pushstring(L, mod);
			lua_call(L, 1, 1);
			lua_getfield(L, -1, dot ? dot + 1 : f);
			if (!lua_isfunction(L, -1))
				rt_lua_error(L, "unknown fixture '%s' (no function '%s' in lua/%s.lua)", f,
					     dot ? dot + 1 : f, mod);
		}
		lua_pushvalue(L, vars_idx);
		lua_call(L, 1, 1);
		/* A fixture may return variables for the steps. */
		if (lua_istable(L, -1)) {
			lua_pushnil(L);
			while (lua_next(L, -2)) {
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_settable(L, vars_idx);
			}
		}
		lua_pop(L, 2);
	}
	for (i = 0; i < c->steps->n; i++) {
		ex->step = c->steps->items[i];
		ex->step_no = i + 1;
		rt_case_step(L, ex, vars_idx);
	}
	ex->phase[0] = '\0';
	return 0;
}

static char *rt_strdup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static void rt_sanitize(const char *in, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; in[i] && i < outsz - 1; i++) {
		char ch = in[i];

		out[i] = ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.')
				 ? ch
				 : '_';
	}
	out[i] = '\0';
}

/* Writes the evidence of a case to <report_dir>/<suite>/<id>.trace.txt. */
static void rt_write_trace(struct rt_run *run, struct rt_result *r)
{
	char dir[4096], file[4096], id[256];
	FILE *f;

	if (!run->opts.report_dir || !r->trace)
		return;
	snprintf(dir, sizeof(dir), "%s/%s", run->opts.report_dir, r->c->suite);
	rt_sanitize(r->c->id, id, sizeof(id));
	if (snprintf(file, sizeof(file), "%s/%s.trace.txt", dir, id) >= (int)sizeof(file) ||
	    rt_fs_mkdirs(dir) != 0)
		return;
	f = fopen(file, "w");
	if (!f)
		return;
	fprintf(f, "case %s — %s\nfile %s\nSUT %s (%s)\nverdict %s%s%s\n\n", r->c->id, r->c->title,
		r->c->file, run->sut->name, run->sut->file, rt_verdict_name(r->verdict),
		r->message ? ": " : "", r->message ? r->message : "");
	fputs(r->trace, f);
	if (r->detail)
		fprintf(f, "\n--- detail\n%s\n", r->detail);
	if (fclose(f) == 0)
		r->trace_file = strdup(file);
}

/* Cleanups get this long after the case ends (after a signal: the short grace). */
#define RT_RUN_CLEANUP_GRACE_S 10.0
#define RT_RUN_SIGNAL_GRACE_S 2.0

/* Opens the SUT card under bound. Once the card is known to be gone, only looks (no
 * wait): a card that comes back is still found, a missing one costs nothing. */
static int rt_run_open_card(struct rt_run *run, const struct rt_card_bound *bound)
{
	const struct rt_sut_card *sc = &run->sut->card;
	struct rt_err err = { 0 };
	int rc;

	run->card_error[0] = '\0';
	if (sc->transport == RT_SUT_CARD_LOOP) {
		struct rt_euicc_config cfg;
		char spath[4096];

		if (sc->euicc) {
			/* defaults + personality + eid/t0/faults/state (engine/rt_sut.c) */
			cfg = *sc->euicc;
		} else {
			rt_euicc_config_default(&cfg);
			if (sc->eid)
				snprintf(cfg.eid, sizeof(cfg.eid), "%s", sc->eid);
			cfg.t0_get_response = sc->t0_get_response ? RT_EUICC_T0_CHUNK_MAX : 0;
		}
		rc = 0;
		if (sc->state_in_run_dir) {
			/* docs/sut-config.md: the state file lives in this run's report folder
			 * and the first open of the run starts it as manufactured. */
			if (!run->opts.report_dir ||
			    snprintf(spath, sizeof(spath), "%s/%s", run->opts.report_dir,
				     sc->state) >= (int)sizeof(spath)) {
				rc = rt_err_set(&err, RT_EINVAL, "state_in_run_dir: %s",
						run->opts.report_dir ? "path too long"
								     : "this run has no report folder");
			} else {
				if (!run->state_fresh) {
					if (rt_fs_mkparents(spath) != 0 ||
					    (unlink(spath) != 0 && errno != ENOENT))
						rc = rt_err_set(&err, RT_EIO, "%s: %s", spath,
								strerror(errno));
					run->state_fresh = 1;
				}
				cfg.state_path = spath;
			}
		}
		if (!rc)
			rc = rt_cardlink_open_reference(&cfg, &run->link, &err);
		OPENSSL_cleanse(&cfg, sizeof(cfg)); /* the card keeps its own copy */
		if (!rc)
			snprintf(run->link->card->name, sizeof(run->link->card->name),
				 "reference eUICC (loop)");
	} else {
		struct rt_card_pcsc_opts po = { 0, 0, bound };

		po.wait_ms = run->card_gone[0] ? 0u : (unsigned)sc->wait_card_ms;
		rc = rt_cardlink_open_pcsc_opts(sc->reader, sc->reader_index, &po, &run->link, &err);
	}
	if (rc)
		snprintf(run->card_error, sizeof(run->card_error), "SUT unreachable: %s", err.msg);
	return rc;
}

/* The card is unusable: say so once on the console, and word the later cases'
 * messages after the first cause. */
static void rt_run_card_gone(struct rt_run *run, const struct rt_case *c)
{
	if (run->card_gone[0]) {
		snprintf(run->card_error, sizeof(run->card_error),
			 "SUT unreachable: the card is gone since %s (%.800s)", run->card_gone_case,
			 run->card_gone);
		return;
	}
	{
		static const char pre[] = "SUT unreachable: ";
		const char *e = run->card_error;

		if (strncmp(e, pre, sizeof(pre) - 1) == 0)
			e += sizeof(pre) - 1;
		snprintf(run->card_gone, sizeof(run->card_gone), "%s", e);
	}
	snprintf(run->card_gone_case, sizeof(run->card_gone_case), "%s", c ? c->id : "the start");
	fprintf(run->opts.out,
		"rsptest: the card is gone (%s); the remaining cases end as ERROR at once unless "
		"it comes back\n",
		run->card_error);
	fflush(run->opts.out);
}

static void rt_run_card_attach(struct rt_run *run, struct rt_trace *trace,
			       const struct rt_card_bound *bound)
{
	run->link->card->observer = rt_trace_card_observer;
	run->link->card->obs_ctx = trace;
	run->link->card->bound = bound;
}

/* Resets the SUT card before a case as the SUT asks; reopens it once if the reader or
 * card went away (one wait of wait_card_ms at most, none once the card is known gone).
 * Returns 0, or -1 with the cause in run->card_error. */
static int rt_run_card_ready(struct rt_run *run, const struct rt_case *c, struct rt_trace *trace,
			     const struct rt_card_bound *bound)
{
	const struct rt_sut_card *sc = &run->sut->card;
	struct rt_err err = { 0 };
	int opened = 0;

	if (sc->transport == RT_SUT_CARD_NONE)
		return 0;
	if (!run->link) {
		if (rt_run_open_card(run, bound) != 0)
			goto gone;
		opened = 1;
	}
	rt_run_card_attach(run, trace, bound);
	if (sc->reset == RT_SUT_RESET_NONE && run->link->card->atr_len &&
	    !run->link->card->stuck[0])
		goto ok;
	if (rt_card_reset(run->link->card, sc->reset == RT_SUT_RESET_COLD, &err) == 0)
		goto ok;
	snprintf(run->card_error, sizeof(run->card_error), "SUT unreachable: reset: %s", err.msg);
	if (err.code == RT_EINTR)
		return -1;
	/* A hung card's reader is stuck inside pcscd: opening it again would only hang
	 * again. Once opened for this case, a second wait would double wait_card_ms. */
	if (run->link->card->stuck[0] || opened)
		goto gone;
	/* The reader or card may have gone: drop the handle and open it again. */
	rt_cardlink_close(run->link);
	run->link = NULL;
	if (rt_run_open_card(run, bound) != 0)
		goto gone;
	rt_run_card_attach(run, trace, bound);
	if (rt_card_reset(run->link->card, sc->reset == RT_SUT_RESET_COLD, &err) != 0) {
		snprintf(run->card_error, sizeof(run->card_error), "SUT unreachable: reset: %s",
			 err.msg);
		goto gone;
	}
ok:
	run->card_never = 0; /* it is there now, whatever happened at the start */
	if (run->card_gone[0]) {
		fprintf(run->opts.out, "rsptest: the card is back\n");
		run->card_gone[0] = '\0';
	}
	return 0;
gone:
	if (!(bound->interrupted && *bound->interrupted))
		rt_run_card_gone(run, c);
	return -1;
}

static void rt_result_set(struct rt_result *r, enum rt_verdict v, const char *msg,
			  const char *detail)
{
	r->verdict = v;
	free(r->message);
	free(r->detail);
	r->message = rt_strdup_or_null(msg);
	r->detail = rt_strdup_or_null(detail);
}

void rt_run_set_result(struct rt_result *r, enum rt_verdict v, const char *msg,
		       const char *detail)
{
	rt_result_set(r, v, msg, detail);
}

void rt_run_case(struct rt_run *run, struct rt_result *r)
{
	const struct rt_case *c = r->c;
	struct rt_trace trace;
	struct rt_lua_ctx ctx;
	struct rt_case_exec ex;
	struct rt_lua_result lres;
	struct rt_err err = { 0 };
	lua_State *L = NULL;
	double t0 = rt_time_s();
	struct rt_card_bound bound = { t0 + c->timeout, run->opts.interrupted };
	int sig = 0;
	char why[1400], detail[sizeof(lres.message) + sizeof(lres.detail) + 2];

	rt_trace_init(&trace, run->opts.verbose ? run->opts.out : NULL);
	if (run->opts.verbose)
		fprintf(run->opts.out, "=== %s — %s\n", c->id, c->title);
	rt_trace_line(&trace, "case %s: %s (%s)", c->id, c->title, c->file);
	memset(&ctx, 0, sizeof(ctx));
	memset(&ex, 0, sizeof(ex));
	ex.run = run;
	ex.c = c;
	ex.trace = &trace;

	if (rt_run_card_ready(run, c, &trace, &bound) != 0) {
		if (run->opts.interrupted && *run->opts.interrupted) {
			snprintf(why, sizeof(why), "interrupted by signal %d during the card reset",
				 (int)*run->opts.interrupted);
			rt_result_set(r, RT_VERDICT_ERROR, why, run->card_error);
		} else {
			rt_result_set(r, RT_VERDICT_ERROR, run->card_error, NULL);
		}
		goto out;
	}
	ctx.case_id = c->id;
	ctx.trace = &trace;
	ctx.card = run->link ? run->link->card : NULL;
	ctx.card_error = run->card_error[0] ? run->card_error : NULL;
	ctx.datadir = run->opts.datadir;
	ctx.show_secrets = run->opts.show_secrets;
	ctx.store = &run->store;
	ctx.run_dir = run->opts.report_dir;
	ctx.mem_max = RT_LUA_MEM_DEFAULT;
	ctx.instr_max = RT_LUA_INSTR_DEFAULT;
	ctx.timeout = c->timeout;
	ctx.deadline = t0 + c->timeout;
	ctx.interrupted = run->opts.interrupted;
	ctx.card_bound = &bound;
	rt_lua_seed(&ctx, run->opts.seed, c->id);
	L = rt_lua_new(&ctx, 1, &err);
	if (!L) {
		rt_result_set(r, RT_VERDICT_ERROR, err.msg, NULL);
		goto out;
	}
	lua_pushcfunction(L, rt_case_body);
	lua_pushlightuserdata(L, &ex);
	rt_lua_pcall(L, 1, 0, &lres);
	if (run->opts.interrupted)
		sig = (int)*run->opts.interrupted;
	{
		/* Cleanups run whatever happened; the case's deadline still applies to them
		 * but gets a grace period so a timed-out case can still clean up; after a
		 * signal only a short one, so the run ends soon. Card calls get the same. */
		struct rt_lua_result cres;

		ctx.deadline = rt_time_s() + (sig ? RT_RUN_SIGNAL_GRACE_S : RT_RUN_CLEANUP_GRACE_S);
		ctx.interrupted = NULL;
		bound.deadline = ctx.deadline;
		bound.interrupted = NULL;
		rt_case_cleanup(L, &ex, &cres);
		if (lres.outcome == RT_LUA_OK && cres.outcome != RT_LUA_OK) {
			snprintf(ex.phase, sizeof(ex.phase), "cleanup");
			lres = cres;
			lres.outcome = RT_LUA_ERROR;
			ex.step = NULL;
		}
	}
	if (sig && lres.outcome != RT_LUA_OK) {
		/* The signal is the cause: whatever broke because of it (a card call cut
		 * short, "removed", "access denied") is no verdict on the card. */
		snprintf(why, sizeof(why), "interrupted by signal %d during %s", sig,
			 ex.phase[0] ? ex.phase : "the case setup");
		snprintf(detail, sizeof(detail), "%s%s%s", lres.message, lres.detail[0] ? "\n" : "",
			 lres.detail);
		rt_result_set(r, RT_VERDICT_ERROR, why, detail);
		rt_trace_line(&trace, "ERROR: %s", why);
		goto out;
	}
	switch (lres.outcome) {
	case RT_LUA_OK:
		rt_result_set(r, RT_VERDICT_PASS, NULL, NULL);
		break;
	case RT_LUA_FAIL:
	case RT_LUA_ERROR:
		/* A FAIL inside a fixture is a broken precondition, not a verdict on the SUT. */
		snprintf(why, sizeof(why), "%s%s%s", ex.phase,
			 !ex.step && strncmp(ex.phase, "fixture ", 8) == 0 ? " failed: "
			 : ex.phase[0]				       ? ": "
								       : "",
			 lres.message);
		rt_result_set(r,
			      lres.outcome == RT_LUA_FAIL && ex.step ? RT_VERDICT_FAIL
								     : RT_VERDICT_ERROR,
			      why, lres.detail);
		rt_trace_line(&trace, "%s: %s", lres.outcome == RT_LUA_FAIL ? "FAIL" : "ERROR", why);
		break;
	}
out:
	rt_lua_close(L);
	if (run->link) {
		run->link->card->observer = NULL;
		run->link->card->obs_ctx = NULL;
		run->link->card->bound = NULL;
		/* A case that left the card hung: say so now, not one case later. */
		if (run->link->card->stuck[0] && !run->card_gone[0] && !sig) {
			snprintf(run->card_error, sizeof(run->card_error), "card hung: %.900s",
				 run->link->card->stuck);
			rt_run_card_gone(run, c);
		}
	}
	r->seconds = rt_time_s() - t0;
	r->napdu = trace.napdu;
	r->trace = strdup(rt_trace_text(&trace));
	rt_trace_free(&trace);
	rt_write_trace(run, r);
}

/* One console line per case; `[n/N]` at the end (as pytest's [ 10%]) so lines still
 * start with the verdict. -q keeps only what is not a PASS. */
static void rt_run_line(struct rt_run *run, const struct rt_result *r)
{
	FILE *o = run->opts.out;

	if (run->opts.quiet && r->verdict == RT_VERDICT_PASS)
		return;
	fprintf(o, "%-5s %s (%.3fs)", rt_verdict_name(r->verdict), r->c->id, r->seconds);
	if (r->verdict != RT_VERDICT_PASS && r->message)
		fprintf(o, ": %.160s", r->message);
	fprintf(o, " [%zu/%zu]\n", run->ndone, run->nselected);
	fflush(o);
}

void rt_run_record(struct rt_run *run, struct rt_result *r)
{
	switch (r->verdict) {
	case RT_VERDICT_PASS:
		run->npass++;
		break;
	case RT_VERDICT_FAIL:
		run->nfail++;
		break;
	case RT_VERDICT_ERROR:
		run->nerror++;
		break;
	case RT_VERDICT_SKIP:
		run->nskip++;
		break;
	}
	run->ndone++;
	rt_run_line(run, r);
}

unsigned rt_run_maxfail(const struct rt_run_opts *o)
{
	return o->maxfail ? o->maxfail : (o->exitfirst ? 1u : 0u);
}

int rt_run_stopping(const struct rt_run *run)
{
	unsigned m = rt_run_maxfail(&run->opts);

	return m && run->nfail + run->nerror >= m;
}

int rt_run_prepare(struct rt_run *run, struct rt_result *r, char *why, size_t whysz)
{
	const struct rt_run_opts *o = &run->opts;

	if (o->interrupted && *o->interrupted) {
		snprintf(why, whysz, "not run: the run was interrupted by signal %d",
			 (int)*o->interrupted);
		rt_result_set(r, RT_VERDICT_SKIP, why, NULL);
		return 0;
	}
	if (!rt_run_applies(r->c, run->sut, why, whysz)) {
		rt_result_set(r, RT_VERDICT_SKIP, why, NULL);
		return 0;
	}
	return 1;
}

/* The cases -x / --maxfail kept from running: SKIP in the report, one console line. */
static void rt_run_mark_stopped(struct rt_run *run)
{
	unsigned m = rt_run_maxfail(&run->opts);
	size_t i, n = 0;
	char why[160];

	if (m == 1)
		snprintf(why, sizeof(why), "not run: stopped after the first failure (-x)");
	else
		snprintf(why, sizeof(why), "not run: stopped after %u failures (--maxfail %u)", m, m);
	for (i = 0; i < run->cases->n; i++) {
		struct rt_result *r = &run->results[i];

		if (!r->run || r->done)
			continue;
		rt_result_set(r, RT_VERDICT_SKIP, why, NULL);
		r->done = 1;
		run->nskip++;
		n++;
	}
	if (n)
		fprintf(run->opts.out, "SKIP  %zu more case%s %s\n", n, n == 1 ? "" : "s", why);
	fflush(run->opts.out);
}

static void rt_run_digest(struct rt_run *run)
{
	FILE *o = run->opts.out;
	size_t i;
	int header = 0;

	for (i = 0; i < run->cases->n; i++) {
		const struct rt_result *r = &run->results[i];

		if (!r->run || (r->verdict != RT_VERDICT_FAIL && r->verdict != RT_VERDICT_ERROR))
			continue;
		if (!header++)
			fprintf(o, "\n=============== failures and errors ===============\n");
		fprintf(o, "\n%s %s — %s\n  file: %s\n  %s\n", rt_verdict_name(r->verdict), r->c->id,
			r->c->title, r->c->file, r->message ? r->message : "");
		if (r->trace_file)
			fprintf(o, "  evidence: %s\n", r->trace_file);
		if (r->trace && r->napdu) {
			fprintf(o, "  last exchanges:\n");
			rt_trace_print_tail(o, r->trace, 6, "      ");
		}
	}
}

int rt_run_execute(struct rt_run *run)
{
	const struct rt_run_opts *o = &run->opts;
	size_t i, nsel = 0;
	double t0 = rt_time_s();
	char why[1024];

	rt_time_iso8601(run->timestamp, sizeof(run->timestamp));
	run->results = calloc(run->cases->n ? run->cases->n : 1, sizeof(*run->results));
	if (!run->results)
		return RT_ENOMEM;
	for (i = 0; i < run->cases->n; i++) {
		run->results[i].c = run->cases->v[i];
		run->results[i].run = rt_select_match(o->select, run->cases->v[i]) &&
				      (!o->want || o->want(o->want_ctx, run->cases->v[i]));
		nsel += (size_t)run->results[i].run;
	}
	if (!o->quiet)
		fprintf(o->out,
			"rsptest %s — SUT: %s (%s) — %zu of %zu cases selected — seed %llu\n",
			RT_VERSION, run->sut->name, run->sut->role, nsel, run->cases->n,
			(unsigned long long)o->seed);
	fflush(o->out);
	run->nselected = nsel;
	if (o->jobs > 1 && rt_runpar_possible(run, why, sizeof(why))) {
		rt_runpar_execute(run);
	} else {
		if (o->jobs > 1)
			fprintf(o->out, "-j %u ignored: %s\n", o->jobs, why);
		if (run->sut->card.transport != RT_SUT_CARD_NONE && nsel) {
			struct rt_card_bound bound = { 0, o->interrupted };

			if (rt_run_open_card(run, &bound) != 0 &&
			    !(o->interrupted && *o->interrupted)) {
				/* Never there: the remaining cases only look again, and the exit
				 * status says the SUT description does not match the machine. */
				run->card_never = 1;
				rt_run_card_gone(run, NULL);
			}
			if (run->link)
				run->link->card->bound = NULL;
		}
		for (i = 0; i < run->cases->n; i++) {
			struct rt_result *r = &run->results[i];

			if (!r->run)
				continue;
			if (rt_run_stopping(run))
				break;
			if (rt_run_prepare(run, r, why, sizeof(why)))
				rt_run_case(run, r);
			r->done = 1;
			rt_run_record(run, r);
		}
	}
	rt_run_mark_stopped(run);
	run->seconds = rt_time_s() - t0;
	rt_run_digest(run);
	return 0;
}

void rt_run_free(struct rt_run *run)
{
	size_t i;

	for (i = 0; run->results && i < run->cases->n; i++) {
		free(run->results[i].message);
		free(run->results[i].detail);
		free(run->results[i].trace);
		free(run->results[i].trace_file);
	}
	free(run->results);
	run->results = NULL;
	rt_cardlink_close(run->link);
	run->link = NULL;
	rt_kv_free(&run->store);
}

/* rt_run_session's protected part. Lua: [exec] -> []. */
static int rt_run_session_setup(lua_State *L)
{
	return rt_case_setup(L, lua_touserdata(L, 1));
}

int rt_run_session(struct rt_run *run, lua_State *L, struct rt_trace *trace, struct rt_err *err)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);
	struct rt_case c;
	struct rt_case_exec ex;
	struct rt_lua_result res;

	/* The card keeps a pointer to its bound: no deadline at a prompt (Ctrl-C there
	 * interrupts the Lua chunk, cli/rt_repl_edit.c). */
	static const struct rt_card_bound unbounded = { 0, NULL };

	memset(&c, 0, sizeof(c));
	memset(&ex, 0, sizeof(ex));
	c.id = (char *)"lua";
	/* The card exactly as a case finds it: opened, then reset per the SUT's policy. */
	if (run->sut->card.transport != RT_SUT_CARD_NONE &&
	    rt_run_card_ready(run, &c, trace, &unbounded) != 0)
		return rt_err_set(err, RT_EIO, "%s", run->card_error);
	ctx->card = run->link ? run->link->card : NULL;
	ctx->card_error = run->card_error[0] ? run->card_error : NULL;
	ctx->trace = trace;
	ctx->store = &run->store;
	ex.run = run;
	ex.c = &c;
	ex.trace = trace;
	lua_pushcfunction(L, rt_run_session_setup);
	lua_pushlightuserdata(L, &ex);
	if (rt_lua_pcall(L, 1, 0, &res) != RT_LUA_OK)
		return rt_err_set(err, RT_ECONFIG, "%s", res.message);
	return 0;
}
