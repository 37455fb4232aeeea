/* SPDX-License-Identifier: Apache-2.0 */
/* rt_ecka — SGP.02 ES8 EstablishISDPKeySet: GP Amd E key establishment scenario #3
 * (ECKA-EG), both sides, as pure functions (sgp02-facts §4.2).
 *
 * SM-DP side: builds the two STORE DATA data fields — DGI 3A01 { CERT.DP.ECDSA (7F21) }
 * and DGI 3A02 { A6 CRT } | 7F49 ePK.DP.ECKA | 5F37 signature — reads the card's random
 * challenge (85 L RC) and checks its receipt (85 L DR | 86 L receipt), deriving the
 * keys. Card side (ECASD + ISD-P): verifies CERT.DP.ECDSA with PK.CI.ECDSA (type C8 =
 * 01, key usage, dates), answers RC, verifies the signature over
 * 3A02 L A6 | 7F49 L ePK | 00 85 L RC with PK.DP.ECDSA, computes
 * ShS = ECDH(SK.ECASD.ECKA, ePK.DP.ECKA) (x-coordinate), KeyData = X9.63-KDF-SHA256(ShS,
 * SharedInfo), splits it (receipt key | S-ENC | S-MAC | DEK for key usage 10; receipt
 * key | one key for 5C) and answers [85 L DR] | 86 L AES-CMAC(receipt key, A6 [| 85 L DR]).
 *
 * The building blocks (A6 encode/decode, SharedInfo, KDF split, receipt, DGI and ePK
 * coding, the signed data) are exported so that the Lua layer can bend any step for
 * negative cases. Where the public sources disagree the behaviour is a named option
 * (struct rt_ecka_opts) — see docs/spec-notes.md, ECKA for what was found and why the
 * defaults are what they are. Randomness (RC, DR, the ephemeral key) comes from
 * OpenSSL unless the caller passes fixed values. Key material is wiped by the
 * *_clear functions and never appears in error messages. */
#ifndef RT_ECKA_H
#define RT_ECKA_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/rt_ec.h"
#include "scp/rt_gpcert_verify.h"
#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_ECKA_DGI_CERT 0x3A01u
#define RT_ECKA_DGI_KEYS 0x3A02u
#define RT_ECKA_ID_MAX 32   /* HostID, SDIN, SIN, RC, DR */
#define RT_ECKA_A6_MAX 160
#define RT_ECKA_KEY_MAX 32
#define RT_ECKA_KEYDATA_MAX (4 * RT_ECKA_KEY_MAX)
#define RT_ECKA_MSG_MAX 2048 /* bytes of one STORE DATA data field we build or accept */

/* Scenario parameter bits (byte 2 of tag 90; NJIWA ECKeyAgreementEG, WHTY-SR). */
#define RT_ECKA_SP_DR 0x02u      /* derivation random included in SharedInfo and receipt */
#define RT_ECKA_SP_HOSTID 0x04u  /* HostID (84) and SDIN (45) present */
#define RT_ECKA_SP_CERTVER 0x08u /* certificate verification precedes */

#define RT_ECKA_KU_THREE_KEYS 0x10u /* S-ENC, S-MAC, DEK (WHTY-SR; SGP.02 ISD-P SCP03) */
#define RT_ECKA_KU_ONE_KEY 0x5Cu    /* one key (NJIWA, GP Amd A Table 3-29) */

/* 7F49 ePK.DP.ECKA forms (sgp02-facts §8.2: the sources disagree). Bit flags so that a
 * card can accept several. */
enum rt_ecka_epk_form {
	RT_ECKA_EPK_B0F0 = 1u << 0, /* 7F49 { B0 04‖X‖Y | F0 01 ref } (NJIWA; BER-consistent) */
	RT_ECKA_EPK_B0 = 1u << 1,   /* 7F49 { B0 04‖X‖Y } without F0 */
	RT_ECKA_EPK_BARE = 1u << 2, /* 7F49 41 04‖X‖Y (WHTY-SR) */
};

/* Receipt input padding (sgp02-facts §4.2: WHTY-SR none, NJIWA 80 00..). */
enum rt_ecka_receipt_pad {
	RT_ECKA_RECEIPT_PLAIN = 0, /* CMAC over A6 [| 85 L DR] as is (default) */
	RT_ECKA_RECEIPT_PAD80 = 1, /* ISO 9797-1 method 2 padding added first */
};

