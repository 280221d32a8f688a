/*
 * cmd_anchor.c - `daneprobe anchor status|refresh|bootstrap`: show and
 * maintain the root trust anchors (RFC 5011 state file, RFC 9718
 * bootstrap).  Every time comes from dp_now(), so --now replays a rollover.
 *
 * Failure policy: the state file is only ever replaced by statefile_save
 * (atomic) under its lock; a refresh that cannot reach a resolver, or gets
 * a DNSKEY set no current anchor signed, only moves the retry time; a
 * bootstrap that fails in any way leaves the state file untouched.
 *
 * Exit codes: 0 ok, 1 warning (a key in AddPend or Missing, built-in
 * anchors in use, refresh without an accepted answer), 2 critical (no
 * trusted key, all revoked, bootstrap failed, state not saved), 3 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/cli/cli.h"
#include "probe/util/clock.h"
#include "probe/net/query.h"
#include "probe/anchor/bootstrap.h"
#include "probe/report/report_anchor.h"
#include "validator/statefile.h"

typedef struct anchor_cmd {
	dp_global *g;
	const char *state_path;
	const char *url, *xml, *p7s, *ca;
	dp_format fmt;
	int64_t now;
	rfc5011_tp *tp;           /* loaded state */
	int fell_back;
	char load_msg[768];
	int lock_fd;
} anchor_cmd;

static void anchor_usage(FILE *f)
{
	fprintf(f,
		"usage: daneprobe anchor status|refresh|bootstrap [--state FILE]\n"
		"                        [--url URL | --xml FILE --p7s FILE] [--ca FILE]\n"
		"                        [--format text|json|prometheus]\n"
		"\n"
		"  status      show the RFC 5011 state of the root trust anchors\n"
		"  refresh     query the root DNSKEY set through the resolvers (DO=1 CD=1),\n"
		"              check it against the current anchors, step the RFC 5011\n"
		"              state machine (30-day hold-downs) and save the state; when\n"
		"              no trusted key is left (all revoked) bootstrap again\n"
		"  bootstrap   replace the anchors with those of IANA's root-anchors.xml\n"
		"              (RFC 9718) after its S/MIME signature verifies against the\n"
		"              ICANN root CA; on any failure nothing is changed\n"
		"\n"
		"  --state FILE  state file (default: config anchors.state_file, else\n"
		"                " ANCHOR_STATE_DEFAULT ")\n"
		"  --url URL     https:// (or file://) URL of root-anchors.xml (else the\n"
		"                config's anchors.bootstrap URL); the signature\n"
		"                is the same URL ending in .p7s (default " BOOTSTRAP_DEFAULT_URL ")\n"
		"  --xml FILE    a local root-anchors.xml, with --p7s FILE its signature\n"
		"  --ca FILE     CA certificates to verify the signature with (default the\n"
		"                ICANN root CA compiled into daneprobe)\n"
		"  --format FMT  text (default), json or prometheus\n"
		"  -h, --help    this help\n"
		"\n"
		"All times are taken from --now when it is given.\n"
		"Exit status: 0 ok, 1 warning (key pending or missing, built-in anchors in\n"
		"use, no usable answer), 2 critical (no valid anchor, all revoked, bootstrap\n"
		"failed, state not saved), 3 bad usage.\n");
}

static int exit_for(rfc5011_health h)
{
	return h == RFC5011_HEALTH_OK ? DP_EXIT_OK
	       : h == RFC5011_HEALTH_WARNING ? DP_EXIT_WARNING : DP_EXIT_CRITICAL;
}

static int max_exit(int a, int b)
{
	return a > b ? a : b;
}

/* Print the state with r's action fields.  The exit code (the state's
 * health, warning when the built-in anchors stand in for the state file,
 * and at least floor) is decided before printing, so that every format
 * says the status the command exits with.  Returns it. */
static int anchor_print(anchor_cmd *a, const rfc5011_tp *tp, anchor_report *r, int floor)
{
	char why[256];

	r->tp = tp;
	r->now = a->now;
	r->health = rfc5011_tp_health(tp, why, sizeof(why));
	r->why = why;
	r->state_file = a->state_path;
	r->fell_back = a->fell_back;
	r->source_note = a->load_msg;
	r->exit_code = max_exit(exit_for(r->health), floor);
	if (a->fell_back)
		r->exit_code = max_exit(r->exit_code, DP_EXIT_WARNING);
	if (report_anchor(stdout, a->fmt, r) != 0) {
		dp_errorf("anchor: out of memory");
		return DP_EXIT_UNKNOWN;
	}
	return r->exit_code;
}

