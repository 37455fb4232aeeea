/* SPDX-License-Identifier: Apache-2.0 */
/* l_scp81 — the rt.scp81 Lua module: SCP81 PSK identity, admin HTTP header values and
 * the SMS trigger TLV (GP Amd B, SGP.02 §2.4.4).
 *
 * Thin binding over codec/rt_scp81. Header tables and media types are exported as
 * module fields so test steps can use the same strings the checker knows. */
#include <lauxlib.h>
#include <lua.h>
#include <string.h>

#include "codec/rt_scp81.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"

static lua_Integer l_scp81_int(lua_State *L, int idx, const char *name, lua_Integer dflt,
			       lua_Integer min, lua_Integer max)
{
	lua_Integer v = dflt;
	int isint;

	if (lua_getfield(L, idx, name) != LUA_TNIL) {
		v = lua_tointegerx(L, -1, &isint);
		if (!isint || v < min || v > max)
			rt_lua_error(L, "rt.scp81: field '%s' must be an integer %lld..%lld", name,
				     (long long)min, (long long)max);
	}
	lua_pop(L, 1);
	return v;
}

/* Byte-string field (NULL when absent); the string stays referenced by the table. */
static const uint8_t *l_scp81_bytes(lua_State *L, int idx, const char *name, size_t *len)
{
	const char *s = NULL;

	*len = 0;
	if (lua_getfield(L, idx, name) != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TSTRING)
			rt_lua_error(L, "rt.scp81: field '%s' must be a byte string", name);
		s = lua_tolstring(L, -1, len);
	}
	lua_pop(L, 1);
	return (const uint8_t *)s;
}

static const uint8_t *l_scp81_checkaid(lua_State *L, int arg, size_t *n)
{
	const char *a = luaL_checklstring(L, arg, n);

	luaL_argcheck(L, *n >= RT_SCP81_AID_MIN && *n <= RT_SCP81_AID_MAX, arg,
		      "AID must be 5..16 bytes");
	return (const uint8_t *)a;
}

/* rt.scp81.psk_identity{eid = 16 bytes, aid = bytes, key_id = int, kvn = int,
 *                       format = 2} -> string (ASCII hex of the TLV)  [-1, +1, e] */
static int l_scp81_psk_identity(lua_State *L)
{
	struct rt_scp81_pskid p;
	char out[RT_SCP81_PSKID_HEX_MAX];
	const uint8_t *eid, *aid;
	struct rt_err err = { 0 };
	size_t n;

	luaL_checktype(L, 1, LUA_TTABLE);
	memset(&p, 0, sizeof(p));
	eid = l_scp81_bytes(L, 1, "eid", &n);
	if (!eid || n != RT_SCP81_EID_LEN)
		return rt_lua_error(L, "rt.scp81.psk_identity: eid must be 16 bytes");
	memcpy(p.eid, eid, n);
	aid = l_scp81_bytes(L, 1, "aid", &n);
	if (!aid || n < RT_SCP81_AID_MIN || n > RT_SCP81_AID_MAX)
		return rt_lua_error(L, "rt.scp81.psk_identity: aid must be 5..16 bytes");
	memcpy(p.aid, aid, n);
	p.aid_len = n;
	p.format = (uint8_t)l_scp81_int(L, 1, "format", 2, 0, 0xFF);
	p.key_id = (uint8_t)l_scp81_int(L, 1, "key_id", 1, 0, 0xFF);
	p.kvn = (uint8_t)l_scp81_int(L, 1, "kvn", 0x40, 0, 0xFF);
	if (rt_scp81_pskid_build(&p, out, sizeof(out), &err))
		return rt_lua_error(L, "rt.scp81.psk_identity: %s", err.msg);
	lua_pushstring(L, out);
	return 1;
}

