/* SPDX-License-Identifier: Apache-2.0 */
/* rt_err — error records with context; see rt_err.h. */
#include "util/rt_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rt_err_set(struct rt_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int rt_err_wrap(struct rt_err *err, const char *fmt, ...)
{
	char prefix[RT_ERR_MSG_MAX];
	char joined[2 * RT_ERR_MSG_MAX + 2];
	va_list ap;

	if (!err)
		return RT_EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* Join into a buffer large enough for both, then truncate deliberately. */
	snprintf(joined, sizeof(joined), "%s: %s", prefix, err->msg);
	memcpy(err->msg, joined, sizeof(err->msg) - 1);
	err->msg[sizeof(err->msg) - 1] = '\0';
	return err->code;
}

void rt_err_clear(struct rt_err *err)
{
	if (!err)
		return;
	err->code = RT_OK;
	err->msg[0] = '\0';
}

/* Names indexed by -code; protocol knowledge as a table, not an if ladder. */
static const char *const rt_err_names[] = {
	"OK", "EINVAL", "ENOMEM", "EPROTO", "EIO", "ETIMEDOUT", "ERANGE", "ENOTSUP",
	"ESTATE", "ECRYPTO", "ENOENT", "EINTR", "ECONFIG", "EREMOVED",
};

const char *rt_err_name(int code)
{
	size_t i = (size_t)(code <= 0 ? -code : 0);

	if (code > 0 || i >= sizeof(rt_err_names) / sizeof(rt_err_names[0]))
		return "E?";
	return rt_err_names[i];
}
