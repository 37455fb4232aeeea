/* SPDX-License-Identifier: Apache-2.0 */
/* rt_rcmd — TS 102 226 §5 compact and expanded remote command/response formats.
 *
 * Owns the structure of the scripts (which TLVs may appear, how many, their lengths);
 * the BER-TLV byte rules come from rt_tlv, the APDU rules from rt_apdu (callers parse
 * each 22/23 value with it when they need the fields). */
#include "codec/rt_rcmd.h"

#include <inttypes.h>
#include <string.h>

#include "codec/rt_tlv.h"

/* TS 102 226 §5.2.1 script chaining values. */
static const struct {
	uint8_t v;
	const char *name;
} rt_rcmd_chain_names[] = {
	{ RT_RCMD_CHAIN_FIRST_DELETE, "first script, chain deleted on reset" },
	{ RT_RCMD_CHAIN_FIRST_KEEP, "first script, chain kept across reset" },
	{ RT_RCMD_CHAIN_NEXT, "subsequent script, more to follow" },
	{ RT_RCMD_CHAIN_LAST, "last script" },
};

/* Instructions whose P3 is Le in the compact format (they send no data): ISO 7816-4 /
 * TS 102 221 READ BINARY B0, READ RECORD B2, GET RESPONSE C0, GET DATA CA, STATUS F2,
 * FETCH 12, GET CHALLENGE 84. */
static const uint8_t rt_rcmd_le_ins[] = { 0xB0, 0xB2, 0xC0, 0xCA, 0xF2, 0x12, 0x84 };

const char *rt_rcmd_chaining_name(uint8_t v)
{
	size_t i;

	for (i = 0; i < sizeof(rt_rcmd_chain_names) / sizeof(rt_rcmd_chain_names[0]); i++)
		if (rt_rcmd_chain_names[i].v == v)
			return rt_rcmd_chain_names[i].name;
	return NULL;
}

/* Reads the outer template, checks its tag and form against the two allowed for this
 * side, then walks the items at one level into out->item[]. */
static int rt_rcmd_walk(const uint8_t *buf, size_t len, unsigned flags, uint8_t tag_def,
			uint8_t tag_indef, const char *what, struct rt_rcmd_script *out,
			struct rt_err *err)
{
	struct rt_tlv outer, t;
	struct rt_tlv_iter it;
	int rc;

	out->n = 0;
	out->n_apdu = 0;
	out->chaining = -1;
	out->executed = -1;
	out->bad_format = -1;
	out->immediate = -1;
	if (len == 0)
		return rt_err_set(err, RT_EPROTO, "%s: empty", what);
	if (buf[0] != tag_def && buf[0] != tag_indef)
		return rt_err_set(err, RT_EPROTO,
				  "%s: tag %02X at offset 0 (expected %02X or %02X)", what, buf[0],
				  tag_def, tag_indef);
	if ((rc = rt_tlv_decode(buf, len, 0, 0, 0, &outer, err)) != 0) {
		rt_err_wrap(err, "%s", what);
		return rc;
	}
	out->tag = buf[0];
	out->indefinite = outer.indefinite;
	out->total_len = outer.total_len;
	/* TS 102 226 §5.2: AA/AB are the definite-length templates, AE/AF the indefinite. */
	if (buf[0] == tag_def && outer.indefinite)
		return rt_err_set(err, RT_EPROTO, "%s: tag %02X with the indefinite length form (use %02X)",
				  what, tag_def, tag_indef);
	if (buf[0] == tag_indef && !outer.indefinite)
		return rt_err_set(err, RT_EPROTO, "%s: tag %02X with a definite length (it is the indefinite-length template)",
				  what, tag_indef);
	if (outer.total_len != len && !(flags & RT_RCMD_F_TRAILING))
		return rt_err_set(err, RT_EPROTO, "%s: %zu bytes after the %02X template",
				  what, len - outer.total_len, buf[0]);
	if ((rc = rt_tlv_iter_init_children(&it, &outer, 0, 0, err)) != 0)
		return rc;
	while (!rt_tlv_iter_done(&it)) {
		if ((rc = rt_tlv_next(&it, &t, err)) != 0) {
			rt_err_wrap(err, "%s", what);
			return rc;
		}
		if (t.tag_len != 1)
			return rt_err_set(err, RT_EPROTO, "%s: tag %0*" PRIX32 " at offset %zu: unknown tag",
					  what, (int)t.tag_len * 2, t.tag, t.offset);
		if (t.indefinite)
			return rt_err_set(err, RT_EPROTO,
					  "%s: tag %02" PRIX32 " at offset %zu: indefinite length inside a script",
					  what, t.tag, t.offset);
		if (out->n >= RT_RCMD_ITEMS_MAX)
			return rt_err_set(err, RT_ERANGE, "%s: more than %d TLVs", what,
					  RT_RCMD_ITEMS_MAX);
		out->item[out->n].tag = (uint8_t)t.tag;
		out->item[out->n].value = t.value;
		out->item[out->n].len = t.len;
		out->item[out->n].offset = t.offset;
		out->n++;
	}
	return 0;
}

