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
 * RT_EPROTO/RT_ENOTSUP naming the damage for a bad file; RT_EIO for read errors. */
int rt_euicc_store_load(const char *path, struct rt_euicc_state *st, struct rt_err *err);

/* Saves st to path atomically (see above). */
int rt_euicc_store_save(const char *path, const struct rt_euicc_state *st, struct rt_err *err);

#endif
