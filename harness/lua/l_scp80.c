/* SPDX-License-Identifier: Apache-2.0 */
/* l_scp80 — the rt.scp80 Lua module: SCP80 secured packets (ETSI TS 102 225, 3GPP
 * TS 31.115) for scripts and test steps, both ends.
 *
 * Thin binding over scp/rt_scp80 (the protocol rules live there): SPI / KIc / KID as
 * readable tables, the sending entity's wrap and PoR verification as functions, and the
 * receiving entity (a card's RFM/RAM endpoint) as a userdata "rt.scp80.card" that owns
 * copies of its keysets and counters and maps the C key-lookup callback onto them.
 *
 * Bytes cross as Lua strings (keys, TAR, counters, SPI, packets); KIc/KID are integers.
 * Key material: the card object's copies are wiped (OPENSSL_cleanse) by one idempotent
 * close shared by :close(), __close and __gc; the key copies wrap/verify_por make on
 * the C stack are wiped before any error is raised. Keys are never put in a message or
 * in __tostring. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <openssl/crypto.h>

#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"
#include "scp/rt_scp80.h"

#define RT_SCP80_CARD_MT "rt.scp80.card"
#define L_SCP80_KEYSETS 16   /* KIc/KID high nibble */
#define L_SCP80_MAX_TARS 64  /* TARs one card object answers for */

/* ---- names ----------------------------------------------------------------------- */

/* SPI1 b2b1 / SPI2 b4b3, in enum rt_scp80_check order (TS 102 225 5.1.1). */
static const char *const l_scp80_check_names[] = { "none", "rc", "cc", "ds", NULL };
/* SPI1 b5b4, in enum rt_scp80_cntr_mode order. */
static const char *const l_scp80_cntr_names[] = { "none", "nocheck", "higher", "one_higher",
						  NULL };
/* SPI2 b2b1, in enum rt_scp80_por_req order. */
static const char *const l_scp80_por_names[] = { "none", "por_required", "por_on_error",
						 "reserved", NULL };
static const char *const l_scp80_dialect_names[] = { "sms", "generic", NULL };
static const char *const l_scp80_cntr11_names[] = { "one_higher", "higher", NULL };

/* Short algorithm names and what each means in KIc, in KID with CC and in KID with RC
 * (TS 102 225 5.1.2, 5.1.3); RT_SCP80_ALG_NONE where the name does not apply. */
struct l_scp80_algname {
	const char *name;
	enum rt_scp80_alg kic, kid_cc, kid_rc;
};

static const struct l_scp80_algname l_scp80_algs[] = {
	{ "des", RT_SCP80_ALG_DES_CBC, RT_SCP80_ALG_DES_MAC, RT_SCP80_ALG_NONE },
	{ "3des2", RT_SCP80_ALG_3DES2_CBC, RT_SCP80_ALG_3DES2_MAC, RT_SCP80_ALG_NONE },
	{ "3des3", RT_SCP80_ALG_3DES3_CBC, RT_SCP80_ALG_3DES3_MAC, RT_SCP80_ALG_NONE },
	{ "des_ecb", RT_SCP80_ALG_DES_ECB, RT_SCP80_ALG_NONE, RT_SCP80_ALG_NONE },
	{ "aes", RT_SCP80_ALG_AES_CBC, RT_SCP80_ALG_AES_CMAC, RT_SCP80_ALG_NONE },
	{ "crc16", RT_SCP80_ALG_NONE, RT_SCP80_ALG_NONE, RT_SCP80_ALG_CRC16 },
	{ "crc32", RT_SCP80_ALG_NONE, RT_SCP80_ALG_NONE, RT_SCP80_ALG_CRC32 },
};

#define L_SCP80_NALGS (sizeof(l_scp80_algs) / sizeof(l_scp80_algs[0]))

/* Which byte an algorithm name is read for. */
enum l_scp80_role { L_ROLE_KIC = 0, L_ROLE_KID_CC, L_ROLE_KID_RC, L_ROLE_KID_ANY };

static enum rt_scp80_alg l_scp80_alg_of(const struct l_scp80_algname *a, enum l_scp80_role r)
{
	switch (r) {
	case L_ROLE_KIC:
		return a->kic;
	case L_ROLE_KID_CC:
		return a->kid_cc;
	case L_ROLE_KID_RC:
		return a->kid_rc;
	case L_ROLE_KID_ANY:
		return a->kid_cc != RT_SCP80_ALG_NONE ? a->kid_cc : a->kid_rc;
	}
	return RT_SCP80_ALG_NONE;
}

/* Short name of an algorithm ("aes" for both AES-CBC and AES-CMAC); NULL for NONE. */
static const char *l_scp80_alg_short(enum rt_scp80_alg alg)
{
	size_t i;

	if (alg == RT_SCP80_ALG_NONE)
		return NULL;
	for (i = 0; i < L_SCP80_NALGS; i++)
		if (l_scp80_algs[i].kic == alg || l_scp80_algs[i].kid_cc == alg ||
		    l_scp80_algs[i].kid_rc == alg)
			return l_scp80_algs[i].name;
	return NULL;
}

/* Algorithm named s for role r; "implicit" gives ALG_NONE (nibble 0). Raises otherwise. */
static enum rt_scp80_alg l_scp80_alg_parse(lua_State *L, const char *fn, const char *field,
					   const char *s, enum l_scp80_role r)
{
	size_t i;

	if (strcmp(s, "implicit") == 0)
		return RT_SCP80_ALG_NONE;
	for (i = 0; i < L_SCP80_NALGS; i++) {
		enum rt_scp80_alg a = l_scp80_alg_of(&l_scp80_algs[i], r);

		if (strcmp(s, l_scp80_algs[i].name) == 0 && a != RT_SCP80_ALG_NONE)
			return a;
	}
	rt_lua_error(L, "%s: %s '%s' unknown here (%s)", fn, field, s,
		     r == L_ROLE_KIC ? "des, 3des2, 3des3, des_ecb, aes, implicit"
		     : r == L_ROLE_KID_CC ? "des, 3des2, 3des3, aes, implicit"
		     : r == L_ROLE_KID_RC ? "crc16, crc32, implicit"
					  : "des, 3des2, 3des3, aes, crc16, crc32, implicit");
	return RT_SCP80_ALG_NONE;
}

/* ---- argument helpers ------------------------------------------------------------ */

/* The string at the top of the stack (an algorithm name field); raises otherwise. */
static const char *l_scp80_strtop(lua_State *L, const char *fn, const char *field)
{
	if (lua_type(L, -1) != LUA_TSTRING)
		rt_lua_error(L, "%s: %s must be a name, not %s", fn, field, luaL_typename(L, -1));
	return lua_tostring(L, -1);
}

