/*
 * battery_int.h - what the parts of the probe battery share (private to
 * battery.c, which runs the tasks and judges, and battery_tests.c, which
 * holds the direct-query tests).  Not for use outside the battery.
 */
#ifndef DP_BATTERY_INT_H
#define DP_BATTERY_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include "probe/battery/battery.h"
#include "probe/battery/shape.h"

#define MAX_HOSTS 3
/* Workers run small tests; a 1 MiB stack is plenty (also under ASan).
 * With the default 8 MiB stacks, creating a hundred threads while the
 * first ones already run took a quarter of a second, which showed up
 * directly in the probe's wall time. */
#define WORKER_STACK (1024 * 1024)

typedef struct battery_sub {
	int done;
	val_status local;
	char local_reason[200];
	int ad, rcode, err;
	int depth, queries;
} battery_sub;

typedef struct battery_rstate {
	dp_addr srv;
	dp_resolver_result *res;
	atomic_int dead;
	pthread_mutex_t mu;
	int basic_done;           /* udp and tcp tests finished (bit mask) */
	battery_sub algs[DP_NAMES_MAX_MAP], iters[DP_NAMES_MAX_MAP];
	dp_obs **cobs;            /* per chain sub-battery_task */
	size_t *ncobs;
	int *cdepth, *cqueries;
} battery_rstate;

typedef struct battery_task {
	size_t r;
	int test;
	int sub;
} battery_task;

typedef struct battery_run {
	const dp_probe_names *names;
	const dp_probe_opts *o;
	battery_rstate *rs;
	size_t n;
	battery_task *tasks;
	size_t ntasks, next;
	size_t n_chain;
	pthread_mutex_t mu;
} battery_run;

/* ---- helpers (battery_judge.c) ---- */

/* Add a reason to res (at the front with front, else at the end), once:
 * an identical reason already there is not repeated. */
void bat_add_reason(dp_resolver_result *res, int front, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- helpers (battery_tests.c) ---- */

/* Set the result and the one-line detail. */
void bat_verdict(dp_test *t, dp_result r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *bat_rcode_name(int rcode);
const char *bat_type_name(ldns_rr_type t, char *buf, size_t len);
/* A name as people write it: no trailing dot, except for the root. */
void bat_rdf_text(const ldns_rdf *r, char *buf, size_t len);
/* The fixed nonexistent name asked in zone by the NXDOMAIN probes. */
void bat_nx_name(const char *zone, char *buf, size_t len);
size_t bat_count_type(const ldns_pkt *p, ldns_pkt_section s, ldns_rr_type t);
/* RRSIGs in section covering type (0: any type). */
size_t bat_count_rrsig(const ldns_pkt *p, ldns_pkt_section s, ldns_rr_type covered);
/* One direct query (RD=1 plus flags); updates the test's counters, rtt,
 * rcode and err.  resp must be cleared with query_response_clear. */
int bat_ask(battery_rstate *S, const battery_run *R, dp_test *t, const char *name, ldns_rr_type type,
	    unsigned flags, uint16_t edns, query_response *resp);
/* Record the shape of the answer bat_ask gave (rc, r) for test id and
 * return the test's rule for it (shape.h).  For DP_RULE_CONFIG and
 * DP_RULE_COMPARE the verdict and detail are written here (what names
 * the question, "bogus.h.dplab A with CD=1"); the caller writes the
 * others. */
dp_rule bat_rule(dp_test *t, dp_test_id id, int rc, const query_response *r, ldns_rr_type type,
		 const char *what);

/* The first probe.names.secure name, or NULL. */
const char *bat_first_secure(const battery_run *R);

/* ---- the direct-query tests (battery_tests.c, and battery_chain.c
 * for DNSKEY, DS and the denials) ---- */

void bat_plain(battery_rstate *S, const battery_run *R, dp_test *t, unsigned flags, const char *how);
void bat_edns0(battery_rstate *S, const battery_run *R, dp_test *t);
void bat_do_ad(battery_rstate *S, const battery_run *R, dp_test *t, int want_ad);
void bat_cd(battery_rstate *S, const battery_run *R, dp_test *t);
void bat_dnskey(battery_rstate *S, const battery_run *R, dp_test *t);
void bat_ds(battery_rstate *S, const battery_run *R, dp_test *t);
void bat_denial(battery_rstate *S, const battery_run *R, dp_test *t, const char *zone, ldns_rr_type dtype);
void bat_tlsa(battery_rstate *S, const battery_run *R, dp_test *t);
void bat_unknown(battery_rstate *S, const battery_run *R, dp_test *t);
/* Records what the bogus name got; dp_bogus_finalize decides. */
void bat_bogus(battery_rstate *S, const battery_run *R, dp_test *t);
void bat_edns_size(battery_rstate *S, const battery_run *R, dp_test *t);
void bat_clock(battery_rstate *S, const battery_run *R, dp_test *t);

#endif
