/* SPDX-License-Identifier: Apache-2.0 */
/* rt_casetree — the folder a case's defaults chain starts from; see rt_casetree.h. */
#include "engine/rt_casetree.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The innermost "/testcases" component of abs (a canonical path), or NULL. */
static const char *rt_casetree_tc(const char *abs)
{
	const char *p = abs, *hit = NULL;

	while ((p = strstr(p, "/testcases")) != NULL) {
		if (p[10] == '/')
			hit = p;
		p++;
	}
	return hit;
}

int rt_casetree_in_testcases(const char *abspath)
{
	return rt_casetree_tc(abspath) != NULL;
}

static int rt_casetree_has_defaults(const char *dir)
{
	char probe[PATH_MAX + 32];
	struct stat st;

	if (snprintf(probe, sizeof(probe), "%s/defaults.yaml", dir) >= (int)sizeof(probe))
		return 0;
	return stat(probe, &st) == 0 && S_ISREG(st.st_mode);
}

int rt_casetree_resolve(const char *path, const char *root, char *abspath, size_t abspathsz,
			char *absroot, size_t absrootsz)
{
	char file[PATH_MAX], dir[PATH_MAX], parent[PATH_MAX];
	const char *tc;
	char *slash;

	if (!realpath(path, file) || snprintf(abspath, abspathsz, "%s", file) >= (int)abspathsz)
		return -1;
	tc = rt_casetree_tc(file);
	if (tc) {
		if ((size_t)(tc - file) + 11 > absrootsz)
			return -1;
		snprintf(absroot, absrootsz, "%.*s", (int)(tc - file + 10), file);
		return 0;
	}
	if (!root || !realpath(root, dir)) {
		/* No search root: the file's own folder. */
		snprintf(dir, sizeof(dir), "%s", file);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
	}
	/* A search root that is the file itself (never: roots are folders) is harmless. */
	for (;;) {
		snprintf(parent, sizeof(parent), "%s", dir);
		slash = strrchr(parent, '/');
		if (!slash || slash == parent)
			break;
		*slash = '\0';
		if (!rt_casetree_has_defaults(parent))
			break;
		snprintf(dir, sizeof(dir), "%s", parent);
	}
	if (snprintf(absroot, absrootsz, "%s", dir) >= (int)absrootsz)
		return -1;
	return 0;
}
