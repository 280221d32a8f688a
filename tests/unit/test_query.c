/*
 * test_query.c - the query engine (probe/query.c) against a tiny DNS
 * server running in a thread of the test, on 127.0.0.1 (and ::1 when the
 * host has it), UDP and TCP on the same port.  Each test picks how the
 * server misbehaves: wrong ID, wrong question, another source port,
 * garbage, TC=1, silence, TC over TCP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <poll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <ldns/ldns.h>

#include "probe/net/query.h"
#include "probe/util/clock.h"

typedef enum mode {
	M_OK,
	M_WRONG_ID_FIRST,       /* an answer with another ID, then the right one */
	M_WRONG_QUESTION_FIRST, /* an answer to another name, then the right one */
	M_OTHER_PORT_ONLY,      /* the answer comes from another source port */
	M_GARBAGE,              /* random bytes */
	M_MALFORMED,            /* right header, broken body */
	M_TC,                   /* UDP: TC=1 and no data; TCP: the answer */
	M_SILENT,               /* never answers */
	M_TC_OVER_TCP,          /* UDP: TC=1; TCP: TC=1 again */
	M_UPPERCASE,            /* repeats the question in upper case */
	M_TCP_SILENT,           /* UDP: TC=1; TCP: accepts but never answers */
	M_ANSWER_AFTER_RETRY,   /* UDP: answers the first send once the retry came */
	M_DELAY                 /* UDP: each answer DELAY_MS after its query, queries
				 * answered concurrently (a resolver far away) */
} mode;

#define DELAY_MS 200
#define HELD_MAX 16

/* Answers of M_DELAY waiting for their time. */
typedef struct held {
	uint8_t *w;
	size_t len;
	struct sockaddr_storage to;
	socklen_t tolen;
	int64_t due;
} held;

typedef struct server {
	int family;
	int udp, tcp, other;
	uint16_t port;
	pthread_t th;
	volatile int stop;
	volatile mode mode;
	/* what the last query asked for */
	volatile int saw_do, saw_cd, saw_rd, saw_edns, udp_queries, tcp_queries;
	volatile uint16_t saw_edns_size;
	held held[HELD_MAX];
	size_t n_held;
} server;

static server srv4, srv6;
static int have_v6;

static uint8_t *make_answer(const ldns_pkt *q, mode m, int tc, int wrong_id,
			    const char *other_name, size_t *len)
{
	ldns_pkt *a = ldns_pkt_new();
	ldns_rr *qrr = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q), 0));
	uint8_t *wire = NULL;

	if (other_name) {
		ldns_rdf_deep_free(ldns_rr_owner(qrr));
		ldns_rr_set_owner(qrr, ldns_dname_new_frm_str(other_name));
	}
	if (m == M_UPPERCASE) {
		uint8_t *d = ldns_rdf_data(ldns_rr_owner(qrr));
		for (size_t i = 0; i < ldns_rdf_size(ldns_rr_owner(qrr)); i++)
			if (d[i] >= 'a' && d[i] <= 'z')
				d[i] = (uint8_t)(d[i] - 32);
	}
	ldns_pkt_set_id(a, (uint16_t)(ldns_pkt_id(q) + (wrong_id ? 1 : 0)));
	ldns_pkt_set_qr(a, 1);
	ldns_pkt_set_rd(a, ldns_pkt_rd(q));
	ldns_pkt_set_ra(a, 1);
	ldns_pkt_set_tc(a, tc);
	ldns_pkt_push_rr(a, LDNS_SECTION_QUESTION, qrr);
	if (!tc) {
		ldns_rr *rr = NULL;
		char text[300], *n = ldns_rdf2str(ldns_rr_owner(qrr));
		snprintf(text, sizeof text, "%s 300 IN A 192.0.2.1", n);
		free(n);
		ldns_rr_new_frm_str(&rr, text, 300, NULL, NULL);
		ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, rr);
	}
	ldns_pkt2wire(&wire, a, len);
	ldns_pkt_free(a);
	return wire;
}

