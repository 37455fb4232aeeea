/* SPDX-License-Identifier: Apache-2.0 */
/* rt_ec — EC keys, ECDSA (plain r‖s), ECDH and the X9.63 KDF over OpenSSL 3; see rt_ec.h.
 *
 * Keys live in EVP_PKEYs built with EVP_PKEY_fromdata; the point and scalar checks are
 * done here with BIGNUM arithmetic on the curve parameters so that every refusal has
 * its own message (OpenSSL's own import refuses the same points, with less to say). */
#include "crypto/rt_ec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

struct rt_ec_key {
	EVP_PKEY *pkey;
	enum rt_ec_curve curve;
	int has_priv;
};

/* GP Amd E Table 4-3 / SGP.02 Table 24 key parameter references; OIDs from RFC 5480
 * (P-256) and RFC 5639 §4.1 (brainpoolP256r1). */
static const struct rt_ec_curve_info {
	enum rt_ec_curve curve;
	const char *name;
	const char *ossl_name;
	int nid;
	unsigned gp_ref;
	uint8_t oid[RT_EC_OID_MAX];
	size_t oid_len;
} k_curves[] = {
	{ RT_EC_P256, "P-256", "prime256v1", NID_X9_62_prime256v1, 0x00,
	  { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 }, 8 },
	{ RT_EC_BP256R1, "brainpoolP256r1", "brainpoolP256r1", NID_brainpoolP256r1, 0x03,
	  { 0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07 }, 9 },
};

static const struct rt_ec_curve_info *rt_ec_info(enum rt_ec_curve c)
{
	size_t i;

	for (i = 0; i < sizeof(k_curves) / sizeof(k_curves[0]); i++)
		if (k_curves[i].curve == c)
			return &k_curves[i];
	return NULL;
}

static const struct rt_ec_curve_info *rt_ec_need(enum rt_ec_curve c, struct rt_err *err)
{
	const struct rt_ec_curve_info *ci = rt_ec_info(c);

	if (!ci)
		rt_err_set(err, RT_ENOTSUP, "unknown curve %d", (int)c);
	return ci;
}

const char *rt_ec_curve_name(enum rt_ec_curve c)
{
	const struct rt_ec_curve_info *ci = rt_ec_info(c);

	return ci ? ci->name : "?";
}

int rt_ec_curve_from_name(const char *name, enum rt_ec_curve *c, struct rt_err *err)
{
	static const struct {
		const char *alias;
		enum rt_ec_curve curve;
	} aliases[] = {
		{ "P-256", RT_EC_P256 },           { "P256", RT_EC_P256 },
		{ "secp256r1", RT_EC_P256 },       { "prime256v1", RT_EC_P256 },
		{ "NIST P-256", RT_EC_P256 },      { "brainpoolP256r1", RT_EC_BP256R1 },
		{ "BP256R1", RT_EC_BP256R1 },      { "brainpool256r1", RT_EC_BP256R1 },
	};
	size_t i;

	for (i = 0; name && i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcasecmp(name, aliases[i].alias) == 0) {
			*c = aliases[i].curve;
			return 0;
		}
	}
	return rt_err_set(err, RT_ENOTSUP, "curve \"%s\" not supported (P-256, brainpoolP256r1)",
			  name ? name : "(null)");
}

int rt_ec_curve_from_gp_ref(unsigned ref, enum rt_ec_curve *c, struct rt_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(k_curves) / sizeof(k_curves[0]); i++) {
		if (k_curves[i].gp_ref == ref) {
			*c = k_curves[i].curve;
			return 0;
		}
	}
	return rt_err_set(err, RT_ENOTSUP,
			  "key parameter reference %02X not supported (00 P-256, 03 brainpoolP256r1)",
			  ref);
}

unsigned rt_ec_curve_gp_ref(enum rt_ec_curve c)
{
	const struct rt_ec_curve_info *ci = rt_ec_info(c);

	return ci ? ci->gp_ref : 0xFFu;
}

