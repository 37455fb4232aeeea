/* SPDX-License-Identifier: Apache-2.0 */
/* test_scp03 — SCP03 host <-> card sessions (harness/scp/rt_scp03): every security level
 * (00 01 03 11 13 31 33) in S8 and S16 with AES-128/192/256, many commands of the four
 * cases and extended length (commands without data move the counter too), responses with
 * success, warning and error SWs; then the negative cases: wrong card cryptogram, wrong
 * host cryptogram, corrupted C-MAC, corrupted R-MAC, bad padding after decryption, a
 * replayed command, an error SW without R-MAC, counters running out, SL not offered,
 * unknown KVN, calls out of order; DEK key wrapping and the KDF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codec/rt_apdu.h"
#include "scp/rt_scp03.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void fill(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd();
}

static const uint8_t AID[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
			       0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00 };

static void make_keys(struct rt_scp03_keys *k, size_t len, uint8_t kvn)
{
	memset(k, 0, sizeof(*k));
	k->len = len;
	k->kvn = kvn;
	fill(k->enc, len);
	fill(k->mac, len);
	fill(k->dek, len);
}

#define CHECK(expr)                                                                        \
	do {                                                                               \
		int rc_ = (expr);                                                          \
		if (rc_)                                                                   \
			fail_msg("%s: %s (%s)", #expr, err.msg, rt_err_name(rc_));         \
	} while (0)

/* INITIALIZE UPDATE + EXTERNAL AUTHENTICATE between host and card. */
static void open_pair(struct rt_scp03 *host, struct rt_scp03 *card, size_t keylen, size_t s,
		      uint8_t i, uint8_t sl, uint8_t channel)
{
	struct rt_scp03_keys k;
	struct rt_err err = {0};
	uint8_t hc[16], cmd[64], rsp[64], rnd16[16];
	size_t n, rn;
	uint16_t sw;

	make_keys(&k, keylen, 0x30);
	fill(hc, sizeof(hc));
	fill(rnd16, sizeof(rnd16));
	if (s == 16)
		i |= RT_SCP03_I_S16;
	CHECK(rt_scp03_host_init(host, &k, NULL, &err));
	CHECK(rt_scp03_card_init(card, &k, i, AID, sizeof(AID), 0x41, NULL, NULL, &err));
	CHECK(rt_scp03_host_iu(host, channel, hc, s, cmd, sizeof(cmd), &n, &err));
	CHECK(rt_scp03_card_iu(card, cmd, n, (i & RT_SCP03_I_PSEUDO) ? NULL : rnd16, rsp,
			       sizeof(rsp), &rn, &sw, &err));
	assert_int_equal(sw, 0x9000);
	assert_int_equal(rn, 10 + 3 + 2 * s + ((i & RT_SCP03_I_PSEUDO) ? 3 : 0) + 2);
	CHECK(rt_scp03_host_iu_response(host, rsp, rn, &err));
	CHECK(rt_scp03_host_ext_auth(host, sl, cmd, sizeof(cmd), &n, &err));
	assert_int_equal(n, 5 + 2 * s);
	CHECK(rt_scp03_card_ext_auth(card, cmd, n, &sw, &err));
	assert_int_equal(sw, 0x9000);
	assert_int_equal(card->state, RT_SCP03_ST_OPEN);
	memset(&k, 0, sizeof(k));
}

