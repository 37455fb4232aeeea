/* SPDX-License-Identifier: Apache-2.0 */
/* rt_soap — the SOAP 1.2 envelope and WS-Addressing 1.0 headers of the SGP.02 off-card
 * interfaces (ES1–ES7, SGP.02 Annex B as sgp02-facts §6.1 reconstructs it), both ways,
 * and the SGP.02 mapping of the RPS header onto WS-Addressing URIs. Pure: bytes in,
 * structs and a libxml2 tree out, and back; no I/O, no clock (times are arguments).
 *
 * Owns:
 *  - decoding an envelope strictly: SOAP 1.2 Part 1 §5 (Envelope, Header, Body, header
 *    block attributes mustUnderstand and role, Fault) and the WS-Addressing 1.0 Core §2–3
 *    message addressing properties as the WS-A SOAP Binding §2 carries them (MessageID,
 *    To, From, ReplyTo, FaultTo, Action, RelatesTo); every refusal is a problem code
 *    (enum rt_soap_problem: the judge of later slices matches on it) plus a message
 *    naming the element;
 *  - the Body's one child kept as a libxml2 node for the body codecs of later slices;
 *  - SOAP 1.2 Faults (Code/Value, one or two Subcodes, Reason/Text, Node, Role, Detail)
 *    both ways, and which fault a provider sends for each problem (WS-A SOAP Binding
 *    §6.4);
 *  - encoding an envelope around one body element, or around a Fault;
 *  - the RPS header mapping (sgp02-facts §6.1, ZTE-LOG trace): From/Address =
 *    <endpoint>?EntityId=<OID>&EntityName=<name>, To = <endpoint>?EntityId=<OID>,
 *    MessageID = //<sender OID>/<id>?TransactionId=<id>&MessageDate=<xs:dateTime>. */
#ifndef RT_SOAP_H
#define RT_SOAP_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "soap/rt_xml.h"
#include "util/rt_buf.h"
#include "util/rt_err.h"

#define RT_SOAP12_NS "http://www.w3.org/2003/05/soap-envelope"
#define RT_SOAP11_NS "http://schemas.xmlsoap.org/soap/envelope/"
#define RT_SOAP12_ROLE_NONE RT_SOAP12_NS "/role/none"
#define RT_SOAP12_ROLE_NEXT RT_SOAP12_NS "/role/next"
#define RT_SOAP12_ROLE_ULTIMATE RT_SOAP12_NS "/role/ultimateReceiver"
#define RT_WSA_NS "http://www.w3.org/2005/08/addressing"
#define RT_WSA_ANONYMOUS RT_WSA_NS "/anonymous"
#define RT_WSA_NONE RT_WSA_NS "/none"
#define RT_WSA_REPLY RT_WSA_NS "/reply"
/* SGP.02 v3+ body namespace (sgp02-facts §6.1: ZTE-LOG, WSDL-3). */
#define RT_ESIM_NS "http://namespaces.gsma.org/esim-messaging/3"
/* SOAP 1.2 HTTP binding media type (RFC 3902); action= carries the wsa:Action. */
#define RT_SOAP12_MEDIA_TYPE "application/soap+xml"

#define RT_SOAP_URI_MAX 1024
#define RT_SOAP_RELATES_MAX 4
#define RT_SOAP_REASON_MAX 1024

/* What was wrong with a message. The order is part of the API (tests and the judge
 * name them through rt_soap_problem_name). */
