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
#include "probe/util/escape.h"

typedef struct tc_run {
	SSL_CTX *ctx;
	STACK_OF(X509) *chain;
	val_ctx *vctx;
	int port;
	dp_format fmt;
	json_t *hosts;            /* JSON output, or NULL */
	int worst;
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
		"  --format FMT      text (default) or json\n"
		"  -h, --help        this help\n"
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

/* Check one host's records; prints, and returns the exit code. */
static int tc_check(tc_run *run, const char *host, const char *tlsa_name,
		    const char *status, const tlsa_set *set)
{
	char matched[2200], reason[512];
	int depth = -1, rc, ex;
	size_t i;
	json_t *jh = NULL, *jr = NULL;

	rc = tlsa_check_chain(run->ctx, run->chain, host, host, set, dp_now(), matched,
			      sizeof matched, &depth, reason, sizeof reason);
	ex = rc == DP_OK ? DP_EXIT_OK : rc == DP_EVERIFY || rc == DP_EINVAL ? DP_EXIT_CRITICAL : DP_EXIT_UNKNOWN;
	if (strcmp(status, "bogus") == 0)
		ex = DP_EXIT_CRITICAL;
	if (run->fmt == DP_FMT_JSON) {
		jh = json_object();
		jr = json_array();
		json_object_set_new(jh, "host", json_string(host));
		json_object_set_new(jh, "name", json_string(tlsa_name));
		/* "dnssec" as in every command; null when the records came
		 * from a file (nothing was validated). */
		json_object_set_new(jh, "dnssec", strcmp(status, "file") == 0 ? json_null() : json_string(status));
		json_object_set_new(jh, "source", json_string(strcmp(status, "file") == 0 ? "file" : "dns"));
	} else {
		dp_fprintf_text(stdout, "TLSA %s (%s): %zu record(s)\n", tlsa_name, status, set->n);
	}
	/* Each record alone, so the operator sees which one a new chain
	 * matches (a renewal usually publishes old and new side by side). */
	for (i = 0; i < set->n; i++) {
		tlsa_set one = { &set->recs[i], 1 };
		const char *why = NULL;
		char text[2200], m1[8], r1[256];
		int usable = tlsa_rec_usable(&set->recs[i], &why), hit = 0;

		tlsa_rec_format(&set->recs[i], text, sizeof text);
		if (usable)
			hit = tlsa_check_chain(run->ctx, run->chain, host, host, &one, dp_now(),
					       m1, sizeof m1, NULL, r1, sizeof r1) == DP_OK;
		if (jr != NULL) {
			json_t *o = json_object();
			json_object_set_new(o, "record", json_string(text));
			json_object_set_new(o, "usable", json_boolean(usable));
			json_object_set_new(o, "match", json_boolean(hit));
			json_object_set_new(o, "reason", usable ? json_null() : json_string(why));
			json_array_append_new(jr, o);
		} else {
			dp_fprintf_text(stdout, "  %s  %s\n", text, !usable ? why : hit ? "MATCHES this chain" : "does not match");
		}
	}
	if (jh != NULL) {
		json_object_set_new(jh, "records", jr);
		json_object_set_new(jh, "match", json_boolean(rc == DP_OK));
		json_object_set_new(jh, "matched", rc == DP_OK ? json_string(matched) : json_null());
		json_object_set_new(jh, "depth", rc == DP_OK ? json_integer(depth) : json_null());
		json_object_set_new(jh, "reason", rc == DP_OK ? json_null() : json_string(reason));
		json_array_append_new(run->hosts, jh);
	} else if (rc == DP_OK) {
		dp_fprintf_text(stdout, "MATCH: the chain matches %s at depth %d (%s)%s\n", matched, depth,
		       depth == 0 ? "the leaf" : "a CA of the chain",
		       strcmp(status, "secure") == 0 ? "" : strcmp(status, "file") == 0 ? "" :
		       "; but the TLSA records are not secure: DANE clients will not use them");
	} else {
		dp_fprintf_text(stdout, "NO MATCH for %s: %s\n", host, reason);
	}
	if (ex > run->worst)
		run->worst = ex;
	return ex;
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
		if (tlsa_set_from_rrs(v->rrset, &set) == DP_OK)
			ex = tc_check(run, host, qn, st, &set);
		tlsa_set_free(&set);
		if (v->status == VAL_BOGUS && run->fmt != DP_FMT_JSON)
			dp_fprintf_text(stdout, "BOGUS TLSA records at %s: %s\n", qn, v->reason);
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
			dp_fprintf_text(stdout, "TLSA _%d._tcp.%s: no TLSA records\n", run->port, host);
		any |= found;
	}
	val_result_free(v);
	if (!any) {
		dp_errorf("tlsa-check: no TLSA records for %s or its MX hosts", domain);
		return DP_EXIT_UNKNOWN;
	}
	return run->worst;
}

