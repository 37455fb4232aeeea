/* SPDX-License-Identifier: Apache-2.0 */
/* rt_scp80 — SCP80 command packets and PoRs for both the sending and the receiving
 * entity (ETSI TS 102 225 5, 3GPP TS 31.115 4 and 7); see rt_scp80.h. Tables (SPI,
 * KIc, KID, status names) are in rt_scp80_tables.c.
 *
 * Layout reminders (sgp02-facts §1, checked against the pySim and gsm0348 vectors):
 *   command, SMS:     UDH(.. 70 00 ..) CPL(2) CHL SPI(2) KIc KID TAR(3) | CNTR(5) PCNTR CC data pad
 *   command, generic: CPI=01 CPL(BER) CHL(BER) SPI(2) KIc KID TAR(3) | CNTR(5) PCNTR CC data pad
 *   PoR, SMS:         UDH(.. 71 00 ..) RPL(2) RHL TAR(3) | CNTR(5) PCNTR status CC data pad
 *   PoR, generic:     RPI=02 RPL(BER) RHL(BER) TAR(3) | CNTR(5) PCNTR status CC data pad
 * Everything after '|' is enciphered (CBC, zero IV) when the SPI asks for ciphering. The
 * RC/CC input is the packet without the RC/CC field and in plain text, minus the UDH for
 * a command (TS 31.115) but including the UDH for a PoR. */
#include "scp/rt_scp80.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#define SCP80_CMD_HDR_FIXED 7 /* SPI(2) KIc KID TAR(3) */
#define SCP80_CHL_MIN 13      /* SPI..TAR (7) + CNTR (5) + PCNTR (1) */
#define SCP80_RHL_MIN 10      /* TAR (3) + CNTR (5) + PCNTR (1) + status (1) */
#define SCP80_UDH_IEI_CPI 0x70
#define SCP80_UDH_IEI_RPI 0x71
#define SCP80_GENERIC_CPI 0x01
#define SCP80_GENERIC_RPI 0x02

/* ---- algorithms -> crypto -------------------------------------------------------- */

struct scp80_algmap {
	enum rt_crypto_alg calg;
	enum rt_crypto_mode mode;
	size_t keylen; /* 0: any AES length */
};

static int scp80_map(enum rt_scp80_alg alg, struct scp80_algmap *m)
{
	m->mode = RT_CRYPTO_CBC;
	m->keylen = 0;
	switch (alg) {
	case RT_SCP80_ALG_DES_ECB:
		m->mode = RT_CRYPTO_ECB;
		/* fallthrough */
	case RT_SCP80_ALG_DES_CBC:
	case RT_SCP80_ALG_DES_MAC:
		m->calg = RT_CRYPTO_DES;
		m->keylen = 8;
		return 0;
	case RT_SCP80_ALG_3DES2_CBC:
	case RT_SCP80_ALG_3DES2_MAC:
		m->calg = RT_CRYPTO_TDES;
		m->keylen = 16;
		return 0;
	case RT_SCP80_ALG_3DES3_CBC:
	case RT_SCP80_ALG_3DES3_MAC:
		m->calg = RT_CRYPTO_TDES;
		m->keylen = 24;
		return 0;
	case RT_SCP80_ALG_AES_CBC:
	case RT_SCP80_ALG_AES_CMAC:
		m->calg = RT_CRYPTO_AES;
		return 0;
	default:
		return -1;
	}
}

/* Resolves the algorithm of a KIc/KID reference against the key (implicit nibble ->
 * key->alg) and checks the key suits it. strict: also reject an explicit nibble that
 * contradicts a non-NONE key->alg (receiver side). */
static int scp80_resolve(const char *what, const struct rt_scp80_keyref *ref,
			 const struct rt_scp80_key *key, int strict, enum rt_scp80_alg *alg,
			 struct rt_err *err)
{
	struct scp80_algmap m;

	if (!key || key->len == 0)
		return rt_err_set(err, RT_ENOTSUP, "%s: no key for keyset %u", what,
				  (unsigned)ref->keyset);
	*alg = ref->implicit ? key->alg : ref->alg;
	if (*alg == RT_SCP80_ALG_NONE)
		return rt_err_set(err, RT_ENOTSUP, "%s: implicit algorithm but none agreed", what);
	if (strict && !ref->implicit && key->alg != RT_SCP80_ALG_NONE && key->alg != ref->alg)
		return rt_err_set(err, RT_ENOTSUP, "%s: packet says %s, keyset %u holds a %s key",
				  what, rt_scp80_alg_name(ref->alg), (unsigned)ref->keyset,
				  rt_scp80_alg_name(key->alg));
	if (*alg == RT_SCP80_ALG_CRC16 || *alg == RT_SCP80_ALG_CRC32)
		return 0;
	if (scp80_map(*alg, &m))
		return rt_err_set(err, RT_ENOTSUP, "%s: %s is not usable here", what,
				  rt_scp80_alg_name(*alg));
	if (key->len > RT_CRYPTO_MAX_KEY || (m.keylen && key->len != m.keylen) ||
	    rt_crypto_key_check(m.calg, key->len, NULL))
		return rt_err_set(err, RT_ENOTSUP, "%s: %s needs another key length than %zu",
				  what, rt_scp80_alg_name(*alg), key->len);
	return 0;
}

/* Resolves SPI1-style (check kind) or SPI2-style security: cipher alg and check alg. */
static int scp80_cipher_alg(uint8_t kic, const struct rt_scp80_key *key, int strict,
			    enum rt_scp80_alg *alg, size_t *bs, struct rt_err *err)
{
	struct rt_scp80_keyref ref;
	struct scp80_algmap m;
	int rc;

