/* SPDX-License-Identifier: Apache-2.0 */
/* rt_time — the one place that reads clocks (monotonic, for durations and deadlines;
 * wall-clock only for report timestamps). Pure layers never call it. */
#ifndef RT_TIME_H
#define RT_TIME_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic time in nanoseconds. */
uint64_t rt_time_ns(void);

/* Monotonic time in seconds (double). */
double rt_time_s(void);

/* Current UTC time as ISO 8601 "YYYY-MM-DDTHH:MM:SS" into out (at least 20 bytes). */
void rt_time_iso8601(char *out, size_t outsz);

#endif
