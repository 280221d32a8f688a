/*
 * report_html.c - `check --html FILE`: one self-contained page an operator
 * can attach to a ticket (issue 15): the status, the problems, the
 * resolver matrix with its reasons, the order advice, the trust anchors,
 * and each destination with its DANE-path picture.  Built from the same
 * JSON body as `check --format json`, so the page and the JSON never
 * disagree.  Inline CSS and inline SVG only: no script, no external
 * reference of any kind, and a Content-Security-Policy that forbids both,
 * so a hostile name in a zone can neither run code nor make the browser
 * fetch anything.  Every string from the network is escaped
 * (dp_sbuf_add_markup, DP_MARKUP_XML).  The page is also well-formed XML
 * (polyglot XHTML), so the SVG Graphviz writes sits in it as it is and
 * an XML parser can check the whole page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/report/report_html.h"
#include "probe/report/graph.h"
#include "probe/util/escape.h"

static void h_lit(dp_sbuf *b, const char *s)
{
	dp_sbuf_add(b, s, strlen(s));
}

static void h_text(dp_sbuf *b, const char *s)
{
	dp_sbuf_add_markup(b, s ? s : "", DP_MARKUP_XML);
}

/* The text of a JSON value: strings as they are, numbers and booleans
 * in JSON spelling, null as "-". */
