/*
 * cli.h - what main.c hands to each subcommand.
 */
#ifndef DP_CLI_H
#define DP_CLI_H

#include <stdint.h>
#include <stddef.h>
#include "probe/util/config.h"
#include "probe/report/textout.h"

/* Exit codes (Nagios-style), SPEC section 3. */
enum dp_exit {
	DP_EXIT_OK = 0,
	DP_EXIT_WARNING = 1,
	DP_EXIT_CRITICAL = 2,
	DP_EXIT_UNKNOWN = 3
};

typedef enum dp_format {
	DP_FMT_TEXT = 0, DP_FMT_JSON, DP_FMT_PROMETHEUS,
	DP_FMT_DOT, DP_FMT_SVG,     /* pictures (issue 15): lookup, verify */
	DP_FMT_CSV                  /* bulk verify, for spreadsheets (issue 13) */
} dp_format;

typedef struct dp_global {
	const char *config_path;   /* -c, or the default */
	int config_explicit;       /* -c was given: a missing file is an error */
	dp_config *cfg;            /* loaded config, or NULL when none */
	const char **resolvers;    /* --resolver ADDR[:PORT], in order */
	size_t n_resolvers;
	dp_format format;
	int timeout_ms;            /* --timeout, else probe.timeout_ms, else DP_DNS_TIMEOUT_MS */
	int verbose;               /* -v count */
	int trace;                 /* --trace */
	const char *anchors_path;  /* --anchors FILE or NULL (built-in) */
	dp_client client;          /* --client, else the config's client:, else local */
	int client_given;          /* --client was given */
	const char *postfix_dir;   /* --postfix [DIR] ("/etc/postfix" without DIR), or NULL */
	struct dp_postfix *postfix; /* what it says, loaded by main.c */
	const char *resolvers_from; /* --resolvers-from SOURCE, or NULL */
	struct dp_rsrc *rsrc;      /* the resolvers read from a resolver source
				    * (--resolvers-from, else /etc/resolv.conf
				    * when neither --resolver nor the config
				    * names any), loaded by main.c; or NULL */
	dp_color_mode color;       /* --color (auto unless given) */
	int quiet;                 /* --quiet: text gives the status line only */
} dp_global;

/* Each subcommand: argv[0] is the subcommand name; returns an exit code. */
int cmd_probe(dp_global *g, int argc, char **argv);
int cmd_order(dp_global *g, int argc, char **argv);
int cmd_verify(dp_global *g, int argc, char **argv);
int cmd_lookup(dp_global *g, int argc, char **argv);
int cmd_anchor(dp_global *g, int argc, char **argv);
int cmd_tlsa_check(dp_global *g, int argc, char **argv);
int cmd_check(dp_global *g, int argc, char **argv);
int cmd_check_config(dp_global *g, int argc, char **argv);   /* loads the config itself */

/* Resolvers to use, in priority order: --resolver, else
 * --resolvers-from, else the config, else /etc/resolv.conf (with the
 * servers behind systemd-resolved's stub).  *out malloced array of borrowed/static strings
 * (caller frees the array).  Returns the count (0: none found). */
size_t dp_resolvers_effective(const dp_global *g, const char ***out);

/* The first of those, parsed.  0, or -1 after printing "CMD: no resolver
 * ..." or "CMD: bad resolver address '...'" (cmd names the command). */
#include "probe/util/addr.h"
int dp_resolver_first(const dp_global *g, const char *cmd, dp_addr *out);

/* The trust anchors for this run: --anchors FILE, else the state file's
 * valid keys (when the anchor module provides them), else the built-in
 * root anchors.  Writes *out on success; err gets a message. */
#include "validator/anchors.h"
int dp_anchors_for_run(const dp_global *g, val_anchors **out, char *err, size_t errlen);

/* The RFC 5011 state file: opt (anchor's --state) when not NULL, else the
 * config's anchors.state_file, else ANCHOR_STATE_DEFAULT.  The one place
 * every command gets it from; the built-in anchors and ICANN CA it falls
 * back on are compiled in (probe/util/builtin.h). */
const char *dp_anchor_state_path(const dp_global *g, const char *opt);

/* Set up a DANE walk for the run's client model: under ad every record
 * is judged by srv's AD bit; the postfix preset adds Postfix's rules
 * (cli_client.c). */
struct dane_cfg;
struct dp_addr;
void dp_client_dane_cfg(const dp_global *g, struct dane_cfg *cfg, const struct dp_addr *srv);

/* The destinations to verify: --postfix's DANE destinations, else
 * dane.destinations.  *names (borrowed strings) and *mandatory (1 for
 * dane-only) are malloced arrays; returns the count (cli_postfix.c). */
size_t dp_destinations(const dp_global *g, const char ***names, int **mandatory);
/* check's "postfix" section: config dir, smtp_dns_support_level, the
 * client model, destinations with policies, findings.  *out NULL
 * without --postfix.  Returns warning when there are findings. */
