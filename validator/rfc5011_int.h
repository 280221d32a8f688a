/*
 * rfc5011_int.h - what rfc5011.c (records, timers, trust points) offers
 * the state machine step in rfc5011_step.c.  Private to validator/.
 */
#ifndef DP_RFC5011_INT_H
#define DP_RFC5011_INT_H

#include <stdint.h>
#include <ldns/ldns.h>
#include "validator/rfc5011.h"

/* The algorithm of a DNSKEY (0 when malformed). */
uint8_t r5_key_alg(const ldns_rr *k);
/* The REVOKE bit (RFC 5011 section 3) is set. */
int r5_is_revoked(const ldns_rr *k);
/* A well-formed DNSKEY of zone with the zone key and SEP bits: what a
 * trust point tracks (RFC 5011 section 2). */
int r5_is_tracked_dnskey(const ldns_rr *k, const ldns_rdf *zone);
/* The entry is this key: same key material with the REVOKE bit masked
 * out, or (an entry known only by DS) a DS that names it. */
int r5_entry_matches(const rfc5011_key *e, const ldns_rr *k);
/* Valid and Missing keys are trusted (RFC 5011 section 4). */
int r5_is_trusted_state(rfc5011_state s);
/* RRSIG expiration as 64-bit time near now (RFC 4034 3.1.5 serial
 * arithmetic). */
int64_t r5_sig_expiration(const ldns_rr *sig, int64_t now);
/* A new zeroed entry at the end of tp's keys in *slot; DP_ELIMIT past
 * RFC5011_MAX_KEYS, DP_ENOMEM. */
int r5_tp_append(rfc5011_tp *tp, rfc5011_key **slot);
int64_t r5_max64(int64_t a, int64_t b);
/* When to ask again after a failed query: the retry interval of RFC 5011
 * 2.3, or an hour when the TTL or signature lifetime is unknown. */
int64_t r5_retry_at(const rfc5011_tp *tp, int64_t now);

#endif
