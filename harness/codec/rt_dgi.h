/* SPDX-License-Identifier: Apache-2.0 */
/* rt_dgi — Data Grouping Identifier TLVs (GP Card Specification, STORE DATA with the
 * DGI structure; SGP.02 ES5/ES8 functions such as DGI 3A03 EnableProfile) (pure codec).
 *
 * A DGI is a 2-byte tag followed by a length of one byte (00..FE) or FF followed by two
 * bytes (sgp02-facts §5.2; NJIWA Utils.DGI), then the value. Decoding is strict: the
 * 3-byte form for a length that fits one byte is refused unless RT_DGI_F_NONMINIMAL is
 * given (an SM-SR that writes FF 0005 is non-conformant, but a receiver may choose to
 * accept it). Decoded values point into the caller's buffer. */
#ifndef RT_DGI_H
#define RT_DGI_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_DGI_VALUE_MAX 0xFFFFu /* longest value the FF form carries */
#define RT_DGI_HDR_MAX 5         /* tag(2) + FF + 2 */

enum rt_dgi_flags {
	RT_DGI_F_NONMINIMAL = 1u << 0, /* accept FF xxxx for lengths <= FE */
};

struct rt_dgi {
	uint16_t tag;
	const uint8_t *value; /* into the decoded buffer */
	size_t len;
	size_t hdr_len;   /* 3 or 5 */
	size_t total_len; /* hdr_len + len */
	size_t offset;    /* from the start of the root buffer */
};

struct rt_dgi_iter {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	unsigned flags;
};

/* Decodes the DGI at buf[0] (base = its offset, for messages). RT_EPROTO naming the DGI
 * and offset on a truncated tag/length/value or a non-minimal FF length (without
 * RT_DGI_F_NONMINIMAL). */
int rt_dgi_decode(const uint8_t *buf, size_t len, size_t base, unsigned flags,
		  struct rt_dgi *out, struct rt_err *err);

void rt_dgi_iter_init(struct rt_dgi_iter *it, const uint8_t *buf, size_t len, unsigned flags);

int rt_dgi_iter_done(const struct rt_dgi_iter *it);

/* Next DGI: 0, RT_ENOENT at the end, RT_EPROTO on bad bytes (iterator stays put). */
int rt_dgi_next(struct rt_dgi_iter *it, struct rt_dgi *out, struct rt_err *err);

/* 0 when buf[0..len) is a sequence of well-formed DGIs, else RT_EPROTO. */
int rt_dgi_validate(const uint8_t *buf, size_t len, unsigned flags, struct rt_err *err);

/* First DGI with the tag. RT_ENOENT when absent; RT_EPROTO when malformed before it. */
int rt_dgi_find(const uint8_t *buf, size_t len, uint16_t tag, unsigned flags,
		struct rt_dgi *out, struct rt_err *err);

/* Bytes of the length field for len (1 or 3; 0 when len > 0xFFFF). */
size_t rt_dgi_len_size(size_t len);

/* Appends tag, minimal length and value to b. RT_ERANGE over 0xFFFF, RT_ENOMEM when b is
 * full. value may be NULL when len is 0. */
int rt_dgi_put(struct rt_buf *b, uint16_t tag, const uint8_t *value, size_t len,
	       struct rt_err *err);

#endif
