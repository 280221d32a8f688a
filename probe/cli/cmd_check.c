/*
 * cmd_check.c - `daneprobe check`: anchors + probe + order + verify of
 * dane.destinations as one status with Nagios exit codes, a Prometheus
 * text file, and a webhook when the problems changed since the last run.
 * This file decides the status and its problems; report/report_check.c
 * writes them.
 *
 * Status: critical when the anchors are unusable, the primary resolver
 * is not DANE-safe or a destination fails DANE; warning when a secondary
 * is not DANE-safe (DANE domains would turn Bogus whenever the primary is
 * unreachable), the order should change, a destination falls back to
 * plain TLS, or the alerting machinery itself failed (state, webhook,
 * Prometheus file); unknown when no resolver is reachable or the setup is
 * broken; ok otherwise.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "probe/anchor/bootstrap.h"
#include "probe/battery/advise.h"
#include "probe/net/alert.h"
#include "probe/battery/battery.h"
#include "probe/report/envelope.h"
#include "probe/report/report_anchor.h"
#include "probe/report/report_check.h"
#include "probe/dane/dane.h"
#include "probe/net/query.h"
#include "probe/report/report_verify.h"
#include "probe/dane/tlsa.h"
#include "validator/rfc5011.h"
#include "validator/statefile.h"
#include "probe/cli/cli.h"
#include "probe/util/builtin.h"
#include "probe/util/resolvload.h"
#include "probe/util/clock.h"
#include "probe/report/prom.h"

typedef struct check_opts {
	const char *state_dir;    /* --state-dir, or NULL */
	const char *html;         /* --html FILE, or NULL */
	int jobs;
	int brief;
} check_opts;

/* ---- anchors ---- */

/* One key of a fixed trust point: configured, so trusted ("valid"). */
static json_t *fixed_key(const ldns_rr *rr, int is_ds)
{
	int tag = is_ds ? ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) : dnskey_tag(rr);
	int alg = ldns_rdf2native_int8(ldns_rr_rdf(rr, is_ds ? 1 : 2));

	return json_pack("{s:i,s:i,s:s,s:s}", "tag", tag, "algorithm", alg, "state", "valid",
			 "known_by", is_ds ? "ds" : "dnskey");
}

/* Fixed anchors (--anchors, anchors.file): the trust points this run
 * validates from.  Returns the trust_points array; NULL with err. */
static json_t *fixed_trust_points(dp_global *g, char *err, size_t errlen)
{
	val_anchors *a = NULL;
	json_t *tps;

	if (dp_anchors_for_run(g, &a, err, errlen) != DP_OK)
		return NULL;
	tps = json_array();
	for (size_t i = 0; i < a->n_points; i++) {
		json_t *keys = json_array();
		char *zone = ldns_rdf2str(a->points[i].zone);
		const ldns_rr_list *ds = a->points[i].ds, *dk = a->points[i].keys;

		for (size_t k = 0; ds != NULL && k < ldns_rr_list_rr_count(ds); k++)
			json_array_append_new(keys, fixed_key(ldns_rr_list_rr(ds, k), 1));
		for (size_t k = 0; dk != NULL && k < ldns_rr_list_rr_count(dk); k++)
			json_array_append_new(keys, fixed_key(ldns_rr_list_rr(dk, k), 0));
		json_array_append_new(tps, json_pack("{s:s,s:o}", "trust_point", zone ? zone : "?", "keys", keys));
		free(zone);
	}
	if (a->n_points == 0)
		snprintf(err, errlen, "no trust point in the anchors file");
	val_anchors_free(a);
	return tps;
}

/* The RFC 5011 state file: `anchor status`'s object as the one trust
 * point; critical when no key is trusted, warning when a key is pending
 * or missing or when the built-in anchors stand in for an unusable state
 * file (they are not kept current then). */
