/* SPDX-License-Identifier: Apache-2.0 */
/* rt_vpcd — the card side of vsmartcard's vpcd: offers a software card (struct rt_icc)
 * to pcscd over TCP, so that every PC/SC client (rsptest's pcsc backend included) sees
 * it as a card in the "Virtual PCD" reader. */
#ifndef RT_VPCD_H
#define RT_VPCD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/rt_icc.h"
#include "util/rt_err.h"

#define RT_VPCD_HOST_DEFAULT "127.0.0.1"
/* vpcd's first slot listens on 35963 (reader.conf CHANNELID 0x8C7B); the second on 35964. */
#define RT_VPCD_PORT_DEFAULT 35963

struct rt_vpcd_opts {
	const char *host;    /* NULL: RT_VPCD_HOST_DEFAULT */
	uint16_t port;       /* 0: RT_VPCD_PORT_DEFAULT */
	unsigned backoff_min_ms; /* first retry delay after a failed connect (0: 50) */
	unsigned backoff_max_ms; /* delays double up to this (0: 1000) */
	/* Serve returns when *stop becomes non-zero (set it from a SIGINT/SIGTERM handler
	 * installed without SA_RESTART, so blocking calls return at once). Required. */
	volatile sig_atomic_t *stop;
	/* Stop instead of reconnecting once the first connection ends (tests). */
	int once;
};

/* Counters for diagnostics (-v) and tests. */
struct rt_vpcd_stats {
	unsigned long connects;
	unsigned long apdus;
	unsigned long controls;
	unsigned long bad_frames;
};

/* Connects to vpcd at host:port and serves icc until *opts->stop: answers vpcd's
 * controls (power off/on, reset, ATR) and C-APDUs. When vpcd is not there yet or goes
 * away, reconnects with exponential backoff; a malformed frame is logged and the
 * connection reset. Returns 0 when stopped, or a negative RT_E* code on a setup error
 * (bad host). stats may be NULL. */
int rt_vpcd_serve(const struct rt_vpcd_opts *opts, struct rt_icc *icc, struct rt_vpcd_stats *stats,
		  struct rt_err *err);

/* Parses "HOST:PORT", "HOST" or ":PORT" into host (capacity hostsz) and *port. */
int rt_vpcd_parse_addr(const char *s, char *host, size_t hostsz, uint16_t *port,
		       struct rt_err *err);

#endif
