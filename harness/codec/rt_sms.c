/* SPDX-License-Identifier: Apache-2.0 */
/* rt_sms — SMS TPDUs, secured-packet concatenation and the SMS-PP DOWNLOAD envelope.
 *
 * Owns the TS 23.040 field layout (§9.2.2.1 SMS-DELIVER, §9.2.2.2 SMS-SUBMIT, §9.1.2.5
 * address fields, §9.2.3.24 user data header), the TS 23.038 default alphabet for
 * alphanumeric addresses, concatenation as TS 31.115 uses it for secured packets, and
 * the TS 31.111 §7.1.1.2 envelope. The COMPREHENSION-TLV bytes come from rt_ctlv. */
#include "codec/rt_sms.h"

#include <string.h>

#include "codec/rt_apdu.h"
#include "codec/rt_ctlv.h"

/* TS 23.040 §9.1.2.3: semi-octet values 0-9, then * # a b c; F is the filler. */
static const char rt_sms_semi[] = "0123456789*#abc";

/* TS 23.038 §6.2.1 GSM 7-bit default alphabet, as UTF-8. 1B is the escape to the
 * extension table (rt_sms_gsm7_ext). */
static const char *const rt_sms_gsm7[128] = {
	"@", "\xC2\xA3", "$", "\xC2\xA5", "\xC3\xA8", "\xC3\xA9", "\xC3\xB9", "\xC3\xAC",
	"\xC3\xB2", "\xC3\x87", "\n", "\xC3\x98", "\xC3\xB8", "\r", "\xC3\x85", "\xC3\xA5",
	"\xCE\x94", "_", "\xCE\xA6", "\xCE\x93", "\xCE\x9B", "\xCE\xA9", "\xCE\xA0", "\xCE\xA8",
	"\xCE\xA3", "\xCE\x98", "\xCE\x9E", NULL, "\xC3\x86", "\xC3\xA6", "\xC3\x9F", "\xC3\x89",
	" ", "!", "\"", "#", "\xC2\xA4", "%", "&", "'",
	"(", ")", "*", "+", ",", "-", ".", "/",
	"0", "1", "2", "3", "4", "5", "6", "7",
	"8", "9", ":", ";", "<", "=", ">", "?",
	"\xC2\xA1", "A", "B", "C", "D", "E", "F", "G",
	"H", "I", "J", "K", "L", "M", "N", "O",
	"P", "Q", "R", "S", "T", "U", "V", "W",
	"X", "Y", "Z", "\xC3\x84", "\xC3\x96", "\xC3\x91", "\xC3\x9C", "\xC2\xA7",
	"\xC2\xBF", "a", "b", "c", "d", "e", "f", "g",
	"h", "i", "j", "k", "l", "m", "n", "o",
	"p", "q", "r", "s", "t", "u", "v", "w",
	"x", "y", "z", "\xC3\xA4", "\xC3\xB6", "\xC3\xB1", "\xC3\xBC", "\xC3\xA0",
};

/* TS 23.038 §6.2.1.1 extension table (after 1B). */
static const struct {
	uint8_t code;
	const char *utf8;
} rt_sms_gsm7_ext[] = {
	{ 0x0A, "\f" }, { 0x14, "^" }, { 0x28, "{" }, { 0x29, "}" }, { 0x2F, "\\" },
	{ 0x3C, "[" }, { 0x3D, "~" }, { 0x3E, "]" }, { 0x40, "|" }, { 0x65, "\xE2\x82\xAC" },
};

#define RT_SMS_GSM7_ESC 0x1B

enum rt_sms_alphabet rt_sms_dcs_alphabet(uint8_t dcs)
{
	unsigned group = dcs >> 4;

	/* TS 23.038 §4. */
	if (group <= 0x7) /* 00xx general / 01xx automatic deletion: b3b2 */
		return (enum rt_sms_alphabet)((dcs >> 2) & 3);
	if (group == 0xC || group == 0xD)
		return RT_SMS_ALPHA_7BIT;
	if (group == 0xE)
		return RT_SMS_ALPHA_UCS2;
	if (group == 0xF)
		return (dcs & 0x04) ? RT_SMS_ALPHA_8BIT : RT_SMS_ALPHA_7BIT;
	return RT_SMS_ALPHA_RESERVED;
}

/* Appends s to the text buffer (bounded). */
static int rt_sms_text_add(char *text, size_t *tl, const char *s)
{
	size_t n = strlen(s);

	if (*tl + n + 1 > RT_SMS_ADDR_TEXT_MAX)
		return -1;
	memcpy(text + *tl, s, n);
	*tl += n;
	text[*tl] = '\0';
	return 0;
}

