/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_euicc_state — libFuzzer target for the reference eUICC's state file decoder
 * (roles/euicc/rt_euicc_state: rt_euicc_state_decode on arbitrary bytes, as a damaged
 * or hostile state file would reach it).
 *
 * Invariants: a failure is RT_EPROTO, RT_ENOTSUP or RT_ENOMEM with a message; a success
 * passes rt_euicc_state_check, re-encodes, and the re-encoding decodes to an equal state
 * that encodes to the very same bytes (the encoding is canonical). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roles/euicc/rt_euicc_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                               \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_euicc_state: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_euicc_state st, back;
	struct rt_err err = { 0, "" };
	struct rt_buf e1, e2;
	int rc;

	rc = rt_euicc_state_decode(data, size, &st, &err);
	if (rc) {
		FUZZ_CHECK(rc == RT_EPROTO || rc == RT_ENOTSUP || rc == RT_ENOMEM);
		FUZZ_CHECK(err.code == rc && err.msg[0]);
		rt_euicc_state_free(&st);
		return 0;
	}
	FUZZ_CHECK(rt_euicc_state_check(&st, &err) == 0);
	rt_buf_init(&e1, RT_EUICC_STATE_FILE_MAX);
	rt_buf_init(&e2, RT_EUICC_STATE_FILE_MAX);
	FUZZ_CHECK(rt_euicc_state_encode(&st, &e1, &err) == 0);
	FUZZ_CHECK(rt_euicc_state_decode(e1.data, e1.len, &back, &err) == 0);
	FUZZ_CHECK(rt_euicc_state_equal(&st, &back, &err) == 1);
	FUZZ_CHECK(rt_euicc_state_encode(&back, &e2, &err) == 0);
	FUZZ_CHECK(e1.len == e2.len && memcmp(e1.data, e2.data, e1.len) == 0);
	/* The input decoded, so it was a complete document no longer than its encoding
	 * can be (fields are fixed; only the order may differ). */
	FUZZ_CHECK(e1.len == size);
	rt_buf_free(&e1);
	rt_buf_free(&e2);
	rt_euicc_state_free(&back);
	rt_euicc_state_free(&st);
	return 0;
}
