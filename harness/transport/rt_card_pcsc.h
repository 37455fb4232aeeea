/* SPDX-License-Identifier: Apache-2.0 */
/* rt_card_pcsc — the PC/SC card backend: any reader behind PCSC-lite's pcscd, including
 * vpcd's virtual reader whose card is rsptest's software eUICC (transport/rt_vpcd.h). */
#ifndef RT_CARD_PCSC_H
#define RT_CARD_PCSC_H

#include <stddef.h>
#include <stdint.h>

#include "transport/rt_card.h"
#include "util/rt_err.h"

/* How long rt_card_pcsc_open waits for a card when none is present (ms). vpcd shows a
 * connecting software card after ~0.4 s, so this leaves room for a card started in
 * parallel with the harness. */
#define RT_CARD_PCSC_WAIT_MS_DEFAULT 5000u

struct rt_card_pcsc_opts {
	unsigned wait_ms; /* wait for a card at most this long (0: must be present now) */
	int exclusive;    /* 1: SCARD_SHARE_EXCLUSIVE, 0: SCARD_SHARE_SHARED */
	/* Bounds the open (the wait for a card, connecting) and then every call on the
	 * card (it becomes card->bound; the caller may change it later). NULL: calls end
	 * after at most a minute. */
	const struct rt_card_bound *bound;
};

/* Opens a card through pcscd, with default options (wait RT_CARD_PCSC_WAIT_MS_DEFAULT,
 * shared). The reader is the first whose name contains reader_match (case-insensitive);
 * when reader_match is NULL or empty, the reader at reader_index in pcscd's list, or,
 * with reader_index -1, the first reader holding a card (waiting on every reader).
 * Waits for a card with SCardGetStatusChange, connects offering T=0 and T=1 (the card's
 * ATR decides) and keeps that handle until rt_card_close (pcscd powers a card down
 * soon after its last handle goes). (*out)->atr holds the ATR, (*out)->name the reader.
 * Errors name the cause: pcscd not running, no reader, reader not found among the
 * list, no card within N ms. */
int rt_card_pcsc_open(const char *reader_match, int reader_index, struct rt_card **out,
		      struct rt_err *err);

/* Same with explicit options (opts NULL = defaults). */
int rt_card_pcsc_open_opts(const char *reader_match, int reader_index,
			   const struct rt_card_pcsc_opts *opts, struct rt_card **out,
			   struct rt_err *err);

/* Called once per reader by rt_card_pcsc_list: index in pcscd's list, name, whether a
 * card is present and its ATR (NULL, 0 when none). */
typedef void (*rt_card_pcsc_list_fn)(void *ud, unsigned index, const char *reader,
				     int card_present, const uint8_t *atr, size_t atr_len);

/* Lists pcscd's readers (for `rsptest list` and diagnostics). *count receives the number
 * of readers (0 is not an error). RT_EIO naming the cause when pcscd is not running. */
int rt_card_pcsc_list(rt_card_pcsc_list_fn fn, void *ud, unsigned *count, struct rt_err *err);

#endif
