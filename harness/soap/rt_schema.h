/* SPDX-License-Identifier: Apache-2.0 */
/* rt_schema — validation of an off-card function element (the one child of a SOAP
 * Body: request, response, callback or notification of ES1–ES7) against rsptest's own
 * XML Schema, xsd/esim-messaging-3.xsd (shipped as data, installed under
 * <datadir>/xsd/), with libxml2's XML Schema 1.0 validator.
 *
 * Owns:
 *  - loading the schema once, safely: the file is read with a byte cap and parsed by
 *    rt_xml (NONET, no DTD, no entities, depth and element caps), and a schema with any
 *    xs:import, xs:include or xs:redefine is refused before libxml2 sees it, so loading
 *    never opens a connection or another file;
 *  - validating one element subtree (which must come from rt_xml_parse / rt_soap_decode,
 *    so the parse caps already bounded it) and reporting the first error with its line
 *    and element ("line 12: element 'rps:Eid': ... not a valid value"), plus the count;
 *  - listing the schema's global element declarations (unit.xsd counts them against the
 *    function table of rt_es_functions).
 * The envelope and the WS-Addressing headers are rt_soap's; a Fault is not a function
 * element and has no declaration here. A loaded schema is read-only and may be shared by
 * threads; each validation uses its own libxml2 validation context. */
#ifndef RT_SCHEMA_H
#define RT_SCHEMA_H

#include <stddef.h>

#include <libxml/tree.h>

#include "util/rt_err.h"

/* The schema's file name under <datadir>/xsd/. */
#define RT_SCHEMA_FILE "esim-messaging-3.xsd"

/* A schema file larger than this is refused (ours is about 50 KiB). */
#define RT_SCHEMA_MAX_BYTES ((size_t)1 << 20)

struct rt_schema;

/* Writes <datadir>/xsd/esim-messaging-3.xsd into out. RT_ERANGE when it does not fit. */
int rt_schema_path(const char *datadir, char *out, size_t outsz, struct rt_err *err);

/* Loads and compiles the schema at path. RT_EIO when the file cannot be read, RT_ERANGE
 * when it is over RT_SCHEMA_MAX_BYTES, RT_EPROTO when it is not a safe, self-contained
 * XML Schema (libxml2's first message, with its line). Free with rt_schema_free. */
int rt_schema_load(const char *path, struct rt_schema **out, struct rt_err *err);

/* The same from bytes in memory (tests; a schema from elsewhere). */
int rt_schema_load_mem(const void *data, size_t len, struct rt_schema **out, struct rt_err *err);

void rt_schema_free(struct rt_schema *s);

/* What a validation found. */
struct rt_schema_result {
	unsigned errors;   /* how many errors libxml2 reported */
	int line;          /* line of the first error (0 when unknown) */
	char element[128]; /* qualified name of the element of the first error ("" unknown) */
};

/* Validates the element fn (and its subtree) against s. 0 when valid; RT_EPROTO when
 * not, with err = "line L: element 'E': libxml2's message" for the first error (and
 * "(N errors)" when there are more); res (may be NULL) gets the details. An fn that is
 * not an element is RT_EINVAL. */
int rt_schema_validate(const struct rt_schema *s, const xmlNode *fn, struct rt_schema_result *res,
		       struct rt_err *err);

/* Calls cb(name, namespace, ctx) for every global element declaration of s, in no
 * particular order; returns how many there are. */
size_t rt_schema_elements(const struct rt_schema *s,
			  void (*cb)(const char *name, const char *ns, void *ctx), void *ctx);

#endif
