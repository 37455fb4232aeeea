/* SPDX-License-Identifier: Apache-2.0 */
/* rt_lua — Lua states for rsptest: the per-case sandbox and the open `rsptest lua` state.
 *
 * Sandboxed state (one per test case): only base/string/table/math/utf8; `require`
 * resolves only the built-in rt.* modules and files under the lua/ folder (text
 * chunks only, no bytecode); an allocation cap; an instruction-count hook that also
 * enforces the case deadline and reacts to SIGINT/SIGTERM; strict globals (reading or
 * creating an undeclared global is an error); math.random seeded from the run seed.
 * Open state (`rsptest lua`): all standard libraries, no limits, same require.
 *
 * Every entry into Lua goes through rt_lua_pcall, whose message handler appends a
 * traceback. An error raised with rt.case.fail (or by lua/expect.lua) is a FAIL
 * verdict; any other error is an ERROR. */
#ifndef RT_LUA_H
#define RT_LUA_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "transport/rt_card.h"
#include "util/rt_err.h"
#include "util/rt_kv.h"
#include "util/rt_trace.h"

#define RT_LUA_MEM_DEFAULT (256u << 20)     /* bytes per case */
#define RT_LUA_INSTR_DEFAULT 2000000000ull  /* VM instructions per case */

/* What the Lua side of a case can reach (stored in the registry; borrowed pointers). */
struct rt_lua_ctx {
	const char *case_id;       /* "" outside a case */
	struct rt_trace *trace;    /* evidence log of the case (may be NULL) */
	struct rt_card *card;      /* the SUT card, NULL when the SUT has none */
	const char *card_error;    /* why card is NULL when the SUT should have one */
	const char *datadir;       /* where lua/, testcases/, sut/, certs/ live */
	uint64_t rng_state;        /* per-case deterministic PRNG (splitmix64) */
	uint64_t seed;             /* run seed, for the record */
	int show_secrets;          /* keys may appear in traces */
	struct rt_kv *store;       /* run-scoped store (rt.case.store), NULL outside a run */
	const char *run_dir;       /* the run's own directory (report dir), NULL if none:
				    * the only place a case may make files (rt.card state) */
	int sandboxed;             /* set by rt_lua_new: a case, not a trusted script */
	/* limits (sandbox only) */
	size_t mem_max, mem_used;
	uint64_t instr_max, instr_count;
	double deadline;           /* rt_time_s() value; 0 = none */
	double timeout;            /* seconds, for the message */
	volatile sig_atomic_t *interrupted;
	/* The case's bound for card calls (deadline, signal flag): cards opened from Lua
	 * (rt.card.open_*) run under it. NULL outside a case. */
	struct rt_card_bound *card_bound;
};

enum rt_lua_outcome {
	RT_LUA_OK = 0,
	RT_LUA_FAIL,  /* an expectation about the SUT did not hold */
	RT_LUA_ERROR, /* the script or the harness broke */
};

/* The outcome of a protected call. message: one line; detail: traceback or context. */
struct rt_lua_result {
	enum rt_lua_outcome outcome;
	char message[1024];
	char detail[8192];
};

/* Creates a state. sandbox != 0 applies the limits above (ctx->mem_max etc. must be
 * set). ctx must outlive the state. Returns NULL with err set on failure. */
lua_State *rt_lua_new(struct rt_lua_ctx *ctx, int sandbox, struct rt_err *err);

/* Closes the state (NULL is fine). */
void rt_lua_close(lua_State *L);

/* lua_pcall with the traceback handler; classifies the error into res. The function
 * and nargs arguments are on the stack; on success nres results are left. */
enum rt_lua_outcome rt_lua_pcall(lua_State *L, int nargs, int nres, struct rt_lua_result *res);

/* Freezes the globals table: from now on, undeclared globals cannot be read or made. */
void rt_lua_strict(lua_State *L);

/* The context stored in L (never NULL for states made by rt_lua_new). */
struct rt_lua_ctx *rt_lua_ctx(lua_State *L);

/* Raises an ordinary Lua error (an ERROR verdict) with a printf-formatted message;
 * lua_pushfstring/luaL_error know only a few formats, this one knows all of printf's.
 * Does not return. */
int rt_lua_error(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Raises a FAIL verdict from C with a formatted message (does not return). */
int rt_lua_fail(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* lua_CFunction behind rt.case.fail and the sandbox's rt_fail(msg [, level]):
 * raises a FAIL verdict with the caller's position. */
int rt_lua_fail_cfunc(lua_State *L);

/* Next 64 random bits from the case PRNG (deterministic for a seed and case id). */
uint64_t rt_lua_random(struct rt_lua_ctx *ctx);

/* Seeds ctx->rng_state from the run seed and the case id (FNV-1a mix). */
void rt_lua_seed(struct rt_lua_ctx *ctx, uint64_t seed, const char *case_id);

#endif
