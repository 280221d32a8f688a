/*
 * anchors.c - trust anchor sets in zone-file format, as unbound's
 * trust-anchor-file: DS and DNSKEY records for "." or any zone, grouped by
 * owner name into trust points.
 *
 * ldns parses each record (ldns_rr_new_frm_str); this file only joins
 * parenthesised multi-line records (RFC 1035 section 5.1), strips comments
 * and groups the records.  Any error names the line where the record starts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/anchors.h"
#include "validator/readfile.h"
#include "validator/dp_err.h"

static void anchors_err(char *err, size_t errlen, size_t line, const char *msg,
			const char *extra)
{
	if (err && errlen)
		snprintf(err, errlen, "line %zu: %s%s%s", line, msg,
			 extra ? ": " : "", extra ? extra : "");
}

/* The trust point for owner in a, created when missing; NULL on ENOMEM. */
static val_anchor *anchors_point(val_anchors *a, const ldns_rdf *owner)
{
	for (size_t i = 0; i < a->n_points; i++)
		if (ldns_dname_compare(a->points[i].zone, owner) == 0)
			return &a->points[i];
	val_anchor *p = realloc(a->points, (a->n_points + 1) * sizeof *p);
	if (!p)
		return NULL;
	a->points = p;
	val_anchor *np = &p[a->n_points];
	np->zone = ldns_rdf_clone(owner);
	np->ds = ldns_rr_list_new();
	np->keys = ldns_rr_list_new();
	if (!np->zone || !np->ds || !np->keys) {
		ldns_rdf_deep_free(np->zone);
		ldns_rr_list_free(np->ds);
		ldns_rr_list_free(np->keys);
		return NULL;
	}
	ldns_dname2canonical(np->zone);
	a->n_points++;
	return np;
}

/*
 * Append the text of one physical line to rec, without its comment, and
 * update the parenthesis depth.  Quoted strings may hold ';' and parens.
 * Returns -1 on a closing parenthesis without an opening one.
 */
static int anchors_take_line(const char *s, size_t n, char *rec, size_t *rlen,
			     size_t cap, int *depth)
{
	int quoted = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '"' && (i == 0 || s[i - 1] != '\\'))
			quoted = !quoted;
		if (!quoted && c == ';')
			break;
		if (!quoted && c == '(') {
			(*depth)++;
			c = ' ';
		} else if (!quoted && c == ')') {
			if (--(*depth) < 0)
				return -1;
			c = ' ';
		}
		if (c == '\r' || c == '\t')
			c = ' ';
		if (*rlen + 2 < cap)
			rec[(*rlen)++] = c;
	}
	if (*rlen + 2 < cap)
		rec[(*rlen)++] = ' ';
	rec[*rlen] = '\0';
	return 0;
}

static int blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ')
			return 0;
	return 1;
}

/* Parse one joined record and file it under its trust point. */
static int anchors_add_record(val_anchors *a, const char *rec, size_t line,
			      char *err, size_t errlen)
{
	ldns_rr *rr = NULL;
	ldns_status st;

	/* Every anchor names its owner: leading blanks are indentation
	 * here, not zone-file "same owner as before". */
	rec += strspn(rec, " ");
	st = ldns_rr_new_frm_str(&rr, rec, 3600, NULL, NULL);

	if (st != LDNS_STATUS_OK) {
		anchors_err(err, errlen, line, "bad record", ldns_get_errorstr_by_id(st));
		return DP_EPARSE;
	}
	ldns_rr_type t = ldns_rr_get_type(rr);
	if (t != LDNS_RR_TYPE_DS && t != LDNS_RR_TYPE_DNSKEY) {
		ldns_rr_free(rr);
		anchors_err(err, errlen, line,
			    "only DS and DNSKEY records can be trust anchors", NULL);
		return DP_EPARSE;
	}
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		ldns_rr_free(rr);
		anchors_err(err, errlen, line, "trust anchors must be class IN", NULL);
		return DP_EPARSE;
	}
	val_anchor *p = anchors_point(a, ldns_rr_owner(rr));
	if (!p) {
		ldns_rr_free(rr);
		return DP_ENOMEM;
	}
	ldns_rr_list *dst = t == LDNS_RR_TYPE_DS ? p->ds : p->keys;
	if (!ldns_rr_list_push_rr(dst, rr)) {
		ldns_rr_free(rr);
		return DP_ENOMEM;
	}
	return DP_OK;
}

