/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_ota — SMS-PP DOWNLOAD to the ISD-R and the ISD-Ps (SGP.02 2.4.3, ES5 over
 * SMS): the ENVELOPE's SMS-DELIVER (TS 31.111 7.1.1, TS 23.040), concatenated secured
 * packets (TS 31.115 6.2/6.3), SCP80 with the card's keysets and counters (TS 102 225,
 * through scp/rt_scp80), the remote command script (TS 102 226 5.1/5.2) run command by
 * command through rt_euicc_exec in the security domain the TAR names, and the PoR
 * (TS 102 225 5.2 / TS 31.115 6.4) in the ENVELOPE response (SMS-DELIVER-REPORT) or as
 * an MO SMS-SUBMIT. Also the notifications the ISD-R queues, sent as SCP80 command
 * packets by MO SMS (rt_euicc_ota_flush).
 *
 * Owns card->ota (struct rt_euicc_ota_state): the concatenated-SMS reassembly slots and
 * the proactive command numbering. All of it is volatile (rt_euicc_cat_reset clears it).
 * Key material stays in card->st; copies handed to rt_scp80 are wiped afterwards. */
#include "roles/euicc/rt_euicc_ota.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_rcmd.h"
#include "codec/rt_sms.h"
#include "codec/rt_tlv.h"
#include "scp/rt_scp80.h"
#include "util/rt_buf.h"
#include "util/rt_log.h"

const uint8_t rt_euicc_tar_isdr[3] = { 0x00, 0x00, 0x01 };

/* Largest reassembled command packet and largest script response handled. */
#define RT_OTA_PACKET_MAX (RT_EUICC_OTA_REASM_PARTS * RT_SMS_UD_MAX)
#define RT_OTA_RESPONSE_MAX 8192

/* TS 102 226 5.2.2 "bad format" TLV values (docs/spec-notes/50-ota-cat.md). */
enum rt_ota_bad_format {
	RT_OTA_BF_UNKNOWN_TAG = 0x01,
	RT_OTA_BF_WRONG_LENGTH = 0x02,
	RT_OTA_BF_NO_LENGTH = 0x03,
};

struct rt_ota_reasm {
	int used;
	int ref16;
	unsigned ref, total;
	unsigned long long age;
	uint8_t have[RT_EUICC_OTA_REASM_PARTS];
	uint8_t ud[RT_EUICC_OTA_REASM_PARTS][RT_SMS_UD_MAX];
	size_t len[RT_EUICC_OTA_REASM_PARTS];
};

struct rt_euicc_ota_state {
	struct rt_ota_reasm slot[RT_EUICC_OTA_REASM_SLOTS];
	unsigned long long tick;
	uint8_t cmd_nr;
};

/* 1 when the fault knob (RT_EUICC_FAULT_*, the OTA area's bits) is set on this card. */
static int rt_ota_fault(const struct rt_euicc *card, uint64_t fault)
{
	return (card->cfg.faults & fault) != 0;
}

static struct rt_euicc_ota_state *rt_ota_state(struct rt_euicc *card)
{
	if (!card->ota)
		card->ota = calloc(1, sizeof(struct rt_euicc_ota_state));
	return card->ota;
}

void rt_euicc_ota_free(struct rt_euicc *card)
{
	free(card->ota);
	card->ota = NULL;
}

/* --- keys and TARs -------------------------------------------------------------------- */

struct rt_ota_lookup {
	struct rt_euicc *card;
	int cntr_ks;                      /* st.scp80 index whose counter was handed out */
	const struct rt_euicc_app *app;   /* the security domain the TAR names */
	int isdp;
};

static int rt_ota_keyset(const struct rt_euicc_state *st, uint8_t kvn)
{
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_SCP80; i++)
		if (st->scp80[i].kvn != 0 && st->scp80[i].kvn == kvn)
			return (int)i;
	return -1;
}

/* rt_scp80_lookup callback. TAR 000001 is the ISD-R; an ISD-P's TAR (AID bytes 13..15)
 * reaches that ISD-P. Both are secured with the ISD-R's SCP80 keysets: an ISD-P has no
 * SCP80 keys of its own (its keys are SCP03, from ES8 key establishment) and the SM-SR
 * reaches it through the ISD-R's OTA channel (docs/spec-notes/50-ota-cat.md, TARs).
 * KIc key from the KIc keyset, KID key and counter from the KID keyset (the one that
 * authenticates the packet). */
