/* SPDX-License-Identifier: Apache-2.0 */
/* rt_ecka — SGP.02 key establishment scenario #3 (ECKA-EG), both sides; see rt_ecka.h. */
#include "scp/rt_ecka.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "codec/rt_gpcert.h"
#include "codec/rt_tlv.h"
#include "crypto/rt_crypto.h"

const char *rt_ecka_status_name(enum rt_ecka_status s)
{
	switch (s) {
	case RT_ECKA_OK: return "ok";
	case RT_ECKA_MALFORMED: return "malformed";
	case RT_ECKA_WRONG_STATE: return "wrong state";
	case RT_ECKA_CERT: return "certificate refused";
	case RT_ECKA_BAD_SIGNATURE: return "bad signature";
	case RT_ECKA_BAD_EPK: return "bad ephemeral key";
	case RT_ECKA_UNSUPPORTED: return "unsupported parameters";
	case RT_ECKA_BAD_RECEIPT: return "bad receipt";
	}
	return "?";
}

void rt_ecka_params_default(struct rt_ecka_params *p)
{
	/* WHTY-SR's ISD-P CRT (sgp02-facts §4.2): A6 { 90 02 03 09 | 95 01 10 | 80 01 88 |
	 * 81 01 10 | 82 01 01 | 83 01 30 | 91 00 } */
	memset(p, 0, sizeof(*p));
	p->scenario = 0x03;
	p->scenario_params = 0x09;
	p->key_usage = RT_ECKA_KU_THREE_KEYS;
	p->key_access = -1;
	p->key_type = 0x88;
	p->key_len = 0x10;
	p->key_id = 0x01;
	p->kvn = 0x30;
}

void rt_ecka_opts_default(struct rt_ecka_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->epk_form = RT_ECKA_EPK_B0F0;
	o->epk_accept = RT_ECKA_EPK_B0F0 | RT_ECKA_EPK_B0 | RT_ECKA_EPK_BARE;
	o->receipt_pad = RT_ECKA_RECEIPT_PLAIN;
	o->rc_len = 16;
	o->dr_len = 16;
	o->dp_key_usage = 0x88;
	o->dp_cert_type = 0x01;
}

