/*
 * cmd_tlsa_check.c - `daneprobe tlsa-check --cert CHAIN.pem DOMAIN`:
 * offline, would this certificate chain match the published TLSA records?
 * Meant for before a certificate renewal: publish the new TLSA record,
 * then check the new chain against what DNS says, with no connection to
 * the mail server.
 *
 * The records come from DNS (validated locally through the resolver,
 * like every lookup of daneprobe) or from a zone-file-format file
 * (--tlsa-file).  DOMAIN is the MX host name (TLSA at _PORT._tcp.DOMAIN);
 * when that name has no TLSA records, DOMAIN is taken as a mail domain
 * and each of its MX hosts is checked.  Matching is OpenSSL's DANE code,
 * the same as a live session (probe/tlsa.c), at the --now time.
 *
 * Exit: 0 every checked host matches, 2 some host does not match (or its
 * TLSA records are bogus), 3 error (bad usage, unreadable chain, lookup
 * failure).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include "probe/cli/cli.h"
#include "probe/report/envelope.h"
#include "probe/util/clock.h"
#include "probe/dane/dane.h"
#include "probe/net/query.h"
#include "probe/dane/tlsa.h"
#include "probe/util/fileio.h"
#include "probe/report/report_tlsa.h"
#include "probe/report/textout.h"
#include "probe/report/report_cert.h"

/* What a renewal needs per checked TLSA name (issue 13): the chain
 * against that set, and whether the set already covers it. */
typedef struct tc_pub {
	char name[300];           /* "_25._tcp.HOST", or the --tlsa-file path */
	cert_chain chain;         /* owned */
	int covered;              /* the set matches the chain */
	long ttl;                 /* of the TLSA RRset; -1 unknown (file) */
} tc_pub;

typedef struct tc_run {
	SSL_CTX *ctx;
	STACK_OF(X509) *chain;
	val_ctx *vctx;
	int port;
	dp_format fmt;
	json_t *hosts;            /* JSON output, or NULL */
	int worst;
	dane_warn_cfg warn;       /* thresholds: config, then command line */
	dane_warnings warnings;
	tc_pub *pubs;             /* malloced */
	size_t n_pubs;
} tc_run;

static void tc_usage(FILE *f)
{
	fprintf(f,
		"usage: daneprobe tlsa-check --cert CHAIN.pem DOMAIN [--tlsa-file FILE]\n"
		"                            [--port N] [--format text|json]\n"
		"\n"
		"Offline: would the certificate chain in CHAIN.pem (leaf first, then the\n"
		"intermediates) match the TLSA records published for DOMAIN?  The records\n"
		"are looked up at _PORT._tcp.DOMAIN and validated locally (or read from\n"
		"FILE, zone-file format); if DOMAIN has none, its MX hosts are checked.\n"
		"Usages 2 (DANE-TA) and 3 (DANE-EE) only, as for SMTP (RFC 7672 3.1.3).\n"
		"\n"
		"  --cert FILE       the chain to check (PEM)\n"
		"  --tlsa-file FILE  TLSA records from this file instead of DNS\n"
		"  --port N          TLSA port label (default 25)\n"
		"  --cert-warn-days D   warn when a certificate expires within D days\n"
		"                       (default 21; 0 = never; config dane.cert_warn_days)\n"
		"  --rrsig-warn-days D  warn when the TLSA RRSIG expires within D days\n"
		"                       (default 3; 0 = never; config dane.rrsig_warn_days)\n"
		"  --format FMT      text (default) or json\n"
		"  -h, --help        this help\n"
		"\n"
		"Ends with the TLSA records this chain needs (+ to add, = published) and\n"
		"whether the current set covers it, so the new records can be published\n"
		"beside the current ones before the chain is deployed (RFC 7671 8.1).\n"
		"\n"
		"Exit status: 0 match, 2 no match (or bogus TLSA records), 3 error.\n");
}

