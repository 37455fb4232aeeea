/* SPDX-License-Identifier: Apache-2.0 */
/* rt_es_types — the common types every SGP.02 function message starts with
 * (sgp02-facts §6.2, WSDL-3 euicc.common.request.xsd / euicc.common.types.xsd), encoded
 * into and decoded from a function element of the body (pure; libxml2 trees).
 *
 * Owns:
 *  - BaseRequestType: FunctionCallIdentifier, ValidityPeriod?;
 *  - BaseResponseType: ProcessingStart?, ProcessingEnd?, AcceptableValidityPeriod?,
 *    FunctionExecutionStatus { Status, StatusCodeData? { Subject, Reason,
 *    SubjectIdentifier?, Message? } };
 *  - the Status spellings: the v3 schema's EXECUTED_SUCCESS, EXECUTED_WITHWARNING,
 *    FAILED, EXPIRED are emitted; the prose / namespace-1 spellings Executed-Success,
 *    Executed-WithWarning, Failed, Expired are accepted too, and reported;
 *  - creating a function element in the esim-messaging/3 namespace.
 * Decoders read the base elements in schema order and hand back the first element
 * after them, where a body codec (later slices) continues. */
#ifndef RT_ES_TYPES_H
#define RT_ES_TYPES_H

#include <stdint.h>

#include <libxml/tree.h>

#include "soap/rt_xsd.h"
#include "util/rt_err.h"

enum rt_es_status {
	RT_ES_STATUS_NONE = 0,
	RT_ES_EXECUTED_SUCCESS,
	RT_ES_EXECUTED_WITHWARNING,
	RT_ES_FAILED,
	RT_ES_EXPIRED,
};

enum rt_es_spelling {
	RT_ES_SPELL_V3 = 0, /* EXECUTED_SUCCESS (WSDL-3 StatusType, ZTE-LOG) */
	RT_ES_SPELL_PROSE,  /* Executed-Success (SGP.02 prose, NJIWA on namespace /1) */
};

/* The text of a status in a spelling; NULL for NONE. */
const char *rt_es_status_text(enum rt_es_status s, enum rt_es_spelling sp);

/* Reads either spelling (exact case); RT_EPROTO listing the allowed values otherwise. */
int rt_es_status_parse(const char *s, enum rt_es_status *st, enum rt_es_spelling *sp,
		       struct rt_err *err);

/* What a decoder found wrong in the function element. */
enum rt_es_problem {
	RT_ES_OK = 0,
	RT_ES_P_MISSING,    /* a required element is absent (or out of order) */
	RT_ES_P_UNEXPECTED, /* an element that does not belong there */
	RT_ES_P_BAD_VALUE,  /* text that is not of the element's type */
	RT_ES_P_TEXT,       /* character content in an element-only element */
};

const char *rt_es_problem_name(enum rt_es_problem p);

#define RT_ES_ID_MAX 256
#define RT_ES_CODE_MAX 64
#define RT_ES_MSG_MAX 512

struct rt_es_status_code {
	char subject[RT_ES_CODE_MAX];        /* "8.1.1" */
	char reason[RT_ES_CODE_MAX];         /* "3.9" */
	int has_subject_id;
	char subject_id[RT_ES_ID_MAX];
	int has_message;
	char message[RT_ES_MSG_MAX];
	int subject_is_oid, reason_is_oid;   /* decode: ObjectIdentifierType form, as the
						schema types them (WHTY-SR writes names) */
};

struct rt_es_exec_status {
	enum rt_es_status status;
	enum rt_es_spelling spelling; /* decode: which spelling was seen; encode: ignored (v3) */
	int has_code;
	struct rt_es_status_code code;
};

struct rt_es_base_request {
	char function_call_id[RT_ES_ID_MAX];
	int has_validity;
	uint64_t validity_period; /* seconds, >= 1 (xs:positiveInteger) */
};

struct rt_es_base_response {
	int has_start, has_end, has_acceptable;
	struct rt_xsd_datetime start, end; /* encode writes secs (UTC, no fraction) */
	uint64_t acceptable_validity;      /* seconds, >= 1 */
	struct rt_es_exec_status exec;
};

/* A new document whose root is the function element `name` (e.g.
 * "ES3-CreateISDPRequest") in the esim-messaging/3 namespace with prefix rps. The caller
 * frees *doc with xmlFreeDoc; *fn is its root. */
int rt_es_new_function(const char *name, xmlDocPtr *doc, xmlNodePtr *fn, struct rt_err *err);

/* Appends the base request elements to fn (in fn's namespace). RT_EINVAL on an empty
 * FunctionCallIdentifier or a ValidityPeriod of 0. */
int rt_es_base_request_encode(xmlNodePtr fn, const struct rt_es_base_request *r,
			      struct rt_err *err);

/* Appends the base response elements to fn. RT_EINVAL on a status of NONE, a code
 * without Subject or Reason, or an AcceptableValidityPeriod of 0. */
int rt_es_base_response_encode(xmlNodePtr fn, const struct rt_es_base_response *r,
			       struct rt_err *err);

/* Decodes the base request elements at the start of fn; *rest (may be NULL) gets the
 * first element after them (NULL when none). On failure *why (may be NULL) and err say
 * what and where ("ES3-CreateISDPRequest/ValidityPeriod: '0' ..."). */
int rt_es_base_request_decode(const xmlNode *fn, struct rt_es_base_request *out,
			      xmlNodePtr *rest, enum rt_es_problem *why, struct rt_err *err);

int rt_es_base_response_decode(const xmlNode *fn, struct rt_es_base_response *out,
			       xmlNodePtr *rest, enum rt_es_problem *why, struct rt_err *err);

#endif
