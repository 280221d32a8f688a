/*
 * report_lookup.c - text and JSON rendering of one validated lookup
 * (report_lookup.h).  Only this module and main.c write to the terminal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/report/report_lookup.h"
#include "probe/util/escape.h"
#include "probe/report/textout.h"

/* One RR in presentation format on one line, tabs as single spaces. */
static char *rr_line(const ldns_rr *rr)
{
	char *s = ldns_rr2str(rr);

	if (!s)
		return NULL;
	for (char *p = s; *p; p++)
		if (*p == '\t')
			*p = ' ';
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

static const char *rcode_name(const val_result *r)
{
	ldns_lookup_table *lt;

	if (!r->answered)
		return NULL;
	lt = ldns_lookup_by_id(ldns_rcodes, (int)r->rcode);
	return lt ? lt->name : NULL;
}

static int push_records(json_t *arr, const ldns_rr_list *l)
{
	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++) {
		char *s = rr_line(ldns_rr_list_rr(l, i));
		if (!s || json_array_append_new(arr, json_string(s)) < 0) {
			free(s);
			return -1;
		}
		free(s);
	}
	return 0;
}

json_t *report_lookup_json(const val_result *r, const char *resolver)
{
	char name[LDNS_MAX_DOMAINLEN + 8], fin[LDNS_MAX_DOMAINLEN + 8], type[32];
	char zone[LDNS_MAX_DOMAINLEN + 8];
	const char *rc = rcode_name(r);
	json_t *o = json_object(), *recs = json_array();

	if (!o || !recs || push_records(recs, r->chain) < 0 ||
	    push_records(recs, r->rrset) < 0) {
		json_decref(o);
		json_decref(recs);
		return NULL;
	}
	val_dname_str(r->qname, name, sizeof name);
	val_dname_str(r->final_name, fin, sizeof fin);
	val_rrtype_str(r->qtype, type, sizeof type);
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "resolver", resolver ? json_string(resolver) : json_null());
	/* "status" is the envelope's (ok..unknown); the DNSSEC verdict is
	 * "dnssec" in every command. */
	json_object_set_new(o, "dnssec", json_string(val_status_str(r->status)));
	json_object_set_new(o, "reason", json_string(r->reason));
	json_object_set_new(o, "ede", r->ede == VAL_EDE_NONE ? json_null()
							     : json_integer((json_int_t)r->ede));
	json_object_set_new(o, "rcode", rc ? json_string(rc) : json_null());
	json_object_set_new(o, "records", recs);
	/* Extra keys (the contract allows more). */
	json_object_set_new(o, "final_name", json_string(fin));
	json_object_set_new(o, "zone", r->zone ? json_string(val_dname_str(r->zone, zone,
								sizeof zone)) : json_null());
	json_object_set_new(o, "nxdomain", json_boolean(r->nxdomain));
	json_object_set_new(o, "nodata", json_boolean(r->nodata));
	json_object_set_new(o, "fetch_error", r->fetch_error ?
			    json_string(dp_strerror(r->fetch_error)) : json_null());
	return o;
}

static void print_list(FILE *out, const ldns_rr_list *l)
{
	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++) {
		char *s = ldns_rr2str(ldns_rr_list_rr(l, i));
		if (s) {
			dp_fprintf_text(out, "%s", s);
			free(s);
		}
	}
}

/* A "; WORD: detail" comment line, WORD in tone, the detail wrapped to
 * the width with every line still a ";" comment (the records below stay
 * zone-file lines: they are never wrapped, as dig prints them). */
static void lk_comment(FILE *out, dp_tone tone, const char *word, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void lk_comment(FILE *out, dp_tone tone, const char *word, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int col = 2;

	fputs("; ", out);
	if (word != NULL) {
		fprintf(out, "%s%s%s", dp_tone_on(tone), word, dp_tone_off(tone));
		col += (int)strlen(word);
	}
	if (fmt == NULL) {
		fputc('\n', out);
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (word != NULL) {
		fputs(": ", out);
		col += 2;
	}
	dp_text_wrap_cont(out, col, ";   ", msg != NULL ? msg : "(out of memory)");
	free(msg);
}

void report_lookup_text(FILE *out, const val_result *r, const char *resolver)
{
	char name[LDNS_MAX_DOMAINLEN + 8], type[32];
	const char *rc = rcode_name(r);

	val_dname_str(r->final_name ? r->final_name : r->qname, name, sizeof name);
	val_rrtype_str(r->qtype, type, sizeof type);
	switch (r->status) {
	case VAL_SECURE:
		lk_comment(out, DP_TONE_OK, "fully validated", NULL);
		break;
	case VAL_INSECURE:
		lk_comment(out, DP_TONE_WARN, "unsigned answer", NULL);
		if (r->reason[0])
			lk_comment(out, DP_TONE_NONE, NULL, "(%s)", r->reason);
		break;
	case VAL_BOGUS:
		lk_comment(out, DP_TONE_BAD, "bogus", "%s", r->reason);
		break;
	case VAL_INDETERMINATE:
		lk_comment(out, DP_TONE_WARN, "indeterminate", "%s", r->reason);
		break;
	}
	if (r->ede != VAL_EDE_NONE)
		lk_comment(out, DP_TONE_NONE, NULL, "EDE %d", (int)r->ede);
	if (r->nxdomain)
		lk_comment(out, DP_TONE_NONE, NULL, "%s does not exist (%s)", name, rc ? rc : "NXDOMAIN");
	else if (r->nodata)
		lk_comment(out, DP_TONE_NONE, NULL, "%s has no %s records", name, type);
	else if (rc && r->rcode != LDNS_RCODE_NOERROR)
		lk_comment(out, DP_TONE_NONE, NULL, "resolver %s answered %s", resolver ? resolver : "", rc);
	if (dp_text_quiet())
		return;         /* --quiet: the verdict, not the records */
	print_list(out, r->chain);
	print_list(out, r->rrset);
	if (r->status == VAL_SECURE)
		print_list(out, r->rrsigs);
}
