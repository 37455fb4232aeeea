/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc — rsptest's reference software eUICC (SGP.02), the card logic only.
 *
 * This is the seed of the full SGP.02 eUICC: today it answers to reset with an eUICC
 * ATR, selects the ISD-R and the ECASD by AID and returns the EID from the ECASD. It
 * grows into ISD-R / ISD-P / ECASD with SCP80, SCP03(t), profiles and notifications.
 *
 * The card never knows its transport: it is offered to a terminal as a struct rt_icc
 * (transport/rt_icc.h), in-process through the loop backend or over TCP through the
 * vpcd card side. One struct rt_euicc is one card; it is not thread-safe (a card
 * processes one APDU at a time, as a real one does). */
#ifndef RT_EUICC_H
#define RT_EUICC_H

#include <stddef.h>
#include <stdint.h>

#include "codec/rt_eid.h"
#include "roles/euicc/rt_euicc_state.h"
#include "transport/rt_card.h"
#include "transport/rt_icc.h"
#include "util/rt_err.h"

/* GET RESPONSE chunks are at most 256 bytes (ISO 7816-4 5.1: short Le). */
#define RT_EUICC_T0_CHUNK_MAX 256

/* An initial SCP80 keyset of the ISD-R (personality). */
struct rt_euicc_scp80_init {
	uint8_t kvn;               /* 01..0F */
	enum rt_scp80_alg kic_alg; /* e.g. RT_SCP80_ALG_AES_CBC */
	enum rt_scp80_alg kid_alg; /* e.g. RT_SCP80_ALG_AES_CMAC */
	uint8_t kic[32], kid[32], dek[32];
	uint8_t key_len;
};

/* Fault-injection knobs: each makes the card break one rule on purpose, so the harness's
 * self-tests can show that the matching cases turn into FAIL. Names (for personality
 * files and `rsptest card serve --fault NAME`) are in rt_euicc_fault_names. */
/* Bits of rt_euicc_config.faults (64 of them). Ranges by area keep parallel work from
 * colliding: 0..15 the first knobs, 16..31 OTA (SCP80, scripts, concatenation), 32..47
 * ISD-R, basic and persistence, 48..63 ES8. */
#define RT_EUICC_FAULT_POR_BAD_CC              (UINT64_C(1) << 0) /* PoR with a corrupted CC */
#define RT_EUICC_FAULT_NO_POR                  (UINT64_C(1) << 1) /* never send a PoR */
#define RT_EUICC_FAULT_ACCEPT_REPLAY           (UINT64_C(1) << 2) /* ignore the SCP80 counter check */
#define RT_EUICC_FAULT_FORGET_NOTIF            (UINT64_C(1) << 3) /* never send notifications */
#define RT_EUICC_FAULT_IGNORE_POL1             (UINT64_C(1) << 4) /* disable/delete despite POL1 */
#define RT_EUICC_FAULT_BAD_RECEIPT             (UINT64_C(1) << 5) /* key establishment with a wrong receipt */
#define RT_EUICC_FAULT_NO_REFRESH              (UINT64_C(1) << 6) /* no REFRESH after enable/disable */
#define RT_EUICC_FAULT_BAD_EID                 (UINT64_C(1) << 7) /* report an EID with wrong check digits */
#define RT_EUICC_FAULT_IGNORE_MEMORY           (UINT64_C(1) << 8) /* create ISD-Ps beyond the capacity */
#define RT_EUICC_FAULT_SCP03T_NO_MAC_CHECK     (UINT64_C(1) << 9) /* accept SCP03t segments with a bad MAC */
#define RT_EUICC_FAULT_EMERGENCY_ON_ENABLED    (UINT64_C(1) << 10) /* emergency attribute on the enabled profile */
#define RT_EUICC_FAULT_ENVELOPE_6D00           (UINT64_C(1) << 11) /* every ENVELOPE answers 6D00 (no OTA at all) */
/* Bits 12..15: ISD-R knobs that did not fit the full ISD-R range 32..47. */
#define RT_EUICC_FAULT_ISDP_PRIV_UNCHECKED     (UINT64_C(1) << 12) /* CreateISDP privileges without the SD bit, or of 2 bytes */
#define RT_EUICC_FAULT_BF30_UNKNOWN_GETS_ALL   (UINT64_C(1) << 13) /* GET DATA BF30 of only unknown tags answers the resources */

