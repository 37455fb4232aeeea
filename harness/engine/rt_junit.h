/* SPDX-License-Identifier: Apache-2.0 */
/* rt_junit — JUnit XML report of a run (the common Jenkins shape; tests/junit.xsd).
 *
 * <testsuites> holds one <testsuite> per folder (suite), each <testcase> has
 * classname (suite with dots), name (the case id), time, file; <properties> carry the
 * spec references, title, SUT and keywords; a failing case carries <failure> or
 * <error> with the message and detail and its evidence trace in <system-out>; a
 * skipped one <skipped message=reason>. Written with libxml2's text writer to a
 * temporary file, then renamed, so a reader never sees half a report. */
#ifndef RT_JUNIT_H
#define RT_JUNIT_H

#include "engine/rt_run.h"
#include "util/rt_err.h"

/* Writes the report of run to path (parent folders are created). */
int rt_junit_write(const struct rt_run *run, const char *path, struct rt_err *err);

#endif
