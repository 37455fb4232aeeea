/* SPDX-License-Identifier: Apache-2.0 */
/* rt_expect — the keys a step's `expect:` mapping may use, checked when a case loads.
 *
 * A key is either a matcher (lua/expect.lua and the matchers the step library registers
 * with expect.register) or a result field a verb returns, compared as is. Matchers that
 * take a mapping declare their sub-keys too. A key not declared here is a typo in the
 * case: a usage error (exit 2, file:line:col) at load time, never a verdict — before,
 * `expect: {sww: "9000"}` FAILed the card and `tlv: {tag: "6F", lenn: 3}` passed. */
#ifndef RT_EXPECT_H
#define RT_EXPECT_H

#include "engine/rt_yaml.h"
#include "util/rt_err.h"

struct rt_expect_key {
	const char *name;
	int matcher;                   /* 1: a matcher function, 0: a result field */
	const char *const *subkeys;    /* keys of a mapping value, NULL when not a mapping */
};

/* The declared keys, ended by a NULL name. */
extern const struct rt_expect_key rt_expect_keys[];

/* The declaration of a key, or NULL. */
const struct rt_expect_key *rt_expect_find(const char *name);

/* Checks an `expect:` mapping; RT_ECONFIG with "file:line:col: ..." on an unknown key or
 * sub-key. any_field != 0 (a `lua:` step, whose chunk makes its own result table): a key
 * that is no matcher is taken as a field of that result; matcher sub-keys are still
 * checked. */
int rt_expect_check(const struct rt_ynode *exp, int any_field, struct rt_err *err);

#endif
