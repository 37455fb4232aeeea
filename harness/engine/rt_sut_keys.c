/* SPDX-License-Identifier: Apache-2.0 */
/* rt_sut_keys — load-time checks of the SUT's SCP80 keysets and PKI; see rt_sut_keys.h.
 *
 * SCP80 (ETSI TS 102 225 5.1.2/5.1.3, TS 102 225 Table: KIc/KID coding): a keyset number is
 * 1..15 (the high nibble of KIc/KID); single DES takes an 8-byte key, 2-key 3DES 16, 3-key
 * 3DES 24, AES 16, 24 or 32. The PKI (docs/sut-config.md, keys): certificates are names of
 * lua/testpki.lua entries or hex of a GP 7F21 certificate; the CI and private keys are
 * names; the ECASD curve is one the harness implements. */
#include "engine/rt_sut_keys.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RT_SUT_PKI_MAX (1u << 20) /* testpki.lua is ~120 kB */

struct rt_sut_alg {
	const char *name;
	size_t len[3]; /* allowed key lengths in bytes, 0-terminated */
};

static const struct rt_sut_alg rt_sut_algs[] = {
	{ "des", { 8, 0, 0 } },
	{ "3des2", { 16, 0, 0 } },
	{ "3des3", { 24, 0, 0 } },
	{ "aes", { 16, 24, 32 } },
	{ NULL, { 0, 0, 0 } },
};

static const char *const rt_sut_keyset_keys[] = { "kvn", "kic", "kid", "kic_alg", "kid_alg",
						  NULL };
static const char *const rt_sut_ecasd_keys[] = { "curve", "cert", "eum_cert", "ci", "sk", NULL };
static const char *const rt_sut_smdp_keys[] = { "cert", "key", NULL };
static const char *const rt_sut_curves[] = { "P-256", "prime256v1", "brainpoolP256r1", NULL };

static int rt_sk_err(struct rt_err *err, const struct rt_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rt_sk_err(struct rt_err *err, const struct rt_ynode *n, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: %s", n->file ? n->file : "?", n->line,
			  n->col, msg);
}

static int rt_sk_in(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static int rt_sk_keys(const struct rt_ynode *m, const char *const *allowed, const char *what,
		      struct rt_err *err)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!rt_sk_in(allowed, m->keys[i]))
			return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: unknown key '%s' in %s",
					  m->file, m->key_lines[i], m->key_cols[i], m->keys[i], what);
	return 0;
}

/* Number of bytes of hex text s, or -1 when it is not (an even count of) hex digits. */
static long rt_sk_hexlen(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n % 2)
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return -1;
	}
	return (long)(n / 2);
}

static const struct rt_ynode *rt_sk_scalar(const struct rt_ynode *m, const char *key,
					   const char *what, struct rt_err *err, int *rc)
{
	const struct rt_ynode *v = rt_ynode_get(m, key);

	*rc = 0;
	if (v && v->kind != RT_Y_SCALAR)
		*rc = rt_sk_err(err, v, "'%s' in %s must be a string", key, what);
	return *rc ? NULL : v;
}

