/* SPDX-License-Identifier: Apache-2.0 */
/* rt_personality — the reference eUICC's personality file: what the card is as
 * manufactured (EID, ATR, T=0 mode, profile memory, the ISD-R's SCP80 keysets, the
 * SM-SR address, the ECASD key, certificate and PK.CI, notification retries, fault
 * knobs), read from YAML into struct rt_euicc_config. The format is in
 * docs/euicc-personality.md; sut/personalities/reference.yaml is the reference card.
 *
 * Used by the SUT description (`card: personality:`), `rsptest card serve
 * --personality` and rt.card.open_reference{personality=}. Every problem is RT_ECONFIG
 * naming file:line:col. Key material read here is wiped from every temporary copy; the
 * caller wipes the config (OPENSSL_cleanse) when done with it. */
#ifndef RT_PERSONALITY_H
#define RT_PERSONALITY_H

#include <stddef.h>

#include "engine/rt_yaml.h"
#include "roles/euicc/rt_euicc.h"
#include "util/rt_err.h"

/* Reads the personality file at path on top of cfg (which the caller has set, usually
 * with rt_euicc_config_default): keys present in the file replace cfg's values; a
 * `scp80:` list replaces all keysets; `faults:` adds to cfg->faults. File paths inside
 * are relative to the personality file's folder. */
int rt_personality_load(const char *path, struct rt_euicc_config *cfg, struct rt_err *err);

/* The same from an already parsed mapping; base is the file the mapping came from (its
 * folder resolves relative paths). */
int rt_personality_apply(const struct rt_ynode *root, const char *base, struct rt_euicc_config *cfg,
			 struct rt_err *err);

/* The fault bit named name (rt_euicc_fault_names). RT_EINVAL listing the names. */
int rt_personality_fault(const char *name, uint64_t *bit, struct rt_err *err);

/* A YAML list of fault names: each name is added to *set; a name written "-name"
 * is added to *clear instead (to take a fault of a personality away). RT_ECONFIG with
 * file:line:col on an unknown name or a node that is not a list of strings. */
int rt_personality_faults(const struct rt_ynode *seq, uint64_t *set, uint64_t *clear,
			  struct rt_err *err);

/* path resolved against the folder of the file `base` (an absolute path, or a NULL or
 * folder-less base, leaves it as is). RT_EINVAL when out is too small. */
int rt_personality_path(const char *base, const char *path, char *out, size_t outsz,
			struct rt_err *err);

#endif