/* OTA area: SCP80 receiver, remote command scripts, concatenation (bits 16..31). */
#define RT_EUICC_FAULT_OTA_LOW_SECURITY        (UINT64_C(1) << 16) /* accept packets below the ISD-R minimum security level */
#define RT_EUICC_FAULT_CNTR11_AS_HIGHER        (UINT64_C(1) << 17) /* SCP80 counter mode 11 accepts any higher counter */
#define RT_EUICC_FAULT_CNTR_VOLATILE           (UINT64_C(1) << 18) /* SCP80 counters lost at every reset */
#define RT_EUICC_FAULT_CNTR_BLOCKED_AS_LOW     (UINT64_C(1) << 19) /* blocked counter answered 02 (CNTR low), not 04 */
#define RT_EUICC_FAULT_PLAIN_REFUSAL_POR       (UINT64_C(1) << 20) /* refusal PoRs sent unsecured */
#define RT_EUICC_FAULT_REFUSAL_CNTR_ZERO       (UINT64_C(1) << 21) /* refusal PoRs echo a zero counter */
#define RT_EUICC_FAULT_FIRST_KEYSET            (UINT64_C(1) << 22) /* first SCP80 keyset for every KIc/KID */
#define RT_EUICC_FAULT_SCRIPT_NO_STOP          (UINT64_C(1) << 23) /* scripts go on after an error status */
#define RT_EUICC_FAULT_SKIP_UNKNOWN_ITEM       (UINT64_C(1) << 24) /* unknown script items skipped, no bad format */
#define RT_EUICC_FAULT_NO_EOC_CHECK            (UINT64_C(1) << 25) /* an AE script without 00 00 is no bad format */
#define RT_EUICC_FAULT_ONE_REASM_SLOT          (UINT64_C(1) << 26) /* one concatenated message at a time */
#define RT_EUICC_FAULT_STALE_REASM_SLOT        (UINT64_C(1) << 27) /* reassembly slots never start afresh */
#define RT_EUICC_FAULT_CONCAT_NO_CPI           (UINT64_C(1) << 28) /* concatenated SMS taken without the 70 IE */
#define RT_EUICC_FAULT_ANY_DCS_CLASS           (UINT64_C(1) << 29) /* SMS-PP download with any 8-bit message class */
#define RT_EUICC_FAULT_SSM_TO_TERMINAL         (UINT64_C(1) << 30) /* SEND SHORT MESSAGE addressed to the terminal */
/* (end of the OTA area) */

/* ISD-R, basic and persistence area (bits 32..47). */
#define RT_EUICC_FAULT_SELECT_FAIL_DESELECTS   (UINT64_C(1) << 32) /* a failed SELECT drops the selection */
#define RT_EUICC_FAULT_IGNORE_SM_CLA           (UINT64_C(1) << 33) /* CLA secure-messaging bits ignored */
#define RT_EUICC_FAULT_CLOSED_CHANNEL_ACCEPTED (UINT64_C(1) << 34) /* commands on unopened channels run */
#define RT_EUICC_FAULT_MEMORY_EXACT_REFUSED    (UINT64_C(1) << 35) /* CreateISDP of exactly the free memory: 6A84 */
#define RT_EUICC_FAULT_ISDP_AID_UNCHECKED      (UINT64_C(1) << 36) /* CreateISDP takes any RID/PIX (stores the SGP.02 one) */
#define RT_EUICC_FAULT_ISDP_TAR_REACHES_ISDR   (UINT64_C(1) << 37) /* an ISD-P's TAR runs the ISD-R's commands */
#define RT_EUICC_FAULT_SMSR_ADDRESS_UNUSED     (UINT64_C(1) << 38) /* 3A07 answered 9000, address not taken */
#define RT_EUICC_FAULT_POWER_LOSES_FALLBACK    (UINT64_C(1) << 39) /* a power cycle clears the fall-back attribute */
#define RT_EUICC_FAULT_POWER_RESETS_COUNTERS   (UINT64_C(1) << 40) /* a power cycle zeroes the SCP80 counters */
#define RT_EUICC_FAULT_POWER_RESETS_SEQ        (UINT64_C(1) << 41) /* a power cycle restarts notification numbers at 1 */
#define RT_EUICC_FAULT_POWER_DECLARES_AGAIN    (UINT64_C(1) << 42) /* a power cycle forgets the declaration was made */
#define RT_EUICC_FAULT_LE_IGNORED              (UINT64_C(1) << 43) /* a short Le gets all the data, no 6Cxx */
#define RT_EUICC_FAULT_GET_DATA_LC_ACCEPTED    (UINT64_C(1) << 44) /* ECASD GET DATA with command data answered */
#define RT_EUICC_FAULT_SELECT_ANY_P1           (UINT64_C(1) << 45) /* SELECT by AID whatever P1 says */
#define RT_EUICC_FAULT_POWER_KEEPS_PARTIAL_SMS (UINT64_C(1) << 46) /* half-received SMS outlive a power cycle */
#define RT_EUICC_FAULT_STORE_P1_UNCHECKED      (UINT64_C(1) << 47) /* ISD-R STORE DATA ignores P1 b7..b4 */
/* (end of the ISD-R area) */

