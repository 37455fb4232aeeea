/* SPDX-License-Identifier: Apache-2.0 */
/* rt_ctlv — COMPREHENSION-TLV of ETSI TS 101 220 §7.1.1 (pure codec).
 *
 * Owns the simple TLVs that card application toolkit messages are made of (TS 102 223
 * proactive commands and ENVELOPEs, TS 31.111 SMS-PP DOWNLOAD): the tag is one byte
 * (01..7E / 81..FE, b8 = comprehension required, CR) or three bytes (7F, then two bytes
 * whose first bit is CR and whose other 15 bits are the tag value), the length is one
 * byte (00..7F) or 81 followed by 80..FF (TS 101 220 §7.1.2; the longer 82/83 forms are
 * not used for CAT data objects of SGP.02 and are refused). No I/O, no globals; decoded
 * values point into the caller's buffer.
 *
 * Tags are carried as their bytes read big-endian in a uint32_t, CR included: 8B, 0B,
 * 7F8001. rt_ctlv_tag_nocr() strips the CR bit so tags can be compared with or without
 * it (a receiver must accept both, TS 102 223 §6.5 / TS 101 220 §7.1.1). */
#ifndef RT_CTLV_H
#define RT_CTLV_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_CTLV_VALUE_MAX 255 /* longest value the 81 xx form carries */
#define RT_CTLV_HDR_MAX 5     /* 3 tag bytes + 81 xx */

/* Decoder/finder options (bit flags). */
enum rt_ctlv_flags {
	RT_CTLV_F_ANY_CR = 1u << 0, /* find: match the tag with or without its CR bit */
};

/* One decoded COMPREHENSION-TLV. value points into the decoded buffer (not owned). */
struct rt_ctlv {
	uint32_t tag;       /* tag bytes big-endian, CR included (8B, 7F8001) */
	uint32_t tag_nocr;  /* same with the CR bit cleared (0B, 7F0001) */
	int cr;             /* comprehension required */
	size_t tag_len;     /* 1 or 3 */
	const uint8_t *value;
	size_t len;
	size_t hdr_len;     /* tag + length bytes */
	size_t total_len;   /* hdr_len + len */
	size_t offset;      /* offset of the tag from the start of the root buffer */
};

struct rt_ctlv_iter {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	size_t base; /* offset of buf in the root buffer, for messages */
};

/* Decodes the COMPREHENSION-TLV at buf[0]. base is buf's offset for messages. RT_EPROTO
 * naming tag and offset on: a tag byte 00, 80 or FF (TS 101 220 §7.1.1.1: not tags), a
 * truncated 3-byte tag or a 3-byte tag whose value is 0000, a length byte 80 or 84..FF,
 * an 81 form with a value below 80 (not the 81 form's range), a truncated value. */
int rt_ctlv_decode(const uint8_t *buf, size_t len, size_t base, struct rt_ctlv *out,
		   struct rt_err *err);

void rt_ctlv_iter_init(struct rt_ctlv_iter *it, const uint8_t *buf, size_t len);

/* 1 at the end of the sequence. */
int rt_ctlv_iter_done(const struct rt_ctlv_iter *it);

/* Next TLV: 0, RT_ENOENT at the end, RT_EPROTO on bad bytes (iterator stays). */
int rt_ctlv_next(struct rt_ctlv_iter *it, struct rt_ctlv *out, struct rt_err *err);

/* Checks that buf[0..len) is a sequence of well-formed COMPREHENSION-TLVs. */
int rt_ctlv_validate(const uint8_t *buf, size_t len, struct rt_err *err);

/* First TLV whose tag equals tag (CR included, or ignoring CR with RT_CTLV_F_ANY_CR).
 * RT_ENOENT when absent, RT_EPROTO when malformed before the match. */
int rt_ctlv_find(const uint8_t *buf, size_t len, uint32_t tag, unsigned flags,
		 struct rt_ctlv *out, struct rt_err *err);

/* The tag with its CR bit cleared (b8 of a 1-byte tag, b16 of a 3-byte tag's value). */
uint32_t rt_ctlv_tag_nocr(uint32_t tag);

/* The tag with its CR bit set. */
uint32_t rt_ctlv_tag_cr(uint32_t tag);

/* Number of tag bytes (1 or 3) after checking that tag is a valid COMPREHENSION-TLV
 * tag (1 byte: not 00/7F/80/FF; 3 bytes: 7F + a non-zero 15-bit value). RT_EINVAL
 * otherwise. */
int rt_ctlv_tag_size(uint32_t tag, size_t *n, struct rt_err *err);

/* Appends tag, length (1 byte or 81 xx) and value to b. RT_EINVAL on a bad tag,
 * RT_ERANGE when len > 255, RT_ENOMEM when b is full. value may be NULL when len is 0. */
int rt_ctlv_put(struct rt_buf *b, uint32_t tag, const uint8_t *value, size_t len,
		struct rt_err *err);

#endif
