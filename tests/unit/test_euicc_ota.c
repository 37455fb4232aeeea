/* SPDX-License-Identifier: Apache-2.0 */
/* test_euicc_ota — the reference eUICC's OTA and toolkit parts (roles/euicc/rt_euicc_ota.c,
 * rt_euicc_cat.c) through its struct rt_icc, with the sending entity of scp/rt_scp80 and
 * codec/rt_sms playing the SM-SR and the network.
 *
 * Covers: SMS-PP DOWNLOAD with expanded (AA, AE) and compact scripts to the ISD-R and to
 * an ISD-P TAR, PoR in the ENVELOPE response and by SEND SHORT MESSAGE (FETCH, Le/6Cxx,
 * TERMINAL RESPONSE success / temporary problem / wrong details), every SCP80 refusal
 * status the card produces (01 02 04 06 09 0A), concatenation in both IE orders and in
 * reverse arrival, malformed ENVELOPE / TPDU / UDH / packet, counter persistence, the
 * fault knobs no_por, por_bad_cc and accept_replay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/rt_ctlv.h"
#include "codec/rt_sms.h"
#include "roles/euicc/rt_euicc_int.h"
#include "roles/euicc/rt_euicc_ota.h"
#include "scp/rt_scp80.h"
#include "util/rt_buf.h"
#include "util/rt_hex.h"

struct t_card {
	struct rt_euicc *card;
	struct rt_icc icc;
	uint8_t r[1024];
	size_t rlen;
	uint16_t sw;
	uint64_t cntr;
};

static struct t_card *t_open(unsigned faults)
{
	struct rt_euicc_config cfg;
	struct t_card *t = calloc(1, sizeof(*t));
	uint8_t atr[40];
	size_t alen = sizeof(atr);

	assert_non_null(t);
	rt_euicc_config_default(&cfg);
	cfg.faults = faults;
	assert_int_equal(rt_euicc_new(&cfg, &t->card, NULL), 0);
	rt_euicc_icc(t->card, &t->icc);
	assert_int_equal(t->icc.ops->reset(t->icc.card, atr, &alen), 0);
	t->cntr = 0x100;
	return t;
}

static void t_close(struct t_card *t)
{
	rt_euicc_free(t->card);
	free(t);
}

/* Sends one APDU; t->r/rlen receive the response data, t->sw the status. */
static uint16_t t_send(struct t_card *t, const uint8_t *c, size_t n)
{
	uint8_t out[1100];
	size_t olen = sizeof(out);

	assert_int_equal(t->icc.ops->process(t->icc.card, c, n, out, &olen), 0);
	assert_true(olen >= 2);
	t->rlen = olen - 2;
	memcpy(t->r, out, t->rlen);
	t->sw = (uint16_t)(out[olen - 2] << 8 | out[olen - 1]);
	return t->sw;
}

static uint16_t t_hex(struct t_card *t, const char *h)
{
	uint8_t b[300];
	size_t n;

	assert_int_equal(rt_hex_decode(h, strlen(h), b, sizeof(b), &n, NULL), 0);
	return t_send(t, b, n);
}

/* The card's keys as the SM-SR holds them. */
static struct rt_scp80_key t_kic, t_kid;

static void t_sec(struct rt_scp80_sec *s, const char *spi, const uint8_t tar[3], uint64_t cntr)
{
	uint8_t sb[2];
	size_t n;
	int i;

	memset(s, 0, sizeof(*s));
	t_kic.alg = RT_SCP80_ALG_AES_CBC;
	t_kid.alg = RT_SCP80_ALG_AES_CMAC;
	t_kic.len = t_kid.len = 16;
	for (i = 0; i < 16; i++) {
		t_kic.key[i] = (uint8_t)i;
		t_kid.key[i] = (uint8_t)(0x10 + i);
	}
	assert_int_equal(rt_hex_decode(spi, strlen(spi), sb, 2, &n, NULL), 0);
	s->dialect = RT_SCP80_SMS;
	s->spi[0] = sb[0];
	s->spi[1] = sb[1];
	s->kic = 0x12;
	s->kid = 0x12;
	memcpy(s->tar, tar, 3);
	for (i = 0; i < 5; i++)
		s->cntr[i] = (uint8_t)(cntr >> (8 * (4 - i)));
	s->kic_key = &t_kic;
	s->kid_key = &t_kid;
}

