/* SPDX-License-Identifier: Apache-2.0 */
/* rt_repl_edit — the terminal prompt of `rsptest lua`: libedit line editing and
 * history, multi-line chunks, Ctrl-C; see rt_repl.h.
 *
 * Ctrl-C: while a line is edited the terminal's ISIG is off (settty -d -isig), so ^C is
 * a character, which our character reader turns into "discard the line (and any
 * unfinished chunk)" — a key binding would not do: libedit rebinds the tty's intr
 * character to its own ed-tty-sigint whenever the tty modes change; while a chunk runs the
 * terminal is back in its normal mode and ^C is SIGINT, whose handler sets a Lua hook
 * that raises "interrupted" at the next instruction — the standalone lua's method
 * (lua.c laction) — so the chunk stops and the session stays. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <histedit.h>
#include <lauxlib.h>
#include <lua.h>

#include "cli/rt_repl.h"
#include "lua/rt_lua.h"
#include "util/rt_fs.h"

#define RT_REPL_CHUNK_MAX (1u << 20) /* an unfinished chunk longer than this is dropped */
#define RT_REPL_HISTORY_SIZE 1000

struct rt_repl {
	EditLine *el;
	History *hist;
	lua_State *L;
	const char *prompt;
	int cancelled;       /* ^C while editing */
	char histfile[4096]; /* "" = no history file */
	int hist_warned;
};

static lua_State *volatile rt_repl_running; /* the state while a chunk runs, else NULL */

static void rt_repl_stop(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_sethook(L, NULL, 0, 0);
	luaL_error(L, "interrupted");
}

/* lua_sethook is async-signal-safe (Lua 5.4 manual, lua_sethook). */
static void rt_repl_on_sigint(int sig)
{
	lua_State *L = rt_repl_running;

	(void)sig;
	if (L)
		lua_sethook(L, rt_repl_stop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

static char *rt_repl_prompt(EditLine *el)
{
	struct rt_repl *r;

	el_get(el, EL_CLIENTDATA, &r);
	return (char *)r->prompt;
}

/* libedit's character reader (EL_GETCFN): one character from the terminal, decoded from
 * the locale's multibyte form; ^C ends the line with the line marked as cancelled.
 * 1 = a character, 0 = end of input, -1 = error. */
static int rt_repl_getc(EditLine *el, wchar_t *wc)
{
	struct rt_repl *r;
	mbstate_t st;
	size_t got = 0;

	el_get(el, EL_CLIENTDATA, &r);
	memset(&st, 0, sizeof(st));
	for (;;) {
		unsigned char c;
		ssize_t k = read(STDIN_FILENO, &c, 1);
		size_t rc;

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return (int)k;
		if (c == 0x03 && got == 0) {
			r->cancelled = 1;
			*wc = L'\n';
			return 1;
		}
		got++;
		rc = mbrtowc(wc, (const char *)&c, 1, &st);
		if (rc == (size_t)-2 && got < MB_LEN_MAX)
			continue; /* more bytes of this character */
		if (rc == (size_t)-1 || rc == (size_t)-2)
			*wc = (wchar_t)c; /* not valid in the locale: the byte itself */
		return 1;
	}
}

/* Lists the candidates under the line, in columns of the widest name. */
static void rt_repl_list(const struct rt_repl_matches *m)
{
	size_t i, w = 0, cols;

	for (i = 0; i < m->n; i++)
		if (strlen(m->v[i]) > w)
			w = strlen(m->v[i]);
	cols = 78 / (w + 2);
	if (cols == 0)
		cols = 1;
	fputc('\n', stdout);
	for (i = 0; i < m->n; i++)
		fprintf(stdout, "%-*s%s", (int)(w + 2), m->v[i],
			(i + 1) % cols == 0 || i + 1 == m->n ? "\n" : "");
	fflush(stdout);
}

static unsigned char rt_repl_tab(EditLine *el, int ch)
{
	struct rt_repl *r;
	const LineInfo *li = el_line(el);
	const char *start = li->cursor;
	struct rt_repl_matches m;
	unsigned char rc = CC_REFRESH_BEEP;
	char add[512];
	size_t common, i;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &r);
	while (start > li->buffer) {
		char c = start[-1];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == ':'))
			break;
		start--;
	}
	if (rt_repl_complete(r->L, start, (size_t)(li->cursor - start), &m) != 0 || m.n == 0)
		return CC_REFRESH_BEEP;
	/* The longest common start of the candidates, past what is typed. */
	common = strlen(m.v[0]);
	for (i = 1; i < m.n; i++) {
		size_t k = 0;

		while (k < common && m.v[i][k] == m.v[0][k])
			k++;
		common = k;
	}
	if (common > m.prefix_len) {
		size_t n = common - m.prefix_len;

		if (n > sizeof(add) - 2)
			n = sizeof(add) - 2;
		memcpy(add, m.v[0] + m.prefix_len, n);
		add[n] = m.n == 1 ? m.suffix : '\0';
		add[n + 1] = '\0';
		rc = el_insertstr(el, add) == 0 ? CC_REFRESH : CC_REFRESH_BEEP;
	} else if (m.n == 1) {
		add[0] = m.suffix;
		add[1] = '\0';
		rc = add[0] && el_insertstr(el, add) == 0 ? CC_REFRESH : CC_REFRESH_BEEP;
	} else {
		rt_repl_list(&m);
		rc = CC_REDISPLAY;
	}
	rt_repl_matches_free(&m);
	return rc;
}

