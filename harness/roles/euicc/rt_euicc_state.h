/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_state — everything the reference eUICC must remember across a power cycle
 * and across a crash: the model, and its encoding to bytes (pure; no I/O).
 *
 * ISD-R: the SCP80 keysets with their counters (TS 102 225), the SM-SR's addressing
 * parameters, the notification queue with sequence numbers (SGP.02 ES5 notifications),
 * the roll-back point of a profile change awaiting confirmation. ISD-Ps: AID, TAR,
 * life-cycle state (SGP.02 Table 1 coding, facts §4.1), ICCID, fall-back attribute,
 * Emergency Profile Attribute, POL1, memory quota and use, the SCP03 keyset from key establishment, connectivity
 * parameters and the installed profile package. ECASD material (keys, certificates)
 * is configuration (rt_euicc_config), not state: it never changes on a card.
 *
 * rt_euicc_state_encode/decode turn the model into a versioned TLV document and back;
 * rt_euicc_store.c writes it atomically. Decoding is strict (a damaged file is an error
 * naming the field, never a half-loaded card). */
#ifndef RT_EUICC_STATE_H
#define RT_EUICC_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "scp/rt_scp80.h"
#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_EUICC_STATE_VERSION 1
#define RT_EUICC_MAX_ISDP 16
#define RT_EUICC_MAX_SCP80 4       /* ISD-R SCP80 keysets (KVN 01..0F) */
#define RT_EUICC_MAX_NOTIF 8
#define RT_EUICC_AID_MAX 16
#define RT_EUICC_PKG_MAX (64u << 10) /* one installed profile package */
#define RT_EUICC_PARAM_MAX 128     /* connectivity / addressing parameters, POL1 */
#define RT_EUICC_STATE_MAX (RT_EUICC_MAX_ISDP * (RT_EUICC_PKG_MAX + 1024) + 16384)
/* A whole encoded document: the content above plus the outer tag and length. */
#define RT_EUICC_STATE_FILE_MAX (RT_EUICC_STATE_MAX + 8)

/* ISD-P life-cycle states, coded as GET STATUS tag 9F70 reports them (SGP.02 Table 1 as
 * quoted by njiwa ProfileInfo.State and the EKN notes; facts §4.1). */
enum rt_isdp_state {
	RT_ISDP_FREE = 0x00,          /* table slot unused */
	RT_ISDP_INSTALLED = 0x03,
	RT_ISDP_SELECTABLE = 0x07,    /* after CreateISDP */
	RT_ISDP_PERSONALIZED = 0x0F,  /* after key establishment (ES8) */
	RT_ISDP_DISABLED = 0x1F,      /* profile installed, not enabled */
	RT_ISDP_ENABLED = 0x3F,
};

/* An SCP03 keyset (GP Amd D), as established by ECKA-EG for an ISD-P (KVN 30..3F). */
struct rt_euicc_scp03_keyset {
	uint8_t kvn; /* 0 = none */
	uint8_t enc[32], mac[32], dek[32];
	uint8_t key_len;
	uint8_t seq[3]; /* sequence counter for pseudo-random card challenges */
};

struct rt_euicc_isdp {
	enum rt_isdp_state state;
	uint8_t aid[RT_EUICC_AID_MAX];
	uint8_t aid_len;
	uint8_t tar[3];               /* AID bytes 13..15 (TS 101 220; facts §1.10) */
	uint8_t iccid[10];
	int has_iccid;
	int fallback;                 /* SGP.02 fall-back attribute (at most one ISD-P) */
	int emergency;                /* SGP.02 3.25 Emergency Profile Attribute (at most one
				       * ISD-P, never together with fall-back) */
	uint8_t pol1[RT_EUICC_PARAM_MAX]; /* from the SAIP ProfileHeader `pol` */
	uint8_t pol1_len;
	uint32_t mem_quota;           /* bytes reserved at CreateISDP */
	uint32_t mem_used;            /* bytes of the installed profile */
	struct rt_euicc_scp03_keyset scp03;
	uint8_t conn[RT_EUICC_PARAM_MAX]; /* connectivity parameters (SAIP header or ES8 3A07) */
	uint8_t conn_len;
	uint8_t *pkg;                 /* installed profile package (owned), NULL if none */
	uint32_t pkg_len;
};

/* A pending ES5 notification (SGP.02 "eUICC notification", facts §5.4). */
struct rt_euicc_notif {
	int used;
	uint16_t seq;                 /* sequence number (4E 02) */
	uint8_t type;                 /* 01 declaration, 02 change succeeded, 03 failed+roll-back,
				       * 05 change after fall-back */
	uint8_t aid[RT_EUICC_AID_MAX];/* the ISD-P concerned (empty for a declaration) */
	uint8_t aid_len;
	uint8_t attempts;             /* MO SMS sent so far */
};