/* Index of the string at the top of the stack in names[]; raises naming the field and
 * the valid names. Pops nothing. */
static int l_scp80_pick(lua_State *L, const char *fn, const char *field,
			const char *const names[])
{
	/* Only a real string counts (lua_tostring would turn a number into one). */
	const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	char list[160] = "";
	size_t used = 0;
	int i;

	for (i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	for (i = 0; names[i]; i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);

		if (w < 0 || (size_t)w >= sizeof(list) - used)
			break;
		used += (size_t)w;
	}
	return rt_lua_error(L, "%s: %s must be one of %s, not %s", fn, field, list,
			    s ? s : luaL_typename(L, -1));
}

/* Field name of the table at idx as an integer lo..hi; dflt when nil (dflt < lo:
 * required). */
static lua_Integer l_scp80_intfield(lua_State *L, int idx, const char *fn, const char *name,
				    lua_Integer lo, lua_Integer hi, lua_Integer dflt)
{
	lua_Integer v;
	int isint;

	if (lua_getfield(L, idx, name) == LUA_TNIL) {
		lua_pop(L, 1);
		if (dflt < lo)
			rt_lua_error(L, "%s: field '%s' missing", fn, name);
		return dflt;
	}
	v = lua_tointegerx(L, -1, &isint);
	lua_pop(L, 1);
	if (!isint || v < lo || v > hi)
		rt_lua_error(L, "%s: field '%s' must be an integer %lld..%lld", fn, name,
			     (long long)lo, (long long)hi);
	return v;
}

/* Field name of the table at idx as a byte string of exactly n bytes, copied to out;
 * dflt (n bytes) when nil, or required when dflt is NULL. */
static void l_scp80_fixfield(lua_State *L, int idx, const char *fn, const char *name,
			     size_t n, const uint8_t *dflt, uint8_t *out)
{
	size_t len;
	const char *s;

	if (lua_getfield(L, idx, name) == LUA_TNIL) {
		lua_pop(L, 1);
		if (!dflt)
			rt_lua_error(L, "%s: field '%s' missing (%zu bytes)", fn, name, n);
		memcpy(out, dflt, n);
		return;
	}
	if (lua_type(L, -1) != LUA_TSTRING)
		rt_lua_error(L, "%s: field '%s' must be a byte string of %zu bytes, not %s", fn,
			     name, n, luaL_typename(L, -1));
	s = lua_tolstring(L, -1, &len);
	if (len != n)
		rt_lua_error(L, "%s: field '%s' is %zu bytes, must be %zu", fn, name, len, n);
	memcpy(out, s, n);
	lua_pop(L, 1);
}

/* Checks a key length before any copy is made: the key structs hold at most 32 bytes,
 * and SCP80 keys are DES, 3DES or AES keys. Which length suits which algorithm is
 * checked again by rt_scp80 once the algorithm is known. */
static void l_scp80_keylen_check(lua_State *L, const char *fn, const char *name, size_t len)
{
	if (len != 8 && len != 16 && len != 24 && len != 32)
		rt_lua_error(L,
			     "%s: %s is %zu bytes; an SCP80 key is 8 (DES), 16 (3DES 2-key, "
			     "AES-128), 24 (3DES 3-key, AES-192) or 32 (AES-256) bytes",
			     fn, name, len);
}

/* Key field name of the table at idx: leaves the string on the stack (so *p stays
 * valid) and checks its length; *p = NULL, *len = 0 when absent (nil pushed). */
static void l_scp80_keyfield(lua_State *L, int idx, const char *fn, const char *name,
			     const char **p, size_t *len)
{
	*p = NULL;
	*len = 0;
	if (lua_getfield(L, idx, name) == LUA_TNIL)
		return;
	if (lua_type(L, -1) != LUA_TSTRING)
		rt_lua_error(L, "%s: %s must be a byte string, not %s", fn, name,
			     luaL_typename(L, -1));
	*p = lua_tolstring(L, -1, len);
	l_scp80_keylen_check(L, fn, name, *len);
}

/* Table at idx -> struct rt_scp80_spi; missing fields are none/false/0. */
static void l_scp80_spi_from_table(lua_State *L, int idx, const char *fn,
				   struct rt_scp80_spi *s)
{
	memset(s, 0, sizeof(*s));
	idx = lua_absindex(L, idx);
	if (lua_getfield(L, idx, "check") != LUA_TNIL)
		s->check = (enum rt_scp80_check)l_scp80_pick(L, fn, "spi.check", l_scp80_check_names);
	lua_pop(L, 1);
	if (lua_getfield(L, idx, "cntr") != LUA_TNIL)
		s->cntr = (enum rt_scp80_cntr_mode)l_scp80_pick(L, fn, "spi.cntr", l_scp80_cntr_names);
	lua_pop(L, 1);
	if (lua_getfield(L, idx, "por") != LUA_TNIL)
		s->por = (enum rt_scp80_por_req)l_scp80_pick(L, fn, "spi.por", l_scp80_por_names);
	lua_pop(L, 1);
	if (lua_getfield(L, idx, "por_check") != LUA_TNIL)
		s->por_check = (enum rt_scp80_check)l_scp80_pick(L, fn, "spi.por_check",
								 l_scp80_check_names);
	lua_pop(L, 1);
	lua_getfield(L, idx, "ciphered");
	s->ciphered = lua_toboolean(L, -1);
	lua_getfield(L, idx, "por_ciphered");
	s->por_ciphered = lua_toboolean(L, -1);
	lua_getfield(L, idx, "por_via_submit");
	s->por_via_submit = lua_toboolean(L, -1);
	lua_pop(L, 3);
	s->rfu1 = (uint8_t)l_scp80_intfield(L, idx, fn, "rfu1", 0, 7, 0);
	s->rfu2 = (uint8_t)l_scp80_intfield(L, idx, fn, "rfu2", 0, 3, 0);
}

/* The value at idx as two SPI bytes: a 2-byte string or a table as spi_encode takes. */
static void l_scp80_spi_value(lua_State *L, int idx, const char *fn, const char *what,
			      uint8_t spi[2])
{
	if (lua_type(L, idx) == LUA_TSTRING) {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);

		if (n != 2)
			rt_lua_error(L, "%s: %s is %zu bytes, must be 2", fn, what, n);
		memcpy(spi, s, 2);
	} else if (lua_istable(L, idx)) {
		struct rt_scp80_spi s;

		l_scp80_spi_from_table(L, idx, fn, &s);
		rt_scp80_spi_encode(&s, spi);
	} else {
		rt_lua_error(L, "%s: %s must be 2 bytes or a table, not %s", fn, what,
			     luaL_typename(L, idx));
	}
}

