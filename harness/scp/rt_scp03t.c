/* SPDX-License-Identifier: Apache-2.0 */
/* rt_scp03t — SCP03t TLV framing over rt_scp03 (SGP.02 4.1.3.3); see rt_scp03t.h.
 *
 * Layout reminders (sgp02-facts §4.3; docs/spec-notes.md, SCP03):
 *   84 0A   KVN KID host-challenge(8)              -> 84 L <IU response data> | 9F44 01 r
 *   85 11   SL host-cryptogram(8) C-MAC(8)         -> 85 00                   | 9F45 01 r
 *   86 L    ciphertext C-MAC(8)                    -> 86 00 | 86 L ct R-MAC   | 9F46 01 r
 *   C-MAC input = chaining value | tag | BER length | value without the MAC
 *   R-MAC input = chaining value | 86 | BER length | ciphertext   (opts.rmac_input) */
#include "scp/rt_scp03t.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "codec/rt_tlv.h"

static size_t scp03t_max_segment(const struct rt_scp03t *t, size_t max_segment)
{
	if (max_segment)
		return max_segment;
	return t->opts.max_segment ? t->opts.max_segment : RT_SCP03T_SEGMENT_DEFAULT;
}

static uint8_t scp03t_reason(uint8_t configured, uint8_t dflt)
{
	return configured ? configured : dflt;
}

static size_t scp03t_reassembly_max(const struct rt_scp03t *t)
{
	return t->opts.reassembly_max ? t->opts.reassembly_max : RT_SCP03T_REASSEMBLY_DEFAULT;
}

static int scp03t_init(struct rt_scp03t *t, const struct rt_scp03t_opts *opts)
{
	t->cx = NULL;
	t->need_rsp = 0;
	t->last_tag = 0;
	t->last_reason = 0;
	t->has_card_random = 0;
	memset(&t->opts, 0, sizeof(t->opts));
	if (opts)
		t->opts = *opts;
	return 0;
}

int rt_scp03t_host_init(struct rt_scp03t *t, const struct rt_scp03_keys *keys,
			const struct rt_scp03_opts *sopts, const struct rt_scp03t_opts *opts,
			struct rt_err *err)
{
	int rc = rt_scp03_host_init(&t->s, keys, sopts, err);

	scp03t_init(t, opts);
	return rc;
}

int rt_scp03t_card_init(struct rt_scp03t *t, const struct rt_scp03_keys *keys, uint8_t i,
			const uint8_t *aid, size_t aidlen, uint32_t seq, const uint8_t *kdd,
			const struct rt_scp03_opts *sopts, const struct rt_scp03t_opts *opts,
			struct rt_err *err)
{
	int rc = rt_scp03_card_init(&t->s, keys, i, aid, aidlen, seq, kdd, sopts, err);

	scp03t_init(t, opts);
	return rc;
}

void rt_scp03t_clear(struct rt_scp03t *t)
{
	rt_scp03_cx_free(t->cx);
	t->cx = NULL;
	rt_scp03_clear(&t->s);
	OPENSSL_cleanse(t->card_random, sizeof(t->card_random));
	t->need_rsp = 0;
}

/* Session keys are set: (re)make the cipher contexts for them. */
static int scp03t_open_cx(struct rt_scp03t *t, struct rt_err *err)
{
	rt_scp03_cx_free(t->cx);
	t->cx = NULL;
	return rt_scp03_cx_new(&t->s, &t->cx, err);
}

static void scp03t_close(struct rt_scp03t *t)
{
	rt_scp03_cx_free(t->cx);
	t->cx = NULL;
	t->need_rsp = 0;
	rt_scp03_close(&t->s);
}

int rt_scp03t_error_tlv(uint8_t cmd_tag, uint8_t reason, struct rt_buf *out,
			struct rt_err *err)
{
	/* facts §4.3: the error tag is 9F with tag number (command tag number + 40):
	 * 84 -> 9F44, 85 -> 9F45, 86 -> 9F46; one reason byte. */
	uint32_t tag = 0x9F00u | (uint32_t)((cmd_tag & 0x1F) + 0x40);

