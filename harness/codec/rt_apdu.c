/* SPDX-License-Identifier: Apache-2.0 */
/* rt_apdu — ISO/IEC 7816-4 C-APDU parse/build, R-APDU split, SW meanings; see rt_apdu.h.
 *
 * Owns the length-field rules of ISO 7816-4 5.1 (cases 1-4, short and extended form)
 * and the status-word table. Pure: no I/O; the 61xx/6Cxx T=0 procedure belongs to the
 * card transport. Parsing is strict: an encoding that fits no case exactly is an error
 * whose message says which length field disagrees with the byte count. */
#include "codec/rt_apdu.h"

#include <string.h>

#define RT_APDU_HDR 4         /* CLA INS P1 P2 */
#define RT_APDU_SHORT_NC 255  /* ISO 7816-4 5.1: short Lc 01..FF */
#define RT_APDU_SHORT_NE 256  /* short Le 01..FF, 00 = 256 */
#define RT_APDU_EXT_NC 65535  /* extended Lc 0001..FFFF */
#define RT_APDU_EXT_NE 65536  /* extended Le 0001..FFFF, 0000 = 65536 */

/* ISO 7816-4 5.1: Le 00 means 256 in the short form, 0000 means 65536 in the extended
 * form. */
static size_t rt_apdu_ne_short(uint8_t b)
{
	return b ? b : RT_APDU_SHORT_NE;
}

static size_t rt_apdu_ne_ext(const uint8_t *p)
{
	size_t v = (size_t)p[0] << 8 | p[1];

	return v ? v : RT_APDU_EXT_NE;
}