	rc = rt_scp80_kic_decode(kic, &ref, err);
	if (rc)
		return rc;
	rc = scp80_resolve("KIc", &ref, key, strict, alg, err);
	if (rc)
		return rc;
	if (scp80_map(*alg, &m) || *alg == RT_SCP80_ALG_DES_MAC || *alg == RT_SCP80_ALG_3DES2_MAC ||
	    *alg == RT_SCP80_ALG_3DES3_MAC || *alg == RT_SCP80_ALG_AES_CMAC)
		return rt_err_set(err, RT_ENOTSUP, "KIc %02X: %s is not a cipher", kic,
				  rt_scp80_alg_name(*alg));
	*bs = rt_crypto_block_size(m.calg);
	return 0;
}

static int scp80_check_alg(enum rt_scp80_check check, uint8_t kid,
			   const struct rt_scp80_key *key, int strict,
			   const struct rt_scp80_opts *opts, enum rt_scp80_alg *alg, size_t *cclen,
			   struct rt_err *err)
{
	struct rt_scp80_keyref ref;
	/* An RC needs no key; the nibble alone decides (implicit RC uses key->alg). */
	static const struct rt_scp80_key rt_scp80_nokey = {RT_SCP80_ALG_NONE, {0}, 1};
	const struct rt_scp80_key *k = key;
	int rc;

	*alg = RT_SCP80_ALG_NONE;
	*cclen = 0;
	if (check == RT_SCP80_CHECK_NONE)
		return 0;
	rc = rt_scp80_kid_decode(kid, check, &ref, err);
	if (rc)
		return rc;
	if (check == RT_SCP80_CHECK_RC && !ref.implicit)
		k = &rt_scp80_nokey;
	rc = scp80_resolve("KID", &ref, k, strict, alg, err);
	if (rc)
		return rc;
	return rt_scp80_check_len(check, *alg, opts, cclen, err);
}

/* Computes the RC or CC of in[0..n) into out (cclen bytes). */
static int scp80_check_compute(enum rt_scp80_alg alg, const struct rt_scp80_key *key,
			       const uint8_t *in, size_t n, size_t cclen, uint8_t *out,
			       struct rt_err *err)
{
	uint8_t mac[RT_CRYPTO_CMAC_LEN];
	struct scp80_algmap m;
	int rc;

	switch (alg) {
	case RT_SCP80_ALG_CRC16: {
		uint16_t c = rt_crypto_crc16(in, n);

		/* Most significant byte first, like the CRC32 of the pySim vectors. */
		out[0] = (uint8_t)(c >> 8);
		out[1] = (uint8_t)c;
		return 0;
	}
	case RT_SCP80_ALG_CRC32: {
		uint32_t c = rt_crypto_crc32(in, n);

		out[0] = (uint8_t)(c >> 24);
		out[1] = (uint8_t)(c >> 16);
		out[2] = (uint8_t)(c >> 8);
		out[3] = (uint8_t)c;
		return 0;
	}
	case RT_SCP80_ALG_AES_CMAC:
		/* TS 102 225 5.1.3.1: AES in CMAC mode over the unpadded input; the CC is the
		 * leftmost bytes of the tag. */
		rc = rt_crypto_aes_cmac(key->key, key->len, in, n, mac, err);
		break;
	default:
		if (scp80_map(alg, &m))
			return rt_err_set(err, RT_ENOTSUP, "%s is not a checksum",
					  rt_scp80_alg_name(alg));
		/* TS 102 225 5.1.3.1: DES/3DES CBC-MAC, zero IV, zero padding, last block. */
		rc = rt_crypto_cbc_mac(m.calg, key->key, key->len, in, n, mac, err);
		break;
	}
	if (rc == 0)
		memcpy(out, mac, cclen);
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

static int scp80_cipher_run(enum rt_scp80_alg alg, const struct rt_scp80_key *key,
			    enum rt_crypto_dir dir, uint8_t *buf, size_t n, struct rt_err *err)
{
	uint8_t iv[RT_CRYPTO_MAX_BLOCK] = {0};
	struct scp80_algmap m;

	if (scp80_map(alg, &m))
		return rt_err_set(err, RT_ENOTSUP, "%s is not a cipher", rt_scp80_alg_name(alg));
	/* TS 102 225 5.1.2: CBC with an initial chaining value of zero. */
	return rt_crypto_cipher(m.calg, m.mode, dir, key->key, key->len, iv, buf, n, buf, err);
}

/* ---- small byte helpers ---------------------------------------------------------- */

static size_t scp80_ber_put(uint8_t *p, size_t n)
{
	if (n < 0x80) {
		p[0] = (uint8_t)n;
		return 1;
	}
	if (n <= 0xFF) {
		p[0] = 0x81;
		p[1] = (uint8_t)n;
		return 2;
	}
	p[0] = 0x82;
	p[1] = (uint8_t)(n >> 8);
	p[2] = (uint8_t)n;
	return 3;
}

/* BER-TLV definite length (ISO/IEC 8825-1) in 1..3 bytes; indefinite and longer forms are
 * refused (TS 102 225 packets never need them). */
static int scp80_ber_get(const uint8_t *p, size_t avail, size_t *val, size_t *used,
			 const char *what, struct rt_err *err)
{
	if (avail < 1)
		return rt_err_set(err, RT_EPROTO, "%s: truncated before the length", what);
	if (p[0] < 0x80) {
		*val = p[0];
		*used = 1;
		return 0;
	}
	if (p[0] == 0x81 && avail >= 2) {
		*val = p[1];
		*used = 2;
		return 0;
	}
	if (p[0] == 0x82 && avail >= 3) {
		*val = (size_t)p[1] << 8 | p[2];
		*used = 3;
		return 0;
	}
	return rt_err_set(err, RT_EPROTO, "%s: bad or truncated BER length byte %02X", what,
			  p[0]);
}

/* Walks the SMS User Data Header (TS 23.040 9.2.3.24) and requires IE iei with length 0
 * (TS 31.115 4: the CPI/RPI IE); other IEs (e.g. concatenation 00/08) are allowed.
 * *hdrlen receives UDHL + 1. */
static int scp80_udh_find(const uint8_t *p, size_t len, uint8_t iei, size_t *hdrlen,
			  struct rt_err *err)
{
	size_t udhl, i;
	int found = 0;

