/* SPDX-License-Identifier: Apache-2.0 */
/* rt_xml — safe parsing and tree helpers; see rt_xml.h.
 *
 * libxml2 2.9 (Debian 12) has no XML_PARSE_NO_XXE and no per-context entity loader, so
 * the safety comes from the SAX layer of our own parser context: the tree builder's
 * callbacks are wrapped (element start/end count depth and elements, processing
 * instructions are counted), the DTD callbacks stop the parser, entity lookup only
 * knows the five predefined entities and entity resolution never loads anything. The
 * parser context is ours, so no global libxml2 setting is touched. */
#include "soap/rt_xml.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

const struct rt_xml_limits rt_xml_limits_default = {
	RT_XML_MAX_BYTES_DEFAULT, RT_XML_MAX_DEPTH_DEFAULT, RT_XML_MAX_ELEMENTS_DEFAULT,
};

static const char *const rt_xml_fail_names[] = {
	"ok", "empty", "too-big", "too-deep", "too-many-elements", "dtd", "malformed",
};

const char *rt_xml_fail_name(enum rt_xml_fail f)
{
	if ((size_t)f >= sizeof(rt_xml_fail_names) / sizeof(rt_xml_fail_names[0]))
		return "?";
	return rt_xml_fail_names[f];
}

/* What the wrapped callbacks share through ctxt->_private. */
struct rt_xml_state {
	const struct rt_xml_limits *lim;
	unsigned depth, maxdepth, pis;
	size_t elements;
	enum rt_xml_fail fail;
	char what[200];
};

static struct rt_xml_state *rt_xml_st(void *ctx)
{
	return (struct rt_xml_state *)((xmlParserCtxtPtr)ctx)->_private;
}

static void rt_xml_stop(void *ctx, enum rt_xml_fail f)
{
	struct rt_xml_state *st = rt_xml_st(ctx);

	st->fail = f;
	xmlStopParser((xmlParserCtxtPtr)ctx);
}

static void rt_xml_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
			 const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
			 int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct rt_xml_state *st = rt_xml_st(ctx);

	if (st->fail)
		return;
	st->elements++;
	st->depth++;
	if (st->depth > st->maxdepth)
		st->maxdepth = st->depth;
	if (st->depth > st->lim->max_depth) {
		snprintf(st->what, sizeof(st->what),
			 "element nesting deeper than %u levels at <%s%s%s> (line %d)",
			 st->lim->max_depth, prefix ? (const char *)prefix : "", prefix ? ":" : "",
			 (const char *)localname, xmlSAX2GetLineNumber(ctx));
		rt_xml_stop(ctx, RT_XML_TOO_DEEP);
		return;
	}
	if (st->elements > st->lim->max_elements) {
		snprintf(st->what, sizeof(st->what), "more than %zu elements (line %d)",
			 st->lim->max_elements, xmlSAX2GetLineNumber(ctx));
		rt_xml_stop(ctx, RT_XML_TOO_MANY);
		return;
	}
	xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces,
			      nb_attributes, nb_defaulted, attributes);
}

static void rt_xml_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		       const xmlChar *uri)
{
	struct rt_xml_state *st = rt_xml_st(ctx);

	if (st->fail)
		return;
	st->depth--;
	xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

static void rt_xml_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	struct rt_xml_state *st = rt_xml_st(ctx);

	if (st->fail)
		return;
	st->pis++;
	xmlSAX2ProcessingInstruction(ctx, target, data);
}

/* SOAP 1.2 Part 1 §5: no document type declaration. Refusing the DOCTYPE itself (the
 * callback fires before the internal subset is read) means no entity is ever declared:
 * no XXE, no billion laughs, no external DTD fetch. */
