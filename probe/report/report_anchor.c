/*
 * report_anchor.c - what `daneprobe anchor` prints: JSON with jansson for
 * pipelines (SPEC section 3: trust_point, keys[tag, algorithm, state,
 * last_change], next_probe, last_success), text for people.  Times are
 * ISO 8601 UTC strings, null when never.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "probe/report/report_anchor.h"
#include "probe/report/envelope.h"
#include "probe/report/prom.h"
#include "probe/report/report_prom.h"
#include "probe/util/clock.h"
#include "probe/util/escape.h"
#include "probe/report/textout.h"

static json_t *jtime(int64_t t)
{
	char buf[32];

	return t > 0 ? json_string(dp_time_fmt(t, buf, sizeof(buf))) : json_null();
}

static json_t *jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

json_t *report_anchor_json(const anchor_report *r)
{
	const rfc5011_tp *tp = r->tp;
	json_t *o = json_object(), *keys = json_array();
	char *zone = ldns_rdf2str(tp->zone);

	if (o == NULL || keys == NULL || zone == NULL) {
		json_decref(o);
		json_decref(keys);
		free(zone);
		return NULL;
	}
	json_object_set_new(o, "trust_point", json_string(zone));
	free(zone);
	for (size_t i = 0; i < tp->n_keys; i++) {
		const rfc5011_key *k = &tp->keys[i];
		json_array_append_new(keys, json_pack("{s:i,s:i,s:s,s:o,s:o,s:s,s:i,s:i}",
			"tag", (json_int_t)k->tag, "algorithm", (json_int_t)k->alg,
			"state", rfc5011_state_str(k->state), "last_change", jtime(k->last_change),
			"first_seen", jtime(k->first_seen), "known_by", k->dnskey ? "dnskey" : "ds",
			"seen", (json_int_t)k->seen_count, "missing", (json_int_t)k->missing_count));
	}
	json_object_set_new(o, "keys", keys);
	json_object_set_new(o, "next_probe", jtime(tp->next_probe));
	json_object_set_new(o, "last_success", jtime(tp->last_success));
	json_object_set_new(o, "status", json_string(dp_status_word(r->exit_code)));
	json_object_set_new(o, "reason", jstr(r->why));
	json_object_set_new(o, "state_file", jstr(r->state_file));
	json_object_set_new(o, "builtin_fallback", json_boolean(r->fell_back));
	/* Keys that do not apply to this action are null, never absent (one
	 * shape per command: contrib/schema/anchor.json). */
	json_object_set_new(o, "fallback_reason", r->fell_back ? jstr(r->source_note) : json_null());
	json_object_set_new(o, "action", jstr(r->action));
	json_object_set_new(o, "result", jstr(r->result));
	json_object_set_new(o, "detail", jstr(r->detail));
	json_object_set_new(o, "resolver", jstr(r->resolver));
	return o;
}

/* RFC 5011 7: valid keys anchor trust; a revoked or missing one does
 * not; the others are on their way in. */
static dp_tone key_tone(rfc5011_state st)
{
	return st == RFC5011_VALID ? DP_TONE_OK
	       : st == RFC5011_REVOKED || st == RFC5011_MISSING ? DP_TONE_BAD : DP_TONE_WARN;
}

/* "  key TAG  alg N  STATE    since T  first seen T  (DS only)": on one
 * line when it fits the width, else "first seen" on a line of its own. */
static void key_text(FILE *f, const rfc5011_key *k)
{
	char b1[32], b2[32], seen[64];
	const char *st = rfc5011_state_str(k->state);
	dp_tone tone = key_tone(k->state);
	int w = (int)strlen(st);

	snprintf(seen, sizeof seen, "first seen %s",
		 k->first_seen > 0 ? dp_time_fmt(k->first_seen, b2, sizeof(b2)) : "-");
	fprintf(f, "  key %5u  alg %3u  %s%s%s%*s since %s", k->tag, k->alg, dp_tone_on(tone), st,
		dp_tone_off(tone), w < 8 ? 8 - w : 0, "",
		k->last_change > 0 ? dp_time_fmt(k->last_change, b1, sizeof(b1)) : "-");
	/* 58 columns so far, with a 20-column time */
	if (58 + 2 + (int)strlen(seen) + (k->dnskey ? 0 : 11) <= dp_text_width())
		fprintf(f, "  %s%s\n", seen, k->dnskey ? "" : "  (DS only)");
	else
		fprintf(f, "%s\n%13s%s\n", k->dnskey ? "" : "  (DS only)", "", seen);
}

