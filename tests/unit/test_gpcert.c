/* SPDX-License-Identifier: Apache-2.0 */
/* test_gpcert — codec/rt_gpcert and scp/rt_gpcert_verify.
 *
 * The positive material is the TEST ONLY PKI of certs/: its 7F21 files were
 * built by make-test-pki.sh with the openssl command line (sgp02-facts §4.4 layout, r‖s
 * from `openssl dgst -sign`), not by our encoder, so decoding them, verifying them with
 * the CI key of the X.509 PKI and re-encoding them byte for byte checks both sides.
 * The WHTY-SR sample layout of facts §4.4 is decoded too. Every check has a negative
 * case: wrong CI, bad signature, expired, not yet valid, wrong usage, wrong type, bad
 * certified key, and a list of malformed encodings including every truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "codec/rt_gpcert.h"
#include "crypto/rt_ec.h"
#include "crypto/rt_x509.h"
#include "scp/rt_gpcert_verify.h"
#include "util/rt_hex.h"

static uint8_t *slurp(const char *curve, const char *name, size_t *n)
{
	return rt_test_slurp(n, "%s/certs/%s/%s", rt_test_srcdir(), curve, name);
}

/* NAME.7f21.hex -> bytes */
static uint8_t *load_gp(const char *curve, const char *name, size_t *n)
{
	char file[128];
	size_t hl;
	uint8_t *hex, *bin;
	struct rt_err err = {0};

	snprintf(file, sizeof(file), "%s.7f21.hex", name);
	hex = slurp(curve, file, &hl);
	bin = malloc(hl / 2 + 1);
	assert_non_null(bin);
	if (rt_hex_decode((const char *)hex, hl, bin, hl / 2 + 1, n, &err))
		fail_msg("%s: %s", file, err.msg);
	free(hex);
	return bin;
}

static struct rt_ec_key *load_key(const char *curve, const char *file)
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

static void x509(const char *curve, const char *name, struct rt_x509_info *info,
		 struct rt_ec_key **key)
{
	char file[128];
	size_t n;
	uint8_t *b;
	struct rt_err err = {0};

	snprintf(file, sizeof(file), "%s.pem", name);
	b = slurp(curve, file, &n);
	if (rt_x509_info(b, n, info, key, &err))
		fail_msg("%s: %s", file, err.msg);
	free(b);
}

/* Decode, compare with the X.509 twin, verify with the issuer, re-encode. */
static void check_twin(const char *curve, const char *name, const char *issuer, long usage,
		       int type)
{
	struct rt_x509_info xi, ii;
	struct rt_ec_key *xkey = NULL, *ikey = NULL, *ckey = NULL;
	struct rt_gpcert c;
	struct rt_gpcert_policy p;
	struct rt_gpcert_fields f;
	enum rt_gpcert_status st;
	struct rt_err err = {0};
	struct rt_buf b;
	uint8_t pt[65], xpt[65];
	size_t n, used = 0;
	uint8_t *bin = load_gp(curve, name, &n);

	x509(curve, name, &xi, &xkey);
	x509(curve, issuer, &ii, &ikey);
	if (rt_gpcert_decode(bin, n, 0, &c, &used, &err))
		fail_msg("%s/%s: %s", curve, name, err.msg);
	assert_int_equal(used, n);
	assert_int_equal(c.serial.len, xi.serial_len);
	assert_memory_equal(c.serial.p, xi.serial, xi.serial_len);
	assert_int_equal(c.subject_id.len, xi.ski_len);
	assert_memory_equal(c.subject_id.p, xi.ski, xi.ski_len);
	assert_int_equal(c.ca_id.len, ii.ski_len);
	assert_memory_equal(c.ca_id.p, ii.ski, ii.ski_len);
	assert_int_equal(c.aki.len, xi.aki_len);
	assert_int_equal(c.effective, xi.not_before);
	assert_int_equal(c.expiration, xi.not_after);
	assert_int_equal((long)c.key_usage, usage);
	assert_int_equal(c.cert_type, type);
	assert_int_equal(c.key_param_ref, strcmp(curve, "p256") == 0 ? 0 : 3);
	assert_int_equal(c.signature.len, 64);
	assert_int_equal(rt_ec_key_public(xkey, xpt, &err), 0);
	assert_int_equal(c.public_key.len, 65);
	assert_memory_equal(c.public_key.p, xpt, 65);

	rt_gpcert_policy_init(&p);
	p.date = 20300101;
	p.key_usage = usage;
	p.cert_type = type;
	p.issuer_id = ii.ski;
	p.issuer_id_len = ii.ski_len;
	if (rt_gpcert_verify(&c, ikey, &p, &ckey, &st, &err))
		fail_msg("%s/%s verify: %s", curve, name, err.msg);
	assert_int_equal(st, RT_GPCERT_OK);
	assert_int_equal(rt_ec_key_public(ckey, pt, &err), 0);
	assert_memory_equal(pt, xpt, 65);

	/* our encoder reproduces the openssl-built bytes */
	memset(&f, 0, sizeof(f));
	f.serial = c.serial;
	f.ca_id = c.ca_id;
	f.subject_id = c.subject_id;
	f.key_usage = c.key_usage;
	f.key_usage_len = c.key_usage_len;
	f.effective = c.effective;
	f.expiration = c.expiration;
	f.cert_type = c.cert_type;
	f.aki = c.aki;
	f.public_key = c.public_key;
	f.key_param_ref = c.key_param_ref;
	rt_buf_init(&b, RT_GPCERT_MAX);
	assert_int_equal(rt_gpcert_encode_tbs(&f, &b, &err), 0);
	assert_int_equal(b.len, c.signed_data.len);
	assert_memory_equal(b.data, c.signed_data.p, b.len);
	rt_buf_reset(&b);
	assert_int_equal(rt_gpcert_wrap(c.signed_data.p, c.signed_data.len, c.signature.p,
					c.signature.len, &b, &err), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, bin, n);
	rt_buf_free(&b);
	rt_ec_key_free(xkey);
	rt_ec_key_free(ikey);
	rt_ec_key_free(ckey);
	free(bin);
}

