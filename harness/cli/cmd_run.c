/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_run — `rsptest run [PATH...]`: run cases against a SUT, write JUnit and
 * evidence, print one line per case and the summary. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/rt_cmd.h"
#include "cli/rt_run_habits.h"
#include "engine/rt_case.h"
#include "engine/rt_junit.h"
#include "engine/rt_run.h"
#include "engine/rt_select.h"
#include "engine/rt_sut.h"

static volatile sig_atomic_t rt_run_interrupted;

static void rt_run_on_signal(int sig)
{
	rt_run_interrupted = sig;
}

static void rt_run_usage(FILE *f)
{
	fprintf(f,
		"usage: rsptest run [options] [PATH...]\n\n"
		"Runs the test cases in PATH (files or folders; default: the built-in suite)\n"
		"against a SUT and writes a JUnit report and one evidence trace per case.\n\n"
		"options:\n"
		"  --sut FILE|NAME   SUT description (default: the built-in 'reference' SUT;\n"
		"                    NAME is looked up in the data folder's sut/)\n"
		"  -k EXPR           select cases whose id, folder, file or keywords contain the\n"
		"                    words of EXPR, combined with not/and/or and parentheses\n"
		"  -x, --exitfirst   stop after the first FAIL or ERROR (the rest: skipped)\n"
		"  --maxfail N       stop after N FAIL or ERROR verdicts\n"
		"  --lf              rerun only the cases that failed or errored last time\n"
		"                    (REPORT_DIR/.lastfailed; all when none did)\n"
		"  --collect-only    print the selected cases and exit (5 when none)\n"
		"  -j N              N cases at a time, each worker its own card and Lua state:\n"
		"                    in-process reference cards (loop) and card-less SUTs only;\n"
		"                    a PC/SC reader always runs serially\n"
		"  -q                quiet: no header, no PASS lines\n"
		"  --durations N     print the N slowest cases (0: all)\n"
		"  --junit FILE      JUnit XML report (default: REPORT_DIR/junit.xml)\n"
		"  --report-dir DIR  where reports and traces go (default: reports); the last\n"
		"                    run's junit.xml and traces move to DIR/.previous\n"
		"  -v, --verbose     print every exchange with the SUT as it happens\n"
		"  --seed N          seed for the per-case random generators (default: random,\n"
		"                    printed in the header and the report)\n"
		"  --show-secrets    let keys appear in traces (default: redacted)\n"
		"  -h, --help        this help\n\n"
		"exit status: 0 nothing failed, 1 a case failed or errored, 2 usage or\n"
		"configuration error (bad YAML, unknown option, unreadable SUT), 5 no case\n"
		"selected (no report written), 130 interrupted\n");
}

