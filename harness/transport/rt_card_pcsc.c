/* SPDX-License-Identifier: Apache-2.0 */
/* rt_card_pcsc — PC/SC card backend over PCSC-lite.
 *
 * Owns the PC/SC context and one card handle per struct rt_card: choosing the reader,
 * waiting for a card with SCardGetStatusChange (never sleeping), connecting, resets with
 * SCardReconnect, transmits, and mapping PC/SC return codes to RT_E* with a message that
 * names the cause. The handle stays open for the whole run: pcscd powers a card off
 * 0.4-0.8 s after its last handle closes (design.md 5).
 *
 * Every PC/SC call that waits on the card (connect, reconnect, transmit) runs on one
 * worker thread per card while the caller waits on a condition variable until the
 * card's bound (case deadline, signal flag): SCardTransmit has no timeout of its own,
 * and vpcd's driver blocks in recv(MSG_WAITALL) for good on a card that never answers
 * or sends a 0-byte frame. On timeout SCardCancel is called (it wakes only
 * SCardGetStatusChange, but costs nothing) and the card is marked stuck: the worker and
 * the PC/SC context stay with the pending call (libpcsclite holds the context's lock
 * during it), later calls fail at once, and close abandons them to the worker, which
 * frees them if the call ever returns. */
#include "transport/rt_card_pcsc.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

#include "codec/rt_apdu.h"
#include "util/rt_hex.h"
#include "util/rt_log.h"
#include "util/rt_time.h"

/* How long a failed transmit waits for pcscd to tell whether the card went away: vpcd
 * checks presence about every 400 ms (design.md 5). */
#define RT_PCSC_REMOVAL_PROBE_MS 1200u
/* The reader list pcscd returns is bounded; more than this is not a real machine. */
#define RT_PCSC_READERS_MAX 64
/* Without a case deadline (tools, `rsptest lua`), a call still ends after this long:
 * no card takes a minute over one exchange. */
#define RT_PCSC_CALL_MS_DEFAULT 60000u
/* How often a waiting caller looks at the signal flag (the signal itself may land on
 * any thread that does not block it, so do not count on EINTR). */
#define RT_PCSC_POLL_MS 50

enum rt_pcsc_job_kind {
	RT_PCSC_JOB_NONE = 0,
	RT_PCSC_JOB_CONNECT,
	RT_PCSC_JOB_RECONNECT,
	RT_PCSC_JOB_TRANSMIT,
};

struct rt_pcsc {
	SCARDCONTEXT ctx;
	SCARDHANDLE handle;
	int have_ctx, have_handle;
	DWORD share;
	DWORD protocol; /* SCARD_PROTOCOL_T0 or _T1 */
	char reader[128];
	/* The worker and its one job slot, all under mu. */
	pthread_t thr;
	int have_thr, have_sync;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	enum rt_pcsc_job_kind job; /* posted and not finished; NONE when idle */
	int quit;                  /* close: the worker ends when idle */
	int abandoned;             /* close while a job is pending: the worker frees p */
	DWORD disposition;         /* RECONNECT */
	uint8_t capdu[RT_APDU_MAX];
	size_t clen;
	uint8_t rapdu[RT_RAPDU_MAX];
	DWORD rlen;
	LONG rv;
};

/* PC/SC result -> RT_E* and a cause people understand (PC/SC part 5, pcsclite.h). */
struct rt_pcsc_code {
	LONG rv;
	int code;
	const char *cause;
};