static void test_pki_twins(void **state)
{
	static const char *curves[] = { "p256", "bp256" };
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		check_twin(curves[i], "smdp", "ci", 0x88, 0x01);
		check_twin(curves[i], "smsr", "ci", 0x88, 0x02);
		check_twin(curves[i], "eum", "ci", 0x88, -1);
		check_twin(curves[i], "ecasd", "eum", 0x0080, -1);
		check_twin(curves[i], "smdp-ci2", "ci2", 0x88, 0x01);
	}
}

static void test_chain(void **state)
{
	static const char *curves[] = { "p256", "bp256" };
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		size_t ne, na, failed = 99;
		uint8_t *eum = load_gp(curves[i], "eum", &ne), *ecasd = load_gp(curves[i], "ecasd", &na);
		const uint8_t *certs[2] = { eum, ecasd };
		size_t lens[2] = { ne, na };
		struct rt_ec_key *ci = load_key(curves[i], "ci.pem"), *ci2 = load_key(curves[i], "ci2.pem");
		struct rt_ec_key *leaf = NULL, *want = NULL;
		struct rt_x509_info cii, ai;
		struct rt_gpcert_policy lp;
		enum rt_gpcert_status st;
		struct rt_err err = {0};
		uint8_t p1[65], p2[65];

		x509(curves[i], "ci", &cii, NULL);
		x509(curves[i], "ecasd", &ai, &want);
		rt_gpcert_policy_init(&lp);
		lp.key_usage = 0x0080;
		if (rt_gpcert_verify_chain(certs, lens, 2, ci, cii.ski, cii.ski_len, 20300101, &lp,
					   &leaf, &failed, &st, &err))
			fail_msg("chain %s: %s", curves[i], err.msg);
		assert_int_equal(rt_ec_key_public(leaf, p1, &err), 0);
		assert_int_equal(rt_ec_key_public(want, p2, &err), 0);
		assert_memory_equal(p1, p2, 65);
		rt_ec_key_free(leaf);
		leaf = NULL;
		/* wrong CI: fails at 0 with the issuer id, as a bad signature without it */
		assert_int_equal(rt_gpcert_verify_chain(certs, lens, 2, ci2, cii.ski, cii.ski_len,
							20300101, &lp, &leaf, &failed, &st, &err),
				 RT_ECRYPTO);
		assert_int_equal(failed, 0);
		assert_int_equal(st, RT_GPCERT_BAD_SIGNATURE);
		/* expired at the leaf date; wrong leaf usage fails at 1 */
		assert_int_equal(rt_gpcert_verify_chain(certs, lens, 2, ci, NULL, 0, 20500101, &lp,
							&leaf, &failed, &st, &err), RT_ECRYPTO);
		assert_int_equal(st, RT_GPCERT_EXPIRED);
		assert_int_equal(failed, 0);
		lp.key_usage = 0x88;
		assert_int_equal(rt_gpcert_verify_chain(certs, lens, 2, ci, NULL, 0, 20300101, &lp,
							&leaf, &failed, &st, &err), RT_ECRYPTO);
		assert_int_equal(st, RT_GPCERT_WRONG_USAGE);
		assert_int_equal(failed, 1);
		/* order swapped: ECASD is not signed by the CI */
		certs[0] = ecasd;
		lens[0] = na;
		certs[1] = eum;
		lens[1] = ne;
		assert_int_equal(rt_gpcert_verify_chain(certs, lens, 2, ci, cii.ski, cii.ski_len,
							20300101, NULL, &leaf, &failed, &st, &err),
				 RT_ECRYPTO);
		assert_int_equal(st, RT_GPCERT_WRONG_ISSUER);
		assert_null(leaf);
		rt_ec_key_free(ci);
		rt_ec_key_free(ci2);
		rt_ec_key_free(want);
		free(eum);
		free(ecasd);
	}
}

