/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sms_tpdu — libFuzzer target for codec/rt_sms TPDU and UDH decoding (SMS-DELIVER
 * from an SM-SR or SMSC, SMS-SUBMIT from a card).
 *
 * The input is decoded as both types. On success every view lies in the input, the UDH
 * IEs lie in the UDH, and the encoder (for octet DCS) rebuilds exactly the input — the
 * decoder must not accept anything it could not have produced. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_sms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_sms_tpdu: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                          \
			abort();                                                           \
		}                                                                          \
	} while (0)

static struct rt_sms_tpdu tp;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int m;

	for (m = 0; m < 2; m++) {
		struct rt_err err;
		struct rt_buf b;
		size_t i;

		if (rt_sms_tpdu_decode(data, size, (enum rt_sms_mti)m, &tp, &err)) {
			FUZZ_CHECK(err.code == RT_EPROTO && err.msg[0]);
			continue;
		}
		FUZZ_CHECK(tp.ud >= data && tp.ud + tp.ud_len == data + size);
		FUZZ_CHECK(tp.payload >= tp.ud && tp.payload + tp.payload_len == tp.ud + tp.ud_len);
		FUZZ_CHECK(tp.n_ie <= RT_SMS_IE_MAX);
		for (i = 0; i < tp.n_ie; i++)
			FUZZ_CHECK(tp.ie[i].data >= tp.udh && tp.ie[i].data + tp.ie[i].len <= tp.udh + tp.udh_len);
		FUZZ_CHECK(strlen(tp.addr.digits) < RT_SMS_ADDR_TEXT_MAX);
		if (rt_sms_dcs_alphabet(tp.dcs) == RT_SMS_ALPHA_7BIT)
			continue;
		rt_buf_init(&b, 512);
		/* A decoded TON-5 address is text; it re-encodes only when every character
		 * is in the default alphabet without escapes, so compare only on success. */
		if (rt_sms_tpdu_encode(&tp, &b, &err) == 0) {
			/* TS 23.040 9.2.2.1: bit 4 of an SMS-DELIVER first octet is unused
			 * (ignored by the receiver), so it is the one bit not rebuilt. */
			uint8_t fo = (uint8_t)(m == RT_SMS_DELIVER ? data[0] & ~0x10 : data[0]);

			if (((tp.addr.toa >> 4) & 7) != 5)
				FUZZ_CHECK(b.len == size && b.data[0] == fo &&
					   memcmp(b.data + 1, data + 1, size - 1) == 0);
		} else {
			FUZZ_CHECK(((tp.addr.toa >> 4) & 7) == 5);
		}
		rt_buf_free(&b);
	}
	return 0;
}
