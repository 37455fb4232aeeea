/* SPDX-License-Identifier: Apache-2.0 */
/* rt_junit — JUnit XML writer; see rt_junit.h. */
#include "engine/rt_junit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "util/rt_fs.h"

#define X(s) ((const xmlChar *)(s))

struct rt_junit_counts {
	unsigned tests, failures, errors, skipped;
	double time;
};

static void rt_junit_count(const struct rt_run *run, const char *suite, struct rt_junit_counts *k)
{
	size_t i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < run->cases->n; i++) {
		const struct rt_result *r = &run->results[i];

		if (!r->run || (suite && strcmp(r->c->suite, suite) != 0))
			continue;
		k->tests++;
		k->failures += r->verdict == RT_VERDICT_FAIL;
		k->errors += r->verdict == RT_VERDICT_ERROR;
		k->skipped += r->verdict == RT_VERDICT_SKIP;
		k->time += r->seconds;
	}
}

static int rt_junit_counts_attrs(xmlTextWriterPtr w, const struct rt_junit_counts *k)
{
	int rc = 0;

	rc |= xmlTextWriterWriteFormatAttribute(w, X("tests"), "%u", k->tests) < 0;
	rc |= xmlTextWriterWriteFormatAttribute(w, X("failures"), "%u", k->failures) < 0;
	rc |= xmlTextWriterWriteFormatAttribute(w, X("errors"), "%u", k->errors) < 0;
	rc |= xmlTextWriterWriteFormatAttribute(w, X("skipped"), "%u", k->skipped) < 0;
	rc |= xmlTextWriterWriteFormatAttribute(w, X("time"), "%.3f", k->time) < 0;
	return rc;
}

/* Length of the valid UTF-8 sequence at p that XML 1.0 allows (§2.2 Char), or 0. */
static size_t rt_junit_utf8(const unsigned char *p)
{
	unsigned long cp;
	size_t n, i;

	if (p[0] < 0x80)
		return p[0] >= 0x20 || p[0] == '\n' || p[0] == '\t' || p[0] == '\r' ? 1 : 0;
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		cp = p[0] & 0x1Fu;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		cp = p[0] & 0x0Fu;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		cp = p[0] & 0x07u;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0; /* also stops at the terminating NUL */
		cp = (cp << 6) | (p[i] & 0x3Fu);
	}
	/* overlong forms, UTF-16 surrogates, beyond Unicode, and U+FFFE/U+FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) ||
	    cp > 0x10FFFF || cp == 0xFFFE || cp == 0xFFFF)
		return 0;
	return n;
}

/* The report must be well-formed whatever a SUT answered or a case file holds: a
 * message may quote card bytes, a Lua error may carry binary. Bytes that are not valid
 * UTF-8 or are characters XML 1.0 forbids even escaped (C0 controls but tab/LF/CR,
 * U+FFFE/U+FFFF) become a visible \xNN; libxml2 escapes <, & and quotes. */
static char *rt_junit_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p), o = 0, n;
	char *out = malloc(4 * len + 1);

	if (!out)
		return NULL;
	while (*p) {
		n = rt_junit_utf8(p);
		if (n) {
			memcpy(out + o, p, n);
			o += n;
			p += n;
		} else {
			snprintf(out + o, 5, "\\x%02X", *p);
			o += 4;
			p++;
		}
	}
	out[o] = '\0';
	return out;
}

static int rt_junit_text(xmlTextWriterPtr w, const char *s)
{
	char *c = rt_junit_clean(s);
	int rc;

	if (!c)
		return 1;
	rc = xmlTextWriterWriteString(w, X(c)) < 0;
	free(c);
	return rc;
}

static int rt_junit_attr(xmlTextWriterPtr w, const char *name, const char *s)
{
	char *c = rt_junit_clean(s);
	int rc;

	if (!c)
		return 1;
	rc = xmlTextWriterWriteAttribute(w, X(name), X(c)) < 0;
	free(c);
	return rc;
}

static int rt_junit_property(xmlTextWriterPtr w, const char *name, const char *value)
{
	int rc = 0;

	rc |= xmlTextWriterStartElement(w, X("property")) < 0;
	rc |= rt_junit_attr(w, "name", name);
	rc |= rt_junit_attr(w, "value", value);
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc;
}

/* The <failure>/<error> body: JUnit viewers show its first lines, so it leads with
 * the expectation's message and the last exchanges; the Lua traceback comes after. */
