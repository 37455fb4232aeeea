/* SPDX-License-Identifier: Apache-2.0 */
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
#include "roles/euicc/rt_euicc_state.h"

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
	RT_SW_NOT_ENOUGH_MEMORY = 0x6A84,
	RT_SW_SECURITY_NOT_SATISFIED = 0x6982,
	RT_SW_POL1_FORBIDS = 0x69E1, /* SGP.02: "POL1 of the profile prevents this action" */
	RT_SW_MORE_DATA = 0x6310,
	RT_SW_PROACTIVE = 0x9100,    /* 91xx: a proactive command of xx bytes is pending */
};

struct rt_euicc_app;

/* One logical channel's state (ISO 7816-4 5.4.2: each channel has its own current
 * application). */
struct rt_euicc_channel {
	int open;               /* 1: a channel of the contact interface; 2: the OTA executor */
	const struct rt_euicc_app *selected; /* NULL: nothing of ours selected */
	int isdp;                            /* selected ISD-P's index in st.isdp, or -1 */
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
	/* Builds the FCI returned by SELECT with P2 '00' (isdp: the ISD-P index or -1). */
	int (*fci)(struct rt_euicc *card, const struct rt_euicc_app *app, int isdp,
		   struct rt_euicc_resp *resp);
	const struct rt_euicc_ins *cmds; /* commands this application accepts */
	size_t ncmds;
};

/* Proactive commands waiting for FETCH (TS 102 223 6.2): BER-TLV 'D0' objects. */
#define RT_EUICC_PROACTIVE_MAX 8
#define RT_EUICC_PROACTIVE_LEN 512

struct rt_euicc_isdp_session; /* rt_euicc_isdp.c: volatile ES8 state of one ISD-P */

struct rt_euicc {
	struct rt_euicc_config cfg;
	char *state_path;        /* owned copy of cfg.state_path (NULL: memory only) */
	struct rt_euicc_state st; /* the persistent state (rt_euicc_state.h) */
	uint8_t eid[RT_EID_LEN]; /* BCD, from cfg.eid */
	int powered;
	/* Volatile, lost at power-off: */
	struct rt_euicc_isdp_session *isdp_sess[RT_EUICC_MAX_ISDP];
	struct {
		uint8_t cmd[RT_EUICC_PROACTIVE_MAX][RT_EUICC_PROACTIVE_LEN];
		size_t len[RT_EUICC_PROACTIVE_MAX];
		size_t head, count;
		int fetched; /* the head was FETCHed and awaits its TERMINAL RESPONSE */
	} proactive;
	int terminal_profile;    /* TERMINAL PROFILE received since the last reset */
	unsigned notif_round;    /* rt_euicc_isdr.c: notification slots sent in this flush (bits) */
	void *ota;               /* rt_euicc_ota.c: concatenated-SMS reassembly etc. */
	struct rt_euicc_channel ch[RT_EUICC_CHANNELS];
	/* Data waiting for GET RESPONSE (T=0 mode); dropped by any other command. */
	struct {
		uint8_t data[RT_EUICC_RESP_MAX];
		size_t len, off;
		unsigned channel;
		int active;
	} pending;
};

/* From rt_euicc_apps.c: the applications with a fixed AID (ISD-R, ECASD). */
extern const struct rt_euicc_app *const rt_euicc_apps[];
extern const size_t rt_euicc_napps;
extern const struct rt_euicc_app rt_euicc_app_isdr;  /* the ISD-R row */
extern const struct rt_euicc_app rt_euicc_app_isdp;  /* every ISD-P instance (rt_euicc_isdp.c) */

/* Finds an application by exact AID: the fixed ones, then the ISD-Ps of the state (not
 * FREE). *isdp receives the ISD-P index or -1. NULL when none. */
const struct rt_euicc_app *rt_euicc_app_find(struct rt_euicc *card, const uint8_t *aid,
					     size_t len, int *isdp);

/* Appends tag (1-3 bytes), a BER length (up to 82 xx xx) and value to r. 0, or -1 when
 * it does not fit. */
int rt_euicc_put_tlv(struct rt_euicc_resp *r, uint32_t tag, const uint8_t *v, size_t n);

/* 1 when a command arrived through the OTA path (SCP80-authenticated script run by
 * rt_euicc_exec), 0 on the contact interface. */
static inline int rt_euicc_from_ota(const struct rt_euicc_channel *ch)
{
	return ch->open == 2;
}

/* Runs one C-APDU for an application as if it were selected (the OTA path: a script
 * addressed by TAR runs its commands in that security domain, TS 102 226 5.1). */
uint16_t rt_euicc_exec(struct rt_euicc *card, const struct rt_euicc_app *app, int isdp,
		       const uint8_t *capdu, size_t clen, struct rt_euicc_resp *resp);

/* Persists the state (atomic file replace) after a change; 0 when there is no state
 * file. A failure is logged and returned; callers answer 6F00 rather than pretend. */
int rt_euicc_commit(struct rt_euicc *card);

/* ---- parts of the card, each in its own file ------------------------------------ */

