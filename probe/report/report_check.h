/*
 * report_check.h - what `daneprobe check` prints: the Nagios/Icinga
 * line, the long text (or --brief), JSON, Prometheus text, and the
 * webhook body.  cmd_check.c gathers the run and decides the status and
 * the problems; this module only formats them.
 */
#ifndef DP_REPORT_CHECK_H
#define DP_REPORT_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "probe/battery/advise.h"
#include "probe/battery/battery.h"
#include "probe/net/alert.h"
#include "probe/report/prom.h"

/* The Nagios plugin guidelines: the summary on line one stays short. */
#define CHECK_SUMMARY_MAX 200
/* NRPE v2 keeps the first 1 KB: --brief stays below. */
#define CHECK_BRIEF_MAX 1024

/* One reason for a status other than ok. */
typedef struct check_problem {
	int severity;             /* exit code it stands for: 1 warning, 2 critical, 3 unknown */
	const char *label;        /* its group on line one: "DANE fail", "not DANE-safe" (static) */
	char subject[160];        /* "sss-fail.dplab", "127.53.1.4 (dnsmasq-strip)", or "" */
	char id[224];             /* stable identity for the webhook: "destination b.dplab dane-fail" */
	char reason[1024];        /* what is wrong, for a person */
	int alert;                /* part of the set the webhook watches (0: the alerting
				   * machinery itself, e.g. an unwritable state) */
} check_problem;

/* The destinations' verdicts under the Opportunistic policy. */
enum { CHECK_DEST_SUCCESS, CHECK_DEST_FALLBACK, CHECK_DEST_FAIL, CHECK_DEST_UNKNOWN, CHECK_DEST_N };

typedef struct check_run {
	int status;                       /* 0 ok .. 3 unknown (the exit code) */
	int64_t elapsed_ms;
	json_t *anchors;                  /* the anchors object (owned) */
	const dp_resolver_result *res;    /* the probe, in priority order */
	size_t n;
	const dp_advice *adv;             /* NULL when there was no probe */
	const dp_rank_in *in;
	const struct dp_rsrc *rsrc;       /* the host's resolver file the resolvers came
					   * from ("resolver_source"), or NULL */
	json_t *verify;                   /* array of `verify` objects (owned) */
	check_problem *problems;          /* malloced; sorted by check_problems_sort */
	size_t n_problems;
	json_t *alert;                    /* {"state_file","posted",...} or NULL (owned) */
	json_t *postfix;                  /* --postfix's section, or NULL (owned) */
	int brief, verbose;
	json_t *pictures;                 /* check --html: one DANE-path DOT (or null)
					   * per element of verify; NULL: none wanted */
} check_run;

/* Add a problem and raise c->status to its severity (critical outranks
 * unknown, unknown outranks warning).  id is its identity for the
 * webhook ("not-dane-safe 127.53.1.4"); it should not change when only
 * the wording of the reason does.  0, or -1 out of memory. */
int check_problem_add(check_run *c, int severity, const char *label, const char *subject,
		      const char *id, int alert, const char *reason_fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Most important first: critical, unknown, warning; stable within each. */
void check_problems_sort(check_run *c);
/* The worse of two exit codes, as check_problem_add ranks them. */
int check_worse(int a, int b);
/* How many destinations have each verdict (CHECK_DEST_*). */
void check_dest_counts(const check_run *c, size_t counts[CHECK_DEST_N]);
/* How many trust anchor keys are in the state "valid". */
size_t check_anchor_keys_valid(const check_run *c);
void check_run_clear(check_run *c);

/* Line one: "DANEPROBE WARNING - <summary> | <perfdata>" (no newline). */
void report_check_nagios(const check_run *c, char *buf, size_t len);
/* Line one, then the problems with their reasons, then (not brief) each
 * section: anchors, probe, order, verify.  Brief output stays below
 * CHECK_BRIEF_MAX bytes. */
void report_check_text(FILE *out, const check_run *c);
/* The JSON body (new reference): anchors, probe, order, verify,
 * problems, alert, resolver_source; dp_json_emit adds the envelope. */
json_t *report_check_json(const check_run *c);
/* The check's Prometheus metrics. */
void report_check_prom(dp_prom *p, const check_run *c, int64_t now);
/* The webhook body (malloced JSON text): the status, the previous one,
 * the problems, what went bad and what recovered since the last run
 * (with reasons), and a "text" for chat tools. */
char *report_check_webhook(const check_run *c, const dp_alert_set *prev, const dp_alert_set *cur);

#endif
