/* SPDX-License-Identifier: Apache-2.0 */
/* l_card — Lua binding rt.card: a card as a userdata "rt.card".
 *
 * Bytes cross as Lua strings. A card opened from Lua (open_reference, open_pcsc) is
 * owned by its userdata and closed by :close(), __close or __gc; the SUT card handed
 * out by rt.case.card() belongs to the run and is never closed from Lua. Inside a test
 * case every exchange is recorded in the case's evidence trace. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include <openssl/crypto.h>

#include "engine/rt_personality.h"
#include "lua/rt_lua.h"
#include "lua/rt_lua_modules.h"
#include "lua/l_card.h"
#include "roles/common/rt_cardlink.h"
#include "transport/rt_card_pcsc.h"

#define RT_CARD_MT "rt.card"

struct l_card {
	struct rt_card *card;      /* NULL once closed */
	struct rt_cardlink *link;  /* owned link, or NULL for the borrowed SUT card */
};

static struct l_card *l_card_check(lua_State *L, int idx)
{
	struct l_card *c = luaL_checkudata(L, idx, RT_CARD_MT);

	if (!c->card)
		luaL_error(L, "card is closed");
	return c;
}

static struct l_card *l_card_push(lua_State *L, struct rt_card *card, struct rt_cardlink *link)
{
	struct l_card *c = lua_newuserdatauv(L, sizeof(*c), 0);

	c->card = card;
	c->link = link;
	luaL_setmetatable(L, RT_CARD_MT);
	if (card && link) {
		/* Cards opened inside a case record into that case's evidence and run
		 * under its deadline and signal flag. */
		struct rt_lua_ctx *ctx = rt_lua_ctx(L);

		if (ctx && ctx->trace) {
			card->observer = rt_trace_card_observer;
			card->obs_ctx = ctx->trace;
		}
		if (ctx && ctx->card_bound)
			card->bound = ctx->card_bound;
	}
	return c;
}

void rt_lua_push_borrowed_card(lua_State *L, struct rt_card *card)
{
	l_card_push(L, card, NULL);
}

/* Runs one exchange (raw, or with the T=0 procedure when procedure != 0) into a
 * heap buffer; raises on a transport error. The caller frees *out. */
static size_t l_card_do(lua_State *L, int procedure, uint8_t **out)
{
	struct l_card *c = l_card_check(L, 1);
	size_t clen, rlen = RT_RAPDU_MAX;
	const char *capdu = luaL_checklstring(L, 2, &clen);
	uint8_t *r = malloc(RT_RAPDU_MAX);
	struct rt_err err = { 0 };
	int rc;

	if (!r)
		luaL_error(L, "out of memory");
	rc = procedure ? rt_card_exchange(c->card, (const uint8_t *)capdu, clen, r, &rlen, &err)
		       : rt_card_transmit(c->card, (const uint8_t *)capdu, clen, r, &rlen, &err);
	if (rc) {
		free(r);
		rt_lua_error(L, "card %s: %s", c->card->name, err.msg);
	}
	*out = r;
	return rlen;
}

/* card:transmit(capdu) -> rapdu. One raw exchange, no 61xx/6Cxx handling. */
static int l_card_transmit(lua_State *L)
{
	uint8_t *r;
	size_t rlen = l_card_do(L, 0, &r);

	lua_pushlstring(L, (const char *)r, rlen);
	free(r);
	return 1;
}

/* card:send(capdu) -> data, sw. An APDU exchange with the T=0 procedure (61xx GET
 * RESPONSE, 6Cxx resend) handled; sw is an integer (0x9000). */
static int l_card_send(lua_State *L)
{
	uint8_t *r;
	size_t rlen = l_card_do(L, 1, &r);

	if (rlen < 2) {
		free(r);
		return luaL_error(L, "card: response of %d bytes has no status word", (int)rlen);
	}
	lua_pushlstring(L, (const char *)r, rlen - 2);
	lua_pushinteger(L, (lua_Integer)(r[rlen - 2] << 8 | r[rlen - 1]));
	free(r);
	return 2;
}

/* card:reset([cold]) -> atr. Warm reset unless cold is true. */
static int l_card_reset(lua_State *L)
{
	struct l_card *c = l_card_check(L, 1);
	struct rt_err err = { 0 };

	if (rt_card_reset(c->card, lua_toboolean(L, 2), &err))
		return luaL_error(L, "card %s: reset failed: %s", c->card->name, err.msg);
	lua_pushlstring(L, (const char *)c->card->atr, c->card->atr_len);
	return 1;
}

