/*
 * proofs.c - the NSEC and NSEC3 records a step may use: only those the
 * step's own zone signed, verified with that zone's keys (RFC 4035 5.3.4
 * and 5.4, RFC 5155 8), with wildcard-expanded records put back at their
 * wildcard (RFC 4035 5.3.2, RFC 4592 4.2).  What they prove is decided in
 * denial.c, nsec.c and nsec3.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/chain_int.h"
#include "validator/dnssec_int.h"

/* "*." and the rightmost labels of owner (malloced): the wildcard an RRSIG
 * with that labels field was made for (RFC 4034 3.1.3, RFC 4035 5.3.2). */
static ldns_rdf *wildcard_of(const ldns_rdf *owner, unsigned labels)
{
	ldns_rdf *star = ldns_dname_new_frm_str("*");
	ldns_rdf *suffix = ldns_dname_clone_from(owner,
		(uint16_t)(ldns_dname_label_count(owner) - labels));
	ldns_rdf *w = star && suffix ? ldns_dname_cat_clone(star, suffix) : NULL;

	ldns_rdf_deep_free(star);
	ldns_rdf_deep_free(suffix);
	return w;
}

/* The smallest labels field among sigs (the owner's count when none is
 * smaller). */
unsigned min_sig_labels(const ldns_rr_list *sigs, unsigned ol)
{
	unsigned minl = ol;

	for (size_t i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
		const ldns_rdf *f = ldns_rr_rrsig_labels(ldns_rr_list_rr(sigs, i));
		unsigned l = f ? ldns_rdf2native_int8(f) : ol;
		if (l < minl)
			minl = l;
	}
	return minl;
}

/* The RRSIGs of sigs whose signer is zone (clones, malloced). */
static ldns_rr_list *sigs_by(const ldns_rr_list *sigs, const ldns_rdf *zone)
{
	ldns_rr_list *out = ldns_rr_list_new();

	for (size_t i = 0; out && i < ldns_rr_list_rr_count(sigs); i++) {
		ldns_rr *s = ldns_rr_list_rr(sigs, i);
		if (val_name_eq(ldns_rr_rrsig_signame(s), zone))
			ldns_rr_list_push_rr(out, ldns_rr_clone(s));
	}
	return out;
}

/* One NSEC/NSEC3 RRset (owner, type) of zone in p, verified with keys and
 * added to res.  Re-homed to its wildcard when its RRSIG shows a wildcard
 * expansion (note says so).  VAL_SECURE when added or not ours to judge,
 * else the verdict with v set. */
static val_status denial_set(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *zone,
			     const ldns_rr_list *keys, const ldns_rdf *owner, ldns_rr_type type,
			     ldns_rr_list *res, char *note, size_t note_len, verdict *v)
{
	ldns_rr_list *set = msg_pick(p, LDNS_SECTION_AUTHORITY, owner, type, 0);
	ldns_rr_list *all = msg_pick(p, LDNS_SECTION_AUTHORITY, owner, LDNS_RR_TYPE_RRSIG, type);
	ldns_rr_list *sigs = sigs_by(all, zone);
	val_status st = VAL_SECURE;
	val_why why = { VAL_EDE_NONE, "" };
	nbuf nb, wb;
	char tb[16];

	val_rrtype_str(type, tb, sizeof tb);
	if (!set || !all || !sigs) {
		vset(v, st = VAL_INDETERMINATE, VAL_EDE_OTHER, "out of memory");
	} else if (ldns_rr_list_rr_count(all) == 0 && val_name_under(owner, zone)) {
		vset(v, st = VAL_BOGUS, VAL_EDE_RRSIGS_MISSING, "RRSIG missing for %s/%s",
		     NAME(owner, nb), tb);
	} else if (ldns_rr_list_rr_count(sigs) == 0) {
		/* RFC 4035 5.3.4 and 5.4, RFC 5155 8: a proof counts only in
		 * its own signer's zone; another zone's records (the target
		 * of a CNAME, a parent's NSEC) are left to the step that
		 * needs them, and judged there with that zone's keys. */
	} else if ((st = verify_set(ctx, set, sigs, keys, &why)) != VAL_SECURE) {
		vset(v, st, why.ede, "%s/%s: %s", NAME(owner, nb), tb, why.text);
	} else {
		/* RFC 4035 5.3.2, RFC 4592 4.2 (issue 10, finding 1): an
		 * NSEC whose RRSIG labels are fewer than its owner's was
		 * expanded from the wildcard; it is that wildcard's NSEC and
		 * proves only that the wildcard exists -- never that the
		 * expanded name, its types or a delegation there do not. */
		unsigned ol = owner_labels(owner), minl = min_sig_labels(sigs, ol);
		ldns_rdf *w = minl < ol ? wildcard_of(owner, minl) : NULL;
		for (size_t i = 0; i < ldns_rr_list_rr_count(set) && w; i++) {
			ldns_rr *rr = ldns_rr_list_rr(set, i);
			ldns_rdf_deep_free(ldns_rr_owner(rr));
			ldns_rr_set_owner(rr, ldns_rdf_clone(w));
		}
		if (w) {
			snprintf(note, note_len, "the %s at %s was expanded from the wildcard %s "
				 "(RRSIG labels %u): it proves only that the wildcard exists "
				 "(RFC 4035 5.3.2, RFC 4592 4.2)", tb, NAME(owner, nb),
				 NAME(w, wb), minl);
			ctx_trace(ctx, "%s", note);
		}
		ldns_rdf_deep_free(w);
		ldns_rr_list_push_rr_list(res, set);
		ldns_rr_list_free(set);
		set = NULL;
	}
	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(all);
	ldns_rr_list_deep_free(sigs);
	return st;
}