static int rt_ota_lookup_fn(void *vctx, const uint8_t tar[RT_SCP80_TAR_LEN], uint8_t kic_ks,
			    uint8_t kid_ks, struct rt_scp80_keyset *ks, struct rt_err *err)
{
	struct rt_ota_lookup *c = vctx;
	struct rt_euicc_state *st = &c->card->st;
	struct rt_euicc_isdp *p;
	int i, j;

	c->cntr_ks = -1;
	if (memcmp(tar, rt_euicc_tar_isdr, 3) == 0) {
		c->app = &rt_euicc_app_isdr;
		c->isdp = -1;
	} else {
		p = rt_euicc_isdp_by_tar(st, tar);
		if (!p)
			return rt_err_set(err, RT_ENOENT, "TAR %02X%02X%02X is no security domain",
					  tar[0], tar[1], tar[2]);
		c->app = &rt_euicc_app_isdp;
		c->isdp = (int)(p - st->isdp);
	}
	memset(ks, 0, sizeof(*ks));
	i = rt_ota_keyset(st, kic_ks);
	j = rt_ota_keyset(st, kid_ks);
	/* Fault first_keyset: the keyset the KIc/KID name is not looked at. */
	if (rt_ota_fault(c->card, RT_EUICC_FAULT_FIRST_KEYSET) && st->scp80[0].kvn)
		i = j = 0;
	if (i >= 0 && st->scp80[i].kic_len <= sizeof(ks->kic.key)) {
		ks->kic.alg = st->scp80[i].kic_alg;
		memcpy(ks->kic.key, st->scp80[i].kic, st->scp80[i].kic_len);
		ks->kic.len = st->scp80[i].kic_len;
	}
	if (j >= 0 && st->scp80[j].kid_len <= sizeof(ks->kid.key)) {
		ks->kid.alg = st->scp80[j].kid_alg;
		memcpy(ks->kid.key, st->scp80[j].kid, st->scp80[j].kid_len);
		ks->kid.len = st->scp80[j].kid_len;
		c->cntr_ks = j;
	} else if (i >= 0) {
		c->cntr_ks = i;
	}
	/* TS 102 225 5.1.1: the counter is checked against the stored one. The fault knob
	 * hands out zero, so a replayed (non-zero) counter passes. */
	if (c->cntr_ks >= 0 && !(c->card->cfg.faults & RT_EUICC_FAULT_ACCEPT_REPLAY))
		memcpy(ks->cntr, st->scp80[c->cntr_ks].cntr, RT_SCP80_CNTR_LEN);
	/* SGP.02 2.4.3 (as read in docs/spec-notes/50-ota-cat.md): ciphering, CC and a
	 * counter that must be higher than the stored one. */
	ks->min_spi[0] = RT_EUICC_OTA_MIN_SPI1;
	ks->min_spi[1] = 0x00;
	/* Fault accept_low_security: no minimum security level at all. */
	if (rt_ota_fault(c->card, RT_EUICC_FAULT_OTA_LOW_SECURITY))
		ks->min_spi[0] = 0x00;
	return 0;
}

static int rt_ota_cntr_greater(const uint8_t a[RT_SCP80_CNTR_LEN], const uint8_t b[RT_SCP80_CNTR_LEN])
{
	return memcmp(a, b, RT_SCP80_CNTR_LEN) > 0;
}

/* --- remote command scripts (TS 102 226 5) ---------------------------------------------- */

/* TS 102 226 5.1/5.2: a script stops at the first command whose status is an error;
 * 9000, 91xx, 61xx, 62xx and 63xx let it go on. */
static int rt_ota_sw_ok(uint16_t sw)
{
	uint8_t sw1 = (uint8_t)(sw >> 8);

	return sw == 0x9000 || sw1 == 0x91 || sw1 == 0x61 || sw1 == 0x62 || sw1 == 0x63;
}

/* Reads one script item (1-byte tag, BER length 00..7F / 81 xx / 82 xx xx) at d[0..n).
 * 0 and *tag, *v, *vlen, *used; a bad-format code otherwise. */
static int rt_ota_item(const uint8_t *d, size_t n, uint8_t *tag, const uint8_t **v, size_t *vlen,
		       size_t *used)
{
	size_t h, l;

	if (n < 2)
		return RT_OTA_BF_NO_LENGTH;
	*tag = d[0];
	/* A multi-byte tag ('1F' low bits) is no item tag of TS 102 226. */
	if ((d[0] & 0x1F) == 0x1F)
		return RT_OTA_BF_UNKNOWN_TAG;
	if (d[1] < 0x80) {
		l = d[1];
		h = 2;
	} else if (d[1] == 0x81 && n >= 3 && d[2] >= 0x80) {
		l = d[2];
		h = 3;
	} else if (d[1] == 0x82 && n >= 4 && (d[2] << 8 | d[3]) >= 0x100) {
		l = (size_t)(d[2] << 8 | d[3]);
		h = 4;
	} else {
		return d[1] == 0x81 || d[1] == 0x82 ? RT_OTA_BF_NO_LENGTH : RT_OTA_BF_WRONG_LENGTH;
	}
	if (l > n - h)
		return RT_OTA_BF_WRONG_LENGTH;
	*v = d + h;
	*vlen = l;
	*used = h + l;
	return 0;
}