/* Forward: KIc/KID table -> byte. */
static uint8_t l_scp80_keyref_from_table(lua_State *L, int idx, const char *fn, int is_kid);

/* Field name (KIc or KID) of the table at idx: an integer 0..255 or a table {keyset=,
 * alg=}; 0 when absent. */
static uint8_t l_scp80_kbyte_field(lua_State *L, int idx, const char *fn, const char *name,
				   int is_kid)
{
	uint8_t v = 0;
	int t = lua_getfield(L, idx, name);

	if (t == LUA_TTABLE) {
		v = l_scp80_keyref_from_table(L, -1, fn, is_kid);
	} else if (t != LUA_TNIL) {
		lua_Integer i;
		int isint;

		i = lua_tointegerx(L, -1, &isint);
		if (!isint || i < 0 || i > 255)
			rt_lua_error(L, "%s: %s must be a byte value 0..255 or a table", fn, name);
		v = (uint8_t)i;
	}
	lua_pop(L, 1);
	return v;
}

/* opts field of the table at idx -> struct rt_scp80_opts (defaults when absent). */
static void l_scp80_opts_field(lua_State *L, int idx, const char *fn, struct rt_scp80_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->aes_cc_len = 8;
	o->cntr11 = RT_SCP80_CNTR11_ONE_HIGHER;
	if (lua_getfield(L, idx, "opts") == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_istable(L, -1))
		rt_lua_error(L, "%s: opts must be a table", fn);
	o->aes_cc_len = (size_t)l_scp80_intfield(L, lua_gettop(L), fn, "aes_cc_len", 4, 8, 8);
	if (o->aes_cc_len != 4 && o->aes_cc_len != 8)
		rt_lua_error(L, "%s: opts.aes_cc_len must be 4 or 8", fn);
	if (lua_getfield(L, -1, "cntr11") != LUA_TNIL)
		o->cntr11 = (enum rt_scp80_cntr11)l_scp80_pick(L, fn, "opts.cntr11",
							       l_scp80_cntr11_names);
	lua_pop(L, 1);
	o->cntr_max_delta =
		(uint64_t)l_scp80_intfield(L, lua_gettop(L), fn, "cntr_max_delta", 0,
					   (lua_Integer)0xFFFFFFFFFFll, 0);
	lua_pop(L, 1);
}

/* dialect field of the table at idx (default "sms"). */
static enum rt_scp80_dialect l_scp80_dialect_field(lua_State *L, int idx, const char *fn)
{
	enum rt_scp80_dialect d = RT_SCP80_SMS;

	if (lua_getfield(L, idx, "dialect") != LUA_TNIL)
		d = l_scp80_pick(L, fn, "dialect", l_scp80_dialect_names) ? RT_SCP80_GENERIC
									  : RT_SCP80_SMS;
	lua_pop(L, 1);
	return d;
}

/* The security parameters of wrap / verify_por, read from the table at idx. The key
 * strings stay on the Lua stack (pointers into them) until l_scp80_sec_keys copies
 * them, so that no key copy exists while an argument error can still be raised. */
struct l_scp80_secargs {
	struct rt_scp80_sec sec;
	struct rt_scp80_opts opts;
	const char *kic_key, *kid_key;
	size_t kic_len, kid_len;
	enum rt_scp80_alg kic_alg, kid_alg;
};

static void l_scp80_secargs_read(lua_State *L, int idx, const char *fn,
				 struct l_scp80_secargs *a)
{
	static const uint8_t zero5[RT_SCP80_CNTR_LEN] = { 0 };

	memset(a, 0, sizeof(*a));
	luaL_checkstack(L, 8, fn);
	a->sec.dialect = l_scp80_dialect_field(L, idx, fn);
	if (lua_getfield(L, idx, "spi") == LUA_TNIL)
		rt_lua_error(L, "%s: field 'spi' missing", fn);
	l_scp80_spi_value(L, -1, fn, "spi", a->sec.spi);
	lua_pop(L, 1);
	a->sec.kic = l_scp80_kbyte_field(L, idx, fn, "kic", 0);
	a->sec.kid = l_scp80_kbyte_field(L, idx, fn, "kid", 1);
	l_scp80_fixfield(L, idx, fn, "tar", RT_SCP80_TAR_LEN, NULL, a->sec.tar);
	l_scp80_fixfield(L, idx, fn, "cntr", RT_SCP80_CNTR_LEN, zero5, a->sec.cntr);
	l_scp80_opts_field(L, idx, fn, &a->opts);
	if (lua_getfield(L, idx, "kic_alg") != LUA_TNIL)
		a->kic_alg = l_scp80_alg_parse(L, fn, "kic_alg", l_scp80_strtop(L, fn, "kic_alg"),
					       L_ROLE_KIC);
	if (lua_getfield(L, idx, "kid_alg") != LUA_TNIL)
		a->kid_alg = l_scp80_alg_parse(L, fn, "kid_alg", l_scp80_strtop(L, fn, "kid_alg"),
					       L_ROLE_KID_ANY);
	lua_pop(L, 2);
	/* Last: the keys (left on the stack). */
	l_scp80_keyfield(L, idx, fn, "kic_key", &a->kic_key, &a->kic_len);
	l_scp80_keyfield(L, idx, fn, "kid_key", &a->kid_key, &a->kid_len);
}

/* Copies the keys into kic/kid and points a->sec at them. Cannot fail (lengths were
 * checked). The caller wipes kic/kid with OPENSSL_cleanse. */
static void l_scp80_sec_keys(struct l_scp80_secargs *a, struct rt_scp80_key *kic,
			     struct rt_scp80_key *kid)
{
	memset(kic, 0, sizeof(*kic));
	memset(kid, 0, sizeof(*kid));
	if (a->kic_key) {
		memcpy(kic->key, a->kic_key, a->kic_len);
		kic->len = a->kic_len;
		kic->alg = a->kic_alg;
		a->sec.kic_key = kic;
	}
	if (a->kid_key) {
		memcpy(kid->key, a->kid_key, a->kid_len);
		kid->len = a->kid_len;
		kid->alg = a->kid_alg;
		a->sec.kid_key = kid;
	}
}

/* ---- tables: SPI, KIc, KID ------------------------------------------------------- */

/* rt.scp80.spi_decode(spi) -> {check, ciphered, cntr, por, por_check, por_ciphered,
 *   por_via_submit, rfu1, rfu2}  [-1, +1, e]
 * spi is 2 bytes. check/por_check: "none"|"rc"|"cc"|"ds"; cntr: "none"|"nocheck"|
 * "higher"|"one_higher"; por: "none"|"por_required"|"por_on_error"|"reserved". */
