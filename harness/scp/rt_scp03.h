/* SPDX-License-Identifier: Apache-2.0 */
/* rt_scp03 — GlobalPlatform Secure Channel Protocol '03' (GP Card Spec v2.x Amendment D),
 * host side and card side.
 *
 * Owns: the NIST SP 800-108 counter-mode KDF with the Amendment D derivation-data layout
 * (4.1.5), session keys S-ENC / S-MAC / S-RMAC (6.2.1), card and host cryptograms and the
 * pseudo-random card challenge (6.2.2), INITIALIZE UPDATE and EXTERNAL AUTHENTICATE
 * (7.1, 7.2), command protection C-MAC and C-DECRYPTION (6.2.4, 6.2.6), response
 * protection R-MAC and R-ENCRYPTION (6.2.5, 6.2.7), both in S8 and S16 mode, plus the
 * static-DEK key wrapping of PUT KEY (GP CS 11.8.2.3, Tables 11-70/11-71) and AES KCVs.
 *
 * One struct rt_scp03 holds one session, host or card; the caller owns it (no globals,
 * no I/O, no clock) and must call rt_scp03_clear() to wipe the keys it holds. The lower
 * "primitive" functions near the end are what rt_scp03t (SGP.02 SCP03t, TLV framing) is
 * built on; they act on the session state exactly as the APDU functions do.
 *
 * Errors: a MAC or cryptogram mismatch is RT_ECRYPTO with a message naming which value
 * failed (card cryptogram, host cryptogram, C-MAC, R-MAC); bad padding after decryption
 * is RT_ECRYPTO ("padding"); an exhausted counter is RT_ERANGE; a call in the wrong state
 * is RT_ESTATE; malformed bytes are RT_EPROTO. On the card side any failure after
 * EXTERNAL AUTHENTICATE closes the session (Amendment D 6.2.4: a secure messaging error
 * terminates the Secure Channel Session); the host side closes on an R-MAC failure.
 *
 * Confidence notes and the open points behind struct rt_scp03_opts are in
 * docs/spec-notes.md, SCP03. Key material is never logged. */
#ifndef RT_SCP03_H
#define RT_SCP03_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/rt_crypto.h"
#include "util/rt_err.h"

#define RT_SCP03_SCP_ID 0x03
#define RT_SCP03_BLOCK 16
#define RT_SCP03_KDD_LEN 10    /* key diversification data in the IU response */
#define RT_SCP03_CH_MAX 16     /* challenge / cryptogram / MAC length, S16 mode */
#define RT_SCP03_AID_MAX 16
#define RT_SCP03_SEQ_MAX 0xFFFFFFu /* 3-byte sequence counter */
#define RT_SCP03_IU_RESP_MAX (RT_SCP03_KDD_LEN + 3 + 2 * RT_SCP03_CH_MAX + 3) /* 48 */

/* Security level bits (P1 of EXTERNAL AUTHENTICATE, Amendment D Table 7-6). */
enum rt_scp03_sl {
	RT_SCP03_SL_CMAC = 0x01,
	RT_SCP03_SL_CDEC = 0x02,
	RT_SCP03_SL_RMAC = 0x10,
	RT_SCP03_SL_RENC = 0x20,
};

/* "i" parameter bits (Amendment D Table 5-1; S16 bit: see spec-notes, option s16_bit). */
enum rt_scp03_i {
	RT_SCP03_I_S16 = 0x01,    /* S16 mode: 16-byte challenges, cryptograms and MACs */
	RT_SCP03_I_PSEUDO = 0x10, /* pseudo-random card challenge + sequence counter */
	RT_SCP03_I_RMAC = 0x20,   /* R-MAC supported */
	RT_SCP03_I_RENC = 0x40,   /* R-ENCRYPTION supported */
};