/* ES8 area (bits 48..63). */
#define RT_EUICC_FAULT_DP_KEY_USAGE_UNCHECKED  (UINT64_C(1) << 48) /* CERT.DP.ECDSA of any key usage */
#define RT_EUICC_FAULT_KVN_ANY                 (UINT64_C(1) << 49) /* 3A02 keysets of any KVN */
#define RT_EUICC_FAULT_RC_REUSED               (UINT64_C(1) << 50) /* the same RC for every 3A01 */
#define RT_EUICC_FAULT_KEYS_RETRY              (UINT64_C(1) << 51) /* a refused 3A02 may be retried */
#define RT_EUICC_FAULT_SCP03T_86_BEFORE_85     (UINT64_C(1) << 52) /* 86 accepted (plain) before the 85 */
#define RT_EUICC_FAULT_SCP03T_KEEP_AFTER_MAC   (UINT64_C(1) << 53) /* session kept after an 86 MAC error */
#define RT_EUICC_FAULT_SEQ_NOT_STORED          (UINT64_C(1) << 54) /* SCP03(t) sequence counter not stored */
#define RT_EUICC_FAULT_IU_CONTACT              (UINT64_C(1) << 55) /* INITIALIZE UPDATE on the contact interface */
#define RT_EUICC_FAULT_IGNORE_QUOTA            (UINT64_C(1) << 56) /* packages beyond the ISD-P's quota */
#define RT_EUICC_FAULT_SAIP_ANY_VERSION        (UINT64_C(1) << 57) /* SAIP headers of any major version */
#define RT_EUICC_FAULT_UNKNOWN_DGI_OK          (UINT64_C(1) << 58) /* STORE DATA of an unknown DGI answers 9000 */
#define RT_EUICC_FAULT_PKG_MEMORY_UNCOUNTED    (UINT64_C(1) << 59) /* an installed package uses no memory */
#define RT_EUICC_FAULT_SCP03T_NO_SESSION_OK    (UINT64_C(1) << 60) /* 86 with no SCP03t session answered 86 00 */
#define RT_EUICC_FAULT_SCP03T_EA_REPLAY        (UINT64_C(1) << 61) /* a second 85 restarts the open session */
#define RT_EUICC_FAULT_DUPLICATE_ICCID_ACCEPTED (UINT64_C(1) << 62) /* a package whose ICCID another ISD-P holds installs */
/* (end of the ES8 area) */

/* STORE DATA DGI of SetEmergencyProfileAttribute when cfg.emergency_dgi is 0: UNCONFIRMED,
 * the free number between SetFallBackAttribute's 3A05 and 3A07 (option es5.emergency_dgi;
 * docs/spec-notes/60-es5.md). */
#define RT_EUICC_EMERGENCY_DGI_DEFAULT 0x3A06

/* POL1 bit coding in the first octet of the SAIP header's `pol` (UNCONFIRMED, facts §5.5;
 * docs/spec-notes/60-es5.md). LSB: b1 disabling not allowed, b2 deletion not allowed, b3
 * deletion mandatory when disabled; MSB: the same rules from b8 down (ASN.1 BIT STRING
 * order). */
enum rt_euicc_pol1_coding {
	RT_EUICC_POL1_LSB = 0,
	RT_EUICC_POL1_MSB = 1,
};

struct rt_euicc_fault_name {
	const char *name;
	uint64_t bit;
};
extern const struct rt_euicc_fault_name rt_euicc_fault_names[]; /* NULL-terminated */

struct rt_euicc_config {
	/* SGP.02 2.2.2: 32 decimal digits starting "89"; last two are SGP.29 check digits. */
	char eid[RT_EID_DIGITS + 1];
	uint8_t atr[RT_ATR_MAX];
	size_t atr_len;
	/* 0: answer with data and 9000 (T=1 style). 1..256: answer every command that has
	 * response data with 61xx and hand the data out through GET RESPONSE in chunks of
	 * at most this many bytes (T=0 style, TS 102 221 7.3.1.1.4), so that a terminal's
	 * 61xx handling can be exercised. */
	unsigned t0_get_response;

