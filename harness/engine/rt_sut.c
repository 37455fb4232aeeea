/* SPDX-License-Identifier: Apache-2.0 */
/* rt_sut — SUT description loading and validation; see rt_sut.h. */
#include "engine/rt_sut.h"

#include "engine/rt_options.h"
#include "engine/rt_personality.h"
#include "engine/rt_sut_keys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* Top-level keys of a SUT description (docs/sut-config.md). Lower-case keys only;
 * role-specific sections (card, smsr, smdp, keys...) grow with the roles. */
static const char *const rt_sut_keys[] = {
	"name", "role", "description", "features", "vars", "card", "options", "scp80", "keys", NULL,
};
static const char *const rt_sut_card_keys[] = {
	"transport", "reader", "reader_index", "reset", "wait_card_ms", "eid",
	"t0_get_response", "personality", "state", "state_in_run_dir", "faults", NULL,
};

struct rt_sut_enum {
	const char *name;
	int value;
};

static const struct rt_sut_enum rt_sut_transports[] = {
	{ "loop", RT_SUT_CARD_LOOP }, { "pcsc", RT_SUT_CARD_PCSC }, { NULL, 0 },
};
static const struct rt_sut_enum rt_sut_resets[] = {
	{ "warm", RT_SUT_RESET_WARM }, { "cold", RT_SUT_RESET_COLD }, { "none", RT_SUT_RESET_NONE },
	{ NULL, 0 },
};

static int rt_sut_err(struct rt_err *err, const struct rt_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rt_sut_err(struct rt_err *err, const struct rt_ynode *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: %s", n->file, n->line, n->col, msg);
}

static int rt_sut_check_keys(const struct rt_ynode *m, const char *const *allowed, const char *what,
			     struct rt_err *err)
{
	size_t i;
	const char *const *k;

	for (i = 0; i < m->n; i++) {
		int ok = 0;

		for (k = allowed; *k; k++)
			ok |= strcmp(*k, m->keys[i]) == 0;
		if (!ok)
			return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: unknown key '%s' in %s", m->file,
					  m->key_lines[i], m->key_cols[i], m->keys[i], what);
	}
	return 0;
}

static int rt_sut_string(const struct rt_ynode *m, const char *key, int required, char **out,
			 struct rt_err *err)
{
	const struct rt_ynode *v = rt_ynode_get(m, key);

	*out = NULL;
	if (!v) {
		if (required)
			return rt_sut_err(err, m, "missing required key '%s'", key);
		return 0;
	}
	if (v->kind != RT_Y_SCALAR)
		return rt_sut_err(err, v, "'%s' must be a string", key);
	*out = strdup(v->str);
	return *out ? 0 : RT_ENOMEM;
}

static int rt_sut_int(const struct rt_ynode *m, const char *key, long lo, long hi, int *out,
		      struct rt_err *err)
{
	const struct rt_ynode *v = rt_ynode_get(m, key);
	char *end;
	long x;

	if (!v)
		return 0;
	if (v->kind != RT_Y_SCALAR)
		return rt_sut_err(err, v, "'%s' must be an integer", key);
	errno = 0;
	x = strtol(v->str, &end, 10);
	if (errno || *end || end == v->str || x < lo || x > hi)
		return rt_sut_err(err, v, "'%s' must be an integer in range", key);
	*out = (int)x;
	return 0;
}

static int rt_sut_enum_get(const struct rt_ynode *m, const char *key,
			   const struct rt_sut_enum *table, int *out, struct rt_err *err)
{
	const struct rt_ynode *v = rt_ynode_get(m, key);
	const struct rt_sut_enum *e;
	char names[256] = "";
	size_t used = 0;

	if (!v)
		return 0;
	for (e = table; v->kind == RT_Y_SCALAR && e->name; e++) {
		if (strcmp(e->name, v->str) == 0) {
			*out = e->value;
			return 0;
		}
	}
	for (e = table; e->name; e++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
					 e == table ? "" : ", ", e->name);
	return rt_err_set(err, RT_ECONFIG, "%s:%u:%u: '%s' must be one of: %s", v->file, v->line,
			  v->col, key, names);
}

static int rt_sut_bool(const struct rt_ynode *m, const char *key, int *out, struct rt_err *err)
{
	const struct rt_ynode *v = rt_ynode_get(m, key);

	if (!v)
		return 0;
	if (v->kind == RT_Y_SCALAR && strcmp(v->str, "true") == 0)
		*out = 1;
	else if (v->kind == RT_Y_SCALAR && strcmp(v->str, "false") == 0)
		*out = 0;
	else
		return rt_sut_err(err, v, "'%s' must be true or false", key);
	return 0;
}

/* The reference card's configuration for a loop SUT: defaults, the personality file,
 * then this section's eid, t0_get_response and faults (docs/sut-config.md). */
