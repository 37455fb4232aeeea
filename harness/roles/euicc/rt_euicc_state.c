/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_state — the card state model and its encoding; see rt_euicc_state.h.
 *
 * Encoding: one constructed TLV 'E0' (BER-TLV, harness/codec/rt_tlv) holding the
 * version and one TLV per field; repeated items (keysets, ISD-Ps, notifications) are
 * constructed TLVs of their own. Every field has a fixed tag and an exact or maximum
 * length, checked on decode. Unknown tags are refused: this is our own file format
 * and a mismatch means damage, not a newer writer (the version says that, and it is
 * read before anything else, so a newer document is RT_ENOTSUP, never "unknown tag").
 *
 * Every field the encoder writes is written every time (optional ones with an empty
 * value: no ICCID, no package, no SCP03 keyset), and the decoder requires each one
 * exactly once in its scope, in definite minimal-length form. So any damaged tag shows
 * up as unknown, repeated or missing instead of silently moving bytes into another
 * field. The model's invariants are checked too (AIDs and KVNs unique, at most one
 * enabled, one fall-back and one emergency ISD-P, never both attributes on one). */
#include "roles/euicc/rt_euicc_state.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "codec/rt_tlv.h"

enum {
	T_DOC = 0xE0,
	T_VERSION = 0x80, T_SMSR_ADDR = 0x82, T_MEM_TOTAL = 0x83, T_NEXT_SEQ = 0x84,
	T_DECLARED = 0x85,
	T_SCP80 = 0xA1, T_ISDP = 0xA2, T_NOTIF = 0xA3, T_ROLLBACK = 0xA4,
	/* inside A1 */
	T_K_KVN = 0x80, T_K_KIC_ALG = 0x81, T_K_KID_ALG = 0x82, T_K_KIC = 0x83, T_K_KID = 0x84,
	T_K_DEK = 0x85, T_K_CNTR = 0x86,
	/* inside A2 */
	T_P_STATE = 0x80, T_P_AID = 0x81, T_P_TAR = 0x82, T_P_ICCID = 0x83, T_P_FALLBACK = 0x84,
	T_P_POL1 = 0x85, T_P_QUOTA = 0x86, T_P_USED = 0x87, T_P_SCP03 = 0xA8, T_P_CONN = 0x89,
	T_P_PKG = 0x8A, T_P_EMERGENCY = 0x8B,
	/* inside A8 */
	T_S_KVN = 0x80, T_S_ENC = 0x81, T_S_MAC = 0x82, T_S_DEK = 0x83, T_S_SEQ = 0x84,
	/* inside A3 */
	T_N_SEQ = 0x80, T_N_TYPE = 0x81, T_N_AID = 0x82, T_N_ATTEMPTS = 0x83,
	/* inside A4 */
	T_R_PENDING = 0x80, T_R_TO = 0x81, T_R_FROM = 0x82,
};

void rt_euicc_state_init(struct rt_euicc_state *st, uint32_t mem_total)
{
	memset(st, 0, sizeof(*st));
	st->version = RT_EUICC_STATE_VERSION;
	st->mem_total = mem_total;
	st->next_seq = 1;
}

void rt_euicc_state_free(struct rt_euicc_state *st)
{
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_ISDP; i++)
		free(st->isdp[i].pkg);
	OPENSSL_cleanse(st, sizeof(*st));
}

int rt_euicc_state_copy(struct rt_euicc_state *dst, const struct rt_euicc_state *src,
			struct rt_err *err)
{
	size_t i;

	*dst = *src;
	for (i = 0; i < RT_EUICC_MAX_ISDP; i++)
		dst->isdp[i].pkg = NULL;
	for (i = 0; i < RT_EUICC_MAX_ISDP; i++) {
		if (!src->isdp[i].pkg)
			continue;
		dst->isdp[i].pkg = malloc(src->isdp[i].pkg_len ? src->isdp[i].pkg_len : 1);
		if (!dst->isdp[i].pkg) {
			rt_euicc_state_free(dst);
			return rt_err_set(err, RT_ENOMEM, "copying the card state");
		}
		memcpy(dst->isdp[i].pkg, src->isdp[i].pkg, src->isdp[i].pkg_len);
	}
	return 0;
}

struct rt_euicc_isdp *rt_euicc_isdp_by_aid(struct rt_euicc_state *st, const uint8_t *aid,
					   size_t len)
{
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_ISDP; i++)
		if (st->isdp[i].state != RT_ISDP_FREE && st->isdp[i].aid_len == len &&
		    memcmp(st->isdp[i].aid, aid, len) == 0)
			return &st->isdp[i];
	return NULL;
}

struct rt_euicc_isdp *rt_euicc_isdp_by_tar(struct rt_euicc_state *st, const uint8_t tar[3])
{
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_ISDP; i++)
		if (st->isdp[i].state != RT_ISDP_FREE && memcmp(st->isdp[i].tar, tar, 3) == 0)
			return &st->isdp[i];
	return NULL;
}

struct rt_euicc_isdp *rt_euicc_isdp_enabled(struct rt_euicc_state *st)
{
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_ISDP; i++)
		if (st->isdp[i].state == RT_ISDP_ENABLED)
			return &st->isdp[i];
	return NULL;
}

