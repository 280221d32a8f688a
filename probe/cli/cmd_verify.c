/*
 * cmd_verify.c - `daneprobe verify DOMAIN... [--from-file F] [-j N]`: the
 * DANE path for each domain (SPEC section 7), like the appliance's
 * daneverify, with the outcome under both policies.
 *
 * Many domains run on a pool of worker threads, each with its own
 * validator context (the validator is not thread-safe per context) and
 * its own query counters.  Each domain's report is formatted into memory
 * by its worker and written whole in input order (verify_out.c), so
 * output lines never interleave, and memory stays bounded by a window of
 * VERIFY_WINDOW reports per worker, not by the number of domains, even
 * when one domain is slow.
 *
 * Exit codes (per domain under the chosen --policy, the worst wins):
 * 0 DANE success, 1 fallback to opportunistic TLS, 2 DANE fail,
 * 3 bad usage, or no domain could be looked up at all.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "probe/cli/cli.h"
#include "probe/util/escape.h"
#include "probe/util/lines.h"
#include "probe/util/clock.h"
#include "probe/util/defaults.h"
#include "probe/dane/dane.h"
#include "probe/net/query.h"
#include "probe/report/report_verify.h"
#include "probe/report/envelope.h"
#include "probe/report/report_verify_words.h"
#include "probe/report/textout.h"
#include "probe/cli/verify_out.h"

#define VERIFY_MAX_JOBS 256
/* Worker stacks: the validator and OpenSSL need far less than the 8 MB
 * default, and 64 workers x 8 MB of reserved stack is pointless. */
#define VERIFY_STACK (512 * 1024)
/* MX hosts whose validated A/AAAA/TLSA the workers share for the run
 * (many domains share their MX hosts; SMTP/TLS is never cached). */
#define VERIFY_CACHE_HOSTS 256
/* DNS messages all the workers' validator caches hold together, split
 * between them, but at least VERIFY_MIN_MSGS each: one domain's chain
 * (~10 messages) and the root and TLD keys stay cached in every worker. */
#define VERIFY_CACHE_MSGS 2048
/* and at most this much heap for them together (the validator counts a
 * message's parsed form: 2.5 KB for a positive answer, 6 KB for an
 * NXDOMAIN with its proofs), so that the caches take the same memory
 * whatever the list holds: entries a lookup is using are kept above the
 * cap until it ends, so each worker holds about max(its domain's chain,
 * its share) */
#define VERIFY_CACHE_BYTES (2 * 1024 * 1024)
#define VERIFY_MIN_MSGS 32
/* Reports per worker that may wait behind a slow domain: enough that
 * the workers stay busy through a few slow domains in a row. */
#define VERIFY_WINDOW 4

typedef struct verify_pool {
	const dp_global *g;
	const val_anchors *anchors;
	dp_addr srv;
	dane_cfg cfg;
	dp_format fmt;
	int trace;
	pol_kind policy;
	char **domains;
	size_t n_domains;
	int worst;                /* worst exit code so far */
	size_t n_unknown;
	int summary;              /* --summary / --no-summary, else stdout is a terminal */
	verify_out out;           /* input order, progress bar, counts */
	size_t n_workers;
	dane_cache *cache;        /* shared by the workers */
	dane_warn_cfg warn_given; /* --cert-warn-days, --rrsig-warn-days */
	pthread_mutex_t mu;
} verify_pool;

typedef struct verify_worker {
	verify_pool *pool;
	FILE *cur;                /* where the trace of the current domain goes */
	pthread_t thread;
	int started;
} verify_worker;