int rt_ec_curve_from_oid(const uint8_t *oid, size_t len, enum rt_ec_curve *c,
			 struct rt_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(k_curves) / sizeof(k_curves[0]); i++) {
		if (k_curves[i].oid_len == len && memcmp(k_curves[i].oid, oid, len) == 0) {
			*c = k_curves[i].curve;
			return 0;
		}
	}
	return rt_err_set(err, RT_ENOTSUP, "curve OID (%zu bytes) not supported", len);
}

int rt_ec_curve_oid(enum rt_ec_curve c, uint8_t oid[RT_EC_OID_MAX], size_t *len,
		    struct rt_err *err)
{
	const struct rt_ec_curve_info *ci = rt_ec_need(c, err);

	if (!ci)
		return RT_ENOTSUP;
	memcpy(oid, ci->oid, ci->oid_len);
	*len = ci->oid_len;
	return 0;
}

/* Curve parameters p, a, b and the order n as BIGNUMs (owned by the caller). */
struct rt_ec_params {
	BIGNUM *p, *a, *b, *n;
	BN_CTX *bn;
	EC_GROUP *group;
};

static void rt_ec_params_free(struct rt_ec_params *pp)
{
	BN_free(pp->p);
	BN_free(pp->a);
	BN_free(pp->b);
	BN_free(pp->n);
	BN_CTX_free(pp->bn);
	EC_GROUP_free(pp->group);
	memset(pp, 0, sizeof(*pp));
}

static int rt_ec_params_load(const struct rt_ec_curve_info *ci, struct rt_ec_params *pp,
			     struct rt_err *err)
{
	memset(pp, 0, sizeof(*pp));
	pp->group = EC_GROUP_new_by_curve_name(ci->nid);
	pp->p = BN_new();
	pp->a = BN_new();
	pp->b = BN_new();
	pp->n = BN_new();
	pp->bn = BN_CTX_new();
	if (!pp->group || !pp->p || !pp->a || !pp->b || !pp->n || !pp->bn ||
	    !EC_GROUP_get_curve(pp->group, pp->p, pp->a, pp->b, pp->bn) ||
	    !BN_copy(pp->n, EC_GROUP_get0_order(pp->group))) {
		rt_ec_params_free(pp);
		return rt_err_set(err, RT_ENOMEM, "%s: cannot load curve parameters", ci->name);
	}
	return 0;
}

/* Point validation with the parameters already loaded. */
static int rt_ec_point_check_pp(const struct rt_ec_curve_info *ci, const struct rt_ec_params *pp,
				const uint8_t *pt, size_t len, struct rt_err *err)
{
	BIGNUM *x = NULL, *y = NULL, *l = NULL, *r = NULL, *t = NULL;
	int rc;

	if (len == 1 && pt[0] == 0x00)
		return rt_err_set(err, RT_EPROTO, "%s: public point is the point at infinity (00)",
				  ci->name);
	if (len == 0)
		return rt_err_set(err, RT_EPROTO, "%s: public point is empty", ci->name);
	if (pt[0] == 0x02 || pt[0] == 0x03)
		return rt_err_set(err, RT_EPROTO,
				  "%s: compressed public point (%02X) not accepted, 04||X||Y expected",
				  ci->name, pt[0]);
	if (pt[0] != 0x04)
		return rt_err_set(err, RT_EPROTO,
				  "%s: public point starts with %02X, 04 (uncompressed) expected",
				  ci->name, pt[0]);
	if (len != RT_EC_POINT_LEN)
		return rt_err_set(err, RT_EPROTO, "%s: public point is %zu bytes, %d expected",
				  ci->name, len, RT_EC_POINT_LEN);
	x = BN_bin2bn(pt + 1, RT_EC_FIELD_LEN, NULL);
	y = BN_bin2bn(pt + 1 + RT_EC_FIELD_LEN, RT_EC_FIELD_LEN, NULL);
	l = BN_new();
	r = BN_new();
	t = BN_new();
	if (!x || !y || !l || !r || !t) {
		rc = rt_err_set(err, RT_ENOMEM, "%s: out of memory", ci->name);
		goto out;
	}
	if (BN_cmp(x, pp->p) >= 0 || BN_cmp(y, pp->p) >= 0) {
		rc = rt_err_set(err, RT_ECRYPTO, "%s: point coordinate not below the field prime",
				ci->name);
		goto out;
	}
	/* y^2 == x^3 + a x + b (mod p) */
	if (!BN_mod_sqr(l, y, pp->p, pp->bn) || !BN_mod_sqr(t, x, pp->p, pp->bn) ||
	    !BN_mod_add(t, t, pp->a, pp->p, pp->bn) || !BN_mod_mul(r, t, x, pp->p, pp->bn) ||
	    !BN_mod_add(r, r, pp->b, pp->p, pp->bn)) {
		rc = rt_err_set(err, RT_ENOMEM, "%s: arithmetic failed", ci->name);
		goto out;
	}
	if (BN_cmp(l, r) != 0) {
		rc = rt_err_set(err, RT_ECRYPTO, "point is not on the curve %s", ci->name);
		goto out;
	}
	rc = 0;
out:
	BN_free(x);
	BN_free(y);
	BN_free(l);
	BN_free(r);
	BN_free(t);
	return rc;
}

