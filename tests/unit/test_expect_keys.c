/* SPDX-License-Identifier: Apache-2.0 */
/* test_expect_keys — the expect: keys declared in engine/rt_expect.c agree with the
 * matchers the Lua step library registers, and the load-time check refuses typos.
 *
 * Every matcher lua/ registers (expect.lua, and the ones es5/smsr/smdp/device add) must
 * be declared as a matcher in rt_expect_keys, and every declared matcher must exist in
 * Lua, so the loader's check and the run-time matchers cannot drift apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lua.h>

#include "rt_testlib.h"

#include "engine/rt_expect.h"
#include "engine/rt_yaml.h"
#include "lua/rt_lua.h"

static void test_lua_and_c_agree(void **state)
{
	static const char *const mods[] = { "expect", "device", "es5", "smsr", "smdp", NULL };
	const char *src = getenv("RT_SRCDIR");
	struct rt_lua_ctx ctx;
	struct rt_lua_result res;
	struct rt_err err = { 0 };
	const struct rt_expect_key *k;
	const char *const *m;
	lua_State *L;
	lua_Integer i, n;
	size_t nmatchers = 0;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.case_id = "";
	ctx.datadir = src ? src : ".";
	L = rt_lua_new(&ctx, 0, &err);
	assert_non_null(L);
	for (m = mods; *m; m++) {
		lua_getglobal(L, "require");
		lua_pushstring(L, *m);
		if (rt_lua_pcall(L, 1, 0, &res) != RT_LUA_OK)
			fail_msg("require %s: %s", *m, res.message);
	}
	lua_getglobal(L, "require");
	lua_pushstring(L, "expect");
	assert_int_equal(rt_lua_pcall(L, 1, 1, &res), RT_LUA_OK);
	lua_getfield(L, -1, "names");
	assert_int_equal(rt_lua_pcall(L, 0, 1, &res), RT_LUA_OK);
	n = (lua_Integer)lua_rawlen(L, -1);
	for (i = 1; i <= n; i++) {
		const char *name;

		lua_rawgeti(L, -1, i);
		name = lua_tostring(L, -1);
		k = rt_expect_find(name);
		if (!k || !k->matcher)
			fail_msg("Lua matcher '%s' is not declared as a matcher in rt_expect.c", name);
		lua_pop(L, 1);
	}
	for (k = rt_expect_keys; k->name; k++) {
		int found = 0;

		if (!k->matcher)
			continue;
		nmatchers++;
		for (i = 1; i <= n && !found; i++) {
			lua_rawgeti(L, -1, i);
			found = strcmp(lua_tostring(L, -1), k->name) == 0;
			lua_pop(L, 1);
		}
		if (!found)
			fail_msg("declared matcher '%s' has no Lua implementation", k->name);
	}
	assert_int_equal((lua_Integer)nmatchers, n);
	rt_lua_close(L);
}

/* Loads YAML text and checks its `expect` mapping. */
static int check_text(const char *text, int lua, struct rt_err *err)
{
	struct rt_ydoc doc;
	int rc;

	memset(&doc, 0, sizeof(doc));
	rc = rt_ydoc_load_mem("case.yaml", text, strlen(text), &doc, err);
	assert_int_equal(rc, 0);
	rc = rt_expect_check(rt_ynode_get(doc.root, "expect"), lua, err);
	rt_ydoc_free(&doc);
	return rc;
}

static void test_typos_refused(void **state)
{
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(check_text("expect: {sw: \"9000\", tlv: {tag: \"5A\", len: 16}}\n", 0, &err), 0);
	assert_int_equal(check_text("expect:\n  profile:\n    - {aid: A0, state: enabled}\n"
				    "    - {aid: A1, absent: true}\n", 0, &err),
			 0);
	assert_int_equal(check_text("expect: {sww: \"9000\"}\n", 0, &err), RT_ECONFIG);
	assert_err_has(&err, "case.yaml:1:10: unknown expectation 'sww'");
	assert_int_equal(check_text("expect:\n  tlv: {tag: \"6F\", lenn: 3}\n", 0, &err), RT_ECONFIG);
	assert_err_has(&err, "case.yaml:2:20: unknown key 'lenn' in expect tlv (it takes: tag, len, value)");
	assert_int_equal(check_text("expect:\n  profile:\n    - {aid: A0, stat: enabled}\n", 0, &err),
			 RT_ECONFIG);
	assert_err_has(&err, "case.yaml:3:17: unknown key 'stat' in expect profile");
	/* a lua: step makes its own result: any field, but matcher sub-keys still count */
	assert_int_equal(check_text("expect: {cc: \"4\", c11: x}\n", 1, &err), 0);
	assert_int_equal(check_text("expect: {tlv: {tag: \"5A\", lenn: 3}}\n", 1, &err), RT_ECONFIG);
	assert_err_has(&err, "unknown key 'lenn'");
	/* a ${variable} value is the matcher's to judge at run time */
	assert_int_equal(check_text("expect: {tlv: \"${T}\"}\n", 0, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lua_and_c_agree),
		cmocka_unit_test(test_typos_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
