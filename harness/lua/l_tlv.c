/* SPDX-License-Identifier: Apache-2.0 */
/* l_tlv — the rt.tlv Lua module: BER-TLV parse, find and encode over Lua strings.
 *
 * Thin binding over codec/rt_tlv (the rules live there). Bytes in and out are Lua
 * strings; tags are integers holding the tag bytes big-endian (0x9F70, 0xBF3E).
 * Decoding errors are raised with the codec's message (tag and offset). Nothing is
 * allocated with malloc here, so a raised error cannot leak. */
#include <lauxlib.h>
#include <lua.h>

#include "codec/rt_tlv.h"
#include "lua/rt_lua_args.h"
#include "lua/rt_lua_modules.h"

/* Decoder flags from an optional options table at index idx: { padding = bool }. */
static unsigned l_tlv_flags(lua_State *L, int idx)
{
	unsigned flags = 0;

	if (lua_isnoneornil(L, idx))
		return 0;
	luaL_checktype(L, idx, LUA_TTABLE);
	if (lua_getfield(L, idx, "padding") != LUA_TNIL && lua_toboolean(L, -1))
		flags |= RT_TLV_F_PADDING;
	lua_pop(L, 1);
	return flags;
}

/* Tag argument: an integer 1..FFFFFF that is a well-formed 1-3 byte BER tag. */
static uint32_t l_tlv_checktag(lua_State *L, int arg)
{
	lua_Integer t = luaL_checkinteger(L, arg);
	struct rt_err err = { 0 };
	size_t n;

	if (t <= 0 || t > 0xFFFFFF)
		luaL_argerror(L, arg, "tag must be 1..0xFFFFFF (tag bytes big-endian)");
	if (rt_tlv_tag_size((uint32_t)t, &n, &err))
		luaL_argerror(L, arg, err.msg);
	return (uint32_t)t;
}

/* Element k of a tag path (the value on top of the stack); raises naming k. */
static uint32_t l_tlv_pathtag(lua_State *L, lua_Integer k)
{
	struct rt_err err = { 0 };
	lua_Integer t;
	size_t n;
	int isint;

	t = lua_tointegerx(L, -1, &isint);
	if (!isint || t <= 0 || t > 0xFFFFFF)
		luaL_error(L, "rt.tlv.find: path[%d] is not a tag 1..0xFFFFFF", (int)k);
	if (rt_tlv_tag_size((uint32_t)t, &n, &err))
		luaL_error(L, "rt.tlv.find: path[%d]: %s", (int)k, err.msg);
	return (uint32_t)t;
}

/* 1 when the iterator's sequence is well formed at its own level (no descent). */
static int l_tlv_level_ok(struct rt_tlv_iter it, struct rt_err *err)
{
	struct rt_tlv t;

	while (!rt_tlv_iter_done(&it))
		if (rt_tlv_next(&it, &t, err))
			return 0;
	return 1;
}

/* Pushes the list of TLVs of the sequence it walks; with recurse it descends into
 * constructed values (strict: a value that is not a TLV sequence raises; otherwise it
 * gets children = nil and children_error = message). [-0, +1, e] */
static void l_tlv_push_seq(lua_State *L, struct rt_tlv_iter *it, int recurse, int strict)
{
	struct rt_err err = { 0 };
	lua_Integer i = 0;

	/* One level of nesting costs a few slots; depth is capped by RT_TLV_MAX_DEPTH. */
	luaL_checkstack(L, 4, "rt.tlv.parse: nesting too deep");
	lua_newtable(L);
	while (!rt_tlv_iter_done(it)) {
		struct rt_tlv t;

		if (rt_tlv_next(it, &t, &err))
			luaL_error(L, "rt.tlv.parse: %s", err.msg);
		lua_createtable(L, 0, 7);
		lua_pushinteger(L, (lua_Integer)t.tag);
		lua_setfield(L, -2, "tag");
		lua_pushboolean(L, t.constructed);
		lua_setfield(L, -2, "constructed");
		lua_pushboolean(L, t.indefinite);
		lua_setfield(L, -2, "indefinite");
		lua_pushlstring(L, (const char *)t.value, t.len);
		lua_setfield(L, -2, "value");
		lua_pushinteger(L, (lua_Integer)t.offset);
		lua_setfield(L, -2, "offset");
		lua_pushinteger(L, (lua_Integer)t.total_len);
		lua_setfield(L, -2, "size");
		if (t.constructed && recurse) {
			struct rt_tlv_iter sub;

			/* t is constructed, so this cannot fail. */
			(void)rt_tlv_iter_init_children(&sub, &t, it->depth, it->flags, &err);
			/* Some constructed-bit tags hold opaque bytes (TS 102 226 22/23 hold
			 * raw APDUs), so a value that is not TLVs is not an error by default. */
			if (strict || l_tlv_level_ok(sub, &err)) {
				l_tlv_push_seq(L, &sub, recurse, strict);
				lua_setfield(L, -2, "children");
			} else {
				lua_pushstring(L, err.msg);
				lua_setfield(L, -2, "children_error");
			}
		}
		lua_rawseti(L, -2, ++i);
	}
}