static void note_query(server *s, const ldns_pkt *q)
{
	s->saw_do = ldns_pkt_edns_do(q);
	s->saw_cd = ldns_pkt_cd(q);
	s->saw_rd = ldns_pkt_rd(q);
	s->saw_edns = ldns_pkt_edns(q);
	s->saw_edns_size = ldns_pkt_edns_udp_size(q);
}

static void serve_udp(server *s)
{
	uint8_t buf[4096], *w = NULL;
	struct sockaddr_storage from;
	socklen_t flen = sizeof from;
	ssize_t n = recvfrom(s->udp, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
	ldns_pkt *q = NULL;
	size_t len = 0;
	mode m = s->mode;

	if (n <= 0 || ldns_wire2pkt(&q, buf, (size_t)n) != LDNS_STATUS_OK)
		return;
	s->udp_queries++;
	note_query(s, q);
	switch (m) {
	case M_SILENT:
		break;
	case M_DELAY:
		if (s->n_held < HELD_MAX) {
			held *h = &s->held[s->n_held++];
			h->w = make_answer(q, m, 0, 0, NULL, &h->len);
			h->to = from;
			h->tolen = flen;
			h->due = dp_mono_ms() + DELAY_MS;
		}
		break;
	case M_ANSWER_AFTER_RETRY: {
		/* A slow upstream: the answer to the first send comes just
		 * after the client sent its retry (same ID, same socket). */
		uint8_t b2[4096];
		if (recv(s->udp, b2, sizeof b2, 0) > 0)
			s->udp_queries++;
		w = make_answer(q, m, 0, 0, NULL, &len);
		break;
	}
	case M_WRONG_ID_FIRST:
		w = make_answer(q, m, 0, 1, NULL, &len);
		sendto(s->udp, w, len, 0, (struct sockaddr *)&from, flen);
		free(w);
		w = make_answer(q, m, 0, 0, NULL, &len);
		break;
	case M_WRONG_QUESTION_FIRST:
		w = make_answer(q, m, 0, 0, "other.example.", &len);
		sendto(s->udp, w, len, 0, (struct sockaddr *)&from, flen);
		free(w);
		w = make_answer(q, m, 0, 0, NULL, &len);
		break;
	case M_OTHER_PORT_ONLY:
		w = make_answer(q, m, 0, 0, NULL, &len);
		sendto(s->other, w, len, 0, (struct sockaddr *)&from, flen);
		free(w);
		w = NULL;
		break;
	case M_GARBAGE:
		w = malloc(64);
		for (int i = 0; i < 64; i++)
			w[i] = (uint8_t)(i * 37 + 11);
		len = 64;
		break;
	case M_MALFORMED:
		w = make_answer(q, m, 0, 0, NULL, &len);
		len -= 5;   /* cut the answer RR in the middle */
		break;
	case M_TC:
	case M_TC_OVER_TCP:
	case M_TCP_SILENT:
		w = make_answer(q, m, 1, 0, NULL, &len);
		break;
	default:
		w = make_answer(q, m, 0, 0, NULL, &len);
	}
	if (w)
		sendto(s->udp, w, len, 0, (struct sockaddr *)&from, flen);
	free(w);
	ldns_pkt_free(q);
}

static void serve_tcp(server *s)
{
	int c = accept(s->tcp, NULL, NULL);
	uint8_t hdr[2], buf[4096], *w;
	ldns_pkt *q = NULL;
	size_t len = 0;

	if (c < 0)
		return;
	s->tcp_queries++;
	if (recv(c, hdr, 2, MSG_WAITALL) != 2)
		goto out;
	size_t ql = ((size_t)hdr[0] << 8) | hdr[1];
	if (ql > sizeof buf || recv(c, buf, ql, MSG_WAITALL) != (ssize_t)ql ||
	    ldns_wire2pkt(&q, buf, ql) != LDNS_STATUS_OK)
		goto out;
	note_query(s, q);
	if (s->mode == M_TCP_SILENT) {
		/* Hold the connection open until the client gives up and
		 * closes it (its deadline), at most 2 s. */
		struct pollfd pc = { c, POLLIN, 0 };
		poll(&pc, 1, 2000);
		goto out;
	}
	w = make_answer(q, s->mode, s->mode == M_TC_OVER_TCP, 0, NULL, &len);
	uint8_t *framed = malloc(len + 2);
	framed[0] = (uint8_t)(len >> 8);
	framed[1] = (uint8_t)len;
	memcpy(framed + 2, w, len);
	send(c, framed, len + 2, MSG_NOSIGNAL);
	free(framed);
	free(w);
out:
	ldns_pkt_free(q);
	close(c);
}

static void *server_main(void *arg)
{
	server *s = arg;

	while (!s->stop) {
		struct pollfd p[2] = { { s->udp, POLLIN, 0 }, { s->tcp, POLLIN, 0 } };
		for (size_t i = 0; i < s->n_held; ) {
			held *h = &s->held[i];
			if (h->due > dp_mono_ms()) {
				i++;
				continue;
			}
			sendto(s->udp, h->w, h->len, 0, (struct sockaddr *)&h->to, h->tolen);
			free(h->w);
			*h = s->held[--s->n_held];
		}
		if (poll(p, 2, s->n_held ? 5 : 50) <= 0)
			continue;
		if (p[0].revents & POLLIN)
			serve_udp(s);
		if (p[1].revents & POLLIN)
			serve_tcp(s);
	}
	return NULL;
}

static int bind_any_port(int fd, int family, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;

	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof *a;
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = in6addr_loopback;
		len = sizeof *a;
	}
	return bind(fd, (struct sockaddr *)&ss, len);
}

