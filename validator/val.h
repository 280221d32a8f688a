/*
 * val.h - the chain of trust: from trust anchors down to an RRset.
 *
 * The validator never talks to the network.  It asks its caller for DNS
 * messages through a fetch callback (probe/ provides one that queries a
 * resolver with DO=1 CD=1; tests provide one that answers from zone files),
 * and it is given the time.  Every DNSKEY and DS set is fetched and
 * verified once per context (per run).
 */
#ifndef DP_VAL_H
#define DP_VAL_H

#include <stdint.h>
#include <ldns/ldns.h>
#include "validator/dp_err.h"
#include "validator/dnssec.h"
#include "validator/anchors.h"
#include "validator/names.h"

/*
 * Fetch callback: ask for (name, type, class IN) and return the whole
 * response message in *out (malloced, the validator frees it with
 * ldns_pkt_free).  Return DP_OK with a message (any rcode), or an error
 * (DP_ETIMEOUT, DP_ENET, ...) with *out untouched; an error makes the
 * lookup VAL_INDETERMINATE, never VAL_BOGUS.
 */
typedef int (*val_fetch_fn)(void *arg, const ldns_rdf *name, ldns_rr_type type,
			    ldns_pkt **out);

/* Trace callback: one line per query and validation step (for --trace).
 * The line is borrowed, valid during the call only. */
typedef void (*val_trace_fn)(void *arg, const char *line);

typedef struct val_ctx val_ctx;

/* New context.  anchors is borrowed and must outlive the context.
 * Writes *out only on success. */
int val_ctx_new(val_ctx **out, const val_anchors *anchors, int64_t now,
		val_fetch_fn fetch, void *fetch_arg);
void val_ctx_free(val_ctx *ctx);
/* The time for signature validity and cache expiry from now on: a
 * context that lives for a long run is told the time before each name
 * (the validator never reads the clock). */
void val_ctx_set_now(val_ctx *ctx, int64_t now);
/* Caps of the context's caches: max_msgs messages of at most
 * max_msg_bytes together (the heap of their parsed form, estimated;
 * 0: no byte cap),
 * max_sets DS and as many DNSKEY sets (defaults 256, none, 128), and
 * max_sets decoded keys.  Least recently used entries above a cap,
 * and entries past their TTL (at most an hour), are dropped between
 * lookups (decoded keys: all at once when the cap is reached), so memory
 * does not grow with the names a context checks. */
void val_ctx_set_cache(val_ctx *ctx, size_t max_msgs, size_t max_sets, size_t max_msg_bytes);
void val_ctx_set_trace(val_ctx *ctx, val_trace_fn fn, void *arg);
/*
 * Ahead callback (optional, called with the fetch callback's arg): the
 * validator will soon ask its fetch callback for (name, type), so the
 * caller may send that question now and have several round trips under
 * way at once (issue 16: the DS and DNSKEY sets of the zones above a
 * signer were fetched one after the other).  Only a hint: the fetch
 * callback is still called for each answer and must give what it would
 * have given anyway; the validator stays free of sockets and threads.
 */
typedef void (*val_ahead_fn)(void *arg, const ldns_rdf *name, ldns_rr_type type);
void val_ctx_set_ahead(val_ctx *ctx, val_ahead_fn fn);
/* The caller's own hint (the DANE walk: the A, AAAA and TLSA of an MX
 * host): passed to the ahead callback unless the answer is cached. */
void val_ahead(val_ctx *ctx, const ldns_rdf *name, ldns_rr_type type);
/* The same for the chain of trust above name: the DNSKEY and DS sets of
 * name and of each name above it that are not cached (the DANE walk,
 * beside a domain's MX: the answer's signer is usually the domain or a
 * zone above it; a name that is no zone cut costs two NODATA answers). */
void val_ahead_chain(val_ctx *ctx, const ldns_rdf *name);
void val_ctx_set_policy(val_ctx *ctx, const val_policy *pol);

/* The result of one validated lookup. */
typedef struct val_result {
	val_status status;
	val_ede ede;            /* VAL_EDE_NONE when secure/insecure (insecure
				 * by NSEC3 iterations: 27, RFC 9276 3.2) */
	char reason[512];       /* why bogus/indeterminate/insecure, or "" */
	ldns_pkt_rcode rcode;   /* of the final answer */
	int nxdomain;           /* the name does not exist (proved if secure) */
	int nodata;             /* the name exists, not with this type */
	int fetch_error;        /* dp_err of a failed fetch, else DP_OK */
	ldns_rdf *qname;        /* the name asked */
	ldns_rdf *final_name;   /* after CNAME/DNAME expansion */
	ldns_rr_type qtype;
	ldns_rr_list *rrset;    /* the answer RRset at final_name (may be empty) */
	ldns_rr_list *rrsigs;   /* its RRSIGs */
	ldns_rr_list *chain;    /* CNAME/DNAME records followed, in order */
	ldns_rdf *zone;         /* zone the answer came from (signer), or NULL */
	int answered;           /* 1 when rcode is that of a received answer
				 * (0: the fetch failed, rcode means nothing) */
} val_result;

/* Resolve and validate (name, type).  Follows CNAME and DNAME (at most
 * 8 steps).  *out is malloced; free with val_result_free.  Returns DP_OK
 * whenever a verdict was reached (even bogus or indeterminate); an error
 * only for DP_ENOMEM or DP_EINVAL. */
int val_resolve(val_ctx *ctx, const ldns_rdf *name, ldns_rr_type type,
		val_result **out);
void val_result_free(val_result *r);

/* Statistics for benchmarks and --trace. */
typedef struct val_stats {
	unsigned long fetches, cache_hits, sig_verifications;
	/* RRSIG x DNSKEY checks and NSEC3 hashes, summed over lookups (each
	 * lookup is capped by val_policy's max_sig_checks, max_nsec3_hashes) */
	unsigned long sig_checks, nsec3_hashes;
} val_stats;
void val_ctx_stats(const val_ctx *ctx, val_stats *out);

#endif
