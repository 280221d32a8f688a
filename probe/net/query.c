/*
 * query.c - one DNS question to one resolver (see query.h).
 *
 * Spoofing resistance (RFC 5452 section 9): every query gets a random ID
 * from getrandom() and a fresh socket bound to port 0, so that the kernel
 * picks a random source port.  An answer counts only when it comes from
 * the server's address and port, carries our ID and repeats our question
 * (name compared case-insensitively, type and class); anything else is
 * dropped and the wait goes on until the deadline, so a stray or forged
 * datagram cannot end the query early.
 *
 * A UDP answer with TC=1 is retried over TCP (RFC 7766 section 5), with
 * the 2-byte length framing of RFC 1035 section 4.2.2.  Every wait, the
 * TCP connect and each read included, is bounded by the one deadline of
 * the query.  Nothing here keeps state between calls: the module is
 * thread-safe.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "probe/net/query.h"
#include "probe/util/clock.h"
#include "probe/util/defaults.h"

#define QUERY_DEFAULT_EDNS 1232
#define QUERY_DEFAULT_TRIES 2
#define QUERY_BUILD_BUF 512
/* The UDP receive buffer: the size we advertise (RFC 6891 6.2.5), but at
 * least this much, for servers that overshoot it a little (a datagram
 * cut at the end of the buffer fails to parse: a malformed answer).  Not
 * 64 KB per query: 64 workers query at once. */
#define QUERY_UDP_BUF_MIN 4096

/* Set r->detail (truncated to fit). */
static void query_detail(query_response *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void query_detail(query_response *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
	va_end(ap);
}

/* ---- messages ---- */

static int query_random_id(uint16_t *id)
{
	ssize_t n;

	do
		n = getrandom(id, sizeof *id, 0);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof *id ? 0 : -1;
}

static int query_build(const ldns_rdf *name, ldns_rr_type type, const query_opts *o,
		    uint16_t id, uint8_t **wire, size_t *len)
{
	ldns_rdf *qname = ldns_rdf_clone(name);
	ldns_pkt *q;
	ldns_status st;

	if (!qname)
		return DP_ENOMEM;
	q = ldns_pkt_query_new(qname, type, LDNS_RR_CLASS_IN, 0);
	if (!q) {
		ldns_rdf_deep_free(qname);
		return DP_ENOMEM;
	}
	ldns_pkt_set_id(q, id);
	ldns_pkt_set_rd(q, (o->flags & QUERY_RD) != 0);
	ldns_pkt_set_cd(q, (o->flags & QUERY_CD) != 0);
	if (!(o->flags & QUERY_NOEDNS)) {
		ldns_pkt_set_edns_udp_size(q, o->edns_size ? o->edns_size : QUERY_DEFAULT_EDNS);
		ldns_pkt_set_edns_do(q, (o->flags & QUERY_DO) != 0);
	}
	/* ldns_pkt2wire starts from a 64 KB buffer: with 64 workers
	 * querying at once that was a tenth of the peak heap (massif).  A
	 * query is a few hundred bytes; the buffer grows if it must. */
	ldns_buffer *b = ldns_buffer_new(QUERY_BUILD_BUF);
	st = b ? ldns_pkt2buffer_wire(b, q) : LDNS_STATUS_MEM_ERR;
	ldns_pkt_free(q);
	if (st == LDNS_STATUS_OK) {
		*len = ldns_buffer_position(b);
		*wire = malloc(*len ? *len : 1);
		if (*wire)
			memcpy(*wire, ldns_buffer_begin(b), *len);
		else
			st = LDNS_STATUS_MEM_ERR;
	}
	ldns_buffer_free(b);
	if (st != LDNS_STATUS_OK)
		return st == LDNS_STATUS_MEM_ERR ? DP_ENOMEM : DP_EINVAL;
	return DP_OK;
}

enum query_verdict { QUERY_MATCH, QUERY_DROP, QUERY_WRONG_QUESTION, QUERY_MALFORMED };

/*
 * Is buf the answer to our question?  QUERY_MATCH with *pkt parsed, or why
 * not.  A message with our ID that ldns cannot parse is QUERY_MALFORMED.
 * RFC 1035 4.1.1: a server that does not understand the query may answer
 * FORMERR/NOTIMP without a question section; that still counts.
 */
static enum query_verdict query_match(const uint8_t *buf, size_t n, uint16_t id,
				const ldns_rdf *name, ldns_rr_type type,
				ldns_pkt **pkt, char *why, size_t whylen)
{
	ldns_pkt *p = NULL;
	ldns_status st;

	if (n < LDNS_HEADER_SIZE)
		return QUERY_DROP;
	if (((buf[0] << 8) | buf[1]) != id || !(buf[2] & 0x80))
		return QUERY_DROP;
	st = ldns_wire2pkt(&p, buf, n);
	if (st != LDNS_STATUS_OK) {
		if (snprintf(why, whylen, "%s (%zu bytes)", ldns_get_errorstr_by_id(st), n) < 0)
			why[0] = '\0';
		return QUERY_MALFORMED;
	}
	ldns_rr_list *qs = ldns_pkt_question(p);
	if (ldns_rr_list_rr_count(qs) == 0 && ldns_pkt_get_rcode(p) != LDNS_RCODE_NOERROR) {
		*pkt = p;
		return QUERY_MATCH;
	}
	if (ldns_rr_list_rr_count(qs) != 1) {
		ldns_pkt_free(p);
		return QUERY_WRONG_QUESTION;
	}
	ldns_rr *q = ldns_rr_list_rr(qs, 0);
	if (ldns_dname_compare(ldns_rr_owner(q), name) != 0 ||
	    ldns_rr_get_type(q) != type || ldns_rr_get_class(q) != LDNS_RR_CLASS_IN) {
		ldns_pkt_free(p);
		return QUERY_WRONG_QUESTION;
	}
	*pkt = p;
	return QUERY_MATCH;
}

static int query_same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
	}
	return 0;
}

