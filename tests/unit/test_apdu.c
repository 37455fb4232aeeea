/* SPDX-License-Identifier: Apache-2.0 */
/* test_apdu — unit tests for codec/rt_apdu (ISO 7816-4 5.1 C-APDU cases, R-APDU, SW).
 *
 * Vector sources (public, never our own output):
 *  - osmocom/pysim tests/unittests/test_utils.py (test_parse_command_apdu): cases 1-4
 *    on 41414141…; its 41414141 00 + 256 bytes "case 3, Lc 256" is NOT ISO 7816-4 (a
 *    short Lc of 00 does not exist; B1 = 00 starts the extended form), so we reject it.
 *  - osmocom/pysim tests/unittests/test_globalplatform.py: 80F22002 (case 1),
 *    80CA006600 (case 2), 80F220020A4F0212345C054F9F70C5 (case 3), 80F28002024F0000
 *    (case 4), 80E2910006BF3E035C015A00, 805020000840A62C37FA6304F800 (SCP02 INIT
 *    UPDATE); test_apdu.py: USIM AUTHENTICATE 80880080 09 08 0001020304050607 and the
 *    R-APDU 04A0A1A2A308B0B1B2B3B4B5B6B7 9000.
 *  - open-ecard ApduTest.kt (org.openecard.sc.apdu): short/extended encodings
 *    00010203, 0001020300, 00010203FF, 000102030100, 000102030000FF+FF bytes,
 *    00010203000000, 000102030000FF, 00010203000100, 0001020300FFFF, 000102030000FF+
 *    FF bytes+0000, and the extended Lc 0001/00FF/0100/FFFF round trips.
 *  - facts §5.1-5.3 (NJIWA / WHTY-SR): 80CA005A00, 80CABF30045C027F21,
 *    80CABF30035C016600, 80E28900073A08044E02xxxx.
 *  - SW meanings: ISO 7816-4 5.1.3 tables, TS 102 221 10.2.1, GP CS 2.3, SGP.02 69E1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_apdu.h"
#include "util/rt_hex.h"

static uint8_t g_big[RT_CAPDU_MAX + 16];
static uint8_t g_out[RT_CAPDU_MAX + 16];

struct parse_vec {
	const char *hex;
	int apdu_case, extended, has_le;
	size_t lc, le;
};

static void check_parse(const struct parse_vec *v)
{
	uint8_t b[512];
	size_t n = unhex(v->hex, b, sizeof(b));
	struct rt_capdu c;
	struct rt_err err = { 0 };

	if (rt_capdu_parse(b, n, &c, &err))
		fail_msg("%s: %s", v->hex, err.msg);
	assert_int_equal(c.cla, b[0]);
	assert_int_equal(c.ins, b[1]);
	assert_int_equal(c.p1, b[2]);
	assert_int_equal(c.p2, b[3]);
	assert_int_equal(c.apdu_case, v->apdu_case);
	assert_int_equal(c.extended, v->extended);
	assert_int_equal(c.has_le, v->has_le);
	assert_int_equal(c.lc, v->lc);
	assert_int_equal(c.le, v->le);
	if (v->lc) {
		assert_non_null(c.data);
		assert_ptr_equal(c.data, b + 4 + (v->extended ? 3 : 1));
	} else {
		assert_null(c.data);
	}
}

static void test_parse_public(void **state)
{
	static const struct parse_vec v[] = {
		/* pySim test_utils.py */
		{ "41414141", 1, 0, 0, 0, 0 },
		{ "414141410F", 2, 0, 1, 0, 15 },
		{ "4141414100", 2, 0, 1, 0, 256 },
		{ "41414141081122334455667788", 3, 0, 0, 8, 0 },
		{ "4141414108112233445566778804", 4, 0, 1, 8, 4 },
		/* pySim test_globalplatform.py */
		{ "80F22002", 1, 0, 0, 0, 0 },
		{ "80ca006600", 2, 0, 1, 0, 256 },
		{ "80F220020a4f0212345c054f9f70c5", 3, 0, 0, 10, 0 },
		{ "80f28002024f0000", 4, 0, 1, 2, 256 },
		{ "80E2910006BF3E035C015A00", 4, 0, 1, 6, 256 },
		{ "805020000840A62C37FA6304F800", 4, 0, 1, 8, 256 },
		{ "8482010010BA6961667737C5BCEBECE14C7D6A4376", 3, 0, 0, 16, 0 },
		/* pySim test_apdu.py: USIM AUTHENTICATE */
		{ "8088008009080001020304050607", 3, 0, 0, 9, 0 },
		/* facts §5.1, §5.3 */
		{ "80CA005A00", 2, 0, 1, 0, 256 },
		{ "80CABF30045C027F21", 3, 0, 0, 4, 0 },
		{ "80CABF30035C016600", 4, 0, 1, 3, 256 },
		{ "80E28900073A08044E020001", 3, 0, 0, 7, 0 },
		/* open-ecard ApduTest.kt */
		{ "00010203", 1, 0, 0, 0, 0 },
		{ "00010203FF", 2, 0, 1, 0, 255 },
		{ "000102030100", 3, 0, 0, 1, 0 },
		{ "00010203010000", 4, 0, 1, 1, 256 },
		{ "00010203000000", 2, 1, 1, 0, 65536 },
		{ "000102030000FF", 2, 1, 1, 0, 255 },
		{ "00010203000100", 2, 1, 1, 0, 256 },
		{ "0001020300FFFF", 2, 1, 1, 0, 65535 },
		{ "0001020300000100", 3, 1, 0, 1, 0 },
		{ "00010203000001000100", 4, 1, 1, 1, 256 },
		{ "00010203000001000000", 4, 1, 1, 1, 65536 },
		{ "0001020300000100FFFF", 4, 1, 1, 1, 65535 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_parse(&v[i]);
}

