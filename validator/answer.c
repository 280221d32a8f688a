/*
 * answer.c - one step's answer: a signed RRset (RFC 4035 5.3, with the
 * proof a wildcard expansion needs, 5.3.4), an unsigned one (insecure only
 * under a proved insecure delegation, else bogus: a resolver that strips
 * RRSIGs must not downgrade a signed zone), or a denial (RFC 4035 5.4,
 * RFC 5155 8) proved by the zone that signed it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/chain_int.h"
#include "validator/dnssec_int.h"
#include "validator/vtrace_int.h"

/*
 * An RRset without RRSIGs is insecure only under a proved insecure
 * delegation; in a signed zone it is bogus, and the reason names the
 * missing RRSIG first, as an operator looks for it.
 */
static verdict unsigned_rrset(val_ctx *ctx, const ldns_rdf *owner, ldns_rr_type type)
{
	verdict w = prove_insecure(ctx, owner);
	verdict v;
	nbuf nb;
	char tb[32];

	val_rrtype_str(type, tb, sizeof tb);
	if (w.status == VAL_INSECURE) {
		vset(&v, VAL_INSECURE, VAL_EDE_NONE, "unsigned: %s", w.why.text);
		v.fetch_error = 0;
		return v;
	}
	if (w.status == VAL_SECURE) {
		vset(&v, VAL_BOGUS, VAL_EDE_RRSIGS_MISSING, "RRSIG missing for %s/%s",
		     NAME(owner, nb), tb);
		v.fetch_error = 0;
		return v;
	}
	if (w.status == VAL_INDETERMINATE)
		return w;
	char mine[LDNS_MAX_DOMAINLEN + 64];
	snprintf(mine, sizeof mine, "RRSIG missing for %s/%s", NAME(owner, nb), tb);
	if (strcmp(mine, w.why.text) == 0)
		vset(&v, VAL_BOGUS, VAL_EDE_RRSIGS_MISSING, "%s", mine);
	else
		vset(&v, VAL_BOGUS, w.why.ede == VAL_EDE_NONE ? VAL_EDE_RRSIGS_MISSING : w.why.ede,
		     "%s; %s", mine, w.why.text);
	v.fetch_error = 0;
	return v;
}

/*
 * The proof a wildcard answer needs (RFC 4035 5.3.4): minl is the smallest
 * RRSIG labels field, below the owner's ol.  Any such RRSIG demands the
 * proof, so a forged full-label RRSIG cannot hide a replayed wildcard one.
 * VAL_SECURE, or v says why not.
 */
static val_status wildcard_step(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *owner,
				ldns_rr_type type, const ldns_rdf *signer, const zone_entry *z,
				unsigned minl, unsigned ol, verdict *v)
{
	char note[NOTE_LEN], tb[32];
	ldns_rr_list *nsecs = NULL;
	val_why why = { VAL_EDE_NONE, "" };
	val_status st;
	ldns_rdf *ce;
	nbuf nb;

	val_rrtype_str(type, tb, sizeof tb);
	/* RFC 4592 4.4, RFC 6672 5.3 (issue 10, finding 4): a DNAME is never
	 * synthesised from a wildcard; one that claims so is forged. */
	if (type == LDNS_RR_TYPE_DNAME) {
		vset(v, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
		     "DNAME %s was synthesised from a wildcard (RRSIG labels %u, owner %u), "
		     "which RFC 4592 4.4 and RFC 6672 5.3 forbid", NAME(owner, nb), minl, ol);
		return VAL_BOGUS;
	}
	ce = ldns_dname_clone_from(owner, (uint16_t)(ldns_dname_label_count(owner) - minl));
	if (!ce) {
		vset(v, VAL_INDETERMINATE, VAL_EDE_OTHER, "out of memory");
		return VAL_INDETERMINATE;
	}
	/* Only the signer's own NSEC/NSEC3 count (RFC 4035 5.3.4, RFC 5155
	 * 8.8): the proofs of a CNAME target's zone are for its own step. */
	if ((st = verified_denial(ctx, p, signer, z->keys, &nsecs, note, sizeof note, v)) != VAL_SECURE) {
		snprintf(v->why.text + strlen(v->why.text), sizeof v->why.text - strlen(v->why.text),
			 " (wildcard proof for %s/%s)", NAME(owner, nb), tb);
	} else if ((st = denial_prove_wildcard(owner, ce, nsecs, signer, &ctx->pol, &why)) != VAL_SECURE) {
		vset(v, st, st == VAL_INSECURE ? VAL_EDE_NONE : why.ede,
		     "wildcard answer %s/%s: %s", NAME(owner, nb), tb, why.text);
		vnote(v, note);
	}
	ldns_rdf_deep_free(ce);
	ldns_rr_list_deep_free(nsecs);
	return st;
}

