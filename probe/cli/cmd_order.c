/*
 * cmd_order.c - `daneprobe order [--write|--dry-run] [--resolv-conf FILE]`.
 *
 * Probes the configured resolvers, ranks them (advise.c) and, on
 * request, rewrites only the priority numbers of the configuration (or
 * the order of the nameserver lines of resolv.conf).  The rewritten text
 * is parsed again before it is written: if the new priorities do not
 * come out as intended, nothing is written.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/battery/advise.h"
#include "probe/battery/battery.h"
#include "probe/util/resolvload.h"
#include "probe/util/resolvsrc.h"
#include "probe/cli/cli.h"
#include "probe/report/report_probe.h"
#include "probe/report/envelope.h"
#include "probe/report/report_client.h"
#include "probe/util/rewrite.h"
#include "probe/util/fileio.h"

static void order_usage(FILE *out)
{
	fprintf(out,
		"usage: daneprobe order [--write | --dry-run] [--resolv-conf FILE] [-j N]\n"
		"\n"
		"Probe the resolvers and recommend priorities: DANE-safe first, then by\n"
		"class (validating, aware, partial, non-dnssec, broken, unreachable), then\n"
		"by failed tests and round-trip time; equal resolvers keep their order.\n"
		"\n"
		"      --write            rewrite the priority numbers in the config (or the\n"
		"                         nameserver order in resolv.conf, the DNS= order in\n"
		"                         systemd-resolved's resolved.conf); keeps FILE.bak.\n"
		"                         Refused, naming the file to change instead, for a\n"
		"                         resolv.conf that another program writes, and for\n"
		"                         unbound and dnsmasq (they do not ask in file order)\n"
		"      --dry-run          print the change as a unified diff, write nothing\n"
		"      --resolv-conf FILE take the resolvers from FILE (a resolv.conf); see also\n"
		"                         the global --resolvers-from resolved|unbound|dnsmasq[:FILE]\n"
		"  -j, --jobs N           at most N probe tests at once\n"
		"      --format F         text (default) or json\n"
		"  -h, --help             this help\n"
		"\n"
		"Exit: 0 order is right, 1 a change is recommended (or no DANE-safe\n"
		"secondary), 2 no resolver is DANE-safe, 3 error.\n");
}

enum source { SRC_CLI, SRC_CONFIG, SRC_RESOLV };

typedef struct order_run {
	dp_global *g;
	enum source src;
	const dp_rsrc *rsrc;       /* SRC_RESOLV: where the resolvers came from */
	dp_rsrc *own_rsrc;         /* --resolv-conf FILE's, freed at the end */
	char **resolv_addrs;       /* SRC_RESOLV: the ones whose order counts */
	size_t n_resolv;
	dp_resolver_result *res;
	size_t n;
	dp_rank_in *in;
	dp_advice *adv;
} order_run;

static const dp_resolver_cfg *cfg_resolver(const dp_config *cfg, const char *addr)
{
	for (size_t k = 0; cfg && k < cfg->n_resolvers; k++)
		if (strcmp(cfg->resolvers[k].address, addr) == 0)
			return &cfg->resolvers[k];
	return NULL;
}