int rt_ec_point_check(enum rt_ec_curve c, const uint8_t *pt, size_t len, struct rt_err *err)
{
	const struct rt_ec_curve_info *ci = rt_ec_need(c, err);
	struct rt_ec_params pp;
	int rc;

	if (!ci)
		return RT_ENOTSUP;
	if (!pt)
		return rt_err_set(err, RT_EINVAL, "%s: no public point", ci->name);
	rc = rt_ec_params_load(ci, &pp, err);
	if (rc)
		return rc;
	rc = rt_ec_point_check_pp(ci, &pp, pt, len, err);
	rt_ec_params_free(&pp);
	return rc;
}

/* Builds an EVP_PKEY from a validated point and an optional scalar. */
static int rt_ec_build(const struct rt_ec_curve_info *ci, const uint8_t pt[RT_EC_POINT_LEN],
		       const BIGNUM *d, struct rt_ec_key **out, struct rt_err *err)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	struct rt_ec_key *k = NULL;
	int rc;

	bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, ci->ossl_name, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, RT_EC_POINT_LEN) ||
	    (d && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d)) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld))) {
		rc = rt_err_set(err, RT_ENOMEM, "%s: cannot build key parameters", ci->name);
		goto out;
	}
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		rc = rt_err_set(err, RT_ECRYPTO, "%s: OpenSSL refused the key", ci->name);
		goto out;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		rc = rt_err_set(err, RT_ENOMEM, "out of memory");
		goto out;
	}
	k->pkey = pkey;
	k->curve = ci->curve;
	k->has_priv = d != NULL;
	pkey = NULL;
	*out = k;
	rc = 0;
out:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

/* Private scalar (as a BIGNUM in range) -> key pair with the computed public point. */
static int rt_ec_from_scalar(const struct rt_ec_curve_info *ci, const struct rt_ec_params *pp,
			     const BIGNUM *d, struct rt_ec_key **out, struct rt_err *err)
{
	EC_POINT *q = NULL;
	uint8_t pt[RT_EC_POINT_LEN];
	int rc;

	if (BN_is_zero(d))
		return rt_err_set(err, RT_EINVAL, "%s: private scalar is zero", ci->name);
	if (BN_cmp(d, pp->n) >= 0)
		return rt_err_set(err, RT_EINVAL, "%s: private scalar is not below the order n",
				  ci->name);
	q = EC_POINT_new(pp->group);
	if (!q || !EC_POINT_mul(pp->group, q, d, NULL, NULL, pp->bn) ||
	    EC_POINT_point2oct(pp->group, q, POINT_CONVERSION_UNCOMPRESSED, pt, sizeof(pt),
			       pp->bn) != sizeof(pt)) {
		rc = rt_err_set(err, RT_ECRYPTO, "%s: cannot compute the public point", ci->name);
		goto out;
	}
	rc = rt_ec_build(ci, pt, d, out, err);
out:
	EC_POINT_free(q);
	return rc;
}