static uint16_t local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	getsockname(fd, (struct sockaddr *)&ss, &len);
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int server_start(server *s, int family)
{
	int one = 1;

	memset(s, 0, sizeof *s);
	s->family = family;
	for (int tries = 0; tries < 20; tries++) {
		s->udp = socket(family, SOCK_DGRAM, 0);
		s->tcp = socket(family, SOCK_STREAM, 0);
		s->other = socket(family, SOCK_DGRAM, 0);
		setsockopt(s->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind_any_port(s->udp, family, 0) == 0 &&
		    bind_any_port(s->tcp, family, local_port(s->udp)) == 0 &&
		    bind_any_port(s->other, family, 0) == 0 && listen(s->tcp, 8) == 0) {
			s->port = local_port(s->udp);
			return pthread_create(&s->th, NULL, server_main, s) == 0 ? 0 : -1;
		}
		close(s->udp);
		close(s->tcp);
		close(s->other);
	}
	return -1;
}

static void server_stop(server *s)
{
	s->stop = 1;
	pthread_join(s->th, NULL);
	close(s->udp);
	close(s->tcp);
	close(s->other);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(server_start(&srv4, AF_INET), 0);
	have_v6 = server_start(&srv6, AF_INET6) == 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	server_stop(&srv4);
	if (have_v6)
		server_stop(&srv6);
	return 0;
}

/* Ask srv (mode m) for www.example.test/A. */
static int ask(server *s, mode m, unsigned flags, int timeout_ms, query_response *r)
{
	char addr[80];
	dp_addr ds;
	query_opts o = { .flags = flags, .timeout_ms = timeout_ms, .udp_tries = 1 };
	ldns_rdf *name = ldns_dname_new_frm_str("www.example.test.");
	int rc;

	s->mode = m;
	s->udp_queries = s->tcp_queries = 0;
	if (s->family == AF_INET)
		snprintf(addr, sizeof addr, "127.0.0.1:%u", s->port);
	else
		snprintf(addr, sizeof addr, "[::1]:%u", s->port);
	assert_int_equal(dp_addr_parse(addr, &ds), DP_OK);
	rc = query_query(&ds, name, LDNS_RR_TYPE_A, &o, r);
	ldns_rdf_deep_free(name);
	return rc;
}