static void rt_ecka_keys_wipe(struct rt_ecka_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

/* ---- building blocks ------------------------------------------------------------ */

static int rt_ecka_put1(struct rt_buf *b, uint32_t tag, uint8_t v, struct rt_err *err)
{
	return rt_tlv_put(b, tag, &v, 1, err);
}

int rt_ecka_a6_encode(const struct rt_ecka_params *p, struct rt_buf *out, struct rt_err *err)
{
	struct rt_buf v;
	uint8_t sc[2] = { p->scenario, p->scenario_params };
	int rc;

	if (p->init_counter_len > sizeof(p->init_counter) || p->host_id_len > RT_ECKA_ID_MAX ||
	    p->sdin_len > RT_ECKA_ID_MAX)
		return rt_err_set(err, RT_EINVAL, "A6: parameter lengths out of range");
	rt_buf_init(&v, RT_ECKA_A6_MAX);
	if ((rc = rt_tlv_put(&v, 0x90, sc, 2, err)) != 0 ||
	    (rc = rt_ecka_put1(&v, 0x95, p->key_usage, err)) != 0 ||
	    (p->key_access >= 0 && (rc = rt_ecka_put1(&v, 0x96, (uint8_t)p->key_access, err)) != 0) ||
	    (rc = rt_ecka_put1(&v, 0x80, p->key_type, err)) != 0 ||
	    (rc = rt_ecka_put1(&v, 0x81, p->key_len, err)) != 0 ||
	    (rc = rt_ecka_put1(&v, 0x82, p->key_id, err)) != 0 ||
	    (rc = rt_ecka_put1(&v, 0x83, p->kvn, err)) != 0 ||
	    (rc = rt_tlv_put(&v, 0x91, p->init_counter, p->init_counter_len, err)) != 0)
		goto out;
	if (p->scenario_params & RT_ECKA_SP_HOSTID) {
		if ((rc = rt_tlv_put(&v, 0x45, p->sdin, p->sdin_len, err)) != 0 ||
		    (rc = rt_tlv_put(&v, 0x84, p->host_id, p->host_id_len, err)) != 0)
			goto out;
	}
	rc = rt_tlv_put(out, 0xA6, v.data, v.len, err);
out:
	rt_buf_free(&v);
	return rc;
}

int rt_ecka_a6_decode(const uint8_t *a6, size_t len, struct rt_ecka_params *p,
		      struct rt_err *err)
{
	static const uint32_t need[] = { 0x90, 0x95, 0x80, 0x81, 0x82, 0x83 };
	struct rt_tlv outer, t;
	struct rt_tlv_iter it;
	unsigned seen = 0; /* bit per tag below */
	int rc;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->key_access = -1;
	rc = rt_tlv_decode(a6, len, 0, 0, 0, &outer, err);
	if (rc)
		return rt_err_wrap(err, "A6 CRT");
	if (outer.tag != 0xA6 || outer.total_len != len || outer.indefinite)
		return rt_err_set(err, RT_EPROTO, "A6 CRT expected, found tag %X (%zu of %zu bytes)",
				  (unsigned)outer.tag, outer.total_len, len);
	rt_tlv_iter_init_children(&it, &outer, 0, 0, err);
	while (!rt_tlv_iter_done(&it)) {
		unsigned bit;

		rc = rt_tlv_next(&it, &t, err);
		if (rc)
			return rt_err_wrap(err, "A6 CRT");
		switch (t.tag) {
		case 0x90: bit = 1u << 0; break;
		case 0x95: bit = 1u << 1; break;
		case 0x96: bit = 1u << 2; break;
		case 0x80: bit = 1u << 3; break;
		case 0x81: bit = 1u << 4; break;
		case 0x82: bit = 1u << 5; break;
		case 0x83: bit = 1u << 6; break;
		case 0x91: bit = 1u << 7; break;
		case 0x45: bit = 1u << 8; break;
		case 0x84: bit = 1u << 9; break;
		default:
			return rt_err_set(err, RT_EPROTO, "A6: unknown tag %X at offset %zu",
					  (unsigned)t.tag, t.offset);
		}
		if (seen & bit)
			return rt_err_set(err, RT_EPROTO, "A6: tag %X repeated at offset %zu",
					  (unsigned)t.tag, t.offset);
		seen |= bit;
		if (t.tag == 0x90) {
			if (t.len != 2)
				return rt_err_set(err, RT_EPROTO, "A6: 90 is %zu bytes, 2 expected", t.len);
			p->scenario = t.value[0];
			p->scenario_params = t.value[1];
		} else if (t.tag == 0x91 || t.tag == 0x45 || t.tag == 0x84) {
			size_t max = t.tag == 0x91 ? sizeof(p->init_counter) : RT_ECKA_ID_MAX;
			uint8_t *dst = t.tag == 0x91 ? p->init_counter : t.tag == 0x45 ? p->sdin : p->host_id;
			size_t *dl = t.tag == 0x91 ? &p->init_counter_len
				     : t.tag == 0x45 ? &p->sdin_len : &p->host_id_len;

			if (t.len > max)
				return rt_err_set(err, RT_EPROTO, "A6: %X is %zu bytes, at most %zu",
						  (unsigned)t.tag, t.len, max);
			memcpy(dst, t.value, t.len);
			*dl = t.len;
		} else {
			if (t.len != 1)
				return rt_err_set(err, RT_EPROTO, "A6: %X is %zu bytes, 1 expected",
						  (unsigned)t.tag, t.len);
			switch (t.tag) {
			case 0x95: p->key_usage = t.value[0]; break;
			case 0x96: p->key_access = t.value[0]; break;
			case 0x80: p->key_type = t.value[0]; break;
			case 0x81: p->key_len = t.value[0]; break;
			case 0x82: p->key_id = t.value[0]; break;
			case 0x83: p->kvn = t.value[0]; break;
			}
		}
	}
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		static const unsigned bits[] = { 1u << 0, 1u << 1, 1u << 3, 1u << 4, 1u << 5, 1u << 6 };

		if (!(seen & bits[i]))
			return rt_err_set(err, RT_EPROTO, "A6: tag %X missing", (unsigned)need[i]);
	}
	if (p->scenario != 0x03)
		return rt_err_set(err, RT_ENOTSUP, "A6: scenario %02X, only 03 (ECKA-EG) supported",
				  p->scenario);
	if (p->key_usage != RT_ECKA_KU_THREE_KEYS && p->key_usage != RT_ECKA_KU_ONE_KEY)
		return rt_err_set(err, RT_ENOTSUP, "A6: key usage qualifier %02X (10 or 5C supported)",
				  p->key_usage);
	if (p->key_type != 0x88)
		return rt_err_set(err, RT_ENOTSUP, "A6: key type %02X, only 88 (AES) supported",
				  p->key_type);
	if (p->key_len != 16 && p->key_len != 24 && p->key_len != 32)
		return rt_err_set(err, RT_ENOTSUP, "A6: key length %u, AES 16/24/32 expected",
				  p->key_len);
	if ((p->scenario_params & RT_ECKA_SP_HOSTID) && !((seen >> 8) & 1 && (seen >> 9) & 1))
		return rt_err_set(err, RT_EPROTO, "A6: scenario parameters %02X ask for HostID but 84/45 missing",
				  p->scenario_params);
	if (!(p->scenario_params & RT_ECKA_SP_HOSTID) && ((seen >> 8) & 1 || (seen >> 9) & 1))
		return rt_err_set(err, RT_EPROTO, "A6: 84/45 present but scenario parameters %02X lack bit 04",
				  p->scenario_params);
	return 0;
}

