/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_isdp — an ISD-P of the reference eUICC: the ES8 functions (SGP.02 4.1.3) the
 * SM-DP reaches through the SM-SR's ES5 channel (SCP80 scripts addressed to the ISD-P's
 * TAR, run by rt_euicc_exec / rt_euicc_isdp_script_tlv from the OTA layer).
 *
 * Owns, per ISD-P:
 *  - INSTALL [for personalization] of the ISD-P itself (facts §4.2 step 1);
 *  - key establishment, ES8.EstablishISDPKeySet (SGP.02 4.1.3.1; GP Amd E scenario #3):
 *    STORE DATA DGI 3A01 (CERT.DP.ECDSA checked with PK.CI, answer 85 RC) and 3A02 (A6 |
 *    ePK | signature checked with PK.DP, ECDH with SK.ECASD, answer [85 DR] 86 receipt),
 *    storing the derived SCP03 keyset and moving SELECTABLE -> PERSONALIZED;
 *  - SCP03t (SGP.02 4.1.3.3): the 84/85/86 TLVs of a remote script, reassembly of the
 *    Profile Package, its installation (SAIP header: ICCID, pol -> POL1, connectivity
 *    parameters), PERSONALIZED -> DISABLED, and the SAIP EUICCResponse answers;
 *  - UpdateConnectivityParameters (SGP.02 4.1.3.4): STORE DATA DGI 3A07 { A0 ... } under
 *    an SCP03 session (INITIALIZE UPDATE / EXTERNAL AUTHENTICATE in APDU form, WHTY-SR)
 *    or inside an SCP03t session of an installed profile.
 * Volatile session state (key establishment in progress, SCP03/SCP03t sessions, the
 * partial package) is struct rt_euicc_isdp_session, dropped at reset. Choices where the
 * sources say nothing are in docs/spec-notes.md, ES8 (part docs/spec-notes/70-es8.md). */
#include "roles/euicc/rt_euicc_int.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_dgi.h"
#include "codec/rt_saip.h"
#include "codec/rt_tlv.h"
#include "crypto/rt_ec.h"
#include "scp/rt_ecka.h"
#include "scp/rt_scp03.h"
#include "scp/rt_scp03t.h"
#include "util/rt_log.h"

/* SAIP PEDefinitions (PE_Definitions-3.3.1.asn, AUTOMATIC TAGS): ProfileElement CHOICE
 * header [0] = A0, end [10] = AA; PEStatus.status values. */
enum {
	RT_PE_TAG_HEADER = 0xA0,
	RT_PE_TAG_END = 0xAA,
};
enum rt_pe_status {
	RT_PES_OK = 0,
	RT_PES_PE_NOT_SUPPORTED = 1,
	RT_PES_MEMORY_FAILURE = 2,
	RT_PES_BAD_VALUES = 3,
	RT_PES_NOT_ENOUGH_MEMORY = 4,
	RT_PES_INVALID_REQUEST_FORMAT = 5,
	RT_PES_INVALID_PARAMETER = 6,
	RT_PES_UNSUPPORTED_VERSION = 31,
	/* "ISO 7816 standard status values apply in the range [24576...28671]": 6985 */
	RT_PES_CONDITIONS = 0x6985,
	/* ISO 7816-4 'already exists' (the ISO range of PEStatus): a ProfileHeader ICCID that
	 * another ISD-P holds. No SGP.02/SAIP source gives the code (option
	 * es8.iccid_exists_status; docs/spec-notes/70-es8.md). */
	RT_PES_ICCID_EXISTS = 0x6A89,
};

#define RT_ISDP_I_PARAM 0x70 /* SCP03 "i": pseudo-random challenge, R-MAC, R-ENC (facts §3) */
#define RT_ISDP_DGI_CONN 0x3A07u

/* What the ISD-P asks of CERT.DP.ECDSA and the key establishment (SGP.02 4.1.3.1; facts
 * §4.2, §4.4): key usage 95 = 88 (signature verification, two implementations agree),
 * certificate type C8 = 01 (SM-DP), a 16-byte RC (WHTY-SR), KVN 30..3F (GP SCP03). */
static const struct rt_isdp_ke_policy {
	long dp_key_usage;
	int dp_cert_type;
	size_t rc_len;
	uint8_t kvn_min, kvn_max;
} rt_isdp_ke = { 0x88, 0x01, 16, 0x30, 0x3F };

/* SAIP ProfileHeader major versions this ISD-P installs (PE_Definitions 2.x / 3.x share
 * the header layout the parser reads; TS.48 packages are 2.3). */
static const uint8_t rt_isdp_saip_majors[] = { 2, 3 };

/* Volatile ES8 state of one ISD-P (lost at reset, GP CS 10.2). */
struct rt_euicc_isdp_session {
	uint8_t aid[RT_EUICC_AID_MAX]; /* the ISD-P this belongs to (a slot can be reused) */
	uint8_t aid_len;
	int perso;                     /* INSTALL [for personalization] received */
	/* key establishment */
	int ecka_on;
	struct rt_ecka_card ecka;
	struct rt_ec_key *pk_ci, *sk_ecasd;
	uint8_t rc[RT_ECKA_ID_MAX];    /* the last RC this ISD-P issued (fault rc_reused) */
	size_t rc_len;
	/* SCP03t (profile download) */
	int t_on;
	struct rt_scp03t t;
	struct rt_buf pkg;     /* reassembled plain data of the current session */
	size_t pe_off;         /* offset of the first PE not yet complete */
	int pe_count;          /* complete PEs seen */
	/* SCP03 in APDU form (connectivity parameters) */
	int s_on;
	struct rt_scp03 s;
};

/* Appends n raw bytes to a response. 0, or -1 when they do not fit. */
static int rt_isdp_put(struct rt_euicc_resp *r, const uint8_t *p, size_t n)
{
	if (n > sizeof(r->data) - r->len)
		return -1;
	if (n)
		memcpy(r->data + r->len, p, n);
	r->len += n;
	return 0;
}

/* ---- session helpers ------------------------------------------------------------- */

static void rt_isdp_sess_clear_ecka(struct rt_euicc_isdp_session *x)
{
	if (x->ecka_on)
		rt_ecka_card_clear(&x->ecka);
	x->ecka_on = 0;
	rt_ec_key_free(x->pk_ci);
	rt_ec_key_free(x->sk_ecasd);
	x->pk_ci = x->sk_ecasd = NULL;
}

static void rt_isdp_sess_clear_t(struct rt_euicc_isdp_session *x)
{
	if (x->t_on)
		rt_scp03t_clear(&x->t);
	x->t_on = 0;
	if (x->pkg.data)
		OPENSSL_cleanse(x->pkg.data, x->pkg.len);
	rt_buf_free(&x->pkg);
	x->pe_off = 0;
	x->pe_count = 0;
}

static void rt_isdp_sess_free(struct rt_euicc_isdp_session *x)
{
	if (!x)
		return;
	rt_isdp_sess_clear_ecka(x);
	rt_isdp_sess_clear_t(x);
	OPENSSL_cleanse(x->rc, sizeof(x->rc));
	if (x->s_on)
		rt_scp03_clear(&x->s);
	OPENSSL_cleanse(x, sizeof(*x));
	free(x);
}

void rt_euicc_isdp_session_drop(struct rt_euicc *card, int isdp)
{
	if (isdp < 0 || isdp >= RT_EUICC_MAX_ISDP)
		return;
	rt_isdp_sess_free(card->isdp_sess[isdp]);
	card->isdp_sess[isdp] = NULL;
}

void rt_euicc_isdp_sessions_free(struct rt_euicc *card)
{
	size_t i;

	for (i = 0; i < RT_EUICC_MAX_ISDP; i++) {
		rt_isdp_sess_free(card->isdp_sess[i]);
		card->isdp_sess[i] = NULL;
	}
}

/* The session of ISD-P index i, made on first use; a session left by a deleted ISD-P
 * whose slot was reused is dropped first. NULL when out of memory. */
static struct rt_euicc_isdp_session *rt_isdp_sess(struct rt_euicc *card, int i)
{
	const struct rt_euicc_isdp *p = &card->st.isdp[i];
	struct rt_euicc_isdp_session *x = card->isdp_sess[i];

	/* A session left by a deleted ISD-P: another AID in the slot, or the same AID
	 * created again (SELECTABLE, no keyset) while the session still holds secure
	 * channel state. */
	if (x && (x->aid_len != p->aid_len || memcmp(x->aid, p->aid, p->aid_len) != 0 ||
		  (!p->scp03.kvn && (x->t_on || x->s_on)))) {
		rt_isdp_sess_free(x);
		x = card->isdp_sess[i] = NULL;
	}
	if (x)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	memcpy(x->aid, p->aid, p->aid_len);
	x->aid_len = p->aid_len;
	card->isdp_sess[i] = x;
	return x;
}

static int rt_isdp_index_ok(const struct rt_euicc *card, int i)
{
	return i >= 0 && i < RT_EUICC_MAX_ISDP && card->st.isdp[i].state != RT_ISDP_FREE;
}

static void rt_isdp_scp03_keys(const struct rt_euicc_isdp *p, struct rt_scp03_keys *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->enc, p->scp03.enc, p->scp03.key_len);
	memcpy(k->mac, p->scp03.mac, p->scp03.key_len);
	memcpy(k->dek, p->scp03.dek, p->scp03.key_len);
	k->len = p->scp03.key_len;
	k->kvn = p->scp03.kvn;
}

