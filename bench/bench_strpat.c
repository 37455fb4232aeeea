/* SPDX-License-Identifier: Apache-2.0 */
/* bench_strpat — the sandbox's string.find/match/gmatch/gsub (lua/rt_strpat, which
 * counts steps and checks the case deadline) beside stock Lua 5.4 in the same process.
 *
 *   bench_strpat [N]   (default N = 200000 calls per measurement)
 *
 * Each row is one typical call from a test script (hex and TLV text, key=value lines,
 * trimming, splitting, a plain find, a gsub over a 1 KiB text). The same Lua loop runs
 * the call N times in a plain state (stock string library) and in an rsptest sandbox
 * state (ours, deadline set but far away, count hook on as in a case), and, to tell the
 * hook's share from the matcher's, in a sandbox state given back the stock string library
 * ("stock+hook"). Figures: the median of 5 runs, in ns per call; ours/s+h is the cost of
 * the matcher itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lua/rt_lua.h"
#include "util/rt_time.h"

#define BENCH_RUNS 5

struct bench_row {
	const char *what;
	const char *call; /* Lua expression using s (the subject) */
	const char *subject;
};

static const struct bench_row bench_rows[] = {
	{ "find plain (init, plain=true)", "s:find('9000', 1, true)", "6F1A8407A0000000041010A50F9000" },
	{ "find hex digits", "s:find('^%x+$')", "6F1A8407A0000000041010A50F500A4D415354455243415244" },
	{ "match SW at the end", "s:match('(%x%x%x%x)$')", "6F1A8407A0000000041010A50F9000" },
	{ "match key = value", "s:match('^%s*([%w_]+)%s*=%s*(.-)%s*$')", "  ISD_R_AID = A0000005591010FFFFFFFF8900000100  " },
	{ "match trim", "s:match('^%s*(.-)%s*$')", "   some text with spaces   " },
	{ "find %b()", "s:find('%b()')", "call(a, (b, c), d) rest" },
	{ "gmatch split on ,", "(function() local n = 0 for w in s:gmatch('[^,]+') do n = n + 1 end return n end)()", "a,bb,ccc,dddd,eeeee,ffffff,g,h,i,j" },
	{ "gsub strip spaces", "s:gsub('%s+', '')", "00 A4 04 00 10 A0 00 00 05 59 10 10 FF FF FF FF 89 00 00 01 00" },
	{ "gsub %x%x -> %1 (fn)", "s:gsub('%x%x', function(h) return h end)", "A0000005591010FFFFFFFF8900000100" },
	{ "gsub over 1 KiB", "s:gsub('(%w+)=(%w+)', '%2=%1')", NULL },
};

static double bench_median(double *v, int n)
{
	int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j] < v[j - 1]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* ns per call of row's call, N times in L (median of BENCH_RUNS). */
static double bench_one(lua_State *L, const struct bench_row *row, const char *subject, long n)
{
	char code[1024];
	double t[BENCH_RUNS];
	int r;

	snprintf(code, sizeof(code), "local s, n = ... for i = 1, n do local _ = %s end", row->call);
	for (r = 0; r < BENCH_RUNS; r++) {
		double t0;

		if (luaL_loadstring(L, code) != LUA_OK) {
			fprintf(stderr, "bench_strpat: %s\n", lua_tostring(L, -1));
			exit(1);
		}
		lua_pushstring(L, subject);
		lua_pushinteger(L, n);
		t0 = rt_time_s();
		if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
			fprintf(stderr, "bench_strpat: %s: %s\n", row->what, lua_tostring(L, -1));
			exit(1);
		}
		t[r] = (rt_time_s() - t0) * 1e9 / (double)n;
	}
	return bench_median(t, BENCH_RUNS);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	struct rt_lua_ctx ctx;
	struct rt_err err = { 0 };
	lua_State *stock, *ours, *hooked;
	struct rt_lua_ctx hctx;
	static char kib[1100];
	size_t i;

	if (n <= 0)
		n = 200000;
	memset(&ctx, 0, sizeof(ctx));
	ctx.datadir = ".";
	ctx.timeout = 1e9;
	ctx.deadline = rt_time_s() + 1e9; /* checked, never reached */
	ours = rt_lua_new(&ctx, 1, &err);
	hctx = ctx;
	hooked = rt_lua_new(&hctx, 1, &err);
	stock = luaL_newstate();
	if (!ours || !stock || !hooked) {
		fprintf(stderr, "bench_strpat: cannot create Lua states\n");
		return 1;
	}
	luaL_openlibs(stock);
	/* Stock string library (and string metatable) back in a sandbox state. */
	luaL_requiref(hooked, LUA_STRLIBNAME, luaopen_string, 1);
	lua_pop(hooked, 1);
	kib[0] = '\0';
	while (strlen(kib) + 12 < 1024)
		strcat(kib, "key=value ");
	printf("string patterns, ns per call (median of %d runs of %ld calls)\n", BENCH_RUNS, n);
	printf("%-32s %9s %11s %9s %8s %8s\n", "call", "stock", "stock+hook", "ours", "ours/st",
	       "ours/s+h");
	for (i = 0; i < sizeof(bench_rows) / sizeof(bench_rows[0]); i++) {
		const struct bench_row *row = &bench_rows[i];
		const char *subj = row->subject ? row->subject : kib;
		long rn = row->subject ? n : n / 50 + 1;
		double a = bench_one(stock, row, subj, rn), h = bench_one(hooked, row, subj, rn);
		double b = bench_one(ours, row, subj, rn);

		printf("%-32s %9.1f %11.1f %9.1f %8.2f %8.2f\n", row->what, a, h, b, b / a, b / h);
	}
	lua_close(stock);
	rt_lua_close(ours);
	rt_lua_close(hooked);
	return 0;
}
