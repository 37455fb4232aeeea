/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc — the software eUICC's card core: configuration, ATR, power, logical
 * channels, the (CLA class, INS) dispatcher, card-level commands (SELECT, GET
 * RESPONSE) and how response data reaches the terminal (Le, 6Cxx, 61xx).
 *
 * The applications themselves (ISD-R, ECASD, later ISD-Ps) are rows in rt_euicc_apps.c.
 * Nothing here knows the transport: the card is reached through struct rt_icc. */
#include "roles/euicc/rt_euicc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roles/euicc/rt_euicc_store.h"
#include "roles/euicc/rt_euicc_test_pki.h"
#include "util/rt_log.h"

/* The default ATR; docs/spec-notes.md, card interface has the sources for every byte.
 *   3B        TS  direct convention
 *   97        T0  TA1 and TD1 follow; 7 historical bytes
 *   96        TA1 Fi=512, Di=32 (as deployed eUICCs announce)
 *   80        TD1 TD2 follows; T=0 offered
 *   B1        TD2 TA3, TB3 and TD3 follow; T=1 offered
 *   FE        TA3 T=1 IFSC = 254
 *   45        TB3 T=1 BWI=4, CWI=5
 *   3F        TD3 TA4 and TB4 follow; T=15 (global interface bytes)
 *   C7        TA4 clock stop, no preference; supply classes A, B and C (TS 102 221 6.2.1)
 *   82        TB4 first TB after T=15: b8+b2 = eUICC-related functions supported
 *             (TS 102 221 Table 6.7, since Rel-14)
 *   80 31 80 73 80 21 00   historical bytes, COMPACT-TLV (TS 102 221 6.3.1, ISO
 *             7816-4 8.1.1): card service data '80' = selection by full DF name; card
 *             capabilities '80' selection by full DF name, '21' data coding, '00' no
 *             extended Lc/Le, no logical channels beyond the basic one
 *   12        TCK XOR of T0..last historical byte (mandatory: T=1 and T=15 are offered) */
const uint8_t rt_euicc_default_atr[] = { 0x3B, 0x97, 0x96, 0x80, 0xB1, 0xFE, 0x45, 0x3F, 0xC7,
					 0x82, 0x80, 0x31, 0x80, 0x73, 0x80, 0x21, 0x00, 0x12 };
const size_t rt_euicc_default_atr_len = sizeof(rt_euicc_default_atr);

/* SGP.29 check digits valid: the number mod 97 == 1. */
const char rt_euicc_default_eid[] = "89049032123451234512345678901235";

enum { RT_SW_CHAINING_NOT_SUPPORTED = 0x6884 };

/* TEST ONLY: the ISD-R's SCP80 keyset 1 as manufactured, AES-128 for KIc and KID (the
 * algorithm SGP.11's test keysets use per njiwa, facts §1.3/§1.4). Ascending bytes;
 * sut/reference*.yaml declare the same keys. */
const struct rt_euicc_scp80_init rt_euicc_default_scp80 = {
	.kvn = 0x01,
	.kic_alg = RT_SCP80_ALG_AES_CBC,
	.kid_alg = RT_SCP80_ALG_AES_CMAC,
	.kic = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C,
		 0x0D, 0x0E, 0x0F },
	.kid = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C,
		 0x1D, 0x1E, 0x1F },
	.dek = { 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C,
		 0x2D, 0x2E, 0x2F },
	.key_len = 16,
};

/* A spare keyset (KVN 02, other TEST ONLY keys): OTA cases that use a keyset up (the
 * blocked counter, TS 102 225 Table 5.3 status 04) or check that the card takes the
 * keyset the KIc/KID name do it on this one, so keyset 1 stays usable. */
const struct rt_euicc_scp80_init rt_euicc_spare_scp80 = {
	.kvn = 0x02,
	.kic_alg = RT_SCP80_ALG_AES_CBC,
	.kid_alg = RT_SCP80_ALG_AES_CMAC,
	.kic = { 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C,
		 0x3D, 0x3E, 0x3F },
	.kid = { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C,
		 0x4D, 0x4E, 0x4F },
	.dek = { 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x5B, 0x5C,
		 0x5D, 0x5E, 0x5F },
	.key_len = 16,
};

