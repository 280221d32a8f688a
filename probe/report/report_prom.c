/*
 * report_prom.c - the Prometheus metrics of `probe`, `anchor` and `check`
 * (report_prom.h), named per the exposition conventions: base units
 * (seconds), "_info" for labels-only series, "_timestamp_seconds" for
 * instants.  An unknown value is an absent sample, never a sentinel such
 * as -1 or 0 (a query of the series then returns nothing instead of a
 * number that looks real).
 */
#include <string.h>
#include "probe/report/report_prom.h"
#include "probe/report/report_probe.h"
#include "probe/report/envelope.h"

/* ---- resolvers (probe and check) ---- */

static void resolver_info(dp_prom *p, const dp_resolver_result *r, size_t n)
{
	dp_prom_family(p, "daneprobe_resolver_info",
		       "The resolver's class and tags from the probe (value 1)");
	for (size_t i = 0; i < n; i++) {
		char tags[256];
		const char *l[] = { "resolver", r[i].address, "name", r[i].name,
				    "class", dp_class_name(r[i].cls),
				    "tags", dp_tags_format(r[i].tags, tags, sizeof(tags)) };
		dp_prom_sample(p, "daneprobe_resolver_info", l, 4, 1);
	}
}

void dp_probe_prom(dp_prom *p, const dp_resolver_result *r, size_t n)
{
	dp_prom_family(p, "daneprobe_resolver_dane_safe",
		       "1 when local validation of the DANE probe names through the resolver matches the ground truth");
	for (size_t i = 0; i < n; i++) {
		const char *l[] = { "resolver", r[i].address, "name", r[i].name };
		dp_prom_sample(p, "daneprobe_resolver_dane_safe", l, 2, r[i].dane_safe);
	}
	resolver_info(p, r, n);
	dp_prom_family(p, "daneprobe_resolver_rtt_seconds",
		       "Round-trip time of a plain query (absent when the resolver did not answer)");
	for (size_t i = 0; i < n; i++) {
		const char *l[] = { "resolver", r[i].address, "name", r[i].name };
		if (r[i].rtt_ms >= 0)
			dp_prom_sample(p, "daneprobe_resolver_rtt_seconds", l, 2, r[i].rtt_ms / 1000.0);
	}
	dp_prom_family(p, "daneprobe_resolver_test_passed",
		       "Probe test result: 1 pass, 0 fail (absent when the test was skipped)");
	for (size_t i = 0; i < n; i++)
		for (int t = 0; t < DP_T_COUNT; t++) {
			const char *l[] = { "resolver", r[i].address, "name", r[i].name,
					    "test", dp_test_name((dp_test_id)t) };
			dp_result res = r[i].tests[t].result;
			if (res == DP_RES_PASS || res == DP_RES_FAIL)
				dp_prom_sample(p, "daneprobe_resolver_test_passed", l, 3, res == DP_RES_PASS);
		}
}

/* ---- trust anchors (anchor and check) ---- */

static int status_value(const char *word)
{
	static const char *const w[] = { "ok", "warning", "critical", "unknown" };

	for (int i = 0; word != NULL && i < 4; i++)
		if (strcmp(word, w[i]) == 0)
			return i;
	return 3;
}