struct rt_euicc_isdp *rt_euicc_isdp_fallback(struct rt_euicc_state *st)
{
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_ISDP; i++)
		if (st->isdp[i].state != RT_ISDP_FREE && st->isdp[i].fallback)
			return &st->isdp[i];
	return NULL;
}

struct rt_euicc_isdp *rt_euicc_isdp_emergency(struct rt_euicc_state *st)
{
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_ISDP; i++)
		if (st->isdp[i].state != RT_ISDP_FREE && st->isdp[i].emergency)
			return &st->isdp[i];
	return NULL;
}

uint32_t rt_euicc_mem_free(const struct rt_euicc_state *st)
{
	uint64_t used = 0;
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_ISDP; i++)
		if (st->isdp[i].state != RT_ISDP_FREE)
			used += st->isdp[i].mem_quota;
	return used >= st->mem_total ? 0 : (uint32_t)(st->mem_total - used);
}

/* ---- model invariants -------------------------------------------------------------- */

static int rt_valid_alg(unsigned v)
{
	return v <= RT_SCP80_ALG_CRC32;
}

static int rt_valid_isdp_state(unsigned v)
{
	return v == RT_ISDP_INSTALLED || v == RT_ISDP_SELECTABLE || v == RT_ISDP_PERSONALIZED ||
	       v == RT_ISDP_DISABLED || v == RT_ISDP_ENABLED;
}

/* The checks shared by encode (code RT_EINVAL: the card made a state it could not read
 * back) and decode (RT_EPROTO: the file is damaged). */
static int rt_state_check(const struct rt_euicc_state *st, int code, struct rt_err *err)
{
	size_t i, j, enabled = 0, fallback = 0, emergency = 0;

	for (i = 0; i < RT_EUICC_MAX_SCP80; i++) {
		const struct rt_euicc_scp80_keyset *k = &st->scp80[i];

		if (!k->kvn)
			continue;
		/* TS 102 225 / facts §1.10: SCP80 keysets are 01..0F. */
		if (k->kvn > 0x0F)
			return rt_err_set(err, code, "card state: SCP80 KVN %02X (01..0F)", k->kvn);
		if (!rt_valid_alg((unsigned)k->kic_alg) || !rt_valid_alg((unsigned)k->kid_alg))
			return rt_err_set(err, code, "card state: SCP80 keyset %02X: unknown algorithm",
					  k->kvn);
		if (k->kic_len > sizeof(k->kic) || k->kid_len > sizeof(k->kid) ||
		    k->dek_len > sizeof(k->dek))
			return rt_err_set(err, code, "card state: SCP80 keyset %02X: key over %zu bytes",
					  k->kvn, sizeof(k->kic));
		for (j = 0; j < i; j++)
			if (st->scp80[j].kvn == k->kvn)
				return rt_err_set(err, code, "card state: two SCP80 keysets %02X", k->kvn);
	}
	if (st->smsr_addr_len > sizeof(st->smsr_addr))
		return rt_err_set(err, code, "card state: SM-SR addressing parameters of %u bytes",
				  st->smsr_addr_len);
	for (i = 0; i < RT_EUICC_MAX_ISDP; i++) {
		const struct rt_euicc_isdp *p = &st->isdp[i];

		if (p->state == RT_ISDP_FREE)
			continue;
		if (!rt_valid_isdp_state((unsigned)p->state))
			return rt_err_set(err, code, "card state: ISD-P state %02X", (unsigned)p->state);
		/* ISO 7816-5: an AID is 5 to 16 bytes. */
		if (p->aid_len < 5 || p->aid_len > sizeof(p->aid))
			return rt_err_set(err, code, "card state: ISD-P AID of %u bytes (5..16)",
					  p->aid_len);
		if (p->pol1_len > sizeof(p->pol1) || p->conn_len > sizeof(p->conn))
			return rt_err_set(err, code, "card state: ISD-P POL1 or connectivity parameters over %zu bytes",
					  sizeof(p->pol1));
		if (p->pkg && p->pkg_len > RT_EUICC_PKG_MAX)
			return rt_err_set(err, code, "card state: profile package of %u bytes (at most %u)",
					  p->pkg_len, RT_EUICC_PKG_MAX);
		/* GP Amd D: SCP03 uses AES-128, -192 or -256 keys. */
		if (p->scp03.kvn && p->scp03.key_len != 16 && p->scp03.key_len != 24 &&
		    p->scp03.key_len != 32)
			return rt_err_set(err, code, "card state: SCP03 keys of %u bytes (16, 24 or 32)",
					  p->scp03.key_len);
		for (j = 0; j < i; j++)
			if (st->isdp[j].state != RT_ISDP_FREE && st->isdp[j].aid_len == p->aid_len &&
			    memcmp(st->isdp[j].aid, p->aid, p->aid_len) == 0)
				return rt_err_set(err, code, "card state: two ISD-Ps with the same AID");
		/* SGP.02 3.25 (EKN 08): Fall-Back and Emergency attributes are mutually
		 * exclusive on one profile. */
		if (p->fallback && p->emergency)
			return rt_err_set(err, code, "card state: an ISD-P with both the fall-back "
					  "and the emergency attribute");
		enabled += p->state == RT_ISDP_ENABLED;
		fallback += p->fallback != 0;
		emergency += p->emergency != 0;
	}
	/* SGP.02 2.2.1 / 3.x: one profile enabled at a time, one fall-back attribute. */
	if (enabled > 1)
		return rt_err_set(err, code, "card state: %zu ISD-Ps enabled (at most 1)", enabled);
	if (fallback > 1)
		return rt_err_set(err, code, "card state: %zu ISD-Ps with the fall-back attribute (at most 1)",
				  fallback);
	/* SGP.02 3.25: one profile holds the Emergency Profile Attribute. */
	if (emergency > 1)
		return rt_err_set(err, code, "card state: %zu ISD-Ps with the emergency attribute (at most 1)",
				  emergency);
	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++)
		if (st->notif[i].used && st->notif[i].aid_len > sizeof(st->notif[i].aid))
			return rt_err_set(err, code, "card state: notification AID of %u bytes",
					  st->notif[i].aid_len);
	if (st->rollback_to_len > sizeof(st->rollback_to) ||
	    st->rollback_from_len > sizeof(st->rollback_from))
		return rt_err_set(err, code, "card state: roll-back AID over %zu bytes",
				  sizeof(st->rollback_to));
	return 0;
}

