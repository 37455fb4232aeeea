/* SPDX-License-Identifier: Apache-2.0 */
/* rt_personality — personality files of the reference eUICC; see rt_personality.h and
 * docs/euicc-personality.md.
 *
 * Owns the YAML shape of a personality and the reading of the key and certificate
 * files it names (PEM/DER/hex); the meaning of every field is rt_euicc_config's.
 * Values are checked here as far as the card would refuse them later (EID check
 * digits, ATR structure, key lengths per algorithm, certificate structure, the ECASD
 * certificate's key matching the private key), so that a mistake is reported at its
 * file:line:col rather than as a card that does not start. */
#include "engine/rt_personality.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "codec/rt_eid.h"
#include "codec/rt_gpcert.h"
#include "crypto/rt_ec.h"
#include "util/rt_hex.h"

#define RT_PERS_FILE_MAX (64u << 10) /* a key or certificate file */

static const char *const rt_pers_keys[] = {
	"name", "description", "eid", "atr", "t0_get_response", "memory", "scp80",
	"smsr_address", "ecasd", "notification_retries", "emergency_dgi", "pol1_coding",
	"refresh_qualifier", "faults", NULL,
};

/* STORE DATA DGIs the ISD-R already gives a meaning (facts §5.2: 3A03 EnableProfile, 3A04
 * DisableProfile, 3A05 SetFallBackAttribute, 3A07 UpdateSMSRAddressingParameters, 3A08
 * notification confirmation): SetEmergencyProfileAttribute cannot take one of them. */
static const uint16_t rt_pers_isdr_dgis[] = { 0x3A03, 0x3A04, 0x3A05, 0x3A07, 0x3A08 };
static const char *const rt_pers_scp80_keys[] = {
	"kvn", "kic_alg", "kid_alg", "kic", "kid", "dek", NULL,
};
static const char *const rt_pers_ecasd_keys[] = {
	"curve", "private_key", "certificate", "ci_public_key", "ci_curve", NULL,
};

/* SCP80 algorithm names (the short names of rt.scp80 in lua/l_scp80.c): what each
 * means for KIc and for KID (TS 102 225 5.1.2, 5.1.3), and the key length it needs
 * (0: any). */
struct rt_pers_alg {
	const char *name;
	enum rt_scp80_alg kic, kid;
	unsigned key_len; /* 0 = 16, 24 or 32 (AES) */
};

static const struct rt_pers_alg rt_pers_algs[] = {
	{ "des", RT_SCP80_ALG_DES_CBC, RT_SCP80_ALG_DES_MAC, 8 },
	{ "3des2", RT_SCP80_ALG_3DES2_CBC, RT_SCP80_ALG_3DES2_MAC, 16 },
	{ "3des3", RT_SCP80_ALG_3DES3_CBC, RT_SCP80_ALG_3DES3_MAC, 24 },
	{ "des_ecb", RT_SCP80_ALG_DES_ECB, RT_SCP80_ALG_NONE, 8 },
	{ "aes", RT_SCP80_ALG_AES_CBC, RT_SCP80_ALG_AES_CMAC, 0 },
	{ "crc16", RT_SCP80_ALG_NONE, RT_SCP80_ALG_CRC16, 1 },
	{ "crc32", RT_SCP80_ALG_NONE, RT_SCP80_ALG_CRC32, 1 },
};

static int rt_pers_err(struct rt_err *err, const struct rt_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rt_pers_err(struct rt_err *err, const struct rt_ynode *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: %s", n->file ? n->file : "?", n->line, n->col,
			  msg);
}

static int rt_pers_check_keys(const struct rt_ynode *m, const char *const *allowed,
			      const char *what, struct rt_err *err)
{
	const char *const *k;
	size_t i;

	if (m->kind != RT_Y_MAP)
		return rt_pers_err(err, m, "%s must be a mapping", what);
	for (i = 0; i < m->n; i++) {
		int ok = 0;

		for (k = allowed; *k; k++)
			ok |= strcmp(*k, m->keys[i]) == 0;
		if (!ok)
			return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: unknown key '%s' in %s", m->file,
					  m->key_lines[i], m->key_cols[i], m->keys[i], what);
	}
	return 0;
}

