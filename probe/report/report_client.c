/*
 * report_client.c - the client model's part of verify's output
 * (report_client.h).
 */
#include <stdio.h>
#include "probe/report/report_client.h"
#include "probe/util/escape.h"
#include "probe/dane/postfix.h"

static const char *upper_status(val_status s)
{
	switch (s) {
	case VAL_SECURE: return "SECURE";
	case VAL_INSECURE: return "INSECURE";
	case VAL_BOGUS: return "BOGUS";
	default: return "INDETERMINATE";
	}
}

void report_client_text(FILE *out, const dane_result *r)
{
	char tn[24];

	if (r->client_ad) {
		dp_fprintf_text(out, "Client model ad: each status above is the resolver's AD bit and rcode (CD=0)\n");
		if (r->n_ad_diffs == 0)
			dp_fprintf_text(out, "AD view and local validation agree on every record\n");
	}
	for (size_t i = 0; i < r->n_ad_diffs; i++) {
		const dane_adiff *d = &r->ad_diffs[i];
		dp_fprintf_text(out, "AD VIEW %s %s/%s, local validation %s: %s\n", upper_status(d->ad), d->name,
			val_rrtype_str(d->type, tn, sizeof tn), upper_status(d->local), d->what);
	}
	if (r->postfix_rules)
		dp_fprintf_text(out, "Postfix (posttls-finger -l dane) would report: %s\n", postfix_tls_class(r));
}

void report_client_json(json_t *o, const dane_result *r)
{
	json_t *arr;
	char tn[24];

	json_object_set_new(o, "client", json_string(r->client_ad ? "ad" : "local"));
	if (!r->client_ad && !r->postfix_rules)
		return;
	arr = json_array();
	for (size_t i = 0; arr != NULL && i < r->n_ad_diffs; i++) {
		const dane_adiff *d = &r->ad_diffs[i];
		json_t *e = json_object();
		json_object_set_new(e, "name", json_string(d->name));
		json_object_set_new(e, "type", json_string(val_rrtype_str(d->type, tn, sizeof tn)));
		json_object_set_new(e, "ad", json_string(val_status_str(d->ad)));
		json_object_set_new(e, "local", json_string(val_status_str(d->local)));
		json_object_set_new(e, "what", json_string(d->what));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "ad_view_differs", arr);
	if (r->postfix_rules)
		json_object_set_new(o, "postfix_tls", json_string(postfix_tls_class(r)));
}