static STACK_OF(X509) *tc_load_chain(const char *path, char *err, size_t errlen)
{
	BIO *b = BIO_new_file(path, "r");
	STACK_OF(X509) *chain;
	X509 *x;

	if (b == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	chain = sk_X509_new_null();
	while (chain != NULL && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(chain, x))
			X509_free(x);
	ERR_clear_error();
	BIO_free(b);
	if (chain == NULL || sk_X509_num(chain) == 0) {
		snprintf(err, errlen, "%s: no PEM certificate in the file", path);
		sk_X509_pop_free(chain, X509_free);
		return NULL;
	}
	return chain;
}

/* Describe the chain against set into *out and keep what a renewal
 * needs for the end of the report.  Evidence only: a failure leaves
 * *out empty and nothing kept. */
static void tc_evidence(tc_run *run, const char *tlsa_name, const tlsa_set *set, int match,
			long ttl, cert_chain *out)
{
	tc_pub *grown;

	if (certinfo_collect(run->chain, set, out) != DP_OK || out->n == 0)
		return;
	if (match)
		(void)dane_warn_one_key(&run->warnings, &run->warn, out, tlsa_name);
	grown = realloc(run->pubs, (run->n_pubs + 1) * sizeof *grown);
	if (grown == NULL)
		return;
	run->pubs = grown;
	memset(&grown[run->n_pubs], 0, sizeof *grown);
	snprintf(grown[run->n_pubs].name, sizeof grown->name, "%s", tlsa_name);
	grown[run->n_pubs].covered = match;
	grown[run->n_pubs].ttl = ttl;
	/* A copy of the descriptions: out stays the caller's to free. */
	grown[run->n_pubs].chain.certs = malloc(out->n * sizeof *out->certs);
	if (grown[run->n_pubs].chain.certs == NULL)
		return;
	memcpy(grown[run->n_pubs].chain.certs, out->certs, out->n * sizeof *out->certs);
	grown[run->n_pubs].chain.n = out->n;
	grown[run->n_pubs].chain.unmatched = out->unmatched;
	run->n_pubs++;
}

/* Check one host's records; hands them to the report, returns the exit
 * code.  ttl: of the TLSA RRset, -1 when unknown. */
static int tc_check(tc_run *run, const char *host, const char *tlsa_name,
		    const char *status, const tlsa_set *set, long ttl)
{
	char matched[2200], reason[512];
	cert_chain chain = { NULL, 0, 0 };
	report_tlsa_host h = { host, tlsa_name, status, NULL, set->n, 0, matched, -1, reason,
			       &chain, set };
	report_tlsa_rec *recs = calloc(set->n ? set->n : 1, sizeof *recs);
	int rc, ex;

	if (recs == NULL) {
		dp_errorf("tlsa-check: out of memory");
		return DP_EXIT_UNKNOWN;
	}
	rc = tlsa_check_chain(run->ctx, run->chain, host, host, set, dp_now(), matched,
			      sizeof matched, &h.depth, reason, sizeof reason);
	ex = rc == DP_OK ? DP_EXIT_OK : rc == DP_EVERIFY || rc == DP_EINVAL ? DP_EXIT_CRITICAL : DP_EXIT_UNKNOWN;
	if (strcmp(status, "bogus") == 0)
		ex = DP_EXIT_CRITICAL;
	h.match = rc == DP_OK;
	/* Each record alone, so the operator sees which one a new chain
	 * matches (a renewal usually publishes old and new side by side). */
	for (size_t i = 0; i < set->n; i++) {
		tlsa_set one = { &set->recs[i], 1 };
		char m1[8], r1[256];

		recs[i].usable = tlsa_rec_usable(&set->recs[i], &recs[i].why);
		tlsa_rec_format(&set->recs[i], recs[i].text, sizeof recs[i].text);
		if (recs[i].usable)
			recs[i].matches = tlsa_check_chain(run->ctx, run->chain, host, host, &one, dp_now(),
							   m1, sizeof m1, NULL, r1, sizeof r1) == DP_OK;
	}
	h.recs = recs;
	tc_evidence(run, tlsa_name, set, h.match, ttl, &chain);
	if (run->hosts != NULL)
		report_tlsa_host_json(run->hosts, &h);
	else
		report_tlsa_host_text(stdout, &h);
	free(recs);
	certinfo_free(&chain);
	if (ex > run->worst)
		run->worst = ex;
	return ex;
}

/* How long caches may keep the TLSA RRset: the RRSIG's Original TTL
 * (RFC 4034 3.1.4), the zone's own value, rather than the countdown a
 * caching resolver hands out; the RRset's TTL when unsigned. */
static long tc_ttl(const val_result *v)
{
	size_t i;

	for (i = 0; v->rrsigs != NULL && i < ldns_rr_list_rr_count(v->rrsigs); i++) {
		const ldns_rdf *o = ldns_rr_rrsig_origttl(ldns_rr_list_rr(v->rrsigs, i));
		if (o != NULL && ldns_rdf_size(o) == 4)
			return (long)ldns_rdf2native_int32(o);
	}
	return (long)ldns_rr_ttl(ldns_rr_list_rr(v->rrset, 0));
}

/* Look up and check one host name; *found = 0 when it has no TLSA. */
static int tc_host_dns(tc_run *run, const char *host, int *found)
{
	char qn[300];
	ldns_rdf *dn = NULL;
	val_result *v = NULL;
	tlsa_set set = { NULL, 0 };
	int ex = DP_EXIT_UNKNOWN;
	const char *st;

	*found = 0;
	snprintf(qn, sizeof qn, "_%d._tcp.%s", run->port, host);
	if (ldns_str2rdf_dname(&dn, qn) != LDNS_STATUS_OK) {
		dp_errorf("tlsa-check: '%s' is not a domain name", host);
		return DP_EXIT_UNKNOWN;
	}
	if (val_resolve(run->vctx, dn, LDNS_RR_TYPE_TLSA, &v) != DP_OK) {
		ldns_rdf_deep_free(dn);
		dp_errorf("tlsa-check: out of memory");
		return DP_EXIT_UNKNOWN;
	}
	ldns_rdf_deep_free(dn);
	st = v->status == VAL_SECURE ? "secure" : v->status == VAL_INSECURE ? "insecure" :
	     v->status == VAL_BOGUS ? "bogus" : "indeterminate";
	if (v->status == VAL_INDETERMINATE) {
		*found = 1;
		dp_errorf("tlsa-check: TLSA lookup for %s failed: %s", qn, v->reason);
	} else if (v->rrset != NULL && ldns_rr_list_rr_count(v->rrset) > 0) {
		*found = 1;
		if (v->status == VAL_SECURE)
			(void)dane_warn_rrsig(&run->warnings, &run->warn, qn, "TLSA",
					      val_rrsigs_last_expiration(v->rrsigs, dp_now()), dp_now());
		if (tlsa_set_from_rrs(v->rrset, &set) == DP_OK)
			ex = tc_check(run, host, qn, st, &set, tc_ttl(v));
		tlsa_set_free(&set);
		if (v->status == VAL_BOGUS && run->fmt != DP_FMT_JSON)
			report_tlsa_bogus_text(stdout, qn, v->reason);
	}
	val_result_free(v);
	return ex;
}

static int tc_dns(tc_run *run, const char *domain)
{
	ldns_rdf *dn = NULL;
	val_result *v = NULL;
	int found = 0, ex, any = 0;
	size_t i;

	ex = tc_host_dns(run, domain, &found);
	if (found)
		return ex;
	/* No TLSA at DOMAIN itself: a mail domain; check its MX hosts. */
	if (ldns_str2rdf_dname(&dn, domain) != LDNS_STATUS_OK ||
	    val_resolve(run->vctx, dn, LDNS_RR_TYPE_MX, &v) != DP_OK) {
		ldns_rdf_deep_free(dn);
		return DP_EXIT_UNKNOWN;
	}
	ldns_rdf_deep_free(dn);
	for (i = 0; v->rrset != NULL && i < ldns_rr_list_rr_count(v->rrset); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(v->rrset, i);
		char host[256];

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_MX || ldns_rr_rd_count(rr) != 2)
			continue;
		val_dname_str(ldns_rr_rdf(rr, 1), host, sizeof host);
		if (strcmp(host, ".") == 0)
			continue;
		tc_host_dns(run, host, &found);
		if (!found && run->fmt != DP_FMT_JSON)
			report_tlsa_none_text(stdout, run->port, host);
		any |= found;
	}
	val_result_free(v);
	if (!any) {
		dp_errorf("tlsa-check: no TLSA records for %s or its MX hosts", domain);
		return DP_EXIT_UNKNOWN;
	}
	return run->worst;
}

