/*
 * report_html.h - the self-contained HTML page of `check --html FILE`
 * (issue 15): status, problems, resolver matrix, order advice, anchors,
 * each destination with its DANE-path picture.  No script, no external
 * reference; every string escaped.
 */
#ifndef DP_REPORT_HTML_H
#define DP_REPORT_HTML_H

#include <stddef.h>
#include <jansson.h>

/* The page for body (report_check_json's object, with the envelope's
 * status/time/version when present) and the Nagios line; pictures: an
 * array of SVG documents (or null), one per element of body's "verify".
 * *out malloced.  DP_OK or DP_ENOMEM. */
int report_check_html(const json_t *body, const char *nagios, const json_t *pictures,
		      char **out, size_t *outlen);

#endif