int rt_euicc_state_check(const struct rt_euicc_state *st, struct rt_err *err)
{
	return rt_state_check(st, RT_EINVAL, err);
}

/* ---- encode ------------------------------------------------------------------------ */

static int rt_put_u(struct rt_buf *b, uint32_t tag, uint64_t v, size_t n, struct rt_err *err)
{
	uint8_t x[8];
	size_t i;

	for (i = 0; i < n; i++)
		x[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return rt_tlv_put(b, tag, x, n, err);
}

/* Appends a constructed TLV whose content is inner (then wiped and emptied). */
static int rt_put_inner(struct rt_buf *b, uint32_t tag, struct rt_buf *inner, struct rt_err *err)
{
	int rc = rt_tlv_put(b, tag, inner->data, inner->len, err);

	if (inner->data)
		OPENSSL_cleanse(inner->data, inner->len);
	rt_buf_reset(inner);
	return rc;
}

static int rt_enc_scp80(const struct rt_euicc_scp80_keyset *k, struct rt_buf *in,
			struct rt_err *err)
{
	int rc;

	if ((rc = rt_put_u(in, T_K_KVN, k->kvn, 1, err)) ||
	    (rc = rt_put_u(in, T_K_KIC_ALG, (uint64_t)k->kic_alg, 1, err)) ||
	    (rc = rt_put_u(in, T_K_KID_ALG, (uint64_t)k->kid_alg, 1, err)) ||
	    (rc = rt_tlv_put(in, T_K_KIC, k->kic, k->kic_len, err)) ||
	    (rc = rt_tlv_put(in, T_K_KID, k->kid, k->kid_len, err)) ||
	    (rc = rt_tlv_put(in, T_K_DEK, k->dek, k->dek_len, err)) ||
	    (rc = rt_tlv_put(in, T_K_CNTR, k->cntr, 5, err)))
		return rc;
	return 0;
}

static int rt_enc_isdp(const struct rt_euicc_isdp *p, struct rt_buf *in, struct rt_err *err)
{
	struct rt_buf s;
	int rc;

	/* Optional parts are written empty when absent (see the top of the file). */
	if ((rc = rt_put_u(in, T_P_STATE, p->state, 1, err)) ||
	    (rc = rt_tlv_put(in, T_P_AID, p->aid, p->aid_len, err)) ||
	    (rc = rt_tlv_put(in, T_P_TAR, p->tar, 3, err)) ||
	    (rc = rt_tlv_put(in, T_P_ICCID, p->iccid, p->has_iccid ? 10 : 0, err)) ||
	    (rc = rt_put_u(in, T_P_FALLBACK, p->fallback ? 1 : 0, 1, err)) ||
	    (rc = rt_tlv_put(in, T_P_POL1, p->pol1, p->pol1_len, err)) ||
	    (rc = rt_put_u(in, T_P_QUOTA, p->mem_quota, 4, err)) ||
	    (rc = rt_put_u(in, T_P_USED, p->mem_used, 4, err)) ||
	    (rc = rt_tlv_put(in, T_P_CONN, p->conn, p->conn_len, err)) ||
	    (rc = rt_tlv_put(in, T_P_PKG, p->pkg, p->pkg ? p->pkg_len : 0, err)) ||
	    (rc = rt_put_u(in, T_P_EMERGENCY, p->emergency ? 1 : 0, 1, err)))
		return rc;
	rt_buf_init(&s, 256);
	if (p->scp03.kvn &&
	    ((rc = rt_put_u(&s, T_S_KVN, p->scp03.kvn, 1, err)) ||
	     (rc = rt_tlv_put(&s, T_S_ENC, p->scp03.enc, p->scp03.key_len, err)) ||
	     (rc = rt_tlv_put(&s, T_S_MAC, p->scp03.mac, p->scp03.key_len, err)) ||
	     (rc = rt_tlv_put(&s, T_S_DEK, p->scp03.dek, p->scp03.key_len, err)) ||
	     (rc = rt_tlv_put(&s, T_S_SEQ, p->scp03.seq, 3, err))))
		goto out;
	rc = rt_put_inner(in, T_P_SCP03, &s, err);
out:
	if (s.data)
		OPENSSL_cleanse(s.data, s.len);
	rt_buf_free(&s);
	return rc;
}

int rt_euicc_state_encode(const struct rt_euicc_state *st, struct rt_buf *out, struct rt_err *err)
{
	struct rt_buf doc, in;
	size_t i;
	int rc = 0;

	rt_buf_init(&doc, RT_EUICC_STATE_MAX);
	rt_buf_init(&in, RT_EUICC_PKG_MAX + 4096);
	/* Never write what the decoder would refuse: the card could not start again. */
	if ((rc = rt_state_check(st, RT_EINVAL, err)))
		goto out;
	if ((rc = rt_put_u(&doc, T_VERSION, RT_EUICC_STATE_VERSION, 4, err)))
		goto out;
	for (i = 0; i < RT_EUICC_MAX_SCP80; i++) {
		if (!st->scp80[i].kvn)
			continue;
		if ((rc = rt_enc_scp80(&st->scp80[i], &in, err)) ||
		    (rc = rt_put_inner(&doc, T_SCP80, &in, err)))
			goto out;
	}
	if ((rc = rt_tlv_put(&doc, T_SMSR_ADDR, st->smsr_addr, st->smsr_addr_len, err)) ||
	    (rc = rt_put_u(&doc, T_MEM_TOTAL, st->mem_total, 4, err)) ||
	    (rc = rt_put_u(&doc, T_NEXT_SEQ, st->next_seq, 2, err)) ||
	    (rc = rt_put_u(&doc, T_DECLARED, st->declared ? 1 : 0, 1, err)))
		goto out;
	for (i = 0; i < RT_EUICC_MAX_ISDP; i++) {
		if (st->isdp[i].state == RT_ISDP_FREE)
			continue;
		if ((rc = rt_enc_isdp(&st->isdp[i], &in, err)) ||
		    (rc = rt_put_inner(&doc, T_ISDP, &in, err)))
			goto out;
	}
	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++) {
		const struct rt_euicc_notif *n = &st->notif[i];

		if (!n->used)
			continue;
		if ((rc = rt_put_u(&in, T_N_SEQ, n->seq, 2, err)) ||
		    (rc = rt_put_u(&in, T_N_TYPE, n->type, 1, err)) ||
		    (rc = rt_tlv_put(&in, T_N_AID, n->aid, n->aid_len, err)) ||
		    (rc = rt_put_u(&in, T_N_ATTEMPTS, n->attempts, 1, err)) ||
		    (rc = rt_put_inner(&doc, T_NOTIF, &in, err)))
			goto out;
	}
	if ((rc = rt_put_u(&in, T_R_PENDING, st->change_pending ? 1 : 0, 1, err)) ||
	    (rc = rt_tlv_put(&in, T_R_TO, st->rollback_to, st->rollback_to_len, err)) ||
	    (rc = rt_tlv_put(&in, T_R_FROM, st->rollback_from, st->rollback_from_len, err)) ||
	    (rc = rt_put_inner(&doc, T_ROLLBACK, &in, err)))
		goto out;
	rc = rt_tlv_put(out, T_DOC, doc.data, doc.len, err);
out:
	if (rc == RT_ENOMEM && err && !err->msg[0])
		rt_err_set(err, RT_ENOMEM, "card state larger than %u bytes", RT_EUICC_STATE_MAX);
	if (doc.data)
		OPENSSL_cleanse(doc.data, doc.len);
	if (in.data)
		OPENSSL_cleanse(in.data, in.len);
	rt_buf_free(&doc);
	rt_buf_free(&in);
	return rc;
}

