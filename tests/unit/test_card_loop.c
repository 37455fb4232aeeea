/* SPDX-License-Identifier: Apache-2.0 */
/* test_card_loop — the software eUICC (roles/euicc) through the in-process card backend
 * (transport/rt_card_loop), and rt_card_exchange's T=0 procedure (61xx / 6Cxx).
 *
 * Covers: the ATR (structure, TCK, eUICC indication), SELECT of ISD-R and ECASD with and
 * without FCI, GET DATA EID, every error status word the card produces, the 61xx
 * (GET RESPONSE) and 6Cxx (wrong Le) handling against the eUICC's T=0 knob and against a
 * scripted card, and that the observer sees every raw exchange. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/rt_eid.h"
#include "roles/euicc/rt_euicc.h"
#include "transport/rt_card.h"
#include "transport/rt_card_loop.h"
#include "util/rt_hex.h"

/* --- observer that records what it sees ------------------------------------------- */

#define REC_MAX 16

struct rec_ev {
	enum rt_card_event ev;
	uint8_t in[64];
	size_t inlen;
	uint8_t out[300];
	size_t outlen;
	int rc;
};

struct rec {
	struct rec_ev ev[REC_MAX];
	size_t n;
};

static void rec_observer(void *ctx, enum rt_card_event ev, const uint8_t *in, size_t inlen,
			 const uint8_t *out, size_t outlen, int rc, uint64_t usec)
{
	struct rec *r = ctx;
	struct rec_ev *e;

	(void)usec;
	if (r->n >= REC_MAX)
		return;
	e = &r->ev[r->n++];
	e->ev = ev;
	e->rc = rc;
	e->inlen = inlen < sizeof(e->in) ? inlen : sizeof(e->in);
	if (in)
		memcpy(e->in, in, e->inlen);
	e->outlen = outlen < sizeof(e->out) ? outlen : sizeof(e->out);
	if (out)
		memcpy(e->out, out, e->outlen);
}

/* --- helpers ------------------------------------------------------------------------ */

struct fix {
	struct rt_euicc *card;
	struct rt_card *rc;
	struct rec rec;
};

static struct fix *fix_new(unsigned t0)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct rt_euicc_config cfg;
	struct rt_err err;
	struct rt_icc icc;

	assert_non_null(f);
	rt_euicc_config_default(&cfg);
	cfg.t0_get_response = t0;
	assert_int_equal(rt_euicc_new(&cfg, &f->card, &err), 0);
	rt_euicc_icc(f->card, &icc);
	assert_int_equal(rt_card_loop_open(&icc, &f->rc, &err), 0);
	f->rc->observer = rec_observer;
	f->rc->obs_ctx = &f->rec;
	return f;
}

static void fix_free(struct fix *f)
{
	rt_card_close(f->rc);
	rt_euicc_free(f->card);
	free(f);
}

/* Sends hex through rt_card_transmit (raw = 1) or rt_card_exchange; returns the R-APDU
 * as upper-case hex in a static buffer. */