/* --tlsa-file: the exit code, or -1 when the file cannot be used. */
static int tc_file(tc_run *run, const char *tfile, const char *domain)
{
	tlsa_set set;
	char *text = NULL, err[512];
	int ex;

	/* A zone file of TLSA records is small: 16 MiB is far beyond any. */
	if (dp_read_file_max(tfile, 1u << 24, &text, NULL, NULL, 0) != DP_OK) {
		dp_errorf("tlsa-check: %s: %s", tfile, strerror(errno ? errno : EIO));
		return -1;
	}
	if (tlsa_set_parse_text(text, &set, err, sizeof err) != DP_OK) {
		dp_errorf("tlsa-check: %s: %s", tfile, err);
		free(text);
		return -1;
	}
	free(text);
	ex = tc_check(run, domain, tfile, "file", &set, -1);
	tlsa_set_free(&set);
	return ex;
}

/* The records from DNS, validated locally through the first resolver:
 * the exit code, or -1 when no lookup could start. */
static int tc_dns_run(tc_run *run, const dp_global *g, const char *domain)
{
	val_anchors *anchors = NULL;
	query_fetcher fetcher;
	dp_addr srv;
	char err[512];
	int ex = -1;

	if (dp_resolver_first(g, "tlsa-check", &srv) < 0)
		return -1;
	if (dp_anchors_for_run(g, &anchors, err, sizeof err) != DP_OK) {
		dp_errorf("tlsa-check: trust anchors: %s", err);
		return -1;
	}
	memset(&fetcher, 0, sizeof fetcher);
	fetcher.server = &srv;
	fetcher.opts.timeout_ms = g->timeout_ms;
	if (val_ctx_new(&run->vctx, anchors, dp_now(), query_fetch, &fetcher) != DP_OK)
		dp_errorf("tlsa-check: out of memory");
	else
		ex = tc_dns(run, domain);
	val_ctx_free(run->vctx);
	run->vctx = NULL;
	val_anchors_free(anchors);
	return ex;
}