int rt_ecka_shared_info(const struct rt_ecka_params *p, const uint8_t *dr, size_t drlen,
			const uint8_t *sin, size_t sinlen, uint8_t *out, size_t outsz,
			size_t *outlen, struct rt_err *err)
{
	size_t n = 0, need = 3 + drlen;
	int hid = (p->scenario_params & RT_ECKA_SP_HOSTID) != 0;
	int sd = hid && sin && sinlen && p->sdin_len;

	if (hid)
		need += 1 + p->host_id_len;
	if (sd)
		need += 2 + sinlen + p->sdin_len;
	if (need > outsz || drlen > RT_ECKA_ID_MAX || sinlen > RT_ECKA_ID_MAX)
		return rt_err_set(err, RT_ERANGE, "SharedInfo of %zu bytes does not fit", need);
	out[n++] = p->key_usage;
	out[n++] = p->key_type;
	out[n++] = p->key_len;
	if (drlen) {
		memcpy(out + n, dr, drlen);
		n += drlen;
	}
	if (hid) {
		out[n++] = (uint8_t)p->host_id_len;
		memcpy(out + n, p->host_id, p->host_id_len);
		n += p->host_id_len;
	}
	if (sd) {
		out[n++] = (uint8_t)sinlen;
		memcpy(out + n, sin, sinlen);
		n += sinlen;
		out[n++] = (uint8_t)p->sdin_len;
		memcpy(out + n, p->sdin, p->sdin_len);
		n += p->sdin_len;
	}
	*outlen = n;
	return 0;
}

int rt_ecka_derive(const uint8_t shs[RT_EC_FIELD_LEN], const struct rt_ecka_params *p,
		   const uint8_t *dr, size_t drlen, const uint8_t *sin, size_t sinlen,
		   struct rt_ecka_keys *k, struct rt_err *err)
{
	uint8_t si[3 + 3 * RT_ECKA_ID_MAX + 8], kd[RT_ECKA_KEYDATA_MAX];
	size_t silen = 0, kl = p->key_len, total;
	int nkeys, rc;

	rt_ecka_keys_wipe(k);
	if (kl != 16 && kl != 24 && kl != 32)
		return rt_err_set(err, RT_ENOTSUP, "key length %zu, AES 16/24/32 expected", kl);
	if (p->key_usage == RT_ECKA_KU_THREE_KEYS)
		nkeys = 3;
	else if (p->key_usage == RT_ECKA_KU_ONE_KEY)
		nkeys = 1;
	else
		return rt_err_set(err, RT_ENOTSUP, "key usage qualifier %02X", p->key_usage);
	rc = rt_ecka_shared_info(p, dr, drlen, sin, sinlen, si, sizeof(si), &silen, err);
	if (rc)
		return rc;
	/* GP Amd A: receipt key first, then the keys of the new keyset (sgp02-facts §4.2). */
	total = kl * (size_t)(1 + nkeys);
	rc = rt_ec_x963_kdf(shs, RT_EC_FIELD_LEN, si, silen, kd, total, err);
	if (rc)
		goto out;
	memcpy(k->shs, shs, RT_EC_FIELD_LEN);
	memcpy(k->receipt_key, kd, kl);
	memcpy(k->enc, kd + kl, kl);
	memcpy(k->mac, kd + (nkeys == 3 ? 2 * kl : kl), kl);
	memcpy(k->dek, kd + (nkeys == 3 ? 3 * kl : kl), kl);
	k->key_len = kl;
	k->nkeys = nkeys;
	if (drlen) {
		memcpy(k->dr, dr, drlen);
		k->dr_len = drlen;
	}
out:
	OPENSSL_cleanse(kd, sizeof(kd));
	return rc;
}

int rt_ecka_receipt(const uint8_t *key, size_t keylen, const uint8_t *a6, size_t a6len,
		    const uint8_t *dr, size_t drlen, enum rt_ecka_receipt_pad pad,
		    uint8_t receipt[16], struct rt_err *err)
{
	struct rt_buf in;
	int rc;

	rt_buf_init(&in, RT_ECKA_A6_MAX + RT_ECKA_ID_MAX + 32);
	if (rt_buf_append(&in, a6, a6len)) {
		rc = rt_err_set(err, RT_ENOMEM, "receipt input too long");
		goto out;
	}
	if (drlen && (rc = rt_tlv_put(&in, 0x85, dr, drlen, err)) != 0)
		goto out;
	if (pad == RT_ECKA_RECEIPT_PAD80) {
		/* NJIWA's reading: ISO 9797-1 method 2 before the CMAC */
		if (rt_buf_push(&in, 0x80)) {
			rc = rt_err_set(err, RT_ENOMEM, "receipt input too long");
			goto out;
		}
		while (in.len % 16)
			if (rt_buf_push(&in, 0x00)) {
				rc = rt_err_set(err, RT_ENOMEM, "receipt input too long");
				goto out;
			}
	}
	rc = rt_crypto_aes_cmac(key, keylen, in.data, in.len, receipt, err);
out:
	rt_buf_free(&in);
	return rc;
}

