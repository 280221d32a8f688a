/*
 * chain.c - the chain of trust, from a trust anchor down to an answer
 * (val.h).
 *
 * The resolver is asked with CD=1, so it hands back signed data even when
 * it would call it bogus; every check is ours.  For a signed answer the
 * RRSIG's signer names the zone; the zone's DNSKEY set is validated by the
 * DS set in its parent (found through the DS RRSIG's signer, one level at
 * a time) or by a trust anchor (RFC 4035 section 5).  An answer without
 * signatures is accepted only when a top-down walk from the anchor proves
 * an insecure delegation above it (RFC 4035 section 5.2, RFC 5155 section
 * 8.6); otherwise it is bogus, because a resolver that strips RRSIGs must
 * not be able to downgrade a signed zone.
 *
 * Each message, DS set and DNSKEY set is fetched and checked once per
 * context.  The validator never reads the clock (ctx->now), never opens a
 * socket and never prints: the trace callback gets the steps.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validator/val.h"

#define CHAIN_MAX_LINKS 8      /* CNAME/DNAME links followed */
#define CHAIN_MAX_DEPTH 40     /* recursion through zone levels */

typedef struct verdict {
	val_status status;
	val_why why;
	int fetch_error;
} verdict;

typedef struct msg_entry {
	ldns_rdf *name;
	ldns_rr_type type;
	ldns_pkt *pkt;          /* owned, NULL when the fetch failed */
	int err;
} msg_entry;

/* What a DS query at a name tells about a delegation there. */
typedef enum ds_kind {
	DS_SIGNED,              /* a DS set validated by the parent's keys */
	DS_INSECURE,            /* no DS (proved), or the parent is insecure */
	DS_NOT_CUT,             /* proved: no delegation there (or no such name) */
	DS_UNSIGNED,            /* answer without signatures: proves nothing */
	DS_FAIL                 /* bogus or indeterminate, see v */
} ds_kind;

typedef struct ds_entry {
	ldns_rdf *name;
	ds_kind kind;
	verdict v;
	ldns_rr_list *ds;       /* DS_SIGNED: the validated set */
	ldns_rdf *parent;       /* zone that signed the DS or the denial */
	int busy;
} ds_entry;

typedef struct zone_entry {
	ldns_rdf *zone;
	verdict v;              /* SECURE: keys is the validated DNSKEY set */
	ldns_rr_list *keys;
	int busy;
} zone_entry;

struct val_ctx {
	const val_anchors *anchors;
	int64_t now;
	val_fetch_fn fetch;
	void *fetch_arg;
	val_trace_fn trace;
	void *trace_arg;
	val_policy pol;         /* pol.work points at work */
	val_work work;          /* this lookup's counters (reset per val_resolve) */
	val_keycache *kc;
	val_stats stats;
	msg_entry **msgs;
	size_t n_msgs;
	ds_entry **dss;
	size_t n_dss;
	zone_entry **zones;
	size_t n_zones;
	int depth;
};

/* ---- small helpers ---- */

const char *val_dname_str(const ldns_rdf *name, char *buf, size_t len)
{
	char *s;

	if (!buf || !len)
		return "";
	buf[0] = '\0';
	if (!name)
		return buf;
	s = ldns_rdf2str(name);
	if (!s) {
		snprintf(buf, len, "?");
		return buf;
	}
	size_t n = strlen(s);
	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
	snprintf(buf, len, "%s", s);
	free(s);
	return buf;
}

const char *val_rrtype_str(ldns_rr_type type, char *buf, size_t len)
{
	const ldns_rr_descriptor *d = ldns_rr_descript((uint16_t)type);

	if (d && d->_name)
		snprintf(buf, len, "%s", d->_name);
	else
		snprintf(buf, len, "TYPE%u", (unsigned)type);
	return buf;
}

/* Names and types for messages, in rotating static-free buffers held by
 * the caller's frame. */
typedef struct nbuf { char s[LDNS_MAX_DOMAINLEN + 16]; } nbuf;
#define NAME(x, b) val_dname_str((x), (b).s, sizeof (b).s)