static json_t *state_trust_points(dp_global *g, const char *state, int *ec, char *err, size_t errlen)
{
	char note[512] = "", why[512] = "";
	rfc5011_tp *tp = NULL;
	anchor_report r;
	int fell_back = 0;
	json_t *o;

	if (statefile_load(state, dp_builtin_root_ds, dp_now(), &tp, &fell_back, note, sizeof(note)) != DP_OK) {
		snprintf(err, errlen, "%s", note[0] ? note : "no usable trust anchors");
		return NULL;
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
	*ec = r.health == RFC5011_HEALTH_CRITICAL ? DP_EXIT_CRITICAL
	      : r.health == RFC5011_HEALTH_WARNING || fell_back ? DP_EXIT_WARNING : DP_EXIT_OK;
	r.exit_code = *ec;
	o = report_anchor_json(&r);
	rfc5011_tp_free(tp);
	if (*ec != DP_EXIT_OK)
		snprintf(err, errlen, "%s", fell_back && note[0] ? note : why);
	return o != NULL ? json_pack("[o]", o) : NULL;
}

/* c->anchors = {"status","reason","source","trust_points":[...]}, and
 * the problem when they are not ok. */
static void check_anchors(dp_global *g, check_run *c)
{
	const char *fixed = g->anchors_path, *source;
	char err[1024] = "", subject[96];
	json_t *tps;
	int ec = DP_EXIT_OK;

	if (fixed == NULL && g->cfg != NULL)
		fixed = dp_config_str(g->cfg, "anchors.file", NULL);
	source = fixed != NULL ? fixed : dp_anchor_state_path(g, NULL);
	tps = fixed != NULL ? fixed_trust_points(g, err, sizeof(err))
	      : state_trust_points(g, source, &ec, err, sizeof(err));
	if (tps == NULL || json_array_size(tps) == 0)
		ec = DP_EXIT_CRITICAL;
	c->anchors = json_pack("{s:s,s:o,s:s,s:o}", "status", dp_status_word(ec),
			       "reason", err[0] ? json_string(err) : json_null(), "source", source,
			       "trust_points", tps ? tps : json_array());
	if (ec == DP_EXIT_OK)
		return;
	snprintf(subject, sizeof(subject), "%.80s%s", err, strlen(err) > 80 ? "..." : "");
	check_problem_add(c, ec, ec == DP_EXIT_CRITICAL ? "trust anchors unusable" : "trust anchors",
			  subject, ec == DP_EXIT_CRITICAL ? "anchors critical" : "anchors warning", 1,
			  "trust anchors (%s): %s", source, err);
}

/* ---- probe and order ---- */

typedef struct check_probe {
	dp_resolver_result *res;   /* every resolver, the stub included */
	size_t n;
	dp_rank_in *in;            /* the ones order ranks (dp_rank_inputs) */
	size_t n_in;
	dp_advice *adv;
	const dp_rsrc *rsrc;       /* a host's resolver file they came from, or NULL */
} check_probe;

static void resolver_subject(const dp_resolver_result *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", r->address, r->name[0] ? " (" : "", r->name, r->name[0] ? ")" : "");
}

/* A resolver that is not DANE-safe, as probe's exit code judges it: the
 * primary is critical (DANE domains turn Bogus, or DANE is off, now), a
 * secondary a warning (whenever the primary is unreachable), unless the
 * client model says otherwise (a downgrade is critical anywhere, an
 * untrusted path a warning anywhere). */
static void probe_problems(check_run *c, const check_probe *p)
{
	char subject[160], id[200];

	if (dp_probe_exit_code(p->res, p->n) == DP_EXIT_UNKNOWN) {
		check_problem_add(c, DP_EXIT_UNKNOWN, "no resolver reachable", NULL, "no-resolver-reachable", 1,
				  "none of the %zu resolvers answered", p->n);
		return;
	}
	for (size_t i = 0; i < p->n; i++) {
		const dp_resolver_result *r = &p->res[i];
		int sev = dp_probe_resolver_exit(r, i);

		if (sev == DP_EXIT_OK)
			continue;
		resolver_subject(r, subject, sizeof(subject));
		snprintf(id, sizeof(id), "not-dane-safe %s", r->address);
		check_problem_add(c, sev, i == 0 ? "primary not DANE-safe" : "not DANE-safe", subject, id, 1,
				  "%s resolver, %s: %s", i == 0 ? "primary" : "secondary", dp_class_name(r->cls),
				  r->n_reasons ? r->reasons[0] : "no reason recorded");
	}
}

static void order_problem(check_run *c, const check_probe *p)
{
	char rec[512] = "";

	for (size_t i = 0; i < p->adv->n && strlen(rec) + 140 < sizeof(rec); i++)
		snprintf(rec + strlen(rec), sizeof(rec) - strlen(rec), "%s%s", i ? ", " : "",
			 p->in[p->adv->recommended[i].index].address);
	/* A file order --write refuses (a resolv.conf naming resolved's stub,
	 * unbound, dnsmasq): its reason names the file to change instead. */
	check_problem_add(c, DP_EXIT_WARNING, "resolver order should change", NULL, "order-changed", 1,
			  "recommended order: %s (%s)", rec, p->rsrc != NULL && p->rsrc->write_path == NULL
			  ? p->rsrc->refuse : "daneprobe order --write applies it");
}

static void check_probe_run(dp_global *g, const check_opts *o, check_run *c, check_probe *p)
{
	char err[1024] = "";

	memset(p, 0, sizeof(*p));
	if (dp_probe_for_cli(g, NULL, 0, o->jobs, &p->res, &p->n, err, sizeof(err)) != DP_OK) {
		check_problem_add(c, DP_EXIT_UNKNOWN, "probe failed", NULL, "probe-failed", 1, "%s", err);
		p->res = NULL;
		p->n = 0;
		return;
	}
	probe_problems(c, p);
	/* Rank what order ranks: behind systemd-resolved's stub only its
	 * DNS= servers (the stub is what the MTA asks, not a rank). */
	p->rsrc = g->n_resolvers == 0 ? g->rsrc : NULL;
	if (dp_rank_inputs(p->res, p->n, p->rsrc, p->rsrc == NULL && g->n_resolvers == 0, &p->in, &p->n_in) < 0
	    || p->n_in == 0 || dp_advise(p->in, p->n_in, &p->adv) != DP_OK)
		p->adv = NULL;
	else if (p->adv->changed)
		order_problem(c, p);
}

static void check_probe_free(check_probe *p)
{
	dp_advice_free(p->adv);
	free(p->in);
	dp_probe_results_free(p->res, p->n);
}

/* ---- verify of dane.destinations ---- */

/* The destinations are canaries known to publish DANE (the source
 * document uses ietf.org), so the Opportunistic verdict decides (the
 * Mandatory one for a dane-only destination of --postfix): DANE fail is
 * critical, a fall back to plain TLS a warning. */
static void destination_problem(check_run *c, const char *domain, const dane_result *r,
				int mandatory, const char *why)
{
	char id[300];
	int k = mandatory ? POL_MANDATORY : POL_OPPORTUNISTIC;
	pol_action a = r != NULL ? r->verdict[k] : POL_DANE_FAIL;

	if (r == NULL) {
		snprintf(id, sizeof(id), "not-checked %s", domain);
		check_problem_add(c, DP_EXIT_UNKNOWN, "not checked", domain, id, 1,
				  "%s", why != NULL ? why : "not checked");
	} else if (a == POL_FALLBACK_TLS) {
		snprintf(id, sizeof(id), "fallback-tls %s", domain);
		check_problem_add(c, DP_EXIT_WARNING, "fallback to TLS", domain, id, 1, "%s", r->reason[k]);
	} else if (a == POL_DANE_FAIL) {
		snprintf(id, sizeof(id), "dane-fail %s", domain);
		check_problem_add(c, DP_EXIT_CRITICAL, "DANE fail", domain, id, 1, "%s", r->reason[k]);
	}
}

/* A certificate or an RRSIG near its expiry makes check a WARNING, so a
 * monitor says so before delivery fails (issue 13).  The one-key TLSA
 * finding stays in the JSON ("warnings"): advice, not a state to alert on. */
static void destination_warnings(check_run *c, const char *domain, const dane_result *r)
{
	char id[400];

	for (size_t i = 0; i < r->warnings.n; i++) {
		const dane_warning *w = &r->warnings.w[i];

		if (w->kind == DW_TLSA_ONE_KEY)
			continue;
		snprintf(id, sizeof(id), "%s %s", dane_warn_kind_str(w->kind), w->subject);
		check_problem_add(c, DP_EXIT_WARNING, w->kind == DW_CERT_EXPIRY ? "certificate expiry"
				  : "RRSIG expiry", domain, id, 1, "%s", w->text);
	}
}

static json_t *unchecked_json(const char *domain, const char *reason)
{
	return json_pack("{s:s,s:n,s:s}", "domain", domain, "verdict", "reason", reason);
}

/* One destination's DANE path: its `verify` object, problems and
 * warnings, and (check --html) its picture.  For a picture the path runs
 * in a validator context of its own that records the chain of trust: the
 * shared context checks each zone once for all destinations, so its
 * record would show the root and the parents only under the first
 * destination that reached them; a context each draws each destination's
 * whole chain (the parents are asked again, from the resolver's cache). */
static void check_destination(check_run *c, const dane_cfg *dcfg, val_ctx *shared,
			      const val_anchors *anchors, query_fetcher *fetcher,
			      const char *d, int mandatory)
{
	val_ctx *own = NULL, *vctx = shared;
	val_vtrace *vt = NULL;
	dane_result *r = NULL;

	if (c->pictures && val_vtrace_new(&vt) == DP_OK &&
	    val_ctx_new(&own, anchors, dp_now(), query_fetch, fetcher) == DP_OK) {
		val_ctx_set_vtrace(own, vt);
		vctx = own;
	}
	if (dane_verify(vctx, dcfg, d, &r) != DP_OK) {
		json_array_append_new(c->verify, unchecked_json(d, "not a domain name, or out of memory"));
		destination_problem(c, d, NULL, mandatory, "not a domain name, or out of memory");
	} else {
		destination_problem(c, d, r, mandatory, NULL);
		destination_warnings(c, d, r);
		json_array_append_new(c->verify, report_verify_json(r));
	}
	/* pictures[i] belongs to verify[i]: null when there is no picture. */
	if (c->pictures)
		json_array_append_new(c->pictures, r ? dp_dane_dot_json(r, own ? vt : NULL)
				      : json_null());
	dane_result_free(r);
	val_ctx_free(own);
	val_vtrace_free(vt);
}

/* The DANE path of each configured destination through the first
 * resolver, as `verify` runs it: c->verify gets one `verify` object each. */
static void check_verify(dp_global *g, check_run *c)
{
	const char **rlist = NULL;
	val_anchors *anchors = NULL;
	val_ctx *vctx = NULL;
	dp_addr srv;
	query_fetcher fetcher;
	dane_cfg dcfg;
	char err[512] = "cannot set up the DANE check";
	const char **dests = NULL;
	int *mandatory = NULL;
	size_t nd = dp_destinations(g, &dests, &mandatory);

	memset(&dcfg, 0, sizeof(dcfg));
	memset(&fetcher, 0, sizeof(fetcher));
	c->verify = json_array();
	if (nd == 0)
		goto out;
	fetcher.server = &srv;
	fetcher.opts.timeout_ms = g->timeout_ms;
	if (dp_resolvers_effective(g, &rlist) == 0 || dp_addr_parse(rlist[0], &srv) != DP_OK
	    || dp_anchors_for_run(g, &anchors, err, sizeof(err)) != DP_OK
	    || (dcfg.ssl_ctx = tlsa_ctx_new()) == NULL
	    || val_ctx_new(&vctx, anchors, dp_now(), query_fetch, &fetcher) != DP_OK) {
		for (size_t i = 0; i < nd; i++) {
			json_array_append_new(c->verify, unchecked_json(dests[i], err));
			destination_problem(c, dests[i], NULL, mandatory[i], err);
			if (c->pictures)
				json_array_append_new(c->pictures, json_null());
		}
		goto out;
	}
	dcfg.resolver = srv.text;
	dp_client_dane_cfg(g, &dcfg, &srv);
	dp_warn_cfg(g, NULL, &dcfg.warn);
	for (size_t i = 0; i < nd; i++)
		check_destination(c, &dcfg, vctx, anchors, &fetcher, dests[i], mandatory[i]);
out:
	val_ctx_free(vctx);
	if (dcfg.ssl_ctx != NULL)
		SSL_CTX_free(dcfg.ssl_ctx);
	val_anchors_free(anchors);
	free(rlist);
	free(dests);
	free(mandatory);
}

/* --postfix: the Postfix section, each finding a warning. */
static void check_postfix(dp_global *g, check_run *c)
{
	size_t i;
	json_t *v;
	char id[300];

	if (dp_postfix_json(g, &c->postfix) == DP_EXIT_OK || c->postfix == NULL)
		return;
	json_array_foreach(json_object_get(c->postfix, "findings"), i, v) {
		snprintf(id, sizeof(id), "postfix %.200s", json_string_value(v));
		check_problem_add(c, DP_EXIT_WARNING, "Postfix", NULL, id, 1, "%s", json_string_value(v));
	}
}

/* ---- alerting: the state, the webhook, the Prometheus file ---- */

static const char *state_dir_of(const dp_global *g, const char *opt, char *buf, size_t len)
{
	const char *slash, *prom = g->cfg ? g->cfg->prometheus_textfile : NULL;

	if (opt != NULL)
		return opt;
	if (g->cfg && dp_config_str(g->cfg, "alert.state_dir", NULL))
		return dp_config_str(g->cfg, "alert.state_dir", NULL);
	if (prom != NULL && (slash = strrchr(prom, '/')) != NULL) {
		snprintf(buf, len, "%.*s", (int)(slash - prom), prom);
		return buf[0] ? buf : "/";
	}
	return DP_STATEDIR;
}

/* The problems the webhook watches, as an alert set. */
static int alert_set_of(const check_run *c, dp_alert_set *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->status, sizeof(s->status), "%s", dp_status_word(c->status));
	for (size_t i = 0; i < c->n_problems; i++)
		if (c->problems[i].alert && dp_alert_set_add(s, c->problems[i].id, c->problems[i].reason) != DP_OK)
			return DP_ENOMEM;
	return DP_OK;
}