static const uint8_t tar_isdr[3] = { 0x00, 0x00, 0x01 };

/* One SMS-DELIVER around ud (UDH included) in an ENVELOPE; returns the SW. */
static uint16_t t_deliver(struct t_card *t, const uint8_t *ud, size_t ud_len, uint8_t pid, int udhi)
{
	struct rt_sms_tpdu d;
	struct rt_buf tp, env;
	uint16_t sw;

	memset(&d, 0, sizeof(d));
	d.mti = RT_SMS_DELIVER;
	d.udhi = udhi;
	d.raw_ud = 1;
	d.addr.toa = 0x91;
	snprintf(d.addr.digits, sizeof(d.addr.digits), "447700900123");
	d.pid = pid;
	d.dcs = 0xF6;
	d.payload = ud;
	d.payload_len = ud_len;
	rt_buf_init(&tp, 400);
	rt_buf_init(&env, 400);
	assert_int_equal(rt_sms_tpdu_encode(&d, &tp, NULL), 0);
	assert_int_equal(rt_sms_envelope_build(tp.data, tp.len, NULL, 0, &env, NULL), 0);
	sw = t_send(t, env.data, env.len);
	rt_buf_free(&tp);
	rt_buf_free(&env);
	return sw;
}

/* Wraps script with s and sends it in one SMS. */
static uint16_t t_script(struct t_card *t, const struct rt_scp80_sec *s, const char *script_hex)
{
	uint8_t sc[600];
	size_t n;
	struct rt_buf pkt;
	uint16_t sw;

	assert_int_equal(rt_hex_decode(script_hex, strlen(script_hex), sc, sizeof(sc), &n, NULL), 0);
	rt_buf_init(&pkt, 2000);
	assert_int_equal(rt_scp80_cmd_wrap(s, sc, n, NULL, &pkt, NULL), 0);
	assert_true(pkt.len <= RT_SMS_UD_MAX);
	sw = t_deliver(t, pkt.data, pkt.len, 0x7F, 1);
	rt_buf_free(&pkt);
	return sw;
}

/* Verifies the PoR in por[0..len) (UDH first) for s; returns its status, data in out. */
static int t_por(const struct rt_scp80_sec *s, const uint8_t *por, size_t len, struct rt_buf *out,
		 uint8_t *status)
{
	struct rt_scp80_por res;
	int rc = rt_scp80_por_verify(s, por, len, NULL, &res, out, NULL);

	if (!rc)
		*status = res.status;
	return rc;
}

static void t_expect_data(const struct rt_buf *b, const char *h)
{
	uint8_t want[300];
	size_t n;

	assert_int_equal(rt_hex_decode(h, strlen(h), want, sizeof(want), &n, NULL), 0);
	assert_int_equal(b->len, n);
	assert_memory_equal(b->data, want, n);
}

/* --- scripts to the ISD-R, PoR in the ENVELOPE response ---------------------------- */

static void test_expanded_por_in_response(void **state)
{
	struct t_card *t = t_open(0);
	struct rt_scp80_sec s;
	struct rt_buf d;
	uint8_t st;

	(void)state;
	t_sec(&s, "1619", tar_isdr, 0x100);
	assert_int_equal(t_script(t, &s, "AA07 2205 80CA00E000"), 0x9000);
	assert_true(t->rlen > 3);
	rt_buf_init(&d, 1000);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	assert_int_equal(st, 0);
	/* TS 102 226 5.2.2: one command executed, its R-APDU is the bare 6A88. */
	t_expect_data(&d, "AB07 800101 23026A88");
	/* The counter was stored (TS 102 225 5.1.1). */
	assert_int_equal(t->card->st.scp80[0].cntr[3], 0x01);
	assert_int_equal(t->card->st.scp80[0].cntr[4], 0x00);
	rt_buf_free(&d);
	t_close(t);
}

