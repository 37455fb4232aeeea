/* SPDX-License-Identifier: Apache-2.0 */
/* rt_select — `-k EXPR` case selection, as pytest users know it.
 *
 * EXPR is words combined with `not`, `and`, `or` and parentheses. A word matches a
 * case when it is a case-insensitive substring of the case id, its suite (folder), its
 * file name, or one of its keywords. */
#ifndef RT_SELECT_H
#define RT_SELECT_H

#include "engine/rt_case.h"
#include "util/rt_err.h"

struct rt_select;

/* Compiles expr. RT_EINVAL with the position of the problem on a syntax error. */
int rt_select_compile(const char *expr, struct rt_select **out, struct rt_err *err);

/* 1 when the case matches (a NULL selector matches everything). */
int rt_select_match(const struct rt_select *sel, const struct rt_case *c);

void rt_select_free(struct rt_select *sel);

#endif