static int l_scp80_spi_decode(lua_State *L)
{
	struct rt_scp80_spi s;
	uint8_t b[2];

	l_scp80_spi_value(L, 1, "rt.scp80.spi_decode", "spi", b);
	rt_scp80_spi_decode(b, &s);
	lua_createtable(L, 0, 9);
	lua_pushstring(L, l_scp80_check_names[s.check & 3]);
	lua_setfield(L, -2, "check");
	lua_pushboolean(L, s.ciphered);
	lua_setfield(L, -2, "ciphered");
	lua_pushstring(L, l_scp80_cntr_names[s.cntr & 3]);
	lua_setfield(L, -2, "cntr");
	lua_pushstring(L, l_scp80_por_names[s.por & 3]);
	lua_setfield(L, -2, "por");
	lua_pushstring(L, l_scp80_check_names[s.por_check & 3]);
	lua_setfield(L, -2, "por_check");
	lua_pushboolean(L, s.por_ciphered);
	lua_setfield(L, -2, "por_ciphered");
	lua_pushboolean(L, s.por_via_submit);
	lua_setfield(L, -2, "por_via_submit");
	lua_pushinteger(L, s.rfu1);
	lua_setfield(L, -2, "rfu1");
	lua_pushinteger(L, s.rfu2);
	lua_setfield(L, -2, "rfu2");
	return 1;
}

/* rt.scp80.spi_encode(table) -> 2 bytes  [-1, +1, e]
 * The fields of spi_decode; missing ones are "none" / false / 0. */
static int l_scp80_spi_encode(lua_State *L)
{
	uint8_t b[2];

	luaL_checktype(L, 1, LUA_TTABLE);
	l_scp80_spi_value(L, 1, "rt.scp80.spi_encode", "spi", b);
	lua_pushlstring(L, (const char *)b, 2);
	return 1;
}

/* Pushes the decoded KIc/KID table: {byte, keyset, nibble, implicit, alg, alg_name,
 * error}. alg is the short name ("aes", "implicit"), nil when not decodable. */
static int l_scp80_keyref_push(lua_State *L, uint8_t byte, int rc,
			       const struct rt_scp80_keyref *r, const struct rt_err *err)
{
	const char *shortname = rc ? NULL : l_scp80_alg_short(r->alg);

	lua_createtable(L, 0, 7);
	lua_pushinteger(L, byte);
	lua_setfield(L, -2, "byte");
	lua_pushinteger(L, byte >> 4);
	lua_setfield(L, -2, "keyset");
	lua_pushinteger(L, byte & 0x0F);
	lua_setfield(L, -2, "nibble");
	lua_pushboolean(L, rc == 0 && r->implicit);
	lua_setfield(L, -2, "implicit");
	if (rc == 0 && r->implicit) {
		lua_pushliteral(L, "implicit");
		lua_setfield(L, -2, "alg");
		lua_pushliteral(L, "implicit (agreed beforehand)");
		lua_setfield(L, -2, "alg_name");
	} else if (shortname) {
		lua_pushstring(L, shortname);
		lua_setfield(L, -2, "alg");
		lua_pushstring(L, rt_scp80_alg_name(r->alg));
		lua_setfield(L, -2, "alg_name");
	}
	if (rc) {
		lua_pushstring(L, err->msg);
		lua_setfield(L, -2, "error");
	}
	return 1;
}

static uint8_t l_scp80_bytearg(lua_State *L, int idx, const char *fn)
{
	lua_Integer v;
	int isint;

	v = lua_tointegerx(L, idx, &isint);
	if (!isint || v < 0 || v > 255)
		rt_lua_error(L, "%s: argument %d must be a byte value 0..255", fn, idx);
	return (uint8_t)v;
}

/* rt.scp80.kic_decode(byte) -> {byte, keyset, nibble, implicit, alg, alg_name, error}
 *   [-1, +1, e]
 * alg: "des"|"3des2"|"3des3"|"des_ecb"|"aes"|"implicit"; a reserved or
 * proprietary nibble gives no alg and an error text (no raise). */
static int l_scp80_kic_decode(lua_State *L)
{
	uint8_t byte = l_scp80_bytearg(L, 1, "rt.scp80.kic_decode");
	struct rt_scp80_keyref r;
	struct rt_err err = { 0 };
	int rc = rt_scp80_kic_decode(byte, &r, &err);

	return l_scp80_keyref_push(L, byte, rc, &r, &err);
}

/* rt.scp80.kid_decode(byte [, check = "cc"|"rc"]) -> as kic_decode  [-2, +1, e]
 * The same nibble means a MAC for a CC and a CRC for an RC (TS 102 225 5.1.3): alg is
 * "des"|"3des2"|"3des3"|"aes" for "cc", "crc16"|"crc32" for "rc". */
static int l_scp80_kid_decode(lua_State *L)
{
	uint8_t byte = l_scp80_bytearg(L, 1, "rt.scp80.kid_decode");
	enum rt_scp80_check check = RT_SCP80_CHECK_CC;
	struct rt_scp80_keyref r;
	struct rt_err err = { 0 };
	int rc;

	if (!lua_isnoneornil(L, 2)) {
		lua_pushvalue(L, 2);
		check = (enum rt_scp80_check)l_scp80_pick(L, "rt.scp80.kid_decode", "check",
							  l_scp80_check_names);
		lua_pop(L, 1);
	}
	rc = rt_scp80_kid_decode(byte, check, &r, &err);
	return l_scp80_keyref_push(L, byte, rc, &r, &err);
}

static uint8_t l_scp80_keyref_from_table(lua_State *L, int idx, const char *fn, int is_kid)
{
	struct rt_err err = { 0 };
	enum rt_scp80_alg alg = RT_SCP80_ALG_NONE;
	lua_Integer ks;
	uint8_t byte;
	int rc;

	idx = lua_absindex(L, idx);
	ks = l_scp80_intfield(L, idx, fn, "keyset", 0, 15, -1);
	if (lua_getfield(L, idx, "alg") != LUA_TNIL) {
		alg = l_scp80_alg_parse(L, fn, is_kid ? "KID alg" : "KIc alg",
					l_scp80_strtop(L, fn, "alg"),
					is_kid ? L_ROLE_KID_ANY : L_ROLE_KIC);
	}
	lua_pop(L, 1);
	rc = is_kid ? rt_scp80_kid_encode((uint8_t)ks, alg, &byte, &err)
		    : rt_scp80_kic_encode((uint8_t)ks, alg, &byte, &err);
	if (rc)
		rt_lua_error(L, "%s: %s", fn, err.msg);
	return byte;
}

