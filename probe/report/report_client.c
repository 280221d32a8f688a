/*
 * report_client.c - the client model's part of verify's output
 * (report_client.h).
 */
#include <stdio.h>
#include "probe/report/report_client.h"
#include "probe/util/escape.h"
#include "probe/dane/postfix.h"
#include "probe/util/escape.h"
#include "probe/util/resolvload.h"

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
	/* Absent is null (the JSON contract): one shape for every client. */
	json_object_set_new(o, "ad_view_differs", json_null());
	json_object_set_new(o, "postfix_tls", json_null());
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

static const char *const rsrc_kind_names[] = { "resolv.conf", "resolved", "unbound", "dnsmasq" };

void report_rsrc_text(FILE *out, const struct dp_rsrc *src)
{
	if (src == NULL)
		return;
	dp_fprintf_text(out, "resolvers from %s (%s)%s\n", src->path, rsrc_kind_names[src->kind],
			src->stub ? ", systemd-resolved's stub and the servers behind it" : "");
	/* What each one is: the probe matrix and order show addresses. */
	for (size_t i = 0; src->stub && i < src->n; i++)
		dp_fprintf_text(out, "  %-15s %s\n", src->servers[i].address, src->servers[i].role);
	if (src->note[0])
		dp_fprintf_text(out, "note: %s\n", src->note);
}

void report_rsrc_json(json_t *o, const struct dp_rsrc *src)
{
	json_t *s, *v;

	/* Absent is null (the JSON contract): resolvers from the command
	 * line or the configuration have no source file. */
	if (src == NULL) {
		json_object_set_new(o, "resolver_source", json_null());
		return;
	}
	s = json_object();
	v = json_array();
	json_object_set_new(s, "kind", json_string(rsrc_kind_names[src->kind]));
	json_object_set_new(s, "file", json_string(src->path));
	json_object_set_new(s, "stub", json_boolean(src->stub));
	json_object_set_new(s, "note", src->note[0] ? json_string(src->note) : json_null());
	json_object_set_new(s, "write_file", src->write_path ? json_string(src->write_path) : json_null());
	for (size_t i = 0; i < src->n; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "address", json_string(src->servers[i].address));
		json_object_set_new(e, "role", json_string(src->servers[i].role));
		json_array_append_new(v, e);
	}
	json_object_set_new(s, "servers", v);
	json_object_set_new(o, "resolver_source", s);
}
