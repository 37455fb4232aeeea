/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_isdr — the ISD-R's commands: the ES5 functions of SGP.02 4.1.1, and the eUICC
 * notifications with their roll-back (SGP.02 3.15, 4.1.1.11/4.1.1.12).
 *
 * Owns: INSTALL [for install and make selectable] (CreateISDP), STORE DATA with the DGIs
 * 3A03 EnableProfile, 3A04 DisableProfile, 3A05 SetFallBackAttribute, 3A07
 * UpdateSMSRAddressingParameters, 3A08 notification confirmation and the configured DGI of
 * SetEmergencyProfileAttribute (default 3A06, UNCONFIRMED), DELETE (DeleteProfile
 * and MasterDelete with its token), GET STATUS (per-profile audit) and GET DATA (BF30 audit,
 * FF21 resources); the notification queue (E1 messages, sequence numbers, attempts), the
 * roll-back point of an unconfirmed profile change, POL1 checks and the REFRESH proactive
 * command that follows a profile change. Encodings: docs/sgp02-facts.md §4.1,
 * §5.2-§5.5; open points and the choices made: docs/spec-notes/60-es5.md.
 *
 * Every handler answers 6982 unless the command came through the OTA executor
 * (rt_euicc_from_ota): ES5 reaches the ISD-R only over a secured channel (SGP.02 2.4,
 * docs/euicc-internals.md). A handler changes card->st only after all its checks passed,
 * then commits once (6F00 when the state cannot be saved). */
#include "roles/euicc/rt_euicc_int.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "codec/rt_dgi.h"
#include "codec/rt_tlv.h"
#include "crypto/rt_crypto.h"
#include "util/rt_log.h"

/* TEST ONLY: the MasterDelete token key when the personality sets none. */
const uint8_t rt_euicc_default_token_key[16] = { 0x70, 0x71, 0x72, 0x73, 0x74, 0x75,
						 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B,
						 0x7C, 0x7D, 0x7E, 0x7F };

/* SGP.02 Annex H (facts §4.1): the ISD-P Executable Load File and Module, and the
 * instance AID prefix (RID A000000559, PIX 1010FFFFFFFF89 + TAR(3) + 00). */
static const uint8_t rt_isdp_elf_aid[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
					   0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x0D, 0x00 };
static const uint8_t rt_isdp_module_aid[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
					      0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x0E, 0x00 };
static const uint8_t rt_isdp_aid_prefix[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10,
					      0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89 };
/* GP CS 11.1.2: the privileges an SM-SR gives an ISD-P (Security Domain, b8 of byte 1);
 * used only by the fault isdp_priv_unchecked. */
static const uint8_t rt_isdp_sd_priv[] = { 0x80, 0xC0, 0x00 };

/* Quota of an ISD-P created without a memory parameter (no source gives one). */
#define RT_ISDR_DEFAULT_QUOTA (16u << 10)
/* Free volatile memory reported by the resources audit (FF21 '83'). */
#define RT_ISDR_VOLATILE_FREE 4096u

/* SGP.02 notification types (facts §5.4). */
enum rt_notif_type {
	RT_NOTIF_DECLARATION = 0x01,
	RT_NOTIF_CHANGE_OK = 0x02,
	RT_NOTIF_ROLLBACK = 0x03,
	RT_NOTIF_FALLBACK = 0x05,
};

/* POL1 rules named by SGP.02 (facts §5.5); their bits depend on cfg.pol1_coding. */
enum rt_pol1_rule {
	RT_POL1_NO_DISABLE = 0,        /* "disabling of this profile not allowed" */
	RT_POL1_NO_DELETE = 1,         /* "deletion of this profile not allowed" */
	RT_POL1_DELETE_ON_DISABLE = 2, /* "deletion mandatory when its state is changed to disabled" */
};

/* STORE DATA DGIs on the ISD-R (facts §5.2). */
enum {
	RT_DGI_ENABLE = 0x3A03,
	RT_DGI_DISABLE = 0x3A04,
	RT_DGI_FALLBACK = 0x3A05,
	RT_DGI_SMSR_ADDR = 0x3A07,
	RT_DGI_NOTIF_CONFIRM = 0x3A08,
};

/* --- helpers on the model ----------------------------------------------------------- */

static int rt_pol1_has(const struct rt_euicc *card, const struct rt_euicc_isdp *p,
		       enum rt_pol1_rule rule)
{
	uint8_t bit;

	if (p->pol1_len == 0)
		return 0;
	bit = card->cfg.pol1_coding == RT_EUICC_POL1_MSB ? (uint8_t)(0x80u >> rule)
							 : (uint8_t)(1u << rule);
	return (p->pol1[0] & bit) != 0;
}

/* POL1 is enforced unless the fault knob says otherwise (SGP.02 3.11: the ISD-R checks POL1
 * before it executes a platform management command). */
static int rt_pol1_forbids(const struct rt_euicc *card, const struct rt_euicc_isdp *p,
			   enum rt_pol1_rule rule)
{
	if (card->cfg.faults & RT_EUICC_FAULT_IGNORE_POL1)
		return 0;
	return rt_pol1_has(card, p, rule);
}

static int rt_aid_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static unsigned rt_notif_retries(const struct rt_euicc *card)
{
	return card->cfg.notif_retries ? card->cfg.notif_retries : 1;
}

static size_t rt_notif_free_slots(const struct rt_euicc_state *st)
{
	size_t i, n = 0;

	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++)
		if (!st->notif[i].used)
			n++;
	return n;
}

/* Queues a notification (SGP.02 3.15). The caller checked there is room. With the
 * forget_notification fault the card never queues one. */
static void rt_notif_push(struct rt_euicc *card, uint8_t type, const uint8_t *aid, size_t aid_len)
{
	struct rt_euicc_state *st = &card->st;
	size_t i;

	if (card->cfg.faults & RT_EUICC_FAULT_FORGET_NOTIF)
		return;
	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++) {
		struct rt_euicc_notif *n = &st->notif[i];

		if (n->used)
			continue;
		memset(n, 0, sizeof(*n));
		n->used = 1;
		n->seq = st->next_seq;
		n->type = type;
		if (aid_len > sizeof(n->aid))
			aid_len = 0;
		if (aid_len)
			memcpy(n->aid, aid, aid_len);
		n->aid_len = (uint8_t)aid_len;
		/* Sequence numbers are 2 bytes (4E 02); 0 is never used so it can mean "none". */
		st->next_seq = (uint16_t)(st->next_seq + 1);
		if (st->next_seq == 0)
			st->next_seq = 1;
		return;
	}
	rt_log(RT_LOG_ERROR, "euicc: notification queue full, notification type %02X lost", type);
}

