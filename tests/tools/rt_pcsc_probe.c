/* SPDX-License-Identifier: Apache-2.0 */
/* rt_pcsc_probe — a small PC/SC client for tests and diagnostics.
 *
 * Two ways to reach the card, so that tests can compare them:
 *   bare (default): PCSC-lite's SCard* calls directly, nothing of rsptest's transport —
 *        an independent oracle for what pcscd and the card really answer;
 *   --rt: rsptest's pcsc backend (transport/rt_card_pcsc) with rt_card_exchange, i.e.
 *        what the engine uses (61xx/6Cxx handled, removal reported as EREMOVED).
 *
 *   rt_pcsc_probe [--rt] [--reader SUBSTR] [--wait-ms N] [-v] COMMAND
 *     list                 one line per reader: "<index> <present 0|1> <ATR|-> <name>"
 *     atr                  "ATR <hex>"
 *     send HEX [HEX...]    one line per C-APDU: the R-APDU in hex
 *     poll HEX MS COUNT    sends HEX every MS ms, COUNT times at most, until an
 *                          exchange fails; prints "error <NAME> <message>"
 *     wait STATE           waits (at most --wait-ms) until pcscd reports STATE for
 *                          the reader: "present" (a card), "absent" (no card) or
 *                          "reader" (the reader exists); prints "state STATE" or
 *                          "error ETIMEDOUT ...". Tests wait on these events, never
 *                          on fixed delays (SCardGetStatusChange, no sleeps).
 *
 * Exit status: 0 fine, 1 error, 2 usage, 3 the card was removed (EREMOVED). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

#include "transport/rt_card.h"
#include "transport/rt_card_pcsc.h"
#include "util/rt_err.h"
#include "util/rt_hex.h"
#include "util/rt_log.h"

#define PROBE_EXIT_REMOVED 3

struct probe {
	int rt;
	const char *reader;
	unsigned wait_ms;
	int verbose;
	/* bare */
	SCARDCONTEXT ctx;
	SCARDHANDLE h;
	DWORD proto;
	int have_ctx, have_h;
	/* rt */
	struct rt_card *card;
	uint8_t atr[RT_ATR_MAX];
	size_t atr_len;
};

static void probe_print_hex(const char *prefix, const uint8_t *b, size_t n)
{
	char hex[2 * RT_RAPDU_MAX + 1];

	if (rt_hex_encode(b, n, hex, sizeof(hex)) != 0)
		hex[0] = '\0';
	printf("%s%s\n", prefix, hex);
	fflush(stdout);
}

static void probe_observer(void *ctx, enum rt_card_event ev, const uint8_t *in, size_t inlen,
			   const uint8_t *out, size_t outlen, int rc, uint64_t usec)
{
	char a[2 * 300 + 1] = "", b[2 * 300 + 1] = "";

	(void)ctx;
	if (in && inlen <= 300)
		rt_hex_encode(in, inlen, a, sizeof(a));
	if (out && outlen <= 300)
		rt_hex_encode(out, outlen, b, sizeof(b));
	fprintf(stderr, "probe: %s %s -> %s rc=%d %lluus\n", ev == RT_CARD_EV_RESET ? "reset" : "apdu",
		a, b, rc, (unsigned long long)usec);
}

/* --- bare PC/SC ---------------------------------------------------------------------- */

static int bare_err(LONG rv, const char *what)
{
	printf("error %s %s: %s\n",
	       rv == (LONG)SCARD_W_REMOVED_CARD || rv == (LONG)SCARD_E_NO_SMARTCARD ? "EREMOVED" : "EIO",
	       what, pcsc_stringify_error(rv));
	fflush(stdout);
	return rv == (LONG)SCARD_W_REMOVED_CARD || rv == (LONG)SCARD_E_NO_SMARTCARD ? PROBE_EXIT_REMOVED
										      : 1;
}

