/* SPDX-License-Identifier: Apache-2.0 */
/* test_strpat — lua/rt_strpat (the sandbox's string.find/match/gmatch/gsub/rep) against
 * stock Lua 5.4, differentially: every (subject, pattern, arguments) triple runs through
 * a plain Lua state (stock string library) and an rsptest sandbox state (ours), and the
 * serialized results or error messages must be identical. Inputs are hand-picked
 * (manual §6.4.1 examples, edge cases of every item and error) plus thousands generated
 * from pattern tokens by a seeded PRNG (reproducible). Then the point of the module:
 * a pathological pattern ends at the case deadline with the timeout message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lua/rt_lua.h"
#include "lua/rt_strpat.h"
#include "util/rt_time.h"

/* probe(op, s, p, init, plain, rk, rs, n) -> one line describing what op returned or
 * raised. Uses no string pattern function itself (it runs in both states). */
static const char probe_lua[] =
	"local function ser(ok, ...)\n"
	"  local t = { ok and 'ok' or 'err', tostring(select('#', ...)) }\n"
	"  for i = 1, select('#', ...) do\n"
	"    local v = select(i, ...)\n"
	"    t[#t + 1] = math.type(v) or type(v)\n"
	"    t[#t + 1] = tostring(v)\n"
	"  end\n"
	"  return table.concat(t, '|')\n"
	"end\n"
	"local tab = { a = 'A', b = false, x = 1, [''] = 'E', [1] = 'P1', [3] = {}, ab = 'AB' }\n"
	"local function fn(...)\n"
	"  local a = ...\n"
	"  if a == 'b' then return nil end\n"
	"  if a == 'x' then return {} end\n"
	"  if a == '1' then return 7 end\n"
	"  local t = { ... }\n"
	"  for i = 1, #t do t[i] = tostring(t[i]) end\n"
	"  return '<' .. table.concat(t, ',') .. '>'\n"
	"end\n"
	"function probe(op, s, p, init, plain, rk, rs, n)\n"
	"  if op == 'find' then return ser(pcall(string.find, s, p, init, plain)) end\n"
	"  if op == 'mfind' then return ser(pcall(function() return s:find(p, init, plain) end)) end\n"
	"  if op == 'match' then return ser(pcall(string.match, s, p, init)) end\n"
	"  if op == 'gmatch' then\n"
	"    return ser(pcall(function()\n"
	"      local out, k = {}, 0\n"
	"      for a, b, c in string.gmatch(s, p, init) do\n"
	"        k = k + 1\n"
	"        out[#out + 1] = ser(true, a, b, c)\n"
	"        if k > 40 then break end\n"
	"      end\n"
	"      return table.concat(out, ';')\n"
	"    end))\n"
	"  end\n"
	"  if op == 'gsub' then\n"
	"    local r = rs\n"
	"    if rk == 1 then r = tab elseif rk == 2 then r = fn elseif rk == 3 then r = 42\n"
	"    elseif rk == 4 then r = nil elseif rk == 5 then r = true end\n"
	"    return ser(pcall(string.gsub, s, p, r, n))\n"
	"  end\n"
	"  if op == 'rep' then return ser(pcall(string.rep, s, n, rs)) end\n"
	"  error('bad op ' .. tostring(op))\n"
	"end\n";

struct probe {
	const char *op;
	const char *s;
	size_t sl;
	const char *p;
	size_t pl;
	int has_init;
	long long init;
	int plain; /* -1: absent */
	int rk;    /* gsub replacement kind: 0 string rs, 1 table, 2 function, 3 number… */
	const char *rs;
	int has_n;
	long long n;
};

static lua_State *stock, *ours;
static struct rt_lua_ctx ours_ctx;
static unsigned long ncompared;

static lua_State *load_probe(lua_State *L)
{
	if (luaL_loadstring(L, probe_lua) != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK)
		fail_msg("probe chunk: %s", lua_tostring(L, -1));
	return L;
}