static int anchor_load(anchor_cmd *a)
{
	int rc = statefile_load(a->state_path, dp_builtin_root_ds, a->now, &a->tp, &a->fell_back,
				a->load_msg, sizeof(a->load_msg));

	if (rc != DP_OK) {
		dp_errorf("anchor: %s", a->load_msg);
		return DP_EXIT_CRITICAL;
	}
	return DP_EXIT_OK;
}

static int anchor_lock(anchor_cmd *a)
{
	char err[512];
	int rc = statefile_lock(a->state_path, &a->lock_fd, err, sizeof(err));

	if (rc != DP_OK) {
		dp_errorf("anchor: %s", err);
		return rc == DP_ELOCKED ? DP_EXIT_UNKNOWN : DP_EXIT_CRITICAL;
	}
	return DP_EXIT_OK;
}

static int anchor_save(anchor_cmd *a, const rfc5011_tp *tp)
{
	char err[512] = "";

	if (statefile_save(a->state_path, tp, a->now, NULL, err, sizeof(err)) != DP_OK) {
		dp_errorf("anchor: %s", err);
		return DP_EXIT_CRITICAL;
	}
	if (err[0] != '\0')
		dp_errorf("anchor: warning: %s", err);
	return DP_EXIT_OK;
}

static int anchor_status(anchor_cmd *a)
{
	anchor_report r = { .action = "status" };
	int rc = anchor_load(a);

	if (rc != DP_EXIT_OK)
		return rc;
	return anchor_print(a, a->tp, &r, DP_EXIT_OK);
}

/* Ask one resolver for the root DNSKEY set: *keys and *sigs get the
 * answer's DNSKEY records and RRSIGs (malloced).  DP_OK or an error with
 * detail. */
static int ask_dnskey(anchor_cmd *a, const char *resolver, const ldns_rdf *zone,
		      ldns_rr_list **keys, ldns_rr_list **sigs, char *detail, size_t dlen)
{
	dp_addr srv;
	query_opts qo = { .flags = QUERY_RD | QUERY_DO | QUERY_CD, .timeout_ms = a->g->timeout_ms };
	query_response resp;
	int rc;

	memset(&resp, 0, sizeof(resp));
	if (dp_addr_parse_why(resolver, &srv, detail, dlen) != DP_OK)
		return DP_EINVAL;
	rc = query_query(&srv, zone, LDNS_RR_TYPE_DNSKEY, &qo, &resp);
	if (rc != DP_OK) {
		snprintf(detail, dlen, "%s: %s", resolver, resp.detail[0] ? resp.detail : dp_strerror(rc));
		query_response_clear(&resp);
		return rc;
	}
	if (ldns_pkt_get_rcode(resp.pkt) != LDNS_RCODE_NOERROR) {
		char *rc_s = ldns_pkt_rcode2str(ldns_pkt_get_rcode(resp.pkt));
		snprintf(detail, dlen, "%s: rcode %s", resolver, rc_s ? rc_s : "?");
		free(rc_s);
		query_response_clear(&resp);
		return DP_EPROTO;
	}
	*keys = ldns_pkt_rr_list_by_type(resp.pkt, LDNS_RR_TYPE_DNSKEY, LDNS_SECTION_ANSWER);
	*sigs = ldns_pkt_rr_list_by_type(resp.pkt, LDNS_RR_TYPE_RRSIG, LDNS_SECTION_ANSWER);
	query_response_clear(&resp);
	if (*keys == NULL) {
		ldns_rr_list_deep_free(*sigs);
		*sigs = NULL;
		snprintf(detail, dlen, "%s: no DNSKEY records in the answer", resolver);
		return DP_ENOTFOUND;
	}
	return DP_OK;
}

static const char *verdict_name(rfc5011_verdict v)
{
	switch (v) {
	case RFC5011_ACCEPTED: return "accepted";
	case RFC5011_REFUSED: return "refused";
	case RFC5011_NO_ANSWER: return "no-answer";
	case RFC5011_REVOKED_ONLY: return "revoked-only";
	}
	return "?";
}

/* Step with each resolver's answer in priority order; the first one that
 * a current anchor signed wins.  Returns the new state in *out. */
