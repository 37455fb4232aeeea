/* SPDX-License-Identifier: Apache-2.0 */
/* rt_lua_bounded — the case deadline inside long-running C code of the sandbox, and
 * bounded versions of stock C functions a case can reach that would otherwise run
 * without limit (the count hook never fires inside a C function).
 *
 * table.move(a1, f, e, t [, a2]) moves up to 2^63 elements in one C loop; moving nils
 * allocates nothing, so the memory cap does not stop it either (table.move({}, 1, 1e12, 2)
 * runs for hours). The sandbox's table.move does the same moves through the stock
 * function in chunks of RT_BOUNDED_MOVE_CHUNK elements, in the same direction, and checks
 * the deadline between chunks.
 *
 * table.sort(t) with the default order compares in C: no hook fires until it returns
 * (2e6 numbers take about a second, the memory cap allows some 16 million). The
 * sandbox's table.sort sorts at most RT_BOUNDED_SORT_MAX elements that way and asks for
 * a comparator beyond (a Lua comparator runs under the count hook, so the deadline holds
 * there). (string.find & co. and string.rep: see rt_strpat.h.) */
#ifndef RT_LUA_BOUNDED_H
#define RT_LUA_BOUNDED_H

#include <lua.h>

#define RT_BOUNDED_MOVE_CHUNK 65536
#define RT_BOUNDED_SORT_MAX (1 << 20)

struct rt_lua_ctx;

/* Raises the timeout (or "interrupted by signal") ERROR, naming `where` ("string.find"),
 * when ctx's deadline has passed or a signal arrived; returns otherwise. ctx may be NULL
 * (a state not made by rt_lua_new: nothing to check). */
void rt_lua_check_deadline(lua_State *L, const struct rt_lua_ctx *ctx, const char *where);

/* Replaces table.move with the chunked version and table.sort with the capped one (the
 * stock functions are their upvalues).
 * Lua stack unchanged. */
void rt_lua_bounded_install(lua_State *L);

#endif