static const struct rt_pcsc_code rt_pcsc_codes[] = {
	{ (LONG)SCARD_E_NO_SERVICE, RT_EIO, "pcscd is not running (no service)" },
	{ (LONG)SCARD_E_SERVICE_STOPPED, RT_EIO, "pcscd stopped" },
	{ (LONG)SCARD_E_NO_READERS_AVAILABLE, RT_ENOENT, "no reader" },
	{ (LONG)SCARD_E_UNKNOWN_READER, RT_ENOENT, "reader unknown to pcscd" },
	{ (LONG)SCARD_E_READER_UNAVAILABLE, RT_EREMOVED, "reader went away" },
	{ (LONG)SCARD_W_REMOVED_CARD, RT_EREMOVED, "card removed" },
	{ (LONG)SCARD_E_NO_SMARTCARD, RT_EREMOVED, "no card in the reader" },
	{ (LONG)SCARD_W_RESET_CARD, RT_EIO, "card was reset by another application" },
	{ (LONG)SCARD_W_UNRESPONSIVE_CARD, RT_EIO, "card does not answer (mute)" },
	{ (LONG)SCARD_W_UNPOWERED_CARD, RT_EIO, "card is not powered" },
	{ (LONG)SCARD_E_SHARING_VIOLATION, RT_EIO, "card is in exclusive use by another application" },
	{ (LONG)SCARD_E_PROTO_MISMATCH, RT_ENOTSUP, "no common protocol (T=0/T=1)" },
	{ (LONG)SCARD_E_TIMEOUT, RT_ETIMEDOUT, "timed out" },
	{ (LONG)SCARD_E_INSUFFICIENT_BUFFER, RT_ENOMEM, "response larger than the buffer" },
	{ (LONG)SCARD_E_NOT_TRANSACTED, RT_EIO, "exchange with the card failed" },
	{ (LONG)SCARD_F_COMM_ERROR, RT_EIO, "communication with pcscd failed" },
	{ (LONG)SCARD_E_INVALID_HANDLE, RT_ESTATE, "invalid handle" },
};

static const struct rt_pcsc_code *rt_pcsc_lookup(LONG rv)
{
	size_t i;

	for (i = 0; i < sizeof(rt_pcsc_codes) / sizeof(rt_pcsc_codes[0]); i++)
		if (rt_pcsc_codes[i].rv == rv)
			return &rt_pcsc_codes[i];
	return NULL;
}

/* Records a PC/SC failure of call `what` in err; returns the RT_E* code. */
static int rt_pcsc_fail(struct rt_err *err, LONG rv, const char *reader, const char *what)
{
	const struct rt_pcsc_code *c = rt_pcsc_lookup(rv);

	return rt_err_set(err, c ? c->code : RT_EIO, "pcsc%s%s%s: %s: %s (%s, 0x%08lX)",
			  reader ? " \"" : "", reader ? reader : "", reader ? "\"" : "", what,
			  c ? c->cause : "PC/SC error", pcsc_stringify_error(rv),
			  (unsigned long)(DWORD)rv);
}

static uint64_t rt_pcsc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void rt_pcsc_release(struct rt_pcsc *p)
{
	if (p->have_handle)
		SCardDisconnect(p->handle, SCARD_LEAVE_CARD);
	if (p->have_ctx)
		SCardReleaseContext(p->ctx);
	if (p->have_sync) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
	free(p);
}

/* Runs one posted job with the lock released (the job's data is the worker's until it
 * clears p->job). */
static void rt_pcsc_do_job(struct rt_pcsc *p, enum rt_pcsc_job_kind job)
{
	const SCARD_IO_REQUEST *pci;
	DWORD proto = 0;

	switch (job) {
	case RT_PCSC_JOB_CONNECT:
		/* Offer both protocols: pcscd selects the card's first offered one (ISO
		 * 7816-3 6.3.1 default), which is what the card asked for. */
		p->rv = SCardConnect(p->ctx, p->reader, p->share,
				     SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &p->handle, &proto);
		if (p->rv == SCARD_S_SUCCESS) {
			p->have_handle = 1;
			p->protocol = proto;
		}
		break;
	case RT_PCSC_JOB_RECONNECT:
		p->rv = SCardReconnect(p->handle, p->share, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
				       p->disposition, &proto);
		break;
	case RT_PCSC_JOB_TRANSMIT:
		pci = p->protocol == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
		p->rlen = sizeof(p->rapdu);
		p->rv = SCardTransmit(p->handle, pci, p->capdu, (DWORD)p->clen, NULL, p->rapdu,
				      &p->rlen);
		break;
	case RT_PCSC_JOB_NONE:
		break;
	}
}

