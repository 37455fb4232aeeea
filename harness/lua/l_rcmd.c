/* SPDX-License-Identifier: Apache-2.0 */
/* l_rcmd — the rt.rcmd Lua module: TS 102 226 remote command/response scripts.
 *
 * Thin binding over codec/rt_rcmd (the rules live there). Command and response scripts
 * are built from lists whose string elements are APDUs (22 in a command, 23 in a
 * response) and whose table elements {tag = int, value = bytes} are any other TLV, so a
 * test can also build scripts the parser would refuse. Parsed scripts come back as
 * tables; every parse error is raised with the codec's message. C buffers are freed
 * before any error is raised. */
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>

#include "codec/rt_rcmd.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_args.h"
#include "lua/rt_lua_modules.h"

#define L_RCMD_OUT_MAX (1u << 20)

/* Fills items[] from the list at idx (strings become apdu_tag TLVs); the strings stay
 * referenced by the list, so the pointers remain valid while it is on the stack.
 * Items already in items[0..*n) are kept in front. */
static void l_rcmd_items(lua_State *L, int idx, uint8_t apdu_tag, struct rt_rcmd_item *items,
			 size_t *n)
{
	lua_Integer k, cnt;

	luaL_checktype(L, idx, LUA_TTABLE);
	cnt = (lua_Integer)luaL_len(L, idx);
	for (k = 1; k <= cnt; k++) {
		struct rt_rcmd_item *it;
		int ty = lua_geti(L, idx, k);

		if (*n >= RT_RCMD_ITEMS_MAX)
			rt_lua_error(L, "rt.rcmd: more than %d TLVs", RT_RCMD_ITEMS_MAX);
		it = &items[(*n)++];
		it->offset = 0;
		if (ty == LUA_TSTRING) {
			it->tag = apdu_tag;
			it->value = (const uint8_t *)lua_tolstring(L, -1, &it->len);
		} else if (ty == LUA_TTABLE) {
			lua_Integer tag;
			int isint;

			lua_getfield(L, -1, "tag");
			tag = lua_tointegerx(L, -1, &isint);
			if (!isint || tag < 1 || tag > 0xFF)
				rt_lua_error(L, "rt.rcmd: item %lld: tag must be an integer 1..0xFF",
					     (long long)k);
			lua_pop(L, 1);
			it->tag = (uint8_t)tag;
			if (lua_getfield(L, -1, "value") != LUA_TSTRING)
				rt_lua_error(L, "rt.rcmd: item %lld: value must be a byte string",
					     (long long)k);
			it->value = (const uint8_t *)lua_tolstring(L, -1, &it->len);
			lua_pop(L, 1);
		} else {
			rt_lua_error(L, "rt.rcmd: item %lld must be an APDU string or {tag, value}",
				     (long long)k);
		}
		lua_pop(L, 1);
	}
}

