/* SPDX-License-Identifier: Apache-2.0 */
/* rt_case — loading, merging and validating YAML test cases; see rt_case.h. */
#include "engine/rt_case.h"
#include "engine/rt_expect.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/rt_casetree.h"

#define RT_INCLUDE_DEPTH 8
#define RT_CASE_MAX_FILES 100000

const char *const rt_case_roles[] = {
	"euicc", "smsr", "smdp", "operator", "m2msp", "eum", "device", NULL,
};

enum rt_case_keytype {
	RT_K_STR,     /* a string */
	RT_K_STRLIST, /* a list of strings (a single string is accepted) */
	RT_K_NUM,     /* a number */
	RT_K_STEPS,   /* the step list */
	RT_K_TEXT,    /* free text */
};

struct rt_case_key {
	const char *name;
	enum rt_case_keytype type;
	int required;
	int in_defaults; /* may appear in defaults.yaml */
};

/* The case schema (docs/testcase-format.md). */
static const struct rt_case_key rt_case_keys[] = {
	{ "id", RT_K_STR, 1, 0 },
	{ "title", RT_K_STR, 1, 0 },
	{ "description", RT_K_TEXT, 0, 0 },
	{ "spec", RT_K_STRLIST, 0, 1 },
	{ "sut", RT_K_STR, 1, 1 },
	{ "plays", RT_K_STRLIST, 0, 1 },
	{ "keywords", RT_K_STRLIST, 0, 1 },
	{ "requires", RT_K_STRLIST, 0, 1 },
	{ "fixtures", RT_K_STRLIST, 0, 1 },
	{ "timeout", RT_K_NUM, 0, 1 },
	{ "skip", RT_K_TEXT, 0, 1 },
	{ "steps", RT_K_STEPS, 1, 0 },
	{ NULL, RT_K_STR, 0, 0 },
};

/* Keys a step may carry besides its one action. */
static const char *const rt_step_keys[] = { "expect", "save", "name", NULL };