static int setup(void **state)
{
	struct rt_err err = { 0 };

	(void)state;
	stock = luaL_newstate();
	assert_non_null(stock);
	luaL_openlibs(stock);
	load_probe(stock);
	memset(&ours_ctx, 0, sizeof(ours_ctx));
	ours_ctx.datadir = rt_test_srcdir();
	ours = rt_lua_new(&ours_ctx, 1, &err);
	assert_non_null(ours);
	load_probe(ours);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lua_close(stock);
	rt_lua_close(ours);
	return 0;
}

/* Runs the probe in L; the result line is copied into out. */
static void run_probe(lua_State *L, const struct probe *pr, char *out, size_t outsz)
{
	size_t n;
	const char *r;

	lua_getglobal(L, "probe");
	lua_pushstring(L, pr->op);
	lua_pushlstring(L, pr->s, pr->sl);
	lua_pushlstring(L, pr->p, pr->pl);
	if (pr->has_init)
		lua_pushinteger(L, pr->init);
	else
		lua_pushnil(L);
	if (pr->plain < 0)
		lua_pushnil(L);
	else
		lua_pushboolean(L, pr->plain);
	lua_pushinteger(L, pr->rk);
	lua_pushstring(L, pr->rs ? pr->rs : "");
	if (pr->has_n)
		lua_pushinteger(L, pr->n);
	else
		lua_pushnil(L);
	if (lua_pcall(L, 8, 1, 0) != LUA_OK)
		fail_msg("probe raised: %s", lua_tostring(L, -1));
	r = lua_tolstring(L, -1, &n);
	snprintf(out, outsz, "%.*s", (int)n, r);
	lua_pop(L, 1);
}

static void show(char *dst, size_t dsz, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < dsz; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f)
			dst[o++] = (char)c;
		else
			o += (size_t)snprintf(dst + o, dsz - o, "\\x%02x", c);
	}
	dst[o] = '\0';
}

static void compare(const struct probe *pr)
{
	static char a[16384], b[16384];

	run_probe(stock, pr, a, sizeof(a));
	run_probe(ours, pr, b, sizeof(b));
	ncompared++;
	if (strcmp(a, b) != 0) {
		char s[256], p[256];

		show(s, sizeof(s), pr->s, pr->sl);
		show(p, sizeof(p), pr->p, pr->pl);
		fail_msg("%s(\"%s\", \"%s\", init=%s%lld plain=%d rk=%d rs=\"%s\" n=%s%lld):\n"
			 "  stock: %s\n  ours:  %s",
			 pr->op, s, p, pr->has_init ? "" : "none/", pr->init, pr->plain, pr->rk,
			 pr->rs ? pr->rs : "", pr->has_n ? "" : "none/", pr->n, a, b);
	}
}

/* All operations on one subject/pattern pair, with a few inits and replacements. */
static void compare_all(const char *s, size_t sl, const char *p, size_t pl)
{
	static const char *const repls[] = { "%0", "[%1]", "%2-%1", "%%", "%", "%x", "x%9", "" };
	static const long long inits[] = { 1, 2, -1, -3, 0, 5, 100, -100 };
	struct probe pr = { 0 };
	size_t i;

	pr.s = s;
	pr.sl = sl;
	pr.p = p;
	pr.pl = pl;
	pr.plain = -1;
	pr.op = "find";
	compare(&pr);
	pr.op = "match";
	compare(&pr);
	pr.op = "gmatch";
	compare(&pr);
	pr.op = "gsub";
	for (i = 0; i < 6; i++) {
		pr.rk = (int)i;
		compare(&pr);
	}
	pr.rk = 0;
	for (i = 0; i < sizeof(repls) / sizeof(repls[0]); i++) {
		pr.rs = repls[i];
		compare(&pr);
	}
	pr.has_n = 1;
	for (pr.n = -1; pr.n <= 2; pr.n++)
		compare(&pr);
	pr.has_n = 0;
	pr.has_init = 1;
	for (i = 0; i < sizeof(inits) / sizeof(inits[0]); i++) {
		pr.init = inits[i];
		pr.op = "find";
		pr.plain = -1;
		compare(&pr);
		pr.plain = 1;
		compare(&pr);
		pr.op = "mfind";
		pr.plain = 0;
		compare(&pr);
		pr.plain = -1;
		pr.op = "match";
		compare(&pr);
		pr.op = "gmatch";
		compare(&pr);
	}
}

