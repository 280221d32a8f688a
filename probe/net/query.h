/*
 * query.h - the query engine: one DNS question to one resolver, over UDP
 * (random ID and source port, answer matched to the question and to the
 * server's address, TC -> TCP) or TCP, with a timeout.
 *
 * Thread-safe: many threads may query at once (probe runs every resolver
 * and every independent test concurrently).
 */
#ifndef DP_QUERY_H
#define DP_QUERY_H

#include <stdint.h>
#include <sys/socket.h>
#include <ldns/ldns.h>
#include "validator/dp_err.h"
#include "validator/val.h"
#include "probe/util/addr.h"

enum query_flags {
	QUERY_RD = 1 << 0,
	QUERY_DO = 1 << 1,          /* EDNS with DO=1 */
	QUERY_CD = 1 << 2,
	QUERY_NOEDNS = 1 << 3,      /* no OPT record at all */
	QUERY_TCP = 1 << 4,         /* TCP only */
	QUERY_NO_TCP_FALLBACK = 1 << 5 /* keep a TC=1 UDP answer, do not retry over TCP */
};

typedef struct query_opts {
	unsigned flags;
	uint16_t edns_size;      /* advertised UDP size; 0 = 1232 */
	int timeout_ms;          /* whole query, all tries; 0 = DP_DNS_TIMEOUT_MS */
	int udp_tries;           /* 0 = 2 */
} query_opts;

typedef struct query_response {
	ldns_pkt *pkt;           /* parsed answer, malloced (query_response_clear frees) */
	uint8_t *wire;           /* raw bytes of that answer, malloced */
	size_t wire_len;
	int rtt_ms;              /* from the start of the query to the answer:
				  * what the caller waited, retries, TCP
				  * connect and a truncated UDP try included */
	int udp_sends;           /* UDP datagrams sent (retries: more than 1) */
	int via_tcp;             /* answer came over TCP */
	int udp_truncated;       /* the UDP answer had TC=1 */
	char detail[160];        /* on error: what happened ("timeout after 1500 ms over UDP") */
} query_response;

/* Ask server for (name, type, IN).  DP_OK with out->pkt set; otherwise
 * DP_ETIMEOUT, DP_ENET, DP_EPARSE (garbage), DP_EPROTO (TC over TCP,
 * mismatched question), with out->detail saying what happened.
 * Answers with a wrong ID, question or source address are dropped and
 * the wait goes on until the timeout. */
int query_query(const dp_addr *server, const ldns_rdf *name, ldns_rr_type type,
	     const query_opts *opts, query_response *out);
void query_response_clear(query_response *r);

/* The same query in two halves: query_start sends it (over UDP, the
 * first datagram; over TCP, nothing yet) and query_finish waits for the
 * answer, with the retries and the TC -> TCP retry of query_query,
 * within the deadline counted from query_start.  Between the two the
 * answer waits in the socket: questions started one after the other are
 * answered concurrently (issue 16).  query_start: DP_OK, or an error
 * with out->detail and nothing pending.  query_finish frees p. */
typedef struct query_pending {
	const dp_addr *server;
	ldns_rdf *name;
	ldns_rr_type type;
	query_opts opts;
	int64_t start, deadline;   /* dp_mono_ms() */
	uint16_t id;
	int fd;                    /* the UDP socket, -1 */
	int sent;                  /* UDP datagrams sent */
	uint8_t *q;                /* the query, for a retry */
	size_t qlen;
} query_pending;
int query_start(const dp_addr *server, const ldns_rdf *name, ldns_rr_type type,
		const query_opts *opts, query_pending *p, query_response *out);
int query_finish(query_pending *p, query_response *out);
/* Forget a started query without waiting for it. */
void query_pending_free(query_pending *p);

/* A validator fetch callback (val.h) that queries one resolver with
 * RD=1 DO=1 CD=1.  arg is a query_fetcher; the trace callback, if set,
 * gets one line per query.  (fetch.c) */
typedef struct query_ahead query_ahead;
typedef struct query_fetcher {
	const dp_addr *server;
	query_opts opts;
	val_trace_fn trace;
	void *trace_arg;
	/* counters, updated by query_fetch (not thread-safe: one per thread) */
	unsigned long queries, errors;
	/* the detail of the last failed query ("malformed answer from ...") */
	char last_error[160];
	/* questions sent ahead (query_fetch_ahead), NULL before the first;
	 * how many were sent, and how many a fetch then asked for */
	query_ahead *ahead;
	unsigned long ahead_sent, ahead_used;
} query_fetcher;
int query_fetch(void *arg, const ldns_rdf *name, ldns_rr_type type, ldns_pkt **out);
/* A validator ahead callback (val_ctx_set_ahead), arg a query_fetcher:
 * send the question now, so that the query_fetch that asks for it later
 * finds its answer waiting or on its way instead of starting a round
 * trip then.  At most QUERY_AHEAD_MAX questions wait per fetcher; a hint
 * beyond that, or one that cannot be sent, is dropped (the fetch asks
 * for itself then). */
#define QUERY_AHEAD_MAX 12
void query_fetch_ahead(void *arg, const ldns_rdf *name, ldns_rr_type type);
/* Forget the questions sent ahead and not asked for (between two
 * domains, and before the fetcher goes: they hold sockets). */
void query_fetcher_clear(query_fetcher *f);

#endif
