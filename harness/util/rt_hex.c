/* SPDX-License-Identifier: Apache-2.0 */
/* rt_hex — hex encode/decode for display and human input; see rt_hex.h. */
#include "util/rt_hex.h"

static const char rt_hex_digits[] = "0123456789ABCDEF";

int rt_hex_encode(const uint8_t *in, size_t n, char *out, size_t outsz)
{
	size_t i;

	if (outsz < 2 * n + 1)
		return RT_ENOMEM;
	for (i = 0; i < n; i++) {
		out[2 * i] = rt_hex_digits[in[i] >> 4];
		out[2 * i + 1] = rt_hex_digits[in[i] & 0x0F];
	}
	out[2 * n] = '\0';
	return 0;
}

int rt_hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rt_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t outsz, size_t *outlen,
		  struct rt_err *err)
{
	size_t i, n = 0;
	int hi = -1;

	for (i = 0; i < hexlen; i++) {
		char c = hex[i];
		int v;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':')
			continue;
		v = rt_hex_nibble(c);
		if (v < 0)
			return rt_err_set(err, RT_EINVAL, "not a hex digit '%c' at offset %zu", c, i);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= outsz)
			return rt_err_set(err, RT_ENOMEM, "hex string longer than %zu bytes", outsz);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		return rt_err_set(err, RT_EINVAL, "odd number of hex digits");
	*outlen = n;
	return 0;
}