/* POST when the problems changed.  A state that cannot be recorded, a
 * header file that cannot be read and a POST that fails are warnings
 * in the status itself: the operator who reads the check learns that its
 * alerts do not work. */
static void check_alert(dp_global *g, const char *state_dir, check_run *c)
{
	char path[4096], err[1024] = "", header[4096];
	const char *hfile = dp_config_str(g->cfg, "alert.webhook_header_file", NULL);
	dp_webhook_opts wo = { 5000, 2, 500, NULL };
	dp_alert_set prev, cur;
	dp_alert_outcome out = { 0 };
	char *body = NULL;
	int rc = DP_ENOMEM;

	snprintf(path, sizeof(path), "%s/check.state", state_dir);
	if (hfile != NULL && dp_webhook_header_load(hfile, header, sizeof(header), err, sizeof(err)) != DP_OK) {
		check_problem_add(c, DP_EXIT_WARNING, "webhook header", NULL, "webhook-header", 0,
				  "%s; nothing was posted", err);
		return;
	}
	wo.header = hfile != NULL ? header : NULL;
	if (dp_alert_state_load(path, &prev) == DP_OK && alert_set_of(c, &cur) == DP_OK
	    && (body = report_check_webhook(c, &prev, &cur)) != NULL)
		rc = dp_alert_run(path, &prev, &cur, g->cfg->webhook, body, &wo, &out, err, sizeof(err));
	c->alert = json_pack("{s:s,s:s,s:b,s:o}", "webhook", g->cfg->webhook, "state_file", path,
			     "posted", out.posted, "error", rc != DP_OK ? json_string(err[0] ? err : dp_strerror(rc)) : json_null());
	if (out.state_failed)
		check_problem_add(c, DP_EXIT_WARNING, "alert state not writable", state_dir, "alert-state", 0,
				  "%s; the webhook is held back until the state can be recorded "
				  "(else every run would post again)", err);
	else if (rc != DP_OK)
		check_problem_add(c, DP_EXIT_WARNING, "webhook failed", NULL, "webhook", 0, "%s",
				  err[0] ? err : dp_strerror(rc));
	else if (out.posted && g->verbose)
		fprintf(stderr, "daneprobe: status %s posted to %s\n", cur.status, g->cfg->webhook);
	free(body);
	dp_alert_set_clear(&prev);
	dp_alert_set_clear(&cur);
}

