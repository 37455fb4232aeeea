/* SPDX-License-Identifier: Apache-2.0 */
/* l_ecka — the rt.ecka Lua module: SGP.02 EstablishISDPKeySet (GP Amd E scenario #3)
 * step by step, between an `smdp` object and a `card` object, plus every building block
 * (A6, SharedInfo, KDF split, receipt, DGI, ePK, signed data) so that a negative case
 * can bend any step. Thin binding over scp/rt_ecka.
 *
 * Objects are full userdata "rt.ecka.smdp" / "rt.ecka.card" with __gc/__close sharing
 * one idempotent close (which wipes the derived keys). The rt.ec.key objects they use
 * are kept alive in the userdata's user values. Refusals by the card or a bad receipt
 * are returned (nil/false, status, message, SW), not raised. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <openssl/crypto.h>

#include "codec/rt_gpcert.h"
#include "codec/rt_tlv.h"
#include "lua/l_ec.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"
#include "scp/rt_ecka.h"

#define L_ECKA_DP_MT "rt.ecka.smdp"
#define L_ECKA_CARD_MT "rt.ecka.card"

struct l_ecka_dp {
	struct rt_ecka_dp dp;
	uint8_t cert[RT_GPCERT_MAX];
	uint8_t sin[RT_ECKA_ID_MAX];
	int open;
};

struct l_ecka_card {
	struct rt_ecka_card c;
	uint8_t ci_id[RT_ECKA_ID_MAX];
	uint8_t sin[RT_ECKA_ID_MAX];
	int open;
};

/* ---- tables <-> structs ----------------------------------------------------------- */

static int l_ecka_optint(lua_State *L, int idx, const char *k, lua_Integer *v)
{
	int isnum, found = 0;

	if (lua_getfield(L, idx, k) != LUA_TNIL) {
		*v = lua_tointegerx(L, -1, &isnum);
		if (!isnum)
			luaL_error(L, "rt.ecka: field %s must be an integer", k);
		found = 1;
	}
	lua_pop(L, 1);
	return found;
}

static void l_ecka_optbytes(lua_State *L, int idx, const char *k, uint8_t *dst, size_t max,
			    size_t *len)
{
	if (lua_getfield(L, idx, k) != LUA_TNIL) {
		size_t n;
		const char *s = luaL_checklstring(L, -1, &n);

		if (n > max)
			luaL_error(L, "rt.ecka: field %s longer than %d bytes", k, (int)max);
		memcpy(dst, s, n);
		*len = n;
	}
	lua_pop(L, 1);
}

/* params table: { scenario, scenario_params, key_usage, key_access, key_type, key_len,
 * key_id, kvn, init_counter, host_id, sdin }; absent fields keep the defaults. */
static void l_ecka_params(lua_State *L, int idx, struct rt_ecka_params *p)
{
	lua_Integer v;

	rt_ecka_params_default(p);
	if (lua_isnoneornil(L, idx))
		return;
	idx = lua_absindex(L, idx);
	luaL_checktype(L, idx, LUA_TTABLE);
	if (l_ecka_optint(L, idx, "scenario", &v)) p->scenario = (uint8_t)v;
	if (l_ecka_optint(L, idx, "scenario_params", &v)) p->scenario_params = (uint8_t)v;
	if (l_ecka_optint(L, idx, "key_usage", &v)) p->key_usage = (uint8_t)v;
	if (l_ecka_optint(L, idx, "key_access", &v)) p->key_access = (int)v;
	if (l_ecka_optint(L, idx, "key_type", &v)) p->key_type = (uint8_t)v;
	if (l_ecka_optint(L, idx, "key_len", &v)) p->key_len = (uint8_t)v;
	if (l_ecka_optint(L, idx, "key_id", &v)) p->key_id = (uint8_t)v;
	if (l_ecka_optint(L, idx, "kvn", &v)) p->kvn = (uint8_t)v;
	l_ecka_optbytes(L, idx, "init_counter", p->init_counter, sizeof(p->init_counter),
			&p->init_counter_len);
	l_ecka_optbytes(L, idx, "host_id", p->host_id, RT_ECKA_ID_MAX, &p->host_id_len);
	l_ecka_optbytes(L, idx, "sdin", p->sdin, RT_ECKA_ID_MAX, &p->sdin_len);
}

