/* SPDX-License-Identifier: Apache-2.0 */
/* rt_soap_tool — the bridge tests/crosscheck/test_soap.py drives: an independent XML
 * stack (Python's xml.etree) reads what harness/soap writes and writes what it reads.
 *
 *   rt_soap_tool encode MSGID FROM TO ACTION RELATES START_SECS STATUS FUNCTION_ELEMENT
 *       prints an envelope (RELATES "-" = none) whose body is FUNCTION_ELEMENT with a
 *       BaseResponseType: ProcessingStart = ProcessingEnd = START_SECS, Status STATUS
 *       (EXECUTED_SUCCESS...), StatusCodeData 8.1.1 / 3.9 unless the status is a success
 *   rt_soap_tool decode < envelope
 *       prints key=value lines: problem, message_id, from, reply_to, to, action,
 *       relates_to, to_mu, action_mu, body, status, start (epoch seconds), fault_code,
 *       subcode1, subcode2, reason
 *   rt_soap_tool encode-request MSGID FROM TO ACTION ELEMENT FCID VALIDITY [NAME=VALUE...]
 *       prints an envelope whose body is ELEMENT with a BaseRequestType (FCID, and
 *       ValidityPeriod unless VALIDITY is "-") followed by one child NAME (in the body
 *       namespace) with text VALUE per argument, in order
 *   rt_soap_tool validate SCHEMA FILE...
 *       for each FILE (an envelope, whose Body child is validated, or a bare function
 *       element) prints "valid FILE" or "invalid FILE line=L element=E: message", with
 *       rt_schema (libxml2) and the schema SCHEMA
 *   rt_soap_tool elements
 *       prints every request, response and notification element name of the function
 *       table (rt_es_functions), one a line (tests/crosscheck/test_xsd.py) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/rt_es_functions.h"
#include "soap/rt_es_types.h"
#include "soap/rt_schema.h"
#include "soap/rt_soap.h"

static int encode(char **a)
{
	struct rt_wsa_out h = { 0 };
	struct rt_es_base_response r;
	struct rt_err err = { 0 };
	enum rt_es_spelling sp;
	struct rt_buf out;
	xmlDocPtr doc;
	xmlNodePtr fn;

	h.message_id = a[0];
	h.from = a[1];
	h.to = a[2];
	h.action = a[3];
	h.relates_to = strcmp(a[4], "-") ? a[4] : NULL;
	memset(&r, 0, sizeof(r));
	r.has_start = r.has_end = 1;
	r.start.secs = r.end.secs = strtoll(a[5], NULL, 10);
	if (rt_es_status_parse(a[6], &r.exec.status, &sp, &err))
		goto fail;
	if (r.exec.status != RT_ES_EXECUTED_SUCCESS) {
		r.exec.has_code = 1;
		snprintf(r.exec.code.subject, sizeof(r.exec.code.subject), "8.1.1");
		snprintf(r.exec.code.reason, sizeof(r.exec.code.reason), "3.9");
	}
	if (rt_es_new_function(a[7], &doc, &fn, &err))
		goto fail;
	if (rt_es_base_response_encode(fn, &r, &err))
		goto fail;
	rt_buf_init(&out, 1 << 20);
	if (rt_soap_encode(&h, fn, &out, &err))
		goto fail;
	fwrite(out.data, 1, out.len, stdout);
	rt_buf_free(&out);
	xmlFreeDoc(doc);
	return 0;
fail:
	fprintf(stderr, "rt_soap_tool: %s\n", err.msg);
	return 1;
}

static int decode(void)
{
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), stdin);
	struct rt_soap_msg m;
	struct rt_err err = { 0 };
	enum rt_soap_problem why;
	struct rt_es_base_response r;

	if (rt_soap_decode(buf, n, NULL, &m, &why, &err)) {
		printf("problem=%s\nerror=%s\n", rt_soap_problem_name(why), err.msg);
		rt_soap_msg_free(&m);
		return 0;
	}
	printf("problem=ok\nmessage_id=%s\nfrom=%s\nreply_to=%s\nto=%s\naction=%s\n", m.wsa.message_id,
	       m.wsa.from.address, m.wsa.reply_to.address, m.wsa.to, m.wsa.action);
	printf("relates_to=%s\nto_mu=%d\naction_mu=%d\nbody=%s\n",
	       m.wsa.nrelates ? m.wsa.relates[0].uri : "", m.wsa.to_mu, m.wsa.action_mu,
	       (const char *)m.body->name);
	if (m.is_fault) {
		printf("fault_code=%s\nsubcode1={%s}%s\nsubcode2={%s}%s\nreason=%s\n",
		       rt_soap_fault_code_name(m.fault.code), m.fault.sub[0].ns, m.fault.sub[0].local,
		       m.fault.sub[1].ns, m.fault.sub[1].local, m.fault.reason);
	} else if (rt_es_base_response_decode(m.body, &r, NULL, NULL, &err) == 0) {
		printf("status=%s\nstart=%lld\n", rt_es_status_text(r.exec.status, RT_ES_SPELL_V3),
		       r.has_start ? (long long)r.start.secs : -1LL);
	}
	rt_soap_msg_free(&m);
	return 0;
}

static int encode_request(int argc, char **a)
{
	struct rt_wsa_out h = { 0 };
	struct rt_es_base_request r;
	struct rt_err err = { 0 };
	struct rt_buf out;
	xmlDocPtr doc = NULL;
	xmlNodePtr fn;
	int i, rc = 1;

	rt_buf_init(&out, 1 << 20);
	h.message_id = a[0];
	h.from = a[1];
	h.to = a[2];
	h.action = a[3];
	memset(&r, 0, sizeof(r));
	snprintf(r.function_call_id, sizeof(r.function_call_id), "%s", a[5]);
	if (strcmp(a[6], "-")) {
		r.has_validity = 1;
		r.validity_period = strtoull(a[6], NULL, 10);
	}
	if (rt_es_new_function(a[4], &doc, &fn, &err) || rt_es_base_request_encode(fn, &r, &err))
		goto out;
	for (i = 7; i < argc; i++) {
		const char *eq = strchr(a[i], '=');
		char name[128];

		if (!eq || (size_t)(eq - a[i]) >= sizeof(name)) {
			snprintf(err.msg, sizeof(err.msg), "bad child '%s' (NAME=VALUE)", a[i]);
			goto out;
		}
		memcpy(name, a[i], (size_t)(eq - a[i]));
		name[eq - a[i]] = '\0';
		if (!xmlNewTextChild(fn, fn->ns, BAD_CAST name, BAD_CAST(eq + 1))) {
			snprintf(err.msg, sizeof(err.msg), "cannot add <%s>", name);
			goto out;
		}
	}
	if (rt_soap_encode(&h, fn, &out, &err))
		goto out;
	fwrite(out.data, 1, out.len, stdout);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "rt_soap_tool: %s\n", err.msg);
	rt_buf_free(&out);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

/* One file: an envelope goes through rt_soap_decode (its Body child is validated), a
 * bare element through rt_xml_parse; both with the default caps. */
