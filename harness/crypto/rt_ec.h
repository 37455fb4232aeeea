/* SPDX-License-Identifier: Apache-2.0 */
/* rt_ec — elliptic-curve keys, ECDSA, ECDH and the ANSI X9.63 KDF over OpenSSL 3 EVP.
 *
 * Owns what SGP.02 key establishment (GP Amd E scenario #3, sgp02-facts §4.2) and the
 * GP-style certificates (§4.4) need from elliptic curves, for the two 256-bit curves
 * SGP.02 allows: NIST P-256 and brainpoolP256r1. Keys: generate, import/export of the
 * uncompressed point 04‖X‖Y (X9.62) and of the private scalar, curve by name, by
 * object identifier and by GP key parameter reference (GP Amd E Table 4-3: 00 =
 * P-256, 03 = brainpoolP256r1). ECDSA with SHA-256 in the plain r‖s form of BSI
 * TR-03111 §5.2.1 (64 bytes) that SGP.02 puts on the wire, with strict conversion to
 * and from DER. ECDH (BSI TR-03111 ECKA-DH: the shared secret is the x-coordinate of
 * d·Q) with full validation of the peer point. The X9.63 KDF with SHA-256 (BSI
 * TR-03111 §4.3.3: SHA-256(Z | counter(4, from 1) | SharedInfo) blocks).
 *
 * Pure: bytes in, bytes out, no I/O, no clock, no globals (randomness comes from
 * OpenSSL's DRBG). Private keys are never logged and every copy of a scalar or a
 * shared secret made here is wiped with OPENSSL_cleanse before returning. */
#ifndef RT_EC_H
#define RT_EC_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_err.h"

#define RT_EC_FIELD_LEN 32 /* bytes of a coordinate, a scalar and a shared secret */
#define RT_EC_POINT_LEN 65 /* 04 ‖ X ‖ Y */
#define RT_EC_SIG_LEN 64   /* r ‖ s */
#define RT_EC_DER_SIG_MAX 72
#define RT_EC_OID_MAX 16
#define RT_EC_KDF_MAX 1024 /* bytes one X9.63 KDF call may produce */

enum rt_ec_curve {
	RT_EC_NONE = 0,
	RT_EC_P256 = 1,   /* NIST P-256 = secp256r1 = prime256v1 */
	RT_EC_BP256R1 = 2 /* brainpoolP256r1 (RFC 5639) */
};

/* An EC key pair or public key (wraps an EVP_PKEY). Opaque; free with rt_ec_key_free. */
struct rt_ec_key;

/* Short name ("P-256", "brainpoolP256r1"); "?" for an unknown value. Never NULL. */
const char *rt_ec_curve_name(enum rt_ec_curve c);

/* Curve from a name: "P-256", "secp256r1", "prime256v1", "brainpoolP256r1" (case
 * insensitive). RT_ENOTSUP naming the input otherwise. */
int rt_ec_curve_from_name(const char *name, enum rt_ec_curve *c, struct rt_err *err);

/* GP key parameter reference (GP Amd E Table 4-3, SGP.02 Table 24): 00 P-256, 03
 * brainpoolP256r1. Others (P-384, the t1 curves...) are RT_ENOTSUP. */
int rt_ec_curve_from_gp_ref(unsigned ref, enum rt_ec_curve *c, struct rt_err *err);
unsigned rt_ec_curve_gp_ref(enum rt_ec_curve c);

/* Curve from the content bytes of an OBJECT IDENTIFIER (no 06 L header):
 * 2A8648CE3D030107 (1.2.840.10045.3.1.7) or 2B2403030208010107 (1.3.36.3.3.2.8.1.1.7).
 * rt_ec_curve_oid writes those bytes (at most RT_EC_OID_MAX) for a curve. */
int rt_ec_curve_from_oid(const uint8_t *oid, size_t len, enum rt_ec_curve *c,
			 struct rt_err *err);
int rt_ec_curve_oid(enum rt_ec_curve c, uint8_t oid[RT_EC_OID_MAX], size_t *len,
		    struct rt_err *err);

/* New random key pair on c. *out is the caller's (rt_ec_key_free). */
int rt_ec_key_generate(enum rt_ec_curve c, struct rt_ec_key **out, struct rt_err *err);

/* Key pair from a private scalar d (big-endian, 1..32 bytes, 1 <= d < n); the public
 * point is computed. RT_EINVAL when d is zero or not below the order. */
int rt_ec_key_from_private(enum rt_ec_curve c, const uint8_t *d, size_t dlen,
			   struct rt_ec_key **out, struct rt_err *err);

/* Public key from an uncompressed point 04‖X‖Y, fully validated (rt_ec_point_check). */
int rt_ec_key_from_public(enum rt_ec_curve c, const uint8_t *pt, size_t len,
			  struct rt_ec_key **out, struct rt_err *err);

