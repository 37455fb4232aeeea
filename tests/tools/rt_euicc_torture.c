/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_torture — drives the reference eUICC with a state file through a long
 * deterministic sequence of state changes, for tests/engine/test_persistence_kill.sh
 * (which SIGKILLs it at random moments and checks the file after each kill).
 *
 *   rt_euicc_torture run STATE SEED [STEPS]
 *       Opens the card on STATE (rt_euicc_new: loads it, or creates it as
 *       manufactured), checks the loaded state is exactly step k of the sequence
 *       (k = the SCP80 counter of keyset 01, which every step sets), prints
 *       "resumed K", then applies steps k+1, k+2... each followed by rt_euicc_commit
 *       and the line "committed K" (flushed), with a power cycle and a SELECT ECASD +
 *       GET DATA EID through the card's rt_icc between steps. Stops after STEPS steps
 *       (default: never).
 *   rt_euicc_torture check STATE SEED ACKED
 *       After a kill: ACKED is the last K the killed run printed (-1 for none). STATE
 *       must load and be step ACKED ("before" the interrupted step) or ACKED+1
 *       ("after"); with ACKED -1 it may also be absent. Prints "ok K before|after|
 *       absent" plus "tmp-complete" / "tmp-partial" when a .tmp was left (the kill
 *       landed inside a save: after the write / during it). Exit 0 ok, 1 not, 2 usage.
 *   rt_euicc_torture load FILE
 *       Decodes a state file and prints a summary (seeds, debugging).
 *
 * Test-only entry point (documented in docs/euicc-personality.md, state file): the tool reaches
 * into the card's model (card->st, roles/euicc/rt_euicc_int.h) and commits with
 * rt_euicc_commit, the same call every state-changing handler makes; a step edits the
 * model the way ES5/ES8/OTA handlers will (counters, ISD-Ps with packages up to
 * RT_EUICC_PKG_MAX, life-cycle states, SCP03 keysets, notifications, roll-back
 * records, fall-back attribute). Every step is a pure function of (state, SEED, K),
 * so the expected state of step K is recomputed by replaying from the fresh card. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "roles/euicc/rt_euicc.h"
#include "roles/euicc/rt_euicc_int.h"
#include "roles/euicc/rt_euicc_state.h"
#include "roles/euicc/rt_euicc_store.h"

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static uint64_t counter_of(const struct rt_euicc_state *st)
{
	uint64_t k = 0;
	size_t i;

	for (i = 0; i < 5; i++)
		k = k << 8 | st->scp80[0].cntr[i];
	return k;
}

/* Moves the used entries of each table to the front, keeping their order: the layout
 * a decoded file has, so that a resumed run and a replay pick the same entries. */
static void compact(struct rt_euicc_state *st)
{
	size_t i, j;

	for (i = j = 0; i < RT_EUICC_MAX_ISDP; i++) {
		if (st->isdp[i].state == RT_ISDP_FREE)
			continue;
		if (i != j) {
			st->isdp[j] = st->isdp[i];
			memset(&st->isdp[i], 0, sizeof(st->isdp[i]));
		}
		j++;
	}
	for (i = j = 0; i < RT_EUICC_MAX_NOTIF; i++) {
		if (!st->notif[i].used)
			continue;
		if (i != j) {
			st->notif[j] = st->notif[i];
			memset(&st->notif[i], 0, sizeof(st->notif[i]));
		}
		j++;
	}
}

static size_t count_isdp(const struct rt_euicc_state *st)
{
	size_t n = 0;

	while (n < RT_EUICC_MAX_ISDP && st->isdp[n].state != RT_ISDP_FREE)
		n++;
	return n;
}

static void fill(uint8_t *p, size_t n, uint64_t *r)
{
	size_t i;
	uint64_t x = rng_next(r);

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(x >> (8 * (i % 8))) ^ (uint8_t)i;
}