static void report_text(FILE *f, const anchor_report *r)
{
	const rfc5011_tp *tp = r->tp;
	char *zone = ldns_rdf2str(tp->zone);
	char b1[32], b2[32], why[600];
	dp_tone tone = r->exit_code == 0 ? DP_TONE_OK : r->exit_code == 1 ? DP_TONE_WARN : DP_TONE_BAD;

	if (r->result != NULL) {
		char label[64];

		snprintf(label, sizeof label, "%s:", r->action);
		dp_text_finding(f, 0, tone, label, "%s%s%s%s%s", r->result, r->resolver ? " via " : "",
				r->resolver ? r->resolver : "", r->detail ? ": " : "", r->detail ? r->detail : "");
	}
	/* "trust point .: STATUS (why)", the status word in its tone. */
	dp_fprintf_text(f, "trust point %s: ", zone ? zone : "?");
	fprintf(f, "%s%s%s ", dp_tone_on(tone), dp_status_word(r->exit_code), dp_tone_off(tone));
	snprintf(why, sizeof why, "(%s)", r->why ? r->why : "");
	dp_text_wrap(f, 15 + dp_text_cols(zone ? zone : "?") + (int)strlen(dp_status_word(r->exit_code)), 2, why);
	free(zone);
	if (dp_text_quiet())
		return;         /* --quiet: the outcome lines only */
	if (r->fell_back)
		dp_text_finding(f, 0, DP_TONE_WARN, "note:", "%s",
				r->source_note ? r->source_note : "built-in anchors in use");
	else if (r->state_file)
		dp_text_finding(f, 0, DP_TONE_NONE, "state file:", "%s", r->state_file);
	for (size_t i = 0; i < tp->n_keys; i++)
		key_text(f, &tp->keys[i]);
	dp_fprintf_text(f, "last success: %s\nnext probe:   %s\n",
		tp->last_success > 0 ? dp_time_fmt(tp->last_success, b1, sizeof(b1)) : "never",
		tp->next_probe > 0 ? dp_time_fmt(tp->next_probe, b2, sizeof(b2)) : "now");
}

/* Prometheus text: the status and key states as `check` exports them,
 * and the RFC 5011 times (absent when never / not scheduled). */
static int report_prometheus(FILE *f, const anchor_report *r, json_t *o)
{
	const rfc5011_tp *tp = r->tp;
	json_t *tps = json_pack("[O]", o);
	dp_prom *p = NULL;
	const char *text;

	if (tps == NULL || dp_prom_new(&p) != DP_OK) {
		json_decref(tps);
		return -1;
	}
	dp_anchor_prom(p, dp_status_word(r->exit_code), tps);
	json_decref(tps);
	dp_prom_family(p, "daneprobe_anchor_builtin_fallback",
		       "1 when the built-in anchors replace an unusable state file");
	dp_prom_sample(p, "daneprobe_anchor_builtin_fallback", NULL, 0, r->fell_back ? 1 : 0);
	dp_prom_family(p, "daneprobe_anchor_last_success_timestamp_seconds",
		       "Last accepted root DNSKEY set (absent: never)");
	if (tp->last_success > 0)
		dp_prom_sample(p, "daneprobe_anchor_last_success_timestamp_seconds", NULL, 0,
			       (double)tp->last_success);
	dp_prom_family(p, "daneprobe_anchor_next_probe_timestamp_seconds",
		       "When RFC 5011 wants the next refresh (absent: now)");
	if (tp->next_probe > 0)
		dp_prom_sample(p, "daneprobe_anchor_next_probe_timestamp_seconds", NULL, 0,
			       (double)tp->next_probe);
	text = dp_prom_text(p, NULL);
	if (text != NULL)
		fputs(text, f);
	dp_prom_free(p);
	return text != NULL ? 0 : -1;
}

int report_anchor(FILE *f, int fmt, const anchor_report *r)
{
	json_t *o;
	int rc;

	if (fmt != 1 && fmt != 2) {
		report_text(f, r);
		return 0;
	}
	if ((o = report_anchor_json(r)) == NULL)
		return -1;
	rc = fmt == 2 ? report_prometheus(f, r, o) : dp_json_emit(f, o, r->exit_code);
	json_decref(o);
	return rc;
}
