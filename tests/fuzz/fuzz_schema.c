/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_schema — libFuzzer target for harness/soap/rt_schema: the XML Schema validation
 * every body a SUT sends goes through (issue 9: "libxml2 validates everything a SUT
 * sends"). The input is parsed by rt_xml's safe parser (default caps), then its root
 * element is validated against the project's schema (xsd/esim-messaging-3.xsd, loaded
 * once); when the input is a SOAP envelope that rt_soap_decode accepts, its Body element
 * is validated too, as a receiver would.
 *
 * Invariants: validating the same tree twice gives the same verdict and error count (no
 * state leaks between validations of the one loaded schema); a result with no error
 * names no element; the decoder's Body is the root's Body child. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soap/rt_schema.h"
#include "soap/rt_soap.h"
#include "soap/rt_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef RT_SOURCE_DIR
#error "RT_SOURCE_DIR (the source tree, for the schema file) must be defined"
#endif

#define FUZZ_CHECK(cond)                                                                 \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fuzz_schema: invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                                         \
			abort();                                                          \
		}                                                                         \
	} while (0)

static struct rt_schema *fuzz_schema(void)
{
	static struct rt_schema *s;
	struct rt_err err = { 0 };

	if (!s && rt_schema_load(RT_SOURCE_DIR "/xsd/" RT_SCHEMA_FILE, &s, &err) != 0) {
		fprintf(stderr, "fuzz_schema: cannot load the schema: %s\n", err.msg);
		abort(); /* the harness's own mistake, not a finding */
	}
	return s;
}

static void validate_twice(const struct rt_schema *s, const xmlNode *n)
{
	struct rt_schema_result r1, r2;
	struct rt_err e1 = { 0 }, e2 = { 0 };
	int rc1, rc2;

	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	rc1 = rt_schema_validate(s, n, &r1, &e1);
	rc2 = rt_schema_validate(s, n, &r2, &e2);
	FUZZ_CHECK(rc1 == rc2);
	FUZZ_CHECK(r1.errors == r2.errors);
	FUZZ_CHECK(strcmp(r1.element, r2.element) == 0);
	if (rc1 == 0)
		FUZZ_CHECK(r1.errors == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct rt_schema *s = fuzz_schema();
	struct rt_xml_doc d = { 0 };
	struct rt_soap_msg m;
	struct rt_err err = { 0 };
	xmlNodePtr root;

	if (rt_xml_parse(data, size, NULL, &d, NULL, &err) == 0 &&
	    (root = xmlDocGetRootElement(d.doc)) != NULL)
		validate_twice(s, root);
	rt_xml_doc_free(&d);

	memset(&m, 0, sizeof(m));
	if (rt_soap_decode(data, size, NULL, &m, NULL, &err) == 0 && m.body && !m.is_fault) {
		FUZZ_CHECK(m.body->parent && m.body->parent->type == XML_ELEMENT_NODE);
		validate_twice(s, m.body);
	}
	rt_soap_msg_free(&m);
	return 0;
}