static char *rt_junit_body(const struct rt_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s\n", r->message ? r->message : "");
	if (r->trace && r->napdu) {
		fprintf(f, "\nlast exchanges:\n");
		rt_trace_print_tail(f, r->trace, 10, "  ");
	}
	if (r->detail && (!r->message || strcmp(r->detail, r->message) != 0))
		fprintf(f, "\ndetail:\n%s\n", r->detail);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int rt_junit_case(xmlTextWriterPtr w, const struct rt_run *run, const struct rt_result *r)
{
	const struct rt_case *c = r->c;
	char classname[512], *p;
	size_t i;
	int rc = 0;

	snprintf(classname, sizeof(classname), "%s", c->suite);
	for (p = classname; *p; p++)
		if (*p == '/')
			*p = '.';
	rc |= xmlTextWriterStartElement(w, X("testcase")) < 0;
	rc |= rt_junit_attr(w, "classname", classname);
	rc |= rt_junit_attr(w, "name", c->id);
	rc |= xmlTextWriterWriteFormatAttribute(w, X("time"), "%.3f", r->seconds) < 0;
	rc |= rt_junit_attr(w, "file", c->file);
	rc |= xmlTextWriterStartElement(w, X("properties")) < 0;
	rc |= rt_junit_property(w, "title", c->title);
	for (i = 0; i < c->spec.n; i++)
		rc |= rt_junit_property(w, "spec", c->spec.v[i]);
	for (i = 0; i < c->keywords.n; i++)
		rc |= rt_junit_property(w, "keyword", c->keywords.v[i]);
	rc |= rt_junit_property(w, "sut", run->sut->name);
	rc |= rt_junit_property(w, "sut_role", c->sut_role);
	if (r->trace_file)
		rc |= rt_junit_property(w, "evidence", r->trace_file);
	rc |= xmlTextWriterEndElement(w) < 0;
	if (r->verdict == RT_VERDICT_FAIL || r->verdict == RT_VERDICT_ERROR) {
		int fail = r->verdict == RT_VERDICT_FAIL;

		rc |= xmlTextWriterStartElement(w, X(fail ? "failure" : "error")) < 0;
		rc |= rt_junit_attr(w, "message", r->message ? r->message : "");
		rc |= xmlTextWriterWriteAttribute(w, X("type"),
						  X(fail ? "ExpectationNotMet" : "HarnessError")) < 0;
		{
			char *body = rt_junit_body(r);

			rc |= body ? rt_junit_text(w, body) : 1;
			free(body);
		}
		rc |= xmlTextWriterEndElement(w) < 0;
		/* The exchanges that led to the verdict (APDUs with timing). */
		if (r->trace) {
			rc |= xmlTextWriterStartElement(w, X("system-out")) < 0;
			rc |= rt_junit_text(w, r->trace);
			rc |= xmlTextWriterEndElement(w) < 0;
		}
	} else if (r->verdict == RT_VERDICT_SKIP) {
		rc |= xmlTextWriterStartElement(w, X("skipped")) < 0;
		rc |= rt_junit_attr(w, "message", r->message ? r->message : "");
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc;
}

int rt_junit_write(const struct rt_run *run, const char *path, struct rt_err *err)
{
	xmlTextWriterPtr w = NULL;
	struct rt_junit_counts all, k;
	char tmp[4200], host[256] = "localhost";
	const char **suites = NULL;
	size_t i, j, nsuites = 0;
	int rc = 0, bad = 0;

	if (rt_fs_mkparents(path) != 0)
		return rt_err_set(err, RT_EIO, "%s: cannot create its folder: %s", path,
				  strerror(errno));
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	w = xmlNewTextWriterFilename(tmp, 0);
	if (!w)
		return rt_err_set(err, RT_EIO, "%s: cannot write", tmp);
	gethostname(host, sizeof(host) - 1);
	suites = calloc(run->cases->n + 1, sizeof(*suites));
	if (!suites) {
		rc = rt_err_set(err, RT_ENOMEM, "out of memory");
		goto out;
	}
	/* Suites in order of first appearance (cases are sorted by path). */
	for (i = 0; i < run->cases->n; i++) {
		if (!run->results[i].run)
			continue;
		for (j = 0; j < nsuites && strcmp(suites[j], run->results[i].c->suite); j++)
			;
		if (j == nsuites)
			suites[nsuites++] = run->results[i].c->suite;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, X("  "));
	rt_junit_count(run, NULL, &all);
	bad |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
	bad |= xmlTextWriterStartElement(w, X("testsuites")) < 0;
	bad |= xmlTextWriterWriteAttribute(w, X("name"), X("rsptest")) < 0;
	bad |= rt_junit_counts_attrs(w, &all);
	bad |= xmlTextWriterWriteAttribute(w, X("timestamp"), X(run->timestamp)) < 0;
	for (j = 0; j < nsuites; j++) {
		rt_junit_count(run, suites[j], &k);
		bad |= xmlTextWriterStartElement(w, X("testsuite")) < 0;
		bad |= rt_junit_attr(w, "name", suites[j]);
		bad |= rt_junit_counts_attrs(w, &k);
		bad |= xmlTextWriterWriteAttribute(w, X("timestamp"), X(run->timestamp)) < 0;
		bad |= rt_junit_attr(w, "hostname", host);
		bad |= xmlTextWriterStartElement(w, X("properties")) < 0;
		bad |= rt_junit_property(w, "sut", run->sut->name);
		bad |= rt_junit_property(w, "sut_role", run->sut->role);
		bad |= rt_junit_property(w, "sut_file", run->sut->file);
		{
			char seed[32];

			snprintf(seed, sizeof(seed), "%llu", (unsigned long long)run->opts.seed);
			bad |= rt_junit_property(w, "seed", seed);
		}
		bad |= rt_junit_property(w, "rsptest_version", RT_VERSION);
		bad |= xmlTextWriterEndElement(w) < 0;
		for (i = 0; i < run->cases->n; i++)
			if (run->results[i].run && strcmp(run->results[i].c->suite, suites[j]) == 0)
				bad |= rt_junit_case(w, run, &run->results[i]);
		bad |= xmlTextWriterEndElement(w) < 0;
	}
	bad |= xmlTextWriterEndElement(w) < 0;
	bad |= xmlTextWriterEndDocument(w) < 0;
	if (bad)
		rc = rt_err_set(err, RT_EIO, "%s: error while writing the report", tmp);
out:
	xmlFreeTextWriter(w);
	free(suites);
	if (!rc && rename(tmp, path) != 0)
		rc = rt_err_set(err, RT_EIO, "%s: cannot rename into place: %s", path,
				strerror(errno));
	if (rc)
		unlink(tmp);
	return rc;
}
