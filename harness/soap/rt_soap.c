/* SPDX-License-Identifier: Apache-2.0 */
/* rt_soap — SOAP 1.2 envelope, WS-Addressing headers, Faults and the RPS mapping; see
 * rt_soap.h. Decoding walks the tree rt_xml built and stops at the first problem, so
 * every refusal has one cause; the checks follow the order a receiver meets them
 * (envelope, header blocks, required headers, body). */
#include "soap/rt_soap.h"
#include "util/rt_hex.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "soap/rt_xsd.h"

/* --- problems and the faults they map to ------------------------------------------ */

static const char *const rt_soap_problem_names[RT_SOAP_P_COUNT] = {
	[RT_SOAP_OK] = "ok",
	[RT_SOAP_P_XML_EMPTY] = "xml-empty",
	[RT_SOAP_P_XML_TOO_BIG] = "xml-too-big",
	[RT_SOAP_P_XML_TOO_DEEP] = "xml-too-deep",
	[RT_SOAP_P_XML_TOO_MANY] = "xml-too-many-elements",
	[RT_SOAP_P_XML_DTD] = "xml-dtd",
	[RT_SOAP_P_XML_MALFORMED] = "xml-malformed",
	[RT_SOAP_P_PI] = "processing-instruction",
	[RT_SOAP_P_NOT_ENVELOPE] = "not-envelope",
	[RT_SOAP_P_VERSION_MISMATCH] = "version-mismatch",
	[RT_SOAP_P_ENVELOPE_CONTENT] = "envelope-content",
	[RT_SOAP_P_NO_BODY] = "no-body",
	[RT_SOAP_P_HEADER_CONTENT] = "header-content",
	[RT_SOAP_P_BAD_ATTRIBUTE] = "bad-attribute",
	[RT_SOAP_P_MUST_UNDERSTAND] = "must-understand",
	[RT_SOAP_P_BODY_EMPTY] = "body-empty",
	[RT_SOAP_P_BODY_CONTENT] = "body-content",
	[RT_SOAP_P_BODY_NAMESPACE] = "body-namespace",
	[RT_SOAP_P_FAULT_CONTENT] = "fault-content",
	[RT_SOAP_P_MISSING_HEADER] = "missing-header",
	[RT_SOAP_P_DUPLICATE_HEADER] = "duplicate-header",
	[RT_SOAP_P_BAD_HEADER_VALUE] = "bad-header-value",
	[RT_SOAP_P_MISSING_ADDRESS] = "missing-address",
	[RT_SOAP_P_BAD_EPR] = "bad-epr",
};

const char *rt_soap_problem_name(enum rt_soap_problem p)
{
	if ((unsigned)p >= RT_SOAP_P_COUNT || !rt_soap_problem_names[p])
		return "?";
	return rt_soap_problem_names[p];
}

/* SOAP 1.2 Part 1 §5.4.6 (VersionMismatch for a wrong Envelope, MustUnderstand,
 * Sender for a malformed message) and WS-A 1.0 SOAP Binding §6.4.1–6.4.2 (the
 * addressing faults and their subcodes). */
static const struct rt_soap_problem_fault rt_soap_problem_faults[RT_SOAP_P_COUNT] = {
	[RT_SOAP_OK] = { RT_SOAP_FC_NONE, NULL, NULL },
	[RT_SOAP_P_XML_EMPTY] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_XML_TOO_BIG] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_XML_TOO_DEEP] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_XML_TOO_MANY] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_XML_DTD] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_XML_MALFORMED] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_PI] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_NOT_ENVELOPE] = { RT_SOAP_FC_VERSION_MISMATCH, NULL, NULL },
	[RT_SOAP_P_VERSION_MISMATCH] = { RT_SOAP_FC_VERSION_MISMATCH, NULL, NULL },
	[RT_SOAP_P_ENVELOPE_CONTENT] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_NO_BODY] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_HEADER_CONTENT] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_BAD_ATTRIBUTE] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_MUST_UNDERSTAND] = { RT_SOAP_FC_MUST_UNDERSTAND, NULL, NULL },
	[RT_SOAP_P_BODY_EMPTY] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_BODY_CONTENT] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_BODY_NAMESPACE] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_FAULT_CONTENT] = { RT_SOAP_FC_SENDER, NULL, NULL },
	[RT_SOAP_P_MISSING_HEADER] = { RT_SOAP_FC_SENDER, "MessageAddressingHeaderRequired", NULL },
	[RT_SOAP_P_DUPLICATE_HEADER] = { RT_SOAP_FC_SENDER, "InvalidAddressingHeader",
					 "InvalidCardinality" },
	[RT_SOAP_P_BAD_HEADER_VALUE] = { RT_SOAP_FC_SENDER, "InvalidAddressingHeader",
					 "InvalidAddress" },
	[RT_SOAP_P_MISSING_ADDRESS] = { RT_SOAP_FC_SENDER, "InvalidAddressingHeader",
					"MissingAddressInEPR" },
	[RT_SOAP_P_BAD_EPR] = { RT_SOAP_FC_SENDER, "InvalidAddressingHeader", "InvalidEPR" },
};

const struct rt_soap_problem_fault *rt_soap_problem_fault(enum rt_soap_problem p)
{
	if ((unsigned)p >= RT_SOAP_P_COUNT)
		return &rt_soap_problem_faults[RT_SOAP_P_XML_MALFORMED];
	return &rt_soap_problem_faults[p];
}

static const char *const rt_soap_fc_names[] = {
	NULL, "VersionMismatch", "MustUnderstand", "DataEncodingUnknown", "Sender", "Receiver",
};

const char *rt_soap_fault_code_name(enum rt_soap_fault_code c)
{
	if ((unsigned)c >= sizeof(rt_soap_fc_names) / sizeof(rt_soap_fc_names[0]))
		return NULL;
	return rt_soap_fc_names[c];
}

/* --- decoding ---------------------------------------------------------------------- */

struct rt_soap_dec {
	struct rt_soap_msg *m;
	const struct rt_soap_decode_opts *o;
	enum rt_soap_problem why;
	struct rt_err *err;
};

