/* SPDX-License-Identifier: Apache-2.0 */
/* rt_es_functions — protocol knowledge of the SGP.02 off-card interfaces as data: one
 * static table of every function of ES1, ES2, ES3, ES4, ES4A and ES7 (sgp02-facts §6.3,
 * §6.6; the v3 WSDL-3 set plus the v4.x additions EKN lists) and one table of the
 * FunctionExecutionStatus subject and reason codes (sgp02-facts §6.2), with lookups.
 *
 * Per function: interface, Action-URI group, name, provider and requester roles, message
 * pattern (synchronous, asynchronous with a callback to ReplyTo, notification), the
 * request / response / notification element names, and every Action URI form the
 * sources use (bare, with Request / Response appended, the CallBack group). Which form
 * a request carries is the named option soap.action_style (docs/spec-notes.md, SOAP);
 * a receiver matches any form. Rows that no WSDL/XSD confirms carry a flag saying so. */
#ifndef RT_ES_FUNCTIONS_H
#define RT_ES_FUNCTIONS_H

#include <stddef.h>

#include "util/rt_err.h"

enum rt_es_iface {
	RT_ES_IF_ES1 = 1,
	RT_ES_IF_ES2,
	RT_ES_IF_ES3,
	RT_ES_IF_ES4,
	RT_ES_IF_ES4A,
	RT_ES_IF_ES7,
};

/* "ES4A"; NULL when out of range. */
const char *rt_es_iface_name(enum rt_es_iface i);

/* Roles (bit mask: ES4 has two possible requesters). */
enum rt_es_role {
	RT_ES_ROLE_EUM = 1 << 0,
	RT_ES_ROLE_OPERATOR = 1 << 1,
	RT_ES_ROLE_M2MSP = 1 << 2,
	RT_ES_ROLE_SMDP = 1 << 3,
	RT_ES_ROLE_SMSR = 1 << 4,
};

/* Message pattern (SGP.02 §5.1 as sgp02-facts §6.1 and §6.6 describe it). */
enum rt_es_pattern {
	RT_ES_SYNC = 1,     /* response on the same HTTP exchange */
	RT_ES_ASYNC,        /* accepted at once; the response is POSTed to ReplyTo later */
	RT_ES_NOTIFICATION, /* one-way; the provider is the handler */
};

/* Confidence flags of a row. */
enum rt_es_fn_flag {
	RT_ES_F_V4 = 1 << 0,             /* added in SGP.02 v4.x (EKN; not in WSDL-3) */
	RT_ES_F_UNCONFIRMED = 1 << 1,    /* element names and group not seen in any WSDL/XSD */
	RT_ES_F_GROUP_GUESS = 1 << 2,    /* Action group by analogy with another interface */
	RT_ES_F_CALLBACK_GUESS = 1 << 3, /* callback Action by the ES3/ES7 CallBack pattern */
};

struct rt_es_function {
	enum rt_es_iface iface;
	const char *group;          /* Action URI group: "ProfileManagement" */
	const char *name;           /* "CreateISDP", "HandleProfileEnabledNotification" */
	unsigned provider;          /* role(s) that receive the request / notification */
	unsigned requester;         /* role(s) that send it */
	enum rt_es_pattern pattern;
	unsigned flags;             /* enum rt_es_fn_flag */
	const char *request;        /* body element of the request or the notification */
	const char *response;       /* body element of the response; NULL for notifications */
	const char *action_bare;    /* http://gsma.com/<ESx>/<Group>/<ESx>-<Name> */
	const char *action_request; /* ...Request (= bare for a notification) */
	const char *action_response; /* ...Response; NULL for notifications */
	const char *action_callback; /* http://gsma.com/<ESx>/<Group>CallBack/<ESx>-<Name>;
					NULL unless asynchronous */
};

extern const struct rt_es_function rt_es_functions[];
extern const size_t rt_es_nfunctions;

/* Which message of a function an element or an Action stands for. */
enum rt_es_msg {
	RT_ES_MSG_REQUEST = 1,
	RT_ES_MSG_RESPONSE,     /* synchronous response */
	RT_ES_MSG_CALLBACK,     /* asynchronous response POSTed to ReplyTo */
	RT_ES_MSG_NOTIFICATION,
};