/* The signer's DNSKEY set, or v (prefixed with the RRset) says why not. */
static const zone_entry *signer_keys(val_ctx *ctx, const ldns_rdf *signer, const char *what,
				     verdict *v)
{
	const zone_entry *z = zone_keys(ctx, signer);

	if (z->v.status == VAL_SECURE)
		return z;
	*v = z->v;
	if (v->status == VAL_BOGUS || v->status == VAL_INSECURE)
		vprefix(v, what);
	return NULL;
}

/*
 * Validate the RRset (owner, type) of the answer section of p.  *zone_out
 * (may be NULL) gets the signer zone, malloced.
 */
verdict answer_rrset(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *owner,
		     ldns_rr_type type, ldns_rdf **zone_out)
{
	verdict v;
	nbuf nb, zb;
	char tb[32], what[LDNS_MAX_DOMAINLEN + 48];
	ldns_rr_list *set = msg_pick(p, LDNS_SECTION_ANSWER, owner, type, 0);
	ldns_rr_list *sigs = msg_pick(p, LDNS_SECTION_ANSWER, owner, LDNS_RR_TYPE_RRSIG, type);
	const ldns_rdf *signer = msg_signer(sigs, owner);
	const zone_entry *z = NULL;
	val_why why = { VAL_EDE_NONE, "" };
	val_status st;
	unsigned ol = owner_labels(owner), minl = min_sig_labels(sigs, ol);

	vsecure(&v);
	snprintf(what, sizeof what, "%s/%s", NAME(owner, nb), val_rrtype_str(type, tb, sizeof tb));
	if (ldns_rr_list_rr_count(sigs) == 0) {
		v = unsigned_rrset(ctx, owner, type);
	} else if (!signer) {
		/* RFC 4035 5.3.1: the signer is the zone that holds the RRset. */
		vset(&v, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
		     "RRSIG for %s is signed by a zone that does not contain it", what);
	} else if (zone_out && (*zone_out = ldns_rdf_clone(signer)) == NULL) {
		vset(&v, VAL_INDETERMINATE, VAL_EDE_OTHER, "out of memory");
	} else if ((z = signer_keys(ctx, signer, what, &v)) == NULL) {
		/* v says why */
	} else if ((st = verify_set(ctx, set, sigs, z->keys, &why)) != VAL_SECURE) {
		vset(&v, st, st == VAL_INSECURE ? VAL_EDE_NONE : why.ede, "%s: %s", what, why.text);
	} else if (minl >= ol || wildcard_step(ctx, p, owner, type, signer, z, minl, ol, &v) == VAL_SECURE) {
		ctx_trace(ctx, "%s secure (signed by %s%s)", what, NAME(signer, zb),
			  minl < ol ? ", wildcard expansion" : "");
	}
	if (v.status != VAL_SECURE)
		ctx_trace(ctx, "%s %s: %s", what, val_status_str(v.status), v.why.text);
	vt_rec_answer(ctx, owner, type, set, sigs, signer, &v);
	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(sigs);
	return v;
}

