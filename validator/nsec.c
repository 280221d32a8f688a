/*
 * nsec.c - denial of existence with NSEC (RFC 4035 5.4, RFC 4034 section
 * 4, RFC 6840 4.1 and 4.4, RFC 7129): what one NSEC covers, the closest
 * encloser it implies, and the NXDOMAIN, NODATA, no-DS and wildcard
 * proofs.
 */
#include <stdlib.h>
#include <string.h>

#include "validator/dnssec.h"
#include "validator/dnssec_int.h"
#include "validator/denial_int.h"

/* The deepest common ancestor of a and b, malloced. */
static ldns_rdf *name_common(const ldns_rdf *a, const ldns_rdf *b)
{
	unsigned na = ldns_dname_label_count(a), nb = ldns_dname_label_count(b);
	unsigned k = na < nb ? na : nb;

	for (;; k--) {
		ldns_rdf *x = denial_name_suffix(a, k), *y = denial_name_suffix(b, k);
		int eq = x != NULL && y != NULL && val_name_eq(x, y);
		ldns_rdf_deep_free(y);
		if (eq || k == 0)
			return x;
		ldns_rdf_deep_free(x);
	}
}



typedef struct nsec_view {
	const ldns_rr **rr;
	size_t n;
	const ldns_rdf *zone;
} nsec_view;

static const ldns_rdf *nsec_next(const ldns_rr *rr)
{
	return ldns_rr_rdf(rr, 0);
}

/* The type bitmap, or NULL when it is empty (ldns then omits the rdf). */
static const ldns_rdf *nsec_bitmap(const ldns_rr *rr)
{
	return ldns_rr_rd_count(rr) > 1 ? ldns_rr_rdf(rr, 1) : NULL;
}

/* owner < name < next in canonical order.  RFC 4034 4.1.1: the next
 * owner name is in the zone, and only the last NSEC of the chain wraps,
 * to the apex: it covers every name after its owner.  A next name outside
 * the zone, or one that goes backwards to anything but the apex, is not a
 * chain an honest signer makes, and covers nothing (issue 10, finding 2). */
static int nsec_covers(const nsec_view *v, const ldns_rr *rr, const ldns_rdf *name)
{
	const ldns_rdf *owner = ldns_rr_owner(rr), *next = nsec_next(rr);

	if (!val_name_under(next, v->zone))
		return 0;
	if (ldns_dname_compare(owner, name) >= 0)
		return 0;
	if (ldns_dname_compare(owner, next) >= 0)
		return val_name_eq(next, v->zone);
	return ldns_dname_compare(name, next) < 0;
}

/* A delegation (NS without SOA) or a DNAME at the owner hides every name
 * below it: an NSEC there cannot deny them (RFC 6840 4.1). */
static int nsec_cuts(const ldns_rr *rr, const ldns_rdf *name)
{
	const ldns_rdf *bm = nsec_bitmap(rr);

	if (!denial_name_below(name, ldns_rr_owner(rr)))
		return 0;
	return (denial_bitmap_has(bm, LDNS_RR_TYPE_NS) && !denial_bitmap_has(bm, LDNS_RR_TYPE_SOA)) ||
	       denial_bitmap_has(bm, LDNS_RR_TYPE_DNAME);
}

/* The NSEC proves that name does not exist at all: it covers the name,
 * the name is not an empty non-terminal (the next name is not below it:
 * RFC 4035 5.4, RFC 7129 3 -- an ENT exists and is NODATA, never
 * NXDOMAIN), and it is not under a cut. */
static int nsec_denies(const nsec_view *v, const ldns_rr *rr, const ldns_rdf *name)
{
	return nsec_covers(v, rr, name) && !denial_name_below(nsec_next(rr), name) &&
	       !nsec_cuts(rr, name);
}

/* The NSEC proves that name is an empty non-terminal (RFC 7129 3, RFC
 * 4035 3.1.3.2): covered, with a next name below it. */