/* Step k of the sequence (k >= 1). Returns 0 or RT_ENOMEM. */
static int step(struct rt_euicc_state *st, uint64_t seed, uint64_t k)
{
	uint64_t r = seed * 0x9E3779B97F4A7C15ULL + k * 0xD1B54A32D192ED03ULL + 1;
	size_t n = count_isdp(st), i;
	struct rt_euicc_isdp *p;
	unsigned op;

	(void)rng_next(&r);
	/* TS 102 225 5.1.1: an accepted OTA command moves the counter on. */
	for (i = 0; i < 5; i++)
		st->scp80[0].cntr[i] = (uint8_t)(k >> (8 * (4 - i)));
	op = (unsigned)(rng_next(&r) % 9);
	switch (op) {
	case 0: /* CreateISDP with a profile package of random size */
	case 1:
		if (n >= RT_EUICC_MAX_ISDP)
			break;
		p = &st->isdp[n];
		memset(p, 0, sizeof(*p));
		p->state = RT_ISDP_SELECTABLE;
		p->aid_len = 16;
		memcpy(p->aid, "\xA0\x00\x00\x05\x59\x10\x10\xFF\xFF\xFF\xFF\x89", 12);
		for (i = 0; i < 4; i++)
			p->aid[12 + i] = (uint8_t)(k >> (8 * (3 - i)));
		memcpy(p->tar, p->aid + 12, 3);
		p->mem_quota = (uint32_t)(rng_next(&r) % 100000);
		if (rng_next(&r) % 2) {
			/* up to a full package: big files make saves slow enough to be hit */
			uint32_t len = (uint32_t)(rng_next(&r) % (RT_EUICC_PKG_MAX + 1));

			p->pkg = malloc(len ? len : 1);
			if (!p->pkg)
				return RT_ENOMEM;
			p->pkg_len = len;
			fill(p->pkg, len, &r);
			p->mem_used = len;
			p->state = RT_ISDP_DISABLED;
			p->has_iccid = 1;
			fill(p->iccid, 10, &r);
		}
		break;
	case 2: /* DeleteISDP */
		if (!n)
			break;
		i = (size_t)(rng_next(&r) % n);
		free(st->isdp[i].pkg);
		memset(&st->isdp[i], 0, sizeof(st->isdp[i]));
		break;
	case 3: /* Enable / Disable (one enabled at most) */
		if (!n)
			break;
		i = (size_t)(rng_next(&r) % n);
		if (st->isdp[i].state == RT_ISDP_ENABLED) {
			st->isdp[i].state = RT_ISDP_DISABLED;
		} else {
			struct rt_euicc_isdp *e = rt_euicc_isdp_enabled(st);

			if (e)
				e->state = RT_ISDP_DISABLED;
			st->isdp[i].state = RT_ISDP_ENABLED;
			st->change_pending = 1;
			st->rollback_to_len = e ? e->aid_len : 0;
			if (e)
				memcpy(st->rollback_to, e->aid, e->aid_len);
			st->rollback_from_len = st->isdp[i].aid_len;
			memcpy(st->rollback_from, st->isdp[i].aid, st->isdp[i].aid_len);
		}
		break;
	case 4: /* key establishment */
		if (!n)
			break;
		p = &st->isdp[rng_next(&r) % n];
		p->scp03.kvn = (uint8_t)(0x30 + rng_next(&r) % 16);
		p->scp03.key_len = 16;
		fill(p->scp03.enc, 16, &r);
		fill(p->scp03.mac, 16, &r);
		fill(p->scp03.dek, 16, &r);
		fill(p->scp03.seq, 3, &r);
		if (p->state == RT_ISDP_SELECTABLE)
			p->state = RT_ISDP_PERSONALIZED;
		p->conn_len = (uint8_t)(rng_next(&r) % (RT_EUICC_PARAM_MAX + 1));
		fill(p->conn, p->conn_len, &r);
		p->pol1_len = (uint8_t)(rng_next(&r) % 4);
		fill(p->pol1, p->pol1_len, &r);
		break;
	case 5: /* a notification queued (the oldest dropped when full) */
		if (st->notif[RT_EUICC_MAX_NOTIF - 1].used) {
			memmove(&st->notif[0], &st->notif[1],
				(RT_EUICC_MAX_NOTIF - 1) * sizeof(st->notif[0]));
			memset(&st->notif[RT_EUICC_MAX_NOTIF - 1], 0, sizeof(st->notif[0]));
		}
		for (i = 0; i < RT_EUICC_MAX_NOTIF && st->notif[i].used; i++)
			;
		st->notif[i].used = 1;
		st->notif[i].seq = st->next_seq++;
		st->notif[i].type = (uint8_t)(1 + rng_next(&r) % 3);
		st->notif[i].aid_len = n ? st->isdp[0].aid_len : 0;
		if (n)
			memcpy(st->notif[i].aid, st->isdp[0].aid, st->isdp[0].aid_len);
		break;
	case 6: /* notification confirmed, or a retry counted */
		if (!st->notif[0].used)
			break;
		if (rng_next(&r) % 2) {
			memmove(&st->notif[0], &st->notif[1],
				(RT_EUICC_MAX_NOTIF - 1) * sizeof(st->notif[0]));
			memset(&st->notif[RT_EUICC_MAX_NOTIF - 1], 0, sizeof(st->notif[0]));
			st->change_pending = 0;
		} else {
			st->notif[0].attempts++;
		}
		break;
	case 7: /* SM-SR addressing parameters, declaration */
		st->smsr_addr_len = (uint8_t)(rng_next(&r) % (RT_EUICC_PARAM_MAX + 1));
		fill(st->smsr_addr, st->smsr_addr_len, &r);
		st->declared = 1;
		break;
	default: /* fall-back attribute moves */
		for (i = 0; i < n; i++)
			st->isdp[i].fallback = 0;
		if (n)
			st->isdp[rng_next(&r) % n].fallback = 1;
		break;
	}
	compact(st);
	return 0;
}

