/* SPDX-License-Identifier: Apache-2.0 */
/* test_card_limits — the limits on a card that misbehaves, without pcscd:
 *   - rt_card (transport/rt_card.c): a bound whose signal flag is set or whose deadline
 *     passed stops a call before the card sees it; an invalid status word (SW1 not
 *     6x/9x) is RT_EPROTO naming it; endless 61xx ends after RT_CARD_GET_RESPONSE_MAX
 *     GET RESPONSE rounds; endless 6Cxx after one repeat.
 *   - rt_vpcd (transport/rt_vpcd.c, the card side of `rsptest card serve`): a card
 *     that answers nothing (0 bytes) is answered 6F00 for it, never with an empty
 *     frame (that would hang vpcd in recv(MSG_WAITALL)). A fake vpcd on 127.0.0.1
 *     plays pcscd's side.
 * Pcscd-level stalls are engine.hostile_card's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport/rt_card.h"
#include "transport/rt_card_loop.h"
#include "transport/rt_vpcd.h"
#include "util/rt_time.h"

/* --- a scripted card: always the same answer ----------------------------------------- */

struct script {
	uint8_t answer[32];
	size_t alen;
	unsigned calls;
};

static int script_reset(void *card, uint8_t *atr, size_t *atr_len)
{
	(void)card;
	atr[0] = 0x3B;
	atr[1] = 0x00;
	*atr_len = 2;
	return 0;
}

static void script_off(void *card)
{
	(void)card;
}

static int script_process(void *card, const uint8_t *capdu, size_t clen, uint8_t *rapdu,
			  size_t *rlen)
{
	struct script *s = card;

	(void)capdu;
	(void)clen;
	s->calls++;
	memcpy(rapdu, s->answer, s->alen);
	*rlen = s->alen;
	return 0;
}

static const struct rt_icc_ops script_ops = { script_reset, script_off, script_process };
static const uint8_t select_cmd[] = { 0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00, 0x00 };

static struct rt_card *script_open(struct script *s, struct rt_icc *icc, const char *answer_hex)
{
	struct rt_card *card = NULL;
	struct rt_err err = { 0 };
	size_t i;

	s->alen = strlen(answer_hex) / 2;
	for (i = 0; i < s->alen; i++) {
		unsigned v;

		sscanf(answer_hex + 2 * i, "%2x", &v);
		s->answer[i] = (uint8_t)v;
	}
	icc->ops = &script_ops;
	icc->card = s;
	assert_int_equal(rt_card_loop_open(icc, &card, &err), 0);
	return card;
}

static int exchange(struct rt_card *card, struct rt_err *err)
{
	static uint8_t r[RT_RAPDU_MAX];
	size_t rlen = sizeof(r);

	return rt_card_exchange(card, select_cmd, sizeof(select_cmd), r, &rlen, err);
}

static void test_invalid_sw(void **state)
{
	struct script s = { { 0 }, 0, 0 };
	struct rt_icc icc;
	struct rt_card *card = script_open(&s, &icc, "DEADBEEF");
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(exchange(card, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "invalid status word BEEF"));
	rt_card_close(card);
	/* 60 is T=0's NULL procedure byte, never a status */
	card = script_open(&s, &icc, "6000");
	assert_int_equal(exchange(card, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "invalid status word 6000"));
	rt_card_close(card);
	card = script_open(&s, &icc, "6A82");
	assert_int_equal(exchange(card, &err), 0);
	rt_card_close(card);
}

static void test_endless_61xx_6cxx(void **state)
{
	struct script s = { { 0 }, 0, 0 };
	struct rt_icc icc;
	struct rt_card *card = script_open(&s, &icc, "11223344556110");
	struct rt_err err = { 0 };

	(void)state;
	assert_int_equal(exchange(card, &err), RT_EPROTO);
	assert_non_null(strstr(err.msg, "still 61xx"));
	assert_int_equal(s.calls, 1 + RT_CARD_GET_RESPONSE_MAX);
	rt_card_close(card);
	s.calls = 0;
	card = script_open(&s, &icc, "6C10");
	assert_int_equal(exchange(card, &err), 0); /* 6C10 handed back after one repeat */
	assert_int_equal(s.calls, 2);
	rt_card_close(card);
}

