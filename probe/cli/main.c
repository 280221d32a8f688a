/*
 * main.c - the daneprobe command line.
 *
 *   daneprobe [GLOBAL OPTIONS] COMMAND [ARGS] [OPTIONS]
 *
 * Global options may stand anywhere on the line (operators type
 * `daneprobe lookup ietf.org MX --resolver 192.0.2.53`), so they are taken
 * out of argv first; what remains goes to the subcommand's own getopt_long.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe/cli/cli.h"
#include "probe/util/builtin.h"
#include "probe/util/clock.h"
#include "probe/report/envelope.h"
#include "probe/report/textout.h"
#include "probe/util/postfixconf.h"
#include "probe/util/resolvload.h"
#include <sys/stat.h>
#include "probe/util/defaults.h"

#ifndef DP_VERSION
#define DP_VERSION "0.1.0"
#endif

typedef struct dp_command {
	const char *name;
	int (*run)(dp_global *g, int argc, char **argv);
	const char *summary;
	unsigned formats;      /* what --format may ask of it (DP_FMTS_*) */
} dp_command;

static const dp_command commands[] = {
	{ "probe", cmd_probe, "probe resolvers: capability matrix, class, DANE safety", DP_FMTS_ALL },
	{ "order", cmd_order, "recommend resolver priorities; --write rewrites the config", DP_FMTS_TEXT_JSON },
	{ "verify", cmd_verify, "run the DANE path (MX, A/AAAA, TLSA, STARTTLS, certificate)", DP_FMTS_BULK | DP_FMTS_GRAPH },
	{ "lookup", cmd_lookup, "resolve one RRset through one resolver and validate it locally", DP_FMTS_TEXT_JSON | DP_FMTS_GRAPH },
	{ "anchor", cmd_anchor, "show and maintain the root trust anchors (RFC 5011, RFC 9718)", DP_FMTS_ALL },
	{ "tlsa-check", cmd_tlsa_check, "offline: would this certificate chain match the TLSA records", DP_FMTS_TEXT_JSON },
	{ "check", cmd_check, "pre-flight/monitoring: anchors + probe + order + verify, Nagios exit codes", DP_FMTS_ALL },
	{ "check-config", cmd_check_config, "load the configuration and report FILE: ok or FILE:LINE:COL: error", 1u << DP_FMT_TEXT },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: daneprobe [GLOBAL OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"A validating DNS resolver health probe and resolver-ordering advisor for\n"
		"mail gateways that deliver with DANE.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Global options (anywhere on the line):\n"
		"  -c, --config FILE      configuration (default " DP_DEFAULT_CONFIG ", optional)\n"
		"      --resolver ADDR[:PORT]  resolver to use (repeatable; [v6]:port for IPv6)\n"
		"      --resolvers-from SRC  read the resolvers from resolv.conf, resolved\n"
		"                         (systemd-resolved), unbound (forward-zone \".\") or\n"
		"                         dnsmasq (server=), each optionally :FILE\n"
		"      --format FMT       text (default), json, prometheus, dot, svg (lookup,\n"
		"                         verify) or csv (verify)\n"
		"      --timeout MS       per-query timeout in milliseconds (default "
		DP_STR(DP_DNS_TIMEOUT_MS) ")\n"
		"      --now TIME         evaluate at TIME (2026-11-23T10:00:00Z, 2026-11-23, @EPOCH)\n"
		"      --anchors FILE     trust anchors (DS/DNSKEY, zone-file format) instead of the\n"
		"                         built-in root anchors\n"
		"      --client MODEL     who judges the resolvers: local (validates itself, default),\n"
		"                         ad (trusts the AD bit), or esa, postfix, exim\n"
		"      --postfix [DIR]    read the client model, DANE destinations and policies from\n"
		"                         a Postfix configuration (postconf -c DIR; default /etc/postfix)\n"
		"      --color WHEN       colour text: auto (default: on a terminal, unless NO_COLOR\n"
		"                         is set), always or never\n"
		"  -q, --quiet            text: the status line only\n"
		"  -v, --verbose          more detail (repeatable)\n"
		"      --trace            print every query and validation step\n"
		"  -h, --help             this help; `daneprobe COMMAND --help` for a command\n"
		"  -V, --version          print the version\n"
		"\n"
		"Exit codes: 0 ok, 1 warning, 2 critical, 3 unknown (usage, config, nothing reachable).\n");
}

enum { GOPT_CONFIG, GOPT_RESOLVER, GOPT_FORMAT, GOPT_TIMEOUT, GOPT_NOW, GOPT_ANCHORS,
       GOPT_VERBOSE, GOPT_TRACE, GOPT_HELP, GOPT_VERSION, GOPT_CLIENT, GOPT_POSTFIX,
       GOPT_RESOLVERS_FROM, GOPT_COLOR, GOPT_QUIET };

