/* SPDX-License-Identifier: Apache-2.0 */
/* rt_hex — hex for display and for byte strings written by people (YAML, CLI).
 *
 * Bytes travel as bytes everywhere else; hex is only for humans. */
#ifndef RT_HEX_H
#define RT_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_err.h"

/* Writes upper-case hex of in[0..n) to out (NUL-terminated). out must hold 2n+1 bytes;
 * returns RT_ENOMEM (and writes nothing) when outsz is too small. */
/* The value 0..15 of one hex digit (either case), -1 for any other character. */
int rt_hex_nibble(char c);
int rt_hex_encode(const uint8_t *in, size_t n, char *out, size_t outsz);

/* Decodes hex text into out (capacity outsz), ignoring spaces, tabs, newlines and ':'.
 * *outlen receives the byte count. RT_EINVAL with the offending offset on a non-hex
 * character or an odd digit count; RT_ENOMEM when outsz is too small. */
int rt_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t outsz, size_t *outlen,
		  struct rt_err *err);

#endif
