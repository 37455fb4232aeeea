/* SPDX-License-Identifier: Apache-2.0 */
/* rt_sms — SMS TPDUs (3GPP TS 23.040), secured-packet concatenation (TS 31.115 /
 * TS 23.040 §9.2.3.24) and the ENVELOPE (SMS-PP DOWNLOAD) of TS 31.111 §7.1.1 /
 * ETSI TS 102 223 (pure codec).
 *
 * Owns:
 *  - SMS-DELIVER (SC → MS, TP-MTI 00) and SMS-SUBMIT (MS → SC, TP-MTI 01): first octet
 *    flags, TP-OA / TP-DA (address length in semi-octets, type of address, BCD digits
 *    with F filler; alphanumeric TON 5 as GSM 7-bit text), TP-PID, TP-DCS, TP-SCTS (7
 *    semi-octet bytes, kept raw), TP-MR, TP-VP (absent, relative, enhanced, absolute),
 *    TP-UDL and TP-UD with the user data header (a list of IEs);
 *  - splitting a secured packet into SMS user data with the 140-octet limit and putting
 *    it back together (both IE orders of the first segment; ref/total/seq checks);
 *  - the ENVELOPE 80 C2 00 00 Lc D1 L { 82 02 83 81, [86 L address], 8B L TPDU }.
 * OTA secured packets travel as 8-bit data (TP-DCS F6); 7-bit user data is decoded as
 * octets (UDL counts septets) but not unpacked, and the encoder refuses it. Decoded views
 * point into the caller's buffer. */
#ifndef RT_SMS_H
#define RT_SMS_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_SMS_UD_MAX 140          /* TS 23.040 §9.2.3.16: 140 octets of TP-UD */
#define RT_SMS_UDL7_MAX 160        /* septets */
#define RT_SMS_ADDR_DIGITS_MAX 20  /* TP-OA/TP-DA: 2..12 octets → 20 semi-octets */
#define RT_SMS_ADDR_TEXT_MAX 48    /* room for 11 GSM characters as UTF-8 + NUL */
#define RT_SMS_IE_MAX 70           /* a 140-octet UD holds at most 69 empty IEs */
#define RT_SMS_TPDU_MAX 176        /* SUBMIT: 1+1+12+1+1+7+1+140 (+ margin) */
#define RT_SMS_CONCAT_MAX 255      /* total count is one octet */

/* TS 23.040 §9.2.3.1 TP-MTI values used here. */
enum rt_sms_mti {
	RT_SMS_DELIVER = 0, /* SC → MS */
	RT_SMS_SUBMIT = 1,  /* MS → SC */
};

/* TS 23.040 §9.2.3.3 TP-VPF (bits 4-3 of an SMS-SUBMIT first octet). */
enum rt_sms_vpf {
	RT_SMS_VPF_NONE = 0,
	RT_SMS_VPF_ENHANCED = 1,
	RT_SMS_VPF_RELATIVE = 2,
	RT_SMS_VPF_ABSOLUTE = 3,
};

/* Alphabet from TS 23.038 TP-DCS. */
enum rt_sms_alphabet {
	RT_SMS_ALPHA_7BIT = 0,
	RT_SMS_ALPHA_8BIT = 1,
	RT_SMS_ALPHA_UCS2 = 2,
	RT_SMS_ALPHA_RESERVED = 3,
};

/* TS 23.040 §9.2.3.24 information element identifiers used here. */
enum rt_sms_iei {
	RT_SMS_IEI_CONCAT8 = 0x00,  /* concatenated SM, 8-bit reference: ref total seq */
	RT_SMS_IEI_CONCAT16 = 0x08, /* concatenated SM, 16-bit reference: ref(2) total seq */
	RT_SMS_IEI_CPI = 0x70,      /* TS 31.115: command packet identifier */
	RT_SMS_IEI_RPI = 0x71,      /* TS 31.115: response packet identifier */
};

