/* SPDX-License-Identifier: Apache-2.0 */
/* test_storedata — unit tests for codec/rt_storedata (STORE DATA split and check).
 *
 * Vector sources (public, never our own output):
 *  - sgp02-facts §5.2 / WHTY-SR: EnableProfile 80 E2 88 00 15 3A03 12 4F 10 <AID(16)>
 *    (one last block, DGI, no response) and notification confirmation
 *    80 E2 89 00 07 3A08 04 4E02 0001.
 *  - sgp02-facts §5.2 / osmocom/pysim ADF_SD.StoreData: P1 b8 last block, P2 block number
 *    from 00, 09 = more blocks, DGI, response. Multi-block sequences are built from
 *    that rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_storedata.h"
#include "util/rt_hex.h"

static void test_single_block(void **state)
{
	uint8_t want[64], data[64];
	size_t wn = unhex("80E2880015 3A0312 4F10A0000005591010FFFFFFFF8900000100", want, sizeof(want));
	size_t dn = unhex("3A0312 4F10A0000005591010FFFFFFFF8900000100", data, sizeof(data));
	struct rt_storedata_opts o = { 0x80, 0x08, 255, 0 };
	size_t lens[RT_STOREDATA_BLOCKS_MAX], n;
	const uint8_t *ap[1];
	struct rt_storedata_info info;
	struct rt_err err = { 0 };
	struct rt_buf out, pay;

	(void)state;
	rt_buf_init(&out, 4096);
	assert_int_equal(rt_storedata_split(data, dn, &o, &out, lens, 256, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_true(out.len == wn && !memcmp(out.data, want, wn));
	/* the WHTY-SR notification confirmation checks */
	wn = unhex("80E2890007 3A08044E020001", want, sizeof(want));
	ap[0] = want;
	lens[0] = wn;
	rt_buf_init(&pay, 4096);
	assert_int_equal(rt_storedata_check(ap, lens, 1, &pay, &info, &err), 0);
	assert_int_equal(info.p1, 0x09);
	assert_int_equal(info.cla, 0x80);
	assert_int_equal(pay.len, 7);
	rt_buf_free(&pay);
	rt_buf_free(&out);
}

