/* rt_euicc_cat — the card's toolkit side (TS 102 223 / TS 31.111): TERMINAL PROFILE,
 * ENVELOPE, FETCH, TERMINAL RESPONSE and the proactive queue. (Being built: for now
 * TERMINAL PROFILE is accepted, ENVELOPE (SMS-PP DOWNLOAD) goes to rt_euicc_ota, and
 * there is nothing to FETCH.) */
#include "roles/euicc/rt_euicc_int.h"

#include <string.h>

uint16_t rt_euicc_cmd_terminal_profile(struct rt_euicc *card, struct rt_euicc_channel *ch,
				       const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	(void)ch;
	(void)resp;
	if (cmd->apdu->lc == 0)
		return RT_SW_WRONG_LENGTH;
	card->terminal_profile = 1;
	return RT_SW_OK;
}

uint16_t rt_euicc_cmd_envelope(struct rt_euicc *card, struct rt_euicc_channel *ch,
			       const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	(void)ch;
	if (cmd->apdu->lc < 2)
		return RT_SW_WRONG_LENGTH;
	/* TS 102 223 7.1: 'D1' = SMS-PP DOWNLOAD. */
	if (cmd->apdu->data[0] != 0xD1)
		return RT_SW_WRONG_DATA;
	return rt_euicc_ota_sms_pp(card, cmd->apdu->data, cmd->apdu->lc, resp);
}

uint16_t rt_euicc_cmd_fetch(struct rt_euicc *card, struct rt_euicc_channel *ch,
			    const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	(void)card;
	(void)ch;
	(void)cmd;
	(void)resp;
	return RT_SW_CONDITIONS_NOT_SATISFIED;
}

uint16_t rt_euicc_cmd_terminal_response(struct rt_euicc *card, struct rt_euicc_channel *ch,
					const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	(void)card;
	(void)ch;
	(void)cmd;
	(void)resp;
	return RT_SW_CONDITIONS_NOT_SATISFIED;
}

int rt_euicc_proactive_push(struct rt_euicc *card, const uint8_t *cmd, size_t len)
{
	size_t slot;

	if (card->proactive.count >= RT_EUICC_PROACTIVE_MAX || len > RT_EUICC_PROACTIVE_LEN)
		return RT_ENOMEM;
	slot = (card->proactive.head + card->proactive.count) % RT_EUICC_PROACTIVE_MAX;
	memcpy(card->proactive.cmd[slot], cmd, len);
	card->proactive.len[slot] = len;
	card->proactive.count++;
	return 0;
}

void rt_euicc_cat_reset(struct rt_euicc *card)
{
	memset(&card->proactive, 0, sizeof(card->proactive));
	card->terminal_profile = 0;
}