static void expect_status(const uint8_t *b, size_t n, const struct rt_ec_key *issuer,
			  const struct rt_gpcert_policy *p, enum rt_gpcert_status want,
			  const char *msg)
{
	enum rt_gpcert_status st = RT_GPCERT_OK;
	struct rt_err err = {0};
	int rc = rt_gpcert_verify_bytes(b, n, issuer, p, NULL, &st, &err);

	if (rc == 0 || st != want)
		fail_msg("status %s (%s), want %s", rt_gpcert_status_name(st), err.msg,
			 rt_gpcert_status_name(want));
	if (msg && !strstr(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
}

/* Certificates built here with our encoder and the CI key for the policy cases. */
static void test_policy_negative(void **state)
{
	struct rt_ec_key *ci = load_key("p256", "ci.key"), *ci2 = load_key("p256", "ci2.key");
	struct rt_ec_key *subj = NULL;
	struct rt_x509_info cii;
	struct rt_gpcert_fields f;
	struct rt_gpcert_policy p;
	struct rt_err err = {0};
	struct rt_buf b;
	uint8_t pt[65], bad[65];
	static const uint8_t serial[] = { 0x42 }, sid[] = { 0xAA, 0xBB };
	size_t n;
	uint8_t *dp;

	(void)state;
	x509("p256", "ci", &cii, NULL);
	assert_int_equal(rt_ec_key_generate(RT_EC_P256, &subj, &err), 0);
	assert_int_equal(rt_ec_key_public(subj, pt, &err), 0);
	memset(&f, 0, sizeof(f));
	f.serial.p = serial;
	f.serial.len = 1;
	f.ca_id.p = cii.ski;
	f.ca_id.len = cii.ski_len;
	f.subject_id.p = sid;
	f.subject_id.len = 2;
	f.key_usage = 0x88;
	f.key_usage_len = 1;
	f.effective = 20250101;
	f.expiration = 20260630;
	f.cert_type = 1;
	f.public_key.p = pt;
	f.public_key.len = 65;
	f.key_param_ref = 0;
	rt_buf_init(&b, RT_GPCERT_MAX);
	if (rt_gpcert_sign(&f, ci, &b, &err))
		fail_msg("sign: %s", err.msg);
	rt_gpcert_policy_init(&p);
	p.issuer_id = cii.ski;
	p.issuer_id_len = cii.ski_len;
	p.key_usage = 0x88;
	p.cert_type = 1;
	p.date = 20250601;
	assert_int_equal(rt_gpcert_verify_bytes(b.data, b.len, ci, &p, NULL, NULL, &err), 0);
	/* boundaries: the expiration day itself is valid, the day after is not */
	p.date = 20260630;
	assert_int_equal(rt_gpcert_verify_bytes(b.data, b.len, ci, &p, NULL, NULL, &err), 0);
	p.date = 20260701;
	expect_status(b.data, b.len, ci, &p, RT_GPCERT_EXPIRED, "expired on 20260630");
	p.date = 20241231;
	expect_status(b.data, b.len, ci, &p, RT_GPCERT_NOT_YET_VALID, "not valid before");
	p.date = 20250601;
	p.key_usage = 0x10;
	expect_status(b.data, b.len, ci, &p, RT_GPCERT_WRONG_USAGE, "key usage");
	p.key_usage = 0x88;
	p.cert_type = 2;
	expect_status(b.data, b.len, ci, &p, RT_GPCERT_WRONG_TYPE, "C8 is 01");
	p.cert_type = 1;
	expect_status(b.data, b.len, ci2, &p, RT_GPCERT_BAD_SIGNATURE, "does not verify");
	/* a certificate from the other CI (its 42 names ci2) */
	dp = load_gp("p256", "smdp-ci2", &n);
	expect_status(dp, n, ci2, &p, RT_GPCERT_WRONG_ISSUER, "CA identifier");
	free(dp);
	/* bad signature: flip the last byte of s */
	b.data[b.len - 1] ^= 0x01;
	expect_status(b.data, b.len, ci, &p, RT_GPCERT_BAD_SIGNATURE, NULL);
	/* malformed */
	expect_status(b.data, b.len - 1, ci, &p, RT_GPCERT_MALFORMED, NULL);
	/* certified point not on the curve, properly signed */
	memcpy(bad, pt, 65);
	bad[64] ^= 1;
	f.public_key.p = bad;
	rt_buf_reset(&b);
	assert_int_equal(rt_gpcert_sign(&f, ci, &b, &err), 0);
	expect_status(b.data, b.len, ci, &p, RT_GPCERT_BAD_KEY, "not on the curve");
	/* unsupported key parameter reference (01 = P-384) */
	f.public_key.p = pt;
	f.key_param_ref = 1;
	rt_buf_reset(&b);
	assert_int_equal(rt_gpcert_sign(&f, ci, &b, &err), 0);
	expect_status(b.data, b.len, ci, &p, RT_GPCERT_BAD_KEY, "reference 01");
	/* no C8 while the policy wants one */
	f.key_param_ref = 0;
	f.cert_type = -1;
	rt_buf_reset(&b);
	assert_int_equal(rt_gpcert_sign(&f, ci, &b, &err), 0);
	expect_status(b.data, b.len, ci, &p, RT_GPCERT_WRONG_TYPE, "no certificate type");
	/* brainpool key in a P-256 CI's certificate is fine when F0 says so */
	{
		struct rt_ec_key *bk = NULL;
		uint8_t bpt[65];

		assert_int_equal(rt_ec_key_generate(RT_EC_BP256R1, &bk, &err), 0);
		assert_int_equal(rt_ec_key_public(bk, bpt, &err), 0);
		f.public_key.p = bpt;
		f.key_param_ref = 3;
		f.cert_type = 1;
		rt_buf_reset(&b);
		assert_int_equal(rt_gpcert_sign(&f, ci, &b, &err), 0);
		assert_int_equal(rt_gpcert_verify_bytes(b.data, b.len, ci, &p, NULL, NULL, &err), 0);
		/* but the same point said to be P-256 is refused */
		f.key_param_ref = 0;
		rt_buf_reset(&b);
		assert_int_equal(rt_gpcert_sign(&f, ci, &b, &err), 0);
		expect_status(b.data, b.len, ci, &p, RT_GPCERT_BAD_KEY, "P-256");
		rt_ec_key_free(bk);
	}
	rt_buf_free(&b);
	rt_ec_key_free(ci);
	rt_ec_key_free(ci2);
	rt_ec_key_free(subj);
}

/* body: the hex of the 7F21 value (the 7F21 81 L header is added); a body starting
 * with '!' is used as the whole certificate. */
static void expect_malformed(const char *body, const char *msg)
{
	uint8_t b[512];
	char hex[1100];
	size_t n = 0;
	struct rt_gpcert c;
	struct rt_err err = {0};

	if (body[0] == '!')
		snprintf(hex, sizeof(hex), "%s", body + 1);
	else
		snprintf(hex, sizeof(hex), "7F2181%02zX%s", strlen(body) / 2, body);
	assert_int_equal(rt_hex_decode(hex, strlen(hex), b, sizeof(b), &n, &err), 0);
	if (rt_gpcert_decode(b, n, 0, &c, NULL, &err) != RT_EPROTO)
		fail_msg("'%s' decoded", hex);
	if (msg && !strstr(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
}

#define PK "7F4946B04104" \
	"60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6" \
	"7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299F00100"
#define SIG "5F3740" \
	"EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716" \
	"F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"

/* The WHTY-SR sample layout (sgp02-facts §4.4) and malformed variants of it. */
static void test_decode_layouts(void **state)
{
	/* 93 01 02 | 42 01 02 | 5F20 01 02 | 95 01 88 | 5F24 04 21450101 | 73 03 C8 01 01 | 7F49 | 5F37 */
	static const char body[] = "930102420102" "5F200102" "950188" "5F240421450101" "7303C80101" PK SIG;
	char hex[600];
	uint8_t b[300];
	size_t n;
	struct rt_gpcert c;
	struct rt_err err = {0};

	(void)state;
	snprintf(hex, sizeof(hex), "7F2181%02zX%s", (strlen(body)) / 2, body);
	assert_int_equal(rt_hex_decode(hex, strlen(hex), b, sizeof(b), &n, &err), 0);
	assert_int_equal(rt_gpcert_decode(b, n, 0, &c, NULL, &err), 0);
	assert_int_equal(c.serial.len, 1);
	assert_int_equal(c.serial.p[0], 0x02);
	assert_int_equal(c.key_usage, 0x88);
	assert_int_equal(c.expiration, 21450101);
	assert_int_equal(c.effective, 0);
	assert_int_equal(c.cert_type, 1);
	assert_null(c.aki.p);
	assert_int_equal(c.key_param_ref, 0);
	assert_int_equal(c.signed_data.len, n - 4 - 67);
	assert_ptr_equal(c.signed_data.p, b + 4);
	/* every truncation fails */
	{
		size_t k;

		for (k = 0; k < n; k++)
			assert_int_equal(rt_gpcert_decode(b, k, 0, &c, NULL, &err), RT_EPROTO);
	}
	/* trailing bytes only with the flag */
	b[n] = 0x00;
	assert_int_equal(rt_gpcert_decode(b, n + 1, 0, &c, NULL, &err), RT_EPROTO);
	assert_int_equal(rt_gpcert_decode(b, n + 1, RT_GPCERT_F_TRAILING, &c, NULL, &err), 0);

	expect_malformed("!7F2003930102", "7F21 expected");
	/* missing serial */
	expect_malformed("420102" "5F200102" "950188" "5F240421450101" PK SIG, "serial");
	/* 95 repeated */
	expect_malformed("930102420102" "5F200102" "950188" "950188" "5F240421450101" PK SIG,
			 "repeated");
	/* out of order (42 before 93) */
	expect_malformed("420102930102" "5F200102" "950188" "5F240421450101" PK SIG,
			 "out of order");
	/* unknown tag */
	expect_malformed("930102420102" "5F200102" "950188" "5F240421450101" "DF0100" PK SIG,
			 "unknown tag");
	/* key usage of 3 bytes */
	expect_malformed("930102420102" "5F200102" "9503000088" "5F240421450101" PK SIG,
			 "1 or 2");
	/* date not BCD, not a calendar date, wrong length */
	expect_malformed("930102420102" "5F200102" "950188" "5F2404214A0101" PK SIG, "BCD");
	expect_malformed("930102420102" "5F200102" "950188" "5F240420250230" PK SIG,
			 "calendar");
	expect_malformed("930102420102" "5F200102" "950188" "5F2403" "202501" "01" PK SIG,
			 NULL);
	/* signature not last */
	expect_malformed("930102420102" "5F200102" "950188" "5F240421450101" PK SIG "950188",
			 "after the signature");
	/* 7F49 without B0 */
	expect_malformed("930102420102" "5F200102" "950188" "5F240421450101" "7F4903F00100" SIG,
			 "B0");
	/* C8 of two bytes */
	expect_malformed("930102420102" "5F200102" "950188" "5F240421450101" "7304C8020101" PK SIG,
			 "C8");
	/* 2-byte key usage and 3-byte date are accepted (NJIWA's decoder) */
	{
		static const char b2[] = "930102420102" "5F200102" "95020080" "5F2403450101" PK SIG;

		snprintf(hex, sizeof(hex), "7F2181%02zX%s", strlen(b2) / 2, b2);
		assert_int_equal(rt_hex_decode(hex, strlen(hex), b, sizeof(b), &n, &err), 0);
		assert_int_equal(rt_gpcert_decode(b, n, 0, &c, NULL, &err), 0);
		assert_int_equal(c.key_usage, 0x0080);
		assert_int_equal(c.key_usage_len, 2);
		assert_int_equal(c.expiration, 20450101);
	}
}

static void test_dates(void **state)
{
	uint8_t d[4];
	uint32_t ymd;
	struct rt_err err = {0};

	(void)state;
	assert_int_equal(rt_gpcert_date_encode(20240229, d, &err), 0);
	assert_int_equal(rt_gpcert_date_decode(d, 4, &ymd, &err), 0);
	assert_int_equal(ymd, 20240229);
	assert_int_equal(rt_gpcert_date_encode(20230229, d, &err), RT_EINVAL);
	assert_int_equal(rt_gpcert_date_encode(20231301, d, &err), RT_EINVAL);
	assert_int_equal(rt_gpcert_date_encode(20230100, d, &err), RT_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pki_twins),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_policy_negative),
		cmocka_unit_test(test_decode_layouts),
		cmocka_unit_test(test_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
