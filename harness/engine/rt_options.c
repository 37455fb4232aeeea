/* SPDX-License-Identifier: Apache-2.0 */
/* rt_options — the registry of named protocol options; see rt_options.h. Protocol
 * knowledge as data: adding an option is adding a row (and using it in lua/ or C). */
#include "engine/rt_options.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const struct rt_option_def rt_option_defs[] = {
	{ "scp80.aes_cc_len", { "8", "4", NULL },
	  "Length of the SCP80 cryptographic checksum with AES-CMAC (TS 102 225 5.1.3): 8 as "
	  "pySim, njiwa and WHTY send; 4 seen only in the gsm0348 test data. "
	  "docs/spec-notes.md, SCP80." },
	{ "scp80.counter_mode_11", { "one_higher", "higher", NULL },
	  "SPI1 counter bits 11 (TS 102 225 5.1.1): process only if the counter is exactly one "
	  "higher than the stored one (default), or treat it as 10 (any higher value). "
	  "docs/spec-notes.md, SCP80." },
	{ "scp80.isdr_min_spi1", { "16", "12", "06", "02", NULL },
	  "Minimum security level (an SPI1 value, TS 102 226 MSL coding) the eUICC demands on "
	  "the ISD-R's and ISD-Ps' TARs, below which it answers status 0A (TS 102 225 Table "
	  "5.3): 16 cipher + CC + counter higher (default; what WHTY-SR and njiwa send), 12 "
	  "CC + counter, 06 cipher + CC (Onomondo's MSL), 02 CC only. UNCONFIRMED: the SGP.02 "
	  "text was not found. docs/spec-notes.md, OTA." },
	{ "sms.concat_ie_order", { "concat_first", "cpi_first", NULL },
	  "Order of the information elements in the first SMS of a concatenated secured "
	  "packet (TS 31.115): concatenation IE then the CPI '70' (TS 03.48 V8.8.0 as quoted "
	  "publicly; a real card in pySim's tests), or CPI first (njiwa). Receivers accept "
	  "both. docs/spec-notes.md, SMS." },
	{ "scp03.s16_bit", { "01", "08", "any", NULL },
	  "Bit of the INITIALIZE UPDATE 'i' parameter announcing S16 mode (GP Amd D): 01 "
	  "(two Java host stacks), 08 (scll), or do not check the bit and trust the response "
	  "length. docs/spec-notes.md, SCP03." },
	{ "scp03.seq_rule", { "inc_before", "inc_after", NULL },
	  "When the card's sequence counter steps for a pseudo-random challenge: before use "
	  "(pySim vectors) or after. docs/spec-notes.md, SCP03." },
	{ "scp03.le_rule", { "le_max", "le_keep", NULL },
	  "Le of a wrapped command: replaced by 00 because the protected response grows "
	  "(pySim), or kept. docs/spec-notes.md, SCP03." },
	{ "scp03.dek_pad", { "zero", "80", NULL },
	  "Padding of a key that is not a block multiple in a PUT KEY key component (GP CS "
	  "Table 11-70): zeros (pySim) or 80 00.. (asterix). docs/spec-notes.md, SCP03." },
	{ "scp03t.rmac_input", { "tlv", "data", NULL },
	  "R-MAC input of an SCP03t '86' answer (SGP.02 4.1.3.3): chaining value | 86 | L | "
	  "ciphertext, mirroring the C-MAC (WHTY), or chaining value | ciphertext. "
	  "docs/spec-notes.md, SCP03." },
	{ "scp03t.rmac_on_empty", { "no", "yes", NULL },
	  "Whether an SCP03t answer without data carries an R-MAC ('86 08 <R-MAC>') or is "
	  "'86 00' (CSDN notes, WHTY). docs/spec-notes.md, SCP03." },
	{ "ecka.epk_form", { "b0_f0", "b0", "bare", NULL },
	  "Form of the ephemeral public key in the '3A02' key-establishment data (GP Amd E / "
	  "SGP.02 ES8): 7F49 { B0 point, F0 curve } (njiwa; 7F49 is constructed), 7F49 { B0 "
	  "point }, or a bare point (WHTY). docs/spec-notes.md, ECKA." },
	{ "ecka.receipt_padding", { "none", "pad80", NULL },
	  "Padding of the receipt input (CMAC over the A6 template [| DR]): none (WHTY) or "
	  "80 00.. (njiwa). docs/spec-notes.md, ECKA." },
	{ "ecka.key_usage", { "10", "5C", NULL },
	  "Key usage qualifier '95' in the A6 template: 10 = three keys S-ENC/S-MAC/DEK "
	  "(default), 5C = one key. docs/spec-notes.md, ECKA." },
	{ "es8.connectivity_transport", { "scp03", "scp03t", NULL },
	  "How the SM-DP carries UpdateConnectivityParameters (STORE DATA DGI 3A07 to the "
	  "ISD-P, SGP.02 4.1.3.4): an SCP03 session in APDU form (WHTY-SR; the EKN notes say "
	  "'using SCP03'), or an SCP03t session (86 TLV). docs/spec-notes.md, ES8." },
	{ "es8.refusal_sw", { "exact", "any", NULL },
	  "How the ES8 cases check a refused command (expect `refusal:`): the status word "
	  "written in the case (exact: 6982 certificate or signature refused, 6A80 malformed "
	  "data, bad ePK or KVN, 6985 out of sequence, 6A88 unknown reference; ISO 7816-4 "
	  "meanings, the SGP.02 text for each was not found), or any refusal (any SW but "
	  "9000 and the warnings 62xx/63xx). docs/spec-notes.md, ES8." },
	{ "es8.saip_version_status", { "unsupported-profile-version", "any-refusal", NULL },
	  "What an ISD-P answers to a Profile Package whose ProfileHeader has a major version "
	  "it does not support: PEStatus unsupported-profile-version (31, PE_Definitions "
	  "3.3.1), or any refusal (the SGP.02 text giving the code was not found). "
	  "docs/spec-notes.md, ES8." },
	{ "es8.iccid_exists_status", { "6A89", RT_OPTION_ANY_HEX4, "any-refusal", NULL },
	  "What an ISD-P answers (EUICCResponse PEStatus) to a Profile Package whose "
	  "ProfileHeader ICCID another ISD-P already holds: 6A89 (ISO 7816-4 'already exists', "
	  "the ISO range of PEStatus; default), another ISO status (4 hex digits), or any "
	  "refusal. PE_Definitions has no ICCID status and the SGP.02 text giving one was not "
	  "found. docs/spec-notes.md, ES8." },
	{ "es5.delete_p2", { "40", "00", NULL },
	  "P2 of the GP DELETE that deletes an ISD-P (DeleteProfile, MasterDelete; SGP.02 "
	  "4.1.1.4): 40 as both njiwa and WHTY-SR send it, or 00 (delete the object only). "
	  "docs/spec-notes.md, ES5." },
	{ "es5.pol1_coding", { "lsb", "msb", NULL },
	  "Bits of the POL1 rules in the first octet of the SAIP header's pol (UNCONFIRMED): "
	  "lsb = b1 disabling not allowed, b2 deletion not allowed, b3 deletion mandatory when "
	  "disabled; msb = the same from b8 down (ASN.1 BIT STRING order). The reference card "
	  "follows its personality (pol1_coding). docs/spec-notes.md, ES5." },
	{ "es5.refresh_qualifier", { "04", "09", NULL },
	  "Qualifier of the REFRESH the eUICC sends after a profile change (TS 102 223 "
	  "6.4.7): 04 UICC reset (the SGP.02 procedures as the EKN notes quote them), or 09 "
	  "eUICC profile state change (later TS 102 223 releases; UNCONFIRMED for SGP.02). "
	  "docs/spec-notes.md, ES5." },
	{ "es5.emergency_dgi", { "3A06", RT_OPTION_ANY_HEX4, NULL },
	  "STORE DATA DGI of SetEmergencyProfileAttribute (SGP.02 3.25; ES5 command data "
	  "'4F' AID like SetFallBackAttribute's 3A05): UNCONFIRMED, no source gives it; 3A06 "
	  "is a guess (the free number between 3A05 and 3A07). A SUT sets its real value (any "
	  "4 hex digits); the reference card follows its personality (emergency_dgi). "
	  "docs/spec-notes.md, ES5." },
	{ "es5.smsr_addr_container", { "A3_81", "A0_06", NULL },
	  "Content of DGI 3A07 in UpdateSMSRAddressingParameters (UNCONFIRMED): A3 { 81 "
	  "address } as WHTY-SR sends it, or A0 { 06 address } like the ES8 connectivity "
	  "parameters. The reference card accepts both. docs/spec-notes.md, ES5." },
	{ "soap.action_style", { "by_pattern", "suffixed", "bare", NULL },
	  "wsa:Action of an off-card request (SGP.02 Annex B; UNCONFIRMED): by_pattern = "
	  "<ESx>-<Function>Request for a synchronous function and the bare <ESx>-<Function> for "
	  "an asynchronous one (the v3 WSDLs' provider files, njiwa, the ZTE trace); suffixed = "
	  "...Request on every request (WSDL-3 ES3_SMSR.wsdl); bare = never a suffix. Receivers "
	  "accept every form. docs/spec-notes.md, SOAP." },
	{ "soap.status_code_form", { "numeric", "name", NULL },
	  "What StatusCodeData Subject / Reason carry: numbers such as 8.1.1 / 3.9 (the v3 "
	  "schema types them ObjectIdentifierType; njiwa), or names such as EID / Unknown "
	  "(WHTY-SR). Receivers accept both. docs/spec-notes.md, SOAP." },
	{ "soap.callback_relates_to", { "required", "optional", NULL },
	  "Whether an asynchronous callback must carry wsa:RelatesTo naming the request's "
	  "MessageID: required as the v3 WSDLs mark it, or optional (the public ZTE trace's "
	  "ES3 callback has none; its MessageID carries the TransactionId instead). "
	  "docs/spec-notes.md, SOAP." },
	{ "es5.notif_seq_order", { "increasing", "unique", NULL },
	  "How a card numbers its notifications (4E, 2 bytes; SGP.02 3.15): increasing = each "
	  "new one follows the last (modulo 2^16; SGP.22 LPA code finds the newest by the "
	  "highest number), unique = only never the number of a notification seen before. "
	  "UNCONFIRMED for SGP.02. docs/spec-notes.md, ES5." },
	{ "es5.audit_none_found", { "6A88", "empty", NULL },
	  "What GET DATA BF30 answers when none of the listed tags is held (SGP.02 4.1.1.5): "
	  "6A88 referenced data not found (GP CS 11.3.3, the reference card), or empty = 9000 "
	  "without data. UNCONFIRMED. docs/spec-notes.md, ES5." },
	{ NULL, { NULL }, NULL },
};

