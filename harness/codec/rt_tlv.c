/* SPDX-License-Identifier: Apache-2.0 */
/* rt_tlv — BER-TLV decoding and encoding for ISO 7816-4 / GP / SGP.02; see rt_tlv.h.
 *
 * Owns the byte-level rules only (tag and length forms, end-of-contents, padding,
 * nesting limit); what a tag means belongs to the codec that uses it. Every error names
 * the tag (as far as it was read) and its offset in the root buffer. */
#include "codec/rt_tlv.h"

#include <inttypes.h>
#include <string.h>

/* X.690 8.1.2.2: b6 of the first identifier octet is the constructed bit. */
#define RT_TLV_CONSTRUCTED 0x20u
/* X.690 8.1.2.4: tag number bits 11111 announce subsequent tag bytes. */
#define RT_TLV_TAGNUM_MASK 0x1Fu
/* X.690 8.1.2.4.2: in subsequent tag bytes b8 = 1 means another byte follows. */
#define RT_TLV_MORE 0x80u
/* X.690 8.1.3.6: length octet 80 = indefinite form. */
#define RT_TLV_INDEF 0x80u

/* Width in hex digits for printing a tag of n bytes. */
static int rt_tlv_tagw(size_t n)
{
	return (int)(2 * (n ? n : 1));
}

static int rt_tlv_is_filler(uint8_t b)
{
	/* GP / ISO 7816-4 5.2.2.1: 00 and FF may pad between BER-TLV data objects. */
	return b == 0x00 || b == 0xFF;
}

/* Reads the tag at buf[0..len); *tag, *n receive it. */
static int rt_tlv_read_tag(const uint8_t *buf, size_t len, size_t base, uint32_t *tag,
			   size_t *n, struct rt_err *err)
{
	uint32_t t;
	size_t pos = 1;

	if (len == 0)
		return rt_err_set(err, RT_EPROTO, "TLV at offset %zu: empty, tag missing", base);
	t = buf[0];
	/* X.690 8.1.5: 00 is the end-of-contents marker, never a tag; outside indefinite
	 * content it can only be filler, which is accepted only with RT_TLV_F_PADDING. */
	if (t == 0x00)
		return rt_err_set(err, RT_EPROTO,
				  "tag byte 00 at offset %zu: not a tag (end-of-contents or filler)",
				  base);
	if ((t & RT_TLV_TAGNUM_MASK) == RT_TLV_TAGNUM_MASK) {
		for (;;) {
			uint8_t b;

			if (pos >= len)
				return rt_err_set(err, RT_EPROTO,
						  "tag %0*" PRIX32 ".. at offset %zu: tag truncated",
						  rt_tlv_tagw(pos), t, base);
			b = buf[pos++];
			t = t << 8 | b;
			if (!(b & RT_TLV_MORE))
				break;
			/* ISO 7816-4 5.2.2.1 (and GP, SGP.02) use tags of at most 3 bytes. */
			if (pos >= RT_TLV_TAG_MAX)
				return rt_err_set(err, RT_EPROTO,
						  "tag %0*" PRIX32 ".. at offset %zu: tag longer than %d bytes",
						  rt_tlv_tagw(pos), t, base, RT_TLV_TAG_MAX);
		}
	}
	*tag = t;
	*n = pos;
	return 0;
}

int rt_tlv_decode(const uint8_t *buf, size_t len, size_t base, int depth, unsigned flags,
		  struct rt_tlv *out, struct rt_err *err)
{
	uint32_t tag = 0;
	size_t tn = 0, pos, vlen = 0;
	uint8_t lb;
	int rc, w;

	if (depth >= RT_TLV_MAX_DEPTH)
		return rt_err_set(err, RT_EPROTO,
				  "TLV at offset %zu: nesting deeper than %d levels", base,
				  RT_TLV_MAX_DEPTH);
	rc = rt_tlv_read_tag(buf, len, base, &tag, &tn, err);
	if (rc)
		return rc;
	w = rt_tlv_tagw(tn);
	pos = tn;
	memset(out, 0, sizeof(*out));
	out->tag = tag;
	out->tag_len = tn;
	out->offset = base;
	out->constructed = (buf[0] & RT_TLV_CONSTRUCTED) != 0;