/* Key from PEM or DER bytes: a SubjectPublicKeyInfo, a PKCS#8 or SEC1 private key, or
 * an X.509 certificate (its public key). The curve must be one of ours (RT_ENOTSUP). */
int rt_ec_key_from_pem_der(const uint8_t *buf, size_t len, struct rt_ec_key **out,
			   struct rt_err *err);

/* Wraps an EVP_PKEY (passed as void * so that this header needs no OpenSSL include;
 * one reference is taken, the caller keeps its own). */
int rt_ec_key_from_evp(void *evp_pkey, struct rt_ec_key **out, struct rt_err *err);

/* The EVP_PKEY inside k (borrowed; valid while k lives). */
void *rt_ec_key_evp(const struct rt_ec_key *k);

void rt_ec_key_free(struct rt_ec_key *k); /* NULL is fine */

enum rt_ec_curve rt_ec_key_curve(const struct rt_ec_key *k);
int rt_ec_key_has_private(const struct rt_ec_key *k);

/* Writes 04‖X‖Y (65 bytes). */
int rt_ec_key_public(const struct rt_ec_key *k, uint8_t pt[RT_EC_POINT_LEN], struct rt_err *err);

/* Writes the private scalar, 32 bytes big-endian. RT_ENOENT for a public-only key.
 * The caller wipes d (OPENSSL_cleanse) when done. */
int rt_ec_key_private(const struct rt_ec_key *k, uint8_t d[RT_EC_FIELD_LEN], struct rt_err *err);

/* Checks that pt is a usable public point on c: 65 bytes, first byte 04 (00 =
 * the point at infinity and 02/03 = compressed are refused with their own message),
 * both coordinates below p, on the curve (both curves have cofactor 1, so that also
 * places it in the prime-order group). RT_EPROTO for a wrong form or length,
 * RT_ECRYPTO for a point that is not on the curve. */
int rt_ec_point_check(enum rt_ec_curve c, const uint8_t *pt, size_t len, struct rt_err *err);

/* ECDSA-SHA256 of msg with k's private key; writes r‖s (64 bytes). */
int rt_ec_sign(const struct rt_ec_key *k, const uint8_t *msg, size_t len,
	       uint8_t sig[RT_EC_SIG_LEN], struct rt_err *err);

/* Verifies the plain r‖s signature sig over msg with k (ECDSA-SHA256). 0 when valid;
 * RT_EPROTO when siglen is not 64; RT_ECRYPTO when r or s is 0 or >= n ("r is zero",
 * "s >= n") or when the signature does not verify. */
int rt_ec_verify(const struct rt_ec_key *k, const uint8_t *msg, size_t len, const uint8_t *sig,
		 size_t siglen, struct rt_err *err);

/* r‖s (exactly 64 bytes, 0 < r,s < n) -> DER ECDSA-Sig-Value. */
int rt_ec_sig_plain_to_der(enum rt_ec_curve c, const uint8_t *plain, size_t len,
			   uint8_t der[RT_EC_DER_SIG_MAX], size_t *derlen, struct rt_err *err);

/* DER ECDSA-Sig-Value -> r‖s. Strict DER (re-encoding must give the same bytes, no
 * trailing data), 0 < r,s < n. */
int rt_ec_sig_der_to_plain(enum rt_ec_curve c, const uint8_t *der, size_t len,
			   uint8_t plain[RT_EC_SIG_LEN], struct rt_err *err);

/* ECDH: z = x-coordinate of d·Q where d is priv's scalar and Q the peer point
 * 04‖X‖Y on priv's curve (validated as rt_ec_point_check; an error names the curve). */
int rt_ec_ecdh(const struct rt_ec_key *priv, const uint8_t *peer, size_t peerlen,
	       uint8_t z[RT_EC_FIELD_LEN], struct rt_err *err);

/* Same with the peer as a key; RT_EINVAL when the two keys are on different curves. */
int rt_ec_ecdh_key(const struct rt_ec_key *priv, const struct rt_ec_key *peer,
		   uint8_t z[RT_EC_FIELD_LEN], struct rt_err *err);

/* ANSI X9.63 KDF with SHA-256: out = first outlen bytes of
 * SHA-256(z | 00000001 | info) | SHA-256(z | 00000002 | info) | ...
 * outlen 1..RT_EC_KDF_MAX; info may be NULL when infolen is 0. */
int rt_ec_x963_kdf(const uint8_t *z, size_t zlen, const uint8_t *info, size_t infolen,
		   uint8_t *out, size_t outlen, struct rt_err *err);

/* SHA-256 of msg (32 bytes). */
int rt_ec_sha256(const uint8_t *msg, size_t len, uint8_t md[32], struct rt_err *err);

#endif