static void cmp_str(const char *s, const char *p)
{
	compare_all(s, strlen(s), p, strlen(p));
}

/* Hand-picked: the manual's examples and each item, anchor, capture kind and error. */
static void test_handpicked(void **state)
{
	static const char *const pairs[][2] = {
		{ "hello world from Lua", "%a+" },
		{ "hello world", "(%w+)" },
		{ "hello world", "(%w+) (%w+)" },
		{ "key = value, k2=v2", "(%w+)%s*=%s*(%w+)" },
		{ "THE (quick) fox", "%f[%a]%a+" },
		{ "THE (quick) fox", "%f[%A]" },
		{ "x = [[a [b] c]] y", "%b[]" },
		{ "f(a(b)c)d)", "%b()" },
		{ "f(a(b", "%b()" },
		{ "aXa", "%baa" },
		{ "day 12/05/2026 ok", "(%d+)/(%d+)/(%d+)" },
		{ "  trim me  ", "^%s*(.-)%s*$" },
		{ "abc", "^(a)" },
		{ "abc", "()b()" },
		{ "abc", "()" },
		{ "", "" },
		{ "", "^$" },
		{ "", ".-" },
		{ "abc", "" },
		{ "abc", "$" },
		{ "a$b", "a$b" },
		{ "a$b", "$b" },
		{ "a^b", "a^b" },
		{ "^ab", "^^a" },
		{ "aaa", "a-" },
		{ "aaa", "a-$" },
		{ "aaab", "a*b" },
		{ "aaab", "a+?" },
		{ "b", "a?b" },
		{ "abab", "(ab)%1" },
		{ "abab", "(a)(b)%2" },
		{ "aa", "()a%1" },
		{ "[]]", "[]]" },
		{ "a]b", "[^]]+" },
		{ "a-z", "[a-]" },
		{ "a-z", "[-a]+" },
		{ "%a", "[%%]" },
		{ "a.b", "%." },
		{ "a\0b", "%z" },
		{ "a\0b", "a%zb" },
		{ "zZ", "%z%Z" },
		{ "abc", "[a-c]+" },
		{ "ABC abc", "[%u]+" },
		{ "x1_y", "[%w_]+" },
		{ "\x80\xff", "[\x80-\xff]+" },
		{ "abc", "(" },
		{ "abc", ")" },
		{ "abc", "a)" },
		{ "abc", "(()" },
		{ "abc", "%" },
		{ "abc", "a%" },
		{ "abc", "[a" },
		{ "abc", "[%" },
		{ "abc", "[]" },
		{ "abc", "[^]" },
		{ "abc", "%b" },
		{ "abc", "%ba" },
		{ "abc", "%f" },
		{ "abc", "%fa" },
		{ "abc", "%f[" },
		{ "abc", "%1" },
		{ "abc", "%0" },
		{ "abc", "(a%1)" },
		{ "abc", "(a)%2" },
		{ "abc", "%9" },
		{ "a.b", "." },
		{ "a+b", "a+b" },
		{ "a+b", "a%+b" },
		{ "hello", "l+" },
		{ "hello", "(h)(e)(l)(l)(o)" },
		{ "one two  three", "%S+" },
		{ "one two  three", "%s*" },
		{ "x", "x*" },
		{ "abc", ".-b" },
		{ "abc", "[^%a]" },
		{ "a1b2", "%d" },
		{ "a1b2", "%D" },
		{ "0xFF", "%x+" },
		{ "a,b,,c", "([^,]*)" },
		{ "abc", "b*" },
		{ "abc", "x*" },
		{ "abc", "%f[%w]%w+" },
		{ "name=val", "^(%w+)=(%w*)$" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		cmp_str(pairs[i][0], pairs[i][1]);
	/* Embedded zeros in subject and pattern. */
	compare_all("a\0b\0c", 5, "\0", 1);
	compare_all("a\0b\0c", 5, "%z", 2);
	compare_all("a\0b\0c", 5, "[\0b]+", 5);
	compare_all("a\0b(", 4, "\0b(", 3);
	compare_all("a\0b", 3, "a\0.", 3);
	compare_all("ab", 2, "\0*", 2);
	/* Depth: 199 nested ? items are fine, 200 are "pattern too complex" (stock limit),
	 * and many zero-width * items nest no deeper. */
	{
		static char sub[400], pat[2000];
		int n;

		memset(sub, 'a', 300);
		sub[300] = 0;
		for (n = 198; n <= 201; n++) {
			int k;

			pat[0] = 0;
			for (k = 0; k < n; k++)
				strcat(pat, "a?");
			cmp_str(sub, pat);
			pat[0] = 0;
			for (k = 0; k < n; k++)
				strcat(pat, "a-");
			cmp_str(sub, pat);
			pat[0] = 0;
			for (k = 0; k < n && k < 40; k++)
				strcat(pat, "(a)");
			cmp_str(sub, pat);
		}
		pat[0] = 0;
		for (n = 0; n < 600; n++)
			strcat(pat, "b*");
		cmp_str("aaa", pat);
	}
}

static uint64_t rng = 0x5EED5EED12345678ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Generated: patterns glued from tokens (valid items, quantifiers, broken pieces),
 * subjects from the characters those tokens talk about. */
static void test_generated(void **state)
{
	static const char *const tok[] = {
		"a", "b", "x", ".", "%a", "%d", "%s", "%w", "%x", "%p", "%A", "%S", "%%", "%(",
		"%.", "[ab]", "[^a]", "[a-c]", "[%a_]", "[]]", "[^]]", "[a-]", "[%]]", "*", "+",
		"-", "?", "(", ")", "()", "%b()", "%bab", "%f[%w]", "%f[%W]", "%f[a]", "%1", "%2",
		"%0", "^", "$", "[", "%", "%b", "%f", "%fa", "1", " ", "(a*)", "(.-)", "a*", "b+",
		".-", "%d+", "(%w+)", "[%s,]", "%z",
	};
	static const char subj_chars[] = "aab(b)[]x1 .,%-^$A9";
	size_t ntok = sizeof(tok) / sizeof(tok[0]);
	char s[32], p[128];
	int iter;

	(void)state;
	for (iter = 0; iter < 6000; iter++) {
		size_t sl = rnd(14), pl = 0, i;
		uint32_t nt = 1 + rnd(6);

		for (i = 0; i < sl; i++)
			s[i] = rnd(16) == 0 ? (char)rnd(256) : subj_chars[rnd(sizeof(subj_chars) - 1)];
		for (i = 0; i < nt; i++) {
			const char *t = tok[rnd((uint32_t)ntok)];
			size_t tl = strlen(t);

			memcpy(p + pl, t, tl);
			pl += tl;
		}
		compare_all(s, sl, p, pl);
	}
	print_message("strpat: %lu comparisons identical to stock Lua\n", ncompared);
}

/* string.rep: same as stock for ordinary sizes; the two bounds are ours. */
static void test_rep(void **state)
{
	static const char *const subj[] = { "", "a", "ab", "xyz" };
	static const char *const seps[] = { "", ",", "--" };
	struct probe pr = { 0 };
	size_t i, j;

	(void)state;
	pr.op = "rep";
	pr.p = "";
	pr.plain = -1;
	pr.has_n = 1;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 3; j++)
			for (pr.n = -1; pr.n <= 9; pr.n++) {
				pr.s = subj[i];
				pr.sl = strlen(subj[i]);
				pr.rs = seps[j];
				compare(&pr);
			}
	pr.s = "ab";
	pr.sl = 2;
	pr.rs = "";
	pr.n = 5000;
	compare(&pr);
	pr.rs = "xyz";
	pr.n = 4097;
	compare(&pr);
	pr.n = (long long)1 << 40; /* too large for both: the same message */
	compare(&pr);
	{
		double t0 = rt_time_s();

		assert_int_equal(luaL_dostring(ours, "return string.rep('', 1e12) == '' and "
					       "string.rep('', 1e12, '') == ''"),
				 LUA_OK);
		assert_true(lua_toboolean(ours, -1));
		lua_pop(ours, 1);
		assert_true(rt_time_s() - t0 < 1.0); /* stock: hours */
		assert_int_not_equal(luaL_dostring(ours, "return string.rep('x', 100 * 2^20)"),
				     LUA_OK);
		assert_non_null(strstr(lua_tostring(ours, -1), "over the sandbox's 64 MiB cap"));
		lua_pop(ours, 1);
	}
}

/* table.move (rt_lua_bounded): the chunked version moves exactly what stock moves,
 * overlapping either way and across tables, with stock's errors. */
static const char move_lua[] =
	"local out = {}\n"
	"local function sig(t, lo, hi)\n"
	"  local h, c = 0, 0\n"
	"  for i = lo, hi do local v = rawget(t, i); if v then h = (h * 31 + v * (i % 7 + 1)) % 1000000007; c = c + 1 end end\n"
	"  return h .. '/' .. c\n"
	"end\n"
	"local function fill(n) local t = {} for i = 1, n do t[i] = i end return t end\n"
	"local N = 200000\n"
	"local cases = {\n"
	"  { 1, N, 50001 }, { 50001, N, 1 }, { 1, N, N + 1 }, { 2, N, 1 }, { 1, N - 1, 2 },\n"
	"  { 1, N, 1 }, { 70000, 70000 + 65535, 70001 }, { 1, 65537, 3 }, { 5, 4, 1 },\n"
	"  { -100000, 100000, 1 }, { 1, N, -300000 },\n"
	"}\n"
	"for _, c in ipairs(cases) do\n"
	"  local a = fill(N)\n"
	"  local ok, r = pcall(table.move, a, c[1], c[2], c[3])\n"
	"  out[#out + 1] = tostring(ok) .. ':' .. tostring(r == a) .. ':' .. sig(a, -400000, 2 * N + 2)\n"
	"  local b = {}\n"
	"  ok = pcall(table.move, fill(N), c[1], c[2], c[3], b)\n"
	"  out[#out + 1] = tostring(ok) .. ':' .. sig(b, -400000, 2 * N + 2)\n"
	"end\n"
	"local log = {}\n"
	"local src = setmetatable({}, { __index = function(_, k) return k * 2 end })\n"
	"local dst = setmetatable({}, { __newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end })\n"
	"table.move(src, 1, 70000, 10, dst)\n"
	"out[#out + 1] = #log .. ':' .. log[1] .. ':' .. log[#log] .. ':' .. sig(dst, 1, 70010)\n"
	"for _, args in ipairs{ { {}, 1, math.maxinteger, 2 }, { {}, -5, math.maxinteger, 2 },\n"
	"    { {}, 1, 1e6, math.maxinteger }, { {}, 1, 1e6, 2, 5 }, { 7, 1, 1e6, 2 }, { {}, 'x', 1, 1 } } do\n"
	"  out[#out + 1] = select(2, pcall(table.move, table.unpack(args, 1, 5)))\n"
	"end\n"
	"return table.concat(out, '\\n')\n";

static void test_table_move(void **state)
{
	char a[8192];
	const char *b;

	(void)state;
	if (luaL_dostring(stock, move_lua) != LUA_OK)
		fail_msg("stock: %s", lua_tostring(stock, -1));
	snprintf(a, sizeof(a), "%s", lua_tostring(stock, -1));
	lua_settop(stock, 0);
	if (luaL_dostring(ours, move_lua) != LUA_OK)
		fail_msg("ours: %s", lua_tostring(ours, -1));
	b = lua_tostring(ours, -1);
	if (strcmp(a, b) != 0) {
		size_t i = 0, line = 1;

		for (; a[i] && a[i] == b[i]; i++)
			line += a[i] == '\n';
		while (i > 0 && a[i - 1] != '\n')
			i--;
		fail_msg("table.move differs from line %zu:\n  stock: %.*s\n  ours:  %.*s", line,
			 (int)strcspn(a + i, "\n"), a + i, (int)strcspn(b + i, "\n"), b + i);
	}
	lua_settop(ours, 0);
}

/* The point of rt_strpat: a match that would backtrack for hours ends at the deadline,
 * through every entry point, with the timeout message. */
/* table.sort (rt_lua_bounded): sorts as stock (default order, comparator, stock's
 * errors); the default order stops at RT_BOUNDED_SORT_MAX elements. */
static void test_table_sort(void **state)
{
	static const char *const ok_chunks[] = {
		"local t = {5, 3, 9, 1}; table.sort(t); return table.concat(t, ',') == '1,3,5,9'",
		"local t = {5, 3, 9, 1}; table.sort(t, function(a, b) return a > b end); "
		"return table.concat(t, ',') == '9,5,3,1'",
		"local t = {}; for i = 1, (1 << 20) do t[i] = -i end; table.sort(t); "
		"return t[1] == -(1 << 20)",
		"local t = {}; for i = 1, (1 << 20) + 1 do t[i] = i end; "
		"table.sort(t, function(a, b) return a < b end); return t[1] == 1",
		"return not pcall(table.sort, {1, 'x'})",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok_chunks) / sizeof(ok_chunks[0]); i++) {
		if (luaL_dostring(ours, ok_chunks[i]) != LUA_OK || !lua_toboolean(ours, -1))
			fail_msg("%s: %s", ok_chunks[i], lua_tostring(ours, -1));
		lua_settop(ours, 0);
	}
	assert_int_not_equal(luaL_dostring(ours, "local t = {}; for i = 1, (1 << 20) + 1 do "
					       "t[i] = i end; table.sort(t)"),
			     LUA_OK);
	if (!strstr(lua_tostring(ours, -1), "pass a comparator function"))
		fail_msg("unexpected error %s", lua_tostring(ours, -1));
	lua_settop(ours, 0);
}

