/*
 * dane.h - the DANE path engine for one destination domain (SPEC section
 * 7, RFC 7672): MX, then A/AAAA per MX host, then TLSA, then SMTP with
 * STARTTLS and the certificate check, next address, next MX.  It collects
 * a result tree and the ordered list of steps (for the appliance's
 * daneverify lines); report_verify.c turns both into text or JSON.
 *
 * Not thread-safe per context: one val_ctx per thread, as the validator
 * wants.  The SSL_CTX may be shared.
 */
#ifndef DP_DANE_H
#define DP_DANE_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>
#include "validator/val.h"
#include "probe/dane/policy.h"
#include "probe/dane/tlsa.h"
#include "probe/dane/warn.h"
#include "probe/util/addr.h"

typedef struct dane_cfg {
	SSL_CTX *ssl_ctx;          /* from tlsa_ctx_new, shared */
	int smtp_timeout_ms;       /* whole SMTP session per address; 0 = DP_SMTP_TIMEOUT_MS */
	int port;                  /* 0 = 25 (tests use another) */
	const char *helo_name;     /* NULL = DP_HELO_NAME */
	const char *resolver;      /* for reasons: which resolver answered */
	int max_hosts;             /* MX hosts tried; 0 = 10 */
	/* Client model ad (issue 14): judge every record by the AD bit and
	 * rcode of a CD=0 answer from this resolver, as an AD-trusting MTA
	 * does (adview.c); NULL = local validation decides. */
	const dp_addr *ad_server;
	int ad_timeout_ms;         /* 0 = 1500 */
	/* Postfix's own DANE rules where they differ from the appliance's
	 * tables (postfix.c); implies nothing about ad_server. */
	int postfix_rules;
	/* Thresholds of the warnings (warn.h; zeros: the defaults). */
	dane_warn_cfg warn;
} dane_cfg;

typedef enum dane_cert {
	DANE_CERT_NOT_CHECKED = 0,
	DANE_CERT_SUCCESS,
	DANE_CERT_FAILED
} dane_cert;

/* One address of one MX host: one path through the tables. */
typedef struct dane_addr {
	char address[64];          /* "" when the lookup gave no usable address */
	int family;                /* 4 or 6 */
	pol_lookup status;         /* of its A or AAAA lookup */
	char lookup_reason[512];   /* validator's reason when not secure */
	int tried_smtp;            /* a connection was attempted */
	int connected;
	char local[64];            /* "from interface" */
	int starttls;              /* offered by the server */
	char protocol[32], cipher[80];
	dane_cert cert;
	char *matched;             /* "3 1 1 <hex>", malloced, or NULL */
	cert_chain chain;          /* the chain the server presented (owned) */
	char smtp_detail[512];     /* SMTP/TLS failure, or "" */
	pol_obs obs;               /* what the policy saw */
	pol_action action[2];      /* [POL_OPPORTUNISTIC], [POL_MANDATORY] */
	char reason[2][640];
} dane_addr;

typedef struct dane_host {
	char name[256];            /* MX target as published */
	int preference;
	pol_lookup a_status, aaaa_status;
	/* TLSA, once per host (RFC 7672 2.2.2 CNAME rules applied). */
	int tlsa_looked_up;
	char tlsa_name[300];       /* "_25._tcp.<base>" that was used */
	char base_domain[256];     /* TLSA base domain: SNI and reference name */
	pol_lookup tlsa_status;
	char tlsa_reason[512];
	tlsa_set tlsa;
	size_t tlsa_usable;
	/* When the last RRSIG of each secure RRset expires (0: unknown),
	 * for the RRSIG expiry warning. */
	int64_t a_sig_expire, aaaa_sig_expire, tlsa_sig_expire;
	dane_addr *addrs;
	size_t n_addrs;
} dane_host;

