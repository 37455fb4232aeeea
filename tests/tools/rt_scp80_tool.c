/* SPDX-License-Identifier: Apache-2.0 */
/* rt_scp80_tool — line-oriented bridge from the cross-check scripts to harness/crypto
 * and harness/scp/rt_scp80. One request per stdin line, one answer per stdout line;
 * hex in, hex out ("-" = empty). Test-only: it prints whatever it computes, keys
 * included, because its keys are random test keys.
 *
 *   wrap      D SPI KIC KID TAR CNTR KICKEY KIDKEY DATA CCLEN   -> OK <packet>
 *   por       D SPI KIC KID TAR CNTR STATUS KICKEY KIDKEY DATA CCLEN -> OK <por>
 *   porverify D SPI KIC KID TAR CNTR KICKEY KIDKEY POR CCLEN    -> OK <status> <data>
 *   unwrap    D KICKEY KIDKEY STOREDCNTR MINSPI PKT CCLEN CNTR11
 *             -> RX <rc> <status> <por_wanted> <cntr_update> <new_cntr|-> <data|-> <por|->
 *   cmac KEY DATA | cbcmac KEY DATA | crc16 DATA | crc32 DATA | kcv aes|des KEY
 * D is "sms" or "gen". Any failure prints "ERR <code name> <message>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/rt_crypto.h"
#include "scp/rt_scp80.h"
#include "util/rt_buf.h"
#include "util/rt_err.h"
#include "util/rt_hex.h"

#define TOOL_MAX_TOK 16
#define TOOL_MAX_BIN (RT_SCP80_MAX_PACKET + 64)

struct tool_bin {
	uint8_t b[TOOL_MAX_BIN];
	size_t n;
};

static int tool_hex(const char *tok, struct tool_bin *out, struct rt_err *err)
{
	out->n = 0;
	if (strcmp(tok, "-") == 0)
		return 0;
	return rt_hex_decode(tok, strlen(tok), out->b, sizeof(out->b), &out->n, err);
}

static int tool_fixed(const char *tok, uint8_t *out, size_t n, const char *what,
		      struct rt_err *err)
{
	static struct tool_bin tmp;
	int rc = tool_hex(tok, &tmp, err);

	if (rc)
		return rc;
	if (tmp.n != n)
		return rt_err_set(err, RT_EINVAL, "%s: %zu bytes, expected %zu", what, tmp.n, n);
	memcpy(out, tmp.b, n);
	return 0;
}

static int tool_key(const char *tok, struct rt_scp80_key *k, struct rt_err *err)
{
	static struct tool_bin tmp;
	int rc = tool_hex(tok, &tmp, err);

	memset(k, 0, sizeof(*k));
	if (rc)
		return rc;
	if (tmp.n > sizeof(k->key))
		return rt_err_set(err, RT_EINVAL, "key of %zu bytes too long", tmp.n);
	memcpy(k->key, tmp.b, tmp.n);
	k->len = tmp.n;
	return 0;
}

static int tool_dialect(const char *tok, enum rt_scp80_dialect *d, struct rt_err *err)
{
	if (strcmp(tok, "sms") == 0)
		*d = RT_SCP80_SMS;
	else if (strcmp(tok, "gen") == 0)
		*d = RT_SCP80_GENERIC;
	else
		return rt_err_set(err, RT_EINVAL, "dialect %s", tok);
	return 0;
}

static void tool_print_hex(const uint8_t *p, size_t n)
{
	static char hex[2 * TOOL_MAX_BIN + 1];

	if (n == 0) {
		fputs("-", stdout);
		return;
	}
	rt_hex_encode(p, n, hex, sizeof(hex));
	fputs(hex, stdout);
}

/* Parses "D SPI KIC KID TAR CNTR" into s. */
static int tool_sec(char **t, struct rt_scp80_sec *s, struct rt_err *err)
{
	int rc;

	memset(s, 0, sizeof(*s));
	rc = tool_dialect(t[0], &s->dialect, err);
	if (!rc)
		rc = tool_fixed(t[1], s->spi, 2, "SPI", err);
	if (!rc)
		rc = tool_fixed(t[2], &s->kic, 1, "KIc", err);
	if (!rc)
		rc = tool_fixed(t[3], &s->kid, 1, "KID", err);
	if (!rc)
		rc = tool_fixed(t[4], s->tar, 3, "TAR", err);
	if (!rc)
		rc = tool_fixed(t[5], s->cntr, 5, "CNTR", err);
	return rc;
}

