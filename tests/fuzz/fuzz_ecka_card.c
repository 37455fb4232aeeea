/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_ecka_card — libFuzzer target for the card side of scp/rt_ecka: attacker-
 * controlled STORE DATA data fields for DGI 3A01 (certificate) and 3A02 (key
 * establishment) reaching an ECASD/ISD-P.
 *
 * The card has fixed keys (CI, SM-DP, ECASD from fixed scalars) and answers a fixed RC,
 * so seeds built with the same keys (tests/fuzz/seeds/ecka_card, made with rt.ecka) go
 * all the way through signature, ECDH, KDF and receipt. Input: byte 0 selects the mode
 * (bit 0: the input is the key data, after a genuine certificate; else the input is
 * the certificate data, then the rest after a 2-byte length goes to the key data;
 * bit 1: brainpoolP256r1 instead of P-256; bit 2: only the B0F0 ePK form accepted;
 * bit 3: 80-padded receipt). Invariants: a refusal leaves no response, names a status
 * and a message, and does not advance the state; an acceptance gives 85 L RC or
 * [85 L DR] 86 10 receipt. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_tlv.h"
#include "scp/rt_ecka.h"
#include "scp/rt_gpcert_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                    \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_ecka_card: invariant failed: %s (line %d)\n",  \
				#cond, __LINE__);                                            \
			abort();                                                             \
		}                                                                            \
	} while (0)

static const uint8_t k_rc[16] = "rsptest-fuzz-RC!";
static const uint8_t k_ciid[2] = { 0xC1, 0x01 };

struct fuzz_world {
	struct rt_ec_key *ci, *dp, *ecasd;
	uint8_t cert[600];
	size_t cert_len;
};

/* Scalars: CI = 01..20, SM-DP = 21..40, ECASD = 41..60 (bytes counting up). */
static struct fuzz_world *fuzz_world(int bp)
{
	static struct fuzz_world w[2];
	static int ready[2];
	struct fuzz_world *x = &w[bp];

	if (!ready[bp]) {
		enum rt_ec_curve c = bp ? RT_EC_BP256R1 : RT_EC_P256;
		uint8_t d[3][32], pt[65];
		struct rt_gpcert_fields f;
		struct rt_buf b;
		static const uint8_t serial[] = { 0x01 }, sid[] = { 0xD1 };
		int i, j;

		for (i = 0; i < 3; i++)
			for (j = 0; j < 32; j++)
				d[i][j] = (uint8_t)(1 + 32 * i + j);
		if (rt_ec_key_from_private(c, d[0], 32, &x->ci, NULL) ||
		    rt_ec_key_from_private(c, d[1], 32, &x->dp, NULL) ||
		    rt_ec_key_from_private(c, d[2], 32, &x->ecasd, NULL) ||
		    rt_ec_key_public(x->dp, pt, NULL))
			abort();
		memset(&f, 0, sizeof(f));
		f.serial.p = serial;
		f.serial.len = 1;
		f.ca_id.p = k_ciid;
		f.ca_id.len = 2;
		f.subject_id.p = sid;
		f.subject_id.len = 1;
		f.key_usage = 0x88;
		f.key_usage_len = 1;
		f.expiration = 20451231;
		f.cert_type = 1;
		f.public_key.p = pt;
		f.public_key.len = 65;
		f.key_param_ref = (int)rt_ec_curve_gp_ref(c);
		rt_buf_init(&b, sizeof(x->cert) - 8);
		if (rt_gpcert_sign(&f, x->ci, &b, NULL))
			abort();
		x->cert[0] = 0x3A;
		x->cert[1] = 0x01;
		x->cert[2] = (uint8_t)b.len;
		memcpy(x->cert + 3, b.data, b.len);
		x->cert_len = b.len + 3;
		rt_buf_free(&b);
		ready[bp] = 1;
	}
	return x;
}

static void fuzz_card_step(struct rt_ecka_card *c, int keys, const uint8_t *d, size_t n)
{
	struct rt_buf r;
	struct rt_err err;
	int step = c->step, rc;

	rt_buf_init(&r, 256);
	err.msg[0] = 0;
	if (keys)
		rc = rt_ecka_card_keys(c, d, n, NULL, 0, &r, &err);
	else
		rc = rt_ecka_card_cert(c, d, n, k_rc, sizeof(k_rc), &r, &err);
	if (rc) {
		FUZZ_CHECK(r.len == 0 && c->status != RT_ECKA_OK && err.msg[0] && c->step == step);
		FUZZ_CHECK(c->sw != 0x9000);
	} else if (!keys) {
		FUZZ_CHECK(r.len == 18 && r.data[0] == 0x85 && c->step == 1);
	} else {
		FUZZ_CHECK(c->step == 2 && r.len >= 18 && r.data[r.len - 18] == 0x86 &&
			   r.data[r.len - 17] == 0x10);
	}
	rt_buf_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_world *w;
	struct rt_ecka_card c;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	w = fuzz_world((mode >> 1) & 1);
	rt_ecka_card_init(&c);
	c.pk_ci = w->ci;
	c.ci_id = k_ciid;
	c.ci_id_len = sizeof(k_ciid);
	c.sk_ecasd = w->ecasd;
	c.opts.date = 20300101;
	if (mode & 4)
		c.opts.epk_accept = RT_ECKA_EPK_B0F0;
	if (mode & 8)
		c.opts.receipt_pad = RT_ECKA_RECEIPT_PAD80;
	if (mode & 1) {
		fuzz_card_step(&c, 0, w->cert, w->cert_len);
		FUZZ_CHECK(c.step == 1);
		fuzz_card_step(&c, 1, data, size);
	} else {
		size_t n1 = size >= 2 ? ((size_t)data[0] << 8 | data[1]) : 0;

		if (size >= 2 && n1 <= size - 2) {
			fuzz_card_step(&c, 0, data + 2, n1);
			fuzz_card_step(&c, 1, data + 2 + n1, size - 2 - n1);
		} else {
			fuzz_card_step(&c, 0, data, size);
		}
	}
	rt_ecka_card_clear(&c);
	return 0;
}
