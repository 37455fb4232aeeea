/* SPDX-License-Identifier: Apache-2.0 */
/* rt_card_loop — the in-process card backend: a struct rt_card whose card is a software
 * card (struct rt_icc) called directly, with no I/O. Used by unit tests and by the
 * in-process self-test of the suite against rsptest's own eUICC. */
#ifndef RT_CARD_LOOP_H
#define RT_CARD_LOOP_H

#include "transport/rt_card.h"
#include "transport/rt_icc.h"
#include "util/rt_err.h"

/* Opens a loop card on icc (copied; icc->card must outlive the rt_card), powers the card
 * on and stores its ATR in (*out)->atr. Close with rt_card_close, which powers the card
 * off but does not free icc->card (its owner does). */
int rt_card_loop_open(struct rt_icc *icc, struct rt_card **out, struct rt_err *err);

#endif