static void assert_answer(query_response *r)
{
	assert_non_null(r->pkt);
	assert_int_equal(ldns_rr_list_rr_count(ldns_pkt_answer(r->pkt)), 1);
	assert_non_null(r->wire);
	assert_true(r->wire_len > 12);
}

static void test_ok(void **state)
{
	query_response r;
	(void)state;
	assert_int_equal(ask(&srv4, M_OK, QUERY_RD | QUERY_DO | QUERY_CD, 3000, &r), DP_OK);
	assert_answer(&r);
	assert_false(r.via_tcp);
	assert_true(srv4.saw_do);
	assert_true(srv4.saw_cd);
	assert_true(srv4.saw_rd);
	assert_int_equal(srv4.saw_edns_size, 1232);
	query_response_clear(&r);
}

static void test_edns_size_and_noedns(void **state)
{
	query_response r;
	dp_addr ds;
	char addr[64];
	query_opts o = { .flags = QUERY_DO, .edns_size = 4096, .timeout_ms = 3000 };
	ldns_rdf *name = ldns_dname_new_frm_str("www.example.test.");
	(void)state;
	srv4.mode = M_OK;
	snprintf(addr, sizeof addr, "127.0.0.1:%u", srv4.port);
	assert_int_equal(dp_addr_parse(addr, &ds), DP_OK);
	assert_int_equal(query_query(&ds, name, LDNS_RR_TYPE_A, &o, &r), DP_OK);
	assert_int_equal(srv4.saw_edns_size, 4096);
	assert_false(srv4.saw_cd);
	assert_false(srv4.saw_rd);
	query_response_clear(&r);
	o.flags = QUERY_NOEDNS;
	assert_int_equal(query_query(&ds, name, LDNS_RR_TYPE_A, &o, &r), DP_OK);
	assert_false(srv4.saw_edns);
	assert_false(srv4.saw_do);
	query_response_clear(&r);
	ldns_rdf_deep_free(name);
}

static void test_wrong_id_dropped(void **state)
{
	query_response r;
	(void)state;
	assert_int_equal(ask(&srv4, M_WRONG_ID_FIRST, QUERY_RD, 3000, &r), DP_OK);
	assert_answer(&r);
	query_response_clear(&r);
}

static void test_wrong_question_dropped(void **state)
{
	query_response r;
	(void)state;
	assert_int_equal(ask(&srv4, M_WRONG_QUESTION_FIRST, QUERY_RD, 3000, &r), DP_OK);
	assert_answer(&r);
	char *owner = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(r.pkt), 0)));
	assert_string_equal(owner, "www.example.test.");
	free(owner);
	query_response_clear(&r);
}

static void test_question_case_insensitive(void **state)
{
	query_response r;
	(void)state;
	assert_int_equal(ask(&srv4, M_UPPERCASE, QUERY_RD, 3000, &r), DP_OK);
	assert_answer(&r);
	query_response_clear(&r);
}

static void test_other_source_port_dropped(void **state)
{
	query_response r;
	(void)state;
	assert_int_equal(ask(&srv4, M_OTHER_PORT_ONLY, QUERY_RD, 400, &r), DP_ETIMEOUT);
	assert_null(r.pkt);
	assert_non_null(strstr(r.detail, "timeout"));
	query_response_clear(&r);
}

static void test_garbage(void **state)
{
	query_response r;
	(void)state;
	int rc = ask(&srv4, M_GARBAGE, QUERY_RD, 400, &r);
	assert_true(rc == DP_EPARSE || rc == DP_ETIMEOUT);
	assert_null(r.pkt);
	query_response_clear(&r);
}

static void test_malformed(void **state)
{
	query_response r;
	(void)state;
	assert_int_equal(ask(&srv4, M_MALFORMED, QUERY_RD, 3000, &r), DP_EPARSE);
	assert_null(r.pkt);
	assert_non_null(strstr(r.detail, "malformed answer from 127.0.0.1"));
	query_response_clear(&r);
}

