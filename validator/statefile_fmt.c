/*
 * statefile_fmt.c - writing an RFC 5011 trust point as the text of the
 * state file (the format is described in statefile.c, which reads it).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "validator/statefile.h"
#include "validator/civil.h"

/* ---- formatting ---- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		char *np = realloc(b->p, b->cap * 2 + (size_t)n + 1);
		if (np == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = b->cap * 2 + (size_t)n + 1;
	}
}

/* UTC date of t for comments; the parser ignores it. */
static const char *fmt_date(int64_t t, char *buf, size_t len)
{
	if (t > 0)
		return dp_time_fmt(t, buf, len);
	snprintf(buf, len, "never");
	return buf;
}

/* The rdata of rr as zone-file text (malloced), or NULL. */
static char *rdata_str(const ldns_rr *rr)
{
	ldns_buffer *buf = ldns_buffer_new(1024);
	char *s = NULL;

	if (buf == NULL)
		return NULL;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		if (i > 0)
			ldns_buffer_printf(buf, " ");
		if (ldns_rdf2buffer_str(buf, ldns_rr_rdf(rr, i)) != LDNS_STATUS_OK)
			goto out;
	}
	s = ldns_buffer_export2str(buf);
out:
	ldns_buffer_free(buf);
	return s;
}

static void format_key(sbuf *b, const rfc5011_key *k)
{
	const ldns_rr *rr = k->dnskey != NULL ? k->dnskey : k->ds;
	char d1[32], d2[32];
	char *rd;

	if (rr == NULL)
		return;
	rd = rdata_str(rr);
	if (rd == NULL) {
		b->oom = 1;
		return;
	}
	sb_printf(b, "; key %u (algorithm %u): %s since %s, first seen %s\n", k->tag, k->alg,
		  rfc5011_state_str(k->state), fmt_date(k->last_change, d1, sizeof(d1)),
		  fmt_date(k->first_seen, d2, sizeof(d2)));
	sb_printf(b, "key %u %u %s %lld %lld %u %u %s %s\n", k->tag, k->alg,
		  rfc5011_state_str(k->state), (long long)k->first_seen,
		  (long long)k->last_change, k->seen_count, k->missing_count,
		  k->dnskey != NULL ? "dnskey" : "ds", rd);
	free(rd);
}

int statefile_format(const rfc5011_tp *tp, int64_t now, char **out, size_t *len)
{
	sbuf b = { NULL, 0, 0, 0 };
	char d[32];
	char *zone;

	if (tp == NULL || out == NULL)
		return DP_EINVAL;
	zone = ldns_rdf2str(tp->zone);
	b.cap = 4096;
	b.p = malloc(b.cap);
	if (zone == NULL || b.p == NULL) {
		free(zone);
		free(b.p);
		return DP_ENOMEM;
	}
	sb_printf(&b, "; daneprobe RFC 5011 trust anchor state, written %s\n", fmt_date(now, d, sizeof(d)));
	sb_printf(&b, "; Times are seconds since 1970 (UTC).  Edit only with daneprobe stopped.\n");
	sb_printf(&b, "version 1\ntrust-point %s\n", zone);
	sb_printf(&b, "last-success %lld ; %s\n", (long long)tp->last_success,
		  fmt_date(tp->last_success, d, sizeof(d)));
	sb_printf(&b, "last-attempt %lld ; %s\n", (long long)tp->last_attempt,
		  fmt_date(tp->last_attempt, d, sizeof(d)));
	sb_printf(&b, "next-probe %lld ; %s\n", (long long)tp->next_probe,
		  fmt_date(tp->next_probe, d, sizeof(d)));
	sb_printf(&b, "high-water %lld\n", (long long)tp->high_water);
	sb_printf(&b, "ttl %u\n", tp->ttl);
	sb_printf(&b, "sig-expiry %lld ; %s\n", (long long)tp->sig_expiry,
		  fmt_date(tp->sig_expiry, d, sizeof(d)));
	for (size_t i = 0; i < tp->n_keys; i++)
		format_key(&b, &tp->keys[i]);
	sb_printf(&b, "end\n");
	free(zone);
	if (b.oom) {
		free(b.p);
		return DP_ENOMEM;
	}
	*out = b.p;
	if (len != NULL)
		*len = b.len;
	return DP_OK;
}
