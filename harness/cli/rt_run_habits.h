/* SPDX-License-Identifier: Apache-2.0 */
/* rt_run_habits — the `rsptest run` options pytest and ctest users expect, kept out of
 * cmd_run.c: -q, --lf, --maxfail, --durations, -j, --collect-only, exit 5 for an empty
 * selection, and the report folder's rotation (the last run's evidence goes to
 * REPORT_DIR/.previous, so reports/ never mixes two runs). */
#ifndef RT_RUN_HABITS_H
#define RT_RUN_HABITS_H

#include <stddef.h>

#include "cli/rt_cmd.h"
#include "engine/rt_case.h"
#include "engine/rt_run.h"
#include "engine/rt_select.h"


/* Long-only option codes (getopt_long val), above any char. */
enum {
	RT_OPT_LF = 0x100,
	RT_OPT_MAXFAIL,
	RT_OPT_DURATIONS,
	RT_OPT_COLLECT,
};

struct rt_run_habits {
	int quiet, lf, collect_only;
	unsigned maxfail, jobs;
	long durations; /* -1: off; 0: all */
	char **lf_ids; /* ids from REPORT_DIR/.lastfailed (with --lf) */
	size_t lf_n;
	int lf_active; /* --lf found failures to rerun */
};

void rt_run_habits_init(struct rt_run_habits *h);
void rt_run_habits_free(struct rt_run_habits *h);

/* Handles one getopt result that is a habit option (-q, -j, RT_OPT_*). Returns 1 when
 * handled, 0 when not a habit option, -1 on a bad value (message printed). */
int rt_run_habits_opt(struct rt_run_habits *h, int opt, const char *arg);

/* Reads REPORT_DIR/.lastfailed when --lf was given and fills the run's want filter. */
void rt_run_habits_apply(struct rt_run_habits *h, const char *report_dir, struct rt_run_opts *o);

/* Number of cases the run will select (-k and --lf). */
size_t rt_run_habits_count(const struct rt_caselist *cases, const struct rt_select *sel,
			   const struct rt_run_opts *o);

/* --collect-only: prints the selected ids. Returns the exit status. */
int rt_run_habits_collect(const struct rt_caselist *cases, const struct rt_select *sel,
			  const struct rt_run_opts *o);

/* Moves the last run's junit.xml and *.trace.txt under report_dir to
 * report_dir/.previous (replacing the one before). 0, or -1 with a message printed. */
int rt_run_habits_rotate(const char *report_dir);

/* After the run: REPORT_DIR/.lastfailed, and the --durations table. */
void rt_run_habits_after(struct rt_run_habits *h, const struct rt_run *run, const char *report_dir);

#endif
