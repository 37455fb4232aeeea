/* SPDX-License-Identifier: Apache-2.0 */
/* test_ctlv — unit tests for codec/rt_ctlv (COMPREHENSION-TLV, TS 101 220 §7.1.1).
 *
 * Vector sources (public, never our own output):
 *  - osmocom/pysim pySim/cat.py TextString._test_de_encode 8d090470617373776f7264 and
 *    tests/unittests/test_cat.py: IMEI 94081a32547698103254, IMEISV
 *    e2091332547698103254f6, supported RATs b4020801 / b40408010000.
 *  - asterix (Petr Tobiska) test_SPI1531 card trace: proactive SEND SHORT MESSAGE
 *    D0 47 { 81 03 01 13 00 | 82 02 81 83 | 05 00 | 8B 3A <TPDU> } (05 without CR).
 *  - TS 101 220 §7.1.1/§7.1.2 rules for the 3-byte tag form and the 81 length form
 *    (boundary vectors built from the rule). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_ctlv.h"
#include "util/rt_hex.h"

static void test_pysim_ies(void **state)
{
	static const char *const v[] = { "8d090470617373776f7264", "94081a32547698103254",
					 "e2091332547698103254f6", "b4020801", "b40408010000" };
	static const uint32_t nocr[] = { 0x0D, 0x14, 0x62, 0x34, 0x34 };
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		uint8_t b[32];
		size_t n = unhex(v[i], b, sizeof(b));
		struct rt_ctlv t;
		struct rt_err err = { 0 };
		struct rt_buf out;

		assert_int_equal(rt_ctlv_decode(b, n, 0, &t, &err), 0);
		assert_true(t.cr);
		assert_int_equal(t.tag_nocr, nocr[i]);
		assert_int_equal(t.tag, b[0]);
		assert_int_equal(t.total_len, n);
		rt_buf_init(&out, 64);
		assert_int_equal(rt_ctlv_put(&out, t.tag, t.value, t.len, &err), 0);
		assert_true(out.len == n && !memcmp(out.data, b, n));
		rt_buf_free(&out);
	}
}

static void test_proactive_trace(void **state)
{
	uint8_t b[128];
	size_t n = unhex("8103011300820281830500 8B3A4100038119F000F631027100002C0EC00000888B39C361C66D5F3DC4EFCEF508CC228021DD34E577B147E54EFF18B3922C9176644E2E8AA9A695", b, sizeof(b));
	struct rt_ctlv_iter it;
	struct rt_ctlv t;
	struct rt_err err = { 0 };
	int k = 0;

	(void)state;
	assert_int_equal(n, 0x47);
	rt_ctlv_iter_init(&it, b, n);
	while (!rt_ctlv_iter_done(&it)) {
		assert_int_equal(rt_ctlv_next(&it, &t, &err), 0);
		k++;
	}
	assert_int_equal(k, 4);
	assert_int_equal(rt_ctlv_next(&it, &t, &err), RT_ENOENT);
	/* alpha identifier 05 without CR is found only by its exact tag or with ANY_CR */
	assert_int_equal(rt_ctlv_find(b, n, 0x85, 0, &t, &err), RT_ENOENT);
	assert_int_equal(rt_ctlv_find(b, n, 0x85, RT_CTLV_F_ANY_CR, &t, &err), 0);
	assert_int_equal(t.len, 0);
	assert_int_equal(rt_ctlv_find(b, n, 0x0B, RT_CTLV_F_ANY_CR, &t, &err), 0);
	assert_int_equal(t.len, 0x3A);
	assert_int_equal(t.offset, 11);
	assert_int_equal(rt_ctlv_validate(b, n, &err), 0);
}

static void test_three_byte_and_long(void **state)
{
	static uint8_t v[256];
	struct rt_err err = { 0 };
	struct rt_buf out;
	struct rt_ctlv t;
	size_t tn;

	(void)state;
	rt_buf_init(&out, 512);
	assert_int_equal(rt_ctlv_put(&out, 0x7F8001, v, 0x80, &err), 0);
	assert_int_equal(out.len, 3 + 2 + 0x80);
	assert_int_equal(out.data[3], 0x81);
	assert_int_equal(out.data[4], 0x80);
	assert_int_equal(rt_ctlv_decode(out.data, out.len, 0, &t, &err), 0);
	assert_int_equal(t.tag, 0x7F8001);
	assert_int_equal(t.tag_nocr, 0x7F0001);
	assert_true(t.cr);
	assert_int_equal(t.tag_len, 3);
	assert_int_equal(rt_ctlv_tag_cr(0x7F0001), 0x7F8001);
	assert_int_equal(rt_ctlv_tag_cr(0x0B), 0x8B);
	rt_buf_reset(&out);
	assert_int_equal(rt_ctlv_put(&out, 0x0B, v, 255, &err), 0);
	assert_int_equal(out.len, 258);
	assert_int_equal(rt_ctlv_put(&out, 0x0B, v, 256, &err), RT_ERANGE);
	assert_int_equal(rt_ctlv_put(&out, 0x80, v, 1, &err), RT_EINVAL);
	assert_int_equal(rt_ctlv_put(&out, 0x7F, v, 1, &err), RT_EINVAL);
	assert_int_equal(rt_ctlv_put(&out, 0x7F8000, v, 1, &err), RT_EINVAL);
	assert_int_equal(rt_ctlv_put(&out, 0x7E0001, v, 1, &err), RT_EINVAL);
	assert_int_equal(rt_ctlv_tag_size(0xFF, &tn, &err), RT_EINVAL);
	assert_int_equal(rt_ctlv_tag_size(0x01, &tn, &err), 0);
	rt_buf_free(&out);
	rt_buf_init(&out, 2);
	assert_int_equal(rt_ctlv_put(&out, 0x0B, v, 1, &err), RT_ENOMEM);
	rt_buf_free(&out);
}

static void expect_err(const char *hex, const char *needle)
{
	uint8_t b[64];
	size_t n = unhex(hex, b, sizeof(b));
	struct rt_err err = { 0 };

	assert_int_equal(rt_ctlv_validate(b, n, &err), RT_EPROTO);
	assert_err_has(&err, needle);
}

static void test_errors(void **state)
{
	(void)state;
	expect_err("00", "tag byte 00 at offset 0");
	expect_err("FF01", "tag byte FF");
	expect_err("8001 00", "tag byte 80");
	expect_err("7F80", "three-byte tag truncated");
	expect_err("7F800000", "three-byte tag value 0000");
	expect_err("8B", "length missing");
	expect_err("8B8101", "length 81 01 (the 81 form codes 80..FF)");
	expect_err("8B81", "length 81 truncated");
	expect_err("8B820001", "length form 82");
	expect_err("8B80", "length form 80");
	expect_err("8B0301", "value truncated (3 bytes announced, 1 present)");
	expect_err("820283818B0201", "tag 8B at offset 4: value truncated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pysim_ies),
		cmocka_unit_test(test_proactive_trace),
		cmocka_unit_test(test_three_byte_and_long),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
