/* SPDX-License-Identifier: Apache-2.0 */
/* rt_gpcert — the SGP.02 "GP-style" certificate (tag 7F21), pure codec.
 *
 * Owns decoding and encoding of the certificates SGP.02 sends to the card in DGI 3A01
 * (CERT.DP.ECDSA, CERT.SR.ECDSA) and the same layout for the EUM and ECASD twins
 * (sgp02-facts §4.4; NJIWA ECKeyAgreementEG.makeCertSigningData, WHTY-SR test
 * certificates):
 *
 *   7F21 L { 93 serial | 42 CA identifier | 5F20 subject identifier | 95 key usage (1 or
 *            2 bytes) | [5F25 effective date] | 5F24 expiration date | [45 image number]
 *            | [73 (or 53) discretionary data { C8 01 type, C9 L AKI, ... }]
 *            | 7F49 { B0 04‖X‖Y, [F0 01 key parameter reference] } | 5F37 signature }
 *
 * The signed data is every byte of the 7F21 value before the 5F37 TLV (the TLVs 93 ..
 * 7F49 exactly as received: NJIWA signs makeCertSigningData's output, which is those
 * TLVs in that order). Dates are BCD YYYYMMDD (4 bytes); 3-byte YYMMDD (20YY) is
 * accepted because NJIWA's decoder reads it. Decoded fields point into the caller's
 * buffer. Checking signatures, dates against a clock and key usage is not done here
 * (scp/rt_gpcert_verify). */
#ifndef RT_GPCERT_H
#define RT_GPCERT_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_GPCERT_MAX 1024 /* bytes of a whole 7F21 we accept or produce */

/* Decoder options. */
enum rt_gpcert_flags {
	RT_GPCERT_F_ANY_ORDER = 1u << 0,     /* accept the known tags in any order */
	RT_GPCERT_F_ALLOW_UNKNOWN = 1u << 1, /* skip unknown tags in the signed part */
	RT_GPCERT_F_TRAILING = 1u << 2,      /* bytes after the 7F21 TLV are allowed */
};

struct rt_gpcert_bytes {
	const uint8_t *p; /* NULL when absent */
	size_t len;
};

struct rt_gpcert {
	struct rt_gpcert_bytes serial;     /* 93 */
	struct rt_gpcert_bytes ca_id;      /* 42 */
	struct rt_gpcert_bytes subject_id; /* 5F20 */
	uint32_t key_usage;                /* 95 value as a big-endian integer */
	size_t key_usage_len;              /* 1 or 2 */
	uint32_t effective;                /* 5F25 as YYYYMMDD, 0 when absent */
	uint32_t expiration;               /* 5F24 as YYYYMMDD */
	struct rt_gpcert_bytes image_number;  /* 45 */
	uint32_t discretionary_tag;           /* 73 or 53; 0 when absent */
	struct rt_gpcert_bytes discretionary; /* its value */
	int cert_type;                        /* C8 inside it (01 SM-DP, 02 SM-SR), -1 absent */
	struct rt_gpcert_bytes aki;           /* C9 inside it */
	struct rt_gpcert_bytes public_key;    /* B0 inside 7F49: 04‖X‖Y */
	int key_param_ref;                    /* F0 inside 7F49, -1 absent */
	struct rt_gpcert_bytes signature;     /* 5F37 */
	struct rt_gpcert_bytes signed_data;   /* the bytes the signature covers */
	struct rt_gpcert_bytes raw;           /* the whole 7F21 TLV */
};

/* Decodes the 7F21 TLV at buf[0]. Mandatory: 93, 42, 5F20, 95, 5F24, 7F49 (with B0),
 * 5F37 last. RT_EPROTO with the tag and offset on: a wrong outer tag, truncation,
 * a missing or repeated field, a field out of order (unless ANY_ORDER), an unknown
 * tag (unless ALLOW_UNKNOWN), key usage not 1-2 bytes, a date not BCD YYYYMMDD/YYMMDD
 * or not a calendar date, C8 not one byte, F0 not one byte, anything after 5F37, or
 * bytes after the 7F21 (unless TRAILING). *used (may be NULL) gets the 7F21 size. */
int rt_gpcert_decode(const uint8_t *buf, size_t len, unsigned flags, struct rt_gpcert *out,
		     size_t *used, struct rt_err *err);

/* Fields for encoding. Absent optional fields have p == NULL / value 0 / -1. */
struct rt_gpcert_fields {
	struct rt_gpcert_bytes serial, ca_id, subject_id;
	uint32_t key_usage;
	size_t key_usage_len; /* 1 or 2 */
	uint32_t effective;   /* YYYYMMDD or 0 */
	uint32_t expiration;  /* YYYYMMDD */
	struct rt_gpcert_bytes image_number;
	int cert_type;                   /* C8, -1 = none */
	struct rt_gpcert_bytes aki;      /* C9, p NULL = none */
	struct rt_gpcert_bytes dd_extra; /* further TLVs appended inside 73 */
	struct rt_gpcert_bytes public_key; /* 04‖X‖Y */
	int key_param_ref;                 /* F0, -1 = none */
};

/* Appends the signed part (93 .. 7F49, in the order above; 73 only when it has
 * content) to out. */
int rt_gpcert_encode_tbs(const struct rt_gpcert_fields *f, struct rt_buf *out,
			 struct rt_err *err);

/* Appends 7F21 L { tbs | 5F37 L sig } to out. */
int rt_gpcert_wrap(const uint8_t *tbs, size_t tbslen, const uint8_t *sig, size_t siglen,
		   struct rt_buf *out, struct rt_err *err);

/* Date helpers: BCD bytes (3 or 4) <-> YYYYMMDD; RT_EPROTO for non-BCD or
 * impossible dates. */
int rt_gpcert_date_decode(const uint8_t *p, size_t len, uint32_t *ymd, struct rt_err *err);
int rt_gpcert_date_encode(uint32_t ymd, uint8_t out[4], struct rt_err *err);

#endif
