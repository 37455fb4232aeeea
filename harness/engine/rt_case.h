/* SPDX-License-Identifier: Apache-2.0 */
/* rt_case — the test-case model: one YAML file per case, validated on load.
 *
 * A case names the SUT role it judges, the roles the harness plays, its spec clauses,
 * keywords, applicability requirements, fixtures, steps and timeout (the format is
 * documented in docs/testcase-format.md). Loading applies folder defaults
 * (`defaults.yaml` in the case's folder and its ancestors up to the search root) and
 * expands `include:` steps, so what `rsptest show` prints is what runs. Unknown keys
 * and type errors are reported as file:line:column. */
#ifndef RT_CASE_H
#define RT_CASE_H

#include <stddef.h>

#include "engine/rt_yaml.h"
#include "util/rt_err.h"

#define RT_CASE_DEFAULT_TIMEOUT 60.0 /* seconds */

struct rt_strlist {
	char **v;
	size_t n;
};

struct rt_case {
	char *id;
	char *title;
	char *file;  /* path as found */
	char *suite; /* folder-derived suite name, e.g. "euicc/basic" */
	char *sut_role;
	char *skip_reason; /* `skip:` in the file: never run, reported as skipped */
	struct rt_strlist spec, plays, keywords, requires, fixtures;
	double timeout;
	struct rt_ynode *steps; /* RT_Y_SEQ of step maps (includes expanded) */
	struct rt_ynode *root;  /* the merged case (defaults applied), for `show` */
	struct rt_strlist files; /* every file the nodes point into (owned) */
};

struct rt_caselist {
	struct rt_case **v;
	size_t n;
};

/* The roles a case may name (sut:/plays:), as the specs name them. */
extern const char *const rt_case_roles[];

/* Loads every case under each path (files, or folders searched recursively for *.yaml
 * and *.yml; `defaults.yaml` and `*.steps.yaml` are not cases). Cases are sorted by
 * file path. Duplicate ids are an error. On the first error returns RT_ECONFIG with
 * "file:line:col: why" in err; list is then emptied. */
int rt_cases_load(char *const *paths, size_t npaths, struct rt_caselist *list, struct rt_err *err);

/* Loads one case file (defaults from its folder chain up to `root`, may be NULL). */
int rt_case_load_file(const char *path, const char *root, struct rt_case **out, struct rt_err *err);

void rt_case_free(struct rt_case *c);
void rt_caselist_free(struct rt_caselist *list);

/* Finds a case by exact id; NULL when absent. */
struct rt_case *rt_caselist_find(const struct rt_caselist *list, const char *id);

/* 1 when list holds s. */
int rt_strlist_has(const struct rt_strlist *l, const char *s);

#endif