static void ctx_trace(val_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void ctx_trace(val_ctx *ctx, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	if (!ctx->trace)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ctx->trace(ctx->trace_arg, line);
}

static void vset(verdict *v, val_status st, val_ede ede, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void vset(verdict *v, val_status st, val_ede ede, const char *fmt, ...)
{
	va_list ap;

	v->status = st;
	v->why.ede = ede;
	va_start(ap, fmt);
	vsnprintf(v->why.text, sizeof v->why.text, fmt, ap);
	va_end(ap);
}

/* Put "prefix: " in front of the reason in v (truncating at the end). */
static void vprefix(verdict *v, const char *prefix)
{
	char tmp[sizeof v->why.text];
	size_t pl = strlen(prefix), cap = sizeof tmp - 1, tl;

	if (pl + 2 >= cap)
		return;
	memcpy(tmp, prefix, pl);
	memcpy(tmp + pl, ": ", 2);
	tl = strlen(v->why.text);
	if (tl > cap - pl - 2)
		tl = cap - pl - 2;
	memcpy(tmp + pl + 2, v->why.text, tl);
	tmp[pl + 2 + tl] = '\0';
	memcpy(v->why.text, tmp, sizeof tmp);
}

static void vsecure(verdict *v)
{
	memset(v, 0, sizeof *v);
	v->status = VAL_SECURE;
	v->why.ede = VAL_EDE_NONE;
}

/* A failed proof that was offered a wildcard-expanded NSEC: say so, and
 * call it what it is (EDE 6): a forged denial, not a missing one. */
static void vnote(verdict *v, const char *note)
{
	size_t tl = strlen(v->why.text);

	if (!note[0] || v->status != VAL_BOGUS)
		return;
	v->why.ede = VAL_EDE_DNSSEC_BOGUS;
	snprintf(v->why.text + tl, sizeof v->why.text - tl, "; %s", note);
}

/* Same name, ignoring case (RFC 4343). */
static int same_name(const ldns_rdf *a, const ldns_rdf *b)
{
	return a && b && ldns_dname_compare(a, b) == 0;
}

/* a is b or below b. */
static int at_or_below(const ldns_rdf *a, const ldns_rdf *b)
{
	return same_name(a, b) || ldns_dname_is_subdomain(a, b);
}

/* RFC 4034 3.1.3: the label count of an owner, not counting the root or
 * a leading "*" label. */
static unsigned owner_labels(const ldns_rdf *owner)
{
	unsigned n = (unsigned)ldns_dname_label_count(owner);
	const uint8_t *d = ldns_rdf_data(owner);

	if (n > 0 && d[0] == 1 && d[1] == '*')
		n--;
	return n;
}

static ldns_rr_type sig_covered(const ldns_rr *sig)
{
	ldns_rdf *t = ldns_rr_rrsig_typecovered(sig);
	return t ? ldns_rdf2rr_type(t) : 0;
}

/*
 * Clones of the RRs of section sec with this owner (NULL: any) and type.
 * For RRSIGs, covered selects the type they cover (0: any).  Malloced.
 */
static ldns_rr_list *pick(const ldns_pkt *p, ldns_pkt_section sec, const ldns_rdf *owner,
			  ldns_rr_type type, ldns_rr_type covered)
{
	ldns_rr_list *all = ldns_pkt_get_section_clone(p, sec);
	ldns_rr_list *out = ldns_rr_list_new();

	if (!out) {
		ldns_rr_list_deep_free(all);
		return NULL;
	}
	for (size_t i = 0; all && i < ldns_rr_list_rr_count(all); i++) {
		ldns_rr *rr = ldns_rr_list_rr(all, i);
		int keep = ldns_rr_get_type(rr) == type &&
			   ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
			   (!owner || same_name(ldns_rr_owner(rr), owner)) &&
			   (type != LDNS_RR_TYPE_RRSIG || !covered || sig_covered(rr) == covered);
		if (keep && ldns_rr_list_push_rr(out, rr))
			ldns_rr_list_set_rr(all, NULL, i);
	}
	/* Entries moved to out were replaced by NULL; free the rest. */
	for (size_t i = 0; all && i < ldns_rr_list_rr_count(all); i++)
		ldns_rr_free(ldns_rr_list_rr(all, i));
	ldns_rr_list_free(all);
	return out;
}

/* The signer of the first RRSIG in sigs whose signer encloses owner. */
static const ldns_rdf *pick_signer(const ldns_rr_list *sigs, const ldns_rdf *owner)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
		const ldns_rdf *s = ldns_rr_rrsig_signame(ldns_rr_list_rr(sigs, i));
		if (s && at_or_below(owner, s))
			return s;
	}
	return NULL;
}

