/* SPDX-License-Identifier: Apache-2.0 */
/* test_soap — unit tests for harness/soap: safe XML parsing, the SOAP 1.2 envelope and
 * WS-Addressing headers, Faults, the RPS mapping, the common types and the function and
 * status-code tables.
 *
 * Instances are hand-written, never our encoder's output pasted back:
 *  - tests/vectors/soap/ (*.xml), written from docs/sgp02-facts.md §6.1–6.3 (the ZTE-LOG
 *    callback's header layout and address forms, WSDL-3's header parts and types), SOAP
 *    1.2 Part 1 §5.4 and WS-A 1.0 SOAP Binding §6.4.1 (the fault);
 *  - the broken envelopes below, one per problem code, each breaking one rule of SOAP 1.2
 *    Part 1 §5 or WS-A Core §2–3;
 *  - epoch seconds of the dateTime values computed with Python's datetime (an
 *    independent implementation), e.g. 2018-12-19T02:44:49Z = 1545187489;
 *  - Action URIs and element names copied from the public WSDL-3 files and the ZTE-LOG
 *    trace as literals (facts §6.1, §6.6), and the per-interface operation counts of
 *    facts §6.6 (ES3SmSrService 11, ES3SmDpService 7 callbacks + 4 notifications, ...). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "rt_testlib.h"

#include "soap/rt_es_functions.h"
#include "soap/rt_es_types.h"
#include "soap/rt_soap.h"
#include "soap/rt_xml.h"
#include "soap/rt_xsd.h"

#define ENV_OPEN "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" " \
		 "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\" "                  \
		 "xmlns:rps=\"http://namespaces.gsma.org/esim-messaging/3\">"
#define HDR_OK                                                                        \
	"<wsa:MessageID>//1.2.3/urn:uuid:1</wsa:MessageID>"                           \
	"<wsa:From><wsa:Address>http://a.example?EntityId=1.2.3</wsa:Address></wsa:From>" \
	"<wsa:To>http://b.example?EntityId=1.2.4</wsa:To>"                             \
	"<wsa:Action>http://gsma.com/ES3/ProfileManagement/ES3-GetEISRequest</wsa:Action>"
#define BODY_OK "<env:Body><rps:ES3-GetEISRequest><rps:FunctionCallIdentifier>x" \
		"</rps:FunctionCallIdentifier></rps:ES3-GetEISRequest></env:Body>"

/* 1 when needle occurs in b[0..n). */
static int has_bytes(const uint8_t *b, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(b + i, needle, k) == 0)
			return 1;
	return 0;
}

static uint8_t *vec(const char *name, size_t *n)
{
	const char *dir = getenv("RT_VECTORS");

	return rt_test_slurp(n, "%s/soap/%s", dir ? dir : "tests/vectors", name);
}

static void decode_ok(const void *xml, size_t len, struct rt_soap_msg *m)
{
	struct rt_err err = { 0 };
	enum rt_soap_problem why = RT_SOAP_P_COUNT;

	if (rt_soap_decode(xml, len, NULL, m, &why, &err))
		fail_msg("decode failed: %s (%s)", err.msg, rt_soap_problem_name(why));
	assert_int_equal(why, RT_SOAP_OK);
}

/* --- hand-written instances ------------------------------------------------------- */

static void test_callback(void **state)
{
	struct rt_soap_msg m;
	struct rt_rps_msgid id;
	struct rt_rps_addr a;
	struct rt_es_base_response r;
	const struct rt_es_function *f;
	enum rt_es_msg msg;
	enum rt_es_problem ep;
	struct rt_err err = { 0 };
	xmlNodePtr rest;
	size_t n;
	uint8_t *xml = vec("es3-createisdp-callback.xml", &n);
	char t[64];

	(void)state;
	decode_ok(xml, n, &m);
	assert_string_equal(m.wsa.message_id,
			    "//1.3.6.1.4.1.20/urn:uuid:78c224dc-6d66-4fe4-8791-5c3e6a7dc869"
			    "?TransactionId=urn:uuid:68eaf45a-6bd7-48ea-bf37-15d40df60552"
			    "&MessageDate=2018-12-19T02:44:49Z");
	assert_true(m.wsa.from.present);
	assert_string_equal(m.wsa.from.address,
			    "http://smdp.example.org:20000?EntityId=1.3.6.1.4.1.20&EntityName=SM-SR");
	assert_string_equal(m.wsa.to, "http://smdp.example.org:10000?EntityId=1.3.6.1.4.1.10");
	assert_string_equal(m.wsa.action,
			    "http://gsma.com/ES3/ProfileManagementCallBack/ES3-CreateISDP");
	assert_true(m.wsa.to_mu);
	assert_true(m.wsa.action_mu);
	assert_false(m.wsa.reply_to.present);
	assert_int_equal(m.wsa.nrelates, 1);
	assert_string_equal(m.wsa.relates[0].type, "http://www.w3.org/2005/08/addressing/reply");
	assert_false(m.is_fault);
	assert_non_null(m.body);
	assert_string_equal((const char *)m.body->name, "ES3-CreateISDPResponse");

	/* the RPS fields behind the URIs */
	assert_int_equal(rt_rps_msgid_parse(m.wsa.message_id, &id, &err), 0);
	assert_string_equal(id.sender_id, "1.3.6.1.4.1.20");
	assert_string_equal(id.id, "urn:uuid:78c224dc-6d66-4fe4-8791-5c3e6a7dc869");
	assert_string_equal(id.transaction_id, "urn:uuid:68eaf45a-6bd7-48ea-bf37-15d40df60552");
	assert_string_equal(id.message_date, "2018-12-19T02:44:49Z");
	assert_int_equal(rt_rps_addr_parse(m.wsa.from.address, &a, &err), 0);
	assert_string_equal(a.endpoint, "http://smdp.example.org:20000");
	assert_string_equal(a.entity_id, "1.3.6.1.4.1.20");
	assert_string_equal(a.entity_name, "SM-SR");
	assert_int_equal(rt_rps_addr_parse(m.wsa.to, &a, &err), 0);
	assert_string_equal(a.entity_id, "1.3.6.1.4.1.10");
	assert_string_equal(a.entity_name, "");

	/* the table knows both the element and the Action */
	f = rt_es_function_by_action(m.wsa.action, &msg);
	assert_non_null(f);
	assert_int_equal(f->iface, RT_ES_IF_ES3);
	assert_string_equal(f->name, "CreateISDP");
	assert_int_equal(msg, RT_ES_MSG_CALLBACK);
	assert_ptr_equal(rt_es_function_by_element((const char *)m.body->name, &msg), f);
	assert_int_equal(msg, RT_ES_MSG_RESPONSE);

	/* the common response part */
	assert_int_equal(rt_es_base_response_decode(m.body, &r, &rest, &ep, &err), 0);
	assert_true(r.has_start && r.has_end && !r.has_acceptable);
	assert_int_equal(r.start.secs, 1545187489);
	assert_int_equal(r.end.secs, 1545187491);
	assert_true(r.start.has_tz);
	assert_int_equal(r.exec.status, RT_ES_EXECUTED_SUCCESS);
	assert_int_equal(r.exec.spelling, RT_ES_SPELL_V3);
	assert_false(r.exec.has_code);
	assert_non_null(rest);
	assert_string_equal((const char *)rest->name, "Isd-p-aid");
	assert_int_equal(rt_xml_text(rest, t, sizeof(t), &err), 0);
	assert_string_equal(t, "A0000005591010FFFFFFFF8900001100");
	rt_soap_msg_free(&m);
	free(xml);
}

static void test_request(void **state)
{
	struct rt_soap_msg m;
	struct rt_es_base_request r;
	struct rt_rps_msgid id;
	enum rt_es_problem ep;
	struct rt_err err = { 0 };
	xmlNodePtr rest;
	size_t n;
	uint8_t *xml = vec("es3-createisdp-request.xml", &n);
	enum rt_es_msg msg;
	const struct rt_es_function *f;

	(void)state;
	decode_ok(xml, n, &m);
	assert_true(m.wsa.reply_to.present);
	assert_string_equal(m.wsa.reply_to.address,
			    "https://smdp.example.org/esim-messaging/3/ES3/ES3SmDpService");
	assert_true(m.wsa.to_mu); /* "1" is xs:boolean true */
	assert_int_equal(m.wsa.nrelates, 0);
	/* x:Trace (no mustUnderstand) and x:Other (role none) are not ours */
	assert_int_equal(m.other_headers, 2);
	f = rt_es_function_by_action(m.wsa.action, &msg);
	assert_non_null(f);
	assert_int_equal(msg, RT_ES_MSG_REQUEST);
	assert_int_equal(f->pattern, RT_ES_ASYNC);
	assert_int_equal(rt_rps_msgid_parse(m.wsa.message_id, &id, &err), 0);
	assert_string_equal(id.message_date, "2018-12-19T02:44:48+00:00"); /* %2B decoded */
	assert_int_equal(rt_es_base_request_decode(m.body, &r, &rest, &ep, &err), 0);
	assert_string_equal(r.function_call_id, "fc-0001");
	assert_true(r.has_validity);
	assert_int_equal(r.validity_period, 300);
	assert_string_equal((const char *)rest->name, "Eid");
	rt_soap_msg_free(&m);
	free(xml);
}

