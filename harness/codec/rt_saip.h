/* SPDX-License-Identifier: Apache-2.0 */
/* rt_saip — reading a profile package in the SIMalliance/TCA "eUICC Profile Package:
 * Interoperable Format" (SAIP) as the ISD-P receives it at the end of an SGP.02 profile
 * download (pure codec).
 *
 * A package is a sequence of ProfileElements, each a DER TLV whose context tag names
 * its kind (PEDefinitions, AUTOMATIC TAGS: header [0] = A0, genericFileManagement [1],
 * ..., end [10], mf [16] = B0, ..., df-5gs [28], df-saip [29], ...). The first must be
 * the ProfileHeader, the last the end PE. From the header we read what the ISD-P and
 * the SM-DP care about: versions, profile type, ICCID, POL1 (`pol`), connectivity
 * parameters, and the eUICC-mandatory services and GFSTE list. Everything points into
 * the caller's bytes. */
#ifndef RT_SAIP_H
#define RT_SAIP_H

#include <stddef.h>
#include <stdint.h>

#include "util/rt_err.h"

#define RT_SAIP_MAX_PES 4096
#define RT_SAIP_MAX_GFSTE 64

struct rt_saip_pe {
	unsigned choice;   /* the CHOICE index = context tag number */
	const char *name;  /* "header", "mf", "usim", ... ("unknown" past the table) */
	size_t offset;     /* of the PE's tag in the package */
	size_t len;        /* whole TLV */
	int has_identification; /* PEHeader present and identification read */
	unsigned identification;
	int mandated;
};

struct rt_saip_header {
	unsigned major, minor;
	const uint8_t *profile_type; size_t profile_type_len; /* UTF-8, may be NULL */
	const uint8_t *iccid;        /* 10 bytes */
	const uint8_t *pol; size_t pol_len;   /* POL1 (NULL when absent) */
	const uint8_t *connectivity; size_t connectivity_len; /* NULL when absent */
	uint32_t services;           /* bit i = ServicesList component i present */
	size_t n_gfste;
	struct { const uint8_t *der; size_t len; } gfste[RT_SAIP_MAX_GFSTE]; /* OID contents */
};

struct rt_saip_package {
	struct rt_saip_header header;
	struct rt_saip_pe *pes; /* caller-provided array */
	size_t n_pes, max_pes;
};

/* Parses a package. pkg->pes must point to max_pes entries. RT_EPROTO with the PE
 * index and offset when: a PE is not a well-formed TLV, the first PE is not the header,
 * the header misses a mandatory field (versions, iccid of 10 bytes, services, GFSTE
 * list) or has a wrong type, the last PE is not `end`, or bytes follow the end PE. */
int rt_saip_parse(const uint8_t *buf, size_t len, struct rt_saip_package *pkg,
		  struct rt_err *err);

/* Name of PE choice index i (table from PEDefinitions); "unknown" past its end. */
const char *rt_saip_pe_name(unsigned choice);

/* Name of ServicesList component i ("usim", "ber-tlv", ...); NULL past the table. */
const char *rt_saip_service_name(unsigned i);

/* Dotted text of an OID's content octets ("2.23.143.1.2.1") into out. */
int rt_saip_oid_text(const uint8_t *der, size_t len, char *out, size_t outsz, struct rt_err *err);

#endif
