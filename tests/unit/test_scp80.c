/* SPDX-License-Identifier: Apache-2.0 */
/* test_scp80 — behaviour of harness/scp/rt_scp80 beyond the known-answer vectors:
 * SPI/KIc/KID tables, both dialects round trip, and a negative case for every check of
 * the receiving entity (status codes of TS 102 225 Table 5.3) and of the PoR verifier.
 * Keys are the pySim SJA5 sample keys (osmocom/pysim tests/unittests/test_ota.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scp/rt_scp80.h"
#include "util/rt_hex.h"

static const uint8_t k_tar[3] = {0xB0, 0x00, 0x11};
static const uint8_t k_apdu[] = {0x00, 0xA4, 0x00, 0x04, 0x02, 0x3F, 0x00};

struct card {
	struct rt_scp80_key kic, kid;
	uint8_t cntr[5];
	uint8_t min_spi[2];
	int calls;
};

static int card_lookup(void *ctx, const uint8_t tar[3], uint8_t kic_ks, uint8_t kid_ks,
		       struct rt_scp80_keyset *ks, struct rt_err *err)
{
	struct card *c = ctx;

	c->calls++;
	if (memcmp(tar, k_tar, 3) != 0)
		return rt_err_set(err, RT_ENOENT, "unknown TAR");
	ks->kic = c->kic;
	ks->kid = c->kid;
	memcpy(ks->cntr, c->cntr, 5);
	memcpy(ks->min_spi, c->min_spi, 2);
	return 0;
}

static void unhex(const char *hex, uint8_t *out, size_t outsz, size_t *n)
{
	struct rt_err err = {0};

	assert_int_equal(rt_hex_decode(hex, strlen(hex), out, outsz, n, &err), 0);
}

/* 3DES 2-key keyset 3 (KIc/KID 35) or AES keyset 2 (22). */
static void setup_keys(struct card *c, struct rt_scp80_sec *s, int aes)
{
	size_t n;

	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	unhex(aes ? "200102030405060708090a0b0c0d0e0f" : "300102030405060708090a0b0c0d0e0f",
	      c->kic.key, sizeof(c->kic.key), &n);
	c->kic.len = n;
	unhex(aes ? "201102030405060708090a0b0c0d0e0f" : "301102030405060708090a0b0c0d0e0f",
	      c->kid.key, sizeof(c->kid.key), &n);
	c->kid.len = n;
	s->dialect = RT_SCP80_SMS;
	s->kic = s->kid = aes ? 0x22 : 0x35;
	memcpy(s->tar, k_tar, 3);
	s->kic_key = &c->kic;
	s->kid_key = &c->kid;
}

