/*
 * report_anchor.c - what `daneprobe anchor` prints: JSON with jansson for
 * pipelines (SPEC section 3: trust_point, keys[tag, algorithm, state,
 * last_change], next_probe, last_success), text for people.  Times are
 * ISO 8601 UTC strings, null when never.
 */
#include <stdio.h>
#include <stdlib.h>
#include <jansson.h>
#include "probe/report/report_anchor.h"
#include "probe/util/clock.h"
#include "probe/util/escape.h"

static const char *const health_names[] = { "ok", "warning", "critical" };

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
	json_object_set_new(o, "status", json_string(health_names[r->health]));
	json_object_set_new(o, "reason", jstr(r->why));
	json_object_set_new(o, "state_file", jstr(r->state_file));
	json_object_set_new(o, "builtin_fallback", json_boolean(r->fell_back));
	if (r->fell_back)
		json_object_set_new(o, "fallback_reason", jstr(r->source_note));
	json_object_set_new(o, "action", jstr(r->action));
	if (r->result != NULL)
		json_object_set_new(o, "result", json_string(r->result));
	if (r->detail != NULL)
		json_object_set_new(o, "detail", json_string(r->detail));
	if (r->resolver != NULL)
		json_object_set_new(o, "resolver", json_string(r->resolver));
	return o;
}

static void report_text(FILE *f, const anchor_report *r)
{
	const rfc5011_tp *tp = r->tp;
	char *zone = ldns_rdf2str(tp->zone);
	char b1[32], b2[32];

	if (r->result != NULL)
		dp_fprintf_text(f, "%s: %s%s%s%s%s\n", r->action, r->result,
			r->resolver ? " via " : "", r->resolver ? r->resolver : "",
			r->detail ? ": " : "", r->detail ? r->detail : "");
	dp_fprintf_text(f, "trust point %s: %s (%s)\n", zone ? zone : "?",
		health_names[r->health], r->why ? r->why : "");
	free(zone);
	if (r->fell_back)
		dp_fprintf_text(f, "note: %s\n", r->source_note ? r->source_note : "built-in anchors in use");
	else if (r->state_file)
		dp_fprintf_text(f, "state file: %s\n", r->state_file);
	for (size_t i = 0; i < tp->n_keys; i++) {
		const rfc5011_key *k = &tp->keys[i];
		dp_fprintf_text(f, "  key %5u  alg %3u  %-8s since %s  first seen %s%s\n", k->tag, k->alg,
			rfc5011_state_str(k->state),
			k->last_change > 0 ? dp_time_fmt(k->last_change, b1, sizeof(b1)) : "-",
			k->first_seen > 0 ? dp_time_fmt(k->first_seen, b2, sizeof(b2)) : "-",
			k->dnskey ? "" : "  (DS only)");
	}
	dp_fprintf_text(f, "last success: %s\nnext probe:   %s\n",
		tp->last_success > 0 ? dp_time_fmt(tp->last_success, b1, sizeof(b1)) : "never",
		tp->next_probe > 0 ? dp_time_fmt(tp->next_probe, b2, sizeof(b2)) : "now");
}

/* Prometheus text format: one gauge per fact, keys by tag and state. */
static void report_prometheus(FILE *f, const anchor_report *r)
{
	const rfc5011_tp *tp = r->tp;

	fprintf(f, "# HELP daneprobe_anchor_status Root trust anchors: 0 ok, 1 warning, 2 critical.\n"
		   "# TYPE daneprobe_anchor_status gauge\n"
		   "daneprobe_anchor_status %d\n", (int)r->health);
	fprintf(f, "# HELP daneprobe_anchor_builtin_fallback 1 when the built-in anchors replace an unusable state file.\n"
		   "# TYPE daneprobe_anchor_builtin_fallback gauge\n"
		   "daneprobe_anchor_builtin_fallback %d\n", r->fell_back ? 1 : 0);
	fprintf(f, "# HELP daneprobe_anchor_key RFC 5011 state of each root key (1 for its current state).\n"
		   "# TYPE daneprobe_anchor_key gauge\n");
	for (size_t i = 0; i < tp->n_keys; i++)
		fprintf(f, "daneprobe_anchor_key{tag=\"%u\",algorithm=\"%u\",state=\"%s\"} 1\n",
			tp->keys[i].tag, tp->keys[i].alg, rfc5011_state_str(tp->keys[i].state));
	fprintf(f, "# HELP daneprobe_anchor_last_success_timestamp_seconds Last accepted root DNSKEY set (0: never).\n"
		   "# TYPE daneprobe_anchor_last_success_timestamp_seconds gauge\n"
		   "daneprobe_anchor_last_success_timestamp_seconds %lld\n", (long long)tp->last_success);
	fprintf(f, "# HELP daneprobe_anchor_next_probe_timestamp_seconds When RFC 5011 wants the next refresh.\n"
		   "# TYPE daneprobe_anchor_next_probe_timestamp_seconds gauge\n"
		   "daneprobe_anchor_next_probe_timestamp_seconds %lld\n", (long long)tp->next_probe);
}

int report_anchor(FILE *f, int fmt, const anchor_report *r)
{
	json_t *o;

	if (fmt == 2) {
		report_prometheus(f, r);
		return 0;
	}
	if (fmt != 1) {
		report_text(f, r);
		return 0;
	}
	if ((o = report_anchor_json(r)) == NULL)
		return -1;
	json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(o);
	return 0;
}
