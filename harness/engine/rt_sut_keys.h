/* SPDX-License-Identifier: Apache-2.0 */
/* rt_sut_keys — validation of a SUT description's credentials when it is loaded:
 * `scp80: keysets:` (TS 102 225) and `keys:` (ECASD curve, certificates, SM-DP keys).
 *
 * A wrong value here would otherwise surface as one run-time ERROR per case (52 of them
 * for a template placeholder such as "7F21..."); checking it at load time makes it one
 * usage error, exit 2, naming file:line:col. */
#ifndef RT_SUT_KEYS_H
#define RT_SUT_KEYS_H

#include "engine/rt_yaml.h"
#include "util/rt_err.h"

/* Checks the `scp80` and `keys` sections of the SUT root mapping m. Test-PKI names are
 * looked up in <datadir>/lua/testpki.lua, the table the case sandbox resolves them with.
 * RT_ECONFIG with "file:line:col: ..." on the first problem. */
int rt_sut_keys_validate(const struct rt_ynode *m, const char *datadir, struct rt_err *err);

#endif
