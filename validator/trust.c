/*
 * trust.c - the chain of trust from a trust anchor down to a zone (RFC 4035
 * section 5.2): each zone's DNSKEY set validated by the DS set in its
 * parent (found through the DS RRSIG's signer, one level at a time) or by
 * a trust anchor, and the top-down walk that proves an insecure
 * delegation (RFC 4035 5.2, RFC 5155 8.6).  DS and no-DS proofs come from
 * the parent side only (RFC 4035 3.1.4.1); the root, which has no parent,
 * is a trust point.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/chain_int.h"
#include "validator/dnssec_int.h"
#include "validator/vtrace_int.h"

/* "12345/13/2 20326/8/2": the DS records of ds that match a key of keys. */
static void ds_used(const ldns_rr_list *ds, const ldns_rr_list *keys, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; ds && i < ldns_rr_list_rr_count(ds); i++) {
		ldns_rr *d = ldns_rr_list_rr(ds, i);
		for (size_t k = 0; k < ldns_rr_list_rr_count(keys); k++) {
			if (ds_match(d, ldns_rr_list_rr(keys, k)) != DP_OK)
				continue;
			if (ldns_rr_rd_count(d) >= 3 && off < len)
				off += (size_t)snprintf(buf + off, len - off, "%s%u/%u/%u",
					off ? " " : "",
					(unsigned)ldns_rdf2native_int16(ldns_rr_rdf(d, 0)),
					(unsigned)ldns_rdf2native_int8(ldns_rr_rdf(d, 1)),
					(unsigned)ldns_rdf2native_int8(ldns_rr_rdf(d, 2)));
			break;
		}
	}
}

/*
 * Fetch and validate zone's DNSKEY set from ds (its parent's validated DS
 * set) or from a trust anchor (anchor_ds/anchor_keys).  from names the
 * source for the trace.  On success e->keys holds the set.
 */
static void zone_dnskey_step(val_ctx *ctx, zone_entry *e, const ldns_rr_list *ds,
			     const ldns_rr_list *anchor_keys, const char *from)
{
	const ldns_pkt *p = NULL;
	nbuf nb;
	verdict *v = &e->v;

	if (msg_fetch(ctx, e->h.name, LDNS_RR_TYPE_DNSKEY, &p, v) != DP_OK)
		return;
	ldns_rr_list *keys = msg_pick(p, LDNS_SECTION_ANSWER, e->h.name, LDNS_RR_TYPE_DNSKEY, 0);
	ldns_rr_list *sigs = msg_pick(p, LDNS_SECTION_ANSWER, e->h.name, LDNS_RR_TYPE_RRSIG,
				  LDNS_RR_TYPE_DNSKEY);
	if (ldns_rr_list_rr_count(keys) == 0) {
		vset(v, VAL_BOGUS, VAL_EDE_DNSKEY_MISSING, "DNSKEY missing for %s (%s answer)",
		     NAME(e->h.name, nb), ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN
		     ? "NXDOMAIN" : "empty");
	} else if (ldns_rr_list_rr_count(sigs) == 0) {
		vset(v, VAL_BOGUS, VAL_EDE_RRSIGS_MISSING, "RRSIG missing for %s/DNSKEY",
		     NAME(e->h.name, nb));
	} else {
		val_why why = { VAL_EDE_NONE, "" };
		val_status st;
		ctx->stats.sig_verifications++;
		st = dnskey_verify(keys, sigs, ds, anchor_keys, ctx->now, &ctx->pol, ctx->kc, &why);
		if (st == VAL_SECURE) {
			char used[128];
			vsecure(v);
			e->keys = keys;
			keys = NULL;
			ds_used(ds, e->keys, used, sizeof used);
			ctx_trace(ctx, "DNSKEY %s secure (%s%s%s)", NAME(e->h.name, nb),
				  *used ? "DS " : "", used, from);
		} else if (st == VAL_INSECURE) {
			vset(v, VAL_INSECURE, VAL_EDE_NONE, "DNSKEY set of %s: %s",
			     NAME(e->h.name, nb), why.text);
		} else {
			vset(v, st, why.ede, "DNSKEY set of %s: %s", NAME(e->h.name, nb), why.text);
		}
	}
	if (v->status != VAL_SECURE)
		ctx_trace(ctx, "DNSKEY %s %s: %s", NAME(e->h.name, nb),
			  val_status_str(v->status), v->why.text);
	vt_rec_keys(ctx, e->h.name, e->keys ? e->keys : keys, sigs, ds);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
}