static void h_val(dp_sbuf *b, const json_t *v)
{
	if (json_is_string(v)) {
		h_text(b, json_string_value(v));
	} else if (json_is_integer(v)) {
		dp_sbuf_printf(b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_boolean(v)) {
		h_lit(b, json_is_true(v) ? "yes" : "no");
	} else if (json_is_real(v)) {
		dp_sbuf_printf(b, "%.1f", json_real_value(v));
	} else {
		h_lit(b, "-");
	}
}

static void h_field(dp_sbuf *b, const json_t *o, const char *key)
{
	h_val(b, json_object_get(o, key));
}

/* One table cell holding a field of o. */
static void h_cell(dp_sbuf *b, const json_t *o, const char *key)
{
	h_lit(b, "<td>");
	h_field(b, o, key);
	h_lit(b, "</td>");
}

/* A cell whose class is its word (pass, fail, secure, critical ...), so
 * the CSS colours it; the word is escaped, and only [a-z-] reach class. */
static void h_word_cell(dp_sbuf *b, const char *word, const char *title)
{
	char cls[32];
	size_t n = 0;

	for (const char *p = word ? word : ""; *p && n + 1 < sizeof cls; p++)
		if ((*p >= 'a' && *p <= 'z') || *p == '-')
			cls[n++] = *p;
	cls[n] = '\0';
	dp_sbuf_printf(b, "<td class=\"w %s\"", cls);
	if (title && *title) {
		h_lit(b, " title=\"");
		h_text(b, title);
		h_lit(b, "\"");
	}
	h_lit(b, ">");
	h_text(b, word ? word : "-");
	h_lit(b, "</td>");
}

static const char *h_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void h_head(dp_sbuf *b, const json_t *body, const char *nagios)
{
	h_lit(b, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\"/>\n<title>daneprobe check: ");
	h_text(b, h_str(body, "status"));
	h_lit(b, "</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:1.5em;color:#1f2328}\n"
	      "table{border-collapse:collapse;margin:.5em 0 1.5em}\n"
	      "td,th{border:1px solid #d0d7de;padding:.25em .5em;text-align:left;vertical-align:top}\n"
	      "th{background:#f6f8fa}\n.w{font-weight:bold}\n"
	      ".ok,.pass,.secure,.dane-success,.valid{color:#1a7f37}\n"
	      ".warning,.fallback-tls,.insecure,.skip{color:#9a6700}\n"
	      ".critical,.fail,.bogus,.dane-fail,.unknown{color:#cf222e}\n"
	      ".status{font-size:1.4em;padding:.4em;border:2px solid;display:inline-block}\n"
	      ".pic{overflow:auto;border:1px solid #d0d7de;margin-bottom:2em}\n"
	      "code{white-space:pre-wrap}\n.reasons{min-width:24em}\n</style>\n</head>\n<body>\n<h1>daneprobe check</h1>\n");
	dp_sbuf_printf(b, "<p class=\"status %s\" id=\"status\">", json_is_string(json_object_get(body, "status"))
		       && strspn(h_str(body, "status"), "abcdefghijklmnopqrstuvwxyz") ==
		       strlen(h_str(body, "status")) ? h_str(body, "status") : "unknown");
	h_text(b, nagios);
	h_lit(b, "</p>\n<p>Generated ");
	h_field(b, body, "time");
	h_lit(b, " by daneprobe ");
	h_field(b, body, "version");
	h_lit(b, ".</p>\n");
}

static void h_problems(dp_sbuf *b, const json_t *body)
{
	const json_t *ps = json_object_get(body, "problems");
	size_t i;
	json_t *p;

	h_lit(b, "<h2>Problems</h2>\n");
	if (json_array_size(ps) == 0) {
		h_lit(b, "<p>None.</p>\n");
		return;
	}
	h_lit(b, "<table id=\"problems\"><tr><th>severity</th><th>what</th><th>reason</th></tr>\n");
	json_array_foreach(ps, i, p) {
		h_lit(b, "<tr>");
		h_word_cell(b, h_str(p, "severity"), NULL);
		h_cell(b, p, "label");
		h_cell(b, p, "reason");
		h_lit(b, "</tr>\n");
	}
	h_lit(b, "</table>\n");
}

/* The resolver matrix: one row per resolver, one column per test. */
static void h_matrix(dp_sbuf *b, const json_t *body)
{
	const json_t *rs = json_object_get(json_object_get(body, "probe"), "resolvers");
	const json_t *first = json_array_get(rs, 0), *t, *r;
	size_t i, k;

	h_lit(b, "<h2>Resolvers</h2>\n");
	if (json_array_size(rs) == 0) {
		h_lit(b, "<p>No resolver was probed.</p>\n");
		return;
	}
	h_lit(b, "<table id=\"resolvers\"><tr><th>resolver</th><th>priority</th><th>class</th>"
	      "<th>DANE-safe</th><th>reasons</th>");
	json_array_foreach(json_object_get(first, "tests"), k, t) {
		h_lit(b, "<th>");
		h_field(b, t, "name");
		h_lit(b, "</th>");
	}
	h_lit(b, "</tr>\n");
	json_array_foreach(rs, i, r) {
		const json_t *safe = json_object_get(r, "dane_safe");
		h_lit(b, "<tr class=\"resolver\"><td>");
		h_field(b, r, "address");
		h_lit(b, " ");
		h_field(b, r, "name");
		h_lit(b, "</td>");
		h_cell(b, r, "priority");
		h_cell(b, r, "class");
		h_word_cell(b, json_is_true(safe) ? "pass" : "fail", NULL);
		h_lit(b, "<td class=\"reasons\">");
		json_array_foreach(json_object_get(r, "reasons"), k, t) {
			h_val(b, t);
			h_lit(b, "<br/>");
		}
		h_lit(b, "</td>");
		json_array_foreach(json_object_get(r, "tests"), k, t)
			h_word_cell(b, h_str(t, "result"), h_str(t, "detail"));
		h_lit(b, "</tr>\n");
	}
	h_lit(b, "</table>\n<p>Hover over a test result for its detail.</p>\n");
}

static void h_order(dp_sbuf *b, const json_t *body)
{
	const json_t *o = json_object_get(body, "order"), *r;
	size_t i;

	h_lit(b, "<h2>Order advice</h2>\n");
	if (!json_is_object(o)) {
		h_lit(b, "<p>No advice (no probe).</p>\n");
		return;
	}
	h_lit(b, json_is_true(json_object_get(o, "changed")) ? "<p class=\"warning\">The order "
	      "should change.</p>\n" : "<p class=\"ok\">The current order is right.</p>\n");
	h_lit(b, "<table id=\"order\"><tr><th>resolver</th><th>recommended priority</th>"
	      "<th>reason</th></tr>\n");
	json_array_foreach(json_object_get(o, "recommended"), i, r) {
		h_lit(b, "<tr>");
		h_cell(b, r, "address");
		h_cell(b, r, "priority");
		h_cell(b, r, "reason");
		h_lit(b, "</tr>\n");
	}
	h_lit(b, "</table>\n");
}

static void h_anchors(dp_sbuf *b, const json_t *body)
{
	const json_t *a = json_object_get(body, "anchors"), *tp, *k;
	size_t i, j;

	h_lit(b, "<h2>Trust anchors</h2>\n<table><tr><th>status</th><th>source</th></tr><tr>");
	h_word_cell(b, h_str(a, "status"), NULL);
	h_lit(b, "<td>");
	h_field(b, a, "source");
	h_lit(b, " ");
	h_field(b, a, "reason");
	h_lit(b, "</td></tr></table>\n<table id=\"anchors\"><tr><th>trust point</th><th>key tag</th>"
	      "<th>algorithm</th><th>state</th></tr>\n");
	json_array_foreach(json_object_get(a, "trust_points"), i, tp) {
		json_array_foreach(json_object_get(tp, "keys"), j, k) {
			h_lit(b, "<tr>");
			h_cell(b, tp, "trust_point");
			h_cell(b, k, "tag");
			h_cell(b, k, "algorithm");
			h_word_cell(b, h_str(k, "state"), NULL);
			h_lit(b, "</tr>\n");
		}
	}
	h_lit(b, "</table>\n");
}

/* Graphviz's SVG without its XML declaration and DOCTYPE, which may not
 * stand inside an HTML body. */
static void h_svg(dp_sbuf *b, const char *svg)
{
	const char *start = svg ? strstr(svg, "<svg") : NULL;

	if (start)
		h_lit(b, start);
}

static void h_destinations(dp_sbuf *b, const json_t *body, const json_t *pictures)
{
	const json_t *vs = json_object_get(body, "verify"), *v, *verdict;
	size_t i;

	h_lit(b, "<h2>Destinations</h2>\n");
	if (json_array_size(vs) == 0)
		h_lit(b, "<p>No destination is configured (dane.destinations).</p>\n");
	json_array_foreach(vs, i, v) {
		verdict = json_object_get(v, "verdict");
		h_lit(b, "<h3 class=\"destination\">");
		h_field(b, v, "domain");
		h_lit(b, "</h3>\n<table><tr><th>Opportunistic</th><th>Mandatory</th></tr><tr>");
		h_word_cell(b, h_str(verdict, "opportunistic"), NULL);
		h_word_cell(b, h_str(verdict, "mandatory"), NULL);
		h_lit(b, "</tr></table>\n");
		if (json_is_string(json_object_get(v, "reason"))) {
			h_lit(b, "<p><code>");
			h_field(b, v, "reason");
			h_lit(b, "</code></p>\n");
		}
		const char *svg = json_string_value(json_array_get(pictures, i));
		if (svg) {
			h_lit(b, "<div class=\"pic\">\n");
			h_svg(b, svg);
			h_lit(b, "</div>\n");
		}
	}
}

int report_check_html(const json_t *body, const char *nagios, const json_t *pictures,
		      char **out, size_t *outlen)
{
	dp_sbuf b = { 0 };

	h_head(&b, body, nagios);
	h_problems(&b, body);
	h_matrix(&b, body);
	h_order(&b, body);
	h_anchors(&b, body);
	h_destinations(&b, body, pictures);
	h_lit(&b, "</body>\n</html>\n");
	return dp_sbuf_finish(&b, out, outlen);
}