/* One random command and response through both sides; returns nothing, fails on error. */
static void exchange(struct rt_scp03 *host, struct rt_scp03 *card, int extended)
{
	static uint8_t plain[2048], wrapped[2100], seen[2100], data[600], rsp[700], back[700];
	static const uint16_t sws[] = { 0x9000, 0x9000, 0x6310, 0x6200, 0x6A82, 0x6985 };
	struct rt_err err = {0};
	size_t lc = 0, n, wn, sn, dl, rn, bn, maxlc;
	uint8_t cla = (uint8_t)(0x80 | (host->channel < 4 ? host->channel : 0));
	int kase = (int)(rnd() % 4) + 1, has_le = (kase == 2 || kase == 4);
	uint16_t sw = sws[rnd() % 6], got_sw, card_sw;

	if (host->channel >= 4)
		cla = (uint8_t)(0xC0 | (host->channel - 4));
	maxlc = extended ? 1500 : 255 - 16 - host->s;
	if (kase >= 3)
		lc = 1 + rnd() % maxlc;
	fill(data, sizeof(data));
	{
		uint8_t body[1600];

		fill(body, lc);
		if (rt_capdu_build_ex(cla, (uint8_t)(0xE2 + rnd() % 4), (uint8_t)rnd(),
				      (uint8_t)rnd(), body, lc, has_le, has_le ? 1 + rnd() % 200 : 0,
				      extended ? RT_CAPDU_F_EXTENDED : 0, plain, sizeof(plain), &n,
				      &err))
			fail_msg("build: %s", err.msg);
	}
	CHECK(rt_scp03_host_wrap(host, plain, n, wrapped, sizeof(wrapped), &wn, &err));
	CHECK(rt_scp03_card_unwrap(card, wrapped, wn, seen, sizeof(seen), &sn, &card_sw, &err));
	/* Le became 00 on the wire (opts.le_rule): compare all but Le. */
	{
		struct rt_capdu a, b;

		assert_int_equal(rt_capdu_parse(plain, n, &a, &err), 0);
		assert_int_equal(rt_capdu_parse(seen, sn, &b, &err), 0);
		assert_int_equal(a.cla, b.cla);
		assert_int_equal(a.ins, b.ins);
		assert_int_equal(a.p1, b.p1);
		assert_int_equal(a.p2, b.p2);
		assert_int_equal(a.lc, b.lc);
		assert_int_equal(a.has_le, b.has_le);
		if (a.lc)
			assert_memory_equal(a.data, b.data, a.lc);
		if ((host->sl & RT_SCP03_SL_CMAC) && a.has_le)
			assert_int_equal(b.le, extended ? 65536 : 256);
	}
	dl = rnd() % 3 == 0 ? 0 : rnd() % 400;
	CHECK(rt_scp03_card_wrap(card, data, dl, sw, rsp, sizeof(rsp), &rn, &err));
	CHECK(rt_scp03_host_unwrap(host, rsp, rn, back, sizeof(back), &bn, &got_sw, &err));
	assert_int_equal(got_sw, sw);
	if (!(host->sl & RT_SCP03_SL_RMAC) || rt_scp03_sw_protected(sw)) {
		assert_int_equal(bn, dl);
		if (dl)
			assert_memory_equal(back, data, dl);
	} else {
		assert_int_equal(rn, 2); /* error SW alone, no R-MAC */
		assert_int_equal(bn, 0);
	}
	if ((host->sl & RT_SCP03_SL_RENC) && dl && rt_scp03_sw_protected(sw))
		assert_memory_not_equal(rsp, data, dl < 16 ? dl : 16);
}

static void test_all_levels(void **state)
{
	static const uint8_t sls[] = { 0x00, 0x01, 0x03, 0x11, 0x13, 0x31, 0x33 };
	static const size_t keylens[] = { 16, 24, 32 };
	struct rt_scp03 host, card;
	size_t a, b, c;
	int k, sessions = 0, cmds = 0;

	(void)state;
	for (a = 0; a < sizeof(sls); a++)
		for (b = 0; b < 3; b++)
			for (c = 8; c <= 16; c += 8) {
				uint8_t ch = (uint8_t)(sessions % 7 == 3 ? 2 : sessions % 11 == 5 ? 6 : 0);

				open_pair(&host, &card, keylens[b], c, 0x70, sls[a], ch);
				for (k = 0; k < 40; k++, cmds++)
					exchange(&host, &card, k % 10 == 9);
				/* the counter moved for every command, with or without data */
				assert_int_equal(host.counter, 40);
				assert_int_equal(card.counter, 40);
				rt_scp03_clear(&host);
				rt_scp03_clear(&card);
				sessions++;
			}
	print_message("%d sessions, %d commands\n", sessions, cmds);
}

