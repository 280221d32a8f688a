/* denial.c - authenticated denial (NSEC, NSEC3).  Placeholder: the
 * proofs are being written; until then every proof fails closed. */
#include "dnssec.h"

val_status denial_prove_nxdomain(const ldns_rdf *qname, const ldns_rr_list *nsecs,
				 const ldns_rdf *zone, const val_policy *pol,
				 ldns_rdf **ce_out, val_why *why)
{
	if (ce_out != NULL)
		*ce_out = NULL;
	val_why_set(why, VAL_EDE_NSEC_MISSING, "denial proofs not implemented yet");
	return VAL_BOGUS;
}

val_status denial_prove_nodata(const ldns_rdf *qname, ldns_rr_type qtype,
			       const ldns_rr_list *nsecs, const ldns_rdf *zone,
			       const val_policy *pol, val_why *why)
{
	val_why_set(why, VAL_EDE_NSEC_MISSING, "denial proofs not implemented yet");
	return VAL_BOGUS;
}

val_status denial_prove_no_ds(const ldns_rdf *child, const ldns_rr_list *nsecs,
			      const ldns_rdf *zone, const val_policy *pol,
			      int *insecure_delegation, val_why *why)
{
	if (insecure_delegation != NULL)
		*insecure_delegation = 0;
	val_why_set(why, VAL_EDE_NSEC_MISSING, "denial proofs not implemented yet");
	return VAL_BOGUS;
}

val_status denial_prove_wildcard(const ldns_rdf *qname,
				 const ldns_rdf *closest_encloser,
				 const ldns_rr_list *nsecs, const ldns_rdf *zone,
				 const val_policy *pol, val_why *why)
{
	val_why_set(why, VAL_EDE_NSEC_MISSING, "denial proofs not implemented yet");
	return VAL_BOGUS;
}

char *nsec3_hash_b32(const ldns_rdf *name, uint8_t alg, uint16_t iterations,
		     const uint8_t *salt, size_t salt_len)
{
	return NULL;
}
