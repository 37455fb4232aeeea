/* SPDX-License-Identifier: Apache-2.0 */
/* rt_schema — libxml2 XML Schema validation of function elements; see rt_schema.h.
 *
 * The schema document is parsed by rt_xml like any peer input (a schema file is data
 * a user can replace), then handed to xmlSchemaNewDocParserCtxt, so libxml2's own file
 * and network loaders are never used for it. libxml2 2.9 would fetch the target of an
 * xs:import / xs:include / xs:redefine through its default entity loader; refusing
 * those elements before compiling is what keeps loading local and self-contained. The
 * compiled schema keeps pointers into its document, so the two are freed together.
 * libxml2's messages are collected by structured error callbacks on our own contexts,
 * never printed, and no global libxml2 setting is touched. */
#include "soap/rt_schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/schemasInternals.h>
#include <libxml/xmlschemas.h>

#include "soap/rt_xml.h"

#define RT_XS_NS "http://www.w3.org/2001/XMLSchema"

struct rt_schema {
	struct rt_xml_doc xml; /* the schema document; xmlSchema points into it */
	xmlSchemaPtr schema;
};

/* The first error libxml2 reports, and how many there were. */
struct rt_schema_errs {
	unsigned n;
	int line;
	char element[128];
	char msg[384];
};

static void rt_schema_on_error(void *ctx, xmlErrorPtr e)
{
	struct rt_schema_errs *st = ctx;
	size_t k;

	if (!e || e->level == XML_ERR_WARNING)
		return;
	if (st->n++)
		return;
	st->line = e->line;
	if (e->node && ((xmlNodePtr)e->node)->type == XML_ELEMENT_NODE)
		rt_xml_qname((const xmlNode *)e->node, st->element, sizeof(st->element));
	snprintf(st->msg, sizeof(st->msg), "%s", e->message ? e->message : "(no message)");
	k = strlen(st->msg);
	while (k && (st->msg[k - 1] == '\n' || st->msg[k - 1] == ' '))
		st->msg[--k] = '\0';
}

int rt_schema_path(const char *datadir, char *out, size_t outsz, struct rt_err *err)
{
	int n = snprintf(out, outsz, "%s/xsd/%s", datadir && *datadir ? datadir : ".",
			 RT_SCHEMA_FILE);

	if (n < 0 || (size_t)n >= outsz)
		return rt_err_set(err, RT_ERANGE, "schema path under '%s' longer than %zu bytes",
				  datadir, outsz);
	return 0;
}

/* XML Schema 1.0 §4.2: include, redefine and import pull in other documents; §4.2.3
 * lets a processor fetch an import's namespace. None of that is allowed here. */
static int rt_schema_self_contained(const xmlNode *root, struct rt_err *err)
{
	static const char *const refused[] = { "import", "include", "redefine" };
	xmlNodePtr c;
	size_t i;

	if (!rt_xml_is(root, RT_XS_NS, "schema"))
		return rt_err_set(err, RT_EPROTO, "schema: the root element is not xs:schema");
	for (c = rt_xml_next_elem(root->children); c; c = rt_xml_next_elem(c->next))
		for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
			if (rt_xml_is(c, RT_XS_NS, refused[i]))
				return rt_err_set(err, RT_EPROTO,
						  "schema line %ld: xs:%s refused (the schema must be "
						  "self-contained: nothing is loaded from a file or the "
						  "network)",
						  xmlGetLineNo(c), refused[i]);
	return 0;
}

int rt_schema_load_mem(const void *data, size_t len, struct rt_schema **out, struct rt_err *err)
{
	struct rt_xml_limits lim = rt_xml_limits_default;
	struct rt_schema_errs st;
	struct rt_schema *s = NULL;
	xmlSchemaParserCtxtPtr pctxt = NULL;
	int rc;

	*out = NULL;
	memset(&st, 0, sizeof(st));
	lim.max_bytes = RT_SCHEMA_MAX_BYTES;
	s = calloc(1, sizeof(*s));
	if (!s) {
		rc = rt_err_set(err, RT_ENOMEM, "schema: out of memory");
		goto out;
	}
	rc = rt_xml_parse(data, len, &lim, &s->xml, NULL, err);
	if (rc)
		goto out;
	rc = rt_schema_self_contained(xmlDocGetRootElement(s->xml.doc), err);
	if (rc)
		goto out;
	pctxt = xmlSchemaNewDocParserCtxt(s->xml.doc);
	if (!pctxt) {
		rc = rt_err_set(err, RT_ENOMEM, "schema: cannot create a schema parser context");
		goto out;
	}
	xmlSchemaSetParserStructuredErrors(pctxt, rt_schema_on_error, &st);
	s->schema = xmlSchemaParse(pctxt);
	if (!s->schema || st.n) {
		rc = rt_err_set(err, RT_EPROTO, "schema line %d: %s", st.line,
				st.n ? st.msg : "not a valid XML Schema");
		goto out;
	}
	*out = s;
	s = NULL;
out:
	if (pctxt)
		xmlSchemaFreeParserCtxt(pctxt);
	rt_schema_free(s);
	return rc;
}