/* Wait for fd to become ready for ev until deadline; 1 ready, 0 timeout,
 * -1 error (errno set). */
static int query_wait(int fd, short ev, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - dp_mono_ms();
		struct pollfd pfd = { .fd = fd, .events = ev };
		/* Past the deadline, one look without waiting: a question
		 * sent ahead (query_send) may have had its answer waiting in
		 * the socket since long before it was asked for. */
		if (left < 0)
			left = 0;
		int r = poll(&pfd, 1, (int)(left > 60000 ? 60000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r > 0)
			return 1;
		if (left == 0)
			return 0;
	}
}

static int query_keep(query_response *out, ldns_pkt *pkt, const uint8_t *buf, size_t n)
{
	out->wire = malloc(n ? n : 1);
	if (!out->wire) {
		ldns_pkt_free(pkt);
		return DP_ENOMEM;
	}
	memcpy(out->wire, buf, n);
	out->wire_len = n;
	out->pkt = pkt;
	return DP_OK;
}

/* ---- UDP ---- */

typedef struct query_query_ctx {
	const dp_addr *srv;
	const ldns_rdf *name;
	ldns_rr_type type;
	const query_opts *opts;
	int64_t start, deadline;
	query_response *out;
} query_query_ctx;

static int query_udp_socket(const dp_addr *srv)
{
	struct sockaddr_storage any;
	socklen_t len;
	int fd;

	fd = socket(srv->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&any, 0, sizeof any);
	any.ss_family = srv->addr.ss_family;
	len = srv->addr.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					      : sizeof(struct sockaddr_in);
	/* Receive times for query_rtt (best effort: without them the
	 * time of the read counts). */
	int on = 1;
	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on);
	/* Port 0: the kernel chooses a random ephemeral source port. */
	if (bind(fd, (struct sockaddr *)&any, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static size_t query_udp_bufsize(const query_opts *o)
{
	return o->edns_size > QUERY_UDP_BUF_MIN ? o->edns_size : QUERY_UDP_BUF_MIN;
}

/* From the query's start to the arrival of the datagram just read (mh).
 * The kernel's receive time (SO_TIMESTAMP), not the time of the read: a
 * question sent ahead (query_start) may be read long after its answer
 * came, and the trace shows the round trip. */
static int query_rtt(const query_query_ctx *c, struct msghdr *mh)
{
	int64_t waited = dp_mono_ms() - c->start;
	struct timespec rt;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		struct timeval tv;
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMP ||
		    clock_gettime(CLOCK_REALTIME, &rt) != 0)
			continue;
		memcpy(&tv, CMSG_DATA(cm), sizeof tv);
		int64_t age = ((int64_t)rt.tv_sec * 1000 + rt.tv_nsec / 1000000) -
			      ((int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000);
		if (age >= 0 && age <= waited)
			return (int)(waited - age);
	}
	return (int)waited;
}

/* Stray datagrams one UDP exchange dropped, for its timeout reason. */
typedef struct query_udp_drops {
	unsigned wrong_q, dropped;
} query_udp_drops;

/* Read answers on fd until one matches (or is malformed), the socket
 * fails, or try_end passes: DP_OK and the answer in c->out, DP_EPARSE,
 * DP_ENET, or DP_ETIMEOUT. */
static int query_udp_recv(query_query_ctx *c, int fd, uint8_t *buf, uint16_t id,
			  size_t cap, int64_t try_end, query_udp_drops *d)
{
	query_response *out = c->out;
	char why[128] = "";

	for (;;) {
		int w = query_wait(fd, POLLIN, try_end);
		if (w == 0)
			return DP_ETIMEOUT;
		struct sockaddr_storage from;
		union { char b[CMSG_SPACE(sizeof(struct timeval))]; struct cmsghdr align; } ctl;
		struct iovec iov = { buf, cap };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof from,
				     .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl.b, .msg_controllen = sizeof ctl.b };
		ssize_t n = w < 0 ? -1 : recvmsg(fd, &mh, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			/* ICMP port unreachable shows up here. */
			query_detail(out, "UDP from %s: %s",
				 c->srv->text, strerror(errno));
			return DP_ENET;
		}
		if (!query_same_peer(&from, &c->srv->addr)) {
			d->dropped++;
			continue;
		}
		ldns_pkt *pkt = NULL;
		switch (query_match(buf, (size_t)n, id, c->name, c->type, &pkt, why, sizeof why)) {
		case QUERY_MATCH:
			/* From the query's start: the caller waited for every try. */
			out->rtt_ms = query_rtt(c, &mh);
			return query_keep(out, pkt, buf, (size_t)n);
		case QUERY_MALFORMED:
			query_detail(out,
				 "malformed answer from %s over UDP: %s", c->srv->text, why);
			return DP_EPARSE;
		case QUERY_WRONG_QUESTION:
			d->wrong_q++;
			break;
		case QUERY_DROP:
			d->dropped++;
			break;
		}
	}
}

