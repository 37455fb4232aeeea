/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_card — `rsptest card serve`: offers rsptest's software eUICC (roles/euicc) to
 * pcscd through vpcd (transport/rt_vpcd), so that any PC/SC client, rsptest's own runs
 * included, sees a real-looking eUICC in the "Virtual PCD" reader.
 *
 * Owns only the command line and the signal handling; the card and the wire protocol
 * live below. Runs until SIGINT or SIGTERM. */
#include "cli/rt_cmd.h"
#include "cli/rt_cmd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "engine/rt_personality.h"
#include "roles/euicc/rt_euicc.h"
#include "transport/rt_vpcd.h"
#include "util/rt_hex.h"
#include "util/rt_log.h"

static volatile sig_atomic_t rt_card_stop;

static void rt_card_on_signal(int sig)
{
	(void)sig;
	rt_card_stop = 1;
}

/* "por_bad_cc, no_por, ..." for the help text. */
static const char *rt_card_fault_list(void)
{
	static char names[512];
	const struct rt_euicc_fault_name *f;
	size_t used = 0;

	size_t line = 0;

	names[0] = '\0';
	for (f = rt_euicc_fault_names; f->name && used < sizeof(names); f++) {
		/* wrapped under the option's text column */
		int wrap = line + strlen(f->name) > 50;
		int n = snprintf(names + used, sizeof(names) - used, "%s%s%s",
				 f == rt_euicc_fault_names ? "" : ",",
				 f == rt_euicc_fault_names ? "" : wrap ? "\n                         " : " ",
				 f->name);

		if (n < 0)
			break;
		used += (size_t)n;
		line = wrap ? strlen(f->name) : line + strlen(f->name) + 2;
	}
	return names;
}

static void rt_card_usage(FILE *f)
{
	fprintf(f,
		"usage: rsptest card serve [--vpcd HOST:PORT] [--personality FILE] [--state FILE]\n"
		"                          [--fault NAME]... [--eid DIGITS] [--atr HEX]\n"
		"                          [--t0-get-response[=N]] [-v]\n"
		"\n"
		"Runs rsptest's software eUICC as the card of vpcd's virtual reader (pcscd's\n"
		"\"Virtual PCD\"), until SIGINT or SIGTERM. Reconnects when pcscd/vpcd is not\n"
		"there yet or restarts.\n"
		"\n"
		"  --vpcd HOST:PORT       vpcd to connect to (default %s:%d)\n"
		"  --personality FILE     the card as manufactured: EID, ATR, memory, SCP80\n"
		"                         keysets, ECASD keys, faults (docs/euicc-personality.md;\n"
		"                         sut/personalities/reference.yaml); the options below\n"
		"                         override it\n"
		"  --state FILE           keep the card's state in FILE (created as manufactured\n"
		"                         if missing, saved atomically after every change, so\n"
		"                         the card survives restarts and SIGKILL); default: in\n"
		"                         memory only\n"
		"  --fault NAME           break one rule on purpose (repeatable; -NAME removes a\n"
		"                         fault of the personality):\n"
		"                         %s\n"
		"  --eid DIGITS           32-digit EID with valid check digits\n"
		"                         (default %s)\n"
		"  --atr HEX              ATR to answer (default: the eUICC ATR, see\n"
		"                         docs/spec-notes.md, card interface)\n"
		"  --t0-get-response[=N]  answer commands that return data with 61xx and hand\n"
		"                         the data out through GET RESPONSE, N bytes at a time\n"
		"                         (default 256), as a T=0 card does\n"
		"  -v                     log connections (twice: every command)\n"
		"  -h, --help             this text\n",
		RT_VPCD_HOST_DEFAULT, RT_VPCD_PORT_DEFAULT, rt_card_fault_list(), rt_euicc_default_eid);
}

