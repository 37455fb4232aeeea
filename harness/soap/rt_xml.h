/* SPDX-License-Identifier: Apache-2.0 */
/* rt_xml — safe XML parsing for everything a peer sends over the off-card interfaces,
 * and the small tree helpers the SOAP layer and the body codecs share (pure: bytes in,
 * a libxml2 tree out; no I/O, no clock, no globals).
 *
 * Owns the rule that no peer input can make rsptest read a file, open a connection or
 * spend unbounded memory: the parser runs with XML_PARSE_NONET, never loads a DTD,
 * never substitutes entities, and refuses any document type declaration outright
 * (SOAP 1.2 Part 1 §5: a SOAP message MUST NOT contain one), which disposes of XXE and
 * billion-laughs before any entity exists. The byte count is checked before parsing;
 * element depth and element count are counted by SAX callbacks that stop the parser
 * the moment a cap is passed, so memory stays bounded by the caps, not by the input. */
#ifndef RT_XML_H
#define RT_XML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "util/rt_err.h"

/* Caps for one document. Defaults: 4 MiB (an ES3.SendData carries a profile segment
 * as hex; a whole EIS with keysets and an audit trail is far smaller), 48 levels (the
 * deepest SGP.02 body, EIS > Isd-r > Keyset > Key > KeyComponent, is about 10 below
 * Body), 100 000 elements. */
struct rt_xml_limits {
	size_t max_bytes;
	unsigned max_depth;
	size_t max_elements;
};

#define RT_XML_MAX_BYTES_DEFAULT ((size_t)4 << 20)
#define RT_XML_MAX_DEPTH_DEFAULT 48u
#define RT_XML_MAX_ELEMENTS_DEFAULT ((size_t)100000)

/* The defaults above. */
extern const struct rt_xml_limits rt_xml_limits_default;

/* Why a document was refused (also the first entries of the SOAP problem list). */
enum rt_xml_fail {
	RT_XML_OK = 0,
	RT_XML_EMPTY,     /* no bytes */
	RT_XML_TOO_BIG,   /* more than max_bytes */
	RT_XML_TOO_DEEP,  /* nesting deeper than max_depth */
	RT_XML_TOO_MANY,  /* more than max_elements elements */
	RT_XML_DTD,       /* a document type declaration (internal subset, entities, DOCTYPE) */
	RT_XML_MALFORMED, /* not well-formed XML (libxml2's message is in the error) */
};

/* A parsed document and what the parser saw on the way. */
struct rt_xml_doc {
	xmlDocPtr doc;       /* owned; NULL when parsing failed */
	size_t elements;     /* elements seen */
	unsigned depth;      /* deepest nesting seen (root = 1) */
	unsigned pis;        /* processing instructions seen (anywhere) */
};

/* Parses len bytes (any encoding libxml2 detects; UTF-8 expected) under lim (NULL =
 * defaults) into out. On failure out->doc is NULL, *why (may be NULL) says which rule
 * was broken and err names it ("element nesting deeper than 48 at <a:x>", libxml2's
 * message with line and column for malformed input). RT_ERANGE for the caps, RT_EPROTO
 * otherwise. Free with rt_xml_doc_free. */
int rt_xml_parse(const void *data, size_t len, const struct rt_xml_limits *lim,
		 struct rt_xml_doc *out, enum rt_xml_fail *why, struct rt_err *err);

/* Frees the tree (idempotent). */
void rt_xml_doc_free(struct rt_xml_doc *d);

/* Short name of a failure ("too-deep"); never NULL. */
const char *rt_xml_fail_name(enum rt_xml_fail f);

/* --- tree helpers ------------------------------------------------------------------ */

/* 1 when n is an element with namespace ns (NULL = no namespace) and local name. */
int rt_xml_is(const xmlNode *n, const char *ns, const char *local);

/* The first element child of parent at or after n (n itself when it is an element);
 * NULL when none. Use rt_xml_next_elem(parent->children) to start. */
xmlNodePtr rt_xml_next_elem(xmlNodePtr n);

/* The namespace URI of an element ("" when unqualified); never NULL. */
const char *rt_xml_ns(const xmlNode *n);

/* Writes "prefix:local" (or "local") of element n into out for error messages;
 * returns out. */
const char *rt_xml_qname(const xmlNode *n, char *out, size_t outsz);

/* When an element-only node has character content other than whitespace, returns the
 * first such text node; NULL when clean. Comments and PIs are skipped. */
xmlNodePtr rt_xml_stray_text(const xmlNode *n);

/* The text content of a simple element into out (NUL-terminated), whitespace trimmed at
 * both ends (XSD whiteSpace collapse of anyURI, dateTime, integers). RT_EPROTO when
 * the element has element children; RT_ERANGE when the text does not fit. */
int rt_xml_text(const xmlNode *n, char *out, size_t outsz, struct rt_err *err);

/* Looks up an attribute in namespace ns (NULL = unqualified); NULL when absent. The
 * value is libxml2's (freed with the tree); use rt_xml_attr_copy for a copy. */
const xmlAttr *rt_xml_attr(const xmlNode *n, const char *ns, const char *local);

/* Copies the value of attribute a (trimmed) into out; RT_ERANGE when it does not fit. */
int rt_xml_attr_copy(const xmlAttr *a, char *out, size_t outsz, struct rt_err *err);

#endif