static int refresh_step(anchor_cmd *a, rfc5011_tp **out, rfc5011_result *res,
			const char **used, char *detail, size_t dlen)
{
	const char **list = NULL;
	size_t n = dp_resolvers_effective(a->g, &list);
	rfc5011_tp *best = NULL;
	int rc = DP_OK;

	*used = NULL;
	detail[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		ldns_rr_list *keys = NULL, *sigs = NULL;
		rfc5011_tp *tp = NULL;
		rfc5011_result r;
		char d[256];

		if (ask_dnskey(a, list[i], a->tp->zone, &keys, &sigs, d, sizeof(d)) != DP_OK) {
			snprintf(detail + strlen(detail), dlen - strlen(detail), "%s%s",
				 detail[0] ? "; " : "", d);
			continue;
		}
		rc = rfc5011_step(a->tp, keys, sigs, a->now, NULL, NULL, &tp, &r);
		ldns_rr_list_deep_free(keys);
		ldns_rr_list_deep_free(sigs);
		if (rc != DP_OK)
			break;
		rfc5011_tp_free(best);
		best = tp;
		*res = r;
		*used = list[i];
		if (r.verdict == RFC5011_ACCEPTED || r.verdict == RFC5011_REVOKED_ONLY)
			break;
	}
	if (rc == DP_OK && best == NULL) {
		if (n == 0)
			snprintf(detail, dlen, "no resolver (use --resolver, the config or /etc/resolv.conf)");
		rc = rfc5011_step(a->tp, NULL, NULL, a->now, NULL, NULL, &best, res);
	}
	free(list);
	if (rc != DP_OK) {
		rfc5011_tp_free(best);
		return rc;
	}
	*out = best;
	return DP_OK;
}

/* Fetch/read, verify and parse root-anchors.xml, and build the new state
 * from it (old's revoked keys stay revoked).  Nothing is saved here.
 * DP_OK with *out, or an error with err. */
static int run_bootstrap(anchor_cmd *a, const rfc5011_tp *old, rfc5011_tp **out,
			 char *detail, size_t dlen, char *err, size_t errlen)
{
	bootstrap_opts o;
	ldns_rr_list *ds = NULL;
	rootxml_stats st;
	char note[512];
	const char *cfg_url = a->g->cfg != NULL ? a->g->cfg->anchors_bootstrap : NULL;
	int rc;

	if (cfg_url != NULL && strcmp(cfg_url, "builtin") == 0)
		cfg_url = NULL;
	memset(&o, 0, sizeof(o));
	o.url = a->xml != NULL ? NULL : a->url != NULL ? a->url
		: cfg_url != NULL ? cfg_url : BOOTSTRAP_DEFAULT_URL;
	o.xml_path = a->xml;
	o.p7s_path = a->p7s;
	o.ca_path = a->ca;
	o.ca_pem = dp_builtin_icann_ca;
	o.signer_email = BOOTSTRAP_SIGNER;
	o.now = a->now;
	o.timeout_ms = a->g->timeout_ms > 0 ? a->g->timeout_ms * 10 : 0;
	if ((rc = bootstrap_run(&o, &ds, &st, err, errlen)) != DP_OK)
		return rc;
	rc = bootstrap_state(old, ds, a->now, out, note, sizeof(note));
	ldns_rr_list_deep_free(ds);
	if (rc != DP_OK) {
		snprintf(err, errlen, "no usable anchor in root-anchors.xml (%s)",
			 note[0] ? note : dp_strerror(rc));
		return rc;
	}
	snprintf(detail, dlen, "%u KeyDigest(s) valid now, %u expired, %u not yet valid%s%s",
		 st.used, st.expired, st.not_yet, note[0] ? "; " : "", note);
	return DP_OK;
}

/* RFC 5011 cannot recover when every anchor is revoked: bootstrap again
 * (SPEC section 4), or stay critical; never carry on without an anchor. */
static int refresh_rebootstrap(anchor_cmd *a, const rfc5011_tp *cur, const char *why)
{
	anchor_report r = { .action = "refresh", .result = "rebootstrapped" };
	rfc5011_tp *tp = NULL;
	char err[1024] = "", detail[768], full[1600];
	int rc;

	if (run_bootstrap(a, cur, &tp, detail, sizeof(detail), err, sizeof(err)) != DP_OK) {
		dp_errorf("anchor: %s, and the re-bootstrap failed: %s", why, err);
		r.result = "rebootstrap-failed";
		r.detail = err;
		return anchor_print(a, cur, &r, DP_EXIT_CRITICAL);
	}
	if ((rc = anchor_save(a, tp)) != DP_EXIT_OK) {
		rfc5011_tp_free(tp);
		return rc;
	}
	snprintf(full, sizeof(full), "%s: bootstrapped again: %s", why, detail);
	r.detail = full;
	a->fell_back = 0;
	rc = anchor_print(a, tp, &r, DP_EXIT_WARNING);
	rfc5011_tp_free(tp);
	return rc;
}