int cmd_tlsa_check(dp_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "cert", required_argument, NULL, 'c' },
		{ "tlsa-file", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cert = NULL, *tfile = NULL;
	tc_run run;
	val_anchors *anchors = NULL;
	dp_addr srv;
	query_fetcher fetcher;
	char err[512];
	int c, rc = DP_EXIT_UNKNOWN;
	char *endp;
	long port;

	memset(&run, 0, sizeof run);
	run.port = 25;
	run.fmt = g->format == DP_FMT_JSON ? DP_FMT_JSON : DP_FMT_TEXT;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			tc_usage(stdout);
			return DP_EXIT_OK;
		case 'c':
			cert = optarg;
			break;
		case 't':
			tfile = optarg;
			break;
		case 'p':
			port = strtol(optarg, &endp, 10);
			if (*optarg == '\0' || *endp != '\0' || port < 1 || port > 65535) {
				dp_errorf("tlsa-check: --port wants a port number");
				return DP_EXIT_UNKNOWN;
			}
			run.port = (int)port;
			break;
		default:
			tc_usage(stderr);
			return DP_EXIT_UNKNOWN;
		}
	}
	if (cert == NULL || optind != argc - 1) {
		tc_usage(stderr);
		return DP_EXIT_UNKNOWN;
	}
	if ((run.chain = tc_load_chain(cert, err, sizeof err)) == NULL) {
		dp_errorf("tlsa-check: %s", err);
		return DP_EXIT_UNKNOWN;
	}
	if ((run.ctx = tlsa_ctx_new()) == NULL) {
		dp_errorf("tlsa-check: OpenSSL has no DANE support here");
		goto out;
	}
	if (run.fmt == DP_FMT_JSON)
		run.hosts = json_array();

	if (tfile != NULL) {
		tlsa_set set;
		char *text = NULL;

		/* A zone file of TLSA records is small: 16 MiB is far beyond any. */
		if (dp_read_file_max(tfile, 1u << 24, &text, NULL, NULL, 0) != DP_OK) {
			dp_errorf("tlsa-check: %s: %s", tfile, strerror(errno ? errno : EIO));
			goto out;
		}
		if (tlsa_set_parse_text(text, &set, err, sizeof err) != DP_OK) {
			dp_errorf("tlsa-check: %s: %s", tfile, err);
			free(text);
			goto out;
		}
		free(text);
		rc = tc_check(&run, argv[optind], tfile, "file", &set);
		tlsa_set_free(&set);
	} else {
		if (dp_resolver_first(g, "tlsa-check", &srv) < 0)
			goto out;
		if (dp_anchors_for_run(g, &anchors, err, sizeof err) != DP_OK) {
			dp_errorf("tlsa-check: trust anchors: %s", err);
			goto out;
		}
		memset(&fetcher, 0, sizeof fetcher);
		fetcher.server = &srv;
		fetcher.opts.timeout_ms = g->timeout_ms;
		if (val_ctx_new(&run.vctx, anchors, dp_now(), query_fetch, &fetcher) != DP_OK) {
			dp_errorf("tlsa-check: out of memory");
			goto out;
		}
		rc = tc_dns(&run, argv[optind]);
	}
	if (run.hosts != NULL) {
		json_t *o = json_object();
		json_object_set_new(o, "domain", json_string(argv[optind]));
		json_object_set_new(o, "match", json_boolean(rc == DP_EXIT_OK));
		json_object_set_new(o, "hosts", run.hosts);
		run.hosts = NULL;
		dp_json_emit(stdout, o, rc);
		json_decref(o);
	}
out:
	fflush(stdout);
	json_decref(run.hosts);
	val_ctx_free(run.vctx);
	val_anchors_free(anchors);
	SSL_CTX_free(run.ctx);
	sk_X509_pop_free(run.chain, X509_free);
	return rc;
}
