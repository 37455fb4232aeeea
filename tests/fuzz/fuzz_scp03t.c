/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_scp03t — libFuzzer target for SCP03t (harness/scp/rt_scp03t): the ISD-P side
 * processing attacker-controlled command TLVs and the SM-DP side parsing
 * attacker-controlled response TLVs.
 *
 * Input: one configuration byte, then the body. Config bits 0-1 pick the mode:
 *   0 card, raw: the body is a batch of command TLVs fed to a fresh ISD-P;
 *   1 card, after a genuine 84/85 handshake: the body is a batch of command TLVs;
 *   2 card, forgery: a genuine SM-DP segments a fixed package; the body is XORed over
 *     the segments (and may lengthen them) before the ISD-P sees them;
 *   3 host: the body is split in three and given to the SM-DP as the answers to 84, 85
 *     and an 86 (the first two genuine when bit 2 is set).
 * Bit 3 selects the R-MAC input option, bit 4 a 128-byte maximum segment.
 * Invariants: every error leaves an error TLV (9F44/45/46 01 r) as the last response and
 * consumes at least one byte; the reassembled package only grows on accepted 86; in the
 * forgery mode it is always a prefix of the genuine package; the host never accepts an
 * R-MAC it did not see the card produce. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scp/rt_scp03t.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                              \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz_scp03t: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                      \
			abort();                                                       \
		}                                                                      \
	} while (0)

static const uint8_t AID[16] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
				 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00 };

static void fuzz_keys(struct rt_scp03_keys *k)
{
	size_t i;

	memset(k, 0, sizeof(*k));
	k->len = 16;
	k->kvn = 0x30;
	for (i = 0; i < 16; i++) {
		k->enc[i] = (uint8_t)(0x40 + i);
		k->mac[i] = (uint8_t)(0x50 + i);
	}
}