/* Records the problem and the message; returns RT_EPROTO. */
static int rt_soap_fail(struct rt_soap_dec *d, enum rt_soap_problem p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rt_soap_fail(struct rt_soap_dec *d, enum rt_soap_problem p, const char *fmt, ...)
{
	char msg[RT_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->why = p;
	return rt_err_set(d->err, RT_EPROTO, "SOAP %s: %s", rt_soap_problem_name(p), msg);
}

/* 1 when s starts with an RFC 3986 scheme ("http:", "urn:"): what WS-A Core §3.2 calls
 * an absolute IRI for [action], [destination] and [address]. */
static int rt_soap_absolute(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (s++; *s && *s != ':'; s++)
		if (!isalnum((unsigned char)*s) && *s != '+' && *s != '-' && *s != '.')
			return 0;
	return *s == ':';
}

/* Reads the text of a WS-A URI element into out: text only, not empty, no whitespace
 * or control characters inside (RFC 3987 has none), fits. */
static int rt_soap_uri_text(struct rt_soap_dec *d, const xmlNode *n, int absolute, char *out,
			    size_t outsz)
{
	struct rt_err e = { 0 };
	char q[96];
	size_t i;

	rt_xml_qname(n, q, sizeof(q));
	if (rt_xml_text(n, out, outsz, &e))
		return rt_soap_fail(d, RT_SOAP_P_BAD_HEADER_VALUE, "%s", e.msg);
	if (!out[0])
		return rt_soap_fail(d, RT_SOAP_P_BAD_HEADER_VALUE, "<%s> is empty", q);
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] <= 0x20 || out[i] == 0x7f)
			return rt_soap_fail(d, RT_SOAP_P_BAD_HEADER_VALUE,
					    "<%s> '%s' has a space or control character at %zu", q,
					    out, i);
	if (absolute && !rt_soap_absolute(out))
		return rt_soap_fail(d, RT_SOAP_P_BAD_HEADER_VALUE,
				    "<%s> '%s' is not an absolute URI (WS-A Core 3.2)", q, out);
	return 0;
}

/* SOAP 1.2 Part 1 §5.1.1: encodingStyle may not appear on Envelope, Header or Body;
 * §5.1: the Envelope's own attributes must be namespace-qualified. */
static int rt_soap_check_attrs(struct rt_soap_dec *d, const xmlNode *n, int qualified_only)
{
	const xmlAttr *a;
	char q[96];

	rt_xml_qname(n, q, sizeof(q));
	for (a = n->properties; a; a = a->next) {
		const char *ns = a->ns && a->ns->href ? (const char *)a->ns->href : NULL;

		if (ns && strcmp(ns, RT_SOAP12_NS) == 0 &&
		    strcmp((const char *)a->name, "encodingStyle") == 0)
			return rt_soap_fail(d, RT_SOAP_P_BAD_ATTRIBUTE,
					    "env:encodingStyle on <%s> (SOAP 1.2 Part 1 5.1.1)", q);
		if (qualified_only && !ns)
			return rt_soap_fail(d, RT_SOAP_P_ENVELOPE_CONTENT,
					    "unqualified attribute '%s' on <%s> (SOAP 1.2 Part 1 5.1)",
					    (const char *)a->name, q);
	}
	return 0;
}

/* mustUnderstand (SOAP 1.2 Part 1 §5.2.3) of a header block: *mu = 0/1. */
static int rt_soap_mu(struct rt_soap_dec *d, const xmlNode *b, int *mu)
{
	const xmlAttr *a = rt_xml_attr(b, RT_SOAP12_NS, "mustUnderstand");
	struct rt_err e = { 0 };
	char v[16], q[96];

	*mu = 0;
	if (!a)
		return 0;
	if (rt_xml_attr_copy(a, v, sizeof(v), &e) || rt_xsd_boolean(v, mu, &e))
		return rt_soap_fail(d, RT_SOAP_P_BAD_ATTRIBUTE, "env:mustUnderstand on <%s>: %s",
				    rt_xml_qname(b, q, sizeof(q)), e.msg);
	return 0;
}

/* An endpoint reference (WS-A Core §2.2): wsa:Address first and once, then optional
 * ReferenceParameters and Metadata, then extension elements in other namespaces. */
static int rt_soap_epr(struct rt_soap_dec *d, const xmlNode *n, struct rt_wsa_epr *out)
{
	xmlNodePtr c, t;
	char q[96];
	int seen_rp = 0, seen_md = 0;

	rt_xml_qname(n, q, sizeof(q));
	if ((t = rt_xml_stray_text(n)))
		return rt_soap_fail(d, RT_SOAP_P_BAD_EPR, "text in <%s>", q);
	c = rt_xml_next_elem(n->children);
	if (!rt_xml_is(c, RT_WSA_NS, "Address")) {
		for (; c; c = rt_xml_next_elem(c->next))
			if (rt_xml_is(c, RT_WSA_NS, "Address"))
				return rt_soap_fail(d, RT_SOAP_P_BAD_EPR,
						    "<%s>: wsa:Address must come first (WS-A Core 2.2)", q);
		return rt_soap_fail(d, RT_SOAP_P_MISSING_ADDRESS, "<%s> has no wsa:Address", q);
	}
	if (rt_soap_uri_text(d, c, 1, out->address, sizeof(out->address)))
		return RT_EPROTO;
	for (c = rt_xml_next_elem(c->next); c; c = rt_xml_next_elem(c->next)) {
		if (rt_xml_is(c, RT_WSA_NS, "ReferenceParameters") && !seen_rp && !seen_md) {
			seen_rp = 1;
			out->has_ref_params = 1;
		} else if (rt_xml_is(c, RT_WSA_NS, "Metadata") && !seen_md) {
			seen_md = 1;
		} else if (strcmp(rt_xml_ns(c), RT_WSA_NS) == 0) {
			return rt_soap_fail(d, RT_SOAP_P_BAD_EPR, "<%s>: unexpected wsa:%s", q,
					    (const char *)c->name);
		}
	}
	out->present = 1;
	return 0;
}

