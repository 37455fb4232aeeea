/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_apps — the applications of the software eUICC and the commands they accept.
 *
 * Owns the ISD-R and ECASD entries (AID, FCI, command table) and their handlers. An
 * application is a row in rt_euicc_apps[]; a command it accepts is a row in its
 * rt_euicc_ins table. Card-level concerns (selection, channels, Le/61xx/6Cxx) stay in
 * rt_euicc.c. */
#include "roles/euicc/rt_euicc_int.h"

#include <string.h>

/* SGP.02 Annex H (via sgp02-facts.md 4.1): fixed instance AIDs under RID A000000559. */
static const uint8_t rt_aid_isdr[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
				       0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00 };
static const uint8_t rt_aid_ecasd[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
					0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x02, 0x00 };

/* GP Card Spec 2.3 11.9.3.1 (SELECT response for a Security Domain, from memory, see
 * docs/spec-notes.md, card interface): '6F' FCI template { '84' AID, 'A5' proprietary data {
 * '9F65' maximum length of data field in a command message } }. The optional '73'
 * Security Domain Management Data and '9F6E' are left out until a source confirms
 * their content. */
int rt_euicc_fci_sd(const uint8_t *aid, size_t aid_len, struct rt_euicc_resp *r)
{
	static const uint8_t max_cmd_len[] = { 0xFF }; /* short APDUs: 255 data bytes */
	struct rt_euicc_resp prop = { .len = 0 };
	struct rt_euicc_resp fci = { .len = 0 };

	if (rt_euicc_put_tlv(&prop, 0x9F65, max_cmd_len, sizeof(max_cmd_len)) ||
	    rt_euicc_put_tlv(&fci, 0x84, aid, aid_len) ||
	    rt_euicc_put_tlv(&fci, 0xA5, prop.data, prop.len) ||
	    rt_euicc_put_tlv(r, 0x6F, fci.data, fci.len))
		return -1;
	return 0;
}

static int rt_fci_fixed(struct rt_euicc *card, const struct rt_euicc_app *app, int isdp,
			struct rt_euicc_resp *r)
{
	(void)card;
	(void)isdp;
	return rt_euicc_fci_sd(app->aid, app->aid_len, r);
}

/* --- GET DATA ----------------------------------------------------------------------- */

/* SGP.02 2.2.2 / 5.1 of the facts: the ECASD holds the EID; GET DATA '5A' answers
 * '5A' '10' <EID, 16 bytes BCD>. */
static int rt_obj_eid(struct rt_euicc *card, struct rt_euicc_resp *r)
{
	uint8_t eid[RT_EID_LEN];

	memcpy(eid, card->eid, sizeof(eid));
	/* Fault knob: a card that reports an EID whose check digits are wrong. */
	if (card->cfg.faults & RT_EUICC_FAULT_BAD_EID)
		eid[RT_EID_LEN - 1] ^= 0x01;
	return rt_euicc_put_tlv(r, 0x5A, eid, sizeof(eid));
}

static const struct rt_euicc_get_data_obj rt_ecasd_objs[] = {
	{ 0x005A, rt_obj_eid },
};

uint16_t rt_euicc_get_data(struct rt_euicc *card, const struct rt_euicc_cmd *cmd,
			   struct rt_euicc_resp *resp, const struct rt_euicc_get_data_obj *objs,
			   size_t nobjs)
{
	const struct rt_capdu *a = cmd->apdu;
	uint16_t tag = (uint16_t)(a->p1 << 8 | a->p2);
	size_t i;

	for (i = 0; i < nobjs; i++) {
		if (!objs[i].build || objs[i].tag != tag)
			continue;
		if (objs[i].build(card, resp))
			return RT_SW_UNKNOWN;
		return RT_SW_OK;
	}
	/* ISO 7816-4 / GP 11.3.3: unknown tag -> referenced data not found. */
	return RT_SW_REF_DATA_NOT_FOUND;
}

static uint16_t rt_ecasd_get_data(struct rt_euicc *card, struct rt_euicc_channel *ch,
				  const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	(void)ch;
	if (card->cfg.faults & RT_EUICC_FAULT_GET_DATA_LC_ACCEPTED)
		return rt_euicc_get_data(card, cmd, resp, rt_ecasd_objs,
					 sizeof(rt_ecasd_objs) / sizeof(rt_ecasd_objs[0]));
	/* GP Card Spec 11.3.1: GET DATA for a single object is case 2 (no command data). */
	if (cmd->apdu->lc != 0)
		return RT_SW_WRONG_LENGTH;
	return rt_euicc_get_data(card, cmd, resp, rt_ecasd_objs,
				 sizeof(rt_ecasd_objs) / sizeof(rt_ecasd_objs[0]));
}

/* GP Card Spec 11.3: GET DATA is sent with CLA '80' (GP) and, for interindustry objects
 * such as '5A', also with CLA '00'. */
static const struct rt_euicc_ins rt_ecasd_cmds[] = {
	{ RT_EUICC_CLA_GP, 0xCA, "GET DATA", rt_ecasd_get_data },
	{ RT_EUICC_CLA_ISO, 0xCA, "GET DATA", rt_ecasd_get_data },
};

const struct rt_euicc_app rt_euicc_app_isdr = {
	"ISD-R", rt_aid_isdr, sizeof(rt_aid_isdr), rt_fci_fixed, rt_euicc_isdr_cmds, 0,
};
static const struct rt_euicc_app rt_euicc_app_ecasd = {
	"ECASD", rt_aid_ecasd, sizeof(rt_aid_ecasd), rt_fci_fixed, rt_ecasd_cmds,
	sizeof(rt_ecasd_cmds) / sizeof(rt_ecasd_cmds[0]),
};

/* The applications with a fixed AID; ISD-Ps are found in the state. */
const struct rt_euicc_app *const rt_euicc_apps[] = { &rt_euicc_app_isdr, &rt_euicc_app_ecasd };
const size_t rt_euicc_napps = sizeof(rt_euicc_apps) / sizeof(rt_euicc_apps[0]);

const struct rt_euicc_app *rt_euicc_app_find(struct rt_euicc *card, const uint8_t *aid,
					     size_t len, int *isdp)
{
	struct rt_euicc_isdp *p;
	size_t i;

	*isdp = -1;
	for (i = 0; i < rt_euicc_napps; i++)
		if (rt_euicc_apps[i]->aid_len == len && memcmp(rt_euicc_apps[i]->aid, aid, len) == 0)
			return rt_euicc_apps[i];
	p = rt_euicc_isdp_by_aid(&card->st, aid, len);
	/* GP CS 11.9.2.1: an application in state INSTALLED is not selectable. */
	if (!p || p->state == RT_ISDP_INSTALLED)
		return NULL;
	*isdp = (int)(p - card->st.isdp);
	return &rt_euicc_app_isdp;
}

const struct rt_euicc_ins *rt_euicc_app_ins(const struct rt_euicc_app *app,
					    enum rt_euicc_cla_class cls, uint8_t ins)
{
	size_t i, n;

	if (!app)
		return NULL;
	/* The ISD-R and ISD-P command tables live in their own files; their sizes are
	 * exported as variables (a const initialiser cannot read them). */
	n = app == &rt_euicc_app_isdr ? rt_euicc_isdr_ncmds
	    : app == &rt_euicc_app_isdp ? rt_euicc_isdp_ncmds
					: app->ncmds;
	for (i = 0; i < n; i++)
		if (app->cmds[i].cls == cls && app->cmds[i].ins == ins)
			return &app->cmds[i];
	return NULL;
}
