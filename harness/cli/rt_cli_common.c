/* SPDX-License-Identifier: Apache-2.0 */
/* rt_cli_common — what the subcommands share: where the data folder is (lua/,
 * testcases/, sut/, certs/) and loading the cases named on the command line; see
 * rt_cmd.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/rt_cmd.h"

static int rt_has_lua_dir(const char *dir)
{
	char probe[PATH_MAX + 32];
	struct stat st;

	if (snprintf(probe, sizeof(probe), "%s/lua/harness.lua", dir) >= (int)sizeof(probe))
		return 0;
	return stat(probe, &st) == 0;
}

const char *rt_cli_datadir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	const char *env = getenv("RSPTEST_DATADIR");
	struct stat st;
	ssize_t n;
	char *slash;

	if (dir[0])
		return dir;
	if (env && *env) {
		snprintf(dir, sizeof(dir), "%s", env);
		return dir;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		/* A build tree (CMakeCache.txt next to the binary) uses its source tree. */
		snprintf(probe, sizeof(probe), "%s/CMakeCache.txt", exe);
		if (stat(probe, &st) == 0 && rt_has_lua_dir(RT_SRCDIR)) {
			snprintf(dir, sizeof(dir), "%s", RT_SRCDIR);
			return dir;
		}
		/* A relocated install: <prefix>/bin/rsptest and <prefix>/share/rsptest. */
		snprintf(probe, sizeof(probe), "%s/../share/rsptest", exe);
		if (rt_has_lua_dir(probe) && realpath(probe, dir))
			return dir;
	}
	snprintf(dir, sizeof(dir), "%s", RT_DATADIR);
	return dir;
}

int rt_cli_load_cases(int argc, char **argv, int first, struct rt_caselist *cases,
		      struct rt_err *err)
{
	char defpath[PATH_MAX + 16];
	char *defpaths[1] = { defpath };

	if (first < argc)
		return rt_cases_load(argv + first, (size_t)(argc - first), cases, err);
	snprintf(defpath, sizeof(defpath), "%s/testcases", rt_cli_datadir());
	return rt_cases_load(defpaths, 1, cases, err);
}