/* One WS-A header block. */
static int rt_soap_wsa_block(struct rt_soap_dec *d, const xmlNode *b, int mu)
{
	struct rt_wsa_headers *w = &d->m->wsa;
	const char *name = (const char *)b->name;
	struct rt_wsa_epr *epr = NULL;
	struct rt_err e = { 0 };

	if (strcmp(name, "MessageID") == 0 || strcmp(name, "To") == 0 ||
	    strcmp(name, "Action") == 0) {
		int *has = name[0] == 'M' ? &w->has_message_id : name[0] == 'T' ? &w->has_to
										 : &w->has_action;
		char *dst = name[0] == 'M' ? w->message_id : name[0] == 'T' ? w->to : w->action;

		/* WS-A Core §3.2: [message id], [destination], [action] at most once. */
		if (*has)
			return rt_soap_fail(d, RT_SOAP_P_DUPLICATE_HEADER,
					    "wsa:%s appears twice (WS-A Core 3.2)", name);
		/* The SGP.02 MessageID is a network-path reference (//<OID>/urn:uuid:...,
		 * sgp02-facts §6.1), not an absolute IRI, so only To and Action are held to
		 * WS-A's absolute form. */
		if (rt_soap_uri_text(d, b, name[0] != 'M', dst, RT_SOAP_URI_MAX))
			return RT_EPROTO;
		*has = 1;
		if (name[0] == 'T')
			w->to_mu = mu;
		if (name[0] == 'A')
			w->action_mu = mu;
		return 0;
	}
	if (strcmp(name, "From") == 0)
		epr = &w->from;
	else if (strcmp(name, "ReplyTo") == 0)
		epr = &w->reply_to;
	else if (strcmp(name, "FaultTo") == 0)
		epr = &w->fault_to;
	if (epr) {
		if (epr->present)
			return rt_soap_fail(d, RT_SOAP_P_DUPLICATE_HEADER,
					    "wsa:%s appears twice (WS-A Core 3.2)", name);
		return rt_soap_epr(d, b, epr);
	}
	if (strcmp(name, "RelatesTo") == 0) {
		struct rt_wsa_relates r;
		const xmlAttr *a = rt_xml_attr(b, NULL, "RelationshipType");
		unsigned i;

		memset(&r, 0, sizeof(r));
		if (rt_soap_uri_text(d, b, 0, r.uri, sizeof(r.uri)))
			return RT_EPROTO;
		if (a) {
			if (rt_xml_attr_copy(a, r.type, sizeof(r.type), &e) || !r.type[0])
				return rt_soap_fail(d, RT_SOAP_P_BAD_HEADER_VALUE,
						    "wsa:RelatesTo RelationshipType: %s",
						    e.msg[0] ? e.msg : "empty");
		} else {
			snprintf(r.type, sizeof(r.type), "%s", RT_WSA_REPLY);
		}
		for (i = 0; i < w->nrelates; i++)
			if (strcmp(w->relates[i].type, r.type) == 0)
				return rt_soap_fail(d, RT_SOAP_P_DUPLICATE_HEADER,
						    "two wsa:RelatesTo of type %s", r.type);
		if (w->nrelates >= RT_SOAP_RELATES_MAX)
			return rt_soap_fail(d, RT_SOAP_P_DUPLICATE_HEADER,
					    "more than %d wsa:RelatesTo", RT_SOAP_RELATES_MAX);
		w->relates[w->nrelates++] = r;
		return 0;
	}
	/* Another element in the WS-A namespace (ReferenceParameters echoed as a header,
	 * a future property): not ours unless it must be understood. */
	if (mu)
		return rt_soap_fail(d, RT_SOAP_P_MUST_UNDERSTAND,
				    "header block wsa:%s has mustUnderstand and is not understood "
				    "(SOAP 1.2 Part 1 5.2.3)", name);
	d->m->other_headers++;
	return 0;
}

/* SOAP 1.2 Part 1 §5.2: header blocks. */
static int rt_soap_header(struct rt_soap_dec *d, const xmlNode *h)
{
	xmlNodePtr b;
	char q[96];

	if (rt_soap_check_attrs(d, h, 0))
		return RT_EPROTO;
	if (rt_xml_stray_text(h))
		return rt_soap_fail(d, RT_SOAP_P_HEADER_CONTENT, "text in env:Header");
	for (b = rt_xml_next_elem(h->children); b; b = rt_xml_next_elem(b->next)) {
		const xmlAttr *role = rt_xml_attr(b, RT_SOAP12_NS, "role");
		int mu;

		rt_xml_qname(b, q, sizeof(q));
		/* §5.2.1: each header block MUST be namespace-qualified. */
		if (!b->ns)
			return rt_soap_fail(d, RT_SOAP_P_HEADER_CONTENT,
					    "header block <%s> is not namespace-qualified "
					    "(SOAP 1.2 Part 1 5.2.1)", q);
		if (rt_soap_mu(d, b, &mu))
			return RT_EPROTO;
		/* §5.2.2: a block for the role "none" is not processed by anyone. */
		if (role) {
			char rv[RT_SOAP_URI_MAX];
			struct rt_err e = { 0 };

			if (rt_xml_attr_copy(role, rv, sizeof(rv), &e))
				return rt_soap_fail(d, RT_SOAP_P_BAD_ATTRIBUTE, "env:role on <%s>: %s",
						    q, e.msg);
			if (strcmp(rv, RT_SOAP12_ROLE_NONE) == 0) {
				d->m->other_headers++;
				continue;
			}
		}
		if (strcmp(rt_xml_ns(b), RT_WSA_NS) == 0) {
			if (rt_soap_wsa_block(d, b, mu))
				return RT_EPROTO;
			continue;
		}
		if (mu)
			return rt_soap_fail(d, RT_SOAP_P_MUST_UNDERSTAND,
					    "header block <%s> {%s} has mustUnderstand and is not "
					    "understood (SOAP 1.2 Part 1 5.2.3)", q, rt_xml_ns(b));
		d->m->other_headers++;
	}
	return 0;
}

/* Resolves a QName held as element text (Fault Code/Subcode Value) against the
 * namespaces in scope of n. */
static int rt_soap_qname_value(struct rt_soap_dec *d, xmlNodePtr n, struct rt_soap_qname *out)
{
	char v[256], *colon;
	struct rt_err e = { 0 };
	xmlNsPtr ns;

	if (rt_xml_text(n, v, sizeof(v), &e))
		return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "%s", e.msg);
	colon = strchr(v, ':');
	if (colon)
		*colon = '\0';
	ns = xmlSearchNs(n->doc, n, colon ? (const xmlChar *)v : NULL);
	if (colon && !ns)
		return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT,
				    "fault code '%s:%s' uses an undeclared prefix", v, colon + 1);
	snprintf(out->ns, sizeof(out->ns), "%s", ns && ns->href ? (const char *)ns->href : "");
	snprintf(out->local, sizeof(out->local), "%s", colon ? colon + 1 : v);
	if (!out->local[0])
		return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "empty fault code value");
	return 0;
}

/* env:Code or env:Subcode: Value, then an optional Subcode (Part 1 §5.4.1). */
static int rt_soap_code(struct rt_soap_dec *d, xmlNodePtr n, struct rt_soap_fault *f)
{
	unsigned level = 0;

	while (n) {
		xmlNodePtr v = rt_xml_next_elem(n->children), s;
		struct rt_soap_qname qn;

		if (!rt_xml_is(v, RT_SOAP12_NS, "Value"))
			return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "env:%s without env:Value first",
					    (const char *)n->name);
		if (rt_soap_qname_value(d, v, &qn))
			return RT_EPROTO;
		s = rt_xml_next_elem(v->next);
		if (s && (!rt_xml_is(s, RT_SOAP12_NS, "Subcode") || rt_xml_next_elem(s->next)))
			return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT,
					    "env:%s: only env:Value and one env:Subcode allowed",
					    (const char *)n->name);
		if (level == 0) {
			size_t i;

			/* §5.4.6: the Code Value is one of five names in the envelope namespace. */
			f->code = RT_SOAP_FC_NONE;
			for (i = 1; i < sizeof(rt_soap_fc_names) / sizeof(rt_soap_fc_names[0]); i++)
				if (strcmp(qn.ns, RT_SOAP12_NS) == 0 &&
				    strcmp(qn.local, rt_soap_fc_names[i]) == 0)
					f->code = (enum rt_soap_fault_code)i;
			if (f->code == RT_SOAP_FC_NONE)
				return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT,
						    "fault code {%s}%s is not a SOAP 1.2 code "
						    "(Part 1 5.4.6)", qn.ns, qn.local);
		} else {
			if (level <= 2)
				f->sub[level - 1] = qn;
			f->nsub = level;
		}
		level++;
		n = s;
	}
	return 0;
}

