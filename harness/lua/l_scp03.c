/* SPDX-License-Identifier: Apache-2.0 */
/* l_scp03 — the rt.scp03 and rt.scp03t Lua modules: GlobalPlatform SCP03 sessions (host
 * and card) and SGP.02 SCP03t (profile download TLVs), over scp/rt_scp03 and
 * scp/rt_scp03t. Both modules live in this file because rt.scp03t is SCP03 with TLV
 * framing and shares the key-table parsing.
 *
 * Sessions are full userdata (`rt.scp03.session`, `rt.scp03t.session`) that own copies of
 * their keys; :close(), <close> variables and the garbage collector wipe them. Bytes
 * cross as Lua strings. Host-side checks that fail (card cryptogram, R-MAC, error TLVs)
 * raise; card-side methods answer like a card (status word or error TLV) and return the
 * error text as an extra value, because tests feed the card attacker-made commands. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <openssl/crypto.h>

#include "codec/rt_apdu.h"
#include "codec/rt_tlv.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"
#include "scp/rt_scp03.h"
#include "scp/rt_scp03t.h"

#define L_SCP03_MT "rt.scp03.session"
#define L_SCP03T_MT "rt.scp03t.session"
#define L_SCP03T_MARKS 8192

struct l_scp03 {
	struct rt_scp03 s;
	uint8_t hc[RT_SCP03_CH_MAX];
	size_t hclen;
	uint8_t sl;
	int open;
};

struct l_scp03t {
	struct rt_scp03t t;
	uint8_t hc[RT_SCP03_CH_MAX];
	size_t hclen;
	struct rt_scp03t_mark *marks;
	size_t nmarks;
	struct rt_buf package; /* card: reassembled plain data */
	int open;
};

/* ---- argument helpers ---------------------------------------------------------------- */

static const char *l_field_bytes(lua_State *L, int t, const char *name, size_t *n, int need)
{
	const char *s;

	lua_getfield(L, t, name);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		if (need)
			luaL_error(L, "rt.scp03: field '%s' (bytes) is required", name);
		*n = 0;
		return NULL;
	}
	if (lua_type(L, -1) != LUA_TSTRING)
		luaL_error(L, "rt.scp03: field '%s' must be a byte string", name);
	s = lua_tolstring(L, -1, n);
	lua_pop(L, 1); /* the string stays referenced by the table */
	return s;
}

static lua_Integer l_field_int(lua_State *L, int t, const char *name, lua_Integer dflt)
{
	lua_Integer v;

	lua_getfield(L, t, name);
	v = lua_isnil(L, -1) ? dflt : luaL_checkinteger(L, -1);
	lua_pop(L, 1);
	return v;
}

static int l_field_bool(lua_State *L, int t, const char *name)
{
	int v;

	lua_getfield(L, t, name);
	v = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

/* enc/mac/dek/kvn/kid of the table at t. */
static void l_keys(lua_State *L, int t, struct rt_scp03_keys *k, int need_dek)
{
	size_t n, m, d;
	const char *enc = l_field_bytes(L, t, "enc", &n, 1);
	const char *mac = l_field_bytes(L, t, "mac", &m, 1);
	const char *dek = l_field_bytes(L, t, "dek", &d, need_dek);

	if ((n != 16 && n != 24 && n != 32) || m != n || (dek && d != n))
		luaL_error(L, "rt.scp03: enc/mac/dek must be AES keys of one length (16, 24 or 32)");
	memset(k, 0, sizeof(*k));
	memcpy(k->enc, enc, n);
	memcpy(k->mac, mac, n);
	if (dek)
		memcpy(k->dek, dek, n);
	k->len = n;
	k->kvn = (uint8_t)l_field_int(L, t, "kvn", 0x30);
	k->kid = (uint8_t)l_field_int(L, t, "kid", 0);
}

static void l_opts(lua_State *L, int t, struct rt_scp03_opts *o)
{
	memset(o, 0, sizeof(*o));
	lua_getfield(L, t, "opts");
	if (lua_istable(L, -1)) {
		int ot = lua_gettop(L);

		o->seq_rule = l_field_bool(L, ot, "seq_inc_after") ? RT_SCP03_SEQ_INC_AFTER :
								      RT_SCP03_SEQ_INC_BEFORE;
		o->le_rule = l_field_bool(L, ot, "keep_le") ? RT_SCP03_LE_KEEP : RT_SCP03_LE_MAX;
		o->dek_pad = l_field_bool(L, ot, "dek_pad_80") ? RT_SCP03_DEK_PAD_80 :
								    RT_SCP03_DEK_PAD_ZERO;
		o->s16_bit = (uint8_t)l_field_int(L, ot, "s16_bit", 0);
		o->allow_error_data = l_field_bool(L, ot, "allow_error_data");
		o->card_allow_plain = l_field_bool(L, ot, "card_allow_plain");
		o->counter_max = (uint64_t)l_field_int(L, ot, "counter_max", 0);
	}
	lua_pop(L, 1);
}

/* Host challenge from the table, or random bytes from the case PRNG. */
static size_t l_host_challenge(lua_State *L, int t, uint8_t *hc)
{
	size_t n;
	const char *s = l_field_bytes(L, t, "host_challenge", &n, 0);

	if (s) {
		if (n != 8 && n != 16)
			luaL_error(L, "rt.scp03: host_challenge of %d bytes (8 or 16)", (int)n);
		memcpy(hc, s, n);
		return n;
	}
	n = l_field_bool(L, t, "s16") ? 16 : 8;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t r = rt_lua_random(rt_lua_ctx(L));

		memcpy(hc + i, &r, 8);
	}
	return n;
}