static void check_prom_file(dp_global *g, check_run *c)
{
	char err[1024] = "";
	dp_prom *p = NULL;

	if (dp_prom_new(&p) != DP_OK)
		return;
	report_check_prom(p, c, dp_now());
	if (dp_prom_write(p, g->cfg->prometheus_textfile, err, sizeof(err)) != DP_OK)
		check_problem_add(c, DP_EXIT_WARNING, "Prometheus file not written", NULL, "prometheus-file", 0,
				  "%s", err);
	dp_prom_free(p);
}

/* The HTML page (--html or report.html), as the Prometheus file: a page
 * not written is a WARNING problem in the output and the exit status, so
 * a timer's run that cannot write it is seen; the page itself holds every
 * problem but that one. */
static void check_html(check_run *c, const char *path, const char *from)
{
	char err[1024] = "";

	if (dp_check_html(path, c, err, sizeof(err)) == 0)
		return;
	dp_errorf("check: %s %s", from, err);
	check_problem_add(c, DP_EXIT_WARNING, "HTML report not written", NULL, "html-report", 0,
			  "%s %s", from, err);
}

/* ---- the run ---- */

static void check_print(const dp_global *g, const check_run *c)
{
	if (g->format == DP_FMT_JSON) {
		json_t *o = report_check_json(c);
		if (o == NULL || dp_json_emit(stdout, o, c->status) != 0)
			dp_errorf("check: out of memory");
		json_decref(o);
	} else if (g->format == DP_FMT_PROMETHEUS) {
		dp_prom *p = NULL;
		if (dp_prom_new(&p) == DP_OK) {
			const char *t;
			report_check_prom(p, c, dp_now());
			t = dp_prom_text(p, NULL);
			fputs(t ? t : "", stdout);
			dp_prom_free(p);
		}
	} else {
		report_check_text(stdout, c);
		if (!c->brief)
			dp_postfix_print_text(c->postfix);
	}
}

