/*
 * chain.c - one lookup (val_resolve, val.h): the answer for (name, type),
 * following CNAME (RFC 1034 3.6.2) and DNAME (RFC 6672) links, each link
 * validated, and the weakest verdict of all the steps.
 *
 * The resolver is asked with CD=1, so it hands back signed data even when
 * it would call it bogus; every check is ours.  The other files of the
 * chain are listed in chain_int.h.  The validator never reads the clock
 * (ctx->now), never opens a socket and never prints: the trace callback
 * gets the steps.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/chain_int.h"
#include "validator/dnssec_int.h"

/* RFC 6672 2.2: replace the DNAME owner suffix of name by its target. */
static ldns_rdf *dname_subst(const ldns_rdf *name, const ldns_rr *dname)
{
	const ldns_rdf *owner = ldns_rr_owner(dname), *target = ldns_rr_rdf(dname, 0);
	size_t keep = ldns_dname_label_count(name) - ldns_dname_label_count(owner);
	ldns_rdf *res = target ? ldns_rdf_clone(target) : NULL;

	for (size_t i = keep; res && i-- > 0;) {
		ldns_rdf *lab = ldns_dname_label(name, (uint8_t)i);
		ldns_rdf *nr = lab ? ldns_dname_cat_clone(lab, res) : NULL;
		ldns_rdf_deep_free(lab);
		ldns_rdf_deep_free(res);
		res = nr;
	}
	if (res && ldns_rdf_size(res) > LDNS_MAX_DOMAINLEN) {
		ldns_rdf_deep_free(res);
		res = NULL;
	}
	return res;
}

/* A DNAME in the answer section whose owner is a proper ancestor of name. */
static ldns_rr *find_dname(const ldns_pkt *p, const ldns_rdf *name)
{
	ldns_rr_list *ans = ldns_pkt_answer(p);

	for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNAME &&
		    ldns_dname_is_subdomain(name, ldns_rr_owner(rr)))
			return rr;
	}
	return NULL;
}

static int answer_has(const ldns_pkt *p, const ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rr_list *ans = ldns_pkt_answer(p);

	for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) == type && val_name_eq(ldns_rr_owner(rr), owner))
			return 1;
	}
	return 0;
}

static void keep_link(val_result *r, const ldns_pkt *p, const ldns_rdf *owner,
		      ldns_rr_type type)
{
	ldns_rr_list *l = msg_pick(p, LDNS_SECTION_ANSWER, owner, type, 0);
	if (l) {
		ldns_rr_list_push_rr_list(r->chain, l);
		ldns_rr_list_free(l);
	}
}

/* The weaker of two verdicts (secure > insecure). */
static void weaken(verdict *acc, const verdict *v)
{
	if (v->status > acc->status)
		*acc = *v;
}

/*
 * Follow a DNAME above cur or a CNAME at cur in p (RFC 6672, RFC 1034
 * 3.6.2), validating the redirection.  1 with *next (malloced) to go on,
 * 0 when p holds no redirection for cur, -1 when the link failed (acc
 * says why).
 */
static int follow_link(val_ctx *ctx, val_result *r, const ldns_pkt *p, const ldns_rdf *cur,
		       verdict *acc, ldns_rdf **next)
{
	ldns_rr *dn = r->qtype != LDNS_RR_TYPE_DNAME ? find_dname(p, cur) : NULL;
	verdict v;
	nbuf nb;

	*next = NULL;
	if (dn) {
		/* The synthesised CNAME is unsigned by design; the DNAME is
		 * what must validate. */
		const ldns_rdf *downer = ldns_rr_owner(dn);
		v = answer_rrset(ctx, p, downer, LDNS_RR_TYPE_DNAME, NULL);
		weaken(acc, &v);
		keep_link(r, p, downer, LDNS_RR_TYPE_DNAME);
		if (v.status == VAL_BOGUS || v.status == VAL_INDETERMINATE)
			return -1;
		*next = dname_subst(cur, dn);
		if (!*next) {
			vset(&v, VAL_BOGUS, VAL_EDE_OTHER,
			     "DNAME substitution for %s is too long", NAME(cur, nb));
			weaken(acc, &v);
			return -1;
		}
		return 1;
	}
	if (r->qtype == LDNS_RR_TYPE_CNAME || !answer_has(p, cur, LDNS_RR_TYPE_CNAME))
		return 0;
	v = answer_rrset(ctx, p, cur, LDNS_RR_TYPE_CNAME, NULL);
	weaken(acc, &v);
	keep_link(r, p, cur, LDNS_RR_TYPE_CNAME);
	if (v.status == VAL_BOGUS || v.status == VAL_INDETERMINATE)
		return -1;
	ldns_rr_list *cn = msg_pick(p, LDNS_SECTION_ANSWER, cur, LDNS_RR_TYPE_CNAME, 0);
	if (ldns_rr_list_rr_count(cn) == 1)
		*next = ldns_rdf_clone(ldns_rr_rdf(ldns_rr_list_rr(cn, 0), 0));
	ldns_rr_list_deep_free(cn);
	if (!*next) {
		vset(&v, VAL_BOGUS, VAL_EDE_OTHER,
		     "CNAME set at %s must hold exactly one record", NAME(cur, nb));
		weaken(acc, &v);
		return -1;
	}
	return 1;
}

/* The message that answers (cur, qtype): p itself when it holds cur's
 * data or redirection (the resolver followed the chain), else a new
 * fetch, so that cur's own denial comes with it.  NULL on failure. */
