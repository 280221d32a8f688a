/*
 * report_verify_words.c - what happens to the mail, in plain words
 * (report_verify_words.h).
 */
#include <stdlib.h>
#include <string.h>
#include "probe/report/report_verify_words.h"
#include "probe/report/textout.h"
#include "probe/util/escape.h"

/* A path that failed for a reason the next try may not have: a lookup
 * that timed out or failed (RFC 7672 2.1.1, 2.2: defer, never treat it
 * as "no records"), or a server that could not be reached. */
static int rv_path_temporary(const dane_host *h, const dane_addr *a)
{
	if (a->status == POL_LOOKUP_ERROR || a->obs.connect_failed)
		return 1;
	return a->status == POL_SECURE && h->tlsa_looked_up && h->tlsa_status == POL_LOOKUP_ERROR;
}

rv_outcome report_verify_outcome(const dane_result *r, pol_kind k)
{
	size_t paths = 0, temporary = 0;

	if (r->verdict[k] == POL_DANE_SUCCESS)
		return RV_SUCCESS;
	if (r->verdict[k] == POL_FALLBACK_TLS)
		return RV_FALLBACK;
	if (r->nxdomain || r->null_mx)
		return RV_NO_MAIL;
	if (r->unknown || r->mx_status == POL_LOOKUP_ERROR)
		return RV_DEFERRED;
	for (size_t i = 0; i < r->n_hosts; i++)
		for (size_t j = 0; j < r->hosts[i].n_addrs; j++) {
			paths++;
			temporary += (size_t)rv_path_temporary(&r->hosts[i], &r->hosts[i].addrs[j]);
		}
	return paths > 0 && temporary == paths ? RV_DEFERRED : RV_FAIL;
}

const char *report_outcome_name(rv_outcome o)
{
	static const char *const names[RV_N] = { "dane-success", "fallback-tls", "dane-fail",
						 "no-mail", "deferred", "error" };
	return o < RV_N ? names[o] : "error";
}

static dp_tone rv_tone(rv_outcome o)
{
	return o == RV_SUCCESS ? DP_TONE_OK : o == RV_FALLBACK || o == RV_DEFERRED ? DP_TONE_WARN
	       : o == RV_NO_MAIL ? DP_TONE_NONE : DP_TONE_BAD;
}

/* "DANE Fail: not delivered: ..." for policy k. */
static void rv_policy_line(FILE *out, const dane_result *r, pol_kind k)
{
	rv_outcome o = report_verify_outcome(r, k);
	char label[64];

	snprintf(label, sizeof label, "Policy DANE %s:", k == POL_MANDATORY ? "Mandatory" : "Opportunistic");
	switch (o) {
	case RV_SUCCESS:
		dp_text_finding(out, 0, rv_tone(o), label, "DANE Success: delivered over TLS, the server "
				"authenticated by its TLSA records");
		break;
	case RV_FALLBACK:
		dp_text_finding(out, 0, rv_tone(o), label, "Fallback to opportunistic TLS: delivered over "
				"TLS (or in the clear when TLS fails) without DANE authentication");
		break;
	case RV_NO_MAIL:
		dp_text_finding(out, 0, rv_tone(o), label, "no mail: %s %s; mail to it bounces at once, "
				"DANE plays no part", r->domain, r->nxdomain ? "does not exist (NXDOMAIN)"
				: "accepts no mail (null MX, RFC 7505)");
		break;
	case RV_DEFERRED:
		dp_text_finding(out, 0, rv_tone(o), label, "deferred: a temporary failure (a lookup or a "
				"connection failed); the mail stays queued and is retried");
		break;
	default:
		dp_text_finding(out, 0, rv_tone(o), label, "DANE Fail: not delivered; the mail stays "
				"queued until it bounces");
	}
}

/* The reason of path (h, a) under policy k, or NULL when it passed. */
static const char *rv_path_reason(const dane_addr *a, int k)
{
	return a->action[k] == POL_DANE_SUCCESS && !a->obs.connect_failed ? NULL : a->reason[k];
}

/* Each failing path once, with its reason under each policy once. */
static size_t rv_path_reasons(FILE *out, const dane_result *r)
{
	size_t said = 0;

	for (size_t i = 0; i < r->n_hosts; i++)
		for (size_t j = 0; j < r->hosts[i].n_addrs; j++) {
			const dane_addr *a = &r->hosts[i].addrs[j];
			const char *o = rv_path_reason(a, POL_OPPORTUNISTIC), *m = rv_path_reason(a, POL_MANDATORY);
			const char *where = a->address[0] ? a->address : (a->family == 6 ? "AAAA" : "A");

			if (o != NULL && m != NULL && strcmp(o, m) == 0)
				m = NULL;
			if (o != NULL)
				dp_text_finding(out, 2, DP_TONE_NONE, "-", "MX(%s) %s%s: %s", r->hosts[i].name, where,
						m != NULL ? " (opportunistic)" : "", o);
			if (m != NULL)
				dp_text_finding(out, 2, DP_TONE_NONE, "-", "MX(%s) %s%s: %s", r->hosts[i].name, where,
						o != NULL ? " (mandatory)" : "", m);
			said += (o != NULL) + (m != NULL);
		}
	return said;
}