/* Builds the script and pushes it (frees before raising). */
static int l_rcmd_push_script(lua_State *L, uint8_t tag, const struct rt_rcmd_item *items,
			      size_t n)
{
	struct rt_err err = { 0 };
	struct rt_buf b;
	int rc;

	rt_buf_init(&b, L_RCMD_OUT_MAX);
	rc = rt_rcmd_script_build(tag, items, n, &b, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.rcmd: %s", err.msg);
	return 1;
}

/* rt.rcmd.command(items [, opts]) -> bytes  [-(1|2), +1, e]
 * items: list of C-APDU strings (each becomes TLV 22) or {tag = int, value = bytes}.
 * opts: { indefinite = bool (AE 80 … 00 00 instead of AA), chaining = 0x01|0x11|0x02|0x03
 *         (prepends 83 01 xx) }. */
static int l_rcmd_command(lua_State *L)
{
	lua_Integer chain = rt_lua_opt_int(L, 2, "chaining", -1, 0, 0xFF);
	int indef = rt_lua_opt_bool(L, 2, "indefinite", 0);
	struct rt_rcmd_item *items;
	uint8_t cv;
	size_t n = 0;

	lua_settop(L, 2); /* the item array goes above the arguments */
	items = lua_newuserdatauv(L, sizeof(*items) * RT_RCMD_ITEMS_MAX, 0);

	if (chain >= 0) {
		cv = (uint8_t)chain;
		items[0].tag = RT_RCMD_TAG_CHAINING;
		items[0].value = &cv;
		items[0].len = 1;
		n = 1;
	}
	l_rcmd_items(L, 1, RT_RCMD_TAG_CAPDU, items, &n);
	return l_rcmd_push_script(L, indef ? RT_RCMD_TAG_CMD_INDEF : RT_RCMD_TAG_CMD_DEF, items, n);
}

/* rt.rcmd.response(items [, opts]) -> bytes  [-(1|2), +1, e]
 * items: list of R-APDU strings (TLV 23) or {tag, value}. opts: { indefinite = bool (AF),
 * executed = 0..255 (prepends 80 01 n), bad_format = bytes (appends 90) }. */
static int l_rcmd_response(lua_State *L)
{
	lua_Integer executed = rt_lua_opt_int(L, 2, "executed", -1, 0, 0xFF);
	int indef = rt_lua_opt_bool(L, 2, "indefinite", 0);
	struct rt_rcmd_item *items;
	uint8_t ev;
	size_t n = 0;

	lua_settop(L, 2);
	items = lua_newuserdatauv(L, sizeof(*items) * RT_RCMD_ITEMS_MAX, 0);

	if (executed >= 0) {
		ev = (uint8_t)executed;
		items[0].tag = RT_RCMD_TAG_EXECUTED;
		items[0].value = &ev;
		items[0].len = 1;
		n = 1;
	}
	l_rcmd_items(L, 1, RT_RCMD_TAG_RAPDU, items, &n);
	if (!lua_isnoneornil(L, 2) && lua_getfield(L, 2, "bad_format") != LUA_TNIL) {
		if (!lua_isstring(L, -1))
			return rt_lua_error(L, "rt.rcmd: field 'bad_format' must be a byte string");
		if (n >= RT_RCMD_ITEMS_MAX)
			return rt_lua_error(L, "rt.rcmd: more than %d TLVs", RT_RCMD_ITEMS_MAX);
		items[n].tag = RT_RCMD_TAG_BAD_FORMAT;
		items[n].value = (const uint8_t *)lua_tolstring(L, -1, &items[n].len);
		n++;
	}
	return l_rcmd_push_script(L, indef ? RT_RCMD_TAG_RSP_INDEF : RT_RCMD_TAG_RSP_DEF, items, n);
}

/* Pushes the common part of a parsed script; leaves the table on the stack. */
static void l_rcmd_push_common(lua_State *L, const struct rt_rcmd_script *s)
{
	size_t i;

	lua_createtable(L, 0, 10);
	lua_pushinteger(L, s->tag);
	lua_setfield(L, -2, "tag");
	lua_pushboolean(L, s->indefinite);
	lua_setfield(L, -2, "indefinite");
	lua_pushinteger(L, (lua_Integer)s->total_len);
	lua_setfield(L, -2, "size");
	lua_createtable(L, (int)s->n, 0);
	for (i = 0; i < s->n; i++) {
		lua_createtable(L, 0, 3);
		lua_pushinteger(L, s->item[i].tag);
		lua_setfield(L, -2, "tag");
		lua_pushlstring(L, (const char *)s->item[i].value, s->item[i].len);
		lua_setfield(L, -2, "value");
		lua_pushinteger(L, (lua_Integer)s->item[i].offset);
		lua_setfield(L, -2, "offset");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "items");
	if (s->immediate >= 0) {
		lua_pushlstring(L, (const char *)s->item[s->immediate].value,
				s->item[s->immediate].len);
		lua_setfield(L, -2, "immediate");
	}
}

/* Parses into a userdata script (about 8 KiB, left on the stack, collected by Lua). */
static struct rt_rcmd_script *l_rcmd_parse(lua_State *L, int cmd)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	unsigned flags = rt_lua_opt_bool(L, 2, "trailing", 0) ? RT_RCMD_F_TRAILING : 0;
	struct rt_rcmd_script *sc;
	struct rt_err err = { 0 };
	int rc;

	lua_settop(L, 2);
	sc = lua_newuserdatauv(L, sizeof(*sc), 0);

	rc = cmd ? rt_rcmd_cmd_parse((const uint8_t *)s, n, flags, sc, &err)
		 : rt_rcmd_resp_parse((const uint8_t *)s, n, flags, sc, &err);
	if (rc)
		rt_lua_error(L, "rt.rcmd: %s", err.msg);
	return sc;
}