/* The notification that carries the pending profile change (its confirmation ends the
 * roll-back period), or NULL. */
static struct rt_euicc_notif *rt_notif_pending_change(struct rt_euicc_state *st)
{
	size_t i;

	if (!st->change_pending)
		return NULL;
	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++) {
		struct rt_euicc_notif *n = &st->notif[i];

		if (n->used && (n->type == RT_NOTIF_CHANGE_OK || n->type == RT_NOTIF_FALLBACK) &&
		    rt_aid_eq(n->aid, n->aid_len, st->rollback_from, st->rollback_from_len))
			return n;
	}
	return NULL;
}

static void rt_rollback_clear(struct rt_euicc_state *st)
{
	st->change_pending = 0;
	st->rollback_to_len = 0;
	st->rollback_from_len = 0;
	memset(st->rollback_to, 0, sizeof(st->rollback_to));
	memset(st->rollback_from, 0, sizeof(st->rollback_from));
}

/* Records the roll-back point of a profile change (SGP.02 3.2.2: without confirmation the
 * eUICC returns to the profile enabled before). */
static void rt_rollback_set(struct rt_euicc_state *st, const struct rt_euicc_isdp *before,
			    const struct rt_euicc_isdp *now)
{
	rt_rollback_clear(st);
	st->change_pending = 1;
	if (before) {
		memcpy(st->rollback_to, before->aid, before->aid_len);
		st->rollback_to_len = before->aid_len;
	}
	memcpy(st->rollback_from, now->aid, now->aid_len);
	st->rollback_from_len = now->aid_len;
}

/* TS 102 223 6.4.7 REFRESH: D0 { 81 03 <number 01> <type 01> <qualifier>, 82 02 81 82 }.
 * SGP.02 3.2.1 / 3.4.1 (EKN 06): after a profile change the eUICC asks for a UICC reset
 * (qualifier 04); cfg.refresh_qualifier bends it (option es5.refresh_qualifier). Volatile:
 * a full proactive queue only loses the REFRESH, never the change. */
static void rt_refresh(struct rt_euicc *card)
{
	uint8_t cmd[] = { 0xD0, 0x09, 0x81, 0x03, 0x01, 0x01, 0x04, 0x82, 0x02, 0x81, 0x82 };

	if (card->cfg.faults & RT_EUICC_FAULT_NO_REFRESH)
		return;
	if (card->cfg.refresh_qualifier)
		cmd[6] = card->cfg.refresh_qualifier;
	if (rt_euicc_proactive_push(card, cmd, sizeof(cmd)))
		rt_log(RT_LOG_ERROR, "euicc: proactive queue full, REFRESH dropped");
}

/* Frees an ISD-P's slot: memory quota back, keys wiped, package freed (SGP.02 3.6: the
 * ISD-P and everything in it are deleted). */
static void rt_isdp_free(struct rt_euicc *card, struct rt_euicc_isdp *p)
{
	/* Its secure-channel session goes with it, so a new ISD-P in the slot starts clean. */
	rt_euicc_isdp_session_drop(card, (int)(p - card->st.isdp));
	free(p->pkg);
	OPENSSL_cleanse(p, sizeof(*p));
	p->state = RT_ISDP_FREE;
}

static uint16_t rt_commit_sw(struct rt_euicc *card)
{
	return rt_euicc_commit(card) ? RT_SW_UNKNOWN : RT_SW_OK;
}

/* Parses data that must be exactly one '4F' TLV with a 5..16-byte AID (facts §5.2). */
static int rt_parse_aid_only(const uint8_t *d, size_t len, const uint8_t **aid, size_t *aid_len)
{
	struct rt_tlv t;

	if (rt_tlv_decode(d, len, 0, 0, 0, &t, NULL) || t.total_len != len || t.tag != 0x4F ||
	    t.len < 5 || t.len > RT_EUICC_AID_MAX)
		return -1;
	*aid = t.value;
	*aid_len = t.len;
	return 0;
}

/* --- INSTALL [for install and make selectable]: CreateISDP -------------------------- */

/* Reads a GP length-prefixed field (1-byte length) at *pos. */
static int rt_lv(const uint8_t *d, size_t len, size_t *pos, const uint8_t **v, size_t *vlen)
{
	if (*pos >= len || len - *pos - 1 < d[*pos])
		return -1;
	*vlen = d[*pos];
	*v = d + *pos + 1;
	*pos += 1 + *vlen;
	return 0;
}

/* The install parameters (GP CS 11.5.2.3.7; facts §4.1): 'C9' application specific
 * parameters (mandatory, may be empty), then optionally 'EF' system parameters whose
 * '83' (njiwa's "allocated memory") or GP's 'C8' (non-volatile quota) gives the ISD-P's
 * memory quota in 1..4 bytes. Anything else, or trailing bytes, is malformed. */
static int rt_install_params(const uint8_t *d, size_t len, uint32_t *quota, int *has_quota)
{
	struct rt_tlv_iter it, sub;
	struct rt_tlv t, s;
	int seen_c9 = 0, rc;

	*has_quota = 0;
	rt_tlv_iter_init(&it, d, len, 0);
	while ((rc = rt_tlv_next(&it, &t, NULL)) == 0) {
		if (t.tag == 0xC9 && !seen_c9) {
			seen_c9 = 1;
			if (t.len && rt_tlv_validate(t.value, t.len, 0, NULL))
				return -1;
			continue;
		}
		if (t.tag != 0xEF || !seen_c9 || rt_tlv_iter_init_children(&sub, &t, 0, 0, NULL))
			return -1;
		while ((rc = rt_tlv_next(&sub, &s, NULL)) == 0) {
			uint32_t q = 0;
			size_t i;

			if (s.tag != 0x83 && s.tag != 0xC8)
				continue; /* other GP system parameters (C6, C7, D7...) are ignored */
			if (s.len < 1 || s.len > 4)
				return -1;
			for (i = 0; i < s.len; i++)
				q = q << 8 | s.value[i];
			*quota = q;
			*has_quota = 1;
		}
		if (rc != RT_ENOENT)
			return -1;
	}
	return rc == RT_ENOENT && seen_c9 ? 0 : -1;
}