	return rt_tlv_put(out, tag, &reason, 1, err);
}

/* Size of the `86` TLV carrying plen plain bytes in session s. */
static size_t scp03t_tlv_size(const struct rt_scp03 *s, size_t plen)
{
	size_t body = (s->sl & RT_SCP03_SL_CDEC) && plen ?
			      (plen / RT_SCP03_BLOCK + 1) * RT_SCP03_BLOCK :
			      plen;
	size_t l = body + s->s;

	return 1 + rt_tlv_len_size(l) + l;
}

size_t rt_scp03t_payload_max(const struct rt_scp03 *s, size_t max_segment)
{
	size_t p = max_segment;

	/* tlv_size(p) - p is at most 1 + 5 + 16 + 16, so this stops within ~40 steps. */
	while (p > 0 && scp03t_tlv_size(s, p) > max_segment)
		p--;
	return p;
}

/* Decodes exactly one TLV filling tlv[0..len). */
static int scp03t_one(const uint8_t *tlv, size_t len, struct rt_tlv *x, struct rt_err *err)
{
	int rc = rt_tlv_decode(tlv, len, 0, 0, 0, x, err);

	if (rc)
		return rc;
	if (x->total_len != len)
		return rt_err_set(err, RT_EPROTO, "SCP03t: %zu bytes after the %X TLV",
				  len - x->total_len, (unsigned)x->tag);
	return 0;
}

/* Response TLV is an error TLV 9F4x: record and report it. */
static int scp03t_error_rsp(struct rt_scp03t *t, const struct rt_tlv *x, const char *what,
			    struct rt_err *err)
{
	t->last_reason = x->len == 1 ? x->value[0] : 0xFF;
	return rt_err_set(err, RT_EPROTO, "SCP03t %s refused: %X reason %02X (%s)", what,
			  (unsigned)x->tag, t->last_reason,
			  t->last_reason == RT_SCP03T_R_LENGTH	   ? "length or structure" :
			  t->last_reason == RT_SCP03T_R_SECURITY   ? "security" :
			  t->last_reason == RT_SCP03T_R_NOT_FOUND ? "referenced data not found" :
								    "unknown reason");
}

/* ---- host ----------------------------------------------------------------------------- */

int rt_scp03t_host_iu(struct rt_scp03t *t, const uint8_t *host_challenge, size_t chlen,
		      struct rt_buf *out, struct rt_err *err)
{
	uint8_t apdu[32], v[2 + RT_SCP03_CH_MAX];
	size_t n;
	int rc;

	rc = rt_scp03_host_iu(&t->s, 0, host_challenge, chlen, apdu, sizeof(apdu), &n, err);
	if (rc)
		return rc;
	rt_scp03_cx_free(t->cx);
	t->cx = NULL;
	/* SGP.02 4.1.3.3 (NJIWA, WHTY-SR): the INITIALIZE UPDATE parameters P1, P2 and data. */
	v[0] = t->s.keys.kvn;
	v[1] = t->s.keys.kid;
	memcpy(v + 2, host_challenge, chlen);
	return rt_tlv_put(out, RT_SCP03T_TAG_IU, v, 2 + chlen, err);
}

int rt_scp03t_host_iu_response(struct rt_scp03t *t, const uint8_t *tlv, size_t len,
			       struct rt_err *err)
{
	uint8_t r[RT_SCP03_IU_RESP_MAX + 2];
	struct rt_tlv x;
	int rc = scp03t_one(tlv, len, &x, err);

	if (rc)
		return rc;
	if (x.tag == 0x9F44)
		return scp03t_error_rsp(t, &x, "INITIALIZE UPDATE", err);
	if (x.tag != RT_SCP03T_TAG_IU || x.len > RT_SCP03_IU_RESP_MAX)
		return rt_err_set(err, RT_EPROTO, "SCP03t: answer to 84 is a %X TLV of %zu bytes",
				  (unsigned)x.tag, x.len);
	memcpy(r, x.value, x.len);
	r[x.len] = 0x90;
	r[x.len + 1] = 0x00;
	return rt_scp03_host_iu_response(&t->s, r, x.len + 2, err);
}