typedef struct gopt {
	const char *lng;   /* long name without dashes */
	char shrt;         /* short letter or 0 */
	int has_arg;
	int id;
} gopt;

static const gopt gopts[] = {
	{ "config", 'c', 1, GOPT_CONFIG }, { "resolver", 0, 1, GOPT_RESOLVER },
	{ "format", 0, 1, GOPT_FORMAT }, { "timeout", 0, 1, GOPT_TIMEOUT },
	{ "now", 0, 1, GOPT_NOW }, { "anchors", 0, 1, GOPT_ANCHORS },
	{ "verbose", 'v', 0, GOPT_VERBOSE }, { "trace", 0, 0, GOPT_TRACE },
	{ "help", 'h', 0, GOPT_HELP }, { "version", 'V', 0, GOPT_VERSION },
	{ "client", 0, 1, GOPT_CLIENT }, { "postfix", 0, 2, GOPT_POSTFIX },
	{ "resolvers-from", 0, 1, GOPT_RESOLVERS_FROM },
	{ "color", 0, 1, GOPT_COLOR }, { "colour", 0, 1, GOPT_COLOR },
	{ "quiet", 'q', 0, GOPT_QUIET },
};

/* Match argv word against the global options.  Returns the option or
 * NULL; *inline_val gets the text after '=' for --opt=value. */
static const gopt *gopt_match(const char *w, const char **inline_val)
{
	*inline_val = NULL;
	if (w[0] != '-' || w[1] == '\0')
		return NULL;
	for (size_t i = 0; i < sizeof(gopts) / sizeof(gopts[0]); i++) {
		const gopt *o = &gopts[i];
		if (w[1] == '-') {
			size_t n = strlen(o->lng);
			if (strncmp(w + 2, o->lng, n) == 0 && (w[2 + n] == '\0' || (w[2 + n] == '=' && o->has_arg))) {
				if (w[2 + n] == '=')
					*inline_val = w + 3 + n;
				return o;
			}
		} else if (o->shrt && w[1] == o->shrt) {
			if (w[2] != '\0') {
				if (!o->has_arg)
					return NULL;     /* -vv is handled by the caller */
				*inline_val = w + 2;
			}
			return o;
		}
	}
	return NULL;
}

/* --resolver ADDR: refused here, for every command alike, when it is a
 * name or a URL, which is not a resolver daneprobe can ask (issue 13). */
static int add_resolver(dp_global *g, const char *val)
{
	const char **r;
	char why[512];
	dp_addr a;

	if (dp_addr_parse_why(val, &a, why, sizeof why) != DP_OK) {
		dp_errorf("--resolver: %s", why);
		return -1;
	}
	r = realloc(g->resolvers, (g->n_resolvers + 1) * sizeof(*r));
	if (r == NULL)
		return -1;
	g->resolvers = r;
	g->resolvers[g->n_resolvers++] = val;
	return 0;
}