/* A TP-OA / TP-DA address (TS 23.040 §9.1.2.5). */
struct rt_sms_addr {
	uint8_t toa;         /* type of address: 1 TON(3) NPI(4), e.g. 91 international E.164 */
	size_t ndigits;      /* address-length field: useful semi-octets (encode: ignored,
			      * except that an alphanumeric address keeps an even count one
			      * above the minimal odd one, as some senders write it) */
	/* Decoded: semi-octet digits 0-9 * # a b c, or for TON 5 the GSM 7-bit text as UTF-8.
	 * Encode: the same, NUL-terminated. */
	char digits[RT_SMS_ADDR_TEXT_MAX];
};

/* One user data header information element. data points into the decoded buffer (or,
 * when encoding, the caller's bytes). */
struct rt_sms_ie {
	uint8_t iei;
	const uint8_t *data;
	size_t len;
};

/* A decoded (or to be encoded) SMS-DELIVER / SMS-SUBMIT. */
struct rt_sms_tpdu {
	enum rt_sms_mti mti;
	int mms;             /* DELIVER b2 TP-MMS as coded (1 = no more messages waiting) */
	int lp;              /* DELIVER b3 TP-LP */
	int sri;             /* DELIVER b5 TP-SRI */
	int rd;              /* SUBMIT b2 TP-RD */
	enum rt_sms_vpf vpf; /* SUBMIT b4-3 */
	int srr;             /* SUBMIT b5 TP-SRR */
	int udhi;            /* b6 */
	int rp;              /* b7 */
	uint8_t mr;          /* SUBMIT TP-MR */
	struct rt_sms_addr addr; /* TP-OA (DELIVER) or TP-DA (SUBMIT) */
	uint8_t pid;
	uint8_t dcs;
	uint8_t scts[7];     /* DELIVER TP-SCTS, raw semi-octets */
	uint8_t vp[7];       /* SUBMIT TP-VP, raw */
	size_t vp_len;       /* 0, 1 or 7 (follows vpf) */
	uint8_t udl;         /* TP-UDL as coded (octets, or septets for 7-bit) */
	const uint8_t *ud;   /* TP-UD octets (UDH included) */
	size_t ud_len;
	const uint8_t *udh;  /* the UDH including its UDHL octet; NULL without UDHI */
	size_t udh_len;
	const uint8_t *payload; /* UD after the UDH (encode: the data to send) */
	size_t payload_len;
	int raw_ud;          /* encode only: payload is the whole TP-UD, UDH included, and
			      * ie[] is ignored (udhi only sets the flag) */
	size_t n_ie;
	struct rt_sms_ie ie[RT_SMS_IE_MAX]; /* decoded (or to encode) UDH IEs, in order */
};

/* Alphabet named by a TP-DCS (TS 23.038 §4: general data coding groups 00xx/01xx, the
 * message waiting groups 1100/1101 (7-bit) and 1110 (UCS2), data coding/message class
 * group 1111 with b2 choosing 7-bit or 8-bit; 1000..1011 are reserved). */
enum rt_sms_alphabet rt_sms_dcs_alphabet(uint8_t dcs);

/* Decodes one TPDU of the expected type (the same TP-MTI value means DELIVER from the SC
 * and DELIVER-REPORT from the MS, so the direction is the caller's). RT_EPROTO with the
 * field and offset on: another TP-MTI, an address length over 20 or a truncated field,
 * a digit nibble F before the end or a filler other than F, TP-UDL over 140 octets (160
 * septets) or not matching the bytes left, a UDH that overruns the UD, a malformed IE,
 * more than RT_SMS_IE_MAX IEs, trailing bytes. */
int rt_sms_tpdu_decode(const uint8_t *buf, size_t len, enum rt_sms_mti mti,
		       struct rt_sms_tpdu *out, struct rt_err *err);

