/* SPDX-License-Identifier: Apache-2.0 */
/* test_crypto — known answers for harness/crypto (public sources only):
 *  - RFC 4493 §4: AES-CMAC examples 1-4 (key 2b7e1516…, messages of 0/16/40/64 bytes).
 *  - NIST SP 800-38A F.2.1/F.2.2 (CBC-AES128), F.2.3 (CBC-AES192), F.2.5/F.2.6
 *    (CBC-AES256): encrypt and decrypt, IV 000102…0f.
 *  - FIPS 81 Appendix B (ECB) and C (CBC): DES key 0123456789ABCDEF on
 *    "Now is the time for all " (IV 1234567890ABCDEF).
 *  - NIST SP 800-67 Rev. 1 Appendix B: 3-key TDEA, keys 0123456789ABCDEF
 *    23456789ABCDEF01 456789ABCDEF0123, plaintext "The qufck brown fox jump".
 *  - KCV: sgp02-facts §3 "000102…0f -> C35280" is the AES rule (AES-ECB over 16 x 01;
 *    the DES rule gives another value for that key); GlobalPlatform's well-known
 *    default 2-key 3DES key 404142…4F has KCV 8BAF47.
 *  - CRC check values of the CRC catalogue: CRC-32 "123456789" -> CBF43926;
 *    CRC-16/X-25 (ISO/IEC 13239, the TS 102 225 RC) "123456789" -> 906E.
 *  - DES CBC-MAC = last block of the FIPS 81 CBC example; zero padding rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "crypto/rt_crypto.h"
#include "util/rt_hex.h"

static const char k_rfc4493[] = "2b7e151628aed2a6abf7158809cf4f3c";
static const char m_sp800[] = "6bc1bee22e409f96e93d7e117393172a"
			      "ae2d8a571e03ac9c9eb76fac45af8e51"
			      "30c81c46a35ce411e5fbc1191a0a52ef"
			      "f69f2445df4f9b17ad2b417be66c3710";

static void test_cmac_rfc4493(void **state)
{
	static const struct {
		size_t mlen;
		const char *tag;
	} v[] = {
		{0, "bb1d6929e95937287fa37d129b756746"},
		{16, "070a16b46b4d4144f79bdd9dd04a287c"},
		{40, "dfa66747de9ae63030ca32611497c827"},
		{64, "51f0bebf7e3b9d92fc49741779363cfe"},
	};
	uint8_t key[16], msg[64], tag[16];
	struct rt_err err = {0};
	size_t i;

	(void)state;
	unhex(k_rfc4493, key, sizeof(key));
	unhex(m_sp800, msg, sizeof(msg));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(rt_crypto_aes_cmac(key, 16, msg, v[i].mlen, tag, &err), 0);
		assert_hex(tag, 16, v[i].tag);
	}
	/* A bad key length names algorithm and length. */
	assert_int_equal(rt_crypto_aes_cmac(key, 15, msg, 1, tag, &err), RT_EINVAL);
	assert_non_null(strstr(err.msg, "AES"));
	assert_non_null(strstr(err.msg, "15"));
}

static void test_aes_cbc_sp800_38a(void **state)
{
	static const struct {
		const char *key, *ct;
	} v[] = {
		{"2b7e151628aed2a6abf7158809cf4f3c",
		 "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
		 "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"},
		{"8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
		 "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a"
		 "571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd"},
		{"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
		 "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
		 "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"},
	};
	uint8_t key[32], iv[16], pt[64], out[64], back[64];
	struct rt_err err = {0};
	size_t i, kl;

	(void)state;
	unhex("000102030405060708090a0b0c0d0e0f", iv, sizeof(iv));
	unhex(m_sp800, pt, sizeof(pt));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		kl = unhex(v[i].key, key, sizeof(key));
		assert_int_equal(rt_crypto_cipher(RT_CRYPTO_AES, RT_CRYPTO_CBC, RT_CRYPTO_ENCRYPT, key,
						  kl, iv, pt, 64, out, &err), 0);
		assert_hex(out, 64, v[i].ct);
		assert_int_equal(rt_crypto_cipher(RT_CRYPTO_AES, RT_CRYPTO_CBC, RT_CRYPTO_DECRYPT, key,
						  kl, iv, out, 64, back, &err), 0);
		assert_memory_equal(back, pt, 64);
	}
	/* In place works; non-block lengths and missing IVs are refused with context. */
	memcpy(out, pt, 64);
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_AES, RT_CRYPTO_CBC, RT_CRYPTO_ENCRYPT, key, 32,
					  iv, out, 64, out, &err), 0);
	assert_hex(out, 64, v[2].ct);
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_AES, RT_CRYPTO_CBC, RT_CRYPTO_ENCRYPT, key, 32,
					  iv, pt, 15, out, &err), RT_EINVAL);
	assert_non_null(strstr(err.msg, "AES-256"));
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_AES, RT_CRYPTO_CBC, RT_CRYPTO_ENCRYPT, key, 32,
					  NULL, pt, 16, out, &err), RT_EINVAL);
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_AES, RT_CRYPTO_ECB, RT_CRYPTO_ENCRYPT, key, 20,
					  NULL, pt, 16, out, &err), RT_EINVAL);
	assert_non_null(strstr(err.msg, "20"));
}