static void test_challenges(void **state)
{
	struct rt_scp03_keys k;
	struct rt_scp03 host, card;
	struct rt_err err = {0};
	uint8_t hc[8] = {1, 2, 3, 4, 5, 6, 7, 8}, cmd[64], rsp[64], cc[8], rnd8[8];
	size_t n, rn, round;
	uint16_t sw;

	(void)state;
	make_keys(&k, 16, 0x30);
	/* i = 70: pseudo-random challenge from the incremented counter and the AID */
	CHECK(rt_scp03_card_init(&card, &k, 0x70, AID, sizeof(AID), 7, NULL, NULL, &err));
	CHECK(rt_scp03_host_init(&host, &k, NULL, &err));
	for (round = 1; round <= 3; round++) {
		CHECK(rt_scp03_host_iu(&host, 0, hc, 8, cmd, sizeof(cmd), &n, &err));
		CHECK(rt_scp03_card_iu(&card, cmd, n, NULL, rsp, sizeof(rsp), &rn, &sw, &err));
		assert_int_equal(rn, 34);
		CHECK(rt_scp03_host_iu_response(&host, rsp, rn, &err));
		assert_int_equal(host.seq, 7 + round);
		CHECK(rt_scp03_card_challenge(k.enc, 16, host.seq, AID, sizeof(AID), 8, cc, &err));
		assert_memory_equal(cc, rsp + 13, 8);
	}
	/* i = 60: random challenge, 29-byte response, no counter */
	fill(rnd8, 8);
	CHECK(rt_scp03_card_init(&card, &k, 0x60, NULL, 0, 0, NULL, NULL, &err));
	CHECK(rt_scp03_host_iu(&host, 0, hc, 8, cmd, sizeof(cmd), &n, &err));
	assert_int_equal(rt_scp03_card_iu(&card, cmd, n, NULL, rsp, sizeof(rsp), &rn, &sw, &err),
			 RT_EINVAL);
	CHECK(rt_scp03_card_iu(&card, cmd, n, rnd8, rsp, sizeof(rsp), &rn, &sw, &err));
	assert_int_equal(rn, 31);
	assert_memory_equal(rsp + 13, rnd8, 8);
	CHECK(rt_scp03_host_iu_response(&host, rsp, rn, &err));
	assert_int_equal(host.has_seq, 0);
	/* the INC_AFTER option uses the stored counter first */
	{
		struct rt_scp03_opts o = { .seq_rule = RT_SCP03_SEQ_INC_AFTER };

		CHECK(rt_scp03_card_init(&card, &k, 0x70, AID, sizeof(AID), 7, NULL, &o, &err));
		CHECK(rt_scp03_host_iu(&host, 0, hc, 8, cmd, sizeof(cmd), &n, &err));
		CHECK(rt_scp03_card_iu(&card, cmd, n, NULL, rsp, sizeof(rsp), &rn, &sw, &err));
		assert_int_equal(rsp[31], 7);
		assert_int_equal(card.seq, 8);
	}
	/* sequence counter exhausted */
	CHECK(rt_scp03_card_init(&card, &k, 0x70, AID, sizeof(AID), 0xFFFFFF, NULL, NULL, &err));
	assert_int_equal(rt_scp03_card_iu(&card, cmd, n, NULL, rsp, sizeof(rsp), &rn, &sw, &err),
			 RT_ERANGE);
	/* unknown KVN */
	CHECK(rt_scp03_card_init(&card, &k, 0x70, AID, sizeof(AID), 0, NULL, NULL, &err));
	cmd[2] = 0x31;
	assert_int_equal(rt_scp03_card_iu(&card, cmd, n, NULL, rsp, sizeof(rsp), &rn, &sw, &err),
			 RT_ENOENT);
	assert_int_equal(sw, 0x6A88);
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);
}