static int nsec_ent(const nsec_view *v, const ldns_rr *rr, const ldns_rdf *name)
{
	return nsec_covers(v, rr, name) && denial_name_below(nsec_next(rr), name) &&
	       !nsec_cuts(rr, name);
}

static const ldns_rr *nsec_find_match(const nsec_view *v, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (val_name_eq(ldns_rr_owner(v->rr[i]), name))
			return v->rr[i];
	return NULL;
}

static const ldns_rr *nsec_find_denial(const nsec_view *v, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (nsec_denies(v, v->rr[i], name))
			return v->rr[i];
	return NULL;
}

/* The closest encloser that a denying NSEC implies: the deeper of the
 * common ancestors of name with the owner and with the next name
 * (RFC 4035 5.4, RFC 7129 5), kept inside the zone.  The wildcard that
 * must then be denied is the one at this encloser: the same NSEC fixes
 * both, so they are proved together. */
static ldns_rdf *nsec_closest_encloser(const ldns_rr *rr, const ldns_rdf *name,
				       const ldns_rdf *zone)
{
	ldns_rdf *a = name_common(name, ldns_rr_owner(rr));
	ldns_rdf *b = name_common(name, nsec_next(rr));
	ldns_rdf *ce;

	if (a == NULL || b == NULL) {
		ldns_rdf_deep_free(a);
		ldns_rdf_deep_free(b);
		return NULL;
	}
	if (ldns_dname_label_count(a) >= ldns_dname_label_count(b)) {
		ce = a;
		ldns_rdf_deep_free(b);
	} else {
		ce = b;
		ldns_rdf_deep_free(a);
	}
	if (!val_name_under(ce, zone)) {
		ldns_rdf_deep_free(ce);
		ce = ldns_rdf_clone(zone);
	}
	return ce;
}

static val_status nsec_nxdomain(const nsec_view *v, const ldns_rdf *qname,
				const ldns_rdf *zone, ldns_rdf **ce_out, val_why *why)
{
	const ldns_rr *d, *wd;
	ldns_rdf *ce, *wc;

	if (nsec_find_match(v, qname) != NULL) {
		denial_why_name(why, VAL_EDE_DNSSEC_BOGUS,
			 "NSEC shows that %s exists (NXDOMAIN claimed)", qname);
		return VAL_BOGUS;
	}
	if ((d = nsec_find_denial(v, qname)) == NULL) {
		denial_why_name(why, VAL_EDE_NSEC_MISSING,
			 "no NSEC proves that %s does not exist", qname);
		return VAL_BOGUS;
	}
	if ((ce = nsec_closest_encloser(d, qname, zone)) == NULL ||
	    (wc = denial_name_wild(ce)) == NULL) {
		ldns_rdf_deep_free(ce);
		val_why_set(why, VAL_EDE_OTHER, "out of memory in NSEC proof");
		return VAL_INDETERMINATE;
	}
	/* RFC 4035 5.4: no wildcard could have answered instead. */
	wd = nsec_find_denial(v, wc);
	if (wd == NULL || nsec_find_match(v, wc) != NULL) {
		denial_why_name(why, VAL_EDE_NSEC_MISSING,
			 "no NSEC proves that the wildcard %s does not exist", wc);
		ldns_rdf_deep_free(wc);
		ldns_rdf_deep_free(ce);
		return VAL_BOGUS;
	}
	ldns_rdf_deep_free(wc);
	if (ce_out != NULL)
		*ce_out = ce;
	else
		ldns_rdf_deep_free(ce);
	return VAL_SECURE;
}

static int nsec_bitmap_nodata(const ldns_rr *rr, ldns_rr_type qtype,
			      const ldns_rdf *name, val_why *why)
{
	return denial_bitmap_nodata(nsec_bitmap(rr), "NSEC", qtype, name, why);
}

/* RFC 4592 4.2: NS at a wildcard delegates the literal "*" label only and
 * synthesises nothing, so a wildcard that is a delegation cannot answer
 * (or deny a type at) any other name -- above all not the DS of one: a
 * wildcard cannot create a delegation (issue 10, F4: "ins.dplab DS" denied
 * by the dplab NSEC re-signed as expanded from *.dplab). */