static void set_cntr(uint8_t c[5], uint64_t v)
{
	int i;

	for (i = 4; i >= 0; i--) {
		c[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* Wraps k_apdu with s into pkt. */
static size_t wrap(const struct rt_scp80_sec *s, const struct rt_scp80_opts *o, uint8_t *pkt,
		   size_t sz)
{
	struct rt_buf b;
	struct rt_err err = {0};
	size_t n;

	rt_buf_init(&b, sz);
	if (rt_scp80_cmd_wrap(s, k_apdu, sizeof(k_apdu), o, &b, &err))
		fail_msg("wrap: %s", err.msg);
	memcpy(pkt, b.data, b.len);
	n = b.len;
	rt_buf_free(&b);
	return n;
}

/* The card receives pkt; returns the rc, fills rx. */
static int card_rx(struct card *c, enum rt_scp80_dialect d, const uint8_t *pkt, size_t n,
		   const struct rt_scp80_opts *o, struct rt_scp80_rx *rx, struct rt_err *err)
{
	struct rt_scp80_lookup lk = {card_lookup, c};
	struct rt_buf data;
	int rc;

	rt_buf_init(&data, 4096);
	rc = rt_scp80_cmd_unwrap(d, pkt, n, &lk, o, rx, &data, err);
	if (rc == 0) {
		assert_int_equal(data.len, sizeof(k_apdu));
		assert_memory_equal(data.data, k_apdu, sizeof(k_apdu));
	} else {
		assert_int_equal(data.len, 0);
	}
	rt_buf_free(&data);
	return rc;
}

static void expect_status(struct card *c, const uint8_t *pkt, size_t n,
			  const struct rt_scp80_opts *o, int want_rc, uint8_t want_status,
			  const char *msg_part)
{
	struct rt_scp80_rx rx;
	struct rt_err err = {0};
	int rc = card_rx(c, RT_SCP80_SMS, pkt, n, o, &rx, &err);

	if (rc != want_rc || rx.status != want_status)
		fail_msg("rc %s status %02X (%s), want %s %02X", rt_err_name(rc), rx.status, err.msg,
			 rt_err_name(want_rc), want_status);
	if (msg_part && !strstr(err.msg, msg_part))
		fail_msg("error '%s' lacks '%s'", err.msg, msg_part);
	rt_scp80_rx_clear(&rx);
}

/* ---- tables ---------------------------------------------------------------------- */

static void test_spi_roundtrip(void **state)
{
	struct rt_scp80_spi s;
	uint8_t b[2], back[2];
	unsigned v;

	(void)state;
	b[0] = 0x16;
	b[1] = 0x39;
	rt_scp80_spi_decode(b, &s);
	assert_int_equal(s.check, RT_SCP80_CHECK_CC);
	assert_true(s.ciphered);
	assert_int_equal(s.cntr, RT_SCP80_CNTR_HIGHER);
	assert_int_equal(s.por, RT_SCP80_POR_ALWAYS);
	assert_int_equal(s.por_check, RT_SCP80_CHECK_CC);
	assert_true(s.por_ciphered);
	assert_true(s.por_via_submit);
	for (v = 0; v < 0x10000; v++) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
		rt_scp80_spi_decode(b, &s);
		rt_scp80_spi_encode(&s, back);
		assert_memory_equal(b, back, 2);
	}
}

static void test_kic_kid_tables(void **state)
{
	struct rt_scp80_keyref r;
	struct rt_err err = {0};
	uint8_t byte;
	size_t len;

	(void)state;
	assert_int_equal(rt_scp80_kic_decode(0x35, &r, &err), 0);
	assert_int_equal(r.keyset, 3);
	assert_int_equal(r.alg, RT_SCP80_ALG_3DES2_CBC);
	assert_int_equal(rt_scp80_kic_decode(0x19, &r, &err), 0);
	assert_int_equal(r.alg, RT_SCP80_ALG_3DES3_CBC);
	assert_int_equal(rt_scp80_kic_decode(0x1D, &r, &err), 0);
	assert_int_equal(r.alg, RT_SCP80_ALG_DES_ECB);
	assert_int_equal(rt_scp80_kic_decode(0x10, &r, &err), 0);
	assert_true(r.implicit);
	assert_int_equal(rt_scp80_kic_decode(0x16, &r, &err), RT_ENOTSUP);
	assert_non_null(strstr(err.msg, "reserved"));
	assert_int_equal(rt_scp80_kic_decode(0x13, &r, &err), RT_ENOTSUP);
	assert_non_null(strstr(err.msg, "proprietary"));

	assert_int_equal(rt_scp80_kid_decode(0x15, RT_SCP80_CHECK_RC, &r, &err), 0);
	assert_int_equal(r.alg, RT_SCP80_ALG_CRC32);
	assert_int_equal(rt_scp80_kid_decode(0x11, RT_SCP80_CHECK_RC, &r, &err), 0);
	assert_int_equal(r.alg, RT_SCP80_ALG_CRC16);
	assert_int_equal(rt_scp80_kid_decode(0x15, RT_SCP80_CHECK_CC, &r, &err), 0);
	assert_int_equal(r.alg, RT_SCP80_ALG_3DES2_MAC);
	assert_int_equal(rt_scp80_kid_decode(0x12, RT_SCP80_CHECK_CC, &r, &err), 0);
	assert_int_equal(r.alg, RT_SCP80_ALG_AES_CMAC);
	assert_int_equal(rt_scp80_kid_decode(0x12, RT_SCP80_CHECK_RC, &r, &err), RT_ENOTSUP);
	assert_int_equal(rt_scp80_kid_decode(0x1D, RT_SCP80_CHECK_CC, &r, &err), RT_ENOTSUP);
	assert_int_equal(rt_scp80_kid_decode(0x15, RT_SCP80_CHECK_DS, &r, &err), RT_ENOTSUP);

	assert_int_equal(rt_scp80_kic_encode(2, RT_SCP80_ALG_AES_CBC, &byte, &err), 0);
	assert_int_equal(byte, 0x22);
	assert_int_equal(rt_scp80_kid_encode(1, RT_SCP80_ALG_CRC32, &byte, &err), 0);
	assert_int_equal(byte, 0x15);
	assert_int_equal(rt_scp80_kic_encode(1, RT_SCP80_ALG_AES_CMAC, &byte, &err), RT_EINVAL);
	assert_int_equal(rt_scp80_kid_encode(16, RT_SCP80_ALG_CRC32, &byte, &err), RT_EINVAL);

	assert_int_equal(rt_scp80_check_len(RT_SCP80_CHECK_RC, RT_SCP80_ALG_CRC16, NULL, &len, &err), 0);
	assert_int_equal(len, 2);
	assert_int_equal(rt_scp80_check_len(RT_SCP80_CHECK_CC, RT_SCP80_ALG_AES_CMAC, NULL, &len, &err), 0);
	assert_int_equal(len, 8);
	assert_string_equal(rt_scp80_status_name(0x0A), "insufficient security level");
	assert_string_equal(rt_scp80_status_name(0x42), "reserved status");
}

/* ---- round trips ----------------------------------------------------------------- */

static void test_generic_dialect_long(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	struct rt_scp80_rx rx;
	struct rt_scp80_lookup lk = {card_lookup, &c};
	struct rt_scp80_por res;
	struct rt_buf pkt, data, por, pdata;
	struct rt_err err = {0};
	uint8_t big[300];
	size_t i;

	(void)state;
	setup_keys(&c, &s, 1);
	s.dialect = RT_SCP80_GENERIC;
	s.spi[0] = 0x16; /* cipher + CC + counter higher */
	s.spi[1] = 0x39;
	set_cntr(s.cntr, 7);
	set_cntr(c.cntr, 6);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	rt_buf_init(&pkt, 1024);
	rt_buf_init(&data, 1024);
	assert_int_equal(rt_scp80_cmd_wrap(&s, big, sizeof(big), NULL, &pkt, &err), 0);
	/* CPI 01, CPL as 82 xx xx (> 255 bytes), CHL 15. */
	assert_int_equal(pkt.data[0], 0x01);
	assert_int_equal(pkt.data[1], 0x82);
	assert_int_equal(pkt.data[4], 0x15);
	assert_int_equal(rt_scp80_cmd_unwrap(RT_SCP80_GENERIC, pkt.data, pkt.len, &lk, NULL, &rx,
					     &data, &err), 0);
	assert_int_equal(rx.status, 0);
	assert_true(rx.por_wanted);
	assert_true(rx.cntr_update);
	assert_memory_equal(rx.new_cntr, s.cntr, 5);
	assert_int_equal(data.len, sizeof(big));
	assert_memory_equal(data.data, big, sizeof(big));
	/* The card's PoR (RPI 02, 200 bytes of response: RPL 81 xx) verifies at the sender. */
	rt_buf_init(&por, 1024);
	rt_buf_init(&pdata, 1024);
	assert_int_equal(rt_scp80_por_build(&rx.por, rx.status, big, 200, NULL, &por, &err), 0);
	assert_int_equal(por.data[0], 0x02);
	assert_int_equal(por.data[1], 0x81);
	assert_int_equal(rt_scp80_por_verify(&s, por.data, por.len, NULL, &res, &pdata, &err), 0);
	assert_int_equal(res.status, 0);
	assert_int_equal(pdata.len, 200);
	assert_memory_equal(pdata.data, big, 200);
	rt_scp80_rx_clear(&rx);
	rt_buf_free(&pkt);
	rt_buf_free(&data);
	rt_buf_free(&por);
	rt_buf_free(&pdata);
}

static void test_aes_cc4_option(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	struct rt_scp80_opts o = {4, RT_SCP80_CNTR11_ONE_HIGHER, 0};
	uint8_t pkt[256];
	size_t n;

	(void)state;
	setup_keys(&c, &s, 1);
	s.spi[0] = 0x06;
	s.spi[1] = 0x00;
	n = wrap(&s, &o, pkt, sizeof(pkt));
	assert_int_equal(pkt[5], 13 + 4); /* CHL after UDH(3) CPL(2) */
	expect_status(&c, pkt, n, &o, 0, RT_SCP80_ST_OK, NULL);
	/* The same packet under the default 8-byte rule has the wrong CHL. */
	expect_status(&c, pkt, n, NULL, RT_EPROTO, RT_SCP80_ST_UNIDENTIFIED, "CHL");
	o.aes_cc_len = 5;
	{
		struct rt_buf b;
		struct rt_err err = {0};

		rt_buf_init(&b, 256);
		assert_int_equal(rt_scp80_cmd_wrap(&s, k_apdu, 7, &o, &b, &err), RT_EINVAL);
		rt_buf_free(&b);
	}
}

/* ---- receiving entity: negative cases -------------------------------------------- */

static void test_rx_wrong_cc(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	uint8_t pkt[256];
	size_t n;

	(void)state;
	setup_keys(&c, &s, 0);
	s.spi[0] = 0x06;
	s.spi[1] = 0x21; /* PoR required, plain, via SUBMIT */
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	pkt[n - 1] ^= 0x01; /* last ciphertext byte */
	expect_status(&c, pkt, n, NULL, RT_ECRYPTO, RT_SCP80_ST_RC_CC_DS_FAILED, "CC mismatch");
	/* Right packet, wrong key on the card. */
	pkt[n - 1] ^= 0x01;
	c.kid.key[0] ^= 0x80;
	expect_status(&c, pkt, n, NULL, RT_ECRYPTO, RT_SCP80_ST_RC_CC_DS_FAILED, NULL);
}

static void test_rx_wrong_rc(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	uint8_t pkt[256];
	size_t n;

	(void)state;
	setup_keys(&c, &s, 0);
	s.spi[0] = 0x01; /* RC, not ciphered */
	s.kid = 0x15;    /* CRC32 */
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	expect_status(&c, pkt, n, NULL, 0, RT_SCP80_ST_OK, NULL);
	pkt[n - 2] ^= 0x40; /* a data byte */
	expect_status(&c, pkt, n, NULL, RT_ECRYPTO, RT_SCP80_ST_RC_CC_DS_FAILED, "CRC32 RC");
	s.kid = 0x11; /* CRC16 */
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	assert_int_equal(pkt[5], 13 + 2);
	expect_status(&c, pkt, n, NULL, 0, RT_SCP80_ST_OK, NULL);
	pkt[10] ^= 0x01; /* inside the TAR: covered by the RC */
	c.calls = 0;
	expect_status(&c, pkt, n, NULL, RT_ENOENT, RT_SCP80_ST_TAR_UNKNOWN, NULL);
}

static void test_rx_counters(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	struct rt_scp80_opts o = {8, RT_SCP80_CNTR11_ONE_HIGHER, 0};
	struct rt_scp80_rx rx;
	struct rt_err err = {0};
	uint8_t pkt[256];
	size_t n;

	(void)state;
	setup_keys(&c, &s, 0);
	s.spi[0] = 0x16; /* counter must be higher */
	s.spi[1] = 0x00;
	set_cntr(s.cntr, 100);
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	set_cntr(c.cntr, 99);
	assert_int_equal(card_rx(&c, RT_SCP80_SMS, pkt, n, &o, &rx, &err), 0);
	assert_true(rx.cntr_update);
	assert_memory_equal(rx.new_cntr, s.cntr, 5);
	assert_false(rx.por_wanted);
	rt_scp80_rx_clear(&rx);
	set_cntr(c.cntr, 100); /* equal: not higher */
	expect_status(&c, pkt, n, &o, RT_ERANGE, RT_SCP80_ST_CNTR_LOW, "not above");
	set_cntr(c.cntr, 150); /* low */
	expect_status(&c, pkt, n, &o, RT_ERANGE, RT_SCP80_ST_CNTR_LOW, NULL);
	set_cntr(c.cntr, 0xFFFFFFFFFFull); /* blocked */
	expect_status(&c, pkt, n, &o, RT_ERANGE, RT_SCP80_ST_CNTR_BLOCKED, "blocked");
	set_cntr(c.cntr, 10); /* far below: fine unless a maximum step is set */
	expect_status(&c, pkt, n, &o, 0, RT_SCP80_ST_OK, NULL);
	o.cntr_max_delta = 50;
	expect_status(&c, pkt, n, &o, RT_ERANGE, RT_SCP80_ST_CNTR_HIGH, NULL);
	o.cntr_max_delta = 0;

	/* b5b4 = 11: exactly one higher (default reading). */
	s.spi[0] = 0x1E;
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	set_cntr(c.cntr, 99);
	expect_status(&c, pkt, n, &o, 0, RT_SCP80_ST_OK, NULL);
	set_cntr(c.cntr, 98);
	expect_status(&c, pkt, n, &o, RT_ERANGE, RT_SCP80_ST_CNTR_HIGH, "too far");
	set_cntr(c.cntr, 100);
	expect_status(&c, pkt, n, &o, RT_ERANGE, RT_SCP80_ST_CNTR_LOW, NULL);
	o.cntr11 = RT_SCP80_CNTR11_HIGHER; /* the alternative reading accepts +2 */
	set_cntr(c.cntr, 98);
	expect_status(&c, pkt, n, &o, 0, RT_SCP80_ST_OK, NULL);

	/* b5b4 = 01: counter present, never checked, never stored. */
	s.spi[0] = 0x0E;
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	set_cntr(c.cntr, 0xFFFFFFFFFFull);
	assert_int_equal(card_rx(&c, RT_SCP80_SMS, pkt, n, &o, &rx, &err), 0);
	assert_false(rx.cntr_update);
	rt_scp80_rx_clear(&rx);
}

static void test_rx_unknown_tar(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	struct rt_scp80_rx rx;
	struct rt_err err = {0};
	struct rt_buf por;
	uint8_t pkt[256];
	size_t n;

	(void)state;
	setup_keys(&c, &s, 0);
	s.spi[0] = 0x06;
	s.spi[1] = 0x1A; /* PoR on error only, CC + ciphered */
	s.tar[2] = 0x12;
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	assert_int_equal(card_rx(&c, RT_SCP80_SMS, pkt, n, NULL, &rx, &err), RT_ENOENT);
	assert_int_equal(rx.status, RT_SCP80_ST_TAR_UNKNOWN);
	assert_true(rx.parsed);
	assert_true(rx.por_wanted);
	/* No keys: the PoR goes out without CC and unciphered, echoing the TAR. */
	assert_int_equal(rx.por.spi[1] & 0x1C, 0);
	rt_buf_init(&por, 256);
	assert_int_equal(rt_scp80_por_build(&rx.por, rx.status, NULL, 0, NULL, &por, &err), 0);
	assert_int_equal(por.len, 3 + 2 + 1 + 3 + 7);
	assert_int_equal(por.data[5], 0x0A);
	assert_memory_equal(por.data + 6, s.tar, 3);
	assert_int_equal(por.data[15], RT_SCP80_ST_TAR_UNKNOWN);
	rt_buf_free(&por);
	rt_scp80_rx_clear(&rx);
}

static void test_rx_insufficient_security(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	uint8_t pkt[256];
	size_t n;

	(void)state;
	setup_keys(&c, &s, 0);
	c.min_spi[0] = 0x16; /* card wants cipher + CC + counter check */
	s.spi[0] = 0x06;     /* no counter */
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	expect_status(&c, pkt, n, NULL, RT_ECRYPTO, RT_SCP80_ST_INSUFFICIENT_SECURITY, "minimum");
	s.spi[0] = 0x12; /* CC + counter, not ciphered */
	set_cntr(s.cntr, 1);
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	expect_status(&c, pkt, n, NULL, RT_ECRYPTO, RT_SCP80_ST_INSUFFICIENT_SECURITY, NULL);
	s.spi[0] = 0x15; /* RC instead of CC */
	s.kid = 0x15;
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	expect_status(&c, pkt, n, NULL, RT_ECRYPTO, RT_SCP80_ST_INSUFFICIENT_SECURITY, NULL);
	s.spi[0] = 0x16;
	s.kid = 0x35;
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	expect_status(&c, pkt, n, NULL, 0, RT_SCP80_ST_OK, NULL);
}

static void test_rx_bad_padding_counter(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	struct rt_err err = {0};
	uint8_t pkt[64] = {0x02, 0x70, 0x00};
	uint8_t plain[16];
	uint8_t iv[8] = {0};
	uint32_t crc;
	size_t n = 3;

	(void)state;
	setup_keys(&c, &s, 0);
	/* Not ciphered, RC CRC32, PCNTR = 1: padding without ciphering is impossible. */
	pkt[n++] = 0x00;
	pkt[n++] = 0x00; /* CPL, set below */
	pkt[n++] = 13 + 4;
	pkt[n++] = 0x01; /* SPI1: RC */
	pkt[n++] = 0x00;
	pkt[n++] = 0x00; /* KIc */
	pkt[n++] = 0x05; /* KID: CRC32 */
	memcpy(pkt + n, k_tar, 3);
	n += 3;
	memset(pkt + n, 0, 5);
	n += 5;
	pkt[n++] = 0x01; /* PCNTR */
	memset(pkt + n, 0, 4);
	n += 4; /* RC placeholder */
	memcpy(pkt + n, k_apdu, sizeof(k_apdu));
	n += sizeof(k_apdu);
	pkt[3] = 0;
	pkt[4] = (uint8_t)(n - 5);
	{
		/* RC over CPL..PCNTR and the data, skipping the RC field. */
		uint8_t in[64];
		size_t m = 0;

		memcpy(in, pkt + 3, 16);
		m = 16;
		memcpy(in + m, pkt + 23, n - 23);
		m += n - 23;
		crc = rt_crypto_crc32(in, m);
	}
	pkt[19] = (uint8_t)(crc >> 24);
	pkt[20] = (uint8_t)(crc >> 16);
	pkt[21] = (uint8_t)(crc >> 8);
	pkt[22] = (uint8_t)crc;
	expect_status(&c, pkt, n, NULL, RT_EPROTO, RT_SCP80_ST_UNIDENTIFIED, "padding counter 1");

	/* Ciphered (3DES), no RC/CC, PCNTR 9 >= the 8-byte block. */
	n = 3;
	pkt[n++] = 0x00;
	pkt[n++] = 1 + 7 + 16;
	pkt[n++] = 13;
	pkt[n++] = 0x04; /* cipher only */
	pkt[n++] = 0x00;
	pkt[n++] = 0x35;
	pkt[n++] = 0x35;
	memcpy(pkt + n, k_tar, 3);
	n += 3;
	memset(plain, 0, sizeof(plain));
	plain[5] = 9;
	memcpy(plain + 6, k_apdu, sizeof(k_apdu));
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_TDES, RT_CRYPTO_CBC, RT_CRYPTO_ENCRYPT,
					  c.kic.key, 16, iv, plain, 16, pkt + n, &err), 0);
	n += 16;
	expect_status(&c, pkt, n, NULL, RT_EPROTO, RT_SCP80_ST_UNIDENTIFIED, "padding counter 9");
}