static uint16_t rt_isdr_install(struct rt_euicc *card, struct rt_euicc_channel *ch,
				const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	const uint8_t *elf, *mod, *aid, *priv, *params, *token;
	size_t elf_len, mod_len, aid_len, priv_len, params_len, token_len, pos = 0, i;
	struct rt_euicc_state *st = &card->st;
	struct rt_euicc_isdp *slot = NULL;
	uint32_t quota = RT_ISDR_DEFAULT_QUOTA;
	uint8_t any_aid[RT_EUICC_AID_MAX];
	int has_quota, isdp;

	if (!rt_euicc_from_ota(ch))
		return RT_SW_SECURITY_NOT_SATISFIED;
	/* GP CS 11.5.2.1: P1 '0C' = for install and make selectable (facts §4.1); the ISD-R
	 * takes no other INSTALL variant over ES5. */
	if (a->p1 != 0x0C || a->p2 != 0x00)
		return RT_SW_WRONG_P1P2;
	if (a->lc == 0)
		return RT_SW_WRONG_LENGTH;
	/* GP CS 11.5.2.3: LV fields ELF AID, module AID, instance AID, privileges, install
	 * parameters, install token, nothing after. */
	if (rt_lv(a->data, a->lc, &pos, &elf, &elf_len) ||
	    rt_lv(a->data, a->lc, &pos, &mod, &mod_len) ||
	    rt_lv(a->data, a->lc, &pos, &aid, &aid_len) ||
	    rt_lv(a->data, a->lc, &pos, &priv, &priv_len) ||
	    rt_lv(a->data, a->lc, &pos, &params, &params_len) ||
	    rt_lv(a->data, a->lc, &pos, &token, &token_len) || pos != a->lc)
		return RT_SW_WRONG_DATA;
	(void)token;
	if (aid_len == sizeof(any_aid) && (card->cfg.faults & RT_EUICC_FAULT_ISDP_AID_UNCHECKED)) {
		/* fault isdp_aid_unchecked: any RID/PIX, filed under the SGP.02 prefix */
		memcpy(any_aid, aid, sizeof(any_aid));
		memcpy(any_aid, rt_isdp_aid_prefix, sizeof(rt_isdp_aid_prefix));
		aid = any_aid;
	}
	if (card->cfg.faults & RT_EUICC_FAULT_ISDP_PRIV_UNCHECKED) {
		/* fault isdp_priv_unchecked: whatever privileges came pass as an SD's */
		priv = rt_isdp_sd_priv;
		priv_len = sizeof(rt_isdp_sd_priv);
	}
	/* SGP.02 4.1.1.1 (facts §4.1): instance AID = prefix + TAR(3) + '00', 16 bytes; the
	 * privileges are 3 bytes with b8 of byte 1 = Security Domain; no token on ES5. */
	if (aid_len != RT_EUICC_AID_MAX ||
	    memcmp(aid, rt_isdp_aid_prefix, sizeof(rt_isdp_aid_prefix)) != 0 || aid[15] != 0x00 ||
	    priv_len != 3 || !(priv[0] & 0x80) || token_len != 0 ||
	    rt_install_params(params, params_len, &quota, &has_quota))
		return RT_SW_WRONG_DATA;
	/* GP CS 11.5.3.2 (WHTY-SR's CreateISDP errors): an unknown load file or module is
	 * "referenced data not found". */
	if (!rt_aid_eq(elf, elf_len, rt_isdp_elf_aid, sizeof(rt_isdp_elf_aid)) ||
	    !rt_aid_eq(mod, mod_len, rt_isdp_module_aid, sizeof(rt_isdp_module_aid)))
		return RT_SW_REF_DATA_NOT_FOUND;
	/* An AID or TAR already on the card cannot be installed again (GP CS 11.5.3.2:
	 * conditions of use not satisfied). */
	if (rt_euicc_app_find(card, aid, aid_len, &isdp) || rt_euicc_isdp_by_aid(st, aid, aid_len) ||
	    rt_euicc_isdp_by_tar(st, aid + 12))
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	for (i = 0; i < RT_EUICC_MAX_ISDP && !slot; i++)
		if (st->isdp[i].state == RT_ISDP_FREE)
			slot = &st->isdp[i];
	/* SGP.02 4.1.1.1 / WHTY-SR: 6A84 when the eUICC cannot reserve the memory. A card
	 * without free ISD-P slots is out of memory too. */
	if (!slot)
		return RT_SW_NOT_ENOUGH_MEMORY;
	if (quota > rt_euicc_mem_free(st) && !(card->cfg.faults & RT_EUICC_FAULT_IGNORE_MEMORY))
		return RT_SW_NOT_ENOUGH_MEMORY;
	if (quota == rt_euicc_mem_free(st) && (card->cfg.faults & RT_EUICC_FAULT_MEMORY_EXACT_REFUSED))
		return RT_SW_NOT_ENOUGH_MEMORY;

	memset(slot, 0, sizeof(*slot));
	slot->state = RT_ISDP_SELECTABLE; /* SGP.02 Table 1: after CreateISDP (facts §4.1) */
	memcpy(slot->aid, aid, aid_len);
	slot->aid_len = (uint8_t)aid_len;
	memcpy(slot->tar, aid + 12, 3); /* facts §1.10: TAR = AID bytes 13..15 */
	slot->mem_quota = quota;
	(void)has_quota;
	if (rt_euicc_commit(card))
		return RT_SW_UNKNOWN;
	/* GP CS 11.5.3.1: the response is the single byte '00' (no additional data). */
	resp->data[0] = 0x00;
	resp->len = 1;
	return RT_SW_OK;
}

/* --- STORE DATA: the DGIs of ES5 ---------------------------------------------------- */

static uint16_t rt_lookup(struct rt_euicc *card, const uint8_t *value, size_t len,
			  struct rt_euicc_isdp **p)
{
	const uint8_t *aid;
	size_t aid_len;

	if (rt_parse_aid_only(value, len, &aid, &aid_len))
		return RT_SW_WRONG_DATA;
	*p = rt_euicc_isdp_by_aid(&card->st, aid, aid_len);
	return *p ? RT_SW_OK : RT_SW_REF_DATA_NOT_FOUND;
}

/* SGP.02 4.1.1.2 EnableProfile (3.2.1): the target must be DISABLED; the enabled profile is
 * disabled first unless its POL1 forbids it (69E1); then REFRESH and a "profile change
 * succeeded" notification, with the roll-back point kept until it is confirmed. */
