/* SPDX-License-Identifier: Apache-2.0 */
/* rt_xsd — XSD simple types; see rt_xsd.h. The calendar arithmetic is the proleptic
 * Gregorian days-from-civil count, so no libc time function (and no TZ) is involved. */
#include "soap/rt_xsd.h"

#include <stdio.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t rt_xsd_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void rt_xsd_civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static unsigned rt_xsd_mdays(int64_t y, unsigned m)
{
	static const unsigned char md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : md[m - 1];
}

/* Reads exactly n digits at *p. */
static int rt_xsd_digits(const char **p, unsigned n, unsigned *v)
{
	unsigned i, x = 0;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		x = x * 10 + (unsigned)((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

int rt_xsd_datetime_parse(const char *s, struct rt_xsd_datetime *out, struct rt_err *err)
{
	const char *p = s;
	unsigned y, mo, d, h, mi, sec, tzh, tzm;
	int64_t secs;
	uint32_t nanos = 0;
	int has_tz = 0;

	if (rt_xsd_digits(&p, 4, &y) || *p++ != '-' || rt_xsd_digits(&p, 2, &mo) || *p++ != '-' ||
	    rt_xsd_digits(&p, 2, &d))
		return rt_err_set(err, RT_EPROTO, "dateTime '%s': expected YYYY-MM-DD", s);
	if (*p++ != 'T')
		return rt_err_set(err, RT_EPROTO, "dateTime '%s': expected 'T' after the date", s);
	if (rt_xsd_digits(&p, 2, &h) || *p++ != ':' || rt_xsd_digits(&p, 2, &mi) || *p++ != ':' ||
	    rt_xsd_digits(&p, 2, &sec))
		return rt_err_set(err, RT_EPROTO, "dateTime '%s': expected hh:mm:ss", s);
	if (*p == '.') {
		unsigned k = 0;

		p++;
		if (*p < '0' || *p > '9')
			return rt_err_set(err, RT_EPROTO, "dateTime '%s': empty fraction", s);
		for (; *p >= '0' && *p <= '9'; p++, k++)
			if (k < 9)
				nanos = nanos * 10 + (uint32_t)(*p - '0');
		for (; k < 9; k++)
			nanos *= 10;
	}
	if (y == 0 || mo < 1 || mo > 12 || d < 1 || d > rt_xsd_mdays(y, mo))
		return rt_err_set(err, RT_EPROTO, "dateTime '%s': no such date", s);
	if (mi > 59 || sec > 59 || h > 24 || (h == 24 && (mi || sec || nanos)))
		return rt_err_set(err, RT_EPROTO, "dateTime '%s': no such time of day", s);
	secs = rt_xsd_days(y, mo, d) * 86400 + (int64_t)h * 3600 + mi * 60 + sec;
	if (*p == 'Z') {
		has_tz = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;

		p++;
		if (rt_xsd_digits(&p, 2, &tzh) || *p++ != ':' || rt_xsd_digits(&p, 2, &tzm) ||
		    tzm > 59 || tzh > 14 || (tzh == 14 && tzm))
			return rt_err_set(err, RT_EPROTO, "dateTime '%s': bad timezone", s);
		/* local = UTC + offset, so UTC = local - offset */
		secs -= sign * ((int64_t)tzh * 3600 + tzm * 60);
		has_tz = 1;
	}
	if (*p)
		return rt_err_set(err, RT_EPROTO, "dateTime '%s': trailing characters", s);
	out->secs = secs;
	out->nanos = nanos;
	out->has_tz = has_tz;
	return 0;
}

int rt_xsd_datetime_format(int64_t secs, char *out, size_t outsz, struct rt_err *err)
{
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t rem = secs - days * 86400, y;
	unsigned m, d;
	int n;

	rt_xsd_civil(days, &y, &m, &d);
	if (y < 1 || y > 9999)
		return rt_err_set(err, RT_ERANGE, "time %lld is outside years 1..9999", (long long)secs);
	n = snprintf(out, outsz, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
		     (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
	if (n < 0 || (size_t)n >= outsz)
		return rt_err_set(err, RT_ERANGE, "dateTime buffer of %zu bytes too small", outsz);
	return 0;
}

int rt_xsd_datetime_cmp(const struct rt_xsd_datetime *a, const struct rt_xsd_datetime *b)
{
	if (a->secs != b->secs)
		return a->secs < b->secs ? -1 : 1;
	if (a->nanos != b->nanos)
		return a->nanos < b->nanos ? -1 : 1;
	return 0;
}

int rt_xsd_boolean(const char *s, int *v, struct rt_err *err)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*v = 1;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*v = 0;
	else
		return rt_err_set(err, RT_EPROTO, "'%s' is not an xs:boolean (true, false, 1, 0)", s);
	return 0;
}

int rt_xsd_uint(const char *s, uint64_t min, uint64_t *v, const char *what, struct rt_err *err)
{
	const char *p = s;
	uint64_t x = 0;

	if (*p == '+')
		p++;
	if (!*p)
		return rt_err_set(err, RT_EPROTO, "%s: '%s' is not an integer", what, s);
	for (; *p; p++) {
		unsigned dgt;

		if (*p < '0' || *p > '9')
			return rt_err_set(err, RT_EPROTO, "%s: '%s' is not a non-negative integer",
					  what, s);
		dgt = (unsigned)(*p - '0');
		if (x > (UINT64_MAX - dgt) / 10)
			return rt_err_set(err, RT_ERANGE, "%s: '%s' is too large", what, s);
		x = x * 10 + dgt;
	}
	if (x < min)
		return rt_err_set(err, RT_EPROTO, "%s: %llu is below %llu", what,
				  (unsigned long long)x, (unsigned long long)min);
	*v = x;
	return 0;
}