static void handshake(struct rt_scp03t *h, struct rt_scp03t *c)
{
	static const uint8_t hc[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct rt_err err = {0};
	struct rt_buf cmd, rsp, plain;
	size_t used;

	rt_buf_init(&cmd, 256);
	rt_buf_init(&rsp, 256);
	rt_buf_init(&plain, 256);
	FUZZ_CHECK(rt_scp03t_host_iu(h, hc, 8, &cmd, &err) == 0);
	FUZZ_CHECK(rt_scp03t_card_command(c, cmd.data, cmd.len, &used, &plain, &rsp, &err) == 0);
	FUZZ_CHECK(rt_scp03t_host_iu_response(h, rsp.data, rsp.len, &err) == 0);
	rt_buf_reset(&cmd);
	rt_buf_reset(&rsp);
	FUZZ_CHECK(rt_scp03t_host_ext_auth(h, 0x33, &cmd, &err) == 0);
	FUZZ_CHECK(rt_scp03t_card_command(c, cmd.data, cmd.len, &used, &plain, &rsp, &err) == 0);
	FUZZ_CHECK(rt_scp03t_host_ext_auth_response(h, rsp.data, rsp.len, &err) == 0);
	rt_buf_free(&cmd);
	rt_buf_free(&rsp);
	rt_buf_free(&plain);
}

/* Runs a batch through the card; returns the number of accepted 86. */
static size_t card_batch(struct rt_scp03t *c, const uint8_t *b, size_t n, struct rt_buf *plain)
{
	struct rt_err err = {0};
	struct rt_buf rsp;
	size_t off = 0, used, ok = 0;

	rt_buf_init(&rsp, 1u << 20);
	while (off < n) {
		size_t before = plain->len, rbefore = rsp.len;
		int rc = rt_scp03t_card_command(c, b + off, n - off, &used, plain, &rsp, &err);

		FUZZ_CHECK(used >= 1 && used <= n - off);
		if (rc) {
			FUZZ_CHECK(plain->len == before);
			/* an error TLV ends the responses unless the tag was not 84..86 */
			if (rsp.len > rbefore) {
				FUZZ_CHECK(rsp.len - rbefore == 4);
				FUZZ_CHECK(rsp.data[rbefore] == 0x9F && rsp.data[rbefore + 2] == 0x01);
			}
			break;
		}
		off += used;
		if (c->need_rsp) {
			ok++;
			FUZZ_CHECK(rt_scp03t_card_response(c, b, (off + ok) % 33, &rsp, &err) == 0);
		}
	}
	rt_buf_free(&rsp);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkg[3000];
	struct rt_scp03_keys k;
	struct rt_scp03t h, c;
	struct rt_scp03t_opts o;
	struct rt_err err = {0};
	struct rt_buf plain, segs;
	uint8_t cfg;
	size_t i, count;

	if (size < 1)
		return 0;
	cfg = data[0];
	data++;
	size--;
	memset(&o, 0, sizeof(o));
	o.rmac_input = (cfg & 8) ? RT_SCP03T_RMAC_DATA : RT_SCP03T_RMAC_TLV;
	o.max_segment = (cfg & 16) ? 128 : 1024;
	o.reassembly_max = 1u << 16;
	fuzz_keys(&k);
	if (rt_scp03t_host_init(&h, &k, NULL, &o, &err) ||
	    rt_scp03t_card_init(&c, &k, 0x70, AID, sizeof(AID), 0, NULL, NULL, &o, &err))
		abort();
	rt_buf_init(&plain, 1u << 16);
	rt_buf_init(&segs, 1u << 16);
	for (i = 0; i < sizeof(pkg); i++)
		pkg[i] = (uint8_t)(i * 13 + 1);
	switch (cfg & 3) {
	case 0:
		card_batch(&c, data, size, &plain);
		break;
	case 1:
		handshake(&h, &c);
		card_batch(&c, data, size, &plain);
		break;
	case 2: {
		size_t n = 100 + (cfg >> 5) * 400;

		handshake(&h, &c);
		FUZZ_CHECK(rt_scp03t_host_segment(&h, pkg, n, 0, &segs, &count, NULL, 0, &err) == 0);
		for (i = 0; i < size; i++) {
			if (i < segs.len)
				segs.data[i] ^= data[i];
			else
				FUZZ_CHECK(rt_buf_push(&segs, data[i]) == 0);
		}
		card_batch(&c, segs.data, segs.len, &plain);
		FUZZ_CHECK(plain.len <= n);
		FUZZ_CHECK(plain.len == 0 || memcmp(plain.data, pkg, plain.len) == 0);
		break;
	}
	case 3: {
		size_t a = size / 3, b = 2 * size / 3;
		struct rt_buf out;
		int rc;

		rt_buf_init(&out, 1u << 16);
		if (cfg & 4) {
			handshake(&h, &c);
			FUZZ_CHECK(rt_scp03t_host_wrap(&h, pkg, 50, &segs, &err) == 0);
		} else {
			rc = rt_scp03t_host_iu(&h, pkg, 8, &segs, &err);
			FUZZ_CHECK(rc == 0);
			rc = rt_scp03t_host_iu_response(&h, data, a, &err);
			if (rc == 0) {
				rt_buf_reset(&segs);
				rc = rt_scp03t_host_ext_auth(&h, 0x33, &segs, &err);
			}
			if (rc == 0)
				rc = rt_scp03t_host_ext_auth_response(&h, data + a, b - a, &err);
		}
		if (h.s.state == RT_SCP03_ST_OPEN) {
			rc = rt_scp03t_host_unwrap(&h, data + b, size - b, &out, &err);
			/* without the genuine card's key material an R-MAC cannot be made: a
			 * success means no R-MAC was needed (86 00) */
			if (rc == 0 && out.len)
				FUZZ_CHECK(!(cfg & 4)); /* unreachable with genuine keys only */
		}
		rt_buf_free(&out);
		break;
	}
	}
	rt_buf_free(&plain);
	rt_buf_free(&segs);
	rt_scp03t_clear(&h);
	rt_scp03t_clear(&c);
	return 0;
}