/* The key-establishment parameters carried by the A6 control reference template. */
struct rt_ecka_params {
	uint8_t scenario;        /* 90 byte 1: 03 */
	uint8_t scenario_params; /* 90 byte 2 (RT_ECKA_SP_*); default 09 (WHTY-SR) */
	uint8_t key_usage;       /* 95: 10 three keys (default) or 5C one key */
	int key_access;          /* 96, -1 = absent (default) */
	uint8_t key_type;        /* 80: 88 = AES */
	uint8_t key_len;         /* 81: 10 (16, 24 or 32) */
	uint8_t key_id;          /* 82: 01 */
	uint8_t kvn;             /* 83: 30 (ISD-P SCP03 keyset) */
	uint8_t init_counter[8]; /* 91 value */
	size_t init_counter_len; /* 0 (default; 91 00 is still sent) */
	uint8_t host_id[RT_ECKA_ID_MAX]; /* 84 (with SP_HOSTID) */
	size_t host_id_len;
	uint8_t sdin[RT_ECKA_ID_MAX]; /* 45 (with SP_HOSTID) */
	size_t sdin_len;
};

/* Options where the sources disagree or a value is implementation-defined. */
struct rt_ecka_opts {
	enum rt_ecka_epk_form epk_form; /* SM-DP sends this form; default B0F0 */
	unsigned epk_accept;            /* card accepts these forms; default all */
	enum rt_ecka_receipt_pad receipt_pad; /* default PLAIN */
	size_t rc_len;                  /* card random challenge length; default 16 */
	size_t dr_len;                  /* DR length when SP_DR; default 16 */
	long dp_key_usage;              /* expected 95 of the SM-DP certificate; 88, -1 any */
	int dp_cert_type;               /* expected C8; 01 (SM-DP), 02 for the SM-SR case */
	uint32_t date;                  /* YYYYMMDD for the certificate dates; 0 = none */
	const uint8_t *sin;             /* SIN for SharedInfo (with SP_HOSTID); NULL = none */
	size_t sin_len;
};

/* Derived material. */
struct rt_ecka_keys {
	uint8_t shs[RT_EC_FIELD_LEN];
	uint8_t receipt_key[RT_ECKA_KEY_MAX];
	uint8_t enc[RT_ECKA_KEY_MAX], mac[RT_ECKA_KEY_MAX], dek[RT_ECKA_KEY_MAX];
	size_t key_len;
	int nkeys; /* 3 or 1 (then enc = mac = dek) */
	uint8_t dr[RT_ECKA_ID_MAX];
	size_t dr_len;
	uint8_t receipt[16];
};

/* Why the card refused a command (or the SM-DP a receipt). */
enum rt_ecka_status {
	RT_ECKA_OK = 0,
	RT_ECKA_MALFORMED,    /* bytes do not parse (DGI, TLV, A6, 7F49, lengths) */
	RT_ECKA_WRONG_STATE,  /* command out of sequence */
	RT_ECKA_CERT,         /* the SM-DP certificate was refused (see cert_status) */
	RT_ECKA_BAD_SIGNATURE, /* the key-establishment signature does not verify */
	RT_ECKA_BAD_EPK,      /* 7F49 malformed, form not accepted, wrong curve, bad point */
	RT_ECKA_UNSUPPORTED,  /* A6 asks for something not supported (scenario, key type) */
	RT_ECKA_BAD_RECEIPT,  /* SM-DP side: the receipt does not match */
};

const char *rt_ecka_status_name(enum rt_ecka_status s);

void rt_ecka_params_default(struct rt_ecka_params *p);
void rt_ecka_opts_default(struct rt_ecka_opts *o);

/* ---- building blocks ------------------------------------------------------------ */

/* Appends the A6 TLV: 90 02 03 sp | 95 01 | [96 01] | 80 01 | 81 01 | 82 01 | 83 01 |
 * 91 L | [45 L SDIN | 84 L HostID when SP_HOSTID] (NJIWA makeA6CRT order; WHTY-SR's
 * fixed CRT A6 15 {90 02 03 09 | 95 01 10 | 80 01 88 | 81 01 10 | 82 01 01 | 83 01 30 | 91 00}). */
