/* SPDX-License-Identifier: Apache-2.0 */
/* rt_card_loop — in-process card backend: rt_card ops that call a struct rt_icc directly.
 *
 * Owns the small glue between the terminal-side ops table (rt_card.h) and the card-side
 * interface (rt_icc.h). No I/O and no timing of its own: rt_card.c times and observes. */
#include "transport/rt_card_loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rt_icc *rt_loop_icc(struct rt_card *card)
{
	return card->ctx;
}

static int rt_loop_reset(struct rt_card *card, int cold, struct rt_err *err)
{
	struct rt_icc *icc = rt_loop_icc(card);
	size_t len = sizeof(card->atr);
	int rc;

	/* A cold reset removes power first (ISO 7816-3 6.2.4 deactivation, then 6.2.2
	 * activation); a warm reset keeps it (6.2.3). The card model drops its volatile
	 * state either way. */
	if (cold && icc->ops->power_off)
		icc->ops->power_off(icc->card);
	rc = icc->ops->reset(icc->card, card->atr, &len);
	if (rc) {
		card->atr_len = 0;
		return rt_err_set(err, rc, "loop: card refused reset (%s)", rt_err_name(rc));
	}
	card->atr_len = len;
	return 0;
}

static int rt_loop_transmit(struct rt_card *card, const uint8_t *capdu, size_t clen,
			    uint8_t *rapdu, size_t *rlen, struct rt_err *err)
{
	struct rt_icc *icc = rt_loop_icc(card);
	int rc;

	if (clen > RT_APDU_MAX)
		return rt_err_set(err, RT_ERANGE, "loop: C-APDU of %zu bytes above %d", clen,
				  RT_APDU_MAX);
	rc = icc->ops->process(icc->card, capdu, clen, rapdu, rlen);
	if (rc)
		return rt_err_set(err, rc, "loop: card did not answer (%s)", rt_err_name(rc));
	return 0;
}

static void rt_loop_close(struct rt_card *card)
{
	struct rt_icc *icc = rt_loop_icc(card);

	if (icc && icc->ops->power_off)
		icc->ops->power_off(icc->card);
	free(icc);
	card->ctx = NULL;
}

static const struct rt_card_ops rt_loop_ops = {
	.name = "loop",
	.reset = rt_loop_reset,
	.transmit = rt_loop_transmit,
	.close = rt_loop_close,
};

int rt_card_loop_open(struct rt_icc *icc, struct rt_card **out, struct rt_err *err)
{
	struct rt_card *card = NULL;
	int rc = 0;

	*out = NULL;
	if (!icc || !icc->ops || !icc->ops->reset || !icc->ops->process) {
		rc = rt_err_set(err, RT_EINVAL, "loop: card has no reset/process operations");
		goto out;
	}
	card = calloc(1, sizeof(*card));
	if (!card || !(card->ctx = malloc(sizeof(*icc)))) {
		rc = rt_err_set(err, RT_ENOMEM, "loop: allocating the card");
		goto out;
	}
	memcpy(card->ctx, icc, sizeof(*icc));
	card->ops = &rt_loop_ops;
	snprintf(card->name, sizeof(card->name), "loop");
	rc = rt_loop_reset(card, 1, err);
	if (rc)
		goto out;
	*out = card;
	card = NULL;
out:
	rt_card_close(card);
	return rc;
}
