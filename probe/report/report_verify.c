/*
 * report_verify.c - text and JSON for `daneprobe verify` (see
 * report_verify.h).  The wording of the appliance's lines lives here and
 * only here; tests/integration/test_verify.sh checks it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/report/report_cert.h"
#include "probe/report/report_client.h"
#include "probe/util/clock.h"
#include "probe/util/escape.h"
#include "probe/report/report_verify.h"
#include "probe/report/report_verify_words.h"
#include "probe/report/textout.h"

/* "SECURE", "INSECURE", "BOGUS", "NXDOMAIN", "INDETERMINATE". */
static const char *rv_upper(pol_lookup l)
{
	switch (l) {
	case POL_SECURE: return "SECURE";
	case POL_INSECURE: return "INSECURE";
	case POL_BOGUS: return "BOGUS";
	case POL_NXDOMAIN: return "NXDOMAIN";
	default: return "INDETERMINATE";
	}
}

static void rv_tlsa_line(FILE *out, const dane_result *r, const dane_host *h)
{
	switch (h->tlsa_status) {
	case POL_NXDOMAIN:
		dp_fprintf_text(out, "NXDOMAIN: no TLSA record found for MX(%s) in %s\n", h->name, r->domain);
		break;
	case POL_LOOKUP_ERROR:
		dp_fprintf_text(out, "TLSA lookup failed for MX(%s) in %s\n", h->name, r->domain);
		break;
	default:
		dp_fprintf_text(out, "%s TLSA record found for MX(%s) in %s\n", rv_upper(h->tlsa_status),
			h->name, r->domain);
	}
}

/* The lines of the MX step (RFC 7672 2.2.1: the MX RRset's status
 * decides whether the TLSA lookups of its hosts count). */
static void rv_mx_event(FILE *out, const dane_result *r, const dane_host *h, dane_ev_kind k)
{
	switch (k) {
	case DV_MX:
		if (r->implicit_mx)
			dp_fprintf_text(out, "%s: no MX record found for %s, the domain itself is the mail host (RFC 5321 5.1)\n",
				rv_upper(r->mx_status), r->domain);
		else
			dp_fprintf_text(out, "%s MX record(%s) found for %s\n", rv_upper(r->mx_status), h->name,
				r->domain);
		break;
	case DV_MX_PROCEED:
		dp_fprintf_text(out, "INSECURE MX record(%s) found. The command will still proceed.\n", h->name);
		break;
	case DV_MX_BOGUS:
		dp_fprintf_text(out, "BOGUS MX record found for %s\n", r->domain);
		break;
	case DV_MX_ERROR:
		dp_fprintf_text(out, "MX lookup failed for %s\n", r->domain);
		break;
	case DV_MX_NXDOMAIN:
		dp_fprintf_text(out, "%s NXDOMAIN: %s does not exist\n", rv_upper(r->mx_status), r->domain);
		break;
	case DV_NULL_MX:
		dp_fprintf_text(out, "%s null MX record found for %s (RFC 7505)\n",
			rv_upper(r->mx_status), r->domain);
		break;
	default:
		break;
	}
}

static void rv_event(FILE *out, const dane_result *r, const dane_event *e)
{
	const dane_host *h = e->host >= 0 ? &r->hosts[e->host] : NULL;
	const dane_addr *a = h != NULL && e->addr >= 0 ? &h->addrs[e->addr] : NULL;

	switch (e->kind) {
	case DV_MX:
	case DV_MX_PROCEED:
	case DV_MX_BOGUS:
	case DV_MX_ERROR:
	case DV_MX_NXDOMAIN:
	case DV_NULL_MX:
		rv_mx_event(out, r, h, e->kind);
		break;
	case DV_IMPLICIT_MX:
		break;   /* said by the DV_MX line */
	case DV_ADDR:
		if (a->address[0])
			dp_fprintf_text(out, "%s %s record (%s) found for MX(%s) in %s\n", rv_upper(a->status),
				a->family == 6 ? "AAAA" : "A", a->address, h->name, r->domain);
		else
			dp_fprintf_text(out, "%s %s record found for MX(%s) in %s\n", rv_upper(a->status),
				a->family == 6 ? "AAAA" : "A", h->name, r->domain);
		break;
	case DV_NO_ADDR:
		dp_fprintf_text(out, "No A or AAAA record found for MX(%s) in %s\n", h->name, r->domain);
		break;
	case DV_CONNECTING:
		dp_fprintf_text(out, "Connecting to %s on port 25.\n", a->address);
		break;
	case DV_CONNECTED:
		dp_fprintf_text(out, "Connected to %s from interface %s.\n", a->address, a->local);
		break;
	case DV_CONNECT_FAIL:
		dp_fprintf_text(out, "Connection to %s failed: %s\n", a->address, a->smtp_detail);
		break;
	case DV_TLSA:
		rv_tlsa_line(out, r, h);
		break;
	case DV_CHECK_TLS:
		dp_fprintf_text(out, "Checking TLS connection.\n");
		break;
	case DV_NO_STARTTLS:
		dp_fprintf_text(out, "STARTTLS is not offered by %s.\n", a->address);
		break;
	case DV_TLS_EST:
		dp_fprintf_text(out, "TLS connection established: protocol %s, cipher %s.\n", a->protocol, a->cipher);
		break;
	case DV_TLS_FAIL:
		dp_fprintf_text(out, "TLS connection failed: %s\n", a->smtp_detail);
		break;
	case DV_CERT_OK:
		dp_fprintf_text(out, "Certificate verification successful\n");
		break;
	case DV_CERT_FAIL:
		dp_fprintf_text(out, "Certificate verification failed\n");
		break;
	case DV_TLS_SUCCEEDED:
		dp_fprintf_text(out, "TLS connection succeeded %s.\n", r->domain);
		break;
	case DV_NEXT_A:
		dp_fprintf_text(out, "Trying next A record (%s)\n", a->address[0] ? a->address : "-");
		break;
	case DV_NEXT_MX:
		dp_fprintf_text(out, "Trying next MX record in %s\n", r->domain);
		break;
	case DV_SUCCESS:
		dp_fprintf_text(out, "DANE SUCCESS for %s\n", r->domain);
		break;
	case DV_FAILED:
		dp_fprintf_text(out, "DANE FAILED for %s\n", r->domain);
		break;
	}
}