static int nsec_wild_cut(const ldns_rr *wm, const ldns_rdf *qname, val_why *why)
{
	const ldns_rdf *bm = nsec_bitmap(wm);
	char q[300], w[300];

	if (!denial_bitmap_has(bm, LDNS_RR_TYPE_NS) || denial_bitmap_has(bm, LDNS_RR_TYPE_SOA))
		return 0;
	val_dname_str(qname, q, sizeof q);
	val_dname_str(ldns_rr_owner(wm), w, sizeof w);
	val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
		    "the NSEC for the wildcard %s shows a delegation (NS), which synthesises "
		    "nothing for %s (RFC 4592 4.2)", w, q);
	return 1;
}

static val_status nsec_nodata(const nsec_view *v, const ldns_rdf *qname,
			      ldns_rr_type qtype, const ldns_rdf *zone, val_why *why)
{
	const ldns_rr *m, *d, *wm;
	ldns_rdf *ce, *wc;
	size_t i;

	if ((m = nsec_find_match(v, qname)) != NULL)
		return nsec_bitmap_nodata(m, qtype, qname, why) ? VAL_SECURE : VAL_BOGUS;
	/* An empty non-terminal exists with no type at all. */
	for (i = 0; i < v->n; i++)
		if (nsec_ent(v, v->rr[i], qname))
			return VAL_SECURE;
	/* Wildcard NODATA (RFC 4035 3.1.3.4): qname does not exist, and the
	 * wildcard at the closest encloser exists without the type. */
	if ((d = nsec_find_denial(v, qname)) != NULL) {
		if ((ce = nsec_closest_encloser(d, qname, zone)) == NULL)
			goto nomem;
		wc = denial_name_wild(ce);
		ldns_rdf_deep_free(ce);
		if (wc == NULL)
			goto nomem;
		wm = nsec_find_match(v, wc);
		if (wm != NULL && nsec_wild_cut(wm, qname, why)) {
			ldns_rdf_deep_free(wc);
			return VAL_BOGUS;
		}
		if (wm != NULL) {
			int ok = nsec_bitmap_nodata(wm, qtype, wc, why);
			ldns_rdf_deep_free(wc);
			return ok ? VAL_SECURE : VAL_BOGUS;
		}
		ldns_rdf_deep_free(wc);
	}
	return denial_no_proof("NSEC", qname, qtype, why);
nomem:
	val_why_set(why, VAL_EDE_OTHER, "out of memory in NSEC proof");
	return VAL_INDETERMINATE;
}

static val_status nsec_no_ds(const nsec_view *v, const ldns_rdf *child,
			     int *insecure, val_why *why)
{
	const ldns_rr *m;
	const ldns_rdf *bm;
	size_t i;

	if ((m = nsec_find_match(v, child)) != NULL) {
		if (!nsec_bitmap_nodata(m, LDNS_RR_TYPE_DS, child, why))
			return VAL_BOGUS;
		bm = nsec_bitmap(m);
		/* NS without SOA is a delegation; the apex NS (the root's
		 * own NSEC) delegates nothing. */
		*insecure = denial_bitmap_has(bm, LDNS_RR_TYPE_NS) && !denial_bitmap_has(bm, LDNS_RR_TYPE_SOA);
		return VAL_SECURE;
	}
	/* No delegation there at all: an empty non-terminal or no name. */
	for (i = 0; i < v->n; i++)
		if (nsec_ent(v, v->rr[i], child) || nsec_denies(v, v->rr[i], child))
			return VAL_SECURE;
	denial_why_name(why, VAL_EDE_NSEC_MISSING, "no NSEC proves that %s/DS does not exist", child);
	return VAL_BOGUS;
}

