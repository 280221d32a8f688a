/*
 * cmd_check.c - `daneprobe check`: anchors + probe + order + verify of
 * dane.destinations, one status with Nagios exit codes, a Prometheus text
 * file, and a webhook when the status changed since the last run.
 *
 * Status: critical when the anchors are unusable, the primary resolver
 * is not DANE-safe or a destination fails DANE; warning when a secondary
 * is not DANE-safe (DANE domains would turn Bogus whenever the primary is
 * unreachable) or the order should change; unknown when no resolver is
 * reachable or the setup is broken; ok otherwise.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "probe/battery/advise.h"
#include "probe/net/alert.h"
#include "probe/battery/battery.h"
#include "probe/anchor/bootstrap.h"
#include "probe/report/report_anchor.h"
#include "probe/dane/dane.h"
#include "probe/net/query.h"
#include "probe/report/report_verify.h"
#include "probe/dane/tlsa.h"
#include "validator/rfc5011.h"
#include "validator/statefile.h"
#include "probe/cli/cli.h"
#include "probe/util/escape.h"
#include "probe/util/clock.h"
#include "probe/report/report_probe.h"
#include "probe/report/prom.h"

static const char *const status_names[] = { "ok", "warning", "critical", "unknown" };

static int worse(int a, int b)
{
	/* unknown (3) outranks nothing; critical (2) outranks warning (1). */
	if (a == DP_EXIT_CRITICAL || b == DP_EXIT_CRITICAL)
		return DP_EXIT_CRITICAL;
	if (a == DP_EXIT_UNKNOWN || b == DP_EXIT_UNKNOWN)
		return DP_EXIT_UNKNOWN;
	return a > b ? a : b;
}

/* ---- anchors ---- */

/* Fixed anchors (--anchors, anchors.file): report the trust points this
 * run validates from.  {"status","source","trust_points":[...]} */
static int check_fixed_anchors(dp_global *g, const char *path, json_t **out)
{
	val_anchors *a = NULL;
	char err[512] = "";
	json_t *o = json_object(), *tps = json_array();
	int rc = dp_anchors_for_run(g, &a, err, sizeof(err));

	json_object_set_new(o, "source", json_string(path));
	if (rc != DP_OK) {
		json_object_set_new(o, "status", json_string("critical"));
		json_object_set_new(o, "reason", json_string(err));
		json_object_set_new(o, "trust_points", tps);
		*out = o;
		return DP_EXIT_CRITICAL;
	}
	for (size_t i = 0; i < a->n_points; i++) {
		json_t *tp = json_object(), *tags = json_array();
		char *zone = ldns_rdf2str(a->points[i].zone);
		size_t nds = a->points[i].ds ? ldns_rr_list_rr_count(a->points[i].ds) : 0;
		size_t nk = a->points[i].keys ? ldns_rr_list_rr_count(a->points[i].keys) : 0;

		for (size_t k = 0; k < nds; k++)
			json_array_append_new(tags, json_integer(ldns_rdf2native_int16(
				ldns_rr_rdf(ldns_rr_list_rr(a->points[i].ds, k), 0))));
		for (size_t k = 0; k < nk; k++)
			json_array_append_new(tags, json_integer(dnskey_tag(ldns_rr_list_rr(a->points[i].keys, k))));
		json_object_set_new(tp, "trust_point", json_string(zone ? zone : "?"));
		json_object_set_new(tp, "ds", json_integer((json_int_t)nds));
		json_object_set_new(tp, "keys", json_integer((json_int_t)nk));
		json_object_set_new(tp, "tags", tags);
		json_array_append_new(tps, tp);
		free(zone);
	}
	json_object_set_new(o, "status", json_string(a->n_points ? "ok" : "critical"));
	json_object_set_new(o, "trust_points", tps);
	rc = a->n_points ? DP_EXIT_OK : DP_EXIT_CRITICAL;
	val_anchors_free(a);
	*out = o;
	return rc;
}