static uint16_t rt_dgi_enable(struct rt_euicc *card, const uint8_t *v, size_t len)
{
	struct rt_euicc_state *st = &card->st;
	struct rt_euicc_isdp *t, *e;
	uint16_t sw = rt_lookup(card, v, len, &t);

	if (sw != RT_SW_OK)
		return sw;
	if (t->state != RT_ISDP_DISABLED)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	e = rt_euicc_isdp_enabled(st);
	if (e && rt_pol1_forbids(card, e, RT_POL1_NO_DISABLE))
		return RT_SW_POL1_FORBIDS;
	if (rt_notif_free_slots(st) == 0)
		return RT_SW_NOT_ENOUGH_MEMORY;
	if (e)
		e->state = RT_ISDP_DISABLED;
	t->state = RT_ISDP_ENABLED;
	rt_rollback_set(st, e, t);
	rt_notif_push(card, RT_NOTIF_CHANGE_OK, t->aid, t->aid_len);
	if (rt_euicc_commit(card))
		return RT_SW_UNKNOWN;
	rt_refresh(card);
	return RT_SW_OK;
}

/* SGP.02 4.1.1.3 DisableProfile (3.4.1): the target must be ENABLED and must not be the
 * fall-back profile; POL1 may forbid it (69E1); the profile with the fall-back attribute
 * is enabled in its place (so there must be one, DISABLED). */
static uint16_t rt_dgi_disable(struct rt_euicc *card, const uint8_t *v, size_t len)
{
	struct rt_euicc_state *st = &card->st;
	struct rt_euicc_isdp *t, *f;
	uint16_t sw = rt_lookup(card, v, len, &t);

	if (sw != RT_SW_OK)
		return sw;
	if (t->state != RT_ISDP_ENABLED || t->fallback)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	if (rt_pol1_forbids(card, t, RT_POL1_NO_DISABLE))
		return RT_SW_POL1_FORBIDS;
	f = rt_euicc_isdp_fallback(st);
	if (!f || f->state != RT_ISDP_DISABLED)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	if (rt_notif_free_slots(st) == 0)
		return RT_SW_NOT_ENOUGH_MEMORY;
	t->state = RT_ISDP_DISABLED;
	f->state = RT_ISDP_ENABLED;
	rt_rollback_set(st, t, f);
	rt_notif_push(card, RT_NOTIF_CHANGE_OK, f->aid, f->aid_len);
	if (rt_euicc_commit(card))
		return RT_SW_UNKNOWN;
	rt_refresh(card);
	return RT_SW_OK;
}

/* SGP.02 4.1.1.6 SetFallBackAttribute (facts §5.2, WHTY-SR): the attribute moves to the
 * target; at most one ISD-P holds it. Only an installed profile (DISABLED/ENABLED) can
 * be the fall-back, and not the one with the Emergency Profile Attribute (SGP.02 3.25, EKN
 * 08: the two attributes are mutually exclusive on one profile). */
static uint16_t rt_dgi_fallback(struct rt_euicc *card, const uint8_t *v, size_t len)
{
	struct rt_euicc_isdp *t, *old;
	uint16_t sw = rt_lookup(card, v, len, &t);

	if (sw != RT_SW_OK)
		return sw;
	if ((t->state != RT_ISDP_DISABLED && t->state != RT_ISDP_ENABLED) || t->emergency)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	if (t->fallback)
		return RT_SW_OK; /* already there: nothing changes */
	old = rt_euicc_isdp_fallback(&card->st);
	if (old)
		old->fallback = 0;
	t->fallback = 1;
	return rt_commit_sw(card);
}

/* SGP.02 3.25 SetEmergencyProfileAttribute over ES5 (EKN 08, "resilience"; the command is
 * in no source: STORE DATA of cfg.emergency_dgi { '4F' AID } like SetFallBackAttribute,
 * docs/spec-notes/60-es5.md). The attribute moves to the target (one profile holds it);
 * the target must be present and DISABLED and must not hold the fall-back attribute
 * (6985). The emergency_on_enabled fault accepts the enabled profile too. */
static uint16_t rt_dgi_emergency(struct rt_euicc *card, const uint8_t *v, size_t len)
{
	struct rt_euicc_isdp *t, *old;
	uint16_t sw = rt_lookup(card, v, len, &t);
	int enabled_ok = (card->cfg.faults & RT_EUICC_FAULT_EMERGENCY_ON_ENABLED) != 0;

	if (sw != RT_SW_OK)
		return sw;
	if ((t->state != RT_ISDP_DISABLED && !(enabled_ok && t->state == RT_ISDP_ENABLED)) ||
	    t->fallback)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	if (t->emergency)
		return RT_SW_OK; /* already there: nothing changes */
	old = rt_euicc_isdp_emergency(&card->st);
	if (old)
		old->emergency = 0;
	t->emergency = 1;
	return rt_commit_sw(card);
}

/* SGP.02 4.1.1.8 UpdateSMSRAddressingParameters (facts §5.2, container UNCONFIRMED): the
 * value is one or more BER-TLVs (WHTY-SR sends 'A3' { '81' ... }; the ES8 connectivity
 * form is 'A0' { '06' ... }); the card keeps them as sent. */
static uint16_t rt_dgi_smsr_addr(struct rt_euicc *card, const uint8_t *v, size_t len)
{
	if (len == 0 || rt_tlv_validate(v, len, 0, NULL))
		return RT_SW_WRONG_DATA;
	if (len > sizeof(card->st.smsr_addr))
		return RT_SW_NOT_ENOUGH_MEMORY;
	if (card->cfg.faults & RT_EUICC_FAULT_SMSR_ADDRESS_UNUSED)
		return RT_SW_OK;
	memcpy(card->st.smsr_addr, v, len);
	card->st.smsr_addr_len = (uint8_t)len;
	return rt_commit_sw(card);
}

/* SGP.02 4.1.1.12 notification confirmation (facts §5.2/§5.4): '4E 02' <sequence number>.
 * The notification leaves the queue; when it carried the pending profile change, the
 * roll-back point is dropped and the profile that change disabled is deleted if its POL1
 * says "deletion mandatory when disabled" (SGP.02 3.4.1, except a fall-back profile, 3.16).
 * Response: '80' L { '4F' L <deleted ISD-P AID> ... } (njiwa reads a list of AIDs). */
static uint16_t rt_dgi_confirm(struct rt_euicc *card, const uint8_t *v, size_t len, int want_resp,
			       struct rt_euicc_resp *resp)
{
	struct rt_euicc_state *st = &card->st;
	struct rt_euicc_notif *n = NULL, *pending;
	struct rt_euicc_resp list = { .len = 0 };
	struct rt_euicc_isdp *del = NULL;
	struct rt_tlv t;
	uint16_t seq;
	size_t i;

