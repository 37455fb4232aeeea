/* SPDX-License-Identifier: Apache-2.0 */
/* rt_scp03_tool — line-oriented bridge from tests/crosscheck/test_scp03.py to
 * harness/scp/rt_scp03 and rt_scp03t. One request per stdin line, one answer per stdout
 * line; hex in, hex out ("-" = empty; lists are comma-separated). Test-only: it prints
 * whatever it computes, keys included, because its keys are random test keys.
 *
 *   kdf KEY CONST CTX OUTLEN                 -> OK <bytes>
 *   challenge KENC SEQ AID S                 -> OK <card challenge>
 *   kcv KEY                                  -> OK <kcv>
 *   dek DEK KEY PAD(0|1)                     -> OK <key component block>
 *   session ENC MAC DEK KVN S I SL HC CC SEQ CMDS RSPS
 *       host and card run INITIALIZE UPDATE (the card replays CC), EXTERNAL
 *       AUTHENTICATE and every command of CMDS (plain C-APDUs); the card answers command
 *       k with RSPS[k] = DATA:SW, the host unwraps and both sides are checked to agree.
 *       -> OK <IU cmd> <IU rsp> <EXT AUTH> <wrapped cmds,...> <card rsps,...>
 *   scp03t ENC MAC KVN HC CC SEQ SL MAXSEG RMACOPT PKG RSPS
 *       84/85 handshake, PKG cut into 86 segments, the card reassembles and answers
 *       segment k with RSPS[k % n] (data, "-" for none), the host unwraps.
 *       -> OK <84> <84 rsp> <85> <86 segments> <card answers>
 * Any failure prints "ERR <code name> <message>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scp/rt_scp03.h"
#include "scp/rt_scp03t.h"
#include "util/rt_buf.h"
#include "util/rt_err.h"
#include "util/rt_hex.h"

#define TOOL_MAX_TOK 16
#define TOOL_MAX_BIN 70000
#define TOOL_LINE_MAX (1u << 20)

static const uint8_t TOOL_AID[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
				    0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00 };

static int hexin(const char *tok, uint8_t *out, size_t outsz, size_t *n, struct rt_err *err)
{
	*n = 0;
	if (strcmp(tok, "-") == 0)
		return 0;
	return rt_hex_decode(tok, strlen(tok), out, outsz, n, err);
}

static void hexout(const uint8_t *p, size_t n)
{
	static char h[2 * TOOL_MAX_BIN * 4 + 1];

	if (n == 0) {
		fputs("-", stdout);
		return;
	}
	rt_hex_encode(p, n, h, sizeof(h));
	fputs(h, stdout);
}

static unsigned long num(const char *tok)
{
	return strtoul(tok, NULL, 16);
}

static int load_keys(struct rt_scp03_keys *k, const char *enc, const char *mac,
		     const char *dek, const char *kvn, struct rt_err *err)
{
	size_t n;
	int rc;

	memset(k, 0, sizeof(*k));
	rc = hexin(enc, k->enc, sizeof(k->enc), &k->len, err);
	if (!rc)
		rc = hexin(mac, k->mac, sizeof(k->mac), &n, err);
	if (!rc && dek)
		rc = hexin(dek, k->dek, sizeof(k->dek), &n, err);
	k->kvn = (uint8_t)num(kvn);
	return rc;
}

/* Next comma-separated item of *p into a static buffer (modifies the string). */
static char *next_item(char **p)
{
	char *s = *p, *c;

	if (!s)
		return NULL;
	c = strchr(s, ',');
	if (c) {
		*c = 0;
		*p = c + 1;
	} else {
		*p = NULL;
	}
	return s;
}