static void *rt_pcsc_worker(void *arg)
{
	struct rt_pcsc *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		enum rt_pcsc_job_kind job;

		while (p->job == RT_PCSC_JOB_NONE && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->job == RT_PCSC_JOB_NONE)
			break; /* quit */
		job = p->job;
		pthread_mutex_unlock(&p->mu);
		rt_pcsc_do_job(p, job);
		pthread_mutex_lock(&p->mu);
		p->job = RT_PCSC_JOB_NONE;
		pthread_cond_broadcast(&p->cv);
		if (p->abandoned) {
			/* Nobody waits any more: the call we were stuck in has returned, so
			 * the context is free to release. */
			pthread_mutex_unlock(&p->mu);
			rt_pcsc_release(p);
			return NULL;
		}
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Starts the worker with SIGINT/SIGTERM blocked, so that a signal reaches the main
 * thread and its handler, never a thread stuck in pcscd's socket. */
static int rt_pcsc_start_worker(struct rt_pcsc *p, struct rt_err *err)
{
	pthread_condattr_t ca;
	sigset_t block, old;
	int e;

	if (pthread_mutex_init(&p->mu, NULL) != 0)
		return rt_err_set(err, RT_ENOMEM, "pcsc: creating a mutex");
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	e = pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (e != 0) {
		pthread_mutex_destroy(&p->mu);
		return rt_err_set(err, RT_ENOMEM, "pcsc: creating a condition variable");
	}
	p->have_sync = 1;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	e = pthread_create(&p->thr, NULL, rt_pcsc_worker, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0)
		return rt_err_set(err, RT_ENOMEM, "pcsc: starting the card thread: %s", strerror(e));
	p->have_thr = 1;
	return 0;
}

/* "00A40400 10A0...(+n)" — the C-APDU for a message, shortened. */
static void rt_pcsc_capdu_str(const uint8_t *c, size_t n, char *out, size_t outsz)
{
	size_t show = n > 24 ? 24 : n;

	if (outsz < show * 2 + 16) {
		out[0] = '\0';
		return;
	}
	rt_hex_encode(c, show, out, outsz);
	if (show < n)
		snprintf(out + show * 2, outsz - show * 2, "...(%zu bytes)", n);
}

/* Posts job and waits until it is done, the bound's deadline (or deadline_ms when the
 * card has no bound) passes, or the bound's signal flag is set. A job still pending
 * from an earlier interrupted call is waited for first. On timeout the card is marked
 * stuck. Returns 0 when the job ran (its PC/SC result is in p->rv). */
static int rt_pcsc_call(struct rt_card *card, enum rt_pcsc_job_kind job, unsigned deadline_ms,
			const char *what, struct rt_err *err)
{
	struct rt_pcsc *p = card->ctx;
	const struct rt_card_bound *b = card->bound;
	double start = rt_time_s(), until = start + deadline_ms / 1000.0;
	int posted = 0, rc = 0;

	if (b && b->deadline > 0)
		until = b->deadline;
	pthread_mutex_lock(&p->mu);
	if (card->stuck[0] && p->job == RT_PCSC_JOB_NONE) {
		/* The call we gave up on has returned after all: the card is usable. */
		rt_log(RT_LOG_INFO, "pcsc \"%s\": the pending call finished; card usable again",
		       p->reader);
		card->stuck[0] = '\0';
	}
	if (card->stuck[0]) {
		rc = rt_err_set(err, RT_ETIMEDOUT, "%s", card->stuck);
		goto out;
	}
	for (;;) {
		struct timespec ts;
		double now = rt_time_s(), slice;

		if (p->job == RT_PCSC_JOB_NONE) {
			if (posted)
				break; /* our job is done */
			p->job = job;
			posted = 1;
			pthread_cond_broadcast(&p->cv);
			continue;
		}
		if (b && b->interrupted && *b->interrupted) {
			rc = rt_err_set(err, RT_EINTR, "pcsc \"%s\": interrupted by signal %d during %s",
					p->reader, (int)*b->interrupted, what);
			goto out; /* a posted job stays pending; the next call waits for it */
		}
		if (now >= until) {
			char c[80] = "";

			if (job == RT_PCSC_JOB_TRANSMIT && posted)
				rt_pcsc_capdu_str(p->capdu, p->clen, c, sizeof(c));
			snprintf(card->stuck, sizeof(card->stuck),
				 "pcsc \"%s\": card did not answer within %.0f ms (%s%s%s%s)",
				 p->reader, (now - start) * 1000.0,
				 posted ? what : "an earlier call still pending",
				 c[0] ? ", last C-APDU " : "", c, b && b->deadline > 0 ? ", case deadline" : "");
			rc = rt_err_set(err, RT_ETIMEDOUT, "%s", card->stuck);
			/* Wakes a pending SCardGetStatusChange only; SCardTransmit stays. */
			SCardCancel(p->ctx);
			goto out;
		}
		slice = until - now;
		if (slice > RT_PCSC_POLL_MS / 1000.0)
			slice = RT_PCSC_POLL_MS / 1000.0;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)(slice * 1e9);
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
out:
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* Case-insensitive substring test (no strcasestr: it is a GNU extension). */
static int rt_pcsc_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i, j;

	for (i = 0; hay[i]; i++) {
		for (j = 0; j < n && hay[i + j]; j++)
			if (tolower((unsigned char)hay[i + j]) != tolower((unsigned char)needle[j]))
				break;
		if (j == n)
			return 1;
	}
	return n == 0;
}

/* The reader list: a multi-string from SCardListReaders split into names. */
struct rt_pcsc_readers {
	char *buf; /* owned */
	const char *name[RT_PCSC_READERS_MAX];
	unsigned n;
};

static void rt_pcsc_readers_free(struct rt_pcsc_readers *r)
{
	free(r->buf);
	r->buf = NULL;
	r->n = 0;
}

static int rt_pcsc_readers_get(SCARDCONTEXT ctx, struct rt_pcsc_readers *r, struct rt_err *err)
{
	DWORD len = 0;
	LONG rv;
	char *p;

	r->buf = NULL;
	r->n = 0;
	rv = SCardListReaders(ctx, NULL, NULL, &len);
	if (rv == (LONG)SCARD_E_NO_READERS_AVAILABLE)
		return 0;
	if (rv != SCARD_S_SUCCESS)
		return rt_pcsc_fail(err, rv, NULL, "listing readers");
	/* PC/SC multi-strings end with an empty string; keep two NULs whatever happens. */
	r->buf = calloc(1, (size_t)len + 2);
	if (!r->buf)
		return rt_err_set(err, RT_ENOMEM, "pcsc: allocating the reader list");
	rv = SCardListReaders(ctx, NULL, r->buf, &len);
	if (rv == (LONG)SCARD_E_NO_READERS_AVAILABLE)
		return 0;
	if (rv != SCARD_S_SUCCESS) {
		rt_pcsc_readers_free(r);
		return rt_pcsc_fail(err, rv, NULL, "listing readers");
	}
	for (p = r->buf; *p && r->n < RT_PCSC_READERS_MAX; p += strlen(p) + 1)
		r->name[r->n++] = p;
	return 0;
}

/* Renders the reader names for an error message ("[A, B]"). */
static void rt_pcsc_readers_str(const struct rt_pcsc_readers *r, char *out, size_t outsz)
{
	size_t used = 0;
	unsigned i;

	used += (size_t)snprintf(out, outsz, "[");
	for (i = 0; i < r->n && used < outsz; i++)
		used += (size_t)snprintf(out + used, outsz - used, "%s\"%s\"", i ? ", " : "",
					 r->name[i]);
	if (used < outsz)
		snprintf(out + used, outsz - used, "]");
}

static int rt_pcsc_establish(SCARDCONTEXT *ctx, struct rt_err *err)
{
	LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, ctx);

	if (rv != SCARD_S_SUCCESS)
		return rt_pcsc_fail(err, rv, NULL, "connecting to pcscd");
	return 0;
}

