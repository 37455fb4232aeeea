/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_show — `rsptest show ID [PATH...]`: the case as the engine understood it, with
 * folder defaults applied and included steps expanded. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/rt_cmd.h"
#include "engine/rt_case.h"
#include "engine/rt_yaml.h"

static void rt_show_usage(FILE *f)
{
	fprintf(f, "usage: rsptest show ID [PATH...]\n\n"
		   "Prints test case ID (searched in PATH, default: the built-in suite) after\n"
		   "folder defaults (defaults.yaml) and include: steps were applied.\n");
}

int rt_cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rt_caselist cases = { 0 };
	struct rt_err err = { 0 };
	const struct rt_case *c;
	const char *id;
	size_t i;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			rt_show_usage(stdout);
			return RT_EXIT_OK;
		}
		rt_show_usage(stderr);
		return RT_EXIT_USAGE;
	}
	if (optind >= argc) {
		rt_show_usage(stderr);
		return RT_EXIT_USAGE;
	}
	id = argv[optind++];
	rc = rt_cli_load_cases(argc, argv, optind, &cases, &err);
	if (rc) {
		fprintf(stderr, "rsptest show: %s\n", err.msg);
		return RT_EXIT_USAGE;
	}
	c = rt_caselist_find(&cases, id);
	if (!c) {
		fprintf(stderr, "rsptest show: no case with id '%s'\n", id);
		rt_caselist_free(&cases);
		return RT_EXIT_USAGE;
	}
	printf("# %s\n# suite: %s\n", c->file, c->suite);
	for (i = 0; i < c->root->n; i++) {
		const struct rt_ynode *v = c->root->items[i];

		if (strcmp(c->root->keys[i], "steps") == 0 || strcmp(c->root->keys[i], "timeout") == 0)
			continue;
		/* Block collections start on the next line, indented. */
		printf("%s:%s", c->root->keys[i], v && v->kind != RT_Y_SCALAR && v->n ? "\n  " : " ");
		rt_ynode_dump(v, 2, stdout);
	}
	printf("timeout: %g\nsteps:\n  ", c->timeout);
	rt_ynode_dump(c->steps, 2, stdout);
	rt_caselist_free(&cases);
	return RT_EXIT_OK;
}