static void test_des_fips81(void **state)
{
	uint8_t key[8], iv[8], out[24], back[24], mac[8];
	const uint8_t *pt = (const uint8_t *)"Now is the time for all ";
	struct rt_err err = {0};

	(void)state;
	unhex("0123456789abcdef", key, sizeof(key));
	unhex("1234567890abcdef", iv, sizeof(iv));
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_DES, RT_CRYPTO_ECB, RT_CRYPTO_ENCRYPT, key, 8,
					  NULL, pt, 8, out, &err), 0);
	assert_hex(out, 8, "3fa40e8a984d4815");
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_DES, RT_CRYPTO_CBC, RT_CRYPTO_ENCRYPT, key, 8,
					  iv, pt, 24, out, &err), 0);
	assert_hex(out, 24, "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6");
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_DES, RT_CRYPTO_CBC, RT_CRYPTO_DECRYPT, key, 8,
					  iv, out, 24, back, &err), 0);
	assert_memory_equal(back, pt, 24);
	/* TS 102 225 CBC-MAC has a zero IV: over "Now is t" it is the ECB block. */
	assert_int_equal(rt_crypto_cbc_mac(RT_CRYPTO_DES, key, 8, pt, 8, mac, &err), 0);
	assert_hex(mac, 8, "3fa40e8a984d4815");
	/* Zero padding: "Now is" (6 bytes) MACs like "Now is\0\0". */
	{
		uint8_t padded[8] = {'N', 'o', 'w', ' ', 'i', 's', 0, 0};
		uint8_t mac2[8];

		assert_int_equal(rt_crypto_cbc_mac(RT_CRYPTO_DES, key, 8, pt, 6, mac, &err), 0);
		assert_int_equal(rt_crypto_cbc_mac(RT_CRYPTO_DES, key, 8, padded, 8, mac2, &err), 0);
		assert_memory_equal(mac, mac2, 8);
	}
	/* A 16-byte key is not single DES. */
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_DES, RT_CRYPTO_ECB, RT_CRYPTO_ENCRYPT, out, 16,
					  NULL, pt, 8, out, &err), RT_EINVAL);
	assert_non_null(strstr(err.msg, "DES"));
}

static void test_tdes_sp800_67(void **state)
{
	uint8_t key[24], out[24], k2[24], a[8], b[8];
	const uint8_t *pt = (const uint8_t *)"The qufck brown fox jump";
	struct rt_err err = {0};

	(void)state;
	unhex("0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123", key, sizeof(key));
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_TDES, RT_CRYPTO_ECB, RT_CRYPTO_ENCRYPT, key, 24,
					  NULL, pt, 24, out, &err), 0);
	assert_hex(out, 24, "a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900");
	/* 2-key 3DES is 3-key with K3 = K1. */
	memcpy(k2, key, 16);
	memcpy(k2 + 16, key, 8);
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_TDES, RT_CRYPTO_ECB, RT_CRYPTO_ENCRYPT, key, 16,
					  NULL, pt, 8, a, &err), 0);
	assert_int_equal(rt_crypto_cipher(RT_CRYPTO_TDES, RT_CRYPTO_ECB, RT_CRYPTO_ENCRYPT, k2, 24,
					  NULL, pt, 8, b, &err), 0);
	assert_memory_equal(a, b, 8);
}

static void test_kcv(void **state)
{
	uint8_t key[16], kcv[3];
	struct rt_err err = {0};

	(void)state;
	unhex("000102030405060708090a0b0c0d0e0f", key, sizeof(key));
	assert_int_equal(rt_crypto_kcv(RT_CRYPTO_AES, key, 16, kcv, &err), 0);
	assert_hex(kcv, 3, "C35280");
	unhex("404142434445464748494A4B4C4D4E4F", key, sizeof(key));
	assert_int_equal(rt_crypto_kcv(RT_CRYPTO_TDES, key, 16, kcv, &err), 0);
	assert_hex(kcv, 3, "8BAF47");
	assert_int_equal(rt_crypto_kcv(RT_CRYPTO_AES, key, 7, kcv, &err), RT_EINVAL);
	assert_non_null(strstr(err.msg, "KCV"));
}

static void test_crc(void **state)
{
	const uint8_t *s = (const uint8_t *)"123456789";

	(void)state;
	assert_int_equal(rt_crypto_crc32(s, 9), 0xCBF43926u);
	assert_int_equal(rt_crypto_crc16(s, 9), 0x906E);
	assert_int_equal(rt_crypto_crc32(s, 0), 0);
	assert_int_equal(rt_crypto_crc16(s, 0), 0);
}

static void test_memeq(void **state)
{
	(void)state;
	assert_int_equal(rt_crypto_memeq("abcd", "abcd", 4), 1);
	assert_int_equal(rt_crypto_memeq("abcd", "abce", 4), 0);
	assert_int_equal(rt_crypto_memeq("abcd", "xbcd", 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmac_rfc4493),  cmocka_unit_test(test_aes_cbc_sp800_38a),
		cmocka_unit_test(test_des_fips81),    cmocka_unit_test(test_tdes_sp800_67),
		cmocka_unit_test(test_kcv),           cmocka_unit_test(test_crc),
		cmocka_unit_test(test_memeq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