	if (len < 1)
		return rt_err_set(err, RT_EPROTO, "SMS user data empty: no UDH");
	udhl = p[0];
	if (udhl + 1 > len)
		return rt_err_set(err, RT_EPROTO, "UDH length %zu exceeds the %zu bytes given", udhl,
				  len - 1);
	for (i = 1; i < udhl + 1;) {
		size_t ielen;

		if (i + 2 > udhl + 1)
			return rt_err_set(err, RT_EPROTO, "UDH IE at offset %zu truncated", i);
		ielen = p[i + 1];
		if (i + 2 + ielen > udhl + 1)
			return rt_err_set(err, RT_EPROTO, "UDH IE %02X length %zu overruns the UDH",
					  p[i], ielen);
		if (p[i] == iei) {
			if (ielen != 0)
				return rt_err_set(err, RT_EPROTO, "UDH IE %02X has length %zu, not 0",
						  iei, ielen);
			if (found)
				return rt_err_set(err, RT_EPROTO, "UDH IE %02X repeated", iei);
			found = 1;
		}
		i += 2 + ielen;
	}
	if (!found)
		return rt_err_set(err, RT_EPROTO, "UDH lacks the %s IE %02X 00",
				  iei == SCP80_UDH_IEI_CPI ? "command packet" : "response packet",
				  iei);
	*hdrlen = udhl + 1;
	return 0;
}

static uint64_t scp80_cntr_get(const uint8_t c[RT_SCP80_CNTR_LEN])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < RT_SCP80_CNTR_LEN; i++)
		v = v << 8 | c[i];
	return v;
}

static const struct rt_scp80_opts scp80_default_opts = {8, RT_SCP80_CNTR11_ONE_HIGHER, 0};

/* ---- sending entity: command ----------------------------------------------------- */

int rt_scp80_cmd_wrap(const struct rt_scp80_sec *s, const uint8_t *data, size_t len,
		      const struct rt_scp80_opts *opts, struct rt_buf *out, struct rt_err *err)
{
	struct rt_scp80_spi spi;
	enum rt_scp80_alg calg = RT_SCP80_ALG_NONE, kalg = RT_SCP80_ALG_NONE;
	size_t bs = 1, cclen = 0, pad = 0, chl, cpl, hlen = 0, ccstart, seclen, total, i;
	uint8_t *pkt = NULL, *ccin = NULL;
	uint8_t cc[8];
	int rc;

	if (!opts)
		opts = &scp80_default_opts;
	if (!data && len)
		return rt_err_set(err, RT_EINVAL, "SCP80 wrap: data is NULL");
	rt_scp80_spi_decode(s->spi, &spi);
	if (spi.ciphered) {
		rc = scp80_cipher_alg(s->kic, s->kic_key, 0, &calg, &bs, err);
		if (rc)
			return rt_err_wrap(err, "SCP80 wrap");
	}
	rc = scp80_check_alg(spi.check, s->kid, s->kid_key, 0, opts, &kalg, &cclen, err);
	if (rc)
		return rt_err_wrap(err, "SCP80 wrap");
	/* TS 102 225 5.1: pad so that CNTR..end is a whole number of cipher blocks. */
	if (spi.ciphered)
		pad = (bs - (6 + cclen + len) % bs) % bs;
	chl = SCP80_CHL_MIN + cclen;
	seclen = 6 + cclen + len + pad;
	/* CPL counts from the (absent) CHI, i.e. from CHL, to the end of the secured data. */
	cpl = 1 + SCP80_CMD_HDR_FIXED + seclen;
	if (len > RT_SCP80_MAX_PACKET || cpl > RT_SCP80_MAX_PACKET)
		return rt_err_set(err, RT_ERANGE, "SCP80 wrap: packet of %zu bytes exceeds %u", cpl,
				  RT_SCP80_MAX_PACKET);
	total = 3 + 3 + cpl; /* generous bound for either dialect's identifier + length */
	pkt = malloc(total + 8);
	ccin = malloc(total + 8);
	if (!pkt || !ccin) {
		rc = rt_err_set(err, RT_ENOMEM, "SCP80 wrap: out of memory");
		goto out;
	}
	if (s->dialect == RT_SCP80_SMS) {
		/* TS 31.115 4: single-SMS UDH with the CPI IE 70 00; CPL is 2 bytes. */
		pkt[hlen++] = 0x02;
		pkt[hlen++] = SCP80_UDH_IEI_CPI;
		pkt[hlen++] = 0x00;
		ccstart = hlen; /* the UDH is not part of the command's RC/CC input */
		pkt[hlen++] = (uint8_t)(cpl >> 8);
		pkt[hlen++] = (uint8_t)cpl;
	} else if (s->dialect == RT_SCP80_GENERIC) {
		/* TS 102 225 5.1: CPI = 01, CPL and CHL BER-coded, all inside the RC/CC input. */
		ccstart = 0;
		pkt[hlen++] = SCP80_GENERIC_CPI;
		hlen += scp80_ber_put(pkt + hlen, cpl);
	} else {
		rc = rt_err_set(err, RT_EINVAL, "SCP80 wrap: unknown dialect %d", (int)s->dialect);
		goto out;
	}
	hlen += scp80_ber_put(pkt + hlen, chl);
	pkt[hlen++] = s->spi[0];
	pkt[hlen++] = s->spi[1];
	pkt[hlen++] = s->kic;
	pkt[hlen++] = s->kid;
	memcpy(pkt + hlen, s->tar, RT_SCP80_TAR_LEN);
	hlen += RT_SCP80_TAR_LEN;

	/* RC/CC input: header from ccstart, CNTR, PCNTR, data, padding (no CC field). */
	i = hlen - ccstart;
	memcpy(ccin, pkt + ccstart, i);
	memcpy(ccin + i, s->cntr, RT_SCP80_CNTR_LEN);
	i += RT_SCP80_CNTR_LEN;
	ccin[i++] = (uint8_t)pad;
	if (len)
		memcpy(ccin + i, data, len);
	i += len;
	memset(ccin + i, 0, pad);
	i += pad;
	if (cclen) {
		rc = scp80_check_compute(kalg, s->kid_key, ccin, i, cclen, cc, err);
		if (rc)
			goto out;
	}
	/* Secured part: CNTR PCNTR CC data padding, then encipher it in place. */
	memcpy(pkt + hlen, s->cntr, RT_SCP80_CNTR_LEN);
	pkt[hlen + 5] = (uint8_t)pad;
	memcpy(pkt + hlen + 6, cc, cclen);
	if (len)
		memcpy(pkt + hlen + 6 + cclen, data, len);
	memset(pkt + hlen + 6 + cclen + len, 0, pad);
	if (spi.ciphered) {
		rc = scp80_cipher_run(calg, s->kic_key, RT_CRYPTO_ENCRYPT, pkt + hlen, seclen, err);
		if (rc)
			goto out;
	}
	rc = rt_buf_append(out, pkt, hlen + seclen);
	if (rc)
		rt_err_set(err, rc, "SCP80 wrap: %zu-byte packet does not fit the output buffer",
			   hlen + seclen);
out:
	OPENSSL_cleanse(cc, sizeof(cc));
	free(pkt);
	free(ccin);
	return rc;
}

