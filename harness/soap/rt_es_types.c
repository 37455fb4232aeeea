/* SPDX-License-Identifier: Apache-2.0 */
/* rt_es_types — SGP.02 common request/response types; see rt_es_types.h. Elements are
 * matched in the function element's own namespace (the XSDs are "chameleon" schemas
 * included with elementFormDefault="qualified", WSDL-3 euicc.common.request.xsd), so the
 * same code reads esim-messaging/3 and the namespace-1 dialect. */
#include "soap/rt_es_types.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "soap/rt_soap.h"
#include "soap/rt_xml.h"

static const struct {
	enum rt_es_status st;
	const char *v3, *prose;
} rt_es_statuses[] = {
	/* WSDL-3 euicc.common.types.xsd StatusType; prose spellings sgp02-facts §6.2 */
	{ RT_ES_EXECUTED_SUCCESS, "EXECUTED_SUCCESS", "Executed-Success" },
	{ RT_ES_EXECUTED_WITHWARNING, "EXECUTED_WITHWARNING", "Executed-WithWarning" },
	{ RT_ES_FAILED, "FAILED", "Failed" },
	{ RT_ES_EXPIRED, "EXPIRED", "Expired" },
};

#define RT_ES_NSTATUS (sizeof(rt_es_statuses) / sizeof(rt_es_statuses[0]))

const char *rt_es_status_text(enum rt_es_status s, enum rt_es_spelling sp)
{
	size_t i;

	for (i = 0; i < RT_ES_NSTATUS; i++)
		if (rt_es_statuses[i].st == s)
			return sp == RT_ES_SPELL_PROSE ? rt_es_statuses[i].prose : rt_es_statuses[i].v3;
	return NULL;
}

int rt_es_status_parse(const char *s, enum rt_es_status *st, enum rt_es_spelling *sp,
		       struct rt_err *err)
{
	size_t i;

	for (i = 0; i < RT_ES_NSTATUS; i++) {
		if (strcmp(s, rt_es_statuses[i].v3) == 0 || strcmp(s, rt_es_statuses[i].prose) == 0) {
			*st = rt_es_statuses[i].st;
			*sp = strcmp(s, rt_es_statuses[i].v3) == 0 ? RT_ES_SPELL_V3 : RT_ES_SPELL_PROSE;
			return 0;
		}
	}
	return rt_err_set(err, RT_EPROTO,
			  "Status '%s' is none of EXECUTED_SUCCESS, EXECUTED_WITHWARNING, FAILED, "
			  "EXPIRED (or Executed-Success, Executed-WithWarning, Failed, Expired)", s);
}

static const char *const rt_es_problem_names[] = {
	"ok", "missing-element", "unexpected-element", "bad-value", "stray-text",
};

const char *rt_es_problem_name(enum rt_es_problem p)
{
	if ((size_t)p >= sizeof(rt_es_problem_names) / sizeof(rt_es_problem_names[0]))
		return "?";
	return rt_es_problem_names[p];
}

int rt_es_new_function(const char *name, xmlDocPtr *doc, xmlNodePtr *fn, struct rt_err *err)
{
	xmlDocPtr d = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr n;

	*doc = NULL;
	*fn = NULL;
	if (!d)
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	n = xmlNewNode(NULL, (const xmlChar *)name);
	if (!n) {
		xmlFreeDoc(d);
		return rt_err_set(err, RT_ENOMEM, "out of memory");
	}
	xmlSetNs(n, xmlNewNs(n, (const xmlChar *)RT_ESIM_NS, (const xmlChar *)"rps"));
	xmlDocSetRootElement(d, n);
	*doc = d;
	*fn = n;
	return 0;
}

/* --- encoding ---------------------------------------------------------------------- */

static xmlNodePtr rt_es_put(xmlNodePtr parent, const char *name, const char *text)
{
	return xmlNewTextChild(parent, parent->ns, (const xmlChar *)name, (const xmlChar *)text);
}

