/* SPDX-License-Identifier: Apache-2.0 */
/* rt_cardlink — opens "the card" a SUT description or a script names: the reference
 * eUICC in-process (loop) or a reader through pcscd, and owns everything behind it
 * (for loop: the software card itself). Engine and Lua bindings both use it, so a
 * card reached from `rsptest lua` behaves exactly as in a test run. */
#ifndef RT_CARDLINK_H
#define RT_CARDLINK_H

#include "roles/euicc/rt_euicc.h"
#include "transport/rt_card.h"
#include "transport/rt_card_pcsc.h"
#include "transport/rt_icc.h"
#include "util/rt_err.h"

struct rt_cardlink {
	struct rt_card *card;
	struct rt_euicc *euicc; /* loop only: the reference card behind `card` */
	struct rt_icc icc;
};

/* The reference eUICC in-process, configured by cfg (NULL = defaults). */
int rt_cardlink_open_reference(const struct rt_euicc_config *cfg, struct rt_cardlink **out,
			       struct rt_err *err);

/* A reader through pcscd: name substring (or NULL) / index (-1 = first with a card). */
int rt_cardlink_open_pcsc(const char *reader, int index, struct rt_cardlink **out,
			  struct rt_err *err);

/* Same with explicit options (opts NULL = defaults): how long to wait for a card, and
 * the bound (case deadline, signal flag) the card's calls run under. */
int rt_cardlink_open_pcsc_opts(const char *reader, int index,
			       const struct rt_card_pcsc_opts *opts, struct rt_cardlink **out,
			       struct rt_err *err);

/* Closes the card, then frees what was behind it. NULL is fine. */
void rt_cardlink_close(struct rt_cardlink *link);

#endif