/*
 * The anchors of this run and how they stand.  With fixed anchors, those;
 * otherwise the RFC 5011 state file (`anchor status`'s JSON object):
 * critical when no key is trusted, warning when a key is pending or
 * missing or when the state file could not be used and the built-in
 * anchors stand in (they are not kept current then).
 */
static int check_anchor_status(dp_global *g, json_t **out)
{
	const char *fixed = g->anchors_path;
	const char *state;
	char note[512] = "", why[512] = "";
	rfc5011_tp *tp = NULL;
	anchor_report r;
	int fell_back = 0, rc;

	if (fixed == NULL && g->cfg != NULL)
		fixed = dp_config_str(g->cfg, "anchors.file", NULL);
	if (fixed != NULL)
		return check_fixed_anchors(g, fixed, out);
	state = dp_anchor_state_path(g, NULL);
	if (statefile_load(state, dp_builtin_root_ds, dp_now(), &tp, &fell_back, note, sizeof(note)) != DP_OK) {
		json_t *o = json_object();
		json_object_set_new(o, "status", json_string("critical"));
		json_object_set_new(o, "reason", json_string(note[0] ? note : "no usable trust anchors"));
		*out = o;
		return DP_EXIT_CRITICAL;
	}
	memset(&r, 0, sizeof(r));
	r.tp = tp;
	r.now = dp_now();
	r.health = rfc5011_tp_health(tp, why, sizeof(why));
	r.why = why;
	r.state_file = state;
	r.fell_back = fell_back;
	r.source_note = note;
	r.action = "status";
	*out = report_anchor_json(&r);
	rc = r.health == RFC5011_HEALTH_CRITICAL ? DP_EXIT_CRITICAL
	     : r.health == RFC5011_HEALTH_WARNING || fell_back ? DP_EXIT_WARNING : DP_EXIT_OK;
	rfc5011_tp_free(tp);
	return *out != NULL ? rc : DP_EXIT_UNKNOWN;
}

/* ---- verify of dane.destinations ---- */

/*
 * The DANE path of each configured destination through the first
 * resolver, as `verify` runs it.  The destinations are canaries that are
 * known to publish DANE (the source document uses ietf.org), so the
 * Opportunistic verdict decides: DANE fail is critical, a fall back to
 * plain TLS a warning.  Sets *out to an array of `verify` JSON objects.
 */
static int check_verify_destinations(dp_global *g, json_t **out)
{
	const char **rlist = NULL;
	val_anchors *anchors = NULL;
	val_ctx *vctx = NULL;
	dp_addr srv;
	query_fetcher fetcher;
	dane_cfg dcfg;
	json_t *arr = json_array();
	char err[512];
	int worst = DP_EXIT_OK, *mandatory = NULL;
	const char **dests = NULL;
	size_t nd = dp_destinations(g, &dests, &mandatory);

	*out = arr;
	if (nd == 0)
		return DP_EXIT_OK;
	memset(&dcfg, 0, sizeof(dcfg));
	if (dp_resolvers_effective(g, &rlist) == 0 || dp_addr_parse(rlist[0], &srv) != DP_OK
	    || dp_anchors_for_run(g, &anchors, err, sizeof(err)) != DP_OK
	    || (dcfg.ssl_ctx = tlsa_ctx_new()) == NULL) {
		worst = DP_EXIT_UNKNOWN;
		goto out;
	}
	memset(&fetcher, 0, sizeof(fetcher));
	fetcher.server = &srv;
	fetcher.opts.timeout_ms = g->timeout_ms;
	if (val_ctx_new(&vctx, anchors, dp_now(), query_fetch, &fetcher) != DP_OK) {
		worst = DP_EXIT_UNKNOWN;
		goto out;
	}
	dcfg.resolver = srv.text;
	dp_client_dane_cfg(g, &dcfg, &srv);
	for (size_t i = 0; i < nd; i++) {
		dane_result *r = NULL;
		json_t *o;
		int e, k;

		if (dane_verify(vctx, &dcfg, dests[i], &r) != DP_OK) {
			o = json_object();
			json_object_set_new(o, "domain", json_string(dests[i]));
			json_object_set_new(o, "reason", json_string("not a domain name, or out of memory"));
			json_array_append_new(arr, o);
			worst = worst == DP_EXIT_CRITICAL ? worst : DP_EXIT_UNKNOWN;
			continue;
		}
		/* A dane-only destination (--postfix) is judged as Mandatory. */
		k = mandatory[i] ? POL_MANDATORY : POL_OPPORTUNISTIC;
		e = r->verdict[k] == POL_DANE_SUCCESS ? DP_EXIT_OK
		    : r->verdict[k] == POL_FALLBACK_TLS ? DP_EXIT_WARNING : DP_EXIT_CRITICAL;
		worst = worse(worst, e);
		if ((o = report_verify_json(r)) != NULL)
			json_array_append_new(arr, o);
		dane_result_free(r);
	}
out:
	val_ctx_free(vctx);
	if (dcfg.ssl_ctx != NULL)
		SSL_CTX_free(dcfg.ssl_ctx);
	val_anchors_free(anchors);
	free(rlist);
	free(dests);
	free(mandatory);
	return worst;
}