/* env:Fault (SOAP 1.2 Part 1 §5.4): Code, Reason, [Node], [Role], [Detail] in order. */
static int rt_soap_fault_dec(struct rt_soap_dec *d, xmlNodePtr fault)
{
	struct rt_soap_fault *f = &d->m->fault;
	struct rt_err e = { 0 };
	xmlNodePtr c, t;
	int n_text = 0;

	if (rt_xml_stray_text(fault))
		return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "text in env:Fault");
	c = rt_xml_next_elem(fault->children);
	if (!rt_xml_is(c, RT_SOAP12_NS, "Code"))
		return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "env:Fault without env:Code first");
	if (rt_soap_code(d, c, f))
		return RT_EPROTO;
	c = rt_xml_next_elem(c->next);
	if (!rt_xml_is(c, RT_SOAP12_NS, "Reason"))
		return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "env:Fault without env:Reason after env:Code");
	/* §5.4.2: one or more Text, each with xml:lang. */
	for (t = rt_xml_next_elem(c->children); t; t = rt_xml_next_elem(t->next)) {
		xmlChar *lang;

		if (!rt_xml_is(t, RT_SOAP12_NS, "Text"))
			return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "env:Reason holds <%s>, not env:Text",
					    (const char *)t->name);
		lang = xmlGetNsProp(t, (const xmlChar *)"lang", XML_XML_NAMESPACE);
		if (!lang)
			return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT,
					    "env:Reason/env:Text without xml:lang (Part 1 5.4.2.1)");
		if (n_text++ == 0) {
			snprintf(f->reason_lang, sizeof(f->reason_lang), "%s", (const char *)lang);
			if (rt_xml_text(t, f->reason, sizeof(f->reason), &e)) {
				xmlFree(lang);
				return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "%s", e.msg);
			}
		}
		xmlFree(lang);
	}
	if (!n_text)
		return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "env:Reason without env:Text");
	c = rt_xml_next_elem(c->next);
	if (rt_xml_is(c, RT_SOAP12_NS, "Node")) {
		if (rt_xml_text(c, f->node, sizeof(f->node), &e))
			return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "%s", e.msg);
		c = rt_xml_next_elem(c->next);
	}
	if (rt_xml_is(c, RT_SOAP12_NS, "Role")) {
		if (rt_xml_text(c, f->role, sizeof(f->role), &e))
			return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "%s", e.msg);
		c = rt_xml_next_elem(c->next);
	}
	if (rt_xml_is(c, RT_SOAP12_NS, "Detail")) {
		f->detail = c;
		c = rt_xml_next_elem(c->next);
	}
	if (c)
		return rt_soap_fail(d, RT_SOAP_P_FAULT_CONTENT, "unexpected <%s> in env:Fault",
				    (const char *)c->name);
	d->m->is_fault = 1;
	return 0;
}

/* SOAP 1.2 Part 1 §5.3 Body; SGP.02 carries exactly one function element. */
static int rt_soap_body(struct rt_soap_dec *d, xmlNodePtr body)
{
	const char *want = d->o && d->o->body_ns ? d->o->body_ns : RT_ESIM_NS;
	xmlNodePtr e, e2;
	char q[96], q2[96];

	if (rt_soap_check_attrs(d, body, 0))
		return RT_EPROTO;
	if (rt_xml_stray_text(body))
		return rt_soap_fail(d, RT_SOAP_P_BODY_CONTENT, "text in env:Body");
	e = rt_xml_next_elem(body->children);
	if (!e)
		return rt_soap_fail(d, RT_SOAP_P_BODY_EMPTY, "env:Body holds no element");
	e2 = rt_xml_next_elem(e->next);
	if (rt_xml_is(e, RT_SOAP12_NS, "Fault")) {
		/* §5.4: a Fault is the only child of Body. */
		if (e2)
			return rt_soap_fail(d, RT_SOAP_P_BODY_CONTENT,
					    "env:Fault is followed by <%s> (SOAP 1.2 Part 1 5.4)",
					    rt_xml_qname(e2, q, sizeof(q)));
		d->m->body = e;
		return rt_soap_fault_dec(d, e);
	}
	if (e2)
		return rt_soap_fail(d, RT_SOAP_P_BODY_CONTENT,
				    "env:Body holds <%s> and <%s>; SGP.02 sends one function element",
				    rt_xml_qname(e, q, sizeof(q)), rt_xml_qname(e2, q2, sizeof(q2)));
	if (want[0] && strcmp(rt_xml_ns(e), want) != 0)
		return rt_soap_fail(d, RT_SOAP_P_BODY_NAMESPACE,
				    "<%s> is in namespace '%s', expected '%s'",
				    rt_xml_qname(e, q, sizeof(q)), rt_xml_ns(e), want);
	d->m->body = e;
	return 0;
}

static const struct {
	unsigned bit;
	const char *name;
} rt_soap_needs[] = {
	{ RT_WSA_NEED_MESSAGE_ID, "wsa:MessageID" }, { RT_WSA_NEED_TO, "wsa:To" },
	{ RT_WSA_NEED_FROM, "wsa:From" },            { RT_WSA_NEED_ACTION, "wsa:Action" },
	{ RT_WSA_NEED_REPLY_TO, "wsa:ReplyTo" },     { RT_WSA_NEED_RELATES_TO, "wsa:RelatesTo" },
};

static int rt_soap_check_needs(struct rt_soap_dec *d)
{
	const struct rt_wsa_headers *w = &d->m->wsa;
	unsigned need = d->o && d->o->need ? d->o->need : RT_WSA_NEED_SGP02;
	size_t i;

	for (i = 0; i < sizeof(rt_soap_needs) / sizeof(rt_soap_needs[0]); i++) {
		unsigned b = rt_soap_needs[i].bit;
		int have = b == RT_WSA_NEED_MESSAGE_ID ? w->has_message_id
			   : b == RT_WSA_NEED_TO       ? w->has_to
			   : b == RT_WSA_NEED_FROM     ? w->from.present
			   : b == RT_WSA_NEED_ACTION   ? w->has_action
			   : b == RT_WSA_NEED_REPLY_TO ? w->reply_to.present
						       : w->nrelates > 0;

		if ((need & b) && !have)
			return rt_soap_fail(d, RT_SOAP_P_MISSING_HEADER, "%s missing",
					    rt_soap_needs[i].name);
	}
	return 0;
}

static enum rt_soap_problem rt_soap_from_xml(enum rt_xml_fail f)
{
	switch (f) {
	case RT_XML_OK:
		return RT_SOAP_OK;
	case RT_XML_EMPTY:
		return RT_SOAP_P_XML_EMPTY;
	case RT_XML_TOO_BIG:
		return RT_SOAP_P_XML_TOO_BIG;
	case RT_XML_TOO_DEEP:
		return RT_SOAP_P_XML_TOO_DEEP;
	case RT_XML_TOO_MANY:
		return RT_SOAP_P_XML_TOO_MANY;
	case RT_XML_DTD:
		return RT_SOAP_P_XML_DTD;
	case RT_XML_MALFORMED:
		break;
	}
	return RT_SOAP_P_XML_MALFORMED;
}