static uint32_t rt_isdp_seq_get(const struct rt_euicc_isdp *p)
{
	return (uint32_t)p->scp03.seq[0] << 16 | (uint32_t)p->scp03.seq[1] << 8 | p->scp03.seq[2];
}

static void rt_isdp_seq_put(struct rt_euicc_isdp *p, uint32_t seq)
{
	p->scp03.seq[0] = (uint8_t)(seq >> 16);
	p->scp03.seq[1] = (uint8_t)(seq >> 8);
	p->scp03.seq[2] = (uint8_t)seq;
}

/* ---- SELECT ------------------------------------------------------------------------ */

static int rt_isdp_fci(struct rt_euicc *card, const struct rt_euicc_app *app, int isdp,
		       struct rt_euicc_resp *r)
{
	(void)app;
	if (isdp < 0 || isdp >= RT_EUICC_MAX_ISDP)
		return -1;
	return rt_euicc_fci_sd(card->st.isdp[isdp].aid, card->st.isdp[isdp].aid_len, r);
}

/* ---- INSTALL [for personalization] ------------------------------------------------- */

/* GP CS 11.5 INSTALL, P1 '20' [for personalization] (facts §4.2 step 1: `80 E6 20 00 Lc
 * 00 00 L <ISD-P AID> 00 00 00`, NJIWA and WHTY-SR): the empty load file and module
 * AIDs, the application AID, empty privileges, parameters and token. The script is
 * addressed to the ISD-P's own TAR, so the AID must be this ISD-P's. */
static uint16_t rt_isdp_install(struct rt_euicc *card, struct rt_euicc_channel *ch,
				const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	const struct rt_euicc_isdp *p;
	struct rt_euicc_isdp_session *x;
	const uint8_t *d = a->data;
	size_t n = a->lc, pos = 0, i;
	static const uint8_t zero = 0x00;

	if (!rt_euicc_from_ota(ch))
		return RT_SW_SECURITY_NOT_SATISFIED; /* euicc-internals: ES8 only via SCP80 */
	if (!rt_isdp_index_ok(card, ch->isdp))
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	p = &card->st.isdp[ch->isdp];
	/* Only [for personalization] is an ISD-P's business; CreateISDP (P1 0C) goes to the
	 * ISD-R. P2 '00' (GP CS Table 11-41: no more INSTALL commands follow). */
	if (a->p1 != 0x20 || a->p2 != 0x00)
		return RT_SW_WRONG_P1P2;
	/* load file AID (empty), module AID (empty), then the application AID */
	for (i = 0; i < 2; i++) {
		if (pos >= n || d[pos] != 0)
			return RT_SW_WRONG_DATA;
		pos++;
	}
	if (pos >= n || d[pos] < 5 || d[pos] > 16 || pos + 1u + d[pos] > n)
		return RT_SW_WRONG_DATA;
	if (d[pos] != p->aid_len || memcmp(d + pos + 1, p->aid, p->aid_len) != 0)
		return RT_SW_REF_DATA_NOT_FOUND; /* another application: not this SD's */
	pos += 1u + d[pos];
	/* privileges, install parameters, token: each a length byte, all empty */
	for (i = 0; i < 3; i++) {
		if (pos >= n || d[pos] != 0)
			return RT_SW_WRONG_DATA;
		pos++;
	}
	if (pos != n)
		return RT_SW_WRONG_DATA;
	x = rt_isdp_sess(card, ch->isdp);
	if (!x)
		return RT_SW_UNKNOWN;
	x->perso = 1;
	/* GP CS 11.5.3: the INSTALL response data field is one byte '00'. */
	if (rt_isdp_put(resp, &zero, 1))
		return RT_SW_UNKNOWN;
	return RT_SW_OK;
}

/* ---- key establishment (DGI 3A01 / 3A02) ---------------------------------------------- */