int rt_euicc_state_equal(const struct rt_euicc_state *a, const struct rt_euicc_state *b,
			 struct rt_err *err)
{
	struct rt_buf ea, eb;
	int rc;

	rt_buf_init(&ea, RT_EUICC_STATE_FILE_MAX);
	rt_buf_init(&eb, RT_EUICC_STATE_FILE_MAX);
	rc = rt_euicc_state_encode(a, &ea, err);
	if (!rc)
		rc = rt_euicc_state_encode(b, &eb, err);
	if (!rc)
		rc = ea.len == eb.len && (ea.len == 0 || memcmp(ea.data, eb.data, ea.len) == 0);
	if (ea.data)
		OPENSSL_cleanse(ea.data, ea.len);
	if (eb.data)
		OPENSSL_cleanse(eb.data, eb.len);
	rt_buf_free(&ea);
	rt_buf_free(&eb);
	return rc;
}

/* ---- decode ------------------------------------------------------------------------ */

/* Next TLV of a scope, refusing the forms the encoder never writes: indefinite length
 * and non-minimal length encodings (X.690 allows them; a state file never has them). */
static int rt_next(struct rt_tlv_iter *it, struct rt_tlv *t, const char *where, struct rt_err *err)
{
	int rc = rt_tlv_next(it, t, err);

	if (rc)
		return rt_err_wrap(err, "card state, %s", where);
	if (t->indefinite || t->hdr_len != t->tag_len + rt_tlv_len_size(t->len))
		return rt_err_set(err, RT_EPROTO,
				  "card state: tag %X at offset %zu in %s has a non-minimal length", t->tag,
				  t->offset, where);
	return 0;
}

/* Records that field `bit` was seen; a repeated field is damage. */
static int rt_once(unsigned *seen, unsigned bit, const struct rt_tlv *t, const char *where,
		   struct rt_err *err)
{
	if (*seen & (1u << bit))
		return rt_err_set(err, RT_EPROTO, "card state: tag %X repeated at offset %zu in %s",
				  t->tag, t->offset, where);
	*seen |= 1u << bit;
	return 0;
}