int rt_soap_decode(const void *data, size_t len, const struct rt_soap_decode_opts *opts,
		   struct rt_soap_msg *out, enum rt_soap_problem *why, struct rt_err *err)
{
	struct rt_soap_dec d = { out, opts, RT_SOAP_OK, err };
	const struct rt_xml_limits *lim = opts && opts->limits.max_bytes ? &opts->limits : NULL;
	enum rt_xml_fail xf = RT_XML_OK;
	xmlNodePtr root, c, hdr = NULL, body;
	char q[96];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = rt_xml_parse(data, len, lim, &out->xml, &xf, err);
	if (rc) {
		d.why = rt_soap_from_xml(xf);
		rt_err_wrap(err, "SOAP %s", rt_soap_problem_name(d.why));
		goto out;
	}
	/* SOAP 1.2 Part 1 §5: "SOAP messages ... MUST NOT contain processing instruction
	 * information items"; a receiver SHOULD fault. */
	if (out->xml.pis) {
		rc = rt_soap_fail(&d, RT_SOAP_P_PI, "%u processing instruction(s) (SOAP 1.2 Part 1 5)",
				  out->xml.pis);
		goto out;
	}
	root = xmlDocGetRootElement(out->xml.doc);
	/* §5.4.7: a wrong Envelope (name or namespace) is a VersionMismatch. */
	if (!root || strcmp((const char *)root->name, "Envelope") != 0) {
		rc = rt_soap_fail(&d, RT_SOAP_P_NOT_ENVELOPE, "root element <%s> is not env:Envelope",
				  rt_xml_qname(root, q, sizeof(q)));
		goto out;
	}
	if (strcmp(rt_xml_ns(root), RT_SOAP12_NS) != 0) {
		rc = rt_soap_fail(&d, RT_SOAP_P_VERSION_MISMATCH,
				  "Envelope in namespace '%s'%s, expected SOAP 1.2 '%s'", rt_xml_ns(root),
				  strcmp(rt_xml_ns(root), RT_SOAP11_NS) == 0 ? " (SOAP 1.1)" : "",
				  RT_SOAP12_NS);
		goto out;
	}
	if ((rc = rt_soap_check_attrs(&d, root, 1)))
		goto out;
	if (rt_xml_stray_text(root)) {
		rc = rt_soap_fail(&d, RT_SOAP_P_ENVELOPE_CONTENT, "text in env:Envelope");
		goto out;
	}
	/* §5.1: an optional Header, then Body, then nothing. */
	c = rt_xml_next_elem(root->children);
	if (rt_xml_is(c, RT_SOAP12_NS, "Header")) {
		hdr = c;
		c = rt_xml_next_elem(c->next);
	}
	if (!c) {
		rc = rt_soap_fail(&d, RT_SOAP_P_NO_BODY, "env:Envelope has no env:Body");
		goto out;
	}
	if (!rt_xml_is(c, RT_SOAP12_NS, "Body")) {
		rc = rt_soap_fail(&d, RT_SOAP_P_ENVELOPE_CONTENT, "<%s> where env:%s was expected",
				  rt_xml_qname(c, q, sizeof(q)), hdr ? "Body" : "Header or env:Body");
		goto out;
	}
	body = c;
	if ((c = rt_xml_next_elem(body->next))) {
		rc = rt_soap_fail(&d, RT_SOAP_P_ENVELOPE_CONTENT, "<%s> after env:Body",
				  rt_xml_qname(c, q, sizeof(q)));
		goto out;
	}
	if (hdr && (rc = rt_soap_header(&d, hdr)))
		goto out;
	if ((rc = rt_soap_check_needs(&d)))
		goto out;
	rc = rt_soap_body(&d, body);
out:
	if (why)
		*why = rc ? d.why : RT_SOAP_OK;
	return rc;
}

void rt_soap_msg_free(struct rt_soap_msg *m)
{
	if (!m)
		return;
	rt_xml_doc_free(&m->xml);
	m->body = NULL;
	m->fault.detail = NULL;
}

/* --- encoding ---------------------------------------------------------------------- */

static int rt_soap_dump(xmlDocPtr doc, struct rt_buf *out, struct rt_err *err)
{
	xmlChar *mem = NULL;
	int size = 0, rc = 0;

	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (!mem || size <= 0)
		return rt_err_set(err, RT_ENOMEM, "SOAP: cannot serialise the envelope");
	if (rt_buf_append(out, mem, (size_t)size))
		rc = rt_err_set(err, RT_ENOMEM, "SOAP: envelope of %d bytes does not fit (max %zu)",
				size, out->max);
	xmlFree(mem);
	return rc;
}

static xmlNodePtr rt_soap_text_child(xmlNodePtr parent, xmlNsPtr ns, const char *name,
				     const char *value)
{
	return xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)value);
}

/* 1 when v holds a character XML 1.0 text cannot carry (XML 1.0 §2.2 Char). */
static int rt_soap_bad_value(const char *v)
{
	for (; v && *v; v++)
		if ((unsigned char)*v < 0x20 && *v != '\t' && *v != '\n' && *v != '\r')
			return 1;
	return 0;
}