/* Send the UDP query on fd (the first try). */
static int query_udp_send(query_query_ctx *c, int fd, const uint8_t *q, size_t qlen)
{
	if (sendto(fd, q, qlen, 0, (const struct sockaddr *)&c->srv->addr, c->srv->addrlen) < 0) {
		query_detail(c->out, "UDP send to %s: %s", c->srv->text, strerror(errno));
		return DP_ENET;
	}
	c->out->udp_sends++;
	return DP_OK;
}

/* The UDP exchange on fd (closed here), of which `sent` tries (0 or 1)
 * went out already. */
static int query_udp(query_query_ctx *c, int fd, int sent, const uint8_t *q, size_t qlen,
		     uint16_t id)
{
	query_response *out = c->out;
	int tries = c->opts->udp_tries > 0 ? c->opts->udp_tries : QUERY_DEFAULT_TRIES;
	int64_t total = c->deadline - c->start;
	query_udp_drops d = { 0, 0 };
	uint8_t *buf;
	int rc = DP_ETIMEOUT;

	size_t cap = query_udp_bufsize(c->opts);
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return DP_ENOMEM;
	}
	for (int t = 0; t < tries && rc == DP_ETIMEOUT; t++) {
		/* Each try gets its share of the time; answers to an earlier
		 * send still count (same socket, same ID). */
		int64_t try_end = t + 1 == tries ? c->deadline : c->start + total * (t + 1) / tries;

		if (t >= sent && (rc = query_udp_send(c, fd, q, qlen)) != DP_OK)
			break;
		rc = query_udp_recv(c, fd, buf, id, cap, try_end, &d);
	}
	free(buf);
	close(fd);
	if (rc == DP_ETIMEOUT)
		query_detail(out,
			 "timeout after %lld ms over UDP (%u tries%s%s)",
			 (long long)(dp_mono_ms() - c->start), tries,
			 d.wrong_q ? ", answers to another question dropped" : "",
			 d.dropped ? ", stray answers dropped" : "");
	return rc;
}

/* ---- TCP ---- */

static int query_tcp_connect(query_query_ctx *c, int *fdp)
{
	query_response *out = c->out;
	int fd, err = 0;
	socklen_t elen = sizeof err;

	fd = socket(c->srv->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		query_detail(out, "TCP socket: %s", strerror(errno));
		return DP_ENET;
	}
	if (connect(fd, (const struct sockaddr *)&c->srv->addr, c->srv->addrlen) < 0 &&
	    errno != EINPROGRESS) {
		query_detail(out, "TCP connect to %s: %s",
			 c->srv->text, strerror(errno));
		close(fd);
		return DP_ENET;
	}
	int w = query_wait(fd, POLLOUT, c->deadline);
	if (w == 0) {
		query_detail(out, "timeout connecting to %s over TCP",
			 c->srv->text);
		close(fd);
		return DP_ETIMEOUT;
	}
	if (w < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
		query_detail(out, "TCP connect to %s: %s",
			 c->srv->text, strerror(err ? err : errno));
		close(fd);
		return DP_ENET;
	}
	*fdp = fd;
	return DP_OK;
}

