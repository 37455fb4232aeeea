/* SPDX-License-Identifier: Apache-2.0 */
/* rt_saip — SAIP profile package reader; see rt_saip.h.
 *
 * Tag numbers follow the order of the CHOICE and SEQUENCE components in the TCA
 * PEDefinitions module (AUTOMATIC TAGS), as published with the GSMA TS.48 test
 * profiles and in osmocom/pysim (pySim/esim/asn1/saip/PE_Definitions-3.3.1.asn). */
#include "codec/rt_saip.h"

#include <stdio.h>
#include <string.h>

#include "codec/rt_tlv.h"

/* ProfileElement CHOICE, in order: the index is the context tag number. */
static const char *const rt_saip_pe_names[] = {
	"header", "genericFileManagement", "pinCodes", "pukCodes", "akaParameter",
	"cdmaParameter", "securityDomain", "rfm", "application", "nonStandard", "end",
	"rfu1", "rfu2", "rfu3", "rfu4", "rfu5", "mf", "cd", "telecom", "usim", "opt-usim",
	"isim", "opt-isim", "phonebook", "gsm-access", "csim", "opt-csim", "eap", "df-5gs",
	"df-saip", "df-snpn", "df-5gprose", "iot", "opt-iot",
};

/* ServicesList SEQUENCE components, in order. */
static const char *const rt_saip_services[] = {
	"contactless", "usim", "isim", "csim", "milenage", "tuak128", "cave", "gba-usim",
	"gba-isim", "mbms", "eap", "javacard", "multos", "multiple-usim", "multiple-isim",
	"multiple-csim", "tuak256", "usim-test-algorithm", "ber-tlv", "dfLink", "cat-tp",
	"get-identity", "profile-a-x25519", "profile-b-p256", "suciCalculatorApi",
	"dns-resolution", "scp11ac", "scp11c-authorization-mechanism", "s16mode", "eaka",
};

#define RT_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ProfileHeader components (context tag numbers). */
enum {
	RT_SAIP_H_MAJOR = 0,
	RT_SAIP_H_MINOR = 1,
	RT_SAIP_H_TYPE = 2,
	RT_SAIP_H_ICCID = 3,
	RT_SAIP_H_POL = 4,
	RT_SAIP_H_SERVICES = 5,
	RT_SAIP_H_GFSTE = 6,
	RT_SAIP_H_CONNECTIVITY = 7,
};

const char *rt_saip_pe_name(unsigned choice)
{
	return choice < RT_NELEM(rt_saip_pe_names) ? rt_saip_pe_names[choice] : "unknown";
}

const char *rt_saip_service_name(unsigned i)
{
	return i < RT_NELEM(rt_saip_services) ? rt_saip_services[i] : NULL;
}

/* Context-specific tag → its number; -1 for any other class. X.690 8.1.2: class bits
 * 10 in b8b7; numbers ≥ 31 use the multi-byte form (BF 1F = [31]). */
static int rt_saip_ctx_number(uint32_t tag, size_t tag_len)
{
	uint8_t first = (uint8_t)(tag >> (8 * (tag_len - 1)));

	if ((first & 0xC0) != 0x80)
		return -1;
	if (tag_len == 1)
		return first & 0x1F;
	if (tag_len == 2)
		return (int)(tag & 0x7F);
	return (int)(((tag >> 8) & 0x7F) << 7 | (tag & 0x7F));
}

static int rt_saip_uint(const struct rt_tlv *t, unsigned *out, const char *what, struct rt_err *err)
{
	size_t i;
	unsigned v = 0;

	/* X.690 8.3: two's complement, minimal; a UInt8 fits in two bytes (00 FF). */
	if (t->len < 1 || t->len > 2 || (t->value[0] & 0x80))
		return rt_err_set(err, RT_EPROTO, "header %s: not a small non-negative INTEGER",
				  what);
	for (i = 0; i < t->len; i++)
		v = v << 8 | t->value[i];
	if (v > 255)
		return rt_err_set(err, RT_EPROTO, "header %s: %u is over 255", what, v);
	*out = v;
	return 0;
}

