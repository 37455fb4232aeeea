/* SPDX-License-Identifier: Apache-2.0 */
/* l_sms — the rt.sms Lua module: SMS-DELIVER / SMS-SUBMIT TPDUs, the user data header,
 * secured-packet concatenation and reassembly, and the SMS-PP DOWNLOAD envelope.
 *
 * Thin binding over codec/rt_sms (the rules live there). TPDUs are tables with the
 * field names of TS 23.040 in lower case (pid, dcs, scts, udl, ...); bytes are Lua
 * strings. Large C structures live in userdata (collected by Lua), C buffers are freed
 * before any error is raised. */
#include <lauxlib.h>
#include <lua.h>
#include <string.h>

#include "codec/rt_sms.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_args.h"
#include "lua/rt_lua_modules.h"

#define L_SMS_OUT_MAX (1u << 20)

static const char *const l_sms_vpf_names[] = { "none", "enhanced", "relative", "absolute", NULL };
static const char *const l_sms_alpha_names[] = { "7bit", "8bit", "ucs2", "reserved" };

/* Byte-string field name of the table at idx; NULL when absent. The string stays in the
 * table, so the pointer lives as long as the table does. */
static const uint8_t *l_sms_optbytes(lua_State *L, int idx, const char *name, size_t *len)
{
	const char *s = NULL;

	*len = 0;
	if (lua_isnoneornil(L, idx))
		return NULL;
	if (lua_getfield(L, idx, name) != LUA_TNIL) {
		if (lua_type(L, -1) != LUA_TSTRING)
			rt_lua_error(L, "rt.sms: field '%s' must be a byte string", name);
		s = lua_tolstring(L, -1, len);
	}
	lua_pop(L, 1);
	return (const uint8_t *)s;
}

static enum rt_sms_mti l_sms_checkmti(lua_State *L, int arg)
{
	static const char *const names[] = { "deliver", "submit", NULL };

	return luaL_checkoption(L, arg, NULL, names) == 0 ? RT_SMS_DELIVER : RT_SMS_SUBMIT;
}

static void l_sms_setint(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

static void l_sms_setbool(lua_State *L, const char *k, int v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, k);
}

static void l_sms_setbytes(lua_State *L, const char *k, const uint8_t *p, size_t n)
{
	lua_pushlstring(L, (const char *)p, n);
	lua_setfield(L, -2, k);
}