static int anchor_refresh(anchor_cmd *a)
{
	anchor_report r = { .action = "refresh" };
	rfc5011_result res;
	rfc5011_tp *tp = NULL;
	const char *used = NULL;
	char detail[1024], full[1600];
	int rc, ec;

	if ((rc = anchor_lock(a)) != DP_EXIT_OK || (rc = anchor_load(a)) != DP_EXIT_OK)
		return rc;
	if (rfc5011_tp_health(a->tp, NULL, 0) == RFC5011_HEALTH_CRITICAL)
		return refresh_rebootstrap(a, a->tp, "no trusted root key left");
	if (refresh_step(a, &tp, &res, &used, detail, sizeof(detail)) != DP_OK) {
		dp_errorf("anchor: refresh: out of memory");
		return DP_EXIT_CRITICAL;
	}
	snprintf(full, sizeof(full), "%s%s%s", res.reason, detail[0] && res.reason[0] ? "; " : "",
		 detail);
	ec = anchor_save(a, tp);
	if (ec == DP_EXIT_OK && rfc5011_tp_health(tp, NULL, 0) == RFC5011_HEALTH_CRITICAL) {
		/* This very answer revoked the last anchor. */
		rc = refresh_rebootstrap(a, tp, "the last trusted root key was revoked");
		rfc5011_tp_free(tp);
		return rc;
	}
	r.result = verdict_name(res.verdict);
	r.detail = full;
	r.resolver = used;
	/* On a failed save the file and a->tp are as before: show those. */
	rc = anchor_print(a, ec == DP_EXIT_OK ? tp : a->tp, &r,
			  max_exit(ec, res.verdict != RFC5011_ACCEPTED ? DP_EXIT_WARNING : DP_EXIT_OK));
	rfc5011_tp_free(tp);
	return rc;
}

static int anchor_bootstrap(anchor_cmd *a)
{
	anchor_report r = { .action = "bootstrap", .result = "bootstrapped" };
	rfc5011_tp *tp = NULL;
	char err[1024] = "", detail[768];
	int rc;

	if ((rc = anchor_lock(a)) != DP_EXIT_OK)
		return rc;
	if ((rc = anchor_load(a)) != DP_EXIT_OK)
		return rc;
	if (run_bootstrap(a, a->tp, &tp, detail, sizeof(detail), err, sizeof(err)) != DP_OK) {
		dp_errorf("anchor: bootstrap failed, anchors unchanged: %s", err);
		return DP_EXIT_CRITICAL;
	}
	if ((rc = anchor_save(a, tp)) != DP_EXIT_OK) {
		rfc5011_tp_free(tp);
		return rc;
	}
	r.detail = detail;
	a->fell_back = 0;
	rc = anchor_print(a, tp, &r, DP_EXIT_OK);
	rfc5011_tp_free(tp);
	return rc;
}

int cmd_anchor(dp_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "state", required_argument, NULL, 's' },
		{ "url", required_argument, NULL, 'u' },
		{ "xml", required_argument, NULL, 'x' },
		{ "p7s", required_argument, NULL, 'p' },
		{ "ca", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	anchor_cmd a;
	const char *action;
	int c, rc;

	memset(&a, 0, sizeof(a));
	a.g = g;
	a.lock_fd = -1;
	a.fmt = g->format;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': anchor_usage(stdout); return DP_EXIT_OK;
		case 's': a.state_path = optarg; break;
		case 'u': a.url = optarg; break;
		case 'x': a.xml = optarg; break;
		case 'p': a.p7s = optarg; break;
		case 'c': a.ca = optarg; break;
		default: anchor_usage(stderr); return DP_EXIT_UNKNOWN;
		}
	}
	if (optind + 1 != argc) {
		anchor_usage(stderr);
		return DP_EXIT_UNKNOWN;
	}
	action = argv[optind];
	if ((a.xml == NULL) != (a.p7s == NULL) || (a.xml != NULL && a.url != NULL)) {
		dp_errorf("anchor: give either --url or both --xml and --p7s");
		return DP_EXIT_UNKNOWN;
	}
	if (strcmp(action, "status") == 0 && (a.xml || a.url || a.ca)) {
		dp_errorf("anchor: --url, --xml, --p7s and --ca are for 'bootstrap' and 'refresh' only");
		return DP_EXIT_UNKNOWN;
	}
	a.state_path = dp_anchor_state_path(g, a.state_path);
	a.now = dp_now();
	if (strcmp(action, "status") == 0)
		rc = anchor_status(&a);
	else if (strcmp(action, "refresh") == 0)
		rc = anchor_refresh(&a);
	else if (strcmp(action, "bootstrap") == 0)
		rc = anchor_bootstrap(&a);
	else {
		dp_errorf("anchor: unknown action '%s' (status, refresh or bootstrap)", action);
		anchor_usage(stderr);
		rc = DP_EXIT_UNKNOWN;
	}
	rfc5011_tp_free(a.tp);
	statefile_unlock(a.lock_fd);
	return rc;
}
