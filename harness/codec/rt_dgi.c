/* SPDX-License-Identifier: Apache-2.0 */
/* rt_dgi — DGI decoding, search and encoding (see rt_dgi.h for the rules). */
#include "codec/rt_dgi.h"

/* GP CS (STORE DATA, DGI format): lengths 00..FE in one byte, FF announces two more. */
#define RT_DGI_LEN3 0xFFu

int rt_dgi_decode(const uint8_t *buf, size_t len, size_t base, unsigned flags,
		  struct rt_dgi *out, struct rt_err *err)
{
	size_t vlen, hl;

	if (len < 2)
		return rt_err_set(err, RT_EPROTO, "DGI at offset %zu: tag truncated (%zu byte)",
				  base, len);
	out->tag = (uint16_t)(buf[0] << 8 | buf[1]);
	if (len < 3)
		return rt_err_set(err, RT_EPROTO, "DGI %04X at offset %zu: length missing",
				  out->tag, base);
	if (buf[2] != RT_DGI_LEN3) {
		vlen = buf[2];
		hl = 3;
	} else {
		if (len < 5)
			return rt_err_set(err, RT_EPROTO,
					  "DGI %04X at offset %zu: length FF truncated", out->tag,
					  base);
		vlen = (size_t)buf[3] << 8 | buf[4];
		hl = 5;
		if (vlen < RT_DGI_LEN3 && !(flags & RT_DGI_F_NONMINIMAL))
			return rt_err_set(err, RT_EPROTO,
					  "DGI %04X at offset %zu: length FF %04zX for a length that fits one byte",
					  out->tag, base, vlen);
	}
	if (vlen > len - hl)
		return rt_err_set(err, RT_EPROTO,
				  "DGI %04X at offset %zu: value truncated (%zu bytes announced, %zu present)",
				  out->tag, base, vlen, len - hl);
	out->value = buf + hl;
	out->len = vlen;
	out->hdr_len = hl;
	out->total_len = hl + vlen;
	out->offset = base;
	return 0;
}

void rt_dgi_iter_init(struct rt_dgi_iter *it, const uint8_t *buf, size_t len, unsigned flags)
{
	it->buf = buf;
	it->len = len;
	it->pos = 0;
	it->flags = flags;
}

int rt_dgi_iter_done(const struct rt_dgi_iter *it)
{
	return it->pos >= it->len;
}

int rt_dgi_next(struct rt_dgi_iter *it, struct rt_dgi *out, struct rt_err *err)
{
	int rc;

	if (it->pos >= it->len)
		return rt_err_set(err, RT_ENOENT, "end of DGI sequence at offset %zu", it->pos);
	rc = rt_dgi_decode(it->buf + it->pos, it->len - it->pos, it->pos, it->flags, out, err);
	if (rc)
		return rc;
	it->pos += out->total_len;
	return 0;
}

int rt_dgi_validate(const uint8_t *buf, size_t len, unsigned flags, struct rt_err *err)
{
	struct rt_dgi_iter it;
	struct rt_dgi d;
	int rc;

	rt_dgi_iter_init(&it, buf, len, flags);
	while (!rt_dgi_iter_done(&it))
		if ((rc = rt_dgi_next(&it, &d, err)) != 0)
			return rc;
	return 0;
}

int rt_dgi_find(const uint8_t *buf, size_t len, uint16_t tag, unsigned flags,
		struct rt_dgi *out, struct rt_err *err)
{
	struct rt_dgi_iter it;
	int rc;

	rt_dgi_iter_init(&it, buf, len, flags);
	while (!rt_dgi_iter_done(&it)) {
		if ((rc = rt_dgi_next(&it, out, err)) != 0)
			return rc;
		if (out->tag == tag)
			return 0;
	}
	return rt_err_set(err, RT_ENOENT, "DGI %04X not found", tag);
}

size_t rt_dgi_len_size(size_t len)
{
	if (len < RT_DGI_LEN3)
		return 1;
	return len <= RT_DGI_VALUE_MAX ? 3 : 0;
}

int rt_dgi_put(struct rt_buf *b, uint16_t tag, const uint8_t *value, size_t len,
	       struct rt_err *err)
{
	uint8_t hdr[RT_DGI_HDR_MAX];
	size_t n = 0;

	if (len > RT_DGI_VALUE_MAX)
		return rt_err_set(err, RT_ERANGE, "DGI %04X: value of %zu bytes over 65535", tag,
				  len);
	hdr[n++] = (uint8_t)(tag >> 8);
	hdr[n++] = (uint8_t)tag;
	if (len < RT_DGI_LEN3) {
		hdr[n++] = (uint8_t)len;
	} else {
		hdr[n++] = RT_DGI_LEN3;
		hdr[n++] = (uint8_t)(len >> 8);
		hdr[n++] = (uint8_t)len;
	}
	if (rt_buf_append(b, hdr, n) || (len && rt_buf_append(b, value, len)))
		return rt_err_set(err, RT_ENOMEM, "DGI %04X: output buffer full", tag);
	return 0;
}
