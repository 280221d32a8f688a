/*
 * cmd_probe.c - `daneprobe probe [RESOLVER...] [-j N]`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/battery/battery.h"
#include "probe/net/alert.h"
#include "probe/cli/cli.h"
#include "probe/util/builtin.h"
#include "probe/util/clock.h"
#include "probe/report/report_probe.h"
#include "probe/report/prom.h"
#include "probe/report/envelope.h"
#include "probe/report/report_client.h"


static void probe_usage(FILE *out)
{
	fprintf(out,
		"usage: daneprobe probe [RESOLVER...] [-j N] [--format text|json|prometheus]\n"
		"\n"
		"Probe each resolver (the arguments, else --resolver, the config or\n"
		"/etc/resolv.conf) with the DNSSEC battery, validate the DANE probe names\n"
		"locally through it, and print its class and whether it is DANE-safe.\n"
		"\n"
		"  -j, --jobs N     run at most N tests at once (default: all; 1 = sequential)\n"
		"      --format F   text (default), json or prometheus\n"
		"  -h, --help       this help\n"
		"\n"
		"Exit: 0 all DANE-safe, 1 a secondary is not, 2 the primary is not,\n"
		"3 nothing reachable or bad usage.\n");
}

int dp_probe_resolver_exit(const dp_resolver_result *r, size_t pos)
{
	if (r->dane_safe)
		return DP_EXIT_OK;
	if (r->severity == DP_SEV_CRITICAL || (r->severity == DP_SEV_BY_POSITION && pos == 0))
		return DP_EXIT_CRITICAL;
	return DP_EXIT_WARNING;
}

int dp_probe_exit_code(const dp_resolver_result *r, size_t n)
{
	int reachable = 0, rc = DP_EXIT_OK;

	for (size_t i = 0; i < n; i++) {
		int e = dp_probe_resolver_exit(&r[i], i);

		if (r[i].cls != DP_CLASS_UNREACHABLE && r[i].cls != DP_CLASS_BROKEN)
			reachable = 1;
		if (e > rc)
			rc = e;
	}
	return reachable ? rc : DP_EXIT_UNKNOWN;
}

int dp_probe_for_cli(struct dp_global *g, const char *const *addrs, size_t n, int jobs,
		     dp_resolver_result **out, size_t *nout, char *err, size_t errlen)
{
	const char **eff = NULL;
	dp_probe_target *targets = NULL;
	dp_probe_names names;
	val_anchors *anchors = NULL;
	dp_probe_opts o;
	int rc;

	if (n == 0) {
		n = dp_resolvers_effective(g, &eff);
		addrs = eff;
	}
	if (n == 0) {
		snprintf(err, errlen, "no resolvers: give RESOLVER arguments, --resolver, resolvers: in the config, or /etc/resolv.conf");
		return DP_EINVAL;
	}
	rc = dp_probe_names_load(g->cfg, dp_builtin_probe_names, &names, err, errlen);
	if (rc != DP_OK) {
		free(eff);
		return rc;
	}
	rc = dp_anchors_for_run(g, &anchors, err, errlen);
	if (rc != DP_OK) {
		dp_probe_names_free(&names);
		free(eff);
		return rc;
	}
	targets = calloc(n, sizeof(*targets));
	if (targets == NULL) {
		rc = DP_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		targets[i].address = addrs[i];
		targets[i].priority = (int)i;
		for (size_t k = 0; g->cfg && k < g->cfg->n_resolvers; k++)
			if (strcmp(g->cfg->resolvers[k].address, addrs[i]) == 0) {
				targets[i].name = g->cfg->resolvers[k].name;
				targets[i].priority = g->cfg->resolvers[k].priority;
				targets[i].trusted_path = g->cfg->resolvers[k].trusted_path;
				break;
			}
	}
	memset(&o, 0, sizeof(o));
	o.timeout_ms = g->timeout_ms;   /* main resolved --timeout, the config, the default */
	o.jobs = jobs;
	o.anchors = anchors;
	o.now = dp_now();
	o.client = g->client.model;
	rc = dp_probe_run(targets, n, &names, &o, out);
	if (rc == DP_OK)
		*nout = n;
	else
		snprintf(err, errlen, "probe failed: %s", dp_strerror(rc));
out:
	free(targets);
	val_anchors_free(anchors);
	dp_probe_names_free(&names);
	free(eff);
	return rc;
}

int cmd_probe(dp_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	dp_resolver_result *res = NULL;
	const struct dp_rsrc *src;
	size_t nres = 0;
	char err[1024] = "";
	int jobs = 0, c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1) {
				dp_errorf("probe: -j needs a number of at least 1");
				return DP_EXIT_UNKNOWN;
			}
			break;
		case 'h':
			probe_usage(stdout);
			return DP_EXIT_OK;
		default:
			fprintf(stderr, "see daneprobe probe --help\n");
			return DP_EXIT_UNKNOWN;
		}
	}
	for (int i = optind; i < argc; i++) {
		dp_addr a;

		/* The same parser as --resolver and the config: a name or a
		 * URL is refused here, not probed into a "broken" resolver. */
		if (dp_addr_parse_why(argv[i], &a, err, sizeof err) != DP_OK)
			return dp_usage_error("probe", "%s", err);
	}
	rc = dp_probe_for_cli(g, (const char *const *)argv + optind, (size_t)(argc - optind), jobs,
			      &res, &nres, err, sizeof(err));
	if (rc != DP_OK) {
		dp_errorf("probe: %s", err);
		return DP_EXIT_UNKNOWN;
	}
	rc = dp_probe_exit_code(res, nres);
	/* Resolvers read from the host's files: say from which, and what
	 * they are (argv and --resolver name them directly). */
	src = optind == argc ? g->rsrc : NULL;
	if (g->format == DP_FMT_JSON) {
		json_t *j = dp_probe_json(res, nres);
		report_rsrc_json(j, src);
		dp_json_emit(stdout, j, rc);
		json_decref(j);
	} else if (g->format == DP_FMT_PROMETHEUS) {
		dp_prom *p = NULL;
		size_t len = 0;
		const char *text;

		if (dp_prom_new(&p) != DP_OK) {
			dp_probe_results_free(res, nres);
			return DP_EXIT_UNKNOWN;
		}
		dp_probe_prom(p, res, nres);
		text = dp_prom_text(p, &len);
		if (text != NULL)
			fwrite(text, 1, len, stdout);
		dp_prom_free(p);
	} else {
		report_rsrc_text(stdout, src);
		dp_probe_print_text(stdout, res, nres, g->verbose);
	}
	dp_probe_results_free(res, nres);
	return rc;
}
