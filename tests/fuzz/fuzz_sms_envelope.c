/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sms_envelope — libFuzzer target for the ENVELOPE (SMS-PP DOWNLOAD) parser (what a
 * card reads from a terminal) in its APDU and data-field forms.
 *
 * On success the views lie in the input and a rebuilt envelope of the same TPDU and
 * address parses to the same TPDU. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_sms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                      \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "fuzz_sms_envelope: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                              \
			abort();                                                               \
		}                                                                              \
	} while (0)

static void check(const uint8_t *data, size_t size, const struct rt_sms_envelope *e)
{
	struct rt_sms_envelope e2;
	struct rt_err err;
	struct rt_buf b;

	FUZZ_CHECK(e->tpdu >= data && e->tpdu + e->tpdu_len <= data + size);
	FUZZ_CHECK(!e->addr || (e->addr >= data && e->addr + e->addr_len <= data + size));
	rt_buf_init(&b, 512);
	if (rt_sms_envelope_build(e->tpdu, e->tpdu_len, e->addr, e->addr_len, &b, &err) == 0) {
		FUZZ_CHECK(rt_sms_envelope_parse_apdu(b.data, b.len, &e2, &err) == 0);
		FUZZ_CHECK(e2.tpdu_len == e->tpdu_len && !memcmp(e2.tpdu, e->tpdu, e->tpdu_len));
	} else {
		FUZZ_CHECK(err.code == RT_ERANGE);
	}
	rt_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_sms_envelope e;
	struct rt_err err;

	if (rt_sms_envelope_parse_apdu(data, size, &e, &err) == 0)
		check(data, size, &e);
	else
		FUZZ_CHECK(err.msg[0]);
	if (rt_sms_envelope_parse(data, size, &e, &err) == 0)
		check(data, size, &e);
	else
		FUZZ_CHECK(err.msg[0]);
	return 0;
}