static int apply_gopt(dp_global *g, const gopt *o, const char *val, int *help, int *version)
{
	char *end;
	long v;
	int64_t t;

	switch (o->id) {
	case GOPT_CONFIG:
		g->config_path = val;
		g->config_explicit = 1;
		break;
	case GOPT_RESOLVER:
		return add_resolver(g, val);
	case GOPT_FORMAT:
		if (dp_parse_format(val, &g->format) < 0)
			return -1;
		break;
	case GOPT_TIMEOUT:
		v = strtol(val, &end, 10);
		if (end == val || *end != '\0' || v < 10 || v > 600000) {
			dp_errorf("--timeout takes milliseconds from 10 to 600000, not '%s'", val);
			return -1;
		}
		g->timeout_ms = (int)v;
		break;
	case GOPT_NOW:
		if (dp_time_parse(val, &t) != 0) {
			dp_errorf("--now: cannot read '%s' as a time (use 2026-11-23T10:00:00Z, 2026-11-23, 20261123100000 or @EPOCH)", val);
			return -1;
		}
		dp_clock_set(t);
		break;
	case GOPT_ANCHORS:
		g->anchors_path = val;
		break;
	case GOPT_CLIENT:
		if (dp_client_parse(val, &g->client) < 0) {
			dp_errorf("--client must be local, ad, esa, postfix or exim, not '%s'", val);
			return -1;
		}
		g->client_given = 1;
		break;
	case GOPT_POSTFIX:
		g->postfix_dir = val ? val : "/etc/postfix";
		break;
	case GOPT_RESOLVERS_FROM:
		g->resolvers_from = val;
		break;
	case GOPT_COLOR:
		if (dp_color_mode_parse(val, &g->color) < 0) {
			dp_errorf("--color must be auto, always or never, not '%s'", val);
			return -1;
		}
		break;
	case GOPT_QUIET:
		g->quiet = 1;
		break;
	case GOPT_VERBOSE:
		g->verbose++;
		break;
	case GOPT_TRACE:
		g->trace = 1;
		break;
	case GOPT_HELP:
		*help = 1;
		break;
	case GOPT_VERSION:
		*version = 1;
		break;
	}
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Take the global options out of argv (before a "--"); the command and
 * its own arguments stay, in order, in *rest. */
static int split_args(dp_global *g, int argc, char **argv, char **rest, int *nrest,
		      int *help, int *version)
{
	int dashdash = 0;

	*nrest = 0;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i], *val;
		const gopt *o;

		if (dashdash) {
			rest[(*nrest)++] = argv[i];
			continue;
		}
		if (strcmp(w, "--") == 0) {
			dashdash = 1;
			rest[(*nrest)++] = argv[i];
			continue;
		}
		if (w[0] == '-' && w[1] == 'v' && strspn(w + 1, "v") == strlen(w + 1)) {
			g->verbose += (int)strlen(w + 1);   /* -v, -vv, -vvv */
			continue;
		}
		o = gopt_match(w, &val);
		if (o == NULL) {
			rest[(*nrest)++] = argv[i];
			continue;
		}
		if (o->id == GOPT_HELP && *nrest > 0) {
			/* `daneprobe CMD --help` is the command's own help */
			rest[(*nrest)++] = argv[i];
			continue;
		}
		/* --postfix takes its DIR only when the next word is a
		 * directory: "check --postfix" alone means /etc/postfix. */
		if (o->has_arg == 2 && val == NULL && i + 1 < argc && is_dir(argv[i + 1]))
			val = argv[++i];
		else if (o->has_arg == 1 && val == NULL) {
			if (i + 1 >= argc) {
				dp_errorf("option %s needs a value", w);
				return -1;
			}
			val = argv[++i];
		}
		if (apply_gopt(g, o, val, help, version) < 0)
			return -1;
	}
	rest[*nrest] = NULL;
	return 0;
}

/* --postfix: the client model when the command line and the config do
 * not name one (Postfix trusts the AD bit, and only looks at it with
 * smtp_dns_support_level = dnssec), destinations and findings. */
static int load_postfix(dp_global *g)
{
	char err[1024];

	if (g->postfix_dir == NULL)
		return 0;
	if (dp_postfix_load(g->postfix_dir, &g->postfix, err, sizeof(err)) != DP_OK) {
		dp_errorf("--postfix: %s", err);
		return -1;
	}
	if (!g->client_given && g->postfix->dnssec)
		dp_client_parse("postfix", &g->client);
	return 0;
}

static int load_config(dp_global *g)
{
	char err[1024];
	int rc;

	if (g->config_path == NULL)
		g->config_path = DP_DEFAULT_CONFIG;
	rc = dp_config_load(g->config_path, &g->cfg, err, sizeof(err));
	if (rc == DP_ENOTFOUND && !g->config_explicit)
		return 0;      /* the default file is optional */
	if (rc != DP_OK) {
		dp_errorf("%s", err);
		return -1;
	}
	return 0;
}

/* Bulk verify and glibc's per-thread caches (issue 16).  Each thread of
 * glibc's malloc keeps up to seven freed blocks of each size up to 1 KB
 * (its tcache).  With 64 workers, peak RSS went on rising with the list
 * (99,000 names: 22.4 MB after 2,000, 26.1 MB at the end) while the live
 * heap stayed at 8 MB (heaptrack); without the tcache it stays flat
 * (20.4 and 21.1 MB) for the same CPU time.  glibc takes that setting
 * only from GLIBC_TUNABLES when a process starts, so a verify that may
 * check more than one domain starts itself once more with it, before it
 * has read or printed anything.  A GLIBC_TUNABLES that sets tcache_count
 * already is left alone, and so are runs under valgrind (LD_PRELOAD). */
#define TCACHE_OFF "glibc.malloc.tcache_count=0"
#define TUNED_ENV "DANEPROBE_MALLOC_TUNED"

static int verify_may_run_many(const dp_global *g, int nrest, char **rest)
{
	int words = 0;

	if (nrest < 1 || strcmp(rest[0], "verify") != 0)
		return 0;
	if (g->postfix_dir != NULL)
		return 1;
	for (int i = 1; i < nrest; i++) {
		if (strncmp(rest[i], "--fr", 4) == 0)   /* --from-file, as getopt abbreviates */
			return 1;
		if (rest[i][0] != '-')
			words++;
	}
	return words > 1;
}

