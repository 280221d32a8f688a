/*
 * dane.c - the DANE path engine (see dane.h).
 *
 * The order of the steps follows the source document's daneverify and
 * RFC 7672: MX (2.2.1), addresses per MX host with IPv6 first, TLSA with
 * the CNAME rules of 2.2.2, then SMTP, STARTTLS and the certificate check
 * (3.1, 3.2).  Like daneverify, the walk goes on to the next address and
 * the next MX host until one gives DANE success.  Every path (one address
 * of one host) is judged by policy_decide under both policies; the
 * domain's verdict under a policy is that of the first path a sending MTA
 * would deliver on (RFC 5321 5.1 order), or DANE Fail when none.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include "probe/util/clock.h"
#include "probe/dane/dane.h"
#include "probe/dane/smtp.h"

/* snprintf that truncates on purpose: reasons are cut, never overflowed. */
static void dane_fmt(char *dst, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void dane_fmt(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}

#define DANE_MAX_ADDRS 16   /* per host and family: a sender tries a few, not hundreds */

typedef struct dane_cache_ent {
	dane_host host;             /* DNS fields only; addrs and tlsa owned */
	char cname_target[256];
} dane_cache_ent;

struct dane_cache {
	dane_cache_ent *ents;
	size_t n, max;
};

typedef struct dane_run {
	val_ctx *vctx;
	dane_cache *cache;
	const dane_cfg *cfg;
	dane_result *res;
	int oom;
} dane_run;

const char *dane_lookup_json(pol_lookup l)
{
	switch (l) {
	case POL_SECURE: return "secure";
	case POL_INSECURE: return "insecure";
	case POL_BOGUS: return "bogus";
	case POL_NXDOMAIN: return "nxdomain";
	case POL_LOOKUP_ERROR: return "indeterminate";
	default: return "not-checked";
	}
}

static void dane_event_add(dane_run *run, dane_ev_kind kind, int host, int addr)
{
	dane_result *r = run->res;
	dane_event *grown;

	if (run->oom)
		return;
	grown = realloc(r->events, (r->n_events + 1) * sizeof *grown);
	if (grown == NULL) {
		run->oom = 1;
		return;
	}
	r->events = grown;
	r->events[r->n_events].kind = kind;
	r->events[r->n_events].host = host;
	r->events[r->n_events].addr = addr;
	r->n_events++;
}

/* The validator's verdict in the tables' words.  INDETERMINATE (no
 * answer, SERVFAIL) is kept apart from BOGUS: RFC 7672 2.1.1. */
static pol_lookup dane_status(const val_result *v)
{
	switch (v->status) {
	case VAL_SECURE: return POL_SECURE;
	case VAL_INSECURE: return POL_INSECURE;
	case VAL_BOGUS: return POL_BOGUS;
	default: return POL_LOOKUP_ERROR;
	}
}

static void dane_copy_reason(char *dst, size_t len, const val_result *v)
{
	dane_fmt(dst, len, "%s", v->reason[0] ? v->reason : val_status_str(v->status));
}

static int dane_resolve(dane_run *run, const char *name, ldns_rr_type type, val_result **out)
{
	ldns_rdf *dn = NULL;
	int rc;

	*out = NULL;
	if (ldns_str2rdf_dname(&dn, name) != LDNS_STATUS_OK)
		return DP_EINVAL;
	rc = val_resolve(run->vctx, dn, type, out);
	ldns_rdf_deep_free(dn);
	if (rc != DP_OK)
		run->oom = rc == DP_ENOMEM;
	return rc;
}

/* ---- MX (RFC 7672 2.2.1) ---- */

/* DNS names compare case-insensitively; print them in lowercase (a
 * resolver's name compression may hand back the query's case). */
static void dane_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int dane_host_add(dane_run *run, const char *name, int pref)
{
	dane_result *r = run->res;
	dane_host *grown = realloc(r->hosts, (r->n_hosts + 1) * sizeof *grown);

	if (grown == NULL) {
		run->oom = 1;
		return DP_ENOMEM;
	}
	r->hosts = grown;
	memset(&r->hosts[r->n_hosts], 0, sizeof r->hosts[0]);
	dane_fmt(r->hosts[r->n_hosts].name, sizeof r->hosts[0].name, "%s", name);
	dane_lower(r->hosts[r->n_hosts].name);
	r->hosts[r->n_hosts].preference = pref;
	r->n_hosts++;
	return DP_OK;
}

static int dane_host_cmp(const void *a, const void *b)
{
	const dane_host *x = a, *y = b;

	/* Stable enough: equal preferences keep the answer's order through
	 * the name tie-break, which makes runs reproducible (RFC 5321 5.1
	 * lets the sender choose among equal preferences). */
	if (x->preference != y->preference)
		return x->preference < y->preference ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Returns 1 when the walk may go on to the hosts, 0 when the MX step
 * ended it (bogus, lookup error, NXDOMAIN, null MX). */
static int dane_mx_step(dane_run *run)
{
	dane_result *r = run->res;
	val_result *v = NULL;
	size_t i;
	int max = run->cfg->max_hosts > 0 ? run->cfg->max_hosts : 10;

	if (dane_resolve(run, r->domain, LDNS_RR_TYPE_MX, &v) != DP_OK || v == NULL) {
		r->mx_status = POL_LOOKUP_ERROR;
		dane_fmt(r->mx_reason, sizeof r->mx_reason, "could not look up the MX record");
		dane_event_add(run, DV_MX_ERROR, -1, -1);
		val_result_free(v);
		return 0;
	}
	r->mx_status = dane_status(v);
	dane_copy_reason(r->mx_reason, sizeof r->mx_reason, v);
	if (r->mx_status == POL_LOOKUP_ERROR) {
		/* Nothing answered at all: an operational problem, not a
		 * verdict on the domain (exit code 3 when all are like it). */
		r->unknown = v->fetch_error != DP_OK && !v->answered;
		dane_event_add(run, DV_MX_ERROR, -1, -1);
		val_result_free(v);
		return 0;
	}
	if (r->mx_status == POL_BOGUS) {
		dane_event_add(run, DV_MX_BOGUS, -1, -1);
		val_result_free(v);
		return 0;
	}
	if (v->nxdomain) {
		r->nxdomain = 1;
		dane_event_add(run, DV_MX_NXDOMAIN, -1, -1);
		val_result_free(v);
		return 0;
	}
	for (i = 0; v->rrset != NULL && i < ldns_rr_list_rr_count(v->rrset); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(v->rrset, i);
		char name[256];

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX || ldns_rr_rd_count(rr) != 2)
			continue;
		val_dname_str(ldns_rr_rdf(rr, 1), name, sizeof name);
		/* RFC 7505: a single MX with the root as target and
		 * preference 0 says "no mail here". */
		if (strcmp(name, ".") == 0 || name[0] == '\0') {
			r->null_mx = 1;
			continue;
		}
		if (dane_host_add(run, name, ldns_rdf2native_int16(ldns_rr_rdf(rr, 0))) != DP_OK)
			break;
	}
	val_result_free(v);
	if (r->null_mx && r->n_hosts == 0) {
		dane_event_add(run, DV_NULL_MX, -1, -1);
		return 0;
	}
	if (r->n_hosts == 0) {
		/* RFC 5321 5.1 / RFC 7672 2.2.1: no MX, the domain itself
		 * is the host; the MX "status" is that of the denial. */
		r->implicit_mx = 1;
		dane_event_add(run, DV_IMPLICIT_MX, -1, -1);
		return dane_host_add(run, r->domain, 0) == DP_OK;
	}
	qsort(r->hosts, r->n_hosts, sizeof r->hosts[0], dane_host_cmp);
	if (r->n_hosts > (size_t)max)
		r->n_hosts = (size_t)max;
	return 1;
}

/* ---- addresses ---- */

static dane_addr *dane_addr_add(dane_run *run, dane_host *h)
{
	dane_addr *grown = realloc(h->addrs, (h->n_addrs + 1) * sizeof *grown);

	if (grown == NULL) {
		run->oom = 1;
		return NULL;
	}
	h->addrs = grown;
	memset(&h->addrs[h->n_addrs], 0, sizeof h->addrs[0]);
	return &h->addrs[h->n_addrs++];
}

/* One family's addresses.  *cname_target gets the final name when the
 * lookup followed a secure CNAME chain (for RFC 7672 2.2.2). */
static pol_lookup dane_addr_step(dane_run *run, dane_host *h, ldns_rr_type type,
				 char *cname_target, size_t ct_len)
{
	val_result *v = NULL;
	pol_lookup st;
	size_t i, n = 0;

	if (dane_resolve(run, h->name, type, &v) != DP_OK || v == NULL) {
		val_result_free(v);
		return POL_LOOKUP_ERROR;
	}
	st = dane_status(v);
	for (i = 0; v->rrset != NULL && i < ldns_rr_list_rr_count(v->rrset) && n < DANE_MAX_ADDRS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(v->rrset, i);
		dane_addr *a;
		const ldns_rdf *f;

		if (ldns_rr_get_type(rr) != type || ldns_rr_rd_count(rr) != 1)
			continue;
		f = ldns_rr_rdf(rr, 0);
		if ((a = dane_addr_add(run, h)) == NULL)
			break;
		a->family = type == LDNS_RR_TYPE_AAAA ? 6 : 4;
		if (type == LDNS_RR_TYPE_AAAA && ldns_rdf_size(f) == 16)
			inet_ntop(AF_INET6, ldns_rdf_data(f), a->address, sizeof a->address);
		else if (type == LDNS_RR_TYPE_A && ldns_rdf_size(f) == 4)
			inet_ntop(AF_INET, ldns_rdf_data(f), a->address, sizeof a->address);
		a->status = st;
		if (st != POL_SECURE)
			dane_copy_reason(a->lookup_reason, sizeof a->lookup_reason, v);
		n++;
	}
	/* A bogus or failed lookup without usable data still is a path:
	 * the tables' "Bogus" address row (or a lookup error). */
	if (n == 0 && (st == POL_BOGUS || st == POL_LOOKUP_ERROR)) {
		dane_addr *a = dane_addr_add(run, h);
		if (a != NULL) {
			a->family = type == LDNS_RR_TYPE_AAAA ? 6 : 4;
			a->status = st;
			dane_copy_reason(a->lookup_reason, sizeof a->lookup_reason, v);
		}
	}
	if (st == POL_SECURE && n > 0 && cname_target[0] == '\0' && v->final_name != NULL &&
	    v->qname != NULL && ldns_dname_compare(v->final_name, v->qname) != 0)
		val_dname_str(v->final_name, cname_target, ct_len);
	val_result_free(v);
	return st;
}

/* ---- TLSA (RFC 7672 2.2.2) ---- */

static void dane_tlsa_step(dane_run *run, dane_host *h, const char *cname_target)
{
	const char *bases[2];
	size_t nb = 0, i;

	h->tlsa_looked_up = 1;
	/* RFC 7672 2.2.2: when the address came through a secure CNAME
	 * chain, the TLSA base domain is first the fully expanded name,
	 * then (if it has no TLSA records) the MX host name itself. */
	if (cname_target[0] != '\0')
		bases[nb++] = cname_target;
	bases[nb++] = h->name;
	for (i = 0; i < nb; i++) {
		char qn[300];
		val_result *v = NULL;
		int has;

		dane_fmt(qn, sizeof qn, "_25._tcp.%s", bases[i]);
		dane_fmt(h->tlsa_name, sizeof h->tlsa_name, "%s", qn);
		dane_fmt(h->base_domain, sizeof h->base_domain, "%s", bases[i]);
		if (dane_resolve(run, qn, LDNS_RR_TYPE_TLSA, &v) != DP_OK || v == NULL) {
			h->tlsa_status = POL_LOOKUP_ERROR;
			dane_fmt(h->tlsa_reason, sizeof h->tlsa_reason, "could not look up %s/TLSA", qn);
			val_result_free(v);
			return;
		}
		h->tlsa_status = dane_status(v);
		dane_copy_reason(h->tlsa_reason, sizeof h->tlsa_reason, v);
		has = v->rrset != NULL && ldns_rr_list_rr_count(v->rrset) > 0;
		if (h->tlsa_status == POL_SECURE && has) {
			if (tlsa_set_from_rrs(v->rrset, &h->tlsa) != DP_OK) {
				/* Malformed TLSA rdata: no usable record. */
				h->tlsa.n = 0;
			}
			h->tlsa_usable = tlsa_set_usable(&h->tlsa);
			if (h->tlsa_usable == 0)
				dane_fmt(h->tlsa_reason, sizeof h->tlsa_reason,
					 "%s has %zu TLSA record(s), none usable for SMTP (RFC 7672 3.1.3: only usages 2 and 3, selectors 0/1, matching types 0/1/2)",
					 qn, h->tlsa.n);
			else
				h->tlsa_reason[0] = '\0';
		} else if (h->tlsa_status == POL_SECURE) {
			/* Proved absent (NXDOMAIN or NODATA). */
			h->tlsa_status = POL_NXDOMAIN;
			dane_fmt(h->tlsa_reason, sizeof h->tlsa_reason, "%s: no TLSA record (%s proved by DNSSEC)",
				 qn, v->nxdomain ? "NXDOMAIN" : "NODATA");
		} else if (h->tlsa_status == POL_INSECURE && has) {
			tlsa_set_from_rrs(v->rrset, &h->tlsa);
		}
		val_result_free(v);
		/* Only "no records" moves on to the next candidate; a
		 * failure or bogus answer is final (RFC 7672 2.2). */
		if (has || (h->tlsa_status != POL_NXDOMAIN && h->tlsa_status != POL_INSECURE))
			return;
	}
}

/* ---- the per-worker host cache ---- */

int dane_cache_new(dane_cache **out, size_t max_hosts)
{
	dane_cache *c = calloc(1, sizeof *c);

	if (c == NULL)
		return DP_ENOMEM;
	c->max = max_hosts;
	*out = c;
	return DP_OK;
}

static void dane_host_clear(dane_host *h)
{
	size_t j;

	for (j = 0; j < h->n_addrs; j++)
		free(h->addrs[j].matched);
	free(h->addrs);
	tlsa_set_free(&h->tlsa);
}

void dane_cache_free(dane_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		dane_host_clear(&c->ents[i].host);
	free(c->ents);
	free(c);
}

/* Copy the DNS part of src into dst (keeps dst's preference).  Only
 * done before any SMTP step, so the addresses carry no session data. */
static int dane_host_copy_dns(dane_host *dst, const dane_host *src)
{
	int pref = dst->preference;
	size_t i;

	*dst = *src;
	dst->preference = pref;
	dst->addrs = NULL;
	dst->tlsa.recs = NULL;
	dst->tlsa.n = 0;
	if (src->n_addrs > 0) {
		dst->addrs = malloc(src->n_addrs * sizeof *dst->addrs);
		if (dst->addrs == NULL) {
			dst->n_addrs = 0;
			return DP_ENOMEM;
		}
		memcpy(dst->addrs, src->addrs, src->n_addrs * sizeof *dst->addrs);
		for (i = 0; i < src->n_addrs; i++)
			dst->addrs[i].matched = NULL;
	}
	if (src->tlsa.n > 0) {
		dst->tlsa.recs = calloc(src->tlsa.n, sizeof *dst->tlsa.recs);
		if (dst->tlsa.recs == NULL)
			return DP_ENOMEM;
		for (i = 0; i < src->tlsa.n; i++) {
			const tlsa_rec *r = &src->tlsa.recs[i];
			dst->tlsa.recs[i] = *r;
			dst->tlsa.recs[i].data = malloc(r->len ? r->len : 1);
			if (dst->tlsa.recs[i].data == NULL)
				return DP_ENOMEM;
			memcpy(dst->tlsa.recs[i].data, r->data, r->len);
			dst->tlsa.n = i + 1;
		}
	}
	return DP_OK;
}

static const dane_cache_ent *dane_cache_find(const dane_cache *c, const char *name)
{
	size_t i;

	for (i = 0; c != NULL && i < c->n; i++)
		if (strcasecmp(c->ents[i].host.name, name) == 0)
			return &c->ents[i];
	return NULL;
}

static void dane_cache_put(dane_cache *c, const dane_host *h, const char *cname_target)
{
	dane_cache_ent *e;

	if (c == NULL || c->n >= c->max)
		return;
	if (c->ents == NULL) {
		c->ents = calloc(c->max, sizeof *c->ents);
		if (c->ents == NULL)
			return;
	}
	e = &c->ents[c->n];
	memset(e, 0, sizeof *e);
	if (dane_host_copy_dns(&e->host, h) != DP_OK) {
		dane_host_clear(&e->host);
		return;
	}
	snprintf(e->cname_target, sizeof e->cname_target, "%s", cname_target);
	c->n++;
}

/* The DNS part of one host: AAAA, A (IPv6 first, as the appliance does
 * by default), and TLSA when some address is secure (the tables stop at
 * an address that is not).  From the cache when it has the host. */
static void dane_host_dns(dane_run *run, dane_host *h, char *cname_target, size_t ct_len)
{
	const dane_cache_ent *e = dane_cache_find(run->cache, h->name);
	size_t i;

	if (e != NULL) {
		if (dane_host_copy_dns(h, &e->host) != DP_OK)
			run->oom = 1;
		snprintf(cname_target, ct_len, "%s", e->cname_target);
		return;
	}
	h->aaaa_status = dane_addr_step(run, h, LDNS_RR_TYPE_AAAA, cname_target, ct_len);
	h->a_status = dane_addr_step(run, h, LDNS_RR_TYPE_A, cname_target, ct_len);
	for (i = 0; i < h->n_addrs; i++)
		if (h->addrs[i].status == POL_SECURE && h->addrs[i].address[0] != '\0') {
			dane_tlsa_step(run, h, cname_target);
			break;
		}
	/* A lookup that failed (timeout, SERVFAIL) may work for the next
	 * domain: only verdicts are kept, not transient failures. */
	if (run->oom || h->a_status == POL_LOOKUP_ERROR || h->aaaa_status == POL_LOOKUP_ERROR ||
	    (h->tlsa_looked_up && h->tlsa_status == POL_LOOKUP_ERROR))
		return;
	dane_cache_put(run->cache, h, cname_target);
}

/* ---- SMTP, STARTTLS, certificate ---- */

static int dane_sockaddr(const dane_addr *a, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	if (a->family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof *s6;
		return inet_pton(AF_INET6, a->address, &s6->sin6_addr) == 1 ? DP_OK : DP_EINVAL;
	}
	{
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof *s4;
		return inet_pton(AF_INET, a->address, &s4->sin_addr) == 1 ? DP_OK : DP_EINVAL;
	}
}

static void dane_smtp_step(dane_run *run, int hi, int ai)
{
	dane_host *h = &run->res->hosts[hi];
	dane_addr *a = &h->addrs[ai];
	const dane_cfg *cfg = run->cfg;
	struct sockaddr_storage ss;
	socklen_t sl;
	smtp_session s;
	SSL *ssl = NULL;
	size_t nu = 0;
	int dane_auth = h->tlsa_status == POL_SECURE && h->tlsa_usable > 0, rc;

	smtp_session_init(&s);
	a->tried_smtp = 1;
	dane_event_add(run, DV_CONNECTING, hi, ai);
	if (dane_sockaddr(a, cfg->port > 0 ? cfg->port : 25, &ss, &sl) != DP_OK) {
		dane_fmt(a->smtp_detail, sizeof a->smtp_detail, "bad address %s", a->address);
		a->obs.connect_failed = 1;
		dane_event_add(run, DV_CONNECT_FAIL, hi, ai);
		return;
	}
	rc = smtp_connect(&s, (struct sockaddr *)&ss, sl, cfg->smtp_timeout_ms);
	if (rc != DP_OK) {
		dane_fmt(a->smtp_detail, sizeof a->smtp_detail, "%s", s.detail);
		a->obs.connect_failed = 1;
		dane_event_add(run, DV_CONNECT_FAIL, hi, ai);
		dane_event_add(run, DV_TLSA, hi, ai);
		smtp_close(&s);
		return;
	}
	a->connected = 1;
	dane_fmt(a->local, sizeof a->local, "%s", s.local);
	dane_event_add(run, DV_CONNECTED, hi, ai);
	dane_event_add(run, DV_TLSA, hi, ai);
	rc = smtp_greet(&s, cfg->helo_name);
	if (rc != DP_OK) {
		dane_fmt(a->smtp_detail, sizeof a->smtp_detail, "%s", s.detail);
		a->obs.connect_failed = 1;
		dane_event_add(run, DV_CONNECT_FAIL, hi, ai);
		smtp_close(&s);
		return;
	}
	a->starttls = s.starttls_offered;
	if (!s.starttls_offered) {
		dane_fmt(a->smtp_detail, sizeof a->smtp_detail, "%s did not offer STARTTLS in its EHLO reply",
			 a->address);
		a->obs.no_starttls = 1;
		dane_event_add(run, DV_NO_STARTTLS, hi, ai);
		smtp_close(&s);
		return;
	}
	dane_event_add(run, DV_CHECK_TLS, hi, ai);
	rc = smtp_starttls(&s);
	if (rc == DP_OK)
		rc = tlsa_ssl_new(cfg->ssl_ctx, h->base_domain[0] ? h->base_domain : h->name, h->name,
				  dane_auth ? &h->tlsa : NULL, &ssl, &nu);
	if (rc == DP_OK)
		rc = smtp_tls_handshake(&s, ssl);
	if (rc != DP_OK) {
		dane_fmt(a->smtp_detail, sizeof a->smtp_detail, "%s",
			 s.detail[0] ? s.detail : dp_strerror(rc));
		if (rc == DP_ESMTP)
			a->obs.no_starttls = 1;   /* offered, then refused */
		else
			a->obs.tls_failed = 1;
		dane_event_add(run, DV_TLS_FAIL, hi, ai);
		smtp_close(&s);
		SSL_free(ssl);
		return;
	}
	dane_fmt(a->protocol, sizeof a->protocol, "%s", SSL_get_version(ssl));
	dane_fmt(a->cipher, sizeof a->cipher, "%s", SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
	dane_event_add(run, DV_TLS_EST, hi, ai);
	if (dane_auth) {
		char matched[300], why[256];
		rc = tlsa_ssl_outcome(ssl, matched, sizeof matched, NULL, why, sizeof why);
		if (rc == DP_OK) {
			a->cert = DANE_CERT_SUCCESS;
			a->matched = strdup(matched);
			dane_event_add(run, DV_CERT_OK, hi, ai);
			dane_event_add(run, DV_TLS_SUCCEEDED, hi, ai);
		} else {
			a->cert = DANE_CERT_FAILED;
			dane_fmt(a->smtp_detail, sizeof a->smtp_detail,
				 "the certificate chain of %s matches none of the %zu usable TLSA record(s) at %s: %s",
				 a->address, h->tlsa_usable, h->tlsa_name, why);
			dane_event_add(run, DV_CERT_FAIL, hi, ai);
		}
	}
	smtp_close(&s);
	SSL_free(ssl);
	ERR_clear_error();
}

/* ---- one path ---- */

static void dane_judge(dane_run *run, dane_host *h, dane_addr *a)
{
	const char *res = run->cfg->resolver ? run->cfg->resolver : "the resolver";
	int k;

	a->obs.mx = run->res->mx_status;
	a->obs.addr = a->status;
	a->obs.tlsa = h->tlsa_looked_up ? h->tlsa_status : POL_NONE;
	a->obs.tlsa_unusable = h->tlsa_status == POL_SECURE && h->tlsa_usable == 0;
	a->obs.cert = a->cert == DANE_CERT_SUCCESS ? POL_CERT_SUCCESS :
		      a->cert == DANE_CERT_FAILED ? POL_CERT_FAILED : POL_CERT_NONE;
	for (k = 0; k < 2; k++) {
		char why[512], step[700] = "";

		a->action[k] = policy_decide((pol_kind)k, &a->obs, why, sizeof why, NULL);
		if (a->action[k] == POL_DANE_SUCCESS) {
			dane_fmt(a->reason[k], sizeof a->reason[k], "%s", why);
			continue;
		}
		/* Name the step and the record that decided it. */
		if (a->obs.mx == POL_BOGUS || a->obs.mx == POL_INSECURE)
			dane_fmt(step, sizeof step, "; MX %s/MX: %s", run->res->domain, run->res->mx_reason);
		if (a->status != POL_SECURE)
			dane_fmt(step + strlen(step), sizeof step - strlen(step), "; %s %s/%s: %s",
				 a->address[0] ? a->address : "(no address)", h->name,
				 a->family == 6 ? "AAAA" : "A", a->lookup_reason);
		else if (h->tlsa_status != POL_SECURE || h->tlsa_usable == 0)
			dane_fmt(step + strlen(step), sizeof step - strlen(step), "; TLSA %s: %s",
				 h->tlsa_name, h->tlsa_reason[0] ? h->tlsa_reason : dane_lookup_json(h->tlsa_status));
		/* A session problem is worth saying even when the table
		 * decided on DNS alone (it makes the path undeliverable). */
		if (a->smtp_detail[0])
			dane_fmt(step + strlen(step), sizeof step - strlen(step), "; SMTP %s: %s",
				 a->address, a->smtp_detail);
		dane_fmt(a->reason[k], sizeof a->reason[k], "%s%s (resolver %s)", why, step, res);
	}
}

/* ---- the domain verdict ---- */

static void dane_verdict(dane_run *run)
{
	dane_result *r = run->res;
	const char *res = run->cfg->resolver ? run->cfg->resolver : "the resolver";
	int k;

	for (k = 0; k < 2; k++) {
		size_t hi, ai, fails = 0;
		int found = 0;

		r->verdict[k] = POL_DANE_FAIL;
		for (hi = 0; hi < r->n_hosts && !found; hi++)
			for (ai = 0; ai < r->hosts[hi].n_addrs && !found; ai++) {
				const dane_addr *a = &r->hosts[hi].addrs[ai];
				/* A host that cannot be reached delivers nothing:
				 * the MTA tries the next one (RFC 5321 5.1). */
				if (a->action[k] == POL_DANE_FAIL || a->obs.connect_failed) {
					fails++;
					continue;
				}
				found = 1;
				r->verdict[k] = a->action[k];
				dane_fmt(r->reason[k], sizeof r->reason[k], "MX(%s) %s: %s",
					 r->hosts[hi].name, a->address, a->reason[k]);
			}
		if (found)
			continue;
		if (r->mx_status == POL_BOGUS)
			dane_fmt(r->reason[k], sizeof r->reason[k],
				 "the MX record of %s is bogus: %s (resolver %s)", r->domain, r->mx_reason, res);
		else if (r->mx_status == POL_LOOKUP_ERROR)
			dane_fmt(r->reason[k], sizeof r->reason[k],
				 "the MX lookup for %s failed: %s (resolver %s; RFC 7672 2.1.1: not the same as no MX, delivery is deferred)",
				 r->domain, r->mx_reason, res);
		else if (r->nxdomain)
			dane_fmt(r->reason[k], sizeof r->reason[k], "%s does not exist (NXDOMAIN, resolver %s)",
				 r->domain, res);
		else if (r->null_mx)
			dane_fmt(r->reason[k], sizeof r->reason[k], "%s publishes a null MX (RFC 7505): it accepts no mail",
				 r->domain);
		else if (fails == 0)
			dane_fmt(r->reason[k], sizeof r->reason[k], "no MX host of %s has an address (resolver %s)",
				 r->domain, res);
		else {
			/* The first failing path says the most: the MTA would
			 * have tried it first. */
			for (hi = 0; hi < r->n_hosts; hi++)
				if (r->hosts[hi].n_addrs > 0)
					break;
			dane_fmt(r->reason[k], sizeof r->reason[k], "no MX host passed (%zu path%s tried); first: MX(%s) %s: %s",
				 fails, fails == 1 ? "" : "s", r->hosts[hi].name,
				 r->hosts[hi].addrs[0].address, r->hosts[hi].addrs[0].reason[k]);
		}
	}
}

/* ---- the walk ---- */

int dane_verify(val_ctx *vctx, const dane_cfg *cfg, const char *domain, dane_result **out)
{
	return dane_verify_cached(vctx, NULL, cfg, domain, out);
}

int dane_verify_cached(val_ctx *vctx, dane_cache *cache, const dane_cfg *cfg,
		       const char *domain, dane_result **out)
{
	dane_run run = { vctx, cache, cfg, NULL, 0 };
	dane_result *r;
	int64_t t0 = dp_mono_ms();
	size_t hi, len = strlen(domain);

	if (len == 0 || len > 253 + 1)
		return DP_EINVAL;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return DP_ENOMEM;
	run.res = r;
	dane_fmt(r->domain, sizeof r->domain, "%s", domain);
	if (len > 1 && r->domain[len - 1] == '.')
		r->domain[len - 1] = '\0';
	dane_lower(r->domain);
	dane_fmt(r->resolver, sizeof r->resolver, "%s", cfg->resolver ? cfg->resolver : "");
	{
		ldns_rdf *dn = NULL;
		if (ldns_str2rdf_dname(&dn, r->domain) != LDNS_STATUS_OK) {
			free(r);
			return DP_EINVAL;
		}
		ldns_rdf_deep_free(dn);
	}

	if (dane_mx_step(&run)) {
		for (hi = 0; hi < r->n_hosts && !r->dane_success && !run.oom; hi++) {
			dane_host *h = &r->hosts[hi];
			char cname_target[256] = "";
			size_t ai;

			if (hi > 0)
				dane_event_add(&run, DV_NEXT_MX, (int)hi, -1);
			dane_event_add(&run, DV_MX, (int)hi, -1);
			if (r->mx_status == POL_INSECURE)
				dane_event_add(&run, DV_MX_PROCEED, (int)hi, -1);
			dane_host_dns(&run, h, cname_target, sizeof cname_target);
			if (h->n_addrs == 0) {
				dane_event_add(&run, DV_NO_ADDR, (int)hi, -1);
				continue;
			}
			for (ai = 0; ai < h->n_addrs && !r->dane_success && !run.oom; ai++) {
				dane_addr *a = &h->addrs[ai];

				if (ai > 0)
					dane_event_add(&run, DV_NEXT_A, (int)hi, (int)ai);
				dane_event_add(&run, DV_ADDR, (int)hi, (int)ai);
				/* The tables stop at an address that is not
				 * secure ("-" for TLSA and certificate). */
				if (a->status == POL_SECURE && a->address[0] != '\0') {
					if (h->tlsa_status == POL_BOGUS || h->tlsa_status == POL_LOOKUP_ERROR)
						dane_event_add(&run, DV_TLSA, (int)hi, (int)ai);
					else
						dane_smtp_step(&run, (int)hi, (int)ai);
				}
				dane_judge(&run, h, a);
				/* The appliance's "DANE SUCCESS" is the tables'
				 * DANE Success: the whole chain secure and the
				 * certificate matched.  With an insecure MX a match
				 * is reported but the walk goes on, as daneverify's
				 * does (RFC 7672 2.2.1 would allow DANE there; the
				 * tables do not). */
				if (a->cert == DANE_CERT_SUCCESS && r->mx_status == POL_SECURE)
					r->dane_success = 1;
			}
		}
	}
	dane_verdict(&run);
	dane_event_add(&run, r->dane_success ? DV_SUCCESS : DV_FAILED, -1, -1);
	r->elapsed_ms = dp_mono_ms() - t0;
	if (run.oom) {
		dane_result_free(r);
		return DP_ENOMEM;
	}
	*out = r;
	return DP_OK;
}

void dane_result_free(dane_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_hosts; i++)
		dane_host_clear(&r->hosts[i]);
	free(r->hosts);
	free(r->events);
	free(r);
}
