/* SPDX-License-Identifier: Apache-2.0 */
/* test_xsd — unit tests for rsptest's XML Schema of the ES1–ES7 function elements
 * (xsd/esim-messaging-3.xsd) and its libxml2 validator (harness/soap/rt_schema).
 *
 * Instances are hand-written, never our encoder's output pasted back:
 *  - the envelopes of unit.soap in tests/vectors/soap/ and tests/vectors/soap/bodies/:
 *    valid-*.xml must validate, invalid-*.xml must be refused, each with the element and
 *    line the table below names (written from the file, not from a run);
 *  - our encoder's output (rt_es_new_function + rt_es_base_*_encode + children, through
 *    rt_soap_encode and rt_soap_decode as a peer would receive it) must validate, and a
 *    response missing its required element must not;
 *  - the function table (rt_es_functions, 84 rows) against the schema's global element
 *    declarations, both ways, counted from libxml2's compiled schema and from the
 *    schema document itself. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "soap/rt_es_functions.h"
#include "soap/rt_es_types.h"
#include "soap/rt_schema.h"
#include "soap/rt_soap.h"
#include "soap/rt_xml.h"

static struct rt_schema *schema;

static const char *srcdir(void)
{
	const char *d = getenv("RT_SRCDIR");

	return d && *d ? d : ".";
}

static int setup(void **state)
{
	char path[1024];
	struct rt_err err = { 0 };

	(void)state;
	if (rt_schema_path(srcdir(), path, sizeof(path), &err))
		return -1;
	if (rt_schema_load(path, &schema, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rt_schema_free(schema);
	return 0;
}

/* Validates the root element of an in-memory document; returns rt_schema_validate's rc. */
static int validate_mem(const char *xml, struct rt_schema_result *res, struct rt_err *err)
{
	struct rt_xml_doc d;
	int rc;

	if (rt_xml_parse(xml, strlen(xml), NULL, &d, NULL, err))
		fail_msg("not well-formed: %s", err->msg);
	rc = rt_schema_validate(schema, xmlDocGetRootElement(d.doc), res, err);
	rt_xml_doc_free(&d);
	return rc;
}

/* --- loading ---------------------------------------------------------------------- */

static void test_load_refusals(void **state)
{
	static const char *const with_import =
		"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:x\">"
		"<xs:import namespace=\"http://www.w3.org/2000/09/xmldsig#\" schemaLocation="
		"\"http://www.w3.org/TR/xmldsig-core/xmldsig-core-schema.xsd\"/></xs:schema>";
	static const char *const with_include =
		"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"
		"<xs:include schemaLocation=\"/etc/passwd\"/></xs:schema>";
	static const char *const with_dtd =
		"<!DOCTYPE xs:schema SYSTEM \"http://www.w3.org/2001/XMLSchema.dtd\">"
		"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"/>";
	static const char *const not_schema = "<schema/>";
	static const char *const bad_ref =
		"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"
		"<xs:element name=\"a\" type=\"nowhere\"/></xs:schema>";
	struct rt_schema *s = (struct rt_schema *)1;
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_schema_load_mem(with_import, strlen(with_import), &s, &err), RT_EPROTO);
	assert_null(s);
	assert_non_null(strstr(err.msg, "xs:import refused"));
	assert_int_equal(rt_schema_load_mem(with_include, strlen(with_include), &s, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "line 2: xs:include refused"));
	assert_int_equal(rt_schema_load_mem(with_dtd, strlen(with_dtd), &s, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "DOCTYPE"));
	assert_int_equal(rt_schema_load_mem(not_schema, strlen(not_schema), &s, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "not xs:schema"));
	assert_int_equal(rt_schema_load_mem(bad_ref, strlen(bad_ref), &s, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(rt_schema_load("/nonexistent/esim.xsd", &s, &err), RT_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/esim.xsd"));
	assert_int_equal(rt_schema_validate(schema, NULL, NULL, &err), RT_EINVAL);
}

static void test_path(void **state)
{
	char p[64];
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_schema_path("/usr/share/rsptest", p, sizeof(p), &err), 0);
	assert_string_equal(p, "/usr/share/rsptest/xsd/esim-messaging-3.xsd");
	assert_int_equal(rt_schema_path("/a/very/long/data/directory/name", p, 40, &err), RT_ERANGE);
}

/* --- the envelopes of unit.soap ---------------------------------------------------- */

static void test_envelope_vectors(void **state)
{
	static const char *const files[] = {
		"es3-createisdp-callback.xml",
		"es3-createisdp-request.xml",
		"es4-enableprofile-callback-failed.xml",
	};
	const char *vec = getenv("RT_VECTORS");
	struct rt_soap_msg m;
	struct rt_err err = { 0 };
	size_t i, n;
	uint8_t *b;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		b = rt_test_slurp(&n, "%s/soap/%s", vec ? vec : "tests/vectors", files[i]);
		if (rt_soap_decode(b, n, NULL, &m, NULL, &err))
			fail_msg("%s: %s", files[i], err.msg);
		if (rt_schema_validate(schema, m.body, NULL, &err))
			fail_msg("%s: %s", files[i], err.msg);
		rt_soap_msg_free(&m);
		free(b);
	}
	/* A Fault is not a function element: the schema has no declaration for it. */
	b = rt_test_slurp(&n, "%s/soap/fault-invalid-cardinality.xml", vec ? vec : "tests/vectors");
	assert_int_equal(rt_soap_decode(b, n, NULL, &m, NULL, &err), 0);
	assert_true(m.is_fault);
	assert_int_equal(rt_schema_validate(schema, m.body, NULL, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "No matching global declaration"));
	rt_soap_msg_free(&m);
	free(b);
}