/* Builds the envelope document; body may be NULL. */
static int rt_soap_build(const struct rt_wsa_out *h, const xmlNode *body, xmlDocPtr *pdoc,
			 struct rt_err *err)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr env, hdr = NULL, b;
	xmlNsPtr nenv, nwsa = NULL;
	int any = h && (h->message_id || h->to || h->action || h->from || h->reply_to ||
			h->fault_to || h->relates_to);

	if (!doc)
		return rt_err_set(err, RT_ENOMEM, "SOAP: out of memory");
	if (any && (rt_soap_bad_value(h->message_id) || rt_soap_bad_value(h->to) ||
		    rt_soap_bad_value(h->action) || rt_soap_bad_value(h->from) ||
		    rt_soap_bad_value(h->reply_to) || rt_soap_bad_value(h->fault_to) ||
		    rt_soap_bad_value(h->relates_to))) {
		xmlFreeDoc(doc);
		return rt_err_set(err, RT_EINVAL, "SOAP: a header value holds a control character "
				  "(not XML 1.0 text; send such a message as raw bytes)");
	}
	env = xmlNewNode(NULL, (const xmlChar *)"Envelope");
	nenv = xmlNewNs(env, (const xmlChar *)RT_SOAP12_NS, (const xmlChar *)"env");
	xmlSetNs(env, nenv);
	xmlDocSetRootElement(doc, env);
	if (any) {
		nwsa = xmlNewNs(env, (const xmlChar *)RT_WSA_NS, (const xmlChar *)"wsa");
		hdr = xmlNewChild(env, nenv, (const xmlChar *)"Header", NULL);
		/* Order of the ZTE-LOG trace: MessageID, From, To, Action (sgp02-facts §6.1). */
		if (h->message_id)
			rt_soap_text_child(hdr, nwsa, "MessageID", h->message_id);
		if (h->from)
			rt_soap_text_child(xmlNewChild(hdr, nwsa, (const xmlChar *)"From", NULL), nwsa,
					   "Address", h->from);
		if (h->to)
			xmlNewNsProp(rt_soap_text_child(hdr, nwsa, "To", h->to), nenv,
				     (const xmlChar *)"mustUnderstand", (const xmlChar *)"true");
		if (h->action)
			xmlNewNsProp(rt_soap_text_child(hdr, nwsa, "Action", h->action), nenv,
				     (const xmlChar *)"mustUnderstand", (const xmlChar *)"true");
		if (h->reply_to)
			rt_soap_text_child(xmlNewChild(hdr, nwsa, (const xmlChar *)"ReplyTo", NULL),
					   nwsa, "Address", h->reply_to);
		if (h->fault_to)
			rt_soap_text_child(xmlNewChild(hdr, nwsa, (const xmlChar *)"FaultTo", NULL),
					   nwsa, "Address", h->fault_to);
		if (h->relates_to)
			rt_soap_text_child(hdr, nwsa, "RelatesTo", h->relates_to);
	}
	b = xmlNewChild(env, nenv, (const xmlChar *)"Body", NULL);
	if (!env || !nenv || !b || (any && (!nwsa || !hdr))) {
		xmlFreeDoc(doc);
		return rt_err_set(err, RT_ENOMEM, "SOAP: out of memory building the envelope");
	}
	if (body) {
		xmlNodePtr copy = xmlDocCopyNode((xmlNodePtr)body, doc, 1);

		if (!copy) {
			xmlFreeDoc(doc);
			return rt_err_set(err, RT_ENOMEM, "SOAP: cannot copy the body element");
		}
		xmlAddChild(b, copy);
	}
	*pdoc = doc;
	return 0;
}

int rt_soap_encode(const struct rt_wsa_out *h, const xmlNode *body, struct rt_buf *out,
		   struct rt_err *err)
{
	xmlDocPtr doc = NULL;
	int rc;

	if (body && body->type != XML_ELEMENT_NODE)
		return rt_err_set(err, RT_EINVAL, "SOAP: the body must be one element");
	rc = rt_soap_build(h, body, &doc, err);
	if (!rc)
		rc = rt_soap_dump(doc, out, err);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

int rt_soap_encode_raw(const struct rt_wsa_out *h, const void *body, size_t body_len,
		       struct rt_buf *out, struct rt_err *err)
{
	struct rt_xml_doc x;
	int rc;