int rt_ecka_dgi_put(struct rt_buf *b, unsigned dgi, const uint8_t *v, size_t len,
		    struct rt_err *err)
{
	uint8_t h[5];
	size_t hn;

	if (len > 0xFFFF)
		return rt_err_set(err, RT_ERANGE, "DGI %04X: %zu bytes", dgi, len);
	h[0] = (uint8_t)(dgi >> 8);
	h[1] = (uint8_t)dgi;
	/* GP STORE DATA DGI length: one byte up to FE, else FF + two bytes (facts §5.2) */
	if (len <= 0xFE) {
		h[2] = (uint8_t)len;
		hn = 3;
	} else {
		h[2] = 0xFF;
		h[3] = (uint8_t)(len >> 8);
		h[4] = (uint8_t)len;
		hn = 5;
	}
	if (rt_buf_append(b, h, hn) || (len && rt_buf_append(b, v, len)))
		return rt_err_set(err, RT_ENOMEM, "DGI %04X does not fit", dgi);
	return 0;
}

int rt_ecka_dgi_get(const uint8_t *buf, size_t len, unsigned dgi, const uint8_t **value,
		    size_t *vlen, size_t *used, struct rt_err *err)
{
	size_t hn, l;

	if (len < 3)
		return rt_err_set(err, RT_EPROTO, "DGI %04X: %zu bytes, header truncated", dgi, len);
	if ((((unsigned)buf[0] << 8) | buf[1]) != dgi)
		return rt_err_set(err, RT_EPROTO, "DGI %02X%02X found, %04X expected", buf[0], buf[1],
				  dgi);
	if (buf[2] == 0xFF) {
		if (len < 5)
			return rt_err_set(err, RT_EPROTO, "DGI %04X: length truncated", dgi);
		l = ((size_t)buf[3] << 8) | buf[4];
		hn = 5;
	} else {
		l = buf[2];
		hn = 3;
	}
	if (l > len - hn)
		return rt_err_set(err, RT_EPROTO, "DGI %04X: length %zu, only %zu bytes follow", dgi, l,
				  len - hn);
	*value = buf + hn;
	*vlen = l;
	*used = hn + l;
	return 0;
}

int rt_ecka_epk_encode(const uint8_t pt[RT_EC_POINT_LEN], enum rt_ec_curve c,
		       enum rt_ecka_epk_form form, struct rt_buf *out, struct rt_err *err)
{
	struct rt_buf v;
	uint8_t ref = (uint8_t)rt_ec_curve_gp_ref(c);
	int rc;

	if (form == RT_ECKA_EPK_BARE)
		return rt_tlv_put(out, 0x7F49, pt, RT_EC_POINT_LEN, err);
	rt_buf_init(&v, 128);
	rc = rt_tlv_put(&v, 0xB0, pt, RT_EC_POINT_LEN, err);
	if (!rc && form == RT_ECKA_EPK_B0F0)
		rc = rt_tlv_put(&v, 0xF0, &ref, 1, err);
	if (!rc && form != RT_ECKA_EPK_B0F0 && form != RT_ECKA_EPK_B0)
		rc = rt_err_set(err, RT_EINVAL, "ePK form %d unknown", (int)form);
	if (!rc)
		rc = rt_tlv_put(out, 0x7F49, v.data, v.len, err);
	rt_buf_free(&v);
	return rc;
}

int rt_ecka_epk_decode(const uint8_t *v, size_t len, enum rt_ec_curve c, unsigned accept,
		       uint8_t pt[RT_EC_POINT_LEN], enum rt_ecka_epk_form *form,
		       struct rt_err *err)
{
	const uint8_t *p = NULL;
	size_t plen = 0;
	int ref = -1, rc;

	if (len == RT_EC_POINT_LEN && v[0] == 0x04) {
		/* bare point (WHTY-SR); B0 never starts with 04 so the forms cannot mix */
		if (!(accept & RT_ECKA_EPK_BARE))
			return rt_err_set(err, RT_EPROTO, "7F49 holds a bare point, form not accepted");
		p = v;
		plen = len;
		*form = RT_ECKA_EPK_BARE;
	} else {
		struct rt_tlv_iter it;
		struct rt_tlv t;

		rt_tlv_iter_init(&it, v, len, 0);
		while (!rt_tlv_iter_done(&it)) {
			rc = rt_tlv_next(&it, &t, err);
			if (rc)
				return rt_err_wrap(err, "7F49 ePK");
			if (t.tag == 0xB0 && !p) {
				p = t.value;
				plen = t.len;
			} else if (t.tag == 0xF0 && ref < 0) {
				if (t.len != 1)
					return rt_err_set(err, RT_EPROTO, "7F49: F0 is %zu bytes, 1 expected",
							  t.len);
				ref = t.value[0];
			} else {
				return rt_err_set(err, RT_EPROTO, "7F49: unexpected or repeated tag %X",
						  (unsigned)t.tag);
			}
		}
		if (!p)
			return rt_err_set(err, RT_EPROTO, "7F49 without B0 point");
		*form = ref >= 0 ? RT_ECKA_EPK_B0F0 : RT_ECKA_EPK_B0;
		if (!(accept & *form))
			return rt_err_set(err, RT_EPROTO, "7F49 form %s not accepted",
					  ref >= 0 ? "B0+F0" : "B0 without F0");
		if (ref >= 0 && (unsigned)ref != rt_ec_curve_gp_ref(c))
			return rt_err_set(err, RT_EINVAL,
					  "7F49: key parameter reference %02X, the ECASD key is on %s (%02X)",
					  (unsigned)ref, rt_ec_curve_name(c), rt_ec_curve_gp_ref(c));
	}
	rc = rt_ec_point_check(c, p, plen, err);
	if (rc)
		return rt_err_wrap(err, "ePK.DP.ECKA");
	memcpy(pt, p, RT_EC_POINT_LEN);
	return 0;
}