/* Expanded format: AA L { items } or AE 80 { items } 00 00. Runs the 22 C-APDUs in
 * order in app/isdp; an ISD-P also takes the SCP03t TLVs 84/85/86 (SGP.02 4.1.3.3,
 * handled by rt_euicc_isdp_script_tlv). Builds AB/AF { 80 01 n, 23 R-APDU..., [90] }. */
static int rt_ota_run_expanded(struct rt_euicc *card, const struct rt_euicc_app *app, int isdp,
			       const uint8_t *d, size_t n, struct rt_euicc_resp *r,
			       struct rt_buf *out)
{
	struct rt_buf items;
	struct rt_buf body;
	const uint8_t *p, *v;
	size_t left, vlen, used;
	int indefinite = d[0] == RT_RCMD_TAG_CMD_INDEF;
	int bf = 0, rc = 0, ended = 0, stopped = 0;
	unsigned executed = 0;
	uint8_t tag, cnt[1];

	rt_buf_init(&items, RT_OTA_RESPONSE_MAX);
	rt_buf_init(&body, RT_OTA_RESPONSE_MAX);
	/* The template itself. */
	if (indefinite) {
		if (n < 4 || d[1] != 0x80) {
			bf = RT_OTA_BF_WRONG_LENGTH;
			goto respond;
		}
		p = d + 2;
		left = n - 2;
	} else {
		rc = rt_ota_item(d, n, &tag, &p, &left, &used);
		if (rc || used != n) {
			bf = rc ? rc : RT_OTA_BF_WRONG_LENGTH;
			rc = 0;
			goto respond;
		}
	}
	while (left > 0) {
		/* TS 102 226 5.2.1 / X.690 8.1.5: end-of-contents closes an AE script. */
		if (indefinite && left >= 2 && p[0] == 0x00 && p[1] == 0x00) {
			ended = 1;
			if (left != 2)
				bf = RT_OTA_BF_WRONG_LENGTH;
			break;
		}
		bf = rt_ota_item(p, left, &tag, &v, &vlen, &used);
		if (bf)
			break;
		if (tag == RT_RCMD_TAG_CAPDU) {
			uint16_t sw = rt_euicc_exec(card, app, isdp, v, vlen, r);
			uint8_t swb[2] = { (uint8_t)(sw >> 8), (uint8_t)sw };
			uint8_t rapdu[RT_EUICC_RESP_MAX + 2];

			executed++;
			if (!rt_ota_sw_ok(sw))
				r->len = 0; /* errors carry no data */
			memcpy(rapdu, r->data, r->len);
			memcpy(rapdu + r->len, swb, 2);
			rc = rt_tlv_put(&items, RT_RCMD_TAG_RAPDU, rapdu, r->len + 2, NULL);
			if (rc)
				goto out;
			/* Fault script_no_stop: the script goes on after an error. */
			if (!rt_ota_sw_ok(sw) && !rt_ota_fault(card, RT_EUICC_FAULT_SCRIPT_NO_STOP)) {
				stopped = 1;
				break;
			}
		} else if (app == &rt_euicc_app_isdp && (tag == 0x84 || tag == 0x85 || tag == 0x86)) {
			r->len = 0;
			if (rt_euicc_isdp_script_tlv(card, isdp, p, used, r) != 0) {
				bf = RT_OTA_BF_UNKNOWN_TAG;
				break;
			}
			executed++;
			rc = rt_buf_append(&items, r->data, r->len);
			if (rc)
				goto out;
		} else if (tag == RT_RCMD_TAG_IMMEDIATE || tag == RT_RCMD_TAG_ERROR_ACTION ||
			   tag == RT_RCMD_TAG_CHAINING) {
			/* Immediate action, error action, script chaining: not offered by this
			 * card; the items are skipped (docs/spec-notes/50-ota-cat.md). */
		} else if (!rt_ota_fault(card, RT_EUICC_FAULT_SKIP_UNKNOWN_ITEM)) {
			/* (fault skip_unknown_item: the item is skipped instead) */
			bf = RT_OTA_BF_UNKNOWN_TAG;
			break;
		}
		p += used;
		left -= used;
	}
	/* An AE script must end with 00 00 (X.690 8.1.3.6). */
	if (indefinite && !ended && !bf && !stopped)
		bf = RT_OTA_BF_NO_LENGTH;
	/* Fault no_eoc_check: a missing end-of-contents goes unnoticed. */
	if (indefinite && !ended && bf == RT_OTA_BF_NO_LENGTH &&
	    rt_ota_fault(card, RT_EUICC_FAULT_NO_EOC_CHECK))
		bf = 0;
respond:
	/* TS 102 226 5.2.2: number of executed C-APDUs first, then the R-APDUs, then bad
	 * format when the script could not be read to its end. */
	cnt[0] = (uint8_t)(executed > 255 ? 255 : executed);
	rc = rt_tlv_put(&body, RT_RCMD_TAG_EXECUTED, cnt, 1, NULL);
	if (!rc && items.len)
		rc = rt_buf_append(&body, items.data, items.len);
	if (!rc && bf) {
		uint8_t b = (uint8_t)bf;

		rc = rt_tlv_put(&body, RT_RCMD_TAG_BAD_FORMAT, &b, 1, NULL);
	}
	if (!rc)
		rc = indefinite ? rt_tlv_put_indefinite(out, RT_RCMD_TAG_RSP_INDEF, body.data, body.len, NULL)
				: rt_tlv_put(out, RT_RCMD_TAG_RSP_DEF, body.data, body.len, NULL);
out:
	rt_buf_free(&items);
	rt_buf_free(&body);
	return rc;
}