static void verify_usage(FILE *f)
{
	fprintf(f,
		"usage: daneprobe verify DOMAIN... [--from-file FILE] [-j N]\n"
		"                        [--policy opportunistic|mandatory]\n"
		"                        [--smtp-timeout MS] [--helo NAME]\n"
		"                        [--resolver ADDR[:PORT]] [--format text|json|dot|svg]\n"
		"                        [--trace]\n"
		"\n"
		"Run the DANE path for each domain, as the appliance's daneverify does:\n"
		"MX (CNAMEs expanded; no MX: the domain itself; null MX: stop), AAAA and A\n"
		"of each MX host (IPv6 first), TLSA at _25._tcp.<host>, then SMTP on port 25,\n"
		"STARTTLS and the certificate check against the TLSA records; next address,\n"
		"next MX.  Every lookup is validated locally from the trust anchors through\n"
		"the first resolver (--resolver, the config, or /etc/resolv.conf).  Prints\n"
		"the daneverify lines, then the outcome under DANE Opportunistic and DANE\n"
		"Mandatory with the reason for each failure.\n"
		"\n"
		"  --from-file FILE  more domains, one per line ('#' comments; '-' = stdin;\n"
		"                    user@example.org and http://example.org/ give example.org)\n"
		"  -j, --jobs N      check N domains at once (default 8, at most 256)\n"
		"  --policy P        which outcome sets the exit code (default opportunistic)\n"
		"  --smtp-timeout MS whole SMTP/TLS session per address (default "
		DP_STR(DP_SMTP_TIMEOUT_MS) ")\n"
		"  --smtp-port PORT  connect to PORT instead of 25 (test setups)\n"
		"  --helo NAME       EHLO name (default " DP_HELO_NAME ")\n"
		"  --format FMT      text (default), json (one JSON line per domain), csv, or\n"
		"                    the DANE path and its chain of trust as a graph: dot, svg\n"
		"  --summary         end with a count by outcome (default on a terminal);\n"
		"                    --no-summary: never\n"
		"  --trace           print each query and validation step\n"
		"  --cert-warn-days D   warn when a presented certificate expires within D\n"
		"                       days (default 21; 0 = never; dane.cert_warn_days)\n"
		"  --rrsig-warn-days D  warn when an RRSIG of the MX, A, AAAA or TLSA records\n"
		"                       expires within D days (default 3; 0 = never;\n"
		"                       dane.rrsig_warn_days)\n"
		"  -h, --help        this help\n"
		"\n"
		"Each connection also shows the chain the server presented and the TLSA\n"
		"record that would match each certificate (3 1 1 for the leaf, 2 1 1 for\n"
		"an issuer), marked published or not.  Warnings do not change the exit\n"
		"status.\n"
		"\n"
		"Exit status: 0 DANE success for all, 1 some fell back to opportunistic TLS,\n"
		"2 some DANE failure, 3 bad usage or nothing could be looked up.\n");
}

static void verify_trace(void *arg, const char *line)
{
	verify_worker *w = arg;

	if (w->cur != NULL)
		dp_fprintf_text(w->cur, ";; %s\n", line);
}

static int verify_exit_for(pol_action a)
{
	return a == POL_DANE_SUCCESS ? DP_EXIT_OK : a == POL_FALLBACK_TLS ? DP_EXIT_WARNING
									 : DP_EXIT_CRITICAL;
}

/* One JSON line per domain, whose "status" is what the domain adds to
 * the exit code; a domain that could not be checked gets a line too. */
static void verify_json_line(FILE *mem, const verify_pool *p, const char *domain, int rc,
			     const dane_result *r)
{
	json_t *o = rc == DP_OK ? report_verify_json(r)
		    : json_pack("{s:s,s:n,s:s}", "domain", domain, "verdict", "reason",
				rc == DP_EINVAL ? "not a domain name" : dp_strerror(rc));

	if (o != NULL)
		dp_json_emit_line(mem, o, dp_status_word(rc == DP_OK ? verify_exit_for(r->verdict[p->policy])
							 : DP_EXIT_CRITICAL));
	json_decref(o);
}

/* The report of one domain, as the run's format writes it, into mem. */
static void verify_format(FILE *mem, const verify_pool *p, const char *domain, int rc,
			  const dane_result *r)
{
	const char *why = rc == DP_EINVAL ? "not a domain name" : dp_strerror(rc);

	if (p->fmt == DP_FMT_JSON)
		verify_json_line(mem, p, domain, rc, r);
	else if (p->fmt == DP_FMT_CSV && rc == DP_OK)
		report_verify_csv(mem, r, p->policy);
	else if (p->fmt == DP_FMT_CSV)
		report_verify_csv_error(mem, domain, why);
	else if (rc == DP_OK) {
		report_verify_text(mem, r);
		if (p->n_domains > 1 && !dp_text_quiet())
			fputc('\n', mem);
	}
}

/* Check domain i; its report waits in p->out for its turn.  Every text
 * writer escapes what came from the network (report/), so the bytes go
 * out as they are. */
