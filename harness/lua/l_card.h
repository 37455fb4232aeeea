/* SPDX-License-Identifier: Apache-2.0 */
/* l_card — C-side helpers of the rt.card binding. */
#ifndef RT_L_CARD_H
#define RT_L_CARD_H

#include <lua.h>

#include "transport/rt_card.h"

/* Pushes a userdata for a card owned elsewhere (the run's SUT card): Lua can use it
 * but never closes it. Requires luaopen_rt_card to have run (its metatable). */
void rt_lua_push_borrowed_card(lua_State *L, struct rt_card *card);

#endif
