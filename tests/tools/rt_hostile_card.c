/* SPDX-License-Identifier: Apache-2.0 */
/* rt_hostile_card — a vpcd card side that misbehaves on purpose, for the engine tests.
 *
 *   rt_hostile_card [--port P] [--after N] MODE
 *
 * Connects to a pcscd's vpcd driver (127.0.0.1:P, default 35963; retries for 10 s),
 * answers the ATR request (control 04) with a plain eUICC ATR, and answers the first N
 * C-APDUs (--after, default 0) with 9000. From then on it behaves as MODE says:
 *   ok         every C-APDU: 9000 (a well-behaved, if dull, card)
 *   stall      reads the C-APDU and never answers
 *   zero       answers with a frame of 0 bytes (vpcd then waits in recv for good)
 *   one        answers 1 byte (no status word)
 *   huge       answers 65000 bytes (64998 of data, then 9000)
 *   close-mid  announces 100 bytes, sends 10, closes the connection
 *   loop-61xx  answers 16 bytes + 6110 to everything, GET RESPONSE included
 *   loop-6cxx  answers 6C10 to everything, the repeated command included
 *   bad-atr    the ATR is 40 bytes of garbage (more than ISO 7816-3 allows); APDUs 9000
 *   stall-atr  stops answering the ATR request (vpcd's presence poll) after N APDUs
 *   garbage    answers DEADBEEF (an invalid status word BEEF)
 * The vpcd protocol (design.md 5): every message is a 2-byte big-endian length, then the
 * payload; a 1-byte payload is a control (0 off, 1 on, 2 reset, 4 get ATR: answered),
 * anything longer a C-APDU. Frames are written in one send with TCP_NODELAY (the 44 ms
 * trap, design.md 5). Ends on SIGTERM/SIGINT or when vpcd closes the connection; exit
 * status 0, or 2 on a usage error, 1 when vpcd could not be reached. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RT_HC_FRAME_MAX 65535u
#define RT_HC_HUGE 65000u

enum rt_hc_mode {
	RT_HC_OK,
	RT_HC_STALL,
	RT_HC_ZERO,
	RT_HC_ONE,
	RT_HC_HUGE_MODE,
	RT_HC_CLOSE_MID,
	RT_HC_LOOP_61,
	RT_HC_LOOP_6C,
	RT_HC_BAD_ATR,
	RT_HC_STALL_ATR,
	RT_HC_GARBAGE,
};

static const struct {
	const char *name;
	enum rt_hc_mode mode;
} rt_hc_modes[] = {
	{ "ok", RT_HC_OK },
	{ "stall", RT_HC_STALL },
	{ "zero", RT_HC_ZERO },
	{ "one", RT_HC_ONE },
	{ "huge", RT_HC_HUGE_MODE },
	{ "close-mid", RT_HC_CLOSE_MID },
	{ "loop-61xx", RT_HC_LOOP_61 },
	{ "loop-6cxx", RT_HC_LOOP_6C },
	{ "bad-atr", RT_HC_BAD_ATR },
	{ "stall-atr", RT_HC_STALL_ATR },
	{ "garbage", RT_HC_GARBAGE },
};

/* The reference eUICC's ATR (T=0 and T=1 offered). */
static const uint8_t rt_hc_atr[] = { 0x3B, 0x97, 0x96, 0x80, 0xB1, 0xFE, 0x45, 0x3F, 0xC7,
				     0x82, 0x80, 0x31, 0x80, 0x73, 0x80, 0x21, 0x00, 0x12 };

static volatile sig_atomic_t rt_hc_stop;

static void rt_hc_on_signal(int sig)
{
	rt_hc_stop = sig;
}

/* Reads exactly n bytes; -1 when vpcd closed, failed or we were stopped. QUICKACK
 * before each read: else vpcd's two-part frames stall 44 ms each (design.md 5), and
 * the loop modes would meet the case deadline before the harness's round limit. */
