/*
 * battery.h - the resolver probe battery (SPEC section 5).
 *
 * Every resolver and every independent test runs at once on a pool of
 * threads (-j limits it; -j 1 is sequential).  Tests that need several
 * dependent queries (MX -> TLSA, the chain of trust) run them in order
 * inside one task; tests with independent parts (one zone per algorithm,
 * one DANE domain per chain task) are split into sub-tasks.  When every
 * task is done, the ground truth is built from all resolvers' local
 * validations and each resolver gets its class, dane_safe and reasons.
 */
#ifndef DP_BATTERY_H
#define DP_BATTERY_H

#include <stddef.h>
#include <stdint.h>
#include "probe/battery/classify.h"
#include "probe/util/config.h"
#include "probe/util/client.h"
#include "probe/net/query.h"
#include "validator/anchors.h"
#include "validator/val.h"

#define DP_NAMES_MAX_MAP 16

/* What the battery asks (probe.names.*).  Strings are borrowed from the
 * config the names were loaded from. */
typedef struct dp_probe_names {
	const char **secure, **insecure, **bogus, **dane;
	size_t n_secure, n_insecure, n_bogus, n_dane;
	const char *nsec, *nsec3;            /* zones */
	const char *large_dnskey;            /* a zone whose DNSKEY set needs TCP */
	const char *big_answer;              /* "NAME [TYPE]" answered with > 1232 bytes */
	const char *unknown_type;            /* "NAME [TYPE]" */
	const char *insecure_child;          /* an unsigned delegation from a signed zone */
	struct { int alg; const char *name; } algs[DP_NAMES_MAX_MAP];
	size_t n_algs;
	struct { int iterations; const char *name; } iters[DP_NAMES_MAX_MAP];
	size_t n_iters;
	dp_config *owned;                    /* the defaults, if parsed */
} dp_probe_names;

/* The names from cfg's probe.names when it has them, else from
 * defaults_yaml, the text of the defaults (dp_builtin_probe_names, compiled
 * in from configs/probe-internet.yaml).  err gets a message. */
int dp_probe_names_load(const dp_config *cfg, const char *defaults_yaml,
			dp_probe_names *out, char *err, size_t errlen);
void dp_probe_names_free(dp_probe_names *n);

typedef struct dp_probe_target {
	const char *address;      /* as configured: "127.0.0.1", "[::1]:5353" */
	const char *name;         /* may be NULL */
	int priority;
	int trusted_path;         /* the config trusts the path to it (AD may be believed) */
} dp_probe_target;

typedef struct dp_probe_opts {
	int timeout_ms;           /* per query */
	int jobs;                 /* 0: everything at once */
	const val_anchors *anchors;
	int64_t now;              /* for local validation and the clock test */
	dp_client_model client;   /* who judges: local validation or the AD bit */
} dp_probe_opts;

/* The local validation of one DANE probe record through one resolver. */
typedef struct dp_obs {
	char name[256];
	ldns_rr_type type;
	val_status status;
	char reason[512];
	int fetch_error;
	/* a direct DO+CD query of the same record, when it was not secure */
	int diag_done, diag_err, diag_rcode, diag_data, diag_rrsig;
	val_status expect;        /* from the config when no resolver proves it */
	int has_expect;
} dp_obs;

typedef struct dp_resolver_result {
	char address[128];
	char name[128];           /* "" if none */
	int priority;
	int parse_ok;             /* the address parsed */
	dp_test tests[DP_T_COUNT];
	dp_class cls;
	unsigned tags;
	int dane_safe;
	dp_client_model client;   /* the model dane_safe was judged under */
	int local_safe;           /* dane_safe under the local model */
	int severity;             /* dp_severity when not dane_safe */
	int trusted_path;         /* from the target */
	char **reasons;           /* malloced strings */
	size_t n_reasons;
	int rtt_ms;
	dp_obs *obs;              /* chain observations */
	size_t n_obs;
} dp_resolver_result;

/* Probe n targets.  *out is a malloced array of n results in the
 * targets' order (free with dp_probe_results_free).  DP_OK, DP_ENOMEM,
 * DP_EINVAL. */
int dp_probe_run(const dp_probe_target *targets, size_t n, const dp_probe_names *names,
		 const dp_probe_opts *o, dp_resolver_result **out);
void dp_probe_results_free(dp_resolver_result *r, size_t n);

/* The longest chain of dependent queries over all tests (benchmark). */
int dp_probe_critical_depth(const dp_resolver_result *r, size_t n);

/* Build the ground truth from every resolver's observations and set
 * dane_safe, the chain test, class, tags and reasons (called by
 * dp_probe_run; exposed for the unit tests). */
void dp_probe_judge(dp_resolver_result *r, size_t n);

/* How bad a resolver that is not DANE-safe is (exit codes, check). */
typedef enum dp_severity {
	DP_SEV_BY_POSITION = 0,  /* critical as the primary, a warning as a secondary */
	DP_SEV_WARNING,          /* a warning wherever it stands (untrusted path) */
	DP_SEV_CRITICAL          /* critical wherever it stands (a downgrade) */
} dp_severity;

/* Judge every resolver again under client model m (client.c): under
 * DP_CLIENT_AD only a validating, non-permissive resolver on loopback or
 * a trusted path is DANE-safe, and the reason for the verdict comes
 * first.  Under DP_CLIENT_LOCAL only records the model.  Called by
 * dp_probe_run after dp_probe_judge. */
void dp_client_judge(dp_resolver_result *r, size_t n, dp_client_model m);

/* ---- glue for the subcommands (cmd_probe.c) ---- */

struct dp_global;
/* Probe addrs (or, when n is 0, the effective resolvers of the run) with
 * the names and anchors of the run.  *out as dp_probe_run; *nout gets the
 * count.  DP_ECONFIG/DP_EINVAL with err for a bad setup. */
int dp_probe_for_cli(struct dp_global *g, const char *const *addrs, size_t n, int jobs,
		     dp_resolver_result **out, size_t *nout, char *err, size_t errlen);
/* Exit code of a probe (SPEC section 3): 3 nothing reachable, 2 the
 * primary (first) not DANE-safe, 1 another not DANE-safe, else 0. */
int dp_probe_exit_code(const dp_resolver_result *r, size_t n);
/* What resolver r at position pos (0: the primary) adds to that: 0 when
 * DANE-safe, else its severity (the client model's), by position when the
 * model leaves it open: 2 as the primary, 1 after it.  check's problems
 * use it too, so probe and check judge a resolver alike. */
int dp_probe_resolver_exit(const dp_resolver_result *r, size_t pos);

#endif