const struct rt_euicc_fault_name rt_euicc_fault_names[] = {
	{ "por_bad_cc", RT_EUICC_FAULT_POR_BAD_CC },
	{ "no_por", RT_EUICC_FAULT_NO_POR },
	{ "accept_replay", RT_EUICC_FAULT_ACCEPT_REPLAY },
	{ "forget_notification", RT_EUICC_FAULT_FORGET_NOTIF },
	{ "ignore_pol1", RT_EUICC_FAULT_IGNORE_POL1 },
	{ "bad_receipt", RT_EUICC_FAULT_BAD_RECEIPT },
	{ "no_refresh", RT_EUICC_FAULT_NO_REFRESH },
	{ "bad_eid", RT_EUICC_FAULT_BAD_EID },
	{ "ignore_memory", RT_EUICC_FAULT_IGNORE_MEMORY },
	{ "scp03t_no_mac_check", RT_EUICC_FAULT_SCP03T_NO_MAC_CHECK },
	{ "emergency_on_enabled", RT_EUICC_FAULT_EMERGENCY_ON_ENABLED },
	{ "envelope_6d00", RT_EUICC_FAULT_ENVELOPE_6D00 },
	/* bits 12..15: ISD-R knobs beyond the full ISD-R range */
	{ "isdp_priv_unchecked", RT_EUICC_FAULT_ISDP_PRIV_UNCHECKED },
	{ "bf30_unknown_gets_all", RT_EUICC_FAULT_BF30_UNKNOWN_GETS_ALL },

	/* OTA area */
	{ "accept_low_security", RT_EUICC_FAULT_OTA_LOW_SECURITY },
	{ "cntr11_as_higher", RT_EUICC_FAULT_CNTR11_AS_HIGHER },
	{ "cntr_volatile", RT_EUICC_FAULT_CNTR_VOLATILE },
	{ "cntr_blocked_as_low", RT_EUICC_FAULT_CNTR_BLOCKED_AS_LOW },
	{ "plain_refusal_por", RT_EUICC_FAULT_PLAIN_REFUSAL_POR },
	{ "refusal_cntr_zero", RT_EUICC_FAULT_REFUSAL_CNTR_ZERO },
	{ "first_keyset", RT_EUICC_FAULT_FIRST_KEYSET },
	{ "script_no_stop", RT_EUICC_FAULT_SCRIPT_NO_STOP },
	{ "skip_unknown_item", RT_EUICC_FAULT_SKIP_UNKNOWN_ITEM },
	{ "no_eoc_check", RT_EUICC_FAULT_NO_EOC_CHECK },
	{ "one_reasm_slot", RT_EUICC_FAULT_ONE_REASM_SLOT },
	{ "stale_reasm_slot", RT_EUICC_FAULT_STALE_REASM_SLOT },
	{ "concat_no_cpi", RT_EUICC_FAULT_CONCAT_NO_CPI },
	{ "any_dcs_class", RT_EUICC_FAULT_ANY_DCS_CLASS },
	{ "ssm_to_terminal", RT_EUICC_FAULT_SSM_TO_TERMINAL },
	/* (end of the OTA area) */

	/* ISD-R, basic and persistence area */
	{ "select_fail_deselects", RT_EUICC_FAULT_SELECT_FAIL_DESELECTS },
	{ "ignore_sm_cla", RT_EUICC_FAULT_IGNORE_SM_CLA },
	{ "closed_channel_accepted", RT_EUICC_FAULT_CLOSED_CHANNEL_ACCEPTED },
	{ "memory_exact_refused", RT_EUICC_FAULT_MEMORY_EXACT_REFUSED },
	{ "isdp_aid_unchecked", RT_EUICC_FAULT_ISDP_AID_UNCHECKED },
	{ "isdp_tar_reaches_isdr", RT_EUICC_FAULT_ISDP_TAR_REACHES_ISDR },
	{ "smsr_address_unused", RT_EUICC_FAULT_SMSR_ADDRESS_UNUSED },
	{ "power_cycle_loses_fallback", RT_EUICC_FAULT_POWER_LOSES_FALLBACK },
	{ "power_cycle_resets_counters", RT_EUICC_FAULT_POWER_RESETS_COUNTERS },
	{ "power_cycle_resets_seq", RT_EUICC_FAULT_POWER_RESETS_SEQ },
	{ "power_cycle_declares_again", RT_EUICC_FAULT_POWER_DECLARES_AGAIN },
	{ "le_ignored", RT_EUICC_FAULT_LE_IGNORED },
	{ "get_data_lc_accepted", RT_EUICC_FAULT_GET_DATA_LC_ACCEPTED },
	{ "select_any_p1", RT_EUICC_FAULT_SELECT_ANY_P1 },
	{ "power_cycle_keeps_partial_sms", RT_EUICC_FAULT_POWER_KEEPS_PARTIAL_SMS },
	{ "store_data_p1_unchecked", RT_EUICC_FAULT_STORE_P1_UNCHECKED },
	/* (end of the ISD-R area) */

	/* ES8 area */
	{ "dp_key_usage_unchecked", RT_EUICC_FAULT_DP_KEY_USAGE_UNCHECKED },
	{ "kvn_any", RT_EUICC_FAULT_KVN_ANY },
	{ "rc_reused", RT_EUICC_FAULT_RC_REUSED },
	{ "keys_retry", RT_EUICC_FAULT_KEYS_RETRY },
	{ "scp03t_86_before_85", RT_EUICC_FAULT_SCP03T_86_BEFORE_85 },
	{ "scp03t_keep_after_mac_error", RT_EUICC_FAULT_SCP03T_KEEP_AFTER_MAC },
	{ "seq_not_stored", RT_EUICC_FAULT_SEQ_NOT_STORED },
	{ "iu_contact", RT_EUICC_FAULT_IU_CONTACT },
	{ "ignore_quota", RT_EUICC_FAULT_IGNORE_QUOTA },
	{ "saip_any_version", RT_EUICC_FAULT_SAIP_ANY_VERSION },
	{ "unknown_dgi_ok", RT_EUICC_FAULT_UNKNOWN_DGI_OK },
	{ "pkg_memory_uncounted", RT_EUICC_FAULT_PKG_MEMORY_UNCOUNTED },
	{ "scp03t_no_session_ok", RT_EUICC_FAULT_SCP03T_NO_SESSION_OK },
	{ "scp03t_ea_replay", RT_EUICC_FAULT_SCP03T_EA_REPLAY },
	{ "duplicate_iccid_accepted", RT_EUICC_FAULT_DUPLICATE_ICCID_ACCEPTED },
	/* (end of the ES8 area) */

	{ NULL, 0 },
};