/* The options into run, *cert and *tfile.  0; 1 after --help; -1 after
 * a message (bad usage). */
static int tc_parse_opts(tc_run *run, int argc, char **argv, const char **cert,
			 const char **tfile, dane_warn_cfg *given)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "cert", required_argument, NULL, 'c' },
		{ "tlsa-file", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "cert-warn-days", required_argument, NULL, 'W' },
		{ "rrsig-warn-days", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	int c;
	char *endp;
	long port;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			tc_usage(stdout);
			return 1;
		case 'c':
			*cert = optarg;
			break;
		case 't':
			*tfile = optarg;
			break;
		case 'p':
			port = strtol(optarg, &endp, 10);
			if (*optarg == '\0' || *endp != '\0' || port < 1 || port > 65535) {
				dp_errorf("tlsa-check: --port wants a port number");
				return -1;
			}
			run->port = (int)port;
			break;
		case 'W':
		case 'R':
			if (dp_warn_days_opt("tlsa-check", c == 'W' ? "--cert-warn-days" : "--rrsig-warn-days",
					     optarg, c == 'W' ? &given->cert_days : &given->rrsig_days) < 0)
				return -1;
			break;
		default:
			tc_usage(stderr);
			return -1;
		}
	}
	if (*cert == NULL || optind != argc - 1) {
		tc_usage(stderr);
		return -1;
	}
	return 0;
}

/* The end of the report: the warnings, then per checked TLSA name the
 * records the chain needs and whether the set covers it (text); or the
 * JSON document. */
static void tc_finish(tc_run *run, const char *domain, int rc)
{
	size_t i;

	if (run->hosts != NULL) {
		report_tlsa_print_json(stdout, domain, rc, run->hosts,
				       report_warnings_json(&run->warnings, dp_now()));
		run->hosts = NULL;
		return;
	}
	if (dp_text_quiet())
		return;         /* --quiet: the MATCH / NO MATCH lines only */
	report_warnings_text(stdout, &run->warnings);
	for (i = 0; i < run->n_pubs; i++)
		report_cert_publish_text(stdout, &run->pubs[i].chain, run->pubs[i].name,
					 run->pubs[i].covered, run->pubs[i].ttl);
}

static void tc_free(tc_run *run)
{
	size_t i;

	json_decref(run->hosts);
	SSL_CTX_free(run->ctx);
	sk_X509_pop_free(run->chain, X509_free);
	for (i = 0; i < run->n_pubs; i++)
		certinfo_free(&run->pubs[i].chain);
	free(run->pubs);
	dane_warnings_free(&run->warnings);
}

int cmd_tlsa_check(dp_global *g, int argc, char **argv)
{
	const char *cert = NULL, *tfile = NULL;
	tc_run run;
	dane_warn_cfg given = { 0, 0, 0 };
	cert_chain file_chain;
	char err[512];
	int ex, rc = DP_EXIT_UNKNOWN;

	memset(&run, 0, sizeof run);
	run.port = 25;
	run.fmt = g->format == DP_FMT_JSON ? DP_FMT_JSON : DP_FMT_TEXT;
	ex = tc_parse_opts(&run, argc, argv, &cert, &tfile, &given);
	if (ex != 0)
		return ex > 0 ? DP_EXIT_OK : DP_EXIT_UNKNOWN;
	dp_warn_cfg(g, &given, &run.warn);
	if ((run.chain = tc_load_chain(cert, err, sizeof err)) == NULL) {
		dp_errorf("tlsa-check: %s", err);
		return DP_EXIT_UNKNOWN;
	}
	/* The chain's own expiry, once, whatever the hosts. */
	if (certinfo_collect(run.chain, NULL, &file_chain) == DP_OK) {
		(void)dane_warn_certs(&run.warnings, &run.warn, &file_chain, cert, dp_now());
		certinfo_free(&file_chain);
	}
	if ((run.ctx = tlsa_ctx_new()) == NULL) {
		dp_errorf("tlsa-check: OpenSSL has no DANE support here");
		goto out;
	}
	if (run.fmt == DP_FMT_JSON)
		run.hosts = json_array();

	ex = tfile != NULL ? tc_file(&run, tfile, argv[optind]) : tc_dns_run(&run, g, argv[optind]);
	if (ex < 0)
		goto out;       /* nothing was checked: no report */
	rc = ex;
	tc_finish(&run, argv[optind], rc);
out:
	fflush(stdout);
	tc_free(&run);
	return rc;
}