/*
 * Who signed the answer to the DS query at d->h.name: d->parent gets the
 * signer of the DS RRSIGs, or of the NSEC/NSEC3 RRSIGs when there is no
 * DS.  0 when found; -1 with d->kind/d->v set when the answer proves
 * nothing (unsigned) or is signed by the wrong zone.
 */
static int ds_find_parent(ds_entry *d, const ldns_pkt *p, const ldns_rr_list *ds,
			  const ldns_rr_list *sigs)
{
	nbuf nb;

	if (ldns_rr_list_rr_count(ds) > 0) {
		const ldns_rdf *signer = msg_signer(sigs, d->h.name);
		if (ldns_rr_list_rr_count(sigs) == 0) {
			d->kind = DS_UNSIGNED;
			vset(&d->v, VAL_BOGUS, VAL_EDE_RRSIGS_MISSING, "RRSIG missing for %s/DS",
			     NAME(d->h.name, nb));
			return -1;
		}
		if (signer && !val_name_eq(signer, d->h.name)) {
			d->parent = ldns_rdf_clone(signer);
			return 0;
		}
		vset(&d->v, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
		     "DS for %s is not signed by a parent zone", NAME(d->h.name, nb));
		return -1;
	}
	if (!has_denial(p)) {
		d->kind = DS_UNSIGNED;
		vset(&d->v, VAL_BOGUS, VAL_EDE_NSEC_MISSING,
		     "no DS and no NSEC/NSEC3 for %s/DS", NAME(d->h.name, nb));
		return -1;
	}
	d->parent = denial_signer(p, d->h.name);
	if (!d->parent) {
		d->kind = DS_UNSIGNED;
		vset(&d->v, VAL_BOGUS, VAL_EDE_RRSIGS_MISSING,
		     "RRSIG missing for the NSEC/NSEC3 denying %s/DS", NAME(d->h.name, nb));
		return -1;
	}
	if (val_name_eq(d->parent, d->h.name)) {
		/* RFC 4035 3.1.4.1: the DS (and its absence) lives in the
		 * parent; a child's own NSEC cannot deny it. */
		vset(&d->v, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
		     "denial of %s/DS comes from %s itself, not from its parent",
		     NAME(d->h.name, nb), NAME(d->h.name, nb));
		return -1;
	}
	return 0;
}

static ds_entry *ds_lookup(val_ctx *ctx, const ldns_rdf *name);

/*
 * RFC 4035 5.3.1: the Signer's Name is the zone that holds the RRset, and
 * a DS RRset (or its denial) is held by the parent, the closest zone above
 * d->h.name (RFC 4035 3.1.4.1).  A signer further up -- the root's key over
 * "ins.dplab DS" though dplab is a signed zone -- skips a zone cut: every
 * name between signer and child must be proved no delegation (DS
 * answers, cached from the top-down walk).  0 when it holds, else -1
 * with d->v (the cut's own failure when it could not be decided).
 */
static int ds_signer_is_parent(val_ctx *ctx, ds_entry *d)
{
	size_t top = ldns_dname_label_count(d->parent), n = ldns_dname_label_count(d->h.name);
	nbuf nb, pb, cb;

	for (size_t k = top + 1; k < n; k++) {
		ldns_rdf *c = ldns_dname_clone_from(d->h.name, (uint16_t)(n - k));
		if (!c) {
			vset(&d->v, VAL_INDETERMINATE, VAL_EDE_OTHER, "out of memory");
			return -1;
		}
		ds_entry *e = ds_lookup(ctx, c);
		int cut = e->kind == DS_SIGNED || e->kind == DS_INSECURE;
		if (cut)
			vset(&d->v, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
			     "DS answer for %s is signed by %s, but %s is a zone cut between them: "
			     "the signer must be the parent zone (RFC 4035 5.3.1)",
			     NAME(d->h.name, nb), NAME(d->parent, pb), NAME(c, cb));
		else if (e->kind != DS_NOT_CUT)
			d->v = e->v;
		ldns_rdf_deep_free(c);
		if (e->kind != DS_NOT_CUT)
			return -1;
	}
	return 0;
}

