/* SPDX-License-Identifier: Apache-2.0 */
/* test_yaml — unit tests for engine/rt_yaml's error paths: every refused document
 * (syntax error, alias, duplicate or non-text key, nesting too deep) reports
 * file:line:col and leaves nothing behind, so callers that return on error without
 * rt_ydoc_free leak nothing (this once leaked the interned file name; the ASan build,
 * -DRT_SANITIZE=ON, runs this test under LeakSanitizer too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "engine/rt_yaml.h"

struct bad_doc {
	const char *text;
	const char *why; /* part of the expected message */
};

static const struct bad_doc bad_docs[] = {
	{ "a: [1, 2\n", "YAML syntax error" },
	{ "a: &x 1\nb: *x\n", "aliases" },
	{ "a: 1\na: 2\n", "duplicate key 'a'" },
	{ "? [1]\n: 2\n", "mapping keys must be plain text" },
	{ "a:\n  b: 1\n  b: 2\n", "duplicate key 'b'" },
	{ "- 1\n- [2, {x: 3, x: 4}]\n", "duplicate key 'x'" },
};

static void test_errors_leave_nothing(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		struct rt_ydoc doc;
		struct rt_err err;

		memset(&err, 0, sizeof(err));
		assert_int_equal(rt_ydoc_load_mem("bad.yaml", bad_docs[i].text,
						  strlen(bad_docs[i].text), &doc, &err),
				 RT_ECONFIG);
		/* the message is a copy naming the file, valid after the document is gone */
		assert_non_null(strstr(err.msg, "bad.yaml:"));
		assert_non_null(strstr(err.msg, bad_docs[i].why));
		assert_null(doc.root);
		assert_null(doc.file);
	}
}

static void test_too_deep(void **state)
{
	char text[2 * (RT_YAML_MAX_DEPTH + 8) + 1];
	struct rt_ydoc doc;
	struct rt_err err;
	size_t i;

	(void)state;
	for (i = 0; i < RT_YAML_MAX_DEPTH + 8; i++)
		text[i] = '[';
	for (; i < 2 * (RT_YAML_MAX_DEPTH + 8); i++)
		text[i] = ']';
	text[i] = '\0';
	memset(&err, 0, sizeof(err));
	assert_int_equal(rt_ydoc_load_mem("deep.yaml", text, strlen(text), &doc, &err),
			 RT_ECONFIG);
	assert_non_null(strstr(err.msg, "nesting deeper"));
	assert_null(doc.root);
	assert_null(doc.file);
}

static void test_missing_file(void **state)
{
	struct rt_ydoc doc;
	struct rt_err err;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(rt_ydoc_load_file("/nonexistent/rsptest/x.yaml", &doc, &err),
			 RT_ECONFIG);
	assert_null(doc.root);
	assert_null(doc.file);
}

static void test_good_then_free(void **state)
{
	static const char text[] = "id: X\nsteps:\n  - a: { b: 1 }\n";
	struct rt_ydoc doc;
	struct rt_err err;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(rt_ydoc_load_mem("good.yaml", text, strlen(text), &doc, &err), 0);
	assert_non_null(doc.root);
	assert_string_equal(doc.file, "good.yaml");
	assert_string_equal(rt_ynode_get(doc.root, "id")->str, "X");
	rt_ydoc_free(&doc);
	assert_null(doc.root);
	assert_null(doc.file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors_leave_nothing),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_good_then_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
