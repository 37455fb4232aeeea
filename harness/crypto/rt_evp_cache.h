/* SPDX-License-Identifier: Apache-2.0 */
/* rt_evp_cache — OpenSSL algorithm objects fetched once per process.
 *
 * OpenSSL 3 looks a cipher or MAC up in its provider store on every init unless the
 * caller holds a fetched object; that look-up costs more than encrypting an SCP80 packet.
 * This cache fetches each algorithm the crypto layer uses once (pthread_once) and never
 * changes afterwards, so callers stay pure: same inputs, same outputs, no observable
 * state. Objects live until the process ends. */
#ifndef RT_EVP_CACHE_H
#define RT_EVP_CACHE_H

#include <stddef.h>

#include <openssl/evp.h>

/* The fetched cipher for an OpenSSL name ("AES-128-CBC", "DES-EDE3-ECB"...), NULL if
 * the name is not one the cache knows or the provider lacks it. Do not free. */
const EVP_CIPHER *rt_evp_cipher(const char *name);

/* A new CMAC context for AES with a key of keylen bytes (16/24/32), its cipher already
 * set; init it with the key and NULL params. The caller frees it (EVP_MAC_CTX_free).
 * NULL on failure. */
EVP_MAC_CTX *rt_evp_cmac_new(size_t keylen);

#endif