static int rt_unknown(const struct rt_tlv *t, const char *where, struct rt_err *err);

/* The next field of a scope whose tags run first..last: minimal length, known, not seen
 * before (field number = tag - first). */
static int rt_next_field(struct rt_tlv_iter *it, struct rt_tlv *t, uint32_t first, uint32_t last,
			 unsigned *seen, const char *where, struct rt_err *err)
{
	int rc = rt_next(it, t, where, err);

	if (rc)
		return rc;
	if (t->tag < first || t->tag > last)
		return rt_unknown(t, where, err);
	return rt_once(seen, t->tag - first, t, where, err);
}

/* Every field of a scope must be there: names[i] is field i (NULL ends the list). */
static int rt_all_seen(unsigned seen, const char *const *names, const char *where,
		       struct rt_err *err)
{
	unsigned i;

	for (i = 0; names[i]; i++)
		if (!(seen & (1u << i)))
			return rt_err_set(err, RT_EPROTO, "card state: %s without %s", where, names[i]);
	return 0;
}

/* Copies a field of length between lo and hi into dst; *n gets the length. */
static int rt_get_bytes(const struct rt_tlv *t, uint8_t *dst, size_t lo, size_t hi, size_t *n,
			const char *what, struct rt_err *err)
{
	if (t->len < lo || t->len > hi)
		return rt_err_set(err, RT_EPROTO, "card state: %s has %zu bytes (%zu..%zu) at offset %zu",
				  what, t->len, lo, hi, t->offset);
	if (t->len)
		memcpy(dst, t->value, t->len);
	if (n)
		*n = t->len;
	return 0;
}

static int rt_get_u(const struct rt_tlv *t, size_t n, uint64_t *v, const char *what,
		    struct rt_err *err)
{
	size_t i;

	if (t->len != n)
		return rt_err_set(err, RT_EPROTO, "card state: %s has %zu bytes (%zu) at offset %zu",
				  what, t->len, n, t->offset);
	*v = 0;
	for (i = 0; i < n; i++)
		*v = *v << 8 | t->value[i];
	return 0;
}

/* A one-byte flag: 00 or 01 (anything else is damage, not "true"). */
static int rt_get_flag(const struct rt_tlv *t, int *out, const char *what, struct rt_err *err)
{
	uint64_t v = 0;
	int rc = rt_get_u(t, 1, &v, what, err);

	if (rc)
		return rc;
	if (v > 1)
		return rt_err_set(err, RT_EPROTO, "card state: %s is %02X (00 or 01)", what, (unsigned)v);
	*out = (int)v;
	return 0;
}

static int rt_unknown(const struct rt_tlv *t, const char *where, struct rt_err *err)
{
	return rt_err_set(err, RT_EPROTO, "card state: unknown tag %X at offset %zu in %s", t->tag,
			  t->offset, where);
}

static const char *const rt_scp80_fields[] = { "KVN", "KIc algorithm", "KID algorithm", "KIc",
					       "KID", "DEK", "counter", NULL };

static int rt_dec_scp80(const struct rt_tlv *c, struct rt_euicc_scp80_keyset *k,
			struct rt_err *err)
{
	static const char where[] = "an SCP80 keyset";
	struct rt_tlv_iter it;
	struct rt_tlv t;
	uint64_t v = 0;
	size_t n = 0;
	unsigned seen = 0;
	int rc;

	if ((rc = rt_tlv_iter_init_children(&it, c, 1, 0, err)))
		return rc;
	while (!rt_tlv_iter_done(&it)) {
		if ((rc = rt_next_field(&it, &t, T_K_KVN, T_K_CNTR, &seen, where, err)))
			return rc;
		switch (t.tag) {
		case T_K_KVN:
			if ((rc = rt_get_u(&t, 1, &v, "SCP80 KVN", err)))
				return rc;
			if (v < 1 || v > 0x0F)
				return rt_err_set(err, RT_EPROTO, "card state: SCP80 KVN %02X (01..0F)",
						  (unsigned)v);
			k->kvn = (uint8_t)v;
			break;
		case T_K_KIC_ALG:
		case T_K_KID_ALG:
			if ((rc = rt_get_u(&t, 1, &v, "SCP80 algorithm", err)))
				return rc;
			if (!rt_valid_alg((unsigned)v))
				return rt_err_set(err, RT_EPROTO, "card state: SCP80 algorithm %u", (unsigned)v);
			if (t.tag == T_K_KIC_ALG)
				k->kic_alg = (enum rt_scp80_alg)v;
			else
				k->kid_alg = (enum rt_scp80_alg)v;
			break;
		case T_K_KIC:
			if ((rc = rt_get_bytes(&t, k->kic, 0, sizeof(k->kic), &n, "KIc", err)))
				return rc;
			k->kic_len = (uint8_t)n;
			break;
		case T_K_KID:
			if ((rc = rt_get_bytes(&t, k->kid, 0, sizeof(k->kid), &n, "KID", err)))
				return rc;
			k->kid_len = (uint8_t)n;
			break;
		case T_K_DEK:
			if ((rc = rt_get_bytes(&t, k->dek, 0, sizeof(k->dek), &n, "DEK", err)))
				return rc;
			k->dek_len = (uint8_t)n;
			break;
		default: /* T_K_CNTR */
			if ((rc = rt_get_bytes(&t, k->cntr, 5, 5, NULL, "SCP80 counter", err)))
				return rc;
			break;
		}
	}
	return rt_all_seen(seen, rt_scp80_fields, where, err);
}

