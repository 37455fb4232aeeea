/* SPDX-License-Identifier: Apache-2.0 */
/* rt_tlv — BER-TLV as used by ISO/IEC 7816-4, GlobalPlatform and SGP.02 (pure codec).
 *
 * Owns decoding and encoding of the BER-TLV subset found on smart cards: tags of 1 to 3
 * bytes (ISO 7816-4 5.2.2.1 / X.690 8.1.2), the constructed bit (b6 of the first tag
 * byte), definite lengths in the short form and the long forms 81..84 (X.690 8.1.3.4/5,
 * at most 4 length bytes), and the indefinite form (length byte 80, content ended by
 * the end-of-contents octets 00 00, X.690 8.1.3.6) which TS 102 226 uses for the
 * expanded remote-command scripts AE/AF. No I/O, no globals: bytes in, views out.
 *
 * Tags are carried as their bytes read big-endian in a uint32_t: 5A, 9F70, BF3E, 5F20,
 * DF8101. Decoded values point into the caller's buffer (nothing is allocated).
 * Decoding is strict by default; non-minimal length forms (81 05) are accepted because
 * X.690 BER allows them, and 00/FF filler between TLVs is skipped only on request
 * (RT_TLV_F_PADDING; GP allows it in some places, ISO 7816-4 5.2.2.1 marks 00 and FF as
 * invalid first tag bytes otherwise). */
#ifndef RT_TLV_H
#define RT_TLV_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_TLV_TAG_MAX 3    /* tag bytes */
#define RT_TLV_LEN_MAX 5    /* length bytes: 84 + 4 */
#define RT_TLV_MAX_DEPTH 32 /* nesting levels walked (indefinite content, paths, Lua) */
#define RT_TLV_VALUE_MAX 0xFFFFFFFFu /* largest length the 84 form can carry */

/* Decoder options (bit flags; 0 = strict). */
enum rt_tlv_flags {
	RT_TLV_F_PADDING = 1u << 0, /* skip 00/FF filler bytes between TLVs */
};

/* One decoded TLV. value points into the decoded buffer (not owned). */
struct rt_tlv {
	uint32_t tag;        /* tag bytes big-endian (9F70) */
	size_t tag_len;      /* 1..3 */
	int constructed;     /* b6 of the first tag byte */
	int indefinite;      /* length byte was 80; value excludes the closing 00 00 */
	const uint8_t *value;
	size_t len;          /* value length */
	size_t hdr_len;      /* tag + length bytes */
	size_t total_len;    /* hdr_len + len (+ 2 end-of-contents octets when indefinite) */
	size_t offset;       /* offset of the first tag byte from the start of the root buffer */
};

/* Iterator over a sequence of TLVs at one level. Plain data; nothing to free. */
struct rt_tlv_iter {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	size_t base;    /* offset of buf within the root buffer, for error messages */
	unsigned flags; /* enum rt_tlv_flags */
	int depth;      /* nesting level of this sequence (0 = root) */
};

/* Decodes the single TLV that starts at buf[0] (no padding skipped). base is the offset
 * of buf within the root buffer and depth the current nesting level (both only for
 * messages and the depth limit; pass 0, 0 at the top). RT_EPROTO with tag and offset on
 * any malformation: truncated tag/length/value, tag over 3 bytes, length over 4 bytes,
 * indefinite length on a primitive tag, missing end-of-contents, nesting deeper than
 * RT_TLV_MAX_DEPTH. */
int rt_tlv_decode(const uint8_t *buf, size_t len, size_t base, int depth, unsigned flags,
		  struct rt_tlv *out, struct rt_err *err);

/* Starts iterating over buf[0..len) (the root buffer; offsets count from buf). */
void rt_tlv_iter_init(struct rt_tlv_iter *it, const uint8_t *buf, size_t len, unsigned flags);

/* Starts iterating over the value of a constructed TLV found in the same root buffer
 * (offsets in messages stay relative to that root). RT_EPROTO if parent is primitive;
 * depth is parent_depth + 1, and rt_tlv_next fails on a child deeper than the limit. */
int rt_tlv_iter_init_children(struct rt_tlv_iter *it, const struct rt_tlv *parent,
			      int parent_depth, unsigned flags, struct rt_err *err);

/* 1 when nothing but (allowed) padding remains, else 0. Does not move the iterator. */
int rt_tlv_iter_done(const struct rt_tlv_iter *it);

/* Decodes the next TLV into *out and advances. Returns 0, RT_ENOENT (with a message) at
 * the end of the sequence, or RT_EPROTO on malformed bytes (the iterator then stays on
 * the bad TLV). Typical loop: while (!rt_tlv_iter_done(&it)) { rc = rt_tlv_next(...); } */
int rt_tlv_next(struct rt_tlv_iter *it, struct rt_tlv *out, struct rt_err *err);

/* Checks that buf[0..len) is a well-formed TLV sequence, descending into every
 * constructed value (so the whole tree is BER-TLV). 0 or RT_EPROTO. */
int rt_tlv_validate(const uint8_t *buf, size_t len, unsigned flags, struct rt_err *err);

/* Finds the first top-level TLV with the given tag in buf. Stops at the match, so bytes
 * after it are not checked. RT_ENOENT (message names the tag) when absent, RT_EPROTO
 * when the sequence is malformed before the match. */
int rt_tlv_find(const uint8_t *buf, size_t len, uint32_t tag, unsigned flags,
		struct rt_tlv *out, struct rt_err *err);

/* Follows a path of tags through nested constructed TLVs: path {BF3E, 5A} finds 5A inside
 * the first BF3E. npath 1..RT_TLV_MAX_DEPTH. Errors as rt_tlv_find, plus RT_EPROTO when
 * an intermediate TLV is primitive. */
int rt_tlv_find_path(const uint8_t *buf, size_t len, const uint32_t *path, size_t npath,
		     unsigned flags, struct rt_tlv *out, struct rt_err *err);

/* Number of bytes a tag value occupies (1..3), checking it is a well-formed BER tag:
 * single byte not ending in 11111 and not 00/FF; multi-byte starting xxx11111, middle
 * bytes with b8 set, last byte with b8 clear. RT_EINVAL otherwise. */
int rt_tlv_tag_size(uint32_t tag, size_t *n, struct rt_err *err);

/* Writes the tag bytes to out, *n receives the count. RT_EINVAL on a malformed tag. */
int rt_tlv_tag_encode(uint32_t tag, uint8_t out[RT_TLV_TAG_MAX], size_t *n,
		      struct rt_err *err);

/* Number of bytes of the minimal definite length encoding of len (1..5); 0 when len is
 * over RT_TLV_VALUE_MAX. */
size_t rt_tlv_len_size(size_t len);

/* Writes the minimal definite length encoding of len (X.690 8.1.3: short form below 128,
 * else 81..84 + big-endian bytes). RT_ERANGE above RT_TLV_VALUE_MAX. */
int rt_tlv_len_encode(size_t len, uint8_t out[RT_TLV_LEN_MAX], size_t *n, struct rt_err *err);

/* Appends tag, minimal length and value to b (b's maximum bounds the output; RT_ENOMEM
 * with the tag in the message when full). value may be NULL when len is 0. */
int rt_tlv_put(struct rt_buf *b, uint32_t tag, const uint8_t *value, size_t len,
	       struct rt_err *err);

/* Appends tag 80 … content … 00 00 (indefinite form, TS 102 226 AE/AF scripts). The tag
 * must be constructed; the content is copied as is. */
int rt_tlv_put_indefinite(struct rt_buf *b, uint32_t tag, const uint8_t *content, size_t len,
			  struct rt_err *err);

#endif