int rt_ecka_a6_encode(const struct rt_ecka_params *p, struct rt_buf *out, struct rt_err *err);

/* Decodes an A6 TLV (the whole TLV) into p. RT_EPROTO on malformed or repeated
 * fields, missing 90/95/80/81/82/83, wrong lengths; RT_ENOTSUP for scenario not 03,
 * key usage not 10/5C, key type not 88, key length not 16/24/32, SP_HOSTID without
 * 84/45. Unknown tags are refused. */
int rt_ecka_a6_decode(const uint8_t *a6, size_t len, struct rt_ecka_params *p,
		      struct rt_err *err);

/* SharedInfo (GP Amd A Table 3-28 per NJIWA computeSharedInfo): key usage | key type |
 * key length | [DR] | [len HostID | HostID] | [len SIN | SIN | len SDIN | SDIN].
 * HostID only with SP_HOSTID; SIN/SDIN only when both are known. */
int rt_ecka_shared_info(const struct rt_ecka_params *p, const uint8_t *dr, size_t drlen,
			const uint8_t *sin, size_t sinlen, uint8_t *out, size_t outsz,
			size_t *outlen, struct rt_err *err);

/* KDF and split: KeyData = X9.63-KDF(shs, SharedInfo) of key_len * (1 + nkeys) bytes;
 * receipt key first, then ENC, MAC, DEK (or the one key). Fills k (shs, keys, dr). */
int rt_ecka_derive(const uint8_t shs[RT_EC_FIELD_LEN], const struct rt_ecka_params *p,
		   const uint8_t *dr, size_t drlen, const uint8_t *sin, size_t sinlen,
		   struct rt_ecka_keys *k, struct rt_err *err);

/* Receipt = AES-CMAC(key, a6 [| 85 L DR]) (pad per option), 16 bytes. */
int rt_ecka_receipt(const uint8_t *key, size_t keylen, const uint8_t *a6, size_t a6len,
		    const uint8_t *dr, size_t drlen, enum rt_ecka_receipt_pad pad,
		    uint8_t receipt[16], struct rt_err *err);

/* DGI: tag (2 bytes) | length (1 byte up to FE, else FF + 2 bytes) | value. */
int rt_ecka_dgi_put(struct rt_buf *b, unsigned dgi, const uint8_t *v, size_t len,
		    struct rt_err *err);
/* Reads the DGI at buf[0]; it must be `dgi`. value and vlen receive its value, used
 * its whole size. */
int rt_ecka_dgi_get(const uint8_t *buf, size_t len, unsigned dgi, const uint8_t **value,
		    size_t *vlen, size_t *used, struct rt_err *err);

/* Appends 7F49 in the given form for the point pt on curve c. */
int rt_ecka_epk_encode(const uint8_t pt[RT_EC_POINT_LEN], enum rt_ec_curve c,
		       enum rt_ecka_epk_form form, struct rt_buf *out, struct rt_err *err);

/* Parses a 7F49 TLV value (content) as one of the accepted forms, checks the point on
 * curve c (and F0 against c). *form gets the form seen. RT_EPROTO for a form not
 * accepted or malformed, RT_ECRYPTO for a bad point, RT_EINVAL for a wrong curve. */
int rt_ecka_epk_decode(const uint8_t *v, size_t len, enum rt_ec_curve c, unsigned accept,
		       uint8_t pt[RT_EC_POINT_LEN], enum rt_ecka_epk_form *form,
		       struct rt_err *err);

/* The data signed by SK.DP.ECDSA: dgi3a02 (the whole 3A02 DGI as sent) | epk (the
 * whole 7F49 TLV as sent) | 00 85 L rc. */
int rt_ecka_signed_data(const uint8_t *dgi3a02, size_t dgilen, const uint8_t *epk,
			size_t epklen, const uint8_t *rc, size_t rclen, struct rt_buf *out,
			struct rt_err *err);

/* ---- SM-DP side ------------------------------------------------------------------ */