static void test_wrong_cryptograms(void **state)
{
	struct rt_scp03_keys k;
	struct rt_scp03 host, card;
	struct rt_err err = {0};
	uint8_t hc[8] = {0}, cmd[64], rsp[64];
	size_t n, rn;
	uint16_t sw;

	(void)state;
	make_keys(&k, 16, 0x30);
	CHECK(rt_scp03_host_init(&host, &k, NULL, &err));
	CHECK(rt_scp03_card_init(&card, &k, 0x70, AID, sizeof(AID), 0, NULL, NULL, &err));
	/* wrong card cryptogram */
	CHECK(rt_scp03_host_iu(&host, 0, hc, 8, cmd, sizeof(cmd), &n, &err));
	CHECK(rt_scp03_card_iu(&card, cmd, n, NULL, rsp, sizeof(rsp), &rn, &sw, &err));
	rsp[21] ^= 0x01;
	assert_int_equal(rt_scp03_host_iu_response(&host, rsp, rn, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "card cryptogram"));
	assert_int_equal(host.state, RT_SCP03_ST_CLOSED);
	assert_int_equal(rt_scp03_host_ext_auth(&host, 0x33, cmd, sizeof(cmd), &n, &err),
			 RT_ESTATE);
	/* wrong host cryptogram */
	CHECK(rt_scp03_host_iu(&host, 0, hc, 8, cmd, sizeof(cmd), &n, &err));
	CHECK(rt_scp03_card_iu(&card, cmd, n, NULL, rsp, sizeof(rsp), &rn, &sw, &err));
	CHECK(rt_scp03_host_iu_response(&host, rsp, rn, &err));
	CHECK(rt_scp03_host_ext_auth(&host, 0x33, cmd, sizeof(cmd), &n, &err));
	cmd[6] ^= 0x80;
	assert_int_equal(rt_scp03_card_ext_auth(&card, cmd, n, &sw, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "host cryptogram"));
	assert_int_equal(sw, 0x6982);
	/* corrupted EXTERNAL AUTHENTICATE MAC */
	CHECK(rt_scp03_host_iu(&host, 0, hc, 8, cmd, sizeof(cmd), &n, &err));
	CHECK(rt_scp03_card_iu(&card, cmd, n, NULL, rsp, sizeof(rsp), &rn, &sw, &err));
	CHECK(rt_scp03_host_iu_response(&host, rsp, rn, &err));
	CHECK(rt_scp03_host_ext_auth(&host, 0x33, cmd, sizeof(cmd), &n, &err));
	cmd[n - 1] ^= 0x01;
	assert_int_equal(rt_scp03_card_ext_auth(&card, cmd, n, &sw, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "C-MAC of EXTERNAL AUTHENTICATE"));
	/* EXTERNAL AUTHENTICATE without INITIALIZE UPDATE */
	assert_int_equal(rt_scp03_card_ext_auth(&card, cmd, n, &sw, &err), RT_ESTATE);
	/* SL the card does not offer (i = 10: no R-MAC) */
	CHECK(rt_scp03_card_init(&card, &k, 0x10, AID, sizeof(AID), 0, NULL, NULL, &err));
	CHECK(rt_scp03_host_iu(&host, 0, hc, 8, cmd, sizeof(cmd), &n, &err));
	CHECK(rt_scp03_card_iu(&card, cmd, n, NULL, rsp, sizeof(rsp), &rn, &sw, &err));
	CHECK(rt_scp03_host_iu_response(&host, rsp, rn, &err));
	assert_int_equal(rt_scp03_host_ext_auth(&host, 0x33, cmd, sizeof(cmd), &n, &err),
			 RT_ENOTSUP);
	assert_int_equal(rt_scp03_host_ext_auth(&host, 0x05, cmd, sizeof(cmd), &n, &err),
			 RT_EINVAL);
	/* response answering with an error SW */
	CHECK(rt_scp03_host_iu(&host, 0, hc, 8, cmd, sizeof(cmd), &n, &err));
	assert_int_equal(rt_scp03_host_iu_response(&host, (const uint8_t *)"\x6A\x88", 2, &err),
			 RT_EPROTO);
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);
}