static void check_usage(FILE *out)
{
	fprintf(out,
		"usage: daneprobe check [--format text|json|prometheus] [--brief] [--state-dir DIR] [-j N]\n"
		"\n"
		"Pre-flight and monitoring: trust anchors, the resolver probe, the\n"
		"recommended order and the DANE path of dane.destinations, as one status.\n"
		"Line one is the Nagios/Icinga plugin line:\n"
		"  DANEPROBE OK|WARNING|CRITICAL|UNKNOWN - what is wrong | perfdata\n"
		"Writes alert.prometheus_textfile (atomically) and POSTs a summary to\n"
		"alert.webhook when the problems changed since the last run.\n"
		"\n"
		"      --brief          line one and the problems only, under 1 KB (NRPE)\n"
		"      --html FILE      also write a self-contained HTML report (atomically):\n"
		"                       status, resolver matrix, order, anchors, and each\n"
		"                       destination with its DANE path and chain of trust\n"
		"                       (default: report.html from the config, if set)\n"
		"      --state-dir DIR  where the last status is kept, created when missing\n"
		"                       (default: alert.state_dir, else next to the Prometheus\n"
		"                       file, else " DP_STATEDIR ")\n"
		"  -j, --jobs N         at most N probe tests at once\n"
		"      --format F       text (default), json or prometheus\n"
		"  -h, --help           this help\n"
		"\n"
		"Exit (Nagios): 0 ok, 1 warning, 2 critical, 3 unknown.\n");
}