static void test_indefinite_and_compact(void **state)
{
	struct t_card *t = t_open(0);
	struct rt_scp80_sec s;
	struct rt_buf d;
	uint8_t st;

	(void)state;
	rt_buf_init(&d, 1000);
	t_sec(&s, "1619", tar_isdr, 0x200);
	assert_int_equal(t_script(t, &s, "AE80 2205 80CA00E000 0000"), 0x9000);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	t_expect_data(&d, "AF80 800101 23026A88 0000");
	rt_buf_reset(&d);
	/* TS 102 226 5.1: compact format, response = count | SW | data. */
	t_sec(&s, "1619", tar_isdr, 0x201);
	assert_int_equal(t_script(t, &s, "80CA00E000"), 0x9000);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	t_expect_data(&d, "016A88");
	rt_buf_reset(&d);
	/* Stops at the first error: two commands, one executed. */
	t_sec(&s, "1619", tar_isdr, 0x202);
	assert_int_equal(t_script(t, &s, "AA0E 2205 80CA00E000 2205 80CA00E000"), 0x9000);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	t_expect_data(&d, "AB07 800101 23026A88");
	rt_buf_reset(&d);
	/* An unknown item tag: bad format 90, nothing executed. */
	t_sec(&s, "1619", tar_isdr, 0x203);
	assert_int_equal(t_script(t, &s, "AA03 A50100"), 0x9000);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	t_expect_data(&d, "AB06 800100 900101");
	rt_buf_reset(&d);
	/* An AE script without its end-of-contents. */
	t_sec(&s, "1619", tar_isdr, 0x204);
	assert_int_equal(t_script(t, &s, "AE80 2205 80CA00E000"), 0x9000);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	t_expect_data(&d, "AF80 800101 23026A88 0000");
	rt_buf_free(&d);
	t_close(t);
}

/* --- PoR by SMS-SUBMIT, FETCH / TERMINAL RESPONSE ------------------------------------ */

static void test_por_by_sms_submit(void **state)
{
	struct t_card *t = t_open(0);
	struct rt_scp80_sec s;
	struct rt_sms_tpdu sub;
	struct rt_ctlv det, tp;
	struct rt_buf d;
	uint8_t st, fetch[5] = { 0x80, 0x12, 0x00, 0x00, 0x00 }, cmd[300];
	size_t clen, h;
	uint16_t sw;

	(void)state;
	rt_buf_init(&d, 1000);
	t_sec(&s, "1639", tar_isdr, 0x300);
	sw = t_script(t, &s, "AA07 2205 80CA00E000");
	/* TS 102 221 7.4.2: the proactive command is announced with 91xx. */
	assert_int_equal(sw >> 8, 0x91);
	assert_int_equal(t->rlen, 0);
	/* A short Le gets 6Cxx; the command stays. */
	fetch[4] = (uint8_t)((sw & 0xFF) - 1);
	assert_int_equal(t_send(t, fetch, 5), 0x6C00 | (sw & 0xFF));
	fetch[4] = (uint8_t)(sw & 0xFF);
	assert_int_equal(t_send(t, fetch, 5), 0x9000);
	clen = t->rlen;
	memcpy(cmd, t->r, clen);
	assert_int_equal(cmd[0], 0xD0);
	h = cmd[1] == 0x81 ? 3 : 2;
	/* TS 102 223 6.6.9: SEND SHORT MESSAGE, UICC -> network, the SMS-SUBMIT TPDU. */
	assert_int_equal(rt_ctlv_find(cmd + h, clen - h, 0x81, RT_CTLV_F_ANY_CR, &det, NULL), 0);
	assert_int_equal(det.value[1], 0x13);
	assert_int_equal(rt_ctlv_find(cmd + h, clen - h, 0x8B, RT_CTLV_F_ANY_CR, &tp, NULL), 0);
	assert_int_equal(rt_sms_tpdu_decode(tp.value, tp.len, RT_SMS_SUBMIT, &sub, NULL), 0);
	assert_int_equal(sub.pid, 0x7F);
	assert_true(sub.udhi);
	assert_int_equal(t_por(&s, sub.ud, sub.ud_len, &d, &st), 0);
	assert_int_equal(st, 0);
	t_expect_data(&d, "AB07 800101 23026A88");
	/* TERMINAL RESPONSE, temporary problem (TS 102 223 8.12 '20'): announced again. */
	{
		char tr[80];

		snprintf(tr, sizeof(tr), "801400000C 8103%02X1300 82028281 830120", det.value[0]);
		assert_int_equal(t_hex(t, tr) >> 8, 0x91);
		assert_int_equal(t_send(t, fetch, 5), 0x9000);
		assert_int_equal(t->rlen, clen);
		assert_memory_equal(t->r, cmd, clen);
		/* Another command number is not this command's response. */
		snprintf(tr, sizeof(tr), "801400000C 8103%02X1300 82028281 830100",
			 (unsigned)(det.value[0] + 1));
		assert_int_equal(t_hex(t, tr), 0x6A80);
		snprintf(tr, sizeof(tr), "801400000C 8103%02X1300 82028281 830100", det.value[0]);
		assert_int_equal(t_hex(t, tr), 0x9000);
	}
	/* Nothing left: FETCH and TERMINAL RESPONSE are out of sequence. */
	assert_int_equal(t_send(t, fetch, 5), 0x6985);
	assert_int_equal(t_hex(t, "801400000C 8103011300 82028281 830100"), 0x6985);
	rt_buf_free(&d);
	t_close(t);
}