enum rt_soap_problem {
	RT_SOAP_OK = 0,
	/* the XML layer (rt_xml) */
	RT_SOAP_P_XML_EMPTY,
	RT_SOAP_P_XML_TOO_BIG,
	RT_SOAP_P_XML_TOO_DEEP,
	RT_SOAP_P_XML_TOO_MANY,
	RT_SOAP_P_XML_DTD,
	RT_SOAP_P_XML_MALFORMED,
	RT_SOAP_P_PI,               /* a processing instruction (SOAP 1.2 Part 1 §5) */
	/* the envelope (SOAP 1.2 Part 1 §5.1–5.3) */
	RT_SOAP_P_NOT_ENVELOPE,     /* root element is not Envelope */
	RT_SOAP_P_VERSION_MISMATCH, /* Envelope in another namespace (SOAP 1.1...) */
	RT_SOAP_P_ENVELOPE_CONTENT, /* children other than [Header] Body, text, bad attribute */
	RT_SOAP_P_NO_BODY,
	RT_SOAP_P_HEADER_CONTENT,   /* unqualified header block, text in Header */
	RT_SOAP_P_BAD_ATTRIBUTE,    /* mustUnderstand not xs:boolean, encodingStyle misplaced */
	RT_SOAP_P_MUST_UNDERSTAND,  /* a mustUnderstand block we do not understand (§5.2.3) */
	RT_SOAP_P_BODY_EMPTY,       /* no element in Body (SGP.02: one function element) */
	RT_SOAP_P_BODY_CONTENT,     /* more than one element, or text, in Body */
	RT_SOAP_P_BODY_NAMESPACE,   /* the function element is not in the expected namespace */
	RT_SOAP_P_FAULT_CONTENT,    /* a Fault that breaks §5.4 */
	/* WS-Addressing (Core §3.2 cardinalities, WS-A SOAP Binding §6.4) */
	RT_SOAP_P_MISSING_HEADER,   /* a required addressing header is absent */
	RT_SOAP_P_DUPLICATE_HEADER, /* a header that may appear once appears twice */
	RT_SOAP_P_BAD_HEADER_VALUE, /* empty, not text, not a URI, too long */
	RT_SOAP_P_MISSING_ADDRESS,  /* an endpoint reference without wsa:Address */
	RT_SOAP_P_BAD_EPR,          /* an endpoint reference with stray content */
	RT_SOAP_P_COUNT
};

/* Short stable name ("missing-header"); never NULL. */
const char *rt_soap_problem_name(enum rt_soap_problem p);

/* SOAP 1.2 Part 1 §5.4.6 fault code values. */
enum rt_soap_fault_code {
	RT_SOAP_FC_NONE = 0,
	RT_SOAP_FC_VERSION_MISMATCH,
	RT_SOAP_FC_MUST_UNDERSTAND,
	RT_SOAP_FC_DATA_ENCODING_UNKNOWN,
	RT_SOAP_FC_SENDER,
	RT_SOAP_FC_RECEIVER,
};

/* Local name of a fault code ("Sender"); NULL for NONE or out of range. */
const char *rt_soap_fault_code_name(enum rt_soap_fault_code c);

/* Which fault a receiver sends back for a problem (WS-A SOAP Binding §6.4: Sender with
 * subcode wsa:InvalidAddressingHeader and a second subcode such as
 * wsa:InvalidCardinality, or wsa:MessageAddressingHeaderRequired). */
struct rt_soap_problem_fault {
	enum rt_soap_fault_code code;
	const char *subcode;    /* local name in RT_WSA_NS, NULL = none */
	const char *subsubcode; /* local name in RT_WSA_NS, NULL = none */
};

/* The fault for p; never NULL (RT_SOAP_OK maps to FC_NONE). */
const struct rt_soap_problem_fault *rt_soap_problem_fault(enum rt_soap_problem p);

/* A qualified name as a fault carries it. */
struct rt_soap_qname {
	char ns[RT_SOAP_URI_MAX];
	char local[256];
};

/* A SOAP 1.2 Fault (Part 1 §5.4). Subcodes beyond the second are counted, not kept. */
struct rt_soap_fault {
	enum rt_soap_fault_code code;
	unsigned nsub;                    /* Subcode levels seen */
	struct rt_soap_qname sub[2];      /* first two Subcode/Value */
	char reason[RT_SOAP_REASON_MAX];  /* the first Reason/Text */
	char reason_lang[36];             /* its xml:lang */
	char node[RT_SOAP_URI_MAX];       /* "" when absent */
	char role[RT_SOAP_URI_MAX];       /* "" when absent */
	const xmlNode *detail;            /* Detail element or NULL (decode: in the tree) */
};

/* An endpoint reference (WS-A Core §2): only the address is kept. */
struct rt_wsa_epr {
	int present;
	char address[RT_SOAP_URI_MAX];
	int has_ref_params; /* wsa:ReferenceParameters present (echoing them: later slices) */
};