/* ---- PoR (both sides) ------------------------------------------------------------ */

int rt_scp80_por_build(const struct rt_scp80_sec *s, uint8_t status, const uint8_t *data,
		       size_t len, const struct rt_scp80_opts *opts, struct rt_buf *out,
		       struct rt_err *err)
{
	struct rt_scp80_spi spi;
	enum rt_scp80_alg calg = RT_SCP80_ALG_NONE, kalg = RT_SCP80_ALG_NONE;
	size_t bs = 1, cclen = 0, pad = 0, rhl, rpl, hlen = 0, seclen, i;
	uint8_t *pkt = NULL, *ccin = NULL;
	uint8_t cc[8];
	int rc;

	if (!opts)
		opts = &scp80_default_opts;
	if (!data && len)
		return rt_err_set(err, RT_EINVAL, "SCP80 PoR build: data is NULL");
	rt_scp80_spi_decode(s->spi, &spi);
	/* TS 102 225 5.1.1 SPI2: b5 ciphers the PoR, b4b3 selects its RC/CC/DS; the PoR
	 * uses the command's KIc / KID (the KID nibble read for the PoR's check kind). */
	if (spi.por_ciphered) {
		rc = scp80_cipher_alg(s->kic, s->kic_key, 0, &calg, &bs, err);
		if (rc)
			return rt_err_wrap(err, "SCP80 PoR build");
	}
	rc = scp80_check_alg(spi.por_check, s->kid, s->kid_key, 0, opts, &kalg, &cclen, err);
	if (rc)
		return rt_err_wrap(err, "SCP80 PoR build");
	if (spi.por_ciphered)
		pad = (bs - (7 + cclen + len) % bs) % bs;
	rhl = SCP80_RHL_MIN + cclen;
	seclen = 7 + cclen + len + pad;
	rpl = 1 + 3 + seclen; /* RHL field, TAR, CNTR..end */
	if (len > RT_SCP80_MAX_PACKET || rpl > RT_SCP80_MAX_PACKET)
		return rt_err_set(err, RT_ERANGE, "SCP80 PoR build: %zu bytes exceed %u", rpl,
				  RT_SCP80_MAX_PACKET);
	pkt = malloc(rpl + 16);
	ccin = malloc(rpl + 16);
	if (!pkt || !ccin) {
		rc = rt_err_set(err, RT_ENOMEM, "SCP80 PoR build: out of memory");
		goto out;
	}
	if (s->dialect == RT_SCP80_SMS) {
		/* TS 31.115 7: UDH with the RPI IE 71 00; RPL is 2 bytes. */
		pkt[hlen++] = 0x02;
		pkt[hlen++] = SCP80_UDH_IEI_RPI;
		pkt[hlen++] = 0x00;
		pkt[hlen++] = (uint8_t)(rpl >> 8);
		pkt[hlen++] = (uint8_t)rpl;
	} else if (s->dialect == RT_SCP80_GENERIC) {
		pkt[hlen++] = SCP80_GENERIC_RPI;
		hlen += scp80_ber_put(pkt + hlen, rpl);
	} else {
		rc = rt_err_set(err, RT_EINVAL, "SCP80 PoR build: unknown dialect %d",
				(int)s->dialect);
		goto out;
	}
	hlen += scp80_ber_put(pkt + hlen, rhl);
	memcpy(pkt + hlen, s->tar, RT_SCP80_TAR_LEN);
	hlen += RT_SCP80_TAR_LEN;

