/* SPDX-License-Identifier: Apache-2.0 */
/* rt_eid — the eUICC identifier (SGP.02 2.2.2; check digits per SGP.29).
 *
 * An EID is 32 decimal digits starting "89", stored BCD-packed in 16 bytes (one digit
 * per nibble, high nibble first). Its last two digits are check digits: the 32-digit
 * number taken as an integer is 1 mod 97 (ISO 7064 MOD 97-10, as for IBANs). */
#ifndef RT_EID_H
#define RT_EID_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_err.h"

#define RT_EID_LEN 16    /* bytes */
#define RT_EID_DIGITS 32

/* BCD 16 bytes → 32 ASCII digits + NUL in out (33 bytes). RT_EPROTO on a nibble > 9. */
int rt_eid_to_digits(const uint8_t eid[RT_EID_LEN], char out[RT_EID_DIGITS + 1], struct rt_err *err);

/* 32 ASCII digits → 16 BCD bytes. RT_EINVAL on a wrong length or non-digit. */
int rt_eid_from_digits(const char *digits, uint8_t eid[RT_EID_LEN], struct rt_err *err);

/* Validates an EID: 16 bytes, all nibbles decimal, starts "89", number mod 97 == 1.
 * Returns 0 when valid; RT_EPROTO with the reason otherwise. */
int rt_eid_validate(const uint8_t *eid, size_t len, struct rt_err *err);

/* Computes the two check digits for the first 30 digits and writes the full 32-digit
 * EID to out (SGP.29: set the last two digits to 0, check = 98 - (N mod 97)). */
int rt_eid_complete(const char *first30, char out[RT_EID_DIGITS + 1], struct rt_err *err);

#endif