/* A DS set signed by d->parent, whose keys are pk: verify it. */
static void ds_positive(val_ctx *ctx, ds_entry *d, ldns_rr_list **ds,
			const ldns_rr_list *sigs, const ldns_rr_list *pk)
{
	val_why why = { VAL_EDE_NONE, "" };
	val_status st = verify_set(ctx, *ds, sigs, pk, &why);
	nbuf nb, pb;

	if (st == VAL_SECURE) {
		d->kind = DS_SIGNED;
		d->ds = *ds;
		*ds = NULL;
		vsecure(&d->v);
		ctx_trace(ctx, "DS %s secure (signed by %s)", NAME(d->h.name, nb),
			  NAME(d->parent, pb));
	} else if (st == VAL_INSECURE) {
		d->kind = DS_INSECURE;
		vset(&d->v, VAL_INSECURE, VAL_EDE_NONE, "DS set of %s: %s",
		     NAME(d->h.name, nb), why.text);
	} else {
		vset(&d->v, st, why.ede, "DS set of %s: %s", NAME(d->h.name, nb), why.text);
	}
}

/* No DS: the NSEC/NSEC3 records signed by d->parent must say why
 * (RFC 4035 5.2, RFC 5155 8.6 and 8.4 for a name that does not exist). */
static void ds_negative(val_ctx *ctx, ds_entry *d, const ldns_pkt *p, const ldns_rr_list *pk)
{
	ldns_rr_list *nsecs = NULL;
	val_why why = { VAL_EDE_NONE, "" };
	val_status st;
	int deleg = 0;
	nbuf nb, pb;
	char note[NOTE_LEN];

	/* RFC 4035 5.2: the no-DS proof comes from the parent side only
	 * (ds_find_parent refused the child's own signer). */
	if (verified_denial(ctx, p, d->parent, pk, &nsecs, note, sizeof note, &d->v) != VAL_SECURE)
		return;
	if (ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN) {
		st = denial_prove_nxdomain(d->h.name, nsecs, d->parent, &ctx->pol, NULL, &why);
		deleg = st == VAL_INSECURE;
	} else {
		st = denial_prove_no_ds(d->h.name, nsecs, d->parent, &ctx->pol, &deleg, &why);
	}
	ldns_rr_list_deep_free(nsecs);
	if (st == VAL_SECURE && deleg) {
		d->kind = DS_INSECURE;
		vset(&d->v, VAL_INSECURE, VAL_EDE_NONE,
		     "insecure delegation: no DS for %s, proved by %s", NAME(d->h.name, nb),
		     NAME(d->parent, pb));
	} else if (st == VAL_SECURE) {
		d->kind = DS_NOT_CUT;
		vsecure(&d->v);
	} else if (st == VAL_INSECURE) {
		d->kind = DS_INSECURE;
		vset(&d->v, VAL_INSECURE, why.ede, "no DS for %s: %s", NAME(d->h.name, nb), why.text);
	} else {
		vset(&d->v, st, why.ede, "no-DS proof for %s: %s", NAME(d->h.name, nb), why.text);
		vnote(&d->v, note);
	}
}

/* Classify the answer to a DS query at d->h.name (see ds_kind). */
static void ds_classify(val_ctx *ctx, ds_entry *d)
{
	const ldns_pkt *p = NULL;
	ldns_rr_list *ds = NULL, *sigs = NULL;
	zone_entry *pz;
	nbuf nb, pb;

	d->kind = DS_FAIL;
	if (msg_fetch(ctx, d->h.name, LDNS_RR_TYPE_DS, &p, &d->v) != DP_OK)
		goto out;
	ds = msg_pick(p, LDNS_SECTION_ANSWER, d->h.name, LDNS_RR_TYPE_DS, 0);
	sigs = msg_pick(p, LDNS_SECTION_ANSWER, d->h.name, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DS);
	if (ds_find_parent(d, p, ds, sigs) < 0 || ds_signer_is_parent(ctx, d) < 0)
		goto out;
	pz = zone_keys(ctx, d->parent);
	if (pz->v.status == VAL_INSECURE) {
		d->kind = DS_INSECURE;
		vset(&d->v, VAL_INSECURE, VAL_EDE_NONE, "%s is insecure (%s)",
		     NAME(d->parent, pb), pz->v.why.text);
	} else if (pz->v.status != VAL_SECURE) {
		d->v = pz->v;
	} else if (ldns_rr_list_rr_count(ds) > 0) {
		ds_positive(ctx, d, &ds, sigs, pz->keys);
	} else {
		ds_negative(ctx, d, p, pz->keys);
	}
out:
	if (d->kind == DS_INSECURE || d->kind == DS_FAIL)
		ctx_trace(ctx, "DS %s %s: %s", NAME(d->h.name, nb),
			  d->kind == DS_INSECURE ? "insecure" : val_status_str(d->v.status),
			  d->v.why.text);
	vt_rec_ds(ctx, d->h.name, d->parent, d->kind == DS_SIGNED ? VT_DS_SIGNED
		  : d->kind == DS_INSECURE ? VT_DS_INSECURE : d->kind == DS_NOT_CUT ? VT_DS_NOT_CUT
		  : VT_DS_FAIL, &d->v, d->ds ? d->ds : ds, sigs, p);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(sigs);
}

