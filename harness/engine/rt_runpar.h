/* SPDX-License-Identifier: Apache-2.0 */
/* rt_runpar — `rsptest run -j N`: cases spread over N forked workers.
 *
 * Only where the SUT can serve several cases at once: an in-process reference card
 * ("loop", no state file) gives each worker its own card and Lua states, and a SUT
 * without a card has nothing to share. A PC/SC reader is one physical card: its cases
 * always run one at a time. Each worker is a fork of the run: it runs the cases the
 * parent hands it one by one and sends each result back over a pipe; the parent prints
 * the console lines (completion order, with the [n/N] counter), honours -x/--maxfail
 * (no new case starts) and forwards SIGINT/SIGTERM. Cases in different workers do not
 * share the run store (rt.case.store) nor a card. */
#ifndef RT_RUNPAR_H
#define RT_RUNPAR_H

#include <stddef.h>

#include "engine/rt_run.h"

/* 1 when run's SUT allows parallel workers; else 0 and why not. */
int rt_runpar_possible(const struct rt_run *run, char *why, size_t whysz);

/* Runs the selected cases of run on run->opts.jobs workers; fills run->results. */
void rt_runpar_execute(struct rt_run *run);

#endif
