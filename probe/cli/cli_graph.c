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

int dp_graph_emit(const char *cmd, dp_format fmt, const char *dot)
{
	char *svg = NULL, err[320];
	size_t len = 0;
	int rc;

	if (fmt == DP_FMT_DOT) {
		fputs(dot, stdout);
		return fflush(stdout) == 0 ? 0 : -1;
	}
	rc = graph_svg(dot, &svg, &len, err, sizeof err);
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
