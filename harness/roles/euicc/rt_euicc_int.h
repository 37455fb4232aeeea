/* rt_euicc_int — internals shared by the files of the software eUICC (not an API).
 *
 * rt_euicc.c owns the card: power state, logical channels, the class/INS dispatcher,
 * the card-level commands (SELECT, GET RESPONSE) and how response data reaches the
 * terminal (Le, 6Cxx, 61xx). rt_euicc_apps.c owns the on-card applications: their
 * AIDs, their FCI and the commands each one accepts. New applications (ISD-P) and new
 * commands (STORE DATA, INSTALL, GET STATUS) are new table rows there. */
#ifndef RT_EUICC_INT_H
#define RT_EUICC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "codec/rt_apdu.h"
#include "roles/euicc/rt_euicc.h"

/* ISO 7816-4 5.4.1: channels 0-3 in the first interindustry class, 4-19 in the further
 * one. The seed opens only the basic channel (MANAGE CHANNEL comes later). */
#define RT_EUICC_CHANNELS 20
/* Largest response an application builds; grows with audits and certificates. */
#define RT_EUICC_RESP_MAX 4096

/* Class of a CLA byte (ISO 7816-4 5.4.1; GP Card Spec 11.1.4 for the proprietary GP
 * classes '80'-'8F' and 'C0'-'CF'/'E0'-'EF'). Dispatch is keyed by (class, INS). */
enum rt_euicc_cla_class {
	RT_EUICC_CLA_INVALID = 0, /* 'FF' and classes no eUICC application uses ('A0' GSM) */
	RT_EUICC_CLA_ISO,         /* interindustry: '0X', '4X'-'7X' */
	RT_EUICC_CLA_GP,          /* GlobalPlatform proprietary: '8X', 'CX'-'EX' */
};

/* SW1SW2 values the card sends (ISO 7816-4 5.6, TS 102 221 10.2.1). */
enum rt_euicc_sw {
	RT_SW_OK = 0x9000,
	RT_SW_WRONG_LENGTH = 0x6700,
	RT_SW_LOGICAL_CHANNEL_NOT_SUPPORTED = 0x6881,
	RT_SW_SM_NOT_SUPPORTED = 0x6882,
	RT_SW_CONDITIONS_NOT_SATISFIED = 0x6985,
	RT_SW_WRONG_DATA = 0x6A80,
	RT_SW_FILE_NOT_FOUND = 0x6A82,
	RT_SW_WRONG_P1P2 = 0x6A86,
	RT_SW_REF_DATA_NOT_FOUND = 0x6A88,
	RT_SW_INS_NOT_SUPPORTED = 0x6D00,
	RT_SW_CLA_NOT_SUPPORTED = 0x6E00,
	RT_SW_UNKNOWN = 0x6F00,
};

struct rt_euicc_app;

/* One logical channel's state (ISO 7816-4 5.4.2: each channel has its own current
 * application). */
struct rt_euicc_channel {
	int open;
	const struct rt_euicc_app *selected; /* NULL: nothing of ours selected */
};

/* Response data an application builds; the dispatcher shapes it for the terminal. */
struct rt_euicc_resp {
	uint8_t data[RT_EUICC_RESP_MAX];
	size_t len;
};

/* A decoded command as handlers see it. */
struct rt_euicc_cmd {
	const struct rt_capdu *apdu;
	enum rt_euicc_cla_class cls;
	unsigned channel;
};

/* A command handler: reads cmd, may write resp, returns SW1SW2. */
typedef uint16_t (*rt_euicc_handler_fn)(struct rt_euicc *card, struct rt_euicc_channel *ch,
					 const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp);

struct rt_euicc_ins {
	enum rt_euicc_cla_class cls;
	uint8_t ins;
	const char *name; /* for logs */
	rt_euicc_handler_fn fn;
};

struct rt_euicc_app {
	const char *name; /* "ISD-R" */
	const uint8_t *aid;
	size_t aid_len;
	/* Builds the FCI returned by SELECT with P2 '00'. */
	int (*fci)(const struct rt_euicc_app *app, struct rt_euicc_resp *resp);
	const struct rt_euicc_ins *cmds; /* commands this application accepts */
	size_t ncmds;
};

struct rt_euicc {
	struct rt_euicc_config cfg;
	uint8_t eid[RT_EID_LEN]; /* BCD, from cfg.eid */
	int powered;
	struct rt_euicc_channel ch[RT_EUICC_CHANNELS];
	/* Data waiting for GET RESPONSE (T=0 mode); dropped by any other command. */
	struct {
		uint8_t data[RT_EUICC_RESP_MAX];
		size_t len, off;
		unsigned channel;
		int active;
	} pending;
};

/* From rt_euicc_apps.c: the application table. */
extern const struct rt_euicc_app rt_euicc_apps[];
extern const size_t rt_euicc_napps;

/* Finds an application by exact AID; NULL when none. */
const struct rt_euicc_app *rt_euicc_app_find(const uint8_t *aid, size_t len);

/* Finds cls/ins among app's commands; NULL when app does not accept it. */
const struct rt_euicc_ins *rt_euicc_app_ins(const struct rt_euicc_app *app,
					    enum rt_euicc_cla_class cls, uint8_t ins);

#endif
