/*
 * denial.c - authenticated denial of existence: which proof to run, and
 * what the NSEC (nsec.c) and NSEC3 (nsec3.c) proofs share.
 *
 * The caller has verified the signatures of the records it passes, and
 * passes only records its zone signed (chain.c, RFC 4035 5.3.4 and 5.4);
 * we check that they say what the caller claims.  Records that are not
 * NSEC/NSEC3, not in the zone, or (NSEC3) that use an unknown hash
 * algorithm or flags are ignored, as RFC 5155 8.1 and 8.2 ask.
 *
 * When NSEC3 records are present we use only them: a zone is signed with
 * one or the other, and mixing would let an attacker pick the weaker.
 */
#include <stdlib.h>
#include <string.h>

#include "validator/dnssec.h"
#include "validator/dnssec_int.h"
#include "validator/denial_int.h"

/* ---- small name helpers ---- */

/* Strictly below. */
int denial_name_below(const ldns_rdf *name, const ldns_rdf *anc)
{
	return val_name_under(name, anc) && !val_name_eq(name, anc);
}

/* The ancestor of name with n labels (n <= label count), malloced. */
ldns_rdf *denial_name_suffix(const ldns_rdf *name, unsigned n)
{
	unsigned have = ldns_dname_label_count(name);

	if (n > have)
		return NULL;
	return ldns_dname_clone_from(name, (uint16_t)(have - n));
}

/* "*." + name, malloced. */
ldns_rdf *denial_name_wild(const ldns_rdf *name)
{
	ldns_rdf *star = ldns_dname_new_frm_str("*"), *w;

	if (star == NULL)
		return NULL;
	w = ldns_dname_cat_clone(star, name);
	ldns_rdf_deep_free(star);
	return w;
}
/* ---- type bitmaps (RFC 4034 4.1.2) ---- */

int denial_bitmap_has(const ldns_rdf *bm, ldns_rr_type t)
{
	const uint8_t *d;
	size_t n, off = 0;
	unsigned win = (unsigned)t >> 8, bit = (unsigned)t & 0xFF;

	if (bm == NULL)
		return 0;
	d = ldns_rdf_data(bm);
	n = ldns_rdf_size(bm);
	while (off + 2 <= n) {
		unsigned w = d[off], len = d[off + 1];
		if (len == 0 || len > 32 || off + 2 + len > n)
			return 0;
		if (w == win)
			return bit / 8 < len && (d[off + 2 + bit / 8] & (0x80 >> (bit % 8)));
		off += 2 + len;
	}
	return 0;
}

/* ---- reasons ---- */

void denial_why_name(val_why *why, val_ede ede, const char *fmt,
		     const ldns_rdf *name)
{
	char s[300];

	val_dname_str(name, s, sizeof(s));
	val_why_set(why, ede, fmt, s);
}

/* A matching NSEC or NSEC3 (kind says which, for the reason) at name
 * whose type bitmap bm shows no qtype (and no CNAME) proves NODATA,
 * unless it is the parent side of a delegation and the type is not DS
 * (RFC 4035 5.4, RFC 6840 4.4, RFC 5155 8.5), or the child side (SOA
 * bit) and the type is DS. */
