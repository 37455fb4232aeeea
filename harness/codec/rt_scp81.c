/* SPDX-License-Identifier: Apache-2.0 */
/* rt_scp81 — PSK identity, admin HTTP header values and the SMS trigger TLV (see
 * rt_scp81.h). The BER-TLV byte rules come from rt_tlv; this file owns which TLVs may
 * appear where and what the header values look like. */
#include "codec/rt_scp81.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "codec/rt_tlv.h"
#include "util/rt_hex.h"

/* GP Amd B admin headers (sgp02-facts §2.2; AMDB-TXT, EKN 04). */
const struct rt_scp81_header rt_scp81_headers[] = {
	{ "X-Admin-Protocol", RT_SCP81_CARD_TO_SERVER | RT_SCP81_SERVER_TO_CARD,
	  "protocol version, " RT_SCP81_PROTOCOL },
	{ "X-Admin-From", RT_SCP81_CARD_TO_SERVER,
	  "the card and the security domain that opened the session" },
	{ "X-Admin-Script-Status", RT_SCP81_CARD_TO_SERVER,
	  "outcome of the previous script" },
	{ "X-Admin-Resume", RT_SCP81_CARD_TO_SERVER, "true when resuming a broken session" },
	{ "X-Admin-Next-URI", RT_SCP81_SERVER_TO_CARD,
	  "where the card posts next; absent = last exchange" },
	{ "X-Admin-Targeted-Application", RT_SCP81_SERVER_TO_CARD,
	  "the security domain the script is for (//aid/RID/PIX)" },
	{ "Content-Type", RT_SCP81_CARD_TO_SERVER | RT_SCP81_SERVER_TO_CARD,
	  "script (server) or script response (card) media type" },
	{ NULL, 0, NULL },
};

/* GP Amd B X-Admin-Script-Status values (sgp02-facts §2.2: not-a-security-domain is
 * UNCONFIRMED there; kept because a card may send it). */
const char *const rt_scp81_script_status[] = {
	"ok", "unknown-application", "not-a-security-domain", "security-error", NULL,
};

/* SGP.02 §2.4.4.1 PSK identity TLVs in order, with their allowed value lengths. */
static const struct {
	uint8_t tag;
	uint8_t min, max;
} rt_scp81_pskid_tlvs[] = {
	{ 0x80, 1, 1 }, { 0x81, 16, 16 }, { 0x4F, 5, 16 }, { 0x82, 1, 1 }, { 0x83, 1, 1 },
};

#define RT_SCP81_NPSKID (sizeof(rt_scp81_pskid_tlvs) / sizeof(rt_scp81_pskid_tlvs[0]))

int rt_scp81_pskid_build(const struct rt_scp81_pskid *p, char *out, size_t outsz,
			 struct rt_err *err)
{
	uint8_t tlv[RT_SCP81_PSKID_TLV_MAX];
	size_t n = 0;

	if (p->aid_len < RT_SCP81_AID_MIN || p->aid_len > RT_SCP81_AID_MAX)
		return rt_err_set(err, RT_EINVAL, "PSK identity: AID of %zu bytes (5..16)",
				  p->aid_len);
	tlv[n++] = 0x80;
	tlv[n++] = 1;
	tlv[n++] = p->format;
	tlv[n++] = 0x81;
	tlv[n++] = RT_SCP81_EID_LEN;
	memcpy(tlv + n, p->eid, RT_SCP81_EID_LEN);
	n += RT_SCP81_EID_LEN;
	tlv[n++] = 0x4F;
	tlv[n++] = (uint8_t)p->aid_len;
	memcpy(tlv + n, p->aid, p->aid_len);
	n += p->aid_len;
	tlv[n++] = 0x82;
	tlv[n++] = 1;
	tlv[n++] = p->key_id;
	tlv[n++] = 0x83;
	tlv[n++] = 1;
	tlv[n++] = p->kvn;
	if (rt_hex_encode(tlv, n, out, outsz))
		return rt_err_set(err, RT_ENOMEM, "PSK identity: %zu characters do not fit %zu",
				  2 * n, outsz);
	return 0;
}

/* Strict hex: only 0-9 A-F a-f, even count (rt_hex_decode also skips blanks, which a
 * psk_identity must not contain). */