int rt_ec_key_from_private(enum rt_ec_curve c, const uint8_t *d, size_t dlen,
			   struct rt_ec_key **out, struct rt_err *err)
{
	const struct rt_ec_curve_info *ci = rt_ec_need(c, err);
	struct rt_ec_params pp;
	BIGNUM *bd = NULL;
	int rc;

	if (!ci)
		return RT_ENOTSUP;
	if (!d || dlen == 0 || dlen > RT_EC_FIELD_LEN)
		return rt_err_set(err, RT_EINVAL, "%s: private scalar is %zu bytes, 1..%d expected",
				  ci->name, dlen, RT_EC_FIELD_LEN);
	rc = rt_ec_params_load(ci, &pp, err);
	if (rc)
		return rc;
	bd = BN_secure_new();
	if (!bd || !BN_bin2bn(d, (int)dlen, bd)) {
		rc = rt_err_set(err, RT_ENOMEM, "out of memory");
		goto out;
	}
	rc = rt_ec_from_scalar(ci, &pp, bd, out, err);
out:
	BN_clear_free(bd);
	rt_ec_params_free(&pp);
	return rc;
}

int rt_ec_key_generate(enum rt_ec_curve c, struct rt_ec_key **out, struct rt_err *err)
{
	const struct rt_ec_curve_info *ci = rt_ec_need(c, err);
	struct rt_ec_params pp;
	BIGNUM *d = NULL;
	int rc;

	if (!ci)
		return RT_ENOTSUP;
	rc = rt_ec_params_load(ci, &pp, err);
	if (rc)
		return rc;
	d = BN_secure_new();
	/* d uniform in [1, n-1] from OpenSSL's DRBG. */
	do {
		if (!d || !BN_priv_rand_range(d, pp.n)) {
			rc = rt_err_set(err, RT_ECRYPTO, "%s: random scalar failed", ci->name);
			goto out;
		}
	} while (BN_is_zero(d));
	rc = rt_ec_from_scalar(ci, &pp, d, out, err);
out:
	BN_clear_free(d);
	rt_ec_params_free(&pp);
	return rc;
}

int rt_ec_key_from_public(enum rt_ec_curve c, const uint8_t *pt, size_t len,
			  struct rt_ec_key **out, struct rt_err *err)
{
	const struct rt_ec_curve_info *ci = rt_ec_need(c, err);
	int rc;

	if (!ci)
		return RT_ENOTSUP;
	rc = rt_ec_point_check(c, pt, len, err);
	if (rc)
		return rc;
	return rt_ec_build(ci, pt, NULL, out, err);
}

int rt_ec_key_from_evp(void *evp_pkey, struct rt_ec_key **out, struct rt_err *err)
{
	EVP_PKEY *pkey = evp_pkey;
	char gname[64];
	size_t glen = 0;
	BIGNUM *d = NULL;
	struct rt_ec_key *k;
	size_t i;

	if (!pkey || !EVP_PKEY_is_a(pkey, "EC"))
		return rt_err_set(err, RT_ENOTSUP, "not an EC key");
	if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, gname, sizeof(gname),
					    &glen))
		return rt_err_set(err, RT_ENOTSUP, "EC key without a named curve");
	for (i = 0; i < sizeof(k_curves) / sizeof(k_curves[0]); i++)
		if (strcmp(gname, k_curves[i].ossl_name) == 0)
			break;
	if (i == sizeof(k_curves) / sizeof(k_curves[0]))
		return rt_err_set(err, RT_ENOTSUP, "curve %s not supported (P-256, brainpoolP256r1)",
				  gname);
	k = calloc(1, sizeof(*k));
	if (!k)
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	if (!EVP_PKEY_up_ref(pkey)) {
		free(k);
		return rt_err_set(err, RT_ECRYPTO, "EVP_PKEY_up_ref failed");
	}
	k->pkey = pkey;
	k->curve = k_curves[i].curve;
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) && d)
		k->has_priv = 1;
	BN_clear_free(d);
	*out = k;
	return 0;
}

