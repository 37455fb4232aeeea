/* SPDX-License-Identifier: Apache-2.0 */
/* rt_evp_cache — algorithm objects fetched once; see rt_evp_cache.h. */
#include "crypto/rt_evp_cache.h"

#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

static const char *const rt_evp_names[] = {
	"AES-128-CBC", "AES-128-ECB", "AES-192-CBC", "AES-192-ECB", "AES-256-CBC",
	"AES-256-ECB", "DES-EDE-CBC", "DES-EDE-ECB", "DES-EDE3-CBC", "DES-EDE3-ECB",
};
#define RT_EVP_N (sizeof(rt_evp_names) / sizeof(rt_evp_names[0]))

static pthread_once_t rt_evp_once = PTHREAD_ONCE_INIT;
static EVP_CIPHER *rt_evp_ciphers[RT_EVP_N];
static EVP_MAC_CTX *rt_evp_cmac_tmpl[3]; /* AES-128, -192, -256 */

static void rt_evp_init(void)
{
	EVP_MAC *mac;
	size_t i;

	for (i = 0; i < RT_EVP_N; i++)
		rt_evp_ciphers[i] = EVP_CIPHER_fetch(NULL, rt_evp_names[i], NULL);
	mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	if (!mac)
		return;
	for (i = 0; i < 3; i++) {
		/* SP 800-38B over AES: CMAC takes the CBC cipher of the key size. */
		static const char *const cbc[] = { "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" };
		OSSL_PARAM params[2];

		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)cbc[i], 0);
		params[1] = OSSL_PARAM_construct_end();
		static const unsigned char zero[32];

		rt_evp_cmac_tmpl[i] = EVP_MAC_CTX_new(mac);
		/* Initialised once with a throw-away key: OpenSSL can only duplicate an
		 * initialised CMAC context; every user re-inits the copy with its own key. */
		if (rt_evp_cmac_tmpl[i] &&
		    !EVP_MAC_init(rt_evp_cmac_tmpl[i], zero, 16 + 8 * i, params)) {
			EVP_MAC_CTX_free(rt_evp_cmac_tmpl[i]);
			rt_evp_cmac_tmpl[i] = NULL;
		}
	}
	EVP_MAC_free(mac); /* the contexts keep their own reference */
}

const EVP_CIPHER *rt_evp_cipher(const char *name)
{
	size_t i;

	pthread_once(&rt_evp_once, rt_evp_init);
	for (i = 0; i < RT_EVP_N; i++)
		if (strcmp(rt_evp_names[i], name) == 0)
			return rt_evp_ciphers[i];
	return NULL;
}

EVP_MAC_CTX *rt_evp_cmac_new(size_t keylen)
{
	size_t k = keylen == 16 ? 0 : keylen == 24 ? 1 : keylen == 32 ? 2 : 3;

	pthread_once(&rt_evp_once, rt_evp_init);
	if (k > 2 || !rt_evp_cmac_tmpl[k])
		return NULL;
	return EVP_MAC_CTX_dup(rt_evp_cmac_tmpl[k]);
}
