/* rt_euicc_isdp — an ISD-P (SGP.02 4.1.3, ES8). (Being built: for now an ISD-P answers
 * SELECT with its FCI and nothing else.) */
#include "roles/euicc/rt_euicc_int.h"

static int rt_isdp_fci(struct rt_euicc *card, const struct rt_euicc_app *app, int isdp,
		       struct rt_euicc_resp *r)
{
	(void)app;
	if (isdp < 0 || isdp >= RT_EUICC_MAX_ISDP)
		return -1;
	return rt_euicc_fci_sd(card->st.isdp[isdp].aid, card->st.isdp[isdp].aid_len, r);
}

const struct rt_euicc_ins rt_euicc_isdp_cmds[1] = { { RT_EUICC_CLA_INVALID, 0, NULL, NULL } };
const size_t rt_euicc_isdp_ncmds = 0;

const struct rt_euicc_app rt_euicc_app_isdp = {
	"ISD-P", NULL, 0, rt_isdp_fci, rt_euicc_isdp_cmds, 0,
};

int rt_euicc_isdp_script_tlv(struct rt_euicc *card, int isdp, const uint8_t *tlv, size_t len,
			     struct rt_euicc_resp *resp)
{
	(void)card;
	(void)isdp;
	(void)tlv;
	(void)len;
	(void)resp;
	return RT_ENOTSUP;
}

void rt_euicc_isdp_sessions_free(struct rt_euicc *card)
{
	(void)card;
}
