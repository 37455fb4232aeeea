/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_soap — libFuzzer target for harness/soap: the SOAP 1.2 / WS-Addressing envelope
 * decoder (on top of rt_xml's safe parser), the RPS URI parsers, the common-type
 * decoders, the table lookups a receiver runs on what it decoded, and the HTTP
 * Content-Type parser (the input read as a header value).
 *
 * Invariants: a decoded envelope re-encodes (our encoder) to one that decodes to the same
 * addressing headers and the same body element name; a decoded Fault rebuilt with
 * rt_soap_fault_build decodes to the same code, subcodes and reason; a parsed RPS
 * address or MessageID rebuilds to a URI that parses to the same fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/rt_es_functions.h"
#include "soap/rt_es_types.h"
#include "soap/rt_soap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                               \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_soap: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

static void check_rps(const struct rt_wsa_headers *w)
{
	struct rt_rps_addr a, a2;
	struct rt_rps_msgid m, m2;
	struct rt_err err;
	char buf[2 * RT_SOAP_URI_MAX];

	if (w->from.present && rt_rps_addr_parse(w->from.address, &a, &err) == 0 &&
	    rt_rps_addr_build(&a, buf, sizeof(buf), &err) == 0) {
		FUZZ_CHECK(rt_rps_addr_parse(buf, &a2, &err) == 0);
		FUZZ_CHECK(strcmp(a.entity_id, a2.entity_id) == 0);
		FUZZ_CHECK(strcmp(a.entity_name, a2.entity_name) == 0);
		FUZZ_CHECK(strcmp(a.endpoint, a2.endpoint) == 0);
	}
	if (w->has_message_id && rt_rps_msgid_parse(w->message_id, &m, &err) == 0 &&
	    rt_rps_msgid_build(&m, buf, sizeof(buf), &err) == 0) {
		FUZZ_CHECK(rt_rps_msgid_parse(buf, &m2, &err) == 0);
		FUZZ_CHECK(strcmp(m.sender_id, m2.sender_id) == 0 && strcmp(m.id, m2.id) == 0);
		FUZZ_CHECK(strcmp(m.transaction_id, m2.transaction_id) == 0);
		FUZZ_CHECK(strcmp(m.message_date, m2.message_date) == 0);
	}
}

static void check_fault(const struct rt_soap_msg *m)
{
	struct rt_soap_fault f = m->fault;
	struct rt_wsa_out h = { "urn:x", "http://to", "http://a", "http://from", NULL, NULL, NULL };
	struct rt_soap_msg m2;
	struct rt_err err;
	struct rt_buf out;
	xmlDocPtr doc;
	unsigned i, n = f.nsub > 2 ? 2 : f.nsub;

	f.detail = NULL;
	FUZZ_CHECK(rt_soap_fault_build(&f, &doc, &err) == 0);
	rt_buf_init(&out, 1 << 20);
	FUZZ_CHECK(rt_soap_encode(&h, xmlDocGetRootElement(doc), &out, &err) == 0);
	xmlFreeDoc(doc);
	FUZZ_CHECK(rt_soap_decode(out.data, out.len, NULL, &m2, NULL, &err) == 0);
	FUZZ_CHECK(m2.is_fault && m2.fault.code == f.code && m2.fault.nsub == n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(strcmp(m2.fault.sub[i].ns, f.sub[i].ns) == 0 &&
			   strcmp(m2.fault.sub[i].local, f.sub[i].local) == 0);
	FUZZ_CHECK(strcmp(m2.fault.reason, f.reason) == 0);
	rt_soap_msg_free(&m2);
	rt_buf_free(&out);
}

static void check_reencode(const struct rt_soap_msg *m)
{
	const struct rt_wsa_headers *w = &m->wsa;
	struct rt_wsa_out h = { 0 };
	struct rt_soap_msg m2;
	struct rt_err err;
	struct rt_buf out;
	const struct rt_wsa_relates *reply = NULL;
	unsigned i;

	for (i = 0; i < w->nrelates; i++)
		if (strcmp(w->relates[i].type, RT_WSA_REPLY) == 0)
			reply = &w->relates[i];
	h.message_id = w->has_message_id ? w->message_id : NULL;
	h.to = w->has_to ? w->to : NULL;
	h.action = w->has_action ? w->action : NULL;
	h.from = w->from.present ? w->from.address : NULL;
	h.reply_to = w->reply_to.present ? w->reply_to.address : NULL;
	h.fault_to = w->fault_to.present ? w->fault_to.address : NULL;
	h.relates_to = reply ? reply->uri : NULL;
	rt_buf_init(&out, 1 << 22);
	FUZZ_CHECK(rt_soap_encode(&h, m->body, &out, &err) == 0);
	if (rt_soap_decode(out.data, out.len, NULL, &m2, NULL, &err) != 0) {
		fprintf(stderr, "fuzz_soap: re-decode failed: %s\n", err.msg);
		abort();
	}
	FUZZ_CHECK(strcmp(m2.wsa.message_id, w->message_id) == 0);
	FUZZ_CHECK(strcmp(m2.wsa.to, w->to) == 0 && strcmp(m2.wsa.action, w->action) == 0);
	FUZZ_CHECK(strcmp(m2.wsa.from.address, w->from.address) == 0);
	FUZZ_CHECK(m2.wsa.reply_to.present == w->reply_to.present);
	FUZZ_CHECK(strcmp(m2.wsa.reply_to.address, w->reply_to.address) == 0);
	FUZZ_CHECK(m2.wsa.nrelates == (reply ? 1u : 0u));
	FUZZ_CHECK(m2.wsa.to_mu == 1 && m2.wsa.action_mu == 1);
	FUZZ_CHECK(strcmp((const char *)m2.body->name, (const char *)m->body->name) == 0);
	rt_soap_msg_free(&m2);
	rt_buf_free(&out);
}

/* The input as a Content-Type value: a parsed action rebuilds and parses back. */
static void check_ctype(const uint8_t *data, size_t size)
{
	char text[2048], out[2 * RT_SOAP_URI_MAX];
	struct rt_soap_ctype c, c2;
	struct rt_err err;

	if (size >= sizeof(text) || memchr(data, 0, size))
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (rt_soap_content_type_parse(text, &c, &err) != 0 || !c.has_action)
		return;
	if (rt_soap_content_type(c.action, out, sizeof(out), &err) != 0)
		return;
	FUZZ_CHECK(rt_soap_content_type_parse(out, &c2, &err) == 0);
	FUZZ_CHECK(c2.is_soap12 && c2.has_action && strcmp(c.action, c2.action) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_soap_decode_opts o;
	struct rt_soap_msg m;
	struct rt_err err;
	enum rt_soap_problem why;

	memset(&o, 0, sizeof(o));
	o.limits = rt_xml_limits_default;
	o.limits.max_bytes = 1 << 16;
	if (rt_soap_decode(data, size, &o, &m, &why, &err) == 0) {
		FUZZ_CHECK(why == RT_SOAP_OK && m.body);
		check_rps(&m.wsa);
		(void)rt_es_function_by_action(m.wsa.action, NULL);
		if (m.is_fault) {
			check_fault(&m);
		} else {
			struct rt_es_base_request q;
			struct rt_es_base_response r;

			const struct rt_es_function *f;
			enum rt_es_msg msg;

			if (rt_es_classify(m.wsa.action, (const char *)m.body->name, &f, &msg, NULL,
					   &err) == 0)
				FUZZ_CHECK(f && rt_es_function_by_element((const char *)m.body->name,
									   NULL) == f);
			(void)rt_es_base_request_decode(m.body, &q, NULL, NULL, &err);
			(void)rt_es_base_response_decode(m.body, &r, NULL, NULL, &err);
			check_reencode(&m);
		}
	} else {
		FUZZ_CHECK(why != RT_SOAP_OK && why < RT_SOAP_P_COUNT);
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	rt_soap_msg_free(&m);
	check_ctype(data, size);
	return 0;
}
