/* SPDX-License-Identifier: Apache-2.0 */
/* rt_x509 — X.509 chain verification and field extraction over OpenSSL 3; see rt_x509.h. */
#include "crypto/rt_x509.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

const char *rt_x509_status_name(enum rt_x509_status s)
{
	switch (s) {
	case RT_X509_OK: return "ok";
	case RT_X509_MALFORMED: return "malformed";
	case RT_X509_EXPIRED: return "expired";
	case RT_X509_NOT_YET_VALID: return "not yet valid";
	case RT_X509_UNKNOWN_ISSUER: return "unknown issuer";
	case RT_X509_BAD_SIGNATURE: return "bad signature";
	case RT_X509_OTHER: return "other";
	}
	return "?";
}

/* Reads up to max certificates from buf: concatenated PEM, or concatenated DER. */
static int rt_x509_load(const uint8_t *buf, size_t len, const char *what, STACK_OF(X509) *sk,
			size_t max, struct rt_err *err)
{
	X509 *x;

	if (!buf || len == 0)
		return 0;
	if (len > (1u << 20))
		return rt_err_set(err, RT_EINVAL, "%s: %zu bytes is too large", what, len);
	if (len > 10 && memcmp(buf, "-----BEGIN", 10) == 0) {
		BIO *bio = BIO_new_mem_buf(buf, (int)len);

		while (bio && (size_t)sk_X509_num(sk) < max &&
		       (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
			if (!sk_X509_push(sk, x)) {
				X509_free(x);
				break;
			}
		}
		BIO_free(bio);
	} else {
		const unsigned char *p = buf;

		while ((size_t)(p - buf) < len && (size_t)sk_X509_num(sk) < max) {
			x = d2i_X509(NULL, &p, (long)(len - (size_t)(p - buf)));
			if (!x)
				return rt_err_set(err, RT_EPROTO, "%s: DER certificate %d unreadable", what,
						  sk_X509_num(sk) + 1);
			if (!sk_X509_push(sk, x)) {
				X509_free(x);
				return rt_err_set(err, RT_ENOMEM, "out of memory");
			}
		}
	}
	if (sk_X509_num(sk) == 0)
		return rt_err_set(err, RT_EPROTO, "%s: no certificate found", what);
	return 0;
}

static enum rt_x509_status rt_x509_map(int e)
{
	switch (e) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return RT_X509_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return RT_X509_NOT_YET_VALID;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
		return RT_X509_UNKNOWN_ISSUER;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
		return RT_X509_BAD_SIGNATURE;
	default:
		return RT_X509_OTHER;
	}
}

int rt_x509_verify(const uint8_t *leaf, size_t leaflen, const uint8_t *chain, size_t chainlen,
		   const uint8_t *anchors, size_t anchorslen, int64_t at,
		   enum rt_x509_status *status, struct rt_err *err)
{
	STACK_OF(X509) *lsk = sk_X509_new_null(), *csk = sk_X509_new_null(),
		       *ask = sk_X509_new_null();
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	enum rt_x509_status st = RT_X509_MALFORMED;
	int rc, i;