static int rt_sut_card_euicc(const struct rt_ynode *m, const char *sut_file,
			     struct rt_sut_card *card, int t0_given, struct rt_err *err)
{
	struct rt_euicc_config *cfg;
	int rc = 0;

	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return RT_ENOMEM;
	rt_euicc_config_default(cfg);
	if (card->personality && rt_personality_load(card->personality, cfg, err)) {
		rt_err_wrap(err, "%s:%u:%u: personality", sut_file, rt_ynode_get(m, "personality")->line,
			    rt_ynode_get(m, "personality")->col);
		rc = RT_ECONFIG;
		goto out;
	}
	if (card->eid) {
		if (strlen(card->eid) != RT_EID_DIGITS) {
			rc = rt_sut_err(err, rt_ynode_get(m, "eid"), "'eid' must be %d digits", RT_EID_DIGITS);
			goto out;
		}
		memcpy(cfg->eid, card->eid, RT_EID_DIGITS + 1);
	}
	if (t0_given)
		cfg->t0_get_response = card->t0_get_response ? RT_EUICC_T0_CHUNK_MAX : 0;
	cfg->faults = (cfg->faults | card->faults_set) & ~card->faults_clear;
	cfg->state_path = card->state;
out:
	if (rc) {
		OPENSSL_cleanse(cfg, sizeof(*cfg));
		free(cfg);
		return rc;
	}
	card->euicc = cfg;
	return 0;
}

static int rt_sut_card_load(const struct rt_ynode *m, const char *sut_file, struct rt_sut_card *card,
			    struct rt_err *err)
{
	int t = RT_SUT_CARD_LOOP, r = RT_SUT_RESET_WARM, rc, t0 = -1;
	const struct rt_ynode *v;
	char *name = NULL;

	card->reader_index = -1;
	card->wait_card_ms = 5000;
	if (m->kind != RT_Y_MAP)
		return rt_sut_err(err, m, "'%s' must be a mapping", "card");
	if ((rc = rt_sut_check_keys(m, rt_sut_card_keys, "card", err)) ||
	    (rc = rt_sut_enum_get(m, "transport", rt_sut_transports, &t, err)) ||
	    (rc = rt_sut_enum_get(m, "reset", rt_sut_resets, &r, err)) ||
	    (rc = rt_sut_string(m, "reader", 0, &card->reader, err)) ||
	    (rc = rt_sut_string(m, "eid", 0, &card->eid, err)) ||
	    (rc = rt_sut_int(m, "reader_index", -1, 64, &card->reader_index, err)) ||
	    (rc = rt_sut_int(m, "wait_card_ms", 0, 600000, &card->wait_card_ms, err)) ||
	    (rc = rt_sut_bool(m, "t0_get_response", &t0, err)) ||
	    (rc = rt_sut_string(m, "personality", 0, &name, err)) ||
	    (rc = rt_sut_string(m, "state", 0, &card->state, err)) ||
	    (rc = rt_sut_bool(m, "state_in_run_dir", &card->state_in_run_dir, err)))
		goto out;
	if (card->state_in_run_dir && (!card->state || strchr(card->state, '/') ||
				       card->state[0] == '.')) {
		rc = rt_sut_err(err, rt_ynode_get(m, "state_in_run_dir"),
				"'state_in_run_dir' needs 'state' to be a file name (no '/', not "
				"starting with '.')");
		goto out;
	}
	card->transport = (enum rt_sut_transport)t;
	card->reset = (enum rt_sut_reset)r;
	card->t0_get_response = t0 > 0;
	if (name) {
		/* Relative to the SUT description's folder (sut/reference.yaml names
		 * personalities/reference.yaml). */
		char path[4096];

		if ((rc = rt_personality_path(sut_file, name, path, sizeof(path), err)))
			goto out;
		card->personality = strdup(path);
		if (!card->personality) {
			rc = RT_ENOMEM;
			goto out;
		}
	}
	v = rt_ynode_get(m, "faults");
	if (v && (rc = rt_personality_faults(v, &card->faults_set, &card->faults_clear, err)))
		goto out;
	if (card->transport == RT_SUT_CARD_PCSC) {
		/* The card behind a reader runs elsewhere: its state file and faults are given
		 * to that card (rsptest card serve --state/--fault), not here. A personality
		 * is still checked: it documents (and scripts pass on) what the card is. */
		if ((v = rt_ynode_get(m, "state")) || (v = rt_ynode_get(m, "state_in_run_dir")) ||
		    (v = rt_ynode_get(m, "faults"))) {
			rc = rt_sut_err(err, v, "'state' and 'faults' apply to transport loop only "
					"(give them to rsptest card serve)");
			goto out;
		}
		if (card->personality) {
			struct rt_euicc_config cfg;

			rt_euicc_config_default(&cfg);
			if (rt_personality_load(card->personality, &cfg, err)) {
				v = rt_ynode_get(m, "personality");
				rt_err_wrap(err, "%s:%u:%u: personality", sut_file, v->line, v->col);
				rc = RT_ECONFIG;
			}
			OPENSSL_cleanse(&cfg, sizeof(cfg));
		}
		goto out;
	}
	rc = rt_sut_card_euicc(m, sut_file, card, t0 >= 0, err);
out:
	free(name);
	return rc;
}

