/*
 * vtrace_int.h - how trust.c and answer.c fill the structured record of
 * vtrace.h (vtrace.c).  Private to validator/.  Every function does
 * nothing when the context has no record lent to it.
 */
#ifndef DP_VTRACE_INT_H
#define DP_VTRACE_INT_H

#include "validator/chain_int.h"
#include "validator/vtrace.h"

/* The DNSKEY set of zone as examined (keys, the RRSIGs over it, and the
 * DS set it was checked against: the anchor's when anchored, else the
 * parent's, whose records are marked by the key they match). */
void vt_rec_keys(val_ctx *ctx, const ldns_rdf *zone, const ldns_rr_list *keys,
		 const ldns_rr_list *sigs, const ldns_rr_list *ds);
/* The final verdict on zone's DNSKEY set. */
void vt_rec_zone(val_ctx *ctx, const ldns_rdf *zone, const verdict *v);
/* The DS step at name (p: the answer, for the NSEC/NSEC3 of a no-DS proof). */
void vt_rec_ds(val_ctx *ctx, const ldns_rdf *name, const ldns_rdf *parent, vt_ds_kind kind,
	       const verdict *v, const ldns_rr_list *ds, const ldns_rr_list *sigs,
	       const ldns_pkt *p);
/* An RRset answer (also a CNAME/DNAME link) and its RRSIGs. */
void vt_rec_answer(val_ctx *ctx, const ldns_rdf *owner, ldns_rr_type type,
		   const ldns_rr_list *set, const ldns_rr_list *sigs, const ldns_rdf *signer,
		   const verdict *v);
/* A denial (NXDOMAIN when nx, else NODATA) and the NSEC/NSEC3 of p. */
void vt_rec_denial(val_ctx *ctx, const ldns_rdf *name, ldns_rr_type type, int nx,
		   const ldns_pkt *p, const ldns_rdf *zone, const verdict *v);

#endif