/* The SM-SR's side of the card's command packets (notifications): keyset 1, any TAR. */
static int t_smsr_lookup(void *ctx, const uint8_t tar[3], uint8_t kic_ks, uint8_t kid_ks,
			 struct rt_scp80_keyset *ks, struct rt_err *err)
{
	(void)ctx;
	(void)tar;
	(void)err;
	if (kic_ks != 1 || kid_ks != 1)
		return RT_ENOENT;
	memset(ks, 0, sizeof(*ks));
	ks->kic = t_kic;
	ks->kid = t_kid;
	return 0;
}

static void test_terminal_profile(void **state)
{
	struct t_card *t = t_open(0);
	uint16_t sw;

	(void)state;
	sw = t_hex(t, "8010000005FFFFFFFF1F");
	/* Whatever the ISD-R queued at attach (the eUICC declaration, SGP.02 ES5) leaves
	 * as MO SMS: an SCP80 command packet with CNTR 0 the SM-SR can open (facts §5.4). */
	while ((sw >> 8) == 0x91) {
		uint8_t fetch[5] = { 0x80, 0x12, 0x00, 0x00, (uint8_t)sw };
		struct rt_ctlv det, tp;
		struct rt_sms_tpdu sub;
		struct rt_scp80_sec dummy;
		struct rt_scp80_lookup lk = { t_smsr_lookup, NULL };
		struct rt_scp80_rx rx;
		struct rt_buf d;
		char tr[80];
		size_t h;

		t_sec(&dummy, "0000", tar_isdr, 0); /* sets the test keys */
		assert_int_equal(t_send(t, fetch, 5), 0x9000);
		h = t->r[1] == 0x81 ? 3 : 2;
		assert_int_equal(rt_ctlv_find(t->r + h, t->rlen - h, 0x81, RT_CTLV_F_ANY_CR, &det, NULL), 0);
		assert_int_equal(det.value[1], 0x13);
		assert_int_equal(rt_ctlv_find(t->r + h, t->rlen - h, 0x8B, RT_CTLV_F_ANY_CR, &tp, NULL), 0);
		assert_int_equal(rt_sms_tpdu_decode(tp.value, tp.len, RT_SMS_SUBMIT, &sub, NULL), 0);
		rt_buf_init(&d, 1000);
		assert_int_equal(rt_scp80_cmd_unwrap(RT_SCP80_SMS, sub.ud, sub.ud_len, &lk, NULL, &rx, &d, NULL), 0);
		assert_int_equal(rx.spi.cntr, RT_SCP80_CNTR_NONE);
		assert_memory_equal(rx.por.cntr, "\0\0\0\0\0", 5);
		assert_int_equal(d.data[0], 0xE1);
		rt_scp80_rx_clear(&rx);
		rt_buf_free(&d);
		snprintf(tr, sizeof(tr), "801400000C 8103%02X1300 82028281 830100", det.value[0]);
		sw = t_hex(t, tr);
	}
	assert_int_equal(sw, 0x9000);
	assert_int_equal(t_hex(t, "80100000"), 0x6700);
	assert_int_equal(t_hex(t, "80C2000000"), 0x6700);
	/* Nothing queued: FETCH has nothing to give. */
	assert_int_equal(t_hex(t, "8012000010"), 0x6985);
	t_close(t);
}

