/* SPDX-License-Identifier: Apache-2.0 */
/* rt_xsd — the few XML Schema Part 2 simple types the SGP.02 messages use, as pure
 * parsers and formatters: xs:dateTime (ProcessingStart/End, MessageDate,
 * CompletionTimestamp), xs:boolean (mustUnderstand, MoreToDo) and xs:positiveInteger /
 * nonNegativeInteger (ValidityPeriod, memory sizes). No clock: a time is a number the
 * caller passes in. */
#ifndef RT_XSD_H
#define RT_XSD_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_err.h"

/* An xs:dateTime as an instant. Without a timezone (allowed by XSD 3.2.7) the value is
 * read as UTC and has_tz is 0, so a judge can say so. */
struct rt_xsd_datetime {
	int64_t secs;    /* seconds since 1970-01-01T00:00:00Z */
	uint32_t nanos;  /* fraction, truncated to nanoseconds */
	int has_tz;      /* 'Z' or ±hh:mm was present */
};

/* Parses the XSD 1.0 lexical form -?YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)? with
 * years 0001..9999 (no negative years in SGP.02 traffic), 24:00:00 accepted as the
 * next day's midnight (XSD 3.2.7). RT_EPROTO naming the bad field. */
int rt_xsd_datetime_parse(const char *s, struct rt_xsd_datetime *out, struct rt_err *err);

/* Writes secs as YYYY-MM-DDThh:mm:ssZ (the form of the ZTE-LOG trace, sgp02-facts §6.1)
 * into out (>= 21 bytes). RT_ERANGE outside years 1..9999 or when out is too small. */
int rt_xsd_datetime_format(int64_t secs, char *out, size_t outsz, struct rt_err *err);

/* Compares two instants: <0, 0, >0. */
int rt_xsd_datetime_cmp(const struct rt_xsd_datetime *a, const struct rt_xsd_datetime *b);

/* xs:boolean: "true" / "1" -> 1, "false" / "0" -> 0; RT_EPROTO otherwise. */
int rt_xsd_boolean(const char *s, int *v, struct rt_err *err);

/* xs:nonNegativeInteger (min 0) or xs:positiveInteger (min 1): optional '+', digits,
 * leading zeros allowed, value <= UINT64_MAX. RT_EPROTO / RT_ERANGE naming what. */
int rt_xsd_uint(const char *s, uint64_t min, uint64_t *v, const char *what, struct rt_err *err);

#endif
