/* SPDX-License-Identifier: Apache-2.0 */
/* rt_fs — small file-system helpers for report writers. */
#ifndef RT_FS_H
#define RT_FS_H

/* Creates folder path and its missing parents (mkdir -p). 0 or -1 (errno set). */
int rt_fs_mkdirs(const char *path);

/* Creates the missing parent folders of file path. 0 or -1 (errno set). */
int rt_fs_mkparents(const char *path);

#endif
