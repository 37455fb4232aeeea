/* SPDX-License-Identifier: Apache-2.0 */
/* rt_gpcert — SGP.02 GP-style 7F21 certificates; see rt_gpcert.h. */
#include "codec/rt_gpcert.h"

#include <string.h>

#include "codec/rt_tlv.h"

/* Field order of the signed part (sgp02-facts §4.4; NJIWA makeCertSigningData;
 * WHTY-SR's test certificate). 45 comes from NJIWA's decoder only. */
static const struct rt_gpcert_field {
	uint32_t tag;
	const char *name;
	int mandatory;
} k_fields[] = {
	{ 0x93, "serial number (93)", 1 },
	{ 0x42, "CA identifier (42)", 1 },
	{ 0x5F20, "subject identifier (5F20)", 1 },
	{ 0x95, "key usage (95)", 1 },
	{ 0x5F25, "effective date (5F25)", 0 },
	{ 0x5F24, "expiration date (5F24)", 1 },
	{ 0x45, "image number (45)", 0 },
	{ 0x73, "discretionary data (73)", 0 },
	{ 0x7F49, "public key (7F49)", 1 },
	{ 0x5F37, "signature (5F37)", 1 },
};
#define RT_GPCERT_NFIELDS (sizeof(k_fields) / sizeof(k_fields[0]))

static int rt_gpcert_field_index(uint32_t tag)
{
	size_t i;

	if (tag == 0x53) /* NJIWA's decoder also takes 53 for discretionary data */
		tag = 0x73;
	for (i = 0; i < RT_GPCERT_NFIELDS; i++)
		if (k_fields[i].tag == tag)
			return (int)i;
	return -1;
}

static int rt_gpcert_bcd2(uint8_t b, unsigned *v)
{
	if ((b >> 4) > 9 || (b & 0x0F) > 9)
		return -1;
	*v = (unsigned)(b >> 4) * 10 + (b & 0x0F);
	return 0;
}

int rt_gpcert_date_decode(const uint8_t *p, size_t len, uint32_t *ymd, struct rt_err *err)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned d[4], year, month, day;
	size_t i;

	if (len != 3 && len != 4)
		return rt_err_set(err, RT_EPROTO, "date is %zu bytes, BCD YYYYMMDD (4) or YYMMDD (3) expected",
				  len);
	for (i = 0; i < len; i++)
		if (rt_gpcert_bcd2(p[i], &d[i]))
			return rt_err_set(err, RT_EPROTO, "date byte %zu (%02X) is not BCD", i, p[i]);
	if (len == 4) {
		year = d[0] * 100 + d[1];
		month = d[2];
		day = d[3];
	} else {
		year = 2000 + d[0]; /* NJIWA reads YYMMDD; all SGP.02 certificates are 20YY */
		month = d[1];
		day = d[2];
	}
	if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1] ||
	    (month == 2 && day == 29 && !((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)))
		return rt_err_set(err, RT_EPROTO, "date %04u-%02u-%02u is not a calendar date", year,
				  month, day);
	*ymd = year * 10000 + month * 100 + day;
	return 0;
}

int rt_gpcert_date_encode(uint32_t ymd, uint8_t out[4], struct rt_err *err)
{
	unsigned v[4] = { ymd / 1000000, (ymd / 10000) % 100, (ymd / 100) % 100, ymd % 100 };
	uint32_t back;
	int i;

	if (ymd > 99991231u)
		return rt_err_set(err, RT_EINVAL, "date %u is not YYYYMMDD", (unsigned)ymd);
	for (i = 0; i < 4; i++)
		out[i] = (uint8_t)(((v[i] / 10) << 4) | (v[i] % 10));
	if (rt_gpcert_date_decode(out, 4, &back, err))
		return rt_err_set(err, RT_EINVAL, "date %u is not a calendar date", (unsigned)ymd);
	return 0;
}

/* Discretionary data: C8 (type) and C9 (AKI) are read when present; other TLVs are
 * kept as part of the raw value. The value must be a TLV sequence. */