static int rt_sk_keyset(const struct rt_ynode *ks, size_t idx, unsigned *seen, struct rt_err *err)
{
	static const char *const parts[] = { "kic", "kid" };
	char what[64];
	const struct rt_ynode *v;
	const struct rt_sut_alg *a;
	char *end;
	long kvn;
	size_t p;
	int rc;

	snprintf(what, sizeof(what), "scp80.keysets[%zu]", idx + 1);
	if (!ks || ks->kind != RT_Y_MAP)
		return rt_sk_err(err, ks, "%s must be a mapping (kvn, kic, kid, kic_alg, kid_alg)",
				 what);
	if ((rc = rt_sk_keys(ks, rt_sut_keyset_keys, what, err)))
		return rc;
	v = rt_sk_scalar(ks, "kvn", what, err, &rc);
	if (rc)
		return rc;
	if (!v)
		return rt_sk_err(err, ks, "%s: missing 'kvn' (1..15)", what);
	kvn = strtol(v->str, &end, 10);
	if (*end || end == v->str || kvn < 1 || kvn > 15)
		return rt_sk_err(err, v, "%s: kvn must be 1..15 (the KIc/KID key number), got '%s'",
				 what, v->str);
	if (*seen & (1u << kvn))
		return rt_sk_err(err, v, "%s: keyset %ld is declared twice", what, kvn);
	*seen |= 1u << kvn;
	for (p = 0; p < 2; p++) {
		char algkey[16];
		const char *alg = "aes";
		const struct rt_ynode *k, *av;
		long n;

		snprintf(algkey, sizeof(algkey), "%s_alg", parts[p]);
		av = rt_sk_scalar(ks, algkey, what, err, &rc);
		if (rc)
			return rc;
		if (av)
			alg = av->str;
		for (a = rt_sut_algs; a->name && strcmp(a->name, alg); a++)
			;
		if (!a->name)
			return rt_sk_err(err, av, "%s: %s must be one of: des, 3des2, 3des3, aes",
					 what, algkey);
		k = rt_sk_scalar(ks, parts[p], what, err, &rc);
		if (rc)
			return rc;
		if (!k)
			return rt_sk_err(err, ks, "%s: missing '%s' (hex)", what, parts[p]);
		n = rt_sk_hexlen(k->str);
		if (n < 0)
			return rt_sk_err(err, k, "%s: %s must be hex (an even number of hex digits)",
					 what, parts[p]);
		if ((size_t)n != a->len[0] && (size_t)n != a->len[1] && (size_t)n != a->len[2])
			return rt_sk_err(err, k, "%s: %s of %ld bytes does not fit %s (%s)", what,
					 parts[p], n, alg,
					 a->len[1] ? "16, 24 or 32 bytes" : a->len[0] == 8 ? "8 bytes"
					 : a->len[0] == 16 ? "16 bytes" : "24 bytes");
	}
	return 0;
}

static int rt_sk_scp80(const struct rt_ynode *s, struct rt_err *err)
{
	const struct rt_ynode *ks;
	static const char *const keys[] = { "keysets", NULL };
	unsigned seen = 0;
	size_t i;
	int rc;

	if (s->kind != RT_Y_MAP)
		return rt_sk_err(err, s, "'scp80' must be a mapping with 'keysets'");
	if ((rc = rt_sk_keys(s, keys, "scp80", err)))
		return rc;
	ks = rt_ynode_get(s, "keysets");
	if (!ks)
		return 0;
	if (ks->kind != RT_Y_SEQ)
		return rt_sk_err(err, ks, "'scp80.keysets' must be a list of keysets");
	for (i = 0; i < ks->n; i++)
		if ((rc = rt_sk_keyset(ks->items[i] ? ks->items[i] : ks, i, &seen, err)))
			return rc;
	return 0;
}