static void test_multi_block(void **state)
{
	static uint8_t data[600];
	struct rt_storedata_opts o = { 0x84, 0x89, 200, 1 };
	size_t lens[RT_STOREDATA_BLOCKS_MAX], n, i, off = 0;
	const uint8_t *ap[RT_STOREDATA_BLOCKS_MAX];
	struct rt_storedata_info info;
	struct rt_err err = { 0 };
	struct rt_buf out, pay;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	rt_buf_init(&out, 1 << 16);
	rt_buf_init(&pay, 1 << 16);
	assert_int_equal(rt_storedata_split(data, 450, &o, &out, lens, 256, &n, &err), 0);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		ap[i] = out.data + off;
		off += lens[i];
	}
	/* 84 E2 09 00 C8 ... 00 | 84 E2 09 01 C8 ... 00 | 84 E2 89 02 32 ... 00 */
	assert_int_equal(ap[0][2], 0x09);
	assert_int_equal(ap[0][3], 0x00);
	assert_int_equal(ap[0][4], 200);
	assert_int_equal(lens[0], 5 + 200 + 1);
	assert_int_equal(ap[1][3], 0x01);
	assert_int_equal(ap[2][2], 0x89);
	assert_int_equal(ap[2][3], 0x02);
	assert_int_equal(ap[2][4], 50);
	assert_int_equal(rt_storedata_check(ap, lens, n, &pay, &info, &err), 0);
	assert_true(pay.len == 450 && !memcmp(pay.data, data, 450));
	assert_int_equal(info.blocks, 3);
	assert_int_equal(info.max_block, 200);
	/* violations */
	assert_int_equal(rt_storedata_check(ap, lens, 2, &pay, &info, &err), RT_EPROTO);
	assert_err_has(&err, "block 1: last block without P1 b8");
	{
		const uint8_t *bp[3] = { ap[0], ap[1], ap[1] };
		size_t bl[3] = { lens[0], lens[1], lens[1] };

		assert_int_equal(rt_storedata_check(bp, bl, 3, &pay, &info, &err), RT_EPROTO);
		assert_err_has(&err, "block 2: P2 (block number) 01, expected 02");
		bp[1] = ap[2]; /* the last block in the middle */
		bl[1] = lens[2];
		assert_int_equal(rt_storedata_check(bp, bl, 3, &pay, &info, &err), RT_EPROTO);
		assert_err_has(&err, "block 1: P2 (block number) 02, expected 01");
	}
	assert_int_equal(rt_storedata_check(ap, lens, 0, &pay, &info, &err), RT_EINVAL);
	/* empty payload: one case-1 command */
	rt_buf_reset(&out);
	o.le = 0;
	assert_int_equal(rt_storedata_split(data, 0, &o, &out, lens, 256, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out.len, 4);
	assert_int_equal(out.data[2], 0x89);
	/* limits */
	o.block_size = 0;
	assert_int_equal(rt_storedata_split(data, 10, &o, &out, lens, 256, &n, &err), RT_EINVAL);
	o.block_size = 256;
	assert_int_equal(rt_storedata_split(data, 10, &o, &out, lens, 256, &n, &err), RT_EINVAL);
	o.block_size = 2;
	assert_int_equal(rt_storedata_split(data, 600, &o, &out, lens, 256, &n, &err), RT_ERANGE);
	assert_err_has(&err, "600 bytes need 300 blocks");
	o.block_size = 255;
	assert_int_equal(rt_storedata_split(data, 600, &o, &out, lens, 2, &n, &err), RT_ERANGE);
	rt_buf_free(&out);
	rt_buf_free(&pay);
}

static void test_check_errors(void **state)
{
	uint8_t a[64], b2[64];
	size_t la = unhex("80E2090003 010203", a, sizeof(a));
	size_t lb = unhex("80E4880103 040506", b2, sizeof(b2));
	const uint8_t *ap[2] = { a, b2 };
	size_t lens[2] = { la, lb };
	struct rt_storedata_info info;
	struct rt_err err = { 0 };
	struct rt_buf pay;

	(void)state;
	rt_buf_init(&pay, 64);
	assert_int_equal(rt_storedata_check(ap, lens, 2, &pay, &info, &err), RT_EPROTO);
	assert_err_has(&err, "block 1: INS E4 (not E2)");
	lb = unhex("84E2880103 040506", b2, sizeof(b2));
	lens[1] = lb;
	assert_int_equal(rt_storedata_check(ap, lens, 2, &pay, &info, &err), RT_EPROTO);
	assert_err_has(&err, "CLA 84 differs from block 0 (80)");
	lb = unhex("80E2980103 040506", b2, sizeof(b2));
	lens[1] = lb;
	assert_int_equal(rt_storedata_check(ap, lens, 2, &pay, &info, &err), RT_EPROTO);
	assert_err_has(&err, "P1 bits 18 differ from block 0 (09)");
	lb = unhex("80E2890105 0405", b2, sizeof(b2));
	lens[1] = lb;
	assert_int_equal(rt_storedata_check(ap, lens, 2, &pay, &info, &err), RT_EPROTO);
	assert_err_has(&err, "STORE DATA block 1");
	la = unhex("80E2890003 010203", a, sizeof(a));
	lb = unhex("80E2890103 040506", b2, sizeof(b2));
	lens[0] = la;
	lens[1] = lb;
	assert_int_equal(rt_storedata_check(ap, lens, 2, &pay, &info, &err), RT_EPROTO);
	assert_err_has(&err, "block 0: P1 b8 (last block) set on a block that is not the last");
	rt_buf_free(&pay);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_block),
		cmocka_unit_test(test_multi_block),
		cmocka_unit_test(test_check_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