static void test_fault(void **state)
{
	struct rt_soap_msg m;
	size_t n;
	uint8_t *xml = vec("fault-invalid-cardinality.xml", &n);

	(void)state;
	decode_ok(xml, n, &m);
	assert_true(m.is_fault);
	assert_int_equal(m.fault.code, RT_SOAP_FC_SENDER);
	assert_int_equal(m.fault.nsub, 2);
	assert_string_equal(m.fault.sub[0].ns, RT_WSA_NS);
	assert_string_equal(m.fault.sub[0].local, "InvalidAddressingHeader");
	assert_string_equal(m.fault.sub[1].ns, RT_WSA_NS); /* another prefix, same namespace */
	assert_string_equal(m.fault.sub[1].local, "InvalidCardinality");
	assert_string_equal(m.fault.reason,
			    "A header representing a Message Addressing Property is not valid");
	assert_string_equal(m.fault.reason_lang, "en");
	assert_string_equal(m.fault.role, RT_SOAP12_ROLE_ULTIMATE);
	assert_string_equal(m.fault.node, "");
	assert_non_null(m.fault.detail);
	assert_string_equal(m.wsa.to, RT_WSA_ANONYMOUS);
	rt_soap_msg_free(&m);
	free(xml);
}

static void test_failed_prose(void **state)
{
	struct rt_soap_msg m;
	struct rt_es_base_response r;
	struct rt_err err = { 0 };
	xmlNodePtr rest = (xmlNodePtr)1;
	const struct rt_es_code *c;
	size_t n;
	uint8_t *xml = vec("es4-enableprofile-callback-failed.xml", &n);

	(void)state;
	decode_ok(xml, n, &m);
	assert_int_equal(rt_es_base_response_decode(m.body, &r, &rest, NULL, &err), 0);
	assert_null(rest);
	assert_int_equal(r.start.secs, 1546299000); /* 01:30+02:00 = 23:30Z the day before */
	assert_int_equal(r.end.secs, 1577836799);
	assert_int_equal(r.end.nanos, 250000000);
	assert_true(r.has_acceptable);
	assert_int_equal(r.acceptable_validity, 720);
	assert_int_equal(r.exec.status, RT_ES_FAILED);
	assert_int_equal(r.exec.spelling, RT_ES_SPELL_PROSE);
	assert_true(r.exec.has_code);
	assert_string_equal(r.exec.code.subject, "Profile ICCID");
	assert_false(r.exec.code.subject_is_oid);
	assert_false(r.exec.code.reason_is_oid);
	assert_true(r.exec.code.has_subject_id && r.exec.code.has_message);
	assert_string_equal(r.exec.code.message, "denied by POL2");
	/* WHTY-SR's names map back to the numbers NJIWA sends */
	c = rt_es_code_by_name(RT_ES_SUBJECT, r.exec.code.subject);
	assert_non_null(c);
	assert_string_equal(c->code, "8.2.1");
	c = rt_es_code_by_name(RT_ES_REASON, r.exec.code.reason);
	assert_non_null(c);
	assert_string_equal(c->code, "3.8");
	assert_string_equal(rt_es_code_text(c, RT_ES_CODE_NUMERIC), "3.8");
	assert_string_equal(rt_es_code_text(c, RT_ES_CODE_NAME), "Refused");
	assert_ptr_equal(rt_es_function_by_action(m.wsa.action, NULL),
			 rt_es_function_find(RT_ES_IF_ES4, "EnableProfile"));
	rt_soap_msg_free(&m);
	free(xml);
}

/* --- encode, then decode --------------------------------------------------------- */

static void test_roundtrip(void **state)
{
	struct rt_wsa_out h = { 0 };
	struct rt_es_base_response r, r2;
	struct rt_soap_msg m;
	struct rt_err err = { 0 };
	struct rt_buf out;
	xmlDocPtr doc;
	xmlNodePtr fn, rest;
	const struct rt_es_function *f = rt_es_function_find(RT_ES_IF_ES3, "CreateISDP");
	char from[256], mid[256];
	struct rt_rps_addr a = { "https://sr.example/ES3", "1.3.6.1.4.1.20", "SM SR&Co" };
	struct rt_rps_msgid id = { "1.3.6.1.4.1.20", "urn:uuid:ab", "urn:uuid:cd",
				   "2018-12-19T02:44:49Z" };

	(void)state;
	assert_non_null(f);
	assert_int_equal(rt_rps_addr_build(&a, from, sizeof(from), &err), 0);
	/* RFC 3986: the space and '&' inside a value are escaped, the separators are not */
	assert_string_equal(from, "https://sr.example/ES3?EntityId=1.3.6.1.4.1.20&EntityName=SM%20SR%26Co");
	assert_int_equal(rt_rps_msgid_build(&id, mid, sizeof(mid), &err), 0);
	assert_string_equal(mid, "//1.3.6.1.4.1.20/urn:uuid:ab?TransactionId=urn:uuid:cd"
				 "&MessageDate=2018-12-19T02:44:49Z");
	h.message_id = mid;
	h.from = from;
	h.to = "https://dp.example/ES3?EntityId=1.3.6.1.4.1.10";
	h.action = rt_es_action(f, RT_ES_MSG_CALLBACK, RT_ES_ACTION_BY_PATTERN);
	h.relates_to = "//1.3.6.1.4.1.10/urn:uuid:req";
	assert_int_equal(rt_es_new_function(f->response, &doc, &fn, &err), 0);
	memset(&r, 0, sizeof(r));
	r.has_start = r.has_end = r.has_acceptable = 1;
	r.start.secs = 1545187489;
	r.end.secs = 1545187491;
	r.acceptable_validity = 600;
	r.exec.status = RT_ES_EXECUTED_WITHWARNING;
	r.exec.has_code = 1;
	snprintf(r.exec.code.subject, sizeof(r.exec.code.subject), "8.1.1");
	snprintf(r.exec.code.reason, sizeof(r.exec.code.reason), "3.9");
	r.exec.code.has_message = 1;
	snprintf(r.exec.code.message, sizeof(r.exec.code.message), "<&> kept");
	assert_int_equal(rt_es_base_response_encode(fn, &r, &err), 0);
	xmlNewTextChild(fn, fn->ns, (const xmlChar *)"Isd-p-aid", (const xmlChar *)"A000");
	rt_buf_init(&out, 1 << 16);
	assert_int_equal(rt_soap_encode(&h, fn, &out, &err), 0);
	xmlFreeDoc(doc);
	/* the v3 spelling goes out, never the prose one */
	assert_true(has_bytes(out.data, out.len, "<rps:Status>EXECUTED_WITHWARNING</rps:Status>"));
	decode_ok(out.data, out.len, &m);
	assert_string_equal(m.wsa.message_id, mid);
	assert_string_equal(m.wsa.from.address, from);
	assert_string_equal(m.wsa.action,
			    "http://gsma.com/ES3/ProfileManagementCallBack/ES3-CreateISDP");
	assert_true(m.wsa.to_mu && m.wsa.action_mu);
	assert_int_equal(m.wsa.nrelates, 1);
	assert_string_equal(m.wsa.relates[0].uri, "//1.3.6.1.4.1.10/urn:uuid:req");
	assert_int_equal(rt_es_base_response_decode(m.body, &r2, &rest, NULL, &err), 0);
	assert_int_equal(r2.start.secs, 1545187489);
	assert_int_equal(r2.end.secs, 1545187491);
	assert_int_equal(r2.acceptable_validity, 600);
	assert_int_equal(r2.exec.status, RT_ES_EXECUTED_WITHWARNING);
	assert_int_equal(r2.exec.spelling, RT_ES_SPELL_V3);
	assert_string_equal(r2.exec.code.subject, "8.1.1");
	assert_true(r2.exec.code.subject_is_oid);
	assert_string_equal(r2.exec.code.message, "<&> kept");
	assert_false(r2.exec.code.has_subject_id);
	assert_string_equal((const char *)rest->name, "Isd-p-aid");
	rt_soap_msg_free(&m);

	/* a header value XML cannot carry is refused, not written */
	h.relates_to = "bad\001value";
	rt_buf_reset(&out);
	assert_int_equal(rt_soap_encode(&h, NULL, &out, &err), RT_EINVAL);
	assert_int_equal(out.len, 0);
	h.relates_to = NULL;
	/* the cap of the output buffer is honoured */
	rt_buf_reset(&out);
	out.max = 64;
	assert_int_equal(rt_soap_encode(&h, NULL, &out, &err), RT_ENOMEM);
	rt_buf_free(&out);
}

static void test_request_roundtrip(void **state)
{
	struct rt_wsa_out h = { 0 };
	struct rt_es_base_request r = { "fc-9", 1, 86400 }, r2;
	struct rt_soap_msg m;
	struct rt_err err = { 0 };
	struct rt_buf out;
	xmlDocPtr doc;
	xmlNodePtr fn, rest;
	static const char raw[] = "<rps:ES2-GetEISRequest xmlns:rps=\"" RT_ESIM_NS "\">"
				  "<rps:FunctionCallIdentifier>raw</rps:FunctionCallIdentifier>"
				  "</rps:ES2-GetEISRequest>";

	(void)state;
	h.message_id = "//1.2/urn:uuid:x";
	h.from = "http://op.example?EntityId=1.2";
	h.to = "http://dp.example?EntityId=1.3";
	h.action = "http://gsma.com/ES2/ProfileManagement/ES2-DownloadProfile";
	h.reply_to = "http://op.example/callbacks";
	assert_int_equal(rt_es_new_function("ES2-DownloadProfileRequest", &doc, &fn, &err), 0);
	assert_int_equal(rt_es_base_request_encode(fn, &r, &err), 0);
	rt_buf_init(&out, 1 << 16);
	assert_int_equal(rt_soap_encode(&h, fn, &out, &err), 0);
	xmlFreeDoc(doc);
	decode_ok(out.data, out.len, &m);
	assert_string_equal(m.wsa.reply_to.address, "http://op.example/callbacks");
	assert_int_equal(rt_es_base_request_decode(m.body, &r2, &rest, NULL, &err), 0);
	assert_string_equal(r2.function_call_id, "fc-9");
	assert_int_equal(r2.validity_period, 86400);
	assert_null(rest);
	rt_soap_msg_free(&m);

	/* a raw body from bytes */
	rt_buf_reset(&out);
	assert_int_equal(rt_soap_encode_raw(&h, raw, strlen(raw), &out, &err), 0);
	decode_ok(out.data, out.len, &m);
	assert_string_equal((const char *)m.body->name, "ES2-GetEISRequest");
	rt_soap_msg_free(&m);
	/* ... which is parsed as safely as input */
	rt_buf_reset(&out);
	assert_int_equal(rt_soap_encode_raw(&h, "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", 39,
					    &out, &err), RT_EPROTO);
	assert_err_has(&err, "document type declaration");
	/* encoders refuse what the schema forbids */
	r.validity_period = 0;
	assert_int_equal(rt_es_new_function("ES2-GetEISRequest", &doc, &fn, &err), 0);
	assert_int_equal(rt_es_base_request_encode(fn, &r, &err), RT_EINVAL);
	xmlFreeDoc(doc);
	rt_buf_free(&out);
}