/* Waits until one of the readers in st[0..n) holds a responsive card, at most wait_ms.
 * *which receives its index. */
static int rt_pcsc_wait_card(SCARDCONTEXT ctx, SCARD_READERSTATE *st, unsigned n,
			     unsigned wait_ms, const struct rt_card_bound *b, unsigned *which,
			     struct rt_err *err)
{
	uint64_t deadline = rt_pcsc_now_ms() + wait_ms;
	DWORD timeout = 0; /* first round: the current state, without waiting */
	unsigned i;
	LONG rv;

	for (i = 0; i < n; i++)
		st[i].dwCurrentState = SCARD_STATE_UNAWARE;
	for (;;) {
		uint64_t now;

		rv = SCardGetStatusChange(ctx, timeout, st, n);
		if (rv != SCARD_S_SUCCESS && rv != (LONG)SCARD_E_TIMEOUT)
			return rt_pcsc_fail(err, rv, n == 1 ? st[0].szReader : NULL,
					    "waiting for a card");
		for (i = 0; i < n; i++) {
			DWORD s = st[i].dwEventState;

			if ((s & SCARD_STATE_PRESENT) && !(s & SCARD_STATE_MUTE)) {
				*which = i;
				return 0;
			}
			st[i].dwCurrentState = s & ~(DWORD)SCARD_STATE_CHANGED;
		}
		if (b && b->interrupted && *b->interrupted)
			return rt_err_set(err, RT_EINTR,
					  "pcsc: interrupted by signal %d while waiting for a card",
					  (int)*b->interrupted);
		now = rt_pcsc_now_ms();
		if (now >= deadline)
			break;
		/* Short rounds, so that a signal is seen soon (the signal lands in
		 * libpcsclite's poll, which just restarts). */
		timeout = (DWORD)(deadline - now > 200u ? 200u : deadline - now);
	}
	if (n == 1)
		return rt_err_set(err, RT_ETIMEDOUT, "pcsc \"%s\": no card within %u ms",
				  st[0].szReader, wait_ms);
	return rt_err_set(err, RT_ETIMEDOUT, "pcsc: no card in any of %u readers within %u ms", n,
			  wait_ms);
}