	if (rt_tlv_decode(v, len, 0, 0, 0, &t, NULL) || t.total_len != len || t.tag != 0x4E ||
	    t.len != 2)
		return RT_SW_WRONG_DATA;
	seq = (uint16_t)(t.value[0] << 8 | t.value[1]);
	for (i = 0; i < RT_EUICC_MAX_NOTIF && !n; i++)
		if (st->notif[i].used && st->notif[i].seq == seq)
			n = &st->notif[i];
	if (!n)
		return RT_SW_REF_DATA_NOT_FOUND;
	pending = rt_notif_pending_change(st);
	if (n == pending) {
		del = rt_euicc_isdp_by_aid(st, st->rollback_to, st->rollback_to_len);
		if (del && (del->state != RT_ISDP_DISABLED || del->fallback ||
			    !rt_pol1_has(card, del, RT_POL1_DELETE_ON_DISABLE)))
			del = NULL;
		rt_rollback_clear(st);
	}
	memset(n, 0, sizeof(*n));
	if (del) {
		if (rt_euicc_put_tlv(&list, 0x4F, del->aid, del->aid_len))
			return RT_SW_UNKNOWN;
		rt_isdp_free(card, del);
	}
	if (rt_euicc_commit(card))
		return RT_SW_UNKNOWN;
	if (want_resp && rt_euicc_put_tlv(resp, 0x80, list.data, list.len))
		return RT_SW_UNKNOWN;
	return RT_SW_OK;
}

static uint16_t rt_isdr_store_data(struct rt_euicc *card, struct rt_euicc_channel *ch,
				   const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	struct rt_capdu any_p1;
	struct rt_dgi d;

	if (!rt_euicc_from_ota(ch))
		return RT_SW_SECURITY_NOT_SATISFIED;
	if (card->cfg.faults & RT_EUICC_FAULT_STORE_P1_UNCHECKED) {
		any_p1 = *a; /* fault store_data_p1_unchecked: only b8 and b1 are read */
		any_p1.p1 = (uint8_t)(0x08 | (a->p1 & 0x81));
		a = &any_p1;
	}
	/* GP CS 11.11.2.1 (facts §5.2): ES5 sends one block (b8 set), DGI structure (b5b4 =
	 * 01), no encryption (b7b6 = 00), block number 00. */
	if ((a->p1 & 0x80) == 0 || (a->p1 & 0x60) != 0 || (a->p1 & 0x18) != 0x08 || a->p2 != 0)
		return RT_SW_WRONG_P1P2;
	if (a->lc == 0)
		return RT_SW_WRONG_LENGTH;
	/* Exactly one DGI (sgp02-facts §5.2: 1-byte length up to FE, else FF + 2 bytes). */
	if (rt_dgi_decode(a->data, a->lc, 0, 0, &d, NULL) || d.total_len != a->lc)
		return RT_SW_WRONG_DATA;
	/* The emergency DGI is configuration (UNCONFIRMED number); the personality keeps it
	 * away from the DGIs below. */
	if (d.tag == (card->cfg.emergency_dgi ? card->cfg.emergency_dgi
					      : RT_EUICC_EMERGENCY_DGI_DEFAULT))
		return rt_dgi_emergency(card, d.value, d.len);
	switch (d.tag) {
	case RT_DGI_ENABLE:
		return rt_dgi_enable(card, d.value, d.len);
	case RT_DGI_DISABLE:
		return rt_dgi_disable(card, d.value, d.len);
	case RT_DGI_FALLBACK:
		return rt_dgi_fallback(card, d.value, d.len);
	case RT_DGI_SMSR_ADDR:
		return rt_dgi_smsr_addr(card, d.value, d.len);
	case RT_DGI_NOTIF_CONFIRM:
		return rt_dgi_confirm(card, d.value, d.len, a->p1 & 0x01, resp);
	default:
		/* GP CS 11.11.3.2: a DGI the application does not know. */
		return RT_SW_REF_DATA_NOT_FOUND;
	}
}

/* --- DELETE: DeleteProfile and MasterDelete ----------------------------------------- */

/* facts §5.2 (WHTY-SR MasterDeleteApduHandler): the delete token is AES-CMAC with the
 * token key (KVN 70) over P1 | P2 | Lc' | the command data without the '9E' TLV, where Lc'
 * is the length of that data. All 16 bytes are compared. */
static int rt_token_ok(const struct rt_euicc *card, const struct rt_capdu *a,
		       const uint8_t *signed_part, size_t signed_len, const uint8_t *tok,
		       size_t tok_len)
{
	uint8_t in[3 + 255], mac[RT_CRYPTO_CMAC_LEN];
	const uint8_t *key = card->cfg.token_key_len ? card->cfg.token_key : rt_euicc_default_token_key;
	size_t key_len = card->cfg.token_key_len ? card->cfg.token_key_len
						  : sizeof(rt_euicc_default_token_key);
	int ok;

	if (tok_len != RT_CRYPTO_CMAC_LEN || signed_len > 255)
		return 0;
	in[0] = a->p1;
	in[1] = a->p2;
	in[2] = (uint8_t)signed_len;
	memcpy(in + 3, signed_part, signed_len);
	if (rt_crypto_aes_cmac(key, key_len, in, 3 + signed_len, mac, NULL))
		return 0;
	ok = CRYPTO_memcmp(mac, tok, sizeof(mac)) == 0;
	OPENSSL_cleanse(mac, sizeof(mac));
	return ok;
}

