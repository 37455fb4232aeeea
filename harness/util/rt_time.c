/* SPDX-License-Identifier: Apache-2.0 */
/* rt_time — clocks; see rt_time.h. */
#include "util/rt_time.h"

#include <time.h>

uint64_t rt_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double rt_time_s(void)
{
	return (double)rt_time_ns() / 1e9;
}

void rt_time_iso8601(char *out, size_t outsz)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%S", &tm);
}
