/*
 * rfc5011.h - automated updates of DNSSEC trust anchors (RFC 5011).
 *
 * One trust point (the root, in daneprobe) holds a list of keys, each in
 * one of the states of RFC 5011 section 4: Start, AddPend, Valid, Missing,
 * Revoked, Removed.  rfc5011_step() is a pure function: the old state, the
 * DNSKEY RRset and its RRSIGs as observed, and the time go in; a new state
 * and a verdict come out.  It never reads the clock, never talks to the
 * network and never touches the old state.
 *
 * Failure policy, in plain words:
 *   - only a DNSKEY RRset validly signed by a current trust anchor (a key in
 *     Valid or Missing state) moves the state; anything else is refused and
 *     the state is returned unchanged (only the next probe time moves);
 *   - the REVOKE bit counts only when the revoked key itself signed the
 *     DNSKEY RRset (RFC 5011 section 2.1); a revoked key never comes back;
 *   - Missing keys stay trusted (keep-missing policy) until revoked;
 *   - when no key is trusted any more the trust point is critical and must
 *     be bootstrapped again (RFC 9718); it never silently becomes insecure;
 *   - a clock that goes backwards never advances a hold-down timer.
 */
#ifndef DP_RFC5011_H
#define DP_RFC5011_H

#include <stdint.h>
#include <stddef.h>
#include <ldns/ldns.h>
#include "validator/dp_err.h"

/* RFC 5011 section 2.4.1 and 2.4.2. */
#define RFC5011_ADD_HOLDDOWN  (30 * 86400)
#define RFC5011_REM_HOLDDOWN  (30 * 86400)
/* RFC 5011 section 7: the REVOKE flag of a DNSKEY. */
#define RFC5011_FLAG_REVOKE   0x0080
/* At most this many keys per trust point (a bound for hostile input). */
#define RFC5011_MAX_KEYS      64

typedef enum rfc5011_state {
	RFC5011_START = 0,
	RFC5011_ADDPEND,
	RFC5011_VALID,
	RFC5011_MISSING,
	RFC5011_REVOKED,
	RFC5011_REMOVED
} rfc5011_state;

/* "start", "addpend", "valid", "missing", "revoked", "removed". */
const char *rfc5011_state_str(rfc5011_state s);
/* The state named s (as above), or -1. */
int rfc5011_state_parse(const char *s);

typedef struct rfc5011_key {
	uint16_t tag;           /* key tag of the key as last seen (revoked: +128) */
	uint8_t alg;
	rfc5011_state state;
	ldns_rr *dnskey;        /* the DNSKEY as last seen, owned; NULL when known
				 * only by its DS (a built-in or bootstrapped anchor
				 * not yet seen in a DNSKEY RRset) */
	ldns_rr *ds;            /* the DS it was bootstrapped from, owned, or NULL */
	int64_t first_seen;     /* when it was first seen (start of add hold-down) */
	int64_t last_change;    /* when it entered its current state */
	uint32_t seen_count;    /* validated observations that contained it */
	uint32_t missing_count; /* validated observations that did not */
} rfc5011_key;

typedef struct rfc5011_tp {
	ldns_rdf *zone;         /* trust point, owned ("." for the root) */
	rfc5011_key *keys;      /* owned */
	size_t n_keys;
	int64_t last_success;   /* last accepted DNSKEY RRset, 0 = never */
	int64_t last_attempt;   /* last step, accepted or not, 0 = never */
	int64_t next_probe;     /* when to look again (section 2.3) */
	int64_t high_water;     /* latest time ever given to rfc5011_step */
	uint32_t ttl;           /* original TTL of the last accepted RRset */
	int64_t sig_expiry;     /* earliest expiration of its verified RRSIGs */
} rfc5011_tp;

/* A new, empty trust point for zone (borrowed, copied).  Writes *out only on
 * success. */
int rfc5011_tp_new(const ldns_rdf *zone, rfc5011_tp **out);
void rfc5011_tp_free(rfc5011_tp *tp);
/* A deep copy; NULL when out of memory. */
rfc5011_tp *rfc5011_tp_clone(const rfc5011_tp *tp);