static uint16_t rt_isdp_ecka_start(struct rt_euicc *card, struct rt_euicc_isdp_session *x)
{
	const struct rt_euicc_config *cfg = &card->cfg;
	struct rt_err err = { 0 };
	enum rt_ec_curve c_ecasd, c_ci;

	rt_isdp_sess_clear_ecka(x);
	if (!cfg->ecasd_sk_len || !cfg->pk_ci_len)
		return RT_SW_CONDITIONS_NOT_SATISFIED; /* a card without an ECASD personality */
	if (rt_ec_curve_from_name(cfg->curve, &c_ecasd, &err) ||
	    rt_ec_curve_from_name(cfg->ci_curve[0] ? cfg->ci_curve : cfg->curve, &c_ci, &err) ||
	    rt_ec_key_from_private(c_ecasd, cfg->ecasd_sk, cfg->ecasd_sk_len, &x->sk_ecasd, &err) ||
	    rt_ec_key_from_public(c_ci, cfg->pk_ci, cfg->pk_ci_len, &x->pk_ci, &err)) {
		rt_log(RT_LOG_ERROR, "euicc: ECASD personality unusable: %s", err.msg);
		rt_isdp_sess_clear_ecka(x);
		return RT_SW_UNKNOWN;
	}
	rt_ecka_card_init(&x->ecka);
	/* Defaults of struct rt_ecka_opts: every 7F49 form accepted, receipt without extra
	 * padding, RC 16 bytes, SM-DP certificate key usage 88 and type C8 = 01. The card
	 * has no clock: certificate dates are not checked (opts.date 0). */
	x->ecka.pk_ci = x->pk_ci;
	x->ecka.sk_ecasd = x->sk_ecasd;
	x->ecka.opts.dp_key_usage = rt_isdp_ke.dp_key_usage;
	x->ecka.opts.dp_cert_type = rt_isdp_ke.dp_cert_type;
	if (cfg->faults & RT_EUICC_FAULT_DP_KEY_USAGE_UNCHECKED)
		x->ecka.opts.dp_key_usage = -1;
	x->ecka_on = 1;
	return RT_SW_OK;
}

/* SGP.02 4.1.3.1 step 2 (facts §4.2): DGI 3A01 { CERT.DP.ECDSA } -> 85 RC. */
static uint16_t rt_isdp_3a01(struct rt_euicc *card, int i, const uint8_t *data, size_t len,
			     struct rt_euicc_resp *resp)
{
	struct rt_euicc_isdp_session *x = rt_isdp_sess(card, i);
	struct rt_err err = { 0 };
	struct rt_buf out;
	uint16_t sw;

	if (!x)
		return RT_SW_UNKNOWN;
	/* Key establishment belongs to a new ISD-P (SGP.02 Table 1: SELECTABLE ->
	 * PERSONALIZED); an ISD-P with keys or a profile refuses it (choice, spec-notes ES8). */
	if (card->st.isdp[i].state != RT_ISDP_SELECTABLE)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	sw = rt_isdp_ecka_start(card, x);
	if (sw != RT_SW_OK)
		return sw;
	/* SGP.02 4.1.3.1 step 2 (facts §4.2): a fresh random challenge for every 3A01, so
	 * that a 3A02 signed for an earlier one cannot be replayed. */
	if (!x->rc_len || !(card->cfg.faults & RT_EUICC_FAULT_RC_REUSED)) {
		if (RAND_bytes(x->rc, (int)rt_isdp_ke.rc_len) != 1)
			return RT_SW_UNKNOWN;
		x->rc_len = rt_isdp_ke.rc_len;
	}
	rt_buf_init(&out, 64);
	if (rt_ecka_card_cert(&x->ecka, data, len, x->rc, x->rc_len, &out, &err)) {
		sw = x->ecka.sw ? x->ecka.sw : RT_SW_WRONG_DATA;
		rt_log(RT_LOG_DEBUG, "euicc: ISD-P refuses 3A01 (%s): %s",
		       rt_ecka_status_name(x->ecka.status), err.msg);
		rt_isdp_sess_clear_ecka(x);
		rt_buf_free(&out);
		return sw;
	}
	sw = rt_isdp_put(resp, out.data, out.len) ? RT_SW_UNKNOWN : RT_SW_OK;
	rt_buf_free(&out);
	return sw;
}

/* SGP.02 4.1.3.1 step 4 (facts §4.2): DGI 3A02 { A6 } | 7F49 ePK | 5F37 signature ->
 * [85 DR] 86 receipt; the new keyset becomes the ISD-P's SCP03 keyset. */
static uint16_t rt_isdp_3a02(struct rt_euicc *card, int i, const uint8_t *data, size_t len,
			     struct rt_euicc_resp *resp)
{
	struct rt_euicc_isdp_session *x = rt_isdp_sess(card, i);
	struct rt_euicc_isdp *p = &card->st.isdp[i];
	struct rt_euicc_scp03_keyset old;
	struct rt_err err = { 0 };
	struct rt_buf out;
	uint16_t sw = RT_SW_OK;

	memset(&old, 0, sizeof(old));
	if (!x)
		return RT_SW_UNKNOWN;
	if (!x->ecka_on || x->ecka.step != 1 || p->state != RT_ISDP_SELECTABLE) {
		rt_isdp_sess_clear_ecka(x);
		return RT_SW_CONDITIONS_NOT_SATISFIED; /* 3A02 without a verified 3A01 */
	}
	rt_buf_init(&out, 128);
	if (rt_ecka_card_keys(&x->ecka, data, len, NULL, 0, &out, &err)) {
		sw = x->ecka.sw ? x->ecka.sw : RT_SW_WRONG_DATA;
		rt_log(RT_LOG_DEBUG, "euicc: ISD-P refuses 3A02 (%s): %s",
		       rt_ecka_status_name(x->ecka.status), err.msg);
		goto out; /* a refused attempt ends the key establishment: restart with 3A01 */
	}
	/* GP SCP03 key version numbers are 30..3F (facts §3, §4.2: KVN 30). */
	if ((x->ecka.prm.kvn < rt_isdp_ke.kvn_min || x->ecka.prm.kvn > rt_isdp_ke.kvn_max) &&
	    !(card->cfg.faults & RT_EUICC_FAULT_KVN_ANY)) {
		sw = RT_SW_WRONG_DATA;
		goto out;
	}
	/* Fault knob: a receipt the SM-DP cannot match (self-test of the receipt check). */
	if ((card->cfg.faults & RT_EUICC_FAULT_BAD_RECEIPT) && out.len)
		out.data[out.len - 1] ^= 0x01;
	old = p->scp03;
	memset(&p->scp03, 0, sizeof(p->scp03));
	p->scp03.kvn = x->ecka.prm.kvn;
	p->scp03.key_len = (uint8_t)x->ecka.keys.key_len;
	memcpy(p->scp03.enc, x->ecka.keys.enc, x->ecka.keys.key_len);
	memcpy(p->scp03.mac, x->ecka.keys.mac, x->ecka.keys.key_len);
	memcpy(p->scp03.dek, x->ecka.keys.dek, x->ecka.keys.key_len);
	p->state = RT_ISDP_PERSONALIZED;
	if (rt_euicc_commit(card)) {
		p->scp03 = old;
		p->state = RT_ISDP_SELECTABLE;
		sw = RT_SW_UNKNOWN;
		goto out;
	}
	if (rt_isdp_put(resp, out.data, out.len))
		sw = RT_SW_UNKNOWN;
out:
	OPENSSL_cleanse(&old, sizeof(old));
	/* Any answer ends the attempt: a refused 3A02 (signature, ePK, KVN) cannot be retried
	 * against the same RC; the SM-DP restarts with 3A01 (spec-notes ES8). */
	if (sw == RT_SW_OK || !(card->cfg.faults & RT_EUICC_FAULT_KEYS_RETRY))
		rt_isdp_sess_clear_ecka(x);
	rt_buf_free(&out);
	return sw;
}