static void test_mac_errors(void **state)
{
	static const uint8_t cmd1[] = { 0x80, 0xE2, 0x91, 0x00, 0x03, 0x01, 0x02, 0x03, 0x00 };
	struct rt_scp03 host, card;
	struct rt_err err = {0};
	uint8_t w[64], w2[64], p[64], r[64];
	size_t wn, w2n, pn, rn;
	uint16_t sw;

	(void)state;
	/* corrupted C-MAC closes the card session */
	open_pair(&host, &card, 16, 8, 0x70, 0x33, 0);
	CHECK(rt_scp03_host_wrap(&host, cmd1, sizeof(cmd1), w, sizeof(w), &wn, &err));
	w[wn - 2] ^= 0x04;
	assert_int_equal(rt_scp03_card_unwrap(&card, w, wn, p, sizeof(p), &pn, &sw, &err),
			 RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "C-MAC mismatch"));
	assert_int_equal(sw, 0x6982);
	assert_int_equal(card.state, RT_SCP03_ST_CLOSED);
	assert_int_equal(rt_scp03_card_unwrap(&card, w, wn, p, sizeof(p), &pn, &sw, &err),
			 RT_ESTATE);
	assert_int_equal(rt_scp03_card_wrap(&card, NULL, 0, 0x9000, r, sizeof(r), &rn, &err),
			 RT_ESTATE);
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);

	/* replayed command: the chain has moved on */
	open_pair(&host, &card, 16, 8, 0x70, 0x33, 0);
	CHECK(rt_scp03_host_wrap(&host, cmd1, sizeof(cmd1), w, sizeof(w), &wn, &err));
	CHECK(rt_scp03_card_unwrap(&card, w, wn, p, sizeof(p), &pn, &sw, &err));
	CHECK(rt_scp03_card_wrap(&card, NULL, 0, 0x9000, r, sizeof(r), &rn, &err));
	assert_int_equal(rt_scp03_card_unwrap(&card, w, wn, p, sizeof(p), &pn, &sw, &err),
			 RT_ECRYPTO);
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);

	/* commands out of order (second one skipped) */
	open_pair(&host, &card, 16, 8, 0x70, 0x33, 0);
	CHECK(rt_scp03_host_wrap(&host, cmd1, sizeof(cmd1), w, sizeof(w), &wn, &err));
	CHECK(rt_scp03_host_wrap(&host, cmd1, sizeof(cmd1), w2, sizeof(w2), &w2n, &err));
	assert_int_equal(rt_scp03_card_unwrap(&card, w2, w2n, p, sizeof(p), &pn, &sw, &err),
			 RT_ECRYPTO);
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);

	/* command without SM at SL 01 */
	open_pair(&host, &card, 16, 8, 0x70, 0x01, 0);
	assert_int_equal(rt_scp03_card_unwrap(&card, cmd1, sizeof(cmd1), p, sizeof(p), &pn, &sw,
					      &err),
			 RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "C-MAC missing"));
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);

	/* corrupted R-MAC */
	open_pair(&host, &card, 16, 8, 0x70, 0x11, 0);
	CHECK(rt_scp03_host_wrap(&host, cmd1, sizeof(cmd1), w, sizeof(w), &wn, &err));
	CHECK(rt_scp03_card_unwrap(&card, w, wn, p, sizeof(p), &pn, &sw, &err));
	CHECK(rt_scp03_card_wrap(&card, (const uint8_t *)"\x5A\x01\x02", 3, 0x9000, r, sizeof(r),
				 &rn, &err));
	assert_int_equal(rn, 3 + 8 + 2);
	r[5] ^= 0x10;
	assert_int_equal(rt_scp03_host_unwrap(&host, r, rn, p, sizeof(p), &pn, &sw, &err),
			 RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "R-MAC mismatch"));
	assert_int_equal(host.state, RT_SCP03_ST_CLOSED);
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);

	/* error SW: no R-MAC; the same error SW with data is refused by the host */
	open_pair(&host, &card, 16, 8, 0x70, 0x33, 0);
	CHECK(rt_scp03_host_wrap(&host, cmd1, sizeof(cmd1), w, sizeof(w), &wn, &err));
	CHECK(rt_scp03_card_unwrap(&card, w, wn, p, sizeof(p), &pn, &sw, &err));
	CHECK(rt_scp03_card_wrap(&card, (const uint8_t *)"\x01\x02", 2, 0x6A82, r, sizeof(r), &rn,
				 &err));
	assert_int_equal(rn, 2);
	assert_memory_equal(r, "\x6A\x82", 2);
	CHECK(rt_scp03_host_unwrap(&host, r, rn, p, sizeof(p), &pn, &sw, &err));
	assert_int_equal(sw, 0x6A82);
	assert_int_equal(pn, 0);
	assert_int_equal(rt_scp03_host_unwrap(&host, (const uint8_t *)"\x01\x6A\x82", 3, p,
					      sizeof(p), &pn, &sw, &err),
			 RT_EPROTO);
	/* a success SW without room for the R-MAC */
	assert_int_equal(rt_scp03_host_unwrap(&host, (const uint8_t *)"\x01\x90\x00", 3, p,
					      sizeof(p), &pn, &sw, &err),
			 RT_EPROTO);
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);
}

