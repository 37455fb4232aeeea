/* SPDX-License-Identifier: Apache-2.0 */
/* rt_scp80 — SCP80 secured packets (ETSI TS 102 225, 3GPP TS 31.115), both ends.
 *
 * Owns: SPI / KIc / KID decoding and encoding (static tables), the sending entity's
 * command wrap and PoR verification, and the receiving entity's (card's) command unwrap
 * with the PoR status decision and PoR construction. Two dialects: SMS (TS 31.115: the
 * packet identifiers are UDH IEs 70/71 with 2-byte CPL/RPL) and generic (TS 102 225:
 * CPI 01 / RPI 02 with BER-TLV lengths, for CAT_TP, TCP and HTTP payloads).
 *
 * Pure: bytes in, bytes out. The caller owns keys and counters; the functions take the
 * stored counter and hand back the one to store. Key material is never logged, and key
 * copies held in a struct rt_scp80_rx are wiped by rt_scp80_rx_clear().
 *
 * Confidence notes live in docs/spec-notes.md, SCP80; the points the spec text could not
 * settle are options in struct rt_scp80_opts. */
#ifndef RT_SCP80_H
#define RT_SCP80_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/rt_crypto.h"
#include "util/rt_buf.h"
#include "util/rt_err.h"

/* Largest packet handled (CPL/RPL are 2 bytes in the SMS dialect; the generic dialect is
 * held to the same bound). Anything larger is rejected, never allocated. */
#define RT_SCP80_MAX_PACKET 65535u

#define RT_SCP80_TAR_LEN 3
#define RT_SCP80_CNTR_LEN 5

enum rt_scp80_dialect {
	RT_SCP80_SMS = 1, /* TS 31.115: UDH 70 00 / 71 00, CPL/RPL 2 bytes */
	RT_SCP80_GENERIC, /* TS 102 225: CPI 01 / RPI 02, BER lengths, CHI/RHI absent */
};

/* SPI1 b2b1 and SPI2 b4b3 (TS 102 225 5.1.1). */
enum rt_scp80_check {
	RT_SCP80_CHECK_NONE = 0,
	RT_SCP80_CHECK_RC = 1, /* redundancy check (CRC) */
	RT_SCP80_CHECK_CC = 2, /* cryptographic checksum */
	RT_SCP80_CHECK_DS = 3, /* digital signature: decoded, not supported */
};

/* SPI1 b5b4 (TS 102 225 5.1.1). */
enum rt_scp80_cntr_mode {
	RT_SCP80_CNTR_NONE = 0,    /* no counter */
	RT_SCP80_CNTR_NOCHECK = 1, /* counter present, no replay or sequence check */
	RT_SCP80_CNTR_HIGHER = 2,  /* process only if CNTR > stored value */
	RT_SCP80_CNTR_ONE_HIGHER = 3, /* process only if CNTR = stored + 1 (see opts.cntr11) */
};

/* SPI2 b2b1 (TS 102 225 5.1.1). */
enum rt_scp80_por_req {
	RT_SCP80_POR_NONE = 0,
	RT_SCP80_POR_ALWAYS = 1,
	RT_SCP80_POR_ON_ERROR = 2,
	RT_SCP80_POR_RFU = 3,
};

struct rt_scp80_spi {
	enum rt_scp80_check check;     /* SPI1 b2b1 */
	int ciphered;                  /* SPI1 b3 */
	enum rt_scp80_cntr_mode cntr;  /* SPI1 b5b4 */
	enum rt_scp80_por_req por;     /* SPI2 b2b1 */
	enum rt_scp80_check por_check; /* SPI2 b4b3 */
	int por_ciphered;              /* SPI2 b5 */
	int por_via_submit;            /* SPI2 b6 (TS 31.115): PoR in SMS-SUBMIT, else DELIVER-REPORT */
	uint8_t rfu1;                  /* SPI1 b8b6 as received: reserved, ignored by the RE */
	uint8_t rfu2;                  /* SPI2 b8b7 as received: reserved, ignored by the RE */
};

