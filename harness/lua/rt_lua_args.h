/* SPDX-License-Identifier: Apache-2.0 */
/* rt_lua_args — reading option tables and returning byte-string lists, shared by the
 * binding files (one way of doing it, one set of error messages). */
#ifndef RT_LUA_ARGS_H
#define RT_LUA_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

/* Integer field name of the options table at idx; dflt when the table or the field is
 * absent. Raises "field 'name' must be an integer min..max" otherwise. */
lua_Integer rt_lua_opt_int(lua_State *L, int idx, const char *name, lua_Integer dflt,
			   lua_Integer min, lua_Integer max);

/* Boolean field name of the options table at idx (truthiness); dflt when absent. */
int rt_lua_opt_bool(lua_State *L, int idx, const char *name, int dflt);

/* Pushes a list of n byte strings cut one after the other from base by lens. */
void rt_lua_push_parts(lua_State *L, const uint8_t *base, const size_t *lens, size_t n);

#endif
