/* SPDX-License-Identifier: Apache-2.0 */
/* test_eid — unit tests for codec/rt_eid (BCD packing, "89" prefix, SGP.29 check digits).
 *
 * Vector sources (public, never our own output):
 *  - osmocom/pysim tests/unittests/test_euicc.py: valid 89049032123451234512345678901235,
 *    89086030202200000022000023022943, 89044045116727494800000004479366; invalid
 *    89049032123451234512345678901234; completion of 890490321234512345123456789012 and
 *    of the 32-digit forms ...1200 / ...1299 / ...022900.
 *  - osmocom/pysim contrib/eidtool.py example: 89882119900000000000000000001654.
 *  - osmocom/pysim tests/unittests/test_globalplatform.py: GET EID response carries
 *    5A 10 89882119900000000000000000000005.
 *  - Zero-padded check digits ("09") and the all-zero body ("02"): computed with Python
 *    integers, independently of this code:
 *      python3 -c "b='890490321234512345123456700007'; print(98 - int(b+'00') % 97)"  -> 9
 *      python3 -c "b='89'+'0'*28; print(98 - int(b+'00') % 97)"                       -> 2
 *    tests/crosscheck/test_eid.py repeats this for random bodies against rt_codec_tool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_eid.h"

static const char *const valid_eids[] = {
	"89049032123451234512345678901235",
	"89086030202200000022000023022943",
	"89044045116727494800000004479366",
	"89882119900000000000000000001654",
	"89882119900000000000000000000005",
	"89049032123451234512345670000709",
	"89000000000000000000000000000002",
	/* the extremes of the computed range, 97 and 98 (and 02 above) */
	"89514026140141931417058649208397",
	"89312581535493066683645074952898",
};

static void test_valid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_eids) / sizeof(valid_eids[0]); i++) {
		uint8_t eid[RT_EID_LEN];
		char back[RT_EID_DIGITS + 1];
		struct rt_err err = { 0 };

		assert_int_equal(rt_eid_from_digits(valid_eids[i], eid, &err), 0);
		if (rt_eid_validate(eid, sizeof(eid), &err))
			fail_msg("%s: %s", valid_eids[i], err.msg);
		assert_int_equal(rt_eid_to_digits(eid, back, &err), 0);
		assert_string_equal(back, valid_eids[i]);
	}
}

/* BCD packing: high nibble first (SGP.02 2.2.2); bytes as sent by the card in 5A 10. */
static void test_bcd(void **state)
{
	static const uint8_t want[RT_EID_LEN] = { 0x89, 0x88, 0x21, 0x19, 0x90, 0, 0, 0,
						  0,    0,    0,    0,    0,    0, 0, 0x05 };
	uint8_t eid[RT_EID_LEN];
	char d[RT_EID_DIGITS + 1];
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_eid_from_digits("89882119900000000000000000000005", eid, &err), 0);
	assert_memory_equal(eid, want, RT_EID_LEN);
	assert_int_equal(rt_eid_to_digits(want, d, &err), 0);
	assert_string_equal(d, "89882119900000000000000000000005");
}