int rt_ecka_signed_data(const uint8_t *dgi3a02, size_t dgilen, const uint8_t *epk,
			size_t epklen, const uint8_t *rc, size_t rclen, struct rt_buf *out,
			struct rt_err *err)
{
	uint8_t h[3] = { 0x00, 0x85, (uint8_t)rclen };

	if (rclen > 0x7F)
		return rt_err_set(err, RT_ERANGE, "RC of %zu bytes", rclen);
	/* SGP.02 Table 81 per NJIWA; WHTY-SR agrees: RC under the two-byte tag 0085 */
	if (rt_buf_append(out, dgi3a02, dgilen) || rt_buf_append(out, epk, epklen) ||
	    rt_buf_append(out, h, 3) || rt_buf_append(out, rc, rclen))
		return rt_err_set(err, RT_ENOMEM, "signed data does not fit");
	return 0;
}

/* ---- SM-DP side ------------------------------------------------------------------ */

void rt_ecka_dp_init(struct rt_ecka_dp *dp)
{
	memset(dp, 0, sizeof(*dp));
	rt_ecka_params_default(&dp->prm);
	rt_ecka_opts_default(&dp->opts);
}

void rt_ecka_dp_clear(struct rt_ecka_dp *dp)
{
	rt_ec_key_free(dp->esk);
	dp->esk = NULL;
	rt_ecka_keys_wipe(&dp->keys);
	OPENSSL_cleanse(dp->rc, sizeof(dp->rc));
}

int rt_ecka_dp_cert_data(struct rt_ecka_dp *dp, struct rt_buf *out, struct rt_err *err)
{
	if (!dp->cert || !dp->cert_len)
		return rt_err_set(err, RT_EINVAL, "SM-DP: no certificate");
	return rt_ecka_dgi_put(out, RT_ECKA_DGI_CERT, dp->cert, dp->cert_len, err);
}

int rt_ecka_dp_take_rc(struct rt_ecka_dp *dp, const uint8_t *resp, size_t len,
		       struct rt_err *err)
{
	struct rt_tlv t;
	int rc = rt_tlv_decode(resp, len, 0, 0, 0, &t, err);

	if (rc)
		return rt_err_wrap(err, "response to 3A01");
	if (t.tag != 0x85 || t.total_len != len)
		return rt_err_set(err, RT_EPROTO, "response to 3A01: 85 L RC expected, tag %X, %zu of %zu bytes",
				  (unsigned)t.tag, t.total_len, len);
	if (t.len == 0 || t.len > RT_ECKA_ID_MAX)
		return rt_err_set(err, RT_EPROTO, "RC of %zu bytes", t.len);
	memcpy(dp->rc, t.value, t.len);
	dp->rc_len = t.len;
	return 0;
}