static void l_ecka_pushparams(lua_State *L, const struct rt_ecka_params *p)
{
	lua_createtable(L, 0, 11);
	lua_pushinteger(L, p->scenario);
	lua_setfield(L, -2, "scenario");
	lua_pushinteger(L, p->scenario_params);
	lua_setfield(L, -2, "scenario_params");
	lua_pushinteger(L, p->key_usage);
	lua_setfield(L, -2, "key_usage");
	if (p->key_access >= 0) {
		lua_pushinteger(L, p->key_access);
		lua_setfield(L, -2, "key_access");
	}
	lua_pushinteger(L, p->key_type);
	lua_setfield(L, -2, "key_type");
	lua_pushinteger(L, p->key_len);
	lua_setfield(L, -2, "key_len");
	lua_pushinteger(L, p->key_id);
	lua_setfield(L, -2, "key_id");
	lua_pushinteger(L, p->kvn);
	lua_setfield(L, -2, "kvn");
	lua_pushlstring(L, (const char *)p->init_counter, p->init_counter_len);
	lua_setfield(L, -2, "init_counter");
	if (p->host_id_len) {
		lua_pushlstring(L, (const char *)p->host_id, p->host_id_len);
		lua_setfield(L, -2, "host_id");
	}
	if (p->sdin_len) {
		lua_pushlstring(L, (const char *)p->sdin, p->sdin_len);
		lua_setfield(L, -2, "sdin");
	}
}

static enum rt_ecka_epk_form l_ecka_form(lua_State *L, const char *s)
{
	if (strcmp(s, "b0f0") == 0)
		return RT_ECKA_EPK_B0F0;
	if (strcmp(s, "b0") == 0)
		return RT_ECKA_EPK_B0;
	if (strcmp(s, "bare") == 0)
		return RT_ECKA_EPK_BARE;
	luaL_error(L, "rt.ecka: ePK form \"%s\" (b0f0, b0, bare)", s);
	return RT_ECKA_EPK_B0F0;
}

static const char *l_ecka_formname(enum rt_ecka_epk_form f)
{
	return f == RT_ECKA_EPK_BARE ? "bare" : f == RT_ECKA_EPK_B0 ? "b0" : "b0f0";
}

static enum rt_ecka_receipt_pad l_ecka_pad(lua_State *L, const char *s)
{
	if (strcmp(s, "plain") == 0)
		return RT_ECKA_RECEIPT_PLAIN;
	if (strcmp(s, "pad80") == 0)
		return RT_ECKA_RECEIPT_PAD80;
	luaL_error(L, "rt.ecka: receipt padding \"%s\" (plain, pad80)", s);
	return RT_ECKA_RECEIPT_PLAIN;
}

/* opts table: { epk_form = "b0f0"|"b0"|"bare", epk_accept = {forms...},
 * receipt_pad = "plain"|"pad80", rc_len, dr_len, dp_key_usage, dp_cert_type, date, sin } */