/* --- hand-written bodies ----------------------------------------------------------- */

/* Every invalid-*.xml with the element and line of the first error (read off the file). */
static const struct {
	const char *file;
	const char *element;
	int line;
	const char *says; /* a word of libxml2's message */
} invalid[] = {
	{ "invalid-missing-iccid.xml", "rps:ES3-EnableProfileRequest", 3, "Iccid" },
	{ "invalid-missing-status.xml", "rps:ES3-UpdatePolicyRulesResponse", 3,
	  "FunctionExecutionStatus" },
	{ "invalid-wrong-type-memory.xml", "rps:RequiredMemory", 8, "lots" },
	{ "invalid-wrong-type-validity.xml", "rps:ValidityPeriod", 5, "positiveInteger" },
	{ "invalid-wrong-type-boolean.xml", "rps:MoreToDo", 8, "boolean" },
	{ "invalid-unknown-element.xml", "rps:Force", 7, "not expected" },
	{ "invalid-unknown-root.xml", "rps:ES3-RebootEUICCRequest", 3, "No matching global" },
	{ "invalid-wrong-namespace.xml", "ES3-GetEISRequest", 3, "No matching global" },
	{ "invalid-eid-short.xml", "rps:Eid", 5, "length of '15'" },
	{ "invalid-eid-long.xml", "rps:Eid", 5, "length of '17'" },
	{ "invalid-eid-hex.xml", "rps:Eid", 5, "pattern" },
	{ "invalid-order.xml", "rps:Iccid", 5, "not expected" },
	{ "invalid-status-spelling.xml", "rps:Status", 5, "SUCCESS" },
	{ "invalid-subject-name.xml", "rps:Subject", 7, "Profile" },
	{ "invalid-iccid-pattern.xml", "rps:Iccid", 6, "pattern" },
	{ "invalid-notification-fcid.xml", "rps:FunctionCallIdentifier", 4, "not expected" },
	{ "invalid-v4-no-fcid.xml", "rps:Eid", 4, "FunctionCallIdentifier" },
	{ "invalid-pol2-action.xml", "rps:Action", 7, "SUSPEND" },
	{ "invalid-eis-aid-short.xml", "rps:Aid", 30, "minLength" },
	{ "invalid-eis-no-signature.xml", "rps:RemainingMemory", 25, "EumSignature" },
	{ "invalid-text-in-element.xml", "rps:ES3-EnableProfileRequest", 3, "Character content" },
};