static int rt_pcsc_read_atr(struct rt_card *card, struct rt_pcsc *p, struct rt_err *err)
{
	BYTE atr[MAX_ATR_SIZE];
	DWORD atr_len = sizeof(atr), state = 0, proto = 0, rlen = 0;
	LONG rv;

	rv = SCardStatus(p->handle, NULL, &rlen, &state, &proto, atr, &atr_len);
	if (rv != SCARD_S_SUCCESS)
		return rt_pcsc_fail(err, rv, p->reader, "reading the ATR");
	if (atr_len > sizeof(card->atr))
		return rt_err_set(err, RT_EPROTO, "pcsc \"%s\": ATR of %lu bytes", p->reader,
				  (unsigned long)atr_len);
	memcpy(card->atr, atr, atr_len);
	card->atr_len = atr_len;
	p->protocol = proto;
	return 0;
}

static int rt_pcsc_reset(struct rt_card *card, int cold, struct rt_err *err)
{
	struct rt_pcsc *p = card->ctx;
	const char *what = cold ? "cold reset" : "warm reset";
	int rc;

	/* PC/SC part 5 SCardReconnect: SCARD_UNPOWER_CARD = cold reset (power cycle),
	 * SCARD_RESET_CARD = warm reset; the handle stays ours throughout. */
	p->disposition = cold ? SCARD_UNPOWER_CARD : SCARD_RESET_CARD;
	rc = rt_pcsc_call(card, RT_PCSC_JOB_RECONNECT, RT_PCSC_CALL_MS_DEFAULT, what, err);
	if (rc)
		return rc;
	if (p->rv != SCARD_S_SUCCESS)
		return rt_pcsc_fail(err, p->rv, p->reader, what);
	return rt_pcsc_read_atr(card, p, err);
}