static const char *const rt_scp03_fields[] = { "KVN", "S-ENC", "S-MAC", "DEK",
					       "sequence counter", NULL };

static int rt_dec_scp03(const struct rt_tlv *c, struct rt_euicc_scp03_keyset *k,
			struct rt_err *err)
{
	static const char where[] = "an SCP03 keyset";
	struct rt_tlv_iter it;
	struct rt_tlv t;
	uint64_t v = 0;
	size_t n = 0;
	unsigned seen = 0;
	int rc;

	if (c->len == 0)
		return 0; /* no keyset yet (written empty) */
	if ((rc = rt_tlv_iter_init_children(&it, c, 2, 0, err)))
		return rc;
	while (!rt_tlv_iter_done(&it)) {
		if ((rc = rt_next_field(&it, &t, T_S_KVN, T_S_SEQ, &seen, where, err)))
			return rc;
		switch (t.tag) {
		case T_S_KVN:
			if ((rc = rt_get_u(&t, 1, &v, "SCP03 KVN", err)))
				return rc;
			if (v == 0)
				return rt_err_set(err, RT_EPROTO, "card state: SCP03 KVN 00");
			k->kvn = (uint8_t)v;
			break;
		case T_S_ENC:
		case T_S_MAC:
		case T_S_DEK:
			if ((rc = rt_get_bytes(&t, t.tag == T_S_ENC ? k->enc : t.tag == T_S_MAC ? k->mac : k->dek,
					       16, 32, &n, "SCP03 key", err)))
				return rc;
			if (k->key_len && k->key_len != n)
				return rt_err_set(err, RT_EPROTO, "card state: SCP03 keys of different lengths");
			k->key_len = (uint8_t)n;
			break;
		default: /* T_S_SEQ */
			if ((rc = rt_get_bytes(&t, k->seq, 3, 3, NULL, "SCP03 sequence counter", err)))
				return rc;
			break;
		}
	}
	return rt_all_seen(seen, rt_scp03_fields, where, err);
}

static const char *const rt_isdp_fields[] = {
	"state", "AID", "TAR", "ICCID", "fall-back attribute", "POL1", "memory quota",
	"memory used", "SCP03 keyset", "connectivity parameters", "profile package",
	"emergency attribute", NULL,
};

static int rt_dec_isdp(const struct rt_tlv *c, struct rt_euicc_isdp *p, struct rt_err *err)
{
	static const char where[] = "an ISD-P";
	struct rt_tlv_iter it;
	struct rt_tlv t;
	uint64_t v = 0;
	size_t n = 0;
	unsigned seen = 0;
	int rc;

	if ((rc = rt_tlv_iter_init_children(&it, c, 1, 0, err)))
		return rc;
	while (!rt_tlv_iter_done(&it)) {
		if ((rc = rt_next(&it, &t, where, err)))
			return rc;
		/* 80..87, A8, 89, 8A, 8B; the low five bits number the fields. */
		if (!((t.tag >= T_P_STATE && t.tag <= T_P_USED) || t.tag == T_P_SCP03 ||
		      t.tag == T_P_CONN || t.tag == T_P_PKG || t.tag == T_P_EMERGENCY))
			return rt_unknown(&t, where, err);
		if ((rc = rt_once(&seen, t.tag & 0x1F, &t, where, err)))
			return rc;
		switch (t.tag) {
		case T_P_STATE:
			if ((rc = rt_get_u(&t, 1, &v, "ISD-P state", err)))
				return rc;
			if (!rt_valid_isdp_state((unsigned)v))
				return rt_err_set(err, RT_EPROTO, "card state: ISD-P state %02X", (unsigned)v);
			p->state = (enum rt_isdp_state)v;
			break;
		case T_P_AID:
			if ((rc = rt_get_bytes(&t, p->aid, 5, RT_EUICC_AID_MAX, &n, "ISD-P AID", err)))
				return rc;
			p->aid_len = (uint8_t)n;
			break;
		case T_P_TAR:
			if ((rc = rt_get_bytes(&t, p->tar, 3, 3, NULL, "ISD-P TAR", err)))
				return rc;
			break;
		case T_P_ICCID:
			if (t.len != 0 && t.len != 10)
				return rt_err_set(err, RT_EPROTO, "card state: ICCID has %zu bytes (0 or 10)",
						  t.len);
			if (t.len)
				memcpy(p->iccid, t.value, t.len);
			p->has_iccid = t.len == 10;
			break;
		case T_P_FALLBACK:
			if ((rc = rt_get_flag(&t, &p->fallback, "fall-back attribute", err)))
				return rc;
			break;
		case T_P_EMERGENCY:
			if ((rc = rt_get_flag(&t, &p->emergency, "emergency attribute", err)))
				return rc;
			break;
		case T_P_POL1:
			if ((rc = rt_get_bytes(&t, p->pol1, 0, RT_EUICC_PARAM_MAX, &n, "POL1", err)))
				return rc;
			p->pol1_len = (uint8_t)n;
			break;
		case T_P_QUOTA:
		case T_P_USED:
			if ((rc = rt_get_u(&t, 4, &v, "ISD-P memory", err)))
				return rc;
			if (t.tag == T_P_QUOTA)
				p->mem_quota = (uint32_t)v;
			else
				p->mem_used = (uint32_t)v;
			break;
		case T_P_SCP03:
			if ((rc = rt_dec_scp03(&t, &p->scp03, err)))
				return rc;
			break;
		case T_P_CONN:
			if ((rc = rt_get_bytes(&t, p->conn, 0, RT_EUICC_PARAM_MAX, &n,
					       "connectivity parameters", err)))
				return rc;
			p->conn_len = (uint8_t)n;
			break;
		default: /* T_P_PKG; empty = no package */
			if (t.len > RT_EUICC_PKG_MAX)
				return rt_err_set(err, RT_EPROTO, "card state: profile package of %zu bytes (at most %u)",
						  t.len, RT_EUICC_PKG_MAX);
			if (!t.len)
				break;
			p->pkg = malloc(t.len);
			if (!p->pkg)
				return rt_err_set(err, RT_ENOMEM, "card state: profile package");
			memcpy(p->pkg, t.value, t.len);
			p->pkg_len = (uint32_t)t.len;
			break;
		}
	}
	return rt_all_seen(seen, rt_isdp_fields, where, err);
}

