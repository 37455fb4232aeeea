/* SPDX-License-Identifier: Apache-2.0 */
/* test_dgi — unit tests for codec/rt_dgi (DGI TLVs of GP STORE DATA).
 *
 * Vector sources (public, never our own output):
 *  - sgp02-facts §5.2 / WHTY-SR: EnableProfile data 3A03 12 4F 10 <AID(16)>
 *    (AID: the ISD-R AID of facts §1.10 as filler), notification confirmation
 *    3A08 04 4E02 <seq> (WHTY-SR ReceiveNotification: 80 E2 89 00 07 3A08 04 4E02 0001).
 *  - sgp02-facts §5.2 length rule (NJIWA Utils.DGI): one byte up to FE, else FF + 2 bytes;
 *    the boundary vectors (FE, FF, FFFF) are built from that rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_dgi.h"
#include "util/rt_hex.h"

static void test_parse(void **state)
{
	uint8_t b[128];
	size_t n = unhex("3A03 12 4F10A0000005591010FFFFFFFF8900000100 3A08 04 4E020001", b, sizeof(b));
	struct rt_dgi_iter it;
	struct rt_dgi d;
	struct rt_err err = { 0 };

	(void)state;
	rt_dgi_iter_init(&it, b, n, 0);
	assert_int_equal(rt_dgi_next(&it, &d, &err), 0);
	assert_int_equal(d.tag, 0x3A03);
	assert_int_equal(d.len, 0x12);
	assert_int_equal(d.hdr_len, 3);
	assert_int_equal(d.value[0], 0x4F);
	assert_int_equal(rt_dgi_next(&it, &d, &err), 0);
	assert_int_equal(d.tag, 0x3A08);
	assert_int_equal(d.offset, 21);
	assert_true(rt_dgi_iter_done(&it));
	assert_int_equal(rt_dgi_next(&it, &d, &err), RT_ENOENT);
	assert_int_equal(rt_dgi_validate(b, n, 0, &err), 0);
	assert_int_equal(rt_dgi_find(b, n, 0x3A08, 0, &d, &err), 0);
	assert_int_equal(d.len, 4);
	assert_int_equal(rt_dgi_find(b, n, 0x3A07, 0, &d, &err), RT_ENOENT);
	assert_err_has(&err, "DGI 3A07 not found");
}

static void test_lengths(void **state)
{
	static uint8_t v[0x10000], b[0x10010];
	struct rt_err err = { 0 };
	struct rt_buf out;
	struct rt_dgi d;

	(void)state;
	rt_buf_init(&out, sizeof(b));
	assert_int_equal(rt_dgi_put(&out, 0x0070, v, 0xFE, &err), 0);
	assert_int_equal(out.len, 3 + 0xFE);
	assert_int_equal(out.data[2], 0xFE);
	rt_buf_reset(&out);
	assert_int_equal(rt_dgi_put(&out, 0x0070, v, 0xFF, &err), 0);
	assert_int_equal(out.data[2], 0xFF);
	assert_int_equal(out.data[3], 0x00);
	assert_int_equal(out.data[4], 0xFF);
	assert_int_equal(rt_dgi_decode(out.data, out.len, 0, 0, &d, &err), 0);
	assert_int_equal(d.len, 0xFF);
	assert_int_equal(d.hdr_len, 5);
	rt_buf_reset(&out);
	assert_int_equal(rt_dgi_put(&out, 0x8001, v, 0xFFFF, &err), 0);
	assert_int_equal(rt_dgi_decode(out.data, out.len, 0, 0, &d, &err), 0);
	assert_int_equal(d.len, 0xFFFF);
	assert_int_equal(rt_dgi_put(&out, 0x8001, v, 0x10000, &err), RT_ERANGE);
	rt_buf_free(&out);
	rt_buf_init(&out, 3);
	assert_int_equal(rt_dgi_put(&out, 0x8001, v, 1, &err), RT_ENOMEM);
	rt_buf_free(&out);
	assert_int_equal(rt_dgi_len_size(0xFE), 1);
	assert_int_equal(rt_dgi_len_size(0xFF), 3);
	assert_int_equal(rt_dgi_len_size(0x10000), 0);
	rt_buf_init(&out, 8);
	assert_int_equal(rt_dgi_put(&out, 0x3A05, NULL, 0, &err), 0);
	assert_int_equal(out.len, 3);
	rt_buf_free(&out);
	(void)b;
}

static void expect_err(const char *hex, unsigned flags, const char *needle)
{
	uint8_t b[64];
	size_t n = unhex(hex, b, sizeof(b));
	struct rt_err err = { 0 };

	assert_int_equal(rt_dgi_validate(b, n, flags, &err), RT_EPROTO);
	assert_err_has(&err, needle);
}

static void test_errors(void **state)
{
	uint8_t b[16];
	size_t n = unhex("3A03FF000501020304 05", b, sizeof(b));
	struct rt_err err = { 0 };
	struct rt_dgi d;

	(void)state;
	expect_err("3A", 0, "tag truncated");
	expect_err("3A03", 0, "DGI 3A03 at offset 0: length missing");
	expect_err("3A0305 0102", 0, "value truncated (5 bytes announced, 2 present)");
	expect_err("3A03FF00", 0, "length FF truncated");
	expect_err("3A03FF0005 0102030405", 0, "length FF 0005 for a length that fits one byte");
	expect_err("3A0300 3A0401", 0, "DGI 3A04 at offset 3: value truncated");
	/* non-minimal accepted on request */
	assert_int_equal(rt_dgi_decode(b, n, 0, RT_DGI_F_NONMINIMAL, &d, &err), 0);
	assert_int_equal(d.len, 5);
	assert_int_equal(rt_dgi_find(b, n - 1, 0x1111, RT_DGI_F_NONMINIMAL, &d, &err), RT_EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
