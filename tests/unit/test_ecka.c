/* SPDX-License-Identifier: Apache-2.0 */
/* test_ecka — harness/scp/rt_ecka: SGP.02 EstablishISDPKeySet (GP Amd E scenario #3)
 * between the SM-DP side and the card side, on P-256 and brainpoolP256r1, with the
 * TEST ONLY PKI of certs/ (certs/make-test-pki.sh); a negative case for every check of both sides.
 *
 * Public byte strings used as known answers: WHTY-SR's ISD-P A6 CRT
 * (sgp02-facts §4.2: A6 15 { 90 02 03 09 | 95 01 10 | 80 01 88 | 81 01 10 | 82 01 01 |
 * 83 01 30 | 91 00 }) and its SharedInfo 10 88 10. The derived keys and receipts are
 * recomputed independently in tests/crosscheck/test_ecka.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_tlv.h"
#include "crypto/rt_ec.h"
#include "crypto/rt_x509.h"
#include "scp/rt_ecka.h"
#include "util/rt_hex.h"

static uint8_t *slurp(const char *curve, const char *name, size_t *n)
{
	return rt_test_slurp(n, "%s/certs/%s/%s", rt_test_srcdir(), curve, name);
}

static struct rt_ec_key *key(const char *curve, const char *file)
{
	size_t n;
	uint8_t *b = slurp(curve, file, &n);
	struct rt_ec_key *k = NULL;
	struct rt_err err = {0};

	if (rt_ec_key_from_pem_der(b, n, &k, &err))
		fail_msg("%s: %s", file, err.msg);
	memset(b, 0, n);
	free(b);
	return k;
}

/* A world: PKI of one curve, an SM-DP and a card. */
struct world {
	const char *curve;
	struct rt_ec_key *ci, *ci2, *sk_dp, *ecasd, *pk_ecasd;
	uint8_t cert[1024];
	size_t cert_len;
	struct rt_x509_info ci_info;
	struct rt_ecka_dp dp;
	struct rt_ecka_card card;
};

static void world_open(struct world *w, const char *curve, const char *dpcert)
{
	char file[64];
	size_t hl, n;
	uint8_t *hex, *pem;
	struct rt_err err = {0};
	uint8_t pt[65];

	memset(w, 0, sizeof(*w));
	w->curve = curve;
	w->ci = key(curve, "ci.pem");
	w->ci2 = key(curve, "ci2.pem");
	w->sk_dp = key(curve, strcmp(dpcert, "smsr") == 0 ? "smsr.key" : "smdp.key");
	w->ecasd = key(curve, "ecasd.key");
	assert_int_equal(rt_ec_key_public(w->ecasd, pt, &err), 0);
	assert_int_equal(rt_ec_key_from_public(rt_ec_key_curve(w->ecasd), pt, 65, &w->pk_ecasd, &err), 0);
	snprintf(file, sizeof(file), "%s.7f21.hex", dpcert);
	hex = slurp(curve, file, &hl);
	assert_int_equal(rt_hex_decode((const char *)hex, hl, w->cert, sizeof(w->cert), &w->cert_len,
				       &err), 0);
	free(hex);
	pem = slurp(curve, "ci.pem", &n);
	assert_int_equal(rt_x509_info(pem, n, &w->ci_info, NULL, &err), 0);
	free(pem);
	rt_ecka_dp_init(&w->dp);
	w->dp.sk_dp = w->sk_dp;
	w->dp.cert = w->cert;
	w->dp.cert_len = w->cert_len;
	w->dp.pk_ecasd = w->pk_ecasd;
	rt_ecka_card_init(&w->card);
	w->card.pk_ci = w->ci;
	w->card.ci_id = w->ci_info.ski;
	w->card.ci_id_len = w->ci_info.ski_len;
	w->card.sk_ecasd = w->ecasd;
	w->card.opts.date = 20300101;
}

static void world_close(struct world *w)
{
	rt_ecka_dp_clear(&w->dp);
	rt_ecka_card_clear(&w->card);
	rt_ec_key_free(w->ci);
	rt_ec_key_free(w->ci2);
	rt_ec_key_free(w->sk_dp);
	rt_ec_key_free(w->ecasd);
	rt_ec_key_free(w->pk_ecasd);
}