int denial_bitmap_nodata(const ldns_rdf *bm, const char *kind, ldns_rr_type qtype,
				const ldns_rdf *name, val_why *why)
{
	char n[300], t[32];

	val_dname_str(name, n, sizeof(n));
	val_rrtype_str(qtype, t, sizeof(t));
	if (denial_bitmap_has(bm, qtype)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s for %s shows that type %s exists (NODATA claimed)", kind, n, t);
		return 0;
	}
	if (denial_bitmap_has(bm, LDNS_RR_TYPE_CNAME)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s for %s shows a CNAME (NODATA for %s claimed)", kind, n, t);
		return 0;
	}
	if (qtype != LDNS_RR_TYPE_DS && denial_bitmap_has(bm, LDNS_RR_TYPE_NS) &&
	    !denial_bitmap_has(bm, LDNS_RR_TYPE_SOA)) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s for %s is from the parent side of a delegation and cannot deny %s",
			    kind, n, t);
		return 0;
	}
	/* RFC 4035 3.1.4.1: DS lives in the parent, so the child's apex
	 * record (SOA bit) cannot deny it -- except at the root, which has
	 * no parent: its own apex NSEC is the proof that it has no DS. */
	if (qtype == LDNS_RR_TYPE_DS && denial_bitmap_has(bm, LDNS_RR_TYPE_SOA) &&
	    ldns_dname_label_count(name) > 0) {
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s for %s is from the child zone (SOA bit) and cannot deny DS", kind, n);
		return 0;
	}
	return 1;
}

/* The end of a NODATA proof that found nothing: kind is NSEC or NSEC3. */
val_status denial_no_proof(const char *kind, const ldns_rdf *qname, ldns_rr_type qtype,
				  val_why *why)
{
	char n[300], t[32];

	val_dname_str(qname, n, sizeof(n));
	val_rrtype_str(qtype, t, sizeof(t));
	val_why_set(why, VAL_EDE_NSEC_MISSING, "no %s proves that %s/%s does not exist", kind, n, t);
	return VAL_BOGUS;
}

/* ======================== dispatch ======================== */

/* RFC 4035 5.4, RFC 5155 8: only records of the zone that holds qname can
 * deny it; a wildcard answer's closest encloser is an ancestor of qname
 * in that zone, and the next closer name is one label below it (RFC 5155
 * 1.3).  VAL_SECURE to go on, with *nc set for a wildcard proof. */
static val_status prove_args(const proof_args *a, const ldns_rdf *zone, ldns_rdf **nc,
			     val_why *why)
{
	char q[300], z[300];

	*nc = NULL;
	if (a->qname == NULL || zone == NULL) {
		val_why_set(why, VAL_EDE_OTHER, "denial proof without a name or zone");
		return VAL_BOGUS;
	}
	if (!val_name_under(a->qname, zone)) {
		val_dname_str(a->qname, q, sizeof(q));
		val_dname_str(zone, z, sizeof(z));
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "%s is not in zone %s: its records cannot deny it", q, z);
		return VAL_BOGUS;
	}
	if (a->kind != PROOF_WILDCARD)
		return VAL_SECURE;
	if (a->aux == NULL || !denial_name_below(a->qname, a->aux) ||
	    !val_name_under(a->aux, zone)) {
		denial_why_name(why, VAL_EDE_DNSSEC_BOGUS,
				"wildcard answer for %s without a valid closest encloser", a->qname);
		return VAL_BOGUS;
	}
	*nc = denial_name_suffix(a->qname, ldns_dname_label_count(a->aux) + 1u);
	if (*nc == NULL) {
		val_why_set(why, VAL_EDE_OTHER, "out of memory in denial proof");
		return VAL_INDETERMINATE;
	}
	return VAL_SECURE;
}

/* No usable record at all: bogus.  RFC 5155 8.1: NSEC3 RRs with an
 * unknown hash algorithm are ignored, and "responses containing only such
 * NSEC3 RRs will generally be considered bogus" -- the denial of a signed
 * zone is unproved, it does not make the zone unsigned (that is RFC 4035
 * 5.2's rule for unknown DNSKEY/DS *signature* algorithms, which a
 * parent's DS announces; nothing announces a zone's NSEC3 hash). */