/* Derivation constants (Amendment D Table 4-1). */
enum rt_scp03_dconst {
	RT_SCP03_DC_CARD_CRYPTOGRAM = 0x00,
	RT_SCP03_DC_HOST_CRYPTOGRAM = 0x01,
	RT_SCP03_DC_CARD_CHALLENGE = 0x02,
	RT_SCP03_DC_S_ENC = 0x04,
	RT_SCP03_DC_S_MAC = 0x06,
	RT_SCP03_DC_S_RMAC = 0x07,
};

/* Status words the card side answers with (GP CS 11.1.3 / Amendment D 7). */
#define RT_SCP03_SW_OK 0x9000
#define RT_SCP03_SW_SECURITY 0x6982   /* C-MAC / cryptogram verification failed */
#define RT_SCP03_SW_REF_NOT_FOUND 0x6A88 /* KVN unknown */
#define RT_SCP03_SW_WRONG_DATA 0x6A80
#define RT_SCP03_SW_WRONG_P1P2 0x6B00
#define RT_SCP03_SW_COND 0x6985       /* conditions of use not satisfied */

/* Static keys of one SCP03 key set: all three of the same AES length (16, 24 or 32). */
struct rt_scp03_keys {
	uint8_t enc[RT_CRYPTO_MAX_KEY];
	uint8_t mac[RT_CRYPTO_MAX_KEY];
	uint8_t dek[RT_CRYPTO_MAX_KEY];
	size_t len;
	uint8_t kvn; /* key version number, P1 of INITIALIZE UPDATE (0 = first available) */
	uint8_t kid; /* key identifier, P2 of INITIALIZE UPDATE (normally 0) */
};

/* Points the available texts do not settle (docs/spec-notes.md, SCP03). Zeroed = defaults. */
enum rt_scp03_seq_rule {
	RT_SCP03_SEQ_INC_BEFORE = 0, /* card: increment, then use the new value (pySim vectors
				      * start at 000001) */
	RT_SCP03_SEQ_INC_AFTER,      /* card: use the stored value, then increment */
};

enum rt_scp03_le_rule {
	RT_SCP03_LE_MAX = 0, /* host: a present Le becomes 00 (0000 extended), as pySim does:
			      * R-MAC / padding make the response longer than the plain Le */
	RT_SCP03_LE_KEEP,    /* host: keep the caller's Le */
};

enum rt_scp03_dek_pad {
	RT_SCP03_DEK_PAD_ZERO = 0, /* Table 11-70 padding with 00 bytes (pySim, facts §3) */
	RT_SCP03_DEK_PAD_80,       /* 80 00.. padding (asterix) */
};

struct rt_scp03_opts {
	enum rt_scp03_seq_rule seq_rule;
	enum rt_scp03_le_rule le_rule;
	enum rt_scp03_dek_pad dek_pad;
	uint8_t s16_bit;       /* i bit announcing S16 mode; 0 = RT_SCP03_I_S16 (0x01). The
				* host also requires the response length to match its challenge */
	int allow_error_data;  /* host: accept response data next to an error SW (it is never
				* protected); default 0 = RT_EPROTO */
	int card_allow_plain;  /* card: let commands without the SM bit through unprotected
				* while the SL requires C-MAC; default 0 = reject */
	uint64_t counter_max;  /* largest encryption counter value; 0 = 2^64 - 2 */
};

enum rt_scp03_role { RT_SCP03_HOST = 1, RT_SCP03_CARD };

enum rt_scp03_state {
	RT_SCP03_ST_IDLE = 0,  /* nothing yet (or after clear) */
	RT_SCP03_ST_IU,        /* host: IU sent, waiting for the response; card: IU answered */
	RT_SCP03_ST_KEYS,      /* host: card authenticated, EXTERNAL AUTHENTICATE not built yet */
	RT_SCP03_ST_OPEN,      /* session open: wrap / unwrap */
	RT_SCP03_ST_CLOSED,    /* terminated by an error; needs a new INITIALIZE UPDATE */
};

