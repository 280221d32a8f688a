/*
 * report_check.c - the output of `daneprobe check` (report_check.h): the
 * Nagios/Icinga line of the plugin guidelines ("SERVICE STATUS: summary |
 * perfdata", here "DANEPROBE WARNING - ... | ..."), long text, JSON,
 * Prometheus text and the webhook body, all from one check_run.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "probe/report/report_check.h"
#include "probe/report/textout.h"
#include "probe/report/envelope.h"
#include "probe/report/report_anchor.h"
#include "probe/report/report_client.h"
#include "probe/report/report_probe.h"
#include "probe/report/report_prom.h"
#include "probe/util/escape.h"
#include "probe/util/strbuf.h"

/* ---- the run's problems ---- */

/* Critical outranks unknown (the probe said what is wrong), unknown
 * outranks warning. */
static int rank(int severity)
{
	return severity == 2 ? 3 : severity == 3 ? 2 : severity == 1 ? 1 : 0;
}

int check_worse(int a, int b)
{
	return rank(a) >= rank(b) ? a : b;
}

int check_problem_add(check_run *c, int severity, const char *label, const char *subject,
		      const char *id, int alert, const char *reason_fmt, ...)
{
	check_problem *n = realloc(c->problems, (c->n_problems + 1) * sizeof(*n)), *p;
	va_list ap;

	if (n == NULL)
		return -1;
	c->problems = n;
	p = &n[c->n_problems++];
	memset(p, 0, sizeof(*p));
	p->severity = severity;
	p->label = label;
	p->alert = alert;
	snprintf(p->subject, sizeof(p->subject), "%s", subject ? subject : "");
	snprintf(p->id, sizeof(p->id), "%s", id);
	va_start(ap, reason_fmt);
	vsnprintf(p->reason, sizeof(p->reason), reason_fmt, ap);
	va_end(ap);
	c->status = check_worse(c->status, severity);
	return 0;
}

void check_problems_sort(check_run *c)
{
	/* Insertion sort: stable, and there are a few dozen at most. */
	for (size_t i = 1; i < c->n_problems; i++) {
		check_problem t = c->problems[i];
		size_t j = i;

		while (j > 0 && rank(c->problems[j - 1].severity) < rank(t.severity)) {
			c->problems[j] = c->problems[j - 1];
			j--;
		}
		c->problems[j] = t;
	}
}

void check_dest_counts(const check_run *c, size_t counts[CHECK_DEST_N])
{
	size_t i;
	json_t *v;

	memset(counts, 0, CHECK_DEST_N * sizeof(counts[0]));
	json_array_foreach(c->verify, i, v) {
		const char *o = json_string_value(json_object_get(json_object_get(v, "verdict"), "opportunistic"));

		if (o == NULL)
			counts[CHECK_DEST_UNKNOWN]++;
		else if (strcmp(o, "dane-success") == 0)
			counts[CHECK_DEST_SUCCESS]++;
		else if (strcmp(o, "fallback-tls") == 0)
			counts[CHECK_DEST_FALLBACK]++;
		else
			counts[CHECK_DEST_FAIL]++;
	}
}

size_t check_anchor_keys_valid(const check_run *c)
{
	size_t i, k, n = 0;
	json_t *tp, *key;

	json_array_foreach(json_object_get(c->anchors, "trust_points"), i, tp)
		json_array_foreach(json_object_get(tp, "keys"), k, key)
			if (json_is_string(json_object_get(key, "state"))
			    && strcmp(json_string_value(json_object_get(key, "state")), "valid") == 0)
				n++;
	return n;
}

void check_run_clear(check_run *c)
{
	json_decref(c->anchors);
	json_decref(c->verify);
	json_decref(c->alert);
	json_decref(c->postfix);
	json_decref(c->pictures);
	free(c->problems);
	memset(c, 0, sizeof(*c));
}

/* ---- the Nagios line ---- */

static const char *const nagios_words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

/* Append s to the summary without the characters that end the summary
 * ('|' starts the perfdata) or the line. */
static void summary_add(dp_sbuf *b, const char *s)
{
	for (; *s; s++)
		dp_sbuf_add(b, *s == '|' ? "/" : (unsigned char)*s < 0x20 ? " " : s, 1);
}

/* Append "; label: item, item" for the problems of group g that fit
 * (marking them used); when not even the first fits, "; label (N)".
 * Returns how many problems it accounted for. */
