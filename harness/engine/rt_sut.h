/* SPDX-License-Identifier: Apache-2.0 */
/* rt_sut — the SUT description: what is under test, how to reach it, what it declares.
 *
 * Loaded from `--sut FILE.yaml` or a built-in name (sut/<name>.yaml in the data
 * folder; `reference` is the default). The format is in docs/sut-config.md. The whole
 * document is also handed to Lua as the SUT table, so test steps read keys and
 * declared values (EID, keys, TARs) from it; `vars:` become ${NAME} variables. */
#ifndef RT_SUT_H
#define RT_SUT_H

#include "engine/rt_case.h"
#include "engine/rt_yaml.h"
#include "roles/euicc/rt_euicc.h"
#include "util/rt_err.h"

enum rt_sut_transport {
	RT_SUT_CARD_NONE = 0,
	RT_SUT_CARD_LOOP, /* the reference eUICC in-process */
	RT_SUT_CARD_PCSC, /* a reader through pcscd (real card, or the reference card via vpcd) */
};

enum rt_sut_reset {
	RT_SUT_RESET_WARM = 0, /* warm reset before each case (default) */
	RT_SUT_RESET_COLD,     /* power cycle before each case */
	RT_SUT_RESET_NONE,     /* keep the card as the previous case left it */
};

struct rt_sut_card {
	enum rt_sut_transport transport;
	char *reader;     /* pcsc: case-insensitive substring of the reader name */
	int reader_index; /* pcsc: index when no name is given; -1 = first with a card */
	enum rt_sut_reset reset;
	int wait_card_ms; /* pcsc: how long to wait for a card to appear */
	char *eid;        /* loop: EID digits of the reference card (NULL = its default) */
	int t0_get_response; /* loop: reference card answers case 2 with 61xx */
	char *personality; /* the reference card's personality file (resolved path) or NULL */
	char *state;       /* loop: the reference card's state file, NULL = memory only */
	int state_in_run_dir; /* loop: `state` is a file name inside the run's report
			       * directory, started as manufactured at each run */
	uint64_t faults_set, faults_clear; /* loop: `faults:` (names; "-name" clears) */
	/* loop: the reference card's configuration (defaults, personality, then eid,
	 * t0_get_response and faults of this section); state_path is `state`. Owned, wiped
	 * at rt_sut_free. NULL for pcsc. */
	struct rt_euicc_config *euicc;
};

struct rt_sut {
	char *name;
	char *role;
	char *file;
	struct rt_strlist features;
	struct rt_sut_card card;
	struct rt_ynode *root; /* the whole description (for Lua) */
	struct rt_ydoc doc;
};

/* Loads a SUT description. `spec` is a path (contains '/' or ends in .yaml/.yml) or a
 * built-in name looked up in <datadir>/sut/. RT_ECONFIG with file:line:col on errors. */
int rt_sut_load(const char *spec, const char *datadir, struct rt_sut *sut, struct rt_err *err);

void rt_sut_free(struct rt_sut *sut);

/* 1 when the SUT declares feature f. */
int rt_sut_has_feature(const struct rt_sut *sut, const char *f);

#endif
