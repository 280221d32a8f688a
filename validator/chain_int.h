/*
 * chain_int.h - what the files of the chain of trust share: the context,
 * its caches, verdicts, and the helpers each file offers the others.
 * Private to validator/.
 *
 *   context.c  the context, its caches (one get-or-create), verdicts, trace
 *   cache.c    the bounded caches: hash, LRU order, TTL
 *   msg.c      fetching messages once, picking records out of them
 *   proofs.c   the NSEC/NSEC3 records a step may use, verified by their zone
 *   trust.c    DS and DNSKEY sets from the anchor down (RFC 4035 5.2)
 *   answer.c   positive, unsigned and negative answers (RFC 4035 5.3, 5.4)
 *   chain.c    the lookup: CNAME/DNAME links and the final verdict
 */
#ifndef DP_CHAIN_INT_H
#define DP_CHAIN_INT_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>
#include "validator/val.h"

#define CHAIN_MAX_LINKS 8      /* CNAME/DNAME links followed */
#define CHAIN_MAX_DEPTH 40     /* recursion through zone levels */

typedef struct verdict {
	val_status status;
	val_why why;
	int fetch_error;
} verdict;

/*
 * The first member of every cache entry (cache.c).  Entries are found by
 * (name, type) through a hash, kept in least-recently-used order, and
 * dropped when their TTL has passed or the list is over its cap: a
 * context that checks a million names holds no more than its caps.
 */
typedef struct cache_hdr {
	ldns_rdf *name;
	ldns_rr_type type;      /* messages: the query type; DS and zone lists: 0 */
	int busy;               /* being filled: asking again is a loop */
	uint32_t hash;
	int64_t expires;        /* ctx->now at or after this: stale */
	uint64_t used;          /* the lookup (ctx->gen) that used it last */
	size_t cost;            /* bytes it counts against the list's max_bytes */
	struct cache_hdr *chain;             /* next in its hash bucket */
	struct cache_hdr *newer, *older;     /* LRU list */
} cache_hdr;

typedef void (*cache_free_fn)(cache_hdr *h);

typedef struct cache_list {
	cache_hdr **bucket;     /* nbuckets heads, allocated on first use */
	size_t nbuckets;
	cache_hdr *newest, *oldest;
	size_t n, max;          /* max: the cap trim keeps it to */
	size_t bytes, max_bytes; /* sum of the entries' cost, and its cap (0: none) */
	cache_free_fn free_entry;
} cache_list;

typedef struct msg_entry {
	cache_hdr h;            /* h.name, h.type: the question */
	ldns_pkt *pkt;          /* owned, NULL when the fetch failed */
	int err;
} msg_entry;

/* What a DS query at a name tells about a delegation there. */
typedef enum ds_kind {
	DS_SIGNED,              /* a DS set validated by the parent's keys */
	DS_INSECURE,            /* no DS (proved), or the parent is insecure */
	DS_NOT_CUT,             /* proved: no delegation there (or no such name) */
	DS_UNSIGNED,            /* answer without signatures: proves nothing */
	DS_FAIL                 /* bogus or indeterminate, see v */
} ds_kind;

typedef struct ds_entry {
	cache_hdr h;            /* h.name: the name the DS query asked */
	ds_kind kind;
	verdict v;
	ldns_rr_list *ds;       /* DS_SIGNED: the validated set */
	ldns_rdf *parent;       /* zone that signed the DS or the denial */
} ds_entry;

typedef struct zone_entry {
	cache_hdr h;            /* h.name: the zone */
	verdict v;              /* SECURE: keys is the validated DNSKEY set */
	ldns_rr_list *keys;
} zone_entry;

struct val_ctx {
	const val_anchors *anchors;
	int64_t now;
	val_fetch_fn fetch;
	void *fetch_arg;
	val_ahead_fn ahead;     /* NULL: no hints */
	val_trace_fn trace;
	void *trace_arg;
	val_policy pol;         /* pol.work points at work */
	val_work work;          /* this lookup's counters (reset per val_resolve) */
	val_keycache *kc;
	val_stats stats;
	uint64_t gen;           /* lookups so far: entries used by this one stay */
	cache_list msgs;        /* of msg_entry */
	cache_list dss;         /* of ds_entry */
	cache_list zones;       /* of zone_entry */
	int depth;
	struct val_vtrace *vt;  /* vtrace.h: the caller's record, or NULL */
};

/* Names for messages, in buffers held by the caller's frame. */
typedef struct nbuf { char s[LDNS_MAX_DOMAINLEN + 16]; } nbuf;
#define NAME(x, b) val_dname_str((x), (b).s, sizeof (b).s)

/* ---- context.c ---- */