	/* The PoR's RC/CC input starts at the very first byte: the UDH (SMS) or RPI
	 * (generic) is included (sgp02-facts §1.6, verified on the pySim AES PoR). */
	memcpy(ccin, pkt, hlen);
	i = hlen;
	memcpy(ccin + i, s->cntr, RT_SCP80_CNTR_LEN);
	i += RT_SCP80_CNTR_LEN;
	ccin[i++] = (uint8_t)pad;
	ccin[i++] = status;
	if (len)
		memcpy(ccin + i, data, len);
	i += len;
	memset(ccin + i, 0, pad);
	i += pad;
	if (cclen) {
		rc = scp80_check_compute(kalg, s->kid_key, ccin, i, cclen, cc, err);
		if (rc)
			goto out;
	}
	memcpy(pkt + hlen, s->cntr, RT_SCP80_CNTR_LEN);
	pkt[hlen + 5] = (uint8_t)pad;
	pkt[hlen + 6] = status;
	memcpy(pkt + hlen + 7, cc, cclen);
	if (len)
		memcpy(pkt + hlen + 7 + cclen, data, len);
	memset(pkt + hlen + 7 + cclen + len, 0, pad);
	if (spi.por_ciphered) {
		rc = scp80_cipher_run(calg, s->kic_key, RT_CRYPTO_ENCRYPT, pkt + hlen, seclen, err);
		if (rc)
			goto out;
	}
	rc = rt_buf_append(out, pkt, hlen + seclen);
	if (rc)
		rt_err_set(err, rc, "SCP80 PoR build: %zu-byte PoR does not fit the output buffer",
			   hlen + seclen);
out:
	OPENSSL_cleanse(cc, sizeof(cc));
	free(pkt);
	free(ccin);
	return rc;
}

int rt_scp80_por_verify(const struct rt_scp80_sec *s, const uint8_t *pkt, size_t len,
			const struct rt_scp80_opts *opts, struct rt_scp80_por *res,
			struct rt_buf *data, struct rt_err *err)
{
	struct rt_scp80_spi spi;
	enum rt_scp80_alg calg = RT_SCP80_ALG_NONE, kalg = RT_SCP80_ALG_NONE;
	size_t bs = 1, cclen = 0, pos = 0, rpl, rhl, used, secpos, seclen = 0, dlen, n;
	uint8_t *dec = NULL, *ccin = NULL;
	uint8_t cc[8];
	int rc;

