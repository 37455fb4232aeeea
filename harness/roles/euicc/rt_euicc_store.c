/* SPDX-License-Identifier: Apache-2.0 */
/* rt_euicc_store — atomic persistence of the card state; see rt_euicc_store.h.
 *
 * Test hook: RT_EUICC_STORE_DELAY_US=N (microseconds, at most 10 s) makes every save
 * pause between writing+fsyncing "<path>.tmp" and renaming it over <path>, so that
 * tests/engine/test_persistence_kill.sh can SIGKILL a card in the middle of a save
 * and check the file is the state before or after. Never set it otherwise. */
#include "roles/euicc/rt_euicc_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "util/rt_buf.h"

#define RT_STORE_PATH_MAX 4096

static int rt_store_write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The test hook above; a malformed value is ignored. */
static void rt_store_test_delay(void)
{
	const char *s = getenv("RT_EUICC_STORE_DELAY_US");
	struct timespec ts;
	unsigned long us;
	char *end;

	if (!s || !*s)
		return;
	errno = 0;
	us = strtoul(s, &end, 10);
	if (errno || *end || us == 0 || us > 10000000UL)
		return;
	ts.tv_sec = (time_t)(us / 1000000UL);
	ts.tv_nsec = (long)(us % 1000000UL) * 1000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* fsyncs the folder holding path so that the rename itself is durable. Filesystems
 * that cannot fsync a folder (EINVAL) are accepted. */
static int rt_store_sync_dir(const char *path, struct rt_err *err)
{
	char dir[RT_STORE_PATH_MAX];
	char *slash;
	int dfd, rc = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0'; /* "/file": the root folder */
	else
		*slash = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return rt_err_set(err, RT_EIO, "%s: opening its folder %s: %s", path, dir,
				  strerror(errno));
	if (fsync(dfd) != 0 && errno != EINVAL)
		rc = rt_err_set(err, RT_EIO, "%s: fsync of folder %s: %s", path, dir, strerror(errno));
	close(dfd);
	return rc;
}

int rt_euicc_store_save(const char *path, const struct rt_euicc_state *st, struct rt_err *err)
{
	char tmp[RT_STORE_PATH_MAX];
	struct rt_buf b;
	int fd = -1, rc, tmp_made = 0;

	rt_buf_init(&b, RT_EUICC_STATE_FILE_MAX);
	if (!path || !*path) {
		rc = rt_err_set(err, RT_EINVAL, "state file: no path");
		goto out;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		rc = rt_err_set(err, RT_EINVAL, "state path too long (%zu bytes)", strlen(path));
		goto out;
	}
	rc = rt_euicc_state_encode(st, &b, err);
	if (rc) {
		rt_err_wrap(err, "saving %s", path);
		goto out;
	}
	/* 0600: the file holds keys. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = rt_err_set(err, RT_EIO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	tmp_made = 1;
	if (rt_store_write_all(fd, b.data, b.len)) {
		rc = rt_err_set(err, RT_EIO, "%s: write: %s", tmp, strerror(errno));
		goto out;
	}
	if (fsync(fd)) {
		rc = rt_err_set(err, RT_EIO, "%s: fsync: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd)) {
		fd = -1;
		rc = rt_err_set(err, RT_EIO, "%s: close: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	rt_store_test_delay();
	/* POSIX rename(2) replaces the target atomically: readers see old or new. */
	if (rename(tmp, path) != 0) {
		rc = rt_err_set(err, RT_EIO, "rename %s -> %s: %s", tmp, path, strerror(errno));
		goto out;
	}
	tmp_made = 0;
	rc = rt_store_sync_dir(path, err);
out:
	if (fd >= 0)
		close(fd);
	if (tmp_made)
		unlink(tmp); /* a failed save leaves the previous file as it was */
	if (b.data)
		OPENSSL_cleanse(b.data, b.len); /* the encoding holds keys */
	rt_buf_free(&b);
	return rc;
}

int rt_euicc_store_load(const char *path, struct rt_euicc_state *st, struct rt_err *err)
{
	struct rt_buf b;
	uint8_t chunk[8192];
	struct rt_euicc_state fresh;
	struct stat sb;
	ssize_t n;
	int fd, rc = 0;

	/* Only <path> is read: a "<path>.tmp" left by a save that was killed is an
	 * unfinished write and is ignored (the next save truncates it). */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return rt_err_set(err, RT_ENOENT, "%s: no such file", path);
		return rt_err_set(err, RT_EIO, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		close(fd);
		return rt_err_set(err, RT_EIO, "%s: not a regular file", path);
	}
	rt_buf_init(&b, RT_EUICC_STATE_FILE_MAX);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = rt_err_set(err, RT_EIO, "%s: read: %s", path, strerror(errno));
			goto out;
		}
		if (rt_buf_append(&b, chunk, (size_t)n)) {
			rc = rt_err_set(err, RT_EPROTO, "%s: larger than a card state can be (%u bytes)",
					path, (unsigned)RT_EUICC_STATE_FILE_MAX);
			goto out;
		}
	}
	/* Decode into a fresh state first: a damaged file never half-replaces st. */
	rc = rt_euicc_state_decode(b.data, b.len, &fresh, err);
	if (rc) {
		rt_err_wrap(err, "%s", path);
		goto out;
	}
	rt_euicc_state_free(st);
	*st = fresh;
out:
	close(fd);
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	rt_buf_free(&b);
	return rc;
}