/* Parses N of --t0-get-response=N (1..256). */
static int rt_card_parse_chunk(const char *s, unsigned *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > RT_EUICC_T0_CHUNK_MAX)
		return RT_EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int rt_card_serve(int argc, char **argv)
{
	struct rt_euicc_config cfg;
	struct rt_vpcd_opts opts;
	struct rt_vpcd_stats stats = { 0, 0, 0, 0 };
	struct rt_euicc *card = NULL;
	struct rt_err err = { 0, "" };
	struct sigaction sa;
	struct rt_icc icc;
	char host[256];
	uint16_t port = RT_VPCD_PORT_DEFAULT;
	int i, verbose = 0, status = RT_EXIT_FAILED, rc;

	rt_euicc_config_default(&cfg);
	snprintf(host, sizeof(host), "%s", RT_VPCD_HOST_DEFAULT);
	/* The personality first, wherever it is on the line: the other options refine it. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--personality") && i + 1 < argc) {
			if (rt_personality_load(argv[++i], &cfg, &err)) {
				fprintf(stderr, "rsptest card serve: %s\n", err.msg);
				OPENSSL_cleanse(&cfg, sizeof(cfg));
				return RT_EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--vpcd") || !strcmp(argv[i], "--eid") ||
			   !strcmp(argv[i], "--atr") || !strcmp(argv[i], "--state") ||
			   !strcmp(argv[i], "--fault")) {
			i++; /* skip the value */
		}
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			rt_card_usage(stdout);
			return RT_EXIT_OK;
		} else if (!strcmp(a, "-v")) {
			verbose++;
		} else if (!strcmp(a, "-vv")) {
			verbose += 2;
		} else if (!strcmp(a, "--vpcd") && i + 1 < argc) {
			if (rt_vpcd_parse_addr(argv[++i], host, sizeof(host), &port, &err))
				goto usage_err;
		} else if (!strcmp(a, "--eid") && i + 1 < argc) {
			if (strlen(argv[++i]) != RT_EID_DIGITS) {
				rt_err_set(&err, RT_EINVAL, "--eid needs %d digits", RT_EID_DIGITS);
				goto usage_err;
			}
			memcpy(cfg.eid, argv[i], RT_EID_DIGITS + 1);
		} else if (!strcmp(a, "--atr") && i + 1 < argc) {
			i++;
			if (rt_hex_decode(argv[i], strlen(argv[i]), cfg.atr, sizeof(cfg.atr),
					  &cfg.atr_len, &err)) {
				rt_err_wrap(&err, "--atr");
				goto usage_err;
			}
		} else if (!strcmp(a, "--personality") && i + 1 < argc) {
			i++; /* read above */
		} else if (!strcmp(a, "--state") && i + 1 < argc) {
			cfg.state_path = argv[++i];
		} else if (!strcmp(a, "--fault") && i + 1 < argc) {
			const char *name = argv[++i];
			uint64_t bit = 0;
			int neg = name[0] == '-';

			if (rt_personality_fault(name + neg, &bit, &err))
				goto usage_err;
			cfg.faults = neg ? cfg.faults & ~bit : cfg.faults | bit;
		} else if (!strcmp(a, "--t0-get-response")) {
			cfg.t0_get_response = RT_EUICC_T0_CHUNK_MAX;
		} else if (!strncmp(a, "--t0-get-response=", 18)) {
			if (rt_card_parse_chunk(a + 18, &cfg.t0_get_response)) {
				rt_err_set(&err, RT_EINVAL, "--t0-get-response=N needs N in 1..%d",
					   RT_EUICC_T0_CHUNK_MAX);
				goto usage_err;
			}
		} else {
			rt_err_set(&err, RT_EINVAL, "unknown or incomplete option \"%s\"", a);
			goto usage_err;
		}
	}
	if (verbose)
		rt_log_set_level(verbose > 1 ? RT_LOG_DEBUG : RT_LOG_INFO);

	rc = rt_euicc_new(&cfg, &card, &err);
	if (rc) {
		fprintf(stderr, "rsptest card serve: %s\n", err.msg);
		goto out;
	}
	rt_euicc_icc(card, &icc);

	/* No SA_RESTART: a signal must interrupt blocking reads and pauses at once. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rt_card_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	memset(&opts, 0, sizeof(opts));
	opts.host = host;
	opts.port = port;
	opts.stop = &rt_card_stop;
	rt_log(RT_LOG_INFO, "card serve: eUICC EID %s, vpcd %s:%u%s%s%s%s", cfg.eid, host,
	       (unsigned)port, cfg.t0_get_response ? ", T=0 GET RESPONSE mode" : "",
	       cfg.state_path ? ", state file " : "", cfg.state_path ? cfg.state_path : "",
	       cfg.faults ? ", FAULTS INJECTED" : "");
	rc = rt_vpcd_serve(&opts, &icc, &stats, &err);
	if (rc) {
		fprintf(stderr, "rsptest card serve: %s\n", err.msg);
		goto out;
	}
	rt_log(RT_LOG_INFO, "card serve: stopped after %lu connections, %lu APDUs", stats.connects,
	       stats.apdus);
	status = RT_EXIT_OK;
out:
	rt_euicc_free(card);
	OPENSSL_cleanse(&cfg, sizeof(cfg));
	return status;
usage_err:
	OPENSSL_cleanse(&cfg, sizeof(cfg));
	fprintf(stderr, "rsptest card serve: %s\n", err.msg);
	rt_card_usage(stderr);
	return RT_EXIT_USAGE;
}

int rt_cmd_card(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		rt_card_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? RT_EXIT_USAGE : RT_EXIT_OK;
	}
	if (!strcmp(argv[1], "serve"))
		return rt_card_serve(argc - 1, argv + 1);
	fprintf(stderr, "rsptest card: unknown action \"%s\"\n", argv[1]);
	rt_card_usage(stderr);
	return RT_EXIT_USAGE;
}