/* rt.scp81.parse_psk_identity(text) -> {format, eid, aid, key_id, kvn}  [-1, +1, e] */
static int l_scp81_parse_psk_identity(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_scp81_pskid p;
	struct rt_err err = { 0 };

	if (rt_scp81_pskid_parse(s, n, &p, &err))
		return rt_lua_error(L, "rt.scp81.parse_psk_identity: %s", err.msg);
	lua_createtable(L, 0, 5);
	lua_pushinteger(L, p.format);
	lua_setfield(L, -2, "format");
	lua_pushlstring(L, (const char *)p.eid, RT_SCP81_EID_LEN);
	lua_setfield(L, -2, "eid");
	lua_pushlstring(L, (const char *)p.aid, p.aid_len);
	lua_setfield(L, -2, "aid");
	lua_pushinteger(L, p.key_id);
	lua_setfield(L, -2, "key_id");
	lua_pushinteger(L, p.kvn);
	lua_setfield(L, -2, "kvn");
	return 1;
}

/* rt.scp81.check_header(name, value, "card" | "server") -> true | false, reason
 * [-3, +(1|2), e]  "card" = sent by the card (POST), "server" = sent by the admin
 * server. An unknown header name is false with a reason too. */
static int l_scp81_check_header(lua_State *L)
{
	static const char *const dirs[] = { "card", "server", NULL };
	const char *name = luaL_checkstring(L, 1);
	const char *value = luaL_checkstring(L, 2);
	int d = luaL_checkoption(L, 3, NULL, dirs);
	struct rt_err err = { 0 };

	if (rt_scp81_header_check(name, value, d == 0 ? RT_SCP81_CARD_TO_SERVER
						      : RT_SCP81_SERVER_TO_CARD, &err)) {
		lua_pushboolean(L, 0);
		lua_pushstring(L, err.msg);
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* rt.scp81.targeted_application(aid) -> "//aid/RID/PIX"  [-1, +1, e] */
static int l_scp81_targeted_application(lua_State *L)
{
	size_t n;
	const uint8_t *aid = l_scp81_checkaid(L, 1, &n);
	char out[RT_SCP81_HDR_VALUE_MAX];
	struct rt_err err = { 0 };

	if (rt_scp81_targeted_app(aid, n, out, sizeof(out), &err))
		return rt_lua_error(L, "rt.scp81.targeted_application: %s", err.msg);
	lua_pushstring(L, out);
	return 1;
}

/* rt.scp81.parse_targeted_application(text) -> aid  [-1, +1, e] */
static int l_scp81_parse_targeted_application(lua_State *L)
{
	const char *s = luaL_checkstring(L, 1);
	uint8_t aid[RT_SCP81_AID_MAX];
	struct rt_err err = { 0 };
	size_t n;

	if (rt_scp81_targeted_app_parse(s, aid, &n, &err))
		return rt_lua_error(L, "rt.scp81.parse_targeted_application: %s", err.msg);
	lua_pushlstring(L, (const char *)aid, n);
	return 1;
}

/* rt.scp81.admin_from(eid, aid) -> "//se-id/eid/<EID>;//aa-id/aid/<RID>/<PIX>"
 * [-2, +1, e] */
static int l_scp81_admin_from(lua_State *L)
{
	size_t el, al;
	const char *eid = luaL_checklstring(L, 1, &el);
	const uint8_t *aid = l_scp81_checkaid(L, 2, &al);
	char out[RT_SCP81_HDR_VALUE_MAX];
	struct rt_err err = { 0 };

	luaL_argcheck(L, el == RT_SCP81_EID_LEN, 1, "EID must be 16 bytes");
	if (rt_scp81_admin_from((const uint8_t *)eid, aid, al, out, sizeof(out), &err))
		return rt_lua_error(L, "rt.scp81.admin_from: %s", err.msg);
	lua_pushstring(L, out);
	return 1;
}

/* rt.scp81.parse_admin_from(text) -> eid, aid  [-1, +2, e] */
static int l_scp81_parse_admin_from(lua_State *L)
{
	const char *s = luaL_checkstring(L, 1);
	uint8_t eid[RT_SCP81_EID_LEN], aid[RT_SCP81_AID_MAX];
	struct rt_err err = { 0 };
	size_t n;

	if (rt_scp81_admin_from_parse(s, eid, aid, &n, &err))
		return rt_lua_error(L, "rt.scp81.parse_admin_from: %s", err.msg);
	lua_pushlstring(L, (const char *)eid, sizeof(eid));
	lua_pushlstring(L, (const char *)aid, n);
	return 2;
}

static void l_scp81_setbytes(lua_State *L, const char *k, const struct rt_scp81_bytes *b)
{
	if (!b->ptr)
		return;
	lua_pushlstring(L, (const char *)b->ptr, b->len);
	lua_setfield(L, -2, k);
}

/* rt.scp81.trigger(t) -> bytes  [-1, +1, e]
 * t = { session = bool (write 83 even when empty), conn = bytes (84), psk_id = bytes,
 *       kvn, kid, sha_type (85, written when psk_id is given), ext_security = bytes (A5),
 *       retry = {counter = int, delay = 5 bytes, report = bytes} (86),
 *       http = bool (write 89 even when empty), host, agent_id, uri (8A 8B 8C),
 *       dns = bytes (B3) }. {} gives 81 00 (use the defaults). */
static int l_scp81_trigger(lua_State *L)
{
	struct rt_scp81_trigger t;
	struct rt_err err = { 0 };
	struct rt_buf b;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	memset(&t, 0, sizeof(t));
	t.sha_type = -1;
	lua_getfield(L, 1, "session");
	t.has_session = lua_toboolean(L, -1);
	lua_getfield(L, 1, "http");
	t.has_http = lua_toboolean(L, -1);
	lua_pop(L, 2);
	t.conn.ptr = l_scp81_bytes(L, 1, "conn", &t.conn.len);
	t.psk_id.ptr = l_scp81_bytes(L, 1, "psk_id", &t.psk_id.len);
	if (t.psk_id.ptr) {
		t.has_security = 1;
		t.kvn = (uint8_t)l_scp81_int(L, 1, "kvn", 0x40, 0, 0xFF);
		t.kid = (uint8_t)l_scp81_int(L, 1, "kid", 1, 0, 0xFF);
		t.sha_type = (int)l_scp81_int(L, 1, "sha_type", -1, 0, 0xFF);
	}
	t.ext_security.ptr = l_scp81_bytes(L, 1, "ext_security", &t.ext_security.len);
	if (lua_getfield(L, 1, "retry") == LUA_TTABLE) {
		int r = lua_gettop(L);
		size_t dl;
		const uint8_t *d = l_scp81_bytes(L, r, "delay", &dl);

		t.has_retry = 1;
		t.retry_counter = (uint16_t)l_scp81_int(L, r, "counter", 0, 0, 0xFFFF);
		if (d && dl != 5)
			return rt_lua_error(L, "rt.scp81.trigger: retry.delay must be 5 bytes");
		if (d)
			memcpy(t.retry_delay, d, 5);
		t.retry_report.ptr = l_scp81_bytes(L, r, "report", &t.retry_report.len);
	}
	lua_pop(L, 1);
	t.host.ptr = l_scp81_bytes(L, 1, "host", &t.host.len);
	t.agent_id.ptr = l_scp81_bytes(L, 1, "agent_id", &t.agent_id.len);
	t.uri.ptr = l_scp81_bytes(L, 1, "uri", &t.uri.len);
	t.dns.ptr = l_scp81_bytes(L, 1, "dns", &t.dns.len);
	rt_buf_init(&b, 16384);
	rc = rt_scp81_trigger_build(&t, &b, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.scp81.trigger: %s", err.msg);
	return 1;
}

/* rt.scp81.parse_trigger(bytes) -> t  [-1, +1, e]
 * t uses the field names of rt.scp81.trigger; session/http are booleans saying whether
 * 83/89 were present; retry = {counter, delay, report} when 86 was present. */
static int l_scp81_parse_trigger(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_scp81_trigger t;
	struct rt_err err = { 0 };

	if (rt_scp81_trigger_parse((const uint8_t *)s, n, &t, &err))
		return rt_lua_error(L, "rt.scp81.parse_trigger: %s", err.msg);
	lua_createtable(L, 0, 14);
	lua_pushboolean(L, t.has_session);
	lua_setfield(L, -2, "session");
	lua_pushboolean(L, t.has_http);
	lua_setfield(L, -2, "http");
	l_scp81_setbytes(L, "conn", &t.conn);
	if (t.has_security) {
		l_scp81_setbytes(L, "psk_id", &t.psk_id);
		lua_pushinteger(L, t.kvn);
		lua_setfield(L, -2, "kvn");
		lua_pushinteger(L, t.kid);
		lua_setfield(L, -2, "kid");
		if (t.sha_type >= 0) {
			lua_pushinteger(L, t.sha_type);
			lua_setfield(L, -2, "sha_type");
		}
	}
	l_scp81_setbytes(L, "ext_security", &t.ext_security);
	if (t.has_retry) {
		lua_createtable(L, 0, 3);
		lua_pushinteger(L, t.retry_counter);
		lua_setfield(L, -2, "counter");
		lua_pushlstring(L, (const char *)t.retry_delay, 5);
		lua_setfield(L, -2, "delay");
		l_scp81_setbytes(L, "report", &t.retry_report);
		lua_setfield(L, -2, "retry");
	}
	l_scp81_setbytes(L, "host", &t.host);
	l_scp81_setbytes(L, "agent_id", &t.agent_id);
	l_scp81_setbytes(L, "uri", &t.uri);
	l_scp81_setbytes(L, "dns", &t.dns);
	return 1;
}

static const luaL_Reg l_scp81_funcs[] = {
	{ "psk_identity", l_scp81_psk_identity },
	{ "parse_psk_identity", l_scp81_parse_psk_identity },
	{ "check_header", l_scp81_check_header },
	{ "targeted_application", l_scp81_targeted_application },
	{ "parse_targeted_application", l_scp81_parse_targeted_application },
	{ "admin_from", l_scp81_admin_from },
	{ "parse_admin_from", l_scp81_parse_admin_from },
	{ "trigger", l_scp81_trigger },
	{ "parse_trigger", l_scp81_parse_trigger },
	{ NULL, NULL },
};

/* require "rt.scp81" -> module table  [-0, +1, m]
 * Also: PROTOCOL, CT_COMMAND, CT_RESPONSE (strings), headers = {{name, card = bool,
 * server = bool, what}...}, script_status = {"ok", ...}. */
int luaopen_rt_scp81(lua_State *L)
{
	size_t i;

	luaL_newlib(L, l_scp81_funcs);
	lua_pushstring(L, RT_SCP81_PROTOCOL);
	lua_setfield(L, -2, "PROTOCOL");
	lua_pushstring(L, RT_SCP81_CT_COMMAND);
	lua_setfield(L, -2, "CT_COMMAND");
	lua_pushstring(L, RT_SCP81_CT_RESPONSE);
	lua_setfield(L, -2, "CT_RESPONSE");
	lua_newtable(L);
	for (i = 0; rt_scp81_headers[i].name; i++) {
		lua_createtable(L, 0, 4);
		lua_pushstring(L, rt_scp81_headers[i].name);
		lua_setfield(L, -2, "name");
		lua_pushboolean(L, !!(rt_scp81_headers[i].dirs & RT_SCP81_CARD_TO_SERVER));
		lua_setfield(L, -2, "card");
		lua_pushboolean(L, !!(rt_scp81_headers[i].dirs & RT_SCP81_SERVER_TO_CARD));
		lua_setfield(L, -2, "server");
		lua_pushstring(L, rt_scp81_headers[i].what);
		lua_setfield(L, -2, "what");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "headers");
	lua_newtable(L);
	for (i = 0; rt_scp81_script_status[i]; i++) {
		lua_pushstring(L, rt_scp81_script_status[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "script_status");
	return 1;
}