static void verify_one(verify_worker *w, val_ctx *vctx, dane_cache *cache, size_t i)
{
	verify_pool *p = w->pool;
	const char *domain = p->domains[i];
	dane_result *r = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int rc;
	rv_outcome oc = RV_ERROR;

	/* JSON and CSV must stay pure: the trace goes to stderr then (one
	 * fprintf per line, so lines of concurrent domains do not tear). */
	w->cur = p->fmt != DP_FMT_TEXT ? stderr : mem;
	/* The validator never reads the clock: a long run tells it the
	 * time, for signature validity and its caches' TTLs. */
	val_ctx_set_now(vctx, dp_now());
	rc = mem != NULL ? dane_verify_cached(vctx, cache, &p->cfg, domain, &r) : DP_ENOMEM;
	if (mem != NULL) {
		verify_format(mem, p, domain, rc, r);
		fclose(mem);
	}
	w->cur = NULL;
	if (rc == DP_OK)
		oc = report_verify_outcome(r, p->policy);

	pthread_mutex_lock(&p->mu);
	if (rc != DP_OK) {
		dp_errorf("verify: %s: %s", domain, rc == DP_EINVAL ? "not a domain name" : dp_strerror(rc));
		if (p->worst < DP_EXIT_CRITICAL)
			p->worst = DP_EXIT_CRITICAL;
		p->n_unknown++;
	} else {
		int e = verify_exit_for(r->verdict[p->policy]);
		if (r->unknown)
			p->n_unknown++;
		if (e > p->worst)
			p->worst = e;
	}
	verify_out_put(&p->out, i, buf, len, oc);
	pthread_mutex_unlock(&p->mu);
	dane_result_free(r);
}

static void *verify_worker_main(void *arg)
{
	verify_worker *w = arg;
	verify_pool *p = w->pool;
	query_fetcher fetcher;
	val_ctx *vctx = NULL;
	size_t msgs = p->n_workers > 0 ? VERIFY_CACHE_MSGS / p->n_workers : VERIFY_CACHE_MSGS;

	memset(&fetcher, 0, sizeof fetcher);
	fetcher.server = &p->srv;
	fetcher.opts.timeout_ms = p->g->timeout_ms;
	if (p->trace) {
		fetcher.trace = verify_trace;
		fetcher.trace_arg = w;
	}
	/* One validator context per worker, reused across its domains so
	 * the root and TLD keys are fetched and verified once. */
	if (val_ctx_new(&vctx, p->anchors, dp_now(), query_fetch, &fetcher) != DP_OK) {
		pthread_mutex_lock(&p->mu);
		dp_errorf("verify: out of memory");
		p->worst = DP_EXIT_UNKNOWN;
		pthread_mutex_unlock(&p->mu);
		return NULL;
	}
	if (msgs < VERIFY_MIN_MSGS)
		msgs = VERIFY_MIN_MSGS;
	val_ctx_set_cache(vctx, msgs, msgs / 2,
			  VERIFY_CACHE_BYTES / (p->n_workers > 0 ? p->n_workers : 1));
	if (p->trace)
		val_ctx_set_trace(vctx, verify_trace, w);
	/* The validator's and the DANE walk's hints: questions whose
	 * answers are needed together are sent together. */
	val_ctx_set_ahead(vctx, query_fetch_ahead);
	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->mu);
		i = verify_out_take(&p->out, &p->mu);
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n_domains)
			break;
		verify_one(w, vctx, p->cache, i);
		/* hints the domain did not use: their sockets go */
		query_fetcher_clear(&fetcher);
	}
	val_ctx_free(vctx);
	return NULL;
}

/* Append the domains of a file (one per line, '#' comments), within the
 * caps of probe/util/lines.c. */
static int verify_read_file(const char *path, char ***list, size_t *n, size_t *cap)
{
	char err[512];

	if (dp_lines_read_path(path, NULL, list, n, cap, err, sizeof err) != DP_OK) {
		dp_errorf("verify: --from-file %s", err);
		return -1;
	}
	return 0;
}

static int verify_parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* The domain list of a run: argv, --from-file, or Postfix's. */
typedef struct verify_list {
	char **domains;
	size_t n, cap;
} verify_list;

static int verify_list_add(verify_list *l, const char *domain)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		char **grown = realloc(l->domains, nc * sizeof *grown);
		if (grown == NULL)
			return -1;
		l->domains = grown;
		l->cap = nc;
	}
	if ((l->domains[l->n] = strdup(domain)) == NULL)
		return -1;
	l->n++;
	return 0;
}

#define VERIFY_GO_ON (-1)   /* verify_option/verify_parse: no exit yet */

/* One option of verify's command line into pool, list, *jobs.  Returns
 * VERIFY_GO_ON, or the exit code to stop with (DP_EXIT_OK after --help,
 * DP_EXIT_UNKNOWN on an error). */
