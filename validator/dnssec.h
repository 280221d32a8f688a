/*
 * dnssec.h - DNSSEC primitives: key tags, DS digests, RRSIG verification,
 * authenticated denial (NSEC, NSEC3).  Pure functions: records and a time
 * in, a verdict and a reason out.  No sockets, no clock, no printing.
 *
 * Records are ldns types (ldns does the wire format); the checks are ours.
 * Unless a prototype says otherwise, arguments are borrowed: the caller
 * keeps ownership and the callee keeps no pointer after it returns.
 */
#ifndef DP_DNSSEC_H
#define DP_DNSSEC_H

#include <stdint.h>
#include <ldns/ldns.h>
#include "validator/dp_err.h"

/* DNSSEC verdicts.  INDETERMINATE means "could not check" (no answer,
 * no anchor), which is kept apart from BOGUS (checked and failed). */
typedef enum val_status {
	VAL_SECURE = 0,
	VAL_INSECURE,
	VAL_BOGUS,
	VAL_INDETERMINATE
} val_status;

/* "secure", "insecure", "bogus", "indeterminate". */
const char *val_status_str(val_status s);

/* Extended DNS Error codes (RFC 8914 section 4) used by the validator. */
typedef enum val_ede {
	VAL_EDE_NONE = -1,
	VAL_EDE_OTHER = 0,
	VAL_EDE_UNSUPPORTED_DNSKEY_ALG = 1,
	VAL_EDE_UNSUPPORTED_DS_DIGEST = 2,
	VAL_EDE_DNSSEC_INDETERMINATE = 5,
	VAL_EDE_DNSSEC_BOGUS = 6,
	VAL_EDE_SIGNATURE_EXPIRED = 7,
	VAL_EDE_SIGNATURE_NOT_YET_VALID = 8,
	VAL_EDE_DNSKEY_MISSING = 9,
	VAL_EDE_RRSIGS_MISSING = 10,
	VAL_EDE_NO_ZONE_KEY_BIT = 11,
	VAL_EDE_NSEC_MISSING = 12,
	VAL_EDE_NO_REACHABLE_AUTHORITY = 22,
	VAL_EDE_UNSUPPORTED_NSEC3_ITERATIONS = 27
} val_ede;

/* Why a check failed: an EDE code and a sentence a person can act on,
 * naming the record and the step ("RRSIG for example.org/MX expired
 * 2026-11-01 00:00:00 (key 12345)"). */
typedef struct val_why {
	val_ede ede;
	char text[512];
} val_why;