static size_t summary_group(const check_run *c, size_t g, char *used, dp_sbuf *b, size_t reserve)
{
	const char *label = c->problems[g].label;
	size_t count = 0, shown = 0;

	for (size_t j = g; j < c->n_problems; j++) {
		const check_problem *p = &c->problems[j];
		dp_sbuf t = { 0 };

		if (used[j] || strcmp(p->label, label) != 0)
			continue;
		count++;
		dp_sbuf_printf(&t, "%s%s%s%s", shown ? ", " : b->len ? "; " : "",
			       shown ? "" : label, !shown && p->subject[0] ? ": " : "", p->subject);
		if (!t.failed && b->len + t.len + reserve <= CHECK_SUMMARY_MAX) {
			summary_add(b, t.p);
			used[j] = 1;
			shown++;
		}
		dp_sbuf_clear(&t);
	}
	if (shown == 0) {
		dp_sbuf t = { 0 };

		dp_sbuf_printf(&t, "%s%s (%zu)", b->len ? "; " : "", label, count);
		if (!t.failed && b->len + t.len + reserve <= CHECK_SUMMARY_MAX) {
			summary_add(b, t.p);
			for (size_t j = g; j < c->n_problems; j++)
				used[j] |= strcmp(c->problems[j].label, label) == 0;
			shown = count;
		}
		dp_sbuf_clear(&t);
	}
	return shown;
}

/* Everything that is wrong, most important first, grouped by label:
 * "DANE fail: a, b; not DANE-safe: 127.53.1.4 (x)".  What does not fit
 * in CHECK_SUMMARY_MAX is counted as "(+N more)". */
static void summary_problems(const check_run *c, dp_sbuf *b)
{
	char *used = calloc(c->n_problems ? c->n_problems : 1, 1);
	size_t shown = 0;

	for (size_t i = 0; used != NULL && i < c->n_problems; i++)
		if (!used[i])
			shown += summary_group(c, i, used, b, 12);   /* room for " (+NNN more)" */
	if (shown < c->n_problems)
		dp_sbuf_printf(b, " (+%zu more)", c->n_problems - shown);
	free(used);
}

static void summary_ok(const check_run *c, dp_sbuf *b)
{
	size_t d[CHECK_DEST_N];

	check_dest_counts(c, d);
	dp_sbuf_printf(b, "%zu resolver%s DANE-safe, %zu destination%s DANE success, %zu anchor key%s valid",
		       c->n, c->n == 1 ? "" : "s", d[CHECK_DEST_SUCCESS], d[CHECK_DEST_SUCCESS] == 1 ? "" : "s",
		       check_anchor_keys_valid(c), check_anchor_keys_valid(c) == 1 ? "" : "s");
}

/* Performance data (plugin guidelines): 'label'=value[UOM];warn;crit;min;max. */
static void perfdata(const check_run *c, dp_sbuf *b)
{
	size_t safe = 0, d[CHECK_DEST_N], nd = json_array_size(c->verify);

	for (size_t i = 0; i < c->n; i++)
		safe += c->res[i].dane_safe ? 1 : 0;
	check_dest_counts(c, d);
	dp_sbuf_printf(b, "resolvers_safe=%zu;;;0;%zu resolvers=%zu;;;0 "
		       "destinations_dane_success=%zu;;;0;%zu destinations_fallback_tls=%zu;;;0;%zu "
		       "destinations_dane_fail=%zu;;;0;%zu destinations_unknown=%zu;;;0;%zu "
		       "anchor_keys_valid=%zu;;;0 time=%.3fs;;;0",
		       safe, c->n, c->n, d[CHECK_DEST_SUCCESS], nd, d[CHECK_DEST_FALLBACK], nd,
		       d[CHECK_DEST_FAIL], nd, d[CHECK_DEST_UNKNOWN], nd, check_anchor_keys_valid(c),
		       (double)c->elapsed_ms / 1000.0);
}

static void summary_of(const check_run *c, dp_sbuf *s)
{
	if (c->n_problems > 0)
		summary_problems(c, s);
	else
		summary_ok(c, s);
}

void report_check_nagios(const check_run *c, char *buf, size_t len)
{
	dp_sbuf s = { 0 }, p = { 0 };

	summary_of(c, &s);
	perfdata(c, &p);
	snprintf(buf, len, "DANEPROBE %s - %s | %s", nagios_words[c->status & 3],
		 s.p ? s.p : "", p.p ? p.p : "");
	dp_sbuf_clear(&s);
	dp_sbuf_clear(&p);
}

/* ---- text ---- */

static dp_tone check_tone(int severity)
{
	return (severity & 3) == 2 ? DP_TONE_BAD : (severity & 3) == 1 ? DP_TONE_WARN
	       : (severity & 3) == 3 ? DP_TONE_DIM : DP_TONE_OK;
}

/* One finding per problem, wrapped to the width (report/textout.h);
 * --brief cuts each to a screen line and stops within the budget. */
