/* SPDX-License-Identifier: Apache-2.0 */
/* bench_engine — engine throughput on trivial test cases, beside a bare-Lua baseline
 * measured in the same process.
 *
 *   bench_engine [N]   (default N = 2000)
 *
 * Baseline: N times what any embedding pays per case at least — a fresh lua_State with
 * the safe libraries, one trivial chunk, close. rsptest: N generated YAML cases run by
 * the real runner (load + validate, sandboxed state, step library, expectations,
 * evidence trace written to disk, JUnit written), twice: cases whose one step is a
 * `lua: return 1` chunk, and cases that send one SELECT to the in-process reference
 * eUICC through device.select with an expectation. Prints cases per second for each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "engine/rt_case.h"
#include "engine/rt_junit.h"
#include "engine/rt_run.h"
#include "engine/rt_sut.h"
#include "util/rt_time.h"

static double bench_bare_lua(int n)
{
	double t0 = rt_time_s();
	int i;

	for (i = 0; i < n; i++) {
		lua_State *L = luaL_newstate();

		luaL_requiref(L, "_G", luaopen_base, 1);
		luaL_requiref(L, "string", luaopen_string, 1);
		luaL_requiref(L, "table", luaopen_table, 1);
		luaL_requiref(L, "math", luaopen_math, 1);
		lua_settop(L, 0);
		if (luaL_dostring(L, "return 1") != LUA_OK)
			abort();
		lua_close(L);
	}
	return rt_time_s() - t0;
}

static void bench_write_cases(const char *dir, int n, const char *step)
{
	char path[512];
	int i;

	mkdir(dir, 0777);
	for (i = 0; i < n; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/c%05d.yaml", dir, i);
		f = fopen(path, "w");
		if (!f)
			abort();
		fprintf(f, "id: BENCH-%05d\ntitle: trivial\nsut: euicc\nsteps:\n%s", i, step);
		fclose(f);
	}
}

static double bench_engine(const char *dir, const char *repdir, int *passed)
{
	struct rt_caselist cases = { 0 };
	struct rt_sut sut;
	struct rt_run run;
	struct rt_err err = { 0 };
	char *paths[1] = { (char *)dir };
	char junit[512];
	FILE *devnull = fopen("/dev/null", "w");
	double t0 = rt_time_s(), t;

	memset(&run, 0, sizeof(run));
	if (!devnull || rt_sut_load("reference", RT_SRCDIR, &sut, &err) ||
	    rt_cases_load(paths, 1, &cases, &err)) {
		fprintf(stderr, "bench_engine: %s\n", err.msg);
		exit(1);
	}
	snprintf(junit, sizeof(junit), "%s/junit.xml", repdir);
	run.opts.datadir = RT_SRCDIR;
	run.opts.report_dir = repdir;
	run.opts.junit_path = junit;
	run.opts.seed = 1;
	run.opts.out = devnull;
	run.sut = &sut;
	run.cases = &cases;
	rt_run_execute(&run);
	if (rt_junit_write(&run, junit, &err))
		fprintf(stderr, "bench_engine: %s\n", err.msg);
	t = rt_time_s() - t0;
	*passed = (int)run.npass;
	rt_run_free(&run);
	rt_caselist_free(&cases);
	rt_sut_free(&sut);
	fclose(devnull);
	return t;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 2000;
	char tmpl[] = "/tmp/rt-bench-XXXXXX", dir[600], rep[600], cmd[700];
	double tb, te1, te2;
	int p1, p2;

	if (n <= 0 || !mkdtemp(tmpl))
		return 1;
	tb = bench_bare_lua(n);
	snprintf(dir, sizeof(dir), "%s/lua", tmpl);
	snprintf(rep, sizeof(rep), "%s/rep-lua", tmpl);
	bench_write_cases(dir, n, "  - lua: return 1\n");
	te1 = bench_engine(dir, rep, &p1);
	snprintf(dir, sizeof(dir), "%s/apdu", tmpl);
	snprintf(rep, sizeof(rep), "%s/rep-apdu", tmpl);
	bench_write_cases(dir, n,
			  "  - device.select: { aid: \"${ISD_R_AID}\" }\n    expect: { sw: \"9000\" }\n");
	te2 = bench_engine(dir, rep, &p2);

	printf("engine throughput, %d cases each (same process, same machine)\n", n);
	printf("  baseline: bare lua_State + trivial chunk   %9.0f states/s  (%.1f us each)\n",
	       n / tb, 1e6 * tb / n);
	printf("  rsptest:  case with one lua step           %9.0f cases/s   (%.1f us each, %d passed)\n",
	       n / te1, 1e6 * te1 / n, p1);
	printf("  rsptest:  case with one SELECT over loop   %9.0f cases/s   (%.1f us each, %d passed)\n",
	       n / te2, 1e6 * te2 / n, p2);
	printf("  (rsptest figures include YAML loading, evidence files and the JUnit report)\n");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	return system(cmd) == 0 && p1 == n && p2 == n ? 0 : 1;
}