static void test_bodies(void **state)
{
	const char *vec = getenv("RT_VECTORS");
	char dir[1024];
	struct dirent *de;
	unsigned nvalid = 0, ninvalid = 0;
	DIR *d;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/soap/bodies", vec ? vec : "tests/vectors");
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		struct rt_schema_result res;
		struct rt_err err = { 0 };
		struct rt_xml_doc x;
		size_t n, i;
		uint8_t *b;
		int rc;

		if (!strstr(de->d_name, ".xml"))
			continue;
		b = rt_test_slurp(&n, "%s/%s", dir, de->d_name);
		if (rt_xml_parse(b, n, NULL, &x, NULL, &err))
			fail_msg("%s: %s", de->d_name, err.msg);
		rc = rt_schema_validate(schema, xmlDocGetRootElement(x.doc), &res, &err);
		if (strncmp(de->d_name, "valid-", 6) == 0) {
			if (rc)
				fail_msg("%s refused: %s", de->d_name, err.msg);
			/* validating the same tree again gives the same answer (xs:ID values
			 * registered by the first pass do not count as duplicates) */
			if (rt_schema_validate(schema, xmlDocGetRootElement(x.doc), &res, &err))
				fail_msg("%s refused the second time: %s", de->d_name, err.msg);
			nvalid++;
		} else {
			for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
				if (strcmp(invalid[i].file, de->d_name) == 0)
					break;
			if (i == sizeof(invalid) / sizeof(invalid[0]))
				fail_msg("%s: not in the table of expected refusals", de->d_name);
			if (rc != RT_EPROTO)
				fail_msg("%s accepted", de->d_name);
			if (strcmp(res.element, invalid[i].element) || res.line != invalid[i].line ||
			    !strstr(err.msg, invalid[i].says))
				fail_msg("%s: got line %d element %s '%s'; expected line %d element %s "
					 "and '%s'",
					 de->d_name, res.line, res.element, err.msg, invalid[i].line,
					 invalid[i].element, invalid[i].says);
			ninvalid++;
		}
		rt_xml_doc_free(&x);
		free(b);
	}
	closedir(d);
	assert_true(nvalid >= 13);
	assert_int_equal(ninvalid, sizeof(invalid) / sizeof(invalid[0]));
}

/* Broken bodies written inline: the four kinds the brief names, with their messages. */
static void test_inline_refusals(void **state)
{
	struct rt_schema_result res;
	struct rt_err err = { 0 };

	(void)state;
	/* a required element missing: Mno-id of CreateISDP */
	assert_int_equal(validate_mem("<ES3-CreateISDPRequest xmlns=\"" RT_ESIM_NS "\">"
				      "<FunctionCallIdentifier>a</FunctionCallIdentifier>"
				      "<Eid>89049032123451234512345678901235</Eid>"
				      "<Iccid>8901234567890123456F</Iccid>"
				      "<RequiredMemory>1</RequiredMemory></ES3-CreateISDPRequest>",
				      &res, &err),
			 RT_EPROTO);
	assert_non_null(strstr(err.msg, "line 1: element 'RequiredMemory'"));
	assert_non_null(strstr(err.msg, "Mno-id"));
	/* a wrong type: a date that is not an xs:dateTime, and two errors counted */
	assert_int_equal(validate_mem("<ES4-HandleProfileEnabledNotification xmlns=\"" RT_ESIM_NS
				      "\"><Eid>89049032123451234512345678901235</Eid>"
				      "<Iccid>8901234567890123456F</Iccid>"
				      "<CompletionTimestamp>yesterday</CompletionTimestamp>"
				      "</ES4-HandleProfileEnabledNotification>",
				      &res, &err),
			 RT_EPROTO);
	assert_string_equal(res.element, "CompletionTimestamp");
	assert_non_null(strstr(err.msg, "dateTime"));
	/* an unknown element where none is allowed: inside StatusCodeData */
	assert_int_equal(validate_mem("<ES3-EnableProfileResponse xmlns=\"" RT_ESIM_NS "\">"
				      "<FunctionExecutionStatus><Status>FAILED</Status>"
				      "<StatusCodeData><Subject>8.1.1</Subject><Reason>3.9</Reason>"
				      "<Hint>x</Hint></StatusCodeData></FunctionExecutionStatus>"
				      "</ES3-EnableProfileResponse>",
				      &res, &err),
			 RT_EPROTO);
	assert_string_equal(res.element, "Hint");
	/* a bad EID length: 33 digits (odd: not even hexBinary) */
	assert_int_equal(validate_mem("<ES3-GetEISRequest xmlns=\"" RT_ESIM_NS "\">"
				      "<FunctionCallIdentifier>a</FunctionCallIdentifier>"
				      "<Eid>890490321234512345123456789012351</Eid></ES3-GetEISRequest>",
				      &res, &err),
			 RT_EPROTO);
	assert_string_equal(res.element, "Eid");
	assert_int_equal(res.errors, 1);
	/* several errors are counted */
	assert_int_equal(validate_mem("<ES3-GetEISRequest xmlns=\"" RT_ESIM_NS "\">"
				      "<FunctionCallIdentifier>a</FunctionCallIdentifier>"
				      "<ValidityPeriod>-1</ValidityPeriod><Eid>12</Eid>"
				      "</ES3-GetEISRequest>",
				      &res, &err),
			 RT_EPROTO);
	assert_true(res.errors >= 2);
	assert_non_null(strstr(err.msg, "errors)"));
}