/* rt.tlv.parse(bytes [, opts]) -> list  [-(1|2), +1, e]
 * list[i] = { tag = int, constructed = bool, indefinite = bool, value = bytes,
 *             offset = int (0-based, in bytes), size = int (whole TLV),
 *             children = list | nil, children_error = string | nil }.
 * Constructed values are parsed recursively into children; when a constructed value is
 * not a TLV sequence (TS 102 226 tags 22/23 carry raw APDUs), children is nil and
 * children_error says why, unless opts.strict is set, which raises instead.
 * opts: { padding = bool (skip 00/FF filler), recurse = bool (default true),
 *         strict = bool (default false) }.
 * Raises "rt.tlv.parse: tag 9F70 at offset 12: value truncated (...)" on bad bytes. */
static int l_tlv_parse(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	unsigned flags = l_tlv_flags(L, 2);
	int recurse = rt_lua_opt_bool(L, 2, "recurse", 1);
	int strict = rt_lua_opt_bool(L, 2, "strict", 0);
	struct rt_tlv_iter it;

	rt_tlv_iter_init(&it, (const uint8_t *)s, n, flags);
	l_tlv_push_seq(L, &it, recurse, strict);
	return 1;
}

/* rt.tlv.find(bytes, tag | {tag, tag, ...} [, opts]) -> value | nil  [-(2|3), +1, e]
 * First top-level TLV with tag (or the path through nested constructed TLVs); nil when
 * absent. Raises when the bytes are malformed before the match. opts as parse. */
static int l_tlv_find(lua_State *L)
{
	size_t n, np = 0;
	const char *s = luaL_checklstring(L, 1, &n);
	unsigned flags = l_tlv_flags(L, 3);
	uint32_t path[RT_TLV_MAX_DEPTH];
	struct rt_err err = { 0 };
	struct rt_tlv t;
	int rc;

	if (lua_istable(L, 2)) {
		lua_Integer k, cnt = (lua_Integer)luaL_len(L, 2);

		if (cnt < 1 || cnt > RT_TLV_MAX_DEPTH)
			return luaL_argerror(L, 2, "path must hold 1..32 tags");
		for (k = 1; k <= cnt; k++) {
			lua_geti(L, 2, k);
			path[np++] = l_tlv_pathtag(L, k);
			lua_pop(L, 1);
		}
	} else {
		path[np++] = l_tlv_checktag(L, 2);
	}
	rc = rt_tlv_find_path((const uint8_t *)s, n, path, np, flags, &t, &err);
	if (rc == RT_ENOENT) {
		lua_pushnil(L);
		return 1;
	}
	if (rc)
		return luaL_error(L, "rt.tlv.find: %s", err.msg);
	lua_pushlstring(L, (const char *)t.value, t.len);
	return 1;
}

/* rt.tlv.encode(tag, value [, opts]) -> bytes  [-(2|3), +1, e]
 * tag + minimal length + value. opts: { indefinite = bool } writes tag 80 value 00 00
 * (constructed tags only; TS 102 226 AE/AF scripts). */
static int l_tlv_encode(lua_State *L)
{
	uint32_t tag = l_tlv_checktag(L, 1);
	size_t vlen, tn, ln = 0;
	const char *v = luaL_checklstring(L, 2, &vlen);
	uint8_t hdr[RT_TLV_TAG_MAX + RT_TLV_LEN_MAX];
	struct rt_err err = { 0 };
	luaL_Buffer b;
	int indef;

	if (!lua_isnoneornil(L, 3))
		luaL_checktype(L, 3, LUA_TTABLE);
	indef = rt_lua_opt_bool(L, 3, "indefinite", 0);
	(void)rt_tlv_tag_encode(tag, hdr, &tn, &err); /* checked by l_tlv_checktag */
	if (indef) {
		/* X.690 8.1.3.2 a): indefinite form only for constructed tags. */
		if (!(hdr[0] & 0x20))
			return luaL_argerror(L, 1, "indefinite length needs a constructed tag");
		hdr[tn] = 0x80;
		ln = 1;
	} else if (rt_tlv_len_encode(vlen, hdr + tn, &ln, &err)) {
		return luaL_error(L, "rt.tlv.encode: %s", err.msg);
	}
	luaL_buffinit(L, &b);
	luaL_addlstring(&b, (const char *)hdr, tn + ln);
	luaL_addlstring(&b, v, vlen);
	if (indef)
		luaL_addlstring(&b, "\0\0", 2);
	luaL_pushresult(&b);
	return 1;
}

/* rt.tlv.length(n) -> bytes  [-1, +1, e]
 * Minimal BER length field for n (0..0xFFFFFFFF): 05, 81 80, 82 01 00, ... */
static int l_tlv_length(lua_State *L)
{
	lua_Integer n = luaL_checkinteger(L, 1);
	uint8_t out[RT_TLV_LEN_MAX];
	size_t ln;

	if (n < 0 || (lua_Unsigned)n > RT_TLV_VALUE_MAX)
		return luaL_argerror(L, 1, "length must be 0..0xFFFFFFFF");
	(void)rt_tlv_len_encode((size_t)n, out, &ln, NULL);
	lua_pushlstring(L, (const char *)out, ln);
	return 1;
}

static const luaL_Reg l_tlv_funcs[] = {
	{ "parse", l_tlv_parse },
	{ "find", l_tlv_find },
	{ "encode", l_tlv_encode },
	{ "length", l_tlv_length },
	{ NULL, NULL },
};

/* require "rt.tlv" -> module table  [-0, +1, m] */
int luaopen_rt_tlv(lua_State *L)
{
	luaL_newlib(L, l_tlv_funcs);
	return 1;
}