typedef enum dane_ev_kind {
	DV_MX,             /* "<ST> MX record(<host>) found for <domain>" (host) */
	DV_MX_PROCEED,     /* insecure MX: "... The command will still proceed." */
	DV_MX_BOGUS,       /* "BOGUS MX record found for <domain>" */
	DV_MX_ERROR,       /* MX lookup failed (not bogus) */
	DV_MX_NXDOMAIN,    /* the domain does not exist */
	DV_NULL_MX,        /* RFC 7505 null MX */
	DV_IMPLICIT_MX,    /* no MX: the domain itself (RFC 5321 5.1) */
	DV_ADDR,           /* address line (host, addr) */
	DV_NO_ADDR,        /* the host has no address (host) */
	DV_CONNECTING,
	DV_CONNECTED,
	DV_CONNECT_FAIL,
	DV_TLSA,           /* TLSA line (host) */
	DV_CHECK_TLS,
	DV_NO_STARTTLS,
	DV_TLS_EST,
	DV_TLS_FAIL,
	DV_CERT_OK,
	DV_CERT_FAIL,
	DV_TLS_SUCCEEDED,
	DV_NEXT_A,         /* "Trying next A record (<next address>)" (host, next addr) */
	DV_NEXT_MX,        /* "Trying next MX record in <domain>" */
	DV_SUCCESS,        /* "DANE SUCCESS for <domain>" */
	DV_FAILED          /* "DANE FAILED for <domain>" */
} dane_ev_kind;

typedef struct dane_event {
	dane_ev_kind kind;
	int host, addr;            /* indexes, -1 when not applicable */
} dane_event;

/* A record whose status through the resolver's AD bit differs from
 * local validation: the finding only the ad model shows. */
typedef struct dane_adiff {
	char name[300];
	ldns_rr_type type;
	val_status ad, local;      /* AD view (what the MTA sees), local validation */
	char what[400];            /* what the difference does, in words */
} dane_adiff;

typedef struct dane_result {
	char domain[256];
	char resolver[80];
	pol_lookup mx_status;
	char mx_reason[512];
	int64_t mx_sig_expire;     /* last RRSIG of a secure MX RRset, or 0 */
	int null_mx, implicit_mx, nxdomain;
	int unknown;               /* nothing could be looked up (resolver down) */
	dane_host *hosts;
	size_t n_hosts;
	dane_event *events;
	size_t n_events;
	pol_action verdict[2];     /* domain verdict per policy */
	char reason[2][800];       /* why, naming host, address, step, resolver */
	int dane_success;          /* the appliance's "DANE SUCCESS" */
	int client_ad;             /* statuses come from the AD view */
	int postfix_rules;         /* decided by Postfix's rules */
	dane_adiff *ad_diffs;      /* malloced */
	size_t n_ad_diffs;
	dane_warnings warnings;    /* certificate/RRSIG expiry, one-key TLSA */
	int64_t elapsed_ms;
} dane_result;

/* Run the DANE path for domain (text, with or without a final dot).
 * *out malloced (dane_result_free).  DP_OK whenever a result was made,
 * even a failing one; DP_EINVAL for a bad name, DP_ENOMEM. */
int dane_verify(val_ctx *vctx, const dane_cfg *cfg, const char *domain,
		dane_result **out);

/*
 * A cache of the DNS part of MX hosts (A, AAAA, TLSA, already
 * validated) for one run over many domains: domains hosted on the same
 * MX hosts are common, and their lookups need not be repeated.  SMTP and
 * TLS are never cached: every domain gets its own connection.  At most
 * max_hosts entries (then the oldest is replaced), none older than five
 * minutes.  Thread-safe: one cache serves all the workers of a run.
 */
typedef struct dane_cache dane_cache;
int dane_cache_new(dane_cache **out, size_t max_hosts);
void dane_cache_free(dane_cache *c);
/* dane_verify with a cache (may be NULL). */
int dane_verify_cached(val_ctx *vctx, dane_cache *cache, const dane_cfg *cfg,
		       const char *domain, dane_result **out);
void dane_result_free(dane_result *r);

/* "secure", "insecure", "bogus", "nxdomain", "indeterminate" (JSON). */
const char *dane_lookup_json(pol_lookup l);

/* The same lookup in the DNSSEC words every command uses for its
 * "dnssec" keys: "secure" (nxdomain is a secure denial), "insecure",
 * "bogus", "indeterminate"; NULL when the step was not reached. */
const char *dane_lookup_dnssec(pol_lookup l);

#endif