/* One session. Fields are readable (and tests may set counters); treat as opaque else. */
struct rt_scp03 {
	enum rt_scp03_role role;
	enum rt_scp03_state state;
	struct rt_scp03_opts opts;
	struct rt_scp03_keys keys; /* static keys (wiped by rt_scp03_clear) */
	uint8_t s_enc[RT_CRYPTO_MAX_KEY], s_mac[RT_CRYPTO_MAX_KEY], s_rmac[RT_CRYPTO_MAX_KEY];
	uint8_t host_challenge[RT_SCP03_CH_MAX];
	uint8_t card_challenge[RT_SCP03_CH_MAX];
	uint8_t host_cryptogram[RT_SCP03_CH_MAX];
	uint8_t card_cryptogram[RT_SCP03_CH_MAX];
	size_t s;                  /* 8 (S8) or 16 (S16): challenge, cryptogram, MAC length */
	uint8_t i;                 /* "i" parameter (card: configured; host: as received) */
	uint8_t sl;                /* security level of the open session */
	uint8_t kdd[RT_SCP03_KDD_LEN];
	uint8_t kvn;               /* KVN the session runs under (from the IU response) */
	uint32_t seq;              /* sequence counter (card: stored value; host: received) */
	int has_seq;
	uint8_t aid[RT_SCP03_AID_MAX]; /* card: SD AID for the pseudo-random challenge */
	size_t aidlen;
	uint8_t channel;           /* logical channel of INITIALIZE UPDATE */
	uint8_t chain[RT_SCP03_BLOCK]; /* MAC chaining value (6.2.3) */
	uint64_t counter;          /* encryption counter of the last command (6.2.6) */
	int rsp_ok;                /* card: the last command was verified, a response may be
				    * wrapped under its chaining value and counter */
};

/* ---- KDF, keys, cryptograms (pure functions) ----------------------------------------- */

/* Amendment D 4.1.5 KDF: outlen bytes (1..4080, L = 8*outlen bits) of
 * PRF(key, 11x00 | constant | 00 | L(2) | i(1) | context), i = 1, 2, ..., PRF = AES-CMAC
 * with a 16/24/32-byte key. context may be NULL when ctxlen is 0. */
int rt_scp03_kdf(const uint8_t *key, size_t keylen, uint8_t constant, const uint8_t *context,
		 size_t ctxlen, uint8_t *out, size_t outlen, struct rt_err *err);

/* Session keys from the static keys (Amendment D 6.2.1): context = host challenge | card
 * challenge, each s bytes (8 or 16); each output has keys->len bytes. */
int rt_scp03_session_keys(const struct rt_scp03_keys *keys, const uint8_t *host_challenge,
			  const uint8_t *card_challenge, size_t s, uint8_t *s_enc, uint8_t *s_mac,
			  uint8_t *s_rmac, struct rt_err *err);

/* Card (constant 00) or host (01) cryptogram, s bytes, from S-MAC (Amendment D 6.2.2.2/3). */
int rt_scp03_cryptogram(const uint8_t *s_mac, size_t keylen, uint8_t constant,
			const uint8_t *host_challenge, const uint8_t *card_challenge, size_t s,
			uint8_t *out, struct rt_err *err);

/* Pseudo-random card challenge (Amendment D 6.2.2.1): s bytes of KDF(K-ENC, 02,
 * context = sequence counter (3 bytes) | SD AID). */
int rt_scp03_card_challenge(const uint8_t *k_enc, size_t keylen, uint32_t seq,
			    const uint8_t *aid, size_t aidlen, size_t s, uint8_t *out,
			    struct rt_err *err);

/* ---- INITIALIZE UPDATE / EXTERNAL AUTHENTICATE encodings ------------------------------- */

/* The IU response data (Amendment D Table 7-3). */
struct rt_scp03_iu_resp {
	uint8_t kdd[RT_SCP03_KDD_LEN];
	uint8_t kvn;
	uint8_t scp_id;
	uint8_t i;
	uint8_t card_challenge[RT_SCP03_CH_MAX];
	uint8_t card_cryptogram[RT_SCP03_CH_MAX];
	size_t s;    /* 8 or 16 */
	int has_seq; /* the 3-byte sequence counter is present */
	uint32_t seq;
};