static void malloc_tune_reexec(char **argv)
{
#ifdef __GLIBC__
	const char *cur = getenv("GLIBC_TUNABLES"), *pre = getenv("LD_PRELOAD");
	char *val, *saved = cur ? strdup(cur) : NULL;
	size_t n;

	if (getenv(TUNED_ENV) != NULL || (cur != NULL && strstr(cur, "glibc.malloc.tcache_count") != NULL) ||
	    (pre != NULL && strstr(pre, "vgpreload") != NULL) || (cur != NULL && saved == NULL))
		goto out;
	n = (cur ? strlen(cur) + 1 : 0) + sizeof TCACHE_OFF;
	if ((val = malloc(n)) == NULL)
		goto out;
	snprintf(val, n, "%s%s%s", cur ? cur : "", cur && *cur ? ":" : "", TCACHE_OFF);
	if (setenv("GLIBC_TUNABLES", val, 1) == 0 && setenv(TUNED_ENV, "1", 1) == 0)
		execv("/proc/self/exe", argv);
	/* not started again (no /proc?): go on as we are */
	free(val);
	if (saved != NULL)
		setenv("GLIBC_TUNABLES", saved, 1);
	else
		unsetenv("GLIBC_TUNABLES");
	unsetenv(TUNED_ENV);
out:
	free(saved);
#else
	(void)argv;
#endif
}

int main(int argc, char **argv)
{
	dp_global g;
	char **rest = calloc((size_t)argc + 1, sizeof(char *));
	int nrest = 0, help = 0, version = 0, rc = DP_EXIT_UNKNOWN;
	const dp_command *cmd = NULL;

	/* A peer that closes a TLS or HTTP connection must give an error
	 * return, not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	memset(&g, 0, sizeof(g));
	if (rest == NULL)
		return DP_EXIT_UNKNOWN;
	if (split_args(&g, argc, argv, rest, &nrest, &help, &version) < 0)
		goto out;
	if (version) {
		printf("daneprobe %s\n", DP_VERSION);
		rc = DP_EXIT_OK;
		goto out;
	}
	if (nrest > 0 && strcmp(rest[0], "help") == 0) {
		/* "help", "help --help", "help help": the general help */
		if (nrest == 1 || strcmp(rest[1], "--help") == 0 || strcmp(rest[1], "-h") == 0 ||
		    strcmp(rest[1], "help") == 0) {
			help = 1;
		} else {
			rest[0] = rest[1];
			rest[1] = "--help";
			nrest = 2;
			rest[2] = NULL;
		}
	}
	if (help) {
		usage(stdout);
		rc = DP_EXIT_OK;
		goto out;
	}
	if (verify_may_run_many(&g, nrest, rest))
		malloc_tune_reexec(argv);
	if (nrest == 0) {
		dp_errorf("no COMMAND given (probe, order, verify, lookup, anchor, tlsa-check, check or check-config)");
		fprintf(stderr, "see daneprobe --help\n");
		goto out;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(rest[0], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		dp_errorf("unknown command '%s' (see daneprobe --help)", rest[0]);
		goto out;
	}
	dp_envelope_init(cmd->name, DP_VERSION);
	dp_text_init(g.color, g.quiet);
	dp_text_set_verbose(g.verbose);
	if (dp_format_offered(cmd->name, g.format, cmd->formats) < 0)
		goto out;
	if (cmd->run != cmd_check_config && load_config(&g) < 0)
		goto out;
	if (!g.client_given && g.cfg != NULL && g.cfg->has_client)
		g.client = g.cfg->client;
	if (load_postfix(&g) < 0)
		goto out;
	if (cmd->run != cmd_check_config && dp_resolver_source_load(&g) < 0)
		goto out;
	if (g.timeout_ms == 0)
		g.timeout_ms = g.cfg && g.cfg->probe_timeout_ms ? g.cfg->probe_timeout_ms : DP_DNS_TIMEOUT_MS;
	optind = 0;     /* a fresh getopt for the subcommand */
	rc = cmd->run(&g, nrest, rest);
out:
	/* A pipeline that asked for JSON gets a document even when the
	 * command failed before printing one (SPEC section 3). */
	if (cmd != NULL && g.format == DP_FMT_JSON && rc != DP_EXIT_OK && !dp_json_emitted())
		dp_json_emit_error(stdout, rc, dp_last_error());
	dp_config_free(g.cfg);
	dp_postfix_free(g.postfix);
	dp_rsrc_free(g.rsrc);
	free(g.resolvers);
	free(rest);
	return rc;
}