static void text_problems(FILE *out, const check_run *c, size_t budget)
{
	size_t used = 0;
	int cut = dp_text_width() - 4 < 156 ? dp_text_width() - 4 : 156;

	if (c->n_problems == 0)
		return;
	dp_fprintf_text(out, "problems:\n");
	for (size_t i = 0; i < c->n_problems; i++) {
		const check_problem *p = &c->problems[i];
		char line[1400];
		int n;

		if (budget == 0) {
			dp_text_finding(out, 2, check_tone(p->severity), nagios_words[p->severity & 3],
					"%s%s%s: %s", p->label, p->subject[0] ? " " : "", p->subject, p->reason);
			continue;
		}
		n = snprintf(line, sizeof(line), "  %s %s%s%s: %s\n", nagios_words[p->severity & 3],
			     p->label, p->subject[0] ? " " : "", p->subject, p->reason);
		if (n > cut + 4)      /* --brief: one screen line each */
			n = snprintf(line + cut, sizeof(line) - (size_t)cut, "...\n") + cut;
		if (used + (size_t)n + 48 > budget) {
			dp_fprintf_text(out, "  ... %zu more (run without --brief)\n", c->n_problems - i);
			return;
		}
		dp_fprintf_text(out, "%s", line);
		used += (size_t)n;
	}
}

static void text_anchors(FILE *out, const json_t *a)
{
	size_t i, k;
	json_t *tp, *key;
	const char *reason = json_string_value(json_object_get(a, "reason"));

	dp_text_finding(out, 0, DP_TONE_NONE, "anchors:", "%s (%s)", json_string_value(json_object_get(a, "status")),
		json_is_string(json_object_get(a, "source")) ? json_string_value(json_object_get(a, "source")) : "-");
	json_array_foreach(json_object_get(a, "trust_points"), i, tp) {
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		if (m == NULL)
			continue;
		fprintf(m, "trust point %s:", json_string_value(json_object_get(tp, "trust_point")));
		json_array_foreach(json_object_get(tp, "keys"), k, key)
			fprintf(m, "%s key %lld alg %lld %s (%s)", k ? "," : "",
				(long long)json_integer_value(json_object_get(key, "tag")),
				(long long)json_integer_value(json_object_get(key, "algorithm")),
				json_string_value(json_object_get(key, "state")),
				json_string_value(json_object_get(key, "known_by")));
		fclose(m);
		dp_text_finding(out, 2, DP_TONE_NONE, "", "%s", buf);
		free(buf);
	}
	if (reason != NULL && reason[0] != '\0')
		dp_text_finding(out, 2, DP_TONE_NONE, "", "%s", reason);
}

/* One line per destination; the reasons of the failing ones are in the
 * problems above, so they are not said twice (-v says all). */
static void text_verify(FILE *out, const json_t *verify, int verbose)
{
	size_t i;
	json_t *v;

	dp_fprintf_text(out, "\nverify:\n");
	if (json_array_size(verify) == 0)
		dp_fprintf_text(out, "  no dane.destinations configured\n");
	json_array_foreach(verify, i, v) {
		json_t *verdict = json_object_get(v, "verdict");
		const char *reason = json_string_value(json_object_get(v, "reason"));
		const char *o = json_string_value(json_object_get(verdict, "opportunistic"));
		const char *m = json_string_value(json_object_get(verdict, "mandatory"));

		dp_text_finding(out, 2, DP_TONE_NONE, "", "%s: opportunistic %s, mandatory %s",
			json_string_value(json_object_get(v, "domain")), o ? o : "unknown", m ? m : "unknown");
		if (verbose && reason != NULL && reason[0] != '\0')
			dp_text_finding(out, 4, DP_TONE_NONE, "", "%s", reason);
	}
}

void report_check_text(FILE *out, const check_run *c)
{
	char line[2048];

	/* The Nagios line stays whole: the plugin guidelines make it one
	 * line, status and perfdata (it is not wrapped). */
	report_check_nagios(c, line, sizeof(line));
	dp_fprintf_text(out, "%s\n", line);
	if (dp_text_quiet())
		return;
	text_problems(out, c, c->brief ? CHECK_BRIEF_MAX - strlen(line) - 1 : 0);
	if (c->brief)
		return;
	fputc('\n', out);
	text_anchors(out, c->anchors);
	dp_fprintf_text(out, "\nprobe:\n");
	report_rsrc_text(out, c->rsrc);
	if (c->n > 0)
		dp_probe_print_text(out, c->res, c->n, c->verbose);
	if (c->adv != NULL) {
		dp_fprintf_text(out, "\norder:\n");
		dp_order_print_text(out, c->adv, c->in);
	}
	text_verify(out, c->verify, c->verbose);
}

/* ---- JSON ---- */

static json_t *problem_json(const check_problem *p)
{
	return json_pack("{s:s,s:s,s:o,s:s,s:s}", "severity", dp_status_word(p->severity),
			 "label", p->label, "subject", p->subject[0] ? json_string(p->subject) : json_null(),
			 "id", p->id, "reason", p->reason);
}