void rt_euicc_config_default(struct rt_euicc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->eid, rt_euicc_default_eid, sizeof(cfg->eid));
	memcpy(cfg->atr, rt_euicc_default_atr, rt_euicc_default_atr_len);
	cfg->atr_len = rt_euicc_default_atr_len;
	cfg->t0_get_response = 0;
	cfg->mem_total = 256u << 10;
	cfg->scp80[0] = rt_euicc_default_scp80;
	cfg->scp80[1] = rt_euicc_spare_scp80;
	cfg->n_scp80 = 2;
	cfg->notif_retries = 3;
	cfg->emergency_dgi = RT_EUICC_EMERGENCY_DGI_DEFAULT;
	snprintf(cfg->curve, sizeof(cfg->curve), "prime256v1");
	snprintf(cfg->ci_curve, sizeof(cfg->ci_curve), "prime256v1");
	rt_euicc_test_pki_default(cfg); /* TEST ONLY ECASD personality from certs/p256 */
}

int rt_euicc_put_tlv(struct rt_euicc_resp *r, uint32_t tag, const uint8_t *v, size_t n)
{
	uint8_t hdr[8];
	size_t h = 0;

	/* Tag bytes big-endian (1-3), then an ISO 7816-4 / X.690 definite length. */
	if (tag > 0xFFFF)
		hdr[h++] = (uint8_t)(tag >> 16);
	if (tag > 0xFF)
		hdr[h++] = (uint8_t)(tag >> 8);
	hdr[h++] = (uint8_t)tag;
	if (n < 0x80) {
		hdr[h++] = (uint8_t)n;
	} else if (n < 0x100) {
		hdr[h++] = 0x81;
		hdr[h++] = (uint8_t)n;
	} else if (n < 0x10000) {
		hdr[h++] = 0x82;
		hdr[h++] = (uint8_t)(n >> 8);
		hdr[h++] = (uint8_t)n;
	} else {
		return -1;
	}
	if (r->len + h + n > sizeof(r->data))
		return -1;
	if (n)
		memmove(r->data + r->len + h, v, n);
	memcpy(r->data + r->len, hdr, h);
	r->len += h + n;
	return 0;
}

/* The state as manufactured: keysets and parameters from the configuration. */
static void rt_euicc_state_fresh(struct rt_euicc *card)
{
	size_t i;

	rt_euicc_state_init(&card->st, card->cfg.mem_total);
	for (i = 0; i < card->cfg.n_scp80 && i < RT_EUICC_MAX_SCP80; i++) {
		const struct rt_euicc_scp80_init *k = &card->cfg.scp80[i];
		struct rt_euicc_scp80_keyset *d = &card->st.scp80[i];

		d->kvn = k->kvn;
		d->kic_alg = k->kic_alg;
		d->kid_alg = k->kid_alg;
		memcpy(d->kic, k->kic, sizeof(d->kic));
		memcpy(d->kid, k->kid, sizeof(d->kid));
		memcpy(d->dek, k->dek, sizeof(d->dek));
		d->kic_len = d->kid_len = d->dek_len = k->key_len;
	}
	if (card->cfg.smsr_addr_len <= sizeof(card->st.smsr_addr)) {
		memcpy(card->st.smsr_addr, card->cfg.smsr_addr, card->cfg.smsr_addr_len);
		card->st.smsr_addr_len = (uint8_t)card->cfg.smsr_addr_len;
	}
}