struct rt_wsa_relates {
	char uri[RT_SOAP_URI_MAX];
	char type[RT_SOAP_URI_MAX]; /* RelationshipType, RT_WSA_REPLY when absent */
};

/* The message addressing properties of one message (WS-A Core §3.1). */
struct rt_wsa_headers {
	int has_message_id, has_to, has_action;
	char message_id[RT_SOAP_URI_MAX];
	char to[RT_SOAP_URI_MAX];
	char action[RT_SOAP_URI_MAX];
	struct rt_wsa_epr from, reply_to, fault_to;
	unsigned nrelates;
	struct rt_wsa_relates relates[RT_SOAP_RELATES_MAX];
	int to_mu, action_mu; /* mustUnderstand="true" seen on To / Action */
};

/* Which headers a decoder requires (bit mask). */
enum rt_wsa_need {
	RT_WSA_NEED_MESSAGE_ID = 1 << 0,
	RT_WSA_NEED_TO = 1 << 1,
	RT_WSA_NEED_FROM = 1 << 2,
	RT_WSA_NEED_ACTION = 1 << 3,
	RT_WSA_NEED_REPLY_TO = 1 << 4,
	RT_WSA_NEED_RELATES_TO = 1 << 5,
	/* no header at all (0 means the default): e.g. to read a Fault from a SOAP stack that
	 * sends no WS-Addressing */
	RT_WSA_NEED_NOTHING = 1 << 30,
};

/* WSDL-3 marks From, To, Action and MessageID mandatory on every message
 * (sgp02-facts §6.1); WS-A Core §3.2 makes Action 1..1 anyway. */
#define RT_WSA_NEED_SGP02 \
	(RT_WSA_NEED_MESSAGE_ID | RT_WSA_NEED_TO | RT_WSA_NEED_FROM | RT_WSA_NEED_ACTION)

struct rt_soap_decode_opts {
	struct rt_xml_limits limits; /* zeros = rt_xml_limits_default */
	unsigned need;               /* enum rt_wsa_need bits; 0 = RT_WSA_NEED_SGP02 */
	const char *body_ns;         /* namespace of the function element; NULL = RT_ESIM_NS,
					"" = any */
};

/* A decoded message; owns its tree. */
struct rt_soap_msg {
	struct rt_xml_doc xml;
	struct rt_wsa_headers wsa;
	unsigned other_headers;  /* header blocks that are not WS-A (ignored, not mustUnderstand) */
	xmlNodePtr body;         /* the one element child of Body (function element or Fault) */
	int is_fault;
	struct rt_soap_fault fault; /* when is_fault */
};

/* Decodes len bytes into out (opts may be NULL). On refusal returns RT_EPROTO (RT_ERANGE
 * for the XML caps), sets *why (may be NULL) and err ("wsa:Action: appears twice").
 * rt_soap_msg_free releases out in every case. */
int rt_soap_decode(const void *data, size_t len, const struct rt_soap_decode_opts *opts,
		   struct rt_soap_msg *out, enum rt_soap_problem *why, struct rt_err *err);

void rt_soap_msg_free(struct rt_soap_msg *m);

/* --- encoding ---------------------------------------------------------------------- */

/* What the sender puts into the Header; NULL fields are left out. To and Action carry
 * mustUnderstand="true" as in the ZTE-LOG trace (sgp02-facts §6.1). */
struct rt_wsa_out {
	const char *message_id;
	const char *to;
	const char *action;
	const char *from;        /* From/Address */
	const char *reply_to;    /* ReplyTo/Address */
	const char *fault_to;    /* FaultTo/Address */
	const char *relates_to;  /* RelatesTo (RelationshipType left implicit: reply) */
};

/* Serialises an envelope holding h and a copy of body (one element; may come from any
 * document; NULL = empty Body, only for negative cases) as UTF-8 with an XML declaration,
 * appended to out. RT_ENOMEM when out's cap is reached. */
int rt_soap_encode(const struct rt_wsa_out *h, const xmlNode *body, struct rt_buf *out,
		   struct rt_err *err);

/* Same with the body given as raw XML bytes (parsed with the default limits first, so a
 * body from Lua cannot smuggle a DTD into our output). */
int rt_soap_encode_raw(const struct rt_wsa_out *h, const void *body, size_t body_len,
		       struct rt_buf *out, struct rt_err *err);