/* Steps 1-2: certificate to the card, RC back to the SM-DP. */
static void step_cert(struct world *w)
{
	struct rt_buf m, r;
	struct rt_err err = {0};

	rt_buf_init(&m, 4096);
	rt_buf_init(&r, 256);
	assert_int_equal(rt_ecka_dp_cert_data(&w->dp, &m, &err), 0);
	if (rt_ecka_card_cert(&w->card, m.data, m.len, NULL, 0, &r, &err))
		fail_msg("card cert: %s", err.msg);
	assert_int_equal(r.len, 2 + w->card.opts.rc_len);
	assert_int_equal(r.data[0], 0x85);
	assert_int_equal(r.data[1], w->card.opts.rc_len);
	assert_int_equal(rt_ecka_dp_take_rc(&w->dp, r.data, r.len, &err), 0);
	rt_buf_free(&m);
	rt_buf_free(&r);
}

/* Full run; returns the card's rc for the key data. */
static void full_run(struct world *w)
{
	struct rt_buf m, r;
	struct rt_err err = {0};

	step_cert(w);
	rt_buf_init(&m, 4096);
	rt_buf_init(&r, 256);
	assert_int_equal(rt_ecka_dp_key_data(&w->dp, &m, &err), 0);
	if (rt_ecka_card_keys(&w->card, m.data, m.len, NULL, 0, &r, &err))
		fail_msg("card keys (%s): %s", rt_ecka_status_name(w->card.status), err.msg);
	if (rt_ecka_dp_check_receipt(&w->dp, r.data, r.len, &err))
		fail_msg("receipt: %s", err.msg);
	assert_int_equal(w->dp.keys.key_len, w->card.keys.key_len);
	assert_memory_equal(w->dp.keys.shs, w->card.keys.shs, 32);
	assert_memory_equal(w->dp.keys.enc, w->card.keys.enc, w->dp.keys.key_len);
	assert_memory_equal(w->dp.keys.mac, w->card.keys.mac, w->dp.keys.key_len);
	assert_memory_equal(w->dp.keys.dek, w->card.keys.dek, w->dp.keys.key_len);
	assert_memory_equal(w->dp.keys.receipt, w->card.keys.receipt, 16);
	assert_int_equal(w->card.step, 2);
	rt_buf_free(&m);
	rt_buf_free(&r);
}

static const char *k_curves[] = { "p256", "bp256" };

static void test_full_default(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct world w;

		world_open(&w, k_curves[i], "smdp");
		full_run(&w);
		assert_int_equal(w.card.epk_form, RT_ECKA_EPK_B0F0);
		assert_int_equal(w.dp.keys.nkeys, 3);
		/* the three keys differ */
		assert_memory_not_equal(w.dp.keys.enc, w.dp.keys.mac, 16);
		assert_memory_not_equal(w.dp.keys.mac, w.dp.keys.dek, 16);
		world_close(&w);
	}
}