	if (!lsk || !csk || !ask) {
		rc = rt_err_set(err, RT_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = rt_x509_load(leaf, leaflen, "leaf", lsk, 1, err)) != 0 ||
	    (rc = rt_x509_load(chain, chainlen, "chain", csk, RT_X509_MAX_CERTS, err)) != 0 ||
	    (rc = rt_x509_load(anchors, anchorslen, "trust anchors", ask, RT_X509_MAX_CERTS, err)) != 0)
		goto out;
	if (sk_X509_num(lsk) == 0 || sk_X509_num(ask) == 0) {
		rc = rt_err_set(err, RT_EINVAL, "X.509: a leaf and at least one trust anchor needed");
		goto out;
	}
	store = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	if (!store || !ctx) {
		rc = rt_err_set(err, RT_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < sk_X509_num(ask); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(ask, i))) {
			rc = rt_err_set(err, RT_ECRYPTO, "X.509: cannot add trust anchor %d", i);
			goto out;
		}
	if (!X509_STORE_CTX_init(ctx, store, sk_X509_value(lsk, 0), csk)) {
		rc = rt_err_set(err, RT_ECRYPTO, "X.509: cannot set up verification");
		goto out;
	}
	/* The time is the caller's: the verdict must not depend on when the test runs. */
	X509_STORE_CTX_set_time(ctx, 0, (time_t)at);
	if (X509_verify_cert(ctx) == 1) {
		st = RT_X509_OK;
		rc = 0;
	} else {
		int e = X509_STORE_CTX_get_error(ctx);
		int depth = X509_STORE_CTX_get_error_depth(ctx);
		X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
		char subj[256] = "?";

		if (bad)
			X509_NAME_oneline(X509_get_subject_name(bad), subj, sizeof(subj));
		st = rt_x509_map(e);
		rc = rt_err_set(err, RT_ECRYPTO, "X.509 %s at depth %d (%s): %s",
				rt_x509_status_name(st), depth, subj, X509_verify_cert_error_string(e));
	}
out:
	if (status)
		*status = st;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_pop_free(lsk, X509_free);
	sk_X509_pop_free(csk, X509_free);
	sk_X509_pop_free(ask, X509_free);
	return rc;
}

static int rt_x509_date(const ASN1_TIME *t, uint32_t *ymd, int64_t *secs)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	*ymd = (uint32_t)((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
	*secs = (int64_t)timegm(&tm);
	return 0;
}

int rt_x509_info(const uint8_t *buf, size_t len, struct rt_x509_info *info,
		 struct rt_ec_key **key, struct rt_err *err)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	const ASN1_OCTET_STRING *ski, *aki;
	BIGNUM *bn = NULL;
	EVP_PKEY *pk = NULL;
	X509 *x;
	int rc, n;

	memset(info, 0, sizeof(*info));
	if (!sk)
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	if ((rc = rt_x509_load(buf, len, "certificate", sk, 1, err)) != 0)
		goto out;
	if (sk_X509_num(sk) == 0) {
		rc = rt_err_set(err, RT_EINVAL, "no certificate");
		goto out;
	}
	x = sk_X509_value(sk, 0);
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	n = bn ? BN_num_bytes(bn) : -1;
	if (n < 0 || n > RT_X509_ID_MAX) {
		rc = rt_err_set(err, RT_EPROTO, "certificate serial unreadable or over %d bytes",
				RT_X509_ID_MAX);
		goto out;
	}
	if (n == 0) { /* serial 0 is one zero byte */
		info->serial[0] = 0;
		info->serial_len = 1;
	} else {
		info->serial_len = (size_t)BN_bn2bin(bn, info->serial);
	}
	ski = X509_get0_subject_key_id(x);
	if (ski && ski->length > 0 && ski->length <= RT_X509_ID_MAX) {
		memcpy(info->ski, ski->data, (size_t)ski->length);
		info->ski_len = (size_t)ski->length;
	}
	aki = X509_get0_authority_key_id(x);
	if (aki && aki->length > 0 && aki->length <= RT_X509_ID_MAX) {
		memcpy(info->aki, aki->data, (size_t)aki->length);
		info->aki_len = (size_t)aki->length;
	}
	if (rt_x509_date(X509_get0_notBefore(x), &info->not_before, &info->not_before_t) ||
	    rt_x509_date(X509_get0_notAfter(x), &info->not_after, &info->not_after_t)) {
		rc = rt_err_set(err, RT_EPROTO, "certificate validity dates unreadable");
		goto out;
	}
	X509_NAME_oneline(X509_get_subject_name(x), info->subject, sizeof(info->subject));
	if (key) {
		pk = X509_get_pubkey(x);
		if (!pk) {
			rc = rt_err_set(err, RT_EPROTO, "certificate public key unreadable");
			goto out;
		}
		rc = rt_ec_key_from_evp(pk, key, err);
		if (rc)
			goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(pk);
	BN_free(bn);
	sk_X509_pop_free(sk, X509_free);
	return rc;
}