static void test_invalid(void **state)
{
	uint8_t eid[RT_EID_LEN];
	char d[RT_EID_DIGITS + 1];
	struct rt_err err = { 0 };

	(void)state;
	/* pySim: wrong check digits */
	assert_int_equal(rt_eid_from_digits("89049032123451234512345678901234", eid, &err), 0);
	assert_int_equal(rt_eid_validate(eid, sizeof(eid), &err), RT_EPROTO);
	assert_err_has(&err, "check digits 34 wrong (number mod 97 = 0, must be 1)");
	/* mod 97 = 1 but check digits outside 02..98: aliases of 97, 98 and 02 (bodies
	 * found with Python integers: 98 - int(body + "00") % 97 gives 97, 98, 2). */
	assert_int_equal(rt_eid_from_digits("89514026140141931417058649208300", eid, &err), 0);
	assert_int_equal(rt_eid_validate(eid, sizeof(eid), &err), RT_EPROTO);
	assert_err_has(&err, "check digits 00 out of range (SGP.29 computes 02..98, here 97)");
	assert_int_equal(rt_eid_from_digits("89312581535493066683645074952801", eid, &err), 0);
	assert_int_equal(rt_eid_validate(eid, sizeof(eid), &err), RT_EPROTO);
	assert_err_has(&err, "check digits 01 out of range");
	assert_int_equal(rt_eid_from_digits("89434839548620579868282880729099", eid, &err), 0);
	assert_int_equal(rt_eid_validate(eid, sizeof(eid), &err), RT_EPROTO);
	assert_err_has(&err, "check digits 99 out of range (SGP.29 computes 02..98, here 02)");
	/* wrong prefix */
	assert_int_equal(rt_eid_from_digits("88049032123451234512345678901235", eid, &err), 0);
	assert_int_equal(rt_eid_validate(eid, sizeof(eid), &err), RT_EPROTO);
	assert_err_has(&err, "does not start with 89");
	/* non-decimal nibble */
	assert_int_equal(rt_eid_from_digits("89049032123451234512345678901235", eid, &err), 0);
	eid[7] = 0x3A;
	assert_int_equal(rt_eid_validate(eid, sizeof(eid), &err), RT_EPROTO);
	assert_err_has(&err, "EID byte 7 (3A): nibble A");
	assert_int_equal(rt_eid_to_digits(eid, d, &err), RT_EPROTO);
	assert_string_equal(d, "");
	eid[7] = 0xF1;
	assert_int_equal(rt_eid_to_digits(eid, d, &err), RT_EPROTO);
	assert_err_has(&err, "digit 15");
	/* wrong length */
	assert_int_equal(rt_eid_validate(eid, 15, &err), RT_EPROTO);
	assert_err_has(&err, "EID of 15 bytes, need 16");
	assert_int_equal(rt_eid_validate(NULL, 16, &err), RT_EPROTO);
}

static void test_from_digits_errors(void **state)
{
	uint8_t eid[RT_EID_LEN];
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_eid_from_digits("8904903212345123451234567890123", eid, &err), RT_EINVAL);
	assert_err_has(&err, "31 digits");
	assert_int_equal(rt_eid_from_digits("890490321234512345123456789012345", eid, &err), RT_EINVAL);
	assert_err_has(&err, "more than 32 digits");
	assert_int_equal(rt_eid_from_digits("8904903212345123451234567890123a", eid, &err), RT_EINVAL);
	assert_err_has(&err, "'a' at position 32");
	assert_int_equal(rt_eid_from_digits("", eid, &err), RT_EINVAL);
	assert_int_equal(rt_eid_from_digits(NULL, eid, &err), RT_EINVAL);
}

static void test_complete(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		/* pySim test_euicc.py */
		{ "890490321234512345123456789012", "89049032123451234512345678901235" },
		{ "89049032123451234512345678901200", "89049032123451234512345678901235" },
		{ "89049032123451234512345678901299", "89049032123451234512345678901235" },
		{ "89086030202200000022000023022900", "89086030202200000022000023022943" },
		/* pySim eidtool example and GP test card, body only */
		{ "898821199000000000000000000016", "89882119900000000000000000001654" },
		{ "898821199000000000000000000000", "89882119900000000000000000000005" },
		/* zero-padded results (Python check in the header) */
		{ "890490321234512345123456700007", "89049032123451234512345670000709" },
		{ "890000000000000000000000000000", "89000000000000000000000000000002" },
	};
	char out[RT_EID_DIGITS + 1];
	struct rt_err err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (rt_eid_complete(v[i].in, out, &err))
			fail_msg("%s: %s", v[i].in, err.msg);
		assert_string_equal(out, v[i].out);
	}
	assert_int_equal(rt_eid_complete("89049032123451234512345678901", out, &err), RT_EINVAL);
	assert_err_has(&err, "29 digits");
	assert_int_equal(rt_eid_complete("8904903212345123451234567890x2", out, &err), RT_EINVAL);
	assert_err_has(&err, "'x' at position 29");
	assert_int_equal(rt_eid_complete("120490321234512345123456789012", out, &err), RT_EINVAL);
	assert_err_has(&err, "does not start with 89");
	assert_int_equal(rt_eid_complete(NULL, out, &err), RT_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_bcd),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_from_digits_errors),
		cmocka_unit_test(test_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
