/*
 * advise.h - resolver ranking (SPEC section 6).
 *
 * DANE-safe resolvers first, then by class (validating, aware, partial,
 * non-dnssec, broken, unreachable), then by failed tests and round-trip
 * time; equal resolvers keep their current order.  The recommended
 * priorities reuse the existing numbers, sorted, so a rewrite moves only
 * the numbers and never invents new ones.  Pure: no I/O.
 */
#ifndef DP_ADVISE_H
#define DP_ADVISE_H

#include <stddef.h>
#include "probe/battery/classify.h"
#include "probe/util/client.h"

typedef struct dp_rank_in {
	const char *address;
	const char *name;        /* may be NULL */
	int priority;            /* current priority (lower = preferred) */
	dp_class cls;
	unsigned tags;
	int dane_safe;
	int failures;            /* failed tests */
	int rtt_ms;              /* -1 if unknown */
	const char *why_unsafe;  /* first reason when not DANE-safe, or NULL */
	dp_client_model client;  /* the model dane_safe was judged under (warnings' words) */
} dp_rank_in;

typedef struct dp_rank_out {
	size_t index;            /* into the input array */
	int priority;            /* current (in current[]) or recommended */
	char reason[256];        /* recommended[] only */
} dp_rank_out;

#define DP_ADVICE_MAX_WARN 4

typedef struct dp_advice {
	size_t n;
	dp_rank_out *current;     /* by current priority, input order on ties */
	dp_rank_out *recommended; /* ranked */
	int changed;              /* the order of addresses differs */
	char warnings[DP_ADVICE_MAX_WARN][256];
	size_t n_warnings;
} dp_advice;

/* Rank n resolvers.  *out malloced, free with dp_advice_free; written
 * only on success.  DP_ENOMEM or DP_EINVAL (n == 0). */
int dp_advise(const dp_rank_in *in, size_t n, dp_advice **out);
void dp_advice_free(dp_advice *a);

/* The RTT bucket used for ranking (see advise.c for why buckets). */
int dp_rtt_bucket(int rtt_ms);

#endif