	/* Persistence: the state file (written atomically after every change), or NULL to
	 * keep the state in memory only. An existing file is loaded at rt_euicc_new. */
	const char *state_path;
	/* The card as manufactured (used when there is no state file yet). */
	uint32_t mem_total;                   /* profile memory in bytes */
	struct rt_euicc_scp80_init scp80[RT_EUICC_MAX_SCP80];
	size_t n_scp80;
	uint8_t smsr_addr[RT_EUICC_PARAM_MAX]; /* initial SM-SR addressing parameters */
	size_t smsr_addr_len;

	/* ECASD (SGP.02 2.2.3): key agreement key, its certificate, the CI's public key. */
	char curve[24];                       /* "prime256v1" or "brainpoolP256r1" */
	uint8_t ecasd_sk[32];                 /* SK.ECASD.ECKA (0 length = none) */
	size_t ecasd_sk_len;
	uint8_t ecasd_cert[1024];             /* CERT.ECASD.ECKA (7F21) */
	size_t ecasd_cert_len;
	uint8_t pk_ci[65];                    /* PK.CI.ECDSA, uncompressed point */
	size_t pk_ci_len;
	char ci_curve[24];

	unsigned notif_retries;               /* MO SMS attempts before roll-back */
	/* ES5 open points (docs/spec-notes/60-es5.md; options es5.*). Zero = the default. */
	unsigned pol1_coding;                 /* enum rt_euicc_pol1_coding (option es5.pol1_coding) */
	uint8_t refresh_qualifier;            /* REFRESH after a profile change; 0 = 04 UICC reset */
	uint16_t emergency_dgi;               /* SetEmergencyProfileAttribute DGI (option
					       * es5.emergency_dgi); 0 = RT_EUICC_EMERGENCY_DGI_DEFAULT */
	uint8_t token_key[32];                /* MasterDelete token key (KVN 70); TEST ONLY */
	size_t token_key_len;                 /* 0 = rt_euicc_default_token_key */
	uint64_t faults;                      /* RT_EUICC_FAULT_* bits */
};

struct rt_euicc;

/* The default ATR (with its TCK) and its length; see docs/spec-notes.md, card interface. */
extern const uint8_t rt_euicc_default_atr[];
extern const size_t rt_euicc_default_atr_len;
/* The default ISD-R SCP80 keyset: TEST ONLY keys, also in sut/reference*.yaml. */
extern const struct rt_euicc_scp80_init rt_euicc_default_scp80;
/* The spare keyset (KVN 02, TEST ONLY keys) for OTA cases that use a keyset up. */
extern const struct rt_euicc_scp80_init rt_euicc_spare_scp80;
/* TEST ONLY: the MasterDelete token key used when cfg.token_key_len is 0 (16 bytes 70..7F,
 * also in lua/es5.lua). */
extern const uint8_t rt_euicc_default_token_key[16];

/* A public example EID whose check digits are valid (mod 97 == 1). */
extern const char rt_euicc_default_eid[];

/* Fills cfg with the defaults: rt_euicc_default_eid, rt_euicc_default_atr, no T=0 mode,
 * 256 KiB of profile memory, two AES-128 SCP80 keysets with TEST ONLY keys
 * (rt_euicc_default_scp80 KVN 01, rt_euicc_spare_scp80 KVN 02), no ECASD keys, no state file, 3 notification retries,
 * emergency DGI RT_EUICC_EMERGENCY_DGI_DEFAULT. */
void rt_euicc_config_default(struct rt_euicc_config *cfg);

/* Checks an ATR's structure (ISO 7816-3 8.2): interface bytes and historical bytes
 * fit the length, and TCK is present and XORs T0..TCK to 0 whenever a protocol other
 * than T=0 is indicated. RT_EPROTO naming the problem otherwise. */
int rt_euicc_atr_check(const uint8_t *atr, size_t len, struct rt_err *err);

/* Creates a card from cfg (copied). The EID must be valid (codec/rt_eid) and the ATR
 * must pass rt_euicc_atr_check. *out is freed with rt_euicc_free. The card starts
 * powered off; the terminal's reset powers it. */
int rt_euicc_new(const struct rt_euicc_config *cfg, struct rt_euicc **out, struct rt_err *err);

/* Frees the card. NULL is fine. */
void rt_euicc_free(struct rt_euicc *card);

/* Describes the card as a struct rt_icc for a transport (loop, vpcd). The icc refers
 * to card, which must outlive it. */
void rt_euicc_icc(struct rt_euicc *card, struct rt_icc *icc);

#endif