/* rt_euicc_cat.c — CAT (TS 102 223 / TS 31.111): TERMINAL PROFILE, ENVELOPE,
 * FETCH, TERMINAL RESPONSE; the proactive queue. */
uint16_t rt_euicc_cmd_terminal_profile(struct rt_euicc *card, struct rt_euicc_channel *ch,
				       const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp);
uint16_t rt_euicc_cmd_envelope(struct rt_euicc *card, struct rt_euicc_channel *ch,
			       const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp);
uint16_t rt_euicc_cmd_fetch(struct rt_euicc *card, struct rt_euicc_channel *ch,
			    const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp);
uint16_t rt_euicc_cmd_terminal_response(struct rt_euicc *card, struct rt_euicc_channel *ch,
					const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp);
/* Queues a proactive command (a complete 'D0' TLV). RT_ENOMEM when the queue is full. */
int rt_euicc_proactive_push(struct rt_euicc *card, const uint8_t *cmd, size_t len);
/* Drops volatile CAT/OTA state at power-off. */
void rt_euicc_cat_reset(struct rt_euicc *card);

/* rt_euicc_ota.c — ENVELOPE (SMS-PP DOWNLOAD) → SCP80 → remote command script →
 * PoR (TS 31.115, TS 102 225, TS 102 226). Fills resp with the PoR when it goes back in
 * the ENVELOPE response, or queues a SEND SHORT MESSAGE; returns the SW. */
uint16_t rt_euicc_ota_sms_pp(struct rt_euicc *card, const uint8_t *envelope_value, size_t len,
			     struct rt_euicc_resp *resp);
/* Sends what is due over MO SMS (notifications, PoRs by SMS-SUBMIT): queues SEND SHORT
 * MESSAGE proactive commands. Called after TERMINAL PROFILE and after each ENVELOPE. */
void rt_euicc_ota_flush(struct rt_euicc *card);
void rt_euicc_ota_free(struct rt_euicc *card);

/* rt_euicc_isdr.c — the ES5 functions of the ISD-R (SGP.02 4.1.1): INSTALL (CreateISDP),
 * STORE DATA (3A03 enable, 3A04 disable, 3A05 fall-back, 3A07 SM-SR addressing, 3A08
 * notification confirmation), DELETE (ISD-P, master delete), GET STATUS, GET DATA
 * (audit). Notification queue and roll-back. */
extern const struct rt_euicc_ins rt_euicc_isdr_cmds[];
extern const size_t rt_euicc_isdr_ncmds;
/* At power-up / after TERMINAL PROFILE: queues the eUICC declaration when never sent,
 * re-queues unconfirmed notifications, rolls back a change past its retries. */
void rt_euicc_isdr_on_attach(struct rt_euicc *card);
/* The next notification due for sending ('E1' TLV per facts §5.4) and marks an attempt;
 * 0 with *len = 0 when none. A flush calls it until *len = 0: each due notification comes
 * once per round, and the call that finds none starts the next round. */
int rt_euicc_isdr_next_notification(struct rt_euicc *card, uint8_t *out, size_t cap, size_t *len);

/* rt_euicc_isdp.c — an ISD-P (SGP.02 4.1.3, ES8): SELECT answer, INSTALL [for
 * personalization], STORE DATA 3A01/3A02 (key establishment with the ECASD key), SCP03t
 * (84/85/86 TLVs) and profile installation, 3A07 connectivity parameters. */
extern const struct rt_euicc_ins rt_euicc_isdp_cmds[];
extern const size_t rt_euicc_isdp_ncmds;
/* One non-APDU item of a remote script addressed to an ISD-P (SCP03t TLVs 84/85/86):
 * appends the answer TLV(s) to resp. 0, or an RT_E* code for a malformed item. */
int rt_euicc_isdp_script_tlv(struct rt_euicc *card, int isdp, const uint8_t *tlv, size_t len,
			     struct rt_euicc_resp *resp);
void rt_euicc_isdp_sessions_free(struct rt_euicc *card);
/* Drops the volatile session of one ISD-P slot (the ISD-R calls it when deleting). */
void rt_euicc_isdp_session_drop(struct rt_euicc *card, int isdp);

/* SD FCI (GP CS 11.9.3.1): '6F' { '84' AID, 'A5' { '9F65' } }. 0 or -1. */
int rt_euicc_fci_sd(const uint8_t *aid, size_t aid_len, struct rt_euicc_resp *r);

/* One data object GET DATA can return: P1P2 is its tag (GP Card Spec 11.3.2.1). */
struct rt_euicc_get_data_obj {
	uint16_t tag;
	int (*build)(struct rt_euicc *card, struct rt_euicc_resp *r);
};

/* Serves GET DATA P1P2 from objs; 6A88 for an unknown tag. */
uint16_t rt_euicc_get_data(struct rt_euicc *card, const struct rt_euicc_cmd *cmd,
			   struct rt_euicc_resp *resp, const struct rt_euicc_get_data_obj *objs,
			   size_t nobjs);

/* Finds cls/ins among app's commands; NULL when app does not accept it. */
const struct rt_euicc_ins *rt_euicc_app_ins(const struct rt_euicc_app *app,
					    enum rt_euicc_cla_class cls, uint8_t ins);

#endif
