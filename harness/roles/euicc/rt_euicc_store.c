/* rt_euicc_store — atomic persistence of the card state; see rt_euicc_store.h. */
#include "roles/euicc/rt_euicc_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/rt_buf.h"

static int rt_store_write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int rt_euicc_store_save(const char *path, const struct rt_euicc_state *st, struct rt_err *err)
{
	char tmp[4200], dir[4200];
	struct rt_buf b;
	char *slash;
	int fd = -1, dfd, rc;

	rt_buf_init(&b, RT_EUICC_STATE_MAX);
	rc = rt_euicc_state_encode(st, &b, err);
	if (rc)
		goto out;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		rc = rt_err_set(err, RT_EINVAL, "state path too long");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || rt_store_write_all(fd, b.data, b.len) || fsync(fd)) {
		rc = rt_err_set(err, RT_EIO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	/* POSIX rename(2) replaces the target atomically: readers see old or new. */
	if (rename(tmp, path) != 0) {
		rc = rt_err_set(err, RT_EIO, "rename %s -> %s: %s", tmp, path, strerror(errno));
		goto out;
	}
	/* Make the rename itself durable. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	if (b.data)
		memset(b.data, 0, b.len); /* the encoding holds keys */
	rt_buf_free(&b);
	return rc;
}

int rt_euicc_store_load(const char *path, struct rt_euicc_state *st, struct rt_err *err)
{
	struct rt_buf b;
	uint8_t chunk[8192];
	struct rt_euicc_state fresh;
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return RT_ENOENT;
		return rt_err_set(err, RT_EIO, "%s: %s", path, strerror(errno));
	}
	rt_buf_init(&b, RT_EUICC_STATE_MAX);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = rt_err_set(err, RT_EIO, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (rt_buf_append(&b, chunk, (size_t)n)) {
			rc = rt_err_set(err, RT_EPROTO, "%s: larger than a card state can be", path);
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
	if (b.data)
		memset(b.data, 0, b.len);
	rt_buf_free(&b);
	return rc;
}