int rt_scp03t_host_ext_auth(struct rt_scp03t *t, uint8_t sl, struct rt_buf *out,
			    struct rt_err *err)
{
	struct rt_scp03 *s = &t->s;
	uint8_t a[3], mac[RT_SCP03_CH_MAX];
	int rc;

	if (s->role != RT_SCP03_HOST || s->state != RT_SCP03_ST_KEYS)
		return rt_err_set(err, RT_ESTATE, "SCP03t: 85 needs a verified 84 response");
	rc = rt_scp03_sl_check(s, sl, err);
	if (rc)
		return rc;
	/* MAC input: 16 x 00 | 85 L SL | host cryptogram (the TLV header as CLA..Lc). */
	a[0] = RT_SCP03T_TAG_EA;
	a[1] = (uint8_t)(1 + 2 * s->s);
	a[2] = sl;
	memset(s->chain, 0, sizeof(s->chain));
	rc = rt_scp03_cmac_chain(s, NULL, a, 3, s->host_cryptogram, s->s, mac, err);
	if (!rc)
		rc = rt_buf_append(out, a, 3) || rt_buf_append(out, s->host_cryptogram, s->s) ||
				     rt_buf_append(out, mac, s->s) ?
			     rt_err_set(err, RT_ENOMEM, "SCP03t: 85 does not fit the output") :
			     0;
	if (rc)
		return rc;
	s->sl = sl;
	s->counter = 0;
	s->state = RT_SCP03_ST_OPEN;
	return scp03t_open_cx(t, err);
}

int rt_scp03t_host_ext_auth_response(struct rt_scp03t *t, const uint8_t *tlv, size_t len,
				     struct rt_err *err)
{
	struct rt_tlv x;
	int rc = scp03t_one(tlv, len, &x, err);

	if (rc)
		return rc;
	if (x.tag == 0x9F45) {
		scp03t_close(t);
		return scp03t_error_rsp(t, &x, "EXTERNAL AUTHENTICATE", err);
	}
	if (x.tag != RT_SCP03T_TAG_EA || x.len != 0)
		return rt_err_set(err, RT_EPROTO, "SCP03t: answer to 85 is a %X TLV of %zu bytes "
				  "(want 85 00)", (unsigned)x.tag, x.len);
	return 0;
}

/* One `86` TLV of data[0..len); scratch holds len + 32 bytes. */
static int scp03t_wrap_one(struct rt_scp03t *t, const uint8_t *data, size_t len,
			   uint8_t *scratch, size_t max_segment, struct rt_buf *out,
			   struct rt_err *err)
{
	struct rt_scp03 *s = &t->s;
	uint8_t hdr[1 + RT_TLV_LEN_MAX], mac[RT_SCP03_CH_MAX];
	const uint8_t *body = data;
	size_t blen = len, nl, tot;
	int rc;

	if (s->role != RT_SCP03_HOST || s->state != RT_SCP03_ST_OPEN)
		return rt_err_set(err, RT_ESTATE, "SCP03t: no open session to wrap in");
	tot = scp03t_tlv_size(s, len);
	if (tot > max_segment)
		return rt_err_set(err, RT_ERANGE, "SCP03t: a %zu-byte segment needs a %zu-byte 86 "
				  "TLV, over the maximum of %zu", len, tot, max_segment);
	rc = rt_scp03_counter_next(s, err);
	if (rc)
		return rc;
	if ((s->sl & RT_SCP03_SL_CDEC) && len) {
		rc = rt_scp03_encrypt(s, t->cx, 0, data, len, scratch, len + 2 * RT_SCP03_BLOCK,
				      &blen, err);
		if (rc)
			return rc;
		body = scratch;
	}
	hdr[0] = RT_SCP03T_TAG_DATA;
	rc = rt_tlv_len_encode(blen + s->s, hdr + 1, &nl, err);
	if (rc)
		return rc;
	rc = rt_scp03_cmac_chain(s, t->cx, hdr, 1 + nl, body, blen, mac, err);
	if (rc)
		return rc;
	if (rt_buf_append(out, hdr, 1 + nl) || rt_buf_append(out, body, blen) ||
	    rt_buf_append(out, mac, s->s))
		return rt_err_set(err, RT_ENOMEM, "SCP03t: 86 TLV does not fit the output");
	return 0;
}