static void rt_xml_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
			   const xmlChar *system_id)
{
	struct rt_xml_state *st = rt_xml_st(ctx);

	snprintf(st->what, sizeof(st->what),
		 "document type declaration <!DOCTYPE %s%s%s> refused (no DTD, no entities: "
		 "SOAP 1.2 Part 1 section 5)",
		 name ? (const char *)name : "", system_id ? " SYSTEM " : "",
		 system_id ? (const char *)system_id : "");
	(void)external_id;
	rt_xml_stop(ctx, RT_XML_DTD);
}

static void rt_xml_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
			       const xmlChar *system_id, xmlChar *content)
{
	struct rt_xml_state *st = rt_xml_st(ctx);

	snprintf(st->what, sizeof(st->what), "entity declaration '%s' refused",
		 name ? (const char *)name : "");
	rt_xml_stop(ctx, RT_XML_DTD);
}

/* Only &lt; &gt; &amp; &apos; &quot; exist. */
static xmlEntityPtr rt_xml_get_entity(void *ctx, const xmlChar *name)
{
	return xmlGetPredefinedEntity(name);
}

/* Nothing is ever loaded from a URI a peer wrote. */
static xmlParserInputPtr rt_xml_resolve(void *ctx, const xmlChar *public_id,
					const xmlChar *system_id)
{
	return NULL;
}

/* libxml2's messages are taken from the context after the parse, never printed. */
static void rt_xml_silent(void *user, xmlErrorPtr e)
{
}

int rt_xml_parse(const void *data, size_t len, const struct rt_xml_limits *lim,
		 struct rt_xml_doc *out, enum rt_xml_fail *why, struct rt_err *err)
{
	struct rt_xml_state st;
	xmlParserCtxtPtr ctxt = NULL;
	enum rt_xml_fail f = RT_XML_OK;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.lim = lim ? lim : &rt_xml_limits_default;
	if (!data || len == 0) {
		f = RT_XML_EMPTY;
		rc = rt_err_set(err, RT_EPROTO, "XML: empty document");
		goto out;
	}
	/* The byte cap comes first: nothing of an oversized body is even looked at. */
	if (len > st.lim->max_bytes || len > (size_t)INT_MAX) {
		f = RT_XML_TOO_BIG;
		rc = rt_err_set(err, RT_ERANGE, "XML: document of %zu bytes, more than the %zu allowed",
				len, st.lim->max_bytes);
		goto out;
	}
	xmlInitParser();
	ctxt = xmlCreateMemoryParserCtxt((const char *)data, (int)len);
	if (!ctxt) {
		rc = rt_err_set(err, RT_ENOMEM, "XML: cannot create a parser context");
		goto out;
	}
	/* NONET: no network even if something asked; no NOENT (entities are not substituted),
	 * no DTDLOAD/DTDATTR/DTDVALID, no HUGE (libxml2's own text and depth limits stay). */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
				       XML_PARSE_NOWARNING);
	ctxt->sax->startElementNs = rt_xml_start;
	ctxt->sax->endElementNs = rt_xml_end;
	ctxt->sax->processingInstruction = rt_xml_pi;
	ctxt->sax->internalSubset = rt_xml_doctype;
	ctxt->sax->externalSubset = rt_xml_doctype;
	ctxt->sax->entityDecl = rt_xml_entity_decl;
	ctxt->sax->getEntity = rt_xml_get_entity;
	ctxt->sax->getParameterEntity = rt_xml_get_entity;
	ctxt->sax->resolveEntity = rt_xml_resolve;
	ctxt->sax->serror = rt_xml_silent;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	ctxt->_private = &st;
	(void)xmlParseDocument(ctxt);
	if (st.fail) {
		f = st.fail;
		rc = rt_err_set(err, f == RT_XML_DTD ? RT_EPROTO : RT_ERANGE, "XML: %s", st.what);
		goto out;
	}
	if (!ctxt->wellFormed || !ctxt->myDoc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[256] = "not well-formed";
		size_t n;

		if (e && e->message) {
			snprintf(msg, sizeof(msg), "%s", e->message);
			n = strlen(msg);
			while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
				msg[--n] = '\0';
		}
		f = RT_XML_MALFORMED;
		rc = rt_err_set(err, RT_EPROTO, "XML: %s (line %d, column %d)", msg, e ? e->line : 0,
				e ? e->int2 : 0);
		goto out;
	}
	out->doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	out->elements = st.elements;
	out->depth = st.maxdepth;
	out->pis = st.pis;
