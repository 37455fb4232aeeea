/* SPDX-License-Identifier: Apache-2.0 */
/* rt_codec_tool — command-line bridge to the pure codecs for cross-checks and debugging.
 *
 * Lets an independent implementation (the Python scripts in tests/crosscheck/) compare its results with
 * ours without sharing code:
 *   rt_codec_tool eid-complete DIGITS     30 (or 32) digits -> the 32-digit EID
 *   rt_codec_tool eid-validate DIGITS     prints "valid" (exit 0) or "invalid: why" (1)
 *   rt_codec_tool tlv HEX                 one line per TLV: depth tag offset length
 *   rt_codec_tool capdu HEX               case, form, Lc and Le of a C-APDU
 * Exit status 2 on a usage or input error. */
#include <stdio.h>
#include <string.h>

#include "codec/rt_apdu.h"
#include "codec/rt_eid.h"
#include "codec/rt_tlv.h"
#include "util/rt_hex.h"

#define TOOL_MAX 65536

static uint8_t tool_buf[TOOL_MAX];

static int tool_unhex(const char *hex, size_t *n)
{
	struct rt_err err = { 0 };

	if (rt_hex_decode(hex, strlen(hex), tool_buf, sizeof(tool_buf), n, &err)) {
		fprintf(stderr, "rt_codec_tool: %s\n", err.msg);
		return 2;
	}
	return 0;
}

static int tool_eid_complete(const char *digits)
{
	char out[RT_EID_DIGITS + 1];
	struct rt_err err = { 0 };

	if (rt_eid_complete(digits, out, &err)) {
		fprintf(stderr, "rt_codec_tool: %s\n", err.msg);
		return 2;
	}
	printf("%s\n", out);
	return 0;
}

static int tool_eid_validate(const char *digits)
{
	uint8_t eid[RT_EID_LEN];
	struct rt_err err = { 0 };

	if (rt_eid_from_digits(digits, eid, &err)) {
		fprintf(stderr, "rt_codec_tool: %s\n", err.msg);
		return 2;
	}
	if (rt_eid_validate(eid, sizeof(eid), &err)) {
		printf("invalid: %s\n", err.msg);
		return 1;
	}
	printf("valid\n");
	return 0;
}

/* 1 when the sequence parses at its own level (22/23 script tags hold raw APDUs). */
static int tool_level_ok(struct rt_tlv_iter it)
{
	struct rt_tlv t;

	while (!rt_tlv_iter_done(&it))
		if (rt_tlv_next(&it, &t, NULL))
			return 0;
	return 1;
}

static int tool_tlv_dump(struct rt_tlv_iter *it)
{
	struct rt_err err = { 0 };

	while (!rt_tlv_iter_done(it)) {
		struct rt_tlv t;
		struct rt_tlv_iter sub;

		if (rt_tlv_next(it, &t, &err)) {
			fprintf(stderr, "rt_codec_tool: %s\n", err.msg);
			return 2;
		}
		printf("%d %0*X %zu %zu%s\n", it->depth, (int)(2 * t.tag_len), (unsigned)t.tag,
		       t.offset, t.len, t.indefinite ? " indefinite" : "");
		if (t.constructed && rt_tlv_iter_init_children(&sub, &t, it->depth, 0, &err) == 0 &&
		    tool_level_ok(sub) && tool_tlv_dump(&sub))
			return 2;
	}
	return 0;
}

static int tool_capdu(const char *hex)
{
	struct rt_capdu c;
	struct rt_err err = { 0 };
	size_t n;
	int rc = tool_unhex(hex, &n);

	if (rc)
		return rc;
	if (rt_capdu_parse(tool_buf, n, &c, &err)) {
		fprintf(stderr, "rt_codec_tool: %s\n", err.msg);
		return 2;
	}
	printf("case %d %s lc %zu le %zu\n", (int)c.apdu_case, c.extended ? "extended" : "short",
	       c.lc, c.has_le ? c.le : 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "eid-complete") == 0)
		return tool_eid_complete(argv[2]);
	if (argc == 3 && strcmp(argv[1], "eid-validate") == 0)
		return tool_eid_validate(argv[2]);
	if (argc == 3 && strcmp(argv[1], "tlv") == 0) {
		struct rt_tlv_iter it;
		size_t n;
		int rc = tool_unhex(argv[2], &n);

		if (rc)
			return rc;
		rt_tlv_iter_init(&it, tool_buf, n, 0);
		return tool_tlv_dump(&it);
	}
	if (argc == 3 && strcmp(argv[1], "capdu") == 0)
		return tool_capdu(argv[2]);
	fprintf(stderr, "usage: rt_codec_tool eid-complete|eid-validate|tlv|capdu ARG\n");
	return 2;
}