/* Compact format (TS 102 226 5.1.1): a run of C-APDUs; the answer is the number of
 * executed commands, the last SW and the last command's data (5.1.2). */
static int rt_ota_run_compact(struct rt_euicc *card, const struct rt_euicc_app *app, int isdp,
			      const uint8_t *d, size_t n, struct rt_euicc_resp *r,
			      struct rt_buf *out)
{
	struct rt_rcmd_item *items = calloc(RT_RCMD_ITEMS_MAX, sizeof(*items));
	size_t cnt = 0, i;
	unsigned executed = 0;
	uint16_t sw = RT_SW_OK;
	int rc;

	if (!items)
		return RT_ENOMEM;
	r->len = 0;
	if (rt_rcmd_compact_split(d, n, items, RT_RCMD_ITEMS_MAX, &cnt, NULL) != 0) {
		/* Not a run of APDUs: nothing is executed (our choice, spec-notes). */
		rc = rt_rcmd_compact_resp_build(0, RT_SW_WRONG_LENGTH, NULL, 0, out, NULL);
		goto out;
	}
	for (i = 0; i < cnt; i++) {
		sw = rt_euicc_exec(card, app, isdp, items[i].value, items[i].len, r);
		executed++;
		if (!rt_ota_sw_ok(sw) && !rt_ota_fault(card, RT_EUICC_FAULT_SCRIPT_NO_STOP)) {
			r->len = 0;
			break;
		}
	}
	rc = rt_rcmd_compact_resp_build((uint8_t)executed, sw, r->data, r->len, out, NULL);
out:
	free(items);
	return rc;
}

/* TS 102 226 5.1: the secured data is an expanded script when it starts with a command
 * scripting template tag (AA/AE), a compact one otherwise (docs/spec-notes/50-ota-cat.md:
 * 'AA'/'AE' are no CLA a compact command could start with). */
static int rt_ota_run_script(struct rt_euicc *card, const struct rt_euicc_app *app, int isdp,
			     const uint8_t *d, size_t n, struct rt_buf *out)
{
	struct rt_euicc_resp *r = malloc(sizeof(*r));
	int rc;

	if (!r)
		return RT_ENOMEM;
	r->len = 0;
	if (n > 0 && (d[0] == RT_RCMD_TAG_CMD_DEF || d[0] == RT_RCMD_TAG_CMD_INDEF))
		rc = rt_ota_run_expanded(card, app, isdp, d, n, r, out);
	else
		rc = rt_ota_run_compact(card, app, isdp, d, n, r, out);
	free(r);
	return rc;
}

/* --- concatenation (TS 31.115 6.3, TS 23.040 9.2.3.24.1) ---------------------------- */

/* Buffers one segment. Returns 1 with the whole packet (UDH 02 70 00 + CPL...) in pkt
 * once every segment is there, 0 while segments are missing, a negative code when the
 * segments do not make a command packet (they are then dropped). */
