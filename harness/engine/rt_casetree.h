/* SPDX-License-Identifier: Apache-2.0 */
/* rt_casetree — where a case file's folder defaults start, whatever path selected it.
 *
 * `rsptest run testcases/euicc/basic`, `rsptest run testcases/euicc/basic/atr.yaml` and
 * `rsptest run testcases` must mean the same case, as pytest finds every conftest.py
 * from the rootdir down whatever argument named the test. So the defaults chain of a
 * case does not stop at the path on the command line: it starts at the innermost
 * ancestor folder named `testcases`, or, outside such a tree, at the outermost folder
 * reached from the search root by climbing while the parent holds a defaults.yaml. */
#ifndef RT_CASETREE_H
#define RT_CASETREE_H

#include <stddef.h>

/* Canonical (realpath) forms of case file path and of the folder its defaults chain
 * starts from (root is the search root the file was found under; may be NULL).
 * Returns 0, or -1 when path cannot be resolved (then the caller keeps its own). */
int rt_casetree_resolve(const char *path, const char *root, char *abspath, size_t abspathsz,
			char *absroot, size_t absrootsz);

/* 1 when abspath lies in a folder tree named `testcases` (its suite is then taken from
 * the canonical path, so it does not depend on the selecting path either). */
int rt_casetree_in_testcases(const char *abspath);

#endif
