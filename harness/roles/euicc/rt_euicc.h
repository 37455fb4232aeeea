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
#include "transport/rt_card.h"
#include "transport/rt_icc.h"
#include "util/rt_err.h"

/* GET RESPONSE chunks are at most 256 bytes (ISO 7816-4 5.1: short Le). */
#define RT_EUICC_T0_CHUNK_MAX 256

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
};

struct rt_euicc;

/* The default ATR (with its TCK) and its length; see docs/spec-notes.md, card interface. */
extern const uint8_t rt_euicc_default_atr[];
extern const size_t rt_euicc_default_atr_len;
/* A public example EID whose check digits are valid (mod 97 == 1). */
extern const char rt_euicc_default_eid[];

/* Fills cfg with the defaults: rt_euicc_default_eid, rt_euicc_default_atr, no T=0 mode. */
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