static const char *l_state_name(enum rt_scp03_state st)
{
	switch (st) {
	case RT_SCP03_ST_IDLE:
		return "idle";
	case RT_SCP03_ST_IU:
		return "initialize_update";
	case RT_SCP03_ST_KEYS:
		return "authenticated_card";
	case RT_SCP03_ST_OPEN:
		return "open";
	case RT_SCP03_ST_CLOSED:
		return "closed";
	}
	return "?";
}

static void l_push_info(lua_State *L, const struct rt_scp03 *s)
{
	lua_createtable(L, 0, 8);
	lua_pushstring(L, l_state_name(s->state));
	lua_setfield(L, -2, "state");
	lua_pushinteger(L, s->sl);
	lua_setfield(L, -2, "sl");
	lua_pushinteger(L, (lua_Integer)s->s);
	lua_setfield(L, -2, "s");
	lua_pushinteger(L, s->i);
	lua_setfield(L, -2, "i");
	lua_pushinteger(L, (lua_Integer)s->counter);
	lua_setfield(L, -2, "counter");
	lua_pushinteger(L, (lua_Integer)s->seq);
	lua_setfield(L, -2, "seq");
	lua_pushinteger(L, s->kvn);
	lua_setfield(L, -2, "kvn");
	lua_pushstring(L, s->role == RT_SCP03_HOST ? "host" : "card");
	lua_setfield(L, -2, "role");
}

static void l_push_sw(lua_State *L, uint16_t sw)
{
	char b[2] = { (char)(sw >> 8), (char)sw };

	lua_pushlstring(L, b, 2);
}

/* ---- rt.scp03 sessions ---------------------------------------------------------------- */

static struct l_scp03 *l_scp03_check(lua_State *L, int idx)
{
	struct l_scp03 *u = luaL_checkudata(L, idx, L_SCP03_MT);

	if (!u->open)
		luaL_error(L, "rt.scp03: session is closed");
	return u;
}

static struct l_scp03 *l_scp03_new(lua_State *L)
{
	struct l_scp03 *u = lua_newuserdatauv(L, sizeof(*u), 0);

	memset(u, 0, sizeof(*u));
	luaL_setmetatable(L, L_SCP03_MT);
	return u;
}

/* rt.scp03.host{enc=, mac=, dek=, kvn=0x30, kid=0, sl=0x33, host_challenge=, s16=false,
 * channel=0, opts={...}} -> session */
static int l_scp03_host(lua_State *L)
{
	struct rt_scp03_keys k;
	struct rt_scp03_opts o;
	struct rt_err err = { 0 };
	struct l_scp03 *u;

	luaL_checktype(L, 1, LUA_TTABLE);
	l_keys(L, 1, &k, 0);
	l_opts(L, 1, &o);
	u = l_scp03_new(L);
	u->hclen = l_host_challenge(L, 1, u->hc);
	u->sl = (uint8_t)l_field_int(L, 1, "sl", 0x33);
	if (rt_scp03_host_init(&u->s, &k, &o, &err)) {
		OPENSSL_cleanse(&k, sizeof(k));
		return luaL_error(L, "rt.scp03.host: %s", err.msg);
	}
	u->s.channel = (uint8_t)l_field_int(L, 1, "channel", 0);
	OPENSSL_cleanse(&k, sizeof(k));
	u->open = 1;
	return 1;
}

/* rt.scp03.card{enc=, mac=, dek=, kvn=0x30, i=0x70, aid=, seq=0, kdd=, opts=} -> session */
static int l_scp03_card(lua_State *L)
{
	struct rt_scp03_keys k;
	struct rt_scp03_opts o;
	struct rt_err err = { 0 };
	struct l_scp03 *u;
	size_t aidlen, kddlen;
	const char *aid, *kdd;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	l_keys(L, 1, &k, 0);
	l_opts(L, 1, &o);
	aid = l_field_bytes(L, 1, "aid", &aidlen, 0);
	kdd = l_field_bytes(L, 1, "kdd", &kddlen, 0);
	if (kdd && kddlen != RT_SCP03_KDD_LEN)
		return luaL_error(L, "rt.scp03.card: kdd must be 10 bytes");
	u = l_scp03_new(L);
	rc = rt_scp03_card_init(&u->s, &k, (uint8_t)l_field_int(L, 1, "i", 0x70),
				(const uint8_t *)aid, aidlen, (uint32_t)l_field_int(L, 1, "seq", 0),
				(const uint8_t *)kdd, &o, &err);
	OPENSSL_cleanse(&k, sizeof(k));
	if (rc)
		return luaL_error(L, "rt.scp03.card: %s", err.msg);
	u->open = 1;
	return 1;
}