/* Algorithms named by the low nibble of KIc (ciphering) and KID (RC or CC). */
enum rt_scp80_alg {
	RT_SCP80_ALG_NONE = 0,  /* nothing applied */
	RT_SCP80_ALG_DES_CBC,   /* KIc 1 */
	RT_SCP80_ALG_3DES2_CBC, /* KIc 5 */
	RT_SCP80_ALG_3DES3_CBC, /* KIc 9 */
	RT_SCP80_ALG_DES_ECB,   /* KIc D (legacy) */
	RT_SCP80_ALG_AES_CBC,   /* KIc 2 */
	RT_SCP80_ALG_DES_MAC,   /* KID 1 with CC */
	RT_SCP80_ALG_3DES2_MAC, /* KID 5 with CC */
	RT_SCP80_ALG_3DES3_MAC, /* KID 9 with CC */
	RT_SCP80_ALG_AES_CMAC,  /* KID 2 with CC */
	RT_SCP80_ALG_CRC16,     /* KID 1 with RC */
	RT_SCP80_ALG_CRC32,     /* KID 5 with RC */
};

/* A decoded KIc or KID byte. */
struct rt_scp80_keyref {
	uint8_t keyset;         /* high nibble: key version number 1..F (0 allowed) */
	uint8_t nibble;         /* low nibble as received */
	int implicit;           /* nibble 0: algorithm agreed beforehand (key->alg) */
	enum rt_scp80_alg alg;  /* RT_SCP80_ALG_NONE when implicit */
};

/* One key and the algorithm agreed for it. alg is used when the KIc/KID nibble is 0
 * (implicit); a receiver also rejects a packet whose explicit nibble contradicts a
 * non-NONE alg here. len 0 means "no such key". */
struct rt_scp80_key {
	enum rt_scp80_alg alg;
	uint8_t key[RT_CRYPTO_MAX_KEY];
	size_t len;
};

/* Interpretation options for the points the spec text available here does not settle. */
enum rt_scp80_cntr11 {
	RT_SCP80_CNTR11_ONE_HIGHER = 0, /* default: b5b4 = 11 means CNTR = stored + 1 */
	RT_SCP80_CNTR11_HIGHER,         /* treat 11 like 10 (CNTR > stored) */
};

struct rt_scp80_opts {
	size_t aes_cc_len;            /* AES-CMAC CC length: 8 (default when 0) or 4 */
	enum rt_scp80_cntr11 cntr11;  /* meaning of SPI1 b5b4 = 11 on the receiving side */
	uint64_t cntr_max_delta;      /* receiver, modes 10/11: CNTR - stored above this gives
				       * status 03 "CNTR high"; 0 = no limit */
};

/* The security parameters of one exchange: the command header fields and the keys. The
 * same struct describes the command (wrap/unwrap) and the PoR answering it (SPI2 says
 * how the PoR is secured; the PoR uses the same keys, TAR and counter). Keys are
 * pointers to caller-owned storage; NULL when not needed. */
struct rt_scp80_sec {
	enum rt_scp80_dialect dialect;
	uint8_t spi[2];
	uint8_t kic;
	uint8_t kid;
	uint8_t tar[RT_SCP80_TAR_LEN];
	uint8_t cntr[RT_SCP80_CNTR_LEN];
	const struct rt_scp80_key *kic_key; /* needed when SPI1 b3 (or SPI2 b5) ciphers */
	const struct rt_scp80_key *kid_key; /* needed for CC (SPI1 or SPI2) */
};

/* PoR response status codes (TS 102 225 Table 5.3, TS 31.115 §7). */
enum rt_scp80_status {
	RT_SCP80_ST_OK = 0x00,
	RT_SCP80_ST_RC_CC_DS_FAILED = 0x01,
	RT_SCP80_ST_CNTR_LOW = 0x02,
	RT_SCP80_ST_CNTR_HIGH = 0x03,
	RT_SCP80_ST_CNTR_BLOCKED = 0x04,
	RT_SCP80_ST_CIPHERING_ERROR = 0x05,
	RT_SCP80_ST_UNIDENTIFIED = 0x06,
	RT_SCP80_ST_INSUFFICIENT_MEMORY = 0x07,
	RT_SCP80_ST_MORE_TIME = 0x08,
	RT_SCP80_ST_TAR_UNKNOWN = 0x09,
	RT_SCP80_ST_INSUFFICIENT_SECURITY = 0x0A,
	RT_SCP80_ST_DATA_IN_SUBMIT = 0x0B,
	RT_SCP80_ST_DATA_IN_USSD = 0x0C,
};