/* Septet k of GSM 7-bit packed bytes (TS 23.038 §6.1.2.1: LSB first). */
static uint8_t rt_sms_septet(const uint8_t *b, size_t k)
{
	size_t bit = k * 7, byte = bit / 8, sh = bit % 8;
	unsigned v = b[byte] >> sh;

	if (sh > 1)
		v |= (unsigned)b[byte + 1] << (8 - sh);
	return (uint8_t)(v & 0x7F);
}

/* Decodes nsept septets of packed GSM 7-bit text as UTF-8. */
static int rt_sms_gsm7_decode(const uint8_t *b, size_t nsept, char *text, struct rt_err *err)
{
	size_t k, tl = 0;

	text[0] = '\0';
	for (k = 0; k < nsept; k++) {
		uint8_t c = rt_sms_septet(b, k);
		const char *s = rt_sms_gsm7[c];

		if (c == RT_SMS_GSM7_ESC) {
			size_t e;

			/* TS 23.038: an unknown extension code shows as the basic character; a
			 * trailing escape shows as a space. */
			s = " ";
			if (k + 1 < nsept) {
				c = rt_sms_septet(b, ++k);
				s = rt_sms_gsm7[c] ? rt_sms_gsm7[c] : " ";
				for (e = 0; e < sizeof(rt_sms_gsm7_ext) / sizeof(rt_sms_gsm7_ext[0]); e++)
					if (rt_sms_gsm7_ext[e].code == c)
						s = rt_sms_gsm7_ext[e].utf8;
			}
		}
		if (rt_sms_text_add(text, &tl, s))
			return rt_err_set(err, RT_ERANGE, "alphanumeric address text too long");
	}
	return 0;
}

/* Packs UTF-8 text (default-alphabet characters only, no extension table) into septets.
 * Returns the septet count in *nsept. */
static int rt_sms_gsm7_encode(const char *text, uint8_t *out, size_t outsz, size_t *nsept,
			      struct rt_err *err)
{
	size_t k = 0, pos = 0;

	memset(out, 0, outsz);
	while (text[pos]) {
		unsigned c, found = 0x80;
		size_t clen = 0;

		for (c = 0; c < 128; c++) {
			const char *s = rt_sms_gsm7[c];

			if (s && strncmp(text + pos, s, strlen(s)) == 0 && strlen(s) > clen) {
				found = c;
				clen = strlen(s);
			}
		}
		if (found == 0x80)
			return rt_err_set(err, RT_EINVAL,
					  "alphanumeric address: byte %02X at offset %zu is not in the GSM 7-bit default alphabet",
					  (uint8_t)text[pos], pos);
		if ((k + 1) * 7 > outsz * 8)
			return rt_err_set(err, RT_ERANGE,
					  "alphanumeric address longer than 11 characters");
		{
			size_t bit = k * 7, byte = bit / 8, sh = bit % 8;

			out[byte] |= (uint8_t)(found << sh);
			if (sh > 1)
				out[byte + 1] |= (uint8_t)(found >> (8 - sh));
		}
		k++;
		pos += clen;
	}
	*nsept = k;
	return 0;
}

int rt_sms_addr_decode(const uint8_t *buf, size_t len, struct rt_sms_addr *out, size_t *used,
		       struct rt_err *err)
{
	size_t nd, octets, i;

	if (len < 2)
		return rt_err_set(err, RT_EPROTO, "address field truncated (%zu bytes)", len);
	nd = buf[0];
	/* TS 23.040 §9.1.2.5: at most 10 octets of address value. */
	if (nd > RT_SMS_ADDR_DIGITS_MAX)
		return rt_err_set(err, RT_EPROTO,
				  "address length %zu semi-octets (at most 20)", nd);
	octets = (nd + 1) / 2;
	if (len < 2 + octets)
		return rt_err_set(err, RT_EPROTO,
				  "address of %zu semi-octets truncated (%zu value bytes present)", nd,
				  len - 2);
	out->toa = buf[1];
	out->ndigits = nd;
	*used = 2 + octets;
	if (((out->toa >> 4) & 7) == 5) {
		/* TS 23.040 §9.1.2.5: TON 101 = alphanumeric, GSM 7-bit default alphabet;
		 * the length counts the semi-octets holding the septets. */
		return rt_sms_gsm7_decode(buf + 2, nd * 4 / 7, out->digits, err);
	}
	for (i = 0; i < nd; i++) {
		uint8_t b = buf[2 + i / 2];
		unsigned nib = (i & 1) ? b >> 4 : b & 0x0F;

		if (nib == 0x0F)
			return rt_err_set(err, RT_EPROTO,
					  "address digit %zu is the filler F (address length %zu)", i + 1, nd);
		out->digits[i] = rt_sms_semi[nib];
	}
	out->digits[nd] = '\0';
	if ((nd & 1) && (buf[2 + nd / 2] >> 4) != 0x0F)
		return rt_err_set(err, RT_EPROTO,
				  "address of odd length %zu: last semi-octet %X is not the filler F",
				  nd, buf[2 + nd / 2] >> 4);
	return 0;
}