int rt_ec_key_from_pem_der(const uint8_t *buf, size_t len, struct rt_ec_key **out,
			   struct rt_err *err)
{
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	BIO *bio;
	int rc;

	if (!buf || len == 0 || len > (1u << 20))
		return rt_err_set(err, RT_EINVAL, "key: %zu bytes", len);
	/* Try, in order: PEM private key, PEM public key, PEM certificate, then the same in
	 * DER. Each attempt gets a fresh memory BIO. */
	bio = BIO_new_mem_buf(buf, (int)len);
	if (bio && (pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL) {
		BIO_free(bio);
		bio = BIO_new_mem_buf(buf, (int)len);
		if (bio && (pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)) == NULL) {
			BIO_free(bio);
			bio = BIO_new_mem_buf(buf, (int)len);
			if (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
				pkey = X509_get_pubkey(x);
		}
	}
	BIO_free(bio);
	if (!pkey && !x) {
		const unsigned char *p = buf;

		pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
		if (!pkey) {
			p = buf;
			pkey = d2i_PUBKEY(NULL, &p, (long)len);
		}
		if (!pkey) {
			p = buf;
			x = d2i_X509(NULL, &p, (long)len);
			if (x)
				pkey = X509_get_pubkey(x);
		}
	}
	if (!pkey) {
		rc = rt_err_set(err, RT_EPROTO,
				"not a PEM/DER EC private key, public key or certificate");
		goto out;
	}
	rc = rt_ec_key_from_evp(pkey, out, err);
out:
	EVP_PKEY_free(pkey);
	X509_free(x);
	return rc;
}

void *rt_ec_key_evp(const struct rt_ec_key *k)
{
	return k ? k->pkey : NULL;
}

void rt_ec_key_free(struct rt_ec_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

enum rt_ec_curve rt_ec_key_curve(const struct rt_ec_key *k)
{
	return k ? k->curve : RT_EC_NONE;
}

int rt_ec_key_has_private(const struct rt_ec_key *k)
{
	return k ? k->has_priv : 0;
}

int rt_ec_key_public(const struct rt_ec_key *k, uint8_t pt[RT_EC_POINT_LEN], struct rt_err *err)
{
	BIGNUM *x = NULL, *y = NULL;
	int rc = 0;

	if (!k)
		return rt_err_set(err, RT_EINVAL, "no key");
	if (!EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
	    !EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) ||
	    BN_bn2binpad(x, pt + 1, RT_EC_FIELD_LEN) != RT_EC_FIELD_LEN ||
	    BN_bn2binpad(y, pt + 1 + RT_EC_FIELD_LEN, RT_EC_FIELD_LEN) != RT_EC_FIELD_LEN)
		rc = rt_err_set(err, RT_ECRYPTO, "%s: cannot read the public point",
				rt_ec_curve_name(k->curve));
	pt[0] = 0x04;
	BN_free(x);
	BN_free(y);
	return rc;
}

int rt_ec_key_private(const struct rt_ec_key *k, uint8_t d[RT_EC_FIELD_LEN], struct rt_err *err)
{
	BIGNUM *bd = NULL;
	int rc = 0;

	if (!k)
		return rt_err_set(err, RT_EINVAL, "no key");
	if (!k->has_priv)
		return rt_err_set(err, RT_ENOENT, "%s key has no private part",
				  rt_ec_curve_name(k->curve));
	if (!EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bd) ||
	    BN_bn2binpad(bd, d, RT_EC_FIELD_LEN) != RT_EC_FIELD_LEN)
		rc = rt_err_set(err, RT_ECRYPTO, "cannot read the private scalar");
	BN_clear_free(bd);
	return rc;
}

/* Range check 0 < v < n for one signature half. */
static int rt_ec_sig_half(const char *curve, const char *name, const BIGNUM *v, const BIGNUM *n,
			  struct rt_err *err)
{
	if (BN_is_zero(v))
		return rt_err_set(err, RT_ECRYPTO, "%s ECDSA signature: %s is zero", curve, name);
	if (BN_is_negative(v) || BN_cmp(v, n) >= 0)
		return rt_err_set(err, RT_ECRYPTO, "%s ECDSA signature: %s >= n", curve, name);
	return 0;
}