static void test_tc_then_tcp(void **state)
{
	query_response r;
	(void)state;
	assert_int_equal(ask(&srv4, M_TC, QUERY_RD | QUERY_DO, 3000, &r), DP_OK);
	assert_answer(&r);
	assert_true(r.via_tcp);
	assert_true(r.udp_truncated);
	assert_int_equal(srv4.tcp_queries, 1);
	query_response_clear(&r);
}

static void test_tc_no_fallback(void **state)
{
	query_response r;
	(void)state;
	assert_int_equal(ask(&srv4, M_TC, QUERY_RD | QUERY_NO_TCP_FALLBACK, 3000, &r), DP_OK);
	assert_true(ldns_pkt_tc(r.pkt));
	assert_false(r.via_tcp);
	assert_true(r.udp_truncated);
	assert_int_equal(srv4.tcp_queries, 0);
	query_response_clear(&r);
}

static void test_tc_over_tcp(void **state)
{
	query_response r;
	(void)state;
	assert_int_equal(ask(&srv4, M_TC_OVER_TCP, QUERY_RD, 3000, &r), DP_EPROTO);
	assert_non_null(strstr(r.detail, "TC=1 on a TCP answer"));
	query_response_clear(&r);
}

static void test_tcp_only(void **state)
{
	query_response r;
	(void)state;
	assert_int_equal(ask(&srv4, M_OK, QUERY_TCP, 3000, &r), DP_OK);
	assert_answer(&r);
	assert_true(r.via_tcp);
	assert_int_equal(srv4.udp_queries, 0);
	query_response_clear(&r);
}

static void test_silence_times_out(void **state)
{
	query_response r;
	(void)state;
	int64_t t0 = dp_mono_ms();
	assert_int_equal(ask(&srv4, M_SILENT, QUERY_RD, 300, &r), DP_ETIMEOUT);
	int64_t took = dp_mono_ms() - t0;
	assert_true(took >= 290 && took < 1500);   /* generous: loaded CI hosts */
	assert_non_null(strstr(r.detail, "timeout after"));
	query_response_clear(&r);
}

static void test_tcp_read_deadline(void **state)
{
	query_response r;
	(void)state;
	int64_t t0 = dp_mono_ms();
	assert_int_equal(ask(&srv4, M_TCP_SILENT, QUERY_RD, 400, &r), DP_ETIMEOUT);
	assert_true(dp_mono_ms() - t0 < 2000);
	assert_non_null(strstr(r.detail, "over TCP"));
	query_response_clear(&r);
}

static void test_retry_tries(void **state)
{
	query_response r;
	dp_addr ds;
	char addr[64];
	query_opts o = { .flags = QUERY_RD, .timeout_ms = 300, .udp_tries = 3 };
	ldns_rdf *name = ldns_dname_new_frm_str("www.example.test.");
	(void)state;
	srv4.mode = M_SILENT;
	srv4.udp_queries = 0;
	snprintf(addr, sizeof addr, "127.0.0.1:%u", srv4.port);
	assert_int_equal(dp_addr_parse(addr, &ds), DP_OK);
	assert_int_equal(query_query(&ds, name, LDNS_RR_TYPE_A, &o, &r), DP_ETIMEOUT);
	usleep(100000);
	assert_int_equal(srv4.udp_queries, 3);
	query_response_clear(&r);
	ldns_rdf_deep_free(name);
}

/* The time of a query is what its caller waited, from the first send: an
 * answer to the first send that arrives after a retry was traced as the
 * few ms since the retry ("first cold MX query traced as 0 ms", issue
 * 16). */
static void test_rtt_counts_from_first_send(void **state)
{
	query_response r;
	dp_addr ds;
	char addr[64];
	query_opts o = { .flags = QUERY_RD, .timeout_ms = 600, .udp_tries = 2 };
	ldns_rdf *name = ldns_dname_new_frm_str("www.example.test.");
	(void)state;
	srv4.mode = M_ANSWER_AFTER_RETRY;
	srv4.udp_queries = 0;
	snprintf(addr, sizeof addr, "127.0.0.1:%u", srv4.port);
	assert_int_equal(dp_addr_parse(addr, &ds), DP_OK);
	assert_int_equal(query_query(&ds, name, LDNS_RR_TYPE_A, &o, &r), DP_OK);
	assert_answer(&r);
	/* the retry goes out after the first try's share, 300 ms */
	assert_true(r.rtt_ms >= 250);
	assert_int_equal(r.udp_sends, 2);
	query_response_clear(&r);
	ldns_rdf_deep_free(name);
}