/* ---- tables ---------------------------------------------------------------------- */

/* Decodes the two SPI bytes; every bit pattern decodes (reserved values are recorded). */
void rt_scp80_spi_decode(const uint8_t spi[2], struct rt_scp80_spi *out);

/* Encodes s back into two bytes (the rfu fields are written back as given). */
void rt_scp80_spi_encode(const struct rt_scp80_spi *s, uint8_t spi[2]);

/* Decodes a KIc byte (TS 102 225 5.1.2). RT_ENOTSUP naming the nibble for reserved or
 * proprietary algorithms. */
int rt_scp80_kic_decode(uint8_t kic, struct rt_scp80_keyref *out, struct rt_err *err);

/* Decodes a KID byte for the given check kind (TS 102 225 5.1.3: the same nibble means a
 * MAC for CC and a CRC for RC). RT_ENOTSUP for reserved/proprietary nibbles, for DS, and
 * for check NONE. */
int rt_scp80_kid_decode(uint8_t kid, enum rt_scp80_check check, struct rt_scp80_keyref *out,
			struct rt_err *err);

/* Builds a KIc / KID byte from a keyset number (0..15) and an algorithm (ALG_NONE gives
 * the implicit nibble 0). RT_EINVAL when alg does not belong to that byte. */
int rt_scp80_kic_encode(uint8_t keyset, enum rt_scp80_alg alg, uint8_t *kic, struct rt_err *err);
int rt_scp80_kid_encode(uint8_t keyset, enum rt_scp80_alg alg, uint8_t *kid, struct rt_err *err);

/* Printable names ("3DES-2key-CBC", "CNTR low"...); never NULL. */
const char *rt_scp80_alg_name(enum rt_scp80_alg alg);
const char *rt_scp80_status_name(uint8_t status);

/* Length of the RC/CC/DS field for check kind + algorithm (0, 2, 4 or 8); RT_ENOTSUP for
 * DS or an algorithm that does not fit the check kind. */
int rt_scp80_check_len(enum rt_scp80_check check, enum rt_scp80_alg alg,
		       const struct rt_scp80_opts *opts, size_t *len, struct rt_err *err);

/* ---- sending entity -------------------------------------------------------------- */

/* Wraps data[0..len) into a command packet and appends it to out (caller-initialised,
 * caller frees; out->max bounds it). SMS dialect: UDH 02 70 00, CPL(2) CHL SPI KIc KID
 * TAR | CNTR PCNTR CC data padding (enciphered from CNTR on when SPI1 b3). Generic
 * dialect: CPI 01, BER CPL, BER CHL, then the same. opts may be NULL (defaults). The
 * KIc/KID/SPI bytes are sent as given, so negative tests can send any combination. */
int rt_scp80_cmd_wrap(const struct rt_scp80_sec *s, const uint8_t *data, size_t len,
		      const struct rt_scp80_opts *opts, struct rt_buf *out, struct rt_err *err);

/* A PoR as the sending entity decoded it. */
struct rt_scp80_por {
	uint8_t tar[RT_SCP80_TAR_LEN];
	uint8_t cntr[RT_SCP80_CNTR_LEN];
	uint8_t pcntr;
	uint8_t status;
};

/* Verifies and opens the PoR pkt[0..len) answering the command described by s (its SPI2
 * says how the PoR is secured; same keys). SMS dialect input starts with the UDH (which
 * must carry IE 71 00 and is part of the CC input); generic input starts with RPI 02.
 * Checks: identifiers and lengths, RHL against the expected CC length, TAR and counter
 * echo, padding count, RC/CC (constant time). Fills res and appends the additional
 * response data (padding removed) to data. 0 when the PoR is authentic, whatever its
 * status; RT_EPROTO for a malformed or mismatching PoR; RT_ECRYPTO for a wrong RC/CC or
 * undecipherable length. */
