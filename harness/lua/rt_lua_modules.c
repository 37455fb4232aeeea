/* SPDX-License-Identifier: Apache-2.0 */
/* rt_lua_modules — the table of built-in rt.* modules; see rt_lua_modules.h. */
#include "lua/rt_lua_modules.h"

#include <stddef.h>

const struct rt_lua_module rt_lua_modules[] = {
	{ "rt.hex", luaopen_rt_hex },   { "rt.tlv", luaopen_rt_tlv },
	{ "rt.apdu", luaopen_rt_apdu }, { "rt.eid", luaopen_rt_eid },
	{ "rt.card", luaopen_rt_card }, { "rt.case", luaopen_rt_case },
	{ "rt.scp80", luaopen_rt_scp80 },
	{ "rt.scp03", luaopen_rt_scp03 }, { "rt.scp03t", luaopen_rt_scp03t },
	{ "rt.ec", luaopen_rt_ec },     { "rt.cert", luaopen_rt_cert },
	{ "rt.ecka", luaopen_rt_ecka },
	{ "rt.rcmd", luaopen_rt_rcmd },   { "rt.sms", luaopen_rt_sms },
	{ "rt.dgi", luaopen_rt_dgi },     { "rt.ctlv", luaopen_rt_ctlv },
	{ "rt.storedata", luaopen_rt_storedata }, { "rt.scp81", luaopen_rt_scp81 },
	{ "rt.crypto", luaopen_rt_crypto },
	{ NULL, NULL },
};