static void test_ipv6(void **state)
{
	query_response r;
	(void)state;
	if (!have_v6)
		skip();
	assert_int_equal(ask(&srv6, M_OK, QUERY_RD, 3000, &r), DP_OK);
	assert_answer(&r);
	query_response_clear(&r);
	assert_int_equal(ask(&srv6, M_TC, QUERY_RD, 3000, &r), DP_OK);
	assert_true(r.via_tcp);
	query_response_clear(&r);
}

static void test_connection_refused_tcp(void **state)
{
	query_response r;
	dp_addr ds;
	query_opts o = { .flags = QUERY_TCP, .timeout_ms = 500 };
	ldns_rdf *name = ldns_dname_new_frm_str("www.example.test.");
	(void)state;
	/* Port 1 on loopback: nothing listens there. */
	assert_int_equal(dp_addr_parse("127.0.0.1:1", &ds), DP_OK);
	assert_int_equal(query_query(&ds, name, LDNS_RR_TYPE_A, &o, &r), DP_ENET);
	assert_non_null(strstr(r.detail, "127.0.0.1:1"));
	query_response_clear(&r);
	ldns_rdf_deep_free(name);
}

static void test_server_parse(void **state)
{
	static const struct { const char *in; int rc; const char *text; int family; unsigned port; } t[] = {
		{ "1.2.3.4", DP_OK, "1.2.3.4", AF_INET, 53 },
		{ "1.2.3.4:5353", DP_OK, "1.2.3.4:5353", AF_INET, 5353 },
		{ "[::1]", DP_OK, "::1", AF_INET6, 53 },
		{ "[::1]:53", DP_OK, "::1", AF_INET6, 53 },
		{ "[2001:db8::1]:5353", DP_OK, "[2001:db8::1]:5353", AF_INET6, 5353 },
		{ "::1", DP_OK, "::1", AF_INET6, 53 },
		{ "2001:db8::53", DP_OK, "2001:db8::53", AF_INET6, 53 },
		{ "1.2.3.4:0", DP_EINVAL, NULL, 0, 0 },
		{ "1.2.3.4:65536", DP_EINVAL, NULL, 0, 0 },
		{ "1.2.3.4:", DP_EINVAL, NULL, 0, 0 },
		{ "1.2.3.4:x", DP_EINVAL, NULL, 0, 0 },
		{ "[::1", DP_EINVAL, NULL, 0, 0 },
		{ "[::1]x", DP_EINVAL, NULL, 0, 0 },
		{ "[1.2.3.4]", DP_EINVAL, NULL, 0, 0 },
		{ "dns.example", DP_EINVAL, NULL, 0, 0 },
		{ "", DP_EINVAL, NULL, 0, 0 },
		{ "1.2.3", DP_EINVAL, NULL, 0, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		dp_addr s;
		int rc = dp_addr_parse(t[i].in, &s);
		if (rc != t[i].rc)
			fail_msg("%s: got %d want %d", t[i].in, rc, t[i].rc);
		if (rc != DP_OK)
			continue;
		assert_string_equal(s.text, t[i].text);
		assert_int_equal(s.addr.ss_family, t[i].family);
		unsigned port = t[i].family == AF_INET ?
			ntohs(((struct sockaddr_in *)&s.addr)->sin_port) :
			ntohs(((struct sockaddr_in6 *)&s.addr)->sin6_port);
		assert_int_equal(port, t[i].port);
	}
}

/* The bare address of an A/AAAA record and the SMTP port (the DANE
 * walk's connect): the same sockaddr dp_addr_parse builds. */
static void test_addr_from_ip(void **state)
{
	dp_addr a;

	(void)state;
	assert_int_equal(dp_addr_from_ip("127.25.0.1", 25, &a), DP_OK);
	assert_int_equal(a.addr.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&a.addr)->sin_port), 25);
	assert_int_equal(a.addrlen, sizeof(struct sockaddr_in));
	assert_string_equal(a.text, "127.25.0.1:25");
	assert_int_equal(dp_addr_from_ip("fd53::25:1", 25, &a), DP_OK);
	assert_int_equal(a.addr.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&a.addr)->sin6_port), 25);
	assert_int_equal(a.addrlen, sizeof(struct sockaddr_in6));
	assert_string_equal(a.text, "[fd53::25:1]:25");
	assert_int_equal(dp_addr_from_ip("[::1]", 25, &a), DP_EINVAL);
	assert_int_equal(dp_addr_from_ip("127.0.0.1:25", 25, &a), DP_EINVAL);
	assert_int_equal(dp_addr_from_ip("mx.example", 25, &a), DP_EINVAL);
}

