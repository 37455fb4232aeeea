/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_scp80_por — libFuzzer target for the sending entity's PoR parser
 * (rt_scp80_por_verify): a PoR from the SUT is attacker-controlled.
 *
 * Input: a configuration byte, the SPI2 byte the command asked for, then the PoR.
 * Config bit 0 selects the dialect (0 SMS, 1 generic), bit 1 the keys (0: pySim 3DES
 * 2-key KIc/KID 35, 1: pySim AES-128 KIc/KID 22), bit 2 a 4-byte AES CC. The command
 * went to TAR B00011 with counter 0000000000 (as in the seeds from the pySim vectors).
 * Invariants: a PoR accepted is consistent (echoed TAR and counter, data inside the
 * input) and rebuilding it from its status and data gives a PoR that verifies again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scp/rt_scp80.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                              \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz_scp80_por: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                      \
			abort();                                                       \
		}                                                                      \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t des_kic[16] = {0x30, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	static const uint8_t des_kid[16] = {0x30, 0x11, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	static const uint8_t aes_kic[16] = {0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	static const uint8_t aes_kid[16] = {0x20, 0x11, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	struct rt_scp80_key kic = {RT_SCP80_ALG_NONE, {0}, 16}, kid = {RT_SCP80_ALG_NONE, {0}, 16};
	struct rt_scp80_opts opts = {8, RT_SCP80_CNTR11_ONE_HIGHER, 0};
	struct rt_scp80_sec s;
	struct rt_scp80_por res, res2;
	struct rt_buf out, again, out2;
	struct rt_err err;
	int rc;

	if (size < 2)
		return 0;
	memset(&s, 0, sizeof(s));
	s.dialect = data[0] & 1 ? RT_SCP80_GENERIC : RT_SCP80_SMS;
	memcpy(kic.key, data[0] & 2 ? aes_kic : des_kic, 16);
	memcpy(kid.key, data[0] & 2 ? aes_kid : des_kid, 16);
	s.kic = s.kid = data[0] & 2 ? 0x22 : 0x35;
	opts.aes_cc_len = data[0] & 4 ? 4 : 8;
	s.spi[0] = 0x06;
	s.spi[1] = data[1];
	s.tar[0] = 0xB0;
	s.tar[2] = 0x11;
	s.kic_key = &kic;
	s.kid_key = &kid;
	rt_buf_init(&out, RT_SCP80_MAX_PACKET);
	rc = rt_scp80_por_verify(&s, data + 2, size - 2, &opts, &res, &out, &err);
	FUZZ_CHECK(rc == 0 || out.len == 0);
	if (rc == 0) {
		FUZZ_CHECK(out.len <= size);
		FUZZ_CHECK(memcmp(res.tar, s.tar, 3) == 0);
		FUZZ_CHECK(memcmp(res.cntr, s.cntr, 5) == 0);
		rt_buf_init(&again, RT_SCP80_MAX_PACKET + 16);
		rt_buf_init(&out2, RT_SCP80_MAX_PACKET);
		FUZZ_CHECK(rt_scp80_por_build(&s, res.status, out.data, out.len, &opts, &again,
					      &err) == 0);
		FUZZ_CHECK(rt_scp80_por_verify(&s, again.data, again.len, &opts, &res2, &out2,
					       &err) == 0);
		FUZZ_CHECK(res2.status == res.status && out2.len == out.len);
		FUZZ_CHECK(out.len == 0 || memcmp(out2.data, out.data, out.len) == 0);
		rt_buf_free(&again);
		rt_buf_free(&out2);
	}
	rt_buf_free(&out);
	return 0;
}