static void test_rx_truncated_and_malformed(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	struct rt_scp80_rx rx;
	struct rt_err err = {0};
	uint8_t pkt[256];
	size_t n, cut;

	(void)state;
	setup_keys(&c, &s, 0);
	s.spi[0] = 0x06;
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	for (cut = 0; cut < n; cut++) {
		assert_int_not_equal(card_rx(&c, RT_SCP80_SMS, pkt, cut, NULL, &rx, &err), 0);
		assert_int_not_equal(rx.status, RT_SCP80_ST_OK);
		rt_scp80_rx_clear(&rx);
	}
	assert_int_equal(card_rx(&c, RT_SCP80_SMS, pkt, n - 1, NULL, &rx, &err), RT_EPROTO);
	assert_false(rx.parsed); /* CPL disagrees: no PoR */
	assert_non_null(strstr(err.msg, "CPL"));
	/* Wrong UDH: the response identifier 71 instead of 70. */
	pkt[1] = 0x71;
	assert_int_equal(card_rx(&c, RT_SCP80_SMS, pkt, n, NULL, &rx, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "70"));
	pkt[1] = 0x70;
	pkt[0] = 0x05; /* UDHL overruns into the packet: IE structure broken */
	assert_int_equal(card_rx(&c, RT_SCP80_SMS, pkt, n, NULL, &rx, &err), RT_EPROTO);
	pkt[0] = 0x02;
	/* Concatenation IE before the CPI IE is accepted (TS 31.115 IE order). */
	{
		uint8_t big[300] = {0x07, 0x00, 0x03, 0x42, 0x01, 0x01, 0x70, 0x00};

		memcpy(big + 8, pkt + 3, n - 3);
		assert_int_equal(card_rx(&c, RT_SCP80_SMS, big, n + 5, NULL, &rx, &err), 0);
	}
	/* Generic dialect expects CPI 01. */
	assert_int_equal(card_rx(&c, RT_SCP80_GENERIC, pkt, n, NULL, &rx, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "01"));
	/* Ciphered part not a block multiple: ciphering error. */
	pkt[4]--;
	expect_status(&c, pkt, n - 1, NULL, RT_ECRYPTO, RT_SCP80_ST_CIPHERING_ERROR, "multiple");
}