/* After a failed transmit: did the card go away? vpcd reports a vanished software card
 * at its next presence poll, so wait for a state change briefly instead of guessing. */
static int rt_pcsc_card_gone(struct rt_pcsc *p, const struct rt_card_bound *b)
{
	SCARD_READERSTATE st;
	DWORD wait = RT_PCSC_REMOVAL_PROBE_MS;
	LONG rv;

	/* The probe too ends by the case deadline, and not at all after a signal. */
	if (b && b->interrupted && *b->interrupted)
		return 0;
	if (b && b->deadline > 0) {
		double left = (b->deadline - rt_time_s()) * 1000.0;

		wait = left <= 0 ? 0 : left < wait ? (DWORD)left : wait;
	}

	memset(&st, 0, sizeof(st));
	st.szReader = p->reader;
	st.dwCurrentState = SCARD_STATE_PRESENT;
	rv = SCardGetStatusChange(p->ctx, wait, &st, 1);
	if (rv != SCARD_S_SUCCESS)
		return rv != (LONG)SCARD_E_TIMEOUT;
	return (st.dwEventState & (SCARD_STATE_EMPTY | SCARD_STATE_UNAVAILABLE |
				   SCARD_STATE_UNKNOWN)) != 0;
}

static int rt_pcsc_transmit(struct rt_card *card, const uint8_t *capdu, size_t clen,
			    uint8_t *rapdu, size_t *rlen, struct rt_err *err)
{
	struct rt_pcsc *p = card->ctx;
	LONG rv;
	int rc;

	if (clen > RT_APDU_MAX)
		return rt_err_set(err, RT_ERANGE, "pcsc: C-APDU of %zu bytes above %d", clen,
				  RT_APDU_MAX);
	/* The worker owns copies of both buffers, so a call given up on never writes
	 * into the caller's memory later. capdu/clen are set under no lock: the slot is
	 * the worker's only while p->job is set, and rt_pcsc_call posts only when idle,
	 * so wait for that first by refusing a stuck card. */
	pthread_mutex_lock(&p->mu);
	if (p->job != RT_PCSC_JOB_NONE) {
		pthread_mutex_unlock(&p->mu);
		/* An interrupted exchange is still in flight: wait for it (bounded) with a
		 * job that does nothing new. */
		rc = rt_pcsc_call(card, RT_PCSC_JOB_NONE, RT_PCSC_CALL_MS_DEFAULT,
				  "an earlier exchange", err);
		if (rc)
			return rc;
		pthread_mutex_lock(&p->mu);
	}
	memcpy(p->capdu, capdu, clen);
	p->clen = clen;
	pthread_mutex_unlock(&p->mu);
	rc = rt_pcsc_call(card, RT_PCSC_JOB_TRANSMIT, RT_PCSC_CALL_MS_DEFAULT, "an exchange", err);
	if (rc)
		return rc;
	rv = p->rv;
	if (rv == SCARD_S_SUCCESS) {
		/* vpcd answers an exchange whose card went away mid-way (its socket closed)
		 * with an empty response and success: with no status word (ISO 7816-4 5.1
		 * needs SW1 SW2), ask pcscd whether the card is still there. */
		if (p->rlen < 2 && rt_pcsc_card_gone(p, card->bound))
			return rt_err_set(err, RT_EREMOVED,
					  "pcsc \"%s\": card removed during an exchange (empty response)",
					  p->reader);
		if (p->rlen > *rlen)
			return rt_err_set(err, RT_ENOMEM, "pcsc \"%s\": R-APDU of %lu bytes above %zu",
					  p->reader, (unsigned long)p->rlen, *rlen);
		memcpy(rapdu, p->rapdu, p->rlen);
		*rlen = p->rlen;
		return 0;
	}
	/* A software card killed mid-exchange shows up first as a failed exchange; tell
	 * "removed" apart from other I/O trouble so the verdict names it. */
	if ((rv == (LONG)SCARD_E_NOT_TRANSACTED || rv == (LONG)SCARD_F_COMM_ERROR ||
	     rv == (LONG)SCARD_W_UNRESPONSIVE_CARD) &&
	    rt_pcsc_card_gone(p, card->bound))
		return rt_err_set(err, RT_EREMOVED, "pcsc \"%s\": card removed during an exchange (%s)",
				  p->reader, pcsc_stringify_error(rv));
	return rt_pcsc_fail(err, rv, p->reader, "transmit");
}

