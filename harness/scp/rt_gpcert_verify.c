/* SPDX-License-Identifier: Apache-2.0 */
/* rt_gpcert_verify — verification and signing of SGP.02 7F21 certificates; see
 * rt_gpcert_verify.h. */
#include "scp/rt_gpcert_verify.h"

#include <string.h>

#include <openssl/crypto.h>

const char *rt_gpcert_status_name(enum rt_gpcert_status s)
{
	switch (s) {
	case RT_GPCERT_OK: return "ok";
	case RT_GPCERT_MALFORMED: return "malformed";
	case RT_GPCERT_WRONG_ISSUER: return "wrong issuer";
	case RT_GPCERT_BAD_SIGNATURE: return "bad signature";
	case RT_GPCERT_EXPIRED: return "expired";
	case RT_GPCERT_NOT_YET_VALID: return "not yet valid";
	case RT_GPCERT_WRONG_USAGE: return "wrong key usage";
	case RT_GPCERT_WRONG_TYPE: return "wrong certificate type";
	case RT_GPCERT_BAD_KEY: return "bad certified key";
	}
	return "?";
}

void rt_gpcert_policy_init(struct rt_gpcert_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->key_usage = -1;
	p->cert_type = -1;
	p->curve = RT_EC_NONE;
}

static int rt_gpcert_fail(enum rt_gpcert_status *status, enum rt_gpcert_status s, int code)
{
	if (status)
		*status = s;
	return code;
}

int rt_gpcert_verify(const struct rt_gpcert *c, const struct rt_ec_key *issuer,
		     const struct rt_gpcert_policy *p, struct rt_ec_key **key,
		     enum rt_gpcert_status *status, struct rt_err *err)
{
	struct rt_gpcert_policy none;
	enum rt_ec_curve curve;
	int rc;

	if (status)
		*status = RT_GPCERT_OK;
	if (!p) {
		rt_gpcert_policy_init(&none);
		p = &none;
	}
	if (!c || !issuer)
		return rt_err_set(err, RT_EINVAL, "7F21 verify: no certificate or issuer key");
	/* Wrong CI first: a certificate from another CI also fails the signature, but
	 * naming the CA identifier tells the reader why. */
	if (p->issuer_id && (c->ca_id.len != p->issuer_id_len ||
			     memcmp(c->ca_id.p, p->issuer_id, p->issuer_id_len) != 0)) {
		rt_err_set(err, RT_ECRYPTO,
			   "7F21: CA identifier 42 (%zu bytes) is not the issuer's subject identifier",
			   c->ca_id.len);
		return rt_gpcert_fail(status, RT_GPCERT_WRONG_ISSUER, RT_ECRYPTO);
	}
	rc = rt_ec_verify(issuer, c->signed_data.p, c->signed_data.len, c->signature.p,
			  c->signature.len, err);
	if (rc) {
		rt_err_wrap(err, "7F21 signature 5F37");
		return rt_gpcert_fail(status, RT_GPCERT_BAD_SIGNATURE, RT_ECRYPTO);
	}
	if (p->date && c->expiration && p->date > c->expiration) {
		rt_err_set(err, RT_ECRYPTO, "7F21: expired on %08u (checked at %08u)",
			   (unsigned)c->expiration, (unsigned)p->date);
		return rt_gpcert_fail(status, RT_GPCERT_EXPIRED, RT_ECRYPTO);
	}
	if (p->date && c->effective && p->date < c->effective) {
		rt_err_set(err, RT_ECRYPTO, "7F21: not valid before %08u (checked at %08u)",
			   (unsigned)c->effective, (unsigned)p->date);
		return rt_gpcert_fail(status, RT_GPCERT_NOT_YET_VALID, RT_ECRYPTO);
	}
	if (p->key_usage >= 0 && (long)c->key_usage != p->key_usage) {
		rt_err_set(err, RT_ECRYPTO, "7F21: key usage 95 is %0*X, %02lX expected",
			   (int)(2 * c->key_usage_len), (unsigned)c->key_usage, p->key_usage);
		return rt_gpcert_fail(status, RT_GPCERT_WRONG_USAGE, RT_ECRYPTO);
	}
	if (p->cert_type >= 0 && c->cert_type != p->cert_type) {
		if (c->cert_type < 0)
			rt_err_set(err, RT_ECRYPTO, "7F21: no certificate type C8, %02X expected",
				   (unsigned)p->cert_type);
		else
			rt_err_set(err, RT_ECRYPTO, "7F21: certificate type C8 is %02X, %02X expected",
				   (unsigned)c->cert_type, (unsigned)p->cert_type);
		return rt_gpcert_fail(status, RT_GPCERT_WRONG_TYPE, RT_ECRYPTO);
	}
	if (c->key_param_ref >= 0) {
		rc = rt_ec_curve_from_gp_ref((unsigned)c->key_param_ref, &curve, err);
		if (rc) {
			rt_err_wrap(err, "7F21 F0");
			return rt_gpcert_fail(status, RT_GPCERT_BAD_KEY, RT_EPROTO);
		}
	} else {
		curve = p->curve != RT_EC_NONE ? p->curve : rt_ec_key_curve(issuer);
	}
	rc = rt_ec_point_check(curve, c->public_key.p, c->public_key.len, err);
	if (rc) {
		rt_err_wrap(err, "7F21 certified key B0");
		return rt_gpcert_fail(status, RT_GPCERT_BAD_KEY, RT_EPROTO);
	}
	if (key) {
		rc = rt_ec_key_from_public(curve, c->public_key.p, c->public_key.len, key, err);
		if (rc)
			return rt_gpcert_fail(status, RT_GPCERT_BAD_KEY, rc);
	}
	return 0;
}

