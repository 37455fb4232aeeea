/* SPDX-License-Identifier: Apache-2.0 */
/* rt_x509 — X.509 certificate chains for the SGP.02 PKI (CI → EUM → eUICC/ECASD,
 * CI → SM-DP / SM-SR), over OpenSSL 3's X509_STORE.
 *
 * Owns chain verification to a trust anchor at a time the caller gives (this layer
 * has no clock), with the failure sorted into a small set of reasons a test can
 * assert on (expired, not yet valid, unknown issuer, bad signature), and the
 * extraction of the fields a GP-style 7F21 twin of a certificate is built from
 * (serial, key identifiers, validity dates, public key; sgp02-facts §4.4, NJIWA
 * makeCertSigningData). Certificates are PEM (one or more concatenated) or DER. */
#ifndef RT_X509_H
#define RT_X509_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/rt_ec.h"
#include "util/rt_err.h"

#define RT_X509_MAX_CERTS 8
#define RT_X509_ID_MAX 32

enum rt_x509_status {
	RT_X509_OK = 0,
	RT_X509_MALFORMED,      /* not a certificate / unreadable */
	RT_X509_EXPIRED,        /* a certificate's notAfter is before the time given */
	RT_X509_NOT_YET_VALID,  /* a certificate's notBefore is after the time given */
	RT_X509_UNKNOWN_ISSUER, /* no path to a trust anchor (wrong CI) */
	RT_X509_BAD_SIGNATURE,  /* a certificate's signature does not verify */
	RT_X509_OTHER,          /* any other verification failure (message says which) */
};

/* Short name of a status ("expired"); never NULL. */
const char *rt_x509_status_name(enum rt_x509_status s);

/* Verifies leaf up to one of the trust anchors, using the untrusted intermediates in
 * chain (may be NULL/0), at time `at` (seconds since the epoch, UTC). 0 when the path
 * verifies; otherwise RT_ECRYPTO (RT_EPROTO when an input is not a certificate) with
 * *status set and a message naming the depth and subject of the failing certificate.
 * status may be NULL. */
int rt_x509_verify(const uint8_t *leaf, size_t leaflen, const uint8_t *chain, size_t chainlen,
		   const uint8_t *anchors, size_t anchorslen, int64_t at,
		   enum rt_x509_status *status, struct rt_err *err);

/* Fields of one certificate. Dates are YYYYMMDD as integers (20450101). */
struct rt_x509_info {
	uint8_t serial[RT_X509_ID_MAX];
	size_t serial_len; /* minimal unsigned big-endian bytes */
	uint8_t ski[RT_X509_ID_MAX];
	size_t ski_len; /* 0 when the certificate has no subjectKeyIdentifier */
	uint8_t aki[RT_X509_ID_MAX];
	size_t aki_len; /* keyIdentifier of authorityKeyIdentifier, 0 when absent */
	uint32_t not_before, not_after;
	int64_t not_before_t, not_after_t; /* the same as seconds since the epoch */
	char subject[256];                 /* one-line subject, for messages */
};

/* Reads the first certificate of buf (PEM or DER) into *info; when key is not NULL
 * also its public key (*key is the caller's, rt_ec_key_free). */
int rt_x509_info(const uint8_t *buf, size_t len, struct rt_x509_info *info,
		 struct rt_ec_key **key, struct rt_err *err);

#endif
