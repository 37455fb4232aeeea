/* SPDX-License-Identifier: Apache-2.0 */
/* rt_card — the terminal side of a card connection, behind an ops table.
 *
 * Roles and test steps talk to "a card" through struct rt_card and never know whether
 * it is a reader behind pcscd, a software card behind vpcd (also reached through pcscd)
 * or an in-process card (loop). Backends:
 *   pcsc  — rt_card_pcsc.c: any reader through PCSC-lite
 *   loop  — rt_card_loop.c: an in-process struct rt_icc, no I/O at all
 * The card *side* of vpcd (a software card offering itself to pcscd) is rt_vpcd.c.
 *
 * transmit() moves one raw exchange: bytes in, bytes out, no 61xx/6Cxx handling. That
 * procedure is rt_card_exchange below, written once over rt_card_transmit so it works
 * the same for every backend and the observer sees every raw exchange. */
#ifndef RT_CARD_H
#define RT_CARD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "util/rt_err.h"

#define RT_ATR_MAX 33
/* Short APDUs need 261 bytes, extended ones 65544 (ISO 7816-4 5.1). */
#define RT_APDU_MAX 65544
#define RT_RAPDU_MAX 65538
/* Upper bound on GET RESPONSE rounds for one command: 256 rounds of 256 bytes cover the
 * largest extended R-APDU; a card that keeps answering 61xx past that is broken. */
#define RT_CARD_GET_RESPONSE_MAX 256

struct rt_card;

struct rt_card_ops {
	const char *name; /* "pcsc", "loop" */
	/* Powers/resets the card (cold when cold != 0) and stores the ATR in card->atr. */
	int (*reset)(struct rt_card *card, int cold, struct rt_err *err);
	/* Sends capdu, receives at most *rlen bytes into rapdu; *rlen is updated. */
	int (*transmit)(struct rt_card *card, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
			size_t *rlen, struct rt_err *err);
	/* Releases the backend; ctx is invalid afterwards. Idempotent through rt_card_close. */
	void (*close)(struct rt_card *card);
};

/* What an observer sees: every raw exchange and every reset, as it happens. The engine
 * uses this to record evidence (engine/rt_trace) and to print exchanges with -v. */
enum rt_card_event {
	RT_CARD_EV_RESET, /* in = NULL; out = the ATR */
	RT_CARD_EV_APDU,  /* in = C-APDU; out = R-APDU (NULL, 0 when rc != 0) */
};

typedef void (*rt_card_observer_fn)(void *obs_ctx, enum rt_card_event ev, const uint8_t *in,
				    size_t inlen, const uint8_t *out, size_t outlen, int rc,
				    uint64_t usec);

/* The limits a blocking card call runs under: the case deadline and the run's signal
 * flag. Owned by whoever runs the case (engine/rt_run.c keeps one per case and moves the
 * deadline for cleanups); a card points at it while a case uses it. A backend whose
 * calls can block (pcsc) must return by the deadline (RT_ETIMEDOUT) or soon after the
 * flag is set (RT_EINTR), whatever the card or pcscd do. */
struct rt_card_bound {
	double deadline;                    /* rt_time_s() value; 0 = none */
	volatile sig_atomic_t *interrupted; /* signal number once set; NULL = ignore */
};

struct rt_card {
	const struct rt_card_ops *ops;
	void *ctx; /* backend state */
	uint8_t atr[RT_ATR_MAX];
	size_t atr_len;
	char name[128]; /* reader name or "loop" — shown in evidence */
	rt_card_observer_fn observer; /* optional; called by rt_card_reset/transmit */
	void *obs_ctx;
	const struct rt_card_bound *bound; /* NULL: unbounded (tools, `rsptest lua`) */
	/* Non-empty once the backend gave up on a call the card never finished (the call
	 * may still be pending inside pcscd): why, with the last C-APDU. Every later call
	 * fails at once while it stays set, so a hung card costs one deadline, not one
	 * per case. The backend clears it if the pending call completes after all. */
	char stuck[384];
};

/* Resets the card through its backend; the new ATR is in card->atr. */
int rt_card_reset(struct rt_card *card, int cold, struct rt_err *err);

/* One raw exchange (see above). Fails at once with RT_EINTR when card->bound's flag is
 * set and RT_ETIMEDOUT when its deadline has passed. */
int rt_card_transmit(struct rt_card *card, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
		     size_t *rlen, struct rt_err *err);

/* An APDU-level exchange (ISO 7816-4 / TS 102 221 T=0 procedure bytes as seen by
 * an application): sends capdu; on 6Cxx resends it with Le = xx; on 61xx issues GET
 * RESPONSE (INS C0) until the data is complete, concatenating the data. Each raw
 * exchange goes through rt_card_transmit, so the observer sees every one. Bounded: at
 * most RT_CARD_GET_RESPONSE_MAX GET RESPONSE rounds and one 6Cxx repeat per command; a
 * status word whose SW1 is not 6x/9x (ISO 7816-4 5.6; 60 is a T=0 procedure byte, never
 * a status) is RT_EPROTO naming it. */
int rt_card_exchange(struct rt_card *card, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
		     size_t *rlen, struct rt_err *err);

/* Closes the backend (idempotent: ops is NULLed first) and frees card. NULL is fine. */
void rt_card_close(struct rt_card *card);

#endif
