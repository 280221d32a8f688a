/*
 * test_smtp.c - the SMTP reply parser (RFC 5321 4.2, malformed input
 * included) and the client against hostile servers run as threads on
 * 127.0.0.1: no STARTTLS, tarpit, silence, endless line, endless lines,
 * garbage, inconsistent multiline codes, refusal, STARTTLS injection,
 * aborted and stalled TLS handshakes.  Each must end with the right
 * error and within the timeout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <openssl/ssl.h>
#include "probe/dane/smtp.h"
#include "probe/util/clock.h"

/* ---- parser ---- */

struct parse_case {
	const char *in;
	int rc;
	int code;
	size_t n_lines;
	unsigned ext;
	const char *text;      /* expected text, or NULL */
	size_t consumed;       /* 0: whole input */
};

static const struct parse_case parse_cases[] = {
	{ "220 mx.example ESMTP\r\n", DP_OK, 220, 1, 0, "mx.example ESMTP", 0 },
	{ "220\r\n", DP_OK, 220, 1, 0, "", 0 },
	{ "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-starttls\r\n250 8BITMIME\r\n",
	  DP_OK, 250, 5, SMTP_EXT_STARTTLS | SMTP_EXT_PIPELINING | SMTP_EXT_SIZE | SMTP_EXT_8BITMIME,
	  "mx.example\nPIPELINING\nSIZE 10240000\nstarttls\n8BITMIME", 0 },
	{ "250-a\n250 b\n", DP_OK, 250, 2, 0, "a\nb", 0 },          /* bare LF tolerated */
	{ "250 ok\r\n220 next\r\n", DP_OK, 250, 1, 0, "ok", 8 },     /* stops after one reply */
	{ "250-STARTTLSX\r\n250-x\r\n250 y\r\n", DP_OK, 250, 3, 0, NULL, 0 },
	{ "250-a\r\n250-b\r\n", DP_ETRUNC, 0, 0, 0, NULL, 0 },       /* continuation pending */
	{ "220 partial", DP_ETRUNC, 0, 0, 0, NULL, 0 },
	{ "", DP_ETRUNC, 0, 0, 0, NULL, 0 },
	{ "250-a\r\n251 b\r\n", DP_EPARSE, 0, 0, 0, NULL, 0 },       /* code changed */
	{ "HELLO there\r\n", DP_EPARSE, 0, 0, 0, NULL, 0 },
	{ "25\r\n", DP_EPARSE, 0, 0, 0, NULL, 0 },
	{ "2500 x\r\n", DP_EPARSE, 0, 0, 0, NULL, 0 },
	{ "250_x\r\n", DP_EPARSE, 0, 0, 0, NULL, 0 },
	{ "650 x\r\n", DP_EPARSE, 0, 0, 0, NULL, 0 },                /* first digit 2-5 */
	{ "160 x\r\n", DP_EPARSE, 0, 0, 0, NULL, 0 },
	{ "270 x\r\n", DP_EPARSE, 0, 0, 0, NULL, 0 },                /* second digit 0-5 */
	{ "\r\n", DP_EPARSE, 0, 0, 0, NULL, 0 },
	{ "\x16\x03\x01\x02\x05hello\n", DP_EPARSE, 0, 0, 0, NULL, 0 }, /* TLS bytes */
};

static void test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		const struct parse_case *c = &parse_cases[i];
		smtp_reply r;
		size_t used = 0;
		char d[300] = "";
		int rc = smtp_reply_parse(c->in, strlen(c->in), &r, &used, d, sizeof d);

		if (rc != c->rc)
			fail_msg("case %zu: rc %d want %d (%s)", i, rc, c->rc, d);
		if (rc != DP_OK) {
			if (rc == DP_EPARSE)
				assert_true(d[0] != '\0');
			continue;
		}
		assert_int_equal(r.code, c->code);
		assert_int_equal(r.n_lines, c->n_lines);
		assert_int_equal(r.ext, c->ext);
		if (c->text != NULL)
			assert_string_equal(r.text, c->text);
		assert_int_equal(used, c->consumed ? c->consumed : strlen(c->in));
	}
}