int rt_scp03t_host_wrap(struct rt_scp03t *t, const uint8_t *data, size_t len,
			struct rt_buf *out, struct rt_err *err)
{
	uint8_t *scratch = malloc(len + 2 * RT_SCP03_BLOCK);
	int rc;

	if (!scratch)
		return rt_err_set(err, RT_ENOMEM, "SCP03t: out of memory");
	rc = scp03t_wrap_one(t, data, len, scratch, scp03t_max_segment(t, 0), out, err);
	OPENSSL_cleanse(scratch, len + 2 * RT_SCP03_BLOCK);
	free(scratch);
	return rc;
}

int rt_scp03t_host_segment(struct rt_scp03t *t, const uint8_t *pkg, size_t len,
			   size_t max_segment, struct rt_buf *out, size_t *count,
			   struct rt_scp03t_mark *marks, size_t nmarks, struct rt_err *err)
{
	size_t maxs = scp03t_max_segment(t, max_segment);
	size_t payload, off = 0;
	uint8_t *scratch;
	int rc = 0;

	*count = 0;
	if (t->s.state != RT_SCP03_ST_OPEN)
		return rt_err_set(err, RT_ESTATE, "SCP03t: no open session to segment in");
	payload = rt_scp03t_payload_max(&t->s, maxs);
	if (maxs < RT_SCP03T_SEGMENT_MIN || payload == 0)
		return rt_err_set(err, RT_EINVAL, "SCP03t: segment size %zu leaves no room for data",
				  maxs);
	scratch = malloc(payload + 2 * RT_SCP03_BLOCK);
	if (!scratch)
		return rt_err_set(err, RT_ENOMEM, "SCP03t: out of memory");
	/* The package is one opaque byte string (facts §4.3): cut at any byte. */
	while (off < len) {
		size_t n = len - off < payload ? len - off : payload;

		rc = scp03t_wrap_one(t, pkg + off, n, scratch, maxs, out, err);
		if (rc) {
			rt_err_wrap(err, "segment %zu at offset %zu", *count + 1, off);
			break;
		}
		if (marks && *count < nmarks) {
			memcpy(marks[*count].chain, t->s.chain, RT_SCP03_BLOCK);
			marks[*count].counter = t->s.counter;
		}
		off += n;
		(*count)++;
	}
	OPENSSL_cleanse(scratch, payload + 2 * RT_SCP03_BLOCK);
	free(scratch);
	return rc;
}

/* R-MAC of a data response: per opts.rmac_input over the TLV header and the body. */
static int scp03t_rmac(struct rt_scp03t *t, const uint8_t *hdr, size_t hlen,
		       const uint8_t *body, size_t blen, uint8_t *mac, struct rt_err *err)
{
	if (t->opts.rmac_input == RT_SCP03T_RMAC_DATA)
		return rt_scp03_rmac(&t->s, t->cx, body, blen, NULL, 0, mac, err);
	return rt_scp03_rmac(&t->s, t->cx, hdr, hlen, body, blen, mac, err);
}

int rt_scp03t_host_unwrap_for(struct rt_scp03t *t, const struct rt_scp03t_mark *mark,
			      const uint8_t *tlv, size_t len, struct rt_buf *out,
			      struct rt_err *err)
{
	uint8_t chain[RT_SCP03_BLOCK];
	uint64_t counter = t->s.counter;
	int rc;