void report_verify_text(FILE *out, const dane_result *r)
{
	size_t i;

	if (dp_text_quiet()) {
		report_verify_status_line(out, r);
		return;
	}
	for (i = 0; i < r->n_events; i++)
		rv_event(out, r, &r->events[i]);
	dp_fprintf_text(out, "DANE verification completed.\n");
	/* What the appliance does not say: what happens to the mail. */
	report_verify_policy_text(out, r, dp_text_verbose());
	report_cert_verify_text(out, r);
	report_client_text(out, r);
}

static json_t *rv_str(const char *s)
{
	json_t *j = json_string(s);
	/* Hostile bytes never reach here unescaped, but a name with odd
	 * octets must not drop the whole object. */
	return j != NULL ? j : json_string("(unprintable)");
}

/* "status" keeps the policy tables' words (nxdomain, not-checked);
 * "dnssec" is the verdict in the words of lookup and tlsa-check, null
 * when the step was not reached (the JSON contract, contrib/schema/). */
static json_t *rv_dnssec(pol_lookup l)
{
	const char *w = dane_lookup_dnssec(l);

	return w != NULL ? json_string(w) : json_null();
}

static json_t *rv_tlsa_json(const dane_host *h)
{
	json_t *o = json_object(), *recs = json_array();
	size_t i;

	if (o == NULL || recs == NULL) {
		json_decref(o);
		json_decref(recs);
		return NULL;
	}
	for (i = 0; i < h->tlsa.n; i++) {
		char buf[2200];
		tlsa_rec_format(&h->tlsa.recs[i], buf, sizeof buf);
		json_array_append_new(recs, rv_str(buf));
	}
	json_object_set_new(o, "name", rv_str(h->tlsa_name));
	json_object_set_new(o, "status", json_string(dane_lookup_json(h->tlsa_status)));
	json_object_set_new(o, "dnssec", rv_dnssec(h->tlsa_status));
	json_object_set_new(o, "records", recs);
	/* A count: tlsa-check's "usable" is one record's boolean (one type
	 * per key name, issue 12). */
	json_object_set_new(o, "usable_records", json_integer((json_int_t)h->tlsa_usable));
	json_object_set_new(o, "base_domain", rv_str(h->base_domain));
	json_object_set_new(o, "reason", rv_str(h->tlsa_reason));
	return o;
}

