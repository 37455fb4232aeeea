/* SPDX-License-Identifier: Apache-2.0 */
/* rt_card — the backend-independent half of a card connection: timing and observing
 * every raw exchange and reset, and the APDU-level exchange that hides the T=0
 * procedure bytes an application sees (61xx: more data with GET RESPONSE; 6Cxx: wrong
 * Le, repeat with the exact one). Backends (pcsc, loop) fill struct rt_card_ops. */
#include "transport/rt_card.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/rt_apdu.h"
#include "util/rt_time.h"

static uint64_t rt_card_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Before a blocking call: a set signal flag or a passed deadline ends it unsent. */
static int rt_card_check_bound(const struct rt_card *card, const char *what, struct rt_err *err)
{
	const struct rt_card_bound *b = card->bound;

	if (!b)
		return 0;
	if (b->interrupted && *b->interrupted)
		return rt_err_set(err, RT_EINTR, "%s: interrupted by signal %d before %s",
				  card->name, (int)*b->interrupted, what);
	if (b->deadline > 0 && rt_time_s() >= b->deadline)
		return rt_err_set(err, RT_ETIMEDOUT, "%s: case deadline passed before %s",
				  card->name, what);
	return 0;
}

int rt_card_reset(struct rt_card *card, int cold, struct rt_err *err)
{
	uint64_t t0;
	int rc;

	if (!card || !card->ops)
		return rt_err_set(err, RT_ESTATE, "card is closed");
	rc = rt_card_check_bound(card, "a reset", err);
	if (rc)
		return rc;
	t0 = rt_card_now_usec();
	rc = card->ops->reset(card, cold, err);
	if (card->observer)
		card->observer(card->obs_ctx, RT_CARD_EV_RESET, NULL, 0, rc ? NULL : card->atr,
			       rc ? 0 : card->atr_len, rc, rt_card_now_usec() - t0);
	return rc;
}

int rt_card_transmit(struct rt_card *card, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
		     size_t *rlen, struct rt_err *err)
{
	uint64_t t0;
	int rc;

	if (!card || !card->ops)
		return rt_err_set(err, RT_ESTATE, "card is closed");
	rc = rt_card_check_bound(card, "an exchange", err);
	if (rc)
		return rc;
	t0 = rt_card_now_usec();
	rc = card->ops->transmit(card, capdu, clen, rapdu, rlen, err);
	if (rc == 0 && *rlen < 2)
		rc = rt_err_set(err, RT_EPROTO, "%s: R-APDU of %zu bytes has no status word",
				card->name, *rlen);
	if (card->observer)
		card->observer(card->obs_ctx, RT_CARD_EV_APDU, capdu, clen, rc ? NULL : rapdu,
			       rc ? 0 : *rlen, rc, rt_card_now_usec() - t0);
	return rc;
}

/* One raw exchange into out (capacity cap); *n receives the byte count, *sw the status. */
static int rt_card_xchg(struct rt_card *card, const uint8_t *c, size_t clen, uint8_t *out,
			size_t cap, size_t *n, uint16_t *sw, struct rt_err *err)
{
	int rc;

	if (cap < 2)
		return rt_err_set(err, RT_ENOMEM, "%s: response buffer full", card->name);
	*n = cap;
	rc = rt_card_transmit(card, c, clen, out, n, err);
	if (rc)
		return rc;
	*sw = (uint16_t)(out[*n - 2] << 8 | out[*n - 1]);
	/* ISO 7816-4 5.6: SW1 is 6x (not 60, T=0's NULL procedure byte) or 9x; anything
	 * else is not a status word, and guessing at it would hide a broken card. */
	if ((*sw >> 12) != 0x9 && ((*sw >> 12) != 0x6 || (*sw >> 8) == 0x60))
		return rt_err_set(err, RT_EPROTO, "%s: invalid status word %04X (SW1 must be 6x or 9x)",
				  card->name, *sw);
	return 0;
}

/* ISO 7816-4 5.6 / TS 102 221 7.3.1.1.5: after 6Cxx the same command is repeated with
 * Le = xx ('00' meaning 256). Builds that command into *out (caller frees). */
