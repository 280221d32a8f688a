/*
 * cmd_lookup.c - `daneprobe lookup NAME [TYPE]`: resolve one RRset through
 * one resolver (RD=1 DO=1 CD=1) and validate it locally from the trust
 * anchors, like delv.  --trace prints every query and validation step.
 *
 * Exit codes: 0 secure or insecure, 2 bogus, 3 indeterminate or usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/cli/cli.h"
#include "probe/util/clock.h"
#include "probe/net/query.h"
#include "probe/report/report_lookup.h"
#include "probe/report/envelope.h"
#include "probe/util/escape.h"

static void lookup_usage(FILE *f)
{
	fprintf(f,
		"usage: daneprobe lookup NAME [TYPE] [--resolver ADDR[:PORT]] [--trace]\n"
		"                        [--format text|json|dot|svg]\n"
		"\n"
		"Resolve NAME/TYPE (default A) through the first resolver (--resolver, the\n"
		"config, or /etc/resolv.conf) with DO=1 CD=1 and validate the answer locally\n"
		"from the trust anchors (built-in root anchors, or --anchors FILE).\n"
		"\n"
		"  --resolver ADDR   ask this resolver (IPv4, [IPv6], optional :PORT)\n"
		"  --trace           print each query and validation step first\n"
		"  --format FMT      text (default), json, or the chain of trust as a\n"
		"                    Graphviz graph: dot, or svg (laid out in-process)\n"
		"  -h, --help        this help\n"
		"\n"
		"Exit status: 0 secure or insecure, 2 bogus, 3 indeterminate or bad usage.\n");
}

static void trace_line(void *arg, const char *line)
{
	dp_fprintf_text((FILE *)arg, ";; %s\n", line);
}

/* Parse TYPE: a mnemonic (MX, tlsa) or TYPEnnn. */
static int lookup_type(const char *s, ldns_rr_type *out)
{
	ldns_rr_type t = ldns_get_rr_type_by_name(s);

	if (t == 0 && strncasecmp(s, "TYPE", 4) != 0)
		return -1;
	if (t == 0)
		return -1;
	*out = t;
	return 0;
}

/* The options and NAME [TYPE]: -1 to go on (*name is set, malloced),
 * or the exit code to stop with. */
static int lookup_parse(int argc, char **argv, ldns_rdf **name, ldns_rr_type *type)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			lookup_usage(stdout);
			return DP_EXIT_OK;
		default:
			lookup_usage(stderr);
			return DP_EXIT_UNKNOWN;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		lookup_usage(stderr);
		return DP_EXIT_UNKNOWN;
	}
	if (argc - optind == 2 && lookup_type(argv[optind + 1], type) < 0) {
		dp_errorf("lookup: unknown record type '%s'", argv[optind + 1]);
		return DP_EXIT_UNKNOWN;
	}
	if (ldns_str2rdf_dname(name, argv[optind]) != LDNS_STATUS_OK) {
		dp_errorf("lookup: '%s' is not a domain name", argv[optind]);
		return DP_EXIT_UNKNOWN;
	}
	return -1;
}

/* Print res as text, JSON (with exit code rc in the envelope) or the
 * picture of what vt recorded; 0, or -1 after an error message. */
static int lookup_print(dp_format fmt, const val_result *res, const char *resolver, int rc,
			const val_vtrace *vt)
{
	if (fmt == DP_FMT_JSON) {
		json_t *o = report_lookup_json(res, resolver);
		if (o == NULL || dp_json_emit(stdout, o, rc) != 0) {
			json_decref(o);
			dp_errorf("lookup: out of memory");
			return -1;
		}
		json_decref(o);
	} else if (fmt == DP_FMT_DOT || fmt == DP_FMT_SVG) {
		return dp_lookup_graph(fmt, vt, res, resolver);
	} else {
		report_lookup_text(stdout, res, resolver);
	}
	return 0;
}

int cmd_lookup(dp_global *g, int argc, char **argv)
{
	dp_format fmt = g->format;
	int trace = g->trace || g->verbose > 0, rc;
	ldns_rr_type type = LDNS_RR_TYPE_A;
	ldns_rdf *name = NULL;
	val_anchors *anchors = NULL;
	val_ctx *ctx = NULL;
	val_result *res = NULL;
	val_vtrace *vt = NULL;
	dp_addr srv;
	char err[512];

	if ((rc = lookup_parse(argc, argv, &name, &type)) >= 0)
		return rc;
	rc = DP_EXIT_UNKNOWN;
	if (dp_resolver_first(g, "lookup", &srv) < 0)
		goto out;
	if (dp_anchors_for_run(g, &anchors, err, sizeof err) != DP_OK) {
		dp_errorf("lookup: trust anchors: %s", err);
		goto out;
	}

	/* JSON goes to stdout whole, so the trace goes to stderr then. */
	FILE *tf = fmt != DP_FMT_TEXT ? stderr : stdout;
	query_fetcher fetcher = { .server = &srv,
			       .opts = { .timeout_ms = g->timeout_ms },
			       .trace = trace ? trace_line : NULL, .trace_arg = tf };
	if (val_ctx_new(&ctx, anchors, dp_now(), query_fetch, &fetcher) != DP_OK) {
		dp_errorf("lookup: out of memory");
		goto out;
	}
	if (trace)
		val_ctx_set_trace(ctx, trace_line, tf);
	/* A picture needs the record of what the validator checked. */
	if ((fmt == DP_FMT_DOT || fmt == DP_FMT_SVG) && val_vtrace_new(&vt) == DP_OK)
		val_ctx_set_vtrace(ctx, vt);
	if (val_resolve(ctx, name, type, &res) != DP_OK) {
		dp_errorf("lookup: out of memory");
		goto out;
	}
	/* The validator knows only the error code of a failed query; the
	 * query engine knows what happened. */
	if (res->fetch_error != DP_OK && fetcher.last_error[0] &&
	    strlen(res->reason) + strlen(fetcher.last_error) + 4 < sizeof res->reason) {
		strcat(res->reason, " (");
		strcat(res->reason, fetcher.last_error);
		strcat(res->reason, ")");
	}
	/* Secure and insecure are answers; bogus is what breaks delivery;
	 * indeterminate means the lookup could not be judged. */
	rc = res->status == VAL_SECURE || res->status == VAL_INSECURE ? DP_EXIT_OK
	     : res->status == VAL_BOGUS ? DP_EXIT_CRITICAL : DP_EXIT_UNKNOWN;
	if (lookup_print(fmt, res, srv.text, rc, vt) < 0) {
		rc = DP_EXIT_UNKNOWN;
		goto out;
	}
	if (trace) {
		val_stats st;
		val_ctx_stats(ctx, &st);
		fprintf(tf, ";; %lu queries, %lu cache hits, %lu signature checks\n",
			st.fetches, st.cache_hits, st.sig_verifications);
	}
out:
	fflush(stdout);
	val_result_free(res);
	val_ctx_free(ctx);
	val_vtrace_free(vt);
	val_anchors_free(anchors);
	ldns_rdf_deep_free(name);
	return rc;
}
