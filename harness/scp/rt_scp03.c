/* SPDX-License-Identifier: Apache-2.0 */
/* rt_scp03 — GlobalPlatform SCP03 (Amendment D) host and card sessions; see rt_scp03.h.
 *
 * Layout reminders (sgp02-facts §3, checked against the pySim vectors in
 * tests/vectors/scp03):
 *   KDF block input  = 11 x 00 | constant | 00 | L (bits, 2 bytes) | i (1 byte) | context
 *   C-MAC input      = chaining value | CLA' INS P1 P2 Lc' | data' (CLA': channel 0, b4 = 0,
 *                      b3 = 1; Lc' and data' after encryption and with the MAC counted)
 *   R-MAC input      = chaining value (the command's full C-MAC) | data' | SW1 SW2
 *   command ICV      = AES(S-ENC, counter as a 16-byte big-endian block)
 *   response ICV     = AES(S-ENC, same block with its first byte set to 80)
 *
 * The AES-CBC and AES-CMAC of the session keys run through cipher contexts kept in a
 * struct rt_scp03_cx (static helpers below): an SCP03t profile download encrypts and MACs
 * every segment of a package, and per-call key schedules and EVP_MAC fetches would cost
 * more than the data itself (bench/bench_scp03t.c). Those helpers compute CMAC from the
 * CBC encryptor exactly as NIST SP 800-38B defines it (subkeys K1/K2 from AES(K, 0));
 * the KDF, cryptograms and KCVs go through harness/crypto's own AES-CMAC, so the two
 * implementations check each other in every vector. */
#include "scp/rt_scp03.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "codec/rt_apdu.h"
#include "codec/rt_tlv.h"

#define SCP03_KDF_CTX_MAX 64 /* longest context: two 16-byte challenges, or 3 + AID(16) */
#define SCP03_KDF_LABEL 12
#define SCP03_INS_IU 0x50
#define SCP03_INS_EA 0x82
#define SCP03_SW_WRONG_LENGTH 0x6700
#define SCP03_SW_WRONG_P1 0x6A86

/* ---- cipher contexts ------------------------------------------------------------------ */

enum { CX_ENC_E = 0, CX_ENC_D, CX_MAC, CX_RMAC, CX_N };

struct rt_scp03_cx {
	size_t keylen;
	uint8_t key[CX_N][RT_CRYPTO_MAX_KEY];
	EVP_CIPHER_CTX *c[CX_N];
	uint8_t k1[CX_N][RT_SCP03_BLOCK], k2[CX_N][RT_SCP03_BLOCK]; /* CMAC subkeys */
	int sub_ok[CX_N];
};

static const EVP_CIPHER *cx_cipher(size_t keylen)
{
	switch (keylen) {
	case 16:
		return EVP_aes_128_cbc();
	case 24:
		return EVP_aes_192_cbc();
	case 32:
		return EVP_aes_256_cbc();
	default:
		return NULL;
	}
}

int rt_scp03_cx_new(const struct rt_scp03 *s, struct rt_scp03_cx **cx, struct rt_err *err)
{
	struct rt_scp03_cx *c;

	*cx = NULL;
	if (!cx_cipher(s->keys.len))
		return rt_err_set(err, RT_EINVAL, "SCP03: no session keys (key length %zu)",
				  s->keys.len);
	c = calloc(1, sizeof(*c));
	if (!c)
		return rt_err_set(err, RT_ENOMEM, "SCP03: out of memory for cipher contexts");
	c->keylen = s->keys.len;
	memcpy(c->key[CX_ENC_E], s->s_enc, s->keys.len);
	memcpy(c->key[CX_ENC_D], s->s_enc, s->keys.len);
	memcpy(c->key[CX_MAC], s->s_mac, s->keys.len);
	memcpy(c->key[CX_RMAC], s->s_rmac, s->keys.len);
	*cx = c;
	return 0;
}

void rt_scp03_cx_free(struct rt_scp03_cx *cx)
{
	int i;

	if (!cx)
		return;
	for (i = 0; i < CX_N; i++)
		EVP_CIPHER_CTX_free(cx->c[i]); /* frees (and cleanses) the key schedule */
	OPENSSL_cleanse(cx, sizeof(*cx));
	free(cx);
}

/* The context for one key and direction, made on first use. */
static int cx_get(struct rt_scp03_cx *cx, int which, EVP_CIPHER_CTX **out, struct rt_err *err)
{
	static const uint8_t zero[RT_SCP03_BLOCK];

	if (!cx->c[which]) {
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

		if (!c)
			return rt_err_set(err, RT_ENOMEM, "SCP03: EVP_CIPHER_CTX_new failed");
		if (!EVP_CipherInit_ex(c, cx_cipher(cx->keylen), NULL, cx->key[which], zero,
				       which == CX_ENC_D ? 0 : 1) ||
		    !EVP_CIPHER_CTX_set_padding(c, 0)) {
			EVP_CIPHER_CTX_free(c);
			return rt_err_set(err, RT_ECRYPTO, "SCP03: AES-%zu-CBC init failed",
					  cx->keylen * 8);
		}
		cx->c[which] = c;
	}
	*out = cx->c[which];
	return 0;
}

/* CBC over len bytes (a multiple of 16, below INT_MAX) with the given IV; out may be in. */
static int cx_cbc(struct rt_scp03_cx *cx, int which, const uint8_t iv[RT_SCP03_BLOCK],
		  const uint8_t *in, size_t len, uint8_t *out, struct rt_err *err)
{
	EVP_CIPHER_CTX *c;
	int outl = 0;
	int rc = cx_get(cx, which, &c, err);

	if (rc)
		return rc;
	if (len % RT_SCP03_BLOCK || len > INT_MAX)
		return rt_err_set(err, RT_EINVAL, "SCP03: CBC input of %zu bytes", len);
	if (!EVP_CipherInit_ex(c, NULL, NULL, NULL, iv, -1) ||
	    (len && (!EVP_CipherUpdate(c, out, &outl, in, (int)len) || (size_t)outl != len)))
		return rt_err_set(err, RT_ECRYPTO, "SCP03: AES-CBC failed");
	return 0;
}

static void cmac_dbl(const uint8_t in[RT_SCP03_BLOCK], uint8_t out[RT_SCP03_BLOCK])
{
	/* SP 800-38B 6.1: shift left by one bit, XOR R128 = 0x87 when the MSB was set. */
	uint8_t carry = in[0] >> 7;
	int i;

	for (i = 0; i < RT_SCP03_BLOCK - 1; i++)
		out[i] = (uint8_t)(in[i] << 1 | in[i + 1] >> 7);
	out[RT_SCP03_BLOCK - 1] = (uint8_t)(in[RT_SCP03_BLOCK - 1] << 1);
	out[RT_SCP03_BLOCK - 1] ^= (uint8_t)(0x87 & (0 - carry));
}

/* AES-CMAC (SP 800-38B) of the concatenation a | b | c under the key `which`, streamed
 * through the CBC context: all blocks but the last are CBC-encrypted with a zero IV, the
 * last is XORed with K1 (complete) or padded 80 00.. and XORed with K2. */
