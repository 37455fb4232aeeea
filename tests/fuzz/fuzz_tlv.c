/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_tlv — libFuzzer target for codec/rt_tlv (BER-TLV from a SUT: card responses,
 * expanded remote-command scripts, notifications).
 *
 * Walks the input as a TLV tree in strict and padding mode and checks invariants that
 * must hold for any input: every decoded view lies inside the input; the header length
 * matches the tag and length forms; every decoded tag re-encodes; and a definite-length
 * TLV whose length field is minimal re-encodes to exactly the input bytes (the indefinite
 * form too, with its 80 and 00 00). A broken invariant aborts, which libFuzzer reports. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_tlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                               \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_tlv: invariant failed: %s (line %d)\n",  \
				#cond, __LINE__);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

static void fuzz_check_tlv(const uint8_t *root, size_t size, const struct rt_tlv *t)
{
	uint8_t tag[RT_TLV_TAG_MAX];
	size_t tn = 0;
	struct rt_buf b;
	int rc;

	FUZZ_CHECK(t->offset + t->total_len <= size);
	FUZZ_CHECK(t->value >= root && t->value + t->len <= root + size);
	FUZZ_CHECK(t->value == root + t->offset + t->hdr_len);
	FUZZ_CHECK(t->total_len == t->hdr_len + t->len + (t->indefinite ? 2 : 0));
	FUZZ_CHECK(t->tag_len >= 1 && t->tag_len <= RT_TLV_TAG_MAX);
	FUZZ_CHECK(!t->indefinite || t->constructed);
	/* Every tag the decoder accepts is one the encoder accepts, byte for byte. */
	FUZZ_CHECK(rt_tlv_tag_encode(t->tag, tag, &tn, NULL) == 0);
	FUZZ_CHECK(tn == t->tag_len && memcmp(tag, root + t->offset, tn) == 0);

	rt_buf_init(&b, t->total_len);
	if (t->indefinite) {
		FUZZ_CHECK(t->hdr_len == t->tag_len + 1);
		rc = rt_tlv_put_indefinite(&b, t->tag, t->value, t->len, NULL);
		FUZZ_CHECK(rc == 0 && b.len == t->total_len);
		FUZZ_CHECK(memcmp(b.data, root + t->offset, b.len) == 0);
	} else if (t->hdr_len == t->tag_len + rt_tlv_len_size(t->len)) {
		/* minimal length form: re-encoding reproduces the input */
		rc = rt_tlv_put(&b, t->tag, t->value, t->len, NULL);
		FUZZ_CHECK(rc == 0 && b.len == t->total_len);
		FUZZ_CHECK(memcmp(b.data, root + t->offset, b.len) == 0);
	} else {
		/* non-minimal (81 05): accepted, strictly longer than minimal */
		FUZZ_CHECK(t->hdr_len > t->tag_len + rt_tlv_len_size(t->len));
	}
	rt_buf_free(&b);
}

static void fuzz_walk(const uint8_t *root, size_t size, struct rt_tlv_iter *it)
{
	struct rt_err err;

	while (!rt_tlv_iter_done(it)) {
		struct rt_tlv t;
		struct rt_tlv_iter sub;

		if (rt_tlv_next(it, &t, &err)) {
			FUZZ_CHECK(err.code == RT_EPROTO && err.msg[0] != '\0');
			return;
		}
		fuzz_check_tlv(root, size, &t);
		if (t.constructed) {
			FUZZ_CHECK(rt_tlv_iter_init_children(&sub, &t, it->depth, it->flags, &err) == 0);
			fuzz_walk(root, size, &sub);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned modes[] = { 0, RT_TLV_F_PADDING };
	size_t m;

	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct rt_tlv_iter it;
		struct rt_tlv t;
		struct rt_err err;
		uint32_t path[2];

		rt_tlv_iter_init(&it, data, size, modes[m]);
		fuzz_walk(data, size, &it);
		(void)rt_tlv_validate(data, size, modes[m], &err);
		/* find a path taken from the input's own first tags */
		if (rt_tlv_decode(data, size, 0, 0, modes[m], &t, &err) == 0 && t.constructed &&
		    t.len > 0) {
			struct rt_tlv c;

			path[0] = t.tag;
			if (rt_tlv_decode(t.value, t.len, t.offset + t.hdr_len, 1, modes[m], &c,
					  &err) == 0) {
				path[1] = c.tag;
				if (rt_tlv_find_path(data, size, path, 2, modes[m], &c, &err) == 0)
					FUZZ_CHECK(c.value >= data && c.value + c.len <= data + size);
			}
		}
	}
	return 0;
}