int rt_euicc_commit(struct rt_euicc *card)
{
	struct rt_err err = { 0 };
	int rc;

	if (!card->state_path)
		return 0;
	rc = rt_euicc_store_save(card->state_path, &card->st, &err);
	if (rc)
		rt_log(RT_LOG_ERROR, "euicc: cannot save the card state: %s", err.msg);
	return rc;
}


int rt_euicc_atr_check(const uint8_t *atr, size_t len, struct rt_err *err)
{
	size_t i = 2, k, end;
	uint8_t y, x = 0;
	int need_tck = 0;

	/* ISO 7816-3 8.1: TS is '3B' (direct) or '3F' (inverse); T0 follows. */
	if (len < 2 || len > RT_ATR_MAX)
		return rt_err_set(err, RT_EPROTO, "ATR length %zu outside 2..%d", len, RT_ATR_MAX);
	if (atr[0] != 0x3B && atr[0] != 0x3F)
		return rt_err_set(err, RT_EPROTO, "ATR TS %02X is neither 3B nor 3F", atr[0]);
	y = atr[1];
	k = atr[1] & 0x0F;
	/* ISO 7816-3 8.2.3: each Yi names which of TAi..TDi follow; TDi carries Yi+1 and T. */
	for (;;) {
		size_t n = (size_t)((y >> 4 & 1) + (y >> 5 & 1) + (y >> 6 & 1) + (y >> 7 & 1));
		uint8_t td;

		if (i + n > len)
			return rt_err_set(err, RT_EPROTO, "ATR interface bytes truncated at %zu", i);
		if (!(y & 0x80))
			break;
		td = atr[i + n - 1];
		/* ISO 7816-3 8.2.5: TCK is present unless only T=0 is indicated. */
		if ((td & 0x0F) != 0)
			need_tck = 1;
		i += n;
		y = td;
	}
	i += (size_t)((y >> 4 & 1) + (y >> 5 & 1) + (y >> 6 & 1));
	end = i + k + (need_tck ? 1u : 0u);
	if (end != len)
		return rt_err_set(err, RT_EPROTO, "ATR is %zu bytes, its structure says %zu%s", len,
				  end, need_tck ? " (with TCK)" : "");
	if (need_tck) {
		for (i = 1; i < len; i++)
			x ^= atr[i];
		if (x != 0)
			return rt_err_set(err, RT_EPROTO, "ATR TCK %02X wrong (XOR T0..TCK = %02X)",
					  atr[len - 1], x);
	}
	return 0;
}

int rt_euicc_new(const struct rt_euicc_config *cfg, struct rt_euicc **out, struct rt_err *err)
{
	struct rt_euicc *card = NULL;
	int rc;

	*out = NULL;
	if (cfg->t0_get_response > RT_EUICC_T0_CHUNK_MAX) {
		rc = rt_err_set(err, RT_EINVAL, "T=0 GET RESPONSE chunk %u above %d",
				cfg->t0_get_response, RT_EUICC_T0_CHUNK_MAX);
		goto out;
	}
	rc = rt_euicc_atr_check(cfg->atr, cfg->atr_len, err);
	if (rc)
		goto out;
	card = calloc(1, sizeof(*card));
	if (!card) {
		rc = rt_err_set(err, RT_ENOMEM, "allocating the eUICC");
		goto out;
	}
	card->cfg = *cfg;
	card->cfg.eid[RT_EID_DIGITS] = '\0';
	card->cfg.state_path = NULL; /* the card keeps its own copy */
	rc = rt_eid_from_digits(card->cfg.eid, card->eid, err);
	if (!rc)
		rc = rt_eid_validate(card->eid, sizeof(card->eid), err);
	if (rc) {
		rt_err_wrap(err, "eUICC configuration");
		goto out;
	}
	rt_euicc_state_fresh(card);
	if (cfg->state_path) {
		card->state_path = strdup(cfg->state_path);
		if (!card->state_path) {
			rc = rt_err_set(err, RT_ENOMEM, "allocating the eUICC");
			goto out;
		}
		/* A card that was used before resumes from its file; a new one writes the
		 * state it was manufactured with. */
		rc = rt_euicc_store_load(card->state_path, &card->st, err);
		if (rc == RT_ENOENT)
			rc = rt_euicc_store_save(card->state_path, &card->st, err);
		if (rc) {
			rt_err_wrap(err, "eUICC state %s", card->state_path);
			goto out;
		}
	}
	*out = card;
	card = NULL;
out:
	rt_euicc_free(card);
	return rc;
}

void rt_euicc_free(struct rt_euicc *card)
{
	if (!card)
		return;
	rt_euicc_isdp_sessions_free(card);
	rt_euicc_ota_free(card);
	rt_euicc_state_free(&card->st);
	free(card->state_path);
	free(card);
}