void dp_anchor_prom(dp_prom *p, const char *status, const json_t *trust_points)
{
	size_t i, k, valid = 0;
	json_t *tp, *key;

	dp_prom_family(p, "daneprobe_anchor_status",
		       "Trust anchors: 0 ok, 1 warning, 2 critical, 3 unknown");
	dp_prom_sample(p, "daneprobe_anchor_status", NULL, 0, status_value(status));
	dp_prom_family(p, "daneprobe_anchor_key_state",
		       "RFC 5011 state of each trust anchor key (value 1, the state in the label)");
	json_array_foreach(trust_points, i, tp)
		json_array_foreach(json_object_get(tp, "keys"), k, key) {
			char tag[16], alg[16];
			const char *st = json_string_value(json_object_get(key, "state"));
			const char *l[] = { "trust_point", json_string_value(json_object_get(tp, "trust_point")),
					    "tag", tag, "algorithm", alg, "state", st };

			snprintf(tag, sizeof(tag), "%lld", (long long)json_integer_value(json_object_get(key, "tag")));
			snprintf(alg, sizeof(alg), "%lld", (long long)json_integer_value(json_object_get(key, "algorithm")));
			dp_prom_sample(p, "daneprobe_anchor_key_state", l, 4, 1);
			valid += st != NULL && strcmp(st, "valid") == 0;
		}
	dp_prom_family(p, "daneprobe_anchor_keys_valid", "Trust anchor keys in the state valid");
	dp_prom_sample(p, "daneprobe_anchor_keys_valid", NULL, 0, (double)valid);
}

/* ---- check ---- */

/* One series per destination, policy and outcome (a state set: 1 for the
 * outcome of this run, 0 for the others), so that both "which domains
 * fail" and "how many fail" are one query. */
static void destination_prom(dp_prom *p, const json_t *verify)
{
	static const char *const out_opp[] = { "dane-success", "fallback-tls", "dane-fail", NULL };
	static const char *const out_man[] = { "dane-success", "dane-fail", NULL };
	static const char *const policies[] = { "opportunistic", "mandatory" };
	size_t i;
	json_t *v;

	dp_prom_family(p, "daneprobe_destination_outcome",
		       "DANE outcome of each destination under each policy (1 for this run's outcome; absent when not checked)");
	json_array_foreach(verify, i, v) {
		for (int pol = 0; pol < 2; pol++) {
			const char *got = json_string_value(json_object_get(json_object_get(v, "verdict"), policies[pol]));
			const char *const *outs = pol == 0 ? out_opp : out_man;

			for (int k = 0; got != NULL && outs[k] != NULL; k++) {
				const char *l[] = { "destination", json_string_value(json_object_get(v, "domain")),
						    "policy", policies[pol], "outcome", outs[k] };
				dp_prom_sample(p, "daneprobe_destination_outcome", l, 3, strcmp(got, outs[k]) == 0);
			}
		}
	}
}

void dp_check_prom(dp_prom *p, const dp_check_prom_in *in)
{
	const char *ver[] = { "version", dp_envelope_version() };

	dp_prom_family(p, "daneprobe_info", "The daneprobe that wrote these metrics (value 1)");
	dp_prom_sample(p, "daneprobe_info", ver, 1, 1);
	dp_prom_family(p, "daneprobe_status", "Overall check status: 0 ok, 1 warning, 2 critical, 3 unknown (the exit code)");
	dp_prom_sample(p, "daneprobe_status", NULL, 0, in->status);
	dp_prom_family(p, "daneprobe_problems", "Problems found by the check, by severity");
	for (int s = 1; s <= 3; s++) {
		const char *l[] = { "severity", dp_status_word(s) };
		dp_prom_sample(p, "daneprobe_problems", l, 1, (double)in->problems[s]);
	}
	dp_prom_family(p, "daneprobe_last_run_timestamp_seconds", "When the check ran (for staleness alerts)");
	dp_prom_sample(p, "daneprobe_last_run_timestamp_seconds", NULL, 0, (double)in->now);
	dp_prom_family(p, "daneprobe_check_duration_seconds", "How long the check took");
	dp_prom_sample(p, "daneprobe_check_duration_seconds", NULL, 0, in->elapsed_ms / 1000.0);
	dp_anchor_prom(p, json_string_value(json_object_get(in->anchors, "status")),
		       json_object_get(in->anchors, "trust_points"));
	dp_probe_prom(p, in->res, in->n);
	if (in->has_order) {
		dp_prom_family(p, "daneprobe_order_changed", "1 when a different resolver order is recommended");
		dp_prom_sample(p, "daneprobe_order_changed", NULL, 0, in->order_changed);
	}
	destination_prom(p, in->verify);
}
