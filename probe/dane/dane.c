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
#include <openssl/err.h>
#include "probe/util/clock.h"
#include "probe/dane/dane.h"
#include "probe/dane/dane_int.h"
#include "probe/dane/smtp.h"
#include "probe/dane/adview.h"
#include "probe/dane/postfix.h"
#include "probe/util/addr.h"

void dane_fmt(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}

#define DANE_MAX_ADDRS 16   /* per host and family: a sender tries a few, not hundreds */

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

const char *dane_lookup_dnssec(pol_lookup l)
{
	switch (l) {
	case POL_SECURE: return "secure";
	/* Only a TLSA RRset is ever nxdomain, and only when its absence was
	 * proved by DNSSEC (RFC 7672 2.2: NXDOMAIN/NODATA "secure denial"). */
	case POL_NXDOMAIN: return "secure";
	case POL_INSECURE: return "insecure";
	case POL_BOGUS: return "bogus";
	case POL_LOOKUP_ERROR: return "indeterminate";
	default: return NULL;
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
	if (rc == DP_OK)
		rc = adview_apply(run->cfg, run->res, name, type, *out);
	if (rc != DP_OK)
		run->oom = rc == DP_ENOMEM;
	return rc;
}

/* Tell the validator's fetcher that name/type comes soon (val_ahead);
 * type 0: the chain of trust above name (val_ahead_chain). */
static void dane_ahead(dane_run *run, const char *name, ldns_rr_type type)
{
	ldns_rdf *dn = NULL;

	if (ldns_str2rdf_dname(&dn, name) != LDNS_STATUS_OK)
		;
	else if (type == 0)
		val_ahead_chain(run->vctx, dn);
	else
		val_ahead(run->vctx, dn, type);
	ldns_rdf_deep_free(dn);
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

	/* The MX and the keys that will validate it, at once. */
	dane_ahead(run, r->domain, LDNS_RR_TYPE_MX);
	dane_ahead(run, r->domain, 0);
	if (dane_resolve(run, r->domain, LDNS_RR_TYPE_MX, &v) != DP_OK || v == NULL) {
		r->mx_status = POL_LOOKUP_ERROR;
		dane_fmt(r->mx_reason, sizeof r->mx_reason, "could not look up the MX record");
		dane_event_add(run, DV_MX_ERROR, -1, -1);
		val_result_free(v);
		return 0;
	}
	r->mx_status = dane_status(v);
	r->mx_sig_expire = dane_sig_expiry(v);
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
	*(type == LDNS_RR_TYPE_AAAA ? &h->aaaa_sig_expire : &h->a_sig_expire) = dane_sig_expiry(v);
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
		h->tlsa_sig_expire = has ? dane_sig_expiry(v) : 0;
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

/* The DNS part of one host: AAAA, A (IPv6 first, as the appliance does
 * by default), and TLSA when some address is secure (the tables stop at
 * an address that is not).  From the cache when it has the host. */
static void dane_host_dns(dane_run *run, dane_host *h, char *cname_target, size_t ct_len)
{
	/* The cache keeps statuses, not the AD-view differences each domain
	 * must list: an AD-view run does its own lookups. */
	dane_cache *cache = run->cfg->ad_server ? NULL : run->cache;
	int hit = dane_cache_get(cache, h, cname_target, ct_len);
	size_t i;

	if (hit != 0) {
		if (hit < 0)
			run->oom = 1;
		return;
	}
	/* The three questions at once, not one round trip after the
	 * other (issue 16); the TLSA is asked even when no address turns
	 * out secure, which is rare and costs one answer. */
	char tq[300];
	dane_fmt(tq, sizeof tq, "_25._tcp.%s", h->name);
	dane_ahead(run, h->name, LDNS_RR_TYPE_AAAA);
	dane_ahead(run, h->name, LDNS_RR_TYPE_A);
	dane_ahead(run, tq, LDNS_RR_TYPE_TLSA);
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
	dane_cache_put(cache, h, cname_target);
}

/* ---- SMTP, STARTTLS, certificate ---- */

/* Connect, read the banner, EHLO.  0 when the server offered STARTTLS;
 * -1 when the path ends here (detail and event written, s closed). */
static int dane_smtp_open(dane_run *run, int hi, int ai, smtp_session *s)
{
	dane_addr *a = &run->res->hosts[hi].addrs[ai];
	const dane_cfg *cfg = run->cfg;
	dp_addr sa;
	int rc;

	a->tried_smtp = 1;
	dane_event_add(run, DV_CONNECTING, hi, ai);
	if (dp_addr_from_ip(a->address, (uint16_t)(cfg->port > 0 ? cfg->port : 25), &sa) != DP_OK) {
		dane_fmt(a->smtp_detail, sizeof a->smtp_detail, "bad address %s", a->address);
		a->obs.connect_failed = 1;
		dane_event_add(run, DV_CONNECT_FAIL, hi, ai);
		return -1;
	}
	rc = smtp_connect(s, (struct sockaddr *)&sa.addr, sa.addrlen, cfg->smtp_timeout_ms);
	if (rc != DP_OK) {
		dane_fmt(a->smtp_detail, sizeof a->smtp_detail, "%s", s->detail);
		a->obs.connect_failed = 1;
		dane_event_add(run, DV_CONNECT_FAIL, hi, ai);
		dane_event_add(run, DV_TLSA, hi, ai);
		smtp_close(s);
		return -1;
	}
	a->connected = 1;
	dane_fmt(a->local, sizeof a->local, "%s", s->local);
	dane_event_add(run, DV_CONNECTED, hi, ai);
	dane_event_add(run, DV_TLSA, hi, ai);
	rc = smtp_greet(s, cfg->helo_name);
	if (rc != DP_OK) {
		dane_fmt(a->smtp_detail, sizeof a->smtp_detail, "%s", s->detail);
		a->obs.connect_failed = 1;
		dane_event_add(run, DV_CONNECT_FAIL, hi, ai);
		smtp_close(s);
		return -1;
	}
	a->starttls = s->starttls_offered;
	if (!s->starttls_offered) {
		dane_fmt(a->smtp_detail, sizeof a->smtp_detail, "%s did not offer STARTTLS in its EHLO reply",
			 a->address);
		a->obs.no_starttls = 1;
		dane_event_add(run, DV_NO_STARTTLS, hi, ai);
		smtp_close(s);
		return -1;
	}
	return 0;
}

/* Did the chain the server sent match the host's usable TLSA records
 * (RFC 7672 3.1)?  Only asked when the TLSA records are secure. */
static void dane_cert_step(dane_run *run, int hi, int ai, SSL *ssl)
{
	dane_host *h = &run->res->hosts[hi];
	dane_addr *a = &h->addrs[ai];
	char matched[300], why[256];

	if (tlsa_ssl_outcome(ssl, matched, sizeof matched, NULL, why, sizeof why) == DP_OK) {
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

static void dane_smtp_step(dane_run *run, int hi, int ai)
{
	dane_host *h = &run->res->hosts[hi];
	dane_addr *a = &h->addrs[ai];
	const dane_cfg *cfg = run->cfg;
	smtp_session s;
	SSL *ssl = NULL;
	size_t nu = 0;
	int dane_auth = h->tlsa_status == POL_SECURE && h->tlsa_usable > 0, rc;

	smtp_session_init(&s);
	if (dane_smtp_open(run, hi, ai, &s) < 0)
		return;
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
		if (rc == DP_ESMTP) {
			a->obs.no_starttls = 1;   /* offered, then refused */
			a->obs.starttls_refused = s.starttls_refused != 0;
		}
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
	dane_chain_collect(a, h, ssl);
	if (dane_auth)
		dane_cert_step(run, hi, ai, ssl);
	smtp_close(&s);
	SSL_free(ssl);
	ERR_clear_error();
}

/* ---- the walk ---- */

/* DANE success on this path: the certificate matched with a secure MX,
 * or, under Postfix's rules, with the host's secure TLSA behind an
 * insecure MX (RFC 7672 2.2.1; postfix.c). */
static int dane_path_success(const dane_run *run, const dane_addr *a)
{
	if (a->cert != DANE_CERT_SUCCESS)
		return 0;
	return run->res->mx_status == POL_SECURE
	       || (run->cfg->postfix_rules && a->action[POL_OPPORTUNISTIC] == POL_DANE_SUCCESS);
}

/* One MX host: its DNS, then each address until one gives DANE success. */
static void dane_walk_host(dane_run *run, size_t hi)
{
	dane_result *r = run->res;
	dane_host *h = &r->hosts[hi];
	char cname_target[256] = "";
	size_t ai;

	if (hi > 0)
		dane_event_add(run, DV_NEXT_MX, (int)hi, -1);
	dane_event_add(run, DV_MX, (int)hi, -1);
	if (r->mx_status == POL_INSECURE)
		dane_event_add(run, DV_MX_PROCEED, (int)hi, -1);
	dane_host_dns(run, h, cname_target, sizeof cname_target);
	if (h->n_addrs == 0) {
		dane_event_add(run, DV_NO_ADDR, (int)hi, -1);
		return;
	}
	for (ai = 0; ai < h->n_addrs && !r->dane_success && !run->oom; ai++) {
		dane_addr *a = &h->addrs[ai];

		if (ai > 0)
			dane_event_add(run, DV_NEXT_A, (int)hi, (int)ai);
		dane_event_add(run, DV_ADDR, (int)hi, (int)ai);
		/* The tables stop at an address that is not
		 * secure ("-" for TLSA and certificate). */
		if (a->status == POL_SECURE && a->address[0] != '\0') {
			if (h->tlsa_status == POL_BOGUS || h->tlsa_status == POL_LOOKUP_ERROR)
				dane_event_add(run, DV_TLSA, (int)hi, (int)ai);
			else
				dane_smtp_step(run, (int)hi, (int)ai);
		}
		dane_judge(run->cfg, r, h, a);
		/* The appliance's "DANE SUCCESS" is the tables'
		 * DANE Success: the whole chain secure and the
		 * certificate matched.  With an insecure MX a match
		 * is reported but the walk goes on, as daneverify's
		 * does (RFC 7672 2.2.1 would allow DANE there; the
		 * tables do not). */
		if (dane_path_success(run, a))
			r->dane_success = 1;
	}
}

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

	if (dane_mx_step(&run))
		for (hi = 0; hi < r->n_hosts && !r->dane_success && !run.oom; hi++)
			dane_walk_host(&run, hi);
	dane_verdict(run.cfg, run.res);
	if (dane_warnings_collect(run.cfg, run.res) != DP_OK)
		run.oom = 1;
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
	free(r->ad_diffs);
	dane_warnings_free(&r->warnings);
	free(r);
}