/* rt.scp80.kic_encode{keyset=0..15, alg="aes"|...|"implicit"|nil} -> byte  [-1, +1, e] */
static int l_scp80_kic_encode(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_pushinteger(L, l_scp80_keyref_from_table(L, 1, "rt.scp80.kic_encode", 0));
	return 1;
}

/* rt.scp80.kid_encode{keyset=0..15, alg="aes"|"crc32"|...|"implicit"|nil} -> byte
 *   [-1, +1, e] */
static int l_scp80_kid_encode(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_pushinteger(L, l_scp80_keyref_from_table(L, 1, "rt.scp80.kid_encode", 1));
	return 1;
}

/* rt.scp80.status_name(code) -> "CNTR low"  [-1, +1, e] */
static int l_scp80_status_name(lua_State *L)
{
	lua_pushstring(L, rt_scp80_status_name(l_scp80_bytearg(L, 1, "rt.scp80.status_name")));
	return 1;
}

/* ---- sending entity -------------------------------------------------------------- */

/* rt.scp80.wrap{dialect="sms"|"generic", spi=, kic=, kid=, tar=, cntr=, kic_key=,
 *   kid_key=, kic_alg=, kid_alg=, data=, opts={aes_cc_len=8|4, cntr11=, cntr_max_delta=}}
 *   -> packet  [-1, +1, e]
 * SMS packets start with the UDH 02 70 00; generic ones with CPI 01. SPI, KIc and KID
 * are sent as given (negative tests may send any combination). */
static int l_scp80_wrap(lua_State *L)
{
	static const char fn[] = "rt.scp80.wrap";
	struct l_scp80_secargs a;
	struct rt_scp80_key kic, kid;
	struct rt_buf out;
	struct rt_err err = { 0 };
	const char *data = "";
	size_t dlen = 0;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_getfield(L, 1, "data") != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TSTRING)
			return rt_lua_error(L, "%s: data must be a byte string", fn);
		data = lua_tolstring(L, -1, &dlen); /* stays on the stack */
	}
	l_scp80_secargs_read(L, 1, fn, &a);
	l_scp80_sec_keys(&a, &kic, &kid);
	rt_buf_init(&out, RT_SCP80_MAX_PACKET + 16);
	rc = rt_scp80_cmd_wrap(&a.sec, (const uint8_t *)data, dlen, &a.opts, &out, &err);
	OPENSSL_cleanse(&kic, sizeof(kic));
	OPENSSL_cleanse(&kid, sizeof(kid));
	if (rc) {
		rt_buf_free(&out);
		return rt_lua_error(L, "%s: %s", fn, err.msg);
	}
	lua_pushlstring(L, (const char *)out.data, out.len);
	rt_buf_free(&out);
	return 1;
}

/* rt.scp80.verify_por{dialect=, packet=, spi=, kic=, kid=, tar=, cntr=, kic_key=,
 *   kid_key=, kic_alg=, kid_alg=, opts=} -> {status, status_name, cntr, pcntr, tar, data}
 *   [-1, +1, e]
 * The fields describe the command the PoR answers (SPI2 says how the PoR is secured).
 * Raises naming the failed check (RPL/RHL, TAR mismatch, CC mismatch, counter echo,
 * padding) when the PoR is malformed or not authentic; an authentic PoR with an error
 * status is returned, not raised. */
static int l_scp80_verify_por(lua_State *L)
{
	static const char fn[] = "rt.scp80.verify_por";
	struct l_scp80_secargs a;
	struct rt_scp80_key kic, kid;
	struct rt_scp80_por res;
	struct rt_buf data;
	struct rt_err err = { 0 };
	const char *pkt;
	size_t plen;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_getfield(L, 1, "packet") != LUA_TSTRING)
		return rt_lua_error(L, "%s: field 'packet' must be the PoR bytes", fn);
	pkt = lua_tolstring(L, -1, &plen); /* stays on the stack */
	l_scp80_secargs_read(L, 1, fn, &a);
	lua_createtable(L, 0, 6); /* before any malloc: a raise here leaks nothing */
	l_scp80_sec_keys(&a, &kic, &kid);
	rt_buf_init(&data, RT_SCP80_MAX_PACKET);
	rc = rt_scp80_por_verify(&a.sec, (const uint8_t *)pkt, plen, &a.opts, &res, &data, &err);
	OPENSSL_cleanse(&kic, sizeof(kic));
	OPENSSL_cleanse(&kid, sizeof(kid));
	if (rc) {
		rt_buf_free(&data);
		return rt_lua_error(L, "%s: %s", fn, err.msg);
	}
	lua_pushlstring(L, data.data ? (const char *)data.data : "", data.len);
	rt_buf_free(&data);
	lua_setfield(L, -2, "data");
	lua_pushinteger(L, res.status);
	lua_setfield(L, -2, "status");
	lua_pushstring(L, rt_scp80_status_name(res.status));
	lua_setfield(L, -2, "status_name");
	lua_pushlstring(L, (const char *)res.cntr, RT_SCP80_CNTR_LEN);
	lua_setfield(L, -2, "cntr");
	lua_pushinteger(L, res.pcntr);
	lua_setfield(L, -2, "pcntr");
	lua_pushlstring(L, (const char *)res.tar, RT_SCP80_TAR_LEN);
	lua_setfield(L, -2, "tar");
	return 1;
}

/* ---- receiving entity: rt.scp80.card --------------------------------------------- */

struct l_scp80_keyset {
	int present;
	struct rt_scp80_key kic, kid;
	uint8_t cntr[RT_SCP80_CNTR_LEN];
};

struct l_scp80_card {
	int open;
	struct l_scp80_keyset ks[L_SCP80_KEYSETS];
	uint8_t tars[L_SCP80_MAX_TARS][RT_SCP80_TAR_LEN];
	size_t ntars;
	uint8_t min_spi[2];
	struct rt_scp80_opts opts;
	enum rt_scp80_dialect dialect;
	int cntr_ks; /* keyset whose counter the last lookup handed out; -1: none */
};

static struct l_scp80_card *l_scp80_card_check(lua_State *L, int idx)
{
	struct l_scp80_card *c = luaL_checkudata(L, idx, RT_SCP80_CARD_MT);

	if (!c->open)
		luaL_error(L, "rt.scp80.card is closed");
	return c;
}

/* The rt_scp80_lookup callback: the TAR must be one of the card's; the KIc key comes
 * from the KIc keyset and the KID key from the KID keyset; the counter is the KID
 * keyset's (the keyset that authenticates the packet), the KIc keyset's when the KID
 * keyset is not configured, else 0000000000 and never stored. */