/* ---- Prometheus ---- */

static void prom_metrics(dp_prom *p, int status, const dp_resolver_result *r, size_t n,
			 const dp_advice *adv, int anchors_rc)
{
	dp_prom_family(p, "daneprobe_status", "Overall check status: 0 ok, 1 warning, 2 critical, 3 unknown");
	dp_prom_sample(p, "daneprobe_status", NULL, 0, status);
	dp_prom_family(p, "daneprobe_anchors_ok", "1 when the trust anchors are usable");
	dp_prom_sample(p, "daneprobe_anchors_ok", NULL, 0, anchors_rc == DP_EXIT_OK);
	dp_probe_prom(p, r, n);
	dp_prom_family(p, "daneprobe_order_changed", "1 when a different resolver order is recommended");
	dp_prom_sample(p, "daneprobe_order_changed", NULL, 0, adv ? adv->changed : 0);
	dp_prom_family(p, "daneprobe_last_run_timestamp_seconds", "When the check ran");
	dp_prom_sample(p, "daneprobe_last_run_timestamp_seconds", NULL, 0, (double)dp_now());
}

/* ---- the run ---- */

static const char *state_dir_of(const dp_global *g, const char *opt, char *buf, size_t len)
{
	const char *slash;

	if (opt != NULL)
		return opt;
	if (g->cfg && dp_config_str(g->cfg, "alert.state_dir", NULL))
		return dp_config_str(g->cfg, "alert.state_dir", NULL);
	if (g->cfg && g->cfg->prometheus_textfile && (slash = strrchr(g->cfg->prometheus_textfile, '/')) != NULL) {
		snprintf(buf, len, "%.*s", (int)(slash - g->cfg->prometheus_textfile), g->cfg->prometheus_textfile);
		return buf[0] ? buf : "/";
	}
	return DP_STATEDIR;
}

static json_t *summary(int status, const dp_resolver_result *r, size_t n, const char *prev)
{
	json_t *o = json_object(), *arr = json_array();
	char t[32], host[256] = "";

	gethostname(host, sizeof(host) - 1);
	json_object_set_new(o, "status", json_string(status_names[status]));
	json_object_set_new(o, "previous", prev[0] ? json_string(prev) : json_null());
	json_object_set_new(o, "host", json_string(host));
	json_object_set_new(o, "time", json_string(dp_time_fmt(dp_now(), t, sizeof(t))));
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "address", json_string(r[i].address));
		json_object_set_new(x, "class", json_string(dp_class_name(r[i].cls)));
		json_object_set_new(x, "dane_safe", json_boolean(r[i].dane_safe));
		json_object_set_new(x, "reason", r[i].n_reasons ? json_string(r[i].reasons[0]) : json_null());
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "resolvers", arr);
	return o;
}

