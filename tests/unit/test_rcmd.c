/* SPDX-License-Identifier: Apache-2.0 */
/* test_rcmd — unit tests for codec/rt_rcmd (TS 102 226 §5 remote command formats).
 *
 * Vector sources (public, never our own output):
 *  - sgp02-facts §1.7 / AMDB-TXT SCP81 test code: AE 80 22 05 80CAFF2100 00 00 and the
 *    response AF 80 80 01 01 23 04 93 05 90 00 00 00 (same bytes as test_tlv.c).
 *  - sgp02-facts §5.2 / WHTY-SR EnableProfile: 22 1A 80 E2 88 00 15 3A03 12 4F 10 <AID>
 *    (AID here: the ISD-R AID of facts §1.10, used only as 16 filler bytes).
 *  - osmocom/pysim pySim/ota.py CompactRemoteResp example 01 61 32 (facts §1.7).
 *  - asterix (Petr Tobiska, asterix/SecurePacket.py test_SPI1531, a Gemalto card trace):
 *    compact commands 80CA00E000 00C0000000 and the compact response
 *    019000E012C00401018210C00402018210C00403018210.
 *  Negative inputs are those bytes with one rule broken (TS 102 226 tag set, lengths). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_rcmd.h"
#include "util/rt_hex.h"

#define ISDR_AID "A0000005591010FFFFFFFF8900000100"
static struct rt_rcmd_script sc;

static void test_cmd_indefinite(void **state)
{
	uint8_t b[64];
	size_t n = unhex("AE80 2205 80CAFF2100 0000", b, sizeof(b));
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_rcmd_cmd_parse(b, n, 0, &sc, &err), 0);
	assert_int_equal(sc.tag, 0xAE);
	assert_true(sc.indefinite);
	assert_int_equal(sc.total_len, n);
	assert_int_equal(sc.n, 1);
	assert_int_equal(sc.n_apdu, 1);
	assert_int_equal(sc.chaining, -1);
	assert_int_equal(sc.item[0].tag, 0x22);
	assert_int_equal(sc.item[0].offset, 2);
	assert_hex(sc.item[0].value, sc.item[0].len, "80CAFF2100");
}

static void test_cmd_definite_enable_profile(void **state)
{
	uint8_t b[128];
	size_t n = unhex("AA1C 221A 80E2880015 3A0312 4F10" ISDR_AID, b, sizeof(b));
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_rcmd_cmd_parse(b, n, 0, &sc, &err), 0);
	assert_int_equal(sc.tag, 0xAA);
	assert_false(sc.indefinite);
	assert_int_equal(sc.n_apdu, 1);
	assert_int_equal(sc.item[0].len, 0x1A);
	assert_hex(sc.item[0].value, 5, "80E2880015");
}

static void test_cmd_build_roundtrip(void **state)
{
	uint8_t apdu[8], chain = RT_RCMD_CHAIN_FIRST_DELETE, ia = 0x01;
	size_t an = unhex("80CAFF2100", apdu, sizeof(apdu));
	struct rt_rcmd_item items[3] = {
		{ RT_RCMD_TAG_CHAINING, &chain, 1, 0 },
		{ RT_RCMD_TAG_CAPDU, apdu, an, 0 },
		{ RT_RCMD_TAG_IMMEDIATE, &ia, 1, 0 },
	};
	struct rt_err err = { 0 };
	struct rt_buf b;

	(void)state;
	/* The facts §1.7 script, built from its parts. */
	rt_buf_init(&b, 256);
	assert_int_equal(rt_rcmd_script_build(0xAE, items + 1, 1, &b, &err), 0);
	assert_hex(b.data, b.len, "AE80220580CAFF21000000");
	rt_buf_reset(&b);
	assert_int_equal(rt_rcmd_script_build(0xAA, items, 3, &b, &err), 0);
	assert_hex(b.data, b.len, "AA0D 830101 220580CAFF2100 810101");
	assert_int_equal(rt_rcmd_cmd_parse(b.data, b.len, 0, &sc, &err), 0);
	assert_int_equal(sc.chaining, 1);
	assert_int_equal(sc.immediate, 2);
	assert_string_equal(rt_rcmd_chaining_name(0x11), "first script, chain kept across reset");
	assert_null(rt_rcmd_chaining_name(0x04));
	/* errors */
	assert_int_equal(rt_rcmd_script_build(0xAC, items, 1, &b, &err), RT_EINVAL);
	assert_err_has(&err, "script template tag AC");
	items[0].tag = 0x1F; /* announces a multi-byte tag */
	assert_int_equal(rt_rcmd_script_build(0xAA, items, 1, &b, &err), RT_EINVAL);
	rt_buf_free(&b);
	rt_buf_init(&b, 8);
	assert_int_equal(rt_rcmd_script_build(0xAA, items + 1, 1, &b, &err), RT_ENOMEM);
	rt_buf_free(&b);
}