/* Builds `80|ch 50 kvn kid Lc host_challenge 00` (s = 8 or 16) for logical channel 0..3. */
int rt_scp03_iu_cmd_build(uint8_t channel, uint8_t kvn, uint8_t kid,
			  const uint8_t *host_challenge, size_t s, uint8_t *out, size_t outsz,
			  size_t *outlen, struct rt_err *err);

/* Parses an INITIALIZE UPDATE command: *kvn, *kid, the host challenge (8 or 16 bytes,
 * written to host_challenge[RT_SCP03_CH_MAX]) and its length *s. RT_EPROTO otherwise. */
int rt_scp03_iu_cmd_parse(const uint8_t *apdu, size_t len, uint8_t *kvn, uint8_t *kid,
			  uint8_t *host_challenge, size_t *s, uint8_t *channel,
			  struct rt_err *err);

/* Encodes IU response data (no SW): 29, 32, 45 or 48 bytes. */
int rt_scp03_iu_resp_build(const struct rt_scp03_iu_resp *r, uint8_t *out, size_t outsz,
			   size_t *outlen, struct rt_err *err);

/* Decodes IU response data (no SW). The length decides S8/S16 and the counter (29 = S8,
 * 32 = S8 + counter, 45 = S16, 48 = S16 + counter); SCP id must be 03. */
int rt_scp03_iu_resp_parse(const uint8_t *data, size_t len, struct rt_scp03_iu_resp *r,
			   struct rt_err *err);

/* ---- sessions ------------------------------------------------------------------------ */

/* Starts a host session: copies keys (checked: AES length) and opts (NULL = defaults). */
int rt_scp03_host_init(struct rt_scp03 *s, const struct rt_scp03_keys *keys,
		       const struct rt_scp03_opts *opts, struct rt_err *err);

/* Starts a card session: keys, the "i" parameter it announces, the SD AID (5..16 bytes;
 * needed for the pseudo-random challenge), the stored sequence counter and the key
 * diversification data (NULL = 10 x 00). */
int rt_scp03_card_init(struct rt_scp03 *s, const struct rt_scp03_keys *keys, uint8_t i,
		       const uint8_t *aid, size_t aidlen, uint32_t seq, const uint8_t *kdd,
		       const struct rt_scp03_opts *opts, struct rt_err *err);

/* Terminates the session after an error: session keys and the chain are wiped, the
 * state is CLOSED (static keys stay; a new INITIALIZE UPDATE reopens). */
void rt_scp03_close(struct rt_scp03 *s);

/* Wipes every key and secret in s and sets it IDLE (it can be re-initialised). */
void rt_scp03_clear(struct rt_scp03 *s);

/* Host: builds INITIALIZE UPDATE with the given host challenge (s = 8 for S8, 16 for
 * S16) on logical channel `channel`. Any state; restarts the handshake. */
int rt_scp03_host_iu(struct rt_scp03 *s, uint8_t channel, const uint8_t *host_challenge,
		     size_t chlen, uint8_t *out, size_t outsz, size_t *outlen, struct rt_err *err);

/* Host: takes the full IU R-APDU (data | SW1 SW2). Requires 9000, parses, derives the
 * session keys and verifies the card cryptogram (RT_ECRYPTO "card cryptogram mismatch"). */
int rt_scp03_host_iu_response(struct rt_scp03 *s, const uint8_t *rapdu, size_t len,
			      struct rt_err *err);

/* Host: builds EXTERNAL AUTHENTICATE for security level sl (00, 01, 03, 11, 13, 31, 33;
 * R-MAC / R-ENC must be offered by i) and opens the session: MACed with chaining value
 * 16 x 00, never encrypted; the counter restarts at 0. */