static int rt_gpcert_dd(const struct rt_tlv *t, struct rt_gpcert *c, struct rt_err *err)
{
	struct rt_tlv_iter it;
	struct rt_tlv s;
	int rc;

	rt_tlv_iter_init(&it, t->value, t->len, 0);
	it.base = t->offset + t->hdr_len;
	while (!rt_tlv_iter_done(&it)) {
		rc = rt_tlv_next(&it, &s, err);
		if (rc)
			return rt_err_wrap(err, "7F21 discretionary data");
		if (s.tag == 0xC8) {
			if (c->cert_type >= 0)
				return rt_err_set(err, RT_EPROTO, "7F21: C8 repeated at offset %zu",
						  s.offset);
			if (s.len != 1)
				return rt_err_set(err, RT_EPROTO,
						  "7F21: certificate type C8 is %zu bytes, 1 expected", s.len);
			c->cert_type = s.value[0];
		} else if (s.tag == 0xC9) {
			if (c->aki.p)
				return rt_err_set(err, RT_EPROTO, "7F21: C9 repeated at offset %zu",
						  s.offset);
			c->aki.p = s.value;
			c->aki.len = s.len;
		}
	}
	return 0;
}

/* 7F49 { B0 point, F0 ref } */
static int rt_gpcert_pk(const struct rt_tlv *t, struct rt_gpcert *c, struct rt_err *err)
{
	struct rt_tlv_iter it;
	struct rt_tlv s;
	int rc;

	rt_tlv_iter_init(&it, t->value, t->len, 0);
	it.base = t->offset + t->hdr_len;
	while (!rt_tlv_iter_done(&it)) {
		rc = rt_tlv_next(&it, &s, err);
		if (rc)
			return rt_err_wrap(err, "7F21 public key 7F49");
		if (s.tag == 0xB0) {
			if (c->public_key.p)
				return rt_err_set(err, RT_EPROTO, "7F49: B0 repeated at offset %zu", s.offset);
			if (s.len == 0)
				return rt_err_set(err, RT_EPROTO, "7F49: empty public point B0");
			c->public_key.p = s.value;
			c->public_key.len = s.len;
		} else if (s.tag == 0xF0) {
			if (c->key_param_ref >= 0)
				return rt_err_set(err, RT_EPROTO, "7F49: F0 repeated at offset %zu", s.offset);
			if (s.len != 1)
				return rt_err_set(err, RT_EPROTO,
						  "7F49: key parameter reference F0 is %zu bytes, 1 expected",
						  s.len);
			c->key_param_ref = s.value[0];
		} else {
			return rt_err_set(err, RT_EPROTO, "7F49: unexpected tag %X at offset %zu",
					  (unsigned)s.tag, s.offset);
		}
	}
	if (!c->public_key.p)
		return rt_err_set(err, RT_EPROTO, "7F49 without public point B0");
	return 0;
}

