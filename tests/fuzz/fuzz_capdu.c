/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_capdu — libFuzzer target for codec/rt_apdu (C-APDUs a SUT sends: the SM-SR's
 * scripts, a card emulator's input) and the R-APDU side (split, SW table, EID).
 *
 * Invariants for any input: a parsed C-APDU's parts add up to the input length, its data
 * view lies inside the input, and rebuilding it from its fields in the same (short or
 * extended) form gives back exactly the input bytes, since ISO 7816-4 5.1 leaves one
 * encoding per case and form. A broken invariant aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_apdu.h"
#include "codec/rt_eid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                               \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_capdu: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

static uint8_t fuzz_out[RT_CAPDU_MAX];

static void fuzz_capdu(const uint8_t *data, size_t size)
{
	struct rt_capdu c;
	struct rt_err err;
	size_t want, outlen = 0;

	if (rt_capdu_parse(data, size, &c, &err)) {
		FUZZ_CHECK(err.code == RT_EPROTO && err.msg[0] != '\0');
		return;
	}
	FUZZ_CHECK(c.apdu_case >= RT_APDU_CASE_1 && c.apdu_case <= RT_APDU_CASE_4);
	FUZZ_CHECK((c.lc > 0) == (c.apdu_case >= RT_APDU_CASE_3));
	FUZZ_CHECK(c.has_le == (c.apdu_case == RT_APDU_CASE_2 || c.apdu_case == RT_APDU_CASE_4));
	FUZZ_CHECK(!c.has_le || (c.le >= 1 && c.le <= (c.extended ? 65536u : 256u)));
	FUZZ_CHECK(c.lc <= (c.extended ? 65535u : 255u));
	if (c.lc)
		FUZZ_CHECK(c.data >= data + 5 && c.data + c.lc <= data + size);
	want = 4 + (c.lc ? (c.extended ? 3 : 1) + c.lc : 0) +
	       (c.has_le ? (c.extended ? (c.lc ? 2 : 3) : 1) : 0);
	FUZZ_CHECK(want == size);
	FUZZ_CHECK(rt_capdu_build_ex(c.cla, c.ins, c.p1, c.p2, c.data, c.lc, c.has_le, c.le,
				     c.extended ? RT_CAPDU_F_EXTENDED : 0, fuzz_out,
				     sizeof(fuzz_out), &outlen, &err) == 0);
	FUZZ_CHECK(outlen == size && memcmp(fuzz_out, data, size) == 0);
}

static void fuzz_rapdu(const uint8_t *data, size_t size)
{
	size_t dl;
	uint16_t sw;
	struct rt_err err;
	char pat[5];
	int match;

	if (rt_rapdu_split(data, size, &dl, &sw, &err) == 0) {
		FUZZ_CHECK(dl + 2 == size);
		FUZZ_CHECK(rt_sw_describe(sw) != NULL);
		FUZZ_CHECK(rt_sw_match(sw, "XXXX", &match, NULL) == 0 && match);
	}
	if (size >= 4) {
		memcpy(pat, data, 4);
		pat[4] = '\0';
		(void)rt_sw_match(0x9000, pat, &match, NULL);
	}
}

/* An EID from a GET DATA 5A response: validate, and digits round-trip. */
static void fuzz_eid(const uint8_t *data, size_t size)
{
	char d[RT_EID_DIGITS + 1];
	uint8_t back[RT_EID_LEN];
	struct rt_err err;

	(void)rt_eid_validate(data, size, &err);
	if (size < RT_EID_LEN)
		return;
	if (rt_eid_to_digits(data, d, &err) == 0) {
		char full[RT_EID_DIGITS + 1];

		FUZZ_CHECK(rt_eid_from_digits(d, back, &err) == 0);
		FUZZ_CHECK(memcmp(back, data, RT_EID_LEN) == 0);
		if (rt_eid_complete(d, full, &err) == 0) {
			FUZZ_CHECK(rt_eid_from_digits(full, back, &err) == 0);
			FUZZ_CHECK(rt_eid_validate(back, RT_EID_LEN, &err) == 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_capdu(data, size);
	fuzz_rapdu(data, size);
	fuzz_eid(data, size);
	return 0;
}
