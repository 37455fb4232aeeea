/* rt_euicc_ota — SMS-PP DOWNLOAD to the ISD-R and ISD-Ps: SCP80, remote command scripts,
 * PoR (TS 31.115, TS 102 225, TS 102 226). (Being built: for now the card refuses the
 * ENVELOPE as a toolkit command it does not handle.) */
#include "roles/euicc/rt_euicc_int.h"

uint16_t rt_euicc_ota_sms_pp(struct rt_euicc *card, const uint8_t *envelope_value, size_t len,
			     struct rt_euicc_resp *resp)
{
	(void)card;
	(void)envelope_value;
	(void)len;
	(void)resp;
	return RT_SW_INS_NOT_SUPPORTED;
}

void rt_euicc_ota_flush(struct rt_euicc *card)
{
	(void)card;
}

void rt_euicc_ota_free(struct rt_euicc *card)
{
	card->ota = NULL;
}