static int verify_option(int c, verify_pool *pool, verify_list *l, int *jobs)
{
	switch (c) {
	case 'h':
		verify_usage(stdout);
		return DP_EXIT_OK;
	case 'F':
		return verify_read_file(optarg, &l->domains, &l->n, &l->cap) < 0 ? DP_EXIT_UNKNOWN : VERIFY_GO_ON;
	case 'j':
		if (verify_parse_int(optarg, 1, VERIFY_MAX_JOBS, jobs) < 0) {
			dp_errorf("verify: -j wants a number from 1 to %d", VERIFY_MAX_JOBS);
			return DP_EXIT_UNKNOWN;
		}
		return VERIFY_GO_ON;
	case 'P':
		if (strcmp(optarg, "opportunistic") == 0)
			pool->policy = POL_OPPORTUNISTIC;
		else if (strcmp(optarg, "mandatory") == 0)
			pool->policy = POL_MANDATORY;
		else {
			dp_errorf("verify: --policy must be opportunistic or mandatory");
			return DP_EXIT_UNKNOWN;
		}
		return VERIFY_GO_ON;
	case 'S':
		if (verify_parse_int(optarg, 100, 600000, &pool->cfg.smtp_timeout_ms) < 0) {
			dp_errorf("verify: --smtp-timeout wants milliseconds (100 to 600000)");
			return DP_EXIT_UNKNOWN;
		}
		return VERIFY_GO_ON;
	case 'p':
		if (verify_parse_int(optarg, 1, 65535, &pool->cfg.port) < 0) {
			dp_errorf("verify: --smtp-port wants a port number");
			return DP_EXIT_UNKNOWN;
		}
		return VERIFY_GO_ON;
	case 'H':
		/* Sent on the wire: a CR/LF would start a second command. */
		if (!dp_helo_valid(optarg)) {
			dp_errorf("verify: --helo '%s' is not a domain name or an address literal (RFC 5321 4.1.1.1)", optarg);
			return DP_EXIT_UNKNOWN;
		}
		pool->cfg.helo_name = optarg;
		return VERIFY_GO_ON;
	case 's':
	case 'n':
		pool->summary = c == 's';
		return VERIFY_GO_ON;
	case 'W':
	case 'R':
		return dp_warn_days_opt("verify", c == 'W' ? "--cert-warn-days" : "--rrsig-warn-days", optarg,
					c == 'W' ? &pool->warn_given.cert_days : &pool->warn_given.rrsig_days) < 0
		       ? DP_EXIT_UNKNOWN : VERIFY_GO_ON;
	default:
		fprintf(stderr, "see daneprobe verify --help\n");
		return DP_EXIT_UNKNOWN;
	}
}

/* Parse the options and collect the domains.  Returns VERIFY_GO_ON to
 * run, DP_EXIT_OK after --help, DP_EXIT_UNKNOWN on bad usage. */
static int verify_parse(dp_global *g, int argc, char **argv, verify_pool *pool,
			verify_list *l, int *jobs)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "from-file", required_argument, NULL, 'F' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "policy", required_argument, NULL, 'P' },
		{ "smtp-timeout", required_argument, NULL, 'S' },
		{ "smtp-port", required_argument, NULL, 'p' },
		{ "helo", required_argument, NULL, 'H' },
		{ "summary", no_argument, NULL, 's' },
		{ "no-summary", no_argument, NULL, 'n' },
		{ "cert-warn-days", required_argument, NULL, 'W' },
		{ "rrsig-warn-days", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1)
		if ((rc = verify_option(c, pool, l, jobs)) != VERIFY_GO_ON)
			return rc;
	for (int i = optind; i < argc; i++) {
		char dom[1024], why[256];

		/* The same cleaning as --from-file: user@example.org checks
		 * example.org. */
		if (dp_domain_clean(argv[i], dom, sizeof dom, why, sizeof why) < 0)
			return dp_usage_error("verify", "'%s': %s", argv[i], why);
		if (verify_list_add(l, dom) < 0)
			return DP_EXIT_UNKNOWN;
	}
	if (l->n == 0 && dp_postfix_add_domains(g, &l->domains, &l->n, &l->cap) < 0)
		return DP_EXIT_UNKNOWN;
	if (l->n == 0)
		return dp_usage_error("verify", "no DOMAIN given (a domain, --from-file FILE, or --postfix)");
	return VERIFY_GO_ON;
}

/* Run the pool's domains on min(jobs, domains) workers; the exit code.
 * One worker runs on this thread (and so does the first when no thread
 * could be started). */