/* Options into *o; -1 after usage on stderr, 1 after --help. */
static int check_parse(int argc, char **argv, check_opts *o)
{
	static const struct option longopts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "brief", no_argument, NULL, 'b' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->state_dir = optarg; break;
		case 'j': o->jobs = atoi(optarg) > 0 ? atoi(optarg) : 0; break;
		case 'b': o->brief = 1; break;
		case 'H': o->html = optarg; break;
		case 'h':
			check_usage(stdout);
			return 1;
		default:
			check_usage(stderr);
			return -1;
		}
	}
	return 0;
}

int cmd_check(dp_global *g, int argc, char **argv)
{
	check_opts o;
	check_run c;
	check_probe p;
	char sdbuf[4096];
	int64_t t0 = dp_mono_ms();
	int rc = check_parse(argc, argv, &o);
	const char *html;

	if (rc != 0)
		return rc > 0 ? DP_EXIT_OK : DP_EXIT_UNKNOWN;
	/* --html FILE, else report.html from the config (the timer's runs). */
	html = o.html ? o.html : g->cfg ? g->cfg->report_html : NULL;
	memset(&c, 0, sizeof(c));
	c.brief = o.brief;
	c.verbose = g->verbose;
	if (html)
		c.pictures = json_array();
	check_anchors(g, &c);
	check_probe_run(g, &o, &c, &p);
	c.res = p.res;
	c.n = p.n;
	c.adv = p.adv;
	c.in = p.in;
	c.rsrc = p.rsrc;
	check_verify(g, &c);
	check_postfix(g, &c);
	check_problems_sort(&c);
	c.elapsed_ms = dp_mono_ms() - t0;
	if (g->cfg != NULL && g->cfg->webhook != NULL)
		check_alert(g, state_dir_of(g, o.state_dir, sdbuf, sizeof(sdbuf)), &c);
	if (g->cfg != NULL && g->cfg->prometheus_textfile != NULL)
		check_prom_file(g, &c);
	c.elapsed_ms = dp_mono_ms() - t0;
	if (html)
		check_html(&c, html, o.html ? "--html" : "report.html");
	check_problems_sort(&c);
	check_print(g, &c);
	rc = c.status;
	check_run_clear(&c);
	check_probe_free(&p);
	return rc;
}
