/* SPDX-License-Identifier: Apache-2.0 */
/* rt_trace — the evidence log of one test case.
 *
 * Every exchange with the SUT (C-APDU/R-APDU with timing, resets and ATRs, later SMS,
 * HTTP and SOAP) and every step boundary is appended here as a timestamped text line.
 * The runner writes it to <report-dir>/<suite>/<id>.trace.txt and attaches it to the
 * JUnit entry of a failing case; with -v each line is also printed as it happens.
 * The log is bounded: past RT_TRACE_MAX it records that it was truncated and drops
 * further lines, so a chatty SUT cannot exhaust memory. */
#ifndef RT_TRACE_H
#define RT_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "transport/rt_card.h"
#include "util/rt_buf.h"

#define RT_TRACE_MAX (8u << 20)

struct rt_trace {
	struct rt_buf text;
	uint64_t t0_ns;  /* case start */
	FILE *live;      /* -v: echo lines here (NULL = quiet) */
	unsigned napdu;  /* APDU exchanges recorded */
	int truncated;
};

/* Starts an empty trace whose timestamps count from now. */
void rt_trace_init(struct rt_trace *t, FILE *live);

/* Appends one line "[  12.345 ms] <text>" (a newline is added). */
void rt_trace_line(struct rt_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends a line holding a label and bytes in hex ("ATR 3B9F..."). */
void rt_trace_bytes(struct rt_trace *t, const char *label, const uint8_t *p, size_t n,
		    const char *suffix);

/* rt_card observer (see rt_card.h): records resets and APDU exchanges. obs_ctx is a
 * struct rt_trace. */
void rt_trace_card_observer(void *obs_ctx, enum rt_card_event ev, const uint8_t *in, size_t inlen,
			    const uint8_t *out, size_t outlen, int rc, uint64_t usec);

/* The log as a NUL-terminated string (valid until the next append or free). */
const char *rt_trace_text(struct rt_trace *t);

/* Prints the last `lines` lines of an evidence text to f, each after indent and cut at
 * 200 bytes: what a JUnit body and the console digest show of the last exchanges. */
void rt_trace_print_tail(FILE *f, const char *text, int lines, const char *indent);

void rt_trace_free(struct rt_trace *t);

#endif