	if (pos >= len)
		return rt_err_set(err, RT_EPROTO,
				  "tag %0*" PRIX32 " at offset %zu: length missing (truncated)", w,
				  tag, base);
	lb = buf[pos++];
	if (lb == RT_TLV_INDEF) {
		size_t p = pos;

		/* X.690 8.1.3.2 a): the indefinite form is only for constructed encodings. */
		if (!out->constructed)
			return rt_err_set(err, RT_EPROTO,
					  "tag %0*" PRIX32 " at offset %zu: indefinite length on a primitive tag",
					  w, tag, base);
		/* X.690 8.1.3.6: the content is a sequence of complete TLVs ended by 00 00;
		 * a 00 00 inside a nested TLV is not the end, so the end is found by
		 * walking the children, not by searching for the marker. */
		for (;;) {
			struct rt_tlv child;

			if (p + 1 < len && buf[p] == 0x00 && buf[p + 1] == 0x00)
				break;
			if ((flags & RT_TLV_F_PADDING) && p < len && rt_tlv_is_filler(buf[p])) {
				/* A lone 00 followed by something other than 00 is filler. */
				p++;
				continue;
			}
			if (p >= len || (p + 1 == len && buf[p] == 0x00))
				return rt_err_set(err, RT_EPROTO,
						  "tag %0*" PRIX32 " at offset %zu: indefinite length without end-of-contents 00 00",
						  w, tag, base);
			rc = rt_tlv_decode(buf + p, len - p, base + p, depth + 1, flags, &child,
					   err);
			if (rc)
				return rc;
			p += child.total_len;
		}
		out->indefinite = 1;
		out->value = buf + pos;
		out->len = p - pos;
		out->hdr_len = pos;
		out->total_len = p + 2;
		return 0;
	}
	if (lb < 0x80) {
		/* X.690 8.1.3.4: short form, one byte 0..127. */
		vlen = lb;
	} else {
		size_t nb = lb & 0x7Fu, i;

		/* X.690 8.1.3.5 long form; ISO 7816-4 5.2.2.2 and GP use 81..84 at most.
		 * Non-minimal forms (81 05) are valid BER and accepted. */
		if (nb > 4)
			return rt_err_set(err, RT_EPROTO,
					  "tag %0*" PRIX32 " at offset %zu: length form %02X uses %zu bytes (max 4)",
					  w, tag, base, lb, nb);
		if (len - pos < nb)
			return rt_err_set(err, RT_EPROTO,
					  "tag %0*" PRIX32 " at offset %zu: length truncated (%zu of %zu length bytes)",
					  w, tag, base, len - pos, nb);
		for (i = 0; i < nb; i++)
			vlen = vlen << 8 | buf[pos++];
	}
	if (vlen > len - pos)
		return rt_err_set(err, RT_EPROTO,
				  "tag %0*" PRIX32 " at offset %zu: value truncated (length %zu, %zu bytes left)",
				  w, tag, base, vlen, len - pos);
	out->value = buf + pos;
	out->len = vlen;
	out->hdr_len = pos;
	out->total_len = pos + vlen;
	return 0;
}

void rt_tlv_iter_init(struct rt_tlv_iter *it, const uint8_t *buf, size_t len, unsigned flags)
{
	it->buf = buf;
	it->len = len;
	it->pos = 0;
	it->base = 0;
	it->flags = flags;
	it->depth = 0;
}

int rt_tlv_iter_init_children(struct rt_tlv_iter *it, const struct rt_tlv *parent,
			      int parent_depth, unsigned flags, struct rt_err *err)
{
	int w = rt_tlv_tagw(parent->tag_len);

	if (!parent->constructed)
		return rt_err_set(err, RT_EPROTO,
				  "tag %0*" PRIX32 " at offset %zu is primitive: no nested TLVs", w,
				  parent->tag, parent->offset);
	/* The depth limit is enforced when a child at too deep a level is decoded, so an
	 * empty constructed TLV at the last allowed level is still fine. */
	if (parent_depth >= RT_TLV_MAX_DEPTH)
		parent_depth = RT_TLV_MAX_DEPTH;
	it->buf = parent->value;
	it->len = parent->len;
	it->pos = 0;
	it->base = parent->offset + parent->hdr_len;
	it->flags = flags;
	it->depth = parent_depth + 1;
	return 0;
}

static size_t rt_tlv_skip_filler(const struct rt_tlv_iter *it, size_t pos)
{
	if (!(it->flags & RT_TLV_F_PADDING))
		return pos;
	while (pos < it->len && rt_tlv_is_filler(it->buf[pos]))
		pos++;
	return pos;
}

int rt_tlv_iter_done(const struct rt_tlv_iter *it)
{
	return rt_tlv_skip_filler(it, it->pos) >= it->len;
}