static const struct rt_case_key *rt_case_key_find(const char *name)
{
	const struct rt_case_key *k;

	for (k = rt_case_keys; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* Takes ownership of s (a heap string). */
static int rt_strlist_take(struct rt_strlist *l, char *s)
{
	char **v;

	if (!s)
		return RT_ENOMEM;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		free(s);
		return RT_ENOMEM;
	}
	l->v = v;
	v[l->n++] = s;
	return 0;
}

static int rt_strlist_add(struct rt_strlist *l, const char *s)
{
	return rt_strlist_take(l, strdup(s));
}

static void rt_strlist_free(struct rt_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int rt_strlist_has(const struct rt_strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static int rt_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int rt_node_err(struct rt_err *err, const struct rt_ynode *n, const char *what)
{
	return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: %s", n->file ? n->file : "?", n->line, n->col,
			  what);
}

/* Loads a file and moves its name into c->files so nodes may point at it. */
static int rt_case_load_doc(struct rt_case *c, const char *path, struct rt_ynode **root,
			    struct rt_err *err)
{
	struct rt_ydoc doc;
	int rc;

	rc = rt_ydoc_load_file(path, &doc, err);
	if (rc)
		return rc;
	rc = rt_strlist_take(&c->files, doc.file);
	doc.file = NULL;
	if (rc) {
		rt_ydoc_free(&doc);
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	}
	*root = doc.root;
	return 0;
}

/* Folder defaults: scalars are replaced, lists are joined (outer folder first). */
static int rt_case_merge(struct rt_ynode *dst, const struct rt_ynode *src)
{
	size_t i, j;

	for (i = 0; i < src->n; i++) {
		const char *key = src->keys[i];
		const struct rt_ynode *sv = src->items[i];
		struct rt_ynode *dv = rt_ynode_get(dst, key);
		const struct rt_case_key *k = rt_case_key_find(key);

		if (dv && k && k->type == RT_K_STRLIST && sv && dv->kind == RT_Y_SEQ &&
		    sv->kind == RT_Y_SEQ) {
			for (j = 0; j < sv->n; j++) {
				struct rt_ynode *cv = rt_ynode_clone(sv->items[j]);

				if (!cv || rt_ynode_seq_add(dv, cv)) {
					rt_ynode_free(cv);
					return RT_ENOMEM;
				}
			}
			continue;
		}
		if (dv) {
			for (j = 0; j < dst->n; j++) {
				if (strcmp(dst->keys[j], key) == 0) {
					rt_ynode_free(dst->items[j]);
					dst->items[j] = rt_ynode_clone(sv);
					dst->key_lines[j] = src->key_lines[i];
					dst->key_cols[j] = src->key_cols[i];
				}
			}
			continue;
		}
		dv = rt_ynode_clone(sv);
		if ((sv && !dv) || rt_ynode_map_add(dst, key, dv)) {
			rt_ynode_free(dv);
			return RT_ENOMEM;
		}
		dst->key_lines[dst->n - 1] = src->key_lines[i];
		dst->key_cols[dst->n - 1] = src->key_cols[i];
	}
	return 0;
}

/* Reads defaults.yaml files from root down to the case's folder, in that order. */
static int rt_case_defaults(struct rt_case *c, const char *path, const char *root,
			    struct rt_ynode *merged, struct rt_err *err)
{
	char dir[4096], probe[4200];
	const char *chain[64];
	size_t nchain = 0, rootlen = root ? strlen(root) : 0;
	char *slash;
	int rc = 0;

	if (!root)
		return 0;
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return rt_err_set(err, RT_ECONFIG, "%s: path too long", path);
	/* Collect ancestors of the case file that lie inside root, innermost first. */
	while ((slash = strrchr(dir, '/')) != NULL && nchain < 64) {
		*slash = '\0';
		if (strlen(dir) < rootlen)
			break;
		chain[nchain++] = strdup(dir);
		if (!chain[nchain - 1])
			return RT_ENOMEM;
		if (strlen(dir) == rootlen)
			break;
	}
	while (nchain > 0) {
		struct stat st;
		char *d = (char *)chain[--nchain];
		struct rt_ynode *def = NULL;
		size_t i;

		snprintf(probe, sizeof(probe), "%s/defaults.yaml", d);
		free(d);
		if (rc || stat(probe, &st) != 0)
			continue;
		rc = rt_case_load_doc(c, probe, &def, err);
		if (rc)
			continue;
		if (!def) {
			continue;
		} else if (def->kind != RT_Y_MAP) {
			rc = rt_node_err(err, def, "defaults.yaml must be a mapping of case keys");
		} else {
			for (i = 0; i < def->n && !rc; i++) {
				const struct rt_case_key *k = rt_case_key_find(def->keys[i]);

				if (!k || !k->in_defaults)
					rc = rt_err_set(err, RT_ECONFIG,
							"%s:%u:%u: '%s' cannot be set in defaults.yaml "
							"(allowed: spec, sut, plays, keywords, requires, "
							"fixtures, timeout, skip)",
							probe, def->key_lines[i], def->key_cols[i],
							def->keys[i]);
			}
			if (!rc)
				rc = rt_case_merge(merged, def);
		}
		rt_ynode_free(def);
	}
	return rc;
}

static int rt_case_is_ident(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !(s[0] >= 'a' && s[0] <= 'z'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* "role.verb": both parts identifiers. */
static int rt_step_is_action(const char *key)
{
	const char *dot = strchr(key, '.');

	if (!dot || strchr(dot + 1, '.'))
		return 0;
	return rt_case_is_ident(key, (size_t)(dot - key)) &&
	       rt_case_is_ident(dot + 1, strlen(dot + 1));
}

static int rt_steps_expand(struct rt_case *c, const struct rt_ynode *steps, struct rt_ynode *out,
			   int depth, struct rt_err *err);

/* Checks one step; includes are expanded into out, other steps cloned into it. */
static int rt_step_check(struct rt_case *c, const struct rt_ynode *st, size_t idx,
			 struct rt_ynode *out, int depth, struct rt_err *err)
{
	char msg[512];
	const char *action = NULL;
	size_t i, nactions = 0;
	struct rt_ynode *cl;

	if (!st || st->kind != RT_Y_MAP) {
		snprintf(msg, sizeof(msg),
			 "step %zu must be a mapping with one action (role.verb: {...}, lua: ..., "
			 "or include: file)",
			 idx + 1);
		return rt_node_err(err, st ? st : out, msg);
	}
	for (i = 0; i < st->n; i++) {
		const char *k = st->keys[i];
		const char *const *sk;
		int known = 0;

		for (sk = rt_step_keys; *sk; sk++)
			known |= strcmp(*sk, k) == 0;
		if (known)
			continue;
		if (strcmp(k, "lua") == 0 || strcmp(k, "include") == 0 || rt_step_is_action(k)) {
			action = k;
			nactions++;
			continue;
		}
		snprintf(msg, sizeof(msg),
			 "unknown step key '%s' (a step has one action written role.verb, lua or "
			 "include, and optionally expect, save, name)",
			 k);
		return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: %s", st->file, st->key_lines[i],
				  st->key_cols[i], msg);
	}
	if (nactions != 1) {
		snprintf(msg, sizeof(msg), "step %zu has %zu actions; it needs exactly one", idx + 1,
			 nactions);
		return rt_node_err(err, st, msg);
	}
	for (i = 0; i < st->n; i++) {
		const struct rt_ynode *v = st->items[i];
		const char *k = st->keys[i];
		const char *want = NULL;

		if (strcmp(k, "expect") == 0 && (!v || v->kind != RT_Y_MAP))
			want = "must be a mapping of expectations";
		else if ((strcmp(k, "save") == 0 || strcmp(k, "name") == 0 ||
			  strcmp(k, "lua") == 0 || strcmp(k, "include") == 0) &&
			 (!v || v->kind != RT_Y_SCALAR))
			want = "must be a string";
		else if (rt_step_is_action(k) && v && v->kind == RT_Y_SEQ)
			want = "takes a mapping of arguments (or nothing)";
		if (want) {
			snprintf(msg, sizeof(msg), "'%s' %s", k, want);
			return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: %s", st->file,
					  st->key_lines[i], st->key_cols[i], msg);
		}
		/* A misspelt expectation is the case's mistake: refuse it now (rt_expect.h). */
		if (strcmp(k, "expect") == 0 &&
		    rt_expect_check(v, strcmp(action, "lua") == 0, err))
			return RT_ECONFIG;
	}
	if (strcmp(action, "include") == 0) {
		const struct rt_ynode *inc = rt_ynode_get(st, "include");
		char path[4096];
		const char *slash = strrchr(st->file, '/');
		struct rt_ynode *frag = NULL;
		int rc;

		if (depth >= RT_INCLUDE_DEPTH)
			return rt_node_err(err, inc, "includes nested too deeply (a cycle?)");
		if (st->n != 1)
			return rt_node_err(err, st, "an include step takes no other keys");
		if (inc->str[0] == '/' || !slash)
			snprintf(path, sizeof(path), "%s", inc->str);
		else
			snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - st->file), st->file,
				 inc->str);
		rc = rt_case_load_doc(c, path, &frag, err);
		if (rc)
			return rt_err_wrap(err, "%s:%u:%u: include", inc->file, inc->line, inc->col);
		if (!frag || frag->kind != RT_Y_SEQ) {
			rt_ynode_free(frag);
			return rt_err_set(err, RT_ECONFIG, "%s: an included file must be a list of steps",
					  path);
		}
		rc = rt_steps_expand(c, frag, out, depth + 1, err);
		rt_ynode_free(frag);
		return rc;
	}
	cl = rt_ynode_clone(st);
	if (!cl || rt_ynode_seq_add(out, cl)) {
		rt_ynode_free(cl);
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	}
	return 0;
}