int rt_scp03_host_ext_auth(struct rt_scp03 *s, uint8_t sl, uint8_t *out, size_t outsz,
			   size_t *outlen, struct rt_err *err);

/* Host: protects a plain C-APDU (short or extended) at the session's SL: counter + 1,
 * C-DECRYPTION of a non-empty data field, C-MAC; CLA gets the SM bit and the session's
 * logical channel. Le per opts.le_rule. RT_ERANGE if the result does not fit the APDU
 * form of the input. */
int rt_scp03_host_wrap(struct rt_scp03 *s, const uint8_t *capdu, size_t len, uint8_t *out,
		       size_t outsz, size_t *outlen, struct rt_err *err);

/* Host: checks and strips the protection of the R-APDU answering the last wrapped
 * command: data (plain) and *sw out. Error SWs (not 9000/62xx/63xx) carry no R-MAC. */
int rt_scp03_host_unwrap(struct rt_scp03 *s, const uint8_t *rapdu, size_t len, uint8_t *out,
			 size_t outsz, size_t *outlen, uint16_t *sw, struct rt_err *err);

/* Card: answers INITIALIZE UPDATE. On success the R-APDU (data | 9000) is in out. random
 * is the card challenge (s bytes): required when i has no pseudo-random bit; with the bit,
 * NULL derives it from the sequence counter and the AID (6.2.2.1) and non-NULL overrides
 * the derivation (a card replaying a recorded session; the counter still moves).
 * On failure *sw (never NULL) is the status word to answer with, out is empty. */
int rt_scp03_card_iu(struct rt_scp03 *s, const uint8_t *capdu, size_t len,
		     const uint8_t *random, uint8_t *out, size_t outsz, size_t *outlen,
		     uint16_t *sw, struct rt_err *err);

/* Card: verifies EXTERNAL AUTHENTICATE (header, SL allowed by i, host cryptogram, C-MAC)
 * and opens the session. *sw is the SW to answer with (9000 on success). */
int rt_scp03_card_ext_auth(struct rt_scp03 *s, const uint8_t *capdu, size_t len,
			   uint16_t *sw, struct rt_err *err);

/* Card: verifies and strips the protection of one command (counter + 1, C-MAC, then
 * decryption and padding check); out receives the plain C-APDU (SM bit and channel
 * cleared, Lc = plain length, Le as received). On failure the session closes and *sw
 * is the SW to answer (6982). */
int rt_scp03_card_unwrap(struct rt_scp03 *s, const uint8_t *capdu, size_t len, uint8_t *out,
			 size_t outsz, size_t *outlen, uint16_t *sw, struct rt_err *err);

/* Card: builds the R-APDU for the last unwrapped command: success SWs get R-ENC (when the
 * SL has it and data is non-empty) and R-MAC (when the SL has it); error SWs go out bare
 * (data is dropped, Amendment D 6.2.5). */
int rt_scp03_card_wrap(struct rt_scp03 *s, const uint8_t *data, size_t len, uint16_t sw,
		       uint8_t *out, size_t outsz, size_t *outlen, struct rt_err *err);

/* 1 when sw is a success or warning SW that carries R-MAC (9000, 62xx, 63xx). */
int rt_scp03_sw_protected(uint16_t sw);

/* ---- DEK key wrapping and KCV (PUT KEY) ---------------------------------------------- */

/* Key component block (GP CS Tables 11-70 / 11-71): a key of a block-multiple length is
 * AES-CBC(DEK, zero IV) of the key; otherwise length(BER) | AES-CBC(key | padding). */
int rt_scp03_dek_wrap(const uint8_t *dek, size_t deklen, enum rt_scp03_dek_pad pad,
		      const uint8_t *key, size_t keylen, uint8_t *out, size_t outsz,
		      size_t *outlen, struct rt_err *err);

/* Inverse of rt_scp03_dek_wrap: a block-multiple input is a plain cryptogram, otherwise
 * length | cryptogram. RT_EPROTO when the length prefix does not fit. */
