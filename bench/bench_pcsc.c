/* SPDX-License-Identifier: Apache-2.0 */
/* bench_pcsc — per-APDU cost of rsptest's PC/SC transport against a bare PC/SC client.
 *
 * Against the same card (normally rsptest's software eUICC behind vpcd, started by
 * bench/run-pcsc-bench.sh inside the pcscd sandbox), runs the same APDU sequence
 * (SELECT ISD-R with FCI, SELECT ECASD without, GET DATA EID) through:
 *   bare    SCardTransmit directly on a handle of its own;
 *   rsptest rt_card_pcsc + rt_card_exchange, with an observer that records every
 *           exchange into a bounded buffer as the engine's trace does.
 * Blocks of iterations alternate between the two in ABBA order so that drift (CPU
 * frequency, pcscd warm-up) hits both equally; the report gives per-APDU means and
 * medians over blocks and rsptest's overhead in percent (goal: <= 5 %).
 *
 *   bench_pcsc [--reader SUBSTR] [-n ITERATIONS] [--block B] [--wait-ms MS] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

#include "transport/rt_card.h"
#include "transport/rt_card_pcsc.h"
#include "util/rt_buf.h"
#include "util/rt_err.h"
#include "util/rt_hex.h"

/* The sequence one iteration sends; each answer must end 9000. */
static const char *const bench_apdus_hex[] = {
	"00A4040010A0000005591010FFFFFFFF890000010000", /* SELECT ISD-R, FCI */
	"00A4040C10A0000005591010FFFFFFFF8900000200",   /* SELECT ECASD, no FCI */
	"80CA005A00",                                   /* GET DATA EID */
};
#define BENCH_NAPDU (sizeof(bench_apdus_hex) / sizeof(bench_apdus_hex[0]))
#define BENCH_TRACE_MAX (1u << 20)

struct bench_apdu {
	uint8_t b[64];
	size_t n;
};

struct bench {
	struct bench_apdu apdu[BENCH_NAPDU];
	/* bare */
	SCARDCONTEXT ctx;
	SCARDHANDLE h;
	const SCARD_IO_REQUEST *pci;
	/* rsptest */
	struct rt_card *card;
	struct rt_buf trace;
	unsigned long recorded;
};

static double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* What the engine's observer does: keep every exchange (time, rc, bytes) in a bounded
 * buffer; the bench empties it between blocks. */
static void bench_observer(void *ctx, enum rt_card_event ev, const uint8_t *in, size_t inlen,
			   const uint8_t *out, size_t outlen, int rc, uint64_t usec)
{
	struct bench *b = ctx;
	uint8_t hdr[16];
	uint32_t il = (uint32_t)inlen, ol = (uint32_t)outlen;

	hdr[0] = (uint8_t)ev;
	hdr[1] = (uint8_t)(rc < 0 ? -rc : rc);
	memcpy(hdr + 2, &il, 4);
	memcpy(hdr + 6, &ol, 4);
	memcpy(hdr + 10, &usec, 4);
	memset(hdr + 14, 0, 2);
	if (rt_buf_append(&b->trace, hdr, sizeof(hdr)) || (in && rt_buf_append(&b->trace, in, inlen)) ||
	    (out && rt_buf_append(&b->trace, out, outlen)))
		return;
	b->recorded++;
}

static int bench_check_sw(const uint8_t *r, size_t n, size_t which)
{
	if (n < 2 || r[n - 2] != 0x90 || r[n - 1] != 0x00) {
		fprintf(stderr, "bench_pcsc: APDU %zu answered %02X%02X, expected 9000\n", which,
			n >= 2 ? r[n - 2] : 0, n >= 2 ? r[n - 1] : 0);
		return -1;
	}
	return 0;
}

static int bench_bare_iter(struct bench *b)
{
	uint8_t r[300];
	size_t i;

	for (i = 0; i < BENCH_NAPDU; i++) {
		DWORD n = sizeof(r);
		LONG rv = SCardTransmit(b->h, b->pci, b->apdu[i].b, (DWORD)b->apdu[i].n, NULL, r, &n);

		if (rv != SCARD_S_SUCCESS) {
			fprintf(stderr, "bench_pcsc: bare SCardTransmit: %s\n", pcsc_stringify_error(rv));
			return -1;
		}
		if (bench_check_sw(r, n, i))
			return -1;
	}
	return 0;
}

static int bench_rt_iter(struct bench *b)
{
	struct rt_err err = { 0, "" };
	uint8_t r[300];
	size_t i;

	for (i = 0; i < BENCH_NAPDU; i++) {
		size_t n = sizeof(r);

		if (rt_card_exchange(b->card, b->apdu[i].b, b->apdu[i].n, r, &n, &err)) {
			fprintf(stderr, "bench_pcsc: rsptest exchange: %s\n", err.msg);
			return -1;
		}
		if (bench_check_sw(r, n, i))
			return -1;
	}
	return 0;
}