/* open-ecard: extended Lc 00FF/0100/FFFF with zero data, with and without Le. */
static void test_parse_extended_big(void **state)
{
	static const size_t lcs[] = { 0xFF, 0x100, 0xFFFF };
	struct rt_capdu c;
	struct rt_err err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		size_t lc = lcs[i], n = 7 + lc;

		memset(g_big, 0, sizeof(g_big));
		memcpy(g_big, "\x00\x01\x02\x03\x00", 5);
		g_big[5] = (uint8_t)(lc >> 8);
		g_big[6] = (uint8_t)lc;
		assert_int_equal(rt_capdu_parse(g_big, n, &c, &err), 0);
		assert_int_equal(c.apdu_case, RT_APDU_CASE_3);
		assert_int_equal(c.lc, lc);
		assert_true(c.extended);
		g_big[n] = 0xFF;
		g_big[n + 1] = 0xFF;
		assert_int_equal(rt_capdu_parse(g_big, n + 2, &c, &err), 0);
		assert_int_equal(c.apdu_case, RT_APDU_CASE_4);
		assert_int_equal(c.le, 0xFFFF);
	}
}

static void expect_parse_err(const uint8_t *b, size_t n, const char *needle)
{
	struct rt_capdu c;
	struct rt_err err = { 0 };

	assert_int_equal(rt_capdu_parse(b, n, &c, &err), RT_EPROTO);
	assert_err_has(&err, needle);
	assert_int_equal(c.apdu_case, 0);
}

