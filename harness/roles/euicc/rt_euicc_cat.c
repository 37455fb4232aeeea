/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_cat — the card's toolkit side (TS 102 223 / TS 31.111, TS 102 221 7.4.2):
 * TERMINAL PROFILE, ENVELOPE, FETCH, TERMINAL RESPONSE and the proactive queue.
 *
 * The queue (card->proactive) holds complete 'D0' proactive commands in order. The
 * core answers 91xx while the head waits to be FETCHed; FETCH hands out the head and
 * marks it fetched; a TERMINAL RESPONSE with a success or a permanent-problem result
 * pops it, one with a temporary problem (TS 102 223 8.12, results 2x) leaves it queued
 * so that it is announced again. The ENVELOPE's SMS-PP DOWNLOAD goes to rt_euicc_ota;
 * TERMINAL PROFILE triggers the ISD-R's attach processing and sends what is due. */
#include "roles/euicc/rt_euicc_ota.h"

#include <string.h>

#include "codec/rt_ctlv.h"
#include "util/rt_buf.h"

/* TS 102 223 9.4 type of command: SEND SHORT MESSAGE. */
#define RT_CAT_SEND_SMS 0x13

size_t rt_euicc_proactive_room(const struct rt_euicc *card)
{
	return RT_EUICC_PROACTIVE_MAX - card->proactive.count;
}