static void test_fault_roundtrip(void **state)
{
	struct rt_soap_fault f;
	struct rt_soap_msg m;
	struct rt_wsa_out h = { 0 };
	struct rt_err err = { 0 };
	struct rt_buf out;
	xmlDocPtr doc;
	const struct rt_soap_problem_fault *pf;

	(void)state;
	pf = rt_soap_problem_fault(RT_SOAP_P_MISSING_HEADER);
	assert_int_equal(pf->code, RT_SOAP_FC_SENDER);
	assert_string_equal(pf->subcode, "MessageAddressingHeaderRequired");
	assert_int_equal(rt_soap_problem_fault(RT_SOAP_P_VERSION_MISMATCH)->code,
			 RT_SOAP_FC_VERSION_MISMATCH);
	assert_int_equal(rt_soap_problem_fault(RT_SOAP_P_MUST_UNDERSTAND)->code,
			 RT_SOAP_FC_MUST_UNDERSTAND);
	rt_soap_fault_for_problem(RT_SOAP_P_DUPLICATE_HEADER, "wsa:Action twice", &f);
	snprintf(f.node, sizeof(f.node), "https://sr.example/ES3");
	assert_int_equal(rt_soap_fault_build(&f, &doc, &err), 0);
	h.message_id = "urn:uuid:f";
	h.from = "http://sr.example?EntityId=1.2";
	h.to = RT_WSA_ANONYMOUS;
	h.action = "http://www.w3.org/2005/08/addressing/soap/fault";
	rt_buf_init(&out, 1 << 16);
	assert_int_equal(rt_soap_encode(&h, xmlDocGetRootElement(doc), &out, &err), 0);
	xmlFreeDoc(doc);
	decode_ok(out.data, out.len, &m);
	assert_true(m.is_fault);
	assert_int_equal(m.fault.code, RT_SOAP_FC_SENDER);
	assert_int_equal(m.fault.nsub, 2);
	assert_string_equal(m.fault.sub[0].ns, RT_WSA_NS);
	assert_string_equal(m.fault.sub[0].local, "InvalidAddressingHeader");
	assert_string_equal(m.fault.sub[1].local, "InvalidCardinality");
	assert_string_equal(m.fault.reason, "wsa:Action twice");
	assert_string_equal(m.fault.reason_lang, "en");
	assert_string_equal(m.fault.node, "https://sr.example/ES3");
	rt_soap_msg_free(&m);
	rt_buf_free(&out);
	f.code = RT_SOAP_FC_NONE;
	assert_int_equal(rt_soap_fault_build(&f, &doc, &err), RT_EINVAL);
}

/* --- strict decoding: one broken rule each ---------------------------------------- */

struct bad_case {
	const char *xml;
	enum rt_soap_problem why;
	const char *needle;
};

static const struct bad_case bad_cases[] = {
	{ "", RT_SOAP_P_XML_EMPTY, "empty" },
	{ "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"><env:Body>",
	  RT_SOAP_P_XML_MALFORMED, "line 1" },
	{ "<?xml version=\"1.0\"?><?php echo 1; ?>" ENV_OPEN "<env:Header>" HDR_OK "</env:Header>" BODY_OK
	  "</env:Envelope>", RT_SOAP_P_PI, "processing instruction" },
	{ "<?xml version=\"1.0\"?><!DOCTYPE env:Envelope>" ENV_OPEN BODY_OK "</env:Envelope>",
	  RT_SOAP_P_XML_DTD, "document type declaration" },
	{ "<rps:ES3-GetEISRequest xmlns:rps=\"" RT_ESIM_NS "\"/>", RT_SOAP_P_NOT_ENVELOPE,
	  "root element <rps:ES3-GetEISRequest>" },
	{ "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body/></e:Envelope>",
	  RT_SOAP_P_VERSION_MISMATCH, "(SOAP 1.1)" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header></env:Envelope>", RT_SOAP_P_NO_BODY,
	  "no env:Body" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header>" BODY_OK "<env:Header/></env:Envelope>",
	  RT_SOAP_P_ENVELOPE_CONTENT, "<env:Header> after env:Body" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><rps:Body/>" BODY_OK "</env:Envelope>",
	  RT_SOAP_P_ENVELOPE_CONTENT, "<rps:Body> where env:Body was expected" },
	{ ENV_OPEN "hello<env:Header>" HDR_OK "</env:Header>" BODY_OK "</env:Envelope>",
	  RT_SOAP_P_ENVELOPE_CONTENT, "text in env:Envelope" },
	{ "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" version=\"1\">"
	  BODY_OK "</env:Envelope>", RT_SOAP_P_ENVELOPE_CONTENT, "unqualified attribute 'version'" },
	{ ENV_OPEN "<env:Header>" HDR_OK "<Unqualified/></env:Header>" BODY_OK "</env:Envelope>",
	  RT_SOAP_P_HEADER_CONTENT, "<Unqualified> is not namespace-qualified" },
	{ ENV_OPEN "<env:Header>" HDR_OK "stray</env:Header>" BODY_OK "</env:Envelope>",
	  RT_SOAP_P_HEADER_CONTENT, "text in env:Header" },
	{ ENV_OPEN "<env:Header><wsa:MessageID env:mustUnderstand=\"yes\">//1.2/u</wsa:MessageID>"
	  "</env:Header>" BODY_OK "</env:Envelope>", RT_SOAP_P_BAD_ATTRIBUTE, "'yes' is not an xs:boolean" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><env:Body env:encodingStyle=\"urn:x\">"
	  "<rps:ES3-GetEISRequest/></env:Body></env:Envelope>", RT_SOAP_P_BAD_ATTRIBUTE,
	  "env:encodingStyle on <env:Body>" },
	{ ENV_OPEN "<env:Header>" HDR_OK "<s:Security xmlns:s=\"urn:example:sec\" env:mustUnderstand="
	  "\"true\"/></env:Header>" BODY_OK "</env:Envelope>", RT_SOAP_P_MUST_UNDERSTAND,
	  "<s:Security> {urn:example:sec} has mustUnderstand" },
	{ ENV_OPEN "<env:Header>" HDR_OK "<wsa:Future env:mustUnderstand=\"1\"/></env:Header>" BODY_OK
	  "</env:Envelope>", RT_SOAP_P_MUST_UNDERSTAND, "wsa:Future has mustUnderstand" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><env:Body> </env:Body></env:Envelope>",
	  RT_SOAP_P_BODY_EMPTY, "no element" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><env:Body><rps:A/><rps:B/></env:Body>"
	  "</env:Envelope>", RT_SOAP_P_BODY_CONTENT, "holds <rps:A> and <rps:B>" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><env:Body><env:Fault><env:Code><env:Value>"
	  "env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang=\"en\">x</env:Text>"
	  "</env:Reason></env:Fault><rps:A/></env:Body></env:Envelope>", RT_SOAP_P_BODY_CONTENT,
	  "env:Fault is followed by <rps:A>" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><env:Body>text<rps:A/></env:Body>"
	  "</env:Envelope>", RT_SOAP_P_BODY_CONTENT, "text in env:Body" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><env:Body><o:ES3-GetEISRequest xmlns:o="
	  "\"http://namespaces.gsma.org/esim-messaging/1\"/></env:Body></env:Envelope>",
	  RT_SOAP_P_BODY_NAMESPACE, "esim-messaging/1', expected" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><env:Body><env:Fault><env:Code><env:Value>"
	  "env:Sender</env:Value></env:Code><env:Reason><env:Text>no lang</env:Text></env:Reason>"
	  "</env:Fault></env:Body></env:Envelope>", RT_SOAP_P_FAULT_CONTENT, "without xml:lang" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><env:Body><env:Fault><env:Code><env:Value>"
	  "wsa:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang=\"en\">x</env:Text>"
	  "</env:Reason></env:Fault></env:Body></env:Envelope>", RT_SOAP_P_FAULT_CONTENT,
	  "is not a SOAP 1.2 code" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><env:Body><env:Fault><env:Reason><env:Text "
	  "xml:lang=\"en\">x</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>",
	  RT_SOAP_P_FAULT_CONTENT, "without env:Code first" },
	{ ENV_OPEN "<env:Header>" HDR_OK "</env:Header><env:Body><env:Fault><env:Code><env:Value>"
	  "nope:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang=\"en\">x</env:Text>"
	  "</env:Reason></env:Fault></env:Body></env:Envelope>", RT_SOAP_P_FAULT_CONTENT,
	  "undeclared prefix" },
	{ ENV_OPEN "<env:Header><wsa:From><wsa:Address>http://a?EntityId=1</wsa:Address></wsa:From>"
	  "<wsa:To>http://b</wsa:To><wsa:Action>http://gsma.com/x</wsa:Action></env:Header>" BODY_OK
	  "</env:Envelope>", RT_SOAP_P_MISSING_HEADER, "wsa:MessageID missing" },
	{ ENV_OPEN "<env:Header><wsa:MessageID>//1/u</wsa:MessageID><wsa:From><wsa:Address>http://a"
	  "</wsa:Address></wsa:From><wsa:To>http://b</wsa:To></env:Header>" BODY_OK "</env:Envelope>",
	  RT_SOAP_P_MISSING_HEADER, "wsa:Action missing" },
	{ ENV_OPEN BODY_OK "</env:Envelope>", RT_SOAP_P_MISSING_HEADER, "wsa:MessageID missing" },
	{ ENV_OPEN "<env:Header>" HDR_OK "<wsa:Action>http://gsma.com/again</wsa:Action></env:Header>"
	  BODY_OK "</env:Envelope>", RT_SOAP_P_DUPLICATE_HEADER, "wsa:Action appears twice" },
	{ ENV_OPEN "<env:Header>" HDR_OK "<wsa:To>http://c</wsa:To></env:Header>" BODY_OK
	  "</env:Envelope>", RT_SOAP_P_DUPLICATE_HEADER, "wsa:To appears twice" },
	{ ENV_OPEN "<env:Header>" HDR_OK "<wsa:RelatesTo>//1/a</wsa:RelatesTo><wsa:RelatesTo>//1/b"
	  "</wsa:RelatesTo></env:Header>" BODY_OK "</env:Envelope>", RT_SOAP_P_DUPLICATE_HEADER,
	  "two wsa:RelatesTo of type" },
	{ ENV_OPEN "<env:Header>" HDR_OK "<wsa:ReplyTo><wsa:Address>http://r</wsa:Address>"
	  "</wsa:ReplyTo><wsa:ReplyTo><wsa:Address>http://s</wsa:Address></wsa:ReplyTo></env:Header>"
	  BODY_OK "</env:Envelope>", RT_SOAP_P_DUPLICATE_HEADER, "wsa:ReplyTo appears twice" },
	{ ENV_OPEN "<env:Header><wsa:MessageID>//1/u</wsa:MessageID><wsa:From><wsa:Address>http://a"
	  "</wsa:Address></wsa:From><wsa:To>http://b</wsa:To><wsa:Action>  </wsa:Action></env:Header>"
	  BODY_OK "</env:Envelope>", RT_SOAP_P_BAD_HEADER_VALUE, "<wsa:Action> is empty" },
	{ ENV_OPEN "<env:Header><wsa:MessageID>//1/u</wsa:MessageID><wsa:From><wsa:Address>http://a"
	  "</wsa:Address></wsa:From><wsa:To>http://b</wsa:To><wsa:Action>ES3-GetEIS</wsa:Action>"
	  "</env:Header>" BODY_OK "</env:Envelope>", RT_SOAP_P_BAD_HEADER_VALUE,
	  "'ES3-GetEIS' is not an absolute URI" },
	{ ENV_OPEN "<env:Header><wsa:MessageID>//1/u v</wsa:MessageID></env:Header>" BODY_OK
	  "</env:Envelope>", RT_SOAP_P_BAD_HEADER_VALUE, "space or control character at 5" },
	{ ENV_OPEN "<env:Header><wsa:MessageID><x/></wsa:MessageID></env:Header>" BODY_OK
	  "</env:Envelope>", RT_SOAP_P_BAD_HEADER_VALUE, "holds an element <x>" },
	{ ENV_OPEN "<env:Header><wsa:MessageID>//1/u</wsa:MessageID><wsa:From><wsa:ReferenceParameters/>"
	  "</wsa:From></env:Header>" BODY_OK "</env:Envelope>", RT_SOAP_P_MISSING_ADDRESS,
	  "<wsa:From> has no wsa:Address" },
	{ ENV_OPEN "<env:Header><wsa:MessageID>//1/u</wsa:MessageID><wsa:From><wsa:Metadata/>"
	  "<wsa:Address>http://a</wsa:Address></wsa:From></env:Header>" BODY_OK "</env:Envelope>",
	  RT_SOAP_P_BAD_EPR, "wsa:Address must come first" },
	{ ENV_OPEN "<env:Header><wsa:MessageID>//1/u</wsa:MessageID><wsa:From>junk<wsa:Address>http://a"
	  "</wsa:Address></wsa:From></env:Header>" BODY_OK "</env:Envelope>", RT_SOAP_P_BAD_EPR,
	  "text in <wsa:From>" },
};