/* ---- connectivity parameters (DGI 3A07) ----------------------------------------------- */

/* SGP.02 4.1.3.4 (facts §5.2): DGI 3A07 { A0 L { 06 L <TON/NPI + SMSC address> } }. The
 * value is a list of templates; A0 (SMS parameters) is the one two sources show; A1 and
 * A2 are accepted as further bearer templates (UNCONFIRMED, spec-notes ES8). Stored as
 * received (the DGI value), replacing what the profile header brought. */
static uint16_t rt_isdp_conn_apply(struct rt_euicc *card, int i, const uint8_t *v, size_t n)
{
	struct rt_euicc_isdp *p = &card->st.isdp[i];
	uint8_t old[RT_EUICC_PARAM_MAX];
	uint8_t old_len = p->conn_len;
	struct rt_tlv_iter it;
	struct rt_tlv t;
	struct rt_err err = { 0 };

	if (p->state != RT_ISDP_DISABLED && p->state != RT_ISDP_ENABLED)
		return RT_SW_CONDITIONS_NOT_SATISFIED; /* no profile installed yet */
	if (n == 0 || n > RT_EUICC_PARAM_MAX)
		return RT_SW_WRONG_DATA;
	rt_tlv_iter_init(&it, v, n, 0);
	while (!rt_tlv_iter_done(&it)) {
		if (rt_tlv_next(&it, &t, &err) || t.tag < 0xA0 || t.tag > 0xA2 ||
		    rt_tlv_validate(t.value, t.len, 0, &err))
			return RT_SW_WRONG_DATA;
	}
	memcpy(old, p->conn, old_len);
	memcpy(p->conn, v, n);
	p->conn_len = (uint8_t)n;
	if (rt_euicc_commit(card)) {
		memcpy(p->conn, old, old_len);
		p->conn_len = old_len;
		return RT_SW_UNKNOWN;
	}
	return RT_SW_OK;
}

/* ---- STORE DATA ---------------------------------------------------------------------- */

/* A plain STORE DATA (after SCP03 unwrapping when it was protected): GP CS 11.11, P1 b5b4
 * = 01 (DGI structure, facts §5.2). protected_: it came through an SCP03 session. */
static uint16_t rt_isdp_store_data_plain(struct rt_euicc *card, int i, const struct rt_capdu *a,
					 int protected_, struct rt_euicc_resp *resp)
{
	struct rt_dgi d;
	struct rt_err err = { 0 };

	if ((a->p1 & 0x18) != 0x08)
		return RT_SW_WRONG_P1P2; /* not DGI-structured */
	if (a->lc < 3 || rt_dgi_decode(a->data, a->lc, 0, 0, &d, &err))
		return RT_SW_WRONG_DATA;
	switch (d.tag) {
	case RT_ECKA_DGI_CERT:
		return rt_isdp_3a01(card, i, a->data, a->lc, resp);
	case RT_ECKA_DGI_KEYS:
		return rt_isdp_3a02(card, i, a->data, a->lc, resp);
	case RT_ISDP_DGI_CONN:
		/* UpdateConnectivityParameters needs the ISD-P's own keys: an SCP03 session
		 * (WHTY-SR; EKN "using SCP03"); plain over SCP80 is refused. */
		if (!protected_)
			return RT_SW_SECURITY_NOT_SATISFIED;
		if (d.total_len != a->lc)
			return RT_SW_WRONG_DATA;
		return rt_isdp_conn_apply(card, i, d.value, d.len);
	default:
		if (card->cfg.faults & RT_EUICC_FAULT_UNKNOWN_DGI_OK)
			return RT_SW_OK; /* fault knob: unknown data "stored" */
		return RT_SW_REF_DATA_NOT_FOUND; /* a DGI this ISD-P does not know */
	}
}

static uint16_t rt_isdp_store_data(struct rt_euicc *card, struct rt_euicc_channel *ch,
				   const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	struct rt_euicc_isdp_session *x;
	uint8_t raw[5 + 255 + 1], plain[5 + 255 + 1], out[RT_EUICC_RESP_MAX];
	size_t rawlen, plen, olen;
	struct rt_capdu pa;
	struct rt_euicc_resp *inner = NULL;
	struct rt_err err = { 0 };
	uint16_t sw;

	if (!rt_euicc_from_ota(ch))
		return RT_SW_SECURITY_NOT_SATISFIED;
	if (!rt_isdp_index_ok(card, ch->isdp))
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	if (!(a->cla & 0x04))
		return rt_isdp_store_data_plain(card, ch->isdp, a, 0, resp);
	/* Secure messaging: the command belongs to the ISD-P's SCP03 session (GP Amd D). */
	x = rt_isdp_sess(card, ch->isdp);
	if (!x)
		return RT_SW_UNKNOWN;
	if (!x->s_on || x->s.state != RT_SCP03_ST_OPEN)
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	if (a->extended || rt_capdu_build(a->cla, a->ins, a->p1, a->p2, a->data, a->lc, a->has_le,
					  a->le, raw, sizeof(raw), &rawlen, &err))
		return RT_SW_WRONG_LENGTH;
	if (rt_scp03_card_unwrap(&x->s, raw, rawlen, plain, sizeof(plain), &plen, &sw, &err))
		return sw;
	if (rt_capdu_parse(plain, plen, &pa, &err))
		return RT_SW_WRONG_LENGTH;
	inner = calloc(1, sizeof(*inner));
	if (!inner)
		return RT_SW_UNKNOWN;
	sw = rt_isdp_store_data_plain(card, ch->isdp, &pa, 1, inner);
	if (rt_scp03_card_wrap(&x->s, inner->data, inner->len, sw, out, sizeof(out), &olen, &err) ||
	    olen < 2 || rt_isdp_put(resp, out, olen - 2))
		sw = RT_SW_UNKNOWN;
	OPENSSL_cleanse(inner, sizeof(*inner));
	free(inner);
	return sw;
}

/* ---- SCP03 in APDU form (for 3A07) ------------------------------------------------------ */

static int rt_isdp_scp03_open(struct rt_euicc *card, int i, struct rt_euicc_isdp_session *x)
{
	const struct rt_euicc_isdp *p = &card->st.isdp[i];
	struct rt_scp03_keys k;
	struct rt_err err = { 0 };
	int rc;

	if (x->s_on)
		rt_scp03_clear(&x->s);
	x->s_on = 0;
	rt_isdp_scp03_keys(p, &k);
	rc = rt_scp03_card_init(&x->s, &k, RT_ISDP_I_PARAM, p->aid, p->aid_len, rt_isdp_seq_get(p),
				NULL, NULL, &err);
	OPENSSL_cleanse(&k, sizeof(k));
	if (!rc)
		x->s_on = 1;
	return rc;
}