int rt_gpcert_decode(const uint8_t *buf, size_t len, unsigned flags, struct rt_gpcert *out,
		     size_t *used, struct rt_err *err)
{
	struct rt_gpcert c;
	struct rt_tlv outer, t;
	struct rt_tlv_iter it;
	int seen[RT_GPCERT_NFIELDS] = { 0 };
	int last = -1, rc;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.cert_type = -1;
	c.key_param_ref = -1;
	if (!buf || len == 0)
		return rt_err_set(err, RT_EPROTO, "7F21 certificate: no bytes");
	rc = rt_tlv_decode(buf, len, 0, 0, 0, &outer, err);
	if (rc)
		return rt_err_wrap(err, "7F21 certificate");
	if (outer.tag != 0x7F21)
		return rt_err_set(err, RT_EPROTO, "certificate tag is %X, 7F21 expected",
				  (unsigned)outer.tag);
	if (outer.indefinite)
		return rt_err_set(err, RT_EPROTO, "7F21 with indefinite length");
	if (outer.total_len > RT_GPCERT_MAX)
		return rt_err_set(err, RT_EPROTO, "7F21 is %zu bytes, at most %d accepted",
				  outer.total_len, RT_GPCERT_MAX);
	if (outer.total_len != len && !(flags & RT_GPCERT_F_TRAILING))
		return rt_err_set(err, RT_EPROTO, "%zu bytes after the 7F21 certificate",
				  len - outer.total_len);
	rc = rt_tlv_iter_init_children(&it, &outer, 0, 0, err);
	if (rc)
		return rc;
	while (!rt_tlv_iter_done(&it)) {
		int idx;

		rc = rt_tlv_next(&it, &t, err);
		if (rc)
			return rt_err_wrap(err, "7F21 certificate");
		if (seen[RT_GPCERT_NFIELDS - 1])
			return rt_err_set(err, RT_EPROTO, "7F21: tag %X at offset %zu after the signature 5F37",
					  (unsigned)t.tag, t.offset);
		idx = rt_gpcert_field_index(t.tag);
		if (idx < 0) {
			if (flags & RT_GPCERT_F_ALLOW_UNKNOWN)
				continue;
			return rt_err_set(err, RT_EPROTO, "7F21: unknown tag %X at offset %zu",
					  (unsigned)t.tag, t.offset);
		}
		if (seen[idx])
			return rt_err_set(err, RT_EPROTO, "7F21: %s repeated at offset %zu",
					  k_fields[idx].name, t.offset);
		if (idx < last && !(flags & RT_GPCERT_F_ANY_ORDER) && idx != (int)RT_GPCERT_NFIELDS - 1)
			return rt_err_set(err, RT_EPROTO, "7F21: %s at offset %zu out of order",
					  k_fields[idx].name, t.offset);
		seen[idx] = 1;
		last = idx;
		switch (t.tag) {
		case 0x93:
			c.serial.p = t.value;
			c.serial.len = t.len;
			break;
		case 0x42:
			c.ca_id.p = t.value;
			c.ca_id.len = t.len;
			break;
		case 0x5F20:
			c.subject_id.p = t.value;
			c.subject_id.len = t.len;
			break;
		case 0x95:
			/* 1 byte in both encoders, 2 in NJIWA's decoder (sgp02-facts §4.4) */
			if (t.len != 1 && t.len != 2)
				return rt_err_set(err, RT_EPROTO, "7F21: key usage 95 is %zu bytes, 1 or 2 expected",
						  t.len);
			c.key_usage = t.len == 1 ? t.value[0] : ((uint32_t)t.value[0] << 8) | t.value[1];
			c.key_usage_len = t.len;
			break;
		case 0x5F25:
			rc = rt_gpcert_date_decode(t.value, t.len, &c.effective, err);
			if (rc)
				return rt_err_wrap(err, "7F21 effective date 5F25 at offset %zu", t.offset);
			break;
		case 0x5F24:
			rc = rt_gpcert_date_decode(t.value, t.len, &c.expiration, err);
			if (rc)
				return rt_err_wrap(err, "7F21 expiration date 5F24 at offset %zu", t.offset);
			break;
		case 0x45:
			c.image_number.p = t.value;
			c.image_number.len = t.len;
			break;
		case 0x73:
		case 0x53:
			c.discretionary_tag = t.tag;
			c.discretionary.p = t.value;
			c.discretionary.len = t.len;
			rc = rt_gpcert_dd(&t, &c, err);
			if (rc)
				return rc;
			break;
		case 0x7F49:
			rc = rt_gpcert_pk(&t, &c, err);
			if (rc)
				return rc;
			break;
		case 0x5F37:
			if (t.len == 0)
				return rt_err_set(err, RT_EPROTO, "7F21: empty signature 5F37");
			c.signature.p = t.value;
			c.signature.len = t.len;
			/* signed data: every byte of the value before 5F37 */
			c.signed_data.p = outer.value;
			c.signed_data.len = t.offset - (outer.offset + outer.hdr_len);
			break;
		}
	}
	for (i = 0; i < RT_GPCERT_NFIELDS; i++)
		if (k_fields[i].mandatory && !seen[i])
			return rt_err_set(err, RT_EPROTO, "7F21: %s missing", k_fields[i].name);
	c.raw.p = buf;
	c.raw.len = outer.total_len;
	*out = c;
	if (used)
		*used = outer.total_len;
	return 0;
}

static int rt_gpcert_put(struct rt_buf *b, uint32_t tag, struct rt_gpcert_bytes v,
			 const char *what, struct rt_err *err)
{
	if (!v.p)
		return rt_err_set(err, RT_EINVAL, "7F21 encode: %s missing", what);
	return rt_tlv_put(b, tag, v.p, v.len, err);
}