static int l_scp80_card_lookup(void *ctx, const uint8_t tar[RT_SCP80_TAR_LEN],
			       uint8_t kic_keyset, uint8_t kid_keyset,
			       struct rt_scp80_keyset *ks, struct rt_err *err)
{
	struct l_scp80_card *c = ctx;
	size_t i;

	c->cntr_ks = -1;
	for (i = 0; i < c->ntars; i++)
		if (memcmp(c->tars[i], tar, RT_SCP80_TAR_LEN) == 0)
			break;
	if (i == c->ntars)
		return rt_err_set(err, RT_ENOENT, "TAR %02X%02X%02X is not one of the card's",
				  tar[0], tar[1], tar[2]);
	memset(ks, 0, sizeof(*ks));
	if (kic_keyset < L_SCP80_KEYSETS && c->ks[kic_keyset].present)
		ks->kic = c->ks[kic_keyset].kic;
	if (kid_keyset < L_SCP80_KEYSETS && c->ks[kid_keyset].present) {
		ks->kid = c->ks[kid_keyset].kid;
		c->cntr_ks = kid_keyset;
	} else if (kic_keyset < L_SCP80_KEYSETS && c->ks[kic_keyset].present) {
		c->cntr_ks = kic_keyset;
	}
	if (c->cntr_ks >= 0)
		memcpy(ks->cntr, c->ks[c->cntr_ks].cntr, RT_SCP80_CNTR_LEN);
	memcpy(ks->min_spi, c->min_spi, 2);
	return 0;
}

/* Reads one keyset entry (table at the top of the stack) into c->ks[n]. Key bytes are
 * copied straight into the userdata, which __gc wipes if a later field raises. */
static void l_scp80_card_keyset(lua_State *L, struct l_scp80_card *c, lua_Integer n)
{
	static const char fn[] = "rt.scp80.card";
	static const uint8_t zero5[RT_SCP80_CNTR_LEN] = { 0 };
	struct l_scp80_keyset *k = &c->ks[n];
	int t = lua_gettop(L);
	const char *p;
	size_t len;

	if (!lua_istable(L, t))
		rt_lua_error(L, "%s: keysets[%d] must be a table", fn, (int)n);
	k->present = 1;
	if (lua_getfield(L, t, "kic_alg") != LUA_TNIL)
		k->kic.alg = l_scp80_alg_parse(L, fn, "kic_alg", l_scp80_strtop(L, fn, "kic_alg"),
					       L_ROLE_KIC);
	if (lua_getfield(L, t, "kid_alg") != LUA_TNIL)
		k->kid.alg = l_scp80_alg_parse(L, fn, "kid_alg", l_scp80_strtop(L, fn, "kid_alg"),
					       L_ROLE_KID_ANY);
	lua_pop(L, 2);
	l_scp80_fixfield(L, t, fn, "cntr", RT_SCP80_CNTR_LEN, zero5, k->cntr);
	l_scp80_keyfield(L, t, fn, "kic", &p, &len);
	if (p) {
		memcpy(k->kic.key, p, len);
		k->kic.len = len;
	}
	l_scp80_keyfield(L, t, fn, "kid", &p, &len);
	if (p) {
		memcpy(k->kid.key, p, len);
		k->kid.len = len;
	}
	lua_settop(L, t);
}

/* rt.scp80.card{keysets={[n]={kic=, kid=, kic_alg=, kid_alg=, cntr=}, ...}, tars={tar,
 *   ...}, min_spi=, dialect="sms"|"generic", opts=} -> card  [-1, +1, e]
 * A receiving entity: keysets are indexed by keyset number 0..15 (the KIc/KID high
 * nibble), keys are byte strings, *_alg names the algorithm agreed for the implicit
 * nibble 0 (an explicit nibble must then agree), cntr is the stored counter (5 bytes,
 * default zero). tars lists the 3-byte TARs answered (others get status 09). min_spi (2
 * bytes or an SPI table, default 0000) is the minimum SPI1 accepted (status 0A). */
static int l_scp80_card_new(lua_State *L)
{
	static const char fn[] = "rt.scp80.card";
	struct l_scp80_card *c;
	lua_Integer i, n;

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checkstack(L, 10, fn);
	c = lua_newuserdatauv(L, sizeof(*c), 0);
	memset(c, 0, sizeof(*c));
	luaL_setmetatable(L, RT_SCP80_CARD_MT);
	c->open = 1;
	c->cntr_ks = -1;
	c->dialect = l_scp80_dialect_field(L, 1, fn);
	l_scp80_opts_field(L, 1, fn, &c->opts);
	if (lua_getfield(L, 1, "min_spi") != LUA_TNIL)
		l_scp80_spi_value(L, -1, fn, "min_spi", c->min_spi);
	lua_pop(L, 1);
	if (lua_getfield(L, 1, "tars") != LUA_TTABLE)
		return rt_lua_error(L, "%s: tars must be a list of 3-byte TARs", fn);
	n = (lua_Integer)lua_rawlen(L, -1);
	if (n > L_SCP80_MAX_TARS)
		return rt_lua_error(L, "%s: %lld TARs, at most %d", fn, (long long)n,
				    L_SCP80_MAX_TARS);
	for (i = 1; i <= n; i++) {
		size_t len;
		const char *s;

		if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
			return rt_lua_error(L, "%s: tars[%lld] must be 3 bytes, not %s", fn,
					    (long long)i, luaL_typename(L, -1));
		s = lua_tolstring(L, -1, &len);
		if (len != RT_SCP80_TAR_LEN)
			return rt_lua_error(L, "%s: tars[%lld] is %zu bytes, must be 3", fn,
					    (long long)i, len);
		memcpy(c->tars[c->ntars++], s, RT_SCP80_TAR_LEN);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, 1, "keysets") != LUA_TTABLE)
		return rt_lua_error(L, "%s: keysets must be a table {[keyset] = {kic=, kid=...}}",
				    fn);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		i = lua_isinteger(L, -2) ? lua_tointeger(L, -2) : -1;
		if (i < 0 || i >= L_SCP80_KEYSETS)
			return rt_lua_error(L, "%s: keysets are indexed by keyset number 0..15", fn);
		l_scp80_card_keyset(L, c, i);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return 1;
}

/* Raises for a keyset argument that is out of range or not configured. */
static struct l_scp80_keyset *l_scp80_card_ks(lua_State *L, struct l_scp80_card *c, int idx,
					      const char *fn)
{
	lua_Integer n = luaL_checkinteger(L, idx);

	if (n < 0 || n >= L_SCP80_KEYSETS || !c->ks[n].present)
		rt_lua_error(L, "%s: keyset %lld is not configured", fn, (long long)n);
	return &c->ks[n];
}