static uint16_t rt_isdr_delete(struct rt_euicc *card, struct rt_euicc_channel *ch,
			       const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	struct rt_euicc_state *st = &card->st;
	const struct rt_tlv *aid_t = NULL, *b6 = NULL, *tok = NULL;
	struct rt_tlv items[3];
	struct rt_tlv_iter it;
	struct rt_euicc_isdp *p;
	size_t n = 0, signed_len;
	int rc;

	if (!rt_euicc_from_ota(ch))
		return RT_SW_SECURITY_NOT_SATISFIED;
	/* GP CS 11.2.2: P1 '00' (last/only command); P2 '40' (facts §5.2: both SM-SRs send it;
	 * "delete object and related objects") or '00' (delete object). */
	if (a->p1 != 0x00 || (a->p2 != 0x40 && a->p2 != 0x00))
		return RT_SW_WRONG_P1P2;
	if (a->lc == 0)
		return RT_SW_WRONG_LENGTH;
	/* '4F' AID, then for MasterDelete 'B6' { ... } and '9E' token, nothing else (facts
	 * §5.2, WHTY-SR). */
	rt_tlv_iter_init(&it, a->data, a->lc, 0);
	for (;;) {
		struct rt_tlv t;

		rc = rt_tlv_next(&it, &t, NULL);
		if (rc)
			break;
		if (n >= 3)
			return RT_SW_WRONG_DATA;
		items[n++] = t;
	}
	if (rc != RT_ENOENT || n == 0 || items[0].tag != 0x4F)
		return RT_SW_WRONG_DATA;
	aid_t = &items[0];
	if (n == 2 && items[1].tag == 0x9E) {
		tok = &items[1];
	} else if (n == 3 && items[1].tag == 0xB6 && items[2].tag == 0x9E) {
		b6 = &items[1];
		tok = &items[2];
	} else if (n != 1) {
		return RT_SW_WRONG_DATA;
	}
	(void)b6;
	if (aid_t->len < 5 || aid_t->len > RT_EUICC_AID_MAX)
		return RT_SW_WRONG_DATA;
	p = rt_euicc_isdp_by_aid(st, aid_t->value, aid_t->len);
	if (!p)
		return RT_SW_REF_DATA_NOT_FOUND;
	/* SGP.02 3.6 / facts §5.2: neither the enabled profile nor the fall-back profile can
	 * be deleted (6985), MasterDelete included (SGP.02 3.10). */
	if (p->state == RT_ISDP_ENABLED || p->fallback)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	if (tok) {
		/* SGP.02 3.10 MasterDelete: the token authorises the deletion whatever POL1 says. */
		signed_len = tok->offset;
		if (!rt_token_ok(card, a, a->data, signed_len, tok->value, tok->len))
			return RT_SW_SECURITY_NOT_SATISFIED;
	} else if (rt_pol1_forbids(card, p, RT_POL1_NO_DELETE)) {
		return RT_SW_POL1_FORBIDS;
	}
	/* The roll-back target of an unconfirmed change is gone: the change becomes final. */
	if (st->change_pending && rt_aid_eq(p->aid, p->aid_len, st->rollback_to, st->rollback_to_len))
		rt_rollback_clear(st);
	rt_isdp_free(card, p);
	if (rt_euicc_commit(card))
		return RT_SW_UNKNOWN;
	/* GP CS 11.2.3.1: the response is a single byte '00' (no delete confirmation). */
	resp->data[0] = 0x00;
	resp->len = 1;
	return RT_SW_OK;
}

/* --- audit: GET STATUS and GET DATA ------------------------------------------------- */

/* One 'E3' entry of an ISD-P (facts §5.3): '4F' AID, '9F70' life-cycle state, '53'
 * profile properties (b1 = fall-back attribute; b2 = Emergency Profile Attribute,
 * UNCONFIRMED: the next bit), '8F' memory quota, '91' memory left (the last three from
 * njiwa only). tags/ntags: the '5C' tag list, or all of them. */
static int rt_e3_entry(const struct rt_euicc_isdp *p, const uint32_t *tags, size_t ntags,
		       struct rt_euicc_resp *r)
{
	static const uint32_t all[] = { 0x4F, 0x9F70, 0x53, 0x8F, 0x91 };
	struct rt_euicc_resp e = { .len = 0 };
	uint8_t st = (uint8_t)p->state, q[4], left[4];
	uint8_t props = (uint8_t)((p->fallback ? 0x01 : 0x00) | (p->emergency ? 0x02 : 0x00));
	uint32_t rem = p->mem_quota > p->mem_used ? p->mem_quota - p->mem_used : 0;
	size_t i;
	int rc = 0;

	if (!tags) {
		tags = all;
		ntags = sizeof(all) / sizeof(all[0]);
	}
	for (i = 0; i < 4; i++) {
		q[i] = (uint8_t)(p->mem_quota >> (24 - 8 * i));
		left[i] = (uint8_t)(rem >> (24 - 8 * i));
	}
	for (i = 0; i < ntags && !rc; i++) {
		switch (tags[i]) {
		case 0x4F:
			rc = rt_euicc_put_tlv(&e, 0x4F, p->aid, p->aid_len);
			break;
		case 0x9F70:
			rc = rt_euicc_put_tlv(&e, 0x9F70, &st, 1);
			break;
		case 0x53:
			rc = rt_euicc_put_tlv(&e, 0x53, &props, 1);
			break;
		case 0x8F:
			rc = rt_euicc_put_tlv(&e, 0x8F, q, 4);
			break;
		case 0x91:
			rc = rt_euicc_put_tlv(&e, 0x91, left, 4);
			break;
		default:
			break; /* a tag the card does not have: left out */
		}
	}
	return rc ? rc : rt_euicc_put_tlv(r, 0xE3, e.data, e.len);
}

/* Splits a '5C' tag list into tags (BER tag rules, ISO 7816-4 5.2.2.1). -1 if malformed. */
static int rt_tag_list(const uint8_t *d, size_t len, uint32_t *tags, size_t cap, size_t *n)
{
	size_t pos = 0;

	*n = 0;
	while (pos < len) {
		uint32_t tag = d[pos++];

		if (tag == 0x00) /* ISO 7816-4 5.2.2.1: never a tag ('FF' starts GP's 'FF21') */
			return -1;
		if ((tag & 0x1F) == 0x1F) {
			do {
				if (pos >= len || tag > 0xFFFF)
					return -1;
				tag = tag << 8 | d[pos];
			} while (d[pos++] & 0x80);
		}
		if (*n >= cap)
			return -1;
		tags[(*n)++] = tag;
	}
	return 0;
}

/* GP CS 11.4 GET STATUS (facts §5.3): P1 '40' (applications and SDs: the ISD-Ps), P2 '02'
 * (TLV format, first or only occurrence). Data '4F' L <AID prefix, empty = all> [ '5C' L
 * <tags> ]. One 'E3' per matching ISD-P; 6A88 when none matches. */
