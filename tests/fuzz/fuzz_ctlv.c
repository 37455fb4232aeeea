/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_ctlv — libFuzzer target for codec/rt_ctlv (COMPREHENSION-TLV from terminals and
 * cards: ENVELOPE data, proactive commands).
 *
 * Every decoded TLV lies in the input, its tag passes rt_ctlv_tag_size, and a TLV whose
 * length uses the form the encoder would choose re-encodes to exactly its bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_ctlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                               \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_ctlv: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_ctlv_iter it;
	struct rt_ctlv t;
	struct rt_err err;
	size_t tn;

	rt_ctlv_iter_init(&it, data, size);
	while (!rt_ctlv_iter_done(&it)) {
		struct rt_buf b;

		if (rt_ctlv_next(&it, &t, &err)) {
			FUZZ_CHECK(err.code == RT_EPROTO && err.msg[0]);
			break;
		}
		FUZZ_CHECK(t.offset + t.total_len <= size);
		FUZZ_CHECK(t.value == data + t.offset + t.hdr_len);
		FUZZ_CHECK(rt_ctlv_tag_size(t.tag, &tn, NULL) == 0 && tn == t.tag_len);
		FUZZ_CHECK(rt_ctlv_tag_nocr(t.tag) == t.tag_nocr);
		FUZZ_CHECK(t.cr == (t.tag != t.tag_nocr));
		rt_buf_init(&b, t.total_len);
		FUZZ_CHECK(rt_ctlv_put(&b, t.tag, t.value, t.len, NULL) == 0);
		FUZZ_CHECK(b.len == t.total_len && memcmp(b.data, data + t.offset, b.len) == 0);
		rt_buf_free(&b);
	}
	if (size)
		(void)rt_ctlv_find(data, size, data[0] == 0x7F ? 0x7F8001 : (data[0] ? data[0] : 1),
				   RT_CTLV_F_ANY_CR, &t, &err);
	(void)rt_ctlv_validate(data, size, &err);
	return 0;
}