const struct rt_option_def *rt_option_find(const char *name)
{
	const struct rt_option_def *d;

	for (d = rt_option_defs; d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

/* 1 when v is exactly four hex digits. */
static int rt_option_is_hex4(const char *v)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (!isxdigit((unsigned char)v[i]))
			return 0;
	return v[4] == '\0';
}

static int rt_option_allows(const struct rt_option_def *d, const char *v)
{
	size_t i;

	for (i = 0; i < RT_OPTION_MAX_VALUES && d->values[i]; i++)
		if (strcmp(d->values[i], v) == 0 ||
		    (strcmp(d->values[i], RT_OPTION_ANY_HEX4) == 0 && rt_option_is_hex4(v)))
			return 1;
	return 0;
}

int rt_options_validate(const struct rt_ynode *options, struct rt_err *err)
{
	size_t i, j;

	if (!options)
		return 0;
	if (options->kind != RT_Y_MAP)
		return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: 'options' must be a mapping of name: value "
				  "(see `rsptest options`)", options->file, options->line, options->col);
	for (i = 0; i < options->n; i++) {
		const struct rt_option_def *d = rt_option_find(options->keys[i]);
		const struct rt_ynode *v = options->items[i];
		char allowed[256] = "";
		size_t used = 0;

		if (!d)
			return rt_err_set(err, RT_ECONFIG,
					  "%s:%u:%u: unknown option '%s' (`rsptest options` lists them)",
					  options->file, options->key_lines[i], options->key_cols[i],
					  options->keys[i]);
		if (v && v->kind == RT_Y_SCALAR && rt_option_allows(d, v->str))
			continue;
		for (j = 0; j < RT_OPTION_MAX_VALUES && d->values[j]; j++)
			used += (size_t)snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
						 j ? ", " : "", d->values[j]);
		return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: option '%s' must be one of: %s",
				  options->file, v ? v->line : options->line, v ? v->col : options->col,
				  d->name, allowed);
	}
	return 0;
}

const char *rt_option_value(const struct rt_ynode *options, const char *name)
{
	const struct rt_option_def *d = rt_option_find(name);
	const struct rt_ynode *v;

	if (!d)
		return NULL;
	v = rt_ynode_get(options, name);
	return v && v->kind == RT_Y_SCALAR ? v->str : d->values[0];
}
