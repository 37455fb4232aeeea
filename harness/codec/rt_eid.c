/* SPDX-License-Identifier: Apache-2.0 */
/* rt_eid — EID digits, BCD packing and SGP.29 check digits; see rt_eid.h.
 *
 * Owns the EID format rules: 32 decimal digits, BCD-packed high nibble first, the "89"
 * industry prefix (SGP.02 2.2.2) and the ISO 7064 MOD 97-10 check digits (SGP.29 10).
 * The 32-digit number is far beyond 64 bits, so remainders are taken digit by digit
 * (r = (10 r + d) mod 97), which is exact for any length and needs no bignum. */
#include "codec/rt_eid.h"

#include <string.h>

#define RT_EID_BODY 30 /* digits before the two check digits */

/* SGP.02 2.2.2: every EID starts with the telecom industry identifier 89. */
static const char rt_eid_prefix[2] = { '8', '9' };

/* Remainder mod 97 of a decimal digit string (digits already checked). */
static unsigned rt_eid_mod97(const char *d, size_t n)
{
	unsigned r = 0;
	size_t i;

	for (i = 0; i < n; i++)
		r = (r * 10 + (unsigned)(d[i] - '0')) % 97;
	return r;
}

/* Index of the first non-digit in d[0..n), or n. */
static size_t rt_eid_first_nondigit(const char *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i] < '0' || d[i] > '9')
			break;
	return i;
}

int rt_eid_to_digits(const uint8_t eid[RT_EID_LEN], char out[RT_EID_DIGITS + 1],
		     struct rt_err *err)
{
	size_t i;

	for (i = 0; i < RT_EID_DIGITS; i++) {
		/* BCD, high nibble first: digit 2k is byte k's high nibble. */
		unsigned nib = (i & 1) ? (eid[i / 2] & 0x0Fu) : (unsigned)(eid[i / 2] >> 4);

		if (nib > 9) {
			out[0] = '\0';
			return rt_err_set(err, RT_EPROTO,
					  "EID byte %zu (%02X): nibble %X is not a decimal digit (digit %zu)",
					  i / 2, eid[i / 2], nib, i + 1);
		}
		out[i] = (char)('0' + nib);
	}
	out[RT_EID_DIGITS] = '\0';
	return 0;
}

int rt_eid_from_digits(const char *digits, uint8_t eid[RT_EID_LEN], struct rt_err *err)
{
	size_t n, bad, i;

	if (!digits)
		return rt_err_set(err, RT_EINVAL, "EID digits missing");
	n = strnlen(digits, RT_EID_DIGITS + 1);
	if (n != RT_EID_DIGITS)
		return rt_err_set(err, RT_EINVAL, "EID has %s%zu digits, need %d",
				  n > RT_EID_DIGITS ? "more than " : "", n > RT_EID_DIGITS ? n - 1 : n,
				  RT_EID_DIGITS);
	bad = rt_eid_first_nondigit(digits, n);
	if (bad < n)
		return rt_err_set(err, RT_EINVAL, "EID character '%c' at position %zu is not a digit",
				  digits[bad], bad + 1);
	for (i = 0; i < RT_EID_LEN; i++)
		eid[i] = (uint8_t)((digits[2 * i] - '0') << 4 | (digits[2 * i + 1] - '0'));
	return 0;
}

int rt_eid_validate(const uint8_t *eid, size_t len, struct rt_err *err)
{
	char d[RT_EID_DIGITS + 1];
	unsigned r, cd;
	int rc;

	if (!eid || len != RT_EID_LEN)
		return rt_err_set(err, RT_EPROTO, "EID of %zu bytes, need %d", eid ? len : 0,
				  RT_EID_LEN);
	rc = rt_eid_to_digits(eid, d, err);
	if (rc)
		return rc;
	if (memcmp(d, rt_eid_prefix, sizeof(rt_eid_prefix)) != 0)
		return rt_err_set(err, RT_EPROTO, "EID %s does not start with 89", d);
	/* SGP.29 10 (ISO 7064 MOD 97-10): the number mod 97 must be 1 ... */
	r = rt_eid_mod97(d, RT_EID_DIGITS);
	if (r != 1)
		return rt_err_set(err, RT_EPROTO,
				  "EID %s: check digits %c%c wrong (number mod 97 = %u, must be 1)", d,
				  d[30], d[31], r);
	/* ... and the check digits must be the value the rule computes, 98 - (body00 mod 97),
	 * which is always 02..98. 00, 01 and 99 also give mod 97 = 1 (they alias 97, 98 and
	 * 02) but no conforming EUM issues them. */
	cd = (unsigned)(d[30] - '0') * 10 + (unsigned)(d[31] - '0');
	if (cd < 2 || cd > 98)
		return rt_err_set(err, RT_EPROTO,
				  "EID %s: check digits %02u out of range (SGP.29 computes 02..98, "
				  "here %02u)",
				  d, cd, cd < 2 ? cd + 97 : cd - 97);
	return 0;
}

int rt_eid_complete(const char *first30, char out[RT_EID_DIGITS + 1], struct rt_err *err)
{
	size_t n, bad;
	unsigned check;

	if (!first30)
		return rt_err_set(err, RT_EINVAL, "EID digits missing");
	/* 30 digits, or a full 32-digit EID whose (possibly wrong) check digits are
	 * recomputed. */
	n = strnlen(first30, RT_EID_DIGITS + 1);
	if (n != RT_EID_BODY && n != RT_EID_DIGITS)
		return rt_err_set(err, RT_EINVAL, "EID body has %zu digits, need %d (or %d)", n,
				  RT_EID_BODY, RT_EID_DIGITS);
	bad = rt_eid_first_nondigit(first30, n);
	if (bad < n)
		return rt_err_set(err, RT_EINVAL, "EID character '%c' at position %zu is not a digit",
				  first30[bad], bad + 1);
	if (memcmp(first30, rt_eid_prefix, sizeof(rt_eid_prefix)) != 0)
		return rt_err_set(err, RT_EINVAL, "EID %.*s does not start with 89", (int)n, first30);
	memcpy(out, first30, RT_EID_BODY);
	/* SGP.29 10: set the check digits to 00, take the 32-digit number mod 97 and use
	 * 98 - remainder (2..98, zero-padded to two digits). */
	out[30] = '0';
	out[31] = '0';
	check = 98 - rt_eid_mod97(out, RT_EID_DIGITS);
	out[30] = (char)('0' + check / 10);
	out[31] = (char)('0' + check % 10);
	out[RT_EID_DIGITS] = '\0';
	return 0;
}