static void test_rx_unknown_algorithm(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	struct rt_scp80_rx rx;
	struct rt_err err = {0};
	uint8_t pkt[256];
	size_t n;

	(void)state;
	setup_keys(&c, &s, 0);
	s.spi[0] = 0x06;
	s.spi[1] = 0x11;
	n = wrap(&s, NULL, pkt, sizeof(pkt));
	pkt[8] = 0x36; /* KIc nibble 6: reserved */
	assert_int_equal(card_rx(&c, RT_SCP80_SMS, pkt, n, NULL, &rx, &err), RT_ENOTSUP);
	assert_int_equal(rx.status, RT_SCP80_ST_UNIDENTIFIED);
	assert_non_null(strstr(err.msg, "reserved"));
	assert_int_equal(rx.por.spi[1] & 0x1C, 0); /* PoR cannot be ciphered with it */
	rt_scp80_rx_clear(&rx);
	pkt[8] = 0x35;
	pkt[9] = 0x37; /* KID nibble 7: proprietary */
	expect_status(&c, pkt, n, NULL, RT_ENOTSUP, RT_SCP80_ST_UNIDENTIFIED, "proprietary");
	pkt[9] = 0x35;
	/* The card holds an AES key where the packet claims 3DES. */
	c.kic.alg = RT_SCP80_ALG_AES_CBC;
	expect_status(&c, pkt, n, NULL, RT_ENOTSUP, RT_SCP80_ST_UNIDENTIFIED, "holds");
	c.kic.alg = RT_SCP80_ALG_NONE;
	c.kic.len = 0; /* keyset missing */
	expect_status(&c, pkt, n, NULL, RT_ENOTSUP, RT_SCP80_ST_UNIDENTIFIED, "no key");
}

