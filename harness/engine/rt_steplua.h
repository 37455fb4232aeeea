/* SPDX-License-Identifier: Apache-2.0 */
/* rt_steplua — YAML values of a case handed to Lua, with ${NAME} substitution.
 *
 * Plain scalars become booleans (true/false), nil (null, ~), integers (decimal without
 * leading zeros) or strings; quoted scalars are always strings (write "0001" or
 * "9000" quoted to be sure). "${NAME}" alone keeps the variable's type (a table, bytes);
 * inside text it is inserted as text. ${A.b.c} walks tables; "$${" is a literal "${".
 * Runs only inside a protected call: errors are raised as Lua errors naming
 * file:line:col. */
#ifndef RT_STEPLUA_H
#define RT_STEPLUA_H

#include <lua.h>

#include "engine/rt_yaml.h"

/* Pushes the Lua value of n (nil for NULL). vars_idx: absolute index of the variables
 * table, or 0 for no substitution. */
void rt_steplua_push(lua_State *L, const struct rt_ynode *n, int vars_idx);

#endif