static int rt_scp81_unhex(const char *text, size_t n, uint8_t *out, size_t outsz,
			  size_t *outlen, const char *what, struct rt_err *err)
{
	size_t i;

	if (n % 2)
		return rt_err_set(err, RT_EPROTO, "%s: odd number (%zu) of hex digits", what, n);
	for (i = 0; i < n; i++) {
		char c = text[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
			return rt_err_set(err, RT_EPROTO,
					  "%s: byte %02X at offset %zu is not a hex digit", what,
					  (unsigned char)c, i);
	}
	if (n / 2 > outsz)
		return rt_err_set(err, RT_EPROTO, "%s: %zu bytes, at most %zu", what, n / 2, outsz);
	return rt_hex_decode(text, n, out, outsz, outlen, err) ? RT_EPROTO : 0;
}

int rt_scp81_pskid_parse(const char *text, size_t n, struct rt_scp81_pskid *out,
			 struct rt_err *err)
{
	uint8_t tlv[RT_SCP81_PSKID_TLV_MAX + 16]; /* room to report trailing bytes */
	size_t tl = 0, pos = 0, k;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = rt_scp81_unhex(text, n, tlv, sizeof(tlv), &tl, "PSK identity", err)) != 0)
		return rc;
	for (k = 0; k < RT_SCP81_NPSKID; k++) {
		uint8_t tag = rt_scp81_pskid_tlvs[k].tag;
		size_t l;

		if (pos >= tl)
			return rt_err_set(err, RT_EPROTO, "PSK identity: TLV %02X missing at offset %zu",
					  tag, pos);
		if (tlv[pos] != tag)
			return rt_err_set(err, RT_EPROTO,
					  "PSK identity: tag %02X at offset %zu, expected %02X (SGP.02 order 80 81 4F 82 83)",
					  tlv[pos], pos, tag);
		if (pos + 1 >= tl)
			return rt_err_set(err, RT_EPROTO, "PSK identity: TLV %02X length missing", tag);
		l = tlv[pos + 1];
		if (l < rt_scp81_pskid_tlvs[k].min || l > rt_scp81_pskid_tlvs[k].max)
			return rt_err_set(err, RT_EPROTO,
					  "PSK identity: TLV %02X of length %zu (must be %u..%u)", tag, l,
					  rt_scp81_pskid_tlvs[k].min, rt_scp81_pskid_tlvs[k].max);
		if (pos + 2 + l > tl)
			return rt_err_set(err, RT_EPROTO, "PSK identity: TLV %02X value truncated", tag);
		switch (tag) {
		case 0x80: out->format = tlv[pos + 2]; break;
		case 0x81: memcpy(out->eid, tlv + pos + 2, l); break;
		case 0x4F:
			memcpy(out->aid, tlv + pos + 2, l);
			out->aid_len = l;
			break;
		case 0x82: out->key_id = tlv[pos + 2]; break;
		default: out->kvn = tlv[pos + 2]; break;
		}
		pos += 2 + l;
	}
	if (pos != tl)
		return rt_err_set(err, RT_EPROTO, "PSK identity: %zu bytes after TLV 83", tl - pos);
	return 0;
}

/* --- headers ---------------------------------------------------------------------- */

const struct rt_scp81_header *rt_scp81_header_find(const char *name)
{
	size_t i;

	for (i = 0; rt_scp81_headers[i].name; i++)
		if (strcasecmp(rt_scp81_headers[i].name, name) == 0)
			return &rt_scp81_headers[i];
	return NULL;
}

/* Writes "RID/PIX" hex for aid at out (must hold 2*aid_len + 2). */
static void rt_scp81_ridpix(const uint8_t *aid, size_t aid_len, char *out)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < aid_len; i++) {
		if (i == RT_SCP81_AID_MIN)
			out[o++] = '/';
		out[o++] = hx[aid[i] >> 4];
		out[o++] = hx[aid[i] & 15];
	}
	if (aid_len == RT_SCP81_AID_MIN)
		out[o++] = '/';
	out[o] = '\0';
}

int rt_scp81_targeted_app(const uint8_t *aid, size_t aid_len, char *out, size_t outsz,
			  struct rt_err *err)
{
	char rp[2 * RT_SCP81_AID_MAX + 2];