/* The names lua/testpki.lua defines, as its text (NULL when it cannot be read). */
static char *rt_sk_pki(const char *datadir)
{
	char path[4096];
	FILE *f;
	char *buf;
	size_t n;

	snprintf(path, sizeof(path), "%s/lua/testpki.lua", datadir ? datadir : ".");
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf = malloc(RT_SUT_PKI_MAX + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, RT_SUT_PKI_MAX, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* 1 when testpki.lua defines M.<table>["name"]. */
static int rt_sk_pki_has(const char *pki, const char *table, const char *name, size_t len)
{
	char needle[300];

	if (len > 200)
		return 0;
	snprintf(needle, sizeof(needle), "M.%s[\"%.*s\"] =", table, (int)len, name);
	return strstr(pki, needle) != NULL;
}

enum rt_sk_kind { RT_SK_CERT, RT_SK_CI, RT_SK_KEY };

/* A PKI value: a 7F21 certificate (name or hex), a CI certificate name, a key name
 * (lua/testpki.lua M.bytes / M.file rules: optional certs/ prefix, .hex/.pem/.key). */
static int rt_sk_pki_value(const struct rt_ynode *v, const char *what, enum rt_sk_kind kind,
			   const char *pki, struct rt_err *err)
{
	const char *name = v->str;
	size_t n;

	if (kind == RT_SK_CERT && rt_sk_hexlen(name) > 0) {
		if (strncmp(name, "7F21", 4) && strncmp(name, "7f21", 4))
			return rt_sk_err(err, v, "%s: hex that is no 7F21 certificate (it must start "
						 "7F21)", what);
		return 0;
	}
	if (!pki)
		return 0; /* no table to check names against (a bare datadir): judged at run time */
	if (strncmp(name, "certs/", 6) == 0)
		name += 6;
	n = strlen(name);
	if (kind == RT_SK_CERT) {
		if (n > 4 && strcmp(name + n - 4, ".hex") == 0)
			n -= 4;
		if (rt_sk_pki_has(pki, "hex", name, n))
			return 0;
		return rt_sk_err(err, v,
				 "%s: '%s' is neither hex of a 7F21 certificate nor a certificate "
				 "of the test PKI (lua/testpki.lua, e.g. p256/ecasd.7f21)%s",
				 what, v->str, strstr(v->str, "...") ? " — a template placeholder?" : "");
	}
	if (kind == RT_SK_KEY) {
		if (n > 4 && strcmp(name + n - 4, ".key") == 0 && rt_sk_pki_has(pki, "key", name, n - 4))
			return 0;
		return rt_sk_err(err, v, "%s: '%s' is no private key of the test PKI "
					 "(lua/testpki.lua, e.g. p256/smdp.key)",
				 what, v->str);
	}
	if (n > 4 && strcmp(name + n - 4, ".pem") == 0)
		n -= 4;
	if (rt_sk_pki_has(pki, "pem", name, n))
		return 0;
	return rt_sk_err(err, v, "%s: '%s' is no certificate of the test PKI (lua/testpki.lua, "
				 "e.g. p256/ci)%s",
			 what, v->str, strstr(v->str, "...") ? " — a template placeholder?" : "");
}

static int rt_sk_keys_section(const struct rt_ynode *k, const char *pki, struct rt_err *err)
{
	static const char *const top[] = { "ecasd", "smdp", NULL };
	static const struct {
		const char *sect, *key;
		enum rt_sk_kind kind;
	} vals[] = {
		{ "ecasd", "cert", RT_SK_CERT }, { "ecasd", "eum_cert", RT_SK_CERT },
		{ "ecasd", "ci", RT_SK_CI },	 { "ecasd", "sk", RT_SK_KEY },
		{ "smdp", "cert", RT_SK_CERT },	 { "smdp", "key", RT_SK_KEY },
	};
	const struct rt_ynode *e, *d, *v;
	char what[64];
	size_t i;
	int rc;

	if (k->kind != RT_Y_MAP)
		return rt_sk_err(err, k, "'keys' must be a mapping (ecasd, smdp)");
	if ((rc = rt_sk_keys(k, top, "keys", err)))
		return rc;
	e = rt_ynode_get(k, "ecasd");
	d = rt_ynode_get(k, "smdp");
	if (e && e->kind != RT_Y_MAP)
		return rt_sk_err(err, e, "'keys.ecasd' must be a mapping");
	if (d && d->kind != RT_Y_MAP)
		return rt_sk_err(err, d, "'keys.smdp' must be a mapping");
	if (e && (rc = rt_sk_keys(e, rt_sut_ecasd_keys, "keys.ecasd", err)))
		return rc;
	if (d && (rc = rt_sk_keys(d, rt_sut_smdp_keys, "keys.smdp", err)))
		return rc;
	if (e) {
		v = rt_sk_scalar(e, "curve", "keys.ecasd", err, &rc);
		if (rc)
			return rc;
		if (v && !rt_sk_in(rt_sut_curves, v->str))
			return rt_sk_err(err, v, "keys.ecasd.curve must be one of: P-256, prime256v1, "
						 "brainpoolP256r1 (got '%s')",
					 v->str);
	}
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		const struct rt_ynode *s = strcmp(vals[i].sect, "ecasd") == 0 ? e : d;

		if (!s)
			continue;
		snprintf(what, sizeof(what), "keys.%s.%s", vals[i].sect, vals[i].key);
		v = rt_sk_scalar(s, vals[i].key, what, err, &rc);
		if (rc)
			return rc;
		if (v && (rc = rt_sk_pki_value(v, what, vals[i].kind, pki, err)))
			return rc;
	}
	return 0;
}

int rt_sut_keys_validate(const struct rt_ynode *m, const char *datadir, struct rt_err *err)
{
	const struct rt_ynode *s = rt_ynode_get(m, "scp80");
	const struct rt_ynode *k = rt_ynode_get(m, "keys");
	char *pki = NULL;
	int rc = 0;

	if (s && (rc = rt_sk_scp80(s, err)))
		goto out;
	if (k) {
		pki = rt_sk_pki(datadir);
		rc = rt_sk_keys_section(k, pki, err);
	}
out:
	free(pki);
	return rc;
}
