/* SPDX-License-Identifier: Apache-2.0 */
/* rt_ecka_tool — line-oriented bridge from tests/crosscheck/test_ecka.py to
 * harness/crypto/rt_ec and harness/scp/rt_ecka. One request per stdin line, one answer
 * per stdout line; hex in, hex out ("-" = empty). Test-only: it prints whatever it
 * computes, private scalars included, because every key it sees is a random test key.
 *
 *   pub CURVE D                      -> OK <04||X||Y>
 *   ecdh CURVE D PEERPOINT           -> OK <Z>
 *   sign CURVE D MSG                 -> OK <r||s>
 *   verify CURVE POINT MSG SIG       -> OK 1 | OK 0
 *   kdf Z INFO LEN                   -> OK <key data>
 *   derive SHS A6 DR SIN             -> OK <sharedinfo> <receipt key> <enc> <mac> <dek>
 *   receipt KEY A6 DR PAD            -> OK <receipt>           (PAD 0 plain, 1 80-padded)
 *   establish CURVE SP KU FORM PAD HOSTID SDIN SIN
 *        a whole EstablishISDPKeySet with fresh keys (CI, SM-DP, ECASD, ephemeral):
 *        -> OK <ci point> <dp d> <ecasd d> <3A01 data> <85 RC> <3A02 data> <card resp>
 *              <enc> <mac> <dek> <receipt key>
 *        FORM: b0f0 | b0 | bare.
 * CURVE is p256 or bp256. Any failure prints "ERR <code name> <message>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rt_gpcert.h"
#include "crypto/rt_ec.h"
#include "scp/rt_ecka.h"
#include "scp/rt_gpcert_verify.h"
#include "util/rt_buf.h"
#include "util/rt_err.h"
#include "util/rt_hex.h"

#define TOOL_MAX_TOK 12
#define TOOL_MAX_BIN 4096

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

static void tool_put(const uint8_t *p, size_t n)
{
	static char hex[2 * TOOL_MAX_BIN + 1];

	if (n == 0) {
		fputs(" -", stdout);
		return;
	}
	rt_hex_encode(p, n, hex, sizeof(hex));
	putchar(' ');
	fputs(hex, stdout);
}

static int tool_curve(const char *s, enum rt_ec_curve *c, struct rt_err *err)
{
	if (strcmp(s, "p256") == 0)
		*c = RT_EC_P256;
	else if (strcmp(s, "bp256") == 0)
		*c = RT_EC_BP256R1;
	else
		return rt_err_set(err, RT_EINVAL, "curve %s", s);
	return 0;
}

static int tool_priv(const char *curve, const char *d, struct rt_ec_key **k, struct rt_err *err)
{
	enum rt_ec_curve c = RT_EC_NONE;
	struct tool_bin b;
	int rc = tool_curve(curve, &c, err);

	if (!rc)
		rc = tool_hex(d, &b, err);
	if (!rc)
		rc = rt_ec_key_from_private(c, b.b, b.n, k, err);
	return rc;
}

/* The whole flow with fresh keys; prints everything the cross-check recomputes. */
static int tool_establish(char **tok, int ntok, struct rt_err *err)
{
	enum rt_ec_curve c = RT_EC_NONE;
	struct rt_ec_key *ci = NULL, *dp = NULL, *ecasd = NULL;
	struct rt_ecka_dp d;
	struct rt_ecka_card card;
	struct rt_gpcert_fields f;
	struct rt_buf cert, m1, r1, m2, r2;
	struct tool_bin hid, sdin, sin;
	uint8_t cipt[65], dppt[65], dpd[32], ed[32];
	static const uint8_t ciid[] = { 0xC1, 0xC1 }, dpid[] = { 0xD9 }, serial[] = { 0x01 };
	int rc;

	if (ntok != 9)
		return rt_err_set(err, RT_EINVAL, "establish needs 8 arguments");
	rt_ecka_dp_init(&d);
	rt_ecka_card_init(&card);
	rt_buf_init(&cert, 1024);
	rt_buf_init(&m1, 4096);
	rt_buf_init(&r1, 256);
	rt_buf_init(&m2, 4096);
	rt_buf_init(&r2, 256);
	if ((rc = tool_curve(tok[1], &c, err)) != 0 || (rc = tool_hex(tok[6], &hid, err)) != 0 ||
	    (rc = tool_hex(tok[7], &sdin, err)) != 0 || (rc = tool_hex(tok[8], &sin, err)) != 0)
		goto out;
	if ((rc = rt_ec_key_generate(c, &ci, err)) != 0 || (rc = rt_ec_key_generate(c, &dp, err)) != 0 ||
	    (rc = rt_ec_key_generate(c, &ecasd, err)) != 0 ||
	    (rc = rt_ec_key_public(ci, cipt, err)) != 0 || (rc = rt_ec_key_public(dp, dppt, err)) != 0 ||
	    (rc = rt_ec_key_private(dp, dpd, err)) != 0 || (rc = rt_ec_key_private(ecasd, ed, err)) != 0)
		goto out;
	memset(&f, 0, sizeof(f));
	f.serial.p = serial;
	f.serial.len = 1;
	f.ca_id.p = ciid;
	f.ca_id.len = sizeof(ciid);
	f.subject_id.p = dpid;
	f.subject_id.len = 1;
	f.key_usage = 0x88;
	f.key_usage_len = 1;
	f.expiration = 20451231;
	f.cert_type = 1;
	f.public_key.p = dppt;
	f.public_key.len = 65;
	f.key_param_ref = (int)rt_ec_curve_gp_ref(c);
	if ((rc = rt_gpcert_sign(&f, ci, &cert, err)) != 0)
		goto out;
	d.prm.scenario_params = (uint8_t)strtoul(tok[2], NULL, 16);
	d.prm.key_usage = (uint8_t)strtoul(tok[3], NULL, 16);
	d.opts.epk_form = strcmp(tok[4], "bare") == 0 ? RT_ECKA_EPK_BARE
			  : strcmp(tok[4], "b0") == 0 ? RT_ECKA_EPK_B0 : RT_ECKA_EPK_B0F0;
	d.opts.receipt_pad = card.opts.receipt_pad = tok[5][0] == '1' ? RT_ECKA_RECEIPT_PAD80
								     : RT_ECKA_RECEIPT_PLAIN;
	memcpy(d.prm.host_id, hid.b, hid.n < RT_ECKA_ID_MAX ? hid.n : RT_ECKA_ID_MAX);
	d.prm.host_id_len = hid.n < RT_ECKA_ID_MAX ? hid.n : RT_ECKA_ID_MAX;
	memcpy(d.prm.sdin, sdin.b, sdin.n < RT_ECKA_ID_MAX ? sdin.n : RT_ECKA_ID_MAX);
	d.prm.sdin_len = sdin.n < RT_ECKA_ID_MAX ? sdin.n : RT_ECKA_ID_MAX;
	if (sin.n) {
		d.opts.sin = card.opts.sin = sin.b;
		d.opts.sin_len = card.opts.sin_len = sin.n;
	}
	d.sk_dp = dp;
	d.cert = cert.data;
	d.cert_len = cert.len;
	d.pk_ecasd = ecasd; /* public use only */
	card.pk_ci = ci;
	card.ci_id = ciid;
	card.ci_id_len = sizeof(ciid);
	card.sk_ecasd = ecasd;
	if ((rc = rt_ecka_dp_cert_data(&d, &m1, err)) != 0 ||
	    (rc = rt_ecka_card_cert(&card, m1.data, m1.len, NULL, 0, &r1, err)) != 0 ||
	    (rc = rt_ecka_dp_take_rc(&d, r1.data, r1.len, err)) != 0 ||
	    (rc = rt_ecka_dp_key_data(&d, &m2, err)) != 0 ||
	    (rc = rt_ecka_card_keys(&card, m2.data, m2.len, NULL, 0, &r2, err)) != 0 ||
	    (rc = rt_ecka_dp_check_receipt(&d, r2.data, r2.len, err)) != 0)
		goto out;
	fputs("OK", stdout);
	tool_put(cipt, 65);
	tool_put(dpd, 32);
	tool_put(ed, 32);
	tool_put(m1.data, m1.len);
	tool_put(r1.data, r1.len);
	tool_put(m2.data, m2.len);
	tool_put(r2.data, r2.len);
	tool_put(card.keys.enc, card.keys.key_len);
	tool_put(card.keys.mac, card.keys.key_len);
	tool_put(card.keys.dek, card.keys.key_len);
	tool_put(card.keys.receipt_key, card.keys.key_len);
	putchar('\n');
out:
	rt_ecka_dp_clear(&d);
	rt_ecka_card_clear(&card);
	rt_ec_key_free(ci);
	rt_ec_key_free(dp);
	rt_ec_key_free(ecasd);
	rt_buf_free(&cert);
	rt_buf_free(&m1);
	rt_buf_free(&r1);
	rt_buf_free(&m2);
	rt_buf_free(&r2);
	return rc;
}