	rc = rt_xml_parse(body, body_len, NULL, &x, NULL, err);
	if (rc)
		return rt_err_wrap(err, "SOAP body");
	rc = rt_soap_encode(h, xmlDocGetRootElement(x.doc), out, err);
	rt_xml_doc_free(&x);
	return rc;
}

/* Declares ns on the Fault under a fresh prefix (or finds it) and returns
 * "prefix:local" in buf. */
static const char *rt_soap_qn(xmlNodePtr fault, const struct rt_soap_qname *q, int idx, char *buf,
			      size_t bufsz)
{
	xmlNsPtr ns;
	char prefix[16];

	if (!q->ns[0]) {
		snprintf(buf, bufsz, "%s", q->local);
		return buf;
	}
	ns = xmlSearchNsByHref(fault->doc, fault, (const xmlChar *)q->ns);
	if (!ns) {
		if (strcmp(q->ns, RT_WSA_NS) == 0)
			snprintf(prefix, sizeof(prefix), "wsa");
		else
			snprintf(prefix, sizeof(prefix), "sc%d", idx);
		ns = xmlNewNs(fault, (const xmlChar *)q->ns, (const xmlChar *)prefix);
	}
	snprintf(buf, bufsz, "%s:%s", ns && ns->prefix ? (const char *)ns->prefix : "", q->local);
	return buf;
}

int rt_soap_fault_build(const struct rt_soap_fault *f, xmlDocPtr *pdoc, struct rt_err *err)
{
	const char *code = rt_soap_fault_code_name(f->code);
	xmlDocPtr doc;
	xmlNodePtr fault, c, t;
	xmlNsPtr nenv;
	char buf[RT_SOAP_URI_MAX + 160];
	unsigned i, n;

	*pdoc = NULL;
	if (!code)
		return rt_err_set(err, RT_EINVAL, "SOAP fault: no fault code");
	doc = xmlNewDoc((const xmlChar *)"1.0");
	if (!doc)
		return rt_err_set(err, RT_ENOMEM, "SOAP: out of memory");
	fault = xmlNewNode(NULL, (const xmlChar *)"Fault");
	nenv = xmlNewNs(fault, (const xmlChar *)RT_SOAP12_NS, (const xmlChar *)"env");
	xmlSetNs(fault, nenv);
	xmlDocSetRootElement(doc, fault);
	c = xmlNewChild(fault, nenv, (const xmlChar *)"Code", NULL);
	snprintf(buf, sizeof(buf), "env:%s", code);
	rt_soap_text_child(c, nenv, "Value", buf);
	n = f->nsub > 2 ? 2 : f->nsub;
	for (i = 0; i < n; i++) {
		c = xmlNewChild(c, nenv, (const xmlChar *)"Subcode", NULL);
		rt_soap_text_child(c, nenv, "Value", rt_soap_qn(fault, &f->sub[i], (int)i + 1, buf,
								sizeof(buf)));
	}
	c = xmlNewChild(fault, nenv, (const xmlChar *)"Reason", NULL);
	t = rt_soap_text_child(c, nenv, "Text", f->reason);
	xmlNodeSetLang(t, (const xmlChar *)(f->reason_lang[0] ? f->reason_lang : "en"));
	if (f->node[0])
		rt_soap_text_child(fault, nenv, "Node", f->node);
	if (f->role[0])
		rt_soap_text_child(fault, nenv, "Role", f->role);
	if (f->detail)
		xmlAddChild(fault, xmlDocCopyNode((xmlNodePtr)f->detail, doc, 1));
	*pdoc = doc;
	return 0;
}

void rt_soap_fault_for_problem(enum rt_soap_problem p, const char *msg, struct rt_soap_fault *f)
{
	const struct rt_soap_problem_fault *pf = rt_soap_problem_fault(p);

	memset(f, 0, sizeof(*f));
	f->code = pf->code == RT_SOAP_FC_NONE ? RT_SOAP_FC_RECEIVER : pf->code;
	if (pf->subcode) {
		snprintf(f->sub[0].ns, sizeof(f->sub[0].ns), "%s", RT_WSA_NS);
		snprintf(f->sub[0].local, sizeof(f->sub[0].local), "%s", pf->subcode);
		f->nsub = 1;
	}
	if (pf->subsubcode) {
		snprintf(f->sub[1].ns, sizeof(f->sub[1].ns), "%s", RT_WSA_NS);
		snprintf(f->sub[1].local, sizeof(f->sub[1].local), "%s", pf->subsubcode);
		f->nsub = 2;
	}
	snprintf(f->reason, sizeof(f->reason), "%s", msg ? msg : rt_soap_problem_name(p));
	snprintf(f->reason_lang, sizeof(f->reason_lang), "en");
}

/* --- HTTP Content-Type ------------------------------------------------------------ */

int rt_soap_content_type(const char *action, char *out, size_t outsz, struct rt_err *err)
{
	const char *p;
	int n;

	for (p = action; p && *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return rt_err_set(err, RT_EINVAL, "Content-Type: action '%s' cannot be quoted",
					  action);
	if (action)
		n = snprintf(out, outsz, RT_SOAP12_MEDIA_TYPE "; charset=utf-8; action=\"%s\"", action);
	else
		n = snprintf(out, outsz, RT_SOAP12_MEDIA_TYPE "; charset=utf-8");
	if (n < 0 || (size_t)n >= outsz)
		return rt_err_set(err, RT_ERANGE, "Content-Type does not fit in %zu bytes", outsz);
	return 0;
}

/* RFC 9110 §5.6.2 tchar. */
static int rt_soap_tchar(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void rt_soap_skip_ows(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

int rt_soap_content_type_parse(const char *value, struct rt_soap_ctype *out, struct rt_err *err)
{
	const char *p = value;
	size_t n = 0;
	int seen_charset = 0;

	memset(out, 0, sizeof(out[0]));
	rt_soap_skip_ows(&p);
	while (rt_soap_tchar(*p) || *p == '/') {
		if (n + 1 >= sizeof(out->media))
			return rt_err_set(err, RT_EPROTO, "Content-Type: media type too long");
		out->media[n++] = (char)tolower((unsigned char)*p++);
	}
	out->media[n] = '\0';
	if (!strchr(out->media, '/') || out->media[0] == '/' || out->media[n ? n - 1 : 0] == '/')
		return rt_err_set(err, RT_EPROTO, "Content-Type '%s': no type/subtype", value);
	out->is_soap12 = strcmp(out->media, RT_SOAP12_MEDIA_TYPE) == 0;
	for (;;) {
		char name[32], val[RT_SOAP_URI_MAX];
		size_t k = 0, v = 0;

		rt_soap_skip_ows(&p);
		if (!*p)
			break;
		if (*p++ != ';')
			return rt_err_set(err, RT_EPROTO, "Content-Type '%s': expected ';' at %zu", value,
					  (size_t)(p - 1 - value));
		rt_soap_skip_ows(&p);
		if (!*p)
			break; /* a trailing ';' is tolerated */
		while (rt_soap_tchar(*p) && k + 1 < sizeof(name))
			name[k++] = (char)tolower((unsigned char)*p++);
		name[k] = '\0';
		if (!k || *p++ != '=')
			return rt_err_set(err, RT_EPROTO, "Content-Type '%s': bad parameter at %zu", value,
					  (size_t)(p - 1 - value));
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (v + 1 >= sizeof(val))
					return rt_err_set(err, RT_EPROTO, "Content-Type: %s too long", name);
				val[v++] = *p;
			}
			if (*p++ != '"')
				return rt_err_set(err, RT_EPROTO, "Content-Type: unterminated quote in %s",
						  name);
		} else {
			while (rt_soap_tchar(*p) || *p == '/' || *p == ':' || *p == '?' || *p == '=') {
				if (v + 1 >= sizeof(val))
					return rt_err_set(err, RT_EPROTO, "Content-Type: %s too long", name);
				val[v++] = *p++;
			}
		}
		val[v] = '\0';
		if (strcmp(name, "charset") == 0) {
			if (seen_charset++)
				return rt_err_set(err, RT_EPROTO, "Content-Type: charset twice");
			if (v >= sizeof(out->charset))
				return rt_err_set(err, RT_EPROTO, "Content-Type: charset too long");
			for (k = 0; k <= v; k++)
				out->charset[k] = (char)tolower((unsigned char)val[k]);
		} else if (strcmp(name, "action") == 0) {
			if (out->has_action++)
				return rt_err_set(err, RT_EPROTO, "Content-Type: action twice");
			memcpy(out->action, val, v + 1);
		}
	}
	return 0;
}

/* --- RPS header mapping ------------------------------------------------------------ */

int rt_rps_is_oid(const char *s)
{
	int digits = 0;

	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			digits = 1;
		} else if (*s == '.' && digits) {
			digits = 0;
		} else {
			return 0;
		}
	}
	return digits;
}

/* RFC 3986 §3.4 query characters that need no escaping inside a parameter value
 * (pchar / "/" / "?" minus the separators "&", "=", "+", "#"). */
static int rt_rps_plain(unsigned char c)
{
	return isalnum(c) || strchr("-._~:@/!$'()*,;", c) != NULL;
}

/* Appends s to out at *n, percent-encoding where needed. */
static int rt_rps_put(char *out, size_t outsz, size_t *n, const char *s, int escape)
{
	static const char hexd[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t need = escape && !rt_rps_plain(c) ? 3 : 1;

		if (*n + need >= outsz)
			return RT_ERANGE;
		if (need == 3) {
			out[(*n)++] = '%';
			out[(*n)++] = hexd[c >> 4];
			out[(*n)++] = hexd[c & 15];
		} else {
			out[(*n)++] = (char)c;
		}
	}
	out[*n] = '\0';
	return 0;
}

int rt_rps_addr_build(const struct rt_rps_addr *a, char *out, size_t outsz, struct rt_err *err)
{
	size_t n = 0;
	int rc;

	if (!rt_rps_is_oid(a->entity_id))
		return rt_err_set(err, RT_EINVAL, "RPS address: EntityId '%s' is not an OID", a->entity_id);
	if (!outsz)
		return rt_err_set(err, RT_ERANGE, "RPS address: no room");
	out[0] = '\0';
	rc = rt_rps_put(out, outsz, &n, a->endpoint, 0);
	rc = rc ? rc : rt_rps_put(out, outsz, &n, strchr(a->endpoint, '?') ? "&EntityId=" : "?EntityId=", 0);
	rc = rc ? rc : rt_rps_put(out, outsz, &n, a->entity_id, 1);
	if (!rc && a->entity_name[0]) {
		rc = rt_rps_put(out, outsz, &n, "&EntityName=", 0);
		rc = rc ? rc : rt_rps_put(out, outsz, &n, a->entity_name, 1);
	}
	if (rc)
		return rt_err_set(err, RT_ERANGE, "RPS address does not fit in %zu bytes", outsz);
	return 0;
}

