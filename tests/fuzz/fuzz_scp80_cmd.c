/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_scp80_cmd — libFuzzer target for the receiving entity of SCP80
 * (rt_scp80_cmd_unwrap): the card parsing an attacker-controlled command packet.
 *
 * Input: one configuration byte, then the packet. Config bit 0 selects the dialect
 * (0 SMS, 1 generic), bit 1 the keyset (0: pySim 3DES 2-key, 1: pySim AES-128), bit 2
 * a 4-byte AES CC, bit 3 the alternative meaning of counter mode 11, bits 4-5 the
 * stored counter (0, 1, FFFFFFFFFE, FFFFFFFFFF), bit 6 a minimum SPI of 16 00.
 * Invariants: the verdict is coherent (status 00 exactly when rc is 0, no PoR without a
 * parsed header, the data never larger than the input) and, when a PoR is wanted, the
 * PoR the card builds is one the sending entity verifies with the same status. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scp/rt_scp80.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                              \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz_scp80_cmd: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                      \
			abort();                                                       \
		}                                                                      \
	} while (0)

struct fuzz_card {
	uint8_t cfg;
};

static int fuzz_lookup(void *ctx, const uint8_t tar[3], uint8_t kic_ks, uint8_t kid_ks,
		       struct rt_scp80_keyset *ks, struct rt_err *err)
{
	static const uint8_t des_kic[16] = {0x30, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	static const uint8_t des_kid[16] = {0x30, 0x11, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	static const uint8_t aes_kic[16] = {0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	static const uint8_t aes_kid[16] = {0x20, 0x11, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	static const uint64_t stored[4] = {0, 1, 0xFFFFFFFFFEull, 0xFFFFFFFFFFull};
	const struct fuzz_card *c = ctx;
	uint64_t v = stored[(c->cfg >> 4) & 3];
	int i;

	if (tar[0] == 0xFF) /* a TAR range the card does not know */
		return rt_err_set(err, RT_ENOENT, "unknown TAR");
	memcpy(ks->kic.key, c->cfg & 2 ? aes_kic : des_kic, 16);
	memcpy(ks->kid.key, c->cfg & 2 ? aes_kid : des_kid, 16);
	ks->kic.len = ks->kid.len = 16;
	for (i = 4; i >= 0; i--) {
		ks->cntr[i] = (uint8_t)v;
		v >>= 8;
	}
	if (c->cfg & 0x40) {
		ks->min_spi[0] = 0x16;
		ks->min_spi[1] = 0x00;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_card card;
	struct rt_scp80_lookup lk = {fuzz_lookup, &card};
	struct rt_scp80_opts opts = {8, RT_SCP80_CNTR11_ONE_HIGHER, 0};
	struct rt_scp80_rx rx;
	struct rt_buf out, por, pdata;
	struct rt_err err;
	enum rt_scp80_dialect d;
	int rc;

	if (size < 1)
		return 0;
	card.cfg = data[0];
	d = card.cfg & 1 ? RT_SCP80_GENERIC : RT_SCP80_SMS;
	opts.aes_cc_len = card.cfg & 4 ? 4 : 8;
	opts.cntr11 = card.cfg & 8 ? RT_SCP80_CNTR11_HIGHER : RT_SCP80_CNTR11_ONE_HIGHER;
	rt_buf_init(&out, RT_SCP80_MAX_PACKET);
	rc = rt_scp80_cmd_unwrap(d, data + 1, size - 1, &lk, &opts, &rx, &out, &err);
	FUZZ_CHECK((rc == 0) == (rx.status == RT_SCP80_ST_OK));
	FUZZ_CHECK(rx.parsed || !rx.por_wanted);
	FUZZ_CHECK(out.len <= size);
	FUZZ_CHECK(rc == 0 || out.len == 0);
	FUZZ_CHECK(!rx.cntr_update || rc == 0);
	if (rx.parsed && rx.por_wanted) {
		rt_buf_init(&por, RT_SCP80_MAX_PACKET + 16);
		rt_buf_init(&pdata, RT_SCP80_MAX_PACKET);
		if (rt_scp80_por_build(&rx.por, rx.status, out.data, out.len, &opts, &por, &err) ==
		    0) {
			struct rt_scp80_por res;

			rc = rt_scp80_por_verify(&rx.por, por.data, por.len, &opts, &res, &pdata,
						 &err);
			if (rc)
				fprintf(stderr, "PoR self-check: %s\n", err.msg);
			FUZZ_CHECK(rc == 0);
			FUZZ_CHECK(res.status == rx.status);
			FUZZ_CHECK(pdata.len == out.len);
			FUZZ_CHECK(out.len == 0 || memcmp(pdata.data, out.data, out.len) == 0);
		}
		rt_buf_free(&por);
		rt_buf_free(&pdata);
	}
	rt_scp80_rx_clear(&rx);
	rt_buf_free(&out);
	return 0;
}