static int rt_ota_concat(struct rt_euicc *card, const uint8_t *ud, size_t ud_len,
			 const struct rt_sms_concat_ie *ci, struct rt_buf *pkt)
{
	struct rt_euicc_ota_state *s = rt_ota_state(card);
	struct rt_ota_reasm *slot = NULL;
	const uint8_t *uds[RT_EUICC_OTA_REASM_PARTS];
	size_t i, n = 0;
	struct rt_sms_reasm_info info;
	struct rt_err err = { 0 };
	int rc;

	if (!s)
		return RT_ENOMEM;
	if (ci->total > RT_EUICC_OTA_REASM_PARTS || ud_len > RT_SMS_UD_MAX)
		return RT_ERANGE;
	for (i = 0; i < RT_EUICC_OTA_REASM_SLOTS; i++)
		if (s->slot[i].used && s->slot[i].ref == ci->ref && s->slot[i].ref16 == ci->ref16)
			slot = &s->slot[i];
	/* (fault stale_reasm_slot: the old set is kept and the new segment joins it) */
	if (slot && slot->total != ci->total && !rt_ota_fault(card, RT_EUICC_FAULT_STALE_REASM_SLOT)) {
		memset(slot, 0, sizeof(*slot)); /* a new message reuses the reference */
		slot = NULL;
	}
	if (!slot) {
		/* A free slot, else the oldest one (bounded, no timer). */
		slot = &s->slot[0];
		for (i = 0; i < RT_EUICC_OTA_REASM_SLOTS; i++) {
			if (!s->slot[i].used) {
				slot = &s->slot[i];
				break;
			}
			if (s->slot[i].age < slot->age)
				slot = &s->slot[i];
		}
		/* Fault one_reasm_slot: one message at a time, a new one evicts it. */
		if (rt_ota_fault(card, RT_EUICC_FAULT_ONE_REASM_SLOT))
			slot = &s->slot[0];
		memset(slot, 0, sizeof(*slot));
		slot->used = 1;
		slot->ref = ci->ref;
		slot->ref16 = ci->ref16;
		slot->total = ci->total;
	}
	slot->age = ++s->tick;
	/* A repeated segment replaces the earlier copy (the network may resend). */
	memcpy(slot->ud[ci->seq - 1], ud, ud_len);
	slot->len[ci->seq - 1] = ud_len;
	slot->have[ci->seq - 1] = 1;
	for (i = 0; i < slot->total; i++)
		if (slot->have[i])
			uds[n++] = slot->ud[i];
	if (n < slot->total)
		return 0;
	rc = rt_buf_append(pkt, "\x02\x70\x00", 3);
	if (!rc)
		rc = rt_sms_reassemble(uds, slot->len, n, RT_EUICC_OTA_REASM_PARTS, pkt, &info, &err);
	if (!rc && info.packet_iei != RT_SMS_IEI_CPI && !rt_ota_fault(card, RT_EUICC_FAULT_CONCAT_NO_CPI))
		rc = rt_err_set(&err, RT_EPROTO, "segment 1 has no command packet identifier");
	/* Fault stale_reasm_slot: the completed set stays in its slot. */
	if (rt_ota_fault(card, RT_EUICC_FAULT_STALE_REASM_SLOT))
		return rc ? rc : 1;
	if (rc)
		rt_log(RT_LOG_DEBUG, "euicc: concatenated SMS dropped: %s", err.msg);
	memset(slot, 0, sizeof(*slot));
	return rc ? rc : 1;
}

/* --- SMS-PP DOWNLOAD ------------------------------------------------------------------ */

/* TS 23.038 4: class 2 (SIM/UICC specific) 8-bit data, either in the 1111 group or in
 * the general group with the class bits in use (F6 / 16 as OTA senders write it). */
static int rt_ota_dcs_ok(uint8_t dcs, int any_class)
{
	if ((dcs & 0xF0) == 0xF0)
		return (dcs & 0x04) && (any_class || (dcs & 0x03) == 0x02);
	if ((dcs & 0xC0) == 0x00)
		return (dcs & 0x10) && ((dcs >> 2) & 0x03) == 0x01 && (dcs & 0x03) == 0x02;
	return 0;
}

static const struct rt_scp80_opts rt_ota_cntr11_higher = { 8, RT_SCP80_CNTR11_HIGHER, 0 };

/* The fault knobs that bend a refusal's PoR (each breaks one rule of TS 102 225 5.2 /
 * Table 5.3): the blocked counter reported as low, the PoR unsecured, the counter not
 * echoed. */
static void rt_ota_refusal_faults(struct rt_euicc *card, struct rt_scp80_rx *rx)
{
	uint64_t f = card->cfg.faults;

	if ((f & RT_EUICC_FAULT_CNTR_BLOCKED_AS_LOW) && rx->status == RT_SCP80_ST_CNTR_BLOCKED)
		rx->status = RT_SCP80_ST_CNTR_LOW;
	if (f & RT_EUICC_FAULT_PLAIN_REFUSAL_POR)
		rx->por.spi[1] = (uint8_t)(rx->por.spi[1] & ~0x1Cu);
	if (f & RT_EUICC_FAULT_REFUSAL_CNTR_ZERO)
		memset(rx->por.cntr, 0, RT_SCP80_CNTR_LEN);
}