/* host:initialize_update() -> capdu */
static int l_scp03_iu(lua_State *L)
{
	struct l_scp03 *u = l_scp03_check(L, 1);
	struct rt_err err = { 0 };
	uint8_t out[64];
	size_t n;

	if (rt_scp03_host_iu(&u->s, u->s.channel, u->hc, u->hclen, out, sizeof(out), &n, &err))
		return luaL_error(L, "initialize_update: %s", err.msg);
	lua_pushlstring(L, (const char *)out, n);
	return 1;
}

/* host:process_iu_response(rapdu) -> true; raises on an error SW or a card cryptogram
 * mismatch. */
static int l_scp03_iu_rsp(lua_State *L)
{
	struct l_scp03 *u = l_scp03_check(L, 1);
	size_t n;
	const char *r = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };

	if (rt_scp03_host_iu_response(&u->s, (const uint8_t *)r, n, &err))
		return luaL_error(L, "process_iu_response: %s", err.msg);
	lua_pushboolean(L, 1);
	return 1;
}

/* host:external_authenticate([sl]) -> capdu */
static int l_scp03_ea(lua_State *L)
{
	struct l_scp03 *u = l_scp03_check(L, 1);
	uint8_t sl = (uint8_t)luaL_optinteger(L, 2, u->sl);
	struct rt_err err = { 0 };
	uint8_t out[64];
	size_t n;

	if (rt_scp03_host_ext_auth(&u->s, sl, out, sizeof(out), &n, &err))
		return luaL_error(L, "external_authenticate: %s", err.msg);
	lua_pushlstring(L, (const char *)out, n);
	return 1;
}

/* host:wrap(capdu) -> protected capdu */
static int l_scp03_wrap(lua_State *L)
{
	struct l_scp03 *u = l_scp03_check(L, 1);
	size_t n, on;
	const char *c = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };
	uint8_t *out;
	int rc;

	if (u->s.role != RT_SCP03_HOST)
		return luaL_error(L, "wrap: a card session answers with wrap_response");
	out = malloc(RT_CAPDU_MAX);
	if (!out)
		return luaL_error(L, "wrap: out of memory");
	rc = rt_scp03_host_wrap(&u->s, (const uint8_t *)c, n, out, RT_CAPDU_MAX, &on, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)out, on);
	free(out);
	if (rc)
		return luaL_error(L, "wrap: %s", err.msg);
	return 1;
}

/* host:unwrap(rapdu) -> data, sw (integer); raises on an R-MAC mismatch */
static int l_scp03_unwrap(lua_State *L)
{
	struct l_scp03 *u = l_scp03_check(L, 1);
	size_t n, on;
	const char *r = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };
	uint16_t sw;
	uint8_t *out;
	int rc;

	if (u->s.role != RT_SCP03_HOST)
		return luaL_error(L, "unwrap: a card session uses unwrap_command");
	out = malloc(n + 1);
	if (!out)
		return luaL_error(L, "unwrap: out of memory");
	rc = rt_scp03_host_unwrap(&u->s, (const uint8_t *)r, n, out, n + 1, &on, &sw, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)out, on);
	OPENSSL_cleanse(out, n + 1);
	free(out);
	if (rc)
		return luaL_error(L, "unwrap: %s", err.msg);
	lua_pushinteger(L, sw);
	return 2;
}

/* card:initialize_update(capdu [, card_challenge]) -> rapdu, errmsg|nil
 * The answer is the response data | 9000, or the error SW alone. */
static int l_scp03_card_iu(lua_State *L)
{
	struct l_scp03 *u = l_scp03_check(L, 1);
	size_t n, rn = 0, on;
	const char *c = luaL_checklstring(L, 2, &n);
	const char *rnd = luaL_optlstring(L, 3, NULL, &rn);
	struct rt_err err = { 0 };
	uint8_t out[64];
	uint16_t sw;

	if (rnd && rn != 8 && rn != 16)
		return luaL_error(L, "initialize_update: card challenge of %d bytes", (int)rn);
	if (rt_scp03_card_iu(&u->s, (const uint8_t *)c, n, (const uint8_t *)rnd, out, sizeof(out),
			     &on, &sw, &err)) {
		l_push_sw(L, sw);
		lua_pushstring(L, err.msg);
		return 2;
	}
	lua_pushlstring(L, (const char *)out, on);
	return 1;
}

