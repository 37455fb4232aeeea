/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_store — the card state on disk: one file, replaced atomically.
 *
 * A save writes the whole encoded state (rt_euicc_state_encode) to "<path>.tmp",
 * fsyncs it, renames it over <path> and fsyncs the folder: at every instant the file
 * holds either the previous or the new state, so a card killed with SIGKILL in the
 * middle of an operation restarts consistent (POSIX rename is atomic). */
#ifndef RT_EUICC_STORE_H
#define RT_EUICC_STORE_H

#include "roles/euicc/rt_euicc_state.h"
#include "util/rt_err.h"

/* Loads path into st. RT_ENOENT when the file does not exist (st untouched);
 * RT_EPROTO/RT_ENOTSUP naming the damage for a bad file (st untouched); RT_EIO for
 * open/read errors (permissions, a folder...), naming the path and the cause. A
 * "<path>.tmp" left by an interrupted save is ignored. */
int rt_euicc_store_load(const char *path, struct rt_euicc_state *st, struct rt_err *err);

/* Saves st to path atomically (see above); the file is created 0600 (it holds keys).
 * On failure the previous file is untouched and no .tmp is left. RT_EIO naming the
 * step (open, write, fsync, rename) and the cause; RT_EINVAL for a model that fails
 * rt_euicc_state_check.
 *
 * Test hook: the environment variable RT_EUICC_STORE_DELAY_US=N makes every save sleep
 * N microseconds between writing the .tmp and the rename (tests/engine/
 * test_persistence_kill.sh uses it to land SIGKILLs inside saves). */
int rt_euicc_store_save(const char *path, const struct rt_euicc_state *st, struct rt_err *err);

#endif