int rt_sms_addr_encode(const struct rt_sms_addr *a, struct rt_buf *out, struct rt_err *err)
{
	uint8_t b[2 + RT_SMS_ADDR_DIGITS_MAX / 2];
	size_t nd = strnlen(a->digits, sizeof(a->digits)), i;

	memset(b, 0, sizeof(b));
	b[1] = a->toa;
	if (((a->toa >> 4) & 7) == 5) {
		size_t nsept = 0;
		int rc = rt_sms_gsm7_encode(a->digits, b + 2, sizeof(b) - 2, &nsept, err);

		if (rc)
			return rc;
		nd = (nsept * 7 + 3) / 4;
		/* Senders differ on whether the last half-used octet counts as one or two
		 * semi-octets (pySim's DELIVER vector: 4 characters, length 8); keep the
		 * caller's count when it describes the same octets. */
		if (a->ndigits > nd && a->ndigits == nd + 1 && (nd & 1))
			nd = a->ndigits;
		b[0] = (uint8_t)nd;
		if (rt_buf_append(out, b, 2 + (nd + 1) / 2))
			return rt_err_set(err, RT_ENOMEM, "address: output buffer full");
		return 0;
	}
	if (nd > RT_SMS_ADDR_DIGITS_MAX)
		return rt_err_set(err, RT_EINVAL, "address of %zu digits (at most 20)", nd);
	b[0] = (uint8_t)nd;
	for (i = 0; i < nd; i++) {
		char c = a->digits[i];
		const char *p;
		unsigned nib;

		if (c >= 'A' && c <= 'C')
			c = (char)(c - 'A' + 'a');
		p = c ? strchr(rt_sms_semi, c) : NULL;
		if (!p)
			return rt_err_set(err, RT_EINVAL,
					  "address character '%c' at %zu (0-9 * # a b c)", a->digits[i], i);
		nib = (unsigned)(p - rt_sms_semi);
		b[2 + i / 2] |= (uint8_t)((i & 1) ? nib << 4 : nib);
	}
	if (nd & 1)
		b[2 + nd / 2] |= 0xF0; /* TS 23.040 §9.1.2.3: odd count, filler 1111 */
	if (rt_buf_append(out, b, 2 + (nd + 1) / 2))
		return rt_err_set(err, RT_ENOMEM, "address: output buffer full");
	return 0;
}

int rt_sms_udh_parse(const uint8_t *buf, size_t len, struct rt_sms_ie *ie, size_t max,
		     size_t *n, size_t *used, struct rt_err *err)
{
	size_t udhl, pos = 1;

	*n = 0;
	if (len < 1)
		return rt_err_set(err, RT_EPROTO, "UDH: no UDHL octet");
	udhl = buf[0];
	if (udhl + 1 > len)
		return rt_err_set(err, RT_EPROTO, "UDH: UDHL %zu overruns the %zu user data octets",
				  udhl, len);
	while (pos < udhl + 1) {
		size_t ielen;

		if (pos + 2 > udhl + 1)
			return rt_err_set(err, RT_EPROTO,
					  "UDH: IE at UD offset %zu truncated (IEI and length need 2 octets)",
					  pos);
		ielen = buf[pos + 1];
		if (pos + 2 + ielen > udhl + 1)
			return rt_err_set(err, RT_EPROTO,
					  "UDH: IE %02X at UD offset %zu: length %zu overruns UDHL %zu",
					  buf[pos], pos, ielen, udhl);
		if (*n >= max)
			return rt_err_set(err, RT_EPROTO, "UDH: more than %zu IEs", max);
		ie[*n].iei = buf[pos];
		ie[*n].len = ielen;
		ie[*n].data = buf + pos + 2;
		(*n)++;
		pos += 2 + ielen;
	}
	*used = udhl + 1;
	return 0;
}

int rt_sms_udh_encode(const struct rt_sms_ie *ie, size_t n, struct rt_buf *out,
		      struct rt_err *err)
{
	size_t i, udhl = 0;

	for (i = 0; i < n; i++) {
		if (ie[i].len > 255)
			return rt_err_set(err, RT_ERANGE, "UDH: IE %02X of %zu octets", ie[i].iei,
					  ie[i].len);
		udhl += 2 + ie[i].len;
	}
	if (udhl > RT_SMS_UD_MAX - 1)
		return rt_err_set(err, RT_ERANGE, "UDH of %zu octets does not fit 140", udhl + 1);
	if (rt_buf_push(out, (uint8_t)udhl))
		goto full;
	for (i = 0; i < n; i++) {
		uint8_t h[2] = { ie[i].iei, (uint8_t)ie[i].len };

		if (rt_buf_append(out, h, 2) || (ie[i].len && rt_buf_append(out, ie[i].data, ie[i].len)))
			goto full;
	}
	return 0;
full:
	return rt_err_set(err, RT_ENOMEM, "UDH: output buffer full");
}