static char traced[512];
static void trace_cb(void *arg, const char *line)
{
	(void)arg;
	snprintf(traced, sizeof traced, "%s", line);
}

static void test_fetch_adapter(void **state)
{
	dp_addr ds;
	char addr[64];
	ldns_pkt *p = NULL;
	ldns_rdf *name = ldns_dname_new_frm_str("www.example.test.");
	(void)state;
	snprintf(addr, sizeof addr, "127.0.0.1:%u", srv4.port);
	assert_int_equal(dp_addr_parse(addr, &ds), DP_OK);
	query_fetcher f = { .server = &ds, .opts = { .timeout_ms = 3000, .flags = QUERY_NOEDNS },
			 .trace = trace_cb };
	srv4.mode = M_OK;
	assert_int_equal(query_fetch(&f, name, LDNS_RR_TYPE_A, &p), DP_OK);
	assert_non_null(p);
	assert_true(srv4.saw_do && srv4.saw_cd && srv4.saw_rd);
	char want[128];
	snprintf(want, sizeof want, "query www.example.test/A @127.0.0.1:%u udp: NOERROR 1 answer (", srv4.port);
	if (strncmp(traced, want, strlen(want)) != 0)
		fail_msg("trace \"%s\", want prefix \"%s\"", traced, want);
	ldns_pkt_free(p);
	p = NULL;
	srv4.mode = M_SILENT;
	f.opts.timeout_ms = 200;
	assert_int_equal(query_fetch(&f, name, LDNS_RR_TYPE_A, &p), DP_ETIMEOUT);
	assert_null(p);
	assert_non_null(strstr(traced, "timed out"));
	assert_int_equal(f.queries, 2);
	assert_int_equal(f.errors, 1);
	ldns_rdf_deep_free(name);
}

/* Questions sent ahead (issue 16): three hints, then three fetches, wait
 * for one delay, not three; an answer read late shows its round trip,
 * not the wait; a hint asked for after its deadline still gets the full
 * timeout from the fetch on. */