static void rt_pcsc_close(struct rt_card *card)
{
	struct rt_pcsc *p = card->ctx;

	if (!p)
		return;
	card->ctx = NULL;
	if (!p->have_thr) {
		rt_pcsc_release(p);
		return;
	}
	pthread_mutex_lock(&p->mu);
	if (p->job != RT_PCSC_JOB_NONE) {
		/* Stuck in pcscd: SCardDisconnect would wait for the context's lock for
		 * good. Leave everything to the worker, which frees it if the call returns
		 * (or the process ends). */
		p->abandoned = 1;
		pthread_mutex_unlock(&p->mu);
		pthread_detach(p->thr);
		rt_log(RT_LOG_INFO, "pcsc \"%s\": closed with a call still pending in pcscd",
		       p->reader);
		return;
	}
	p->quit = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thr, NULL);
	rt_pcsc_release(p);
}

static const struct rt_card_ops rt_pcsc_ops = {
	.name = "pcsc",
	.reset = rt_pcsc_reset,
	.transmit = rt_pcsc_transmit,
	.close = rt_pcsc_close,
};

/* Picks the candidate readers: by name, by index, or all (index -1). */
static int rt_pcsc_pick(const struct rt_pcsc_readers *r, const char *match, int index,
			SCARD_READERSTATE *st, unsigned *n, struct rt_err *err)
{
	char list[1024];
	unsigned i;

	*n = 0;
	if (r->n == 0)
		return rt_err_set(err, RT_ENOENT, "pcsc: no reader (pcscd runs but lists none)");
	memset(st, 0, sizeof(*st) * RT_PCSC_READERS_MAX);
	if (match && *match) {
		for (i = 0; i < r->n; i++)
			if (rt_pcsc_contains(r->name[i], match)) {
				st[0].szReader = r->name[i];
				*n = 1;
				return 0;
			}
		rt_pcsc_readers_str(r, list, sizeof(list));
		return rt_err_set(err, RT_ENOENT, "pcsc: reader \"%s\" not found among %s", match,
				  list);
	}
	if (index >= 0) {
		if ((unsigned)index >= r->n) {
			rt_pcsc_readers_str(r, list, sizeof(list));
			return rt_err_set(err, RT_ENOENT, "pcsc: no reader #%d among %s", index,
					  list);
		}
		st[0].szReader = r->name[index];
		*n = 1;
		return 0;
	}
	for (i = 0; i < r->n; i++)
		st[i].szReader = r->name[i];
	*n = r->n;
	return 0;
}

