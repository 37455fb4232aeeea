/* SPDX-License-Identifier: Apache-2.0 */
/* l_ec — the rt.ec Lua module: EC keys (P-256, brainpoolP256r1), ECDSA-SHA256 in the
 * plain r‖s form, ECDH, the X9.63 KDF. Thin binding over crypto/rt_ec.
 *
 * Keys are full userdata "rt.ec.key" with __gc/__close sharing one idempotent close.
 * Bytes cross as Lua strings. key:private() hands the scalar to Lua: meant for test
 * keys (the harness's own); the copy made here is wiped. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <openssl/crypto.h>

#include "lua/l_ec.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"

struct l_ec_key {
	struct rt_ec_key *k;
};

struct rt_ec_key *l_ec_checkkey(lua_State *L, int idx)
{
	struct l_ec_key *u = luaL_checkudata(L, idx, L_EC_KEY_MT);

	if (!u->k)
		luaL_argerror(L, idx, "rt.ec.key is closed");
	return u->k;
}

void l_ec_pushkey(lua_State *L, struct rt_ec_key *k)
{
	struct l_ec_key *u;

	if (!lua_checkstack(L, 2)) {
		rt_ec_key_free(k);
		luaL_error(L, "rt.ec: stack overflow");
	}
	u = lua_newuserdatauv(L, sizeof(*u), 0);
	u->k = k;
	luaL_setmetatable(L, L_EC_KEY_MT);
}

enum rt_ec_curve l_ec_checkcurve(lua_State *L, int idx)
{
	const char *name = luaL_checkstring(L, idx);
	enum rt_ec_curve c;
	struct rt_err err = {0};

	if (rt_ec_curve_from_name(name, &c, &err))
		luaL_argerror(L, idx, err.msg);
	return c;
}

/* rt.ec.generate(curve) -> key */
static int l_ec_generate(lua_State *L)
{
	enum rt_ec_curve c = l_ec_checkcurve(L, 1);
	struct rt_ec_key *k = NULL;
	struct rt_err err = {0};

	if (rt_ec_key_generate(c, &k, &err))
		return rt_lua_error(L, "rt.ec.generate: %s", err.msg);
	l_ec_pushkey(L, k);
	return 1;
}

/* rt.ec.from_private(curve, d) -> key */
static int l_ec_from_private(lua_State *L)
{
	enum rt_ec_curve c = l_ec_checkcurve(L, 1);
	size_t n;
	const char *d = luaL_checklstring(L, 2, &n);
	struct rt_ec_key *k = NULL;
	struct rt_err err = {0};

	if (rt_ec_key_from_private(c, (const uint8_t *)d, n, &k, &err))
		return rt_lua_error(L, "rt.ec.from_private: %s", err.msg);
	l_ec_pushkey(L, k);
	return 1;
}

/* rt.ec.from_public(curve, point) -> key (the point is validated) */
static int l_ec_from_public(lua_State *L)
{
	enum rt_ec_curve c = l_ec_checkcurve(L, 1);
	size_t n;
	const char *p = luaL_checklstring(L, 2, &n);
	struct rt_ec_key *k = NULL;
	struct rt_err err = {0};

	if (rt_ec_key_from_public(c, (const uint8_t *)p, n, &k, &err))
		return rt_lua_error(L, "rt.ec.from_public: %s", err.msg);
	l_ec_pushkey(L, k);
	return 1;
}

/* rt.ec.load(pem_or_der) -> key (private key, public key or certificate) */
static int l_ec_load(lua_State *L)
{
	size_t n;
	const char *p = luaL_checklstring(L, 1, &n);
	struct rt_ec_key *k = NULL;
	struct rt_err err = {0};

	if (rt_ec_key_from_pem_der((const uint8_t *)p, n, &k, &err))
		return rt_lua_error(L, "rt.ec.load: %s", err.msg);
	l_ec_pushkey(L, k);
	return 1;
}

