/* SPDX-License-Identifier: Apache-2.0 */
/* rt_crypto — thin, pure wrappers over OpenSSL 3 EVP for the secure channels.
 *
 * Owns: DES / 2-key 3DES / 3-key 3DES / AES-128/192/256 block ciphers in ECB and CBC
 * with a caller IV and no padding (padding is the protocol's business), AES-CMAC
 * (NIST SP 800-38B), the DES/3DES CBC-MAC of ETSI TS 102 225, the CRC16/CRC32
 * redundancy checks of TS 102 225, key check values and a constant-time compare.
 * Bytes in, bytes out: no I/O, no clock, no globals. Keys are never logged; every key
 * copy made here is wiped with OPENSSL_cleanse before returning. */
#ifndef RT_CRYPTO_H
#define RT_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_err.h"

#define RT_CRYPTO_MAX_KEY 32   /* AES-256 */
#define RT_CRYPTO_MAX_BLOCK 16 /* AES block */
#define RT_CRYPTO_CMAC_LEN 16
#define RT_CRYPTO_CBCMAC_LEN 8
#define RT_CRYPTO_KCV_LEN 3

enum rt_crypto_alg {
	RT_CRYPTO_DES = 1, /* single DES, 8-byte key */
	RT_CRYPTO_TDES,    /* 3DES EDE: 16-byte key (2-key, K3 = K1) or 24-byte key (3-key) */
	RT_CRYPTO_AES,     /* AES-128/192/256, chosen by the key length */
};

enum rt_crypto_mode { RT_CRYPTO_ECB = 1, RT_CRYPTO_CBC };

enum rt_crypto_dir { RT_CRYPTO_DECRYPT = 0, RT_CRYPTO_ENCRYPT = 1 };

/* Block size in bytes of alg (8 for DES/3DES, 16 for AES); 0 for an unknown alg. */
size_t rt_crypto_block_size(enum rt_crypto_alg alg);

/* Short printable name ("DES", "3DES", "AES"); never NULL. */
const char *rt_crypto_alg_name(enum rt_crypto_alg alg);

/* Checks that keylen suits alg; RT_EINVAL naming the algorithm and length otherwise. */
int rt_crypto_key_check(enum rt_crypto_alg alg, size_t keylen, struct rt_err *err);

/* Enciphers or deciphers len bytes (a multiple of the block size, may be 0) from in to
 * out with no padding. iv (block size bytes) is required for CBC and ignored for ECB.
 * out may equal in; the caller owns both. */
int rt_crypto_cipher(enum rt_crypto_alg alg, enum rt_crypto_mode mode, enum rt_crypto_dir dir,
		     const uint8_t *key, size_t keylen, const uint8_t *iv, const uint8_t *in,
		     size_t len, uint8_t *out, struct rt_err *err);

/* AES-CMAC (NIST SP 800-38B / RFC 4493) of in[0..len) under a 16/24/32-byte key; writes
 * the full 16-byte tag to mac (callers truncate). */
int rt_crypto_aes_cmac(const uint8_t *key, size_t keylen, const uint8_t *in, size_t len,
		       uint8_t mac[RT_CRYPTO_CMAC_LEN], struct rt_err *err);

/* CBC-MAC as TS 102 225 uses it for DES/3DES cryptographic checksums: zero IV, the input
 * zero-padded to a multiple of 8 (an empty input is one zero block), the MAC is the last
 * ciphertext block. alg is RT_CRYPTO_DES or RT_CRYPTO_TDES. */
int rt_crypto_cbc_mac(enum rt_crypto_alg alg, const uint8_t *key, size_t keylen,
		      const uint8_t *in, size_t len, uint8_t mac[RT_CRYPTO_CBCMAC_LEN],
		      struct rt_err *err);

/* CRC-16 of ISO/IEC 13239 as TS 102 225 uses for RC (CRC-16/X-25: polynomial 1021
 * reflected, init FFFF, final XOR FFFF; "123456789" -> 906E). Cannot fail. */
uint16_t rt_crypto_crc16(const uint8_t *in, size_t len);

/* CRC-32 of ISO/IEC 13239 (reflected polynomial EDB88320, init and final XOR FFFFFFFF;
 * "123456789" -> CBF43926). Cannot fail. */
uint32_t rt_crypto_crc32(const uint8_t *in, size_t len);

/* Key check value, first 3 bytes of: AES -> AES-ECB(key, 16 x 01); DES/3DES ->
 * 3DES-ECB(key, 8 x 00) (GP card spec convention, sgp02-facts §3). */
int rt_crypto_kcv(enum rt_crypto_alg alg, const uint8_t *key, size_t keylen,
		  uint8_t kcv[RT_CRYPTO_KCV_LEN], struct rt_err *err);

/* 1 when a[0..n) equals b[0..n), else 0; time depends only on n (CRYPTO_memcmp). */
int rt_crypto_memeq(const void *a, const void *b, size_t n);

#endif