/* --- power ------------------------------------------------------------------------- */

static void rt_euicc_clear_volatile(struct rt_euicc *card)
{
	/* ISO 7816-4 5.4.2: after reset only the basic channel is open; SGP.02 does not
	 * make the ISD-R the default application, so nothing of ours is selected. */
	size_t i;

	memset(card->ch, 0, sizeof(card->ch));
	for (i = 0; i < RT_EUICC_CHANNELS; i++)
		card->ch[i].isdp = -1;
	card->ch[0].open = 1;
	card->pending.active = 0;
	/* Secure channel sessions, proactive commands and partial SMS do not survive a
	 * reset (GP CS 10.2: a session ends with the card session). */
	rt_euicc_isdp_sessions_free(card);
	rt_euicc_cat_reset(card);
}

/* rt_euicc_clear_volatile, except that the fault power_cycle_keeps_partial_sms keeps the
 * concatenated-SMS reassembly buffer across the reset. */
static void rt_euicc_drop_volatile(struct rt_euicc *card)
{
	void *ota = NULL;

	if (card->cfg.faults & RT_EUICC_FAULT_POWER_KEEPS_PARTIAL_SMS) {
		ota = card->ota;
		card->ota = NULL;
	}
	rt_euicc_clear_volatile(card);
	if (ota)
		card->ota = ota;
}

static int rt_euicc_reset(void *vcard, uint8_t *atr, size_t *atr_len)
{
	struct rt_euicc *card = vcard;

	if (*atr_len < card->cfg.atr_len)
		return RT_ENOMEM;
	rt_euicc_drop_volatile(card);
	card->powered = 1;
	memcpy(atr, card->cfg.atr, card->cfg.atr_len);
	*atr_len = card->cfg.atr_len;
	return 0;
}

/* A power cycle loses what only RAM held. A card with a state file comes back with what
 * it saved there (its non-volatile memory), so whatever a handler changed without
 * committing is gone, as on a real card (docs/euicc-internals.md, Rules). */
static void rt_euicc_reload(struct rt_euicc *card)
{
	struct rt_err err = { 0 };

	if (!card->state_path)
		return;
	if (rt_euicc_store_load(card->state_path, &card->st, &err))
		rt_log(RT_LOG_ERROR, "euicc: power cycle: state not reloaded: %s", err.msg);
}

/* Fault knobs of a card whose non-volatile memory does not keep one thing (each breaks
 * one rule of what survives a power cycle; with or without a state file). */
static void rt_euicc_power_faults(struct rt_euicc *card)
{
	uint64_t f = card->cfg.faults;
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_ISDP && (f & RT_EUICC_FAULT_POWER_LOSES_FALLBACK); i++)
		card->st.isdp[i].fallback = 0;
	for (i = 0; i < RT_EUICC_MAX_SCP80 && (f & RT_EUICC_FAULT_POWER_RESETS_COUNTERS); i++)
		memset(card->st.scp80[i].cntr, 0, sizeof(card->st.scp80[i].cntr));
	if (f & RT_EUICC_FAULT_POWER_RESETS_SEQ)
		card->st.next_seq = 1;
	if (f & RT_EUICC_FAULT_POWER_DECLARES_AGAIN)
		card->st.declared = 0;
}

static void rt_euicc_power_off(void *vcard)
{
	struct rt_euicc *card = vcard;

	rt_euicc_drop_volatile(card);
	rt_euicc_reload(card);
	rt_euicc_power_faults(card);
	card->powered = 0;
}

/* --- card-level commands ----------------------------------------------------------- */

/* ISO 7816-4 7.1.1 SELECT; TS 102 221 11.1.1; GP Card Spec 11.9. */
static uint16_t rt_cmd_select(struct rt_euicc *card, struct rt_euicc_channel *ch,
			      const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	const struct rt_euicc_app *app;
	struct rt_capdu any_p1;
	int isdp;

	if (card->cfg.faults & RT_EUICC_FAULT_SELECT_ANY_P1) {
		any_p1 = *a; /* fault select_any_p1: P1 is not looked at */
		any_p1.p1 = 0x04;
		a = &any_p1;
	}
	/* P1 '04': select by DF name (AID). Selection by file identifier or path belongs
	 * to the profile's file system, which the seed does not have. */
	if (a->p1 != 0x04)
		return RT_SW_WRONG_P1P2;
	/* P2 '00': first or only occurrence, return FCI; '0C': no response data. */
	if (a->p2 != 0x00 && a->p2 != 0x0C)
		return RT_SW_WRONG_P1P2;
	/* ISO 7816-5: an AID is 5 to 16 bytes; no data at all is a length error. */
	if (a->lc == 0 || a->lc > 16)
		return RT_SW_WRONG_LENGTH;
	app = rt_euicc_app_find(card, a->data, a->lc, &isdp);
	if (!app && (card->cfg.faults & RT_EUICC_FAULT_SELECT_FAIL_DESELECTS))
		ch->selected = NULL;
	if (!app)
		return RT_SW_FILE_NOT_FOUND; /* the current selection stays (ISO 7816-4 7.1.1) */
	ch->selected = app;
	ch->isdp = isdp;
	if (a->p2 == 0x00 && app->fci(card, app, isdp, resp))
		return RT_SW_UNKNOWN;
	return RT_SW_OK;
}