int rt_sms_tpdu_decode(const uint8_t *buf, size_t len, enum rt_sms_mti mti,
		       struct rt_sms_tpdu *out, struct rt_err *err)
{
	static const size_t vp_sizes[4] = { 0, 7, 1, 7 }; /* TS 23.040 §9.2.3.12 by TP-VPF */
	size_t pos = 1, used, octets;
	uint8_t fo;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < 1)
		return rt_err_set(err, RT_EPROTO, "TPDU: empty");
	fo = buf[0];
	if ((fo & 3) != (unsigned)mti)
		return rt_err_set(err, RT_EPROTO, "TPDU: TP-MTI %u, expected %u (%s)", fo & 3,
				  (unsigned)mti, mti == RT_SMS_DELIVER ? "SMS-DELIVER" : "SMS-SUBMIT");
	out->mti = mti;
	out->udhi = !!(fo & 0x40);
	out->rp = !!(fo & 0x80);
	if (mti == RT_SMS_DELIVER) {
		out->mms = !!(fo & 0x04);
		out->lp = !!(fo & 0x08);
		out->sri = !!(fo & 0x20);
	} else {
		out->rd = !!(fo & 0x04);
		out->vpf = (enum rt_sms_vpf)((fo >> 3) & 3);
		out->srr = !!(fo & 0x20);
		if (len < 2)
			return rt_err_set(err, RT_EPROTO, "TPDU: TP-MR missing at offset 1");
		out->mr = buf[pos++];
	}
	if ((rc = rt_sms_addr_decode(buf + pos, len - pos, &out->addr, &used, err)) != 0) {
		rt_err_wrap(err, "TPDU: %s at offset %zu", mti == RT_SMS_DELIVER ? "TP-OA" : "TP-DA",
			    pos);
		return rc;
	}
	pos += used;
	if (len - pos < 2)
		return rt_err_set(err, RT_EPROTO, "TPDU: TP-PID/TP-DCS missing at offset %zu", pos);
	out->pid = buf[pos++];
	out->dcs = buf[pos++];
	if (mti == RT_SMS_DELIVER) {
		if (len - pos < 7)
			return rt_err_set(err, RT_EPROTO, "TPDU: TP-SCTS truncated at offset %zu", pos);
		memcpy(out->scts, buf + pos, 7);
		pos += 7;
	} else {
		out->vp_len = vp_sizes[out->vpf];
		if (len - pos < out->vp_len)
			return rt_err_set(err, RT_EPROTO, "TPDU: TP-VP (%zu octets) truncated at offset %zu",
					  out->vp_len, pos);
		memcpy(out->vp, buf + pos, out->vp_len);
		pos += out->vp_len;
	}
	if (len - pos < 1)
		return rt_err_set(err, RT_EPROTO, "TPDU: TP-UDL missing at offset %zu", pos);
	out->udl = buf[pos++];
	if (rt_sms_dcs_alphabet(out->dcs) == RT_SMS_ALPHA_7BIT) {
		if (out->udl > RT_SMS_UDL7_MAX)
			return rt_err_set(err, RT_EPROTO, "TPDU: TP-UDL %u septets (at most 160)",
					  out->udl);
		octets = ((size_t)out->udl * 7 + 7) / 8;
	} else {
		if (out->udl > RT_SMS_UD_MAX)
			return rt_err_set(err, RT_EPROTO, "TPDU: TP-UDL %u octets (at most 140)",
					  out->udl);
		octets = out->udl;
	}
	if (len - pos != octets)
		return rt_err_set(err, RT_EPROTO,
				  "TPDU: TP-UDL %u means %zu user data octets, %zu present at offset %zu",
				  out->udl, octets, len - pos, pos);
	out->ud = buf + pos;
	out->ud_len = octets;
	out->payload = out->ud;
	out->payload_len = octets;
	if (out->udhi) {
		rc = rt_sms_udh_parse(out->ud, out->ud_len, out->ie, RT_SMS_IE_MAX, &out->n_ie, &used,
				      err);
		if (rc) {
			rt_err_wrap(err, "TPDU at offset %zu", pos);
			return rc;
		}
		out->udh = out->ud;
		out->udh_len = used;
		out->payload = out->ud + used;
		out->payload_len = out->ud_len - used;
	}
	return 0;
}