/* --- our encoder's output ---------------------------------------------------------- */

/* Wraps fn in an envelope with rt_soap_encode, decodes it as a peer would and validates
 * the Body child; returns rt_schema_validate's rc. */
static int via_wire(xmlNodePtr fn, struct rt_err *err)
{
	struct rt_wsa_out h = { 0 };
	struct rt_soap_msg m;
	struct rt_buf out;
	int rc;

	h.message_id = "//1.2.3/urn:uuid:7";
	h.from = "https://a.example/?EntityId=1.2.3";
	h.to = "https://b.example/?EntityId=1.2.4";
	h.action = "http://gsma.com/ES3/ProfileManagement/ES3-CreateISDP";
	rt_buf_init(&out, 1 << 20);
	assert_int_equal(rt_soap_encode(&h, fn, &out, err), 0);
	if (rt_soap_decode(out.data, out.len, NULL, &m, NULL, err))
		fail_msg("our own envelope does not decode: %s", err->msg);
	rc = rt_schema_validate(schema, m.body, NULL, err);
	rt_soap_msg_free(&m);
	rt_buf_free(&out);
	return rc;
}

static void child(xmlNodePtr fn, const char *name, const char *text)
{
	assert_non_null(xmlNewTextChild(fn, fn->ns, BAD_CAST name, BAD_CAST text));
}

static void test_encoder_output(void **state)
{
	struct rt_es_base_request rq;
	struct rt_es_base_response rs;
	struct rt_err err = { 0 };
	xmlDocPtr doc;
	xmlNodePtr fn;
	size_t i, nopen = 0;

	(void)state;
	memset(&rq, 0, sizeof(rq));
	snprintf(rq.function_call_id, sizeof(rq.function_call_id), "fc-enc-1");
	rq.has_validity = 1;
	rq.validity_period = 300;
	memset(&rs, 0, sizeof(rs));
	rs.has_start = rs.has_end = 1;
	rs.start.secs = 1545187489;
	rs.end.secs = 1545187491;
	rs.exec.status = RT_ES_FAILED;
	rs.exec.has_code = 1;
	snprintf(rs.exec.code.subject, sizeof(rs.exec.code.subject), "8.1.1");
	snprintf(rs.exec.code.reason, sizeof(rs.exec.code.reason), "3.9");
	rs.exec.code.has_message = 1;
	snprintf(rs.exec.code.message, sizeof(rs.exec.code.message), "unknown EID");

	/* a CreateISDP request as the SM-DP role will send it */
	assert_int_equal(rt_es_new_function("ES3-CreateISDPRequest", &doc, &fn, &err), 0);
	assert_int_equal(rt_es_base_request_encode(fn, &rq, &err), 0);
	child(fn, "Eid", "89049032123451234512345678901235");
	child(fn, "Iccid", "8901234567890123456F");
	child(fn, "Mno-id", "1.3.6.1.4.1.30");
	child(fn, "RequiredMemory", "65536");
	if (via_wire(fn, &err))
		fail_msg("%s", err.msg);
	xmlFreeDoc(doc);

	/* a failed SendData callback with StatusCodeData */
	assert_int_equal(rt_es_new_function("ES3-SendDataResponse", &doc, &fn, &err), 0);
	assert_int_equal(rt_es_base_response_encode(fn, &rs, &err), 0);
	if (via_wire(fn, &err))
		fail_msg("%s", err.msg);
	xmlFreeDoc(doc);

	/* a CreateISDP callback without its Isd-p-aid is refused, naming it */
	assert_int_equal(rt_es_new_function("ES3-CreateISDPResponse", &doc, &fn, &err), 0);
	assert_int_equal(rt_es_base_response_encode(fn, &rs, &err), 0);
	assert_int_equal(via_wire(fn, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "Isd-p-aid"));
	xmlFreeDoc(doc);

	/* every open (v4.x) element of the table with what the encoder writes today */
	for (i = 0; i < rt_es_nfunctions; i++) {
		const struct rt_es_function *f = &rt_es_functions[i];

		if (!(f->flags & RT_ES_F_V4))
			continue;
		assert_int_equal(rt_es_new_function(f->request, &doc, &fn, &err), 0);
		if (f->pattern != RT_ES_NOTIFICATION)
			assert_int_equal(rt_es_base_request_encode(fn, &rq, &err), 0);
		if (via_wire(fn, &err))
			fail_msg("%s: %s", f->request, err.msg);
		xmlFreeDoc(doc);
		nopen++;
		if (!f->response)
			continue;
		assert_int_equal(rt_es_new_function(f->response, &doc, &fn, &err), 0);
		assert_int_equal(rt_es_base_response_encode(fn, &rs, &err), 0);
		if (via_wire(fn, &err))
			fail_msg("%s: %s", f->response, err.msg);
		xmlFreeDoc(doc);
		nopen++;
	}
	assert_int_equal(nopen, 59);
}

