/* SPDX-License-Identifier: Apache-2.0 */
/* rt_expect — declared `expect:` keys and their load-time check; see rt_expect.h.
 *
 * This table is the declaration: lua/expect.lua refuses to register a matcher that is
 * not here (expect.register), and unit.expect_keys checks both sides agree. A verb that
 * returns a new field a case wants to compare adds it here. */
#include "engine/rt_expect.h"

#include <stdio.h>
#include <string.h>

static const char *const rt_expect_tlv_keys[] = { "tag", "len", "value", NULL };
static const char *const rt_expect_refusal_keys[] = { "sw",	     "sw_install", "sw_cert", "sw_cert2",
						      "sw_keys", "sw_retry",   "sw_iu",   "sw_ea",
						      NULL };
static const char *const rt_expect_profile_keys[] = { "aid",	   "state",  "fallback",
						      "emergency", "absent", NULL };

const struct rt_expect_key rt_expect_keys[] = {
	/* matchers: lua/expect.lua */
	{ "sw", 1, NULL },
	{ "data", 1, NULL },
	{ "data_prefix", 1, NULL },
	{ "data_len", 1, NULL },
	{ "tlv", 1, rt_expect_tlv_keys },
	{ "eid_valid", 1, NULL },
	{ "atr_valid", 1, NULL },
	/* matchers: lua/smsr.lua, lua/es5.lua */
	{ "por", 1, NULL },
	{ "por_status_name", 1, NULL },
	{ "refresh", 1, NULL },
	{ "profile", 1, rt_expect_profile_keys },
	/* matchers: lua/smdp.lua */
	{ "refusal", 1, rt_expect_refusal_keys },
	/* result fields the verbs return (lua/device.lua, es5.lua, smsr.lua, smdp.lua) */
	{ "aborted", 0, NULL },
	{ "answered_86", 0, NULL },
	{ "atr", 0, NULL },
	{ "cntr", 0, NULL },
	{ "eid", 0, NULL },
	{ "eid_digits", 0, NULL },
	{ "error_tag", 0, NULL },
	{ "euicc_status", 0, NULL },
	{ "executed", 0, NULL },
	{ "format", 0, NULL },
	{ "installed", 0, NULL },
	{ "kvn", 0, NULL },
	{ "n", 0, NULL },
	{ "ndeleted", 0, NULL },
	{ "notif_aid", 0, NULL },
	{ "nprofiles", 0, NULL },
	{ "notif_type", 0, NULL },
	{ "por_authentic", 0, NULL },
	{ "por_present", 0, NULL },
	{ "por_status", 0, NULL },
	{ "por_via", 0, NULL },
	{ "raw", 0, NULL },
	{ "rc_len", 0, NULL },
	{ "reason", 0, NULL },
	{ "receipt_ok", 0, NULL },
	{ "receipt_status", 0, NULL },
	{ "resources_sw", 0, NULL },
	{ "response_tag", 0, NULL },
	{ "sent", 0, NULL },
	{ "seq", 0, NULL },
	{ "stage", 0, NULL },
	{ "status", 0, NULL },
	{ "status_sw", 0, NULL },
	{ "sw_cert", 0, NULL },
	{ "sw_ea", 0, NULL },
	{ "sw_install", 0, NULL },
	{ "sw_iu", 0, NULL },
	{ "sw_keys", 0, NULL },
	{ NULL, 0, NULL },
};

const struct rt_expect_key *rt_expect_find(const char *name)
{
	const struct rt_expect_key *k;

	for (k = rt_expect_keys; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static int rt_expect_in(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* Checks the sub-keys of one mapping value m of key k. */
static int rt_expect_sub(const struct rt_expect_key *k, const struct rt_ynode *m,
			 struct rt_err *err)
{
	char allowed[256];
	size_t i, used = 0;
	const char *const *s;

	if (!m || m->kind != RT_Y_MAP)
		return 0; /* a ${variable} or a scalar: the matcher judges the value */
	for (i = 0; i < m->n; i++) {
		if (rt_expect_in(k->subkeys, m->keys[i]))
			continue;
		allowed[0] = '\0';
		for (s = k->subkeys; *s; s++) {
			int w = snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
					 used ? ", " : "", *s);

			if (w < 0 || (size_t)w >= sizeof(allowed) - used)
				break;
			used += (size_t)w;
		}
		return rt_err_set(err, RT_ECONFIG,
				  "%s:%u:%u: unknown key '%s' in expect %s (it takes: %s)",
				  m->file ? m->file : "?", m->key_lines[i], m->key_cols[i],
				  m->keys[i], k->name, allowed);
	}
	return 0;
}

int rt_expect_check(const struct rt_ynode *exp, int any_field, struct rt_err *err)
{
	size_t i, j;
	int rc;

	if (!exp || exp->kind != RT_Y_MAP)
		return 0;
	for (i = 0; i < exp->n; i++) {
		const struct rt_expect_key *k = rt_expect_find(exp->keys[i]);
		const struct rt_ynode *v = exp->items[i];

		if (!k && any_field)
			continue;
		if (!k)
			return rt_err_set(err, RT_ECONFIG,
					  "%s:%u:%u: unknown expectation '%s' (not a matcher nor a "
					  "declared result field; see docs/testcase-format.md, "
					  "harness/engine/rt_expect.c)",
					  exp->file ? exp->file : "?", exp->key_lines[i],
					  exp->key_cols[i], exp->keys[i]);
		if (!k->subkeys || !v)
			continue;
		if (v->kind == RT_Y_SEQ) {
			for (j = 0; j < v->n; j++)
				if ((rc = rt_expect_sub(k, v->items[j], err)))
					return rc;
		} else if ((rc = rt_expect_sub(k, v, err))) {
			return rc;
		}
	}
	return 0;
}