int rt_gpcert_verify_bytes(const uint8_t *buf, size_t len, const struct rt_ec_key *issuer,
			   const struct rt_gpcert_policy *p, struct rt_ec_key **key,
			   enum rt_gpcert_status *status, struct rt_err *err)
{
	struct rt_gpcert c;
	int rc = rt_gpcert_decode(buf, len, 0, &c, NULL, err);

	if (rc)
		return rt_gpcert_fail(status, RT_GPCERT_MALFORMED, rc);
	return rt_gpcert_verify(&c, issuer, p, key, status, err);
}

int rt_gpcert_verify_chain(const uint8_t *const *certs, const size_t *lens, size_t n,
			   const struct rt_ec_key *root, const uint8_t *root_id, size_t root_id_len,
			   uint32_t date, const struct rt_gpcert_policy *leaf_policy,
			   struct rt_ec_key **leaf_key, size_t *failed_at,
			   enum rt_gpcert_status *status, struct rt_err *err)
{
	struct rt_ec_key *cur = NULL, *next = NULL;
	const struct rt_ec_key *issuer = root;
	const uint8_t *id = root_id;
	size_t idlen = root_id_len, i;
	int rc = 0;

	if (n == 0)
		return rt_err_set(err, RT_EINVAL, "7F21 chain: no certificates");
	for (i = 0; i < n; i++) {
		struct rt_gpcert c;
		struct rt_gpcert_policy p;

		if (failed_at)
			*failed_at = i;
		rc = rt_gpcert_decode(certs[i], lens[i], 0, &c, NULL, err);
		if (rc) {
			rt_gpcert_fail(status, RT_GPCERT_MALFORMED, rc);
			rt_err_wrap(err, "chain certificate %zu", i);
			goto out;
		}
		if (i == n - 1 && leaf_policy)
			p = *leaf_policy;
		else
			rt_gpcert_policy_init(&p);
		p.date = date;
		p.issuer_id = id;
		p.issuer_id_len = idlen;
		rc = rt_gpcert_verify(&c, issuer, &p, &next, status, err);
		if (rc) {
			rt_err_wrap(err, "chain certificate %zu", i);
			goto out;
		}
		rt_ec_key_free(cur);
		cur = next;
		next = NULL;
		issuer = cur;
		id = c.subject_id.p;
		idlen = c.subject_id.len;
	}
	if (leaf_key) {
		*leaf_key = cur;
		cur = NULL;
	}
	rc = 0;
out:
	rt_ec_key_free(cur);
	rt_ec_key_free(next);
	return rc;
}

int rt_gpcert_sign(const struct rt_gpcert_fields *f, const struct rt_ec_key *issuer,
		   struct rt_buf *out, struct rt_err *err)
{
	struct rt_buf tbs;
	uint8_t sig[RT_EC_SIG_LEN];
	int rc;

	rt_buf_init(&tbs, RT_GPCERT_MAX);
	if ((rc = rt_gpcert_encode_tbs(f, &tbs, err)) != 0 ||
	    (rc = rt_ec_sign(issuer, tbs.data, tbs.len, sig, err)) != 0)
		goto out;
	rc = rt_gpcert_wrap(tbs.data, tbs.len, sig, sizeof(sig), out, err);
out:
	OPENSSL_cleanse(sig, sizeof(sig));
	rt_buf_free(&tbs);
	return rc;
}
