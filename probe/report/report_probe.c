/*
 * report_probe.c - text and JSON for `probe` and `order`.
 */
#include <string.h>
#include "probe/report/report_probe.h"
#include "probe/util/escape.h"

/* Short column headers, so the matrix fits a terminal. */
static const char *const short_names[DP_T_COUNT] = {
	"udp", "tcp", "edns0", "do", "ad", "cd", "dnskey", "ds", "nsec", "nsec3",
	"tlsa", "unk", "bogus", "size", "algs", "n3it", "chain", "clock",
};

json_t *dp_probe_json(const dp_resolver_result *r, size_t n)
{
	json_t *root = json_object(), *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		const dp_resolver_result *x = &r[i];
		json_t *o = json_object(), *tests = json_array(), *reasons = json_array(), *tags = json_array();
		char tagbuf[256], *save = NULL;

		json_object_set_new(o, "address", json_string(x->address));
		json_object_set_new(o, "name", x->name[0] ? json_string(x->name) : json_null());
		json_object_set_new(o, "priority", json_integer(x->priority));
		json_object_set_new(o, "class", json_string(dp_class_name(x->cls)));
		dp_tags_format(x->tags, tagbuf, sizeof(tagbuf));
		for (char *tok = strtok_r(tagbuf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			json_array_append_new(tags, json_string(tok));
		json_object_set_new(o, "tags", tags);
		json_object_set_new(o, "dane_safe", json_boolean(x->dane_safe));
		json_object_set_new(o, "client", json_string(dp_client_model_name(x->client)));
		json_object_set_new(o, "dane_safe_local", json_boolean(x->local_safe));
		for (size_t k = 0; k < x->n_reasons; k++)
			json_array_append_new(reasons, json_string(x->reasons[k]));
		json_object_set_new(o, "reasons", reasons);
		json_object_set_new(o, "rtt_ms", x->rtt_ms >= 0 ? json_integer(x->rtt_ms) : json_null());
		for (int t = 0; t < DP_T_COUNT; t++) {
			const dp_test *tt = &x->tests[t];
			json_t *to = json_object();
			json_object_set_new(to, "name", json_string(dp_test_name((dp_test_id)t)));
			json_object_set_new(to, "result", json_string(dp_result_name(tt->result)));
			json_object_set_new(to, "detail", json_string(tt->detail));
			json_object_set_new(to, "rtt_ms", tt->rtt_ms >= 0 ? json_integer(tt->rtt_ms) : json_null());
			json_object_set_new(to, "queries", json_integer(tt->queries));
			json_object_set_new(to, "depth", json_integer(tt->depth));
			json_array_append_new(tests, to);
		}
		json_object_set_new(o, "tests", tests);
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "client", json_string(dp_client_model_name(n ? r[0].client : DP_CLIENT_LOCAL)));
	json_object_set_new(root, "resolvers", arr);
	json_object_set_new(root, "critical_path_queries", json_integer(dp_probe_critical_depth(r, n)));
	return root;
}

/* The DANE column: a warning (an untrusted path) is not a "NO". */
static const char *safe_word(const dp_resolver_result *r)
{
	return r->dane_safe ? "safe" : r->severity == DP_SEV_WARNING ? "warn" : "NO";
}

static const char *cell(dp_result r)
{
	return r == DP_RES_PASS ? "ok" : r == DP_RES_FAIL ? "FAIL" : "-";
}

void dp_probe_print_text(FILE *out, const dp_resolver_result *r, size_t n, int verbose)
{
	int aw = 8, cw = 5;

	for (size_t i = 0; i < n; i++) {
		int l = (int)strlen(r[i].address);
		if (l > aw)
			aw = l;
		l = (int)strlen(dp_class_name(r[i].cls));
		if (l > cw)
			cw = l;
	}
	if (n > 0)
		dp_fprintf_text(out, "client model: %s (%s)\n", dp_client_model_name(r[0].client),
			r[0].client == DP_CLIENT_AD ? "the MTA trusts the resolver's AD bit"
						    : "the MTA validates locally through the resolver");
	dp_fprintf_text(out, "%-*s %4s %-*s %-4s %6s ", aw, "RESOLVER", "PRIO", cw, "CLASS", "DANE", "RTT");
	for (int t = 0; t < DP_T_COUNT; t++)
		dp_fprintf_text(out, " %-*s", (int)(strlen(short_names[t]) > 4 ? strlen(short_names[t]) : 4), short_names[t]);
	fputc('\n', out);
	for (size_t i = 0; i < n; i++) {
		char rtt[16];
		if (r[i].rtt_ms >= 0)
			snprintf(rtt, sizeof(rtt), "%dms", r[i].rtt_ms);
		else
			snprintf(rtt, sizeof(rtt), "-");
		dp_fprintf_text(out, "%-*s %4d %-*s %-4s %6s ", aw, r[i].address, r[i].priority, cw,
			dp_class_name(r[i].cls), safe_word(&r[i]), rtt);
		for (int t = 0; t < DP_T_COUNT; t++)
			dp_fprintf_text(out, " %-*s", (int)(strlen(short_names[t]) > 4 ? strlen(short_names[t]) : 4),
				cell(r[i].tests[t].result));
		fputc('\n', out);
	}
	for (size_t i = 0; i < n; i++) {
		char tags[256];
		dp_tags_format(r[i].tags, tags, sizeof(tags));
		dp_fprintf_text(out, "\n%s%s%s%s: %s%s%s%s, %s\n", r[i].address, r[i].name[0] ? " (" : "", r[i].name,
			r[i].name[0] ? ")" : "", dp_class_name(r[i].cls), tags[0] ? " [" : "", tags,
			tags[0] ? "]" : "", r[i].dane_safe ? "DANE-safe"
			: r[i].severity == DP_SEV_WARNING ? "NOT DANE-safe (warning)" : "NOT DANE-safe");
		for (size_t k = 0; k < r[i].n_reasons; k++)
			dp_fprintf_text(out, "  - %s\n", r[i].reasons[k]);
		if (verbose)
			for (int t = 0; t < DP_T_COUNT; t++)
				dp_fprintf_text(out, "    %-16s %-4s %s\n", dp_test_name((dp_test_id)t),
					dp_result_name(r[i].tests[t].result), r[i].tests[t].detail);
	}
}

json_t *dp_order_json(const dp_advice *a, const dp_rank_in *in)
{
	json_t *o = json_object(), *cur = json_array(), *rec = json_array(), *w = json_array();

	for (size_t i = 0; i < a->n; i++) {
		json_t *c = json_object(), *r = json_object();
		json_object_set_new(c, "address", json_string(in[a->current[i].index].address));
		json_object_set_new(c, "priority", json_integer(a->current[i].priority));
		json_array_append_new(cur, c);
		json_object_set_new(r, "address", json_string(in[a->recommended[i].index].address));
		json_object_set_new(r, "priority", json_integer(a->recommended[i].priority));
		json_object_set_new(r, "reason", json_string(a->recommended[i].reason));
		json_array_append_new(rec, r);
	}
	for (size_t i = 0; i < a->n_warnings; i++)
		json_array_append_new(w, json_string(a->warnings[i]));
	json_object_set_new(o, "changed", json_boolean(a->changed));
	json_object_set_new(o, "current", cur);
	json_object_set_new(o, "recommended", rec);
	json_object_set_new(o, "warnings", w);
	return o;
}

void dp_order_print_text(FILE *out, const dp_advice *a, const dp_rank_in *in)
{
	int aw = 8;

	for (size_t i = 0; i < a->n; i++)
		if ((int)strlen(in[i].address) > aw)
			aw = (int)strlen(in[i].address);
	dp_fprintf_text(out, "current order:\n");
	for (size_t i = 0; i < a->n; i++)
		dp_fprintf_text(out, "  %5d  %-*s\n", a->current[i].priority, aw, in[a->current[i].index].address);
	dp_fprintf_text(out, "recommended order%s:\n", a->changed ? "" : " (unchanged)");
	for (size_t i = 0; i < a->n; i++)
		dp_fprintf_text(out, "  %5d  %-*s  %s\n", a->recommended[i].priority, aw,
			in[a->recommended[i].index].address, a->recommended[i].reason);
	for (size_t i = 0; i < a->n_warnings; i++)
		dp_fprintf_text(out, "warning: %s\n", a->warnings[i]);
}

void dp_json_print(FILE *out, const json_t *j)
{
	json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
}