int rt_scp03_dek_unwrap(const uint8_t *dek, size_t deklen, const uint8_t *kcb, size_t len,
			uint8_t *out, size_t outsz, size_t *outlen, struct rt_err *err);

/* AES KCV: first 3 bytes of AES-ECB(key, 16 x 01). */
int rt_scp03_kcv(const uint8_t *key, size_t keylen, uint8_t kcv[RT_CRYPTO_KCV_LEN],
		 struct rt_err *err);

/* ---- primitives on an open session (used by rt_scp03t) ------------------------------- */

/* Cipher contexts kept across several primitive calls (a profile package cut into many
 * segments pays the AES key schedules once). Opaque; made by rt_scp03_cx_new for one
 * session, freed (and its key material wiped) by rt_scp03_cx_free. Every primitive
 * accepts cx = NULL and then makes a temporary one. */
struct rt_scp03_cx;

/* Allocates contexts for session s (which must outlive it and keep its session keys). */
int rt_scp03_cx_new(const struct rt_scp03 *s, struct rt_scp03_cx **cx, struct rt_err *err);

/* Frees cx (NULL is fine). */
void rt_scp03_cx_free(struct rt_scp03_cx *cx);

/* Checks that sl is a defined security level (00 01 03 11 13 31 33) and that the "i"
 * parameter of s offers the R-MAC / R-ENC it asks for. RT_EINVAL / RT_ENOTSUP else. */
int rt_scp03_sl_check(const struct rt_scp03 *s, uint8_t sl, struct rt_err *err);

/* Moves the encryption counter to the next command. RT_ERANGE at opts.counter_max. */
int rt_scp03_counter_next(struct rt_scp03 *s, struct rt_err *err);

/* full = AES-CMAC(S-MAC, chain | a | b); the chain becomes full; mac gets s->s bytes. */
int rt_scp03_cmac_chain(struct rt_scp03 *s, struct rt_scp03_cx *cx, const uint8_t *a,
			size_t alen, const uint8_t *b, size_t blen, uint8_t *mac,
			struct rt_err *err);

/* Card: recomputes the C-MAC over chain | a | b and compares it with mac (s->s bytes) in
 * constant time; the chain moves only on a match. RT_ECRYPTO "<what> mismatch" else. */
int rt_scp03_cmac_verify(struct rt_scp03 *s, struct rt_scp03_cx *cx, const uint8_t *a,
			 size_t alen, const uint8_t *b, size_t blen, const uint8_t *mac,
			 const char *what, struct rt_err *err);

/* R-MAC = AES-CMAC(S-RMAC, chain | a | b), first s->s bytes to mac. Chain unchanged. */
int rt_scp03_rmac(const struct rt_scp03 *s, struct rt_scp03_cx *cx, const uint8_t *a,
		  size_t alen, const uint8_t *b, size_t blen, uint8_t *mac, struct rt_err *err);

/* Pads with 80 00.. (at least one byte) to a multiple of 16 and encrypts under S-ENC with
 * the ICV of the current counter; response = 1 sets the ICV block's first byte to 80
 * (R-ENCRYPTION, 6.2.7). out (may not overlap in) needs len + 16 bytes. */
int rt_scp03_encrypt(const struct rt_scp03 *s, struct rt_scp03_cx *cx, int response,
		     const uint8_t *in, size_t len, uint8_t *out, size_t outsz, size_t *outlen,
		     struct rt_err *err);

/* Decrypts (len a non-zero multiple of 16) with the ICV of the current counter and
 * strips 80 00.. padding; RT_ECRYPTO "bad padding" when absent. out needs len bytes. */
int rt_scp03_decrypt(const struct rt_scp03 *s, struct rt_scp03_cx *cx, int response,
		     const uint8_t *in, size_t len, uint8_t *out, size_t outsz, size_t *outlen,
		     struct rt_err *err);

#endif