/* GP Amd D 7.1 INITIALIZE UPDATE on the ISD-P's keyset (KVN 30..3F, or 00 = any). */
static uint16_t rt_isdp_init_update(struct rt_euicc *card, struct rt_euicc_channel *ch,
				    const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	struct rt_euicc_isdp_session *x;
	struct rt_euicc_isdp *p;
	uint8_t raw[5 + 255 + 1], out[RT_SCP03_IU_RESP_MAX + 2];
	size_t rawlen, olen;
	struct rt_err err = { 0 };
	uint16_t sw = RT_SW_OK;

	/* The ISD-P's keyset is for its SM-DP, reached through the SM-SR (SGP.02 4.1.3,
	 * euicc-internals): not for a device on the contact interface. */
	if (!rt_euicc_from_ota(ch) && !(card->cfg.faults & RT_EUICC_FAULT_IU_CONTACT))
		return RT_SW_SECURITY_NOT_SATISFIED;
	if (!rt_isdp_index_ok(card, ch->isdp))
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	p = &card->st.isdp[ch->isdp];
	if (!p->scp03.kvn)
		return RT_SW_REF_DATA_NOT_FOUND; /* no keyset yet (before key establishment) */
	x = rt_isdp_sess(card, ch->isdp);
	if (!x || rt_isdp_scp03_open(card, ch->isdp, x))
		return RT_SW_UNKNOWN;
	if (a->extended || rt_capdu_build(a->cla, a->ins, a->p1, a->p2, a->data, a->lc, a->has_le,
					  a->le, raw, sizeof(raw), &rawlen, &err))
		return RT_SW_WRONG_LENGTH;
	if (rt_scp03_card_iu(&x->s, raw, rawlen, NULL, out, sizeof(out), &olen, &sw, &err))
		return sw;
	/* The sequence counter moved: persist it before answering (euicc-internals; GP Amd
	 * D 6.2.1: a pseudo-random challenge must never repeat). */
	if (!(card->cfg.faults & RT_EUICC_FAULT_SEQ_NOT_STORED))
		rt_isdp_seq_put(p, x->s.seq);
	if (rt_euicc_commit(card) || olen < 2 || rt_isdp_put(resp, out, olen - 2))
		return RT_SW_UNKNOWN;
	return RT_SW_OK;
}

static uint16_t rt_isdp_ext_auth(struct rt_euicc *card, struct rt_euicc_channel *ch,
				 const struct rt_euicc_cmd *cmd, struct rt_euicc_resp *resp)
{
	const struct rt_capdu *a = cmd->apdu;
	struct rt_euicc_isdp_session *x;
	uint8_t raw[5 + 255 + 1];
	size_t rawlen;
	struct rt_err err = { 0 };
	uint16_t sw = RT_SW_OK;

	(void)resp;
	if (!rt_euicc_from_ota(ch))
		return RT_SW_SECURITY_NOT_SATISFIED;
	if (!rt_isdp_index_ok(card, ch->isdp))
		return RT_SW_CONDITIONS_NOT_SATISFIED;
	x = rt_isdp_sess(card, ch->isdp);
	if (!x)
		return RT_SW_UNKNOWN;
	if (!x->s_on)
		return RT_SW_CONDITIONS_NOT_SATISFIED; /* no INITIALIZE UPDATE before */
	if (a->extended || rt_capdu_build(a->cla, a->ins, a->p1, a->p2, a->data, a->lc, a->has_le,
					  a->le, raw, sizeof(raw), &rawlen, &err))
		return RT_SW_WRONG_LENGTH;
	if (rt_scp03_card_ext_auth(&x->s, raw, rawlen, &sw, &err))
		return sw ? sw : RT_SW_SECURITY_NOT_SATISFIED;
	return RT_SW_OK;
}

/* ---- SCP03t and the profile package ----------------------------------------------------- */