static int rt_card_with_le(const uint8_t *capdu, size_t clen, size_t le, uint8_t **out,
			   size_t *outlen, struct rt_err *err)
{
	struct rt_capdu a;
	size_t cap = clen + 4;
	int rc;

	*out = NULL;
	rc = rt_capdu_parse(capdu, clen, &a, err);
	if (rc)
		return rt_err_wrap(err, "card answered 6Cxx to a command that does not parse");
	*out = malloc(cap);
	if (!*out)
		return rt_err_set(err, RT_ENOMEM, "allocating a repeated command");
	rc = rt_capdu_build(a.cla, a.ins, a.p1, a.p2, a.data, a.lc, 1, le, *out, cap, outlen, err);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* ISO 7816-4 5.4.1 / TS 102 221 10.1.1: GET RESPONSE is an interindustry command that
 * must travel on the logical channel of the command it completes. Keep the channel
 * number, drop secure messaging and chaining, force the interindustry class (a GP
 * command sent with CLA '80' is completed by '00 C0'). */
static uint8_t rt_card_gr_cla(uint8_t cla)
{
	if ((cla & 0x40) == 0)
		return (uint8_t)(cla & 0x03);            /* first class: channels 0-3 */
	return (uint8_t)(0x40 | (cla & 0x0F));           /* further class: channels 4-19 */
}

int rt_card_exchange(struct rt_card *card, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
		     size_t *rlen, struct rt_err *err)
{
	size_t cap = *rlen, have = 0, n = 0, relen = 0;
	uint8_t *resend = NULL;
	uint8_t gr[5];
	uint16_t sw = 0;
	int rc, rounds;

	if (clen < 4) {
		rc = rt_err_set(err, RT_EINVAL, "C-APDU of %zu bytes is shorter than a header", clen);
		goto out;
	}
	rc = rt_card_xchg(card, capdu, clen, rapdu, cap, &n, &sw, err);
	if (rc)
		goto out;
	if ((sw >> 8) == 0x6C) {
		/* Wrong Le: repeat once with the exact length. */
		rc = rt_card_with_le(capdu, clen, (sw & 0xFF) ? (sw & 0xFF) : 256, &resend, &relen,
				     err);
		if (rc)
			goto out;
		rc = rt_card_xchg(card, resend, relen, rapdu, cap, &n, &sw, err);
		if (rc)
			goto out;
	}
	have = n - 2;
	/* TS 102 221 7.3.1.1.4 / ISO 7816-4 7.6.1: 61xx = xx more bytes ('00' = 256 or
	 * more) to fetch with GET RESPONSE; concatenate until another status word. */
	gr[0] = rt_card_gr_cla(capdu[0]);
	gr[1] = 0xC0;
	gr[2] = 0x00;
	gr[3] = 0x00;
	for (rounds = 0; (sw >> 8) == 0x61; rounds++) {
		if (rounds == RT_CARD_GET_RESPONSE_MAX) {
			rc = rt_err_set(err, RT_EPROTO,
					"%s: still 61xx after %d GET RESPONSE commands", card->name,
					RT_CARD_GET_RESPONSE_MAX);
			goto out;
		}
		gr[4] = (uint8_t)(sw & 0xFF);
		/* The GET RESPONSE answer lands right after the data so far, over the old SW. */
		rc = rt_card_xchg(card, gr, sizeof(gr), rapdu + have, cap - have, &n, &sw, err);
		if (rc)
			goto out;
		if ((sw >> 8) == 0x6C) {
			/* A T=0 card may correct the GET RESPONSE length too (TS 102 221
			 * 7.3.1.1.5): repeat it with the exact Le. */
			gr[4] = (uint8_t)(sw & 0xFF);
			rc = rt_card_xchg(card, gr, sizeof(gr), rapdu + have, cap - have, &n, &sw,
					  err);
			if (rc)
				goto out;
		}
		have += n - 2;
	}
	*rlen = have + 2;
out:
	free(resend);
	return rc;
}

void rt_card_close(struct rt_card *card)
{
	const struct rt_card_ops *ops;

	if (!card)
		return;
	ops = card->ops;
	card->ops = NULL;
	if (ops && ops->close)
		ops->close(card);
	free(card);
}