static void expect_parse_err_hex(const char *hex, const char *needle)
{
	uint8_t b[512];
	size_t n = unhex(hex, b, sizeof(b));

	expect_parse_err(b, n, needle);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_parse_err_hex("", "header needs 4");
	expect_parse_err_hex("80CA00", "C-APDU of 3 bytes");
	/* WHTY-SR EnableProfile header with Lc 15 but only 7 data bytes */
	expect_parse_err_hex("80E28800153A03124F10A00000", "short Lc 21 but 8 bytes follow");
	/* Lc 2 and 4 bytes: neither case 3 (2) nor case 4 (3) */
	expect_parse_err_hex("80F28002024F000000", "short Lc 2 but 4 bytes follow it (need 2, or 3 with Le)");
	/* B1 = 00 then one byte: short Lc 00 does not exist, extended needs 3 */
	expect_parse_err_hex("000102030001", "fits no case");
	/* extended Lc 0000 followed by data */
	expect_parse_err_hex("0001020300000011", "extended Lc 0000");
	/* extended Lc 2 with 1 data byte */
	expect_parse_err_hex("00010203000002AA", "extended Lc 2 but 1 bytes follow");
	/* case 4E with a one-byte Le (mixing short Le into an extended APDU) */
	expect_parse_err_hex("0001020300000100FF", "extended Lc 1 but 2 bytes follow");
	/* pySim's "case 3, Lc 256" 41414141 00 + 256 x 42: B1 = 00 means extended, so the
	 * bytes read as Lc 4242 and do not fit (ISO 7816-4 5.1). */
	memcpy(g_big, "\x41\x41\x41\x41\x00", 5);
	memset(g_big + 5, 0x42, 256);
	expect_parse_err(g_big, 5 + 256, "extended Lc 16962 but 254 bytes follow");
	/* and with the trailing 00 (pySim "case 4") */
	g_big[5 + 256] = 0x00;
	expect_parse_err(g_big, 5 + 257, "extended Lc 16962");
}

struct build_vec {
	const char *data_hex; /* NULL: no data */
	size_t lc;            /* when data_hex is "Z": lc zero bytes */
	int has_le;
	size_t le;
	unsigned flags;
	const char *head_hex; /* expected bytes before the data */
	const char *tail_hex; /* expected bytes after the data */
};

/* open-ecard ApduTest.kt write tests (their le = 0 means Ne max; ours is le = 256/65536). */
static void test_build_openecard(void **state)
{
	static const struct build_vec v[] = {
		{ NULL, 0, 0, 0, 0, "00010203", "" },
		{ NULL, 0, 1, 256, 0, "0001020300", "" },
		{ NULL, 0, 1, 255, 0, "00010203FF", "" },
		{ "Z", 1, 0, 0, 0, "0001020301", "" },
		{ "Z", 255, 0, 0, 0, "00010203FF", "" },
		{ "Z", 255, 0, 0, RT_CAPDU_F_EXTENDED, "000102030000FF", "" },
		{ "Z", 1, 1, 256, 0, "0001020301", "00" },
		{ NULL, 0, 1, 65536, RT_CAPDU_F_EXTENDED, "00010203000000", "" },
		{ NULL, 0, 1, 65536, 0, "00010203000000", "" },
		{ NULL, 0, 1, 255, RT_CAPDU_F_EXTENDED, "000102030000FF", "" },
		{ NULL, 0, 1, 256, RT_CAPDU_F_EXTENDED, "00010203000100", "" },
		{ NULL, 0, 1, 65535, 0, "0001020300FFFF", "" },
		{ "Z", 256, 0, 0, 0, "00010203000100", "" },
		{ "Z", 255, 1, 65536, RT_CAPDU_F_EXTENDED, "000102030000FF", "0000" },
		/* Le over 256 forces both fields extended (ISO 7816-4 5.1) */
		{ "Z", 1, 1, 257, 0, "0001020300 0001", "0101" },
		/* case 1 has nothing to extend */
		{ NULL, 0, 0, 0, RT_CAPDU_F_EXTENDED, "00010203", "" },
	};
	uint8_t head[16], tail[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t hn = unhex(v[i].head_hex, head, sizeof(head));
		size_t tn = unhex(v[i].tail_hex, tail, sizeof(tail));
		size_t outlen = 0;
		struct rt_err err = { 0 };
		struct rt_capdu c;

		memset(g_big, 0, sizeof(g_big));
		if (rt_capdu_build_ex(0x00, 0x01, 0x02, 0x03, v[i].data_hex ? g_big : NULL, v[i].lc,
				      v[i].has_le, v[i].le, v[i].flags, g_out, sizeof(g_out),
				      &outlen, &err))
			fail_msg("vector %zu: %s", i, err.msg);
		assert_int_equal(outlen, hn + v[i].lc + tn);
		assert_memory_equal(g_out, head, hn);
		assert_memory_equal(g_out + hn, g_big, v[i].lc);
		assert_memory_equal(g_out + hn + v[i].lc, tail, tn);
		/* and the parser reads back what was built */
		assert_int_equal(rt_capdu_parse(g_out, outlen, &c, &err), 0);
		assert_int_equal(c.lc, v[i].lc);
		assert_int_equal(c.has_le, v[i].has_le);
		assert_int_equal(c.le, v[i].has_le ? v[i].le : 0);
	}
}

