/* SPDX-License-Identifier: Apache-2.0 */
/* l_crypto — the rt.crypto Lua module: plain cryptographic primitives a step needs on its
 * own, outside a secure-channel object. So far AES-CMAC (the GP delete token of SGP.02
 * MasterDelete, facts §5.2). Thin wrapper over crypto/rt_crypto; keys never appear in
 * messages, and the C copies are wiped. */
#include <lauxlib.h>
#include <lua.h>

#include <openssl/crypto.h>

#include "crypto/rt_crypto.h"
#include "lua/rt_lua_modules.h"

/* rt.crypto.aes_cmac(key, data) -> mac (16 bytes)  [-2, +1, e]
 * NIST SP 800-38B AES-CMAC; key of 16, 24 or 32 bytes (else an error naming the length). */
static int l_crypto_aes_cmac(lua_State *L)
{
	size_t klen, n;
	const char *key = luaL_checklstring(L, 1, &klen);
	const char *data = luaL_checklstring(L, 2, &n);
	uint8_t mac[RT_CRYPTO_CMAC_LEN];
	struct rt_err err = { 0 };

	if (klen != 16 && klen != 24 && klen != 32)
		return luaL_error(L, "rt.crypto.aes_cmac: key of %d bytes (16, 24 or 32)", (int)klen);
	if (rt_crypto_aes_cmac((const uint8_t *)key, klen, (const uint8_t *)data, n, mac, &err))
		return luaL_error(L, "rt.crypto.aes_cmac: %s", err.msg);
	lua_pushlstring(L, (const char *)mac, sizeof(mac));
	OPENSSL_cleanse(mac, sizeof(mac));
	return 1;
}

static const luaL_Reg l_crypto_funcs[] = {
	{ "aes_cmac", l_crypto_aes_cmac },
	{ NULL, NULL },
};

/* require "rt.crypto" -> module table  [-0, +1, m] */
int luaopen_rt_crypto(lua_State *L)
{
	luaL_newlib(L, l_crypto_funcs);
	return 1;
}