static void test_full_variants(void **state)
{
	int i, v;

	(void)state;
	for (i = 0; i < 2; i++) {
		for (v = 0; v < 7; v++) {
			struct world w;
			static const uint8_t sin[] = { 0x01, 0x02, 0x03 };

			world_open(&w, k_curves[i], "smdp");
			switch (v) {
			case 0: /* DR */
				w.dp.prm.scenario_params = 0x0B;
				break;
			case 1: /* HostID + SDIN + SIN */
				w.dp.prm.scenario_params = 0x0D;
				w.dp.prm.host_id_len = 16;
				memset(w.dp.prm.host_id, 0x5A, 16);
				w.dp.prm.sdin_len = 4;
				memset(w.dp.prm.sdin, 0x77, 4);
				w.dp.opts.sin = w.card.opts.sin = sin;
				w.dp.opts.sin_len = w.card.opts.sin_len = sizeof(sin);
				break;
			case 2: /* one key (5C), key access, counter */
				w.dp.prm.key_usage = RT_ECKA_KU_ONE_KEY;
				w.dp.prm.key_access = 0;
				w.dp.prm.init_counter_len = 3;
				w.dp.prm.init_counter[2] = 1;
				break;
			case 3: /* bare ePK */
				w.dp.opts.epk_form = RT_ECKA_EPK_BARE;
				break;
			case 4: /* B0 only */
				w.dp.opts.epk_form = RT_ECKA_EPK_B0;
				break;
			case 5: /* padded receipt on both sides, AES-256 keys */
				w.dp.opts.receipt_pad = w.card.opts.receipt_pad = RT_ECKA_RECEIPT_PAD80;
				w.dp.prm.key_len = 32;
				break;
			case 6: /* 32-byte RC */
				w.card.opts.rc_len = 32;
				break;
			}
			full_run(&w);
			if (v == 0)
				assert_int_equal(w.card.keys.dr_len, 16);
			if (v == 2) {
				assert_int_equal(w.card.keys.nkeys, 1);
				assert_memory_equal(w.card.keys.enc, w.card.keys.dek, 16);
			}
			if (v == 3)
				assert_int_equal(w.card.epk_form, RT_ECKA_EPK_BARE);
			if (v == 5)
				assert_int_equal(w.card.keys.key_len, 32);
			world_close(&w);
		}
	}
}

/* WHTY-SR's CRT and SharedInfo as known answers for the default parameters. */
static void test_a6_default(void **state)
{
	static const uint8_t want[] = { 0xA6, 0x15, 0x90, 0x02, 0x03, 0x09, 0x95, 0x01, 0x10,
					0x80, 0x01, 0x88, 0x81, 0x01, 0x10, 0x82, 0x01, 0x01,
					0x83, 0x01, 0x30, 0x91, 0x00 };
	struct rt_ecka_params p, q;
	struct rt_buf b;
	struct rt_err err = {0};
	uint8_t si[64];
	size_t sil;

	(void)state;
	rt_ecka_params_default(&p);
	rt_buf_init(&b, 256);
	assert_int_equal(rt_ecka_a6_encode(&p, &b, &err), 0);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	assert_int_equal(rt_ecka_a6_decode(b.data, b.len, &q, &err), 0);
	assert_int_equal(q.kvn, 0x30);
	assert_int_equal(q.scenario_params, 0x09);
	assert_int_equal(rt_ecka_shared_info(&p, NULL, 0, NULL, 0, si, sizeof(si), &sil, &err), 0);
	assert_int_equal(sil, 3);
	assert_int_equal(si[0], 0x10);
	assert_int_equal(si[1], 0x88);
	assert_int_equal(si[2], 0x10);
	rt_buf_free(&b);
}