#include <jansson.h>
int dp_postfix_json(const dp_global *g, json_t **out);
void dp_postfix_print_text(const json_t *pf);
/* Append --postfix's DANE destinations (strdup'd) to a growable list. */
int dp_postfix_add_domains(const dp_global *g, char ***domains, size_t *n, size_t *cap);

/* Load g->rsrc as described there: 0, or -1 after printing why an
 * explicit --resolvers-from cannot be read (cli_resolvers.c). */
int dp_resolver_source_load(dp_global *g);

/* The rank inputs (advise.h) of the probed resolvers res[0..n): with src
 * (the resolvers came from a host's file) only those whose position in
 * it is a priority, numbered 0, 1, ... in probe order (behind
 * systemd-resolved's stub: its DNS= servers, not the stub itself nor
 * FallbackDNS=); else all of them, with their configured priority when
 * cfg_prio, their position otherwise.  order and check share it, so both
 * rank the same resolvers.  *out malloced (the addresses borrowed from
 * res), *nout its count (may be 0).  0, or -1 out of memory. */
#include "probe/battery/advise.h"
#include "probe/battery/battery.h"
int dp_rank_inputs(const dp_resolver_result *res, size_t n, const struct dp_rsrc *src, int cfg_prio,
		   dp_rank_in **out, size_t *nout);

/* The warning thresholds of the run (issue 13, cli_warn.c): the config's
 * dane.cert_warn_days, dane.rrsig_warn_days, dane.warn_single_key, then
 * what the command line gave (given: nonzero fields win; may be NULL). */
struct dane_warn_cfg;
void dp_warn_cfg(const dp_global *g, const struct dane_warn_cfg *given, struct dane_warn_cfg *out);
/* --cert-warn-days / --rrsig-warn-days DAYS of command cmd into *out (0
 * days = off, stored as -1).  0, or -1 after a message naming opt. */
int dp_warn_days_opt(const char *cmd, const char *opt, const char *arg, int *out);

/* A usage error of subcommand cmd: "daneprobe: CMD: MESSAGE" and "see
 * daneprobe CMD --help" on stderr (the message names what is missing or
 * wrong; the whole help would bury it).  Returns DP_EXIT_UNKNOWN. */
int dp_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print a message to stderr as "daneprobe: ...". */
void dp_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last dp_errorf message (borrowed), or NULL when there was none. */
const char *dp_last_error(void);

/* The formats a subcommand offers, as a mask for dp_parse_format. */
#define DP_FMTS_TEXT_JSON ((1u << DP_FMT_TEXT) | (1u << DP_FMT_JSON))
#define DP_FMTS_ALL (DP_FMTS_TEXT_JSON | (1u << DP_FMT_PROMETHEUS))
#define DP_FMTS_BULK (DP_FMTS_TEXT_JSON | (1u << DP_FMT_CSV))   /* verify */
#define DP_FMTS_GRAPH ((1u << DP_FMT_DOT) | (1u << DP_FMT_SVG))
#define DP_FMTS_EVERY (DP_FMTS_ALL | DP_FMTS_GRAPH)

/* Write dot (a whole graph) to stdout as fmt: DOT as it is, or SVG laid
 * out by Graphviz's library (cli_graph.c).  0, or -1 after "CMD: ...". */
int dp_graph_emit(const char *cmd, dp_format fmt, const char *dot);
/* lookup's picture: the chain of trust vt recorded for r. */
#include "validator/val.h"
#include "validator/vtrace.h"
int dp_lookup_graph(dp_format fmt, const val_vtrace *vt, const val_result *r,
		    const char *resolver);
/* verify's picture (g->format dot or svg): the DANE path of each domain
 * with the chain of trust of its records, one graph per domain (svg: one
 * domain only).  The worst pol_action under policy (DANE fail worst), or
 * -1 after an error message. */
#include "probe/dane/dane.h"
/* check --html FILE (or report.html): the report page, written
 * atomically (cli_html.c).  0, or -1 with "FILE: why" in err. */
struct check_run;
int dp_check_html(const char *path, const struct check_run *c, char *err, size_t errlen);
/* The DOT of r's DANE path, with the chain of trust t recorded (NULL:
 * the path only), as a JSON string (null when out of memory). */
#include <jansson.h>
json_t *dp_dane_dot_json(const dane_result *r, const val_vtrace *t);
int dp_verify_graph(const dp_global *g, const dane_cfg *cfg, const dp_addr *srv,
		    const val_anchors *anchors, const char *const *domains, size_t n,
		    pol_kind policy);

/* Parse the global --format value: 0 and *out set when arg names a
 * format; otherwise -1 after "daneprobe: --format must be text, json or
 * prometheus, not 'ARG'".  Whether the command writes it is
 * dp_format_offered's question. */
int dp_parse_format(const char *arg, dp_format *out);

/* 0 when subcommand cmd writes format f (allowed: its mask); otherwise
 * -1 after "daneprobe: lookup: --format prometheus is not offered here;
 * lookup writes text or json". */
int dp_format_offered(const char *cmd, dp_format f, unsigned allowed);

#endif