/* The card as manufactured by the default configuration (what rt_euicc_new writes to
 * a new state file), then steps 1..k. */
static int replay(uint64_t seed, uint64_t k, struct rt_euicc_state *out, struct rt_err *err)
{
	struct rt_euicc_config cfg;
	struct rt_euicc *card = NULL;
	uint64_t i;
	int rc;

	rt_euicc_config_default(&cfg);
	rc = rt_euicc_new(&cfg, &card, err);
	if (rc)
		return rc;
	rc = rt_euicc_state_copy(out, &card->st, err);
	rt_euicc_free(card);
	for (i = 1; !rc && i <= k; i++)
		rc = step(out, seed, i);
	return rc;
}

/* A power cycle and SELECT ECASD + GET DATA EID through the card's rt_icc. */
static int poke_card(struct rt_euicc *card)
{
	static const uint8_t select_ecasd[] = { 0x00, 0xA4, 0x04, 0x00, 0x10, 0xA0, 0x00, 0x00,
						0x05, 0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF,
						0x89, 0x00, 0x00, 0x02, 0x00 };
	static const uint8_t get_eid[] = { 0x80, 0xCA, 0x00, 0x5A, 0x00 };
	struct rt_icc icc;
	uint8_t atr[RT_ATR_MAX], r[300];
	size_t atr_len = sizeof(atr), rlen;

	rt_euicc_icc(card, &icc);
	icc.ops->power_off(icc.card);
	if (icc.ops->reset(icc.card, atr, &atr_len))
		return -1;
	rlen = sizeof(r);
	if (icc.ops->process(icc.card, select_ecasd, sizeof(select_ecasd), r, &rlen) || rlen < 2)
		return -1;
	rlen = sizeof(r);
	if (icc.ops->process(icc.card, get_eid, sizeof(get_eid), r, &rlen) || rlen < 2)
		return -1;
	return r[rlen - 2] == 0x90 && r[rlen - 1] == 0x00 ? 0 : -1;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end ? -1 : 0;
}

static int cmd_run(const char *path, uint64_t seed, uint64_t steps)
{
	struct rt_euicc_config cfg;
	struct rt_euicc *card = NULL;
	struct rt_euicc_state want;
	struct rt_err err = { 0, "" };
	uint64_t k, done;
	int rc;

	rt_euicc_config_default(&cfg);
	cfg.state_path = path;
	if (rt_euicc_new(&cfg, &card, &err)) {
		fprintf(stderr, "rt_euicc_torture: %s\n", err.msg);
		return 1;
	}
	k = counter_of(&card->st);
	rt_euicc_state_init(&want, 0);
	if (replay(seed, k, &want, &err) || rt_euicc_state_equal(&card->st, &want, &err) != 1) {
		fprintf(stderr, "rt_euicc_torture: %s holds a counter of %llu but not step %llu %s\n",
			path, (unsigned long long)k, (unsigned long long)k, err.msg);
		rt_euicc_state_free(&want);
		rt_euicc_free(card);
		return 1;
	}
	rt_euicc_state_free(&want);
	printf("resumed %llu\n", (unsigned long long)k);
	fflush(stdout);
	for (done = 0; !steps || done < steps; done++) {
		k++;
		if (step(&card->st, seed, k) || (rc = rt_euicc_commit(card)) != 0) {
			fprintf(stderr, "rt_euicc_torture: step %llu failed\n", (unsigned long long)k);
			rt_euicc_free(card);
			return 1;
		}
		printf("committed %llu\n", (unsigned long long)k);
		fflush(stdout);
		if (poke_card(card)) {
			fprintf(stderr, "rt_euicc_torture: the card stopped answering at step %llu\n",
				(unsigned long long)k);
			rt_euicc_free(card);
			return 1;
		}
	}
	rt_euicc_free(card);
	return 0;
}

