/* SPDX-License-Identifier: Apache-2.0 */
/* rt_strpat — Lua 5.4 patterns (reference manual §6.4.1) for the case sandbox, with the
 * case deadline enforced inside the matcher.
 *
 * Why: the case timeout is a Lua count hook, and hooks do not fire inside C functions.
 * Stock string.find/match/gmatch/gsub backtrack without bound (("a*"):rep(30).."b" runs
 * for hours), so a case stuck in one ignored its `timeout:`. These replacements keep the
 * stock semantics (results, captures, position captures, %b, %f, anchors, init, plain
 * find, gsub replacements and max n, gmatch init, the same error messages and the same
 * "pattern too complex" depth limit) and count matching steps: every RT_STRPAT_CHECK_EVERY
 * steps they check the deadline and the signal flag of the state's struct rt_lua_ctx
 * and raise "timeout: case deadline exceeded inside string.find (…)", an ERROR verdict
 * like the hook's own timeout. Written from the manual, checked against stock Lua by
 * tests/unit/test_strpat.c (differential).
 *
 * string.rep is replaced too: same results, but a result of more than RT_STRPAT_REP_MAX
 * bytes is an error, and an empty result returns at once (stock loops n times even when
 * every piece is empty: string.rep("", 1e12) never ends). */
#ifndef RT_STRPAT_H
#define RT_STRPAT_H

#include <lua.h>

#define RT_STRPAT_CHECK_EVERY 65536u     /* matching steps between deadline checks */
#define RT_STRPAT_REP_MAX (64u << 20)    /* bytes: largest string.rep result */

/* Replaces find, match, gmatch, gsub and rep in the global `string` table (which is also
 * the string metatable's __index, so ("x"):find is covered). Lua stack unchanged. */
void rt_strpat_install(lua_State *L);

/* The replacement functions, for tests and benches (Lua signatures as string.*). */
int rt_strpat_find(lua_State *L);
int rt_strpat_match(lua_State *L);
int rt_strpat_gmatch(lua_State *L);
int rt_strpat_gsub(lua_State *L);
int rt_strpat_rep(lua_State *L);

#endif