/* $RSPTEST_LUA_HISTORY, else $XDG_STATE_HOME/rsptest/lua_history, else
 * ~/.local/state/rsptest/lua_history (XDG Base Directory: history is state). */
static void rt_repl_histfile(struct rt_repl *r)
{
	const char *env = getenv("RSPTEST_LUA_HISTORY"), *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	r->histfile[0] = '\0';
	if (env && *env)
		n = snprintf(r->histfile, sizeof(r->histfile), "%s", env);
	else if (xdg && *xdg == '/')
		n = snprintf(r->histfile, sizeof(r->histfile), "%s/rsptest/lua_history", xdg);
	else if (home && *home)
		n = snprintf(r->histfile, sizeof(r->histfile), "%s/.local/state/rsptest/lua_history",
			     home);
	else
		return;
	if (n < 0 || (size_t)n >= sizeof(r->histfile))
		r->histfile[0] = '\0';
}

static void rt_repl_remember(struct rt_repl *r, const char *line)
{
	HistEvent ev;
	const char *p;

	for (p = line; *p == ' ' || *p == '\t' || *p == '\n'; p++)
		;
	if (!*p)
		return;
	history(r->hist, &ev, H_ENTER, line);
	/* Saved after every line, so a killed session keeps what was typed. */
	if (r->histfile[0] &&
	    (rt_fs_mkparents(r->histfile) != 0 || history(r->hist, &ev, H_SAVE, r->histfile) < 0) &&
	    !r->hist_warned) {
		fprintf(stderr, "rsptest lua: cannot save the history in %s\n", r->histfile);
		r->hist_warned = 1;
	}
}

static int rt_repl_setup(struct rt_repl *r, lua_State *L)
{
	HistEvent ev;

	memset(r, 0, sizeof(*r));
	r->L = L;
	r->prompt = "rt> ";
	r->hist = history_init();
	r->el = el_init("rsptest", stdin, stdout, stderr);
	if (!r->hist || !r->el)
		return -1;
	history(r->hist, &ev, H_SETSIZE, RT_REPL_HISTORY_SIZE);
	history(r->hist, &ev, H_SETUNIQUE, 1);
	rt_repl_histfile(r);
	if (r->histfile[0])
		history(r->hist, &ev, H_LOAD, r->histfile); /* none yet is fine */
	el_set(r->el, EL_CLIENTDATA, r);
	el_set(r->el, EL_EDITOR, "emacs");
	el_set(r->el, EL_SIGNAL, 1);
	el_set(r->el, EL_HIST, history, r->hist);
	el_set(r->el, EL_PROMPT, rt_repl_prompt);
	el_source(r->el, NULL); /* ~/.editrc */
	el_set(r->el, EL_SETTY, "-d", "-isig", NULL);
	/* The wide call: libedit's narrow el_set(EL_ADDFN) wcsdup()s the name and help
	 * and never frees them (LeakSanitizer in the sanitizer build). */
	el_wset(r->el, EL_ADDFN, L"rt-complete", L"complete a Lua name", rt_repl_tab);
	el_set(r->el, EL_BIND, "^I", "rt-complete", NULL);
	el_set(r->el, EL_GETCFN, rt_repl_getc);
	return 0;
}

