/* SPDX-License-Identifier: Apache-2.0 */
/* rt_ctlv — COMPREHENSION-TLV (TS 101 220 §7.1.1) decoding, search and encoding.
 *
 * Owns the byte rules only; what the objects mean (device identities, address, SMS TPDU)
 * belongs to the modules that use them (rt_sms for the SMS-PP DOWNLOAD envelope). */
#include "codec/rt_ctlv.h"

#include <inttypes.h>

/* TS 101 220 §7.1.1.1: the first tag byte 7F announces the three-byte format. */
#define RT_CTLV_TAG3 0x7Fu

uint32_t rt_ctlv_tag_nocr(uint32_t tag)
{
	/* 1-byte tags: CR is b8; 3-byte tags: CR is b8 of the second byte. */
	return tag > 0xFF ? tag & ~0x8000u : tag & ~0x80u;
}

uint32_t rt_ctlv_tag_cr(uint32_t tag)
{
	return tag > 0xFF ? tag | 0x8000u : tag | 0x80u;
}

int rt_ctlv_tag_size(uint32_t tag, size_t *n, struct rt_err *err)
{
	if (tag <= 0xFF) {
		/* 00 and FF are not tags, 80 is reserved, 7F starts the 3-byte form. */
		if (tag == 0x00 || tag == 0xFF || tag == 0x80 || tag == RT_CTLV_TAG3)
			return rt_err_set(err, RT_EINVAL,
					  "%02" PRIX32 " is not a COMPREHENSION-TLV tag", tag);
		*n = 1;
		return 0;
	}
	if ((tag >> 16) != RT_CTLV_TAG3 || (tag & 0x7FFFu) == 0)
		return rt_err_set(err, RT_EINVAL,
				  "%06" PRIX32 " is not a COMPREHENSION-TLV tag (3-byte tags are 7F + "
				  "CR bit + a non-zero 15-bit value)", tag);
	*n = 3;
	return 0;
}

int rt_ctlv_decode(const uint8_t *buf, size_t len, size_t base, struct rt_ctlv *out,
		   struct rt_err *err)
{
	size_t pos = 0, vlen;
	uint32_t tag;
	uint8_t lb;

	if (len == 0)
		return rt_err_set(err, RT_EPROTO, "COMPREHENSION-TLV at offset %zu: no bytes", base);
	tag = buf[0];
	if (tag == 0x00 || tag == 0xFF || tag == 0x80)
		return rt_err_set(err, RT_EPROTO,
				  "tag byte %02" PRIX32 " at offset %zu: not a COMPREHENSION-TLV tag",
				  tag, base);
	pos = 1;
	if (tag == RT_CTLV_TAG3) {
		if (len < 3)
			return rt_err_set(err, RT_EPROTO,
					  "tag 7F.. at offset %zu: three-byte tag truncated", base);
		tag = (tag << 16) | ((uint32_t)buf[1] << 8) | buf[2];
		if ((tag & 0x7FFFu) == 0)
			return rt_err_set(err, RT_EPROTO,
					  "tag %06" PRIX32 " at offset %zu: three-byte tag value 0000",
					  tag, base);
		pos = 3;
	}
	out->tag = tag;
	out->tag_len = pos;
	out->tag_nocr = rt_ctlv_tag_nocr(tag);
	out->cr = out->tag != out->tag_nocr;
	if (pos >= len)
		return rt_err_set(err, RT_EPROTO,
				  "tag %0*" PRIX32 " at offset %zu: length missing (truncated)",
				  (int)pos * 2, tag, base);
	lb = buf[pos++];
	if (lb < 0x80) {
		vlen = lb;
	} else if (lb == 0x81) {
		if (pos >= len)
			return rt_err_set(err, RT_EPROTO,
					  "tag %0*" PRIX32 " at offset %zu: length 81 truncated",
					  (int)out->tag_len * 2, tag, base);
		vlen = buf[pos++];
		/* TS 101 220 §7.1.2: the two-byte form codes 128..255 only. */
		if (vlen < 0x80)
			return rt_err_set(err, RT_EPROTO,
					  "tag %0*" PRIX32 " at offset %zu: length 81 %02zX (the 81 form codes 80..FF)",
					  (int)out->tag_len * 2, tag, base, vlen);
	} else {
		return rt_err_set(err, RT_EPROTO,
				  "tag %0*" PRIX32 " at offset %zu: length form %02X (COMPREHENSION-TLV uses 00..7F or 81 xx)",
				  (int)out->tag_len * 2, tag, base, lb);
	}
	if (vlen > len - pos)
		return rt_err_set(err, RT_EPROTO,
				  "tag %0*" PRIX32 " at offset %zu: value truncated (%zu bytes announced, %zu present)",
				  (int)out->tag_len * 2, tag, base, vlen, len - pos);
	out->value = buf + pos;
	out->len = vlen;
	out->hdr_len = pos;
	out->total_len = pos + vlen;
	out->offset = base;
	return 0;
}