static void test_bad_padding(void **state)
{
	struct rt_scp03 host, card;
	struct rt_err err = {0};
	uint8_t zero[16] = {0}, ct[48], apdu[64], mac[16], p[64], hdr[5];
	size_t ctn, pn;
	uint16_t sw;

	(void)state;
	open_pair(&host, &card, 16, 8, 0x70, 0x03, 0);
	/* A correctly MACed command whose decrypted data has no 80 00.. padding: the
	 * first CBC block of the encryption of 16 x 00 (the padding block dropped). */
	CHECK(rt_scp03_counter_next(&host, &err));
	CHECK(rt_scp03_encrypt(&host, NULL, 0, zero, 16, ct, sizeof(ct), &ctn, &err));
	assert_int_equal(ctn, 32);
	hdr[0] = 0x84;
	hdr[1] = 0xE2;
	hdr[2] = 0x80;
	hdr[3] = 0x00;
	hdr[4] = 16 + 8;
	CHECK(rt_scp03_cmac_chain(&host, NULL, hdr, 5, ct, 16, mac, &err));
	memcpy(apdu, hdr, 5);
	memcpy(apdu + 5, ct, 16);
	memcpy(apdu + 21, mac, 8);
	assert_int_equal(rt_scp03_card_unwrap(&card, apdu, 29, p, sizeof(p), &pn, &sw, &err),
			 RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "padding"));
	assert_int_equal(card.state, RT_SCP03_ST_CLOSED);
	/* encrypted data not a multiple of 16 with a good MAC */
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);
	open_pair(&host, &card, 16, 8, 0x70, 0x03, 0);
	CHECK(rt_scp03_counter_next(&host, &err));
	hdr[4] = 5 + 8;
	CHECK(rt_scp03_cmac_chain(&host, NULL, hdr, 5, zero, 5, mac, &err));
	memcpy(apdu, hdr, 5);
	memcpy(apdu + 5, zero, 5);
	memcpy(apdu + 10, mac, 8);
	assert_int_equal(rt_scp03_card_unwrap(&card, apdu, 18, p, sizeof(p), &pn, &sw, &err),
			 RT_ECRYPTO);
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);
}

static void test_counter_overflow(void **state)
{
	static const uint8_t cmd1[] = { 0x80, 0xF2, 0x20, 0x02 };
	struct rt_scp03 host, card;
	struct rt_err err = {0};
	uint8_t w[64], p[64];
	size_t wn, pn;
	uint16_t sw;

	(void)state;
	open_pair(&host, &card, 16, 8, 0x70, 0x03, 0);
	host.opts.counter_max = 2;
	CHECK(rt_scp03_host_wrap(&host, cmd1, sizeof(cmd1), w, sizeof(w), &wn, &err));
	CHECK(rt_scp03_host_wrap(&host, cmd1, sizeof(cmd1), w, sizeof(w), &wn, &err));
	assert_int_equal(rt_scp03_host_wrap(&host, cmd1, sizeof(cmd1), w, sizeof(w), &wn, &err),
			 RT_ERANGE);
	/* card side at the very end of the 64-bit counter */
	card.counter = UINT64_MAX - 1;
	assert_int_equal(rt_scp03_card_unwrap(&card, w, wn, p, sizeof(p), &pn, &sw, &err),
			 RT_ERANGE);
	assert_int_equal(card.state, RT_SCP03_ST_CLOSED);
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);
}