/* card:atr() -> atr of the last reset. */
static int l_card_atr(lua_State *L)
{
	struct l_card *c = l_card_check(L, 1);

	lua_pushlstring(L, (const char *)c->card->atr, c->card->atr_len);
	return 1;
}

/* card:name() -> reader name or "loop". */
static int l_card_name(lua_State *L)
{
	lua_pushstring(L, l_card_check(L, 1)->card->name);
	return 1;
}

/* card:close() — idempotent; a borrowed SUT card is only detached. */
static int l_card_close(lua_State *L)
{
	struct l_card *c = luaL_checkudata(L, 1, RT_CARD_MT);
	struct rt_cardlink *link = c->link;

	c->card = NULL;
	c->link = NULL;
	rt_cardlink_close(link);
	return 0;
}

static int l_card_tostring(lua_State *L)
{
	struct l_card *c = luaL_checkudata(L, 1, RT_CARD_MT);

	lua_pushfstring(L, "rt.card(%s)", c->card ? c->card->name : "closed");
	return 1;
}

/* Applies opts.faults = {"name", "-name", ...} to cfg; raises on an unknown name. */
static void l_card_faults(lua_State *L, struct rt_euicc_config *cfg)
{
	lua_Integer i, n;

	lua_getfield(L, 1, "faults");
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return;
	}
	luaL_checktype(L, -1, LUA_TTABLE);
	n = (lua_Integer)lua_rawlen(L, -1);
	for (i = 1; i <= n; i++) {
		struct rt_err err = { 0 };
		const char *name;
		uint64_t bit = 0;
		int neg;

		lua_rawgeti(L, -1, i);
		name = lua_tostring(L, -1);
		if (!name)
			luaL_error(L, "faults[%d] must be a fault name", (int)i);
		neg = name[0] == '-';
		if (rt_personality_fault(name + neg, &bit, &err)) {
			OPENSSL_cleanse(cfg, sizeof(*cfg));
			rt_lua_error(L, "reference card: %s", err.msg);
		}
		cfg->faults = neg ? cfg->faults & ~bit : cfg->faults | bit;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* A file name a case may use: [A-Za-z0-9_-] and inner dots, no '/', no leading dot,
 * at most 64 characters, so it cannot leave the directory it is joined to. */
static int l_card_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > 64 || name[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return 0;
	}
	return strstr(name, "..") == NULL;
}

/* Resolves opts.personality / opts.state into out. A trusted script (rsptest lua) uses
 * paths as given. A case (sandboxed) may only name files: a personality from
 * <datadir>/sut/personalities/NAME.yaml, a state file inside the run's own directory;
 * anything else is refused before a file is touched (the SUT description is the place
 * for paths). Raises an ERROR on refusal. */
static const char *l_card_path(lua_State *L, const char *key, const char *given, char *out,
			       size_t outsz)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);
	int n;

	if (!ctx->sandboxed)
		return given;
	if (!l_card_name_ok(given))
		rt_lua_error(L,
			     "reference card: %s '%s' refused: a case may name only a file "
			     "(letters, digits, _ - .), not a path",
			     key, given);
	if (strcmp(key, "personality") == 0) {
		n = snprintf(out, outsz, "%s/sut/personalities/%s%s",
			     ctx->datadir ? ctx->datadir : ".", given,
			     strstr(given, ".yaml") ? "" : ".yaml");
	} else {
		if (!ctx->run_dir)
			rt_lua_error(L, "reference card: state '%s' refused: this run has no "
					"directory of its own (no report directory)",
				     given);
		n = snprintf(out, outsz, "%s/%s", ctx->run_dir, given);
	}
	if (n < 0 || (size_t)n >= outsz)
		rt_lua_error(L, "reference card: %s '%s': path too long", key, given);
	return out;
}

/* rt.card.open_reference([{personality=file, state=file, faults={names},
 * eid=digits, t0_get_response=n}]) -> card: the reference eUICC in-process. The
 * personality (docs/euicc-personality.md) is read first, the other fields refine it;
 * state keeps the card's state in that file (loaded if it exists); a fault "-name"
 * removes one the personality sets. Inside a case both are bare file names (see
 * l_card_path). */