static int bare_list(struct probe *p)
{
	char *buf = NULL, *r;
	DWORD len = 0;
	unsigned i = 0;
	LONG rv;

	rv = SCardListReaders(p->ctx, NULL, NULL, &len);
	if (rv == (LONG)SCARD_E_NO_READERS_AVAILABLE)
		return 0;
	if (rv != SCARD_S_SUCCESS)
		return bare_err(rv, "SCardListReaders");
	buf = calloc(1, (size_t)len + 2);
	if (!buf)
		return 1;
	rv = SCardListReaders(p->ctx, NULL, buf, &len);
	if (rv != SCARD_S_SUCCESS) {
		free(buf);
		return bare_err(rv, "SCardListReaders");
	}
	for (r = buf; *r; r += strlen(r) + 1, i++) {
		SCARD_READERSTATE st;
		char hex[2 * MAX_ATR_SIZE + 1] = "-";

		memset(&st, 0, sizeof(st));
		st.szReader = r;
		st.dwCurrentState = SCARD_STATE_UNAWARE;
		SCardGetStatusChange(p->ctx, 0, &st, 1);
		if ((st.dwEventState & SCARD_STATE_PRESENT) && st.cbAtr <= MAX_ATR_SIZE)
			rt_hex_encode(st.rgbAtr, st.cbAtr, hex, sizeof(hex));
		printf("%u %d %s %s\n", i, (st.dwEventState & SCARD_STATE_PRESENT) ? 1 : 0, hex, r);
	}
	free(buf);
	return 0;
}

static int bare_connect(struct probe *p)
{
	char *buf = NULL, *r, *name = NULL;
	SCARD_READERSTATE st;
	DWORD len = 0, alen, rlen = 0, state;
	BYTE atr[MAX_ATR_SIZE];
	LONG rv;
	int rc = 1;

	rv = SCardListReaders(p->ctx, NULL, NULL, &len);
	if (rv != SCARD_S_SUCCESS)
		return bare_err(rv, "SCardListReaders");
	buf = calloc(1, (size_t)len + 2);
	if (!buf)
		return 1;
	rv = SCardListReaders(p->ctx, NULL, buf, &len);
	if (rv != SCARD_S_SUCCESS) {
		rc = bare_err(rv, "SCardListReaders");
		goto out;
	}
	for (r = buf; *r; r += strlen(r) + 1)
		if (!p->reader || strstr(r, p->reader)) {
			name = r;
			break;
		}
	if (!name) {
		printf("error ENOENT no reader matching \"%s\"\n", p->reader ? p->reader : "");
		goto out;
	}
	/* Wait for the card the PC/SC way: a bounded SCardGetStatusChange, no sleeps. */
	memset(&st, 0, sizeof(st));
	st.szReader = name;
	st.dwCurrentState = SCARD_STATE_UNAWARE;
	rv = SCardGetStatusChange(p->ctx, 0, &st, 1);
	if (rv == SCARD_S_SUCCESS && !(st.dwEventState & SCARD_STATE_PRESENT)) {
		st.dwCurrentState = st.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
		rv = SCardGetStatusChange(p->ctx, p->wait_ms, &st, 1);
	}
	if (rv != SCARD_S_SUCCESS || !(st.dwEventState & SCARD_STATE_PRESENT)) {
		printf("error ETIMEDOUT no card in \"%s\" within %u ms\n", name, p->wait_ms);
		goto out;
	}
	rv = SCardConnect(p->ctx, name, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
			  &p->h, &p->proto);
	if (rv != SCARD_S_SUCCESS) {
		rc = bare_err(rv, "SCardConnect");
		goto out;
	}
	p->have_h = 1;
	alen = sizeof(atr);
	rv = SCardStatus(p->h, NULL, &rlen, &state, &p->proto, atr, &alen);
	if (rv != SCARD_S_SUCCESS) {
		rc = bare_err(rv, "SCardStatus");
		goto out;
	}
	memcpy(p->atr, atr, alen);
	p->atr_len = alen;
	rc = 0;
out:
	free(buf);
	return rc;
}

static int bare_send(struct probe *p, const uint8_t *c, size_t clen, uint8_t *r, size_t *rlen)
{
	DWORD out = (DWORD)*rlen;
	LONG rv = SCardTransmit(p->h, p->proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0, c,
				(DWORD)clen, NULL, r, &out);

	if (rv != SCARD_S_SUCCESS)
		return bare_err(rv, "SCardTransmit");
	*rlen = out;
	return 0;
}

static int probe_usage(void);

/* wait STATE: SCardGetStatusChange until the reader (first one matching --reader) is in
 * STATE, within p->wait_ms overall. Before the reader exists, the PnP pseudo-reader
 * tells when the reader list changes. */
static int probe_state_reached(const char *state, DWORD ev)
{
	if (!strcmp(state, "present"))
		return (ev & SCARD_STATE_PRESENT) != 0;
	if (!strcmp(state, "absent"))
		return (ev & SCARD_STATE_EMPTY) != 0;
	return 1; /* "reader": it exists */
}