static void test_short_overflow(void **state)
{
	struct rt_scp03 host, card;
	struct rt_err err = {0};
	uint8_t plain[300], w[400];
	size_t n, wn;

	(void)state;
	open_pair(&host, &card, 16, 8, 0x70, 0x33, 0);
	memset(plain, 0x11, sizeof(plain));
	/* 240 bytes pad to 256: no longer a short APDU */
	assert_int_equal(rt_capdu_build(0x80, 0xE2, 0, 0, plain, 240, 0, 0, w, sizeof(w), &n,
					&err),
			 0);
	memcpy(plain, w, n);
	assert_int_equal(rt_scp03_host_wrap(&host, plain, n, w, sizeof(w), &wn, &err), RT_ERANGE);
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);
}

static void test_dek(void **state)
{
	struct rt_err err = {0};
	uint8_t dek[32], key[64], kcb[96], back[64];
	size_t keylen, n, bn, dl;
	int pad;

	(void)state;
	for (dl = 16; dl <= 32; dl += 8) {
		fill(dek, dl);
		for (pad = 0; pad < 2; pad++)
			for (keylen = 1; keylen <= 48; keylen++) {
				fill(key, keylen);
				CHECK(rt_scp03_dek_wrap(dek, dl, (enum rt_scp03_dek_pad)pad, key,
							keylen, kcb, sizeof(kcb), &n, &err));
				if (keylen % 16) {
					/* Table 11-70: clear length, then whole blocks */
					assert_int_equal(kcb[0], keylen);
					assert_int_equal((n - 1) % 16, 0);
					assert_int_equal(n - 1, keylen + 16 - keylen % 16);
				} else {
					assert_int_equal(n, keylen);
				}
				CHECK(rt_scp03_dek_unwrap(dek, dl, kcb, n, back, sizeof(back), &bn,
							  &err));
				assert_int_equal(bn, keylen);
				assert_memory_equal(back, key, keylen);
			}
	}
	assert_int_equal(rt_scp03_dek_unwrap(dek, 16, (const uint8_t *)"\x20\x00", 2, back,
					     sizeof(back), &bn, &err),
			 RT_EPROTO);
}

static void test_kdf(void **state)
{
	struct rt_err err = {0};
	uint8_t key[16] = {0}, a[40], b[16], ctx[16] = {0};

	(void)state;
	/* Longer outputs start with a different L, so they are not prefixes of shorter ones;
	 * blocks 2.. only differ in i. Check bounds and lengths. */
	CHECK(rt_scp03_kdf(key, 16, 0x04, ctx, 16, a, 40, &err));
	CHECK(rt_scp03_kdf(key, 16, 0x04, ctx, 16, b, 16, &err));
	assert_memory_not_equal(a, b, 16);
	assert_int_equal(rt_scp03_kdf(key, 16, 0x04, ctx, 16, a, 0, &err), RT_EINVAL);
	assert_int_equal(rt_scp03_kdf(key, 15, 0x04, ctx, 16, a, 16, &err) != 0, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_levels),   cmocka_unit_test(test_challenges),
		cmocka_unit_test(test_wrong_cryptograms), cmocka_unit_test(test_mac_errors),
		cmocka_unit_test(test_bad_padding),  cmocka_unit_test(test_counter_overflow),
		cmocka_unit_test(test_short_overflow), cmocka_unit_test(test_dek),
		cmocka_unit_test(test_kdf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
