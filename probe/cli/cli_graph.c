/*
 * cli_graph.c - writing a picture (issue 15): `--format dot` prints the
 * DOT text as it is, for people who lay out their own; `--format svg`
 * lays it out with Graphviz's library in-process (probe/report/svg.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/cli/cli.h"
#include "probe/report/graph.h"
#include "probe/net/query.h"
#include "probe/util/clock.h"

int dp_graph_emit(const char *cmd, dp_format fmt, const char *dot)
{
	char *svg = NULL, err[320];
	size_t len = 0;
	int rc;

	if (fmt == DP_FMT_DOT) {
		fputs(dot, stdout);
		return fflush(stdout) == 0 ? 0 : -1;
	}
	rc = graph_svg(dot, NULL, &svg, &len, err, sizeof err);
	if (rc != DP_OK) {
		dp_errorf("%s: --format svg: %s", cmd, rc == DP_ENOMEM ? "out of memory" : err);
		return -1;
	}
	rc = fwrite(svg, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : -1;
	free(svg);
	return rc;
}

int dp_lookup_graph(dp_format fmt, const val_vtrace *vt, const val_result *r,
		    const char *resolver)
{
	dp_sbuf b = { 0 };
	char *dot = NULL;
	int rc;

	if (!vt) {
		dp_errorf("lookup: out of memory");
		return -1;
	}
	graph_lookup_dot(&b, vt, r, resolver);
	if (dp_sbuf_finish(&b, &dot, NULL) != DP_OK) {
		dp_errorf("lookup: out of memory");
		return -1;
	}
	rc = dp_graph_emit("lookup", fmt, dot);
	free(dot);
	return rc;
}

/* One domain's DANE path, drawn; its verdict under policy in *action.
 * 0, or -1 after an error message. */
static int verify_graph_one(const dp_global *g, const dane_cfg *cfg, const dp_addr *srv,
			    const val_anchors *anchors, const char *domain, pol_kind policy,
			    pol_action *action)
{
	query_fetcher fetcher = { .server = srv, .opts = { .timeout_ms = g->timeout_ms } };
	val_ctx *vctx = NULL;
	val_vtrace *vt = NULL;
	dane_result *r = NULL;
	dp_sbuf b = { 0 };
	char *dot = NULL;
	int rc = -1, e;

	if (val_ctx_new(&vctx, anchors, dp_now(), query_fetch, &fetcher) != DP_OK ||
	    val_vtrace_new(&vt) != DP_OK) {
		dp_errorf("verify: out of memory");
		goto out;
	}
	val_ctx_set_vtrace(vctx, vt);
	if ((e = dane_verify(vctx, cfg, domain, &r)) != DP_OK) {
		dp_errorf("verify: %s: %s", domain, e == DP_EINVAL ? "not a domain name" : dp_strerror(e));
		goto out;
	}
	graph_dane_dot(&b, r, vt);
	if (dp_sbuf_finish(&b, &dot, NULL) != DP_OK) {
		dp_errorf("verify: out of memory");
		goto out;
	}
	if (dp_graph_emit("verify", g->format, dot) == 0) {
		*action = r->verdict[policy];
		rc = 0;
	}
out:
	free(dot);
	dane_result_free(r);
	val_ctx_free(vctx);
	val_vtrace_free(vt);
	return rc;
}

int dp_verify_graph(const dp_global *g, const dane_cfg *cfg, const dp_addr *srv,
		    const val_anchors *anchors, const char *const *domains, size_t n,
		    pol_kind policy)
{
	int worst = POL_DANE_SUCCESS;

	if (g->format == DP_FMT_SVG && n != 1) {
		dp_errorf("verify: --format svg draws one domain (one SVG document); "
			  "give one, or use --format dot");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		pol_action a;
		if (verify_graph_one(g, cfg, srv, anchors, domains[i], policy, &a) < 0)
			return -1;
		/* DANE fail is worse than a fallback, which is worse than success. */
		if (a == POL_DANE_FAIL || (a == POL_FALLBACK_TLS && worst == POL_DANE_SUCCESS))
			worst = a;
	}
	return worst;
}