static void test_deadline(void **state)
{
	static const char *const chunks[][2] = {
		{ "string.find(('a'):rep(30), ('a*'):rep(30) .. 'b')", "string.find" },
		{ "local s = ('a'):rep(30); return s:find(('a*'):rep(30) .. 'b')", "string.find" },
		{ "return string.match(('a'):rep(30), ('a*'):rep(30) .. 'b')", "string.match" },
		{ "for x in string.gmatch(('a'):rep(30), ('a*'):rep(30) .. 'b') do end",
		  "string.gmatch" },
		{ "return string.gsub(('a'):rep(30), ('a-'):rep(30) .. 'b', '')", "string.gsub" },
		/* Quadratic, not exponential: 60000 starts, each scanning to the end. */
		{ "return string.find(('('):rep(60000), '%b()')", "string.find" },
		/* Moving nils allocates nothing: stock runs for hours (rt_lua_bounded). */
		{ "return table.move({}, 1, 1e12, 2)", "table.move" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		double t0 = rt_time_s(), dt;
		int rc;

		ours_ctx.timeout = 0.2;
		ours_ctx.deadline = t0 + 0.2;
		rc = luaL_dostring(ours, chunks[i][0]);
		dt = rt_time_s() - t0;
		ours_ctx.deadline = 0;
		assert_int_not_equal(rc, LUA_OK);
		if (!strstr(lua_tostring(ours, -1), "case deadline exceeded inside") ||
		    !strstr(lua_tostring(ours, -1), chunks[i][1]) ||
		    !strstr(lua_tostring(ours, -1), "timeout"))
			fail_msg("%s: unexpected error %s", chunks[i][0], lua_tostring(ours, -1));
		lua_settop(ours, 0);
		if (dt > 2.0)
			fail_msg("%s: ended after %.2f s (deadline 0.2 s)", chunks[i][0], dt);
	}
	/* The state is still usable afterwards. */
	assert_int_equal(luaL_dostring(ours, "return ('abc'):find('b')"), LUA_OK);
	assert_int_equal(lua_tointeger(ours, -1), 2);
	lua_settop(ours, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handpicked),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_rep),
		cmocka_unit_test(test_table_move),
		cmocka_unit_test(test_table_sort),
		cmocka_unit_test(test_deadline),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