/* Unwraps one command packet, runs its script, answers with a PoR as SPI2 asks. */
static uint16_t rt_ota_packet(struct rt_euicc *card, const uint8_t *pkt, size_t plen,
			      struct rt_euicc_resp *resp)
{
	struct rt_ota_lookup ctx = { card, -1, NULL, -1 };
	struct rt_scp80_lookup lk = { rt_ota_lookup_fn, &ctx };
	struct rt_scp80_rx rx;
	struct rt_buf data, rdata, por;
	struct rt_err err = { 0 };
	uint16_t sw = RT_SW_OK;
	int rc;

	rt_buf_init(&data, RT_SCP80_MAX_PACKET);
	rt_buf_init(&rdata, RT_OTA_RESPONSE_MAX);
	rt_buf_init(&por, RT_OTA_RESPONSE_MAX + 64);
	/* Fault cntr11_as_higher: counter mode 11 read as 10 (any higher counter). */
	rc = rt_scp80_cmd_unwrap(RT_SCP80_SMS, pkt, plen, &lk,
				 rt_ota_fault(card, RT_EUICC_FAULT_CNTR11_AS_HIGHER) ? &rt_ota_cntr11_higher : NULL,
				 &rx, &data, &err);
	if (!rx.parsed) {
		/* TS 102 225 5.1: without a readable header there is no TAR to answer; the
		 * packet is discarded and the SMS itself was delivered. */
		rt_log(RT_LOG_DEBUG, "euicc: OTA packet discarded: %s", err.msg);
		goto out;
	}
	if (rc)
		rt_log(RT_LOG_DEBUG, "euicc: OTA packet refused (status %02X): %s", rx.status, err.msg);
	if (rc)
		rt_ota_refusal_faults(card, &rx);
	if (rc == 0) {
		/* TS 102 225 5.1.1: the new counter is stored before the commands run, and
		 * made durable before the card answers. */
		if (rx.cntr_update && ctx.cntr_ks >= 0 &&
		    rt_ota_cntr_greater(rx.new_cntr, card->st.scp80[ctx.cntr_ks].cntr)) {
			memcpy(card->st.scp80[ctx.cntr_ks].cntr, rx.new_cntr, RT_SCP80_CNTR_LEN);
			if (rt_euicc_commit(card)) {
				sw = RT_SW_UNKNOWN;
				goto out;
			}
		}
		rc = rt_ota_run_script(card, ctx.app, ctx.isdp, data.data, data.len, &rdata);
		if (rc) {
			sw = RT_SW_UNKNOWN;
			goto out;
		}
	}
	if (!rx.por_wanted || (card->cfg.faults & RT_EUICC_FAULT_NO_POR))
		goto out;
	/* TS 102 225 5.2: the PoR echoes TAR and counter and is secured as SPI2 says; the
	 * response data only when the commands ran. */
	rc = rt_scp80_por_build(&rx.por, rx.status, rdata.data, rx.status == RT_SCP80_ST_OK ? rdata.len : 0,
				NULL, &por, &err);
	if (rc) {
		rt_log(RT_LOG_ERROR, "euicc: cannot build the PoR: %s", err.msg);
		goto out;
	}
	if ((card->cfg.faults & RT_EUICC_FAULT_POR_BAD_CC) && rx.spi.por_check != RT_SCP80_CHECK_NONE &&
	    por.len > 3)
		por.data[por.len - 1] ^= 0x5A; /* the fault: the last CC-covered byte changes */
	if (rx.spi.por_via_submit) {
		/* TS 31.115 4.2 SPI2 b6: PoR by SMS-SUBMIT, sent without its UDH (the split
		 * adds 02 71 00 or the concatenation UDH). */
		if (rt_euicc_ota_send_mo(card, por.data + 3, por.len - 3, RT_SMS_IEI_RPI))
			rt_log(RT_LOG_ERROR, "euicc: no room for the PoR SMS-SUBMIT");
	} else if (por.len <= RT_EUICC_RESP_MAX) {
		/* TS 31.111 7.1.1.2: the ENVELOPE response data go back in the
		 * SMS-DELIVER-REPORT's TP-UD (UDH 02 71 00 included). */
		memcpy(resp->data, por.data, por.len);
		resp->len = por.len;
	}
out:
	rt_scp80_rx_clear(&rx);
	if (data.data)
		OPENSSL_cleanse(data.data, data.len);
	rt_buf_free(&data);
	rt_buf_free(&rdata);
	rt_buf_free(&por);
	return sw;
}

uint16_t rt_euicc_ota_sms_pp(struct rt_euicc *card, const uint8_t *envelope_value, size_t len,
			     struct rt_euicc_resp *resp)
{
	struct rt_sms_envelope e;
	struct rt_sms_tpdu *t = NULL;
	struct rt_sms_concat_ie ci;
	struct rt_buf pkt;
	struct rt_err err = { 0 };
	uint16_t sw = RT_SW_WRONG_DATA;
	int rc;

