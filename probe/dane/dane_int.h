/*
 * dane_int.h - what dane.c (the walk), dane_cache.c (the shared host
 * cache) and dane_verdict.c (the judgement) share.  Not for use outside probe/dane/.
 */
#ifndef DP_DANE_INT_H
#define DP_DANE_INT_H

#include <stddef.h>
#include "probe/dane/dane.h"

/* snprintf that truncates on purpose: reasons are cut, never overflowed. */
void dane_fmt(char *dst, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Judge one path under both policies (dane_verdict.c): a->obs from what
 * the walk saw, a->action[] and a->reason[] (naming the deciding step). */
void dane_judge(const dane_cfg *cfg, const dane_result *r, dane_host *h, dane_addr *a);
/* The domain's verdict and reason under both policies, from its paths. */
void dane_verdict(const dane_cfg *cfg, dane_result *r);

/* Free what a host owns (addresses' matched records, TLSA set); h itself
 * is the caller's. */
void dane_host_clear(dane_host *h);

/* Fill the DNS part of h from the cache when it has h->name (keeps h's
 * preference) and copy the CNAME target the walk saw for it.  1 on a
 * hit, 0 on a miss (h untouched), -1 when out of memory (h partly
 * filled: clear it with the result). */
int dane_cache_get(dane_cache *c, dane_host *h, char *cname_target, size_t ct_len);

/* Keep a copy of h's DNS part (only verdicts: the caller leaves out hosts
 * whose lookups failed), replacing the oldest entry when full.  Does
 * nothing when c is NULL or out of memory (the cache is only a saving). */
void dane_cache_put(dane_cache *c, const dane_host *h, const char *cname_target);

/* dane_evidence.c: the evidence and warnings of issue 13. */
/* When the last RRSIG of a secure answer expires; 0 when not secure. */
int64_t dane_sig_expiry(const val_result *v);
/* Describe the chain the server presented on ssl against h's TLSA
 * records into a->chain.  Failure leaves it empty (evidence only). */
void dane_chain_collect(dane_addr *a, const dane_host *h, SSL *ssl);
/* The warnings of r from its statuses, chains and cfg's thresholds at
 * dp_now().  DP_OK or DP_ENOMEM. */
int dane_warnings_collect(const dane_cfg *cfg, dane_result *r);

#endif