/* pySim GP APDUs rebuilt from their fields with the default (short) choice. */
static void test_build_gp(void **state)
{
	uint8_t want[64], data[32];
	size_t wn, dn, outlen;
	struct rt_err err = { 0 };

	(void)state;
	wn = unhex("80E2910006BF3E035C015A00", want, sizeof(want));
	dn = unhex("BF3E035C015A", data, sizeof(data));
	assert_int_equal(rt_capdu_build(0x80, 0xE2, 0x91, 0x00, data, dn, 1, 256, g_out,
					sizeof(g_out), &outlen, &err), 0);
	assert_int_equal(outlen, wn);
	assert_memory_equal(g_out, want, wn);

	wn = unhex("80ca006600", want, sizeof(want));
	assert_int_equal(rt_capdu_build(0x80, 0xCA, 0x00, 0x66, NULL, 0, 1, 256, g_out,
					sizeof(g_out), &outlen, &err), 0);
	assert_memory_equal(g_out, want, wn);

	wn = unhex("80F22002", want, sizeof(want));
	assert_int_equal(rt_capdu_build(0x80, 0xF2, 0x20, 0x02, NULL, 0, 0, 0, g_out,
					sizeof(g_out), &outlen, &err), 0);
	assert_int_equal(outlen, 4);
	assert_memory_equal(g_out, want, wn);
}

static void test_build_errors(void **state)
{
	size_t outlen;
	struct rt_err err = { 0 };
	uint8_t small[6];

	(void)state;
	assert_int_equal(rt_capdu_build(0x80, 0xCA, 0, 0, NULL, 0, 1, 0, g_out, sizeof(g_out),
					&outlen, &err), RT_EINVAL);
	assert_err_has(&err, "Le 0 outside 1..65536");
	assert_int_equal(rt_capdu_build(0x80, 0xCA, 0, 0, NULL, 0, 1, 65537, g_out,
					sizeof(g_out), &outlen, &err), RT_ERANGE);
	assert_int_equal(rt_capdu_build(0x80, 0xE2, 0, 0, g_big, 65536, 0, 0, g_out,
					sizeof(g_out), &outlen, &err), RT_ERANGE);
	assert_err_has(&err, "Lc 65536");
	assert_int_equal(rt_capdu_build(0x80, 0xE2, 0, 0, NULL, 3, 0, 0, g_out, sizeof(g_out),
					&outlen, &err), RT_EINVAL);
	assert_int_equal(rt_capdu_build(0x80, 0xE2, 0, 0, g_big, 2, 1, 256, small, sizeof(small),
					&outlen, &err), RT_ENOMEM);
	/* largest APDU fits RT_CAPDU_MAX exactly */
	assert_int_equal(rt_capdu_build(0x80, 0xE2, 0, 0, g_big, 65535, 1, 65536, g_out,
					RT_CAPDU_MAX, &outlen, &err), 0);
	assert_int_equal(outlen, RT_CAPDU_MAX);
}