/* rt.rcmd.parse_command(bytes [, {trailing = bool}]) -> script  [-(1|2), +1, e]
 * script = { tag, indefinite, size, items = {{tag, value, offset}...}, apdus = {bytes...},
 *            chaining = int|nil, immediate = bytes|nil, error_action = bytes|nil }. */
static int l_rcmd_parse_command(lua_State *L)
{
	struct rt_rcmd_script *s = l_rcmd_parse(L, 1);
	lua_Integer k = 0;
	size_t i;

	l_rcmd_push_common(L, s);
	lua_newtable(L);
	for (i = 0; i < s->n; i++) {
		if (s->item[i].tag == RT_RCMD_TAG_CAPDU) {
			lua_pushlstring(L, (const char *)s->item[i].value, s->item[i].len);
			lua_rawseti(L, -2, ++k);
		} else if (s->item[i].tag == RT_RCMD_TAG_ERROR_ACTION) {
			lua_pushlstring(L, (const char *)s->item[i].value, s->item[i].len);
			lua_setfield(L, -3, "error_action");
		}
	}
	lua_setfield(L, -2, "apdus");
	if (s->chaining >= 0) {
		lua_pushinteger(L, s->chaining);
		lua_setfield(L, -2, "chaining");
	}
	return 1;
}

/* rt.rcmd.parse_response(bytes [, {trailing = bool}]) -> script  [-(1|2), +1, e]
 * script = { tag, indefinite, size, items, executed = int, rapdus = {bytes...},
 *            last_sw = int|nil (SW of the last R-APDU), bad_format = bytes|nil,
 *            immediate = bytes|nil }. */
static int l_rcmd_parse_response(lua_State *L)
{
	struct rt_rcmd_script *s = l_rcmd_parse(L, 0);
	lua_Integer k = 0;
	size_t i;

	l_rcmd_push_common(L, s);
	lua_pushinteger(L, s->executed);
	lua_setfield(L, -2, "executed");
	lua_newtable(L);
	for (i = 0; i < s->n; i++) {
		const struct rt_rcmd_item *it = &s->item[i];

		if (it->tag == RT_RCMD_TAG_RAPDU) {
			lua_pushlstring(L, (const char *)it->value, it->len);
			lua_rawseti(L, -2, ++k);
			lua_pushinteger(L, it->value[it->len - 2] << 8 | it->value[it->len - 1]);
			lua_setfield(L, -3, "last_sw");
		}
	}
	lua_setfield(L, -2, "rapdus");
	if (s->bad_format >= 0) {
		lua_pushlstring(L, (const char *)s->item[s->bad_format].value,
				s->item[s->bad_format].len);
		lua_setfield(L, -2, "bad_format");
	}
	return 1;
}

/* rt.rcmd.compact_split(bytes) -> {apdu, ...}  [-1, +1, e]
 * Splits compact-format commands (P3 = Lc except for the Le-only instructions B0 B2 C0
 * CA F2 12 84). */