/* A scalar value or NULL when absent; an error when present but not a scalar. */
static int rt_pers_scalar(const struct rt_ynode *m, const char *key, const struct rt_ynode **v,
			  struct rt_err *err)
{
	*v = rt_ynode_get(m, key);
	if (*v && (*v)->kind != RT_Y_SCALAR)
		return rt_pers_err(err, *v, "'%s' must be a single value, not %s", key,
				   rt_ynode_kind_name((*v)->kind));
	return 0;
}

static int rt_pers_uint(const struct rt_ynode *v, const char *key, unsigned long lo,
			unsigned long hi, unsigned long *out, struct rt_err *err)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(v->str, &end, 0);
	if (errno || end == v->str || *end || v->str[0] == '-' || x < lo || x > hi)
		return rt_pers_err(err, v, "'%s' must be an integer in %lu..%lu (got \"%s\")", key, lo,
				   hi, v->str);
	*out = x;
	return 0;
}

/* Hex text of at most cap bytes (spaces and ':' allowed). */
static int rt_pers_hex(const struct rt_ynode *v, const char *key, uint8_t *out, size_t cap,
		       size_t *n, struct rt_err *err)
{
	struct rt_err e2 = { 0, "" };

	if (rt_hex_decode(v->str, strlen(v->str), out, cap, n, &e2))
		return rt_pers_err(err, v, "'%s': %s (at most %zu bytes of hex)", key, e2.msg, cap);
	return 0;
}

int rt_personality_path(const char *base, const char *path, char *out, size_t outsz,
			struct rt_err *err)
{
	const char *slash = base ? strrchr(base, '/') : NULL;
	int n;

	if (path[0] == '/' || !slash)
		n = snprintf(out, outsz, "%s", path);
	else
		n = snprintf(out, outsz, "%.*s/%s", (int)(slash - base), base, path);
	if (n < 0 || (size_t)n >= outsz)
		return rt_err_set(err, RT_EINVAL, "path too long: %s", path);
	return 0;
}

/* Reads a whole (small) file named by a value node; *len gets its size. */
static int rt_pers_read(const struct rt_ynode *v, const char *key, const char *base,
			uint8_t *buf, size_t cap, size_t *len, struct rt_err *err)
{
	char path[4096];
	FILE *f;
	size_t n;
	int extra;

	if (rt_personality_path(base, v->str, path, sizeof(path), err))
		return rt_pers_err(err, v, "'%s': path too long", key);
	f = fopen(path, "rb");
	if (!f)
		return rt_pers_err(err, v, "'%s': %s: %s", key, path, strerror(errno));
	n = fread(buf, 1, cap, f);
	extra = fgetc(f);
	if (ferror(f)) {
		fclose(f);
		return rt_pers_err(err, v, "'%s': %s: read error", key, path);
	}
	fclose(f);
	if (extra != EOF)
		return rt_pers_err(err, v, "'%s': %s is larger than %zu bytes", key, path, cap);
	*len = n;
	return 0;
}

/* 1 when the bytes are hex text (digits, letters a-f, spaces, ':'), with at least one
 * digit. */