int rt_scp80_por_verify(const struct rt_scp80_sec *s, const uint8_t *pkt, size_t len,
			const struct rt_scp80_opts *opts, struct rt_scp80_por *res,
			struct rt_buf *data, struct rt_err *err);

/* ---- receiving entity (card) ----------------------------------------------------- */

/* What the card knows for one TAR: the keys of the addressed keysets, the counter it has
 * stored and the minimum security it requires (only SPI1 of min_spi is compared: check
 * kind NONE < RC < CC < DS, ciphering, counter mode NONE < NOCHECK < HIGHER < ONE_HIGHER). */
struct rt_scp80_keyset {
	struct rt_scp80_key kic; /* len 0: the KIc keyset does not exist */
	struct rt_scp80_key kid; /* len 0: the KID keyset does not exist */
	uint8_t cntr[RT_SCP80_CNTR_LEN];
	uint8_t min_spi[2];
};

/* Key lookup: fill ks for tar and the two keyset numbers; return 0, RT_ENOENT when the
 * TAR is unknown, or another negative code (treated as "unidentified security error"). */
struct rt_scp80_lookup {
	int (*fn)(void *ctx, const uint8_t tar[RT_SCP80_TAR_LEN], uint8_t kic_keyset,
		  uint8_t kid_keyset, struct rt_scp80_keyset *ks, struct rt_err *err);
	void *ctx;
};

/* The card's verdict on one command packet. */
struct rt_scp80_rx {
	int parsed;                /* header readable; 0: packet discarded, no PoR possible */
	struct rt_scp80_spi spi;   /* decoded SPI (valid when parsed) */
	uint8_t status;            /* PoR status code (enum rt_scp80_status) */
	int por_wanted;            /* SPI2 asks for a PoR for this outcome */
	struct rt_scp80_sec por;   /* parameters to build the PoR with (rt_scp80_por_build);
				    * its key pointers point into keys below. When no keys are
				    * known (TAR unknown...) SPI2's CC/cipher bits are cleared */
	int cntr_update;           /* 1: store new_cntr as the keyset's counter */
	uint8_t new_cntr[RT_SCP80_CNTR_LEN];
	struct rt_scp80_keyset keys; /* copy from the lookup; wipe with rt_scp80_rx_clear */
};

/* Receives pkt[0..len) as the card: parses the header (SMS input starts with the UDH,
 * which must carry IE 70 00), looks up the keys, checks the minimum security level,
 * deciphers, checks RC/CC (constant time) and the counter (SPI1 b5b4 against
 * keys.cntr, stored counter FFFFFFFFFF = blocked), strips the padding and appends the
 * secured data (the remote commands) to data. rx always says what happened. Returns 0
 * when the command may be executed (status 00); otherwise a negative code with
 * rx->status set: RT_EPROTO (malformed, rx->parsed may be 0), RT_ENOENT (09),
 * RT_ECRYPTO (01, 05, 0A), RT_ERANGE (02, 03, 04), RT_ENOTSUP (06). */
int rt_scp80_cmd_unwrap(enum rt_scp80_dialect dialect, const uint8_t *pkt, size_t len,
			const struct rt_scp80_lookup *lookup, const struct rt_scp80_opts *opts,
			struct rt_scp80_rx *rx, struct rt_buf *data, struct rt_err *err);

/* Wipes the key copies in rx (OPENSSL_cleanse). Call when done with rx. */
void rt_scp80_rx_clear(struct rt_scp80_rx *rx);

/* Builds the PoR (response packet) for status and the additional response data
 * data[0..len), secured as SPI2 of s says (ciphered or not; RC, CC or nothing), and
 * appends it to out. SMS dialect: UDH 02 71 00, RPL(2) RHL TAR | CNTR PCNTR status CC
 * data padding; generic: RPI 02, BER RPL, BER RHL, then the same. */
int rt_scp80_por_build(const struct rt_scp80_sec *s, uint8_t status, const uint8_t *data,
		       size_t len, const struct rt_scp80_opts *opts, struct rt_buf *out,
		       struct rt_err *err);

#endif