static void test_strict(void **state)
{
	int covered[RT_SOAP_P_COUNT] = { 0 };
	struct rt_xml_limits small = { 200, 8, 20 };
	size_t i;
	int p;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct rt_soap_msg m;
		struct rt_err err = { 0 };
		enum rt_soap_problem why = RT_SOAP_OK;
		int rc = rt_soap_decode(c->xml, strlen(c->xml), NULL, &m, &why, &err);

		if (rc == 0 || why != c->why || !strstr(err.msg, c->needle))
			fail_msg("case %zu: rc %d, problem %s (want %s), message '%s' (want '%s')", i, rc,
				 rt_soap_problem_name(why), rt_soap_problem_name(c->why), err.msg,
				 c->needle);
		/* the message names the problem too */
		assert_non_null(strstr(err.msg, rt_soap_problem_name(c->why)));
		covered[c->why] = 1;
		rt_soap_msg_free(&m);
	}
	/* the three caps through the SOAP decoder */
	{
		struct rt_soap_decode_opts o = { small, 0, NULL };
		static const char deep[] = ENV_OPEN "<env:Body><a><b><c><d><e><f><g><h/></g></f></e></d>"
					   "</c></b></a></env:Body></env:Envelope>";
		static const char many[] = "<e:Envelope xmlns:e=\"" RT_SOAP12_NS "\"><e:Body>"
					   "<a/><a/><a/><a/><a/><a/><a/><a/><a/><a/><a/><a/><a/><a/>"
					   "<a/><a/><a/><a/><a/><a/></e:Body></e:Envelope>";
		struct rt_soap_msg m;
		struct rt_err err = { 0 };
		enum rt_soap_problem why;
		char big[256];

		memset(big, ' ', sizeof(big));
		assert_int_equal(rt_soap_decode(big, sizeof(big), &o, &m, &why, &err), RT_ERANGE);
		assert_int_equal(why, RT_SOAP_P_XML_TOO_BIG);
		covered[why] = 1;
		o.limits.max_bytes = 4096;
		assert_int_equal(rt_soap_decode(deep, strlen(deep), &o, &m, &why, &err), RT_ERANGE);
		assert_int_equal(why, RT_SOAP_P_XML_TOO_DEEP);
		assert_err_has(&err, "deeper than 8 levels at <g>");
		covered[why] = 1;
		assert_int_equal(rt_soap_decode(many, strlen(many), &o, &m, &why, &err), RT_ERANGE);
		assert_int_equal(why, RT_SOAP_P_XML_TOO_MANY);
		assert_err_has(&err, "more than 20 elements");
		covered[why] = 1;
	}
	for (p = 1; p < RT_SOAP_P_COUNT; p++)
		if (!covered[p])
			fail_msg("problem %s has no test case", rt_soap_problem_name((enum rt_soap_problem)p));
	assert_string_equal(rt_soap_problem_name(RT_SOAP_P_COUNT), "?");
}

/* Lenient corners that must decode: a role-none block with mustUnderstand, whitespace
 * around header values, a body in any namespace when asked, required ReplyTo. */
static void test_lenient_and_needs(void **state)
{
	static const char ok[] = ENV_OPEN "<env:Header>\n  <wsa:MessageID>\n //1.2.3/urn:uuid:1 \n"
				 "</wsa:MessageID>" HDR_OK "</env:Header>" BODY_OK "</env:Envelope>";
	static const char min[] = ENV_OPEN "<env:Header><wsa:Action>http://gsma.com/x</wsa:Action>"
				  "</env:Header><env:Body><x:Any xmlns:x=\"urn:x\"/></env:Body>"
				  "</env:Envelope>";
	struct rt_soap_decode_opts o;
	struct rt_soap_msg m;
	struct rt_err err = { 0 };
	enum rt_soap_problem why;

	(void)state;
	/* HDR_OK repeats MessageID: the first copy must be refused as a duplicate */
	assert_int_equal(rt_soap_decode(ok, strlen(ok), NULL, &m, &why, &err), RT_EPROTO);
	assert_int_equal(why, RT_SOAP_P_DUPLICATE_HEADER);
	rt_soap_msg_free(&m);
	memset(&o, 0, sizeof(o));
	o.need = RT_WSA_NEED_ACTION;
	o.body_ns = "";
	assert_int_equal(rt_soap_decode(min, strlen(min), &o, &m, &why, &err), 0);
	assert_string_equal((const char *)m.body->name, "Any");
	rt_soap_msg_free(&m);
	o.need = RT_WSA_NEED_ACTION | RT_WSA_NEED_REPLY_TO;
	assert_int_equal(rt_soap_decode(min, strlen(min), &o, &m, &why, &err), RT_EPROTO);
	assert_int_equal(why, RT_SOAP_P_MISSING_HEADER);
	assert_err_has(&err, "wsa:ReplyTo missing");
	rt_soap_msg_free(&m);
	o.need = RT_WSA_NEED_ACTION | RT_WSA_NEED_RELATES_TO;
	assert_int_equal(rt_soap_decode(min, strlen(min), &o, &m, &why, &err), RT_EPROTO);
	assert_err_has(&err, "wsa:RelatesTo missing");
	rt_soap_msg_free(&m);
	/* a bare Fault without any WS-A header, read when nothing is required */
	{
		static const char bare[] = "<e:Envelope xmlns:e=\"" RT_SOAP12_NS "\"><e:Body><e:Fault>"
					   "<e:Code><e:Value>e:Receiver</e:Value></e:Code><e:Reason>"
					   "<e:Text xml:lang=\"en\">down</e:Text></e:Reason></e:Fault>"
					   "</e:Body></e:Envelope>";

		o.need = RT_WSA_NEED_NOTHING;
		assert_int_equal(rt_soap_decode(bare, strlen(bare), &o, &m, &why, &err), 0);
		assert_true(m.is_fault);
		assert_int_equal(m.fault.code, RT_SOAP_FC_RECEIVER);
		rt_soap_msg_free(&m);
		o.need = 0;
		assert_int_equal(rt_soap_decode(bare, strlen(bare), &o, &m, &why, &err), RT_EPROTO);
		assert_int_equal(why, RT_SOAP_P_MISSING_HEADER);
		rt_soap_msg_free(&m);
	}
	o.need = RT_WSA_NEED_ACTION;
	o.body_ns = NULL; /* default: esim-messaging/3 */
	assert_int_equal(rt_soap_decode(min, strlen(min), &o, &m, &why, &err), RT_EPROTO);
	assert_int_equal(why, RT_SOAP_P_BODY_NAMESPACE);
	rt_soap_msg_free(&m);
}

