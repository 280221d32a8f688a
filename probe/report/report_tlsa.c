/*
 * report_tlsa.c - text and JSON of `daneprobe tlsa-check` (see
 * report_tlsa.h).  Moved out of cmd_tlsa_check.c, which now only checks
 * and hands what it found here, as lookup and verify do.
 */
#include <stdlib.h>
#include <string.h>
#include "probe/report/report_tlsa.h"
#include "probe/report/report_cert.h"
#include "probe/report/envelope.h"
#include "probe/report/textout.h"
#include "probe/util/escape.h"
#include "validator/dp_err.h"

/* One record and what it does for this chain: on one line when it fits
 * the width, else the verdict under the record (a 3 1 1 record alone
 * takes 72 columns). */
static void rt_rec_text(FILE *out, const report_tlsa_rec *r)
{
	const char *verdict = !r->usable ? r->why : r->matches ? "MATCHES this chain" : "does not match";
	dp_tone tone = !r->usable ? DP_TONE_WARN : r->matches ? DP_TONE_OK : DP_TONE_DIM;

	if (2 + dp_text_cols(r->text) + 2 + dp_text_cols(verdict) <= dp_text_width()) {
		dp_fprintf_text(out, "  %s  ", r->text);
		fprintf(out, "%s", dp_tone_on(tone));
		dp_fprintf_text(out, "%s", verdict);
		fprintf(out, "%s\n", dp_tone_off(tone));
		return;
	}
	fputs("  ", out);
	dp_text_wrap(out, 2, 4, r->text);
	dp_text_finding(out, 4, tone, verdict, "%s", "");
}

void report_tlsa_host_text(FILE *out, const report_tlsa_host *h)
{
	int quiet = dp_text_quiet();

	/* Names and reasons came from DNS or a file: printed escaped. */
	if (!quiet)
		dp_text_finding(out, 0, DP_TONE_BOLD, "TLSA", "%s (%s): %zu record(s)", h->name, h->status,
				h->n);
	for (size_t i = 0; !quiet && i < h->n; i++)
		rt_rec_text(out, &h->recs[i]);
	if (h->match) {
		/* The record on a line of its own: a hash is not broken. */
		dp_text_finding(out, 0, DP_TONE_OK, "MATCH:", "the chain matches at depth %d (%s), by the record",
				h->depth, h->depth == 0 ? "the leaf" : "a CA of the chain");
		fputs("  ", out);
		dp_text_wrap(out, 2, 2, h->matched);
		if (strcmp(h->status, "secure") != 0 && strcmp(h->status, "file") != 0)
			dp_text_finding(out, 0, DP_TONE_BAD, "But", "the TLSA records are %s: DANE clients will not use them",
					h->status);
	} else {
		dp_text_finding(out, 0, DP_TONE_BAD, "NO MATCH", "for %s: %s", h->host, h->reason);
	}
	if (h->chain != NULL && !quiet)
		report_cert_chain_text(out, h->chain, "Certificate chain checked:");
}

int report_tlsa_host_json(json_t *hosts, const report_tlsa_host *h)
{
	int from_file = strcmp(h->status, "file") == 0;
	json_t *jh = json_object(), *jr = json_array();

	if (jh == NULL || jr == NULL) {
		json_decref(jh);
		json_decref(jr);
		return DP_ENOMEM;
	}
	json_object_set_new(jh, "host", json_string(h->host));
	json_object_set_new(jh, "name", json_string(h->name));
	/* "dnssec" as in every command; null when the records came from a
	 * file (nothing was validated). */
	json_object_set_new(jh, "dnssec", from_file ? json_null() : json_string(h->status));
	json_object_set_new(jh, "source", json_string(from_file ? "file" : "dns"));
	for (size_t i = 0; i < h->n; i++) {
		const report_tlsa_rec *r = &h->recs[i];
		json_t *o = json_object();

		json_object_set_new(o, "record", json_string(r->text));
		json_object_set_new(o, "usable", json_boolean(r->usable));
		json_object_set_new(o, "match", json_boolean(r->matches));
		json_object_set_new(o, "reason", r->usable ? json_null() : json_string(r->why));
		json_array_append_new(jr, o);
	}
	json_object_set_new(jh, "records", jr);
	json_object_set_new(jh, "match", json_boolean(h->match));
	json_object_set_new(jh, "matched", h->match ? json_string(h->matched) : json_null());
	json_object_set_new(jh, "depth", h->match ? json_integer(h->depth) : json_null());
	json_object_set_new(jh, "reason", h->match ? json_null() : json_string(h->reason));
	/* Issue 13: the chain against this set, the records it needs, and
	 * whether the set covers it already (RFC 7671 8.1). */
	if (h->chain != NULL) {
		json_object_set_new(jh, "chain", report_cert_chain_json(h->chain, h->set));
		json_object_set_new(jh, "publish", report_cert_publish_json(h->chain));
		json_object_set_new(jh, "covered", json_boolean(h->match));
	} else {
		/* Absent is null (the JSON contract, contrib/schema/). */
		json_object_set_new(jh, "chain", json_null());
		json_object_set_new(jh, "publish", json_null());
		json_object_set_new(jh, "covered", json_null());
	}
	return json_array_append_new(hosts, jh) == 0 ? DP_OK : DP_ENOMEM;
}

void report_tlsa_bogus_text(FILE *out, const char *name, const char *reason)
{
	dp_text_finding(out, 0, DP_TONE_BAD, "BOGUS", "TLSA records at %s: %s", name, reason);
}

void report_tlsa_none_text(FILE *out, int port, const char *host)
{
	dp_text_finding(out, 0, DP_TONE_WARN, "TLSA", "_%d._tcp.%s: no TLSA records", port, host);
}

int report_tlsa_print_json(FILE *out, const char *domain, int exit_code, json_t *hosts,
			   json_t *warnings)
{
	json_t *o = json_object();
	int rc;

	if (o == NULL) {
		json_decref(hosts);
		json_decref(warnings);
		return DP_ENOMEM;
	}
	json_object_set_new(o, "domain", json_string(domain));
	json_object_set_new(o, "match", json_boolean(exit_code == 0));
	json_object_set_new(o, "hosts", hosts);
	json_object_set_new(o, "warnings", warnings != NULL ? warnings : json_array());
	rc = dp_json_emit(out, o, exit_code);
	json_decref(o);
	return rc == 0 ? DP_OK : DP_ENOMEM;
}