static int cx_cmac(struct rt_scp03_cx *cx, int which, const uint8_t *a, size_t alen,
		   const uint8_t *b, size_t blen, const uint8_t *c3, size_t clen,
		   uint8_t mac[RT_SCP03_BLOCK], struct rt_err *err)
{
	static const uint8_t zero[RT_SCP03_BLOCK];
	const uint8_t *part[3] = { a, b, c3 };
	size_t plen[3] = { alen, blen, clen };
	uint8_t scratch[4096 + RT_SCP03_BLOCK];
	uint8_t last[RT_SCP03_BLOCK] = {0};
	size_t total = alen + blen + clen, lastoff, pos = 0, lastlen;
	EVP_CIPHER_CTX *ctx;
	int outl, k, rc;

	rc = cx_get(cx, which, &ctx, err);
	if (rc)
		return rc;
	if (!cx->sub_ok[which]) {
		uint8_t l[RT_SCP03_BLOCK];

		rc = cx_cbc(cx, which, zero, zero, RT_SCP03_BLOCK, l, err);
		if (rc)
			return rc;
		cmac_dbl(l, cx->k1[which]);
		cmac_dbl(cx->k1[which], cx->k2[which]);
		OPENSSL_cleanse(l, sizeof(l));
		cx->sub_ok[which] = 1;
	}
	lastoff = total ? (total - 1) / RT_SCP03_BLOCK * RT_SCP03_BLOCK : 0;
	lastlen = total - lastoff;
	if (!EVP_CipherInit_ex(ctx, NULL, NULL, NULL, zero, -1))
		return rt_err_set(err, RT_ECRYPTO, "SCP03: AES-CMAC init failed");
	for (k = 0; k < 3; k++) {
		size_t off = 0;

		while (off < plen[k]) {
			size_t n = plen[k] - off;

			if (pos >= lastoff) {
				/* inside the last block: collect it */
				memcpy(last + (pos - lastoff), part[k] + off, n);
				pos += n;
				off += n;
				continue;
			}
			if (n > lastoff - pos)
				n = lastoff - pos;
			if (n > sizeof(scratch) - RT_SCP03_BLOCK)
				n = sizeof(scratch) - RT_SCP03_BLOCK;
			if (!EVP_CipherUpdate(ctx, scratch, &outl, part[k] + off, (int)n))
				return rt_err_set(err, RT_ECRYPTO, "SCP03: AES-CMAC failed");
			pos += n;
			off += n;
		}
	}
	if (lastlen == RT_SCP03_BLOCK) {
		for (k = 0; k < RT_SCP03_BLOCK; k++)
			last[k] ^= cx->k1[which][k];
	} else {
		last[lastlen] = 0x80;
		for (k = 0; k < RT_SCP03_BLOCK; k++)
			last[k] ^= cx->k2[which][k];
	}
	if (!EVP_CipherUpdate(ctx, scratch, &outl, last, RT_SCP03_BLOCK) ||
	    outl != RT_SCP03_BLOCK)
		return rt_err_set(err, RT_ECRYPTO, "SCP03: AES-CMAC failed");
	memcpy(mac, scratch, RT_SCP03_BLOCK);
	OPENSSL_cleanse(last, sizeof(last));
	return 0;
}

/* cx or a temporary one for s. */
static int cx_use(const struct rt_scp03 *s, struct rt_scp03_cx *cx, struct rt_scp03_cx **use,
		  struct rt_err *err)
{
	if (cx) {
		*use = cx;
		return 0;
	}
	return rt_scp03_cx_new(s, use, err);
}

/* ---- KDF, keys, cryptograms ------------------------------------------------------------- */