static int rt_steps_expand(struct rt_case *c, const struct rt_ynode *steps, struct rt_ynode *out,
			   int depth, struct rt_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < steps->n; i++) {
		rc = rt_step_check(c, steps->items[i], i, out, depth, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int rt_role_known(const char *r)
{
	const char *const *p;

	for (p = rt_case_roles; *p; p++)
		if (strcmp(*p, r) == 0)
			return 1;
	return 0;
}

static int rt_case_strlist(const struct rt_ynode *v, const char *key, struct rt_strlist *l,
			   struct rt_err *err)
{
	char msg[256];
	size_t i;

	if (!v)
		return 0;
	if (v->kind == RT_Y_SCALAR)
		return rt_strlist_add(l, v->str);
	if (v->kind != RT_Y_SEQ) {
		snprintf(msg, sizeof(msg), "'%s' must be a list of strings, not %s", key,
			 rt_ynode_kind_name(v->kind));
		return rt_node_err(err, v, msg);
	}
	for (i = 0; i < v->n; i++) {
		const struct rt_ynode *it = v->items[i];

		if (!it || it->kind != RT_Y_SCALAR) {
			snprintf(msg, sizeof(msg), "'%s' item %zu must be a string", key, i + 1);
			return rt_node_err(err, it ? it : v, msg);
		}
		if (!rt_strlist_has(l, it->str) && rt_strlist_add(l, it->str))
			return RT_ENOMEM;
	}
	return 0;
}

static int rt_case_fill(struct rt_case *c, struct rt_err *err)
{
	const struct rt_ynode *m = c->root;
	const struct rt_case_key *k;
	char msg[512];
	size_t i;
	int rc;

	for (i = 0; i < m->n; i++) {
		if (rt_case_key_find(m->keys[i]))
			continue;
		snprintf(msg, sizeof(msg),
			 "unknown key '%s' (expected one of: id, title, description, spec, sut, "
			 "plays, keywords, requires, fixtures, timeout, skip, steps)",
			 m->keys[i]);
		return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: %s", m->file, m->key_lines[i],
				  m->key_cols[i], msg);
	}
	for (k = rt_case_keys; k->name; k++) {
		const struct rt_ynode *v = rt_ynode_get(m, k->name);
		int want_scalar = k->type == RT_K_STR || k->type == RT_K_NUM || k->type == RT_K_TEXT;

		if (!v) {
			if (!k->required)
				continue;
			snprintf(msg, sizeof(msg), "missing required key '%s'", k->name);
			return rt_node_err(err, m, msg);
		}
		if (want_scalar && v->kind != RT_Y_SCALAR) {
			snprintf(msg, sizeof(msg), "'%s' must be %s, not %s", k->name,
				 k->type == RT_K_NUM ? "a number" : "a string",
				 rt_ynode_kind_name(v->kind));
			return rt_node_err(err, v, msg);
		}
		if (k->type == RT_K_STEPS && v->kind != RT_Y_SEQ) {
			snprintf(msg, sizeof(msg), "'steps' must be a list, not %s",
				 rt_ynode_kind_name(v->kind));
			return rt_node_err(err, v, msg);
		}
	}
	c->id = strdup(rt_ynode_get(m, "id")->str);
	c->title = strdup(rt_ynode_get(m, "title")->str);
	c->sut_role = strdup(rt_ynode_get(m, "sut")->str);
	if (!c->id || !c->title || !c->sut_role)
		return RT_ENOMEM;
	if (!rt_role_known(c->sut_role))
		return rt_node_err(err, rt_ynode_get(m, "sut"),
				   "'sut' must be one of: euicc, smsr, smdp, operator, m2msp, eum, "
				   "device");
	if (rt_ynode_get(m, "skip") && !(c->skip_reason = strdup(rt_ynode_get(m, "skip")->str)))
		return RT_ENOMEM;
	c->timeout = RT_CASE_DEFAULT_TIMEOUT;
	if (rt_ynode_get(m, "timeout")) {
		const struct rt_ynode *t = rt_ynode_get(m, "timeout");
		char *end;

		errno = 0;
		c->timeout = strtod(t->str, &end);
		if (errno || *end || end == t->str || c->timeout <= 0 || c->timeout > 86400)
			return rt_node_err(err, t,
					   "'timeout' must be a number of seconds between 0 and 86400");
	}
	if ((rc = rt_case_strlist(rt_ynode_get(m, "spec"), "spec", &c->spec, err)) ||
	    (rc = rt_case_strlist(rt_ynode_get(m, "plays"), "plays", &c->plays, err)) ||
	    (rc = rt_case_strlist(rt_ynode_get(m, "keywords"), "keywords", &c->keywords, err)) ||
	    (rc = rt_case_strlist(rt_ynode_get(m, "requires"), "requires", &c->requires, err)) ||
	    (rc = rt_case_strlist(rt_ynode_get(m, "fixtures"), "fixtures", &c->fixtures, err)))
		return rc;
	for (i = 0; i < c->plays.n; i++) {
		if (!rt_role_known(c->plays.v[i])) {
			snprintf(msg, sizeof(msg),
				 "'plays' names unknown role '%s' (known: euicc, smsr, smdp, operator, "
				 "m2msp, eum, device)",
				 c->plays.v[i]);
			return rt_node_err(err, rt_ynode_get(m, "plays"), msg);
		}
	}
	c->steps = rt_ynode_new(RT_Y_SEQ, rt_ynode_get(m, "steps"));
	if (!c->steps)
		return RT_ENOMEM;
	rc = rt_steps_expand(c, rt_ynode_get(m, "steps"), c->steps, 0, err);
	if (rc)
		return rc;
	if (c->steps->n == 0)
		return rt_node_err(err, rt_ynode_get(m, "steps"), "a case needs at least one step");
	return 0;
}

/* Suite name: the case's folder below the last "testcases/" component of its path;
 * outside a testcases/ tree, the search root's own name plus the folders below it
 * (rsptest run my/suite → "suite", my/suite/es5/x.yaml → "suite/es5"). */
static char *rt_case_suite(const char *path, const char *root)
{
	const char *p = path, *hit = NULL, *slash, *rbase;
	char buf[4096];
	size_t rlen;

	while ((p = strstr(p, "testcases/")) != NULL) {
		if (p == path || p[-1] == '/')
			hit = p + strlen("testcases/");
		p++;
	}
	if (hit) {
		slash = strrchr(hit, '/');
		return slash ? strndup(hit, (size_t)(slash - hit)) : strdup(".");
	}
	slash = strrchr(path, '/');
	if (!root || !slash)
		return strdup(".");
	rlen = strlen(root);
	rbase = strrchr(root, '/');
	rbase = rbase ? rbase + 1 : root;
	if (strcmp(root, ".") == 0)
		rbase = ".";
	if (strncmp(path, root, rlen) == 0 && path[rlen] == '/' && path + rlen < slash)
		snprintf(buf, sizeof(buf), "%s%.*s", rbase, (int)(slash - path - rlen), path + rlen);
	else
		snprintf(buf, sizeof(buf), "%s", rbase);
	return strdup(buf);
}

int rt_case_load_file(const char *path, const char *root, struct rt_case **out, struct rt_err *err)
{
	struct rt_case *c;
	struct rt_ynode *own = NULL;
	char abspath[4096], absroot[4096];
	int rc, tree;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	/* The defaults chain (and, in a testcases/ tree, the suite) come from the canonical
	 * path, so a case is the same whatever path selected it (rt_casetree.h). */
	tree = rt_casetree_resolve(path, root, abspath, sizeof(abspath), absroot,
				   sizeof(absroot)) == 0;
	c->file = strdup(path);
	c->suite = tree && rt_casetree_in_testcases(abspath) ? rt_case_suite(abspath, absroot)
							      : rt_case_suite(path, root);
	if (!c->file || !c->suite) {
		rc = rt_err_set(err, RT_ENOMEM, "out of memory");
		goto out;
	}
	rc = rt_case_load_doc(c, path, &own, err);
	if (rc)
		goto out;
	if (!own || own->kind != RT_Y_MAP) {
		rc = own ? rt_node_err(err, own, "a test case must be a mapping (id:, title:, ...)")
			 : rt_err_set(err, RT_ECONFIG, "%s: empty file", path);
		goto out;
	}
	c->root = rt_ynode_new(RT_Y_MAP, own);
	if (!c->root) {
		rc = RT_ENOMEM;
		goto out;
	}
	rc = tree ? rt_case_defaults(c, abspath, absroot, c->root, err)
		  : rt_case_defaults(c, path, root, c->root, err);
	if (!rc)
		rc = rt_case_merge(c->root, own);
	if (!rc)
		rc = rt_case_fill(c, err);
out:
	rt_ynode_free(own);
	if (rc) {
		if (rc == RT_ENOMEM && err && !err->msg[0])
			rt_err_set(err, RT_ENOMEM, "%s: out of memory", path);
		rt_case_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void rt_case_free(struct rt_case *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->title);
	free(c->file);
	free(c->suite);
	free(c->sut_role);
	free(c->skip_reason);
	rt_strlist_free(&c->spec);
	rt_strlist_free(&c->plays);
	rt_strlist_free(&c->keywords);
	rt_strlist_free(&c->requires);
	rt_strlist_free(&c->fixtures);
	rt_ynode_free(c->steps);
	rt_ynode_free(c->root);
	rt_strlist_free(&c->files);
	free(c);
}

void rt_caselist_free(struct rt_caselist *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		rt_case_free(list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

struct rt_case *rt_caselist_find(const struct rt_caselist *list, const char *id)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (strcmp(list->v[i]->id, id) == 0)
			return list->v[i];
	return NULL;
}

static int rt_is_case_file(const char *name)
{
	if (name[0] == '.' || strcmp(name, "defaults.yaml") == 0 || rt_ends_with(name, ".steps.yaml"))
		return 0;
	return rt_ends_with(name, ".yaml") || rt_ends_with(name, ".yml");
}

/* Collects case file paths below dir (recursively) into files. */
static int rt_case_scan(const char *dir, struct rt_strlist *files, int depth, struct rt_err *err)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > 32)
		return rt_err_set(err, RT_ECONFIG, "%s: folders nested too deeply", dir);
	d = opendir(dir);
	if (!d)
		return rt_err_set(err, RT_ECONFIG, "%s: cannot open folder: %s", dir, strerror(errno));
	while (!rc && (e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = rt_case_scan(path, files, depth + 1, err);
		else if (rt_is_case_file(e->d_name)) {
			if (files->n >= RT_CASE_MAX_FILES)
				rc = rt_err_set(err, RT_ECONFIG, "more than %d case files",
						RT_CASE_MAX_FILES);
			else
				rc = rt_strlist_add(files, path);
		}
	}
	closedir(d);
	return rc;
}

static int rt_strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rt_cases_load(char *const *paths, size_t npaths, struct rt_caselist *list, struct rt_err *err)
{
	struct rt_strlist files = { 0 }, roots = { 0 };
	size_t i;
	int rc = 0;

	list->v = NULL;
	list->n = 0;
	for (i = 0; i < npaths && !rc; i++) {
		struct stat st;
		char root[4096];
		size_t before = files.n, j, len;

		snprintf(root, sizeof(root), "%s", paths[i]);
		len = strlen(root);
		while (len > 1 && root[len - 1] == '/')
			root[--len] = '\0';
		if (stat(root, &st) != 0) {
			rc = rt_err_set(err, RT_ECONFIG, "%s: no such file or folder", paths[i]);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = rt_case_scan(root, &files, 0, err);
		} else {
			char *slash;

			rc = rt_strlist_add(&files, root);
			slash = strrchr(root, '/');
			if (slash)
				*slash = '\0';
			else
				snprintf(root, sizeof(root), ".");
		}
		/* Each found file remembers the root it was found under (for defaults). */
		for (j = before; j < files.n && !rc; j++)
			rc = rt_strlist_add(&roots, root);
	}
	if (rc)
		goto out;
	/* Sort by path for a stable order; roots travel with their files. */
	{
		char **pairs = calloc(files.n, 2 * sizeof(char *));

		if (!pairs && files.n) {
			rc = RT_ENOMEM;
			goto out;
		}
		for (i = 0; i < files.n; i++) {
			pairs[2 * i] = files.v[i];
			pairs[2 * i + 1] = roots.v[i];
		}
		qsort(pairs, files.n, 2 * sizeof(char *), rt_strcmp_p);
		for (i = 0; i < files.n; i++) {
			files.v[i] = pairs[2 * i];
			roots.v[i] = pairs[2 * i + 1];
		}
		free(pairs);
	}
	list->v = calloc(files.n ? files.n : 1, sizeof(*list->v));
	if (!list->v) {
		rc = RT_ENOMEM;
		goto out;
	}
	for (i = 0; i < files.n; i++) {
		struct rt_case *c, *dup;

		rc = rt_case_load_file(files.v[i], roots.v[i], &c, err);
		if (rc)
			goto out;
		dup = rt_caselist_find(list, c->id);
		if (dup) {
			rc = rt_err_set(err, RT_ECONFIG, "%s: duplicate case id '%s' (also in %s)",
					c->file, c->id, dup->file);
			rt_case_free(c);
			goto out;
		}
		list->v[list->n++] = c;
	}
out:
	rt_strlist_free(&files);
	rt_strlist_free(&roots);
	if (rc) {
		if (rc == RT_ENOMEM && err && !err->msg[0])
			rt_err_set(err, RT_ENOMEM, "out of memory");
		rt_caselist_free(list);
		return rc == RT_ENOMEM ? rc : RT_ECONFIG;
	}
	return 0;
}