struct rt_ecka_dp {
	/* set by the caller (borrowed) */
	struct rt_ecka_params prm;
	struct rt_ecka_opts opts;
	const struct rt_ec_key *sk_dp;    /* SK.DP.ECDSA */
	const uint8_t *cert;              /* CERT.DP.ECDSA, the 7F21 TLV */
	size_t cert_len;
	const struct rt_ec_key *pk_ecasd; /* PK.ECASD.ECKA (from the verified EIS certificate) */
	/* state */
	struct rt_ec_key *esk;            /* eSK/ePK.DP.ECKA (owned; set before key_data to fix it) */
	uint8_t rc[RT_ECKA_ID_MAX];
	size_t rc_len;
	uint8_t a6[RT_ECKA_A6_MAX];
	size_t a6_len;
	struct rt_ecka_keys keys;
	enum rt_ecka_status status;
};

/* Zeroes dp and sets default parameters and options. */
void rt_ecka_dp_init(struct rt_ecka_dp *dp);
/* Frees the ephemeral key and wipes every secret. */
void rt_ecka_dp_clear(struct rt_ecka_dp *dp);

/* Appends the first STORE DATA data field: DGI 3A01 { cert }. */
int rt_ecka_dp_cert_data(struct rt_ecka_dp *dp, struct rt_buf *out, struct rt_err *err);
/* Reads the response to it: 85 L RC (L 1..32; a length other than opts.rc_len is
 * accepted and noted only by the caller). */
int rt_ecka_dp_take_rc(struct rt_ecka_dp *dp, const uint8_t *resp, size_t len,
		       struct rt_err *err);
/* Appends the second data field: DGI 3A02 { A6 } | 7F49 ePK | 5F37 r‖s. Makes the
 * ephemeral key on PK.ECASD's curve unless dp->esk is set. */
int rt_ecka_dp_key_data(struct rt_ecka_dp *dp, struct rt_buf *out, struct rt_err *err);
/* Checks the response [85 L DR] | 86 L receipt: derives the keys into dp->keys and
 * compares the receipt (RT_ECRYPTO, status BAD_RECEIPT on mismatch). */
int rt_ecka_dp_check_receipt(struct rt_ecka_dp *dp, const uint8_t *resp, size_t len,
			     struct rt_err *err);

/* ---- card side (ECASD + ISD-P) --------------------------------------------------- */

struct rt_ecka_card {
	/* set by the caller (borrowed) */
	struct rt_ecka_opts opts;
	const struct rt_ec_key *pk_ci;     /* PK.CI.ECDSA */
	const uint8_t *ci_id;              /* CI subject identifier for 42, NULL = unchecked */
	size_t ci_id_len;
	const struct rt_ec_key *sk_ecasd;  /* SK.ECASD.ECKA */
	/* state */
	int step;                          /* 0 waiting for 3A01, 1 for 3A02, 2 done */
	struct rt_ec_key *pk_dp;           /* from the verified certificate (owned) */
	uint8_t rc[RT_ECKA_ID_MAX];
	size_t rc_len;
	struct rt_ecka_params prm;         /* from the received A6 */
	uint8_t a6[RT_ECKA_A6_MAX];
	size_t a6_len;
	uint8_t epk[RT_EC_POINT_LEN];
	enum rt_ecka_epk_form epk_form;
	struct rt_ecka_keys keys;
	enum rt_ecka_status status;        /* last refusal */
	enum rt_gpcert_status cert_status; /* with RT_ECKA_CERT */
	uint16_t sw;                       /* status word a card would answer (harness choice) */
};

void rt_ecka_card_init(struct rt_ecka_card *c);
void rt_ecka_card_clear(struct rt_ecka_card *c);

/* Processes the first STORE DATA data field (DGI 3A01 { 7F21 }). rc (rclen bytes, or
 * NULL for random opts.rc_len bytes) is the challenge answered as 85 L RC in resp. */
int rt_ecka_card_cert(struct rt_ecka_card *c, const uint8_t *data, size_t len,
		      const uint8_t *rc, size_t rclen, struct rt_buf *resp, struct rt_err *err);

/* Processes the second (DGI 3A02 { A6 } | 7F49 | 5F37): verifies, derives, answers
 * [85 L DR] | 86 10 receipt in resp. dr (or NULL for random) is used with SP_DR. */
int rt_ecka_card_keys(struct rt_ecka_card *c, const uint8_t *data, size_t len,
		      const uint8_t *dr, size_t drlen, struct rt_buf *resp, struct rt_err *err);

#endif