static uint16_t rt_isdr_get_status(struct rt_euicc *card, struct rt_euicc_channel *ch,
				   const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	struct rt_tlv_iter it;
	struct rt_tlv t, *crit = NULL, crit_t;
	uint32_t tags[16];
	size_t ntags = 0, i, found = 0;
	int have_tags = 0, rc;

	if (!rt_euicc_from_ota(ch))
		return RT_SW_SECURITY_NOT_SATISFIED;
	if (a->p1 != 0x40)
		return RT_SW_WRONG_P1P2;
	/* P2 '03' asks for the next occurrence after 6310; this card answers in one go. */
	if (a->p2 == 0x03)
		return RT_SW_REF_DATA_NOT_FOUND;
	if (a->p2 != 0x02)
		return RT_SW_WRONG_P1P2;
	if (a->lc == 0)
		return RT_SW_WRONG_LENGTH;
	rt_tlv_iter_init(&it, a->data, a->lc, 0);
	while ((rc = rt_tlv_next(&it, &t, NULL)) == 0) {
		if (t.tag == 0x4F && !crit && t.len <= RT_EUICC_AID_MAX) {
			crit_t = t;
			crit = &crit_t;
		} else if (t.tag == 0x5C && crit && !have_tags) {
			if (rt_tag_list(t.value, t.len, tags, sizeof(tags) / sizeof(tags[0]), &ntags))
				return RT_SW_WRONG_DATA;
			have_tags = 1;
		} else {
			return RT_SW_WRONG_DATA;
		}
	}
	if (rc != RT_ENOENT || !crit)
		return RT_SW_WRONG_DATA;
	for (i = 0; i < RT_EUICC_MAX_ISDP; i++) {
		const struct rt_euicc_isdp *p = &card->st.isdp[i];

		if (p->state == RT_ISDP_FREE || p->aid_len < crit->len ||
		    (crit->len && memcmp(p->aid, crit->value, crit->len) != 0))
			continue;
		if (rt_e3_entry(p, have_tags ? tags : NULL, ntags, resp))
			return RT_SW_UNKNOWN;
		found++;
	}
	return found ? RT_SW_OK : RT_SW_REF_DATA_NOT_FOUND;
}

/* GP Extended Card Resources Information (facts §5.3, PYSIM): 'FF21' { '81' installed
 * applications (the ISD-Ps), '82' free non-volatile memory, '83' free volatile memory }. */
static int rt_obj_resources(struct rt_euicc *card, struct rt_euicc_resp *r)
{
	struct rt_euicc_resp in = { .len = 0 };
	uint32_t free_nv = rt_euicc_mem_free(&card->st), vol = RT_ISDR_VOLATILE_FREE;
	uint8_t napps[2], nv[4], v[4];
	unsigned n = 0;
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_ISDP; i++)
		if (card->st.isdp[i].state != RT_ISDP_FREE)
			n++;
	napps[0] = (uint8_t)(n >> 8);
	napps[1] = (uint8_t)n;
	for (i = 0; i < 4; i++) {
		nv[i] = (uint8_t)(free_nv >> (24 - 8 * i));
		v[i] = (uint8_t)(vol >> (24 - 8 * i));
	}
	if (rt_euicc_put_tlv(&in, 0x81, napps, 2) || rt_euicc_put_tlv(&in, 0x82, nv, 4) ||
	    rt_euicc_put_tlv(&in, 0x83, v, 4))
		return -1;
	return rt_euicc_put_tlv(r, 0xFF21, in.data, in.len);
}

/* GET DATA 'BF30' with a '5C' tag list (facts §5.3, eUICCCapabilityAudit): the objects
 * asked for, concatenated: 'FF21' resources, 'E3' entries of every ISD-P, '7F21' the
 * ECASD certificate. Unknown tags are left out; 6A88 when nothing is left. */
static uint16_t rt_audit_bf30(struct rt_euicc *card, const struct rt_capdu *a,
			      struct rt_euicc_resp *resp)
{
	uint32_t tags[16];
	size_t ntags, i, k;
	struct rt_tlv t;

	if (a->lc == 0)
		return RT_SW_WRONG_LENGTH;
	if (rt_tlv_decode(a->data, a->lc, 0, 0, 0, &t, NULL) || t.total_len != a->lc ||
	    t.tag != 0x5C || rt_tag_list(t.value, t.len, tags, 16, &ntags))
		return RT_SW_WRONG_DATA;
	for (i = 0; i < ntags; i++) {
		int rc = 0;

		if (tags[i] == 0xFF21) {
			rc = rt_obj_resources(card, resp);
		} else if (tags[i] == 0xE3) {
			for (k = 0; k < RT_EUICC_MAX_ISDP && !rc; k++)
				if (card->st.isdp[k].state != RT_ISDP_FREE)
					rc = rt_e3_entry(&card->st.isdp[k], NULL, 0, resp);
		} else if (tags[i] == 0x7F21 && card->cfg.ecasd_cert_len) {
			/* The stored certificate is the whole '7F21' TLV. */
			if (resp->len + card->cfg.ecasd_cert_len > sizeof(resp->data))
				rc = -1;
			else {
				memcpy(resp->data + resp->len, card->cfg.ecasd_cert,
				       card->cfg.ecasd_cert_len);
				resp->len += card->cfg.ecasd_cert_len;
			}
		}
		if (rc)
			return RT_SW_UNKNOWN;
	}
	/* fault bf30_unknown_gets_all: a list of only unknown tags answered as a full audit */
	if (!resp->len && (card->cfg.faults & RT_EUICC_FAULT_BF30_UNKNOWN_GETS_ALL) &&
	    rt_obj_resources(card, resp))
		return RT_SW_UNKNOWN;
	return resp->len ? RT_SW_OK : RT_SW_REF_DATA_NOT_FOUND;
}

static const struct rt_euicc_get_data_obj rt_isdr_objs[] = {
	{ 0xFF21, rt_obj_resources },
};

static uint16_t rt_isdr_get_data(struct rt_euicc *card, struct rt_euicc_channel *ch,
				 const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	int audit = (a->p1 == 0xBF && a->p2 == 0x30) || (a->p1 == 0xFF && a->p2 == 0x21);

	/* The audit objects are ES5 (eUICCCapabilityAudit): OTA only. A tag the ISD-R never
	 * holds is "not found" on either interface. */
	if (audit && !rt_euicc_from_ota(ch))
		return RT_SW_SECURITY_NOT_SATISFIED;
	if (a->p1 == 0xBF && a->p2 == 0x30)
		return rt_audit_bf30(card, a, resp);
	/* GP CS 11.3.1: GET DATA for a single object carries no command data. */
	if (a->lc != 0)
		return RT_SW_WRONG_LENGTH;
	return rt_euicc_get_data(card, cmd, resp, rt_isdr_objs,
				 sizeof(rt_isdr_objs) / sizeof(rt_isdr_objs[0]));
}

const struct rt_euicc_ins rt_euicc_isdr_cmds[] = {
	{ RT_EUICC_CLA_GP, 0xCA, "GET DATA", rt_isdr_get_data },
	{ RT_EUICC_CLA_ISO, 0xCA, "GET DATA", rt_isdr_get_data },
	{ RT_EUICC_CLA_GP, 0xE6, "INSTALL", rt_isdr_install },
	{ RT_EUICC_CLA_GP, 0xE2, "STORE DATA", rt_isdr_store_data },
	{ RT_EUICC_CLA_GP, 0xE4, "DELETE", rt_isdr_delete },
	{ RT_EUICC_CLA_GP, 0xF2, "GET STATUS", rt_isdr_get_status },
};
const size_t rt_euicc_isdr_ncmds = sizeof(rt_euicc_isdr_cmds) / sizeof(rt_euicc_isdr_cmds[0]);