int rt_sms_tpdu_encode(const struct rt_sms_tpdu *t, struct rt_buf *out, struct rt_err *err)
{
	static const size_t vp_sizes[4] = { 0, 7, 1, 7 };
	struct rt_buf ud;
	uint8_t fo = (uint8_t)t->mti;
	int rc;

	if (t->mti != RT_SMS_DELIVER && t->mti != RT_SMS_SUBMIT)
		return rt_err_set(err, RT_EINVAL, "TPDU: TP-MTI %d not supported", (int)t->mti);
	if (rt_sms_dcs_alphabet(t->dcs) == RT_SMS_ALPHA_7BIT)
		return rt_err_set(err, RT_ENOTSUP,
				  "TPDU: TP-DCS %02X is 7-bit; only octet user data is encoded", t->dcs);
	if (t->udhi)
		fo |= 0x40;
	if (t->rp)
		fo |= 0x80;
	if (t->mti == RT_SMS_DELIVER) {
		fo |= (uint8_t)((t->mms ? 0x04 : 0) | (t->lp ? 0x08 : 0) | (t->sri ? 0x20 : 0));
	} else {
		if ((unsigned)t->vpf > 3 || t->vp_len != vp_sizes[t->vpf])
			return rt_err_set(err, RT_EINVAL, "TPDU: TP-VP of %zu octets for TP-VPF %u",
					  t->vp_len, (unsigned)t->vpf);
		fo |= (uint8_t)((t->rd ? 0x04 : 0) | ((unsigned)t->vpf << 3) | (t->srr ? 0x20 : 0));
	}
	rt_buf_init(&ud, RT_SMS_UD_MAX);
	if (t->udhi && !t->raw_ud && (rc = rt_sms_udh_encode(t->ie, t->n_ie, &ud, err)) != 0)
		goto out;
	if (t->payload_len && rt_buf_append(&ud, t->payload, t->payload_len)) {
		rc = rt_err_set(err, RT_ERANGE, "TPDU: user data of %zu octets over 140",
				ud.len + t->payload_len);
		goto out;
	}
	rc = RT_ENOMEM;
	if (rt_buf_push(out, fo))
		goto full;
	if (t->mti == RT_SMS_SUBMIT && rt_buf_push(out, t->mr))
		goto full;
	if ((rc = rt_sms_addr_encode(&t->addr, out, err)) != 0)
		goto out;
	rc = RT_ENOMEM;
	if (rt_buf_push(out, t->pid) || rt_buf_push(out, t->dcs))
		goto full;
	if (t->mti == RT_SMS_DELIVER ? rt_buf_append(out, t->scts, 7)
				     : (t->vp_len && rt_buf_append(out, t->vp, t->vp_len)))
		goto full;
	if (rt_buf_push(out, (uint8_t)ud.len) || (ud.len && rt_buf_append(out, ud.data, ud.len)))
		goto full;
	rc = 0;
	goto out;
full:
	rc = rt_err_set(err, RT_ENOMEM, "TPDU: output buffer full");
out:
	rt_buf_free(&ud);
	return rc;
}

/* --- concatenation ------------------------------------------------------------------ */

int rt_sms_concat_split(const uint8_t *packet, size_t len, const struct rt_sms_concat_opts *o,
			struct rt_buf *ud, size_t *lens, size_t max, size_t *n,
			struct rt_err *err)
{
	size_t cie = o->ref16 ? 6 : 5; /* concatenation IE: IEI, length, ref(1|2), total, seq */
	size_t cap1 = RT_SMS_UD_MAX - (1 + 2 + cie), capn = RT_SMS_UD_MAX - (1 + cie);
	size_t total, i, pos = 0, limit = max < RT_SMS_CONCAT_MAX ? max : RT_SMS_CONCAT_MAX;

	*n = 0;
	if (o->ref > (o->ref16 ? 0xFFFFu : 0xFFu))
		return rt_err_set(err, RT_EINVAL, "concatenation reference %u out of range", o->ref);
	if (len + 3 <= RT_SMS_UD_MAX) {
		/* One SMS: UDH 02 70 00 (TS 31.115), no concatenation IE. */
		uint8_t h[3] = { 2, o->packet_iei, 0 };

		if (limit < 1)
			return rt_err_set(err, RT_ERANGE, "no room for one segment");
		if (rt_buf_append(ud, h, 3) || (len && rt_buf_append(ud, packet, len)))
			return rt_err_set(err, RT_ENOMEM, "concatenation: output buffer full");
		lens[0] = 3 + len;
		*n = 1;
		return 0;
	}
	total = 1 + (len - cap1 + capn - 1) / capn;
	if (total > limit)
		return rt_err_set(err, RT_ERANGE,
				  "packet of %zu bytes needs %zu SMS, at most %zu", len, total, limit);
	for (i = 0; i < total; i++) {
		uint8_t h[16];
		size_t hl = 1, chunk, cap = i == 0 ? cap1 : capn, c0;

		/* TS 23.040 §9.2.3.24.1 / .8: reference, total, sequence from 1. */
		h[hl++] = o->ref16 ? RT_SMS_IEI_CONCAT16 : RT_SMS_IEI_CONCAT8;
		h[hl++] = (uint8_t)(cie - 2);
		if (o->ref16)
			h[hl++] = (uint8_t)(o->ref >> 8);
		h[hl++] = (uint8_t)o->ref;
		h[hl++] = (uint8_t)total;
		h[hl++] = (uint8_t)(i + 1);
		if (i == 0) {
			uint8_t pie[2] = { o->packet_iei, 0 };

			if (o->order == RT_SMS_CONCAT_CPI_FIRST) {
				memmove(h + 3, h + 1, cie);
				h[1] = pie[0];
				h[2] = pie[1];
			} else {
				h[hl] = pie[0];
				h[hl + 1] = pie[1];
			}
			hl += 2;
		}
		h[0] = (uint8_t)(hl - 1);
		c0 = len - pos;
		chunk = c0 < cap ? c0 : cap;
		if (rt_buf_append(ud, h, hl) || rt_buf_append(ud, packet + pos, chunk))
			return rt_err_set(err, RT_ENOMEM, "concatenation: output buffer full");
		lens[i] = hl + chunk;
		pos += chunk;
		(*n)++;
	}
	return 0;
}