int rt_capdu_parse(const uint8_t *buf, size_t len, struct rt_capdu *out, struct rt_err *err)
{
	size_t body, nc;

	memset(out, 0, sizeof(*out));
	if (len < RT_APDU_HDR)
		return rt_err_set(err, RT_EPROTO, "C-APDU of %zu bytes: header needs 4", len);
	out->cla = buf[0];
	out->ins = buf[1];
	out->p1 = buf[2];
	out->p2 = buf[3];
	body = len - RT_APDU_HDR;
	buf += RT_APDU_HDR;

	/* ISO 7816-4 5.1, case 1: no body. */
	if (body == 0) {
		out->apdu_case = RT_APDU_CASE_1;
		return 0;
	}
	/* Case 2S: the body is one byte, Le. */
	if (body == 1) {
		out->apdu_case = RT_APDU_CASE_2;
		out->has_le = 1;
		out->le = rt_apdu_ne_short(buf[0]);
		return 0;
	}
	if (buf[0] != 0x00) {
		/* Short form: B1 = Lc (01..FF), then Lc data bytes, then optionally one Le
		 * byte (case 3S: body = 1 + Lc; case 4S: body = 2 + Lc). */
		nc = buf[0];
		out->lc = nc;
		out->data = buf + 1;
		if (body == 1 + nc) {
			out->apdu_case = RT_APDU_CASE_3;
			return 0;
		}
		if (body == 2 + nc) {
			out->apdu_case = RT_APDU_CASE_4;
			out->has_le = 1;
			out->le = rt_apdu_ne_short(buf[1 + nc]);
			return 0;
		}
		memset(out, 0, sizeof(*out));
		return rt_err_set(err, RT_EPROTO,
				  "C-APDU %02X%02X: short Lc %zu but %zu bytes follow it (need %zu, or %zu with Le)",
				  buf[-4], buf[-3], nc, body - 1, nc, nc + 1);
	}
	/* B1 = 00 with more than one body byte: extended form (ISO 7816-4 5.1). */
	out->extended = 1;
	if (body == 2) {
		memset(out, 0, sizeof(*out));
		return rt_err_set(err, RT_EPROTO,
				  "C-APDU %02X%02X: body 00 %02X fits no case (short Lc 00 is invalid, extended needs 3 bytes)",
				  buf[-4], buf[-3], buf[1]);
	}
	/* Case 2E: body = 00 Le1 Le2. */
	if (body == 3) {
		out->apdu_case = RT_APDU_CASE_2;
		out->has_le = 1;
		out->le = rt_apdu_ne_ext(buf + 1);
		return 0;
	}
	/* Cases 3E/4E: 00 Lc1 Lc2 (Lc 0001..FFFF), data, then optionally Le1 Le2 with no
	 * leading 00. */
	nc = (size_t)buf[1] << 8 | buf[2];
	if (nc == 0) {
		memset(out, 0, sizeof(*out));
		return rt_err_set(err, RT_EPROTO,
				  "C-APDU %02X%02X: extended Lc 0000 with %zu more bytes (Lc must be 0001..FFFF)",
				  buf[-4], buf[-3], body - 3);
	}
	out->lc = nc;
	out->data = buf + 3;
	if (body == 3 + nc) {
		out->apdu_case = RT_APDU_CASE_3;
		return 0;
	}
	if (body == 5 + nc) {
		out->apdu_case = RT_APDU_CASE_4;
		out->has_le = 1;
		out->le = rt_apdu_ne_ext(buf + 3 + nc);
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return rt_err_set(err, RT_EPROTO,
			  "C-APDU %02X%02X: extended Lc %zu but %zu bytes follow it (need %zu, or %zu with Le)",
			  buf[-4], buf[-3], nc, body - 3, nc, nc + 2);
}

int rt_capdu_build_ex(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
		      size_t lc, int has_le, size_t le, unsigned flags, uint8_t *out,
		      size_t outsz, size_t *outlen, struct rt_err *err)
{
	size_t need, pos = 0;
	int ext;

	if (lc && !data)
		return rt_err_set(err, RT_EINVAL, "C-APDU %02X%02X: NULL data of length %zu", cla,
				  ins, lc);
	if (lc > RT_APDU_EXT_NC)
		return rt_err_set(err, RT_ERANGE, "C-APDU %02X%02X: Lc %zu over %d", cla, ins, lc,
				  RT_APDU_EXT_NC);
	if (has_le && (le == 0 || le > RT_APDU_EXT_NE))
		return rt_err_set(err, le ? RT_ERANGE : RT_EINVAL,
				  "C-APDU %02X%02X: Le %zu outside 1..%d (256 / 65536 encode as 00 / 0000)",
				  cla, ins, le, RT_APDU_EXT_NE);
	/* ISO 7816-4 5.1: Lc and Le are both short or both extended. */
	ext = (flags & RT_CAPDU_F_EXTENDED) || lc > RT_APDU_SHORT_NC ||
	      (has_le && le > RT_APDU_SHORT_NE);
	if (ext && lc == 0 && !has_le)
		ext = 0; /* case 1 has no length field to extend */
	need = RT_APDU_HDR + (lc ? (ext ? 3 : 1) + lc : 0) +
	       (has_le ? (ext ? (lc ? 2 : 3) : 1) : 0);
	if (need > outsz)
		return rt_err_set(err, RT_ENOMEM, "C-APDU %02X%02X: %zu bytes do not fit %zu", cla,
				  ins, need, outsz);
	out[pos++] = cla;
	out[pos++] = ins;
	out[pos++] = p1;
	out[pos++] = p2;
	if (lc) {
		if (ext) {
			out[pos++] = 0x00;
			out[pos++] = (uint8_t)(lc >> 8);
		}
		out[pos++] = (uint8_t)lc;
		memcpy(out + pos, data, lc);
		pos += lc;
	}
	if (has_le) {
		/* ISO 7816-4 5.1: extended Le is 00 Le1 Le2 without data (case 2E) and
		 * Le1 Le2 after data (case 4E); 256 / 65536 wrap to 00 / 0000. */
		if (ext) {
			if (!lc)
				out[pos++] = 0x00;
			out[pos++] = (uint8_t)((le & 0xFFFFu) >> 8);
		}
		out[pos++] = (uint8_t)(le & 0xFFu);
	}
	*outlen = pos;
	return 0;
}

int rt_capdu_build(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
		   size_t lc, int has_le, size_t le, uint8_t *out, size_t outsz, size_t *outlen,
		   struct rt_err *err)
{
	return rt_capdu_build_ex(cla, ins, p1, p2, data, lc, has_le, le, 0, out, outsz, outlen,
				 err);
}

int rt_rapdu_split(const uint8_t *buf, size_t len, size_t *datalen, uint16_t *sw,
		   struct rt_err *err)
{
	/* ISO 7816-4 5.1: an R-APDU always ends with SW1 SW2. */
	if (len < 2)
		return rt_err_set(err, RT_EPROTO, "R-APDU of %zu bytes: no SW1SW2", len);
	*datalen = len - 2;
	*sw = (uint16_t)(buf[len - 2] << 8 | buf[len - 1]);
	return 0;
}

/* Status words: value, mask of the bits that must match, meaning. The most specific
 * entry wins (larger mask), so exact values override the xx patterns of their group.
 * Sources: ISO 7816-4 5.1.3 (Tables 5 and 6), ETSI TS 102 221 10.2.1 (91xx, 92xx, 93xx,
 * 98xx), 3GPP TS 51.011 9.4 (9Fxx), GP Card Specification 2.3 11.x (6310, 6A88, 94xx),
 * SGP.02 via NJIWA/WHTY-SR (69E1). */
struct rt_sw_entry {
	uint16_t sw;
	uint16_t mask;
	const char *text;
};

static const struct rt_sw_entry rt_sw_table[] = {
	{ 0x9000, 0xFFFF, "normal processing, no further qualification" },
	{ 0x6100, 0xFF00, "normal processing, SW2 bytes still available (GET RESPONSE)" },
	{ 0x9100, 0xFF00, "normal processing, proactive command of SW2 bytes pending" },
	{ 0x9200, 0xFF00, "normal processing, with extra information about memory" },
	{ 0x9300, 0xFFFF, "SIM application toolkit busy, command cannot be executed now" },
	{ 0x9F00, 0xFF00, "normal processing, SW2 response bytes available (GSM GET RESPONSE)" },
	{ 0x6200, 0xFFFF, "warning, state unchanged, no information given" },
	{ 0x6200, 0xFF00, "warning, state of non-volatile memory unchanged" },
	{ 0x6281, 0xFFFF, "warning: part of returned data may be corrupted" },
	{ 0x6282, 0xFFFF, "warning: end of file or record reached before reading Ne bytes" },
	{ 0x6283, 0xFFFF, "warning: selected file deactivated (GP: card locked)" },
	{ 0x6284, 0xFFFF, "warning: file control information not formatted per ISO 7816-4" },
	{ 0x6285, 0xFFFF, "warning: selected file in termination state" },
	{ 0x6300, 0xFFFF, "warning, state changed, no information given (e.g. verification failed)" },
	{ 0x6300, 0xFF00, "warning, state of non-volatile memory changed" },
	{ 0x6310, 0xFFFF, "more data available (GP GET STATUS: send again with P2 next)" },
	{ 0x6381, 0xFFFF, "warning: file filled up by the last write" },
	{ 0x63C0, 0xFFF0, "verification failed, SW2 low nibble = retries left" },
	{ 0x6400, 0xFF00, "execution error, state of non-volatile memory unchanged" },
	{ 0x6500, 0xFF00, "execution error, state of non-volatile memory changed" },
	{ 0x6581, 0xFFFF, "memory failure" },
	{ 0x6600, 0xFF00, "security-related issue" },
	{ 0x6700, 0xFFFF, "wrong length" },
	{ 0x6700, 0xFF00, "wrong length (SW2 proprietary)" },
	{ 0x6800, 0xFFFF, "functions in CLA not supported" },
	{ 0x6800, 0xFF00, "functions in CLA not supported (SW2 proprietary)" },
	{ 0x6881, 0xFFFF, "logical channel not supported" },
	{ 0x6882, 0xFFFF, "secure messaging not supported" },
	{ 0x6883, 0xFFFF, "last command of the chain expected" },
	{ 0x6884, 0xFFFF, "command chaining not supported" },
	{ 0x6900, 0xFFFF, "command not allowed" },
	{ 0x6900, 0xFF00, "command not allowed (SW2 proprietary)" },
	{ 0x6981, 0xFFFF, "command incompatible with file structure" },
	{ 0x6982, 0xFFFF, "security status not satisfied" },
	{ 0x6983, 0xFFFF, "authentication method blocked" },
	{ 0x6984, 0xFFFF, "reference data not usable" },
	{ 0x6985, 0xFFFF, "conditions of use not satisfied" },
	{ 0x6986, 0xFFFF, "command not allowed (no current EF)" },
	{ 0x6987, 0xFFFF, "expected secure messaging data objects missing" },
	{ 0x6988, 0xFFFF, "incorrect secure messaging data objects" },
	{ 0x6999, 0xFFFF, "applet selection failed (GP)" },
	{ 0x69E1, 0xFFFF, "POL1 of the profile prevents this action (SGP.02)" },
	{ 0x6A00, 0xFFFF, "wrong parameters P1-P2" },
	{ 0x6A00, 0xFF00, "wrong parameters P1-P2 (SW2 proprietary)" },
	{ 0x6A80, 0xFFFF, "incorrect parameters in the command data field" },
	{ 0x6A81, 0xFFFF, "function not supported" },
	{ 0x6A82, 0xFFFF, "file or application not found" },
	{ 0x6A83, 0xFFFF, "record not found" },
	{ 0x6A84, 0xFFFF, "not enough memory space" },
	{ 0x6A85, 0xFFFF, "Nc inconsistent with TLV structure" },
	{ 0x6A86, 0xFFFF, "incorrect parameters P1-P2" },
	{ 0x6A87, 0xFFFF, "Nc inconsistent with parameters P1-P2" },
	{ 0x6A88, 0xFFFF, "referenced data or reference data not found" },
	{ 0x6A89, 0xFFFF, "file already exists" },
	{ 0x6A8A, 0xFFFF, "DF name already exists" },
	{ 0x6B00, 0xFFFF, "wrong parameters P1-P2 (offset outside the EF)" },
	{ 0x6C00, 0xFF00, "wrong Le field, SW2 = exact number of available bytes" },
	{ 0x6D00, 0xFFFF, "instruction code not supported or invalid" },
	{ 0x6E00, 0xFFFF, "class not supported" },
	{ 0x6F00, 0xFFFF, "no precise diagnosis" },
	{ 0x6F00, 0xFF00, "no precise diagnosis (SW2 proprietary)" },
	{ 0x9484, 0xFFFF, "algorithm not supported (GP)" },
	{ 0x9485, 0xFFFF, "invalid key check value (GP)" },
	{ 0x9800, 0xFF00, "security management error (TS 102 221)" },
};

const char *rt_sw_describe(uint16_t sw)
{
	const struct rt_sw_entry *best = NULL;
	size_t i;

	for (i = 0; i < sizeof(rt_sw_table) / sizeof(rt_sw_table[0]); i++) {
		const struct rt_sw_entry *e = &rt_sw_table[i];

		/* Masks are left-aligned runs of ones, so a larger mask is more specific. */
		if ((sw & e->mask) == e->sw && (!best || e->mask > best->mask))
			best = e;
	}
	return best ? best->text : "unknown status word";
}

static int rt_sw_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int rt_sw_match(uint16_t sw, const char *pattern, int *match, struct rt_err *err)
{
	uint16_t want = 0, mask = 0;
	size_t i;

	if (!pattern || strlen(pattern) != 4)
		return rt_err_set(err, RT_EINVAL, "SW pattern '%s': need 4 characters (hex or X)",
				  pattern ? pattern : "(null)");
	for (i = 0; i < 4; i++) {
		char c = pattern[i];
		int v = rt_sw_nibble(c);

		want = (uint16_t)(want << 4);
		mask = (uint16_t)(mask << 4);
		if (c == 'X' || c == 'x')
			continue;
		if (v < 0)
			return rt_err_set(err, RT_EINVAL,
					  "SW pattern '%s': '%c' at %zu is neither hex nor X", pattern,
					  c, i);
		want = (uint16_t)(want | v);
		mask = (uint16_t)(mask | 0xF);
	}
	*match = (sw & mask) == want;
	return 0;
}
