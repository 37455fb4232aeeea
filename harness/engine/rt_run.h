/* SPDX-License-Identifier: Apache-2.0 */
/* rt_run — runs selected test cases against a SUT and collects verdicts.
 *
 * For each case: applicability (SUT role, declared features, `skip:`), a fresh
 * sandboxed lua_State, the SUT card reset per the SUT's policy, fixtures, then each step
 * (role.verb from the lua/ step library, or an inline `lua:` chunk) with its
 * expectations. Every exchange lands in the case's evidence trace. Verdicts: PASS,
 * FAIL (an expectation about the SUT did not hold), ERROR (the case or the harness
 * broke), SKIP (not applicable or not run). A run interrupted by SIGINT/SIGTERM ends the
 * current case as ERROR "interrupted by signal N during <step>" (what broke because of
 * it goes only into the detail), gives its cleanups a 2 s grace, reports the rest as
 * skipped, and the reports are still written.
 *
 * Every blocking card call runs under the case's bound (deadline + signal flag,
 * transport/rt_card.h): a card that never answers ends the case as ERROR "card did not
 * answer within N ms" with the last C-APDU, and a card gone or hung for good is said
 * once; the remaining cases then end as ERROR without waiting again. */
#ifndef RT_RUN_H
#define RT_RUN_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/rt_case.h"
#include "engine/rt_select.h"
#include "engine/rt_sut.h"
#include "roles/common/rt_cardlink.h"
#include "util/rt_kv.h"
#include "util/rt_trace.h"

struct lua_State;

enum rt_verdict {
	RT_VERDICT_PASS = 0,
	RT_VERDICT_FAIL,
	RT_VERDICT_ERROR,
	RT_VERDICT_SKIP,
};

struct rt_result {
	const struct rt_case *c;
	enum rt_verdict verdict;
	char *message;    /* one line (NULL for PASS) */
	char *detail;     /* traceback / context (may be NULL) */
	char *trace;      /* the evidence log */
	char *trace_file; /* where it was written (NULL if not) */
	double seconds;
	unsigned napdu;
	int run; /* 0 when the case was selected out (not part of the report) */
	int done; /* its verdict is in (run, skipped or recorded from a worker) */
};

struct rt_run_opts {
	const char *datadir;
	const char *report_dir;
	const char *junit_path;
	const struct rt_select *select; /* NULL = all */
	int exitfirst;  /* same as maxfail 1 */
	unsigned maxfail; /* stop after this many FAIL/ERROR (0: never) */
	int quiet;      /* -q: no header, no PASS lines */
	unsigned jobs;  /* parallel workers (rt_runpar.h); 0 or 1: serial */
	/* Extra selection after `select` (e.g. --lf); NULL = all. */
	int (*want)(void *ctx, const struct rt_case *c);
	void *want_ctx;
	int verbose;
	int show_secrets;
	uint64_t seed;
	FILE *out; /* console */
	volatile sig_atomic_t *interrupted; /* signal number once interrupted, else 0 */
};

struct rt_run {
	struct rt_run_opts opts;
	const struct rt_sut *sut;
	const struct rt_caselist *cases;
	struct rt_result *results; /* one per case, same order */
	struct rt_cardlink *link;  /* the SUT card for the whole run */
	char card_error[1024];
	/* Once the card is gone (no card within wait_card_ms, pcscd down) or hung (an
	 * exchange outlived the case deadline): why, and the case that found out. Later
	 * cases look for it again without waiting and end as ERROR at once; cleared when
	 * the card is back. */
	char card_gone[1024];
	char card_gone_case[128];
	int card_never; /* the card was not there when the run began (cmd_run exits 2) */
	int state_fresh; /* state_in_run_dir: this run's state file was started anew */
	struct rt_kv store; /* run-scoped store shared by the cases (rt.case.store) */
	unsigned npass, nfail, nerror, nskip;
	size_t nselected, ndone; /* for the [n/N] progress counter */
	double seconds;
	char timestamp[32];
};

/* 1 when case c applies to the SUT; otherwise 0 and the reason in why. */
int rt_run_applies(const struct rt_case *c, const struct rt_sut *sut, char *why, size_t whysz);

/* Runs every selected case, printing one line per case to opts->out and the failure
 * digest and summary line at the end. Returns 0; results are in run. */
int rt_run_execute(struct rt_run *run);

/* For the runners (serial here, parallel in rt_runpar.c): */
/* 1 when -x / --maxfail says no further case should start. */
int rt_run_stopping(const struct rt_run *run);
unsigned rt_run_maxfail(const struct rt_run_opts *o);
/* 1 when result r's case is to run; else 0 with r set SKIP (interrupted, n/a). */
int rt_run_prepare(struct rt_run *run, struct rt_result *r, char *why, size_t whysz);
/* Runs r's case on run->link (opened on first use), fills r, writes its evidence. */
void rt_run_case(struct rt_run *run, struct rt_result *r);
/* Sets r's verdict, message and detail (copies; NULL or "" = none). */
void rt_run_set_result(struct rt_result *r, enum rt_verdict v, const char *msg,
		       const char *detail);
/* Counts r's verdict and prints its console line with the [n/N] counter. */
void rt_run_record(struct rt_run *run, struct rt_result *r);

/* Frees the results and closes the SUT card. */
void rt_run_free(struct rt_run *run);

/* For `rsptest lua --sut`: readies the SUT card as before a case (opened, reset per
 * the SUT's policy, exchanges recorded in trace) and gives L (an rt_lua_new state) what
 * a case sees: case.card(), case.sut(), the options and the ${NAME} variables (CASE_ID
 * "lua"). run->sut and run->opts must be set; rt_run_free closes the card. 0 or an
 * RT_E* code with err set. */
int rt_run_session(struct rt_run *run, struct lua_State *L, struct rt_trace *trace,
		   struct rt_err *err);

/* "PASS", "FAIL", "ERROR", "SKIP". */
const char *rt_verdict_name(enum rt_verdict v);

#endif
