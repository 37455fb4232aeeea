/* SPDX-License-Identifier: Apache-2.0 */
/* rt_vpcd — the card side of vsmartcard's vpcd protocol.
 *
 * Owns the TCP connection to vpcd (the pcscd driver), the framing (2-byte big-endian
 * length, then the payload), the controls (1-byte payloads: 0 power off, 1 power on,
 * 2 reset, 4 ATR) and reconnecting. The card logic is a struct rt_icc and knows none of
 * this.
 *
 * Latency rules measured on pcscd + vpcd 3.3 (design.md 5): vpcd writes a frame's
 * length and body in two writes and leaves Nagle on, so a naive card side stalls ~44 ms
 * per APDU on delayed ACKs. Hence TCP_NODELAY, every frame (length + body) in a single
 * send, and TCP_QUICKACK before each read and again after the 2-byte length. */
#include "transport/rt_vpcd.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "transport/rt_card.h"
#include "util/rt_log.h"

/* The length field is 16 bits, so no frame is larger than this. */
#define RT_VPCD_FRAME_MAX 65535u
/* How often a blocked read looks at the stop flag when no signal interrupts it. */
#define RT_VPCD_POLL_MS 500
/* A send that vpcd does not take within this long means pcscd no longer reads: drop
 * the connection (a removal) rather than block the card side for good. */
#define RT_VPCD_SEND_TIMEOUT_MS 5000

/* vpcd control codes (vsmartcard vpcd.h; a 1-byte payload). */
enum rt_vpcd_ctrl {
	RT_VPCD_CTRL_OFF = 0,
	RT_VPCD_CTRL_ON = 1,
	RT_VPCD_CTRL_RESET = 2,
	RT_VPCD_CTRL_ATR = 4,
};

int rt_vpcd_parse_addr(const char *s, char *host, size_t hostsz, uint16_t *port,
		       struct rt_err *err)
{
	const char *colon = strrchr(s, ':');
	size_t hlen = colon ? (size_t)(colon - s) : strlen(s);
	unsigned long v;
	char *end;

	if (hlen >= hostsz)
		return rt_err_set(err, RT_EINVAL, "vpcd address \"%s\": host too long", s);
	if (hlen == 0) {
		snprintf(host, hostsz, "%s", RT_VPCD_HOST_DEFAULT);
	} else {
		memcpy(host, s, hlen);
		host[hlen] = '\0';
	}
	*port = RT_VPCD_PORT_DEFAULT;
	if (!colon)
		return 0;
	errno = 0;
	v = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || v == 0 || v > 65535)
		return rt_err_set(err, RT_EINVAL, "vpcd address \"%s\": bad port", s);
	*port = (uint16_t)v;
	return 0;
}

static void rt_vpcd_quickack(int fd)
{
	int one = 1;

	/* Linux clears QUICKACK after some ACKs, so it is set again before every read. */
	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

/* Connects to host:port. 0 and *fd on success; RT_EIO (retry later) when vpcd is not
 * there; RT_EINVAL when the host cannot exist. */
static int rt_vpcd_connect(const char *host, uint16_t port, int *fd, struct rt_err *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[8];
	int rc, s = -1, one = 1, last = 0;

	*fd = -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc == EAI_NONAME)
		return rt_err_set(err, RT_EINVAL, "vpcd host \"%s\": %s", host, gai_strerror(rc));
	if (rc)
		return rt_err_set(err, RT_EIO, "vpcd host \"%s\": %s", host, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (s < 0) {
			last = errno;
			continue;
		}
		if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		last = errno;
		close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s < 0)
		return rt_err_set(err, RT_EIO, "vpcd %s:%u: %s", host, (unsigned)port,
				  strerror(last));
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	{
		struct timeval tv = { RT_VPCD_SEND_TIMEOUT_MS / 1000,
				      (RT_VPCD_SEND_TIMEOUT_MS % 1000) * 1000 };

		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	*fd = s;
	return 0;
}

/* Reads exactly n bytes. RT_EREMOVED when vpcd hung up, RT_EINTR when stopped. */
static int rt_vpcd_read(int fd, uint8_t *buf, size_t n, volatile sig_atomic_t *stop,
			struct rt_err *err)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t r;
		int pr;

		if (*stop)
			return RT_EINTR;
		pr = poll(&pfd, 1, RT_VPCD_POLL_MS);
		if (pr < 0 && errno != EINTR)
			return rt_err_set(err, RT_EIO, "vpcd: poll: %s", strerror(errno));
		if (pr <= 0)
			continue;
		r = recv(fd, buf + got, n - got, 0);
		if (r == 0)
			return rt_err_set(err, RT_EREMOVED, "vpcd closed the connection");
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return rt_err_set(err, RT_EIO, "vpcd: recv: %s", strerror(errno));
		}
		got += (size_t)r;
	}
	return 0;
}