static int rt_saip_header(const struct rt_tlv *pe, struct rt_saip_header *h, struct rt_err *err)
{
	struct rt_tlv_iter it;
	struct rt_tlv t, s;
	unsigned seen = 0;
	int rc, n;

	memset(h, 0, sizeof(*h));
	rc = rt_tlv_iter_init_children(&it, pe, 0, 0, err);
	if (rc)
		return rc;
	while (!rt_tlv_iter_done(&it)) {
		rc = rt_tlv_next(&it, &t, err);
		if (rc)
			return rt_err_wrap(err, "ProfileHeader");
		n = rt_saip_ctx_number(t.tag, t.tag_len);
		if (n < 0)
			return rt_err_set(err, RT_EPROTO, "ProfileHeader: unexpected tag %X at offset %zu",
					  t.tag, t.offset);
		if (n < 32)
			seen |= 1u << n;
		switch (n) {
		case RT_SAIP_H_MAJOR:
			rc = rt_saip_uint(&t, &h->major, "major-version", err);
			break;
		case RT_SAIP_H_MINOR:
			rc = rt_saip_uint(&t, &h->minor, "minor-version", err);
			break;
		case RT_SAIP_H_TYPE:
			/* UTF8String (SIZE (1..100)) */
			if (t.len < 1 || t.len > 100)
				return rt_err_set(err, RT_EPROTO, "ProfileHeader: profileType of %zu bytes "
						  "(1..100)", t.len);
			h->profile_type = t.value;
			h->profile_type_len = t.len;
			break;
		case RT_SAIP_H_ICCID:
			if (t.len != 10)
				return rt_err_set(err, RT_EPROTO, "ProfileHeader: iccid of %zu bytes (must be 10)",
						  t.len);
			h->iccid = t.value;
			break;
		case RT_SAIP_H_POL:
			h->pol = t.value;
			h->pol_len = t.len;
			break;
		case RT_SAIP_H_CONNECTIVITY:
			h->connectivity = t.value;
			h->connectivity_len = t.len;
			break;
		case RT_SAIP_H_SERVICES: {
			struct rt_tlv_iter si;

			rc = rt_tlv_iter_init_children(&si, &t, 1, 0, err);
			while (!rc && !rt_tlv_iter_done(&si)) {
				int k;

				rc = rt_tlv_next(&si, &s, err);
				if (rc)
					break;
				k = rt_saip_ctx_number(s.tag, s.tag_len);
				/* Each service is a NULL: present or absent. */
				if (k < 0 || k >= 32 || s.len != 0)
					return rt_err_set(err, RT_EPROTO,
							  "eUICC-Mandatory-services: bad entry %X at offset %zu",
							  s.tag, s.offset);
				h->services |= 1u << k;
			}
			break;
		}
		case RT_SAIP_H_GFSTE: {
			struct rt_tlv_iter gi;

			rc = rt_tlv_iter_init_children(&gi, &t, 1, 0, err);
			while (!rc && !rt_tlv_iter_done(&gi)) {
				rc = rt_tlv_next(&gi, &s, err);
				if (rc)
					break;
				/* SEQUENCE OF OBJECT IDENTIFIER (universal tag 06). */
				if (s.tag != 0x06 || s.len == 0)
					return rt_err_set(err, RT_EPROTO,
							  "eUICC-Mandatory-GFSTEList: entry at offset %zu is not an OID",
							  s.offset);
				if (h->n_gfste >= RT_SAIP_MAX_GFSTE)
					return rt_err_set(err, RT_EPROTO, "eUICC-Mandatory-GFSTEList: more than %d OIDs",
							  RT_SAIP_MAX_GFSTE);
				h->gfste[h->n_gfste].der = s.value;
				h->gfste[h->n_gfste++].len = s.len;
			}
			break;
		}
		default:
			break; /* later components (AIDs, iotOptions, extensions) are kept as is */
		}
		if (rc)
			return rc;
	}
	/* Mandatory components of ProfileHeader. */
	if (!(seen & (1u << RT_SAIP_H_MAJOR)) || !(seen & (1u << RT_SAIP_H_MINOR)) ||
	    !h->iccid || !(seen & (1u << RT_SAIP_H_SERVICES)) || !(seen & (1u << RT_SAIP_H_GFSTE)))
		return rt_err_set(err, RT_EPROTO,
				  "ProfileHeader lacks a mandatory component (major-version, minor-version, "
				  "iccid, eUICC-Mandatory-services, eUICC-Mandatory-GFSTEList)");
	return 0;
}

/* Reads the PEHeader (first component, [0] SEQUENCE { mandated NULL OPTIONAL,
 * identification UInt15 }) that every PE except the header starts with. */
