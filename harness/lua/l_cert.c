/* SPDX-License-Identifier: Apache-2.0 */
/* l_cert — the rt.cert Lua module: SGP.02 GP-style 7F21 certificates (decode, encode,
 * sign, verify, chains) and X.509 chains. Thin binding over codec/rt_gpcert,
 * scp/rt_gpcert_verify and crypto/rt_x509; keys are rt.ec.key userdata.
 *
 * Verification failures are returned, not raised (nil/false, status name, message),
 * because a test case usually wants to assert on them; malformed arguments raise. */
#include <stddef.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "codec/rt_gpcert.h"
#include "crypto/rt_x509.h"
#include "lua/l_ec.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"
#include "scp/rt_gpcert_verify.h"

static void l_cert_setbytes(lua_State *L, const char *k, const struct rt_gpcert_bytes *b)
{
	if (!b->p)
		return;
	lua_pushlstring(L, (const char *)b->p, b->len);
	lua_setfield(L, -2, k);
}

static void l_cert_setint(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

/* rt.cert.decode(bytes [, {any_order, allow_unknown, trailing}]) -> table
 * { serial, ca_id, subject_id, key_usage, key_usage_len, effective (YYYYMMDD or nil),
 *   expiration, image_number, discretionary, cert_type, aki, public_key,
 *   key_param_ref, signature, signed_data, size }. Raises on malformed bytes. */
static int l_cert_decode(lua_State *L)
{
	size_t n, used = 0;
	const char *b = luaL_checklstring(L, 1, &n);
	unsigned flags = 0;
	struct rt_gpcert c;
	struct rt_err err = {0};

	if (lua_istable(L, 2)) {
		if (lua_getfield(L, 2, "any_order") != LUA_TNIL && lua_toboolean(L, -1))
			flags |= RT_GPCERT_F_ANY_ORDER;
		if (lua_getfield(L, 2, "allow_unknown") != LUA_TNIL && lua_toboolean(L, -1))
			flags |= RT_GPCERT_F_ALLOW_UNKNOWN;
		if (lua_getfield(L, 2, "trailing") != LUA_TNIL && lua_toboolean(L, -1))
			flags |= RT_GPCERT_F_TRAILING;
		lua_pop(L, 3);
	}
	if (rt_gpcert_decode((const uint8_t *)b, n, flags, &c, &used, &err))
		return rt_lua_error(L, "rt.cert.decode: %s", err.msg);
	lua_createtable(L, 0, 16);
	l_cert_setbytes(L, "serial", &c.serial);
	l_cert_setbytes(L, "ca_id", &c.ca_id);
	l_cert_setbytes(L, "subject_id", &c.subject_id);
	l_cert_setint(L, "key_usage", c.key_usage);
	l_cert_setint(L, "key_usage_len", (lua_Integer)c.key_usage_len);
	if (c.effective)
		l_cert_setint(L, "effective", c.effective);
	l_cert_setint(L, "expiration", c.expiration);
	l_cert_setbytes(L, "image_number", &c.image_number);
	l_cert_setbytes(L, "discretionary", &c.discretionary);
	if (c.cert_type >= 0)
		l_cert_setint(L, "cert_type", c.cert_type);
	l_cert_setbytes(L, "aki", &c.aki);
	l_cert_setbytes(L, "public_key", &c.public_key);
	if (c.key_param_ref >= 0)
		l_cert_setint(L, "key_param_ref", c.key_param_ref);
	l_cert_setbytes(L, "signature", &c.signature);
	l_cert_setbytes(L, "signed_data", &c.signed_data);
	l_cert_setint(L, "size", (lua_Integer)used);
	return 1;
}

/* Reads a fields table at idx (see rt.cert.encode) into f; byte strings stay owned by
 * the table, which the caller keeps on the stack. */
static void l_cert_fields(lua_State *L, int idx, struct rt_gpcert_fields *f)
{
	static const struct {
		const char *k;
		size_t off;
	} bytes[] = {
		{ "serial", offsetof(struct rt_gpcert_fields, serial) },
		{ "ca_id", offsetof(struct rt_gpcert_fields, ca_id) },
		{ "subject_id", offsetof(struct rt_gpcert_fields, subject_id) },
		{ "image_number", offsetof(struct rt_gpcert_fields, image_number) },
		{ "aki", offsetof(struct rt_gpcert_fields, aki) },
		{ "dd_extra", offsetof(struct rt_gpcert_fields, dd_extra) },
		{ "public_key", offsetof(struct rt_gpcert_fields, public_key) },
	};
	size_t i;

	luaL_checktype(L, idx, LUA_TTABLE);
	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++) {
		struct rt_gpcert_bytes *b = (struct rt_gpcert_bytes *)((char *)f + bytes[i].off);

		if (lua_getfield(L, idx, bytes[i].k) == LUA_TSTRING)
			b->p = (const uint8_t *)lua_tolstring(L, -1, &b->len);
		lua_pop(L, 1); /* the string stays alive in the table */
	}
	lua_getfield(L, idx, "key_usage");
	f->key_usage = (uint32_t)luaL_optinteger(L, -1, 0x88);
	lua_pop(L, 1);
	lua_getfield(L, idx, "key_usage_len");
	f->key_usage_len = (size_t)luaL_optinteger(L, -1, f->key_usage > 0xFF ? 2 : 1);
	lua_pop(L, 1);
	lua_getfield(L, idx, "effective");
	f->effective = (uint32_t)luaL_optinteger(L, -1, 0);
	lua_pop(L, 1);
	lua_getfield(L, idx, "expiration");
	f->expiration = (uint32_t)luaL_optinteger(L, -1, 0);
	lua_pop(L, 1);
	lua_getfield(L, idx, "cert_type");
	f->cert_type = (int)luaL_optinteger(L, -1, -1);
	lua_pop(L, 1);
	lua_getfield(L, idx, "key_param_ref");
	f->key_param_ref = (int)luaL_optinteger(L, -1, -1);
	lua_pop(L, 1);
}

