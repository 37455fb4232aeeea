/* SPDX-License-Identifier: Apache-2.0 */
/* rt_run_habits — pytest/ctest habits of `rsptest run`; see rt_run_habits.h. */
#include "cli/rt_run_habits.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/rt_fs.h"

#define RT_LF_MAX 100000
#define RT_ROTATE_DEPTH 16

void rt_run_habits_init(struct rt_run_habits *h)
{
	memset(h, 0, sizeof(*h));
	h->durations = -1;
}

void rt_run_habits_free(struct rt_run_habits *h)
{
	size_t i;

	for (i = 0; i < h->lf_n; i++)
		free(h->lf_ids[i]);
	free(h->lf_ids);
	h->lf_ids = NULL;
	h->lf_n = 0;
}

static int rt_habits_number(const char *opt, const char *arg, unsigned long min,
			    unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || *out < min || *out > max) {
		fprintf(stderr, "rsptest run: %s needs a number from %lu to %lu, got '%s'\n", opt,
			min, max, arg);
		return -1;
	}
	return 1;
}

int rt_run_habits_opt(struct rt_run_habits *h, int opt, const char *arg)
{
	unsigned long v;

	switch (opt) {
	case 'q':
		h->quiet = 1;
		return 1;
	case RT_OPT_LF:
		h->lf = 1;
		return 1;
	case RT_OPT_COLLECT:
		h->collect_only = 1;
		return 1;
	case RT_OPT_MAXFAIL:
		if (rt_habits_number("--maxfail", arg, 1, 1000000, &v) < 0)
			return -1;
		h->maxfail = (unsigned)v;
		return 1;
	case RT_OPT_DURATIONS:
		if (rt_habits_number("--durations", arg, 0, 1000000, &v) < 0)
			return -1;
		h->durations = (long)v;
		return 1;
	case 'j':
		if (rt_habits_number("-j", arg, 1, 64, &v) < 0)
			return -1;
		h->jobs = (unsigned)v;
		return 1;
	}
	return 0;
}

static int rt_habits_lf_want(void *ctx, const struct rt_case *c)
{
	const struct rt_run_habits *h = ctx;
	size_t i;

	for (i = 0; i < h->lf_n; i++)
		if (strcmp(h->lf_ids[i], c->id) == 0)
			return 1;
	return 0;
}

/* REPORT_DIR/.lastfailed: one case id a line (FAIL or ERROR in the runs so far). */
static void rt_habits_lf_load(struct rt_run_habits *h, const char *report_dir)
{
	char path[4200], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/.lastfailed", report_dir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (h->lf_n < RT_LF_MAX && fgets(line, sizeof(line), f)) {
		char **v, *id;

		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		v = realloc(h->lf_ids, (h->lf_n + 1) * sizeof(*v));
		if (!v)
			break;
		h->lf_ids = v;
		id = strdup(line);
		if (!id)
			break;
		h->lf_ids[h->lf_n++] = id;
	}
	fclose(f);
}

void rt_run_habits_apply(struct rt_run_habits *h, const char *report_dir, struct rt_run_opts *o)
{
	o->quiet = h->quiet;
	o->maxfail = h->maxfail;
	o->jobs = h->jobs;
	if (!h->lf)
		return;
	rt_habits_lf_load(h, report_dir);
	if (!h->lf_n) {
		/* As pytest: nothing failed last time, so --lf deselects nothing. */
		printf("--lf: no failures recorded in %s/.lastfailed; running every selected case\n",
		       report_dir);
		return;
	}
	h->lf_active = 1;
	o->want = rt_habits_lf_want;
	o->want_ctx = h;
}

size_t rt_run_habits_count(const struct rt_caselist *cases, const struct rt_select *sel,
			   const struct rt_run_opts *o)
{
	size_t i, n = 0;

	for (i = 0; i < cases->n; i++)
		n += rt_select_match(sel, cases->v[i]) &&
		     (!o->want || o->want(o->want_ctx, cases->v[i]));
	return n;
}

int rt_run_habits_collect(const struct rt_caselist *cases, const struct rt_select *sel,
			  const struct rt_run_opts *o)
{
	size_t i, n = 0;

	for (i = 0; i < cases->n; i++) {
		if (!rt_select_match(sel, cases->v[i]) ||
		    (o->want && !o->want(o->want_ctx, cases->v[i])))
			continue;
		printf("%s  %s\n", cases->v[i]->id, cases->v[i]->file);
		n++;
	}
	printf("\n%zu of %zu cases selected\n", n, cases->n);
	return n ? 0 : RT_EXIT_NOTESTS;
}