int rt_sms_concat_ie_get(const uint8_t *ud, size_t len, struct rt_sms_concat_ie *out,
			 struct rt_err *err)
{
	struct rt_sms_ie ie[RT_SMS_IE_MAX];
	size_t n, used, i;
	int concat_at = -1, packet_at = -1, rc;

	memset(out, 0, sizeof(*out));
	out->packet_iei = -1;
	if ((rc = rt_sms_udh_parse(ud, len, ie, RT_SMS_IE_MAX, &n, &used, err)) != 0)
		return rc;
	out->payload = ud + used;
	out->payload_len = len - used;
	for (i = 0; i < n; i++) {
		if (ie[i].iei == RT_SMS_IEI_CONCAT8 || ie[i].iei == RT_SMS_IEI_CONCAT16) {
			int r16 = ie[i].iei == RT_SMS_IEI_CONCAT16;
			const uint8_t *d = ie[i].data;

			if (concat_at >= 0)
				return rt_err_set(err, RT_EPROTO, "UDH: second concatenation IE (%02X)",
						  ie[i].iei);
			if (ie[i].len != (r16 ? 4u : 3u))
				return rt_err_set(err, RT_EPROTO,
						  "UDH: concatenation IE %02X of length %zu (must be %d)",
						  ie[i].iei, ie[i].len, r16 ? 4 : 3);
			concat_at = (int)i;
			out->present = 1;
			out->ref16 = r16;
			out->ref = r16 ? (unsigned)(d[0] << 8 | d[1]) : d[0];
			out->total = d[r16 ? 2 : 1];
			out->seq = d[r16 ? 3 : 2];
			/* TS 23.040 §9.2.3.24.1: total 0, seq 0 or seq > total are reserved. */
			if (out->total == 0 || out->seq == 0 || out->seq > out->total)
				return rt_err_set(err, RT_EPROTO,
						  "UDH: concatenation IE with total %u and sequence %u (reserved values)",
						  out->total, out->seq);
		} else if (ie[i].iei == RT_SMS_IEI_CPI || ie[i].iei == RT_SMS_IEI_RPI) {
			if (packet_at >= 0)
				return rt_err_set(err, RT_EPROTO, "UDH: second packet identifier IE (%02X)",
						  ie[i].iei);
			/* TS 31.115: the CPI/RPI IE has no data. */
			if (ie[i].len != 0)
				return rt_err_set(err, RT_EPROTO,
						  "UDH: packet identifier IE %02X of length %zu (must be 0)",
						  ie[i].iei, ie[i].len);
			packet_at = (int)i;
			out->packet_iei = ie[i].iei;
		}
	}
	out->packet_ie_first = packet_at >= 0 && concat_at >= 0 && packet_at < concat_at;
	return 0;
}

int rt_sms_reassemble(const uint8_t *const *uds, const size_t *lens, size_t n,
		      size_t max_parts, struct rt_buf *out, struct rt_sms_reasm_info *info,
		      struct rt_err *err)
{
	struct rt_sms_concat_ie first, c;
	const uint8_t *part[RT_SMS_CONCAT_MAX + 1];
	size_t plen[RT_SMS_CONCAT_MAX + 1];
	size_t i, limit = (max_parts == 0 || max_parts > RT_SMS_CONCAT_MAX) ? RT_SMS_CONCAT_MAX
									       : max_parts;
	int rc;

