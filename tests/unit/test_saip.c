/* SPDX-License-Identifier: Apache-2.0 */
/* test_saip — the SAIP reader against the GSMA TS.48 v7.0 test profile packages.
 *
 * The expected values do not come from our decoder: each package is published with its
 * ASN.1 value notation (tests/vectors/ts48/<name>.asn1-value.txt), an independent decoding.
 * From that text we take the sequence of ProfileElement kinds, the header's versions,
 * profileType, ICCID, eUICC-mandatory services and GFSTE OIDs, and compare. Negative
 * cases cut and reorder the real packages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/rt_saip.h"
#include "util/rt_hex.h"

static const char *const variants[] = {
	"SAIP2.3_NoBERTLV", "SAIP2.3_NoBERTLV_NoRAMRFM", "SAIP2.3_BERTLV_SUCI",
	"SAIP2.3_BERTLV_SUCI_NoRAMRFM",
};

static uint8_t *slurp(const char *name, const char *ext, size_t *len)
{
	char path[1024];
	const char *dir = getenv("RT_VECTORS");
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), "%s/ts48/%s%s", dir ? dir : "tests/vectors", name, ext);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* What the value notation says. */
struct expected {
	char pe[256][32];
	size_t n_pe;
	unsigned major, minor;
	char profile_type[128];
	char iccid_hex[32];
	char services[32][40];
	size_t n_services;
	char gfste[64][48];
	size_t n_gfste;
};

static void read_expected(const char *text, struct expected *e)
{
	const char *p = text;
	int in_services = 0, in_gfste = 0, in_header = 0;

	memset(e, 0, sizeof(*e));
	while (*p) {
		const char *eol = strchr(p, '\n');
		char line[512];
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char *s;

		snprintf(line, sizeof(line), "%.*s", (int)(n < 511 ? n : 511), p);
		p += n + (eol ? 1 : 0);
		if (strncmp(line, "value", 5) == 0 && (s = strstr(line, "ProfileElement ::= "))) {
			sscanf(s + strlen("ProfileElement ::= "), "%31s", e->pe[e->n_pe++]);
			in_header = e->n_pe == 1;
			continue;
		}
		if (!in_header)
			continue;
		for (s = line; *s == ' '; s++)
			;
		if (sscanf(s, "major-version %u", &e->major) == 1 ||
		    sscanf(s, "minor-version %u", &e->minor) == 1)
			continue;
		if (strncmp(s, "profileType \"", 13) == 0) {
			snprintf(e->profile_type, sizeof(e->profile_type), "%.*s",
				 (int)strcspn(s + 13, "\""), s + 13);
		} else if (strncmp(s, "iccid '", 7) == 0) {
			snprintf(e->iccid_hex, sizeof(e->iccid_hex), "%.*s", (int)strcspn(s + 7, "'"), s + 7);
		} else if (strncmp(s, "eUICC-Mandatory-services {", 26) == 0) {
			in_services = 1;
		} else if (strncmp(s, "eUICC-Mandatory-GFSTEList {", 27) == 0) {
			in_gfste = 1;
		} else if (in_services && s[0] == '}') {
			in_services = 0;
		} else if (in_gfste && s[0] == '}') {
			in_gfste = 0;
		} else if (in_services) {
			sscanf(s, "%39s", e->services[e->n_services++]);
		} else if (in_gfste && s[0] == '{') {
			/* "{ 2 23 143 1 2 1 }," -> "2.23.143.1.2.1" */
			char *q, *out = e->gfste[e->n_gfste++];
			size_t used = 0;

			for (q = s + 1; *q && *q != '}'; q++) {
				if (*q >= '0' && *q <= '9')
					out[used++] = *q;
				else if (*q == ' ' && used && out[used - 1] != '.')
					out[used++] = '.';
			}
			if (used && out[used - 1] == '.')
				used--;
			out[used] = 0;
		}
	}
}