static int rt_habits_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Removes folder path and what is in it (bounded depth; only ever .previous). */
static int rt_habits_rmtree(const char *path, int depth)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > RT_ROTATE_DEPTH)
		return -1;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		char sub[4200];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >= (int)sizeof(sub)) {
			rc = -1;
			continue;
		}
		if (lstat(sub, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc |= rt_habits_rmtree(sub, depth + 1);
		else if (unlink(sub) != 0)
			rc = -1;
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

/* Moves junit.xml (top level) and every *.trace.txt below dir into prev, keeping
 * relative paths; folders left empty are removed. Nothing else is touched, so a
 * --report-dir that holds other files keeps them. */
static int rt_habits_move(const char *dir, const char *prev, int depth)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > RT_ROTATE_DEPTH)
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char src[4200], dst[4200];
		struct stat st;

		if (e->d_name[0] == '.')
			continue; /* .previous, .lastfailed, temporary files */
		if (snprintf(src, sizeof(src), "%s/%s", dir, e->d_name) >= (int)sizeof(src) ||
		    snprintf(dst, sizeof(dst), "%s/%s", prev, e->d_name) >= (int)sizeof(dst))
			continue;
		if (lstat(src, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc |= rt_habits_move(src, dst, depth + 1);
			rmdir(src); /* only succeeds when it is now empty */
		} else if (S_ISREG(st.st_mode) && (rt_habits_ends(e->d_name, ".trace.txt") ||
						   (depth == 0 && strcmp(e->d_name, "junit.xml") == 0))) {
			if (rt_fs_mkparents(dst) != 0 || rename(src, dst) != 0) {
				fprintf(stderr, "rsptest run: cannot move %s to %s: %s\n", src, dst,
					strerror(errno));
				rc = -1;
			}
		}
	}
	closedir(d);
	return rc;
}

int rt_run_habits_rotate(const char *report_dir)
{
	char prev[4200];
	struct stat st;

	if (stat(report_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0; /* first run: nothing to keep */
	if (snprintf(prev, sizeof(prev), "%s/.previous", report_dir) >= (int)sizeof(prev))
		return -1;
	if (rt_habits_rmtree(prev, 0) != 0 && stat(prev, &st) == 0) {
		fprintf(stderr, "rsptest run: cannot remove %s\n", prev);
		return -1;
	}
	return rt_habits_move(report_dir, prev, 0);
}

static int rt_habits_slower(const void *a, const void *b)
{
	const struct rt_result *x = *(const struct rt_result *const *)a;
	const struct rt_result *y = *(const struct rt_result *const *)b;

	return (x->seconds < y->seconds) - (x->seconds > y->seconds);
}

static void rt_habits_durations(const struct rt_run *run, long want)
{
	const struct rt_result **v;
	size_t i, n = 0;

	v = calloc(run->cases->n ? run->cases->n : 1, sizeof(*v));
	if (!v)
		return;
	for (i = 0; i < run->cases->n; i++)
		if (run->results[i].run && run->results[i].verdict != RT_VERDICT_SKIP)
			v[n++] = &run->results[i];
	qsort(v, n, sizeof(*v), rt_habits_slower);
	if (want > 0 && (size_t)want < n)
		n = (size_t)want;
	printf("\n=============== slowest %s%zu durations ===============\n",
	       want == 0 ? "(all) " : "", n);
	for (i = 0; i < n; i++)
		printf("%8.3fs %-5s %s\n", v[i]->seconds, rt_verdict_name(v[i]->verdict), v[i]->c->id);
	free(v);
}

/* The new .lastfailed: the old ids of cases that did not run now, plus this run's
 * FAIL and ERROR (pytest's cache keeps failures of tests it did not rerun). */
static void rt_habits_lf_save(struct rt_run_habits *h, const struct rt_run *run,
			      const char *report_dir)
{
	char path[4200], tmp[4300];
	size_t i, j;
	FILE *f;

	if (!h->lf)
		rt_habits_lf_load(h, report_dir);
	snprintf(path, sizeof(path), "%s/.lastfailed", report_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (rt_fs_mkparents(path) != 0)
		return;
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (i = 0; i < h->lf_n; i++) {
		int ran = 0;

		for (j = 0; j < run->cases->n && !ran; j++)
			ran = run->results[j].run && run->results[j].verdict != RT_VERDICT_SKIP &&
			      strcmp(run->results[j].c->id, h->lf_ids[i]) == 0;
		if (!ran)
			fprintf(f, "%s\n", h->lf_ids[i]);
	}
	for (j = 0; j < run->cases->n; j++)
		if (run->results[j].run && (run->results[j].verdict == RT_VERDICT_FAIL ||
					    run->results[j].verdict == RT_VERDICT_ERROR))
			fprintf(f, "%s\n", run->results[j].c->id);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		unlink(tmp);
}

void rt_run_habits_after(struct rt_run_habits *h, const struct rt_run *run, const char *report_dir)
{
	rt_habits_lf_save(h, run, report_dir);
	if (h->durations >= 0)
		rt_habits_durations(run, h->durations);
}