static int probe_find_reader(struct probe *p, char *name, size_t cap)
{
	char *buf = NULL, *r;
	DWORD len = 0;
	LONG rv;
	int found = 0;

	rv = SCardListReaders(p->ctx, NULL, NULL, &len);
	if (rv != SCARD_S_SUCCESS)
		return 0;
	buf = calloc(1, (size_t)len + 2);
	if (!buf)
		return 0;
	rv = SCardListReaders(p->ctx, NULL, buf, &len);
	if (rv == SCARD_S_SUCCESS)
		for (r = buf; *r; r += strlen(r) + 1)
			if ((!p->reader || strstr(r, p->reader)) && strlen(r) < cap) {
				memcpy(name, r, strlen(r) + 1);
				found = 1;
				break;
			}
	free(buf);
	return found;
}

static uint64_t probe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int probe_wait(struct probe *p, const char *state)
{
	char name[MAX_READERNAME + 1];
	SCARD_READERSTATE st;
	uint64_t deadline = probe_now_ms() + p->wait_ms;
	LONG rv;

	if (strcmp(state, "present") && strcmp(state, "absent") && strcmp(state, "reader"))
		return probe_usage();
	/* the reader first: wait for changes of the reader list */
	while (!probe_find_reader(p, name, sizeof(name))) {
		uint64_t now = probe_now_ms();

		if (now >= deadline)
			goto timeout;
		memset(&st, 0, sizeof(st));
		st.szReader = "\\\\?PnP?\\Notification";
		st.dwCurrentState = SCARD_STATE_UNAWARE;
		rv = SCardGetStatusChange(p->ctx, 0, &st, 1);
		if (rv != SCARD_S_SUCCESS)
			return bare_err(rv, "SCardGetStatusChange");
		st.dwCurrentState = st.dwEventState;
		rv = SCardGetStatusChange(p->ctx, (DWORD)(deadline - now), &st, 1);
		if (rv != SCARD_S_SUCCESS && rv != (LONG)SCARD_E_TIMEOUT)
			return bare_err(rv, "SCardGetStatusChange");
	}
	memset(&st, 0, sizeof(st));
	st.szReader = name;
	st.dwCurrentState = SCARD_STATE_UNAWARE;
	for (;;) {
		uint64_t now = probe_now_ms();

		rv = SCardGetStatusChange(p->ctx, st.dwCurrentState == SCARD_STATE_UNAWARE ? 0 :
						  (DWORD)(deadline > now ? deadline - now : 0),
					  &st, 1);
		if (rv == (LONG)SCARD_E_TIMEOUT)
			goto timeout;
		if (rv != SCARD_S_SUCCESS)
			return bare_err(rv, "SCardGetStatusChange");
		if (probe_state_reached(state, st.dwEventState)) {
			printf("state %s\n", state);
			fflush(stdout);
			return 0;
		}
		if (probe_now_ms() >= deadline)
			goto timeout;
		st.dwCurrentState = st.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
	}
timeout:
	printf("error ETIMEDOUT reader%s%s not %s within %u ms\n", p->reader ? " " : "",
	       p->reader ? p->reader : "", state, p->wait_ms);
	fflush(stdout);
	return 1;
}

/* --- rsptest transport --------------------------------------------------------------- */

static int rt_fail(const struct rt_err *err)
{
	printf("error %s %s\n", rt_err_name(err->code), err->msg);
	fflush(stdout);
	return err->code == RT_EREMOVED ? PROBE_EXIT_REMOVED : 1;
}

static int rt_connect(struct probe *p)
{
	struct rt_card_pcsc_opts o = { p->wait_ms, 0, NULL };
	struct rt_err err = { 0, "" };

	if (rt_card_pcsc_open_opts(p->reader, -1, &o, &p->card, &err))
		return rt_fail(&err);
	if (p->verbose) {
		p->card->observer = probe_observer;
		p->card->obs_ctx = p;
	}
	memcpy(p->atr, p->card->atr, p->card->atr_len);
	p->atr_len = p->card->atr_len;
	return 0;
}

static int rt_send(struct probe *p, const uint8_t *c, size_t clen, uint8_t *r, size_t *rlen)
{
	struct rt_err err = { 0, "" };

	if (rt_card_exchange(p->card, c, clen, r, rlen, &err))
		return rt_fail(&err);
	return 0;
}

/* --- commands ------------------------------------------------------------------------ */