static void validate_file(const struct rt_schema *s, const char *path)
{
	static char buf[1 << 22];
	struct rt_schema_result res;
	struct rt_err err = { 0 };
	struct rt_soap_msg m;
	struct rt_xml_doc x;
	const xmlNode *fn = NULL;
	size_t n = 0;
	FILE *f = fopen(path, "rb");

	memset(&m, 0, sizeof(m));
	memset(&x, 0, sizeof(x));
	if (f) {
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	if (rt_xml_parse(buf, n, NULL, &x, NULL, &err) == 0) {
		fn = xmlDocGetRootElement(x.doc);
		if (rt_xml_is(fn, RT_SOAP12_NS, "Envelope")) {
			fn = NULL;
			if (rt_soap_decode(buf, n, NULL, &m, NULL, &err) == 0)
				fn = m.body;
		}
	}
	if (!fn)
		printf("invalid %s line=0 element=: not parsed: %s\n", path, err.msg);
	else if (rt_schema_validate(s, fn, &res, &err))
		printf("invalid %s line=%d element=%s: %s\n", path, res.line, res.element, err.msg);
	else
		printf("valid %s\n", path);
	rt_soap_msg_free(&m);
	rt_xml_doc_free(&x);
}

static int validate(int argc, char **a)
{
	struct rt_schema *s;
	struct rt_err err = { 0 };
	int i;

	if (rt_schema_load(a[0], &s, &err)) {
		fprintf(stderr, "rt_soap_tool: %s\n", err.msg);
		return 1;
	}
	for (i = 1; i < argc; i++)
		validate_file(s, a[i]);
	rt_schema_free(s);
	return 0;
}

static int elements(void)
{
	size_t i;

	for (i = 0; i < rt_es_nfunctions; i++) {
		printf("%s\n", rt_es_functions[i].request);
		if (rt_es_functions[i].response)
			printf("%s\n", rt_es_functions[i].response);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 9 && strcmp(argv[1], "encode-request") == 0)
		return encode_request(argc - 2, argv + 2);
	if (argc >= 3 && strcmp(argv[1], "validate") == 0)
		return validate(argc - 2, argv + 2);
	if (argc == 2 && strcmp(argv[1], "elements") == 0)
		return elements();
	if (argc == 10 && strcmp(argv[1], "encode") == 0)
		return encode(argv + 2);
	if (argc == 2 && strcmp(argv[1], "decode") == 0)
		return decode();
	fprintf(stderr, "usage: rt_soap_tool encode MSGID FROM TO ACTION RELATES START STATUS ELEMENT"
			" | decode | encode-request MSGID FROM TO ACTION ELEMENT FCID VALIDITY"
			" [NAME=VALUE...] | validate SCHEMA FILE... | elements\n");
	return 2;
}