/* --- SCP80 refusals (TS 102 225 Table 5.3) ------------------------------------------- */

static void t_refusal(struct t_card *t, struct rt_scp80_sec *s, const char *script, uint8_t want,
		      int plain_zero)
{
	struct rt_scp80_sec v = *s;
	struct rt_buf d;
	uint8_t st = 0xFF;

	rt_buf_init(&d, 1000);
	assert_int_equal(t_script(t, s, script), 0x9000);
	assert_true(t->rlen > 3);
	/* Refused before deciphering: the counter is echoed as zero; without a usable
	 * key (1) the PoR is unsecured too. */
	if (plain_zero == 1)
		v.spi[1] &= (uint8_t)~0x1C;
	if (plain_zero)
		memset(v.cntr, 0, 5);
	assert_int_equal(t_por(&v, t->r, t->rlen, &d, &st), 0);
	assert_int_equal(st, want);
	assert_int_equal(d.len, 0);
	rt_buf_free(&d);
}

static void test_scp80_refusals(void **state)
{
	struct t_card *t = t_open(0);
	struct rt_scp80_sec s, v;
	struct rt_scp80_key badkid;
	uint8_t tar_unknown[3] = { 0xB0, 0x00, 0x99 };

	(void)state;
	/* 01: wrong CC (another KID key; the counter still deciphers). */
	t_sec(&s, "1619", tar_isdr, 0x400);
	badkid = t_kid;
	badkid.key[0] ^= 0xFF;
	s.kid_key = &badkid;
	v = s;
	assert_int_equal(t_script(t, &s, "AA07 2205 80CA00E000"), 0x9000);
	{
		struct rt_buf d;
		uint8_t st;

		v.kid_key = &t_kid;
		rt_buf_init(&d, 100);
		assert_int_equal(t_por(&v, t->r, t->rlen, &d, &st), 0);
		assert_int_equal(st, RT_SCP80_ST_RC_CC_DS_FAILED);
		assert_int_equal(d.len, 0);
		rt_buf_free(&d);
	}
	/* The counter of a refused packet is not stored. */
	assert_int_equal(t->card->st.scp80[0].cntr[3], 0);
	/* 00 then 02: replay. */
	t_sec(&s, "1619", tar_isdr, 0x401);
	assert_int_equal(t_script(t, &s, "80CA00E000"), 0x9000);
	t_refusal(t, &s, "80CA00E000", RT_SCP80_ST_CNTR_LOW, 0);
	t_sec(&s, "1619", tar_isdr, 0x3FF);
	t_refusal(t, &s, "80CA00E000", RT_SCP80_ST_CNTR_LOW, 0);
	/* 09: unknown TAR. */
	t_sec(&s, "1619", tar_unknown, 0x402);
	t_refusal(t, &s, "80CA00E000", RT_SCP80_ST_TAR_UNKNOWN, 1);
	/* 0A: below the minimum security level (CC only, no counter). */
	t_sec(&s, "0219", tar_isdr, 0x403);
	t_refusal(t, &s, "80CA00E000", RT_SCP80_ST_INSUFFICIENT_SECURITY, 2);
	/* 06: a keyset the card does not have (it holds 1 and the spare 2). */
	t_sec(&s, "1619", tar_isdr, 0x404);
	s.kic = 0x32;
	s.kid = 0x32;
	t_refusal(t, &s, "80CA00E000", RT_SCP80_ST_UNIDENTIFIED, 1);
	/* 04: a blocked counter. */
	memset(t->card->st.scp80[0].cntr, 0xFF, 5);
	t_sec(&s, "1619", tar_isdr, 0x405);
	t_refusal(t, &s, "80CA00E000", RT_SCP80_ST_CNTR_BLOCKED, 0);
	t_close(t);
}