int rt_rcmd_cmd_parse(const uint8_t *buf, size_t len, unsigned flags,
		      struct rt_rcmd_script *out, struct rt_err *err)
{
	static const char what[] = "command script";
	size_t i;
	int rc;

	rc = rt_rcmd_walk(buf, len, flags, RT_RCMD_TAG_CMD_DEF, RT_RCMD_TAG_CMD_INDEF, what, out,
			  err);
	if (rc)
		return rc;
	for (i = 0; i < out->n; i++) {
		const struct rt_rcmd_item *t = &out->item[i];

		switch (t->tag) {
		case RT_RCMD_TAG_CAPDU:
			if (t->len < RT_RCMD_CAPDU_MIN)
				return rt_err_set(err, RT_EPROTO,
						  "%s: C-APDU TLV 22 at offset %zu holds %zu bytes (a C-APDU has at least 4)",
						  what, t->offset, t->len);
			out->n_apdu++;
			break;
		case RT_RCMD_TAG_IMMEDIATE:
			if (out->immediate < 0)
				out->immediate = (int)i;
			break;
		case RT_RCMD_TAG_ERROR_ACTION:
			break;
		case RT_RCMD_TAG_CHAINING:
			if (out->chaining >= 0)
				return rt_err_set(err, RT_EPROTO,
						  "%s: second script chaining TLV 83 at offset %zu",
						  what, t->offset);
			if (t->len != 1)
				return rt_err_set(err, RT_EPROTO,
						  "%s: script chaining TLV 83 at offset %zu has length %zu (must be 1)",
						  what, t->offset, t->len);
			if (!rt_rcmd_chaining_name(t->value[0]))
				return rt_err_set(err, RT_EPROTO,
						  "%s: script chaining value %02X at offset %zu (TS 102 226: 01, 11, 02 or 03)",
						  what, t->value[0], t->offset);
			out->chaining = t->value[0];
			break;
		default:
			return rt_err_set(err, RT_EPROTO, "%s: tag %02X at offset %zu: unknown tag",
					  what, t->tag, t->offset);
		}
	}
	return 0;
}

int rt_rcmd_resp_parse(const uint8_t *buf, size_t len, unsigned flags,
		       struct rt_rcmd_script *out, struct rt_err *err)
{
	static const char what[] = "response script";
	size_t i;
	int rc;

	rc = rt_rcmd_walk(buf, len, flags, RT_RCMD_TAG_RSP_DEF, RT_RCMD_TAG_RSP_INDEF, what, out,
			  err);
	if (rc)
		return rc;
	for (i = 0; i < out->n; i++) {
		const struct rt_rcmd_item *t = &out->item[i];

		switch (t->tag) {
		case RT_RCMD_TAG_EXECUTED:
			if (out->executed >= 0)
				return rt_err_set(err, RT_EPROTO,
						  "%s: second executed-commands TLV 80 at offset %zu",
						  what, t->offset);
			if (t->len != 1)
				return rt_err_set(err, RT_EPROTO,
						  "%s: executed-commands TLV 80 at offset %zu has length %zu (must be 1)",
						  what, t->offset, t->len);
			out->executed = t->value[0];
			break;
		case RT_RCMD_TAG_RAPDU:
			if (t->len < RT_RCMD_RAPDU_MIN)
				return rt_err_set(err, RT_EPROTO,
						  "%s: R-APDU TLV 23 at offset %zu holds %zu bytes (needs SW1 SW2)",
						  what, t->offset, t->len);
			out->n_apdu++;
			break;
		case RT_RCMD_TAG_IMMEDIATE:
			if (out->immediate < 0)
				out->immediate = (int)i;
			break;
		case RT_RCMD_TAG_BAD_FORMAT:
			if (out->bad_format >= 0)
				return rt_err_set(err, RT_EPROTO,
						  "%s: second bad-format TLV 90 at offset %zu", what,
						  t->offset);
			out->bad_format = (int)i;
			break;
		default:
			return rt_err_set(err, RT_EPROTO, "%s: tag %02X at offset %zu: unknown tag",
					  what, t->tag, t->offset);
		}
	}
	if (out->executed < 0)
		return rt_err_set(err, RT_EPROTO,
				  "%s: no executed-commands TLV 80 (TS 102 226 §5.2.2 requires it)",
				  what);
	return 0;
}