static int rt_pers_is_hex(const uint8_t *p, size_t n)
{
	size_t i, digits = 0;

	for (i = 0; i < n; i++) {
		if ((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
		    (p[i] >= 'A' && p[i] <= 'F'))
			digits++;
		else if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n' && p[i] != ':')
			return 0;
	}
	return digits > 0;
}

/* A file's bytes: hex text is decoded, anything else is returned as it is (DER, PEM).
 * *was_hex tells which. */
static int rt_pers_file_bytes(const struct rt_ynode *v, const char *key, const char *base,
			      uint8_t *buf, size_t cap, size_t *len, int *was_hex, struct rt_err *err)
{
	uint8_t *raw = malloc(RT_PERS_FILE_MAX);
	size_t n = 0;
	int rc;

	if (!raw)
		return rt_err_set(err, RT_ENOMEM, "reading '%s'", key);
	rc = rt_pers_read(v, key, base, raw, RT_PERS_FILE_MAX, &n, err);
	if (rc)
		goto out;
	*was_hex = rt_pers_is_hex(raw, n);
	if (*was_hex) {
		struct rt_err e2 = { 0, "" };

		if (rt_hex_decode((const char *)raw, n, buf, cap, len, &e2))
			rc = rt_pers_err(err, v, "'%s': %s: %s", key, v->str, e2.msg);
	} else if (n > cap) {
		rc = rt_pers_err(err, v, "'%s': %s is larger than %zu bytes", key, v->str, cap);
	} else {
		memcpy(buf, raw, n);
		*len = n;
	}
out:
	OPENSSL_cleanse(raw, RT_PERS_FILE_MAX);
	free(raw);
	return rc;
}

static int rt_pers_curve(const struct rt_ynode *v, const char *key, enum rt_ec_curve *c,
			 char *name, size_t namesz, struct rt_err *err)
{
	struct rt_err e2 = { 0, "" };

	if (rt_ec_curve_from_name(v->str, c, &e2))
		return rt_pers_err(err, v, "'%s': %s (prime256v1 or brainpoolP256r1)", key, e2.msg);
	snprintf(name, namesz, "%s", *c == RT_EC_P256 ? "prime256v1" : "brainpoolP256r1");
	return 0;
}

static int rt_pers_alg_get(const struct rt_ynode *ks, const char *key, int kid,
			   const struct rt_pers_alg **out, struct rt_err *err)
{
	const struct rt_ynode *v;
	size_t i;
	int rc;

	*out = &rt_pers_algs[4]; /* aes */
	if ((rc = rt_pers_scalar(ks, key, &v, err)) || !v)
		return rc;
	for (i = 0; i < sizeof(rt_pers_algs) / sizeof(rt_pers_algs[0]); i++) {
		const struct rt_pers_alg *a = &rt_pers_algs[i];

		if (strcmp(a->name, v->str) == 0 &&
		    (kid ? a->kid : a->kic) != RT_SCP80_ALG_NONE) {
			*out = a;
			return 0;
		}
	}
	return rt_pers_err(err, v, "'%s' must be one of: %s", key,
			   kid ? "des, 3des2, 3des3, aes, crc16, crc32" : "des, 3des2, 3des3, des_ecb, aes");
}

/* One `scp80:` item into k. */
static int rt_pers_keyset(const struct rt_ynode *ks, struct rt_euicc_scp80_init *k,
			  struct rt_err *err)
{
	static const char *const names[] = { "kic", "kid", "dek" };
	uint8_t *dst[3];
	const struct rt_pers_alg *kic, *kid;
	const struct rt_ynode *v;
	unsigned long kvn;
	size_t i, n = 0, len = 0;
	int rc;

	memset(k, 0, sizeof(*k));
	dst[0] = k->kic;
	dst[1] = k->kid;
	dst[2] = k->dek;
	if ((rc = rt_pers_check_keys(ks, rt_pers_scp80_keys, "an scp80 keyset", err)) ||
	    (rc = rt_pers_scalar(ks, "kvn", &v, err)))
		return rc;
	if (!v)
		return rt_pers_err(err, ks, "an scp80 keyset needs 'kvn'");
	/* TS 102 225 / facts §1.10: the ISD-R's SCP80 keysets are 01..0F. */
	if ((rc = rt_pers_uint(v, "kvn", 1, 15, &kvn, err)))
		return rc;
	k->kvn = (uint8_t)kvn;
	if ((rc = rt_pers_alg_get(ks, "kic_alg", 0, &kic, err)) ||
	    (rc = rt_pers_alg_get(ks, "kid_alg", 1, &kid, err)))
		return rc;
	k->kic_alg = kic->kic;
	k->kid_alg = kid->kid;
	for (i = 0; i < 3; i++) {
		if ((rc = rt_pers_scalar(ks, names[i], &v, err)))
			return rc;
		if (!v)
			return rt_pers_err(err, ks, "an scp80 keyset needs '%s'", names[i]);
		if ((rc = rt_pers_hex(v, names[i], dst[i], 32, &n, err)))
			return rc;
		/* The card keeps one length for the three keys (rt_euicc_scp80_init). */
		if (i && n != len)
			return rt_pers_err(err, v, "'%s' has %zu bytes, 'kic' %zu: the keys of a keyset have one length",
					   names[i], n, len);
		len = n;
	}
	/* Key lengths of the algorithms (TS 102 225 5.1.2/5.1.3: DES 8, 3DES 16/24, AES
	 * 16/24/32). */
	for (i = 0; i < 2; i++) {
		const struct rt_pers_alg *a = i ? kid : kic;

		if ((a->key_len == 0 && len != 16 && len != 24 && len != 32) ||
		    (a->key_len > 1 && len != a->key_len))
			return rt_pers_err(err, ks, "scp80 keyset %lu: %s keys of %zu bytes do not fit %s",
					   kvn, i ? "KID" : "KIc", len, a->name);
	}
	k->key_len = (uint8_t)len;
	return 0;
}

static int rt_pers_scp80(const struct rt_ynode *seq, struct rt_euicc_config *cfg,
			 struct rt_err *err)
{
	struct rt_euicc_scp80_init k;
	size_t i, j;
	int rc = 0;

	if (seq->kind != RT_Y_SEQ)
		return rt_pers_err(err, seq, "'scp80' must be a list of keysets");
	if (seq->n > RT_EUICC_MAX_SCP80)
		return rt_pers_err(err, seq, "'scp80' has %zu keysets; the card holds %d", seq->n,
				   RT_EUICC_MAX_SCP80);
	OPENSSL_cleanse(cfg->scp80, sizeof(cfg->scp80));
	cfg->n_scp80 = 0;
	for (i = 0; i < seq->n; i++) {
		rc = rt_pers_keyset(seq->items[i], &k, err);
		for (j = 0; !rc && j < cfg->n_scp80; j++)
			if (cfg->scp80[j].kvn == k.kvn)
				rc = rt_pers_err(err, seq->items[i], "two scp80 keysets with kvn %u", k.kvn);
		if (!rc)
			cfg->scp80[cfg->n_scp80++] = k;
		OPENSSL_cleanse(&k, sizeof(k));
		if (rc)
			return rc;
	}
	return 0;
}

/* The public point of a PEM/DER key or certificate, or of a hex point, or of a 7F21
 * (hex or DER); *curve set when the input names it (RT_EC_NONE otherwise). */
static int rt_pers_public(const struct rt_ynode *v, const char *key, const char *base,
			  uint8_t pt[RT_EC_POINT_LEN], enum rt_ec_curve *curve, struct rt_err *err)
{
	uint8_t buf[RT_GPCERT_MAX * 4];
	struct rt_gpcert cert;
	struct rt_ec_key *ek = NULL;
	struct rt_err e2 = { 0, "" };
	size_t n = 0;
	int hex = 0, rc;

	*curve = RT_EC_NONE;
	if ((rc = rt_pers_file_bytes(v, key, base, buf, sizeof(buf), &n, &hex, err)))
		return rc;
	if (n >= 2 && buf[0] == 0x7F && buf[1] == 0x21) {
		if (rt_gpcert_decode(buf, n, 0, &cert, NULL, &e2))
			return rt_pers_err(err, v, "'%s': %s: %s", key, v->str, e2.msg);
		if (cert.public_key.len != RT_EC_POINT_LEN)
			return rt_pers_err(err, v, "'%s': %s: public key of %zu bytes", key, v->str,
					   cert.public_key.len);
		memcpy(pt, cert.public_key.p, RT_EC_POINT_LEN);
		if (cert.key_param_ref >= 0 &&
		    rt_ec_curve_from_gp_ref((unsigned)cert.key_param_ref, curve, &e2))
			return rt_pers_err(err, v, "'%s': %s: %s", key, v->str, e2.msg);
		return 0;
	}
	if (hex && n == RT_EC_POINT_LEN && buf[0] == 0x04) {
		memcpy(pt, buf, n);
		return 0;
	}
	if (rt_ec_key_from_pem_der(buf, n, &ek, &e2))
		return rt_pers_err(err, v, "'%s': %s: not a public key, certificate, 7F21 or hex point: %s",
				   key, v->str, e2.msg);
	*curve = rt_ec_key_curve(ek);
	rc = rt_ec_key_public(ek, pt, &e2);
	rt_ec_key_free(ek);
	if (rc)
		return rt_pers_err(err, v, "'%s': %s: %s", key, v->str, e2.msg);
	return 0;
}

static int rt_pers_ecasd(const struct rt_ynode *m, const char *base, struct rt_euicc_config *cfg,
			 struct rt_err *err)
{
	const struct rt_ynode *v, *vcurve, *vsk, *vcert;
	enum rt_ec_curve curve = RT_EC_NONE, c2 = RT_EC_NONE;
	struct rt_ec_key *ek = NULL;
	struct rt_err e2 = { 0, "" };
	uint8_t buf[RT_PERS_FILE_MAX / 4], pub[RT_EC_POINT_LEN];
	size_t n = 0;
	int hex = 0, rc, have_pub = 0;

	if ((rc = rt_pers_check_keys(m, rt_pers_ecasd_keys, "ecasd", err)) ||
	    (rc = rt_pers_scalar(m, "curve", &vcurve, err)) ||
	    (rc = rt_pers_scalar(m, "private_key", &vsk, err)) ||
	    (rc = rt_pers_scalar(m, "certificate", &vcert, err)))
		return rc;
	if (vcurve && (rc = rt_pers_curve(vcurve, "curve", &curve, cfg->curve, sizeof(cfg->curve), err)))
		return rc;
	if (vsk) {
		/* SK.ECASD.ECKA: a PEM/DER private key (PKCS#8 or SEC1) or the hex scalar. */
		rc = rt_pers_file_bytes(vsk, "private_key", base, buf, sizeof(buf), &n, &hex, err);
		if (!rc && hex) {
			if (curve == RT_EC_NONE)
				rc = rt_pers_err(err, vsk, "a hex private key needs 'curve'");
			else if (rt_ec_key_from_private(curve, buf, n, &ek, &e2))
				rc = rt_pers_err(err, vsk, "'private_key': %s: %s", vsk->str, e2.msg);
		} else if (!rc) {
			if (rt_ec_key_from_pem_der(buf, n, &ek, &e2))
				rc = rt_pers_err(err, vsk, "'private_key': %s: %s", vsk->str, e2.msg);
			else if (!rt_ec_key_has_private(ek))
				rc = rt_pers_err(err, vsk, "'private_key': %s holds no private key", vsk->str);
		}
		OPENSSL_cleanse(buf, sizeof(buf));
		if (rc)
			goto out;
		if (curve != RT_EC_NONE && rt_ec_key_curve(ek) != curve) {
			rc = rt_pers_err(err, vsk, "'private_key' is on %s, 'curve' says %s",
					 rt_ec_curve_name(rt_ec_key_curve(ek)), rt_ec_curve_name(curve));
			goto out;
		}
		curve = rt_ec_key_curve(ek);
		snprintf(cfg->curve, sizeof(cfg->curve), "%s",
			 curve == RT_EC_P256 ? "prime256v1" : "brainpoolP256r1");
		if (rt_ec_key_private(ek, cfg->ecasd_sk, &e2) || rt_ec_key_public(ek, pub, &e2)) {
			rc = rt_pers_err(err, vsk, "'private_key': %s", e2.msg);
			goto out;
		}
		cfg->ecasd_sk_len = RT_EC_FIELD_LEN;
		have_pub = 1;
	}
	if (vcert) {
		/* CERT.ECASD.ECKA: a GP 7F21 certificate, DER or hex (SGP.02 2.2.3). */
		struct rt_gpcert cert;

		if ((rc = rt_pers_file_bytes(vcert, "certificate", base, cfg->ecasd_cert,
					     sizeof(cfg->ecasd_cert), &n, &hex, err)))
			goto out;
		if (rt_gpcert_decode(cfg->ecasd_cert, n, 0, &cert, NULL, &e2)) {
			rc = rt_pers_err(err, vcert, "'certificate': %s: not a 7F21 certificate: %s",
					 vcert->str, e2.msg);
			goto out;
		}
		if (have_pub && (cert.public_key.len != RT_EC_POINT_LEN ||
				 memcmp(cert.public_key.p, pub, RT_EC_POINT_LEN) != 0)) {
			rc = rt_pers_err(err, vcert, "'certificate': %s certifies another key than 'private_key'",
					 vcert->str);
			goto out;
		}
		cfg->ecasd_cert_len = n;
	}
	if ((rc = rt_pers_scalar(m, "ci_curve", &v, err)))
		goto out;
	if (v && (rc = rt_pers_curve(v, "ci_curve", &c2, cfg->ci_curve, sizeof(cfg->ci_curve), err)))
		goto out;
	if ((rc = rt_pers_scalar(m, "ci_public_key", &v, err)))
		goto out;
	if (v) {
		/* PK.CI.ECDSA: the CI's X.509 certificate or public key (PEM/DER), a 7F21, or
		 * the hex point 04‖X‖Y. */
		enum rt_ec_curve named = RT_EC_NONE;

		if ((rc = rt_pers_public(v, "ci_public_key", base, cfg->pk_ci, &named, err)))
			goto out;
		if (named != RT_EC_NONE && c2 != RT_EC_NONE && named != c2) {
			rc = rt_pers_err(err, v, "'ci_public_key' is on %s, 'ci_curve' says %s",
					 rt_ec_curve_name(named), rt_ec_curve_name(c2));
			goto out;
		}
		if (named != RT_EC_NONE)
			c2 = named;
		if (c2 == RT_EC_NONE)
			c2 = curve != RT_EC_NONE ? curve : RT_EC_P256;
		if (rt_ec_point_check(c2, cfg->pk_ci, RT_EC_POINT_LEN, &e2)) {
			rc = rt_pers_err(err, v, "'ci_public_key': %s", e2.msg);
			goto out;
		}
		cfg->pk_ci_len = RT_EC_POINT_LEN;
		snprintf(cfg->ci_curve, sizeof(cfg->ci_curve), "%s",
			 c2 == RT_EC_P256 ? "prime256v1" : "brainpoolP256r1");
	}
out:
	rt_ec_key_free(ek);
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

int rt_personality_fault(const char *name, uint64_t *bit, struct rt_err *err)
{
	const struct rt_euicc_fault_name *f;
	char names[512] = "";
	size_t used = 0;

	for (f = rt_euicc_fault_names; f->name; f++) {
		if (strcmp(f->name, name) == 0) {
			*bit = f->bit;
			return 0;
		}
	}
	for (f = rt_euicc_fault_names; f->name && used < sizeof(names); f++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
					 f == rt_euicc_fault_names ? "" : ", ", f->name);
	return rt_err_set(err, RT_EINVAL, "unknown fault '%s' (known: %s)", name, names);
}

int rt_personality_faults(const struct rt_ynode *seq, uint64_t *set, uint64_t *clear,
			  struct rt_err *err)
{
	size_t i;

	if (seq->kind != RT_Y_SEQ)
		return rt_pers_err(err, seq, "'faults' must be a list of fault names");
	for (i = 0; i < seq->n; i++) {
		const struct rt_ynode *v = seq->items[i];
		struct rt_err e2 = { 0, "" };
		uint64_t bit = 0;
		int neg;

		if (!v || v->kind != RT_Y_SCALAR)
			return rt_pers_err(err, v ? v : seq, "'faults' items must be fault names");
		neg = v->str[0] == '-';
		if (rt_personality_fault(v->str + neg, &bit, &e2))
			return rt_pers_err(err, v, "%s", e2.msg);
		if (neg)
			*clear |= bit;
		else
			*set |= bit;
	}
	return 0;
}

int rt_personality_apply(const struct rt_ynode *root, const char *base, struct rt_euicc_config *cfg,
			 struct rt_err *err)
{
	const struct rt_ynode *v;
	unsigned long x;
	size_t n = 0;
	int rc;

	if ((rc = rt_pers_check_keys(root, rt_pers_keys, "the personality", err)))
		return rc;
	if ((rc = rt_pers_scalar(root, "eid", &v, err)))
		return rc;
	if (v) {
		/* SGP.02 2.2.2 / SGP.29: 32 digits with valid check digits. */
		uint8_t eid[RT_EID_LEN];
		struct rt_err e2 = { 0, "" };

		if (strlen(v->str) != RT_EID_DIGITS || rt_eid_from_digits(v->str, eid, &e2) ||
		    rt_eid_validate(eid, sizeof(eid), &e2))
			return rt_pers_err(err, v, "'eid' must be %d digits with valid check digits%s%s",
					   RT_EID_DIGITS, e2.msg[0] ? ": " : "", e2.msg);
		memcpy(cfg->eid, v->str, RT_EID_DIGITS + 1);
	}
	if ((rc = rt_pers_scalar(root, "atr", &v, err)))
		return rc;
	if (v) {
		uint8_t atr[RT_ATR_MAX];
		struct rt_err e2 = { 0, "" };

		if ((rc = rt_pers_hex(v, "atr", atr, sizeof(atr), &n, err)))
			return rc;
		if (rt_euicc_atr_check(atr, n, &e2))
			return rt_pers_err(err, v, "'atr': %s", e2.msg);
		memcpy(cfg->atr, atr, n);
		cfg->atr_len = n;
	}
	if ((rc = rt_pers_scalar(root, "t0_get_response", &v, err)))
		return rc;
	if (v) {
		/* false, true (= 256-byte chunks) or the chunk size 1..256 */
		if (strcmp(v->str, "false") == 0)
			cfg->t0_get_response = 0;
		else if (strcmp(v->str, "true") == 0)
			cfg->t0_get_response = RT_EUICC_T0_CHUNK_MAX;
		else if ((rc = rt_pers_uint(v, "t0_get_response", 1, RT_EUICC_T0_CHUNK_MAX, &x, err)))
			return rc;
		else
			cfg->t0_get_response = (unsigned)x;
	}
	if ((rc = rt_pers_scalar(root, "memory", &v, err)))
		return rc;
	if (v) {
		if ((rc = rt_pers_uint(v, "memory", 0, 0xFFFFFFFFul, &x, err)))
			return rc;
		cfg->mem_total = (uint32_t)x;
	}
	v = rt_ynode_get(root, "scp80");
	if (v && (rc = rt_pers_scp80(v, cfg, err)))
		return rc;
	if ((rc = rt_pers_scalar(root, "smsr_address", &v, err)))
		return rc;
	if (v) {
		if ((rc = rt_pers_hex(v, "smsr_address", cfg->smsr_addr, sizeof(cfg->smsr_addr), &n, err)))
			return rc;
		cfg->smsr_addr_len = n;
	}
	v = rt_ynode_get(root, "ecasd");
	if (v && (rc = rt_pers_ecasd(v, base, cfg, err)))
		return rc;
	if ((rc = rt_pers_scalar(root, "notification_retries", &v, err)))
		return rc;
	if (v) {
		if ((rc = rt_pers_uint(v, "notification_retries", 0, 255, &x, err)))
			return rc;
		cfg->notif_retries = (unsigned)x;
	}
	if ((rc = rt_pers_scalar(root, "emergency_dgi", &v, err)))
		return rc;
	if (v) {
		/* SetEmergencyProfileAttribute's DGI (UNCONFIRMED; option es5.emergency_dgi). */
		uint8_t d[2] = { 0, 0 };
		uint16_t dgi;
		size_t i;

		if ((rc = rt_pers_hex(v, "emergency_dgi", d, sizeof(d), &n, err)))
			return rc;
		dgi = n == 2 ? (uint16_t)(d[0] << 8 | d[1]) : 0;
		if (dgi == 0x0000) /* a DGI is 2 bytes (GP CS 11.11.2.1); 0 is no DGI */
			return rt_pers_err(err, v, "'emergency_dgi' must be a DGI of 2 bytes, e.g. \"3A06\" "
					   "(got \"%s\")", v->str);
		for (i = 0; i < sizeof(rt_pers_isdr_dgis) / sizeof(rt_pers_isdr_dgis[0]); i++)
			if (dgi == rt_pers_isdr_dgis[i])
				return rt_pers_err(err, v, "'emergency_dgi': %04X is another ES5 function's DGI",
						   dgi);
		cfg->emergency_dgi = dgi;
	}
	/* The card's reading of the two ES5 points the sources leave open (options
	 * es5.pol1_coding and es5.refresh_qualifier; docs/spec-notes.md, ES5). */
	if ((rc = rt_pers_scalar(root, "pol1_coding", &v, err)))
		return rc;
	if (v) {
		if (strcmp(v->str, "lsb") == 0)
			cfg->pol1_coding = RT_EUICC_POL1_LSB;
		else if (strcmp(v->str, "msb") == 0)
			cfg->pol1_coding = RT_EUICC_POL1_MSB;
		else
			return rt_pers_err(err, v, "'pol1_coding' must be lsb or msb (got \"%s\")", v->str);
	}
	if ((rc = rt_pers_scalar(root, "refresh_qualifier", &v, err)))
		return rc;
	if (v) {
		uint8_t q[1] = { 0 };

		if ((rc = rt_pers_hex(v, "refresh_qualifier", q, sizeof(q), &n, err)))
			return rc;
		/* TS 102 223 8.6: REFRESH qualifiers 00..09 are defined. */
		if (n != 1 || q[0] > 0x09)
			return rt_pers_err(err, v, "'refresh_qualifier' must be one byte 00..09 (got \"%s\")",
					   v->str);
		cfg->refresh_qualifier = q[0];
	}
	v = rt_ynode_get(root, "faults");
	if (v) {
		uint64_t set = 0, clear = 0;

		if ((rc = rt_personality_faults(v, &set, &clear, err)))
			return rc;
		cfg->faults = (cfg->faults | set) & ~clear;
	}
	return 0;
}

int rt_personality_load(const char *path, struct rt_euicc_config *cfg, struct rt_err *err)
{
	struct rt_euicc_config work;
	struct rt_ydoc doc;
	int rc;

	rc = rt_ydoc_load_file(path, &doc, err);
	if (rc)
		return RT_ECONFIG;
	if (!doc.root || doc.root->kind != RT_Y_MAP) {
		rc = rt_err_set(err, RT_ECONFIG, "%s: a personality must be a mapping", path);
		goto out;
	}
	/* All or nothing: cfg changes only when the whole file is good. */
	work = *cfg;
	rc = rt_personality_apply(doc.root, path, &work, err);
	if (!rc)
		*cfg = work;
	OPENSSL_cleanse(&work, sizeof(work));
out:
	rt_ydoc_free(&doc);
	return rc;
}
