/* SPDX-License-Identifier: Apache-2.0 */
/* rt_runpar — parallel workers for `run -j N`; see rt_runpar.h. */
#include "engine/rt_runpar.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#define RT_RUNPAR_MAX 64

struct rt_runpar_frame {
	uint32_t idx;
	int32_t verdict;
	double seconds;
	uint32_t napdu;
	uint32_t len[4]; /* message, detail, trace, trace_file (0 = NULL) */
};

struct rt_runpar_worker {
	pid_t pid;
	int cmd, res; /* parent ends: case indexes out, results in */
	int busy;
	size_t idx; /* the case it runs while busy */
};

int rt_runpar_possible(const struct rt_run *run, char *why, size_t whysz)
{
	const struct rt_sut_card *sc = &run->sut->card;

	if (sc->transport == RT_SUT_CARD_PCSC) {
		snprintf(why, whysz, "the SUT is a PC/SC reader (one card: cases run serially)");
		return 0;
	}
	if (sc->transport == RT_SUT_CARD_LOOP && sc->state) {
		snprintf(why, whysz, "the reference card keeps a state file (%s)", sc->state);
		return 0;
	}
	return 1;
}

static int rt_runpar_write(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int rt_runpar_read(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Worker: runs the indexes read from cmd until EOF, one result frame each. */
static void rt_runpar_child(struct rt_run *run, int cmd, int res)
{
	uint32_t idx;
	char why[1024];

	while (rt_runpar_read(cmd, &idx, sizeof(idx)) == 0 && idx < run->cases->n) {
		struct rt_result *r = &run->results[idx];
		struct rt_runpar_frame f;
		const char *s[4];
		int k, bad = 0;

		if (rt_run_prepare(run, r, why, sizeof(why)))
			rt_run_case(run, r);
		s[0] = r->message;
		s[1] = r->detail;
		s[2] = r->trace;
		s[3] = r->trace_file;
		memset(&f, 0, sizeof(f));
		f.idx = idx;
		f.verdict = (int32_t)r->verdict;
		f.seconds = r->seconds;
		f.napdu = r->napdu;
		for (k = 0; k < 4; k++)
			f.len[k] = s[k] ? (uint32_t)strlen(s[k]) + 1 : 0;
		bad |= rt_runpar_write(res, &f, sizeof(f));
		for (k = 0; k < 4 && !bad; k++)
			if (f.len[k])
				bad |= rt_runpar_write(res, s[k], f.len[k]);
		fflush(run->opts.out); /* -v output: _exit does not flush */
		if (bad)
			break;
	}
	fflush(NULL);
	rt_run_free(run);
	_exit(0);
}

/* Reads one frame into the parent's copy of the result; -1 when the worker died. */
static int rt_runpar_collect(struct rt_run *run, int fd, struct rt_result **out)
{
	struct rt_runpar_frame f;
	struct rt_result *r;
	char **dst[4];
	int k;

	if (rt_runpar_read(fd, &f, sizeof(f)) != 0 || f.idx >= run->cases->n ||
	    f.verdict < RT_VERDICT_PASS || f.verdict > RT_VERDICT_SKIP)
		return -1;
	r = &run->results[f.idx];
	r->verdict = (enum rt_verdict)f.verdict;
	r->seconds = f.seconds;
	r->napdu = f.napdu;
	dst[0] = &r->message;
	dst[1] = &r->detail;
	dst[2] = &r->trace;
	dst[3] = &r->trace_file;
	for (k = 0; k < 4; k++) {
		free(*dst[k]);
		*dst[k] = NULL;
		if (!f.len[k])
			continue;
		*dst[k] = malloc(f.len[k]);
		if (!*dst[k] || rt_runpar_read(fd, *dst[k], f.len[k]) != 0)
			return -1;
		(*dst[k])[f.len[k] - 1] = '\0';
	}
	*out = r;
	return 0;
}

/* The next selected case to hand out; cases that do not apply are recorded here. */
static struct rt_result *rt_runpar_next(struct rt_run *run, size_t *pos)
{
	char why[1024];

	while (*pos < run->cases->n && !rt_run_stopping(run)) {
		struct rt_result *r = &run->results[(*pos)++];

		if (!r->run || r->done)
			continue;
		if (run->opts.interrupted && *run->opts.interrupted)
			return NULL;
		if (rt_run_prepare(run, r, why, sizeof(why)))
			return r;
		r->done = 1;
		rt_run_record(run, r);
	}
	return NULL;
}

static void rt_runpar_give(struct rt_run *run, struct rt_runpar_worker *w, size_t *pos)
{
	struct rt_result *r = rt_runpar_next(run, pos);
	uint32_t idx;

	if (r) {
		idx = (uint32_t)(r - run->results);
		if (rt_runpar_write(w->cmd, &idx, sizeof(idx)) == 0) {
			w->busy = 1;
			w->idx = idx;
			return;
		}
		(*pos)--; /* the worker is gone: someone else takes it */
	}
	close(w->cmd);
	w->cmd = -1;
	w->busy = 0;
}

void rt_runpar_execute(struct rt_run *run)
{
	struct rt_runpar_worker ws[RT_RUNPAR_MAX];
	struct pollfd pfd[RT_RUNPAR_MAX];
	unsigned n = run->opts.jobs > RT_RUNPAR_MAX ? RT_RUNPAR_MAX : run->opts.jobs, i, live;
	size_t pos = 0, j;
	int forwarded = 0;
	char why[1024];

	fflush(NULL); /* the children must not repeat buffered output */
	for (i = 0; i < n; i++) {
		int c[2], r[2];

		ws[i].pid = -1;
		ws[i].cmd = ws[i].res = -1;
		ws[i].busy = 0;
		if (pipe(c) != 0)
			continue;
		if (pipe(r) != 0) {
			close(c[0]);
			close(c[1]);
			continue;
		}
		ws[i].pid = fork();
		if (ws[i].pid == 0) {
			pid_t parent = getppid();
			unsigned k;

			/* Signals reach a worker only through the parent, once (a terminal's
			 * ^C would hit the whole group and a second one, SA_RESETHAND, kill
			 * the worker mid-case); and a worker does not outlive its parent. */
			setpgid(0, 0);
#ifdef __linux__
			prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
			if (getppid() != parent)
				_exit(1);
			for (k = 0; k < i; k++) {
				if (ws[k].cmd >= 0)
					close(ws[k].cmd);
				if (ws[k].res >= 0)
					close(ws[k].res);
			}
			close(c[1]);
			close(r[0]);
			rt_runpar_child(run, c[0], r[1]);
		}
		close(c[0]);
		close(r[1]);
		if (ws[i].pid < 0) {
			close(c[1]);
			close(r[0]);
			continue;
		}
		ws[i].cmd = c[1];
		ws[i].res = r[0];
	}
	/* A worker that is gone must not kill the parent with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < n; i++)
		if (ws[i].pid > 0)
			rt_runpar_give(run, &ws[i], &pos);
	for (;;) {
		int interrupted = run->opts.interrupted && *run->opts.interrupted;

		if (interrupted && !forwarded) {
			/* Workers end their current case as interrupted, as a serial run does. */
			for (i = 0; i < n; i++)
				if (ws[i].pid > 0)
					kill(ws[i].pid, (int)*run->opts.interrupted);
			forwarded = 1;
		}
		for (i = 0, live = 0; i < n; i++) {
			pfd[i].fd = ws[i].busy ? ws[i].res : -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			live += (unsigned)ws[i].busy;
		}
		if (!live)
			break;
		/* A bounded wait: a signal landing just before poll still gets forwarded. */
		if (poll(pfd, n, 200) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			struct rt_result *r;

			if (!ws[i].busy || !pfd[i].revents)
				continue;
			if (rt_runpar_collect(run, ws[i].res, &r) != 0) {
				/* The worker died mid-case: a harness problem, not the card's. */
				r = &run->results[ws[i].idx];
				rt_run_set_result(r, RT_VERDICT_ERROR,
						  "its parallel worker process ended unexpectedly", NULL);
				r->done = 1;
				rt_run_record(run, r);
				close(ws[i].cmd);
				ws[i].cmd = -1;
				ws[i].busy = 0;
				continue;
			}
			r->done = 1;
			rt_run_record(run, r);
			if (interrupted || (run->opts.interrupted && *run->opts.interrupted)) {
				close(ws[i].cmd);
				ws[i].cmd = -1;
				ws[i].busy = 0;
			} else {
				rt_runpar_give(run, &ws[i], &pos);
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (ws[i].cmd >= 0)
			close(ws[i].cmd);
		if (ws[i].res >= 0)
			close(ws[i].res);
		if (ws[i].pid > 0)
			while (waitpid(ws[i].pid, NULL, 0) < 0 && errno == EINTR)
				;
	}
	/* Whatever no worker ran: interrupted (said per case, as a serial run does) or
	 * left for rt_run_mark_stopped (-x/--maxfail). */
	for (j = 0; j < run->cases->n; j++) {
		struct rt_result *r = &run->results[j];

		if (!r->run || r->done || rt_run_stopping(run))
			continue;
		if (rt_run_prepare(run, r, why, sizeof(why)))
			rt_run_set_result(r, RT_VERDICT_ERROR, "not run: no parallel worker left", NULL);
		r->done = 1;
		rt_run_record(run, r);
	}
}
