/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_dgi — libFuzzer target for codec/rt_dgi (DGI sequences in STORE DATA from a SUT).
 *
 * Walks the input strictly and with RT_DGI_F_NONMINIMAL; every decoded DGI must lie in
 * the input, and a DGI with a minimal length must re-encode to exactly its bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_dgi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                               \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_dgi: invariant failed: %s (line %d)\n",  \
				#cond, __LINE__);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags;

	for (flags = 0; flags <= RT_DGI_F_NONMINIMAL; flags++) {
		struct rt_dgi_iter it;
		struct rt_err err;
		struct rt_dgi d;

		rt_dgi_iter_init(&it, data, size, flags);
		while (!rt_dgi_iter_done(&it)) {
			struct rt_buf b;

			if (rt_dgi_next(&it, &d, &err)) {
				FUZZ_CHECK(err.code == RT_EPROTO && err.msg[0]);
				break;
			}
			FUZZ_CHECK(d.offset + d.total_len <= size);
			FUZZ_CHECK(d.value == data + d.offset + d.hdr_len);
			FUZZ_CHECK(d.hdr_len == 3 || d.hdr_len == 5);
			rt_buf_init(&b, d.total_len);
			FUZZ_CHECK(rt_dgi_put(&b, d.tag, d.value, d.len, NULL) == 0);
			if (d.hdr_len == 2 + rt_dgi_len_size(d.len))
				FUZZ_CHECK(b.len == d.total_len &&
					   memcmp(b.data, data + d.offset, b.len) == 0);
			else
				FUZZ_CHECK(flags == RT_DGI_F_NONMINIMAL);
			rt_buf_free(&b);
		}
		if (size >= 2)
			(void)rt_dgi_find(data, size, (uint16_t)(data[0] << 8 | data[1]), flags, &d, &err);
	}
	return 0;
}