static const char *xchg(struct fix *f, const char *hex, int raw)
{
	static char out[2 * 600 + 1];
	uint8_t c[300], r[600];
	size_t clen = 0, rlen = sizeof(r);
	struct rt_err err;
	int rc;

	assert_int_equal(rt_hex_decode(hex, strlen(hex), c, sizeof(c), &clen, &err), 0);
	rc = raw ? rt_card_transmit(f->rc, c, clen, r, &rlen, &err)
		 : rt_card_exchange(f->rc, c, clen, r, &rlen, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(rt_hex_encode(r, rlen, out, sizeof(out)), 0);
	return out;
}

#define ISDR "A0000005591010FFFFFFFF8900000100"
#define ECASD "A0000005591010FFFFFFFF8900000200"
#define EID "89049032123451234512345678901235"
#define FCI_ISDR "6F188410" ISDR "A5049F6501FF"
#define FCI_ECASD "6F188410" ECASD "A5049F6501FF"

/* --- ATR ----------------------------------------------------------------------------- */

static void test_default_eid_valid(void **state)
{
	uint8_t bcd[RT_EID_LEN];
	struct rt_err err;

	(void)state;
	assert_string_equal(rt_euicc_default_eid, EID);
	assert_int_equal(rt_eid_from_digits(EID, bcd, &err), 0);
	assert_int_equal(rt_eid_validate(bcd, sizeof(bcd), &err), 0);
}

static void test_atr(void **state)
{
	struct fix *f = fix_new(0);
	struct rt_err err;
	uint8_t x = 0;
	size_t i;

	(void)state;
	assert_int_equal(rt_euicc_atr_check(rt_euicc_default_atr, rt_euicc_default_atr_len, &err), 0);
	/* ISO 7816-3 8.2.5: XOR of T0..TCK is 0. */
	for (i = 1; i < rt_euicc_default_atr_len; i++)
		x ^= rt_euicc_default_atr[i];
	assert_int_equal(x, 0);
	/* TS 102 221 Table 6.7: the first TB after T=15 (here TD3 '3F', TA4 'C7', TB4) is
	 * '82' = eUICC-related functions supported. */
	assert_int_equal(rt_euicc_default_atr[7], 0x3F);
	assert_int_equal(rt_euicc_default_atr[9], 0x82);
	/* T=1 is offered (TD2 low nibble 1). */
	assert_int_equal(rt_euicc_default_atr[4] & 0x0F, 1);
	/* The loop card carries it after open and after each reset, seen by the observer. */
	assert_int_equal(f->rc->atr_len, rt_euicc_default_atr_len);
	assert_memory_equal(f->rc->atr, rt_euicc_default_atr, rt_euicc_default_atr_len);
	assert_int_equal(rt_card_reset(f->rc, 0, &err), 0);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->rec.ev[0].ev, RT_CARD_EV_RESET);
	assert_int_equal(f->rec.ev[0].outlen, rt_euicc_default_atr_len);
	assert_memory_equal(f->rec.ev[0].out, rt_euicc_default_atr, rt_euicc_default_atr_len);
	fix_free(f);
}

static void test_atr_check_rejects(void **state)
{
	uint8_t atr[RT_ATR_MAX];
	struct rt_err err;

	(void)state;
	memcpy(atr, rt_euicc_default_atr, rt_euicc_default_atr_len);
	atr[rt_euicc_default_atr_len - 1] ^= 1; /* bad TCK */
	assert_int_equal(rt_euicc_atr_check(atr, rt_euicc_default_atr_len, &err), RT_EPROTO);
	/* missing TCK although T=1 is offered */
	assert_int_equal(rt_euicc_atr_check(rt_euicc_default_atr, rt_euicc_default_atr_len - 1,
					    &err),
			 RT_EPROTO);
	/* T=0 only: no TCK needed (3B 90 11 00: TA1, TD1 = T=0... here TD1 '00'). */
	atr[0] = 0x3B;
	atr[1] = 0x90;
	atr[2] = 0x11;
	atr[3] = 0x00;
	assert_int_equal(rt_euicc_atr_check(atr, 4, &err), 0);
	atr[0] = 0x3A; /* bad TS */
	assert_int_equal(rt_euicc_atr_check(atr, 4, &err), RT_EPROTO);
}

static void test_config_rejects_bad_eid(void **state)
{
	struct rt_euicc_config cfg;
	struct rt_euicc *card = NULL;
	struct rt_err err;

	(void)state;
	rt_euicc_config_default(&cfg);
	memcpy(cfg.eid, "89049032123451234512345678901234", RT_EID_DIGITS + 1); /* check digits */
	assert_true(rt_euicc_new(&cfg, &card, &err) < 0);
	assert_null(card);
	rt_euicc_config_default(&cfg);
	cfg.t0_get_response = 257;
	assert_int_equal(rt_euicc_new(&cfg, &card, &err), RT_EINVAL);
}

/* --- SELECT / GET DATA --------------------------------------------------------------- */