static void l_sms_push_ies(lua_State *L, const struct rt_sms_ie *ie, size_t n)
{
	size_t i;

	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_createtable(L, 0, 2);
		l_sms_setint(L, "iei", ie[i].iei);
		l_sms_setbytes(L, "data", ie[i].data, ie[i].len);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* rt.sms.decode(bytes, "deliver" | "submit") -> tpdu  [-2, +1, e]
 * tpdu = { type, rp, udhi, mms, lp, sri (deliver) | rd, vpf, srr, mr, vp (submit),
 *          addr = {toa, ton, npi, digits, ndigits}, pid, dcs, scts (deliver, 7 bytes),
 *          udl, ud, udh (with UDHL) | nil, payload, ies = {{iei, data}...} }. */
static int l_sms_decode(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	enum rt_sms_mti mti = l_sms_checkmti(L, 2);
	struct rt_sms_tpdu *t = lua_newuserdatauv(L, sizeof(*t), 0);
	struct rt_err err = { 0 };

	if (rt_sms_tpdu_decode((const uint8_t *)s, n, mti, t, &err))
		return rt_lua_error(L, "rt.sms.decode: %s", err.msg);
	lua_createtable(L, 0, 20);
	lua_pushstring(L, mti == RT_SMS_DELIVER ? "deliver" : "submit");
	lua_setfield(L, -2, "type");
	l_sms_setbool(L, "rp", t->rp);
	l_sms_setbool(L, "udhi", t->udhi);
	if (mti == RT_SMS_DELIVER) {
		l_sms_setbool(L, "mms", t->mms);
		l_sms_setbool(L, "lp", t->lp);
		l_sms_setbool(L, "sri", t->sri);
		l_sms_setbytes(L, "scts", t->scts, 7);
	} else {
		l_sms_setbool(L, "rd", t->rd);
		l_sms_setbool(L, "srr", t->srr);
		lua_pushstring(L, l_sms_vpf_names[t->vpf]);
		lua_setfield(L, -2, "vpf");
		l_sms_setint(L, "mr", t->mr);
		l_sms_setbytes(L, "vp", t->vp, t->vp_len);
	}
	lua_createtable(L, 0, 5);
	l_sms_setint(L, "toa", t->addr.toa);
	l_sms_setint(L, "ton", (t->addr.toa >> 4) & 7);
	l_sms_setint(L, "npi", t->addr.toa & 15);
	l_sms_setint(L, "ndigits", (lua_Integer)t->addr.ndigits);
	lua_pushstring(L, t->addr.digits);
	lua_setfield(L, -2, "digits");
	lua_setfield(L, -2, "addr");
	l_sms_setint(L, "pid", t->pid);
	l_sms_setint(L, "dcs", t->dcs);
	l_sms_setint(L, "udl", t->udl);
	l_sms_setbytes(L, "ud", t->ud, t->ud_len);
	if (t->udh)
		l_sms_setbytes(L, "udh", t->udh, t->udh_len);
	l_sms_setbytes(L, "payload", t->payload, t->payload_len);
	l_sms_push_ies(L, t->ie, t->n_ie);
	lua_setfield(L, -2, "ies");
	return 1;
}

/* Reads ies = {{iei, data}...} at table idx into t->ie. */
static void l_sms_read_ies(lua_State *L, int idx, struct rt_sms_tpdu *t)
{
	lua_Integer k, cnt;

	if (lua_getfield(L, idx, "ies") == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_istable(L, -1))
		rt_lua_error(L, "rt.sms: field 'ies' must be a list of {iei, data}");
	cnt = (lua_Integer)luaL_len(L, -1);
	if (cnt > RT_SMS_IE_MAX)
		rt_lua_error(L, "rt.sms: more than %d IEs", RT_SMS_IE_MAX);
	for (k = 1; k <= cnt; k++) {
		struct rt_sms_ie *ie = &t->ie[t->n_ie++];
		int top;

		lua_geti(L, -1, k);
		top = lua_gettop(L);
		if (!lua_istable(L, top))
			rt_lua_error(L, "rt.sms: ies[%lld] must be {iei = int, data = bytes}",
				     (long long)k);
		ie->iei = (uint8_t)rt_lua_opt_int(L, top, "iei", -1, 0, 0xFF);
		ie->data = l_sms_optbytes(L, top, "data", &ie->len);
		if (!ie->data) {
			ie->data = (const uint8_t *)"";
			ie->len = 0;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* rt.sms.encode(tpdu) -> bytes  [-1, +1, e]
 * tpdu = { type = "deliver"|"submit", addr = "digits" | {toa = 0x91, digits = "..."},
 *          pid = 0, dcs = 0, rp, udhi, mms, lp, sri | rd, srr, mr = 0,
 *          vpf = "none"|"relative"|"enhanced"|"absolute", vp = bytes,
 *          scts = 7 bytes (deliver, default 00...), ies = {{iei, data}...},
 *          payload = bytes, ud = bytes (the whole UD, UDH included; then ies/payload
 *          are not used) }. udhi defaults to true when ies is given. String addresses use
 * TOA 91 (international, E.164). */
static int l_sms_encode(lua_State *L)
{
	struct rt_sms_tpdu *t;
	struct rt_err err = { 0 };
	const uint8_t *scts, *ud;
	struct rt_buf b;
	size_t n;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	t = lua_newuserdatauv(L, sizeof(*t), 0);
	memset(t, 0, sizeof(*t));
	lua_getfield(L, 1, "type");
	t->mti = l_sms_checkmti(L, -1);
	lua_pop(L, 1);
	t->addr.toa = 0x91;
	if (lua_getfield(L, 1, "addr") == LUA_TSTRING) {
		const char *d = lua_tolstring(L, -1, &n);

		if (n >= sizeof(t->addr.digits))
			return rt_lua_error(L, "rt.sms.encode: address too long");
		memcpy(t->addr.digits, d, n + 1);
	} else if (lua_istable(L, -1)) {
		int a = lua_gettop(L);

		t->addr.toa = (uint8_t)rt_lua_opt_int(L, a, "toa", 0x91, 0, 0xFF);
		if (lua_getfield(L, a, "digits") == LUA_TSTRING) {
			const char *d = lua_tolstring(L, -1, &n);

			if (n >= sizeof(t->addr.digits))
				return rt_lua_error(L, "rt.sms.encode: address too long");
			memcpy(t->addr.digits, d, n + 1);
		}
		lua_pop(L, 1);
	} else if (!lua_isnil(L, -1)) {
		return rt_lua_error(L, "rt.sms.encode: field 'addr' must be a string or {toa, digits}");
	}
	lua_pop(L, 1);
	t->pid = (uint8_t)rt_lua_opt_int(L, 1, "pid", 0, 0, 0xFF);
	t->dcs = (uint8_t)rt_lua_opt_int(L, 1, "dcs", 0, 0, 0xFF);
	t->rp = rt_lua_opt_bool(L, 1, "rp", 0);
	t->mms = rt_lua_opt_bool(L, 1, "mms", 0);
	t->lp = rt_lua_opt_bool(L, 1, "lp", 0);
	t->sri = rt_lua_opt_bool(L, 1, "sri", 0);
	t->rd = rt_lua_opt_bool(L, 1, "rd", 0);
	t->srr = rt_lua_opt_bool(L, 1, "srr", 0);
	t->mr = (uint8_t)rt_lua_opt_int(L, 1, "mr", 0, 0, 0xFF);
	if (lua_getfield(L, 1, "vpf") != LUA_TNIL)
		t->vpf = (enum rt_sms_vpf)luaL_checkoption(L, -1, NULL, l_sms_vpf_names);
	lua_pop(L, 1);
	{
		const uint8_t *vp = l_sms_optbytes(L, 1, "vp", &n);

		if (n > sizeof(t->vp))
			return rt_lua_error(L, "rt.sms.encode: vp of %d bytes (1 or 7)", (int)n);
		if (vp)
			memcpy(t->vp, vp, n);
		t->vp_len = n;
	}
	scts = l_sms_optbytes(L, 1, "scts", &n);
	if (scts && n != 7)
		return rt_lua_error(L, "rt.sms.encode: scts must be 7 bytes, not %d", (int)n);
	if (scts)
		memcpy(t->scts, scts, 7);
	l_sms_read_ies(L, 1, t);
	t->udhi = rt_lua_opt_bool(L, 1, "udhi", t->n_ie > 0);
	t->payload = l_sms_optbytes(L, 1, "payload", &t->payload_len);
	ud = l_sms_optbytes(L, 1, "ud", &n);
	if (ud) {
		t->raw_ud = 1;
		t->payload = ud;
		t->payload_len = n;
	}
	rt_buf_init(&b, RT_SMS_TPDU_MAX + 64);
	rc = rt_sms_tpdu_encode(t, &b, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.sms.encode: %s", err.msg);
	return 1;
}

/* rt.sms.udh_parse(ud) -> ies, payload  [-1, +2, e]
 * ud starts with its UDHL octet. */
static int l_sms_udh_parse(lua_State *L)
{
	size_t n, cnt, used;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_sms_ie *ie = lua_newuserdatauv(L, sizeof(*ie) * RT_SMS_IE_MAX, 0);
	struct rt_err err = { 0 };

	if (rt_sms_udh_parse((const uint8_t *)s, n, ie, RT_SMS_IE_MAX, &cnt, &used, &err))
		return rt_lua_error(L, "rt.sms.udh_parse: %s", err.msg);
	l_sms_push_ies(L, ie, cnt);
	lua_pushlstring(L, s + used, n - used);
	return 2;
}

/* rt.sms.udh_encode(ies) -> bytes (UDHL + IEs)  [-1, +1, e] */
static int l_sms_udh_encode(lua_State *L)
{
	struct rt_sms_tpdu *t;
	struct rt_err err = { 0 };
	struct rt_buf b;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	t = lua_newuserdatauv(L, sizeof(*t), 0);
	memset(t, 0, sizeof(*t));
	lua_newtable(L);
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "ies");
	l_sms_read_ies(L, lua_gettop(L), t);
	rt_buf_init(&b, RT_SMS_UD_MAX);
	rc = rt_sms_udh_encode(t->ie, t->n_ie, &b, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.sms.udh_encode: %s", err.msg);
	return 1;
}

/* rt.sms.concat_split(packet [, opts]) -> {ud, ...}  [-(1|2), +1, e]
 * opts: { order = "concat_first" (default; TS 03.48 table, WHTY-SR) | "cpi_first" (NJIWA),
 *         ref = 0..255 (0..65535 with ref16), ref16 = bool, iei = 0x70 (CPI; 0x71 for a
 *         response packet) }. Each ud is a whole TP-UD (UDH included). */
static int l_sms_concat_split(lua_State *L)
{
	static const char *const orders[] = { "concat_first", "cpi_first", NULL };
	size_t n, cnt;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_sms_concat_opts o = { RT_SMS_CONCAT_DEFAULT, 0, 0, RT_SMS_IEI_CPI };
	size_t lens[RT_SMS_CONCAT_MAX];
	struct rt_err err = { 0 };
	struct rt_buf b;
	int rc;

	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		if (lua_getfield(L, 2, "order") != LUA_TNIL)
			o.order = (enum rt_sms_concat_order)luaL_checkoption(L, -1, NULL, orders);
		lua_pop(L, 1);
		o.ref16 = rt_lua_opt_bool(L, 2, "ref16", 0);
		o.ref = (unsigned)rt_lua_opt_int(L, 2, "ref", 0, 0, o.ref16 ? 0xFFFF : 0xFF);
		o.packet_iei = (uint8_t)rt_lua_opt_int(L, 2, "iei", RT_SMS_IEI_CPI, 0, 0xFF);
	}
	rt_buf_init(&b, L_SMS_OUT_MAX);
	rc = rt_sms_concat_split((const uint8_t *)s, n, &o, &b, lens, RT_SMS_CONCAT_MAX, &cnt, &err);
	if (!rc)
		rt_lua_push_parts(L, b.data, lens, cnt);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.sms.concat_split: %s", err.msg);
	return 1;
}

/* rt.sms.concat_info(ud) -> info  [-1, +1, e]
 * info = { present = bool, ref, ref16, total, seq, packet_iei = int|nil,
 *          packet_ie_first = bool, payload = bytes }. */
static int l_sms_concat_info(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	struct rt_sms_concat_ie c;
	struct rt_err err = { 0 };

	if (rt_sms_concat_ie_get((const uint8_t *)s, n, &c, &err))
		return rt_lua_error(L, "rt.sms.concat_info: %s", err.msg);
	lua_createtable(L, 0, 8);
	l_sms_setbool(L, "present", c.present);
	if (c.present) {
		l_sms_setint(L, "ref", c.ref);
		l_sms_setbool(L, "ref16", c.ref16);
		l_sms_setint(L, "total", c.total);
		l_sms_setint(L, "seq", c.seq);
	}
	if (c.packet_iei >= 0)
		l_sms_setint(L, "packet_iei", c.packet_iei);
	l_sms_setbool(L, "packet_ie_first", c.packet_ie_first);
	l_sms_setbytes(L, "payload", c.payload, c.payload_len);
	return 1;
}

/* rt.sms.reassemble({ud, ...} [, {max_parts = n}]) -> packet, info  [-(1|2), +2, e]
 * info = { parts, concatenated, ref, ref16, packet_iei = int|nil,
 *          order = "concat_first"|"cpi_first" (when concatenated) }. */
static int l_sms_reassemble(lua_State *L)
{
	const uint8_t *uds[RT_SMS_CONCAT_MAX];
	size_t lens[RT_SMS_CONCAT_MAX];
	lua_Integer k, cnt;
	size_t maxp;
	struct rt_sms_reasm_info info;
	struct rt_err err = { 0 };
	struct rt_buf b;
	int rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	maxp = (size_t)rt_lua_opt_int(L, 2, "max_parts", 0, 0, RT_SMS_CONCAT_MAX);
	cnt = (lua_Integer)luaL_len(L, 1);
	if (cnt > RT_SMS_CONCAT_MAX)
		return rt_lua_error(L, "rt.sms.reassemble: %lld segments, at most %d",
				    (long long)cnt, RT_SMS_CONCAT_MAX);
	for (k = 1; k <= cnt; k++) {
		if (lua_geti(L, 1, k) != LUA_TSTRING)
			return rt_lua_error(L, "rt.sms.reassemble: segment %lld is not a byte string",
					    (long long)k);
		uds[k - 1] = (const uint8_t *)lua_tolstring(L, -1, &lens[k - 1]);
		lua_pop(L, 1);
	}
	rt_buf_init(&b, L_SMS_OUT_MAX);
	rc = rt_sms_reassemble(uds, lens, (size_t)cnt, maxp, &b, &info, &err);
	if (!rc)
		lua_pushlstring(L, b.data ? (const char *)b.data : "", b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.sms.reassemble: %s", err.msg);
	lua_createtable(L, 0, 6);
	l_sms_setint(L, "parts", (lua_Integer)info.parts);
	l_sms_setbool(L, "concatenated", info.concatenated);
	if (info.concatenated) {
		l_sms_setint(L, "ref", info.ref);
		l_sms_setbool(L, "ref16", info.ref16);
		lua_pushstring(L, info.order == RT_SMS_CONCAT_CPI_FIRST ? "cpi_first" : "concat_first");
		lua_setfield(L, -2, "order");
	}
	if (info.packet_iei >= 0)
		l_sms_setint(L, "packet_iei", info.packet_iei);
	return 2;
}

/* rt.sms.envelope(tpdu [, {sc_address = bytes (TON/NPI + BCD)}]) -> C-APDU  [-(1|2), +1, e]
 * 80 C2 00 00 Lc D1 L { 82 02 83 81 [86 L address] 8B L tpdu }. */
static int l_sms_envelope(lua_State *L)
{
	size_t n, al = 0;
	const char *s = luaL_checklstring(L, 1, &n);
	const uint8_t *addr = l_sms_optbytes(L, 2, "sc_address", &al);
	struct rt_err err = { 0 };
	struct rt_buf b;
	int rc;

	rt_buf_init(&b, 512);
	rc = rt_sms_envelope_build((const uint8_t *)s, n, addr, al, &b, &err);
	if (!rc)
		lua_pushlstring(L, (const char *)b.data, b.len);
	rt_buf_free(&b);
	if (rc)
		return rt_lua_error(L, "rt.sms.envelope: %s", err.msg);
	return 1;
}

/* rt.sms.parse_envelope(bytes [, {apdu = true}]) -> env  [-(1|2), +1, e]
 * bytes is the whole C-APDU (default) or, with apdu = false, the D1 data field.
 * env = { cla = int|nil, src = int, dst = int, address = bytes|nil, tpdu = bytes }. */
static int l_sms_parse_envelope(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	int apdu = rt_lua_opt_bool(L, 2, "apdu", 1);
	struct rt_sms_envelope e;
	struct rt_err err = { 0 };
	int rc;

	rc = apdu ? rt_sms_envelope_parse_apdu((const uint8_t *)s, n, &e, &err)
		  : rt_sms_envelope_parse((const uint8_t *)s, n, &e, &err);
	if (rc)
		return rt_lua_error(L, "rt.sms.parse_envelope: %s", err.msg);
	lua_createtable(L, 0, 5);
	if (apdu)
		l_sms_setint(L, "cla", e.cla);
	l_sms_setint(L, "src", e.src);
	l_sms_setint(L, "dst", e.dst);
	if (e.addr)
		l_sms_setbytes(L, "address", e.addr, e.addr_len);
	l_sms_setbytes(L, "tpdu", e.tpdu, e.tpdu_len);
	return 1;
}

/* rt.sms.dcs_alphabet(dcs) -> "7bit" | "8bit" | "ucs2" | "reserved"  [-1, +1, e] */
static int l_sms_dcs_alphabet(lua_State *L)
{
	lua_Integer d = luaL_checkinteger(L, 1);

	luaL_argcheck(L, d >= 0 && d <= 0xFF, 1, "TP-DCS must be 0..255");
	lua_pushstring(L, l_sms_alpha_names[rt_sms_dcs_alphabet((uint8_t)d)]);
	return 1;
}

static const luaL_Reg l_sms_funcs[] = {
	{ "decode", l_sms_decode },
	{ "encode", l_sms_encode },
	{ "udh_parse", l_sms_udh_parse },
	{ "udh_encode", l_sms_udh_encode },
	{ "concat_split", l_sms_concat_split },
	{ "concat_info", l_sms_concat_info },
	{ "reassemble", l_sms_reassemble },
	{ "envelope", l_sms_envelope },
	{ "parse_envelope", l_sms_parse_envelope },
	{ "dcs_alphabet", l_sms_dcs_alphabet },
	{ NULL, NULL },
};

/* require "rt.sms" -> module table  [-0, +1, m]
 * Also: UD_MAX = 140, IEI_CONCAT8/IEI_CONCAT16/IEI_CPI/IEI_RPI, PID_SIM_DOWNLOAD = 0x7F,
 * DCS_OTA = 0xF6. */
int luaopen_rt_sms(lua_State *L)
{
	luaL_newlib(L, l_sms_funcs);
	l_sms_setint(L, "UD_MAX", RT_SMS_UD_MAX);
	l_sms_setint(L, "IEI_CONCAT8", RT_SMS_IEI_CONCAT8);
	l_sms_setint(L, "IEI_CONCAT16", RT_SMS_IEI_CONCAT16);
	l_sms_setint(L, "IEI_CPI", RT_SMS_IEI_CPI);
	l_sms_setint(L, "IEI_RPI", RT_SMS_IEI_RPI);
	l_sms_setint(L, "PID_SIM_DOWNLOAD", 0x7F);
	l_sms_setint(L, "DCS_OTA", 0xF6);
	return 1;
}
