/*
 * fetch.c - the validator's fetch callback over the query engine, and
 * questions sent ahead of it (see query.h).
 *
 * The validator asks for one answer at a time and waits for each (it
 * never opens sockets itself).  A caller that knows what will be asked
 * next -- the DS and DNSKEY sets of the zones above a signer, the A, AAAA
 * and TLSA records of an MX host -- says so through the ahead callback;
 * the question is sent at once (query_start) and its answer waits in its
 * socket until query_fetch asks for it, so those round trips overlap
 * instead of following one another (issue 16).  No threads: the waiting
 * happens in the network.  Everything here belongs to one fetcher, used
 * by one thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/net/query.h"
#include "probe/util/clock.h"

struct query_ahead {
	size_t n;
	query_pending q[QUERY_AHEAD_MAX];
};

/* The options of every fetch: RD=1 DO=1 CD=1 with EDNS. */
static query_opts fetch_opts(const query_fetcher *f)
{
	query_opts o = f->opts;

	o.flags = (o.flags & ~(unsigned)(QUERY_NOEDNS)) | QUERY_RD | QUERY_DO | QUERY_CD;
	return o;
}

static query_pending *ahead_find(query_fetcher *f, const ldns_rdf *name, ldns_rr_type type)
{
	for (size_t i = 0; f->ahead && i < f->ahead->n; i++)
		if (f->ahead->q[i].type == type && ldns_dname_compare(f->ahead->q[i].name, name) == 0)
			return &f->ahead->q[i];
	return NULL;
}

void query_fetch_ahead(void *arg, const ldns_rdf *name, ldns_rr_type type)
{
	query_fetcher *f = arg;
	query_opts o;
	query_response scratch;

	if (!f || !name || ahead_find(f, name, type))
		return;
	if (!f->ahead && (f->ahead = calloc(1, sizeof *f->ahead)) == NULL)
		return;
	if (f->ahead->n == QUERY_AHEAD_MAX)
		return;
	o = fetch_opts(f);
	if (query_start(f->server, name, type, &o, &f->ahead->q[f->ahead->n], &scratch) == DP_OK) {
		f->ahead->n++;
		f->ahead_sent++;
	}
}

/* The question (name, type) sent ahead, taken out of the table: 1 with
 * *p filled, 0 when it was not sent ahead. */
static int ahead_take(query_fetcher *f, const ldns_rdf *name, ldns_rr_type type, query_pending *p)
{
	query_pending *slot = ahead_find(f, name, type);

	if (!slot)
		return 0;
	*p = *slot;
	*slot = f->ahead->q[--f->ahead->n];
	return 1;
}

void query_fetcher_clear(query_fetcher *f)
{
	if (!f || !f->ahead)
		return;
	for (size_t i = 0; i < f->ahead->n; i++)
		query_pending_free(&f->ahead->q[i]);
	free(f->ahead);
	f->ahead = NULL;
}

/* The answer: from a question sent ahead when there is one, else asked
 * now.  *ahead says which. */
static int fetch_answer(query_fetcher *f, const ldns_rdf *name, ldns_rr_type type,
			query_response *r, int *ahead)
{
	query_opts o = fetch_opts(f);
	query_pending p;

	*ahead = ahead_take(f, name, type, &p);
	if (!*ahead)
		return query_query(f->server, name, type, &o, r);
	f->ahead_used++;
	/* The timeout is what the caller waits from now: a question sent
	 * ahead while the lookup was busy elsewhere keeps its full time
	 * (with it counted from the send, hints sent in a burst at the
	 * start of 64 workers timed out against a loaded resolver). */
	p.deadline = dp_mono_ms() + (p.deadline - p.start);
	return query_finish(&p, r);
}

int query_fetch(void *arg, const ldns_rdf *name, ldns_rr_type type, ldns_pkt **out)
{
	query_fetcher *f = arg;
	query_response r;
	char line[512], nbuf[LDNS_MAX_DOMAINLEN + 8], tbuf[32];
	int rc, ahead;

	rc = fetch_answer(f, name, type, &r, &ahead);
	f->queries++;
	/* the name in text only for a line that is printed */
	if (f->trace) {
		val_dname_str(name, nbuf, sizeof nbuf);
		val_rrtype_str(type, tbuf, sizeof tbuf);
	}
	if (rc != DP_OK) {
		f->errors++;
		snprintf(f->last_error, sizeof f->last_error, "%s", r.detail);
		if (f->trace) {
			if (snprintf(line, sizeof line, "query %s/%s @%s: %s (%s)", nbuf, tbuf,
				     f->server->text, dp_strerror(rc), r.detail) < 0)
				line[0] = '\0';
			f->trace(f->trace_arg, line);
		}
		query_response_clear(&r);
		return rc;
	}
	if (f->trace) {
		ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, ldns_pkt_get_rcode(r.pkt));
		size_t an = ldns_pkt_ancount(r.pkt);
		char sends[32] = "";
		if (r.udp_sends > 1)
			snprintf(sends, sizeof sends, ", %d UDP sends", r.udp_sends);
		snprintf(line, sizeof line, "query %s/%s @%s %s%s: %s %zu answer%s (%d ms%s%s)",
			 nbuf, tbuf, f->server->text, r.via_tcp ? "tcp" : "udp",
			 r.udp_truncated ? " after TC" : "",
			 lt ? lt->name : "RCODE?", an, an == 1 ? "" : "s", r.rtt_ms, sends,
			 ahead ? ", sent ahead" : "");
		f->trace(f->trace_arg, line);
	}
	*out = r.pkt;
	r.pkt = NULL;
	query_response_clear(&r);
	return DP_OK;
}