static void expect_cmd_err(const char *hex, unsigned flags, int code, const char *needle)
{
	uint8_t b[512];
	size_t n = unhex(hex, b, sizeof(b));
	struct rt_err err = { 0 };

	assert_int_equal(rt_rcmd_cmd_parse(b, n, flags, &sc, &err), code);
	assert_err_has(&err, needle);
}

static void test_cmd_errors(void **state)
{
	(void)state;
	expect_cmd_err("", 0, RT_EPROTO, "empty");
	expect_cmd_err("AB07220580CAFF2100", 0, RT_EPROTO, "tag AB at offset 0 (expected AA or AE)");
	expect_cmd_err("AA80220580CAFF21000000", 0, RT_EPROTO, "AA with the indefinite length form");
	expect_cmd_err("AE07220580CAFF2100", 0, RT_EPROTO, "AE with a definite length");
	expect_cmd_err("AA07220580CAFF2100 9000", 0, RT_EPROTO, "2 bytes after the AA template");
	expect_cmd_err("AA08220580CAFF2100", 0, RT_EPROTO, "value truncated");
	expect_cmd_err("AE80220580CAFF2100", 0, RT_EPROTO, "without end-of-contents");
	expect_cmd_err("AA0A 220580CAFF2100 840100", 0, RT_EPROTO, "tag 84 at offset 9: unknown tag");
	expect_cmd_err("AA05 9F70020000", 0, RT_EPROTO, "tag 9F70 at offset 2: unknown tag");
	expect_cmd_err("AA05 220380CAFF", 0, RT_EPROTO, "holds 3 bytes (a C-APDU has at least 4)");
	expect_cmd_err("AA04 83020101", 0, RT_EPROTO, "has length 2 (must be 1)");
	expect_cmd_err("AA03 830104", 0, RT_EPROTO, "script chaining value 04");
	expect_cmd_err("AA06 830101 830103", 0, RT_EPROTO, "second script chaining TLV 83");
	expect_cmd_err("AE80 2280 0000 0000", 0, RT_EPROTO, "indefinite length inside a script");
}

static void test_cmd_trailing_and_limit(void **state)
{
	uint8_t b[2048];
	size_t n = unhex("AA07220580CAFF2100 9000", b, sizeof(b)), i;
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_rcmd_cmd_parse(b, n, RT_RCMD_F_TRAILING, &sc, &err), 0);
	assert_int_equal(sc.total_len, 9);
	/* 256 items: one more than the script can count */
	b[0] = 0xAE;
	b[1] = 0x80;
	for (i = 0; i < 256; i++) {
		b[2 + 3 * i] = 0x81;
		b[3 + 3 * i] = 0x01;
		b[4 + 3 * i] = 0x01;
	}
	b[2 + 768] = 0;
	b[3 + 768] = 0;
	assert_int_equal(rt_rcmd_cmd_parse(b, 4 + 768, 0, &sc, &err), RT_ERANGE);
	assert_err_has(&err, "more than 255 TLVs");
	b[2 + 765] = 0; /* 255 items fit */
	b[3 + 765] = 0;
	assert_int_equal(rt_rcmd_cmd_parse(b, 4 + 765, 0, &sc, &err), 0);
	assert_int_equal(sc.n, 255);
}

static void test_resp_parse(void **state)
{
	uint8_t b[64];
	size_t n = unhex("AF80 800101 2304 93059000 0000", b, sizeof(b));
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_rcmd_resp_parse(b, n, 0, &sc, &err), 0);
	assert_int_equal(sc.tag, 0xAF);
	assert_int_equal(sc.executed, 1);
	assert_int_equal(sc.n_apdu, 1);
	assert_int_equal(sc.bad_format, -1);
	assert_hex(sc.item[1].value, sc.item[1].len, "93059000");
	n = unhex("AB07 800101 23029000", b, sizeof(b));
	assert_int_equal(rt_rcmd_resp_parse(b, n, 0, &sc, &err), 0);
	assert_false(sc.indefinite);
	n = unhex("AB08 800100 900101 8100", b, sizeof(b));
	assert_int_equal(rt_rcmd_resp_parse(b, n, 0, &sc, &err), 0);
	assert_int_equal(sc.executed, 0);
	assert_int_equal(sc.bad_format, 1);
	assert_int_equal(sc.immediate, 2);
}

