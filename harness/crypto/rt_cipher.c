/* SPDX-License-Identifier: Apache-2.0 */
/* rt_cipher — DES/3DES/AES block ciphers (ECB, CBC, no padding) and key check values
 * over OpenSSL 3 EVP; see rt_crypto.h.
 *
 * Single DES is not in OpenSSL 3's default provider (only in "legacy"). Instead of
 * loading the legacy provider (global state, and it may be absent), single DES is run
 * as 3-key DES-EDE with K1 = K2 = K3: E_K(D_K(E_K(x))) = E_K(x), so the result is
 * exactly DES. The 24-byte expanded key is a local copy and is wiped afterwards. */
#include "crypto/rt_crypto.h"
#include "crypto/rt_evp_cache.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

size_t rt_crypto_block_size(enum rt_crypto_alg alg)
{
	switch (alg) {
	case RT_CRYPTO_DES:
	case RT_CRYPTO_TDES:
		return 8;
	case RT_CRYPTO_AES:
		return 16;
	}
	return 0;
}

const char *rt_crypto_alg_name(enum rt_crypto_alg alg)
{
	switch (alg) {
	case RT_CRYPTO_DES:
		return "DES";
	case RT_CRYPTO_TDES:
		return "3DES";
	case RT_CRYPTO_AES:
		return "AES";
	}
	return "unknown-cipher";
}

int rt_crypto_key_check(enum rt_crypto_alg alg, size_t keylen, struct rt_err *err)
{
	int ok = 0;

	switch (alg) {
	case RT_CRYPTO_DES:
		ok = keylen == 8;
		break;
	case RT_CRYPTO_TDES:
		ok = keylen == 16 || keylen == 24;
		break;
	case RT_CRYPTO_AES:
		ok = keylen == 16 || keylen == 24 || keylen == 32;
		break;
	}
	if (!ok)
		return rt_err_set(err, RT_EINVAL, "%s: invalid key length %zu bytes",
				  rt_crypto_alg_name(alg), keylen);
	return 0;
}

/* Picks the (cached) EVP cipher and, for single DES, expands the key to K|K|K in kbuf. */
static const EVP_CIPHER *rt_cipher_pick(enum rt_crypto_alg alg, enum rt_crypto_mode mode,
					const uint8_t *key, size_t keylen, uint8_t kbuf[24],
					const uint8_t **kuse)
{
	char name[16];
	const char *base;

	*kuse = key;
	switch (alg) {
	case RT_CRYPTO_DES:
		memcpy(kbuf, key, 8);
		memcpy(kbuf + 8, key, 8);
		memcpy(kbuf + 16, key, 8);
		*kuse = kbuf;
		base = "DES-EDE3";
		break;
	case RT_CRYPTO_TDES:
		base = keylen == 16 ? "DES-EDE" : "DES-EDE3";
		break;
	case RT_CRYPTO_AES:
		base = keylen == 16 ? "AES-128" : keylen == 24 ? "AES-192" : "AES-256";
		break;
	default:
		return NULL;
	}
	snprintf(name, sizeof(name), "%s-%s", base, mode == RT_CRYPTO_CBC ? "CBC" : "ECB");
	return rt_evp_cipher(name);
}

int rt_crypto_cipher(enum rt_crypto_alg alg, enum rt_crypto_mode mode, enum rt_crypto_dir dir,
		     const uint8_t *key, size_t keylen, const uint8_t *iv, const uint8_t *in,
		     size_t len, uint8_t *out, struct rt_err *err)
{
	EVP_CIPHER_CTX *ctx = NULL;
	const EVP_CIPHER *cipher;
	const uint8_t *kuse;
	uint8_t kbuf[24];
	size_t bs = rt_crypto_block_size(alg);
	size_t done = 0;
	int rc, outl = 0;

	rc = rt_crypto_key_check(alg, keylen, err);
	if (rc)
		return rc;
	if (mode != RT_CRYPTO_ECB && mode != RT_CRYPTO_CBC)
		return rt_err_set(err, RT_EINVAL, "%s: unknown cipher mode %d",
				  rt_crypto_alg_name(alg), (int)mode);
	if (len % bs)
		return rt_err_set(err, RT_EINVAL, "%s-%zu: input length %zu is not a multiple of %zu",
				  rt_crypto_alg_name(alg), keylen * 8, len, bs);
	if (mode == RT_CRYPTO_CBC && !iv)
		return rt_err_set(err, RT_EINVAL, "%s-%zu CBC: no IV given",
				  rt_crypto_alg_name(alg), keylen * 8);
	if (len == 0)
		return 0;
	cipher = rt_cipher_pick(alg, mode, key, keylen, kbuf, &kuse);
	if (!cipher) {
		rc = rt_err_set(err, RT_ENOTSUP, "%s-%zu: cipher not available from OpenSSL",
				rt_crypto_alg_name(alg), keylen * 8);
		goto out;
	}
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx) {
		rc = rt_err_set(err, RT_ENOMEM, "%s: EVP_CIPHER_CTX_new failed",
				rt_crypto_alg_name(alg));
		goto out;
	}
	if (!EVP_CipherInit_ex(ctx, cipher, NULL, kuse, mode == RT_CRYPTO_CBC ? iv : NULL,
			       dir == RT_CRYPTO_ENCRYPT ? 1 : 0) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0)) {
		rc = rt_err_set(err, RT_ECRYPTO, "%s-%zu: cipher init failed",
				rt_crypto_alg_name(alg), keylen * 8);
		goto out;
	}
	/* EVP takes int lengths: feed in bounded chunks (block multiples). */
	while (done < len) {
		size_t chunk = len - done;

		if (chunk > 0x40000000u)
			chunk = 0x40000000u;
		if (!EVP_CipherUpdate(ctx, out + done, &outl, in + done, (int)chunk) ||
		    (size_t)outl != chunk) {
			rc = rt_err_set(err, RT_ECRYPTO, "%s-%zu: cipher update failed",
					rt_crypto_alg_name(alg), keylen * 8);
			goto out;
		}
		done += chunk;
	}
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(kbuf, sizeof(kbuf));
	return rc;
}

int rt_crypto_kcv(enum rt_crypto_alg alg, const uint8_t *key, size_t keylen,
		  uint8_t kcv[RT_CRYPTO_KCV_LEN], struct rt_err *err)
{
	uint8_t block[RT_CRYPTO_MAX_BLOCK];
	uint8_t enc[RT_CRYPTO_MAX_BLOCK];
	size_t bs = rt_crypto_block_size(alg);
	int rc;

	if (!bs)
		return rt_err_set(err, RT_EINVAL, "KCV: unknown algorithm %d", (int)alg);
	/* GP convention (sgp02-facts §3): AES encrypts 16 x 01, DES/3DES encrypts 8 x 00. */
	memset(block, alg == RT_CRYPTO_AES ? 0x01 : 0x00, bs);
	rc = rt_crypto_cipher(alg, RT_CRYPTO_ECB, RT_CRYPTO_ENCRYPT, key, keylen, NULL, block, bs,
			      enc, err);
	if (rc)
		return rt_err_wrap(err, "KCV");
	memcpy(kcv, enc, RT_CRYPTO_KCV_LEN);
	return 0;
}

int rt_crypto_memeq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}