/* card:unwrap(packet [, dialect]) -> {ok, status, status_name, parsed, error, data,
 *   por_wanted, cntr_update, cntr, new_cntr, spi, por_spi, kic, kid, tar, dialect}
 *   [-2, +1, e]
 * The card's verdict on one command packet; never raises for a bad packet (status and
 * error say what happened). data (the secured data) only when ok. When cntr_update is
 * true the keyset's stored counter has been set to new_cntr. Pass the result to
 * card:por to answer it. */
static int l_scp80_card_unwrap(lua_State *L)
{
	static const char fn[] = "rt.scp80.card:unwrap";
	struct l_scp80_card *c = l_scp80_card_check(L, 1);
	enum rt_scp80_dialect d = c->dialect;
	struct rt_scp80_lookup lk = { l_scp80_card_lookup, c };
	struct rt_scp80_rx rx;
	struct rt_buf data;
	struct rt_err err = { 0 };
	const char *pkt;
	size_t plen;
	int rc;

	pkt = luaL_checklstring(L, 2, &plen);
	if (!lua_isnoneornil(L, 3)) {
		lua_pushvalue(L, 3);
		d = l_scp80_pick(L, fn, "dialect", l_scp80_dialect_names) ? RT_SCP80_GENERIC
									  : RT_SCP80_SMS;
		lua_pop(L, 1);
	}
	luaL_checkstack(L, 4, fn);
	lua_createtable(L, 0, 16); /* before any malloc: a raise here leaks nothing */
	rt_buf_init(&data, RT_SCP80_MAX_PACKET);
	c->cntr_ks = -1;
	rc = rt_scp80_cmd_unwrap(d, (const uint8_t *)pkt, plen, &lk, &c->opts, &rx, &data, &err);
	/* Only the key copies are wiped; the rest of rx stays readable. */
	rt_scp80_rx_clear(&rx);
	if (rx.cntr_update && c->cntr_ks >= 0)
		memcpy(c->ks[c->cntr_ks].cntr, rx.new_cntr, RT_SCP80_CNTR_LEN);
	if (rc == 0)
		lua_pushlstring(L, data.data ? (const char *)data.data : "", data.len);
	else
		lua_pushnil(L);
	rt_buf_free(&data);
	lua_setfield(L, -2, "data");
	lua_pushboolean(L, rc == 0);
	lua_setfield(L, -2, "ok");
	lua_pushinteger(L, rx.status);
	lua_setfield(L, -2, "status");
	lua_pushstring(L, rt_scp80_status_name(rx.status));
	lua_setfield(L, -2, "status_name");
	lua_pushboolean(L, rx.parsed);
	lua_setfield(L, -2, "parsed");
	if (rc) {
		lua_pushstring(L, err.msg);
		lua_setfield(L, -2, "error");
	}
	lua_pushboolean(L, rx.por_wanted);
	lua_setfield(L, -2, "por_wanted");
	lua_pushboolean(L, rx.cntr_update);
	lua_setfield(L, -2, "cntr_update");
	lua_pushstring(L, l_scp80_dialect_names[d == RT_SCP80_GENERIC]);
	lua_setfield(L, -2, "dialect");
	if (rx.cntr_update) {
		lua_pushlstring(L, (const char *)rx.new_cntr, RT_SCP80_CNTR_LEN);
		lua_setfield(L, -2, "new_cntr");
	}
	if (rx.parsed) {
		uint8_t spi[2];

		rt_scp80_spi_encode(&rx.spi, spi);
		lua_pushlstring(L, (const char *)spi, 2);
		lua_setfield(L, -2, "spi");
		lua_pushlstring(L, (const char *)rx.por.spi, 2);
		lua_setfield(L, -2, "por_spi");
		lua_pushinteger(L, rx.por.kic);
		lua_setfield(L, -2, "kic");
		lua_pushinteger(L, rx.por.kid);
		lua_setfield(L, -2, "kid");
		lua_pushlstring(L, (const char *)rx.por.tar, RT_SCP80_TAR_LEN);
		lua_setfield(L, -2, "tar");
		lua_pushlstring(L, (const char *)rx.por.cntr, RT_SCP80_CNTR_LEN);
		lua_setfield(L, -2, "cntr");
	}
	return 1;
}

/* card:por(rx, response_data [, status]) -> PoR packet  [-4, +1, e]
 * Builds the PoR answering the packet rx (a card:unwrap result, whose fields may be
 * edited for negative tests) with the additional response data, secured as rx.por_spi
 * says with the card's keys for rx.kic / rx.kid; status defaults to rx.status. */
static int l_scp80_card_por(lua_State *L)
{
	static const char fn[] = "rt.scp80.card:por";
	struct l_scp80_card *c = l_scp80_card_check(L, 1);
	struct rt_scp80_sec s;
	struct rt_scp80_spi spi;
	struct rt_buf out;
	struct rt_err err = { 0 };
	const char *resp;
	size_t rlen;
	lua_Integer status;
	uint8_t kic_ks, kid_ks;
	int rc;

	luaL_checktype(L, 2, LUA_TTABLE);
	resp = luaL_optlstring(L, 3, "", &rlen);
	luaL_checkstack(L, 8, fn);
	memset(&s, 0, sizeof(s));
	lua_getfield(L, 2, "parsed");
	if (!lua_toboolean(L, -1))
		return rt_lua_error(L, "%s: the packet was not parsed, there is no TAR to answer",
				    fn);
	lua_pop(L, 1);
	s.dialect = l_scp80_dialect_field(L, 2, fn);
	if (lua_getfield(L, 2, "por_spi") == LUA_TNIL) {
		lua_pop(L, 1);
		lua_getfield(L, 2, "spi");
	}
	l_scp80_spi_value(L, -1, fn, "rx.por_spi", s.spi);
	lua_pop(L, 1);
	s.kic = (uint8_t)l_scp80_intfield(L, 2, fn, "kic", 0, 255, -1);
	s.kid = (uint8_t)l_scp80_intfield(L, 2, fn, "kid", 0, 255, -1);
	l_scp80_fixfield(L, 2, fn, "tar", RT_SCP80_TAR_LEN, NULL, s.tar);
	l_scp80_fixfield(L, 2, fn, "cntr", RT_SCP80_CNTR_LEN, NULL, s.cntr);
	if (lua_isnoneornil(L, 4))
		status = l_scp80_intfield(L, 2, fn, "status", 0, 255, -1);
	else
		status = l_scp80_bytearg(L, 4, fn);
	/* Keys stay in the card object: the PoR reuses the command's keysets. */
	rt_scp80_spi_decode(s.spi, &spi);
	kic_ks = (uint8_t)(s.kic >> 4);
	kid_ks = (uint8_t)(s.kid >> 4);
	if (spi.por_ciphered && c->ks[kic_ks].present)
		s.kic_key = &c->ks[kic_ks].kic;
	if (spi.por_check != RT_SCP80_CHECK_NONE && c->ks[kid_ks].present)
		s.kid_key = &c->ks[kid_ks].kid;
	rt_buf_init(&out, RT_SCP80_MAX_PACKET + 16);
	rc = rt_scp80_por_build(&s, (uint8_t)status, (const uint8_t *)resp, rlen, &c->opts, &out,
				&err);
	if (rc) {
		rt_buf_free(&out);
		return rt_lua_error(L, "%s: %s", fn, err.msg);
	}
	lua_pushlstring(L, (const char *)out.data, out.len);
	rt_buf_free(&out);
	return 1;
}

