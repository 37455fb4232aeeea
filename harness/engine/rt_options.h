/* SPDX-License-Identifier: Apache-2.0 */
/* rt_options — named protocol options: the places where public sources disagree or a
 * fact stays unconfirmed, so that a user can pick the variant their SUT implements.
 *
 * Each option has a name ("scp80.aes_cc_len"), its allowed values, a default (the
 * best-supported reading) and the note that explains it (docs/spec-notes.md). A SUT
 * description sets them under `options:`; unknown names and values are configuration
 * errors with file:line:column. Steps read the effective value with
 * rt.case.option(name). `rsptest options` lists them. */
#ifndef RT_OPTIONS_H
#define RT_OPTIONS_H

#include <stddef.h>

#include "engine/rt_yaml.h"
#include "util/rt_err.h"

#define RT_OPTION_MAX_VALUES 6
/* An allowed value that stands for any four hex digits (a DGI or tag a SUT chooses); never
 * the default. */
#define RT_OPTION_ANY_HEX4 "<hex4>"

struct rt_option_def {
	const char *name;
	const char *values[RT_OPTION_MAX_VALUES]; /* allowed values, NULL-terminated; first = default */
	const char *doc;
};

/* NULL-terminated table of every option. */
extern const struct rt_option_def rt_option_defs[];

/* The definition of name, or NULL. */
const struct rt_option_def *rt_option_find(const char *name);

/* Checks a SUT description's `options:` mapping (may be NULL). */
int rt_options_validate(const struct rt_ynode *options, struct rt_err *err);

/* The effective value of name given the SUT's `options:` (may be NULL): the SUT's
 * value, else the default. NULL when name is not an option. */
const char *rt_option_value(const struct rt_ynode *options, const char *name);

#endif