static void expect_resp_err(const char *hex, const char *needle)
{
	uint8_t b[512];
	size_t n = unhex(hex, b, sizeof(b));
	struct rt_err err = { 0 };

	assert_int_equal(rt_rcmd_resp_parse(b, n, 0, &sc, &err), RT_EPROTO);
	assert_err_has(&err, needle);
}

static void test_resp_errors(void **state)
{
	(void)state;
	expect_resp_err("AA07800101 23029000", "tag AA at offset 0 (expected AB or AF)");
	expect_resp_err("AB04 23029000", "no executed-commands TLV 80");
	expect_resp_err("AB06 800101 800101", "second executed-commands TLV 80");
	expect_resp_err("AB04 80020101", "TLV 80 at offset 2 has length 2");
	expect_resp_err("AB06 800101 230190", "holds 1 bytes (needs SW1 SW2)");
	expect_resp_err("AB09 800101 900101 900101", "second bad-format TLV 90");
	expect_resp_err("AB06 800101 220190", "tag 22 at offset 5: unknown tag");
	expect_resp_err("AF80 800101 2304 9305900000", "without end-of-contents");
	expect_resp_err("AB80 800101 0000", "AB with the indefinite length form");
}

static void test_compact(void **state)
{
	uint8_t b[128];
	struct rt_rcmd_compact_resp r;
	struct rt_rcmd_item items[8];
	struct rt_err err = { 0 };
	struct rt_buf out;
	size_t n, cnt;

	(void)state;
	n = unhex("016132", b, sizeof(b));
	assert_int_equal(rt_rcmd_compact_resp_parse(b, n, &r, &err), 0);
	assert_int_equal(r.executed, 1);
	assert_int_equal(r.sw, 0x6132);
	assert_int_equal(r.data_len, 0);
	n = unhex("019000E012C00401018210C00402018210C00403018210", b, sizeof(b));
	assert_int_equal(rt_rcmd_compact_resp_parse(b, n, &r, &err), 0);
	assert_int_equal(r.sw, 0x9000);
	assert_int_equal(r.data_len, 20);
	rt_buf_init(&out, 64);
	assert_int_equal(rt_rcmd_compact_resp_build(1, 0x9000, r.data, r.data_len, &out, &err), 0);
	assert_hex(out.data, out.len, "019000E012C00401018210C00402018210C00403018210");
	rt_buf_free(&out);
	assert_int_equal(rt_rcmd_compact_resp_parse(b, 2, &r, &err), RT_EPROTO);
	assert_err_has(&err, "compact response of 2 bytes");
	/* asterix: GET DATA (Le) then GET RESPONSE (Le) */
	n = unhex("80CA00E000 00C0000000", b, sizeof(b));
	assert_int_equal(rt_rcmd_compact_split(b, n, items, 8, &cnt, &err), 0);
	assert_int_equal(cnt, 2);
	assert_hex(items[1].value, items[1].len, "00C0000000");
	/* SELECT (Lc) + READ BINARY (Le) + a trailing case-1 header */
	n = unhex("00A40004023F00 00B0000010 80F22000", b, sizeof(b));
	assert_int_equal(rt_rcmd_compact_split(b, n, items, 8, &cnt, &err), 0);
	assert_int_equal(cnt, 3);
	assert_int_equal(items[0].len, 7);
	assert_int_equal(items[1].offset, 7);
	assert_int_equal(items[2].len, 4);
	assert_int_equal(rt_rcmd_compact_split(b, 6, items, 8, &cnt, &err), RT_EPROTO);
	assert_err_has(&err, "announces 2 data bytes, 1 present");
	assert_int_equal(rt_rcmd_compact_split(b, n, items, 2, &cnt, &err), RT_ERANGE);
	assert_int_equal(rt_rcmd_compact_split(b + 7, 3, items, 8, &cnt, &err), RT_EPROTO);
	assert_err_has(&err, "truncated (3 header bytes)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_indefinite),
		cmocka_unit_test(test_cmd_definite_enable_profile),
		cmocka_unit_test(test_cmd_build_roundtrip),
		cmocka_unit_test(test_cmd_errors),
		cmocka_unit_test(test_cmd_trailing_and_limit),
		cmocka_unit_test(test_resp_parse),
		cmocka_unit_test(test_resp_errors),
		cmocka_unit_test(test_compact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
