/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_options — `rsptest options`: the named protocol options a SUT description can
 * set under `options:` (where public sources disagree), with values and defaults. */
#include <stdio.h>
#include <string.h>

#include "cli/rt_cmd.h"
#include "engine/rt_options.h"

int rt_cmd_options(int argc, char **argv)
{
	const struct rt_option_def *d;
	size_t i;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: rsptest options\n\nLists the named protocol options a SUT description "
		       "sets under `options:`,\nwhere public sources disagree; the first value is "
		       "the default.\n");
		return RT_EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "rsptest options: no arguments expected\n");
		return RT_EXIT_USAGE;
	}
	for (d = rt_option_defs; d->name; d++) {
		printf("%s: ", d->name);
		for (i = 0; i < RT_OPTION_MAX_VALUES && d->values[i]; i++)
			printf("%s%s%s", i ? " | " : "", d->values[i], i ? "" : " (default)");
		printf("\n    %s\n", d->doc);
	}
	return RT_EXIT_OK;
}