static int l_rcmd_compact_split(lua_State *L)
{
	size_t n, cnt, i;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_rcmd_item *items = lua_newuserdatauv(L, sizeof(*items) * RT_RCMD_ITEMS_MAX, 0);
	struct rt_err err = { 0 };

	if (rt_rcmd_compact_split((const uint8_t *)s, n, items, RT_RCMD_ITEMS_MAX, &cnt, &err))
		return rt_lua_error(L, "rt.rcmd: %s", err.msg);
	lua_createtable(L, (int)cnt, 0);
	for (i = 0; i < cnt; i++) {
		lua_pushlstring(L, (const char *)items[i].value, items[i].len);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* rt.rcmd.compact_response(bytes) -> {executed = int, sw = int, data = bytes}  [-1, +1, e] */
static int l_rcmd_compact_response(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_rcmd_compact_resp r;
	struct rt_err err = { 0 };

	if (rt_rcmd_compact_resp_parse((const uint8_t *)s, n, &r, &err))
		return rt_lua_error(L, "rt.rcmd: %s", err.msg);
	lua_createtable(L, 0, 3);
	lua_pushinteger(L, r.executed);
	lua_setfield(L, -2, "executed");
	lua_pushinteger(L, r.sw);
	lua_setfield(L, -2, "sw");
	lua_pushlstring(L, (const char *)r.data, r.data_len);
	lua_setfield(L, -2, "data");
	return 1;
}

/* rt.rcmd.compact_response_build{executed = int, sw = int, data = bytes|nil} -> bytes
 * [-1, +1, e] */
static int l_rcmd_compact_response_build(lua_State *L)
{
	lua_Integer ex, sw;
	const char *d = NULL;
	size_t dl = 0;
	struct rt_err err = { 0 };
	struct rt_buf b;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	ex = rt_lua_opt_int(L, 1, "executed", -1, 0, 0xFF);
	sw = rt_lua_opt_int(L, 1, "sw", -1, 0, 0xFFFF);
	if (ex < 0 || sw < 0)
		return rt_lua_error(L, "rt.rcmd: compact_response_build needs executed and sw");
	if (lua_getfield(L, 1, "data") != LUA_TNIL) {
		if (!lua_isstring(L, -1))
			return rt_lua_error(L, "rt.rcmd: field 'data' must be a byte string");
		d = lua_tolstring(L, -1, &dl);
	}
	rt_buf_init(&b, L_RCMD_OUT_MAX);
	rc = rt_rcmd_compact_resp_build((uint8_t)ex, (uint16_t)sw, (const uint8_t *)d, dl, &b, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.rcmd: %s", err.msg);
	return 1;
}

/* rt.rcmd.chaining_name(v) -> string | nil  [-1, +1, e] */
static int l_rcmd_chaining_name(lua_State *L)
{
	lua_Integer v = luaL_checkinteger(L, 1);
	const char *s = (v >= 0 && v <= 0xFF) ? rt_rcmd_chaining_name((uint8_t)v) : NULL;

	if (s)
		lua_pushstring(L, s);
	else
		lua_pushnil(L);
	return 1;
}

static const luaL_Reg l_rcmd_funcs[] = {
	{ "command", l_rcmd_command },
	{ "response", l_rcmd_response },
	{ "parse_command", l_rcmd_parse_command },
	{ "parse_response", l_rcmd_parse_response },
	{ "compact_split", l_rcmd_compact_split },
	{ "compact_response", l_rcmd_compact_response },
	{ "compact_response_build", l_rcmd_compact_response_build },
	{ "chaining_name", l_rcmd_chaining_name },
	{ NULL, NULL },
};

/* require "rt.rcmd" -> module table  [-0, +1, m] */
int luaopen_rt_rcmd(lua_State *L)
{
	luaL_newlib(L, l_rcmd_funcs);
	return 1;
}
