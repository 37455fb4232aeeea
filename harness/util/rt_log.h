/* SPDX-License-Identifier: Apache-2.0 */
/* rt_log — leveled diagnostics to stderr.
 *
 * For the harness's own diagnostics only; evidence about the SUT goes to the per-case
 * trace (engine/rt_trace.h), never here. */
#ifndef RT_LOG_H
#define RT_LOG_H

enum rt_log_level { RT_LOG_ERROR = 0, RT_LOG_WARN, RT_LOG_INFO, RT_LOG_DEBUG };

/* Sets the highest level printed (default RT_LOG_WARN). */
void rt_log_set_level(enum rt_log_level lvl);
enum rt_log_level rt_log_get_level(void);

/* Prints "rsptest: <level>: message" to stderr when lvl is enabled. */
void rt_log(enum rt_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