	if (aid_len < RT_SCP81_AID_MIN || aid_len > RT_SCP81_AID_MAX)
		return rt_err_set(err, RT_EINVAL, "AID of %zu bytes (5..16)", aid_len);
	rt_scp81_ridpix(aid, aid_len, rp);
	if ((size_t)snprintf(out, outsz, "//aid/%s", rp) >= outsz)
		return rt_err_set(err, RT_ENOMEM, "X-Admin-Targeted-Application: output too small");
	return 0;
}

/* Parses "<RID hex>/<PIX hex>" (the whole string s of n chars). */
static int rt_scp81_parse_ridpix(const char *s, size_t n, uint8_t aid[RT_SCP81_AID_MAX],
				 size_t *aid_len, const char *what, struct rt_err *err)
{
	const char *slash = memchr(s, '/', n);
	size_t rl, pl;
	int rc;

	if (!slash)
		return rt_err_set(err, RT_EPROTO, "%s: no '/' between RID and PIX", what);
	if ((size_t)(slash - s) != 2 * RT_SCP81_AID_MIN)
		return rt_err_set(err, RT_EPROTO, "%s: RID of %zu hex digits (must be 10)", what,
				  (size_t)(slash - s));
	if ((rc = rt_scp81_unhex(s, 10, aid, 5, &rl, what, err)) != 0)
		return rc;
	if ((rc = rt_scp81_unhex(slash + 1, n - 11, aid + 5, RT_SCP81_AID_MAX - 5, &pl, what,
				 err)) != 0)
		return rc;
	*aid_len = rl + pl;
	return 0;
}

int rt_scp81_targeted_app_parse(const char *value, uint8_t aid[RT_SCP81_AID_MAX],
				size_t *aid_len, struct rt_err *err)
{
	static const char pre[] = "//aid/";

	if (strncmp(value, pre, sizeof(pre) - 1) != 0)
		return rt_err_set(err, RT_EPROTO,
				  "X-Admin-Targeted-Application does not start with //aid/");
	return rt_scp81_parse_ridpix(value + 6, strlen(value + 6), aid, aid_len,
				     "X-Admin-Targeted-Application", err);
}

int rt_scp81_admin_from(const uint8_t eid[RT_SCP81_EID_LEN], const uint8_t *aid,
			size_t aid_len, char *out, size_t outsz, struct rt_err *err)
{
	char e[2 * RT_SCP81_EID_LEN + 1], rp[2 * RT_SCP81_AID_MAX + 2];

	if (aid_len < RT_SCP81_AID_MIN || aid_len > RT_SCP81_AID_MAX)
		return rt_err_set(err, RT_EINVAL, "AID of %zu bytes (5..16)", aid_len);
	(void)rt_hex_encode(eid, RT_SCP81_EID_LEN, e, sizeof(e));
	rt_scp81_ridpix(aid, aid_len, rp);
	if ((size_t)snprintf(out, outsz, "//se-id/eid/%s;//aa-id/aid/%s", e, rp) >= outsz)
		return rt_err_set(err, RT_ENOMEM, "X-Admin-From: output too small");
	return 0;
}

int rt_scp81_admin_from_parse(const char *value, uint8_t eid[RT_SCP81_EID_LEN],
			      uint8_t aid[RT_SCP81_AID_MAX], size_t *aid_len,
			      struct rt_err *err)
{
	static const char pre[] = "//se-id/eid/", mid[] = ";//aa-id/aid/";
	const char *p = value, *semi;
	size_t el;
	int rc;

	if (strncmp(p, pre, sizeof(pre) - 1) != 0)
		return rt_err_set(err, RT_EPROTO, "X-Admin-From does not start with //se-id/eid/");
	p += sizeof(pre) - 1;
	semi = strchr(p, ';');
	if (!semi || strncmp(semi, mid, sizeof(mid) - 1) != 0)
		return rt_err_set(err, RT_EPROTO, "X-Admin-From: no ;//aa-id/aid/ after the EID");
	if ((size_t)(semi - p) != 2 * RT_SCP81_EID_LEN)
		return rt_err_set(err, RT_EPROTO, "X-Admin-From: EID of %zu hex digits (must be 32)",
				  (size_t)(semi - p));
	if ((rc = rt_scp81_unhex(p, 32, eid, RT_SCP81_EID_LEN, &el, "X-Admin-From EID", err)) != 0)
		return rc;
	p = semi + sizeof(mid) - 1;
	return rt_scp81_parse_ridpix(p, strlen(p), aid, aid_len, "X-Admin-From", err);
}