int val_anchors_parse(const char *text, val_anchors **out, char *err, size_t errlen)
{
	val_anchors *a;
	char *rec;
	size_t cap, rlen = 0, line = 0, start = 0;
	int depth = 0, rc = DP_OK;

	if (!text || !out)
		return DP_EINVAL;
	a = calloc(1, sizeof *a);
	cap = strlen(text) + 2;
	rec = malloc(cap);
	if (!a || !rec) {
		free(a);
		free(rec);
		return DP_ENOMEM;
	}
	for (const char *p = text; *p && rc == DP_OK;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		line++;
		if (depth == 0) {
			rlen = 0;
			start = line;
		}
		if (anchors_take_line(p, n, rec, &rlen, cap, &depth) < 0) {
			anchors_err(err, errlen, line, "unbalanced ')'", NULL);
			rc = DP_EPARSE;
		} else if (depth == 0 && !blank(rec)) {
			/* $TTL/$ORIGIN make no sense in an anchor file. */
			if (rec[strspn(rec, " ")] == '$') {
				anchors_err(err, errlen, start, "directives are not supported", NULL);
				rc = DP_EPARSE;
			} else {
				rc = anchors_add_record(a, rec, start, err, errlen);
			}
		}
		p += n + (nl ? 1 : 0);
	}
	if (rc == DP_OK && depth > 0) {
		anchors_err(err, errlen, start, "unbalanced '(': record not closed", NULL);
		rc = DP_EPARSE;
	}
	if (rc == DP_OK && a->n_points == 0) {
		anchors_err(err, errlen, line ? line : 1, "no DS or DNSKEY record", NULL);
		rc = DP_EPARSE;
	}
	free(rec);
	if (rc != DP_OK) {
		val_anchors_free(a);
		return rc;
	}
	*out = a;
	return DP_OK;
}

int val_anchors_load_file(const char *path, val_anchors **out, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	/* An anchor file holds a few DS or DNSKEY records: 16 MiB is far
	 * beyond any. */
	rc = dp_read_file_max(path, 16u << 20, &buf, &len, NULL, 0);
	if (rc != DP_OK) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path,
				 rc == DP_ELIMIT ? "file too large" : rc == DP_ENOMEM ? "out of memory" :
				 strerror(errno));
		return rc;
	}
	if (memchr(buf, '\0', len)) {
		free(buf);
		if (err && errlen)
			snprintf(err, errlen, "%s: binary data in anchor file", path);
		return DP_EPARSE;
	}
	char sub[256];
	rc = val_anchors_parse(buf, out, sub, sizeof sub);
	if (rc != DP_OK && err && errlen)
		snprintf(err, errlen, "%s: %s", path, sub);
	free(buf);
	return rc;
}

void val_anchors_free(val_anchors *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_points; i++) {
		ldns_rdf_deep_free(a->points[i].zone);
		ldns_rr_list_deep_free(a->points[i].ds);
		ldns_rr_list_deep_free(a->points[i].keys);
	}
	free(a->points);
	free(a);
}

const val_anchor *val_anchors_find(const val_anchors *a, const ldns_rdf *name)
{
	const val_anchor *best = NULL;

	if (!a || !name)
		return NULL;
	for (size_t i = 0; i < a->n_points; i++) {
		const val_anchor *p = &a->points[i];
		if (ldns_dname_compare(p->zone, name) != 0 &&
		    !ldns_dname_is_subdomain(name, p->zone))
			continue;
		if (!best || ldns_dname_label_count(p->zone) > ldns_dname_label_count(best->zone))
			best = p;
	}
	return best;
}