/* Encodes t (mti, flags, addr.toa/digits, pid, dcs, scts or mr/vpf/vp, and when udhi the
 * ie[] list followed by payload; without udhi only payload; with raw_ud the payload
 * as the complete UD) into out. TP-UDL is computed.
 * RT_ENOTSUP for a 7-bit DCS; RT_EINVAL on bad digits, a vp_len not matching vpf, or
 * characters an alphanumeric address cannot carry; RT_ERANGE when the UD passes 140
 * octets or an IE passes 255; RT_ENOMEM when out is full. */
int rt_sms_tpdu_encode(const struct rt_sms_tpdu *t, struct rt_buf *out, struct rt_err *err);

/* Address field helpers (length octet, TOA, semi-octets). decode reads from buf and sets
 * *used. */
int rt_sms_addr_decode(const uint8_t *buf, size_t len, struct rt_sms_addr *out, size_t *used,
		       struct rt_err *err);
int rt_sms_addr_encode(const struct rt_sms_addr *a, struct rt_buf *out, struct rt_err *err);

/* Parses a UDH that starts with its UDHL octet in buf[0..len): fills ie[0..max) and *n,
 * *used = 1 + UDHL. RT_EPROTO when the UDHL overruns len or an IE overruns the UDH. */
int rt_sms_udh_parse(const uint8_t *buf, size_t len, struct rt_sms_ie *ie, size_t max,
		     size_t *n, size_t *used, struct rt_err *err);

/* Appends UDHL and the IEs to out. RT_ERANGE when an IE passes 255 bytes or the UDH
 * passes 139 octets. */
int rt_sms_udh_encode(const struct rt_sms_ie *ie, size_t n, struct rt_buf *out,
		      struct rt_err *err);

/* --- concatenation of secured packets ---------------------------------------------- */

/* Order of the two IEs in the UDH of the first segment of a concatenated command
 * packet. The sources disagree (sgp02-facts §1.8, §8 point 9; docs/spec-notes.md, SMS):
 * 3GPP TS 03.48 (the predecessor of TS 31.115) tabulates IEIa = concatenation and
 * IEIb = CPI, as does WHTY-SR; NJIWA writes CPI first. The default follows the table. */
enum rt_sms_concat_order {
	RT_SMS_CONCAT_CONCAT_FIRST = 0, /* 00 03 ref total 01, then 70 00 (TS 03.48 table, WHTY-SR) */
	RT_SMS_CONCAT_CPI_FIRST = 1,    /* 70 00, then 00 03 ref total 01 (NJIWA) */
};
#define RT_SMS_CONCAT_DEFAULT RT_SMS_CONCAT_CONCAT_FIRST

struct rt_sms_concat_opts {
	enum rt_sms_concat_order order;
	int ref16;          /* use IEI 08 (16-bit reference) instead of 00 */
	unsigned ref;       /* reference number: 0..255, or 0..65535 with ref16 */
	uint8_t packet_iei; /* 70 (command packet, CPI) or 71 (response packet, RPI) */
};

/* Splits a secured packet (CPL onwards, without UDH) into the TP-UD of one or more SMS.
 * A packet that fits after the UDH 02 <iei> 00 goes out as one UD without a
 * concatenation IE; otherwise segment 1 carries the packet IE and the concatenation IE
 * (in o->order) and the others only the concatenation IE, each UD filled up to 140
 * octets. ud receives the UDs back to back, lens[i] their lengths (lens holds max
 * entries). RT_ERANGE when more than min(max, 255) segments are needed; RT_EINVAL on a
 * reference out of range. */
int rt_sms_concat_split(const uint8_t *packet, size_t len, const struct rt_sms_concat_opts *o,
			struct rt_buf *ud, size_t *lens, size_t max, size_t *n,
			struct rt_err *err);

/* The concatenation IE of one UD. */
struct rt_sms_concat_ie {
	int present;       /* 0 when the UD has no concatenation IE */
	int ref16;
	unsigned ref, total, seq;
	int packet_iei;    /* 70/71 when that IE is present, else -1 */
	int packet_ie_first; /* 1 when the 70/71 IE comes before the concatenation IE */
	const uint8_t *payload; /* UD after the UDH */
	size_t payload_len;
};