/* --- hostile input ---------------------------------------------------------------- */

static long maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void expect_xml_refused(const char *xml, size_t len, enum rt_xml_fail want,
			       const char *needle)
{
	struct rt_xml_doc d;
	struct rt_err err = { 0 };
	enum rt_xml_fail why = RT_XML_OK;

	assert_int_not_equal(rt_xml_parse(xml, len, NULL, &d, &why, &err), 0);
	assert_null(d.doc);
	if (why != want || !strstr(err.msg, needle))
		fail_msg("refused as %s '%s', want %s '%s'", rt_xml_fail_name(why), err.msg,
			 rt_xml_fail_name(want), needle);
}

static void test_xxe(void **state)
{
	/* the classic external entity to a local file, and the same through a parameter
	 * entity and an external DTD */
	static const char xxe[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE env:Envelope [<!ENTITY xxe SYSTEM "
		"\"file:///etc/passwd\">]>\n" ENV_OPEN "<env:Body><rps:X>&xxe;</rps:X></env:Body>"
		"</env:Envelope>";
	static const char pe[] = "<!DOCTYPE x [<!ENTITY % p SYSTEM \"file:///etc/hostname\"> %p;]><x/>";
	static const char ext[] = "<!DOCTYPE x SYSTEM \"http://127.0.0.1:9/evil.dtd\"><x/>";
	/* no DTD at all, only a reference to an entity nobody declared */
	static const char undeclared[] = "<x>&xxe;</x>";
	struct rt_soap_msg m;
	struct rt_err err = { 0 };
	enum rt_soap_problem why;

	(void)state;
	expect_xml_refused(xxe, strlen(xxe), RT_XML_DTD, "<!DOCTYPE env:Envelope>");
	expect_xml_refused(pe, strlen(pe), RT_XML_DTD, "document type declaration");
	expect_xml_refused(ext, strlen(ext), RT_XML_DTD, "SYSTEM http://127.0.0.1:9/evil.dtd");
	expect_xml_refused(undeclared, strlen(undeclared), RT_XML_MALFORMED, "xxe");
	assert_int_equal(rt_soap_decode(xxe, strlen(xxe), NULL, &m, &why, &err), RT_EPROTO);
	assert_int_equal(why, RT_SOAP_P_XML_DTD);
	assert_null(strstr(err.msg, "root:"));
	rt_soap_msg_free(&m);
}

static void test_billion_laughs(void **state)
{
	static const char lol[] =
		"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
		"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
		"<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
		"<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
		"<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
		"<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
		"<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
		"<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">"
		"]><lolz>&lol9;</lolz>";
	long before = maxrss_kb();

	(void)state;
	expect_xml_refused(lol, strlen(lol), RT_XML_DTD, "<!DOCTYPE lolz>");
	/* 10^9 "lol"s would be 3 GB; the refusal costs nothing */
	assert_true(maxrss_kb() - before < 16 * 1024);
}

static void test_huge_body(void **state)
{
	const size_t n = (size_t)100 << 20;
	static const char head[] = ENV_OPEN "<env:Body><rps:X>";
	char *buf = calloc(1, n); /* untouched pages cost no memory */
	struct rt_soap_msg m;
	struct rt_err err = { 0 };
	enum rt_soap_problem why;
	long before;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + n - 4096, 'A', 4096);
	before = maxrss_kb();
	assert_int_equal(rt_soap_decode(buf, n, NULL, &m, &why, &err), RT_ERANGE);
	assert_int_equal(why, RT_SOAP_P_XML_TOO_BIG);
	assert_err_has(&err, "104857600 bytes, more than the 4194304 allowed");
	assert_true(maxrss_kb() - before < 16 * 1024);
	rt_soap_msg_free(&m);
	free(buf);
}

static void test_deep_nesting(void **state)
{
	const size_t depth = 10000;
	size_t i, n = 0, cap = depth * 7 + 512;
	char *buf = malloc(cap);
	struct rt_xml_limits lim = { RT_XML_MAX_BYTES_DEFAULT, 20000, RT_XML_MAX_ELEMENTS_DEFAULT };
	struct rt_xml_doc d;
	struct rt_err err = { 0 };
	enum rt_xml_fail why;

	(void)state;
	assert_non_null(buf);
	n += (size_t)snprintf(buf + n, cap - n, "%s<env:Body>", ENV_OPEN);
	for (i = 0; i < depth; i++)
		n += (size_t)snprintf(buf + n, cap - n, "<a>");
	expect_xml_refused(buf, n, RT_XML_TOO_DEEP, "deeper than 48 levels at <a>");
	/* a cap above libxml2's own (256 without XML_PARSE_HUGE) is still bounded: refused */
	assert_int_not_equal(rt_xml_parse(buf, n, &lim, &d, &why, &err), 0);
	assert_null(d.doc);
	free(buf);
}

static void test_many_elements(void **state)
{
	const size_t count = 150000;
	size_t i, n = 0, cap = count * 4 + 64;
	char *buf = malloc(cap);

	(void)state;
	assert_non_null(buf);
	n += (size_t)snprintf(buf + n, cap - n, "<r>");
	for (i = 0; i < count; i++)
		n += (size_t)snprintf(buf + n, cap - n, "<a/>");
	n += (size_t)snprintf(buf + n, cap - n, "</r>");
	expect_xml_refused(buf, n, RT_XML_TOO_MANY, "more than 100000 elements");
	free(buf);
}

static void test_xml_ok(void **state)
{
	static const char doc[] = "<?xml version=\"1.0\"?><!-- c --><?pi x?><r xmlns=\"urn:r\">"
				  "<a>&lt;&amp;&#x41;</a><b><![CDATA[ <x> ]]></b></r>";
	struct rt_xml_doc d;
	struct rt_err err = { 0 };
	char t[32];
	xmlNodePtr r, a;

	(void)state;
	assert_int_equal(rt_xml_parse(doc, strlen(doc), NULL, &d, NULL, &err), 0);
	assert_int_equal(d.elements, 3);
	assert_int_equal(d.depth, 2);
	assert_int_equal(d.pis, 1);
	r = xmlDocGetRootElement(d.doc);
	assert_true(rt_xml_is(r, "urn:r", "r"));
	a = rt_xml_next_elem(r->children);
	assert_int_equal(rt_xml_text(a, t, sizeof(t), &err), 0);
	assert_string_equal(t, "<&A");
	assert_int_equal(rt_xml_text(rt_xml_next_elem(a->next), t, sizeof(t), &err), 0);
	assert_string_equal(t, "<x>");
	assert_int_equal(rt_xml_text(a, t, 3, &err), RT_ERANGE);
	assert_int_equal(rt_xml_text(r, t, sizeof(t), &err), RT_EPROTO);
	rt_xml_doc_free(&d);
	rt_xml_doc_free(&d);
}

/* --- types ------------------------------------------------------------------------- */

static void test_xsd(void **state)
{
	struct rt_xsd_datetime t, u;
	struct rt_err err = { 0 };
	char b[32];
	uint64_t v;
	int x;

	(void)state;
	assert_int_equal(rt_xsd_datetime_parse("2000-02-29T12:00:00Z", &t, &err), 0);
	assert_int_equal(t.secs, 951825600);
	assert_int_equal(rt_xsd_datetime_parse("2026-12-07T23:00:00", &t, &err), 0);
	assert_int_equal(t.secs, 1796684400);
	assert_false(t.has_tz);
	assert_int_equal(rt_xsd_datetime_parse("2019-12-31T24:00:00Z", &u, &err), 0);
	assert_int_equal(u.secs, 1577836800);
	assert_int_equal(rt_xsd_datetime_parse("0001-01-01T00:00:00Z", &u, &err), 0);
	assert_int_equal(u.secs, -62135596800LL);
	assert_int_equal(rt_xsd_datetime_format(253402300799LL, b, sizeof(b), &err), 0);
	assert_string_equal(b, "9999-12-31T23:59:59Z");
	assert_int_equal(rt_xsd_datetime_format(1545187489, b, sizeof(b), &err), 0);
	assert_string_equal(b, "2018-12-19T02:44:49Z");
	assert_int_equal(rt_xsd_datetime_format(-62135596801LL, b, sizeof(b), &err), RT_ERANGE);
	assert_int_equal(rt_xsd_datetime_format(0, b, 10, &err), RT_ERANGE);
	assert_int_equal(rt_xsd_datetime_parse("2019-02-29T00:00:00Z", &t, &err), RT_EPROTO);
	assert_err_has(&err, "no such date");
	assert_int_equal(rt_xsd_datetime_parse("2019-01-01T24:00:01Z", &t, &err), RT_EPROTO);
	assert_int_equal(rt_xsd_datetime_parse("2019-01-01 00:00:00Z", &t, &err), RT_EPROTO);
	assert_int_equal(rt_xsd_datetime_parse("2019-01-01T00:00:00+15:00", &t, &err), RT_EPROTO);
	assert_int_equal(rt_xsd_datetime_parse("2019-01-01T00:00:00.Z", &t, &err), RT_EPROTO);
	assert_int_equal(rt_xsd_datetime_parse("2019-01-01T00:00:00Zjunk", &t, &err), RT_EPROTO);
	assert_int_equal(rt_xsd_datetime_parse("2019-01-01T00:00:00.5Z", &t, &err), 0);
	assert_int_equal(rt_xsd_datetime_parse("2019-01-01T00:00:00.25Z", &u, &err), 0);
	assert_true(rt_xsd_datetime_cmp(&u, &t) < 0);
	assert_int_equal(rt_xsd_boolean("1", &x, &err), 0);
	assert_int_equal(x, 1);
	assert_int_equal(rt_xsd_boolean("false", &x, &err), 0);
	assert_int_equal(x, 0);
	assert_int_equal(rt_xsd_boolean("TRUE", &x, &err), RT_EPROTO);
	assert_int_equal(rt_xsd_uint("+0042", 1, &v, "n", &err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(rt_xsd_uint("0", 1, &v, "ValidityPeriod", &err), RT_EPROTO);
	assert_err_has(&err, "ValidityPeriod: 0 is below 1");
	assert_int_equal(rt_xsd_uint("18446744073709551616", 0, &v, "n", &err), RT_ERANGE);
	assert_int_equal(rt_xsd_uint("-1", 0, &v, "n", &err), RT_EPROTO);
	assert_int_equal(rt_xsd_uint("", 0, &v, "n", &err), RT_EPROTO);
}

static void test_status(void **state)
{
	static const char *const v3[] = { "EXECUTED_SUCCESS", "EXECUTED_WITHWARNING", "FAILED",
					   "EXPIRED" };
	static const char *const prose[] = { "Executed-Success", "Executed-WithWarning", "Failed",
					      "Expired" };
	enum rt_es_status st;
	enum rt_es_spelling sp;
	struct rt_err err = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(rt_es_status_parse(v3[i], &st, &sp, &err), 0);
		assert_int_equal(st, RT_ES_EXECUTED_SUCCESS + i);
		assert_int_equal(sp, RT_ES_SPELL_V3);
		assert_string_equal(rt_es_status_text(st, RT_ES_SPELL_V3), v3[i]);
		assert_int_equal(rt_es_status_parse(prose[i], &st, &sp, &err), 0);
		assert_int_equal(st, RT_ES_EXECUTED_SUCCESS + i);
		assert_int_equal(sp, RT_ES_SPELL_PROSE);
	}
	assert_int_equal(rt_es_status_parse("executed_success", &st, &sp, &err), RT_EPROTO);
	assert_null(rt_es_status_text(RT_ES_STATUS_NONE, RT_ES_SPELL_V3));
}

static void expect_resp_err(const char *fn_xml, enum rt_es_problem want, const char *needle)
{
	struct rt_xml_doc d;
	struct rt_es_base_response r;
	struct rt_err err = { 0 };
	enum rt_es_problem why = RT_ES_OK;

	assert_int_equal(rt_xml_parse(fn_xml, strlen(fn_xml), NULL, &d, NULL, &err), 0);
	assert_int_equal(rt_es_base_response_decode(xmlDocGetRootElement(d.doc), &r, NULL, &why, &err),
			 RT_EPROTO);
	if (why != want || !strstr(err.msg, needle))
		fail_msg("got %s '%s', want %s '%s'", rt_es_problem_name(why), err.msg,
			 rt_es_problem_name(want), needle);
	rt_xml_doc_free(&d);
}

#define R_OPEN "<r:ES3-X xmlns:r=\"" RT_ESIM_NS "\">"

static void test_base_errors(void **state)
{
	struct rt_xml_doc d;
	struct rt_es_base_request q;
	struct rt_err err = { 0 };
	enum rt_es_problem why;
	static const char noid[] = R_OPEN "<r:ValidityPeriod>5</r:ValidityPeriod></r:ES3-X>";
	static const char zero[] = R_OPEN "<r:FunctionCallIdentifier>a</r:FunctionCallIdentifier>"
				   "<r:ValidityPeriod>0</r:ValidityPeriod></r:ES3-X>";
	static const char otherns[] = "<r:ES3-X xmlns:r=\"" RT_ESIM_NS "\" xmlns:o=\"urn:o\">"
				      "<o:FunctionCallIdentifier>a</o:FunctionCallIdentifier></r:ES3-X>";

	(void)state;
	expect_resp_err(R_OPEN "</r:ES3-X>", RT_ES_P_MISSING, "ES3-X: FunctionExecutionStatus missing");
	expect_resp_err(R_OPEN "<r:ProcessingEnd>2019-01-01T00:00:00Z</r:ProcessingEnd><r:ProcessingStart>"
			"2019-01-01T00:00:00Z</r:ProcessingStart></r:ES3-X>", RT_ES_P_UNEXPECTED,
			"(found <ProcessingStart>)");
	expect_resp_err(R_OPEN "<r:ProcessingStart>yesterday</r:ProcessingStart></r:ES3-X>",
			RT_ES_P_BAD_VALUE, "ProcessingStart: dateTime 'yesterday'");
	expect_resp_err(R_OPEN "<r:FunctionExecutionStatus><r:Status>OK</r:Status>"
			"</r:FunctionExecutionStatus></r:ES3-X>", RT_ES_P_BAD_VALUE, "Status 'OK'");
	expect_resp_err(R_OPEN "<r:FunctionExecutionStatus/></r:ES3-X>", RT_ES_P_MISSING,
			"FunctionExecutionStatus/Status missing");
	expect_resp_err(R_OPEN "<r:FunctionExecutionStatus><r:Status>FAILED</r:Status><r:StatusCodeData>"
			"<r:Reason>3.9</r:Reason></r:StatusCodeData></r:FunctionExecutionStatus></r:ES3-X>",
			RT_ES_P_MISSING, "StatusCodeData/Subject missing");
	expect_resp_err(R_OPEN "<r:FunctionExecutionStatus><r:Status>FAILED</r:Status><r:StatusCodeData>"
			"<r:Subject>8.1</r:Subject></r:StatusCodeData></r:FunctionExecutionStatus></r:ES3-X>",
			RT_ES_P_MISSING, "StatusCodeData/Reason missing");
	expect_resp_err(R_OPEN "<r:FunctionExecutionStatus><r:Status>FAILED</r:Status><r:StatusCodeData>"
			"<r:Subject>8.1</r:Subject><r:Reason>1.1</r:Reason><r:Extra/></r:StatusCodeData>"
			"</r:FunctionExecutionStatus></r:ES3-X>", RT_ES_P_UNEXPECTED,
			"StatusCodeData holds <Extra>");
	expect_resp_err(R_OPEN "<r:FunctionExecutionStatus><r:Status>FAILED</r:Status><r:Extra/>"
			"</r:FunctionExecutionStatus></r:ES3-X>", RT_ES_P_UNEXPECTED,
			"FunctionExecutionStatus holds <Extra>");
	expect_resp_err(R_OPEN "x<r:FunctionExecutionStatus/></r:ES3-X>", RT_ES_P_TEXT,
			"character content");
	expect_resp_err(R_OPEN "<r:AcceptableValidityPeriod>0</r:AcceptableValidityPeriod>"
			"</r:ES3-X>", RT_ES_P_BAD_VALUE, "AcceptableValidityPeriod: 0 is below 1");

	assert_int_equal(rt_xml_parse(noid, strlen(noid), NULL, &d, NULL, &err), 0);
	assert_int_equal(rt_es_base_request_decode(xmlDocGetRootElement(d.doc), &q, NULL, &why, &err),
			 RT_EPROTO);
	assert_int_equal(why, RT_ES_P_MISSING);
	assert_err_has(&err, "FunctionCallIdentifier missing");
	rt_xml_doc_free(&d);
	assert_int_equal(rt_xml_parse(zero, strlen(zero), NULL, &d, NULL, &err), 0);
	assert_int_equal(rt_es_base_request_decode(xmlDocGetRootElement(d.doc), &q, NULL, &why, &err),
			 RT_EPROTO);
	assert_int_equal(why, RT_ES_P_BAD_VALUE);
	rt_xml_doc_free(&d);
	/* the base elements live in the function element's namespace */
	assert_int_equal(rt_xml_parse(otherns, strlen(otherns), NULL, &d, NULL, &err), 0);
	assert_int_equal(rt_es_base_request_decode(xmlDocGetRootElement(d.doc), &q, NULL, &why, &err),
			 RT_EPROTO);
	rt_xml_doc_free(&d);
}

static void test_rps_errors(void **state)
{
	struct rt_rps_addr a;
	struct rt_rps_msgid m;
	struct rt_err err = { 0 };
	char out[64];
	struct rt_rps_addr bad = { "http://x", "1..2", "" };
	struct rt_rps_msgid badm = { "1.2", "urn:uuid:1", "", "2019-13-01T00:00:00Z" };

	(void)state;
	assert_int_equal(rt_rps_addr_parse("http://x", &a, &err), RT_EPROTO);
	assert_err_has(&err, "has no query with EntityId");
	assert_int_equal(rt_rps_addr_parse("http://x?EntityName=SM-SR", &a, &err), RT_EPROTO);
	assert_err_has(&err, "has no EntityId");
	assert_int_equal(rt_rps_addr_parse("http://x?EntityId=1.2&EntityId=1.3", &a, &err), RT_EPROTO);
	assert_err_has(&err, "EntityId twice");
	assert_int_equal(rt_rps_addr_parse("http://x?EntityId=1.2.", &a, &err), RT_EPROTO);
	assert_err_has(&err, "is not an OID");
	assert_int_equal(rt_rps_addr_parse("http://x?EntityId=1.2&EntityName=a%2", &a, &err), RT_EPROTO);
	assert_err_has(&err, "bad %-escape");
	assert_int_equal(rt_rps_addr_parse("http://x?EntityId=1.2&EntityName=a%00", &a, &err), RT_EPROTO);
	assert_int_equal(rt_rps_addr_parse("http://x?foo=bar&EntityId=1.2", &a, &err), 0);
	assert_string_equal(a.entity_id, "1.2");
	assert_int_equal(rt_rps_msgid_parse("urn:uuid:1", &m, &err), RT_EPROTO);
	assert_err_has(&err, "does not start with //<OID>/");
	assert_int_equal(rt_rps_msgid_parse("//1.2", &m, &err), RT_EPROTO);
	assert_int_equal(rt_rps_msgid_parse("//a.b/urn:uuid:1", &m, &err), RT_EPROTO);
	assert_int_equal(rt_rps_msgid_parse("//1.2/?x=1", &m, &err), RT_EPROTO);
	assert_int_equal(rt_rps_msgid_parse("//1.2/u?MessageDate=2019-01-01", &m, &err), RT_EPROTO);
	assert_err_has(&err, "MessageDate");
	assert_int_equal(rt_rps_msgid_parse("//1.2/u", &m, &err), 0);
	assert_string_equal(m.id, "u");
	assert_int_equal(rt_rps_addr_build(&bad, out, sizeof(out), &err), RT_EINVAL);
	assert_int_equal(rt_rps_msgid_build(&badm, out, sizeof(out), &err), RT_EPROTO);
	snprintf(bad.entity_id, sizeof(bad.entity_id), "1.2");
	assert_int_equal(rt_rps_addr_build(&bad, out, 12, &err), RT_ERANGE);
	assert_true(rt_rps_is_oid("0"));
	assert_false(rt_rps_is_oid(".1"));
	assert_false(rt_rps_is_oid(""));
}

static void test_content_type(void **state)
{
	/* the header of the ZTE-LOG trace (sgp02-facts §6.1), as a literal */
	static const char zte[] = "application/soap+xml; charset=utf-8; action=\"http://gsma.com/ES3/"
				  "ProfileManagementCallBack/ES3-CreateISDP\"";
	struct rt_soap_ctype c;
	struct rt_err err = { 0 };
	char out[256];

	(void)state;
	assert_int_equal(rt_soap_content_type("http://gsma.com/ES3/ProfileManagementCallBack/"
					      "ES3-CreateISDP", out, sizeof(out), &err), 0);
	assert_string_equal(out, zte);
	assert_int_equal(rt_soap_content_type_parse(zte, &c, &err), 0);
	assert_true(c.is_soap12 && c.has_action);
	assert_string_equal(c.charset, "utf-8");
	assert_string_equal(c.action, "http://gsma.com/ES3/ProfileManagementCallBack/ES3-CreateISDP");
	assert_int_equal(rt_soap_content_type_parse("Application/SOAP+XML;Charset=UTF-8;action=urn:x;",
						    &c, &err), 0);
	assert_true(c.is_soap12);
	assert_string_equal(c.charset, "utf-8");
	assert_string_equal(c.action, "urn:x");
	assert_int_equal(rt_soap_content_type_parse("text/xml; charset=utf-8", &c, &err), 0);
	assert_false(c.is_soap12);
	assert_false(c.has_action);
	assert_int_equal(rt_soap_content_type_parse("application/soap+xml; action=\"a\\\"b\"", &c, &err), 0);
	assert_string_equal(c.action, "a\"b");
	assert_int_equal(rt_soap_content_type_parse("application/soap+xml; action=\"x", &c, &err),
			 RT_EPROTO);
	assert_err_has(&err, "unterminated quote");
	assert_int_equal(rt_soap_content_type_parse("application/soap+xml; charset=a; charset=b", &c,
						    &err), RT_EPROTO);
	assert_int_equal(rt_soap_content_type_parse("application/soap+xml; action=a; action=b", &c,
						    &err), RT_EPROTO);
	assert_int_equal(rt_soap_content_type_parse("soap", &c, &err), RT_EPROTO);
	assert_int_equal(rt_soap_content_type_parse("application/soap+xml x", &c, &err), RT_EPROTO);
	assert_int_equal(rt_soap_content_type_parse("application/soap+xml; =1", &c, &err), RT_EPROTO);
	assert_int_equal(rt_soap_content_type("a\"b", out, sizeof(out), &err), RT_EINVAL);
	assert_int_equal(rt_soap_content_type(NULL, out, sizeof(out), &err), 0);
	assert_string_equal(out, "application/soap+xml; charset=utf-8");
	assert_int_equal(rt_soap_content_type("urn:x", out, 20, &err), RT_ERANGE);
}

/* --- the tables ------------------------------------------------------------------- */

static void test_function_table(void **state)
{
	size_t i, j;
	unsigned n_v3_es3_ops = 0, n_es3_callbacks = 0, n_es3_notes = 0, n_es4 = 0, n_es2 = 0;
	unsigned n_es7 = 0, n_es1 = 0, n_es4a = 0;
	const struct rt_es_function *f;

	(void)state;
	for (i = 0; i < rt_es_nfunctions; i++) {
		const struct rt_es_function *a = &rt_es_functions[i];
		const char *names[6] = { a->request, a->response, a->action_bare, a->action_request,
					 a->action_response, a->action_callback };
		enum rt_es_msg msg;
		size_t k;

		assert_non_null(rt_es_iface_name(a->iface));
		assert_non_null(a->request);
		assert_true(a->provider && a->requester);
		/* every element and Action of a row leads back to it */
		assert_ptr_equal(rt_es_function_by_element(a->request, &msg), a);
		assert_int_equal(msg, a->pattern == RT_ES_NOTIFICATION ? RT_ES_MSG_NOTIFICATION
								   : RT_ES_MSG_REQUEST);
		assert_ptr_equal(rt_es_function_find(a->iface, a->name), a);
		if (a->pattern == RT_ES_NOTIFICATION) {
			assert_null(a->response);
			assert_null(a->action_callback);
			assert_ptr_equal(rt_es_function_by_action(a->action_bare, &msg), a);
			assert_int_equal(msg, RT_ES_MSG_NOTIFICATION);
			assert_non_null(strstr(a->name, "Notification"));
		} else {
			assert_ptr_equal(rt_es_function_by_element(a->response, &msg), a);
			assert_int_equal(msg, RT_ES_MSG_RESPONSE);
			assert_ptr_equal(rt_es_function_by_action(a->action_request, &msg), a);
			assert_int_equal(msg, RT_ES_MSG_REQUEST);
			assert_ptr_equal(rt_es_function_by_action(a->action_response, &msg), a);
			assert_int_equal(msg, RT_ES_MSG_RESPONSE);
			assert_true((a->pattern == RT_ES_ASYNC) == (a->action_callback != NULL));
			if (a->action_callback) {
				assert_ptr_equal(rt_es_function_by_action(a->action_callback, &msg), a);
				assert_int_equal(msg, RT_ES_MSG_CALLBACK);
			}
		}
		/* no name or URI of a row is used by another row */
		for (j = i + 1; j < rt_es_nfunctions; j++) {
			const struct rt_es_function *b = &rt_es_functions[j];
			const char *others[6] = { b->request, b->response, b->action_bare,
						  b->action_request, b->action_response,
						  b->action_callback };
			size_t l;

			assert_false(a->iface == b->iface && strcmp(a->name, b->name) == 0);
			for (k = 0; k < 6; k++)
				for (l = 0; l < 6; l++)
					if (names[k] && others[l] && strcmp(names[k], others[l]) == 0)
						fail_msg("'%s' in rows %zu and %zu", names[k], i, j);
		}
		if (a->flags & RT_ES_F_V4) {
			if (a->iface == RT_ES_IF_ES4A)
				n_es4a++;
			continue;
		}
		if (a->iface == RT_ES_IF_ES3 && a->pattern != RT_ES_NOTIFICATION)
			n_v3_es3_ops++;
		if (a->iface == RT_ES_IF_ES3 && a->pattern == RT_ES_ASYNC)
			n_es3_callbacks++;
		if (a->iface == RT_ES_IF_ES3 && a->pattern == RT_ES_NOTIFICATION)
			n_es3_notes++;
		if (a->iface == RT_ES_IF_ES4 && a->pattern != RT_ES_NOTIFICATION)
			n_es4++;
		if (a->iface == RT_ES_IF_ES2 && a->pattern != RT_ES_NOTIFICATION)
			n_es2++;
		if (a->iface == RT_ES_IF_ES7)
			n_es7++;
		if (a->iface == RT_ES_IF_ES1)
			n_es1++;
	}
	/* sgp02-facts §6.6: the v3 WSDLs' operations per service */
	assert_int_equal(n_v3_es3_ops, 11);   /* ES3SmSrService */
	assert_int_equal(n_es3_callbacks, 7); /* ES3SmDpService callbacks */
	assert_int_equal(n_es3_notes, 4);     /* ES3SmDpService notifications */
	assert_int_equal(n_es4, 9);           /* ES4SmSrService */
	assert_int_equal(n_es2, 7);           /* ES2SmDpService */
	assert_int_equal(n_es7, 4);           /* ES7SmSrService: 3 + HandleSMSRChangeNotification */
	assert_int_equal(n_es1, 1);           /* ES1SmSrService */
	assert_int_equal(n_es4a, 4);          /* EKN 10: SetPLMA, GetPLMA, SetONC, GetONC */

	/* Action forms, as the WSDL-3 files and the ZTE trace write them */
	f = rt_es_function_find(RT_ES_IF_ES3, "CreateISDP");
	assert_string_equal(rt_es_action(f, RT_ES_MSG_REQUEST, RT_ES_ACTION_BY_PATTERN),
			    "http://gsma.com/ES3/ProfileManagement/ES3-CreateISDP");
	assert_string_equal(rt_es_action(f, RT_ES_MSG_REQUEST, RT_ES_ACTION_SUFFIXED),
			    "http://gsma.com/ES3/ProfileManagement/ES3-CreateISDPRequest");
	assert_string_equal(rt_es_action(f, RT_ES_MSG_CALLBACK, RT_ES_ACTION_BY_PATTERN),
			    "http://gsma.com/ES3/ProfileManagementCallBack/ES3-CreateISDP");
	assert_null(rt_es_action(f, RT_ES_MSG_RESPONSE, RT_ES_ACTION_BY_PATTERN));
	assert_null(rt_es_action(f, RT_ES_MSG_NOTIFICATION, RT_ES_ACTION_BY_PATTERN));
	f = rt_es_function_find(RT_ES_IF_ES3, "GetEIS");
	assert_string_equal(rt_es_action(f, RT_ES_MSG_REQUEST, RT_ES_ACTION_BY_PATTERN),
			    "http://gsma.com/ES3/ProfileManagement/ES3-GetEISRequest");
	assert_string_equal(rt_es_action(f, RT_ES_MSG_REQUEST, RT_ES_ACTION_BARE),
			    "http://gsma.com/ES3/ProfileManagement/ES3-GetEIS");
	assert_string_equal(rt_es_action(f, RT_ES_MSG_RESPONSE, RT_ES_ACTION_BARE),
			    "http://gsma.com/ES3/ProfileManagement/ES3-GetEISResponse");
	assert_null(rt_es_action(f, RT_ES_MSG_CALLBACK, RT_ES_ACTION_BY_PATTERN));
	f = rt_es_function_find(RT_ES_IF_ES3, "UpdateConnectivityParameters");
	assert_string_equal(f->action_callback,
			    "http://gsma.com/ES3/PlatformManagementCallBack/ES3-UpdateConnectivityParameters");
	f = rt_es_function_find(RT_ES_IF_ES7, "HandoverEUICC");
	assert_string_equal(f->action_callback,
			    "http://gsma.com/ES7/eUICCManagementCallBack/ES7-HandoverEUICC");
	assert_string_equal(f->request, "ES7-HandoverEUICCRequest");
	f = rt_es_function_find(RT_ES_IF_ES3, "HandleProfileEnabledNotification");
	assert_string_equal(rt_es_action(f, RT_ES_MSG_NOTIFICATION, RT_ES_ACTION_SUFFIXED),
			    "http://gsma.com/ES3/PlatformManagement/ES3-HandleProfileEnabledNotification");
	assert_null(rt_es_action(f, RT_ES_MSG_REQUEST, RT_ES_ACTION_BY_PATTERN));
	assert_string_equal(f->request, "ES3-HandleProfileEnabledNotification");
	assert_int_equal(f->provider, RT_ES_ROLE_SMDP);
	f = rt_es_function_find(RT_ES_IF_ES4, "SMSRChange");
	assert_string_equal(f->action_bare, "http://gsma.com/ES4/eUICCManagement/ES4-SMSRChange");
	f = rt_es_function_find(RT_ES_IF_ES1, "RegisterEIS");
	assert_string_equal(rt_es_action(f, RT_ES_MSG_REQUEST, RT_ES_ACTION_BY_PATTERN),
			    "http://gsma.com/ES1/eUICCManagement/ES1-RegisterEISRequest");
	assert_int_equal(f->requester, RT_ES_ROLE_EUM);
	f = rt_es_function_find(RT_ES_IF_ES2, "GetEIS");
	assert_string_equal(f->action_request, "http://gsma.com/ES2/DataPreparation/ES2-GetEISRequest");
	assert_int_equal(rt_es_function_find(RT_ES_IF_ES4, "EnableProfile")->requester,
			 RT_ES_ROLE_OPERATOR | RT_ES_ROLE_M2MSP);
	assert_null(rt_es_function_find(RT_ES_IF_ES3, "DownloadProfile"));
	assert_null(rt_es_function_by_element("ES3-CreateISDP", NULL));
	assert_null(rt_es_function_by_action("http://gsma.com/ES3/ProfileManagent/ES3-CreateISDP", NULL));
	assert_int_equal(rt_es_action_style_parse("suffixed"), RT_ES_ACTION_SUFFIXED);
	assert_int_equal(rt_es_action_style_parse("Request"), RT_EINVAL);
	assert_null(rt_es_iface_name((enum rt_es_iface)0));
}

static void test_classify(void **state)
{
	const struct rt_es_function *f;
	enum rt_es_msg msg;
	enum rt_es_class_problem why;
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_es_classify("http://gsma.com/ES3/ProfileManagementCallBack/ES3-CreateISDP",
					"ES3-CreateISDPResponse", &f, &msg, &why, &err), 0);
	assert_string_equal(f->name, "CreateISDP");
	assert_int_equal(msg, RT_ES_MSG_CALLBACK);
	assert_int_equal(rt_es_classify("http://gsma.com/ES3/ProfileManagement/ES3-CreateISDPRequest",
					"ES3-CreateISDPRequest", &f, &msg, &why, &err), 0);
	assert_int_equal(msg, RT_ES_MSG_REQUEST);
	assert_int_equal(rt_es_classify("http://gsma.com/ES3/PlatformManagement/"
					"ES3-HandleProfileDeletedNotification",
					"ES3-HandleProfileDeletedNotification", &f, &msg, &why, &err), 0);
	assert_int_equal(msg, RT_ES_MSG_NOTIFICATION);
	assert_int_equal(rt_es_classify("http://gsma.com/ES3/ProfileManagementCallBack/ES3-CreateISDP",
					"ES3-CreateISDPRequest", &f, &msg, &why, &err), RT_EPROTO);
	assert_int_equal(why, RT_ES_C_MESSAGE_MISMATCH);
	assert_err_has(&err, "callback of ES3.CreateISDP, the body <ES3-CreateISDPRequest> its request");
	assert_null(f);
	assert_int_equal(rt_es_classify("http://gsma.com/ES3/ProfileManagement/ES3-GetEISRequest",
					"ES3-CreateISDPRequest", &f, &msg, &why, &err), RT_EPROTO);
	assert_int_equal(why, RT_ES_C_FUNCTION_MISMATCH);
	assert_err_has(&err, "names ES3.GetEIS, the body <ES3-CreateISDPRequest> is ES3.CreateISDP");
	assert_int_equal(rt_es_classify("http://gsma.com/ES3/ProfileManagent/ES3-GetEIS",
					"ES3-GetEISRequest", &f, &msg, &why, &err), RT_ENOENT);
	assert_int_equal(why, RT_ES_C_UNKNOWN_ACTION);
	assert_int_equal(rt_es_classify("http://gsma.com/ES3/ProfileManagement/ES3-GetEIS",
					"ES3-GetEISReq", &f, &msg, &why, &err), RT_ENOENT);
	assert_int_equal(why, RT_ES_C_UNKNOWN_ELEMENT);
	/* a synchronous response Action on the request element */
	assert_int_equal(rt_es_classify("http://gsma.com/ES3/ProfileManagement/ES3-GetEISResponse",
					"ES3-GetEISRequest", &f, &msg, &why, &err), RT_EPROTO);
	assert_int_equal(why, RT_ES_C_MESSAGE_MISMATCH);
}

static void test_code_table(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < rt_es_ncodes; i++) {
		const struct rt_es_code *a = &rt_es_codes[i];

		assert_true(a->kind == RT_ES_SUBJECT || a->kind == RT_ES_REASON);
		assert_true(a->code || a->name);
		assert_non_null(a->seen);
		if (a->code) {
			assert_true(rt_rps_is_oid(a->code));
			assert_ptr_equal(rt_es_code_by_code(a->kind, a->code), a);
		}
		if (a->name)
			assert_ptr_equal(rt_es_code_by_name(a->kind, a->name), a);
		for (j = i + 1; j < rt_es_ncodes; j++) {
			const struct rt_es_code *b = &rt_es_codes[j];

			if (a->kind != b->kind)
				continue;
			assert_false(a->code && b->code && strcmp(a->code, b->code) == 0);
			assert_false(a->name && b->name && strcasecmp(a->name, b->name) == 0);
		}
	}
	/* facts §6.2 pairs, by hand */
	assert_string_equal(rt_es_code_by_code(RT_ES_SUBJECT, "8.1.1")->name, "EID");
	assert_string_equal(rt_es_code_by_code(RT_ES_REASON, "3.9")->name, "Unknown");
	assert_string_equal(rt_es_code_by_name(RT_ES_REASON, "insufficient MEMORY")->code, "4.8");
	assert_null(rt_es_code_by_code(RT_ES_REASON, "8.1.1"));
	assert_null(rt_es_code_by_name(RT_ES_SUBJECT, "Unknown"));
	assert_string_equal(rt_es_code_text(rt_es_code_by_code(RT_ES_REASON, "6.3"), RT_ES_CODE_NAME),
			    "6.3");
	assert_string_equal(rt_es_code_text(rt_es_code_by_name(RT_ES_SUBJECT, "POL2"),
					    RT_ES_CODE_NUMERIC), "POL2");
	assert_int_equal(rt_es_code_form_parse("name"), RT_ES_CODE_NAME);
	assert_int_equal(rt_es_code_form_parse("text"), RT_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callback),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_fault),
		cmocka_unit_test(test_failed_prose),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_request_roundtrip),
		cmocka_unit_test(test_fault_roundtrip),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_lenient_and_needs),
		cmocka_unit_test(test_xxe),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_huge_body),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_many_elements),
		cmocka_unit_test(test_xml_ok),
		cmocka_unit_test(test_xsd),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_base_errors),
		cmocka_unit_test(test_rps_errors),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_function_table),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_code_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