	if (!opts)
		opts = &scp80_default_opts;
	memset(res, 0, sizeof(*res));
	if (!pkt || len > RT_SCP80_MAX_PACKET + 16)
		return rt_err_set(err, RT_EPROTO, "PoR: %zu bytes is not a plausible PoR", len);
	rt_scp80_spi_decode(s->spi, &spi);
	if (s->dialect == RT_SCP80_SMS) {
		rc = scp80_udh_find(pkt, len, SCP80_UDH_IEI_RPI, &pos, err);
		if (rc)
			return rt_err_wrap(err, "PoR");
		if (len - pos < 2)
			return rt_err_set(err, RT_EPROTO, "PoR: truncated before RPL");
		rpl = (size_t)pkt[pos] << 8 | pkt[pos + 1];
		pos += 2;
	} else if (s->dialect == RT_SCP80_GENERIC) {
		if (len < 1 || pkt[0] != SCP80_GENERIC_RPI)
			return rt_err_set(err, RT_EPROTO, "PoR: response packet identifier %02X, not 02",
					  len ? pkt[0] : 0);
		pos = 1;
		rc = scp80_ber_get(pkt + pos, len - pos, &rpl, &used, "PoR RPL", err);
		if (rc)
			return rc;
		pos += used;
	} else {
		return rt_err_set(err, RT_EINVAL, "PoR: unknown dialect %d", (int)s->dialect);
	}
	/* RPL counts every byte after it (TS 102 225 5.2). */
	if (rpl != len - pos)
		return rt_err_set(err, RT_EPROTO, "PoR: RPL %zu but %zu bytes follow", rpl, len - pos);
	rc = scp80_ber_get(pkt + pos, len - pos, &rhl, &used, "PoR RHL", err);
	if (rc)
		return rc;
	pos += used;
	if (spi.por_ciphered) {
		rc = scp80_cipher_alg(s->kic, s->kic_key, 0, &calg, &bs, err);
		if (rc)
			return rt_err_wrap(err, "PoR");
	}
	rc = scp80_check_alg(spi.por_check, s->kid, s->kid_key, 0, opts, &kalg, &cclen, err);
	if (rc)
		return rt_err_wrap(err, "PoR");
	if (rhl != SCP80_RHL_MIN + cclen)
		return rt_err_set(err, RT_EPROTO, "PoR: RHL %zu, expected %zu for SPI2 %02X", rhl,
				  SCP80_RHL_MIN + cclen, s->spi[1]);
	if (len - pos < RT_SCP80_TAR_LEN)
		return rt_err_set(err, RT_EPROTO, "PoR: truncated in the TAR");
	memcpy(res->tar, pkt + pos, RT_SCP80_TAR_LEN);
	if (memcmp(res->tar, s->tar, RT_SCP80_TAR_LEN) != 0)
		return rt_err_set(err, RT_EPROTO, "PoR: TAR %02X%02X%02X, command went to %02X%02X%02X",
				  res->tar[0], res->tar[1], res->tar[2], s->tar[0], s->tar[1],
				  s->tar[2]);
	secpos = pos + RT_SCP80_TAR_LEN;
	seclen = len - secpos;
	if (seclen < 7 + cclen)
		return rt_err_set(err, RT_EPROTO, "PoR: %zu bytes after the TAR, header needs %zu",
				  seclen, 7 + cclen);
	if (spi.por_ciphered && seclen % bs)
		return rt_err_set(err, RT_ECRYPTO,
				  "PoR: ciphered part of %zu bytes is not a multiple of %zu (%s)",
				  seclen, bs, rt_scp80_alg_name(calg));
	dec = malloc(seclen);
	ccin = malloc(len);
	if (!dec || !ccin) {
		rc = rt_err_set(err, RT_ENOMEM, "PoR: out of memory");
		goto out;
	}
	memcpy(dec, pkt + secpos, seclen);
	if (spi.por_ciphered) {
		rc = scp80_cipher_run(calg, s->kic_key, RT_CRYPTO_DECRYPT, dec, seclen, err);
		if (rc)
			goto out;
	}
	memcpy(res->cntr, dec, RT_SCP80_CNTR_LEN);
	res->pcntr = dec[5];
	res->status = dec[6];
	dlen = seclen - 7 - cclen;
	if (cclen) {
		/* RC/CC input: everything before the TAR's end, CNTR PCNTR status, data. */
		memcpy(ccin, pkt, secpos);
		memcpy(ccin + secpos, dec, 7);
		memcpy(ccin + secpos + 7, dec + 7 + cclen, dlen);
		n = secpos + 7 + dlen;
		rc = scp80_check_compute(kalg, s->kid_key, ccin, n, cclen, cc, err);
		if (rc)
			goto out;
		if (!rt_crypto_memeq(cc, dec + 7, cclen)) {
			rc = rt_err_set(err, RT_ECRYPTO, "PoR: %s %s mismatch (status byte %02X)",
					rt_scp80_alg_name(kalg),
					spi.por_check == RT_SCP80_CHECK_RC ? "RC" : "CC", res->status);
			goto out;
		}
	}
	if (memcmp(res->cntr, s->cntr, RT_SCP80_CNTR_LEN) != 0) {
		rc = rt_err_set(err, RT_EPROTO, "PoR: counter echo %010llX differs from the sent %010llX",
				(unsigned long long)scp80_cntr_get(res->cntr),
				(unsigned long long)scp80_cntr_get(s->cntr));
		goto out;
	}
	/* Padding is only there to fill the last cipher block. */
	if ((spi.por_ciphered && (res->pcntr >= bs || res->pcntr > dlen)) ||
	    (!spi.por_ciphered && res->pcntr != 0)) {
		rc = rt_err_set(err, RT_EPROTO, "PoR: padding counter %u impossible (%s, %zu data bytes)",
				res->pcntr, spi.por_ciphered ? "ciphered" : "not ciphered", dlen);
		goto out;
	}
	rc = rt_buf_append(data, dec + 7 + cclen, dlen - res->pcntr);
	if (rc)
		rt_err_set(err, rc, "PoR: %zu data bytes do not fit the output buffer",
			   dlen - res->pcntr);
out:
	OPENSSL_cleanse(cc, sizeof(cc));
	if (dec)
		OPENSSL_cleanse(dec, seclen);
	free(dec);
	free(ccin);
	return rc;
}

/* ---- receiving entity: command --------------------------------------------------- */

/* Ranks for the minimum-security comparison (a harness policy; TS 102 226 expresses the
 * card's minimum security level per application). */
static int scp80_check_rank(enum rt_scp80_check c)
{
	return (int)c & 3; /* the SPI coding already orders NONE < RC < CC < DS */
}

static int scp80_msl_ok(const struct rt_scp80_spi *got, const uint8_t min_spi[2])
{
	struct rt_scp80_spi min;

	rt_scp80_spi_decode(min_spi, &min);
	if (scp80_check_rank(got->check) < scp80_check_rank(min.check))
		return 0;
	if (min.ciphered && !got->ciphered)
		return 0;
	if ((int)got->cntr < (int)min.cntr)
		return 0;
	return 1;
}

/* Clears SPI2's PoR security bits (b3..b5): used when the card has no usable key, so
 * the PoR goes unsecured. */
static void scp80_por_plain(struct rt_scp80_rx *rx)
{
	rx->por.spi[1] = (uint8_t)(rx->por.spi[1] & ~0x1Cu);
	rx->por.kic_key = NULL;
	rx->por.kid_key = NULL;
}

int rt_scp80_cmd_unwrap(enum rt_scp80_dialect dialect, const uint8_t *pkt, size_t len,
			const struct rt_scp80_lookup *lookup, const struct rt_scp80_opts *opts,
			struct rt_scp80_rx *rx, struct rt_buf *data, struct rt_err *err)
{
	enum rt_scp80_alg calg = RT_SCP80_ALG_NONE, kalg = RT_SCP80_ALG_NONE;
	size_t bs = 1, cclen = 0, pos = 0, ccstart = 0, cpl, chl, used, hdrend, seclen = 0, dlen, n;
	uint8_t *dec = NULL, *ccin = NULL;
	uint8_t cc[8];
	uint8_t pcntr;
	enum rt_scp80_cntr_mode mode;
	int rc;