/* NXDOMAIN or NODATA for (name, type) in p: the signed denial must prove it. */
verdict answer_negative(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *name,
			       ldns_rr_type type, int nx, ldns_rdf **zone_out)
{
	verdict v;
	nbuf nb, zb;
	char tb[32];
	ldns_rr_list *nsecs = NULL;
	ldns_rdf *zone = NULL;
	const char *what = nx ? "NXDOMAIN" : "NODATA";

	vsecure(&v);
	val_rrtype_str(type, tb, sizeof tb);
	zone = has_denial(p) ? denial_signer(p, name) : NULL;
	if (!zone) {
		/* The SOA of the authority section names the zone that denies;
		 * only the chain down to that zone needs to be proved
		 * insecure (the name itself may not exist). */
		ldns_rr_list *soa = msg_pick(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_SOA, 0);
		const ldns_rdf *upto = name;
		if (ldns_rr_list_rr_count(soa) == 1 &&
		    val_name_under(name, ldns_rr_owner(ldns_rr_list_rr(soa, 0))))
			upto = ldns_rr_owner(ldns_rr_list_rr(soa, 0));
		verdict w = prove_insecure(ctx, upto);
		ldns_rr_list_deep_free(soa);
		if (w.status == VAL_INSECURE) {
			vset(&v, VAL_INSECURE, VAL_EDE_NONE, "unsigned %s: %s", what, w.why.text);
		} else if (w.status == VAL_SECURE) {
			if (has_denial(p))
				vset(&v, VAL_BOGUS, VAL_EDE_RRSIGS_MISSING,
				     "%s for %s/%s: RRSIG missing for its NSEC/NSEC3 records",
				     what, NAME(name, nb), tb);
			else
				vset(&v, VAL_BOGUS, VAL_EDE_NSEC_MISSING,
				     "%s for %s/%s: NSEC/NSEC3 proof missing", what,
				     NAME(name, nb), tb);
		} else if (w.status == VAL_BOGUS) {
			vset(&v, VAL_BOGUS, w.why.ede, "%s for %s/%s without signed proof; %s",
			     what, NAME(name, nb), tb, w.why.text);
		} else {
			v = w;
		}
		goto out;
	}
	if (zone_out)
		*zone_out = ldns_rdf_clone(zone);
	zone_entry *z = zone_keys(ctx, zone);
	if (z->v.status != VAL_SECURE) {
		v = z->v;
		goto out;
	}
	char note[NOTE_LEN];
	if (verified_denial(ctx, p, zone, z->keys, &nsecs, note, sizeof note, &v) != VAL_SECURE) {
		char pre[LDNS_MAX_DOMAINLEN + 64];
		snprintf(pre, sizeof pre, "%s for %s/%s", what, NAME(name, nb), tb);
		vprefix(&v, pre);
		goto out;
	}
	val_why why = { VAL_EDE_NONE, "" };
	val_status st = nx ? denial_prove_nxdomain(name, nsecs, zone, &ctx->pol, NULL, &why)
			   : denial_prove_nodata(name, type, nsecs, zone, &ctx->pol, &why);
	if (st != VAL_SECURE) {
		vset(&v, st, why.ede, "%s for %s/%s: %s", what, NAME(name, nb), tb, why.text);
		if (st == VAL_INSECURE && why.ede != VAL_EDE_UNSUPPORTED_NSEC3_ITERATIONS)
			v.why.ede = VAL_EDE_NONE;
		vnote(&v, note);
		goto out;
	}
	ctx_trace(ctx, "%s for %s/%s secure (denial signed by %s)", what, NAME(name, nb), tb,
		  NAME(zone, zb));
out:
	if (v.status != VAL_SECURE)
		ctx_trace(ctx, "%s for %s/%s %s: %s", what, NAME(name, nb), tb,
			  val_status_str(v.status), v.why.text);
	vt_rec_denial(ctx, name, type, nx, p, zone, &v);
	ldns_rdf_deep_free(zone);
	ldns_rr_list_deep_free(nsecs);
	return v;
}