/* card:external_authenticate(capdu) -> rapdu (SW), errmsg|nil */
static int l_scp03_card_ea(lua_State *L)
{
	struct l_scp03 *u = l_scp03_check(L, 1);
	size_t n;
	const char *c = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };
	uint16_t sw;
	int rc = rt_scp03_card_ext_auth(&u->s, (const uint8_t *)c, n, &sw, &err);

	l_push_sw(L, sw);
	if (rc) {
		lua_pushstring(L, err.msg);
		return 2;
	}
	return 1;
}

/* card:unwrap_command(capdu) -> plain capdu | nil, sw-bytes-to-answer, errmsg */
static int l_scp03_card_unwrap(lua_State *L)
{
	struct l_scp03 *u = l_scp03_check(L, 1);
	size_t n, on;
	const char *c = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };
	uint8_t *out = malloc(RT_CAPDU_MAX);
	uint16_t sw;
	int rc;

	if (!out)
		return luaL_error(L, "unwrap_command: out of memory");
	rc = rt_scp03_card_unwrap(&u->s, (const uint8_t *)c, n, out, RT_CAPDU_MAX, &on, &sw, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)out, on);
	OPENSSL_cleanse(out, RT_CAPDU_MAX);
	free(out);
	if (!rc)
		return 1;
	lua_pushnil(L);
	l_push_sw(L, sw);
	lua_pushstring(L, err.msg);
	return 3;
}

/* card:wrap_response(data, sw) -> rapdu */
static int l_scp03_card_wrap(lua_State *L)
{
	struct l_scp03 *u = l_scp03_check(L, 1);
	size_t n, on;
	const char *d = luaL_checklstring(L, 2, &n);
	lua_Integer sw = luaL_checkinteger(L, 3);
	struct rt_err err = { 0 };
	uint8_t *out = malloc(n + 64);
	int rc;

	if (!out)
		return luaL_error(L, "wrap_response: out of memory");
	rc = rt_scp03_card_wrap(&u->s, (const uint8_t *)d, n, (uint16_t)sw, out, n + 64, &on, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)out, on);
	free(out);
	if (rc)
		return luaL_error(L, "wrap_response: %s", err.msg);
	return 1;
}

/* session:info() -> {role, state, sl, s, i, counter, seq, kvn} */
static int l_scp03_info(lua_State *L)
{
	l_push_info(L, &l_scp03_check(L, 1)->s);
	return 1;
}

/* session:close() — wipes the keys; idempotent */
static int l_scp03_close(lua_State *L)
{
	struct l_scp03 *u = luaL_checkudata(L, 1, L_SCP03_MT);

	rt_scp03_clear(&u->s);
	OPENSSL_cleanse(u->hc, sizeof(u->hc));
	u->open = 0;
	return 0;
}

static int l_scp03_tostring(lua_State *L)
{
	struct l_scp03 *u = luaL_checkudata(L, 1, L_SCP03_MT);

	lua_pushfstring(L, "rt.scp03.session(%s)", u->open ? l_state_name(u->s.state) : "closed");
	return 1;
}

/* rt.scp03.kdf(key, constant, context, nbytes) -> bytes */
static int l_scp03_kdf(lua_State *L)
{
	size_t kn, cn;
	const char *k = luaL_checklstring(L, 1, &kn);
	lua_Integer c = luaL_checkinteger(L, 2);
	const char *ctx = luaL_checklstring(L, 3, &cn);
	lua_Integer nb = luaL_checkinteger(L, 4);
	uint8_t out[255 * 16];
	struct rt_err err = { 0 };

	if (nb <= 0 || nb > (lua_Integer)sizeof(out))
		return luaL_error(L, "rt.scp03.kdf: %d bytes", (int)nb);
	if (rt_scp03_kdf((const uint8_t *)k, kn, (uint8_t)c, (const uint8_t *)ctx, cn, out,
			 (size_t)nb, &err))
		return luaL_error(L, "rt.scp03.kdf: %s", err.msg);
	lua_pushlstring(L, (const char *)out, (size_t)nb);
	OPENSSL_cleanse(out, (size_t)nb);
	return 1;
}

/* rt.scp03.kcv(key) -> 3 bytes */
static int l_scp03_kcv(lua_State *L)
{
	size_t kn;
	const char *k = luaL_checklstring(L, 1, &kn);
	uint8_t kcv[RT_CRYPTO_KCV_LEN];
	struct rt_err err = { 0 };

	if (rt_scp03_kcv((const uint8_t *)k, kn, kcv, &err))
		return luaL_error(L, "rt.scp03.kcv: %s", err.msg);
	lua_pushlstring(L, (const char *)kcv, sizeof(kcv));
	return 1;
}

/* rt.scp03.dek_wrap(dek, key [, pad80]) -> key component block */
static int l_scp03_dek_wrap(lua_State *L)
{
	size_t dn, kn, on;
	const char *d = luaL_checklstring(L, 1, &dn);
	const char *k = luaL_checklstring(L, 2, &kn);
	int p80 = lua_toboolean(L, 3);
	uint8_t out[4096 + 32];
	struct rt_err err = { 0 };

	if (rt_scp03_dek_wrap((const uint8_t *)d, dn, p80 ? RT_SCP03_DEK_PAD_80 :
							    RT_SCP03_DEK_PAD_ZERO,
			      (const uint8_t *)k, kn, out, sizeof(out), &on, &err))
		return luaL_error(L, "rt.scp03.dek_wrap: %s", err.msg);
	lua_pushlstring(L, (const char *)out, on);
	return 1;
}