/* rt.cert.encode_tbs(fields) -> bytes (the signed part 93 .. 7F49) */
static int l_cert_encode_tbs(lua_State *L)
{
	struct rt_gpcert_fields f;
	struct rt_buf b;
	struct rt_err err = {0};
	int rc;

	l_cert_fields(L, 1, &f);
	rt_buf_init(&b, RT_GPCERT_MAX);
	rc = rt_gpcert_encode_tbs(&f, &b, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.cert.encode_tbs: %s", err.msg);
	return 1;
}

/* rt.cert.wrap(tbs, signature) -> 7F21 bytes (any signature bytes, for bending) */
static int l_cert_wrap(lua_State *L)
{
	size_t tl, sl;
	const char *t = luaL_checklstring(L, 1, &tl);
	const char *s = luaL_checklstring(L, 2, &sl);
	struct rt_buf b;
	struct rt_err err = {0};
	int rc;

	rt_buf_init(&b, RT_GPCERT_MAX + 16);
	rc = rt_gpcert_wrap((const uint8_t *)t, tl, (const uint8_t *)s, sl, &b, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.cert.wrap: %s", err.msg);
	return 1;
}

/* rt.cert.encode(fields, issuer_key) -> 7F21 bytes, signed (ECDSA-SHA256, r||s).
 * fields: { serial, ca_id, subject_id, key_usage (default 0x88), key_usage_len,
 * effective, expiration (YYYYMMDD integers), image_number, cert_type, aki, dd_extra,
 * public_key, key_param_ref } */
static int l_cert_encode(lua_State *L)
{
	struct rt_gpcert_fields f;
	struct rt_ec_key *issuer = l_ec_checkkey(L, 2);
	struct rt_buf b;
	struct rt_err err = {0};
	int rc;

	l_cert_fields(L, 1, &f);
	rt_buf_init(&b, RT_GPCERT_MAX + 16);
	rc = rt_gpcert_sign(&f, issuer, &b, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.cert.encode: %s", err.msg);
	return 1;
}

/* Policy table at idx: { date, key_usage, cert_type, issuer_id, curve }. */
static void l_cert_policy(lua_State *L, int idx, struct rt_gpcert_policy *p)
{
	rt_gpcert_policy_init(p);
	if (lua_isnoneornil(L, idx))
		return;
	luaL_checktype(L, idx, LUA_TTABLE);
	lua_getfield(L, idx, "date");
	p->date = (uint32_t)luaL_optinteger(L, -1, 0);
	lua_getfield(L, idx, "key_usage");
	p->key_usage = (long)luaL_optinteger(L, -1, -1);
	lua_getfield(L, idx, "cert_type");
	p->cert_type = (int)luaL_optinteger(L, -1, -1);
	lua_pop(L, 3);
	if (lua_getfield(L, idx, "issuer_id") == LUA_TSTRING)
		p->issuer_id = (const uint8_t *)lua_tolstring(L, -1, &p->issuer_id_len);
	lua_pop(L, 1);
	if (lua_getfield(L, idx, "curve") == LUA_TSTRING)
		p->curve = l_ec_checkcurve(L, lua_gettop(L));
	lua_pop(L, 1);
}

/* rt.cert.verify(bytes, issuer_key [, policy]) -> key | nil, status, message
 * policy: { date = YYYYMMDD, key_usage, cert_type, issuer_id, curve }.
 * status: "malformed", "wrong issuer", "bad signature", "expired", "not yet valid",
 * "wrong key usage", "wrong certificate type", "bad certified key". */
static int l_cert_verify(lua_State *L)
{
	size_t n;
	const char *b = luaL_checklstring(L, 1, &n);
	struct rt_ec_key *issuer = l_ec_checkkey(L, 2);
	struct rt_gpcert_policy p;
	struct rt_ec_key *k = NULL;
	enum rt_gpcert_status st = RT_GPCERT_OK;
	struct rt_err err = {0};

	l_cert_policy(L, 3, &p);
	if (rt_gpcert_verify_bytes((const uint8_t *)b, n, issuer, &p, &k, &st, &err)) {
		lua_pushnil(L);
		lua_pushstring(L, rt_gpcert_status_name(st));
		lua_pushstring(L, err.msg);
		return 3;
	}
	l_ec_pushkey(L, k);
	return 1;
}

/* rt.cert.verify_chain({cert, ...}, root_key, root_id | nil, date, leaf_policy | nil)
 *   -> leaf key | nil, status, message, failing index (1-based) */
static int l_cert_verify_chain(lua_State *L)
{
	const uint8_t *certs[8];
	size_t lens[8], n, i, failed = 0;
	struct rt_ec_key *root, *leaf = NULL;
	const char *rid = NULL;
	size_t ridlen = 0;
	uint32_t date;
	struct rt_gpcert_policy p;
	enum rt_gpcert_status st = RT_GPCERT_OK;
	struct rt_err err = {0};

	luaL_checktype(L, 1, LUA_TTABLE);
	root = l_ec_checkkey(L, 2);
	if (!lua_isnoneornil(L, 3))
		rid = luaL_checklstring(L, 3, &ridlen);
	date = (uint32_t)luaL_optinteger(L, 4, 0);
	l_cert_policy(L, 5, &p);
	n = (size_t)luaL_len(L, 1);
	if (n == 0 || n > 8)
		return luaL_argerror(L, 1, "1..8 certificates");
	for (i = 0; i < n; i++) {
		lua_geti(L, 1, (lua_Integer)i + 1);
		certs[i] = (const uint8_t *)luaL_checklstring(L, -1, &lens[i]);
		lua_pop(L, 1); /* kept alive by the table */
	}
	if (rt_gpcert_verify_chain(certs, lens, n, root, (const uint8_t *)rid, ridlen, date,
				   lua_isnoneornil(L, 5) ? NULL : &p, &leaf, &failed, &st, &err)) {
		lua_pushnil(L);
		lua_pushstring(L, rt_gpcert_status_name(st));
		lua_pushstring(L, err.msg);
		lua_pushinteger(L, (lua_Integer)failed + 1);
		return 4;
	}
	l_ec_pushkey(L, leaf);
	return 1;
}

/* rt.cert.x509_verify(leaf, chain | nil, anchors, unix_time) -> true | false, status,
 * message. PEM (several concatenated) or DER. status: "expired", "not yet valid",
 * "unknown issuer", "bad signature", "malformed", "other". */
static int l_cert_x509_verify(lua_State *L)
{
	size_t ll, cl = 0, al;
	const char *leaf = luaL_checklstring(L, 1, &ll);
	const char *chain = lua_isnoneornil(L, 2) ? NULL : luaL_checklstring(L, 2, &cl);
	const char *anchors = luaL_checklstring(L, 3, &al);
	lua_Integer at = luaL_checkinteger(L, 4);
	enum rt_x509_status st = RT_X509_OK;
	struct rt_err err = {0};

	if (rt_x509_verify((const uint8_t *)leaf, ll, (const uint8_t *)chain, cl,
			   (const uint8_t *)anchors, al, (int64_t)at, &st, &err)) {
		lua_pushboolean(L, 0);
		lua_pushstring(L, rt_x509_status_name(st));
		lua_pushstring(L, err.msg);
		return 3;
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* rt.cert.x509_info(pem_or_der) -> { serial, ski, aki, not_before, not_after
 * (YYYYMMDD), not_before_time, not_after_time, subject }, key */
static int l_cert_x509_info(lua_State *L)
{
	size_t n;
	const char *b = luaL_checklstring(L, 1, &n);
	struct rt_x509_info xi;
	struct rt_ec_key *k = NULL;
	struct rt_err err = {0};

	if (rt_x509_info((const uint8_t *)b, n, &xi, &k, &err))
		return rt_lua_error(L, "rt.cert.x509_info: %s", err.msg);
	lua_createtable(L, 0, 8);
	lua_pushlstring(L, (const char *)xi.serial, xi.serial_len);
	lua_setfield(L, -2, "serial");
	if (xi.ski_len) {
		lua_pushlstring(L, (const char *)xi.ski, xi.ski_len);
		lua_setfield(L, -2, "ski");
	}
	if (xi.aki_len) {
		lua_pushlstring(L, (const char *)xi.aki, xi.aki_len);
		lua_setfield(L, -2, "aki");
	}
	l_cert_setint(L, "not_before", xi.not_before);
	l_cert_setint(L, "not_after", xi.not_after);
	l_cert_setint(L, "not_before_time", xi.not_before_t);
	l_cert_setint(L, "not_after_time", xi.not_after_t);
	lua_pushstring(L, xi.subject);
	lua_setfield(L, -2, "subject");
	l_ec_pushkey(L, k);
	return 2;
}

static const luaL_Reg l_cert_funcs[] = {
	{ "decode", l_cert_decode },           { "encode", l_cert_encode },
	{ "encode_tbs", l_cert_encode_tbs },   { "wrap", l_cert_wrap },
	{ "verify", l_cert_verify },           { "verify_chain", l_cert_verify_chain },
	{ "x509_verify", l_cert_x509_verify }, { "x509_info", l_cert_x509_info },
	{ NULL, NULL },
};

int luaopen_rt_cert(lua_State *L)
{
	luaopen_rt_ec(L); /* registers the rt.ec.key metatable */
	lua_pop(L, 1);
	luaL_newlib(L, l_cert_funcs);
	return 1;
}