static void test_bound(void **state)
{
	struct script s = { { 0 }, 0, 0 };
	struct rt_icc icc;
	struct rt_card *card = script_open(&s, &icc, "9000");
	volatile sig_atomic_t flag = 0;
	struct rt_card_bound b = { rt_time_s() + 60.0, &flag };
	struct rt_err err = { 0 };

	(void)state;
	card->bound = &b;
	assert_int_equal(exchange(card, &err), 0);
	flag = SIGINT;
	assert_int_equal(exchange(card, &err), RT_EINTR);
	assert_non_null(strstr(err.msg, "interrupted by signal 2"));
	assert_int_equal(rt_card_reset(card, 1, &err), RT_EINTR);
	flag = 0;
	b.deadline = rt_time_s() - 1.0;
	assert_int_equal(exchange(card, &err), RT_ETIMEDOUT);
	assert_int_equal(s.calls, 1); /* the card saw only the first */
	card->bound = NULL;
	rt_card_close(card);
}

/* --- rt_vpcd against a fake vpcd --------------------------------------------------- */

struct serve_arg {
	uint16_t port;
	struct rt_icc icc;
	volatile sig_atomic_t stop;
	int rc;
};

static void *serve_thread(void *p)
{
	struct serve_arg *a = p;
	struct rt_vpcd_opts o;
	struct rt_err err = { 0 };

	memset(&o, 0, sizeof(o));
	o.host = "127.0.0.1";
	o.port = a->port;
	o.stop = &a->stop;
	o.once = 1;
	a->rc = rt_vpcd_serve(&o, &a->icc, NULL, &err);
	return NULL;
}

static void read_all(int fd, uint8_t *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(fd, b + got, n - got, 0);

		assert_true(r > 0);
		got += (size_t)r;
	}
}

static void test_vpcd_never_empty(void **state)
{
	struct script s = { { 0 }, 0, 0 };
	struct serve_arg a;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct timeval tv = { 10, 0 };
	pthread_t thr;
	uint8_t frame[16], hdr[2];
	int ls, fd, one = 1;

	(void)state;
	memset(&a, 0, sizeof(a));
	s.alen = 0; /* answers nothing */
	a.icc.ops = &script_ops;
	a.icc.card = &s;
	ls = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(ls >= 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	assert_int_equal(getsockname(ls, (struct sockaddr *)&sa, &sl), 0);
	a.port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&thr, NULL, serve_thread, &a), 0);
	fd = accept(ls, NULL, NULL);
	assert_true(fd >= 0);
	/* a broken card side must fail this test, not hang it */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* power on, then one C-APDU */
	frame[0] = 0;
	frame[1] = 1;
	frame[2] = 1;
	assert_int_equal(send(fd, frame, 3, 0), 3);
	frame[0] = 0;
	frame[1] = sizeof(select_cmd);
	memcpy(frame + 2, select_cmd, sizeof(select_cmd));
	assert_int_equal(send(fd, frame, 2 + sizeof(select_cmd), 0), (ssize_t)(2 + sizeof(select_cmd)));
	read_all(fd, hdr, 2);
	assert_int_equal(hdr[0] << 8 | hdr[1], 2);
	read_all(fd, frame, 2);
	assert_int_equal(frame[0], 0x6F);
	assert_int_equal(frame[1], 0x00);
	close(fd); /* vpcd goes: serve ends (once) */
	pthread_join(thr, NULL);
	close(ls);
	assert_int_equal(a.rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_sw),
		cmocka_unit_test(test_endless_61xx_6cxx),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_vpcd_never_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
