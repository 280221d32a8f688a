/*
 * denial_int.h - what the NSEC (nsec.c) and NSEC3 (nsec3.c) proofs share
 * with the dispatch in denial.c.  Private to validator/.
 */
#ifndef DP_DENIAL_INT_H
#define DP_DENIAL_INT_H

#include <ldns/ldns.h>
#include "validator/dnssec.h"

enum { PROOF_NXDOMAIN, PROOF_NODATA, PROOF_NO_DS, PROOF_WILDCARD };

/* One proof asked of the records: what, for which name. */
typedef struct proof_args {
	int kind;
	const ldns_rdf *qname;
	ldns_rr_type qtype;
	const ldns_rdf *aux;     /* closest encloser for PROOF_WILDCARD */
	const ldns_rdf *nc;      /* PROOF_WILDCARD: the next closer name */
	ldns_rdf **ce_out;
	int *insecure;
} proof_args;

/* The proof from the NSEC records of zone among nsecs.  *used (0/1) says
 * whether there were any; when 0 the verdict is for the caller to give. */
val_status nsec_prove(const proof_args *a, const ldns_rr_list *nsecs,
		      const ldns_rdf *zone, int *used, val_why *why);

/* The proof from the NSEC3 records of zone (RFC 5155 8), under pol's
 * iteration limit and hash cap.  *used as above; *unknown_alg gets a hash
 * algorithm that made records be skipped (or -1). */
val_status nsec3_prove(const proof_args *a, const ldns_rr_list *nsecs,
		       const ldns_rdf *zone, const val_policy *pol, int *used,
		       int *unknown_alg, val_why *why);

/* ---- shared helpers (denial.c) ---- */

/* name is strictly below anc. */
int denial_name_below(const ldns_rdf *name, const ldns_rdf *anc);

/* The ancestor of name with n labels (n <= label count), malloced. */
ldns_rdf *denial_name_suffix(const ldns_rdf *name, unsigned n);

/* "*." + name, malloced. */
ldns_rdf *denial_name_wild(const ldns_rdf *name);

/* 1 if the type bitmap (RFC 4034 4.1.2) bm has type t. */
int denial_bitmap_has(const ldns_rdf *bm, ldns_rr_type t);

/* val_why_set with fmt's one %s filled by name. */
void denial_why_name(val_why *why, val_ede ede, const char *fmt, const ldns_rdf *name);

/* 1 if a matching NSEC/NSEC3 (kind) with bitmap bm proves NODATA for
 * (name, qtype); else 0 with why. */
int denial_bitmap_nodata(const ldns_rdf *bm, const char *kind, ldns_rr_type qtype,
			 const ldns_rdf *name, val_why *why);

/* VAL_BOGUS: "no <kind> proves that qname/qtype does not exist". */
val_status denial_no_proof(const char *kind, const ldns_rdf *qname, ldns_rr_type qtype,
			   val_why *why);

#endif