/* --- concatenation ---------------------------------------------------------------- */

static void t_concat(enum rt_sms_concat_order order, int reverse)
{
	struct t_card *t = t_open(0);
	struct rt_scp80_sec s;
	struct rt_sms_concat_opts o;
	struct rt_buf pkt, uds, d;
	uint8_t script[400], st;
	size_t lens[8], n = 0, i, off[8], p = 0, k;

	t_sec(&s, "1619", tar_isdr, 0x500);
	/* AA 81 xx { 22 05 GET DATA x 30 }. */
	script[0] = 0xAA;
	script[1] = 0x81;
	script[2] = 30 * 7;
	for (i = 0; i < 30; i++)
		memcpy(script + 3 + i * 7, "\x22\x05\x80\xCA\x00\xE0\x00", 7);
	rt_buf_init(&pkt, 2000);
	rt_buf_init(&uds, 2000);
	rt_buf_init(&d, 1000);
	assert_int_equal(rt_scp80_cmd_wrap(&s, script, 3 + 30 * 7, NULL, &pkt, NULL), 0);
	memset(&o, 0, sizeof(o));
	o.order = order;
	o.ref = 0x42;
	o.packet_iei = RT_SMS_IEI_CPI;
	assert_int_equal(rt_sms_concat_split(pkt.data + 3, pkt.len - 3, &o, &uds, lens, 8, &n, NULL), 0);
	assert_true(n >= 2);
	for (i = 0; i < n; i++) {
		off[i] = p;
		p += lens[i];
	}
	for (k = 0; k < n; k++) {
		i = reverse ? n - 1 - k : k;
		assert_int_equal(t_deliver(t, uds.data + off[i], lens[i], 0x7F, 1), 0x9000);
		if (k + 1 < n)
			assert_int_equal(t->rlen, 0); /* TS 31.115 6.3: nothing until the last */
	}
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	assert_int_equal(st, 0);
	t_expect_data(&d, "AB07 800101 23026A88");
	rt_buf_free(&pkt);
	rt_buf_free(&uds);
	rt_buf_free(&d);
	t_close(t);
}

static void test_concat_orders(void **state)
{
	(void)state;
	t_concat(RT_SMS_CONCAT_CONCAT_FIRST, 0);
	t_concat(RT_SMS_CONCAT_CPI_FIRST, 0);
	t_concat(RT_SMS_CONCAT_CONCAT_FIRST, 1);
}

/* --- malformed input ------------------------------------------------------------- */

static void test_malformed(void **state)
{
	struct t_card *t = t_open(0);
	struct rt_scp80_sec s;
	struct rt_buf pkt;
	uint8_t sc[] = { 0x80, 0xCA, 0x00, 0xE0, 0x00 };

	(void)state;
	/* ENVELOPE level (TS 102 223 7.1, TS 31.111 7.1.1): wrong tag, bad D1 length,
	 * wrong device identities, an undecodable TPDU. */
	assert_int_equal(t_hex(t, "80C2000003D30100"), 0x6A80);
	assert_int_equal(t_hex(t, "80C2000004D1058202"), 0x6A80);
	assert_int_equal(t_hex(t, "80C200000AD108820281818B020000"), 0x6A80);
	assert_int_equal(t_hex(t, "80C2000009D107820283818B0140"), 0x6A80);
	assert_int_equal(t_hex(t, "80C1000000"), 0x6D00);
	t_sec(&s, "1619", tar_isdr, 0x600);
	rt_buf_init(&pkt, 500);
	assert_int_equal(rt_scp80_cmd_wrap(&s, sc, sizeof(sc), NULL, &pkt, NULL), 0);
	/* TP-PID 00: no data download; no UDHI: no secured packet. */
	assert_int_equal(t_deliver(t, pkt.data, pkt.len, 0x00, 1), 0x6A80);
	assert_int_equal(t_deliver(t, pkt.data + 3, pkt.len - 3, 0x7F, 0), 0x6A80);
	/* A UDH whose length overruns the user data. */
	pkt.data[0] = 0x7F;
	assert_int_equal(t_deliver(t, pkt.data, pkt.len, 0x7F, 1), 0x6A80);
	pkt.data[0] = 0x02;
	/* A truncated packet: discarded, no PoR, the SMS itself was delivered. */
	assert_int_equal(t_deliver(t, pkt.data, pkt.len - 4, 0x7F, 1), 0x9000);
	assert_int_equal(t->rlen, 0);
	/* Still accepted whole, and the counter did not move on the failures. */
	assert_int_equal(t_deliver(t, pkt.data, pkt.len, 0x7F, 1), 0x9000);
	assert_true(t->rlen > 0);
	rt_buf_free(&pkt);
	t_close(t);
}