	memset(info, 0, sizeof(*info));
	info->packet_iei = -1;
	info->parts = n;
	if (n == 0)
		return rt_err_set(err, RT_EINVAL, "reassembly: no segments");
	if (n > limit)
		return rt_err_set(err, RT_ERANGE, "reassembly: %zu segments, at most %zu", n, limit);
	memset(part, 0, sizeof(part));
	for (i = 0; i < n; i++) {
		if ((rc = rt_sms_concat_ie_get(uds[i], lens[i], &c, err)) != 0) {
			rt_err_wrap(err, "reassembly: segment %zu", i + 1);
			return rc;
		}
		if (!c.present) {
			if (n != 1)
				return rt_err_set(err, RT_EPROTO,
						  "reassembly: UD %zu of %zu has no concatenation IE", i + 1, n);
			info->packet_iei = c.packet_iei;
			if (c.payload_len && rt_buf_append(out, c.payload, c.payload_len))
				return rt_err_set(err, RT_ENOMEM, "reassembly: output buffer full");
			return 0;
		}
		if (i == 0) {
			first = c;
			if (c.total > limit)
				return rt_err_set(err, RT_ERANGE,
						  "reassembly: total of %u segments, at most %zu", c.total, limit);
		} else if (c.ref16 != first.ref16 || c.ref != first.ref) {
			return rt_err_set(err, RT_EPROTO,
					  "reassembly: UD %zu has reference %u (%d-bit), UD 1 has %u (%d-bit)",
					  i + 1, c.ref, c.ref16 ? 16 : 8, first.ref, first.ref16 ? 16 : 8);
		} else if (c.total != first.total) {
			return rt_err_set(err, RT_EPROTO,
					  "reassembly: UD %zu announces %u segments, UD 1 announces %u",
					  i + 1, c.total, first.total);
		}
		if (part[c.seq])
			return rt_err_set(err, RT_EPROTO, "reassembly: segment %u received twice", c.seq);
		if (c.packet_iei >= 0 && c.seq != 1)
			return rt_err_set(err, RT_EPROTO,
					  "reassembly: segment %u carries the packet identifier IE %02X (only segment 1 may)",
					  c.seq, (unsigned)c.packet_iei);
		if (c.seq == 1) {
			info->packet_iei = c.packet_iei;
			info->order = c.packet_ie_first ? RT_SMS_CONCAT_CPI_FIRST
							: RT_SMS_CONCAT_CONCAT_FIRST;
		}
		part[c.seq] = c.payload;
		plen[c.seq] = c.payload_len;
	}
	info->concatenated = 1;
	info->ref16 = first.ref16;
	info->ref = first.ref;
	for (i = 1; i <= first.total; i++)
		if (!part[i])
			return rt_err_set(err, RT_EPROTO, "reassembly: segment %zu of %u missing", i,
					  first.total);
	for (i = 1; i <= first.total; i++)
		if (plen[i] && rt_buf_append(out, part[i], plen[i]))
			return rt_err_set(err, RT_ENOMEM, "reassembly: output buffer full");
	return 0;
}

/* --- ENVELOPE (SMS-PP DOWNLOAD) ------------------------------------------------------ */

int rt_sms_envelope_build(const uint8_t *tpdu, size_t tpdu_len, const uint8_t *sc_addr,
			  size_t sc_len, struct rt_buf *out, struct rt_err *err)
{
	static const uint8_t dev[2] = { RT_SMS_DEV_NETWORK, RT_SMS_DEV_UICC };
	uint8_t hdr[8];
	struct rt_buf in;
	size_t hl = 0;
	int rc;

	rt_buf_init(&in, 255);
	/* TS 31.111 §7.1.1.2: device identities (network → UICC), address, SMS TPDU. */
	if ((rc = rt_ctlv_put(&in, RT_SMS_CTLV_DEVICE_IDS, dev, 2, err)) != 0 ||
	    (sc_addr && (rc = rt_ctlv_put(&in, RT_SMS_CTLV_ADDRESS, sc_addr, sc_len, err)) != 0) ||
	    (rc = rt_ctlv_put(&in, RT_SMS_CTLV_SMS_TPDU, tpdu, tpdu_len, err)) != 0) {
		if (rc == RT_ENOMEM)
			rc = rt_err_set(err, RT_ERANGE, "ENVELOPE: SMS-PP download data over 255 bytes");
		goto out;
	}
	/* TS 101 220 §7.1.2 BER length: 1 byte up to 7F, else 81 xx. */
	if (in.len + (in.len < 0x80 ? 2 : 3) > 255) {
		rc = rt_err_set(err, RT_ERANGE,
				"ENVELOPE: D1 of %zu content bytes does not fit a short Lc", in.len);
		goto out;
	}
	hdr[hl++] = 0x80;
	hdr[hl++] = 0xC2;
	hdr[hl++] = 0x00;
	hdr[hl++] = 0x00;
	hdr[hl++] = (uint8_t)(in.len + (in.len < 0x80 ? 2 : 3));
	hdr[hl++] = RT_SMS_ENV_TAG;
	if (in.len >= 0x80)
		hdr[hl++] = 0x81;
	hdr[hl++] = (uint8_t)in.len;
	if (rt_buf_append(out, hdr, hl) || rt_buf_append(out, in.data, in.len))
		rc = rt_err_set(err, RT_ENOMEM, "ENVELOPE: output buffer full");
out:
	rt_buf_free(&in);
	return rc;
}