static void rt_es_put_uint(xmlNodePtr parent, const char *name, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	rt_es_put(parent, name, b);
}

int rt_es_base_request_encode(xmlNodePtr fn, const struct rt_es_base_request *r,
			      struct rt_err *err)
{
	if (!r->function_call_id[0])
		return rt_err_set(err, RT_EINVAL, "FunctionCallIdentifier is empty");
	if (r->has_validity && r->validity_period == 0)
		return rt_err_set(err, RT_EINVAL, "ValidityPeriod 0 (xs:positiveInteger)");
	rt_es_put(fn, "FunctionCallIdentifier", r->function_call_id);
	if (r->has_validity)
		rt_es_put_uint(fn, "ValidityPeriod", r->validity_period);
	return 0;
}

int rt_es_base_response_encode(xmlNodePtr fn, const struct rt_es_base_response *r,
			       struct rt_err *err)
{
	const char *st = rt_es_status_text(r->exec.status, RT_ES_SPELL_V3);
	char t[40];
	xmlNodePtr fes, scd;

	if (!st)
		return rt_err_set(err, RT_EINVAL, "FunctionExecutionStatus without a Status");
	if (r->has_acceptable && r->acceptable_validity == 0)
		return rt_err_set(err, RT_EINVAL, "AcceptableValidityPeriod 0 (xs:positiveInteger)");
	if (r->exec.has_code && (!r->exec.code.subject[0] || !r->exec.code.reason[0]))
		return rt_err_set(err, RT_EINVAL, "StatusCodeData needs a Subject and a Reason");
	if (r->has_start) {
		if (rt_xsd_datetime_format(r->start.secs, t, sizeof(t), err))
			return rt_err_wrap(err, "ProcessingStart");
		rt_es_put(fn, "ProcessingStart", t);
	}
	if (r->has_end) {
		if (rt_xsd_datetime_format(r->end.secs, t, sizeof(t), err))
			return rt_err_wrap(err, "ProcessingEnd");
		rt_es_put(fn, "ProcessingEnd", t);
	}
	if (r->has_acceptable)
		rt_es_put_uint(fn, "AcceptableValidityPeriod", r->acceptable_validity);
	fes = xmlNewChild(fn, fn->ns, (const xmlChar *)"FunctionExecutionStatus", NULL);
	rt_es_put(fes, "Status", st);
	if (r->exec.has_code) {
		scd = xmlNewChild(fes, fn->ns, (const xmlChar *)"StatusCodeData", NULL);
		rt_es_put(scd, "Subject", r->exec.code.subject);
		rt_es_put(scd, "Reason", r->exec.code.reason);
		if (r->exec.code.has_subject_id)
			rt_es_put(scd, "SubjectIdentifier", r->exec.code.subject_id);
		if (r->exec.code.has_message)
			rt_es_put(scd, "Message", r->exec.code.message);
	}
	return 0;
}

/* --- decoding ---------------------------------------------------------------------- */

struct rt_es_dec {
	const char *ns;  /* the function element's namespace */
	char path[160];  /* "ES3-CreateISDPResponse" */
	enum rt_es_problem why;
	struct rt_err *err;
};

