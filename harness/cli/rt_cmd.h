/* SPDX-License-Identifier: Apache-2.0 */
/* rt_cmd — the rsptest subcommands and what they share (data folder, exit codes).
 *
 * Each subcommand takes argv with argv[0] = its own name and returns the process exit
 * status: 0 nothing failed, 1 something failed or errored, 2 usage or configuration
 * error, 5 no case selected (`run`, as pytest), 130 interrupted. */
#ifndef RT_CMD_H
#define RT_CMD_H

#include <stddef.h>

#include "engine/rt_case.h"
#include "util/rt_err.h"

#define RT_EXIT_OK 0
#define RT_EXIT_FAILED 1
#define RT_EXIT_USAGE 2
#define RT_EXIT_NOTESTS 5
#define RT_EXIT_INTERRUPTED 130

int rt_cmd_run(int argc, char **argv);
int rt_cmd_list(int argc, char **argv);
int rt_cmd_show(int argc, char **argv);
int rt_cmd_lua(int argc, char **argv);
int rt_cmd_card(int argc, char **argv);
int rt_cmd_options(int argc, char **argv);

/* The folder holding lua/, testcases/, sut/, certs/: $RSPTEST_DATADIR; the source
 * tree when running from a build folder; <prefix>/share/rsptest next to an installed
 * binary; else the configured RT_DATADIR. Never NULL. */
const char *rt_cli_datadir(void);

/* Loads the cases in argv[first..argc), or the data folder's testcases/ when there
 * are none. */
int rt_cli_load_cases(int argc, char **argv, int first, struct rt_caselist *cases,
		      struct rt_err *err);

#endif