/* rt.scp03.dek_unwrap(dek, kcb) -> key */
static int l_scp03_dek_unwrap(lua_State *L)
{
	size_t dn, kn, on;
	const char *d = luaL_checklstring(L, 1, &dn);
	const char *k = luaL_checklstring(L, 2, &kn);
	uint8_t out[4096 + 32];
	struct rt_err err = { 0 };

	if (rt_scp03_dek_unwrap((const uint8_t *)d, dn, (const uint8_t *)k, kn, out, sizeof(out),
				&on, &err))
		return luaL_error(L, "rt.scp03.dek_unwrap: %s", err.msg);
	lua_pushlstring(L, (const char *)out, on);
	OPENSSL_cleanse(out, on);
	return 1;
}

/* Methods differ by role only for initialize_update / external_authenticate. */
static int l_scp03_index(lua_State *L)
{
	struct l_scp03 *u = luaL_checkudata(L, 1, L_SCP03_MT);
	const char *k = luaL_checkstring(L, 2);
	int card = u->s.role == RT_SCP03_CARD;

	if (strcmp(k, "initialize_update") == 0)
		lua_pushcfunction(L, card ? l_scp03_card_iu : l_scp03_iu);
	else if (strcmp(k, "external_authenticate") == 0)
		lua_pushcfunction(L, card ? l_scp03_card_ea : l_scp03_ea);
	else if (strcmp(k, "process_iu_response") == 0)
		lua_pushcfunction(L, l_scp03_iu_rsp);
	else if (strcmp(k, "wrap") == 0)
		lua_pushcfunction(L, l_scp03_wrap);
	else if (strcmp(k, "unwrap") == 0)
		lua_pushcfunction(L, l_scp03_unwrap);
	else if (strcmp(k, "unwrap_command") == 0)
		lua_pushcfunction(L, l_scp03_card_unwrap);
	else if (strcmp(k, "wrap_response") == 0)
		lua_pushcfunction(L, l_scp03_card_wrap);
	else if (strcmp(k, "info") == 0)
		lua_pushcfunction(L, l_scp03_info);
	else if (strcmp(k, "close") == 0)
		lua_pushcfunction(L, l_scp03_close);
	else
		lua_pushnil(L);
	return 1;
}

static const luaL_Reg l_scp03_funcs[] = {
	{ "host", l_scp03_host },	  { "card", l_scp03_card },
	{ "kdf", l_scp03_kdf },		  { "kcv", l_scp03_kcv },
	{ "dek_wrap", l_scp03_dek_wrap }, { "dek_unwrap", l_scp03_dek_unwrap },
	{ NULL, NULL },
};

int luaopen_rt_scp03(lua_State *L)
{
	if (luaL_newmetatable(L, L_SCP03_MT)) {
		lua_pushcfunction(L, l_scp03_index);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_scp03_close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, l_scp03_close);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, l_scp03_tostring);
		lua_setfield(L, -2, "__tostring");
	}
	lua_pop(L, 1);
	luaL_newlib(L, l_scp03_funcs);
	lua_createtable(L, 0, 4);
	lua_pushinteger(L, RT_SCP03_SL_CMAC);
	lua_setfield(L, -2, "CMAC");
	lua_pushinteger(L, RT_SCP03_SL_CDEC);
	lua_setfield(L, -2, "CDEC");
	lua_pushinteger(L, RT_SCP03_SL_RMAC);
	lua_setfield(L, -2, "RMAC");
	lua_pushinteger(L, RT_SCP03_SL_RENC);
	lua_setfield(L, -2, "RENC");
	lua_setfield(L, -2, "sl");
	return 1;
}

/* ---- rt.scp03t ------------------------------------------------------------------------ */

static struct l_scp03t *l_scp03t_check(lua_State *L, int idx)
{
	struct l_scp03t *u = luaL_checkudata(L, idx, L_SCP03T_MT);

	if (!u->open)
		luaL_error(L, "rt.scp03t: session is closed");
	return u;
}

static void l_scp03t_opts(lua_State *L, int t, struct rt_scp03t_opts *o)
{
	const char *ri;

	memset(o, 0, sizeof(*o));
	o->max_segment = (size_t)l_field_int(L, t, "max_segment", 0);
	o->rmac_on_empty = l_field_bool(L, t, "rmac_on_empty");
	o->reason_order = (uint8_t)l_field_int(L, t, "reason_order", 0);
	o->reason_padding = (uint8_t)l_field_int(L, t, "reason_padding", 0);
	o->reassembly_max = (size_t)l_field_int(L, t, "reassembly_max", 0);
	lua_getfield(L, t, "rmac_input");
	ri = lua_tostring(L, -1);
	if (ri && strcmp(ri, "data") == 0)
		o->rmac_input = RT_SCP03T_RMAC_DATA;
	else if (ri && strcmp(ri, "tlv") != 0)
		luaL_error(L, "rt.scp03t: rmac_input is 'tlv' or 'data'");
	lua_pop(L, 1);
}