int rt_ecka_dp_key_data(struct rt_ecka_dp *dp, struct rt_buf *out, struct rt_err *err)
{
	struct rt_buf a6 = {0}, msg = {0}, sd = {0};
	uint8_t pt[RT_EC_POINT_LEN], sig[RT_EC_SIG_LEN];
	size_t epk_off;
	int rc;

	if (!dp->sk_dp || !dp->pk_ecasd)
		return rt_err_set(err, RT_EINVAL, "SM-DP: signing key or PK.ECASD missing");
	if (!dp->rc_len)
		return rt_err_set(err, RT_ESTATE, "SM-DP: no RC from the card yet");
	if (!dp->esk) {
		rc = rt_ec_key_generate(rt_ec_key_curve(dp->pk_ecasd), &dp->esk, err);
		if (rc)
			return rc;
	} else if (rt_ec_key_curve(dp->esk) != rt_ec_key_curve(dp->pk_ecasd)) {
		return rt_err_set(err, RT_EINVAL, "SM-DP: ephemeral key on %s, ECASD on %s",
				  rt_ec_curve_name(rt_ec_key_curve(dp->esk)),
				  rt_ec_curve_name(rt_ec_key_curve(dp->pk_ecasd)));
	}
	rt_buf_init(&a6, RT_ECKA_A6_MAX);
	rt_buf_init(&msg, RT_ECKA_MSG_MAX);
	rt_buf_init(&sd, RT_ECKA_MSG_MAX);
	if ((rc = rt_ecka_a6_encode(&dp->prm, &a6, err)) != 0)
		goto out;
	memcpy(dp->a6, a6.data, a6.len);
	dp->a6_len = a6.len;
	if ((rc = rt_ecka_dgi_put(&msg, RT_ECKA_DGI_KEYS, a6.data, a6.len, err)) != 0)
		goto out;
	epk_off = msg.len;
	if ((rc = rt_ec_key_public(dp->esk, pt, err)) != 0 ||
	    (rc = rt_ecka_epk_encode(pt, rt_ec_key_curve(dp->esk), dp->opts.epk_form, &msg, err)) != 0)
		goto out;
	if ((rc = rt_ecka_signed_data(msg.data, epk_off, msg.data + epk_off, msg.len - epk_off,
				      dp->rc, dp->rc_len, &sd, err)) != 0)
		goto out;
	/* SGP.02: signed with SK.DP.ECDSA (NJIWA signs with the ephemeral key instead —
	 * see docs/spec-notes.md, ECKA) */
	if ((rc = rt_ec_sign(dp->sk_dp, sd.data, sd.len, sig, err)) != 0 ||
	    (rc = rt_tlv_put(&msg, 0x5F37, sig, sizeof(sig), err)) != 0)
		goto out;
	if (rt_buf_append(out, msg.data, msg.len)) {
		rc = rt_err_set(err, RT_ENOMEM, "SM-DP: key data does not fit");
		goto out;
	}
	rc = 0;
out:
	rt_buf_free(&a6);
	rt_buf_free(&msg);
	rt_buf_free(&sd);
	return rc;
}

int rt_ecka_dp_check_receipt(struct rt_ecka_dp *dp, const uint8_t *resp, size_t len,
			     struct rt_err *err)
{
	struct rt_tlv_iter it;
	struct rt_tlv t;
	const uint8_t *dr = NULL, *rcpt = NULL;
	size_t drlen = 0, rlen = 0;
	uint8_t shs[RT_EC_FIELD_LEN], want[16];
	int rc;

	dp->status = RT_ECKA_MALFORMED;
	if (!dp->esk || !dp->a6_len)
		return rt_err_set(err, RT_ESTATE, "SM-DP: key data not sent yet");
	rt_tlv_iter_init(&it, resp, len, 0);
	while (!rt_tlv_iter_done(&it)) {
		rc = rt_tlv_next(&it, &t, err);
		if (rc)
			return rt_err_wrap(err, "response to 3A02");
		if (t.tag == 0x85 && !dr && !rcpt) {
			dr = t.value;
			drlen = t.len;
		} else if (t.tag == 0x86 && !rcpt) {
			rcpt = t.value;
			rlen = t.len;
		} else {
			return rt_err_set(err, RT_EPROTO, "response to 3A02: unexpected tag %X at offset %zu",
					  (unsigned)t.tag, t.offset);
		}
	}
	if (!rcpt || rlen != 16)
		return rt_err_set(err, RT_EPROTO, "response to 3A02: no 16-byte receipt 86");
	if ((dp->prm.scenario_params & RT_ECKA_SP_DR) && (!dr || drlen == 0 || drlen > RT_ECKA_ID_MAX))
		return rt_err_set(err, RT_EPROTO, "response to 3A02: scenario asks for DR, 85 missing");
	if (!(dp->prm.scenario_params & RT_ECKA_SP_DR) && dr)
		return rt_err_set(err, RT_EPROTO, "response to 3A02: DR sent, scenario did not ask for it");
	rc = rt_ec_ecdh_key(dp->esk, dp->pk_ecasd, shs, err);
	if (rc)
		goto out;
	rc = rt_ecka_derive(shs, &dp->prm, dr, drlen, dp->opts.sin, dp->opts.sin_len, &dp->keys, err);
	if (rc)
		goto out;
	rc = rt_ecka_receipt(dp->keys.receipt_key, dp->keys.key_len, dp->a6, dp->a6_len, dr, drlen,
			     dp->opts.receipt_pad, want, err);
	if (rc)
		goto out;
	memcpy(dp->keys.receipt, want, 16);
	if (!rt_crypto_memeq(want, rcpt, 16)) {
		dp->status = RT_ECKA_BAD_RECEIPT;
		rc = rt_err_set(err, RT_ECRYPTO, "receipt from the card does not match");
		goto out;
	}
	dp->status = RT_ECKA_OK;
	rc = 0;
out:
	OPENSSL_cleanse(shs, sizeof(shs));
	return rc;
}

/* ---- card side ------------------------------------------------------------------- */