	if (!opts)
		opts = &scp80_default_opts;
	memset(rx, 0, sizeof(*rx));
	rx->status = RT_SCP80_ST_UNIDENTIFIED;
	if (!pkt || len > RT_SCP80_MAX_PACKET + 16)
		return rt_err_set(err, RT_EPROTO, "command packet: %zu bytes is not plausible", len);
	/* 1. Header (TS 102 225 5.1 / TS 31.115 4). A packet whose header cannot be read
	 * is discarded without PoR: there is no TAR to answer. */
	if (dialect == RT_SCP80_SMS) {
		rc = scp80_udh_find(pkt, len, SCP80_UDH_IEI_CPI, &pos, err);
		if (rc)
			return rt_err_wrap(err, "command packet");
		ccstart = pos;
		if (len - pos < 2)
			return rt_err_set(err, RT_EPROTO, "command packet: truncated before CPL");
		cpl = (size_t)pkt[pos] << 8 | pkt[pos + 1];
		pos += 2;
	} else if (dialect == RT_SCP80_GENERIC) {
		if (len < 1 || pkt[0] != SCP80_GENERIC_CPI)
			return rt_err_set(err, RT_EPROTO,
					  "command packet: packet identifier %02X, not 01",
					  len ? pkt[0] : 0);
		pos = 1;
		rc = scp80_ber_get(pkt + pos, len - pos, &cpl, &used, "command packet CPL", err);
		if (rc)
			return rc;
		pos += used;
	} else {
		return rt_err_set(err, RT_EINVAL, "command packet: unknown dialect %d", (int)dialect);
	}
	if (cpl != len - pos)
		return rt_err_set(err, RT_EPROTO, "command packet: CPL %zu but %zu bytes follow", cpl,
				  len - pos);
	if (dialect == RT_SCP80_SMS) {
		if (len - pos < 1)
			return rt_err_set(err, RT_EPROTO, "command packet: truncated before CHL");
		chl = pkt[pos++];
	} else {
		rc = scp80_ber_get(pkt + pos, len - pos, &chl, &used, "command packet CHL", err);
		if (rc)
			return rc;
		pos += used;
	}
	if (chl < SCP80_CHL_MIN)
		return rt_err_set(err, RT_EPROTO, "command packet: CHL %zu below the minimum 13", chl);
	if (len - pos < SCP80_CMD_HDR_FIXED)
		return rt_err_set(err, RT_EPROTO, "command packet: truncated in SPI..TAR");
	rx->parsed = 1;
	rx->por.dialect = dialect;
	rx->por.spi[0] = pkt[pos];
	rx->por.spi[1] = pkt[pos + 1];
	rx->por.kic = pkt[pos + 2];
	rx->por.kid = pkt[pos + 3];
	memcpy(rx->por.tar, pkt + pos + 4, RT_SCP80_TAR_LEN);
	rt_scp80_spi_decode(rx->por.spi, &rx->spi);
	hdrend = pos + SCP80_CMD_HDR_FIXED;

	/* 2. Keys for the TAR. */
	rc = lookup && lookup->fn ? lookup->fn(lookup->ctx, rx->por.tar, (uint8_t)(rx->por.kic >> 4),
					       (uint8_t)(rx->por.kid >> 4), &rx->keys, err)
				  : RT_ENOENT;
	if (rc == RT_ENOENT) {
		rx->status = RT_SCP80_ST_TAR_UNKNOWN;
		scp80_por_plain(rx);
		rc = rt_err_set(err, RT_ENOENT, "command packet: TAR %02X%02X%02X unknown",
				rx->por.tar[0], rx->por.tar[1], rx->por.tar[2]);
		goto out;
	}
	if (rc) {
		scp80_por_plain(rx);
		rt_err_wrap(err, "command packet: key lookup");
		rc = RT_ENOTSUP;
		goto out;
	}
	rx->por.kic_key = &rx->keys.kic;
	rx->por.kid_key = &rx->keys.kid;