int rt_schema_load(const char *path, struct rt_schema **out, struct rt_err *err)
{
	unsigned char *buf = NULL;
	size_t n = 0;
	FILE *f = NULL;
	int rc;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		rc = rt_err_set(err, RT_EIO, "schema %s: %s", path, strerror(errno));
		goto out;
	}
	/* One byte more than the cap tells an oversized file from one at the cap. */
	buf = malloc(RT_SCHEMA_MAX_BYTES + 1);
	if (!buf) {
		rc = rt_err_set(err, RT_ENOMEM, "schema %s: out of memory", path);
		goto out;
	}
	n = fread(buf, 1, RT_SCHEMA_MAX_BYTES + 1, f);
	if (ferror(f)) {
		rc = rt_err_set(err, RT_EIO, "schema %s: read error", path);
		goto out;
	}
	if (n > RT_SCHEMA_MAX_BYTES) {
		rc = rt_err_set(err, RT_ERANGE, "schema %s: larger than %zu bytes", path,
				RT_SCHEMA_MAX_BYTES);
		goto out;
	}
	rc = rt_schema_load_mem(buf, n, out, err);
	if (rc && err) {
		char msg[RT_ERR_MSG_MAX];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		rt_err_set(err, rc, "%s: %s", path, msg);
	}
out:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

void rt_schema_free(struct rt_schema *s)
{
	if (!s)
		return;
	if (s->schema)
		xmlSchemaFree(s->schema);
	rt_xml_doc_free(&s->xml);
	free(s);
}

int rt_schema_validate(const struct rt_schema *s, const xmlNode *fn, struct rt_schema_result *res,
		       struct rt_err *err)
{
	struct rt_schema_errs st;
	xmlSchemaValidCtxtPtr v = NULL;
	char qn[128];
	int rc = 0, r;

	memset(&st, 0, sizeof(st));
	if (res)
		memset(res, 0, sizeof(*res));
	if (!s || !fn || fn->type != XML_ELEMENT_NODE || !fn->doc) {
		rc = rt_err_set(err, RT_EINVAL, "schema validation: no element to validate");
		goto out;
	}
	v = xmlSchemaNewValidCtxt(s->schema);
	if (!v) {
		rc = rt_err_set(err, RT_ENOMEM, "schema validation: cannot create a context");
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(v, rt_schema_on_error, &st);
	r = xmlSchemaValidateOneElement(v, (xmlNodePtr)fn);
	if (r == 0 && st.n == 0)
		goto out;
	if (!st.n) {
		/* an internal error without a message (r < 0) */
		st.n = 1;
		st.line = (int)xmlGetLineNo(fn);
		snprintf(st.msg, sizeof(st.msg), "libxml2 validation failed (%d)", r);
	}
	if (!st.element[0])
		snprintf(st.element, sizeof(st.element), "%s", rt_xml_qname(fn, qn, sizeof(qn)));
	if (st.n > 1)
		rc = rt_err_set(err, RT_EPROTO, "line %d: element '%s': %s (%u errors)", st.line,
				st.element, st.msg, st.n);
	else
		rc = rt_err_set(err, RT_EPROTO, "line %d: element '%s': %s", st.line, st.element,
				st.msg);
	if (res) {
		res->errors = st.n;
		res->line = st.line;
		snprintf(res->element, sizeof(res->element), "%s", st.element);
	}
out:
	if (v)
		xmlSchemaFreeValidCtxt(v);
	return rc;
}

struct rt_schema_scan {
	void (*cb)(const char *name, const char *ns, void *ctx);
	void *ctx;
	size_t n;
};

static void rt_schema_scan_one(void *payload, void *data, const xmlChar *name)
{
	struct rt_schema_scan *sc = data;
	const xmlSchemaElement *e = payload;

	(void)name;
	sc->n++;
	if (sc->cb)
		sc->cb((const char *)e->name, e->targetNamespace ? (const char *)e->targetNamespace : "",
		       sc->ctx);
}

size_t rt_schema_elements(const struct rt_schema *s,
			  void (*cb)(const char *name, const char *ns, void *ctx), void *ctx)
{
	struct rt_schema_scan sc = { cb, ctx, 0 };

	if (s && s->schema && s->schema->elemDecl)
		xmlHashScan(s->schema->elemDecl, rt_schema_scan_one, &sc);
	return sc.n;
}
