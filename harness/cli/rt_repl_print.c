/* SPDX-License-Identifier: Apache-2.0 */
/* rt_repl_print — how the prompt shows results; see rt_repl.h. Bytes are Lua strings
 * (design.md 4), so a string that is not text is shown in hex; status words are plain
 * integers, so they are recognised by where they stand (a `sw` field, or the integer
 * after the data in card:send's `data, sw`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli/rt_repl.h"

#define RT_REPL_DEPTH_MAX 3   /* nested tables shown; deeper ones as {…} */
#define RT_REPL_FIELDS_MAX 64 /* fields shown per table */
#define RT_REPL_KEYS_MAX 256  /* string keys sorted per table */

/* 1 when s is text a person would read: printable ASCII, tab/CR/LF, or valid UTF-8. */
static int rt_repl_is_text(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k, more;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			more = 1;
		else if (c >= 0xe0 && c <= 0xef)
			more = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			more = 3;
		else
			return 0;
		if (i + more >= n)
			return 0;
		for (k = 1; k <= more; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += more + 1;
	}
	return 1;
}

static void rt_repl_put_string(FILE *o, const char *s, size_t n, int nested)
{
	size_t i;

	if (n == 0) {
		fputs("\"\"", o);
		return;
	}
	if (!rt_repl_is_text((const unsigned char *)s, n)) {
		for (i = 0; i < n; i++)
			fprintf(o, "%02X", (unsigned char)s[i]);
		return;
	}
	if (!nested) {
		fwrite(s, 1, n, o);
		return;
	}
	fputc('"', o);
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fputc('\\', o);
		if (s[i] == '\n')
			fputs("\\n", o);
		else
			fputc(s[i], o);
	}
	fputc('"', o);
}

/* A status word is an integer 0000..FFFF in a place that holds one. */
static int rt_repl_is_sw(lua_State *L, int idx)
{
	lua_Integer v;

	if (!lua_isinteger(L, idx))
		return 0;
	v = lua_tointeger(L, idx);
	return v >= 0 && v <= 0xFFFF;
}

static int rt_repl_sw_key(const char *k)
{
	size_t n = strlen(k);

	return strcmp(k, "sw") == 0 || (n > 3 && strcmp(k + n - 3, "_sw") == 0);
}

static void rt_repl_put(lua_State *L, FILE *o, int idx, int depth, int sw);

static int rt_repl_is_ident(const char *k)
{
	const char *p;

	if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_'))
		return 0;
	for (p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
		      (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

static int rt_repl_keycmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* { 1st, 2nd, key = value, ... }: the array part, then string keys in order, then the
 * rest. Raw access only, so no metamethod runs. */
static void rt_repl_put_table(lua_State *L, FILE *o, int idx, int depth)
{
	const char *keys[RT_REPL_KEYS_MAX];
	size_t nkeys = 0, i, shown = 0;
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx), j;
	int others = 0;

	if (depth >= RT_REPL_DEPTH_MAX) {
		fputs("{…}", o);
		return;
	}
	luaL_checkstack(L, 8, "printing a table");
	fputs("{", o);
	for (j = 1; j <= n && shown < RT_REPL_FIELDS_MAX; j++, shown++) {
		fputs(shown ? ", " : " ", o);
		lua_rawgeti(L, idx, j);
		rt_repl_put(L, o, lua_gettop(L), depth + 1, 0);
		lua_pop(L, 1);
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING) {
			if (nkeys < RT_REPL_KEYS_MAX)
				keys[nkeys++] = lua_tostring(L, -1); /* the table keeps it alive */
			else
				others++;
		} else if (!(lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1 &&
			     lua_tointeger(L, -1) <= n)) {
			others++;
		}
	}
	qsort(keys, nkeys, sizeof(keys[0]), rt_repl_keycmp);
	for (i = 0; i < nkeys && shown < RT_REPL_FIELDS_MAX; i++, shown++) {
		fputs(shown ? ", " : " ", o);
		if (rt_repl_is_ident(keys[i]))
			fprintf(o, "%s = ", keys[i]);
		else
			fprintf(o, "[\"%s\"] = ", keys[i]);
		lua_getfield(L, idx, keys[i]);
		rt_repl_put(L, o, lua_gettop(L), depth + 1, rt_repl_sw_key(keys[i]));
		lua_pop(L, 1);
	}
	if (others || shown < (size_t)n + nkeys)
		fprintf(o, "%s…", shown ? ", " : " ");
	fputs(shown || others ? " }" : "}", o);
}

static void rt_repl_put(lua_State *L, FILE *o, int idx, int depth, int sw)
{
	size_t n;
	const char *s;

	switch (lua_type(L, idx)) {
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &n);
		rt_repl_put_string(o, s, n, depth > 0);
		break;
	case LUA_TNUMBER:
		if (sw && rt_repl_is_sw(L, idx)) {
			fprintf(o, "%04llX", (unsigned long long)lua_tointeger(L, idx));
			break;
		}
		/* fall through */
	default:
		if (lua_type(L, idx) == LUA_TTABLE && !luaL_getmetafield(L, idx, "__tostring")) {
			rt_repl_put_table(L, o, idx, depth);
			break;
		}
		if (lua_type(L, idx) == LUA_TTABLE)
			lua_pop(L, 1); /* the __tostring field */
		s = luaL_tolstring(L, idx, &n);
		fwrite(s, 1, n, o);
		lua_pop(L, 1);
		break;
	}
}

int rt_repl_print_values(lua_State *L)
{
	int i, n = lua_gettop(L);

	for (i = 1; i <= n; i++) {
		/* card:send and rt.apdu.split give data, sw. */
		int sw = i == n && n >= 2 && lua_type(L, i - 1) == LUA_TSTRING;

		if (i > 1)
			fputc('\t', stdout);
		rt_repl_put(L, stdout, i, 0, sw);
	}
	fputc('\n', stdout);
	fflush(stdout);
	return 0;
}