/* Runs iters iterations of one client; returns per-APDU µs or a negative value. */
static double bench_block(struct bench *b, int rt, unsigned iters)
{
	double t0, t1;
	unsigned k;

	if (rt) {
		rt_buf_reset(&b->trace);
		b->recorded = 0;
	}
	t0 = bench_now_us();
	for (k = 0; k < iters; k++)
		if (rt ? bench_rt_iter(b) : bench_bare_iter(b))
			return -1;
	t1 = bench_now_us();
	return (t1 - t0) / (double)(iters * BENCH_NAPDU);
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int bench_open_bare(struct bench *b, const char *reader_name)
{
	DWORD proto = 0;
	LONG rv;

	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &b->ctx);
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr, "bench_pcsc: bare: %s\n", pcsc_stringify_error(rv));
		return -1;
	}
	rv = SCardConnect(b->ctx, reader_name, SCARD_SHARE_SHARED,
			  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &b->h, &proto);
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr, "bench_pcsc: bare connect: %s\n", pcsc_stringify_error(rv));
		return -1;
	}
	b->pci = proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
	return 0;
}

static int bench_uint(const char *s, unsigned *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 10000000ul)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int main(int argc, char **argv)
{
	struct rt_card_pcsc_opts opts = { 10000, 0, NULL };
	struct rt_err err = { 0, "" };
	const char *reader = NULL;
	unsigned iters = 5000, block = 250, nblocks, k;
	double *vb = NULL, *vr = NULL, sum_b = 0, sum_r = 0, mb, mr;
	struct bench b;
	int i, rc = 1;

	memset(&b, 0, sizeof(b));
	rt_buf_init(&b.trace, BENCH_TRACE_MAX);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reader") && i + 1 < argc) {
			reader = argv[++i];
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			if (bench_uint(argv[++i], &iters))
				goto usage;
		} else if (!strcmp(argv[i], "--block") && i + 1 < argc) {
			if (bench_uint(argv[++i], &block))
				goto usage;
		} else if (!strcmp(argv[i], "--wait-ms") && i + 1 < argc) {
			if (bench_uint(argv[++i], &opts.wait_ms))
				goto usage;
		} else {
			goto usage;
		}
	}
	if (block > iters)
		block = iters;
	nblocks = iters / block;
	for (k = 0; k < BENCH_NAPDU; k++)
		if (rt_hex_decode(bench_apdus_hex[k], strlen(bench_apdus_hex[k]), b.apdu[k].b,
				  sizeof(b.apdu[k].b), &b.apdu[k].n, &err)) {
			fprintf(stderr, "bench_pcsc: %s\n", err.msg);
			goto out;
		}

	/* rsptest's transport first: it waits for the card and names the reader. */
	if (rt_card_pcsc_open_opts(reader, -1, &opts, &b.card, &err)) {
		fprintf(stderr, "bench_pcsc: %s\n", err.msg);
		goto out;
	}
	b.card->observer = bench_observer;
	b.card->obs_ctx = &b;
	if (bench_open_bare(&b, b.card->name))
		goto out;

	vb = calloc(nblocks, sizeof(*vb));
	vr = calloc(nblocks, sizeof(*vr));
	if (!vb || !vr)
		goto out;
	/* Warm-up: connections, pcscd threads, caches. */
	if (bench_block(&b, 0, block / 2 + 1) < 0 || bench_block(&b, 1, block / 2 + 1) < 0)
		goto out;
	for (k = 0; k < nblocks; k++) {
		/* ABBA: even blocks bare first, odd blocks rsptest first. */
		int first = (int)(k & 1);

		double t1 = bench_block(&b, first, block);
		double t2 = bench_block(&b, !first, block);

		if (t1 < 0 || t2 < 0)
			goto out;
		vb[k] = first ? t2 : t1;
		vr[k] = first ? t1 : t2;
		sum_b += vb[k];
		sum_r += vr[k];
	}
	mb = bench_median(vb, nblocks);
	mr = bench_median(vr, nblocks);
	printf("reader:   %s\n", b.card->name);
	printf("sequence: SELECT ISD-R (FCI), SELECT ECASD, GET DATA EID; %u iterations x %zu "
	       "APDUs per client, %u interleaved blocks of %u\n",
	       nblocks * block, BENCH_NAPDU, nblocks, block);
	printf("%-28s %10s %10s\n", "per APDU (us)", "mean", "median");
	printf("%-28s %10.2f %10.2f\n", "bare PC/SC (SCardTransmit)", sum_b / nblocks, mb);
	printf("%-28s %10.2f %10.2f\n", "rsptest pcsc transport", sum_r / nblocks, mr);
	printf("%-28s %+9.2f%% %+9.2f%%   (goal <= 5 %%)\n", "rsptest overhead",
	       100.0 * (sum_r - sum_b) / sum_b, 100.0 * (mr - mb) / mb);
	printf("observer: %lu exchanges (%zu bytes) recorded in the last rsptest block\n",
	       b.recorded, b.trace.len);
	rc = 0;
out:
	free(vb);
	free(vr);
	rt_buf_free(&b.trace);
	rt_card_close(b.card);
	if (b.h)
		SCardDisconnect(b.h, SCARD_LEAVE_CARD);
	if (b.ctx)
		SCardReleaseContext(b.ctx);
	return rc;
usage:
	fprintf(stderr, "usage: bench_pcsc [--reader SUBSTR] [-n ITERATIONS] [--block B] "
			"[--wait-ms MS]\n");
	return 2;
}