static ds_entry *ds_lookup(val_ctx *ctx, const ldns_rdf *name)
{
	static ds_entry oom = { .kind = DS_FAIL,
		.v = { VAL_INDETERMINATE, { VAL_EDE_OTHER, "out of memory" }, DP_ENOMEM } };
	static ds_entry loop = { .kind = DS_FAIL,
		.v = { VAL_BOGUS, { VAL_EDE_DNSSEC_BOGUS, "DS lookups loop" }, 0 } };
	cache_hdr *h = NULL;

	switch (cache_slot(ctx, &ctx->dss, sizeof(ds_entry), name, &h)) {
	case SLOT_FOUND: return (ds_entry *)h;
	case SLOT_LOOP: return &loop;
	case SLOT_NOMEM: return &oom;
	}
	cache_enter(ctx, h);
	ds_classify(ctx, (ds_entry *)h);
	cache_leave(ctx, h, &((ds_entry *)h)->v, ((ds_entry *)h)->ds);
	return (ds_entry *)h;
}

/* Validate the DNSKEY set of a zone that is not a trust point. */
static void zone_from_parent(val_ctx *ctx, zone_entry *e)
{
	nbuf nb, pb;
	ds_entry *d = ds_lookup(ctx, e->h.name);
	char from[LDNS_MAX_DOMAINLEN + 16];

	switch (d->kind) {
	case DS_SIGNED:
		snprintf(from, sizeof from, " from %s", NAME(d->parent, pb));
		zone_dnskey_step(ctx, e, d->ds, NULL, from);
		return;
	case DS_INSECURE:
		e->v = d->v;
		return;
	case DS_NOT_CUT:
		vset(&e->v, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
		     "%s signs records but %s proves it is not a delegation",
		     NAME(e->h.name, nb), NAME(d->parent, pb));
		return;
	case DS_UNSIGNED: {
		/* The parent's answer has no signatures: only a proved
		 * insecure delegation higher up can excuse that. */
		verdict w = prove_insecure(ctx, e->h.name);
		if (w.status == VAL_SECURE)
			e->v = d->v;
		else
			e->v = w;
		return;
	}
	case DS_FAIL:
		e->v = d->v;
		return;
	}
}

/*
 * Hint (val_ctx_set_ahead) the DNSKEY and DS sets of zone and of each
 * name above it, up to the trust anchor or the first zone whose keys are
 * cached: zone_from_parent is about to ask for them one after the other,
 * each waiting for the one before (DS of zone, then the keys of its
 * parent, ...), so sent now they are answered in one round trip instead
 * of two a level.  A name between two zone cuts costs a NODATA answer.
 */
static void zone_ahead(val_ctx *ctx, const ldns_rdf *zone, const val_anchor *a, int own)
{
	size_t top = ldns_dname_label_count(a->zone), n = ldns_dname_label_count(zone);

	for (size_t k = n; k >= top; k--) {
		ldns_rdf *c = ldns_dname_clone_from(zone, (uint16_t)(n - k));
		/* unless own, zone's entry is the one being filled */
		int cached = !c || ((own || k < n) && cache_has(&ctx->zones, c, 0));
		if (!cached) {
			val_ahead(ctx, c, LDNS_RR_TYPE_DNSKEY);
			if (k > top)
				val_ahead(ctx, c, LDNS_RR_TYPE_DS);
		}
		ldns_rdf_deep_free(c);
		if (cached || k == 0)
			break;
	}
}