/* --- ISD-P TARs ----------------------------------------------------------------- */

static void test_isdp_tar(void **state)
{
	struct t_card *t = t_open(0);
	struct rt_scp80_sec s;
	struct rt_buf d;
	struct rt_euicc_isdp *p = &t->card->st.isdp[0];
	uint8_t tar[3] = { 0x00, 0x00, 0x10 }, st;
	static const uint8_t aid[16] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
					 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00 };

	(void)state;
	p->state = RT_ISDP_SELECTABLE;
	memcpy(p->aid, aid, 16);
	p->aid_len = 16;
	memcpy(p->tar, tar, 3);
	rt_buf_init(&d, 1000);
	/* The ISD-P is reached with the ISD-R's keyset; it does not know GET DATA. */
	t_sec(&s, "1619", tar, 0x700);
	assert_int_equal(t_script(t, &s, "AA07 2205 80CA00E000"), 0x9000);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(d.data[0], 0xAB);
	assert_int_equal(d.data[4], 0x01); /* one command executed */
	rt_buf_reset(&d);
	/* An SCP03t item goes to the ISD-P part; until it answers, it is bad format or
	 * its answer. */
	t_sec(&s, "1619", tar, 0x701);
	assert_int_equal(t_script(t, &s, "AA0C 840A 8050300008 0102030405"), 0x9000);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(d.data[0], 0xAB);
	/* ...but never on the ISD-R's TAR. */
	rt_buf_reset(&d);
	t_sec(&s, "1619", tar_isdr, 0x702);
	assert_int_equal(t_script(t, &s, "AA0C 840A 8050300008 0102030405"), 0x9000);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	t_expect_data(&d, "AB06 800100 900101");
	rt_buf_free(&d);
	t_close(t);
}

/* --- fault knobs ----------------------------------------------------------------- */

static void test_faults(void **state)
{
	struct t_card *t;
	struct rt_scp80_sec s;
	struct rt_buf d;
	uint8_t st;

	(void)state;
	rt_buf_init(&d, 1000);
	t = t_open(RT_EUICC_FAULT_NO_POR);
	t_sec(&s, "1619", tar_isdr, 0x800);
	assert_int_equal(t_script(t, &s, "80CA00E000"), 0x9000);
	assert_int_equal(t->rlen, 0);
	t_close(t);

	t = t_open(RT_EUICC_FAULT_POR_BAD_CC);
	t_sec(&s, "1619", tar_isdr, 0x800);
	assert_int_equal(t_script(t, &s, "80CA00E000"), 0x9000);
	assert_true(t->rlen > 0);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), RT_ECRYPTO);
	t_close(t);

	t = t_open(RT_EUICC_FAULT_ACCEPT_REPLAY);
	t_sec(&s, "1619", tar_isdr, 0x800);
	assert_int_equal(t_script(t, &s, "80CA00E000"), 0x9000);
	rt_buf_reset(&d);
	assert_int_equal(t_script(t, &s, "80CA00E000"), 0x9000);
	assert_int_equal(t_por(&s, t->r, t->rlen, &d, &st), 0);
	assert_int_equal(st, 0); /* the replay ran */
	t_close(t);
	rt_buf_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expanded_por_in_response),
		cmocka_unit_test(test_indefinite_and_compact),
		cmocka_unit_test(test_por_by_sms_submit),
		cmocka_unit_test(test_terminal_profile),
		cmocka_unit_test(test_scp80_refusals),
		cmocka_unit_test(test_concat_orders),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_isdp_tar),
		cmocka_unit_test(test_faults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