/* Runs the function on top of the stack (above base) and prints what it returns. */
static void rt_repl_exec(lua_State *L, int base)
{
	struct rt_lua_result res;
	enum rt_lua_outcome o;
	int nres;

	rt_repl_running = L;
	o = rt_lua_pcall(L, 0, LUA_MULTRET, &res);
	rt_repl_running = NULL;
	lua_sethook(L, NULL, 0, 0); /* a ^C that came as the chunk ended */
	if (o == RT_LUA_OK) {
		nres = lua_gettop(L) - base;
		if (nres > 0) {
			lua_pushcfunction(L, rt_repl_print_values);
			lua_insert(L, base + 1);
			o = rt_lua_pcall(L, nres, 0, &res);
		}
	}
	if (o != RT_LUA_OK)
		fprintf(stderr, "%s%s\n", o == RT_LUA_FAIL ? "FAIL: " : "",
			res.detail[0] ? res.detail : res.message);
	fflush(stderr);
	lua_settop(L, base);
}

/* 1 when the syntax error on top says the chunk just needs more lines (lua.c incomplete). */
static int rt_repl_incomplete(lua_State *L)
{
	size_t n;
	const char *msg = lua_tolstring(L, -1, &n);

	return msg && n >= 5 && strcmp(msg + n - 5, "<eof>") == 0;
}

void rt_repl_run(lua_State *L)
{
	struct rt_repl r;
	struct sigaction sa, old;
	char *chunk = NULL;
	size_t used = 0;

	setlocale(LC_CTYPE, ""); /* libedit edits UTF-8 lines as characters */
	if (rt_repl_setup(&r, L) != 0) {
		fprintf(stderr, "rsptest lua: cannot set up line editing\n");
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rt_repl_on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	printf("rsptest lua %s — rt.* modules are loaded; Tab completes, Ctrl-C interrupts, "
	       "Ctrl-D leaves\n",
	       RT_VERSION);
	for (;;) {
		int count, base = lua_gettop(L), st;
		const char *line;
		size_t n;
		char *grown;

		r.prompt = used ? "rt>> " : "rt> ";
		r.cancelled = 0;
		line = el_gets(r.el, &count);
		if (!line || count <= 0) {
			if (count < 0 && errno == EINTR)
				continue;
			break;
		}
		if (r.cancelled) {
			used = 0; /* the line and any unfinished chunk */
			continue;
		}
		n = strlen(line);
		if (used + n + 8 > RT_REPL_CHUNK_MAX) {
			fprintf(stderr, "rsptest lua: chunk longer than %u bytes, dropped\n",
				RT_REPL_CHUNK_MAX);
			used = 0;
			continue;
		}
		grown = realloc(chunk, used + n + 8);
		if (!grown)
			break;
		chunk = grown;
		memcpy(chunk + used, line, n + 1);
		used += n;
		{
			char one[4096];

			snprintf(one, sizeof(one), "%.*s", (int)(n && line[n - 1] == '\n' ? n - 1 : n),
				 line);
			rt_repl_remember(&r, one);
		}
		/* A first line is tried as an expression (so `1+1` prints 2), then as a
		 * statement; more lines are read while the statement is unfinished. */
		if (used == n) {
			lua_pushfstring(L, "return %s", chunk);
			st = luaL_loadbufferx(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin", "t");
			lua_remove(L, -2);
			if (st == LUA_OK) {
				used = 0;
				rt_repl_exec(L, base);
				continue;
			}
			lua_pop(L, 1);
		}
		st = luaL_loadbufferx(L, chunk, used, "=stdin", "t");
		if (st == LUA_ERRSYNTAX && rt_repl_incomplete(L)) {
			lua_pop(L, 1);
			continue;
		}
		used = 0;
		if (st != LUA_OK) {
			fprintf(stderr, "%s\n", lua_tostring(L, -1));
			lua_settop(L, base);
			continue;
		}
		rt_repl_exec(L, base);
	}
	putchar('\n');
	sigaction(SIGINT, &old, NULL);
out:
	free(chunk);
	if (r.el)
		el_end(r.el);
	if (r.hist)
		history_end(r.hist);
}