/* Media type check: "type/subtype" case-insensitive, then ';' with optional blanks,
 * then the parameter (name case-insensitive, value exact). */
static int rt_scp81_media_is(const char *v, const char *want)
{
	const char *ws = strchr(want, ';');
	size_t tl = (size_t)(ws - want);

	while (*v == ' ' || *v == '\t')
		v++;
	if (strncasecmp(v, want, tl) != 0)
		return 0;
	v += tl;
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v++ != ';')
		return 0;
	while (*v == ' ' || *v == '\t')
		v++;
	if (strncasecmp(v, "version=", 8) != 0)
		return 0;
	v += 8;
	if (strncmp(v, ws + 9, strlen(ws + 9)) != 0)
		return 0;
	v += strlen(ws + 9);
	while (*v == ' ' || *v == '\t')
		v++;
	return *v == '\0';
}

int rt_scp81_header_check(const char *name, const char *value, enum rt_scp81_dir dir,
			  struct rt_err *err)
{
	const struct rt_scp81_header *h = rt_scp81_header_find(name);
	uint8_t eid[RT_SCP81_EID_LEN], aid[RT_SCP81_AID_MAX];
	size_t al, i;

	if (!h)
		return rt_err_set(err, RT_ENOENT, "%s is not a GP Amd B admin header", name);
	if (!(h->dirs & (unsigned)dir))
		return rt_err_set(err, RT_EPROTO, "%s is not sent %s", h->name,
				  dir == RT_SCP81_CARD_TO_SERVER ? "by the card" : "by the server");
	if (strcmp(h->name, "X-Admin-Protocol") == 0) {
		if (strcmp(value, RT_SCP81_PROTOCOL) != 0)
			return rt_err_set(err, RT_EPROTO, "X-Admin-Protocol '%s' (expected %s)", value,
					  RT_SCP81_PROTOCOL);
	} else if (strcmp(h->name, "X-Admin-Script-Status") == 0) {
		for (i = 0; rt_scp81_script_status[i]; i++)
			if (strcmp(value, rt_scp81_script_status[i]) == 0)
				return 0;
		return rt_err_set(err, RT_EPROTO, "X-Admin-Script-Status '%s' is not a GP Amd B value",
				  value);
	} else if (strcmp(h->name, "Content-Type") == 0) {
		const char *want = dir == RT_SCP81_CARD_TO_SERVER ? RT_SCP81_CT_RESPONSE
								  : RT_SCP81_CT_COMMAND;

		if (!rt_scp81_media_is(value, want))
			return rt_err_set(err, RT_EPROTO, "Content-Type '%s' (expected %s)", value,
					  want);
	} else if (strcmp(h->name, "X-Admin-From") == 0) {
		return rt_scp81_admin_from_parse(value, eid, aid, &al, err);
	} else if (strcmp(h->name, "X-Admin-Targeted-Application") == 0) {
		return rt_scp81_targeted_app_parse(value, aid, &al, err);
	} else if (strcmp(h->name, "X-Admin-Next-URI") == 0) {
		if (!value[0])
			return rt_err_set(err, RT_EPROTO, "X-Admin-Next-URI is empty");
		for (i = 0; value[i]; i++)
			if ((unsigned char)value[i] <= 0x20 || value[i] == 0x7F)
				return rt_err_set(err, RT_EPROTO,
						  "X-Admin-Next-URI: byte %02X at %zu (no blanks or controls in a URI)",
						  (unsigned char)value[i], i);
	} else if (strcmp(h->name, "X-Admin-Resume") == 0) {
		if (strcmp(value, "true") != 0)
			return rt_err_set(err, RT_EPROTO, "X-Admin-Resume '%s' (only 'true')", value);
	}
	return 0;
}

/* --- trigger ------------------------------------------------------------------------ */

static void rt_scp81_set(struct rt_scp81_bytes *b, const struct rt_tlv *t)
{
	b->ptr = t->value;
	b->len = t->len;
}

/* Walks the children of t, allowing the tags in allowed[] at most once each; seen[k]
 * gets the TLV for allowed[k]. */