static void test_select_and_eid(void **state)
{
	struct fix *f = fix_new(0);

	(void)state;
	/* SELECT by AID, P2 00: FCI '6F' { '84' AID, 'A5' { '9F65' } }. */
	assert_string_equal(xchg(f, "00A4040010" ISDR, 0), FCI_ISDR "9000");
	assert_string_equal(xchg(f, "00A4040010" ISDR "00", 0), FCI_ISDR "9000");
	/* P2 0C: no response data. */
	assert_string_equal(xchg(f, "00A4040C10" ECASD, 0), "9000");
	/* SGP.02 2.2.2: GET DATA '5A' on the ECASD -> '5A' '10' EID. */
	assert_string_equal(xchg(f, "80CA005A00", 0), "5A10" EID "9000");
	assert_string_equal(xchg(f, "00CA005A00", 0), "5A10" EID "9000");
	assert_string_equal(xchg(f, "00A4040010" ECASD, 0), FCI_ECASD "9000");
	/* A failed SELECT keeps the current application (ECASD). */
	assert_string_equal(xchg(f, "00A4040010A0000005591010FFFFFFFF8900000300", 0), "6A82");
	assert_string_equal(xchg(f, "80CA005A00", 0), "5A10" EID "9000");
	fix_free(f);
}

struct sw_case {
	const char *name;
	const char *capdu;
	const char *sw;
};