/* --- notifications and roll-back ---------------------------------------------------- */

/* SGP.02 3.2.2 / 3.15.1 (EKN 09): the change was never confirmed within the retries: the
 * profile enabled before comes back, the changed-to one is disabled, the unconfirmed
 * notification is replaced by a "profile change failed and roll-back" one, and the device
 * is asked to REFRESH. Changes st; the caller commits. */
static void rt_rollback(struct rt_euicc *card)
{
	struct rt_euicc_state *st = &card->st;
	struct rt_euicc_isdp *from = rt_euicc_isdp_by_aid(st, st->rollback_from, st->rollback_from_len);
	struct rt_euicc_isdp *to = rt_euicc_isdp_by_aid(st, st->rollback_to, st->rollback_to_len);
	struct rt_euicc_notif *n = rt_notif_pending_change(st);

	if (n)
		memset(n, 0, sizeof(*n));
	if (from && from->state == RT_ISDP_ENABLED)
		from->state = RT_ISDP_DISABLED;
	if (to && to->state == RT_ISDP_DISABLED)
		to->state = RT_ISDP_ENABLED;
	rt_rollback_clear(st);
	if (to)
		rt_notif_push(card, RT_NOTIF_ROLLBACK, to->aid, to->aid_len);
	else
		rt_notif_push(card, RT_NOTIF_ROLLBACK, NULL, 0);
	rt_log(RT_LOG_INFO, "euicc: profile change not confirmed after %u attempts: rolled back",
	       rt_notif_retries(card));
	rt_refresh(card);
}

/* Rolls back when the pending change's notification used all its attempts, and the last
 * one was not sent in the current round (the SM-SR gets the time of one more event to
 * answer the last attempt). 1 if it did. */
static int rt_rollback_if_due(struct rt_euicc *card)
{
	struct rt_euicc_notif *n = rt_notif_pending_change(&card->st);

	if (!n || n->attempts < rt_notif_retries(card) ||
	    (card->notif_round & (1u << (n - card->st.notif))))
		return 0;
	rt_rollback(card);
	return 1;
}

void rt_euicc_isdr_on_attach(struct rt_euicc *card)
{
	struct rt_euicc_state *st = &card->st;
	struct rt_euicc_notif *pending = rt_notif_pending_change(st);
	int changed = 0;
	size_t i;

	card->notif_round = 0; /* a new session: every notification may go once more */
	/* A new attachment gives the notifications that are not a pending change a fresh set
	 * of attempts; a pending change keeps counting, so power cycles do not escape the
	 * roll-back (SGP.02 3.15.1). */
	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++) {
		struct rt_euicc_notif *n = &st->notif[i];

		if (n->used && n != pending && n->attempts) {
			n->attempts = 0;
			changed = 1;
		}
	}
	if (rt_rollback_if_due(card))
		changed = 1;
	/* SGP.02 3.15 (facts §5.4): the eUICC declaration is sent at the first network
	 * attachment, once in the card's life. */
	if (!st->declared) {
		const struct rt_euicc_isdp *e = rt_euicc_isdp_enabled(st);

		if (rt_notif_free_slots(st))
			rt_notif_push(card, RT_NOTIF_DECLARATION, e ? e->aid : NULL, e ? e->aid_len : 0);
		st->declared = 1;
		changed = 1;
	}
	if (changed && rt_euicc_commit(card))
		rt_log(RT_LOG_ERROR, "euicc: notification state not saved at attachment");
}

/* The oldest notification that still has attempts left and was not sent in this round
 * (sequence numbers wrap: the oldest is the one furthest behind next_seq). */
static struct rt_euicc_notif *rt_notif_next(struct rt_euicc *card)
{
	struct rt_euicc_state *st = &card->st;
	struct rt_euicc_notif *best = NULL;
	uint16_t best_age = 0;
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++) {
		struct rt_euicc_notif *n = &st->notif[i];
		uint16_t age = (uint16_t)(st->next_seq - n->seq);

		if (!n->used || n->attempts >= rt_notif_retries(card) ||
		    (card->notif_round & (1u << i)))
			continue;
		if (!best || age > best_age) {
			best = n;
			best_age = age;
		}
	}
	return best;
}

int rt_euicc_isdr_next_notification(struct rt_euicc *card, uint8_t *out, size_t cap, size_t *len)
{
	struct rt_euicc_resp *in = NULL, *e1 = NULL;
	struct rt_euicc_notif *n;
	uint8_t seq[2];
	int changed, rc = 0;

	*len = 0;
	changed = rt_rollback_if_due(card);
	n = rt_notif_next(card);
	if (!n) {
		/* Everything due went out in this round: the next call starts a new one. */
		card->notif_round = 0;
		goto out;
	}
	in = calloc(1, sizeof(*in));
	e1 = calloc(1, sizeof(*e1));
	if (!in || !e1) {
		rc = RT_ENOMEM;
		goto out;
	}
	/* facts §5.4: 'E1' { '4C' EID, '4D' type, '4E' sequence number, '2F' ISD-P AID }. */
	seq[0] = (uint8_t)(n->seq >> 8);
	seq[1] = (uint8_t)n->seq;
	if (rt_euicc_put_tlv(in, 0x4C, card->eid, sizeof(card->eid)) ||
	    rt_euicc_put_tlv(in, 0x4D, &n->type, 1) || rt_euicc_put_tlv(in, 0x4E, seq, 2) ||
	    (n->aid_len && rt_euicc_put_tlv(in, 0x2F, n->aid, n->aid_len)) ||
	    rt_euicc_put_tlv(e1, 0xE1, in->data, in->len)) {
		rc = RT_ENOMEM;
		goto out;
	}
	if (e1->len > cap) {
		rc = RT_ENOMEM;
		goto out;
	}
	memcpy(out, e1->data, e1->len);
	*len = e1->len;
	n->attempts++; /* persistent: the roll-back counts attempts across power cycles */
	card->notif_round |= 1u << (n - card->st.notif);
	changed = 1;
out:
	if (changed && rt_euicc_commit(card) && rc == 0)
		rc = RT_EIO;
	free(in);
	free(e1);
	return rc;
}
