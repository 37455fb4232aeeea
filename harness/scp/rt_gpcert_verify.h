/* SPDX-License-Identifier: Apache-2.0 */
/* rt_gpcert_verify — checks SGP.02 GP-style 7F21 certificates and chains of them.
 *
 * Owns the verification of what codec/rt_gpcert decodes: the ECDSA-SHA256 signature
 * (plain r‖s, sgp02-facts §4.4) over the signed part with the issuer's public key,
 * the CA identifier (42) against the issuer's subject identifier, validity dates
 * against a date the caller gives (this layer has no clock), the key usage (95) and
 * the certificate type (C8) the use expects, and the certificate's own public key
 * (a valid point on the curve named by F0). Chains: CI → EUM → ECASD and
 * CI → SM-DP / SM-SR, each certificate checked with the previous one's key.
 * Also signs a certificate (the SM-DP side and test material need to make them).
 * Lives in scp/ because it joins the codec and the crypto layers. */
#ifndef RT_GPCERT_VERIFY_H
#define RT_GPCERT_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "codec/rt_gpcert.h"
#include "crypto/rt_ec.h"
#include "util/rt_buf.h"
#include "util/rt_err.h"

/* Why a certificate was refused; each check has its own value so that negative tests
 * can tell them apart. */
enum rt_gpcert_status {
	RT_GPCERT_OK = 0,
	RT_GPCERT_MALFORMED,      /* bytes do not decode (rt_gpcert_decode) */
	RT_GPCERT_WRONG_ISSUER,   /* 42 is not the issuer's subject identifier (wrong CI) */
	RT_GPCERT_BAD_SIGNATURE,  /* the signature does not verify */
	RT_GPCERT_EXPIRED,        /* date after 5F24 */
	RT_GPCERT_NOT_YET_VALID,  /* date before 5F25 */
	RT_GPCERT_WRONG_USAGE,    /* 95 is not what the use expects */
	RT_GPCERT_WRONG_TYPE,     /* C8 is not what the use expects (or absent) */
	RT_GPCERT_BAD_KEY,        /* the certified key is not a usable point / curve */
};

const char *rt_gpcert_status_name(enum rt_gpcert_status s);

/* What the verifier expects. Fields at -1 / 0 / NULL are not checked. */
struct rt_gpcert_policy {
	uint32_t date;            /* YYYYMMDD to check validity at; 0 = no date check */
	long key_usage;           /* expected 95 value, -1 = any */
	int cert_type;            /* expected C8 value, -1 = any */
	const uint8_t *issuer_id; /* expected 42 value (issuer's 5F20 / SKI), NULL = any */
	size_t issuer_id_len;
	enum rt_ec_curve curve;   /* curve of the certified key when F0 is absent;
				     RT_EC_NONE = the issuer's curve */
};

/* Sets p to "check nothing" (date 0, usage -1, type -1, no issuer id). */
void rt_gpcert_policy_init(struct rt_gpcert_policy *p);

/* Checks the decoded certificate c against issuer (a public key) and p, in this order:
 * issuer id, signature, dates, key usage, type, certified key. On success and when key
 * is not NULL, *key receives the certified public key (caller frees). On failure
 * returns RT_ECRYPTO (RT_EPROTO for a bad certified key encoding) with *status (may
 * be NULL) and a message. */
int rt_gpcert_verify(const struct rt_gpcert *c, const struct rt_ec_key *issuer,
		     const struct rt_gpcert_policy *p, struct rt_ec_key **key,
		     enum rt_gpcert_status *status, struct rt_err *err);

/* Decodes and verifies in one step (decode failures give RT_GPCERT_MALFORMED). */
int rt_gpcert_verify_bytes(const uint8_t *buf, size_t len, const struct rt_ec_key *issuer,
			   const struct rt_gpcert_policy *p, struct rt_ec_key **key,
			   enum rt_gpcert_status *status, struct rt_err *err);

/* Verifies a chain: certs[0] is signed by root (whose subject identifier is root_id,
 * may be NULL to skip that check), certs[i] by certs[i-1]'s key, each 42 checked
 * against the previous 5F20. date applies to all; leaf_policy (usage/type) only to
 * the last certificate. *failed_at (may be NULL) gets the index that failed. On
 * success *leaf_key (may be NULL) is the last certificate's key. */
int rt_gpcert_verify_chain(const uint8_t *const *certs, const size_t *lens, size_t n,
			   const struct rt_ec_key *root, const uint8_t *root_id, size_t root_id_len,
			   uint32_t date, const struct rt_gpcert_policy *leaf_policy,
			   struct rt_ec_key **leaf_key, size_t *failed_at,
			   enum rt_gpcert_status *status, struct rt_err *err);

/* Builds the signed part from f, signs it with issuer (private key; ECDSA-SHA256, r‖s)
 * and appends the whole 7F21 to out. */
int rt_gpcert_sign(const struct rt_gpcert_fields *f, const struct rt_ec_key *issuer,
		   struct rt_buf *out, struct rt_err *err);

#endif