int rt_scp03_kdf(const uint8_t *key, size_t keylen, uint8_t constant, const uint8_t *context,
		 size_t ctxlen, uint8_t *out, size_t outlen, struct rt_err *err)
{
	uint8_t in[SCP03_KDF_LABEL + 4 + SCP03_KDF_CTX_MAX];
	uint8_t mac[RT_CRYPTO_CMAC_LEN];
	size_t bits = outlen * 8, done = 0;
	unsigned i;
	int rc = 0;

	if (outlen == 0 || outlen > 255 * RT_CRYPTO_CMAC_LEN)
		return rt_err_set(err, RT_EINVAL, "SCP03 KDF: output of %zu bytes", outlen);
	if (ctxlen > SCP03_KDF_CTX_MAX || (ctxlen && !context))
		return rt_err_set(err, RT_EINVAL, "SCP03 KDF: context of %zu bytes", ctxlen);
	/* Amendment D 4.1.5: label = 11 x 00 | constant, separation 00, L, i, context. */
	memset(in, 0, SCP03_KDF_LABEL - 1);
	in[SCP03_KDF_LABEL - 1] = constant;
	in[SCP03_KDF_LABEL] = 0x00;
	in[SCP03_KDF_LABEL + 1] = (uint8_t)(bits >> 8);
	in[SCP03_KDF_LABEL + 2] = (uint8_t)bits;
	if (ctxlen)
		memcpy(in + SCP03_KDF_LABEL + 4, context, ctxlen);
	for (i = 1; done < outlen; i++) {
		size_t n = outlen - done;

		in[SCP03_KDF_LABEL + 3] = (uint8_t)i;
		rc = rt_crypto_aes_cmac(key, keylen, in, SCP03_KDF_LABEL + 4 + ctxlen, mac, err);
		if (rc) {
			rc = rt_err_wrap(err, "SCP03 KDF");
			break;
		}
		if (n > sizeof(mac))
			n = sizeof(mac);
		memcpy(out + done, mac, n);
		done += n;
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	OPENSSL_cleanse(in, sizeof(in));
	return rc;
}

static int scp03_s_ok(size_t s, struct rt_err *err)
{
	if (s != 8 && s != 16)
		return rt_err_set(err, RT_EINVAL, "SCP03: challenge length %zu (8 or 16)", s);
	return 0;
}

int rt_scp03_session_keys(const struct rt_scp03_keys *keys, const uint8_t *host_challenge,
			  const uint8_t *card_challenge, size_t s, uint8_t *s_enc, uint8_t *s_mac,
			  uint8_t *s_rmac, struct rt_err *err)
{
	uint8_t ctx[2 * RT_SCP03_CH_MAX];
	int rc = scp03_s_ok(s, err);

	if (rc)
		return rc;
	/* Amendment D 6.2.1: context = host challenge | card challenge. */
	memcpy(ctx, host_challenge, s);
	memcpy(ctx + s, card_challenge, s);
	rc = rt_scp03_kdf(keys->enc, keys->len, RT_SCP03_DC_S_ENC, ctx, 2 * s, s_enc, keys->len,
			  err);
	if (!rc)
		rc = rt_scp03_kdf(keys->mac, keys->len, RT_SCP03_DC_S_MAC, ctx, 2 * s, s_mac,
				  keys->len, err);
	if (!rc)
		rc = rt_scp03_kdf(keys->mac, keys->len, RT_SCP03_DC_S_RMAC, ctx, 2 * s, s_rmac,
				  keys->len, err);
	return rc;
}

int rt_scp03_cryptogram(const uint8_t *s_mac, size_t keylen, uint8_t constant,
			const uint8_t *host_challenge, const uint8_t *card_challenge, size_t s,
			uint8_t *out, struct rt_err *err)
{
	uint8_t ctx[2 * RT_SCP03_CH_MAX];
	int rc = scp03_s_ok(s, err);

	if (rc)
		return rc;
	memcpy(ctx, host_challenge, s);
	memcpy(ctx + s, card_challenge, s);
	/* Amendment D 6.2.2.2/6.2.2.3: L = 64 bits (S8) or 128 bits (S16). */
	return rt_scp03_kdf(s_mac, keylen, constant, ctx, 2 * s, out, s, err);
}

int rt_scp03_card_challenge(const uint8_t *k_enc, size_t keylen, uint32_t seq,
			    const uint8_t *aid, size_t aidlen, size_t s, uint8_t *out,
			    struct rt_err *err)
{
	uint8_t ctx[3 + RT_SCP03_AID_MAX];
	int rc = scp03_s_ok(s, err);

	if (rc)
		return rc;
	if (aidlen > RT_SCP03_AID_MAX || seq > RT_SCP03_SEQ_MAX)
		return rt_err_set(err, RT_EINVAL, "SCP03 card challenge: AID %zu bytes, seq %X",
				  aidlen, (unsigned)seq);
	/* Amendment D 6.2.2.1: context = sequence counter (3 bytes) | invoking SD's AID. */
	ctx[0] = (uint8_t)(seq >> 16);
	ctx[1] = (uint8_t)(seq >> 8);
	ctx[2] = (uint8_t)seq;
	if (aidlen)
		memcpy(ctx + 3, aid, aidlen);
	return rt_scp03_kdf(k_enc, keylen, RT_SCP03_DC_CARD_CHALLENGE, ctx, 3 + aidlen, out, s,
			    err);
}

/* ---- CLA handling ------------------------------------------------------------------------ */

/* ISO 7816-4 5.4.1: first interindustry CLA (b7 = 0) has the channel in b2b1 and SM in
 * b4b3; further interindustry (b7 = 1) has channel 4 + b4..b1 and SM in b6. */
static uint8_t cla_channel(uint8_t cla)
{
	return (cla & 0x40) ? (uint8_t)(4 + (cla & 0x0F)) : (uint8_t)(cla & 0x03);
}

static int cla_has_sm(uint8_t cla)
{
	return (cla & 0x40) ? (cla & 0x20) != 0 : (cla & 0x04) != 0;
}

static uint8_t cla_set_sm(uint8_t cla)
{
	return (cla & 0x40) ? (uint8_t)(cla | 0x20) : (uint8_t)(cla | 0x04);
}

static uint8_t cla_clear_sm(uint8_t cla)
{
	return (cla & 0x40) ? (uint8_t)(cla & ~0x20) : (uint8_t)(cla & ~0x0C);
}

/* Amendment D 6.2.4: for the C-MAC the logical channel number is set to zero, b4 to 0
 * and b3 to 1 (GP proprietary secure messaging). */
static uint8_t cla_for_mac(uint8_t cla)
{
	if (cla & 0x40)
		cla &= (uint8_t)~0x20;
	return (uint8_t)((cla & 0xF0) | 0x04);
}

static int cla_for_channel(uint8_t channel, uint8_t *cla, struct rt_err *err)
{
	if (channel < 4)
		*cla = (uint8_t)(0x80 | channel);
	else if (channel < 20)
		*cla = (uint8_t)(0xC0 | (channel - 4));
	else
		return rt_err_set(err, RT_EINVAL, "SCP03: logical channel %u (0..19)", channel);
	return 0;
}

/* ---- INITIALIZE UPDATE / responses ----------------------------------------------------- */

int rt_scp03_iu_cmd_build(uint8_t channel, uint8_t kvn, uint8_t kid,
			  const uint8_t *host_challenge, size_t s, uint8_t *out, size_t outsz,
			  size_t *outlen, struct rt_err *err)
{
	uint8_t cla = 0x80;
	int rc = scp03_s_ok(s, err);

	if (!rc)
		rc = cla_for_channel(channel, &cla, err);
	if (rc)
		return rc;
	/* Amendment D 7.1.1: 80 50 KVN KID Lc host-challenge Le=00. */
	return rt_capdu_build(cla, SCP03_INS_IU, kvn, kid, host_challenge, s, 1, 256, out, outsz,
			      outlen, err);
}

int rt_scp03_iu_cmd_parse(const uint8_t *apdu, size_t len, uint8_t *kvn, uint8_t *kid,
			  uint8_t *host_challenge, size_t *s, uint8_t *channel,
			  struct rt_err *err)
{
	struct rt_capdu c;
	int rc = rt_capdu_parse(apdu, len, &c, err);

	if (rc)
		return rc;
	if (!(c.cla & 0x80) || cla_has_sm(c.cla) || c.ins != SCP03_INS_IU)
		return rt_err_set(err, RT_EPROTO,
				  "INITIALIZE UPDATE: CLA %02X INS %02X (want 80..83/C0..CF, 50)",
				  c.cla, c.ins);
	if (c.lc != 8 && c.lc != 16)
		return rt_err_set(err, RT_EPROTO, "INITIALIZE UPDATE: host challenge of %zu bytes",
				  c.lc);
	*kvn = c.p1;
	*kid = c.p2;
	memcpy(host_challenge, c.data, c.lc);
	*s = c.lc;
	*channel = cla_channel(c.cla);
	return 0;
}

int rt_scp03_iu_resp_build(const struct rt_scp03_iu_resp *r, uint8_t *out, size_t outsz,
			   size_t *outlen, struct rt_err *err)
{
	size_t n = RT_SCP03_KDD_LEN + 3 + 2 * r->s + (r->has_seq ? 3 : 0), p = 0;
	int rc = scp03_s_ok(r->s, err);

	if (rc)
		return rc;
	if (outsz < n)
		return rt_err_set(err, RT_ENOMEM, "IU response: %zu bytes do not fit %zu", n, outsz);
	memcpy(out, r->kdd, RT_SCP03_KDD_LEN);
	p = RT_SCP03_KDD_LEN;
	out[p++] = r->kvn;
	out[p++] = r->scp_id;
	out[p++] = r->i;
	memcpy(out + p, r->card_challenge, r->s);
	p += r->s;
	memcpy(out + p, r->card_cryptogram, r->s);
	p += r->s;
	if (r->has_seq) {
		out[p++] = (uint8_t)(r->seq >> 16);
		out[p++] = (uint8_t)(r->seq >> 8);
		out[p++] = (uint8_t)r->seq;
	}
	*outlen = p;
	return 0;
}

int rt_scp03_iu_resp_parse(const uint8_t *data, size_t len, struct rt_scp03_iu_resp *r,
			   struct rt_err *err)
{
	size_t p = RT_SCP03_KDD_LEN;

	memset(r, 0, sizeof(*r));
	/* Amendment D Table 7-3: 10 + 3 + 2s (+ 3 when the challenge is pseudo-random). */
	switch (len) {
	case 29:
		r->s = 8;
		break;
	case 32:
		r->s = 8;
		r->has_seq = 1;
		break;
	case 45:
		r->s = 16;
		break;
	case 48:
		r->s = 16;
		r->has_seq = 1;
		break;
	default:
		return rt_err_set(err, RT_EPROTO,
				  "INITIALIZE UPDATE response of %zu bytes (29, 32, 45 or 48)", len);
	}
	memcpy(r->kdd, data, RT_SCP03_KDD_LEN);
	r->kvn = data[p++];
	r->scp_id = data[p++];
	r->i = data[p++];
	if (r->scp_id != RT_SCP03_SCP_ID)
		return rt_err_set(err, RT_EPROTO, "INITIALIZE UPDATE response: SCP id %02X, not 03",
				  r->scp_id);
	memcpy(r->card_challenge, data + p, r->s);
	p += r->s;
	memcpy(r->card_cryptogram, data + p, r->s);
	p += r->s;
	if (r->has_seq)
		r->seq = (uint32_t)data[p] << 16 | (uint32_t)data[p + 1] << 8 | data[p + 2];
	return 0;
}

/* ---- sessions: common ----------------------------------------------------------------- */

int rt_scp03_sw_protected(uint16_t sw)
{
	/* Amendment D 6.2.5: only 9000 and the warnings 62xx / 63xx are not errors. */
	return sw == 0x9000 || (sw >> 8) == 0x62 || (sw >> 8) == 0x63;
}

static int scp03_valid_sl(uint8_t sl)
{
	switch (sl) {
	case 0x00:
	case 0x01:
	case 0x03:
	case 0x11:
	case 0x13:
	case 0x31:
	case 0x33:
		return 1;
	default:
		return 0;
	}
}

static uint8_t scp03_s16_bit(const struct rt_scp03 *s)
{
	return s->opts.s16_bit ? s->opts.s16_bit : RT_SCP03_I_S16;
}

static int scp03_init_common(struct rt_scp03 *s, enum rt_scp03_role role,
			     const struct rt_scp03_keys *keys, const struct rt_scp03_opts *opts,
			     struct rt_err *err)
{
	int rc;

	memset(s, 0, sizeof(*s));
	rc = rt_crypto_key_check(RT_CRYPTO_AES, keys->len, err);
	if (rc)
		return rt_err_wrap(err, "SCP03 static keys");
	s->role = role;
	s->keys = *keys;
	if (opts)
		s->opts = *opts;
	return 0;
}

void rt_scp03_clear(struct rt_scp03 *s)
{
	OPENSSL_cleanse(s, sizeof(*s));
	s->state = RT_SCP03_ST_IDLE;
}

void rt_scp03_close(struct rt_scp03 *s)
{
	/* An error terminates the session: forget everything a later command could use. */
	OPENSSL_cleanse(s->s_enc, sizeof(s->s_enc));
	OPENSSL_cleanse(s->s_mac, sizeof(s->s_mac));
	OPENSSL_cleanse(s->s_rmac, sizeof(s->s_rmac));
	OPENSSL_cleanse(s->chain, sizeof(s->chain));
	s->state = RT_SCP03_ST_CLOSED;
	s->rsp_ok = 0;
	s->sl = 0;
}

int rt_scp03_counter_next(struct rt_scp03 *s, struct rt_err *err)
{
	uint64_t max = s->opts.counter_max ? s->opts.counter_max : UINT64_MAX - 1;

	if (s->counter >= max)
		return rt_err_set(err, RT_ERANGE, "SCP03: encryption counter exhausted at %llu",
				  (unsigned long long)s->counter);
	s->counter++;
	return 0;
}

static void scp03_icv_block(const struct rt_scp03 *s, int response, uint8_t blk[16])
{
	int k;

	/* Amendment D 6.2.6: the counter, left-padded with zeros to a block; 6.2.7: for
	 * responses the most significant byte is set to 80. */
	memset(blk, 0, RT_SCP03_BLOCK);
	for (k = 0; k < 8; k++)
		blk[RT_SCP03_BLOCK - 1 - k] = (uint8_t)(s->counter >> (8 * k));
	if (response)
		blk[0] = 0x80;
}

static int scp03_icv(const struct rt_scp03 *s, struct rt_scp03_cx *cx, int response,
		     uint8_t icv[RT_SCP03_BLOCK], struct rt_err *err)
{
	static const uint8_t zero[RT_SCP03_BLOCK];
	uint8_t blk[RT_SCP03_BLOCK];

	scp03_icv_block(s, response, blk);
	return cx_cbc(cx, CX_ENC_E, zero, blk, RT_SCP03_BLOCK, icv, err);
}

int rt_scp03_encrypt(const struct rt_scp03 *s, struct rt_scp03_cx *cx, int response,
		     const uint8_t *in, size_t len, uint8_t *out, size_t outsz, size_t *outlen,
		     struct rt_err *err)
{
	struct rt_scp03_cx *use = NULL;
	uint8_t icv[RT_SCP03_BLOCK];
	size_t n = (len / RT_SCP03_BLOCK + 1) * RT_SCP03_BLOCK;
	int rc;

	if (outsz < n)
		return rt_err_set(err, RT_ENOMEM, "SCP03 encrypt: %zu bytes do not fit %zu", n,
				  outsz);
	rc = cx_use(s, cx, &use, err);
	if (rc)
		return rc;
	/* GP CS B.2.3 padding: 80 then 00s up to the block, always at least one byte. */
	if (len)
		memmove(out, in, len);
	out[len] = 0x80;
	memset(out + len + 1, 0, n - len - 1);
	rc = scp03_icv(s, use, response, icv, err);
	if (!rc)
		rc = cx_cbc(use, CX_ENC_E, icv, out, n, out, err);
	if (!rc)
		*outlen = n;
	OPENSSL_cleanse(icv, sizeof(icv));
	if (use != cx)
		rt_scp03_cx_free(use);
	return rc;
}

int rt_scp03_decrypt(const struct rt_scp03 *s, struct rt_scp03_cx *cx, int response,
		     const uint8_t *in, size_t len, uint8_t *out, size_t outsz, size_t *outlen,
		     struct rt_err *err)
{
	struct rt_scp03_cx *use = NULL;
	uint8_t icv[RT_SCP03_BLOCK];
	size_t n;
	int rc;

	if (len == 0 || len % RT_SCP03_BLOCK)
		return rt_err_set(err, RT_ECRYPTO,
				  "SCP03 decrypt: %zu encrypted bytes, not a multiple of 16", len);
	if (outsz < len)
		return rt_err_set(err, RT_ENOMEM, "SCP03 decrypt: %zu bytes do not fit %zu", len,
				  outsz);
	rc = cx_use(s, cx, &use, err);
	if (rc)
		return rc;
	rc = scp03_icv(s, use, response, icv, err);
	if (!rc)
		rc = cx_cbc(use, CX_ENC_D, icv, in, len, out, err);
	OPENSSL_cleanse(icv, sizeof(icv));
	if (use != cx)
		rt_scp03_cx_free(use);
	if (rc)
		return rc;
	/* Strip 80 00..: at most one block of padding, and the 80 must be there. */
	n = len;
	while (n > len - RT_SCP03_BLOCK && out[n - 1] == 0x00)
		n--;
	if (n == len - RT_SCP03_BLOCK || out[n - 1] != 0x80) {
		OPENSSL_cleanse(out, len);
		return rt_err_set(err, RT_ECRYPTO, "SCP03 decrypt: bad padding (no 80 00.. in the "
				  "last block)");
	}
	*outlen = n - 1;
	return 0;
}

int rt_scp03_cmac_chain(struct rt_scp03 *s, struct rt_scp03_cx *cx, const uint8_t *a,
			size_t alen, const uint8_t *b, size_t blen, uint8_t *mac,
			struct rt_err *err)
{
	struct rt_scp03_cx *use = NULL;
	uint8_t full[RT_SCP03_BLOCK];
	int rc = cx_use(s, cx, &use, err);

	if (rc)
		return rc;
	rc = cx_cmac(use, CX_MAC, s->chain, RT_SCP03_BLOCK, a, alen, b, blen, full, err);
	if (!rc) {
		memcpy(s->chain, full, RT_SCP03_BLOCK); /* 6.2.3: the full C-MAC chains on */
		memcpy(mac, full, s->s);
	}
	OPENSSL_cleanse(full, sizeof(full));
	if (use != cx)
		rt_scp03_cx_free(use);
	return rc;
}

int rt_scp03_cmac_verify(struct rt_scp03 *s, struct rt_scp03_cx *cx, const uint8_t *a,
			 size_t alen, const uint8_t *b, size_t blen, const uint8_t *mac,
			 const char *what, struct rt_err *err)
{
	struct rt_scp03_cx *use = NULL;
	uint8_t full[RT_SCP03_BLOCK];
	int rc = cx_use(s, cx, &use, err);

	if (rc)
		return rc;
	rc = cx_cmac(use, CX_MAC, s->chain, RT_SCP03_BLOCK, a, alen, b, blen, full, err);
	if (!rc) {
		if (rt_crypto_memeq(full, mac, s->s))
			memcpy(s->chain, full, RT_SCP03_BLOCK);
		else
			rc = rt_err_set(err, RT_ECRYPTO, "%s mismatch", what);
	}
	OPENSSL_cleanse(full, sizeof(full));
	if (use != cx)
		rt_scp03_cx_free(use);
	return rc;
}

int rt_scp03_rmac(const struct rt_scp03 *s, struct rt_scp03_cx *cx, const uint8_t *a,
		  size_t alen, const uint8_t *b, size_t blen, uint8_t *mac, struct rt_err *err)
{
	struct rt_scp03_cx *use = NULL;
	uint8_t full[RT_SCP03_BLOCK];
	int rc = cx_use(s, cx, &use, err);

	if (rc)
		return rc;
	/* 6.2.5: chaining value = the full C-MAC of the command being answered. */
	rc = cx_cmac(use, CX_RMAC, s->chain, RT_SCP03_BLOCK, a, alen, b, blen, full, err);
	if (!rc)
		memcpy(mac, full, s->s);
	OPENSSL_cleanse(full, sizeof(full));
	if (use != cx)
		rt_scp03_cx_free(use);
	return rc;
}

/* ---- host ---------------------------------------------------------------------------- */

int rt_scp03_host_init(struct rt_scp03 *s, const struct rt_scp03_keys *keys,
		       const struct rt_scp03_opts *opts, struct rt_err *err)
{
	return scp03_init_common(s, RT_SCP03_HOST, keys, opts, err);
}

int rt_scp03_host_iu(struct rt_scp03 *s, uint8_t channel, const uint8_t *host_challenge,
		     size_t chlen, uint8_t *out, size_t outsz, size_t *outlen, struct rt_err *err)
{
	int rc;

	if (s->role != RT_SCP03_HOST)
		return rt_err_set(err, RT_ESTATE, "SCP03: not a host session");
	rc = rt_scp03_iu_cmd_build(channel, s->keys.kvn, s->keys.kid, host_challenge, chlen, out,
				   outsz, outlen, err);
	if (rc)
		return rc;
	rt_scp03_close(s);
	memcpy(s->host_challenge, host_challenge, chlen);
	s->s = chlen;
	s->channel = channel;
	s->counter = 0;
	s->state = RT_SCP03_ST_IU;
	return 0;
}

int rt_scp03_host_iu_response(struct rt_scp03 *s, const uint8_t *rapdu, size_t len,
			      struct rt_err *err)
{
	struct rt_scp03_iu_resp r;
	uint8_t cc[RT_SCP03_CH_MAX];
	uint8_t bit = scp03_s16_bit(s);
	size_t dlen;
	uint16_t sw;
	int rc;

	if (s->role != RT_SCP03_HOST || s->state != RT_SCP03_ST_IU)
		return rt_err_set(err, RT_ESTATE, "SCP03: no INITIALIZE UPDATE pending");
	rc = rt_rapdu_split(rapdu, len, &dlen, &sw, err);
	if (rc)
		return rc;
	if (sw != 0x9000)
		return rt_err_set(err, RT_EPROTO, "INITIALIZE UPDATE answered %04X (%s)", sw,
				  rt_sw_describe(sw));
	rc = rt_scp03_iu_resp_parse(rapdu, dlen, &r, err);
	if (rc)
		return rc;
	if (r.s != s->s)
		return rt_err_set(err, RT_EPROTO,
				  "INITIALIZE UPDATE response is S%zu, the host challenge was S%zu",
				  r.s, s->s);
	if (bit != 0xFF && ((r.i & bit) != 0) != (r.s == 16))
		return rt_err_set(err, RT_EPROTO, "i = %02X contradicts the S%zu response length",
				  r.i, r.s);
	if (s->keys.kvn && r.kvn != s->keys.kvn)
		return rt_err_set(err, RT_EPROTO, "INITIALIZE UPDATE response KVN %02X, asked %02X",
				  r.kvn, s->keys.kvn);
	memcpy(s->kdd, r.kdd, sizeof(s->kdd));
	s->kvn = r.kvn;
	s->i = r.i;
	s->has_seq = r.has_seq;
	s->seq = r.seq;
	memcpy(s->card_challenge, r.card_challenge, r.s);
	rc = rt_scp03_session_keys(&s->keys, s->host_challenge, s->card_challenge, s->s,
				   s->s_enc, s->s_mac, s->s_rmac, err);
	if (!rc)
		rc = rt_scp03_cryptogram(s->s_mac, s->keys.len, RT_SCP03_DC_CARD_CRYPTOGRAM,
					 s->host_challenge, s->card_challenge, s->s, cc, err);
	if (!rc && !rt_crypto_memeq(cc, r.card_cryptogram, s->s))
		rc = rt_err_set(err, RT_ECRYPTO, "card cryptogram mismatch");
	if (!rc) {
		memcpy(s->card_cryptogram, cc, s->s);
		rc = rt_scp03_cryptogram(s->s_mac, s->keys.len, RT_SCP03_DC_HOST_CRYPTOGRAM,
					 s->host_challenge, s->card_challenge, s->s,
					 s->host_cryptogram, err);
	}
	OPENSSL_cleanse(cc, sizeof(cc));
	if (rc) {
		rt_scp03_close(s);
		return rc;
	}
	s->state = RT_SCP03_ST_KEYS;
	return 0;
}

int rt_scp03_sl_check(const struct rt_scp03 *s, uint8_t sl, struct rt_err *err)
{
	if (!scp03_valid_sl(sl))
		return rt_err_set(err, RT_EINVAL, "SCP03: security level %02X is not one of "
				  "00 01 03 11 13 31 33", sl);
	if ((sl & RT_SCP03_SL_RMAC) && !(s->i & RT_SCP03_I_RMAC))
		return rt_err_set(err, RT_ENOTSUP, "SCP03: SL %02X needs R-MAC, i = %02X", sl, s->i);
	if ((sl & RT_SCP03_SL_RENC) && !(s->i & RT_SCP03_I_RENC))
		return rt_err_set(err, RT_ENOTSUP, "SCP03: SL %02X needs R-ENC, i = %02X", sl, s->i);
	return 0;
}

int rt_scp03_host_ext_auth(struct rt_scp03 *s, uint8_t sl, uint8_t *out, size_t outsz,
			   size_t *outlen, struct rt_err *err)
{
	uint8_t hdr[5], mac[RT_SCP03_CH_MAX], cla = 0x80;
	size_t n = 5 + 2 * s->s;
	int rc;

	if (s->role != RT_SCP03_HOST || s->state != RT_SCP03_ST_KEYS)
		return rt_err_set(err, RT_ESTATE, "SCP03: EXTERNAL AUTHENTICATE needs a verified "
				  "INITIALIZE UPDATE response");
	rc = rt_scp03_sl_check(s, sl, err);
	if (!rc)
		rc = cla_for_channel(s->channel, &cla, err);
	if (rc)
		return rc;
	if (outsz < n)
		return rt_err_set(err, RT_ENOMEM, "EXTERNAL AUTHENTICATE: %zu bytes do not fit", n);
	/* Amendment D 7.2: CLA' 82 SL 00 Lc host-cryptogram C-MAC; MAC chaining value
	 * 16 x 00; the command is MACed at every SL and never encrypted. */
	hdr[0] = cla_for_mac(cla);
	hdr[1] = SCP03_INS_EA;
	hdr[2] = sl;
	hdr[3] = 0x00;
	hdr[4] = (uint8_t)(2 * s->s);
	memset(s->chain, 0, sizeof(s->chain));
	rc = rt_scp03_cmac_chain(s, NULL, hdr, 5, s->host_cryptogram, s->s, mac, err);
	if (rc)
		return rc;
	out[0] = cla_set_sm(cla);
	memcpy(out + 1, hdr + 1, 4);
	memcpy(out + 5, s->host_cryptogram, s->s);
	memcpy(out + 5 + s->s, mac, s->s);
	*outlen = n;
	s->sl = sl;
	s->counter = 0; /* 6.2.6: 1 for the first command after EXTERNAL AUTHENTICATE */
	s->state = RT_SCP03_ST_OPEN;
	return 0;
}

/* The Lc field as it goes on the wire, for the MAC input. */
static size_t scp03_lc_field(size_t lc, int extended, uint8_t out[3])
{
	if (!extended) {
		out[0] = (uint8_t)lc;
		return 1;
	}
	out[0] = 0x00;
	out[1] = (uint8_t)(lc >> 8);
	out[2] = (uint8_t)lc;
	return 3;
}

int rt_scp03_host_wrap(struct rt_scp03 *s, const uint8_t *capdu, size_t len, uint8_t *out,
		       size_t outsz, size_t *outlen, struct rt_err *err)
{
	struct rt_capdu c;
	uint8_t *body = NULL;
	uint8_t hdr[4 + 3], mac[RT_SCP03_CH_MAX];
	size_t blen, newlc, hlen, le;
	unsigned flags;
	int rc;

	if (s->role != RT_SCP03_HOST || s->state != RT_SCP03_ST_OPEN)
		return rt_err_set(err, RT_ESTATE, "SCP03: no open session to wrap in");
	rc = rt_capdu_parse(capdu, len, &c, err);
	if (rc)
		return rt_err_wrap(err, "SCP03 wrap");
	if (cla_has_sm(c.cla) || cla_channel(c.cla) != s->channel)
		return rt_err_set(err, RT_EINVAL, "SCP03 wrap: CLA %02X (SM set or not channel %u)",
				  c.cla, s->channel);
	/* 6.2.6: the counter moves for every command, also those without data. */
	rc = rt_scp03_counter_next(s, err);
	if (rc)
		return rc;
	if (!(s->sl & RT_SCP03_SL_CMAC)) {
		if (outsz < len)
			return rt_err_set(err, RT_ENOMEM, "SCP03 wrap: output too small");
		memcpy(out, capdu, len);
		*outlen = len;
		return 0;
	}
	body = malloc(c.lc + RT_SCP03_BLOCK + RT_SCP03_CH_MAX);
	if (!body)
		return rt_err_set(err, RT_ENOMEM, "SCP03 wrap: out of memory");
	if ((s->sl & RT_SCP03_SL_CDEC) && c.lc) {
		rc = rt_scp03_encrypt(s, NULL, 0, c.data, c.lc, body, c.lc + RT_SCP03_BLOCK, &blen,
				      err);
		if (rc)
			goto out;
	} else {
		if (c.lc)
			memcpy(body, c.data, c.lc);
		blen = c.lc;
	}
	newlc = blen + s->s;
	if ((!c.extended && newlc > 255) || newlc > 65535) {
		rc = rt_err_set(err, RT_ERANGE, "SCP03 wrap: protected Lc %zu does not fit the %s "
				"form", newlc, c.extended ? "extended" : "short");
		goto out;
	}
	hdr[0] = cla_for_mac(c.cla);
	hdr[1] = c.ins;
	hdr[2] = c.p1;
	hdr[3] = c.p2;
	hlen = 4 + scp03_lc_field(newlc, c.extended, hdr + 4);
	rc = rt_scp03_cmac_chain(s, NULL, hdr, hlen, body, blen, mac, err);
	if (rc)
		goto out;
	memcpy(body + blen, mac, s->s);
	le = c.le;
	if (c.has_le && s->opts.le_rule == RT_SCP03_LE_MAX)
		le = c.extended ? 65536 : 256;
	flags = c.extended ? RT_CAPDU_F_EXTENDED : 0;
	rc = rt_capdu_build_ex(cla_set_sm(c.cla), c.ins, c.p1, c.p2, body, newlc, c.has_le, le,
			       flags, out, outsz, outlen, err);
out:
	if (body) {
		OPENSSL_cleanse(body, c.lc + RT_SCP03_BLOCK + RT_SCP03_CH_MAX);
		free(body);
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

int rt_scp03_host_unwrap(struct rt_scp03 *s, const uint8_t *rapdu, size_t len, uint8_t *out,
			 size_t outsz, size_t *outlen, uint16_t *sw, struct rt_err *err)
{
	uint8_t mac[RT_SCP03_CH_MAX];
	size_t dlen, blen;
	int rc;

	if (s->role != RT_SCP03_HOST || s->state != RT_SCP03_ST_OPEN)
		return rt_err_set(err, RT_ESTATE, "SCP03: no open session to unwrap in");
	rc = rt_rapdu_split(rapdu, len, &dlen, sw, err);
	if (rc)
		return rc;
	if (!(s->sl & RT_SCP03_SL_RMAC) || !rt_scp03_sw_protected(*sw)) {
		if ((s->sl & RT_SCP03_SL_RMAC) && dlen && !s->opts.allow_error_data)
			return rt_err_set(err, RT_EPROTO, "SCP03: error SW %04X with %zu unprotected "
					  "data bytes (6.2.5: only the SW)", *sw, dlen);
		if (outsz < dlen)
			return rt_err_set(err, RT_ENOMEM, "SCP03 unwrap: output too small");
		if (dlen)
			memcpy(out, rapdu, dlen);
		*outlen = dlen;
		return 0;
	}
	if (dlen < s->s)
		return rt_err_set(err, RT_EPROTO, "SCP03: response of %zu bytes has no room for the "
				  "%zu-byte R-MAC", dlen, s->s);
	blen = dlen - s->s;
	rc = rt_scp03_rmac(s, NULL, rapdu, blen, rapdu + dlen, 2, mac, err);
	if (rc)
		return rc;
	if (!rt_crypto_memeq(mac, rapdu + blen, s->s)) {
		rt_scp03_close(s);
		return rt_err_set(err, RT_ECRYPTO, "R-MAC mismatch (SW %04X, %zu data bytes)", *sw,
				  blen);
	}
	if ((s->sl & RT_SCP03_SL_RENC) && blen) {
		rc = rt_scp03_decrypt(s, NULL, 1, rapdu, blen, out, outsz, outlen, err);
		if (rc) {
			rt_scp03_close(s);
			return rt_err_wrap(err, "R-ENC");
		}
		return 0;
	}
	if (outsz < blen)
		return rt_err_set(err, RT_ENOMEM, "SCP03 unwrap: output too small");
	if (blen)
		memcpy(out, rapdu, blen);
	*outlen = blen;
	return 0;
}

/* ---- card ------------------------------------------------------------------------------ */

int rt_scp03_card_init(struct rt_scp03 *s, const struct rt_scp03_keys *keys, uint8_t i,
		       const uint8_t *aid, size_t aidlen, uint32_t seq, const uint8_t *kdd,
		       const struct rt_scp03_opts *opts, struct rt_err *err)
{
	int rc = scp03_init_common(s, RT_SCP03_CARD, keys, opts, err);

	if (rc)
		return rc;
	if (aidlen > RT_SCP03_AID_MAX || (aidlen && aidlen < 5) ||
	    ((i & RT_SCP03_I_PSEUDO) && aidlen == 0))
		return rt_err_set(err, RT_EINVAL, "SCP03 card: AID of %zu bytes (5..16, needed for "
				  "the pseudo-random challenge)", aidlen);
	if (seq > RT_SCP03_SEQ_MAX)
		return rt_err_set(err, RT_EINVAL, "SCP03 card: sequence counter %X over 3 bytes",
				  (unsigned)seq);
	s->i = i;
	if (aidlen)
		memcpy(s->aid, aid, aidlen);
	s->aidlen = aidlen;
	s->seq = seq;
	s->has_seq = (i & RT_SCP03_I_PSEUDO) != 0;
	if (kdd)
		memcpy(s->kdd, kdd, RT_SCP03_KDD_LEN);
	return 0;
}

int rt_scp03_card_iu(struct rt_scp03 *s, const uint8_t *capdu, size_t len,
		     const uint8_t *random, uint8_t *out, size_t outsz, size_t *outlen,
		     uint16_t *sw, struct rt_err *err)
{
	struct rt_scp03_iu_resp r;
	uint8_t kvn, kid, channel, hc[RT_SCP03_CH_MAX];
	size_t chlen, want, n;
	uint32_t use_seq = 0;
	int rc;

	*outlen = 0;
	*sw = RT_SCP03_SW_WRONG_DATA;
	if (s->role != RT_SCP03_CARD)
		return rt_err_set(err, RT_ESTATE, "SCP03: not a card session");
	rc = rt_scp03_iu_cmd_parse(capdu, len, &kvn, &kid, hc, &chlen, &channel, err);
	if (rc)
		return rc;
	/* A new INITIALIZE UPDATE ends whatever session was open. */
	rt_scp03_close(s);
	s->state = RT_SCP03_ST_IDLE;
	if (kvn != 0 && kvn != s->keys.kvn) {
		*sw = RT_SCP03_SW_REF_NOT_FOUND;
		return rt_err_set(err, RT_ENOENT, "INITIALIZE UPDATE: key version %02X not found",
				  kvn);
	}
	want = (s->i & scp03_s16_bit(s)) ? 16 : 8;
	if (chlen != want) {
		*sw = SCP03_SW_WRONG_LENGTH;
		return rt_err_set(err, RT_EPROTO, "INITIALIZE UPDATE: %zu-byte host challenge in "
				  "S%zu mode", chlen, want);
	}
	s->s = chlen;
	s->channel = channel;
	memcpy(s->host_challenge, hc, chlen);
	if (s->i & RT_SCP03_I_PSEUDO) {
		if (s->seq >= RT_SCP03_SEQ_MAX) {
			*sw = RT_SCP03_SW_COND;
			return rt_err_set(err, RT_ERANGE, "SCP03: sequence counter exhausted (%06X)",
					  (unsigned)s->seq);
		}
		if (s->opts.seq_rule == RT_SCP03_SEQ_INC_AFTER) {
			use_seq = s->seq;
			s->seq++;
		} else {
			s->seq++;
			use_seq = s->seq;
		}
		if (random) /* replaying a recorded card: its challenge, our counter */
			memcpy(s->card_challenge, random, s->s);
		else
			rc = rt_scp03_card_challenge(s->keys.enc, s->keys.len, use_seq, s->aid,
						     s->aidlen, s->s, s->card_challenge, err);
		if (rc)
			return rc;
	} else {
		if (!random)
			return rt_err_set(err, RT_EINVAL, "SCP03 card: random challenge required "
					  "(i = %02X)", s->i);
		memcpy(s->card_challenge, random, s->s);
	}
	rc = rt_scp03_session_keys(&s->keys, s->host_challenge, s->card_challenge, s->s,
				   s->s_enc, s->s_mac, s->s_rmac, err);
	if (!rc)
		rc = rt_scp03_cryptogram(s->s_mac, s->keys.len, RT_SCP03_DC_CARD_CRYPTOGRAM,
					 s->host_challenge, s->card_challenge, s->s,
					 s->card_cryptogram, err);
	if (!rc)
		rc = rt_scp03_cryptogram(s->s_mac, s->keys.len, RT_SCP03_DC_HOST_CRYPTOGRAM,
					 s->host_challenge, s->card_challenge, s->s,
					 s->host_cryptogram, err);
	if (rc)
		return rc;
	memset(&r, 0, sizeof(r));
	memcpy(r.kdd, s->kdd, RT_SCP03_KDD_LEN);
	r.kvn = s->keys.kvn;
	r.scp_id = RT_SCP03_SCP_ID;
	r.i = s->i;
	memcpy(r.card_challenge, s->card_challenge, s->s);
	memcpy(r.card_cryptogram, s->card_cryptogram, s->s);
	r.s = s->s;
	r.has_seq = (s->i & RT_SCP03_I_PSEUDO) != 0;
	r.seq = use_seq;
	rc = rt_scp03_iu_resp_build(&r, out, outsz > 2 ? outsz - 2 : 0, &n, err);
	if (rc)
		return rc;
	out[n] = 0x90;
	out[n + 1] = 0x00;
	*outlen = n + 2;
	*sw = RT_SCP03_SW_OK;
	s->kvn = s->keys.kvn;
	s->state = RT_SCP03_ST_IU;
	return 0;
}

int rt_scp03_card_ext_auth(struct rt_scp03 *s, const uint8_t *capdu, size_t len,
			   uint16_t *sw, struct rt_err *err)
{
	struct rt_capdu c;
	uint8_t hdr[5];
	int rc;

	*sw = RT_SCP03_SW_COND;
	if (s->role != RT_SCP03_CARD || s->state != RT_SCP03_ST_IU)
		return rt_err_set(err, RT_ESTATE, "EXTERNAL AUTHENTICATE without a preceding "
				  "INITIALIZE UPDATE");
	rc = rt_capdu_parse(capdu, len, &c, err);
	if (rc) {
		*sw = RT_SCP03_SW_WRONG_DATA;
		rt_scp03_close(s);
		return rc;
	}
	*sw = RT_SCP03_SW_SECURITY;
	if (!(c.cla & 0x80) || !cla_has_sm(c.cla) || c.ins != SCP03_INS_EA || c.p2 != 0 ||
	    c.lc != 2 * s->s || c.extended) {
		rt_scp03_close(s);
		return rt_err_set(err, RT_EPROTO, "EXTERNAL AUTHENTICATE: header %02X %02X %02X "
				  "%02X Lc %zu", c.cla, c.ins, c.p1, c.p2, c.lc);
	}
	rc = rt_scp03_sl_check(s, c.p1, err);
	if (rc) {
		*sw = SCP03_SW_WRONG_P1;
		rt_scp03_close(s);
		return rc;
	}
	if (!rt_crypto_memeq(c.data, s->host_cryptogram, s->s)) {
		rt_scp03_close(s);
		return rt_err_set(err, RT_ECRYPTO, "host cryptogram mismatch");
	}
	hdr[0] = cla_for_mac(c.cla);
	hdr[1] = c.ins;
	hdr[2] = c.p1;
	hdr[3] = c.p2;
	hdr[4] = (uint8_t)c.lc;
	memset(s->chain, 0, sizeof(s->chain));
	rc = rt_scp03_cmac_verify(s, NULL, hdr, 5, c.data, s->s, c.data + s->s,
				  "C-MAC of EXTERNAL AUTHENTICATE", err);
	if (rc) {
		rt_scp03_close(s);
		return rc;
	}
	s->sl = c.p1;
	s->counter = 0;
	s->rsp_ok = 0;
	s->state = RT_SCP03_ST_OPEN;
	*sw = RT_SCP03_SW_OK;
	return 0;
}

int rt_scp03_card_unwrap(struct rt_scp03 *s, const uint8_t *capdu, size_t len, uint8_t *out,
			 size_t outsz, size_t *outlen, uint16_t *sw, struct rt_err *err)
{
	struct rt_capdu c;
	uint8_t hdr[4 + 3];
	uint8_t *plain = NULL;
	size_t blen, plen = 0, hlen;
	int rc;

	*outlen = 0;
	*sw = RT_SCP03_SW_COND;
	if (s->role != RT_SCP03_CARD || s->state != RT_SCP03_ST_OPEN)
		return rt_err_set(err, RT_ESTATE, "SCP03: no open session to unwrap in");
	s->rsp_ok = 0;
	rc = rt_scp03_counter_next(s, err);
	if (rc)
		goto fail;
	*sw = SCP03_SW_WRONG_LENGTH;
	rc = rt_capdu_parse(capdu, len, &c, err);
	if (rc)
		goto fail;
	*sw = RT_SCP03_SW_SECURITY;
	if (!(s->sl & RT_SCP03_SL_CMAC) || (!cla_has_sm(c.cla) && s->opts.card_allow_plain)) {
		if (outsz < len) {
			rc = rt_err_set(err, RT_ENOMEM, "SCP03 unwrap: output too small");
			goto fail;
		}
		memcpy(out, capdu, len);
		*outlen = len;
		s->rsp_ok = 1;
		*sw = RT_SCP03_SW_OK;
		return 0;
	}
	if (!cla_has_sm(c.cla)) {
		rc = rt_err_set(err, RT_ECRYPTO, "C-MAC missing: CLA %02X has no secure messaging "
				"indication at SL %02X", c.cla, s->sl);
		goto fail;
	}
	if (c.lc < s->s) {
		rc = rt_err_set(err, RT_ECRYPTO, "C-MAC missing: %zu data bytes, the MAC needs %zu",
				c.lc, s->s);
		goto fail;
	}
	blen = c.lc - s->s;
	hdr[0] = cla_for_mac(c.cla);
	hdr[1] = c.ins;
	hdr[2] = c.p1;
	hdr[3] = c.p2;
	hlen = 4 + scp03_lc_field(c.lc, c.extended, hdr + 4);
	rc = rt_scp03_cmac_verify(s, NULL, hdr, hlen, c.data, blen, c.data + blen, "C-MAC", err);
	if (rc)
		goto fail;
	plain = malloc(blen ? blen : 1);
	if (!plain) {
		rc = rt_err_set(err, RT_ENOMEM, "SCP03 unwrap: out of memory");
		goto fail;
	}
	if ((s->sl & RT_SCP03_SL_CDEC) && blen) {
		rc = rt_scp03_decrypt(s, NULL, 0, c.data, blen, plain, blen, &plen, err);
		if (rc) {
			rt_err_wrap(err, "C-DECRYPTION");
			goto fail;
		}
	} else {
		if (blen)
			memcpy(plain, c.data, blen);
		plen = blen;
	}
	rc = rt_capdu_build_ex(cla_clear_sm(c.cla), c.ins, c.p1, c.p2, plain, plen, c.has_le,
			       c.le, c.extended ? RT_CAPDU_F_EXTENDED : 0, out, outsz, outlen, err);
	if (rc)
		goto fail;
	OPENSSL_cleanse(plain, blen ? blen : 1);
	free(plain);
	s->rsp_ok = 1;
	*sw = RT_SCP03_SW_OK;
	return 0;
fail:
	if (plain) {
		OPENSSL_cleanse(plain, blen ? blen : 1);
		free(plain);
	}
	*outlen = 0;
	rt_scp03_close(s);
	return rc;
}

int rt_scp03_card_wrap(struct rt_scp03 *s, const uint8_t *data, size_t len, uint16_t sw,
		       uint8_t *out, size_t outsz, size_t *outlen, struct rt_err *err)
{
	size_t blen;
	int rc;

	if (s->role != RT_SCP03_CARD || s->state != RT_SCP03_ST_OPEN || !s->rsp_ok)
		return rt_err_set(err, RT_ESTATE, "SCP03: no verified command to answer");
	s->rsp_ok = 0;
	if (!rt_scp03_sw_protected(sw) && (s->sl & RT_SCP03_SL_RMAC))
		len = 0; /* 6.2.5: an error SW goes out alone, unprotected */
	if (!(s->sl & RT_SCP03_SL_RMAC) || !rt_scp03_sw_protected(sw)) {
		if (outsz < len + 2)
			return rt_err_set(err, RT_ENOMEM, "SCP03 card wrap: output too small");
		if (len)
			memcpy(out, data, len);
		blen = len;
	} else {
		if ((s->sl & RT_SCP03_SL_RENC) && len) {
			rc = rt_scp03_encrypt(s, NULL, 1, data, len, out, outsz, &blen, err);
			if (rc)
				return rc;
		} else {
			if (outsz < len)
				return rt_err_set(err, RT_ENOMEM, "SCP03 card wrap: output too small");
			if (len)
				memcpy(out, data, len);
			blen = len;
		}
		if (outsz < blen + s->s + 2)
			return rt_err_set(err, RT_ENOMEM, "SCP03 card wrap: output too small");
		{
			uint8_t swb[2] = { (uint8_t)(sw >> 8), (uint8_t)sw };

			rc = rt_scp03_rmac(s, NULL, out, blen, swb, 2, out + blen, err);
			if (rc)
				return rc;
		}
		blen += s->s;
	}
	out[blen] = (uint8_t)(sw >> 8);
	out[blen + 1] = (uint8_t)sw;
	*outlen = blen + 2;
	return 0;
}

/* ---- DEK, KCV ------------------------------------------------------------------------- */

int rt_scp03_dek_wrap(const uint8_t *dek, size_t deklen, enum rt_scp03_dek_pad pad,
		      const uint8_t *key, size_t keylen, uint8_t *out, size_t outsz,
		      size_t *outlen, struct rt_err *err)
{
	static const uint8_t zero_iv[RT_SCP03_BLOCK];
	uint8_t lenf[RT_TLV_LEN_MAX];
	size_t nl = 0, padded;
	int rc;

	if (keylen == 0 || keylen > 4096)
		return rt_err_set(err, RT_EINVAL, "DEK wrap: key of %zu bytes", keylen);
	if (keylen % RT_SCP03_BLOCK) {
		/* GP CS Table 11-70: length of the clear key component, then the encrypted
		 * padded value. */
		rc = rt_tlv_len_encode(keylen, lenf, &nl, err);
		if (rc)
			return rc;
	}
	padded = (keylen + RT_SCP03_BLOCK - 1) / RT_SCP03_BLOCK * RT_SCP03_BLOCK;
	if (outsz < nl + padded)
		return rt_err_set(err, RT_ENOMEM, "DEK wrap: %zu bytes do not fit %zu", nl + padded,
				  outsz);
	memcpy(out, lenf, nl);
	memcpy(out + nl, key, keylen);
	if (padded > keylen) {
		memset(out + nl + keylen, 0, padded - keylen);
		if (pad == RT_SCP03_DEK_PAD_80)
			out[nl + keylen] = 0x80;
	}
	rc = rt_crypto_cipher(RT_CRYPTO_AES, RT_CRYPTO_CBC, RT_CRYPTO_ENCRYPT, dek, deklen, zero_iv,
			      out + nl, padded, out + nl, err);
	if (rc) {
		OPENSSL_cleanse(out, nl + padded);
		return rt_err_wrap(err, "DEK wrap");
	}
	*outlen = nl + padded;
	return 0;
}

int rt_scp03_dek_unwrap(const uint8_t *dek, size_t deklen, const uint8_t *kcb, size_t len,
			uint8_t *out, size_t outsz, size_t *outlen, struct rt_err *err)
{
	static const uint8_t zero_iv[RT_SCP03_BLOCK];
	size_t keylen = len, nl = 0, clen;
	uint8_t *tmp;
	int rc;

	if (len % RT_SCP03_BLOCK) {
		if (kcb[0] < 0x80) {
			keylen = kcb[0];
			nl = 1;
		} else if (kcb[0] == 0x81 && len > 1) {
			keylen = kcb[1];
			nl = 2;
		} else if (kcb[0] == 0x82 && len > 2) {
			keylen = (size_t)kcb[1] << 8 | kcb[2];
			nl = 3;
		} else {
			return rt_err_set(err, RT_EPROTO, "DEK unwrap: bad length prefix %02X", kcb[0]);
		}
	}
	clen = len - nl;
	if (clen == 0 || clen % RT_SCP03_BLOCK || keylen > clen || keylen == 0 ||
	    (nl && keylen + RT_SCP03_BLOCK <= clen))
		return rt_err_set(err, RT_EPROTO, "DEK unwrap: %zu-byte key in %zu encrypted bytes",
				  keylen, clen);
	if (outsz < keylen)
		return rt_err_set(err, RT_ENOMEM, "DEK unwrap: output too small");
	tmp = malloc(clen);
	if (!tmp)
		return rt_err_set(err, RT_ENOMEM, "DEK unwrap: out of memory");
	rc = rt_crypto_cipher(RT_CRYPTO_AES, RT_CRYPTO_CBC, RT_CRYPTO_DECRYPT, dek, deklen, zero_iv,
			      kcb + nl, clen, tmp, err);
	if (!rc) {
		memcpy(out, tmp, keylen);
		*outlen = keylen;
	}
	OPENSSL_cleanse(tmp, clen);
	free(tmp);
	return rc ? rt_err_wrap(err, "DEK unwrap") : 0;
}

int rt_scp03_kcv(const uint8_t *key, size_t keylen, uint8_t kcv[RT_CRYPTO_KCV_LEN],
		 struct rt_err *err)
{
	return rt_crypto_kcv(RT_CRYPTO_AES, key, keylen, kcv, err);
}
