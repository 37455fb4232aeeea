/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_list — `rsptest list [PATH...]`: ids, titles, keywords and applicability. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/rt_cmd.h"
#include "engine/rt_case.h"
#include "engine/rt_run.h"
#include "engine/rt_select.h"
#include "engine/rt_sut.h"

static void rt_list_usage(FILE *f)
{
	fprintf(f, "usage: rsptest list [--sut FILE|NAME] [-k EXPR] [PATH...]\n\n"
		   "Lists the test cases in PATH (default: the built-in suite): id, whether it\n"
		   "applies to the SUT (and why not), title, keywords.\n");
}

int rt_cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sut", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sut_spec = "reference", *kexpr = NULL;
	char why[1024];
	struct rt_caselist cases = { 0 };
	struct rt_select *sel = NULL;
	struct rt_sut sut;
	struct rt_err err = { 0 };
	size_t i, j, shown = 0, applicable = 0;
	int opt, rc;

	memset(&sut, 0, sizeof(sut));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "k:h", longopts, NULL)) != -1) {
		if (opt == 's') {
			sut_spec = optarg;
		} else if (opt == 'k') {
			kexpr = optarg;
		} else if (opt == 'h') {
			rt_list_usage(stdout);
			return RT_EXIT_OK;
		} else {
			rt_list_usage(stderr);
			return RT_EXIT_USAGE;
		}
	}
	if (kexpr && rt_select_compile(kexpr, &sel, &err))
		goto fail;
	if (rt_sut_load(sut_spec, rt_cli_datadir(), &sut, &err))
		goto fail;
	rc = rt_cli_load_cases(argc, argv, optind, &cases, &err);
	if (rc)
		goto fail;
	for (i = 0; i < cases.n; i++) {
		const struct rt_case *c = cases.v[i];
		int applies;

		if (!rt_select_match(sel, c))
			continue;
		applies = rt_run_applies(c, &sut, why, sizeof(why));
		shown++;
		applicable += (size_t)applies;
		printf("%-36s %-4s %s", c->id, applies ? "yes" : "no", c->title);
		if (c->keywords.n) {
			printf("  [");
			for (j = 0; j < c->keywords.n; j++)
				printf("%s%s", j ? ", " : "", c->keywords.v[j]);
			printf("]");
		}
		if (!applies)
			printf("\n%-36s      (%s)", "", why);
		printf("\n");
	}
	printf("\n%zu cases, %zu apply to SUT '%s'\n", shown, applicable, sut.name);
	rt_caselist_free(&cases);
	rt_sut_free(&sut);
	rt_select_free(sel);
	return RT_EXIT_OK;
fail:
	fprintf(stderr, "rsptest list: %s\n", err.msg);
	rt_caselist_free(&cases);
	rt_sut_free(&sut);
	rt_select_free(sel);
	return RT_EXIT_USAGE;
}