/* Sends one frame whose payload already sits at frame + 2 (one send in the common
 * case, so vpcd sees length and body in one segment). Never a 0-byte payload: vpcd's
 * driver then waits in recv(MSG_WAITALL) for good, and pcscd with it. Bounded by
 * SO_SNDTIMEO (RT_VPCD_SEND_TIMEOUT_MS). */
static int rt_vpcd_send(int fd, uint8_t *frame, size_t len, struct rt_err *err)
{
	size_t off = 0, total = len + 2;

	if (len == 0)
		return rt_err_set(err, RT_EPROTO, "vpcd: refusing to send an empty frame");
	frame[0] = (uint8_t)(len >> 8);
	frame[1] = (uint8_t)len;
	while (off < total) {
		ssize_t w = send(fd, frame + off, total - off, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return rt_err_set(err, RT_ETIMEDOUT,
						  "vpcd: send not taken within %d ms (pcscd stopped reading)",
						  RT_VPCD_SEND_TIMEOUT_MS);
			return rt_err_set(err, RT_EIO, "vpcd: send: %s", strerror(errno));
		}
		off += (size_t)w;
	}
	return 0;
}

struct rt_vpcd_conn {
	int fd;
	struct rt_icc *icc;
	uint8_t atr[RT_ATR_MAX];
	size_t atr_len;
	uint8_t *rx; /* RT_VPCD_FRAME_MAX */
	uint8_t *tx; /* 2 + RT_VPCD_FRAME_MAX */
	struct rt_vpcd_stats *stats;
};

static int rt_vpcd_power(struct rt_vpcd_conn *c, struct rt_err *err)
{
	size_t len = sizeof(c->atr);
	int rc = c->icc->ops->reset(c->icc->card, c->atr, &len);

	if (rc)
		return rt_err_set(err, rc, "vpcd: the card refused to power on (%s)",
				  rt_err_name(rc));
	c->atr_len = len;
	return 0;
}

static int rt_vpcd_control(struct rt_vpcd_conn *c, uint8_t ctrl, struct rt_err *err)
{
	c->stats->controls++;
	switch (ctrl) {
	case RT_VPCD_CTRL_OFF:
		if (c->icc->ops->power_off)
			c->icc->ops->power_off(c->icc->card);
		return 0;
	case RT_VPCD_CTRL_ON:
	case RT_VPCD_CTRL_RESET:
		return rt_vpcd_power(c, err);
	case RT_VPCD_CTRL_ATR:
		/* Also vpcd's presence poll (~every 400 ms): answer without touching the
		 * card's state. No ATR (a 0-byte frame) would hang vpcd: rt_vpcd_send
		 * refuses, and the connection ends (the card is removed). */
		memcpy(c->tx + 2, c->atr, c->atr_len);
		return rt_vpcd_send(c->fd, c->tx, c->atr_len, err);
	default:
		rt_log(RT_LOG_WARN, "vpcd: unknown control %u ignored", ctrl);
		return 0;
	}
}

static int rt_vpcd_apdu(struct rt_vpcd_conn *c, size_t len, struct rt_err *err)
{
	size_t rlen = RT_VPCD_FRAME_MAX;
	int rc;

	c->stats->apdus++;
	rc = c->icc->ops->process(c->icc->card, c->rx, len, c->tx + 2, &rlen);
	if (!rc && rlen < 2) {
		/* An answer without a status word would be a 0- or 1-byte frame: the first
		 * hangs vpcd (see rt_vpcd_send), neither is an R-APDU. */
		rt_log(RT_LOG_WARN, "vpcd: the card answered %zu bytes; answering 6F00", rlen);
		rc = RT_EPROTO;
	}
	if (rc) {
		/* vpcd waits for an answer whatever happens; '6F00' = no precise diagnosis
		 * (ISO 7816-4 5.6). */
		rt_log(RT_LOG_WARN, "vpcd: card did not process the APDU (%s); answering 6F00",
		       rt_err_name(rc));
		c->tx[2] = 0x6F;
		c->tx[3] = 0x00;
		rlen = 2;
	}
	return rt_vpcd_send(c->fd, c->tx, rlen, err);
}