static int rt_hc_read(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;
	int one = 1;

	while (got < n) {
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
		ssize_t r = recv(fd, buf + got, n - got, 0);

		if (r == 0)
			return -1;
		if (r < 0) {
			if (errno == EINTR && !rt_hc_stop)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/* Sends a frame: the 2-byte length len (which may lie: close-mid) then n bytes. */
static int rt_hc_send(int fd, uint8_t *frame, unsigned len, size_t n)
{
	size_t off = 0;

	frame[0] = (uint8_t)(len >> 8);
	frame[1] = (uint8_t)len;
	while (off < n + 2) {
		ssize_t w = send(fd, frame + off, n + 2 - off, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR && !rt_hc_stop)
				continue;
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

static int rt_hc_connect(unsigned port)
{
	struct sockaddr_in sa;
	struct timespec pause = { 0, 50 * 1000000L };
	int i, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 200 && !rt_hc_stop; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			return fd;
		}
		close(fd);
		nanosleep(&pause, NULL);
	}
	return -1;
}

/* Waits for a signal or for vpcd to hang up, answering nothing. Says so on stderr
 * first, so that a test can wait for the stall instead of sleeping. */
static void rt_hc_hang(int fd)
{
	uint8_t sink[512];

	fprintf(stderr, "rt_hostile_card: stalling\n");
	while (!rt_hc_stop && recv(fd, sink, sizeof(sink), 0) > 0)
		;
}

static int rt_hc_serve(int fd, enum rt_hc_mode mode, unsigned long after)
{
	static uint8_t rx[RT_HC_FRAME_MAX], tx[2 + RT_HC_FRAME_MAX];
	unsigned long apdus = 0;
	uint8_t hdr[2];

	while (!rt_hc_stop) {
		size_t len;
		int bad;

		if (rt_hc_read(fd, hdr, 2))
			return 0;
		len = (size_t)hdr[0] << 8 | hdr[1];
		if (len && rt_hc_read(fd, rx, len))
			return 0;
		if (len == 1) {
			if (rx[0] != 4)
				continue; /* power off/on, reset: no answer */
			if (mode == RT_HC_STALL_ATR && apdus >= after) {
				rt_hc_hang(fd);
				return 0;
			}
			if (mode == RT_HC_BAD_ATR) {
				memset(tx + 2, 0xA5, 40);
				if (rt_hc_send(fd, tx, 40, 40))
					return 0;
				continue;
			}
			memcpy(tx + 2, rt_hc_atr, sizeof(rt_hc_atr));
			if (rt_hc_send(fd, tx, sizeof(rt_hc_atr), sizeof(rt_hc_atr)))
				return 0;
			continue;
		}
		if (len == 0)
			continue;
		bad = apdus++ >= after;
		if (!bad || mode == RT_HC_OK || mode == RT_HC_BAD_ATR || mode == RT_HC_STALL_ATR) {
			tx[2] = 0x90;
			tx[3] = 0x00;
			if (rt_hc_send(fd, tx, 2, 2))
				return 0;
			continue;
		}
		switch (mode) {
		case RT_HC_STALL:
			rt_hc_hang(fd);
			return 0;
		case RT_HC_ZERO:
			if (rt_hc_send(fd, tx, 0, 0))
				return 0;
			break;
		case RT_HC_ONE:
			tx[2] = 0x90;
			if (rt_hc_send(fd, tx, 1, 1))
				return 0;
			break;
		case RT_HC_HUGE_MODE:
			memset(tx + 2, 0x5A, RT_HC_HUGE - 2);
			tx[2 + RT_HC_HUGE - 2] = 0x90;
			tx[2 + RT_HC_HUGE - 1] = 0x00;
			if (rt_hc_send(fd, tx, RT_HC_HUGE, RT_HC_HUGE))
				return 0;
			break;
		case RT_HC_CLOSE_MID:
			memset(tx + 2, 0x00, 10);
			rt_hc_send(fd, tx, 100, 10);
			return 0;
		case RT_HC_LOOP_61:
			memset(tx + 2, 0x11, 16);
			tx[18] = 0x61;
			tx[19] = 0x10;
			if (rt_hc_send(fd, tx, 18, 18))
				return 0;
			break;
		case RT_HC_LOOP_6C:
			tx[2] = 0x6C;
			tx[3] = 0x10;
			if (rt_hc_send(fd, tx, 2, 2))
				return 0;
			break;
		case RT_HC_GARBAGE:
			tx[2] = 0xDE;
			tx[3] = 0xAD;
			tx[4] = 0xBE;
			tx[5] = 0xEF;
			if (rt_hc_send(fd, tx, 4, 4))
				return 0;
			break;
		default:
			break;
		}
	}
	return 0;
}

static void rt_hc_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: rt_hostile_card [--port P] [--after N] MODE\nmodes:");
	for (i = 0; i < sizeof(rt_hc_modes) / sizeof(rt_hc_modes[0]); i++)
		fprintf(f, " %s", rt_hc_modes[i].name);
	fputc('\n', f);
}

int main(int argc, char **argv)
{
	unsigned long port = 35963, after = 0;
	const char *mode_name = NULL;
	struct sigaction sa;
	size_t i;
	int a, fd, found = 0;
	enum rt_hc_mode mode = RT_HC_OK;

	for (a = 1; a < argc; a++) {
		char *end;

		if ((strcmp(argv[a], "--port") == 0 || strcmp(argv[a], "--after") == 0) &&
		    a + 1 < argc) {
			unsigned long v = strtoul(argv[a + 1], &end, 10);

			if (*end || end == argv[a + 1]) {
				rt_hc_usage(stderr);
				return 2;
			}
			if (argv[a][2] == 'p')
				port = v;
			else
				after = v;
			a++;
		} else if (!mode_name && argv[a][0] != '-') {
			mode_name = argv[a];
		} else {
			rt_hc_usage(stderr);
			return 2;
		}
	}
	for (i = 0; mode_name && i < sizeof(rt_hc_modes) / sizeof(rt_hc_modes[0]); i++)
		if (strcmp(mode_name, rt_hc_modes[i].name) == 0) {
			mode = rt_hc_modes[i].mode;
			found = 1;
		}
	if (!found || port == 0 || port > 65535) {
		rt_hc_usage(stderr);
		return 2;
	}
	/* No SA_RESTART: a signal ends a blocked recv at once. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rt_hc_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fd = rt_hc_connect((unsigned)port);
	if (fd < 0) {
		fprintf(stderr, "rt_hostile_card: vpcd on 127.0.0.1:%lu not reachable\n", port);
		return 1;
	}
	fprintf(stderr, "rt_hostile_card: connected, mode %s after %lu\n", mode_name, after);
	rt_hc_serve(fd, mode, after);
	close(fd);
	return 0;
}