struct rt_euicc_scp80_keyset {
	uint8_t kvn;                  /* 01..0F; 0 = slot unused */
	enum rt_scp80_alg kic_alg, kid_alg;
	uint8_t kic[32], kid[32], dek[32];
	uint8_t kic_len, kid_len, dek_len;
	uint8_t cntr[5];              /* last accepted counter (TS 102 225 5.1.1) */
};

struct rt_euicc_state {
	uint32_t version;
	struct rt_euicc_scp80_keyset scp80[RT_EUICC_MAX_SCP80];
	uint8_t smsr_addr[RT_EUICC_PARAM_MAX]; /* SM-SR addressing parameters (where MO SMS go) */
	uint8_t smsr_addr_len;
	struct rt_euicc_isdp isdp[RT_EUICC_MAX_ISDP];
	uint32_t mem_total;           /* capacity for profiles (bytes) */
	uint16_t next_seq;            /* next notification sequence number */
	struct rt_euicc_notif notif[RT_EUICC_MAX_NOTIF];
	/* A profile change waiting for the SM-SR's notification confirmation: if it never
	 * comes, the card returns to `rollback_from` enabled (SGP.02 3.x, facts §5.4). */
	int change_pending;
	uint8_t rollback_to[RT_EUICC_AID_MAX], rollback_to_len;     /* enabled before */
	uint8_t rollback_from[RT_EUICC_AID_MAX], rollback_from_len; /* enabled now */
	uint8_t declared;             /* the eUICC declaration notification was sent */
};

/* Initialises an empty state (no ISD-P, no keysets, sequence number 1). */
void rt_euicc_state_init(struct rt_euicc_state *st, uint32_t mem_total);

/* Frees owned buffers (profile packages) and wipes key material. */
void rt_euicc_state_free(struct rt_euicc_state *st);

/* Deep copy (packages duplicated). RT_ENOMEM on failure (dst is then empty). */
int rt_euicc_state_copy(struct rt_euicc_state *dst, const struct rt_euicc_state *src,
			struct rt_err *err);

/* Checks the model's invariants, the same the decoder applies to a file: lengths fit
 * their arrays, KVNs 01..0F and unique, known algorithms and ISD-P states, AIDs of 5..16
 * bytes and unique, SCP03 keys of 16/24/32 bytes, at most one ISD-P enabled, one with
 * the fall-back attribute and one with the Emergency Profile Attribute, and none with
 * both attributes. RT_EINVAL naming the first problem. */
int rt_euicc_state_check(const struct rt_euicc_state *st, struct rt_err *err);

/* Encodes st as a versioned TLV document appended to out (give out a maximum of at least
 * RT_EUICC_STATE_FILE_MAX). The encoding is canonical: equal models, equal bytes. A model
 * that fails rt_euicc_state_check is RT_EINVAL (it could not be read back). */
int rt_euicc_state_encode(const struct rt_euicc_state *st, struct rt_buf *out, struct rt_err *err);

/* 1 when a and b are the same card state (equal encodings: slot positions and bytes past
 * a field's length do not count), 0 when not, a negative RT_E* when one cannot be
 * encoded. */
int rt_euicc_state_equal(const struct rt_euicc_state *a, const struct rt_euicc_state *b,
			 struct rt_err *err);

/* Decodes a document into st (initialised here; empty again after a failure). Strict:
 * RT_EPROTO naming the field and offset on any damage (truncation, unknown, repeated or
 * missing field, wrong length, non-minimal length form, broken invariant); a version
 * other than RT_EUICC_STATE_VERSION is RT_ENOTSUP. */
int rt_euicc_state_decode(const uint8_t *buf, size_t len, struct rt_euicc_state *st,
			  struct rt_err *err);

/* Helpers on the model. */
struct rt_euicc_isdp *rt_euicc_isdp_by_aid(struct rt_euicc_state *st, const uint8_t *aid,
					   size_t len);
struct rt_euicc_isdp *rt_euicc_isdp_by_tar(struct rt_euicc_state *st, const uint8_t tar[3]);
struct rt_euicc_isdp *rt_euicc_isdp_enabled(struct rt_euicc_state *st);
struct rt_euicc_isdp *rt_euicc_isdp_fallback(struct rt_euicc_state *st);
struct rt_euicc_isdp *rt_euicc_isdp_emergency(struct rt_euicc_state *st);
/* Bytes of profile memory still free (mem_total minus every ISD-P's quota). */
uint32_t rt_euicc_mem_free(const struct rt_euicc_state *st);

#endif