static void test_rapdu_split(void **state)
{
	uint8_t b[32];
	size_t n = unhex("04a0a1a2a308b0b1b2b3b4b5b6b79000", b, sizeof(b));
	size_t dl = 99;
	uint16_t sw = 0;
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_rapdu_split(b, n, &dl, &sw, &err), 0);
	assert_int_equal(dl, 14);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(rt_rapdu_split(b + n - 2, 2, &dl, &sw, &err), 0);
	assert_int_equal(dl, 0);
	assert_int_equal(rt_rapdu_split(b, 1, &dl, &sw, &err), RT_EPROTO);
	assert_err_has(&err, "R-APDU of 1 bytes");
	assert_int_equal(rt_rapdu_split(b, 0, &dl, &sw, &err), RT_EPROTO);
}

static void test_sw_describe(void **state)
{
	static const struct {
		uint16_t sw;
		const char *needle;
	} v[] = {
		{ 0x9000, "normal processing" },
		{ 0x6110, "bytes still available" },
		{ 0x6283, "deactivated" },
		{ 0x6201, "state of non-volatile memory unchanged" },
		{ 0x63C2, "retries left" },
		{ 0x6310, "more data available" },
		{ 0x6312, "memory changed" },
		{ 0x6581, "memory failure" },
		{ 0x6700, "wrong length" },
		{ 0x6882, "secure messaging not supported" },
		{ 0x6982, "security status not satisfied" },
		{ 0x6985, "conditions of use not satisfied" },
		{ 0x6986, "no current EF" },
		{ 0x69E1, "POL1" },
		{ 0x6A80, "incorrect parameters in the command data field" },
		{ 0x6A81, "function not supported" },
		{ 0x6A82, "file or application not found" },
		{ 0x6A84, "not enough memory" },
		{ 0x6A86, "incorrect parameters P1-P2" },
		{ 0x6A88, "referenced data" },
		{ 0x6B00, "wrong parameters P1-P2" },
		{ 0x6C1A, "wrong Le" },
		{ 0x6D00, "instruction code not supported" },
		{ 0x6E00, "class not supported" },
		{ 0x6F00, "no precise diagnosis" },
		{ 0x9F14, "response bytes available" },
		{ 0x910B, "proactive command" },
		{ 0x1234, "unknown status word" },
		{ 0x0000, "unknown status word" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *d = rt_sw_describe(v[i].sw);

		assert_non_null(d);
		if (!strstr(d, v[i].needle))
			fail_msg("SW %04X: '%s' lacks '%s'", v[i].sw, d, v[i].needle);
	}
}

static void test_sw_match(void **state)
{
	int m = -1;
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_sw_match(0x9000, "9000", &m, &err), 0);
	assert_true(m);
	assert_int_equal(rt_sw_match(0x6110, "61XX", &m, &err), 0);
	assert_true(m);
	assert_int_equal(rt_sw_match(0x6210, "61XX", &m, &err), 0);
	assert_false(m);
	assert_int_equal(rt_sw_match(0x63C2, "63cx", &m, &err), 0);
	assert_true(m);
	assert_int_equal(rt_sw_match(0x6A82, "6a82", &m, &err), 0);
	assert_true(m);
	assert_int_equal(rt_sw_match(0x6A82, "XXXX", &m, &err), 0);
	assert_true(m);
	assert_int_equal(rt_sw_match(0x6A82, "61X", &m, &err), RT_EINVAL);
	assert_int_equal(rt_sw_match(0x6A82, "61XG", &m, &err), RT_EINVAL);
	assert_err_has(&err, "'G' at 3");
	assert_int_equal(rt_sw_match(0x6A82, "9000 ", &m, &err), RT_EINVAL);
	assert_int_equal(rt_sw_match(0x6A82, NULL, &m, &err), RT_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_public),
		cmocka_unit_test(test_parse_extended_big),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_build_openecard),
		cmocka_unit_test(test_build_gp),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_rapdu_split),
		cmocka_unit_test(test_sw_describe),
		cmocka_unit_test(test_sw_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