/* ISO 7816-4 7.6.1 GET RESPONSE; TS 102 221 7.3.1.1.4 (T=0 case 4 / 61xx). */
static uint16_t rt_cmd_get_response(struct rt_euicc *card, struct rt_euicc_channel *ch,
				    const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	size_t remaining, le, n, chunk = card->cfg.t0_get_response;

	(void)ch;
	if (!card->pending.active || card->pending.channel != cmd->channel)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	if (a->p1 != 0 || a->p2 != 0)
		return RT_SW_WRONG_P1P2;
	if (a->lc != 0 || !a->has_le)
		return RT_SW_WRONG_LENGTH;
	remaining = card->pending.len - card->pending.off;
	le = a->le;
	/* TS 102 221 7.3.1.1.5: Le above what is available -> 6Cxx with the exact count;
	 * the data stays pending for the repeated GET RESPONSE. */
	if (le > remaining)
		return (uint16_t)(0x6C00 | (remaining & 0xFF));
	n = le;
	memcpy(resp->data, card->pending.data + card->pending.off, n);
	resp->len = n;
	card->pending.off += n;
	remaining -= n;
	if (remaining == 0) {
		card->pending.active = 0;
		return RT_SW_OK;
	}
	if (chunk == 0)
		chunk = RT_EUICC_T0_CHUNK_MAX;
	n = remaining < chunk ? remaining : chunk;
	return (uint16_t)(0x6100 | (n & 0xFF));
}

/* Commands every channel accepts whatever is selected. */
static const struct rt_euicc_ins rt_card_cmds[] = {
	{ RT_EUICC_CLA_ISO, 0xA4, "SELECT", rt_cmd_select },
	{ RT_EUICC_CLA_ISO, 0xC0, "GET RESPONSE", rt_cmd_get_response },
	/* CAT, TS 102 221 10.1.2 / TS 102 223: class '80' commands of the toolkit. */
	{ RT_EUICC_CLA_GP, 0x10, "TERMINAL PROFILE", rt_euicc_cmd_terminal_profile },
	{ RT_EUICC_CLA_GP, 0xC2, "ENVELOPE", rt_euicc_cmd_envelope },
	{ RT_EUICC_CLA_GP, 0x12, "FETCH", rt_euicc_cmd_fetch },
	{ RT_EUICC_CLA_GP, 0x14, "TERMINAL RESPONSE", rt_euicc_cmd_terminal_response },
};

/* --- dispatcher -------------------------------------------------------------------- */

struct rt_cla_info {
	enum rt_euicc_cla_class cls;
	unsigned channel;
	int sm;       /* secure messaging indicated */
	int chaining; /* command chaining indicated */
};

/* ISO 7816-4 5.4.1 Tables 2 and 3; GP Card Spec 11.1.4 uses the same layout for its
 * proprietary classes '80'-'9F' (first) and 'C0'-'FE' (further). */
static struct rt_cla_info rt_cla_decode(uint8_t cla)
{
	struct rt_cla_info ci = { RT_EUICC_CLA_INVALID, 0, 0, 0 };

	if (cla == 0xFF)
		return ci;
	switch (cla & 0xE0) {
	case 0x00: /* 000x xxxx first interindustry */
	case 0x80: /* 100x xxxx GP, first */
		ci.cls = (cla & 0x80) ? RT_EUICC_CLA_GP : RT_EUICC_CLA_ISO;
		ci.chaining = !!(cla & 0x10);
		ci.sm = !!(cla & 0x0C);
		ci.channel = cla & 0x03;
		break;
	case 0x40: /* 01xx xxxx further interindustry */
	case 0x60:
	case 0xC0: /* 11xx xxxx GP, further */
	case 0xE0:
		ci.cls = (cla & 0x80) ? RT_EUICC_CLA_GP : RT_EUICC_CLA_ISO;
		ci.sm = !!(cla & 0x20);
		ci.chaining = !!(cla & 0x10);
		ci.channel = 4u + (cla & 0x0F);
		break;
	default: /* '20'-'3F' RFU; 'A0'-'BF' proprietary, not GP (e.g. GSM 11.11 'A0') */
		break;
	}
	return ci;
}