out:
	if (ctxt) {
		if (ctxt->myDoc)
			xmlFreeDoc(ctxt->myDoc);
		ctxt->myDoc = NULL;
		xmlFreeParserCtxt(ctxt);
	}
	if (why)
		*why = f;
	return rc;
}

void rt_xml_doc_free(struct rt_xml_doc *d)
{
	if (!d)
		return;
	if (d->doc)
		xmlFreeDoc(d->doc);
	d->doc = NULL;
}

/* --- tree helpers ------------------------------------------------------------------ */

const char *rt_xml_ns(const xmlNode *n)
{
	return n && n->ns && n->ns->href ? (const char *)n->ns->href : "";
}

int rt_xml_is(const xmlNode *n, const char *ns, const char *local)
{
	if (!n || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, local) != 0)
		return 0;
	return strcmp(rt_xml_ns(n), ns ? ns : "") == 0;
}

xmlNodePtr rt_xml_next_elem(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

const char *rt_xml_qname(const xmlNode *n, char *out, size_t outsz)
{
	if (!n)
		snprintf(out, outsz, "(none)");
	else if (n->ns && n->ns->prefix)
		snprintf(out, outsz, "%s:%s", (const char *)n->ns->prefix, (const char *)n->name);
	else
		snprintf(out, outsz, "%s", n->name ? (const char *)n->name : "?");
	return out;
}

static int rt_xml_is_blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

xmlNodePtr rt_xml_stray_text(const xmlNode *n)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    !rt_xml_is_blank(c->content))
			return c;
	return NULL;
}

/* Copies s[0..n) trimmed of XML whitespace into out. */
static int rt_xml_copy_trim(const char *s, size_t n, char *out, size_t outsz, const char *what,
			    struct rt_err *err)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n >= outsz)
		return rt_err_set(err, RT_ERANGE, "%s: value of %zu characters, at most %zu", what, n,
				  outsz ? outsz - 1 : 0);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int rt_xml_text(const xmlNode *n, char *out, size_t outsz, struct rt_err *err)
{
	char q[96];
	xmlChar *txt;
	xmlNodePtr c;
	int rc;

	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return rt_err_set(err, RT_EPROTO, "<%s> holds an element <%s>, expected text only",
					  rt_xml_qname(n, q, sizeof(q)), (const char *)c->name);
	txt = xmlNodeGetContent(n);
	if (!txt)
		return rt_err_set(err, RT_ENOMEM, "out of memory reading <%s>",
				  rt_xml_qname(n, q, sizeof(q)));
	rc = rt_xml_copy_trim((const char *)txt, strlen((const char *)txt), out, outsz,
			      rt_xml_qname(n, q, sizeof(q)), err);
	xmlFree(txt);
	return rc;
}

const xmlAttr *rt_xml_attr(const xmlNode *n, const char *ns, const char *local)
{
	const xmlAttr *a;

	for (a = n->properties; a; a = a->next) {
		const char *ans = a->ns && a->ns->href ? (const char *)a->ns->href : NULL;

		if (strcmp((const char *)a->name, local) != 0)
			continue;
		if ((!ns && !ans) || (ns && ans && strcmp(ns, ans) == 0))
			return a;
	}
	return NULL;
}

int rt_xml_attr_copy(const xmlAttr *a, char *out, size_t outsz, struct rt_err *err)
{
	xmlChar *v = xmlNodeListGetString(a->doc, a->children, 1);
	int rc;

	rc = rt_xml_copy_trim(v ? (const char *)v : "", v ? strlen((const char *)v) : 0, out, outsz,
			      (const char *)a->name, err);
	if (v)
		xmlFree(v);
	return rc;
}
