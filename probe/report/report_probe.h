/*
 * report_probe.h - output of `probe` and `order`: the text matrix people
 * read at a glance, and the JSON contract of SPEC section 3.
 */
#ifndef DP_REPORT_PROBE_H
#define DP_REPORT_PROBE_H

#include <stdio.h>
#include <jansson.h>
#include "probe/battery/advise.h"
#include "probe/battery/battery.h"

/* {"resolvers":[...]} as SPEC section 3 says (new reference). */
json_t *dp_probe_json(const dp_resolver_result *r, size_t n);
/* Matrix (resolvers x tests), then class, DANE safety and reasons per
 * resolver; verbose adds every test's detail. */
void dp_probe_print_text(FILE *out, const dp_resolver_result *r, size_t n, int verbose);

/* {"changed","current":[...],"recommended":[...]} plus "warnings". */
json_t *dp_order_json(const dp_advice *a, const dp_rank_in *in);
void dp_order_print_text(FILE *out, const dp_advice *a, const dp_rank_in *in);

/* Print a JSON document (indented) followed by a newline. */
void dp_json_print(FILE *out, const json_t *j);

/* Per-resolver Prometheus metrics (dane_safe, class, rtt, test results). */
struct dp_prom;
void dp_probe_prom(struct dp_prom *p, const dp_resolver_result *r, size_t n);

#endif