static void alert_step(dp_global *g, const char *state_dir, int status,
		       const dp_resolver_result *r, size_t n)
{
	char path[4096], prev[32], err[1024] = "";
	dp_webhook_opts wo = { 5000, 2, 500 };
	json_t *body;
	char *text;
	int posted = 0;

	if (g->cfg == NULL || g->cfg->webhook == NULL)
		return;
	snprintf(path, sizeof(path), "%s/check.state", state_dir);
	dp_alert_state_read(path, prev, sizeof(prev));
	body = summary(status, r, n, prev);
	text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	if (text == NULL)
		return;
	if (dp_alert_run(path, status_names[status], g->cfg->webhook, text, &wo, &posted,
			 err, sizeof(err)) != DP_OK)
		dp_errorf("check: alert: %s", err);
	else if (posted && g->verbose)
		fprintf(stderr, "daneprobe: status %s posted to %s\n", status_names[status], g->cfg->webhook);
	free(text);
}

static void print_text(int status, json_t *anchors, const dp_resolver_result *r, size_t n,
		       const dp_advice *adv, const dp_rank_in *in, json_t *verify, int verbose)
{
	size_t i;
	json_t *v;

	dp_fprintf_text(stdout, "daneprobe check: %s\n\n", status_names[status]);
	dp_fprintf_text(stdout, "anchors: %s\n", json_string_value(json_object_get(anchors, "status")));
	json_array_foreach(json_object_get(anchors, "trust_points"), i, v)
		dp_fprintf_text(stdout, "  trust point %s: %lld DS, %lld DNSKEY\n",
		       json_string_value(json_object_get(v, "trust_point")),
		       (long long)json_integer_value(json_object_get(v, "ds")),
		       (long long)json_integer_value(json_object_get(v, "keys")));
	if (json_object_get(anchors, "reason"))
		dp_fprintf_text(stdout, "  %s\n", json_string_value(json_object_get(anchors, "reason")));
	dp_fprintf_text(stdout, "\nprobe:\n");
	if (n > 0)
		dp_probe_print_text(stdout, r, n, verbose);
	if (adv != NULL) {
		dp_fprintf_text(stdout, "\norder:\n");
		dp_order_print_text(stdout, adv, in);
	}
	dp_fprintf_text(stdout, "\nverify:\n");
	if (json_array_size(verify) == 0)
		dp_fprintf_text(stdout, "  no dane.destinations configured\n");
	json_array_foreach(verify, i, v) {
		json_t *verdict = json_object_get(v, "verdict");
		const char *reason = json_string_value(json_object_get(v, "reason"));

		dp_fprintf_text(stdout, "  %s: opportunistic %s, mandatory %s\n",
		       json_string_value(json_object_get(v, "domain")),
		       verdict ? json_string_value(json_object_get(verdict, "opportunistic")) : "unknown",
		       verdict ? json_string_value(json_object_get(verdict, "mandatory")) : "unknown");
		if (reason != NULL && reason[0] != '\0')
			dp_fprintf_text(stdout, "    %s\n", reason);
	}
}

static void check_usage(FILE *out)
{
	fprintf(out,
		"usage: daneprobe check [--format text|json|prometheus] [--state-dir DIR] [-j N]\n"
		"\n"
		"Pre-flight and monitoring: trust anchors, the resolver probe, the\n"
		"recommended order and the DANE path of dane.destinations, as one status.\n"
		"Writes alert.prometheus_textfile (atomically) and POSTs a summary to\n"
		"alert.webhook when the status changed since the last run.\n"
		"\n"
		"      --state-dir DIR  where the last status is kept (default: alert.state_dir,\n"
		"                       else next to the Prometheus file, else " DP_STATEDIR ")\n"
		"  -j, --jobs N         at most N probe tests at once\n"
		"      --format F       text (default), json or prometheus\n"
		"  -h, --help           this help\n"
		"\n"
		"Exit (Nagios): 0 ok, 1 warning, 2 critical, 3 unknown.\n");
}