int rt_ec_sig_plain_to_der(enum rt_ec_curve c, const uint8_t *plain, size_t len,
			   uint8_t der[RT_EC_DER_SIG_MAX], size_t *derlen, struct rt_err *err)
{
	const struct rt_ec_curve_info *ci = rt_ec_need(c, err);
	struct rt_ec_params pp;
	ECDSA_SIG *sig = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *p = der;
	int rc, n;

	if (!ci)
		return RT_ENOTSUP;
	if (!plain || len != RT_EC_SIG_LEN)
		return rt_err_set(err, RT_EPROTO, "%s ECDSA signature is %zu bytes, r||s of %d expected",
				  ci->name, len, RT_EC_SIG_LEN);
	rc = rt_ec_params_load(ci, &pp, err);
	if (rc)
		return rc;
	r = BN_bin2bn(plain, RT_EC_FIELD_LEN, NULL);
	s = BN_bin2bn(plain + RT_EC_FIELD_LEN, RT_EC_FIELD_LEN, NULL);
	if (!r || !s) {
		rc = rt_err_set(err, RT_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = rt_ec_sig_half(ci->name, "r", r, pp.n, err)) != 0 ||
	    (rc = rt_ec_sig_half(ci->name, "s", s, pp.n, err)) != 0)
		goto out;
	sig = ECDSA_SIG_new();
	if (!sig || !ECDSA_SIG_set0(sig, r, s)) {
		rc = rt_err_set(err, RT_ENOMEM, "out of memory");
		goto out;
	}
	r = s = NULL; /* owned by sig now */
	n = i2d_ECDSA_SIG(sig, NULL);
	if (n <= 0 || n > RT_EC_DER_SIG_MAX || i2d_ECDSA_SIG(sig, &p) != n) {
		rc = rt_err_set(err, RT_ECRYPTO, "DER encoding of the signature failed");
		goto out;
	}
	*derlen = (size_t)n;
	rc = 0;
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	rt_ec_params_free(&pp);
	return rc;
}