static int rt_sut_is_path(const char *spec)
{
	size_t n = strlen(spec);

	return strchr(spec, '/') || (n > 5 && strcmp(spec + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(spec + n - 4, ".yml") == 0);
}

int rt_sut_load(const char *spec, const char *datadir, struct rt_sut *sut, struct rt_err *err)
{
	char path[4096];
	const struct rt_ynode *m, *v;
	size_t i;
	int rc;

	memset(sut, 0, sizeof(*sut));
	if (rt_sut_is_path(spec))
		snprintf(path, sizeof(path), "%s", spec);
	else
		snprintf(path, sizeof(path), "%s/sut/%s.yaml", datadir, spec);
	rc = rt_ydoc_load_file(path, &sut->doc, err);
	if (rc) {
		if (!rt_sut_is_path(spec))
			rt_err_wrap(err, "built-in SUT '%s'", spec);
		return RT_ECONFIG;
	}
	m = sut->root = sut->doc.root;
	if (!m || m->kind != RT_Y_MAP) {
		rc = rt_err_set(err, RT_ECONFIG, "%s: a SUT description must be a mapping", path);
		goto out;
	}
	sut->file = strdup(path);
	if (!sut->file) {
		rc = RT_ENOMEM;
		goto out;
	}
	if ((rc = rt_sut_check_keys(m, rt_sut_keys, "the SUT description", err)) ||
	    (rc = rt_sut_string(m, "name", 1, &sut->name, err)) ||
	    (rc = rt_sut_string(m, "role", 1, &sut->role, err)))
		goto out;
	for (i = 0; rt_case_roles[i] && strcmp(rt_case_roles[i], sut->role); i++)
		;
	if (!rt_case_roles[i]) {
		rc = rt_sut_err(err, rt_ynode_get(m, "role"),
				"'role' must be one of: euicc, smsr, smdp, operator, m2msp, eum, "
				"device (got '%s')",
				sut->role);
		goto out;
	}
	v = rt_ynode_get(m, "features");
	if (v) {
		if (v->kind != RT_Y_SEQ) {
			rc = rt_sut_err(err, v, "'%s' must be a list of strings", "features");
			goto out;
		}
		for (i = 0; i < v->n; i++) {
			char **nv;

			if (!v->items[i] || v->items[i]->kind != RT_Y_SCALAR) {
				rc = rt_sut_err(err, v, "'%s' items must be strings", "features");
				goto out;
			}
			nv = realloc(sut->features.v, (sut->features.n + 1) * sizeof(*nv));
			if (!nv) {
				rc = RT_ENOMEM;
				goto out;
			}
			sut->features.v = nv;
			nv[sut->features.n] = strdup(v->items[i]->str);
			if (!nv[sut->features.n]) {
				rc = RT_ENOMEM;
				goto out;
			}
			sut->features.n++;
		}
	}
	v = rt_ynode_get(m, "vars");
	if (v && v->kind != RT_Y_MAP) {
		rc = rt_sut_err(err, v, "'%s' must be a mapping of NAME: value", "vars");
		goto out;
	}
	rc = rt_options_validate(rt_ynode_get(m, "options"), err);
	if (rc)
		goto out;
	/* Keys and certificates: one usage error now rather than an ERROR in every case. */
	rc = rt_sut_keys_validate(m, datadir, err);
	if (rc)
		goto out;
	v = rt_ynode_get(m, "card");
	if (v)
		rc = rt_sut_card_load(v, path, &sut->card, err);
out:
	if (rc) {
		if (rc == RT_ENOMEM)
			rt_err_set(err, RT_ENOMEM, "%s: out of memory", path);
		rt_sut_free(sut);
		return rc == RT_ENOMEM ? rc : RT_ECONFIG;
	}
	return 0;
}

void rt_sut_free(struct rt_sut *sut)
{
	size_t i;

	free(sut->name);
	free(sut->role);
	free(sut->file);
	free(sut->card.reader);
	free(sut->card.eid);
	free(sut->card.personality);
	free(sut->card.state);
	if (sut->card.euicc) {
		OPENSSL_cleanse(sut->card.euicc, sizeof(*sut->card.euicc));
		free(sut->card.euicc);
	}
	for (i = 0; i < sut->features.n; i++)
		free(sut->features.v[i]);
	free(sut->features.v);
	rt_ydoc_free(&sut->doc);
	memset(sut, 0, sizeof(*sut));
}

int rt_sut_has_feature(const struct rt_sut *sut, const char *f)
{
	return rt_strlist_has(&sut->features, f);
}
