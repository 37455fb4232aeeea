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
 *       subcode1, subcode2, reason */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/rt_es_types.h"
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

int main(int argc, char **argv)
{
	if (argc == 10 && strcmp(argv[1], "encode") == 0)
		return encode(argv + 2);
	if (argc == 2 && strcmp(argv[1], "decode") == 0)
		return decode();
	fprintf(stderr, "usage: rt_soap_tool encode MSGID FROM TO ACTION RELATES START STATUS ELEMENT"
			" | decode\n");
	return 2;
}