/* Move exactly len bytes (write when out_dir, else read) before the deadline. */
static int query_tcp_io(query_query_ctx *c, int fd, uint8_t *buf, size_t len, int out_dir)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = out_dir ? send(fd, buf + done, len - done, MSG_NOSIGNAL)
				    : recv(fd, buf + done, len - done, 0);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == 0) {
			query_detail(c->out,
				 "%s closed the TCP connection after %zu of %zu bytes",
				 c->srv->text, done, len);
			return DP_ENET;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			query_detail(c->out, "TCP %s %s: %s",
				 out_dir ? "send to" : "receive from", c->srv->text, strerror(errno));
			return DP_ENET;
		}
		int w = query_wait(fd, out_dir ? POLLOUT : POLLIN, c->deadline);
		if (w == 0) {
			query_detail(c->out,
				 "timeout after %lld ms over TCP (%zu of %zu bytes)",
				 (long long)(dp_mono_ms() - c->start), done, len);
			return DP_ETIMEOUT;
		}
		if (w < 0) {
			query_detail(c->out, "poll: %s", strerror(errno));
			return DP_ENET;
		}
	}
	return DP_OK;
}

static int query_tcp(query_query_ctx *c, const uint8_t *q, size_t qlen, uint16_t id)
{
	query_response *out = c->out;
	uint8_t hdr[2], *msg = NULL, *buf = NULL;
	int fd = -1, rc;
	char why[128];

	rc = query_tcp_connect(c, &fd);
	if (rc != DP_OK)
		return rc;
	msg = malloc(qlen + 2);
	if (!msg) {
		rc = DP_ENOMEM;
		goto done;
	}
	msg[0] = (uint8_t)(qlen >> 8);
	msg[1] = (uint8_t)qlen;
	memcpy(msg + 2, q, qlen);
	rc = query_tcp_io(c, fd, msg, qlen + 2, 1);
	if (rc != DP_OK)
		goto done;
	rc = query_tcp_io(c, fd, hdr, 2, 0);
	if (rc != DP_OK)
		goto done;
	size_t len = ((size_t)hdr[0] << 8) | hdr[1];
	if (len < LDNS_HEADER_SIZE) {
		query_detail(out,
			 "malformed answer from %s over TCP: %zu-byte message", c->srv->text, len);
		rc = DP_EPARSE;
		goto done;
	}
	buf = malloc(len);
	if (!buf) {
		rc = DP_ENOMEM;
		goto done;
	}
	rc = query_tcp_io(c, fd, buf, len, 0);
	if (rc != DP_OK)
		goto done;
	/* Connect, and the UDP exchange that came back truncated, are part
	 * of what the caller waited for. */
	out->rtt_ms = (int)(dp_mono_ms() - c->start);
	ldns_pkt *pkt = NULL;
	/* Over TCP the connection is ours alone: a wrong answer is the
	 * server's fault, so it is an error rather than something to skip. */
	switch (query_match(buf, len, id, c->name, c->type, &pkt, why, sizeof why)) {
	case QUERY_MATCH:
		if (ldns_pkt_tc(pkt)) {
			ldns_pkt_free(pkt);
			query_detail(out,
				 "%s set TC=1 on a TCP answer", c->srv->text);
			rc = DP_EPROTO;
			break;
		}
		out->via_tcp = 1;
		rc = query_keep(out, pkt, buf, len);
		break;
	case QUERY_MALFORMED:
		query_detail(out,
			 "malformed answer from %s over TCP: %s", c->srv->text, why);
		rc = DP_EPARSE;
		break;
	case QUERY_WRONG_QUESTION:
		query_detail(out,
			 "%s answered another question over TCP", c->srv->text);
		rc = DP_EPROTO;
		break;
	case QUERY_DROP:
		query_detail(out,
			 "%s answered with a wrong ID or a non-response over TCP", c->srv->text);
		rc = DP_EPROTO;
		break;
	}
done:
	free(buf);
	free(msg);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ---- the query ---- */

int query_start(const dp_addr *server, const ldns_rdf *name, ldns_rr_type type,
		const query_opts *opts, query_pending *p, query_response *out)
{
	int rc;

	if (!server || !name || !p || !out || ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME)
		return DP_EINVAL;
	memset(p, 0, sizeof *p);
	memset(out, 0, sizeof *out);
	p->fd = -1;
	p->server = server;
	p->type = type;
	p->opts.flags = QUERY_RD;
	if (opts)
		p->opts = *opts;
	p->start = dp_mono_ms();
	p->deadline = p->start + (p->opts.timeout_ms > 0 ? p->opts.timeout_ms : DP_DNS_TIMEOUT_MS);
	if ((p->name = ldns_rdf_clone(name)) == NULL)
		return DP_ENOMEM;
	if (query_random_id(&p->id) < 0) {
		query_detail(out, "getrandom: %s", strerror(errno));
		rc = DP_ENET;
	} else if ((rc = query_build(name, type, &p->opts, p->id, &p->q, &p->qlen)) != DP_OK) {
		query_detail(out, "cannot build the query");
	} else if (!(p->opts.flags & QUERY_TCP)) {
		query_query_ctx c = { .srv = server, .name = name, .type = type, .opts = &p->opts,
				      .out = out, .start = p->start, .deadline = p->deadline };
		if ((p->fd = query_udp_socket(server)) < 0) {
			query_detail(out, "UDP socket: %s", strerror(errno));
			rc = DP_ENET;
		} else if ((rc = query_udp_send(&c, p->fd, p->q, p->qlen)) == DP_OK) {
			p->sent = 1;
		}
	}
	if (rc != DP_OK)
		query_pending_free(p);
	return rc;
}

void query_pending_free(query_pending *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	free(p->q);
	p->q = NULL;
	ldns_rdf_deep_free(p->name);
	p->name = NULL;
}

/* A UDP answer with TC=1: the question again over TCP (RFC 7766 5),
 * with a new ID, so that it cannot be confused with the UDP exchange. */
static int query_tc_retry(query_query_ctx *c, query_pending *p)
{
	query_response *out = c->out;
	int rc;

	query_response_clear(out);
	out->udp_truncated = 1;
	free(p->q);
	p->q = NULL;
	if (query_random_id(&p->id) < 0 ||
	    query_build(p->name, p->type, &p->opts, p->id, &p->q, &p->qlen) != DP_OK) {
		query_detail(out, "cannot build the TCP query");
		return DP_ENOMEM;
	}
	rc = query_tcp(c, p->q, p->qlen, p->id);
	if (rc != DP_OK) {
		char d[sizeof out->detail];
		memcpy(d, out->detail, sizeof d);
		query_detail(out, "UDP answer truncated, then %s", d);
		if (rc == DP_ETIMEOUT || rc == DP_ENET)
			rc = rc == DP_ETIMEOUT ? DP_ETIMEOUT : DP_ETRUNC;
	}
	return rc;
}

int query_finish(query_pending *p, query_response *out)
{
	query_query_ctx c = { .srv = p->server, .name = p->name, .type = p->type,
			      .opts = &p->opts, .out = out, .start = p->start,
			      .deadline = p->deadline };
	int rc;

	memset(out, 0, sizeof *out);
	out->udp_sends = p->sent;
	if (p->opts.flags & QUERY_TCP) {
		rc = query_tcp(&c, p->q, p->qlen, p->id);
	} else {
		rc = query_udp(&c, p->fd, p->sent, p->q, p->qlen, p->id);
		p->fd = -1;   /* query_udp closed it */
		if (rc == DP_OK && ldns_pkt_tc(out->pkt) && !(p->opts.flags & QUERY_NO_TCP_FALLBACK))
			rc = query_tc_retry(&c, p);
		else if (rc == DP_OK && ldns_pkt_tc(out->pkt))
			out->udp_truncated = 1;
	}
	query_pending_free(p);
	return rc;
}

int query_query(const dp_addr *server, const ldns_rdf *name, ldns_rr_type type,
	     const query_opts *opts, query_response *out)
{
	query_pending p;
	int rc = query_start(server, name, type, opts, &p, out);

	return rc != DP_OK ? rc : query_finish(&p, out);
}

void query_response_clear(query_response *r)
{
	if (!r)
		return;
	ldns_pkt_free(r->pkt);
	free(r->wire);
	r->pkt = NULL;
	r->wire = NULL;
	r->wire_len = 0;
	r->via_tcp = 0;
	r->rtt_ms = 0;
}
