/* SPDX-License-Identifier: Apache-2.0 */
/* rt_crc — the two redundancy checks of ETSI TS 102 225 §5.1.3.2 (KID coding for RC):
 * CRC-16 and CRC-32 as ISO/IEC 13239 defines them; see rt_crypto.h.
 *
 * TS 102 225 (as quoted by the opentelecoms gsm0348 library): generator x^16+x^12+x^5+1
 * for CRC16; the least significant bit of the first byte is the most significant term of
 * the input polynomial (i.e. reflected input and output), initial register FFFF /
 * FFFFFFFF, result XORed with FFFF / FFFFFFFF. That is the catalogue's CRC-16/X-25 and
 * the ordinary CRC-32. Bitwise loops: the inputs are short and a table is not needed. */
#include "crypto/rt_crypto.h"

uint16_t rt_crypto_crc16(const uint8_t *in, size_t len)
{
	uint16_t r = 0xFFFF;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		r ^= in[i];
		for (b = 0; b < 8; b++)
			r = (r & 1) ? (uint16_t)((r >> 1) ^ 0x8408) : (uint16_t)(r >> 1);
	}
	return (uint16_t)(r ^ 0xFFFF);
}

uint32_t rt_crypto_crc32(const uint8_t *in, size_t len)
{
	uint32_t r = 0xFFFFFFFFu;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		r ^= in[i];
		for (b = 0; b < 8; b++)
			r = (r & 1) ? (r >> 1) ^ 0xEDB88320u : r >> 1;
	}
	return r ^ 0xFFFFFFFFu;
}