void ctx_trace(val_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vset(verdict *v, val_status st, val_ede ede, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Put "prefix: " in front of the reason in v (truncating at the end). */
void vprefix(verdict *v, const char *prefix);
void vsecure(verdict *v);
/* A failed proof that was offered a wildcard-expanded NSEC: say so (EDE 6). */
void vnote(verdict *v, const char *note);

/* ---- cache.c ---- */

/* Defaults of val_ctx_set_cache and the longest time an entry is kept
 * whatever its TTL (RFC 2308 section 5 keeps negative answers no longer
 * than the SOA says; the message's smallest TTL covers that). */
#define CACHE_MAX_MSGS  256
#define CACHE_MAX_SETS  128
#define CACHE_MAX_TTL   3600
/* Failed fetches and SERVFAIL: RFC 2308 section 7.1 allows up to five
 * minutes; a few seconds spare a dead resolver a second timeout within
 * one domain without making a long run remember a transient error. */
#define CACHE_FAIL_TTL  5

void cache_init(cache_list *l, size_t max, cache_free_fn free_entry);
void cache_clear(cache_list *l);
/* The entry (name, type) of l, marked as used by this lookup; NULL. */
cache_hdr *cache_get(val_ctx *ctx, cache_list *l, const ldns_rdf *name, ldns_rr_type type);
/* A new zeroed entry of size bytes for (name, type), in l; NULL when out
 * of memory.  It expires at the end of this lookup until cache_keep. */
cache_hdr *cache_add(val_ctx *ctx, cache_list *l, size_t size, const ldns_rdf *name,
		     ldns_rr_type type);
/* Whether l holds (name, type), without counting it as used. */
int cache_has(const cache_list *l, const ldns_rdf *name, ldns_rr_type type);
/* Count h as cost bytes against l's max_bytes. */
void cache_cost(cache_list *l, cache_hdr *h, size_t cost);
/* Keep h for ttl seconds (capped at CACHE_MAX_TTL). */
void cache_keep(val_ctx *ctx, cache_hdr *h, uint32_t ttl);
/* Drop the stale entries of l, then the least recently used ones above
 * its cap; never those the current lookup used (it holds pointers to
 * them).  Called between lookups. */
void cache_trim(val_ctx *ctx, cache_list *l);
/* The smallest TTL of the RRs in list (CACHE_MAX_TTL when empty). */
uint32_t cache_ttl_of(const ldns_rr_list *list);

enum { SLOT_FOUND, SLOT_NEW, SLOT_LOOP, SLOT_NOMEM };
/*
 * The entry for name in l (entries of size bytes, starting with a
 * cache_hdr): SLOT_FOUND with *out, SLOT_NEW with a zeroed entry whose
 * h.name is set (the caller fills it between cache_enter and cache_leave),
 * SLOT_LOOP when it is being filled or the chain is too deep, SLOT_NOMEM.
 */
int cache_slot(val_ctx *ctx, cache_list *l, size_t size, const ldns_rdf *name,
	       cache_hdr **out);
void cache_enter(val_ctx *ctx, cache_hdr *h);
/* Filled: kept for the TTL of rrs, or CACHE_FAIL_TTL when v is
 * indeterminate (a fetch failed), so that a transient failure does not
 * stick to every name a long run checks later. */
void cache_leave(val_ctx *ctx, cache_hdr *h, const verdict *v, const ldns_rr_list *rrs);

/* ---- msg.c ---- */

/* Same name, ignoring case (RFC 4343); a is b or below b. */
int same_name(const ldns_rdf *a, const ldns_rdf *b);
int at_or_below(const ldns_rdf *a, const ldns_rdf *b);
/* RFC 4034 3.1.3: the label count of an owner, not counting the root or
 * a leading "*" label. */
unsigned owner_labels(const ldns_rdf *owner);
ldns_rr_type sig_covered(const ldns_rr *sig);
/* Clones of the RRs of section sec with this owner (NULL: any) and type;
 * for RRSIGs, covered selects the type they cover (0: any).  Malloced. */
ldns_rr_list *msg_pick(const ldns_pkt *p, ldns_pkt_section sec, const ldns_rdf *owner,
		       ldns_rr_type type, ldns_rr_type covered);
/* The signer of the first RRSIG in sigs whose signer encloses owner. */
const ldns_rdf *msg_signer(const ldns_rr_list *sigs, const ldns_rdf *owner);
/* The heap a parsed message takes, estimated (the msgs byte cap). */
size_t msg_cost(const ldns_pkt *p);
/* The answer to (name, type), fetched once per context; *pkt borrowed. */
int msg_fetch(val_ctx *ctx, const ldns_rdf *name, ldns_rr_type type,
	      const ldns_pkt **pkt, verdict *v);
val_status verify_set(val_ctx *ctx, const ldns_rr_list *rrset,
		      const ldns_rr_list *sigs, const ldns_rr_list *keys, val_why *why);

/* ---- proofs.c ---- */

/* Room for a note on a wildcard-expanded NSEC. */
#define NOTE_LEN (LDNS_MAX_DOMAINLEN * 2 + 160)
unsigned min_sig_labels(const ldns_rr_list *sigs, unsigned ol);
/* The NSEC/NSEC3 records zone signed in p's authority section, verified
 * with keys, in *out (malloced); note as in vnote. */
val_status verified_denial(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *zone,
			   const ldns_rr_list *keys, ldns_rr_list **out,
			   char *note, size_t note_len, verdict *v);
/* The deepest signer of an NSEC/NSEC3 RRSIG in p that encloses name. */
ldns_rdf *denial_signer(const ldns_pkt *p, const ldns_rdf *name);
int has_denial(const ldns_pkt *p);

/* ---- trust.c ---- */

/* The validated DNSKEY set of zone, or why there is none.  Never NULL. */
zone_entry *zone_keys(val_ctx *ctx, const ldns_rdf *zone);
/* INSECURE when a delegation without DS is proved at or above name,
 * SECURE when name lies in a signed zone, else why not. */
verdict prove_insecure(val_ctx *ctx, const ldns_rdf *name);

/* ---- answer.c ---- */

verdict answer_rrset(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *owner,
		     ldns_rr_type type, ldns_rdf **zone_out);
verdict answer_negative(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *name,
			ldns_rr_type type, int nx, ldns_rdf **zone_out);

#endif