static void test_parse_limits(void **state)
{
	char *big = malloc(16384);
	smtp_reply r;
	size_t used, i, off = 0;
	char d[300];

	(void)state;
	/* A line longer than the cap, without an end yet: refused now. */
	memset(big, 'A', SMTP_LINE_MAX + 10);
	memcpy(big, "220 ", 4);
	assert_int_equal(smtp_reply_parse(big, SMTP_LINE_MAX + 10, &r, &used, d, sizeof d), DP_ELIMIT);
	/* The same with an end. */
	big[SMTP_LINE_MAX + 10] = '\n';
	assert_int_equal(smtp_reply_parse(big, SMTP_LINE_MAX + 11, &r, &used, d, sizeof d), DP_ELIMIT);
	/* Too many continuation lines. */
	for (i = 0; i < SMTP_LINES_MAX + 1; i++)
		off += (size_t)sprintf(big + off, "250-x\r\n");
	assert_int_equal(smtp_reply_parse(big, off, &r, &used, d, sizeof d), DP_ELIMIT);
	assert_non_null(strstr(d, "lines"));
	/* A long text is truncated, not overflowed. */
	off = 0;
	for (i = 0; i < 40; i++)
		off += (size_t)sprintf(big + off, "250-%0200d\r\n", 0);
	off += (size_t)sprintf(big + off, "250 end\r\n");
	assert_int_equal(smtp_reply_parse(big, off, &r, &used, d, sizeof d), DP_OK);
	assert_int_equal(strlen(r.text), SMTP_TEXT_MAX - 1);
	/* NUL inside a line. */
	assert_int_equal(smtp_reply_parse("220 a\0b\r\n", 9, &r, &used, d, sizeof d), DP_EPARSE);
	free(big);
}

/* ---- hostile servers ---- */

typedef void (*script_fn)(int fd);

struct server {
	int lfd;
	struct sockaddr_in addr;
	pthread_t thread;
	script_fn script;
};

static void say(int fd, const char *s)
{
	(void)send(fd, s, strlen(s), MSG_NOSIGNAL);
}

/* Read until a line ending (or EOF/timeout); enough for our scripts. */
static void hear(int fd)
{
	char c;
	struct timeval tv = { 3, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	while (recv(fd, &c, 1, 0) == 1 && c != '\n')
		;
}

/* Hold the connection until the client goes away. */
static void linger_until_closed(int fd)
{
	char b[256];
	struct timeval tv = { 6, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	while (recv(fd, b, sizeof b, 0) > 0)
		;
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	int fd = accept(s->lfd, NULL, NULL);

	if (fd >= 0) {
		s->script(fd);
		close(fd);
	}
	return NULL;
}

static void server_start(struct server *s, script_fn fn)
{
	socklen_t len = sizeof s->addr;

	memset(&s->addr, 0, sizeof s->addr);
	s->addr.sin_family = AF_INET;
	s->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&s->addr, sizeof s->addr), 0);
	assert_int_equal(listen(s->lfd, 4), 0);
	getsockname(s->lfd, (struct sockaddr *)&s->addr, &len);
	s->script = fn;
	pthread_create(&s->thread, NULL, server_main, s);
}

static void server_stop(struct server *s)
{
	pthread_join(s->thread, NULL);
	close(s->lfd);
}

static const char EHLO_TLS[] = "250-mx.lab\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n";

static void script_good(int fd)
{
	say(fd, "220 mx.lab ESMTP\r\n");
	hear(fd);
	say(fd, EHLO_TLS);
	hear(fd);
	say(fd, "220 2.0.0 Ready to start TLS\r\n");
	linger_until_closed(fd);
}

static void script_no_starttls(int fd)
{
	say(fd, "220 mx.lab ESMTP\r\n");
	hear(fd);
	say(fd, "250-mx.lab\r\n250 PIPELINING\r\n");
	linger_until_closed(fd);
}

static void script_tarpit(int fd)
{
	const char *b = "220 mx.lab ESMTP slowly\r\n";
	size_t i;

	for (i = 0; b[i]; i++) {
		if (send(fd, b + i, 1, MSG_NOSIGNAL) != 1)
			return;
		usleep(150000);
	}
}

static void script_silent(int fd)
{
	linger_until_closed(fd);
}

static void script_endless_line(int fd)
{
	char b[512];
	int i;

	memset(b, 'A', sizeof b);
	say(fd, "220 ");
	for (i = 0; i < 1000; i++)
		if (send(fd, b, sizeof b, MSG_NOSIGNAL) <= 0)
			return;
}

static void script_endless_lines(int fd)
{
	int i;

	say(fd, "220 mx.lab\r\n");
	hear(fd);
	for (i = 0; i < 100000; i++)
		if (send(fd, "250-X\r\n", 7, MSG_NOSIGNAL) <= 0)
			return;
}

static void script_garbage(int fd)
{
	say(fd, "SSH-2.0-OpenSSH_9.2\r\n");
	linger_until_closed(fd);
}

static void script_code_mismatch(int fd)
{
	say(fd, "220 mx.lab\r\n");
	hear(fd);
	say(fd, "250-mx.lab\r\n250-STARTTLS\r\n220 oops\r\n");
	linger_until_closed(fd);
}