static int l_card_open_reference(lua_State *L)
{
	struct rt_euicc_config cfg;
	struct rt_cardlink *link;
	struct rt_err err = { 0 };
	char ppath[4096], spath[4096];
	int rc;

	rt_euicc_config_default(&cfg);
	if (lua_istable(L, 1)) {
		lua_getfield(L, 1, "personality");
		if (!lua_isnil(L, -1)) {
			const char *path = l_card_path(L, "personality", luaL_checkstring(L, -1),
						       ppath, sizeof(ppath));

			if (rt_personality_load(path, &cfg, &err))
				return rt_lua_error(L, "reference card: %s", err.msg);
		}
		lua_pop(L, 1);
		lua_getfield(L, 1, "state");
		/* stays on the stack (cfg.state_path points into it) until the card is open */
		if (!lua_isnil(L, -1))
			cfg.state_path = l_card_path(L, "state", luaL_checkstring(L, -1), spath,
						     sizeof(spath));
		l_card_faults(L, &cfg);
		lua_getfield(L, 1, "eid");
		if (lua_isstring(L, -1)) {
			size_t n;
			const char *eid = lua_tolstring(L, -1, &n);

			if (n != RT_EID_DIGITS)
				return luaL_error(L, "eid must be %d digits", RT_EID_DIGITS);
			memcpy(cfg.eid, eid, n + 1);
		}
		lua_getfield(L, 1, "t0_get_response");
		if (!lua_isnil(L, -1))
			cfg.t0_get_response = (unsigned)luaL_checkinteger(L, -1);
		lua_pop(L, 2);
	}
	rc = rt_cardlink_open_reference(&cfg, &link, &err);
	OPENSSL_cleanse(&cfg, sizeof(cfg)); /* the card keeps its own copy */
	if (rc)
		return rt_lua_error(L, "reference card: %s", err.msg);
	strncpy(link->card->name, "reference eUICC (loop)", sizeof(link->card->name) - 1);
	l_card_push(L, link->card, link);
	if (rt_card_reset(link->card, 1, &err))
		return luaL_error(L, "reference card: reset failed: %s", err.msg);
	return 1;
}

/* rt.card.open_pcsc([{reader=substring, index=n, wait_ms=n}]) -> card. Inside a case
 * the wait for a card, connecting and every later call end by the case deadline. */
static int l_card_open_pcsc(lua_State *L)
{
	struct rt_lua_ctx *ctx = rt_lua_ctx(L);
	struct rt_card_pcsc_opts opts = { RT_CARD_PCSC_WAIT_MS_DEFAULT, 0, NULL };
	const char *reader = NULL;
	int index = -1;
	struct rt_cardlink *link;
	struct rt_err err = { 0 };

	if (lua_istable(L, 1)) {
		lua_getfield(L, 1, "reader");
		reader = lua_tostring(L, -1);
		lua_getfield(L, 1, "index");
		index = (int)luaL_optinteger(L, -1, -1);
		lua_getfield(L, 1, "wait_ms");
		opts.wait_ms = (unsigned)luaL_optinteger(L, -1, RT_CARD_PCSC_WAIT_MS_DEFAULT);
		lua_pop(L, 2); /* keep reader's string alive until used */
	}
	if (ctx)
		opts.bound = ctx->card_bound;
	if (rt_cardlink_open_pcsc_opts(reader, index, &opts, &link, &err))
		return luaL_error(L, "pcsc: %s", err.msg);
	l_card_push(L, link->card, link);
	if (rt_card_reset(link->card, 0, &err))
		return luaL_error(L, "pcsc: reset failed: %s", err.msg);
	return 1;
}

static const luaL_Reg l_card_methods[] = {
	{ "transmit", l_card_transmit },
	{ "send", l_card_send },
	{ "reset", l_card_reset },
	{ "atr", l_card_atr },
	{ "name", l_card_name },
	{ "close", l_card_close },
	{ NULL, NULL },
};

static const luaL_Reg l_card_funcs[] = {
	{ "open_reference", l_card_open_reference },
	{ "open_pcsc", l_card_open_pcsc },
	{ NULL, NULL },
};

int luaopen_rt_card(lua_State *L)
{
	if (luaL_newmetatable(L, RT_CARD_MT)) {
		luaL_newlib(L, l_card_methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_card_close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, l_card_close);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, l_card_tostring);
		lua_setfield(L, -2, "__tostring");
	}
	lua_pop(L, 1);
	luaL_newlib(L, l_card_funcs);
	return 1;
}