static val_status no_records(const proof_args *a, const ldns_rdf *zone, int unknown_alg,
			     val_why *why)
{
	char q[300], z[300];

	val_dname_str(a->qname, q, sizeof(q));
	val_dname_str(zone, z, sizeof(z));
	if (unknown_alg >= 0) {
		val_why_set(why, VAL_EDE_NSEC_MISSING,
			    "NSEC3 for %s uses only unknown hash algorithm %d, which proves nothing "
			    "about %s (RFC 5155 8.1)", z, unknown_alg, q);
		return VAL_BOGUS;
	}
	val_why_set(why, VAL_EDE_NSEC_MISSING,
		    "no NSEC or NSEC3 records from %s to prove the denial for %s", z, q);
	return VAL_BOGUS;
}

static val_status prove(const proof_args *args, const ldns_rr_list *nsecs,
			const ldns_rdf *zone, const val_policy *pol, val_why *why)
{
	val_policy defpol;
	proof_args a = *args;
	ldns_rdf *nc = NULL;
	int used = 0, unknown_alg = -1;
	val_status st;

	if (pol == NULL) {
		val_policy_default(&defpol);
		pol = &defpol;
	}
	if ((st = prove_args(&a, zone, &nc, why)) != VAL_SECURE)
		return st;
	a.nc = nc;
	st = nsec3_prove(&a, nsecs, zone, pol, &used, &unknown_alg, why);
	if (!used)
		st = nsec_prove(&a, nsecs, zone, &used, why);
	if (!used)
		st = no_records(&a, zone, unknown_alg, why);
	ldns_rdf_deep_free(nc);
	return st;
}

/* prove(), with why emptied when the proof holds. */
static val_status prove_clean(const proof_args *a, const ldns_rr_list *nsecs,
			      const ldns_rdf *zone, const val_policy *pol,
			      val_why *why)
{
	val_status st = prove(a, nsecs, zone, pol, why);

	if (st == VAL_SECURE)
		val_why_set(why, VAL_EDE_NONE, "%s", "");
	return st;
}

val_status denial_prove_nxdomain(const ldns_rdf *qname, const ldns_rr_list *nsecs,
				 const ldns_rdf *zone, const val_policy *pol,
				 ldns_rdf **ce_out, val_why *why)
{
	proof_args a = { PROOF_NXDOMAIN, qname, 0, NULL, NULL, NULL, NULL };
	ldns_rdf *ce = NULL;
	val_status st;

	if (ce_out != NULL)
		*ce_out = NULL;
	a.ce_out = &ce;
	st = prove_clean(&a, nsecs, zone, pol, why);
	if (st != VAL_BOGUS && st != VAL_INDETERMINATE && ce_out != NULL)
		*ce_out = ce;
	else
		ldns_rdf_deep_free(ce);
	return st;
}

val_status denial_prove_nodata(const ldns_rdf *qname, ldns_rr_type qtype,
			       const ldns_rr_list *nsecs, const ldns_rdf *zone,
			       const val_policy *pol, val_why *why)
{
	proof_args a = { PROOF_NODATA, qname, qtype, NULL, NULL, NULL, NULL };

	return prove_clean(&a, nsecs, zone, pol, why);
}

val_status denial_prove_no_ds(const ldns_rdf *child, const ldns_rr_list *nsecs,
			      const ldns_rdf *zone, const val_policy *pol,
			      int *insecure_delegation, val_why *why)
{
	int insecure = 0;
	proof_args a = { PROOF_NO_DS, child, LDNS_RR_TYPE_DS, NULL, NULL, NULL, &insecure };
	val_status st = prove_clean(&a, nsecs, zone, pol, why);

	if (insecure_delegation != NULL)
		*insecure_delegation = st == VAL_SECURE ? insecure : 0;
	return st;
}

val_status denial_prove_wildcard(const ldns_rdf *qname,
				 const ldns_rdf *closest_encloser,
				 const ldns_rr_list *nsecs, const ldns_rdf *zone,
				 const val_policy *pol, val_why *why)
{
	proof_args a = { PROOF_WILDCARD, qname, 0, closest_encloser, NULL, NULL, NULL };

	return prove_clean(&a, nsecs, zone, pol, why);
}