	rt_buf_init(&pkt, RT_OTA_PACKET_MAX + 3);
	/* TS 31.111 7.1.1.2 / TS 102 223 7.1: D1 { device identities, [address], SMS TPDU }. */
	if (rt_sms_envelope_parse(envelope_value, len, &e, &err) != 0)
		goto out;
	/* Device identities: source network (83), destination UICC (81). */
	if (e.src != RT_SMS_DEV_NETWORK || e.dst != RT_SMS_DEV_UICC) {
		rt_err_set(&err, RT_EPROTO, "device identities %02X -> %02X", e.src, e.dst);
		goto out;
	}
	t = malloc(sizeof(*t));
	if (!t) {
		sw = RT_SW_UNKNOWN;
		goto out;
	}
	if (rt_sms_tpdu_decode(e.tpdu, e.tpdu_len, RT_SMS_DELIVER, t, &err) != 0)
		goto out;
	/* TS 31.111 7.1.1 / TS 23.040 9.2.3.9: data download to the UICC is TP-PID 7F
	 * (facts §1.8) with a class 2 8-bit TP-DCS. */
	/* (fault any_dcs_class: the message class is not looked at) */
	if (t->pid != 0x7F || !rt_ota_dcs_ok(t->dcs, rt_ota_fault(card, RT_EUICC_FAULT_ANY_DCS_CLASS))) {
		rt_err_set(&err, RT_EPROTO, "TP-PID %02X / TP-DCS %02X is no SIM data download",
			   t->pid, t->dcs);
		goto out;
	}
	/* TS 31.115 6.2: a secured packet is announced in the UDH. */
	if (!t->udhi) {
		rt_err_set(&err, RT_EPROTO, "SMS without user data header");
		goto out;
	}
	if (rt_sms_concat_ie_get(t->ud, t->ud_len, &ci, &err) != 0)
		goto out;
	sw = RT_SW_OK;
	if (ci.present) {
		rc = rt_ota_concat(card, t->ud, t->ud_len, &ci, &pkt);
		if (rc <= 0) /* waiting for more segments, or a broken set dropped */
			goto out;
	} else if (rt_buf_append(&pkt, t->ud, t->ud_len) != 0) {
		sw = RT_SW_UNKNOWN;
		goto out;
	}
	sw = rt_ota_packet(card, pkt.data, pkt.len, resp);
out:
	if (sw == RT_SW_WRONG_DATA)
		rt_log(RT_LOG_DEBUG, "euicc: SMS-PP DOWNLOAD refused: %s", err.msg);
	free(t);
	if (pkt.data)
		OPENSSL_cleanse(pkt.data, pkt.len);
	rt_buf_free(&pkt);
	return sw;
}

/* --- MO SMS --------------------------------------------------------------------------- */

int rt_euicc_ota_send_mo(struct rt_euicc *card, const uint8_t *packet, size_t len, uint8_t iei)
{
	struct rt_euicc_ota_state *s = rt_ota_state(card);
	struct rt_sms_concat_opts o;
	struct rt_buf uds, tpdu;
	size_t lens[RT_EUICC_PROACTIVE_MAX], n = 0, i, off = 0;
	uint8_t cmd[RT_EUICC_PROACTIVE_LEN];
	size_t clen;
	int rc;

	if (!s)
		return RT_ENOMEM;
	memset(&o, 0, sizeof(o));
	o.order = RT_SMS_CONCAT_DEFAULT;
	o.ref = (unsigned)(++s->tick & 0xFF);
	o.packet_iei = iei;
	rt_buf_init(&uds, RT_EUICC_PROACTIVE_MAX * RT_SMS_UD_MAX);
	rt_buf_init(&tpdu, RT_SMS_TPDU_MAX);
	/* TS 31.115 6.3: one SMS when it fits, else concatenated segments. */
	rc = rt_sms_concat_split(packet, len, &o, &uds, lens, RT_EUICC_PROACTIVE_MAX, &n, NULL);
	if (rc)
		goto out;
	if (n > rt_euicc_proactive_room(card)) {
		rc = RT_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct rt_sms_tpdu t;

		/* TS 23.040 9.2.2.2 SMS-SUBMIT with UDHI; TP-PID 7F and TP-DCS F6 as the
		 * secured packets of TS 31.115 travel (facts §1.8); no validity period. */
		memset(&t, 0, sizeof(t));
		t.mti = RT_SMS_SUBMIT;
		t.udhi = 1;
		t.raw_ud = 1;
		t.mr = (uint8_t)s->tick;
		t.addr.toa = 0x81;
		t.addr.digits[0] = '\0';
		t.pid = 0x7F;
		t.dcs = 0xF6;
		t.vpf = RT_SMS_VPF_NONE;
		t.payload = uds.data + off;
		t.payload_len = lens[i];
		off += lens[i];
		rt_buf_reset(&tpdu);
		rc = rt_sms_tpdu_encode(&t, &tpdu, NULL);
		if (!rc)
			rc = rt_euicc_cat_send_sms_cmd(card, tpdu.data, tpdu.len, cmd, sizeof(cmd), &clen);
		if (!rc)
			rc = rt_euicc_proactive_push(card, cmd, clen);
		if (rc)
			goto out;
	}
out:
	rt_buf_free(&uds);
	rt_buf_free(&tpdu);
	return rc;
}

