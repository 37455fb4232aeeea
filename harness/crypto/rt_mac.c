/* SPDX-License-Identifier: Apache-2.0 */
/* rt_mac — AES-CMAC (EVP_MAC "CMAC") and the DES/3DES CBC-MAC of TS 102 225; see
 * rt_crypto.h. */
#include "crypto/rt_crypto.h"
#include "crypto/rt_evp_cache.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

int rt_crypto_aes_cmac(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len,
		       uint8_t mac[RT_CRYPTO_CMAC_LEN], struct rt_err *err)
{
	EVP_MAC_CTX *ctx = NULL;
	size_t outl = 0;
	int rc;

	rc = rt_crypto_key_check(RT_CRYPTO_AES, keylen, err);
	if (rc)
		return rt_err_wrap(err, "AES-CMAC");
	/* A context with the cipher already set (rt_evp_cache): SP 800-38B over AES-CBC. */
	ctx = rt_evp_cmac_new(keylen);
	if (!ctx)
		return rt_err_set(err, RT_ENOTSUP, "AES-%zu-CMAC: EVP_MAC CMAC not available",
				  keylen * 8);
	if (!EVP_MAC_init(ctx, key, keylen, NULL) || !EVP_MAC_update(ctx, in, len) ||
	    !EVP_MAC_final(ctx, mac, &outl, RT_CRYPTO_CMAC_LEN) || outl != RT_CRYPTO_CMAC_LEN) {
		rc = rt_err_set(err, RT_ECRYPTO, "AES-%zu-CMAC: computation failed", keylen * 8);
		goto out;
	}
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int rt_crypto_cbc_mac(enum rt_crypto_alg alg, const uint8_t *key, size_t keylen,
		      const uint8_t *in, size_t len, uint8_t mac[RT_CRYPTO_CBCMAC_LEN],
		      struct rt_err *err)
{
	/* Chained through a small scratch buffer: the CBC output of each chunk only feeds
	 * the IV of the next one, so the MAC needs no copy of the whole input. */
	uint8_t iv[8] = {0};
	uint8_t scratch[256];
	size_t full = len - len % 8;
	size_t done = 0;
	int rc;

	if (alg != RT_CRYPTO_DES && alg != RT_CRYPTO_TDES)
		return rt_err_set(err, RT_EINVAL, "CBC-MAC: %s is not DES or 3DES",
				  rt_crypto_alg_name(alg));
	rc = rt_crypto_key_check(alg, keylen, err);
	if (rc)
		return rt_err_wrap(err, "CBC-MAC");
	while (done < full) {
		size_t chunk = full - done;

		if (chunk > sizeof(scratch))
			chunk = sizeof(scratch);
		rc = rt_crypto_cipher(alg, RT_CRYPTO_CBC, RT_CRYPTO_ENCRYPT, key, keylen, iv,
				      in + done, chunk, scratch, err);
		if (rc)
			goto out;
		memcpy(iv, scratch + chunk - 8, 8);
		done += chunk;
	}
	/* TS 102 225 5.1.3: the input is zero-padded to the block size before the MAC. */
	if (len % 8 || len == 0) {
		uint8_t last[8] = {0};

		memcpy(last, in + full, len - full);
		rc = rt_crypto_cipher(alg, RT_CRYPTO_CBC, RT_CRYPTO_ENCRYPT, key, keylen, iv, last,
				      8, scratch, err);
		if (rc)
			goto out;
		memcpy(iv, scratch, 8);
	}
	memcpy(mac, iv, RT_CRYPTO_CBCMAC_LEN);
	rc = 0;
out:
	OPENSSL_cleanse(scratch, sizeof(scratch));
	return rc ? rt_err_wrap(err, "CBC-MAC") : 0;
}