	/* 3. Minimum security level required for this TAR. */
	if (!scp80_msl_ok(&rx->spi, rx->keys.min_spi)) {
		rx->status = RT_SCP80_ST_INSUFFICIENT_SECURITY;
		rc = rt_err_set(err, RT_ECRYPTO,
				"command packet: SPI1 %02X below the minimum security %02X",
				rx->por.spi[0], rx->keys.min_spi[0]);
		goto out;
	}
	/* 4. Algorithms and keys the header names. */
	if (rx->spi.ciphered) {
		rc = scp80_cipher_alg(rx->por.kic, &rx->keys.kic, 1, &calg, &bs, err);
		if (rc) {
			scp80_por_plain(rx);
			rt_err_wrap(err, "command packet");
			rc = RT_ENOTSUP;
			goto out;
		}
	}
	rc = scp80_check_alg(rx->spi.check, rx->por.kid, &rx->keys.kid, 1, opts, &kalg, &cclen,
			     err);
	if (rc) {
		scp80_por_plain(rx);
		rt_err_wrap(err, "command packet");
		rc = RT_ENOTSUP;
		goto out;
	}
	if (chl != SCP80_CHL_MIN + cclen) {
		rc = rt_err_set(err, RT_EPROTO, "command packet: CHL %zu, expected %zu for SPI1 %02X",
				chl, SCP80_CHL_MIN + cclen, rx->por.spi[0]);
		goto out;
	}
	/* 5. Decipher CNTR..end (TS 102 225 5.1.2: CBC, zero ICV). */
	seclen = len - hdrend;
	if (rx->spi.ciphered && (seclen == 0 || seclen % bs)) {
		rx->status = RT_SCP80_ST_CIPHERING_ERROR;
		rc = rt_err_set(err, RT_ECRYPTO,
				"command packet: ciphered part of %zu bytes is not a multiple of %zu",
				seclen, bs);
		goto out;
	}
	if (seclen < 6 + cclen) {
		rc = rt_err_set(err, RT_EPROTO, "command packet: %zu bytes after the TAR, need %zu",
				seclen, 6 + cclen);
		goto out;
	}
	dec = malloc(seclen);
	ccin = malloc(len);
	if (!dec || !ccin) {
		rx->status = RT_SCP80_ST_INSUFFICIENT_MEMORY;
		rc = rt_err_set(err, RT_ENOMEM, "command packet: out of memory");
		goto out;
	}
	memcpy(dec, pkt + hdrend, seclen);
	if (rx->spi.ciphered) {
		rc = scp80_cipher_run(calg, &rx->keys.kic, RT_CRYPTO_DECRYPT, dec, seclen, err);
		if (rc) {
			rx->status = RT_SCP80_ST_CIPHERING_ERROR;
			goto out;
		}
	}
	memcpy(rx->por.cntr, dec, RT_SCP80_CNTR_LEN);
	pcntr = dec[5];
	dlen = seclen - 6 - cclen;
	/* 6. RC/CC over the header (from CPL in SMS, from CPI in generic) and the plain
	 * CNTR PCNTR data padding, compared in constant time. */
	if (cclen) {
		memcpy(ccin, pkt + ccstart, hdrend - ccstart);
		n = hdrend - ccstart;
		memcpy(ccin + n, dec, 6);
		memcpy(ccin + n + 6, dec + 6 + cclen, dlen);
		n += 6 + dlen;
		rc = scp80_check_compute(kalg, &rx->keys.kid, ccin, n, cclen, cc, err);
		if (rc) {
			rc = RT_ENOTSUP;
			goto out;
		}
		if (!rt_crypto_memeq(cc, dec + 6, cclen)) {
			rx->status = RT_SCP80_ST_RC_CC_DS_FAILED;
			rc = rt_err_set(err, RT_ECRYPTO, "command packet: %s %s mismatch",
					rt_scp80_alg_name(kalg),
					rx->spi.check == RT_SCP80_CHECK_RC ? "RC" : "CC");
			goto out;
		}
	}
	/* 7. Padding counter: only what fills the last cipher block. */
	if ((rx->spi.ciphered && (pcntr >= bs || pcntr > dlen)) || (!rx->spi.ciphered && pcntr)) {
		rc = rt_err_set(err, RT_EPROTO, "command packet: padding counter %u impossible",
				pcntr);
		goto out;
	}
	/* 8. Counter (TS 102 225 5.1.1 SPI1 b5b4; status codes Table 5.3). */
	mode = rx->spi.cntr;
	if (mode == RT_SCP80_CNTR_ONE_HIGHER && opts->cntr11 == RT_SCP80_CNTR11_HIGHER)
		mode = RT_SCP80_CNTR_HIGHER;
	if (mode == RT_SCP80_CNTR_HIGHER || mode == RT_SCP80_CNTR_ONE_HIGHER) {
		uint64_t got = scp80_cntr_get(rx->por.cntr);
		uint64_t stored = scp80_cntr_get(rx->keys.cntr);

		if (stored == 0xFFFFFFFFFFull) {
			rx->status = RT_SCP80_ST_CNTR_BLOCKED;
			rc = rt_err_set(err, RT_ERANGE, "command packet: counter blocked at FFFFFFFFFF");
			goto out;
		}
		if (got <= stored) {
			rx->status = RT_SCP80_ST_CNTR_LOW;
			rc = rt_err_set(err, RT_ERANGE, "command packet: CNTR %010llX not above %010llX",
					(unsigned long long)got, (unsigned long long)stored);
			goto out;
		}
		if ((mode == RT_SCP80_CNTR_ONE_HIGHER && got != stored + 1) ||
		    (mode == RT_SCP80_CNTR_HIGHER && opts->cntr_max_delta &&
		     got - stored > opts->cntr_max_delta)) {
			rx->status = RT_SCP80_ST_CNTR_HIGH;
			rc = rt_err_set(err, RT_ERANGE, "command packet: CNTR %010llX too far above %010llX",
					(unsigned long long)got, (unsigned long long)stored);
			goto out;
		}
		rx->cntr_update = 1;
		memcpy(rx->new_cntr, rx->por.cntr, RT_SCP80_CNTR_LEN);
	}
	rc = rt_buf_append(data, dec + 6 + cclen, dlen - pcntr);
	if (rc) {
		rx->status = RT_SCP80_ST_INSUFFICIENT_MEMORY;
		rx->cntr_update = 0;
		rt_err_set(err, rc, "command packet: %zu data bytes do not fit the output buffer",
			   dlen - pcntr);
		goto out;
	}
	rx->status = RT_SCP80_ST_OK;
out:
	if (rx->parsed)
		rx->por_wanted = rx->spi.por == RT_SCP80_POR_ALWAYS ||
				 (rx->spi.por == RT_SCP80_POR_ON_ERROR && rx->status != RT_SCP80_ST_OK);
	OPENSSL_cleanse(cc, sizeof(cc));
	if (dec)
		OPENSSL_cleanse(dec, seclen);
	free(dec);
	free(ccin);
	return rc;
}

void rt_scp80_rx_clear(struct rt_scp80_rx *rx)
{
	OPENSSL_cleanse(&rx->keys, sizeof(rx->keys));
	rx->por.kic_key = NULL;
	rx->por.kid_key = NULL;
}