void report_verify_policy_text(FILE *out, const dane_result *r, int verbose)
{
	rv_policy_line(out, r, POL_OPPORTUNISTIC);
	rv_policy_line(out, r, POL_MANDATORY);
	/* The reasons, each once: the domain's reason repeats the first
	 * failing path's ("no MX host passed ...; first: ..."), and the two
	 * policies often share it. */
	if (rv_path_reasons(out, r) == 0) {
		dp_text_finding(out, 2, DP_TONE_NONE, "-", "%s", r->reason[POL_OPPORTUNISTIC]);
		if (strcmp(r->reason[POL_OPPORTUNISTIC], r->reason[POL_MANDATORY]) != 0)
			dp_text_finding(out, 2, DP_TONE_NONE, "-", "%s", r->reason[POL_MANDATORY]);
	}
	if (verbose)
		dp_text_finding(out, 0, DP_TONE_NONE, "Resolver", "%s, %lld ms",
				r->resolver[0] ? r->resolver : "-", (long long)r->elapsed_ms);
	else
		dp_text_finding(out, 0, DP_TONE_NONE, "Resolver", "%s", r->resolver[0] ? r->resolver : "-");
}

void report_verify_status_line(FILE *out, const dane_result *r)
{
	rv_outcome o = report_verify_outcome(r, POL_OPPORTUNISTIC), m = report_verify_outcome(r, POL_MANDATORY);

	dp_text_finding(out, 0, DP_TONE_NONE, "", "%s: opportunistic %s, mandatory %s", r->domain,
			report_outcome_name(o), report_outcome_name(m));
}

/* One CSV field (RFC 4180 2.6, 2.7): quoted when it holds a comma, a
 * quote or a line break, quotes doubled; control bytes escaped, so a
 * spreadsheet never gets a formula from a name (a leading =, +, - or @
 * is prefixed with a quote, as OWASP's CSV injection note advises). */
static void rv_csv_field(FILE *out, const char *s, int last)
{
	char *e;
	size_t n = strlen(s), cap = n * 4 + 2;

	if ((e = malloc(cap)) == NULL)
		return;
	e[0] = strchr("=+-@", s[0]) != NULL && s[0] ? '\'' : '\0';
	dp_escape(e + (e[0] != '\0'), cap - 1, s, n, DP_ESC_KEEP_BACKSLASH);
	if (strpbrk(e, ",\"") != NULL) {
		fputc('"', out);
		for (const char *p = e; *p; p++)
			fputs(*p == '"' ? "\"\"" : (char[2]){ *p, 0 }, out);
		fputc('"', out);
	} else {
		fputs(e, out);
	}
	fputs(last ? "\r\n" : ",", out);
	free(e);
}

void report_verify_csv_header(FILE *out)
{
	fputs("domain,outcome,opportunistic,mandatory,mx_status,mx_hosts,resolver,reason\r\n", out);
}

void report_verify_csv(FILE *out, const dane_result *r, pol_kind k)
{
	char hosts[1024] = "";
	size_t len = 0;

	for (size_t i = 0; i < r->n_hosts && len < sizeof hosts; i++)
		len += (size_t)snprintf(hosts + len, sizeof hosts - len, "%s%s", i ? " " : "", r->hosts[i].name);
	rv_csv_field(out, r->domain, 0);
	rv_csv_field(out, report_outcome_name(report_verify_outcome(r, k)), 0);
	rv_csv_field(out, report_outcome_name(report_verify_outcome(r, POL_OPPORTUNISTIC)), 0);
	rv_csv_field(out, report_outcome_name(report_verify_outcome(r, POL_MANDATORY)), 0);
	rv_csv_field(out, dane_lookup_json(r->mx_status), 0);
	rv_csv_field(out, hosts, 0);
	rv_csv_field(out, r->resolver, 0);
	rv_csv_field(out, r->reason[k], 1);
}

void report_verify_csv_error(FILE *out, const char *domain, const char *why)
{
	rv_csv_field(out, domain, 0);
	fputs("error,error,error,,,,", out);
	rv_csv_field(out, why, 1);
}
