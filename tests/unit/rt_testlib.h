/* SPDX-License-Identifier: Apache-2.0 */
/* rt_testlib — helpers shared by the cmocka unit tests (include after <cmocka.h>):
 * reading a test file, and running a Lua chunk against binding modules. Header-only
 * (static inline) because every tests/unit/test_*.c is its own executable. */
#ifndef RT_TESTLIB_H
#define RT_TESTLIB_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "util/rt_err.h"
#include "util/rt_hex.h"

/* Reads the file at the printf-style path into a malloc'd buffer (NUL-terminated for
 * text files); fails the test when it cannot. The caller frees. */
static inline uint8_t *rt_test_slurp(size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline uint8_t *rt_test_slurp(size_t *n, const char *fmt, ...)
{
	char path[1024];
	uint8_t *buf;
	va_list ap;
	FILE *f;
	long sz;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)sz + 1);
	assert_non_null(buf);
	*n = fread(buf, 1, (size_t)sz, f);
	buf[*n] = 0;
	fclose(f);
	return buf;
}

/* Hex text (spaces allowed) -> bytes in out; fails the test on bad hex. */
static inline size_t unhex(const char *hex, uint8_t *out, size_t outsz)
{
	struct rt_err err = { 0 };
	size_t n = 0;

	if (rt_hex_decode(hex, strlen(hex), out, outsz, &n, &err))
		fail_msg("hex: %s", err.msg);
	return n;
}

/* Fails unless the error message contains needle. */
static inline void assert_err_has(const struct rt_err *err, const char *needle)
{
	if (!strstr(err->msg, needle))
		fail_msg("error '%s' lacks '%s'", err->msg, needle);
}

/* Fails unless b[0..n) equals the bytes of hex. */
static inline void assert_hex(const uint8_t *b, size_t n, const char *hex)
{
	static uint8_t want[4096];
	static char got[8193];
	size_t wn = unhex(hex, want, sizeof(want));

	if (n != wn || memcmp(b, want, n) != 0) {
		if (n > 4096)
			n = 4096;
		rt_hex_encode(b, n, got, sizeof(got));
		fail_msg("got %s, want %s", got, hex);
	}
}

/* The source tree, for test data (ctest sets RT_SRCDIR). */
static inline const char *rt_test_srcdir(void)
{
	const char *s = getenv("RT_SRCDIR");

	return s ? s : ".";
}

static inline int rt_test_traceback(lua_State *L)
{
	luaL_traceback(L, L, lua_tostring(L, 1), 1);
	return 1;
}

/* Lua helpers every binding test uses: H(hex) -> bytes, X(bytes) -> hex, and
 * raises(needle, fn, ...) asserting that fn(...) fails with a message containing needle. */
static const char rt_test_lua_helpers[] =
	"hex = require 'rt.hex'\n"
	"function H(s) return hex.decode(s) end\n"
	"function X(b) return hex.encode(b) end\n"
	"function raises(needle, fn, ...)\n"
	"  local ok, msg = pcall(fn, ...)\n"
	"  assert(not ok, 'expected an error containing: ' .. needle)\n"
	"  msg = tostring(msg)\n"
	"  assert(msg:find(needle, 1, true), 'error \"' .. msg .. '\" lacks \"' .. needle .. '\"')\n"
	"end\n";

/* Runs code in a fresh state with the standard libraries, the modules of mods preloaded
 * under their names, the helpers above, then prelude (module globals); fails the test
 * with the traceback on any error. */
static inline void rt_test_lua_run(const luaL_Reg *mods, const char *prelude, const char *name,
				   const char *code)
{
	const char *chunks[3] = { rt_test_lua_helpers, prelude, code };
	const char *names[3] = { "=helpers", "=prelude", name };
	lua_State *L = luaL_newstate();
	int rc = 0, i;

	assert_non_null(L);
	luaL_openlibs(L);
	for (; mods->name; mods++)
		luaL_requiref(L, mods->name, mods->func, 0);
	lua_settop(L, 0);
	lua_pushcfunction(L, rt_test_traceback);
	for (i = 0; i < 3 && !rc; i++) {
		rc = luaL_loadbuffer(L, chunks[i], strlen(chunks[i]), names[i]);
		if (!rc)
			rc = lua_pcall(L, 0, 0, 1);
	}
	if (rc) {
		char msg[2048];

		snprintf(msg, sizeof(msg), "%s", lua_tostring(L, -1));
		lua_close(L);
		fail_msg("%s", msg);
	}
	lua_close(L);
}

#endif
