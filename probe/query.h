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
#include "../validator/dp_err.h"
#include "../validator/val.h"

typedef struct dq_server {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char text[80];            /* "127.0.0.1", "[::1]:5353", as printed */
} dq_server;

/* Parse "ADDR", "ADDR:PORT", "[V6]", "[V6]:PORT" (port default 53).
 * DP_EINVAL on anything else.  Names are not resolved. */
int dq_server_parse(const char *s, dq_server *out);

enum dq_flags {
	DQ_RD = 1 << 0,
	DQ_DO = 1 << 1,          /* EDNS with DO=1 */
	DQ_CD = 1 << 2,
	DQ_NOEDNS = 1 << 3,      /* no OPT record at all */
	DQ_TCP = 1 << 4,         /* TCP only */
	DQ_NO_TCP_FALLBACK = 1 << 5 /* keep a TC=1 UDP answer, do not retry over TCP */
};

typedef struct dq_opts {
	unsigned flags;
	uint16_t edns_size;      /* advertised UDP size; 0 = 1232 */
	int timeout_ms;          /* whole query, all tries; 0 = 1500 */
	int udp_tries;           /* 0 = 2 */
} dq_opts;

typedef struct dq_response {
	ldns_pkt *pkt;           /* parsed answer, malloced (dq_response_clear frees) */
	uint8_t *wire;           /* raw bytes of that answer, malloced */
	size_t wire_len;
	int rtt_ms;              /* of the exchange that gave the answer */
	int via_tcp;             /* answer came over TCP */
	int udp_truncated;       /* the UDP answer had TC=1 */
	char detail[160];        /* on error: what happened ("timeout after 1500 ms over UDP") */
} dq_response;

/* Ask server for (name, type, IN).  DP_OK with out->pkt set; otherwise
 * DP_ETIMEOUT, DP_ENET, DP_EPARSE (garbage), DP_EPROTO (TC over TCP,
 * mismatched question), with out->detail saying what happened.
 * Answers with a wrong ID, question or source address are dropped and
 * the wait goes on until the timeout. */
int dq_query(const dq_server *server, const ldns_rdf *name, ldns_rr_type type,
	     const dq_opts *opts, dq_response *out);
void dq_response_clear(dq_response *r);

/* A validator fetch callback (val.h) that queries one resolver with
 * RD=1 DO=1 CD=1.  arg is a dq_fetcher; the trace callback, if set,
 * gets one line per query. */
typedef struct dq_fetcher {
	const dq_server *server;
	dq_opts opts;
	val_trace_fn trace;
	void *trace_arg;
	/* counters, updated by dq_fetch (not thread-safe: one per thread) */
	unsigned long queries, errors;
	/* the detail of the last failed query ("malformed answer from ...") */
	char last_error[160];
} dq_fetcher;
int dq_fetch(void *arg, const ldns_rdf *name, ldns_rr_type type, ldns_pkt **out);

#endif
