/*
 * report_cert.c - certificate evidence and warnings as text and JSON
 * (see report_cert.h).
 */
#include <stdio.h>
#include <string.h>
#include "probe/util/clock.h"
#include "probe/report/report_cert.h"
#include "probe/report/textout.h"
#include "probe/util/escape.h"

static const char *rc_time(int64_t t, char *buf, size_t len)
{
	return t != 0 ? dp_time_fmt(t, buf, len) : "?";
}

/* What the TLSA record line of one certificate says about the set. */
static const char *rc_mark(const cert_info *ci)
{
	if (ci->published)
		return "published";
	if (ci->matched_by >= 0)
		return "not published; another published record matches";
	return "not published";
}

void report_cert_chain_text(FILE *out, const cert_chain *c, const char *heading)
{
	size_t i;
	char b1[32], b2[32];

	if (c == NULL || c->n == 0)
		return;
	dp_text_wrap(out, 0, 2, heading);
	for (i = 0; i < c->n; i++) {
		const cert_info *ci = &c->certs[i];

		/* Names can be long: wrapped under themselves (column 15). */
		fprintf(out, "%2d subject     ", ci->depth);
		dp_text_wrap(out, 15, 15, ci->subject);
		fprintf(out, "   issuer      ");
		dp_text_wrap(out, 15, 15, ci->issuer);
		dp_fprintf_text(out, "   valid       %s .. %s\n", rc_time(ci->not_before, b1, sizeof b1),
			rc_time(ci->not_after, b2, sizeof b2));
		dp_fprintf_text(out, "   cert sha256 %s\n", ci->sha256);
		dp_fprintf_text(out, "   spki sha256 %s\n", ci->spki_sha256);
		dp_fprintf_text(out, "   TLSA record for this %s (%s):\n", ci->depth == 0 ? "key" : "issuer",
			rc_mark(ci));
		dp_fprintf_text(out, "     %s\n", ci->record);
	}
}

static json_t *rc_time_json(int64_t t)
{
	char buf[32];

	return t != 0 ? json_string(dp_time_fmt(t, buf, sizeof buf)) : json_null();
}

/* Certificate names are RFC 2253 text with every non-ASCII byte escaped
 * (certinfo.c), so json_string accepts them; keep a fallback anyway. */
static json_t *rc_str(const char *s)
{
	json_t *j = json_string(s);

	return j != NULL ? j : json_string("(unprintable)");
}

static json_t *rc_cert_json(const cert_info *ci, const tlsa_set *set)
{
	json_t *o = json_object();
	char rec[2200];

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "depth", json_integer(ci->depth));
	json_object_set_new(o, "subject", rc_str(ci->subject));
	json_object_set_new(o, "issuer", rc_str(ci->issuer));
	json_object_set_new(o, "not_before", rc_time_json(ci->not_before));
	json_object_set_new(o, "not_after", rc_time_json(ci->not_after));
	json_object_set_new(o, "sha256", json_string(ci->sha256));
	json_object_set_new(o, "spki_sha256", json_string(ci->spki_sha256));
	/* "record" as tlsa-check's records[].record: "tlsa" is the TLSA
	 * lookup object in verify (one type per key name, issue 12). */
	json_object_set_new(o, "record", json_string(ci->record));
	json_object_set_new(o, "published", json_boolean(ci->published));
	if (ci->matched_by >= 0 && set != NULL && (size_t)ci->matched_by < set->n) {
		tlsa_rec_format(&set->recs[ci->matched_by], rec, sizeof rec);
		json_object_set_new(o, "matched_by", json_string(rec));
	} else {
		json_object_set_new(o, "matched_by", json_null());
	}
	return o;
}

json_t *report_cert_chain_json(const cert_chain *c, const tlsa_set *set)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && c != NULL && i < c->n; i++) {
		json_t *o = rc_cert_json(&c->certs[i], set);
		if (o == NULL) {
			json_decref(a);
			return NULL;
		}
		json_array_append_new(a, o);
	}
	return a;
}

void report_warnings_text(FILE *out, const dane_warnings *ws)
{
	size_t i;

	/* One finding per warning, wrapped to the width (issue 13). */
	for (i = 0; ws != NULL && i < ws->n; i++)
		dp_text_finding(out, 0, DP_TONE_WARN, "Warning:", "%s", ws->w[i].text);
}

json_t *report_warnings_json(const dane_warnings *ws, int64_t now)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && ws != NULL && i < ws->n; i++) {
		const dane_warning *w = &ws->w[i];
		json_t *o = json_object();

		if (o == NULL) {
			json_decref(a);
			return NULL;
		}
		json_object_set_new(o, "kind", json_string(dane_warn_kind_str(w->kind)));
		json_object_set_new(o, "subject", rc_str(w->subject));
		json_object_set_new(o, "expires", rc_time_json(w->expires));
		/* Whole days left, rounded down; negative once expired. */
		json_object_set_new(o, "days_left", w->expires != 0
				    ? json_integer((json_int_t)((w->expires - now) / 86400))
				    : json_null());
		json_object_set_new(o, "message", rc_str(w->text));
		json_array_append_new(a, o);
	}
	return a;
}

void report_cert_verify_text(FILE *out, const dane_result *r)
{
	size_t i, j;

	for (i = 0; i < r->n_hosts; i++)
		for (j = 0; j < r->hosts[i].n_addrs; j++) {
			const dane_addr *a = &r->hosts[i].addrs[j];
			char heading[400];

			snprintf(heading, sizeof heading, "Certificate chain presented by %s (MX %s):",
				 a->address, r->hosts[i].name);
			report_cert_chain_text(out, &a->chain, heading);
		}
	report_warnings_text(out, &r->warnings);
}

void report_cert_publish_text(FILE *out, const cert_chain *c, const char *tlsa_name,
			      int covered, long ttl)
{
	char line[400];
	size_t i;

	if (c == NULL || c->n == 0)
		return;
	snprintf(line, sizeof line, "TLSA records for this chain at %s (+ to add, = published):", tlsa_name);
	dp_text_wrap(out, 0, 2, line);
	for (i = 0; i < c->n; i++)
		dp_fprintf_text(out, "%c %s\n", c->certs[i].published ? '=' : '+', c->certs[i].record);
	if (covered) {
		dp_text_wrap(out, 0, 2, "The current TLSA set already covers this chain: it can be deployed.");
		return;
	}
	/* RFC 7671 8.1: the records of the next chain go in beside the
	 * current ones, and stay there until every cache has them. */
	if (ttl >= 0)
		snprintf(line, sizeof line, "The current TLSA set does not cover this chain: add the + records beside the current ones, wait %ld s (the TTL), then deploy it (RFC 7671 8.1, \"current + next\").",
			 ttl);
	else
		snprintf(line, sizeof line, "The current TLSA set does not cover this chain: add the + records beside the current ones, wait one TTL, then deploy it (RFC 7671 8.1, \"current + next\").");
	dp_text_wrap(out, 0, 2, line);
}

json_t *report_cert_publish_json(const cert_chain *c)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && c != NULL && i < c->n; i++)
		json_array_append_new(a, json_string(c->certs[i].record));
	return a;
}