void rt_ctlv_iter_init(struct rt_ctlv_iter *it, const uint8_t *buf, size_t len)
{
	it->buf = buf;
	it->len = len;
	it->pos = 0;
	it->base = 0;
}

int rt_ctlv_iter_done(const struct rt_ctlv_iter *it)
{
	return it->pos >= it->len;
}

int rt_ctlv_next(struct rt_ctlv_iter *it, struct rt_ctlv *out, struct rt_err *err)
{
	int rc;

	if (it->pos >= it->len)
		return rt_err_set(err, RT_ENOENT, "end of COMPREHENSION-TLV sequence at offset %zu",
				  it->base + it->pos);
	rc = rt_ctlv_decode(it->buf + it->pos, it->len - it->pos, it->base + it->pos, out, err);
	if (rc)
		return rc;
	it->pos += out->total_len;
	return 0;
}

int rt_ctlv_validate(const uint8_t *buf, size_t len, struct rt_err *err)
{
	struct rt_ctlv_iter it;
	struct rt_ctlv t;
	int rc;

	rt_ctlv_iter_init(&it, buf, len);
	while (!rt_ctlv_iter_done(&it))
		if ((rc = rt_ctlv_next(&it, &t, err)) != 0)
			return rc;
	return 0;
}

int rt_ctlv_find(const uint8_t *buf, size_t len, uint32_t tag, unsigned flags,
		 struct rt_ctlv *out, struct rt_err *err)
{
	struct rt_ctlv_iter it;
	uint32_t want = (flags & RT_CTLV_F_ANY_CR) ? rt_ctlv_tag_nocr(tag) : tag;
	int rc;

	rt_ctlv_iter_init(&it, buf, len);
	while (!rt_ctlv_iter_done(&it)) {
		if ((rc = rt_ctlv_next(&it, out, err)) != 0)
			return rc;
		if (((flags & RT_CTLV_F_ANY_CR) ? out->tag_nocr : out->tag) == want)
			return 0;
	}
	return rt_err_set(err, RT_ENOENT, "COMPREHENSION-TLV tag %0*" PRIX32 " not found",
			  tag > 0xFF ? 6 : 2, tag);
}

int rt_ctlv_put(struct rt_buf *b, uint32_t tag, const uint8_t *value, size_t len,
		struct rt_err *err)
{
	uint8_t hdr[RT_CTLV_HDR_MAX];
	size_t n = 0, tn;
	int rc;

	if ((rc = rt_ctlv_tag_size(tag, &tn, err)) != 0)
		return rc;
	if (len > RT_CTLV_VALUE_MAX)
		return rt_err_set(err, RT_ERANGE,
				  "COMPREHENSION-TLV tag %0*" PRIX32 ": value of %zu bytes over 255",
				  (int)tn * 2, tag, len);
	if (tn == 3) {
		hdr[n++] = RT_CTLV_TAG3;
		hdr[n++] = (uint8_t)(tag >> 8);
	}
	hdr[n++] = (uint8_t)tag;
	if (len >= 0x80)
		hdr[n++] = 0x81;
	hdr[n++] = (uint8_t)len;
	if (rt_buf_append(b, hdr, n) || (len && rt_buf_append(b, value, len)))
		return rt_err_set(err, RT_ENOMEM,
				  "COMPREHENSION-TLV tag %0*" PRIX32 ": output buffer full",
				  (int)tn * 2, tag);
	return 0;
}