	if (!mark)
		return rt_scp03t_host_unwrap(t, tlv, len, out, err);
	memcpy(chain, t->s.chain, RT_SCP03_BLOCK);
	memcpy(t->s.chain, mark->chain, RT_SCP03_BLOCK);
	t->s.counter = mark->counter;
	rc = rt_scp03t_host_unwrap(t, tlv, len, out, err);
	if (t->s.state == RT_SCP03_ST_OPEN) {
		memcpy(t->s.chain, chain, RT_SCP03_BLOCK);
		t->s.counter = counter;
	}
	OPENSSL_cleanse(chain, sizeof(chain));
	return rc;
}

int rt_scp03t_host_unwrap(struct rt_scp03t *t, const uint8_t *tlv, size_t len,
			  struct rt_buf *out, struct rt_err *err)
{
	struct rt_scp03 *s = &t->s;
	uint8_t mac[RT_SCP03_CH_MAX];
	struct rt_tlv x;
	size_t blen, n;
	uint8_t *plain;
	int rc;

	if (s->role != RT_SCP03_HOST || s->state != RT_SCP03_ST_OPEN)
		return rt_err_set(err, RT_ESTATE, "SCP03t: no open session to unwrap in");
	rc = scp03t_one(tlv, len, &x, err);
	if (rc)
		return rc;
	if (x.tag == 0x9F46) {
		scp03t_close(t);
		return scp03t_error_rsp(t, &x, "data (86)", err);
	}
	if (x.tag != RT_SCP03T_TAG_DATA)
		return rt_err_set(err, RT_EPROTO, "SCP03t: answer to 86 is a %X TLV",
				  (unsigned)x.tag);
	if (x.len == 0 && !t->opts.rmac_on_empty)
		return 0; /* 86 00: accepted, nothing to return (CSDN, WHTY-SR) */
	if (!(s->sl & RT_SCP03_SL_RMAC))
		return rt_buf_append(out, x.value, x.len) ?
			       rt_err_set(err, RT_ENOMEM, "SCP03t: response does not fit") :
			       0;
	if (x.len < s->s)
		return rt_err_set(err, RT_EPROTO, "SCP03t: 86 response of %zu bytes has no room "
				  "for the R-MAC", x.len);
	blen = x.len - s->s;
	rc = scp03t_rmac(t, tlv, x.hdr_len, x.value, blen, mac, err);
	if (rc)
		return rc;
	if (!rt_crypto_memeq(mac, x.value + blen, s->s)) {
		scp03t_close(t);
		return rt_err_set(err, RT_ECRYPTO, "R-MAC mismatch on an 86 response of %zu bytes",
				  blen);
	}
	if (!(s->sl & RT_SCP03_SL_RENC) || blen == 0)
		return rt_buf_append(out, x.value, blen) ?
			       rt_err_set(err, RT_ENOMEM, "SCP03t: response does not fit") :
			       0;
	plain = malloc(blen);
	if (!plain)
		return rt_err_set(err, RT_ENOMEM, "SCP03t: out of memory");
	rc = rt_scp03_decrypt(s, t->cx, 1, x.value, blen, plain, blen, &n, err);
	if (rc) {
		scp03t_close(t);
		rt_err_wrap(err, "R-ENC");
	} else if (rt_buf_append(out, plain, n)) {
		rc = rt_err_set(err, RT_ENOMEM, "SCP03t: response does not fit");
	}
	OPENSSL_cleanse(plain, blen);
	free(plain);
	return rc;
}

/* ---- card ------------------------------------------------------------------------------ */

/* Appends the error TLV for tag, closes what must close, returns rc. */
static int scp03t_fail(struct rt_scp03t *t, uint8_t tag, uint8_t reason, int close,
		       struct rt_buf *rsp, int rc, struct rt_err *err)
{
	struct rt_err e2 = {0};

	t->last_reason = reason;
	if (close)
		scp03t_close(t);
	if (rt_scp03t_error_tlv(tag, reason, rsp, &e2))
		return rt_err_set(err, RT_ENOMEM, "SCP03t: error TLV does not fit the output");
	return rc;
}