void rt_ecka_card_init(struct rt_ecka_card *c)
{
	memset(c, 0, sizeof(*c));
	rt_ecka_opts_default(&c->opts);
}

void rt_ecka_card_clear(struct rt_ecka_card *c)
{
	rt_ec_key_free(c->pk_dp);
	c->pk_dp = NULL;
	rt_ecka_keys_wipe(&c->keys);
	OPENSSL_cleanse(c->rc, sizeof(c->rc));
	c->step = 0;
}

/* Records a refusal: status, a status word and the code. SWs are the harness's
 * choice (ISO 7816-4 meanings: 6A80 wrong data, 6982 security status, 6985 conditions
 * of use); SGP.02 text for them was not found. */
static int rt_ecka_card_fail(struct rt_ecka_card *c, enum rt_ecka_status s, int code)
{
	c->status = s;
	switch (s) {
	case RT_ECKA_WRONG_STATE: c->sw = 0x6985; break;
	case RT_ECKA_CERT:
	case RT_ECKA_BAD_SIGNATURE: c->sw = 0x6982; break;
	default: c->sw = 0x6A80; break;
	}
	return code;
}

int rt_ecka_card_cert(struct rt_ecka_card *c, const uint8_t *data, size_t len,
		      const uint8_t *rc, size_t rclen, struct rt_buf *resp, struct rt_err *err)
{
	struct rt_gpcert_policy p;
	const uint8_t *v;
	size_t vlen, used;
	int r;

	c->status = RT_ECKA_OK;
	c->sw = 0x9000;
	c->cert_status = RT_GPCERT_OK;
	if (!c->pk_ci || !c->sk_ecasd)
		return rt_err_set(err, RT_EINVAL, "card: PK.CI or SK.ECASD missing");
	if (c->step != 0) {
		rt_err_set(err, RT_ESTATE, "card: certificate already received");
		return rt_ecka_card_fail(c, RT_ECKA_WRONG_STATE, RT_ESTATE);
	}
	r = rt_ecka_dgi_get(data, len, RT_ECKA_DGI_CERT, &v, &vlen, &used, err);
	if (!r && used != len)
		r = rt_err_set(err, RT_EPROTO, "%zu bytes after DGI 3A01", len - used);
	if (r)
		return rt_ecka_card_fail(c, RT_ECKA_MALFORMED, RT_EPROTO);
	rt_gpcert_policy_init(&p);
	p.date = c->opts.date;
	p.key_usage = c->opts.dp_key_usage;
	p.cert_type = c->opts.dp_cert_type;
	p.issuer_id = c->ci_id;
	p.issuer_id_len = c->ci_id_len;
	/* the certified key must be on the curve the ECASD uses for the agreement */
	p.curve = rt_ec_key_curve(c->pk_ci);
	rt_ec_key_free(c->pk_dp);
	c->pk_dp = NULL;
	r = rt_gpcert_verify_bytes(v, vlen, c->pk_ci, &p, &c->pk_dp, &c->cert_status, err);
	if (r) {
		rt_err_wrap(err, "CERT.DP.ECDSA");
		return rt_ecka_card_fail(c, c->cert_status == RT_GPCERT_MALFORMED ? RT_ECKA_MALFORMED
										 : RT_ECKA_CERT, r);
	}
	if (rc) {
		if (rclen == 0 || rclen > RT_ECKA_ID_MAX)
			return rt_err_set(err, RT_EINVAL, "card: RC of %zu bytes", rclen);
		memcpy(c->rc, rc, rclen);
		c->rc_len = rclen;
	} else {
		if (c->opts.rc_len == 0 || c->opts.rc_len > RT_ECKA_ID_MAX)
			return rt_err_set(err, RT_EINVAL, "card: rc_len %zu", c->opts.rc_len);
		if (RAND_bytes(c->rc, (int)c->opts.rc_len) != 1)
			return rt_err_set(err, RT_ECRYPTO, "card: no randomness for RC");
		c->rc_len = c->opts.rc_len;
	}
	r = rt_tlv_put(resp, 0x85, c->rc, c->rc_len, err);
	if (r)
		return r;
	c->step = 1;
	return 0;
}