static int rt_es_fail(struct rt_es_dec *d, enum rt_es_problem p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rt_es_fail(struct rt_es_dec *d, enum rt_es_problem p, const char *fmt, ...)
{
	char msg[RT_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->why = p;
	return rt_err_set(d->err, RT_EPROTO, "%s: %s", d->path, msg);
}

/* 1 when n is the element `local` in the function's namespace. */
static int rt_es_is(const struct rt_es_dec *d, const xmlNode *n, const char *local)
{
	return rt_xml_is(n, d->ns, local);
}

static int rt_es_text(struct rt_es_dec *d, const xmlNode *n, char *out, size_t outsz)
{
	struct rt_err e = { 0 };

	if (rt_xml_text(n, out, outsz, &e))
		return rt_es_fail(d, RT_ES_P_BAD_VALUE, "%s", e.msg);
	return 0;
}

static int rt_es_uint(struct rt_es_dec *d, const xmlNode *n, uint64_t min, uint64_t *v)
{
	struct rt_err e = { 0 };
	char t[64];

	if (rt_es_text(d, n, t, sizeof(t)))
		return RT_EPROTO;
	if (rt_xsd_uint(t, min, v, (const char *)n->name, &e))
		return rt_es_fail(d, RT_ES_P_BAD_VALUE, "%s", e.msg);
	return 0;
}

static int rt_es_time(struct rt_es_dec *d, const xmlNode *n, struct rt_xsd_datetime *v)
{
	struct rt_err e = { 0 };
	char t[64];

	if (rt_es_text(d, n, t, sizeof(t)))
		return RT_EPROTO;
	if (rt_xsd_datetime_parse(t, v, &e))
		return rt_es_fail(d, RT_ES_P_BAD_VALUE, "%s: %s", (const char *)n->name, e.msg);
	return 0;
}

/* Starts decoding the function element fn: its namespace and name for messages, then
 * the rule every SGP.02 body shares (element-only content). 0 or RT_EPROTO. */
static int rt_es_dec_start(struct rt_es_dec *d, const xmlNode *fn, struct rt_err *err)
{
	d->ns = rt_xml_ns(fn);
	snprintf(d->path, sizeof(d->path), "%s", (const char *)fn->name);
	d->why = RT_ES_OK;
	d->err = err;
	if (rt_xml_stray_text(fn))
		return rt_es_fail(d, RT_ES_P_TEXT, "character content between elements");
	return 0;
}

int rt_es_base_request_decode(const xmlNode *fn, struct rt_es_base_request *out,
			      xmlNodePtr *rest, enum rt_es_problem *why, struct rt_err *err)
{
	struct rt_es_dec d;
	xmlNodePtr c;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = rt_es_dec_start(&d, fn, err)))
		goto out;
	c = rt_xml_next_elem(fn->children);
	if (!rt_es_is(&d, c, "FunctionCallIdentifier")) {
		rc = rt_es_fail(&d, RT_ES_P_MISSING, "FunctionCallIdentifier missing (first element)");
		goto out;
	}
	if ((rc = rt_es_text(&d, c, out->function_call_id, sizeof(out->function_call_id))))
		goto out;
	c = rt_xml_next_elem(c->next);
	if (rt_es_is(&d, c, "ValidityPeriod")) {
		if ((rc = rt_es_uint(&d, c, 1, &out->validity_period)))
			goto out;
		out->has_validity = 1;
		c = rt_xml_next_elem(c->next);
	}
	if (rest)
		*rest = c;
out:
	if (why)
		*why = rc ? d.why : RT_ES_OK;
	return rc;
}

