/*
 * cli_html.c - `check --html FILE` (issue 15): the check's JSON body and
 * each destination's DANE path, laid out as SVG in this thread (Graphviz
 * is not thread-safe), turned into one page by report/report_html.c and
 * written atomically, like every file daneprobe writes (a reader of FILE
 * sees the old page or the new one, never half of one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/cli/cli.h"
#include "probe/report/graph.h"
#include "probe/report/report_check.h"
#include "probe/report/report_html.h"
#include "probe/report/envelope.h"
#include "probe/util/fileio.h"

json_t *dp_dane_dot_json(const dane_result *r, const val_vtrace *t)
{
	dp_sbuf b = { 0 };
	char *dot = NULL;
	json_t *s;

	graph_dane_dot(&b, r, t);
	if (dp_sbuf_finish(&b, &dot, NULL) != DP_OK)
		return json_null();
	/* The DOT is ASCII: every name in it went through the markup escape. */
	s = json_string(dot);
	free(dot);
	return s ? s : json_null();
}

/* The pictures as SVG, in place of their DOT; one that cannot be drawn
 * becomes null (the page says the destination's verdict anyway). */
static json_t *html_svgs(const json_t *dots, char *why, size_t whylen)
{
	json_t *out = json_array(), *d;
	size_t i;

	json_array_foreach(dots, i, d) {
		char *svg = NULL;
		size_t len = 0;
		const char *dot = json_string_value(d);
		char idp[32];
		/* pic1, pic2 ...: the page's own ids are words (status,
		 * problems, resolvers ...), never these. */
		snprintf(idp, sizeof idp, "pic%zu", i + 1);
		if (dot && graph_svg(dot, idp, &svg, &len, why, whylen) == DP_OK) {
			json_array_append_new(out, json_stringn(svg, len));
			free(svg);
		} else {
			json_array_append_new(out, json_null());
		}
	}
	return out;
}

int dp_check_html(const char *path, const check_run *c, char *err, size_t errlen)
{
	json_t *body = report_check_json(c), *page_body = NULL, *svgs = NULL;
	char nagios[1024], why[320] = "", werr[512] = "";
	char *page = NULL;
	size_t len = 0;
	int rc = -1;

	if (body)
		page_body = dp_envelope_wrap(body, c->status);
	if (!page_body || !(svgs = html_svgs(c->pictures, why, sizeof why))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (why[0])
		dp_errorf("check: %s: pictures left out: %s", path, why);
	report_check_nagios(c, nagios, sizeof nagios);
	if (report_check_html(page_body, nagios, svgs, &page, &len) != DP_OK) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (dp_atomic_write(path, page, len, 0, werr, sizeof werr) != DP_OK) {
		snprintf(err, errlen, "%s: %s", path, werr);
		goto out;
	}
	rc = 0;
out:
	free(page);
	json_decref(svgs);
	json_decref(page_body);
	json_decref(body);
	return rc;
}