int rt_rps_msgid_build(const struct rt_rps_msgid *m, char *out, size_t outsz, struct rt_err *err)
{
	struct rt_xsd_datetime dt;
	size_t n = 0;
	int rc;

	if (!rt_rps_is_oid(m->sender_id))
		return rt_err_set(err, RT_EINVAL, "RPS MessageID: sender '%s' is not an OID", m->sender_id);
	if (!m->id[0] || strchr(m->id, '?'))
		return rt_err_set(err, RT_EINVAL, "RPS MessageID: bad id '%s'", m->id);
	if (m->message_date[0] && rt_xsd_datetime_parse(m->message_date, &dt, err))
		return rt_err_wrap(err, "RPS MessageID MessageDate");
	if (!outsz)
		return rt_err_set(err, RT_ERANGE, "RPS MessageID: no room");
	out[0] = '\0';
	rc = rt_rps_put(out, outsz, &n, "//", 0);
	rc = rc ? rc : rt_rps_put(out, outsz, &n, m->sender_id, 0);
	rc = rc ? rc : rt_rps_put(out, outsz, &n, "/", 0);
	rc = rc ? rc : rt_rps_put(out, outsz, &n, m->id, 0);
	if (!rc && (m->transaction_id[0] || m->message_date[0]))
		rc = rt_rps_put(out, outsz, &n, "?", 0);
	if (!rc && m->transaction_id[0]) {
		rc = rt_rps_put(out, outsz, &n, "TransactionId=", 0);
		rc = rc ? rc : rt_rps_put(out, outsz, &n, m->transaction_id, 1);
	}
	if (!rc && m->message_date[0]) {
		rc = rt_rps_put(out, outsz, &n, m->transaction_id[0] ? "&MessageDate=" : "MessageDate=", 0);
		rc = rc ? rc : rt_rps_put(out, outsz, &n, m->message_date, 1);
	}
	if (rc)
		return rt_err_set(err, RT_ERANGE, "RPS MessageID does not fit in %zu bytes", outsz);
	return 0;
}

/* One query parameter the caller wants. */
struct rt_rps_param {
	const char *name;
	char *dst;
	size_t dstsz;
	int seen;
};

/* Splits query q ("a=b&c=d") and fills the wanted parameters (percent-decoded). */
static int rt_rps_query(const char *q, struct rt_rps_param *ps, size_t np, const char *what,
			struct rt_err *err)
{
	while (*q) {
		const char *amp = strchr(q, '&'), *eq;
		size_t len = amp ? (size_t)(amp - q) : strlen(q), nlen, i;

		eq = memchr(q, '=', len);
		nlen = eq ? (size_t)(eq - q) : len;
		for (i = 0; i < np; i++) {
			const char *v;
			size_t k = 0;

			if (strlen(ps[i].name) != nlen || strncmp(ps[i].name, q, nlen) != 0)
				continue;
			if (ps[i].seen)
				return rt_err_set(err, RT_EPROTO, "%s: parameter %s twice", what, ps[i].name);
			ps[i].seen = 1;
			if (!eq)
				return rt_err_set(err, RT_EPROTO, "%s: parameter %s without a value", what,
						  ps[i].name);
			for (v = eq + 1; v < q + len; v++) {
				char c = *v;

				if (c == '%') {
					int hi = v + 2 < q + len ? rt_hex_nibble(v[1]) : -1;
					int lo = hi >= 0 ? rt_hex_nibble(v[2]) : -1;

					if (hi < 0 || lo < 0)
						return rt_err_set(err, RT_EPROTO, "%s: bad %%-escape in %s",
								  what, ps[i].name);
					c = (char)(hi * 16 + lo);
					v += 2;
				}
				if (c == '\0' || k + 1 >= ps[i].dstsz)
					return rt_err_set(err, RT_EPROTO, "%s: %s too long or holds NUL",
							  what, ps[i].name);
				ps[i].dst[k++] = c;
			}
			ps[i].dst[k] = '\0';
		}
		if (!amp)
			break;
		q = amp + 1;
	}
	return 0;
}

int rt_rps_addr_parse(const char *uri, struct rt_rps_addr *out, struct rt_err *err)
{
	struct rt_rps_param ps[2];
	const char *qm = strchr(uri, '?');
	size_t blen = qm ? (size_t)(qm - uri) : strlen(uri);

	memset(out, 0, sizeof(*out));
	if (blen >= sizeof(out->endpoint))
		return rt_err_set(err, RT_EPROTO, "RPS address: endpoint too long");
	memcpy(out->endpoint, uri, blen);
	out->endpoint[blen] = '\0';
	if (!qm)
		return rt_err_set(err, RT_EPROTO, "RPS address '%s' has no query with EntityId "
				  "(sgp02-facts 6.1)", uri);
	ps[0] = (struct rt_rps_param){ "EntityId", out->entity_id, sizeof(out->entity_id), 0 };
	ps[1] = (struct rt_rps_param){ "EntityName", out->entity_name, sizeof(out->entity_name), 0 };
	if (rt_rps_query(qm + 1, ps, 2, "RPS address", err))
		return RT_EPROTO;
	if (!ps[0].seen)
		return rt_err_set(err, RT_EPROTO, "RPS address '%s' has no EntityId", uri);
	if (!rt_rps_is_oid(out->entity_id))
		return rt_err_set(err, RT_EPROTO, "RPS address: EntityId '%s' is not an OID",
				  out->entity_id);
	return 0;
}

int rt_rps_msgid_parse(const char *uri, struct rt_rps_msgid *out, struct rt_err *err)
{
	struct rt_rps_param ps[2];
	struct rt_xsd_datetime dt;
	const char *p, *slash, *qm;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (strncmp(uri, "//", 2) != 0)
		return rt_err_set(err, RT_EPROTO, "RPS MessageID '%s' does not start with //<OID>/", uri);
	p = uri + 2;
	slash = strchr(p, '/');
	if (!slash || (size_t)(slash - p) >= sizeof(out->sender_id))
		return rt_err_set(err, RT_EPROTO, "RPS MessageID '%s': no /<id> after the sender", uri);
	memcpy(out->sender_id, p, (size_t)(slash - p));
	out->sender_id[slash - p] = '\0';
	if (!rt_rps_is_oid(out->sender_id))
		return rt_err_set(err, RT_EPROTO, "RPS MessageID: sender '%s' is not an OID",
				  out->sender_id);
	p = slash + 1;
	qm = strchr(p, '?');
	n = qm ? (size_t)(qm - p) : strlen(p);
	if (!n || n >= sizeof(out->id))
		return rt_err_set(err, RT_EPROTO, "RPS MessageID '%s': empty or long id", uri);
	memcpy(out->id, p, n);
	out->id[n] = '\0';
	if (!qm)
		return 0;
	ps[0] = (struct rt_rps_param){ "TransactionId", out->transaction_id,
				       sizeof(out->transaction_id), 0 };
	ps[1] = (struct rt_rps_param){ "MessageDate", out->message_date, sizeof(out->message_date), 0 };
	if (rt_rps_query(qm + 1, ps, 2, "RPS MessageID", err))
		return RT_EPROTO;
	if (out->message_date[0] && rt_xsd_datetime_parse(out->message_date, &dt, err))
		return rt_err_wrap(err, "RPS MessageID MessageDate");
	return 0;
}
