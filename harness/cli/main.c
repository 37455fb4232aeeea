/* SPDX-License-Identifier: Apache-2.0 */
/* main — the rsptest command: dispatches to subcommands (rt_cmd.h). */
#include <stdio.h>
#include <string.h>

#include "cli/rt_cmd.h"

struct rt_subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct rt_subcommand rt_subcommands[] = {
	{ "run", rt_cmd_run, "run test cases against a SUT and write reports" },
	{ "list", rt_cmd_list, "list test cases and whether they apply to a SUT" },
	{ "show", rt_cmd_show, "print a test case as the engine understood it" },
	{ "lua", rt_cmd_lua, "run a Lua script with the rt.* modules, or a prompt" },
	{ "options", rt_cmd_options, "list the named protocol options a SUT description can set" },
	{ "card", rt_cmd_card, "software cards: `card serve` offers the reference eUICC to vpcd" },
	{ NULL, NULL, NULL },
};

static void rt_usage(FILE *f)
{
	const struct rt_subcommand *s;

	fprintf(f, "usage: rsptest <command> [options]   (rsptest <command> --help)\n\n"
		   "rsptest — conformance and interoperability harness for GSMA SGP.02\n\n"
		   "commands:\n");
	for (s = rt_subcommands; s->name; s++)
		fprintf(f, "  %-6s %s\n", s->name, s->summary);
	fprintf(f, "\nexit status: 0 nothing failed, 1 a case failed or errored, 2 usage or "
		   "configuration error, 5 no case selected, 130 interrupted\n");
}

int main(int argc, char **argv)
{
	const struct rt_subcommand *s;

	if (argc < 2) {
		rt_usage(stderr);
		return RT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		rt_usage(stdout);
		return RT_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("rsptest %s\n", RT_VERSION);
		return RT_EXIT_OK;
	}
	for (s = rt_subcommands; s->name; s++)
		if (strcmp(s->name, argv[1]) == 0)
			return s->fn(argc - 1, argv + 1);
	fprintf(stderr, "rsptest: unknown command '%s'\n\n", argv[1]);
	rt_usage(stderr);
	return RT_EXIT_USAGE;
}