int rt_euicc_cat_send_sms_cmd(struct rt_euicc *card, const uint8_t *tpdu, size_t tpdu_len,
			      uint8_t *out, size_t cap, size_t *len)
{
	struct rt_buf v;
	uint8_t details[3];
	uint8_t devs[2] = { 0x81, 0x83 }; /* TS 102 223 8.7: source UICC, destination network */
	size_t h = 0;
	int rc;

	/* Fault ssm_to_terminal: the destination is the terminal (82), not the network. */
	if (card->cfg.faults & RT_EUICC_FAULT_SSM_TO_TERMINAL)
		devs[1] = 0x82;
	/* TS 102 223 8.6: command number 01..FE, chosen by the UICC. */
	details[0] = rt_euicc_ota_cmd_nr(card);
	details[1] = RT_CAT_SEND_SMS;
	details[2] = 0x00; /* qualifier: packing not required */
	rt_buf_init(&v, RT_EUICC_PROACTIVE_LEN);
	/* TS 102 223 6.6.9: command details, device identities, [address], SMS TPDU. */
	rc = rt_ctlv_put(&v, 0x81, details, 3, NULL);
	if (!rc)
		rc = rt_ctlv_put(&v, 0x82, devs, 2, NULL);
	if (!rc && card->st.smsr_addr_len > 0)
		rc = rt_ctlv_put(&v, 0x86, card->st.smsr_addr, card->st.smsr_addr_len, NULL);
	if (!rc)
		rc = rt_ctlv_put(&v, 0x8B, tpdu, tpdu_len, NULL);
	if (rc)
		goto out;
	/* TS 102 223 6.2 / TS 101 220 7.1.2: BER-TLV 'D0' with a 1- or 2-byte length. */
	if (v.len > 255 || v.len + 3 > cap) {
		rc = RT_ENOMEM;
		goto out;
	}
	out[h++] = 0xD0;
	if (v.len >= 0x80)
		out[h++] = 0x81;
	out[h++] = (uint8_t)v.len;
	memcpy(out + h, v.data, v.len);
	*len = h + v.len;
out:
	rt_buf_free(&v);
	return rc;
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

static void rt_cat_pop(struct rt_euicc *card)
{
	card->proactive.head = (card->proactive.head + 1) % RT_EUICC_PROACTIVE_MAX;
	card->proactive.count--;
	card->proactive.fetched = 0;
}

/* The command details (81) of the queued command at the head; 0 or -1. */
static int rt_cat_head_details(const struct rt_euicc *card, struct rt_ctlv *det)
{
	const uint8_t *c = card->proactive.cmd[card->proactive.head];
	size_t n = card->proactive.len[card->proactive.head], h;

	if (n < 2 || c[0] != 0xD0)
		return -1;
	h = c[1] == 0x81 ? 3 : 2;
	if (n < h)
		return -1;
	return rt_ctlv_find(c + h, n - h, 0x81, RT_CTLV_F_ANY_CR, det, NULL) == 0 && det->len == 3 ? 0 : -1;
}

/* TS 102 221 10.1.2 / TS 102 223 5.2: the terminal's capabilities. The reference card
 * needs none of them to send SMS (SEND SHORT MESSAGE is a basic command), so every
 * profile is accepted; then the ISD-R's attach work runs (declaration, re-sent
 * notifications) and what is due goes out as proactive commands. */
uint16_t rt_euicc_cmd_terminal_profile(struct rt_euicc *card, struct rt_euicc_channel *ch,
				       const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	(void)ch;
	(void)resp;
	if (cmd->apdu->p1 != 0 || cmd->apdu->p2 != 0)
		return RT_SW_WRONG_P1P2;
	if (cmd->apdu->lc == 0)
		return RT_SW_WRONG_LENGTH;
	card->terminal_profile = 1;
	rt_euicc_isdr_on_attach(card);
	rt_euicc_ota_flush(card);
	return RT_SW_OK;
}

/* TS 102 221 10.1.3 ENVELOPE; TS 102 223 7.1 / TS 31.111 7.1.1: 'D1' = SMS-PP DOWNLOAD. */
uint16_t rt_euicc_cmd_envelope(struct rt_euicc *card, struct rt_euicc_channel *ch,
			       const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	uint16_t sw;

	(void)ch;
	/* Fault envelope_6d00: a card with no SMS-PP download at all ("INS not supported"),
	 * which silently "refuses" every bad packet; negative OTA cases must not credit it. */
	if (card->cfg.faults & RT_EUICC_FAULT_ENVELOPE_6D00)
		return 0x6D00;
	if (cmd->apdu->p1 != 0 || cmd->apdu->p2 != 0)
		return RT_SW_WRONG_P1P2;
	if (cmd->apdu->lc < 2)
		return RT_SW_WRONG_LENGTH;
	if (cmd->apdu->data[0] != 0xD1)
		return RT_SW_WRONG_DATA;
	sw = rt_euicc_ota_sms_pp(card, cmd->apdu->data, cmd->apdu->lc, resp);
	/* What the script queued for the SM-SR (notifications) leaves with the PoR. */
	rt_euicc_ota_flush(card);
	return sw;
}

/* TS 102 221 10.1.4 FETCH: the pending proactive command. Its length must be the Le
 * (the core answers 6Cxx to a short Le; the command stays for the repeated FETCH). */
uint16_t rt_euicc_cmd_fetch(struct rt_euicc *card, struct rt_euicc_channel *ch,
			    const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	size_t n;

	(void)ch;
	if (cmd->apdu->p1 != 0 || cmd->apdu->p2 != 0)
		return RT_SW_WRONG_P1P2;
	if (cmd->apdu->lc != 0)
		return RT_SW_WRONG_LENGTH;
	if (card->proactive.count == 0)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	n = card->proactive.len[card->proactive.head];
	memcpy(resp->data, card->proactive.cmd[card->proactive.head], n);
	resp->len = n;
	card->proactive.fetched = 1;
	return RT_SW_OK;
}

/* TS 102 221 10.1.5 TERMINAL RESPONSE; TS 102 223 6.8: command details (the fetched
 * command's), device identities, result (8.12). */
uint16_t rt_euicc_cmd_terminal_response(struct rt_euicc *card, struct rt_euicc_channel *ch,
					const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	struct rt_ctlv det, head, res;

	(void)ch;
	(void)resp;
	if (a->p1 != 0 || a->p2 != 0)
		return RT_SW_WRONG_P1P2;
	if (a->lc == 0)
		return RT_SW_WRONG_LENGTH;
	if (card->proactive.count == 0 || !card->proactive.fetched)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	if (rt_ctlv_validate(a->data, a->lc, NULL) != 0 ||
	    rt_ctlv_find(a->data, a->lc, 0x81, RT_CTLV_F_ANY_CR, &det, NULL) != 0 || det.len != 3 ||
	    rt_ctlv_find(a->data, a->lc, 0x83, RT_CTLV_F_ANY_CR, &res, NULL) != 0 || res.len < 1)
		return RT_SW_WRONG_DATA;
	/* TS 102 223 6.8: the command details are those of the proactive command (number
	 * and type; the terminal may report a changed qualifier). */
	if (rt_cat_head_details(card, &head) != 0 || head.value[0] != det.value[0] ||
	    head.value[1] != det.value[1])
		return RT_SW_WRONG_DATA;
	/* TS 102 223 8.12: 2x = temporary problem (try again later), anything else ends
	 * the command (0x success, 3x permanent problem). */
	if ((res.value[0] & 0xF0) == 0x20)
		card->proactive.fetched = 0;
	else
		rt_cat_pop(card);
	return RT_SW_OK;
}

void rt_euicc_cat_reset(struct rt_euicc *card)
{
	memset(&card->proactive, 0, sizeof(card->proactive));
	card->terminal_profile = 0;
	rt_euicc_ota_reset(card);
}