int rt_tlv_next(struct rt_tlv_iter *it, struct rt_tlv *out, struct rt_err *err)
{
	size_t pos = rt_tlv_skip_filler(it, it->pos);
	int rc;

	if (pos >= it->len)
		return rt_err_set(err, RT_ENOENT, "no more TLVs after offset %zu", it->base + pos);
	rc = rt_tlv_decode(it->buf + pos, it->len - pos, it->base + pos, it->depth, it->flags,
			   out, err);
	if (rc)
		return rc;
	it->pos = pos + out->total_len;
	return 0;
}

static int rt_tlv_validate_seq(struct rt_tlv_iter *it, struct rt_err *err)
{
	while (!rt_tlv_iter_done(it)) {
		struct rt_tlv t;
		struct rt_tlv_iter sub;
		int rc = rt_tlv_next(it, &t, err);

		if (rc)
			return rc;
		if (!t.constructed)
			continue;
		/* X.690 8.1.2.5: a constructed value is itself a series of TLVs. */
		rc = rt_tlv_iter_init_children(&sub, &t, it->depth, it->flags, err);
		if (rc)
			return rc;
		rc = rt_tlv_validate_seq(&sub, err);
		if (rc)
			return rc;
	}
	return 0;
}

int rt_tlv_validate(const uint8_t *buf, size_t len, unsigned flags, struct rt_err *err)
{
	struct rt_tlv_iter it;

	rt_tlv_iter_init(&it, buf, len, flags);
	return rt_tlv_validate_seq(&it, err);
}

/* First TLV with tag at the iterator's level. */
static int rt_tlv_find_in(struct rt_tlv_iter *it, uint32_t tag, struct rt_tlv *out,
			  struct rt_err *err)
{
	while (!rt_tlv_iter_done(it)) {
		int rc = rt_tlv_next(it, out, err);

		if (rc)
			return rc;
		if (out->tag == tag)
			return 0;
	}
	return rt_err_set(err, RT_ENOENT, "tag %02" PRIX32 " not found (offsets %zu..%zu)", tag,
			  it->base, it->base + it->len);
}

int rt_tlv_find(const uint8_t *buf, size_t len, uint32_t tag, unsigned flags,
		struct rt_tlv *out, struct rt_err *err)
{
	struct rt_tlv_iter it;

	rt_tlv_iter_init(&it, buf, len, flags);
	return rt_tlv_find_in(&it, tag, out, err);
}

int rt_tlv_find_path(const uint8_t *buf, size_t len, const uint32_t *path, size_t npath,
		     unsigned flags, struct rt_tlv *out, struct rt_err *err)
{
	struct rt_tlv_iter it;
	struct rt_tlv t;
	size_t i;
	int rc;

	if (npath == 0 || npath > RT_TLV_MAX_DEPTH)
		return rt_err_set(err, RT_EINVAL, "TLV path of %zu tags (1..%d allowed)", npath,
				  RT_TLV_MAX_DEPTH);
	rt_tlv_iter_init(&it, buf, len, flags);
	for (i = 0; i < npath; i++) {
		rc = rt_tlv_find_in(&it, path[i], &t, err);
		if (rc)
			return rc;
		if (i + 1 == npath)
			break;
		rc = rt_tlv_iter_init_children(&it, &t, it.depth, flags, err);
		if (rc)
			return rc;
	}
	*out = t;
	return 0;
}

int rt_tlv_tag_size(uint32_t tag, size_t *n, struct rt_err *err)
{
	uint8_t b[RT_TLV_TAG_MAX];
	size_t cnt, i;

	if (tag <= 0xFFu)
		cnt = 1;
	else if (tag <= 0xFFFFu)
		cnt = 2;
	else if (tag <= 0xFFFFFFu)
		cnt = 3;
	else
		return rt_err_set(err, RT_EINVAL, "tag %08" PRIX32 ": longer than %d bytes", tag,
				  RT_TLV_TAG_MAX);
	for (i = 0; i < cnt; i++)
		b[i] = (uint8_t)(tag >> (8 * (cnt - 1 - i)));
	/* X.690 8.1.5: 00 is end-of-contents, not a tag. */
	if (b[0] == 0x00)
		return rt_err_set(err, RT_EINVAL, "tag %0*" PRIX32 ": first byte 00 is not a tag",
				  rt_tlv_tagw(cnt), tag);
	/* X.690 8.1.2.4: one byte iff the tag number bits are not 11111. */
	if ((cnt == 1) == ((b[0] & RT_TLV_TAGNUM_MASK) == RT_TLV_TAGNUM_MASK))
		return rt_err_set(err, RT_EINVAL,
				  "tag %0*" PRIX32 ": first byte %s subsequent bytes",
				  rt_tlv_tagw(cnt), tag, cnt == 1 ? "announces" : "does not announce");
	/* X.690 8.1.2.4.2: b8 set on every subsequent byte but the last. */
	for (i = 1; i < cnt; i++) {
		int more = (b[i] & RT_TLV_MORE) != 0;

		if (more != (i + 1 < cnt))
			return rt_err_set(err, RT_EINVAL,
					  "tag %0*" PRIX32 ": byte %zu has b8 %s", rt_tlv_tagw(cnt),
					  tag, i + 1, more ? "set on the last byte" : "clear before the last byte");
	}
	*n = cnt;
	return 0;
}