static void test_ts48_packages(void **state)
{
	size_t v;

	(void)state;
	for (v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		size_t len, tlen, i, k;
		uint8_t *der = slurp(variants[v], ".der", &len);
		char *text = (char *)slurp(variants[v], ".asn1-value.txt", &tlen);
		struct expected *e = calloc(1, sizeof(*e));
		struct rt_saip_pe pes[RT_SAIP_MAX_PES];
		struct rt_saip_package pkg = { .pes = pes, .max_pes = RT_SAIP_MAX_PES };
		struct rt_err err = { 0 };
		char hex[64], oid[64];
		int rc;

		read_expected(text, e);
		assert_true(e->n_pe > 10);
		rc = rt_saip_parse(der, len, &pkg, &err);
		if (rc)
			fail_msg("%s: %s", variants[v], err.msg);
		/* every ProfileElement, in order */
		assert_int_equal(pkg.n_pes, e->n_pe);
		for (i = 0; i < pkg.n_pes; i++)
			assert_string_equal(pkg.pes[i].name, e->pe[i]);
		/* the header */
		assert_int_equal(pkg.header.major, e->major);
		assert_int_equal(pkg.header.minor, e->minor);
		assert_int_equal(pkg.header.profile_type_len, strlen(e->profile_type));
		assert_memory_equal(pkg.header.profile_type, e->profile_type, strlen(e->profile_type));
		rt_hex_encode(pkg.header.iccid, 10, hex, sizeof(hex));
		assert_string_equal(hex, e->iccid_hex);
		k = 0;
		for (i = 0; i < 32; i++) {
			if (!(pkg.header.services & (1u << i)))
				continue;
			assert_true(k < e->n_services);
			assert_string_equal(rt_saip_service_name((unsigned)i), e->services[k++]);
		}
		assert_int_equal(k, e->n_services);
		assert_int_equal(pkg.header.n_gfste, e->n_gfste);
		for (i = 0; i < e->n_gfste; i++) {
			assert_int_equal(rt_saip_oid_text(pkg.header.gfste[i].der, pkg.header.gfste[i].len,
							  oid, sizeof(oid), &err), 0);
			assert_string_equal(oid, e->gfste[i]);
		}
		assert_null(pkg.header.pol); /* TS.48 packages carry no POL1 */
		/* PEs after the header carry a PEHeader with an identification */
		for (i = 1; i < pkg.n_pes; i++)
			assert_true(pkg.pes[i].has_identification);
		free(e);
		free(text);
		free(der);
	}
}

static void expect_error(const uint8_t *der, size_t len, const char *needle)
{
	struct rt_saip_pe pes[RT_SAIP_MAX_PES];
	struct rt_saip_package pkg = { .pes = pes, .max_pes = RT_SAIP_MAX_PES };
	struct rt_err err = { 0 };

	assert_int_equal(rt_saip_parse(der, len, &pkg, &err), RT_EPROTO);
	if (!strstr(err.msg, needle))
		fail_msg("error '%s' does not mention '%s'", err.msg, needle);
}

static void test_malformed(void **state)
{
	struct rt_saip_pe pes[RT_SAIP_MAX_PES];
	struct rt_saip_package pkg = { .pes = pes, .max_pes = RT_SAIP_MAX_PES };
	struct rt_err err = { 0 };
	static const uint8_t seq[] = { 0x30, 0x00 };
	size_t len, hdr, end_off, end_len;
	uint8_t *der = slurp(variants[0], ".der", &len);
	uint8_t *cut = malloc(2 * len);

	(void)state;
	assert_non_null(cut);
	assert_int_equal(rt_saip_parse(der, len, &pkg, &err), 0);
	hdr = pkg.pes[0].len;
	end_off = pkg.pes[pkg.n_pes - 1].offset;
	end_len = pkg.pes[pkg.n_pes - 1].len;

	/* truncated inside the last PE: a TLV error naming the element */
	expect_error(der, len - 1, "profile element");
	/* the end PE missing */
	expect_error(der, end_off, "end PE");
	/* no header: start at the second PE */
	expect_error(der + hdr, len - hdr, "not the header");
	/* iccid of 9 bytes: the header holds 83 0A <iccid> at offset 0x2A */
	memcpy(cut, der, len);
	assert_int_equal(cut[0x2A], 0x83);
	cut[0x2B] = 0x09;
	expect_error(cut, len, "ProfileHeader");
	/* a PE after the end PE */
	memcpy(cut, der, len);
	memcpy(cut + len, der + end_off, end_len);
	expect_error(cut, len + end_len, "after the end PE");
	/* a second header */
	memcpy(cut, der, end_off);
	memcpy(cut + end_off, der, hdr);
	memcpy(cut + end_off + hdr, der + end_off, end_len);
	expect_error(cut, end_off + hdr + end_len, "second header");
	/* empty input; a universal SEQUENCE where a PE should be */
	expect_error(der, 0, "empty");
	expect_error(seq, sizeof(seq), "not a ProfileElement");
	free(cut);
	free(der);
}

static void test_oid_text(void **state)
{
	/* X.690 8.19 example arcs: 2.23.143.1.2.1 = 67 81 0F 01 02 01 */
	static const uint8_t oid[] = { 0x67, 0x81, 0x0F, 0x01, 0x02, 0x01 };
	static const uint8_t bad[] = { 0x67, 0x81 };
	char out[64];
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(rt_saip_oid_text(oid, sizeof(oid), out, sizeof(out), &err), 0);
	assert_string_equal(out, "2.23.143.1.2.1");
	assert_int_equal(rt_saip_oid_text(bad, sizeof(bad), out, sizeof(out), &err), RT_EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ts48_packages),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_oid_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