/* ---- PoR verification: negative cases -------------------------------------------- */

static size_t build_por(const struct rt_scp80_sec *s, uint8_t status, uint8_t *out, size_t sz)
{
	static const uint8_t resp[] = {0x01, 0x61, 0x32};
	struct rt_buf b;
	struct rt_err err = {0};
	size_t n;

	rt_buf_init(&b, sz);
	if (rt_scp80_por_build(s, status, resp, sizeof(resp), NULL, &b, &err))
		fail_msg("PoR build: %s", err.msg);
	memcpy(out, b.data, b.len);
	n = b.len;
	rt_buf_free(&b);
	return n;
}

static int verify(const struct rt_scp80_sec *s, const uint8_t *p, size_t n, struct rt_err *err)
{
	struct rt_scp80_por res;
	struct rt_buf d;
	int rc;

	rt_buf_init(&d, 1024);
	rc = rt_scp80_por_verify(s, p, n, NULL, &res, &d, err);
	if (rc == 0) {
		assert_int_equal(d.len, 3);
		assert_int_equal(d.data[1], 0x61);
	}
	rt_buf_free(&d);
	return rc;
}

static void test_por_negative(void **state)
{
	struct card c;
	struct rt_scp80_sec s, other;
	struct rt_err err = {0};
	uint8_t por[256];
	size_t n;

	(void)state;
	setup_keys(&c, &s, 1);
	s.spi[0] = 0x16;
	s.spi[1] = 0x39; /* PoR CC + ciphered */
	set_cntr(s.cntr, 0x42);
	n = build_por(&s, 0x00, por, sizeof(por));
	assert_int_equal(verify(&s, por, n, &err), 0);

	por[n - 1] ^= 1; /* wrong CC (ciphertext) */
	assert_int_equal(verify(&s, por, n, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "CC mismatch"));
	por[n - 1] ^= 1;
	por[1] = 0x70; /* wrong UDH: command identifier */
	assert_int_equal(verify(&s, por, n, &err), RT_EPROTO);
	por[1] = 0x71;
	assert_int_equal(verify(&s, por, n - 1, &err), RT_EPROTO); /* truncated: RPL */
	assert_non_null(strstr(err.msg, "RPL"));
	assert_int_equal(verify(&s, por, 9, &err), RT_EPROTO);
	por[4] = (uint8_t)(por[4] - 1); /* RPL says one less, with one byte cut: block error */
	assert_int_equal(verify(&s, por, n - 1, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "multiple"));
	por[4] = (uint8_t)(por[4] + 1);

	other = s; /* TAR mismatch */
	other.tar[0] ^= 1;
	assert_int_equal(verify(&other, por, n, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "TAR"));
	other = s; /* counter echo mismatch */
	set_cntr(other.cntr, 0x43);
	assert_int_equal(verify(&other, por, n, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "counter echo"));
	other = s; /* we asked for a PoR without CC: RHL does not match */
	other.spi[1] = 0x11;
	assert_int_equal(verify(&other, por, n, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "RHL"));
	other = s; /* wrong key: CC fails */
	c.kid.key[3] ^= 1;
	assert_int_equal(verify(&other, por, n, &err), RT_ECRYPTO);
	c.kid.key[3] ^= 1;

	/* Plain PoR with a non-zero padding counter. */
	s.spi[1] = 0x01;
	n = build_por(&s, 0x00, por, sizeof(por));
	assert_int_equal(verify(&s, por, n, &err), 0);
	por[14] = 1; /* PCNTR */
	assert_int_equal(verify(&s, por, n, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "padding"));
	por[14] = 0;
	/* Status bytes pass through: an error PoR is still a valid PoR. */
	n = build_por(&s, RT_SCP80_ST_CNTR_LOW, por, sizeof(por));
	{
		struct rt_scp80_por res;
		struct rt_buf d;

		rt_buf_init(&d, 64);
		assert_int_equal(rt_scp80_por_verify(&s, por, n, NULL, &res, &d, &err), 0);
		assert_int_equal(res.status, RT_SCP80_ST_CNTR_LOW);
		rt_buf_free(&d);
	}
	/* Generic dialect wants RPI 02 (the SMS UDHL 02 happens to look like one, then the
	 * lengths disagree). */
	s.dialect = RT_SCP80_GENERIC;
	assert_int_equal(verify(&s, por, n, &err), RT_EPROTO);
	por[0] = 0x04;
	assert_int_equal(verify(&s, por, n, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "not 02"));
}