/* The new file text: only the priority scalars change. */
static int config_new_text(const order_run *o, char **out, size_t *outlen, char *err, size_t errlen)
{
	const dp_config *cfg = o->g->cfg;
	dp_prio_edit *ed = calloc(o->n, sizeof(*ed));
	dp_config *check = NULL;
	int rc;

	if (ed == NULL)
		return DP_ENOMEM;
	for (size_t i = 0; i < o->n; i++) {
		const dp_rank_out *r = &o->adv->recommended[i];
		const dp_resolver_cfg *rc_ = cfg_resolver(cfg, o->in[r->index].address);
		if (rc_ == NULL || rc_->priority_node == NULL) {
			snprintf(err, errlen, "%s: resolver %s has no 'priority:' to rewrite; add one",
				 cfg->path, o->in[r->index].address);
			free(ed);
			return DP_ECONFIG;
		}
		ed[i].start = rc_->priority_node->start;
		ed[i].end = rc_->priority_node->end;
		ed[i].value = r->priority;
	}
	rc = dp_rewrite_priorities(cfg->text, cfg->text_len, ed, o->n, out, outlen);
	free(ed);
	if (rc != DP_OK) {
		snprintf(err, errlen, "%s: cannot rewrite the priority values (%s)", cfg->path, dp_strerror(rc));
		return rc;
	}
	/* Parse what we are about to write: the same resolvers, with the
	 * recommended priorities, or nothing is written. */
	rc = dp_config_parse(cfg->path, *out, *outlen, &check, err, errlen);
	if (rc == DP_OK) {
		for (size_t i = 0; i < o->n && rc == DP_OK; i++) {
			const dp_rank_out *r = &o->adv->recommended[i];
			const dp_resolver_cfg *c = cfg_resolver(check, o->in[r->index].address);
			if (c == NULL || c->priority != r->priority) {
				snprintf(err, errlen, "%s: the rewritten file does not give %s priority %d; nothing written",
					 cfg->path, o->in[r->index].address, r->priority);
				rc = DP_ECONFIG;
			}
		}
		dp_config_free(check);
	}
	if (rc != DP_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* The new resolv.conf (nameserver lines) or resolved.conf (DNS= words)
 * in the recommended order; every other byte kept. */
static int resolv_new_text(const order_run *o, char **out, size_t *outlen, char *err, size_t errlen)
{
	const dp_rsrc *r = o->rsrc;
	const char **order = calloc(o->n, sizeof(*order));
	int rc = DP_ENOMEM;

	if (order != NULL) {
		for (size_t i = 0; i < o->n; i++)
			order[i] = o->in[o->adv->recommended[i].index].address;
		if (r->write_kind == DP_RSRC_RESOLVED)
			rc = dp_rewrite_resolved_dns(r->write_text, r->write_len, order, o->n, out, outlen);
		else
			rc = dp_rewrite_resolv_conf(r->write_text, r->write_len, order, o->n, out, outlen);
		free(order);
	}
	if (rc != DP_OK)
		snprintf(err, errlen, "%s: cannot reorder the %s (%s)", r->write_path,
			 r->write_kind == DP_RSRC_RESOLVED ? "DNS= servers" : "nameserver lines", dp_strerror(rc));
	return rc;
}

static int apply(order_run *o, int write, int dry)
{
	const char *path, *old;
	size_t oldlen, newlen = 0;
	char *new_text = NULL, err[1024] = "";
	int rc;

	if (o->src == SRC_CLI) {
		dp_errorf("order: the resolvers came from --resolver: there is no file to %s",
			  write ? "write" : "diff");
		return DP_EXIT_UNKNOWN;
	}
	if (o->src == SRC_CONFIG) {
		path = o->g->cfg->path;
		old = o->g->cfg->text;
		oldlen = o->g->cfg->text_len;
		rc = config_new_text(o, &new_text, &newlen, err, sizeof(err));
	} else if (o->rsrc->write_path == NULL) {
		/* Another program writes it, or the order written is not the
		 * order used: say which file to change and how. */
		dp_errorf("order: refusing to %s: %s", write ? "write" : "diff", o->rsrc->refuse);
		return DP_EXIT_UNKNOWN;
	} else {
		rc = resolv_new_text(o, &new_text, &newlen, err, sizeof(err));
		path = o->rsrc->write_path;
		old = o->rsrc->write_text;
		oldlen = o->rsrc->write_len;
	}
	if (rc != DP_OK) {
		dp_errorf("order: %s", err);
		return DP_EXIT_UNKNOWN;
	}
	if (dry) {
		char *diff = NULL;
		if (dp_unified_diff(path, old, oldlen, path, new_text, newlen, &diff) == DP_OK) {
			fputs(diff, stdout);
			free(diff);
		}
	}
	if (write && (newlen != oldlen || memcmp(old, new_text, oldlen) != 0)) {
		char real[PATH_MAX] = "";

		/* Only over the text the priorities were computed from: an
		 * edit made while the probes ran is kept (issue 17). */
		rc = dp_atomic_rewrite(path, old, oldlen, new_text, newlen, 1, real, err, sizeof(err));
		if (rc != DP_OK) {
			dp_errorf("order: %s%s", err, rc == DP_ECHANGED ? "" : " (the old file is unchanged)");
			free(new_text);
			return DP_EXIT_UNKNOWN;
		}
		dp_errorf("wrote %s (old version in %s.bak)", path, real[0] ? real : path);
	} else if (write) {
		dp_atomic_tidy(path);
	}
	free(new_text);
	return DP_EXIT_OK;
}

/* Where the resolvers come from: --resolv-conf FILE, --resolver, the
 * host's resolver source (--resolvers-from, or resolv.conf without a
 * config), the config.  From a source only the servers whose position
 * is a priority are ranked (behind systemd-resolved's stub: its DNS=). */
static int load_source(order_run *o, const char *resolv_conf)
{
	char err[1024] = "";

	if (resolv_conf != NULL) {
		if (dp_rsrc_load(DP_RSRC_RESOLV, resolv_conf, &o->own_rsrc, err, sizeof(err)) != DP_OK) {
			dp_errorf("order: %s", err);
			return -1;
		}
		o->rsrc = o->own_rsrc;
	} else if (o->g->n_resolvers > 0) {
		o->src = SRC_CLI;
		return 0;
	} else if (o->g->rsrc != NULL) {
		o->rsrc = o->g->rsrc;
	} else if (o->g->cfg != NULL && o->g->cfg->n_resolvers > 0) {
		o->src = SRC_CONFIG;
		return 0;
	} else {
		dp_errorf("order: no resolvers: give --resolver, --resolvers-from, resolvers: in the config, "
			  "or /etc/resolv.conf");
		return -1;
	}
	o->src = SRC_RESOLV;
	if (o->g->format != DP_FMT_JSON)
		report_rsrc_text(stdout, o->rsrc);
	o->resolv_addrs = calloc(o->rsrc->n + 1, sizeof(*o->resolv_addrs));
	if (o->resolv_addrs == NULL)
		return -1;
	for (size_t i = 0; i < o->rsrc->n; i++)
		if (o->rsrc->servers[i].orderable &&
		    (o->resolv_addrs[o->n_resolv] = strdup(o->rsrc->servers[i].address)) != NULL)
			o->n_resolv++;
	if (o->n_resolv == 0) {
		dp_errorf("order: %s gives no resolver whose order counts%s%s", o->rsrc->path,
			  o->rsrc->refuse[0] ? ": " : "", o->rsrc->refuse);
		return -1;
	}
	return 0;
}

/* The command line of order: -1 to go on, or the exit code to stop
 * with. */
static int order_parse(int argc, char **argv, const char **resolv_conf, int *write, int *dry,
		       int *jobs)
{
	static const struct option longopts[] = {
		{ "write", no_argument, NULL, 'w' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "resolv-conf", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'w': *write = 1; break;
		case 'n': *dry = 1; break;
		case 'r': *resolv_conf = optarg; break;
		case 'j':
			*jobs = atoi(optarg);
			if (*jobs < 1) {
				dp_errorf("order: -j needs a number of at least 1");
				return DP_EXIT_UNKNOWN;
			}
			break;
		case 'h':
			order_usage(stdout);
			return DP_EXIT_OK;
		default:
			order_usage(stderr);
			return DP_EXIT_UNKNOWN;
		}
	}
	if (optind < argc) {
		dp_errorf("order: unexpected argument '%s' (resolvers come from --resolver, the config or resolv.conf)", argv[optind]);
		return DP_EXIT_UNKNOWN;
	}
	if (*write && *dry) {
		dp_errorf("order: --write and --dry-run exclude each other");
		return DP_EXIT_UNKNOWN;
	}
	return -1;
}

/* Print the advice (and apply it with --write or --dry-run): the exit
 * code. */
static int order_report(order_run *o, int write, int dry)
{
	int rc;

	/* The exit code is known before anything is printed, so the JSON
	 * "status" and "exit_code" are the ones the process ends with. */
	if (!o->in[o->adv->recommended[0].index].dane_safe)
		rc = DP_EXIT_CRITICAL;
	else if ((o->adv->changed && !write) || o->adv->n_warnings > 0)
		rc = DP_EXIT_WARNING;
	else
		rc = DP_EXIT_OK;
	if (o->g->format == DP_FMT_JSON) {
		json_t *j;

		if ((write || dry) && o->adv->changed) {
			int arc = apply(o, write, dry);
			rc = arc != DP_EXIT_OK ? arc : rc;
		}
		j = dp_order_json(o->adv, o->in);
		report_rsrc_json(j, o->src == SRC_RESOLV ? o->rsrc : NULL);
		dp_json_emit(stdout, j, rc);
		json_decref(j);
		return rc;
	}
	dp_order_print_text(stdout, o->adv, o->in);
	if ((write || dry) && o->adv->changed) {
		int arc = apply(o, write, dry);
		rc = arc != DP_EXIT_OK ? arc : rc;
	}
	return rc;
}

int cmd_order(dp_global *g, int argc, char **argv)
{
	order_run o;
	const char *resolv_conf = NULL;
	char err[1024] = "";
	int write = 0, dry = 0, jobs = 0, rc;
	size_t n_in = 0;

	memset(&o, 0, sizeof(o));
	o.g = g;
	if ((rc = order_parse(argc, argv, &resolv_conf, &write, &dry, &jobs)) >= 0)
		return rc;
	rc = DP_EXIT_UNKNOWN;
	if (load_source(&o, resolv_conf) < 0)
		goto out;
	if (dp_probe_for_cli(g, o.src == SRC_RESOLV ? (const char *const *)o.resolv_addrs : NULL,
			     o.src == SRC_RESOLV ? o.n_resolv : 0, jobs, &o.res, &o.n, err, sizeof(err)) != DP_OK) {
		dp_errorf("order: %s", err);
		goto out;
	}
	/* o.res are the orderable servers already: the filter keeps them all. */
	if (dp_rank_inputs(o.res, o.n, o.rsrc, o.src == SRC_CONFIG, &o.in, &n_in) < 0 || n_in != o.n
	    || dp_advise(o.in, o.n, &o.adv) != DP_OK) {
		dp_errorf("order: out of memory");
		goto out;
	}
	rc = order_report(&o, write, dry);
out:
	dp_advice_free(o.adv);
	free(o.in);
	dp_probe_results_free(o.res, o.n);
	dp_strings_free(o.resolv_addrs, o.n_resolv);
	dp_rsrc_free(o.own_rsrc);
	return rc;
}