static const char *const rt_notif_fields[] = { "sequence number", "type", "AID", "attempts",
					       NULL };

static int rt_dec_notif(const struct rt_tlv *c, struct rt_euicc_notif *no, struct rt_err *err)
{
	static const char where[] = "a notification";
	struct rt_tlv_iter it;
	struct rt_tlv t;
	uint64_t v = 0;
	size_t n = 0;
	unsigned seen = 0;
	int rc;

	if ((rc = rt_tlv_iter_init_children(&it, c, 1, 0, err)))
		return rc;
	while (!rt_tlv_iter_done(&it)) {
		if ((rc = rt_next_field(&it, &t, T_N_SEQ, T_N_ATTEMPTS, &seen, where, err)))
			return rc;
		switch (t.tag) {
		case T_N_SEQ:
			if ((rc = rt_get_u(&t, 2, &v, "notification sequence number", err)))
				return rc;
			no->seq = (uint16_t)v;
			break;
		case T_N_TYPE:
			if ((rc = rt_get_u(&t, 1, &v, "notification type", err)))
				return rc;
			no->type = (uint8_t)v;
			break;
		case T_N_AID:
			if ((rc = rt_get_bytes(&t, no->aid, 0, RT_EUICC_AID_MAX, &n, "notification AID", err)))
				return rc;
			no->aid_len = (uint8_t)n;
			break;
		default: /* T_N_ATTEMPTS */
			if ((rc = rt_get_u(&t, 1, &v, "notification attempts", err)))
				return rc;
			no->attempts = (uint8_t)v;
			break;
		}
	}
	no->used = 1;
	return rt_all_seen(seen, rt_notif_fields, where, err);
}

static const char *const rt_rollback_fields[] = { "change-pending flag", "roll-back target",
						  "roll-back source", NULL };

static int rt_dec_rollback(const struct rt_tlv *c, struct rt_euicc_state *st, struct rt_err *err)
{
	static const char where[] = "the roll-back record";
	struct rt_tlv_iter it;
	struct rt_tlv t;
	size_t n = 0;
	unsigned seen = 0;
	int rc;

	if ((rc = rt_tlv_iter_init_children(&it, c, 1, 0, err)))
		return rc;
	while (!rt_tlv_iter_done(&it)) {
		if ((rc = rt_next_field(&it, &t, T_R_PENDING, T_R_FROM, &seen, where, err)))
			return rc;
		if (t.tag == T_R_PENDING) {
			if ((rc = rt_get_flag(&t, &st->change_pending, "change-pending flag", err)))
				return rc;
		} else if (t.tag == T_R_TO) {
			if ((rc = rt_get_bytes(&t, st->rollback_to, 0, RT_EUICC_AID_MAX, &n, "roll-back AID", err)))
				return rc;
			st->rollback_to_len = (uint8_t)n;
		} else {
			if ((rc = rt_get_bytes(&t, st->rollback_from, 0, RT_EUICC_AID_MAX, &n, "roll-back AID", err)))
				return rc;
			st->rollback_from_len = (uint8_t)n;
		}
	}
	return rt_all_seen(seen, rt_rollback_fields, where, err);
}

/* The version is read first, whatever its place: a document from a newer writer is
 * RT_ENOTSUP even when its other fields are unknown here. */
static int rt_dec_version_first(const struct rt_tlv *doc, struct rt_err *err)
{
	struct rt_tlv_iter it;
	struct rt_tlv t;
	uint64_t v = 0;

	if (rt_tlv_iter_init_children(&it, doc, 0, 0, NULL))
		return 0;
	while (!rt_tlv_iter_done(&it)) {
		if (rt_tlv_next(&it, &t, NULL))
			return 0; /* the strict pass names the damage */
		if (t.tag != T_VERSION || t.len != 4)
			continue;
		rt_get_u(&t, 4, &v, "version", NULL);
		if (v != RT_EUICC_STATE_VERSION)
			return rt_err_set(err, RT_ENOTSUP, "card state version %lu (this rsptest reads %d)",
					  (unsigned long)v, RT_EUICC_STATE_VERSION);
		return 0;
	}
	return 0;
}