int cmd_check(dp_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state_opt = NULL;
	char err[1024] = "", sdbuf[4096];
	dp_resolver_result *res = NULL;
	dp_rank_in *in = NULL;
	dp_advice *adv = NULL;
	json_t *anchors = NULL, *verify = NULL, *postfix = NULL;
	size_t n = 0;
	int jobs = 0, c, status, arc, vrc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': state_opt = optarg; break;
		case 'j': jobs = atoi(optarg) > 0 ? atoi(optarg) : 0; break;
		case 'h':
			check_usage(stdout);
			return DP_EXIT_OK;
		default:
			check_usage(stderr);
			return DP_EXIT_UNKNOWN;
		}
	}
	arc = check_anchor_status(g, &anchors);
	status = arc;
	if (dp_probe_for_cli(g, NULL, 0, jobs, &res, &n, err, sizeof(err)) != DP_OK) {
		dp_errorf("check: %s", err);
		status = DP_EXIT_UNKNOWN;
		n = 0;
	} else {
		status = worse(status, dp_probe_exit_code(res, n));
		in = calloc(n, sizeof(*in));
		if (in != NULL) {
			for (size_t i = 0; i < n; i++) {
				in[i] = (dp_rank_in){ res[i].address, res[i].name[0] ? res[i].name : NULL,
						      res[i].priority, res[i].cls, res[i].tags, res[i].dane_safe,
						      dp_failures(res[i].tests), res[i].rtt_ms,
						      res[i].n_reasons ? res[i].reasons[0] : NULL, res[i].client };
			}
			if (dp_advise(in, n, &adv) == DP_OK && adv->changed)
				status = worse(status, DP_EXIT_WARNING);
		}
	}
	vrc = check_verify_destinations(g, &verify);
	status = worse(status, vrc);
	status = worse(status, dp_postfix_json(g, &postfix));

	if (g->format == DP_FMT_JSON) {
		json_t *o = json_object();
		json_object_set_new(o, "status", json_string(status_names[status]));
		json_object_set_new(o, "anchors", anchors);
		anchors = NULL;
		json_object_set_new(o, "probe", n ? dp_probe_json(res, n) : json_object());
		json_object_set_new(o, "order", adv ? dp_order_json(adv, in) : json_object());
		json_object_set_new(o, "verify", verify);
		verify = NULL;
		if (postfix != NULL)
			json_object_set_new(o, "postfix", json_incref(postfix));
		dp_json_print(stdout, o);
		json_decref(o);
	} else if (g->format == DP_FMT_TEXT) {
		print_text(status, anchors, res, n, adv, in, verify, g->verbose);
		dp_postfix_print_text(postfix);
	}
	if (g->format == DP_FMT_PROMETHEUS || (g->cfg && g->cfg->prometheus_textfile)) {
		dp_prom *p = NULL;
		if (dp_prom_new(&p) == DP_OK) {
			prom_metrics(p, status, res, n, adv, arc);
			if (g->format == DP_FMT_PROMETHEUS) {
				const char *t = dp_prom_text(p, NULL);
				fputs(t ? t : "", stdout);
			}
			if (g->cfg && g->cfg->prometheus_textfile
			    && dp_prom_write(p, g->cfg->prometheus_textfile, err, sizeof(err)) != DP_OK)
				dp_errorf("check: Prometheus file: %s", err);
			dp_prom_free(p);
		}
	}
	alert_step(g, state_dir_of(g, state_opt, sdbuf, sizeof(sdbuf)), status, res, n);
	json_decref(anchors);
	json_decref(verify);
	json_decref(postfix);
	dp_advice_free(adv);
	free(in);
	dp_probe_results_free(res, n);
	return status;
}