int rt_card_pcsc_open_opts(const char *reader_match, int reader_index,
			   const struct rt_card_pcsc_opts *opts, struct rt_card **out,
			   struct rt_err *err)
{
	static const struct rt_card_pcsc_opts defaults = { RT_CARD_PCSC_WAIT_MS_DEFAULT, 0, NULL };
	struct rt_pcsc_readers readers = { 0 };
	SCARD_READERSTATE *st = NULL;
	struct rt_card *card = NULL;
	struct rt_pcsc *p;
	unsigned n = 0, which = 0, wait_ms;
	int rc;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	wait_ms = opts->wait_ms;
	if (opts->bound && opts->bound->deadline > 0) {
		/* The case deadline caps the wait for a card too. */
		double left = (opts->bound->deadline - rt_time_s()) * 1000.0;

		wait_ms = left <= 0 ? 0 : left < wait_ms ? (unsigned)left : wait_ms;
	}
	card = calloc(1, sizeof(*card));
	p = calloc(1, sizeof(*p));
	st = calloc(RT_PCSC_READERS_MAX, sizeof(*st));
	if (!card || !p || !st) {
		free(p);
		rc = rt_err_set(err, RT_ENOMEM, "pcsc: allocating the card");
		goto out;
	}
	card->ctx = p;
	card->ops = &rt_pcsc_ops;
	card->bound = opts->bound;
	p->share = opts->exclusive ? SCARD_SHARE_EXCLUSIVE : SCARD_SHARE_SHARED;
	rc = rt_pcsc_establish(&p->ctx, err);
	if (rc)
		goto out;
	p->have_ctx = 1;
	rc = rt_pcsc_readers_get(p->ctx, &readers, err);
	if (rc)
		goto out;
	rc = rt_pcsc_pick(&readers, reader_match, reader_index, st, &n, err);
	if (rc)
		goto out;
	rc = rt_pcsc_wait_card(p->ctx, st, n, wait_ms, opts->bound, &which, err);
	if (rc)
		goto out;
	snprintf(p->reader, sizeof(p->reader), "%s", st[which].szReader);
	snprintf(card->name, sizeof(card->name), "%s", p->reader);
	rc = rt_pcsc_start_worker(p, err);
	if (rc)
		goto out;
	/* pcscd talks to the card to connect (power on, ATR): a card that stalls there
	 * must not hang us either. */
	rc = rt_pcsc_call(card, RT_PCSC_JOB_CONNECT, wait_ms + RT_CARD_PCSC_WAIT_MS_DEFAULT,
			  "connecting", err);
	if (rc)
		goto out;
	if (p->rv != SCARD_S_SUCCESS) {
		rc = rt_pcsc_fail(err, p->rv, p->reader, "connecting to the card");
		goto out;
	}
	rc = rt_pcsc_read_atr(card, p, err);
	if (rc)
		goto out;
	rt_log(RT_LOG_INFO, "pcsc: connected to \"%s\" (T=%d)", p->reader,
	       p->protocol == SCARD_PROTOCOL_T1 ? 1 : 0);
	*out = card;
	card = NULL;
out:
	free(st);
	rt_pcsc_readers_free(&readers);
	rt_card_close(card);
	return rc;
}

int rt_card_pcsc_open(const char *reader_match, int reader_index, struct rt_card **out,
		      struct rt_err *err)
{
	return rt_card_pcsc_open_opts(reader_match, reader_index, NULL, out, err);
}

int rt_card_pcsc_list(rt_card_pcsc_list_fn fn, void *ud, unsigned *count, struct rt_err *err)
{
	struct rt_pcsc_readers readers = { 0 };
	SCARD_READERSTATE *st = NULL;
	SCARDCONTEXT ctx;
	unsigned i;
	LONG rv;
	int rc;

	*count = 0;
	rc = rt_pcsc_establish(&ctx, err);
	if (rc)
		return rc;
	rc = rt_pcsc_readers_get(ctx, &readers, err);
	if (rc || readers.n == 0)
		goto out;
	st = calloc(readers.n, sizeof(*st));
	if (!st) {
		rc = rt_err_set(err, RT_ENOMEM, "pcsc: allocating reader states");
		goto out;
	}
	for (i = 0; i < readers.n; i++) {
		st[i].szReader = readers.name[i];
		st[i].dwCurrentState = SCARD_STATE_UNAWARE;
	}
	rv = SCardGetStatusChange(ctx, 0, st, readers.n);
	if (rv != SCARD_S_SUCCESS && rv != (LONG)SCARD_E_TIMEOUT) {
		rc = rt_pcsc_fail(err, rv, NULL, "reading reader states");
		goto out;
	}
	for (i = 0; i < readers.n; i++) {
		int present = (st[i].dwEventState & SCARD_STATE_PRESENT) != 0;
		size_t alen = present && st[i].cbAtr <= MAX_ATR_SIZE ? st[i].cbAtr : 0;

		if (fn)
			fn(ud, i, readers.name[i], present, alen ? st[i].rgbAtr : NULL, alen);
	}
	*count = readers.n;
out:
	free(st);
	rt_pcsc_readers_free(&readers);
	SCardReleaseContext(ctx);
	return rc;
}
