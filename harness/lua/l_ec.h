/* SPDX-License-Identifier: Apache-2.0 */
/* l_ec — shared helpers of the rt.ec Lua module for the other bindings (rt.cert,
 * rt.ecka): EC keys cross into Lua as full userdata "rt.ec.key". */
#ifndef L_EC_H
#define L_EC_H

#include <lua.h>

#include "crypto/rt_ec.h"

#define L_EC_KEY_MT "rt.ec.key"

/* The key at idx (raises when it is not an open rt.ec.key). */
struct rt_ec_key *l_ec_checkkey(lua_State *L, int idx);

/* Pushes a new rt.ec.key userdata owning k (k is freed if pushing fails). */
void l_ec_pushkey(lua_State *L, struct rt_ec_key *k);

/* Curve argument: "P-256", "brainpoolP256r1" and aliases. */
enum rt_ec_curve l_ec_checkcurve(lua_State *L, int idx);

#endif