/*
 * The NSEC and NSEC3 records of the authority section that zone signed,
 * verified with its keys, in *out (malloced).  note (may stay empty) gets
 * a sentence about records re-homed to a wildcard.  VAL_SECURE, or the
 * verdict of the first record that fails, with v naming it.
 */
val_status verified_denial(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *zone,
				  const ldns_rr_list *keys, ldns_rr_list **out,
				  char *note, size_t note_len, verdict *v)
{
	static const ldns_rr_type types[] = { LDNS_RR_TYPE_NSEC, LDNS_RR_TYPE_NSEC3 };
	ldns_rr_list *res = ldns_rr_list_new();
	val_status st = VAL_SECURE;

	note[0] = '\0';
	if (!res) {
		vset(v, VAL_INDETERMINATE, VAL_EDE_OTHER, "out of memory");
		return VAL_INDETERMINATE;
	}
	for (size_t t = 0; t < 2 && st == VAL_SECURE; t++) {
		ldns_rr_list *recs = msg_pick(p, LDNS_SECTION_AUTHORITY, NULL, types[t], 0);
		for (size_t i = 0; recs && i < ldns_rr_list_rr_count(recs) && st == VAL_SECURE; i++) {
			const ldns_rdf *owner = ldns_rr_owner(ldns_rr_list_rr(recs, i));
			int seen = 0;
			for (size_t j = 0; j < i; j++)
				seen |= val_name_eq(ldns_rr_owner(ldns_rr_list_rr(recs, j)), owner);
			if (!seen)
				st = denial_set(ctx, p, zone, keys, owner, types[t], res,
						note, note_len, v);
		}
		ldns_rr_list_deep_free(recs);
	}
	if (st != VAL_SECURE) {
		ldns_rr_list_deep_free(res);
		return st;
	}
	*out = res;
	return VAL_SECURE;
}

/* The zone that signed the denial of name: the deepest signer of an
 * NSEC/NSEC3 RRSIG in the authority section that encloses name (a CNAME
 * chain's message holds the proofs of several zones). */
ldns_rdf *denial_signer(const ldns_pkt *p, const ldns_rdf *name)
{
	ldns_rr_list *sigs = msg_pick(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_RRSIG, 0);
	const ldns_rdf *best = NULL;

	for (size_t i = 0; sigs && i < ldns_rr_list_rr_count(sigs); i++) {
		ldns_rr *s = ldns_rr_list_rr(sigs, i);
		ldns_rr_type t = sig_covered(s);
		const ldns_rdf *sn = ldns_rr_rrsig_signame(s);
		if ((t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3) && sn &&
		    val_name_under(name, sn) &&
		    (!best || ldns_dname_label_count(sn) > ldns_dname_label_count(best)))
			best = sn;
	}
	ldns_rdf *signer = best ? ldns_rdf_clone(best) : NULL;
	ldns_rr_list_deep_free(sigs);
	return signer;
}

int has_denial(const ldns_pkt *p)
{
	ldns_rr_list *a = msg_pick(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_NSEC, 0);
	ldns_rr_list *b = msg_pick(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_NSEC3, 0);
	int n = (int)(ldns_rr_list_rr_count(a) + ldns_rr_list_rr_count(b));
	ldns_rr_list_deep_free(a);
	ldns_rr_list_deep_free(b);
	return n > 0;
}