static const char *rcode_str(ldns_pkt_rcode rc)
{
	ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, (int)rc);
	return lt ? lt->name : "RCODE?";
}

/* ---- message cache ---- */

/*
 * The answer to (name, type), fetched once per context.  *pkt is borrowed
 * from the cache.  On failure v is set to indeterminate and the error is
 * returned.  A resolver that answers SERVFAIL (or REFUSED...) even with
 * CD=1 cannot give us the data: also indeterminate.
 */
static int fetch(val_ctx *ctx, const ldns_rdf *name, ldns_rr_type type,
		 const ldns_pkt **pkt, verdict *v)
{
	msg_entry *m = NULL;
	nbuf nb;
	char tb[32];

	for (size_t i = 0; i < ctx->n_msgs; i++)
		if (ctx->msgs[i]->type == type && same_name(ctx->msgs[i]->name, name)) {
			m = ctx->msgs[i];
			ctx->stats.cache_hits++;
			break;
		}
	if (!m) {
		msg_entry **grown = realloc(ctx->msgs, (ctx->n_msgs + 1) * sizeof *grown);
		if (!grown || !(m = calloc(1, sizeof *m))) {
			if (grown)
				ctx->msgs = grown;
			vset(v, VAL_INDETERMINATE, VAL_EDE_OTHER, "out of memory");
			v->fetch_error = DP_ENOMEM;
			return DP_ENOMEM;
		}
		ctx->msgs = grown;
		ctx->msgs[ctx->n_msgs++] = m;
		m->name = ldns_rdf_clone(name);
		m->type = type;
		ctx->stats.fetches++;
		m->err = ctx->fetch(ctx->fetch_arg, name, type, &m->pkt);
		if (m->err == DP_OK && !m->pkt)
			m->err = DP_EPROTO;
		if (m->err != DP_OK)
			m->pkt = NULL;
	}
	if (m->err != DP_OK) {
		vset(v, VAL_INDETERMINATE, VAL_EDE_NO_REACHABLE_AUTHORITY,
		     "query for %s/%s failed: %s", NAME(name, nb),
		     val_rrtype_str(type, tb, sizeof tb), dp_strerror(m->err));
		v->fetch_error = m->err;
		return m->err;
	}
	/* The message is handed out even when its rcode is an error, so that
	 * the caller can report that rcode. */
	*pkt = m->pkt;
	ldns_pkt_rcode rc = ldns_pkt_get_rcode(m->pkt);
	if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN) {
		vset(v, VAL_INDETERMINATE, VAL_EDE_NO_REACHABLE_AUTHORITY,
		     "resolver answered %s for %s/%s (with CD=1)", rcode_str(rc),
		     NAME(name, nb), val_rrtype_str(type, tb, sizeof tb));
		v->fetch_error = DP_ENET;
		return DP_ENET;
	}
	*pkt = m->pkt;
	return DP_OK;
}

/* ---- verification helpers ---- */