static void test_fetch_ahead(void **state)
{
	dp_addr ds;
	char addr[64];
	ldns_pkt *p = NULL;
	const char *names[] = { "a.example.test.", "b.example.test.", "c.example.test." };
	ldns_rdf *n[3], *late = ldns_dname_new_frm_str("late.example.test."),
		*unused = ldns_dname_new_frm_str("unused.example.test.");
	(void)state;
	snprintf(addr, sizeof addr, "127.0.0.1:%u", srv4.port);
	assert_int_equal(dp_addr_parse(addr, &ds), DP_OK);
	query_fetcher f = { .server = &ds, .opts = { .timeout_ms = 3000 }, .trace = trace_cb };
	srv4.mode = M_DELAY;
	int64_t t0 = dp_mono_ms();
	for (int i = 0; i < 3; i++) {
		n[i] = ldns_dname_new_frm_str(names[i]);
		query_fetch_ahead(&f, n[i], LDNS_RR_TYPE_A);
	}
	query_fetch_ahead(&f, n[0], LDNS_RR_TYPE_A);   /* twice: sent once */
	query_fetch_ahead(&f, unused, LDNS_RR_TYPE_A);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(query_fetch(&f, n[i], LDNS_RR_TYPE_A, &p), DP_OK);
		assert_non_null(strstr(traced, "sent ahead"));
		ldns_pkt_free(p);
		p = NULL;
	}
	int64_t took = dp_mono_ms() - t0;
	print_message("three answers %d ms away each, sent ahead: %lld ms\n", DELAY_MS,
		      (long long)took);
	assert_true(took >= DELAY_MS && took < 2 * DELAY_MS);
	assert_int_equal(f.ahead_sent, 4);
	assert_int_equal(f.ahead_used, 3);
	assert_int_equal(f.queries, 3);

	/* read 150 ms after it came: the trace shows ~DELAY_MS */
	query_fetch_ahead(&f, late, LDNS_RR_TYPE_A);
	usleep((DELAY_MS + 150) * 1000);
	assert_int_equal(query_fetch(&f, late, LDNS_RR_TYPE_A, &p), DP_OK);
	ldns_pkt_free(p);
	p = NULL;
	int rtt = atoi(strrchr(traced, '(') + 1);
	print_message("trace: %s\n", traced);
	assert_true(rtt >= DELAY_MS - 20 && rtt < DELAY_MS + 100);

	/* silent server, hint taken after its deadline: waited for anew */
	srv4.mode = M_SILENT;
	f.opts.timeout_ms = 300;
	query_fetch_ahead(&f, late, LDNS_RR_TYPE_A);
	usleep(400 * 1000);
	t0 = dp_mono_ms();
	assert_int_equal(query_fetch(&f, late, LDNS_RR_TYPE_A, &p), DP_ETIMEOUT);
	assert_true(dp_mono_ms() - t0 >= 250);
	query_fetcher_clear(&f);   /* the unused hint's socket */
	assert_null(f.ahead);
	srv4.mode = M_OK;
	for (int i = 0; i < 3; i++)
		ldns_rdf_deep_free(n[i]);
	ldns_rdf_deep_free(late);
	ldns_rdf_deep_free(unused);
}

/* Many threads at once: each gets its own answer. */
static void *parallel_one(void *arg)
{
	query_response r;
	int *rc = arg;
	dp_addr ds;
	char addr[64];
	query_opts o = { .flags = QUERY_RD, .timeout_ms = 2000 };
	ldns_rdf *name = ldns_dname_new_frm_str("www.example.test.");
	snprintf(addr, sizeof addr, "127.0.0.1:%u", srv4.port);
	dp_addr_parse(addr, &ds);
	*rc = query_query(&ds, name, LDNS_RR_TYPE_A, &o, &r);
	query_response_clear(&r);
	ldns_rdf_deep_free(name);
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t th[8];
	int rc[8];
	(void)state;
	srv4.mode = M_OK;
	for (int i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, parallel_one, &rc[i]);
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(rc[i], DP_OK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_parse),
		cmocka_unit_test(test_addr_from_ip),
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_edns_size_and_noedns),
		cmocka_unit_test(test_wrong_id_dropped),
		cmocka_unit_test(test_wrong_question_dropped),
		cmocka_unit_test(test_question_case_insensitive),
		cmocka_unit_test(test_other_source_port_dropped),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_tc_then_tcp),
		cmocka_unit_test(test_tc_no_fallback),
		cmocka_unit_test(test_tc_over_tcp),
		cmocka_unit_test(test_tcp_only),
		cmocka_unit_test(test_silence_times_out),
		cmocka_unit_test(test_tcp_read_deadline),
		cmocka_unit_test(test_retry_tries),
		cmocka_unit_test(test_rtt_counts_from_first_send),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_connection_refused_tcp),
		cmocka_unit_test(test_fetch_adapter),
		cmocka_unit_test(test_fetch_ahead),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