static int cmd_session(char **t, struct rt_err *err)
{
	static uint8_t a[TOOL_MAX_BIN], b[TOOL_MAX_BIN], c[TOOL_MAX_BIN], d[TOOL_MAX_BIN];
	static struct rt_buf wrapped, rsps;
	struct rt_scp03_keys k;
	struct rt_scp03 host, card;
	uint8_t hc[16], cc[16], iu[64], iur[64], ea[64];
	size_t s = num(t[5]), hn, cn, iun, iurn, ean, an, bn, cn2, dn;
	uint8_t i = (uint8_t)num(t[6]), sl = (uint8_t)num(t[7]);
	uint32_t seq = (uint32_t)num(t[10]);
	char *cmds = t[11], *rsps_s = t[12], *item;
	uint16_t sw, sw2;
	int rc, first = 1;

	rt_buf_init(&wrapped, 1u << 22);
	rt_buf_init(&rsps, 1u << 22);
	rc = load_keys(&k, t[1], t[2], t[3], t[4], err);
	if (!rc)
		rc = hexin(t[8], hc, sizeof(hc), &hn, err);
	if (!rc)
		rc = hexin(t[9], cc, sizeof(cc), &cn, err);
	if (!rc)
		rc = rt_scp03_host_init(&host, &k, NULL, err);
	if (!rc)
		rc = rt_scp03_card_init(&card, &k, i, TOOL_AID, sizeof(TOOL_AID),
					seq ? seq - 1 : 0, NULL, NULL, err);
	if (!rc)
		rc = rt_scp03_host_iu(&host, 0, hc, s, iu, sizeof(iu), &iun, err);
	if (!rc)
		rc = rt_scp03_card_iu(&card, iu, iun, cc, iur, sizeof(iur), &iurn, &sw, err);
	if (!rc)
		rc = rt_scp03_host_iu_response(&host, iur, iurn, err);
	if (!rc)
		rc = rt_scp03_host_ext_auth(&host, sl, ea, sizeof(ea), &ean, err);
	if (!rc)
		rc = rt_scp03_card_ext_auth(&card, ea, ean, &sw, err);
	while (!rc && (item = next_item(&cmds)) != NULL) {
		char *r = next_item(&rsps_s), *colon;

		if (!r) {
			rc = rt_err_set(err, RT_EINVAL, "fewer responses than commands");
			break;
		}
		colon = strchr(r, ':');
		if (!colon) {
			rc = rt_err_set(err, RT_EINVAL, "response item without ':'");
			break;
		}
		*colon = 0;
		rc = hexin(item, a, sizeof(a), &an, err);
		if (!rc)
			rc = rt_scp03_host_wrap(&host, a, an, b, sizeof(b), &bn, err);
		if (!rc)
			rc = rt_scp03_card_unwrap(&card, b, bn, c, sizeof(c), &cn2, &sw, err);
		if (!rc && (cn2 < 4 || memcmp(c, a, 4) != 0))
			rc = rt_err_set(err, RT_EPROTO, "card recovered another header");
		if (!rc)
			rc = hexin(r, d, sizeof(d), &dn, err);
		sw = (uint16_t)num(colon + 1);
		if (!rc)
			rc = rt_scp03_card_wrap(&card, d, dn, sw, c, sizeof(c), &cn2, err);
		if (!rc)
			rc = rt_scp03_host_unwrap(&host, c, cn2, a, sizeof(a), &an, &sw2, err);
		if (!rc && (sw2 != sw || (rt_scp03_sw_protected(sw) && (an != dn ||
									memcmp(a, d, dn)))))
			rc = rt_err_set(err, RT_EPROTO, "host did not recover the card's response");
		if (!rc) {
			if (!first) {
				rt_buf_push(&wrapped, ',');
				rt_buf_push(&rsps, ',');
			}
			first = 0;
			{
				static char h[2 * TOOL_MAX_BIN + 1];

				/* the lists carry hex */
				rt_hex_encode(b, bn, h, sizeof(h));
				rt_buf_append(&wrapped, h, strlen(h));
				rt_hex_encode(c, cn2, h, sizeof(h));
				rt_buf_append(&rsps, h, strlen(h));
			}
		}
	}
	if (!rc) {
		fputs("OK ", stdout);
		hexout(iu, iun);
		fputc(' ', stdout);
		hexout(iur, iurn);
		fputc(' ', stdout);
		hexout(ea, ean);
		fputc(' ', stdout);
		fwrite(wrapped.data ? (char *)wrapped.data : "-", 1, wrapped.len ? wrapped.len : 1,
		       stdout);
		fputc(' ', stdout);
		fwrite(rsps.data ? (char *)rsps.data : "-", 1, rsps.len ? rsps.len : 1, stdout);
		fputc('\n', stdout);
	}
	rt_scp03_clear(&host);
	rt_scp03_clear(&card);
	rt_buf_free(&wrapped);
	rt_buf_free(&rsps);
	return rc;
}