static val_status verify_set(val_ctx *ctx, const ldns_rr_list *rrset,
			     const ldns_rr_list *sigs, const ldns_rr_list *keys,
			     val_why *why)
{
	ctx->stats.sig_verifications++;
	return rrset_verify(rrset, sigs, keys, ctx->now, &ctx->pol, ctx->kc, NULL, why);
}

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
static unsigned min_sig_labels(const ldns_rr_list *sigs, unsigned ol)
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
		if (same_name(ldns_rr_rrsig_signame(s), zone))
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
	ldns_rr_list *set = pick(p, LDNS_SECTION_AUTHORITY, owner, type, 0);
	ldns_rr_list *all = pick(p, LDNS_SECTION_AUTHORITY, owner, LDNS_RR_TYPE_RRSIG, type);
	ldns_rr_list *sigs = sigs_by(all, zone);
	val_status st = VAL_SECURE;
	val_why why = { VAL_EDE_NONE, "" };
	nbuf nb, wb;
	char tb[16];

	val_rrtype_str(type, tb, sizeof tb);
	if (!set || !all || !sigs) {
		vset(v, st = VAL_INDETERMINATE, VAL_EDE_OTHER, "out of memory");
	} else if (ldns_rr_list_rr_count(all) == 0 && at_or_below(owner, zone)) {
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
static val_status verified_denial(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *zone,
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
		ldns_rr_list *recs = pick(p, LDNS_SECTION_AUTHORITY, NULL, types[t], 0);
		for (size_t i = 0; recs && i < ldns_rr_list_rr_count(recs) && st == VAL_SECURE; i++) {
			const ldns_rdf *owner = ldns_rr_owner(ldns_rr_list_rr(recs, i));
			int seen = 0;
			for (size_t j = 0; j < i; j++)
				seen |= same_name(ldns_rr_owner(ldns_rr_list_rr(recs, j)), owner);
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
static ldns_rdf *denial_signer(const ldns_pkt *p, const ldns_rdf *name)
{
	ldns_rr_list *sigs = pick(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_RRSIG, 0);
	const ldns_rdf *best = NULL;

	for (size_t i = 0; sigs && i < ldns_rr_list_rr_count(sigs); i++) {
		ldns_rr *s = ldns_rr_list_rr(sigs, i);
		ldns_rr_type t = sig_covered(s);
		const ldns_rdf *sn = ldns_rr_rrsig_signame(s);
		if ((t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3) && sn &&
		    at_or_below(name, sn) &&
		    (!best || ldns_dname_label_count(sn) > ldns_dname_label_count(best)))
			best = sn;
	}
	ldns_rdf *signer = best ? ldns_rdf_clone(best) : NULL;
	ldns_rr_list_deep_free(sigs);
	return signer;
}

static int has_denial(const ldns_pkt *p)
{
	ldns_rr_list *a = pick(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_NSEC, 0);
	ldns_rr_list *b = pick(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_NSEC3, 0);
	int n = (int)(ldns_rr_list_rr_count(a) + ldns_rr_list_rr_count(b));
	ldns_rr_list_deep_free(a);
	ldns_rr_list_deep_free(b);
	return n > 0;
}

/* ---- zones and delegations ---- */

static zone_entry *zone_keys(val_ctx *ctx, const ldns_rdf *zone);
static verdict prove_insecure(val_ctx *ctx, const ldns_rdf *name);

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

	if (fetch(ctx, e->zone, LDNS_RR_TYPE_DNSKEY, &p, v) != DP_OK)
		return;
	ldns_rr_list *keys = pick(p, LDNS_SECTION_ANSWER, e->zone, LDNS_RR_TYPE_DNSKEY, 0);
	ldns_rr_list *sigs = pick(p, LDNS_SECTION_ANSWER, e->zone, LDNS_RR_TYPE_RRSIG,
				  LDNS_RR_TYPE_DNSKEY);
	if (ldns_rr_list_rr_count(keys) == 0) {
		vset(v, VAL_BOGUS, VAL_EDE_DNSKEY_MISSING, "DNSKEY missing for %s (%s answer)",
		     NAME(e->zone, nb), ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN
		     ? "NXDOMAIN" : "empty");
	} else if (ldns_rr_list_rr_count(sigs) == 0) {
		vset(v, VAL_BOGUS, VAL_EDE_RRSIGS_MISSING, "RRSIG missing for %s/DNSKEY",
		     NAME(e->zone, nb));
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
			ctx_trace(ctx, "DNSKEY %s secure (%s%s%s)", NAME(e->zone, nb),
				  *used ? "DS " : "", used, from);
		} else if (st == VAL_INSECURE) {
			vset(v, VAL_INSECURE, VAL_EDE_NONE, "DNSKEY set of %s: %s",
			     NAME(e->zone, nb), why.text);
		} else {
			vset(v, st, why.ede, "DNSKEY set of %s: %s", NAME(e->zone, nb), why.text);
		}
	}
	if (v->status != VAL_SECURE)
		ctx_trace(ctx, "DNSKEY %s %s: %s", NAME(e->zone, nb),
			  val_status_str(v->status), v->why.text);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
}

/*
 * Who signed the answer to the DS query at d->name: d->parent gets the
 * signer of the DS RRSIGs, or of the NSEC/NSEC3 RRSIGs when there is no
 * DS.  0 when found; -1 with d->kind/d->v set when the answer proves
 * nothing (unsigned) or is signed by the wrong zone.
 */
static int ds_find_parent(ds_entry *d, const ldns_pkt *p, const ldns_rr_list *ds,
			  const ldns_rr_list *sigs)
{
	nbuf nb;

	if (ldns_rr_list_rr_count(ds) > 0) {
		const ldns_rdf *signer = pick_signer(sigs, d->name);
		if (ldns_rr_list_rr_count(sigs) == 0) {
			d->kind = DS_UNSIGNED;
			vset(&d->v, VAL_BOGUS, VAL_EDE_RRSIGS_MISSING, "RRSIG missing for %s/DS",
			     NAME(d->name, nb));
			return -1;
		}
		if (signer && !same_name(signer, d->name)) {
			d->parent = ldns_rdf_clone(signer);
			return 0;
		}
		vset(&d->v, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
		     "DS for %s is not signed by a parent zone", NAME(d->name, nb));
		return -1;
	}
	if (!has_denial(p)) {
		d->kind = DS_UNSIGNED;
		vset(&d->v, VAL_BOGUS, VAL_EDE_NSEC_MISSING,
		     "no DS and no NSEC/NSEC3 for %s/DS", NAME(d->name, nb));
		return -1;
	}
	d->parent = denial_signer(p, d->name);
	if (!d->parent) {
		d->kind = DS_UNSIGNED;
		vset(&d->v, VAL_BOGUS, VAL_EDE_RRSIGS_MISSING,
		     "RRSIG missing for the NSEC/NSEC3 denying %s/DS", NAME(d->name, nb));
		return -1;
	}
	if (same_name(d->parent, d->name)) {
		/* RFC 4035 3.1.4.1: the DS (and its absence) lives in the
		 * parent; a child's own NSEC cannot deny it. */
		vset(&d->v, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
		     "denial of %s/DS comes from %s itself, not from its parent",
		     NAME(d->name, nb), NAME(d->name, nb));
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
		ctx_trace(ctx, "DS %s secure (signed by %s)", NAME(d->name, nb),
			  NAME(d->parent, pb));
	} else if (st == VAL_INSECURE) {
		d->kind = DS_INSECURE;
		vset(&d->v, VAL_INSECURE, VAL_EDE_NONE, "DS set of %s: %s",
		     NAME(d->name, nb), why.text);
	} else {
		vset(&d->v, st, why.ede, "DS set of %s: %s", NAME(d->name, nb), why.text);
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
	char note[LDNS_MAX_DOMAINLEN * 2 + 160];

	/* RFC 4035 5.2: the no-DS proof comes from the parent side only
	 * (ds_find_parent refused the child's own signer). */
	if (verified_denial(ctx, p, d->parent, pk, &nsecs, note, sizeof note, &d->v) != VAL_SECURE)
		return;
	if (ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN) {
		st = denial_prove_nxdomain(d->name, nsecs, d->parent, &ctx->pol, NULL, &why);
		deleg = st == VAL_INSECURE;
	} else {
		st = denial_prove_no_ds(d->name, nsecs, d->parent, &ctx->pol, &deleg, &why);
	}
	ldns_rr_list_deep_free(nsecs);
	if (st == VAL_SECURE && deleg) {
		d->kind = DS_INSECURE;
		vset(&d->v, VAL_INSECURE, VAL_EDE_NONE,
		     "insecure delegation: no DS for %s, proved by %s", NAME(d->name, nb),
		     NAME(d->parent, pb));
	} else if (st == VAL_SECURE) {
		d->kind = DS_NOT_CUT;
		vsecure(&d->v);
	} else if (st == VAL_INSECURE) {
		d->kind = DS_INSECURE;
		vset(&d->v, VAL_INSECURE, why.ede, "no DS for %s: %s", NAME(d->name, nb), why.text);
	} else {
		vset(&d->v, st, why.ede, "no-DS proof for %s: %s", NAME(d->name, nb), why.text);
		vnote(&d->v, note);
	}
}

/* Classify the answer to a DS query at d->name (see ds_kind). */
static void ds_classify(val_ctx *ctx, ds_entry *d)
{
	const ldns_pkt *p = NULL;
	ldns_rr_list *ds = NULL, *sigs = NULL;
	zone_entry *pz;
	nbuf nb, pb;

	d->kind = DS_FAIL;
	if (fetch(ctx, d->name, LDNS_RR_TYPE_DS, &p, &d->v) != DP_OK)
		goto out;
	ds = pick(p, LDNS_SECTION_ANSWER, d->name, LDNS_RR_TYPE_DS, 0);
	sigs = pick(p, LDNS_SECTION_ANSWER, d->name, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DS);
	if (ds_find_parent(d, p, ds, sigs) < 0)
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
		ctx_trace(ctx, "DS %s %s: %s", NAME(d->name, nb),
			  d->kind == DS_INSECURE ? "insecure" : val_status_str(d->v.status),
			  d->v.why.text);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(sigs);
}

static ds_entry *ds_lookup(val_ctx *ctx, const ldns_rdf *name)
{
	static ds_entry oom = { .kind = DS_FAIL,
		.v = { VAL_INDETERMINATE, { VAL_EDE_OTHER, "out of memory" }, DP_ENOMEM } };
	static ds_entry loop = { .kind = DS_FAIL,
		.v = { VAL_BOGUS, { VAL_EDE_DNSSEC_BOGUS, "DS lookups loop" }, 0 } };
	ds_entry *d;

	for (size_t i = 0; i < ctx->n_dss; i++)
		if (same_name(ctx->dss[i]->name, name))
			return ctx->dss[i]->busy ? &loop : ctx->dss[i];
	if (ctx->depth >= CHAIN_MAX_DEPTH)
		return &loop;
	ds_entry **grown = realloc(ctx->dss, (ctx->n_dss + 1) * sizeof *grown);
	if (!grown)
		return &oom;
	ctx->dss = grown;
	if (!(d = calloc(1, sizeof *d)))
		return &oom;
	d->name = ldns_rdf_clone(name);
	ctx->dss[ctx->n_dss++] = d;
	d->busy = 1;
	ctx->depth++;
	ds_classify(ctx, d);
	ctx->depth--;
	d->busy = 0;
	return d;
}

/* Validate the DNSKEY set of a zone that is not a trust point. */
static void zone_from_parent(val_ctx *ctx, zone_entry *e)
{
	nbuf nb, pb;
	ds_entry *d = ds_lookup(ctx, e->zone);
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
		     NAME(e->zone, nb), NAME(d->parent, pb));
		return;
	case DS_UNSIGNED: {
		/* The parent's answer has no signatures: only a proved
		 * insecure delegation higher up can excuse that. */
		verdict w = prove_insecure(ctx, e->zone);
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
 * The validated DNSKEY set of zone, or why there is none.  Never NULL.
 * Trust points are validated from the anchor; other zones from their
 * parent's DS set, recursively up to an anchor.
 */
static zone_entry *zone_keys(val_ctx *ctx, const ldns_rdf *zone)
{
	static zone_entry oom = { .v = { VAL_INDETERMINATE, { VAL_EDE_OTHER, "out of memory" },
					 DP_ENOMEM } };
	static zone_entry loop = { .v = { VAL_BOGUS, { VAL_EDE_DNSSEC_BOGUS,
					  "the chain of trust loops" }, 0 } };
	zone_entry *e;
	nbuf nb;

	for (size_t i = 0; i < ctx->n_zones; i++)
		if (same_name(ctx->zones[i]->zone, zone))
			return ctx->zones[i]->busy ? &loop : ctx->zones[i];
	if (ctx->depth >= CHAIN_MAX_DEPTH)
		return &loop;
	zone_entry **grown = realloc(ctx->zones, (ctx->n_zones + 1) * sizeof *grown);
	if (!grown)
		return &oom;
	ctx->zones = grown;
	if (!(e = calloc(1, sizeof *e)))
		return &oom;
	e->zone = ldns_rdf_clone(zone);
	ctx->zones[ctx->n_zones++] = e;
	e->busy = 1;
	ctx->depth++;

	const val_anchor *a = val_anchors_find(ctx->anchors, zone);
	if (!a) {
		vset(&e->v, VAL_INDETERMINATE, VAL_EDE_DNSSEC_INDETERMINATE,
		     "no trust anchor covers %s", NAME(zone, nb));
	} else if (same_name(a->zone, zone)) {
		zone_dnskey_step(ctx, e, ldns_rr_list_rr_count(a->ds) ? a->ds : NULL,
				 ldns_rr_list_rr_count(a->keys) ? a->keys : NULL,
				 ldns_rr_list_rr_count(a->ds) ? " from the trust anchor"
							      : "trust anchor key");
	} else {
		zone_from_parent(ctx, e);
	}
	ctx->depth--;
	e->busy = 0;
	return e;
}

/*
 * Walk down from the closest trust anchor to name, one label at a time,
 * asking for the DS set at each level (RFC 4035 section 5.2).  INSECURE
 * when a delegation without DS is proved at or above name; SECURE when
 * every level is proved signed, i.e. name lies in a signed zone (so an
 * unsigned answer there is bogus); BOGUS/INDETERMINATE when a step fails.
 */
static verdict prove_insecure(val_ctx *ctx, const ldns_rdf *name)
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

/* ---- answers ---- */

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
 * Validate the RRset (owner, type) of the answer section of p.  *zone_out
 * (may be NULL) gets the signer zone, malloced.
 */
static verdict answer_rrset(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *owner,
			    ldns_rr_type type, ldns_rdf **zone_out)
{
	verdict v;
	nbuf nb, zb;
	char tb[32];
	ldns_rr_list *set = pick(p, LDNS_SECTION_ANSWER, owner, type, 0);
	ldns_rr_list *sigs = pick(p, LDNS_SECTION_ANSWER, owner, LDNS_RR_TYPE_RRSIG, type);
	ldns_rr_list *nsecs = NULL;
	const ldns_rdf *signer;

	vsecure(&v);
	val_rrtype_str(type, tb, sizeof tb);
	if (ldns_rr_list_rr_count(sigs) == 0) {
		v = unsigned_rrset(ctx, owner, type);
		goto out;
	}
	signer = pick_signer(sigs, owner);
	if (!signer) {
		vset(&v, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
		     "RRSIG for %s/%s is signed by a zone that does not contain it",
		     NAME(owner, nb), tb);
		goto out;
	}
	if (zone_out)
		*zone_out = ldns_rdf_clone(signer);
	zone_entry *z = zone_keys(ctx, signer);
	if (z->v.status != VAL_SECURE) {
		v = z->v;
		if (v.status == VAL_BOGUS || v.status == VAL_INSECURE) {
			char pre[LDNS_MAX_DOMAINLEN + 48];
			snprintf(pre, sizeof pre, "%s/%s", NAME(owner, nb), tb);
			vprefix(&v, pre);
		}
		goto out;
	}
	val_why why = { VAL_EDE_NONE, "" };
	val_status st = verify_set(ctx, set, sigs, z->keys, &why);
	if (st != VAL_SECURE) {
		vset(&v, st, st == VAL_INSECURE ? VAL_EDE_NONE : why.ede, "%s/%s: %s",
		     NAME(owner, nb), tb, why.text);
		goto out;
	}
	/* RFC 4035 5.3.4: a wildcard expansion (RRSIG labels below the
	 * owner's) needs proof that the name itself does not exist.  Any
	 * such RRSIG demands it, so a forged full-label RRSIG cannot hide a
	 * replayed wildcard one. */
	unsigned ol = owner_labels(owner), minl = min_sig_labels(sigs, ol);
	/* RFC 4592 4.4, RFC 6672 5.3 (issue 10, finding 4): a DNAME is never
	 * synthesised from a wildcard; one that claims so is forged. */
	if (minl < ol && type == LDNS_RR_TYPE_DNAME) {
		vset(&v, VAL_BOGUS, VAL_EDE_DNSSEC_BOGUS,
		     "DNAME %s was synthesised from a wildcard (RRSIG labels %u, owner %u), "
		     "which RFC 4592 4.4 and RFC 6672 5.3 forbid", NAME(owner, nb), minl, ol);
		goto out;
	}
	if (minl < ol) {
		char note[LDNS_MAX_DOMAINLEN * 2 + 160];
		ldns_rdf *ce = ldns_dname_clone_from(owner, (uint16_t)(ldns_dname_label_count(owner) - minl));
		if (!ce || verified_denial(ctx, p, signer, z->keys, &nsecs, note, sizeof note,
					   &v) != VAL_SECURE) {
			if (!ce)
				vset(&v, VAL_INDETERMINATE, VAL_EDE_OTHER, "out of memory");
			else
				snprintf(v.why.text + strlen(v.why.text),
					 sizeof v.why.text - strlen(v.why.text),
					 " (wildcard proof for %s/%s)", NAME(owner, nb), tb);
			ldns_rdf_deep_free(ce);
			goto out;
		}
		st = denial_prove_wildcard(owner, ce, nsecs, signer, &ctx->pol, &why);
		ldns_rdf_deep_free(ce);
		if (st != VAL_SECURE) {
			vset(&v, st, st == VAL_INSECURE ? VAL_EDE_NONE : why.ede,
			     "wildcard answer %s/%s: %s", NAME(owner, nb), tb, why.text);
			vnote(&v, note);
			goto out;
		}
	}
	ctx_trace(ctx, "%s/%s secure (signed by %s%s)", NAME(owner, nb), tb,
		  NAME(signer, zb), minl < ol ? ", wildcard expansion" : "");
out:
	if (v.status != VAL_SECURE)
		ctx_trace(ctx, "%s/%s %s: %s", NAME(owner, nb), tb, val_status_str(v.status),
			  v.why.text);
	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(sigs);
	ldns_rr_list_deep_free(nsecs);
	return v;
}

/* NXDOMAIN or NODATA for (name, type) in p: the signed denial must prove it. */
static verdict answer_negative(val_ctx *ctx, const ldns_pkt *p, const ldns_rdf *name,
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
		ldns_rr_list *soa = pick(p, LDNS_SECTION_AUTHORITY, NULL, LDNS_RR_TYPE_SOA, 0);
		const ldns_rdf *upto = name;
		if (ldns_rr_list_rr_count(soa) == 1 &&
		    at_or_below(name, ldns_rr_owner(ldns_rr_list_rr(soa, 0))))
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
	char note[LDNS_MAX_DOMAINLEN * 2 + 160];
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
	ldns_rdf_deep_free(zone);
	ldns_rr_list_deep_free(nsecs);
	return v;
}

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
		if (ldns_rr_get_type(rr) == type && same_name(ldns_rr_owner(rr), owner))
			return 1;
	}
	return 0;
}

static void keep_link(val_result *r, const ldns_pkt *p, const ldns_rdf *owner,
		      ldns_rr_type type)
{
	ldns_rr_list *l = pick(p, LDNS_SECTION_ANSWER, owner, type, 0);
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
	ldns_rr_list *cn = pick(p, LDNS_SECTION_ANSWER, cur, LDNS_RR_TYPE_CNAME, 0);
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

	if (p && (same_name(cur, r->qname) || answer_has(p, cur, r->qtype) ||
		  answer_has(p, cur, LDNS_RR_TYPE_CNAME) || find_dname(p, cur)))
		np = p;
	else if (fetch(ctx, cur, r->qtype, &np, &v) != DP_OK) {
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
			r->rrset = pick(p, LDNS_SECTION_ANSWER, cur, r->qtype, 0);
			r->rrsigs = pick(p, LDNS_SECTION_ANSWER, cur, LDNS_RR_TYPE_RRSIG, r->qtype);
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

/* ---- context ---- */

int val_ctx_new(val_ctx **out, const val_anchors *anchors, int64_t now,
		val_fetch_fn fetch_fn, void *fetch_arg)
{
	val_ctx *ctx;

	if (!out || !anchors || !fetch_fn)
		return DP_EINVAL;
	ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return DP_ENOMEM;
	if (val_keycache_new(&ctx->kc) != DP_OK) {
		free(ctx);
		return DP_ENOMEM;
	}
	ctx->anchors = anchors;
	ctx->now = now;
	ctx->fetch = fetch_fn;
	ctx->fetch_arg = fetch_arg;
	val_policy_default(&ctx->pol);
	ctx->pol.work = &ctx->work;
	*out = ctx;
	return DP_OK;
}

void val_ctx_free(val_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->n_msgs; i++) {
		ldns_rdf_deep_free(ctx->msgs[i]->name);
		ldns_pkt_free(ctx->msgs[i]->pkt);
		free(ctx->msgs[i]);
	}
	for (size_t i = 0; i < ctx->n_dss; i++) {
		ldns_rdf_deep_free(ctx->dss[i]->name);
		ldns_rdf_deep_free(ctx->dss[i]->parent);
		ldns_rr_list_deep_free(ctx->dss[i]->ds);
		free(ctx->dss[i]);
	}
	for (size_t i = 0; i < ctx->n_zones; i++) {
		ldns_rdf_deep_free(ctx->zones[i]->zone);
		ldns_rr_list_deep_free(ctx->zones[i]->keys);
		free(ctx->zones[i]);
	}
	free(ctx->msgs);
	free(ctx->dss);
	free(ctx->zones);
	val_keycache_free(ctx->kc);
	free(ctx);
}

void val_ctx_set_trace(val_ctx *ctx, val_trace_fn fn, void *arg)
{
	if (!ctx)
		return;
	ctx->trace = fn;
	ctx->trace_arg = arg;
}

void val_ctx_set_policy(val_ctx *ctx, const val_policy *pol)
{
	if (ctx && pol) {
		ctx->pol = *pol;
		ctx->pol.work = &ctx->work;
	}
}

void val_ctx_stats(const val_ctx *ctx, val_stats *out)
{
	if (ctx && out)
		*out = ctx->stats;
}
