/* SPDX-License-Identifier: Apache-2.0 */
/* rt_scp03t — SCP03t, the TLV form of SCP03 that SGP.02 (4.1.3.3, ES8 profile download)
 * uses between the SM-DP and the ISD-P, host side (SM-DP) and card side (ISD-P).
 *
 * Owns: the command TLVs `84` (INITIALIZE UPDATE: KVN | KID | host challenge), `85`
 * (EXTERNAL AUTHENTICATE: SL | host cryptogram | C-MAC) and `86` (secured data:
 * ciphertext | C-MAC), the cutting of a Profile Package into `86` segments of at most a
 * given TLV size, the card-side verification, decryption and reassembly, the response
 * TLVs (`84` IU data, `85 00`, `86 00` or `86` R-ENC data | R-MAC) and the error TLVs
 * `9F44` / `9F45` / `9F46` 01 <reason> answering `84` / `85` / `86`.
 *
 * Everything cryptographic is SCP03 (rt_scp03.h) on one struct rt_scp03: the TLV header
 * (tag and BER length) takes the place of CLA INS P1 P2 Lc in the C-MAC input, the
 * counter and chaining rules are those of Amendment D. The session keys come from the
 * ES8 key establishment (someone else's code): this API takes static keys. Pure: bytes
 * in, bytes out; the caller owns the struct and calls rt_scp03t_clear().
 *
 * What the public sources say and leave open (R-MAC input, responses without data,
 * reason bytes) is in docs/spec-notes.md, SCP03; the open points are struct
 * rt_scp03t_opts. */
#ifndef RT_SCP03T_H
#define RT_SCP03T_H

#include <stddef.h>
#include <stdint.h>

#include "scp/rt_scp03.h"
#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_SCP03T_TAG_IU 0x84
#define RT_SCP03T_TAG_EA 0x85
#define RT_SCP03T_TAG_DATA 0x86
#define RT_SCP03T_SEGMENT_DEFAULT 1024 /* bytes per `86` TLV, tag and length included */
#define RT_SCP03T_SEGMENT_MIN 32
#define RT_SCP03T_REASSEMBLY_DEFAULT (4u << 20)

/* Reason bytes of the error TLVs seen in the public implementations (facts §4.3). */
enum rt_scp03t_reason {
	RT_SCP03T_R_LENGTH = 0x01,    /* error in length or structure of the command data */
	RT_SCP03T_R_SECURITY = 0x02,  /* security error (cryptogram, MAC, decryption) */
	RT_SCP03T_R_NOT_FOUND = 0x03, /* referenced data not found (unknown KVN) */
};

enum rt_scp03t_rmac_input {
	RT_SCP03T_RMAC_TLV = 0, /* chain | 86 | L | ciphertext, L counting the R-MAC (WHTY-SR;
				 * mirrors the C-MAC input) */
	RT_SCP03T_RMAC_DATA,    /* chain | ciphertext (APDU R-MAC rule without the SW) */
};

struct rt_scp03t_opts {
	size_t max_segment;     /* host: largest `86` TLV; 0 = 1024 */
	enum rt_scp03t_rmac_input rmac_input;
	int rmac_on_empty;      /* 1: a data response without data still carries an R-MAC
				 * (`86 08 <R-MAC>`); 0 (default): `86 00` (CSDN, WHTY-SR) */
	uint8_t reason_order;   /* card: reason for a TLV out of order; 0 = 02 */
	uint8_t reason_padding; /* card: reason for bad padding after a good MAC; 0 = 02 */
	size_t reassembly_max;  /* card: bound of the reassembled package; 0 = 4 MiB */
};

struct rt_scp03t {
	struct rt_scp03 s;
	struct rt_scp03t_opts opts;
	struct rt_scp03_cx *cx; /* cipher contexts of the open session (NULL until used) */
	uint8_t last_tag;       /* card: tag of the last command, for the response */
	int need_rsp;           /* card: an `86` was accepted, rt_scp03t_card_response next */
	uint8_t last_reason;    /* reason byte of the last error TLV sent or received */
	uint8_t card_random[RT_SCP03_CH_MAX]; /* card: challenge for the next `84` when set */
	int has_card_random;    /* (required when i has no pseudo-random bit; overrides it else) */
};

/* Host (SM-DP) side. opts may be NULL (defaults). */
int rt_scp03t_host_init(struct rt_scp03t *t, const struct rt_scp03_keys *keys,
			const struct rt_scp03_opts *sopts, const struct rt_scp03t_opts *opts,
			struct rt_err *err);

/* Card (ISD-P) side; arguments as rt_scp03_card_init. */
int rt_scp03t_card_init(struct rt_scp03t *t, const struct rt_scp03_keys *keys, uint8_t i,
			const uint8_t *aid, size_t aidlen, uint32_t seq, const uint8_t *kdd,
			const struct rt_scp03_opts *sopts, const struct rt_scp03t_opts *opts,
			struct rt_err *err);