static void test_error_sws(void **state)
{
	/* Each row runs on a card where the ECASD is selected unless the row says reset. */
	static const struct sw_case rows[] = {
		{ "unknown AID", "00A4040010A0000005591010FFFFFFFF8900000F00", "6A82" },
		{ "AID too short to match", "00A4040005A000000559", "6A82" },
		{ "unsupported INS", "00B0000000", "6D00" },
		{ "GET DATA class but INS unknown", "80F2400000", "6D00" },
		{ "GSM class A0", "A0A40000023F00", "6E00" },
		{ "CLA FF", "FFA4040000", "6E00" },
		{ "SELECT in GP class", "80A4040010" ISDR, "6E00" },
		{ "SELECT by file id (P1 00)", "00A40000023F00", "6A86" },
		{ "SELECT next occurrence (P2 02)", "00A4040210" ISDR, "6A86" },
		{ "SELECT without AID", "00A40400", "6700" },
		{ "SELECT with 17-byte AID", "00A4040011" ISDR "01", "6700" },
		{ "malformed APDU (3 bytes)", "00A404", "6700" },
		{ "Lc disagrees with data", "00A4040010A000", "6700" },
		{ "GET DATA with data", "80CA005A0101", "6700" },
		{ "GET DATA unknown tag", "80CA004200", "6A88" },
		{ "GET RESPONSE with nothing pending", "00C0000010", "6985" },
		{ "logical channel 1 not open", "01CA005A00", "6881" },
		{ "logical channel 5 not open", "C1CA005A00", "6881" },
		{ "secure messaging", "84CA005A00", "6882" },
		{ "command chaining", "90CA005A00", "6884" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fix *f = fix_new(0);

		assert_string_equal(xchg(f, "00A4040C10" ECASD, 1), "9000");
		if (strcmp(xchg(f, rows[i].capdu, 1), rows[i].sw) != 0)
			fail_msg("%s: %s answered %s, expected %s", rows[i].name, rows[i].capdu,
				 xchg(f, rows[i].capdu, 1), rows[i].sw);
		fix_free(f);
	}
}

static void test_state_sws(void **state)
{
	struct fix *f = fix_new(0);
	struct rt_err err;

	(void)state;
	/* After reset nothing of ours is selected: GET DATA's conditions are not met. */
	assert_string_equal(xchg(f, "80CA005A00", 1), "6985");
	/* The ISD-R takes GET DATA but holds no '5A'. */
	assert_string_equal(xchg(f, "00A4040C10" ISDR, 1), "9000");
	assert_string_equal(xchg(f, "80CA005A00", 1), "6A88");
	/* A cold reset drops the selection. */
	assert_string_equal(xchg(f, "00A4040C10" ECASD, 1), "9000");
	assert_int_equal(rt_card_reset(f->rc, 1, &err), 0);
	assert_string_equal(xchg(f, "80CA005A00", 1), "6985");
	fix_free(f);
}

/* --- 6Cxx / 61xx --------------------------------------------------------------------- */

static void test_6c_wrong_le(void **state)
{
	struct fix *f = fix_new(0);

	(void)state;
	assert_string_equal(xchg(f, "00A4040C10" ECASD, 1), "9000");
	f->rec.n = 0;
	/* Raw: Le 05 is short of the 18 bytes -> 6C12. */
	assert_string_equal(xchg(f, "80CA005A05", 1), "6C12");
	/* rt_card_exchange repeats with Le 12. */
	f->rec.n = 0;
	assert_string_equal(xchg(f, "80CA005A05", 0), "5A10" EID "9000");
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(f->rec.ev[1].inlen, 5);
	assert_memory_equal(f->rec.ev[1].in, "\x80\xCA\x00\x5A\x12", 5);
	fix_free(f);
}

static void test_61_get_response(void **state)
{
	struct fix *f = fix_new(256);

	(void)state;
	/* SELECT with P2 0C has no data: no 61xx. */
	assert_string_equal(xchg(f, "00A4040C10" ECASD, 1), "9000");
	/* Raw: the T=0 card announces 18 bytes. */
	assert_string_equal(xchg(f, "80CA005A00", 1), "6112");
	assert_string_equal(xchg(f, "00C0000012", 1), "5A10" EID "9000");
	/* Exchange: GP command completed by an interindustry GET RESPONSE on channel 0. */
	f->rec.n = 0;
	assert_string_equal(xchg(f, "80CA005A00", 0), "5A10" EID "9000");
	assert_int_equal(f->rec.n, 2);
	assert_memory_equal(f->rec.ev[0].out, "\x61\x12", 2);
	assert_int_equal(f->rec.ev[1].inlen, 5);
	assert_memory_equal(f->rec.ev[1].in, "\x00\xC0\x00\x00\x12", 5);
	/* Another command drops pending data. */
	assert_string_equal(xchg(f, "80CA005A00", 1), "6112");
	assert_string_equal(xchg(f, "00B0000000", 1), "6D00");
	assert_string_equal(xchg(f, "00C0000012", 1), "6985");
	/* GET RESPONSE asking for more than there is -> 6Cxx; data stays pending. */
	assert_string_equal(xchg(f, "80CA005A00", 1), "6112");
	assert_string_equal(xchg(f, "00C0000020", 1), "6C12");
	assert_string_equal(xchg(f, "00C0000012", 1), "5A10" EID "9000");
	fix_free(f);
}

static void test_61_chunks(void **state)
{
	struct fix *f = fix_new(8);

	(void)state;
	/* FCI of 26 bytes in chunks of 8: 6108, then 8+6108, 8+6108, 8+6102, 2+9000. */
	f->rec.n = 0;
	assert_string_equal(xchg(f, "00A4040010" ISDR, 0), FCI_ISDR "9000");
	assert_int_equal(f->rec.n, 5);
	assert_memory_equal(f->rec.ev[0].out, "\x61\x08", 2);
	assert_memory_equal(f->rec.ev[3].out + 8, "\x61\x02", 2);
	assert_memory_equal(f->rec.ev[4].in, "\x00\xC0\x00\x00\x02", 5);
	assert_int_equal(f->rec.ev[4].outlen, 4);
	fix_free(f);
}

/* --- a scripted card for the corners the eUICC never produces ------------------------ */

struct script {
	const char *const *rsp; /* hex R-APDUs, in order; the last one repeats */
	size_t n, i;
};

static int script_reset(void *card, uint8_t *atr, size_t *atr_len)
{
	(void)card;
	atr[0] = 0x3B;
	atr[1] = 0x00;
	*atr_len = 2;
	return 0;
}

static int script_process(void *card, const uint8_t *c, size_t clen, uint8_t *r, size_t *rlen)
{
	struct script *s = card;
	const char *hex = s->rsp[s->i < s->n ? s->i : s->n - 1];
	struct rt_err err;

	(void)c;
	(void)clen;
	s->i++;
	return rt_hex_decode(hex, strlen(hex), r, *rlen, rlen, &err);
}

static const struct rt_icc_ops script_ops = { script_reset, NULL, script_process };

static struct rt_card *script_open(struct script *s, struct rec *rec)
{
	struct rt_icc icc = { &script_ops, s };
	struct rt_card *card = NULL;
	struct rt_err err;

	assert_int_equal(rt_card_loop_open(&icc, &card, &err), 0);
	card->observer = rec_observer;
	card->obs_ctx = rec;
	return card;
}

static void test_exchange_scripted(void **state)
{
	static const char *const gr_6c[] = { "6105", "6C03", "AABBCC9000" };
	static const char *const forever[] = { "6101" };
	static const char *const big[] = { "6100", "AABBCCDD9000" };
	struct script s = { gr_6c, 3, 0 };
	struct rec rec = { .n = 0 };
	struct rt_card *card = script_open(&s, &rec);
	uint8_t c[5] = { 0xC1, 0xCA, 0x00, 0x5A, 0x00 }, r[300];
	size_t rlen = sizeof(r);
	struct rt_err err;

	(void)state;
	/* 61xx then a 6Cxx on the GET RESPONSE: repeated with the exact Le. Channel 5 in
	 * the GP further class becomes '41' for GET RESPONSE. */
	assert_int_equal(rt_card_exchange(card, c, sizeof(c), r, &rlen, &err), 0);
	assert_int_equal(rlen, 5);
	assert_memory_equal(r, "\xAA\xBB\xCC\x90\x00", 5);
	assert_int_equal(rec.n, 3);
	assert_memory_equal(rec.ev[1].in, "\x41\xC0\x00\x00\x05", 5);
	assert_memory_equal(rec.ev[2].in, "\x41\xC0\x00\x00\x03", 5);
	rt_card_close(card);

	/* A card that never stops answering 61xx: bounded. */
	s.rsp = forever;
	s.n = 1;
	s.i = 0;
	rec.n = 0;
	card = script_open(&s, &rec);
	rlen = sizeof(r);
	c[0] = 0x81; /* GP class, channel 1 -> GET RESPONSE CLA 01 */
	assert_int_equal(rt_card_exchange(card, c, sizeof(c), r, &rlen, &err), RT_EPROTO);
	assert_memory_equal(rec.ev[1].in, "\x01\xC0\x00\x00\x01", 5);
	rt_card_close(card);

	/* More data than the caller's buffer: RT_ENOMEM, not an overflow. */
	s.rsp = big;
	s.n = 2;
	s.i = 0;
	card = script_open(&s, &rec);
	rlen = 3;
	assert_int_equal(rt_card_exchange(card, c, sizeof(c), r, &rlen, &err), RT_ENOMEM);
	rt_card_close(card);
	rt_card_close(NULL);
}

static void test_observer_sees_errors(void **state)
{
	struct fix *f = fix_new(0);
	uint8_t c[4] = { 0x00, 0xA4, 0x04, 0x00 }, r[8];
	size_t rlen = sizeof(r);
	struct rt_err err;

	(void)state;
	f->rec.n = 0;
	assert_string_equal(xchg(f, "00A4040C10" ISDR, 1), "9000");
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->rec.ev[0].ev, RT_CARD_EV_APDU);
	assert_int_equal(f->rec.ev[0].inlen, 21);
	assert_int_equal(f->rec.ev[0].outlen, 2);
	/* A too-small response buffer fails, and the observer sees the failure. */
	rlen = 1;
	assert_true(rt_card_transmit(f->rc, c, sizeof(c), r, &rlen, &err) < 0);
	assert_int_equal(f->rec.n, 2);
	assert_true(f->rec.ev[1].rc < 0);
	assert_int_equal(f->rec.ev[1].outlen, 0);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_eid_valid),
		cmocka_unit_test(test_atr),
		cmocka_unit_test(test_atr_check_rejects),
		cmocka_unit_test(test_config_rejects_bad_eid),
		cmocka_unit_test(test_select_and_eid),
		cmocka_unit_test(test_error_sws),
		cmocka_unit_test(test_state_sws),
		cmocka_unit_test(test_6c_wrong_le),
		cmocka_unit_test(test_61_get_response),
		cmocka_unit_test(test_61_chunks),
		cmocka_unit_test(test_exchange_scripted),
		cmocka_unit_test(test_observer_sees_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