/*
 * Add an anchor known by its DS record (borrowed, copied) in Valid state:
 * the built-in anchors and a verified RFC 9718 bootstrap.  The key whose
 * DNSKEY matches the DS is trusted directly, without a hold-down
 * (section 2.4.1 applies to keys learnt from the zone, not to anchors
 * configured out of band).  DP_EINVAL if ds is not a DS of tp's zone,
 * DP_ELIMIT beyond RFC5011_MAX_KEYS.  A duplicate DS is ignored.
 */
int rfc5011_add_ds(rfc5011_tp *tp, const ldns_rr *ds, int64_t now);
/* 1 if ds names a key that tp holds as Revoked or Removed (so that a
 * bootstrap never brings a revoked key back), else 0. */
int rfc5011_ds_revoked(const rfc5011_tp *tp, const ldns_rr *ds);
/* Add a DNSKEY anchor directly in Valid state (same rules). */
int rfc5011_add_dnskey(rfc5011_tp *tp, const ldns_rr *dnskey, int64_t now);

/*
 * Signature check used by the state machine: DP_OK when rrsig is a valid
 * signature by dnskey over rrset at time now, DP_EVERIFY when not, another
 * code when it could not be checked.  The default, rfc5011_verify_default,
 * is dnssec.h's rrsig_verify with the default policy.
 */
typedef int (*rfc5011_verify_fn)(void *arg, const ldns_rr_list *rrset,
				 const ldns_rr *rrsig, const ldns_rr *dnskey,
				 int64_t now);
int rfc5011_verify_default(void *arg, const ldns_rr_list *rrset,
			   const ldns_rr *rrsig, const ldns_rr *dnskey, int64_t now);

typedef enum rfc5011_verdict {
	RFC5011_ACCEPTED = 0,   /* signed by a trust anchor; the state moved */
	RFC5011_REFUSED,        /* not signed by a trust anchor; no change */
	RFC5011_NO_ANSWER,      /* the probe failed (dnskeys == NULL); retry */
	RFC5011_REVOKED_ONLY    /* only the self-signature of a revoked anchor
				 * verified: the revocation was applied, nothing
				 * else (RFC 5011 section 2.1) */
} rfc5011_verdict;

typedef struct rfc5011_result {
	rfc5011_verdict verdict;
	int changed;            /* some key changed state */
	int clock_backwards;    /* now < high_water: timers were not advanced */
	char reason[384];       /* what happened, for people */
} rfc5011_result;

/*
 * One step of the state machine (RFC 5011 section 4) for the DNSKEY RRset
 * of old's trust point observed at time now.  dnskeys/rrsigs are the
 * answer's DNSKEY records and the RRSIGs covering them (borrowed); both
 * NULL means the probe failed (only the retry timer is set).  verify NULL
 * means rfc5011_verify_default.  *out gets a new trust point (malloced,
 * free with rfc5011_tp_free) in every case where DP_OK is returned, also
 * when the RRset was refused.  old is never modified.
 */
int rfc5011_step(const rfc5011_tp *old, const ldns_rr_list *dnskeys,
		 const ldns_rr_list *rrsigs, int64_t now,
		 rfc5011_verify_fn verify, void *verify_arg,
		 rfc5011_tp **out, rfc5011_result *res);

/* RFC 5011 section 2.3: active refresh.  sig_left is the time remaining
 * until the earliest expiration of the RRSIGs (<= 0: expired). */
int64_t rfc5011_query_interval(uint32_t ttl, int64_t sig_left);
int64_t rfc5011_retry_interval(uint32_t ttl, int64_t sig_left);

typedef enum rfc5011_health {
	RFC5011_HEALTH_OK = 0,
	RFC5011_HEALTH_WARNING,   /* a key is in AddPend or Missing */
	RFC5011_HEALTH_CRITICAL   /* no trusted key: re-bootstrap needed */
} rfc5011_health;

/* How the trust point stands; why (may be NULL) gets a sentence. */
rfc5011_health rfc5011_tp_health(const rfc5011_tp *tp, char *why, size_t whylen);

/* The trust anchors to validate with: the DNSKEYs (and, for anchors never
 * seen as a DNSKEY, the DS records) of the keys in Valid or Missing state.
 * *ds_out and *keys_out are malloced (ldns_rr_list_deep_free); either may
 * be empty.  DP_ENOTFOUND when no key is trusted. */
int rfc5011_tp_trusted(const rfc5011_tp *tp, ldns_rr_list **ds_out,
		       ldns_rr_list **keys_out);

#endif