/* --- the table against the schema -------------------------------------------------- */

#define NAMES_MAX 256

struct names {
	size_t n;
	const char *name[NAMES_MAX];
	unsigned seen[NAMES_MAX];
	unsigned foreign_ns, unknown;
};

static void on_element(const char *name, const char *ns, void *ctx)
{
	struct names *t = ctx;
	size_t i;

	if (strcmp(ns, RT_ESIM_NS))
		t->foreign_ns++;
	for (i = 0; i < t->n; i++)
		if (strcmp(t->name[i], name) == 0) {
			t->seen[i]++;
			return;
		}
	fprintf(stderr, "schema element %s is in no row of the function table\n", name);
	t->unknown++;
}

static void test_table_vs_schema(void **state)
{
	static struct names t;
	struct rt_err err = { 0 };
	struct rt_xml_doc x;
	char path[1024];
	xmlNodePtr c;
	size_t i, n, total, top = 0;
	uint8_t *b;

	(void)state;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < rt_es_nfunctions; i++) {
		assert_true(t.n + 2 <= NAMES_MAX);
		t.name[t.n++] = rt_es_functions[i].request;
		if (rt_es_functions[i].response)
			t.name[t.n++] = rt_es_functions[i].response;
	}
	/* 50 request/response functions and 34 notifications (unit.soap counts the rows) */
	assert_int_equal(t.n, 134);
	total = rt_schema_elements(schema, on_element, &t);
	for (i = 0; i < t.n; i++)
		if (t.seen[i] != 1)
			fail_msg("table element %s declared %u times in the schema", t.name[i],
				 t.seen[i]);
	assert_int_equal(t.unknown, 0);
	assert_int_equal(t.foreign_ns, 0);
	assert_int_equal(total, t.n);

	/* The same count read off the schema document: top-level xs:element children. */
	assert_int_equal(rt_schema_path(srcdir(), path, sizeof(path), &err), 0);
	b = rt_test_slurp(&n, "%s", path);
	assert_int_equal(rt_xml_parse(b, n, NULL, &x, NULL, &err), 0);
	for (c = rt_xml_next_elem(xmlDocGetRootElement(x.doc)->children); c;
	     c = rt_xml_next_elem(c->next))
		if (rt_xml_is(c, "http://www.w3.org/2001/XMLSchema", "element"))
			top++;
	assert_int_equal(top, t.n);
	rt_xml_doc_free(&x);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_refusals),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_envelope_vectors),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_inline_refusals),
		cmocka_unit_test(test_encoder_output),
		cmocka_unit_test(test_table_vs_schema),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
