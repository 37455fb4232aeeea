/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sms_reasm — libFuzzer target for codec/rt_sms concatenation IEs and reassembly
 * (segments of a PoR sent by a card, or of a command from an SM-SR).
 *
 * The input is cut into up to 8 UDs (each prefixed by a length byte). Reassembly either
 * fails with a message or returns exactly the sum of the segment payloads; a split of the
 * result reassembles back to it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_sms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                   \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz_sms_reasm: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                           \
			abort();                                                            \
		}                                                                           \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *uds[8];
	size_t lens[8], n = 0, pos = 0, i, total = 0;
	struct rt_sms_reasm_info info;
	struct rt_sms_concat_ie c;
	struct rt_err err;
	struct rt_buf out;
	int rc;

	while (pos < size && n < 8) {
		size_t l = data[pos++];

		if (l > size - pos)
			l = size - pos;
		uds[n] = data + pos;
		lens[n++] = l;
		pos += l;
	}
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (rt_sms_concat_ie_get(uds[i], lens[i], &c, &err) == 0) {
			FUZZ_CHECK(c.payload + c.payload_len == uds[i] + lens[i]);
			total += c.payload_len;
		}
	rt_buf_init(&out, 1 << 16);
	rc = rt_sms_reassemble(uds, lens, n, 8, &out, &info, &err);
	if (rc) {
		FUZZ_CHECK(err.msg[0]);
	} else {
		FUZZ_CHECK(out.len == total);
		if (info.concatenated && out.len) {
			struct rt_sms_concat_opts o = { info.order, info.ref16, info.ref,
							info.packet_iei >= 0 ? (uint8_t)info.packet_iei : 0x70 };
			size_t sl[RT_SMS_CONCAT_MAX], sn, off = 0;
			const uint8_t *su[RT_SMS_CONCAT_MAX];
			struct rt_buf ud, back;

			rt_buf_init(&ud, 1 << 16);
			rt_buf_init(&back, 1 << 16);
			FUZZ_CHECK(rt_sms_concat_split(out.data, out.len, &o, &ud, sl, 255, &sn, &err) == 0);
			for (i = 0; i < sn; i++) {
				su[i] = ud.data + off;
				off += sl[i];
			}
			FUZZ_CHECK(rt_sms_reassemble(su, sl, sn, 0, &back, &info, &err) == 0);
			FUZZ_CHECK(back.len == out.len && memcmp(back.data, out.data, out.len) == 0);
			rt_buf_free(&ud);
			rt_buf_free(&back);
		}
	}
	rt_buf_free(&out);
	return 0;
}