static int tool_line(char **tok, int ntok, struct rt_err *err)
{
	static struct tool_bin a, b, c2, d2;
	struct rt_ec_key *k = NULL;
	uint8_t out[RT_EC_KDF_MAX];
	int rc = 0;

	if (strcmp(tok[0], "pub") == 0 && ntok == 3) {
		if ((rc = tool_priv(tok[1], tok[2], &k, err)) == 0 &&
		    (rc = rt_ec_key_public(k, out, err)) == 0) {
			fputs("OK", stdout);
			tool_put(out, 65);
			putchar('\n');
		}
	} else if (strcmp(tok[0], "ecdh") == 0 && ntok == 4) {
		if ((rc = tool_priv(tok[1], tok[2], &k, err)) == 0 &&
		    (rc = tool_hex(tok[3], &a, err)) == 0 &&
		    (rc = rt_ec_ecdh(k, a.b, a.n, out, err)) == 0) {
			fputs("OK", stdout);
			tool_put(out, 32);
			putchar('\n');
		}
	} else if (strcmp(tok[0], "sign") == 0 && ntok == 4) {
		if ((rc = tool_priv(tok[1], tok[2], &k, err)) == 0 &&
		    (rc = tool_hex(tok[3], &a, err)) == 0 && (rc = rt_ec_sign(k, a.b, a.n, out, err)) == 0) {
			fputs("OK", stdout);
			tool_put(out, 64);
			putchar('\n');
		}
	} else if (strcmp(tok[0], "verify") == 0 && ntok == 5) {
		enum rt_ec_curve c = RT_EC_NONE;

		if ((rc = tool_curve(tok[1], &c, err)) == 0 && (rc = tool_hex(tok[2], &a, err)) == 0 &&
		    (rc = tool_hex(tok[3], &b, err)) == 0 && (rc = tool_hex(tok[4], &c2, err)) == 0 &&
		    (rc = rt_ec_key_from_public(c, a.b, a.n, &k, err)) == 0)
			printf("OK %d\n", rt_ec_verify(k, b.b, b.n, c2.b, c2.n, NULL) == 0);
	} else if (strcmp(tok[0], "kdf") == 0 && ntok == 4) {
		size_t n = strtoul(tok[3], NULL, 10);

		if ((rc = tool_hex(tok[1], &a, err)) == 0 && (rc = tool_hex(tok[2], &b, err)) == 0 &&
		    (rc = rt_ec_x963_kdf(a.b, a.n, b.b, b.n, out, n, err)) == 0) {
			fputs("OK", stdout);
			tool_put(out, n);
			putchar('\n');
		}
	} else if (strcmp(tok[0], "derive") == 0 && ntok == 5) {
		struct rt_ecka_params p;
		struct rt_ecka_keys keys;
		uint8_t si[256];
		size_t sil;

		if ((rc = tool_hex(tok[1], &a, err)) == 0 && (rc = tool_hex(tok[2], &b, err)) == 0 &&
		    (rc = tool_hex(tok[3], &c2, err)) == 0 && (rc = tool_hex(tok[4], &d2, err)) == 0 &&
		    (rc = (a.n == 32 ? 0 : rt_err_set(err, RT_EINVAL, "ShS must be 32 bytes"))) == 0 &&
		    (rc = rt_ecka_a6_decode(b.b, b.n, &p, err)) == 0 &&
		    (rc = rt_ecka_shared_info(&p, c2.b, c2.n, d2.b, d2.n, si, sizeof(si), &sil, err)) == 0 &&
		    (rc = rt_ecka_derive(a.b, &p, c2.b, c2.n, d2.b, d2.n, &keys, err)) == 0) {
			fputs("OK", stdout);
			tool_put(si, sil);
			tool_put(keys.receipt_key, keys.key_len);
			tool_put(keys.enc, keys.key_len);
			tool_put(keys.mac, keys.key_len);
			tool_put(keys.dek, keys.key_len);
			putchar('\n');
		}
	} else if (strcmp(tok[0], "receipt") == 0 && ntok == 5) {
		if ((rc = tool_hex(tok[1], &a, err)) == 0 && (rc = tool_hex(tok[2], &b, err)) == 0 &&
		    (rc = tool_hex(tok[3], &c2, err)) == 0 &&
		    (rc = rt_ecka_receipt(a.b, a.n, b.b, b.n, c2.b, c2.n,
					  tok[4][0] == '1' ? RT_ECKA_RECEIPT_PAD80 : RT_ECKA_RECEIPT_PLAIN,
					  out, err)) == 0) {
			fputs("OK", stdout);
			tool_put(out, 16);
			putchar('\n');
		}
	} else if (strcmp(tok[0], "establish") == 0) {
		rc = tool_establish(tok, ntok, err);
	} else {
		rc = rt_err_set(err, RT_EINVAL, "unknown request %s/%d", tok[0], ntok);
	}
	rt_ec_key_free(k);
	return rc;
}

int main(void)
{
	static char line[3 * TOOL_MAX_BIN];

	while (fgets(line, sizeof(line), stdin)) {
		char *tok[TOOL_MAX_TOK], *save = NULL, *p;
		int ntok = 0;
		struct rt_err err = {0};

		for (p = strtok_r(line, " \t\r\n", &save); p && ntok < TOOL_MAX_TOK;
		     p = strtok_r(NULL, " \t\r\n", &save))
			tok[ntok++] = p;
		if (ntok == 0)
			continue;
		if (tool_line(tok, ntok, &err))
			printf("ERR %s %s\n", rt_err_name(err.code), err.msg);
		fflush(stdout);
	}
	return 0;
}