/* Notifications (SGP.02 ES5 "eUICC notification", facts §5.4): the ISD-R hands them
 * out one by one; each goes as an SCP80 command packet to the SM-SR with TAR 000001,
 * counter 00..00 and SPI "no counter" (facts §1.5), ciphered and with a CC under the
 * first keyset, by MO SMS. */
void rt_euicc_ota_flush(struct rt_euicc *card)
{
	uint8_t notif[512];
	size_t nlen, i;
	const struct rt_euicc_scp80_keyset *k = NULL;

	if (card->cfg.faults & RT_EUICC_FAULT_FORGET_NOTIF)
		return;
	for (i = 0; i < RT_EUICC_MAX_SCP80; i++)
		if (card->st.scp80[i].kvn) {
			k = &card->st.scp80[i];
			break;
		}
	if (!k)
		return;
	/* Bounded: at most as many as the queue can take (one SMS each, usually). */
	for (i = 0; i < RT_EUICC_PROACTIVE_MAX && rt_euicc_proactive_room(card) > 0; i++) {
		struct rt_scp80_key kic, kid;
		struct rt_scp80_sec sec;
		struct rt_buf pkt;
		int rc;

		nlen = 0;
		if (rt_euicc_isdr_next_notification(card, notif, sizeof(notif), &nlen) != 0 || nlen == 0)
			break;
		memset(&sec, 0, sizeof(sec));
		memset(&kic, 0, sizeof(kic));
		memset(&kid, 0, sizeof(kid));
		kic.alg = k->kic_alg;
		memcpy(kic.key, k->kic, k->kic_len);
		kic.len = k->kic_len;
		kid.alg = k->kid_alg;
		memcpy(kid.key, k->kid, k->kid_len);
		kid.len = k->kid_len;
		sec.dialect = RT_SCP80_SMS;
		sec.spi[0] = RT_EUICC_NOTIF_SPI1;
		sec.spi[1] = RT_EUICC_NOTIF_SPI2;
		rc = rt_scp80_kic_encode(k->kvn, k->kic_alg, &sec.kic, NULL);
		if (!rc)
			rc = rt_scp80_kid_encode(k->kvn, k->kid_alg, &sec.kid, NULL);
		memcpy(sec.tar, rt_euicc_tar_isdr, 3);
		sec.kic_key = &kic;
		sec.kid_key = &kid;
		rt_buf_init(&pkt, 1024);
		if (!rc)
			rc = rt_scp80_cmd_wrap(&sec, notif, nlen, NULL, &pkt, NULL);
		/* The wrap starts with the UDH 02 70 00; the MO split adds its own. */
		if (!rc && pkt.len > 3)
			rc = rt_euicc_ota_send_mo(card, pkt.data + 3, pkt.len - 3, RT_SMS_IEI_CPI);
		OPENSSL_cleanse(&kic, sizeof(kic));
		OPENSSL_cleanse(&kid, sizeof(kid));
		rt_buf_free(&pkt);
		if (rc) {
			rt_log(RT_LOG_ERROR, "euicc: cannot send a notification (%d)", rc);
			break;
		}
	}
}

uint8_t rt_euicc_ota_cmd_nr(struct rt_euicc *card)
{
	struct rt_euicc_ota_state *s = rt_ota_state(card);

	if (!s)
		return 0x01;
	s->cmd_nr = (uint8_t)(s->cmd_nr % 0xFE + 1);
	return s->cmd_nr;
}

/* Drops partial concatenated messages (volatile, lost at reset). */
void rt_euicc_ota_reset(struct rt_euicc *card)
{
	size_t i;

	if (card->ota)
		memset(card->ota, 0, sizeof(struct rt_euicc_ota_state));
	/* Fault cntr_volatile: the SCP80 counters are kept in RAM only. */
	if (rt_ota_fault(card, RT_EUICC_FAULT_CNTR_VOLATILE))
		for (i = 0; i < RT_EUICC_MAX_SCP80; i++)
			memset(card->st.scp80[i].cntr, 0, RT_SCP80_CNTR_LEN);
}