/* card:counter(keyset) -> 5 bytes: the stored counter of a configured keyset. */
static int l_scp80_card_counter(lua_State *L)
{
	struct l_scp80_card *c = l_scp80_card_check(L, 1);
	struct l_scp80_keyset *k = l_scp80_card_ks(L, c, 2, "rt.scp80.card:counter");

	lua_pushlstring(L, (const char *)k->cntr, RT_SCP80_CNTR_LEN);
	return 1;
}

/* card:set_counter(keyset, cntr) — sets the stored counter (5 bytes; FFFFFFFFFF
 * blocks the keyset). */
static int l_scp80_card_set_counter(lua_State *L)
{
	static const char fn[] = "rt.scp80.card:set_counter";
	struct l_scp80_card *c = l_scp80_card_check(L, 1);
	struct l_scp80_keyset *k = l_scp80_card_ks(L, c, 2, fn);
	size_t n;
	const char *s = luaL_checklstring(L, 3, &n);

	if (n != RT_SCP80_CNTR_LEN)
		return rt_lua_error(L, "%s: counter is %zu bytes, must be 5", fn, n);
	memcpy(k->cntr, s, RT_SCP80_CNTR_LEN);
	return 0;
}

/* card:close() — wipes the keys; idempotent (also __close and __gc). */
static int l_scp80_card_close(lua_State *L)
{
	struct l_scp80_card *c = luaL_checkudata(L, 1, RT_SCP80_CARD_MT);

	OPENSSL_cleanse(c, sizeof(*c));
	c->open = 0;
	return 0;
}

/* tostring(card) -> "rt.scp80.card(2 keysets, 1 TAR)"; never shows keys. */
static int l_scp80_card_tostring(lua_State *L)
{
	struct l_scp80_card *c = luaL_checkudata(L, 1, RT_SCP80_CARD_MT);
	int i, n = 0;

	if (!c->open) {
		lua_pushliteral(L, "rt.scp80.card(closed)");
		return 1;
	}
	for (i = 0; i < L_SCP80_KEYSETS; i++)
		n += c->ks[i].present;
	lua_pushfstring(L, "rt.scp80.card(%d keysets, %d TARs)", n, (int)c->ntars);
	return 1;
}

static const luaL_Reg l_scp80_card_methods[] = {
	{ "unwrap", l_scp80_card_unwrap },
	{ "por", l_scp80_card_por },
	{ "counter", l_scp80_card_counter },
	{ "set_counter", l_scp80_card_set_counter },
	{ "close", l_scp80_card_close },
	{ NULL, NULL },
};

static const luaL_Reg l_scp80_funcs[] = {
	{ "spi_decode", l_scp80_spi_decode },
	{ "spi_encode", l_scp80_spi_encode },
	{ "kic_decode", l_scp80_kic_decode },
	{ "kid_decode", l_scp80_kid_decode },
	{ "kic_encode", l_scp80_kic_encode },
	{ "kid_encode", l_scp80_kid_encode },
	{ "status_name", l_scp80_status_name },
	{ "wrap", l_scp80_wrap },
	{ "verify_por", l_scp80_verify_por },
	{ "card", l_scp80_card_new },
	{ NULL, NULL },
};

/* Status code constants (TS 102 225 Table 5.3, TS 31.115 7). */
static const struct {
	const char *name;
	int code;
} l_scp80_status_consts[] = {
	{ "OK", RT_SCP80_ST_OK },
	{ "RC_CC_DS_FAILED", RT_SCP80_ST_RC_CC_DS_FAILED },
	{ "CNTR_LOW", RT_SCP80_ST_CNTR_LOW },
	{ "CNTR_HIGH", RT_SCP80_ST_CNTR_HIGH },
	{ "CNTR_BLOCKED", RT_SCP80_ST_CNTR_BLOCKED },
	{ "CIPHERING_ERROR", RT_SCP80_ST_CIPHERING_ERROR },
	{ "UNIDENTIFIED", RT_SCP80_ST_UNIDENTIFIED },
	{ "INSUFFICIENT_MEMORY", RT_SCP80_ST_INSUFFICIENT_MEMORY },
	{ "MORE_TIME", RT_SCP80_ST_MORE_TIME },
	{ "TAR_UNKNOWN", RT_SCP80_ST_TAR_UNKNOWN },
	{ "INSUFFICIENT_SECURITY", RT_SCP80_ST_INSUFFICIENT_SECURITY },
	{ "DATA_IN_SUBMIT", RT_SCP80_ST_DATA_IN_SUBMIT },
	{ "DATA_IN_USSD", RT_SCP80_ST_DATA_IN_USSD },
};

int luaopen_rt_scp80(lua_State *L)
{
	size_t i;

	if (luaL_newmetatable(L, RT_SCP80_CARD_MT)) {
		luaL_newlib(L, l_scp80_card_methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_scp80_card_close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, l_scp80_card_close);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, l_scp80_card_tostring);
		lua_setfield(L, -2, "__tostring");
	}
	lua_pop(L, 1);
	luaL_newlib(L, l_scp80_funcs);
	lua_createtable(L, 0, (int)(sizeof(l_scp80_status_consts) /
				    sizeof(l_scp80_status_consts[0])));
	for (i = 0; i < sizeof(l_scp80_status_consts) / sizeof(l_scp80_status_consts[0]); i++) {
		lua_pushinteger(L, l_scp80_status_consts[i].code);
		lua_setfield(L, -2, l_scp80_status_consts[i].name);
	}
	lua_setfield(L, -2, "status");
	return 1;
}