/* Builds a Fault element (in its own document, freed by the caller with xmlFreeDoc on
 * (*doc)) from f: Code/Value, Subcodes, Reason/Text xml:lang (default "en"), Node, Role.
 * f->detail, when set, is copied into Detail. */
int rt_soap_fault_build(const struct rt_soap_fault *f, xmlDocPtr *doc, struct rt_err *err);

/* Fills f with the fault a receiver returns for problem p, with reason text msg. */
void rt_soap_fault_for_problem(enum rt_soap_problem p, const char *msg, struct rt_soap_fault *f);

/* --- HTTP Content-Type (SOAP 1.2 Part 2 §7.1.4, RFC 3902) -------------------------- */

/* A parsed Content-Type of a SOAP message. */
struct rt_soap_ctype {
	int is_soap12;                  /* media type application/soap+xml */
	char media[64];                 /* the media type as sent, lower-cased */
	char charset[32];               /* "" when absent */
	int has_action;
	char action[RT_SOAP_URI_MAX];   /* the action parameter (should equal wsa:Action) */
};

/* Writes application/soap+xml; charset=utf-8; action="<action>" (the form of the
 * ZTE-LOG trace, sgp02-facts §6.1) into out; action may be NULL. RT_EINVAL when action
 * holds a quote, backslash or control character, RT_ERANGE when out is too small. */
int rt_soap_content_type(const char *action, char *out, size_t outsz, struct rt_err *err);

/* Parses a Content-Type header value: type/subtype (case-insensitive), then
 * ; name=value parameters with token or quoted-string values (RFC 9110 §8.3.1, 5.6.6).
 * RT_EPROTO on a malformed value or a repeated parameter; a media type other than
 * application/soap+xml parses (is_soap12 = 0; text/xml is SOAP 1.1's). */
int rt_soap_content_type_parse(const char *value, struct rt_soap_ctype *out, struct rt_err *err);

/* --- RPS header mapping (sgp02-facts §6.1) ----------------------------------------- */

#define RT_RPS_OID_MAX 128
#define RT_RPS_NAME_MAX 128
#define RT_RPS_DATE_MAX 40

/* An address: endpoint URI plus the entity of the RPS header. */
struct rt_rps_addr {
	char endpoint[RT_SOAP_URI_MAX];   /* the URI without the query */
	char entity_id[RT_RPS_OID_MAX];   /* EntityId (an OID) */
	char entity_name[RT_RPS_NAME_MAX]; /* EntityName, "" when absent */
};

/* A MessageID: //<sender OID>/<id>?TransactionId=<t>&MessageDate=<date>. */
struct rt_rps_msgid {
	char sender_id[RT_RPS_OID_MAX];
	char id[RT_SOAP_URI_MAX];             /* "urn:uuid:…" */
	char transaction_id[RT_SOAP_URI_MAX]; /* "" when absent */
	char message_date[RT_RPS_DATE_MAX];   /* xs:dateTime, "" when absent */
};

/* Writes endpoint?EntityId=<id>[&EntityName=<name>] into out (query values
 * percent-encoded where RFC 3986 requires). entity_name may be NULL or "". RT_EINVAL on
 * an EntityId that is not an OID, RT_ERANGE when out is too small. */
int rt_rps_addr_build(const struct rt_rps_addr *a, char *out, size_t outsz, struct rt_err *err);

/* Parses an address; RT_EPROTO (problem text in err) on a missing or bad EntityId, a
 * repeated parameter or bad percent-encoding. Unknown parameters are ignored. */
int rt_rps_addr_parse(const char *uri, struct rt_rps_addr *out, struct rt_err *err);

int rt_rps_msgid_build(const struct rt_rps_msgid *m, char *out, size_t outsz, struct rt_err *err);

/* Parses a MessageID of the mapped form; RT_EPROTO when it does not start with
 * //<OID>/, has no id, or has a bad MessageDate. */
int rt_rps_msgid_parse(const char *uri, struct rt_rps_msgid *out, struct rt_err *err);

/* 1 when s is an OID in ObjectIdentifierType form ((digits '.')* digits). */
int rt_rps_is_oid(const char *s);

#endif