static int cmd_scp03t(char **t, struct rt_err *err)
{
	static uint8_t pkg[TOOL_MAX_BIN], d[TOOL_MAX_BIN];
	struct rt_scp03_keys k;
	struct rt_scp03t host, card;
	struct rt_scp03t_opts o;
	struct rt_buf iu, iur, ea, ear, segs, answers, plain, back, one;
	uint8_t hc[16], cc[16];
	size_t hn, cn, pn, dn, count, off, used, seg = 0;
	uint8_t sl = (uint8_t)num(t[7]);
	uint32_t seq = (uint32_t)num(t[6]);
	char *rsp_list = t[11], *items[256];
	size_t nitems = 0;
	int rc;

	memset(&o, 0, sizeof(o));
	o.max_segment = num(t[8]);
	o.rmac_input = (enum rt_scp03t_rmac_input)num(t[9]);
	rt_buf_init(&iu, 64);
	rt_buf_init(&iur, 64);
	rt_buf_init(&ea, 64);
	rt_buf_init(&ear, 64);
	rt_buf_init(&segs, 1u << 20);
	rt_buf_init(&answers, 1u << 20);
	rt_buf_init(&plain, 1u << 20);
	rt_buf_init(&back, 1u << 20);
	rt_buf_init(&one, 1u << 20);
	while (nitems < 256 && rsp_list) {
		items[nitems++] = next_item(&rsp_list);
	}
	rc = load_keys(&k, t[1], t[2], NULL, t[3], err);
	if (!rc)
		rc = hexin(t[4], hc, sizeof(hc), &hn, err);
	if (!rc)
		rc = hexin(t[5], cc, sizeof(cc), &cn, err);
	if (!rc)
		rc = hexin(t[10], pkg, sizeof(pkg), &pn, err);
	if (!rc)
		rc = rt_scp03t_host_init(&host, &k, NULL, &o, err);
	if (!rc)
		rc = rt_scp03t_card_init(&card, &k, 0x70, TOOL_AID, sizeof(TOOL_AID),
					 seq ? seq - 1 : 0, NULL, NULL, &o, err);
	if (!rc) {
		memcpy(card.card_random, cc, cn);
		card.has_card_random = 1;
		rc = rt_scp03t_host_iu(&host, hc, hn, &iu, err);
	}
	if (!rc)
		rc = rt_scp03t_card_command(&card, iu.data, iu.len, &used, &plain, &iur, err);
	if (!rc)
		rc = rt_scp03t_host_iu_response(&host, iur.data, iur.len, err);
	if (!rc)
		rc = rt_scp03t_host_ext_auth(&host, sl, &ea, err);
	if (!rc)
		rc = rt_scp03t_card_command(&card, ea.data, ea.len, &used, &plain, &ear, err);
	if (!rc)
		rc = rt_scp03t_host_ext_auth_response(&host, ear.data, ear.len, err);
	if (!rc) {
		struct rt_scp03t_mark *marks = calloc(4096, sizeof(*marks));

		if (!marks)
			rc = rt_err_set(err, RT_ENOMEM, "marks");
		/* All segments go out first (one batch); the answers are checked per segment
		 * against the marks (chain and counter of each 86). */
		if (!rc)
			rc = rt_scp03t_host_segment(&host, pkg, pn, 0, &segs, &count, marks, 4096,
						    err);
		for (off = 0; !rc && off < segs.len; off += used, seg++) {
			rt_buf_reset(&one);
			rc = rt_scp03t_card_command(&card, segs.data + off, segs.len - off, &used,
						    &plain, &one, err);
			dn = 0;
			if (!rc && nitems)
				rc = hexin(items[seg % nitems], d, sizeof(d), &dn, err);
			if (!rc)
				rc = rt_scp03t_card_response(&card, d, dn, &one, err);
			if (!rc) {
				rt_buf_reset(&back);
				rc = rt_scp03t_host_unwrap_for(&host, &marks[seg], one.data, one.len,
							       &back, err);
			}
			if (!rc && (back.len != dn || (dn && memcmp(back.data, d, dn))))
				rc = rt_err_set(err, RT_EPROTO, "host did not recover answer %zu", seg);
			if (!rc && rt_buf_append(&answers, one.data, one.len))
				rc = rt_err_set(err, RT_ENOMEM, "answers");
		}
		free(marks);
	}
	if (!rc && (plain.len != pn || (pn && memcmp(plain.data, pkg, pn))))
		rc = rt_err_set(err, RT_EPROTO, "card reassembled another package");
	if (!rc) {
		fputs("OK ", stdout);
		hexout(iu.data, iu.len);
		fputc(' ', stdout);
		hexout(iur.data, iur.len);
		fputc(' ', stdout);
		hexout(ea.data, ea.len);
		fputc(' ', stdout);
		hexout(segs.data, segs.len);
		fputc(' ', stdout);
		hexout(answers.data, answers.len);
		fputc('\n', stdout);
	}
	rt_scp03t_clear(&host);
	rt_scp03t_clear(&card);
	rt_buf_free(&iu);
	rt_buf_free(&iur);
	rt_buf_free(&ea);
	rt_buf_free(&ear);
	rt_buf_free(&segs);
	rt_buf_free(&answers);
	rt_buf_free(&plain);
	rt_buf_free(&back);
	rt_buf_free(&one);
	return rc;
}

