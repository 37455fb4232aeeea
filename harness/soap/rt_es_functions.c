/* SPDX-License-Identifier: Apache-2.0 */
/* rt_es_functions — the function and status-code tables; see rt_es_functions.h.
 *
 * Sources of the function rows (sgp02-facts §6.1, §6.3, §6.6; docs/spec-notes.md, SOAP):
 *  - v3 rows: WSDL-3 (shenqinglan/whatever_ty @e02ef9e1,
 *    euicc-efs-container/src/main/resources/WebServicesAPI/ ES*.wsdl and xsd/euicc.request.ES*.xsd):
 *    element names, groups, which requests carry ReplyTo (asynchronous: ES2_SMDP.wsdl,
 *    ES3_SMSR.wsdl, ES4_SMSR.wsdl, ES7_SMSR_Provider.wsdl) and the callback Actions
 *    (ES3_SMDP.wsdl, ES7_SMSR_Requester.wsdl), agreeing with the ZTE-LOG callback trace;
 *  - v4 rows (RT_ES_F_V4): the function list of EKN article 10 (SGP.02 v4.2 chapter 5);
 *    element names follow the v3 pattern and are UNCONFIRMED; SetFallBackAttribute on ES4
 *    is also in KPN's public ES4 page (SGP.02 v4.0 §5.5.21).
 * The macros spell every name and URI out at compile time, so the table is what a
 * reader sees in a trace. */
#include "soap/rt_es_functions.h"

#include <string.h>
#include <strings.h>

#include "util/rt_err.h"

#define RT_GSMA "http://gsma.com/"

#define RT_FN_URIS(IF, GRP, NAME)                                                        \
	#IF "-" NAME "Request", #IF "-" NAME "Response", RT_GSMA #IF "/" GRP "/" #IF "-" NAME, \
		RT_GSMA #IF "/" GRP "/" #IF "-" NAME "Request",                            \
		RT_GSMA #IF "/" GRP "/" #IF "-" NAME "Response"