static struct l_scp03t *l_scp03t_new(lua_State *L)
{
	struct l_scp03t *u = lua_newuserdatauv(L, sizeof(*u), 0);

	memset(u, 0, sizeof(*u));
	rt_buf_init(&u->package, RT_SCP03T_REASSEMBLY_DEFAULT);
	luaL_setmetatable(L, L_SCP03T_MT);
	return u;
}

/* rt.scp03t.host{enc=, mac=, kvn=0x30, host_challenge=, max_segment=1024,
 * rmac_input="tlv"|"data", rmac_on_empty=false, opts=} -> session */
static int l_scp03t_host(lua_State *L)
{
	struct rt_scp03_keys k;
	struct rt_scp03_opts so;
	struct rt_scp03t_opts o;
	struct rt_err err = { 0 };
	struct l_scp03t *u;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	l_keys(L, 1, &k, 0);
	l_opts(L, 1, &so);
	l_scp03t_opts(L, 1, &o);
	u = l_scp03t_new(L);
	u->hclen = l_host_challenge(L, 1, u->hc);
	rc = rt_scp03t_host_init(&u->t, &k, &so, &o, &err);
	OPENSSL_cleanse(&k, sizeof(k));
	if (rc)
		return luaL_error(L, "rt.scp03t.host: %s", err.msg);
	u->open = 1;
	return 1;
}

/* rt.scp03t.card{enc=, mac=, kvn=0x30, i=0x70, aid=, seq=0, kdd=, reassembly_max=, ...}
 * -> session */
static int l_scp03t_card(lua_State *L)
{
	struct rt_scp03_keys k;
	struct rt_scp03_opts so;
	struct rt_scp03t_opts o;
	struct rt_err err = { 0 };
	struct l_scp03t *u;
	size_t aidlen, kddlen;
	const char *aid, *kdd;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	l_keys(L, 1, &k, 0);
	l_opts(L, 1, &so);
	l_scp03t_opts(L, 1, &o);
	aid = l_field_bytes(L, 1, "aid", &aidlen, 0);
	kdd = l_field_bytes(L, 1, "kdd", &kddlen, 0);
	if (kdd && kddlen != RT_SCP03_KDD_LEN)
		return luaL_error(L, "rt.scp03t.card: kdd must be 10 bytes");
	u = l_scp03t_new(L);
	rc = rt_scp03t_card_init(&u->t, &k, (uint8_t)l_field_int(L, 1, "i", 0x70),
				 (const uint8_t *)aid, aidlen, (uint32_t)l_field_int(L, 1, "seq", 0),
				 (const uint8_t *)kdd, &so, &o, &err);
	OPENSSL_cleanse(&k, sizeof(k));
	if (rc)
		return luaL_error(L, "rt.scp03t.card: %s", err.msg);
	if (o.reassembly_max)
		u->package.max = o.reassembly_max;
	u->open = 1;
	return 1;
}

/* Pushes b as a string and frees it. */
static void l_push_buf(lua_State *L, struct rt_buf *b)
{
	lua_pushlstring(L, b->data ? (const char *)b->data : "", b->len);
	rt_buf_free(b);
}

/* host:initialize_update() -> 84 TLV */
static int l_scp03t_iu(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);
	struct rt_err err = { 0 };
	struct rt_buf b;

	rt_buf_init(&b, 64);
	if (rt_scp03t_host_iu(&u->t, u->hc, u->hclen, &b, &err)) {
		rt_buf_free(&b);
		return luaL_error(L, "initialize_update: %s", err.msg);
	}
	l_push_buf(L, &b);
	return 1;
}

/* host:process_iu_response(tlv) -> true; raises on 9F44 or a card cryptogram mismatch */
static int l_scp03t_iu_rsp(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);
	size_t n;
	const char *r = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };

	if (rt_scp03t_host_iu_response(&u->t, (const uint8_t *)r, n, &err))
		return luaL_error(L, "process_iu_response: %s", err.msg);
	lua_pushboolean(L, 1);
	return 1;
}

/* host:external_authenticate([sl=0x33]) -> 85 TLV */
static int l_scp03t_ea(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);
	uint8_t sl = (uint8_t)luaL_optinteger(L, 2, 0x33);
	struct rt_err err = { 0 };
	struct rt_buf b;

	rt_buf_init(&b, 64);
	if (rt_scp03t_host_ext_auth(&u->t, sl, &b, &err)) {
		rt_buf_free(&b);
		return luaL_error(L, "external_authenticate: %s", err.msg);
	}
	l_push_buf(L, &b);
	return 1;
}