static const struct rt_euicc_ins *rt_find_ins(const struct rt_euicc_ins *t, size_t n,
					      enum rt_euicc_cla_class cls, uint8_t ins)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].ins == ins && (cls == RT_EUICC_CLA_INVALID || t[i].cls == cls))
			return &t[i];
	return NULL;
}

/* Is INS known anywhere on the card (card level or any application) for class cls
 * (RT_EUICC_CLA_INVALID: for any class)? */
static int rt_ins_known(enum rt_euicc_cla_class cls, uint8_t ins)
{
	size_t i;

	if (rt_find_ins(rt_card_cmds, sizeof(rt_card_cmds) / sizeof(rt_card_cmds[0]), cls, ins))
		return 1;
	for (i = 0; i < rt_euicc_napps; i++)
		if (rt_euicc_app_ins(rt_euicc_apps[i], cls, ins))
			return 1;
	return rt_euicc_app_ins(&rt_euicc_app_isdp, cls, ins) != NULL;
}

/* Runs one command; returns SW, fills resp; *is_get_response tells the caller not to
 * re-queue the data. The order of checks follows ISO 7816-4 5.6: class, channel,
 * instruction, then the handler's parameter, length and state checks. */
static uint16_t rt_euicc_dispatch(struct rt_euicc *card, const struct rt_capdu *a,
				  struct rt_euicc_resp *resp, int *is_get_response)
{
	struct rt_cla_info ci = rt_cla_decode(a->cla);
	struct rt_euicc_cmd cmd = { a, ci.cls, ci.channel };
	struct rt_euicc_channel *ch;
	const struct rt_euicc_ins *e;

	if (ci.cls == RT_EUICC_CLA_INVALID)
		return RT_SW_CLA_NOT_SUPPORTED;
	if (ci.channel < RT_EUICC_CHANNELS && (card->cfg.faults & RT_EUICC_FAULT_CLOSED_CHANNEL_ACCEPTED))
		card->ch[ci.channel].open = 1;
	if (ci.sm && (card->cfg.faults & RT_EUICC_FAULT_IGNORE_SM_CLA))
		ci.sm = 0;
	if (ci.channel >= RT_EUICC_CHANNELS || !card->ch[ci.channel].open)
		return RT_SW_LOGICAL_CHANNEL_NOT_SUPPORTED;
	if (ci.sm)
		return RT_SW_SM_NOT_SUPPORTED;
	if (ci.chaining)
		return RT_SW_CHAINING_NOT_SUPPORTED;
	ch = &card->ch[ci.channel];
	e = rt_find_ins(rt_card_cmds, sizeof(rt_card_cmds) / sizeof(rt_card_cmds[0]), ci.cls,
			a->ins);
	if (!e)
		e = rt_euicc_app_ins(ch->selected, ci.cls, a->ins);
	if (e) {
		*is_get_response = (e->fn == rt_cmd_get_response);
		/* ISO 7816-4 7.6.1: GET RESPONSE must follow the command whose data it fetches;
		 * anything else drops what was pending. */
		if (!*is_get_response)
			card->pending.active = 0;
		rt_log(RT_LOG_DEBUG, "euicc: %s on channel %u (%s)", e->name, ci.channel,
		       ch->selected ? ch->selected->name : "no application");
		return e->fn(card, ch, &cmd, resp);
	}
	card->pending.active = 0;
	if (rt_ins_known(ci.cls, a->ins))
		/* Known instruction, but the current application is not one that takes it;
		 * with nothing selected the use conditions are not met. */
		return ch->selected ? RT_SW_INS_NOT_SUPPORTED : RT_SW_CONDITIONS_NOT_SATISFIED;
	if (rt_ins_known(RT_EUICC_CLA_INVALID, a->ins))
		return RT_SW_CLA_NOT_SUPPORTED; /* known INS, but never in this class */
	return RT_SW_INS_NOT_SUPPORTED;
}

static int rt_euicc_put(uint8_t *rapdu, size_t cap, size_t *rlen, const uint8_t *data, size_t n,
			uint16_t sw)
{
	if (cap < n + 2)
		return RT_ENOMEM;
	if (n)
		memcpy(rapdu, data, n);
	rapdu[n] = (uint8_t)(sw >> 8);
	rapdu[n + 1] = (uint8_t)sw;
	*rlen = n + 2;
	return 0;
}