static void l_ecka_opts(lua_State *L, int idx, struct rt_ecka_opts *o, uint8_t *sinbuf)
{
	lua_Integer v;

	rt_ecka_opts_default(o);
	if (lua_isnoneornil(L, idx))
		return;
	idx = lua_absindex(L, idx);
	luaL_checktype(L, idx, LUA_TTABLE);
	if (lua_getfield(L, idx, "epk_form") == LUA_TSTRING)
		o->epk_form = l_ecka_form(L, lua_tostring(L, -1));
	lua_pop(L, 1);
	if (lua_getfield(L, idx, "epk_accept") == LUA_TTABLE) {
		lua_Integer i, n = luaL_len(L, -1);

		o->epk_accept = 0;
		for (i = 1; i <= n; i++) {
			lua_geti(L, -1, i);
			o->epk_accept |= l_ecka_form(L, luaL_checkstring(L, -1));
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	if (lua_getfield(L, idx, "receipt_pad") == LUA_TSTRING)
		o->receipt_pad = l_ecka_pad(L, lua_tostring(L, -1));
	lua_pop(L, 1);
	if (l_ecka_optint(L, idx, "rc_len", &v)) o->rc_len = (size_t)v;
	if (l_ecka_optint(L, idx, "dr_len", &v)) o->dr_len = (size_t)v;
	if (l_ecka_optint(L, idx, "dp_key_usage", &v)) o->dp_key_usage = (long)v;
	if (l_ecka_optint(L, idx, "dp_cert_type", &v)) o->dp_cert_type = (int)v;
	if (l_ecka_optint(L, idx, "date", &v)) o->date = (uint32_t)v;
	if (o->rc_len > RT_ECKA_ID_MAX || o->dr_len > RT_ECKA_ID_MAX)
		luaL_error(L, "rt.ecka: rc_len/dr_len at most %d", RT_ECKA_ID_MAX);
	l_ecka_optbytes(L, idx, "sin", sinbuf, RT_ECKA_ID_MAX, &o->sin_len);
	if (o->sin_len)
		o->sin = sinbuf;
}

static void l_ecka_pushkeys(lua_State *L, const struct rt_ecka_keys *k)
{
	lua_createtable(L, 0, 9);
	lua_pushlstring(L, (const char *)k->shs, sizeof(k->shs));
	lua_setfield(L, -2, "shs");
	lua_pushlstring(L, (const char *)k->receipt_key, k->key_len);
	lua_setfield(L, -2, "receipt_key");
	lua_pushlstring(L, (const char *)k->enc, k->key_len);
	lua_setfield(L, -2, "enc");
	lua_pushlstring(L, (const char *)k->mac, k->key_len);
	lua_setfield(L, -2, "mac");
	lua_pushlstring(L, (const char *)k->dek, k->key_len);
	lua_setfield(L, -2, "dek");
	lua_pushlstring(L, (const char *)k->dr, k->dr_len);
	lua_setfield(L, -2, "dr");
	lua_pushlstring(L, (const char *)k->receipt, sizeof(k->receipt));
	lua_setfield(L, -2, "receipt");
	lua_pushinteger(L, (lua_Integer)k->key_len);
	lua_setfield(L, -2, "key_len");
	lua_pushinteger(L, k->nkeys);
	lua_setfield(L, -2, "nkeys");
}

/* Pushes a buffer as a string, frees it, raises with err when rc != 0. */
static int l_ecka_result(lua_State *L, int rc, struct rt_buf *b, const char *what,
			 const struct rt_err *err)
{
	if (!rc)
		lua_pushlstring(L, (const char *)b->data, b->len);
	rt_buf_free(b);
	if (rc)
		return rt_lua_error(L, "%s: %s", what, err->msg);
	return 1;
}

/* ---- SM-DP object ------------------------------------------------------------------ */

static struct l_ecka_dp *l_ecka_checkdp(lua_State *L)
{
	struct l_ecka_dp *u = luaL_checkudata(L, 1, L_ECKA_DP_MT);

	if (!u->open)
		luaL_argerror(L, 1, "rt.ecka.smdp is closed");
	return u;
}

/* rt.ecka.smdp{ sk = key, cert = 7F21 bytes, pk_ecasd = key, params = {...},
 *               opts = {...}, esk = key (optional fixed ephemeral key pair) } -> smdp */
static int l_ecka_smdp(lua_State *L)
{
	struct l_ecka_dp *u;
	size_t n;
	const char *cert;
	struct rt_ec_key *sk, *pk, *esk = NULL;
	struct rt_err err = {0};

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_getfield(L, 1, "sk");
	sk = l_ec_checkkey(L, -1);
	lua_getfield(L, 1, "pk_ecasd");
	pk = l_ec_checkkey(L, -1);
	lua_getfield(L, 1, "cert");
	cert = luaL_checklstring(L, -1, &n);
	if (n > RT_GPCERT_MAX)
		return luaL_error(L, "rt.ecka.smdp: certificate over %d bytes", RT_GPCERT_MAX);
	lua_getfield(L, 1, "params");
	lua_getfield(L, 1, "opts");
	if (lua_getfield(L, 1, "esk") != LUA_TNIL)
		esk = l_ec_checkkey(L, -1);
	u = lua_newuserdatauv(L, sizeof(*u), 2);
	memset(u, 0, sizeof(*u));
	rt_ecka_dp_init(&u->dp);
	luaL_setmetatable(L, L_ECKA_DP_MT);
	u->open = 1;
	l_ecka_params(L, -4, &u->dp.prm);
	l_ecka_opts(L, -3, &u->dp.opts, u->sin);
	memcpy(u->cert, cert, n);
	u->dp.cert = u->cert;
	u->dp.cert_len = n;
	u->dp.sk_dp = sk;
	u->dp.pk_ecasd = pk;
	lua_pushvalue(L, 2); /* sk: kept alive while the object lives */
	lua_setiuservalue(L, -2, 1);
	lua_pushvalue(L, 3); /* pk_ecasd */
	lua_setiuservalue(L, -2, 2);
	if (esk) {
		uint8_t d[RT_EC_FIELD_LEN];
		int rc = rt_ec_key_private(esk, d, &err);

		if (!rc)
			rc = rt_ec_key_from_private(rt_ec_key_curve(esk), d, sizeof(d), &u->dp.esk, &err);
		OPENSSL_cleanse(d, sizeof(d));
		if (rc)
			return rt_lua_error(L, "rt.ecka.smdp: esk: %s", err.msg);
	}
	return 1;
}

/* smdp:cert_data() -> 3A01 data field */
static int l_ecka_dp_cert_data(lua_State *L)
{
	struct l_ecka_dp *u = l_ecka_checkdp(L);
	struct rt_buf b;
	struct rt_err err = {0};

	rt_buf_init(&b, RT_ECKA_MSG_MAX);
	return l_ecka_result(L, rt_ecka_dp_cert_data(&u->dp, &b, &err), &b, "smdp:cert_data", &err);
}

/* smdp:take_rc(response) -> rc | nil, message */
static int l_ecka_dp_take_rc(lua_State *L)
{
	struct l_ecka_dp *u = l_ecka_checkdp(L);
	size_t n;
	const char *r = luaL_checklstring(L, 2, &n);
	struct rt_err err = {0};

	if (rt_ecka_dp_take_rc(&u->dp, (const uint8_t *)r, n, &err)) {
		lua_pushnil(L);
		lua_pushstring(L, err.msg);
		return 2;
	}
	lua_pushlstring(L, (const char *)u->dp.rc, u->dp.rc_len);
	return 1;
}

/* smdp:key_data() -> 3A02 | 7F49 | 5F37 data field */
static int l_ecka_dp_key_data(lua_State *L)
{
	struct l_ecka_dp *u = l_ecka_checkdp(L);
	struct rt_buf b;
	struct rt_err err = {0};

	rt_buf_init(&b, RT_ECKA_MSG_MAX);
	return l_ecka_result(L, rt_ecka_dp_key_data(&u->dp, &b, &err), &b, "smdp:key_data", &err);
}

/* smdp:check_receipt(response) -> true | false, status, message */
static int l_ecka_dp_check_receipt(lua_State *L)
{
	struct l_ecka_dp *u = l_ecka_checkdp(L);
	size_t n;
	const char *r = luaL_checklstring(L, 2, &n);
	struct rt_err err = {0};

	if (rt_ecka_dp_check_receipt(&u->dp, (const uint8_t *)r, n, &err)) {
		lua_pushboolean(L, 0);
		lua_pushstring(L, rt_ecka_status_name(u->dp.status));
		lua_pushstring(L, err.msg);
		return 3;
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* smdp:keys() -> { shs, receipt_key, enc, mac, dek, dr, receipt, key_len, nkeys } */
static int l_ecka_dp_keys(lua_State *L)
{
	l_ecka_pushkeys(L, &l_ecka_checkdp(L)->dp.keys);
	return 1;
}

/* smdp:a6() -> the A6 TLV sent; smdp:rc() -> RC; smdp:epk() -> ePK point | nil */
static int l_ecka_dp_a6(lua_State *L)
{
	struct l_ecka_dp *u = l_ecka_checkdp(L);

	lua_pushlstring(L, (const char *)u->dp.a6, u->dp.a6_len);
	return 1;
}

static int l_ecka_dp_rc(lua_State *L)
{
	struct l_ecka_dp *u = l_ecka_checkdp(L);

	lua_pushlstring(L, (const char *)u->dp.rc, u->dp.rc_len);
	return 1;
}

static int l_ecka_dp_epk(lua_State *L)
{
	struct l_ecka_dp *u = l_ecka_checkdp(L);
	uint8_t pt[RT_EC_POINT_LEN];

	if (!u->dp.esk || rt_ec_key_public(u->dp.esk, pt, NULL)) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushlstring(L, (const char *)pt, sizeof(pt));
	return 1;
}

static int l_ecka_dp_close(lua_State *L)
{
	struct l_ecka_dp *u = luaL_checkudata(L, 1, L_ECKA_DP_MT);

	if (u->open) {
		u->open = 0;
		rt_ecka_dp_clear(&u->dp);
		OPENSSL_cleanse(u, sizeof(*u));
	}
	return 0;
}

/* ---- card object ------------------------------------------------------------------- */

static struct l_ecka_card *l_ecka_checkcard(lua_State *L)
{
	struct l_ecka_card *u = luaL_checkudata(L, 1, L_ECKA_CARD_MT);

	if (!u->open)
		luaL_argerror(L, 1, "rt.ecka.card is closed");
	return u;
}

/* rt.ecka.card{ pk_ci = key, ci_id = bytes | nil, sk_ecasd = key, opts = {...} } -> card */
static int l_ecka_card(lua_State *L)
{
	struct l_ecka_card *u;
	struct rt_ec_key *ci, *ecasd;
	size_t idlen = 0;
	const char *id = NULL;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_getfield(L, 1, "pk_ci");
	ci = l_ec_checkkey(L, -1);
	lua_getfield(L, 1, "sk_ecasd");
	ecasd = l_ec_checkkey(L, -1);
	if (lua_getfield(L, 1, "ci_id") != LUA_TNIL)
		id = luaL_checklstring(L, -1, &idlen);
	if (idlen > RT_ECKA_ID_MAX)
		return luaL_error(L, "rt.ecka.card: ci_id over %d bytes", RT_ECKA_ID_MAX);
	lua_getfield(L, 1, "opts");
	u = lua_newuserdatauv(L, sizeof(*u), 2);
	memset(u, 0, sizeof(*u));
	rt_ecka_card_init(&u->c);
	luaL_setmetatable(L, L_ECKA_CARD_MT);
	u->open = 1;
	l_ecka_opts(L, -2, &u->c.opts, u->sin);
	u->c.pk_ci = ci;
	u->c.sk_ecasd = ecasd;
	if (id) {
		memcpy(u->ci_id, id, idlen);
		u->c.ci_id = u->ci_id;
		u->c.ci_id_len = idlen;
	}
	lua_pushvalue(L, 2); /* pk_ci */
	lua_setiuservalue(L, -2, 1);
	lua_pushvalue(L, 3); /* sk_ecasd */
	lua_setiuservalue(L, -2, 2);
	return 1;
}

static int l_ecka_card_refused(lua_State *L, struct l_ecka_card *u, const struct rt_err *err)
{
	lua_pushnil(L);
	lua_pushstring(L, u->c.status == RT_ECKA_CERT ? rt_gpcert_status_name(u->c.cert_status)
						     : rt_ecka_status_name(u->c.status));
	lua_pushstring(L, err->msg);
	lua_pushinteger(L, u->c.sw);
	return 4;
}

/* card:cert(data [, rc]) -> response (85 L RC) | nil, status, message, sw.
 * status: a certificate status ("wrong issuer", "expired", ...) or "malformed",
 * "wrong state". */
static int l_ecka_card_cert(lua_State *L)
{
	struct l_ecka_card *u = l_ecka_checkcard(L);
	size_t n, rl = 0;
	const char *d = luaL_checklstring(L, 2, &n);
	const char *rc = luaL_optlstring(L, 3, NULL, &rl);
	struct rt_buf b;
	struct rt_err err = {0};
	int r;

	rt_buf_init(&b, 256);
	r = rt_ecka_card_cert(&u->c, (const uint8_t *)d, n, (const uint8_t *)rc, rl, &b, &err);
	if (r) {
		rt_buf_free(&b);
		if (u->c.status == RT_ECKA_OK) /* a bad argument, not a refusal */
			return rt_lua_error(L, "card:cert: %s", err.msg);
		return l_ecka_card_refused(L, u, &err);
	}
	lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	return 1;
}

/* card:key_data(data [, dr]) -> response ([85 L DR] 86 L receipt) | nil, status,
 * message, sw. status: "malformed", "wrong state", "bad signature", "bad ephemeral
 * key", "unsupported parameters". */
static int l_ecka_card_keys(lua_State *L)
{
	struct l_ecka_card *u = l_ecka_checkcard(L);
	size_t n, dl = 0;
	const char *d = luaL_checklstring(L, 2, &n);
	const char *dr = luaL_optlstring(L, 3, NULL, &dl);
	struct rt_buf b;
	struct rt_err err = {0};
	int r;

	rt_buf_init(&b, 256);
	r = rt_ecka_card_keys(&u->c, (const uint8_t *)d, n, (const uint8_t *)dr, dl, &b, &err);
	if (r) {
		rt_buf_free(&b);
		if (u->c.status == RT_ECKA_OK)
			return rt_lua_error(L, "card:key_data: %s", err.msg);
		return l_ecka_card_refused(L, u, &err);
	}
	lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	return 1;
}

/* card:keys() -> keys table; card:params() -> the A6 received as a table;
 * card:epk() -> ePK point, form; card:rc() -> RC; card:step() -> 0|1|2 */
static int l_ecka_card_getkeys(lua_State *L)
{
	l_ecka_pushkeys(L, &l_ecka_checkcard(L)->c.keys);
	return 1;
}

static int l_ecka_card_params(lua_State *L)
{
	l_ecka_pushparams(L, &l_ecka_checkcard(L)->c.prm);
	return 1;
}

static int l_ecka_card_epk(lua_State *L)
{
	struct l_ecka_card *u = l_ecka_checkcard(L);

	lua_pushlstring(L, (const char *)u->c.epk, sizeof(u->c.epk));
	lua_pushstring(L, l_ecka_formname(u->c.epk_form));
	return 2;
}

static int l_ecka_card_rc(lua_State *L)
{
	struct l_ecka_card *u = l_ecka_checkcard(L);

	lua_pushlstring(L, (const char *)u->c.rc, u->c.rc_len);
	return 1;
}

static int l_ecka_card_step(lua_State *L)
{
	lua_pushinteger(L, l_ecka_checkcard(L)->c.step);
	return 1;
}

static int l_ecka_card_close(lua_State *L)
{
	struct l_ecka_card *u = luaL_checkudata(L, 1, L_ECKA_CARD_MT);

	if (u->open) {
		u->open = 0;
		rt_ecka_card_clear(&u->c);
		OPENSSL_cleanse(u, sizeof(*u));
	}
	return 0;
}

/* ---- building blocks ------------------------------------------------------------- */

/* rt.ecka.a6(params) -> A6 TLV */
static int l_ecka_a6(lua_State *L)
{
	struct rt_ecka_params p;
	struct rt_buf b;
	struct rt_err err = {0};

	l_ecka_params(L, 1, &p);
	rt_buf_init(&b, RT_ECKA_A6_MAX);
	return l_ecka_result(L, rt_ecka_a6_encode(&p, &b, &err), &b, "rt.ecka.a6", &err);
}

/* rt.ecka.a6_decode(bytes) -> params | nil, message */
static int l_ecka_a6_decode(lua_State *L)
{
	size_t n;
	const char *a = luaL_checklstring(L, 1, &n);
	struct rt_ecka_params p;
	struct rt_err err = {0};

	if (rt_ecka_a6_decode((const uint8_t *)a, n, &p, &err)) {
		lua_pushnil(L);
		lua_pushstring(L, err.msg);
		return 2;
	}
	l_ecka_pushparams(L, &p);
	return 1;
}

/* rt.ecka.shared_info(params [, dr [, sin]]) -> bytes */
static int l_ecka_shared_info(lua_State *L)
{
	struct rt_ecka_params p;
	size_t dl, sl, n;
	const char *dr, *sin;
	uint8_t out[256];
	struct rt_err err = {0};

	l_ecka_params(L, 1, &p);
	dr = luaL_optlstring(L, 2, "", &dl);
	sin = luaL_optlstring(L, 3, "", &sl);
	if (rt_ecka_shared_info(&p, (const uint8_t *)dr, dl, (const uint8_t *)sin, sl, out,
				sizeof(out), &n, &err))
		return rt_lua_error(L, "rt.ecka.shared_info: %s", err.msg);
	lua_pushlstring(L, (const char *)out, n);
	return 1;
}

/* rt.ecka.derive(shs, params [, dr [, sin]]) -> keys table */
static int l_ecka_derive(lua_State *L)
{
	size_t zl, dl, sl;
	const char *z = luaL_checklstring(L, 1, &zl);
	struct rt_ecka_params p;
	const char *dr, *sin;
	struct rt_ecka_keys k;
	struct rt_err err = {0};

	l_ecka_params(L, 2, &p);
	dr = luaL_optlstring(L, 3, "", &dl);
	sin = luaL_optlstring(L, 4, "", &sl);
	if (zl != RT_EC_FIELD_LEN)
		return luaL_argerror(L, 1, "ShS must be 32 bytes");
	if (dl > RT_ECKA_ID_MAX || sl > RT_ECKA_ID_MAX)
		return luaL_error(L, "rt.ecka.derive: DR/SIN over %d bytes", RT_ECKA_ID_MAX);
	if (rt_ecka_derive((const uint8_t *)z, &p, (const uint8_t *)dr, dl, (const uint8_t *)sin, sl,
			   &k, &err))
		return rt_lua_error(L, "rt.ecka.derive: %s", err.msg);
	l_ecka_pushkeys(L, &k);
	OPENSSL_cleanse(&k, sizeof(k));
	return 1;
}

/* rt.ecka.receipt(key, a6 [, dr [, "plain"|"pad80"]]) -> 16 bytes */
static int l_ecka_receipt(lua_State *L)
{
	size_t kl, al, dl;
	const char *k = luaL_checklstring(L, 1, &kl);
	const char *a = luaL_checklstring(L, 2, &al);
	const char *dr = luaL_optlstring(L, 3, "", &dl);
	enum rt_ecka_receipt_pad pad = l_ecka_pad(L, luaL_optstring(L, 4, "plain"));
	uint8_t r[16];
	struct rt_err err = {0};

	if (rt_ecka_receipt((const uint8_t *)k, kl, (const uint8_t *)a, al, (const uint8_t *)dr, dl,
			    pad, r, &err))
		return rt_lua_error(L, "rt.ecka.receipt: %s", err.msg);
	lua_pushlstring(L, (const char *)r, 16);
	return 1;
}

/* rt.ecka.dgi(tag, value) -> DGI bytes; rt.ecka.dgi_get(bytes, tag) -> value, size */
static int l_ecka_dgi(lua_State *L)
{
	lua_Integer t = luaL_checkinteger(L, 1);
	size_t n;
	const char *v = luaL_checklstring(L, 2, &n);
	struct rt_buf b;
	struct rt_err err = {0};

	rt_buf_init(&b, 0x10000 + 8);
	return l_ecka_result(L, rt_ecka_dgi_put(&b, (unsigned)t & 0xFFFF, (const uint8_t *)v, n, &err),
			     &b, "rt.ecka.dgi", &err);
}

static int l_ecka_dgi_get(lua_State *L)
{
	size_t n, vl, used;
	const char *s = luaL_checklstring(L, 1, &n);
	lua_Integer t = luaL_checkinteger(L, 2);
	const uint8_t *v;
	struct rt_err err = {0};

	if (rt_ecka_dgi_get((const uint8_t *)s, n, (unsigned)t & 0xFFFF, &v, &vl, &used, &err))
		return rt_lua_error(L, "rt.ecka.dgi_get: %s", err.msg);
	lua_pushlstring(L, (const char *)v, vl);
	lua_pushinteger(L, (lua_Integer)used);
	return 2;
}

/* rt.ecka.epk(point, curve, form) -> 7F49 TLV */
static int l_ecka_epk(lua_State *L)
{
	size_t n;
	const char *p = luaL_checklstring(L, 1, &n);
	enum rt_ec_curve c = l_ec_checkcurve(L, 2);
	enum rt_ecka_epk_form f = l_ecka_form(L, luaL_optstring(L, 3, "b0f0"));
	struct rt_buf b;
	struct rt_err err = {0};

	if (n != RT_EC_POINT_LEN)
		return luaL_argerror(L, 1, "65-byte point expected");
	rt_buf_init(&b, 128);
	return l_ecka_result(L, rt_ecka_epk_encode((const uint8_t *)p, c, f, &b, &err), &b,
			     "rt.ecka.epk", &err);
}

/* rt.ecka.signed_data(dgi_3a02, epk_tlv, rc) -> bytes to sign */
static int l_ecka_signed_data(lua_State *L)
{
	size_t dl, el, rl;
	const char *d = luaL_checklstring(L, 1, &dl);
	const char *e = luaL_checklstring(L, 2, &el);
	const char *r = luaL_checklstring(L, 3, &rl);
	struct rt_buf b;
	struct rt_err err = {0};

	rt_buf_init(&b, RT_ECKA_MSG_MAX);
	return l_ecka_result(L, rt_ecka_signed_data((const uint8_t *)d, dl, (const uint8_t *)e, el,
						    (const uint8_t *)r, rl, &b, &err),
			     &b, "rt.ecka.signed_data", &err);
}

static const luaL_Reg l_ecka_dp_methods[] = {
	{ "cert_data", l_ecka_dp_cert_data }, { "take_rc", l_ecka_dp_take_rc },
	{ "key_data", l_ecka_dp_key_data },   { "check_receipt", l_ecka_dp_check_receipt },
	{ "keys", l_ecka_dp_keys },           { "a6", l_ecka_dp_a6 },
	{ "rc", l_ecka_dp_rc },               { "epk", l_ecka_dp_epk },
	{ "close", l_ecka_dp_close },         { NULL, NULL },
};

static const luaL_Reg l_ecka_card_methods[] = {
	{ "cert", l_ecka_card_cert },     { "key_data", l_ecka_card_keys },
	{ "keys", l_ecka_card_getkeys },  { "params", l_ecka_card_params },
	{ "epk", l_ecka_card_epk },       { "rc", l_ecka_card_rc },
	{ "step", l_ecka_card_step },     { "close", l_ecka_card_close },
	{ NULL, NULL },
};

static const luaL_Reg l_ecka_funcs[] = {
	{ "smdp", l_ecka_smdp },           { "card", l_ecka_card },
	{ "a6", l_ecka_a6 },               { "a6_decode", l_ecka_a6_decode },
	{ "shared_info", l_ecka_shared_info }, { "derive", l_ecka_derive },
	{ "receipt", l_ecka_receipt },     { "dgi", l_ecka_dgi },
	{ "dgi_get", l_ecka_dgi_get },     { "epk", l_ecka_epk },
	{ "signed_data", l_ecka_signed_data }, { NULL, NULL },
};

static void l_ecka_mt(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction close)
{
	if (luaL_newmetatable(L, name)) {
		lua_newtable(L);
		luaL_setfuncs(L, methods, 0);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, close);
		lua_setfield(L, -2, "__close");
	}
	lua_pop(L, 1);
}

int luaopen_rt_ecka(lua_State *L)
{
	luaopen_rt_ec(L); /* registers the rt.ec.key metatable */
	lua_pop(L, 1);
	l_ecka_mt(L, L_ECKA_DP_MT, l_ecka_dp_methods, l_ecka_dp_close);
	l_ecka_mt(L, L_ECKA_CARD_MT, l_ecka_card_methods, l_ecka_card_close);
	luaL_newlib(L, l_ecka_funcs);
	return 1;
}