#define RT_SYNC(IF, GRP, NAME, PROV, REQ, FL) \
	{ RT_ES_IF_##IF, GRP, NAME, PROV, REQ, RT_ES_SYNC, FL, RT_FN_URIS(IF, GRP, NAME), NULL }

#define RT_ASYNC(IF, GRP, NAME, PROV, REQ, FL)                                    \
	{ RT_ES_IF_##IF, GRP, NAME, PROV, REQ, RT_ES_ASYNC, FL, RT_FN_URIS(IF, GRP, NAME), \
	  RT_GSMA #IF "/" GRP "CallBack/" #IF "-" NAME }

/* A notification is one element named after the handler function; WSDL-3 gives its
 * Action without a Request suffix (ES3_SMDP.wsdl, ES7_SMSR.wsdl). */
#define RT_NOTE(IF, GRP, NAME, PROV, REQ, FL)                                             \
	{ RT_ES_IF_##IF, GRP, NAME, PROV, REQ, RT_ES_NOTIFICATION, FL, #IF "-" NAME, NULL,    \
	  RT_GSMA #IF "/" GRP "/" #IF "-" NAME, RT_GSMA #IF "/" GRP "/" #IF "-" NAME, NULL, NULL }

#define EUM RT_ES_ROLE_EUM
#define OP RT_ES_ROLE_OPERATOR
#define M2M RT_ES_ROLE_M2MSP
#define DP RT_ES_ROLE_SMDP
#define SR RT_ES_ROLE_SMSR
#define V4 (RT_ES_F_V4 | RT_ES_F_UNCONFIRMED)
#define GG RT_ES_F_GROUP_GUESS
#define CBG RT_ES_F_CALLBACK_GUESS

#define RT_NOTES_V3(IF, GRP, PROV, REQ, FL)                                   \
	RT_NOTE(IF, GRP, "HandleProfileEnabledNotification", PROV, REQ, FL),  \
	RT_NOTE(IF, GRP, "HandleProfileDisabledNotification", PROV, REQ, FL), \
	RT_NOTE(IF, GRP, "HandleProfileDeletedNotification", PROV, REQ, FL),  \
	RT_NOTE(IF, GRP, "HandleSMSRChangeNotification", PROV, REQ, FL)

/* The seven v4 notification handlers EKN lists for ES2, ES3 and ES4. */
#define RT_NOTES_V4(IF, PROV, REQ)                                                                \
	RT_NOTE(IF, "PlatformManagement", "HandleProfileDownloadedNotification", PROV, REQ, V4 | GG),  \
	RT_NOTE(IF, "PlatformManagement", "HandleProfilePOL2UpdatedNotification", PROV, REQ, V4 | GG), \
	RT_NOTE(IF, "PlatformManagement", "HandlePLMASettingNotification", PROV, REQ, V4 | GG),        \
	RT_NOTE(IF, "PlatformManagement", "HandleEmergencyProfileAttributeSetNotification", PROV, REQ, \
		V4 | GG),                                                                              \
	RT_NOTE(IF, "PlatformManagement", "HandleEmergencyProfileAttributeUnsetNotification", PROV,    \
		REQ, V4 | GG),                                                                         \
	RT_NOTE(IF, "PlatformManagement", "HandleFallBackAttributeSetNotification", PROV, REQ,         \
		V4 | GG),                                                                              \
	RT_NOTE(IF, "PlatformManagement", "HandleFallBackAttributeUnsetNotification", PROV, REQ,       \
		V4 | GG)

const struct rt_es_function rt_es_functions[] = {
	/* ES1: EUM -> SM-SR (ES1_SMSR.wsdl) */
	RT_SYNC(ES1, "eUICCManagement", "RegisterEIS", SR, EUM, 0),
	RT_SYNC(ES1, "eUICCManagement", "UpdateEISAdditionalProperties", SR, EUM, V4),

	/* ES2: Operator -> SM-DP (ES2_SMDP.wsdl: ReplyTo on DownloadProfile and the three
	 * platform functions; no ES2 callback WSDL, so their callback Actions follow ES3) */
	RT_SYNC(ES2, "DataPreparation", "GetEIS", DP, OP, 0),
	RT_ASYNC(ES2, "ProfileManagement", "DownloadProfile", DP, OP, CBG),
	RT_SYNC(ES2, "ProfileManagement", "UpdatePolicyRules", DP, OP, 0),
	RT_SYNC(ES2, "ProfileManagement", "UpdateSubscriptionAddress", DP, OP, 0),
	RT_ASYNC(ES2, "PlatformManagement", "EnableProfile", DP, OP, CBG),
	RT_ASYNC(ES2, "PlatformManagement", "DisableProfile", DP, OP, CBG),
	RT_ASYNC(ES2, "PlatformManagement", "DeleteProfile", DP, OP, CBG),
	/* ES2 notifications: elements in euicc.request.ES2.xsd, no WSDL operation; group
	 * as ES3's */
	RT_NOTES_V3(ES2, "PlatformManagement", OP, DP, GG),
	/* ES2 v4.x (EKN 10); ES2-AuditEIS is also in WSDL-3's ES2-MessageType enumeration */
	RT_ASYNC(ES2, "ProfileManagement", "AuditEIS", DP, OP, V4 | GG | CBG),
	RT_SYNC(ES2, "ProfileManagement", "UpdateEUICCInfo", DP, OP, V4 | GG),
	RT_SYNC(ES2, "PlatformManagement", "SetAuthorisationsOfM2MSP", DP, OP, V4 | GG),
	RT_SYNC(ES2, "PlatformManagement", "GetAuthorisationsOfM2MSP", DP, OP, V4 | GG),
	RT_SYNC(ES2, "PlatformManagement", "SetONC", DP, OP, V4 | GG),
	RT_SYNC(ES2, "PlatformManagement", "GetONC", DP, OP, V4 | GG),
	RT_ASYNC(ES2, "PlatformManagement", "SetEmergencyProfileAttribute", DP, OP, V4 | GG | CBG),
	RT_ASYNC(ES2, "PlatformManagement", "SetFallBackAttribute", DP, OP, V4 | GG | CBG),
	RT_NOTES_V4(ES2, OP, DP),

	/* ES3: SM-DP -> SM-SR (ES3_SMSR.wsdl; callbacks ES3_SMDP.wsdl, ZTE-LOG) */
	RT_SYNC(ES3, "ProfileManagement", "GetEIS", SR, DP, 0),
	RT_ASYNC(ES3, "ProfileManagement", "AuditEIS", SR, DP, 0),
	RT_ASYNC(ES3, "ProfileManagement", "CreateISDP", SR, DP, 0),
	RT_ASYNC(ES3, "ProfileManagement", "SendData", SR, DP, 0),
	RT_SYNC(ES3, "ProfileManagement", "ProfileDownloadCompleted", SR, DP, 0),
	RT_SYNC(ES3, "ProfileManagement", "UpdatePolicyRules", SR, DP, 0),
	RT_SYNC(ES3, "ProfileManagement", "UpdateSubscriptionAddress", SR, DP, 0),
	RT_ASYNC(ES3, "PlatformManagement", "EnableProfile", SR, DP, 0),
	RT_ASYNC(ES3, "PlatformManagement", "DisableProfile", SR, DP, 0),
	RT_ASYNC(ES3, "PlatformManagement", "DeleteISDP", SR, DP, 0),
	RT_ASYNC(ES3, "PlatformManagement", "UpdateConnectivityParameters", SR, DP, 0),
	RT_NOTES_V3(ES3, "PlatformManagement", DP, SR, 0),
	RT_ASYNC(ES3, "PlatformManagement", "SetEmergencyProfileAttribute", SR, DP, V4 | GG | CBG),
	RT_ASYNC(ES3, "PlatformManagement", "SetFallBackAttribute", SR, DP, V4 | GG | CBG),
	RT_NOTES_V4(ES3, DP, SR),

	/* ES4: Operator / M2M SP -> SM-SR (ES4_SMSR.wsdl; no ES4 callback WSDL) */
	RT_SYNC(ES4, "ProfileManagement", "GetEIS", SR, OP | M2M, 0),
	RT_ASYNC(ES4, "ProfileManagement", "AuditEIS", SR, OP | M2M, CBG),
	RT_SYNC(ES4, "ProfileManagement", "UpdatePolicyRules", SR, OP, 0),
	RT_SYNC(ES4, "ProfileManagement", "UpdateSubscriptionAddress", SR, OP, 0),
	RT_ASYNC(ES4, "PlatformManagement", "EnableProfile", SR, OP | M2M, CBG),
	RT_ASYNC(ES4, "PlatformManagement", "DisableProfile", SR, OP | M2M, CBG),
	RT_ASYNC(ES4, "PlatformManagement", "DeleteProfile", SR, OP | M2M, CBG),
	RT_ASYNC(ES4, "eUICCManagement", "PrepareSMSRChange", SR, OP, CBG),
	RT_ASYNC(ES4, "eUICCManagement", "SMSRChange", SR, OP, CBG),
	RT_NOTES_V3(ES4, "PlatformManagement", OP | M2M, SR, GG),
	RT_SYNC(ES4, "ProfileManagement", "UpdateEUICCInfo", SR, OP, V4 | GG),
	RT_SYNC(ES4, "PlatformManagement", "GetAuthorisationsOfM2MSP", SR, M2M, V4 | GG),
	RT_ASYNC(ES4, "PlatformManagement", "SetEmergencyProfileAttribute", SR, OP | M2M,
		 V4 | GG | CBG),
	RT_ASYNC(ES4, "PlatformManagement", "SetFallBackAttribute", SR, OP | M2M, V4 | GG | CBG),
	RT_NOTES_V4(ES4, OP | M2M, SR),

	/* ES4A: Operator -> SM-SR, PLMA and ONC (EKN 10, SGP.02 v4 §5.7) */
	RT_SYNC(ES4A, "PlatformManagement", "SetPLMA", SR, OP, V4 | GG),
	RT_SYNC(ES4A, "PlatformManagement", "GetPLMA", SR, OP, V4 | GG),
	RT_SYNC(ES4A, "PlatformManagement", "SetONC", SR, OP, V4 | GG),
	RT_SYNC(ES4A, "PlatformManagement", "GetONC", SR, OP, V4 | GG),

	/* ES7: SM-SR <-> SM-SR (ES7_SMSR_Provider.wsdl, ES7_SMSR_Requester.wsdl) */
	RT_ASYNC(ES7, "eUICCManagement", "HandoverEUICC", SR, SR, 0),
	RT_ASYNC(ES7, "eUICCManagement", "AuthenticateSMSR", SR, SR, 0),
	RT_ASYNC(ES7, "eUICCManagement", "CreateAdditionalKeySet", SR, SR, 0),
	RT_NOTE(ES7, "eUICCManagement", "HandleSMSRChangeNotification", SR, SR, 0),
};

const size_t rt_es_nfunctions = sizeof(rt_es_functions) / sizeof(rt_es_functions[0]);

static const char *const rt_es_iface_names[] = { NULL, "ES1", "ES2", "ES3", "ES4", "ES4A", "ES7" };

const char *rt_es_iface_name(enum rt_es_iface i)
{
	if ((size_t)i >= sizeof(rt_es_iface_names) / sizeof(rt_es_iface_names[0]))
		return NULL;
	return rt_es_iface_names[i];
}

const struct rt_es_function *rt_es_function_by_element(const char *element, enum rt_es_msg *msg)
{
	size_t i;

	for (i = 0; i < rt_es_nfunctions; i++) {
		const struct rt_es_function *f = &rt_es_functions[i];

		if (strcmp(f->request, element) == 0) {
			if (msg)
				*msg = f->pattern == RT_ES_NOTIFICATION ? RT_ES_MSG_NOTIFICATION
									 : RT_ES_MSG_REQUEST;
			return f;
		}
		if (f->response && strcmp(f->response, element) == 0) {
			if (msg)
				*msg = RT_ES_MSG_RESPONSE;
			return f;
		}
	}
	return NULL;
}

const struct rt_es_function *rt_es_function_by_action(const char *action, enum rt_es_msg *msg)
{
	size_t i;

	for (i = 0; i < rt_es_nfunctions; i++) {
		const struct rt_es_function *f = &rt_es_functions[i];
		enum rt_es_msg m = 0;

		if (strcmp(f->action_bare, action) == 0 || strcmp(f->action_request, action) == 0)
			m = f->pattern == RT_ES_NOTIFICATION ? RT_ES_MSG_NOTIFICATION : RT_ES_MSG_REQUEST;
		else if (f->action_response && strcmp(f->action_response, action) == 0)
			m = RT_ES_MSG_RESPONSE;
		else if (f->action_callback && strcmp(f->action_callback, action) == 0)
			m = RT_ES_MSG_CALLBACK;
		if (m) {
			if (msg)
				*msg = m;
			return f;
		}
	}
	return NULL;
}

const struct rt_es_function *rt_es_function_find(enum rt_es_iface iface, const char *name)
{
	size_t i;

	for (i = 0; i < rt_es_nfunctions; i++)
		if (rt_es_functions[i].iface == iface && strcmp(rt_es_functions[i].name, name) == 0)
			return &rt_es_functions[i];
	return NULL;
}

int rt_es_action_style_parse(const char *s)
{
	if (strcmp(s, "by_pattern") == 0)
		return RT_ES_ACTION_BY_PATTERN;
	if (strcmp(s, "suffixed") == 0)
		return RT_ES_ACTION_SUFFIXED;
	if (strcmp(s, "bare") == 0)
		return RT_ES_ACTION_BARE;
	return RT_EINVAL;
}

const char *rt_es_action(const struct rt_es_function *f, enum rt_es_msg msg,
			 enum rt_es_action_style style)
{
	switch (msg) {
	case RT_ES_MSG_REQUEST:
		if (f->pattern == RT_ES_NOTIFICATION)
			return NULL;
		if (style == RT_ES_ACTION_BARE)
			return f->action_bare;
		if (style == RT_ES_ACTION_SUFFIXED || f->pattern == RT_ES_SYNC)
			return f->action_request;
		return f->action_bare;
	case RT_ES_MSG_RESPONSE:
		/* Only the synchronous pattern answers on the same exchange; every source
		 * that shows such a response appends Response (WSDL-3, NJIWA GetEIS). */
		return f->pattern == RT_ES_SYNC ? f->action_response : NULL;
	case RT_ES_MSG_CALLBACK:
		return f->action_callback;
	case RT_ES_MSG_NOTIFICATION:
		return f->pattern == RT_ES_NOTIFICATION ? f->action_bare : NULL;
	}
	return NULL;
}

static const char *const rt_es_msg_names[] = { "?", "request", "response", "callback",
						 "notification" };

int rt_es_classify(const char *action, const char *element, const struct rt_es_function **f,
		   enum rt_es_msg *msg, enum rt_es_class_problem *why, struct rt_err *err)
{
	const struct rt_es_function *fa, *fe;
	enum rt_es_msg ma = 0, me = 0;
	enum rt_es_class_problem p = RT_ES_C_OK;
	int rc = 0, agree;

	*f = NULL;
	fa = rt_es_function_by_action(action, &ma);
	fe = rt_es_function_by_element(element, &me);
	if (!fa) {
		p = RT_ES_C_UNKNOWN_ACTION;
		rc = rt_err_set(err, RT_ENOENT, "wsa:Action '%s' names no SGP.02 function", action);
	} else if (!fe) {
		p = RT_ES_C_UNKNOWN_ELEMENT;
		rc = rt_err_set(err, RT_ENOENT, "body element <%s> names no SGP.02 function", element);
	} else if (fa != fe) {
		p = RT_ES_C_FUNCTION_MISMATCH;
		rc = rt_err_set(err, RT_EPROTO, "wsa:Action names %s.%s, the body <%s> is %s.%s",
				rt_es_iface_name(fa->iface), fa->name, element,
				rt_es_iface_name(fe->iface), fe->name);
	} else {
		agree = ma == RT_ES_MSG_CALLBACK ? me == RT_ES_MSG_RESPONSE : ma == me;
		if (!agree) {
			p = RT_ES_C_MESSAGE_MISMATCH;
			rc = rt_err_set(err, RT_EPROTO, "wsa:Action is the %s of %s.%s, the body <%s> its %s",
					rt_es_msg_names[ma], rt_es_iface_name(fa->iface), fa->name,
					element, rt_es_msg_names[me]);
		}
	}
	if (!rc) {
		*f = fa;
		if (msg)
			*msg = ma;
	}
	if (why)
		*why = p;
	return rc;
}

/* --- status codes ------------------------------------------------------------------ */

/* sgp02-facts §6.2: numbers as NJIWA (bagyenda/njiwa @b04eb015) sends them, meanings
 * from its messages; names as WHTY-SR (shenqinglan/whatever_ty @e02ef9e1) writes them in
 * the same fields. A row has a name only where a source pairs the two; the full SGP.02
 * number <-> name table was not available (UNCONFIRMED, docs/spec-notes.md, SOAP). */
const struct rt_es_code rt_es_codes[] = {
	{ RT_ES_SUBJECT, "8.1", "Function Provider", "NJIWA: the provider itself failed or is busy" },
	{ RT_ES_SUBJECT, "8.1.1", "EID", "NJIWA: unknown or foreign EID" },
	{ RT_ES_SUBJECT, "8.2.1", "Profile ICCID", "NJIWA, WHTY-SR 'Profile ICCID Invalid destination'" },
	{ RT_ES_SUBJECT, "8.2.2", NULL, "NJIWA: refusal by the POL2 of the enabled profile" },
	{ RT_ES_SUBJECT, "8.2.3", NULL, "NJIWA: refusal by POL2, fall-back attribute or ownership" },
	{ RT_ES_SUBJECT, "8.2.5", "Profile Type", "NJIWA: unknown profile type" },
	{ RT_ES_SUBJECT, "8.3.1", NULL, "NJIWA: unknown ISD-P / ISD-R in SendData" },
	{ RT_ES_SUBJECT, "8.4", NULL, "NJIWA: ISD-P / eUICC operation failed (with 4.2)" },
	{ RT_ES_SUBJECT, "8.5.2", NULL, "NJIWA: invalid ECASD certificate (ES7)" },
	{ RT_ES_SUBJECT, "8.5.3", NULL, "NJIWA: invalid certificate (ES7 handover)" },
	{ RT_ES_SUBJECT, "8.6", NULL, "NJIWA: requester not allowed for the EID" },
	{ RT_ES_SUBJECT, "8.7", "SM-SR", "NJIWA: unknown SM-SR" },
	{ RT_ES_SUBJECT, NULL, "POL1", "WHTY-SR subject name" },
	{ RT_ES_SUBJECT, NULL, "POL2", "WHTY-SR subject name" },
	{ RT_ES_SUBJECT, NULL, "ISD-R", "WHTY-SR subject name" },
	{ RT_ES_SUBJECT, NULL, "ISD-P", "WHTY-SR subject name" },
	{ RT_ES_SUBJECT, NULL, "SD-AID", "WHTY-SR subject name" },
	{ RT_ES_SUBJECT, NULL, "EIS", "WHTY-SR subject name" },
	{ RT_ES_SUBJECT, NULL, "SM-SR Certificate", "WHTY-SR subject name" },
	{ RT_ES_SUBJECT, NULL, "Subscription Address", "WHTY-SR subject name" },
	{ RT_ES_REASON, "1.1", "Not Allowed (Authorisation)", "NJIWA: sender not authorised" },
	{ RT_ES_REASON, "1.2", "Not Allowed", "NJIWA: operation not allowed" },
	{ RT_ES_REASON, "2.1", "Invalid", "NJIWA: invalid value" },
	{ RT_ES_REASON, "3.3", "Already in use", "NJIWA: 'ICCID in use'" },
	{ RT_ES_REASON, "3.8", "Refused", "NJIWA: refused (POL2, fall-back)" },
	{ RT_ES_REASON, "3.9", "Unknown", "NJIWA: unknown EID, SM-SR, profile type" },
	{ RT_ES_REASON, "4.2", "Execution error", "NJIWA: the eUICC operation failed" },
	{ RT_ES_REASON, "4.4", NULL, "NJIWA: busy ('handover in progress')" },
	{ RT_ES_REASON, "4.8", "Insufficient memory", "NJIWA: not enough memory on the eUICC" },
	{ RT_ES_REASON, "5.3", NULL, "NJIWA: expired (validity period)" },
	{ RT_ES_REASON, "6.3", NULL, "NJIWA: invalid certificate" },
	{ RT_ES_REASON, NULL, "Invalid destination", "WHTY-SR reason name" },
	{ RT_ES_REASON, NULL, "Condition of use not satisfied", "WHTY-SR reason name" },
	{ RT_ES_REASON, NULL, "Certificate Expired", "WHTY-SR reason name" },
	{ RT_ES_REASON, NULL, "Delivered With No Response", "WHTY-SR reason name" },
	{ RT_ES_REASON, NULL, "Other error", "WHTY-SR reason name" },
};

const size_t rt_es_ncodes = sizeof(rt_es_codes) / sizeof(rt_es_codes[0]);

const struct rt_es_code *rt_es_code_by_code(enum rt_es_code_kind kind, const char *code)
{
	size_t i;

	for (i = 0; i < rt_es_ncodes; i++)
		if (rt_es_codes[i].kind == kind && rt_es_codes[i].code &&
		    strcmp(rt_es_codes[i].code, code) == 0)
			return &rt_es_codes[i];
	return NULL;
}

const struct rt_es_code *rt_es_code_by_name(enum rt_es_code_kind kind, const char *name)
{
	size_t i;

	for (i = 0; i < rt_es_ncodes; i++)
		if (rt_es_codes[i].kind == kind && rt_es_codes[i].name &&
		    strcasecmp(rt_es_codes[i].name, name) == 0)
			return &rt_es_codes[i];
	return NULL;
}

int rt_es_code_form_parse(const char *s)
{
	if (strcmp(s, "numeric") == 0)
		return RT_ES_CODE_NUMERIC;
	if (strcmp(s, "name") == 0)
		return RT_ES_CODE_NAME;
	return RT_EINVAL;
}

const char *rt_es_code_text(const struct rt_es_code *c, enum rt_es_code_form form)
{
	if (form == RT_ES_CODE_NAME)
		return c->name ? c->name : c->code;
	return c->code ? c->code : c->name;
}