static int rt_scp81_children(const struct rt_tlv *t, int depth, const uint32_t *allowed,
			     size_t na, struct rt_tlv *seen, int *present, struct rt_err *err)
{
	struct rt_tlv_iter it;
	struct rt_tlv c;
	size_t k;
	int rc;

	for (k = 0; k < na; k++)
		present[k] = 0;
	if (t->indefinite)
		return rt_err_set(err, RT_EPROTO, "trigger: tag %02X at offset %zu: indefinite length",
				  (unsigned)t->tag, t->offset);
	if (t->len == 0)
		return 0;
	/* Every container here is walked as constructed, whatever its tag's b6 says. */
	it.buf = t->value;
	it.len = t->len;
	it.pos = 0;
	it.base = t->offset + t->hdr_len;
	it.flags = 0;
	it.depth = depth + 1;
	while (!rt_tlv_iter_done(&it)) {
		if ((rc = rt_tlv_next(&it, &c, err)) != 0) {
			rt_err_wrap(err, "trigger");
			return rc;
		}
		for (k = 0; k < na && allowed[k] != c.tag; k++)
			;
		if (k == na)
			return rt_err_set(err, RT_EPROTO,
					  "trigger: tag %0*X at offset %zu not allowed inside %02X",
					  (int)c.tag_len * 2, (unsigned)c.tag, c.offset, (unsigned)t->tag);
		if (present[k])
			return rt_err_set(err, RT_EPROTO, "trigger: second tag %0*X at offset %zu",
					  (int)c.tag_len * 2, (unsigned)c.tag, c.offset);
		if (c.indefinite)
			return rt_err_set(err, RT_EPROTO,
					  "trigger: tag %02X at offset %zu: indefinite length",
					  (unsigned)c.tag, c.offset);
		present[k] = 1;
		seen[k] = c;
	}
	return 0;
}

int rt_scp81_trigger_parse(const uint8_t *buf, size_t len, struct rt_scp81_trigger *out,
			   struct rt_err *err)
{
	/* GP Amd B Table 3-3 layout (pySim global_platform/http.py). */
	static const uint32_t top[] = { 0x83, 0xB3 };
	static const uint32_t sess[] = { 0x84, 0x85, 0xA5, 0x86, 0x89 };
	static const uint32_t http[] = { 0x8A, 0x8B, 0x8C };
	struct rt_tlv outer, t1[2], t2[5], t3[3];
	int p1[2], p2[5], p3[3], rc;

	memset(out, 0, sizeof(*out));
	out->sha_type = -1;
	if (len == 0 || buf[0] != 0x81)
		return rt_err_set(err, RT_EPROTO, "trigger: tag %02X at offset 0 (expected 81)",
				  len ? buf[0] : 0);
	if ((rc = rt_tlv_decode(buf, len, 0, 0, 0, &outer, err)) != 0) {
		rt_err_wrap(err, "trigger");
		return rc;
	}
	if (outer.total_len != len)
		return rt_err_set(err, RT_EPROTO, "trigger: %zu bytes after the 81 TLV",
				  len - outer.total_len);
	if ((rc = rt_scp81_children(&outer, 0, top, 2, t1, p1, err)) != 0)
		return rc;
	if (p1[1])
		rt_scp81_set(&out->dns, &t1[1]);
	if (!p1[0])
		return 0;
	out->has_session = 1;
	if ((rc = rt_scp81_children(&t1[0], 1, sess, 5, t2, p2, err)) != 0)
		return rc;
	if (p2[0])
		rt_scp81_set(&out->conn, &t2[0]);
	if (p2[1]) {
		const uint8_t *v = t2[1].value;
		size_t l = t2[1].len, pl;

		/* 85: PSK-ID length | PSK-ID | 02 | KVN | KID [| SHA type]. */
		if (l < 1 || (pl = v[0]) + 4 > l || v[1 + pl] != 2 || l > pl + 5)
			return rt_err_set(err, RT_EPROTO,
					  "trigger: security parameters 85 at offset %zu: %zu bytes do not match L | PSK-ID | 02 | KVN | KID [| SHA]",
					  t2[1].offset, l);
		out->has_security = 1;
		out->psk_id.ptr = v + 1;
		out->psk_id.len = pl;
		out->kvn = v[pl + 2];
		out->kid = v[pl + 3];
		if (l == pl + 5)
			out->sha_type = v[pl + 4];
	}
	if (p2[2])
		rt_scp81_set(&out->ext_security, &t2[2]);
	if (p2[3]) {
		const uint8_t *v = t2[3].value;

		if (t2[3].len < 7)
			return rt_err_set(err, RT_EPROTO,
					  "trigger: retry policy 86 at offset %zu of %zu bytes (counter 2 + delay 5)",
					  t2[3].offset, t2[3].len);
		out->has_retry = 1;
		out->retry_counter = (uint16_t)(v[0] << 8 | v[1]);
		memcpy(out->retry_delay, v + 2, 5);
		out->retry_report.ptr = v + 7;
		out->retry_report.len = t2[3].len - 7;
	}
	if (p2[4]) {
		out->has_http = 1;
		if ((rc = rt_scp81_children(&t2[4], 2, http, 3, t3, p3, err)) != 0)
			return rc;
		if (p3[0])
			rt_scp81_set(&out->host, &t3[0]);
		if (p3[1])
			rt_scp81_set(&out->agent_id, &t3[1]);
		if (p3[2])
			rt_scp81_set(&out->uri, &t3[2]);
	}
	return 0;
}