static void rt_saip_pe_header(const struct rt_tlv *pe, struct rt_saip_pe *out)
{
	struct rt_tlv_iter it, hi;
	struct rt_tlv h, f;

	if (rt_tlv_iter_init_children(&it, pe, 0, 0, NULL) || rt_tlv_iter_done(&it) ||
	    rt_tlv_next(&it, &h, NULL) || h.tag != 0xA0 ||
	    rt_tlv_iter_init_children(&hi, &h, 1, 0, NULL))
		return;
	while (!rt_tlv_iter_done(&hi) && rt_tlv_next(&hi, &f, NULL) == 0) {
		if (f.tag == 0x80) {
			out->mandated = 1;
		} else if (f.tag == 0x81 && f.len >= 1 && f.len <= 3) {
			size_t i;

			out->identification = 0;
			for (i = 0; i < f.len; i++)
				out->identification = out->identification << 8 | f.value[i];
			out->has_identification = 1;
		}
	}
}

int rt_saip_parse(const uint8_t *buf, size_t len, struct rt_saip_package *pkg,
		  struct rt_err *err)
{
	struct rt_tlv_iter it;
	struct rt_tlv t;
	int rc, n;

	pkg->n_pes = 0;
	rt_tlv_iter_init(&it, buf, len, 0);
	while (!rt_tlv_iter_done(&it)) {
		struct rt_saip_pe *pe;

		rc = rt_tlv_next(&it, &t, err);
		if (rc)
			return rt_err_wrap(err, "profile element %zu", pkg->n_pes + 1);
		if (pkg->n_pes >= pkg->max_pes)
			return rt_err_set(err, RT_EPROTO, "more than %zu profile elements", pkg->max_pes);
		n = rt_saip_ctx_number(t.tag, t.tag_len);
		if (n < 0 || !t.constructed)
			return rt_err_set(err, RT_EPROTO,
					  "profile element %zu at offset %zu: tag %X is not a ProfileElement",
					  pkg->n_pes + 1, t.offset, t.tag);
		if (pkg->n_pes > 0 && strcmp(pkg->pes[pkg->n_pes - 1].name, "end") == 0)
			return rt_err_set(err, RT_EPROTO, "profile element after the end PE at offset %zu",
					  t.offset);
		pe = &pkg->pes[pkg->n_pes++];
		memset(pe, 0, sizeof(*pe));
		pe->choice = (unsigned)n;
		pe->name = rt_saip_pe_name((unsigned)n);
		pe->offset = t.offset;
		pe->len = t.total_len;
		if (pkg->n_pes == 1) {
			/* The ProfileHeader comes first (SAIP 8.1 "the header PE shall be the first"). */
			if (n != 0)
				return rt_err_set(err, RT_EPROTO,
						  "the first profile element is '%s', not the header", pe->name);
			rc = rt_saip_header(&t, &pkg->header, err);
			if (rc)
				return rc;
		} else if (n == 0) {
			return rt_err_set(err, RT_EPROTO, "a second header at offset %zu", t.offset);
		} else {
			rt_saip_pe_header(&t, pe);
		}
	}
	if (pkg->n_pes == 0)
		return rt_err_set(err, RT_EPROTO, "empty profile package");
	if (strcmp(pkg->pes[pkg->n_pes - 1].name, "end") != 0)
		return rt_err_set(err, RT_EPROTO, "the package does not close with the end PE (last is '%s')",
				  pkg->pes[pkg->n_pes - 1].name);
	return 0;
}

int rt_saip_oid_text(const uint8_t *der, size_t len, char *out, size_t outsz, struct rt_err *err)
{
	size_t i, used = 0;
	uint64_t v = 0;
	int first = 1;

	if (len == 0 || (der[len - 1] & 0x80))
		return rt_err_set(err, RT_EPROTO, "OID content truncated");
	for (i = 0; i < len; i++) {
		int n;

		if (v >> 56)
			return rt_err_set(err, RT_EPROTO, "OID arc too large");
		v = v << 7 | (der[i] & 0x7F);
		if (der[i] & 0x80)
			continue;
		/* X.690 8.19.4: the first subidentifier is 40 * arc1 + arc2. */
		if (first) {
			unsigned a = v < 40 ? 0 : v < 80 ? 1 : 2;

			n = snprintf(out + used, outsz - used, "%u.%llu", a,
				     (unsigned long long)(v - 40u * a));
			first = 0;
		} else {
			n = snprintf(out + used, outsz - used, ".%llu", (unsigned long long)v);
		}
		if (n < 0 || (size_t)n >= outsz - used)
			return rt_err_set(err, RT_ENOMEM, "OID text longer than %zu", outsz);
		used += (size_t)n;
		v = 0;
	}
	return 0;
}