static void expect_a6_bad(const char *hex, int code, const char *msg)
{
	uint8_t b[128];
	size_t n;
	struct rt_ecka_params p;
	struct rt_err err = {0};

	assert_int_equal(rt_hex_decode(hex, strlen(hex), b, sizeof(b), &n, &err), 0);
	if (rt_ecka_a6_decode(b, n, &p, &err) != code)
		fail_msg("A6 %s: want %s, got '%s'", hex, rt_err_name(code), err.msg);
	if (msg && !strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
}

static void test_a6_negative(void **state)
{
	(void)state;
	expect_a6_bad("A61590020309950110800188810110820101830130", RT_EPROTO, NULL); /* truncated */
	expect_a6_bad("A6129002030995011080018881011082010191 00", RT_EPROTO, "83");
	expect_a6_bad("A6189002030995011080018881011082010183013091009501 10", RT_EPROTO, "repeated");
	expect_a6_bad("A618900203099501108001888101108201018301309100DF0100", RT_EPROTO, "unknown");
	expect_a6_bad("A615900202099501108001888101108201018301309100", RT_ENOTSUP, "scenario");
	expect_a6_bad("A615900203099501118001888101108201018301309100", RT_ENOTSUP, "key usage");
	expect_a6_bad("A615900203099501108001808101108201018301309100", RT_ENOTSUP, "key type");
	expect_a6_bad("A615900203099501108001888101118201018301309100", RT_ENOTSUP, "key length");
	expect_a6_bad("A615900203" "0D" "9501108001888101108201018301309100", RT_EPROTO, "HostID");
	expect_a6_bad("A61490010395011080018881011082010183013091 00", RT_EPROTO, "90 is");
	expect_a6_bad("A715900203099501108001888101108201018301309100", RT_EPROTO, "A6 CRT expected");
}

/* Builds key data from raw pieces and signs it with sk (so that only the bent piece
 * is wrong). */
static void make_keydata(const uint8_t *a6, size_t a6len, const uint8_t *epk, size_t epklen,
			 const uint8_t *rc, size_t rclen, const struct rt_ec_key *sk, struct rt_buf *out)
{
	struct rt_buf sd;
	struct rt_err err = {0};
	uint8_t sig[64];
	size_t off;

	rt_buf_init(&sd, 4096);
	assert_int_equal(rt_ecka_dgi_put(out, RT_ECKA_DGI_KEYS, a6, a6len, &err), 0);
	off = out->len;
	assert_int_equal(rt_buf_append(out, epk, epklen), 0);
	assert_int_equal(rt_ecka_signed_data(out->data, off, out->data + off, epklen, rc, rclen, &sd,
					     &err), 0);
	assert_int_equal(rt_ec_sign(sk, sd.data, sd.len, sig, &err), 0);
	assert_int_equal(rt_tlv_put(out, 0x5F37, sig, 64, &err), 0);
	rt_buf_free(&sd);
}

static void expect_card_keys(struct world *w, const uint8_t *d, size_t n,
			     enum rt_ecka_status want, const char *msg)
{
	struct rt_buf r;
	struct rt_err err = {0};

	rt_buf_init(&r, 256);
	if (rt_ecka_card_keys(&w->card, d, n, NULL, 0, &r, &err) == 0)
		fail_msg("card accepted (want %s)", rt_ecka_status_name(want));
	if (w->card.status != want)
		fail_msg("status %s (%s), want %s", rt_ecka_status_name(w->card.status), err.msg,
			 rt_ecka_status_name(want));
	if (msg && !strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
	assert_int_equal(r.len, 0);
	assert_int_not_equal(w->card.sw, 0x9000);
	rt_buf_free(&r);
}

static void test_card_keys_negative(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct world w;
		struct rt_buf m, b, epk;
		struct rt_err err = {0};
		struct rt_ec_key *other = NULL;
		uint8_t pt[65], a6[64];
		size_t a6len, k;

		world_open(&w, k_curves[i], "smdp");
		rt_buf_init(&m, 4096);
		rt_buf_init(&b, 4096);
		rt_buf_init(&epk, 256);
		/* key data before the certificate */
		expect_card_keys(&w, (const uint8_t *)"\x3A\x02\x00", 3, RT_ECKA_WRONG_STATE, "before");
		step_cert(&w);
		assert_int_equal(rt_ecka_dp_key_data(&w.dp, &m, &err), 0);
		/* every truncation is malformed (or a bad ePK / signature when the cut lands
		 * inside them), never accepted */
		for (k = 0; k < m.len; k++) {
			struct rt_buf r;

			rt_buf_init(&r, 64);
			assert_int_not_equal(rt_ecka_card_keys(&w.card, m.data, k, NULL, 0, &r, &err), 0);
			assert_int_equal(w.card.step, 1);
			rt_buf_free(&r);
		}
		/* trailing byte */
		assert_int_equal(rt_buf_append(&b, m.data, m.len), 0);
		assert_int_equal(rt_buf_push(&b, 0x00), 0);
		expect_card_keys(&w, b.data, b.len, RT_ECKA_MALFORMED, "after the signature");
		/* bad signature: flip the last byte */
		rt_buf_reset(&b);
		assert_int_equal(rt_buf_append(&b, m.data, m.len), 0);
		b.data[b.len - 1] ^= 1;
		expect_card_keys(&w, b.data, b.len, RT_ECKA_BAD_SIGNATURE, "does not verify");
		/* signature by another key (the CI's public key cannot sign: use a fresh one) */
		memcpy(a6, w.dp.a6, w.dp.a6_len);
		a6len = w.dp.a6_len;
		assert_int_equal(rt_ec_key_public(w.dp.esk, pt, &err), 0);
		assert_int_equal(rt_ecka_epk_encode(pt, rt_ec_key_curve(w.ecasd), RT_ECKA_EPK_B0F0, &epk,
						    &err), 0);
		assert_int_equal(rt_ec_key_generate(rt_ec_key_curve(w.ecasd), &other, &err), 0);
		rt_buf_reset(&b);
		make_keydata(a6, a6len, epk.data, epk.len, w.dp.rc, w.dp.rc_len, other, &b);
		expect_card_keys(&w, b.data, b.len, RT_ECKA_BAD_SIGNATURE, NULL);
		/* signature over a different RC */
		rt_buf_reset(&b);
		make_keydata(a6, a6len, epk.data, epk.len, (const uint8_t *)"0123456789abcdef", 16,
			     w.sk_dp, &b);
		expect_card_keys(&w, b.data, b.len, RT_ECKA_BAD_SIGNATURE, NULL);
		/* point not on the curve, properly signed */
		pt[64] ^= 1;
		rt_buf_reset(&epk);
		assert_int_equal(rt_ecka_epk_encode(pt, rt_ec_key_curve(w.ecasd), RT_ECKA_EPK_B0F0, &epk,
						    &err), 0);
		rt_buf_reset(&b);
		make_keydata(a6, a6len, epk.data, epk.len, w.dp.rc, w.dp.rc_len, w.sk_dp, &b);
		expect_card_keys(&w, b.data, b.len, RT_ECKA_BAD_EPK, "not on the curve");
		pt[64] ^= 1;
		/* wrong curve: a point of the other curve, with its own F0 and bare */
		{
			struct rt_ec_key *oc = NULL;
			enum rt_ec_curve ocv = i == 0 ? RT_EC_BP256R1 : RT_EC_P256;
			uint8_t opt[65];

			assert_int_equal(rt_ec_key_generate(ocv, &oc, &err), 0);
			assert_int_equal(rt_ec_key_public(oc, opt, &err), 0);
			rt_buf_reset(&epk);
			assert_int_equal(rt_ecka_epk_encode(opt, ocv, RT_ECKA_EPK_B0F0, &epk, &err), 0);
			rt_buf_reset(&b);
			make_keydata(a6, a6len, epk.data, epk.len, w.dp.rc, w.dp.rc_len, w.sk_dp, &b);
			expect_card_keys(&w, b.data, b.len, RT_ECKA_BAD_EPK, "key parameter reference");
			rt_buf_reset(&epk);
			assert_int_equal(rt_ecka_epk_encode(opt, ocv, RT_ECKA_EPK_BARE, &epk, &err), 0);
			rt_buf_reset(&b);
			make_keydata(a6, a6len, epk.data, epk.len, w.dp.rc, w.dp.rc_len, w.sk_dp, &b);
			/* "not on the curve", or "not below the field prime" when a P-256
			 * coordinate exceeds brainpoolP256r1's smaller p */
			expect_card_keys(&w, b.data, b.len, RT_ECKA_BAD_EPK, "ePK.DP.ECKA");
			rt_ec_key_free(oc);
		}
		/* form not accepted */
		w.card.opts.epk_accept = RT_ECKA_EPK_B0F0;
		rt_buf_reset(&epk);
		assert_int_equal(rt_ecka_epk_encode(pt, rt_ec_key_curve(w.ecasd), RT_ECKA_EPK_BARE, &epk,
						    &err), 0);
		rt_buf_reset(&b);
		make_keydata(a6, a6len, epk.data, epk.len, w.dp.rc, w.dp.rc_len, w.sk_dp, &b);
		expect_card_keys(&w, b.data, b.len, RT_ECKA_BAD_EPK, "not accepted");
		w.card.opts.epk_accept = RT_ECKA_EPK_B0F0 | RT_ECKA_EPK_B0 | RT_ECKA_EPK_BARE;
		/* A6 malformed (unknown tag) and unsupported (scenario 02), properly signed */
		rt_buf_reset(&epk);
		assert_int_equal(rt_ecka_epk_encode(pt, rt_ec_key_curve(w.ecasd), RT_ECKA_EPK_B0F0, &epk,
						    &err), 0);
		{
			uint8_t a6b[64];

			memcpy(a6b, a6, a6len);
			a6b[1] += 3;
			a6b[a6len] = 0xDF;
			a6b[a6len + 1] = 0x01;
			a6b[a6len + 2] = 0x00;
			rt_buf_reset(&b);
			make_keydata(a6b, a6len + 3, epk.data, epk.len, w.dp.rc, w.dp.rc_len, w.sk_dp, &b);
			expect_card_keys(&w, b.data, b.len, RT_ECKA_MALFORMED, "unknown tag");
			memcpy(a6b, a6, a6len);
			a6b[4] = 0x02;
			rt_buf_reset(&b);
			make_keydata(a6b, a6len, epk.data, epk.len, w.dp.rc, w.dp.rc_len, w.sk_dp, &b);
			expect_card_keys(&w, b.data, b.len, RT_ECKA_UNSUPPORTED, "scenario");
			/* a 3A02 whose value is not an A6 */
			rt_buf_reset(&b);
			make_keydata(epk.data, epk.len, epk.data, epk.len, w.dp.rc, w.dp.rc_len, w.sk_dp, &b);
			expect_card_keys(&w, b.data, b.len, RT_ECKA_MALFORMED, "A6");
		}
		/* wrong DGI */
		rt_buf_reset(&b);
		assert_int_equal(rt_buf_append(&b, m.data, m.len), 0);
		b.data[1] = 0x03;
		expect_card_keys(&w, b.data, b.len, RT_ECKA_MALFORMED, "3A02 expected");
		/* the genuine message is still accepted after all that */
		{
			struct rt_buf r;

			rt_buf_init(&r, 256);
			if (rt_ecka_card_keys(&w.card, m.data, m.len, NULL, 0, &r, &err))
				fail_msg("genuine key data refused: %s", err.msg);
			assert_int_equal(rt_ecka_dp_check_receipt(&w.dp, r.data, r.len, &err), 0);
			/* replay after completion */
			expect_card_keys(&w, m.data, m.len, RT_ECKA_WRONG_STATE, "already");
			/* wrong receipt at the SM-DP */
			r.data[r.len - 1] ^= 1;
			assert_int_equal(rt_ecka_dp_check_receipt(&w.dp, r.data, r.len, &err), RT_ECRYPTO);
			assert_int_equal(w.dp.status, RT_ECKA_BAD_RECEIPT);
			/* DR present although not asked for; receipt missing; junk */
			assert_int_equal(rt_ecka_dp_check_receipt(&w.dp, (const uint8_t *)"\x85\x01\x00", 3,
								  &err), RT_EPROTO);
			assert_int_equal(rt_ecka_dp_check_receipt(&w.dp, (const uint8_t *)"\x86\x02\x00\x00", 4,
								  &err), RT_EPROTO);
			rt_buf_free(&r);
		}
		rt_ec_key_free(other);
		rt_buf_free(&m);
		rt_buf_free(&b);
		rt_buf_free(&epk);
		world_close(&w);
	}
}

static void expect_card_cert(struct world *w, const uint8_t *d, size_t n,
			     enum rt_ecka_status want, enum rt_gpcert_status cst, const char *msg)
{
	struct rt_buf r;
	struct rt_err err = {0};

	rt_buf_init(&r, 256);
	if (rt_ecka_card_cert(&w->card, d, n, NULL, 0, &r, &err) == 0)
		fail_msg("card accepted the certificate (want %s)", rt_ecka_status_name(want));
	if (w->card.status != want || (want == RT_ECKA_CERT && w->card.cert_status != cst))
		fail_msg("status %s/%s (%s), want %s/%s", rt_ecka_status_name(w->card.status),
			 rt_gpcert_status_name(w->card.cert_status), err.msg,
			 rt_ecka_status_name(want), rt_gpcert_status_name(cst));
	if (msg && !strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
	assert_int_equal(r.len, 0);
	assert_int_equal(w->card.step, 0);
	rt_buf_free(&r);
}

static void test_card_cert_negative(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct world w;
		struct rt_buf m;
		struct rt_err err = {0};

		/* wrong CI: the card holds ci2's key (and id) */
		world_open(&w, k_curves[i], "smdp");
		rt_buf_init(&m, 4096);
		assert_int_equal(rt_ecka_dp_cert_data(&w.dp, &m, &err), 0);
		w.card.pk_ci = w.ci2;
		expect_card_cert(&w, m.data, m.len, RT_ECKA_CERT, RT_GPCERT_BAD_SIGNATURE, NULL);
		w.card.pk_ci = w.ci;
		/* expired / not yet valid */
		w.card.opts.date = 20500101;
		expect_card_cert(&w, m.data, m.len, RT_ECKA_CERT, RT_GPCERT_EXPIRED, "expired");
		w.card.opts.date = 20231231;
		expect_card_cert(&w, m.data, m.len, RT_ECKA_CERT, RT_GPCERT_NOT_YET_VALID, NULL);
		w.card.opts.date = 20300101;
		/* wrong usage expected */
		w.card.opts.dp_key_usage = 0x82;
		expect_card_cert(&w, m.data, m.len, RT_ECKA_CERT, RT_GPCERT_WRONG_USAGE, "key usage");
		w.card.opts.dp_key_usage = 0x88;
		/* bad certificate signature */
		m.data[m.len - 1] ^= 1;
		expect_card_cert(&w, m.data, m.len, RT_ECKA_CERT, RT_GPCERT_BAD_SIGNATURE, NULL);
		m.data[m.len - 1] ^= 1;
		/* truncated 7F21 (DGI length adjusted) and wrong DGI */
		m.data[2] -= 1;
		expect_card_cert(&w, m.data, m.len - 1, RT_ECKA_MALFORMED, RT_GPCERT_MALFORMED, NULL);
		m.data[2] += 1;
		m.data[1] = 0x02;
		expect_card_cert(&w, m.data, m.len, RT_ECKA_MALFORMED, RT_GPCERT_MALFORMED, "3A01 expected");
		m.data[1] = 0x01;
		expect_card_cert(&w, m.data, m.len - 1, RT_ECKA_MALFORMED, RT_GPCERT_MALFORMED, "length");
		/* the genuine one goes through; a second one is out of sequence */
		{
			struct rt_buf r;

			rt_buf_init(&r, 64);
			assert_int_equal(rt_ecka_card_cert(&w.card, m.data, m.len, NULL, 0, &r, &err), 0);
			rt_buf_reset(&r);
			assert_int_equal(rt_ecka_card_cert(&w.card, m.data, m.len, NULL, 0, &r, &err),
					 RT_ESTATE);
			assert_int_equal(w.card.status, RT_ECKA_WRONG_STATE);
			rt_buf_free(&r);
		}
		rt_buf_free(&m);
		world_close(&w);

		/* an SM-SR certificate is not an SM-DP certificate (C8 = 02) */
		world_open(&w, k_curves[i], "smsr");
		rt_buf_init(&m, 4096);
		assert_int_equal(rt_ecka_dp_cert_data(&w.dp, &m, &err), 0);
		expect_card_cert(&w, m.data, m.len, RT_ECKA_CERT, RT_GPCERT_WRONG_TYPE, "C8");
		/* ... but it is what the ISD-R expects for EstablishISDRKeySet */
		w.card.opts.dp_cert_type = 0x02;
		rt_buf_free(&m);
		full_run(&w);
		world_close(&w);

		/* a certificate from another CI, card checks the CA identifier */
		world_open(&w, k_curves[i], "smdp-ci2");
		rt_buf_init(&m, 4096);
		assert_int_equal(rt_ecka_dp_cert_data(&w.dp, &m, &err), 0);
		expect_card_cert(&w, m.data, m.len, RT_ECKA_CERT, RT_GPCERT_WRONG_ISSUER, "CA identifier");
		rt_buf_free(&m);
		world_close(&w);
	}
}

/* Options where the sources disagree: mismatched sides fail where they should. */
static void test_option_mismatch(void **state)
{
	struct world w;
	struct rt_buf m, r;
	struct rt_err err = {0};

	(void)state;
	world_open(&w, "p256", "smdp");
	w.dp.opts.receipt_pad = RT_ECKA_RECEIPT_PAD80; /* card stays PLAIN */
	step_cert(&w);
	rt_buf_init(&m, 4096);
	rt_buf_init(&r, 256);
	assert_int_equal(rt_ecka_dp_key_data(&w.dp, &m, &err), 0);
	assert_int_equal(rt_ecka_card_keys(&w.card, m.data, m.len, NULL, 0, &r, &err), 0);
	assert_int_equal(rt_ecka_dp_check_receipt(&w.dp, r.data, r.len, &err), RT_ECRYPTO);
	assert_int_equal(w.dp.status, RT_ECKA_BAD_RECEIPT);
	/* keys agree nonetheless: only the receipt rule differs */
	assert_memory_equal(w.dp.keys.enc, w.card.keys.enc, 16);
	rt_buf_free(&m);
	rt_buf_free(&r);
	world_close(&w);

	/* DR asked, card answers with a fixed DR; the SM-DP refuses a response without it */
	world_open(&w, "bp256", "smdp");
	w.dp.prm.scenario_params = 0x0B;
	step_cert(&w);
	rt_buf_init(&m, 4096);
	rt_buf_init(&r, 256);
	assert_int_equal(rt_ecka_dp_key_data(&w.dp, &m, &err), 0);
	assert_int_equal(rt_ecka_card_keys(&w.card, m.data, m.len, (const uint8_t *)"DDDDDDDDDDDDDDDD",
					   16, &r, &err), 0);
	assert_int_equal(r.data[0], 0x85);
	assert_memory_equal(r.data + 2, "DDDDDDDDDDDDDDDD", 16);
	assert_int_equal(rt_ecka_dp_check_receipt(&w.dp, r.data + 18, r.len - 18, &err), RT_EPROTO);
	assert_int_equal(rt_ecka_dp_check_receipt(&w.dp, r.data, r.len, &err), 0);
	rt_buf_free(&m);
	rt_buf_free(&r);
	world_close(&w);
}

static void test_dgi(void **state)
{
	struct rt_buf b;
	struct rt_err err = {0};
	uint8_t big[300];
	const uint8_t *v;
	size_t vl, used;

	(void)state;
	memset(big, 0xAB, sizeof(big));
	rt_buf_init(&b, 1024);
	assert_int_equal(rt_ecka_dgi_put(&b, 0x3A01, big, 0xFE, &err), 0);
	assert_int_equal(b.data[2], 0xFE);
	assert_int_equal(b.len, 0xFE + 3);
	rt_buf_reset(&b);
	assert_int_equal(rt_ecka_dgi_put(&b, 0x3A01, big, 0xFF, &err), 0);
	assert_int_equal(b.data[2], 0xFF);
	assert_int_equal(b.data[3], 0x00);
	assert_int_equal(b.data[4], 0xFF);
	assert_int_equal(rt_ecka_dgi_get(b.data, b.len, 0x3A01, &v, &vl, &used, &err), 0);
	assert_int_equal(vl, 0xFF);
	assert_int_equal(used, b.len);
	assert_int_equal(rt_ecka_dgi_get(b.data, 4, 0x3A01, &v, &vl, &used, &err), RT_EPROTO);
	rt_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a6_default),
		cmocka_unit_test(test_a6_negative),
		cmocka_unit_test(test_dgi),
		cmocka_unit_test(test_full_default),
		cmocka_unit_test(test_full_variants),
		cmocka_unit_test(test_card_keys_negative),
		cmocka_unit_test(test_card_cert_negative),
		cmocka_unit_test(test_option_mismatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
