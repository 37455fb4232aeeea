/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_ota — declarations shared by the card's OTA and CAT parts (rt_euicc_ota.c,
 * rt_euicc_cat.c) and their unit test; not an API for the other parts of the card.
 *
 * What the eUICC sends by itself (PoRs by SMS-SUBMIT, notifications) leaves as MO short
 * messages: each SMS-SUBMIT TPDU is wrapped in a SEND SHORT MESSAGE proactive command
 * (TS 102 223 6.6.9) and queued for FETCH. */
#ifndef RT_EUICC_OTA_H
#define RT_EUICC_OTA_H

#include <stddef.h>
#include <stdint.h>

#include "roles/euicc/rt_euicc_int.h"

/* The ISD-R's TAR (AID bytes 13..15, TS 101 220; facts §1.10). */
extern const uint8_t rt_euicc_tar_isdr[3];

/* Minimum SPI1 the card accepts on its OTA TARs: ciphering + CC + counter "higher than
 * stored" (docs/spec-notes/50-ota-cat.md, minimum security level). */
#define RT_EUICC_OTA_MIN_SPI1 0x16

/* SPI of the notification command packet (no counter, CNTR 00..00; CC + ciphering; no
 * PoR) — docs/spec-notes/50-ota-cat.md, notifications. */
#define RT_EUICC_NOTIF_SPI1 0x06
#define RT_EUICC_NOTIF_SPI2 0x00

/* Concatenated SMS being reassembled (TS 23.040 9.2.3.24.1): bounded, one slot per
 * reference, no timeout (a new reference evicts the oldest slot when all are busy). */
#define RT_EUICC_OTA_REASM_SLOTS 4
#define RT_EUICC_OTA_REASM_PARTS 32

/* Sends a secured packet (its bytes from CPL/RPL on, no UDH) as MO SMS: one or more
 * SMS-SUBMIT TPDUs (concatenated when over 140 octets, iei 70 for a command packet, 71
 * for a response packet), each queued as SEND SHORT MESSAGE. RT_ENOMEM when the
 * proactive queue has no room for all segments (nothing is queued then). */
int rt_euicc_ota_send_mo(struct rt_euicc *card, const uint8_t *packet, size_t len, uint8_t iei);

/* Builds the SEND SHORT MESSAGE proactive command (D0 TLV) carrying tpdu into out
 * (cap bytes); *len receives its length. RT_ENOMEM when it does not fit. */
int rt_euicc_cat_send_sms_cmd(struct rt_euicc *card, const uint8_t *tpdu, size_t tpdu_len,
			      uint8_t *out, size_t cap, size_t *len);

/* Drops the partial concatenated messages (volatile state; called at reset). */
void rt_euicc_ota_reset(struct rt_euicc *card);

/* The next proactive command number, 01..FE (TS 102 223 8.6), per card. */
uint8_t rt_euicc_ota_cmd_nr(struct rt_euicc *card);

/* Free slots in the proactive queue. */
size_t rt_euicc_proactive_room(const struct rt_euicc *card);

#endif