static void script_554(int fd)
{
	say(fd, "554 5.7.1 no service for you\r\n");
	linger_until_closed(fd);
}

/* A banner that would retitle the terminal and clear it (issue 17
 * finding 7), over two lines so a raw '\n' could forge an output line. */
static void script_escape_banner(int fd)
{
	say(fd, "554-\x1b]0;pwned\x07\x1b[2J\r\n554 DANE SUCCESS for bank.example\r\n");
	linger_until_closed(fd);
}

static void script_close_after_banner(int fd)
{
	say(fd, "220 mx.lab\r\n");
	hear(fd);
}

static void script_helo_only(int fd)
{
	say(fd, "220 old.lab SMTP\r\n");
	hear(fd);
	say(fd, "502 5.5.2 Command not recognized\r\n");
	hear(fd);
	say(fd, "250 old.lab\r\n");
	linger_until_closed(fd);
}

static void script_starttls_refused(int fd)
{
	say(fd, "220 mx.lab\r\n");
	hear(fd);
	say(fd, EHLO_TLS);
	hear(fd);
	say(fd, "454 4.7.0 TLS not available due to local problem\r\n");
	linger_until_closed(fd);
}

static void script_injection(int fd)
{
	say(fd, "220 mx.lab\r\n");
	hear(fd);
	say(fd, EHLO_TLS);
	hear(fd);
	say(fd, "220 go ahead\r\n250 injected\r\n");
	linger_until_closed(fd);
}

static void script_abort_handshake(int fd)
{
	char b[512];

	say(fd, "220 mx.lab\r\n");
	hear(fd);
	say(fd, EHLO_TLS);
	hear(fd);
	say(fd, "220 go ahead\r\n");
	(void)recv(fd, b, sizeof b, 0);   /* the ClientHello, then hang up */
}

static void script_stall_handshake(int fd)
{
	say(fd, "220 mx.lab\r\n");
	hear(fd);
	say(fd, EHLO_TLS);
	hear(fd);
	say(fd, "220 go ahead\r\n");
	linger_until_closed(fd);
}

static void script_garbage_handshake(int fd)
{
	char b[512];

	say(fd, "220 mx.lab\r\n");
	hear(fd);
	say(fd, EHLO_TLS);
	hear(fd);
	say(fd, "220 go ahead\r\n");
	(void)recv(fd, b, sizeof b, 0);
	say(fd, "HTTP/1.0 400 Bad Request\r\n\r\n");
	linger_until_closed(fd);
}

/* Run connect + greet (+ STARTTLS + handshake when tls) against a
 * script; return the first error and check the time it took. */
static int run_client(script_fn fn, int timeout_ms, int tls, smtp_session *s,
		      int64_t *elapsed)
{
	struct server srv;
	int64_t t0 = dp_mono_ms();
	int rc;

	server_start(&srv, fn);
	smtp_session_init(s);
	rc = smtp_connect(s, (struct sockaddr *)&srv.addr, sizeof srv.addr, timeout_ms);
	if (rc == DP_OK)
		rc = smtp_greet(s, "probe.lab");
	if (rc == DP_OK && tls) {
		rc = s->starttls_offered ? smtp_starttls(s) : DP_ESMTP;
		if (rc == DP_OK) {
			SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
			SSL *ssl = SSL_new(ctx);
			rc = smtp_tls_handshake(s, ssl);
			smtp_close(s);
			SSL_free(ssl);
			SSL_CTX_free(ctx);
		}
	}
	smtp_close(s);
	*elapsed = dp_mono_ms() - t0;
	server_stop(&srv);
	return rc;
}

struct hostile_case {
	const char *name;
	script_fn fn;
	int tls;
	int rc;
	const char *detail_has;   /* NULL: no detail expected */
};

