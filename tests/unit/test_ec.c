/* SPDX-License-Identifier: Apache-2.0 */
/* test_ec — harness/crypto/rt_ec and rt_x509: known answers from public sources and a
 * negative case for every check.
 *
 * Known answers (bytes copied from the published documents):
 *  - RFC 5903 §8.1 (256-bit random ECP group): P-256 ECDH, both key pairs and g^ir x.
 *  - RFC 7027 Appendix A.1: brainpoolP256r1 ECDH, both key pairs and x_Z (the same
 *    curve RFC 6932 registers for IKE; RFC 7027 publishes the 256-bit test vector).
 *  - RFC 6979 Appendix A.2.5: P-256 key pair and the deterministic ECDSA-SHA256
 *    signatures of "sample" and "test" (verified here; OpenSSL 3.0 signs with random k).
 *  - NIST CAVP SP 800-135 ansx963_2001.rsp, [SHA-256]: shared secret length 192,
 *    SharedInfo 0 / key data 128 (COUNT 0) and SharedInfo 128 / key data 1024 (COUNT 0),
 *    as quoted by cryptomator/cryptolib KeyDerivationFunctionTest.java.
 * X.509 cases use the TEST ONLY PKI in certs/ (certs/make-test-pki.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "crypto/rt_ec.h"
#include "crypto/rt_x509.h"
#include "util/rt_hex.h"

static struct rt_ec_key *priv_key(enum rt_ec_curve c, const char *dhex)
{
	struct rt_ec_key *k = NULL;
	struct rt_err err = {0};
	uint8_t d[32];
	size_t n = unhex(dhex, d, sizeof(d));

	if (rt_ec_key_from_private(c, d, n, &k, &err))
		fail_msg("private key: %s", err.msg);
	return k;
}

static void expect_pub(const struct rt_ec_key *k, const char *pthex)
{
	uint8_t want[65], got[65];
	struct rt_err err = {0};

	assert_int_equal(unhex(pthex, want, sizeof(want)), 65);
	assert_int_equal(rt_ec_key_public(k, got, &err), 0);
	assert_memory_equal(got, want, 65);
}

static void ecdh_kat(enum rt_ec_curve c, const char *da, const char *qa, const char *db,
		     const char *qb, const char *zhex)
{
	struct rt_ec_key *a = priv_key(c, da), *b = priv_key(c, db);
	uint8_t pqa[65], pqb[65], z[32], want[32];
	struct rt_err err = {0};

	expect_pub(a, qa);
	expect_pub(b, qb);
	unhex(qa, pqa, sizeof(pqa));
	unhex(qb, pqb, sizeof(pqb));
	unhex(zhex, want, sizeof(want));
	assert_int_equal(rt_ec_ecdh(a, pqb, 65, z, &err), 0);
	assert_memory_equal(z, want, 32);
	assert_int_equal(rt_ec_ecdh(b, pqa, 65, z, &err), 0);
	assert_memory_equal(z, want, 32);
	rt_ec_key_free(a);
	rt_ec_key_free(b);
}

/* RFC 5903 §8.1 */
static void test_ecdh_rfc5903_p256(void **state)
{
	(void)state;
	ecdh_kat(RT_EC_P256, "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
		 "04DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
		 "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
		 "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
		 "04D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
		 "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
		 "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
}

/* RFC 7027 A.1 */
static void test_ecdh_rfc7027_bp256(void **state)
{
	(void)state;
	ecdh_kat(RT_EC_BP256R1, "81DB1EE100150FF2EA338D708271BE38300CB54241D79950F77B063039804F1D",
		 "0444106E913F92BC02A1705D9953A8414DB95E1AAA49E81D9E85F929A8E3100BE5"
		 "8AB4846F11CACCB73CE49CBDD120F5A900A69FD32C272223F789EF10EB089BDC",
		 "55E40BC41E37E3E2AD25C3C6654511FFA8474A91A0032087593852D3E7D76BD3",
		 "048D2D688C6CF93E1160AD04CC4429117DC2C41825E1E9FCA0ADDD34E6F1B39F7B"
		 "990C57520812BE512641E47034832106BC7D3E8DD0E4C7F1136D7006547CEC6A",
		 "89AFC39D41D3B327814B80940B042590F96556EC91E6AE7939BCE31F3A18BF2B");
}

static const char k_6979_x[] = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
static const char k_6979_u[] = "0460FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
			       "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";
static const char k_6979_sample[] =
	"EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
	"F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8";
static const char k_6979_test[] =
	"F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367"
	"019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083";

/* RFC 6979 A.2.5 */
static void test_ecdsa_rfc6979_p256(void **state)
{
	struct rt_ec_key *k = priv_key(RT_EC_P256, k_6979_x), *pub = NULL;
	struct rt_err err = {0};
	uint8_t sig[64], pt[65], der[72], back[64];
	size_t derlen;

	(void)state;
	expect_pub(k, k_6979_u);
	unhex(k_6979_u, pt, sizeof(pt));
	assert_int_equal(rt_ec_key_from_public(RT_EC_P256, pt, 65, &pub, &err), 0);
	assert_false(rt_ec_key_has_private(pub));
	unhex(k_6979_sample, sig, sizeof(sig));
	assert_int_equal(rt_ec_verify(pub, (const uint8_t *)"sample", 6, sig, 64, &err), 0);
	/* a different message, a flipped bit */
	assert_int_equal(rt_ec_verify(pub, (const uint8_t *)"samplf", 6, sig, 64, &err), RT_ECRYPTO);
	sig[63] ^= 1;
	assert_int_equal(rt_ec_verify(pub, (const uint8_t *)"sample", 6, sig, 64, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "does not verify"));
	unhex(k_6979_test, sig, sizeof(sig));
	assert_int_equal(rt_ec_verify(pub, (const uint8_t *)"test", 4, sig, 64, &err), 0);
	/* s of "test" starts with 01: the DER form has a short s, the round trip pads it */
	assert_int_equal(rt_ec_sig_plain_to_der(RT_EC_P256, sig, 64, der, &derlen, &err), 0);
	assert_int_equal(rt_ec_sig_der_to_plain(RT_EC_P256, der, derlen, back, &err), 0);
	assert_memory_equal(back, sig, 64);
	/* our own signatures verify, with the private key object and the public one */
	assert_int_equal(rt_ec_sign(k, (const uint8_t *)"sample", 6, sig, &err), 0);
	assert_int_equal(rt_ec_verify(pub, (const uint8_t *)"sample", 6, sig, 64, &err), 0);
	assert_int_equal(rt_ec_verify(k, (const uint8_t *)"sample", 6, sig, 64, &err), 0);
	/* a public key cannot sign */
	assert_int_equal(rt_ec_sign(pub, (const uint8_t *)"x", 1, sig, &err), RT_EINVAL);
	rt_ec_key_free(k);
	rt_ec_key_free(pub);
}

static void kdf_kat(const char *z, const char *si, const char *want)
{
	uint8_t zb[64], sib[64], wb[128], out[128];
	struct rt_err err = {0};
	size_t zl = unhex(z, zb, sizeof(zb)), sl = unhex(si, sib, sizeof(sib)),
	       wl = unhex(want, wb, sizeof(wb));

	assert_int_equal(rt_ec_x963_kdf(zb, zl, sl ? sib : NULL, sl, out, wl, &err), 0);
	assert_memory_equal(out, wb, wl);
}

/* NIST CAVP ansx963_2001.rsp [SHA-256] */
static void test_x963_kdf_cavp(void **state)
{
	uint8_t out[8];
	struct rt_err err = {0};

	(void)state;
	kdf_kat("96c05619d56c328ab95fe84b18264b08725b85e33fd34f08", "",
		"443024c3dae66b95e6f5670601558f71");
	kdf_kat("96f600b73ad6ac5629577eced51743dd2c24c21b1ac83ee4", "",
		"b6295162a7804f5667ba9070f82fa522");
	kdf_kat("22518b10e70f2a3f243810ae3254139efbee04aa57c7af7d", "75eef81aa3041e33b80971203d2c0c52",
		"c498af77161cc59f2962b9a713e2b215152d139766ce34a776df11866a69bf2e"
		"52a13d9c7c6fc878c50c5ea0bc7b00e0da2447cfd874f6cf92f30d0097111485"
		"500c90c3af8b487872d04685d14c8d1dc8d7fa08beb0ce0ababc11f0bd496269"
		"142d43525a78e5bc79a17f59676a5706dc54d54d4d1f0bd7e386128ec26afc21");
	kdf_kat("7e335afa4b31d772c0635c7b0e06f26fcd781df947d2990a", "d65a4812733f8cdbcdfb4b2f4c191d87",
		"c0bd9e38a8f9de14c2acd35b2f3410c6988cf02400543631e0d6a4c1d030365a"
		"cbf398115e51aaddebdc9590664210f9aa9fed770d4c57edeafa0b8c14f93300"
		"865251218c262d63dadc47dfa0e0284826793985137e0a544ec80abf2fdf5ab9"
		"0bdaea66204012efe34971dc431d625cd9a329b8217cc8fd0d9f02b13f2f6b0b");
	assert_int_equal(rt_ec_x963_kdf((const uint8_t *)"z", 1, NULL, 0, out, 0, &err), RT_ERANGE);
	/* a prefix of a longer output is the shorter output */
	{
		uint8_t a[70], b[33];

		assert_int_equal(rt_ec_x963_kdf((const uint8_t *)"zz", 2, (const uint8_t *)"i", 1, a,
						sizeof(a), &err), 0);
		assert_int_equal(rt_ec_x963_kdf((const uint8_t *)"zz", 2, (const uint8_t *)"i", 1, b,
						sizeof(b), &err), 0);
		assert_memory_equal(a, b, sizeof(b));
	}
}

static void test_curves(void **state)
{
	enum rt_ec_curve c;
	uint8_t oid[RT_EC_OID_MAX];
	size_t n;
	struct rt_err err = {0};

	(void)state;
	assert_int_equal(rt_ec_curve_from_name("prime256v1", &c, &err), 0);
	assert_int_equal(c, RT_EC_P256);
	assert_int_equal(rt_ec_curve_from_name("brainpoolp256r1", &c, &err), 0);
	assert_int_equal(c, RT_EC_BP256R1);
	assert_int_equal(rt_ec_curve_from_name("secp384r1", &c, &err), RT_ENOTSUP);
	assert_int_equal(rt_ec_curve_from_gp_ref(0x03, &c, &err), 0);
	assert_int_equal(c, RT_EC_BP256R1);
	assert_int_equal(rt_ec_curve_gp_ref(RT_EC_P256), 0x00);
	assert_int_equal(rt_ec_curve_from_gp_ref(0x01, &c, &err), RT_ENOTSUP);
	assert_int_equal(rt_ec_curve_oid(RT_EC_BP256R1, oid, &n, &err), 0);
	assert_int_equal(rt_ec_curve_from_oid(oid, n, &c, &err), 0);
	assert_int_equal(c, RT_EC_BP256R1);
	assert_int_equal(rt_ec_curve_from_oid(oid, n - 1, &c, &err), RT_ENOTSUP);
}

/* Every refusal of the point check, the scalar import, the signature codec and ECDH. */
static void test_negative(void **state)
{
	struct rt_ec_key *a = NULL, *b = NULL, *bp = NULL;
	struct rt_err err = {0};
	uint8_t pt[65], bad[65], sig[64], der[80], plain[64], z[32], d[32];
	size_t derlen;

	(void)state;
	assert_int_equal(rt_ec_key_generate(RT_EC_P256, &a, &err), 0);
	assert_int_equal(rt_ec_key_generate(RT_EC_P256, &b, &err), 0);
	assert_int_equal(rt_ec_key_generate(RT_EC_BP256R1, &bp, &err), 0);
	assert_int_equal(rt_ec_key_public(b, pt, &err), 0);
	/* point not on the curve */
	memcpy(bad, pt, 65);
	bad[64] ^= 1;
	assert_int_equal(rt_ec_ecdh(a, bad, 65, z, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "not on the curve P-256"));
	/* the P-256 point is not on brainpoolP256r1 */
	assert_int_equal(rt_ec_ecdh(bp, pt, 65, z, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "brainpoolP256r1"));
	/* keys on different curves */
	assert_int_equal(rt_ec_ecdh_key(a, bp, z, &err), RT_EINVAL);
	assert_non_null(strstr(err.msg, "peer key is on brainpoolP256r1"));
	/* infinity, compressed, wrong prefix, wrong length, x >= p */
	bad[0] = 0x00;
	assert_int_equal(rt_ec_point_check(RT_EC_P256, bad, 1, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "infinity"));
	bad[0] = 0x02;
	assert_int_equal(rt_ec_point_check(RT_EC_P256, bad, 33, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "compressed"));
	bad[0] = 0x05;
	assert_int_equal(rt_ec_point_check(RT_EC_P256, bad, 65, &err), RT_EPROTO);
	assert_int_equal(rt_ec_point_check(RT_EC_P256, pt, 64, &err), RT_EPROTO);
	memset(bad, 0xFF, 65);
	bad[0] = 0x04;
	assert_int_equal(rt_ec_point_check(RT_EC_P256, bad, 65, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "field prime"));
	assert_int_equal(rt_ec_point_check(RT_EC_P256, pt, 65, &err), 0);
	/* private scalars 0 and >= n */
	memset(d, 0, 32);
	assert_int_equal(rt_ec_key_from_private(RT_EC_P256, d, 32, &bp, &err) == 0, 0);
	memset(d, 0xFF, 32);
	{
		struct rt_ec_key *x = NULL;

		assert_int_equal(rt_ec_key_from_private(RT_EC_P256, d, 32, &x, &err), RT_EINVAL);
		assert_non_null(strstr(err.msg, "order"));
		assert_int_equal(rt_ec_key_from_private(RT_EC_P256, d, 33, &x, &err), RT_EINVAL);
		assert_null(x);
	}
	/* signature range and length checks */
	assert_int_equal(rt_ec_sign(a, (const uint8_t *)"m", 1, sig, &err), 0);
	assert_int_equal(rt_ec_verify(a, (const uint8_t *)"m", 1, sig, 63, &err), RT_EPROTO);
	assert_int_equal(rt_ec_verify(a, (const uint8_t *)"m", 1, sig, 65, &err), RT_EPROTO);
	memcpy(plain, sig, 64);
	memset(plain, 0, 32);
	assert_int_equal(rt_ec_verify(a, (const uint8_t *)"m", 1, plain, 64, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "r is zero"));
	memcpy(plain, sig, 64);
	memset(plain + 32, 0xFF, 32);
	assert_int_equal(rt_ec_verify(a, (const uint8_t *)"m", 1, plain, 64, &err), RT_ECRYPTO);
	assert_non_null(strstr(err.msg, "s >= n"));
	assert_int_equal(rt_ec_verify(b, (const uint8_t *)"m", 1, sig, 64, &err), RT_ECRYPTO);
	/* DER strictness: trailing byte, long-form length, garbage */
	assert_int_equal(rt_ec_sig_plain_to_der(RT_EC_P256, sig, 64, der, &derlen, &err), 0);
	assert_int_equal(rt_ec_sig_der_to_plain(RT_EC_P256, der, derlen, plain, &err), 0);
	assert_memory_equal(plain, sig, 64);
	der[derlen] = 0;
	assert_int_equal(rt_ec_sig_der_to_plain(RT_EC_P256, der, derlen + 1, plain, &err), RT_EPROTO);
	{
		uint8_t lf[80];

		lf[0] = 0x30;
		lf[1] = 0x81;
		memcpy(lf + 2, der + 1, derlen - 1);
		assert_int_equal(rt_ec_sig_der_to_plain(RT_EC_P256, lf, derlen + 1, plain, &err),
				 RT_EPROTO);
	}
	assert_int_equal(rt_ec_sig_der_to_plain(RT_EC_P256, (const uint8_t *)"\x30\x00", 2, plain,
						&err), RT_EPROTO);
	rt_ec_key_free(a);
	rt_ec_key_free(b);
	rt_ec_key_free(bp);
}

/* Round trips of key import/export on both curves. */
static void test_roundtrip(void **state)
{
	static const enum rt_ec_curve cs[] = { RT_EC_P256, RT_EC_BP256R1 };
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct rt_ec_key *k = NULL, *k2 = NULL, *p = NULL;
		struct rt_err err = {0};
		uint8_t d[32], pt[65], pt2[65], z1[32], z2[32], sig[64];

		assert_int_equal(rt_ec_key_generate(cs[i], &k, &err), 0);
		assert_int_equal(rt_ec_key_curve(k), cs[i]);
		assert_int_equal(rt_ec_key_private(k, d, &err), 0);
		assert_int_equal(rt_ec_key_public(k, pt, &err), 0);
		assert_int_equal(rt_ec_key_from_private(cs[i], d, 32, &k2, &err), 0);
		assert_int_equal(rt_ec_key_public(k2, pt2, &err), 0);
		assert_memory_equal(pt, pt2, 65);
		assert_int_equal(rt_ec_key_from_public(cs[i], pt, 65, &p, &err), 0);
		assert_int_equal(rt_ec_key_private(p, d, &err), RT_ENOENT);
		assert_int_equal(rt_ec_sign(k2, (const uint8_t *)"abc", 3, sig, &err), 0);
		assert_int_equal(rt_ec_verify(p, (const uint8_t *)"abc", 3, sig, 64, &err), 0);
		assert_int_equal(rt_ec_ecdh_key(k, p, z1, &err), 0);
		assert_int_equal(rt_ec_ecdh(k2, pt, 65, z2, &err), 0);
		assert_memory_equal(z1, z2, 32);
		rt_ec_key_free(k);
		rt_ec_key_free(k2);
		rt_ec_key_free(p);
	}
}