static json_t *rv_addr_json(const dane_host *h, const dane_addr *a)
{
	json_t *o = json_object(), *tls, *pol, *why;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "address", a->address[0] ? rv_str(a->address) : json_null());
	json_object_set_new(o, "family", json_string(a->family == 6 ? "ipv6" : "ipv4"));
	json_object_set_new(o, "status", json_string(dane_lookup_json(a->status)));
	json_object_set_new(o, "dnssec", rv_dnssec(a->status));
	json_object_set_new(o, "lookup_reason", a->status != POL_SECURE ? rv_str(a->lookup_reason) : json_null());
	json_object_set_new(o, "tlsa", h->tlsa_looked_up && a->status == POL_SECURE ? rv_tlsa_json(h) : json_null());
	if (a->connected) {
		tls = json_object();
		json_object_set_new(tls, "protocol", a->protocol[0] ? rv_str(a->protocol) : json_null());
		json_object_set_new(tls, "cipher", a->cipher[0] ? rv_str(a->cipher) : json_null());
		json_object_set_new(tls, "starttls", json_boolean(a->starttls));
		json_object_set_new(tls, "local", rv_str(a->local));
		json_object_set_new(o, "tls", tls);
	} else {
		json_object_set_new(o, "tls", json_null());
	}
	json_object_set_new(o, "certificate", json_string(a->cert == DANE_CERT_SUCCESS ? "success" :
							  a->cert == DANE_CERT_FAILED ? "failed" : "not-checked"));
	/* "match" as tlsa-check says it; null when nothing was checked. */
	json_object_set_new(o, "match", a->cert == DANE_CERT_SUCCESS ? json_true() :
				       a->cert == DANE_CERT_FAILED ? json_false() : json_null());
	json_object_set_new(o, "matched", a->matched ? rv_str(a->matched) : json_null());
	/* The chain the server presented, against the host's TLSA set. */
	json_object_set_new(o, "chain", a->chain.n > 0 ? report_cert_chain_json(&a->chain, &h->tlsa)
						       : json_null());
	json_object_set_new(o, "smtp", a->smtp_detail[0] ? rv_str(a->smtp_detail) : json_null());
	pol = json_object();
	why = json_object();
	json_object_set_new(pol, "opportunistic", json_string(policy_action_str(a->action[0])));
	json_object_set_new(pol, "mandatory", json_string(policy_action_str(a->action[1])));
	json_object_set_new(why, "opportunistic", rv_str(a->reason[0]));
	json_object_set_new(why, "mandatory", rv_str(a->reason[1]));
	/* "verdict", as the domain's own (one type per key name: the
	 * Postfix destinations' "policy" is a word). */
	json_object_set_new(o, "verdict", pol);
	json_object_set_new(o, "reasons", why);
	return o;
}

json_t *report_verify_json(const dane_result *r)
{
	json_t *o = json_object(), *verdict = json_object(), *mx = json_array(), *why = json_object();
	size_t i, j;

	if (o == NULL || verdict == NULL || mx == NULL || why == NULL) {
		json_decref(o);
		json_decref(verdict);
		json_decref(mx);
		json_decref(why);
		return NULL;
	}
	json_object_set_new(o, "domain", rv_str(r->domain));
	json_object_set_new(verdict, "opportunistic", json_string(policy_action_str(r->verdict[0])));
	json_object_set_new(verdict, "mandatory", json_string(policy_action_str(r->verdict[1])));
	json_object_set_new(o, "verdict", verdict);
	/* "reason": one sentence (the Opportunistic one, or both when they
	 * differ); "reasons" has each. */
	if (strcmp(r->reason[0], r->reason[1]) == 0 || r->verdict[0] == r->verdict[1])
		json_object_set_new(o, "reason", rv_str(r->reason[r->verdict[0] == POL_DANE_SUCCESS ? 1 : 0]));
	else {
		char both[1700];
		snprintf(both, sizeof both, "opportunistic: %s; mandatory: %s", r->reason[0], r->reason[1]);
		json_object_set_new(o, "reason", rv_str(both));
	}
	json_object_set_new(why, "opportunistic", rv_str(r->reason[0]));
	json_object_set_new(why, "mandatory", rv_str(r->reason[1]));
	json_object_set_new(o, "reasons", why);
	json_object_set_new(o, "dane", json_string(r->dane_success ? "success" : "failed"));
	json_object_set_new(o, "resolver", rv_str(r->resolver));
	json_object_set_new(o, "mx_status", json_string(dane_lookup_json(r->mx_status)));
	json_object_set_new(o, "mx_dnssec", rv_dnssec(r->mx_status));
	json_object_set_new(o, "mx_reason", rv_str(r->mx_reason));
	json_object_set_new(o, "null_mx", json_boolean(r->null_mx));
	json_object_set_new(o, "implicit_mx", json_boolean(r->implicit_mx));
	for (i = 0; i < r->n_hosts; i++) {
		const dane_host *h = &r->hosts[i];
		json_t *ho = json_object(), *addrs = json_array();

		json_object_set_new(ho, "host", rv_str(h->name));
		json_object_set_new(ho, "preference", json_integer(h->preference));
		json_object_set_new(ho, "status", json_string(dane_lookup_json(r->mx_status)));
		json_object_set_new(ho, "dnssec", rv_dnssec(r->mx_status));
		for (j = 0; j < h->n_addrs; j++) {
			json_t *ao = rv_addr_json(h, &h->addrs[j]);
			if (ao != NULL)
				json_array_append_new(addrs, ao);
		}
		json_object_set_new(ho, "addresses", addrs);
		json_array_append_new(mx, ho);
	}
	json_object_set_new(o, "mx", mx);
	report_client_json(o, r);
	json_object_set_new(o, "warnings", report_warnings_json(&r->warnings, dp_now()));
	json_object_set_new(o, "elapsed_ms", json_integer((json_int_t)r->elapsed_ms));
	return o;
}