static void test_output_bound(void **state)
{
	struct card c;
	struct rt_scp80_sec s;
	struct rt_buf b;
	struct rt_err err = {0};
	static uint8_t big[RT_SCP80_MAX_PACKET + 1];

	(void)state;
	setup_keys(&c, &s, 0);
	s.spi[0] = 0x06;
	rt_buf_init(&b, 20);
	assert_int_equal(rt_scp80_cmd_wrap(&s, k_apdu, sizeof(k_apdu), NULL, &b, &err), RT_ENOMEM);
	assert_non_null(strstr(err.msg, "output buffer"));
	rt_buf_free(&b);
	rt_buf_init(&b, sizeof(big) * 2);
	assert_int_equal(rt_scp80_cmd_wrap(&s, big, sizeof(big), NULL, &b, &err), RT_ERANGE);
	rt_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spi_roundtrip),
		cmocka_unit_test(test_kic_kid_tables),
		cmocka_unit_test(test_generic_dialect_long),
		cmocka_unit_test(test_aes_cc4_option),
		cmocka_unit_test(test_rx_wrong_cc),
		cmocka_unit_test(test_rx_wrong_rc),
		cmocka_unit_test(test_rx_counters),
		cmocka_unit_test(test_rx_unknown_tar),
		cmocka_unit_test(test_rx_insufficient_security),
		cmocka_unit_test(test_rx_bad_padding_counter),
		cmocka_unit_test(test_rx_truncated_and_malformed),
		cmocka_unit_test(test_rx_unknown_algorithm),
		cmocka_unit_test(test_por_negative),
		cmocka_unit_test(test_output_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
