/* SPDX-License-Identifier: Apache-2.0 */
/* rt_lua_modules — the built-in rt.* Lua modules.
 *
 * Each binding file l_<mod>.c exports luaopen_rt_<mod>, which pushes the module table.
 * rt_lua_sandbox.c registers them (RT_LUA_MODULES in rt_lua_modules.c) so that
 * `require "rt.<mod>"` finds them without touching the file system. */
#ifndef RT_LUA_MODULES_H
#define RT_LUA_MODULES_H

#include <lua.h>

struct rt_lua_module {
	const char *name; /* "rt.tlv" */
	lua_CFunction open;
};

/* NULL-terminated table of every built-in module. */
extern const struct rt_lua_module rt_lua_modules[];

int luaopen_rt_hex(lua_State *L);
int luaopen_rt_tlv(lua_State *L);
int luaopen_rt_apdu(lua_State *L);
int luaopen_rt_eid(lua_State *L);
int luaopen_rt_card(lua_State *L);
int luaopen_rt_case(lua_State *L);
int luaopen_rt_scp80(lua_State *L);
int luaopen_rt_scp03(lua_State *L);
int luaopen_rt_scp03t(lua_State *L);
int luaopen_rt_ec(lua_State *L);
int luaopen_rt_cert(lua_State *L);
int luaopen_rt_ecka(lua_State *L);

int luaopen_rt_rcmd(lua_State *L);
int luaopen_rt_sms(lua_State *L);
int luaopen_rt_dgi(lua_State *L);
int luaopen_rt_ctlv(lua_State *L);
int luaopen_rt_storedata(lua_State *L);
int luaopen_rt_scp81(lua_State *L);
int luaopen_rt_crypto(lua_State *L);

#endif
