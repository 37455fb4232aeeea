/* SPDX-License-Identifier: Apache-2.0 */
/* rt_log — leveled diagnostics to stderr; see rt_log.h. */
#include "util/rt_log.h"

#include <stdarg.h>
#include <stdio.h>

static enum rt_log_level rt_log_level_now = RT_LOG_WARN;
static const char *const rt_log_names[] = { "error", "warning", "info", "debug" };

void rt_log_set_level(enum rt_log_level lvl)
{
	rt_log_level_now = lvl;
}

enum rt_log_level rt_log_get_level(void)
{
	return rt_log_level_now;
}

void rt_log(enum rt_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (lvl > rt_log_level_now)
		return;
	fprintf(stderr, "rsptest: %s: ", rt_log_names[lvl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
