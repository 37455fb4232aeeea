/* SPDX-License-Identifier: Apache-2.0 */
/* rt_repl — the interactive `rsptest lua` prompt on a terminal.
 *
 * rt_repl_edit.c: line editing and history (libedit), multi-line chunks as the
 * standalone `lua` prompt reads them, Ctrl-C (interrupts a running chunk; at the prompt
 * discards the line). rt_repl_complete.c: Tab completion of global names and fields
 * (`rt.hex.en` -> `rt.hex.encode(`). rt_repl_print.c: results as a card user wants them
 * (bytes in hex, status words as 9000). Piped input does not come here (cmd_lua.c). */
#ifndef RT_REPL_H
#define RT_REPL_H

#include <stddef.h>

#include <lua.h>

#define RT_REPL_MATCH_MAX 512

/* Runs the prompt on the terminal until end of input (Ctrl-D). */
void rt_repl_run(lua_State *L);

/* lua_CFunction: prints its arguments on one line, tab-separated: binary strings in hex,
 * text as is, tables field by field, a status word (a `sw` field, or the last of several
 * results after a string, as card:send gives) as four hex digits. Call it protected. */
int rt_repl_print_values(lua_State *L);

/* Completion candidates for the name fragment word[0..len) ("rt.hex.en", "card:tr"):
 * every string key of the table the part before the last '.' or ':' names (and of its
 * metatable's __index table) that starts with the part after it, plus Lua keywords at
 * the top level. */
struct rt_repl_matches {
	char *v[RT_REPL_MATCH_MAX]; /* full key names, sorted, owned */
	size_t n;
	size_t prefix_len; /* how much of word the keys start with (the part after the separator) */
	char suffix;       /* for a single match: '.' for a table, '(' for a function, else 0 */
};

/* Fills m (free it with rt_repl_matches_free). Runs protected; 0, or -1 on a Lua error
 * (no matches then). */
int rt_repl_complete(lua_State *L, const char *word, size_t len, struct rt_repl_matches *m);

void rt_repl_matches_free(struct rt_repl_matches *m);

#endif