static int probe_send_hex(struct probe *p, const char *hex, int print)
{
	static uint8_t c[RT_APDU_MAX], r[RT_RAPDU_MAX];
	struct rt_err err = { 0, "" };
	size_t clen = 0, rlen = sizeof(r);
	int rc;

	if (rt_hex_decode(hex, strlen(hex), c, sizeof(c), &clen, &err)) {
		fprintf(stderr, "rt_pcsc_probe: %s\n", err.msg);
		return 2;
	}
	rc = p->rt ? rt_send(p, c, clen, r, &rlen) : bare_send(p, c, clen, r, &rlen);
	if (rc == 0 && print)
		probe_print_hex("", r, rlen);
	return rc;
}

static void probe_list_cb(void *ud, unsigned index, const char *reader, int present,
			  const uint8_t *atr, size_t atr_len)
{
	char hex[2 * RT_ATR_MAX + 1] = "-";

	(void)ud;
	if (atr)
		rt_hex_encode(atr, atr_len, hex, sizeof(hex));
	printf("%u %d %s %s\n", index, present, hex, reader);
}

static int probe_usage(void)
{
	fprintf(stderr, "usage: rt_pcsc_probe [--rt] [--reader SUBSTR] [--wait-ms N] [-v] "
			"list | atr | send HEX... | poll HEX MS COUNT | wait present|absent|reader\n");
	return 2;
}

static int probe_uint(const char *s, unsigned *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 100000000ul)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int main(int argc, char **argv)
{
	struct probe p;
	struct rt_err err = { 0, "" };
	int i, rc = 1;
	LONG rv;

	memset(&p, 0, sizeof(p));
	p.wait_ms = 5000;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--rt"))
			p.rt = 1;
		else if (!strcmp(argv[i], "-v"))
			p.verbose = 1;
		else if (!strcmp(argv[i], "--reader") && i + 1 < argc)
			p.reader = argv[++i];
		else if (!strcmp(argv[i], "--wait-ms") && i + 1 < argc) {
			if (probe_uint(argv[++i], &p.wait_ms))
				return probe_usage();
		} else
			return probe_usage();
	}
	if (i >= argc)
		return probe_usage();
	if (p.verbose)
		rt_log_set_level(RT_LOG_DEBUG);

	if (!strcmp(argv[i], "list")) {
		unsigned n = 0;

		if (p.rt) {
			if (rt_card_pcsc_list(probe_list_cb, NULL, &n, &err))
				return rt_fail(&err);
			return 0;
		}
		rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p.ctx);
		if (rv != SCARD_S_SUCCESS)
			return bare_err(rv, "SCardEstablishContext");
		rc = bare_list(&p);
		SCardReleaseContext(p.ctx);
		return rc;
	}

	if (!strcmp(argv[i], "wait")) {
		if (p.rt || i + 2 != argc)
			return probe_usage();
		rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p.ctx);
		if (rv != SCARD_S_SUCCESS)
			return bare_err(rv, "SCardEstablishContext");
		rc = probe_wait(&p, argv[i + 1]);
		SCardReleaseContext(p.ctx);
		return rc;
	}

	if (!p.rt) {
		rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p.ctx);
		if (rv != SCARD_S_SUCCESS)
			return bare_err(rv, "SCardEstablishContext");
		p.have_ctx = 1;
	}
	rc = p.rt ? rt_connect(&p) : bare_connect(&p);
	if (rc)
		goto out;

	if (!strcmp(argv[i], "atr") && i + 1 == argc) {
		probe_print_hex("ATR ", p.atr, p.atr_len);
	} else if (!strcmp(argv[i], "send") && i + 1 < argc) {
		for (i++; i < argc && rc == 0; i++)
			rc = probe_send_hex(&p, argv[i], 1);
	} else if (!strcmp(argv[i], "poll") && i + 4 == argc) {
		unsigned ms, count, k;

		if (probe_uint(argv[i + 2], &ms) || probe_uint(argv[i + 3], &count)) {
			rc = probe_usage();
			goto out;
		}
		printf("polling\n");
		fflush(stdout);
		for (k = 0; k < count && rc == 0; k++) {
			rc = probe_send_hex(&p, argv[i + 1], 0);
			if (rc == 0)
				poll(NULL, 0, (int)ms); /* pacing between test exchanges */
		}
		if (rc == 0)
			printf("no error after %u exchanges\n", count);
	} else {
		rc = probe_usage();
	}
out:
	rt_card_close(p.card);
	if (p.have_h)
		SCardDisconnect(p.h, SCARD_LEAVE_CARD);
	if (p.have_ctx)
		SCardReleaseContext(p.ctx);
	return rc;
}