int rt_ecka_card_keys(struct rt_ecka_card *c, const uint8_t *data, size_t len,
		      const uint8_t *dr, size_t drlen, struct rt_buf *resp, struct rt_err *err)
{
	const uint8_t *a6;
	size_t a6len, used, pos;
	struct rt_tlv epk, sig;
	struct rt_buf sd;
	uint8_t shs[RT_EC_FIELD_LEN], drb[RT_ECKA_ID_MAX];
	size_t drn = 0;
	enum rt_ec_curve curve = rt_ec_key_curve(c->sk_ecasd);
	int r;

	c->status = RT_ECKA_OK;
	c->sw = 0x9000;
	rt_buf_init(&sd, RT_ECKA_MSG_MAX);
	if (c->step != 1) {
		rt_err_set(err, RT_ESTATE, "card: key data %s", c->step == 0 ? "before the certificate"
										: "already processed");
		return rt_ecka_card_fail(c, RT_ECKA_WRONG_STATE, RT_ESTATE);
	}
	/* 3A02 { A6 } | 7F49 ePK | 5F37 sig, nothing else (sgp02-facts §4.2 step 4) */
	r = rt_ecka_dgi_get(data, len, RT_ECKA_DGI_KEYS, &a6, &a6len, &used, err);
	if (r)
		return rt_ecka_card_fail(c, RT_ECKA_MALFORMED, r);
	pos = used;
	r = rt_tlv_decode(data + pos, len - pos, pos, 0, 0, &epk, err);
	if (!r && epk.tag != 0x7F49)
		r = rt_err_set(err, RT_EPROTO, "tag %X at offset %zu, 7F49 expected", (unsigned)epk.tag, pos);
	if (r)
		return rt_ecka_card_fail(c, RT_ECKA_MALFORMED, RT_EPROTO);
	pos += epk.total_len;
	r = rt_tlv_decode(data + pos, len - pos, pos, 0, 0, &sig, err);
	if (!r && sig.tag != 0x5F37)
		r = rt_err_set(err, RT_EPROTO, "tag %X at offset %zu, 5F37 expected", (unsigned)sig.tag, pos);
	if (!r && pos + sig.total_len != len)
		r = rt_err_set(err, RT_EPROTO, "%zu bytes after the signature", len - pos - sig.total_len);
	if (r)
		return rt_ecka_card_fail(c, RT_ECKA_MALFORMED, RT_EPROTO);
	if (a6len > RT_ECKA_A6_MAX) {
		rt_err_set(err, RT_EPROTO, "A6 of %zu bytes", a6len);
		return rt_ecka_card_fail(c, RT_ECKA_MALFORMED, RT_EPROTO);
	}
	r = rt_ecka_a6_decode(a6, a6len, &c->prm, err);
	if (r)
		return rt_ecka_card_fail(c, r == RT_ENOTSUP ? RT_ECKA_UNSUPPORTED : RT_ECKA_MALFORMED, r);
	memcpy(c->a6, a6, a6len);
	c->a6_len = a6len;
	r = rt_ecka_epk_decode(epk.value, epk.len, curve, c->opts.epk_accept, c->epk, &c->epk_form, err);
	if (r)
		return rt_ecka_card_fail(c, RT_ECKA_BAD_EPK, r);
	/* The signature covers the bytes as received: 3A02 DGI | 7F49 TLV | 00 85 L RC. */
	r = rt_ecka_signed_data(data, used, data + used, epk.total_len, c->rc, c->rc_len, &sd, err);
	if (r)
		goto out;
	r = rt_ec_verify(c->pk_dp, sd.data, sd.len, sig.value, sig.len, err);
	if (r) {
		rt_err_wrap(err, "key establishment signature 5F37");
		r = rt_ecka_card_fail(c, r == RT_EPROTO ? RT_ECKA_MALFORMED : RT_ECKA_BAD_SIGNATURE, r);
		goto out;
	}
	r = rt_ec_ecdh(c->sk_ecasd, c->epk, RT_EC_POINT_LEN, shs, err);
	if (r) {
		r = rt_ecka_card_fail(c, RT_ECKA_BAD_EPK, r);
		goto out;
	}
	if (c->prm.scenario_params & RT_ECKA_SP_DR) {
		if (dr) {
			if (drlen == 0 || drlen > RT_ECKA_ID_MAX) {
				r = rt_err_set(err, RT_EINVAL, "card: DR of %zu bytes", drlen);
				goto out;
			}
			memcpy(drb, dr, drlen);
			drn = drlen;
		} else {
			drn = c->opts.dr_len;
			if (drn == 0 || drn > RT_ECKA_ID_MAX || RAND_bytes(drb, (int)drn) != 1) {
				r = rt_err_set(err, RT_ECRYPTO, "card: no DR");
				goto out;
			}
		}
	}
	r = rt_ecka_derive(shs, &c->prm, drn ? drb : NULL, drn, c->opts.sin, c->opts.sin_len,
			   &c->keys, err);
	if (r) {
		r = rt_ecka_card_fail(c, RT_ECKA_UNSUPPORTED, r);
		goto out;
	}
	r = rt_ecka_receipt(c->keys.receipt_key, c->keys.key_len, c->a6, c->a6_len,
			    drn ? drb : NULL, drn, c->opts.receipt_pad, c->keys.receipt, err);
	if (r)
		goto out;
	if ((drn && (r = rt_tlv_put(resp, 0x85, drb, drn, err)) != 0) ||
	    (r = rt_tlv_put(resp, 0x86, c->keys.receipt, 16, err)) != 0)
		goto out;
	c->step = 2;
	r = 0;
out:
	OPENSSL_cleanse(shs, sizeof(shs));
	rt_buf_free(&sd);
	return r;
}