int rt_sms_envelope_parse(const uint8_t *buf, size_t len, struct rt_sms_envelope *out,
			  struct rt_err *err)
{
	struct rt_ctlv_iter it;
	struct rt_ctlv t;
	size_t vlen, hl;
	int have_dev = 0, have_addr = 0, have_tpdu = 0, rc;

	memset(out, 0, sizeof(*out));
	if (len < 2)
		return rt_err_set(err, RT_EPROTO, "ENVELOPE data of %zu bytes", len);
	if (buf[0] != RT_SMS_ENV_TAG)
		return rt_err_set(err, RT_EPROTO, "ENVELOPE tag %02X (SMS-PP download is D1)", buf[0]);
	if (buf[1] < 0x80) {
		vlen = buf[1];
		hl = 2;
	} else if (buf[1] == 0x81 && len >= 3 && buf[2] >= 0x80) {
		vlen = buf[2];
		hl = 3;
	} else {
		return rt_err_set(err, RT_EPROTO,
				  "ENVELOPE D1: length form %02X%s (TS 101 220: 00..7F or 81 80..FF)",
				  buf[1], buf[1] == 0x81 && len < 3 ? " truncated" : "");
	}
	if (hl + vlen != len)
		return rt_err_set(err, RT_EPROTO, "ENVELOPE D1: length %zu but %zu bytes follow",
				  vlen, len - hl);
	rt_ctlv_iter_init(&it, buf + hl, vlen);
	it.base = hl;
	while (!rt_ctlv_iter_done(&it)) {
		if ((rc = rt_ctlv_next(&it, &t, err)) != 0) {
			rt_err_wrap(err, "ENVELOPE D1");
			return rc;
		}
		switch (t.tag_nocr) {
		case RT_SMS_CTLV_DEVICE_IDS & 0x7F:
			if (have_dev++)
				return rt_err_set(err, RT_EPROTO,
						  "ENVELOPE: second device identities at offset %zu", t.offset);
			if (t.len != 2)
				return rt_err_set(err, RT_EPROTO,
						  "ENVELOPE: device identities of length %zu at offset %zu (must be 2)",
						  t.len, t.offset);
			out->src = t.value[0];
			out->dst = t.value[1];
			break;
		case RT_SMS_CTLV_ADDRESS & 0x7F:
			if (have_addr++)
				return rt_err_set(err, RT_EPROTO, "ENVELOPE: second address at offset %zu",
						  t.offset);
			out->addr = t.value;
			out->addr_len = t.len;
			break;
		case RT_SMS_CTLV_SMS_TPDU & 0x7F:
			if (have_tpdu++)
				return rt_err_set(err, RT_EPROTO, "ENVELOPE: second SMS TPDU at offset %zu",
						  t.offset);
			out->tpdu = t.value;
			out->tpdu_len = t.len;
			break;
		default:
			/* TS 102 223 §6.10: an unknown object with CR set cannot be ignored. */
			if (t.cr)
				return rt_err_set(err, RT_EPROTO,
						  "ENVELOPE: unknown tag %0*X at offset %zu with comprehension required",
						  (int)t.tag_len * 2, (unsigned)t.tag, t.offset);
		}
	}
	if (!have_dev)
		return rt_err_set(err, RT_EPROTO, "ENVELOPE: device identities (82) missing");
	if (!have_tpdu)
		return rt_err_set(err, RT_EPROTO, "ENVELOPE: SMS TPDU (8B) missing");
	return 0;
}

int rt_sms_envelope_parse_apdu(const uint8_t *apdu, size_t len, struct rt_sms_envelope *out,
			       struct rt_err *err)
{
	struct rt_capdu c;
	int rc;

	if ((rc = rt_capdu_parse(apdu, len, &c, err)) != 0) {
		rt_err_wrap(err, "ENVELOPE");
		return rc;
	}
	if (c.ins != 0xC2 || c.p1 != 0 || c.p2 != 0)
		return rt_err_set(err, RT_EPROTO, "ENVELOPE: INS P1 P2 %02X %02X %02X (expected C2 00 00)",
				  c.ins, c.p1, c.p2);
	if (!c.data)
		return rt_err_set(err, RT_EPROTO, "ENVELOPE without data (case %d)", (int)c.apdu_case);
	if ((rc = rt_sms_envelope_parse(c.data, c.lc, out, err)) != 0)
		return rc;
	out->cla = c.cla;
	return 0;
}