static int scp03t_card_iu(struct rt_scp03t *t, const struct rt_tlv *x, struct rt_buf *rsp,
			  struct rt_err *err)
{
	uint8_t apdu[5 + RT_SCP03_CH_MAX + 1], r[RT_SCP03_IU_RESP_MAX + 2];
	size_t chlen, n;
	uint16_t sw;
	int rc;

	if (x->len != 2 + 8 && x->len != 2 + 16)
		return scp03t_fail(t, RT_SCP03T_TAG_IU, RT_SCP03T_R_LENGTH, 0, rsp,
				   rt_err_set(err, RT_EPROTO, "SCP03t: 84 of %zu bytes", x->len), err);
	rt_scp03_cx_free(t->cx);
	t->cx = NULL;
	t->need_rsp = 0;
	chlen = x->len - 2;
	apdu[0] = 0x80;
	apdu[1] = 0x50;
	apdu[2] = x->value[0];
	apdu[3] = x->value[1];
	apdu[4] = (uint8_t)chlen;
	memcpy(apdu + 5, x->value + 2, chlen);
	apdu[5 + chlen] = 0x00;
	rc = rt_scp03_card_iu(&t->s, apdu, 6 + chlen, t->has_card_random ? t->card_random : NULL,
			      r, sizeof(r), &n, &sw, err);
	t->has_card_random = 0;
	if (rc)
		return scp03t_fail(t, RT_SCP03T_TAG_IU,
				   sw == RT_SCP03_SW_REF_NOT_FOUND ? RT_SCP03T_R_NOT_FOUND :
				   rc == RT_ERANGE		   ? RT_SCP03T_R_SECURITY :
								     RT_SCP03T_R_LENGTH,
				   0, rsp, rc, err);
	return rt_tlv_put(rsp, RT_SCP03T_TAG_IU, r, n - 2, err);
}

static int scp03t_card_ea(struct rt_scp03t *t, const uint8_t *cmd, const struct rt_tlv *x,
			  struct rt_buf *rsp, struct rt_err *err)
{
	struct rt_scp03 *s = &t->s;
	uint8_t order = scp03t_reason(t->opts.reason_order, RT_SCP03T_R_SECURITY);
	int rc;

	if (s->state != RT_SCP03_ST_IU)
		return scp03t_fail(t, RT_SCP03T_TAG_EA, order, 1, rsp,
				   rt_err_set(err, RT_ESTATE, "SCP03t: 85 without a preceding 84"),
				   err);
	if (x->len != 1 + 2 * s->s)
		return scp03t_fail(t, RT_SCP03T_TAG_EA, RT_SCP03T_R_LENGTH, 1, rsp,
				   rt_err_set(err, RT_EPROTO, "SCP03t: 85 of %zu bytes (want %zu)",
					      x->len, 1 + 2 * s->s),
				   err);
	rc = rt_scp03_sl_check(s, x->value[0], err);
	if (rc)
		return scp03t_fail(t, RT_SCP03T_TAG_EA, RT_SCP03T_R_LENGTH, 1, rsp, rc, err);
	if (!rt_crypto_memeq(x->value + 1, s->host_cryptogram, s->s))
		return scp03t_fail(t, RT_SCP03T_TAG_EA, RT_SCP03T_R_SECURITY, 1, rsp,
				   rt_err_set(err, RT_ECRYPTO, "host cryptogram mismatch"), err);
	memset(s->chain, 0, sizeof(s->chain));
	rc = rt_scp03_cmac_verify(s, NULL, cmd, x->hdr_len + 1, x->value + 1, s->s,
				  x->value + 1 + s->s, "C-MAC of 85 (EXTERNAL AUTHENTICATE)", err);
	if (rc)
		return scp03t_fail(t, RT_SCP03T_TAG_EA, RT_SCP03T_R_SECURITY, 1, rsp, rc, err);
	s->sl = x->value[0];
	s->counter = 0;
	s->rsp_ok = 0;
	s->state = RT_SCP03_ST_OPEN;
	rc = scp03t_open_cx(t, err);
	if (rc)
		return rc;
	return rt_tlv_put(rsp, RT_SCP03T_TAG_EA, NULL, 0, err);
}