struct tool_card {
	struct rt_scp80_key kic, kid;
	uint8_t cntr[5];
	uint8_t min_spi[2];
};

static int tool_lookup(void *ctx, const uint8_t tar[3], uint8_t kic_ks, uint8_t kid_ks,
		       struct rt_scp80_keyset *ks, struct rt_err *err)
{
	const struct tool_card *c = ctx;

	/* TAR FFFFFF plays "unknown application" for the cross-check. */
	if (tar[0] == 0xFF && tar[1] == 0xFF && tar[2] == 0xFF)
		return rt_err_set(err, RT_ENOENT, "no such TAR");
	ks->kic = c->kic;
	ks->kid = c->kid;
	memcpy(ks->cntr, c->cntr, 5);
	memcpy(ks->min_spi, c->min_spi, 2);
	return 0;
}

static int tool_line(char **t, int nt, struct rt_buf *out, struct rt_err *err)
{
	static struct tool_bin bin, bin2;
	struct rt_scp80_opts opts = {8, RT_SCP80_CNTR11_ONE_HIGHER, 0};
	struct rt_scp80_sec s;
	struct rt_scp80_key kk, dk;
	int rc;

	if (strcmp(t[0], "wrap") == 0 && nt == 11) {
		rc = tool_sec(t + 1, &s, err);
		if (!rc)
			rc = tool_key(t[7], &kk, err);
		if (!rc)
			rc = tool_key(t[8], &dk, err);
		if (!rc)
			rc = tool_hex(t[9], &bin, err);
		if (rc)
			return rc;
		opts.aes_cc_len = strtoul(t[10], NULL, 10);
		s.kic_key = &kk;
		s.kid_key = &dk;
		rc = rt_scp80_cmd_wrap(&s, bin.b, bin.n, &opts, out, err);
		if (rc)
			return rc;
		fputs("OK ", stdout);
		tool_print_hex(out->data, out->len);
		return 0;
	}
	if (strcmp(t[0], "por") == 0 && nt == 12) {
		uint8_t st;

		rc = tool_sec(t + 1, &s, err);
		if (!rc)
			rc = tool_fixed(t[7], &st, 1, "status", err);
		if (!rc)
			rc = tool_key(t[8], &kk, err);
		if (!rc)
			rc = tool_key(t[9], &dk, err);
		if (!rc)
			rc = tool_hex(t[10], &bin, err);
		if (rc)
			return rc;
		opts.aes_cc_len = strtoul(t[11], NULL, 10);
		s.kic_key = &kk;
		s.kid_key = &dk;
		rc = rt_scp80_por_build(&s, st, bin.b, bin.n, &opts, out, err);
		if (rc)
			return rc;
		fputs("OK ", stdout);
		tool_print_hex(out->data, out->len);
		return 0;
	}
	if (strcmp(t[0], "porverify") == 0 && nt == 11) {
		struct rt_scp80_por res;

		rc = tool_sec(t + 1, &s, err);
		if (!rc)
			rc = tool_key(t[7], &kk, err);
		if (!rc)
			rc = tool_key(t[8], &dk, err);
		if (!rc)
			rc = tool_hex(t[9], &bin, err);
		if (rc)
			return rc;
		opts.aes_cc_len = strtoul(t[10], NULL, 10);
		s.kic_key = &kk;
		s.kid_key = &dk;
		rc = rt_scp80_por_verify(&s, bin.b, bin.n, &opts, &res, out, err);
		if (rc)
			return rc;
		printf("OK %02X ", res.status);
		tool_print_hex(out->data, out->len);
		return 0;
	}
	if (strcmp(t[0], "unwrap") == 0 && nt == 9) {
		struct tool_card card;
		struct rt_scp80_lookup lk = {tool_lookup, &card};
		struct rt_scp80_rx rx;
		struct rt_buf por;
		enum rt_scp80_dialect d = RT_SCP80_SMS;
		struct rt_err perr;
		int prc = 0;

		rc = tool_dialect(t[1], &d, err);
		if (!rc)
			rc = tool_key(t[2], &card.kic, err);
		if (!rc)
			rc = tool_key(t[3], &card.kid, err);
		if (!rc)
			rc = tool_fixed(t[4], card.cntr, 5, "stored CNTR", err);
		if (!rc)
			rc = tool_fixed(t[5], card.min_spi, 2, "min SPI", err);
		if (!rc)
			rc = tool_hex(t[6], &bin2, err);
		if (rc)
			return rc;
		opts.aes_cc_len = strtoul(t[7], NULL, 10);
		opts.cntr11 = strcmp(t[8], "higher") == 0 ? RT_SCP80_CNTR11_HIGHER
							   : RT_SCP80_CNTR11_ONE_HIGHER;
		rc = rt_scp80_cmd_unwrap(d, bin2.b, bin2.n, &lk, &opts, &rx, out, err);
		rt_buf_init(&por, TOOL_MAX_BIN);
		if (rx.parsed && rx.por_wanted)
			prc = rt_scp80_por_build(&rx.por, rx.status, NULL, 0, &opts, &por, &perr);
		printf("RX %s %02X %d %d ", rt_err_name(rc), rx.status, rx.por_wanted,
		       rx.cntr_update);
		tool_print_hex(rx.new_cntr, rx.cntr_update ? 5 : 0);
		fputs(" ", stdout);
		tool_print_hex(out->data, out->len);
		fputs(" ", stdout);
		if (prc)
			fputs("porerr", stdout);
		else
			tool_print_hex(por.data, por.len);
		rt_buf_free(&por);
		rt_scp80_rx_clear(&rx);
		return 0;
	}
	if ((strcmp(t[0], "cmac") == 0 || strcmp(t[0], "cbcmac") == 0) && nt == 3) {
		uint8_t mac[16];

		rc = tool_hex(t[1], &bin, err);
		if (!rc)
			rc = tool_hex(t[2], &bin2, err);
		if (rc)
			return rc;
		if (t[0][1] == 'm')
			rc = rt_crypto_aes_cmac(bin.b, bin.n, bin2.b, bin2.n, mac, err);
		else
			rc = rt_crypto_cbc_mac(bin.n == 8 ? RT_CRYPTO_DES : RT_CRYPTO_TDES, bin.b,
					       bin.n, bin2.b, bin2.n, mac, err);
		if (rc)
			return rc;
		fputs("OK ", stdout);
		tool_print_hex(mac, t[0][1] == 'm' ? 16 : 8);
		return 0;
	}
	if ((strcmp(t[0], "crc16") == 0 || strcmp(t[0], "crc32") == 0) && nt == 2) {
		rc = tool_hex(t[1], &bin, err);
		if (rc)
			return rc;
		if (t[0][3] == '1')
			printf("OK %04X", rt_crypto_crc16(bin.b, bin.n));
		else
			printf("OK %08X", (unsigned)rt_crypto_crc32(bin.b, bin.n));
		return 0;
	}
	if (strcmp(t[0], "kcv") == 0 && nt == 3) {
		uint8_t kcv[3];

		rc = tool_hex(t[2], &bin, err);
		if (!rc)
			rc = rt_crypto_kcv(strcmp(t[1], "aes") == 0 ? RT_CRYPTO_AES
				   : bin.n == 8 ? RT_CRYPTO_DES : RT_CRYPTO_TDES,
					   bin.b, bin.n, kcv, err);
		if (rc)
			return rc;
		fputs("OK ", stdout);
		tool_print_hex(kcv, 3);
		return 0;
	}
	return rt_err_set(err, RT_EINVAL, "unknown request %s with %d fields", t[0], nt);
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;

	while ((got = getline(&line, &cap, stdin)) > 0) {
		char *t[TOOL_MAX_TOK];
		char *p = line;
		int nt = 0, rc;
		struct rt_err err;
		struct rt_buf out;

		rt_err_clear(&err);
		/* Split on blanks in place. */
		while (*p && nt < TOOL_MAX_TOK) {
			while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
				*p++ = '\0';
			if (!*p)
				break;
			t[nt++] = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
				p++;
		}
		if (nt == 0)
			continue;
		rt_buf_init(&out, TOOL_MAX_BIN);
		rc = tool_line(t, nt, &out, &err);
		if (rc)
			printf("ERR %s %s", rt_err_name(rc), err.msg);
		fputs("\n", stdout);
		fflush(stdout);
		rt_buf_free(&out);
	}
	free(line);
	return 0;
}
