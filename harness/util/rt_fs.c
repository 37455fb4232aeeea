/* SPDX-License-Identifier: Apache-2.0 */
/* rt_fs — mkdir -p for report and evidence paths; see rt_fs.h. */
#include "util/rt_fs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Creates every folder along path; with last != 0 also path itself. */
static int rt_fs_walk(const char *path, int last)
{
	char tmp[4096];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (last && mkdir(tmp, 0777) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int rt_fs_mkdirs(const char *path)
{
	return rt_fs_walk(path, 1);
}

int rt_fs_mkparents(const char *path)
{
	return rt_fs_walk(path, 0);
}