/* Wipes keys and frees the cipher contexts. */
void rt_scp03t_clear(struct rt_scp03t *t);

/* Appends the error TLV answering cmd_tag (84/85/86): 9F 44/45/46 01 reason. */
int rt_scp03t_error_tlv(uint8_t cmd_tag, uint8_t reason, struct rt_buf *out,
			struct rt_err *err);

/* Largest plain segment whose `86` TLV stays within max_segment bytes for session s
 * (its MAC length and whether it encrypts); 0 when nothing fits. */
size_t rt_scp03t_payload_max(const struct rt_scp03 *s, size_t max_segment);

/* Host: appends `84 0A|12 KVN KID host-challenge` (chlen 8 or 16). */
int rt_scp03t_host_iu(struct rt_scp03t *t, const uint8_t *host_challenge, size_t chlen,
		      struct rt_buf *out, struct rt_err *err);

/* Host: takes the single response TLV to `84`: `84 L <IU response data>` verifies the
 * card cryptogram; `9F44 01 r` is RT_EPROTO naming r (also in t->last_reason). */
int rt_scp03t_host_iu_response(struct rt_scp03t *t, const uint8_t *tlv, size_t len,
			       struct rt_err *err);

/* Host: appends `85 L SL host-cryptogram C-MAC` (MAC over 16 x 00 | 85 L SL cryptogram)
 * and opens the session. SGP.02 uses SL 33. */
int rt_scp03t_host_ext_auth(struct rt_scp03t *t, uint8_t sl, struct rt_buf *out,
			    struct rt_err *err);

/* Host: takes the response to `85`: `85 00` is success, `9F45 01 r` RT_EPROTO. */
int rt_scp03t_host_ext_auth_response(struct rt_scp03t *t, const uint8_t *tlv, size_t len,
				     struct rt_err *err);

/* Host: appends one `86` TLV carrying data (counter + 1, encryption at C-DECRYPTION
 * levels, C-MAC). RT_ERANGE when the TLV would exceed opts.max_segment. */
int rt_scp03t_host_wrap(struct rt_scp03t *t, const uint8_t *data, size_t len,
			struct rt_buf *out, struct rt_err *err);

/* What the answer to one `86` is checked against: the command's full C-MAC (the R-MAC
 * chaining value) and its encryption counter (the R-ENC ICV). Needed when several `86`
 * go out in one batch (one ES3.SendData) before their answers come back. */
struct rt_scp03t_mark {
	uint8_t chain[RT_SCP03_BLOCK];
	uint64_t counter;
};

/* Host: cuts a Profile Package into consecutive `86` TLVs of at most max_segment bytes
 * each (0 = opts.max_segment), appended to out; *count receives their number. When marks
 * is not NULL, marks[k] (k < nmarks) records segment k for rt_scp03t_host_unwrap_for. */
int rt_scp03t_host_segment(struct rt_scp03t *t, const uint8_t *pkg, size_t len,
			   size_t max_segment, struct rt_buf *out, size_t *count,
			   struct rt_scp03t_mark *marks, size_t nmarks, struct rt_err *err);

/* Host: takes the single response TLV to the last `86`: `86 00` (no data), `86 L
 * <R-ENC data> <R-MAC>` (verified and decrypted into out) or `9F46 01 r` (RT_EPROTO). */
int rt_scp03t_host_unwrap(struct rt_scp03t *t, const uint8_t *tlv, size_t len,
			  struct rt_buf *out, struct rt_err *err);

/* As rt_scp03t_host_unwrap, for the answer to the segment recorded in mark (NULL = the
 * last one sent). The session's own chain and counter are left as they were. */
int rt_scp03t_host_unwrap_for(struct rt_scp03t *t, const struct rt_scp03t_mark *mark,
			      const uint8_t *tlv, size_t len, struct rt_buf *out,
			      struct rt_err *err);

/* Card: processes the first command TLV in cmd[0..len) (*consumed = its size, or len
 * when it is malformed). `84` / `85` answers go to rsp; an accepted `86` appends its
 * plain data to plain (reassembly) and leaves the answer to rt_scp03t_card_response.
 * On any error the matching error TLV is appended to rsp, the session is closed (for
 * `85` / `86`) and the error is returned (RT_ECRYPTO for MAC / cryptogram failures). */
int rt_scp03t_card_command(struct rt_scp03t *t, const uint8_t *cmd, size_t len,
			   size_t *consumed, struct rt_buf *plain, struct rt_buf *rsp,
			   struct rt_err *err);

/* Card: appends the answer to the last accepted `86`: `86 00` when len is 0 (see
 * opts.rmac_on_empty), else `86 L <R-ENC(data)> <R-MAC>` at the session's SL. */
int rt_scp03t_card_response(struct rt_scp03t *t, const uint8_t *data, size_t len,
			    struct rt_buf *rsp, struct rt_err *err);

#endif