static const struct hostile_case hostile[] = {
	{ "good", script_good, 0, DP_OK, NULL },
	{ "no-starttls", script_no_starttls, 0, DP_OK, NULL },
	{ "tarpit", script_tarpit, 0, DP_ETIMEOUT, "banner" },
	{ "silent", script_silent, 0, DP_ETIMEOUT, "banner" },
	{ "endless-line", script_endless_line, 0, DP_ELIMIT, "longer than" },
	{ "endless-lines", script_endless_lines, 0, DP_ELIMIT, "lines" },
	{ "garbage", script_garbage, 0, DP_EPARSE, "SSH-2.0" },
	{ "code-mismatch", script_code_mismatch, 0, DP_EPARSE, "code changed" },
	{ "554", script_554, 0, DP_ESMTP, "554" },
	{ "close-after-banner", script_close_after_banner, 0, DP_ENET, "closed" },
	{ "helo-only", script_helo_only, 0, DP_OK, NULL },
	{ "starttls-refused", script_starttls_refused, 1, DP_ESMTP,
	  "server offered STARTTLS, then refused it: 454 4.7.0 TLS not available" },
	{ "escape-banner", script_escape_banner, 0, DP_ESMTP,
	  "banner 554 \\x1b]0;pwned\\x07\\x1b[2J\\x0aDANE SUCCESS" },
	{ "starttls-injection", script_injection, 1, DP_EPROTO, "injection" },
	{ "abort-handshake", script_abort_handshake, 1, DP_ETLS, "TLS handshake" },
	{ "stall-handshake", script_stall_handshake, 1, DP_ETIMEOUT, "TLS handshake" },
	{ "garbage-handshake", script_garbage_handshake, 1, DP_ETLS, "TLS handshake" },
};

static void test_hostile_servers(void **state)
{
	size_t i;
	const int timeout = 1200;

	(void)state;
	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		smtp_session s;
		int64_t el;
		int rc = run_client(hostile[i].fn, timeout, hostile[i].tls, &s, &el);

		if (rc != hostile[i].rc)
			fail_msg("%s: rc %s want %s (%s)", hostile[i].name, dp_strerror(rc),
				 dp_strerror(hostile[i].rc), s.detail);
		if (hostile[i].detail_has != NULL && strstr(s.detail, hostile[i].detail_has) == NULL)
			fail_msg("%s: detail \"%s\" lacks \"%s\"", hostile[i].name, s.detail,
				 hostile[i].detail_has);
		/* Reply text reaches messages escaped: no control byte. */
		for (const char *c = s.detail; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				fail_msg("%s: control byte 0x%02x in detail \"%s\"", hostile[i].name,
					 (unsigned char)*c, s.detail);
		if (strcmp(hostile[i].name, "starttls-refused") == 0 && s.starttls_refused != 454)
			fail_msg("starttls-refused: starttls_refused %d, want 454", s.starttls_refused);
		/* Everything ends within the deadline (plus the QUIT grace). */
		if (el > timeout + 800)
			fail_msg("%s: took %lld ms with a %d ms timeout", hostile[i].name,
				 (long long)el, timeout);
	}
}

static void test_session_facts(void **state)
{
	smtp_session s;
	int64_t el;

	(void)state;
	assert_int_equal(run_client(script_good, 2000, 0, &s, &el), DP_OK);
	assert_int_equal(s.starttls_offered, 1);
	assert_int_equal(s.banner.code, 220);
	assert_string_equal(s.banner.text, "mx.lab ESMTP");
	assert_string_equal(s.peer, "127.0.0.1");
	assert_string_equal(s.local, "127.0.0.1");
	assert_int_equal(run_client(script_no_starttls, 2000, 0, &s, &el), DP_OK);
	assert_int_equal(s.starttls_offered, 0);
	assert_int_equal(run_client(script_helo_only, 2000, 0, &s, &el), DP_OK);
	assert_int_equal(s.starttls_offered, 0);
}

/* --helo with CR/LF sent a second SMTP command before (issue 17
 * finding 7): the name is refused before anything is written. */
static void test_helo_injection_refused(void **state)
{
	struct server srv;
	smtp_session s;

	(void)state;
	server_start(&srv, script_good);
	smtp_session_init(&s);
	assert_int_equal(smtp_connect(&s, (struct sockaddr *)&srv.addr, sizeof srv.addr, 2000), DP_OK);
	assert_int_equal(smtp_greet(&s, "probe.lab\r\nMAIL FROM:<x@example>"), DP_EINVAL);
	assert_non_null(strstr(s.detail, "HELO name \"probe.lab\\x0d\\x0aMAIL FROM:<x@example>\" is not"));
	smtp_close(&s);
	server_stop(&srv);
}

static void test_connect_refused(void **state)
{
	struct sockaddr_in a;
	smtp_session s;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t len = sizeof a;

	(void)state;
	/* A port that was just free: bind, learn it, close. */
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&a, sizeof a);
	getsockname(fd, (struct sockaddr *)&a, &len);
	close(fd);
	smtp_session_init(&s);
	assert_int_equal(smtp_connect(&s, (struct sockaddr *)&a, sizeof a, 1000), DP_ENET);
	assert_non_null(strstr(s.detail, "refused"));
	smtp_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_hostile_servers),
		cmocka_unit_test(test_session_facts),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_helo_injection_refused),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