int rt_ec_sig_der_to_plain(enum rt_ec_curve c, const uint8_t *der, size_t len,
			   uint8_t plain[RT_EC_SIG_LEN], struct rt_err *err)
{
	const struct rt_ec_curve_info *ci = rt_ec_need(c, err);
	struct rt_ec_params pp;
	ECDSA_SIG *sig = NULL;
	const BIGNUM *r, *s;
	const unsigned char *p = der;
	unsigned char *re = NULL;
	int rc, n;

	if (!ci)
		return RT_ENOTSUP;
	if (!der || len == 0 || len > RT_EC_DER_SIG_MAX)
		return rt_err_set(err, RT_EPROTO, "%s DER signature is %zu bytes, 8..%d expected",
				  ci->name, len, RT_EC_DER_SIG_MAX);
	rc = rt_ec_params_load(ci, &pp, err);
	if (rc)
		return rc;
	sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (!sig) {
		rc = rt_err_set(err, RT_EPROTO, "%s: signature is not a DER ECDSA-Sig-Value", ci->name);
		goto out;
	}
	if ((size_t)(p - der) != len) {
		rc = rt_err_set(err, RT_EPROTO, "%s: %zu bytes after the DER signature", ci->name,
				len - (size_t)(p - der));
		goto out;
	}
	/* Strict DER: the canonical re-encoding must be the input (no long-form lengths,
	 * no superfluous leading zeros). */
	n = i2d_ECDSA_SIG(sig, &re);
	if (n <= 0 || (size_t)n != len || memcmp(re, der, len) != 0) {
		rc = rt_err_set(err, RT_EPROTO, "%s: signature is BER but not DER", ci->name);
		goto out;
	}
	ECDSA_SIG_get0(sig, &r, &s);
	if ((rc = rt_ec_sig_half(ci->name, "r", r, pp.n, err)) != 0 ||
	    (rc = rt_ec_sig_half(ci->name, "s", s, pp.n, err)) != 0)
		goto out;
	if (BN_bn2binpad(r, plain, RT_EC_FIELD_LEN) != RT_EC_FIELD_LEN ||
	    BN_bn2binpad(s, plain + RT_EC_FIELD_LEN, RT_EC_FIELD_LEN) != RT_EC_FIELD_LEN) {
		rc = rt_err_set(err, RT_ECRYPTO, "signature halves do not fit 32 bytes");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_free(re);
	ECDSA_SIG_free(sig);
	rt_ec_params_free(&pp);
	return rc;
}

int rt_ec_sign(const struct rt_ec_key *k, const uint8_t *msg, size_t len,
	       uint8_t sig[RT_EC_SIG_LEN], struct rt_err *err)
{
	EVP_MD_CTX *mctx = NULL;
	uint8_t der[RT_EC_DER_SIG_MAX];
	size_t derlen = sizeof(der);
	int rc;

	if (!k)
		return rt_err_set(err, RT_EINVAL, "no key");
	if (!k->has_priv)
		return rt_err_set(err, RT_EINVAL, "%s key has no private part, cannot sign",
				  rt_ec_curve_name(k->curve));
	mctx = EVP_MD_CTX_new();
	if (!mctx || EVP_DigestSignInit_ex(mctx, NULL, "SHA256", NULL, NULL, k->pkey, NULL) <= 0 ||
	    EVP_DigestSign(mctx, der, &derlen, msg, len) <= 0) {
		rc = rt_err_set(err, RT_ECRYPTO, "%s ECDSA-SHA256 signing failed",
				rt_ec_curve_name(k->curve));
		goto out;
	}
	rc = rt_ec_sig_der_to_plain(k->curve, der, derlen, sig, err);
out:
	EVP_MD_CTX_free(mctx);
	return rc;
}

int rt_ec_verify(const struct rt_ec_key *k, const uint8_t *msg, size_t len, const uint8_t *sig,
		 size_t siglen, struct rt_err *err)
{
	EVP_MD_CTX *mctx = NULL;
	uint8_t der[RT_EC_DER_SIG_MAX];
	size_t derlen = 0;
	int rc, v;

	if (!k)
		return rt_err_set(err, RT_EINVAL, "no key");
	rc = rt_ec_sig_plain_to_der(k->curve, sig, siglen, der, &derlen, err);
	if (rc)
		return rc;
	mctx = EVP_MD_CTX_new();
	if (!mctx || EVP_DigestVerifyInit_ex(mctx, NULL, "SHA256", NULL, NULL, k->pkey, NULL) <= 0) {
		rc = rt_err_set(err, RT_ECRYPTO, "%s ECDSA-SHA256: verifier setup failed",
				rt_ec_curve_name(k->curve));
		goto out;
	}
	v = EVP_DigestVerify(mctx, der, derlen, msg, len);
	if (v != 1) {
		rc = rt_err_set(err, RT_ECRYPTO, "%s ECDSA-SHA256 signature does not verify",
				rt_ec_curve_name(k->curve));
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(mctx);
	return rc;
}

int rt_ec_ecdh_key(const struct rt_ec_key *priv, const struct rt_ec_key *peer,
		   uint8_t z[RT_EC_FIELD_LEN], struct rt_err *err)
{
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t buf[RT_EC_FIELD_LEN + 8];
	size_t zl = sizeof(buf);
	int rc;

	if (!priv || !peer)
		return rt_err_set(err, RT_EINVAL, "ECDH: no key");
	if (!priv->has_priv)
		return rt_err_set(err, RT_EINVAL, "ECDH: own %s key has no private part",
				  rt_ec_curve_name(priv->curve));
	if (priv->curve != peer->curve)
		return rt_err_set(err, RT_EINVAL, "ECDH: peer key is on %s, own key on %s",
				  rt_ec_curve_name(peer->curve), rt_ec_curve_name(priv->curve));
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv->pkey, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) <= 0 ||
	    EVP_PKEY_derive_set_peer_ex(ctx, peer->pkey, 1) <= 0) {
		rc = rt_err_set(err, RT_ECRYPTO, "ECDH on %s: peer key refused",
				rt_ec_curve_name(priv->curve));
		goto out;
	}
	if (EVP_PKEY_derive(ctx, buf, &zl) <= 0 || zl != RT_EC_FIELD_LEN) {
		rc = rt_err_set(err, RT_ECRYPTO, "ECDH on %s failed", rt_ec_curve_name(priv->curve));
		goto out;
	}
	memcpy(z, buf, RT_EC_FIELD_LEN);
	rc = 0;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

int rt_ec_ecdh(const struct rt_ec_key *priv, const uint8_t *peer, size_t peerlen,
	       uint8_t z[RT_EC_FIELD_LEN], struct rt_err *err)
{
	struct rt_ec_key *pk = NULL;
	int rc;

	if (!priv)
		return rt_err_set(err, RT_EINVAL, "ECDH: no key");
	rc = rt_ec_key_from_public(priv->curve, peer, peerlen, &pk, err);
	if (rc)
		return rt_err_wrap(err, "ECDH peer point");
	rc = rt_ec_ecdh_key(priv, pk, z, err);
	rt_ec_key_free(pk);
	return rc;
}

int rt_ec_x963_kdf(const uint8_t *z, size_t zlen, const uint8_t *info, size_t infolen,
		   uint8_t *out, size_t outlen, struct rt_err *err)
{
	EVP_MD_CTX *mctx = NULL;
	EVP_MD *md = NULL;
	uint8_t block[32], ctr[4];
	uint32_t counter;
	size_t done = 0;
	int rc;

	if (outlen == 0 || outlen > RT_EC_KDF_MAX)
		return rt_err_set(err, RT_ERANGE, "X9.63 KDF: %zu bytes asked, 1..%d allowed", outlen,
				  RT_EC_KDF_MAX);
	if (!z && zlen)
		return rt_err_set(err, RT_EINVAL, "X9.63 KDF: no shared secret");
	if (!info && infolen)
		return rt_err_set(err, RT_EINVAL, "X9.63 KDF: no shared info");
	md = EVP_MD_fetch(NULL, "SHA256", NULL);
	mctx = EVP_MD_CTX_new();
	if (!md || !mctx) {
		rc = rt_err_set(err, RT_ENOTSUP, "X9.63 KDF: SHA-256 not available");
		goto out;
	}
	/* BSI TR-03111 §4.3.3: counter is a 32-bit big-endian integer starting at 1. */
	for (counter = 1; done < outlen; counter++) {
		unsigned int ml = 0;
		size_t take;

		ctr[0] = (uint8_t)(counter >> 24);
		ctr[1] = (uint8_t)(counter >> 16);
		ctr[2] = (uint8_t)(counter >> 8);
		ctr[3] = (uint8_t)counter;
		if (!EVP_DigestInit_ex2(mctx, md, NULL) || !EVP_DigestUpdate(mctx, z, zlen) ||
		    !EVP_DigestUpdate(mctx, ctr, 4) ||
		    (infolen && !EVP_DigestUpdate(mctx, info, infolen)) ||
		    !EVP_DigestFinal_ex(mctx, block, &ml) || ml != 32) {
			rc = rt_err_set(err, RT_ECRYPTO, "X9.63 KDF: SHA-256 failed");
			goto out;
		}
		take = outlen - done < 32 ? outlen - done : 32;
		memcpy(out + done, block, take);
		done += take;
	}
	rc = 0;
out:
	OPENSSL_cleanse(block, sizeof(block));
	EVP_MD_CTX_free(mctx);
	EVP_MD_free(md);
	return rc;
}

int rt_ec_sha256(const uint8_t *msg, size_t len, uint8_t md[32], struct rt_err *err)
{
	unsigned int ml = 0;

	if (!EVP_Digest(msg, len, md, &ml, EVP_sha256(), NULL) || ml != 32)
		return rt_err_set(err, RT_ECRYPTO, "SHA-256 failed");
	return 0;
}
