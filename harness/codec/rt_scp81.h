/* SPDX-License-Identifier: Apache-2.0 */
/* rt_scp81 — SCP81 framing (GP Card Specification Amendment B, SGP.02 §2.4.4) that is
 * not TLS itself (pure codec: strings and bytes in, strings and bytes out).
 *
 * Owns:
 *  - the PSK identity of SGP.02 §2.4.4.1 (sgp02-facts §2.1): the TLV 80 01 <format> |
 *    81 10 <EID> | 4F <len> <ISD-R AID> | 82 01 <key id> | 83 01 <KVN>, carried in the TLS
 *    psk_identity as its ASCII hex text;
 *  - the admin HTTP header names, the protocol and script-status values and the two IANA
 *    media types as static tables (sgp02-facts §2.2), builders for X-Admin-From and
 *    X-Admin-Targeted-Application and a checker for header values;
 *  - the Administration Session Triggering Parameters TLV 81 { 83 { 84 85 A5 86 89 }
 *    B3 } sent by SMS to the ISD-R (sgp02-facts §2.3; pySim global_platform/http.py). */
#ifndef RT_SCP81_H
#define RT_SCP81_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_SCP81_EID_LEN 16
#define RT_SCP81_AID_MIN 5
#define RT_SCP81_AID_MAX 16
#define RT_SCP81_PSKID_TLV_MAX (3 + 18 + 18 + 3 + 3)
#define RT_SCP81_PSKID_HEX_MAX (2 * RT_SCP81_PSKID_TLV_MAX + 1)
#define RT_SCP81_HDR_VALUE_MAX 256

/* --- PSK identity ------------------------------------------------------------------- */

struct rt_scp81_pskid {
	uint8_t format;                 /* 80: 02 in SGP.02 */
	uint8_t eid[RT_SCP81_EID_LEN];  /* 81 */
	uint8_t aid[RT_SCP81_AID_MAX];  /* 4F: the ISD-R AID */
	size_t aid_len;
	uint8_t key_id;                 /* 82 */
	uint8_t kvn;                    /* 83: 40..4F for SCP81 keys */
};

/* Writes the PSK identity as upper-case ASCII hex of the TLV into out (outsz >=
 * RT_SCP81_PSKID_HEX_MAX suffices), NUL-terminated. RT_EINVAL on an AID length outside
 * 5..16. */
int rt_scp81_pskid_build(const struct rt_scp81_pskid *p, char *out, size_t outsz,
			 struct rt_err *err);

/* Parses a psk_identity (text of n bytes, not necessarily NUL-terminated): hex digits
 * (either case) of exactly the five TLVs in the order 80 81 4F 82 83 with lengths 1, 16,
 * 5..16, 1, 1. RT_EPROTO naming the fault (odd length, non-hex character, wrong tag,
 * length, order or trailing bytes). */
int rt_scp81_pskid_parse(const char *text, size_t n, struct rt_scp81_pskid *out,
			 struct rt_err *err);

/* --- admin HTTP headers ------------------------------------------------------------ */

/* Who sends a header. */
enum rt_scp81_dir {
	RT_SCP81_CARD_TO_SERVER = 1, /* the card's POST */
	RT_SCP81_SERVER_TO_CARD = 2, /* the admin server's response */
};

/* One admin header the protocol knows (GP Amd B §3.x; sgp02-facts §2.2). */
struct rt_scp81_header {
	const char *name;   /* "X-Admin-Protocol" */
	unsigned dirs;      /* bit mask of enum rt_scp81_dir */
	const char *what;   /* one-line description */
};

#define RT_SCP81_PROTOCOL "globalplatform-remote-admin/1.0"
#define RT_SCP81_CT_COMMAND "application/vnd.globalplatform.card-content-mgt;version=1.0"
#define RT_SCP81_CT_RESPONSE "application/vnd.globalplatform.card-content-mgt-response;version=1.0"

/* The static tables: headers (NULL-name terminated) and script status values
 * (NULL-terminated). */
extern const struct rt_scp81_header rt_scp81_headers[];
extern const char *const rt_scp81_script_status[];

/* Looks a header up by name (case-insensitive, RFC 7230 §3.2). NULL when unknown. */
const struct rt_scp81_header *rt_scp81_header_find(const char *name);

