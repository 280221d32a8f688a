/*
 * report_probe.c - text and JSON for `probe` and `order`.
 */
#include <string.h>
#include "probe/report/report_probe.h"
#include "probe/util/escape.h"

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

void dp_json_print(FILE *out, const json_t *j)
{
	json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
}