/* The function whose request, response or notification element is `element` (local
 * name, e.g. "ES3-CreateISDPResponse"); *msg (may be NULL) says which. A response
 * element reports RT_ES_MSG_RESPONSE for both patterns. NULL when unknown. */
const struct rt_es_function *rt_es_function_by_element(const char *element, enum rt_es_msg *msg);

/* The function whose Action URI (any of the forms above) is `action`; *msg says which
 * message it names. NULL when unknown. */
const struct rt_es_function *rt_es_function_by_action(const char *action, enum rt_es_msg *msg);

/* The function `name` of interface iface. NULL when unknown. */
const struct rt_es_function *rt_es_function_find(enum rt_es_iface iface, const char *name);

/* soap.action_style values. */
enum rt_es_action_style {
	RT_ES_ACTION_BY_PATTERN = 0, /* sync: ...Request / ...Response; async: bare request */
	RT_ES_ACTION_SUFFIXED,       /* ...Request on every request (WSDL-3 ES3_SMSR.wsdl) */
	RT_ES_ACTION_BARE,           /* bare on every request */
};

/* Parses an option value ("by_pattern", "suffixed", "bare"); RT_EINVAL when unknown. */
int rt_es_action_style_parse(const char *s);

/* The Action URI a sender puts on message msg of f under style; NULL when f has no such
 * message (a callback of a synchronous function, a response of a notification). */
const char *rt_es_action(const struct rt_es_function *f, enum rt_es_msg msg,
			 enum rt_es_action_style style);

/* Why rt_es_classify refused a message. */
enum rt_es_class_problem {
	RT_ES_C_OK = 0,
	RT_ES_C_UNKNOWN_ACTION,    /* the Action names no function of the table */
	RT_ES_C_UNKNOWN_ELEMENT,   /* the body element names no function of the table */
	RT_ES_C_FUNCTION_MISMATCH, /* Action and body name different functions */
	RT_ES_C_MESSAGE_MISMATCH,  /* same function, but e.g. a request Action on a response */
};

/* Which function and message a received message is, from its wsa:Action and the local
 * name of its body element, which must agree (a request Action on a …Request element,
 * a response or CallBack Action on a …Response element, a notification Action on its
 * element). On success *f and *msg (the Action's reading: RESPONSE vs CALLBACK) are
 * set; otherwise RT_ENOENT (unknown) or RT_EPROTO (mismatch), *why (may be NULL) and err
 * say which. */
int rt_es_classify(const char *action, const char *element, const struct rt_es_function **f,
		   enum rt_es_msg *msg, enum rt_es_class_problem *why, struct rt_err *err);

/* --- FunctionExecutionStatus subject and reason codes ------------------------------- */

enum rt_es_code_kind {
	RT_ES_SUBJECT = 1,
	RT_ES_REASON,
};

struct rt_es_code {
	enum rt_es_code_kind kind;
	const char *code;   /* "8.1.1"; NULL when only a name was seen */
	const char *name;   /* "EID"; NULL when only a number was seen */
	const char *seen;   /* where and how the sources use it */
};

extern const struct rt_es_code rt_es_codes[];
extern const size_t rt_es_ncodes;

/* Lookups: by number (exact) and by name (case-insensitive). NULL when unknown. */
const struct rt_es_code *rt_es_code_by_code(enum rt_es_code_kind kind, const char *code);
const struct rt_es_code *rt_es_code_by_name(enum rt_es_code_kind kind, const char *name);

/* soap.status_code_form values: what goes into Subject / Reason. */
enum rt_es_code_form {
	RT_ES_CODE_NUMERIC = 0, /* "8.1.1" (the schema's ObjectIdentifierType; NJIWA) */
	RT_ES_CODE_NAME,        /* "EID" (WHTY-SR) */
};

/* Parses "numeric" or "name"; RT_EINVAL when unknown. */
int rt_es_code_form_parse(const char *s);

/* The text for c in form; falls back to the other form when c lacks it. */
const char *rt_es_code_text(const struct rt_es_code *c, enum rt_es_code_form form);

#endif