/* host:process_ea_response(tlv) -> true; raises on 9F45 */
static int l_scp03t_ea_rsp(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);
	size_t n;
	const char *r = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };

	if (rt_scp03t_host_ext_auth_response(&u->t, (const uint8_t *)r, n, &err))
		return luaL_error(L, "process_ea_response: %s", err.msg);
	lua_pushboolean(L, 1);
	return 1;
}

/* host:wrap(data) -> one 86 TLV */
static int l_scp03t_wrap(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);
	size_t n;
	const char *d = luaL_checklstring(L, 2, &n);
	struct rt_err err = { 0 };
	struct rt_buf b;

	rt_buf_init(&b, n + 64);
	if (rt_scp03t_host_wrap(&u->t, (const uint8_t *)d, n, &b, &err)) {
		rt_buf_free(&b);
		return luaL_error(L, "wrap: %s", err.msg);
	}
	l_push_buf(L, &b);
	return 1;
}

/* host:segment(package [, max_segment]) -> {86 TLV, ...}; the session remembers each
 * segment so that unwrap(answer, k) can check the answer to segment k. */
static int l_scp03t_segment(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);
	size_t n, count, off = 0, k;
	const char *p = luaL_checklstring(L, 2, &n);
	size_t maxs = (size_t)luaL_optinteger(L, 3, 0);
	struct rt_err err = { 0 };
	struct rt_buf b;

	if (!u->marks) {
		u->marks = calloc(L_SCP03T_MARKS, sizeof(*u->marks));
		if (!u->marks)
			return luaL_error(L, "segment: out of memory");
	}
	rt_buf_init(&b, 2 * n + 4096 + n / 8);
	if (rt_scp03t_host_segment(&u->t, (const uint8_t *)p, n, maxs, &b, &count, u->marks,
				   L_SCP03T_MARKS, &err)) {
		rt_buf_free(&b);
		return luaL_error(L, "segment: %s", err.msg);
	}
	u->nmarks = count < L_SCP03T_MARKS ? count : L_SCP03T_MARKS;
	lua_createtable(L, (int)count, 0);
	for (k = 0; k < count; k++) {
		struct rt_tlv x;

		if (rt_tlv_decode(b.data + off, b.len - off, 0, 0, 0, &x, &err)) {
			rt_buf_free(&b);
			return luaL_error(L, "segment: %s", err.msg);
		}
		lua_pushlstring(L, (const char *)b.data + off, x.total_len);
		lua_rawseti(L, -2, (lua_Integer)k + 1);
		off += x.total_len;
	}
	rt_buf_free(&b);
	return 1;
}

/* host:unwrap(tlv [, k]) -> data; k = segment number from segment() (1-based), default
 * the last 86 sent. Raises on 9F46 or an R-MAC mismatch. */
static int l_scp03t_unwrap(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);
	size_t n;
	const char *r = luaL_checklstring(L, 2, &n);
	lua_Integer k = luaL_optinteger(L, 3, 0);
	const struct rt_scp03t_mark *m = NULL;
	struct rt_err err = { 0 };
	struct rt_buf b;

	if (k) {
		if (k < 1 || (size_t)k > u->nmarks)
			return luaL_error(L, "unwrap: no segment %d", (int)k);
		m = &u->marks[k - 1];
	}
	rt_buf_init(&b, n + 16);
	if (rt_scp03t_host_unwrap_for(&u->t, m, (const uint8_t *)r, n, &b, &err)) {
		rt_buf_free(&b);
		return luaL_error(L, "unwrap: %s", err.msg);
	}
	l_push_buf(L, &b);
	return 1;
}

/* card:process(tlvs [, answer]) -> responses, errmsg|nil
 * Runs every command TLV of tlvs (one or several concatenated); each accepted 86 is
 * answered with answer(plain_segment) -> data|nil (default: no data, `86 00`). Stops at
 * the first error, whose error TLV ends the responses. The reassembled package is
 * card:package(). */
static int l_scp03t_process(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);
	size_t n, off = 0, used;
	const char *c = luaL_checklstring(L, 2, &n);
	int have_fn = lua_isfunction(L, 3);
	struct rt_err err = { 0 };
	struct rt_buf rsp;
	int rc = 0;

	rt_buf_init(&rsp, 2 * n + (1u << 16));
	while (off < n) {
		size_t before = u->package.len;

		rc = rt_scp03t_card_command(&u->t, (const uint8_t *)c + off, n - off, &used,
					    &u->package, &rsp, &err);
		if (rc)
			break;
		off += used;
		if (u->t.need_rsp) {
			const char *d = NULL;
			size_t dn = 0;

			if (have_fn) {
				lua_pushvalue(L, 3);
				lua_pushlstring(L, (const char *)u->package.data + before,
						u->package.len - before);
				if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
					rt_buf_free(&rsp);
					return lua_error(L);
				}
				if (!lua_isnil(L, -1))
					d = luaL_checklstring(L, -1, &dn);
			}
			rc = rt_scp03t_card_response(&u->t, (const uint8_t *)d, dn, &rsp, &err);
			if (have_fn)
				lua_pop(L, 1);
			if (rc)
				break;
		}
	}
	l_push_buf(L, &rsp);
	if (rc) {
		lua_pushstring(L, err.msg);
		return 2;
	}
	return 1;
}