/* DER INTEGER content of v (non-negative), minimal. */
static size_t rt_der_uint(uint32_t v, uint8_t out[5])
{
	uint8_t tmp[5];
	size_t n = 0, i;

	do {
		tmp[n++] = (uint8_t)v;
		v >>= 8;
	} while (v);
	if (tmp[n - 1] & 0x80)
		tmp[n++] = 0x00;
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* SAIP EUICCResponse (PE_Definitions-3.3.1.asn, AUTOMATIC TAGS):
 *   30 { A0 peStatus { 30 PEStatus { 80 status [81 identification] [83 offset] } }
 *        [81 00 profileInstallationAborted] }
 * One PEStatus per answer (the one that decided it). */
static int rt_isdp_euicc_response(struct rt_buf *out, uint32_t status, int ident, long offset,
				  int aborted)
{
	struct rt_buf pes, seq, body;
	struct rt_err err = { 0 };
	uint8_t n[5];
	size_t k;
	int rc;

	rt_buf_init(&pes, 64);
	rt_buf_init(&seq, 64);
	rt_buf_init(&body, 64);
	k = rt_der_uint(status, n);
	rc = rt_tlv_put(&pes, 0x80, n, k, &err);
	if (!rc && ident >= 0) {
		k = rt_der_uint((uint32_t)ident, n);
		rc = rt_tlv_put(&pes, 0x81, n, k, &err);
	}
	if (!rc && offset >= 0) {
		k = rt_der_uint((uint32_t)offset, n);
		rc = rt_tlv_put(&pes, 0x83, n, k, &err);
	}
	if (!rc)
		rc = rt_tlv_put(&seq, 0x30, pes.data, pes.len, &err);
	if (!rc)
		rc = rt_tlv_put(&body, 0xA0, seq.data, seq.len, &err);
	if (!rc && aborted)
		rc = rt_tlv_put(&body, 0x81, NULL, 0, &err);
	if (!rc)
		rc = rt_tlv_put(out, 0x30, body.data, body.len, &err);
	rt_buf_free(&pes);
	rt_buf_free(&seq);
	rt_buf_free(&body);
	return rc;
}

/* Reads the header of the TLV at b[0..n): 1 (complete header, *hdr and *vlen set),
 * 0 (need more bytes), -1 (not a definite-length BER TLV: malformed). */
static int rt_isdp_tlv_head(const uint8_t *b, size_t n, size_t *hdr, size_t *vlen)
{
	size_t t = 1, i, ln;

	if (n < 1)
		return 0;
	if (b[0] == 0x00 || b[0] == 0xFF)
		return -1; /* ISO 7816-4 5.2.2.1 / X.690: not a tag */
	if ((b[0] & 0x1F) == 0x1F) {
		for (;;) {
			if (t >= n)
				return 0;
			if (t > 3)
				return -1;
			if (!(b[t++] & 0x80))
				break;
		}
	}
	if (t >= n)
		return 0;
	if (b[t] < 0x80) {
		*hdr = t + 1;
		*vlen = b[t];
		return 1;
	}
	ln = b[t] & 0x7F;
	if (ln == 0 || ln > 3)
		return -1; /* indefinite (DER forbids it) or absurd */
	if (t + 1 + ln > n)
		return 0;
	*vlen = 0;
	for (i = 0; i < ln; i++)
		*vlen = *vlen << 8 | b[t + 1 + i];
	*hdr = t + 1 + ln;
	return 1;
}

struct rt_isdp_verdict {
	int done;        /* package complete (installed or refused): answer now */
	uint32_t status; /* PEStatus.status */
	int ident;       /* PE identification, -1 */
	long offset;     /* offset in the package, -1 */
};

static void rt_isdp_fail_pkg(struct rt_isdp_verdict *v, uint32_t status, long offset)
{
	v->done = 1;
	v->status = status;
	v->offset = offset;
}

/* SAIP: a ProfileHeader of a major version the eUICC does not implement is refused
 * with unsupported-profile-version (PE_Definitions PEStatus 31). */
static int rt_isdp_saip_major_ok(const struct rt_euicc *card, uint32_t major)
{
	size_t k;

	if (card->cfg.faults & RT_EUICC_FAULT_SAIP_ANY_VERSION)
		return 1;
	for (k = 0; k < sizeof(rt_isdp_saip_majors); k++)
		if (major == rt_isdp_saip_majors[k])
			return 1;
	return 0;
}

/* SGP.02 3.1.2 (Download and Installation; ES8.DownloadAndInstallation 4.1.3.2): the ICCID
 * of the SAIP ProfileHeader identifies the profile on the eUICC, so a package whose ICCID
 * another ISD-P already holds is refused, nothing installed (SGP.22's ProfileInstallation
 * Result names the same rule installFailedDueToIccidAlreadyExistsOnEuicc). 1 = held
 * elsewhere. docs/spec-notes/70-es8.md, "Duplicate ICCID". */
static int rt_isdp_iccid_taken(const struct rt_euicc *card, int self, const uint8_t iccid[10])
{
	const struct rt_euicc_isdp *q;
	int j;

	if (card->cfg.faults & RT_EUICC_FAULT_DUPLICATE_ICCID_ACCEPTED)
		return 0;
	for (j = 0; j < RT_EUICC_MAX_ISDP; j++) {
		q = &card->st.isdp[j];
		if (j == self || q->state == RT_ISDP_FREE || !q->has_iccid)
			continue;
		if (memcmp(q->iccid, iccid, sizeof(q->iccid)) == 0)
			return 1;
	}
	return 0;
}

/* Installs the complete package x->pkg[0..len): SAIP header -> ICCID, POL1,
 * connectivity parameters; stores the package; PERSONALIZED -> DISABLED; commits. */
static void rt_isdp_install_pkg(struct rt_euicc *card, int i, struct rt_euicc_isdp_session *x,
				size_t len, struct rt_isdp_verdict *v)
{
	struct rt_euicc_isdp *p = &card->st.isdp[i];
	struct rt_saip_package pkg;
	struct rt_err err = { 0 };
	uint8_t *copy;

	memset(&pkg, 0, sizeof(pkg));
	pkg.max_pes = RT_SAIP_MAX_PES;
	pkg.pes = calloc(pkg.max_pes, sizeof(*pkg.pes));
	if (!pkg.pes) {
		rt_isdp_fail_pkg(v, RT_PES_MEMORY_FAILURE, -1);
		return;
	}
	if (rt_saip_parse(x->pkg.data, len, &pkg, &err)) {
		rt_log(RT_LOG_DEBUG, "euicc: profile package refused: %s", err.msg);
		rt_isdp_fail_pkg(v, RT_PES_BAD_VALUES, -1);
		goto out;
	}
	if (!rt_isdp_saip_major_ok(card, pkg.header.major)) {
		rt_isdp_fail_pkg(v, RT_PES_UNSUPPORTED_VERSION, 0);
		goto out;
	}
	if (rt_isdp_iccid_taken(card, i, pkg.header.iccid)) {
		rt_isdp_fail_pkg(v, RT_PES_ICCID_EXISTS, 0);
		goto out;
	}
	if (pkg.header.pol_len > RT_EUICC_PARAM_MAX ||
	    pkg.header.connectivity_len > RT_EUICC_PARAM_MAX) {
		rt_isdp_fail_pkg(v, RT_PES_BAD_VALUES, 0);
		goto out;
	}
	copy = malloc(len);
	if (!copy) {
		rt_isdp_fail_pkg(v, RT_PES_MEMORY_FAILURE, -1);
		goto out;
	}
	memcpy(copy, x->pkg.data, len);
	free(p->pkg);
	p->pkg = copy;
	p->pkg_len = (uint32_t)len;
	p->mem_used = (uint32_t)len;
	if (card->cfg.faults & RT_EUICC_FAULT_PKG_MEMORY_UNCOUNTED)
		p->mem_used = 0;
	memcpy(p->iccid, pkg.header.iccid, sizeof(p->iccid));
	p->has_iccid = 1;
	/* POL1 comes with the profile (SAIP ProfileHeader `pol`, facts §4.3). */
	p->pol1_len = (uint8_t)pkg.header.pol_len;
	if (pkg.header.pol_len)
		memcpy(p->pol1, pkg.header.pol, pkg.header.pol_len);
	p->conn_len = (uint8_t)pkg.header.connectivity_len;
	if (pkg.header.connectivity_len)
		memcpy(p->conn, pkg.header.connectivity, pkg.header.connectivity_len);
	p->state = RT_ISDP_DISABLED;
	if (rt_euicc_commit(card)) {
		/* Not saved: the profile is not installed (the card says what it kept). */
		free(p->pkg);
		p->pkg = NULL;
		p->pkg_len = p->mem_used = 0;
		p->has_iccid = 0;
		p->pol1_len = p->conn_len = 0;
		p->state = RT_ISDP_PERSONALIZED;
		rt_isdp_fail_pkg(v, RT_PES_MEMORY_FAILURE, -1);
		goto out;
	}
	v->done = 1;
	v->status = RT_PES_OK;
out:
	free(pkg.pes);
}

/* After new plain data: walks the complete top-level PEs (SAIP: the package is a
 * sequence of ProfileElement TLVs; the first is the header, the last `end`). The
 * package is complete when the end PE is complete; nothing may follow it. */
static void rt_isdp_walk(struct rt_euicc *card, int i, struct rt_euicc_isdp_session *x,
			 size_t limit, struct rt_isdp_verdict *v)
{
	const uint8_t *b = x->pkg.data;
	size_t n = x->pkg.len, hdr, vlen;
	int h;

	while (x->pe_off < n) {
		h = rt_isdp_tlv_head(b + x->pe_off, n - x->pe_off, &hdr, &vlen);
		if (h < 0) {
			rt_isdp_fail_pkg(v, RT_PES_INVALID_REQUEST_FORMAT, (long)x->pe_off);
			return;
		}
		if (h == 0)
			break;
		/* SAIP: the first PE is the ProfileHeader. */
		if (x->pe_count == 0 && b[x->pe_off] != RT_PE_TAG_HEADER) {
			rt_isdp_fail_pkg(v, RT_PES_INVALID_REQUEST_FORMAT, (long)x->pe_off);
			return;
		}
		/* A PE that cannot fit the ISD-P's memory is refused before it arrives. */
		if (x->pe_off + hdr + vlen > limit) {
			rt_isdp_fail_pkg(v, RT_PES_NOT_ENOUGH_MEMORY, (long)x->pe_off);
			return;
		}
		if (x->pe_off + hdr + vlen > n)
			break;
		x->pe_count++;
		if (b[x->pe_off] == RT_PE_TAG_END) {
			size_t end = x->pe_off + hdr + vlen;

			if (end != n) {
				rt_isdp_fail_pkg(v, RT_PES_INVALID_REQUEST_FORMAT, (long)end);
				return;
			}
			x->pe_off = end;
			rt_isdp_install_pkg(card, i, x, end, v);
			return;
		}
		x->pe_off += hdr + vlen;
	}
	if (n > limit)
		rt_isdp_fail_pkg(v, RT_PES_NOT_ENOUGH_MEMORY, (long)limit);
}

/* The answer to an accepted 86: more data expected -> 86 00; the package complete ->
 * its EUICCResponse; a refusal -> EUICCResponse with profileInstallationAborted, the
 * partial package dropped and the session ended (spec-notes ES8). */
static int rt_isdp_after_86(struct rt_euicc *card, int i, struct rt_euicc_isdp_session *x,
			    struct rt_buf *rsp, struct rt_err *err)
{
	struct rt_euicc_isdp *p = &card->st.isdp[i];
	struct rt_isdp_verdict v = { 0, 0, -1, -1 };
	struct rt_buf er;
	size_t limit = p->mem_quota ? p->mem_quota : RT_EUICC_PKG_MAX;
	int rc;

	/* SGP.02 4.1.1.1: the memory CreateISDP reserved bounds the profile. */
	if (card->cfg.faults & RT_EUICC_FAULT_IGNORE_QUOTA)
		limit = RT_EUICC_PKG_MAX;

	if (limit > RT_EUICC_PKG_MAX)
		limit = RT_EUICC_PKG_MAX;
	if (p->state == RT_ISDP_PERSONALIZED) {
		rt_isdp_walk(card, i, x, limit, &v);
	} else if (p->state == RT_ISDP_DISABLED || p->state == RT_ISDP_ENABLED) {
		/* An installed profile: an 86 carries STORE DATA data 3A07 (connectivity
		 * parameters through SCP03t, option es8.connectivity_transport). */
		struct rt_dgi d;
		uint16_t sw = RT_SW_CONDITIONS_NOT_SATISFIED; /* a package: one is installed */

		if (x->pkg.len >= 2 && x->pkg.data[0] == 0x3A && x->pkg.data[1] == 0x07) {
			sw = RT_SW_WRONG_DATA;
			if (!rt_dgi_decode(x->pkg.data, x->pkg.len, 0, 0, &d, err) &&
			    d.total_len == x->pkg.len)
				sw = rt_isdp_conn_apply(card, i, d.value, d.len);
		}
		rt_buf_reset(&x->pkg);
		x->pe_off = 0;
		v.done = 1;
		v.status = sw == RT_SW_OK ? RT_PES_OK : sw;
	} else {
		rt_isdp_fail_pkg(&v, RT_PES_CONDITIONS, -1);
	}
	if (!v.done)
		return rt_scp03t_card_response(&x->t, NULL, 0, rsp, err);
	rt_buf_init(&er, 128);
	rc = rt_isdp_euicc_response(&er, v.status, v.ident, v.offset,
				    v.status != RT_PES_OK && p->state == RT_ISDP_PERSONALIZED);
	if (!rc)
		rc = rt_scp03t_card_response(&x->t, er.data, er.len, rsp, err);
	rt_buf_free(&er);
	if (v.status != RT_PES_OK) {
		rt_log(RT_LOG_DEBUG, "euicc: ISD-P profile installation refused, status %u at %ld",
		       (unsigned)v.status, v.offset);
		/* the session ends with the refused package (later 86 get 9F46) */
		rt_scp03_close(&x->t.s);
	}
	rt_buf_reset(&x->pkg);
	x->pe_off = 0;
	x->pe_count = 0;
	return rc;
}

/* (Re)starts the SCP03t card session on the ISD-P's keyset for an 84. */
static int rt_isdp_t_open(struct rt_euicc *card, int i, struct rt_euicc_isdp_session *x,
			  struct rt_err *err)
{
	const struct rt_euicc_isdp *p = &card->st.isdp[i];
	struct rt_scp03t_opts o;
	struct rt_scp03_keys k;
	int rc;

	rt_isdp_sess_clear_t(x);
	memset(&o, 0, sizeof(o));
	/* bounded by the package store; the quota is checked PE by PE (rt_isdp_walk) */
	o.reassembly_max = RT_EUICC_PKG_MAX + RT_SCP03T_SEGMENT_DEFAULT;
	rt_isdp_scp03_keys(p, &k);
	rc = rt_scp03t_card_init(&x->t, &k, RT_ISDP_I_PARAM, p->aid, p->aid_len,
				 rt_isdp_seq_get(p), NULL, NULL, &o, err);
	OPENSSL_cleanse(&k, sizeof(k));
	if (rc)
		return rc;
	rt_buf_init(&x->pkg, RT_EUICC_PKG_MAX + RT_SCP03T_SEGMENT_DEFAULT);
	x->t_on = 1;
	return 0;
}

/* Fault knob RT_EUICC_FAULT_SCP03T_NO_MAC_CHECK: replaces the C-MAC of an 86 by the one
 * the card expects, so a corrupted MAC goes through (the chain is left as it was). */
static void rt_isdp_fault_fix_mac(struct rt_scp03t *t, uint8_t *tlv, size_t len)
{
	struct rt_tlv x;
	struct rt_err err = { 0 };
	uint8_t chain[RT_SCP03_BLOCK], mac[RT_SCP03_CH_MAX];
	struct rt_scp03 *s = &t->s;

	if (s->state != RT_SCP03_ST_OPEN || !(s->sl & RT_SCP03_SL_CMAC) ||
	    rt_tlv_decode(tlv, len, 0, 0, 0, &x, &err) || x.tag != RT_SCP03T_TAG_DATA ||
	    x.len < s->s)
		return;
	memcpy(chain, s->chain, sizeof(chain));
	if (!rt_scp03_cmac_chain(s, NULL, tlv, x.hdr_len, x.value, x.len - s->s, mac, &err))
		memcpy((uint8_t *)x.value + x.len - s->s, mac, s->s);
	memcpy(s->chain, chain, sizeof(chain));
	OPENSSL_cleanse(mac, sizeof(mac));
}

int rt_euicc_isdp_script_tlv(struct rt_euicc *card, int isdp, const uint8_t *tlv, size_t len,
			     struct rt_euicc_resp *resp)
{
	struct rt_euicc_isdp_session *x;
	struct rt_euicc_isdp *p;
	struct rt_buf rsp;
	struct rt_err err = { 0 };
	struct rt_scp03 saved;
	uint8_t *cmd = NULL;
	size_t pos = 0, used;
	int rc = 0;

	memset(&saved, 0, sizeof(saved));

	if (!rt_isdp_index_ok(card, isdp) || len == 0)
		return RT_EINVAL;
	p = &card->st.isdp[isdp];
	x = rt_isdp_sess(card, isdp);
	if (!x)
		return RT_ENOMEM;
	rt_buf_init(&rsp, RT_EUICC_RESP_MAX);
	cmd = malloc(len);
	if (!cmd) {
		rc = RT_ENOMEM;
		goto out;
	}
	memcpy(cmd, tlv, len);
	while (pos < len) {
		uint8_t tag = cmd[pos];

		if (tag != RT_SCP03T_TAG_IU && tag != RT_SCP03T_TAG_EA && tag != RT_SCP03T_TAG_DATA) {
			rc = rt_err_set(&err, RT_EPROTO, "ISD-P script item tag %02X", tag);
			break;
		}
		if (tag == RT_SCP03T_TAG_IU) {
			/* An 84 starts a new session; no keyset yet -> referenced data not found. */
			if (!p->scp03.kvn) {
				rt_isdp_sess_clear_t(x);
				if (rt_scp03t_error_tlv(tag, RT_SCP03T_R_NOT_FOUND, &rsp, &err))
					goto nomem;
				break;
			}
			if (rt_isdp_t_open(card, isdp, x, &err)) {
				rc = RT_ENOMEM;
				break;
			}
		} else if (!x->t_on) {
			/* 85/86 without an 84 before: out of order (reason as rt_scp03t). */
			if (tag == RT_SCP03T_TAG_DATA &&
			    (card->cfg.faults & RT_EUICC_FAULT_SCP03T_NO_SESSION_OK)) {
				if (rt_tlv_put(&rsp, RT_SCP03T_TAG_DATA, NULL, 0, &err))
					goto nomem;
				break;
			}
			if (rt_scp03t_error_tlv(tag, RT_SCP03T_R_SECURITY, &rsp, &err))
				goto nomem;
			break;
		}
		if (tag == RT_SCP03T_TAG_DATA &&
		    (card->cfg.faults & RT_EUICC_FAULT_SCP03T_86_BEFORE_85) &&
		    x->t.s.state == RT_SCP03_ST_IU) {
			/* Fault knob: an 86 before the 85 taken as plain data (GP Amd D 6.2.4 asks
			 * for an authenticated session first). */
			struct rt_tlv d;

			if (rt_tlv_decode(cmd + pos, len - pos, 0, 0, 0, &d, &err) ||
			    rt_buf_append(&x->pkg, d.value, d.len) ||
			    rt_tlv_put(&rsp, RT_SCP03T_TAG_DATA, NULL, 0, &err))
				goto nomem;
			pos += d.total_len;
			continue;
		}
		/* Fault knob: an 85 in an open session is taken as a new EXTERNAL AUTHENTICATE
		 * (GP Amd D 7.1.2: only after INITIALIZE UPDATE), so a replayed 85 restarts it. */
		if (tag == RT_SCP03T_TAG_EA &&
		    (card->cfg.faults & RT_EUICC_FAULT_SCP03T_EA_REPLAY) &&
		    x->t.s.state == RT_SCP03_ST_OPEN)
			x->t.s.state = RT_SCP03_ST_IU;
		if (tag == RT_SCP03T_TAG_DATA && (card->cfg.faults & RT_EUICC_FAULT_SCP03T_NO_MAC_CHECK))
			rt_isdp_fault_fix_mac(&x->t, cmd + pos, len - pos);
		if (tag == RT_SCP03T_TAG_DATA &&
		    (card->cfg.faults & RT_EUICC_FAULT_SCP03T_KEEP_AFTER_MAC))
			saved = x->t.s;
		rc = rt_scp03t_card_command(&x->t, cmd + pos, len - pos, &used, &x->pkg, &rsp, &err);
		if (rc && tag == RT_SCP03T_TAG_DATA &&
		    (card->cfg.faults & RT_EUICC_FAULT_SCP03T_KEEP_AFTER_MAC) &&
		    saved.state == RT_SCP03_ST_OPEN && x->t.last_reason == RT_SCP03T_R_SECURITY) {
			/* Fault knob: the session survives a refused 86 as if it never came (GP Amd
			 * D 6.2.4: a MAC error ends the secure channel session). */
			x->t.s = saved;
			OPENSSL_cleanse(&saved, sizeof(saved));
			rc = 0;
			pos += used;
			continue;
		}
		if (tag == RT_SCP03T_TAG_IU && x->t.s.has_seq) {
			/* the sequence counter moved: persist it (euicc-internals) */
			if (!(card->cfg.faults & RT_EUICC_FAULT_SEQ_NOT_STORED))
				rt_isdp_seq_put(p, x->t.s.seq);
			if (rt_euicc_commit(card)) {
				rc = RT_EIO;
				break;
			}
		}
		if (rc) {
			/* answered with 9F4x; a broken session drops the partial package */
			rt_log(RT_LOG_DEBUG, "euicc: ISD-P SCP03t %02X refused: %s", tag, err.msg);
			if (tag != RT_SCP03T_TAG_IU) {
				rt_buf_reset(&x->pkg);
				x->pe_off = 0;
				x->pe_count = 0;
			}
			rc = 0;
			pos += used;
			continue;
		}
		if (tag == RT_SCP03T_TAG_DATA && x->t.need_rsp) {
			rc = rt_isdp_after_86(card, isdp, x, &rsp, &err);
			if (rc)
				break;
		}
		pos += used;
	}
	if (!rc && rt_isdp_put(resp, rsp.data, rsp.len))
		rc = RT_ENOMEM;
	goto out;
nomem:
	rc = RT_ENOMEM;
out:
	OPENSSL_cleanse(&saved, sizeof(saved));
	if (cmd) {
		OPENSSL_cleanse(cmd, len);
		free(cmd);
	}
	rt_buf_free(&rsp);
	return rc;
}

/* ---- the application --------------------------------------------------------------- */

const struct rt_euicc_ins rt_euicc_isdp_cmds[] = {
	{ RT_EUICC_CLA_GP, 0xE6, "INSTALL", rt_isdp_install },
	{ RT_EUICC_CLA_GP, 0xE2, "STORE DATA", rt_isdp_store_data },
	{ RT_EUICC_CLA_GP, 0x50, "INITIALIZE UPDATE", rt_isdp_init_update },
	{ RT_EUICC_CLA_GP, 0x82, "EXTERNAL AUTHENTICATE", rt_isdp_ext_auth },
};
const size_t rt_euicc_isdp_ncmds = sizeof(rt_euicc_isdp_cmds) / sizeof(rt_euicc_isdp_cmds[0]);

const struct rt_euicc_app rt_euicc_app_isdp = {
	"ISD-P", NULL, 0, rt_isdp_fci, rt_euicc_isdp_cmds,
	sizeof(rt_euicc_isdp_cmds) / sizeof(rt_euicc_isdp_cmds[0]),
};