static int verify_run_pool(verify_pool *pool, int jobs)
{
	size_t i, n_workers = (size_t)jobs < pool->n_domains ? (size_t)jobs : pool->n_domains;
	verify_worker *workers = calloc(n_workers, sizeof *workers);
	pthread_attr_t attr;

	if (workers == NULL)
		return DP_EXIT_UNKNOWN;
	pool->n_workers = n_workers;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, VERIFY_STACK);
	for (i = 0; i < n_workers; i++) {
		workers[i].pool = pool;
		if (n_workers == 1)
			break;   /* one worker: run it here, below */
		if (pthread_create(&workers[i].thread, &attr, verify_worker_main, &workers[i]) == 0)
			workers[i].started = 1;
	}
	pthread_attr_destroy(&attr);
	if (n_workers == 1 || (n_workers > 0 && !workers[0].started))
		verify_worker_main(&workers[0]);
	for (i = 0; i < n_workers; i++)
		if (workers[i].started)
			pthread_join(workers[i].thread, NULL);
	free(workers);
	return pool->n_unknown == pool->n_domains ? DP_EXIT_UNKNOWN : pool->worst;
}

int cmd_verify(dp_global *g, int argc, char **argv)
{
	verify_pool pool;
	verify_list list = { NULL, 0, 0 };
	val_anchors *anchors = NULL;
	int jobs = 8, rc;
	char err[512];

	memset(&pool, 0, sizeof pool);
	pool.g = g;
	/* dot and svg take their own path below (dp_verify_graph). */
	pool.fmt = g->format == DP_FMT_JSON || g->format == DP_FMT_CSV ? g->format : DP_FMT_TEXT;
	pool.summary = -1;
	pool.trace = g->trace || g->verbose > 0;
	pool.policy = POL_OPPORTUNISTIC;
	pool.cfg.helo_name = DP_HELO_NAME;
	pool.cfg.smtp_timeout_ms = DP_SMTP_TIMEOUT_MS;
	pool.cfg.port = 25;
	if ((rc = verify_parse(g, argc, argv, &pool, &list, &jobs)) != VERIFY_GO_ON)
		goto out;
	rc = DP_EXIT_UNKNOWN;
	if (dp_resolver_first(g, "verify", &pool.srv) < 0)
		goto out;
	if (dp_anchors_for_run(g, &anchors, err, sizeof err) != DP_OK) {
		dp_errorf("verify: trust anchors: %s", err);
		goto out;
	}
	if (dane_cache_new(&pool.cache, VERIFY_CACHE_HOSTS) != DP_OK)
		goto out;
	pool.cfg.ssl_ctx = tlsa_ctx_new();
	if (pool.cfg.ssl_ctx == NULL) {
		dp_errorf("verify: OpenSSL has no DANE support here");
		goto out;
	}
	/* main() ignores SIGPIPE: a server that hangs up while we write
	 * gives an error, not the end of the program. */
	pool.cfg.resolver = pool.srv.text;
	dp_client_dane_cfg(g, &pool.cfg, &pool.srv);
	dp_warn_cfg(g, &pool.warn_given, &pool.cfg.warn);
	pool.anchors = anchors;
	pool.domains = list.domains;
	pool.n_domains = list.n;
	if (g->format == DP_FMT_DOT || g->format == DP_FMT_SVG) {
		/* Pictures: one domain after the other, in this thread
		 * (Graphviz is not thread-safe). */
		int worst = dp_verify_graph(g, &pool.cfg, &pool.srv, anchors,
					    (const char *const *)list.domains, list.n, pool.policy);
		rc = worst < 0 ? DP_EXIT_UNKNOWN : verify_exit_for((pol_action)worst);
		goto out;
	}
	/* The bar only where a person watches (stderr a terminal), and
	 * only when there is more than one domain to wait for. */
	if (verify_out_init(&pool.out, list.n, VERIFY_WINDOW * (size_t)jobs,
			    list.n > 1 && isatty(STDERR_FILENO)) < 0)
		goto out;
	if (pool.fmt == DP_FMT_CSV)
		report_verify_csv_header(stdout);
	pthread_mutex_init(&pool.mu, NULL);
	rc = verify_run_pool(&pool, jobs);
	pthread_mutex_destroy(&pool.mu);
	if (pool.summary < 0)
		pool.summary = isatty(STDOUT_FILENO) && list.n > 1 && !dp_text_quiet();
	/* The count goes with the text; a CSV or JSON file stays data. */
	verify_out_finish(&pool.out, pool.fmt == DP_FMT_TEXT ? stdout : stderr, pool.summary,
			  policy_kind_str(pool.policy));
	verify_out_free(&pool.out);
out:
	fflush(stdout);
	for (size_t i = 0; i < list.n; i++)
		free(list.domains[i]);
	free(list.domains);
	if (pool.cfg.ssl_ctx != NULL)
		SSL_CTX_free(pool.cfg.ssl_ctx);
	dane_cache_free(pool.cache);
	val_anchors_free(anchors);
	return rc;
}
