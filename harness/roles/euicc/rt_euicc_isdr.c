/* rt_euicc_isdr — the ISD-R's commands: the ES5 functions of SGP.02 4.1.1. (Being built:
 * for now GET DATA, which answers 6A88 for every tag.) */
#include "roles/euicc/rt_euicc_int.h"

static const struct rt_euicc_get_data_obj rt_isdr_objs[1] = { { 0, NULL } };

static uint16_t rt_isdr_get_data(struct rt_euicc *card, struct rt_euicc_channel *ch,
				 const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	(void)ch;
	if (cmd->apdu->lc != 0)
		return RT_SW_WRONG_LENGTH;
	return rt_euicc_get_data(card, cmd, resp, rt_isdr_objs, 1);
}

const struct rt_euicc_ins rt_euicc_isdr_cmds[] = {
	{ RT_EUICC_CLA_GP, 0xCA, "GET DATA", rt_isdr_get_data },
	{ RT_EUICC_CLA_ISO, 0xCA, "GET DATA", rt_isdr_get_data },
};
const size_t rt_euicc_isdr_ncmds = sizeof(rt_euicc_isdr_cmds) / sizeof(rt_euicc_isdr_cmds[0]);

void rt_euicc_isdr_on_attach(struct rt_euicc *card)
{
	(void)card;
}

int rt_euicc_isdr_next_notification(struct rt_euicc *card, uint8_t *out, size_t cap, size_t *len)
{
	(void)card;
	(void)out;
	(void)cap;
	*len = 0;
	return 0;
}