/* Reads $RT_SRCDIR/certs/<rel> into a malloc'd buffer. */
static uint8_t *slurp(const char *rel, size_t *n)
{
	const char *base = getenv("RT_SRCDIR");
	char path[1024];
	uint8_t *buf;
	FILE *f;
	long sz;

	snprintf(path, sizeof(path), "%s/certs/%s", base ? base : ".", rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)sz + 1);
	assert_non_null(buf);
	*n = fread(buf, 1, (size_t)sz, f);
	fclose(f);
	return buf;
}

#define T_2030 1893456000LL /* 2030-01-01 */
#define T_2023 1672531200LL /* 2023-01-01 */
#define T_2050 2524608000LL /* 2050-01-01 */

static void x509_case(const char *curve)
{
	char p[64];
	size_t nci, neum, necasd, ndp, nci2, nkey;
	uint8_t *ci, *eum, *ecasd, *dp, *ci2, *key;
	struct rt_err err = {0};
	enum rt_x509_status st;
	struct rt_x509_info info;
	struct rt_ec_key *k = NULL, *pk = NULL;
	uint8_t pt[65], pt2[65];

	snprintf(p, sizeof(p), "%s/ci.pem", curve);
	ci = slurp(p, &nci);
	snprintf(p, sizeof(p), "%s/eum.pem", curve);
	eum = slurp(p, &neum);
	snprintf(p, sizeof(p), "%s/ecasd.pem", curve);
	ecasd = slurp(p, &necasd);
	snprintf(p, sizeof(p), "%s/smdp.pem", curve);
	dp = slurp(p, &ndp);
	snprintf(p, sizeof(p), "%s/ci2.pem", curve);
	ci2 = slurp(p, &nci2);
	snprintf(p, sizeof(p), "%s/smdp.key", curve);
	key = slurp(p, &nkey);

	assert_int_equal(rt_x509_verify(ecasd, necasd, eum, neum, ci, nci, T_2030, &st, &err), 0);
	assert_int_equal(st, RT_X509_OK);
	assert_int_equal(rt_x509_verify(dp, ndp, NULL, 0, ci, nci, T_2030, &st, &err), 0);
	/* expired / not yet valid / wrong CI / missing intermediate */
	assert_int_equal(rt_x509_verify(dp, ndp, NULL, 0, ci, nci, T_2050, &st, &err), RT_ECRYPTO);
	assert_int_equal(st, RT_X509_EXPIRED);
	assert_int_equal(rt_x509_verify(dp, ndp, NULL, 0, ci, nci, T_2023, &st, &err), RT_ECRYPTO);
	assert_int_equal(st, RT_X509_NOT_YET_VALID);
	assert_int_equal(rt_x509_verify(dp, ndp, NULL, 0, ci2, nci2, T_2030, &st, &err), RT_ECRYPTO);
	assert_int_equal(st, RT_X509_UNKNOWN_ISSUER);
	assert_int_equal(rt_x509_verify(ecasd, necasd, NULL, 0, ci, nci, T_2030, &st, &err),
			 RT_ECRYPTO);
	assert_int_equal(st, RT_X509_UNKNOWN_ISSUER);
	/* bad signature: smdp-badsig.pem is smdp.pem with the last signature byte changed */
	{
		size_t nbad;
		uint8_t *badc;

		snprintf(p, sizeof(p), "%s/smdp-badsig.pem", curve);
		badc = slurp(p, &nbad);
		assert_int_equal(rt_x509_verify(badc, nbad, NULL, 0, ci, nci, T_2030, &st, &err),
				 RT_ECRYPTO);
		assert_int_equal(st, RT_X509_BAD_SIGNATURE);
		free(badc);
	}
	/* fields */
	assert_int_equal(rt_x509_info(dp, ndp, &info, &k, &err), 0);
	assert_int_equal(info.not_before, 20240101);
	assert_int_equal(info.not_after, 20491231);
	assert_int_equal(info.serial_len, 2);
	assert_int_equal(info.serial[1], 0x04);
	assert_int_equal(info.ski_len, 20);
	assert_int_equal(info.aki_len, 20);
	assert_int_equal(rt_ec_key_from_pem_der(key, nkey, &pk, &err), 0);
	assert_true(rt_ec_key_has_private(pk));
	assert_int_equal(rt_ec_key_public(pk, pt, &err), 0);
	assert_int_equal(rt_ec_key_public(k, pt2, &err), 0);
	assert_memory_equal(pt, pt2, 65);
	/* not a certificate */
	assert_int_equal(rt_x509_verify((const uint8_t *)"junk", 4, NULL, 0, ci, nci, T_2030, &st,
					&err), RT_EPROTO);
	rt_ec_key_free(k);
	rt_ec_key_free(pk);
	free(ci);
	free(eum);
	free(ecasd);
	free(dp);
	free(ci2);
	free(key);
}

static void test_x509_chains(void **state)
{
	(void)state;
	x509_case("p256");
	x509_case("bp256");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecdh_rfc5903_p256),
		cmocka_unit_test(test_ecdh_rfc7027_bp256),
		cmocka_unit_test(test_ecdsa_rfc6979_p256),
		cmocka_unit_test(test_x963_kdf_cavp),
		cmocka_unit_test(test_curves),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_x509_chains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