void val_ahead_chain(val_ctx *ctx, const ldns_rdf *name)
{
	const val_anchor *a;

	if (ctx && ctx->ahead && name && (a = val_anchors_find(ctx->anchors, name)) != NULL)
		zone_ahead(ctx, name, a, 1);
}

/*
 * The validated DNSKEY set of zone, or why there is none.  Never NULL.
 * Trust points are validated from the anchor; other zones from their
 * parent's DS set, recursively up to an anchor.
 */
zone_entry *zone_keys(val_ctx *ctx, const ldns_rdf *zone)
{
	static zone_entry oom = { .v = { VAL_INDETERMINATE, { VAL_EDE_OTHER, "out of memory" },
					 DP_ENOMEM } };
	static zone_entry loop = { .v = { VAL_BOGUS, { VAL_EDE_DNSSEC_BOGUS,
					  "the chain of trust loops" }, 0 } };
	cache_hdr *h = NULL;
	zone_entry *e;
	nbuf nb;

	switch (cache_slot(ctx, &ctx->zones, sizeof(zone_entry), zone, &h)) {
	case SLOT_FOUND: return (zone_entry *)h;
	case SLOT_LOOP: return &loop;
	case SLOT_NOMEM: return &oom;
	}
	e = (zone_entry *)h;
	cache_enter(ctx, h);

	const val_anchor *a = val_anchors_find(ctx->anchors, zone);
	if (!a) {
		vset(&e->v, VAL_INDETERMINATE, VAL_EDE_DNSSEC_INDETERMINATE,
		     "no trust anchor covers %s", NAME(zone, nb));
	} else if (val_name_eq(a->zone, zone)) {
		zone_dnskey_step(ctx, e, ldns_rr_list_rr_count(a->ds) ? a->ds : NULL,
				 ldns_rr_list_rr_count(a->keys) ? a->keys : NULL,
				 ldns_rr_list_rr_count(a->ds) ? " from the trust anchor"
							      : "trust anchor key");
	} else {
		if (ctx->ahead)
			zone_ahead(ctx, zone, a, 0);
		zone_from_parent(ctx, e);
	}
	vt_rec_zone(ctx, zone, &e->v);
	cache_leave(ctx, h, &e->v, e->keys);
	return e;
}

/*
 * Walk down from the closest trust anchor to name, one label at a time,
 * asking for the DS set at each level (RFC 4035 section 5.2).  INSECURE
 * when a delegation without DS is proved at or above name; SECURE when
 * every level is proved signed, i.e. name lies in a signed zone (so an
 * unsigned answer there is bogus); BOGUS/INDETERMINATE when a step fails.
 */
verdict prove_insecure(val_ctx *ctx, const ldns_rdf *name)
{
	verdict v;
	nbuf nb;
	const val_anchor *a = val_anchors_find(ctx->anchors, name);

	vsecure(&v);
	if (!a) {
		vset(&v, VAL_INDETERMINATE, VAL_EDE_DNSSEC_INDETERMINATE,
		     "no trust anchor covers %s", NAME(name, nb));
		return v;
	}
	zone_entry *z = zone_keys(ctx, a->zone);
	if (z->v.status != VAL_SECURE)
		return z->v;
	size_t top = ldns_dname_label_count(a->zone);
	size_t n = ldns_dname_label_count(name);
	for (size_t k = top + 1; k <= n; k++) {
		ldns_rdf *c = ldns_dname_clone_from(name, (uint16_t)(n - k));
		if (!c) {
			vset(&v, VAL_INDETERMINATE, VAL_EDE_OTHER, "out of memory");
			return v;
		}
		ds_entry *d = ds_lookup(ctx, c);
		switch (d->kind) {
		case DS_SIGNED:
			z = zone_keys(ctx, c);
			if (z->v.status != VAL_SECURE) {
				ldns_rdf_deep_free(c);
				return z->v;
			}
			break;
		case DS_NOT_CUT:
			break;
		case DS_INSECURE:
		case DS_UNSIGNED:
		case DS_FAIL:
			ldns_rdf_deep_free(c);
			return d->v;
		}
		ldns_rdf_deep_free(c);
	}
	return v;
}