static int scp03t_card_data(struct rt_scp03t *t, const uint8_t *cmd, const struct rt_tlv *x,
			    struct rt_buf *plain, struct rt_buf *rsp, struct rt_err *err)
{
	struct rt_scp03 *s = &t->s;
	uint8_t order = scp03t_reason(t->opts.reason_order, RT_SCP03T_R_SECURITY);
	uint8_t padr = scp03t_reason(t->opts.reason_padding, RT_SCP03T_R_SECURITY);
	uint8_t *dec = NULL;
	size_t blen, n = 0;
	int rc;

	if (s->state != RT_SCP03_ST_OPEN)
		return scp03t_fail(t, RT_SCP03T_TAG_DATA, order, 0, rsp,
				   rt_err_set(err, RT_ESTATE, "SCP03t: 86 outside an open session"),
				   err);
	t->need_rsp = 0;
	s->rsp_ok = 0;
	rc = rt_scp03_counter_next(s, err);
	if (rc)
		return scp03t_fail(t, RT_SCP03T_TAG_DATA, RT_SCP03T_R_SECURITY, 1, rsp, rc, err);
	if (!(s->sl & RT_SCP03_SL_CMAC)) {
		blen = x->len;
		if (plain->len + blen > scp03t_reassembly_max(t) ||
		    rt_buf_append(plain, x->value, blen))
			return scp03t_fail(t, RT_SCP03T_TAG_DATA, RT_SCP03T_R_LENGTH, 1, rsp,
					   rt_err_set(err, RT_ENOMEM, "SCP03t: package too large"),
					   err);
		s->rsp_ok = 1;
		t->need_rsp = 1;
		return 0;
	}
	if (x->len < s->s)
		return scp03t_fail(t, RT_SCP03T_TAG_DATA, RT_SCP03T_R_LENGTH, 1, rsp,
				   rt_err_set(err, RT_EPROTO, "SCP03t: 86 of %zu bytes has no room "
					      "for the C-MAC", x->len),
				   err);
	blen = x->len - s->s;
	rc = rt_scp03_cmac_verify(s, t->cx, cmd, x->hdr_len, x->value, blen, x->value + blen,
				  "C-MAC of 86", err);
	if (rc)
		return scp03t_fail(t, RT_SCP03T_TAG_DATA, RT_SCP03T_R_SECURITY, 1, rsp, rc, err);
	if ((s->sl & RT_SCP03_SL_CDEC) && blen) {
		if (blen % RT_SCP03_BLOCK)
			return scp03t_fail(t, RT_SCP03T_TAG_DATA, RT_SCP03T_R_LENGTH, 1, rsp,
					   rt_err_set(err, RT_EPROTO, "SCP03t: %zu encrypted bytes, "
						      "not a multiple of 16", blen),
					   err);
		dec = malloc(blen);
		if (!dec)
			return rt_err_set(err, RT_ENOMEM, "SCP03t: out of memory");
		rc = rt_scp03_decrypt(s, t->cx, 0, x->value, blen, dec, blen, &n, err);
		if (rc) {
			free(dec);
			return scp03t_fail(t, RT_SCP03T_TAG_DATA, padr, 1, rsp,
					   rt_err_wrap(err, "86 C-DECRYPTION"), err);
		}
	}
	if (plain->len + (dec ? n : blen) > scp03t_reassembly_max(t) ||
	    rt_buf_append(plain, dec ? dec : x->value, dec ? n : blen))
		rc = rt_err_set(err, RT_ENOMEM, "SCP03t: reassembled package over %zu bytes",
				scp03t_reassembly_max(t));
	if (dec) {
		OPENSSL_cleanse(dec, blen);
		free(dec);
	}
	if (rc)
		return scp03t_fail(t, RT_SCP03T_TAG_DATA, RT_SCP03T_R_LENGTH, 1, rsp, rc, err);
	s->rsp_ok = 1;
	t->need_rsp = 1;
	return 0;
}