static int rt_es_exec_decode(struct rt_es_dec *d, const xmlNode *fes, struct rt_es_exec_status *x)
{
	struct rt_err e = { 0 };
	char t[64];
	xmlNodePtr c, s;

	if (rt_xml_stray_text(fes))
		return rt_es_fail(d, RT_ES_P_TEXT, "text in FunctionExecutionStatus");
	c = rt_xml_next_elem(fes->children);
	if (!rt_es_is(d, c, "Status"))
		return rt_es_fail(d, RT_ES_P_MISSING, "FunctionExecutionStatus/Status missing");
	if (rt_es_text(d, c, t, sizeof(t)))
		return RT_EPROTO;
	if (rt_es_status_parse(t, &x->status, &x->spelling, &e))
		return rt_es_fail(d, RT_ES_P_BAD_VALUE, "FunctionExecutionStatus/%s", e.msg);
	c = rt_xml_next_elem(c->next);
	if (rt_es_is(d, c, "StatusCodeData")) {
		struct rt_es_status_code *k = &x->code;

		if (rt_xml_stray_text(c))
			return rt_es_fail(d, RT_ES_P_TEXT, "text in StatusCodeData");
		s = rt_xml_next_elem(c->children);
		if (!rt_es_is(d, s, "Subject"))
			return rt_es_fail(d, RT_ES_P_MISSING, "StatusCodeData/Subject missing");
		if (rt_es_text(d, s, k->subject, sizeof(k->subject)))
			return RT_EPROTO;
		s = rt_xml_next_elem(s->next);
		if (!rt_es_is(d, s, "Reason"))
			return rt_es_fail(d, RT_ES_P_MISSING, "StatusCodeData/Reason missing");
		if (rt_es_text(d, s, k->reason, sizeof(k->reason)))
			return RT_EPROTO;
		if (!k->subject[0] || !k->reason[0])
			return rt_es_fail(d, RT_ES_P_BAD_VALUE, "StatusCodeData: empty Subject or Reason");
		k->subject_is_oid = rt_rps_is_oid(k->subject);
		k->reason_is_oid = rt_rps_is_oid(k->reason);
		s = rt_xml_next_elem(s->next);
		if (rt_es_is(d, s, "SubjectIdentifier")) {
			if (rt_es_text(d, s, k->subject_id, sizeof(k->subject_id)))
				return RT_EPROTO;
			k->has_subject_id = 1;
			s = rt_xml_next_elem(s->next);
		}
		if (rt_es_is(d, s, "Message")) {
			if (rt_es_text(d, s, k->message, sizeof(k->message)))
				return RT_EPROTO;
			k->has_message = 1;
			s = rt_xml_next_elem(s->next);
		}
		if (s)
			return rt_es_fail(d, RT_ES_P_UNEXPECTED, "StatusCodeData holds <%s>",
					  (const char *)s->name);
		x->has_code = 1;
		c = rt_xml_next_elem(c->next);
	}
	if (c)
		return rt_es_fail(d, RT_ES_P_UNEXPECTED, "FunctionExecutionStatus holds <%s>",
				  (const char *)c->name);
	return 0;
}

int rt_es_base_response_decode(const xmlNode *fn, struct rt_es_base_response *out,
			       xmlNodePtr *rest, enum rt_es_problem *why, struct rt_err *err)
{
	struct rt_es_dec d;
	xmlNodePtr c;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = rt_es_dec_start(&d, fn, err)))
		goto out;
	c = rt_xml_next_elem(fn->children);
	if (rt_es_is(&d, c, "ProcessingStart")) {
		if ((rc = rt_es_time(&d, c, &out->start)))
			goto out;
		out->has_start = 1;
		c = rt_xml_next_elem(c->next);
	}
	if (rt_es_is(&d, c, "ProcessingEnd")) {
		if ((rc = rt_es_time(&d, c, &out->end)))
			goto out;
		out->has_end = 1;
		c = rt_xml_next_elem(c->next);
	}
	if (rt_es_is(&d, c, "AcceptableValidityPeriod")) {
		if ((rc = rt_es_uint(&d, c, 1, &out->acceptable_validity)))
			goto out;
		out->has_acceptable = 1;
		c = rt_xml_next_elem(c->next);
	}
	if (!rt_es_is(&d, c, "FunctionExecutionStatus")) {
		rc = rt_es_fail(&d, c ? RT_ES_P_UNEXPECTED : RT_ES_P_MISSING,
				"FunctionExecutionStatus missing%s%s%s", c ? " (found <" : "",
				c ? (const char *)c->name : "", c ? ">)" : "");
		goto out;
	}
	if ((rc = rt_es_exec_decode(&d, c, &out->exec)))
		goto out;
	if (rest)
		*rest = rt_xml_next_elem(c->next);
out:
	if (why)
		*why = rc ? d.why : RT_ES_OK;
	return rc;
}