/* Checks the value of a header sent in direction dir: the header is known and allowed
 * in that direction; X-Admin-Protocol equals RT_SCP81_PROTOCOL; X-Admin-Script-Status is
 * one of the table; Content-Type is the media type of that direction (type/subtype
 * case-insensitive, optional whitespace around ';', parameter version=1.0);
 * X-Admin-From and X-Admin-Targeted-Application parse (below); X-Admin-Next-URI is a
 * non-empty URI without spaces or control characters; X-Admin-Resume is "true".
 * RT_EPROTO with the reason otherwise; RT_ENOENT for an unknown header. */
int rt_scp81_header_check(const char *name, const char *value, enum rt_scp81_dir dir,
			  struct rt_err *err);

/* "//aid/<RID>/<PIX>" (RID = first 5 AID bytes, upper-case hex). RT_EINVAL on an AID
 * length outside 5..16 (a 5-byte AID gives an empty PIX), RT_ENOMEM when outsz is short. */
int rt_scp81_targeted_app(const uint8_t *aid, size_t aid_len, char *out, size_t outsz,
			  struct rt_err *err);

/* Parses "//aid/<RID>/<PIX>" back into the AID (hex either case). RT_EPROTO on another
 * shape, a RID that is not 5 bytes or an AID over 16 bytes. */
int rt_scp81_targeted_app_parse(const char *value, uint8_t aid[RT_SCP81_AID_MAX],
				size_t *aid_len, struct rt_err *err);

/* "//se-id/eid/<EID hex>;//aa-id/aid/<RID>/<PIX>". */
int rt_scp81_admin_from(const uint8_t eid[RT_SCP81_EID_LEN], const uint8_t *aid,
			size_t aid_len, char *out, size_t outsz, struct rt_err *err);

/* Parses X-Admin-From back into EID and AID. RT_EPROTO on another shape. */
int rt_scp81_admin_from_parse(const char *value, uint8_t eid[RT_SCP81_EID_LEN],
			      uint8_t aid[RT_SCP81_AID_MAX], size_t *aid_len,
			      struct rt_err *err);

/* --- Administration Session Triggering Parameters ------------------------------- */

/* Views into the parsed buffer (or, to build, the caller's bytes); ptr NULL = absent. */
struct rt_scp81_bytes {
	const uint8_t *ptr;
	size_t len;
};

struct rt_scp81_trigger {
	int has_session;                 /* 83 present */
	struct rt_scp81_bytes conn;      /* 84 value: OPEN CHANNEL TLVs (opaque) */
	int has_security;                /* 85 */
	struct rt_scp81_bytes psk_id;    /* 85: PSK identity */
	uint8_t kvn, kid;                /* 85: after the 02 length byte */
	int sha_type;                    /* 85: optional trailing byte, -1 when absent */
	struct rt_scp81_bytes ext_security; /* A5 value (opaque) */
	int has_retry;                   /* 86 */
	uint16_t retry_counter;
	uint8_t retry_delay[5];
	struct rt_scp81_bytes retry_report; /* 86: bytes after the delay (may be empty) */
	int has_http;                    /* 89 */
	struct rt_scp81_bytes host;      /* 8A */
	struct rt_scp81_bytes agent_id;  /* 8B */
	struct rt_scp81_bytes uri;       /* 8C */
	struct rt_scp81_bytes dns;       /* B3 value (opaque) */
};

/* Parses the trigger: buf holds exactly one 81 TLV (81 00 = use the defaults). Inside 81:
 * 83 and B3 at most once; inside 83: 84, 85, A5, 86, 89 at most once each; inside 89:
 * 8A, 8B, 8C at most once each; 85 = L | PSK-ID(L) | 02 | KVN | KID [| one more byte];
 * 86 = counter(2) | delay(5) [| report]. Any other tag, a repeat, a length mismatch or
 * malformed BER is RT_EPROTO naming it. */
int rt_scp81_trigger_parse(const uint8_t *buf, size_t len, struct rt_scp81_trigger *out,
			   struct rt_err *err);

/* Builds 81 { 83 { 84 85 A5 86 89 { 8A 8B 8C } } B3 } from the present fields, in that
 * order (has_* flags and non-NULL ptrs say what is present). Appends to out. */
int rt_scp81_trigger_build(const struct rt_scp81_trigger *t, struct rt_buf *out,
			   struct rt_err *err);

#endif