static const ldns_pkt *answer_for(val_ctx *ctx, val_result *r, const ldns_pkt *p,
				  const ldns_rdf *cur, verdict *acc)
{
	const ldns_pkt *np = NULL;
	verdict v;

	if (p && (val_name_eq(cur, r->qname) || answer_has(p, cur, r->qtype) ||
		  answer_has(p, cur, LDNS_RR_TYPE_CNAME) || find_dname(p, cur)))
		np = p;
	else if (msg_fetch(ctx, cur, r->qtype, &np, &v) != DP_OK) {
		weaken(acc, &v);
		if (np) {
			r->rcode = ldns_pkt_get_rcode(np);
			r->answered = 1;
		}
		return NULL;
	}
	r->rcode = ldns_pkt_get_rcode(np);
	r->answered = 1;
	return np;
}

static void resolve_loop(val_ctx *ctx, val_result *r, verdict *acc)
{
	ldns_rdf *cur = ldns_rdf_clone(r->qname), *next = NULL, *zone = NULL;
	const ldns_pkt *p = NULL;
	verdict v;
	nbuf nb;

	for (int link = 0; cur; link++) {
		if (!(p = answer_for(ctx, r, p, cur, acc)))
			break;
		if (answer_has(p, cur, r->qtype)) {
			v = answer_rrset(ctx, p, cur, r->qtype, &zone);
			weaken(acc, &v);
			r->rrset = msg_pick(p, LDNS_SECTION_ANSWER, cur, r->qtype, 0);
			r->rrsigs = msg_pick(p, LDNS_SECTION_ANSWER, cur, LDNS_RR_TYPE_RRSIG, r->qtype);
			r->zone = zone;
			r->rcode = LDNS_RCODE_NOERROR;
			break;
		}
		if (link >= CHAIN_MAX_LINKS) {
			vset(&v, VAL_BOGUS, VAL_EDE_OTHER,
			     "more than %d CNAME/DNAME links from %s", CHAIN_MAX_LINKS,
			     NAME(r->qname, nb));
			weaken(acc, &v);
			break;
		}
		int f = follow_link(ctx, r, p, cur, acc, &next);
		if (f < 0)
			break;
		if (f > 0) {
			ldns_rdf_deep_free(cur);
			cur = next;
			continue;
		}
		/* Neither the data nor a redirection: a denial. */
		int nx = ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN;
		v = answer_negative(ctx, p, cur, r->qtype, nx, &zone);
		weaken(acc, &v);
		r->nxdomain = nx;
		r->nodata = !nx;
		r->zone = zone;
		break;
	}
	r->final_name = cur;
}

int val_resolve(val_ctx *ctx, const ldns_rdf *name, ldns_rr_type type, val_result **out)
{
	val_result *r;
	verdict acc;

	if (!ctx || !name || !out || ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME)
		return DP_EINVAL;
	r = calloc(1, sizeof *r);
	if (!r)
		return DP_ENOMEM;
	r->qname = ldns_rdf_clone(name);
	r->qtype = type;
	r->chain = ldns_rr_list_new();
	r->rcode = LDNS_RCODE_SERVFAIL;
	if (!r->qname || !r->chain) {
		val_result_free(r);
		return DP_ENOMEM;
	}
	vsecure(&acc);
	ctx->depth = 0;
	/* Between lookups no entry is borrowed: drop the stale ones and
	 * those above the caps (cache.c). */
	ctx->gen++;
	cache_trim(ctx, &ctx->msgs);
	cache_trim(ctx, &ctx->dss);
	cache_trim(ctx, &ctx->zones);
	/* The KeyTrap and NSEC3 caps are per lookup: what one hostile name
	 * costs is bounded, whatever the run looked up before. */
	memset(&ctx->work, 0, sizeof ctx->work);
	resolve_loop(ctx, r, &acc);
	ctx->stats.sig_checks += ctx->work.sig_checks;
	ctx->stats.nsec3_hashes += ctx->work.nsec3_hashes;
	if (!r->final_name)
		r->final_name = ldns_rdf_clone(r->qname);
	if (!r->rrset)
		r->rrset = ldns_rr_list_new();
	if (!r->rrsigs)
		r->rrsigs = ldns_rr_list_new();
	r->status = acc.status;
	r->ede = acc.status == VAL_SECURE ? VAL_EDE_NONE : acc.why.ede;
	/* Insecure carries no EDE, except the one RFC 9276 section 3.2 asks
	 * for when NSEC3 iterations above the limit made it insecure. */
	if (acc.status == VAL_INSECURE && acc.why.ede != VAL_EDE_UNSUPPORTED_NSEC3_ITERATIONS)
		r->ede = VAL_EDE_NONE;
	r->fetch_error = acc.fetch_error;
	if (acc.status != VAL_SECURE)
		snprintf(r->reason, sizeof r->reason, "%s", acc.why.text);
	if (acc.status == VAL_BOGUS && r->ede == VAL_EDE_NONE)
		r->ede = VAL_EDE_DNSSEC_BOGUS;
	if (acc.status == VAL_INDETERMINATE && r->ede == VAL_EDE_NONE)
		r->ede = VAL_EDE_DNSSEC_INDETERMINATE;
	*out = r;
	return DP_OK;
}

void val_result_free(val_result *r)
{
	if (!r)
		return;
	ldns_rdf_deep_free(r->qname);
	ldns_rdf_deep_free(r->final_name);
	ldns_rdf_deep_free(r->zone);
	ldns_rr_list_deep_free(r->rrset);
	ldns_rr_list_deep_free(r->rrsigs);
	ldns_rr_list_deep_free(r->chain);
	free(r);
}
