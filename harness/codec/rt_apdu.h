/* SPDX-License-Identifier: Apache-2.0 */
/* rt_apdu — ISO/IEC 7816-4 command and response APDUs (pure codec, no I/O).
 *
 * Parses and builds C-APDUs of the four cases (ISO 7816-4 5.1: case 1 header only,
 * case 2 Le, case 3 Lc+data, case 4 Lc+data+Le) in short and extended length form, and
 * splits R-APDUs into data and SW1SW2. The 61xx / 6Cxx T=0 procedure lives in
 * transport/rt_card.c (rt_card_exchange), which uses these helpers. */
#ifndef RT_APDU_H
#define RT_APDU_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_err.h"

enum rt_apdu_case {
	RT_APDU_CASE_1 = 1, /* CLA INS P1 P2 */
	RT_APDU_CASE_2 = 2, /* + Le */
	RT_APDU_CASE_3 = 3, /* + Lc data */
	RT_APDU_CASE_4 = 4, /* + Lc data Le */
};

/* A parsed C-APDU. data points into the parsed buffer (not owned). */
struct rt_capdu {
	uint8_t cla, ins, p1, p2;
	enum rt_apdu_case apdu_case;
	int extended;        /* 1 when Lc/Le used the extended (3/2-byte) form */
	const uint8_t *data; /* NULL for cases 1 and 2 */
	size_t lc;           /* data length */
	size_t le;           /* expected length: 0 when absent; 256 (short) or 65536 (extended) for Le=00/0000 */
	int has_le;
};

/* Parses a C-APDU per ISO 7816-4 5.1 (short and extended). RT_EPROTO with a message
 * naming the inconsistency (e.g. "Lc 10 but 7 data bytes") on malformed input. */
int rt_capdu_parse(const uint8_t *buf, size_t len, struct rt_capdu *out, struct rt_err *err);

/* Encodes a C-APDU from its fields, choosing case 1–4 from lc/has_le and the short form
 * unless lc > 255 or le > 256 (then extended). Writes to out (capacity outsz), sets
 * *outlen. le = 256 (short) / 65536 (extended) encodes as 00 / 0000. */
int rt_capdu_build(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
		   size_t lc, int has_le, size_t le, uint8_t *out, size_t outsz, size_t *outlen,
		   struct rt_err *err);

/* Splits an R-APDU: *datalen = len - 2, *sw = SW1<<8|SW2. RT_EPROTO if len < 2. */
int rt_rapdu_split(const uint8_t *buf, size_t len, size_t *datalen, uint16_t *sw,
		   struct rt_err *err);

/* Short human meaning of a status word from a static table ("file or application not
 * found" for 6A82; "wrong length, exact length is Le=xx" for 6Cxx). Never NULL. */
const char *rt_sw_describe(uint16_t sw);

/* --- additions (codec owner) --- */

/* Options for rt_capdu_build_ex. */
enum rt_capdu_build_flags {
	RT_CAPDU_F_EXTENDED = 1u << 0, /* use the extended form even when short would do */
};

/* As rt_capdu_build, with flags (enum rt_capdu_build_flags). has_le with le 0 is
 * RT_EINVAL (Ne is 1..256 short, 1..65536 extended; 256 / 65536 encode as 00 / 0000);
 * lc over 65535 or le over 65536 is RT_ERANGE; outsz too small is RT_ENOMEM. */
int rt_capdu_build_ex(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
		      size_t lc, int has_le, size_t le, unsigned flags, uint8_t *out,
		      size_t outsz, size_t *outlen, struct rt_err *err);

/* Largest encoded C-APDU: header 4 + extended Lc 3 + 65535 data + extended Le 2. */
#define RT_CAPDU_MAX (4 + 3 + 65535 + 2)

/* Matches a status word against a 4-character pattern of hex digits where X (or x)
 * stands for any digit: "9000", "61XX", "6CXX", "63CX". *match receives 1 or 0.
 * RT_EINVAL on a pattern that is not 4 such characters. */
int rt_sw_match(uint16_t sw, const char *pattern, int *match, struct rt_err *err);

#endif