/* The NSEC that denies nc must also put the closest encloser at ce, the
 * wildcard's parent (RFC 4035 5.3.4, RFC 4592 3.3.1: the source of
 * synthesis is "*.<closest encloser>").  Its owner and next name exist,
 * so their deepest common ancestor with qname exists and every name
 * between it and qname is covered: that ancestor is the closest encloser
 * (RFC 7129 5).  A deeper ce claims a wildcard under a name this NSEC
 * proves absent (issue 10, F1: a replayed wildcard of an older zone). */
static val_status nsec_wildcard(const nsec_view *v, const ldns_rdf *qname,
				const ldns_rdf *ce, const ldns_rdf *nc, val_why *why)
{
	const ldns_rr *d = NULL;
	ldns_rdf *got = NULL;
	val_status st = VAL_BOGUS;

	if (nsec_find_match(v, qname) == NULL)
		d = nsec_find_denial(v, nc);
	if (d == NULL) {
		denial_why_name(why, VAL_EDE_NSEC_MISSING,
			 "no NSEC proves that %s does not exist (wildcard answer)", qname);
		return VAL_BOGUS;
	}
	if ((got = nsec_closest_encloser(d, qname, v->zone)) == NULL) {
		val_why_set(why, VAL_EDE_OTHER, "out of memory in NSEC proof");
		return VAL_INDETERMINATE;
	}
	if (val_name_eq(got, ce)) {
		st = VAL_SECURE;
	} else {
		char q[300], c[300], o[300], g[300];
		val_dname_str(qname, q, sizeof q);
		val_dname_str(ce, c, sizeof c);
		val_dname_str(ldns_rr_owner(d), o, sizeof o);
		val_dname_str(got, g, sizeof g);
		val_why_set(why, VAL_EDE_DNSSEC_BOGUS,
			    "wildcard answer for %s expanded from *.%s, but the NSEC at %s proves "
			    "that the closest encloser is %s (RFC 4592 3.3.1, RFC 4035 5.3.4)",
			    q, c, o, g);
	}
	ldns_rdf_deep_free(got);
	return st;
}

/* RFC 4034 4: an NSEC has a next owner name and may have a bitmap; only
 * records of the zone count (RFC 4035 5.4: another zone's NSEC denies
 * nothing here). */
static int nsec_usable(const ldns_rr *rr, const ldns_rdf *zone)
{
	return ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC &&
	       ldns_rr_rd_count(rr) >= 1 && ldns_rr_rd_count(rr) <= 2 &&
	       ldns_rr_rdf(rr, 0) != NULL &&
	       ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) == LDNS_RDF_TYPE_DNAME &&
	       val_name_under(ldns_rr_owner(rr), zone);
}

val_status nsec_prove(const proof_args *a, const ldns_rr_list *nsecs,
		      const ldns_rdf *zone, int *used, val_why *why)
{
	size_t cnt = nsecs ? ldns_rr_list_rr_count(nsecs) : 0;
	nsec_view v;
	val_status st;

	*used = 0;
	memset(&v, 0, sizeof(v));
	v.zone = zone;
	if ((v.rr = calloc(cnt ? cnt : 1, sizeof(*v.rr))) == NULL) {
		*used = 1;
		val_why_set(why, VAL_EDE_OTHER, "out of memory in denial proof");
		return VAL_INDETERMINATE;
	}
	for (size_t i = 0; i < cnt; i++)
		if (nsec_usable(ldns_rr_list_rr(nsecs, i), zone))
			v.rr[v.n++] = ldns_rr_list_rr(nsecs, i);
	if (v.n == 0) {
		free(v.rr);
		return VAL_BOGUS;
	}
	*used = 1;
	switch (a->kind) {
	case PROOF_NXDOMAIN: st = nsec_nxdomain(&v, a->qname, zone, a->ce_out, why); break;
	case PROOF_NODATA: st = nsec_nodata(&v, a->qname, a->qtype, zone, why); break;
	case PROOF_NO_DS: st = nsec_no_ds(&v, a->qname, a->insecure, why); break;
	default: st = nsec_wildcard(&v, a->qname, a->aux, a->nc, why); break;
	}
	free(v.rr);
	return st;
}