int rt_scp81_trigger_build(const struct rt_scp81_trigger *t, struct rt_buf *out,
			   struct rt_err *err)
{
	struct rt_buf s, h, tmp, top;
	int rc = 0;

	rt_buf_init(&s, 4096);
	rt_buf_init(&h, 4096);
	rt_buf_init(&tmp, 512);
	rt_buf_init(&top, 8192);
	if (t->host.ptr && (rc = rt_tlv_put(&h, 0x8A, t->host.ptr, t->host.len, err)))
		goto out;
	if (t->agent_id.ptr && (rc = rt_tlv_put(&h, 0x8B, t->agent_id.ptr, t->agent_id.len, err)))
		goto out;
	if (t->uri.ptr && (rc = rt_tlv_put(&h, 0x8C, t->uri.ptr, t->uri.len, err)))
		goto out;
	if (t->conn.ptr && (rc = rt_tlv_put(&s, 0x84, t->conn.ptr, t->conn.len, err)))
		goto out;
	if (t->has_security) {
		uint8_t tail[4] = { 2, t->kvn, t->kid, (uint8_t)t->sha_type };

		if (t->psk_id.len > 255) {
			rc = rt_err_set(err, RT_ERANGE, "trigger: PSK-ID of %zu bytes", t->psk_id.len);
			goto out;
		}
		if (rt_buf_push(&tmp, (uint8_t)t->psk_id.len) ||
		    (t->psk_id.len && rt_buf_append(&tmp, t->psk_id.ptr, t->psk_id.len)) ||
		    rt_buf_append(&tmp, tail, t->sha_type >= 0 ? 4 : 3)) {
			rc = rt_err_set(err, RT_ENOMEM, "trigger: buffer full");
			goto out;
		}
		if ((rc = rt_tlv_put(&s, 0x85, tmp.data, tmp.len, err)))
			goto out;
	}
	if (t->ext_security.ptr &&
	    (rc = rt_tlv_put(&s, 0xA5, t->ext_security.ptr, t->ext_security.len, err)))
		goto out;
	if (t->has_retry) {
		uint8_t r[7] = { (uint8_t)(t->retry_counter >> 8), (uint8_t)t->retry_counter };

		memcpy(r + 2, t->retry_delay, 5);
		rt_buf_reset(&tmp);
		if (rt_buf_append(&tmp, r, 7) ||
		    (t->retry_report.len && rt_buf_append(&tmp, t->retry_report.ptr, t->retry_report.len))) {
			rc = rt_err_set(err, RT_ENOMEM, "trigger: buffer full");
			goto out;
		}
		if ((rc = rt_tlv_put(&s, 0x86, tmp.data, tmp.len, err)))
			goto out;
	}
	if ((t->has_http || h.len) && (rc = rt_tlv_put(&s, 0x89, h.data, h.len, err)))
		goto out;
	if ((t->has_session || s.len) && (rc = rt_tlv_put(&top, 0x83, s.data, s.len, err)))
		goto out;
	if (t->dns.ptr && (rc = rt_tlv_put(&top, 0xB3, t->dns.ptr, t->dns.len, err)))
		goto out;
	rc = rt_tlv_put(out, 0x81, top.data, top.len, err);
out:
	rt_buf_free(&s);
	rt_buf_free(&h);
	rt_buf_free(&tmp);
	rt_buf_free(&top);
	return rc;
}