static int dispatch(char **t, int nt, struct rt_err *err)
{
	static uint8_t a[TOOL_MAX_BIN], b[TOOL_MAX_BIN], c[TOOL_MAX_BIN];
	size_t an, bn, cn;
	int rc;

	if (strcmp(t[0], "kdf") == 0 && nt == 5) {
		rc = hexin(t[1], a, sizeof(a), &an, err);
		if (!rc)
			rc = hexin(t[3], b, sizeof(b), &bn, err);
		cn = num(t[4]);
		if (!rc)
			rc = rt_scp03_kdf(a, an, (uint8_t)num(t[2]), b, bn, c, cn, err);
	} else if (strcmp(t[0], "challenge") == 0 && nt == 5) {
		rc = hexin(t[1], a, sizeof(a), &an, err);
		if (!rc)
			rc = hexin(t[3], b, sizeof(b), &bn, err);
		cn = num(t[4]);
		if (!rc)
			rc = rt_scp03_card_challenge(a, an, (uint32_t)num(t[2]), b, bn, cn, c, err);
	} else if (strcmp(t[0], "kcv") == 0 && nt == 2) {
		rc = hexin(t[1], a, sizeof(a), &an, err);
		cn = 3;
		if (!rc)
			rc = rt_scp03_kcv(a, an, c, err);
	} else if (strcmp(t[0], "dek") == 0 && nt == 4) {
		rc = hexin(t[1], a, sizeof(a), &an, err);
		if (!rc)
			rc = hexin(t[2], b, sizeof(b), &bn, err);
		if (!rc)
			rc = rt_scp03_dek_wrap(a, an, (enum rt_scp03_dek_pad)num(t[3]), b, bn, c,
					       sizeof(c), &cn, err);
	} else if (strcmp(t[0], "session") == 0 && nt == 13) {
		return cmd_session(t, err);
	} else if (strcmp(t[0], "scp03t") == 0 && nt == 12) {
		return cmd_scp03t(t, err);
	} else {
		return rt_err_set(err, RT_EINVAL, "unknown request '%s' with %d fields", t[0], nt);
	}
	if (rc)
		return rc;
	fputs("OK ", stdout);
	hexout(c, cn);
	fputc('\n', stdout);
	return 0;
}

int main(void)
{
	char *line = malloc(TOOL_LINE_MAX);

	if (!line)
		return 1;
	while (fgets(line, TOOL_LINE_MAX, stdin)) {
		char *t[TOOL_MAX_TOK], *sp = NULL, *p = line;
		struct rt_err err = {0};
		int nt = 0, rc;

		line[strcspn(line, "\r\n")] = 0;
		while (nt < TOOL_MAX_TOK) {
			while (*p == ' ')
				p++;
			if (!*p)
				break;
			t[nt++] = p;
			sp = strchr(p, ' ');
			if (!sp)
				break;
			*sp = 0;
			p = sp + 1;
		}
		if (nt == 0)
			continue;
		rc = dispatch(t, nt, &err);
		if (rc)
			printf("ERR %s %s\n", rt_err_name(rc), err.msg);
		fflush(stdout);
	}
	free(line);
	return 0;
}