static int cmd_check(const char *path, uint64_t seed, long long acked)
{
	struct rt_euicc_state st, want;
	struct rt_err err = { 0, "" };
	char tmp[4200];
	const char *tmp_kind = "";
	uint64_t k;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (access(tmp, F_OK) == 0) {
		/* The kill landed inside a save: after the write (complete) or during it. */
		rt_euicc_state_init(&st, 0);
		tmp_kind = rt_euicc_store_load(tmp, &st, NULL) == 0 ? " tmp-complete" : " tmp-partial";
		rt_euicc_state_free(&st);
	}
	rt_euicc_state_init(&st, 0);
	rc = rt_euicc_store_load(path, &st, &err);
	if (rc == RT_ENOENT && acked < 0) {
		printf("ok absent%s\n", tmp_kind);
		return 0;
	}
	if (rc) {
		printf("FAIL %s does not load: %s\n", path, err.msg);
		return 1;
	}
	k = counter_of(&st);
	if (!((acked < 0 && k == 0) || (acked >= 0 && (k == (uint64_t)acked || k == (uint64_t)acked + 1)))) {
		printf("FAIL %s is step %llu, expected %lld or %lld\n", path, (unsigned long long)k,
		       acked, acked + 1);
		rt_euicc_state_free(&st);
		return 1;
	}
	rt_euicc_state_init(&want, 0);
	rc = replay(seed, k, &want, &err);
	if (!rc && rt_euicc_state_equal(&st, &want, &err) != 1) {
		printf("FAIL %s has the counter of step %llu but not its state\n", path,
		       (unsigned long long)k);
		rc = 1;
	} else if (rc) {
		printf("FAIL replay: %s\n", err.msg);
	} else {
		printf("ok %llu %s%s\n", (unsigned long long)k,
		       acked >= 0 && k == (uint64_t)acked ? "before" : "after", tmp_kind);
	}
	rt_euicc_state_free(&want);
	rt_euicc_state_free(&st);
	return rc ? 1 : 0;
}

static int cmd_load(const char *path)
{
	struct rt_euicc_state st;
	struct rt_err err = { 0, "" };
	size_t i, np = 0, nk = 0, nn = 0;

	rt_euicc_state_init(&st, 0);
	if (rt_euicc_store_load(path, &st, &err)) {
		printf("error: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < RT_EUICC_MAX_ISDP; i++)
		np += st.isdp[i].state != RT_ISDP_FREE;
	for (i = 0; i < RT_EUICC_MAX_SCP80; i++)
		nk += st.scp80[i].kvn != 0;
	for (i = 0; i < RT_EUICC_MAX_NOTIF; i++)
		nn += st.notif[i].used != 0;
	printf("ok: %zu SCP80 keysets, %zu ISD-Ps, %zu notifications, memory %u, next sequence %u, counter %llu\n",
	       nk, np, nn, st.mem_total, st.next_seq, (unsigned long long)counter_of(&st));
	rt_euicc_state_free(&st);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = 0, steps = 0;
	long long acked;
	char *end;

	if (argc >= 4 && !strcmp(argv[1], "run") && !parse_u64(argv[3], &seed) &&
	    (argc == 4 || (argc == 5 && !parse_u64(argv[4], &steps))))
		return cmd_run(argv[2], seed, steps);
	if (argc == 5 && !strcmp(argv[1], "check") && !parse_u64(argv[3], &seed)) {
		errno = 0;
		acked = strtoll(argv[4], &end, 10);
		if (!errno && end != argv[4] && !*end && acked >= -1)
			return cmd_check(argv[2], seed, acked);
	}
	if (argc == 3 && !strcmp(argv[1], "load"))
		return cmd_load(argv[2]);
	fprintf(stderr, "usage: rt_euicc_torture run STATE SEED [STEPS]\n"
			"       rt_euicc_torture check STATE SEED ACKED\n"
			"       rt_euicc_torture load FILE\n");
	return 2;
}