int rt_scp03t_card_command(struct rt_scp03t *t, const uint8_t *cmd, size_t len,
			   size_t *consumed, struct rt_buf *plain, struct rt_buf *rsp,
			   struct rt_err *err)
{
	struct rt_tlv x;
	int rc;

	*consumed = len;
	if (t->s.role != RT_SCP03_CARD)
		return rt_err_set(err, RT_ESTATE, "SCP03t: not a card session");
	if (len == 0)
		return rt_err_set(err, RT_EPROTO, "SCP03t: empty command");
	rc = rt_tlv_decode(cmd, len, 0, 0, 0, &x, err);
	if (rc) {
		/* A truncated or malformed TLV: answer with the error of its tag if known. */
		uint8_t tag = cmd[0];

		if (tag >= RT_SCP03T_TAG_IU && tag <= RT_SCP03T_TAG_DATA) {
			t->last_tag = tag;
			return scp03t_fail(t, tag, RT_SCP03T_R_LENGTH, tag != RT_SCP03T_TAG_IU, rsp,
					   rc, err);
		}
		return rc;
	}
	*consumed = x.total_len;
	switch (x.tag) {
	case RT_SCP03T_TAG_IU:
		t->last_tag = RT_SCP03T_TAG_IU;
		return scp03t_card_iu(t, &x, rsp, err);
	case RT_SCP03T_TAG_EA:
		t->last_tag = RT_SCP03T_TAG_EA;
		return scp03t_card_ea(t, cmd, &x, rsp, err);
	case RT_SCP03T_TAG_DATA:
		t->last_tag = RT_SCP03T_TAG_DATA;
		return scp03t_card_data(t, cmd, &x, plain, rsp, err);
	default:
		return rt_err_set(err, RT_EPROTO, "SCP03t: command tag %X is not 84, 85 or 86",
				  (unsigned)x.tag);
	}
}

int rt_scp03t_card_response(struct rt_scp03t *t, const uint8_t *data, size_t len,
			    struct rt_buf *rsp, struct rt_err *err)
{
	struct rt_scp03 *s = &t->s;
	uint8_t hdr[1 + RT_TLV_LEN_MAX], mac[RT_SCP03_CH_MAX];
	uint8_t *enc = NULL;
	const uint8_t *body = data;
	size_t blen = len, nl, maclen;
	int rc;

	if (!t->need_rsp || s->state != RT_SCP03_ST_OPEN || !s->rsp_ok)
		return rt_err_set(err, RT_ESTATE, "SCP03t: no accepted 86 to answer");
	t->need_rsp = 0;
	s->rsp_ok = 0;
	if (len == 0 && !t->opts.rmac_on_empty)
		return rt_tlv_put(rsp, RT_SCP03T_TAG_DATA, NULL, 0, err);
	maclen = (s->sl & RT_SCP03_SL_RMAC) ? s->s : 0;
	if ((s->sl & RT_SCP03_SL_RENC) && len) {
		enc = malloc(len + RT_SCP03_BLOCK);
		if (!enc)
			return rt_err_set(err, RT_ENOMEM, "SCP03t: out of memory");
		rc = rt_scp03_encrypt(s, t->cx, 1, data, len, enc, len + RT_SCP03_BLOCK, &blen, err);
		if (rc)
			goto out;
		body = enc;
	}
	hdr[0] = RT_SCP03T_TAG_DATA;
	rc = rt_tlv_len_encode(blen + maclen, hdr + 1, &nl, err);
	if (rc)
		goto out;
	if (maclen) {
		rc = scp03t_rmac(t, hdr, 1 + nl, body, blen, mac, err);
		if (rc)
			goto out;
	}
	if (rt_buf_append(rsp, hdr, 1 + nl) || rt_buf_append(rsp, body, blen) ||
	    rt_buf_append(rsp, mac, maclen))
		rc = rt_err_set(err, RT_ENOMEM, "SCP03t: 86 response does not fit the output");
out:
	if (enc) {
		OPENSSL_cleanse(enc, len + RT_SCP03_BLOCK);
		free(enc);
	}
	return rc;
}