/* rt.ec.point_check(curve, point) -> true | false, message */
static int l_ec_point_check(lua_State *L)
{
	enum rt_ec_curve c = l_ec_checkcurve(L, 1);
	size_t n;
	const char *p = luaL_checklstring(L, 2, &n);
	struct rt_err err = {0};

	if (rt_ec_point_check(c, (const uint8_t *)p, n, &err)) {
		lua_pushboolean(L, 0);
		lua_pushstring(L, err.msg);
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* rt.ec.kdf(z, info, len) -> bytes (ANSI X9.63, SHA-256) */
static int l_ec_kdf(lua_State *L)
{
	size_t zl, il;
	const char *z = luaL_checklstring(L, 1, &zl);
	const char *info = luaL_optlstring(L, 2, "", &il);
	lua_Integer n = luaL_checkinteger(L, 3);
	uint8_t out[RT_EC_KDF_MAX];
	struct rt_err err = {0};

	if (n < 1 || n > RT_EC_KDF_MAX)
		return luaL_argerror(L, 3, "length 1..1024");
	if (rt_ec_x963_kdf((const uint8_t *)z, zl, (const uint8_t *)info, il, out, (size_t)n, &err))
		return rt_lua_error(L, "rt.ec.kdf: %s", err.msg);
	lua_pushlstring(L, (const char *)out, (size_t)n);
	OPENSSL_cleanse(out, sizeof(out));
	return 1;
}

/* rt.ec.sha256(bytes) -> digest */
static int l_ec_sha256(lua_State *L)
{
	size_t n;
	const char *m = luaL_checklstring(L, 1, &n);
	uint8_t md[32];

	if (rt_ec_sha256((const uint8_t *)m, n, md, NULL))
		return luaL_error(L, "rt.ec.sha256 failed");
	lua_pushlstring(L, (const char *)md, 32);
	return 1;
}

/* rt.ec.sig_to_der(curve, rs) -> der ; rt.ec.sig_from_der(curve, der) -> rs */
static int l_ec_sig_to_der(lua_State *L)
{
	enum rt_ec_curve c = l_ec_checkcurve(L, 1);
	size_t n, dl = 0;
	const char *s = luaL_checklstring(L, 2, &n);
	uint8_t der[RT_EC_DER_SIG_MAX];
	struct rt_err err = {0};

	if (rt_ec_sig_plain_to_der(c, (const uint8_t *)s, n, der, &dl, &err))
		return rt_lua_error(L, "rt.ec.sig_to_der: %s", err.msg);
	lua_pushlstring(L, (const char *)der, dl);
	return 1;
}

static int l_ec_sig_from_der(lua_State *L)
{
	enum rt_ec_curve c = l_ec_checkcurve(L, 1);
	size_t n;
	const char *s = luaL_checklstring(L, 2, &n);
	uint8_t rs[RT_EC_SIG_LEN];
	struct rt_err err = {0};

	if (rt_ec_sig_der_to_plain(c, (const uint8_t *)s, n, rs, &err))
		return rt_lua_error(L, "rt.ec.sig_from_der: %s", err.msg);
	lua_pushlstring(L, (const char *)rs, sizeof(rs));
	return 1;
}

/* key:public() -> 04||X||Y */
static int l_ec_key_public(lua_State *L)
{
	struct rt_ec_key *k = l_ec_checkkey(L, 1);
	uint8_t pt[RT_EC_POINT_LEN];
	struct rt_err err = {0};

	if (rt_ec_key_public(k, pt, &err))
		return rt_lua_error(L, "key:public: %s", err.msg);
	lua_pushlstring(L, (const char *)pt, sizeof(pt));
	return 1;
}

/* key:private() -> d (32 bytes) | nil when the key is public only */
static int l_ec_key_private(lua_State *L)
{
	struct rt_ec_key *k = l_ec_checkkey(L, 1);
	uint8_t d[RT_EC_FIELD_LEN];

	if (!rt_ec_key_has_private(k) || rt_ec_key_private(k, d, NULL)) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushlstring(L, (const char *)d, sizeof(d));
	OPENSSL_cleanse(d, sizeof(d));
	return 1;
}

/* key:curve() -> "P-256" | "brainpoolP256r1"; key:has_private() -> bool */
static int l_ec_key_curve(lua_State *L)
{
	lua_pushstring(L, rt_ec_curve_name(rt_ec_key_curve(l_ec_checkkey(L, 1))));
	return 1;
}

static int l_ec_key_has_private(lua_State *L)
{
	lua_pushboolean(L, rt_ec_key_has_private(l_ec_checkkey(L, 1)));
	return 1;
}

/* key:sign(msg) -> r||s (ECDSA-SHA256) */
static int l_ec_key_sign(lua_State *L)
{
	struct rt_ec_key *k = l_ec_checkkey(L, 1);
	size_t n;
	const char *m = luaL_checklstring(L, 2, &n);
	uint8_t sig[RT_EC_SIG_LEN];
	struct rt_err err = {0};

	if (rt_ec_sign(k, (const uint8_t *)m, n, sig, &err))
		return rt_lua_error(L, "key:sign: %s", err.msg);
	lua_pushlstring(L, (const char *)sig, sizeof(sig));
	return 1;
}

/* key:verify(msg, rs) -> true | false, message */
static int l_ec_key_verify(lua_State *L)
{
	struct rt_ec_key *k = l_ec_checkkey(L, 1);
	size_t n, sn;
	const char *m = luaL_checklstring(L, 2, &n);
	const char *s = luaL_checklstring(L, 3, &sn);
	struct rt_err err = {0};

	if (rt_ec_verify(k, (const uint8_t *)m, n, (const uint8_t *)s, sn, &err)) {
		lua_pushboolean(L, 0);
		lua_pushstring(L, err.msg);
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* key:ecdh(point | key) -> z (x-coordinate, 32 bytes) */
static int l_ec_key_ecdh(lua_State *L)
{
	struct rt_ec_key *k = l_ec_checkkey(L, 1);
	uint8_t z[RT_EC_FIELD_LEN];
	struct rt_err err = {0};
	int rc;

	if (lua_type(L, 2) == LUA_TSTRING) {
		size_t n;
		const char *p = lua_tolstring(L, 2, &n);

		rc = rt_ec_ecdh(k, (const uint8_t *)p, n, z, &err);
	} else {
		rc = rt_ec_ecdh_key(k, l_ec_checkkey(L, 2), z, &err);
	}
	if (rc)
		return rt_lua_error(L, "key:ecdh: %s", err.msg);
	lua_pushlstring(L, (const char *)z, sizeof(z));
	OPENSSL_cleanse(z, sizeof(z));
	return 1;
}

/* key:close() — idempotent; also __gc and __close */
static int l_ec_key_close(lua_State *L)
{
	struct l_ec_key *u = luaL_checkudata(L, 1, L_EC_KEY_MT);

	rt_ec_key_free(u->k);
	u->k = NULL;
	return 0;
}

static int l_ec_key_tostring(lua_State *L)
{
	struct l_ec_key *u = luaL_checkudata(L, 1, L_EC_KEY_MT);

	if (!u->k)
		lua_pushliteral(L, "rt.ec.key (closed)");
	else
		lua_pushfstring(L, "rt.ec.key (%s, %s)", rt_ec_curve_name(rt_ec_key_curve(u->k)),
				rt_ec_key_has_private(u->k) ? "key pair" : "public");
	return 1;
}

static const luaL_Reg l_ec_key_methods[] = {
	{ "public", l_ec_key_public },   { "private", l_ec_key_private },
	{ "curve", l_ec_key_curve },     { "has_private", l_ec_key_has_private },
	{ "sign", l_ec_key_sign },       { "verify", l_ec_key_verify },
	{ "ecdh", l_ec_key_ecdh },       { "close", l_ec_key_close },
	{ NULL, NULL },
};

static const luaL_Reg l_ec_funcs[] = {
	{ "generate", l_ec_generate },       { "from_private", l_ec_from_private },
	{ "from_public", l_ec_from_public }, { "load", l_ec_load },
	{ "point_check", l_ec_point_check }, { "kdf", l_ec_kdf },
	{ "sha256", l_ec_sha256 },           { "sig_to_der", l_ec_sig_to_der },
	{ "sig_from_der", l_ec_sig_from_der }, { NULL, NULL },
};

int luaopen_rt_ec(lua_State *L)
{
	if (luaL_newmetatable(L, L_EC_KEY_MT)) {
		luaL_newlib(L, l_ec_key_methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_ec_key_close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, l_ec_key_close);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, l_ec_key_tostring);
		lua_setfield(L, -2, "__tostring");
	}
	lua_pop(L, 1);
	luaL_newlib(L, l_ec_funcs);
	return 1;
}