int rt_rcmd_script_build(uint8_t tag, const struct rt_rcmd_item *items, size_t n,
			 struct rt_buf *out, struct rt_err *err)
{
	struct rt_buf content;
	size_t i;
	int rc = 0;

	if (tag != RT_RCMD_TAG_CMD_DEF && tag != RT_RCMD_TAG_CMD_INDEF &&
	    tag != RT_RCMD_TAG_RSP_DEF && tag != RT_RCMD_TAG_RSP_INDEF)
		return rt_err_set(err, RT_EINVAL,
				  "script template tag %02X (TS 102 226: AA, AE, AB or AF)", tag);
	/* The content is bounded by what out may still take. */
	rt_buf_init(&content, out->max > out->len ? out->max - out->len : 0);
	for (i = 0; i < n; i++)
		if ((rc = rt_tlv_put(&content, items[i].tag, items[i].value, items[i].len, err)) != 0)
			goto out;
	if (tag == RT_RCMD_TAG_CMD_INDEF || tag == RT_RCMD_TAG_RSP_INDEF)
		rc = rt_tlv_put_indefinite(out, tag, content.data, content.len, err);
	else
		rc = rt_tlv_put(out, tag, content.data, content.len, err);
out:
	rt_buf_free(&content);
	return rc;
}

int rt_rcmd_compact_resp_parse(const uint8_t *buf, size_t len,
			       struct rt_rcmd_compact_resp *out, struct rt_err *err)
{
	/* TS 102 226 §5.1.2: count (1) | SW of the last command (2) | its data. */
	if (len < 3)
		return rt_err_set(err, RT_EPROTO,
				  "compact response of %zu bytes (count and SW need 3)", len);
	out->executed = buf[0];
	out->sw = (uint16_t)(buf[1] << 8 | buf[2]);
	out->data = buf + 3;
	out->data_len = len - 3;
	return 0;
}

int rt_rcmd_compact_resp_build(uint8_t executed, uint16_t sw, const uint8_t *data,
			       size_t data_len, struct rt_buf *out, struct rt_err *err)
{
	uint8_t hdr[3] = { executed, (uint8_t)(sw >> 8), (uint8_t)sw };

	if (rt_buf_append(out, hdr, 3) || (data_len && rt_buf_append(out, data, data_len)))
		return rt_err_set(err, RT_ENOMEM, "compact response: output buffer full");
	return 0;
}

static int rt_rcmd_is_le_ins(uint8_t ins)
{
	return memchr(rt_rcmd_le_ins, ins, sizeof(rt_rcmd_le_ins)) != NULL;
}

int rt_rcmd_compact_split(const uint8_t *buf, size_t len, struct rt_rcmd_item *items,
			  size_t max, size_t *n, struct rt_err *err)
{
	size_t pos = 0, alen;

	*n = 0;
	while (pos < len) {
		if (len - pos < 4)
			return rt_err_set(err, RT_EPROTO,
					  "compact commands: C-APDU at offset %zu truncated (%zu header bytes)",
					  pos, len - pos);
		if (len - pos == 4)
			alen = 4; /* case 1 at the end */
		else if (rt_rcmd_is_le_ins(buf[pos + 1]))
			alen = 5;
		else
			alen = 5 + (size_t)buf[pos + 4];
		if (alen > len - pos)
			return rt_err_set(err, RT_EPROTO,
					  "compact commands: C-APDU at offset %zu announces %u data bytes, %zu present",
					  pos, buf[pos + 4], len - pos - 5);
		if (*n >= max)
			return rt_err_set(err, RT_ERANGE, "compact commands: more than %zu C-APDUs",
					  max);
		items[*n].tag = RT_RCMD_TAG_CAPDU;
		items[*n].value = buf + pos;
		items[*n].len = alen;
		items[*n].offset = pos;
		(*n)++;
		pos += alen;
	}
	return 0;
}