/* card:package() -> the plain data reassembled from accepted 86 segments */
static int l_scp03t_package(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);

	lua_pushlstring(L, u->package.data ? (const char *)u->package.data : "", u->package.len);
	return 1;
}

/* card:set_card_challenge(bytes) — the challenge the next 84 uses (replay / i without 10) */
static int l_scp03t_set_cc(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);
	size_t n;
	const char *c = luaL_checklstring(L, 2, &n);

	if (n != 8 && n != 16)
		return luaL_error(L, "set_card_challenge: %d bytes", (int)n);
	memcpy(u->t.card_random, c, n);
	u->t.has_card_random = 1;
	return 0;
}

/* session:info() -> {role, state, sl, s, i, counter, seq, kvn, last_reason} */
static int l_scp03t_info(lua_State *L)
{
	struct l_scp03t *u = l_scp03t_check(L, 1);

	l_push_info(L, &u->t.s);
	lua_pushinteger(L, u->t.last_reason);
	lua_setfield(L, -2, "last_reason");
	return 1;
}

/* session:close() — wipes keys and the reassembled package; idempotent */
static int l_scp03t_close(lua_State *L)
{
	struct l_scp03t *u = luaL_checkudata(L, 1, L_SCP03T_MT);

	if (u->open)
		rt_scp03t_clear(&u->t);
	if (u->package.data)
		OPENSSL_cleanse(u->package.data, u->package.cap);
	rt_buf_free(&u->package);
	if (u->marks) {
		OPENSSL_cleanse(u->marks, L_SCP03T_MARKS * sizeof(*u->marks));
		free(u->marks);
		u->marks = NULL;
	}
	u->open = 0;
	return 0;
}

static int l_scp03t_tostring(lua_State *L)
{
	struct l_scp03t *u = luaL_checkudata(L, 1, L_SCP03T_MT);

	lua_pushfstring(L, "rt.scp03t.session(%s)",
			u->open ? l_state_name(u->t.s.state) : "closed");
	return 1;
}

/* rt.scp03t.error_tlv(command_tag, reason) -> 9F4x 01 reason */
static int l_scp03t_error_tlv(lua_State *L)
{
	lua_Integer tag = luaL_checkinteger(L, 1), reason = luaL_checkinteger(L, 2);
	struct rt_err err = { 0 };
	struct rt_buf b;

	rt_buf_init(&b, 8);
	if (rt_scp03t_error_tlv((uint8_t)tag, (uint8_t)reason, &b, &err)) {
		rt_buf_free(&b);
		return luaL_error(L, "rt.scp03t.error_tlv: %s", err.msg);
	}
	l_push_buf(L, &b);
	return 1;
}

static const luaL_Reg l_scp03t_methods[] = {
	{ "initialize_update", l_scp03t_iu },
	{ "process_iu_response", l_scp03t_iu_rsp },
	{ "external_authenticate", l_scp03t_ea },
	{ "process_ea_response", l_scp03t_ea_rsp },
	{ "wrap", l_scp03t_wrap },
	{ "segment", l_scp03t_segment },
	{ "unwrap", l_scp03t_unwrap },
	{ "process", l_scp03t_process },
	{ "package", l_scp03t_package },
	{ "set_card_challenge", l_scp03t_set_cc },
	{ "info", l_scp03t_info },
	{ "close", l_scp03t_close },
	{ NULL, NULL },
};

static const luaL_Reg l_scp03t_funcs[] = {
	{ "host", l_scp03t_host },
	{ "card", l_scp03t_card },
	{ "error_tlv", l_scp03t_error_tlv },
	{ NULL, NULL },
};

int luaopen_rt_scp03t(lua_State *L)
{
	if (luaL_newmetatable(L, L_SCP03T_MT)) {
		luaL_newlib(L, l_scp03t_methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_scp03t_close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, l_scp03t_close);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, l_scp03t_tostring);
		lua_setfield(L, -2, "__tostring");
	}
	lua_pop(L, 1);
	luaL_newlib(L, l_scp03t_funcs);
	lua_createtable(L, 0, 3);
	lua_pushinteger(L, RT_SCP03T_R_LENGTH);
	lua_setfield(L, -2, "LENGTH");
	lua_pushinteger(L, RT_SCP03T_R_SECURITY);
	lua_setfield(L, -2, "SECURITY");
	lua_pushinteger(L, RT_SCP03T_R_NOT_FOUND);
	lua_setfield(L, -2, "NOT_FOUND");
	lua_setfield(L, -2, "reason");
	return 1;
}
