/* rt_lua_modules — the table of built-in rt.* modules; see rt_lua_modules.h. */
#include "lua/rt_lua_modules.h"

#include <stddef.h>

const struct rt_lua_module rt_lua_modules[] = {
	{ "rt.hex", luaopen_rt_hex },   { "rt.tlv", luaopen_rt_tlv },
	{ "rt.apdu", luaopen_rt_apdu }, { "rt.eid", luaopen_rt_eid },
	{ "rt.card", luaopen_rt_card }, { "rt.case", luaopen_rt_case },
	{ "rt.scp80", luaopen_rt_scp80 },
	{ NULL, NULL },
};