/* Serves one connection until vpcd hangs up, a frame is malformed or *stop. */
static int rt_vpcd_session(struct rt_vpcd_conn *c, volatile sig_atomic_t *stop, struct rt_err *err)
{
	uint8_t hdr[2];
	size_t len;
	int rc;

	for (;;) {
		rt_vpcd_quickack(c->fd);
		rc = rt_vpcd_read(c->fd, hdr, 2, stop, err);
		if (rc)
			return rc;
		rt_vpcd_quickack(c->fd);
		len = (size_t)hdr[0] << 8 | hdr[1];
		if (len == 0) {
			c->stats->bad_frames++;
			return rt_err_set(err, RT_EPROTO, "vpcd: empty frame");
		}
		rc = rt_vpcd_read(c->fd, c->rx, len, stop, err);
		if (rc)
			return rc;
		rc = len == 1 ? rt_vpcd_control(c, c->rx[0], err) : rt_vpcd_apdu(c, len, err);
		if (rc)
			return rc;
	}
}

/* Sleeps ms, returning early when a signal arrives (the stop flag is checked after). */
static void rt_vpcd_pause(unsigned ms)
{
	poll(NULL, 0, (int)ms);
}

int rt_vpcd_serve(const struct rt_vpcd_opts *opts, struct rt_icc *icc, struct rt_vpcd_stats *stats,
		  struct rt_err *err)
{
	const char *host = opts->host ? opts->host : RT_VPCD_HOST_DEFAULT;
	uint16_t port = opts->port ? opts->port : RT_VPCD_PORT_DEFAULT;
	unsigned bmin = opts->backoff_min_ms ? opts->backoff_min_ms : 50;
	unsigned bmax = opts->backoff_max_ms ? opts->backoff_max_ms : 1000;
	unsigned delay = bmin;
	struct rt_vpcd_stats local = { 0, 0, 0, 0 };
	struct rt_vpcd_conn c;
	int rc = 0, reported = 0;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.icc = icc;
	c.stats = stats ? stats : &local;
	if (!opts->stop || !icc || !icc->ops) {
		rc = rt_err_set(err, RT_EINVAL, "vpcd: serve needs a card and a stop flag");
		goto out;
	}
	c.rx = malloc(RT_VPCD_FRAME_MAX);
	c.tx = malloc(2 + RT_VPCD_FRAME_MAX);
	if (!c.rx || !c.tx) {
		rc = rt_err_set(err, RT_ENOMEM, "vpcd: allocating frame buffers");
		goto out;
	}
	/* Learn the ATR (vpcd asks for it before powering the card), then leave the card
	 * unpowered until vpcd powers it. */
	rc = rt_vpcd_power(&c, err);
	if (rc)
		goto out;
	if (icc->ops->power_off)
		icc->ops->power_off(icc->card);

	while (!*opts->stop) {
		struct rt_err e = { 0, "" };

		rc = rt_vpcd_connect(host, port, &c.fd, &e);
		if (rc == RT_EINVAL) {
			rt_err_set(err, rc, "%s", e.msg);
			goto out;
		}
		if (rc) {
			/* vpcd (pcscd) not there yet or restarting: say so once, then retry. */
			rt_log(reported ? RT_LOG_DEBUG : RT_LOG_WARN, "%s; retrying", e.msg);
			reported = 1;
			rt_vpcd_pause(delay);
			delay = delay * 2 > bmax ? bmax : delay * 2;
			continue;
		}
		c.stats->connects++;
		reported = 0;
		delay = bmin;
		rt_log(RT_LOG_INFO, "vpcd: card inserted (connected to %s:%u)", host, (unsigned)port);
		rc = rt_vpcd_session(&c, opts->stop, &e);
		close(c.fd);
		c.fd = -1;
		/* The connection is the card's contact with the reader: losing it is a
		 * removal, so the card loses power and its volatile state. */
		if (icc->ops->power_off)
			icc->ops->power_off(icc->card);
		if (rc == RT_EINTR)
			break;
		rt_log(rc == RT_EPROTO ? RT_LOG_WARN : RT_LOG_INFO, "%s; card removed", e.msg);
		if (opts->once)
			break;
		rt_vpcd_pause(delay);
	}
	rc = 0;
out:
	if (c.fd >= 0)
		close(c.fd);
	free(c.rx);
	free(c.tx);
	return rc;
}