/* Fill why (if not NULL) with ede and a printf-style message. */
void val_why_set(val_why *why, val_ede ede, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Work done for one lookup, counted against the policy's caps, so that
 * a hostile answer costs a bounded amount of CPU: KeyTrap (CVE-2023-50387,
 * many keys with one key tag times many RRSIGs) and NSEC3 closest-encloser
 * hashing (CVE-2023-50868, many labels times many iterations). */
typedef struct val_work {
	unsigned sig_checks;     /* RRSIG x DNSKEY pairs tried */
	unsigned nsec3_hashes;   /* NSEC3 names hashed */
} val_work;

/* Validation policy knobs. */
typedef struct val_policy {
	/* RFC 9276: NSEC3 with more iterations than this is treated as
	 * insecure (not bogus).  Default 150 (what unbound 1.17 does for
	 * every key size). */
	unsigned nsec3_max_iterations;
	/* Allowed clock skew in seconds for RRSIG validity windows. */
	unsigned skew_seconds;
	/* RRSIG x DNSKEY pairs tried for one RRset before it is bogus
	 * (default 8: a rollover needs 2 or 3; KeyTrap needs thousands). */
	unsigned max_sig_checks_per_rrset;
	/* Pairs tried in one lookup (in *work) before it is indeterminate
	 * (default 128; a lookup through 8 CNAMEs in 5-level zones needs
	 * about 80). */
	unsigned max_sig_checks;
	/* NSEC3 hashes in one lookup (in *work) before it is indeterminate
	 * (default 128: a closest-encloser proof hashes one name per label
	 * between the name and its zone). */
	unsigned max_nsec3_hashes;
	/* The counters the caps above apply to; NULL: no per-lookup caps
	 * (the per-RRset cap still holds).  Points at caller-owned memory
	 * that the functions taking this policy update. */
	val_work *work;
} val_policy;

/* A policy with the defaults above. */
void val_policy_default(val_policy *p);

/* ---- keys and digests (validator/keytag.c, validator/ds.c) ---- */

/* RFC 4034 appendix B key tag of a DNSKEY RR. */
uint16_t dnskey_tag(const ldns_rr *dnskey);

/* 1 if this build and the platform's crypto policy can verify
 * signatures of algorithm alg (RFC 8624 numbers), else 0. */
int val_alg_supported(uint8_t alg);

/* 1 if DS digest type dt (1 SHA-1, 2 SHA-256, 4 SHA-384) is supported. */
int val_digest_supported(uint8_t dt);

/* DP_OK if ds matches dnskey (owner, tag, algorithm, digest);
 * DP_EVERIFY if not; DP_EUNSUPPORTED for an unknown digest type. */
int ds_match(const ldns_rr *ds, const ldns_rr *dnskey);

/* ---- signatures (validator/rrsig.c) ---- */

/* Cache of parsed public keys (DNSKEY rdata -> EVP_PKEY), so each key
 * is decoded once per run.  Not thread-safe: one per thread. */
typedef struct val_keycache val_keycache;
int val_keycache_new(val_keycache **out);
void val_keycache_free(val_keycache *kc);
/* At most max decoded keys (default 4096): the next new key flushes them
 * all, so a long run over distinct zones holds no more than that. */
void val_keycache_set_max(val_keycache *kc, size_t max);

/*
 * Verify one RRSIG over rrset with one DNSKEY at time now (RFC 4035 5.3):
 * signer/owner/type/labels/algorithm/tag checks, validity window, canonical
 * form (RFC 4034 6.2, original TTL, wildcard label expansion), then the
 * signature through OpenSSL EVP.  kc may be NULL.
 * Returns DP_OK, DP_EVERIFY (bad or expired: why says which),
 * DP_EUNSUPPORTED (algorithm not available here), or DP_ENOMEM / DP_ECRYPTO
 * when memory or the crypto library failed: those say nothing about the
 * signature (why has EDE 5, DNSSEC Indeterminate).
 */
int rrsig_verify(const ldns_rr_list *rrset, const ldns_rr *rrsig,
		 const ldns_rr *dnskey, int64_t now, const val_policy *pol,
		 val_keycache *kc, val_why *why);

/*
 * Verify rrset with any of rrsigs (the RRSIGs that cover its type; others
 * are ignored) against any key of dnskeys that has the zone key bit.
 * VAL_SECURE if one verifies; VAL_BOGUS with why otherwise (RRSIGs missing,
 * expired, no matching key, bad signature); VAL_INSECURE if every RRSIG
 * uses an algorithm that is not supported (RFC 4035 5.2, RFC 6840 5.2);
 * VAL_INDETERMINATE (EDE 5) when none verified and one could not be checked
 * (out of memory, crypto library failure).
 * If signer_out is not NULL it receives the signer name of the RRSIG that
 * verified (borrowed from rrsigs).
 */
val_status rrset_verify(const ldns_rr_list *rrset, const ldns_rr_list *rrsigs,
			const ldns_rr_list *dnskeys, int64_t now,
			const val_policy *pol, val_keycache *kc,
			const ldns_rdf **signer_out, val_why *why);

/*
 * Validate a zone's DNSKEY RRset from its DS RRset or trust-anchor keys
 * (RFC 4035 5.2): some DS (or anchor DNSKEY) must match a DNSKEY with the
 * SEP-or-not zone key that signs the DNSKEY RRset.  anchors_ds and
 * anchor_keys may each be NULL.  VAL_INSECURE when no DS uses a supported
 * algorithm/digest; VAL_BOGUS with why when none matches or verifies.
 */
val_status dnskey_verify(const ldns_rr_list *dnskeys, const ldns_rr_list *rrsigs,
			 const ldns_rr_list *anchors_ds,
			 const ldns_rr_list *anchor_keys, int64_t now,
			 const val_policy *pol, val_keycache *kc, val_why *why);

/* ---- authenticated denial (validator/denial.c) ---- */

/*
 * The denial functions take NSEC or NSEC3 records whose signatures the
 * caller has already verified, all from the zone `zone`.  They return
 * VAL_SECURE when the proof holds, VAL_INSECURE when it holds only through
 * an NSEC3 opt-out span or when NSEC3 iterations exceed the policy
 * (RFC 9276; why has EDE 27), VAL_BOGUS with why when it does not hold.
 */

/* qname does not exist (RFC 4035 5.4, RFC 5155 8.4): covering record and
 * no wildcard.  *ce_out (may be NULL) gets the closest encloser, malloced,
 * caller frees with ldns_rdf_deep_free. */
val_status denial_prove_nxdomain(const ldns_rdf *qname, const ldns_rr_list *nsecs,
				 const ldns_rdf *zone, const val_policy *pol,
				 ldns_rdf **ce_out, val_why *why);

/* qname exists but has no qtype (RFC 4035 5.4, RFC 5155 8.5-8.7),
 * including wildcard NODATA and an empty non-terminal. */
val_status denial_prove_nodata(const ldns_rdf *qname, ldns_rr_type qtype,
			       const ldns_rr_list *nsecs, const ldns_rdf *zone,
			       const val_policy *pol, val_why *why);

/* For a DS query at child: VAL_SECURE with *insecure_delegation=1 when the
 * records prove a delegation without DS (NS bit set, DS and SOA bits clear,
 * or an opt-out span, RFC 5155 8.6), *insecure_delegation=0 when they prove
 * child is not a delegation at all (no NS bit). */
val_status denial_prove_no_ds(const ldns_rdf *child, const ldns_rr_list *nsecs,
			      const ldns_rdf *zone, const val_policy *pol,
			      int *insecure_delegation, val_why *why);

/* A positive answer synthesised from a wildcard (RRSIG labels < owner
 * labels): prove that qname itself does not exist (RFC 4035 5.3.4,
 * RFC 5155 8.8).  closest_encloser is the wildcard's parent. */
val_status denial_prove_wildcard(const ldns_rdf *qname,
				 const ldns_rdf *closest_encloser,
				 const ldns_rr_list *nsecs, const ldns_rdf *zone,
				 const val_policy *pol, val_why *why);

/* RFC 5155 section 5 hash of name, as a base32hex owner label
 * (lowercase, no padding), malloced: caller frees.  NULL on error. */
char *nsec3_hash_b32(const ldns_rdf *name, uint8_t alg, uint16_t iterations,
		     const uint8_t *salt, size_t salt_len);

/* When the last RRSIG of sigs expires, as the POSIX time nearest to now
 * (RFC 4034 3.1.5 serial arithmetic): the RRset stays verifiable until
 * then (RFC 4035 5.3.1 needs one valid signature).  0 when sigs holds no
 * RRSIG.  For warnings before signatures run out (issue 13). */
int64_t val_rrsigs_last_expiration(const ldns_rr_list *sigs, int64_t now);

#endif