int rt_tlv_tag_encode(uint32_t tag, uint8_t out[RT_TLV_TAG_MAX], size_t *n, struct rt_err *err)
{
	size_t cnt, i;
	int rc = rt_tlv_tag_size(tag, &cnt, err);

	if (rc)
		return rc;
	for (i = 0; i < cnt; i++)
		out[i] = (uint8_t)(tag >> (8 * (cnt - 1 - i)));
	*n = cnt;
	return 0;
}

size_t rt_tlv_len_size(size_t len)
{
	if (len < 0x80)
		return 1;
	if (len <= 0xFFu)
		return 2;
	if (len <= 0xFFFFu)
		return 3;
	if (len <= 0xFFFFFFu)
		return 4;
	if (len <= RT_TLV_VALUE_MAX)
		return 5;
	return 0;
}

int rt_tlv_len_encode(size_t len, uint8_t out[RT_TLV_LEN_MAX], size_t *n, struct rt_err *err)
{
	size_t cnt = rt_tlv_len_size(len), i;

	if (cnt == 0)
		return rt_err_set(err, RT_ERANGE, "length %zu does not fit 4 length bytes", len);
	if (cnt == 1) {
		/* X.690 8.1.3.4: short form. */
		out[0] = (uint8_t)len;
	} else {
		/* X.690 8.1.3.5: 8x announces x big-endian length bytes. */
		out[0] = (uint8_t)(0x80u | (cnt - 1));
		for (i = 1; i < cnt; i++)
			out[i] = (uint8_t)(len >> (8 * (cnt - 1 - i)));
	}
	*n = cnt;
	return 0;
}

/* Appends n bytes, turning a full buffer into a message naming the tag. */
static int rt_tlv_append(struct rt_buf *b, const void *p, size_t n, uint32_t tag,
			 struct rt_err *err)
{
	if (rt_buf_append(b, p, n))
		return rt_err_set(err, RT_ENOMEM, "tag %02" PRIX32 ": output full (%zu of max %zu bytes)",
				  tag, b->len, b->max);
	return 0;
}

int rt_tlv_put(struct rt_buf *b, uint32_t tag, const uint8_t *value, size_t len,
	       struct rt_err *err)
{
	uint8_t hdr[RT_TLV_TAG_MAX + RT_TLV_LEN_MAX];
	size_t tn, ln;
	int rc;

	if (!value && len)
		return rt_err_set(err, RT_EINVAL, "tag %02" PRIX32 ": NULL value of length %zu", tag,
				  len);
	rc = rt_tlv_tag_encode(tag, hdr, &tn, err);
	if (rc)
		return rc;
	rc = rt_tlv_len_encode(len, hdr + tn, &ln, err);
	if (rc)
		return rc;
	rc = rt_tlv_append(b, hdr, tn + ln, tag, err);
	if (rc)
		return rc;
	return len ? rt_tlv_append(b, value, len, tag, err) : 0;
}

int rt_tlv_put_indefinite(struct rt_buf *b, uint32_t tag, const uint8_t *content, size_t len,
			  struct rt_err *err)
{
	static const uint8_t eoc[2] = { 0x00, 0x00 };
	uint8_t hdr[RT_TLV_TAG_MAX + 1];
	size_t tn;
	int rc;

	if (!content && len)
		return rt_err_set(err, RT_EINVAL, "tag %02" PRIX32 ": NULL content of length %zu",
				  tag, len);
	rc = rt_tlv_tag_encode(tag, hdr, &tn, err);
	if (rc)
		return rc;
	/* X.690 8.1.3.2 a): indefinite form only for constructed tags. */
	if (!(hdr[0] & RT_TLV_CONSTRUCTED))
		return rt_err_set(err, RT_EINVAL,
				  "tag %0*" PRIX32 ": indefinite length needs a constructed tag",
				  rt_tlv_tagw(tn), tag);
	hdr[tn] = RT_TLV_INDEF;
	rc = rt_tlv_append(b, hdr, tn + 1, tag, err);
	if (!rc && len)
		rc = rt_tlv_append(b, content, len, tag, err);
	if (!rc)
		rc = rt_tlv_append(b, eoc, sizeof(eoc), tag, err);
	return rc;
}