static int rt_euicc_process(void *vcard, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
			    size_t *rlen)
{
	struct rt_euicc *card = vcard;
	struct rt_euicc_resp *resp;
	struct rt_capdu a;
	size_t cap = *rlen;
	int is_gr = 0, rc;
	uint16_t sw;

	if (!card->powered)
		return RT_ESTATE; /* an unpowered card does not answer at all */
	/* ISO 7816-4 5.1: anything that is not a well-formed C-APDU is a length error. */
	if (rt_capdu_parse(capdu, clen, &a, NULL) != 0) {
		card->pending.active = 0;
		return rt_euicc_put(rapdu, cap, rlen, NULL, 0, RT_SW_WRONG_LENGTH);
	}
	resp = malloc(sizeof(*resp));
	if (!resp)
		return RT_ENOMEM;
	resp->len = 0;
	sw = rt_euicc_dispatch(card, &a, resp, &is_gr);
	if (card->cfg.faults & RT_EUICC_FAULT_LE_IGNORED)
		a.has_le = 0; /* fault le_ignored: all the data, whatever Le said */
	if (sw != RT_SW_OK && (sw >> 8) != 0x61 && (sw >> 8) != 0x91)
		resp->len = 0; /* errors carry no data */
	/* TS 102 221 7.4.2.2: with a proactive command pending the card answers '91 xx'
	 * (xx = its length) where it would say '90 00'. */
	if (sw == RT_SW_OK && card->proactive.count && !card->proactive.fetched)
		sw = (uint16_t)(RT_SW_PROACTIVE | (card->proactive.len[card->proactive.head] & 0xFF));
	if (is_gr || resp->len == 0) {
		rc = rt_euicc_put(rapdu, cap, rlen, resp->data, resp->len, sw);
	} else if (card->cfg.t0_get_response) {
		/* TS 102 221 7.3.1.1.4: the data waits for GET RESPONSE; SW 61xx says how much
		 * the next GET RESPONSE may fetch ('00' = 256). */
		size_t chunk = card->cfg.t0_get_response;
		size_t n = resp->len < chunk ? resp->len : chunk;

		memcpy(card->pending.data, resp->data, resp->len);
		card->pending.len = resp->len;
		card->pending.off = 0;
		card->pending.channel = rt_cla_decode(a.cla).channel;
		card->pending.active = 1;
		rc = rt_euicc_put(rapdu, cap, rlen, NULL, 0, (uint16_t)(0x6100 | (n & 0xFF)));
	} else if (a.has_le && a.le < resp->len) {
		/* ISO 7816-4 5.6 / TS 102 221 7.3.1.1.5: Le too short -> 6Cxx, xx = exact
		 * length ('00' = 256); the terminal repeats the command with that Le. */
		rc = rt_euicc_put(rapdu, cap, rlen, NULL, 0, (uint16_t)(0x6C00 | (resp->len & 0xFF)));
	} else {
		rc = rt_euicc_put(rapdu, cap, rlen, resp->data, resp->len, sw);
	}
	free(resp);
	return rc;
}

uint16_t rt_euicc_exec(struct rt_euicc *card, const struct rt_euicc_app *app, int isdp,
		       const uint8_t *capdu, size_t clen, struct rt_euicc_resp *resp)
{
	struct rt_euicc_channel ch = { 2, app, isdp }; /* 2: the OTA executor (rt_euicc_from_ota) */
	struct rt_capdu a;
	struct rt_cla_info ci;
	struct rt_euicc_cmd cmd;
	const struct rt_euicc_ins *e;

	resp->len = 0;
	if (rt_capdu_parse(capdu, clen, &a, NULL) != 0)
		return RT_SW_WRONG_LENGTH;
	ci = rt_cla_decode(a.cla);
	if (ci.cls == RT_EUICC_CLA_INVALID)
		return RT_SW_CLA_NOT_SUPPORTED;
	cmd.apdu = &a;
	cmd.cls = ci.cls;
	cmd.channel = ci.channel;
	/* TS 102 226 5.1: the commands of a script run in the addressed security domain,
	 * which the TAR fixed; card-level commands (SELECT...) are not part of it. */
	e = rt_euicc_app_ins(app, ci.cls, a.ins);
	if (!e && app == &rt_euicc_app_isdp && (card->cfg.faults & RT_EUICC_FAULT_ISDP_TAR_REACHES_ISDR))
		e = rt_euicc_app_ins(&rt_euicc_app_isdr, ci.cls, a.ins);
	if (e)
		return e->fn(card, &ch, &cmd, resp);
	if (rt_ins_known(ci.cls, a.ins))
		return RT_SW_INS_NOT_SUPPORTED;
	return rt_ins_known(RT_EUICC_CLA_INVALID, a.ins) ? RT_SW_CLA_NOT_SUPPORTED
							 : RT_SW_INS_NOT_SUPPORTED;
}

static const struct rt_icc_ops rt_euicc_icc_ops = {
	.reset = rt_euicc_reset,
	.power_off = rt_euicc_power_off,
	.process = rt_euicc_process,
};

void rt_euicc_icc(struct rt_euicc *card, struct rt_icc *icc)
{
	icc->ops = &rt_euicc_icc_ops;
	icc->card = card;
}