/* Fields of the document read once (the repeated items are counted instead). */
enum { D_VERSION, D_SMSR, D_MEM, D_SEQ, D_DECLARED, D_ROLLBACK };
static const char *const rt_doc_fields[] = { "version", "SM-SR addressing parameters",
					     "memory size", "next sequence number",
					     "declaration flag", "roll-back record", NULL };

int rt_euicc_state_decode(const uint8_t *buf, size_t len, struct rt_euicc_state *st,
			  struct rt_err *err)
{
	static const char where[] = "the state document";
	struct rt_tlv doc, t;
	struct rt_tlv_iter it;
	size_t nk = 0, np = 0, nn = 0, n = 0;
	uint64_t v = 0;
	unsigned seen = 0;
	int rc;

	rt_euicc_state_init(st, 0);
	if (!buf || !len) {
		rc = rt_err_set(err, RT_EPROTO, "card state: empty");
		goto fail;
	}
	rc = rt_tlv_decode(buf, len, 0, 0, 0, &doc, err);
	if (rc) {
		rt_err_wrap(err, "card state");
		goto fail;
	}
	if (doc.tag != T_DOC || doc.total_len != len || doc.indefinite ||
	    doc.hdr_len != doc.tag_len + rt_tlv_len_size(doc.len)) {
		rc = rt_err_set(err, RT_EPROTO,
				"card state: not a state document (tag %X, %zu of %zu bytes%s)", doc.tag,
				doc.total_len, len,
				doc.indefinite || doc.hdr_len != doc.tag_len + rt_tlv_len_size(doc.len)
					? ", non-minimal length" : "");
		goto fail;
	}
	if ((rc = rt_dec_version_first(&doc, err)))
		goto fail;
	if ((rc = rt_tlv_iter_init_children(&it, &doc, 0, 0, err)))
		goto fail;
	while (!rt_tlv_iter_done(&it)) {
		if ((rc = rt_next(&it, &t, where, err)))
			goto fail;
		switch (t.tag) {
		case T_VERSION:
			if ((rc = rt_once(&seen, D_VERSION, &t, where, err)) ||
			    (rc = rt_get_u(&t, 4, &v, "version", err)))
				goto fail;
			if (v != RT_EUICC_STATE_VERSION) { /* not reached: read first */
				rc = rt_err_set(err, RT_ENOTSUP, "card state version %lu", (unsigned long)v);
				goto fail;
			}
			break;
		case T_SCP80:
			if (nk >= RT_EUICC_MAX_SCP80) {
				rc = rt_err_set(err, RT_EPROTO, "card state: more than %d SCP80 keysets",
						RT_EUICC_MAX_SCP80);
				goto fail;
			}
			if ((rc = rt_dec_scp80(&t, &st->scp80[nk++], err)))
				goto fail;
			break;
		case T_SMSR_ADDR:
			if ((rc = rt_once(&seen, D_SMSR, &t, where, err)) ||
			    (rc = rt_get_bytes(&t, st->smsr_addr, 0, RT_EUICC_PARAM_MAX, &n,
					       "SM-SR addressing parameters", err)))
				goto fail;
			st->smsr_addr_len = (uint8_t)n;
			break;
		case T_MEM_TOTAL:
			if ((rc = rt_once(&seen, D_MEM, &t, where, err)) ||
			    (rc = rt_get_u(&t, 4, &v, "memory", err)))
				goto fail;
			st->mem_total = (uint32_t)v;
			break;
		case T_NEXT_SEQ:
			if ((rc = rt_once(&seen, D_SEQ, &t, where, err)) ||
			    (rc = rt_get_u(&t, 2, &v, "sequence number", err)))
				goto fail;
			st->next_seq = (uint16_t)v;
			break;
		case T_DECLARED: {
			int d = 0;

			if ((rc = rt_once(&seen, D_DECLARED, &t, where, err)) ||
			    (rc = rt_get_flag(&t, &d, "declaration flag", err)))
				goto fail;
			st->declared = (uint8_t)d;
			break;
		}
		case T_ISDP:
			if (np >= RT_EUICC_MAX_ISDP) {
				rc = rt_err_set(err, RT_EPROTO, "card state: more than %d ISD-Ps", RT_EUICC_MAX_ISDP);
				goto fail;
			}
			if ((rc = rt_dec_isdp(&t, &st->isdp[np++], err)))
				goto fail;
			break;
		case T_NOTIF:
			if (nn >= RT_EUICC_MAX_NOTIF) {
				rc = rt_err_set(err, RT_EPROTO, "card state: more than %d notifications",
						RT_EUICC_MAX_NOTIF);
				goto fail;
			}
			if ((rc = rt_dec_notif(&t, &st->notif[nn++], err)))
				goto fail;
			break;
		case T_ROLLBACK:
			if ((rc = rt_once(&seen, D_ROLLBACK, &t, where, err)) ||
			    (rc = rt_dec_rollback(&t, st, err)))
				goto fail;
			break;
		default:
			rc = rt_unknown(&t, where, err);
			goto fail;
		}
	}
	if ((rc = rt_all_seen(seen, rt_doc_fields, where, err)) ||
	    (rc = rt_state_check(st, RT_EPROTO, err)))
		goto fail;
	return 0;
fail:
	rt_euicc_state_free(st);
	rt_euicc_state_init(st, 0);
	return rc;
}