/* Reads the UDH of one UD (UDH present, UDHL first) into *out. RT_EPROTO on a bad UDH,
 * two concatenation IEs, a concatenation IE of the wrong length, total 0, seq 0 or seq
 * over total (TS 23.040 §9.2.3.24.1 reserved values). */
int rt_sms_concat_ie_get(const uint8_t *ud, size_t len, struct rt_sms_concat_ie *out,
			 struct rt_err *err);

/* What rt_sms_reassemble saw. */
struct rt_sms_reasm_info {
	size_t parts;
	int concatenated;    /* 0 for a single UD without concatenation IE */
	int ref16;
	unsigned ref;
	int packet_iei;      /* 70/71 found in segment 1, -1 if none */
	enum rt_sms_concat_order order; /* order seen in segment 1 (when concatenated) */
};

/* Puts a packet back together from n UDs given in any order (uds[i], lens[i]) and
 * appends it (without UDH) to out. Checks: every UD has a UDH; one UD without a
 * concatenation IE is a whole packet; otherwise every UD has the same reference (and
 * reference size) and total, total == n, each seq 1..total exactly once (duplicates and
 * gaps are RT_EPROTO naming the seq), the 70/71 IE only in segment 1 (either order
 * accepted and reported), n <= max_parts (RT_ERANGE; max_parts 0 means 255). */
int rt_sms_reassemble(const uint8_t *const *uds, const size_t *lens, size_t n,
		      size_t max_parts, struct rt_buf *out, struct rt_sms_reasm_info *info,
		      struct rt_err *err);

/* --- ENVELOPE (SMS-PP DOWNLOAD) ----------------------------------------------------- */

#define RT_SMS_ENV_TAG 0xD1          /* TS 101 220 BER-TLV tag: SMS-PP download */
#define RT_SMS_CTLV_DEVICE_IDS 0x82  /* with CR */
#define RT_SMS_CTLV_ADDRESS 0x86     /* with CR */
#define RT_SMS_CTLV_SMS_TPDU 0x8B    /* with CR */
#define RT_SMS_DEV_NETWORK 0x83
#define RT_SMS_DEV_UICC 0x81

struct rt_sms_envelope {
	uint8_t cla;          /* parse_apdu: CLA seen (80 UICC, A0 GSM) */
	uint8_t src, dst;     /* device identities */
	const uint8_t *addr;  /* 86 value (TON/NPI + BCD), NULL when absent */
	size_t addr_len;
	const uint8_t *tpdu;  /* 8B value */
	size_t tpdu_len;
};

/* Builds the C-APDU 80 C2 00 00 Lc D1 L { 82 02 83 81 [86 L sc_addr] 8B L tpdu } into
 * out. sc_addr (TON/NPI byte + BCD digits) may be NULL. RT_ERANGE when the data passes
 * 255 bytes (short Lc); RT_ENOMEM when out is full. */
int rt_sms_envelope_build(const uint8_t *tpdu, size_t tpdu_len, const uint8_t *sc_addr,
			  size_t sc_len, struct rt_buf *out, struct rt_err *err);

/* Parses the D1 BER-TLV (ENVELOPE data field). Tag D1, length 00..7F or 81 80..FF, no
 * bytes after it; inside, COMPREHENSION-TLVs with or without CR: device identities
 * (length 2) and SMS TPDU mandatory and once, address optional and once; an unknown tag
 * with CR set is RT_EPROTO ("comprehension required"), without CR it is skipped. */
int rt_sms_envelope_parse(const uint8_t *buf, size_t len, struct rt_sms_envelope *out,
			  struct rt_err *err);

/* Parses the whole C-APDU: INS C2, P1 P2 00 00, case 3 or 4, then the data as above. */
int rt_sms_envelope_parse_apdu(const uint8_t *apdu, size_t len, struct rt_sms_envelope *out,
			       struct rt_err *err);

#endif