static json_t *problems_json(const check_run *c, int alert_only)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < c->n_problems; i++)
		if (!alert_only || c->problems[i].alert)
			json_array_append_new(arr, problem_json(&c->problems[i]));
	return arr;
}

json_t *report_check_json(const check_run *c)
{
	json_t *o = json_object();
	char line[2048];
	dp_sbuf s = { 0 };

	summary_of(c, &s);
	report_check_nagios(c, line, sizeof(line));
	json_object_set_new(o, "summary", json_string(s.p ? s.p : ""));
	json_object_set_new(o, "nagios", json_string(line));
	dp_sbuf_clear(&s);
	json_object_set_new(o, "problems", problems_json(c, 0));
	json_object_set(o, "anchors", c->anchors);
	json_object_set_new(o, "probe", c->n ? dp_probe_json(c->res, c->n) : json_null());
	json_object_set_new(o, "order", c->adv ? dp_order_json(c->adv, c->in) : json_null());
	json_object_set(o, "verify", c->verify);
	json_object_set(o, "alert", c->alert ? c->alert : json_null());
	json_object_set(o, "postfix", c->postfix ? c->postfix : json_null());
	report_rsrc_json(o, c->rsrc);
	json_object_set_new(o, "elapsed_ms", json_integer((json_int_t)c->elapsed_ms));
	return o;
}

/* ---- Prometheus ---- */

void report_check_prom(dp_prom *p, const check_run *c, int64_t now)
{
	dp_check_prom_in in;

	memset(&in, 0, sizeof(in));
	in.status = c->status;
	for (size_t i = 0; i < c->n_problems; i++)
		in.problems[c->problems[i].severity & 3]++;
	in.now = now;
	in.elapsed_ms = c->elapsed_ms;
	in.anchors = c->anchors;
	in.res = c->res;
	in.n = c->n;
	in.has_order = c->adv != NULL;
	in.order_changed = c->adv != NULL && c->adv->changed;
	in.verify = c->verify;
	dp_check_prom(p, &in);
}

/* ---- the webhook ---- */

/* Items of a that b lacks, as [{"id","reason"}]. */
static json_t *set_minus(const dp_alert_set *a, const dp_alert_set *b)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < a->n; i++)
		if (!dp_alert_set_has(b, a->items[i].id))
			json_array_append_new(arr, json_pack("{s:s,s:s}", "id", a->items[i].id,
							     "reason", a->items[i].reason));
	return arr;
}

/* The plain message for chat tools: the Nagios summary, then what
 * changed. */
static char *webhook_text(const check_run *c, const char *host, const json_t *bad, const json_t *rec)
{
	dp_sbuf b = { 0 };
	char *out = NULL;
	size_t i;
	json_t *v;

	dp_sbuf_printf(&b, "daneprobe on %s: %s - ", host, nagios_words[c->status & 3]);
	summary_of(c, &b);
	json_array_foreach(bad, i, v)
		dp_sbuf_printf(&b, "%s%s (%s)", i ? "; " : "\nwent bad: ",
			       json_string_value(json_object_get(v, "id")),
			       json_string_value(json_object_get(v, "reason")));
	json_array_foreach(rec, i, v)
		dp_sbuf_printf(&b, "%s%s", i ? "; " : "\nrecovered: ", json_string_value(json_object_get(v, "id")));
	dp_sbuf_finish(&b, &out, NULL);
	return out;
}

static json_t *webhook_resolvers(const check_run *c)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:o,s:s,s:b,s:o}", "address", c->res[i].address,
			"name", c->res[i].name[0] ? json_string(c->res[i].name) : json_null(),
			"class", dp_class_name(c->res[i].cls), "dane_safe", c->res[i].dane_safe,
			"reason", c->res[i].n_reasons ? json_string(c->res[i].reasons[0]) : json_null()));
	return arr;
}

char *report_check_webhook(const check_run *c, const dp_alert_set *prev, const dp_alert_set *cur)
{
	json_t *body = json_object(), *doc, *bad = set_minus(cur, prev), *rec = set_minus(prev, cur);
	char host[256] = "", *text, *out = NULL;

	gethostname(host, sizeof(host) - 1);
	text = webhook_text(c, host, bad, rec);
	json_object_set_new(body, "host", json_string(host));
	json_object_set_new(body, "previous_status", prev->present ? json_string(prev->status) : json_null());
	json_object_set_new(body, "text", text ? json_string(text) : json_null());
	json_object_set_new(body, "problems", problems_json(c, 1));
	json_object_set_new(body, "went_bad", bad);
	json_object_set_new(body, "recovered", rec);
	json_object_set_new(body, "resolvers", webhook_resolvers(c));
	free(text);
	if ((doc = dp_envelope_wrap(body, c->status)) != NULL)
		out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	json_decref(body);
	return out;
}