int rt_gpcert_encode_tbs(const struct rt_gpcert_fields *f, struct rt_buf *out,
			 struct rt_err *err)
{
	uint8_t tmp[4];
	struct rt_buf sub;
	int rc;

	rt_buf_init(&sub, RT_GPCERT_MAX);
	if ((rc = rt_gpcert_put(out, 0x93, f->serial, "serial 93", err)) != 0 ||
	    (rc = rt_gpcert_put(out, 0x42, f->ca_id, "CA identifier 42", err)) != 0 ||
	    (rc = rt_gpcert_put(out, 0x5F20, f->subject_id, "subject identifier 5F20", err)) != 0)
		goto out;
	if (f->key_usage_len == 1) {
		tmp[0] = (uint8_t)f->key_usage;
	} else if (f->key_usage_len == 2) {
		tmp[0] = (uint8_t)(f->key_usage >> 8);
		tmp[1] = (uint8_t)f->key_usage;
	} else {
		rc = rt_err_set(err, RT_EINVAL, "7F21 encode: key usage length %zu, 1 or 2 expected",
				f->key_usage_len);
		goto out;
	}
	if ((rc = rt_tlv_put(out, 0x95, tmp, f->key_usage_len, err)) != 0)
		goto out;
	if (f->effective) {
		if ((rc = rt_gpcert_date_encode(f->effective, tmp, err)) != 0 ||
		    (rc = rt_tlv_put(out, 0x5F25, tmp, 4, err)) != 0)
			goto out;
	}
	if ((rc = rt_gpcert_date_encode(f->expiration, tmp, err)) != 0 ||
	    (rc = rt_tlv_put(out, 0x5F24, tmp, 4, err)) != 0)
		goto out;
	if (f->image_number.p && (rc = rt_tlv_put(out, 0x45, f->image_number.p,
						  f->image_number.len, err)) != 0)
		goto out;
	if (f->cert_type >= 0) {
		tmp[0] = (uint8_t)f->cert_type;
		if ((rc = rt_tlv_put(&sub, 0xC8, tmp, 1, err)) != 0)
			goto out;
	}
	if (f->aki.p && (rc = rt_tlv_put(&sub, 0xC9, f->aki.p, f->aki.len, err)) != 0)
		goto out;
	if (f->dd_extra.p && f->dd_extra.len &&
	    (rc = rt_buf_append(&sub, f->dd_extra.p, f->dd_extra.len)) != 0) {
		rc = rt_err_set(err, rc, "7F21 encode: discretionary data too long");
		goto out;
	}
	if (sub.len && (rc = rt_tlv_put(out, 0x73, sub.data, sub.len, err)) != 0)
		goto out;
	rt_buf_reset(&sub);
	if ((rc = rt_gpcert_put(&sub, 0xB0, f->public_key, "public key B0", err)) != 0)
		goto out;
	if (f->key_param_ref >= 0) {
		tmp[0] = (uint8_t)f->key_param_ref;
		if ((rc = rt_tlv_put(&sub, 0xF0, tmp, 1, err)) != 0)
			goto out;
	}
	rc = rt_tlv_put(out, 0x7F49, sub.data, sub.len, err);
out:
	rt_buf_free(&sub);
	return rc;
}

int rt_gpcert_wrap(const uint8_t *tbs, size_t tbslen, const uint8_t *sig, size_t siglen,
		   struct rt_buf *out, struct rt_err *err)
{
	struct rt_buf v;
	int rc;

	rt_buf_init(&v, RT_GPCERT_MAX);
	if (rt_buf_append(&v, tbs, tbslen)) {
		rc = rt_err_set(err, RT_ENOMEM, "7F21: signed part too long (%zu bytes)", tbslen);
		goto out;
	}
	if ((rc = rt_tlv_put(&v, 0x5F37, sig, siglen, err)) != 0)
		goto out;
	rc = rt_tlv_put(out, 0x7F21, v.data, v.len, err);
out:
	rt_buf_free(&v);
	return rc;
}