int rt_cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sut", required_argument, NULL, 's' },
		{ "exitfirst", no_argument, NULL, 'x' },
		{ "junit", required_argument, NULL, 'J' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "lf", no_argument, NULL, RT_OPT_LF },
		{ "last-failed", no_argument, NULL, RT_OPT_LF },
		{ "maxfail", required_argument, NULL, RT_OPT_MAXFAIL },
		{ "durations", required_argument, NULL, RT_OPT_DURATIONS },
		{ "collect-only", no_argument, NULL, RT_OPT_COLLECT },
		{ "report-dir", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "seed", required_argument, NULL, 'S' },
		{ "show-secrets", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sut_spec = "reference", *kexpr = NULL, *junit = NULL;
	const char *report_dir = "reports";
	char junit_default[4096];
	struct rt_caselist cases = { 0 };
	struct rt_sut sut;
	struct rt_select *sel = NULL;
	struct rt_run run;
	struct rt_err err = { 0 };
	struct sigaction sa;
	struct rt_run_habits habits;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
	int opt, rc = RT_EXIT_USAGE, verbose = 0, exitfirst = 0, secrets = 0;

	memset(&sut, 0, sizeof(sut));
	memset(&run, 0, sizeof(run));
	rt_run_habits_init(&habits);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "k:xvhqj:", longopts, NULL)) != -1) {
		char *end;
		int h = rt_run_habits_opt(&habits, opt, optarg);

		if (h < 0)
			return RT_EXIT_USAGE;
		if (h > 0)
			continue;
		switch (opt) {
		case 's':
			sut_spec = optarg;
			break;
		case 'k':
			kexpr = optarg;
			break;
		case 'x':
			exitfirst = 1;
			break;
		case 'J':
			junit = optarg;
			break;
		case 'r':
			report_dir = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'P':
			secrets = 1;
			break;
		case 'S':
			seed = strtoull(optarg, &end, 0);
			if (*end || end == optarg) {
				fprintf(stderr, "rsptest run: --seed needs a number, got '%s'\n", optarg);
				return RT_EXIT_USAGE;
			}
			break;
		case 'h':
			rt_run_usage(stdout);
			return RT_EXIT_OK;
		default:
			rt_run_usage(stderr);
			return RT_EXIT_USAGE;
		}
	}
	if (kexpr && rt_select_compile(kexpr, &sel, &err)) {
		fprintf(stderr, "rsptest run: %s\n", err.msg);
		return RT_EXIT_USAGE;
	}
	if (rt_sut_load(sut_spec, rt_cli_datadir(), &sut, &err)) {
		fprintf(stderr, "rsptest run: %s\n", err.msg);
		goto out;
	}
	rc = rt_cli_load_cases(argc, argv, optind, &cases, &err);
	if (rc) {
		fprintf(stderr, "rsptest run: %s\n", err.msg);
		rc = RT_EXIT_USAGE;
		goto out;
	}
	if (!junit) {
		snprintf(junit_default, sizeof(junit_default), "%s/junit.xml", report_dir);
		junit = junit_default;
	}
	rt_run_habits_apply(&habits, report_dir, &run.opts);
	if (habits.collect_only) {
		rc = rt_run_habits_collect(&cases, sel, &run.opts);
		goto out;
	}
	/* As pytest (exit 5): an empty selection is not a green run, and the last
	 * report stays as it was. */
	if (rt_run_habits_count(&cases, sel, &run.opts) == 0) {
		fprintf(stderr, "rsptest run: no case selected (%zu loaded%s%s%s); %s left as it was\n",
			cases.n, kexpr ? ", -k " : "", kexpr ? kexpr : "",
			habits.lf_active ? ", --lf" : "", junit);
		rc = RT_EXIT_NOTESTS;
		goto out;
	}
	if (rt_run_habits_rotate(report_dir) != 0) {
		rc = RT_EXIT_USAGE;
		goto out;
	}
	/* SIGINT/SIGTERM end the current case and skip the rest; the reports are still
	 * written. A second signal kills the run at once (SA_RESETHAND). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rt_run_on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	run.opts.datadir = rt_cli_datadir();
	run.opts.report_dir = report_dir;
	run.opts.junit_path = junit;
	run.opts.select = sel;
	run.opts.exitfirst = exitfirst;
	run.opts.verbose = verbose;
	run.opts.show_secrets = secrets;
	run.opts.seed = seed;
	run.opts.out = stdout;
	run.opts.interrupted = &rt_run_interrupted;
	run.sut = &sut;
	run.cases = &cases;
	rt_run_execute(&run);
	rt_run_habits_after(&habits, &run, report_dir);
	if (rt_junit_write(&run, junit, &err))
		fprintf(stderr, "rsptest run: cannot write the JUnit report: %s\n", err.msg);
	else
		printf("\nJUnit report: %s\n", junit);
	printf("%.2fs\n", run.seconds);
	printf("%u passed, %u failed, %u errors, %u skipped\n", run.npass, run.nfail, run.nerror,
	       run.nskip);
	fflush(stdout);
	if (rt_run_interrupted)
		rc = RT_EXIT_INTERRUPTED;
	else if (run.card_never)
		rc = RT_EXIT_USAGE; /* the SUT's card was never there: a setup problem */
	else if (err.code)
		rc = RT_EXIT_USAGE;
	else
		rc = (run.nfail || run.nerror) ? RT_EXIT_FAILED : RT_EXIT_OK;
out:
	rt_run_free(&run);
	rt_caselist_free(&cases);
	rt_sut_free(&sut);
	rt_select_free(sel);
	rt_run_habits_free(&habits);
	return rc;
}
